-- 040_stock.sql — the warehouse (the stock area): the parts catalog with its
-- barcodes, compatible models and analogs; warehouses and bins; the stock
-- ledger (postings and their immutable movements), balances kept by the
-- writes, reservations for documents, serial numbers and stock counts.
-- Quantities are integers in thousandths of the part's unit; money is
-- integer kopecks.

CREATE TABLE parts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sku             TEXT NOT NULL UNIQUE,    -- our article number: "CE285A"
    name            TEXT NOT NULL,           -- "Картридж HP 85A"
    brand           TEXT,                    -- the maker: "HP"
    unit            TEXT NOT NULL,           -- pcs, m, l
    category        TEXT,                    -- cartridges, drums, fusers…
    purchase_price  INTEGER NOT NULL,        -- the usual purchase price, kopecks per unit
    sale_price      INTEGER NOT NULL,        -- the sale price, kopecks per unit
    vat             TEXT NOT NULL,           -- VAT rate: "20", "10", "0", "none" (SERVITOR_VAT_RATES)
    serial_tracked  INTEGER NOT NULL,        -- 1: each piece has a serial number of its own
    notes           TEXT
);
CREATE INDEX parts_category ON parts (category, id);

-- several barcodes per part (the maker's EAN, ours); a barcode names one part
CREATE TABLE part_barcodes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    part_id     INTEGER NOT NULL REFERENCES parts(id) ON DELETE CASCADE,
    barcode     TEXT NOT NULL UNIQUE          -- as the scanner reads it
);
CREATE INDEX part_barcodes_part ON part_barcodes (part_id);

-- which equipment models a part fits (many-to-many)
CREATE TABLE part_models (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    part_id     INTEGER NOT NULL REFERENCES parts(id) ON DELETE CASCADE,
    model_id    INTEGER NOT NULL REFERENCES equipment_models(id) ON DELETE CASCADE,
    UNIQUE (model_id, part_id)
);
CREATE INDEX part_models_part ON part_models (part_id);

-- interchangeable parts: one row per pair, read both ways
CREATE TABLE part_analogs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    part_id     INTEGER NOT NULL REFERENCES parts(id) ON DELETE CASCADE,
    analog_id   INTEGER NOT NULL REFERENCES parts(id) ON DELETE CASCADE,
    note        TEXT NOT NULL,               -- what analog_id is to part_id: original, analog, refurbished
    UNIQUE (part_id, analog_id)
);
CREATE INDEX part_analogs_analog ON part_analogs (analog_id);

CREATE TABLE warehouses (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    branch_id   INTEGER NOT NULL REFERENCES branches(id),  -- the branch it belongs to (branch scope)
    address     TEXT,
    active      INTEGER NOT NULL            -- 0: no new postings
);

-- places inside a warehouse (ячейки), optional
CREATE TABLE bins (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    warehouse_id  INTEGER NOT NULL REFERENCES warehouses(id) ON DELETE CASCADE,
    code          TEXT NOT NULL,            -- "A-01-3"
    notes         TEXT,
    UNIQUE (warehouse_id, code)
);

-- a posting: the header of one change of stock (a receipt, an issue, a
-- transfer…), numbered; its movements carry the quantities
CREATE TABLE stock_postings (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    number           TEXT NOT NULL UNIQUE,   -- "СД-2026-000001"
    kind             TEXT NOT NULL,          -- receipt, issue, sale, write_off, transfer, return_in, return_out, adjustment, reversal
    warehouse_id     INTEGER NOT NULL REFERENCES warehouses(id),
    to_warehouse_id  INTEGER REFERENCES warehouses(id),  -- transfers: where the goods go
    status           TEXT NOT NULL,          -- done; transfers: in_transit until received
    doc_kind         TEXT,                   -- the document it serves: request, count, repair_order… (NULL: none)
    doc_id           INTEGER,
    reason           TEXT,                   -- write-offs: why; anything: a note
    user_id          INTEGER REFERENCES users(id),  -- who posted it (NULL: the system)
    created_at       TEXT NOT NULL,
    received_at      TEXT                    -- transfers: when the goods arrived
);
CREATE INDEX stock_postings_doc ON stock_postings (doc_kind, doc_id);

-- the ledger: one row per part and warehouse changed; never updated or
-- deleted, only reversed by another movement
CREATE TABLE stock_movements (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    posting_id            INTEGER NOT NULL REFERENCES stock_postings(id),
    kind                  TEXT NOT NULL,     -- receipt, issue, sale, write_off, transfer_out, transfer_in, adjustment, return_in, return_out, reversal
    part_id               INTEGER NOT NULL REFERENCES parts(id),
    warehouse_id          INTEGER NOT NULL REFERENCES warehouses(id),
    counter_warehouse_id  INTEGER REFERENCES warehouses(id),  -- transfers: the other warehouse
    qty                   INTEGER NOT NULL,  -- signed, thousandths: + in, − out
    unit_cost             INTEGER NOT NULL,  -- kopecks per unit it moved at
    value                 INTEGER NOT NULL,  -- signed kopecks it changed the stock's value by
    doc_kind              TEXT,              -- as its posting's
    doc_id                INTEGER,
    serial_id             INTEGER,           -- serialized goods: the piece (part_serials)
    reverses_id           INTEGER REFERENCES stock_movements(id),  -- a reversal: the movement it undoes
    user_id               INTEGER REFERENCES users(id),
    created_at            TEXT NOT NULL
);
CREATE INDEX stock_movements_part ON stock_movements (part_id, warehouse_id, id);
CREATE INDEX stock_movements_wh ON stock_movements (warehouse_id, id);
CREATE INDEX stock_movements_doc ON stock_movements (doc_kind, doc_id);
CREATE UNIQUE INDEX stock_movements_reversed ON stock_movements (reverses_id);

-- what the ledger adds up to per part and warehouse, kept by each write in
-- its transaction (`servitor stock verify` recomputes it)
CREATE TABLE stock_balances (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    part_id       INTEGER NOT NULL REFERENCES parts(id),
    warehouse_id  INTEGER NOT NULL REFERENCES warehouses(id),
    on_hand       INTEGER NOT NULL,   -- thousandths in the warehouse
    reserved      INTEGER NOT NULL,   -- thousandths promised to documents (≤ on_hand)
    in_transit    INTEGER NOT NULL,   -- thousandths sent here by transfers, not yet received
    value         INTEGER NOT NULL,   -- kopecks: on_hand at moving-average cost
    updated_at    TEXT NOT NULL,
    UNIQUE (part_id, warehouse_id)
);
CREATE INDEX stock_balances_wh ON stock_balances (warehouse_id, part_id);

-- stock promised to a document: available = on_hand − reserved
CREATE TABLE stock_reservations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    part_id       INTEGER NOT NULL REFERENCES parts(id),
    warehouse_id  INTEGER NOT NULL REFERENCES warehouses(id),
    doc_kind      TEXT NOT NULL,      -- request, repair_order, sales_order…
    doc_id        INTEGER NOT NULL,
    qty           INTEGER NOT NULL,   -- thousandths still reserved (> 0; a row at 0 is deleted)
    user_id       INTEGER REFERENCES users(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (doc_kind, doc_id, part_id, warehouse_id)
);
CREATE INDEX stock_reservations_part ON stock_reservations (part_id, warehouse_id);

-- the pieces of serialized goods, each with its history in the movements
CREATE TABLE part_serials (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    part_id       INTEGER NOT NULL REFERENCES parts(id),
    serial        TEXT NOT NULL,
    warehouse_id  INTEGER REFERENCES warehouses(id),  -- where it is; NULL: gone (issued, sold…)
    created_at    TEXT NOT NULL,
    UNIQUE (part_id, serial)
);

-- a stock count (инвентаризация) of a warehouse, or of one category in it
CREATE TABLE stock_counts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    number        TEXT NOT NULL UNIQUE,     -- "ИН-2026-000001"
    warehouse_id  INTEGER NOT NULL REFERENCES warehouses(id),
    branch_id     INTEGER REFERENCES branches(id),  -- the warehouse's (branch scope)
    category      TEXT,                     -- only this category's parts (NULL: all)
    status        TEXT NOT NULL,            -- open, posted, cancelled
    notes         TEXT,
    posted_at     TEXT,
    posting_id    INTEGER REFERENCES stock_postings(id)  -- the adjustments it made
);

-- a line of a count: the book quantity when the count began, what was counted
CREATE TABLE stock_count_lines (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    count_id    INTEGER NOT NULL REFERENCES stock_counts(id),  -- a count with lines is cancelled, never deleted
    part_id     INTEGER NOT NULL REFERENCES parts(id),
    book_qty    INTEGER NOT NULL,           -- thousandths on hand when the count began
    counted     INTEGER,                    -- thousandths counted; NULL: not yet
    unit_cost   INTEGER NOT NULL,           -- kopecks: the moving-average cost at the start
    counted_at  TEXT,
    UNIQUE (count_id, part_id)
);
