-- 002_numbering_jobs.sql — document numbering and background jobs, both kept in
-- the database so that several server processes share them.

-- gapless document numbers per series and year: a number is taken inside the
-- transaction that creates the document, so both commit or neither does
CREATE TABLE number_sequences (
    series      TEXT NOT NULL,             -- "О" for requests, "РН" for repair orders…
    year        INTEGER NOT NULL,
    last_value  INTEGER NOT NULL,          -- the last number issued
    PRIMARY KEY (series, year)
);

-- background jobs: scheduled and one-off work, claimed by one process at a time
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,           -- what to run: "sessions.cleanup"…
    unique_key    TEXT NOT NULL UNIQUE,    -- one job per key: "sessions.cleanup@2026-11-27T10"
    run_at        INTEGER NOT NULL,        -- unix seconds, not before
    state         TEXT NOT NULL,           -- pending, running, done, failed
    attempts      INTEGER NOT NULL,        -- times claimed
    locked_by     TEXT,                    -- the process (host:pid) that claimed it
    locked_until  INTEGER,                 -- a claim older than this is taken over
    finished_at   INTEGER,
    last_error    TEXT
);
CREATE INDEX jobs_due ON jobs (state, run_at);
