/* sla.h — service levels (domain layer): business calendars, SLA policies per
 * priority, and the SLA clock of a request — deadlines in business time,
 * paused while waiting for the client or parts, warning and breach states
 * kept by a background job. */
#ifndef SERVITOR_SLA_H
#define SERVITOR_SLA_H

#include "core/entity.h"
#include "domain/desk/bizcal.h"

extern const struct entity entity_business_calendars;
extern const struct entity entity_calendar_days;
extern const struct entity entity_sla_policies;

/* The calendar of a branch (0: none), or the first calendar; arena-owned.
 * ERR_NOTFOUND when there is no calendar at all. */
enum err_code sla_calendar(struct ctx *cx, int64_t branch_id, struct bizcal *cal);

/* Sets a request's policy, deadlines and state from its priority, branch,
 * creation time and paused minutes (rec is the request being written). */
enum err_code sla_apply(struct ctx *cx, struct record *rec, int64_t created);

/* The SLA side of a status change: pause on entering a waiting state,
 * resume (deadlines moved by the business time paused) on leaving it, the
 * first response on starting work, met or breached on resolving. */
enum err_code sla_on_status(struct ctx *cx, const struct record *rec, const char *to,
                            struct record *patch);

/* Job: marks requests whose warning point or deadline has passed and writes
 * it on their timeline. */
enum err_code sla_scan(struct ctx *cx);

/* Loads a production calendar given as TSV lines "YYYY-MM-DD<TAB>kind<TAB>note"
 * ("#" comments and a header line allowed) into a calendar, replacing the
 * same dates. *loaded counts the days. ERR_INVALID names the first bad line. */
enum err_code sla_calendar_load(struct ctx *cx, int64_t calendar_id, const char *tsv, int *loaded);

#endif
