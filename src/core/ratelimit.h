/* ratelimit.h — counters that block a key (a login, an address) after too
 * many events in a window (core layer). Kept in the database, so several
 * server processes share them. */
#ifndef SERVITOR_RATELIMIT_H
#define SERVITOR_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/ctx.h"

struct rate_rule {
    int window; /* seconds in which events are counted */
    int max;    /* events that trigger a block */
    int block;  /* seconds the key then stays blocked */
};

/* ERR_LIMITED (cx->err.retry_after set) while the key is blocked. */
enum err_code ratelimit_check(struct ctx *cx, const char *key, int64_t now);
/* Counts one event for the key; blocks it when the rule's count is reached.
 * Must run in a write transaction. */
enum err_code ratelimit_hit(struct ctx *cx, const char *key, int64_t now,
                            const struct rate_rule *rule);
/* Takes one attempt for the key before the work it limits is done (a
 * password hash), so parallel attempts cannot exceed the rule: ERR_OK counted
 * (at most rule->max in a window), ERR_LIMITED (cx->err.retry_after set) when
 * the key is blocked — the attempt after the last allowed one blocks it. *fresh
 * (may be NULL) tells that the key had no record before (no attempts within
 * the last hour or so: the jobs forget old keys). Must run in a write
 * transaction, committed also on ERR_LIMITED (the block may have just been
 * set; the count itself is then unchanged). */
enum err_code ratelimit_take(struct ctx *cx, const char *key, int64_t now,
                             const struct rate_rule *rule, bool *fresh);
/* Gives back one attempt taken (it succeeded and should not count). */
enum err_code ratelimit_give_back(struct ctx *cx, const char *key);
/* Forgets a key (a successful login). */
enum err_code ratelimit_clear(struct ctx *cx, const char *key);

#endif
