/* counts.c — stock counts (инвентаризация) (domain layer): a sheet per
 * warehouse, or per category in it, with the book quantity of each part
 * taken when the count begins; counted quantities entered by scanning or
 * typing; posting turns the differences into adjustments in one
 * transaction. Movements during the count stay: a difference is counted −
 * book at the start, applied to the stock as it is when the count is posted. */
#include "stock.h"

#include <string.h>

#include "base/timeutil.h"
#include "core/perm.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

static const char *const count_statuses[] = {"open", "posted", "cancelled", NULL};

/* clang-format off */
static const struct field count_fields[] = {
    [COUNT_NUMBER] =       {"number",       F_TEXT,     F_READONLY | F_SEARCH | F_SORT | F_FILTER | F_LIST, 32, "count.number"},
    [COUNT_WAREHOUSE_ID] = {"warehouse_id", F_REF,      F_REQUIRED | F_CREATE_ONLY | F_FILTER | F_LIST, 0, "count.warehouse", .ref = &entity_warehouses},
    [COUNT_BRANCH_ID] =    {"branch_id",    F_REF,      F_READONLY | F_FILTER, 0, "count.branch", .ref = &entity_branches},
    [COUNT_CATEGORY] =     {"category",     F_TEXT,     F_CREATE_ONLY | F_FILTER | F_LIST, 100, "count.category"},
    [COUNT_STATUS] =       {"status",       F_ENUM,     F_READONLY | F_FILTER | F_LIST, 0, "count.status", .enums = count_statuses, .def = "open"},
    [COUNT_NOTES] =        {"notes",        F_TEXT,     F_MULTILINE, 2000, "count.notes"},
    [COUNT_POSTED_AT] =    {"posted_at",    F_DATETIME, F_READONLY | F_SORT | F_LIST, 0, "count.posted_at"},
    [COUNT_POSTING_ID] =   {"posting_id",   F_INT,      F_READONLY, 0, "count.posting"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(count_fields, COUNT__COUNT),
               "one entry per value of enum count_field");

/* A count is its warehouse's branch's; one open count per warehouse. */
static enum err_code count_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    if (old)
        return ERR_OK;
    int64_t wh = rec_get(rec, COUNT_WAREHOUSE_ID)->i, branch;
    bool found;
    enum err_code rc = db_get_i64(cx->db, &cx->err, &branch, &found,
                                  "SELECT branch_id FROM warehouses WHERE id = $1", "i", wh);
    if (rc != ERR_OK)
        return rc;
    if (!found) {
        err_field(&cx->err, "warehouse_id", "not_found");
        return ctx_fail(cx, ERR_INVALID, "no such warehouse");
    }
    if (ctx_branch(cx) && branch != ctx_branch(cx)) {
        err_field(&cx->err, "warehouse_id", "out_of_scope");
        return ctx_fail(cx, ERR_INVALID, "the warehouse is another branch's");
    }
    struct value *b = rec_set(rec, COUNT_BRANCH_ID);
    b->set = true;
    b->null = false;
    b->i = branch;
    int64_t open;
    if ((rc = db_get_i64(cx->db, &cx->err, &open, &found,
                         "SELECT id FROM stock_counts WHERE warehouse_id = $1 AND status = 'open'",
                         "i", wh)) != ERR_OK)
        return rc;
    if (found) {
        err_field(&cx->err, "warehouse_id", "count_open");
        return ctx_fail(cx, ERR_INVALID, "the warehouse has an open count already");
    }
    return ERR_OK;
}

/* The sheet: every part the warehouse has or had (of the category), with
 * its book quantity and cost now. */
static enum err_code count_after_write(struct ctx *cx, const struct record *rec,
                                       const struct record *old)
{
    if (old)
        return ERR_OK;
    const struct value *cat = rec_get(rec, COUNT_CATEGORY);
    return db_run(cx->db, &cx->err,
                  "INSERT INTO stock_count_lines (count_id, part_id, book_qty, unit_cost)\n"
                  "SELECT $1, b.part_id, b.on_hand,\n"
                  "  CASE WHEN b.on_hand > 0 THEN (b.value * 1000 + b.on_hand / 2) / b.on_hand\n"
                  "       ELSE p.purchase_price END\n"
                  "FROM stock_balances b\n"
                  "JOIN parts p ON p.id = b.part_id\n"
                  "WHERE b.warehouse_id = $2\n"
                  "  AND (CAST($3 AS TEXT) IS NULL OR p.category = $3)\n"
                  "  AND (b.on_hand <> 0 OR b.reserved <> 0 OR b.in_transit <> 0)",
                  "iit", rec->id, rec_get(rec, COUNT_WAREHOUSE_ID)->i, cat->null ? NULL : cat->s);
}

const struct entity entity_stock_counts = {
    .name = "stock_counts",
    .table = "stock_counts",
    .label = "entity.stock_counts",
    .fields = count_fields,
    .display_sql = "number",
    .perm_read = P_STOCK_READ,
    .perm_write = P_STOCK_WRITE,
    .perm_delete = P_STOCK_WRITE,
    .branch_field = "branch_id",
    .check = count_check,
    .after_write = count_after_write,
    .number_field = "number",
    .number_series = "ИН",
};

struct count_head {
    int64_t warehouse_id;
    const char *status, *category;
};

static enum err_code count_lock(struct ctx *cx, int64_t id, struct count_head *h)
{
    const char *sql = arena_printf(
        cx->a, "SELECT warehouse_id, status, category FROM stock_counts WHERE id = $1%s",
        db_sql_for_update(cx->db));
    struct db_stmt *st = db_q(cx->db, &cx->err, sql, "i", id);
    if (!st)
        return cx->err.code;
    int r = db_step(st);
    if (r == DB_ROW) {
        h->warehouse_id = db_col_i64(st, 0);
        h->status = arena_strdup(cx->a, db_col_text(st, 1));
        h->category = db_col_null(st, 2) ? NULL : arena_strdup(cx->a, db_col_text(st, 2));
    }
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    if (r != DB_ROW)
        return ctx_fail(cx, ERR_NOTFOUND, "no such count");
    if (strcmp(h->status, "open"))
        return ctx_fail(cx, ERR_CONFLICT, "the count is %s", h->status);
    return ERR_OK;
}

/* The count's new state, versioned and audited like any change. */
static enum err_code count_mark(struct ctx *cx, int64_t id, const char *status,
                                const char *posted_at, int64_t posting_id)
{
    struct record *rec, *patch = record_new(cx, &entity_stock_counts), *out;
    enum err_code rc = entity_get(cx, &entity_stock_counts, id, &rec);
    if (rc != ERR_OK)
        return rc;
    struct value *v = rec_set(patch, COUNT_STATUS);
    v->set = true;
    v->s = status;
    if (posted_at) {
        v = rec_set(patch, COUNT_POSTED_AT);
        v->set = true;
        v->s = posted_at;
        v = rec_set(patch, COUNT_POSTING_ID);
        v->set = true;
        v->null = posting_id == 0;
        v->i = posting_id;
    }
    return entity_update_system(cx, &entity_stock_counts, id, rec->version, patch,
                                !strcmp(status, "posted") ? "post" : "cancel", &out);
}

static enum err_code enter_tx(struct ctx *cx, int64_t count_id, int64_t part, int64_t qty, bool add)
{
    struct count_head h;
    enum err_code rc = entity_visible(cx, &entity_stock_counts, count_id);
    if (rc == ERR_OK)
        rc = count_lock(cx, count_id, &h);
    if (rc != ERR_OK)
        return rc;
    if (qty < 0 || (add && qty == 0) || qty > STOCK_QTY_MAX) {
        err_field(&cx->err, "qty", qty < 0 || qty == 0 ? "must_be_positive" : "too_large");
        return ctx_fail(cx, ERR_INVALID, "a counted quantity is from 0 to a million units");
    }
    struct db_stmt *st =
        db_q(cx->db, &cx->err, "SELECT category FROM parts WHERE id = $1", "i", part);
    if (!st)
        return cx->err.code;
    int r = db_step(st);
    bool other =
        r == DB_ROW && h.category && (db_col_null(st, 0) || strcmp(db_col_text(st, 0), h.category));
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    if (r != DB_ROW) {
        err_field(&cx->err, "part_id", "not_found");
        return ctx_fail(cx, ERR_INVALID, "no such part");
    }
    if (other) {
        err_field(&cx->err, "part_id", "other_category");
        return ctx_fail(cx, ERR_INVALID, "the count is of another category");
    }
    /* a part found that the sheet did not list: none on the books then */
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    if ((rc = db_run(cx->db, &cx->err,
                     "INSERT INTO stock_count_lines (count_id, part_id, book_qty, unit_cost)\n"
                     "SELECT $1, id, 0, purchase_price FROM parts WHERE id = $2\n"
                     "ON CONFLICT (count_id, part_id) DO NOTHING",
                     "ii", count_id, part)) != ERR_OK)
        return rc;
    return db_run(cx->db, &cx->err,
                  add ? "UPDATE stock_count_lines SET counted = COALESCE(counted, 0) + $3,\n"
                        "  counted_at = $4\n"
                        "WHERE count_id = $1 AND part_id = $2"
                      : "UPDATE stock_count_lines SET counted = $3, counted_at = $4\n"
                        "WHERE count_id = $1 AND part_id = $2",
                  "iiit", count_id, part, qty, now);
}

enum err_code stock_count_enter(struct ctx *cx, int64_t count_id, int64_t part_id, int64_t qty,
                                bool add)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, enter_tx(cx, count_id, part_id, qty, add));
}

static enum err_code post_tx(struct ctx *cx, int64_t count_id, int64_t *posting_id)
{
    struct count_head h;
    enum err_code rc = count_lock(cx, count_id, &h);
    if (rc != ERR_OK)
        return rc;
    /* lines not counted are taken as counted zero: the whole sheet is the count */
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT part_id, COALESCE(counted, 0) - book_qty, unit_cost\n"
                              "FROM stock_count_lines\n"
                              "WHERE count_id = $1 AND COALESCE(counted, 0) <> book_qty\n"
                              "ORDER BY part_id",
                              "i", count_id);
    if (!st)
        return cx->err.code;
    int n = 0, cap = 0, r;
    int64_t(*d)[3] = NULL;
    while ((r = db_step(st)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            int64_t(*m)[3] = arena_alloc(cx->a, sizeof(*m) * (size_t)cap);
            if (n)
                memcpy(m, d, sizeof(*m) * (size_t)n);
            d = m;
        }
        d[n][0] = db_col_i64(st, 0);
        d[n][1] = db_col_i64(st, 1);
        d[n][2] = db_col_i64(st, 2);
        n++;
    }
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    *posting_id = 0;
    if (n && (rc = stock_posting_new(cx, "adjustment", h.warehouse_id, "count", count_id,
                                     posting_id)) != ERR_OK)
        return rc;
    for (int i = 0; i < n; i++)
        if ((rc = stock_adjust(cx, *posting_id, "count", count_id, d[i][0], h.warehouse_id, d[i][1],
                               d[i][2], arena_printf(cx->a, "parts.%lld", (long long)d[i][0]))) !=
            ERR_OK)
            return rc;
    if (n && (rc = stock_posting_audit(cx, *posting_id, "post")) != ERR_OK)
        return rc;
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    return count_mark(cx, count_id, "posted", now, *posting_id);
}

enum err_code stock_count_post(struct ctx *cx, int64_t count_id, int64_t *posting_id)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, post_tx(cx, count_id, posting_id));
}

static enum err_code cancel_tx(struct ctx *cx, int64_t count_id)
{
    struct count_head h;
    enum err_code rc = count_lock(cx, count_id, &h);
    if (rc != ERR_OK)
        return rc;
    return count_mark(cx, count_id, "cancelled", NULL, 0);
}

enum err_code stock_count_cancel(struct ctx *cx, int64_t count_id)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, cancel_tx(cx, count_id));
}
