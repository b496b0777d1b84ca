-- 021_test_entities.sql — the table of an entity that exists for the tests
-- only (src/domain/testing): registered only with SERVITOR_TEST_ENTITIES=1,
-- so it stays empty in every real installation.

CREATE TABLE test_orders (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    number       TEXT NOT NULL UNIQUE,    -- "T-2026-000001"
    status       TEXT NOT NULL,           -- open, in_work, done
    subject      TEXT NOT NULL,
    secret       TEXT,                    -- never on the public page
    access_code  TEXT NOT NULL            -- for the public page
);
