/* qc.c — quality control of repair orders (domain layer): the company's
 * quality standards as checklists per service type, and the QC rounds of an
 * order — each item passed or failed by someone other than the repairing
 * technician, kept per round so the history of failed rounds stays. A round
 * is recorded and its transition (qc_pass / qc_fail) taken in one
 * transaction; the transitions' guards read the round. */
#include "workshop.h"

#include <string.h>

#include "base/text.h"
#include "base/timeutil.h"
#include "core/perm.h"
#include "core/timeline.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

/* clang-format off */
static const struct field checklist_fields[] = {
    [QCL_SERVICE_TYPE_ID] = {"service_type_id", F_REF,  F_REQUIRED | F_FILTER | F_LIST,        0,   "qc_checklist.service_type", .ref = &entity_service_types},
    [QCL_NAME] =            {"name",            F_TEXT, F_REQUIRED | F_SEARCH | F_SORT | F_LIST, 200, "qc_checklist.name"},
    [QCL_ACTIVE] =          {"active",          F_BOOL, F_FILTER | F_LIST,                     0,   "qc_checklist.active", .def = "true"},
    {0},
};
static const struct field item_fields[] = {
    [QCI_CHECKLIST_ID] = {"checklist_id", F_REF,  F_REQUIRED | F_CREATE_ONLY | F_FILTER | F_LIST, 0,    "qc_item.checklist", .ref = &entity_qc_checklists},
    [QCI_POSITION] =     {"position",     F_INT,  F_SORT | F_LIST,                              1000, "qc_item.position", .min = 1},
    [QCI_TEXT] =         {"text",         F_TEXT, F_REQUIRED | F_SEARCH | F_LIST,               500,  "qc_item.text"},
    [QCI_REQUIRED] =     {"required",     F_BOOL, F_FILTER | F_LIST,                            0,    "qc_item.required", .def = "true"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(checklist_fields, QCL__COUNT), "one entry per qc_checklist_field");
_Static_assert(FIELDS_COUNT_OK(item_fields, QCI__COUNT), "one entry per qc_item_field");

/* One active checklist per service type: the one QC uses. */
static enum err_code checklist_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    const struct value *a = rec_get(rec, QCL_ACTIVE);
    if (a->null || !a->i)
        return ERR_OK;
    int64_t other;
    bool found;
    enum err_code rc = db_get_i64(
        cx->db, &cx->err, &other, &found,
        "SELECT id FROM qc_checklists WHERE service_type_id = $1 AND active = 1 AND id <> $2", "ii",
        rec_get(rec, QCL_SERVICE_TYPE_ID)->i, old ? old->id : 0);
    if (rc != ERR_OK)
        return rc;
    if (found) {
        err_field(&cx->err, "active", "one_per_type");
        return ctx_fail(cx, ERR_INVALID,
                        "the service type has another active checklist: deactivate it first");
    }
    return ERR_OK;
}

/* A checklist whose items are gone goes with them; one used by QC rounds
 * stays (deactivate it). */
static enum err_code checklist_check_delete(struct ctx *cx, const struct record *rec)
{
    int64_t n;
    bool found;
    enum err_code rc =
        db_get_i64(cx->db, &cx->err, &n, &found,
                   "SELECT COUNT(*) FROM qc_rounds WHERE checklist_id = $1", "i", rec->id);
    if (rc != ERR_OK)
        return rc;
    if (n)
        return ctx_fail(cx, ERR_CONFLICT,
                        "the checklist was used by %lld QC rounds: deactivate it instead",
                        (long long)n);
    return db_run(cx->db, &cx->err, "DELETE FROM qc_checklist_items WHERE checklist_id = $1", "i",
                  rec->id);
}

const struct entity entity_qc_checklists = {
    .name = "qc_checklists",
    .table = "qc_checklists",
    .label = "entity.qc_checklists",
    .fields = checklist_fields,
    .display_sql = "name",
    .perm_read = P_WORKSHOP_READ,
    .perm_write = P_WORKSHOP_SETTINGS,
    .perm_delete = P_WORKSHOP_SETTINGS,
    .check = checklist_check,
    .check_delete = checklist_check_delete,
};

/* A QC round reads at most this many items of a list (load_items). */
#define QC_MAX_ITEMS 200

/* A new item without a position goes last; a list has at most
 * QC_MAX_ITEMS items. */
static enum err_code item_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    if (old)
        return ERR_OK;
    struct value *p = rec_set(rec, QCI_POSITION);
    int64_t last = 0, n = 0;
    bool found;
    enum err_code rc = db_get_i64(cx->db, &cx->err, &n, &found,
                                  "SELECT COUNT(*) FROM qc_checklist_items WHERE checklist_id = $1",
                                  "i", rec_get(rec, QCI_CHECKLIST_ID)->i);
    if (rc != ERR_OK)
        return rc;
    if (n >= QC_MAX_ITEMS) {
        err_field(&cx->err, "checklist_id", "full");
        return ctx_fail(cx, ERR_INVALID, "a checklist has at most %d items", QC_MAX_ITEMS);
    }
    if (p->set && !p->null)
        return ERR_OK;
    rc = db_get_i64(
        cx->db, &cx->err, &last, &found,
        "SELECT COALESCE(MAX(position), 0) FROM qc_checklist_items WHERE checklist_id = $1", "i",
        rec_get(rec, QCI_CHECKLIST_ID)->i);
    if (rc != ERR_OK)
        return rc;
    p->set = true, p->null = false, p->i = last + 1;
    return ERR_OK;
}

const struct entity entity_qc_checklist_items = {
    .name = "qc_checklist_items",
    .table = "qc_checklist_items",
    .label = "entity.qc_checklist_items",
    .fields = item_fields,
    .display_sql = "text",
    .perm_read = P_WORKSHOP_READ,
    .perm_write = P_WORKSHOP_SETTINGS,
    .perm_delete = P_WORKSHOP_SETTINGS,
    .check = item_check,
};

/* ---- rounds -------------------------------------------------------------- */

/* The active checklist of the order's service type that has items, or 0. */
static enum err_code checklist_of(struct ctx *cx, const struct record *order, int64_t *out)
{
    *out = 0;
    const struct value *t = rec_get(order, RO_SERVICE_TYPE_ID);
    if (!t->set || t->null)
        return ERR_OK;
    bool found;
    enum err_code rc = db_get_i64(cx->db, &cx->err, out, &found,
                                  "SELECT c.id FROM qc_checklists c\n"
                                  "WHERE c.service_type_id = $1 AND c.active = 1\n"
                                  "  AND EXISTS (SELECT 1 FROM qc_checklist_items i\n"
                                  "              WHERE i.checklist_id = c.id)\n"
                                  "ORDER BY c.id LIMIT 1",
                                  "i", t->i);
    if (rc == ERR_OK && !found)
        *out = 0;
    return rc;
}

/* The round being decided now: one per failure so far, plus this one. */
static int64_t current_round(const struct record *order)
{
    return rec_get(order, RO_REWORK_COUNT)->i + 1;
}

/* QC is decided by someone other than the repairing technician; when the
 * order's service type has a checklist, its results for this round must have
 * been recorded (qc_record) with the transition's outcome. */
static enum err_code may_decide(struct ctx *cx, const struct record *rec, const char *outcome)
{
    const struct value *t = rec_get(rec, RO_TECHNICIAN_ID);
    if (!t->null && t->set && t->i == cx->user->id)
        return ctx_fail(cx, ERR_FORBIDDEN,
                        "quality control is done by someone other than the order's technician");
    /* nor by whoever handed it over to QC (the technician, whatever the
     * field says now) */
    int64_t handed = 0;
    bool found;
    enum err_code rc = db_get_i64(cx->db, &cx->err, &handed, &found,
                                  "SELECT COALESCE(user_id, 0) FROM events\n"
                                  "WHERE entity = 'repair_orders' AND record_id = $1\n"
                                  "  AND kind = 'status' AND to_state = 'qc'\n"
                                  "ORDER BY id DESC LIMIT 1",
                                  "i", rec->id);
    if (rc != ERR_OK)
        return rc;
    if (found && handed == cx->user->id)
        return ctx_fail(cx, ERR_FORBIDDEN,
                        "quality control is done by someone other than who handed the order "
                        "over to QC");
    int64_t list;
    rc = checklist_of(cx, rec, &list);
    if (rc != ERR_OK || !list)
        return rc;
    struct db_stmt *st =
        db_q(cx->db, &cx->err, "SELECT outcome FROM qc_rounds WHERE order_id = $1 AND round = $2",
             "ii", rec->id, current_round(rec));
    if (!st)
        return cx->err.code;
    bool ok = db_step(st) == DB_ROW && !strcmp(db_col_text(st, 0), outcome);
    db_done(st);
    if (!ok)
        return ctx_fail(cx, ERR_CONFLICT,
                        "the service type has a QC checklist: record its results "
                        "(POST /api/v1/repair_orders/%lld/qc)",
                        (long long)rec->id);
    return ERR_OK;
}

enum err_code qc_may_pass(struct ctx *cx, const struct record *rec)
{
    return may_decide(cx, rec, "passed");
}

enum err_code qc_may_fail(struct ctx *cx, const struct record *rec)
{
    return may_decide(cx, rec, "failed");
}

/* After qc_pass / qc_fail: the round is on record even when no checklist
 * applied (a plain decision), so the rework report counts every round. */
enum err_code qc_after(struct ctx *cx, const struct record *before, const struct record *now,
                       const struct transition *t)
{
    (void)now;
    int64_t round = current_round(before);
    const char *outcome = !strcmp(t->name, "qc_pass") ? "passed" : "failed";
    int64_t have;
    bool found;
    enum err_code rc = db_get_i64(cx->db, &cx->err, &have, &found,
                                  "SELECT id FROM qc_rounds WHERE order_id = $1 AND round = $2",
                                  "ii", before->id, round);
    if (rc != ERR_OK || found)
        return rc;
    char at[ISO_TIME_LEN];
    time_now_iso(at);
    const struct value *tech = rec_get(before, RO_TECHNICIAN_ID);
    rc = db_run(cx->db, &cx->err,
                "INSERT INTO qc_rounds (order_id, round, checklist_id, checker_id, technician_id,\n"
                "  at, outcome, comment) VALUES ($1, $2, NULL, $3, $4, $5, $6, NULL)",
                "iiiIts", before->id, round, cx->user->id, tech->null ? 0 : tech->i, at, outcome);
    if (rc == ERR_OK)
        rc = timeline_add(cx, &entity_repair_orders, before->id, "qc", false, NULL, NULL,
                          arena_printf(cx->a, "%lld", (long long)round), NULL, NULL);
    return rc;
}

/* The checklist's items: id, text, required, in order. */
struct qc_item {
    int64_t id;
    const char *text;
    bool required;
    int position;
    int marked; /* index into the marks + 1, 0 when not marked */
};

static enum err_code load_items(struct ctx *cx, int64_t list, struct qc_item **out, int *n)
{
    *n = 0;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT id, text, required FROM qc_checklist_items\n"
                              "WHERE checklist_id = $1 ORDER BY position, id LIMIT 200",
                              "i", list);
    if (!st)
        return cx->err.code;
    struct qc_item *items = arena_alloc(cx->a, sizeof(*items) * QC_MAX_ITEMS);
    int step;
    while ((step = db_step(st)) == DB_ROW && *n < QC_MAX_ITEMS) {
        struct qc_item *it = &items[(*n)++];
        it->id = db_col_i64(st, 0);
        it->text = arena_strdup(cx->a, db_col_text(st, 1));
        it->required = db_col_i64(st, 2) != 0;
        it->position = *n;
        it->marked = 0;
    }
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    *out = items;
    return ERR_OK;
}

static enum err_code record_tx(struct ctx *cx, int64_t id, int64_t version, bool pass,
                               const char *comment, const struct qc_mark *marks, int nmarks,
                               struct record **out)
{
    struct record *order;
    enum err_code rc = entity_get(cx, &entity_repair_orders, id, &order);
    if (rc != ERR_OK)
        return rc;
    if (version >= 0 && version != order->version)
        return ctx_fail(cx, ERR_CONFLICT, "repair_orders %lld was changed by someone else",
                        (long long)id);
    if (strcmp(rec_get(order, RO_STATUS)->s, "qc"))
        return ctx_fail(cx, ERR_CONFLICT, "the order is not in quality control (it is '%s')",
                        rec_get(order, RO_STATUS)->s);
    int64_t list;
    if ((rc = checklist_of(cx, order, &list)) != ERR_OK)
        return rc;
    struct qc_item *items = NULL;
    int nitems = 0;
    if (list && (rc = load_items(cx, list, &items, &nitems)) != ERR_OK)
        return rc;
    for (int m = 0; m < nmarks; m++) {
        int k = 0;
        while (k < nitems && items[k].id != marks[m].item_id)
            k++;
        if (k == nitems || items[k].marked) {
            err_field(&cx->err, arena_printf(cx->a, "items[%d].item_id", m),
                      k == nitems ? "not_in_checklist" : "duplicate");
            return ctx_fail(cx, ERR_INVALID, "item %lld is %s", (long long)marks[m].item_id,
                            k == nitems ? "not in the order's checklist" : "marked twice");
        }
        items[k].marked = m + 1;
    }
    bool failed_any = false;
    for (int k = 0; k < nitems; k++) {
        if (!items[k].marked) {
            err_field(&cx->err, "items", "unmarked");
            return ctx_fail(cx, ERR_INVALID, "every item of the checklist is marked: '%s' is not",
                            items[k].text);
        }
        const struct qc_mark *mk = &marks[items[k].marked - 1];
        if (!mk->passed)
            failed_any = true;
        if (pass && items[k].required && !mk->passed) {
            err_field(&cx->err, arena_printf(cx->a, "items[%d].passed", items[k].marked - 1),
                      "required");
            return ctx_fail(cx, ERR_INVALID, "a required item did not pass: '%s'", items[k].text);
        }
    }
    if (!pass) {
        if (nitems && !failed_any) {
            err_field(&cx->err, "items", "none_failed");
            return ctx_fail(cx, ERR_INVALID, "a failed QC names at least one failed item");
        }
        if (!comment || text_blank(comment)) {
            err_field(&cx->err, "comment", "required");
            return ctx_fail(cx, ERR_INVALID, "a failed QC says what is wrong (comment)");
        }
    }
    /* the technician's guard first: nothing is recorded for a refused round */
    const struct value *tech = rec_get(order, RO_TECHNICIAN_ID);
    if (!tech->null && tech->set && tech->i == cx->user->id)
        return ctx_fail(cx, ERR_FORBIDDEN,
                        "quality control is done by someone other than the order's technician");
    if (!ctx_can(cx, P_WORKSHOP_QC))
        return ctx_fail(cx, ERR_FORBIDDEN, "your role may not decide quality control");
    int64_t round = current_round(order);
    char at[ISO_TIME_LEN];
    time_now_iso(at);
    const char *outcome = pass ? "passed" : "failed";
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "INSERT INTO qc_rounds (order_id, round, checklist_id, checker_id, technician_id,\n"
             "  at, outcome, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)\n"
             "RETURNING id",
             "iiIiItss", id, round, list, cx->user->id, tech->null ? 0 : tech->i, at, outcome,
             comment && !text_blank(comment) ? comment : NULL);
    if (!st)
        return cx->err.code;
    int step = db_step(st);
    int64_t round_id = step == DB_ROW ? db_col_i64(st, 0) : 0;
    db_done(st);
    if (step != DB_ROW)
        return step == DB_FAIL ? cx->err.code
                               : ctx_fail(cx, ERR_CONFLICT, "the round was recorded already");
    for (int k = 0; k < nitems; k++) {
        const struct qc_mark *mk = &marks[items[k].marked - 1];
        if ((rc = db_run(cx->db, &cx->err,
                         "INSERT INTO qc_results (round_id, order_id, round, item_id, position,\n"
                         "  text, required, passed, comment)\n"
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                         "iiiiitiit", round_id, id, round, items[k].id, (int64_t)items[k].position,
                         items[k].text, (int64_t)items[k].required, (int64_t)mk->passed,
                         mk->comment && !text_blank(mk->comment) ? mk->comment : NULL)) != ERR_OK)
            return rc;
    }
    if ((rc = timeline_add(cx, &entity_repair_orders, id, "qc", false,
                           comment && !text_blank(comment) ? comment : NULL, NULL,
                           arena_printf(cx->a, "%lld", (long long)round), NULL, NULL)) != ERR_OK)
        return rc;
    return workflow_run(cx, &repair_workflow, id, order->version, pass ? "qc_pass" : "qc_fail",
                        NULL, out);
}

enum err_code qc_record(struct ctx *cx, int64_t id, int64_t version, bool pass, const char *comment,
                        const struct qc_mark *marks, int nmarks, struct record **out)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own,
                      record_tx(cx, id, version, pass, comment, marks, nmarks, out));
}

#define TEXT(i) (db_col_null(st, i) ? NULL : db_col_text(st, i))

json_t *qc_view(struct ctx *cx, int64_t id, enum err_code *rc)
{
    struct record *order;
    if ((*rc = entity_get(cx, &entity_repair_orders, id, &order)) != ERR_OK)
        return NULL;
    int64_t list;
    if ((*rc = checklist_of(cx, order, &list)) != ERR_OK)
        return NULL;
    json_t *checklist = json_null();
    struct db_stmt *st;
    if (list) {
        st = db_q(cx->db, &cx->err, "SELECT name FROM qc_checklists WHERE id = $1", "i", list);
        if (!st) {
            *rc = cx->err.code;
            return NULL;
        }
        const char *name = db_step(st) == DB_ROW ? arena_strdup(cx->a, db_col_text(st, 0)) : "";
        db_done(st);
        struct qc_item *items;
        int n;
        if ((*rc = load_items(cx, list, &items, &n)) != ERR_OK)
            return NULL;
        json_t *arr = json_array();
        for (int k = 0; k < n; k++)
            json_array_append_new(arr,
                                  json_pack("{s:I,s:s,s:b}", "id", (json_int_t)items[k].id, "text",
                                            items[k].text, "required", items[k].required));
        checklist = json_pack("{s:I,s:s,s:o}", "id", (json_int_t)list, "name", name, "items", arr);
    }
    json_t *rounds = json_array();
    st = db_q(cx->db, &cx->err,
              "SELECT q.id, q.round, q.checker_id, u.name, q.technician_id, q.at, q.outcome,\n"
              "  q.comment\n"
              "FROM qc_rounds q LEFT JOIN users u ON u.id = q.checker_id\n"
              "WHERE q.order_id = $1 ORDER BY q.round DESC LIMIT 100",
              "i", id);
    int step = DB_FAIL;
    while (st && (step = db_step(st)) == DB_ROW) {
        json_t *r = json_pack(
            "{s:I,s:I,s:I,s:s?,s:o,s:s,s:s,s:s?,s:[]}", "id", (json_int_t)db_col_i64(st, 0),
            "round", (json_int_t)db_col_i64(st, 1), "checker_id", (json_int_t)db_col_i64(st, 2),
            "checker", TEXT(3), "technician_id",
            db_col_null(st, 4) ? json_null() : json_integer(db_col_i64(st, 4)), "at",
            db_col_text(st, 5), "outcome", db_col_text(st, 6), "comment", TEXT(7), "items");
        json_array_append_new(rounds, r);
    }
    if (st)
        db_done(st);
    if (step == DB_FAIL) {
        json_decref(rounds);
        json_decref(checklist);
        *rc = cx->err.code;
        return NULL;
    }
    step = DB_FAIL;
    st = db_q(cx->db, &cx->err,
              "SELECT round_id, item_id, text, required, passed, comment FROM qc_results\n"
              "WHERE order_id = $1 ORDER BY round_id, position",
              "i", id);
    while (st && (step = db_step(st)) == DB_ROW) {
        size_t i;
        json_t *r;
        json_array_foreach(rounds, i, r)
        {
            if (json_integer_value(json_object_get(r, "id")) != db_col_i64(st, 0))
                continue;
            json_array_append_new(
                json_object_get(r, "items"),
                json_pack("{s:o,s:s,s:b,s:b,s:s?}", "item_id",
                          db_col_null(st, 1) ? json_null() : json_integer(db_col_i64(st, 1)),
                          "text", db_col_text(st, 2), "required", db_col_i64(st, 3) != 0, "passed",
                          db_col_i64(st, 4) != 0, "comment", TEXT(5)));
            break;
        }
    }
    if (st)
        db_done(st);
    if (step == DB_FAIL) {
        json_decref(rounds);
        json_decref(checklist);
        *rc = cx->err.code;
        return NULL;
    }
    *rc = ERR_OK;
    return json_pack("{s:I,s:s,s:I,s:o,s:o}", "order_id", (json_int_t)id, "status",
                     rec_get(order, RO_STATUS)->s, "round", (json_int_t)current_round(order),
                     "checklist", checklist, "rounds", rounds);
}
