/* receipts.c — goods received against a purchase order and goods returned
 * to a supplier (domain layer). Both post through the stock ledger
 * (stock_post) in the caller's transaction: a receipt is a posting of
 * receipt movements with the order as its document, a return one of
 * return_out movements with the return as its document. */
#include "orders.h"

#include <string.h>

#include "base/text.h"
#include "base/timeutil.h"
#include "core/perm.h"
#include "core/timeline.h"
#include "domain/purchasing/purchasing.h"
#include "domain/registry/registry.h"
#include "domain/stock/stock.h"
#include "base/banned.h"

static enum err_code invalid(struct ctx *cx, const char *field, const char *code, const char *msg)
{
    err_field(&cx->err, field, code);
    return ctx_fail(cx, ERR_INVALID, "%s", msg);
}

static void set_text(struct ctx *cx, struct record *r, int field, const char *s)
{
    struct value *v = rec_set(r, field);
    v->set = true, v->null = !s, v->s = s ? arena_strdup(cx->a, s) : NULL;
}

static void set_int(struct record *r, int field, int64_t i)
{
    struct value *v = rec_set(r, field);
    v->set = true, v->null = false, v->i = i;
}

static bool is_null(const struct record *r, int field)
{
    const struct value *v = rec_get(r, field);
    return !v->set || v->null;
}

static const char *now_iso(struct ctx *cx)
{
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    return arena_strdup(cx->a, now);
}

/* "3", "2.5": a quantity in thousandths as people write it */
static const char *qty_text(struct ctx *cx, int64_t q)
{
    if (q % 1000 == 0)
        return arena_printf(cx->a, "%lld", (long long)(q / 1000));
    return arena_printf(cx->a, "%lld.%03lld", (long long)(q / 1000), (long long)(q % 1000));
}

static const char *posting_number(struct ctx *cx, int64_t id)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err, "SELECT number FROM stock_postings WHERE id = $1", "i", id);
    const char *n = NULL;
    if (st && db_step(st) == DB_ROW)
        n = arena_strdup(cx->a, db_col_text(st, 0));
    if (st)
        db_done(st);
    return n;
}

/* ---- receiving against an order ---- */

struct po_line {
    int64_t id, part_id, qty, received, price;
    const char *vat, *sku;
};

static enum err_code po_lines_load(struct ctx *cx, int64_t po, struct po_line **out, int *n)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT l.id, l.part_id, l.qty, l.received_qty, l.price, l.vat,\n"
                              "  p.sku\n"
                              "FROM purchase_order_lines l JOIN parts p ON p.id = l.part_id\n"
                              "WHERE l.po_id = $1 ORDER BY l.line_no",
                              "i", po);
    if (!st)
        return cx->err.code;
    *out = arena_alloc(cx->a, sizeof(**out) * PO_MAX_LINES);
    *n = 0;
    int r;
    while ((r = db_step(st)) == DB_ROW && *n < PO_MAX_LINES) {
        struct po_line *l = &(*out)[(*n)++];
        l->id = db_col_i64(st, 0);
        l->part_id = db_col_i64(st, 1);
        l->qty = db_col_i64(st, 2);
        l->received = db_col_i64(st, 3);
        l->price = db_col_i64(st, 4);
        l->vat = arena_strdup(cx->a, db_col_text(st, 5));
        l->sku = arena_strdup(cx->a, db_col_text(st, 6));
    }
    db_done(st);
    return r == DB_FAIL ? cx->err.code : ERR_OK;
}

static enum err_code receive_tx(struct ctx *cx, int64_t po, int64_t version,
                                const struct po_receipt_line *in, int n, bool accept_over,
                                const char *over_reason, int64_t *posting_id, struct record **out)
{
    struct po_head h;
    enum err_code rc = po_lock(cx, po, &h);
    if (rc != ERR_OK)
        return rc;
    if (h.version != version)
        return ctx_fail(cx, ERR_CONFLICT, "the order was changed meanwhile: reload it");
    if (strcmp(h.status, "sent") && strcmp(h.status, "partially_received"))
        return ctx_fail(cx, ERR_CONFLICT,
                        "goods are received against a sent order (this one is %s)", h.status);
    if (n < 1)
        return invalid(cx, "lines", "required", "a receipt has at least one line");
    if (n > PO_MAX_LINES)
        return invalid(cx, "lines", "too_many", "a receipt has at most 500 lines");
    struct po_line *pl = NULL;
    int npl = 0;
    if ((rc = po_lines_load(cx, po, &pl, &npl)) != ERR_OK)
        return rc;
    struct stock_line *sl = arena_alloc(cx->a, sizeof(*sl) * (size_t)n);
    int *which = arena_alloc(cx->a, sizeof(*which) * (size_t)n);
    bool over = false;
    for (int i = 0; i < n; i++) {
        const char *f = arena_printf(cx->a, "lines.%d.", i);
        int k = 0;
        while (k < npl && pl[k].part_id != in[i].part_id)
            k++;
        if (k == npl)
            return invalid(cx, arena_printf(cx->a, "%spart_id", f), "not_ordered",
                           "the part is not on the order");
        for (int j = 0; j < i; j++)
            if (which[j] == k)
                return invalid(cx, arena_printf(cx->a, "%spart_id", f), "duplicate",
                               "a part is on one line of a receipt");
        which[i] = k;
        if (in[i].qty <= 0 || in[i].qty > STOCK_QTY_MAX)
            return invalid(cx, arena_printf(cx->a, "%sqty", f),
                           in[i].qty <= 0 ? "must_be_positive" : "too_large",
                           "a quantity is more than zero and at most a million units");
        int64_t open = pl[k].qty > pl[k].received ? pl[k].qty - pl[k].received : 0;
        if (in[i].qty > open) {
            over = true;
            if (!accept_over) {
                err_field(&cx->err, arena_printf(cx->a, "%sqty", f), "over_delivery");
                err_field(&cx->err, "open", arena_printf(cx->a, "%lld", (long long)open));
                return ctx_fail(cx, ERR_CONFLICT,
                                "line %d (%s): %s is still open, %s received; accept the "
                                "over-delivery with a reason",
                                k + 1, pl[k].sku, qty_text(cx, open), qty_text(cx, in[i].qty));
            }
        }
        sl[i] =
            (struct stock_line){in[i].part_id, in[i].qty,
                                po_net_price(pl[k].price, po_vat_percent(pl[k].vat), h.with_vat),
                                in[i].serials, in[i].nserials};
    }
    if (accept_over && over) {
        if (!ctx_can(cx, P_PURCHASING_WRITE))
            return ctx_fail(cx, ERR_FORBIDDEN, "accepting an over-delivery takes purchasing.write");
        if (!over_reason || text_blank(over_reason))
            return invalid(cx, "over_reason", "required", "an accepted over-delivery says why");
    }
    if (!over)
        over_reason = NULL;
    struct stock_posting_in post = {"receipt", h.warehouse_id, 0,  "purchase_order",
                                    po,        over_reason,    sl, n};
    if ((rc = stock_post(cx, &post, posting_id)) != ERR_OK)
        return rc;
    bool all = true;
    for (int k = 0; k < npl; k++) {
        for (int i = 0; i < n; i++)
            if (which[i] == k)
                pl[k].received += in[i].qty;
        if (pl[k].received < pl[k].qty)
            all = false;
    }
    for (int i = 0; i < n; i++)
        if ((rc = db_run(cx->db, &cx->err,
                         "UPDATE purchase_order_lines SET received_qty = received_qty + $2\n"
                         "WHERE id = $1",
                         "ii", pl[which[i]].id, in[i].qty)) != ERR_OK)
            return rc;
    const char *now = now_iso(cx);
    if ((rc = db_run(cx->db, &cx->err,
                     "INSERT INTO purchase_receipts (po_id, posting_id, over_reason, user_id,\n"
                     "  created_at)\n"
                     "VALUES ($1, $2, $3, $4, $5)",
                     "iitIt", po, *posting_id, over_reason, cx->user ? cx->user->id : 0, now)) !=
        ERR_OK)
        return rc;
    const char *to = all ? "received" : "partially_received";
    struct record *patch = record_new(cx, &entity_purchase_orders);
    set_text(cx, patch, PO_STATUS, to);
    if (all)
        set_text(cx, patch, PO_RECEIVED_AT, now);
    if ((rc = entity_update_system(cx, &entity_purchase_orders, po, version, patch, "receive",
                                   out)) != ERR_OK)
        return rc;
    const char *number = posting_number(cx, *posting_id);
    if ((rc = timeline_add(cx, &entity_purchase_orders, po, "receipt", false, number, NULL, number,
                           NULL, NULL)) != ERR_OK)
        return rc;
    if (strcmp(h.status, to))
        rc = timeline_add(cx, &entity_purchase_orders, po, "status", false, NULL, h.status, to,
                          NULL, NULL);
    return rc;
}

enum err_code po_receive(struct ctx *cx, int64_t po_id, int64_t version,
                         const struct po_receipt_line *lines, int n, bool accept_over,
                         const char *over_reason, int64_t *posting_id, struct record **out)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(
        cx->db, &cx->err, own,
        receive_tx(cx, po_id, version, lines, n, accept_over, over_reason, posting_id, out));
}

/* ---- returns to a supplier ---- */

static const char *const return_statuses[] = {"draft", "posted", NULL};
static const char *const return_reasons[] = {"defect", "surplus", "wrong_item", NULL};

/* clang-format off */
static const struct field return_fields[] = {
    [SR_NUMBER] =       {"number",       F_TEXT,     F_READONLY | F_SEARCH | F_SORT | F_FILTER | F_LIST, 32, "sreturn.number"},
    [SR_STATUS] =       {"status",       F_ENUM,     F_READONLY | F_FILTER | F_LIST, 0, "sreturn.status", .enums = return_statuses, .def = "draft"},
    [SR_SUPPLIER_ID] =  {"supplier_id",  F_REF,      F_CREATE_ONLY | F_FILTER | F_LIST, 0, "sreturn.supplier", .ref = &entity_suppliers},
    [SR_PO_ID] =        {"po_id",        F_REF,      F_CREATE_ONLY | F_FILTER | F_LIST, 0, "sreturn.po", .ref = &entity_purchase_orders},
    [SR_WAREHOUSE_ID] = {"warehouse_id", F_REF,      F_CREATE_ONLY | F_FILTER | F_LIST, 0, "sreturn.warehouse", .ref = &entity_warehouses},
    [SR_BRANCH_ID] =    {"branch_id",    F_REF,      F_READONLY | F_FILTER, 0, "sreturn.branch", .ref = &entity_branches},
    [SR_REASON] =       {"reason",       F_ENUM,     F_REQUIRED | F_FILTER | F_LIST, 0, "sreturn.reason", .enums = return_reasons, .def = "defect"},
    [SR_NOTES] =        {"notes",        F_TEXT,     F_SEARCH | F_MULTILINE, 4000, "sreturn.notes"},
    [SR_POSTED_AT] =    {"posted_at",    F_DATETIME, F_READONLY | F_SORT | F_LIST, 0, "sreturn.posted_at"},
    [SR_POSTING_ID] =   {"posting_id",   F_INT,      F_READONLY, 0, "sreturn.posting"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(return_fields, SR__COUNT),
               "one entry per value of enum supplier_return_field");

/* A return with an order takes its supplier and warehouse from it; the
 * warehouse gives the branch. A posted return changes only its notes. */
static enum err_code return_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    enum err_code rc;
    if (old) {
        if (!strcmp(rec_get(old, SR_STATUS)->s, "posted") &&
            strcmp(rec_get(rec, SR_REASON)->s, rec_get(old, SR_REASON)->s))
            return ctx_fail(cx, ERR_CONFLICT, "the return was posted");
        return ERR_OK;
    }
    if (!is_null(rec, SR_PO_ID)) {
        struct record *po;
        rc = entity_get(cx, &entity_purchase_orders, rec_get(rec, SR_PO_ID)->i, &po);
        if (rc == ERR_NOTFOUND) {
            err_clear(&cx->err);
            return invalid(cx, "po_id", "not_found", "no such purchase order");
        }
        if (rc != ERR_OK)
            return rc;
        int64_t supplier = rec_get(po, PO_SUPPLIER_ID)->i;
        if (is_null(rec, SR_SUPPLIER_ID))
            set_int(rec, SR_SUPPLIER_ID, supplier);
        else if (rec_get(rec, SR_SUPPLIER_ID)->i != supplier)
            return invalid(cx, "supplier_id", "mismatch", "the order is another supplier's");
        if (is_null(rec, SR_WAREHOUSE_ID))
            set_int(rec, SR_WAREHOUSE_ID, rec_get(po, PO_WAREHOUSE_ID)->i);
    }
    if (is_null(rec, SR_SUPPLIER_ID))
        return invalid(cx, "supplier_id", "required", "a return goes to a supplier");
    if (is_null(rec, SR_WAREHOUSE_ID))
        return invalid(cx, "warehouse_id", "required", "a return leaves a warehouse");
    int64_t branch;
    bool found;
    if ((rc = db_get_i64(cx->db, &cx->err, &branch, &found,
                         "SELECT branch_id FROM warehouses WHERE id = $1", "i",
                         rec_get(rec, SR_WAREHOUSE_ID)->i)) != ERR_OK)
        return rc;
    if (!found)
        return invalid(cx, "warehouse_id", "not_found", "no such warehouse");
    if (ctx_branch(cx) && branch != ctx_branch(cx))
        return invalid(cx, "warehouse_id", "out_of_scope", "the warehouse is another branch's");
    set_int(rec, SR_BRANCH_ID, branch);
    return ERR_OK;
}

static enum err_code return_check_delete(struct ctx *cx, const struct record *rec)
{
    if (strcmp(rec_get(rec, SR_STATUS)->s, "draft"))
        return ctx_fail(cx, ERR_CONFLICT, "a posted return stays: its movements are in the ledger");
    return ERR_OK;
}

const struct entity entity_supplier_returns = {
    .name = "supplier_returns",
    .table = "supplier_returns",
    .label = "entity.supplier_returns",
    .fields = return_fields,
    .display_sql = "number",
    .perm_read = P_PURCHASING_READ,
    .perm_write = P_PURCHASING_WRITE,
    .perm_delete = P_PURCHASING_WRITE,
    .branch_field = "branch_id",
    .check = return_check,
    .check_delete = return_check_delete,
    .number_field = "number",
    .number_series = "ВП",
};

static enum err_code return_post_tx(struct ctx *cx, int64_t id, int64_t version,
                                    const struct po_receipt_line *in, int n, int64_t *posting_id,
                                    struct record **out)
{
    struct record *rec;
    enum err_code rc = entity_get(cx, &entity_supplier_returns, id, &rec);
    if (rc != ERR_OK)
        return rc;
    if (rec->version != version)
        return ctx_fail(cx, ERR_CONFLICT, "the return was changed meanwhile: reload it");
    if (strcmp(rec_get(rec, SR_STATUS)->s, "draft"))
        return ctx_fail(cx, ERR_CONFLICT, "the return was posted already");
    if (n < 1)
        return invalid(cx, "lines", "required", "a return has at least one line");
    if (n > PO_MAX_LINES)
        return invalid(cx, "lines", "too_many", "a return has at most 500 lines");
    int64_t po = is_null(rec, SR_PO_ID) ? 0 : rec_get(rec, SR_PO_ID)->i;
    struct stock_line *sl = arena_alloc(cx->a, sizeof(*sl) * (size_t)n);
    for (int i = 0; i < n; i++) {
        const char *f = arena_printf(cx->a, "lines.%d.", i);
        if (in[i].qty <= 0 || in[i].qty > STOCK_QTY_MAX)
            return invalid(cx, arena_printf(cx->a, "%sqty", f),
                           in[i].qty <= 0 ? "must_be_positive" : "too_large",
                           "a quantity is more than zero and at most a million units");
        for (int j = 0; j < i; j++)
            if (in[j].part_id == in[i].part_id)
                return invalid(cx, arena_printf(cx->a, "%spart_id", f), "duplicate",
                               "a part is on one line of a return");
        if (po) {
            /* what came with the order and was not returned yet */
            int64_t left;
            bool found;
            if ((rc = db_get_i64(cx->db, &cx->err, &left, &found,
                                 "SELECT l.received_qty - COALESCE((\n"
                                 "  SELECT SUM(rl.qty) FROM supplier_return_lines rl\n"
                                 "  JOIN supplier_returns r ON r.id = rl.return_id\n"
                                 "  WHERE r.po_id = l.po_id AND r.status = 'posted'\n"
                                 "    AND rl.part_id = l.part_id), 0)\n"
                                 "FROM purchase_order_lines l\n"
                                 "WHERE l.po_id = $1 AND l.part_id = $2",
                                 "ii", po, in[i].part_id)) != ERR_OK)
                return rc;
            if (!found)
                return invalid(cx, arena_printf(cx->a, "%spart_id", f), "not_ordered",
                               "the part did not come with the order");
            if (in[i].qty > left) {
                err_field(&cx->err, "received", arena_printf(cx->a, "%lld", (long long)left));
                return invalid(cx, arena_printf(cx->a, "%sqty", f), "more_than_received",
                               arena_printf(cx->a, "%s came with the order and was not returned",
                                            qty_text(cx, left < 0 ? 0 : left)));
            }
        }
        sl[i] = (struct stock_line){in[i].part_id, in[i].qty, 0, in[i].serials, in[i].nserials};
    }
    struct stock_posting_in post = {
        "return_out", rec_get(rec, SR_WAREHOUSE_ID)->i, 0,  "supplier_return",
        id,           rec_get(rec, SR_REASON)->s,       sl, n};
    if ((rc = stock_post(cx, &post, posting_id)) != ERR_OK)
        return rc;
    /* the lines at the cost they left the stock at */
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT part_id, SUM(qty), SUM(value) FROM stock_movements\n"
                              "WHERE posting_id = $1 GROUP BY part_id ORDER BY part_id",
                              "i", *posting_id);
    if (!st)
        return cx->err.code;
    int64_t(*moved)[3] = arena_alloc(cx->a, sizeof(*moved) * (size_t)n);
    int nm = 0, r;
    while ((r = db_step(st)) == DB_ROW && nm < n) {
        moved[nm][0] = db_col_i64(st, 0);
        moved[nm][1] = -db_col_i64(st, 1);
        moved[nm][2] = -db_col_i64(st, 2);
        nm++;
    }
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    for (int i = 0; i < nm; i++)
        if ((rc = db_run(cx->db, &cx->err,
                         "INSERT INTO supplier_return_lines (return_id, part_id, qty, unit_cost)\n"
                         "VALUES ($1, $2, $3, $4)",
                         "iiii", id, moved[i][0], moved[i][1],
                         stock_unit_cost(moved[i][1], moved[i][2]))) != ERR_OK)
            return rc;
    struct record *patch = record_new(cx, &entity_supplier_returns);
    set_text(cx, patch, SR_STATUS, "posted");
    set_text(cx, patch, SR_POSTED_AT, now_iso(cx));
    set_int(patch, SR_POSTING_ID, *posting_id);
    if ((rc = entity_update_system(cx, &entity_supplier_returns, id, version, patch, "post",
                                   out)) != ERR_OK)
        return rc;
    if (po)
        rc = timeline_add(cx, &entity_purchase_orders, po, "supplier_return", false,
                          rec_get(rec, SR_NUMBER)->s, NULL, rec_get(rec, SR_NUMBER)->s, NULL, NULL);
    return rc;
}

enum err_code supplier_return_post(struct ctx *cx, int64_t id, int64_t version,
                                   const struct po_receipt_line *lines, int n, int64_t *posting_id,
                                   struct record **out)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own,
                      return_post_tx(cx, id, version, lines, n, posting_id, out));
}

enum err_code supplier_return_lines(struct ctx *cx, int64_t id, json_t **out)
{
    enum err_code rc = entity_visible(cx, &entity_supplier_returns, id);
    if (rc != ERR_OK)
        return rc;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT l.part_id, p.sku, p.name, p.unit, l.qty, l.unit_cost\n"
                              "FROM supplier_return_lines l JOIN parts p ON p.id = l.part_id\n"
                              "WHERE l.return_id = $1 ORDER BY p.sku",
                              "i", id);
    if (!st)
        return cx->err.code;
    json_t *items = json_array();
    int r;
    while ((r = db_step(st)) == DB_ROW)
        json_array_append_new(
            items, json_pack("{s:I,s:s,s:s,s:s,s:I,s:I}", "part_id", (json_int_t)db_col_i64(st, 0),
                             "sku", db_col_text(st, 1), "name", db_col_text(st, 2), "unit",
                             db_col_text(st, 3), "qty", (json_int_t)db_col_i64(st, 4), "unit_cost",
                             (json_int_t)db_col_i64(st, 5)));
    db_done(st);
    if (r == DB_FAIL) {
        json_decref(items);
        return cx->err.code;
    }
    *out = json_pack("{s:o}", "items", items);
    return ERR_OK;
}
