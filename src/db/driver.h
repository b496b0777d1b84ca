/* driver.h — what a storage driver provides (db layer, private to src/db).
 * db.c dispatches every call of db.h through a struct db_ops; each driver
 * embeds struct db / struct db_stmt as the first member of its own structs. */
#ifndef SERVITOR_DB_DRIVER_H
#define SERVITOR_DB_DRIVER_H

#include "db.h"

struct db_ops {
    void (*close)(struct db *db);
    enum err_code (*begin)(struct db *db, bool write, struct err *e);
    /* a read snapshot for one unit of reading work (db_begin_snapshot):
     * may open a read transaction, or nothing */
    enum err_code (*snapshot)(struct db *db, struct err *e);
    enum err_code (*commit)(struct db *db, struct err *e);
    void (*rollback)(struct db *db);
    bool (*tx_active)(struct db *db); /* the database's own view: a transaction is open */
    enum err_code (*exec)(struct db *db, const char *sql, struct err *e);
    struct db_stmt *(*prepare)(struct db *db, const char *sql, struct err *e);
    void (*bind_i64)(struct db_stmt *st, int n, int64_t v);
    void (*bind_text)(struct db_stmt *st, int n, const char *s);
    void (*bind_null)(struct db_stmt *st, int n);
    int (*param_count)(struct db_stmt *st);

    int (*step)(struct db_stmt *st);
    int (*col_count)(struct db_stmt *st);
    const char *(*col_name)(struct db_stmt *st, int i);
    bool (*col_null)(struct db_stmt *st, int i);
    int64_t (*col_i64)(struct db_stmt *st, int i);
    const char *(*col_text)(struct db_stmt *st, int i);
    void (*done)(struct db_stmt *st);
    enum err_code (*search_ensure)(struct db *db, const char *table, struct err *e);
    enum err_code (*search_put)(struct db *db, const char *table, int64_t id, const char *folded,
                                struct err *e);
    enum err_code (*search_delete)(struct db *db, const char *table, int64_t id, struct err *e);
    const char *(*search_clause)(struct db *db, struct arena *a, struct buf *sql, const char *alias,
                                 const char *table, int param, const char *folded_query,
                                 struct search_page *page);
    enum err_code (*backup)(struct db *db, const char *path, struct err *e);
};

struct db {
    const struct db_ops *ops;
    enum db_dialect dialect;
    bool in_tx;
    bool grouped;             /* the group's writer inside a batch: transactions are savepoints */
    struct db_group *group;   /* a request thread's connection: its writes join this group… */
    struct db *redirect;      /* …through the group's writer, once the first write began */
    unsigned long long batch; /* the batch joined */
};

struct db_stmt {
    struct db *db;
    struct err *e;
    bool constraint; /* the last failure was a constraint violation */
};

/* Builds a driver's search query from folded words: each word between
 * `open` and `close`, the characters in `special` escaped by `escape` (0:
 * doubled), joined by `sep`. Malloc'ed (the caller frees); NULL when there
 * are no words. */
char *db_search_terms(const char *folded, const char *open, const char *close, const char *sep,
                      const char *special, char escape);

enum err_code db_sqlite_open(const char *path, struct db **out, struct err *e);
enum err_code db_pg_open(const char *url, struct db **out, struct err *e);

#endif
