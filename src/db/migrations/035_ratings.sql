-- 035_ratings.sql — customer satisfaction: a client rates their resolved
-- request once, from the status page (or the link in the resolved message).
ALTER TABLE requests ADD COLUMN rating INTEGER;        -- 1–5; NULL: not rated
ALTER TABLE requests ADD COLUMN rating_comment TEXT;   -- the client's words with it
ALTER TABLE requests ADD COLUMN rated_at TEXT;         -- when (UTC); the ratings report's period
CREATE INDEX requests_rated ON requests (rated_at);
