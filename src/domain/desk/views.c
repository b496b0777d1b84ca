/* views.c — saved list views, each its user's own (domain layer). The query
 * is checked against the resource's list parameters when saved (the list
 * layer reads the text: core/list.c, listq_parse_text). */
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
    struct listq lq;
    struct err saved = cx->err;
    enum err_code rc = listq_parse_text(cx, ent, q, &lq);
    if (rc != ERR_OK) {
        cx->err = saved;
        /* a view keeps at most LISTQ_MAX_PARAMS parameters (docs/api.md) */
        err_field(&cx->err, "query", rc == ERR_TOOBIG ? "too_many_parameters" : "invalid");
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
