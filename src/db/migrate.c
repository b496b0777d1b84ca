/* migrate.c — versioned, forward-only schema migrations (db layer). */
#include "migrate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/embed.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "base/banned.h"

extern const struct embedded_file migration_files[];

enum err_code migrate_run(struct db *db, const char *const *search_tables, int *applied,
                          struct err *e)
{
    return migrate_run_to(db, search_tables, INT64_MAX, applied, e);
}

enum err_code migrate_run_to(struct db *db, const char *const *search_tables, int64_t last,
                             int *applied, struct err *e)
{
    *applied = 0;
    enum err_code rc = db_exec(db,
                               "CREATE TABLE IF NOT EXISTS schema_migrations (\n"
                               "    version     INTEGER PRIMARY KEY,\n"
                               "    name        TEXT NOT NULL,\n"
                               "    applied_at  TEXT NOT NULL\n"
                               ")",
                               e);
    if (rc != ERR_OK)
        return rc;
    for (const struct embedded_file *f = migration_files; f->name; f++) {
        int64_t version;
        const char *us = strchr(f->name, '_');
        if (!us || !parse_i64(f->name, (size_t)(us - f->name), &version))
            return err_set(e, ERR_INTERNAL, "migration %s has no number", f->name);
        if (version > last)
            break;
        if ((rc = db_begin_write(db, e)) != ERR_OK)
            return rc;
        bool done = false;
        int64_t one;
        rc = db_get_i64(db, e, &one, &done, "SELECT 1 FROM schema_migrations WHERE version = $1",
                        "i", version);
        if (rc == ERR_OK && !done) {
            char *sql = xmalloc(f->len + 1);
            memcpy(sql, f->data, f->len);
            sql[f->len] = 0;
            rc = db_exec(db, sql, e);
            free(sql);
            char now[ISO_TIME_LEN];
            time_now_iso(now);
            if (rc == ERR_OK)
                rc = db_run(db, e,
                            "INSERT INTO schema_migrations (version, name, applied_at)\n"
                            "VALUES ($1, $2, $3)",
                            "itt", version, f->name, now);
            if (rc == ERR_OK)
                (*applied)++;
            else
                err_set(e, rc, "migration %s failed: %.200s", f->name, e->message);
        }
        if (rc != ERR_OK) {
            db_rollback(db);
            return rc;
        }
        if ((rc = db_commit(db, e)) != ERR_OK)
            return rc;
    }
    /* a migration may carry rows over with their ids (016: the requests'
     * events): PostgreSQL's id generators must not hand those out again */
    if (*applied && (rc = db_ids_catch_up(db, e)) != ERR_OK)
        return rc;
    for (int i = 0; search_tables && search_tables[i]; i++)
        if ((rc = db_search_ensure(db, search_tables[i], e)) != ERR_OK)
            return rc;
    return ERR_OK;
}
