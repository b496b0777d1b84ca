/* tokens.c — API tokens for integrations, managed by admins (api layer). */
#include <string.h>

#include "api/api.h"
#include "base/buf.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "core/audit.h"
#include "core/auth.h"
#include "base/banned.h"

API_HANDLER(api_tokens_list)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT k.id, k.name, k.user_id, u.login, k.prefix, k.created_at,\n"
                              "       k.scope, k.expires_at\n"
                              "FROM api_tokens k\n"
                              "JOIN users u ON u.id = k.user_id\n"
                              "ORDER BY k.id DESC",
                              "");
    if (!st)
        return cx->err.code;
    json_t *items = json_array();
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        char until[ISO_TIME_LEN] = "";
        if (!db_col_null(st, 7))
            time_iso(db_col_i64(st, 7), until);
        json_array_append_new(
            items, json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:s?}", "id",
                             (json_int_t)db_col_i64(st, 0), "name", db_col_text(st, 1), "user_id",
                             (json_int_t)db_col_i64(st, 2), "user_login", db_col_text(st, 3),
                             "prefix", db_col_text(st, 4), "created_at", db_col_text(st, 5),
                             "scope", db_col_text(st, 6), "expires_at", *until ? until : NULL));
    }
    db_done(st);
    if (step == DB_FAIL) {
        json_decref(items);
        return cx->err.code;
    }
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
    if ((rc = db_begin_write(cx->db, &cx->err)) != ERR_OK)
        return rc;
    bool found;
    int64_t one, id;
    const char *token;
    rc = db_get_i64(cx->db, &cx->err, &one, &found,
                    "SELECT 1 FROM users WHERE id = $1 AND active = 1", "i", user_id);
    if (rc == ERR_OK && !found) {
        err_field(&cx->err, "user_id", "not_found");
        rc = ctx_fail(cx, ERR_INVALID, "some fields are invalid");
    }
    if (rc == ERR_OK)
        rc = auth_token_create(cx, name, user_id, scope ? scope : "full", expires_at, &id, &token);
    if (rc == ERR_OK)
        rc = db_commit(cx->db, &cx->err);
    if (rc != ERR_OK) {
        db_rollback(cx->db);
        return rc;
    }
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
    if ((rc = db_begin_write(cx->db, &cx->err)) != ERR_OK)
        return rc;
    int64_t gone;
    bool found;
    rc = db_get_i64(cx->db, &cx->err, &gone, &found,
                    "DELETE FROM api_tokens WHERE id = $1 RETURNING id", "i", id);
    if (rc == ERR_OK && !found)
        rc = ctx_fail(cx, ERR_NOTFOUND, "no such token");
    if (rc == ERR_OK)
        rc = audit_append(cx, "delete", "tokens", id, "{}", NULL);
    if (rc == ERR_OK)
        rc = db_commit(cx->db, &cx->err);
    if (rc != ERR_OK) {
        db_rollback(cx->db);
        return rc;
    }
    rs->status = 204;
    return ERR_OK;
}
