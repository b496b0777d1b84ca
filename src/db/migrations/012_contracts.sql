-- 012_contracts.sql — client contracts (the sales area) with their own SLA
-- terms per priority; the contract a request is served under; routing rules
-- that look at it.

CREATE TABLE contracts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    number      TEXT NOT NULL UNIQUE,      -- as on paper: "СО-15/2026"
    client_id   INTEGER NOT NULL REFERENCES clients(id),
    kind        TEXT NOT NULL,             -- service, maintenance, sale, other
    title       TEXT,
    starts_on   TEXT NOT NULL,             -- first day in force, "YYYY-MM-DD"
    ends_on     TEXT,                      -- last day in force; NULL: open-ended
    status      TEXT NOT NULL,             -- draft, active, terminated
    notes       TEXT
);
-- the contract in force of a client, found for every new request
CREATE INDEX contracts_client ON contracts (client_id, status, starts_on);

-- a contract's own deadlines: they replace the SLA policy of the priority
CREATE TABLE contract_sla_terms (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    version                 INTEGER NOT NULL,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    contract_id             INTEGER NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
    priority                TEXT NOT NULL,        -- the request priority it applies to
    first_response_minutes  INTEGER NOT NULL,     -- business minutes to the first answer
    resolution_minutes      INTEGER NOT NULL,     -- business minutes to the resolution
    warning_percent         INTEGER NOT NULL,     -- warn when this share of the time is used
    UNIQUE (contract_id, priority)
);

ALTER TABLE requests ADD COLUMN contract_id INTEGER REFERENCES contracts(id);
ALTER TABLE requests ADD COLUMN sla_source TEXT;  -- where the deadlines came from: policy, contract
CREATE INDEX requests_contract ON requests (contract_id, id);

ALTER TABLE routing_rules ADD COLUMN cond_contract TEXT;  -- any: under a contract; none: without one
ALTER TABLE routing_rules ADD COLUMN cond_contract_id INTEGER REFERENCES contracts(id);

-- requests made before contracts took their deadlines from the policies
UPDATE requests SET sla_source = 'policy' WHERE sla_policy_id IS NOT NULL;
