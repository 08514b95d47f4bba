-- The registry number a refusal decision took in the body's UP-I book (the protocol record it
-- was entered as), when the body keeps one for the registry's refusals.
CREATE TABLE refusal_records (
    id INTEGER PRIMARY KEY CHECK (id > 0),
    extract_id INTEGER NOT NULL UNIQUE REFERENCES extracts (id),
    record_id INTEGER NOT NULL,
    number TEXT NOT NULL
);
