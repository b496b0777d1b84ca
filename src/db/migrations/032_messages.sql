-- 032_messages.sql — messages to clients: the outbox gets what its sender
-- needs (the address, the thread, the schedule of attempts, the claim of the
-- process sending it), templates per event, channel and language, the
-- company's details that templates quote, and a client's wishes.

-- the address a message goes to, decided when it is queued: an e-mail
-- address or a phone number (+7…). NULL: a staff notification, kept for
-- when users have an address of their own; the sender leaves it alone
ALTER TABLE outbox ADD COLUMN address TEXT;
ALTER TABLE outbox ADD COLUMN client_id INTEGER REFERENCES clients(id) ON DELETE SET NULL; -- whom it is for
ALTER TABLE outbox ADD COLUMN entity TEXT;         -- what it is about: "requests"
ALTER TABLE outbox ADD COLUMN record_id INTEGER;   -- … and which one
ALTER TABLE outbox ADD COLUMN event TEXT;          -- the template's event: created, reply, resolved, sla_breach
ALTER TABLE outbox ADD COLUMN message_id TEXT;     -- e-mail: our Message-ID without <>, made when queued (a retry sends the same)
ALTER TABLE outbox ADD COLUMN references_ids TEXT; -- e-mail: Message-IDs (without <>, space-separated) it answers, oldest first
ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0; -- unix time; a pending message waits until then
ALTER TABLE outbox ADD COLUMN locked_by TEXT;      -- host:pid of the process sending it (state sending)
ALTER TABLE outbox ADD COLUMN locked_until INTEGER; -- unix time the claim ends: a claim past it means the sender stopped mid-way
ALTER TABLE outbox ADD COLUMN updated_at TEXT;
-- state: pending (waits for next_attempt_at), sending (claimed by locked_by),
-- sent, failed (the dead letters: refused for good, out of attempts, or
-- interrupted while sending — an admin resends them)
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);
CREATE INDEX outbox_message_id ON outbox (message_id);
CREATE INDEX outbox_record ON outbox (entity, record_id);

CREATE TABLE message_templates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    event       TEXT NOT NULL,            -- created, reply, resolved, sla_breach
    channel     TEXT NOT NULL,            -- email, sms
    lang        TEXT NOT NULL,            -- ru, en: the client's language
    active      INTEGER NOT NULL,         -- 0: nothing is sent for this event on this channel
    subject     TEXT,                     -- e-mail only; {placeholders} as in the body
    body        TEXT NOT NULL,            -- text with {number}, {status}, {code}, {link}, {reply}, {company}…
    UNIQUE (event, channel, lang)
);

-- the company's own details, one row: what templates quote and links point to
CREATE TABLE company (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    version       INTEGER NOT NULL,
    updated_at    TEXT NOT NULL,
    name          TEXT NOT NULL,          -- "ООО «Сервис»": the From name, {company}
    requisites    TEXT NOT NULL,          -- ИНН, address, phone…: {requisites}, under every message
    public_url    TEXT NOT NULL,          -- "https://service.example.ru": the base of {link}; '' none
    sla_apologies INTEGER NOT NULL        -- 1: a client is told when their request's SLA is breached
);
INSERT INTO company (id, version, updated_at, name, requisites, public_url, sla_apologies)
VALUES (1, 1, '1970-01-01T00:00:00Z', 'Сервисный центр', '', '', 0);

-- a client's wishes: no messages at all (whatever the event), and the
-- language they are written in
ALTER TABLE clients ADD COLUMN messages_opt_out INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN lang TEXT NOT NULL DEFAULT 'ru';
