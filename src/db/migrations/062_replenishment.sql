-- 062_replenishment.sql — replenishment (issue 11, item 6): the planner's
-- rules per part and warehouse, and the suggestions people accepted (what a
-- purchase order module turns into draft orders grouped by supplier).

-- a part's rule at a warehouse: reorder at or below min up to max (both set:
-- the rule overrides the forecast), and the lead time to plan for
CREATE TABLE stock_rules (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    part_id         INTEGER NOT NULL REFERENCES parts(id) ON DELETE CASCADE,
    warehouse_id    INTEGER NOT NULL REFERENCES warehouses(id) ON DELETE CASCADE,
    min_qty         INTEGER,                 -- thousandths: reorder at or below (NULL: forecast)
    max_qty         INTEGER,                 -- thousandths: order up to
    lead_time_days  INTEGER,                 -- days from order to arrival (NULL: the setting)
    UNIQUE (warehouse_id, part_id)
);
CREATE INDEX stock_rules_part ON stock_rules (part_id);

-- a suggestion someone accepted: waits for a purchase order (status
-- accepted) until one takes it (ordered) or someone drops it (dropped)
CREATE TABLE replenishment_lines (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    part_id         INTEGER NOT NULL REFERENCES parts(id),
    warehouse_id    INTEGER NOT NULL REFERENCES warehouses(id),
    qty             INTEGER NOT NULL,        -- thousandths to order (> 0)
    suggested_qty   INTEGER NOT NULL,        -- thousandths the run suggested
    rule            TEXT NOT NULL,           -- minmax, forecast, manual
    supplier_id     INTEGER,                 -- the supplier to order from (NULL: not chosen yet)
    status          TEXT NOT NULL,           -- accepted, ordered, dropped
    doc_kind        TEXT,                    -- ordered: the document that took it (purchase_order)
    doc_id          INTEGER,
    user_id         INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX replenishment_lines_open ON replenishment_lines (status, warehouse_id, part_id);
