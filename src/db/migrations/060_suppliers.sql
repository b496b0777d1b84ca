-- 060_suppliers.sql — purchasing: the suppliers (their requisites, contacts
-- and terms) and their price lists. One current price per supplier and part;
-- the prices it replaced are kept in supplier_price_history (what the
-- supplier scorecard reads). Money is integer kopecks (roubles only),
-- quantities integer thousandths of the part's unit.

CREATE TABLE suppliers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    name            TEXT NOT NULL,           -- "ООО «КомпьютерСнаб»"
    legal_kind      TEXT NOT NULL,           -- company, sole_trader
    inn             TEXT UNIQUE,             -- ИНН, check digits verified
    kpp             TEXT,                    -- КПП (companies only)
    ogrn            TEXT,                    -- ОГРН (13 digits) or ОГРНИП (15)
    address         TEXT,
    phone           TEXT,
    email           TEXT,
    website         TEXT,
    payment_terms   TEXT NOT NULL,           -- prepayment, deferral, on_delivery
    deferral_days   INTEGER,                 -- days of deferral (payment_terms = deferral)
    delivery_terms  TEXT,                    -- "доставка до склада от 10 000 ₽", free text
    lead_days       INTEGER,                 -- the usual days from order to delivery
    prices_with_vat INTEGER NOT NULL,        -- 1: the price list's prices include VAT
    notes           TEXT,
    active          INTEGER NOT NULL         -- 0: not offered for new orders
);

CREATE TABLE supplier_contacts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    supplier_id  INTEGER NOT NULL REFERENCES suppliers(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    position     TEXT,
    phone        TEXT,
    email        TEXT,
    notes        TEXT
);
CREATE INDEX supplier_contacts_supplier ON supplier_contacts (supplier_id, id);

-- the current price of a part at a supplier
CREATE TABLE supplier_prices (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    version        INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,                 -- when the price was last changed or confirmed
    supplier_id    INTEGER NOT NULL REFERENCES suppliers(id) ON DELETE CASCADE,
    part_id        INTEGER NOT NULL REFERENCES parts(id) ON DELETE CASCADE,
    supplier_sku   TEXT NOT NULL,                 -- the supplier's article number
    supplier_name  TEXT,                          -- the supplier's name of the item
    price          INTEGER NOT NULL,              -- kopecks per unit
    vat_included   INTEGER NOT NULL,              -- 1: the price includes VAT
    moq            INTEGER,                       -- minimum order, thousandths
    pack_qty       INTEGER,                       -- ordered in multiples of, thousandths
    lead_days      INTEGER,                       -- days to deliver (NULL: the supplier's usual)
    valid_from     TEXT NOT NULL,                 -- the date the price holds from
    UNIQUE (supplier_id, part_id),
    UNIQUE (supplier_id, supplier_sku)
);
CREATE INDEX supplier_prices_part ON supplier_prices (part_id, price);

-- prices replaced: by an import or an edit
CREATE TABLE supplier_price_history (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    supplier_id   INTEGER NOT NULL REFERENCES suppliers(id) ON DELETE CASCADE,
    part_id       INTEGER NOT NULL REFERENCES parts(id) ON DELETE CASCADE,
    price         INTEGER NOT NULL,               -- the price that held…
    valid_from    TEXT NOT NULL,                  -- …from this date…
    replaced_at   TEXT NOT NULL,                  -- …until this moment
    new_price     INTEGER NOT NULL,               -- what replaced it
    user_id       INTEGER REFERENCES users(id)    -- who changed it
);
CREATE INDEX supplier_price_history_part ON supplier_price_history (supplier_id, part_id, id);
