/* ctx.h — what one request (or one CLI command, or one job) carries (core
 * layer): its arena, its database connection, who is acting, and the error
 * slot — and the lifecycle of that unit of work on the database, the same for
 * the server, the jobs thread and the CLI:
 *
 *     struct ctx cx = {.a = &arena};
 *     if (ctx_begin(&cx, CTX_READ) == ERR_OK)    (or CTX_WRITE)
 *         rc = work(&cx);
 *     rc = ctx_end(&cx, rc);                     (ERR_OK: what it wrote is durable)
 *
 * ctx_begin takes the calling thread's connection of the process's database
 * (ctx_setup; opened on first use, closed when the thread ends) unless cx->db
 * is set already (a CLI command's own connection). CTX_READ reads in one
 * snapshot (db_begin_snapshot) and writes nothing. CTX_WRITE may write: on
 * SQLite the first write transaction joins the group commit (db/group.h) and
 * works through the group's writer until ctx_sync or ctx_end; what comes
 * before it (hashing a password, parsing a letter) holds nobody up.
 * ctx_end rolls back a transaction the work left open, gives the writer back
 * and waits until the batch is durable. */
#ifndef SERVITOR_CTX_H
#define SERVITOR_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "core/perm.h"
#include "db/db.h"

struct user {
    int64_t id;
    const char *login;
    const char *name;
    const char *role;
    int64_t branch_id; /* 0 = none */
    /* works in branch_id only: branch-owned records of other branches are
     * invisible (auth.c decides it from the user's setting and role) */
    bool branch_scope;
    struct perms perms;
};

struct ctx {
    struct arena *a;
    struct db *db;
    /* reports and exports read through ctx_read_db(): a replica when the
     * server has one (--db-read), else db */
    struct db *(*read_db)(struct ctx *cx);
    const struct user *user; /* NULL before authentication */
    struct err err;
    const char *remote_addr; /* "127.0.0.1" */
};

enum ctx_mode {
    CTX_READ = 1,  /* reads in one snapshot, writes nothing */
    CTX_WRITE = 2, /* may write; writes share commits (SQLite) */
};

/* The process's database: db_url for everything, db_read_url (NULL: none)
 * for ctx_read_db. Opens the group commit's writer (SQLite, unless
 * SERVITOR_GROUP_COMMIT=0). Returns ERR_OK or the error in e. */
enum err_code ctx_setup(const char *db_url, const char *db_read_url, struct err *e);
/* The same for a process doing one unit of work at a time (a CLI command):
 * no group commit — there is nobody to share commits with, and a bulk write
 * as savepoints of a batch runs at half the speed. */
enum err_code ctx_setup_single(const char *db_url, struct err *e);
/* Closes the writer and the calling thread's connections. */
void ctx_teardown(void);
/* How many shared commits there were and how many units of work they
 * carried; false when commits are not shared (PostgreSQL, or turned off). */
bool ctx_group_stats(uint64_t *batches, uint64_t *units);

/* Begins a unit of work: cx->db (unless set), cx->read_db, and with CTX_READ
 * the snapshot. ERR_UNAVAILABLE (cx->err set) when the database cannot be
 * reached. */
enum err_code ctx_begin(struct ctx *cx, enum ctx_mode mode);
/* Inside a long unit of work (a job going through many records): makes what
 * was committed so far durable and gives the group's writer back, so that
 * others write between its steps. Returns ERR_OK or the batch's error. */
enum err_code ctx_sync(struct ctx *cx);
/* ERR_OK when the unit's database answers a query (/healthz). */
enum err_code ctx_ping(struct ctx *cx);
/* Undoes a transaction the work left open — one failed step of a bulk
 * operation — and keeps what the unit committed before it. */
void ctx_rollback(struct ctx *cx);
/* Ends the unit of work begun by ctx_begin: rolls back a transaction left
 * open (a failed unit leaves nothing), then waits until what it committed is
 * durable. Returns rc, or — when rc was ERR_OK — the commit's error (then in
 * cx->err). */
enum err_code ctx_end(struct ctx *cx, enum err_code rc);

/* Sets the context's error; returns code. */
#define ctx_fail(cx, code, ...) err_set(&(cx)->err, (code), __VA_ARGS__)

/* The connection for heavy reading; NULL (with cx->err set) when the replica
 * cannot be reached. Never use it for what must see the caller's own writes. */
static inline struct db *ctx_read_db(struct ctx *cx)
{
    return cx->read_db ? cx->read_db(cx) : cx->db;
}

static inline bool ctx_can(const struct ctx *cx, enum perm perm)
{
    return perm == P_NONE || (cx->user && perms_has(&cx->user->perms, perm));
}

/* The branch the acting user is confined to; 0 when company-wide (and for
 * the jobs, the CLI and the system users). */
static inline int64_t ctx_branch(const struct ctx *cx)
{
    return cx->user && cx->user->branch_scope ? cx->user->branch_id : 0;
}

#endif
