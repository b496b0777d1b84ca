/* clocks.c — the workshop's clocks (domain layer): the arithmetic of the
 * company's target, the substitute's 3 days and the unclaimed unit's two
 * months; the target set on an order; every clock of an order with its
 * countdown; the overdue lists. See clocks.h for the rules and their law. */
#include "clocks.h"

#include <string.h>

#include "domain/desk/sla.h"
#include "workshop.h"
#include "base/banned.h"

/* ---- arithmetic ---------------------------------------------------------- */

void clock_default_calendar(struct bizcal *cal)
{
    memset(cal, 0, sizeof(*cal));
    cal->offset_minutes = 180;
    for (int d = 0; d < 5; d++)
        cal->open[d] = 9 * 60, cal->close[d] = 18 * 60;
}

static bool day_number(const char *date, int64_t *day)
{
    int64_t t;
    if (!date || strlen(date) != 10 || !time_parse(date, &t))
        return false;
    *day = t / 86400;
    return true;
}

static bool working(const struct bizcal *cal, int64_t day)
{
    int64_t start = day * 86400 - (int64_t)cal->offset_minutes * 60;
    return bizcal_between(cal, start, start + 86400) > 0;
}

bool clock_working_day(const struct bizcal *cal, const char *date)
{
    int64_t day;
    return day_number(date, &day) && working(cal, day);
}

bool clock_add_working_days(const struct bizcal *cal, const char *date, int days,
                            char out[ISO_DATE_LEN])
{
    if (!cal)
        return date_add_days(date, days, out);
    int64_t day;
    if (!day_number(date, &day) || days < 0)
        return false;
    /* at most ten years of days off */
    for (int guard = 0; days > 0 && guard < 3660; guard++)
        if (working(cal, ++day))
            days--;
    if (days > 0)
        return false;
    char iso[ISO_TIME_LEN];
    time_iso(day * 86400, iso);
    memcpy(out, iso, 10);
    out[10] = 0;
    return true;
}

/* A working day in law (ГК ст. 193): not a Saturday or Sunday unless the
 * production calendar makes it a working day, not a holiday or day off of
 * that calendar; the hours a branch keeps do not matter. */
static bool legal_working(const struct bizcal *cal, int64_t day)
{
    for (int i = 0; i < cal->ndays; i++)
        if (cal->days[i].day == day)
            return cal->days[i].kind == BD_WORKING || cal->days[i].kind == BD_SHORT;
    int weekday = (int)(((day + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday; Monday = 0 */
    return weekday < 5;
}

bool clock_unclaimed_end(const struct bizcal *cal, const char *delivered, char out[ISO_DATE_LEN])
{
    int y, m, d;
    if (!delivered || !date_parse(delivered, &y, &m, &d))
        return false;
    date_add_months(y, m, d, UNCLAIMED_MONTHS, out); /* ст. 192 п. 3 */
    int64_t day;
    if (!cal)
        return true;
    if (!day_number(out, &day))
        return false;
    /* ст. 193: at most a month of days off in a row */
    for (int guard = 0; !legal_working(cal, day); guard++)
        if (++day, guard > 31)
            return false;
    char iso[ISO_TIME_LEN];
    time_iso(day * 86400, iso);
    memcpy(out, iso, 10);
    out[10] = 0;
    return true;
}

bool clock_loaner_due(const char *demand_day, char out[ISO_DATE_LEN])
{
    return date_add_days(demand_day, LOANER_DAYS, out);
}

/* ---- an order's target --------------------------------------------------- */

enum err_code clocks_calendar(struct ctx *cx, int64_t branch, struct bizcal *cal)
{
    enum err_code rc = sla_calendar(cx, branch, cal);
    if (rc == ERR_NOTFOUND) {
        err_clear(&cx->err);
        clock_default_calendar(cal);
        return ERR_OK;
    }
    return rc;
}

enum err_code clocks_set_target(struct ctx *cx, struct record *rec, const struct record *old,
                                int service_type_field, int branch_field, int target_field)
{
    const struct value *type = rec_get(rec, service_type_field);
    if (old) {
        const struct value *was = rec_get(old, service_type_field);
        if (type->null == was->null && (type->null || type->i == was->i))
            return ERR_OK;
    }
    struct value *target = rec_set(rec, target_field);
    target->set = true, target->null = true, target->s = NULL;
    if (type->null || !type->set)
        return ERR_OK;
    int64_t days = 0;
    bool found;
    enum err_code rc = db_get_i64(
        cx->db, &cx->err, &days, &found,
        "SELECT COALESCE(target_days, 0) FROM service_types WHERE id = $1", "i", type->i);
    if (rc != ERR_OK || !found || days <= 0)
        return rc;
    const struct value *branch = rec_get(rec, branch_field);
    struct bizcal cal;
    if ((rc = clocks_calendar(cx, branch->null || !branch->set ? 0 : branch->i, &cal)) != ERR_OK)
        return rc;
    char intake[ISO_DATE_LEN], due[ISO_DATE_LEN];
    repair_day_of(old ? old->created_at : NULL, intake);
    if (clock_add_working_days(&cal, intake, (int)days, due)) {
        target->null = false;
        target->s = arena_strdup(cx->a, due);
    }
    return ERR_OK;
}

/* ---- every clock of an order --------------------------------------------- */

/* The states in which the work is still to be done (the legal and the
 * target clocks run), and those in which the unit waits for its owner. */
#define WORK_SQL                                                                                   \
    "'accepted','diagnostics','estimate_sent','approved','in_repair','waiting_parts','at_vendor'," \
    "'qc'"
#define WAITING_SQL "'ready','declined','not_repairable'"

static bool in_list(const char *status, const char *list)
{
    char quoted[40];
    snprintf(quoted, sizeof(quoted), "'%s'", status);
    return strstr(list, quoted) != NULL;
}

static json_t *countdown(const char *due, const char *today, bool running)
{
    if (!due)
        return json_null();
    int left = 0;
    date_diff_days(today, due, &left);
    return json_pack("{s:s,s:i,s:b,s:s}", "due", due, "days_left", left, "overdue",
                     running && left < 0, "state", running ? "running" : "stopped");
}

#define TEXT(st, i)  (db_col_null(st, i) ? NULL : db_col_text(st, i))
#define JTEXT(st, i) (db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i)))

static enum err_code order_loaners(struct ctx *cx, int64_t order, const char *today, json_t *out)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT i.id, i.number, i.status, i.demanded_at, i.due_by,\n"
                              "       i.issued_at, i.returned_at, l.inventory_number, i.version\n"
                              "FROM loaner_issues i LEFT JOIN loaners l ON l.id = i.loaner_id\n"
                              "WHERE i.order_id = $1 ORDER BY i.id",
                              "i", order);
    if (!st)
        return cx->err.code;
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        bool running = !strcmp(db_col_text(st, 2), "demanded");
        json_t *it = json_pack(
            "{s:I,s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)db_col_i64(st, 0),
            "version", (json_int_t)db_col_i64(st, 8), "number", db_col_text(st, 1), "status",
            db_col_text(st, 2), "demanded_at", db_col_text(st, 3), "due_by", JTEXT(st, 4),
            "issued_at", JTEXT(st, 5), "returned_at", JTEXT(st, 6), "loaner", JTEXT(st, 7), "clock",
            countdown(TEXT(st, 4), today, running));
        json_array_append_new(out, it);
    }
    db_done(st);
    return step == DB_FAIL ? cx->err.code : ERR_OK;
}

/* The unclaimed clock: the notices, the end of the two months from the
 * first delivered one, the disposal if any. */
static enum err_code order_unclaimed(struct ctx *cx, int64_t order, const char *status,
                                     const char *today, json_t *out)
{
    json_t *notices = json_array();
    json_object_set_new(out, "notices", notices);
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT id, sent_at, channel, delivered_on, ends_on, version\n"
                              "FROM pickup_notices WHERE order_id = $1 ORDER BY id",
                              "i", order);
    if (!st)
        return cx->err.code;
    int step;
    const char *ends = NULL;
    while ((step = db_step(st)) == DB_ROW) {
        json_array_append_new(
            notices,
            json_pack("{s:I,s:I,s:s,s:s,s:o,s:o}", "id", (json_int_t)db_col_i64(st, 0), "version",
                      (json_int_t)db_col_i64(st, 5), "sent_at", db_col_text(st, 1), "channel",
                      db_col_text(st, 2), "delivered_on", JTEXT(st, 3), "ends_on", JTEXT(st, 4)));
        const char *e = TEXT(st, 4);
        if (e && (!ends || strcmp(e, ends) < 0))
            ends = arena_strdup(cx->a, e);
    }
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    st = db_q(cx->db, &cx->err,
              "SELECT at, kind, reason, clock_ended FROM unit_disposals WHERE order_id = $1", "i",
              order);
    if (!st)
        return cx->err.code;
    json_t *disposal = json_null();
    if ((step = db_step(st)) == DB_ROW)
        disposal =
            json_pack("{s:s,s:s,s:s,s:s}", "at", db_col_text(st, 0), "kind", db_col_text(st, 1),
                      "reason", db_col_text(st, 2), "clock_ended", db_col_text(st, 3));
    db_done(st);
    if (step == DB_FAIL) {
        json_decref(disposal);
        return cx->err.code;
    }
    bool waiting = in_list(status, WAITING_SQL);
    json_object_set_new(out, "disposal", disposal);
    json_object_set_new(out, "waiting", json_boolean(waiting));
    json_object_set_new(out, "clock", countdown(ends, today, waiting));
    json_object_set_new(out, "may_dispose",
                        json_boolean(waiting && ends && strcmp(today, ends) > 0));
    return ERR_OK;
}

enum err_code clocks_of_order(struct ctx *cx, int64_t order_id, json_t **out)
{
    enum err_code rc = entity_visible(cx, &entity_repair_orders, order_id);
    if (rc != ERR_OK)
        return rc;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT o.status, o.legal_due, o.target_due, t.target_days, t.name,\n"
                              "       COALESCE(m.loaner_duty, 0)\n"
                              "FROM repair_orders o\n"
                              "LEFT JOIN service_types t ON t.id = o.service_type_id\n"
                              "LEFT JOIN equipment_units u ON u.id = o.unit_id\n"
                              "LEFT JOIN equipment_models m ON m.id = u.model_id\n"
                              "WHERE o.id = $1",
                              "i", order_id);
    if (!st)
        return cx->err.code;
    if (db_step(st) != DB_ROW) {
        db_done(st);
        return cx->err.code ? cx->err.code : ctx_fail(cx, ERR_NOTFOUND, "no such repair order");
    }
    char today[ISO_DATE_LEN];
    repair_day_of(NULL, today);
    const char *status = arena_strdup(cx->a, db_col_text(st, 0));
    bool work = in_list(status, WORK_SQL);
    json_t *j = json_pack("{s:s,s:s}", "today", today, "status", status);
    json_object_set_new(j, "legal", countdown(TEXT(st, 1), today, work));
    json_t *target = countdown(TEXT(st, 2), today, work);
    if (json_is_object(target)) {
        json_object_set_new(target, "target_days", json_integer(db_col_i64(st, 3)));
        json_object_set_new(target, "service_type", json_string(db_col_text(st, 4)));
        json_object_set_new(target, "working_days", json_true());
    }
    json_object_set_new(j, "target", target);
    json_t *loaner = json_pack("{s:b,s:[]}", "duty", db_col_i64(st, 5) != 0, "issues");
    json_object_set_new(j, "loaner", loaner);
    db_done(st);
    json_t *unclaimed = json_object();
    json_object_set_new(j, "unclaimed", unclaimed);
    if ((rc = order_loaners(cx, order_id, today, json_object_get(loaner, "issues"))) != ERR_OK ||
        (rc = order_unclaimed(cx, order_id, status, today, unclaimed)) != ERR_OK) {
        json_decref(j);
        return rc;
    }
    *out = j;
    return ERR_OK;
}

/* ---- overdue lists ------------------------------------------------------- */

static const char *const overdue_sql[] = {
    /* target: open work past the company's target */
    "SELECT o.id, o.number, o.status, o.target_due, o.technician_id\n"
    "FROM repair_orders o\n"
    "WHERE o.target_due < $1 AND o.status IN (" WORK_SQL ")\n"
    "  AND ($2 = 0 OR o.branch_id = $2)\n"
    "ORDER BY o.target_due, o.id LIMIT 500",
    /* loaner: substitutes demanded and not handed over within 3 days */
    "SELECT o.id, o.number, i.number, i.due_by, o.technician_id\n"
    "FROM loaner_issues i JOIN repair_orders o ON o.id = i.order_id\n"
    "WHERE i.status = 'demanded' AND i.due_by < $1\n"
    "  AND ($2 = 0 OR o.branch_id = $2)\n"
    "ORDER BY i.due_by, i.id LIMIT 500",
    /* unclaimed: units whose two months ran out, not yet disposed of */
    "SELECT o.id, o.number, o.status, MIN(n.ends_on), o.technician_id\n"
    "FROM repair_orders o JOIN pickup_notices n ON n.order_id = o.id\n"
    "WHERE o.status IN (" WAITING_SQL ") AND n.ends_on IS NOT NULL\n"
    "  AND ($2 = 0 OR o.branch_id = $2)\n"
    "GROUP BY o.id, o.number, o.status, o.technician_id\n"
    "HAVING MIN(n.ends_on) < $1\n"
    "ORDER BY MIN(n.ends_on), o.id LIMIT 500",
};
static const char *const overdue_kinds[] = {"target", "loaner", "unclaimed"};

enum err_code clocks_overdue(struct ctx *cx, const char *kind, char today[ISO_DATE_LEN],
                             json_t **out)
{
    int k = -1;
    for (int i = 0; i < 3; i++)
        if (!strcmp(kind, overdue_kinds[i]))
            k = i;
    if (k < 0) {
        err_field(&cx->err, "kind", "invalid");
        return ctx_fail(cx, ERR_INVALID, "kind is legal, target, loaner or unclaimed");
    }
    repair_day_of(NULL, today);
    struct db_stmt *st = db_q(cx->db, &cx->err, overdue_sql[k], "ti", today, ctx_branch(cx));
    if (!st)
        return cx->err.code;
    json_t *items = json_array();
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        int over = 0;
        date_diff_days(db_col_text(st, 3), today, &over);
        json_t *it = json_pack("{s:I,s:s,s:s,s:i}", "id", (json_int_t)db_col_i64(st, 0), "number",
                               db_col_text(st, 1), "due", db_col_text(st, 3), "days_over", over);
        json_object_set_new(it, k == 1 ? "loaner_issue" : "status",
                            json_string(db_col_text(st, 2)));
        json_object_set_new(it, "technician_id",
                            db_col_null(st, 4) ? json_null() : json_integer(db_col_i64(st, 4)));
        json_array_append_new(items, it);
    }
    db_done(st);
    if (step == DB_FAIL) {
        json_decref(items);
        return cx->err.code;
    }
    *out = items;
    return ERR_OK;
}
