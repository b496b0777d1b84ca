/* test_api.c — unit tests of the helpers every API handler uses
 * (api/common.c): reading a JSON body, a path id and the version a write
 * carries. The HTTP server is not started: a struct http_req is filled in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/api.h"
#include "base/text.h"

#include "unit.h"

struct body_case {
    const char *body;
    enum err_code code;
};

static enum err_code body(struct ctx *cx, const char *text, size_t len, json_t **out)
{
    struct http_req rq = {.method = "POST", .body = text, .body_len = len};
    err_clear(&cx->err);
    return api_body(cx, &rq, out);
}

static void body_must_be_one_strict_json_object_in_utf8(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct ctx cx = {.a = &a};
    const struct body_case cases[] = {
        {"{\"name\":\"Ёж\"}", ERR_OK},
        {" {} ", ERR_OK},
        {"[]", ERR_MALFORMED}, /* not an object */
        {"\"text\"", ERR_MALFORMED},
        {"42", ERR_MALFORMED},
        {"null", ERR_MALFORMED},
        {"{\"a\":1,\"a\":2}", ERR_MALFORMED}, /* duplicate keys */
        {"{\"a\":1} {}", ERR_MALFORMED},      /* two values */
        {"{\"a\":1,}", ERR_MALFORMED},
        {"{'a':1}", ERR_MALFORMED},
        {"{\"a\":\"\\u0000\"}", ERR_MALFORMED},  /* NUL in a string */
        {"{\"a\":\"\xC0\xAF\"}", ERR_MALFORMED}, /* not UTF-8 */
        {"{\"a\":\"\xED\xA0\x80\"}", ERR_MALFORMED},
        {"{\"a\":\"\\ud800\"}", ERR_MALFORMED}, /* a lone surrogate escaped */
        {"{\"a\":NaN}", ERR_MALFORMED},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *j = NULL;
        enum err_code rc = body(&cx, cases[i].body, strlen(cases[i].body), &j);
        if (rc != cases[i].code)
            fail_msg("%s: %s, want %s", cases[i].body, err_code_str(rc),
                     err_code_str(cases[i].code));
        if (rc == ERR_OK)
            assert_true(json_is_object(j));
        else
            assert_null(j);
        json_decref(j);
    }
    json_t *j = NULL;
    assert_int_equal(body(&cx, NULL, 0, &j), ERR_MALFORMED); /* no body */
    assert_int_equal(body(&cx, "", 0, &j), ERR_MALFORMED);
    assert_int_equal(body(&cx, "{}\0{}", 5, &j), ERR_MALFORMED); /* a NUL byte */
    struct http_req big = {.method = "POST", .body = "{}", .body_len = 2, .body_too_big = true};
    err_clear(&cx.err);
    assert_int_equal(api_body(&cx, &big, &j), ERR_TOOBIG);
    arena_free(&a);
}

static void body_errors_are_valid_utf8(void **state)
{
    /* jansson quotes the token of a bad escape up to the bad byte, which can
     * be the first half of a character ({"name":"\ж"}); the message once
     * kept it, was not UTF-8, and the client got an empty 400. Found by
     * tests/fuzz/fuzz_json_body. */
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct ctx cx = {.a = &a};
    const char *bad[] = {"{\"name\":\"\\ж\"}", "{\"name\":\"act \\\"q\\\xC2\xA0}", "{\"a\":Ж}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *j = NULL;
        assert_int_equal(body(&cx, bad[i], strlen(bad[i]), &j), ERR_MALFORMED);
        if (!utf8_valid(cx.err.message, strlen(cx.err.message)))
            fail_msg("%s: message is not UTF-8: %s", bad[i], cx.err.message);
    }
    arena_free(&a);
}

static void path_id_is_a_positive_whole_number(void **state)
{
    (void)state;
    struct ctx cx = {0};
    struct http_req rq = {.nargs = 2, .args = {"clients", NULL}};
    const char *ok[] = {"1", "42", "9223372036854775807"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        rq.args[1] = ok[i];
        int64_t id = 0;
        err_clear(&cx.err);
        assert_int_equal(api_path_id(&cx, &rq, 1, &id), ERR_OK);
        assert_int_equal(id, strtoll(ok[i], NULL, 10));
    }
    const char *bad[] = {"0",  "-1", "",    "abc", "1.0", "01x", "9223372036854775808",
                         " 1", "+1", "1%00"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        rq.args[1] = bad[i];
        int64_t id;
        err_clear(&cx.err);
        if (api_path_id(&cx, &rq, 1, &id) != ERR_NOTFOUND)
            fail_msg("id '%s' was accepted", bad[i]);
    }
    int64_t id;
    err_clear(&cx.err);
    assert_int_equal(api_path_id(&cx, &rq, 2, &id), ERR_NOTFOUND); /* no such argument */
}

static void version_comes_from_if_match_or_the_query(void **state)
{
    (void)state;
    struct http_req rq = {0};
    assert_int_equal(api_request_version(&rq), -1); /* none given */
    const char *matches[][2] = {{"3", "3"},    {"\"3\"", "3"}, {"W/\"3\"", "3"}, {"x", "0"},
                                {"\"\"", "0"}, {"\"3", "0"},   {"W/3", "3"},     {"", "0"}};
    for (size_t i = 0; i < sizeof(matches) / sizeof(matches[0]); i++) {
        rq.if_match = matches[i][0];
        if (api_request_version(&rq) != strtoll(matches[i][1], NULL, 10))
            fail_msg("If-Match: %s gave %lld", matches[i][0], (long long)api_request_version(&rq));
    }
    struct param params[2] = {{"limit", "5"}, {"version", "7"}};
    rq = (struct http_req){.params = params, .nparams = 2};
    assert_int_equal(api_request_version(&rq), 7);
    params[1].value = "seven";
    assert_int_equal(api_request_version(&rq), 0); /* given but unusable: never matches */
    rq.if_match = "4";                             /* If-Match wins */
    assert_int_equal(api_request_version(&rq), 4);
}

/* A route's captures are the request's own (its arena): matching another
 * request on the same thread leaves them as they were. */
static void route_captures_belong_to_the_request(void **state)
{
    (void)state;
    struct arena a1, a2;
    arena_init(&a1, 0);
    arena_init(&a2, 0);
    struct http_req r1 = {0}, r2 = {0};
    bool other;
    const struct route *rt = route_match("GET", "/api/v1/clients/42", &r1, &a1, &other);
    assert_non_null(rt);
    assert_int_equal(r1.nargs, 2);
    assert_string_equal(r1.args[0], "clients");
    assert_string_equal(r1.args[1], "42");
    assert_non_null(
        route_match("POST", "/api/v1/requests/777/transitions/resolve", &r2, &a2, &other));
    assert_int_equal(r2.nargs, 3);
    assert_string_equal(r1.args[0], "clients");
    assert_string_equal(r1.args[1], "42");
    assert_string_equal(r2.args[2], "resolve");
    /* a path with no route, and a wrong method on one that exists */
    assert_null(route_match("GET", "/api/v2/nothing", &r2, &a2, &other));
    assert_false(other);
    assert_null(route_match("PUT", "/api/v1/clients/42", &r2, &a2, &other));
    assert_true(other);
    assert_string_equal(r1.args[1], "42");
    arena_free(&a1);
    arena_free(&a2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(body_must_be_one_strict_json_object_in_utf8),
        cmocka_unit_test(route_captures_belong_to_the_request),
        cmocka_unit_test(body_errors_are_valid_utf8),
        cmocka_unit_test(path_id_is_a_positive_whole_number),
        cmocka_unit_test(version_comes_from_if_match_or_the_query),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
