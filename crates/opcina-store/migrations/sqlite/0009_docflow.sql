-- Document flow (shared/DOMAIN.md §5): the body's organisational units and who works in
-- them, the classification plan, the kinds of case with their legal deadlines, the
-- registry-number pattern, the protocol books (djelovodnik, upisnik UP-I and UP-II) and the
-- cases with every step of their life. All journaled. Protocol records and case events are
-- append-only (a correction is a new record naming the one it corrects); a case row holds
-- the case's current state and is rewritten, journaled, at each step.
-- Officials (službenici) handle cases: the users table's list of roles gains 'official'.
-- SQLite cannot change a CHECK constraint in place: the table is copied out and back, with
-- foreign keys deferred to the commit, by which time every user is back under its id.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE users_before_officials AS SELECT * FROM users;
DROP TABLE users;
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('registrar', 'counter_clerk', 'auditor', 'admin', 'official')),
    office_code TEXT REFERENCES offices (code),
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL
);
INSERT INTO users (id, username, full_name, role, office_code, active, created_at)
    SELECT id, username, full_name, role, office_code, active, created_at FROM users_before_officials;
DROP TABLE users_before_officials;

CREATE TABLE protocol_units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- The latest row of a user says which unit they work in.
CREATE TABLE unit_staff (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES protocol_units (code),
    since INTEGER NOT NULL
);
CREATE INDEX unit_staff_username ON unit_staff (username, id);

CREATE TABLE protocol_classes (
    id INTEGER PRIMARY KEY,
    mark INTEGER NOT NULL UNIQUE,
    title TEXT NOT NULL,
    -- Years a closed case of this class is kept; NULL: permanently.
    retention_years INTEGER,
    created_at INTEGER NOT NULL
);

CREATE TABLE case_types (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    book TEXT NOT NULL,
    class INTEGER NOT NULL REFERENCES protocol_classes (mark),
    term_kind TEXT NOT NULL,
    term_days INTEGER NOT NULL,
    unit_code TEXT NOT NULL REFERENCES protocol_units (code),
    created_at INTEGER NOT NULL
);

-- The latest row is the body's registry-number pattern.
CREATE TABLE protocol_settings (
    id INTEGER PRIMARY KEY,
    pattern TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at INTEGER NOT NULL
);

CREATE TABLE protocol_records (
    id INTEGER PRIMARY KEY,
    book TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    class INTEGER NOT NULL,
    year INTEGER NOT NULL,
    serial INTEGER NOT NULL,
    -- 0 for a case's first record; 1, 2, … for the later acts in it.
    sub INTEGER NOT NULL,
    number TEXT NOT NULL,
    case_id INTEGER,
    -- in (received), out (sent) or internal.
    direction TEXT NOT NULL,
    -- counter, portal, post, email or internal.
    channel TEXT NOT NULL,
    office_code TEXT NOT NULL,
    correspondent TEXT NOT NULL,
    subject TEXT NOT NULL,
    received_on TEXT NOT NULL,
    corrects_id INTEGER REFERENCES protocol_records (id),
    registered_by TEXT NOT NULL,
    registered_at INTEGER NOT NULL,
    UNIQUE (book, unit_code, year, serial, sub)
);
CREATE INDEX protocol_records_case ON protocol_records (case_id, id);
CREATE INDEX protocol_records_day ON protocol_records (registered_at, id);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES protocol_records (id),
    number TEXT NOT NULL,
    book TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    class INTEGER NOT NULL,
    year INTEGER NOT NULL,
    serial INTEGER NOT NULL,
    case_type TEXT NOT NULL,
    party_name TEXT NOT NULL,
    party_jmbg TEXT,
    party_address TEXT NOT NULL,
    party_contact TEXT,
    subject TEXT NOT NULL,
    -- SHA-256 of the access code printed on the receipt.
    access_hash BLOB NOT NULL,
    term_kind TEXT NOT NULL,
    term_days INTEGER NOT NULL,
    opened_on TEXT NOT NULL,
    appeal_of INTEGER REFERENCES cases (id),
    state TEXT NOT NULL,
    holder_unit TEXT,
    holder_official TEXT,
    held_since INTEGER NOT NULL,
    -- The due date as it stands (moves with each pause; kept while waiting).
    due_on TEXT NOT NULL,
    paused_since TEXT,
    paused_days INTEGER NOT NULL,
    -- What the party was asked to bring (JSON list), while it is missing.
    missing TEXT,
    outcome TEXT,
    decided_on TEXT,
    dispatch TEXT,
    dispatched_on TEXT,
    delivered_on TEXT,
    closed_on TEXT,
    joined_to INTEGER REFERENCES cases (id),
    last_sub INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX cases_number ON cases (number);
CREATE INDEX cases_state_due ON cases (state, due_on, id);
CREATE INDEX cases_unit_due ON cases (holder_unit, state, due_on, id);
CREATE INDEX cases_official_due ON cases (holder_official, state, due_on, id);
CREATE INDEX cases_party ON cases (party_jmbg, id);
CREATE INDEX cases_decided ON cases (decided_on, id);

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    unit_code TEXT,
    official TEXT,
    record_id INTEGER REFERENCES protocol_records (id),
    -- What the step says (note, missing documents, outcome, dispatch), as JSON.
    detail TEXT NOT NULL,
    at INTEGER NOT NULL,
    by_user TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, id);
