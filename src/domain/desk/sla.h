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
/* The same in its own transaction, audited as the calendar's "load_days". */
enum err_code sla_calendar_import(struct ctx *cx, int64_t calendar_id, const char *tsv,
                                  int *loaded);

/* SLA compliance of the requests resolved from `from` to `to` (ISO times or
 * dates, NULL: open; a date `to` is the whole day), by assignee or by queue,
 * of the acting user's branch when they work in one. A report: read from the
 * replica when there is one. */
enum sla_report_by { SLA_BY_ASSIGNEE, SLA_BY_QUEUE };
struct sla_report_row {
    const char *key, *label; /* the assignee's id and name, or the queue twice */
    int64_t met, breached;
};
enum err_code sla_report(struct ctx *cx, enum sla_report_by by, const char *from, const char *to,
                         struct sla_report_row **rows, int *n);

/* The fields of a business calendar, in the order of its table (sla.c). */
enum calendar_field {
    CALENDAR_NAME,
    CALENDAR_TIMEZONE,
    CALENDAR_HOURS_MON,
    CALENDAR_HOURS_TUE,
    CALENDAR_HOURS_WED,
    CALENDAR_HOURS_THU,
    CALENDAR_HOURS_FRI,
    CALENDAR_HOURS_SAT,
    CALENDAR_HOURS_SUN,
    CALENDAR_SHORT_MINUTES,
    CALENDAR__COUNT
};

/* The fields of a calendar day, in the order of its table (sla.c). */
enum day_field { DAY_CALENDAR_ID, DAY_DATE, DAY_KIND, DAY_NOTE, DAY__COUNT };

/* The fields of an SLA policy, in the order of its table (sla.c). */
enum policy_field {
    POLICY_NAME,
    POLICY_PRIORITY,
    POLICY_FIRST_RESPONSE_MINUTES,
    POLICY_RESOLUTION_MINUTES,
    POLICY_WARNING_PERCENT,
    POLICY_ESCALATE_RAISE_PRIORITY,
    POLICY_ESCALATE_TO_ID,
    POLICY__COUNT
};

#endif
