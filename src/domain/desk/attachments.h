/* attachments.h — files attached to requests (domain layer). The bytes are
 * kept under a files folder, named by their SHA-256; the content type is
 * checked against the bytes, not taken from the client. */
#ifndef SERVITOR_ATTACHMENTS_H
#define SERVITOR_ATTACHMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/ctx.h"

#define ATTACH_MAX (10 * 1024 * 1024)

/* Where the files go; set once at start-up (serve --files). */
void attachments_set_dir(const char *dir);

struct attachment {
    int64_t id, request_id, size;
    const char *file_name, *content_type, *sha256, *created_at, *user_name;
};

/* Stores a file for a request. ERR_NOTFOUND (request), ERR_INVALID (empty,
 * a name that is not a plain file name, a type not allowed: PDF, JPEG, PNG,
 * plain UTF-8 text), ERR_TOOBIG. Bidirectional control characters are taken
 * out of the name. The same file twice is one attachment. In the caller's
 * write transaction when one is open, else in its own. */
enum err_code attachment_add(struct ctx *cx, int64_t request_id, const char *file_name,
                             const char *data, size_t len, struct attachment *out);
/* A request's attachments, oldest first (arena). ERR_NOTFOUND (request). */
enum err_code attachment_list(struct ctx *cx, int64_t request_id, struct attachment **out, int *n);
/* One attachment and its bytes (malloc'ed: the caller frees *data). */
enum err_code attachment_read(struct ctx *cx, int64_t id, struct attachment *out, char **data);

#endif
