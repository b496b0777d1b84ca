/* arena.c — per-request bump allocator (base layer). */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "banned.h"

struct arena_chunk {
    struct arena_chunk *next;
    size_t size; /* usable bytes in data */
    size_t off;  /* bytes used */
    alignas(max_align_t) unsigned char data[];
};

void arena_init(struct arena *a, size_t chunk_size)
{
    a->head = NULL;
    a->chunk_size = chunk_size ? chunk_size : 16384;
    a->used = 0;
}

void arena_reset(struct arena *a)
{
    struct arena_chunk *c = a->head;
    if (!c)
        return;
    /* keep the oldest (last) chunk, which has the default size */
    while (c->next) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    c->off = 0;
    a->head = c;
    a->used = 0;
}

void arena_free(struct arena *a)
{
    struct arena_chunk *c = a->head;
    while (c) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->used = 0;
}

void *arena_alloc(struct arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    size_t need = (n + align - 1) & ~(align - 1);
    if (need < n || need > SIZE_MAX - sizeof(struct arena_chunk))
        die("arena: allocation of %zu bytes overflows", n);
    struct arena_chunk *c = a->head;
    if (!c || c->size - c->off < need) {
        size_t size = need > a->chunk_size ? need : a->chunk_size;
        struct arena_chunk *nc = xmalloc(sizeof(*nc) + size);
        nc->size = size;
        nc->off = 0;
        if (c && size > a->chunk_size) {
            /* a big one-off block goes behind the current chunk so the
             * current chunk's free space stays usable */
            nc->next = c->next;
            c->next = nc;
            nc->off = need;
            a->used += need;
            memset(nc->data, 0, need);
            return nc->data;
        }
        nc->next = c;
        a->head = nc;
        c = nc;
    }
    void *p = c->data + c->off;
    c->off += need;
    a->used += need;
    memset(p, 0, need);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        die("arena_vprintf: bad format");
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}
