/* migrate.h — versioned, forward-only schema migrations (db layer).
 * Migrations are the numbered .sql files of src/db/migrations, embedded in
 * the binary at build time and applied in order, each in one transaction. */
#ifndef SERVITOR_MIGRATE_H
#define SERVITOR_MIGRATE_H

#include "db/db.h"

/* Applies every migration not yet applied, then makes sure each table in
 * search_tables (NULL-terminated) has its search index. *applied counts the
 * migrations run now. */
enum err_code migrate_run(struct db *db, const char *const *search_tables, int *applied,
                          struct err *e);
/* The same, stopping after migration number `last` (tests of a migration
 * build the schema before it: `servitor migrate --to N`). */
enum err_code migrate_run_to(struct db *db, const char *const *search_tables, int64_t last,
                             int *applied, struct err *e);

#endif
