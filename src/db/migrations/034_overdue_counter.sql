-- 034_overdue_counter.sql — the badge of «Просроченные»: open requests past
-- their resolution deadline, kept by the writes as the other request counters
-- (closed requests that were late stay in requests.sla_state.breached only).
-- The open states as they are at this migration; the daily recount follows
-- the workflow from then on.
INSERT INTO counters (name, value)
SELECT 'requests.overdue.open', COUNT(*) FROM requests
WHERE sla_state = 'breached'
  AND status IN ('new', 'assigned', 'in_progress', 'waiting_client', 'waiting_parts')
ON CONFLICT (name) DO NOTHING;
