/* sla.c — service levels: calendars, policies and the SLA clock of requests
 * (domain layer). */
#include "sla.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "core/audit.h"
#include "core/notify.h"
#include "core/perm.h"
#include "domain/domain.h"
#include "domain/desk/desk.h"
#include "domain/desk/notices.h"
#include "domain/registry/registry.h"
#include "domain/sales/sales.h"
#include "base/banned.h"

static const char *const day_kinds[] = {"holiday", "day_off", "short_day", "working_day", NULL};
static const char *const weekdays[] = {"hours_mon", "hours_tue", "hours_wed", "hours_thu",
                                       "hours_fri", "hours_sat", "hours_sun"};

/* clang-format off */
static const struct field calendar_fields[] = {
    [CALENDAR_NAME] =          {"name",          F_TEXT, F_REQUIRED | F_UNIQUE | F_SEARCH | F_SORT | F_LIST, 200, "calendar.name"},
    [CALENDAR_TIMEZONE] =      {"timezone",      F_ENUM, F_REQUIRED | F_LIST, 0, "calendar.timezone", .enums = branch_timezones, .def = "Europe/Moscow"},
    [CALENDAR_HOURS_MON] =     {"hours_mon",     F_TEXT, F_LIST, 11, "calendar.hours_mon"},
    [CALENDAR_HOURS_TUE] =     {"hours_tue",     F_TEXT, F_LIST, 11, "calendar.hours_tue"},
    [CALENDAR_HOURS_WED] =     {"hours_wed",     F_TEXT, F_LIST, 11, "calendar.hours_wed"},
    [CALENDAR_HOURS_THU] =     {"hours_thu",     F_TEXT, F_LIST, 11, "calendar.hours_thu"},
    [CALENDAR_HOURS_FRI] =     {"hours_fri",     F_TEXT, F_LIST, 11, "calendar.hours_fri"},
    [CALENDAR_HOURS_SAT] =     {"hours_sat",     F_TEXT, F_LIST, 11, "calendar.hours_sat"},
    [CALENDAR_HOURS_SUN] =     {"hours_sun",     F_TEXT, F_LIST, 11, "calendar.hours_sun"},
    [CALENDAR_SHORT_MINUTES] = {"short_minutes", F_INT,  F_REQUIRED, 240, "calendar.short_minutes", .min = 0, .def = "60"},
    {0},
};
_Static_assert(FIELDS_COUNT_OK(calendar_fields, CALENDAR__COUNT), "one entry per value of enum calendar_field");

static const struct field day_fields[] = {
    [DAY_CALENDAR_ID] = {"calendar_id", F_REF,  F_REQUIRED | F_FILTER | F_LIST, 0, "calendar_day.calendar", .ref = &entity_business_calendars},
    [DAY_DATE] =        {"date",        F_DATE, F_REQUIRED | F_UNIQUE | F_SORT | F_FILTER | F_LIST, 0, "calendar_day.date", .unique_with = "calendar_id"},
    [DAY_KIND] =        {"kind",        F_ENUM, F_REQUIRED | F_FILTER | F_LIST, 0, "calendar_day.kind", .enums = day_kinds},
    [DAY_NOTE] =        {"note",        F_TEXT, F_LIST, 200, "calendar_day.note"},
    {0},
};
_Static_assert(FIELDS_COUNT_OK(day_fields, DAY__COUNT), "one entry per value of enum day_field");

static const struct field policy_fields[] = {
    [POLICY_NAME] =                    {"name",                   F_TEXT, F_REQUIRED | F_SORT | F_LIST, 200, "sla.name"},
    [POLICY_PRIORITY] =                {"priority",               F_ENUM, F_REQUIRED | F_UNIQUE | F_FILTER | F_LIST, 0, "sla.priority", .enums = domain_priorities},
    [POLICY_FIRST_RESPONSE_MINUTES] =  {"first_response_minutes", F_INT,  F_REQUIRED | F_LIST, 100000, "sla.first_response_minutes", .min = 0},
    [POLICY_RESOLUTION_MINUTES] =      {"resolution_minutes",     F_INT,  F_REQUIRED | F_LIST, 1000000, "sla.resolution_minutes", .min = 0},
    [POLICY_WARNING_PERCENT] =         {"warning_percent",        F_INT,  F_REQUIRED | F_LIST, 100, "sla.warning_percent", .min = 1, .def = "80"},
    [POLICY_ESCALATE_RAISE_PRIORITY] = {"escalate_raise_priority", F_BOOL, 0, 0, "sla.escalate_raise_priority", .def = "0"},
    [POLICY_ESCALATE_TO_ID] =          {"escalate_to_id",         F_REF,  0, 0, "sla.escalate_to", .ref = &entity_users},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(policy_fields, POLICY__COUNT),
               "one entry per value of enum policy_field");

/* Weekly hours are "HH:MM-HH:MM" (or empty: a day off). */
static enum err_code calendar_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    (void)old;
    for (int d = 0; d < 7; d++) {
        struct value *v = record_value(rec, weekdays[d]);
        int o, c;
        if (v->set && !v->null && !bizcal_parse_hours(v->s, &o, &c))
            err_field(&cx->err, weekdays[d], "invalid");
    }
    return cx->err.nfields ? ERR_INVALID : ERR_OK;
}

const struct entity entity_business_calendars = {
    .name = "business_calendars",
    .table = "business_calendars",
    .label = "entity.business_calendars",
    .fields = calendar_fields,
    .display_sql = "name",
    .perm_read = P_REQUESTS_READ,
    .perm_write = P_DESK_SETTINGS,
    .perm_delete = P_DESK_SETTINGS,
    .check = calendar_check,
};

const struct entity entity_calendar_days = {
    .name = "calendar_days",
    .table = "calendar_days",
    .label = "entity.calendar_days",
    .fields = day_fields,
    .display_sql = "date",
    .perm_read = P_REQUESTS_READ,
    .perm_write = P_DESK_SETTINGS,
    .perm_delete = P_DESK_SETTINGS,
};

/* The person escalation hands requests to must be one who may take them. */
static enum err_code policy_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    struct value *to = record_value(rec, "escalate_to_id");
    struct value *was = old ? record_value((struct record *)old, "escalate_to_id") : NULL;
    if (!to->set || to->null || (was && !was->null && was->i == to->i))
        return ERR_OK;
    bool ok;
    enum err_code rc = request_may_take(cx, to->i, &ok, NULL);
    if (rc != ERR_OK)
        return rc;
    if (!ok)
        err_field(&cx->err, "escalate_to_id", "cannot_take");
    return ok ? ERR_OK : ERR_INVALID;
}

const struct entity entity_sla_policies = {
    .name = "sla_policies",
    .table = "sla_policies",
    .label = "entity.sla_policies",
    .fields = policy_fields,
    .display_sql = "name",
    .perm_read = P_REQUESTS_READ,
    .perm_write = P_DESK_SETTINGS,
    .perm_delete = P_DESK_SETTINGS,
    .check = policy_check,
};

/* ---- calendars -------------------------------------------------------- */

enum err_code sla_calendar(struct ctx *cx, int64_t branch_id, struct bizcal *cal)
{
    memset(cal, 0, sizeof(*cal));
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT c.id, c.timezone, c.hours_mon, c.hours_tue, c.hours_wed, c.hours_thu,\n"
             "       c.hours_fri, c.hours_sat, c.hours_sun, c.short_minutes\n"
             "FROM business_calendars c\n"
             "WHERE c.id = COALESCE((SELECT calendar_id FROM branches WHERE id = $1),\n"
             "                      (SELECT MIN(id) FROM business_calendars))",
             "i", branch_id);
    if (!st)
        return cx->err.code;
    int rc = db_step(st);
    int64_t id = 0;
    if (rc == DB_ROW) {
        id = db_col_i64(st, 0);
        if (!bizcal_zone_offset(db_col_text(st, 1), &cal->offset_minutes))
            cal->offset_minutes = 180;
        for (int d = 0; d < 7; d++)
            if (!bizcal_parse_hours(db_col_text(st, 2 + d), &cal->open[d], &cal->close[d]))
                cal->open[d] = cal->close[d] = 0;
        cal->short_minutes = (int)db_col_i64(st, 9);
    }
    db_done(st);
    if (rc == DB_FAIL)
        return cx->err.code;
    if (rc != DB_ROW)
        return ctx_fail(cx, ERR_NOTFOUND, "no business calendar");
    st = db_q(cx->db, &cx->err,
              "SELECT date, kind FROM calendar_days WHERE calendar_id = $1 ORDER BY date", "i", id);
    if (!st)
        return cx->err.code;
    int cap = 64, n = 0;
    struct bizday *days = arena_alloc(cx->a, sizeof(*days) * (size_t)cap);
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t t;
        if (!time_parse(db_col_text(st, 0), &t))
            continue;
        if (n == cap) {
            struct bizday *more = arena_alloc(cx->a, sizeof(*days) * (size_t)cap * 2);
            memcpy(more, days, sizeof(*days) * (size_t)cap);
            days = more;
            cap *= 2;
        }
        days[n].day = t / 86400;
        days[n].kind = bizcal_kind(db_col_text(st, 1));
        n++;
    }
    db_done(st);
    if (rc == DB_FAIL)
        return cx->err.code;
    cal->days = days;
    cal->ndays = n;
    return ERR_OK;
}

enum err_code sla_calendar_load(struct ctx *cx, int64_t calendar_id, const char *tsv, int *loaded)
{
    *loaded = 0;
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    int lineno = 0;
    for (const char *p = tsv; *p;) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *line = arena_strndup(cx->a, p, len);
        p = end ? end + 1 : p + len;
        lineno++;
        if (len && line[len - 1] == '\r')
            line[--len] = 0;
        if (!len || line[0] == '#' || !strncmp(line, "date\t", 5))
            continue;
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (t1)
            *t1 = 0;
        if (t2)
            *t2 = 0;
        int y, m, d;
        if (!t1 || !date_parse(line, &y, &m, &d) || !bizcal_kind(t1 + 1))
            return ctx_fail(cx, ERR_INVALID, "line %d: expected DATE<TAB>KIND<TAB>NOTE", lineno);
        const char *note = t2 && utf8_valid(t2 + 1, strlen(t2 + 1)) ? t2 + 1 : NULL;
        if (note && utf8_count(note, strlen(note)) > (size_t)day_fields[DAY_NOTE].max)
            return ctx_fail(cx, ERR_INVALID, "line %d: the note is longer than %lld characters",
                            lineno, (long long)day_fields[DAY_NOTE].max);
        enum err_code rc = db_run(cx->db, &cx->err,
                                  "DELETE FROM calendar_days WHERE calendar_id = $1 AND date = $2",
                                  "it", calendar_id, line);
        if (rc == ERR_OK)
            rc = db_run(cx->db, &cx->err,
                        "INSERT INTO calendar_days (version, created_at, updated_at, calendar_id,\n"
                        "                           date, kind, note)\n"
                        "VALUES (1, $1, $1, $2, $3, $4, $5)",
                        "titts", now, calendar_id, line, t1 + 1, note);
        if (rc != ERR_OK)
            return rc;
        (*loaded)++;
    }
    return ERR_OK;
}

/* ---- the clock of a request --------------------------------------------- */

static void set_time(struct ctx *cx, struct record *r, int field, int64_t t)
{
    struct value *v = rec_set(r, field);
    char s[ISO_TIME_LEN];
    v->set = true;
    v->null = t == INT64_MAX;
    if (!v->null) {
        time_iso(t, s);
        v->s = arena_strdup(cx->a, s);
    }
}

static void set_text(struct record *r, int field, const char *s)
{
    struct value *v = rec_set(r, field);
    v->set = true;
    v->null = s == NULL;
    v->s = s;
}

static bool is_null(const struct record *r, int field)
{
    const struct value *v = rec_get(r, field);
    return !v->set || v->null;
}

/* The deadlines of a priority: the term of the request's contract when it
 * has one for the priority, else the policy (*source NULL: neither). */
static enum err_code sla_terms(struct ctx *cx, struct record *rec, const char **source,
                               int64_t *policy, int64_t *first, int64_t *resolve, int64_t *warn)
{
    const struct value *prio = rec_get(rec, REQ_PRIORITY);
    *source = NULL;
    *policy = 0;
    if (!is_null(rec, REQ_CONTRACT_ID)) {
        struct contract_term term;
        bool found;
        enum err_code rc =
            contract_term(cx, rec_get(rec, REQ_CONTRACT_ID)->i, prio->s, &term, &found);
        if (rc != ERR_OK)
            return rc;
        if (found) {
            *source = "contract";
            *first = term.first_response;
            *resolve = term.resolution;
            *warn = term.warning_percent;
            return ERR_OK;
        }
    }
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT id, first_response_minutes, resolution_minutes,\n"
                              "       warning_percent\n"
                              "FROM sla_policies\n"
                              "WHERE priority = $1",
                              "t", prio->s);
    if (!st)
        return cx->err.code;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *source = "policy";
        *policy = db_col_i64(st, 0);
        *first = db_col_i64(st, 1);
        *resolve = db_col_i64(st, 2);
        *warn = db_col_i64(st, 3);
    }
    db_done(st);
    return rc == DB_FAIL ? cx->err.code : ERR_OK;
}

enum err_code sla_apply(struct ctx *cx, struct record *rec, int64_t created)
{
    int64_t first = 0, resolve = 0, warn = 0, policy = 0;
    const char *source;
    enum err_code ec = sla_terms(cx, rec, &source, &policy, &first, &resolve, &warn);
    if (ec != ERR_OK)
        return ec;
    struct value *pv = rec_set(rec, REQ_SLA_POLICY_ID);
    pv->set = true, pv->null = policy == 0, pv->i = policy;
    set_text(rec, REQ_SLA_SOURCE, source);
    if (!source) {
        /* no terms for this priority: no clock — but a breach or a success
         * already reached stays what it was */
        const struct value *was = rec_get(rec, REQ_SLA_STATE);
        bool reached =
            was->set && !was->null && (!strcmp(was->s, "breached") || !strcmp(was->s, "met"));
        if (!reached)
            set_text(rec, REQ_SLA_STATE, "none");
        return ERR_OK;
    }
    struct bizcal cal;
    const struct value *branch = rec_get(rec, REQ_BRANCH_ID);
    ec = sla_calendar(cx, is_null(rec, REQ_BRANCH_ID) ? 0 : branch->i, &cal);
    if (ec != ERR_OK)
        return ec == ERR_NOTFOUND ? (err_clear(&cx->err), ERR_OK) : ec;
    const struct value *paused = rec_get(rec, REQ_SLA_PAUSED_MINUTES);
    int64_t pause = paused->set && !paused->null ? paused->i : 0;
    set_time(cx, rec, REQ_FIRST_RESPONSE_DUE, bizcal_add(&cal, created, first));
    set_time(cx, rec, REQ_RESOLUTION_DUE, bizcal_add(&cal, created, resolve + pause));
    set_time(cx, rec, REQ_SLA_WARNING_AT, bizcal_add(&cal, created, resolve * warn / 100 + pause));
    const struct value *state = rec_get(rec, REQ_SLA_STATE);
    if (!state->set || state->null || !strcmp(state->s, "none"))
        set_text(rec, REQ_SLA_STATE, "ok");
    return ERR_OK;
}

static bool waiting(const char *s)
{
    int state = request_state(s);
    return state == RS_WAITING_CLIENT || state == RS_WAITING_PARTS;
}

enum err_code sla_on_status(struct ctx *cx, const struct record *stored, const char *to,
                            struct record *patch)
{
    struct record *rec = (struct record *)stored;
    const char *from = rec_get(rec, REQ_STATUS)->s;
    int64_t now = time_now();
    if (request_state(to) == RS_IN_PROGRESS && is_null(rec, REQ_FIRST_RESPONSE_AT))
        set_time(cx, patch, REQ_FIRST_RESPONSE_AT, now);
    if (waiting(to) && !waiting(from)) {
        set_time(cx, patch, REQ_SLA_PAUSED_SINCE, now);
        return ERR_OK;
    }
    if (waiting(from) && !waiting(to) && !is_null(rec, REQ_SLA_PAUSED_SINCE)) {
        struct bizcal cal;
        int64_t since, created;
        if (!time_parse(rec_get(rec, REQ_SLA_PAUSED_SINCE)->s, &since) ||
            !time_parse(rec->created_at, &created))
            return ERR_OK;
        enum err_code rc = sla_calendar(
            cx, is_null(rec, REQ_BRANCH_ID) ? 0 : rec_get(rec, REQ_BRANCH_ID)->i, &cal);
        if (rc != ERR_OK)
            return rc == ERR_NOTFOUND ? (err_clear(&cx->err), ERR_OK) : rc;
        struct value *pm = rec_set(patch, REQ_SLA_PAUSED_MINUTES);
        pm->set = true, pm->null = false;
        pm->i = rec_get(rec, REQ_SLA_PAUSED_MINUTES)->i + bizcal_between(&cal, since, now);
        set_text(patch, REQ_SLA_PAUSED_SINCE, NULL);
        /* the deadlines move by the business time spent waiting */
        struct record *merged = record_new(cx, rec->ent);
        for (int i = 0; rec->ent->fields[i].name; i++)
            merged->v[i] = patch->v[i].set ? patch->v[i] : rec->v[i];
        if (strcmp(rec_get(rec, REQ_SLA_STATE)->s, "none") != 0) {
            if ((rc = sla_apply(cx, merged, created)) != ERR_OK)
                return rc;
            *rec_set(patch, REQ_RESOLUTION_DUE) = *rec_get(merged, REQ_RESOLUTION_DUE);
            *rec_set(patch, REQ_SLA_WARNING_AT) = *rec_get(merged, REQ_SLA_WARNING_AT);
        }
    }
    const char *state = rec_get(rec, REQ_SLA_STATE)->s;
    if (request_state(to) == RS_RESOLVED && strcmp(state, "none") != 0) {
        int64_t due;
        bool late = !strcmp(state, "breached") ||
                    (!is_null(rec, REQ_RESOLUTION_DUE) &&
                     time_parse(rec_get(rec, REQ_RESOLUTION_DUE)->s, &due) && now > due);
        set_text(patch, REQ_SLA_STATE, late ? "breached" : "met");
    } else if (request_state(to) == RS_IN_PROGRESS && !strcmp(state, "met")) {
        set_text(patch, REQ_SLA_STATE, "ok"); /* reopened: the clock runs again */
    }
    return ERR_OK;
}

/* The next priority up, or NULL at the top. */
static const char *raised(const char *priority)
{
    for (int i = 0; domain_priorities[i]; i++)
        if (!strcmp(priority, domain_priorities[i]))
            return domain_priorities[i + 1];
    return NULL;
}

/* The levels past telling people, as the policy of the request's priority
 * says: raise the priority one step, hand the request to a named person.
 * Goes through the entity layer, so the change is audited, counted and
 * searchable like any other; the timeline says what was done. */
static enum err_code escalate(struct ctx *cx, struct record *req)
{
    const char *prio = rec_get(req, REQ_PRIORITY)->s;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT p.escalate_raise_priority, p.escalate_to_id\n"
                              "FROM sla_policies p\n"
                              "WHERE p.priority = $1",
                              "t", prio);
    if (!st)
        return cx->err.code;
    bool raise = false;
    int64_t to = 0;
    const char *to_name = NULL;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        raise = db_col_i64(st, 0) != 0;
        to = db_col_null(st, 1) ? 0 : db_col_i64(st, 1);
    }
    db_done(st);
    if (rc == DB_FAIL)
        return cx->err.code;
    const char *not_taken = NULL; /* the policy's person may no longer take requests */
    if (to) {
        bool ok;
        enum err_code ec = request_may_take(cx, to, &ok, &to_name);
        if (ec != ERR_OK)
            return ec;
        if (!ok)
            not_taken = to_name, to = 0;
    }
    struct record *patch = record_new(cx, &entity_requests);
    const char *higher = raise ? raised(prio) : NULL;
    const struct value *a = rec_get(req, REQ_ASSIGNEE_ID);
    bool reassign = to && (!a->set || a->null || a->i != to);
    if (not_taken) {
        enum err_code ec =
            request_event_add(cx, req->id, "not_assigned", false, not_taken, NULL, NULL, NULL);
        if (ec != ERR_OK)
            return ec;
    }
    if (!higher && !reassign)
        return ERR_OK;
    struct buf what = {0};
    if (higher) {
        set_text(patch, REQ_PRIORITY, higher);
        buf_printf(&what, "priority %s → %s", prio, higher);
    }
    if (reassign) {
        struct value *v = rec_set(patch, REQ_ASSIGNEE_ID);
        v->set = true, v->null = false, v->i = to;
        if (request_state(rec_get(req, REQ_STATUS)->s) == RS_NEW)
            set_text(patch, REQ_STATUS, request_state_name(RS_ASSIGNED));
        buf_printf(&what, "%sassignee → %s", higher ? "; " : "", to_name);
    }
    const char *body = arena_strdup(cx->a, what.p);
    buf_release(&what);
    struct record *out;
    enum err_code ec =
        entity_update_as(cx, &entity_requests, req->id, req->version, patch, "escalate", &out);
    if (ec == ERR_OK)
        ec = request_event_add(cx, req->id, "escalated", false, body, higher ? prio : NULL, higher,
                               NULL);
    if (ec == ERR_OK && reassign)
        ec = request_event_add(cx, req->id, "assigned", false, to_name, NULL, NULL, NULL);
    if (ec == ERR_OK && reassign)
        ec = notify(cx, to, "assigned", "requests", req->id, request_title(cx, out));
    return ec;
}

enum { SLA_BATCH = 16 }; /* requests per transaction: others write between batches */

/* Marks one request that crossed a point, through the entity layer (a new
 * version, an audit entry, the counters moved by the request's after-write)
 * with a timeline event, and tells the people concerned. */
static enum err_code mark_one(struct ctx *cx, int64_t id, const char *what)
{
    struct record *req, *out;
    enum err_code ec = entity_get(cx, &entity_requests, id, &req);
    if (ec != ERR_OK)
        return ec;
    struct record *patch = record_new(cx, &entity_requests);
    set_text(patch, REQ_SLA_STATE, what);
    ec = entity_update_system(cx, &entity_requests, id, req->version, patch, "sla", &out);
    if (ec == ERR_OK)
        ec = request_event_add(cx, id, "sla", false, what, NULL, NULL, NULL);
    const struct value *a = ec == ERR_OK ? rec_get(out, REQ_ASSIGNEE_ID) : NULL;
    if (ec == ERR_OK && a->set && !a->null)
        ec = notify(cx, a->i, arena_printf(cx->a, "sla_%s", what), "requests", id,
                    request_title(cx, out));
    /* escalation: a breach is also told to the managers of the branch */
    if (ec == ERR_OK && !strcmp(what, "breached"))
        ec = request_notify_managers(cx, out, "sla_breached", request_title(cx, out), true);
    /* the client's apology, when the company sends them */
    if (ec == ERR_OK && !strcmp(what, "breached"))
        ec = notice_request(cx, out, "sla_breach", NULL);
    if (ec == ERR_OK && !strcmp(what, "breached")) {
        /* one request that cannot be changed (its unit moved to another
         * client since, say) must not stop the scan for all: it stays
         * breached and told, its escalation is left out and said so */
        ec = escalate(cx, out);
        if (ec == ERR_INVALID || ec == ERR_CONFLICT) {
            fprintf(stderr, "servitor: sla: request %lld not escalated: %s\n", (long long)id,
                    cx->err.message);
            err_clear(&cx->err);
            ec = request_event_add(cx, id, "escalation_failed", false, NULL, NULL, NULL, NULL);
        }
    }
    return ec;
}

/* Marks the requests `where` finds (bound: $1 the time, $2 the last id
 * done), SLA_BATCH of them per transaction, each batch made durable before
 * the next (ctx_sync): the group commit's writer is held for one batch at
 * a time, never for the whole scan. */
static enum err_code mark(struct ctx *cx, const char *where, const char *what, int64_t now)
{
    char at[ISO_TIME_LEN];
    time_iso(now, at);
    const char *sql = arena_printf(cx->a,
                                   "SELECT id FROM requests\n"
                                   "WHERE %s\n"
                                   "  AND sla_paused_since IS NULL\n"
                                   "  AND status NOT IN ('resolved', 'closed', 'cancelled')\n"
                                   "  AND id > $2\n"
                                   "ORDER BY id\n"
                                   "LIMIT %d",
                                   where, SLA_BATCH);
    for (int64_t last = 0;;) {
        enum err_code rc = db_begin_write(cx->db, &cx->err);
        if (rc != ERR_OK)
            return rc;
        struct db_stmt *st = db_q(cx->db, &cx->err, sql, "ti", at, last);
        int64_t ids[SLA_BATCH];
        int n = 0, step = DB_FAIL;
        while (st && (step = db_step(st)) == DB_ROW && n < SLA_BATCH)
            ids[n++] = db_col_i64(st, 0);
        db_done(st);
        if (!st || step == DB_FAIL)
            rc = cx->err.code;
        for (int i = 0; i < n && rc == ERR_OK; i++)
            rc = mark_one(cx, ids[i], what);
        if (rc == ERR_OK)
            rc = db_commit(cx->db, &cx->err);
        else
            db_rollback(cx->db);
        if (rc == ERR_OK)
            rc = ctx_sync(cx);
        if (rc != ERR_OK || n < SLA_BATCH)
            return rc;
        last = ids[n - 1];
    }
}

enum err_code sla_scan(struct ctx *cx)
{
    int64_t now = time_now();
    /* past a deadline: breached (from ok or warning); then past the warning */
    enum err_code rc = mark(cx,
                            "sla_state IN ('ok', 'warning')\n"
                            "  AND (resolution_due < $1\n"
                            "       OR (first_response_at IS NULL AND first_response_due < $1))",
                            "breached", now);
    if (rc == ERR_OK)
        rc = mark(cx, "sla_state = 'ok' AND sla_warning_at < $1", "warning", now);
    return rc;
}

enum err_code sla_calendar_import(struct ctx *cx, int64_t calendar_id, const char *tsv, int *loaded)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    rc = sla_calendar_load(cx, calendar_id, tsv, loaded);
    if (rc == ERR_OK)
        rc = audit_append(cx, "load_days", "business_calendars", calendar_id, NULL,
                          arena_printf(cx->a, "{\"days\":%d}", *loaded));
    return db_end_own(cx->db, &cx->err, own, rc);
}

enum err_code sla_report(struct ctx *cx, enum sla_report_by by, const char *from, const char *to,
                         struct sla_report_row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    if (to && strlen(to) == 10)
        to = arena_printf(cx->a, "%sT23:59:59Z", to);
    const char *sql = by == SLA_BY_QUEUE
                          ? "SELECT COALESCE(r.queue, ''), COALESCE(r.queue, ''),\n"
                            "  SUM(CASE WHEN r.sla_state = 'met' THEN 1 ELSE 0 END),\n"
                            "  SUM(CASE WHEN r.sla_state = 'breached' THEN 1 ELSE 0 END)\n"
                            "FROM requests r\n"
                            "WHERE r.resolved_at >= $1 AND r.resolved_at <= $2\n"
                            "  AND r.sla_state IN ('met', 'breached')\n"
                            "  AND (CAST($3 AS BIGINT) = 0 OR r.branch_id = $3)\n"
                            "GROUP BY COALESCE(r.queue, '')\n"
                            "ORDER BY 1"
                          : "SELECT COALESCE(r.assignee_id, 0), COALESCE(u.name, ''),\n"
                            "  SUM(CASE WHEN r.sla_state = 'met' THEN 1 ELSE 0 END),\n"
                            "  SUM(CASE WHEN r.sla_state = 'breached' THEN 1 ELSE 0 END)\n"
                            "FROM requests r\n"
                            "LEFT JOIN users u ON u.id = r.assignee_id\n"
                            "WHERE r.resolved_at >= $1 AND r.resolved_at <= $2\n"
                            "  AND r.sla_state IN ('met', 'breached')\n"
                            "  AND (CAST($3 AS BIGINT) = 0 OR r.branch_id = $3)\n"
                            "GROUP BY COALESCE(r.assignee_id, 0), COALESCE(u.name, '')\n"
                            "ORDER BY 2";
    struct db *rdb = ctx_read_db(cx);
    if (!rdb)
        return cx->err.code ? cx->err.code : ERR_UNAVAILABLE;
    struct db_stmt *st =
        db_q(rdb, &cx->err, sql, "tti", from ? from : "0000", to ? to : "9999", ctx_branch(cx));
    if (!st)
        return cx->err.code;
    int cap = 16, step;
    struct sla_report_row *r = arena_alloc(cx->a, (size_t)cap * sizeof(*r));
    while ((step = db_step(st)) == DB_ROW) {
        if (*n == cap) {
            struct sla_report_row *more = arena_alloc(cx->a, (size_t)cap * 2 * sizeof(*r));
            memcpy(more, r, (size_t)cap * sizeof(*r));
            r = more, cap *= 2;
        }
        r[*n] = (struct sla_report_row){
            .key = arena_strdup(cx->a, db_col_text(st, 0)),
            .label = arena_strdup(cx->a, db_col_text(st, 1)),
            .met = db_col_i64(st, 2),
            .breached = db_col_i64(st, 3),
        };
        (*n)++;
    }
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    *rows = r;
    return ERR_OK;
}
