/* users.c — the people who log in, and their roles (domain layer). */
#include "registry.h"

#include <string.h>

#include "core/auth.h"
#include "core/perm.h"
#include "base/banned.h"

static const struct field user_fields[] = {
    /* name        type        flags                                          max  label */
    [USER_LOGIN] = {"login", F_TEXT, F_REQUIRED | F_UNIQUE | F_SEARCH | F_SORT | F_LIST, 64,
                    "user.login"},
    [USER_NAME] = {"name", F_TEXT, F_REQUIRED | F_SEARCH | F_SORT | F_LIST, 200, "user.name"},
    [USER_ROLE] = {"role", F_ENUM, F_REQUIRED | F_FILTER | F_LIST, 0, "user.role",
                   .enums = role_names},
    [USER_BRANCH_ID] = {"branch_id", F_REF, F_FILTER | F_LIST, 0, "user.branch",
                        .ref = &entity_branches},
    [USER_ACTIVE] = {"active", F_BOOL, F_FILTER | F_LIST, 0, "user.active", .def = "true"},
    /* absent: the role's default (technicians and storekeepers with a branch) */
    [USER_BRANCH_SCOPE] = {"branch_scope", F_BOOL, F_FILTER, 0, "user.branch_scope"},
    [USER_SKILL_TYPES] = {"skill_types", F_TEXT, F_SEARCH, 200, "user.skill_types"},
    [USER_SKILL_CATEGORIES] = {"skill_categories", F_TEXT, F_SEARCH, 500, "user.skill_categories"},
    [USER_PASSWORD] = {"password", F_PASSWORD, F_REQUIRED, 200, "user.password"},
    /* the workshop's cost of an hour of the user's work (a repair's margin) */
    [USER_COST_RATE] = {"cost_rate_per_hour", F_INT, F_MONEY, 100000000, "user.cost_rate_per_hour",
                        .min = 0},
    {0},
};
_Static_assert(FIELDS_COUNT_OK(user_fields, USER__COUNT), "one entry per value of enum user_field");

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

static void branch_scope_check(struct ctx *cx, struct record *rec, const struct record *old);

/* Nobody deletes their own account (they would be locked out mid-request). */
static enum err_code user_check_delete(struct ctx *cx, const struct record *rec)
{
    if (cx->user && cx->user->id == rec->id)
        return ctx_fail(cx, ERR_CONFLICT, "you cannot delete your own account");
    return ERR_OK;
}

/* Logins are plain Latin words; nobody can lock themselves out by
 * deactivating their own account or changing their own role. */
static enum err_code user_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    const struct value *login = rec_get(rec, USER_LOGIN);
    if (!login->null && !login_ok(login->s))
        err_field(&cx->err, "login", "invalid");
    if (old && cx->user && cx->user->id == old->id) {
        if (!rec_get(rec, USER_ACTIVE)->i)
            err_field(&cx->err, "active", "invalid");
        if (strcmp(rec_get(rec, USER_ROLE)->s, cx->user->role) != 0)
            err_field(&cx->err, "role", "invalid");
    }
    branch_scope_check(cx, rec, old);
    return cx->err.nfields ? ERR_INVALID : ERR_OK;
}

/* Branch scope needs a branch and a role that is not company-wide. Absent
 * (or null), it is the role's default; a scope set before that the role or
 * the branch no longer allows is lifted, a new one refused. */
static void branch_scope_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    struct value *scope = record_value(rec, "branch_scope");
    struct value *branch = record_value(rec, "branch_id");
    struct value *role = record_value(rec, "role");
    const struct role *r = role->null ? NULL : role_find(role->s);
    bool has_branch = branch->set && !branch->null;
    if (!scope->set || scope->null) {
        scope->set = true;
        scope->null = false;
        scope->i = has_branch && r && r->branch_scoped_default;
        return;
    }
    if (!scope->i)
        return;
    bool was = old && record_value((struct record *)old, "branch_scope")->i;
    if (r && r->company_wide) {
        if (was)
            scope->i = 0;
        else
            err_field(&cx->err, "branch_scope", "company_wide_role");
    } else if (!has_branch) {
        if (was)
            scope->i = 0;
        else
            err_field(&cx->err, "branch_id", "required");
    }
}

/* A deactivated user or a changed password ends the user's sessions and
 * API tokens (deleted: reactivation does not bring them back). */
static enum err_code user_after_write(struct ctx *cx, const struct record *rec,
                                      const struct record *old)
{
    if (!old || !rec)
        return ERR_OK;
    struct record *r = (struct record *)rec;
    bool deactivated = !rec_get(r, USER_ACTIVE)->i;
    bool password = rec_get(r, USER_PASSWORD)->set;
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
    .check_delete = user_check_delete,
    .after_write = user_after_write,
};
