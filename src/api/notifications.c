/* notifications.c — the bell: a user's notifications and marking them read
 * (api layer). */
#include <string.h>

#include "api/api.h"
#include "base/timeutil.h"
#include "domain/domain.h"
#include "base/banned.h"

/* A branch-scoped user hears nothing of another branch's records (an
 * @mention, a breach told to the branch): the notifications about records
 * out of their scope are left out. Appends to sql; the branch is $param. */
static void scope_clause(struct ctx *cx, struct buf *sql, int param)
{
    if (!ctx_branch(cx))
        return;
    for (int i = 0; domain_entities[i]; i++) {
        const struct entity *e = domain_entities[i];
        if (e->branch_field)
            buf_printf(sql,
                       "\n  AND (entity IS NULL OR entity <> '%s'\n"
                       "       OR record_id IN (SELECT id FROM %s WHERE %s = $%d))",
                       e->name, e->table, e->branch_field, param);
    }
}

API_HANDLER(api_notifications)
{
    bool unread_only = false;
    for (int i = 0; i < rq->nparams; i++)
        if (!strcmp(rq->params[i].key, "unread"))
            unread_only = !strcmp(rq->params[i].value, "true") || !strcmp(rq->params[i].value, "1");
    int64_t branch = ctx_branch(cx);
    struct buf sql = BUF_INIT, count = BUF_INIT;
    buf_adds(&sql, "SELECT id, created_at, kind, entity, record_id, title, read_at\n"
                   "FROM notifications\n"
                   "WHERE user_id = $1 AND (read_at IS NULL OR $2 = 0)");
    scope_clause(cx, &sql, 3);
    buf_adds(&sql, "\nORDER BY id DESC\nLIMIT 50");
    buf_adds(&count, "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL");
    scope_clause(cx, &count, 2);
    struct db_stmt *st =
        branch ? db_q(cx->db, &cx->err, sql.p, "iii", cx->user->id, (int64_t)unread_only, branch)
               : db_q(cx->db, &cx->err, sql.p, "ii", cx->user->id, (int64_t)unread_only);
    buf_release(&sql);
    if (!st) {
        buf_release(&count);
        return cx->err.code;
    }
    json_t *items = json_array();
    int step;
    while ((step = db_step(st)) == DB_ROW)
        json_array_append_new(
            items, json_pack("{s:I,s:s,s:s,s:s?,s:o,s:s,s:s?}", "id", (json_int_t)db_col_i64(st, 0),
                             "created_at", db_col_text(st, 1), "kind", db_col_text(st, 2), "entity",
                             db_col_text(st, 3), "record_id",
                             db_col_null(st, 4) ? json_null() : json_integer(db_col_i64(st, 4)),
                             "title", db_col_text(st, 5), "read_at", db_col_text(st, 6)));
    db_done(st);
    int64_t unread = 0;
    enum err_code rc =
        step == DB_FAIL ? cx->err.code
        : branch ? db_get_i64(cx->db, &cx->err, &unread, NULL, count.p, "ii", cx->user->id, branch)
                 : db_get_i64(cx->db, &cx->err, &unread, NULL, count.p, "i", cx->user->id);
    buf_release(&count);
    if (rc != ERR_OK) {
        json_decref(items);
        return rc;
    }
    http_json(rs, 200, json_pack("{s:o,s:I}", "items", items, "unread", (json_int_t)unread));
    return ERR_OK;
}

API_HANDLER(api_notifications_read)
{
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    json_t *ids = json_object_get(body, "ids");
    bool all = json_is_true(json_object_get(body, "all"));
    if ((!all && !json_is_array(ids)) || json_object_size(body) != 1) {
        json_decref(body);
        return ctx_fail(cx, ERR_INVALID, "expected {\"ids\": [..]} or {\"all\": true}");
    }
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    if ((rc = db_begin_write(cx->db, &cx->err)) != ERR_OK) {
        json_decref(body);
        return rc;
    }
    if (all) {
        rc = db_run(cx->db, &cx->err,
                    "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL",
                    "it", cx->user->id, now);
    } else {
        size_t i;
        json_t *v;
        json_array_foreach(ids, i, v)
        {
            if (!json_is_integer(v) || i >= 500) {
                rc = ctx_fail(cx, ERR_INVALID, "ids must be numbers (500 at most)");
                break;
            }
            /* only the user's own: another's id changes nothing */
            rc = db_run(cx->db, &cx->err,
                        "UPDATE notifications SET read_at = $3\n"
                        "WHERE id = $1 AND user_id = $2 AND read_at IS NULL",
                        "iit", (int64_t)json_integer_value(v), cx->user->id, now);
            if (rc != ERR_OK)
                break;
        }
    }
    json_decref(body);
    if ((rc = db_end_own(cx->db, &cx->err, true, rc)) != ERR_OK)
        return rc;
    rs->status = 204;
    return ERR_OK;
}
