-- 056_service_types.sql — the kinds of service the workshop does (ремонт,
-- техническое обслуживание, диагностика…). The company's own standards hang
-- on them: a target for the days from intake to ready, the warranty a repair
-- of the kind carries, the works catalog and the QC checklists.

CREATE TABLE service_types (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    version              INTEGER NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    code                 TEXT NOT NULL UNIQUE,   -- "repair", stable for the API
    name                 TEXT NOT NULL UNIQUE,   -- as people call it
    target_days          INTEGER,                -- the company's target, intake → ready
    repair_warranty_days INTEGER NOT NULL,       -- the warranty on work of the kind
    active               INTEGER NOT NULL
);

ALTER TABLE repair_orders ADD COLUMN service_type_id INTEGER REFERENCES service_types(id);
CREATE INDEX repair_orders_service_type ON repair_orders (service_type_id, id);

INSERT INTO service_types (version, created_at, updated_at, code, name, target_days,
    repair_warranty_days, active)
VALUES (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'repair', 'Ремонт', 10, 90, 1),
       (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'diagnostics', 'Диагностика', 3, 0, 1),
       (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'maintenance', 'Техническое обслуживание', 5, 30, 1),
       (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'refill', 'Заправка и восстановление картриджей', 2, 30, 1);
