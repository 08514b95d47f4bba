-- The journalists' desk: a journalist's question from the website or taken down by the PR
-- officer, numbered per year (N-2026-00042, gap-free), due within the press term in working
-- days, assigned to a unit (and perhaps one of its officials), replied to by e-mail, the
-- reply kept. Journaled; a question row is rewritten when assigned and when answered.
CREATE TABLE press_questions (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    year INTEGER NOT NULL,
    serial INTEGER NOT NULL,
    -- 'web' (the journalists' form) or 'desk' (taken down by the PR officer).
    channel TEXT NOT NULL,
    outlet TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    -- The language of the page it came from: the reply's e-mail is framed in it.
    language TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    received_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    unit_code TEXT REFERENCES protocol_units (code),
    assignee TEXT,
    assigned_by TEXT,
    reply TEXT,
    answered_by TEXT,
    answered_at INTEGER,
    -- The day of the reply (the figures count working days to it).
    answered_on TEXT,
    received_at INTEGER NOT NULL,
    UNIQUE (year, serial)
);
CREATE INDEX press_questions_open ON press_questions (state, due_on);
CREATE INDEX press_questions_unit ON press_questions (unit_code, state, due_on);
-- The answer terms the body sets (messages: days; press: working days); the latest of each
-- applies to what is received from then on. Append-only.
CREATE TABLE answer_terms (
    id INTEGER PRIMARY KEY,
    term_of TEXT NOT NULL,
    days INTEGER NOT NULL,
    set_by TEXT NOT NULL,
    set_at INTEGER NOT NULL
);
CREATE INDEX answer_terms_of ON answer_terms (term_of, id);
