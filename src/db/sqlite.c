/* sqlite.c — the embedded SQLite driver (db layer).
 *
 * WAL journal, synchronous=FULL (a commit answered with success survives a
 * power cut), a busy timeout, foreign keys on, and a statement cache per
 * connection keyed by SQL text. `$N` placeholders are bound by name, which is
 * how SQLite reads PostgreSQL's numbered form. Search uses one FTS5 table per
 * searchable table (`<table>_fts`, rowid = the record's id) holding folded text. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "base/util.h"
#include "base/banned.h"

#define SQ_CACHE_SLOTS 256

struct sq_stmt {
    struct db_stmt base;
    sqlite3_stmt *st;
    char *sql; /* owned: the cache key */
    size_t len;
    bool cached; /* false: finalize on done */
};

struct sq_db {
    struct db base;
    sqlite3 *h;
    struct sq_stmt *cache[SQ_CACHE_SLOTS];
    int ncached;
    sqlite3_stmt *tx[4]; /* BEGIN, BEGIN IMMEDIATE, COMMIT, ROLLBACK: kept prepared */
};

static struct sq_db *SQ(struct db *db) { return (struct sq_db *)db; }
static struct sq_stmt *SS(struct db_stmt *st) { return (struct sq_stmt *)st; }

static enum err_code sq_fail(struct sq_db *d, struct err *e, const char *what)
{
    int code = sqlite3_extended_errcode(d->h) & 0xff;
    enum err_code ec = (code == SQLITE_BUSY || code == SQLITE_LOCKED) ? ERR_UNAVAILABLE
                       : code == SQLITE_CONSTRAINT                    ? ERR_CONFLICT
                                                                      : ERR_INTERNAL;
    return err_set(e, ec, "%s: %s", what, sqlite3_errmsg(d->h));
}

static void sq_close(struct db *db)
{
    struct sq_db *d = SQ(db);
    for (int i = 0; i < SQ_CACHE_SLOTS; i++) {
        if (d->cache[i]) {
            sqlite3_finalize(d->cache[i]->st);
            free(d->cache[i]->sql);
            free(d->cache[i]);
        }
    }
    for (int i = 0; i < 4; i++)
        sqlite3_finalize(d->tx[i]);
    sqlite3_close(d->h);
    free(d);
}

static enum err_code sq_exec(struct db *db, const char *sql, struct err *e)
{
    struct sq_db *d = SQ(db);
    char *msg = NULL;
    if (sqlite3_exec(d->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        enum err_code rc = sq_fail(d, e, "sql");
        if (msg)
            err_set(e, rc, "sql: %s", msg);
        sqlite3_free(msg);
        return rc;
    }
    return ERR_OK;
}

/* Transaction statements run on every request: parsing them each time
 * showed in profiles, so each connection keeps them prepared. */
enum { TX_BEGIN, TX_BEGIN_WRITE, TX_COMMIT, TX_ROLLBACK };

static enum err_code sq_tx(struct db *db, int which, struct err *e)
{
    static const char *const sql[] = {"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};
    struct sq_db *d = SQ(db);
    if (!d->tx[which] && sqlite3_prepare_v3(d->h, sql[which], -1, SQLITE_PREPARE_PERSISTENT,
                                            &d->tx[which], NULL) != SQLITE_OK)
        return sq_fail(d, e, sql[which]);
    enum err_code rc =
        sqlite3_step(d->tx[which]) == SQLITE_DONE ? ERR_OK : sq_fail(d, e, sql[which]);
    sqlite3_reset(d->tx[which]);
    return rc;
}

static enum err_code sq_begin(struct db *db, bool write, struct err *e)
{
    return sq_tx(db, write ? TX_BEGIN_WRITE : TX_BEGIN, e);
}

/* Outside a transaction every statement takes and drops the shared locks
 * (file-lock syscalls each time): a unit of reading work takes them once. */
static enum err_code sq_snapshot(struct db *db, struct err *e) { return sq_tx(db, TX_BEGIN, e); }

static enum err_code sq_commit(struct db *db, struct err *e) { return sq_tx(db, TX_COMMIT, e); }

static void sq_rollback(struct db *db)
{
    struct err e;
    err_clear(&e);
    sq_tx(db, TX_ROLLBACK, &e);
}

static bool sq_tx_active(struct db *db) { return !sqlite3_get_autocommit(SQ(db)->h); }

/* The cache key's hash, eight bytes at a time: an entity's SELECT with its
 * label subqueries is a kilobyte or two, hashed on every query. */
static uint32_t sql_hash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15u ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0x100000001B3u;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001B3u;
    h ^= h >> 32;
    return (uint32_t)h;
}

static struct db_stmt *sq_prepare(struct db *db, const char *sql, struct err *e)
{
    struct sq_db *d = SQ(db);
    size_t len = strlen(sql);
    uint32_t h = sql_hash(sql, len);
    int free_slot = -1;
    for (int k = 0; k < SQ_CACHE_SLOTS; k++) {
        int i = (int)((h + (uint32_t)k) % SQ_CACHE_SLOTS);
        struct sq_stmt *s = d->cache[i];
        if (!s) {
            free_slot = i;
            break;
        }
        if (s->len == len && memcmp(s->sql, sql, len) == 0)
            return &s->base;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        sq_fail(d, e, "prepare");
        e->code = ERR_INTERNAL;
        return NULL;
    }
    struct sq_stmt *s = xcalloc(1, sizeof(*s));
    s->base.db = db;
    s->st = st;
    s->sql = xstrdup(sql);
    s->len = len;
    /* keep a quarter of the slots free so probing stays short */
    if (free_slot >= 0 && d->ncached < SQ_CACHE_SLOTS * 3 / 4) {
        s->cached = true;
        d->cache[free_slot] = s;
        d->ncached++;
    }
    return &s->base;
}

static int sq_index(struct sq_stmt *s, int n)
{
    char name[16];
    snprintf(name, sizeof(name), "$%d", n);
    return sqlite3_bind_parameter_index(s->st, name);
}

static void sq_bind_i64(struct db_stmt *st, int n, int64_t v)
{
    struct sq_stmt *s = SS(st);
    sqlite3_bind_int64(s->st, sq_index(s, n), v);
}

static void sq_bind_text(struct db_stmt *st, int n, const char *v)
{
    struct sq_stmt *s = SS(st);
    if (v)
        sqlite3_bind_text(s->st, sq_index(s, n), v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s->st, sq_index(s, n));
}

static void sq_bind_null(struct db_stmt *st, int n)
{
    struct sq_stmt *s = SS(st);
    sqlite3_bind_null(s->st, sq_index(s, n));
}

static int sq_param_count(struct db_stmt *st) { return sqlite3_bind_parameter_count(SS(st)->st); }

static int sq_step(struct db_stmt *st)
{
    struct sq_stmt *s = SS(st);
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    struct sq_db *d = SQ(st->db);
    st->constraint = (rc & 0xff) == SQLITE_CONSTRAINT;
    sq_fail(d, st->e, "query");
    return DB_FAIL;
}

static int sq_col_count(struct db_stmt *st) { return sqlite3_column_count(SS(st)->st); }
static const char *sq_col_name(struct db_stmt *st, int i)
{
    return sqlite3_column_name(SS(st)->st, i);
}
static bool sq_col_null(struct db_stmt *st, int i)
{
    return sqlite3_column_type(SS(st)->st, i) == SQLITE_NULL;
}
static int64_t sq_col_i64(struct db_stmt *st, int i) { return sqlite3_column_int64(SS(st)->st, i); }
static const char *sq_col_text(struct db_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(SS(st)->st, i);
}

static void sq_done(struct db_stmt *st)
{
    struct sq_stmt *s = SS(st);
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    if (!s->cached) {
        sqlite3_finalize(s->st);
        free(s->sql);
        free(s);
    }
}

/* Table names come from entity descriptors (constants), never from input. */
static enum err_code sq_search_ensure(struct db *db, const char *table, struct err *e)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "CREATE VIRTUAL TABLE IF NOT EXISTS %s_fts USING fts5(body, tokenize = "
             "'unicode61 remove_diacritics 2')",
             table);
    return sq_exec(db, sql, e);
}

static enum err_code sq_search_delete(struct db *db, const char *table, int64_t id, struct err *e)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "DELETE FROM %s_fts WHERE rowid = $1", table);
    return db_run(db, e, sql, "i", id);
}

static enum err_code sq_search_put(struct db *db, const char *table, int64_t id, const char *folded,
                                   struct err *e)
{
    enum err_code rc = sq_search_delete(db, table, id, e);
    if (rc != ERR_OK)
        return rc;
    char sql[128];
    snprintf(sql, sizeof(sql), "INSERT INTO %s_fts(rowid, body) VALUES ($1, $2)", table);
    return db_run(db, e, sql, "it", id, folded);
}

static const char *sq_search_clause(struct db *db, struct arena *a, struct buf *sql,
                                    const char *alias, const char *table, int param,
                                    const char *folded, struct search_page *page)
{
    (void)db;
    char *terms = db_search_terms(folded, "\"", "\"*", " ", "\"", 0);
    if (!terms)
        return NULL;
    if (page && page->limit > 0) {
        /* FTS5 walks its index in rowid order: the newest page of matches
         * costs the same however many rows match */
        buf_printf(sql, "%s.id IN (SELECT rowid FROM %s_fts WHERE %s_fts MATCH $%d", alias, table,
                   table, param);
        if (page->before > 0)
            buf_printf(sql, " AND rowid < %lld", (long long)page->before);
        buf_printf(sql, " ORDER BY rowid DESC LIMIT %d)", page->limit);
    } else {
        buf_printf(sql, "%s.id IN (SELECT rowid FROM %s_fts WHERE %s_fts MATCH $%d)", alias, table,
                   table, param);
    }
    const char *out = arena_strdup(a, terms);
    free(terms);
    return out;
}

static enum err_code sq_backup(struct db *db, const char *path, struct err *e)
{
    struct sq_db *d = SQ(db);
    sqlite3 *dst;
    if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        err_set(e, ERR_INTERNAL, "cannot create %s: %s", path, sqlite3_errmsg(dst));
        sqlite3_close(dst);
        return ERR_INTERNAL;
    }
    /* a single step copies everything under one read snapshot: consistent
     * even while other connections keep writing (WAL) */
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", d->h, "main");
    int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
    if (b)
        sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        err_set(e, ERR_INTERNAL, "backup failed: %s", sqlite3_errmsg(dst));
        sqlite3_close(dst);
        return ERR_INTERNAL;
    }
    sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    sqlite3_close(dst);
    return ERR_OK;
}

static const struct db_ops sq_ops = {
    .close = sq_close,
    .begin = sq_begin,
    .snapshot = sq_snapshot,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .tx_active = sq_tx_active,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .bind_i64 = sq_bind_i64,
    .bind_text = sq_bind_text,
    .bind_null = sq_bind_null,
    .param_count = sq_param_count,

    .step = sq_step,
    .col_count = sq_col_count,
    .col_name = sq_col_name,
    .col_null = sq_col_null,
    .col_i64 = sq_col_i64,
    .col_text = sq_col_text,
    .done = sq_done,
    .search_ensure = sq_search_ensure,
    .search_put = sq_search_put,
    .search_delete = sq_search_delete,
    .search_clause = sq_search_clause,
    .backup = sq_backup,
};

/* SQLite counts its allocations under one global mutex unless told not to:
 * with a connection per thread that lock is the hottest in the server (a
 * futex per query under load). Must run before SQLite initialises. */
static void sq_configure(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

enum err_code db_sqlite_open(const char *path, struct db **out, struct err *e)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sq_configure);
    sqlite3 *h;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &h, flags, NULL) != SQLITE_OK) {
        err_set(e, ERR_UNAVAILABLE, "cannot open database %s: %s", path,
                h ? sqlite3_errmsg(h) : "out of memory");
        sqlite3_close(h);
        return ERR_UNAVAILABLE;
    }
    struct sq_db *d = xcalloc(1, sizeof(*d));
    d->base.ops = &sq_ops;
    d->base.dialect = DB_SQLITE;
    d->h = h;
    sqlite3_busy_timeout(h, 10000);
    sqlite3_extended_result_codes(h, 1);
    enum err_code rc = sq_exec(&d->base,
                               "PRAGMA journal_mode = WAL;"
                               "PRAGMA synchronous = FULL;"
                               "PRAGMA foreign_keys = ON;"
                               "PRAGMA temp_store = MEMORY;"
                               "PRAGMA cache_size = -8000;",
                               e);
    if (rc != ERR_OK) {
        err_set(e, ERR_UNAVAILABLE, "cannot open database %s: %s", path, e->message);
        sq_close(&d->base);
        return ERR_UNAVAILABLE;
    }
    *out = &d->base;
    return ERR_OK;
}
