-- Citizen accounts on the portal. An account is opened online and verified at a counter: a
-- clerk who has seen the citizen's identity document links it to a JMBG, and the citizen can
-- then read who has accessed their records. Accounts, passwords and verifications are
-- journaled and append-only (the latest password and verification count); sessions are
-- operational state, as for staff (`user_id` is the account here).
CREATE TABLE citizen_accounts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE citizen_passwords (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES citizen_accounts (id),
    phc TEXT NOT NULL,
    set_at INTEGER NOT NULL
);
CREATE INDEX citizen_passwords_account ON citizen_passwords (account_id, id);

CREATE TABLE citizen_verifications (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES citizen_accounts (id),
    jmbg TEXT NOT NULL,
    document TEXT NOT NULL,
    verified_by TEXT NOT NULL,
    office_code TEXT NOT NULL REFERENCES offices (code),
    at INTEGER NOT NULL
);
CREATE INDEX citizen_verifications_account ON citizen_verifications (account_id, id);

CREATE TABLE citizen_sessions (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES citizen_accounts (id),
    created_at INTEGER NOT NULL,
    seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at INTEGER
);
CREATE INDEX citizen_sessions_account ON citizen_sessions (user_id);
