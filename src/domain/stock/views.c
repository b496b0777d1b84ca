/* views.c — the warehouse's read views (domain layer): a posting with its
 * movements, lists of postings, reservations and movements, a part's stock
 * page, a warehouse's stock, finding the right part and a count's lines —
 * each built as the JSON the API answers with (as audit_list does). The
 * caller's branch limits what is seen (ctx_branch). */
#include "stock.h"

#include <string.h>

#include "core/record.h"
#include "base/banned.h"

#define TEXT(i) (db_col_null(st, i) ? NULL : db_col_text(st, i))
#define INT(i)  (db_col_null(st, i) ? json_null() : json_integer(db_col_i64(st, i)))

/* A posting with its movements; NULL with *rc when missing or another
 * branch's (for a user who works in one). */
json_t *stock_posting_json(struct ctx *cx, int64_t id, enum err_code *rc)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT p.number, p.kind, p.warehouse_id, w.name, p.to_warehouse_id, tw.name,\n"
             "  p.status, p.doc_kind, p.doc_id, p.reason, p.user_id, u.name, p.created_at,\n"
             "  p.received_at, w.branch_id, tw.branch_id\n"
             "FROM stock_postings p\n"
             "JOIN warehouses w ON w.id = p.warehouse_id\n"
             "LEFT JOIN warehouses tw ON tw.id = p.to_warehouse_id\n"
             "LEFT JOIN users u ON u.id = p.user_id\n"
             "WHERE p.id = $1",
             "i", id);
    if (!st) {
        *rc = cx->err.code;
        return NULL;
    }
    int r = db_step(st);
    int64_t branch = ctx_branch(cx);
    if (r != DB_ROW || (branch && db_col_i64(st, 14) != branch && db_col_i64(st, 15) != branch)) {
        db_done(st);
        *rc = r == DB_FAIL ? cx->err.code : ctx_fail(cx, ERR_NOTFOUND, "no such posting");
        return NULL;
    }
    json_t *j =
        json_pack("{s:I,s:s,s:s,s:I,s:s,s:o,s:s?,s:s,s:s?,s:o,s:s?,s:o,s:s?,s:s,s:s?}", "id",
                  (json_int_t)id, "number", db_col_text(st, 0), "kind", db_col_text(st, 1),
                  "warehouse_id", (json_int_t)db_col_i64(st, 2), "warehouse", db_col_text(st, 3),
                  "to_warehouse_id", INT(4), "to_warehouse", TEXT(5), "status", db_col_text(st, 6),
                  "doc_kind", TEXT(7), "doc_id", INT(8), "reason", TEXT(9), "user_id", INT(10),
                  "user", TEXT(11), "created_at", db_col_text(st, 12), "received_at", TEXT(13));
    db_done(st);
    st = db_q(cx->db, &cx->err,
              "SELECT m.id, m.kind, m.part_id, p.sku, p.name, m.warehouse_id, m.qty, m.unit_cost,\n"
              "  m.value, s.serial, m.reverses_id\n"
              "FROM stock_movements m\n"
              "JOIN parts p ON p.id = m.part_id\n"
              "LEFT JOIN part_serials s ON s.id = m.serial_id\n"
              "WHERE m.posting_id = $1\n"
              "ORDER BY m.id",
              "i", id);
    if (!st) {
        json_decref(j);
        *rc = cx->err.code;
        return NULL;
    }
    json_t *a = json_array();
    while ((r = db_step(st)) == DB_ROW)
        json_array_append_new(
            a, json_pack("{s:I,s:s,s:I,s:s,s:s,s:I,s:I,s:I,s:I,s:s?,s:o}", "id",
                         (json_int_t)db_col_i64(st, 0), "kind", db_col_text(st, 1), "part_id",
                         (json_int_t)db_col_i64(st, 2), "sku", db_col_text(st, 3), "name",
                         db_col_text(st, 4), "warehouse_id", (json_int_t)db_col_i64(st, 5), "qty",
                         (json_int_t)db_col_i64(st, 6), "unit_cost", (json_int_t)db_col_i64(st, 7),
                         "value", (json_int_t)db_col_i64(st, 8), "serial", TEXT(9), "reverses_id",
                         INT(10)));
    db_done(st);
    json_object_set_new(j, "movements", a);
    *rc = r == DB_FAIL ? cx->err.code : ERR_OK;
    if (*rc != ERR_OK) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* The posting must be visible before it is changed: another branch's is 404. */
enum err_code stock_posting_visible(struct ctx *cx, int64_t id)
{
    enum err_code rc;
    json_t *j = stock_posting_json(cx, id, &rc);
    json_decref(j);
    return j ? ERR_OK : rc;
}

enum err_code stock_postings_list(struct ctx *cx, int64_t wh, const char *status, const char *kind,
                                  int64_t limit, json_t **items)
{
    *items = NULL;
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT p.id\n"
             "FROM stock_postings p\n"
             "JOIN warehouses w ON w.id = p.warehouse_id\n"
             "LEFT JOIN warehouses tw ON tw.id = p.to_warehouse_id\n"
             "WHERE (CAST($1 AS BIGINT) = 0 OR p.warehouse_id = $1 OR p.to_warehouse_id = $1)\n"
             "  AND (CAST($2 AS TEXT) IS NULL OR p.status = $2)\n"
             "  AND (CAST($3 AS TEXT) IS NULL OR p.kind = $3)\n"
             "  AND (CAST($4 AS BIGINT) = 0 OR w.branch_id = $4 OR tw.branch_id = $4)\n"
             "ORDER BY p.id DESC\n"
             "LIMIT $5",
             "ittii", wh, status, kind, ctx_branch(cx), limit);
    if (!st)
        return cx->err.code;
    int64_t *ids = arena_alloc(cx->a, sizeof(int64_t) * (size_t)limit);
    int n = 0, r;
    while ((r = db_step(st)) == DB_ROW && n < limit)
        ids[n++] = db_col_i64(st, 0);
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    json_t *a = json_array();
    enum err_code rc = ERR_OK;
    for (int i = 0; i < n; i++) {
        json_t *j = stock_posting_json(cx, ids[i], &rc);
        if (!j) {
            json_decref(a);
            return rc;
        }
        json_array_append_new(a, j);
    }
    *items = a;
    return ERR_OK;
}

/* The reservations matching a condition on r (the alias) and w (its
 * warehouse); $1.. bound by types from a and s, $3 always the branch. */
static json_t *reservations_json(struct ctx *cx, const char *where, const char *types, int64_t a,
                                 const char *s, enum err_code *rc)
{
    const char *sql = arena_printf(
        cx->a,
        "SELECT r.id, r.doc_kind, r.doc_id, r.part_id, p.sku, p.name, r.warehouse_id,\n"
        "  w.name, r.qty, r.created_at, u.name\n"
        "FROM stock_reservations r\n"
        "JOIN parts p ON p.id = r.part_id\n"
        "JOIN warehouses w ON w.id = r.warehouse_id\n"
        "LEFT JOIN users u ON u.id = r.user_id\n"
        "%s"
        "ORDER BY r.id\n"
        "LIMIT 500",
        where);
    struct db_stmt *st = db_q(cx->db, &cx->err, sql, types, a, s, ctx_branch(cx));
    if (!st) {
        *rc = cx->err.code;
        return NULL;
    }
    json_t *arr = json_array();
    int r;
    while ((r = db_step(st)) == DB_ROW)
        json_array_append_new(
            arr, json_pack("{s:I,s:s,s:I,s:I,s:s,s:s,s:I,s:s,s:I,s:s,s:s?}", "id",
                           (json_int_t)db_col_i64(st, 0), "doc_kind", db_col_text(st, 1), "doc_id",
                           (json_int_t)db_col_i64(st, 2), "part_id", (json_int_t)db_col_i64(st, 3),
                           "sku", db_col_text(st, 4), "name", db_col_text(st, 5), "warehouse_id",
                           (json_int_t)db_col_i64(st, 6), "warehouse", db_col_text(st, 7), "qty",
                           (json_int_t)db_col_i64(st, 8), "created_at", db_col_text(st, 9), "user",
                           TEXT(10)));
    db_done(st);
    if (r == DB_FAIL) {
        json_decref(arr);
        *rc = cx->err.code;
        return NULL;
    }
    *rc = ERR_OK;
    return arr;
}

json_t *stock_doc_reservations(struct ctx *cx, const char *doc_kind, int64_t doc_id,
                               enum err_code *rc)
{
    return reservations_json(cx,
                             "WHERE r.doc_kind = $2 AND r.doc_id = $1\n"
                             "  AND (CAST($3 AS BIGINT) = 0 OR w.branch_id = $3)\n",
                             "iti", doc_id, doc_kind, rc);
}

json_t *stock_part_reservations(struct ctx *cx, int64_t part_id, enum err_code *rc)
{
    return reservations_json(cx,
                             "WHERE r.part_id = $1 AND CAST($2 AS TEXT) IS NULL\n"
                             "  AND (CAST($3 AS BIGINT) = 0 OR w.branch_id = $3)\n",
                             "iti", part_id, NULL, rc);
}

/* A part's stock per warehouse the user sees: [{warehouse_id, warehouse,
 * on_hand, reserved, available, in_transit, unit_cost}]; *available sums
 * what is available. */
json_t *stock_part_balances(struct ctx *cx, int64_t part, int64_t *available, enum err_code *rc)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT b.warehouse_id, w.name, b.on_hand, b.reserved, b.in_transit,\n"
             "  b.value, w.branch_id\n"
             "FROM stock_balances b\n"
             "JOIN warehouses w ON w.id = b.warehouse_id\n"
             "WHERE b.part_id = $1\n"
             "  AND (CAST($2 AS BIGINT) = 0 OR w.branch_id = $2)\n"
             "ORDER BY w.name, w.id",
             "ii", part, ctx_branch(cx));
    if (!st) {
        *rc = cx->err.code;
        return NULL;
    }
    json_t *a = json_array();
    int r;
    *available = 0;
    while ((r = db_step(st)) == DB_ROW) {
        int64_t on_hand = db_col_i64(st, 2), reserved = db_col_i64(st, 3);
        *available += on_hand - reserved;
        json_array_append_new(
            a, json_pack("{s:I,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "warehouse_id",
                         (json_int_t)db_col_i64(st, 0), "warehouse", db_col_text(st, 1), "on_hand",
                         (json_int_t)on_hand, "reserved", (json_int_t)reserved, "available",
                         (json_int_t)(on_hand - reserved), "in_transit",
                         (json_int_t)db_col_i64(st, 4), "value", (json_int_t)db_col_i64(st, 5),
                         "unit_cost", (json_int_t)stock_unit_cost(on_hand, db_col_i64(st, 5)),
                         "branch_id", (json_int_t)db_col_i64(st, 6)));
    }
    db_done(st);
    *rc = r == DB_FAIL ? cx->err.code : ERR_OK;
    if (*rc != ERR_OK) {
        json_decref(a);
        return NULL;
    }
    return a;
}

enum err_code stock_movements_list(struct ctx *cx, const struct stock_movements_q *q, json_t **out)
{
    int64_t part = q->part_id, wh = q->warehouse_id, doc = q->doc_id, before = q->before;
    int64_t limit = q->limit, serial = q->serial_id;
    const char *doc_kind = q->doc_kind;
    *out = NULL;
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT m.id, m.kind, m.part_id, p.sku, p.name, m.warehouse_id, w.name, m.qty,\n"
             "  m.unit_cost, m.value, m.doc_kind, m.doc_id, m.posting_id, sp.number, u.name,\n"
             "  m.created_at, s.serial, m.reverses_id, m.counter_warehouse_id, sp.reason\n"
             "FROM stock_movements m\n"
             "JOIN parts p ON p.id = m.part_id\n"
             "JOIN warehouses w ON w.id = m.warehouse_id\n"
             "JOIN stock_postings sp ON sp.id = m.posting_id\n"
             "LEFT JOIN users u ON u.id = m.user_id\n"
             "LEFT JOIN part_serials s ON s.id = m.serial_id\n"
             "WHERE (CAST($1 AS BIGINT) = 0 OR m.part_id = $1)\n"
             "  AND (CAST($2 AS BIGINT) = 0 OR m.warehouse_id = $2)\n"
             "  AND (CAST($3 AS TEXT) IS NULL OR (m.doc_kind = $3 AND m.doc_id = $4))\n"
             "  AND (CAST($5 AS BIGINT) = 0 OR m.id < $5)\n"
             "  AND (CAST($6 AS BIGINT) = 0 OR w.branch_id = $6)\n"
             "  AND (CAST($8 AS BIGINT) = 0 OR m.serial_id = $8)\n"
             "ORDER BY m.id DESC\n"
             "LIMIT $7",
             "iitiiiii", part, wh, doc_kind, doc, before, ctx_branch(cx), limit + 1, serial);
    if (!st)
        return cx->err.code;
    json_t *a = json_array();
    int r, n = 0;
    int64_t last = 0;
    bool more = false;
    while ((r = db_step(st)) == DB_ROW) {
        if (n == limit) {
            more = true;
            break;
        }
        last = db_col_i64(st, 0);
        json_array_append_new(
            a,
            json_pack("{s:I,s:s,s:I,s:s,s:s,s:I,s:s,s:I,s:I,s:I,s:s?,s:o,s:I,s:s,s:s?,s:s,s:s?,"
                      "s:o,s:o,s:s?}",
                      "id", (json_int_t)last, "kind", db_col_text(st, 1), "part_id",
                      (json_int_t)db_col_i64(st, 2), "sku", db_col_text(st, 3), "name",
                      db_col_text(st, 4), "warehouse_id", (json_int_t)db_col_i64(st, 5),
                      "warehouse", db_col_text(st, 6), "qty", (json_int_t)db_col_i64(st, 7),
                      "unit_cost", (json_int_t)db_col_i64(st, 8), "value",
                      (json_int_t)db_col_i64(st, 9), "doc_kind", TEXT(10), "doc_id", INT(11),
                      "posting_id", (json_int_t)db_col_i64(st, 12), "posting", db_col_text(st, 13),
                      "user", TEXT(14), "created_at", db_col_text(st, 15), "serial", TEXT(16),
                      "reverses_id", INT(17), "counter_warehouse_id", INT(18), "reason", TEXT(19)));
        n++;
    }
    db_done(st);
    if (r == DB_FAIL) {
        json_decref(a);
        return cx->err.code;
    }
    *out =
        json_pack("{s:o,s:o}", "items", a, "next_before", more ? json_integer(last) : json_null());
    return ERR_OK;
}

enum err_code stock_part_view(struct ctx *cx, int64_t id, json_t **out)
{
    int64_t available;
    struct record *part;
    *out = NULL;
    enum err_code rc = entity_get(cx, &entity_parts, id, &part);
    if (rc != ERR_OK)
        return rc;
    json_t *stock = stock_part_balances(cx, id, &available, &rc);
    if (!stock)
        return rc;
    json_t *j = json_pack("{s:o,s:o,s:I}", "part", record_to_json(part), "stock", stock,
                          "available", (json_int_t)available);
    struct db_stmt *st;
    int r = DB_DONE;
    bool failed = false;
    json_t *a = json_array();
    st = db_q(cx->db, &cx->err,
              "SELECT id, barcode FROM part_barcodes WHERE part_id = $1 ORDER BY id", "i", id);
    while (st && (r = db_step(st)) == DB_ROW)
        json_array_append_new(a, json_pack("{s:I,s:s}", "id", (json_int_t)db_col_i64(st, 0),
                                           "barcode", db_col_text(st, 1)));
    if (st)
        db_done(st);
    failed |= !st || r == DB_FAIL;
    json_object_set_new(j, "barcodes", a);
    a = json_array();
    st = db_q(cx->db, &cx->err,
              "SELECT pm.id, m.id, m.brand, m.model FROM part_models pm\n"
              "JOIN equipment_models m ON m.id = pm.model_id\n"
              "WHERE pm.part_id = $1 ORDER BY m.brand, m.model",
              "i", id);
    while (st && (r = db_step(st)) == DB_ROW)
        json_array_append_new(a, json_pack("{s:I,s:I,s:s,s:s}", "id", (json_int_t)db_col_i64(st, 0),
                                           "model_id", (json_int_t)db_col_i64(st, 1), "brand",
                                           db_col_text(st, 2), "model", db_col_text(st, 3)));
    if (st)
        db_done(st);
    failed |= !st || r == DB_FAIL;
    json_object_set_new(j, "models", a);
    a = json_array();
    st = db_q(cx->db, &cx->err,
              "SELECT a.id, p.id, p.sku, p.name, a.note FROM part_analogs a\n"
              "JOIN parts p ON p.id = a.analog_id WHERE a.part_id = $1\n"
              "UNION ALL\n"
              "SELECT a.id, p.id, p.sku, p.name,\n"
              "  CASE a.note WHEN 'original' THEN 'analog' ELSE 'original' END\n"
              "FROM part_analogs a\n"
              "JOIN parts p ON p.id = a.part_id WHERE a.analog_id = $1\n"
              "ORDER BY 3",
              "i", id);
    while (st && (r = db_step(st)) == DB_ROW)
        json_array_append_new(a, json_pack("{s:I,s:I,s:s,s:s,s:s}", "id",
                                           (json_int_t)db_col_i64(st, 0), "part_id",
                                           (json_int_t)db_col_i64(st, 1), "sku", db_col_text(st, 2),
                                           "name", db_col_text(st, 3), "note", db_col_text(st, 4)));
    if (st)
        db_done(st);
    failed |= !st || r == DB_FAIL;
    /* each analog's availability, read after the statement above is done */
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *o = json_array_get(a, i);
        int64_t avail;
        json_t *s =
            stock_part_balances(cx, json_integer_value(json_object_get(o, "part_id")), &avail, &rc);
        if (!s) {
            json_decref(j);
            json_decref(a);
            return rc;
        }
        json_decref(s);
        json_object_set_new(o, "available", json_integer(avail));
    }
    json_object_set_new(j, "analogs", a);
    a = json_array();
    st = db_q(cx->db, &cx->err,
              "SELECT s.id, s.serial, s.warehouse_id, w.name FROM part_serials s\n"
              "JOIN warehouses w ON w.id = s.warehouse_id\n"
              "WHERE s.part_id = $1 AND (CAST($2 AS BIGINT) = 0 OR w.branch_id = $2)\n"
              "ORDER BY s.serial LIMIT 1000",
              "ii", id, ctx_branch(cx));
    while (st && (r = db_step(st)) == DB_ROW)
        json_array_append_new(a, json_pack("{s:I,s:s,s:I,s:s}", "id", (json_int_t)db_col_i64(st, 0),
                                           "serial", db_col_text(st, 1), "warehouse_id",
                                           (json_int_t)db_col_i64(st, 2), "warehouse",
                                           db_col_text(st, 3)));
    if (st)
        db_done(st);
    failed |= !st || r == DB_FAIL;
    json_object_set_new(j, "serials", a);
    json_t *res = stock_part_reservations(cx, id, &rc);
    if (!res) {
        json_decref(j);
        return rc;
    }
    json_object_set_new(j, "reservations", res);
    if (failed) { /* a statement above could not be prepared */
        json_decref(j);
        return cx->err.code;
    }
    *out = j;
    return ERR_OK;
}

enum err_code stock_warehouse_view(struct ctx *cx, int64_t id, json_t **out)
{
    struct record *wh;
    *out = NULL;
    enum err_code rc = entity_get(cx, &entity_warehouses, id, &wh);
    if (rc != ERR_OK)
        return rc;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT p.id, p.sku, p.name, p.unit, p.category, b.on_hand,\n"
                              "  b.reserved, b.in_transit, b.value, p.sale_price\n"
                              "FROM stock_balances b\n"
                              "JOIN parts p ON p.id = b.part_id\n"
                              "WHERE b.warehouse_id = $1\n"
                              "  AND (b.on_hand <> 0 OR b.reserved <> 0 OR b.in_transit <> 0)\n"
                              "ORDER BY p.sku\n"
                              "LIMIT 5000",
                              "i", id);
    if (!st)
        return cx->err.code;
    json_t *a = json_array();
    int r;
    int64_t total = 0;
    while ((r = db_step(st)) == DB_ROW) {
        int64_t on_hand = db_col_i64(st, 5), reserved = db_col_i64(st, 6);
        total += db_col_i64(st, 8);
        json_array_append_new(
            a, json_pack("{s:I,s:s,s:s,s:s,s:s?,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "part_id",
                         (json_int_t)db_col_i64(st, 0), "sku", db_col_text(st, 1), "name",
                         db_col_text(st, 2), "unit", db_col_text(st, 3), "category", TEXT(4),
                         "on_hand", (json_int_t)on_hand, "reserved", (json_int_t)reserved,
                         "available", (json_int_t)(on_hand - reserved), "in_transit",
                         (json_int_t)db_col_i64(st, 7), "value", (json_int_t)db_col_i64(st, 8),
                         "unit_cost", (json_int_t)stock_unit_cost(on_hand, db_col_i64(st, 8)),
                         "sale_price", (json_int_t)db_col_i64(st, 9)));
    }
    db_done(st);
    if (r == DB_FAIL) {
        json_decref(a);
        return cx->err.code;
    }
    *out = json_pack("{s:o,s:o,s:I}", "warehouse", record_to_json(wh), "items", a, "value",
                     (json_int_t)total);
    return ERR_OK;
}

/* ---- finding the right part ---- */

struct found {
    int64_t part_id, via;
    const char *match, *note;
};

static void found_add(struct ctx *cx, struct found **f, int *n, int *cap, int64_t part,
                      const char *match, int64_t via, const char *note)
{
    for (int i = 0; i < *n; i++)
        if ((*f)[i].part_id == part)
            return; /* the first reason found wins: compatible before analog */
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        struct found *m = arena_alloc(cx->a, sizeof(*m) * (size_t)*cap);
        if (*n)
            memcpy(m, *f, sizeof(*m) * (size_t)*n);
        *f = m;
    }
    (*f)[(*n)++] = (struct found){part, via, match, note};
}

enum err_code stock_find_model(struct ctx *cx, int64_t unit, int64_t req, int64_t *model)
{
    bool found;
    enum err_code rc = ERR_OK;
    if (!*model && req)
        rc = db_get_i64(cx->db, &cx->err, &unit, &found,
                        "SELECT COALESCE(unit_id, 0) FROM requests WHERE id = $1", "i", req);
    if (rc == ERR_OK && !*model && unit)
        rc = db_get_i64(cx->db, &cx->err, model, &found,
                        "SELECT model_id FROM equipment_units WHERE id = $1", "i", unit);
    return rc;
}

enum err_code stock_find(struct ctx *cx, const char *q, int64_t model, json_t **out)
{
    enum err_code rc;
    *out = NULL;
    struct found *f = NULL;
    int n = 0, cap = 0, r;
    struct db_stmt *st;
    if (model) {
        st = db_q(cx->db, &cx->err,
                  "SELECT part_id FROM part_models WHERE model_id = $1 ORDER BY part_id", "i",
                  model);
        while (st && (r = db_step(st)) == DB_ROW)
            found_add(cx, &f, &n, &cap, db_col_i64(st, 0), "compatible", 0, NULL);
        if (st)
            db_done(st);
        st = db_q(cx->db, &cx->err,
                  "SELECT a.analog_id, a.part_id, a.note FROM part_analogs a\n"
                  "JOIN part_models pm ON pm.part_id = a.part_id AND pm.model_id = $1\n"
                  "UNION ALL\n"
                  "SELECT a.part_id, a.analog_id,\n"
                  "  CASE a.note WHEN 'original' THEN 'analog' ELSE 'original' END\n"
                  "FROM part_analogs a\n"
                  "JOIN part_models pm ON pm.part_id = a.analog_id AND pm.model_id = $1\n"
                  "ORDER BY 1",
                  "i", model);
        while (st && (r = db_step(st)) == DB_ROW)
            found_add(cx, &f, &n, &cap, db_col_i64(st, 0), "analog", db_col_i64(st, 1),
                      arena_strdup(cx->a, db_col_text(st, 2)));
        if (st)
            db_done(st);
        if (cx->err.code != ERR_OK)
            return cx->err.code;
    }
    /* the search: a barcode names one part; else words over the catalog */
    struct found *hits = NULL;
    int nh = 0, caph = 0;
    if (q && *q) {
        int64_t part;
        if ((rc = stock_barcode_part(cx, q, &part)) != ERR_OK)
            return rc;
        if (part) {
            found_add(cx, &hits, &nh, &caph, part, "barcode", 0, NULL);
        } else {
            struct param p[] = {{"q", q}, {"limit", "200"}};
            struct listq lq;
            struct record **items;
            const char *next;
            int ni;
            if ((rc = listq_parse(cx, &entity_parts, p, 2, NULL, &lq)) != ERR_OK ||
                (rc = entity_list(cx, &entity_parts, &lq, &items, &ni, &next)) != ERR_OK)
                return rc;
            for (int i = 0; i < ni; i++)
                found_add(cx, &hits, &nh, &caph, items[i]->id, "search", 0, NULL);
        }
        if (model) { /* both: what fits the model and matches the words */
            int k = 0;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < nh; j++)
                    if (f[i].part_id == hits[j].part_id)
                        f[k++] = f[i];
            n = k;
        } else {
            f = hits;
            n = nh;
        }
    } else if (!model) {
        return ctx_fail(cx, ERR_MALFORMED, "give q, model_id, unit_id or request_id");
    }
    json_t *a = json_array();
    for (int i = 0; i < n && i < 200; i++) {
        struct record *part;
        int64_t available;
        if ((rc = entity_get(cx, &entity_parts, f[i].part_id, &part)) != ERR_OK) {
            json_decref(a);
            return rc;
        }
        json_t *stock = stock_part_balances(cx, f[i].part_id, &available, &rc);
        if (!stock) {
            json_decref(a);
            return rc;
        }
        json_t *o =
            json_pack("{s:o,s:s,s:o,s:s?,s:o,s:I}", "part", record_to_json(part), "match",
                      f[i].match, "via_part_id", f[i].via ? json_integer(f[i].via) : json_null(),
                      "note", f[i].note, "stock", stock, "available", (json_int_t)available);
        json_array_append_new(a, o);
    }
    json_t *m = json_null();
    if (model) {
        st = db_q(cx->db, &cx->err,
                  "SELECT brand || ' ' || model FROM equipment_models WHERE id = $1", "i", model);
        if (st && db_step(st) == DB_ROW)
            m = json_pack("{s:I,s:s}", "id", (json_int_t)model, "name", db_col_text(st, 0));
        if (st)
            db_done(st);
    }
    *out = json_pack("{s:o,s:o}", "model", m, "items", a);
    return ERR_OK;
}

/* ---- stock counts ---- */

enum err_code stock_count_lines(struct ctx *cx, int64_t id, json_t **out)
{
    *out = NULL;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT l.part_id, p.sku, p.name, p.unit, l.book_qty, l.counted,\n"
                              "  l.unit_cost, l.counted_at\n"
                              "FROM stock_count_lines l\n"
                              "JOIN parts p ON p.id = l.part_id\n"
                              "WHERE l.count_id = $1\n"
                              "ORDER BY p.sku",
                              "i", id);
    if (!st)
        return cx->err.code;
    json_t *a = json_array();
    int r;
    int64_t surplus = 0, shortage = 0;
    while ((r = db_step(st)) == DB_ROW) {
        int64_t book = db_col_i64(st, 4), counted = db_col_i64(st, 5), cost = db_col_i64(st, 6);
        bool done = !db_col_null(st, 5);
        int64_t diff = (done ? counted : 0) - book, value = stock_value_of(diff, cost);
        if (value > 0)
            surplus += value;
        else
            shortage -= value;
        json_array_append_new(
            a, json_pack("{s:I,s:s,s:s,s:s,s:I,s:o,s:I,s:I,s:I,s:s?}", "part_id",
                         (json_int_t)db_col_i64(st, 0), "sku", db_col_text(st, 1), "name",
                         db_col_text(st, 2), "unit", db_col_text(st, 3), "book_qty",
                         (json_int_t)book, "counted", done ? json_integer(counted) : json_null(),
                         "difference", (json_int_t)diff, "unit_cost", (json_int_t)cost,
                         "difference_value", (json_int_t)value, "counted_at", TEXT(7)));
    }
    db_done(st);
    if (r == DB_FAIL) {
        json_decref(a);
        return cx->err.code;
    }
    *out = json_pack("{s:o,s:I,s:I}", "items", a, "surplus_value", (json_int_t)surplus,
                     "shortage_value", (json_int_t)shortage);
    return ERR_OK;
}

enum err_code stock_count_line(struct ctx *cx, int64_t id, int64_t part, int64_t *book_qty,
                               int64_t *counted)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT book_qty, counted FROM stock_count_lines\n"
                              "WHERE count_id = $1 AND part_id = $2",
                              "ii", id, part);
    if (!st)
        return cx->err.code;
    if (db_step(st) != DB_ROW) {
        db_done(st);
        return cx->err.code ? cx->err.code : ctx_fail(cx, ERR_INTERNAL, "line lost");
    }
    *book_qty = db_col_i64(st, 0);
    *counted = db_col_i64(st, 1);
    db_done(st);
    return ERR_OK;
}
