/* views.c — saved list views, each its user's own (domain layer). The query
 * is checked against the resource's list parameters when saved. */
#include "views.h"

#include <stdlib.h>
#include <string.h>

#include "core/perm.h"
#include "domain/domain.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

/* clang-format off */
static const struct field view_fields[] = {
    [VIEW_USER_ID] =  {"user_id",  F_REF,  F_READONLY | F_LIST, 0, "view.user", .ref = &entity_users},
    [VIEW_RESOURCE] = {"resource", F_TEXT, F_REQUIRED | F_FILTER | F_LIST, 64, "view.resource"},
    [VIEW_NAME] =     {"name",     F_TEXT, F_REQUIRED | F_SORT | F_LIST, 100, "view.name"},
    [VIEW_QUERY] =    {"query",    F_TEXT, F_REQUIRED | F_LIST, 1000, "view.query"},
    [VIEW_POSITION] = {"position", F_INT,  F_REQUIRED | F_SORT, 1000, "view.position", .min = 0, .def = "100"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(view_fields, VIEW__COUNT), "one entry per value of enum view_field");

static int hex(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static char *decode(struct ctx *cx, const char *s, size_t n)
{
    char *out = arena_alloc(cx->a, n + 1), *w = out;
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

/* The resource must exist and the user read it; the query must be a valid
 * list query for it (the same parser as GET /api/v1/<resource>). */
static enum err_code view_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    (void)old;
    const char *res = rec_get(rec, VIEW_RESOURCE)->s;
    const char *q = rec_get(rec, VIEW_QUERY)->s;
    const struct entity *ent = domain_entity(res);
    if (!ent || !ctx_can(cx, ent->perm_read)) {
        err_field(&cx->err, "resource", "invalid");
        return ERR_INVALID;
    }
    struct param params[32];
    int n = 0;
    for (const char *p = q; *p && n < 32;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t klen = eq ? (size_t)(eq - p) : len;
        if (len) {
            params[n].key = decode(cx, p, klen);
            params[n].value = eq ? decode(cx, eq + 1, len - klen - 1) : "";
            n++;
        }
        p = amp ? amp + 1 : p + len;
    }
    struct listq lq;
    struct err saved = cx->err;
    if (listq_parse(cx, ent, params, n, NULL, &lq) != ERR_OK) {
        cx->err = saved;
        err_field(&cx->err, "query", "invalid");
        return ERR_INVALID;
    }
    return ERR_OK;
}

const struct entity entity_saved_views = {
    .name = "saved_views",
    .table = "saved_views",
    .label = "entity.saved_views",
    .fields = view_fields,
    .display_sql = "name",
    .perm_read = 0,
    .perm_write = 0,
    .perm_delete = 0,
    .check = view_check,
    .owner_field = "user_id",
};
