/* fuzz_query.c — libFuzzer target: a query string split into parameters as
 * the server does (key=value&…, percent-decoded), then listq_parse for
 * clients and requests, and the search folding of the raw bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/text.h"
#include "core/entity.h"
#include "domain/desk/desk.h"
#include "domain/registry/registry.h"

static int hex(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static char *decode(struct arena *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1), *w = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            *w++ = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            *w++ = s[i] == '+' ? ' ' : s[i];
        }
    }
    *w = 0;
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    arena_init(&a, 0);
    struct ctx cx = {.a = &a};
    err_clear(&cx.err);
    struct param params[64];
    int np = 0;
    const char *s = (const char *)data, *end = s + size;
    while (s < end && np < 64) {
        const char *amp = memchr(s, '&', (size_t)(end - s));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(s, '=', (size_t)(stop - s));
        const char *kend = eq ? eq : stop;
        params[np].key = decode(&a, s, (size_t)(kend - s));
        params[np].value = eq ? decode(&a, eq + 1, (size_t)(stop - eq - 1)) : "";
        np++;
        s = amp ? amp + 1 : end;
    }
    struct listq lq;
    listq_parse(&cx, &entity_clients, params, np, NULL, &lq);
    err_clear(&cx.err);
    listq_parse(&cx, &entity_requests, params, np, NULL, &lq);
    struct buf b = BUF_INIT;
    text_fold(&b, (const char *)data, size);
    buf_release(&b);
    if (utf8_valid((const char *)data, size)) {
        char *z = arena_strndup(&a, (const char *)data, size);
        search_fold_query(&cx, z);
    }
    arena_free(&a);
    return 0;
}
