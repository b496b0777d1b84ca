/* audit.c — reading the audit log, and a unit's service history built on it
 * (api layer). */
#include <string.h>

#include "api/api.h"
#include "base/buf.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

static json_t *json_or_null(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_loads(s, 0, NULL);
    return j ? j : json_string(s);
}

/* An entry; user_name is the person's name now (NULL for the system and
 * for a user deleted since: user_login stays as it was written). */
static json_t *entry_json(struct db_stmt *st)
{
    return json_pack("{s:I,s:s,s:I,s:s?,s:s?,s:s,s:s,s:I,s:o,s:o,s:s}", "id",
                     (json_int_t)db_col_i64(st, 0), "at", db_col_text(st, 1), "user_id",
                     (json_int_t)db_col_i64(st, 2), "user_login", db_col_text(st, 3), "user_name",
                     db_col_null(st, 10) ? NULL : db_col_text(st, 10), "action", db_col_text(st, 4),
                     "entity", db_col_text(st, 5), "record_id", (json_int_t)db_col_i64(st, 6),
                     "before", json_or_null(db_col_text(st, 7)), "after",
                     json_or_null(db_col_text(st, 8)), "hash", db_col_text(st, 9));
}

#define ENTRY_COLS                                                                                 \
    "id, at, user_id, user_login, action, entity, record_id, before, after, hash,\n"               \
    "(SELECT u.name FROM users u WHERE u.id = audit_log.user_id)"

API_HANDLER(api_audit_list)
{
    const char *entity = NULL, *from = NULL, *to = NULL;
    int64_t record_id = 0, user_id = 0, cursor = 0, limit = 50;
    for (int i = 0; i < rq->nparams; i++) {
        const char *k = rq->params[i].key, *v = rq->params[i].value;
        int64_t t;
        bool ok = true;
        if (!strcmp(k, "entity"))
            entity = v;
        else if (!strcmp(k, "record_id"))
            ok = parse_i64(v, strlen(v), &record_id) && record_id > 0;
        else if (!strcmp(k, "user_id"))
            ok = parse_i64(v, strlen(v), &user_id) && user_id >= 0;
        else if (!strcmp(k, "cursor"))
            ok = parse_i64(v, strlen(v), &cursor) && cursor > 0;
        else if (!strcmp(k, "limit"))
            ok = parse_i64(v, strlen(v), &limit) && limit > 0;
        else if (!strcmp(k, "from"))
            ok = time_parse(from = v, &t);
        else if (!strcmp(k, "to"))
            ok = time_parse(to = v, &t);
        else
            return ctx_fail(cx, ERR_MALFORMED, "cannot filter the audit log by that");
        if (!ok)
            return ctx_fail(cx, ERR_MALFORMED, "bad value of %s", k);
    }
    if (limit > 200)
        limit = 200;
    /* a date "to" means the whole day */
    if (to && strlen(to) == 10)
        to = arena_printf(cx->a, "%sT23:59:59Z", to);
    /* filters present get consecutive parameters (PostgreSQL needs each used) */
    struct buf sql = BUF_INIT;
    const char *texts[8];
    int64_t ints[8];
    char kinds[8];
    int np = 0;
    buf_adds(&sql, "SELECT " ENTRY_COLS "\nFROM audit_log\nWHERE 1 = 1");
#define FILTER_T(cond, clause, v)                                                                  \
    if (cond) {                                                                                    \
        buf_printf(&sql, "\n  AND " clause " $%d", np + 1);                                        \
        kinds[np] = 't', texts[np] = (v), np++;                                                    \
    }
#define FILTER_I(cond, clause, v)                                                                  \
    if (cond) {                                                                                    \
        buf_printf(&sql, "\n  AND " clause " $%d", np + 1);                                        \
        kinds[np] = 'i', ints[np] = (v), np++;                                                     \
    }
    FILTER_T(entity, "entity =", entity)
    FILTER_I(record_id, "record_id =", record_id)
    FILTER_I(user_id, "user_id =", user_id)
    FILTER_T(from, "at >=", from)
    FILTER_T(to, "at <=", to)
    FILTER_I(cursor, "id <", cursor)
#undef FILTER_T
#undef FILTER_I
    buf_printf(&sql, "\nORDER BY id DESC\nLIMIT %lld", (long long)limit + 1);
    /* the audit log is a report: read from the replica when there is one */
    struct db *rdb = ctx_read_db(cx);
    struct db_stmt *st = rdb ? db_prepare(rdb, sql.p, &cx->err) : NULL;
    if (!rdb)
        cx->err.code = ERR_UNAVAILABLE;
    buf_release(&sql);
    if (!st)
        return cx->err.code;
    for (int i = 0; i < np; i++) {
        if (kinds[i] == 't')
            db_bind_text(st, i + 1, texts[i]);
        else
            db_bind_i64(st, i + 1, ints[i]);
    }
    json_t *items = json_array();
    int n = 0, step;
    int64_t last = 0;
    bool more = false;
    while ((step = db_step(st)) == DB_ROW) {
        if (n == limit) {
            more = true;
            break;
        }
        last = db_col_i64(st, 0);
        json_array_append_new(items, entry_json(st));
        n++;
    }
    db_done(st);
    if (step == DB_FAIL) {
        json_decref(items);
        return cx->err.code;
    }
    http_json(
        rs, 200,
        json_pack("{s:o,s:o}", "items", items, "next_cursor",
                  more ? json_string(arena_printf(cx->a, "%lld", (long long)last)) : json_null()));
    return ERR_OK;
}

API_HANDLER(api_unit_history)
{
    int64_t id;
    struct record *unit;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = entity_get(cx, &entity_equipment_units, id, &unit);
    if (rc != ERR_OK)
        return rc;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT " ENTRY_COLS "\n"
                              "FROM audit_log\n"
                              "WHERE entity = 'equipment_units' AND record_id = $1\n"
                              "ORDER BY id DESC\n"
                              "LIMIT 200",
                              "i", id);
    if (!st)
        return cx->err.code;
    json_t *items = json_array();
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        json_t *e = entry_json(st);
        json_object_set_new(e, "kind", json_string("record"));
        json_array_append_new(items, e);
    }
    db_done(st);
    if (step == DB_FAIL) {
        json_decref(items);
        return cx->err.code;
    }
    http_json(rs, 200, json_pack("{s:o}", "items", items));
    return ERR_OK;
}
