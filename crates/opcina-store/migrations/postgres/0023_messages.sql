-- Citizens' messages (questions, suggestions, complaints) to a unit of the municipality, from
-- the website or entered at a counter: numbered per year (P-2026-00042, gap-free), tracked
-- by number and access code (kept only as its SHA-256), due within the answer term, answered
-- (by e-mail when the citizen gave an address), and published with the answer where the
-- citizen agreed. Journaled; a message row is rewritten when it is answered.
CREATE TABLE citizen_messages (
    id BIGINT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    year BIGINT NOT NULL,
    serial BIGINT NOT NULL,
    kind TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES protocol_units (code),
    channel TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    -- The language of the page it was sent from: the answer's e-mail is written in it.
    language TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    publish BOOLEAN NOT NULL,
    access_hash BYTEA NOT NULL,
    state TEXT NOT NULL,
    received_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    answer TEXT,
    answered_by TEXT,
    answered_at BIGINT,
    received_at BIGINT NOT NULL,
    UNIQUE (year, serial)
);
CREATE INDEX citizen_messages_unit ON citizen_messages (unit_code, state, due_on);
CREATE INDEX citizen_messages_published ON citizen_messages (publish, state, answered_at);
