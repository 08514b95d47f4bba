-- Annotation notices between members: when a marriage or death is registered here for a
-- person whose birth entry another municipality keeps, the annotation waits in the outbox
-- (written in the registration's own transaction) until the holder's signed receipt is
-- recorded as its delivery. The inbox records every notice received, by the sender's notice
-- id, so that a notice delivered twice is applied once. All three are journaled.
CREATE TABLE federation_outbox (
    id BIGINT PRIMARY KEY,
    subject_jmbg TEXT NOT NULL,
    annotation TEXT NOT NULL,
    cause_entry_id BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE federation_deliveries (
    id BIGINT PRIMARY KEY,
    outbox_id BIGINT NOT NULL UNIQUE REFERENCES federation_outbox (id),
    member TEXT NOT NULL,
    status TEXT NOT NULL,
    receipt TEXT NOT NULL,
    at BIGINT NOT NULL
);

CREATE TABLE federation_inbox (
    id BIGINT PRIMARY KEY,
    notice_id TEXT NOT NULL UNIQUE,
    member TEXT NOT NULL,
    subject_jmbg TEXT NOT NULL,
    annotation TEXT NOT NULL,
    status TEXT NOT NULL,
    annotation_id BIGINT,
    reason TEXT,
    received_at BIGINT NOT NULL
);
CREATE INDEX federation_inbox_status ON federation_inbox (status, id);
