-- Staff sign-in for the web application.
--
-- Password hashes (Argon2id, PHC strings) are journaled and append-only: a user's password
-- is their latest row, and a hash changed behind the program's back is named by
-- `opcina journal verify`.
CREATE TABLE user_passwords (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    phc TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at INTEGER NOT NULL
);
CREATE INDEX user_passwords_user ON user_passwords (user_id, id);

-- Web sessions are operational state, not records: created at sign-in, touched while in use,
-- ended at sign-out or expiry. Only the SHA-256 of the cookie's token is stored.
CREATE TABLE web_sessions (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at INTEGER
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
