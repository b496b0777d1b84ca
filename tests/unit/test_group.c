/* test_group.c — group commit on a real SQLite file: a request's work is
 * durable when leave returns, a failed request undoes only its own work,
 * concurrent requests share commits, a commit that fails reaches every
 * request of its batch, and a slow waiter reads its own batch's result
 * however many batches were committed meanwhile.
 *
 * Linked with -Wl,--wrap=pthread_cond_wait (Makefile): the wrapper below
 * lets a test hold one thread back after it was woken, and see another
 * block, without timing. */
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/db.h"
#include "db/group.h"

struct fixture {
    char path[64];
    struct db_group *g;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->path, sizeof(f->path), "/tmp/servitor-group-XXXXXX");
    int fd = mkstemp(f->path);
    if (fd < 0)
        return -1;
    close(fd);
    struct err e;
    err_clear(&e);
    struct db *db;
    if (db_open(f->path, &db, &e) != ERR_OK ||
        db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, who INTEGER NOT NULL)", &e) != ERR_OK)
        return -1;
    db_close(db);
    if (db_group_open(f->path, &f->g, &e) != ERR_OK || !f->g)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    db_group_close(f->g);
    char p[80];
    unlink(f->path);
    snprintf(p, sizeof(p), "%s-wal", f->path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", f->path);
    unlink(p);
    free(f);
    return 0;
}

/* Rows as another connection sees them: only what was committed. */
static int64_t committed_rows(const char *path, const char *where)
{
    struct err e;
    err_clear(&e);
    struct db *db;
    assert_int_equal(db_open(path, &db, &e), ERR_OK);
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM t WHERE %s", where);
    int64_t n = -1;
    bool found;
    assert_int_equal(db_get_i64(db, &e, &n, &found, sql, ""), ERR_OK);
    db_close(db);
    return n;
}

/* One request: its own transaction (a savepoint here), committed or not. */
static enum err_code request(struct db_group *g, int64_t who, bool fail)
{
    struct err e;
    err_clear(&e);
    uint64_t batch;
    struct db *db = db_group_enter(g, &batch, &e);
    if (!db)
        return e.code;
    enum err_code rc = db_begin_write(db, &e);
    if (rc == ERR_OK)
        rc = db_run(db, &e, "INSERT INTO t (who) VALUES ($1)", "i", who);
    if (rc == ERR_OK && fail)
        rc = db_run(db, &e, "INSERT INTO t (id, who) VALUES (1, 0)", ""); /* id 1 is taken */
    if (rc == ERR_OK)
        rc = db_commit(db, &e);
    else
        db_rollback(db);
    struct err le;
    err_clear(&le);
    enum err_code committed = db_group_leave(g, batch, &le);
    return rc != ERR_OK ? rc : committed;
}

static void durable_when_leave_returns(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(request(f->g, 7, false), ERR_OK);
    assert_int_equal(committed_rows(f->path, "who = 7"), 1);
}

static void a_failed_request_undoes_only_its_work(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(request(f->g, 1, false), ERR_OK); /* row id 1 */
    assert_int_equal(request(f->g, 2, true), ERR_CONFLICT);
    assert_int_equal(committed_rows(f->path, "who = 2"), 0);
    assert_int_equal(committed_rows(f->path, "who = 1"), 1);
}

/* A request that leaves its savepoint open (a handler failing half-way) has
 * its work undone by leave, and the batch still commits. */
static void an_open_savepoint_is_rolled_back_on_leave(void **state)
{
    struct fixture *f = *state;
    struct err e;
    err_clear(&e);
    uint64_t batch;
    struct db *db = db_group_enter(f->g, &batch, &e);
    assert_non_null(db);
    assert_int_equal(db_begin_write(db, &e), ERR_OK);
    assert_int_equal(db_run(db, &e, "INSERT INTO t (who) VALUES (9)", ""), ERR_OK);
    assert_int_equal(db_group_leave(f->g, batch, &e), ERR_OK);
    assert_int_equal(committed_rows(f->path, "who = 9"), 0);
    assert_int_equal(request(f->g, 10, false), ERR_OK);
    assert_int_equal(committed_rows(f->path, "who = 10"), 1);
}

enum { THREADS = 8, EACH = 40 };

struct worker {
    struct db_group *g;
    int64_t who;
    int ok, failed, wrong;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < EACH; i++) {
        bool fail = i % 5 == 4;
        enum err_code rc = request(w->g, w->who, fail);
        if (fail ? rc == ERR_CONFLICT : rc == ERR_OK)
            fail ? w->failed++ : w->ok++;
        else
            w->wrong++;
    }
    return NULL;
}

static void concurrent_requests_share_commits(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(request(f->g, 1, false), ERR_OK); /* so that id 1 exists */
    uint64_t b0, r0;
    db_group_stats(f->g, &b0, &r0);
    pthread_t th[THREADS];
    struct worker w[THREADS] = {0};
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){.g = f->g, .who = 100 + i};
        pthread_create(&th[i], NULL, work, &w[i]);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(w[i].wrong, 0);
        char where[32];
        snprintf(where, sizeof(where), "who = %d", 100 + i);
        /* exactly the requests that succeeded are there */
        assert_int_equal(committed_rows(f->path, where), w[i].ok);
        assert_int_equal(w[i].ok, EACH - EACH / 5);
    }
    uint64_t b1, r1;
    db_group_stats(f->g, &b1, &r1);
    assert_int_equal(r1 - r0, THREADS * EACH);
    /* requests waited for each other's commits: fewer commits than requests */
    assert_true(b1 - b0 < r1 - r0);
}

/* A commit that fails (the database went read-only under the batch) fails
 * every request of the batch, and none of its work is there. */
static void a_failed_commit_reaches_the_request(void **state)
{
    struct fixture *f = *state;
    struct err e;
    err_clear(&e);
    uint64_t batch;
    struct db *db = db_group_enter(f->g, &batch, &e);
    assert_non_null(db);
    assert_int_equal(db_begin_write(db, &e), ERR_OK);
    assert_int_equal(db_run(db, &e, "INSERT INTO t (who) VALUES (55)", ""), ERR_OK);
    assert_int_equal(db_commit(db, &e), ERR_OK);
    /* a deferred foreign key broken inside the batch makes COMMIT fail */
    assert_int_equal(db_exec(db,
                             "PRAGMA foreign_keys = ON;"
                             "CREATE TEMP TABLE p (id INTEGER PRIMARY KEY);"
                             "CREATE TEMP TABLE c (p INTEGER REFERENCES p(id) "
                             "DEFERRABLE INITIALLY DEFERRED);"
                             "INSERT INTO c VALUES (42);",
                             &e),
                     ERR_OK);
    struct err le;
    err_clear(&le);
    assert_int_not_equal(db_group_leave(f->g, batch, &le), ERR_OK);
    assert_true(le.message[0] != 0);
    assert_int_equal(committed_rows(f->path, "who = 55"), 0);
    /* the group goes on */
    assert_int_equal(request(f->g, 56, false), ERR_OK);
    assert_int_equal(committed_rows(f->path, "who = 56"), 1);
}

/* A request thread's own connection: reading holds nobody up, its first
 * write joins the group, and the end of the request waits for the commit. */
static void a_connection_joins_at_its_first_write(void **state)
{
    struct fixture *f = *state;
    struct err e;
    err_clear(&e);
    struct db *db;
    assert_int_equal(db_open(f->path, &db, &e), ERR_OK);
    db_group_attach(db, f->g);
    uint64_t b0, r0, b1, r1;
    db_group_stats(f->g, &b0, &r0);
    int64_t n;
    bool found;
    assert_int_equal(db_get_i64(db, &e, &n, &found, "SELECT COUNT(*) FROM t", ""), ERR_OK);
    assert_int_equal(db_group_finish(db, &e), ERR_OK); /* nothing joined: nothing to wait for */
    db_group_stats(f->g, &b1, &r1);
    assert_int_equal(r1, r0);
    /* a statement run for its effect, outside a transaction */
    assert_int_equal(db_run(db, &e, "INSERT INTO t (who) VALUES (31)", ""), ERR_OK);
    assert_int_equal(committed_rows(f->path, "who = 31"), 0); /* not before the batch ends */
    assert_int_equal(db_group_finish(db, &e), ERR_OK);
    assert_int_equal(committed_rows(f->path, "who = 31"), 1);
    /* a transaction, then a failed one in the same request */
    assert_int_equal(db_begin_write(db, &e), ERR_OK);
    assert_int_equal(db_run(db, &e, "INSERT INTO t (who) VALUES (32)", ""), ERR_OK);
    assert_int_equal(db_commit(db, &e), ERR_OK);
    assert_int_equal(db_begin_write(db, &e), ERR_OK);
    assert_int_equal(db_run(db, &e, "INSERT INTO t (who) VALUES (33)", ""), ERR_OK);
    db_rollback(db);
    assert_int_equal(db_group_finish(db, &e), ERR_OK);
    assert_int_equal(committed_rows(f->path, "who = 32"), 1);
    assert_int_equal(committed_rows(f->path, "who = 33"), 0);
    db_group_stats(f->g, &b1, &r1);
    assert_int_equal(r1 - r0, 2);
    db_close(db);
}

/* SQLite may roll a whole transaction back by itself (a full disk): the batch
 * is then failed for every member, and the next request starts a new one. */
static void a_batch_rolled_back_underneath_fails_its_members(void **state)
{
    struct fixture *f = *state;
    struct err e;
    err_clear(&e);
    uint64_t batch;
    struct db *w = db_group_enter(f->g, &batch, &e);
    assert_non_null(w);
    assert_int_equal(db_begin_write(w, &e), ERR_OK);
    assert_int_equal(db_run(w, &e, "INSERT INTO t (who) VALUES (71)", ""), ERR_OK);
    assert_int_equal(db_commit(w, &e), ERR_OK);
    /* as SQLite would: the batch transaction is gone */
    assert_int_equal(db_exec(w, "ROLLBACK", &e), ERR_OK);
    struct err le;
    err_clear(&le);
    assert_int_equal(db_group_leave(f->g, batch, &le), ERR_UNAVAILABLE);
    assert_int_equal(committed_rows(f->path, "who = 71"), 0);
    assert_int_equal(request(f->g, 72, false), ERR_OK);
    assert_int_equal(committed_rows(f->path, "who = 72"), 1);
}

/* ---- the result ring ----------------------------------------------------- */

/* What the wrapper of pthread_cond_wait does on the calling thread. */
enum role { ROLE_NONE, ROLE_SLOW, ROLE_JOINER, ROLE_LATER };
static _Thread_local enum role my_role;
static sem_t slow_woken;    /* the slow waiter was woken, and holds itself back */
static sem_t slow_release;  /* lets it go on to read its result */
static sem_t joiner_queued; /* the joiner waits for the connection */
static sem_t later_stuck;   /* the later requests wait (or are all done) */

int __real_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int __wrap_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    if (my_role == ROLE_JOINER)
        sem_post(&joiner_queued); /* it holds m: the queue count is up */
    if (my_role == ROLE_LATER)
        sem_post(&later_stuck);
    int rc = __real_pthread_cond_wait(c, m);
    if (my_role == ROLE_SLOW) {
        /* woken (its batch is committed): a thread the scheduler leaves
         * aside for as long as others commit batch after batch */
        my_role = ROLE_NONE;
        pthread_mutex_unlock(m);
        sem_post(&slow_woken);
        sem_wait(&slow_release);
        pthread_mutex_lock(m);
    }
    return rc;
}

enum { LATER = 300 }; /* more batches than the ring's 256 slots */

struct ring_run {
    struct db_group *g;
    sem_t go;      /* the slow one may leave */
    sem_t entered; /* it has joined its batch */
    enum err_code slow_rc, joiner_rc;
    int later_done; /* later requests answered (each its own batch) */
    int later_wrong;
};

static void *slow_waiter(void *arg)
{
    struct ring_run *r = arg;
    struct err e;
    err_clear(&e);
    uint64_t batch;
    struct db *db = db_group_enter(r->g, &batch, &e);
    if (!db || db_begin_write(db, &e) != ERR_OK ||
        db_run(db, &e, "INSERT INTO t (who) VALUES (81)", "") != ERR_OK ||
        db_commit(db, &e) != ERR_OK ||
        /* a deferred foreign key broken in the batch: its COMMIT fails */
        db_exec(db,
                "CREATE TEMP TABLE p (id INTEGER PRIMARY KEY);"
                "CREATE TEMP TABLE c (p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED);"
                "INSERT INTO c VALUES (42);",
                &e) != ERR_OK) {
        r->slow_rc = ERR_INTERNAL;
        sem_post(&r->entered);
        return NULL;
    }
    sem_post(&r->entered);
    sem_wait(&r->go);
    my_role = ROLE_SLOW; /* another member commits the batch; we wait for it */
    struct err le;
    err_clear(&le);
    r->slow_rc = db_group_leave(r->g, batch, &le);
    return NULL;
}

static void *joiner(void *arg)
{
    struct ring_run *r = arg;
    my_role = ROLE_JOINER;
    struct err e;
    err_clear(&e);
    uint64_t batch;
    struct db *db = db_group_enter(r->g, &batch, &e); /* waits for the slow one's turn */
    my_role = ROLE_NONE;
    if (!db) {
        r->joiner_rc = ERR_INTERNAL;
        return NULL;
    }
    r->joiner_rc = db_group_leave(r->g, batch, &e); /* last of the batch: commits it */
    return NULL;
}

static void *later_requests(void *arg)
{
    struct ring_run *r = arg;
    my_role = ROLE_LATER;
    for (int i = 0; i < LATER; i++) {
        if (request(r->g, 90, false) == ERR_OK)
            r->later_done++;
        else
            r->later_wrong++;
    }
    my_role = ROLE_NONE;
    sem_post(&later_stuck); /* all done (the ring did not hold them) */
    return NULL;
}

/* A member of a batch woken by its commit but held back before it reads the
 * result: 255 more batches commit, the 256th waits for the slot the slow
 * member has not read, and the slow member then reads its own batch's
 * failure — not the success of a batch that came 256 later. */
static void a_slow_waiter_reads_its_own_batch_result(void **state)
{
    struct fixture *f = *state;
    struct ring_run r = {.g = f->g};
    sem_init(&r.go, 0, 0);
    sem_init(&r.entered, 0, 0);
    sem_init(&slow_woken, 0, 0);
    sem_init(&slow_release, 0, 0);
    sem_init(&joiner_queued, 0, 0);
    sem_init(&later_stuck, 0, 0);
    uint64_t b0, r0;
    db_group_stats(f->g, &b0, &r0);

    pthread_t slow, join, later;
    pthread_create(&slow, NULL, slow_waiter, &r);
    sem_wait(&r.entered); /* the slow one holds the connection, batch open */
    pthread_create(&join, NULL, joiner, &r);
    sem_wait(&joiner_queued); /* the joiner waits for the connection */
    sem_post(&r.go);          /* the slow one leaves first: it waits for the commit */
    pthread_join(join, NULL); /* the joiner joined, committed, read the failure */
    assert_int_not_equal(r.joiner_rc, ERR_OK);
    sem_wait(&slow_woken); /* the slow one was woken and holds itself back */

    pthread_create(&later, NULL, later_requests, &r);
    sem_wait(&later_stuck); /* the later requests wait, or all went through */
    /* the ring holds 256 results: the batch 256 after the slow one's waits
     * for its slot to be read */
    assert_int_equal(r.later_done, 255);
    assert_int_equal(r.later_wrong, 0);
    uint64_t b1, r1;
    db_group_stats(f->g, &b1, &r1);
    assert_int_equal(b1 - b0, 256);

    sem_post(&slow_release);
    pthread_join(slow, NULL);
    pthread_join(later, NULL);
    /* the slow member read the failure of its own batch */
    assert_int_equal(r.slow_rc, r.joiner_rc);
    assert_int_equal(committed_rows(f->path, "who = 81"), 0);
    /* and the later requests went on once it had read it */
    assert_int_equal(r.later_done, LATER);
    assert_int_equal(r.later_wrong, 0);
    assert_int_equal(committed_rows(f->path, "who = 90"), LATER);
    db_group_stats(f->g, &b1, &r1);
    assert_int_equal(b1 - b0, 1 + LATER);
    assert_int_equal(r1 - r0, 2 + LATER);
    sem_destroy(&r.go);
    sem_destroy(&r.entered);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(durable_when_leave_returns, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_request_undoes_only_its_work, setup, teardown),
        cmocka_unit_test_setup_teardown(an_open_savepoint_is_rolled_back_on_leave, setup, teardown),
        cmocka_unit_test_setup_teardown(concurrent_requests_share_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_commit_reaches_the_request, setup, teardown),
        cmocka_unit_test_setup_teardown(a_connection_joins_at_its_first_write, setup, teardown),
        cmocka_unit_test_setup_teardown(a_batch_rolled_back_underneath_fails_its_members, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_slow_waiter_reads_its_own_batch_result, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
