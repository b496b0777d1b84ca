/* test_auth_audit.c — unit tests of core/auth (passwords, token digests,
 * sessions, API tokens, the login rate limit), core/audit (the hash chain and
 * its verification) and core/perm (roles), on a real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/timeutil.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/entity.h"
#include "core/jobs.h"
#include "core/perm.h"
#include "domain/registry/registry.h"

#include "unit.h"

#define F_OF(state) ((struct unit_db *)*(state))

/* ---- passwords and digests ------------------------------------------------------- */

static void password_hash_is_argon2id_and_verifies_only_the_right_password(void **state)
{
    (void)state;
    char h1[AUTH_HASH_LEN], h2[AUTH_HASH_LEN];
    auth_password_hash("correct horse battery", h1);
    auth_password_hash("correct horse battery", h2);
    assert_memory_equal(h1, "$argon2id$", 10);
    assert_string_not_equal(h1, h2); /* a new salt every time */
    assert_true(auth_password_verify(h1, "correct horse battery"));
    assert_true(auth_password_verify(h2, "correct horse battery"));
    assert_false(auth_password_verify(h1, "correct horse batter"));
    assert_false(auth_password_verify(h1, "Correct horse battery"));
    assert_false(auth_password_verify(h1, ""));
    assert_false(auth_password_verify("not a hash", "correct horse battery"));
    assert_false(auth_password_verify("", ""));

    auth_password_hash("пароль с кириллицей ё", h1);
    assert_true(auth_password_verify(h1, "пароль с кириллицей ё"));
    assert_false(auth_password_verify(h1, "пароль с кириллицей е"));
}

static void token_digest_is_a_stable_lowercase_sha256(void **state)
{
    (void)state;
    char d1[65], d2[65];
    auth_token_digest("abc", d1);
    assert_string_equal(d1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    auth_token_digest("", d1);
    assert_string_equal(d1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    auth_token_digest("svt_some-token", d1);
    auth_token_digest("svt_some-token", d2);
    assert_string_equal(d1, d2);
    assert_int_equal(strlen(d1), 64);
    for (int i = 0; i < 64; i++)
        assert_non_null(strchr("0123456789abcdef", d1[i]));
    auth_token_digest("svt_some-tokem", d2);
    assert_string_not_equal(d1, d2);
}

/* ---- sessions -------------------------------------------------------------------- */

static struct record *add_user(struct unit_db *f, const char *login, const char *password,
                               const char *role)
{
    struct record *in = record_new(&f->cx, &entity_users), *out = NULL;
    unit_set(in, "login", login);
    unit_set(in, "name", login);
    unit_set(in, "role", role);
    unit_set(in, "password", password);
    err_clear(&f->cx.err);
    if (entity_create(&f->cx, &entity_users, in, &out) != ERR_OK)
        fail_msg("adding user %s: %s", login, f->cx.err.message);
    return out;
}

static enum err_code login(struct unit_db *f, const char *user, const char *password,
                           struct session *s)
{
    struct user *u;
    err_clear(&f->cx.err);
    return auth_login(&f->cx, user, password, &u, s);
}

static enum err_code session_of(struct unit_db *f, const char *token, struct user **u)
{
    struct session s;
    err_clear(&f->cx.err);
    return auth_session(&f->cx, token, u, &s);
}

static int64_t count_sessions(struct unit_db *f)
{
    return unit_i64(&f->cx, "SELECT COUNT(*) FROM sessions");
}

static void login_opens_a_session_that_logout_ends(void **state)
{
    struct unit_db *f = F_OF(state);
    struct record *rec = add_user(f, "ivanov", "верный пароль", "manager");
    struct user *u = NULL;
    struct session s;
    err_clear(&f->cx.err);
    assert_int_equal(auth_login(&f->cx, "ivanov", "верный пароль", &u, &s), ERR_OK);
    assert_non_null(u);
    assert_int_equal(u->id, rec->id);
    assert_string_equal(u->login, "ivanov");
    assert_string_equal(u->role, "manager");
    assert_memory_equal(&u->perms, &role_find("manager")->perms, sizeof(u->perms));
    assert_int_equal(strlen(s.token), 43); /* 256 bits, base64 */
    assert_int_equal(strlen(s.csrf), 43);
    assert_string_not_equal(s.token, s.csrf);

    /* only the digest is stored */
    char digest[65];
    auth_token_digest(s.token, digest);
    struct db_stmt *st =
        db_q(f->cx.db, &f->cx.err, "SELECT token_hash, user_id, address FROM sessions", "");
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), digest);
    assert_int_equal(db_col_i64(st, 1), rec->id);
    assert_string_equal(db_col_text(st, 2), "192.0.2.1");
    assert_int_equal(db_step(st), DB_DONE);
    db_done(st);

    struct user *again;
    struct session s2;
    err_clear(&f->cx.err);
    assert_int_equal(auth_session(&f->cx, s.token, &again, &s2), ERR_OK);
    assert_int_equal(again->id, rec->id);
    assert_string_equal(s2.csrf, s.csrf);
    assert_string_equal(s2.token, ""); /* the token is only handed out at login */

    /* a second login is a second session */
    struct session other;
    assert_int_equal(login(f, "ivanov", "верный пароль", &other), ERR_OK);
    assert_string_not_equal(other.token, s.token);
    assert_int_equal(count_sessions(f), 2);

    err_clear(&f->cx.err);
    assert_int_equal(auth_logout(&f->cx, s.token), ERR_OK);
    assert_int_equal(session_of(f, s.token, &again), ERR_AUTH);
    assert_int_equal(session_of(f, other.token, &again), ERR_OK);
}

static void wrong_password_unknown_login_and_unknown_token_are_refused(void **state)
{
    struct unit_db *f = F_OF(state);
    add_user(f, "petrov", "верный пароль", "sales");
    struct session s;
    assert_int_equal(login(f, "petrov", "неверный пароль", &s), ERR_AUTH);
    assert_int_equal(login(f, "petrov", "", &s), ERR_AUTH);
    assert_int_equal(login(f, "PETROV", "верный пароль", &s), ERR_AUTH);
    assert_int_equal(login(f, "nobody", "верный пароль", &s), ERR_AUTH);
    assert_int_equal(login(f, "", "", &s), ERR_AUTH);
    /* the same answer for an unknown login and a wrong password */
    assert_string_equal(f->cx.err.message, "wrong login or password");
    assert_int_equal(count_sessions(f), 0);
    struct user *u;
    assert_int_equal(session_of(f, "no-such-token", &u), ERR_AUTH);
    assert_int_equal(session_of(f, "", &u), ERR_AUTH);
}

/* Refused at once; their rows go with the cleanup job (a request may be
 * reading in a snapshot, and writes nothing for its session). */
static void expired_and_idle_sessions_are_refused_and_removed(void **state)
{
    struct unit_db *f = F_OF(state);
    add_user(f, "sidorov", "верный пароль", "technician");
    struct session a, b;
    assert_int_equal(login(f, "sidorov", "верный пароль", &a), ERR_OK);
    assert_int_equal(login(f, "sidorov", "верный пароль", &b), ERR_OK);
    char da[65], db[65];
    auth_token_digest(a.token, da);
    auth_token_digest(b.token, db);
    int64_t now = time_now();
    err_clear(&f->cx.err);
    assert_int_equal(db_run(f->cx.db, &f->cx.err,
                            "UPDATE sessions SET expires_at = $2 WHERE token_hash = $1", "ti", da,
                            now - 1),
                     ERR_OK);
    assert_int_equal(db_run(f->cx.db, &f->cx.err,
                            "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1", "ti", db,
                            now - 14 * 3600),
                     ERR_OK);
    struct user *u;
    assert_int_equal(session_of(f, a.token, &u), ERR_AUTH);
    assert_int_equal(session_of(f, b.token, &u), ERR_AUTH);
    assert_int_equal(session_of(f, b.token, &u), ERR_AUTH); /* and stays refused */
    err_clear(&f->cx.err);
    assert_int_equal(jobs_sessions_cleanup(&f->cx), ERR_OK);
    assert_int_equal(count_sessions(f), 0);
}

static void a_used_session_is_kept_alive(void **state)
{
    struct unit_db *f = F_OF(state);
    add_user(f, "alive", "верный пароль", "technician");
    struct session s;
    assert_int_equal(login(f, "alive", "верный пароль", &s), ERR_OK);
    int64_t now = time_now();
    err_clear(&f->cx.err);
    db_run(f->cx.db, &f->cx.err, "UPDATE sessions SET last_seen_at = $1", "i", now - 3600);
    struct user *u;
    assert_int_equal(session_of(f, s.token, &u), ERR_OK);
    /* a read writes nothing: the use is noted, written by the jobs thread */
    assert_int_equal(unit_i64(&f->cx, "SELECT last_seen_at FROM sessions"), now - 3600);
    assert_int_equal(auth_session_pending(), 1);
    err_clear(&f->cx.err);
    assert_int_equal(auth_session_flush(&f->cx), ERR_OK);
    assert_int_equal(auth_session_pending(), 0);
    assert_true(unit_i64(&f->cx, "SELECT last_seen_at FROM sessions") >= now);
}

static void deactivation_and_a_new_password_end_the_users_sessions(void **state)
{
    struct unit_db *f = F_OF(state);
    struct record *rec = add_user(f, "leaver", "старый пароль", "sales"), *out;
    struct session s;
    assert_int_equal(login(f, "leaver", "старый пароль", &s), ERR_OK);

    struct record *patch = record_new(&f->cx, &entity_users);
    unit_set(patch, "password", "новый пароль");
    err_clear(&f->cx.err);
    assert_int_equal(entity_update(&f->cx, &entity_users, rec->id, 1, patch, &out), ERR_OK);
    struct user *u;
    assert_int_equal(session_of(f, s.token, &u), ERR_AUTH);
    assert_int_equal(login(f, "leaver", "старый пароль", &s), ERR_AUTH);
    assert_int_equal(login(f, "leaver", "новый пароль", &s), ERR_OK);

    patch = record_new(&f->cx, &entity_users);
    unit_seti(patch, "active", 0);
    err_clear(&f->cx.err);
    assert_int_equal(entity_update(&f->cx, &entity_users, rec->id, 2, patch, &out), ERR_OK);
    assert_int_equal(session_of(f, s.token, &u), ERR_AUTH);
    assert_int_equal(count_sessions(f), 0);
    assert_int_equal(login(f, "leaver", "новый пароль", &s), ERR_AUTH); /* inactive */
}

static void a_session_of_an_inactive_user_is_refused(void **state)
{
    struct unit_db *f = F_OF(state);
    add_user(f, "dormant", "верный пароль", "sales");
    struct session s;
    assert_int_equal(login(f, "dormant", "верный пароль", &s), ERR_OK);
    /* deactivated behind the entity layer's back (no sessions ended) */
    unit_sql(&f->cx, "UPDATE users SET active = 0 WHERE login = 'dormant'");
    struct user *u;
    assert_int_equal(session_of(f, s.token, &u), ERR_AUTH);
    assert_int_equal(session_of(f, s.token, &u), ERR_AUTH);
}

static void users_cannot_lock_themselves_out(void **state)
{
    struct unit_db *f = F_OF(state);
    struct record *rec = add_user(f, "selfie", "верный пароль", "admin"), *out;
    struct user me = {.id = rec->id,
                      .login = "selfie",
                      .name = "selfie",
                      .role = "admin",
                      .perms = role_find("admin")->perms};
    f->cx.user = &me;
    struct record *patch = record_new(&f->cx, &entity_users);
    unit_seti(patch, "active", 0);
    err_clear(&f->cx.err);
    assert_int_equal(entity_update(&f->cx, &entity_users, rec->id, 1, patch, &out), ERR_INVALID);
    assert_string_equal(unit_field_error(&f->cx, "active"), "invalid");
    patch = record_new(&f->cx, &entity_users);
    unit_set(patch, "role", "sales");
    err_clear(&f->cx.err);
    assert_int_equal(entity_update(&f->cx, &entity_users, rec->id, 1, patch, &out), ERR_INVALID);
    assert_string_equal(unit_field_error(&f->cx, "role"), "invalid");
    f->cx.user = &f->admin; /* someone else may */
    err_clear(&f->cx.err);
    assert_int_equal(entity_update(&f->cx, &entity_users, rec->id, 1, patch, &out), ERR_OK);
}

/* ---- the login rate limit ------------------------------------------------------------ */

static void ten_failures_block_the_login_even_for_the_right_password(void **state)
{
    struct unit_db *f = F_OF(state);
    add_user(f, "target", "верный пароль", "manager");
    struct session s;
    f->cx.remote_addr = "198.51.100.1";
    for (int i = 0; i < 10; i++)
        assert_int_equal(login(f, "target", "угадываю", &s), ERR_AUTH);
    assert_int_equal(login(f, "target", "верный пароль", &s), ERR_LIMITED);
    assert_true(f->cx.err.retry_after >= 1 && f->cx.err.retry_after <= 300);
    assert_int_equal(count_sessions(f), 0);
    /* other logins are not affected */
    add_user(f, "bystander", "верный пароль", "sales");
    assert_int_equal(login(f, "bystander", "верный пароль", &s), ERR_OK);
    /* the block is for that address: the owner elsewhere is let in */
    f->cx.remote_addr = "198.51.100.200";
    assert_int_equal(login(f, "target", "верный пароль", &s), ERR_OK);
    /* the block ends */
    f->cx.remote_addr = "198.51.100.1";
    err_clear(&f->cx.err);
    db_run(f->cx.db, &f->cx.err, "UPDATE rate_limits SET blocked_until = $1", "i", time_now() - 1);
    assert_int_equal(login(f, "target", "верный пароль", &s), ERR_OK);
}

static void thirty_failures_from_one_address_block_the_address(void **state)
{
    struct unit_db *f = F_OF(state);
    add_user(f, "victim", "верный пароль", "manager");
    struct session s;
    f->cx.remote_addr = "203.0.113.9";
    for (int i = 0; i < 30; i++)
        assert_int_equal(login(f, arena_printf(&f->a, "guess%d", i), "x", &s), ERR_AUTH);
    assert_int_equal(login(f, "victim", "верный пароль", &s), ERR_LIMITED);
    f->cx.remote_addr = "203.0.113.10";
    assert_int_equal(login(f, "victim", "верный пароль", &s), ERR_OK);
}

static void nine_failures_are_not_yet_a_block(void **state)
{
    struct unit_db *f = F_OF(state);
    add_user(f, "careful", "верный пароль", "manager");
    struct session s;
    for (int i = 0; i < 9; i++)
        assert_int_equal(login(f, "careful", "опечатка", &s), ERR_AUTH);
    f->cx.remote_addr = "192.0.2.99";
    assert_int_equal(login(f, "careful", "верный пароль", &s), ERR_OK);
}

static void a_successful_login_forgets_the_logins_failures(void **state)
{
    struct unit_db *f = F_OF(state);
    add_user(f, "forgetful", "верный пароль", "manager");
    struct session s;
    f->cx.remote_addr = "192.0.2.10";
    for (int i = 0; i < 9; i++)
        assert_int_equal(login(f, "forgetful", "опечатка", &s), ERR_AUTH);
    f->cx.remote_addr = "192.0.2.11";
    assert_int_equal(login(f, "forgetful", "верный пароль", &s), ERR_OK);
    f->cx.remote_addr = "192.0.2.12";
    for (int i = 0; i < 9; i++)
        assert_int_equal(login(f, "forgetful", "опечатка", &s), ERR_AUTH);
    f->cx.remote_addr = "192.0.2.13";
    assert_int_equal(login(f, "forgetful", "верный пароль", &s), ERR_OK);
}

/* ---- API tokens -------------------------------------------------------------------- */

static void api_token_finds_its_user_until_the_user_is_deactivated(void **state)
{
    struct unit_db *f = F_OF(state);
    struct record *rec = add_user(f, "robot", "верный пароль", "sales"), *out;
    int64_t id;
    const char *token;
    err_clear(&f->cx.err);
    assert_int_equal(db_begin_write(f->cx.db, &f->cx.err), ERR_OK);
    assert_int_equal(auth_token_create(&f->cx, "1С", rec->id, "full", 0, &id, &token), ERR_OK);
    assert_int_equal(db_commit(f->cx.db, &f->cx.err), ERR_OK);
    assert_memory_equal(token, "svt_", 4);
    char digest[65];
    auth_token_digest(token, digest);
    struct db_stmt *st = db_q(f->cx.db, &f->cx.err,
                              "SELECT token_hash, prefix FROM api_tokens WHERE id = $1", "i", id);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_col_text(st, 0), digest);
    assert_int_equal(strlen(db_col_text(st, 1)), 8);
    assert_memory_equal(db_col_text(st, 1), token, 8);
    db_done(st);

    struct user *u;
    err_clear(&f->cx.err);
    assert_int_equal(auth_bearer(&f->cx, token, &u), ERR_OK);
    assert_int_equal(u->id, rec->id);
    assert_memory_equal(&u->perms, &role_find("sales")->perms, sizeof(u->perms));
    err_clear(&f->cx.err);
    assert_int_equal(auth_bearer(&f->cx, "svt_wrong", &u), ERR_AUTH);
    /* a session token is no API token */
    struct session s;
    assert_int_equal(login(f, "robot", "верный пароль", &s), ERR_OK);
    err_clear(&f->cx.err);
    assert_int_equal(auth_bearer(&f->cx, s.token, &u), ERR_AUTH);

    struct record *patch = record_new(&f->cx, &entity_users);
    unit_seti(patch, "active", 0);
    err_clear(&f->cx.err);
    assert_int_equal(entity_update(&f->cx, &entity_users, rec->id, 1, patch, &out), ERR_OK);
    err_clear(&f->cx.err);
    assert_int_equal(auth_bearer(&f->cx, token, &u), ERR_AUTH);
}

/* ---- the audit chain ------------------------------------------------------------------- */

static void append(struct unit_db *f, const char *action, int64_t record_id, const char *before,
                   const char *after)
{
    err_clear(&f->cx.err);
    assert_int_equal(db_begin_write(f->cx.db, &f->cx.err), ERR_OK);
    if (audit_append(&f->cx, action, "clients", record_id, before, after) != ERR_OK)
        fail_msg("audit_append: %s", f->cx.err.message);
    assert_int_equal(db_commit(f->cx.db, &f->cx.err), ERR_OK);
}

/* Six entries by two users and the system; a copy is kept to restore. */
static void six_entries(struct unit_db *f)
{
    struct user tech = {.id = 5, .login = "техник", .name = "T", .role = "technician"};
    append(f, "create", 1, NULL, "{\"name\":\"Один\"}");
    append(f, "update", 1, "{\"name\":\"Один\"}", "{\"name\":\"Одна\"}");
    f->cx.user = &tech;
    append(f, "create", 2, NULL, "{\"name\":\"Два\"}");
    append(f, "assign", 2, "{}", "{}");
    f->cx.user = NULL; /* the system */
    append(f, "delete", 1, "{\"name\":\"Одна\"}", NULL);
    f->cx.user = &f->admin;
    append(f, "create", 3, NULL, "");
    unit_sql(&f->cx, "CREATE TABLE audit_copy AS SELECT * FROM audit_log");
}

static void restore(struct unit_db *f)
{
    unit_sql(&f->cx, "DELETE FROM audit_log;\n"
                     "INSERT INTO audit_log SELECT * FROM audit_copy");
}

static enum err_code verify(struct unit_db *f, int64_t *checked, int64_t *bad)
{
    err_clear(&f->cx.err);
    return audit_verify(&f->cx, checked, bad);
}

static void audit_chain_of_appended_entries_verifies(void **state)
{
    struct unit_db *f = F_OF(state);
    int64_t checked, bad;
    assert_int_equal(verify(f, &checked, &bad), ERR_OK); /* an empty log */
    assert_int_equal(checked, 0);
    six_entries(f);
    assert_int_equal(verify(f, &checked, &bad), ERR_OK);
    assert_int_equal(checked, 6);
    assert_int_equal(bad, 0);
    /* ids without gaps; each entry names the one before */
    assert_int_equal(unit_i64(&f->cx, "SELECT COUNT(*) FROM audit_log a\n"
                                      "JOIN audit_log b ON b.id = a.id - 1\n"
                                      "WHERE a.prev_hash = b.hash"),
                     5);
    assert_int_equal(unit_i64(&f->cx, "SELECT COUNT(*) FROM audit_log\n"
                                      "WHERE id = 1 AND prev_hash = '" /* the zero hash */
                                      "0000000000000000000000000000000000000000000000000000000000"
                                      "000000'"),
                     1);
    assert_int_equal(unit_i64(&f->cx, "SELECT COUNT(*) FROM audit_log\n"
                                      "WHERE id = 5 AND user_id = 0 AND user_login = 'system'"),
                     1);
    assert_int_equal(unit_i64(&f->cx, "SELECT last_id FROM audit_head"), 6);
}

static void audit_verify_names_an_edited_entry(void **state)
{
    struct unit_db *f = F_OF(state);
    six_entries(f);
    const char *edits[] = {
        "UPDATE audit_log SET after = '{\"name\":\"Подделка\"}' WHERE id = 3",
        "UPDATE audit_log SET after = NULL WHERE id = 3",
        "UPDATE audit_log SET before = '' WHERE id = 3", /* NULL → "" */
        "UPDATE audit_log SET at = '2020-01-01T00:00:00Z' WHERE id = 3",
        "UPDATE audit_log SET user_id = 6 WHERE id = 3",
        "UPDATE audit_log SET user_login = 'admin' WHERE id = 3",
        "UPDATE audit_log SET user_login = NULL WHERE id = 3",
        "UPDATE audit_log SET action = 'delete' WHERE id = 3",
        "UPDATE audit_log SET entity = 'users' WHERE id = 3",
        "UPDATE audit_log SET record_id = 4 WHERE id = 3",
        "UPDATE audit_log SET hash = lower(hex(randomblob(32))) WHERE id = 3",
        "UPDATE audit_log SET prev_hash = (SELECT hash FROM audit_log WHERE id = 1) WHERE id = 3",
    };
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        unit_sql(&f->cx, edits[i]);
        int64_t checked, bad;
        if (verify(f, &checked, &bad) != ERR_CONFLICT)
            fail_msg("not detected: %s", edits[i]);
        assert_int_equal(bad, 3);
        assert_int_equal(checked, 2);
        assert_non_null(strstr(f->cx.err.message, "entry 3"));
        restore(f);
        assert_int_equal(verify(f, &checked, &bad), ERR_OK);
    }
}

static void audit_verify_catches_an_entry_rewritten_with_a_fresh_hash(void **state)
{
    struct unit_db *f = F_OF(state);
    six_entries(f);
    /* the forger changes entry 3 and recomputes its own hash: entry 4 still
     * names the old one */
    struct db_stmt *st = db_q(f->cx.db, &f->cx.err,
                              "SELECT prev_hash, at, user_id, user_login, action, entity,\n"
                              "       record_id, before\n"
                              "FROM audit_log WHERE id = 3",
                              "");
    assert_int_equal(db_step(st), DB_ROW);
    char hash[AUDIT_HASH_LEN];
    audit_hash(db_col_text(st, 0), 3, db_col_text(st, 1), db_col_i64(st, 2), db_col_text(st, 3),
               db_col_text(st, 4), db_col_text(st, 5), db_col_i64(st, 6), db_col_text(st, 7),
               "{\"name\":\"Подделка\"}", hash);
    db_done(st);
    err_clear(&f->cx.err);
    assert_int_equal(db_run(f->cx.db, &f->cx.err,
                            "UPDATE audit_log SET after = $1, hash = $2 WHERE id = 3", "tt",
                            "{\"name\":\"Подделка\"}", hash),
                     ERR_OK);
    int64_t checked, bad;
    assert_int_equal(verify(f, &checked, &bad), ERR_CONFLICT);
    assert_int_equal(bad, 4);
    assert_non_null(strstr(f->cx.err.message, "entry 4"));
}

static void audit_verify_detects_deleted_entries_at_the_end_and_in_the_middle(void **state)
{
    struct unit_db *f = F_OF(state);
    six_entries(f);
    int64_t checked, bad;
    unit_sql(&f->cx, "DELETE FROM audit_log WHERE id = 6");
    assert_int_equal(verify(f, &checked, &bad), ERR_CONFLICT);
    assert_int_equal(bad, 6);
    assert_int_equal(checked, 5);
    assert_non_null(strstr(f->cx.err.message, "deleted"));

    unit_sql(&f->cx, "DELETE FROM audit_log WHERE id >= 4");
    assert_int_equal(verify(f, &checked, &bad), ERR_CONFLICT);
    assert_int_equal(bad, 4);

    restore(f);
    unit_sql(&f->cx, "DELETE FROM audit_log WHERE id = 2");
    assert_int_equal(verify(f, &checked, &bad), ERR_CONFLICT);
    assert_int_equal(bad, 2);
    assert_non_null(strstr(f->cx.err.message, "entry 2 is missing"));

    restore(f);
    unit_sql(&f->cx, "DELETE FROM audit_log");
    assert_int_equal(verify(f, &checked, &bad), ERR_CONFLICT); /* the head remembers 6 */
    assert_int_equal(bad, 1);
}

static void audit_verify_detects_an_entry_added_behind_the_heads_back(void **state)
{
    struct unit_db *f = F_OF(state);
    six_entries(f);
    char prev[AUDIT_HASH_LEN], hash[AUDIT_HASH_LEN];
    struct db_stmt *st = db_q(f->cx.db, &f->cx.err, "SELECT hash FROM audit_log WHERE id = 6", "");
    assert_int_equal(db_step(st), DB_ROW);
    snprintf(prev, sizeof(prev), "%s", db_col_text(st, 0));
    db_done(st);
    audit_hash(prev, 7, "2026-01-01T00:00:00Z", 0, "system", "create", "clients", 9, NULL, "{}",
               hash);
    err_clear(&f->cx.err);
    assert_int_equal(
        db_run(f->cx.db, &f->cx.err,
               "INSERT INTO audit_log (id, at, user_id, user_login, action, entity, record_id,\n"
               "                       before, after, prev_hash, hash)\n"
               "VALUES (7, '2026-01-01T00:00:00Z', 0, 'system', 'create', 'clients', 9,\n"
               "        NULL, '{}', $1, $2)",
               "tt", prev, hash),
        ERR_OK);
    int64_t checked, bad;
    assert_int_equal(verify(f, &checked, &bad), ERR_CONFLICT);
    assert_int_equal(checked, 7); /* the chain itself is whole… */
    assert_int_equal(bad, 7);     /* …but the head names entry 6: 7 is not covered */
}

static void audit_appends_continue_the_chain_after_verification(void **state)
{
    struct unit_db *f = F_OF(state);
    six_entries(f);
    int64_t checked, bad;
    assert_int_equal(verify(f, &checked, &bad), ERR_OK);
    append(f, "update", 3, "", "{}");
    assert_int_equal(verify(f, &checked, &bad), ERR_OK);
    assert_int_equal(checked, 7);
}

static void audit_hash_changes_when_any_field_changes(void **state)
{
    (void)state;
    const char *prev = "0000000000000000000000000000000000000000000000000000000000000000";
    char base[AUDIT_HASH_LEN], h[AUDIT_HASH_LEN];
    audit_hash(prev, 7, "2026-11-27T09:15:00Z", 3, "ivanov", "update", "clients", 42, "{\"a\":1}",
               "{\"a\":2}", base);
    assert_int_equal(strlen(base), 64);
    audit_hash(prev, 7, "2026-11-27T09:15:00Z", 3, "ivanov", "update", "clients", 42, "{\"a\":1}",
               "{\"a\":2}", h);
    assert_string_equal(h, base); /* deterministic */

    char other_prev[] = "1000000000000000000000000000000000000000000000000000000000000000";
#define DIFFERS(...)                                                                               \
    do {                                                                                           \
        audit_hash(__VA_ARGS__, h);                                                                \
        if (strcmp(h, base) == 0)                                                                  \
            fail_msg("same hash for: %s", #__VA_ARGS__);                                           \
    } while (0)
    DIFFERS(other_prev, 7, "2026-11-27T09:15:00Z", 3, "ivanov", "update", "clients", 42,
            "{\"a\":1}", "{\"a\":2}");
    DIFFERS(prev, 8, "2026-11-27T09:15:00Z", 3, "ivanov", "update", "clients", 42, "{\"a\":1}",
            "{\"a\":2}");
    DIFFERS(prev, 7, "2026-11-27T09:15:01Z", 3, "ivanov", "update", "clients", 42, "{\"a\":1}",
            "{\"a\":2}");
    DIFFERS(prev, 7, "2026-11-27T09:15:00Z", 4, "ivanov", "update", "clients", 42, "{\"a\":1}",
            "{\"a\":2}");
    DIFFERS(prev, 7, "2026-11-27T09:15:00Z", 3, "petrov", "update", "clients", 42, "{\"a\":1}",
            "{\"a\":2}");
    DIFFERS(prev, 7, "2026-11-27T09:15:00Z", 3, "ivanov", "delete", "clients", 42, "{\"a\":1}",
            "{\"a\":2}");
    DIFFERS(prev, 7, "2026-11-27T09:15:00Z", 3, "ivanov", "update", "users", 42, "{\"a\":1}",
            "{\"a\":2}");
    DIFFERS(prev, 7, "2026-11-27T09:15:00Z", 3, "ivanov", "update", "clients", 43, "{\"a\":1}",
            "{\"a\":2}");
    DIFFERS(prev, 7, "2026-11-27T09:15:00Z", 3, "ivanov", "update", "clients", 42, "{\"a\":3}",
            "{\"a\":2}");
    DIFFERS(prev, 7, "2026-11-27T09:15:00Z", 3, "ivanov", "update", "clients", 42, "{\"a\":1}",
            "{\"a\":3}");
    DIFFERS(prev, 7, "2026-11-27T09:15:00Z", 3, "ivanov", "update", "clients", 42, NULL,
            "{\"a\":2}");
    DIFFERS(prev, 7, "2026-11-27T09:15:00Z", 3, "ivanov", "update", "clients", 42, "{\"a\":1}",
            NULL);
    DIFFERS(prev, 7, "2026-11-27T09:15:00Z", 3, NULL, "update", "clients", 42, "{\"a\":1}",
            "{\"a\":2}");
#undef DIFFERS
}

static void audit_hash_has_no_ambiguity_between_adjacent_fields(void **state)
{
    (void)state;
    char a[AUDIT_HASH_LEN], b[AUDIT_HASH_LEN];
    /* "ab"+"c" vs "a"+"bc" in every pair of neighbouring text fields */
    audit_hash("p", 1, "t", 1, "ab", "c", "e", 1, NULL, "{}", a);
    audit_hash("p", 1, "t", 1, "a", "bc", "e", 1, NULL, "{}", b);
    assert_string_not_equal(a, b);
    audit_hash("p", 1, "t", 1, "u", "ab", "c", 1, NULL, "{}", a);
    audit_hash("p", 1, "t", 1, "u", "a", "bc", 1, NULL, "{}", b);
    assert_string_not_equal(a, b);
    audit_hash("p", 1, "t", 1, "u", "x", "e", 1, "ab", "c", a);
    audit_hash("p", 1, "t", 1, "u", "x", "e", 1, "a", "bc", b);
    assert_string_not_equal(a, b);
    /* numbers beside text: id 12 + at "3" vs id 1 + at "23" */
    audit_hash("p", 12, "3", 1, "u", "x", "e", 1, NULL, "{}", a);
    audit_hash("p", 1, "23", 1, "u", "x", "e", 1, NULL, "{}", b);
    assert_string_not_equal(a, b);
    /* a length prefix inside a value cannot fake a boundary */
    audit_hash("p", 1, "t", 1, "a", "1:b", "e", 1, NULL, "{}", a);
    audit_hash("p", 1, "t", 1, "a1:b", "", "e", 1, NULL, "{}", b);
    assert_string_not_equal(a, b);
    /* NULL differs from "" and from the text "-|" */
    audit_hash("p", 1, "t", 1, "u", "x", "e", 1, NULL, "{}", a);
    audit_hash("p", 1, "t", 1, "u", "x", "e", 1, "", "{}", b);
    assert_string_not_equal(a, b);
    audit_hash("p", 1, "t", 1, "u", "x", "e", 1, "-|", "{}", b);
    assert_string_not_equal(a, b);
    /* before and after swapped */
    audit_hash("p", 1, "t", 1, "u", "x", "e", 1, "{}", NULL, b);
    assert_string_not_equal(a, b);
}

/* ---- roles ------------------------------------------------------------------------- */

static void every_role_name_has_a_role_and_admin_holds_every_permission(void **state)
{
    (void)state;
    int n = 0;
    for (int i = 0; role_names[i]; i++, n++) {
        const struct role *r = role_find(role_names[i]);
        assert_non_null(r);
        assert_string_equal(r->name, role_names[i]);
    }
    int nroles = 0;
    for (const struct role *r = roles; r->name; r++)
        nroles++;
    assert_int_equal(n, nroles);
    assert_null(role_find("root"));
    assert_null(role_find("Admin"));
    assert_null(role_find(""));
    const struct role *admin = role_find("admin");
    for (int p = 1; p < P__COUNT; p++)
        assert_true(perms_has(&admin->perms, (enum perm)p));
    assert_string_equal(perm_name(P_CLIENTS_READ), "clients.read");
    assert_string_equal(perm_name(P_AUDIT_READ), "audit.read");
    assert_string_equal(perm_name(P_DESK_SETTINGS), "desk.settings");
    assert_string_equal(perm_name((enum perm) - 1), "?");
    assert_string_equal(perm_name(P__COUNT), "?");
    for (int p = 1; p < P__COUNT; p++) {
        assert_int_equal(perm_find(perm_name((enum perm)p)), p);
        assert_non_null(strchr(perm_name((enum perm)p), '.')); /* "module.action" */
        for (int other = p + 1; other < P__COUNT; other++)
            assert_string_not_equal(perm_name((enum perm)p), perm_name((enum perm)other));
    }
    assert_int_equal(perm_find("clients.nothing"), P_NONE);
}

static void roles_grant_what_their_work_needs_and_no_more(void **state)
{
    (void)state;
    const struct perms *auditor = &role_find("auditor")->perms;
    assert_true(perms_has(auditor, P_AUDIT_READ));
    assert_false(perms_has(auditor, P_CLIENTS_WRITE) || perms_has(auditor, P_USERS_WRITE) ||
                 perms_has(auditor, P_TOKENS_MANAGE));
    const struct perms *tech = &role_find("technician")->perms;
    assert_true(perms_has(tech, P_REQUESTS_WORK));
    assert_false(perms_has(tech, P_CLIENTS_DELETE) || perms_has(tech, P_REQUESTS_ASSIGN) ||
                 perms_has(tech, P_AUDIT_READ) || perms_has(tech, P_USERS_READ));
    const struct perms *store = &role_find("storekeeper")->perms;
    assert_false(perms_has(store, P_CLIENTS_WRITE) || perms_has(store, P_EQUIPMENT_WRITE) ||
                 perms_has(store, P_REQUESTS_WRITE));
    for (const struct role *r = roles; r->name; r++)
        if (strcmp(r->name, "admin") != 0)
            assert_false(
                perms_has(&r->perms, P_USERS_WRITE) || perms_has(&r->perms, P_TOKENS_MANAGE) ||
                perms_has(&r->perms, P_BRANCHES_WRITE) || perms_has(&r->perms, P_DESK_SETTINGS));
    /* routing rules: who assigned requests before they had their own right */
    for (const struct role *r = roles; r->name; r++)
        assert_int_equal(perms_has(&r->perms, P_DESK_ROUTING),
                         perms_has(&r->perms, P_REQUESTS_ASSIGN));
    /* a context without a user can do only what needs nothing */
    struct ctx cx = {0};
    assert_true(ctx_can(&cx, P_NONE));
    assert_false(ctx_can(&cx, P_CLIENTS_READ));
    struct user u = {.perms = {{[P_CLIENTS_READ] = 1}}};
    cx.user = &u;
    assert_true(ctx_can(&cx, P_CLIENTS_READ));
    assert_false(ctx_can(&cx, P_CLIENTS_WRITE));
    assert_false(ctx_can(&cx, P__COUNT)); /* outside the list: nobody */
}

int main(void)
{
    setenv("SERVITOR_PWHASH", "fast", 0);
    if (!auth_init())
        return 1;
#define DB_TEST(fn) cmocka_unit_test_setup_teardown(fn, unit_db_setup, unit_db_teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(password_hash_is_argon2id_and_verifies_only_the_right_password),
        cmocka_unit_test(token_digest_is_a_stable_lowercase_sha256),
        DB_TEST(login_opens_a_session_that_logout_ends),
        DB_TEST(wrong_password_unknown_login_and_unknown_token_are_refused),
        DB_TEST(expired_and_idle_sessions_are_refused_and_removed),
        DB_TEST(a_used_session_is_kept_alive),
        DB_TEST(deactivation_and_a_new_password_end_the_users_sessions),
        DB_TEST(a_session_of_an_inactive_user_is_refused),
        DB_TEST(users_cannot_lock_themselves_out),
        DB_TEST(ten_failures_block_the_login_even_for_the_right_password),
        DB_TEST(thirty_failures_from_one_address_block_the_address),
        DB_TEST(nine_failures_are_not_yet_a_block),
        DB_TEST(a_successful_login_forgets_the_logins_failures),
        DB_TEST(api_token_finds_its_user_until_the_user_is_deactivated),
        DB_TEST(audit_chain_of_appended_entries_verifies),
        DB_TEST(audit_verify_names_an_edited_entry),
        DB_TEST(audit_verify_catches_an_entry_rewritten_with_a_fresh_hash),
        DB_TEST(audit_verify_detects_deleted_entries_at_the_end_and_in_the_middle),
        DB_TEST(audit_verify_detects_an_entry_added_behind_the_heads_back),
        DB_TEST(audit_appends_continue_the_chain_after_verification),
        cmocka_unit_test(audit_hash_changes_when_any_field_changes),
        cmocka_unit_test(audit_hash_has_no_ambiguity_between_adjacent_fields),
        cmocka_unit_test(every_role_name_has_a_role_and_admin_holds_every_permission),
        cmocka_unit_test(roles_grant_what_their_work_needs_and_no_more),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
