-- 057_estimates.sql — estimates and the work done on a repair order: the
-- works catalog, the order's lines (labour and parts; parts reserve and take
-- stock through the ledger as documents of kind "repair_orders"), the
-- estimate versions sent to the client and their answers, the technicians'
-- time and their cost rate.

CREATE TABLE works (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    name            TEXT NOT NULL UNIQUE,
    service_type_id INTEGER REFERENCES service_types(id),
    std_minutes     INTEGER,                 -- the standard time (норма времени)
    price           INTEGER NOT NULL,        -- kopecks, VAT included
    vat             TEXT NOT NULL,           -- a rate of SERVITOR_VAT_RATES: "22", "none"
    diagnostics_fee INTEGER NOT NULL,        -- 1: charged when the client declines the estimate
    active          INTEGER NOT NULL
);

CREATE TABLE repair_order_lines (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    repair_order_id INTEGER NOT NULL REFERENCES repair_orders(id),
    branch_id       INTEGER REFERENCES branches(id),   -- the order's
    kind            TEXT NOT NULL,           -- labour, part
    work_id         INTEGER REFERENCES works(id),
    part_id         INTEGER REFERENCES parts(id),
    warehouse_id    INTEGER REFERENCES warehouses(id),
    description     TEXT NOT NULL,
    qty             INTEGER NOT NULL,        -- thousandths (labour: 1000 = once)
    price           INTEGER NOT NULL,        -- kopecks per unit, VAT included
    discount        INTEGER NOT NULL,        -- kopecks off the line
    vat             TEXT NOT NULL,
    amount          INTEGER NOT NULL,        -- kopecks: qty × price − discount, VAT included
    vat_amount      INTEGER NOT NULL,        -- kopecks of VAT in amount
    diagnostics_fee INTEGER NOT NULL,        -- from its work
    reserved        INTEGER NOT NULL,        -- thousandths held for it in the ledger
    issued          INTEGER NOT NULL         -- thousandths issued to the order
);
CREATE INDEX repair_order_lines_order ON repair_order_lines (repair_order_id, id);

-- every estimate sent, kept as sent: its lines and totals, and the answer
CREATE TABLE repair_estimates (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    repair_order_id INTEGER NOT NULL REFERENCES repair_orders(id),
    version_no      INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    user_id         INTEGER REFERENCES users(id),
    total           INTEGER NOT NULL,
    vat_total       INTEGER NOT NULL,
    labour_total    INTEGER NOT NULL,        -- of it, labour (the price of the work, ЗоЗПП ст. 28)
    lines           TEXT NOT NULL,           -- JSON: the lines at that moment
    status          TEXT NOT NULL,           -- sent, approved, declined, superseded
    answered_at     TEXT,
    answered_by     TEXT,                    -- who approved or declined
    answered_via    TEXT,                    -- client_page, phone, in_person, email
    UNIQUE (repair_order_id, version_no)
);

CREATE TABLE repair_time_logs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    repair_order_id INTEGER NOT NULL REFERENCES repair_orders(id),
    line_id         INTEGER NOT NULL REFERENCES repair_order_lines(id),
    branch_id       INTEGER REFERENCES branches(id),
    user_id         INTEGER REFERENCES users(id),
    started_at      TEXT,
    stopped_at      TEXT,
    minutes         INTEGER                  -- NULL while running
);
CREATE INDEX repair_time_logs_order ON repair_time_logs (repair_order_id, id);
CREATE INDEX repair_time_logs_user ON repair_time_logs (user_id, stopped_at);

ALTER TABLE repair_orders ADD COLUMN estimate_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE repair_orders ADD COLUMN estimate_total INTEGER;
ALTER TABLE repair_orders ADD COLUMN approved_total INTEGER;
ALTER TABLE repair_orders ADD COLUMN approved_at TEXT;
ALTER TABLE repair_orders ADD COLUMN approval_by TEXT;
ALTER TABLE repair_orders ADD COLUMN approval_via TEXT;
ALTER TABLE repair_orders ADD COLUMN over_ceiling_agreed INTEGER NOT NULL DEFAULT 0;

ALTER TABLE users ADD COLUMN cost_rate_per_hour INTEGER;
