/* loaners.c — the substitute device (ЗоЗПП ст. 20 п. 2; domain layer): the
 * loaner pool (подменный фонд) and the handovers of a loaner to a client
 * whose unit is under repair. A handover starts with the client's demand
 * (the 3-day clock, when the model carries the duty) and ends when the
 * loaner comes back:
 *
 *     demanded ──issue (an available loaner)──▶ issued ──return──▶ returned
 *
 * A loaner is issued only when available (the pool's status is changed in
 * the same transaction, a concurrent issue of the same loaner finds it
 * taken); its return makes it available again. */
#include "clocks.h"

#include <string.h>

#include "base/text.h"
#include "core/perm.h"
#include "domain/registry/registry.h"
#include "workshop.h"
#include "base/banned.h"

static const char *const loaner_statuses[] = {"available", "issued", "repair", NULL};

/* clang-format off */
static const struct field loaner_fields[] = {
    [LN_INVENTORY_NUMBER] = {"inventory_number", F_TEXT, F_REQUIRED | F_UNIQUE | F_SEARCH | F_SORT | F_LIST, 40, "loaner.inventory_number"},
    [LN_MODEL_ID] =         {"model_id",         F_REF,  F_REQUIRED | F_FILTER | F_LIST, 0, "loaner.model", .ref = &entity_equipment_models},
    [LN_SERIAL] =           {"serial",           F_TEXT, F_SEARCH | F_LIST, 100, "loaner.serial"},
    [LN_CONDITION] =        {"condition",        F_TEXT, F_MULTILINE, 2000, "loaner.condition"},
    [LN_STATUS] =           {"status",           F_ENUM, F_FILTER | F_LIST, 0, "loaner.status", .enums = loaner_statuses, .def = "available"},
    [LN_BRANCH_ID] =        {"branch_id",        F_REF,  F_FILTER, 0, "loaner.branch", .ref = &entity_branches},
    [LN_NOTES] =            {"notes",            F_TEXT, F_MULTILINE, 2000, "loaner.notes"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(loaner_fields, LN__COUNT),
               "one entry per value of enum loaner_field");

/* "issued" is the handover's to set and to clear, never a hand edit's. */
static enum err_code loaner_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    const char *to = rec_get(rec, LN_STATUS)->s;
    const char *was = old ? rec_get(old, LN_STATUS)->s : NULL;
    bool now_issued = to && !strcmp(to, "issued"), was_issued = was && !strcmp(was, "issued");
    if (now_issued != was_issued) {
        err_field(&cx->err, "status", now_issued ? "issued_by_handover" : "returned_by_handover");
        return ctx_fail(cx, ERR_INVALID,
                        "a loaner is issued and returned through its handover (loaner_issues)");
    }
    return ERR_OK;
}

const struct entity entity_loaners = {
    .name = "loaners",
    .table = "loaners",
    .label = "entity.loaners",
    .fields = loaner_fields,
    .display_sql = "inventory_number",
    .perm_read = P_WORKSHOP_READ,
    .perm_write = P_WORKSHOP_MANAGE,
    .perm_delete = P_WORKSHOP_MANAGE,
    .branch_field = "branch_id",
    .check = loaner_check,
};

/* ---- handovers ----------------------------------------------------------- */

static const char *const issue_statuses[] = {"demanded", "issued", "returned", NULL};
static const enum state_category issue_categories[] = {STATE_OPEN, STATE_OPEN, STATE_CLOSED};

/* clang-format off */
static const struct field issue_fields[] = {
    [LI_NUMBER] =           {"number",           F_TEXT,     F_READONLY | F_SEARCH | F_SORT | F_LIST, 32, "loaner_issue.number"},
    [LI_STATUS] =           {"status",           F_ENUM,     F_READONLY | F_FILTER | F_LIST, 0, "loaner_issue.status", .enums = issue_statuses, .def = "demanded"},
    [LI_ORDER_ID] =         {"order_id",         F_REF,      F_REQUIRED | F_CREATE_ONLY | F_FILTER | F_LIST, 0, "loaner_issue.order", .ref = &entity_repair_orders},
    [LI_CLIENT_ID] =        {"client_id",        F_REF,      F_READONLY | F_FILTER | F_LIST, 0, "loaner_issue.client", .ref = &entity_clients},
    [LI_LOANER_ID] =        {"loaner_id",        F_REF,      F_CREATE_ONLY | F_FILTER | F_LIST, 0, "loaner_issue.loaner", .ref = &entity_loaners},
    [LI_DEMANDED_AT] =      {"demanded_at",      F_DATETIME, F_CREATE_ONLY | F_SORT | F_LIST, 0, "loaner_issue.demanded_at"},
    [LI_DUE_BY] =           {"due_by",           F_DATE,     F_READONLY | F_SORT | F_LIST, 0, "loaner_issue.due_by"},
    [LI_ISSUED_AT] =        {"issued_at",        F_DATETIME, F_READONLY | F_SORT, 0, "loaner_issue.issued_at"},
    [LI_ISSUE_CONDITION] =  {"issue_condition",  F_TEXT,     F_MULTILINE, 2000, "loaner_issue.issue_condition"},
    [LI_RETURNED_AT] =      {"returned_at",      F_DATETIME, F_READONLY | F_SORT, 0, "loaner_issue.returned_at"},
    [LI_RETURN_CONDITION] = {"return_condition", F_TEXT,     F_MULTILINE, 2000, "loaner_issue.return_condition"},
    [LI_BRANCH_ID] =        {"branch_id",        F_REF,      F_READONLY | F_FILTER, 0, "loaner_issue.branch", .ref = &entity_branches},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(issue_fields, LI__COUNT),
               "one entry per value of enum loaner_issue_field");

static void put_text(struct ctx *cx, struct record *r, int field, const char *s)
{
    struct value *v = rec_set(r, field);
    v->set = true, v->null = !s, v->s = s ? arena_strdup(cx->a, s) : NULL;
}

static void put_int(struct record *r, int field, int64_t i, bool null)
{
    struct value *v = rec_set(r, field);
    v->set = true, v->null = null, v->i = i;
}

/* Takes the loaner from the pool: ERR_CONFLICT (naming its state) unless it
 * is available; the condition it leaves in goes on the act. */
static enum err_code take_loaner(struct ctx *cx, int64_t loaner, int64_t order,
                                 struct record *patch)
{
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    bool found;
    int64_t id;
    /* another branch's loaner is not seen (as if missing) */
    enum err_code rc = entity_visible(cx, &entity_loaners, loaner);
    if (rc == ERR_NOTFOUND) {
        err_clear(&cx->err);
        err_field(&cx->err, "loaner_id", "not_found");
        return ctx_fail(cx, ERR_INVALID, "no such loaner");
    }
    if (rc != ERR_OK)
        return rc;
    /* ЗоЗПП ст. 20 п. 2: a device with the same basic properties — the
     * unit's model or one of its category (an order without a unit model
     * has nothing to compare) */
    int64_t kind;
    if ((rc = db_get_i64(cx->db, &cx->err, &kind, &found,
                         "SELECT CASE WHEN um.id IS NULL OR lm.id = um.id\n"
                         "  OR (TRIM(COALESCE(lm.category, '')) <> ''\n"
                         "      AND TRIM(lm.category) = TRIM(COALESCE(um.category, '')))\n"
                         "  THEN 1 ELSE 0 END\n"
                         "FROM loaners l JOIN equipment_models lm ON lm.id = l.model_id\n"
                         "CROSS JOIN repair_orders o\n"
                         "LEFT JOIN equipment_units u ON u.id = o.unit_id\n"
                         "LEFT JOIN equipment_models um ON um.id = u.model_id\n"
                         "WHERE l.id = $1 AND o.id = $2",
                         "ii", loaner, order)) != ERR_OK)
        return rc;
    if (found && !kind) {
        err_field(&cx->err, "loaner_id", "other_kind");
        return ctx_fail(cx, ERR_INVALID,
                        "the loaner is neither the unit's model nor of its category");
    }
    rc = db_get_i64(cx->db, &cx->err, &id, &found,
                    "UPDATE loaners SET status = 'issued', version = version + 1,\n"
                    "  updated_at = $2\n"
                    "WHERE id = $1 AND status = 'available' RETURNING id",
                    "it", loaner, now);
    if (rc != ERR_OK)
        return rc;
    if (!found) {
        struct db_stmt *st =
            db_q(cx->db, &cx->err, "SELECT status, inventory_number FROM loaners WHERE id = $1",
                 "i", loaner);
        if (!st)
            return cx->err.code;
        int step = db_step(st);
        if (step == DB_ROW)
            ctx_fail(cx, ERR_CONFLICT, "the loaner %s is not available (%s)", db_col_text(st, 1),
                     db_col_text(st, 0));
        db_done(st);
        if (step == DB_FAIL)
            return cx->err.code;
        if (step != DB_ROW) {
            err_field(&cx->err, "loaner_id", "not_found");
            return ctx_fail(cx, ERR_INVALID, "no such loaner");
        }
        return ERR_CONFLICT;
    }
    const struct value *cond = rec_get(patch, LI_ISSUE_CONDITION);
    if (!cond->set || cond->null || text_blank(cond->s)) {
        struct db_stmt *st =
            db_q(cx->db, &cx->err, "SELECT condition FROM loaners WHERE id = $1", "i", loaner);
        if (!st)
            return cx->err.code;
        if (db_step(st) == DB_ROW && !db_col_null(st, 0))
            put_text(cx, patch, LI_ISSUE_CONDITION, db_col_text(st, 0));
        db_done(st);
    }
    put_int(patch, LI_LOANER_ID, loaner, false);
    put_text(cx, patch, LI_ISSUED_AT, now);
    put_text(cx, patch, LI_STATUS, "issued");
    return ERR_OK;
}

/* A demand belongs to an open order, one at a time; the client and branch
 * come from the order; the 3-day clock runs when the model carries the
 * duty; a loaner named on create is handed over at once. */
static enum err_code issue_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    if (old)
        return ERR_OK;
    int64_t order = rec_get(rec, LI_ORDER_ID)->i;
    enum err_code rc = entity_visible(cx, &entity_repair_orders, order);
    if (rc == ERR_NOTFOUND) {
        err_clear(&cx->err);
        err_field(&cx->err, "order_id", "not_found");
        return ctx_fail(cx, ERR_INVALID, "no such repair order");
    }
    if (rc != ERR_OK)
        return rc;
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT o.status, o.client_id, o.branch_id, COALESCE(m.loaner_duty, 0),\n"
             "  (SELECT COUNT(*) FROM loaner_issues i\n"
             "   WHERE i.order_id = o.id AND i.status <> 'returned')\n"
             "FROM repair_orders o\n"
             "LEFT JOIN equipment_units u ON u.id = o.unit_id\n"
             "LEFT JOIN equipment_models m ON m.id = u.model_id\n"
             "WHERE o.id = $1",
             "i", order);
    if (!st)
        return cx->err.code;
    int step = db_step(st);
    if (step != DB_ROW) {
        db_done(st);
        return step == DB_FAIL ? cx->err.code : ctx_fail(cx, ERR_NOTFOUND, "no such repair order");
    }
    bool open = workflow_state_open(&repair_workflow, db_col_text(st, 0));
    put_int(rec, LI_CLIENT_ID, db_col_i64(st, 1), db_col_null(st, 1));
    put_int(rec, LI_BRANCH_ID, db_col_i64(st, 2), db_col_null(st, 2));
    bool duty = db_col_i64(st, 3) != 0;
    int64_t pending = db_col_i64(st, 4);
    db_done(st);
    if (!open)
        return ctx_fail(cx, ERR_CONFLICT, "the repair order is closed");
    if (pending)
        return ctx_fail(cx, ERR_CONFLICT, "the order already has a loaner demanded or issued");
    const struct value *at = rec_get(rec, LI_DEMANDED_AT);
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    if (!at->set || at->null)
        put_text(cx, rec, LI_DEMANDED_AT, now);
    else if (strcmp(at->s, now) > 0) {
        err_field(&cx->err, "demanded_at", "future");
        return ctx_fail(cx, ERR_INVALID, "the demand cannot be later than now");
    }
    char day[ISO_DATE_LEN], due[ISO_DATE_LEN];
    repair_day_of(rec_get(rec, LI_DEMANDED_AT)->s, day);
    put_text(cx, rec, LI_DUE_BY, duty && clock_loaner_due(day, due) ? due : NULL);
    const struct value *loaner = rec_get(rec, LI_LOANER_ID);
    if (loaner->set && !loaner->null)
        return take_loaner(cx, loaner->i, order, rec);
    return ERR_OK;
}

const struct entity entity_loaner_issues = {
    .name = "loaner_issues",
    .table = "loaner_issues",
    .label = "entity.loaner_issues",
    .fields = issue_fields,
    .display_sql = "number",
    .perm_read = P_WORKSHOP_READ,
    .perm_write = P_WORKSHOP_WRITE,
    .perm_delete = P_WORKSHOP_MANAGE,
    .branch_field = "branch_id",
    .check = issue_check,
    .number_field = "number",
    .number_series = "ПФ",
};

static enum err_code issue_effect(struct ctx *cx, const struct record *rec,
                                  const struct record *input, struct record *patch)
{
    const struct value *loaner = rec_get(input, LI_LOANER_ID);
    if (!loaner->set || loaner->null) {
        err_field(&cx->err, "loaner_id", "required");
        return ctx_fail(cx, ERR_INVALID, "which loaner is handed over?");
    }
    const struct value *cond = rec_get(input, LI_ISSUE_CONDITION);
    if (cond->set)
        put_text(cx, patch, LI_ISSUE_CONDITION, cond->null ? NULL : cond->s);
    return take_loaner(cx, loaner->i, rec_get(rec, LI_ORDER_ID)->i, patch);
}

/* Back in the pool, in the condition it came back in. */
static enum err_code return_effect(struct ctx *cx, const struct record *rec,
                                   const struct record *input, struct record *patch)
{
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    const struct value *cond = rec_get(input, LI_RETURN_CONDITION);
    const char *c = cond->set && !cond->null && !text_blank(cond->s) ? cond->s : NULL;
    if (c)
        put_text(cx, patch, LI_RETURN_CONDITION, c);
    put_text(cx, patch, LI_RETURNED_AT, now);
    return db_run(cx->db, &cx->err,
                  "UPDATE loaners SET status = 'available', version = version + 1,\n"
                  "  updated_at = $2, condition = COALESCE($3, condition)\n"
                  "WHERE id = $1",
                  "itt", rec_get(rec, LI_LOANER_ID)->i, now, c);
}

static const int issue_params[] = {LI_LOANER_ID, LI_ISSUE_CONDITION, -1};
static const int return_params[] = {LI_RETURN_CONDITION, -1};

/* clang-format off */
static const struct transition loaner_transitions[] = {
    {"issue",  STATE_BIT(0), 1, P_WORKSHOP_WRITE, "transition.issue_loaner",  NULL, issue_effect,  NULL, issue_params},
    {"return", STATE_BIT(1), 2, P_WORKSHOP_WRITE, "transition.return_loaner", NULL, return_effect, NULL, return_params},
    {0},
};
/* clang-format on */

const struct workflow loaner_workflow = {
    .ent = &entity_loaner_issues,
    .state_field = "status",
    .states = issue_statuses,
    .categories = issue_categories,
    .transitions = loaner_transitions,
};
