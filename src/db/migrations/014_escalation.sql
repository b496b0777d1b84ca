-- 014_escalation.sql — what a breached SLA does beyond telling people: the
-- policy of the request's priority may raise the priority one step and hand
-- the request to a named person (a senior engineer, the duty manager).

ALTER TABLE sla_policies ADD COLUMN escalate_raise_priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sla_policies ADD COLUMN escalate_to_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
