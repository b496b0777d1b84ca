-- 015_article_models.sql — an article may apply to several equipment models:
-- its model_id plus the models listed here.

CREATE TABLE article_models (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    model_id    INTEGER NOT NULL REFERENCES equipment_models(id),
    UNIQUE (article_id, model_id)
);
CREATE INDEX article_models_model ON article_models (model_id);
