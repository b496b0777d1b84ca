/* unclaimed.c — units their owners do not collect (domain layer): the
 * written notices with their proof of delivery (ГК РФ ст. 738 for a repair
 * done; ст. 899 for a unit kept after a declined or impossible repair), the
 * two months counted from the delivery (clocks.h), weekly storage reminders
 * through the outbox, and the disposal (or sale) of the unit, refused until
 * the two months have run out. */
#include "clocks.h"

#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "core/audit.h"
#include "core/outbox.h"
#include "core/perm.h"
#include "core/timeline.h"
#include "domain/registry/registry.h"
#include "workshop.h"
#include "base/banned.h"

static const char *const channels[] = {"letter", "telegram", "email", "in_person", NULL};

/* clang-format off */
static const struct field notice_fields[] = {
    [PN_ORDER_ID] =     {"order_id",     F_REF,  F_REQUIRED | F_CREATE_ONLY | F_FILTER | F_LIST, 0, "pickup_notice.order", .ref = &entity_repair_orders},
    [PN_SENT_AT] =      {"sent_at",      F_DATE, F_REQUIRED | F_SORT | F_LIST, 0, "pickup_notice.sent_at"},
    [PN_CHANNEL] =      {"channel",      F_ENUM, F_REQUIRED | F_FILTER | F_LIST, 0, "pickup_notice.channel", .enums = channels},
    [PN_DELIVERED_ON] = {"delivered_on", F_DATE, F_SORT | F_LIST, 0, "pickup_notice.delivered_on"},
    [PN_ENDS_ON] =      {"ends_on",      F_DATE, F_READONLY | F_SORT | F_LIST, 0, "pickup_notice.ends_on"},
    [PN_NOTE] =         {"note",         F_TEXT, F_MULTILINE, 2000, "pickup_notice.note"},
    [PN_BRANCH_ID] =    {"branch_id",    F_REF,  F_READONLY | F_FILTER, 0, "pickup_notice.branch", .ref = &entity_branches},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(notice_fields, PN__COUNT),
               "one entry per value of enum pickup_notice_field");

#define WAITING(s) (!strcmp(s, "ready") || !strcmp(s, "declined") || !strcmp(s, "not_repairable"))

static void put_text(struct ctx *cx, struct record *r, int field, const char *s)
{
    struct value *v = rec_set(r, field);
    v->set = true, v->null = !s, v->s = s ? arena_strdup(cx->a, s) : NULL;
}

/* A notice goes out when the unit waits for its owner; its delivery is not
 * before it was sent nor after today; handed over in person it is
 * delivered that day. The end of the two months follows the delivery. */
static enum err_code notice_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    int64_t order = rec_get(rec, PN_ORDER_ID)->i;
    int64_t branch = 0;
    if (!old) {
        enum err_code rc = entity_visible(cx, &entity_repair_orders, order);
        if (rc == ERR_NOTFOUND) {
            err_clear(&cx->err);
            err_field(&cx->err, "order_id", "not_found");
            return ctx_fail(cx, ERR_INVALID, "no such repair order");
        }
        if (rc != ERR_OK)
            return rc;
    }
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT status, COALESCE(branch_id, 0) FROM repair_orders WHERE id = $1", "i", order);
    if (!st)
        return cx->err.code;
    int step = db_step(st);
    bool waiting = step == DB_ROW && WAITING(db_col_text(st, 0));
    const char *status = step == DB_ROW ? arena_strdup(cx->a, db_col_text(st, 0)) : "";
    if (step == DB_ROW)
        branch = db_col_i64(st, 1);
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    if (!old && !waiting)
        return ctx_fail(cx, ERR_CONFLICT,
                        "a notice to collect goes out when the unit is ready, declined or not "
                        "repairable (the order is %s)",
                        status);
    if (!old) {
        struct value *b = rec_set(rec, PN_BRANCH_ID);
        b->set = true, b->null = !branch, b->i = branch;
    }
    /* a delivered notice starts the two months: its dates and channel are
     * corrected by a manager only (audited like any change) */
    static const int fixed[] = {PN_SENT_AT, PN_DELIVERED_ON, PN_CHANNEL};
    for (size_t k = 0; old && !rec_get(old, PN_DELIVERED_ON)->null &&
                       !ctx_can(cx, P_WORKSHOP_MANAGE) && k < sizeof(fixed) / sizeof(*fixed);
         k++) {
        const struct value *a = rec_get(old, fixed[k]), *b = rec_get(rec, fixed[k]);
        bool an = a->null || !a->set || !a->s, bn = b->null || !b->set || !b->s;
        if (an != bn || (!an && strcmp(a->s, b->s)))
            return ctx_fail(cx, ERR_CONFLICT,
                            "%s of a delivered notice is changed by a manager only",
                            notice_fields[fixed[k]].name);
    }
    char today[ISO_DATE_LEN];
    repair_day_of(NULL, today);
    const char *sent = rec_get(rec, PN_SENT_AT)->s;
    const struct value *del = rec_get(rec, PN_DELIVERED_ON);
    if (sent && strcmp(sent, today) > 0)
        err_field(&cx->err, "sent_at", "future");
    if (!del->null && del->set && sent && strcmp(del->s, sent) < 0)
        err_field(&cx->err, "delivered_on", "before_sent");
    else if (!del->null && del->set && strcmp(del->s, today) > 0)
        err_field(&cx->err, "delivered_on", "future");
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "the notice has invalid dates");
    if ((del->null || !del->set) && !strcmp(rec_get(rec, PN_CHANNEL)->s, "in_person"))
        put_text(cx, rec, PN_DELIVERED_ON, sent);
    del = rec_get(rec, PN_DELIVERED_ON);
    char ends[ISO_DATE_LEN];
    if (del->null || !del->set) {
        put_text(cx, rec, PN_ENDS_ON, NULL);
        return ERR_OK;
    }
    /* the production calendar (the first, seeded one), not the branch's hours */
    struct bizcal cal;
    enum err_code rc = clocks_calendar(cx, 0, &cal);
    if (rc != ERR_OK)
        return rc;
    put_text(cx, rec, PN_ENDS_ON, clock_unclaimed_end(&cal, del->s, ends) ? ends : NULL);
    return ERR_OK;
}

/* Each notice is noted on the order's timeline. */
static enum err_code notice_after_write(struct ctx *cx, const struct record *rec,
                                        const struct record *old)
{
    if (!rec)
        return ERR_OK;
    const struct value *del = rec_get(rec, PN_DELIVERED_ON);
    bool delivered = !del->null && (!old || rec_get(old, PN_DELIVERED_ON)->null);
    if (old && !delivered)
        return ERR_OK;
    const char *body =
        delivered ? arena_printf(cx->a, "%s: %s → %s", rec_get(rec, PN_CHANNEL)->s, del->s,
                                 rec_get(rec, PN_ENDS_ON)->s ? rec_get(rec, PN_ENDS_ON)->s : "")
                  : arena_printf(cx->a, "%s: %s", rec_get(rec, PN_CHANNEL)->s,
                                 rec_get(rec, PN_SENT_AT)->s);
    return timeline_add(cx, &entity_repair_orders, rec_get(rec, PN_ORDER_ID)->i,
                        delivered ? "pickup_notice_delivered" : "pickup_notice", false, body, NULL,
                        NULL, NULL, NULL);
}

const struct entity entity_pickup_notices = {
    .name = "pickup_notices",
    .table = "pickup_notices",
    .label = "entity.pickup_notices",
    .fields = notice_fields,
    .display_sql = "sent_at",
    .perm_read = P_WORKSHOP_READ,
    .perm_write = P_WORKSHOP_WRITE,
    .perm_delete = P_WORKSHOP_MANAGE,
    .branch_field = "branch_id",
    .check = notice_check,
    .after_write = notice_after_write,
    .timeline = true, /* the proof of delivery is a file on it */
};

/* ---- disposal ------------------------------------------------------------ */

/* The last day of the two months (from the first delivered notice), NULL
 * when no notice is known to be delivered. */
static enum err_code clock_end(struct ctx *cx, int64_t order, const char **ends)
{
    *ends = NULL;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT MIN(ends_on) FROM pickup_notices\n"
                              "WHERE order_id = $1 AND ends_on IS NOT NULL",
                              "i", order);
    if (!st)
        return cx->err.code;
    int step = db_step(st);
    if (step == DB_ROW && !db_col_null(st, 0))
        *ends = arena_strdup(cx->a, db_col_text(st, 0));
    db_done(st);
    return step == DB_FAIL ? cx->err.code : ERR_OK;
}

/* ERR_CONFLICT, naming the date, until the two months have run out. */
static enum err_code clock_over(struct ctx *cx, const struct record *order, const char **ends)
{
    const struct value *status = record_value((struct record *)order, "status");
    if (!WAITING(status->s))
        return ctx_fail(cx, ERR_CONFLICT,
                        "only a unit waiting for its owner (ready, declined, not repairable) is "
                        "disposed of");
    enum err_code rc = clock_end(cx, order->id, ends);
    if (rc != ERR_OK)
        return rc;
    if (!*ends)
        return ctx_fail(cx, ERR_CONFLICT,
                        "no written notice to collect the unit is recorded as delivered "
                        "(ГК РФ ст. 738): record one with its delivery date first");
    char today[ISO_DATE_LEN], from[ISO_DATE_LEN];
    repair_day_of(NULL, today);
    if (strcmp(today, *ends) <= 0) {
        date_add_days(*ends, 1, from);
        return ctx_fail(cx, ERR_CONFLICT,
                        "the two months from the delivered notice run until %s: the unit may be "
                        "disposed of from %s",
                        *ends, from);
    }
    return ERR_OK;
}

enum err_code unclaimed_may_dispose(struct ctx *cx, const struct record *order)
{
    const char *ends;
    enum err_code rc = clock_over(cx, order, &ends);
    if (rc != ERR_OK)
        return rc;
    bool found;
    int64_t id;
    if ((rc = db_get_i64(cx->db, &cx->err, &id, &found,
                         "SELECT id FROM unit_disposals WHERE order_id = $1", "i", order->id)) !=
        ERR_OK)
        return rc;
    if (!found)
        return ctx_fail(
            cx, ERR_CONFLICT,
            "a disposal is recorded with its reason: POST /api/v1/repair_orders/%lld/dispose",
            (long long)order->id);
    return ERR_OK;
}

static enum err_code dispose_tx(struct ctx *cx, int64_t order_id, int64_t version, const char *kind,
                                const char *reason, struct record **out)
{
    struct record *order;
    enum err_code rc = entity_get(cx, &entity_repair_orders, order_id, &order);
    if (rc != ERR_OK)
        return rc;
    if (order->version != version)
        return ctx_fail(cx, ERR_CONFLICT, "the repair order was changed meanwhile (version %lld)",
                        (long long)order->version);
    const char *ends;
    if ((rc = clock_over(cx, order, &ends)) != ERR_OK)
        return rc;
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    if ((rc = db_run(
             cx->db, &cx->err,
             "INSERT INTO unit_disposals (order_id, at, user_id, kind, reason, clock_ended)\n"
             "VALUES ($1, $2, $3, $4, $5, $6)",
             "itItt"
             "t",
             order_id, now, cx->user ? cx->user->id : (int64_t)0, kind, reason, ends)) != ERR_OK)
        return rc;
    json_t *a = json_pack("{s:s,s:s,s:s}", "kind", kind, "reason", reason, "clock_ended", ends);
    char *after = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    rc = audit_append(cx, "disposal", "repair_orders", order_id, NULL, after);
    free(after);
    if (rc != ERR_OK)
        return rc;
    if ((rc = timeline_add(cx, &entity_repair_orders, order_id, "disposal", false,
                           arena_printf(cx->a, "%s: %s", kind, reason), NULL, NULL, NULL, NULL)) !=
        ERR_OK)
        return rc;
    return workflow_run(cx, &repair_workflow, order_id, version, "dispose", NULL, out);
}

enum err_code unclaimed_dispose(struct ctx *cx, int64_t order_id, int64_t version, const char *kind,
                                const char *reason, struct record **out)
{
    if (!ctx_can(cx, P_WORKSHOP_MANAGE))
        return ctx_fail(cx, ERR_FORBIDDEN, "disposing of a client's unit is a manager's decision");
    if (!kind || (strcmp(kind, "dispose") && strcmp(kind, "sell")))
        err_field(&cx->err, "kind", kind ? "invalid" : "required");
    if (!reason || text_blank(reason))
        err_field(&cx->err, "reason", "required");
    else if (strlen(reason) > 2000)
        err_field(&cx->err, "reason", "too_long");
    if (!version)
        err_field(&cx->err, "version", "required");
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "a disposal needs its kind (dispose, sell) and a reason");
    enum err_code rc = entity_visible(cx, &entity_repair_orders, order_id);
    if (rc != ERR_OK)
        return rc;
    bool own;
    if ((rc = db_begin_own(cx->db, &cx->err, &own)) != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, dispose_tx(cx, order_id, version, kind, reason, out));
}

/* ---- storage reminders --------------------------------------------------- */

static const char *status_label(const char *status, bool en)
{
    if (!strcmp(status, "ready"))
        return en ? "ready" : "готов к выдаче";
    if (!strcmp(status, "declined"))
        return en ? "repair declined" : "от ремонта отказались";
    return en ? "not repairable" : "ремонт невозможен";
}

/* One reminder: queued to the client's channels, noted on the timeline and
 * in pickup_reminders (which paces the next). */
static enum err_code remind(struct ctx *cx, int64_t order, const char *now)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT o.number, o.status, o.access_code, c.id, c.name, c.email, c.phone, c.lang,\n"
             "       m.brand, m.model, u.serial\n"
             "FROM repair_orders o JOIN clients c ON c.id = o.client_id\n"
             "LEFT JOIN equipment_units u ON u.id = o.unit_id\n"
             "LEFT JOIN equipment_models m ON m.id = u.model_id\n"
             "WHERE o.id = $1",
             "i", order);
    if (!st)
        return cx->err.code;
    int step = db_step(st);
    if (step != DB_ROW) {
        db_done(st);
        return step == DB_FAIL ? cx->err.code : ERR_OK;
    }
#define T(i) (db_col_null(st, i) ? NULL : arena_strdup(cx->a, db_col_text(st, i)))
    const char *number = T(0), *status = T(1), *code = T(2), *lang = T(7);
    bool en = lang && !strcmp(lang, "en");
    const char *brand = T(8), *model = T(9), *serial = T(10);
    const char *pickup =
        !model
            ? (en ? "Your equipment is ready to be collected." : "Ваше оборудование можно забрать.")
        : en ? arena_printf(cx->a, "Your %s %s (serial number %s) is waiting to be collected.",
                            brand, model, serial ? serial : "—")
             : arena_printf(cx->a, "Ваше оборудование %s %s (серийный номер %s) ждёт вас.", brand,
                            model, serial ? serial : "—");
    struct outbox_item it = {
        .event = "pickup_reminder",
        .client_id = db_col_i64(st, 3),
        .own_request = true, /* about the client's own order (152-ФЗ ст. 6 ч. 1 п. 5) */
        .email = T(5),
        .phone = T(6),
        .entity = "repair_orders",
        .record_id = order,
        .link_path =
            arena_printf(cx->a, "/#/public/status?number=%s&code=%s", number, code ? code : ""),
        .automatic = true,
    };
    it.vars.v[PH_NUMBER] = number;
    it.vars.v[PH_STATUS] = status_label(status, en);
    it.vars.v[PH_CODE] = code;
    it.vars.v[PH_CLIENT] = T(4);
    it.vars.v[PH_PICKUP] = pickup;
#undef T
    db_done(st);
    int queued = 0;
    enum err_code rc = outbox_queue(cx, &it, &queued);
    if (rc == ERR_OK)
        rc = db_run(cx->db, &cx->err,
                    "INSERT INTO pickup_reminders (order_id, at, queued) VALUES ($1, $2, $3)",
                    "iti", order, now, (int64_t)queued);
    if (rc == ERR_OK)
        rc = timeline_add(cx, &entity_repair_orders, order, "pickup_reminder", false,
                          arena_printf(cx->a, "%d", queued), NULL, NULL, NULL, NULL);
    return rc;
}

enum err_code pickup_reminders_job(struct ctx *cx)
{
    int64_t now = time_now();
    char at[ISO_TIME_LEN], week_ago[ISO_TIME_LEN];
    time_iso(now, at);
    time_iso(now - REMINDER_DAYS * 86400, week_ago);
    /* since when each unit waits: its last change of state to where it is */
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT o.id FROM repair_orders o\n"
             "WHERE o.status IN ('ready', 'declined', 'not_repairable')\n"
             "  AND o.client_id IS NOT NULL\n"
             "  AND COALESCE((SELECT MAX(e.at) FROM events e\n"
             "                WHERE e.entity = 'repair_orders' AND e.record_id = o.id\n"
             "                  AND e.kind = 'status' AND e.to_state = o.status),\n"
             "               o.updated_at) <= $1\n"
             "  AND NOT EXISTS (SELECT 1 FROM pickup_reminders r\n"
             "                  WHERE r.order_id = o.id AND r.at > $1)\n"
             "  AND NOT EXISTS (SELECT 1 FROM unit_disposals d WHERE d.order_id = o.id)\n"
             "ORDER BY o.id LIMIT 1000",
             "t", week_ago);
    if (!st)
        return cx->err.code;
    int64_t *ids = arena_alloc(cx->a, sizeof(*ids) * 1000);
    int n = 0, step;
    while ((step = db_step(st)) == DB_ROW && n < 1000)
        ids[n++] = db_col_i64(st, 0);
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    for (int i = 0; i < n; i++) {
        bool own;
        enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
        if (rc == ERR_OK)
            rc = db_end_own(cx->db, &cx->err, own, remind(cx, ids[i], at));
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}
