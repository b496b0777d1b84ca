/* arena.h — per-request bump allocator (base layer).
 * Everything a request needs is allocated here and freed at once when the
 * response is sent (arena_reset/arena_free). Out of memory aborts. */
#ifndef SERVITOR_ARENA_H
#define SERVITOR_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head; /* newest chunk first */
    size_t chunk_size;        /* default size of a new chunk */
    size_t used;              /* bytes handed out since the last reset */
};

void arena_init(struct arena *a, size_t chunk_size);
/* Frees every chunk but the first, which is kept for reuse. */
void arena_reset(struct arena *a);
void arena_free(struct arena *a);

/* Returns zeroed memory aligned for any type; owned by the arena. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#endif
