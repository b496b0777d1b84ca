/* orders.c — purchase orders (domain layer): the record and its workflow,
 * its lines with prices from the supplier's price list, the quantity on
 * order for replenishment and draft orders made from its suggestions. */
#include "orders.h"

#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "core/perm.h"
#include "core/timeline.h"
#include "domain/purchasing/purchasing.h"
#include "domain/registry/registry.h"
#include "domain/stock/stock.h"
#include "base/banned.h"

static const char *const statuses[] = {
#define X(id, name, cat) [id] = name,
    PO_STATES(X)
#undef X
        NULL};
static const enum state_category categories[] = {
#define X(id, name, cat) [id] = cat,
    PO_STATES(X)
#undef X
};

/* clang-format off */
static const struct field po_fields[] = {
    [PO_NUMBER] =          {"number",          F_TEXT,     F_READONLY | F_SEARCH | F_SORT | F_FILTER | F_LIST, 32, "po.number"},
    [PO_STATUS] =          {"status",          F_ENUM,     F_READONLY | F_FILTER | F_LIST, 0, "po.status", .enums = statuses, .def = "draft"},
    [PO_SUPPLIER_ID] =     {"supplier_id",     F_REF,      F_REQUIRED | F_CREATE_ONLY | F_FILTER | F_LIST, 0, "po.supplier", .ref = &entity_suppliers},
    [PO_WAREHOUSE_ID] =    {"warehouse_id",    F_REF,      F_REQUIRED | F_CREATE_ONLY | F_FILTER | F_LIST, 0, "po.warehouse", .ref = &entity_warehouses},
    [PO_BRANCH_ID] =       {"branch_id",       F_REF,      F_READONLY | F_FILTER, 0, "po.branch", .ref = &entity_branches},
    [PO_EXPECTED_DATE] =   {"expected_date",   F_DATE,     F_SORT | F_LIST, 0, "po.expected_date"},
    [PO_PRICES_WITH_VAT] = {"prices_with_vat", F_BOOL,     F_READONLY, 0, "po.prices_with_vat", .def = "true"},
    [PO_SUPPLIER_REF] =    {"supplier_ref",    F_TEXT,     F_SEARCH, 100, "po.supplier_ref"},
    [PO_NOTES] =           {"notes",           F_TEXT,     F_SEARCH | F_MULTILINE, 4000, "po.notes"},
    [PO_TOTAL] =           {"total",           F_INT,      F_READONLY | F_MONEY | F_SORT | F_LIST, 0, "po.total", .def = "0"},
    [PO_VAT_TOTAL] =       {"vat_total",       F_INT,      F_READONLY | F_MONEY, 0, "po.vat_total", .def = "0"},
    [PO_SENT_AT] =         {"sent_at",         F_DATETIME, F_READONLY | F_SORT, 0, "po.sent_at"},
    [PO_RECEIVED_AT] =     {"received_at",     F_DATETIME, F_READONLY | F_SORT, 0, "po.received_at"},
    [PO_CLOSED_AT] =       {"closed_at",       F_DATETIME, F_READONLY, 0, "po.closed_at"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(po_fields, PO__COUNT), "one entry per value of enum po_field");

/* ---- arithmetic ---- */

static int64_t div_round(__int128 n, __int128 d)
{
    if (d < 0)
        n = -n, d = -d;
    return (int64_t)(n >= 0 ? (n + d / 2) / d : -((-n + d / 2) / d));
}

int po_vat_percent(const char *vat)
{
    if (!vat || !strcmp(vat, "none"))
        return 0;
    int p = 0;
    for (const char *s = vat; *s >= '0' && *s <= '9' && p < 1000; s++)
        p = p * 10 + (*s - '0');
    return p;
}

int64_t po_vat_of(int64_t amount, int percent, bool with_vat)
{
    if (percent <= 0)
        return 0;
    return with_vat ? div_round((__int128)amount * percent, 100 + percent)
                    : div_round((__int128)amount * percent, 100);
}

int64_t po_net_price(int64_t price, int percent, bool with_vat)
{
    if (!with_vat || percent <= 0)
        return price;
    return div_round((__int128)price * 100, 100 + percent);
}

/* ---- helpers ---- */

static bool is_null(const struct record *r, int field)
{
    const struct value *v = rec_get(r, field);
    return !v->set || v->null;
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

static enum err_code invalid(struct ctx *cx, const char *field, const char *code, const char *msg)
{
    err_field(&cx->err, field, code);
    return ctx_fail(cx, ERR_INVALID, "%s", msg);
}

/* today + days, as a date */
static const char *days_from_today(struct ctx *cx, int days)
{
    char t[ISO_TIME_LEN];
    time_iso(time_now() + (int64_t)days * 86400, t);
    t[10] = 0;
    return arena_strdup(cx->a, t);
}

struct supplier_info {
    bool active, with_vat;
    int lead_days;
};

static enum err_code supplier_get(struct ctx *cx, const char *field, int64_t id,
                                  struct supplier_info *s)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT active, prices_with_vat, COALESCE(lead_days, 0)\n"
                              "FROM suppliers WHERE id = $1",
                              "i", id);
    if (!st)
        return cx->err.code;
    int r = db_step(st);
    if (r == DB_ROW) {
        s->active = db_col_i64(st, 0) != 0;
        s->with_vat = db_col_i64(st, 1) != 0;
        s->lead_days = (int)db_col_i64(st, 2);
    }
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    return r == DB_ROW ? ERR_OK : invalid(cx, field, "not_found", "no such supplier");
}

/* A warehouse goods may be ordered to: exists, is active, is the user's
 * branch's (for a user who works in one). *branch: its branch. */
static enum err_code warehouse_for(struct ctx *cx, const char *field, int64_t id, int64_t *branch)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err, "SELECT branch_id, active FROM warehouses WHERE id = $1", "i", id);
    if (!st)
        return cx->err.code;
    int r = db_step(st);
    bool active = r == DB_ROW && db_col_i64(st, 1) != 0;
    *branch = r == DB_ROW ? db_col_i64(st, 0) : 0;
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    if (r != DB_ROW)
        return invalid(cx, field, "not_found", "no such warehouse");
    if (ctx_branch(cx) && *branch != ctx_branch(cx))
        return invalid(cx, field, "out_of_scope", "the warehouse is another branch's");
    if (!active)
        return invalid(cx, field, "inactive", "the warehouse is closed");
    return ERR_OK;
}

/* ---- the record ---- */

/* A new order takes its branch from the warehouse and whether its prices
 * include VAT from the supplier (an active one); its expected date, when
 * not given, is the supplier's lead time from today. Only a draft's
 * expected date and the supplier's reference change; notes always do. */
static enum err_code po_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    enum err_code rc;
    if (old) {
        if (strcmp(rec_get(old, PO_STATUS)->s, "draft")) {
            static const int frozen[] = {PO_EXPECTED_DATE, PO_SUPPLIER_REF};
            for (size_t i = 0; i < sizeof(frozen) / sizeof(frozen[0]); i++) {
                const struct value *a = rec_get(rec, frozen[i]), *b = rec_get(old, frozen[i]);
                if (a->null != b->null || (!a->null && strcmp(a->s, b->s)))
                    return ctx_fail(cx, ERR_CONFLICT, "only a draft order is edited (it is %s)",
                                    rec_get(old, PO_STATUS)->s);
            }
        }
        return ERR_OK;
    }
    struct supplier_info s;
    int64_t branch;
    if ((rc = supplier_get(cx, "supplier_id", rec_get(rec, PO_SUPPLIER_ID)->i, &s)) != ERR_OK)
        return rc;
    if (!s.active)
        return invalid(cx, "supplier_id", "inactive", "the supplier takes no new orders");
    if ((rc = warehouse_for(cx, "warehouse_id", rec_get(rec, PO_WAREHOUSE_ID)->i, &branch)) !=
        ERR_OK)
        return rc;
    set_int(rec, PO_BRANCH_ID, branch);
    set_int(rec, PO_PRICES_WITH_VAT, s.with_vat);
    if (is_null(rec, PO_EXPECTED_DATE))
        set_text(cx, rec, PO_EXPECTED_DATE, days_from_today(cx, s.lead_days));
    return ERR_OK;
}

static enum err_code po_check_delete(struct ctx *cx, const struct record *rec)
{
    if (strcmp(rec_get(rec, PO_STATUS)->s, "draft"))
        return ctx_fail(cx, ERR_CONFLICT, "only a draft order is deleted: cancel it instead");
    return ERR_OK;
}

static enum err_code po_after_write(struct ctx *cx, const struct record *rec,
                                    const struct record *old)
{
    if (old || !rec)
        return ERR_OK;
    return timeline_add(cx, &entity_purchase_orders, rec->id, "created", false, NULL, NULL,
                        rec_get(rec, PO_STATUS)->s, NULL, NULL);
}

const struct entity entity_purchase_orders = {
    .name = "purchase_orders",
    .table = "purchase_orders",
    .label = "entity.purchase_orders",
    .fields = po_fields,
    .display_sql = "number",
    .perm_read = P_PURCHASING_READ,
    .perm_write = P_PURCHASING_WRITE,
    .perm_delete = P_PURCHASING_WRITE,
    .branch_field = "branch_id",
    .check = po_check,
    .check_delete = po_check_delete,
    .after_write = po_after_write,
    .number_field = "number",
    .number_series = "ПЗ",
    .timeline = true,
};

/* ---- the workflow ---- */

static enum err_code count_lines(struct ctx *cx, int64_t po, const char *cond, int64_t *n)
{
    bool found;
    return db_get_i64(
        cx->db, &cx->err, n, &found,
        arena_printf(cx->a, "SELECT COUNT(*) FROM purchase_order_lines WHERE po_id = $1%s", cond),
        "i", po);
}

static enum err_code may_send(struct ctx *cx, const struct record *rec)
{
    int64_t n;
    enum err_code rc = count_lines(cx, rec->id, "", &n);
    if (rc != ERR_OK)
        return rc;
    return n ? ERR_OK : ctx_fail(cx, ERR_CONFLICT, "an order is sent with at least one line");
}

static enum err_code may_cancel(struct ctx *cx, const struct record *rec)
{
    int64_t n;
    enum err_code rc = count_lines(cx, rec->id, " AND received_qty > 0", &n);
    if (rc != ERR_OK)
        return rc;
    return n ? ctx_fail(cx, ERR_CONFLICT, "goods were received against the order: close it")
             : ERR_OK;
}

static enum err_code send_effect(struct ctx *cx, const struct record *rec,
                                 const struct record *input, struct record *patch)
{
    (void)input;
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    set_text(cx, patch, PO_SENT_AT, now);
    if (is_null(rec, PO_EXPECTED_DATE)) {
        struct supplier_info s;
        enum err_code rc = supplier_get(cx, "supplier_id", rec_get(rec, PO_SUPPLIER_ID)->i, &s);
        if (rc != ERR_OK)
            return rc;
        set_text(cx, patch, PO_EXPECTED_DATE, days_from_today(cx, s.lead_days));
    }
    return ERR_OK;
}

static enum err_code close_effect(struct ctx *cx, const struct record *rec,
                                  const struct record *input, struct record *patch)
{
    (void)rec, (void)input;
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    set_text(cx, patch, PO_CLOSED_AT, now);
    return ERR_OK;
}

#define S(state) STATE_BIT(POS_##state)

/* clang-format off */
static const struct transition po_transitions[] = {
    /* name        from                         to              perm                 label                   guard       effect */
    {"send",       S(DRAFT),                    POS_SENT,       P_PURCHASING_WRITE,  "transition.po_send",   may_send,   send_effect},
    {"to_draft",   S(SENT),                     POS_DRAFT,      P_PURCHASING_WRITE,  "transition.po_to_draft", may_cancel, NULL},
    {"close",      S(PARTIAL) | S(RECEIVED),    POS_CLOSED,     P_PURCHASING_WRITE,  "transition.po_close",  NULL,       close_effect},
    {"cancel",     S(DRAFT) | S(SENT),          POS_CANCELLED,  P_PURCHASING_WRITE,  "transition.po_cancel", may_cancel, close_effect},
    {0},
};
/* clang-format on */

const struct workflow purchase_order_workflow = {
    .ent = &entity_purchase_orders,
    .state_field = "status",
    .states = statuses,
    .categories = categories,
    .transitions = po_transitions,
};

/* ---- lines ---- */

enum err_code po_lock(struct ctx *cx, int64_t id, struct po_head *h)
{
    enum err_code rc = entity_visible(cx, &entity_purchase_orders, id);
    if (rc != ERR_OK)
        return rc;
    const char *sql = arena_printf(cx->a,
                                   "SELECT version, supplier_id, warehouse_id, status,\n"
                                   "  prices_with_vat\n"
                                   "FROM purchase_orders WHERE id = $1%s",
                                   db_sql_for_update(cx->db));
    struct db_stmt *st = db_q(cx->db, &cx->err, sql, "i", id);
    if (!st)
        return cx->err.code;
    int r = db_step(st);
    if (r == DB_ROW) {
        h->version = db_col_i64(st, 0);
        h->supplier_id = db_col_i64(st, 1);
        h->warehouse_id = db_col_i64(st, 2);
        h->status = arena_strdup(cx->a, db_col_text(st, 3));
        h->with_vat = db_col_i64(st, 4) != 0;
    }
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    return r == DB_ROW ? ERR_OK : ctx_fail(cx, ERR_NOTFOUND, "no such purchase order");
}

/* The order's totals from its lines, versioned and audited under action. */
static enum err_code po_totals(struct ctx *cx, int64_t id, int64_t version, bool with_vat,
                               const char *action, struct record **out)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT COALESCE(SUM(amount), 0), COALESCE(SUM(vat_amount), 0)\n"
                              "FROM purchase_order_lines WHERE po_id = $1",
                              "i", id);
    if (!st)
        return cx->err.code;
    int r = db_step(st);
    int64_t amount = r == DB_ROW ? db_col_i64(st, 0) : 0, vat = r == DB_ROW ? db_col_i64(st, 1) : 0;
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    struct record *patch = record_new(cx, &entity_purchase_orders), *rec;
    set_int(patch, PO_TOTAL, with_vat ? amount : amount + vat);
    set_int(patch, PO_VAT_TOTAL, vat);
    if (!out)
        out = &rec;
    return entity_update_system(cx, &entity_purchase_orders, id, version, patch, action, out);
}

/* The supplier's current price of a part for an order whose prices are
 * with_vat (converted when the price list's are not), its SKU there, its
 * minimum and pack; the part's purchase price and no SKU when the
 * supplier has none. *vat: the part's rate. */
struct offer {
    int64_t price, moq, pack;
    const char *sku, *vat;
};

static enum err_code offer_of(struct ctx *cx, const char *field, int64_t supplier, int64_t part,
                              bool with_vat, struct offer *o)
{
    memset(o, 0, sizeof(*o));
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT p.purchase_price, p.vat, sp.price, sp.vat_included, sp.supplier_sku,\n"
             "  COALESCE(sp.moq, 0), COALESCE(sp.pack_qty, 0), sp.id\n"
             "FROM parts p\n"
             "LEFT JOIN supplier_prices sp ON sp.part_id = p.id AND sp.supplier_id = $2\n"
             "WHERE p.id = $1",
             "ii", part, supplier);
    if (!st)
        return cx->err.code;
    int r = db_step(st);
    if (r == DB_ROW) {
        o->vat = arena_strdup(cx->a, db_col_text(st, 1));
        if (db_col_null(st, 7)) {
            o->price = db_col_i64(st, 0);
        } else {
            int pct = po_vat_percent(o->vat);
            int64_t p = db_col_i64(st, 2);
            bool incl = db_col_i64(st, 3) != 0;
            if (incl && !with_vat)
                p = po_net_price(p, pct, true);
            else if (!incl && with_vat)
                p = p + po_vat_of(p, pct, false);
            o->price = p;
            o->sku = arena_strdup(cx->a, db_col_text(st, 4));
            o->moq = db_col_i64(st, 5);
            o->pack = db_col_i64(st, 6);
        }
    }
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    return r == DB_ROW ? ERR_OK : invalid(cx, field, "not_found", "no such part");
}

static bool vat_known(const char *v)
{
    for (int i = 0; stock_vat_rates[i]; i++)
        if (!strcmp(stock_vat_rates[i], v))
            return true;
    return false;
}

/* Writes the lines of an order (replacing what it had). */
static enum err_code lines_write(struct ctx *cx, int64_t po, const struct po_head *h,
                                 const struct po_line_in *lines, int n)
{
    enum err_code rc;
    if (n > PO_MAX_LINES)
        return invalid(cx, "lines", "too_many", "an order has at most 500 lines");
    for (int i = 0; i < n; i++) {
        const struct po_line_in *l = &lines[i];
        if (l->qty <= 0 || l->qty > STOCK_QTY_MAX)
            return invalid(cx, arena_printf(cx->a, "lines.%d.qty", i),
                           l->qty <= 0 ? "must_be_positive" : "too_large",
                           "a quantity is more than zero and at most a million units");
        if (l->price > STOCK_COST_MAX)
            return invalid(cx, arena_printf(cx->a, "lines.%d.price", i), "out_of_range",
                           "a price is from 0 to a billion roubles");
        if (l->vat && !vat_known(l->vat))
            return invalid(cx, arena_printf(cx->a, "lines.%d.vat", i), "invalid",
                           "no such VAT rate");
        for (int k = 0; k < i; k++)
            if (lines[k].part_id == l->part_id)
                return invalid(cx, arena_printf(cx->a, "lines.%d.part_id", i), "duplicate",
                               "a part is on one line of an order");
    }
    if ((rc = db_run(cx->db, &cx->err, "DELETE FROM purchase_order_lines WHERE po_id = $1", "i",
                     po)) != ERR_OK)
        return rc;
    for (int i = 0; i < n; i++) {
        const struct po_line_in *l = &lines[i];
        struct offer o;
        if ((rc = offer_of(cx, arena_printf(cx->a, "lines.%d.part_id", i), h->supplier_id,
                           l->part_id, h->with_vat, &o)) != ERR_OK)
            return rc;
        int64_t price = l->price >= 0 ? l->price : o.price;
        const char *vat = l->vat ? l->vat : o.vat;
        int64_t amount = stock_value_of(l->qty, price);
        int64_t vat_amount = po_vat_of(amount, po_vat_percent(vat), h->with_vat);
        if ((rc = db_run(cx->db, &cx->err,
                         "INSERT INTO purchase_order_lines\n"
                         "  (po_id, line_no, part_id, supplier_sku, qty, price, vat, amount,\n"
                         "   vat_amount, received_qty)\n"
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0)",
                         "iiitiitii", po, (int64_t)i + 1, l->part_id, o.sku, l->qty, price, vat,
                         amount, vat_amount)) != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

static enum err_code set_lines_tx(struct ctx *cx, int64_t po, int64_t version,
                                  const struct po_line_in *lines, int n, struct record **out)
{
    struct po_head h;
    enum err_code rc = po_lock(cx, po, &h);
    if (rc != ERR_OK)
        return rc;
    if (h.version != version)
        return ctx_fail(cx, ERR_CONFLICT, "the order was changed meanwhile: reload it");
    if (strcmp(h.status, "draft"))
        return ctx_fail(cx, ERR_CONFLICT, "only a draft order's lines change (it is %s)", h.status);
    if ((rc = lines_write(cx, po, &h, lines, n)) != ERR_OK)
        return rc;
    return po_totals(cx, po, version, h.with_vat, "lines", out);
}

enum err_code po_set_lines(struct ctx *cx, int64_t po_id, int64_t version,
                           const struct po_line_in *lines, int n, struct record **out)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, set_lines_tx(cx, po_id, version, lines, n, out));
}

/* ---- reading an order's lines ---- */

static json_t *opt_text(struct db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

enum err_code po_lines_json(struct ctx *cx, int64_t po, json_t **out)
{
    enum err_code rc = entity_visible(cx, &entity_purchase_orders, po);
    if (rc != ERR_OK)
        return rc;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT l.id, l.line_no, l.part_id, p.sku, p.name, p.unit,\n"
                              "  l.supplier_sku, l.qty, l.price, l.vat, l.amount, l.vat_amount,\n"
                              "  l.received_qty\n"
                              "FROM purchase_order_lines l JOIN parts p ON p.id = l.part_id\n"
                              "WHERE l.po_id = $1 ORDER BY l.line_no",
                              "i", po);
    if (!st)
        return cx->err.code;
    json_t *items = json_array();
    int r;
    while ((r = db_step(st)) == DB_ROW) {
        int64_t qty = db_col_i64(st, 7), got = db_col_i64(st, 12);
        json_t *o = json_pack(
            "{s:I,s:I,s:I,s:s,s:s,s:s,s:o,s:I,s:I,s:s,s:I,s:I,s:I,s:I,s:[]}", "id",
            (json_int_t)db_col_i64(st, 0), "line_no", (json_int_t)db_col_i64(st, 1), "part_id",
            (json_int_t)db_col_i64(st, 2), "sku", db_col_text(st, 3), "name", db_col_text(st, 4),
            "unit", db_col_text(st, 5), "supplier_sku", opt_text(st, 6), "qty", (json_int_t)qty,
            "price", (json_int_t)db_col_i64(st, 8), "vat", db_col_text(st, 9), "amount",
            (json_int_t)db_col_i64(st, 10), "vat_amount", (json_int_t)db_col_i64(st, 11),
            "received_qty", (json_int_t)got, "open_qty", (json_int_t)(got < qty ? qty - got : 0),
            "barcodes");
        json_array_append_new(items, o);
    }
    db_done(st);
    if (r == DB_FAIL)
        goto fail;
    /* the barcodes of the lines' parts, for scanning */
    st = db_q(cx->db, &cx->err,
              "SELECT b.part_id, b.barcode FROM part_barcodes b\n"
              "JOIN purchase_order_lines l ON l.part_id = b.part_id AND l.po_id = $1\n"
              "ORDER BY b.id",
              "i", po);
    if (!st)
        goto fail;
    while ((r = db_step(st)) == DB_ROW) {
        size_t i;
        json_t *o;
        json_array_foreach(items, i, o) if (json_integer_value(json_object_get(o, "part_id")) ==
                                            db_col_i64(st, 0))
            json_array_append_new(json_object_get(o, "barcodes"), json_string(db_col_text(st, 1)));
    }
    db_done(st);
    if (r == DB_FAIL)
        goto fail;
    json_t *receipts = json_array();
    st = db_q(cx->db, &cx->err,
              "SELECT r.posting_id, p.number, r.created_at, r.over_reason, u.name,\n"
              "  (SELECT COALESCE(SUM(m.qty), 0) FROM stock_movements m\n"
              "   WHERE m.posting_id = r.posting_id)\n"
              "FROM purchase_receipts r\n"
              "JOIN stock_postings p ON p.id = r.posting_id\n"
              "LEFT JOIN users u ON u.id = r.user_id\n"
              "WHERE r.po_id = $1 ORDER BY r.id",
              "i", po);
    while (st && (r = db_step(st)) == DB_ROW)
        json_array_append_new(
            receipts, json_pack("{s:I,s:s,s:s,s:o,s:o,s:I}", "posting_id",
                                (json_int_t)db_col_i64(st, 0), "number", db_col_text(st, 1), "at",
                                db_col_text(st, 2), "over_reason", opt_text(st, 3), "user",
                                opt_text(st, 4), "qty", (json_int_t)db_col_i64(st, 5)));
    if (st)
        db_done(st);
    json_t *returns = json_array();
    struct db_stmt *st2 = st ? db_q(cx->db, &cx->err,
                                    "SELECT id, number, status, reason, posted_at\n"
                                    "FROM supplier_returns WHERE po_id = $1 ORDER BY id",
                                    "i", po)
                             : NULL;
    while (st2 && (r = db_step(st2)) == DB_ROW)
        json_array_append_new(
            returns, json_pack("{s:I,s:s,s:s,s:s,s:o}", "id", (json_int_t)db_col_i64(st2, 0),
                               "number", db_col_text(st2, 1), "status", db_col_text(st2, 2),
                               "reason", db_col_text(st2, 3), "posted_at", opt_text(st2, 4)));
    if (st2)
        db_done(st2);
    if (!st || !st2 || r == DB_FAIL) {
        json_decref(receipts);
        json_decref(returns);
        goto fail;
    }
    *out = json_pack("{s:o,s:o,s:o}", "items", items, "receipts", receipts, "returns", returns);
    return ERR_OK;
fail:
    json_decref(items);
    return cx->err.code ? cx->err.code : ERR_INTERNAL;
}

/* ---- on order ---- */

#define ON_ORDER_SQL                                                                               \
    "SELECT l.part_id, o.warehouse_id, SUM(l.qty - l.received_qty)\n"                              \
    "FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.po_id\n"                       \
    "WHERE o.status IN ('sent', 'partially_received') AND l.qty > l.received_qty\n"

enum err_code po_on_order(struct ctx *cx, int64_t part_id, int64_t warehouse_id, int64_t *qty)
{
    bool found;
    enum err_code rc = db_get_i64(cx->db, &cx->err, qty, &found,
                                  "SELECT COALESCE(SUM(l.qty - l.received_qty), 0)\n"
                                  "FROM purchase_order_lines l\n"
                                  "JOIN purchase_orders o ON o.id = l.po_id\n"
                                  "WHERE o.status IN ('sent', 'partially_received')\n"
                                  "  AND l.qty > l.received_qty\n"
                                  "  AND l.part_id = $1 AND o.warehouse_id = $2",
                                  "ii", part_id, warehouse_id);
    if (rc == ERR_OK && !found)
        *qty = 0;
    return rc;
}

enum err_code po_on_order_each(struct ctx *cx, int64_t warehouse_id,
                               void (*fn)(int64_t part_id, int64_t warehouse_id, int64_t qty,
                                          void *arg),
                               void *arg)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              ON_ORDER_SQL "  AND ($1 = 0 OR o.warehouse_id = $1)\n"
                                           "GROUP BY l.part_id, o.warehouse_id\n"
                                           "ORDER BY l.part_id, o.warehouse_id",
                              "i", warehouse_id);
    if (!st)
        return cx->err.code;
    int r;
    while ((r = db_step(st)) == DB_ROW)
        fn(db_col_i64(st, 0), db_col_i64(st, 1), db_col_i64(st, 2), arg);
    db_done(st);
    return r == DB_FAIL ? cx->err.code : ERR_OK;
}

/* ---- orders from replenishment suggestions ---- */

struct group {
    int64_t supplier_id, warehouse_id;
    struct po_line_in *lines;
    int n;
};

/* The cheapest active supplier of a part (0: none). */
static enum err_code cheapest(struct ctx *cx, int64_t part, int64_t *supplier)
{
    bool found;
    enum err_code rc =
        db_get_i64(cx->db, &cx->err, supplier, &found,
                   "SELECT sp.supplier_id FROM supplier_prices sp\n"
                   "JOIN suppliers s ON s.id = sp.supplier_id AND s.active = 1\n"
                   "WHERE sp.part_id = $1\n"
                   "ORDER BY sp.price, COALESCE(sp.lead_days, s.lead_days, 0), sp.supplier_id\n"
                   "LIMIT 1",
                   "i", part);
    if (rc == ERR_OK && !found)
        *supplier = 0;
    return rc;
}

/* qty raised to the minimum order and to a whole number of packs */
static int64_t order_qty(int64_t qty, int64_t moq, int64_t pack)
{
    if (moq > qty)
        qty = moq;
    if (pack > 0 && qty % pack)
        qty += pack - qty % pack;
    return qty;
}

static enum err_code suggestions_tx(struct ctx *cx, const struct po_suggestion *s, int n,
                                    json_t *orders, json_t *unassigned)
{
    enum err_code rc;
    struct group *g = arena_alloc(cx->a, sizeof(*g) * (size_t)(n ? n : 1));
    int ng = 0;
    for (int i = 0; i < n; i++) {
        const char *f = arena_printf(cx->a, "items.%d.", i);
        int64_t branch, supplier = s[i].supplier_id, one;
        bool found;
        if (s[i].qty <= 0 || s[i].qty > STOCK_QTY_MAX)
            return invalid(cx, arena_printf(cx->a, "%sqty", f),
                           s[i].qty <= 0 ? "must_be_positive" : "too_large",
                           "a quantity is more than zero and at most a million units");
        if ((rc = db_get_i64(cx->db, &cx->err, &one, &found, "SELECT 1 FROM parts WHERE id = $1",
                             "i", s[i].part_id)) != ERR_OK)
            return rc;
        if (!found)
            return invalid(cx, arena_printf(cx->a, "%spart_id", f), "not_found", "no such part");
        if ((rc = warehouse_for(cx, arena_printf(cx->a, "%swarehouse_id", f), s[i].warehouse_id,
                                &branch)) != ERR_OK)
            return rc;
        if (supplier) {
            struct supplier_info si;
            if ((rc = supplier_get(cx, arena_printf(cx->a, "%ssupplier_id", f), supplier, &si)) !=
                ERR_OK)
                return rc;
            if (!si.active)
                return invalid(cx, arena_printf(cx->a, "%ssupplier_id", f), "inactive",
                               "the supplier takes no new orders");
        } else if ((rc = cheapest(cx, s[i].part_id, &supplier)) != ERR_OK) {
            return rc;
        }
        if (!supplier) {
            json_array_append_new(unassigned,
                                  json_pack("{s:i,s:I,s:I,s:I,s:s}", "index", i, "part_id",
                                            (json_int_t)s[i].part_id, "warehouse_id",
                                            (json_int_t)s[i].warehouse_id, "qty",
                                            (json_int_t)s[i].qty, "reason", "no_supplier"));
            continue;
        }
        int k = 0;
        while (k < ng && (g[k].supplier_id != supplier || g[k].warehouse_id != s[i].warehouse_id))
            k++;
        if (k == ng) {
            g[ng++] = (struct group){supplier, s[i].warehouse_id,
                                     arena_alloc(cx->a, sizeof(struct po_line_in) * (size_t)n), 0};
        }
        int l = 0;
        while (l < g[k].n && g[k].lines[l].part_id != s[i].part_id)
            l++;
        if (l == g[k].n)
            g[k].lines[g[k].n++] = (struct po_line_in){s[i].part_id, 0, -1, NULL};
        g[k].lines[l].qty += s[i].qty;
    }
    for (int k = 0; k < ng; k++) {
        struct record *in = record_new(cx, &entity_purchase_orders), *po;
        set_int(in, PO_SUPPLIER_ID, g[k].supplier_id);
        set_int(in, PO_WAREHOUSE_ID, g[k].warehouse_id);
        set_text(cx, in, PO_NOTES, "replenishment");
        if ((rc = entity_create(cx, &entity_purchase_orders, in, &po)) != ERR_OK)
            return rc;
        struct po_head h = {po->version, g[k].supplier_id, g[k].warehouse_id, "draft",
                            rec_get(po, PO_PRICES_WITH_VAT)->i != 0};
        for (int l = 0; l < g[k].n; l++) {
            struct offer o;
            if ((rc = offer_of(cx, "part_id", h.supplier_id, g[k].lines[l].part_id, h.with_vat,
                               &o)) != ERR_OK)
                return rc;
            g[k].lines[l].qty = order_qty(g[k].lines[l].qty, o.moq, o.pack);
            if (g[k].lines[l].qty > STOCK_QTY_MAX)
                g[k].lines[l].qty = STOCK_QTY_MAX;
        }
        if ((rc = lines_write(cx, po->id, &h, g[k].lines, g[k].n)) != ERR_OK)
            return rc;
        struct record *after;
        if ((rc = po_totals(cx, po->id, po->version, h.with_vat, "lines", &after)) != ERR_OK)
            return rc;
        json_array_append_new(orders,
                              json_pack("{s:I,s:s,s:I,s:I,s:i,s:I}", "id", (json_int_t)po->id,
                                        "number", rec_get(po, PO_NUMBER)->s, "supplier_id",
                                        (json_int_t)g[k].supplier_id, "warehouse_id",
                                        (json_int_t)g[k].warehouse_id, "lines", g[k].n, "total",
                                        (json_int_t)rec_get(after, PO_TOTAL)->i));
    }
    return ERR_OK;
}

enum err_code po_from_suggestions(struct ctx *cx, const struct po_suggestion *s, int n,
                                  json_t **out)
{
    if (n < 1)
        return invalid(cx, "items", "required", "at least one suggestion");
    if (n > 5000)
        return invalid(cx, "items", "too_many", "at most 5000 suggestions at once");
    json_t *orders = json_array(), *unassigned = json_array();
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc == ERR_OK)
        rc = db_end_own(cx->db, &cx->err, own, suggestions_tx(cx, s, n, orders, unassigned));
    if (rc != ERR_OK) {
        json_decref(orders);
        json_decref(unassigned);
        return rc;
    }
    *out = json_pack("{s:o,s:o}", "orders", orders, "unassigned", unassigned);
    return ERR_OK;
}
