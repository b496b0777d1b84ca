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
#include "core/report.h"
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
    X(RP_CANCELLED, "cancelled")      SEP                                                     \
    X(RP_DISPOSED, "disposed")
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
    RO_TARGET_DUE, /* the company's target (clocks.c) */
    /* the technical-condition act's findings (docs/repair_condition.c) */
    RO_CHECK_METHODS,
    RO_CONCLUSION,
    RO_FAULT_CAUSE,
    RO_RECOMMENDATIONS,
    RO_ESTIMATE_VERSION,
    RO_ESTIMATE_TOTAL,
    RO_APPROVED_TOTAL,
    RO_APPROVED_AT,
    RO_APPROVAL_BY,
    RO_APPROVAL_VIA,
    RO_OVER_CEILING_AGREED,
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

/* ---- estimates: works, lines, approval, stock, time (lines.c) ----------- */

enum work_field {
    WORK_NAME,
    WORK_SERVICE_TYPE_ID,
    WORK_STD_MINUTES,
    WORK_PRICE,
    WORK_VAT,
    WORK_DIAGNOSTICS_FEE,
    WORK_ACTIVE,
    WORK__COUNT
};

enum line_field {
    LINE_ORDER_ID,
    LINE_BRANCH_ID,
    LINE_KIND,
    LINE_WORK_ID,
    LINE_PART_ID,
    LINE_WAREHOUSE_ID,
    LINE_DESCRIPTION,
    LINE_QTY,
    LINE_PRICE,
    LINE_DISCOUNT,
    LINE_VAT,
    LINE_AMOUNT,
    LINE_VAT_AMOUNT,
    LINE_DIAGNOSTICS_FEE,
    LINE_RESERVED,
    LINE_ISSUED,
    LINE__COUNT
};

enum time_log_field {
    TL_ORDER_ID,
    TL_LINE_ID,
    TL_BRANCH_ID,
    TL_USER_ID,
    TL_STARTED_AT,
    TL_STOPPED_AT,
    TL_MINUTES,
    TL__COUNT
};

extern const struct entity entity_works;
extern const struct entity entity_repair_order_lines;
extern const struct entity entity_repair_time_logs;

/* How the ledger names a repair order's documents. */
#define REPAIR_DOC_KIND "repair_orders"

/* A line's money, prices including VAT (as Russian retail prices do): amount
 * = qty (thousandths) × price (kopecks per unit) rounded half away from zero
 * to the kopeck, less the discount; the VAT in it = amount × rate / (100 +
 * rate), rounded per line; "none" and "0" carry none. False when the rate is
 * not a number or "none", the discount is more than the line or the result
 * overflows. Pure. */
bool repair_line_money(int64_t qty, int64_t price, int64_t discount, const char *vat,
                       int64_t *amount, int64_t *vat_amount);

/* The paid-work delay penalty (ЗоЗПП ст. 28 п. 5): 3 % of the price of the
 * work for each calendar day past the agreed date (planned) up to `until`
 * (the day the work was done, or today), never more than the price. *days
 * gets the days overdue (0 when none), *amount the penalty in kopecks
 * (rounded half up per the whole sum). False for a bad date. Pure. */
bool repair_penalty(int64_t price, const char *planned, const char *until, int *days,
                    int64_t *amount);

/* The order's lines, totals, estimate versions, penalty and — for
 * workshop.manage only — its cost and margin, as JSON. */
enum err_code repair_summary(struct ctx *cx, int64_t order_id, json_t **out);

/* The client's answer on the public page: found by number and access code
 * exactly as the status page is (same rate limit, a wrong code answers as
 * not found), for the estimate version the client saw. */
enum err_code repair_client_answer(struct ctx *cx, const char *number, const char *code,
                                   int64_t estimate_version, bool approve, json_t **out);

/* What the public pages add: a repair order's latest estimate (version,
 * status, totals, lines without costs) or NULL when none was sent; a
 * request's repair orders [{number, status, code}]. */
enum err_code repair_public_estimate(struct ctx *cx, int64_t order_id, json_t **out);
enum err_code repair_orders_of_request(struct ctx *cx, int64_t request_id, json_t **out);

/* Issues parts to the order from stock: one line (line_id) or every
 * reserved line (line_id 0), qty 0 = all it holds reserved. */
enum err_code repair_issue_parts(struct ctx *cx, int64_t order_id, int64_t line_id, int64_t qty,
                                 json_t **out);

/* Starts the user's clock on a labour line (one running at a time) or stops
 * it; the log as JSON. */
enum err_code repair_time_start(struct ctx *cx, int64_t order_id, int64_t line_id, json_t **out);
enum err_code repair_time_stop(struct ctx *cx, int64_t order_id, json_t **out);

/* For the workflow (repair_orders.c): the order's current lines total and
 * labour total; freezing an estimate version; reserving the parts lines of
 * an approved order; anything reserved and not issued; releasing all. */
enum err_code repair_lines_total(struct ctx *cx, int64_t order_id, int64_t *total, int64_t *labour,
                                 int64_t *nlines);
enum err_code repair_estimate_freeze(struct ctx *cx, int64_t order_id, int64_t version_no,
                                     int64_t *total);
enum err_code repair_estimate_answer(struct ctx *cx, int64_t order_id, int64_t version_no,
                                     const char *status, const char *by, const char *via);
enum err_code repair_reserve_all(struct ctx *cx, int64_t order_id);
enum err_code repair_reserved_left(struct ctx *cx, int64_t order_id, int64_t *reserved);
enum err_code repair_release_all(struct ctx *cx, int64_t order_id);
/* The diagnostics fee of a declined order: its lines of works so marked. */
enum err_code repair_diagnostics_fee(struct ctx *cx, int64_t order_id, int64_t *fee);

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

/* ---- quality control (qc.c) ---------------------------------------------- */

enum qc_checklist_field { QCL_SERVICE_TYPE_ID, QCL_NAME, QCL_ACTIVE, QCL__COUNT };
enum qc_item_field { QCI_CHECKLIST_ID, QCI_POSITION, QCI_TEXT, QCI_REQUIRED, QCI__COUNT };

extern const struct entity entity_qc_checklists;
extern const struct entity entity_qc_checklist_items;

/* The guards of qc_pass and qc_fail: someone other than the order's
 * technician, and — when the order's service type has an active checklist —
 * this round's results recorded (qc_record) with that outcome. */
enum err_code qc_may_pass(struct ctx *cx, const struct record *rec);
enum err_code qc_may_fail(struct ctx *cx, const struct record *rec);
/* After either: the round is on record (a plain decision without a list). */
enum err_code qc_after(struct ctx *cx, const struct record *before, const struct record *now,
                       const struct transition *t);

/* A checker's mark on one item of the checklist. */
struct qc_mark {
    int64_t item_id;
    bool passed;
    const char *comment; /* or NULL */
};

/* Records a QC round of order id (at version; -1: any) and takes qc_pass or
 * qc_fail in one transaction: every item of the order's checklist marked
 * once; a pass needs every required item passed, a fail at least one failed
 * item and a comment. The order after it in *out. */
enum err_code qc_record(struct ctx *cx, int64_t id, int64_t version, bool pass, const char *comment,
                        const struct qc_mark *marks, int nmarks, struct record **out);
/* The order's checklist (or null) and its QC rounds, newest first, each with
 * its item results: {order_id, status, round, checklist, rounds}. */
json_t *qc_view(struct ctx *cx, int64_t id, enum err_code *rc);

/* ---- shipments to vendors (shipments.c) ---------------------------------- */

enum service_partner_field {
    SP_NAME,
    SP_KIND,
    SP_INN,
    SP_REQUISITES,
    SP_CONTACT,
    SP_ACTIVE,
    SP__COUNT
};
enum shipment_field {
    SH_NUMBER,
    SH_STATUS,
    SH_PARTNER_ID,
    SH_BRANCH_ID,
    SH_CARRIER,
    SH_TRACKING_NUMBER,
    SH_RMA_NUMBER,
    SH_SENT_DATE,
    SH_EXPECTED_DATE,
    SH_RECEIVED_DATE,
    SH_NOTES,
    SH__COUNT
};
enum shipment_item_field {
    SI_SHIPMENT_ID,
    SI_ORDER_ID,
    SI_OUTCOME,
    SI_NEW_SERIAL,
    SI_NOTE,
    SI_RECEIVED_DATE,
    SI__COUNT
};

extern const struct entity entity_service_partners;
extern const struct entity entity_shipments;
extern const struct entity entity_shipment_items;
extern const struct workflow shipment_workflow;

/* What came back for one unit of a shipment. */
struct shipment_receipt {
    int64_t item_id;
    const char *outcome;    /* repaired, replaced, refused */
    const char *new_serial; /* replaced: the new unit's serial */
    const char *note;       /* or NULL */
    bool to_qc;             /* the order goes to qc (else back to in_repair) */
};

/* Receives units of shipment id (at version; -1: any) in one transaction:
 * each item's outcome recorded, its order moved out of at_vendor through its
 * workflow with the outcome on its timeline, the shipment received (or
 * partially). The shipment after it in *out. */
/* A guard of the order's own transitions: an order at_vendor with a unit
 * still out in a shipment (no outcome yet) comes back by receiving it there
 * (409 naming the shipment). */
enum err_code shipment_may_leave(struct ctx *cx, const struct record *order);
enum err_code shipment_receive(struct ctx *cx, int64_t id, int64_t version,
                               const struct shipment_receipt *items, int n, struct record **out);
/* Sent shipments not (fully) received whose expected return day has passed,
 * the longest overdue first: [{id, number, partner, sent_date, expected_date,
 * days_over, units, status}]; today (Moscow) in today. */
enum err_code shipment_overdue(struct ctx *cx, char today[ISO_DATE_LEN], json_t **out);
/* The shipment's units: [{id, order_id, number, model, serial, fault,
 * accessories, outcome, new_serial, note, received_date, order_status}]. */
json_t *shipment_units(struct ctx *cx, int64_t id, enum err_code *rc);

/* The rework report: orders that failed QC at least once over orders that
 * went through QC, per technician or per equipment model. */
extern const struct report report_rework;

#endif
