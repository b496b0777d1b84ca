/* test_workflow.c — unit tests of core/workflow (transition tables: what a
 * user may take now, and taking it) and core/numbering (gapless document
 * numbers), on the request workflow and a real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/auth.h"
#include "core/entity.h"
#include "core/numbering.h"
#include "core/perm.h"
#include "core/workflow.h"
#include "domain/desk/desk.h"
#include "domain/domain.h"

#include "unit.h"

#define F_OF(state) ((struct unit_db *)*(state))

/* Every searchable table of every area, as `servitor` makes them. */
static int desk_setup(void **state) { return unit_db_open(state, domain_search_tables()); }

static void numbers_are_consecutive_per_series_and_year(void **state)
{
    struct unit_db *f = F_OF(state);
    int64_t n;
    assert_int_equal(db_begin_write(f->cx.db, &f->cx.err), ERR_OK);
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(number_next(&f->cx, "Т", 2026, &n), ERR_OK);
        assert_int_equal(n, i);
    }
    assert_int_equal(number_next(&f->cx, "Т", 2027, &n), ERR_OK);
    assert_int_equal(n, 1); /* a new year starts again */
    assert_int_equal(number_next(&f->cx, "О", 2026, &n), ERR_OK);
    assert_int_equal(n, 1); /* and so does another series */
    assert_int_equal(db_commit(f->cx.db, &f->cx.err), ERR_OK);
    assert_int_equal(db_begin_write(f->cx.db, &f->cx.err), ERR_OK);
    assert_int_equal(number_next(&f->cx, "Т", 2026, &n), ERR_OK);
    assert_int_equal(n, 4);
    assert_int_equal(db_commit(f->cx.db, &f->cx.err), ERR_OK);
}

static void a_rolled_back_number_is_issued_again(void **state)
{
    struct unit_db *f = F_OF(state);
    int64_t n;
    assert_int_equal(db_begin_write(f->cx.db, &f->cx.err), ERR_OK);
    assert_int_equal(number_next(&f->cx, "Т", 2026, &n), ERR_OK);
    assert_int_equal(number_next(&f->cx, "Т", 2026, &n), ERR_OK);
    assert_int_equal(n, 2);
    db_rollback(f->cx.db);
    assert_int_equal(db_begin_write(f->cx.db, &f->cx.err), ERR_OK);
    assert_int_equal(number_next(&f->cx, "Т", 2026, &n), ERR_OK);
    assert_int_equal(n, 1); /* no gap */
    assert_int_equal(db_commit(f->cx.db, &f->cx.err), ERR_OK);
}

static void numbers_are_formatted_with_series_year_and_six_digits(void **state)
{
    struct unit_db *f = F_OF(state);
    assert_string_equal(number_format(&f->cx, "О", 2026, 123), "О-2026-000123");
    assert_string_equal(number_format(&f->cx, "Т", 2026, 1), "Т-2026-000001");
    assert_string_equal(number_format(&f->cx, "Т", 2026, 999999), "Т-2026-999999");
}

static void workflow_lists_and_runs_only_allowed_transitions(void **state)
{
    struct unit_db *f = F_OF(state);
    struct record *in = record_new(&f->cx, &entity_requests), *req, *out;
    unit_set(in, "subject", "Тест");
    err_clear(&f->cx.err);
    if (entity_create(&f->cx, &entity_requests, in, &req) != ERR_OK)
        fail_msg("creating a request: %s", f->cx.err.message);
    const struct transition *ts[16];
    int n = workflow_available(&f->cx, &request_workflow, req, ts, 16);
    assert_int_equal(n, 3); /* assign, start, cancel */
    assert_string_equal(ts[0]->name, "assign");
    struct user tech = {.id = 0,
                        .login = "t",
                        .name = "T",
                        .role = "technician",
                        .perms = role_find("technician")->perms};
    f->cx.user = &tech;
    n = workflow_available(&f->cx, &request_workflow, req, ts, 16);
    assert_int_equal(n, 1);
    assert_string_equal(ts[0]->name, "start");
    err_clear(&f->cx.err);
    assert_int_equal(
        workflow_run(&f->cx, &request_workflow, req->id, req->version, "cancel", NULL, &out),
        ERR_FORBIDDEN);
    f->cx.user = &f->admin;
    err_clear(&f->cx.err);
    assert_int_equal(
        workflow_run(&f->cx, &request_workflow, req->id, req->version, "close", NULL, &out),
        ERR_CONFLICT);
    err_clear(&f->cx.err);
    assert_int_equal(
        workflow_run(&f->cx, &request_workflow, req->id, req->version, "no-such", NULL, &out),
        ERR_NOTFOUND);
    err_clear(&f->cx.err);
    assert_int_equal(
        workflow_run(&f->cx, &request_workflow, req->id, req->version + 1, "cancel", NULL, &out),
        ERR_CONFLICT); /* a stale version */
    err_clear(&f->cx.err);
    assert_int_equal(
        workflow_run(&f->cx, &request_workflow, req->id, req->version, "cancel", NULL, &out),
        ERR_OK);
    assert_string_equal(record_value(out, "status")->s, "cancelled");
    assert_int_equal(out->version, req->version + 1);
    assert_int_equal(unit_i64(&f->cx, "SELECT COUNT(*) FROM audit_log WHERE action = 'cancel'"), 1);
}

int main(void)
{
    setenv("SERVITOR_PWHASH", "fast", 0);
    if (!auth_init())
        return 1;
#define DB_TEST(fn) cmocka_unit_test_setup_teardown(fn, desk_setup, unit_db_teardown)
    const struct CMUnitTest tests[] = {
        DB_TEST(numbers_are_consecutive_per_series_and_year),
        DB_TEST(a_rolled_back_number_is_issued_again),
        DB_TEST(numbers_are_formatted_with_series_year_and_six_digits),
        DB_TEST(workflow_lists_and_runs_only_allowed_transitions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
