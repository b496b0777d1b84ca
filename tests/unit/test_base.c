/* test_base.c — unit tests of the base layer: the arena, growable buffers,
 * the error shape, UTF-8 and search folding, dates and times, number parsing.
 * No database, no libsodium: these are the pieces everything else stands on. */
#include <setjmp.h>
#include <signal.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "base/util.h"

#include "unit.h"

/* ---- arena ---------------------------------------------------------------- */

static void arena_gives_aligned_zeroed_distinct_blocks_for_many_allocations(void **state)
{
    (void)state;
    enum { N = 20000 };
    struct arena a;
    arena_init(&a, 256); /* small chunks: many chunk changes */
    static unsigned char *blocks[N];
    static size_t sizes[N];
    size_t total = 0;
    for (int i = 0; i < N; i++) {
        size_t n = (size_t)(i * 7919 % 301); /* 0..300, including 0 */
        unsigned char *p = arena_alloc(&a, n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
        for (size_t k = 0; k < n; k++)
            assert_int_equal(p[k], 0);
        memset(p, (int)(i & 0xFF), n); /* a pattern that later blocks must not touch */
        blocks[i] = p;
        sizes[i] = n;
        total += (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    }
    for (int i = 0; i < N; i++)
        for (size_t k = 0; k < sizes[i]; k++)
            if (blocks[i][k] != (unsigned char)(i & 0xFF))
                fail_msg("block %d was overwritten at byte %zu", i, k);
    assert_int_equal(a.used, total);
    arena_free(&a);
}

static void arena_big_allocation_keeps_the_current_chunk_usable(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 1024);
    char *small1 = arena_alloc(&a, 16);
    char *big = arena_alloc(&a, 1 << 20);
    char *small2 = arena_alloc(&a, 16);
    /* the big block went into a chunk of its own; the next small block
     * continues right after the first one */
    assert_ptr_equal(small2, small1 + 16);
    assert_true(big + (1 << 20) <= small1 || big >= small1 + 1024);
    for (size_t i = 0; i < (1u << 20); i++)
        if (big[i] != 0)
            fail_msg("big block not zeroed at %zu", i);
    memset(big, 0x5A, 1 << 20);
    assert_int_equal(small1[0], 0);
    assert_int_equal(small2[15], 0);
    /* a block exactly the chunk size fits a fresh chunk */
    char *exact = arena_alloc(&a, 1024);
    memset(exact, 1, 1024);
    arena_free(&a);
}

static void arena_first_allocation_bigger_than_a_chunk_works(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 64);
    char *big = arena_alloc(&a, 5000);
    memset(big, 7, 5000);
    char *next = arena_alloc(&a, 32);
    assert_int_equal(next[0], 0);
    arena_reset(&a);
    char *again = arena_alloc(&a, 10);
    assert_int_equal(again[9], 0);
    arena_free(&a);
}

static void arena_reset_reuses_the_first_chunk_and_zeroes_again(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 512);
    char *first = arena_alloc(&a, 100);
    memset(first, 0xEE, 100);
    for (int i = 0; i < 100; i++)
        memset(arena_alloc(&a, 200), 0xEE, 200); /* several more chunks */
    arena_alloc(&a, 100000);                     /* and a big one */
    arena_reset(&a);
    assert_int_equal(a.used, 0);
    char *again = arena_alloc(&a, 100);
    assert_ptr_equal(again, first); /* the oldest chunk was kept */
    for (int i = 0; i < 100; i++)
        assert_int_equal(again[i], 0);
    arena_reset(&a);
    arena_reset(&a); /* twice in a row is fine */
    arena_free(&a);
    arena_reset(&a);                     /* and on an empty arena */
    assert_non_null(arena_alloc(&a, 8)); /* a freed arena can be used again */
    arena_free(&a);
}

static void arena_strings_are_copies_in_the_arena(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    char src[] = "Ремонт";
    char *d = arena_strdup(&a, src);
    src[0] = 'X';
    assert_string_equal(d, "Ремонт");
    assert_null(arena_strdup(&a, NULL));
    assert_string_equal(arena_strndup(&a, "abcdef", 3), "abc");
    assert_string_equal(arena_strndup(&a, "", 0), "");
    assert_string_equal(arena_printf(&a, "%s-%04d-%06lld", "О", 2026, 123LL), "О-2026-000123");
    /* a printf longer than a whole chunk */
    char *longs = arena_printf(&a, "%40000d|", 7);
    assert_int_equal(strlen(longs), 40001);
    assert_int_equal(longs[39999], '7');
    arena_free(&a);
}

/* Runs fn in a child process; returns the signal it died of, or 0. */
static int dies_of(void (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        /* cmocka catches these signals to report a failing test: the child
         * must simply die of them */
        int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
            signal(sigs[i], SIG_DFL);
        /* the child's abort message is expected: keep the test output clean */
        if (!freopen("/dev/null", "w", stderr))
            _exit(3);
        fn();
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void alloc_wrapping_size(void)
{
    struct arena a;
    arena_init(&a, 0);
    arena_alloc(&a, SIZE_MAX - 3); /* rounding up to the alignment wraps */
}

static void alloc_size_wrapping_with_the_chunk_header(void)
{
    struct arena a;
    arena_init(&a, 0);
    arena_alloc(&a, 1);
    /* rounds to SIZE_MAX - 15 without wrapping; the chunk header added to
     * that does wrap */
    arena_alloc(&a, SIZE_MAX - 20);
}

static void arena_aborts_on_a_size_that_overflows_when_rounded(void **state)
{
    (void)state;
    assert_int_equal(dies_of(alloc_wrapping_size), SIGABRT);
}

static void arena_aborts_on_a_size_that_overflows_with_the_chunk_header(void **state)
{
    (void)state;
    /* a regression test: the guard once checked only the rounding, so the
     * chunk header added to n in (SIZE_MAX - 46, SIZE_MAX - 15] wrapped, a
     * tiny chunk was allocated and the zeroing wrote far past it */
    assert_int_equal(dies_of(alloc_size_wrapping_with_the_chunk_header), SIGABRT);
}

/* ---- buf ------------------------------------------------------------------ */

static void buf_appends_bytes_and_stays_nul_terminated(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    assert_true(buf_add(&b, "ab\0c", 4)); /* binary data is kept */
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.p, "ab\0c", 4);
    assert_int_equal(b.p[4], 0);
    assert_true(buf_addch(&b, 'd'));
    assert_true(buf_adds(&b, "ёж"));
    assert_true(buf_add(&b, "zzz", 0)); /* nothing is fine */
    assert_int_equal(b.len, 5 + strlen("ёж"));
    assert_int_equal(b.p[b.len], 0);
    for (int i = 0; i < 10000; i++)
        assert_true(buf_addch(&b, 'x'));
    assert_int_equal(b.len, 5 + strlen("ёж") + 10000);
    assert_true(b.cap > b.len);
    assert_int_equal(b.p[b.len], 0);
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.p, "");
    buf_release(&b);
    assert_null(b.p);
    buf_reset(&b); /* on a released buffer: nothing to do */
    assert_int_equal(b.len, 0);
}

static void buf_refusal_at_its_cap_leaves_the_buffer_unchanged(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 10);
    assert_true(buf_adds(&b, "0123456"));
    char *p = b.p;
    size_t cap = b.cap;
    assert_false(buf_adds(&b, "7890"));       /* 11 > 10 */
    assert_false(buf_printf(&b, "%d", 1234)); /* 11 > 10 */
    assert_false(buf_add(&b, "x", SIZE_MAX)); /* no wrap-around on huge lengths */
    assert_string_equal(b.p, "0123456");
    assert_int_equal(b.len, 7);
    assert_ptr_equal(b.p, p);
    assert_int_equal(b.cap, cap);
    assert_true(buf_adds(&b, "789")); /* exactly the cap is allowed */
    assert_int_equal(b.len, 10);
    assert_false(buf_addch(&b, 'x'));
    assert_string_equal(b.p, "0123456789");
    assert_true(buf_add(&b, "", 0)); /* adding nothing never exceeds it */
    buf_release(&b);

    struct buf z;
    buf_init(&z, 3);
    assert_false(buf_adds(&z, "abcd")); /* refused while still empty */
    assert_int_equal(z.len, 0);
    buf_release(&z);
}

static void buf_printf_formats_and_appends(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    assert_true(buf_printf(&b, "%s=%d", "limit", 50));
    assert_true(buf_printf(&b, ", %s", "sort"));
    assert_true(buf_printf(&b, "%s", "")); /* an empty expansion */
    assert_string_equal(b.p, "limit=50, sort");
    assert_true(buf_printf(&b, "%5000d", 1)); /* bigger than the first growth */
    assert_int_equal(b.len, strlen("limit=50, sort") + 5000);
    assert_int_equal(b.p[b.len - 1], '1');
    buf_release(&b);
}

static void buf_detach_hands_over_the_bytes_and_empties_the_buffer(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    buf_adds(&b, "abc");
    size_t len;
    char *p = buf_detach(&b, &len);
    assert_string_equal(p, "abc");
    assert_int_equal(len, 3);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    free(p);
    assert_true(buf_adds(&b, "again")); /* still usable */
    assert_string_equal(b.p, "again");
    buf_release(&b);
}

static void buf_detach_of_an_empty_buffer_is_an_empty_string(void **state)
{
    (void)state;
    /* a regression test: detaching a buffer that never held bytes once gave
     * fresh, unterminated memory; a dirty block left in malloc's cache shows
     * it */
    for (int round = 0; round < 4; round++) {
        char *dirty = malloc(256);
        memset(dirty, 'x', 256);
        free(dirty);
        struct buf b = BUF_INIT;
        size_t len = 99;
        char *p = buf_detach(&b, &len);
        assert_non_null(p);
        assert_int_equal(len, 0);
        assert_int_equal(p[0], 0);
        free(p);
    }
}

/* ---- err ------------------------------------------------------------------ */

static void err_codes_map_to_http_statuses_and_names(void **state)
{
    (void)state;
    static const struct {
        enum err_code code;
        int status;
        const char *name;
    } want[] = {
        {ERR_OK, 200, "ok"},
        {ERR_MALFORMED, 400, "malformed"},
        {ERR_AUTH, 401, "unauthenticated"},
        {ERR_FORBIDDEN, 403, "forbidden"},
        {ERR_NOTFOUND, 404, "not_found"},
        {ERR_METHOD, 405, "method_not_allowed"},
        {ERR_CONFLICT, 409, "conflict"},
        {ERR_TOOBIG, 413, "too_large"},
        {ERR_MEDIATYPE, 415, "unsupported_media_type"},
        {ERR_RANGE, 416, "range_not_satisfiable"},
        {ERR_INVALID, 422, "validation_failed"},
        {ERR_LIMITED, 429, "rate_limited"},
        {ERR_INTERNAL, 500, "internal"},
        {ERR_UNAVAILABLE, 503, "unavailable"},
    };
    assert_int_equal(sizeof(want) / sizeof(want[0]), ERR__COUNT);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_int_equal(err_http_status(want[i].code), want[i].status);
        assert_string_equal(err_code_str(want[i].code), want[i].name);
    }
    /* a code outside the table is an internal error, never a read past it */
    assert_int_equal(err_http_status(ERR__COUNT), 500);
    assert_int_equal(err_http_status((enum err_code)1000), 500);
    assert_string_equal(err_code_str((enum err_code)1000), "internal");
}

static void err_set_keeps_code_and_message_and_clear_resets(void **state)
{
    (void)state;
    struct err e;
    err_clear(&e);
    assert_int_equal(e.code, ERR_OK);
    assert_string_equal(e.message, "");
    assert_int_equal(err_set(&e, ERR_NOTFOUND, "client %d not found", 7), ERR_NOTFOUND);
    assert_int_equal(e.code, ERR_NOTFOUND);
    assert_string_equal(e.message, "client 7 not found");
    char longmsg[1000];
    memset(longmsg, 'a', sizeof(longmsg) - 1);
    longmsg[sizeof(longmsg) - 1] = 0;
    err_set(&e, ERR_MALFORMED, "%s", longmsg);
    assert_int_equal(strlen(e.message), sizeof(e.message) - 1); /* truncated, terminated */
    e.retry_after = 30;
    err_field(&e, "name", "required");
    err_clear(&e);
    assert_int_equal(e.code, ERR_OK);
    assert_int_equal(e.nfields, 0);
    assert_int_equal(e.retry_after, 0);
    assert_string_equal(e.message, "");
}

static void err_set_never_leaves_half_a_character(void **state)
{
    (void)state;
    struct err e;
    err_clear(&e);
    char long_cyrillic[601];
    for (int i = 0; i < 300; i++)
        memcpy(long_cyrillic + 2 * i, "ж", 2); /* 600 bytes: cut at 255, inside a character */
    long_cyrillic[600] = 0;
    err_set(&e, ERR_MALFORMED, "%s", long_cyrillic);
    assert_int_equal(strlen(e.message), sizeof(e.message) - 1);
    assert_true(utf8_valid(e.message, strlen(e.message)));
    assert_int_equal(e.message[sizeof(e.message) - 2], '?');
    err_set(&e, ERR_MALFORMED, "cannot sort by '%s'", "\xFF\xD0");
    assert_string_equal(e.message, "cannot sort by '\?\?'"); /* \? : no trigraph */
}

static void err_field_keeps_the_first_error_of_each_field(void **state)
{
    (void)state;
    struct err e;
    err_clear(&e);
    err_field(&e, "name", "required");
    err_field(&e, "phone", "invalid_phone");
    char other[] = "name"; /* same name, another pointer */
    err_field(&e, other, "too_long");
    err_field(&e, "phone", "duplicate");
    assert_int_equal(e.nfields, 2);
    assert_string_equal(e.fields[0].name, "name");
    assert_string_equal(e.fields[0].code, "required");
    assert_string_equal(e.fields[1].name, "phone");
    assert_string_equal(e.fields[1].code, "invalid_phone");
}

static void err_field_stops_at_its_capacity(void **state)
{
    (void)state;
    struct err e;
    err_clear(&e);
    static char names[ERR_MAX_FIELDS + 10][16];
    for (int i = 0; i < ERR_MAX_FIELDS + 10; i++) {
        snprintf(names[i], sizeof(names[i]), "f%d", i);
        err_field(&e, names[i], "invalid");
    }
    assert_int_equal(e.nfields, ERR_MAX_FIELDS);
    assert_string_equal(e.fields[ERR_MAX_FIELDS - 1].name, "f31");
}

/* ---- UTF-8 ------------------------------------------------------------------ */

static bool valid(const char *s) { return utf8_valid(s, strlen(s)); }

static void utf8_accepts_ascii_cyrillic_and_every_sequence_length(void **state)
{
    (void)state;
    assert_true(utf8_valid("", 0));
    assert_true(valid("plain ASCII ~!@#$%^&*()"));
    assert_true(valid("Привет, мир! Ёё"));
    assert_true(valid("₽ € “quotes” — dash")); /* 3-byte */
    assert_true(valid("😀 𝄞 \xF0\x90\x80\x80"));          /* 4-byte, lowest 4-byte */
    assert_true(valid("\xC2\x80"));                      /* lowest 2-byte: U+0080 */
    assert_true(valid("\xDF\xBF"));                      /* highest 2-byte: U+07FF */
    assert_true(valid("\xE0\xA0\x80"));                  /* lowest 3-byte: U+0800 */
    assert_true(valid("\xED\x9F\xBF"));                  /* U+D7FF, just below surrogates */
    assert_true(valid("\xEE\x80\x80"));                  /* U+E000, just above */
    assert_true(valid("\xEF\xBF\xBF"));                  /* U+FFFF */
    assert_true(valid("\xF4\x8F\xBF\xBF"));              /* U+10FFFF, the last code point */
    /* only len bytes are looked at */
    assert_true(utf8_valid("ab\xFF", 2));
}

static void utf8_rejects_overlong_forms(void **state)
{
    (void)state;
    assert_false(valid("\xC0\x80"));         /* NUL, overlong */
    assert_false(valid("\xC0\xAF"));         /* '/' */
    assert_false(valid("\xC1\xBF"));         /* U+007F in two bytes */
    assert_false(valid("\xE0\x80\xAF"));     /* '/' in three */
    assert_false(valid("\xE0\x9F\xBF"));     /* U+07FF in three */
    assert_false(valid("\xF0\x80\x80\xAF")); /* '/' in four */
    assert_false(valid("\xF0\x8F\xBF\xBF")); /* U+FFFF in four */
}

static void utf8_rejects_surrogates_and_code_points_above_the_maximum(void **state)
{
    (void)state;
    assert_false(valid("\xED\xA0\x80"));             /* U+D800 */
    assert_false(valid("\xED\xAD\xBF"));             /* U+DB7F */
    assert_false(valid("\xED\xBF\xBF"));             /* U+DFFF */
    assert_false(valid("\xED\xA0\xBD\xED\xB8\x80")); /* a CESU-8 pair */
    assert_false(valid("\xF4\x90\x80\x80"));         /* U+110000 */
    assert_false(valid("\xF5\x80\x80\x80"));
    assert_false(valid("\xF7\xBF\xBF\xBF"));
    assert_false(valid("\xF8\x88\x80\x80\x80")); /* old 5-byte form */
    assert_false(valid("\xFC\x84\x80\x80\x80\x80"));
    assert_false(valid("\xFE"));
    assert_false(valid("\xFF"));
}

static void utf8_rejects_truncated_and_broken_sequences(void **state)
{
    (void)state;
    assert_false(valid("\xD0")); /* 2-byte lead at the end */
    assert_false(valid("abc\xD0"));
    assert_false(valid("\xE2\x82")); /* 3-byte missing one */
    assert_false(valid("\xE2"));
    assert_false(valid("\xF0\x9F\x98")); /* 4-byte missing one */
    assert_false(valid("\xF0\x9F"));
    assert_false(valid("\xF0"));
    assert_false(valid("\x80")); /* a lone continuation */
    assert_false(valid("\xBF"));
    assert_false(valid("a\x80z"));
    assert_false(valid("\xD0\x41")); /* lead followed by ASCII */
    assert_false(valid("\xE2\x82\x41"));
    assert_false(valid("\xF0\x9F\x98\x41"));
    assert_false(valid("\xD0\xD0\x9F")); /* lead followed by a lead */
    /* a valid sequence cut by len */
    assert_false(utf8_valid("Ж", 1));
    assert_false(utf8_valid("😀", 3));
}

static void utf8_rejects_nul_bytes(void **state)
{
    (void)state;
    assert_false(utf8_valid("\0", 1));
    assert_false(utf8_valid("a\0b", 3));
    assert_false(utf8_valid("ab\0", 3));
}

static const char *sanitized(const char *s)
{
    static char out[64];
    snprintf(out, sizeof(out), "%s", s);
    utf8_sanitize(out);
    assert_true(utf8_valid(out, strlen(out)));
    return out;
}

static void utf8_sanitize_replaces_each_stray_byte_and_keeps_characters(void **state)
{
    (void)state;
    assert_string_equal(sanitized(""), "");
    assert_string_equal(sanitized("Ёж ₽ 😀 plain"), "Ёж ₽ 😀 plain");
    assert_string_equal(sanitized("a\377b"), "a?b");
    assert_string_equal(sanitized("ab\xD0"), "ab?");  /* cut after a lead byte */
    assert_string_equal(sanitized("\xE2\x82"), "??"); /* cut inside a 3-byte one */
    assert_string_equal(sanitized("\xF0\x9F\x98"), "???");
    assert_string_equal(sanitized("\xD0\x41"), "?A");           /* the ASCII after stays */
    assert_string_equal(sanitized("\xC0\xAF"), "??");           /* an overlong */
    assert_string_equal(sanitized("\xED\xA0\x80"), "???");      /* a surrogate */
    assert_string_equal(sanitized("\xF4\x90\x80\x80"), "????"); /* above U+10FFFF */
    assert_string_equal(sanitized("\x80Ж\xBF"), "?Ж?");         /* lone continuations */
}

static void utf8_count_counts_code_points(void **state)
{
    (void)state;
    assert_int_equal(utf8_count("", 0), 0);
    assert_int_equal(utf8_count("abc", 3), 3);
    assert_int_equal(utf8_count("Ёж", strlen("Ёж")), 2);
    assert_int_equal(utf8_count("₽😀a", strlen("₽😀a")), 3);
}

/* ---- folding ------------------------------------------------------------------ */

static const char *fold(const char *s)
{
    static char out[1024];
    struct buf b = BUF_INIT;
    text_fold(&b, s, strlen(s));
    snprintf(out, sizeof(out), "%s", b.p ? b.p : "");
    buf_release(&b);
    return out;
}

static void fold_lowercases_the_whole_russian_alphabet_and_yo_becomes_ye(void **state)
{
    (void)state;
    assert_string_equal(fold("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"),
                        "абвгдеежзийклмнопрстуфхцчшщъыьэюя");
    assert_string_equal(fold("абвгдеёжзийклмнопрстуфхцчшщъыьэюя"),
                        "абвгдеежзийклмнопрстуфхцчшщъыьэюя");
    assert_string_equal(fold("Ёлка ёлка ЁЛКА"), "елка елка елка");
    assert_string_equal(fold("Семёнов Пётр"), "семенов петр");
    /* the Cyrillic letters before А (Ukrainian, Belarusian, Serbian) */
    assert_string_equal(fold("ЇЖАК Єва Іван Ў Ђ Џ"), "їжак єва іван ў ђ џ");
}

static void fold_lowercases_latin_and_keeps_digits(void **state)
{
    (void)state;
    assert_string_equal(fold("Kyocera ECOSYS M2040dn"), "kyocera ecosys m2040dn");
    assert_string_equal(fold("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), "abcdefghijklmnopqrstuvwxyz");
    assert_string_equal(fold("0123456789"), "0123456789");
    assert_string_equal(fold("ÀÉÖÜ Ñ"), "àéöü ñ");
}

static void fold_turns_every_separator_run_into_one_space(void **state)
{
    (void)state;
    assert_string_equal(fold("ООО «Ромашка», тел.: +7 (912)"), "ооо ромашка тел 7 912");
    assert_string_equal(fold("a,,,b   c\t\r\nd"), "a b c d");
    assert_string_equal(fold("Семёнов—Пётр–Иван"), "семенов петр иван");       /* em/en dash */
    assert_string_equal(fold("a\u00A0b"), "a b");                              /* NBSP */
    assert_string_equal(fold("“кавычки” ‘одинарные’ …"), "кавычки одинарные"); /* U+20xx */
    assert_string_equal(fold("e-mail: ivan.petrov@mail.ru"), "e mail ivan petrov mail ru");
    assert_string_equal(fold("\"*NEAR(a:b)^-OR"), "near a b or");
}

static void fold_leaves_no_leading_or_trailing_space(void **state)
{
    (void)state;
    assert_string_equal(fold("  ...Привет!!!  "), "привет");
    assert_string_equal(fold("«»—"), "");
    assert_string_equal(fold(""), "");
    assert_string_equal(fold("   "), "");
}

static void fold_appends_to_what_the_buffer_holds(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    buf_adds(&b, "abc");
    text_fold(&b, " Деф", strlen(" Деф"));
    assert_string_equal(b.p, "abc деф");
    text_fold(&b, "Ж", strlen("Ж"));
    assert_string_equal(b.p, "abc дефж"); /* no separator, no space */
    buf_reset(&b);                        /* an emptied buffer is empty again: no leading space */
    text_fold(&b, " -Ёж", strlen(" -Ёж"));
    assert_string_equal(b.p, "еж");
    buf_release(&b);
}

static void fold_of_invalid_utf8_does_not_read_past_the_end(void **state)
{
    (void)state;
    /* folding is given checked text, but must stay within len on any bytes */
    const char *bad[] = {"\xD0", "\xE2\x82", "\xF0\x9F\x98", "\x80\x80\x80\x80", "\xFF\xFE"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t n = strlen(bad[i]);
        char *copy = malloc(n); /* exactly n bytes: ASan would see an overread */
        memcpy(copy, bad[i], n);
        struct buf b = BUF_INIT;
        text_fold(&b, copy, n);
        buf_release(&b);
        free(copy);
    }
}

static void digits_and_blank_helpers(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    text_digits(&b, "+7 (912) 345-67-89 доб. 12");
    assert_string_equal(b.p, "7912345678912");
    buf_release(&b);
    assert_true(text_blank(""));
    assert_true(text_blank(" \t\r\n"));
    assert_false(text_blank(" x "));
}

/* ---- dates and times --------------------------------------------------------- */

static void date_parse_knows_leap_years(void **state)
{
    (void)state;
    int y, m, d;
    assert_true(date_parse("2024-02-29", &y, &m, &d));
    assert_int_equal(y, 2024);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
    assert_true(date_parse("2000-02-29", &y, &m, &d));  /* divisible by 400 */
    assert_false(date_parse("1900-02-29", &y, &m, &d)); /* by 100 only */
    assert_false(date_parse("2100-02-29", &y, &m, &d));
    assert_false(date_parse("2200-02-29", &y, &m, &d));
    assert_true(date_parse("2400-02-29", &y, &m, &d));
    assert_false(date_parse("2026-02-29", &y, &m, &d));
    assert_true(date_parse("2026-02-28", &y, &m, &d));
    assert_false(date_parse("2024-02-30", &y, &m, &d));
}

static void date_parse_rejects_impossible_and_badly_written_dates(void **state)
{
    (void)state;
    int y, m, d;
    const char *bad[] = {
        "2026-04-31",
        "2026-06-31",
        "2026-09-31",
        "2026-11-31",
        "2026-01-32",
        "2026-01-00",
        "2026-00-10",
        "2026-13-01",
        "1899-12-31",
        "3000-01-01",
        "2026-1-01",
        "2026-01-1",
        "26-01-01",
        "2026/01/01",
        "2026-01-01x",
        " 2026-01-01",
        "2026-01-01 ",
        "+026-01-01",
        "2026-0a-01",
        "２０２６-01-01",
        "",
        "2026-01-01T00:00:00Z",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (date_parse(bad[i], &y, &m, &d))
            fail_msg("date_parse accepted '%s'", bad[i]);
    assert_true(date_parse("1900-01-01", &y, &m, &d));
    assert_true(date_parse("2999-12-31", &y, &m, &d));
    const char *month_ends[] = {"2026-01-31", "2026-03-31", "2026-04-30", "2026-05-31",
                                "2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30",
                                "2026-10-31", "2026-11-30", "2026-12-31"};
    for (size_t i = 0; i < sizeof(month_ends) / sizeof(month_ends[0]); i++)
        assert_true(date_parse(month_ends[i], &y, &m, &d));
}

static void time_parse_reads_dates_and_utc_times(void **state)
{
    (void)state;
    int64_t t;
    assert_true(time_parse("1970-01-01", &t));
    assert_int_equal(t, 0);
    assert_true(time_parse("1970-01-02T00:00:01Z", &t));
    assert_int_equal(t, 86401);
    assert_true(time_parse("2000-03-01T00:00:00Z", &t)); /* after a 400-year leap day */
    assert_int_equal(t, 951868800);
    assert_true(time_parse("2026-11-27T09:15:00Z", &t));
    assert_int_equal(t, 1795770900);
    assert_true(time_parse("1969-12-31T23:59:59Z", &t)); /* before the epoch */
    assert_int_equal(t, -1);
    assert_true(time_parse("2026-06-30T23:59:60Z", &t)); /* a leap second */
    const char *bad[] = {
        "2026-11-27T24:00:00Z",
        "2026-11-27T23:60:00Z",
        "2026-11-27T23:59:61Z",
        "2026-11-27T09:15:00",
        "2026-11-27T09:15:00+03:00",
        "2026-11-27t09:15:00z",
        "2026-11-27 09:15:00Z",
        "2026-11-27T9:15:00Z",
        "2026-11-27T09:15Z",
        "2026-02-30T00:00:00Z",
        "2026-11-27T",
        "2026-11-2",
        "",
        "2026-11-27TAB:00:00Z",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (time_parse(bad[i], &t))
            fail_msg("time_parse accepted '%s'", bad[i]);
}

static void time_iso_and_time_parse_round_trip(void **state)
{
    (void)state;
    const char *times[] = {"1970-01-01T00:00:00Z", "2024-02-29T12:34:56Z", "2026-12-31T23:59:59Z",
                           "2999-12-31T23:59:59Z"};
    for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
        int64_t t;
        char out[ISO_TIME_LEN];
        assert_true(time_parse(times[i], &t));
        time_iso(t, out);
        assert_string_equal(out, times[i]);
    }
    char now[ISO_TIME_LEN], today[ISO_DATE_LEN];
    time_now_iso(now);
    date_today(today);
    int64_t t;
    assert_true(time_parse(now, &t));
    assert_true(t - time_now() <= 1 && time_now() - t <= 1);
    assert_int_equal(strlen(today), 10);
    assert_memory_equal(today, now, 10);
}

static void date_add_months_clamps_to_the_end_of_the_month(void **state)
{
    (void)state;
    char out[ISO_DATE_LEN];
    date_add_months(2026, 1, 31, 1, out);
    assert_string_equal(out, "2026-02-28");
    date_add_months(2024, 1, 31, 1, out);
    assert_string_equal(out, "2024-02-29");
    date_add_months(2026, 3, 31, 1, out);
    assert_string_equal(out, "2026-04-30");
    date_add_months(2024, 2, 29, 12, out);
    assert_string_equal(out, "2025-02-28");
    date_add_months(2024, 2, 29, 48, out);
    assert_string_equal(out, "2028-02-29");
    date_add_months(2026, 1, 31, 13, out);
    assert_string_equal(out, "2027-02-28");
    date_add_months(2026, 1, 15, 0, out);
    assert_string_equal(out, "2026-01-15");
    date_add_months(2026, 12, 5, 1, out); /* into the next year */
    assert_string_equal(out, "2027-01-05");
    date_add_months(2026, 11, 30, 120, out);
    assert_string_equal(out, "2036-11-30");
    date_add_months(2026, 3, 31, -1, out); /* backwards */
    assert_string_equal(out, "2026-02-28");
    date_add_months(2026, 1, 10, -1, out);
    assert_string_equal(out, "2025-12-10");
}

/* ---- numbers and strings ---------------------------------------------------------- */

static void parse_i64_takes_whole_decimal_numbers_only(void **state)
{
    (void)state;
    int64_t v;
    assert_true(parse_i64("0", 1, &v));
    assert_int_equal(v, 0);
    assert_true(parse_i64("-42", 3, &v));
    assert_int_equal(v, -42);
    assert_true(parse_i64("+7", 2, &v));
    assert_int_equal(v, 7);
    assert_true(parse_i64("9223372036854775807", 19, &v));
    assert_true(v == INT64_MAX);
    assert_true(parse_i64("-9223372036854775808", 20, &v));
    assert_true(v == INT64_MIN);
    assert_true(parse_i64("123abc", 3, &v)); /* only len bytes */
    assert_int_equal(v, 123);
    const char *bad[] = {"",
                         "-",
                         "+",
                         " 1",
                         "1 ",
                         "1.5",
                         "0x10",
                         "1e3",
                         "--1",
                         "+-1",
                         "１",
                         "9223372036854775808",
                         "-9223372036854775809",
                         "99999999999999999999999999999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (parse_i64(bad[i], strlen(bad[i]), &v))
            fail_msg("parse_i64 accepted '%s'", bad[i]);
}

static void strlcpy_truncates_and_always_terminates(void **state)
{
    (void)state;
    char out[5];
    assert_int_equal(strlcpy_(out, "abcdefgh", sizeof(out)), 8);
    assert_string_equal(out, "abcd");
    assert_int_equal(strlcpy_(out, "ab", sizeof(out)), 2);
    assert_string_equal(out, "ab");
    out[0] = 'q';
    assert_int_equal(strlcpy_(out, "xyz", 0), 3); /* no room: untouched */
    assert_int_equal(out[0], 'q');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_gives_aligned_zeroed_distinct_blocks_for_many_allocations),
        cmocka_unit_test(arena_big_allocation_keeps_the_current_chunk_usable),
        cmocka_unit_test(arena_first_allocation_bigger_than_a_chunk_works),
        cmocka_unit_test(arena_reset_reuses_the_first_chunk_and_zeroes_again),
        cmocka_unit_test(arena_strings_are_copies_in_the_arena),
        cmocka_unit_test(arena_aborts_on_a_size_that_overflows_when_rounded),
        cmocka_unit_test(arena_aborts_on_a_size_that_overflows_with_the_chunk_header),
        cmocka_unit_test(buf_appends_bytes_and_stays_nul_terminated),
        cmocka_unit_test(buf_refusal_at_its_cap_leaves_the_buffer_unchanged),
        cmocka_unit_test(buf_printf_formats_and_appends),
        cmocka_unit_test(buf_detach_hands_over_the_bytes_and_empties_the_buffer),
        cmocka_unit_test(buf_detach_of_an_empty_buffer_is_an_empty_string),
        cmocka_unit_test(err_codes_map_to_http_statuses_and_names),
        cmocka_unit_test(err_set_keeps_code_and_message_and_clear_resets),
        cmocka_unit_test(err_set_never_leaves_half_a_character),
        cmocka_unit_test(err_field_keeps_the_first_error_of_each_field),
        cmocka_unit_test(err_field_stops_at_its_capacity),
        cmocka_unit_test(utf8_accepts_ascii_cyrillic_and_every_sequence_length),
        cmocka_unit_test(utf8_rejects_overlong_forms),
        cmocka_unit_test(utf8_rejects_surrogates_and_code_points_above_the_maximum),
        cmocka_unit_test(utf8_rejects_truncated_and_broken_sequences),
        cmocka_unit_test(utf8_rejects_nul_bytes),
        cmocka_unit_test(utf8_sanitize_replaces_each_stray_byte_and_keeps_characters),
        cmocka_unit_test(utf8_count_counts_code_points),
        cmocka_unit_test(fold_lowercases_the_whole_russian_alphabet_and_yo_becomes_ye),
        cmocka_unit_test(fold_lowercases_latin_and_keeps_digits),
        cmocka_unit_test(fold_turns_every_separator_run_into_one_space),
        cmocka_unit_test(fold_leaves_no_leading_or_trailing_space),
        cmocka_unit_test(fold_appends_to_what_the_buffer_holds),
        cmocka_unit_test(fold_of_invalid_utf8_does_not_read_past_the_end),
        cmocka_unit_test(digits_and_blank_helpers),
        cmocka_unit_test(date_parse_knows_leap_years),
        cmocka_unit_test(date_parse_rejects_impossible_and_badly_written_dates),
        cmocka_unit_test(time_parse_reads_dates_and_utc_times),
        cmocka_unit_test(time_iso_and_time_parse_round_trip),
        cmocka_unit_test(date_add_months_clamps_to_the_end_of_the_month),
        cmocka_unit_test(parse_i64_takes_whole_decimal_numbers_only),
        cmocka_unit_test(strlcpy_truncates_and_always_terminates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
