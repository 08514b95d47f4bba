-- The civil registry node: offices, users, the four registers and their annotations,
-- the access log, and the journal that chains every change to them.
-- Dates are ISO-8601 text (YYYY-MM-DD); times are microseconds since the Unix epoch (UTC).
-- Every authoritative row's id is the journal position (seq) of the item that wrote it.

CREATE TABLE node (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    municipality TEXT NOT NULL,
    region INTEGER NOT NULL CHECK (region BETWEEN 0 AND 99),
    jmbg_mode TEXT NOT NULL CHECK (jmbg_mode IN ('strict', 'lenient')),
    canton TEXT NOT NULL,
    entity TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE offices (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    settlement TEXT NOT NULL,
    address TEXT NOT NULL,
    hours TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('registrar', 'counter_clerk', 'auditor', 'admin')),
    office_code TEXT REFERENCES offices (code),
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    token_hash BLOB NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    register TEXT NOT NULL CHECK (register IN ('MKR', 'MKD', 'MKV', 'MKU')),
    office_code TEXT NOT NULL REFERENCES offices (code),
    year INTEGER NOT NULL,
    number INTEGER NOT NULL CHECK (number > 0),
    subject_jmbg TEXT NOT NULL,
    partner_jmbg TEXT,
    mother_jmbg TEXT,
    father_jmbg TEXT,
    event_date TEXT NOT NULL,
    registered_on TEXT NOT NULL,
    late INTEGER NOT NULL CHECK (late IN (0, 1)),
    script TEXT NOT NULL CHECK (script IN ('latin', 'cyrillic')),
    recorded_at INTEGER NOT NULL,
    recorded_by TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (register, office_code, year, number)
);
CREATE INDEX entries_subject ON entries (subject_jmbg);
CREATE INDEX entries_partner ON entries (partner_jmbg) WHERE partner_jmbg IS NOT NULL;
CREATE INDEX entries_mother ON entries (mother_jmbg) WHERE mother_jmbg IS NOT NULL;
CREATE INDEX entries_father ON entries (father_jmbg) WHERE father_jmbg IS NOT NULL;

CREATE TABLE annotations (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES entries (id),
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    act TEXT NOT NULL,
    act_issuer TEXT NOT NULL,
    act_number TEXT NOT NULL,
    act_date TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    note TEXT,
    recorded_at INTEGER NOT NULL,
    office_code TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    cause_entry_id INTEGER REFERENCES entries (id)
);
CREATE INDEX annotations_entry ON annotations (entry_id);

CREATE TABLE access_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    username TEXT NOT NULL,
    role TEXT NOT NULL,
    office_code TEXT,
    subject_jmbg TEXT NOT NULL,
    entry_id INTEGER,
    action TEXT NOT NULL,
    purpose TEXT NOT NULL,
    case_number TEXT
);
CREATE INDEX access_log_subject ON access_log (subject_jmbg, id);

CREATE TABLE journal (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    office_code TEXT,
    action TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_id INTEGER NOT NULL,
    row_hash BLOB,
    hash BLOB NOT NULL
);

CREATE TABLE journal_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL
);
INSERT INTO journal_head (id, seq, hash) VALUES (1, 0, zeroblob(32));
