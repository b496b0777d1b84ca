/* ratelimit.c — counters that block a key after too many events (core layer). */
#include "ratelimit.h"

#include "base/banned.h"

enum err_code ratelimit_check(struct ctx *cx, const char *key, int64_t now)
{
    bool found;
    int64_t until = 0;
    enum err_code rc = db_get_i64(cx->db, &cx->err, &until, &found,
                                  "SELECT blocked_until FROM rate_limits\n"
                                  "WHERE key = $1 AND blocked_until > $2",
                                  "ti", key, now);
    if (rc != ERR_OK)
        return rc;
    if (!found)
        return ERR_OK;
    cx->err.retry_after = (int)(until - now > 0 ? until - now : 1);
    return ctx_fail(cx, ERR_LIMITED, "too many attempts; try again in %d s", cx->err.retry_after);
}

/* A new window starts when the old one is over; the key is blocked when the
 * count is reached. */
enum err_code ratelimit_hit(struct ctx *cx, const char *key, int64_t now,
                            const struct rate_rule *rule)
{
    enum err_code rc =
        db_run(cx->db, &cx->err,
               "INSERT INTO rate_limits (key, window_start, failures, blocked_until)\n"
               "VALUES ($1, $2, 0, 0)\n"
               "ON CONFLICT (key) DO NOTHING",
               "ti", key, now);
    if (rc == ERR_OK)
        rc = db_run(cx->db, &cx->err,
                    "UPDATE rate_limits\n"
                    "SET failures = CASE WHEN window_start <= CAST($2 AS BIGINT) - $3 THEN 1\n"
                    "                    ELSE failures + 1 END,\n"
                    "    window_start = CASE WHEN window_start <= CAST($2 AS BIGINT) - $3\n"
                    "                        THEN CAST($2 AS BIGINT) ELSE window_start END\n"
                    "WHERE key = $1",
                    "tii", key, now, (int64_t)rule->window);
    if (rc == ERR_OK)
        rc = db_run(cx->db, &cx->err,
                    "UPDATE rate_limits\n"
                    "SET blocked_until = CAST($2 AS BIGINT) + $3, failures = 0,\n"
                    "    window_start = $2\n"
                    "WHERE key = $1 AND failures >= $4",
                    "tiii", key, now, (int64_t)rule->block, (int64_t)rule->max);
    return rc;
}

enum err_code ratelimit_take(struct ctx *cx, const char *key, int64_t now,
                             const struct rate_rule *rule, bool *fresh)
{
    int64_t zero;
    bool inserted;
    enum err_code rc = db_get_i64(cx->db, &cx->err, &zero, &inserted,
                                  "INSERT INTO rate_limits (key, window_start, failures, "
                                  "blocked_until)\n"
                                  "VALUES ($1, $2, 0, 0)\n"
                                  "ON CONFLICT (key) DO NOTHING\n"
                                  "RETURNING failures",
                                  "ti", key, now);
    if (rc != ERR_OK)
        return rc;
    if (fresh)
        *fresh = inserted;
    /* the row is locked from here to the commit: takes are one at a time */
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "UPDATE rate_limits\n"
             "SET failures = CASE WHEN blocked_until > CAST($2 AS BIGINT) THEN failures\n"
             "                    WHEN window_start <= CAST($2 AS BIGINT) - $3 THEN 1\n"
             "                    ELSE failures + 1 END,\n"
             "    window_start = CASE WHEN blocked_until > CAST($2 AS BIGINT) THEN window_start\n"
             "                        WHEN window_start <= CAST($2 AS BIGINT) - $3\n"
             "                        THEN CAST($2 AS BIGINT) ELSE window_start END\n"
             "WHERE key = $1\n"
             "RETURNING failures, blocked_until",
             "tii", key, now, (int64_t)rule->window);
    if (!st)
        return cx->err.code;
    int step = db_step(st);
    int64_t count = step == DB_ROW ? db_col_i64(st, 0) : 0;
    int64_t until = step == DB_ROW ? db_col_i64(st, 1) : 0;
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    if (until <= now && count > rule->max) {
        /* one too many: the key is blocked, this attempt refused */
        until = now + rule->block;
        rc = db_run(cx->db, &cx->err,
                    "UPDATE rate_limits SET blocked_until = $2, failures = 0, window_start = $3\n"
                    "WHERE key = $1",
                    "tii", key, until, now);
        if (rc != ERR_OK)
            return rc;
    }
    if (until <= now)
        return ERR_OK;
    cx->err.retry_after = (int)(until - now > 0 ? until - now : 1);
    return ctx_fail(cx, ERR_LIMITED, "too many attempts; try again in %d s", cx->err.retry_after);
}

enum err_code ratelimit_give_back(struct ctx *cx, const char *key)
{
    return db_run(cx->db, &cx->err,
                  "UPDATE rate_limits SET failures = failures - 1\n"
                  "WHERE key = $1 AND failures > 0",
                  "t", key);
}

enum err_code ratelimit_clear(struct ctx *cx, const char *key)
{
    return db_run(cx->db, &cx->err, "DELETE FROM rate_limits WHERE key = $1", "t", key);
}
