-- 007_notifications.sql — in-app notifications and the outbox the e-mail and
-- SMS senders will read.

CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id), -- whom it is for
    created_at  TEXT NOT NULL,
    kind        TEXT NOT NULL,             -- assigned, mention, reply, sla_warning, sla_breached
    entity      TEXT,                      -- what it is about: "requests"
    record_id   INTEGER,
    title       TEXT NOT NULL,             -- "О-2026-000123: Не печатает принтер"
    read_at     TEXT                       -- NULL while unread
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, id);

-- every notification is also a message to send, written in the same
-- transaction; the senders (coming later) mark what they sent
CREATE TABLE outbox (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at         TEXT NOT NULL,
    channel            TEXT NOT NULL,      -- email, sms
    recipient_user_id  INTEGER REFERENCES users(id),
    subject            TEXT,
    body               TEXT NOT NULL,
    state              TEXT NOT NULL,      -- pending, sent, failed
    attempts           INTEGER NOT NULL,
    sent_at            TEXT,
    last_error         TEXT
);
CREATE INDEX outbox_pending ON outbox (state, id);
