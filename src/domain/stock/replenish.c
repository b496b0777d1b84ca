/* replenish.c — replenishment per warehouse (domain layer): the planner's
 * rules (stock_rules: min/max and lead time per part and warehouse), the run
 * that suggests what to order, and the suggestions people accepted
 * (replenishment_lines), which a purchase order module takes.
 *
 * The run reads the ledger once, grouped in SQL by part and day (issues and
 * sales, less their reversals, over the last REPLENISH_WEEKS_MAX weeks),
 * folds the days into weeks ending today, and for every part that has
 * consumption or a rule lets forecast.c choose a model by backtest error,
 * forecast, and work out the safety stock, the reorder point and the order.
 * A min/max rule overrides the forecast (the planner's explicit decision);
 * the forecast is still shown beside it. */
#include "stock.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/settings.h"
#include "base/timeutil.h"
#include "core/perm.h"
#include "domain/stock/forecast.h"
#include "base/banned.h"

/* ---- the rules: an entity (generic CRUD, lists, forms) ---- */

/* clang-format off */
static const struct field rule_fields[] = {
    [SRULE_PART_ID] =      {"part_id",        F_REF, F_REQUIRED | F_UNIQUE | F_FILTER | F_LIST | F_CREATE_ONLY, 0, "stock_rule.part", .ref = &entity_parts, .unique_with = "warehouse_id"},
    [SRULE_WAREHOUSE_ID] = {"warehouse_id",   F_REF, F_REQUIRED | F_FILTER | F_LIST | F_CREATE_ONLY, 0, "stock_rule.warehouse", .ref = &entity_warehouses},
    [SRULE_MIN_QTY] =      {"min_qty",        F_INT, F_LIST | F_QTY, STOCK_QTY_MAX * 1000, "stock_rule.min_qty", .min = 0},
    [SRULE_MAX_QTY] =      {"max_qty",        F_INT, F_LIST | F_QTY, STOCK_QTY_MAX * 1000, "stock_rule.max_qty", .min = 0},
    [SRULE_LEAD_TIME] =    {"lead_time_days", F_INT, F_LIST, FORECAST_LEAD_DAYS_MAX, "stock_rule.lead_time_days", .min = 0},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(rule_fields, SRULE__COUNT),
               "one entry per value of enum stock_rule_field");

/* min and max come together, min ≤ max, max > 0. */
static enum err_code rule_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    (void)old;
    const struct value *mn = rec_get(rec, SRULE_MIN_QTY), *mx = rec_get(rec, SRULE_MAX_QTY);
    if (mn->null != mx->null) {
        err_field(&cx->err, mn->null ? "min_qty" : "max_qty", "required");
        return ctx_fail(cx, ERR_INVALID, "%s: min and max go together",
                        mn->null ? "min_qty" : "max_qty");
    }
    if (!mn->null && (mx->i < mn->i || mx->i == 0)) {
        err_field(&cx->err, "max_qty", "below_min");
        return ctx_fail(cx, ERR_INVALID, "max_qty: must be above zero and not below min_qty");
    }
    return ERR_OK;
}

const struct entity entity_stock_rules = {
    .name = "stock_rules",
    .table = "stock_rules",
    .label = "entity.stock_rules",
    .fields = rule_fields,
    .display_sql = "CAST(part_id AS TEXT)",
    .perm_read = P_STOCK_READ,
    .perm_write = P_PURCHASING_WRITE,
    .perm_delete = P_PURCHASING_WRITE,
    .check = rule_check,
};

/* ---- on order: the purchase order module's hook ---- */

stock_on_order_fn *stock_on_order_hook;

/* ---- the run ---- */

struct day_row {
    int64_t part;
    int64_t day; /* days since 1970-01-01 */
    int64_t qty; /* consumed, thousandths (may be < 0 after returns) */
};

struct cand {
    int64_t part, on_hand, reserved, on_order, accepted, purchase_price;
    const char *sku, *name, *unit;
    bool has_rule, minmax;
    int64_t min_qty, max_qty;
    int lead_days; /* -1: the setting */
};

static int64_t day_of(const char *iso)
{
    int64_t t;
    return time_parse(iso, &t) ? t / 86400 : 0;
}

/* Reads the consumption of the warehouse since `since` (a date), by part
 * and day, into an arena array ordered by part. */
static enum err_code read_days(struct ctx *cx, struct db *db, int64_t wh, const char *since,
                               int64_t part, struct day_row **out, int *n)
{
    struct db_stmt *st =
        db_q(db, &cx->err,
             "SELECT m.part_id, substr(m.created_at, 1, 10), SUM(-m.qty)\n"
             "FROM stock_movements m\n"
             "WHERE m.warehouse_id = $1 AND m.created_at >= $2\n"
             "  AND (CAST($3 AS BIGINT) = 0 OR m.part_id = $3)\n"
             "  AND (m.kind IN ('issue', 'sale')\n"
             "       OR (m.kind = 'reversal' AND EXISTS (SELECT 1 FROM stock_movements r\n"
             "            WHERE r.id = m.reverses_id AND r.kind IN ('issue', 'sale'))))\n"
             "GROUP BY m.part_id, substr(m.created_at, 1, 10)\n"
             "ORDER BY m.part_id, 2",
             "iti", wh, since, part);
    if (!st)
        return cx->err.code;
    int cap = 1024, k = 0, step;
    struct day_row *v = malloc(sizeof(*v) * (size_t)cap);
    while ((step = db_step(st)) == DB_ROW) {
        if (k == cap) {
            cap *= 2;
            v = realloc(v, sizeof(*v) * (size_t)cap);
        }
        v[k].part = db_col_i64(st, 0);
        v[k].day = day_of(db_col_text(st, 1));
        v[k].qty = db_col_i64(st, 2);
        k++;
    }
    db_done(st);
    if (step == DB_FAIL) {
        free(v);
        return cx->err.code;
    }
    *out = arena_alloc(cx->a, sizeof(**out) * (size_t)(k ? k : 1));
    if (k)
        memcpy(*out, v, sizeof(*v) * (size_t)k);
    free(v);
    *n = k;
    return ERR_OK;
}

/* The parts the warehouse has a balance or a rule for, with both. */
static enum err_code read_cands(struct ctx *cx, struct db *db, int64_t wh, int64_t part,
                                struct cand **out, int *n)
{
    struct db_stmt *st =
        db_q(db, &cx->err,
             "SELECT p.id, p.sku, p.name, p.unit, p.purchase_price,\n"
             "  COALESCE(b.on_hand, 0), COALESCE(b.reserved, 0),\n"
             "  r.id, r.min_qty, r.max_qty, r.lead_time_days,\n"
             "  (SELECT SUM(l.qty) FROM replenishment_lines l\n"
             "   WHERE l.status = 'accepted' AND l.warehouse_id = $1\n"
             "     AND l.part_id = p.id)\n"
             "FROM parts p\n"
             "LEFT JOIN stock_balances b ON b.part_id = p.id AND b.warehouse_id = $1\n"
             "LEFT JOIN stock_rules r ON r.part_id = p.id AND r.warehouse_id = $1\n"
             "WHERE (b.id IS NOT NULL OR r.id IS NOT NULL)\n"
             "  AND (CAST($2 AS BIGINT) = 0 OR p.id = $2)\n"
             "ORDER BY p.id",
             "ii", wh, part);
    if (!st)
        return cx->err.code;
    int cap = 1024, k = 0, step;
    struct cand *v = malloc(sizeof(*v) * (size_t)cap);
    while ((step = db_step(st)) == DB_ROW) {
        if (k == cap) {
            cap *= 2;
            v = realloc(v, sizeof(*v) * (size_t)cap);
        }
        struct cand *c = &v[k++];
        memset(c, 0, sizeof(*c));
        c->part = db_col_i64(st, 0);
        c->sku = arena_strdup(cx->a, db_col_text(st, 1));
        c->name = arena_strdup(cx->a, db_col_text(st, 2));
        c->unit = arena_strdup(cx->a, db_col_text(st, 3));
        c->purchase_price = db_col_i64(st, 4);
        c->on_hand = db_col_i64(st, 5);
        c->reserved = db_col_i64(st, 6);
        c->has_rule = !db_col_null(st, 7);
        c->minmax = !db_col_null(st, 8) && !db_col_null(st, 9);
        c->min_qty = db_col_i64(st, 8);
        c->max_qty = db_col_i64(st, 9);
        c->lead_days = db_col_null(st, 10) ? -1 : (int)db_col_i64(st, 10);
        c->accepted = db_col_i64(st, 11);
    }
    db_done(st);
    if (step == DB_FAIL) {
        free(v);
        return cx->err.code;
    }
    *out = arena_alloc(cx->a, sizeof(**out) * (size_t)(k ? k : 1));
    if (k)
        memcpy(*out, v, sizeof(*v) * (size_t)k);
    free(v);
    *n = k;
    return ERR_OK;
}

static int cand_cmp(const void *key, const void *elem)
{
    int64_t a = *(const int64_t *)key, b = ((const struct cand *)elem)->part;
    return a < b ? -1 : a > b;
}

static void add_on_order(int64_t part, int64_t qty, void *arg)
{
    struct cand *cs = ((struct cand **)arg)[0];
    int n = (int)(intptr_t)((struct cand **)arg)[1];
    struct cand *c = bsearch(&part, cs, (size_t)n, sizeof(*cs), cand_cmp);
    if (c)
        c->on_order += qty;
}

static json_t *num_or_null(bool ok, double v)
{
    return ok && isfinite(v) ? json_real(round(v * 100) / 100) : json_null();
}

static json_t *qty_array(const double *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_integer((json_int_t)llround(v[i])));
    return a;
}

/* One part's suggestion as JSON; NULL when it has nothing to go by or no
 * order is needed (and !all). */
static json_t *part_row(struct ctx *cx, const struct replenish_q *q, const struct cand *c,
                        const struct day_row *days, int ndays, int64_t today,
                        struct forecast_result *fc, struct replenish_stats *stats)
{
    int64_t hist[REPLENISH_WEEKS_MAX];
    int weeks = 0;
    if (ndays) {
        /* rolling weeks ending today: week w of W covers the 7 days ending
         * today − 7·(W−1−w) */
        int64_t first = days[0].day;
        weeks = (int)((today - first) / 7) + 1;
        if (weeks > REPLENISH_WEEKS_MAX)
            weeks = REPLENISH_WEEKS_MAX;
        memset(hist, 0, sizeof(hist));
        for (int i = 0; i < ndays; i++) {
            int64_t back = (today - days[i].day) / 7;
            if (back < 0 || back >= weeks)
                continue;
            hist[weeks - 1 - back] += days[i].qty;
        }
        for (int i = 0; i < weeks; i++)
            if (hist[i] < 0)
                hist[i] = 0; /* more came back than went out: no demand */
    }
    if (!weeks && !c->minmax)
        return NULL;
    stats->evaluated++;
    int lead = c->lead_days >= 0 ? c->lead_days : q->lead_days;
    struct forecast_config cfg;
    forecast_config_default(&cfg);
    int reach = (lead + q->review_days + 6) / 7 + 1;
    if (reach > cfg.horizon)
        cfg.horizon = reach > FORECAST_HORIZON_MAX ? FORECAST_HORIZON_MAX : reach;
    bool have_fc = false;
    struct err fe = {0};
    if (weeks && forecast_select(hist, weeks, &cfg, fc, &fe) == ERR_OK)
        have_fc = true;
    struct forecast_stock s;
    forecast_stock_default(&s);
    s.on_hand = c->on_hand > 0 ? c->on_hand : 0;
    s.reserved = c->reserved > 0 ? c->reserved : 0;
    s.on_order = c->on_order > 0 ? c->on_order : 0;
    s.lead_time_days = lead;
    s.review_days = q->review_days;
    s.service_level = q->service_level;
    s.minmax = c->minmax;
    s.min_qty = c->min_qty;
    /* pieces are ordered whole; metres and litres as they come */
    s.pack = strcmp(c->unit, "pcs") ? 0 : 1000;
    s.max_qty = c->max_qty;
    struct forecast_order o;
    if (forecast_replenish(have_fc ? fc : NULL, &s, &o, &fe) != ERR_OK)
        return NULL;
    if (o.quantity > 0)
        stats->suggested++;
    if (!q->all && o.quantity <= 0)
        return NULL;
    json_t *row = json_pack(
        "{s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:I,s:I,s:I,s:I,s:I,s:i,s:i,s:b}", "part_id",
        (json_int_t)c->part, "sku", c->sku, "name", c->name, "unit", c->unit, "purchase_price",
        (json_int_t)c->purchase_price, "on_hand", (json_int_t)c->on_hand, "reserved",
        (json_int_t)c->reserved, "on_order", (json_int_t)c->on_order, "accepted_qty",
        (json_int_t)c->accepted, "position", (json_int_t)o.position, "rule",
        o.rule == FR_MINMAX ? "minmax" : "forecast", "suggested_qty", (json_int_t)o.quantity,
        "need", (json_int_t)o.need, "reorder_point", (json_int_t)o.reorder_point, "order_up_to",
        (json_int_t)o.order_up_to, "value",
        (json_int_t)stock_value_of(o.quantity, c->purchase_price), "lead_time_days", lead, "weeks",
        weeks, "reorder", o.reorder);
    json_object_set_new(row, "min_qty", c->minmax ? json_integer(c->min_qty) : json_null());
    json_object_set_new(row, "max_qty", c->minmax ? json_integer(c->max_qty) : json_null());
    json_t *h = json_array();
    for (int i = 0; i < weeks; i++)
        json_array_append_new(h, json_integer(hist[i]));
    json_object_set_new(row, "history", h);
    /* the first day of the first week of history */
    char start[ISO_TIME_LEN];
    time_iso((today - 7 * (int64_t)weeks + 1) * 86400, start);
    start[10] = 0;
    json_object_set_new(row, "history_start", json_string(weeks ? start : ""));
    if (have_fc) {
        const struct forecast_score *sc = &fc->scores[fc->model];
        json_object_set_new(
            row, "forecast",
            json_pack("{s:s,s:o,s:i,s:o,s:o,s:o,s:o,s:s,s:b,s:o,s:s,s:I,s:o,s:o,s:o}", "model",
                      fc->name, "weeks", qty_array(fc->forecast, fc->horizon), "backtest_from",
                      fc->first_origin, "backtest", qty_array(fc->backtest, fc->origins), "mape",
                      num_or_null(sc->mape_points > 0, sc->mape), "mase",
                      num_or_null(fc->scale_ok && sc->points > 0, sc->mase), "mae",
                      num_or_null(sc->points > 0, sc->mae), "criterion", fc->criterion,
                      "intermittent", fc->intermittent, "sigma", num_or_null(true, fc->sigma),
                      "sigma_source", fc->sigma_source, "safety_stock", (json_int_t)o.safety_stock,
                      "demand_lead", num_or_null(true, o.demand_lead), "demand_review",
                      num_or_null(true, o.demand_review), "z",
                      json_real(round(o.z * 10000) / 10000)));
        json_object_set_new(row, "forecast_reorder_point",
                            json_pack("{s:I,s:I}", "reorder_point",
                                      (json_int_t)o.forecast_reorder_point, "order_up_to",
                                      (json_int_t)o.forecast_order_up_to));
    } else {
        json_object_set_new(row, "forecast", json_null());
    }
    json_object_set_new(row, "safety_stock", json_integer(o.safety_stock));
    return row;
}

enum err_code stock_replenishment(struct ctx *cx, const struct replenish_q *q, json_t **out,
                                  struct replenish_stats *stats)
{
    struct record *wh;
    *out = NULL;
    memset(stats, 0, sizeof(*stats));
    enum err_code rc = entity_get(cx, &entity_warehouses, q->warehouse_id, &wh);
    if (rc != ERR_OK)
        return rc;
    struct db *db = ctx_read_db(cx);
    char now[ISO_TIME_LEN], since[ISO_TIME_LEN];
    time_now_iso(now);
    int64_t today = time_now() / 86400;
    time_iso((today - 7 * REPLENISH_WEEKS_MAX + 1) * 86400, since);
    since[10] = 0;
    struct day_row *days = NULL;
    struct cand *cs = NULL;
    int ndays = 0, ncs = 0;
    if ((rc = read_days(cx, db, q->warehouse_id, since, q->part_id, &days, &ndays)) != ERR_OK ||
        (rc = read_cands(cx, db, q->warehouse_id, q->part_id, &cs, &ncs)) != ERR_OK)
        return rc;
    if (stock_on_order_hook) {
        void *arg[2] = {cs, (void *)(intptr_t)ncs};
        if ((rc = stock_on_order_hook(cx, q->warehouse_id, add_on_order, arg)) != ERR_OK)
            return rc;
    }
    struct forecast_result *fc = malloc(sizeof(*fc));
    json_t *items = json_array();
    int d = 0;
    for (int i = 0; i < ncs; i++) {
        const struct cand *c = &cs[i];
        while (d < ndays && days[d].part < c->part)
            d++;
        int from = d;
        while (d < ndays && days[d].part == c->part)
            d++;
        json_t *row = part_row(cx, q, c, days + from, d - from, today, fc, stats);
        if (row)
            json_array_append_new(items, row);
        stats->parts++;
    }
    free(fc);
    stats->movement_days = ndays;
    *out = json_pack("{s:I,s:s,s:f,s:i,s:i,s:s,s:o,s:I,s:I,s:I}", "warehouse_id",
                     (json_int_t)q->warehouse_id, "warehouse", rec_get(wh, WAREHOUSE_NAME)->s,
                     "service_level", q->service_level, "lead_time_days", q->lead_days,
                     "review_days", q->review_days, "until", now, "items", items, "parts",
                     (json_int_t)stats->parts, "evaluated", (json_int_t)stats->evaluated,
                     "suggested", (json_int_t)stats->suggested);
    return ERR_OK;
}

void replenish_q_default(struct replenish_q *q)
{
    memset(q, 0, sizeof(*q));
    q->service_level = 0.95;
    q->lead_days = (int)setting_int(SET_STOCK_LEAD_DAYS);
    q->review_days = (int)setting_int(SET_STOCK_REVIEW_DAYS);
}

/* ---- accepted suggestions ---- */

enum err_code stock_replenish_accept(struct ctx *cx, int64_t wh, const struct replenish_line *lines,
                                     int n)
{
    struct record *w;
    enum err_code rc = entity_get(cx, &entity_warehouses, wh, &w);
    if (rc != ERR_OK)
        return rc;
    if (n < 1) {
        err_field(&cx->err, "lines", "required");
        return ctx_fail(cx, ERR_INVALID, "lines: none");
    }
    for (int i = 0; i < n; i++) {
        const struct replenish_line *l = &lines[i];
        const char *f = NULL;
        if (l->qty <= 0)
            f = "qty";
        else if (l->qty > STOCK_QTY_MAX * 1000)
            f = "qty";
        else if (l->rule && strcmp(l->rule, "minmax") && strcmp(l->rule, "forecast") &&
                 strcmp(l->rule, "manual"))
            f = "rule";
        if (f) {
            const char *name = arena_printf(cx->a, "lines.%d.%s", i, f);
            err_field(&cx->err, name, "invalid");
            return ctx_fail(cx, ERR_INVALID, "%s: invalid", name);
        }
    }
    bool own;
    if ((rc = db_begin_own(cx->db, &cx->err, &own)) != ERR_OK)
        return rc;
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    for (int i = 0; rc == ERR_OK && i < n; i++) {
        const struct replenish_line *l = &lines[i];
        bool found;
        int64_t one;
        rc = db_get_i64(cx->db, &cx->err, &one, &found, "SELECT 1 FROM parts WHERE id = $1", "i",
                        l->part_id);
        if (rc == ERR_OK && !found) {
            const char *name = arena_printf(cx->a, "lines.%d.part_id", i);
            err_field(&cx->err, name, "not_found");
            rc = ctx_fail(cx, ERR_INVALID, "%s: no part %lld", name, (long long)l->part_id);
        }
        /* a part accepted again replaces what waited for it */
        if (rc == ERR_OK)
            rc = db_run(cx->db, &cx->err,
                        "UPDATE replenishment_lines SET status = 'dropped', updated_at = $3\n"
                        "WHERE status = 'accepted' AND warehouse_id = $1 AND part_id = $2",
                        "iit", wh, l->part_id, now);
        if (rc == ERR_OK)
            rc = db_run(cx->db, &cx->err,
                        "INSERT INTO replenishment_lines (part_id, warehouse_id, qty,\n"
                        "  suggested_qty, rule, supplier_id, status, user_id, created_at,\n"
                        "  updated_at)\n"
                        "VALUES ($1, $2, $3, $4, $5, $6, 'accepted', $7, $8, $8)",
                        "iiiitIIt", l->part_id, wh, l->qty, l->suggested_qty,
                        l->rule ? l->rule : "manual", l->supplier_id, cx->user ? cx->user->id : 0,
                        now);
    }
    return db_end_own(cx->db, &cx->err, own, rc);
}

enum err_code stock_replenish_open(struct ctx *cx, int64_t wh, struct replenish_line **out, int *n)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT l.id, l.part_id, l.warehouse_id, l.qty, l.suggested_qty,\n"
                              "  l.rule, l.supplier_id, l.created_at\n"
                              "FROM replenishment_lines l\n"
                              "JOIN warehouses w ON w.id = l.warehouse_id\n"
                              "WHERE l.status = 'accepted'\n"
                              "  AND (CAST($1 AS BIGINT) = 0 OR l.warehouse_id = $1)\n"
                              "  AND (CAST($2 AS BIGINT) = 0 OR w.branch_id = $2)\n"
                              "ORDER BY l.id\n"
                              "LIMIT 10000",
                              "ii", wh, ctx_branch(cx));
    if (!st)
        return cx->err.code;
    int cap = 64, step;
    struct replenish_line *v = arena_alloc(cx->a, sizeof(*v) * (size_t)cap);
    while ((step = db_step(st)) == DB_ROW) {
        if (*n == cap) {
            struct replenish_line *w = arena_alloc(cx->a, sizeof(*v) * (size_t)cap * 2);
            memcpy(w, v, sizeof(*v) * (size_t)cap);
            v = w;
            cap *= 2;
        }
        struct replenish_line *l = &v[(*n)++];
        l->id = db_col_i64(st, 0);
        l->part_id = db_col_i64(st, 1);
        l->warehouse_id = db_col_i64(st, 2);
        l->qty = db_col_i64(st, 3);
        l->suggested_qty = db_col_i64(st, 4);
        l->rule = arena_strdup(cx->a, db_col_text(st, 5));
        l->supplier_id = db_col_null(st, 6) ? 0 : db_col_i64(st, 6);
        l->created_at = arena_strdup(cx->a, db_col_text(st, 7));
    }
    db_done(st);
    *out = v;
    return step == DB_FAIL ? cx->err.code : ERR_OK;
}

enum err_code stock_replenish_take(struct ctx *cx, int64_t line_id, const char *doc_kind,
                                   int64_t doc_id)
{
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    bool found;
    int64_t id;
    enum err_code rc = db_get_i64(cx->db, &cx->err, &id, &found,
                                  "UPDATE replenishment_lines SET status = $2, doc_kind = $3,\n"
                                  "  doc_id = $4, updated_at = $5\n"
                                  "WHERE id = $1 AND status = 'accepted'\n"
                                  "  AND (CAST($6 AS BIGINT) = 0 OR warehouse_id IN\n"
                                  "       (SELECT id FROM warehouses WHERE branch_id = $6))\n"
                                  "RETURNING id",
                                  "ittIti", line_id, doc_kind ? "ordered" : "dropped", doc_kind,
                                  doc_id, now, ctx_branch(cx));
    if (rc == ERR_OK && !found)
        return ctx_fail(cx, ERR_CONFLICT, "replenishment line %lld is not waiting",
                        (long long)line_id);
    return rc;
}
