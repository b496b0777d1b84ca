/* reports.c — the stock area's reports (domain layer): stock on hand and
 * its value at cost, per warehouse or per category. */
#include "stock.h"

#include <stdint.h>
#include <string.h>

#include "base/timeutil.h"
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

/* ---- shared ---- */

static enum err_code rows_of(struct ctx *cx, struct db_stmt *st, struct report_table *t,
                             const char *types)
{
    /* types: per result column, 't' text, 'i' int, 'q' thousandths → units,
     * 'm' kopecks → roubles */
    if (!st)
        return cx->err.code;
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        struct report_cell *row = report_row(cx, t);
        for (int i = 0; types[i]; i++) {
            if (db_col_null(st, i))
                continue;
            row[i].null = false;
            switch (types[i]) {
            case 't':
                row[i].s = arena_strdup(cx->a, db_col_text(st, i));
                break;
            case 'i':
                row[i].i = db_col_i64(st, i);
                break;
            case 'q':
                row[i].d = (double)db_col_i64(st, i) / 1000.0;
                break;
            default:
                row[i].d = (double)db_col_i64(st, i) / 100.0;
            }
        }
    }
    db_done(st);
    return step == DB_FAIL ? cx->err.code : ERR_OK;
}

/* ---- a part's movement history with its running balance ---- */

static const struct report_param history_params[] = {
    {"part_id", "report.param.part", 1, INT64_MAX, 0, true, "parts"},
    {"warehouse_id", "report.param.warehouse", 0, INT64_MAX, 0, false, "warehouses"},
    {0},
};

static const struct report_column history_columns[] = {
    {"key", RT_TEXT, "report.col.key"},
    {"date", RT_TEXT, "report.col.date"},
    {"warehouse", RT_TEXT, "report.col.warehouse"},
    {"kind", RT_TEXT, "report.col.kind"},
    {"document", RT_TEXT, "report.col.document"},
    {"qty_in", RT_NUMBER, "report.col.qty_in"},
    {"qty_out", RT_NUMBER, "report.col.qty_out"},
    {"balance", RT_NUMBER, "report.col.balance"},
    {"value", RT_NUMBER, "report.col.move_value"},
    {0},
};
static const char *const history_y[] = {"balance", NULL};

/* The balance before the period (a row "opening"), then every movement of
 * the part in it, oldest first, with what was on hand after it: in the
 * warehouse asked for, or in every warehouse the user sees. */
static enum err_code history_run(struct ctx *cx, struct db *db, const struct report_query *q,
                                 struct report_table *t)
{
    int64_t part = q->ints[0], wh = q->ints[1], opening;
    bool found;
    enum err_code rc = db_get_i64(db, &cx->err, &opening, &found,
                                  "SELECT COALESCE(SUM(m.qty), 0) FROM stock_movements m\n"
                                  "JOIN warehouses w ON w.id = m.warehouse_id\n"
                                  "WHERE m.part_id = $1 AND m.created_at < $2\n"
                                  "  AND (CAST($3 AS BIGINT) = 0 OR m.warehouse_id = $3)\n"
                                  "  AND (CAST($4 AS BIGINT) = 0 OR w.branch_id = $4)",
                                  "itii", part, q->from, wh, q->branch);
    if (rc != ERR_OK)
        return rc;
    struct report_cell *row = report_row(cx, t);
    row[0] = (struct report_cell){.s = "opening"};
    row[1] = (struct report_cell){.s = q->from_date};
    row[7] = (struct report_cell){.d = (double)opening / 1000.0};
    struct db_stmt *st =
        db_q(db, &cx->err,
             "SELECT m.id, m.created_at, w.name, m.kind, p.number, m.qty, m.value\n"
             "FROM stock_movements m\n"
             "JOIN warehouses w ON w.id = m.warehouse_id\n"
             "JOIN stock_postings p ON p.id = m.posting_id\n"
             "WHERE m.part_id = $1 AND m.created_at >= $2 AND m.created_at <= $3\n"
             "  AND (CAST($4 AS BIGINT) = 0 OR m.warehouse_id = $4)\n"
             "  AND (CAST($5 AS BIGINT) = 0 OR w.branch_id = $5)\n"
             "ORDER BY m.created_at, m.id\n"
             "LIMIT 100000",
             "ittii", part, q->from, q->to, wh, q->branch);
    if (!st)
        return cx->err.code;
    int step;
    int64_t bal = opening;
    while ((step = db_step(st)) == DB_ROW) {
        int64_t qty = db_col_i64(st, 5);
        bal += qty;
        row = report_row(cx, t);
        for (int i = 0; i < 9; i++)
            row[i].null = false;
        row[0].s = arena_printf(cx->a, "%lld", (long long)db_col_i64(st, 0));
        row[1].s = arena_strdup(cx->a, db_col_text(st, 1));
        row[2].s = arena_strdup(cx->a, db_col_text(st, 2));
        row[3].s = arena_strdup(cx->a, db_col_text(st, 3));
        row[4].s = arena_strdup(cx->a, db_col_text(st, 4));
        row[5].d = qty > 0 ? (double)qty / 1000.0 : 0;
        row[6].d = qty < 0 ? (double)-qty / 1000.0 : 0;
        row[7].d = (double)bal / 1000.0;
        row[8].d = (double)db_col_i64(st, 6) / 100.0;
    }
    db_done(st);
    return step == DB_FAIL ? cx->err.code : ERR_OK;
}

const struct report report_stock_history = {
    .name = "stock_history",
    .label = "report.stock_history",
    .perm = P_STOCK_READ,
    .period = true,
    .columns = history_columns,
    .chart = "line",
    .x = "date",
    .y = history_y,
    .params = history_params,
    .run = history_run,
};

/* ---- shortages ---- */

static const struct report_column shortage_columns[] = {
    {"key", RT_TEXT, "report.col.key"},
    {"label", RT_TEXT, "report.col.part"},
    {"warehouse", RT_TEXT, "report.col.warehouse"},
    {"on_hand", RT_NUMBER, "report.col.on_hand"},
    {"reserved", RT_NUMBER, "report.col.reserved"},
    {"available", RT_NUMBER, "report.col.available"},
    {"min_qty", RT_NUMBER, "report.col.min_qty"},
    {"shortfall", RT_NUMBER, "report.col.shortfall"},
    {0},
};
static const char *const shortage_y[] = {"shortfall", NULL};

/* Parts whose available stock is below their minimum at a warehouse, or
 * that are reserved beyond what is on hand: what is missing to reach the
 * minimum (or to cover the reservations), largest first. */
static enum err_code shortage_run(struct ctx *cx, struct db *db, const struct report_query *q,
                                  struct report_table *t)
{
    return rows_of(
        cx,
        db_q(db, &cx->err,
             "SELECT p.sku, p.sku || ' ' || p.name, w.name, s.on_hand, s.reserved,\n"
             "  s.on_hand - s.reserved, s.min_qty,\n"
             "  CASE WHEN s.reserved > s.on_hand AND s.reserved - s.on_hand >\n"
             "            COALESCE(s.min_qty, 0) - (s.on_hand - s.reserved)\n"
             "       THEN s.reserved - s.on_hand\n"
             "       ELSE COALESCE(s.min_qty, 0) - (s.on_hand - s.reserved) END\n"
             "FROM (SELECT COALESCE(b.part_id, r.part_id) AS part_id,\n"
             "        COALESCE(b.warehouse_id, r.warehouse_id) AS warehouse_id,\n"
             "        COALESCE(b.on_hand, 0) AS on_hand, COALESCE(b.reserved, 0) AS reserved,\n"
             "        r.min_qty AS min_qty\n"
             "      FROM stock_rules r\n"
             "      LEFT JOIN stock_balances b ON b.part_id = r.part_id\n"
             "        AND b.warehouse_id = r.warehouse_id\n"
             "      WHERE r.min_qty IS NOT NULL\n"
             "      UNION ALL\n"
             "      SELECT b.part_id, b.warehouse_id, b.on_hand, b.reserved, NULL\n"
             "      FROM stock_balances b\n"
             "      WHERE b.reserved > b.on_hand AND NOT EXISTS (SELECT 1 FROM stock_rules r\n"
             "        WHERE r.part_id = b.part_id AND r.warehouse_id = b.warehouse_id\n"
             "          AND r.min_qty IS NOT NULL)) s\n"
             "JOIN parts p ON p.id = s.part_id\n"
             "JOIN warehouses w ON w.id = s.warehouse_id\n"
             "WHERE (s.on_hand - s.reserved < COALESCE(s.min_qty, 0) OR s.reserved > s.on_hand)\n"
             "  AND (CAST($1 AS BIGINT) = 0 OR w.branch_id = $1)\n"
             "ORDER BY 8 DESC, 1, 3\n"
             "LIMIT 100000",
             "i", q->branch),
        t, "tttqqqqq");
}

const struct report report_stock_shortages = {
    .name = "stock_shortages",
    .label = "report.stock_shortages",
    .perm = P_STOCK_READ,
    .columns = shortage_columns,
    .chart = "bar",
    .x = "label",
    .y = shortage_y,
    .run = shortage_run,
};

/* ---- slow movers and dead stock ---- */

static const struct report_param idle_params[] = {
    {"days", "report.param.days", 1, 3650, 90, false, NULL},
    {0},
};

static const struct report_column idle_columns[] = {
    {"key", RT_TEXT, "report.col.key"},
    {"label", RT_TEXT, "report.col.part"},
    {"warehouse", RT_TEXT, "report.col.warehouse"},
    {"status", RT_TEXT, "report.col.status"},
    {"on_hand", RT_NUMBER, "report.col.on_hand"},
    {"value", RT_NUMBER, "report.col.value"},
    {"consumed", RT_NUMBER, "report.col.consumed"},
    {"last_movement", RT_TEXT, "report.col.last_movement"},
    {"idle_days", RT_INT, "report.col.idle_days"},
    {0},
};
static const char *const idle_y[] = {"value", NULL};

/* Stock on hand that did not move for `days` days (dead), or of which less
 * than is on hand went out in that time (slow: it lasts longer than the
 * period at that pace). By value, largest first. */
static enum err_code idle_run(struct ctx *cx, struct db *db, const struct report_query *q,
                              struct report_table *t)
{
    char since[ISO_TIME_LEN];
    time_iso(q->now - q->ints[0] * 86400, since);
    struct db_stmt *st =
        db_q(db, &cx->err,
             "SELECT p.sku, p.sku || ' ' || p.name, w.name, b.on_hand, b.value,\n"
             "  (SELECT COALESCE(SUM(-m.qty), 0) FROM stock_movements m\n"
             "   WHERE m.part_id = b.part_id AND m.warehouse_id = b.warehouse_id\n"
             "     AND m.kind IN ('issue', 'sale') AND m.created_at >= $1),\n"
             "  (SELECT MAX(m.created_at) FROM stock_movements m\n"
             "   WHERE m.part_id = b.part_id AND m.warehouse_id = b.warehouse_id)\n"
             "FROM stock_balances b\n"
             "JOIN parts p ON p.id = b.part_id\n"
             "JOIN warehouses w ON w.id = b.warehouse_id\n"
             "WHERE b.on_hand > 0 AND (CAST($2 AS BIGINT) = 0 OR w.branch_id = $2)\n"
             "ORDER BY b.value DESC, p.sku\n"
             "LIMIT 100000",
             "ti", since, q->branch);
    if (!st)
        return cx->err.code;
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        int64_t on_hand = db_col_i64(st, 3), consumed = db_col_i64(st, 5);
        const char *last = db_col_null(st, 6) ? NULL : db_col_text(st, 6);
        bool dead = !last || strcmp(last, since) < 0;
        if (!dead && consumed >= on_hand)
            continue;
        struct report_cell *row = report_row(cx, t);
        for (int i = 0; i < 9; i++)
            row[i].null = false;
        row[0].s = arena_strdup(cx->a, db_col_text(st, 0));
        row[1].s = arena_strdup(cx->a, db_col_text(st, 1));
        row[2].s = arena_strdup(cx->a, db_col_text(st, 2));
        row[3].s = dead ? "dead" : "slow";
        row[4].d = (double)on_hand / 1000.0;
        row[5].d = (double)db_col_i64(st, 4) / 100.0;
        row[6].d = (double)consumed / 1000.0;
        int64_t at = 0;
        if (last && time_parse(last, &at)) {
            row[7].s = arena_strndup(cx->a, last, 10);
            row[8].i = (q->now - at) / 86400;
        } else {
            row[7].null = row[8].null = true;
        }
    }
    db_done(st);
    return step == DB_FAIL ? cx->err.code : ERR_OK;
}

const struct report report_stock_idle = {
    .name = "stock_idle",
    .label = "report.stock_idle",
    .perm = P_STOCK_READ,
    .columns = idle_columns,
    .chart = "bar",
    .x = "label",
    .y = idle_y,
    .params = idle_params,
    .run = idle_run,
};

/* ---- consumption by equipment model and month ---- */

static const struct report_column use_columns[] = {
    {"key", RT_TEXT, "report.col.key"},           {"label", RT_TEXT, "report.col.model"},
    {"period", RT_TEXT, "report.col.period"},     {"qty", RT_NUMBER, "report.col.qty"},
    {"value", RT_NUMBER, "report.col.use_value"}, {0},
};
static const char *const use_y[] = {"qty", NULL};

/* Parts issued and sold (less their reversals) per equipment model — the
 * model of the unit of the request they went to, else the first model the
 * part fits, else none — and per day or month, at cost. */
static enum err_code use_run(struct ctx *cx, struct db *db, const struct report_query *q,
                             struct report_table *t)
{
    int len = strcmp(q->step, "month") ? 10 : 7;
    const char *sql = arena_printf(
        cx->a,
        "SELECT CAST(c.model_id AS TEXT), COALESCE(MAX(em.brand || ' ' || em.model), ''),\n"
        "  c.day, SUM(c.qty), SUM(c.value)\n"
        "FROM (SELECT COALESCE(u.model_id, (SELECT MIN(pm.model_id) FROM part_models pm\n"
        "               WHERE pm.part_id = m.part_id), 0) AS model_id,\n"
        "        substr(m.created_at, 1, %d) AS day, -m.qty AS qty, -m.value AS value\n"
        "      FROM stock_movements m\n"
        "      JOIN warehouses w ON w.id = m.warehouse_id\n"
        "      LEFT JOIN requests r ON m.doc_kind = 'request' AND r.id = m.doc_id\n"
        "      LEFT JOIN equipment_units u ON u.id = r.unit_id\n"
        "      WHERE m.created_at >= $1 AND m.created_at <= $2\n"
        "        AND (CAST($3 AS BIGINT) = 0 OR w.branch_id = $3)\n"
        "        AND (m.kind IN ('issue', 'sale')\n"
        "             OR (m.kind = 'reversal' AND EXISTS (SELECT 1 FROM stock_movements o\n"
        "                  WHERE o.id = m.reverses_id AND o.kind IN ('issue', 'sale'))))) c\n"
        "LEFT JOIN equipment_models em ON em.id = c.model_id\n"
        "GROUP BY c.model_id, c.day\n"
        "ORDER BY 3, 2",
        len);
    struct db_stmt *st = db_q(db, &cx->err, sql, "tti", q->from, q->to, q->branch);
    return rows_of(cx, st, t, "tttqm");
}

const struct report report_stock_consumption = {
    .name = "stock_consumption",
    .label = "report.stock_consumption",
    .perm = P_STOCK_READ,
    .period = true,
    .steps = true,
    .columns = use_columns,
    .chart = "line",
    .x = "period",
    .series = "key",
    .y = use_y,
    .run = use_run,
};

/* ---- a part's weekly consumption with its forecast ---- */

static const struct report_param forecast_params[] = {
    {"part_id", "report.param.part", 1, INT64_MAX, 0, true, "parts"},
    {"warehouse_id", "report.param.warehouse", 1, INT64_MAX, 0, true, "warehouses"},
    {0},
};

static const struct report_column forecast_columns[] = {
    {"key", RT_TEXT, "report.col.key"},
    {"week", RT_TEXT, "report.col.week"},
    {"consumed", RT_NUMBER, "report.col.consumed"},
    {"backtest", RT_NUMBER, "report.col.backtest"},
    {"forecast", RT_NUMBER, "report.col.forecast"},
    {0},
};
static const char *const forecast_y[] = {"consumed", "backtest", "forecast", NULL};

/* The replenishment run's history and forecast of one part at one
 * warehouse, a row per week (the weeks' first days). */
static enum err_code forecast_run(struct ctx *cx, struct db *db, const struct report_query *q,
                                  struct report_table *t)
{
    (void)db;
    struct replenish_q rq;
    replenish_q_default(&rq);
    rq.warehouse_id = q->ints[1];
    rq.part_id = q->ints[0];
    rq.all = true;
    struct replenish_stats stats;
    json_t *out;
    enum err_code rc = stock_replenishment(cx, &rq, &out, &stats);
    if (rc != ERR_OK)
        return rc;
    json_t *row = json_array_get(json_object_get(out, "items"), 0);
    if (row) {
        json_t *hist = json_object_get(row, "history"), *fc = json_object_get(row, "forecast");
        json_t *weeks = fc ? json_object_get(fc, "weeks") : NULL;
        json_t *back = fc ? json_object_get(fc, "backtest") : NULL;
        int64_t from = fc ? json_integer_value(json_object_get(fc, "backtest_from")) : 0, start;
        time_parse(json_string_value(json_object_get(row, "history_start")), &start);
        size_t nh = json_array_size(hist), nf = json_array_size(weeks);
        for (size_t i = 0; i < nh + nf; i++) {
            struct report_cell *c = report_row(cx, t);
            char day[ISO_TIME_LEN];
            time_iso(start + (int64_t)i * 7 * 86400, day);
            c[0] = (struct report_cell){.s = arena_printf(cx->a, "%zu", i)};
            c[1] = (struct report_cell){.s = arena_strndup(cx->a, day, 10)};
            if (i < nh)
                c[2] = (struct report_cell){
                    .d = (double)json_integer_value(json_array_get(hist, i)) / 1000.0};
            int64_t b = (int64_t)i - from;
            if (fc && b >= 0 && (size_t)b < json_array_size(back))
                c[3] = (struct report_cell){
                    .d = (double)json_integer_value(json_array_get(back, (size_t)b)) / 1000.0};
            if (i >= nh)
                c[4] = (struct report_cell){
                    .d = (double)json_integer_value(json_array_get(weeks, i - nh)) / 1000.0};
        }
    }
    json_decref(out);
    return ERR_OK;
}

const struct report report_stock_forecast = {
    .name = "stock_forecast",
    .label = "report.stock_forecast",
    .perm = P_STOCK_READ,
    .columns = forecast_columns,
    .chart = "line",
    .x = "week",
    .y = forecast_y,
    .params = forecast_params,
    .run = forecast_run,
};
