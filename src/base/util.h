/* util.h — process-level helpers: fatal errors, checked allocation, bounded
 * string copies and number parsing (base layer). */
#ifndef SERVITOR_UTIL_H
#define SERVITOR_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Prints "servitor: <msg>" to stderr and aborts. Only for bugs and out of memory. */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Copies at most dstlen-1 bytes and terminates; returns strlen(src). */
size_t strlcpy_(char *dst, const char *src, size_t dstlen);

/* Parses a whole decimal int64 (optional sign, no spaces); false when
 * empty, not a number or out of range. */
bool parse_i64(const char *s, size_t len, int64_t *out);

/* A pointer/length view of bytes that are not necessarily terminated. */
struct str {
    const char *p;
    size_t len;
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
