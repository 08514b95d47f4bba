-- Citizens' messages (questions, suggestions, complaints) to a unit of the municipality, from
-- the website or entered at a counter: numbered per year (P-2026-00042, gap-free), tracked
-- by number and access code (kept only as its SHA-256), due within the answer term, answered
-- (by e-mail when the citizen gave an address), and published with the answer where the
-- citizen agreed. Journaled; a message row is rewritten when it is answered.
CREATE TABLE citizen_messages (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    year INTEGER NOT NULL,
    serial INTEGER NOT NULL,
    kind TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES protocol_units (code),
    channel TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    -- The language of the page it was sent from: the answer's e-mail is written in it.
    language TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    publish INTEGER NOT NULL CHECK (publish IN (0, 1)),
    access_hash BLOB NOT NULL,
    state TEXT NOT NULL,
    received_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    answer TEXT,
    answered_by TEXT,
    answered_at INTEGER,
    received_at INTEGER NOT NULL,
    UNIQUE (year, serial)
);
CREATE INDEX citizen_messages_unit ON citizen_messages (unit_code, state, due_on);
CREATE INDEX citizen_messages_published ON citizen_messages (publish, state, answered_at);
