-- 001_platform.sql — the platform: branches, users, sessions, API tokens,
-- login rate limits, the audit log, clients and their contacts, equipment.
-- Portable SQL: runs as written on SQLite; the PostgreSQL driver maps
-- "INTEGER PRIMARY KEY" to an identity column. Times are UTC ISO 8601 text,
-- dates YYYY-MM-DD text, booleans 0/1.

CREATE TABLE branches (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     INTEGER NOT NULL,          -- optimistic lock, +1 per update
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    name        TEXT NOT NULL UNIQUE,      -- "Центральный сервис"
    address     TEXT,
    phone       TEXT,                      -- normalised "+7…"
    timezone    TEXT NOT NULL              -- IANA zone, e.g. Europe/Moscow
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    version        INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    login          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,          -- full name shown in the UI
    role           TEXT NOT NULL,          -- admin, manager, technician, storekeeper, sales, auditor
    branch_id      INTEGER REFERENCES branches(id),
    active         INTEGER NOT NULL,       -- 0 = may not log in
    password_hash  TEXT NOT NULL           -- Argon2id string (libsodium)
);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,        -- SHA-256 hex of the cookie token
    user_id       INTEGER NOT NULL REFERENCES users(id),
    csrf_token    TEXT NOT NULL,           -- sent back in X-CSRF-Token on writes
    created_at    INTEGER NOT NULL,        -- unix seconds
    last_seen_at  INTEGER NOT NULL,        -- refreshed at most once a minute (idle expiry)
    expires_at    INTEGER NOT NULL,        -- absolute expiry
    address       TEXT                     -- client address at login
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    name        TEXT NOT NULL,             -- what the integration is
    user_id     INTEGER NOT NULL REFERENCES users(id), -- acts as this user
    token_hash  TEXT NOT NULL UNIQUE,      -- SHA-256 hex of the token
    prefix      TEXT NOT NULL              -- first characters, to recognise it
);

CREATE TABLE rate_limits (
    key            TEXT PRIMARY KEY,       -- "login:<name>" or "addr:<ip>"
    window_start   INTEGER NOT NULL,       -- unix seconds
    failures       INTEGER NOT NULL,       -- failed logins in the window
    blocked_until  INTEGER NOT NULL        -- unix seconds; 0 = not blocked
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,       -- 1, 2, 3… without gaps
    at          TEXT NOT NULL,
    user_id     INTEGER,                   -- 0 for the system
    user_login  TEXT,
    action      TEXT NOT NULL,             -- create, update, delete, or a transition name
    entity      TEXT NOT NULL,             -- resource name: clients, users…
    record_id   INTEGER,
    before      TEXT,                      -- JSON of the record before, NULL on create
    after       TEXT,                      -- JSON after, NULL on delete
    prev_hash   TEXT NOT NULL,             -- hash of the previous entry
    hash        TEXT NOT NULL              -- SHA-256 over prev_hash and this entry
);
CREATE INDEX audit_record ON audit_log (entity, record_id, id);
CREATE INDEX audit_user ON audit_log (user_id, id);
CREATE INDEX audit_at ON audit_log (at);

-- the chain's head: the last entry's id and hash, so that deleting entries at
-- the end is detected, and appenders serialise on this row
CREATE TABLE audit_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    last_id    INTEGER NOT NULL,
    last_hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE clients (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    version          INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    kind             TEXT NOT NULL,        -- person | company
    name             TEXT NOT NULL,        -- full name or company name
    phone            TEXT,
    email            TEXT,
    inn              TEXT UNIQUE,          -- ИНН, check digits verified
    kpp              TEXT,                 -- КПП, companies only
    address          TEXT,
    branch_id        INTEGER REFERENCES branches(id),
    pd_consent       INTEGER NOT NULL,     -- consent to personal data processing (152-ФЗ)
    pd_consent_date  TEXT,                 -- when it was given
    notes            TEXT
);
CREATE INDEX clients_kind ON clients (kind, id);
CREATE INDEX clients_phone ON clients (phone);
CREATE INDEX clients_branch ON clients (branch_id, id);
CREATE INDEX clients_name ON clients (name, id);

CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    client_id   INTEGER NOT NULL REFERENCES clients(id),
    name        TEXT NOT NULL,
    position    TEXT,                      -- job title
    phone       TEXT,
    email       TEXT,
    notes       TEXT
);
CREATE INDEX contacts_client ON contacts (client_id, id);

CREATE TABLE equipment_models (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    version          INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    brand            TEXT NOT NULL,        -- Kyocera
    model            TEXT NOT NULL,        -- ECOSYS M2040dn
    category         TEXT,                 -- printers, cash registers…
    warranty_months  INTEGER NOT NULL,     -- default warranty of a new unit
    UNIQUE (brand, model)
);

CREATE TABLE equipment_units (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    model_id        INTEGER NOT NULL REFERENCES equipment_models(id),
    serial          TEXT NOT NULL,
    client_id       INTEGER REFERENCES clients(id), -- owner
    purchase_date   TEXT,
    warranty_until  TEXT,                  -- purchase_date + the model's months unless given
    sold_by_us      INTEGER NOT NULL,      -- bought from us (our warranty) or elsewhere
    notes           TEXT,
    UNIQUE (model_id, serial)
);
CREATE INDEX equipment_units_client ON equipment_units (client_id, id);
