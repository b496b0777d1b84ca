/* jobs.c — background jobs kept in the database (core layer). */
#include "jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/settings.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "core/auth.h"
#include "base/banned.h"

#define JOB_LEASE 300 /* seconds a claim holds before another process may take over */

/* Sessions' last uses noted since, expired sessions and stale rate-limit
 * rows. */
enum err_code jobs_sessions_cleanup(struct ctx *cx)
{
    int64_t now = time_now();
    enum err_code rc = auth_session_flush(cx);
    if (rc == ERR_OK)
        rc = db_begin_write(cx->db, &cx->err);
    if (rc == ERR_OK)
        rc = auth_sessions_expire(cx, now);
    if (rc == ERR_OK)
        rc = db_run(cx->db, &cx->err,
                    "DELETE FROM rate_limits WHERE blocked_until < $1 AND window_start < $1 - 3600",
                    "i", now);
    if (rc == ERR_OK)
        return db_commit(cx->db, &cx->err);
    db_rollback(cx->db);
    return rc;
}

/* SERVITOR_JOB_PERIOD shortens the periods of hourly and more frequent jobs
 * (tests); daily ones keep theirs, so that a self-healing recount does not
 * hide what a test checks. */
static int period_of(const struct job_kind *k)
{
    int64_t v = setting_int(SET_JOB_PERIOD);
    return k->period <= 3600 && v > 0 ? (int)v : k->period;
}

static const struct job_kind *kind_find(const struct job_kind *kinds, const char *name)
{
    for (const struct job_kind *k = kinds; k->kind; k++)
        if (strcmp(k->kind, name) == 0)
            return k;
    return NULL;
}

static enum err_code schedule(struct ctx *cx, const struct job_kind *kinds, int64_t now)
{
    for (const struct job_kind *k = kinds; k->kind; k++) {
        int64_t slot = now / period_of(k);
        const char *key = arena_printf(cx->a, "%s@%lld", k->kind, (long long)slot);
        enum err_code rc = db_run(cx->db, &cx->err,
                                  "INSERT INTO jobs (kind, unique_key, run_at, state, attempts)\n"
                                  "VALUES ($1, $2, $3, 'pending', 0)\n"
                                  "ON CONFLICT (unique_key) DO NOTHING",
                                  "tti", k->kind, key, slot * period_of(k));
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

/* Claims one due job; *id = 0 when none. */
static enum err_code claim(struct ctx *cx, const char *worker, int64_t now, int64_t *id,
                           const char **kind)
{
    *id = 0;
    enum err_code rc = db_begin_write(cx->db, &cx->err);
    if (rc != ERR_OK)
        return rc;
    const char *sql = arena_printf(cx->a,
                                   "SELECT id, kind FROM jobs\n"
                                   "WHERE (state = 'pending' AND run_at <= $1)\n"
                                   "   OR (state = 'running' AND locked_until < $1)\n"
                                   "ORDER BY run_at, id\n"
                                   "LIMIT 1%s",
                                   db_sql_skip_locked(cx->db));
    struct db_stmt *st = db_q(cx->db, &cx->err, sql, "i", now);
    int step = st ? db_step(st) : DB_FAIL;
    if (step == DB_ROW) {
        *id = db_col_i64(st, 0);
        *kind = arena_strdup(cx->a, db_col_text(st, 1));
    }
    db_done(st);
    if (step == DB_FAIL) {
        db_rollback(cx->db);
        return cx->err.code;
    }
    if (*id)
        rc = db_run(cx->db, &cx->err,
                    "UPDATE jobs SET state = 'running', attempts = attempts + 1,\n"
                    "    locked_by = $2, locked_until = $3\n"
                    "WHERE id = $1",
                    "iti", *id, worker, now + JOB_LEASE);
    if (rc != ERR_OK) {
        db_rollback(cx->db);
        return rc;
    }
    return db_commit(cx->db, &cx->err);
}

/* Each step of a tick is its own short write, made durable before the next
 * (ctx_sync): the group commit's writer is never held across steps, nor
 * while a job runs (a job syncs between its own small batches). */
enum err_code jobs_tick(struct ctx *cx, const char *worker, const struct job_kind *kinds, int *ran)
{
    *ran = 0;
    int64_t now = time_now();
    enum err_code rc = auth_session_flush(cx);
    if (rc == ERR_OK)
        rc = db_begin_write(cx->db, &cx->err);
    if (rc == ERR_OK && (rc = schedule(cx, kinds, now)) == ERR_OK)
        rc = db_commit(cx->db, &cx->err);
    if (rc != ERR_OK) {
        db_rollback(cx->db);
        return rc;
    }
    if ((rc = ctx_sync(cx)) != ERR_OK)
        return rc;
    for (;;) {
        int64_t id;
        const char *kind = NULL;
        if ((rc = claim(cx, worker, now, &id, &kind)) != ERR_OK || (rc = ctx_sync(cx)) != ERR_OK)
            return rc;
        if (!id)
            return ERR_OK;
        const struct job_kind *k = kind_find(kinds, kind);
        err_clear(&cx->err);
        enum err_code jr = k ? k->run(cx) : ctx_fail(cx, ERR_INTERNAL, "unknown job kind %s", kind);
        const char *error = jr == ERR_OK ? NULL : arena_strdup(cx->a, cx->err.message);
        err_clear(&cx->err);
        if (jr != ERR_OK)
            ctx_sync(cx); /* what the job left open is undone */
        err_clear(&cx->err);
        rc = db_run(cx->db, &cx->err,
                    "UPDATE jobs SET state = $2, finished_at = $3, last_error = $4,\n"
                    "    locked_until = NULL\n"
                    "WHERE id = $1",
                    "itit", id, jr == ERR_OK ? "done" : "failed", time_now(), error);
        if (rc == ERR_OK)
            rc = ctx_sync(cx);
        if (rc != ERR_OK)
            return rc;
        (*ran)++;
    }
}

enum err_code jobs_run_now(struct ctx *cx, const struct job_kind *kinds, const char *name)
{
    const struct job_kind *k = kind_find(kinds, name);
    if (!k)
        return ctx_fail(cx, ERR_NOTFOUND, "no job named %s", name);
    return k->run(cx);
}

static void worker_name(char *worker, size_t n)
{
    char host[256] = "?";
    gethostname(host, sizeof(host));
    host[sizeof(host) - 1] = 0;
    snprintf(worker, n, "%.255s:%d", host, (int)getpid());
}

enum err_code jobs_tick_now(struct ctx *cx, const struct job_kind *kinds, int *ran)
{
    char worker[300];
    worker_name(worker, sizeof(worker));
    return jobs_tick(cx, worker, kinds, ran);
}

void jobs_loop(const struct job_kind *kinds, volatile sig_atomic_t *stop)
{
    int64_t tick = setting_int(SET_JOB_TICK);
    char worker[300];
    worker_name(worker, sizeof(worker));
    struct arena a;
    arena_init(&a, 0);
    for (bool last = false;; last = *stop) {
        struct ctx cx = {.a = &a};
        err_clear(&cx.err);
        int ran = 0;
        enum err_code rc = ctx_begin(&cx, CTX_WRITE);
        if (rc == ERR_OK)
            rc = last ? auth_session_flush(&cx) : jobs_tick(&cx, worker, kinds, &ran);
        if ((rc = ctx_end(&cx, rc)) != ERR_OK)
            fprintf(stderr, "servitor: jobs: %s\n", cx.err.message);
        arena_reset(&a);
        if (last)
            break;
        for (int64_t i = 0; i < tick * 10 && !*stop; i++)
            usleep(100 * 1000);
    }
    arena_free(&a);
}
