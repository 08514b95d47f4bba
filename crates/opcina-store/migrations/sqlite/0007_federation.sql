-- The federation's message log: every exchange with another member's node, in either
-- direction, with both signatures and digests. Each row carries the hash of the one before
-- it (`prev_hash`) and its own (`hash`, over every other column), so that a row changed,
-- removed or inserted afterwards breaks the chain (`opcina federation log verify`). Rows are
-- journaled as well.
CREATE TABLE federation_messages (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    direction TEXT NOT NULL,
    peer TEXT NOT NULL,
    service TEXT NOT NULL,
    nonce TEXT NOT NULL,
    case_number TEXT,
    status INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    request_signature TEXT NOT NULL,
    request_digest TEXT NOT NULL,
    response_signature TEXT,
    response_digest TEXT,
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL
);

-- The records a document issued here was drawn from when another member holds the entry:
-- the holder's signed answer, kept so that the document can be reproduced and verified
-- without asking the holder again.
CREATE TABLE remote_records (
    id INTEGER PRIMARY KEY,
    extract_id INTEGER NOT NULL UNIQUE REFERENCES extracts (id),
    member TEXT NOT NULL,
    municipality TEXT NOT NULL,
    -- The entry's id in the holder's registers.
    entry_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    records TEXT NOT NULL,
    received_at INTEGER NOT NULL
);
