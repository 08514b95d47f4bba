-- Public information: the pieces the municipality publishes on its website (news,
-- announcements, public calls, acts, standing pages), their texts in each language with
-- every version kept (a correction after publication is a new version with its reason), and
-- every step of the editorial workflow. All journaled. A piece row holds its current state
-- and is rewritten, journaled, at each step; texts and steps are append-only.
-- The website's editors are users: the users table's list of roles gains 'editor',
-- 'press_officer' and 'approver'.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('registrar', 'counter_clerk', 'auditor', 'admin', 'official', 'editor', 'press_officer', 'approver'));

CREATE TABLE pieces (
    id BIGINT PRIMARY KEY,
    -- The address (`/news/{slug}`): from the first title, unique, kept for good.
    slug TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    category TEXT NOT NULL,
    category_key TEXT NOT NULL,
    tags TEXT NOT NULL,
    -- `|key|key|`, so that one tag is found with LIKE.
    tag_keys TEXT NOT NULL,
    local_community TEXT NOT NULL,
    local_community_key TEXT NOT NULL,
    gazette TEXT,
    closes_on TEXT,
    author TEXT NOT NULL,
    -- When the public sees it (the end of an embargo); set when it is published.
    publish_at BIGINT,
    -- Its last correction after publication.
    corrected_at BIGINT,
    unpublished_reason TEXT,
    created_at BIGINT NOT NULL,
    changed_at BIGINT NOT NULL
);
CREATE INDEX pieces_public ON pieces (state, publish_at);
CREATE INDEX pieces_category ON pieces (category_key, publish_at);
CREATE INDEX pieces_local_community ON pieces (local_community_key, publish_at);

CREATE TABLE piece_texts (
    id BIGINT PRIMARY KEY,
    piece_id BIGINT NOT NULL REFERENCES pieces (id),
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    written_by TEXT NOT NULL,
    written_at BIGINT NOT NULL
);
CREATE INDEX piece_texts_piece ON piece_texts (piece_id, language, id);

CREATE TABLE piece_steps (
    id BIGINT PRIMARY KEY,
    piece_id BIGINT NOT NULL REFERENCES pieces (id),
    action TEXT NOT NULL,
    state TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX piece_steps_piece ON piece_steps (piece_id, id);
