-- 063_documents_issued.sql — printed documents numbered in their own series,
-- and the requisites their headers carry.
--
-- A document (an intake receipt, a technical-condition act, a warranty card…)
-- takes the next number of its series for the year when it is first printed
-- and keeps it: a reprint shows the same number and date. The number comes
-- from number_sequences in the same transaction as its row here, so each
-- series is gapless.
CREATE TABLE documents_issued (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entity      TEXT NOT NULL,               -- "repair_orders"
    record_id   INTEGER NOT NULL,
    document    TEXT NOT NULL,               -- "intake_receipt": the name in docs.c
    series      TEXT NOT NULL,               -- "КВ"
    year        INTEGER NOT NULL,
    seq         INTEGER NOT NULL,            -- 1, 2, 3… in the series and year
    number      TEXT NOT NULL,               -- "КВ-2026-000001"
    issued_at   TEXT NOT NULL,               -- the first print
    issued_by   INTEGER REFERENCES users(id),
    UNIQUE (entity, record_id, document),
    UNIQUE (series, year, seq)
);

-- the company's requisites, as documents print them ('' when not given)
ALTER TABLE company ADD COLUMN legal_name TEXT NOT NULL DEFAULT '';   -- ООО «Ремонт и Сервис»
ALTER TABLE company ADD COLUMN inn TEXT NOT NULL DEFAULT '';          -- 10 or 12 digits
ALTER TABLE company ADD COLUMN kpp TEXT NOT NULL DEFAULT '';          -- 9 (organisations)
ALTER TABLE company ADD COLUMN ogrn TEXT NOT NULL DEFAULT '';         -- 13, or 15 (ОГРНИП)
ALTER TABLE company ADD COLUMN address TEXT NOT NULL DEFAULT '';      -- юридический адрес
ALTER TABLE company ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE company ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE company ADD COLUMN website TEXT NOT NULL DEFAULT '';
ALTER TABLE company ADD COLUMN bank_account TEXT NOT NULL DEFAULT ''; -- р/с, 20 digits
ALTER TABLE company ADD COLUMN bank_name TEXT NOT NULL DEFAULT '';
ALTER TABLE company ADD COLUMN bik TEXT NOT NULL DEFAULT '';          -- 9 digits
ALTER TABLE company ADD COLUMN corr_account TEXT NOT NULL DEFAULT ''; -- к/с, 20 digits
ALTER TABLE company ADD COLUMN director TEXT NOT NULL DEFAULT '';     -- who signs for the company

-- a branch's hours, printed on its documents
ALTER TABLE branches ADD COLUMN working_hours TEXT;                   -- "пн–пт 9:00–19:00, сб 10:00–16:00"

-- the technical-condition act's findings (акт технического состояния)
ALTER TABLE repair_orders ADD COLUMN check_methods TEXT;              -- how the unit was checked
ALTER TABLE repair_orders ADD COLUMN conclusion TEXT;                 -- serviceable, needs_repair, not_repairable
ALTER TABLE repair_orders ADD COLUMN fault_cause TEXT;                -- manufacturing, operational, external
ALTER TABLE repair_orders ADD COLUMN recommendations TEXT;
