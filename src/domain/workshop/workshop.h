/* workshop.h — the workshop (domain layer): repair orders (заказ-наряды) from
 * intake to issue, their workflow with its QC and payment gates, the warranty
 * decided from data and the legal clock of a warranty repair.
 *
 * A repair order is a document of the warehouse's kind: its parts lines
 * (to come with the stock area) will reserve and issue stock with
 * stock_reserve(cx, "repair_orders", id, …); nothing here holds stock yet. */
#ifndef SERVITOR_WORKSHOP_H
#define SERVITOR_WORKSHOP_H

#include <jansson.h>
#include <stdbool.h>

#include "base/timeutil.h"
#include "core/entity.h"
#include "core/workflow.h"

/* The states of a repair order, written once: X(id, name), SEP between two.
 * Open (the unit is with us) first, then done. */
/* clang-format off */
#define REPAIR_OPEN_STATES(X, SEP)                                                                 \
    X(RP_ACCEPTED, "accepted")       SEP                                                     \
    X(RP_DIAGNOSTICS, "diagnostics")    SEP                                                     \
    X(RP_ESTIMATE_SENT, "estimate_sent")  SEP                                                     \
    X(RP_APPROVED, "approved")       SEP                                                     \
    X(RP_DECLINED, "declined")       SEP                                                     \
    X(RP_IN_REPAIR, "in_repair")      SEP                                                     \
    X(RP_WAITING_PARTS, "waiting_parts")  SEP                                                     \
    X(RP_AT_VENDOR, "at_vendor")      SEP                                                     \
    X(RP_QC, "qc")             SEP                                                     \
    X(RP_READY, "ready")          SEP                                                     \
    X(RP_NOT_REPAIRABLE, "not_repairable")
#define REPAIR_CLOSED_STATES(X, SEP)                                                               \
    X(RP_ISSUED, "issued")         SEP                                                     \
    X(RP_CANCELLED, "cancelled")
/* clang-format on */

enum repair_state {
#define X(id, name) id,
    REPAIR_OPEN_STATES(X, ) REPAIR_CLOSED_STATES(X, )
#undef X
        RP__COUNT
};

#define REPAIR_SQL_STATE(id, name) "'" name "'"
#define REPAIR_OPEN_SQL            REPAIR_OPEN_STATES(REPAIR_SQL_STATE, ", ")

/* The fields of a repair order, in the order of its table (repair_orders.c). */
enum repair_field {
    RO_NUMBER,
    RO_STATUS,
    RO_REQUEST_ID,
    RO_CLIENT_ID,
    RO_UNIT_ID,
    RO_BRANCH_ID,
    RO_TECHNICIAN_ID,
    RO_DECLARED_FAULT,
    RO_INTAKE_CONDITION,
    RO_ACCESSORIES,
    RO_DEMAND,
    RO_PRICE_CEILING,
    RO_PLANNED_DATE,
    RO_WARRANTY,
    RO_WARRANTY_SOURCE,
    RO_WARRANTY_REASON,
    RO_LEGAL_DUE,
    RO_FOUND_FAULT,
    RO_WORK_DONE,
    RO_QC_PASSED,
    RO_REWORK_COUNT,
    RO_PAID,
    RO_REPAIR_WARRANTY_DAYS,
    RO_ISSUED_AT,
    RO_ACCESS_CODE,
    RO_SERVICE_TYPE_ID,
    /* the technical-condition act's findings (docs/repair_condition.c) */
    RO_CHECK_METHODS,
    RO_CONCLUSION,
    RO_FAULT_CAUSE,
    RO_RECOMMENDATIONS,
    RO__COUNT
};

/* The kinds of service (service_types.c): the company's targets and
 * standards per kind. */
enum service_type_field {
    ST_CODE,
    ST_NAME,
    ST_TARGET_DAYS,
    ST_REPAIR_WARRANTY_DAYS,
    ST_ACTIVE,
    ST__COUNT
};

extern const struct entity entity_service_types;

extern const struct entity entity_repair_orders;
/* The technical-condition act's conclusion and the fault's cause. */
extern const char *const repair_conclusions[], *const repair_fault_causes[];
extern const struct workflow repair_workflow;

/* ---- the warranty decision (warranty.c) ---------------------------------- */

/* Where a warranty comes from, in the order they are tried. */
enum warranty_source {
    WS_NONE,
    WS_UNIT,     /* the manufacturer's / seller's warranty of the unit */
    WS_REPAIR,   /* an earlier repair's own warranty on the same unit */
    WS_CONTRACT, /* a service contract in force */
    WS_MANUAL,   /* a manager's decision with a written reason */
};
extern const char *const warranty_sources[]; /* names, NULL-terminated */

/* What the decision is made from; a NULL or empty date means none. */
struct warranty_facts {
    const char *today;               /* the day of the claim, "YYYY-MM-DD" */
    const char *unit_warranty_until; /* the unit's warranty_until */
    const char *repair_until;        /* the latest earlier repair's warranty end on the unit */
    const char *repair_number;       /* that repair's number */
    const char *contract_number;     /* the client's service contract in force today */
};

struct warranty_decision {
    bool warranty;
    enum warranty_source source;
    char reason[200]; /* Russian, for the order and the completion act */
};

/* Decides: the unit's warranty (until ≥ today), else an earlier repair's
 * (until ≥ today), else a contract in force, else none. Pure. */
void warranty_decide(const struct warranty_facts *f, struct warranty_decision *out);

/* ---- the legal clock (ЗоЗПП ст. 20) -------------------------------------- */

/* A warranty repair of consumer goods takes at most 45 calendar days when
 * agreed in writing; missing parts do not extend it. */
#define REPAIR_LEGAL_DAYS 45

/* out = the date `days` calendar days after `date` ("YYYY-MM-DD"); false for a
 * date that is not one. */
bool date_add_days(const char *date, int days, char out[ISO_DATE_LEN]);
/* Calendar days from `from` to `to` (negative when to is earlier); false
 * when either is not a date. */
bool date_diff_days(const char *from, const char *to, int *days);

/* The day an instant falls on in Moscow time (the legal day of a claim). */
void repair_day_of(const char *iso_time, char out[ISO_DATE_LEN]);

/* Open warranty repairs whose legal deadline (ЗоЗПП ст. 20: 45 days) has
 * passed, the longest overdue first, in the caller's branch scope: a new
 * JSON array of {id, number, status, legal_due, days_over, technician_id};
 * today (Moscow) in today. */
enum err_code repair_overdue(struct ctx *cx, char today[ISO_DATE_LEN], json_t **out);

#endif
