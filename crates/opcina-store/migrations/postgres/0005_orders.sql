-- Extracts ordered online by citizens, and what became of each order. Both are records of
-- the municipality (a submission and its handling): journaled and append-only; an order's
-- state is its latest event.
CREATE TABLE extract_orders (
    id BIGINT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    subject_jmbg TEXT NOT NULL,
    subject_name TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('bs', 'hr', 'sr')),
    script TEXT NOT NULL CHECK (script IN ('latin', 'cyrillic')),
    requester_name TEXT NOT NULL,
    requester_jmbg TEXT,
    requester_document TEXT,
    relation TEXT NOT NULL,
    evidence TEXT,
    purpose TEXT NOT NULL,
    delivery TEXT NOT NULL CHECK (delivery IN ('post', 'pickup')),
    office_code TEXT NOT NULL REFERENCES offices (code),
    address TEXT,
    contact TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX extract_orders_office ON extract_orders (office_code, id);

CREATE TABLE extract_order_events (
    id BIGINT PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES extract_orders (id),
    status TEXT NOT NULL CHECK (status IN ('received', 'issued', 'refused', 'sent', 'ready', 'collected', 'cancelled')),
    extract_number TEXT,
    note TEXT,
    by_user TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX extract_order_events_order ON extract_order_events (order_id, id);
