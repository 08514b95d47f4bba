-- Outbound e-mail. A use case that writes to someone (an account's confirmation link, later
-- news to the media) puts the message in the outbox in its own transaction; the node's mail
-- sender hands it to the configured relay and records the relay's answer as its delivery
-- (`sent`, or `rejected` when the relay refuses it for good). A restart loses nothing: a
-- message without a delivery is sent again. Both tables are journaled and append-only.
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    purpose TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE mail_deliveries (
    id INTEGER PRIMARY KEY,
    outbox_id INTEGER NOT NULL UNIQUE REFERENCES mail_outbox (id),
    status TEXT NOT NULL,
    reply TEXT NOT NULL,
    at INTEGER NOT NULL
);
