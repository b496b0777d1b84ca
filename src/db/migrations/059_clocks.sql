-- 059_clocks.sql — the workshop's clocks besides the legal 45 days: the
-- company's target per service type, the substitute device (ЗоЗПП ст. 20
-- п. 2: a loaner pool and its handovers, 3 days from the demand) and the
-- unclaimed unit (ГК РФ ст. 738 / ст. 899: a written notice, two months from
-- its delivery, storage reminders, disposal only after).

-- the company's target: the day the order should be ready (clocks.c)
ALTER TABLE repair_orders ADD COLUMN target_due TEXT;
CREATE INDEX repair_orders_target_due ON repair_orders (target_due, id);

-- 1: the model is a good of long-term use the substitute duty applies to
-- (not on the Government's list of exceptions)
ALTER TABLE equipment_models ADD COLUMN loaner_duty INTEGER NOT NULL DEFAULT 0;

-- the loaner pool (подменный фонд): units of our own
CREATE TABLE loaners (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    version          INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    inventory_number TEXT NOT NULL UNIQUE,    -- our own inventory number
    model_id         INTEGER NOT NULL REFERENCES equipment_models(id),
    serial           TEXT,
    condition        TEXT,                    -- its state, as it would be written on an act
    status           TEXT NOT NULL,           -- available, issued, repair
    branch_id        INTEGER REFERENCES branches(id),
    notes            TEXT
);
CREATE INDEX loaners_status ON loaners (status, id);
CREATE INDEX loaners_model ON loaners (model_id, id);

-- a client's demand for a substitute and its handover (акт передачи)
CREATE TABLE loaner_issues (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    version          INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    number           TEXT NOT NULL UNIQUE,    -- "ПФ-2026-000001", the act's number
    status           TEXT NOT NULL,           -- demanded, issued, returned
    order_id         INTEGER NOT NULL REFERENCES repair_orders(id),
    client_id        INTEGER REFERENCES clients(id),
    loaner_id        INTEGER REFERENCES loaners(id),
    demanded_at      TEXT NOT NULL,           -- when the client demanded it
    due_by           TEXT,                    -- demand's day + 3 (NULL: no legal duty)
    issued_at        TEXT,
    issue_condition  TEXT,
    returned_at      TEXT,
    return_condition TEXT,
    branch_id        INTEGER REFERENCES branches(id)
);
CREATE INDEX loaner_issues_order ON loaner_issues (order_id, id);
CREATE INDEX loaner_issues_due ON loaner_issues (status, due_by, id);
CREATE INDEX loaner_issues_loaner ON loaner_issues (loaner_id, id);

-- written notices to collect a unit (ГК ст. 738), with proof of delivery
CREATE TABLE pickup_notices (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    version          INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    order_id         INTEGER NOT NULL REFERENCES repair_orders(id),
    sent_at          TEXT NOT NULL,           -- the day it was sent
    channel          TEXT NOT NULL,           -- letter, telegram, email, in_person
    delivered_on     TEXT,                    -- the day it was delivered (proof)
    ends_on          TEXT,                    -- delivered_on + 2 months (ст. 192, 193)
    note             TEXT,
    branch_id        INTEGER REFERENCES branches(id)
);
CREATE INDEX pickup_notices_order ON pickup_notices (order_id, id);

-- storage reminders queued for an order by the job
CREATE TABLE pickup_reminders (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id         INTEGER NOT NULL REFERENCES repair_orders(id),
    at               TEXT NOT NULL,
    queued           INTEGER NOT NULL         -- messages put in the outbox
);
CREATE INDEX pickup_reminders_order ON pickup_reminders (order_id, id);

-- a unit disposed of (or sold) after the clock ran out
CREATE TABLE unit_disposals (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id         INTEGER NOT NULL UNIQUE REFERENCES repair_orders(id),
    at               TEXT NOT NULL,
    user_id          INTEGER REFERENCES users(id),
    kind             TEXT NOT NULL,           -- dispose, sell
    reason           TEXT NOT NULL,
    clock_ended      TEXT NOT NULL            -- the last day of the two months
);

INSERT INTO message_templates (version, created_at, updated_at, event, channel, lang, active, subject, body)
VALUES
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'pickup_reminder', 'email', 'ru', 1,
 'Заберите, пожалуйста, оборудование по заказу {number}',
 'Здравствуйте, {client}!

{pickup}
Заказ-наряд {number}, статус: {status}. Оборудование хранится у нас и ждёт вас.
Следить за заказом: {link}

--
{company}
{requisites}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'pickup_reminder', 'email', 'en', 1,
 'Please collect your equipment (order {number})',
 'Hello {client},

{pickup}
Repair order {number}, status: {status}. We are keeping the equipment for you.
Follow the order: {link}

--
{company}
{requisites}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'pickup_reminder', 'sms', 'ru', 0,
 NULL, 'Заказ {number}: оборудование ждёт вас. {company}'),
(1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'pickup_reminder', 'sms', 'en', 0,
 NULL, 'Order {number}: your equipment is waiting for you. {company}');
