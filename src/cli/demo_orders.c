/* demo_orders.c — purchase orders in `servitor demo` (cli layer): for the
 * demo suppliers, orders in the states a storekeeper meets — a draft, sent
 * ones (one overdue), a partially received one, one received in full and
 * closed, a cancelled one — made through the domain as the demo
 * storekeeper would (numbers, prices from the price lists, receipts in the
 * ledger, timelines, audit). Run once: a database with orders keeps them. */
#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"
#include "cli/cli.h"
#include "core/perm.h"
#include "domain/purchasing/orders.h"
#include "base/banned.h"

static enum err_code demo_user(struct ctx *cx, const char *login, struct user *u)
{
    memset(u, 0, sizeof(*u));
    struct db_stmt *st =
        db_q(cx->db, &cx->err, "SELECT id, name, role FROM users WHERE login = $1", "t", login);
    if (!st)
        return cx->err.code;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        const struct role *role = role_find(db_col_text(st, 2));
        u->id = db_col_i64(st, 0);
        u->login = arena_strdup(cx->a, login);
        u->name = arena_strdup(cx->a, db_col_text(st, 1));
        u->role = role ? role->name : "";
        if (role)
            u->perms = role->perms;
    }
    db_done(st);
    return rc == DB_ROW ? ERR_OK : ctx_fail(cx, ERR_NOTFOUND, "no demo user %s", login);
}

/* What each order is: its supplier (by index), warehouse (0 or 1), how
 * many lines from which offset of the supplier's price list, and how far
 * it goes. */
enum how { DRAFT, SENT, OVERDUE, PARTIAL, CLOSED, CANCELLED };
static const struct {
    int supplier, warehouse, nlines, offset;
    enum how how;
} plan[] = {
    {0, 0, 4, 0, PARTIAL}, {0, 0, 3, 4, SENT}, {0, 1, 2, 7, CLOSED},    {1, 0, 3, 0, OVERDUE},
    {1, 1, 2, 3, DRAFT},   {2, 0, 5, 0, SENT}, {2, 1, 2, 5, CANCELLED},
};

static void put_i(struct record *r, int field, int64_t i)
{
    struct value *v = rec_set(r, field);
    v->set = true, v->null = false, v->i = i;
}

static void put(struct record *r, int field, const char *s)
{
    struct value *v = rec_set(r, field);
    v->set = true, v->null = !s, v->s = s;
}

static enum err_code one_order(struct ctx *cx, int k, int64_t supplier, int64_t wh, int *made)
{
    /* the supplier's offers, each a part it sells (not serialized: the
     * demo has no serial numbers to receive), in a stable order */
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT sp.part_id, COALESCE(sp.moq, 1000)\n"
                              "FROM supplier_prices sp JOIN parts p ON p.id = sp.part_id\n"
                              "WHERE sp.supplier_id = $1 AND p.serial_tracked = 0\n"
                              "ORDER BY sp.part_id LIMIT $2 OFFSET $3",
                              "iii", supplier, (int64_t)plan[k].nlines, (int64_t)plan[k].offset);
    if (!st)
        return cx->err.code;
    struct po_line_in lines[8];
    int n = 0, r;
    while ((r = db_step(st)) == DB_ROW && n < 8) {
        int64_t moq = db_col_i64(st, 1);
        int64_t qty = ((k + n) % 4 + 1) * 5000; /* 5, 10, 15, 20 */
        lines[n++] = (struct po_line_in){db_col_i64(st, 0), qty < moq ? moq : qty, -1, NULL};
    }
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    if (!n)
        return ERR_OK; /* a supplier with no prices: nothing to order */
    struct record *in = record_new(cx, &entity_purchase_orders), *po;
    put_i(in, PO_SUPPLIER_ID, supplier);
    put_i(in, PO_WAREHOUSE_ID, wh);
    if (plan[k].how == OVERDUE) { /* promised two days ago */
        char day[ISO_TIME_LEN];
        time_iso(time_now() - 2 * 86400, day);
        day[10] = 0;
        put(in, PO_EXPECTED_DATE, arena_strdup(cx->a, day));
        put(in, PO_NOTES, "Поставщик обещал отгрузку, ждём звонка");
    }
    if (plan[k].how == DRAFT)
        put(in, PO_NOTES, "Пополнение по минимальному остатку");
    enum err_code rc = entity_create(cx, &entity_purchase_orders, in, &po);
    if (rc == ERR_OK)
        rc = po_set_lines(cx, po->id, po->version, lines, n, &po);
    if (rc != ERR_OK || plan[k].how == DRAFT)
        goto done;
    if (plan[k].how == CANCELLED) {
        rc = workflow_run(cx, &purchase_order_workflow, po->id, po->version, "cancel", NULL, &po);
        goto done;
    }
    if ((rc = workflow_run(cx, &purchase_order_workflow, po->id, po->version, "send", NULL, &po)) !=
            ERR_OK ||
        (plan[k].how != PARTIAL && plan[k].how != CLOSED))
        goto done;
    /* goods came: all of it, or the first lines in part */
    struct po_receipt_line got[8];
    int m = 0;
    for (int i = 0; i < n; i++) {
        int64_t q = plan[k].how == CLOSED ? lines[i].qty : i < 2 ? lines[i].qty / 5 * 3 : 0;
        q -= q % 1000;
        if (q > 0)
            got[m++] = (struct po_receipt_line){lines[i].part_id, q, NULL, 0};
    }
    int64_t posting;
    if (m &&
        (rc = po_receive(cx, po->id, po->version, got, m, false, NULL, &posting, &po)) != ERR_OK)
        goto done;
    if (plan[k].how == CLOSED)
        rc = workflow_run(cx, &purchase_order_workflow, po->id, po->version, "close", NULL, &po);
done:
    if (rc == ERR_OK)
        (*made)++;
    return rc;
}

enum err_code demo_purchase_orders(struct ctx *cx)
{
    bool found;
    int64_t any;
    enum err_code rc =
        db_get_i64(cx->db, &cx->err, &any, &found, "SELECT id FROM purchase_orders LIMIT 1", "");
    if (rc != ERR_OK || found)
        return rc;
    int64_t sup[3] = {0}, wh[2] = {0};
    int ns = 0, nw = 0;
    struct db_stmt *st = db_q(cx->db, &cx->err, "SELECT id FROM suppliers ORDER BY id LIMIT 3", "");
    while (st && db_step(st) == DB_ROW)
        sup[ns++] = db_col_i64(st, 0);
    if (st)
        db_done(st);
    st = db_q(cx->db, &cx->err, "SELECT id FROM warehouses WHERE active = 1 ORDER BY id LIMIT 2",
              "");
    while (st && db_step(st) == DB_ROW)
        wh[nw++] = db_col_i64(st, 0);
    if (st)
        db_done(st);
    if (!ns || !nw)
        return cx->err.code;
    struct user store;
    if ((rc = demo_user(cx, "store", &store)) != ERR_OK)
        return rc;
    const struct user *was = cx->user;
    cx->user = &store;
    if ((rc = db_begin_write(cx->db, &cx->err)) != ERR_OK) {
        cx->user = was;
        return rc;
    }
    int made = 0;
    for (size_t k = 0; k < sizeof(plan) / sizeof(plan[0]) && rc == ERR_OK; k++)
        if (plan[k].supplier < ns)
            rc = one_order(cx, (int)k, sup[plan[k].supplier], wh[plan[k].warehouse % nw], &made);
    cx->user = was;
    if (rc != ERR_OK) {
        db_rollback(cx->db);
        return rc;
    }
    if ((rc = db_commit(cx->db, &cx->err)) == ERR_OK)
        printf("servitor: demo purchasing: %d purchase orders\n", made);
    return rc;
}
