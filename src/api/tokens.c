/* tokens.c — API tokens for integrations, managed by admins (api layer). */
#include <string.h>

#include "api/api.h"
#include "base/buf.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "core/auth.h"
#include "base/banned.h"

API_HANDLER(api_tokens_list)
{
    json_t *items;
    enum err_code rc = auth_tokens_list(cx, &items);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, json_pack("{s:o,s:n}", "items", items, "next_cursor"));
    return ERR_OK;
}

API_HANDLER(api_tokens_create)
{
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    json_t *jn = json_object_get(body, "name"), *ju = json_object_get(body, "user_id");
    json_t *js = json_object_get(body, "scope"), *je = json_object_get(body, "expires_at");
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "name") && strcmp(key, "user_id") && strcmp(key, "scope") &&
            strcmp(key, "expires_at"))
            err_field(&cx->err, arena_strdup(cx->a, key), "unknown_field");
    }
    /* everything is read out of the body before it is freed */
    const char *name = json_is_string(jn) ? arena_strdup(cx->a, json_string_value(jn)) : NULL;
    int64_t user_id = json_is_integer(ju) ? json_integer_value(ju) : 0;
    bool has_name = jn != NULL, has_user = ju != NULL, user_is_int = json_is_integer(ju);
    /* the scope: "full" (the default), "read", or a list of permission names */
    const char *scope = "full";
    if (json_is_string(js)) {
        scope = arena_strdup(cx->a, json_string_value(js));
    } else if (json_is_array(js) && json_array_size(js) > 0 && json_array_size(js) <= 64) {
        struct buf b = BUF_INIT;
        size_t i;
        json_array_foreach(js, i, v)
        {
            const char *p = json_is_string(v) ? json_string_value(v) : "";
            if (!*p || strchr(p, ' '))
                p = "?"; /* not a permission name: refused below */
            buf_printf(&b, "%s%s", i ? " " : "", p);
        }
        scope = arena_strdup(cx->a, b.p);
        buf_release(&b);
    } else if (js && !json_is_null(js)) {
        scope = NULL;
    }
    if (!scope || (strcmp(scope, "full") && strcmp(scope, "read") && strlen(scope) > 1000) ||
        !auth_scope_valid(scope))
        err_field(&cx->err, "scope", "invalid");
    int64_t expires_at = 0;
    if (json_is_string(je)) {
        if (!time_parse(json_string_value(je), &expires_at))
            err_field(&cx->err, "expires_at", "invalid_date");
        else if (expires_at <= time_now())
            err_field(&cx->err, "expires_at", "invalid");
    } else if (je && !json_is_null(je)) {
        err_field(&cx->err, "expires_at", "wrong_type");
    }
    json_decref(body);
    if (!has_name)
        err_field(&cx->err, "name", "required");
    else if (!name)
        err_field(&cx->err, "name", "wrong_type");
    else if (text_blank(name))
        err_field(&cx->err, "name", "required");
    else if (utf8_count(name, strlen(name)) > 100)
        err_field(&cx->err, "name", "too_long");
    if (!has_user)
        err_field(&cx->err, "user_id", "required");
    else if (!user_is_int)
        err_field(&cx->err, "user_id", "wrong_type");

    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "some fields are invalid");
    int64_t id;
    const char *token;
    if ((rc = auth_token_create(cx, name, user_id, scope, expires_at, &id, &token)) != ERR_OK)
        return rc;
    char until[ISO_TIME_LEN] = "";
    if (expires_at)
        time_iso(expires_at, until);
    http_json(rs, 201,
              json_pack("{s:I,s:s,s:I,s:s,s:s,s:s?}", "id", (json_int_t)id, "name", name, "user_id",
                        (json_int_t)user_id, "token", token, "scope", scope, "expires_at",
                        *until ? until : NULL));
    http_header(cx, rs, "Location", arena_printf(cx->a, "/api/v1/tokens/%lld", (long long)id));
    return ERR_OK;
}

API_HANDLER(api_tokens_delete)
{
    int64_t id;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc != ERR_OK)
        return rc;
    if ((rc = auth_token_delete(cx, id)) != ERR_OK)
        return rc;
    rs->status = 204;
    return ERR_OK;
}
