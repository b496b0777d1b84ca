/* auth.c — passwords, sessions, API tokens and login rate limiting (core layer). */
#include "auth.h"

#include <jansson.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/settings.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "core/audit.h"
#include "core/perm.h"
#include "core/ratelimit.h"
#include "base/banned.h"

/* Login attempts are limited per login-and-address first: 10 a minute, then
 * that pair waits 5 min. An address trying many logins: 30 a minute. A login
 * is locked for everyone only at 100 attempts within 15 min (then for 15 min),
 * and even then an address with no recent failures for it may try: the owner
 * is not locked out by someone guessing from elsewhere. Successful attempts
 * are given back. */
static const struct rate_rule pair_rule = {.window = 60, .max = 10, .block = 300};
static const struct rate_rule addr_rule = {.window = 60, .max = 30, .block = 300};
static const struct rate_rule login_rule = {.window = 900, .max = 100, .block = 900};

/* Takes one attempt of each key before the password is hashed, so parallel
 * attempts never exceed the limits. */
static enum err_code login_take(struct ctx *cx, const char *kp, const char *ka, const char *kl,
                                int64_t now)
{
    enum err_code rc = db_begin_write(cx->db, &cx->err);
    if (rc != ERR_OK)
        return rc;
    bool fresh = false;
    rc = ratelimit_take(cx, kp, now, &pair_rule, &fresh);
    if (rc == ERR_OK)
        rc = ratelimit_take(cx, ka, now, &addr_rule, NULL);
    if (rc == ERR_OK) {
        rc = ratelimit_take(cx, kl, now, &login_rule, NULL);
        if (rc == ERR_LIMITED && fresh) {
            err_clear(&cx->err); /* locked for others, not for a clean address */
            rc = ERR_OK;
        }
    }
    if (rc != ERR_OK && rc != ERR_LIMITED) {
        db_rollback(cx->db);
        return rc;
    }
    struct err limited = cx->err;
    enum err_code cc = db_commit(cx->db, &cx->err);
    if (cc != ERR_OK)
        return cc;
    cx->err = limited;
    return rc;
}

static unsigned long long pw_ops;
static size_t pw_mem;
static int64_t session_idle = 12 * 3600;
static int64_t session_max = 7 * 24 * 3600;
static sem_t hash_slots; /* each Argon2id hash holds 64 MiB: two at once */
static char dummy_hash[AUTH_HASH_LEN];

bool auth_init(void)
{
    if (sodium_init() < 0)
        return false;
    if (strcmp(setting_text(SET_PWHASH), "fast") == 0) {
        pw_ops = crypto_pwhash_OPSLIMIT_MIN;
        pw_mem = crypto_pwhash_MEMLIMIT_MIN;
    } else {
        pw_ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
        pw_mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    }
    session_idle = setting_int(SET_SESSION_IDLE);
    session_max = setting_int(SET_SESSION_MAX);
    sem_init(&hash_slots, 0, 2);
    auth_password_hash("not a password of anyone", dummy_hash);
    return true;
}

void auth_password_hash(const char *password, char out[AUTH_HASH_LEN])
{
    sem_wait(&hash_slots);
    int rc = crypto_pwhash_str(out, password, strlen(password), pw_ops, pw_mem);
    sem_post(&hash_slots);
    if (rc != 0)
        die("password hashing ran out of memory");
}

bool auth_password_verify(const char *hash, const char *password)
{
    sem_wait(&hash_slots);
    bool ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    sem_post(&hash_slots);
    return ok;
}

void auth_token_digest(const char *token, char out[65])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, 65, d, sizeof(d));
}

static void random_token(char *out, size_t outlen, const char *prefix)
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    size_t p = strlcpy_(out, prefix, outlen);
    sodium_bin2base64(out + p, outlen - p, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static struct user *user_from_row(struct ctx *cx, struct db_stmt *st, int col)
{
    struct user *u = arena_alloc(cx->a, sizeof(*u));
    u->id = db_col_i64(st, col);
    u->login = arena_strdup(cx->a, db_col_text(st, col + 1));
    u->name = arena_strdup(cx->a, db_col_text(st, col + 2));
    u->role = arena_strdup(cx->a, db_col_text(st, col + 3));
    u->branch_id = db_col_null(st, col + 4) ? 0 : db_col_i64(st, col + 4);
    const struct role *r = role_find(u->role);
    if (r)
        u->perms = r->perms;
    /* company-wide roles (admin, auditor) ignore the setting */
    u->branch_scope = u->branch_id && db_col_i64(st, col + 6) != 0 && r && !r->company_wide;
    return u;
}

/* the columns of user_from_row; what a query selects after them starts at
 * USER_NCOLS */
#define USER_COLS  "u.id, u.login, u.name, u.role, u.branch_id, u.active, u.branch_scope"
#define USER_NCOLS 7

enum err_code auth_user_load(struct ctx *cx, int64_t id, struct user **user)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err, "SELECT " USER_COLS " FROM users u WHERE u.id = $1", "i", id);
    if (!st)
        return cx->err.code;
    int rc = db_step(st);
    if (rc == DB_ROW)
        *user = user_from_row(cx, st, 0);
    db_done(st);
    if (rc == DB_FAIL)
        return cx->err.code;
    return rc == DB_ROW ? ERR_OK : ctx_fail(cx, ERR_NOTFOUND, "user not found");
}

/* ---- sessions ------------------------------------------------------------ */

/* The last uses of sessions, noted in memory and written in one go by the
 * jobs thread (auth_session_flush): a request that only reads never writes
 * for its session, so it never waits for the group commit's writer nor for
 * a commit. The idle check reads what is noted here too. */
enum { TOUCH_MAX = 4096 };
static pthread_mutex_t touch_mu = PTHREAD_MUTEX_INITIALIZER;
static struct touch {
    char digest[65];
    int64_t at;
} touches[TOUCH_MAX];
static int ntouches;

/* Notes a use; false when the table is full (the caller writes it itself). */
static bool touch_note(const char *digest, int64_t at)
{
    bool noted = false;
    pthread_mutex_lock(&touch_mu);
    for (int i = 0; i < ntouches && !noted; i++)
        if (!strcmp(touches[i].digest, digest)) {
            if (touches[i].at < at)
                touches[i].at = at;
            noted = true;
        }
    if (!noted && ntouches < TOUCH_MAX) {
        strlcpy_(touches[ntouches].digest, digest, sizeof(touches[0].digest));
        touches[ntouches++].at = at;
        noted = true;
    }
    pthread_mutex_unlock(&touch_mu);
    return noted;
}

/* The last use noted and not yet written (0: none). */
static int64_t touch_find(const char *digest)
{
    int64_t at = 0;
    pthread_mutex_lock(&touch_mu);
    for (int i = 0; i < ntouches; i++)
        if (!strcmp(touches[i].digest, digest))
            at = touches[i].at;
    pthread_mutex_unlock(&touch_mu);
    return at;
}

int auth_session_pending(void)
{
    pthread_mutex_lock(&touch_mu);
    int n = ntouches;
    pthread_mutex_unlock(&touch_mu);
    return n;
}

enum err_code auth_session_flush(struct ctx *cx)
{
    pthread_mutex_lock(&touch_mu);
    int n = ntouches;
    struct touch *batch = n ? arena_alloc(cx->a, sizeof(*batch) * (size_t)n) : NULL;
    if (n)
        memcpy(batch, touches, sizeof(*batch) * (size_t)n);
    ntouches = 0;
    pthread_mutex_unlock(&touch_mu);
    if (!n)
        return ERR_OK;
    enum err_code rc = db_begin_write(cx->db, &cx->err);
    for (int i = 0; i < n && rc == ERR_OK; i++)
        rc = db_run(cx->db, &cx->err,
                    "UPDATE sessions SET last_seen_at = $2\n"
                    "WHERE token_hash = $1 AND last_seen_at < $2",
                    "ti", batch[i].digest, batch[i].at);
    if (rc == ERR_OK)
        return db_commit(cx->db, &cx->err);
    db_rollback(cx->db);
    for (int i = 0; i < n; i++) /* kept for the next time */
        touch_note(batch[i].digest, batch[i].at);
    return rc;
}

enum err_code auth_sessions_expire(struct ctx *cx, int64_t now)
{
    /* sessions idle past their limit are refused already; their rows go an
     * hour later, so that a last use another process has noted and not yet
     * written (its jobs thread writes it within a tick) is never lost */
    return db_run(cx->db, &cx->err,
                  "DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $1 - $2", "ii", now,
                  session_idle + 3600);
}

enum err_code auth_login(struct ctx *cx, const char *login, const char *password,
                         struct user **user, struct session *s)
{
    int64_t now = time_now();
    const char *addr = cx->remote_addr ? cx->remote_addr : "-";
    const char *kl = arena_printf(cx->a, "login:%s", login);
    const char *ka = arena_printf(cx->a, "addr:%s", addr);
    const char *kp = arena_printf(cx->a, "pair:%s|%s", login, addr);
    enum err_code rc = login_take(cx, kp, ka, kl, now);
    if (rc != ERR_OK)
        return rc;

    /* the password check runs outside any transaction: it is slow */
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT " USER_COLS ", u.password_hash FROM users u WHERE u.login = $1", "t", login);
    if (!st)
        return cx->err.code;
    int step = db_step(st);
    struct user *u = NULL;
    char hash[AUTH_HASH_LEN];
    bool active = false;
    if (step == DB_ROW) {
        u = user_from_row(cx, st, 0);
        active = db_col_i64(st, 5) != 0;
        strlcpy_(hash, db_col_text(st, USER_NCOLS), sizeof(hash));
    }
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    bool ok = auth_password_verify(u ? hash : dummy_hash, password) && u && active;

    if (!ok) /* the attempt was counted before the hash */
        return ctx_fail(cx, ERR_AUTH, "wrong login or password");
    if ((rc = db_begin_write(cx->db, &cx->err)) != ERR_OK)
        return rc;
    random_token(s->token, sizeof(s->token), "");
    random_token(s->csrf, sizeof(s->csrf), "");
    char digest[65];
    auth_token_digest(s->token, digest);
    rc = db_run(cx->db, &cx->err,
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at,\n"
                "                      expires_at, address)\n"
                "VALUES ($1, $2, $3, $4, $4, $5, $6)",
                "titiit", digest, u->id, s->csrf, now, now + session_max, cx->remote_addr);
    if (rc == ERR_OK)
        rc = ratelimit_clear(cx, kp);
    if (rc == ERR_OK)
        rc = ratelimit_give_back(cx, ka);
    if (rc == ERR_OK)
        rc = ratelimit_give_back(cx, kl);
    if (rc == ERR_OK)
        rc = db_run(cx->db, &cx->err, "DELETE FROM sessions WHERE expires_at < $1", "i", now);
    if (rc != ERR_OK) {
        db_rollback(cx->db);
        return rc;
    }
    if ((rc = db_commit(cx->db, &cx->err)) != ERR_OK)
        return rc;
    *user = u;
    return ERR_OK;
}

enum err_code auth_session(struct ctx *cx, const char *token, struct user **user, struct session *s)
{
    char digest[65];
    auth_token_digest(token, digest);
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT " USER_COLS ", s.csrf_token, s.last_seen_at, s.expires_at\n"
                              "FROM sessions s\n"
                              "JOIN users u ON u.id = s.user_id\n"
                              "WHERE s.token_hash = $1",
                              "t", digest);
    if (!st)
        return cx->err.code;
    int step = db_step(st);
    if (step != DB_ROW) {
        db_done(st);
        return step == DB_FAIL ? cx->err.code : ctx_fail(cx, ERR_AUTH, "not logged in");
    }
    struct user *u = user_from_row(cx, st, 0);
    bool active = db_col_i64(st, 5) != 0;
    strlcpy_(s->csrf, db_col_text(st, USER_NCOLS), sizeof(s->csrf));
    s->token[0] = 0;
    int64_t last_seen = db_col_i64(st, USER_NCOLS + 1), expires = db_col_i64(st, USER_NCOLS + 2);
    db_done(st);
    int64_t now = time_now(), noted = touch_find(digest);
    if (noted > last_seen)
        last_seen = noted;
    if (!active || now >= expires || now - last_seen >= session_idle)
        /* the row stays until the cleanup job: this request may be reading
         * in a snapshot, and a session past its time is refused all the same */
        return ctx_fail(cx, ERR_AUTH, "the session has expired; log in again");
    /* idle expiry needs last_seen_at, but one write per request would be
     * wasteful: note it at most once a minute (or half the idle limit) —
     * in memory, written by the jobs thread (auth_session_flush) */
    if (now - last_seen >= (session_idle < 120 ? session_idle / 2 : 60) &&
        !touch_note(digest, now)) {
        db_run(cx->db, &cx->err, "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1",
               "ti", digest, now);
        err_clear(&cx->err);
    }
    *user = u;
    return ERR_OK;
}

enum err_code auth_logout(struct ctx *cx, const char *token)
{
    char digest[65];
    auth_token_digest(token, digest);
    return db_run(cx->db, &cx->err, "DELETE FROM sessions WHERE token_hash = $1", "t", digest);
}

enum err_code auth_end_sessions(struct ctx *cx, int64_t user_id)
{
    return db_run(cx->db, &cx->err, "DELETE FROM sessions WHERE user_id = $1", "i", user_id);
}

enum err_code auth_end_tokens(struct ctx *cx, int64_t user_id)
{
    return db_run(cx->db, &cx->err, "DELETE FROM api_tokens WHERE user_id = $1", "i", user_id);
}

/* The permissions a scope text names (all for "full"; *.read for "read"; or
 * permission names separated by spaces); false when it names an unknown one
 * or none. */
static bool scope_set(const char *scope, struct perms *set)
{
    *set = (struct perms){0};
    if (!scope)
        return false;
    bool full = !strcmp(scope, "full"), read = !strcmp(scope, "read");
    if (full || read) {
        for (int p = 1; p < P__COUNT; p++) {
            const char *n = perm_name((enum perm)p);
            size_t len = strlen(n);
            set->has[p] = full || (len > 5 && !strcmp(n + len - 5, ".read"));
        }
        return true;
    }
    bool any = false;
    for (const char *p = scope; *p;) {
        p += strspn(p, " ");
        size_t len = strcspn(p, " ");
        if (!len)
            break;
        char name[64];
        if (len >= sizeof(name))
            return false;
        memcpy(name, p, len);
        name[len] = 0;
        enum perm one = perm_find(name);
        if (one == P_NONE)
            return false;
        set->has[one] = 1;
        any = true;
        p += len;
    }
    return any;
}

bool auth_scope_valid(const char *scope)
{
    struct perms set;
    return scope_set(scope, &set);
}

struct perms auth_scope_perms(struct perms user_perms, const char *scope)
{
    struct perms set, out = {0};
    if (scope_set(scope, &set))
        for (int p = 1; p < P__COUNT; p++)
            out.has[p] = user_perms.has[p] && set.has[p];
    return out;
}

enum err_code auth_bearer(struct ctx *cx, const char *token, struct user **user)
{
    char digest[65];
    auth_token_digest(token, digest);
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT " USER_COLS ", k.expires_at, k.scope\n"
                              "FROM api_tokens k\n"
                              "JOIN users u ON u.id = k.user_id\n"
                              "WHERE k.token_hash = $1",
                              "t", digest);
    if (!st)
        return cx->err.code;
    int step = db_step(st);
    bool expired = false;
    if (step == DB_ROW) {
        *user = user_from_row(cx, st, 0);
        (*user)->perms = auth_scope_perms((*user)->perms, db_col_text(st, USER_NCOLS + 1));
        expired = !db_col_null(st, USER_NCOLS) && db_col_i64(st, USER_NCOLS) <= time_now();
        if (!db_col_i64(st, 5))
            step = DB_DONE;
    }
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    if (step == DB_ROW && expired)
        return ctx_fail(cx, ERR_AUTH, "the API token has expired");
    return step == DB_ROW ? ERR_OK : ctx_fail(cx, ERR_AUTH, "the API token is not valid");
}

static enum err_code token_create_tx(struct ctx *cx, const char *name, int64_t user_id,
                                     const char *scope, int64_t expires_at, int64_t *id,
                                     const char **token)
{
    bool found;
    int64_t one;
    enum err_code rc = db_get_i64(cx->db, &cx->err, &one, &found,
                                  "SELECT 1 FROM users WHERE id = $1 AND active = 1", "i", user_id);
    if (rc != ERR_OK)
        return rc;
    if (!found) {
        err_field(&cx->err, "user_id", "not_found");
        return ctx_fail(cx, ERR_INVALID, "some fields are invalid");
    }
    char tok[AUTH_TOKEN_LEN], digest[65], now[ISO_TIME_LEN];
    random_token(tok, sizeof(tok), "svt_");
    auth_token_digest(tok, digest);
    time_now_iso(now);
    rc = db_get_i64(cx->db, &cx->err, id, &found,
                    "INSERT INTO api_tokens (version, created_at, updated_at, name,\n"
                    "                        user_id, token_hash, prefix, scope, expires_at)\n"
                    "VALUES (1, $1, $1, $2, $3, $4, $5, $6, $7)\n"
                    "RETURNING id",
                    "ttitttI", now, name, user_id, digest, arena_strndup(cx->a, tok, 8), scope,
                    expires_at);
    if (rc != ERR_OK)
        return rc;
    json_t *j = json_pack("{s:s,s:I,s:s,s:s,s:I}", "name", name, "user_id", (json_int_t)user_id,
                          "prefix", arena_strndup(cx->a, tok, 8), "scope", scope, "expires_at",
                          (json_int_t)expires_at);
    char *js = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    const char *after = arena_strdup(cx->a, js);
    free(js);
    json_decref(j);
    if ((rc = audit_append(cx, "create", "tokens", *id, NULL, after)) != ERR_OK)
        return rc;
    *token = arena_strdup(cx->a, tok);
    return ERR_OK;
}

enum err_code auth_token_create(struct ctx *cx, const char *name, int64_t user_id,
                                const char *scope, int64_t expires_at, int64_t *id,
                                const char **token)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own,
                      token_create_tx(cx, name, user_id, scope, expires_at, id, token));
}

enum err_code auth_tokens_list(struct ctx *cx, json_t **items)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT k.id, k.name, k.user_id, u.login, k.prefix, k.created_at,\n"
                              "       k.scope, k.expires_at\n"
                              "FROM api_tokens k\n"
                              "JOIN users u ON u.id = k.user_id\n"
                              "ORDER BY k.id DESC",
                              "");
    if (!st)
        return cx->err.code;
    json_t *a = json_array();
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        char until[ISO_TIME_LEN] = "";
        if (!db_col_null(st, 7))
            time_iso(db_col_i64(st, 7), until);
        json_array_append_new(
            a, json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:s?}", "id", (json_int_t)db_col_i64(st, 0),
                         "name", db_col_text(st, 1), "user_id", (json_int_t)db_col_i64(st, 2),
                         "user_login", db_col_text(st, 3), "prefix", db_col_text(st, 4),
                         "created_at", db_col_text(st, 5), "scope", db_col_text(st, 6),
                         "expires_at", *until ? until : NULL));
    }
    db_done(st);
    if (step == DB_FAIL) {
        json_decref(a);
        return cx->err.code;
    }
    *items = a;
    return ERR_OK;
}

static enum err_code token_delete_tx(struct ctx *cx, int64_t id)
{
    int64_t gone;
    bool found;
    enum err_code rc = db_get_i64(cx->db, &cx->err, &gone, &found,
                                  "DELETE FROM api_tokens WHERE id = $1 RETURNING id", "i", id);
    if (rc == ERR_OK && !found)
        rc = ctx_fail(cx, ERR_NOTFOUND, "no such token");
    if (rc == ERR_OK)
        rc = audit_append(cx, "delete", "tokens", id, "{}", NULL);
    return rc;
}

enum err_code auth_token_delete(struct ctx *cx, int64_t id)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, token_delete_tx(cx, id));
}
