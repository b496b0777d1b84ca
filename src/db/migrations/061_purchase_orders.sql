-- 061_purchase_orders.sql — purchasing: purchase orders to suppliers with
-- their lines, goods received against them (each receipt a stock posting
-- with the order as its document), and returns to a supplier (each a
-- posting of supplier-return movements). Money is integer kopecks,
-- quantities integer thousandths of the part's unit.

CREATE TABLE purchase_orders (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    version          INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    number           TEXT NOT NULL UNIQUE,     -- "ПЗ-2026-000001", gapless per year
    status           TEXT NOT NULL,            -- draft, sent, partially_received, received, closed, cancelled
    supplier_id      INTEGER NOT NULL REFERENCES suppliers(id),
    warehouse_id     INTEGER NOT NULL REFERENCES warehouses(id),  -- where the goods go
    branch_id        INTEGER REFERENCES branches(id),             -- the warehouse's (branch scope)
    expected_date    TEXT,                     -- when the goods are due (the supplier's lead time)
    prices_with_vat  INTEGER NOT NULL,         -- 1: the lines' prices include VAT
    supplier_ref     TEXT,                     -- the supplier's number for the order (their invoice)
    notes            TEXT,
    total            INTEGER NOT NULL,         -- kopecks: the lines' sums with VAT
    vat_total        INTEGER NOT NULL,         -- kopecks: the VAT in it
    sent_at          TEXT,                     -- when it was sent to the supplier
    received_at      TEXT,                     -- when the last of it arrived
    closed_at        TEXT
);
CREATE INDEX purchase_orders_status ON purchase_orders (status, id);
CREATE INDEX purchase_orders_supplier ON purchase_orders (supplier_id, id);
CREATE INDEX purchase_orders_warehouse ON purchase_orders (warehouse_id, status);

-- one line per part of an order
CREATE TABLE purchase_order_lines (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    po_id         INTEGER NOT NULL REFERENCES purchase_orders(id) ON DELETE CASCADE,
    line_no       INTEGER NOT NULL,            -- 1, 2, 3… in the order's order
    part_id       INTEGER NOT NULL REFERENCES parts(id),
    supplier_sku  TEXT,                        -- the supplier's article when it was ordered
    qty           INTEGER NOT NULL,            -- thousandths ordered (> 0)
    price         INTEGER NOT NULL,            -- kopecks per unit (with VAT when the order's are)
    vat           TEXT NOT NULL,               -- VAT rate: "20", "10", "0", "none"
    amount        INTEGER NOT NULL,            -- kopecks: qty × price
    vat_amount    INTEGER NOT NULL,            -- kopecks: the VAT of the line
    received_qty  INTEGER NOT NULL,            -- thousandths received so far
    UNIQUE (po_id, part_id)
);
CREATE INDEX purchase_order_lines_part ON purchase_order_lines (part_id, po_id);

-- a receipt against an order: which posting, and whether more than was
-- ordered was accepted (and why)
CREATE TABLE purchase_receipts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    po_id         INTEGER NOT NULL REFERENCES purchase_orders(id),
    posting_id    INTEGER NOT NULL REFERENCES stock_postings(id),
    over_reason   TEXT,                        -- over-delivery accepted: why
    user_id       INTEGER REFERENCES users(id),
    created_at    TEXT NOT NULL
);
CREATE INDEX purchase_receipts_po ON purchase_receipts (po_id, id);

-- goods returned to a supplier: defective, surplus or the wrong item
CREATE TABLE supplier_returns (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    number        TEXT NOT NULL UNIQUE,        -- "ВП-2026-000001"
    status        TEXT NOT NULL,               -- draft, posted
    supplier_id   INTEGER NOT NULL REFERENCES suppliers(id),
    po_id         INTEGER REFERENCES purchase_orders(id),   -- the order the goods came with (NULL: none)
    warehouse_id  INTEGER NOT NULL REFERENCES warehouses(id),
    branch_id     INTEGER REFERENCES branches(id),
    reason        TEXT NOT NULL,               -- defect, surplus, wrong_item
    notes         TEXT,
    posted_at     TEXT,
    posting_id    INTEGER REFERENCES stock_postings(id)
);
CREATE INDEX supplier_returns_supplier ON supplier_returns (supplier_id, id);
CREATE INDEX supplier_returns_po ON supplier_returns (po_id, id);

CREATE TABLE supplier_return_lines (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    return_id   INTEGER NOT NULL REFERENCES supplier_returns(id) ON DELETE CASCADE,
    part_id     INTEGER NOT NULL REFERENCES parts(id),
    qty         INTEGER NOT NULL,              -- thousandths returned
    unit_cost   INTEGER NOT NULL,              -- kopecks: the cost it left the stock at
    UNIQUE (return_id, part_id)
);
