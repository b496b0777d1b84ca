/* buf.c — growable byte buffer (base layer). */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "banned.h"

void buf_init(struct buf *b, size_t limit)
{
    b->p = NULL;
    b->len = b->cap = 0;
    b->limit = limit;
}

void buf_release(struct buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = 0;
}

static bool buf_grow(struct buf *b, size_t extra)
{
    if (b->limit && (extra > b->limit || b->len > b->limit - extra))
        return false;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
    return true;
}

bool buf_add(struct buf *b, const void *data, size_t len)
{
    /* the common case first: room enough and no cap (a response's JSON is
     * written a few bytes at a time, hundreds of appends per record) */
    if ((b->limit || len + 1 > b->cap - b->len || !b->p) && !buf_grow(b, len))
        return false;
    if (len)
        memcpy(b->p + b->len, data, len);
    b->len += len;
    b->p[b->len] = 0;
    return true;
}

bool buf_adds(struct buf *b, const char *s) { return buf_add(b, s, strlen(s)); }

bool buf_addch(struct buf *b, char c) { return buf_add(b, &c, 1); }

bool buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap, cp;
    va_start(ap, fmt);
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0 || !buf_grow(b, (size_t)n)) {
        va_end(ap);
        return false;
    }
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return true;
}

char *buf_detach(struct buf *b, size_t *len)
{
    if (!b->p) {
        b->p = xmalloc(1);
        b->cap = 1;
        b->len = 0;
    }
    b->p[b->len] = 0;
    char *p = b->p;
    if (len)
        *len = b->len;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}
