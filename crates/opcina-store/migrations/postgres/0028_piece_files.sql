-- The files a piece of the website carries: PDF documents and images (with the words that
-- say what an image shows). The content is in the node's file store under its SHA-256, kept
-- here; a file taken off a piece keeps its row (who took it off, when), so the history of a
-- published piece stays whole. Journaled; a row is rewritten only when its file is removed.
CREATE TABLE piece_files (
    id BIGINT PRIMARY KEY,
    piece_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    -- 'pdf', 'png', 'jpeg' or 'webp', as the content's first bytes say.
    kind TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    alt TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL,
    removed_by TEXT,
    removed_at BIGINT
);
CREATE INDEX piece_files_piece ON piece_files (piece_id, id);
CREATE INDEX piece_files_sha256 ON piece_files (sha256);
