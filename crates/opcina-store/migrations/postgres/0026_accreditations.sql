-- Journalists' accreditations: requested from the website for one event or the calendar
-- year, numbered per year (A-2026-00042, gap-free), granted or refused (with the reason) by
-- the PR officer or an approver, perhaps revoked later; each decision mailed to the
-- journalist. Journaled; a row is rewritten at each decision.
CREATE TABLE press_accreditations (
    id BIGINT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    year BIGINT NOT NULL,
    serial BIGINT NOT NULL,
    outlet TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    language TEXT NOT NULL,
    -- 'event' or 'year'.
    kind TEXT NOT NULL,
    event TEXT NOT NULL,
    state TEXT NOT NULL,
    requested_on TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    reason TEXT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    requested_at BIGINT NOT NULL,
    UNIQUE (year, serial)
);
CREATE INDEX press_accreditations_state ON press_accreditations (state, valid_until);
