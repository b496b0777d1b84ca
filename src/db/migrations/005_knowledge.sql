-- 005_knowledge.sql — knowledge articles (answers reused in replies) and the
-- length of phone consultations.

CREATE TABLE articles (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,             -- the answer, inserted into replies
    tags        TEXT,                      -- words, space-separated
    model_id    INTEGER REFERENCES equipment_models(id), -- the model it is about
    category    TEXT,                      -- or a whole equipment category
    published   INTEGER NOT NULL           -- 0: a draft, not suggested
);
CREATE INDEX articles_model ON articles (model_id);
CREATE INDEX articles_category ON articles (category);

ALTER TABLE requests ADD COLUMN duration_minutes INTEGER; -- a consultation's length
