-- Reports of communal problems (a pothole, a broken street light, illegal dumping): numbered
-- per year (K-2026-00042, gap-free; also the Open311 service_request_id), routed by category
-- and local community to a unit, followed through their states on a public page. The
-- reporter's name, address and access code (its SHA-256) are never shown. Journaled: a report
-- is rewritten at each change, and every change is kept as a step.
CREATE TABLE report_routes (
    id INTEGER PRIMARY KEY,
    category TEXT NOT NULL,
    -- Empty: the category's route wherever no other names the local community.
    local_community_key TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES protocol_units (code),
    set_by TEXT NOT NULL,
    set_at INTEGER NOT NULL,
    UNIQUE (category, local_community_key)
);
-- The clients allowed to post reports through Open311, by API key (kept as its SHA-256).
CREATE TABLE open311_clients (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    key_hash BLOB NOT NULL UNIQUE,
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    year INTEGER NOT NULL,
    serial INTEGER NOT NULL,
    category TEXT NOT NULL,
    state TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES protocol_units (code),
    channel TEXT NOT NULL,
    description TEXT NOT NULL,
    local_community TEXT NOT NULL,
    local_community_key TEXT NOT NULL,
    address TEXT NOT NULL,
    lat_e6 INTEGER,
    lon_e6 INTEGER,
    attributes TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    language TEXT NOT NULL,
    access_hash BLOB NOT NULL,
    token TEXT NOT NULL UNIQUE,
    responsible_body TEXT,
    received_at INTEGER NOT NULL,
    changed_at INTEGER NOT NULL,
    UNIQUE (year, serial)
);
-- Open311's lists (newest first, by date range, service and status) and the public list by
-- local community; a unit's desk.
CREATE INDEX reports_received ON reports (received_at, id);
CREATE INDEX reports_place ON reports (local_community_key, received_at);
CREATE INDEX reports_unit ON reports (unit_code, state, received_at);
CREATE TABLE report_steps (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    state TEXT NOT NULL,
    note TEXT NOT NULL,
    body TEXT,
    actor TEXT NOT NULL,
    by_reporter INTEGER NOT NULL CHECK (by_reporter IN (0, 1)),
    at INTEGER NOT NULL
);
CREATE INDEX report_steps_report ON report_steps (report_id, id);
