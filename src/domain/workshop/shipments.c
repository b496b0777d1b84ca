/* shipments.c — shipments to vendors and external repair (domain layer):
 * units (repair orders) sent to a vendor or an authorised service center (a
 * service partner), with the carrier, the tracking and the vendor's RMA
 * numbers, the expected return and what came back for each unit. Sending
 * moves the orders to at_vendor and receiving moves each back (to in_repair or
 * qc) through the order's workflow, so its guards and timeline apply. */
#include "workshop.h"

#include <string.h>

#include "base/text.h"
#include "core/perm.h"
#include "core/timeline.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

static const char *const partner_kinds[] = {"vendor", "asc", NULL};
static const char *const shipment_statuses[] = {
    "draft", "sent", "partially_received", "received", "closed", "cancelled", NULL};
enum { SS_DRAFT, SS_SENT, SS_PARTIAL, SS_RECEIVED, SS_CLOSED, SS_CANCELLED };
static const enum state_category shipment_categories[] = {STATE_OPEN, STATE_OPEN,   STATE_OPEN,
                                                          STATE_OPEN, STATE_CLOSED, STATE_CLOSED};
static const char *const outcomes[] = {"repaired", "replaced", "refused", NULL};

/* clang-format off */
static const struct field partner_fields[] = {
    [SP_NAME] =       {"name",       F_TEXT, F_REQUIRED | F_UNIQUE | F_SEARCH | F_SORT | F_LIST, 200,  "service_partner.name"},
    [SP_KIND] =       {"kind",       F_ENUM, F_REQUIRED | F_FILTER | F_LIST,                     0,    "service_partner.kind", .enums = partner_kinds, .def = "asc"},
    [SP_INN] =        {"inn",        F_INN,  F_SEARCH | F_LIST,                                  0,    "service_partner.inn"},
    [SP_REQUISITES] = {"requisites", F_TEXT, F_MULTILINE,                                        2000, "service_partner.requisites"},
    [SP_CONTACT] =    {"contact",    F_TEXT, F_MULTILINE,                                        1000, "service_partner.contact"},
    [SP_ACTIVE] =     {"active",     F_BOOL, F_FILTER | F_LIST,                                  0,    "service_partner.active", .def = "true"},
    {0},
};
static const struct field shipment_fields[] = {
    [SH_NUMBER] =          {"number",          F_TEXT, F_READONLY | F_SEARCH | F_SORT | F_FILTER | F_LIST, 32, "shipment.number"},
    [SH_STATUS] =          {"status",          F_ENUM, F_READONLY | F_FILTER | F_LIST,      0,    "shipment.status", .enums = shipment_statuses, .def = "draft"},
    [SH_PARTNER_ID] =      {"partner_id",      F_REF,  F_REQUIRED | F_FILTER | F_LIST,      0,    "shipment.partner", .ref = &entity_service_partners},
    [SH_BRANCH_ID] =       {"branch_id",       F_REF,  F_FILTER,                            0,    "shipment.branch", .ref = &entity_branches},
    [SH_CARRIER] =         {"carrier",         F_TEXT, F_LIST,                              200,  "shipment.carrier"},
    [SH_TRACKING_NUMBER] = {"tracking_number", F_TEXT, F_SEARCH | F_LIST,                   100,  "shipment.tracking_number"},
    [SH_RMA_NUMBER] =      {"rma_number",      F_TEXT, F_SEARCH | F_FILTER,                 100,  "shipment.rma_number"},
    [SH_SENT_DATE] =       {"sent_date",       F_DATE, F_SORT | F_LIST,                     0,    "shipment.sent_date"},
    [SH_EXPECTED_DATE] =   {"expected_date",   F_DATE, F_SORT | F_LIST,                     0,    "shipment.expected_date"},
    [SH_RECEIVED_DATE] =   {"received_date",   F_DATE, F_READONLY | F_SORT,                 0,    "shipment.received_date"},
    [SH_NOTES] =           {"notes",           F_TEXT, F_MULTILINE,                         2000, "shipment.notes"},
    {0},
};
static const struct field item_fields[] = {
    [SI_SHIPMENT_ID] =   {"shipment_id",   F_REF,  F_REQUIRED | F_CREATE_ONLY | F_FILTER | F_LIST, 0, "shipment_item.shipment", .ref = &entity_shipments},
    [SI_ORDER_ID] =      {"order_id",      F_REF,  F_REQUIRED | F_CREATE_ONLY | F_FILTER | F_LIST, 0, "shipment_item.order", .ref = &entity_repair_orders},
    [SI_OUTCOME] =       {"outcome",       F_ENUM, F_READONLY | F_FILTER | F_LIST,  0,    "shipment_item.outcome", .enums = outcomes},
    [SI_NEW_SERIAL] =    {"new_serial",    F_TEXT, F_READONLY | F_LIST,             100,  "shipment_item.new_serial"},
    [SI_NOTE] =          {"note",          F_TEXT, F_MULTILINE,                     1000, "shipment_item.note"},
    [SI_RECEIVED_DATE] = {"received_date", F_DATE, F_READONLY | F_LIST,             0,    "shipment_item.received_date"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(partner_fields, SP__COUNT), "one entry per service_partner_field");
_Static_assert(FIELDS_COUNT_OK(shipment_fields, SH__COUNT), "one entry per shipment_field");
_Static_assert(FIELDS_COUNT_OK(item_fields, SI__COUNT), "one entry per shipment_item_field");

const struct entity entity_service_partners = {
    .name = "service_partners",
    .table = "service_partners",
    .label = "entity.service_partners",
    .fields = partner_fields,
    .display_sql = "name",
    .perm_read = P_WORKSHOP_READ,
    .perm_write = P_WORKSHOP_SETTINGS,
    .perm_delete = P_WORKSHOP_SETTINGS,
};

static bool is_null(const struct record *r, int field)
{
    const struct value *v = rec_get(r, field);
    return !v->set || v->null;
}

/* A shipment takes its sender's branch when not given; dates go forward. */
static enum err_code shipment_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    if (!old && is_null(rec, SH_BRANCH_ID) && cx->user && cx->user->branch_id) {
        struct value *b = rec_set(rec, SH_BRANCH_ID);
        b->set = true, b->null = false, b->i = cx->user->branch_id;
    }
    const struct value *s = rec_get(rec, SH_SENT_DATE), *e = rec_get(rec, SH_EXPECTED_DATE);
    if (s->set && !s->null && e->set && !e->null && strcmp(e->s, s->s) < 0) {
        err_field(&cx->err, "expected_date", "before_sent");
        return ctx_fail(cx, ERR_INVALID, "the expected return is before the shipment was sent");
    }
    return ERR_OK;
}

const struct entity entity_shipments = {
    .name = "shipments",
    .table = "shipments",
    .label = "entity.shipments",
    .fields = shipment_fields,
    .display_sql = "number",
    .perm_read = P_WORKSHOP_READ,
    .perm_write = P_WORKSHOP_WRITE,
    .perm_delete = P_WORKSHOP_MANAGE,
    .branch_field = "branch_id",
    .check = shipment_check,
    .number_field = "number",
    .number_series = "ОТП",
    .timeline = true,
};

/* Sending moves at most this many orders (send_after). */
#define SHIPMENT_MAX_UNITS 500

static enum err_code counts(struct ctx *cx, int64_t id, int64_t *all, int64_t *back);

static enum err_code shipment_status(struct ctx *cx, int64_t shipment, const char **status)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err, "SELECT status FROM shipments WHERE id = $1", "i", shipment);
    if (!st)
        return cx->err.code;
    int r = db_step(st);
    *status = r == DB_ROW ? arena_strdup(cx->a, db_col_text(st, 0)) : NULL;
    db_done(st);
    return r == DB_FAIL ? cx->err.code : ERR_OK;
}

/* A unit joins a draft shipment while its order is being repaired here (in
 * repair or waiting for parts) and is in no other open shipment. */
static enum err_code item_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    /* a unit of another branch's shipment is not seen, let alone changed */
    enum err_code rc = entity_visible(cx, &entity_shipments, rec_get(rec, SI_SHIPMENT_ID)->i);
    if (rc != ERR_OK && rc != ERR_NOTFOUND)
        return rc;
    if (rc == ERR_NOTFOUND && old)
        return rc;
    if (old)
        return ERR_OK;
    const char *status = NULL;
    if (rc == ERR_OK &&
        (rc = shipment_status(cx, rec_get(rec, SI_SHIPMENT_ID)->i, &status)) != ERR_OK)
        return rc;
    err_clear(&cx->err);
    if (!status) {
        err_field(&cx->err, "shipment_id", "not_found");
        return ctx_fail(cx, ERR_INVALID, "no such shipment");
    }
    if (strcmp(status, "draft"))
        return ctx_fail(cx, ERR_CONFLICT, "units are added to a draft shipment only (it is '%s')",
                        status);
    int64_t all, back;
    if ((rc = counts(cx, rec_get(rec, SI_SHIPMENT_ID)->i, &all, &back)) != ERR_OK)
        return rc;
    if (all >= SHIPMENT_MAX_UNITS) {
        err_field(&cx->err, "shipment_id", "full");
        return ctx_fail(cx, ERR_INVALID, "a shipment has at most %d units", SHIPMENT_MAX_UNITS);
    }
    struct record *order;
    int64_t oid = rec_get(rec, SI_ORDER_ID)->i;
    if ((rc = entity_get(cx, &entity_repair_orders, oid, &order)) != ERR_OK) {
        if (rc != ERR_NOTFOUND)
            return rc;
        err_clear(&cx->err);
        err_field(&cx->err, "order_id", "not_found");
        return ctx_fail(cx, ERR_INVALID, "no such repair order");
    }
    const char *os = rec_get(order, RO_STATUS)->s;
    if (strcmp(os, "in_repair") && strcmp(os, "waiting_parts")) {
        err_field(&cx->err, "order_id", "not_in_repair");
        return ctx_fail(cx, ERR_INVALID, "order %s is '%s': only orders in repair are sent out",
                        rec_get(order, RO_NUMBER)->s, os);
    }
    int64_t other;
    bool found;
    if ((rc = db_get_i64(cx->db, &cx->err, &other, &found,
                         "SELECT s.id FROM shipment_items i JOIN shipments s ON s.id = "
                         "i.shipment_id\n"
                         "WHERE i.order_id = $1 AND i.outcome IS NULL\n"
                         "  AND s.status IN ('draft', 'sent', 'partially_received')",
                         "i", oid)) != ERR_OK)
        return rc;
    if (found) {
        err_field(&cx->err, "order_id", "in_shipment");
        return ctx_fail(cx, ERR_INVALID, "order %s is in another open shipment",
                        rec_get(order, RO_NUMBER)->s);
    }
    return ERR_OK;
}

/* Units leave a shipment while it is a draft. */
static enum err_code item_check_delete(struct ctx *cx, const struct record *rec)
{
    const char *status;
    enum err_code rc = entity_visible(cx, &entity_shipments, rec_get(rec, SI_SHIPMENT_ID)->i);
    if (rc != ERR_OK)
        return rc;
    rc = shipment_status(cx, rec_get(rec, SI_SHIPMENT_ID)->i, &status);
    if (rc == ERR_OK && status && strcmp(status, "draft"))
        return ctx_fail(cx, ERR_CONFLICT, "the shipment is '%s': its units stay", status);
    return rc;
}

const struct entity entity_shipment_items = {
    .name = "shipment_items",
    .table = "shipment_items",
    .label = "entity.shipment_items",
    .fields = item_fields,
    .display_sql = "CAST(order_id AS TEXT)",
    .perm_read = P_WORKSHOP_READ,
    .perm_write = P_WORKSHOP_WRITE,
    .perm_delete = P_WORKSHOP_WRITE,
    .check = item_check,
    .check_delete = item_check_delete,
};

/* ---- workflow ------------------------------------------------------------ */

/* Units of the shipment: how many, how many back. */
static enum err_code counts(struct ctx *cx, int64_t id, int64_t *all, int64_t *back)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT COUNT(*), COUNT(outcome) FROM shipment_items\n"
                              "WHERE shipment_id = $1",
                              "i", id);
    if (!st)
        return cx->err.code;
    int r = db_step(st);
    *all = r == DB_ROW ? db_col_i64(st, 0) : 0;
    *back = r == DB_ROW ? db_col_i64(st, 1) : 0;
    db_done(st);
    return r == DB_FAIL ? cx->err.code : ERR_OK;
}

static enum err_code may_send(struct ctx *cx, const struct record *rec)
{
    int64_t all, back;
    enum err_code rc = counts(cx, rec->id, &all, &back);
    if (rc == ERR_OK && !all)
        return ctx_fail(cx, ERR_CONFLICT, "the shipment has no units");
    return rc;
}

static enum err_code may_receive_all(struct ctx *cx, const struct record *rec)
{
    int64_t all, back;
    enum err_code rc = counts(cx, rec->id, &all, &back);
    if (rc == ERR_OK && back < all)
        return ctx_fail(cx, ERR_CONFLICT,
                        "%lld of %lld units are back: receive them (POST "
                        "/api/v1/shipments/%lld/receive)",
                        (long long)back, (long long)all, (long long)rec->id);
    return rc;
}

static enum err_code may_receive_part(struct ctx *cx, const struct record *rec)
{
    int64_t all, back;
    enum err_code rc = counts(cx, rec->id, &all, &back);
    if (rc == ERR_OK && (!back || back == all))
        return ctx_fail(cx, ERR_CONFLICT, "a partial receipt is of some units, not %s",
                        back ? "all" : "none");
    return rc;
}

static void set_date(struct ctx *cx, struct record *patch, int field, const char *day)
{
    struct value *v = rec_set(patch, field);
    v->set = true, v->null = false, v->s = arena_strdup(cx->a, day);
}

/* Sending needs the expected return; the sent day is today unless given. */
static enum err_code send_effect(struct ctx *cx, const struct record *rec,
                                 const struct record *input, struct record *patch)
{
    (void)input;
    char today[ISO_DATE_LEN];
    repair_day_of(NULL, today);
    if (is_null(rec, SH_EXPECTED_DATE)) {
        err_field(&cx->err, "expected_date", "required");
        return ctx_fail(cx, ERR_INVALID, "a shipment is sent with its expected return date");
    }
    if (is_null(rec, SH_SENT_DATE))
        set_date(cx, patch, SH_SENT_DATE, today);
    return ERR_OK;
}

static enum err_code receive_effect(struct ctx *cx, const struct record *rec,
                                    const struct record *input, struct record *patch)
{
    (void)rec, (void)input;
    char today[ISO_DATE_LEN];
    repair_day_of(NULL, today);
    set_date(cx, patch, SH_RECEIVED_DATE, today);
    return ERR_OK;
}

/* Each unit's order goes to at_vendor through its own workflow, with the
 * shipment on its timeline. */
static enum err_code send_after(struct ctx *cx, const struct record *before,
                                const struct record *now, const struct transition *t)
{
    (void)before, (void)t;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT i.order_id, o.version FROM shipment_items i\n"
                              "JOIN repair_orders o ON o.id = i.order_id\n"
                              "WHERE i.shipment_id = $1 ORDER BY i.id LIMIT 500",
                              "i", now->id);
    if (!st)
        return cx->err.code;
    int64_t ids[SHIPMENT_MAX_UNITS], versions[SHIPMENT_MAX_UNITS];
    int n = 0, step;
    while ((step = db_step(st)) == DB_ROW && n < SHIPMENT_MAX_UNITS) {
        ids[n] = db_col_i64(st, 0);
        versions[n++] = db_col_i64(st, 1);
    }
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    const char *number = rec_get(now, SH_NUMBER)->s;
    for (int i = 0; i < n; i++) {
        struct record *o;
        enum err_code rc =
            workflow_run(cx, &repair_workflow, ids[i], versions[i], "send_to_vendor", NULL, &o);
        if (rc == ERR_OK)
            rc = timeline_add(cx, &entity_repair_orders, ids[i], "shipment_sent", false, NULL, NULL,
                              number, NULL, NULL);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

#define S(state) STATE_BIT(state)

/* clang-format off */
static const struct transition shipment_transitions[] = {
    /* name            from                        to            perm               label                          guard             effect          after */
    {"send",          S(SS_DRAFT),                SS_SENT,      P_WORKSHOP_WRITE,  "transition.send_shipment",    may_send,         send_effect,    send_after},
    {"receive_part",  S(SS_SENT) | S(SS_PARTIAL), SS_PARTIAL,   P_WORKSHOP_WRITE,  "transition.receive_part",     may_receive_part, NULL,           NULL},
    {"receive",       S(SS_SENT) | S(SS_PARTIAL), SS_RECEIVED,  P_WORKSHOP_WRITE,  "transition.receive_shipment", may_receive_all,  receive_effect, NULL},
    {"close",         S(SS_RECEIVED),             SS_CLOSED,    P_WORKSHOP_WRITE,  "transition.close_shipment",   NULL,             NULL,           NULL},
    {"cancel",        S(SS_DRAFT),                SS_CANCELLED, P_WORKSHOP_WRITE,  "transition.cancel_shipment",  NULL,             NULL,           NULL},
    {0},
};
/* clang-format on */

const struct workflow shipment_workflow = {
    .ent = &entity_shipments,
    .state_field = "status",
    .states = shipment_statuses,
    .categories = shipment_categories,
    .transitions = shipment_transitions,
};

/* ---- receiving ----------------------------------------------------------- */

static enum err_code receive_tx(struct ctx *cx, int64_t id, int64_t version,
                                const struct shipment_receipt *items, int n, struct record **out)
{
    struct record *sh;
    enum err_code rc = entity_get(cx, &entity_shipments, id, &sh);
    if (rc != ERR_OK)
        return rc;
    if (version >= 0 && version != sh->version)
        return ctx_fail(cx, ERR_CONFLICT, "shipments %lld was changed by someone else",
                        (long long)id);
    const char *status = rec_get(sh, SH_STATUS)->s;
    if (strcmp(status, "sent") && strcmp(status, "partially_received"))
        return ctx_fail(cx, ERR_CONFLICT, "units are received from a sent shipment (it is '%s')",
                        status);
    if (!n) {
        err_field(&cx->err, "items", "required");
        return ctx_fail(cx, ERR_INVALID, "name the units received");
    }
    char today[ISO_DATE_LEN], now[ISO_TIME_LEN];
    repair_day_of(NULL, today);
    time_now_iso(now);
    const char *number = rec_get(sh, SH_NUMBER)->s;
    for (int k = 0; k < n; k++) {
        const struct shipment_receipt *r = &items[k];
        const char *f = arena_printf(cx->a, "items[%d]", k);
        int oc = 0;
        while (outcomes[oc] && (!r->outcome || strcmp(outcomes[oc], r->outcome)))
            oc++;
        if (!outcomes[oc]) {
            err_field(&cx->err, arena_printf(cx->a, "%s.outcome", f),
                      r->outcome ? "invalid" : "required");
            return ctx_fail(cx, ERR_INVALID, "%s.outcome: repaired, replaced or refused", f);
        }
        bool replaced = !strcmp(r->outcome, "replaced");
        if (replaced != (r->new_serial && !text_blank(r->new_serial))) {
            err_field(&cx->err, arena_printf(cx->a, "%s.new_serial", f),
                      replaced ? "required" : "not_replaced");
            return ctx_fail(cx, ERR_INVALID, "%s: a new serial goes with a replaced unit only", f);
        }
        struct db_stmt *st = db_q(cx->db, &cx->err,
                                  "SELECT i.order_id, i.outcome, o.version FROM shipment_items i\n"
                                  "JOIN repair_orders o ON o.id = i.order_id\n"
                                  "WHERE i.id = $1 AND i.shipment_id = $2",
                                  "ii", r->item_id, id);
        if (!st)
            return cx->err.code;
        int step = db_step(st);
        int64_t order = step == DB_ROW ? db_col_i64(st, 0) : 0;
        bool back = step == DB_ROW && !db_col_null(st, 1);
        int64_t over = step == DB_ROW ? db_col_i64(st, 2) : 0;
        db_done(st);
        if (step == DB_FAIL)
            return cx->err.code;
        if (!order || back) {
            err_field(&cx->err, arena_printf(cx->a, "%s.item_id", f),
                      back ? "received" : "not_in_shipment");
            return ctx_fail(cx, ERR_INVALID, "%s: %s", f,
                            back ? "the unit was received already"
                                 : "no such unit in the shipment");
        }
        if ((rc = db_run(cx->db, &cx->err,
                         "UPDATE shipment_items SET outcome = $1, new_serial = $2, note = "
                         "COALESCE($3, note),\n"
                         "  received_date = $4, version = version + 1, updated_at = $5 WHERE id = "
                         "$6",
                         "ttttti", r->outcome, replaced ? r->new_serial : NULL,
                         r->note && !text_blank(r->note) ? r->note : NULL, today, now,
                         r->item_id)) != ERR_OK)
            return rc;
        struct record *moved;
        if ((rc = workflow_run(cx, &repair_workflow, order, over,
                               r->to_qc ? "to_qc" : "start_repair", NULL, &moved)) != ERR_OK)
            return rc;
        const char *body =
            replaced ? arena_printf(cx->a, "%s: %s", r->outcome, r->new_serial) : r->outcome;
        if (r->note && !text_blank(r->note))
            body = arena_printf(cx->a, "%s — %s", body, r->note);
        if ((rc = timeline_add(cx, &entity_repair_orders, order, "shipment_received", false, body,
                               NULL, number, NULL, NULL)) != ERR_OK)
            return rc;
    }
    int64_t all, back;
    if ((rc = counts(cx, id, &all, &back)) != ERR_OK)
        return rc;
    if (back < all && !strcmp(status, "partially_received"))
        return entity_get(cx, &entity_shipments, id, out);
    return workflow_run(cx, &shipment_workflow, id, sh->version,
                        back < all ? "receive_part" : "receive", NULL, out);
}

enum err_code shipment_may_leave(struct ctx *cx, const struct record *order)
{
    if (strcmp(rec_get(order, RO_STATUS)->s, "at_vendor"))
        return ERR_OK;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT s.number FROM shipment_items i\n"
                              "JOIN shipments s ON s.id = i.shipment_id\n"
                              "WHERE i.order_id = $1 AND i.outcome IS NULL\n"
                              "  AND s.status IN ('sent', 'partially_received')\n"
                              "ORDER BY s.id LIMIT 1",
                              "i", order->id);
    if (!st)
        return cx->err.code;
    int step = db_step(st);
    const char *number = step == DB_ROW ? arena_strdup(cx->a, db_col_text(st, 0)) : NULL;
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    if (number)
        return ctx_fail(cx, ERR_CONFLICT, "the unit is in shipment %s: receive it there", number);
    return ERR_OK;
}

enum err_code shipment_receive(struct ctx *cx, int64_t id, int64_t version,
                               const struct shipment_receipt *items, int n, struct record **out)
{
    if (!ctx_can(cx, P_WORKSHOP_WRITE))
        return ctx_fail(cx, ERR_FORBIDDEN, "your role may not receive shipments");
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, receive_tx(cx, id, version, items, n, out));
}

#define TEXT(i) (db_col_null(st, i) ? NULL : db_col_text(st, i))

enum err_code shipment_overdue(struct ctx *cx, char today[ISO_DATE_LEN], json_t **out)
{
    repair_day_of(NULL, today);
    int64_t branch = ctx_branch(cx);
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT s.id, s.number, s.status, p.name, s.sent_date, s.expected_date,\n"
             "  s.tracking_number, s.rma_number,\n"
             "  (SELECT COUNT(*) FROM shipment_items i WHERE i.shipment_id = s.id\n"
             "     AND i.outcome IS NULL)\n"
             "FROM shipments s JOIN service_partners p ON p.id = s.partner_id\n"
             "WHERE s.status IN ('sent', 'partially_received') AND s.expected_date < $1\n"
             "  AND (CAST($2 AS BIGINT) = 0 OR s.branch_id = $2)\n"
             "ORDER BY s.expected_date, s.id LIMIT 500",
             "ti", today, branch);
    if (!st)
        return cx->err.code;
    json_t *items = json_array();
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        int over = 0;
        date_diff_days(db_col_text(st, 5), today, &over);
        json_array_append_new(
            items,
            json_pack("{s:I,s:s,s:s,s:s,s:s?,s:s,s:s?,s:s?,s:I,s:i}", "id",
                      (json_int_t)db_col_i64(st, 0), "number", db_col_text(st, 1), "status",
                      db_col_text(st, 2), "partner", db_col_text(st, 3), "sent_date", TEXT(4),
                      "expected_date", db_col_text(st, 5), "tracking_number", TEXT(6), "rma_number",
                      TEXT(7), "units_out", (json_int_t)db_col_i64(st, 8), "days_over", over));
    }
    db_done(st);
    if (step == DB_FAIL) {
        json_decref(items);
        return cx->err.code;
    }
    *out = items;
    return ERR_OK;
}

json_t *shipment_units(struct ctx *cx, int64_t id, enum err_code *rc)
{
    struct record *sh;
    if ((*rc = entity_get(cx, &entity_shipments, id, &sh)) != ERR_OK)
        return NULL;
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT i.id, i.order_id, o.number, o.status,\n"
             "  COALESCE(m.brand || ' ' || m.model, ''), u.serial, o.declared_fault,\n"
             "  o.accessories, i.outcome, i.new_serial, i.note, i.received_date, i.version\n"
             "FROM shipment_items i\n"
             "JOIN repair_orders o ON o.id = i.order_id\n"
             "LEFT JOIN equipment_units u ON u.id = o.unit_id\n"
             "LEFT JOIN equipment_models m ON m.id = u.model_id\n"
             "WHERE i.shipment_id = $1 ORDER BY i.id LIMIT 500",
             "i", id);
    if (!st) {
        *rc = cx->err.code;
        return NULL;
    }
    json_t *items = json_array();
    int step;
    while ((step = db_step(st)) == DB_ROW)
        json_array_append_new(
            items, json_pack("{s:I,s:I,s:s,s:s,s:s,s:s?,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:I}", "id",
                             (json_int_t)db_col_i64(st, 0), "order_id",
                             (json_int_t)db_col_i64(st, 1), "number", db_col_text(st, 2),
                             "order_status", db_col_text(st, 3), "model", db_col_text(st, 4),
                             "serial", TEXT(5), "fault", db_col_text(st, 6), "accessories", TEXT(7),
                             "outcome", TEXT(8), "new_serial", TEXT(9), "note", TEXT(10),
                             "received_date", TEXT(11), "version", (json_int_t)db_col_i64(st, 12)));
    db_done(st);
    if (step == DB_FAIL) {
        json_decref(items);
        *rc = cx->err.code;
        return NULL;
    }
    *rc = ERR_OK;
    return items;
}
