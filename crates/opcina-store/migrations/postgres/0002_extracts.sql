-- Extracts and certificates: the register of issued documents and refused requests, their
-- revocations, the node's public keys, and the fee schedule. All append-only and journaled.

-- One row per issued document or refusal decision. Numbers are gap-free per outcome,
-- office and year. A refusal has no entry, fee, content hash or seal; an issued document
-- has no refusal code.
CREATE TABLE extracts (
    id BIGINT PRIMARY KEY,
    outcome TEXT NOT NULL CHECK (outcome IN ('issued', 'refused')),
    office_code TEXT NOT NULL REFERENCES offices (code),
    year BIGINT NOT NULL,
    serial BIGINT NOT NULL CHECK (serial > 0),
    kind TEXT NOT NULL,
    subject_jmbg TEXT NOT NULL,
    entry_id BIGINT REFERENCES entries (id),
    language TEXT NOT NULL CHECK (language IN ('bs', 'hr', 'sr')),
    script TEXT NOT NULL CHECK (script IN ('latin', 'cyrillic')),
    requester_name TEXT NOT NULL,
    requester_jmbg TEXT,
    requester_document TEXT,
    evidence TEXT,
    relation TEXT NOT NULL,
    established TEXT,
    purpose TEXT NOT NULL,
    fee BIGINT,
    fee_exemption TEXT,
    refusal_code TEXT,
    refusal_reason TEXT,
    official_username TEXT NOT NULL,
    official_name TEXT NOT NULL,
    municipality TEXT NOT NULL,
    office_name TEXT NOT NULL,
    place TEXT NOT NULL,
    at BIGINT NOT NULL,
    on_date TEXT NOT NULL,
    journal_position BIGINT NOT NULL,
    verify_base TEXT NOT NULL,
    content_hash BYTEA,
    seal BYTEA,
    key_id TEXT,
    UNIQUE (outcome, office_code, year, serial)
);
CREATE INDEX extracts_subject ON extracts (subject_jmbg, id);

CREATE TABLE extract_revocations (
    id BIGINT PRIMARY KEY,
    extract_id BIGINT NOT NULL UNIQUE REFERENCES extracts (id),
    reason TEXT NOT NULL,
    revoked_by TEXT NOT NULL,
    revoked_at BIGINT NOT NULL
);

-- The node's Ed25519 public keys (the private key stays in a file); documents name the key
-- that sealed them by its fingerprint.
CREATE TABLE node_keys (
    id BIGINT PRIMARY KEY,
    key_id TEXT NOT NULL UNIQUE,
    public_key BYTEA NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

-- The fee schedule: the latest rule that matches wins; a rule with a purpose is an
-- exemption (or reduction) for that purpose, with its legal basis in `note`.
CREATE TABLE fee_rules (
    id BIGINT PRIMARY KEY,
    kind TEXT,
    purpose TEXT,
    amount BIGINT NOT NULL CHECK (amount >= 0),
    note TEXT NOT NULL,
    set_at BIGINT NOT NULL
);
