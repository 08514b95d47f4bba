-- Requests for access to information (ZOSPI FBiH) are cases of the document flow, of the kind
-- the body keeps for them; these tables hold what the law adds to a case. A request made on
-- the website brings who asks (for the quarter's figures), how the information is wanted and
-- the full text asked for; one registered at the counter has no row here. The decision on a
-- request is entered once, with the case's decision in the UP-I book: the exemptions it rests
-- on, why, the public-interest test, what is given, where the request went and where an
-- appeal lies. Journaled; neither table is rewritten.
CREATE TABLE information_requests (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL UNIQUE,
    -- 'person', 'media', 'ngo' or 'legal_entity'.
    requester TEXT NOT NULL,
    -- 'email', 'post' or 'inspect'.
    access TEXT NOT NULL,
    email TEXT,
    language TEXT NOT NULL,
    information TEXT NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE TABLE information_decisions (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL UNIQUE,
    -- 'granted', 'partial', 'refused' or 'not_held'.
    kind TEXT NOT NULL,
    -- The exemptions' codes, comma-separated, in order ('' when none).
    exemptions TEXT NOT NULL,
    reasons TEXT NOT NULL,
    public_interest TEXT NOT NULL,
    given TEXT NOT NULL,
    forwarded_to TEXT,
    appeal_to TEXT,
    decided_on TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at INTEGER NOT NULL
);
