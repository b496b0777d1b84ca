/* ratelimit.h — counters that block a key (a login, an address) after too
 * many events in a window (core layer). Kept in the database, so several
 * server processes share them. */
#ifndef SERVITOR_RATELIMIT_H
#define SERVITOR_RATELIMIT_H

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
/* Forgets a key (a successful login). */
enum err_code ratelimit_clear(struct ctx *cx, const char *key);

#endif
