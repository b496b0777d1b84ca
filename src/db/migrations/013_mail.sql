-- 013_mail.sql — requests by e-mail (servitor mail-intake, POST
-- /api/v1/intake/email): each message taken is remembered by its Message-ID,
-- so that one delivered twice makes nothing the second time.
CREATE TABLE mail_messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id   TEXT NOT NULL UNIQUE,    -- the Message-ID without <>; "sha256:<hex>" of the
                                          -- raw message when it has none or a very long one
    received_at  TEXT NOT NULL,
    from_addr    TEXT NOT NULL,           -- the sender's address as written
    outcome      TEXT NOT NULL,           -- created (a new request), reply (to request_id)
    request_id   INTEGER REFERENCES requests(id) ON DELETE SET NULL
);
CREATE INDEX mail_messages_request ON mail_messages (request_id);

-- who wrote a timeline event that no user wrote: "Name <address>" of a
-- client's e-mail reply (kind client_reply)
ALTER TABLE request_events ADD COLUMN author TEXT;

-- senders are found by address whatever its case
CREATE INDEX clients_email_lower ON clients (lower(email));
CREATE INDEX contacts_email_lower ON contacts (lower(email));
