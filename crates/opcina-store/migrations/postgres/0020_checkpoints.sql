-- The journal's anchors. A checkpoint is the node's signed statement of its journal head
-- (and of the last message of its federation log); the node makes one regularly and on
-- demand, keeps it here, and sends it to its federation peers, which keep it in
-- witnessed_checkpoints. `opcina journal verify` checks the chain against them. Both tables
-- are journaled and append-only.
CREATE TABLE checkpoints (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    statement TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature BYTEA NOT NULL,
    at BIGINT NOT NULL
);

CREATE TABLE witnessed_checkpoints (
    id BIGINT PRIMARY KEY,
    member TEXT NOT NULL,
    seq BIGINT NOT NULL,
    statement TEXT NOT NULL,
    key_id TEXT NOT NULL,
    signature BYTEA NOT NULL,
    sequel TEXT NOT NULL,
    received_at BIGINT NOT NULL
);

CREATE INDEX witnessed_checkpoints_member ON witnessed_checkpoints (member, id);
