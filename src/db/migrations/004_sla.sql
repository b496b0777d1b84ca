-- 004_sla.sql — business calendars, SLA policies and the SLA clock of requests.

CREATE TABLE business_calendars (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    version        INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    name           TEXT NOT NULL UNIQUE,
    timezone       TEXT NOT NULL,          -- a Russian zone name: the hours below are local
    hours_mon      TEXT,                   -- "09:00-18:00"; NULL: not a working day
    hours_tue      TEXT,
    hours_wed      TEXT,
    hours_thu      TEXT,
    hours_fri      TEXT,
    hours_sat      TEXT,
    hours_sun      TEXT,
    short_minutes  INTEGER NOT NULL        -- how much earlier a short (pre-holiday) day ends
);

-- dates that differ from the weekly hours: the yearly production calendar
CREATE TABLE calendar_days (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    calendar_id  INTEGER NOT NULL REFERENCES business_calendars(id) ON DELETE CASCADE,
    date         TEXT NOT NULL,
    kind         TEXT NOT NULL,            -- holiday, day_off, short_day, working_day
    note         TEXT,
    UNIQUE (calendar_id, date)
);

ALTER TABLE branches ADD COLUMN calendar_id INTEGER REFERENCES business_calendars(id);

CREATE TABLE sla_policies (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    version                 INTEGER NOT NULL,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    name                    TEXT NOT NULL,
    priority                TEXT NOT NULL UNIQUE, -- the request priority it applies to
    first_response_minutes  INTEGER NOT NULL,     -- business minutes to the first answer
    resolution_minutes      INTEGER NOT NULL,     -- business minutes to the resolution
    warning_percent         INTEGER NOT NULL      -- warn when this share of the time is used
);

ALTER TABLE requests ADD COLUMN sla_policy_id INTEGER REFERENCES sla_policies(id);
ALTER TABLE requests ADD COLUMN first_response_due TEXT;  -- business-time deadlines (UTC)
ALTER TABLE requests ADD COLUMN resolution_due TEXT;
ALTER TABLE requests ADD COLUMN sla_warning_at TEXT;      -- when the warning share is used up
ALTER TABLE requests ADD COLUMN first_response_at TEXT;   -- first public reply or start of work
ALTER TABLE requests ADD COLUMN sla_paused_since TEXT;    -- set while waiting for the client or parts
ALTER TABLE requests ADD COLUMN sla_paused_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN sla_state TEXT NOT NULL DEFAULT 'none'; -- none, ok, warning, breached, met
CREATE INDEX requests_sla ON requests (sla_state, resolution_due);

-- what a new installation starts with: the five-day week of Russia with the
-- 2026 production calendar (Government decree No. 1466 of 24.09.2025), and a
-- policy per priority
INSERT INTO business_calendars (version, created_at, updated_at, name, timezone, hours_mon,
    hours_tue, hours_wed, hours_thu, hours_fri, short_minutes)
VALUES (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'Россия, пятидневка 09:00–18:00',
    'Europe/Moscow', '09:00-18:00', '09:00-18:00', '09:00-18:00', '09:00-18:00', '09:00-18:00', 60);

INSERT INTO calendar_days (version, created_at, updated_at, calendar_id, date, kind, note)
SELECT 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', c.id, d.date, d.kind, d.note
FROM business_calendars c,
    (SELECT '2026-01-01' AS date, 'holiday' AS kind, 'Новогодние каникулы' AS note
     UNION ALL SELECT '2026-01-02', 'holiday', 'Новогодние каникулы'
     UNION ALL SELECT '2026-01-05', 'holiday', 'Новогодние каникулы'
     UNION ALL SELECT '2026-01-06', 'holiday', 'Новогодние каникулы'
     UNION ALL SELECT '2026-01-07', 'holiday', 'Рождество Христово'
     UNION ALL SELECT '2026-01-08', 'holiday', 'Новогодние каникулы'
     UNION ALL SELECT '2026-01-09', 'day_off', 'перенос с субботы 3 января'
     UNION ALL SELECT '2026-02-23', 'holiday', 'День защитника Отечества'
     UNION ALL SELECT '2026-03-09', 'day_off', '8 марта приходится на воскресенье'
     UNION ALL SELECT '2026-04-30', 'short_day', 'предпраздничный день'
     UNION ALL SELECT '2026-05-01', 'holiday', 'Праздник Весны и Труда'
     UNION ALL SELECT '2026-05-08', 'short_day', 'предпраздничный день'
     UNION ALL SELECT '2026-05-11', 'day_off', '9 мая приходится на субботу'
     UNION ALL SELECT '2026-06-11', 'short_day', 'предпраздничный день'
     UNION ALL SELECT '2026-06-12', 'holiday', 'День России'
     UNION ALL SELECT '2026-11-03', 'short_day', 'предпраздничный день'
     UNION ALL SELECT '2026-11-04', 'holiday', 'День народного единства'
     UNION ALL SELECT '2026-12-31', 'day_off', 'перенос с воскресенья 4 января') d;

INSERT INTO sla_policies (version, created_at, updated_at, name, priority,
    first_response_minutes, resolution_minutes, warning_percent)
VALUES (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'Срочно', 'urgent', 30, 240, 75),
       (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'Высокий', 'high', 60, 540, 80),
       (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'Обычный', 'normal', 240, 1620, 80),
       (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'Низкий', 'low', 540, 4320, 80);
