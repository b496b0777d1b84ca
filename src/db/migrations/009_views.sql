-- 009_views.sql — saved list views per user ("my open", "overdue in Tver"…).
CREATE TABLE saved_views (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    version     INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, -- whose view it is
    resource    TEXT NOT NULL,             -- the list it applies to: "requests"
    name        TEXT NOT NULL,
    query       TEXT NOT NULL,             -- the list's query string: "status=new&sort=-id"
    position    INTEGER NOT NULL
);
CREATE INDEX saved_views_user ON saved_views (user_id, resource, position);
