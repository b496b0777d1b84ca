/* test_orders.c — a numbered order with a workflow, a timeline and a public
 * page, for the tests only (domain layer; see testing.h). It is also the
 * smallest example of such an entity: this descriptor, its migration
 * (021_test_entities.sql) and its labels are all it takes. */
#include "testing.h"

#include "core/perm.h"
#include "core/timeline.h"
#include "base/banned.h"

enum test_order_state { TS_OPEN, TS_IN_WORK, TS_DONE };
static const char *const statuses[] = {
    [TS_OPEN] = "open", [TS_IN_WORK] = "in_work", [TS_DONE] = "done", NULL};
static const enum state_category categories[] = {STATE_OPEN, STATE_OPEN, STATE_CLOSED};

/* clang-format off */
static const struct field test_order_fields[] = {
    /* name          type      flags                                              max   label */
    {"number",      F_TEXT,   F_READONLY | F_SORT | F_FILTER | F_LIST,           32,   "test_order.number"},
    {"status",      F_ENUM,   F_READONLY | F_FILTER | F_LIST,                    0,    "test_order.status", .enums = statuses, .def = "open"},
    {"subject",     F_TEXT,   F_REQUIRED | F_LIST,                               200,  "test_order.subject"},
    {"secret",      F_TEXT,   0,                                                 200,  "test_order.secret"},
    {"access_code", F_TEXT,   F_READONLY,                                        16,   "test_order.access_code"},
    {0},
};
/* clang-format on */

/* A new order opens its timeline. */
static enum err_code test_order_after_write(struct ctx *cx, const struct record *rec,
                                            const struct record *old)
{
    if (old || !rec)
        return ERR_OK;
    return timeline_add(cx, &entity_test_orders, rec->id, "created", true, NULL, NULL,
                        record_value((struct record *)rec, "status")->s, NULL, NULL);
}

/* Clients see the number, status and subject (never the secret), and of the
 * public events only status changes, replies and files (not "created"). */
static const char *const public_fields[] = {"number", "status", "subject", NULL};
static const char *const public_kinds[] = {"status", "reply", "file", NULL};
static const struct public_view test_order_public = {
    .number_field = "number",
    .code_field = "access_code",
    .fields = public_fields,
    .kinds = public_kinds,
};

const struct entity entity_test_orders = {
    .name = "test_orders",
    .table = "test_orders",
    .label = "entity.test_orders",
    .fields = test_order_fields,
    .display_sql = "number",
    .perm_read = P_REQUESTS_READ,
    .perm_write = P_REQUESTS_WRITE,
    .perm_delete = P_REQUESTS_ASSIGN,
    .after_write = test_order_after_write,
    .number_field = "number",
    .number_series = "T",
    .timeline = true,
    .public_view = &test_order_public,
};

/* clang-format off */
static const struct transition test_order_transitions[] = {
    /* name      from        to         perm             label */
    {"start",   STATE_BIT(TS_OPEN),    TS_IN_WORK, P_REQUESTS_WORK, "transition.start"},
    {"finish",  STATE_BIT(TS_IN_WORK), TS_DONE,    P_REQUESTS_WORK, "transition.finish"},
    {0},
};
/* clang-format on */

const struct workflow test_order_workflow = {
    .ent = &entity_test_orders,
    .state_field = "status",
    .states = statuses,
    .categories = categories,
    .transitions = test_order_transitions,
};
