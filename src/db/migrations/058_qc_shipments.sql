-- 058_qc_shipments.sql — quality control by checklists and shipments to
-- vendors. The company's quality standards («стандарты качества») are
-- checklists per service type with ordered items; each QC round of a repair
-- order keeps what its checker found, item by item, so the history of failed
-- rounds stays. Shipments carry units (repair orders) to a vendor or an
-- authorised service center (a service partner) and back.

CREATE TABLE qc_checklists (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    service_type_id INTEGER NOT NULL REFERENCES service_types(id),
    name            TEXT NOT NULL,
    active          INTEGER NOT NULL          -- the one active list of a type is used
);
CREATE INDEX qc_checklists_type ON qc_checklists (service_type_id, id);

CREATE TABLE qc_checklist_items (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    checklist_id INTEGER NOT NULL REFERENCES qc_checklists(id),
    position     INTEGER NOT NULL,            -- the order in which they are checked
    text         TEXT NOT NULL,
    required     INTEGER NOT NULL             -- 1: QC does not pass unless it passed
);
CREATE INDEX qc_checklist_items_list ON qc_checklist_items (checklist_id, position, id);

-- One QC round of an order: who checked, when, the outcome.
CREATE TABLE qc_rounds (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id     INTEGER NOT NULL REFERENCES repair_orders(id),
    round        INTEGER NOT NULL,            -- 1, 2… per order
    checklist_id INTEGER REFERENCES qc_checklists(id),
    checker_id   INTEGER NOT NULL REFERENCES users(id),
    technician_id INTEGER REFERENCES users(id), -- whose work was checked
    at           TEXT NOT NULL,
    outcome      TEXT NOT NULL,               -- passed, failed
    comment      TEXT,
    UNIQUE (order_id, round)
);
CREATE INDEX qc_rounds_at ON qc_rounds (at, order_id);

-- What the checker found on each item of the round (the item's text as it was).
CREATE TABLE qc_results (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    round_id  INTEGER NOT NULL REFERENCES qc_rounds(id),
    order_id  INTEGER NOT NULL REFERENCES repair_orders(id),
    round     INTEGER NOT NULL,
    item_id   INTEGER REFERENCES qc_checklist_items(id),
    position  INTEGER NOT NULL,
    text      TEXT NOT NULL,
    required  INTEGER NOT NULL,
    passed    INTEGER NOT NULL,
    comment   TEXT
);
CREATE INDEX qc_results_round ON qc_results (round_id, position);

-- Vendors and authorised service centers units are sent to (a simple
-- register of its own: the purchasing suppliers may replace it later).
CREATE TABLE service_partners (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,                -- vendor, asc
    inn         TEXT,
    requisites  TEXT,                         -- address, bank details, as printed
    contact     TEXT,                         -- person, phone, e-mail
    active      INTEGER NOT NULL
);

CREATE TABLE shipments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    version         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    number          TEXT NOT NULL UNIQUE,     -- "ОТП-2026-000001"
    status          TEXT NOT NULL,            -- draft, sent, partially_received, received, closed, cancelled
    partner_id      INTEGER NOT NULL REFERENCES service_partners(id),
    branch_id       INTEGER REFERENCES branches(id),
    carrier         TEXT,
    tracking_number TEXT,
    rma_number      TEXT,                     -- the vendor's RMA number
    sent_date       TEXT,
    expected_date   TEXT,                     -- expected return
    received_date   TEXT,                     -- the last unit back
    notes           TEXT
);
CREATE INDEX shipments_status ON shipments (status, expected_date, id);
CREATE INDEX shipments_partner ON shipments (partner_id, id);

-- A unit in a shipment: its repair order and what came of it.
CREATE TABLE shipment_items (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    shipment_id  INTEGER NOT NULL REFERENCES shipments(id),
    order_id     INTEGER NOT NULL REFERENCES repair_orders(id),
    outcome      TEXT,                        -- repaired, replaced, refused (NULL: not back)
    new_serial   TEXT,                        -- replaced: the serial of the new unit
    note         TEXT,
    received_date TEXT,
    UNIQUE (shipment_id, order_id)
);
CREATE INDEX shipment_items_order ON shipment_items (order_id, id);

-- The standards shipped with the product, for the seeded service types.
INSERT INTO qc_checklists (version, created_at, updated_at, service_type_id, name, active)
SELECT 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', id, 'Контроль качества: ремонт', 1
FROM service_types WHERE code = 'repair';
INSERT INTO qc_checklists (version, created_at, updated_at, service_type_id, name, active)
SELECT 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', id, 'Контроль качества: диагностика', 1
FROM service_types WHERE code = 'diagnostics';
INSERT INTO qc_checklists (version, created_at, updated_at, service_type_id, name, active)
SELECT 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', id, 'Контроль качества: техническое обслуживание', 1
FROM service_types WHERE code = 'maintenance';
INSERT INTO qc_checklists (version, created_at, updated_at, service_type_id, name, active)
SELECT 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', id, 'Контроль качества: заправка картриджа', 1
FROM service_types WHERE code = 'refill';

INSERT INTO qc_checklist_items (version, created_at, updated_at, checklist_id, position, text, required)
SELECT 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', c.id, i.position, i.text, i.required
FROM qc_checklists c JOIN service_types t ON t.id = c.service_type_id
JOIN (
    SELECT 'repair' AS code, 1 AS position, 'Заявленная неисправность устранена, проверено в рабочем режиме' AS text, 1 AS required
    UNION ALL SELECT 'repair', 2, 'Прогон под нагрузкой не менее 30 минут без сбоев', 1
    UNION ALL SELECT 'repair', 3, 'Корпус собран полностью, все винты и защёлки на месте', 1
    UNION ALL SELECT 'repair', 4, 'Внешний вид не хуже, чем при приёме (сверено с актом и фото)', 1
    UNION ALL SELECT 'repair', 5, 'Комплектация сверена с актом приёма', 1
    UNION ALL SELECT 'repair', 6, 'Электробезопасность: изоляция и заземление проверены', 1
    UNION ALL SELECT 'repair', 7, 'Устройство очищено, следы ремонта удалены', 0
    UNION ALL SELECT 'repair', 8, 'Пломбы и гарантийные наклейки установлены', 0
    UNION ALL SELECT 'diagnostics', 1, 'Неисправность подтверждена или обоснованно не выявлена', 1
    UNION ALL SELECT 'diagnostics', 2, 'Заключение понятно клиенту, указаны причина и способ устранения', 1
    UNION ALL SELECT 'diagnostics', 3, 'Устройство собрано, внешний вид не хуже, чем при приёме', 1
    UNION ALL SELECT 'diagnostics', 4, 'Комплектация сверена с актом приёма', 1
    UNION ALL SELECT 'maintenance', 1, 'Все работы регламента ТО выполнены и отмечены', 1
    UNION ALL SELECT 'maintenance', 2, 'Расходные материалы и изнашиваемые детали заменены по регламенту', 1
    UNION ALL SELECT 'maintenance', 3, 'Чистка и смазка выполнены', 1
    UNION ALL SELECT 'maintenance', 4, 'Тестовый прогон без ошибок, счётчики и журналы сброшены', 1
    UNION ALL SELECT 'maintenance', 5, 'Рекомендации клиенту по эксплуатации записаны', 0
    UNION ALL SELECT 'refill', 1, 'Тестовая печать без полос, пятен и серого фона', 1
    UNION ALL SELECT 'refill', 2, 'Картридж чист снаружи, тонер не высыпается', 1
    UNION ALL SELECT 'refill', 3, 'Чип заменён или сброшен', 1
    UNION ALL SELECT 'refill', 4, 'Картридж упакован, на упаковке дата заправки', 0
) i ON i.code = t.code;
