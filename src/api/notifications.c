/* notifications.c — the bell: a user's notifications and marking them read
 * (api layer). */
#include <string.h>

#include "api/api.h"
#include "base/timeutil.h"
#include "base/banned.h"

API_HANDLER(api_notifications)
{
    bool unread_only = false;
    for (int i = 0; i < rq->nparams; i++)
        if (!strcmp(rq->params[i].key, "unread"))
            unread_only = !strcmp(rq->params[i].value, "true") || !strcmp(rq->params[i].value, "1");
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT id, created_at, kind, entity, record_id, title, read_at\n"
                              "FROM notifications\n"
                              "WHERE user_id = $1 AND (read_at IS NULL OR $2 = 0)\n"
                              "ORDER BY id DESC\n"
                              "LIMIT 50",
                              "ii", cx->user->id, (int64_t)unread_only);
    if (!st)
        return cx->err.code;
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
    if (step == DB_FAIL ||
        db_get_i64(cx->db, &cx->err, &unread, NULL,
                   "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL", "i",
                   cx->user->id) != ERR_OK) {
        json_decref(items);
        return cx->err.code;
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
