/* counters.h — badge counters maintained in the same transaction as the
 * changes they count (core layer), and a recount to set them from scratch. */
#ifndef SERVITOR_COUNTERS_H
#define SERVITOR_COUNTERS_H

#include <stdint.h>

#include "core/ctx.h"

/* The name of a counter of a group: "<group>.<value>" ("requests.status.new");
 * with value "%" a LIKE pattern for the whole group (arena). */
const char *counter_name(struct ctx *cx, const char *group, const char *value);
/* The value part of a counter's name when it belongs to group, else NULL. */
const char *counter_value_of(const char *name, const char *group);

/* Adds delta to a counter (made at 0 when missing). In the caller's
 * write transaction. */
enum err_code counter_add(struct ctx *cx, const char *name, int64_t delta);

/* Sets the counters of a group (counter_name) from scratch: prefix_sql selects
 * (value, count) pairs. In the caller's write transaction. */
enum err_code counters_recount(struct ctx *cx, const char *prefix, const char *select_sql);

#endif
