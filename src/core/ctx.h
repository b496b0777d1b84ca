/* ctx.h — what one request (or one CLI command) carries (core layer):
 * its arena, its database connection, who is acting, and the error slot. */
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
