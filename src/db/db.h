/* db.h — the one storage interface (db layer).
 *
 * Everything above this layer talks to the database through these calls, with
 * SQL text that runs on every driver: `$1, $2…` placeholders, RETURNING,
 * portable types (INTEGER, TEXT). What differs between SQLite and PostgreSQL —
 * transactions' locking, full-text search, identity columns, online backup —
 * is a driver operation here, never an `if` in a caller.
 *
 * A `struct db` is one connection, used by one thread at a time. Statements are
 * cached per connection by their SQL text: `db_prepare` returns a cached
 * statement; `db_done` resets it and gives it back to the cache. */
#ifndef SERVITOR_DB_H
#define SERVITOR_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

enum db_step_rc {
    DB_ROW = 1,  /* a row is ready to read */
    DB_DONE = 2, /* no (more) rows */
    DB_FAIL = 3, /* an error, described in the struct err given to db_prepare */
};

enum db_dialect { DB_SQLITE, DB_POSTGRES };

struct db;
struct db_stmt;

/* Opens a connection: a file path (SQLite) or postgresql://… (PostgreSQL).
 * Returns ERR_OK or ERR_UNAVAILABLE / ERR_INVALID with the message in e. */
enum err_code db_open(const char *url, struct db **out, struct err *e);
void db_close(struct db *db);
enum db_dialect db_dialect(const struct db *db);

/* Transactions. db_begin_write takes the write lock up front (SQLite's
 * BEGIN IMMEDIATE), so a transaction that checks then changes never
 * deadlocks on lock upgrade. A commit that returns ERR_OK is durable. */
enum err_code db_begin_write(struct db *db, struct err *e);
enum err_code db_begin_read(struct db *db, struct err *e);
/* What a unit of reading work (a GET) reads in: SQLite, a read transaction
 * (the shared locks taken once, not per statement); PostgreSQL, nothing.
 * db_in_tx tells whether one was opened; it ends with db_rollback. */
enum err_code db_begin_snapshot(struct db *db, struct err *e);
enum err_code db_commit(struct db *db, struct err *e);
/* For work that may run alone or inside a caller's transaction: opens a
 * write transaction unless one is open (*own tells whether it did)… */
enum err_code db_begin_own(struct db *db, struct err *e, bool *own);
/* …and ends what db_begin_own opened: commits when rc is ERR_OK, else rolls
 * back. Returns rc, or the commit's error. */
enum err_code db_end_own(struct db *db, struct err *e, bool own, enum err_code rc);

void db_rollback(struct db *db);
bool db_in_tx(const struct db *db);

/* Runs one or more statements without parameters (migrations). */
enum err_code db_exec(struct db *db, const char *sql, struct err *e);

/* Prepared statements, cached by SQL text. A NULL return means failure,
 * described in e (ERR_INTERNAL). The statement stays bound to e: failures of
 * db_step are reported there too. */
struct db_stmt *db_prepare(struct db *db, const char *sql, struct err *e);
void db_bind_i64(struct db_stmt *st, int n, int64_t v);
/* NULL binds SQL NULL. The text is copied. */
void db_bind_text(struct db_stmt *st, int n, const char *s);
void db_bind_null(struct db_stmt *st, int n);
/* DB_ROW, DB_DONE or DB_FAIL. On DB_FAIL the error is set: ERR_CONFLICT for a
 * constraint violation (db_constraint_failed() tells), ERR_UNAVAILABLE when
 * the database is busy or gone, ERR_INTERNAL otherwise. */
int db_step(struct db_stmt *st);
int db_col_count(struct db_stmt *st);
const char *db_col_name(struct db_stmt *st, int i);
bool db_col_null(struct db_stmt *st, int i);
int64_t db_col_i64(struct db_stmt *st, int i);
/* Valid until the next db_step or db_done; NULL for SQL NULL. */
const char *db_col_text(struct db_stmt *st, int i);
/* Resets the statement and returns it to the cache. */
void db_done(struct db_stmt *st);
bool db_constraint_failed(struct db_stmt *st);

/* Prepares sql and binds arguments by a type string, one letter each:
 * 'i' int64_t, 'I' int64_t with 0 → SQL NULL (an optional reference),
 * 't' const char * (NULL → SQL NULL). */

struct db_stmt *db_q(struct db *db, struct err *e, const char *sql, const char *types, ...);
/* Runs a statement that returns no rows or ignores them. */
enum err_code db_run(struct db *db, struct err *e, const char *sql, const char *types, ...);
/* Runs a query and reads the first column of the first row as int64;
 * *found tells whether there was a row. */
enum err_code db_get_i64(struct db *db, struct err *e, int64_t *out, bool *found, const char *sql,
                         const char *types, ...);

/* Full-text search, kept per table. Text given here is already folded
 * (text_fold): the driver only indexes and matches it. */
enum err_code db_search_ensure(struct db *db, const char *table, struct err *e);
enum err_code db_search_put(struct db *db, const char *table, int64_t id, const char *folded,
                            struct err *e);
enum err_code db_search_delete(struct db *db, const char *table, int64_t id, struct err *e);
/* When a search is the whole list in newest-first order, the page it needs:
 * ids below `before` (0: from the newest), at most `limit` of them. A driver
 * may use it to stop early; NULL or ignoring it gives the same answer —
 * except when the driver sets `windowed`: then it looked only at the newest
 * rows, and fewer than `limit` rows found means the caller must ask again
 * without a page. */
struct search_page {
    int64_t before;
    int limit;
    int pass;      /* 1, 2: the driver may look at a window of the newest rows only
                      (wider on the second pass); 0: it may not… */
    bool windowed; /* …and says here when it did */
};

/* Appends to sql a condition on `<alias>.id` true for rows matching the
 * search bound as parameter $param, and returns the value to bind there, made
 * from the folded words of the user's query (every word a prefix, all words
 * required). Returns NULL when the query has no words. */
const char *db_search_clause(struct db *db, struct arena *a, struct buf *sql, const char *alias,
                             const char *table, int param, const char *folded_query,
                             struct search_page *page);

/* What follows a SELECT to claim rows that others may be claiming at the
 * same time: "FOR UPDATE SKIP LOCKED" on PostgreSQL; nothing on SQLite, where
 * the write transaction already excludes other writers. */
const char *db_sql_skip_locked(const struct db *db);
/* What follows a SELECT of rows the transaction is about to change from
 * what it read (a stock balance): "FOR UPDATE" on PostgreSQL, so others wait
 * and then read the new values; nothing on SQLite (the writer is alone). */
const char *db_sql_for_update(const struct db *db);

/* The names of the application's tables (not the search index's or the
 * database's own), sorted, NULL-terminated, in the arena. */
enum err_code db_tables(struct db *db, struct arena *a, const char ***out, struct err *e);
/* The tables a table's foreign keys refer to, itself left out; NULL-terminated,
 * in the arena. */
enum err_code db_table_parents(struct db *db, struct arena *a, const char *table, const char ***out,
                               struct err *e);
/* After rows were inserted with explicit ids: lets the table's id generator
 * continue after the largest id (PostgreSQL identity columns). */
enum err_code db_ids_resync(struct db *db, const char *table, struct err *e);
/* The same for every table whose largest id is past its generator, never
 * moving one back (after migrations that carry rows over with their ids). */
enum err_code db_ids_catch_up(struct db *db, struct err *e);

/* Online, consistent copy of the database into a new SQLite file. */
enum err_code db_backup(struct db *db, const char *path, struct err *e);

#endif
