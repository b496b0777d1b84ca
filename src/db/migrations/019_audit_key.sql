-- 019_audit_key.sql — audit entries are signed with a key kept outside the
-- database (HMAC-SHA256); the entries made before there was a key stay as
-- they were.
ALTER TABLE audit_log ADD COLUMN key_id INTEGER NOT NULL DEFAULT 0;  -- the key that signed it; 0: unkeyed SHA-256 (made before the key)
