/* audit.c — the append-only, hash-chained audit log (core layer). */
#include "audit.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/settings.h"
#include "base/buf.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "base/banned.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The key ring of this process, loaded at start (cli_open_db) before any
 * thread runs; read-only afterwards. Not configured (unit tests): entries
 * are unkeyed, as before there were keys. */
#define AUDIT_MAX_KEYS 64
static struct {
    bool configured;
    char path[512];
    int64_t from; /* entries from this id on must be keyed */
    int n;
    struct {
        int id;
        unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
    } keys[AUDIT_MAX_KEYS];
} ring;

static const unsigned char *ring_key(int id)
{
    for (int i = 0; i < ring.n; i++)
        if (ring.keys[i].id == id)
            return ring.keys[i].key;
    return NULL;
}

/* One entry's hash: SHA-256 (key 0, before keys) or HMAC-SHA256. */
struct chain_hash {
    bool keyed;
    crypto_hash_sha256_state sha;
    crypto_auth_hmacsha256_state mac;
};

static void ch_update(struct chain_hash *h, const void *p, size_t n)
{
    if (h->keyed)
        crypto_auth_hmacsha256_update(&h->mac, p, (unsigned long long)n);
    else
        crypto_hash_sha256_update(&h->sha, p, (unsigned long long)n);
}

/* Each part is length-prefixed so that no two different entries hash the
 * same bytes ("ab"+"c" vs "a"+"bc"); NULL differs from "". */
static void hash_part(struct chain_hash *h, const char *s)
{
    char len[24];
    if (!s) {
        ch_update(h, "-|", 2);
        return;
    }
    int n = snprintf(len, sizeof(len), "%zu:", strlen(s));
    ch_update(h, len, (size_t)n);
    ch_update(h, s, strlen(s));
}

static void hash_int(struct chain_hash *h, int64_t v)
{
    char s[24];
    snprintf(s, sizeof(s), "%lld", (long long)v);
    hash_part(h, s);
}

/* key NULL: the unkeyed SHA-256 of entries made before keys. */
static void entry_hash(const unsigned char *key, int key_id, const char *prev_hash, int64_t id,
                       const char *at, int64_t user_id, const char *user_login, const char *action,
                       const char *entity, int64_t record_id, const char *before, const char *after,
                       char out[AUDIT_HASH_LEN])
{
    struct chain_hash h = {.keyed = key != NULL};
    unsigned char digest[crypto_hash_sha256_BYTES];
    if (key)
        crypto_auth_hmacsha256_init(&h.mac, key, crypto_auth_hmacsha256_KEYBYTES);
    else
        crypto_hash_sha256_init(&h.sha);
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
    if (key) {
        hash_int(&h, key_id);
        crypto_auth_hmacsha256_final(&h.mac, digest);
    } else {
        crypto_hash_sha256_final(&h.sha, digest);
    }
    sodium_bin2hex(out, AUDIT_HASH_LEN, digest, sizeof(digest));
}

void audit_hash(const char *prev_hash, int64_t id, const char *at, int64_t user_id,
                const char *user_login, const char *action, const char *entity, int64_t record_id,
                const char *before, const char *after, char out[AUDIT_HASH_LEN])
{
    entry_hash(NULL, 0, prev_hash, id, at, user_id, user_login, action, entity, record_id, before,
               after, out);
}

/* ---- the key ring file -------------------------------------------------- */

const char *audit_key_path(const char *db_url, char *buf, size_t n)
{
    const char *env = setting_text(SET_AUDIT_KEY_FILE);
    if (*env)
        snprintf(buf, n, "%s", env);
    else if (!strncmp(db_url, "postgres", 8))
        snprintf(buf, n, "servitor-audit.key");
    else
        snprintf(buf, n, "%s.audit-key", db_url);
    return buf;
}

/* "from N" and "ID HEX" lines; '#' starts a comment. */
static enum err_code ring_read(struct ctx *cx, const char *path, bool *missing)
{
    *missing = false;
    FILE *f = fopen(path, "r");
    if (!f) {
        *missing = errno == ENOENT;
        return ctx_fail(cx, ERR_INTERNAL, "cannot read the audit key file %s: %s", path,
                        strerror(errno));
    }
    ring.n = 0;
    ring.from = 1;
    char line[256];
    int no = 0;
    enum err_code rc = ERR_OK;
    while (rc == ERR_OK && fgets(line, sizeof(line), f)) {
        no++;
        line[strcspn(line, "\r\n")] = 0;
        char hex[2 * crypto_auth_hmacsha256_KEYBYTES + 2];
        long long a;
        int id;
        size_t bin;
        if (!line[0] || line[0] == '#')
            continue;
        if (sscanf(line, "from %lld", &a) == 1 && a >= 1) {
            ring.from = a;
        } else if (sscanf(line, "%d %65s", &id, hex) == 2 && id > 0 && ring.n < AUDIT_MAX_KEYS &&
                   strlen(hex) == 2 * crypto_auth_hmacsha256_KEYBYTES &&
                   sodium_hex2bin(ring.keys[ring.n].key, crypto_auth_hmacsha256_KEYBYTES, hex,
                                  strlen(hex), NULL, &bin, NULL) == 0 &&
                   bin == crypto_auth_hmacsha256_KEYBYTES) {
            ring.keys[ring.n++].id = id;
        } else {
            rc = ctx_fail(cx, ERR_INTERNAL, "%s:%d: not an audit key line", path, no);
        }
        sodium_memzero(hex, sizeof(hex));
    }
    sodium_memzero(line, sizeof(line));
    fclose(f);
    if (rc == ERR_OK && !ring.n)
        rc = ctx_fail(cx, ERR_INTERNAL, "the audit key file %s holds no key", path);
    return rc;
}

/* Writes the ring to path (0600), through a temporary file and a rename. */
static enum err_code ring_write(struct ctx *cx, const char *path)
{
    char tmp[600];
    snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return ctx_fail(cx, ERR_INTERNAL, "cannot write the audit key file %s: %s", path,
                        strerror(errno));
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        return ctx_fail(cx, ERR_INTERNAL, "cannot write %s", tmp);
    }
    bool ok = fchmod(fd, 0600) == 0;
    fprintf(f, "# servitor audit keys (HMAC-SHA256): keep secret, keep a copy away from the "
               "database; never remove a line\n");
    fprintf(f, "from %lld\n", (long long)ring.from);
    for (int i = 0; i < ring.n; i++) {
        char hex[2 * crypto_auth_hmacsha256_KEYBYTES + 1];
        sodium_bin2hex(hex, sizeof(hex), ring.keys[i].key, crypto_auth_hmacsha256_KEYBYTES);
        fprintf(f, "%d %s\n", ring.keys[i].id, hex);
        sodium_memzero(hex, sizeof(hex));
    }
    ok = fflush(f) == 0 && fsync(fd) == 0 && ok;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return ctx_fail(cx, ERR_INTERNAL, "cannot write the audit key file %s: %s", path,
                        strerror(e));
    }
    snprintf(ring.path, sizeof(ring.path), "%s", path);
    return ERR_OK;
}

static void ring_add_key(void)
{
    int id = 0;
    for (int i = 0; i < ring.n; i++)
        id = ring.keys[i].id > id ? ring.keys[i].id : id;
    ring.keys[ring.n].id = id + 1;
    crypto_auth_hmacsha256_keygen(ring.keys[ring.n].key);
    ring.n++;
}

enum err_code audit_keys_open(struct ctx *cx, const char *path, bool create)
{
    ring.configured = true;
    ring.n = 0;
    snprintf(ring.path, sizeof(ring.path), "%s", path);
    bool missing;
    enum err_code rc = ring_read(cx, path, &missing);
    if (rc == ERR_OK || !missing)
        return rc;
    if (!create) {
        /* only reading: unsigned entries verify, signed ones cannot */
        err_clear(&cx->err);
        ring.n = 0;
        ring.from = INT64_MAX;
        return ERR_OK;
    }
    /* no file: made now, unless the log was signed before (then the key
     * was lost or moved: appending must not go on with a new one) */
    err_clear(&cx->err);
    int64_t keyed, last;
    bool found;
    if ((rc = db_get_i64(cx->db, &cx->err, &keyed, &found,
                         "SELECT COUNT(*) FROM audit_log WHERE key_id > 0", "")) != ERR_OK)
        return rc;
    if (keyed)
        return ctx_fail(cx, ERR_INTERNAL,
                        "the audit key file %s is missing but the log was signed with keys: "
                        "restore it or give SERVITOR_AUDIT_KEY_FILE",
                        path);
    if ((rc = db_get_i64(cx->db, &cx->err, &last, &found,
                         "SELECT last_id FROM audit_head WHERE id = 1", "")) != ERR_OK)
        return rc;
    ring.from = (found ? last : 0) + 1;
    ring_add_key();
    return ring_write(cx, path);
}

enum err_code audit_keys_rotate(struct ctx *cx, int *new_id)
{
    if (!ring.configured || !ring.n || ring.n >= AUDIT_MAX_KEYS)
        return ctx_fail(cx, ERR_INTERNAL, "no audit key ring to rotate");
    ring_add_key();
    *new_id = ring.keys[ring.n - 1].id;
    return ring_write(cx, ring.path);
}

enum err_code audit_keys_save(struct ctx *cx, const char *path)
{
    if (!ring.configured || !ring.n)
        return ctx_fail(cx, ERR_INTERNAL, "no audit key ring to save");
    return ring_write(cx, path);
}

enum err_code audit_head(struct ctx *cx, int64_t *id, char hash[AUDIT_HASH_LEN])
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err, "SELECT last_id, last_hash FROM audit_head WHERE id = 1", "");
    if (!st)
        return cx->err.code;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *id = db_col_i64(st, 0);
        snprintf(hash, AUDIT_HASH_LEN, "%s", db_col_text(st, 1));
    }
    db_done(st);
    if (rc == DB_FAIL)
        return cx->err.code;
    return rc == DB_ROW ? ERR_OK : ctx_fail(cx, ERR_CONFLICT, "audit head is missing");
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
    /* the newest key signs; with a ring configured there is always one */
    int key_id = ring.configured && ring.n ? ring.keys[ring.n - 1].id : 0;
    if (ring.configured && !key_id)
        return ctx_fail(cx, ERR_INTERNAL, "no audit key: nothing can be written");
    char hash[AUDIT_HASH_LEN];
    entry_hash(key_id ? ring.keys[ring.n - 1].key : NULL, key_id, prev, id, at, user_id, login,
               action, entity, record_id, before, after, hash);

    enum err_code ec = db_run(cx->db, e,
                              "INSERT INTO audit_log (id, at, user_id, user_login, action, entity, "
                              "record_id, before, after, prev_hash, hash, key_id)\n"
                              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                              "ititttitttti", id, at, user_id, login, action, entity, record_id,
                              before, after, prev, hash, (int64_t)key_id);
    if (ec != ERR_OK)
        return ec;
    return db_run(cx->db, e, "UPDATE audit_head SET last_hash = $2 WHERE id = 1 AND last_id = $1",
                  "it", id, hash);
}

enum err_code audit_verify(struct ctx *cx, int64_t *checked, int64_t *bad_id)
{
    return audit_verify_anchored(cx, 0, NULL, checked, bad_id);
}

enum err_code audit_verify_anchored(struct ctx *cx, int64_t anchor_id, const char *anchor_hash,
                                    int64_t *checked, int64_t *bad_id)
{
    struct err *e = &cx->err;
    *checked = 0;
    *bad_id = 0;
    struct db_stmt *st = db_q(cx->db, e,
                              "SELECT id, at, user_id, user_login, action, entity, record_id,\n"
                              "       before, after, prev_hash, hash, key_id\n"
                              "FROM audit_log\n"
                              "ORDER BY id",
                              "");
    if (!st)
        return e->code;
    char prev[AUDIT_HASH_LEN] = ZERO_HASH;
    int64_t expect = 1;
    int rc;
    bool anchor_seen = false;
    enum err_code result = ERR_OK;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_i64(st, 0);
        int key_id = (int)db_col_i64(st, 11);
        char hash[AUDIT_HASH_LEN];
        const char *stored_prev = db_col_text(st, 9);
        const char *stored = db_col_text(st, 10);
        if (id != expect) {
            *bad_id = expect;
            result = ctx_fail(cx, ERR_CONFLICT, "entry %lld is missing (next is %lld)",
                              (long long)expect, (long long)id);
            break;
        }
        const unsigned char *key = key_id ? ring_key(key_id) : NULL;
        if (key_id && !key) {
            *bad_id = id;
            result = ctx_fail(cx, ERR_CONFLICT,
                              "entry %lld is signed with audit key %d, which is not in %s",
                              (long long)id, key_id, ring.configured ? ring.path : "any key file");
            break;
        }
        if (!key_id && ring.configured && id >= ring.from) {
            /* once there is a key, an unsigned entry is a rewritten one */
            *bad_id = id;
            result = ctx_fail(cx, ERR_CONFLICT,
                              "entry %lld is not signed, but entries from %lld on must be: it "
                              "was rewritten",
                              (long long)id, (long long)ring.from);
            break;
        }
        entry_hash(key, key_id, prev, id, db_col_text(st, 1), db_col_i64(st, 2), db_col_text(st, 3),
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
        if (id == anchor_id) {
            anchor_seen = true;
            if (!anchor_hash || strcmp(anchor_hash, hash) != 0) {
                *bad_id = id;
                result = ctx_fail(cx, ERR_CONFLICT,
                                  "entry %lld is not the head that was kept: the log was "
                                  "rewritten from there or before",
                                  (long long)id);
                break;
            }
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
    if (anchor_id && !anchor_seen) {
        *bad_id = expect;
        return ctx_fail(cx, ERR_CONFLICT,
                        "the log ends at entry %lld, but the head kept names entry %lld: "
                        "entries were cut off",
                        (long long)expect - 1, (long long)anchor_id);
    }
    int64_t last_id = 0;
    char head[AUDIT_HASH_LEN];
    enum err_code hc = audit_head(cx, &last_id, head);
    if (hc != ERR_OK)
        return hc == ERR_CONFLICT ? hc : e->code;
    if (last_id > expect - 1) {
        *bad_id = expect;
        return ctx_fail(cx, ERR_CONFLICT,
                        "the log ends at entry %lld but the head names entry %lld: entries were "
                        "deleted",
                        (long long)expect - 1, (long long)last_id);
    }
    if (last_id < expect - 1) {
        *bad_id = last_id + 1;
        return ctx_fail(cx, ERR_CONFLICT,
                        "the head names entry %lld but the log goes on to entry %lld: the head "
                        "was moved back",
                        (long long)last_id, (long long)expect - 1);
    }
    if (strcmp(head, prev) != 0) {
        *bad_id = last_id;
        return ctx_fail(cx, ERR_CONFLICT,
                        "the head row was altered: its hash is not that of entry %lld",
                        (long long)last_id);
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

#define ENTRY_COLS                                                                                 \
    "id, at, user_id, user_login, action, entity, record_id, before, after, hash,\n"               \
    "(SELECT u.name FROM users u WHERE u.id = audit_log.user_id)"

/* An entry; user_name is the person's name now (NULL for the system and
 * for a user deleted since: user_login stays as it was written). */
static json_t *entry_json(struct db_stmt *st)
{
    return json_pack("{s:I,s:s,s:I,s:s?,s:s?,s:s,s:s,s:I,s:o,s:o,s:s}", "id",
                     (json_int_t)db_col_i64(st, 0), "at", db_col_text(st, 1), "user_id",
                     (json_int_t)db_col_i64(st, 2), "user_login", db_col_text(st, 3), "user_name",
                     db_col_null(st, 10) ? NULL : db_col_text(st, 10), "action", db_col_text(st, 4),
                     "entity", db_col_text(st, 5), "record_id", (json_int_t)db_col_i64(st, 6),
                     "before", json_or_null(db_col_text(st, 7)), "after",
                     json_or_null(db_col_text(st, 8)), "hash", db_col_text(st, 9));
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
