/* files.h — files attached to the records of any entity that keeps a
 * timeline (core layer).
 *
 * The bytes are kept once under a files folder, named by their SHA-256;
 * the content type is decided by the bytes, not taken from the client. An
 * attachment belongs to a record (entity + id) and is announced on its
 * timeline by an event of kind "file" that points at it; a public event
 * puts the file on the record's public page. Served at
 * /api/v1/<name>/:id/attachments (the entity's write permission to add,
 * read to list and download). */
#ifndef SERVITOR_FILES_H
#define SERVITOR_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "core/entity.h"

#define FILES_MAX (10 * 1024 * 1024)

/* Where the files go; set once at start-up (serve --files). */
void files_set_dir(const char *dir);

struct attachment {
    int64_t id, record_id, size;
    const char *entity; /* the record's resource name */
    const char *file_name, *content_type, *sha256, *created_at, *user_name;
    bool public_file; /* a public "file" event shows it on the public page */
};

/* Stores a file for a record of ent (which keeps a timeline): the bytes
 * written and synced before the row is committed, the row, its "file"
 * event (public_file: a public one) and the audit entry. ERR_NOTFOUND
 * (record), ERR_INVALID (empty, a name that is not a plain file name, a type
 * not allowed: PDF, JPEG, PNG, plain UTF-8 text), ERR_TOOBIG. The same bytes
 * twice on one record are one attachment (made public when asked and not
 * yet). In the caller's write transaction when one is open, else in its
 * own. *out is arena-owned. */
enum err_code files_add(struct ctx *cx, const struct entity *ent, int64_t record_id,
                        const char *file_name, const char *data, size_t len, bool public_file,
                        struct attachment *out);

/* A record's attachments, oldest first (arena); ERR_NOTFOUND when the
 * record is not there. */
enum err_code files_list(struct ctx *cx, const struct entity *ent, int64_t record_id,
                         struct attachment **out, int *n);

/* Attachment id of a record of ent (ent NULL: of any record — the caller
 * checks whose it is) with its file open for reading (the caller closes
 * *fd); the file's size is checked against the row. ERR_NOTFOUND when there
 * is no such attachment on that record. */
enum err_code files_open(struct ctx *cx, const struct entity *ent, int64_t record_id, int64_t id,
                         struct attachment *out, int *fd);

/* The same for a client on a record's public page: the record found by
 * number and code as timeline_public finds it (and limited the same way),
 * the file shown there — one a public event of a shown kind points at. */
enum err_code files_public_open(struct ctx *cx, const struct entity *ent, const char *number,
                                const char *code, int64_t id, struct attachment *out, int *fd);

#endif
