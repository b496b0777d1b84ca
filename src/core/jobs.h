/* jobs.h — background jobs kept in the database (core layer).
 *
 * Recurring jobs get one row per period slot (unique key "kind@slot"), so
 * however many server processes schedule them, a slot exists once; a process
 * claims a due job in a short transaction (PostgreSQL: FOR UPDATE SKIP LOCKED;
 * SQLite: the write lock), runs it outside any transaction, then marks it
 * done. A claim that outlives its lease is taken over by another process. */
#ifndef SERVITOR_JOBS_H
#define SERVITOR_JOBS_H

#include <signal.h>

#include "core/ctx.h"

struct job_kind {
    const char *kind;
    int period; /* seconds between runs */
    enum err_code (*run)(struct ctx *cx);
};

/* Schedules the current slot of every recurring job of `kinds` (ending with
 * a zeroed entry), then claims and runs due jobs until none is left.
 * `worker` names this process (host:pid). *ran counts the jobs run. */
enum err_code jobs_tick(struct ctx *cx, const char *worker, const struct job_kind *kinds, int *ran);

/* One round of this process's jobs thread now (worker: host:pid): the
 * test route's {"tick": true}, and each round of jobs_loop. */
enum err_code jobs_tick_now(struct ctx *cx, const struct job_kind *kinds, int *ran);

/* Runs the job `name` of `kinds` once, now (tests: the test route and
 * command). ERR_NOTFOUND when there is no such job. */
enum err_code jobs_run_now(struct ctx *cx, const struct job_kind *kinds, const char *name);

/* The background-jobs thread's body: every SERVITOR_JOB_TICK seconds
 * (default 30) a tick of `kinds`, as one unit of work (ctx_begin/ctx_end) on
 * the thread's connection; when *stop is set, it notes the sessions' last
 * uses one last time and returns. */
void jobs_loop(const struct job_kind *kinds, volatile sig_atomic_t *stop);

/* The platform's own job: deletes expired sessions and stale rate limits. */
enum err_code jobs_sessions_cleanup(struct ctx *cx);

#endif
