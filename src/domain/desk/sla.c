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
#include "core/counters.h"
#include "core/notify.h"
#include "core/perm.h"
#include "domain/desk/desk.h"
#include "domain/registry/registry.h"
#include "domain/sales/sales.h"
#include "base/banned.h"

static const char *const day_kinds[] = {"holiday", "day_off", "short_day", "working_day", NULL};
static const char *const priorities[] = {"low", "normal", "high", "urgent", NULL};
static const char *const weekdays[] = {"hours_mon", "hours_tue", "hours_wed", "hours_thu",
                                       "hours_fri", "hours_sat", "hours_sun"};

/* clang-format off */
static const struct field calendar_fields[] = {
    {"name",          F_TEXT, F_REQUIRED | F_UNIQUE | F_SEARCH | F_SORT | F_LIST, 200, "calendar.name"},
    {"timezone",      F_ENUM, F_REQUIRED | F_LIST, 0, "calendar.timezone", .enums = branch_timezones, .def = "Europe/Moscow"},
    {"hours_mon",     F_TEXT, F_LIST, 11, "calendar.hours_mon"},
    {"hours_tue",     F_TEXT, F_LIST, 11, "calendar.hours_tue"},
    {"hours_wed",     F_TEXT, F_LIST, 11, "calendar.hours_wed"},
    {"hours_thu",     F_TEXT, F_LIST, 11, "calendar.hours_thu"},
    {"hours_fri",     F_TEXT, F_LIST, 11, "calendar.hours_fri"},
    {"hours_sat",     F_TEXT, F_LIST, 11, "calendar.hours_sat"},
    {"hours_sun",     F_TEXT, F_LIST, 11, "calendar.hours_sun"},
    {"short_minutes", F_INT,  F_REQUIRED, 240, "calendar.short_minutes", .min = 0, .def = "60"},
    {0},
};

static const struct field day_fields[] = {
    {"calendar_id", F_REF,  F_REQUIRED | F_FILTER | F_LIST, 0, "calendar_day.calendar", .ref = &entity_business_calendars},
    {"date",        F_DATE, F_REQUIRED | F_UNIQUE | F_SORT | F_FILTER | F_LIST, 0, "calendar_day.date", .unique_with = "calendar_id"},
    {"kind",        F_ENUM, F_REQUIRED | F_FILTER | F_LIST, 0, "calendar_day.kind", .enums = day_kinds},
    {"note",        F_TEXT, F_LIST, 200, "calendar_day.note"},
    {0},
};

static const struct field policy_fields[] = {
    {"name",                   F_TEXT, F_REQUIRED | F_SORT | F_LIST, 200, "sla.name"},
    {"priority",               F_ENUM, F_REQUIRED | F_UNIQUE | F_FILTER | F_LIST, 0, "sla.priority", .enums = priorities},
    {"first_response_minutes", F_INT,  F_REQUIRED | F_LIST, 100000, "sla.first_response_minutes", .min = 0},
    {"resolution_minutes",     F_INT,  F_REQUIRED | F_LIST, 1000000, "sla.resolution_minutes", .min = 0},
    {"warning_percent",        F_INT,  F_REQUIRED | F_LIST, 100, "sla.warning_percent", .min = 1, .def = "80"},
    {"escalate_raise_priority", F_BOOL, 0, 0, "sla.escalate_raise_priority", .def = "0"},
    {"escalate_to_id",         F_REF,  0, 0, "sla.escalate_to", .ref = &entity_users},
    {0},
};
/* clang-format on */

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
    .perm_write = P_BRANCHES_WRITE,
    .perm_delete = P_BRANCHES_WRITE,
    .check = calendar_check,
};

const struct entity entity_calendar_days = {
    .name = "calendar_days",
    .table = "calendar_days",
    .label = "entity.calendar_days",
    .fields = day_fields,
    .display_sql = "date",
    .perm_read = P_REQUESTS_READ,
    .perm_write = P_BRANCHES_WRITE,
    .perm_delete = P_BRANCHES_WRITE,
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
    .perm_write = P_BRANCHES_WRITE,
    .perm_delete = P_BRANCHES_WRITE,
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

static struct value *val(struct record *r, const char *name) { return record_value(r, name); }

static void set_time(struct ctx *cx, struct record *r, const char *field, int64_t t)
{
    struct value *v = val(r, field);
    char s[ISO_TIME_LEN];
    v->set = true;
    v->null = t == INT64_MAX;
    if (!v->null) {
        time_iso(t, s);
        v->s = arena_strdup(cx->a, s);
    }
}

static void set_text(struct record *r, const char *field, const char *s)
{
    struct value *v = val(r, field);
    v->set = true;
    v->null = s == NULL;
    v->s = s;
}

static bool is_null(struct record *r, const char *name)
{
    struct value *v = val(r, name);
    return !v->set || v->null;
}

/* The deadlines of a priority: the term of the request's contract when it
 * has one for the priority, else the policy (*source NULL: neither). */
static enum err_code sla_terms(struct ctx *cx, struct record *rec, const char **source,
                               int64_t *policy, int64_t *first, int64_t *resolve, int64_t *warn)
{
    struct value *prio = val(rec, "priority");
    *source = NULL;
    *policy = 0;
    if (!is_null(rec, "contract_id")) {
        struct contract_term term;
        bool found;
        enum err_code rc = contract_term(cx, val(rec, "contract_id")->i, prio->s, &term, &found);
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
    struct value *pv = val(rec, "sla_policy_id");
    pv->set = true, pv->null = policy == 0, pv->i = policy;
    set_text(rec, "sla_source", source);
    if (!source) {
        /* no terms for this priority: no clock — but a breach or a success
         * already reached stays what it was */
        struct value *was = val(rec, "sla_state");
        bool reached =
            was->set && !was->null && (!strcmp(was->s, "breached") || !strcmp(was->s, "met"));
        if (!reached)
            set_text(rec, "sla_state", "none");
        return ERR_OK;
    }
    struct bizcal cal;
    struct value *branch = val(rec, "branch_id");
    ec = sla_calendar(cx, is_null(rec, "branch_id") ? 0 : branch->i, &cal);
    if (ec != ERR_OK)
        return ec == ERR_NOTFOUND ? (err_clear(&cx->err), ERR_OK) : ec;
    struct value *paused = val(rec, "sla_paused_minutes");
    int64_t pause = paused->set && !paused->null ? paused->i : 0;
    set_time(cx, rec, "first_response_due", bizcal_add(&cal, created, first));
    set_time(cx, rec, "resolution_due", bizcal_add(&cal, created, resolve + pause));
    set_time(cx, rec, "sla_warning_at", bizcal_add(&cal, created, resolve * warn / 100 + pause));
    struct value *state = val(rec, "sla_state");
    if (!state->set || state->null || !strcmp(state->s, "none"))
        set_text(rec, "sla_state", "ok");
    return ERR_OK;
}

static bool waiting(const char *s)
{
    return s && (!strcmp(s, "waiting_client") || !strcmp(s, "waiting_parts"));
}

enum err_code sla_on_status(struct ctx *cx, const struct record *stored, const char *to,
                            struct record *patch)
{
    struct record *rec = (struct record *)stored;
    const char *from = val(rec, "status")->s;
    int64_t now = time_now();
    if (!strcmp(to, "in_progress") && is_null(rec, "first_response_at"))
        set_time(cx, patch, "first_response_at", now);
    if (waiting(to) && !waiting(from)) {
        set_time(cx, patch, "sla_paused_since", now);
        return ERR_OK;
    }
    if (waiting(from) && !waiting(to) && !is_null(rec, "sla_paused_since")) {
        struct bizcal cal;
        int64_t since, created;
        if (!time_parse(val(rec, "sla_paused_since")->s, &since) ||
            !time_parse(rec->created_at, &created))
            return ERR_OK;
        enum err_code rc =
            sla_calendar(cx, is_null(rec, "branch_id") ? 0 : val(rec, "branch_id")->i, &cal);
        if (rc != ERR_OK)
            return rc == ERR_NOTFOUND ? (err_clear(&cx->err), ERR_OK) : rc;
        struct value *pm = val(patch, "sla_paused_minutes");
        pm->set = true, pm->null = false;
        pm->i = val(rec, "sla_paused_minutes")->i + bizcal_between(&cal, since, now);
        set_text(patch, "sla_paused_since", NULL);
        /* the deadlines move by the business time spent waiting */
        struct record *merged = record_new(cx, rec->ent);
        for (int i = 0; rec->ent->fields[i].name; i++)
            merged->v[i] = patch->v[i].set ? patch->v[i] : rec->v[i];
        if (strcmp(val(rec, "sla_state")->s, "none") != 0) {
            if ((rc = sla_apply(cx, merged, created)) != ERR_OK)
                return rc;
            *val(patch, "resolution_due") = *val(merged, "resolution_due");
            *val(patch, "sla_warning_at") = *val(merged, "sla_warning_at");
        }
    }
    const char *state = val(rec, "sla_state")->s;
    if (!strcmp(to, "resolved") && strcmp(state, "none") != 0) {
        int64_t due;
        bool late = !strcmp(state, "breached") ||
                    (!is_null(rec, "resolution_due") &&
                     time_parse(val(rec, "resolution_due")->s, &due) && now > due);
        set_text(patch, "sla_state", late ? "breached" : "met");
    } else if (!strcmp(to, "in_progress") && !strcmp(state, "met")) {
        set_text(patch, "sla_state", "ok"); /* reopened: the clock runs again */
    }
    return ERR_OK;
}

static enum err_code notify_managers(struct ctx *cx, struct record *req)
{
    struct value *b = record_value(req, "branch_id");
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT id FROM users\n"
             "WHERE role = 'manager' AND active = 1\n"
             "  AND (branch_id IS NULL OR CAST($1 AS BIGINT) = 0 OR branch_id = $1)",
             "i", b->set && !b->null ? b->i : (int64_t)0);
    if (!st)
        return cx->err.code;
    int64_t ids[64];
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < 64)
        ids[n++] = db_col_i64(st, 0);
    db_done(st);
    if (rc == DB_FAIL)
        return cx->err.code;
    struct value *a = record_value(req, "assignee_id");
    for (int i = 0; i < n; i++) {
        if (a->set && !a->null && a->i == ids[i])
            continue; /* already told as the assignee */
        enum err_code ec =
            notify(cx, ids[i], "sla_breached", "requests", req->id, request_title(cx, req));
        if (ec != ERR_OK)
            return ec;
    }
    return ERR_OK;
}

static const char *raised(const char *priority)
{
    static const char *const order[] = {"low", "normal", "high", "urgent"};
    for (int i = 0; i < 3; i++)
        if (!strcmp(priority, order[i]))
            return order[i + 1];
    return NULL;
}

/* The levels past telling people, as the policy of the request's priority
 * says: raise the priority one step, hand the request to a named person.
 * Goes through the entity layer, so the change is audited, counted and
 * searchable like any other; the timeline says what was done. */
static enum err_code escalate(struct ctx *cx, struct record *req)
{
    const char *prio = record_value(req, "priority")->s;
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
    struct value *a = record_value(req, "assignee_id");
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
        set_text(patch, "priority", higher);
        buf_printf(&what, "priority %s → %s", prio, higher);
    }
    if (reassign) {
        struct value *v = record_value(patch, "assignee_id");
        v->set = true, v->null = false, v->i = to;
        if (!strcmp(record_value(req, "status")->s, "new"))
            set_text(patch, "status", "assigned");
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

/* Marks the requests that crossed a point, each with a timeline event. */
static enum err_code mark(struct ctx *cx, const char *sql, const char *from, const char *what,
                          int64_t now)
{
    char at[ISO_TIME_LEN];
    time_iso(now, at);
    struct db_stmt *st = db_q(cx->db, &cx->err, sql, "t", at);
    if (!st)
        return cx->err.code;
    int64_t *ids = NULL;
    int n = 0, cap = 0, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            int64_t *more = arena_alloc(cx->a, sizeof(*ids) * (size_t)cap);
            if (n)
                memcpy(more, ids, sizeof(*ids) * (size_t)n);
            ids = more;
        }
        ids[n++] = db_col_i64(st, 0);
    }
    db_done(st);
    if (rc == DB_FAIL)
        return cx->err.code;
    if (n) {
        /* the UPDATE bypassed the request's after-write: move the counters */
        enum err_code ec = counter_add(cx, arena_printf(cx->a, "requests.sla_state.%s", from), -n);
        if (ec == ERR_OK)
            ec = counter_add(cx, arena_printf(cx->a, "requests.sla_state.%s", what), n);
        if (ec != ERR_OK)
            return ec;
    }
    for (int i = 0; i < n; i++) {
        struct record *req;
        enum err_code ec = request_event_add(cx, ids[i], "sla", false, what, NULL, NULL, NULL);
        if (ec == ERR_OK)
            ec = entity_get(cx, &entity_requests, ids[i], &req);
        struct value *a = ec == ERR_OK ? record_value(req, "assignee_id") : NULL;
        if (ec == ERR_OK && a->set && !a->null)
            ec = notify(cx, a->i, arena_printf(cx->a, "sla_%s", what), "requests", ids[i],
                        request_title(cx, req));
        /* escalation: a breach is also told to the managers of the branch */
        if (ec == ERR_OK && !strcmp(what, "breached"))
            ec = notify_managers(cx, req);
        if (ec == ERR_OK && !strcmp(what, "breached")) {
            /* one request that cannot be changed (its unit moved to another
             * client since, say) must not stop the scan for all: it stays
             * breached and told, its escalation is left out and said so */
            ec = escalate(cx, req);
            if (ec == ERR_INVALID || ec == ERR_CONFLICT) {
                fprintf(stderr, "servitor: sla: request %lld not escalated: %s\n",
                        (long long)ids[i], cx->err.message);
                err_clear(&cx->err);
                ec = request_event_add(cx, ids[i], "escalation_failed", false, NULL, NULL, NULL,
                                       NULL);
            }
        }
        if (ec != ERR_OK)
            return ec;
    }
    return ERR_OK;
}

enum err_code sla_scan(struct ctx *cx)
{
    int64_t now = time_now();
    enum err_code rc = db_begin_write(cx->db, &cx->err);
    if (rc == ERR_OK)
        rc = mark(cx,
                  "UPDATE requests SET sla_state = 'breached'\n"
                  "WHERE sla_state = 'ok' AND sla_paused_since IS NULL\n"
                  "  AND status NOT IN ('resolved', 'closed', 'cancelled')\n"
                  "  AND (resolution_due < $1\n"
                  "       OR (first_response_at IS NULL AND first_response_due < $1))\n"
                  "RETURNING id",
                  "ok", "breached", now);
    if (rc == ERR_OK)
        rc = mark(cx,
                  "UPDATE requests SET sla_state = 'breached'\n"
                  "WHERE sla_state = 'warning' AND sla_paused_since IS NULL\n"
                  "  AND status NOT IN ('resolved', 'closed', 'cancelled')\n"
                  "  AND (resolution_due < $1\n"
                  "       OR (first_response_at IS NULL AND first_response_due < $1))\n"
                  "RETURNING id",
                  "warning", "breached", now);
    if (rc == ERR_OK)
        rc = mark(cx,
                  "UPDATE requests SET sla_state = 'warning'\n"
                  "WHERE sla_state = 'ok' AND sla_paused_since IS NULL\n"
                  "  AND status NOT IN ('resolved', 'closed', 'cancelled')\n"
                  "  AND sla_warning_at < $1\n"
                  "RETURNING id",
                  "ok", "warning", now);
    return db_end_own(cx->db, &cx->err, true, rc);
}
