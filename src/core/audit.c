/* audit.c — the append-only, hash-chained audit log (core layer). */
#include "audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/timeutil.h"
#include "base/banned.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* Each part is length-prefixed so that no two different entries hash the
 * same bytes ("ab"+"c" vs "a"+"bc"); NULL differs from "". */
static void hash_part(crypto_hash_sha256_state *h, const char *s)
{
    char len[24];
    if (!s) {
        crypto_hash_sha256_update(h, (const unsigned char *)"-|", 2);
        return;
    }
    int n = snprintf(len, sizeof(len), "%zu:", strlen(s));
    crypto_hash_sha256_update(h, (const unsigned char *)len, (unsigned long long)n);
    crypto_hash_sha256_update(h, (const unsigned char *)s, strlen(s));
}

static void hash_int(crypto_hash_sha256_state *h, int64_t v)
{
    char s[24];
    snprintf(s, sizeof(s), "%lld", (long long)v);
    hash_part(h, s);
}

void audit_hash(const char *prev_hash, int64_t id, const char *at, int64_t user_id,
                const char *user_login, const char *action, const char *entity, int64_t record_id,
                const char *before, const char *after, char out[AUDIT_HASH_LEN])
{
    crypto_hash_sha256_state h;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&h);
    hash_part(&h, prev_hash);
    hash_int(&h, id);
    hash_part(&h, at);
    hash_int(&h, user_id);
    hash_part(&h, user_login);
    hash_part(&h, action);
    hash_part(&h, entity);
    hash_int(&h, record_id);
    hash_part(&h, before);
    hash_part(&h, after);
    crypto_hash_sha256_final(&h, digest);
    sodium_bin2hex(out, AUDIT_HASH_LEN, digest, sizeof(digest));
}

enum err_code audit_append(struct ctx *cx, const char *action, const char *entity,
                           int64_t record_id, const char *before, const char *after)
{
    struct err *e = &cx->err;
    /* the head row is taken with an UPDATE first: it locks the row until
     * commit on PostgreSQL (concurrent appenders queue here and each gets
     * the next id), and SQLite's write lock does the same */
    struct db_stmt *st = db_q(cx->db, e,
                              "UPDATE audit_head SET last_id = last_id + 1\n"
                              "WHERE id = 1\n"
                              "RETURNING last_id, last_hash",
                              "");
    if (!st)
        return e->code;
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        return rc == DB_FAIL ? e->code : ctx_fail(cx, ERR_INTERNAL, "audit head is missing");
    }
    int64_t id = db_col_i64(st, 0);
    char prev[AUDIT_HASH_LEN];
    snprintf(prev, sizeof(prev), "%s", db_col_text(st, 1));
    db_done(st);

    char at[ISO_TIME_LEN];
    time_now_iso(at);
    int64_t user_id = cx->user ? cx->user->id : 0;
    const char *login = cx->user ? cx->user->login : "system";
    char hash[AUDIT_HASH_LEN];
    audit_hash(prev, id, at, user_id, login, action, entity, record_id, before, after, hash);

    enum err_code ec = db_run(cx->db, e,
                              "INSERT INTO audit_log (id, at, user_id, user_login, action, entity, "
                              "record_id, before, after, prev_hash, hash)\n"
                              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                              "ititttitttt", id, at, user_id, login, action, entity, record_id,
                              before, after, prev, hash);
    if (ec != ERR_OK)
        return ec;
    return db_run(cx->db, e, "UPDATE audit_head SET last_hash = $2 WHERE id = 1 AND last_id = $1",
                  "it", id, hash);
}

enum err_code audit_verify(struct ctx *cx, int64_t *checked, int64_t *bad_id)
{
    struct err *e = &cx->err;
    *checked = 0;
    *bad_id = 0;
    struct db_stmt *st = db_q(cx->db, e,
                              "SELECT id, at, user_id, user_login, action, entity, record_id,\n"
                              "       before, after, prev_hash, hash\n"
                              "FROM audit_log\n"
                              "ORDER BY id",
                              "");
    if (!st)
        return e->code;
    char prev[AUDIT_HASH_LEN] = ZERO_HASH;
    int64_t expect = 1;
    int rc;
    enum err_code result = ERR_OK;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_i64(st, 0);
        char hash[AUDIT_HASH_LEN];
        const char *stored_prev = db_col_text(st, 9);
        const char *stored = db_col_text(st, 10);
        if (id != expect) {
            *bad_id = expect;
            result = ctx_fail(cx, ERR_CONFLICT, "entry %lld is missing (next is %lld)",
                              (long long)expect, (long long)id);
            break;
        }
        audit_hash(prev, id, db_col_text(st, 1), db_col_i64(st, 2), db_col_text(st, 3),
                   db_col_text(st, 4), db_col_text(st, 5), db_col_i64(st, 6), db_col_text(st, 7),
                   db_col_text(st, 8), hash);
        if (!stored_prev || strcmp(stored_prev, prev) != 0) {
            *bad_id = id;
            result = ctx_fail(cx, ERR_CONFLICT, "entry %lld does not follow entry %lld",
                              (long long)id, (long long)id - 1);
            break;
        }
        if (!stored || strcmp(stored, hash) != 0) {
            *bad_id = id;
            result =
                ctx_fail(cx, ERR_CONFLICT, "entry %lld was altered (hash mismatch)", (long long)id);
            break;
        }
        memcpy(prev, hash, AUDIT_HASH_LEN);
        expect++;
        (*checked)++;
    }
    db_done(st);
    if (rc == DB_FAIL)
        return e->code;
    if (result != ERR_OK)
        return result;
    int64_t last_id = 0;
    st = db_q(cx->db, e, "SELECT last_id, last_hash FROM audit_head WHERE id = 1", "");
    if (!st)
        return e->code;
    if (db_step(st) != DB_ROW) {
        db_done(st);
        return ctx_fail(cx, ERR_CONFLICT, "audit head is missing");
    }
    last_id = db_col_i64(st, 0);
    bool same = strcmp(db_col_text(st, 1), prev) == 0;
    db_done(st);
    if (last_id != expect - 1 || !same) {
        *bad_id = expect;
        return ctx_fail(cx, ERR_CONFLICT,
                        "the log ends at entry %lld but the head names entry %lld: entries were "
                        "deleted",
                        (long long)expect - 1, (long long)last_id);
    }
    return ERR_OK;
}

/* ---- reading the log ----------------------------------------------------- */

static json_t *json_or_null(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_loads(s, 0, NULL);
    return j ? j : json_string(s);
}

#define ENTRY_COLS "id, at, user_id, user_login, action, entity, record_id, before, after, hash"

static json_t *entry_json(struct db_stmt *st)
{
    return json_pack("{s:I,s:s,s:I,s:s?,s:s,s:s,s:I,s:o,s:o,s:s}", "id",
                     (json_int_t)db_col_i64(st, 0), "at", db_col_text(st, 1), "user_id",
                     (json_int_t)db_col_i64(st, 2), "user_login", db_col_text(st, 3), "action",
                     db_col_text(st, 4), "entity", db_col_text(st, 5), "record_id",
                     (json_int_t)db_col_i64(st, 6), "before", json_or_null(db_col_text(st, 7)),
                     "after", json_or_null(db_col_text(st, 8)), "hash", db_col_text(st, 9));
}

/* Reads up to limit entries of st into a new array; *more when there was
 * one more. */
static enum err_code read_entries(struct ctx *cx, struct db_stmt *st, int limit, const char *kind,
                                  json_t **items, int64_t *last, bool *more)
{
    json_t *a = json_array();
    int n = 0, step;
    *more = false;
    while ((step = db_step(st)) == DB_ROW) {
        if (n == limit) {
            *more = true;
            break;
        }
        *last = db_col_i64(st, 0);
        json_t *e = entry_json(st);
        if (kind)
            json_object_set_new(e, "kind", json_string(kind));
        json_array_append_new(a, e);
        n++;
    }
    db_done(st);
    if (step == DB_FAIL) {
        json_decref(a);
        return cx->err.code;
    }
    *items = a;
    return ERR_OK;
}

enum err_code audit_list(struct ctx *cx, const struct audit_filter *f, json_t **items,
                         int64_t *next_cursor)
{
    *next_cursor = 0;
    int limit = f->limit <= 0 ? 50 : f->limit > AUDIT_LIST_MAX ? AUDIT_LIST_MAX : f->limit;
    const char *to = f->to;
    if (to && strlen(to) == 10)
        to = arena_printf(cx->a, "%sT23:59:59Z", to);
    /* filters present get consecutive parameters (PostgreSQL needs each used) */
    struct buf sql = BUF_INIT;
    const char *texts[8];
    int64_t ints[8];
    char kinds[8];
    int np = 0;
    buf_adds(&sql, "SELECT " ENTRY_COLS "\nFROM audit_log\nWHERE 1 = 1");
#define FILTER_T(cond, clause, v)                                                                  \
    if (cond) {                                                                                    \
        buf_printf(&sql, "\n  AND " clause " $%d", np + 1);                                        \
        kinds[np] = 't', texts[np] = (v), np++;                                                    \
    }
#define FILTER_I(cond, clause, v)                                                                  \
    if (cond) {                                                                                    \
        buf_printf(&sql, "\n  AND " clause " $%d", np + 1);                                        \
        kinds[np] = 'i', ints[np] = (v), np++;                                                     \
    }
    FILTER_T(f->entity, "entity =", f->entity)
    FILTER_I(f->record_id, "record_id =", f->record_id)
    FILTER_I(f->user_id, "user_id =", f->user_id)
    FILTER_T(f->from, "at >=", f->from)
    FILTER_T(to, "at <=", to)
    FILTER_I(f->cursor, "id <", f->cursor)
#undef FILTER_T
#undef FILTER_I
    buf_printf(&sql, "\nORDER BY id DESC\nLIMIT %d", limit + 1);
    struct db *rdb = ctx_read_db(cx);
    struct db_stmt *st = rdb ? db_prepare(rdb, sql.p, &cx->err) : NULL;
    buf_release(&sql);
    if (!rdb)
        return cx->err.code ? cx->err.code : ERR_UNAVAILABLE;
    if (!st)
        return cx->err.code;
    for (int i = 0; i < np; i++) {
        if (kinds[i] == 't')
            db_bind_text(st, i + 1, texts[i]);
        else
            db_bind_i64(st, i + 1, ints[i]);
    }
    int64_t last = 0;
    bool more;
    enum err_code rc = read_entries(cx, st, limit, NULL, items, &last, &more);
    if (rc == ERR_OK && more)
        *next_cursor = last;
    return rc;
}

enum err_code audit_record_history(struct ctx *cx, const char *entity, int64_t record_id,
                                   json_t **items)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT " ENTRY_COLS "\n"
                              "FROM audit_log\n"
                              "WHERE entity = $1 AND record_id = $2\n"
                              "ORDER BY id DESC\n"
                              "LIMIT 200",
                              "ti", entity, record_id);
    if (!st)
        return cx->err.code;
    int64_t last;
    bool more;
    return read_entries(cx, st, 200, "record", items, &last, &more);
}
