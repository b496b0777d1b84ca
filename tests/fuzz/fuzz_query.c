/* fuzz_query.c — libFuzzer target: bytes as a query string, split into
 * parameters as the server does (key=value&…, '+' and %XX decoded, at most
 * 64), then listq_parse for clients and, when it accepts, entity_list on an
 * in-memory database — with the cursor it hands out followed to the next
 * page. The raw bytes also go through text_fold and search_fold_query.
 *
 * Checks: no crash, leak or undefined behaviour; list errors are input
 * errors (a bad cursor is ERR_MALFORMED, never a failed SQL statement); a
 * next cursor works; folding valid UTF-8 gives valid UTF-8 with single spaces
 * only between words. Build and run: tests/fuzz/run.sh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

static int hex(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Percent-decoding as libmicrohttpd does it; the result is a C string, so a
 * decoded %00 ends it, as it does for a handler. */
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

/* Folded text is valid UTF-8, without leading, trailing or double spaces. */
static void check_folded(const char *s, size_t n, const char *where)
{
    FUZZ_CHECK(utf8_valid(s, n), "%s: folded text is not UTF-8", where);
    if (n == 0)
        return;
    FUZZ_CHECK(s[0] != ' ' && s[n - 1] != ' ', "%s: space at an end: '%s'", where, s);
    FUZZ_CHECK(!strstr(s, "  "), "%s: double space: '%s'", where, s);
}

static void list(struct ctx *cx, struct listq *lq)
{
    struct record **items;
    int n;
    const char *next;
    err_clear(&cx->err);
    enum err_code rc = entity_list(cx, &entity_clients, lq, &items, &n, &next);
    FUZZ_CHECK(rc == ERR_OK || (rc == ERR_MALFORMED && lq->cursor), "entity_list: %s %s",
               err_code_str(rc), cx->err.message);
    fuzz_check_err(cx, "entity_list");
    if (rc != ERR_OK)
        return;
    FUZZ_CHECK(n >= 0 && n <= lq->limit, "%d rows for limit %d", n, lq->limit);
    if (!next)
        return;
    /* the next page starts strictly after this one */
    int64_t last = items[n - 1]->id;
    lq->cursor = next;
    err_clear(&cx->err);
    rc = entity_list(cx, &entity_clients, lq, &items, &n, &next);
    FUZZ_CHECK(rc == ERR_OK, "the next cursor was refused: %s", cx->err.message);
    for (int i = 0; i < n; i++)
        FUZZ_CHECK(items[i]->id != last, "row %lld on two pages", (long long)last);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    arena_init(&a, 0);
    struct ctx cx = {.a = &a, .db = fuzz_db};
    err_clear(&cx.err);

    struct param params[64];
    int np = 0;
    const char *s = (const char *)data, *end = s + size;
    while (s < end && np < 64) {
        const char *amp = memchr(s, '&', (size_t)(end - s));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(s, '=', (size_t)(stop - s));
        const char *kend = eq ? eq : stop;
        if (kend > s) { /* the server skips empty keys */
            params[np].key = decode(&a, s, (size_t)(kend - s));
            params[np].value = eq ? decode(&a, eq + 1, (size_t)(stop - eq - 1)) : "";
            np++;
        }
        s = amp ? amp + 1 : end;
    }
    struct listq lq;
    enum err_code rc = listq_parse(&cx, &entity_clients, params, np, NULL, &lq);
    FUZZ_CHECK(rc == ERR_OK || rc == ERR_MALFORMED, "listq_parse: %s", err_code_str(rc));
    fuzz_check_err(&cx, "listq_parse");
    if (rc == ERR_OK) {
        FUZZ_CHECK(lq.limit >= 1 && lq.limit <= LISTQ_MAX_LIMIT, "limit %d", lq.limit);
        FUZZ_CHECK(lq.nsort >= 1 && lq.nsort <= LISTQ_MAX_SORT + 1, "nsort %d", lq.nsort);
        FUZZ_CHECK(lq.sort[lq.nsort - 1].field == -1, "no id tie-breaker");
        if (lq.q)
            check_folded(lq.q, strlen(lq.q), "q");
        list(&cx, &lq);
    }

    /* folding of the raw bytes: any bytes must be safe */
    struct buf b = BUF_INIT;
    text_fold(&b, (const char *)data, size);
    if (utf8_valid((const char *)data, size)) {
        check_folded(b.p ? b.p : "", b.len, "text_fold");
        char *z = arena_strndup(&a, (const char *)data, size);
        const char *q = search_fold_query(&cx, z);
        check_folded(q, strlen(q), "search_fold_query");
    }
    buf_release(&b);
    arena_free(&a);
    return 0;
}
