-- 050_workshop.sql — the workshop: repair orders (заказ-наряды). An order is
-- a document that will reserve and issue stock (its parts lines come with the
-- warehouse); here it carries the intake, the warranty decision, the QC gate
-- and the legal clock.

CREATE TABLE repair_orders (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    version          INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    number           TEXT NOT NULL UNIQUE,    -- "ЗН-2026-000001", gapless per year
    status           TEXT NOT NULL,           -- accepted … issued (workshop.h)
    request_id       INTEGER REFERENCES requests(id),
    client_id        INTEGER REFERENCES clients(id),
    unit_id          INTEGER REFERENCES equipment_units(id),
    branch_id        INTEGER REFERENCES branches(id),
    technician_id    INTEGER REFERENCES users(id),
    declared_fault   TEXT NOT NULL,           -- the client's words
    intake_condition TEXT,                    -- appearance, damage on intake
    accessories      TEXT,                    -- комплектация handed over
    demand           TEXT NOT NULL,           -- repair, diagnostics, estimate_first
    price_ceiling    INTEGER,                 -- kopecks: the most the client agreed to
    planned_date     TEXT,                    -- planned completion
    warranty         INTEGER NOT NULL,        -- 1: a warranty repair (decided, see warranty_source)
    warranty_source  TEXT NOT NULL,           -- unit, repair, contract, none, manual
    warranty_reason  TEXT,                    -- why, in words
    legal_due        TEXT,                    -- warranty: the claim's day + 45 (ЗоЗПП ст. 20)
    found_fault      TEXT,                    -- what diagnostics found
    work_done        TEXT,                    -- what was done
    qc_passed        INTEGER NOT NULL,        -- 1: passed QC since the last repair
    rework_count     INTEGER NOT NULL,        -- QC failures
    paid             INTEGER NOT NULL,        -- 1: settled
    repair_warranty_days INTEGER NOT NULL,    -- the repair's own warranty from its issue
    issued_at        TEXT,                    -- handed back to the client
    access_code      TEXT NOT NULL            -- for the public status page
);
CREATE INDEX repair_orders_status ON repair_orders (status, id);
CREATE INDEX repair_orders_request ON repair_orders (request_id, id);
CREATE INDEX repair_orders_unit ON repair_orders (unit_id, id);
CREATE INDEX repair_orders_technician ON repair_orders (technician_id, status, id);
CREATE INDEX repair_orders_branch ON repair_orders (branch_id, id);
CREATE INDEX repair_orders_legal_due ON repair_orders (legal_due, id);
