/* db.c — dispatch of the storage interface to its drivers, and the small
 * helpers every caller uses (db layer). */
#include "db.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"
#include "group.h"
#include "base/banned.h"

/* A request thread's connection that joined the group commit works through
 * the group's writer until the request ends (group.c). */
static struct db *T(struct db *db) { return db->redirect ? db->redirect : db; }

enum err_code db_open(const char *url, struct db **out, struct err *e)
{
    *out = NULL;
    if (!url || !*url)
        return err_set(e, ERR_INVALID, "no database given (--db PATH or SERVITOR_DB)");
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        return db_pg_open(url, out, e);
    return db_sqlite_open(url, out, e);
}

void db_close(struct db *db)
{
    if (db)
        db->ops->close(db);
}

enum db_dialect db_dialect(const struct db *db) { return db->dialect; }

/* Inside a shared commit (group.c) a caller's transaction is a savepoint of
 * the group's: committing it releases the savepoint, rolling back undoes its
 * work only; the group's COMMIT makes it durable. */
static enum err_code savepoint(struct db *db, const char *sql, struct err *e)
{
    return db->ops->exec(db, sql, e);
}

enum err_code db_begin_write(struct db *db, struct err *e)
{
    /* the first write transaction of a request joins the group commit */
    if (db->group && !db->redirect && !db->in_tx) {
        enum err_code jc = db_group_join(db, e);
        if (jc != ERR_OK)
            return jc;
    }
    db = T(db);
    enum err_code rc =
        db->grouped ? savepoint(db, "SAVEPOINT work", e) : db->ops->begin(db, true, e);
    db->in_tx = rc == ERR_OK;
    return rc;
}

enum err_code db_begin_read(struct db *db, struct err *e)
{
    db = T(db);
    enum err_code rc =
        db->grouped ? savepoint(db, "SAVEPOINT work", e) : db->ops->begin(db, false, e);
    db->in_tx = rc == ERR_OK;
    return rc;
}

enum err_code db_begin_snapshot(struct db *db, struct err *e)
{
    db = T(db);
    if (db->in_tx)
        return ERR_OK;
    enum err_code rc = db->ops->snapshot(db, e);
    db->in_tx = rc == ERR_OK && db->ops->tx_active(db);
    return rc;
}

enum err_code db_commit(struct db *db, struct err *e)
{
    db = T(db);
    if (db->grouped) {
        enum err_code rc = savepoint(db, "RELEASE work", e);
        if (rc != ERR_OK)
            db_rollback(db);
        db->in_tx = false;
        return rc;
    }
    enum err_code rc = db->ops->commit(db, e);
    if (rc != ERR_OK)
        db->ops->rollback(db);
    db->in_tx = false;
    return rc;
}

enum err_code db_begin_own(struct db *db, struct err *e, bool *own)
{
    *own = !T(db)->in_tx;
    return *own ? db_begin_write(db, e) : ERR_OK;
}

enum err_code db_end_own(struct db *db, struct err *e, bool own, enum err_code rc)
{
    if (!own)
        return rc;
    if (rc != ERR_OK) {
        db_rollback(db);
        return rc;
    }
    return db_commit(db, e);
}

void db_rollback(struct db *db)
{
    db = T(db);
    if (db->in_tx && db->grouped) {
        struct err e;
        err_clear(&e);
        savepoint(db, "ROLLBACK TO work; RELEASE work", &e);
    } else if (db->in_tx) {
        db->ops->rollback(db);
    }
    db->in_tx = false;
}

bool db_in_tx(const struct db *db) { return (db->redirect ? db->redirect : db)->in_tx; }

enum err_code db_exec(struct db *db, const char *sql, struct err *e)
{
    db = T(db);
    return db->ops->exec(db, sql, e);
}

struct db_stmt *db_prepare(struct db *db, const char *sql, struct err *e)
{
    db = T(db);
    struct db_stmt *st = db->ops->prepare(db, sql, e);
    if (st) {
        st->e = e;
        st->constraint = false;
    }
    return st;
}

void db_bind_i64(struct db_stmt *st, int n, int64_t v) { st->db->ops->bind_i64(st, n, v); }
void db_bind_text(struct db_stmt *st, int n, const char *s) { st->db->ops->bind_text(st, n, s); }
void db_bind_null(struct db_stmt *st, int n) { st->db->ops->bind_null(st, n); }
int db_step(struct db_stmt *st) { return st->db->ops->step(st); }
int db_col_count(struct db_stmt *st) { return st->db->ops->col_count(st); }
const char *db_col_name(struct db_stmt *st, int i) { return st->db->ops->col_name(st, i); }
bool db_col_null(struct db_stmt *st, int i) { return st->db->ops->col_null(st, i); }
int64_t db_col_i64(struct db_stmt *st, int i) { return st->db->ops->col_i64(st, i); }
const char *db_col_text(struct db_stmt *st, int i) { return st->db->ops->col_text(st, i); }
bool db_constraint_failed(struct db_stmt *st) { return st->constraint; }

void db_done(struct db_stmt *st)
{
    if (st)
        st->db->ops->done(st);
}

static void bind_va(struct db_stmt *st, const char *types, va_list ap)
{
    for (int i = 0; types[i]; i++) {
        if (types[i] == 'i') {
            db_bind_i64(st, i + 1, va_arg(ap, int64_t));
        } else if (types[i] == 'I') {
            int64_t v = va_arg(ap, int64_t);
            if (v)
                db_bind_i64(st, i + 1, v);
            else
                db_bind_null(st, i + 1);
        } else {

            const char *s = va_arg(ap, const char *);
            db_bind_text(st, i + 1, s);
        }
    }
}

/* A type string that does not fit the statement is a bug: it is caught here,
 * before the arguments are read, instead of reading garbage. */
static bool types_fit(struct db_stmt *st, const char *types, struct err *e)
{
    int want = st->db->ops->param_count(st), have = (int)strlen(types);
    if (want == have)
        return true;
    err_set(e, ERR_INTERNAL, "query takes %d parameters, %d given", want, have);
    db_done(st);
    return false;
}

struct db_stmt *db_q(struct db *db, struct err *e, const char *sql, const char *types, ...)
{
    struct db_stmt *st = db_prepare(db, sql, e);
    if (!st || !types_fit(st, types, e))
        return NULL;
    va_list ap;
    va_start(ap, types);
    bind_va(st, types, ap);
    va_end(ap);
    return st;
}

enum err_code db_run(struct db *db, struct err *e, const char *sql, const char *types, ...)
{
    /* a statement run for its effect is a write: outside a transaction it
     * joins the group commit too, rather than wait for the writer's lock */
    if (db->group && !db->redirect && !db->in_tx) {
        enum err_code jc = db_group_join(db, e);
        if (jc != ERR_OK)
            return jc;
    }
    struct db_stmt *st = db_prepare(db, sql, e);
    if (!st || !types_fit(st, types, e))
        return e->code;
    va_list ap;
    va_start(ap, types);
    bind_va(st, types, ap);
    va_end(ap);
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        ;
    db_done(st);
    return rc == DB_DONE ? ERR_OK : e->code;
}

enum err_code db_get_i64(struct db *db, struct err *e, int64_t *out, bool *found, const char *sql,
                         const char *types, ...)
{
    struct db_stmt *st = db_prepare(db, sql, e);
    if (!st || !types_fit(st, types, e))
        return e->code;

    va_list ap;
    va_start(ap, types);
    bind_va(st, types, ap);
    va_end(ap);
    int rc = db_step(st);
    bool have = rc == DB_ROW;
    if (have)
        *out = db_col_i64(st, 0);
    if (found)
        *found = have;
    db_done(st);
    if (rc == DB_FAIL)
        return e->code;
    if (!have && !found)
        return err_set(e, ERR_NOTFOUND, "no row");
    return ERR_OK;
}

char *db_search_terms(const char *folded, const char *open, const char *close, const char *sep,
                      const char *special, char escape)
{
    struct buf q = BUF_INIT;
    for (const char *p = folded; *p;) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        if (p == w)
            continue;
        if (q.len)
            buf_adds(&q, sep);
        buf_adds(&q, open);
        for (const char *c = w; c < p; c++) {
            if (strchr(special, *c))
                buf_addch(&q, escape ? escape : *c);
            buf_addch(&q, *c);
        }
        buf_adds(&q, close);
    }
    if (!q.len) {
        buf_release(&q);
        return NULL;
    }
    return buf_detach(&q, NULL);
}

enum err_code db_search_ensure(struct db *db, const char *table, struct err *e)
{
    db = T(db);
    return db->ops->search_ensure(db, table, e);
}

enum err_code db_search_put(struct db *db, const char *table, int64_t id, const char *folded,
                            struct err *e)
{
    db = T(db);
    return db->ops->search_put(db, table, id, folded, e);
}

enum err_code db_search_delete(struct db *db, const char *table, int64_t id, struct err *e)
{
    db = T(db);
    return db->ops->search_delete(db, table, id, e);
}

const char *db_search_clause(struct db *db, struct arena *a, struct buf *sql, const char *alias,
                             const char *table, int param, const char *folded_query,
                             struct search_page *page)
{
    db = T(db);
    return db->ops->search_clause(db, a, sql, alias, table, param, folded_query, page);
}

const char *db_sql_skip_locked(const struct db *db)
{
    return db->dialect == DB_POSTGRES ? "\nFOR UPDATE SKIP LOCKED" : "";
}

const char *db_sql_for_update(const struct db *db)
{
    return db->dialect == DB_POSTGRES ? "\nFOR UPDATE" : "";
}

enum err_code db_tables(struct db *db, struct arena *a, const char ***out, struct err *e)
{
    const char *sql = db->dialect == DB_POSTGRES
                          ? "SELECT table_name FROM information_schema.tables\n"
                            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'\n"
                            "ORDER BY table_name"
                          : "SELECT name FROM sqlite_master\n"
                            "WHERE type = 'table' AND name NOT LIKE 'sqlite_%'\n"
                            "  AND name NOT LIKE '%_fts' AND name NOT LIKE '%_fts_%'\n"
                            "ORDER BY name";
    struct db_stmt *st = db_prepare(db, sql, e);
    if (!st)
        return e->code;
    const char **names = arena_alloc(a, sizeof(char *) * 257);
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < 256)
        names[n++] = arena_strdup(a, db_col_text(st, 0));
    db_done(st);
    if (rc == DB_FAIL)
        return e->code;
    names[n] = NULL;
    *out = names;
    return ERR_OK;
}

enum err_code db_table_parents(struct db *db, struct arena *a, const char *table, const char ***out,
                               struct err *e)
{
    const char *sql = db->dialect == DB_POSTGRES
                          ? "SELECT DISTINCT p.relname FROM pg_constraint c\n"
                            "JOIN pg_class t ON t.oid = c.conrelid\n"
                            "JOIN pg_class p ON p.oid = c.confrelid\n"
                            "WHERE c.contype = 'f' AND t.relname = $1\n"
                            "  AND t.relnamespace = current_schema()::regnamespace\n"
                            "ORDER BY 1"
                          : "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)\n"
                            "ORDER BY 1";
    struct db_stmt *st = db_q(db, e, sql, "t", table);
    if (!st)
        return e->code;
    const char **names = arena_alloc(a, sizeof(char *) * 65);
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < 64)
        if (strcmp(db_col_text(st, 0), table) != 0)
            names[n++] = arena_strdup(a, db_col_text(st, 0));
    db_done(st);
    if (rc == DB_FAIL)
        return e->code;
    names[n] = NULL;
    *out = names;
    return ERR_OK;
}

enum err_code db_ids_resync(struct db *db, const char *table, struct err *e)
{
    if (db->dialect != DB_POSTGRES)
        return ERR_OK; /* SQLite's INTEGER PRIMARY KEY continues after max(id) by itself */
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
             "COALESCE((SELECT MAX(id) FROM %s), 0) + 1, false)",
             table, table);
    return db_run(db, e, sql, "");
}

enum err_code db_ids_catch_up(struct db *db, struct err *e)
{
    if (db->dialect != DB_POSTGRES)
        return ERR_OK; /* SQLite allocates after the largest id by itself */
    return db_exec(db,
                   "DO $$\n"
                   "DECLARE t record; top bigint;\n"
                   "BEGIN\n"
                   "  FOR t IN SELECT c.table_name AS name,\n"
                   "                  pg_get_serial_sequence(c.table_name, 'id') AS seq\n"
                   "           FROM information_schema.columns c\n"
                   "           WHERE c.table_schema = current_schema() AND c.column_name = 'id'\n"
                   "             AND c.is_identity = 'YES' LOOP\n"
                   "    EXECUTE format('SELECT MAX(id) FROM %I', t.name) INTO top;\n"
                   "    IF top > COALESCE(pg_sequence_last_value(t.seq::regclass), 0) THEN\n"
                   "      PERFORM setval(t.seq, top);\n"
                   "    END IF;\n"
                   "  END LOOP;\n"
                   "END $$",
                   e);
}

enum err_code db_backup(struct db *db, const char *path, struct err *e)
{
    db = T(db);
    return db->ops->backup(db, path, e);
}
