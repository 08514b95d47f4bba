-- The media list and press releases. The PR officer keeps the media houses and journalists
-- the municipality informs (each with the topics they follow, their language and script, and
-- a token for the link that takes them off the list); a press release is a piece sent to
-- them: its distribution is recorded when the PR officer asks for it, and its messages are
-- written to the mail outbox (one per recipient, purpose `press:<distribution id>`) only
-- once the piece is visible — never before its embargo ends. All journaled; both tables are
-- rewritten in place (a contact changed, a distribution queued).
CREATE TABLE media_contacts (
    id BIGINT PRIMARY KEY,
    outlet TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    beats TEXT NOT NULL,
    beat_keys TEXT NOT NULL,
    language TEXT NOT NULL,
    script TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    unsubscribe_token TEXT NOT NULL UNIQUE,
    unsubscribed_at BIGINT,
    created_at BIGINT NOT NULL,
    changed_at BIGINT NOT NULL
);

CREATE TABLE press_distributions (
    id BIGINT PRIMARY KEY,
    piece_id BIGINT NOT NULL REFERENCES pieces (id),
    -- The topic it is for (a key); empty for everyone on the list.
    beat TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    -- When its messages were written to the outbox, and how many.
    queued_at BIGINT,
    recipients BIGINT NOT NULL
);
CREATE INDEX press_distributions_pending ON press_distributions (queued_at, piece_id);
