/* body.h — where a request's body goes while it arrives (http layer).
 *
 * A JSON body is kept in memory, under one budget shared by every
 * connection (SERVITOR_BODY_MEMORY): a body that would take the total over
 * it is refused with 503 before more is read. A file body (attachments,
 * e-mail) goes to an unlinked temporary file in the spool folder and is
 * mapped for the handler when complete, so a slow upload holds disk, not
 * memory. The handler sees (pointer, length) either way, NUL-terminated. */
#ifndef SERVITOR_BODY_H
#define SERVITOR_BODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct body {
    struct buf mem;  /* a body in memory */
    int fd;          /* a body in a file; -1: none */
    size_t len;      /* bytes taken so far */
    size_t limit;    /* the route's cap */
    size_t reserved; /* bytes of the memory budget held */
    void *map;       /* the file, mapped by body_finish */
    size_t map_len;
};

enum body_add {
    BODY_ADDED,
    BODY_TOO_BIG, /* over the route's limit */
    BODY_BUSY,    /* the memory budget is spent: try again later */
    BODY_FAILED,  /* the spool file could not be written */
};

/* Reads SERVITOR_BODY_MEMORY; the spool folder for file bodies (made when
 * missing). Call once before serving. */
void body_init(const char *spool_dir);
/* Starts a body of at most limit bytes, in a file or in memory; announced is
 * its Content-Length (-1: unknown, chunked). ERR_UNAVAILABLE when the budget
 * cannot hold an announced body or no spool file can be made. */
enum err_code body_begin(struct body *b, size_t limit, bool to_file, int64_t announced,
                         struct err *e);
enum body_add body_add(struct body *b, const char *data, size_t n);
/* The whole body for the handler: *data is NUL-terminated (NULL when empty). */
enum err_code body_finish(struct body *b, const char **data, size_t *len, struct err *e);
/* Drops the body and gives back its share of the budget. */
void body_release(struct body *b);
/* Bytes of bodies held in memory now, and the budget. */
void body_memory(int64_t *held, int64_t *budget);

#endif
