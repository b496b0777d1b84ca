/* history.c — the history of an equipment unit (domain layer): every
 * request, repair order (with its warranty decision and status), loaner
 * handed over for it and disposal, newest first.
 *
 * The history is a list of sources, each one SQL query giving the same
 * columns for the unit ($1) in the caller's branch scope ($2, 0: all):
 *
 *     at, entity, id, number, title, status, detail, warranty (NULL: n/a)
 *
 * A new kind of record about a unit (shipments, parts issued, inspections)
 * adds one entry to `sources` and nothing else. */
#include "clocks.h"

#include <stdlib.h>
#include <string.h>

#include "core/perm.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

struct history_source {
    const char *kind;
    enum perm perm; /* who may see it */
    const char *sql;
};

/* clang-format off */
static const struct history_source sources[] = {
    {"request", P_REQUESTS_READ,
     "SELECT created_at, 'requests', id, number, subject, status, NULL, NULL\n"
     "FROM requests WHERE unit_id = $1 AND ($2 = 0 OR branch_id = $2)\n"
     "ORDER BY id DESC LIMIT 500"},
    {"repair_order", P_WORKSHOP_READ,
     "SELECT created_at, 'repair_orders', id, number, declared_fault, status,\n"
     "       warranty_reason, warranty\n"
     "FROM repair_orders WHERE unit_id = $1 AND ($2 = 0 OR branch_id = $2)\n"
     "ORDER BY id DESC LIMIT 500"},
    {"loaner", P_WORKSHOP_READ,
     "SELECT i.demanded_at, 'loaner_issues', i.id, i.number, l.inventory_number, i.status,\n"
     "       o.number, NULL\n"
     "FROM loaner_issues i JOIN repair_orders o ON o.id = i.order_id\n"
     "LEFT JOIN loaners l ON l.id = i.loaner_id\n"
     "WHERE o.unit_id = $1 AND ($2 = 0 OR o.branch_id = $2)\n"
     "ORDER BY i.id DESC LIMIT 500"},
    {"disposal", P_WORKSHOP_READ,
     "SELECT d.at, 'repair_orders', o.id, o.number, d.kind, o.status, d.reason, NULL\n"
     "FROM unit_disposals d JOIN repair_orders o ON o.id = d.order_id\n"
     "WHERE o.unit_id = $1 AND ($2 = 0 OR o.branch_id = $2)\n"
     "ORDER BY d.id DESC LIMIT 500"},
};
/* clang-format on */

struct entry {
    json_t *item;
    const char *at;
    size_t source;
    int64_t id;
};

/* Newest first; at the same instant, the later source (an order after its
 * request) and the later record first. */
static int newest_first(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    int c = strcmp(y->at ? y->at : "", x->at ? x->at : "");
    if (c)
        return c;
    if (x->source != y->source)
        return x->source < y->source ? 1 : -1;
    return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

enum err_code unit_history(struct ctx *cx, int64_t unit_id, json_t **out)
{
    struct record *unit;
    enum err_code rc = entity_get(cx, &entity_equipment_units, unit_id, &unit);
    if (rc != ERR_OK)
        return rc;
    size_t n = 0, cap = 64;
    struct entry *v = malloc(sizeof(*v) * cap);
    if (!v)
        return ctx_fail(cx, ERR_INTERNAL, "out of memory");
    for (size_t s = 0; s < sizeof(sources) / sizeof(sources[0]) && rc == ERR_OK; s++) {
        if (!ctx_can(cx, sources[s].perm))
            continue;
        struct db_stmt *st = db_q(cx->db, &cx->err, sources[s].sql, "ii", unit_id, ctx_branch(cx));
        if (!st) {
            rc = cx->err.code;
            break;
        }
        int step;
        while ((step = db_step(st)) == DB_ROW) {
            if (n == cap) {
                struct entry *more = realloc(v, sizeof(*v) * cap * 2);
                if (!more) {
                    step = DB_FAIL;
                    ctx_fail(cx, ERR_INTERNAL, "out of memory");
                    break;
                }
                v = more, cap *= 2;
            }
#define J(i) (db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i)))
            json_t *it = json_pack("{s:s,s:o,s:o,s:I,s:o,s:o,s:o,s:o}", "kind", sources[s].kind,
                                   "at", J(0), "entity", J(1), "id", (json_int_t)db_col_i64(st, 2),
                                   "number", J(3), "title", J(4), "status", J(5), "detail", J(6));
#undef J
            if (!db_col_null(st, 7))
                json_object_set_new(it, "warranty", json_boolean(db_col_i64(st, 7) != 0));
            v[n++] = (struct entry){it, json_string_value(json_object_get(it, "at")), s,
                                    db_col_i64(st, 2)};
        }
        db_done(st);
        if (step == DB_FAIL)
            rc = cx->err.code;
    }
    if (rc == ERR_OK)
        qsort(v, n, sizeof(*v), newest_first);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, v[i].item);
    free(v);
    if (rc != ERR_OK) {
        json_decref(items);
        return rc;
    }
    *out = items;
    return ERR_OK;
}
