-- 018_token_scope.sql — API tokens may end by a date and do less than their
-- user's role.
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;                  -- unix seconds; NULL: no expiry
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'full';  -- "full", "read", or permission names separated by spaces
