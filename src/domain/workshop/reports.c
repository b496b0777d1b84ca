/* reports.c — the workshop's reports (domain layer): the rework rate, per
 * technician or per equipment model — of the orders that went through QC in
 * the period (a QC round in it), those that failed at least once. $1 and $2
 * are the period's bounds, $3 the caller's branch (0: company-wide). */
#include <string.h>

#include "core/report.h"
#include "domain/workshop/workshop.h"
#include "base/banned.h"

static const struct report_group rework_groups[] = {
    {"technician", "report.group.technician", NULL},
    {"model", "report.group.model", NULL},
    {0},
};
static const struct report_column rework_columns[] = {
    {"key", RT_TEXT, "report.col.key"},
    {"label", RT_TEXT, "report.col.label"},
    {"checked", RT_INT, "report.col.qc_checked"},
    {"reworked", RT_INT, "report.col.qc_reworked"},
    {"rework_percent", RT_PERCENT, "report.col.rework_percent"},
    {0},
};
static const char *const rework_y[] = {"rework_percent", NULL};

static enum err_code rework_run(struct ctx *cx, struct db *db, const struct report_query *q,
                                struct report_table *t)
{
    bool model = q->group && !strcmp(q->group->name, "model");
    const char *key = model ? "CAST(COALESCE(u.model_id, 0) AS TEXT)"
                            : "CAST(COALESCE(q.technician_id, 0) AS TEXT)";
    const char *label = model ? "COALESCE(m.brand || ' ' || m.model, '')" : "COALESCE(tu.name, '')";
    const char *sql =
        arena_printf(cx->a,
                     "SELECT %s, %s, COUNT(DISTINCT q.order_id),\n"
                     "  COUNT(DISTINCT CASE WHEN q.outcome = 'failed' THEN q.order_id END)\n"
                     "FROM qc_rounds q\n"
                     "JOIN repair_orders r ON r.id = q.order_id\n"
                     "LEFT JOIN users tu ON tu.id = q.technician_id\n"
                     "LEFT JOIN equipment_units u ON u.id = r.unit_id\n"
                     "LEFT JOIN equipment_models m ON m.id = u.model_id\n"
                     "WHERE q.at >= $1 AND q.at <= $2\n"
                     "  AND (CAST($3 AS BIGINT) = 0 OR r.branch_id = $3)\n"
                     "GROUP BY %s, %s\n"
                     "ORDER BY 2, 1",
                     key, label, key, label);
    enum err_code rc = report_sql(cx, db, t, sql, q);
    for (int i = 0; rc == ERR_OK && i < t->nrows; i++) {
        struct report_cell *row = t->rows[i];
        row[4].null = row[2].i == 0;
        row[4].d = row[2].i ? 100.0 * (double)row[3].i / (double)row[2].i : 0;
    }
    return rc;
}

const struct report report_rework = {
    .name = "rework",
    .label = "report.rework",
    .perm = P_WORKSHOP_READ,
    .period = true,
    .groups = rework_groups,
    .columns = rework_columns,
    .chart = "bar",
    .x = "label",
    .y = rework_y,
    .run = rework_run,
};
