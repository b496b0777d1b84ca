/* notify.c — in-app notifications and their outbox messages (core layer). */
#include "notify.h"

#include <string.h>

#include "base/timeutil.h"
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
