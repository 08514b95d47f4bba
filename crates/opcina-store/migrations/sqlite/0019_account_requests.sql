-- Requests to open a citizen's account. Registering puts a request here and a message with a
-- one-time link in the mail outbox (or, when the address already has an account, a message
-- telling its owner so); the account is opened only when the link is followed and a password
-- chosen, so the registration page says the same whether an address is known or not. Only the
-- SHA-256 of the link's token is kept. Journaled and append-only: a request is spent when an
-- account with its address exists, and void after `expires_at`.
CREATE TABLE citizen_account_requests (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    full_name TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
