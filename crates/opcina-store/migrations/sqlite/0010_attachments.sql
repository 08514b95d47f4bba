-- The files of cases: content-addressed (SHA-256) in the object store, one row per version,
-- never changed once written (journaled, append-only).
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    record_id INTEGER REFERENCES protocol_records (id),
    first_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL,
    UNIQUE (first_id, version)
);
CREATE INDEX attachments_case ON attachments (case_id, id);
