-- The files of cases: content-addressed (SHA-256) in the object store, one row per version,
-- never changed once written (journaled, append-only).
CREATE TABLE attachments (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    record_id BIGINT REFERENCES protocol_records (id),
    first_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL,
    UNIQUE (first_id, version)
);
CREATE INDEX attachments_case ON attachments (case_id, id);
