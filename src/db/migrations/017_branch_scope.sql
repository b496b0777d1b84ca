-- 017_branch_scope.sql — a user bound to a branch may work in that branch
-- only: branch-owned records (requests) of other branches are invisible to
-- them. The default for technicians and storekeepers bound to a branch.
ALTER TABLE users ADD COLUMN branch_scope INTEGER NOT NULL DEFAULT 0; -- 1: sees and changes only branch_id's records (admins and auditors are company-wide whatever it says)

UPDATE users SET branch_scope = 1
WHERE role IN ('technician', 'storekeeper') AND branch_id IS NOT NULL;

-- a branch's counters: requests by status within a branch
CREATE INDEX requests_branch_status ON requests (branch_id, status);
