-- JMBGs replaced by a correction of the sex or the date of birth (both are encoded in the
-- number): the old one is cancelled and never reused, the new one was assigned from the
-- node's serials. Written with the annotation that records the correction; entries made
-- before it keep naming the old number, so a person is read under every number they had.
CREATE TABLE jmbg_changes (
    id INTEGER PRIMARY KEY CHECK (id > 0),
    old_jmbg TEXT NOT NULL UNIQUE,
    new_jmbg TEXT NOT NULL UNIQUE,
    changed_at INTEGER NOT NULL
);
