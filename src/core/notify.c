/* notify.c — in-app notifications and their outbox messages (core layer). */
#include "notify.h"

#include <string.h>

#include "base/buf.h"
#include "base/timeutil.h"
#include "core/entity.h"
#include "base/banned.h"

enum err_code notify(struct ctx *cx, int64_t user_id, const char *kind, const char *entity,
                     int64_t record_id, const char *title)
{
    if (!user_id || (cx->user && cx->user->id == user_id))
        return ERR_OK;
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    enum err_code rc = db_run(cx->db, &cx->err,
                              "INSERT INTO notifications (user_id, created_at, kind, entity,\n"
                              "                           record_id, title)\n"
                              "VALUES ($1, $2, $3, $4, $5, $6)",
                              "itttit", user_id, now, kind, entity, record_id, title);
    if (rc != ERR_OK)
        return rc;
    return db_run(cx->db, &cx->err,
                  "INSERT INTO outbox (created_at, channel, recipient_user_id, subject, body,\n"
                  "                    state, attempts)\n"
                  "VALUES ($1, 'email', $2, $3, $4, 'pending', 0)",
                  "titt", now, user_id, kind, title);
}

static bool login_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

enum err_code notify_mentions(struct ctx *cx, const char *text, const char *entity,
                              int64_t record_id, const char *title)
{
    int found = 0;
    for (const char *p = strchr(text, '@'); p && found < 10; p = strchr(p + 1, '@')) {
        if (p > text && login_char(p[-1]))
            continue; /* an e-mail address, not a mention */
        size_t n = 0;
        while (login_char(p[1 + n]) && n < 64)
            n++;
        while (n && p[n] == '.')
            n--; /* "@ivan." at the end of a sentence */
        if (n < 2)
            continue;
        const char *login = arena_strndup(cx->a, p + 1, n);
        int64_t id;
        bool exists;
        enum err_code rc =
            db_get_i64(cx->db, &cx->err, &id, &exists,
                       "SELECT id FROM users WHERE login = $1 AND active = 1", "t", login);
        if (rc != ERR_OK)
            return rc;
        if (exists && (rc = notify(cx, id, "mention", entity, record_id, title)) != ERR_OK)
            return rc;
        found++;
    }
    return ERR_OK;
}

/* A branch-scoped user hears nothing of another branch's records (an
 * @mention, a breach told to the branch): the notifications about records
 * out of their scope are left out. Appends to sql; the branch is $param. */
static void scope_clause(struct ctx *cx, const struct entity *const *entities, struct buf *sql,
                         int param)
{
    if (!ctx_branch(cx))
        return;
    for (int i = 0; entities && entities[i]; i++) {
        const struct entity *e = entities[i];
        if (e->branch_field)
            buf_printf(sql,
                       "\n  AND (entity IS NULL OR entity <> '%s'\n"
                       "       OR record_id IN (SELECT id FROM %s WHERE %s = $%d))",
                       e->name, e->table, e->branch_field, param);
    }
}

enum err_code notify_list(struct ctx *cx, const struct entity *const *entities, bool unread_only,
                          json_t **items, int64_t *unread)
{
    int64_t branch = ctx_branch(cx);
    struct buf sql = BUF_INIT, count = BUF_INIT;
    buf_adds(&sql, "SELECT id, created_at, kind, entity, record_id, title, read_at\n"
                   "FROM notifications\n"
                   "WHERE user_id = $1 AND (read_at IS NULL OR $2 = 0)");
    scope_clause(cx, entities, &sql, 3);
    buf_adds(&sql, "\nORDER BY id DESC\nLIMIT 50");
    buf_adds(&count, "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL");
    scope_clause(cx, entities, &count, 2);
    struct db_stmt *st =
        branch ? db_q(cx->db, &cx->err, sql.p, "iii", cx->user->id, (int64_t)unread_only, branch)
               : db_q(cx->db, &cx->err, sql.p, "ii", cx->user->id, (int64_t)unread_only);
    buf_release(&sql);
    if (!st) {
        buf_release(&count);
        return cx->err.code;
    }
    json_t *a = json_array();
    int step;
    while ((step = db_step(st)) == DB_ROW)
        json_array_append_new(
            a, json_pack("{s:I,s:s,s:s,s:s?,s:o,s:s,s:s?}", "id", (json_int_t)db_col_i64(st, 0),
                         "created_at", db_col_text(st, 1), "kind", db_col_text(st, 2), "entity",
                         db_col_text(st, 3), "record_id",
                         db_col_null(st, 4) ? json_null() : json_integer(db_col_i64(st, 4)),
                         "title", db_col_text(st, 5), "read_at", db_col_text(st, 6)));
    db_done(st);
    *unread = 0;
    enum err_code rc =
        step == DB_FAIL ? cx->err.code
        : branch ? db_get_i64(cx->db, &cx->err, unread, NULL, count.p, "ii", cx->user->id, branch)
                 : db_get_i64(cx->db, &cx->err, unread, NULL, count.p, "i", cx->user->id);
    buf_release(&count);
    if (rc != ERR_OK) {
        json_decref(a);
        return rc;
    }
    *items = a;
    return ERR_OK;
}

enum err_code notify_mark_read(struct ctx *cx, const int64_t *ids, int n, bool all)
{
    if (n > NOTIFY_READ_MAX)
        return ctx_fail(cx, ERR_INVALID, "ids: %d at most", NOTIFY_READ_MAX);
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    if (all)
        rc = db_run(cx->db, &cx->err,
                    "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL",
                    "it", cx->user->id, now);
    /* only the user's own: another's id changes nothing */
    for (int i = 0; !all && i < n && rc == ERR_OK; i++)
        rc = db_run(cx->db, &cx->err,
                    "UPDATE notifications SET read_at = $3\n"
                    "WHERE id = $1 AND user_id = $2 AND read_at IS NULL",
                    "iit", ids[i], cx->user->id, now);
    return db_end_own(cx->db, &cx->err, own, rc);
}
