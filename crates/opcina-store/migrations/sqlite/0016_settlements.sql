-- The settlements (naselja) of the municipality the node knows by name, each with the office
-- whose books hold its entries: a residence naming one of them is in the node's territory.
CREATE TABLE settlements (
    id INTEGER PRIMARY KEY CHECK (id > 0),
    name TEXT NOT NULL UNIQUE,
    office_code TEXT NOT NULL REFERENCES offices (code),
    added_at INTEGER NOT NULL
);
