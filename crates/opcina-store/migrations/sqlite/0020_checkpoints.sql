-- The journal's anchors. A checkpoint is the node's signed statement of its journal head
-- (and of the last message of its federation log); the node makes one regularly and on
-- demand, keeps it here, and sends it to its federation peers, which keep it in
-- witnessed_checkpoints. `opcina journal verify` checks the chain against them. Both tables
-- are journaled and append-only.
CREATE TABLE checkpoints (
    id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    statement TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature BLOB NOT NULL,
    at INTEGER NOT NULL
);

CREATE TABLE witnessed_checkpoints (
    id INTEGER PRIMARY KEY,
    member TEXT NOT NULL,
    seq INTEGER NOT NULL,
    statement TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature BLOB NOT NULL,
    sequel TEXT NOT NULL,
    received_at INTEGER NOT NULL
);

CREATE INDEX witnessed_checkpoints_member ON witnessed_checkpoints (member, id);
