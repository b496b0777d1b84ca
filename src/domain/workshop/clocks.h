/* clocks.h — the workshop's clocks besides the legal 45 days (domain layer):
 *
 *   target     the company's target per service type (service_types.target_days),
 *              counted in WORKING days of the branch's business calendar (the
 *              first business calendar when the branch has none; Monday–Friday
 *              when there is no calendar at all), from the day after intake;
 *   loaner     ЗоЗПП ст. 20 п. 2: a substitute of the same basic properties
 *              within 3 (calendar) days of the consumer's demand, for goods of
 *              long-term use NOT on the Government's list of exceptions
 *              (ПП РФ № 2463 of 31.12.2020, before it ПП № 55 of 19.01.1998 and
 *              originally ПП № 575 of 13.05.1997) — equipment_models.loaner_duty;
 *   unclaimed  ГК РФ ст. 738 (бытовой подряд; ст. 899 for a unit kept after a
 *              declined or impossible repair): after a written warning the
 *              contractor may sell the unit once two months from the warning
 *              have run out. Counted from the day the warning was delivered:
 *              the same day-number two months on, or the month's last day when
 *              it has none (ст. 192 п. 3: delivered 31 Dec → 28/29 Feb),
 *              moved to the next working day when it is a day off (ст. 193);
 *              disposal from the day after.
 *
 * What was checked: ЗоЗПП ст. 20 п. 2 (3 days; the Government's list is of
 * the goods the duty does NOT apply to — ПП № 2463, formerly ПП № 55) against
 * public texts of the law and of consumer-protection offices; ГК ст. 738,
 * 191–193 and 899 from their wording as commonly quoted, not against an
 * official publication — marked (K) in the research, to be confirmed by a
 * lawyer. The consumer's 3 days count from the day after the demand (ГК
 * ст. 191); the 2 months are not moved by holidays other than at their end. */
#ifndef SERVITOR_WORKSHOP_CLOCKS_H
#define SERVITOR_WORKSHOP_CLOCKS_H

#include <jansson.h>
#include <stdbool.h>

#include "base/timeutil.h"
#include "core/entity.h"
#include "core/workflow.h"
#include "domain/desk/bizcal.h"

#define LOANER_DAYS      3 /* ЗоЗПП ст. 20 п. 2 */
#define UNCLAIMED_MONTHS 2 /* ГК ст. 738 */
#define REMINDER_DAYS    7 /* a storage reminder each week the unit waits */

/* ---- pure arithmetic (unit-tested) --------------------------------------- */

/* A calendar of Monday–Friday, 09:00–18:00 Moscow time, no holidays: what
 * counts as working when no business calendar is set up. */
void clock_default_calendar(struct bizcal *cal);
/* Is the local date a working day of cal? False for a date that is not one. */
bool clock_working_day(const struct bizcal *cal, const char *date);
/* out = the `days`-th working day after `date` (cal NULL: calendar days). */
bool clock_add_working_days(const struct bizcal *cal, const char *date, int days,
                            char out[ISO_DATE_LEN]);
/* The last day of the two months from the delivery of the warning (ст. 192
 * п. 3; ст. 193: off a Saturday, Sunday or a holiday / day off of cal's
 * days, a working day of cal's days stays — cal's hours do not count; cal
 * NULL: no shift). */
bool clock_unclaimed_end(const struct bizcal *cal, const char *delivered, char out[ISO_DATE_LEN]);
/* The day a substitute is due: the demand's day + 3 calendar days. */
bool clock_loaner_due(const char *demand_day, char out[ISO_DATE_LEN]);

/* The branch's business calendar, else the first one, else Monday–Friday
 * (clock_default_calendar). */
enum err_code clocks_calendar(struct ctx *cx, int64_t branch, struct bizcal *cal);

/* ---- the records --------------------------------------------------------- */

enum loaner_field {
    LN_INVENTORY_NUMBER,
    LN_MODEL_ID,
    LN_SERIAL,
    LN_CONDITION,
    LN_STATUS,
    LN_BRANCH_ID,
    LN_NOTES,
    LN__COUNT
};
enum loaner_issue_field {
    LI_NUMBER,
    LI_STATUS,
    LI_ORDER_ID,
    LI_CLIENT_ID,
    LI_LOANER_ID,
    LI_DEMANDED_AT,
    LI_DUE_BY,
    LI_ISSUED_AT,
    LI_ISSUE_CONDITION,
    LI_RETURNED_AT,
    LI_RETURN_CONDITION,
    LI_BRANCH_ID,
    LI__COUNT
};
enum pickup_notice_field {
    PN_ORDER_ID,
    PN_SENT_AT,
    PN_CHANNEL,
    PN_DELIVERED_ON,
    PN_ENDS_ON,
    PN_NOTE,
    PN_BRANCH_ID,
    PN__COUNT
};

extern const struct entity entity_loaners;
extern const struct entity entity_loaner_issues;
extern const struct entity entity_pickup_notices;
extern const struct workflow loaner_workflow;

/* For repair_check: sets the order's target_due (field `target_field`) from
 * its service type and intake day, on create and when the type changes. */
enum err_code clocks_set_target(struct ctx *cx, struct record *rec, const struct record *old,
                                int service_type_field, int branch_field, int target_field);

/* Every clock of an order with its countdown, as JSON (the order page). */
enum err_code clocks_of_order(struct ctx *cx, int64_t order_id, json_t **out);

/* Overdue lists: kind "target" (open orders past the company's target),
 * "loaner" (substitutes demanded and not handed over in 3 days), "unclaimed"
 * (units whose two months ran out, waiting for a decision). */
enum err_code clocks_overdue(struct ctx *cx, const char *kind, char today[ISO_DATE_LEN],
                             json_t **out);

/* Disposal (kind "dispose" or "sell") of an unclaimed unit with a reason:
 * ERR_CONFLICT naming the date before the clock ends; audited. */
enum err_code unclaimed_dispose(struct ctx *cx, int64_t order_id, int64_t version, const char *kind,
                                const char *reason, struct record **out);
/* The guard of the order's "dispose" transition. */
enum err_code unclaimed_may_dispose(struct ctx *cx, const struct record *order);

/* Job "workshop.pickup_reminders": a storage reminder to the client of
 * each unit waiting for pickup, weekly from the day it became ready. */
enum err_code pickup_reminders_job(struct ctx *cx);

/* ---- the unit's history (history.c) -------------------------------------- */

/* Everything that happened to an equipment unit, newest first: a JSON array
 * of {at, kind, entity, id, number, title, status, detail}. */
enum err_code unit_history(struct ctx *cx, int64_t unit_id, json_t **out);

#endif
