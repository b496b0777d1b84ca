-- 003_desk.sql — the service desk: requests (обращения) and their timeline.

CREATE TABLE requests (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    number        TEXT NOT NULL UNIQUE,    -- "О-2026-000123", gapless per year
    status        TEXT NOT NULL,           -- new, assigned, in_progress, waiting_client,
                                           -- waiting_parts, resolved, closed, cancelled
    channel       TEXT NOT NULL,           -- phone, walk_in, email, web_form, api
    type          TEXT NOT NULL,           -- consultation, repair, maintenance, parts,
                                           -- complaint, demo, other
    priority      TEXT NOT NULL,           -- low, normal, high, urgent
    subject       TEXT NOT NULL,
    description   TEXT,
    client_id     INTEGER REFERENCES clients(id),
    contact_id    INTEGER REFERENCES contacts(id),
    unit_id       INTEGER REFERENCES equipment_units(id),
    branch_id     INTEGER REFERENCES branches(id),
    queue         TEXT,                    -- the queue it waits in ("Ремонт", "Консультации")
    assignee_id   INTEGER REFERENCES users(id),
    tags          TEXT,                    -- words, space-separated
    access_code   TEXT NOT NULL,           -- given to the client for the public status page
    resolved_at   TEXT,
    closed_at     TEXT
);
CREATE INDEX requests_status ON requests (status, id);
CREATE INDEX requests_assignee ON requests (assignee_id, status, id);
CREATE INDEX requests_client ON requests (client_id, id);
CREATE INDEX requests_unit ON requests (unit_id, id);
CREATE INDEX requests_branch ON requests (branch_id, id);

-- one chronological thread per request: replies, internal notes, status
-- changes and assignments
CREATE TABLE request_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id  INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    user_id     INTEGER REFERENCES users(id), -- NULL: the client or the system
    kind        TEXT NOT NULL,             -- created, reply, note, status, assigned
    public      INTEGER NOT NULL,          -- 1: shown to the client (status page)
    body        TEXT,                      -- the text of a reply or note
    from_state  TEXT,                      -- status changes
    to_state    TEXT
);
CREATE INDEX request_events_request ON request_events (request_id, id);
