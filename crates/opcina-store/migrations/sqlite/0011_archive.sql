-- The archive (shared/DOMAIN.md §5). Disposal proposals (prijedlozi za izlučivanje) and the
-- archive's answer to them; rewritten, journaled, at each step.
CREATE TABLE disposals (
    id INTEGER PRIMARY KEY,
    -- The day the proposal lists what may be destroyed as of.
    as_of TEXT NOT NULL,
    -- proposed, approved, refused or done.
    state TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    proposed_at INTEGER NOT NULL,
    -- The competent archive's act (its number) and its date, once it answered.
    answer_ref TEXT,
    answered_on TEXT,
    answered_by TEXT,
    done_by TEXT,
    done_at INTEGER,
    updated_at INTEGER NOT NULL
);

-- The archive book (arhivska knjiga): one entry per closed case taken into the archive,
-- numbered per year without gaps. The entry keeps the retention its class had when it was
-- archived. Rewritten, journaled, when it is proposed for and when it is destroyed.
CREATE TABLE archive_entries (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    serial INTEGER NOT NULL,
    case_id INTEGER NOT NULL UNIQUE REFERENCES cases (id),
    number TEXT NOT NULL,
    class INTEGER NOT NULL,
    content TEXT NOT NULL,
    closed_on TEXT NOT NULL,
    -- NULL: kept permanently.
    retention_years INTEGER,
    keep_until TEXT,
    files INTEGER NOT NULL,
    -- kept, proposed or destroyed.
    state TEXT NOT NULL,
    disposal_id INTEGER REFERENCES disposals (id),
    archived_by TEXT NOT NULL,
    archived_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (year, serial)
);
CREATE INDEX archive_entries_disposable ON archive_entries (state, keep_until, id);
CREATE INDEX archive_entries_disposal ON archive_entries (disposal_id, id);

-- What a proposal listed, as it was sent (append-only).
CREATE TABLE disposal_items (
    id INTEGER PRIMARY KEY,
    disposal_id INTEGER NOT NULL REFERENCES disposals (id),
    entry_id INTEGER NOT NULL REFERENCES archive_entries (id),
    case_id INTEGER NOT NULL REFERENCES cases (id)
);
CREATE INDEX disposal_items_disposal ON disposal_items (disposal_id, id);

-- Legal holds on cases, placed and released (append-only): a case whose latest row places a
-- hold is never destroyed.
CREATE TABLE legal_holds (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    placed INTEGER NOT NULL CHECK (placed IN (0, 1)),
    reason TEXT NOT NULL,
    by_user TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX legal_holds_case ON legal_holds (case_id, id);

-- Cases held by a unit other than the one their kind belongs to (handed over elsewhere):
-- the few exceptions the search of a unit's files adds or leaves out.
CREATE INDEX cases_held_elsewhere ON cases (holder_unit, id) WHERE holder_unit <> unit_code;
CREATE INDEX cases_given_away ON cases (unit_code, id) WHERE holder_unit <> unit_code;
