/* group.c — group commit for SQLite (db layer); see group.h. */
#include "group.h"

#include <pthread.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "base/settings.h"
#include "base/util.h"
#include "base/banned.h"

enum {
    GROUP_MAX = 64,     /* requests in one batch at most: bounds their wait */
    GROUP_RESULTS = 256 /* commit results kept, by batch number */
};

struct db_group {
    pthread_mutex_t mu;
    pthread_cond_t turn; /* the connection is free */
    pthread_cond_t done; /* a batch was committed */
    pthread_cond_t read; /* a batch's result was read by all its members */
    struct db *db;
    bool busy;          /* a request (or a commit) is using the connection */
    int waiting;        /* requests waiting for it */
    bool open;          /* a batch transaction is open */
    bool broken;        /* SQLite rolled the open batch back by itself (disk full…) */
    int members;        /* requests in the open batch */
    uint64_t batch;     /* number of the open (or last) batch */
    uint64_t committed; /* number of the last batch ended */
    uint64_t requests;  /* requests carried by the batches ended */
    /* the result of batch b is in slot b % GROUP_RESULTS until each of its
     * members has read it: a slot still unread is not reused (a new batch
     * waits), so a slow waiter never reads another batch's result */
    struct {
        enum err_code code;
        int unread; /* members that have not read it yet */
        char message[sizeof(((struct err *)0)->message)];
    } results[GROUP_RESULTS];
};

enum err_code db_group_open(const char *url, struct db_group **out, struct err *e)
{
    *out = NULL;
    if (!setting_int(SET_GROUP_COMMIT))
        return ERR_OK;
    struct db *db;
    enum err_code rc = db_open(url, &db, e);
    if (rc != ERR_OK)
        return rc;
    if (db->dialect != DB_SQLITE) {
        db_close(db);
        return ERR_OK;
    }
    struct db_group *g = xcalloc(1, sizeof(*g));
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->turn, NULL);
    pthread_cond_init(&g->done, NULL);
    pthread_cond_init(&g->read, NULL);
    g->db = db;
    *out = g;
    return ERR_OK;
}

void db_group_close(struct db_group *g)
{
    if (!g)
        return;
    db_close(g->db);
    pthread_cond_destroy(&g->done);
    pthread_cond_destroy(&g->read);
    pthread_cond_destroy(&g->turn);
    pthread_mutex_destroy(&g->mu);
    free(g);
}

/* Takes the connection (the caller holds mu). */
static void take(struct db_group *g)
{
    g->waiting++;
    while (g->busy)
        pthread_cond_wait(&g->turn, &g->mu);
    g->waiting--;
    g->busy = true;
}

/* Gives it back (the caller holds mu). */
static void give(struct db_group *g)
{
    g->busy = false;
    pthread_cond_signal(&g->turn);
}

/* Ends the open batch with its result (the caller holds mu and the
 * connection) and wakes its members. */
static void end_batch(struct db_group *g, enum err_code rc, const char *message)
{
    int slot = (int)(g->batch % GROUP_RESULTS);
    g->results[slot].code = rc;
    g->results[slot].unread = g->members;
    snprintf(g->results[slot].message, sizeof(g->results[slot].message), "%s", message);
    g->open = false;
    g->committed = g->batch;
    g->requests += (uint64_t)g->members;
    pthread_cond_broadcast(&g->done);
    give(g);
}

struct db *db_group_enter(struct db_group *g, uint64_t *batch, struct err *e)
{
    pthread_mutex_lock(&g->mu);
    take(g);
    if (!g->open) {
        /* the next batch's result slot must have been read by all of the
         * batch that had it GROUP_RESULTS batches ago */
        int next = (int)((g->batch + 1) % GROUP_RESULTS);
        while (g->results[next].unread > 0)
            pthread_cond_wait(&g->read, &g->mu);
        /* the connection is ours: no one else touches the state below */
        pthread_mutex_unlock(&g->mu);
        enum err_code rc = g->db->ops->begin(g->db, true, e);
        pthread_mutex_lock(&g->mu);
        if (rc != ERR_OK) {
            give(g);
            pthread_mutex_unlock(&g->mu);
            return NULL;
        }
        g->open = true;
        g->members = 0;
        g->batch++;
    }
    if (!g->db->ops->tx_active(g->db)) {
        /* an error rolled the whole batch back (SQLite does on a full disk
         * or an I/O error): the members' work is gone, and a savepoint now
         * would start a transaction of its own. The batch ends here, failed. */
        end_batch(g, ERR_UNAVAILABLE, "the shared transaction was rolled back; try again");
        err_set(e, ERR_UNAVAILABLE, "the shared transaction was rolled back; try again");
        pthread_mutex_unlock(&g->mu);
        return NULL;
    }
    g->members++;
    *batch = g->batch;
    pthread_mutex_unlock(&g->mu);
    g->db->grouped = true;
    g->db->in_tx = false;
    return g->db;
}

enum err_code db_group_leave(struct db_group *g, uint64_t batch, struct err *e)
{
    struct db *db = g->db;
    if (db->in_tx)
        db_rollback(db); /* a savepoint left open: its work is undone */
    db->grouped = false;
    pthread_mutex_lock(&g->mu);
    if (g->waiting > 0 && g->members < GROUP_MAX) {
        /* others are queued: one of them (or one after) commits for us */
        give(g);
        while (g->committed < batch)
            pthread_cond_wait(&g->done, &g->mu);
    } else {
        pthread_mutex_unlock(&g->mu);
        struct err ce;
        err_clear(&ce);
        enum err_code rc;
        if (!db->ops->tx_active(db)) {
            rc = err_set(&ce, ERR_UNAVAILABLE, "the shared transaction was rolled back; try again");
        } else if ((rc = db->ops->commit(db, &ce)) != ERR_OK) {
            db->ops->rollback(db);
        }
        pthread_mutex_lock(&g->mu);
        end_batch(g, rc, ce.message);
    }
    int slot = (int)(batch % GROUP_RESULTS);
    enum err_code rc = g->results[slot].code;
    if (rc != ERR_OK)
        err_set(e, rc, "%s", g->results[slot].message);
    if (--g->results[slot].unread == 0)
        pthread_cond_broadcast(&g->read);
    pthread_mutex_unlock(&g->mu);
    return rc;
}

void db_group_stats(struct db_group *g, uint64_t *batches, uint64_t *requests)
{
    pthread_mutex_lock(&g->mu);
    *batches = g->committed;
    *requests = g->requests;
    pthread_mutex_unlock(&g->mu);
}

void db_group_attach(struct db *db, struct db_group *g)
{
    if (db)
        db->group = g;
}

enum err_code db_group_join(struct db *db, struct err *e)
{
    uint64_t batch;
    struct db *writer = db_group_enter(db->group, &batch, e);
    if (!writer)
        return e->code;
    db->redirect = writer;
    db->batch = batch;
    return ERR_OK;
}

enum err_code db_group_finish(struct db *db, struct err *e)
{
    if (!db || !db->redirect)
        return ERR_OK;
    db->redirect = NULL;
    return db_group_leave(db->group, (uint64_t)db->batch, e);
}
