-- 016_events.sql — one timeline for every entity with a workflow: the events
-- of requests (and of whatever entity declares a timeline) in one table.
-- The requests' events move here with their ids; their old table goes.

CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entity      TEXT NOT NULL,             -- the record's resource name: "requests"
    record_id   INTEGER NOT NULL,          -- its id (any entity's table: no foreign key;
                                           -- deleting the record deletes its events)
    at          TEXT NOT NULL,
    user_id     INTEGER REFERENCES users(id), -- NULL: the client or the system
    author      TEXT,                      -- who wrote it when no user did: "Name <address>"
                                           -- of a client's e-mail reply
    kind        TEXT NOT NULL,             -- created, reply, client_reply, note, status,
                                           -- assigned, sla, escalated, attachment…
    public      INTEGER NOT NULL,          -- 1: shown to the client (the public page)
    body        TEXT,                      -- the text of a reply or note, a file's name…
    from_state  TEXT,                      -- status changes (and escalated priorities)
    to_state    TEXT
);
CREATE INDEX events_record ON events (entity, record_id, id);

INSERT INTO events (id, entity, record_id, at, user_id, author, kind, public, body, from_state,
                    to_state)
SELECT id, 'requests', request_id, at, user_id, author, kind, public, body, from_state, to_state
FROM request_events
ORDER BY id;

DROP TABLE request_events;
