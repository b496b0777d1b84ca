/* test_lifecycle.c — a unit of work's lifecycle (core/ctx.c) and what must
 * never hold the write transaction: a GET reads in one snapshot and ends
 * with nothing open; a password is hashed before the transaction that
 * stores it, never inside (auth_password_hash is wrapped by the linker,
 * -Wl,--wrap, to see where it is called from). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/auth.h"
#include "domain/registry/registry.h"

#include "unit.h"

static struct db *watched; /* the connection whose transactions are watched */
static int hashes, hashes_in_tx;

void __real_auth_password_hash(const char *password, char out[AUTH_HASH_LEN]);
void __wrap_auth_password_hash(const char *password, char out[AUTH_HASH_LEN])
{
    hashes++;
    if (watched && db_in_tx(watched))
        hashes_in_tx++;
    __real_auth_password_hash(password, out);
}

static struct record *new_user(struct unit_db *f, const char *login, const char *password)
{
    struct record *in = record_new(&f->cx, &entity_users), *out;
    unit_set(in, "login", login);
    unit_set(in, "name", login);
    unit_set(in, "role", "sales");
    unit_set(in, "password", password);
    err_clear(&f->cx.err);
    assert_int_equal(entity_create(&f->cx, &entity_users, in, &out), ERR_OK);
    return out;
}

static void a_password_is_hashed_before_the_write_transaction(void **state)
{
    struct unit_db *f = *state;
    watched = f->cx.db;
    hashes = hashes_in_tx = 0;
    struct record *u = new_user(f, "hashed", "пароль-длинный");
    assert_int_equal(hashes, 1);
    assert_int_equal(hashes_in_tx, 0);

    struct record *patch = record_new(&f->cx, &entity_users), *out;
    unit_set(patch, "password", "другой пароль");
    err_clear(&f->cx.err);
    assert_int_equal(entity_update(&f->cx, &entity_users, u->id, u->version, patch, &out), ERR_OK);
    assert_int_equal(hashes, 2);
    assert_int_equal(hashes_in_tx, 0);

    /* the stored hash is the one made before: the new password verifies */
    struct session s;
    struct user *who;
    err_clear(&f->cx.err);
    assert_int_equal(auth_login(&f->cx, "hashed", "другой пароль", &who, &s), ERR_OK);
    watched = NULL;
}

static void a_password_that_fails_validation_is_not_hashed(void **state)
{
    struct unit_db *f = *state;
    watched = f->cx.db;
    hashes = hashes_in_tx = 0;
    struct record *in = record_new(&f->cx, &entity_users), *out;
    unit_set(in, "login", "short");
    unit_set(in, "name", "short");
    unit_set(in, "role", "sales");
    unit_set(in, "password", "1234567");
    err_clear(&f->cx.err);
    assert_int_equal(entity_create(&f->cx, &entity_users, in, &out), ERR_INVALID);
    assert_string_equal(unit_field_error(&f->cx, "password"), "too_short");
    assert_int_equal(hashes, 0);
    watched = NULL;
}

static void a_read_unit_of_work_reads_in_one_snapshot_and_ends_with_nothing_open(void **state)
{
    struct unit_db *f = *state;
    assert_false(db_in_tx(f->cx.db));
    err_clear(&f->cx.err);
    assert_int_equal(ctx_begin(&f->cx, CTX_READ), ERR_OK);
    assert_true(db_in_tx(f->cx.db)); /* SQLite: a read transaction */
    assert_int_equal(ctx_end(&f->cx, ERR_OK), ERR_OK);
    assert_false(db_in_tx(f->cx.db));

    /* a writing unit opens nothing up front; what it left open is undone */
    assert_int_equal(ctx_begin(&f->cx, CTX_WRITE), ERR_OK);
    assert_false(db_in_tx(f->cx.db));
    assert_int_equal(db_begin_write(f->cx.db, &f->cx.err), ERR_OK);
    unit_sql(&f->cx, "INSERT INTO branches (version, created_at, updated_at, name, timezone)\n"
                     "VALUES (1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'Брошенный',\n"
                     "        'Europe/Moscow')");
    assert_int_equal(ctx_end(&f->cx, ERR_INVALID), ERR_INVALID);
    assert_false(db_in_tx(f->cx.db));
    assert_int_equal(unit_i64(&f->cx, "SELECT COUNT(*) FROM branches WHERE name = 'Брошенный'"), 0);
}

int main(void)
{
    auth_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_password_is_hashed_before_the_write_transaction,
                                        unit_db_setup, unit_db_teardown),
        cmocka_unit_test_setup_teardown(a_password_that_fails_validation_is_not_hashed,
                                        unit_db_setup, unit_db_teardown),
        cmocka_unit_test_setup_teardown(
            a_read_unit_of_work_reads_in_one_snapshot_and_ends_with_nothing_open, unit_db_setup,
            unit_db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
