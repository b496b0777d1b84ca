-- 006_routing.sql — routing rules for new requests, employee skills, and
-- which rule routed a request.

CREATE TABLE routing_rules (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    version          INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    position         INTEGER NOT NULL,     -- rules run in this order
    name             TEXT NOT NULL,
    active           INTEGER NOT NULL,
    stop             INTEGER NOT NULL,     -- 1: no later rule runs after this one matched
    -- conditions: each one set must hold
    cond_type        TEXT,                 -- request type
    cond_channel     TEXT,
    cond_priority    TEXT,
    cond_branch_id   INTEGER REFERENCES branches(id),
    cond_category    TEXT,                 -- equipment category of the request's unit
    cond_client_id   INTEGER REFERENCES clients(id),
    cond_words       TEXT,                 -- any of these words in the subject or description
    -- actions
    set_queue        TEXT,
    set_priority     TEXT,
    assign_mode      TEXT NOT NULL,        -- none, user, round_robin, least_loaded, skill
    assign_user_id   INTEGER REFERENCES users(id),
    last_user_id     INTEGER REFERENCES users(id) -- round robin: who got the last one
);
CREATE INDEX routing_rules_position ON routing_rules (position, id);

ALTER TABLE users ADD COLUMN skill_types TEXT;       -- request types they handle, space-separated
ALTER TABLE users ADD COLUMN skill_categories TEXT;  -- equipment categories, ";"-separated

ALTER TABLE requests ADD COLUMN routed_rule_id INTEGER REFERENCES routing_rules(id) ON DELETE SET NULL;
