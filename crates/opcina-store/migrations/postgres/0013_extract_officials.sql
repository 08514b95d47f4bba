-- The full names of the registrars an issued document names (those who recorded the entry's
-- annotations), by username, as they were when it was issued: kept with the document so that
-- it reproduces byte for byte after a registrar's name changes in the staff list.
CREATE TABLE extract_officials (
    id BIGINT PRIMARY KEY CHECK (id > 0),
    extract_id BIGINT NOT NULL UNIQUE REFERENCES extracts (id),
    -- A JSON object: username -> full name.
    names TEXT NOT NULL
);
