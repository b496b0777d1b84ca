/* audit.h — the append-only, hash-chained audit log (core layer).
 *
 * Every change writes one entry in the same transaction as the change: who,
 * when, what, before and after. Each entry's hash covers its content and the
 * previous entry's hash, and the head row (audit_head) keeps the last id and
 * hash, so an edited, inserted or deleted entry — at the end too — breaks
 * the chain that audit_verify walks. */
#ifndef SERVITOR_AUDIT_H
#define SERVITOR_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include <stdint.h>

#include "core/ctx.h"

#define AUDIT_HASH_LEN 65 /* hex SHA-256 + NUL */

/* Appends an entry; must run inside a write transaction. before/after are
 * JSON texts or NULL. */
enum err_code audit_append(struct ctx *cx, const char *action, const char *entity,
                           int64_t record_id, const char *before, const char *after);

/* Walks the whole chain. ERR_OK when intact; otherwise ERR_CONFLICT with the
 * first bad entry's id in *bad_id and the reason in cx->err. */
enum err_code audit_verify(struct ctx *cx, int64_t *checked, int64_t *bad_id);
/* The same, and the log must still hold the head kept elsewhere: entry
 * anchor_id with anchor_hash (anchor_id 0: no anchor). */
enum err_code audit_verify_anchored(struct ctx *cx, int64_t anchor_id, const char *anchor_hash,
                                    int64_t *checked, int64_t *bad_id);

/* The head: the last entry's id and hash (to be kept elsewhere). */
enum err_code audit_head(struct ctx *cx, int64_t *id, char hash[AUDIT_HASH_LEN]);

/* ---- keys ----
 * Entries are signed with HMAC-SHA256 under a key kept outside the database,
 * in a key file (0600): "from N" (entries from id N on must be signed) and
 * lines "ID HEXKEY"; the last key signs new entries, the older ones stay for
 * verifying. Entries made before the key existed have key_id 0 (plain
 * SHA-256) and verify as before. One ring per process, loaded at start
 * before any thread runs; without one (unit tests) entries are unkeyed. */

/* The key file of a database: SERVITOR_AUDIT_KEY_FILE, else
 * "<SQLite file>.audit-key", else "servitor-audit.key" in the working
 * directory (PostgreSQL). Written into buf (size n), returned. */
const char *audit_key_path(const char *db_url, char *buf, size_t n);
/* Loads the ring from path. A missing file is made when create is set and
 * the log has no signed entry yet (key 1, from the next entry on); with
 * signed entries it is an error (the key was lost: nothing may be written).
 * Missing and not to be made (only verifying): no keys — unsigned entries
 * verify, signed ones cannot. ERR_INTERNAL with the reason. Needs cx->db. */
enum err_code audit_keys_open(struct ctx *cx, const char *path, bool create);
/* Adds a new key (the next id) to the loaded ring and its file; *new_id is
 * its id. Processes already running sign with the key they loaded until they
 * restart — both verify. */
enum err_code audit_keys_rotate(struct ctx *cx, int *new_id);
/* Writes the loaded ring to another file (copy to a new database). */
enum err_code audit_keys_save(struct ctx *cx, const char *path);

/* Which entries audit_list reads (0 / NULL: any). from and to are ISO
 * times or dates; a date "to" means the whole day. cursor: entries older
 * than that id. limit: 1..AUDIT_LIST_MAX (0: 50). */
#define AUDIT_LIST_MAX 200
struct audit_filter {
    const char *entity;
    int64_t record_id, user_id;
    const char *from, *to;
    int64_t cursor;
    int limit;
};

/* The entries that match, newest first, as JSON objects (id, at, user_id,
 * user_login, action, entity, record_id, before, after, hash) in a new array
 * *items; *next_cursor is the id to pass as the next page's cursor, or 0 on
 * the last page. A report: read from the replica when there is one. */
enum err_code audit_list(struct ctx *cx, const struct audit_filter *f, json_t **items,
                         int64_t *next_cursor);

/* The newest 200 entries of one record, from the primary (the caller's own
 * changes included), each with "kind": "record". */
enum err_code audit_record_history(struct ctx *cx, const char *entity, int64_t record_id,
                                   json_t **items);

/* The hash of one entry's fields (exposed for tests). */
void audit_hash(const char *prev_hash, int64_t id, const char *at, int64_t user_id,
                const char *user_login, const char *action, const char *entity, int64_t record_id,
                const char *before, const char *after, char out[AUDIT_HASH_LEN]);

#endif
