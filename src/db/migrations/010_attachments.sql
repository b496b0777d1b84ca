-- 010_attachments.sql — files attached to requests; the bytes live under the
-- files folder (serve --files), the database keeps what they are.
CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    request_id    INTEGER NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
    user_id       INTEGER REFERENCES users(id),
    file_name     TEXT NOT NULL,           -- as the user named it
    content_type  TEXT NOT NULL,           -- checked against the bytes
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,           -- the stored file is named by it
    UNIQUE (request_id, sha256)
);
CREATE INDEX attachments_request ON attachments (request_id, id);
