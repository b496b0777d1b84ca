/* group.h — group commit for SQLite (db layer).
 *
 * On SQLite each commit writes every page its transaction touched to the WAL
 * and waits for an fsync; writers run one at a time anyway. So concurrent
 * writing requests share one commit: they take turns on one writer
 * connection, each request's transactions become savepoints of the batch's
 * transaction, and the last writer of a batch (no one waiting any more, or the
 * batch full) commits it for all. A request is answered only after its batch
 * is durable; a request that fails rolls back to its savepoint and leaves the
 * others' work alone. PostgreSQL groups commits itself: no group there. */
#ifndef SERVITOR_DB_GROUP_H
#define SERVITOR_DB_GROUP_H

#include <stdint.h>

#include "db/db.h"

struct db_group;

/* Opens the writer connection of url. *out is NULL (and ERR_OK returned) when
 * the database is not SQLite or SERVITOR_GROUP_COMMIT=0. */
enum err_code db_group_open(const char *url, struct db_group **out, struct err *e);
void db_group_close(struct db_group *g);

/* Waits for the writer connection and joins (or opens) the current batch.
 * Returns the connection to use until db_group_leave, or NULL with e set. */
struct db *db_group_enter(struct db_group *g, uint64_t *batch, struct err *e);
/* Gives the connection back and returns once the batch is durable: ERR_OK,
 * or the error of its commit (then nothing of the batch was written). */
enum err_code db_group_leave(struct db_group *g, uint64_t batch, struct err *e);
/* A request thread's connection joins the group lazily: attached once, its
 * first write transaction (db_begin_write) takes the writer and works
 * through it — so what a request does before (password hashing, reading,
 * parsing) holds nobody up — and db_group_finish, at the end of the request,
 * gives it back and waits for the batch to be durable (ERR_OK when nothing
 * was joined). */
void db_group_attach(struct db *db, struct db_group *g);
enum err_code db_group_join(struct db *db, struct err *e);
enum err_code db_group_finish(struct db *db, struct err *e);

/* How many batches were committed and how many requests they carried. */
void db_group_stats(struct db_group *g, uint64_t *batches, uint64_t *requests);

#endif
