/* users.c — the people who log in, and their roles (domain layer). */
#include "registry.h"

#include <string.h>

#include "core/auth.h"
#include "core/perm.h"
#include "base/banned.h"

static const struct field user_fields[] = {
    /* name        type        flags                                          max  label */
    {"login", F_TEXT, F_REQUIRED | F_UNIQUE | F_SEARCH | F_SORT | F_LIST, 64, "user.login"},
    {"name", F_TEXT, F_REQUIRED | F_SEARCH | F_SORT | F_LIST, 200, "user.name"},
    {"role", F_ENUM, F_REQUIRED | F_FILTER | F_LIST, 0, "user.role", .enums = role_names},
    {"branch_id", F_REF, F_FILTER | F_LIST, 0, "user.branch", .ref = &entity_branches},
    {"active", F_BOOL, F_FILTER | F_LIST, 0, "user.active", .def = "true"},
    {"skill_types", F_TEXT, F_SEARCH, 200, "user.skill_types"},
    {"skill_categories", F_TEXT, F_SEARCH, 500, "user.skill_categories"},
    {"password", F_PASSWORD, F_REQUIRED, 200, "user.password"},
    {0},
};

static bool login_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '@'))
            return false;
    }
    return true;
}

/* Logins are plain Latin words; nobody can lock themselves out by
 * deactivating their own account or changing their own role. */
static enum err_code user_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    struct value *login = record_value(rec, "login");
    if (!login->null && !login_ok(login->s))
        err_field(&cx->err, "login", "invalid");
    if (old && cx->user && cx->user->id == old->id) {
        if (!record_value(rec, "active")->i)
            err_field(&cx->err, "active", "invalid");
        if (strcmp(record_value(rec, "role")->s, cx->user->role) != 0)
            err_field(&cx->err, "role", "invalid");
    }
    return cx->err.nfields ? ERR_INVALID : ERR_OK;
}

/* A deactivated user or a changed password ends the user's sessions and
 * API tokens (deleted: reactivation does not bring them back). */
static enum err_code user_after_write(struct ctx *cx, const struct record *rec,
                                      const struct record *old)
{
    if (!old || !rec)
        return ERR_OK;
    struct record *r = (struct record *)rec;
    bool deactivated = !record_value(r, "active")->i;
    bool password = record_value(r, "password")->set;
    enum err_code rc = ERR_OK;
    if (deactivated || password)
        rc = auth_end_sessions(cx, rec->id);
    if (rc == ERR_OK && (deactivated || password))
        rc = auth_end_tokens(cx, rec->id);
    return rc;
}

const struct entity entity_users = {
    .name = "users",
    .table = "users",
    .label = "entity.users",
    .fields = user_fields,
    .display_sql = "name",
    .perm_read = P_USERS_READ,
    .perm_write = P_USERS_WRITE,
    .perm_delete = P_USERS_WRITE,
    .check = user_check,
    .after_write = user_after_write,
};
