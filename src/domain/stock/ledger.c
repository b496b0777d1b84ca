/* ledger.c — the stock ledger (domain layer): postings and their immutable
 * movements, balances kept in the same transaction, moving-average cost,
 * transfers with goods in transit, reversals, reservations for documents
 * and the check of balances against the ledger.
 *
 * Concurrency: every change of a balance first locks its row (SELECT … FOR
 * UPDATE on PostgreSQL; on SQLite the write transaction is alone), reads
 * it, decides, and writes it back — so available (on hand − reserved) is
 * checked against what others committed, never below zero. Rows are locked
 * in part order (and for a transfer's part, in warehouse order), so two
 * postings never wait on each other in a circle. */
#include "stock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "core/audit.h"
#include "core/numbering.h"
#include "core/record.h"
#include "base/banned.h"

const char *const stock_move_kinds[] = {
#define X(id, name) [id] = name,
    STOCK_MOVE_KINDS(X)
#undef X
        NULL};

const struct stock_posting_kind stock_posting_kinds[] = {
    {"receipt", SM_RECEIPT, true},
    {"issue", SM_ISSUE, false},
    {"sale", SM_SALE, false},
    {"write_off", SM_WRITE_OFF, false},
    {"transfer", SM_TRANSFER_OUT, false},
    {"return_in", SM_RETURN_IN, true},
    {"return_out", SM_RETURN_OUT, false},
    {0},
};

const struct stock_doc_kind stock_doc_kinds[] = {
    {"request", "requests"},
    {"repair_orders", "repair_orders"},
    {"purchase_order", "purchase_orders"},   /* goods received against an order */
    {"supplier_return", "supplier_returns"}, /* goods returned to a supplier */
    {0},
};

const struct stock_posting_kind *stock_posting_kind(const char *name)
{
    for (const struct stock_posting_kind *k = stock_posting_kinds; name && k->name; k++)
        if (!strcmp(k->name, name))
            return k;
    return NULL;
}

/* ---- moving-average cost ---- */

static int64_t div_round(__int128 n, __int128 d)
{
    if (d < 0)
        n = -n, d = -d;
    __int128 q = n >= 0 ? (n + d / 2) / d : -((-n + d / 2) / d);
    return (int64_t)q;
}

int64_t stock_value_of(int64_t qty, int64_t unit_cost)
{
    return div_round((__int128)qty * unit_cost, 1000);
}

int64_t stock_value_out(int64_t on_hand, int64_t value, int64_t qty)
{
    if (on_hand <= 0 || qty >= on_hand)
        return value;
    return div_round((__int128)value * qty, on_hand);
}

int64_t stock_unit_cost(int64_t on_hand, int64_t value)
{
    return on_hand > 0 ? div_round((__int128)value * 1000, on_hand) : 0;
}

/* ---- helpers ---- */

static const char *now_iso(struct ctx *cx)
{
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    return arena_strdup(cx->a, now);
}

static int64_t user_id(const struct ctx *cx) { return cx->user ? cx->user->id : 0; }

/* "3", "2.5", "0.125": a quantity in thousandths as people write it. */
static const char *qty_text(struct ctx *cx, int64_t q)
{
    const char *sign = q < 0 ? "-" : "";
    int64_t a = q < 0 ? -q : q;
    if (a % 1000 == 0)
        return arena_printf(cx->a, "%s%lld", sign, (long long)(a / 1000));
    char frac[8];
    snprintf(frac, sizeof(frac), "%03lld", (long long)(a % 1000));
    for (int i = 2; i > 0 && frac[i] == '0'; i--)
        frac[i] = 0;
    return arena_printf(cx->a, "%s%lld.%s", sign, (long long)(a / 1000), frac);
}

static enum err_code invalid(struct ctx *cx, const char *field, const char *code, const char *msg)
{
    err_field(&cx->err, field, code);
    return ctx_fail(cx, ERR_INVALID, "%s", msg);
}

/* 409 with the quantity there is: fields {<field>: insufficient,
 * available: "<thousandths>"}. */
static enum err_code short_of(struct ctx *cx, const char *field, int64_t available, int64_t asked)
{
    if (available < 0)
        available = 0;
    err_field(&cx->err, field, "insufficient");
    err_field(&cx->err, "available", arena_printf(cx->a, "%lld", (long long)available));
    return ctx_fail(cx, ERR_CONFLICT, "not enough available: %s, asked %s", qty_text(cx, available),
                    qty_text(cx, asked));
}

static enum err_code check_qty(struct ctx *cx, const char *field, int64_t qty)
{
    if (qty <= 0)
        return invalid(cx, field, "must_be_positive", "a quantity is more than zero");
    if (qty > STOCK_QTY_MAX)
        return invalid(cx, field, "too_large", "a quantity is at most a million units");
    return ERR_OK;
}

/* A warehouse a posting may touch: it exists, is active and — for a user
 * who works in one branch — is that branch's. */
static enum err_code warehouse_usable(struct ctx *cx, const char *field, int64_t id, bool scoped)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err, "SELECT branch_id, active FROM warehouses WHERE id = $1", "i", id);
    if (!st)
        return cx->err.code;
    int rc = db_step(st);
    int64_t branch = rc == DB_ROW ? db_col_i64(st, 0) : 0;
    bool active = rc == DB_ROW && db_col_i64(st, 1) != 0;
    db_done(st);
    if (rc == DB_FAIL)
        return cx->err.code;
    if (rc != DB_ROW)
        return invalid(cx, field, "not_found", "no such warehouse");
    if (scoped && ctx_branch(cx) && branch != ctx_branch(cx))
        return invalid(cx, field, "out_of_scope", "the warehouse is another branch's");
    if (!active)
        return invalid(cx, field, "inactive", "the warehouse is closed");
    return ERR_OK;
}

static enum err_code doc_usable(struct ctx *cx, const char *kind, int64_t id)
{
    const struct stock_doc_kind *k = stock_doc_kinds;
    while (kind && k->name && strcmp(k->name, kind))
        k++;
    if (!kind || !k->name)
        return invalid(cx, "doc_kind", "invalid", "no such kind of document");
    if (id < 1)
        return invalid(cx, "doc_id", "not_found", "no such document");
    bool found;
    int64_t one;
    /* the table's name is a constant of stock_doc_kinds, never input */
    enum err_code rc =
        db_get_i64(cx->db, &cx->err, &one, &found,
                   arena_printf(cx->a, "SELECT 1 FROM %s WHERE id = $1", k->table), "i", id);
    if (rc != ERR_OK)
        return rc;
    return found ? ERR_OK : invalid(cx, "doc_id", "not_found", "no such document");
}

struct part_info {
    bool serial;
    int64_t purchase_price;
};

static enum err_code part_get(struct ctx *cx, const char *field, int64_t id, struct part_info *p)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err, "SELECT serial_tracked, purchase_price FROM parts WHERE id = $1",
             "i", id);
    if (!st)
        return cx->err.code;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        p->serial = db_col_i64(st, 0) != 0;
        p->purchase_price = db_col_i64(st, 1);
    }
    db_done(st);
    if (rc == DB_FAIL)
        return cx->err.code;
    return rc == DB_ROW ? ERR_OK : invalid(cx, field, "not_found", "no such part");
}

/* ---- balances ---- */

struct balance {
    int64_t id, part_id, warehouse_id;
    int64_t on_hand, reserved, in_transit, value;
};

/* Locks and reads the balance of a part in a warehouse; with create, makes
 * an empty one first when there is none (else b->id is 0 then). */
static enum err_code balance_lock(struct ctx *cx, int64_t part, int64_t wh, bool create,
                                  struct balance *b)
{
    memset(b, 0, sizeof(*b));
    b->part_id = part;
    b->warehouse_id = wh;
    enum err_code rc;
    if (create &&
        (rc = db_run(cx->db, &cx->err,
                     "INSERT INTO stock_balances\n"
                     "  (part_id, warehouse_id, on_hand, reserved, in_transit, value, updated_at)\n"
                     "VALUES ($1, $2, 0, 0, 0, 0, $3)\n"
                     "ON CONFLICT (part_id, warehouse_id) DO NOTHING",
                     "iit", part, wh, now_iso(cx))) != ERR_OK)
        return rc;
    const char *sql = arena_printf(cx->a,
                                   "SELECT id, on_hand, reserved, in_transit, value\n"
                                   "FROM stock_balances\n"
                                   "WHERE part_id = $1 AND warehouse_id = $2%s",
                                   db_sql_for_update(cx->db));
    struct db_stmt *st = db_q(cx->db, &cx->err, sql, "ii", part, wh);
    if (!st)
        return cx->err.code;
    int r = db_step(st);
    if (r == DB_ROW) {
        b->id = db_col_i64(st, 0);
        b->on_hand = db_col_i64(st, 1);
        b->reserved = db_col_i64(st, 2);
        b->in_transit = db_col_i64(st, 3);
        b->value = db_col_i64(st, 4);
    }
    db_done(st);
    return r == DB_FAIL ? cx->err.code : ERR_OK;
}

static enum err_code balance_save(struct ctx *cx, const struct balance *b)
{
    assert(b->id);
    return db_run(cx->db, &cx->err,
                  "UPDATE stock_balances\n"
                  "SET on_hand = $2, reserved = $3, in_transit = $4, value = $5, updated_at = $6\n"
                  "WHERE id = $1",
                  "iiiiit", b->id, b->on_hand, b->reserved, b->in_transit, b->value, now_iso(cx));
}

/* ---- postings and movements ---- */

struct posting {
    int64_t id;
    const char *kind;
    int64_t warehouse_id, to_warehouse_id;
    const char *doc_kind;
    int64_t doc_id;
};

static enum err_code posting_add(struct ctx *cx, struct posting *p, const char *status,
                                 const char *reason)
{
    const char *now = now_iso(cx);
    int year = (now[0] - '0') * 1000 + (now[1] - '0') * 100 + (now[2] - '0') * 10 + now[3] - '0';
    int64_t n;
    enum err_code rc = number_next(cx, "СК", year, &n);
    if (rc != ERR_OK)
        return rc;
    bool found;
    return db_get_i64(cx->db, &cx->err, &p->id, &found,
                      "INSERT INTO stock_postings\n"
                      "  (number, kind, warehouse_id, to_warehouse_id, status, doc_kind, doc_id,\n"
                      "   reason, user_id, created_at)\n"
                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)\n"
                      "RETURNING id",
                      "ttiIttItIt", number_format(cx, "СК", year, n), p->kind, p->warehouse_id,
                      p->to_warehouse_id, status, p->doc_kind, p->doc_id, reason, user_id(cx), now);
}

struct movement {
    enum stock_move_kind kind;
    int64_t part_id, warehouse_id, counter_id;
    int64_t qty, unit_cost, value;
    int64_t serial_id, reverses_id;
};

static enum err_code movement_add(struct ctx *cx, const struct posting *p, const struct movement *m)
{
    return db_run(cx->db, &cx->err,
                  "INSERT INTO stock_movements\n"
                  "  (posting_id, kind, part_id, warehouse_id, counter_warehouse_id, qty,\n"
                  "   unit_cost, value, doc_kind, doc_id, serial_id, reverses_id, user_id,\n"
                  "   created_at)\n"
                  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                  "itiiIiiitIIIIt", p->id, stock_move_kinds[m->kind], m->part_id, m->warehouse_id,
                  m->counter_id, m->qty, m->unit_cost, m->value, p->doc_kind, p->doc_id,
                  m->serial_id, m->reverses_id, user_id(cx), now_iso(cx));
}

/* ---- the audit log: who posted what, in the tamper-evident chain ---- */

enum err_code stock_posting_audit(struct ctx *cx, int64_t id, const char *action)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT number, kind, warehouse_id, COALESCE(to_warehouse_id, 0),\n"
                              "  status, doc_kind, COALESCE(doc_id, 0), reason\n"
                              "FROM stock_postings WHERE id = $1",
                              "i", id);
    if (!st)
        return cx->err.code;
    if (db_step(st) != DB_ROW) {
        db_done(st);
        return cx->err.code ? cx->err.code : ctx_fail(cx, ERR_INTERNAL, "posting lost");
    }
    struct buf b = BUF_INIT;
    buf_adds(&b, "{\"number\":");
    json_write_string(&b, db_col_text(st, 0));
    buf_adds(&b, ",\"kind\":");
    json_write_string(&b, db_col_text(st, 1));
    buf_printf(&b, ",\"warehouse_id\":%lld,\"to_warehouse_id\":%lld,\"status\":",
               (long long)db_col_i64(st, 2), (long long)db_col_i64(st, 3));
    json_write_string(&b, db_col_text(st, 4));
    buf_adds(&b, ",\"doc_kind\":");
    json_write_string(&b, db_col_text(st, 5));
    buf_printf(&b, ",\"doc_id\":%lld,\"reason\":", (long long)db_col_i64(st, 6));
    json_write_string(&b, db_col_text(st, 7));
    db_done(st);
    buf_adds(&b, ",\"movements\":[");
    st = db_q(cx->db, &cx->err,
              "SELECT id, kind, part_id, warehouse_id, qty, unit_cost, value,\n"
              "  COALESCE(serial_id, 0)\n"
              "FROM stock_movements WHERE posting_id = $1 ORDER BY id",
              "i", id);
    int r = DB_FAIL, n = 0;
    while (st && (r = db_step(st)) == DB_ROW)
        buf_printf(&b,
                   "%s{\"id\":%lld,\"kind\":\"%s\",\"part_id\":%lld,\"warehouse_id\":%lld,"
                   "\"qty\":%lld,\"unit_cost\":%lld,\"value\":%lld,\"serial_id\":%lld}",
                   n++ ? "," : "", (long long)db_col_i64(st, 0), db_col_text(st, 1),
                   (long long)db_col_i64(st, 2), (long long)db_col_i64(st, 3),
                   (long long)db_col_i64(st, 4), (long long)db_col_i64(st, 5),
                   (long long)db_col_i64(st, 6), (long long)db_col_i64(st, 7));
    if (st)
        db_done(st);
    buf_adds(&b, "]}");
    const char *after = arena_strdup(cx->a, b.p);
    buf_release(&b);
    if (r == DB_FAIL)
        return cx->err.code;
    return audit_append(cx, action, "stock_postings", id, NULL, after);
}

/* A reservation's change: what the document holds of a part in a
 * warehouse now, and by how much that changed. */
static enum err_code reservation_audit(struct ctx *cx, const char *action, const char *doc_kind,
                                       int64_t doc_id, int64_t part, int64_t wh, int64_t change,
                                       int64_t held)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, "{\"doc_kind\":");
    json_write_string(&b, doc_kind);
    buf_printf(&b,
               ",\"doc_id\":%lld,\"part_id\":%lld,\"warehouse_id\":%lld,\"qty\":%lld,"
               "\"held\":%lld}",
               (long long)doc_id, (long long)part, (long long)wh, (long long)change,
               (long long)held);
    const char *after = arena_strdup(cx->a, b.p);
    buf_release(&b);
    return audit_append(cx, action, "stock_reservations", doc_id, NULL, after);
}

/* ---- serial numbers ---- */

/* A piece comes into wh: new, or known and not in any warehouse now. */
static enum err_code serial_in(struct ctx *cx, const char *field, int64_t part, const char *serial,
                               int64_t wh, int64_t *id)
{
    if (!serial || !*serial || strlen(serial) > 100)
        return invalid(cx, field, "invalid", "a serial number is 1 to 100 characters");
    enum err_code rc =
        db_run(cx->db, &cx->err,
               "INSERT INTO part_serials (part_id, serial, warehouse_id, created_at)\n"
               "VALUES ($1, $2, NULL, $3)\n"
               "ON CONFLICT (part_id, serial) DO NOTHING",
               "itt", part, serial, now_iso(cx));
    if (rc != ERR_OK)
        return rc;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT id, warehouse_id FROM part_serials\n"
                              "WHERE part_id = $1 AND serial = $2",
                              "it", part, serial);
    if (!st)
        return cx->err.code;
    int r = db_step(st);
    bool here = r == DB_ROW && !db_col_null(st, 1);
    *id = r == DB_ROW ? db_col_i64(st, 0) : 0;
    db_done(st);
    if (r != DB_ROW)
        return r == DB_FAIL ? cx->err.code : ctx_fail(cx, ERR_INTERNAL, "serial lost");
    if (here)
        return invalid(cx, field, "in_stock",
                       arena_printf(cx->a, "serial %s is in stock already", serial));
    return db_run(cx->db, &cx->err, "UPDATE part_serials SET warehouse_id = $2 WHERE id = $1", "ii",
                  *id, wh);
}

/* A piece leaves wh: it must be there. */
static enum err_code serial_out(struct ctx *cx, const char *field, int64_t part, const char *serial,
                                int64_t wh, int64_t *id)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT id, warehouse_id FROM part_serials\n"
                              "WHERE part_id = $1 AND serial = $2",
                              "it", part, serial ? serial : "");
    if (!st)
        return cx->err.code;
    int r = db_step(st);
    bool here = r == DB_ROW && !db_col_null(st, 1) && db_col_i64(st, 1) == wh;
    *id = r == DB_ROW ? db_col_i64(st, 0) : 0;
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    if (!here)
        return invalid(
            cx, field, "not_in_stock",
            arena_printf(cx->a, "serial %s is not in this warehouse", serial ? serial : ""));
    return db_run(cx->db, &cx->err, "UPDATE part_serials SET warehouse_id = NULL WHERE id = $1",
                  "i", *id);
}

/* ---- one movement's effect ---- */

/* Goods come in: on hand and value grow at unit_cost. */
static enum err_code move_in(struct ctx *cx, const struct posting *p, enum stock_move_kind kind,
                             int64_t part, int64_t wh, int64_t qty, int64_t unit_cost,
                             int64_t serial_id)
{
    struct balance b;
    enum err_code rc = balance_lock(cx, part, wh, true, &b);
    if (rc != ERR_OK)
        return rc;
    struct movement m = {kind,      part, wh, 0, qty, unit_cost, stock_value_of(qty, unit_cost),
                         serial_id, 0};
    b.on_hand += qty;
    b.value += m.value;
    if ((rc = balance_save(cx, &b)) != ERR_OK)
        return rc;
    return movement_add(cx, p, &m);
}

/* Goods go out at the moving-average cost: from the document's reservation
 * first (when it has one here), the rest from what is available. For a
 * transfer, the goods are then in transit to the other warehouse. */
static enum err_code move_out(struct ctx *cx, const struct posting *p, enum stock_move_kind kind,
                              const char *field, int64_t part, int64_t wh, int64_t qty,
                              int64_t serial_id)
{
    struct balance b, dest;
    enum err_code rc;
    int64_t to = kind == SM_TRANSFER_OUT ? p->to_warehouse_id : 0;
    if (to && to < wh && (rc = balance_lock(cx, part, to, true, &dest)) != ERR_OK)
        return rc; /* warehouse order */
    if ((rc = balance_lock(cx, part, wh, false, &b)) != ERR_OK)
        return rc;
    int64_t held = 0;
    if (p->doc_kind && b.id) {
        bool found;
        if ((rc = db_get_i64(cx->db, &cx->err, &held, &found,
                             "SELECT qty FROM stock_reservations\n"
                             "WHERE doc_kind = $1 AND doc_id = $2 AND part_id = $3\n"
                             "  AND warehouse_id = $4",
                             "tiii", p->doc_kind, p->doc_id, part, wh)) != ERR_OK)
            return rc;
        if (!found)
            held = 0;
    }
    int64_t take = held < qty ? held : qty;
    int64_t available = b.on_hand - b.reserved + take;
    if (!b.id || qty > available)
        return short_of(cx, field, available, qty);
    struct movement m = {kind, part, wh, to, -qty, 0, 0, serial_id, 0};
    int64_t out = stock_value_out(b.on_hand, b.value, qty);
    m.value = -out;
    m.unit_cost = div_round((__int128)out * 1000, qty);
    b.on_hand -= qty;
    b.reserved -= take;
    b.value -= out;
    if ((rc = balance_save(cx, &b)) != ERR_OK)
        return rc;
    if (take > 0) {
        rc = take == held ? db_run(cx->db, &cx->err,
                                   "DELETE FROM stock_reservations\n"
                                   "WHERE doc_kind = $1 AND doc_id = $2 AND part_id = $3\n"
                                   "  AND warehouse_id = $4",
                                   "tiii", p->doc_kind, p->doc_id, part, wh)
                          : db_run(cx->db, &cx->err,
                                   "UPDATE stock_reservations SET qty = qty - $5, updated_at = $6\n"
                                   "WHERE doc_kind = $1 AND doc_id = $2 AND part_id = $3\n"
                                   "  AND warehouse_id = $4",
                                   "tiiiit", p->doc_kind, p->doc_id, part, wh, take, now_iso(cx));
        if (rc != ERR_OK)
            return rc;
    }
    if (to) {
        if ((rc = balance_lock(cx, part, to, true, &dest)) != ERR_OK)
            return rc;
        dest.in_transit += qty;
        if ((rc = balance_save(cx, &dest)) != ERR_OK)
            return rc;
    }
    return movement_add(cx, p, &m);
}

static int line_cmp(const void *a, const void *b)
{
    const struct stock_line *x = a, *y = b;
    return x->part_id < y->part_id ? -1 : x->part_id > y->part_id;
}

static enum err_code post_tx(struct ctx *cx, const struct stock_posting_in *in,
                             const struct stock_posting_kind *k, int64_t *posting_id)
{
    enum err_code rc = warehouse_usable(cx, "warehouse_id", in->warehouse_id, true);
    if (rc != ERR_OK)
        return rc;
    if (k->move == SM_TRANSFER_OUT) {
        if (!in->to_warehouse_id)
            return invalid(cx, "to_warehouse_id", "required", "a transfer goes somewhere");
        if (in->to_warehouse_id == in->warehouse_id)
            return invalid(cx, "to_warehouse_id", "same_warehouse",
                           "a transfer goes to another warehouse");
        if ((rc = warehouse_usable(cx, "to_warehouse_id", in->to_warehouse_id, false)) != ERR_OK)
            return rc;
    } else if (in->to_warehouse_id) {
        return invalid(cx, "to_warehouse_id", "not_allowed", "only a transfer goes elsewhere");
    }
    if (k->move == SM_WRITE_OFF && (!in->reason || !*in->reason))
        return invalid(cx, "reason", "required", "a write-off says why");
    if (in->doc_kind && (rc = doc_usable(cx, in->doc_kind, in->doc_id)) != ERR_OK)
        return rc;
    if (in->nlines < 1)
        return invalid(cx, "lines", "required", "a posting has at least one line");
    /* check every line before changing anything, so the first error is the
     * field's, then lock in part order */
    struct part_info *info = arena_alloc(cx->a, sizeof(*info) * (size_t)in->nlines);
    struct stock_line *lines = arena_alloc(cx->a, sizeof(*lines) * (size_t)in->nlines);
    for (int i = 0; i < in->nlines; i++) {
        const struct stock_line *l = &in->lines[i];
        const char *f = arena_printf(cx->a, "lines.%d.", i);
        if ((rc = part_get(cx, arena_printf(cx->a, "%spart_id", f), l->part_id, &info[i])) !=
                ERR_OK ||
            (rc = check_qty(cx, arena_printf(cx->a, "%sqty", f), l->qty)) != ERR_OK)
            return rc;
        if (l->unit_cost < 0 || l->unit_cost > STOCK_COST_MAX)
            return invalid(cx, arena_printf(cx->a, "%sunit_cost", f), "out_of_range",
                           "a unit cost is from 0 to a billion roubles");
        if (info[i].serial && (l->qty % 1000 || l->nserials != l->qty / 1000))
            return invalid(cx, arena_printf(cx->a, "%sserials", f), "count",
                           "serialized goods: one serial per piece");
        if (!info[i].serial && l->nserials)
            return invalid(cx, arena_printf(cx->a, "%sserials", f), "not_serialized",
                           "the part has no serial numbers");
        lines[i] = *l;
    }
    struct posting p = {0,         k->name, in->warehouse_id, in->to_warehouse_id, in->doc_kind,
                        in->doc_id};
    const char *status = k->move == SM_TRANSFER_OUT ? "in_transit" : "done";
    if ((rc = posting_add(cx, &p, status, in->reason)) != ERR_OK)
        return rc;
    /* in part order, each keeping its index for the errors */
    struct {
        struct stock_line l;
        int i;
    } *sorted = arena_alloc(cx->a, sizeof(*sorted) * (size_t)in->nlines);
    for (int i = 0; i < in->nlines; i++)
        sorted[i].l = lines[i], sorted[i].i = i;
    for (int i = 1; i < in->nlines; i++) /* insertion sort: stable, few lines */
        for (int j = i; j > 0 && line_cmp(&sorted[j - 1].l, &sorted[j].l) > 0; j--) {
            __typeof__(sorted[0]) t = sorted[j];
            sorted[j] = sorted[j - 1];
            sorted[j - 1] = t;
        }
    for (int s = 0; s < in->nlines; s++) {
        const struct stock_line *l = &sorted[s].l;
        int i = sorted[s].i;
        const char *qf = arena_printf(cx->a, "lines.%d.qty", i);
        const char *sf = arena_printf(cx->a, "lines.%d.serials", i);
        int64_t cost = l->unit_cost;
        if (k->incoming && !cost) {
            if (k->move == SM_RETURN_IN) { /* back at what it costs here now */
                struct balance b;
                if ((rc = balance_lock(cx, l->part_id, in->warehouse_id, true, &b)) != ERR_OK)
                    return rc;
                cost = b.on_hand ? stock_unit_cost(b.on_hand, b.value) : info[i].purchase_price;
            } else {
                cost = info[i].purchase_price;
            }
        }
        int pieces = info[i].serial ? l->nserials : 1;
        for (int n = 0; n < pieces; n++) {
            int64_t q = info[i].serial ? 1000 : l->qty, serial = 0;
            if (info[i].serial) {
                rc = k->incoming
                         ? serial_in(cx, sf, l->part_id, l->serials[n], in->warehouse_id, &serial)
                         : serial_out(cx, sf, l->part_id, l->serials[n], in->warehouse_id, &serial);
                if (rc != ERR_OK)
                    return rc;
            }
            rc = k->incoming
                     ? move_in(cx, &p, k->move, l->part_id, in->warehouse_id, q, cost, serial)
                     : move_out(cx, &p, k->move, qf, l->part_id, in->warehouse_id, q, serial);
            if (rc != ERR_OK)
                return rc;
        }
    }
    *posting_id = p.id;
    return stock_posting_audit(cx, p.id, "post");
}

enum err_code stock_post(struct ctx *cx, const struct stock_posting_in *in, int64_t *posting_id)
{
    const struct stock_posting_kind *k = stock_posting_kind(in->kind);
    if (!k)
        return invalid(cx, "kind", "invalid", "no such kind of posting");
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, post_tx(cx, in, k, posting_id));
}

/* ---- the movements of a posting ---- */

struct moved {
    int64_t id, part_id, warehouse_id, counter_id, qty, unit_cost, value, serial_id;
    enum stock_move_kind kind;
};

static enum err_code movements_of(struct ctx *cx, int64_t posting_id, struct moved **out, int *n)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT id, part_id, warehouse_id, COALESCE(counter_warehouse_id, 0),\n"
             "  qty, unit_cost, value, COALESCE(serial_id, 0), kind\n"
             "FROM stock_movements\n"
             "WHERE posting_id = $1\n"
             "ORDER BY part_id, id",
             "i", posting_id);
    if (!st)
        return cx->err.code;
    int cap = 16, r;
    *n = 0;
    *out = arena_alloc(cx->a, sizeof(**out) * (size_t)cap);
    while ((r = db_step(st)) == DB_ROW) {
        if (*n == cap) {
            struct moved *m = arena_alloc(cx->a, sizeof(*m) * (size_t)cap * 2);
            memcpy(m, *out, sizeof(*m) * (size_t)cap);
            *out = m;
            cap *= 2;
        }
        struct moved *m = &(*out)[(*n)++];
        m->id = db_col_i64(st, 0);
        m->part_id = db_col_i64(st, 1);
        m->warehouse_id = db_col_i64(st, 2);
        m->counter_id = db_col_i64(st, 3);
        m->qty = db_col_i64(st, 4);
        m->unit_cost = db_col_i64(st, 5);
        m->value = db_col_i64(st, 6);
        m->serial_id = db_col_i64(st, 7);
        m->kind = SM_REVERSAL;
        for (int k = 0; k < SM__COUNT; k++)
            if (!strcmp(stock_move_kinds[k], db_col_text(st, 8)))
                m->kind = (enum stock_move_kind)k;
    }
    db_done(st);
    return r == DB_FAIL ? cx->err.code : ERR_OK;
}

static enum err_code posting_lock(struct ctx *cx, int64_t id, struct posting *p,
                                  const char **status)
{
    const char *sql = arena_printf(cx->a,
                                   "SELECT kind, warehouse_id, COALESCE(to_warehouse_id, 0),\n"
                                   "  doc_kind, COALESCE(doc_id, 0), status\n"
                                   "FROM stock_postings\n"
                                   "WHERE id = $1%s",
                                   db_sql_for_update(cx->db));
    struct db_stmt *st = db_q(cx->db, &cx->err, sql, "i", id);
    if (!st)
        return cx->err.code;
    int r = db_step(st);
    if (r == DB_ROW) {
        p->id = id;
        p->kind = arena_strdup(cx->a, db_col_text(st, 0));
        p->warehouse_id = db_col_i64(st, 1);
        p->to_warehouse_id = db_col_i64(st, 2);
        p->doc_kind = db_col_null(st, 3) ? NULL : arena_strdup(cx->a, db_col_text(st, 3));
        p->doc_id = db_col_i64(st, 4);
        *status = arena_strdup(cx->a, db_col_text(st, 5));
    }
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    return r == DB_ROW ? ERR_OK : ctx_fail(cx, ERR_NOTFOUND, "no such posting");
}

static enum err_code receive_tx(struct ctx *cx, int64_t id)
{
    struct posting p;
    const char *status;
    enum err_code rc = posting_lock(cx, id, &p, &status);
    if (rc != ERR_OK)
        return rc;
    if (strcmp(p.kind, "transfer") || strcmp(status, "in_transit"))
        return ctx_fail(cx, ERR_CONFLICT, "the posting is not a transfer in transit");
    if ((rc = warehouse_usable(cx, "to_warehouse_id", p.to_warehouse_id, true)) != ERR_OK)
        return rc;
    struct moved *m;
    int n;
    if ((rc = movements_of(cx, id, &m, &n)) != ERR_OK)
        return rc;
    for (int i = 0; i < n; i++) {
        if (m[i].kind != SM_TRANSFER_OUT)
            continue;
        struct balance b;
        int64_t to = p.to_warehouse_id, q = -m[i].qty;
        if ((rc = balance_lock(cx, m[i].part_id, to, true, &b)) != ERR_OK)
            return rc;
        b.on_hand += q;
        b.in_transit -= q;
        b.value += -m[i].value;
        if ((rc = balance_save(cx, &b)) != ERR_OK)
            return rc;
        if (m[i].serial_id &&
            (rc =
                 db_run(cx->db, &cx->err, "UPDATE part_serials SET warehouse_id = $2 WHERE id = $1",
                        "ii", m[i].serial_id, to)) != ERR_OK)
            return rc;
        struct movement in = {SM_TRANSFER_IN, m[i].part_id,   to, p.warehouse_id, q, m[i].unit_cost,
                              -m[i].value,    m[i].serial_id, 0};
        if ((rc = movement_add(cx, &p, &in)) != ERR_OK)
            return rc;
    }
    if ((rc = db_run(cx->db, &cx->err,
                     "UPDATE stock_postings SET status = 'done', received_at = $2 WHERE id = $1",
                     "it", id, now_iso(cx))) != ERR_OK)
        return rc;
    return stock_posting_audit(cx, id, "receive");
}

enum err_code stock_receive_transfer(struct ctx *cx, int64_t posting_id)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, receive_tx(cx, posting_id));
}

static enum err_code reverse_tx(struct ctx *cx, int64_t id, int64_t *reversal_id)
{
    struct posting p;
    const char *status;
    enum err_code rc = posting_lock(cx, id, &p, &status);
    if (rc != ERR_OK)
        return rc;
    if (!strcmp(p.kind, "reversal"))
        return ctx_fail(cx, ERR_CONFLICT, "a reversal is not reversed: post again instead");
    if (!strcmp(status, "reversed") || !strcmp(status, "cancelled"))
        return ctx_fail(cx, ERR_CONFLICT, "the posting was reversed already");
    /* what a purchase order received and a supplier took back are counted
     * on those documents: a return to the supplier undoes them */
    if (p.doc_kind &&
        (!strcmp(p.doc_kind, "purchase_order") || !strcmp(p.doc_kind, "supplier_return")))
        return ctx_fail(cx, ERR_CONFLICT,
                        "the posting belongs to a purchasing document: return the goods to the "
                        "supplier instead");
    if (!strcmp(p.kind, "transfer") && strcmp(status, "in_transit"))
        return ctx_fail(cx, ERR_CONFLICT, "the goods arrived: transfer them back instead");
    if ((rc = warehouse_usable(cx, "warehouse_id", p.warehouse_id, true)) != ERR_OK)
        return rc;
    struct moved *m;
    int n;
    if ((rc = movements_of(cx, id, &m, &n)) != ERR_OK)
        return rc;
    struct posting r = {0, "reversal", p.warehouse_id, 0, p.doc_kind, p.doc_id};
    if ((rc = posting_add(cx, &r, "done", NULL)) != ERR_OK)
        return rc;
    for (int i = 0; i < n; i++) {
        struct balance b, dest;
        int64_t to = m[i].kind == SM_TRANSFER_OUT ? m[i].counter_id : 0;
        if (to && to < m[i].warehouse_id &&
            (rc = balance_lock(cx, m[i].part_id, to, true, &dest)) != ERR_OK)
            return rc;
        if ((rc = balance_lock(cx, m[i].part_id, m[i].warehouse_id, true, &b)) != ERR_OK)
            return rc;
        int64_t q = -m[i].qty; /* what the reversal moves */
        if (q < 0 && b.on_hand - b.reserved < -q)
            return short_of(cx, "posting", b.on_hand - b.reserved, -q);
        int64_t on_hand = b.on_hand + q, value = b.value - m[i].value;
        if (on_hand == 0 || value < 0)
            value = 0; /* what is left has no value left, whatever it cost */
        struct movement rv = {SM_REVERSAL,    m[i].part_id,    m[i].warehouse_id, to,     q,
                              m[i].unit_cost, value - b.value, m[i].serial_id,    m[i].id};
        b.on_hand = on_hand;
        b.value = value;
        if ((rc = balance_save(cx, &b)) != ERR_OK)
            return rc;
        if (to) {
            if ((rc = balance_lock(cx, m[i].part_id, to, true, &dest)) != ERR_OK)
                return rc;
            dest.in_transit -= -m[i].qty;
            if ((rc = balance_save(cx, &dest)) != ERR_OK)
                return rc;
        }
        if (m[i].serial_id) {
            /* back where it was before: in this warehouse, or gone from it */
            rc = q > 0 ? db_run(cx->db, &cx->err,
                                "UPDATE part_serials SET warehouse_id = $2\n"
                                "WHERE id = $1 AND warehouse_id IS NULL",
                                "ii", m[i].serial_id, m[i].warehouse_id)
                       : db_run(cx->db, &cx->err,
                                "UPDATE part_serials SET warehouse_id = NULL\n"
                                "WHERE id = $1 AND warehouse_id = $2",
                                "ii", m[i].serial_id, m[i].warehouse_id);
            if (rc != ERR_OK)
                return rc;
        }
        if ((rc = movement_add(cx, &r, &rv)) != ERR_OK)
            return rc;
    }
    *reversal_id = r.id;
    if ((rc = db_run(cx->db, &cx->err, "UPDATE stock_postings SET status = $2 WHERE id = $1", "it",
                     id, !strcmp(p.kind, "transfer") ? "cancelled" : "reversed")) != ERR_OK)
        return rc;
    return stock_posting_audit(cx, r.id, "reverse");
}

enum err_code stock_reverse(struct ctx *cx, int64_t posting_id, int64_t *reversal_id)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, reverse_tx(cx, posting_id, reversal_id));
}

/* ---- reservations ---- */

static enum err_code reserve_args(struct ctx *cx, const char *doc_kind, int64_t doc_id,
                                  int64_t part, int64_t wh)
{
    struct part_info info;
    enum err_code rc = doc_usable(cx, doc_kind, doc_id);
    if (rc == ERR_OK)
        rc = part_get(cx, "part_id", part, &info);
    if (rc == ERR_OK)
        rc = warehouse_usable(cx, "warehouse_id", wh, true);
    return rc;
}

static enum err_code reserve_tx(struct ctx *cx, const char *doc_kind, int64_t doc_id, int64_t part,
                                int64_t wh, int64_t qty)
{
    enum err_code rc = check_qty(cx, "qty", qty);
    if (rc == ERR_OK)
        rc = reserve_args(cx, doc_kind, doc_id, part, wh);
    if (rc != ERR_OK)
        return rc;
    struct balance b;
    if ((rc = balance_lock(cx, part, wh, false, &b)) != ERR_OK)
        return rc;
    if (!b.id || b.on_hand - b.reserved < qty)
        return short_of(cx, "qty", b.on_hand - b.reserved, qty);
    b.reserved += qty;
    if ((rc = balance_save(cx, &b)) != ERR_OK)
        return rc;
    const char *now = now_iso(cx);
    int64_t held;
    bool found;
    if ((rc = db_get_i64(cx->db, &cx->err, &held, &found,
                         "INSERT INTO stock_reservations\n"
                         "  (part_id, warehouse_id, doc_kind, doc_id, qty, user_id, created_at,\n"
                         "   updated_at)\n"
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $7)\n"
                         "ON CONFLICT (doc_kind, doc_id, part_id, warehouse_id)\n"
                         "DO UPDATE SET qty = stock_reservations.qty + $5, updated_at = $7\n"
                         "RETURNING qty",
                         "iitiiIt", part, wh, doc_kind, doc_id, qty, user_id(cx), now)) != ERR_OK)
        return rc;
    return reservation_audit(cx, "reserve", doc_kind, doc_id, part, wh, qty, held);
}

enum err_code stock_reserve(struct ctx *cx, const char *doc_kind, int64_t doc_id, int64_t part_id,
                            int64_t warehouse_id, int64_t qty)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own,
                      reserve_tx(cx, doc_kind, doc_id, part_id, warehouse_id, qty));
}

/* Gives back qty (0: all) of one reservation whose balance is locked. */
static enum err_code unreserve(struct ctx *cx, const char *doc_kind, int64_t doc_id, int64_t part,
                               int64_t wh, int64_t qty)
{
    struct balance b;
    enum err_code rc = balance_lock(cx, part, wh, false, &b);
    if (rc != ERR_OK)
        return rc;
    int64_t held;
    bool found;
    if ((rc = db_get_i64(cx->db, &cx->err, &held, &found,
                         "SELECT qty FROM stock_reservations\n"
                         "WHERE doc_kind = $1 AND doc_id = $2 AND part_id = $3\n"
                         "  AND warehouse_id = $4",
                         "tiii", doc_kind, doc_id, part, wh)) != ERR_OK)
        return rc;
    if (!found || !b.id)
        return ctx_fail(cx, ERR_NOTFOUND, "the document holds none of this part there");
    if (qty == 0)
        qty = held;
    if (qty > held)
        return invalid(cx, "qty", "more_than_reserved",
                       arena_printf(cx->a, "the document holds %s", qty_text(cx, held)));
    b.reserved -= qty;
    if ((rc = balance_save(cx, &b)) != ERR_OK ||
        (rc = reservation_audit(cx, "release", doc_kind, doc_id, part, wh, -qty, held - qty)) !=
            ERR_OK)
        return rc;
    return qty == held ? db_run(cx->db, &cx->err,
                                "DELETE FROM stock_reservations\n"
                                "WHERE doc_kind = $1 AND doc_id = $2 AND part_id = $3\n"
                                "  AND warehouse_id = $4",
                                "tiii", doc_kind, doc_id, part, wh)
                       : db_run(cx->db, &cx->err,
                                "UPDATE stock_reservations SET qty = qty - $5, updated_at = $6\n"
                                "WHERE doc_kind = $1 AND doc_id = $2 AND part_id = $3\n"
                                "  AND warehouse_id = $4",
                                "tiiiit", doc_kind, doc_id, part, wh, qty, now_iso(cx));
}

static enum err_code release_tx(struct ctx *cx, const char *doc_kind, int64_t doc_id, int64_t part,
                                int64_t wh, int64_t qty)
{
    enum err_code rc = qty ? check_qty(cx, "qty", qty) : ERR_OK;
    if (rc == ERR_OK)
        rc = reserve_args(cx, doc_kind, doc_id, part, wh);
    if (rc != ERR_OK)
        return rc;
    return unreserve(cx, doc_kind, doc_id, part, wh, qty);
}

enum err_code stock_release(struct ctx *cx, const char *doc_kind, int64_t doc_id, int64_t part_id,
                            int64_t warehouse_id, int64_t qty)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own,
                      release_tx(cx, doc_kind, doc_id, part_id, warehouse_id, qty));
}

static enum err_code release_doc_tx(struct ctx *cx, const char *doc_kind, int64_t doc_id)
{
    enum err_code rc = doc_usable(cx, doc_kind, doc_id);
    if (rc != ERR_OK)
        return rc;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT part_id, warehouse_id FROM stock_reservations\n"
                              "WHERE doc_kind = $1 AND doc_id = $2\n"
                              "ORDER BY part_id, warehouse_id",
                              "ti", doc_kind, doc_id);
    if (!st)
        return cx->err.code;
    int64_t(*pw)[2] = NULL;
    int n = 0, cap = 0, r;
    while ((r = db_step(st)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            int64_t(*m)[2] = arena_alloc(cx->a, sizeof(*m) * (size_t)cap);
            if (n)
                memcpy(m, pw, sizeof(*m) * (size_t)n);
            pw = m;
        }
        pw[n][0] = db_col_i64(st, 0);
        pw[n][1] = db_col_i64(st, 1);
        n++;
    }
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    for (int i = 0; i < n; i++)
        if ((rc = unreserve(cx, doc_kind, doc_id, pw[i][0], pw[i][1], 0)) != ERR_OK)
            return rc;
    return ERR_OK;
}

enum err_code stock_release_doc(struct ctx *cx, const char *doc_kind, int64_t doc_id)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, release_doc_tx(cx, doc_kind, doc_id));
}

enum err_code stock_issue(struct ctx *cx, const char *kind, const char *doc_kind, int64_t doc_id,
                          int64_t part_id, int64_t warehouse_id, int64_t qty, int64_t *posting_id)
{
    if (!kind || (strcmp(kind, "issue") && strcmp(kind, "sale")))
        return invalid(cx, "kind", "invalid", "a document takes goods as an issue or a sale");
    if (!doc_kind)
        return invalid(cx, "doc_kind", "required", "an issue is for a document");
    struct stock_line line = {part_id, qty, 0, NULL, 0};
    struct stock_posting_in in = {kind, warehouse_id, 0, doc_kind, doc_id, NULL, &line, 1};
    return stock_post(cx, &in, posting_id);
}

/* ---- adjustments (counts) ---- */

enum err_code stock_adjust(struct ctx *cx, int64_t posting_id, const char *doc_kind, int64_t doc_id,
                           int64_t part, int64_t wh, int64_t delta, int64_t unit_cost,
                           const char *field)
{
    struct posting p = {posting_id, "adjustment", wh, 0, doc_kind, doc_id};
    if (delta > 0)
        return move_in(cx, &p, SM_ADJUSTMENT, part, wh, delta, unit_cost, 0);
    p.doc_kind = NULL; /* a count holds no reservation to take from */
    return move_out(cx, &p, SM_ADJUSTMENT, field, part, wh, -delta, 0);
}

enum err_code stock_posting_new(struct ctx *cx, const char *kind, int64_t wh, const char *doc_kind,
                                int64_t doc_id, int64_t *id)
{
    struct posting p = {0, kind, wh, 0, doc_kind, doc_id};
    enum err_code rc = posting_add(cx, &p, "done", NULL);
    *id = p.id;
    return rc;
}

/* ---- verify ---- */

enum err_code stock_verify(struct ctx *cx, void (*out)(const struct stock_diff *d, void *arg),
                           void *arg, int64_t *nbalances, int64_t *ndiff)
{
    *nbalances = *ndiff = 0;
    /* every pair either side knows of, with what each side says */
    struct db_stmt *st = db_q(
        cx->db, &cx->err,
        "WITH led AS (\n"
        "  SELECT part_id, warehouse_id, SUM(qty) AS on_hand, SUM(value) AS value, 0 AS transit\n"
        "  FROM stock_movements GROUP BY part_id, warehouse_id\n"
        "  UNION ALL\n"
        "  SELECT part_id, counter_warehouse_id, 0, 0, -SUM(qty)\n"
        "  FROM stock_movements\n"
        "  WHERE kind IN ('transfer_out', 'reversal') AND counter_warehouse_id IS NOT NULL\n"
        "  GROUP BY part_id, counter_warehouse_id\n"
        "  UNION ALL\n"
        "  SELECT part_id, warehouse_id, 0, 0, -SUM(qty)\n"
        "  FROM stock_movements WHERE kind = 'transfer_in'\n"
        "  GROUP BY part_id, warehouse_id\n"
        "), l AS (\n"
        "  SELECT part_id, warehouse_id, SUM(on_hand) AS on_hand, SUM(value) AS value,\n"
        "    SUM(transit) AS transit\n"
        "  FROM led GROUP BY part_id, warehouse_id\n"
        "), r AS (\n"
        "  SELECT part_id, warehouse_id, SUM(qty) AS reserved\n"
        "  FROM stock_reservations GROUP BY part_id, warehouse_id\n"
        "), k AS (\n"
        "  SELECT part_id, warehouse_id FROM stock_balances\n"
        "  UNION SELECT part_id, warehouse_id FROM l\n"
        "  UNION SELECT part_id, warehouse_id FROM r\n"
        ")\n"
        "SELECT k.part_id, k.warehouse_id,\n"
        "  COALESCE(b.on_hand, 0), COALESCE(l.on_hand, 0),\n"
        "  COALESCE(b.reserved, 0), COALESCE(r.reserved, 0),\n"
        "  COALESCE(b.in_transit, 0), COALESCE(l.transit, 0),\n"
        "  COALESCE(b.value, 0), COALESCE(l.value, 0)\n"
        "FROM k\n"
        "LEFT JOIN stock_balances b ON b.part_id = k.part_id AND b.warehouse_id = k.warehouse_id\n"
        "LEFT JOIN l ON l.part_id = k.part_id AND l.warehouse_id = k.warehouse_id\n"
        "LEFT JOIN r ON r.part_id = k.part_id AND r.warehouse_id = k.warehouse_id\n"
        "ORDER BY k.part_id, k.warehouse_id",
        "");
    if (!st)
        return cx->err.code;
    static const char *const what[] = {"on_hand", "reserved", "in_transit", "value"};
    int r;
    while ((r = db_step(st)) == DB_ROW) {
        (*nbalances)++;
        struct stock_diff d = {db_col_i64(st, 0), db_col_i64(st, 1), NULL, 0, 0};
        for (int i = 0; i < 4; i++) {
            d.kept = db_col_i64(st, 2 + 2 * i);
            d.ledger = db_col_i64(st, 3 + 2 * i);
            if (d.kept != d.ledger) {
                d.what = what[i];
                (*ndiff)++;
                out(&d, arg);
            }
        }
        int64_t on_hand = db_col_i64(st, 2), reserved = db_col_i64(st, 4);
        if (on_hand < 0) {
            d.what = "negative";
            d.kept = on_hand;
            d.ledger = 0;
            (*ndiff)++;
            out(&d, arg);
        }
        if (reserved > on_hand) {
            d.what = "over_reserved";
            d.kept = reserved;
            d.ledger = on_hand;
            (*ndiff)++;
            out(&d, arg);
        }
    }
    db_done(st);
    return r == DB_FAIL ? cx->err.code : ERR_OK;
}
