/* audit.h — the append-only, hash-chained audit log (core layer).
 *
 * Every change writes one entry in the same transaction as the change: who,
 * when, what, before and after. Each entry's hash covers its content and the
 * previous entry's hash, and the head row (audit_head) keeps the last id and
 * hash, so an edited, inserted or deleted entry — at the end too — breaks
 * the chain that audit_verify walks. */
#ifndef SERVITOR_AUDIT_H
#define SERVITOR_AUDIT_H

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

/* The hash of one entry's fields (exposed for tests). */
void audit_hash(const char *prev_hash, int64_t id, const char *at, int64_t user_id,
                const char *user_login, const char *action, const char *entity, int64_t record_id,
                const char *before, const char *after, char out[AUDIT_HASH_LEN]);

#endif
