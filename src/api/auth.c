/* auth.c — login, logout and "who am I" (api layer). */
#include <string.h>

#include "api/api.h"
#include "core/auth.h"
#include "core/perm.h"
#include "base/banned.h"

#define SESSION_COOKIE "servitor_session"

static json_t *user_json(const struct user *u)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:o,s:b}", "id", (json_int_t)u->id, "login", u->login,
                     "name", u->name, "role", u->role, "branch_id",
                     u->branch_id ? json_integer(u->branch_id) : json_null(), "branch_scope",
                     u->branch_scope);
}

static json_t *perms_json(const struct user *u)
{
    json_t *a = json_array();
    for (int p = 1; p < P__COUNT; p++)
        if (perms_has(&u->perms, (enum perm)p))
            json_array_append_new(a, json_string(perm_name((enum perm)p)));
    return a;
}

static void answer(struct http_resp *rs, const struct user *u, const char *csrf)
{
    http_json(rs, 200,
              json_pack("{s:o,s:s,s:o}", "user", user_json(u), "csrf_token", csrf, "permissions",
                        perms_json(u)));
}

API_HANDLER(api_login)
{
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    const char *login = NULL, *password = NULL;
    json_error_t je;
    if (json_unpack_ex(body, &je, JSON_STRICT, "{s:s,s:s}", "login", &login, "password",
                       &password) != 0) {
        json_decref(body);
        return ctx_fail(cx, ERR_INVALID, "login and password (strings) are expected");
    }
    login = arena_strdup(cx->a, login);
    password = arena_strdup(cx->a, password);
    json_decref(body);
    if (strlen(login) > 64 || strlen(password) > 200)
        return ctx_fail(cx, ERR_AUTH, "wrong login or password");
    struct user *u;
    struct session s;
    if ((rc = auth_login(cx, login, password, &u, &s)) != ERR_OK)
        return rc;
    answer(rs, u, s.csrf);
    http_header(cx, rs, "Set-Cookie",
                arena_printf(cx->a, SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s",
                             s.token, http_request_secure(rq) ? "; Secure" : ""));
    return ERR_OK;
}

API_HANDLER(api_logout)
{
    if (rq->session_token) {
        enum err_code rc = auth_logout(cx, rq->session_token);
        if (rc != ERR_OK)
            return rc;
    }
    rs->status = 204;
    http_header(cx, rs, "Set-Cookie",
                http_request_secure(rq)
                    ? SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
                    : SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return ERR_OK;
}

API_HANDLER(api_me)
{
    answer(rs, cx->user, rq->session ? rq->session->csrf : "");
    return ERR_OK;
}
