-- The registry number a refusal decision took in the body's UP-I book (the protocol record it
-- was entered as), when the body keeps one for the registry's refusals.
CREATE TABLE refusal_records (
    id BIGINT PRIMARY KEY CHECK (id > 0),
    extract_id BIGINT NOT NULL UNIQUE REFERENCES extracts (id),
    record_id BIGINT NOT NULL,
    number TEXT NOT NULL
);
