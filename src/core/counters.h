/* counters.h — badge counters maintained in the same transaction as the
 * changes they count (core layer), and a recount to set them from scratch. */
#ifndef SERVITOR_COUNTERS_H
#define SERVITOR_COUNTERS_H

#include <stdint.h>

#include "core/ctx.h"

/* Adds delta to a counter (made at 0 when missing). In the caller's
 * write transaction. */
enum err_code counter_add(struct ctx *cx, const char *name, int64_t delta);

/* Sets the counters "<prefix>.<value>" from scratch: prefix_sql selects
 * (value, count) pairs. In the caller's write transaction. */
enum err_code counters_recount(struct ctx *cx, const char *prefix, const char *select_sql);

#endif
