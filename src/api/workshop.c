/* workshop.c — the workshop's own calls (api layer): the list of warranty
 * repairs past their legal deadline; the orders themselves, their
 * transitions, timeline and documents go through the generic handlers. */
#include <string.h>

#include "api/api.h"
#include "base/timeutil.h"
#include "domain/workshop/workshop.h"
#include "base/banned.h"

/* Open warranty repairs whose legal deadline (ЗоЗПП ст. 20: 45 days) has
 * passed, the longest overdue first, in the caller's branch scope. */
API_HANDLER(api_workshop_overdue)
{
    (void)rq;
    char today[ISO_DATE_LEN];
    repair_day_of(NULL, today);
    int64_t branch = ctx_branch(cx);
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT id, number, status, legal_due, technician_id\n"
                              "FROM repair_orders\n"
                              "WHERE legal_due < $1 AND status IN (" REPAIR_OPEN_SQL ")\n"
                              "  AND ($2 = 0 OR branch_id = $2)\n"
                              "ORDER BY legal_due, id\n"
                              "LIMIT 500",
                              "ti", today, branch);
    if (!st)
        return cx->err.code;
    json_t *items = json_array();
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        int over = 0;
        date_diff_days(db_col_text(st, 3), today, &over);
        json_t *it = json_pack("{s:I,s:s,s:s,s:s,s:i}", "id", (json_int_t)db_col_i64(st, 0),
                               "number", db_col_text(st, 1), "status", db_col_text(st, 2),
                               "legal_due", db_col_text(st, 3), "days_over", over);
        json_object_set_new(it, "technician_id",
                            db_col_null(st, 4) ? json_null() : json_integer(db_col_i64(st, 4)));
        json_array_append_new(items, it);
    }
    db_done(st);
    if (step == DB_FAIL) {
        json_decref(items);
        return cx->err.code;
    }
    http_json(rs, 200, json_pack("{s:o,s:s}", "items", items, "today", today));
    return ERR_OK;
}
