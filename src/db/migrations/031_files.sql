-- 031_files.sql — files for every entity that keeps a timeline, not only
-- requests: an attachment belongs to a record named by its entity and id,
-- like an event (016). The requests' attachments stay with their ids. A
-- timeline event of kind "file" points at its attachment, so the timeline
-- links it and the public page offers only the files of public events.

CREATE TEMP TABLE attachments_carried AS SELECT * FROM attachments;
DROP TABLE attachments;

CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    entity        TEXT NOT NULL,           -- the record's resource name: "requests"
    record_id     INTEGER NOT NULL,        -- its id (any entity's table: no foreign key;
                                           -- deleting the record deletes these rows)
    user_id       INTEGER REFERENCES users(id),
    file_name     TEXT NOT NULL,           -- as the user named it
    content_type  TEXT NOT NULL,           -- checked against the bytes
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,           -- the stored file is named by it
    UNIQUE (entity, record_id, sha256)     -- the same bytes on one record: one row
);
CREATE INDEX attachments_record ON attachments (entity, record_id, id);

INSERT INTO attachments (id, version, created_at, updated_at, entity, record_id, user_id,
                         file_name, content_type, size, sha256)
SELECT id, version, created_at, updated_at, 'requests', request_id, user_id, file_name,
       content_type, size, sha256
FROM attachments_carried
ORDER BY id;
DROP TABLE attachments_carried;

-- the file an event of kind "file" is about (NULL for every other kind)
ALTER TABLE events ADD COLUMN attachment_id INTEGER REFERENCES attachments(id);

-- the requests' "attachment" events become "file" events of their file: the
-- one of that request with the name the event carried (the first such)
UPDATE events
SET kind = 'file',
    attachment_id = (SELECT MIN(a.id) FROM attachments a
                     WHERE a.entity = events.entity AND a.record_id = events.record_id
                       AND a.file_name = events.body)
WHERE kind = 'attachment';
