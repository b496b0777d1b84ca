/* reports.c — the stock area's reports (domain layer): stock on hand and
 * its value at cost, per warehouse or per category. */
#include "stock.h"

#include <string.h>

#include "core/perm.h"
#include "base/banned.h"

static const struct report_group onhand_groups[] = {
    {"warehouse", "report.group.warehouse", NULL},
    {"category", "report.group.category", NULL},
    {0},
};

static const struct report_column onhand_columns[] = {
    {"key", RT_TEXT, "report.col.key"},
    {"label", RT_TEXT, "report.col.label"},
    {"parts", RT_INT, "report.col.parts"},
    {"on_hand", RT_NUMBER, "report.col.on_hand"},
    {"reserved", RT_NUMBER, "report.col.reserved"},
    {"in_transit", RT_NUMBER, "report.col.in_transit"},
    {"value", RT_NUMBER, "report.col.value"},
    {0},
};
static const char *const onhand_y[] = {"value", NULL};

/* Quantities in units (thousandths / 1000) and the value in roubles: what a
 * person reads in a table; the grouping's key and label are constants. */
static enum err_code onhand_run(struct ctx *cx, struct db *db, const struct report_query *q,
                                struct report_table *t)
{
    bool by_category = q->group && !strcmp(q->group->name, "category");
    const char *key = by_category ? "COALESCE(p.category, '')" : "CAST(w.id AS TEXT)";
    const char *label = by_category ? "COALESCE(p.category, '')" : "w.name";
    const char *sql = arena_printf(cx->a,
                                   "SELECT %s, %s,\n"
                                   "  SUM(CASE WHEN b.on_hand > 0 THEN 1 ELSE 0 END),\n"
                                   "  SUM(b.on_hand), SUM(b.reserved), SUM(b.in_transit),\n"
                                   "  SUM(b.value)\n"
                                   "FROM stock_balances b\n"
                                   "JOIN warehouses w ON w.id = b.warehouse_id\n"
                                   "JOIN parts p ON p.id = b.part_id\n"
                                   "WHERE (CAST($1 AS BIGINT) = 0 OR w.branch_id = $1)\n"
                                   "GROUP BY %s, %s\n"
                                   "ORDER BY 2, 1",
                                   key, label, key, label);
    struct db_stmt *st = db_q(db, &cx->err, sql, "i", q->branch);
    if (!st)
        return cx->err.code;
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        struct report_cell *row = report_row(cx, t);
        for (int i = 0; i < 7; i++)
            row[i].null = false;
        row[0].s = arena_strdup(cx->a, db_col_text(st, 0));
        row[1].s = arena_strdup(cx->a, db_col_text(st, 1));
        row[2].i = db_col_i64(st, 2);
        for (int i = 3; i < 6; i++)
            row[i].d = (double)db_col_i64(st, i) / 1000.0;
        row[6].d = (double)db_col_i64(st, 6) / 100.0;
    }
    db_done(st);
    return step == DB_FAIL ? cx->err.code : ERR_OK;
}

const struct report report_stock_on_hand = {
    .name = "stock_on_hand",
    .label = "report.stock_on_hand",
    .perm = P_STOCK_READ,
    .groups = onhand_groups,
    .columns = onhand_columns,
    .chart = "bar",
    .x = "label",
    .y = onhand_y,
    .run = onhand_run,
};
