/* buf.h — growable byte buffer with an optional hard cap (base layer).
 * The request-body limit is such a cap. Memory is malloc'ed and owned by the
 * buffer: buf_release() frees it, buf_detach() hands it to the caller. */
#ifndef SERVITOR_BUF_H
#define SERVITOR_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
    char *p; /* always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    size_t limit; /* 0 = unlimited; appends past it fail */
};

#define BUF_INIT                                                                                   \
    {                                                                                              \
        NULL, 0, 0, 0                                                                              \
    }

void buf_init(struct buf *b, size_t limit);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);
/* Returns false (and appends nothing) when the cap would be exceeded. */
bool buf_add(struct buf *b, const void *data, size_t len);
bool buf_adds(struct buf *b, const char *s);
bool buf_addch(struct buf *b, char c);
bool buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the bytes to the caller (free()) and empties the buffer. */
char *buf_detach(struct buf *b, size_t *len);

#endif
