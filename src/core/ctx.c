/* ctx.c — the lifecycle of a unit of work on the database (core layer):
 * the process's connections, the read snapshot, the group commit; see
 * ctx.h. The server's requests, the jobs thread and the CLI's commands
 * all begin and end their work here. */
#include "ctx.h"

#include <pthread.h>
#include <stdlib.h>

#include "db/group.h"
#include "base/banned.h"

static const char *db_url;
static const char *db_read_url;
static struct db_group *group; /* SQLite: writing units of work share commits */
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;
static pthread_key_t db_key;      /* closes a thread's connection when it exits */
static pthread_key_t db_read_key; /* the same for its replica connection */
static _Thread_local struct db *thread_db;
static _Thread_local struct db *thread_db_read;

static void close_thread_db(void *db) { db_close(db); }

static void make_keys(void)
{
    pthread_key_create(&db_key, close_thread_db);
    pthread_key_create(&db_read_key, close_thread_db);
}

enum err_code ctx_setup(const char *url, const char *read_url, struct err *e)
{
    pthread_once(&keys_once, make_keys);
    db_url = url;
    db_read_url = read_url;
    return db_group_open(url, &group, e);
}

enum err_code ctx_setup_single(const char *url, struct err *e)
{
    (void)e;
    pthread_once(&keys_once, make_keys);
    db_url = url;
    db_read_url = NULL;
    group = NULL;
    return ERR_OK;
}

void ctx_teardown(void)
{
    db_close(thread_db);
    db_close(thread_db_read);
    thread_db = thread_db_read = NULL;
    pthread_setspecific(db_key, NULL);
    pthread_setspecific(db_read_key, NULL);
    db_group_close(group);
    group = NULL;
}

bool ctx_group_stats(uint64_t *batches, uint64_t *units)
{
    if (!group)
        return false;
    db_group_stats(group, batches, units);
    return true;
}

/* The replica connection (--db-read), opened when first needed: a replica
 * that is down fails only the work that reads from it (503). */
static struct db *thread_read_db(struct ctx *cx)
{
    if (!thread_db_read) {
        if (db_open(db_read_url, &thread_db_read, &cx->err) != ERR_OK)
            return NULL;
        pthread_setspecific(db_read_key, thread_db_read);
    }
    return thread_db_read;
}

enum err_code ctx_begin(struct ctx *cx, enum ctx_mode mode)
{
    if (!cx->db) {
        if (!thread_db) {
            if (db_open(db_url, &thread_db, &cx->err) != ERR_OK) {
                thread_db = NULL;
                return cx->err.code;
            }
            db_group_attach(thread_db, group); /* its writes share commits (SQLite) */
            pthread_setspecific(db_key, thread_db);
        }
        cx->db = thread_db;
        if (db_read_url && !cx->read_db)
            cx->read_db = thread_read_db;
    }
    if (mode == CTX_READ)
        return db_begin_snapshot(cx->db, &cx->err);
    return ERR_OK;
}

enum err_code ctx_sync(struct ctx *cx)
{
    if (db_in_tx(cx->db))
        db_rollback(cx->db); /* not committed: not kept */
    return db_group_finish(cx->db, &cx->err);
}

enum err_code ctx_ping(struct ctx *cx)
{
    int64_t one;
    bool found;
    return db_get_i64(cx->db, &cx->err, &one, &found, "SELECT 1", "");
}

void ctx_rollback(struct ctx *cx)
{
    if (cx->db && db_in_tx(cx->db))
        db_rollback(cx->db);
}

enum err_code ctx_end(struct ctx *cx, enum err_code rc)
{
    if (!cx->db)
        return rc;
    if (db_in_tx(cx->db))
        db_rollback(cx->db); /* work that failed half-way leaves nothing */
    struct err ce;
    err_clear(&ce);
    enum err_code committed = db_group_finish(cx->db, &ce);
    if (committed != ERR_OK && rc == ERR_OK) {
        cx->err = ce;
        rc = committed;
    }
    return rc;
}
