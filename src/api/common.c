/* common.c — helpers every handler uses (api layer). */
#include <string.h>

#include "api/api.h"
#include "base/text.h"
#include "base/util.h"
#include "base/banned.h"

enum err_code api_body(struct ctx *cx, struct http_req *rq, json_t **out)
{
    *out = NULL;
    if (rq->body_too_big)
        return ctx_fail(cx, ERR_TOOBIG, "the body is too large");
    if (!rq->body || rq->body_len == 0)
        return ctx_fail(cx, ERR_MALFORMED, "a JSON object is expected in the body");
    if (!utf8_valid(rq->body, rq->body_len))
        return ctx_fail(cx, ERR_MALFORMED, "the body is not valid UTF-8");
    json_error_t je;
    json_t *j = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        return ctx_fail(cx, ERR_MALFORMED, "malformed JSON at line %d, column %d: %s", je.line,
                        je.column, je.text);
    if (!json_is_object(j)) {
        json_decref(j);
        return ctx_fail(cx, ERR_MALFORMED, "the body must be a JSON object");
    }
    *out = j;
    return ERR_OK;
}

enum err_code api_path_id(struct ctx *cx, struct http_req *rq, int i, int64_t *id)
{
    const char *s = i < rq->nargs ? rq->args[i] : "";
    /* digits only: "+1" is not record 1 */
    if (*s == '+' || !parse_i64(s, strlen(s), id) || *id < 1)
        return ctx_fail(cx, ERR_NOTFOUND, "no such record");
    return ERR_OK;
}

int64_t api_request_version(struct http_req *rq)
{
    const char *s = rq->if_match;
    int64_t v;
    if (s) {
        /* accept 3, "3" and W/"3" */
        if (strncmp(s, "W/", 2) == 0)
            s += 2;
        size_t n = strlen(s);
        if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
            return parse_i64(s + 1, n - 2, &v) ? v : 0;
        return parse_i64(s, n, &v) ? v : 0;
    }
    for (int i = 0; i < rq->nparams; i++)
        if (strcmp(rq->params[i].key, "version") == 0)
            return parse_i64(rq->params[i].value, strlen(rq->params[i].value), &v) ? v : 0;
    return -1;
}

const char *api_param(struct http_req *rq, const char *key)
{
    for (int i = 0; i < rq->nparams; i++)
        if (strcmp(rq->params[i].key, key) == 0)
            return rq->params[i].value;
    return NULL;
}

enum err_code api_field_error(struct ctx *cx, const char *field, const char *code)
{
    err_field(&cx->err, field, code);
    return ctx_fail(cx, ERR_INVALID, "%s: %s", field, code);
}

enum err_code api_only_members(struct ctx *cx, json_t *o, const char *prefix,
                               const char *const *keys)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        int i = 0;
        while (keys[i] && strcmp(keys[i], k))
            i++;
        if (!keys[i])
            return api_field_error(cx, arena_printf(cx->a, "%s%s", prefix, k), "unknown");
    }
    return ERR_OK;
}
