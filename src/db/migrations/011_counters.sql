-- 011_counters.sql — badge counters kept up to date by the writes themselves
-- (no COUNT over large tables on every page view).
CREATE TABLE counters (
    name   TEXT PRIMARY KEY,               -- "requests.status.new", "requests.sla_state.breached"
    value  INTEGER NOT NULL
);
