/* test_group.c — group commit on a real SQLite file: a request's work is
 * durable when leave returns, a failed request undoes only its own work,
 * concurrent requests share commits, and a commit that fails reaches every
 * request of its batch. */
#include <pthread.h>
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
