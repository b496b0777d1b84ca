/* lines.c — what a repair order charges and uses (domain layer): its lines
 * (labour from the works catalog or in free words, parts from the catalog
 * out of a warehouse), their money with VAT, the estimate versions sent to
 * the client and the answers, the parts reserved and issued through the
 * stock ledger (documents of kind "repair_orders"), the technicians' time,
 * the order's cost and margin and the paid-work delay penalty.
 *
 * Prices include VAT, as retail prices in Russia do: a line's VAT is
 * amount × rate / (100 + rate), rounded to the kopeck per line; the order's
 * VAT is the sum of its lines'. */
#include "workshop.h"

#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "core/perm.h"
#include "core/record.h"
#include "core/timeline.h"
#include "domain/registry/registry.h"
#include "domain/stock/stock.h"
#include "base/banned.h"

static const char *const line_kinds[] = {"labour", "part", NULL};

/* clang-format off */
static const struct field line_fields[] = {
    [LINE_ORDER_ID] =        {"repair_order_id", F_REF,  F_REQUIRED | F_FILTER | F_CREATE_ONLY,  0,   "line.repair_order", .ref = &entity_repair_orders},
    [LINE_BRANCH_ID] =       {"branch_id",       F_REF,  F_READONLY,                             0,   "line.branch", .ref = &entity_branches},
    [LINE_KIND] =            {"kind",            F_ENUM, F_REQUIRED | F_CREATE_ONLY | F_FILTER | F_LIST, 0, "line.kind", .enums = line_kinds},
    [LINE_WORK_ID] =         {"work_id",         F_REF,  F_CREATE_ONLY | F_FILTER,               0,   "line.work", .ref = &entity_works},
    [LINE_PART_ID] =         {"part_id",         F_REF,  F_CREATE_ONLY | F_FILTER,               0,   "line.part", .ref = &entity_parts},
    [LINE_WAREHOUSE_ID] =    {"warehouse_id",    F_REF,  F_CREATE_ONLY,                          0,   "line.warehouse", .ref = &entity_warehouses},
    [LINE_DESCRIPTION] =     {"description",     F_TEXT, F_LIST,                                 500, "line.description"},
    [LINE_QTY] =             {"qty",             F_INT,  F_QTY | F_LIST,                         1000000000, "line.qty", .min = 1, .def = "1000"},
    [LINE_PRICE] =           {"price",           F_INT,  F_MONEY | F_LIST,                       1000000000000, "line.price", .min = 0},
    [LINE_DISCOUNT] =        {"discount",        F_INT,  F_MONEY,                                1000000000000, "line.discount", .min = 0, .def = "0"},
    [LINE_VAT] =             {"vat",             F_ENUM, 0,                                      0,   "line.vat", .enums = stock_vat_list},
    [LINE_AMOUNT] =          {"amount",          F_INT,  F_READONLY | F_MONEY | F_LIST,          0,   "line.amount"},
    [LINE_VAT_AMOUNT] =      {"vat_amount",      F_INT,  F_READONLY | F_MONEY,                   0,   "line.vat_amount"},
    [LINE_DIAGNOSTICS_FEE] = {"diagnostics_fee", F_BOOL, F_READONLY,                             0,   "line.diagnostics_fee"},
    [LINE_RESERVED] =        {"reserved",        F_INT,  F_READONLY | F_QTY | F_LIST,            0,   "line.reserved", .def = "0"},
    [LINE_ISSUED] =          {"issued",          F_INT,  F_READONLY | F_QTY | F_LIST,            0,   "line.issued", .def = "0"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(line_fields, LINE__COUNT), "one entry per value of enum line_field");

/* ---- arithmetic (pure) --------------------------------------------------- */

static int64_t div_round(__int128 n, __int128 d)
{
    if (d < 0)
        n = -n, d = -d;
    return (int64_t)(n >= 0 ? (n + d / 2) / d : -((-n + d / 2) / d));
}

bool repair_line_money(int64_t qty, int64_t price, int64_t discount, const char *vat,
                       int64_t *amount, int64_t *vat_amount)
{
    if (qty < 0 || price < 0 || discount < 0 || !vat)
        return false;
    int rate = 0;
    if (strcmp(vat, "none") != 0) {
        char *end;
        long r = strtol(vat, &end, 10);
        if (end == vat || *end || r < 0 || r > 100)
            return false;
        rate = (int)r;
    }
    __int128 gross = ((__int128)qty * price + 500) / 1000;
    if (gross > (__int128)1 << 60 || discount > gross)
        return false;
    *amount = (int64_t)gross - discount;
    *vat_amount = rate ? div_round((__int128)*amount * rate, 100 + rate) : 0;
    return true;
}

bool repair_penalty(int64_t price, const char *planned, const char *until, int *days,
                    int64_t *amount)
{
    *days = 0, *amount = 0;
    int d;
    if (!date_diff_days(planned, until, &d))
        return false;
    if (d <= 0 || price <= 0)
        return true;
    *days = d;
    __int128 p = div_round((__int128)price * 3 * d, 100);
    *amount = p > price ? price : (int64_t)p;
    return true;
}

/* ---- helpers ------------------------------------------------------------- */

static bool is_null(const struct record *r, int field)
{
    const struct value *v = rec_get(r, field);
    return !v->set || v->null;
}

static void set_int(struct record *r, int field, int64_t i)
{
    struct value *v = rec_set(r, field);
    v->set = true, v->null = false, v->i = i;
}

static void set_text(struct ctx *cx, struct record *r, int field, const char *s)
{
    struct value *v = rec_set(r, field);
    v->set = true, v->null = !s, v->s = s ? arena_strdup(cx->a, s) : NULL;
}

static const char *now_iso(struct ctx *cx)
{
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    return arena_strdup(cx->a, now);
}

static const char *money_text(struct ctx *cx, int64_t k)
{
    return arena_printf(cx->a, "%s%lld,%02lld ₽", k < 0 ? "−" : "", llabs(k) / 100,
                        llabs(k) % 100);
}

/* The states whose lines may change, and those where parts are held. */
#define ST(s) STATE_BIT(RP_##s)
#define EDITABLE                                                                                   \
    (ST(ACCEPTED) | ST(DIAGNOSTICS) | ST(ESTIMATE_SENT) | ST(APPROVED) | ST(IN_REPAIR) |           \
     ST(WAITING_PARTS) | ST(AT_VENDOR))
#define HOLDING                                                                                    \
    (ST(APPROVED) | ST(IN_REPAIR) | ST(WAITING_PARTS) | ST(AT_VENDOR) | ST(QC) | ST(READY))

static uint32_t state_bit(const struct record *order)
{
    int s = workflow_state(&repair_workflow, rec_get(order, RO_STATUS)->s);
    return s < 0 ? 0 : STATE_BIT(s);
}

enum err_code repair_lines_total(struct ctx *cx, int64_t order_id, int64_t *total, int64_t *labour,
                                 int64_t *nlines)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT COALESCE(SUM(amount), 0),\n"
             "  COALESCE(SUM(CASE WHEN kind = 'labour' THEN amount ELSE 0 END), 0),\n"
             "  COUNT(*)\n"
             "FROM repair_order_lines WHERE repair_order_id = $1",
             "i", order_id);
    if (!st)
        return cx->err.code;
    int r = db_step(st);
    if (r == DB_ROW) {
        *total = db_col_i64(st, 0);
        if (labour)
            *labour = db_col_i64(st, 1);
        if (nlines)
            *nlines = db_col_i64(st, 2);
    }
    db_done(st);
    return r == DB_FAIL ? cx->err.code : ERR_OK;
}

/* The lines of an order as a JSON array (what an estimate keeps). */
static enum err_code lines_json(struct ctx *cx, int64_t order_id, json_t **out)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT id, kind, description, qty, price, discount, vat, amount,\n"
                              "  vat_amount, part_id, work_id, warehouse_id, reserved, issued,\n"
                              "  diagnostics_fee\n"
                              "FROM repair_order_lines WHERE repair_order_id = $1 ORDER BY id",
                              "i", order_id);
    if (!st)
        return cx->err.code;
    json_t *a = json_array();
    int r;
    while ((r = db_step(st)) == DB_ROW) {
        json_t *o = json_pack(
            "{s:I,s:s,s:s,s:I,s:I,s:I,s:s,s:I,s:I,s:I,s:I,s:b}", "id",
            (json_int_t)db_col_i64(st, 0), "kind", db_col_text(st, 1), "description",
            db_col_text(st, 2), "qty", (json_int_t)db_col_i64(st, 3), "price",
            (json_int_t)db_col_i64(st, 4), "discount", (json_int_t)db_col_i64(st, 5), "vat",
            db_col_text(st, 6), "amount", (json_int_t)db_col_i64(st, 7), "vat_amount",
            (json_int_t)db_col_i64(st, 8), "reserved", (json_int_t)db_col_i64(st, 12), "issued",
            (json_int_t)db_col_i64(st, 13), "diagnostics_fee", db_col_i64(st, 14) != 0);
        static const char *const refs[] = {"part_id", "work_id", "warehouse_id"};
        for (int k = 0; k < 3; k++)
            json_object_set_new(o, refs[k],
                                db_col_null(st, 9 + k) ? json_null()
                                                       : json_integer(db_col_i64(st, 9 + k)));
        json_array_append_new(a, o);
    }
    db_done(st);
    if (r == DB_FAIL) {
        json_decref(a);
        return cx->err.code;
    }
    *out = a;
    return ERR_OK;
}

enum err_code repair_estimate_freeze(struct ctx *cx, int64_t order_id, int64_t version_no,
                                     int64_t *total)
{
    int64_t labour, n, vat;
    bool found;
    enum err_code rc = repair_lines_total(cx, order_id, total, &labour, &n);
    if (rc == ERR_OK)
        rc = db_get_i64(cx->db, &cx->err, &vat, &found,
                        "SELECT COALESCE(SUM(vat_amount), 0) FROM repair_order_lines\n"
                        "WHERE repair_order_id = $1",
                        "i", order_id);
    if (rc != ERR_OK)
        return rc;
    if (!n)
        return ctx_fail(cx, ERR_CONFLICT, "the estimate has no lines: add the works and parts");
    json_t *lines;
    if ((rc = lines_json(cx, order_id, &lines)) != ERR_OK)
        return rc;
    char *text = json_dumps(lines, JSON_COMPACT);
    json_decref(lines);
    const char *kept = arena_strdup(cx->a, text);
    free(text);
    const char *now = now_iso(cx);
    rc = db_run(cx->db, &cx->err,
                "UPDATE repair_estimates SET status = 'superseded'\n"
                "WHERE repair_order_id = $1 AND status = 'sent'",
                "i", order_id);
    if (rc == ERR_OK)
        rc = db_run(cx->db, &cx->err,
                    "INSERT INTO repair_estimates (repair_order_id, version_no, created_at, "
                    "user_id,\n"
                    "  total, vat_total, labour_total, lines, status)\n"
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'sent')",
                    "iitIiiit", order_id, version_no, now, cx->user ? cx->user->id : 0, *total, vat,
                    labour, kept);
    if (rc == ERR_OK)
        rc = timeline_add(
            cx, &entity_repair_orders, order_id, "estimate", true,
            arena_printf(cx->a, "№ %lld: %s", (long long)version_no, money_text(cx, *total)), NULL,
            NULL, NULL, NULL);
    return rc;
}

enum err_code repair_estimate_answer(struct ctx *cx, int64_t order_id, int64_t version_no,
                                     const char *status, const char *by, const char *via)
{
    enum err_code rc =
        db_run(cx->db, &cx->err,
               "UPDATE repair_estimates SET status = $3, answered_at = $4, answered_by = $5,\n"
               "  answered_via = $6\n"
               "WHERE repair_order_id = $1 AND version_no = $2",
               "iitttt", order_id, version_no, status, now_iso(cx), by, via);
    if (rc == ERR_OK)
        rc = timeline_add(cx, &entity_repair_orders, order_id,
                          !strcmp(status, "approved") ? "estimate_approved" : "estimate_declined",
                          true,
                          arena_printf(cx->a, "№ %lld: %s (%s)", (long long)version_no,
                                       by ? by : "—", via ? via : "—"),
                          NULL, NULL, cx->user ? NULL : "Клиент", NULL);
    return rc;
}

/* ---- reservations -------------------------------------------------------- */

/* Holds what a parts line still needs (qty − issued − reserved), or gives
 * back what it holds over that. A shortage is the ledger's 409, named for
 * the line. */
static enum err_code line_hold(struct ctx *cx, int64_t order_id, int64_t line_id, int64_t part,
                               int64_t wh, int64_t qty, int64_t reserved, int64_t issued)
{
    int64_t want = qty - issued;
    if (want < 0)
        want = 0;
    int64_t delta = want - reserved;
    enum err_code rc = ERR_OK;
    if (delta > 0) {
        rc = stock_reserve(cx, REPAIR_DOC_KIND, order_id, part, wh, delta);
        if (rc == ERR_CONFLICT)
            err_field(&cx->err, "line_id", arena_printf(cx->a, "%lld", (long long)line_id));
    } else if (delta < 0) {
        rc = stock_release(cx, REPAIR_DOC_KIND, order_id, part, wh, -delta);
    }
    if (rc == ERR_OK && delta)
        rc = db_run(cx->db, &cx->err, "UPDATE repair_order_lines SET reserved = $2 WHERE id = $1",
                    "ii", line_id, want);
    return rc;
}

enum err_code repair_reserve_all(struct ctx *cx, int64_t order_id)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT id, part_id, warehouse_id, qty, reserved, issued\n"
                              "FROM repair_order_lines\n"
                              "WHERE repair_order_id = $1 AND kind = 'part' ORDER BY id",
                              "i", order_id);
    if (!st)
        return cx->err.code;
    int64_t(*l)[6] = NULL;
    int n = 0, r;
    while ((r = db_step(st)) == DB_ROW) {
        int64_t(*m)[6] = arena_alloc(cx->a, sizeof(*m) * (size_t)(n + 1));
        if (n)
            memcpy(m, l, sizeof(*m) * (size_t)n);
        l = m;
        for (int k = 0; k < 6; k++)
            l[n][k] = db_col_i64(st, k);
        n++;
    }
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    enum err_code rc = ERR_OK;
    for (int i = 0; i < n && rc == ERR_OK; i++)
        rc = line_hold(cx, order_id, l[i][0], l[i][1], l[i][2], l[i][3], l[i][4], l[i][5]);
    return rc;
}

enum err_code repair_reserved_left(struct ctx *cx, int64_t order_id, int64_t *reserved)
{
    bool found;
    return db_get_i64(cx->db, &cx->err, reserved, &found,
                      "SELECT COALESCE(SUM(reserved), 0) FROM repair_order_lines\n"
                      "WHERE repair_order_id = $1",
                      "i", order_id);
}

enum err_code repair_release_all(struct ctx *cx, int64_t order_id)
{
    enum err_code rc = stock_release_doc(cx, REPAIR_DOC_KIND, order_id);
    if (rc == ERR_OK)
        rc = db_run(cx->db, &cx->err,
                    "UPDATE repair_order_lines SET reserved = 0 WHERE repair_order_id = $1", "i",
                    order_id);
    return rc;
}

enum err_code repair_diagnostics_fee(struct ctx *cx, int64_t order_id, int64_t *fee)
{
    bool found;
    return db_get_i64(cx->db, &cx->err, fee, &found,
                      "SELECT COALESCE(SUM(amount), 0) FROM repair_order_lines\n"
                      "WHERE repair_order_id = $1 AND diagnostics_fee = 1",
                      "i", order_id);
}

/* ---- the lines ----------------------------------------------------------- */

static enum err_code order_of(struct ctx *cx, int64_t id, struct record **order)
{
    enum err_code rc = entity_get(cx, &entity_repair_orders, id, order);
    if (rc == ERR_NOTFOUND) {
        err_clear(&cx->err);
        err_field(&cx->err, "repair_order_id", "not_found");
        return ctx_fail(cx, ERR_INVALID, "no such repair order");
    }
    return rc;
}

/* A labour line takes its description, price, VAT rate and the
 * diagnostics-fee mark from its work unless given; a parts line from its
 * part and must name a warehouse. The money is computed. */
static enum err_code line_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    struct record *order;
    enum err_code rc = order_of(cx, rec_get(rec, LINE_ORDER_ID)->i, &order);
    if (rc != ERR_OK)
        return rc;
    if (!(state_bit(order) & EDITABLE))
        return ctx_fail(cx, ERR_CONFLICT, "the lines of an order in state %s no longer change",
                        rec_get(order, RO_STATUS)->s);
    if (!old) {
        const struct value *b = rec_get(order, RO_BRANCH_ID);
        if (!b->null)
            set_int(rec, LINE_BRANCH_ID, b->i);
    }
    bool part = !strcmp(rec_get(rec, LINE_KIND)->s, "part");
    if (!old)
        set_int(rec, LINE_DIAGNOSTICS_FEE, 0);
    if (!old && part) {
        if (is_null(rec, LINE_PART_ID))
            err_field(&cx->err, "part_id", "required");
        if (is_null(rec, LINE_WAREHOUSE_ID))
            err_field(&cx->err, "warehouse_id", "required");
        if (!is_null(rec, LINE_WORK_ID))
            err_field(&cx->err, "work_id", "not_for_parts");
        if (cx->err.nfields)
            return ctx_fail(cx, ERR_INVALID, "a parts line names the part and the warehouse");
        struct db_stmt *st =
            db_q(cx->db, &cx->err, "SELECT name, sale_price, vat FROM parts WHERE id = $1", "i",
                 rec_get(rec, LINE_PART_ID)->i);
        if (!st)
            return cx->err.code;
        if (db_step(st) == DB_ROW) {
            if (is_null(rec, LINE_DESCRIPTION))
                set_text(cx, rec, LINE_DESCRIPTION, db_col_text(st, 0));
            if (is_null(rec, LINE_PRICE) && !db_col_null(st, 1))
                set_int(rec, LINE_PRICE, db_col_i64(st, 1));
            if (is_null(rec, LINE_VAT))
                set_text(cx, rec, LINE_VAT, db_col_text(st, 2));
        }
        db_done(st);
    } else if (!old) {
        if (!is_null(rec, LINE_PART_ID))
            err_field(&cx->err, "part_id", "not_for_labour");
        if (!is_null(rec, LINE_WAREHOUSE_ID))
            err_field(&cx->err, "warehouse_id", "not_for_labour");
        if (cx->err.nfields)
            return ctx_fail(cx, ERR_INVALID, "a labour line takes no part or warehouse");
        set_int(rec, LINE_DIAGNOSTICS_FEE, 0);
        if (!is_null(rec, LINE_WORK_ID)) {
            struct db_stmt *st = db_q(cx->db, &cx->err,
                                      "SELECT name, price, vat, diagnostics_fee, active\n"
                                      "FROM works WHERE id = $1",
                                      "i", rec_get(rec, LINE_WORK_ID)->i);
            if (!st)
                return cx->err.code;
            if (db_step(st) == DB_ROW) {
                if (is_null(rec, LINE_DESCRIPTION))
                    set_text(cx, rec, LINE_DESCRIPTION, db_col_text(st, 0));
                if (is_null(rec, LINE_PRICE))
                    set_int(rec, LINE_PRICE, db_col_i64(st, 1));
                if (is_null(rec, LINE_VAT))
                    set_text(cx, rec, LINE_VAT, db_col_text(st, 2));
                set_int(rec, LINE_DIAGNOSTICS_FEE, db_col_i64(st, 3));
                if (!db_col_i64(st, 4))
                    err_field(&cx->err, "work_id", "inactive");
            }
            db_done(st);
        }
    }
    if (is_null(rec, LINE_DESCRIPTION) || text_blank(rec_get(rec, LINE_DESCRIPTION)->s))
        err_field(&cx->err, "description", "required");
    if (is_null(rec, LINE_PRICE))
        err_field(&cx->err, "price", "required");
    if (is_null(rec, LINE_VAT))
        set_text(cx, rec, LINE_VAT, "none");
    if (old && rec_get(rec, LINE_QTY)->i < rec_get(old, LINE_ISSUED)->i)
        err_field(&cx->err, "qty", "less_than_issued");
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "the line has invalid fields");
    int64_t amount, vat;
    if (!repair_line_money(rec_get(rec, LINE_QTY)->i, rec_get(rec, LINE_PRICE)->i,
                           rec_get(rec, LINE_DISCOUNT)->i, rec_get(rec, LINE_VAT)->s, &amount,
                           &vat)) {
        err_field(&cx->err, "discount", "more_than_line");
        return ctx_fail(cx, ERR_INVALID, "the discount is more than the line");
    }
    set_int(rec, LINE_AMOUNT, amount);
    set_int(rec, LINE_VAT_AMOUNT, vat);
    if (!old)
        set_int(rec, LINE_RESERVED, 0), set_int(rec, LINE_ISSUED, 0);
    return ERR_OK;
}

/* A line with parts issued stays: the parts are the order's. */
static enum err_code line_check_delete(struct ctx *cx, const struct record *rec)
{
    struct record *order;
    enum err_code rc = order_of(cx, rec_get(rec, LINE_ORDER_ID)->i, &order);
    if (rc != ERR_OK)
        return rc;
    if (!(state_bit(order) & EDITABLE))
        return ctx_fail(cx, ERR_CONFLICT, "the lines of an order in state %s no longer change",
                        rec_get(order, RO_STATUS)->s);
    if (rec_get(rec, LINE_ISSUED)->i > 0)
        return ctx_fail(cx, ERR_CONFLICT, "parts of this line were issued to the order");
    return ERR_OK;
}

/* After a change of the lines: an estimate out with the client is sent
 * again as a new version (the client answers what they see); an approved
 * order may not grow past what was approved; its parts are held. */
static enum err_code line_after_write(struct ctx *cx, const struct record *rec,
                                      const struct record *old)
{
    const struct record *any = rec ? rec : old;
    int64_t order_id = rec_get(any, LINE_ORDER_ID)->i;
    struct record *order;
    enum err_code rc = entity_get(cx, &entity_repair_orders, order_id, &order);
    if (rc != ERR_OK)
        return rc;
    uint32_t bit = state_bit(order);
    bool part = !strcmp(rec_get(any, LINE_KIND)->s, "part");
    if (part && (bit & HOLDING)) {
        if (rec)
            rc = line_hold(cx, order_id, rec->id, rec_get(rec, LINE_PART_ID)->i,
                           rec_get(rec, LINE_WAREHOUSE_ID)->i, rec_get(rec, LINE_QTY)->i,
                           rec_get(rec, LINE_RESERVED)->i, rec_get(rec, LINE_ISSUED)->i);
        else if (rec_get(old, LINE_RESERVED)->i > 0)
            rc = stock_release(cx, REPAIR_DOC_KIND, order_id, rec_get(old, LINE_PART_ID)->i,
                               rec_get(old, LINE_WAREHOUSE_ID)->i, rec_get(old, LINE_RESERVED)->i);
        if (rc != ERR_OK)
            return rc;
    }
    int64_t total;
    if ((rc = repair_lines_total(cx, order_id, &total, NULL, NULL)) != ERR_OK)
        return rc;
    if ((bit & HOLDING) && !rec_get(order, RO_APPROVED_TOTAL)->null &&
        total > rec_get(order, RO_APPROVED_TOTAL)->i) {
        err_field(&cx->err, "total", "over_approved");
        return ctx_fail(cx, ERR_CONFLICT,
                        "the order's total %s would exceed the %s the client approved: send a "
                        "new estimate (send_estimate) for the client's approval first",
                        money_text(cx, total),
                        money_text(cx, rec_get(order, RO_APPROVED_TOTAL)->i));
    }
    if (bit & ST(ESTIMATE_SENT)) {
        int64_t next = rec_get(order, RO_ESTIMATE_VERSION)->i + 1, frozen;
        if ((rc = repair_estimate_freeze(cx, order_id, next, &frozen)) != ERR_OK)
            return rc;
        struct record *patch = record_new(cx, &entity_repair_orders), *out;
        set_int(patch, RO_ESTIMATE_VERSION, next);
        set_int(patch, RO_ESTIMATE_TOTAL, frozen);
        rc = entity_update_system(cx, &entity_repair_orders, order_id, order->version, patch,
                                  "estimate_revised", &out);
    }
    return rc;
}

const struct entity entity_repair_order_lines = {
    .name = "repair_order_lines",
    .table = "repair_order_lines",
    .label = "entity.repair_order_lines",
    .fields = line_fields,
    .display_sql = "description",
    .perm_read = P_WORKSHOP_READ,
    .perm_write = P_WORKSHOP_WRITE,
    .perm_delete = P_WORKSHOP_WRITE,
    .branch_field = "branch_id",
    .check = line_check,
    .check_delete = line_check_delete,
    .after_write = line_after_write,
};

/* ---- time ---------------------------------------------------------------- */

/* clang-format off */
static const struct field time_fields[] = {
    [TL_ORDER_ID] =   {"repair_order_id", F_REF,      F_READONLY | F_FILTER,          0, "time_log.repair_order", .ref = &entity_repair_orders},
    [TL_LINE_ID] =    {"line_id",         F_REF,      F_REQUIRED | F_CREATE_ONLY | F_FILTER, 0, "time_log.line", .ref = &entity_repair_order_lines},
    [TL_BRANCH_ID] =  {"branch_id",       F_REF,      F_READONLY,                     0, "time_log.branch", .ref = &entity_branches},
    [TL_USER_ID] =    {"user_id",         F_REF,      F_READONLY | F_FILTER | F_LIST, 0, "time_log.user", .ref = &entity_users},
    [TL_STARTED_AT] = {"started_at",      F_DATETIME, F_READONLY | F_LIST,            0, "time_log.started_at"},
    [TL_STOPPED_AT] = {"stopped_at",      F_DATETIME, F_READONLY | F_LIST,            0, "time_log.stopped_at"},
    [TL_MINUTES] =    {"minutes",         F_INT,      F_LIST,                         100000, "time_log.minutes", .min = 1},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(time_fields, TL__COUNT),
               "one entry per value of enum time_log_field");

/* Minutes entered by hand: against a labour line of an order the user may
 * see, by the user; a log is changed by its author or a manager. */
static enum err_code time_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    if (old) {
        if (rec_get(old, TL_USER_ID)->i != cx->user->id && !ctx_can(cx, P_WORKSHOP_MANAGE))
            return ctx_fail(cx, ERR_FORBIDDEN, "the time is another technician's");
        if (is_null(rec, TL_MINUTES)) {
            err_field(&cx->err, "minutes", "required");
            return ctx_fail(cx, ERR_INVALID, "a finished log has its minutes");
        }
        return ERR_OK;
    }
    struct record *line;
    enum err_code rc =
        entity_get(cx, &entity_repair_order_lines, rec_get(rec, TL_LINE_ID)->i, &line);
    if (rc == ERR_NOTFOUND || (rc == ERR_OK && strcmp(rec_get(line, LINE_KIND)->s, "labour"))) {
        err_clear(&cx->err);
        err_field(&cx->err, "line_id", rc == ERR_OK ? "not_labour" : "not_found");
        return ctx_fail(cx, ERR_INVALID, "time is logged against a labour line");
    }
    if (rc != ERR_OK)
        return rc;
    set_int(rec, TL_ORDER_ID, rec_get(line, LINE_ORDER_ID)->i);
    if (!is_null(line, LINE_BRANCH_ID))
        set_int(rec, TL_BRANCH_ID, rec_get(line, LINE_BRANCH_ID)->i);
    set_int(rec, TL_USER_ID, cx->user->id);
    if (is_null(rec, TL_MINUTES) && is_null(rec, TL_STARTED_AT)) {
        err_field(&cx->err, "minutes", "required");
        return ctx_fail(cx, ERR_INVALID, "give the minutes, or start the clock");
    }
    return ERR_OK;
}

const struct entity entity_repair_time_logs = {
    .name = "repair_time_logs",
    .table = "repair_time_logs",
    .label = "entity.repair_time_logs",
    .fields = time_fields,
    .display_sql = "started_at",
    .perm_read = P_WORKSHOP_READ,
    .perm_write = P_WORKSHOP_WRITE,
    .perm_delete = P_WORKSHOP_MANAGE,
    .branch_field = "branch_id",
    .check = time_check,
};

static enum err_code running_log(struct ctx *cx, int64_t *id)
{
    bool found;
    *id = 0;
    return db_get_i64(cx->db, &cx->err, id, &found,
                      "SELECT id FROM repair_time_logs WHERE user_id = $1 AND minutes IS NULL\n"
                      "ORDER BY id LIMIT 1",
                      "i", cx->user->id);
}

static enum err_code time_start_tx(struct ctx *cx, int64_t order_id, int64_t line_id, json_t **out)
{
    struct record *line;
    int64_t running;
    enum err_code rc = running_log(cx, &running);
    if (rc != ERR_OK)
        return rc;
    if (running)
        return ctx_fail(cx, ERR_CONFLICT, "your clock is running already: stop it first");
    rc = entity_get(cx, &entity_repair_order_lines, line_id, &line);
    if (rc == ERR_OK && rec_get(line, LINE_ORDER_ID)->i != order_id)
        rc = ctx_fail(cx, ERR_NOTFOUND, "no such line on the order");
    if (rc != ERR_OK)
        return rc;
    struct record *in = record_new(cx, &entity_repair_time_logs), *log;
    set_int(in, TL_LINE_ID, line_id);
    set_text(cx, in, TL_STARTED_AT, now_iso(cx));
    if ((rc = entity_create(cx, &entity_repair_time_logs, in, &log)) != ERR_OK)
        return rc;
    *out = record_to_json(log);
    return ERR_OK;
}

enum err_code repair_time_start(struct ctx *cx, int64_t order_id, int64_t line_id, json_t **out)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, time_start_tx(cx, order_id, line_id, out));
}

static enum err_code time_stop_tx(struct ctx *cx, int64_t order_id, json_t **out)
{
    int64_t id;
    enum err_code rc = running_log(cx, &id);
    if (rc != ERR_OK)
        return rc;
    struct record *log;
    if (!id || (rc = entity_get(cx, &entity_repair_time_logs, id, &log)) == ERR_NOTFOUND ||
        (rc == ERR_OK && rec_get(log, TL_ORDER_ID)->i != order_id))
        return ctx_fail(cx, ERR_CONFLICT, "your clock is not running on this order");
    if (rc != ERR_OK)
        return rc;
    int64_t started = 0, now = time_now();
    time_parse(rec_get(log, TL_STARTED_AT)->s, &started);
    int64_t minutes = (now - started + 59) / 60;
    if (minutes < 1)
        minutes = 1;
    struct record *patch = record_new(cx, &entity_repair_time_logs);
    set_int(patch, TL_MINUTES, minutes);
    set_text(cx, patch, TL_STOPPED_AT, now_iso(cx));
    if ((rc = entity_update_as(cx, &entity_repair_time_logs, id, log->version, patch, "stop",
                               &log)) != ERR_OK)
        return rc;
    *out = record_to_json(log);
    return ERR_OK;
}

enum err_code repair_time_stop(struct ctx *cx, int64_t order_id, json_t **out)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, time_stop_tx(cx, order_id, out));
}

/* ---- issuing parts -------------------------------------------------------- */

static enum err_code issue_line(struct ctx *cx, int64_t order_id, struct record *line, int64_t qty,
                                json_t *posted)
{
    int64_t left = rec_get(line, LINE_QTY)->i - rec_get(line, LINE_ISSUED)->i;
    if (qty == 0)
        qty = rec_get(line, LINE_RESERVED)->i;
    if (qty <= 0 || qty > left) {
        err_field(&cx->err, "qty", qty <= 0 ? "nothing_reserved" : "more_than_line");
        return ctx_fail(cx, ERR_INVALID, "the line has %lld thousandths left to issue",
                        (long long)left);
    }
    int64_t posting;
    enum err_code rc =
        stock_issue(cx, "issue", REPAIR_DOC_KIND, order_id, rec_get(line, LINE_PART_ID)->i,
                    rec_get(line, LINE_WAREHOUSE_ID)->i, qty, &posting);
    if (rc != ERR_OK)
        return rc;
    int64_t reserved = rec_get(line, LINE_RESERVED)->i;
    reserved = reserved > qty ? reserved - qty : 0;
    rc = db_run(cx->db, &cx->err,
                "UPDATE repair_order_lines SET issued = issued + $2, reserved = $3,\n"
                "  version = version + 1, updated_at = $4 WHERE id = $1",
                "iiit", line->id, qty, reserved, now_iso(cx));
    if (rc == ERR_OK)
        rc =
            timeline_add(cx, &entity_repair_orders, order_id, "parts_issued", false,
                         arena_printf(cx->a, "%s × %lld.%03lld", rec_get(line, LINE_DESCRIPTION)->s,
                                      (long long)(qty / 1000), (long long)(qty % 1000)),
                         NULL, NULL, NULL, NULL);
    json_array_append_new(posted, json_pack("{s:I,s:I,s:I}", "line_id", (json_int_t)line->id, "qty",
                                            (json_int_t)qty, "posting_id", (json_int_t)posting));
    return rc;
}

static enum err_code issue_tx(struct ctx *cx, int64_t order_id, int64_t line_id, int64_t qty,
                              json_t *posted)
{
    struct record *order;
    enum err_code rc = entity_get(cx, &entity_repair_orders, order_id, &order);
    if (rc != ERR_OK)
        return rc;
    if (!(state_bit(order) & HOLDING))
        return ctx_fail(cx, ERR_CONFLICT,
                        "parts are issued to an approved order in work (it is %s)",
                        rec_get(order, RO_STATUS)->s);
    if (line_id) {
        struct record *line;
        rc = entity_get(cx, &entity_repair_order_lines, line_id, &line);
        if (rc == ERR_OK && (rec_get(line, LINE_ORDER_ID)->i != order_id ||
                             strcmp(rec_get(line, LINE_KIND)->s, "part")))
            rc = ctx_fail(cx, ERR_NOTFOUND, "no such parts line on the order");
        return rc == ERR_OK ? issue_line(cx, order_id, line, qty, posted) : rc;
    }
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT id FROM repair_order_lines\n"
                              "WHERE repair_order_id = $1 AND kind = 'part' AND reserved > 0\n"
                              "ORDER BY id",
                              "i", order_id);
    if (!st)
        return cx->err.code;
    int64_t ids[256];
    int n = 0, r;
    while ((r = db_step(st)) == DB_ROW && n < 256)
        ids[n++] = db_col_i64(st, 0);
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    if (!n)
        return ctx_fail(cx, ERR_CONFLICT, "no parts are reserved for the order");
    for (int i = 0; i < n && rc == ERR_OK; i++) {
        struct record *line;
        if ((rc = entity_get(cx, &entity_repair_order_lines, ids[i], &line)) == ERR_OK)
            rc = issue_line(cx, order_id, line, 0, posted);
    }
    return rc;
}

enum err_code repair_issue_parts(struct ctx *cx, int64_t order_id, int64_t line_id, int64_t qty,
                                 json_t **out)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    json_t *posted = json_array();
    rc = db_end_own(cx->db, &cx->err, own, issue_tx(cx, order_id, line_id, qty, posted));
    if (rc != ERR_OK) {
        json_decref(posted);
        return rc;
    }
    *out = json_pack("{s:o}", "issued", posted);
    return ERR_OK;
}

/* ---- the summary ---------------------------------------------------------- */

static enum err_code estimates_json(struct ctx *cx, int64_t order_id, json_t **out,
                                    int64_t *approved_labour)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT version_no, created_at, total, vat_total, labour_total,\n"
                              "  lines, status, answered_at, answered_by, answered_via\n"
                              "FROM repair_estimates WHERE repair_order_id = $1\n"
                              "ORDER BY version_no DESC LIMIT 50",
                              "i", order_id);
    if (!st)
        return cx->err.code;
    json_t *a = json_array();
    int r;
    *approved_labour = -1;
    while ((r = db_step(st)) == DB_ROW) {
        json_t *lines = json_loads(db_col_text(st, 5), 0, NULL);
        json_t *o =
            json_pack("{s:I,s:s,s:I,s:I,s:I,s:o,s:s,s:s?,s:s?,s:s?}", "version",
                      (json_int_t)db_col_i64(st, 0), "created_at", db_col_text(st, 1), "total",
                      (json_int_t)db_col_i64(st, 2), "vat_total", (json_int_t)db_col_i64(st, 3),
                      "labour_total", (json_int_t)db_col_i64(st, 4), "lines",
                      lines ? lines : json_array(), "status", db_col_text(st, 6), "answered_at",
                      db_col_null(st, 7) ? NULL : db_col_text(st, 7), "answered_by",
                      db_col_null(st, 8) ? NULL : db_col_text(st, 8), "answered_via",
                      db_col_null(st, 9) ? NULL : db_col_text(st, 9));
        if (*approved_labour < 0 && !strcmp(db_col_text(st, 6), "approved"))
            *approved_labour = db_col_i64(st, 4);
        json_array_append_new(a, o);
    }
    db_done(st);
    if (r == DB_FAIL) {
        json_decref(a);
        return cx->err.code;
    }
    *out = a;
    return ERR_OK;
}

/* The day the work was done (the order last became ready), or today while
 * it is not done. */
static enum err_code done_day(struct ctx *cx, const struct record *order, char day[ISO_DATE_LEN])
{
    const char *st = rec_get(order, RO_STATUS)->s;
    repair_day_of(NULL, day);
    if (strcmp(st, "ready") && strcmp(st, "issued"))
        return ERR_OK;
    struct db_stmt *q = db_q(cx->db, &cx->err,
                             "SELECT MAX(at) FROM events\n"
                             "WHERE entity = 'repair_orders' AND record_id = $1\n"
                             "  AND kind = 'status' AND to_state = 'ready'",
                             "i", order->id);
    if (!q)
        return cx->err.code;
    if (db_step(q) == DB_ROW && !db_col_null(q, 0))
        repair_day_of(db_col_text(q, 0), day);
    db_done(q);
    return ERR_OK;
}

/* What the order cost: parts at the value the ledger issued them at (less
 * what was taken back), labour at each technician's hourly cost rate. */
static enum err_code order_cost(struct ctx *cx, int64_t order_id, int64_t *parts, int64_t *labour,
                                int64_t *minutes)
{
    bool found;
    enum err_code rc = db_get_i64(cx->db, &cx->err, parts, &found,
                                  "SELECT COALESCE(-SUM(value), 0) FROM stock_movements\n"
                                  "WHERE doc_kind = 'repair_orders' AND doc_id = $1",
                                  "i", order_id);
    if (rc != ERR_OK)
        return rc;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT t.minutes, COALESCE(u.cost_rate_per_hour, 0)\n"
                              "FROM repair_time_logs t LEFT JOIN users u ON u.id = t.user_id\n"
                              "WHERE t.repair_order_id = $1 AND t.minutes IS NOT NULL",
                              "i", order_id);
    if (!st)
        return cx->err.code;
    __int128 sum = 0;
    *minutes = 0;
    int r;
    while ((r = db_step(st)) == DB_ROW) {
        sum += (__int128)db_col_i64(st, 0) * db_col_i64(st, 1);
        *minutes += db_col_i64(st, 0);
    }
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    *labour = div_round(sum, 60);
    return ERR_OK;
}

enum err_code repair_summary(struct ctx *cx, int64_t order_id, json_t **out)
{
    struct record *order;
    enum err_code rc = entity_get(cx, &entity_repair_orders, order_id, &order);
    if (rc != ERR_OK)
        return rc;
    json_t *lines = NULL, *estimates = NULL;
    int64_t total = 0, labour = 0, n = 0, vat = 0, approved_labour = -1, fee = 0;
    bool found;
    if ((rc = lines_json(cx, order_id, &lines)) != ERR_OK ||
        (rc = repair_lines_total(cx, order_id, &total, &labour, &n)) != ERR_OK ||
        (rc = db_get_i64(cx->db, &cx->err, &vat, &found,
                         "SELECT COALESCE(SUM(vat_amount), 0) FROM repair_order_lines\n"
                         "WHERE repair_order_id = $1",
                         "i", order_id)) != ERR_OK ||
        (rc = repair_diagnostics_fee(cx, order_id, &fee)) != ERR_OK ||
        (rc = estimates_json(cx, order_id, &estimates, &approved_labour)) != ERR_OK) {
        json_decref(lines);
        return rc;
    }
    json_t *o = json_pack("{s:o,s:{s:I,s:I,s:I,s:I,s:I},s:o}", "lines", lines, "totals", "total",
                          (json_int_t)total, "vat", (json_int_t)vat, "labour", (json_int_t)labour,
                          "parts", (json_int_t)(total - labour), "diagnostics_fee", (json_int_t)fee,
                          "estimates", estimates);
    const struct value *ceiling = rec_get(order, RO_PRICE_CEILING);
    json_object_set_new(o, "price_ceiling", ceiling->null ? json_null() : json_integer(ceiling->i));
    json_object_set_new(o, "over_ceiling", json_boolean(!ceiling->null && total > ceiling->i));
    /* the delay penalty of paid work (ЗоЗПП ст. 28 п. 5) */
    const struct value *planned = rec_get(order, RO_PLANNED_DATE);
    /* the price of the work: the approved estimate's labour, or — when no
     * estimate was ever sent (the client asked for the repair) — the lines' */
    if (approved_labour < 0 && rec_get(order, RO_ESTIMATE_VERSION)->i == 0)
        approved_labour = labour;
    if (!rec_get(order, RO_WARRANTY)->i && !planned->null && approved_labour > 0) {
        char day[ISO_DATE_LEN];
        int days;
        int64_t amount;
        if ((rc = done_day(cx, order, day)) != ERR_OK) {
            json_decref(o);
            return rc;
        }
        if (repair_penalty(approved_labour, planned->s, day, &days, &amount))
            json_object_set_new(o, "penalty",
                                json_pack("{s:s,s:s,s:i,s:I,s:I}", "planned_date", planned->s,
                                          "until", day, "days_overdue", days, "price",
                                          (json_int_t)approved_labour, "amount",
                                          (json_int_t)amount));
    }
    /* the cost and the margin: managers only */
    if (ctx_can(cx, P_WORKSHOP_MANAGE)) {
        int64_t parts = 0, work = 0, minutes = 0;
        if ((rc = order_cost(cx, order_id, &parts, &work, &minutes)) != ERR_OK) {
            json_decref(o);
            return rc;
        }
        json_object_set_new(o, "cost",
                            json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "parts", (json_int_t)parts,
                                      "labour", (json_int_t)work, "minutes", (json_int_t)minutes,
                                      "total", (json_int_t)(parts + work), "revenue",
                                      (json_int_t)total, "margin",
                                      (json_int_t)(total - parts - work)));
    }
    *out = o;
    return ERR_OK;
}

/* ---- the client's answer --------------------------------------------------- */

static enum err_code answer_tx(struct ctx *cx, int64_t id, int64_t estimate_version, bool approve,
                               struct record **out)
{
    struct record *order;
    enum err_code rc = entity_get(cx, &entity_repair_orders, id, &order);
    if (rc != ERR_OK)
        return rc;
    if (strcmp(rec_get(order, RO_STATUS)->s, "estimate_sent"))
        return ctx_fail(cx, ERR_CONFLICT, "there is no estimate waiting for an answer");
    if (estimate_version != rec_get(order, RO_ESTIMATE_VERSION)->i) {
        err_field(&cx->err, "version", "stale");
        return ctx_fail(cx, ERR_CONFLICT, "the estimate was changed: look at it again");
    }
    const char *by = "клиент на странице статуса", *via = "client_page";
    struct record *patch = record_new(cx, &entity_repair_orders);
    set_text(cx, patch, RO_STATUS, approve ? "approved" : "declined");
    set_text(cx, patch, RO_APPROVAL_BY, by);
    set_text(cx, patch, RO_APPROVAL_VIA, via);
    set_text(cx, patch, RO_APPROVED_AT, now_iso(cx));
    if (approve)
        set_int(patch, RO_APPROVED_TOTAL, rec_get(order, RO_ESTIMATE_TOTAL)->i);
    if ((rc = entity_update_as(cx, &entity_repair_orders, id, order->version, patch,
                               approve ? "approve" : "decline", out)) != ERR_OK ||
        (rc = timeline_add(cx, &entity_repair_orders, id, "status", true, NULL, "estimate_sent",
                           approve ? "approved" : "declined", "Клиент", NULL)) != ERR_OK ||
        (rc = repair_estimate_answer(cx, id, estimate_version, approve ? "approved" : "declined",
                                     by, via)) != ERR_OK)
        return rc;
    return approve ? repair_reserve_all(cx, id) : repair_release_all(cx, id);
}

enum err_code repair_client_answer(struct ctx *cx, const char *number, const char *code,
                                   int64_t estimate_version, bool approve, json_t **out)
{
    struct record *rec;
    struct event *ev;
    int n;
    enum err_code rc = timeline_public(cx, &entity_repair_orders, number, code, &rec, &ev, &n);
    if (rc != ERR_OK)
        return rc;
    bool own;
    if ((rc = db_begin_own(cx->db, &cx->err, &own)) != ERR_OK)
        return rc;
    struct record *now;
    rc = db_end_own(cx->db, &cx->err, own, answer_tx(cx, rec->id, estimate_version, approve, &now));
    if (rc != ERR_OK)
        return rc;
    *out = json_pack("{s:s,s:s,s:I}", "number", rec_get(now, RO_NUMBER)->s, "status",
                     rec_get(now, RO_STATUS)->s, "estimate_version",
                     (json_int_t)rec_get(now, RO_ESTIMATE_VERSION)->i);
    return ERR_OK;
}

/* ---- the public pages --------------------------------------------------- */

enum err_code repair_public_estimate(struct ctx *cx, int64_t order_id, json_t **out)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT version_no, created_at, total, vat_total, lines, status,\n"
                              "  answered_at, answered_via\n"
                              "FROM repair_estimates WHERE repair_order_id = $1\n"
                              "ORDER BY version_no DESC LIMIT 1",
                              "i", order_id);
    if (!st)
        return cx->err.code;
    *out = NULL;
    int r = db_step(st);
    if (r == DB_ROW) {
        json_t *all = json_loads(db_col_text(st, 4), 0, NULL), *lines = json_array(), *l;
        size_t i;
        json_array_foreach(all, i, l)
        {
            json_array_append_new(lines, json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "kind",
                                                   json_object_get(l, "kind"), "description",
                                                   json_object_get(l, "description"), "qty",
                                                   json_object_get(l, "qty"), "price",
                                                   json_object_get(l, "price"), "discount",
                                                   json_object_get(l, "discount"), "amount",
                                                   json_object_get(l, "amount"), "vat_amount",
                                                   json_object_get(l, "vat_amount")));
        }
        json_decref(all);
        *out = json_pack("{s:I,s:s,s:I,s:I,s:o,s:s,s:s?,s:s?}", "version",
                         (json_int_t)db_col_i64(st, 0), "sent_at", db_col_text(st, 1), "total",
                         (json_int_t)db_col_i64(st, 2), "vat_total", (json_int_t)db_col_i64(st, 3),
                         "lines", lines, "status", db_col_text(st, 5), "answered_at",
                         db_col_null(st, 6) ? NULL : db_col_text(st, 6), "answered_via",
                         db_col_null(st, 7) ? NULL : db_col_text(st, 7));
    }
    db_done(st);
    return r == DB_FAIL ? cx->err.code : ERR_OK;
}

enum err_code repair_orders_of_request(struct ctx *cx, int64_t request_id, json_t **out)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT number, status, access_code FROM repair_orders\n"
                              "WHERE request_id = $1 ORDER BY id LIMIT 50",
                              "i", request_id);
    if (!st)
        return cx->err.code;
    json_t *a = json_array();
    int r;
    while ((r = db_step(st)) == DB_ROW)
        json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "number", db_col_text(st, 0), "status",
                                           db_col_text(st, 1), "code", db_col_text(st, 2)));
    db_done(st);
    if (r == DB_FAIL) {
        json_decref(a);
        return cx->err.code;
    }
    *out = a;
    return ERR_OK;
}
