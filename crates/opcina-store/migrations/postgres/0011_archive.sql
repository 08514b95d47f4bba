-- The archive (shared/DOMAIN.md §5). Disposal proposals (prijedlozi za izlučivanje) and the
-- archive's answer to them; rewritten, journaled, at each step.
CREATE TABLE disposals (
    id BIGINT PRIMARY KEY,
    -- The day the proposal lists what may be destroyed as of.
    as_of TEXT NOT NULL,
    -- proposed, approved, refused or done.
    state TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    proposed_at BIGINT NOT NULL,
    -- The competent archive's act (its number) and its date, once it answered.
    answer_ref TEXT,
    answered_on TEXT,
    answered_by TEXT,
    done_by TEXT,
    done_at BIGINT,
    updated_at BIGINT NOT NULL
);

-- The archive book (arhivska knjiga): one entry per closed case taken into the archive,
-- numbered per year without gaps. The entry keeps the retention its class had when it was
-- archived. Rewritten, journaled, when it is proposed for and when it is destroyed.
CREATE TABLE archive_entries (
    id BIGINT PRIMARY KEY,
    year BIGINT NOT NULL,
    serial BIGINT NOT NULL,
    case_id BIGINT NOT NULL UNIQUE REFERENCES cases (id),
    number TEXT NOT NULL,
    class BIGINT NOT NULL,
    content TEXT NOT NULL,
    closed_on TEXT NOT NULL,
    -- NULL: kept permanently.
    retention_years BIGINT,
    keep_until TEXT,
    files BIGINT NOT NULL,
    -- kept, proposed or destroyed.
    state TEXT NOT NULL,
    disposal_id BIGINT REFERENCES disposals (id),
    archived_by TEXT NOT NULL,
    archived_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (year, serial)
);
CREATE INDEX archive_entries_disposable ON archive_entries (state, keep_until, id);
CREATE INDEX archive_entries_disposal ON archive_entries (disposal_id, id);

-- What a proposal listed, as it was sent (append-only).
CREATE TABLE disposal_items (
    id BIGINT PRIMARY KEY,
    disposal_id BIGINT NOT NULL REFERENCES disposals (id),
    entry_id BIGINT NOT NULL REFERENCES archive_entries (id),
    case_id BIGINT NOT NULL REFERENCES cases (id)
);
CREATE INDEX disposal_items_disposal ON disposal_items (disposal_id, id);

-- Legal holds on cases, placed and released (append-only): a case whose latest row places a
-- hold is never destroyed.
CREATE TABLE legal_holds (
    id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    placed BOOLEAN NOT NULL,
    reason TEXT NOT NULL,
    by_user TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX legal_holds_case ON legal_holds (case_id, id);

-- Cases held by a unit other than the one their kind belongs to (handed over elsewhere):
-- the few exceptions the search of a unit's files adds or leaves out.
CREATE INDEX cases_held_elsewhere ON cases (holder_unit, id) WHERE holder_unit <> unit_code;
CREATE INDEX cases_given_away ON cases (unit_code, id) WHERE holder_unit <> unit_code;
