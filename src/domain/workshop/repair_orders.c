/* repair_orders.c — repair orders (заказ-наряды): the record, its workflow
 * with the QC and payment gates, the warranty decided on intake and the legal
 * clock of a warranty repair (domain layer). */
#include "workshop.h"

#include <string.h>

#include "base/text.h"
#include "core/perm.h"
#include "core/timeline.h"
#include "clocks.h"
#include "domain/desk/desk.h"
#include "domain/registry/registry.h"
#include "domain/sales/sales.h"
#include "base/banned.h"

static const char *const statuses[] = {
#define X(id, name) [id] = name,
    REPAIR_OPEN_STATES(X, ) REPAIR_CLOSED_STATES(X, )
#undef X
        NULL};
static const enum state_category categories[] = {
#define X(id, name) [id] = STATE_OPEN,
#define Y(id, name) [id] = STATE_CLOSED,
    REPAIR_OPEN_STATES(X, ) REPAIR_CLOSED_STATES(Y, )
#undef X
#undef Y
};
_Static_assert(RP__COUNT <= WORKFLOW_MAX_STATES, "a transition's from is a 32-bit set");
static const char *const demands[] = {"repair", "diagnostics", "estimate_first", NULL};
const char *const repair_conclusions[] = {"serviceable", "needs_repair", "not_repairable", NULL};
const char *const repair_fault_causes[] = {"manufacturing", "operational", "external", NULL};
/* How the client's answer to an estimate came: the manager records the
 * first three, the status page the last. */
static const char *const approval_vias[] = {"phone", "in_person", "email", "client_page", NULL};

/* clang-format off */
static const struct field repair_fields[] = {
    /* index                     name                   type        flags                                                max   label */
    [RO_NUMBER] =               {"number",              F_TEXT,     F_READONLY | F_SEARCH | F_SORT | F_FILTER | F_LIST,  32,   "repair.number"},
    [RO_STATUS] =               {"status",              F_ENUM,     F_READONLY | F_FILTER | F_LIST,                      0,    "repair.status", .enums = statuses, .def = "accepted"},
    [RO_REQUEST_ID] =           {"request_id",          F_REF,      F_FILTER | F_CREATE_ONLY,                            0,    "repair.request", .ref = &entity_requests},
    [RO_CLIENT_ID] =            {"client_id",           F_REF,      F_FILTER | F_LIST,                                   0,    "repair.client", .ref = &entity_clients},
    [RO_UNIT_ID] =              {"unit_id",             F_REF,      F_FILTER | F_LIST,                                   0,    "repair.unit", .ref = &entity_equipment_units},
    [RO_BRANCH_ID] =            {"branch_id",           F_REF,      F_FILTER,                                            0,    "repair.branch", .ref = &entity_branches},
    [RO_TECHNICIAN_ID] =        {"technician_id",       F_REF,      F_FILTER | F_LIST,                                   0,    "repair.technician", .ref = &entity_users},
    [RO_DECLARED_FAULT] =       {"declared_fault",      F_TEXT,     F_SEARCH | F_MULTILINE | F_LIST,                     4000, "repair.declared_fault"},
    [RO_INTAKE_CONDITION] =     {"intake_condition",    F_TEXT,     F_MULTILINE,                                         4000, "repair.intake_condition"},
    [RO_ACCESSORIES] =          {"accessories",         F_TEXT,     F_MULTILINE,                                         2000, "repair.accessories"},
    [RO_DEMAND] =               {"demand",              F_ENUM,     F_REQUIRED | F_FILTER,                               0,    "repair.demand", .enums = demands, .def = "repair"},
    [RO_PRICE_CEILING] =        {"price_ceiling",       F_INT,      F_MONEY,                                             2000000000, "repair.price_ceiling", .min = 0},
    [RO_PLANNED_DATE] =         {"planned_date",        F_DATE,     F_SORT | F_LIST,                                     0,    "repair.planned_date"},
    [RO_WARRANTY] =             {"warranty",            F_BOOL,     F_FILTER | F_LIST,                                   0,    "repair.warranty"},
    [RO_WARRANTY_SOURCE] =      {"warranty_source",     F_ENUM,     F_READONLY | F_FILTER,                               0,    "repair.warranty_source", .enums = warranty_sources},
    [RO_WARRANTY_REASON] =      {"warranty_reason",     F_TEXT,     0,                                                   500,  "repair.warranty_reason"},
    [RO_LEGAL_DUE] =            {"legal_due",           F_DATE,     F_READONLY | F_SORT,                                 0,    "repair.legal_due"},
    [RO_FOUND_FAULT] =          {"found_fault",         F_TEXT,     F_MULTILINE,                                         4000, "repair.found_fault"},
    [RO_WORK_DONE] =            {"work_done",           F_TEXT,     F_MULTILINE,                                         4000, "repair.work_done"},
    [RO_QC_PASSED] =            {"qc_passed",           F_BOOL,     F_READONLY,                                          0,    "repair.qc_passed", .def = "false"},
    [RO_REWORK_COUNT] =         {"rework_count",        F_INT,      F_READONLY,                                          1000000, "repair.rework_count", .def = "0"},
    [RO_PAID] =                 {"paid",                F_BOOL,     F_FILTER,                                            0,    "repair.paid", .def = "false"},
    [RO_REPAIR_WARRANTY_DAYS] = {"repair_warranty_days",F_INT,      F_REQUIRED,                                          3650, "repair.repair_warranty_days", .min = 0, .def = "90"},
    [RO_ISSUED_AT] =            {"issued_at",           F_DATETIME, F_READONLY | F_SORT,                                 0,    "repair.issued_at"},
    [RO_ACCESS_CODE] =          {"access_code",         F_TEXT,     F_READONLY,                                          16,   "repair.access_code"},
    [RO_SERVICE_TYPE_ID] =      {"service_type_id",     F_REF,      F_FILTER | F_LIST,                                   0,    "repair.service_type", .ref = &entity_service_types},
    [RO_TARGET_DUE] =           {"target_due",          F_DATE,     F_READONLY | F_SORT,                                 0,    "repair.target_due"},
    [RO_CHECK_METHODS] =        {"check_methods",       F_TEXT,     F_MULTILINE,                                         2000, "repair.check_methods"},
    [RO_CONCLUSION] =           {"conclusion",          F_ENUM,     F_FILTER,                                            0,    "repair.conclusion", .enums = repair_conclusions},
    [RO_FAULT_CAUSE] =          {"fault_cause",         F_ENUM,     F_FILTER,                                            0,    "repair.fault_cause", .enums = repair_fault_causes},
    [RO_RECOMMENDATIONS] =      {"recommendations",     F_TEXT,     F_MULTILINE,                                         2000, "repair.recommendations"},
    [RO_ESTIMATE_VERSION] =     {"estimate_version",    F_INT,      F_READONLY,                                          1000000, "repair.estimate_version", .def = "0"},
    [RO_ESTIMATE_TOTAL] =       {"estimate_total",      F_INT,      F_READONLY | F_MONEY,                                0,    "repair.estimate_total"},
    [RO_APPROVED_TOTAL] =       {"approved_total",      F_INT,      F_READONLY | F_MONEY,                                0,    "repair.approved_total"},
    [RO_APPROVED_AT] =          {"approved_at",         F_DATETIME, F_READONLY,                                          0,    "repair.approved_at"},
    /* the approve and decline transitions' parameters: who answered, how */
    [RO_APPROVAL_BY] =          {"approval_by",         F_TEXT,     F_CREATE_ONLY,                                       200,  "repair.approval_by"},
    [RO_APPROVAL_VIA] =         {"approval_via",        F_ENUM,     F_CREATE_ONLY,                                       0,    "repair.approval_via", .enums = approval_vias},
    [RO_OVER_CEILING_AGREED] =  {"over_ceiling_agreed", F_BOOL,     F_CREATE_ONLY,                                       0,    "repair.over_ceiling_agreed", .def = "false"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(repair_fields, RO__COUNT),
               "one entry per value of enum repair_field");

static bool is_null(const struct record *r, int field)
{
    const struct value *v = rec_get(r, field);
    return !v->set || v->null;
}

static void set_text(struct ctx *cx, struct record *r, int field, const char *s)
{
    struct value *v = rec_set(r, field);
    v->set = true, v->null = !s, v->s = s ? arena_strdup(cx->a, s) : NULL;
}

static void set_int(struct record *r, int field, int64_t i)
{
    struct value *v = rec_set(r, field);
    v->set = true, v->null = false, v->i = i;
}

/* What an order made from a request takes from it when not given: the
 * client, the unit, the branch and the declared fault (its subject and
 * description). */
static enum err_code from_request(struct ctx *cx, struct record *rec)
{
    struct record *req;
    enum err_code rc = entity_get(cx, &entity_requests, rec_get(rec, RO_REQUEST_ID)->i, &req);
    if (rc == ERR_NOTFOUND) {
        err_clear(&cx->err);
        err_field(&cx->err, "request_id", "not_found");
        return ctx_fail(cx, ERR_INVALID, "no such request");
    }
    if (rc != ERR_OK)
        return rc;
    static const int pairs[][2] = {
        {RO_CLIENT_ID, REQ_CLIENT_ID}, {RO_UNIT_ID, REQ_UNIT_ID}, {RO_BRANCH_ID, REQ_BRANCH_ID}};
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
        if (is_null(rec, pairs[i][0]) && !is_null(req, pairs[i][1]))
            set_int(rec, pairs[i][0], rec_get(req, pairs[i][1])->i);
    const struct value *fault = rec_get(rec, RO_DECLARED_FAULT);
    if (fault->null || !fault->set || text_blank(fault->s)) {
        const struct value *d = rec_get(req, REQ_DESCRIPTION);
        const char *subject = rec_get(req, REQ_SUBJECT)->s;
        set_text(cx, rec, RO_DECLARED_FAULT,
                 d->null || text_blank(d->s) ? subject
                                             : arena_printf(cx->a, "%s\n%s", subject, d->s));
    }
    return ERR_OK;
}

/* The facts of the warranty decision for the order's unit and client on
 * the day of the claim. */
static enum err_code warranty_facts(struct ctx *cx, struct record *rec, int64_t self,
                                    const char *day, struct warranty_facts *f)
{
    memset(f, 0, sizeof(*f));
    f->today = day;
    enum err_code rc = ERR_OK;
    if (!is_null(rec, RO_UNIT_ID)) {
        int64_t unit = rec_get(rec, RO_UNIT_ID)->i;
        struct db_stmt *st =
            db_q(cx->db, &cx->err, "SELECT warranty_until FROM equipment_units WHERE id = $1", "i",
                 unit);
        if (!st)
            return cx->err.code;
        if (db_step(st) == DB_ROW && !db_col_null(st, 0))
            f->unit_warranty_until = arena_strdup(cx->a, db_col_text(st, 0));
        db_done(st);
        /* the latest issued repair of the unit carries its own warranty */
        st =
            db_q(cx->db, &cx->err,
                 "SELECT number, issued_at, repair_warranty_days FROM repair_orders\n"
                 "WHERE unit_id = $1 AND status = 'issued' AND issued_at IS NOT NULL AND id <> $2\n"
                 "ORDER BY issued_at DESC, id DESC LIMIT 1",
                 "ii", unit, self);
        if (!st)
            return cx->err.code;
        if (db_step(st) == DB_ROW) {
            char issued[ISO_DATE_LEN], until[ISO_DATE_LEN];
            repair_day_of(db_col_text(st, 1), issued);
            if (date_add_days(issued, (int)db_col_i64(st, 2), until)) {
                f->repair_until = arena_strdup(cx->a, until);
                f->repair_number = arena_strdup(cx->a, db_col_text(st, 0));
            }
        }
        db_done(st);
    }
    if (!is_null(rec, RO_CLIENT_ID)) {
        int64_t contract;
        if ((rc = contract_in_force(cx, rec_get(rec, RO_CLIENT_ID)->i, day, &contract)) != ERR_OK)
            return rc;
        if (contract) {
            struct db_stmt *st =
                db_q(cx->db, &cx->err,
                     "SELECT number FROM contracts WHERE id = $1 AND kind IN ('service', "
                     "'maintenance')",
                     "i", contract);
            if (!st)
                return cx->err.code;
            if (db_step(st) == DB_ROW)
                f->contract_number = arena_strdup(cx->a, db_col_text(st, 0));
            db_done(st);
        }
    }
    return rc;
}

/* The legal deadline of a warranty repair: the claim's day + 45 calendar
 * days (ЗоЗПП ст. 20 п. 1); none for a paid one. */
static void set_legal_due(struct ctx *cx, struct record *rec, const char *claim_day)
{
    char due[ISO_DATE_LEN];
    const struct value *w = rec_get(rec, RO_WARRANTY);
    if (!w->null && w->i && date_add_days(claim_day, REPAIR_LEGAL_DAYS, due))
        set_text(cx, rec, RO_LEGAL_DUE, due);
    else
        set_text(cx, rec, RO_LEGAL_DUE, NULL);
}

/* A client and a unit agree (the unit's owner is the client, who is taken
 * from it when not given); the technician may work orders; the warranty is
 * decided on create and changed only by a manager with a written reason. */
static enum err_code repair_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    enum err_code rc;
    if (!old && !is_null(rec, RO_REQUEST_ID) && (rc = from_request(cx, rec)) != ERR_OK)
        return rc;
    if (!old) {
        /* the client's answer comes with the approve / decline transitions */
        if (!is_null(rec, RO_APPROVAL_BY))
            err_field(&cx->err, "approval_by", "not_taken");
        if (!is_null(rec, RO_APPROVAL_VIA))
            err_field(&cx->err, "approval_via", "not_taken");
        if (rec_get(rec, RO_OVER_CEILING_AGREED)->i)
            err_field(&cx->err, "over_ceiling_agreed", "not_taken");
    }
    const struct value *fault = rec_get(rec, RO_DECLARED_FAULT);
    if (fault->null || !fault->set || text_blank(fault->s))
        err_field(&cx->err, "declared_fault", "required");
    if (!is_null(rec, RO_UNIT_ID)) {
        int64_t owner = 0;
        bool found;
        if ((rc = db_get_i64(cx->db, &cx->err, &owner, &found,
                             "SELECT COALESCE(client_id, 0) FROM equipment_units WHERE id = $1",
                             "i", rec_get(rec, RO_UNIT_ID)->i)) != ERR_OK)
            return rc;
        if (owner && is_null(rec, RO_CLIENT_ID))
            set_int(rec, RO_CLIENT_ID, owner);
        else if (owner && owner != rec_get(rec, RO_CLIENT_ID)->i)
            err_field(&cx->err, "unit_id", "invalid");
    }
    /* QC checks whose work it is and by which checklist: both stay put
     * while the order is in qc */
    static const int frozen[] = {RO_TECHNICIAN_ID, RO_SERVICE_TYPE_ID};
    for (size_t k = 0; old && !strcmp(rec_get(old, RO_STATUS)->s, "qc") && k < 2; k++) {
        bool was = is_null(old, frozen[k]), now = is_null(rec, frozen[k]);
        if (was != now || (!now && rec_get(rec, frozen[k])->i != rec_get(old, frozen[k])->i))
            return ctx_fail(cx, ERR_CONFLICT, "%s does not change while the order is in QC",
                            entity_repair_orders.fields[frozen[k]].name);
    }
    const struct value *tech = rec_get(rec, RO_TECHNICIAN_ID);
    if (!is_null(rec, RO_TECHNICIAN_ID) && (!old || tech->i != rec_get(old, RO_TECHNICIAN_ID)->i)) {
        struct db_stmt *st =
            db_q(cx->db, &cx->err, "SELECT active, role FROM users WHERE id = $1", "i", tech->i);
        if (!st)
            return cx->err.code;
        bool ok = false;
        if (db_step(st) == DB_ROW) {
            const struct role *role = role_find(db_col_text(st, 1));
            ok = db_col_i64(st, 0) != 0 && role && perms_has(&role->perms, P_WORKSHOP_WRITE);
        }
        db_done(st);
        if (!ok)
            err_field(&cx->err, "technician_id", "may_not_work");
    }
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "the repair order has invalid fields");

    char day[ISO_DATE_LEN];
    repair_day_of(old ? old->created_at : NULL, day);
    const struct value *w = rec_get(rec, RO_WARRANTY);
    bool asked = w->set && !w->null;
    bool override;
    if (!old) {
        struct warranty_facts f;
        struct warranty_decision d;
        if ((rc = warranty_facts(cx, rec, 0, day, &f)) != ERR_OK)
            return rc;
        warranty_decide(&f, &d);
        override = asked && (w->i != 0) != d.warranty;
        const struct value *given = rec_get(rec, RO_WARRANTY_REASON);
        if (!override && given->set && !given->null) {
            err_field(&cx->err, "warranty_reason", "decided");
            return ctx_fail(
                cx, ERR_INVALID,
                "the warranty is decided from the data; a reason goes with an override");
        }
        if (!override) {
            set_int(rec, RO_WARRANTY, d.warranty);
            set_text(cx, rec, RO_WARRANTY_SOURCE, warranty_sources[d.source]);
            set_text(cx, rec, RO_WARRANTY_REASON, d.reason);
        }
    } else {
        override = (w->i != 0) != (rec_get(old, RO_WARRANTY)->i != 0);
        if (!override) {
            const struct value *r = rec_get(rec, RO_WARRANTY_REASON);
            const struct value *o = rec_get(old, RO_WARRANTY_REASON);
            if ((r->null != o->null) || (!r->null && strcmp(r->s, o->s)))
                return ctx_fail(cx, ERR_CONFLICT,
                                "the warranty reason changes with the warranty decision only");
        }
    }
    if (override) {
        if (!ctx_can(cx, P_WORKSHOP_MANAGE))
            return ctx_fail(cx, ERR_FORBIDDEN,
                            "the warranty is decided from the data: only a manager overrides it");
        const struct value *reason = rec_get(rec, RO_WARRANTY_REASON);
        bool new_reason = !reason->null && reason->set && !text_blank(reason->s) &&
                          (!old || rec_get(old, RO_WARRANTY_REASON)->null ||
                           strcmp(reason->s, rec_get(old, RO_WARRANTY_REASON)->s));
        if (!new_reason) {
            err_field(&cx->err, "warranty_reason", "required");
            return ctx_fail(cx, ERR_INVALID, "an override of the warranty needs a written reason");
        }
        set_text(cx, rec, RO_WARRANTY_SOURCE, warranty_sources[WS_MANUAL]);
    }
    if (!old || override)
        set_legal_due(cx, rec, day);
    return clocks_set_target(cx, rec, old, RO_SERVICE_TYPE_ID, RO_BRANCH_ID, RO_TARGET_DUE);
}

/* A new order opens its timeline; one made from a request is noted on the
 * request's timeline too. */
static enum err_code repair_after_write(struct ctx *cx, const struct record *rec,
                                        const struct record *old)
{
    if (old || !rec)
        return ERR_OK;
    enum err_code rc = timeline_add(cx, &entity_repair_orders, rec->id, "created", true, NULL, NULL,
                                    rec_get(rec, RO_STATUS)->s, NULL, NULL);
    if (rc == ERR_OK && !is_null(rec, RO_REQUEST_ID))
        rc = request_event_add(cx, rec_get(rec, RO_REQUEST_ID)->i, "repair_order", false,
                               rec_get(rec, RO_NUMBER)->s, NULL, NULL, NULL);
    return rc;
}

/* Clients see the number, the status, the declared fault and the planned
 * date, and of the events status changes, replies and public files. */
static const char *const public_fields[] = {"number", "status", "declared_fault", "planned_date",
                                            NULL};
static const char *const public_kinds[] = {"status", "reply", "file", NULL};
static const struct public_view repair_public = {
    .number_field = "number",
    .code_field = "access_code",
    .fields = public_fields,
    .kinds = public_kinds,
};

const struct entity entity_repair_orders = {
    .name = "repair_orders",
    .table = "repair_orders",
    .label = "entity.repair_orders",
    .fields = repair_fields,
    .display_sql = "number",
    .perm_read = P_WORKSHOP_READ,
    .perm_write = P_WORKSHOP_WRITE,
    .perm_delete = P_WORKSHOP_MANAGE,
    .branch_field = "branch_id",
    .check = repair_check,
    .after_write = repair_after_write,
    .number_field = "number",
    .number_series = "ЗН",
    .timeline = true,
    .public_view = &repair_public,
};

/* ---- workflow ------------------------------------------------------------ */

/* Work on an order belongs to its technician; managers act on any, and
 * anyone who may work takes one nobody has. */
static enum err_code may_work(struct ctx *cx, const struct record *rec)
{
    enum err_code rc = shipment_may_leave(cx, rec);
    if (rc != ERR_OK)
        return rc;
    const struct value *t = rec_get(rec, RO_TECHNICIAN_ID);
    if (t->null || !t->set || t->i == cx->user->id || ctx_can(cx, P_WORKSHOP_MANAGE))
        return ERR_OK;
    return ctx_fail(cx, ERR_FORBIDDEN, "the order is another technician's");
}

/* Straight to repair from diagnostics only when the client asked for a
 * repair; an estimate first waits for the client's approval. */
static enum err_code may_repair(struct ctx *cx, const struct record *rec)
{
    enum err_code rc = may_work(cx, rec);
    if (rc != ERR_OK)
        return rc;
    if (!strcmp(rec_get(rec, RO_STATUS)->s, "diagnostics") &&
        strcmp(rec_get(rec, RO_DEMAND)->s, "repair"))
        return ctx_fail(cx, ERR_CONFLICT,
                        "the client asked for %s: send the estimate and wait for approval",
                        !strcmp(rec_get(rec, RO_DEMAND)->s, "diagnostics") ? "diagnostics only"
                                                                           : "an estimate first");
    if (!strcmp(rec_get(rec, RO_STATUS)->s, "diagnostics") && !is_null(rec, RO_PRICE_CEILING)) {
        int64_t total;
        if ((rc = repair_lines_total(cx, rec->id, &total, NULL, NULL)) != ERR_OK)
            return rc;
        if (total > rec_get(rec, RO_PRICE_CEILING)->i)
            return ctx_fail(cx, ERR_CONFLICT,
                            "the lines come to more than the client's price ceiling: send the "
                            "estimate for the client's approval");
    }
    return ERR_OK;
}

/* Handed back only when paid or covered by warranty (or a contract). */
static enum err_code may_issue(struct ctx *cx, const struct record *rec)
{
    if (!rec_get(rec, RO_QC_PASSED)->i)
        return ctx_fail(cx, ERR_CONFLICT, "the repair has not passed quality control");
    if (!rec_get(rec, RO_PAID)->i && !rec_get(rec, RO_WARRANTY)->i)
        return ctx_fail(cx, ERR_CONFLICT, "the repair is not paid and not covered by warranty");
    int64_t reserved;
    enum err_code rc = repair_reserved_left(cx, rec->id, &reserved);
    if (rc != ERR_OK)
        return rc;
    if (reserved > 0)
        return ctx_fail(cx, ERR_CONFLICT,
                        "parts are reserved for the order but not issued: issue them or take "
                        "them off the order");
    return ERR_OK;
}

/* An estimate goes out with its lines; the technician's or a manager's. */
static enum err_code may_send_estimate(struct ctx *cx, const struct record *rec)
{
    enum err_code rc = may_work(cx, rec);
    int64_t total, n;
    if (rc == ERR_OK)
        rc = repair_lines_total(cx, rec->id, &total, NULL, &n);
    if (rc == ERR_OK && !n)
        rc = ctx_fail(cx, ERR_CONFLICT, "the estimate has no lines: add the works and parts");
    return rc;
}

/* A unit whose estimate was declined goes back with the diagnostics fee
 * paid, when the company charges one (a works line marked so). */
static enum err_code may_return(struct ctx *cx, const struct record *rec)
{
    int64_t fee = 0;
    enum err_code rc = ERR_OK;
    if (!strcmp(rec_get(rec, RO_STATUS)->s, "declined"))
        rc = repair_diagnostics_fee(cx, rec->id, &fee);
    if (rc == ERR_OK && fee > 0 && !rec_get(rec, RO_PAID)->i && !rec_get(rec, RO_WARRANTY)->i)
        return ctx_fail(cx, ERR_CONFLICT, "the diagnostics fee (%lld,%02lld ₽) is not paid",
                        (long long)(fee / 100), (long long)(fee % 100));
    return rc;
}

static enum err_code send_estimate_effect(struct ctx *cx, const struct record *rec,
                                          const struct record *input, struct record *patch)
{
    (void)input;
    int64_t next = rec_get(rec, RO_ESTIMATE_VERSION)->i + 1, total;
    enum err_code rc = repair_estimate_freeze(cx, rec->id, next, &total);
    if (rc != ERR_OK)
        return rc;
    set_int(patch, RO_ESTIMATE_VERSION, next);
    set_int(patch, RO_ESTIMATE_TOTAL, total);
    return ERR_OK;
}

/* The manager records the client's answer: who and how. An estimate over
 * the client's price ceiling is approved only with the client's explicit
 * consent to exceed it. */
static enum err_code answer_effect(struct ctx *cx, const struct record *rec,
                                   const struct record *input, struct record *patch, bool approve)
{
    const struct value *by = rec_get(input, RO_APPROVAL_BY), *via = rec_get(input, RO_APPROVAL_VIA);
    bool has_by = by->set && !by->null && !text_blank(by->s);
    bool has_via = via->set && !via->null;
    if (approve && !has_by)
        err_field(&cx->err, "approval_by", "required");
    if (approve && !has_via)
        err_field(&cx->err, "approval_via", "required");
    if (has_via && !strcmp(via->s, "client_page"))
        err_field(&cx->err, "approval_via", "client_only");
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "say who answered and how (phone, in person, e-mail)");
    const struct value *ceiling = rec_get(rec, RO_PRICE_CEILING);
    int64_t total = rec_get(rec, RO_ESTIMATE_TOTAL)->i;
    bool agreed =
        rec_get(input, RO_OVER_CEILING_AGREED)->set && rec_get(input, RO_OVER_CEILING_AGREED)->i;
    if (approve && !ceiling->null && total > ceiling->i && !agreed) {
        err_field(&cx->err, "over_ceiling_agreed", "required");
        return ctx_fail(cx, ERR_CONFLICT,
                        "the estimate (%lld,%02lld ₽) is over the client's price ceiling "
                        "(%lld,%02lld ₽): it needs the client's explicit consent to exceed it",
                        (long long)(total / 100), (long long)(total % 100),
                        (long long)(ceiling->i / 100), (long long)(ceiling->i % 100));
    }
    const char *who = has_by ? by->s : cx->user->name;
    const char *how = has_via ? via->s : NULL;
    set_text(cx, patch, RO_APPROVAL_BY, who);
    set_text(cx, patch, RO_APPROVAL_VIA, how);
    set_int(patch, RO_OVER_CEILING_AGREED, agreed);
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    set_text(cx, patch, RO_APPROVED_AT, now);
    if (approve)
        set_int(patch, RO_APPROVED_TOTAL, total);
    return repair_estimate_answer(cx, rec->id, rec_get(rec, RO_ESTIMATE_VERSION)->i,
                                  approve ? "approved" : "declined", who, how);
}

static enum err_code approve_effect(struct ctx *cx, const struct record *rec,
                                    const struct record *input, struct record *patch)
{
    return answer_effect(cx, rec, input, patch, true);
}

static enum err_code decline_effect(struct ctx *cx, const struct record *rec,
                                    const struct record *input, struct record *patch)
{
    return answer_effect(cx, rec, input, patch, false);
}

/* An approved order holds its parts; a cancelled, declined or unrepairable
 * one gives back what it holds (parts already issued stay issued). */
static enum err_code approve_after(struct ctx *cx, const struct record *before,
                                   const struct record *now, const struct transition *t)
{
    (void)before, (void)t;
    return repair_reserve_all(cx, now->id);
}

static enum err_code cancel_after(struct ctx *cx, const struct record *before,
                                  const struct record *now, const struct transition *t)
{
    (void)before, (void)t;
    return repair_release_all(cx, now->id);
}

static const int answer_params[] = {RO_APPROVAL_BY, RO_APPROVAL_VIA, RO_OVER_CEILING_AGREED, -1};

static enum err_code diagnose_effect(struct ctx *cx, const struct record *rec,
                                     const struct record *input, struct record *patch)
{
    (void)input;
    if (is_null(rec, RO_TECHNICIAN_ID) && ctx_can(cx, P_WORKSHOP_WRITE))
        set_int(patch, RO_TECHNICIAN_ID, cx->user->id);
    return ERR_OK;
}

static enum err_code qc_pass_effect(struct ctx *cx, const struct record *rec,
                                    const struct record *input, struct record *patch)
{
    (void)cx, (void)rec, (void)input;
    set_int(patch, RO_QC_PASSED, 1);
    return ERR_OK;
}

static enum err_code qc_fail_effect(struct ctx *cx, const struct record *rec,
                                    const struct record *input, struct record *patch)
{
    (void)cx, (void)input;
    set_int(patch, RO_QC_PASSED, 0);
    set_int(patch, RO_REWORK_COUNT, rec_get(rec, RO_REWORK_COUNT)->i + 1);
    return ERR_OK;
}

static enum err_code issue_effect(struct ctx *cx, const struct record *rec,
                                  const struct record *input, struct record *patch)
{
    (void)rec, (void)input;
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    set_text(cx, patch, RO_ISSUED_AT, now);
    return ERR_OK;
}

#define S(state) STATE_BIT(RP_##state)
#define WORKING  (S(IN_REPAIR) | S(WAITING_PARTS) | S(AT_VENDOR))

/* clang-format off */
static const struct transition repair_transitions[] = {
    /* name             from                                     to                 perm               label                          guard       effect           */
    {"diagnose",       S(ACCEPTED),                             RP_DIAGNOSTICS,    P_WORKSHOP_WRITE,  "transition.diagnose",         may_work,   diagnose_effect},
    {"send_estimate",  S(DIAGNOSTICS) | S(APPROVED) | WORKING,  RP_ESTIMATE_SENT,  P_WORKSHOP_WRITE,  "transition.send_estimate",    may_send_estimate, send_estimate_effect},
    {"approve",        S(ESTIMATE_SENT),                        RP_APPROVED,       P_WORKSHOP_WRITE,  "transition.approve",          NULL,       approve_effect, approve_after, answer_params},
    {"decline",        S(ESTIMATE_SENT),                        RP_DECLINED,       P_WORKSHOP_WRITE,  "transition.decline",          NULL,       decline_effect, cancel_after, answer_params},
    {"start_repair",   S(DIAGNOSTICS) | S(APPROVED) | WORKING,  RP_IN_REPAIR,      P_WORKSHOP_WRITE,  "transition.start_repair",     may_repair, NULL},
    {"wait_parts",     S(IN_REPAIR) | S(AT_VENDOR),             RP_WAITING_PARTS,  P_WORKSHOP_WRITE,  "transition.wait_parts",       may_work,   NULL},
    {"send_to_vendor", S(IN_REPAIR) | S(WAITING_PARTS),         RP_AT_VENDOR,      P_WORKSHOP_WRITE,  "transition.send_to_vendor",   may_work,   NULL},
    {"to_qc",          S(IN_REPAIR) | S(AT_VENDOR),             RP_QC,             P_WORKSHOP_WRITE,  "transition.to_qc",            may_work,   NULL},
    {"qc_pass",        S(QC),                                   RP_READY,          P_WORKSHOP_QC,     "transition.qc_pass",          qc_may_pass, qc_pass_effect, qc_after},
    {"qc_fail",        S(QC),                                   RP_IN_REPAIR,      P_WORKSHOP_QC,     "transition.qc_fail",          qc_may_fail, qc_fail_effect, qc_after},
    {"issue",          S(READY),                                RP_ISSUED,         P_WORKSHOP_WRITE,  "transition.issue",            may_issue,  issue_effect},
    {"not_repairable", S(DIAGNOSTICS) | WORKING,                RP_NOT_REPAIRABLE, P_WORKSHOP_WRITE,  "transition.not_repairable",   may_work,   NULL, cancel_after},
    {"return_unit",    S(DECLINED) | S(NOT_REPAIRABLE),         RP_ISSUED,         P_WORKSHOP_WRITE,  "transition.return_unit",      may_return, issue_effect, cancel_after},
    {"cancel",         S(ACCEPTED) | S(DIAGNOSTICS) | S(ESTIMATE_SENT) | S(APPROVED) | S(WAITING_PARTS),
                                                                RP_CANCELLED,      P_WORKSHOP_MANAGE, "transition.cancel",           NULL,       NULL, cancel_after},
    /* an unclaimed unit, two months after the notice: POST …/dispose (clocks.h) */
    {"dispose",        S(READY) | S(DECLINED) | S(NOT_REPAIRABLE), RP_DISPOSED,    P_WORKSHOP_MANAGE, "transition.dispose",          unclaimed_may_dispose, NULL, cancel_after},
    {0},
};
/* clang-format on */

const struct workflow repair_workflow = {
    .ent = &entity_repair_orders,
    .state_field = "status",
    .states = statuses,
    .categories = categories,
    .transitions = repair_transitions,
};

enum err_code repair_overdue(struct ctx *cx, char today[ISO_DATE_LEN], json_t **out)
{
    repair_day_of(NULL, today);
    int64_t branch = ctx_branch(cx);
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT id, number, status, legal_due, technician_id\n"
                              "FROM repair_orders\n"
                              "WHERE legal_due < $1 AND status IN (" REPAIR_OPEN_SQL ")\n"
                              "  AND ($2 = 0 OR branch_id = $2)\n"
                              "ORDER BY legal_due, id\n"
                              "LIMIT 500",
                              "ti", today, branch);
    if (!st)
        return cx->err.code;
    json_t *items = json_array();
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        int over = 0;
        date_diff_days(db_col_text(st, 3), today, &over);
        json_t *it = json_pack("{s:I,s:s,s:s,s:s,s:i}", "id", (json_int_t)db_col_i64(st, 0),
                               "number", db_col_text(st, 1), "status", db_col_text(st, 2),
                               "legal_due", db_col_text(st, 3), "days_over", over);
        json_object_set_new(it, "technician_id",
                            db_col_null(st, 4) ? json_null() : json_integer(db_col_i64(st, 4)));
        json_array_append_new(items, it);
    }
    db_done(st);
    if (step == DB_FAIL) {
        json_decref(items);
        return cx->err.code;
    }
    *out = items;
    return ERR_OK;
}
