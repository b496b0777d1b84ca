/* requests.c — requests (обращения): the record, its workflow and its
 * timeline (domain layer). */
#include "desk.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/settings.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "core/audit.h"
#include "core/counters.h"
#include "core/notify.h"
#include "domain/desk/notices.h"
#include "core/perm.h"
#include "core/record.h"
#include "core/timeline.h"
#include "core/validate.h"
#include "domain/domain.h"
#include "domain/desk/routing.h"
#include "domain/desk/sla.h"
#include "domain/registry/registry.h"
#include "domain/sales/sales.h"
#include "domain/stock/stock.h"
#include "base/banned.h"

static const char *const statuses[] = {
#define X(id, name) [id] = name,
    REQUEST_OPEN_STATES(X, ) REQUEST_CLOSED_STATES(X, )
#undef X
        NULL};
static const enum state_category status_categories[] = {
#define X(id, name) [id] = STATE_OPEN,
#define Y(id, name) [id] = STATE_CLOSED,
    REQUEST_OPEN_STATES(X, ) REQUEST_CLOSED_STATES(Y, )
#undef X
#undef Y
};
_Static_assert(RS__COUNT <= WORKFLOW_MAX_STATES, "a transition's from is a 32-bit set");
static const char *const channels[] = {"phone", "walk_in", "email", "web_form", "api", NULL};
static const char *const types[] = {"consultation", "repair", "maintenance", "parts",
                                    "complaint",    "demo",   "other",       NULL};
static const char *const sla_states[] = {"none", "ok", "warning", "breached", "met", NULL};
static const char *const sla_sources[] = {"policy", "contract", NULL};

/* clang-format off */
static const struct field request_fields[] = {
    /* index                      name          type        flags                                              max   label */
    [REQ_NUMBER] =             {"number",      F_TEXT,     F_READONLY | F_SEARCH | F_SORT | F_FILTER | F_LIST, 32,  "request.number"},
    [REQ_STATUS] =             {"status",      F_ENUM,     F_READONLY | F_FILTER | F_LIST,                    0,    "request.status", .enums = statuses, .def = "new"},
    [REQ_CHANNEL] =            {"channel",     F_ENUM,     F_REQUIRED | F_FILTER,                             0,    "request.channel", .enums = channels, .def = "phone"},
    [REQ_TYPE] =               {"type",        F_ENUM,     F_REQUIRED | F_FILTER | F_LIST,                    0,    "request.type", .enums = types, .def = "repair"},
    [REQ_PRIORITY] =           {"priority",    F_ENUM,     F_REQUIRED | F_FILTER | F_LIST,                    0,    "request.priority", .enums = domain_priorities, .def = "normal"},
    [REQ_SUBJECT] =            {"subject",     F_TEXT,     F_REQUIRED | F_SEARCH | F_SORT | F_LIST,           300,  "request.subject"},
    [REQ_DESCRIPTION] =        {"description", F_TEXT,     F_SEARCH | F_MULTILINE,                            8000, "request.description"},
    [REQ_CLIENT_ID] =          {"client_id",   F_REF,      F_FILTER | F_LIST,                                 0,    "request.client", .ref = &entity_clients},
    [REQ_CONTRACT_ID] =        {"contract_id", F_REF,      F_FILTER,                                          0,    "request.contract", .ref = &entity_contracts},
    [REQ_CONTACT_ID] =         {"contact_id",  F_REF,      F_FILTER,                                          0,    "request.contact", .ref = &entity_contacts},
    [REQ_UNIT_ID] =            {"unit_id",     F_REF,      F_FILTER,                                          0,    "request.unit", .ref = &entity_equipment_units},
    [REQ_BRANCH_ID] =          {"branch_id",   F_REF,      F_FILTER,                                          0,    "request.branch", .ref = &entity_branches},
    [REQ_QUEUE] =              {"queue",       F_TEXT,     F_FILTER | F_SORT,                                 100,  "request.queue"},
    [REQ_ASSIGNEE_ID] =        {"assignee_id", F_REF,      F_FILTER | F_LIST | F_CREATE_ONLY,                 0,    "request.assignee", .ref = &entity_users},
    [REQ_TAGS] =               {"tags",        F_TEXT,     F_SEARCH,                                          300,  "request.tags"},
    [REQ_ACCESS_CODE] =        {"access_code", F_TEXT,     F_READONLY,                                        16,   "request.access_code"},
    [REQ_RESOLVED_AT] =        {"resolved_at", F_DATETIME, F_READONLY | F_SORT,                               0,    "request.resolved_at"},
    [REQ_CLOSED_AT] =          {"closed_at",   F_DATETIME, F_READONLY | F_SORT,                               0,    "request.closed_at"},
    [REQ_SLA_POLICY_ID] =      {"sla_policy_id",      F_REF,      F_READONLY | F_FILTER,                      0,    "request.sla_policy", .ref = &entity_sla_policies},
    [REQ_SLA_SOURCE] =         {"sla_source",         F_ENUM,     F_READONLY | F_FILTER,                      0,    "request.sla_source", .enums = sla_sources},
    [REQ_SLA_STATE] =          {"sla_state",          F_ENUM,     F_READONLY | F_FILTER | F_LIST,             0,    "request.sla_state", .enums = sla_states, .def = "none"},
    [REQ_FIRST_RESPONSE_DUE] = {"first_response_due", F_DATETIME, F_READONLY | F_SORT,                        0,    "request.first_response_due"},
    [REQ_RESOLUTION_DUE] =     {"resolution_due",     F_DATETIME, F_READONLY | F_SORT | F_LIST,               0,    "request.resolution_due"},
    [REQ_SLA_WARNING_AT] =     {"sla_warning_at",     F_DATETIME, F_READONLY,                                 0,    "request.sla_warning_at"},
    [REQ_FIRST_RESPONSE_AT] =  {"first_response_at",  F_DATETIME, F_READONLY,                                 0,    "request.first_response_at"},
    [REQ_SLA_PAUSED_SINCE] =   {"sla_paused_since",   F_DATETIME, F_READONLY,                                 0,    "request.sla_paused_since"},
    [REQ_SLA_PAUSED_MINUTES] = {"sla_paused_minutes", F_INT,      F_READONLY,                                 0,    "request.sla_paused_minutes", .def = "0"},
    [REQ_DURATION_MINUTES] =   {"duration_minutes",   F_INT,      F_READONLY | F_SORT,                        600,  "request.duration_minutes"},
    [REQ_ROUTED_RULE_ID] =     {"routed_rule_id",     F_REF,      F_READONLY | F_FILTER,                      0,    "request.routed_rule", .ref = &entity_routing_rules},
    [REQ_RATING] =             {"rating",             F_INT,      F_READONLY | F_FILTER | F_SORT,             5,    "request.rating", .min = 1},
    [REQ_RATING_COMMENT] =     {"rating_comment",     F_TEXT,     F_READONLY,                                 2000, "request.rating_comment"},
    [REQ_RATED_AT] =           {"rated_at",           F_DATETIME, F_READONLY | F_SORT,                        0,    "request.rated_at"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(request_fields, REQ__COUNT),
               "one entry per value of enum request_field");

static bool is_null(const struct record *r, int field)
{
    const struct value *v = rec_get(r, field);
    return !v->set || v->null;
}

/* The owner of a contact or a unit (0 when none). */
static enum err_code owner_of(struct ctx *cx, const char *sql, int64_t id, int64_t *client)
{
    bool found;
    *client = 0;
    enum err_code rc = db_get_i64(cx->db, &cx->err, client, &found, sql, "i", id);
    if (rc == ERR_OK && !found)
        *client = 0;
    return rc;
}

enum err_code request_may_take(struct ctx *cx, int64_t user_id, bool *ok, const char **name)
{
    *ok = false;
    if (name)
        *name = NULL;
    struct db_stmt *st =
        db_q(cx->db, &cx->err, "SELECT active, role, name FROM users WHERE id = $1", "i", user_id);
    if (!st)
        return cx->err.code;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        const struct role *role = role_find(db_col_text(st, 1));
        *ok = db_col_i64(st, 0) != 0 && role && perms_has(&role->perms, P_REQUESTS_WORK);
        if (name)
            *name = arena_strdup(cx->a, db_col_text(st, 2));
    }
    db_done(st);
    return rc == DB_FAIL ? cx->err.code : ERR_OK;
}

/* The local date of an instant in the time zone of the request's branch
 * (Moscow when it has none): the day a contract must be in force on. */
static enum err_code request_day(struct ctx *cx, struct record *rec, int64_t t,
                                 char out[ISO_DATE_LEN])
{
    int offset = 180;
    if (!is_null(rec, REQ_BRANCH_ID)) {
        struct db_stmt *st = db_q(cx->db, &cx->err, "SELECT timezone FROM branches WHERE id = $1",
                                  "i", rec_get(rec, REQ_BRANCH_ID)->i);
        if (!st)
            return cx->err.code;
        int rc = db_step(st);
        if (rc == DB_ROW && !bizcal_zone_offset(db_col_text(st, 0), &offset))
            offset = 180;
        db_done(st);
        if (rc == DB_FAIL)
            return cx->err.code;
    }
    char iso[ISO_TIME_LEN];
    time_iso(t + (int64_t)offset * 60, iso);
    memcpy(out, iso, 10);
    out[10] = 0;
    return ERR_OK;
}

static bool same_ref(const struct value *a, const struct value *b)
{
    bool an = !a->set || a->null, bn = !b->set || b->null;
    return an || bn ? an == bn : a->i == b->i;
}

/* The contract a request is served under. Given, it must be the client's
 * (the client is taken from it when not given) and in force on the day the
 * request was made. Not given on a new request, or the client changed: the
 * client's contract in force that day (contract_in_force), or none. */
static enum err_code request_contract(struct ctx *cx, struct record *rec, const struct record *old)
{
    struct value *client = rec_set(rec, REQ_CLIENT_ID);
    struct value *contract = rec_set(rec, REQ_CONTRACT_ID);
    bool given, resolve;
    if (!old) {
        given = !is_null(rec, REQ_CONTRACT_ID);
        resolve = !given;
    } else {
        const struct record *o = old;
        bool contract_changed = !same_ref(contract, rec_get(o, REQ_CONTRACT_ID));
        given = contract_changed && !is_null(rec, REQ_CONTRACT_ID);
        resolve = !contract_changed && !same_ref(client, rec_get(o, REQ_CLIENT_ID));
    }
    if (!given && !resolve)
        return ERR_OK;
    if (resolve && is_null(rec, REQ_CLIENT_ID)) {
        contract->set = true, contract->null = true, contract->i = 0;
        return ERR_OK; /* no client, no contract */
    }
    int64_t made = time_now();
    if (old && !time_parse(old->created_at, &made))
        made = time_now();
    char day[ISO_DATE_LEN];
    enum err_code rc = request_day(cx, rec, made, day);
    if (rc != ERR_OK)
        return rc;
    if (resolve) {
        int64_t id;
        if ((rc = contract_in_force(cx, client->i, day, &id)) != ERR_OK)
            return rc;
        contract->set = true, contract->null = id == 0, contract->i = id;
        return ERR_OK;
    }
    int64_t owner;
    bool in_force;
    if ((rc = contract_on_day(cx, contract->i, day, &owner, &in_force)) != ERR_OK)
        return rc;
    if (is_null(rec, REQ_CLIENT_ID))
        client->set = true, client->null = false, client->i = owner;
    else if (owner != client->i)
        err_field(&cx->err, "contract_id", "invalid");
    if (!cx->err.nfields && !in_force)
        err_field(&cx->err, "contract_id", "not_in_force");
    return cx->err.nfields ? ERR_INVALID : ERR_OK;
}

/* A contact and a unit belong to the request's client (who is taken from
 * them when not given), and so does the contract (request_contract); the
 * assignee is an active user who works on requests; a new request is "assigned" when created with
 * an assignee (its access code comes with its public view). */
static enum err_code request_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    enum err_code rc;
    int64_t owner;
    struct value *client = rec_set(rec, REQ_CLIENT_ID);
    if (!is_null(rec, REQ_CONTACT_ID)) {
        if ((rc = owner_of(cx, "SELECT client_id FROM contacts WHERE id = $1",
                           rec_get(rec, REQ_CONTACT_ID)->i, &owner)) != ERR_OK)
            return rc;
        if (client->null || !client->set) {
            client->set = true, client->null = false, client->i = owner;
        } else if (owner != client->i) {
            err_field(&cx->err, "contact_id", "invalid");
        }
    }
    if (!is_null(rec, REQ_UNIT_ID)) {
        if ((rc = owner_of(cx, "SELECT client_id FROM equipment_units WHERE id = $1",
                           rec_get(rec, REQ_UNIT_ID)->i, &owner)) != ERR_OK)
            return rc;
        if (owner && (client->null || !client->set))
            client->set = true, client->null = false, client->i = owner;
        else if (owner && owner != client->i)
            err_field(&cx->err, "unit_id", "invalid");
    }
    const struct value *assignee = rec_get(rec, REQ_ASSIGNEE_ID);
    bool assignee_changed = !old || assignee->i != rec_get(old, REQ_ASSIGNEE_ID)->i;
    if (!is_null(rec, REQ_ASSIGNEE_ID) && assignee_changed) {
        /* naming someone else on a new request is assigning it (the
         * transitions and escalation have their own permission) */
        if (!old && !ctx_can(cx, P_REQUESTS_ASSIGN) && (!cx->user || assignee->i != cx->user->id))
            return ctx_fail(cx, ERR_FORBIDDEN, "your role may not assign requests");
        bool ok;
        if ((rc = request_may_take(cx, assignee->i, &ok, NULL)) != ERR_OK)
            return rc;
        if (!ok)
            err_field(&cx->err, "assignee_id", "cannot_take");
    }
    if (cx->err.nfields)
        return ERR_INVALID;
    /* the contract before the rules: they may look at it */
    if ((rc = request_contract(cx, rec, old)) != ERR_OK)
        return rc;
    /* the SLA clock: set on creation, moved when priority, branch or contract change */
    if (!old) {
        /* distribution first: a rule may change the priority the SLA follows */
        if ((rc = routing_apply(cx, rec)) != ERR_OK)
            return rc;
        int64_t created = time_now(); /* the instant the record is created at */
        if (rec->created_at && !time_parse(rec->created_at, &created))
            created = time_now();
        if ((rc = sla_apply(cx, rec, created)) != ERR_OK)
            return rc;
    } else {
        const struct record *o = old;
        int64_t created;
        bool moved = strcmp(rec_get(rec, REQ_PRIORITY)->s, rec_get(o, REQ_PRIORITY)->s) != 0 ||
                     rec_get(rec, REQ_BRANCH_ID)->i != rec_get(o, REQ_BRANCH_ID)->i ||
                     rec_get(rec, REQ_BRANCH_ID)->null != rec_get(o, REQ_BRANCH_ID)->null ||
                     !same_ref(rec_get(rec, REQ_CONTRACT_ID), rec_get(o, REQ_CONTRACT_ID));
        if (moved && time_parse(old->created_at, &created) &&
            (rc = sla_apply(cx, rec, created)) != ERR_OK)
            return rc;
    }
    if (!old) {
        if (!is_null(rec, REQ_ASSIGNEE_ID)) {
            struct value *st = rec_set(rec, REQ_STATUS);
            st->set = true, st->null = false, st->s = statuses[RS_ASSIGNED];
        }
    }
    return cx->err.nfields ? ERR_INVALID : ERR_OK;
}

enum err_code request_event_add(struct ctx *cx, int64_t request_id, const char *kind,
                                bool public_event, const char *body, const char *from,
                                const char *to, int64_t *event_id)
{
    return timeline_add(cx, &entity_requests, request_id, kind, public_event, body, from, to, NULL,
                        event_id);
}

const char *request_title(struct ctx *cx, struct record *rec)
{
    return arena_printf(cx->a, "%s: %s", rec_get(rec, REQ_NUMBER)->s, rec_get(rec, REQ_SUBJECT)->s);
}

/* The counter of open requests a record adds to: its assignee's ("mine"). */
static const char *open_key(struct ctx *cx, const struct record *r)
{
    if (!r)
        return NULL;
    const char *st = rec_get(r, REQ_STATUS)->s;
    const struct value *a = rec_get(r, REQ_ASSIGNEE_ID);
    bool open = workflow_state_open(&request_workflow, st);
    return open && a->set && !a->null ? counter_name(cx, REQUEST_COUNTER_OPEN_BY,
                                                     arena_printf(cx->a, "%lld", (long long)a->i))
                                      : NULL;
}

/* The overdue counter a record adds to: open and past its deadline. */
static const char *overdue_key(struct ctx *cx, const struct record *r)
{
    if (!r || !workflow_state_open(&request_workflow, rec_get(r, REQ_STATUS)->s))
        return NULL;
    const struct value *sla = rec_get(r, REQ_SLA_STATE);
    return sla->set && !sla->null && sla->s && !strcmp(sla->s, "breached")
               ? counter_name(cx, REQUEST_COUNTER_OVERDUE, "open")
               : NULL;
}

/* Moves the status, SLA, overdue and per-assignee counters from what was to what is
 * (NULL: none). */
static enum err_code count_change(struct ctx *cx, const struct record *was,
                                  const struct record *now)
{
    static const int keys[] = {REQ_STATUS, REQ_SLA_STATE};
    static const char *const groups[] = {REQUEST_COUNTER_STATUS, REQUEST_COUNTER_SLA_STATE};
    enum err_code rc = ERR_OK;
    for (int k = 0; k < 4 && rc == ERR_OK; k++) {
        const char *a, *b;
        if (k < 2) {
            a = was ? counter_name(cx, groups[k], rec_get(was, keys[k])->s) : NULL;
            b = now ? counter_name(cx, groups[k], rec_get(now, keys[k])->s) : NULL;
        } else if (k == 2) {
            a = overdue_key(cx, was);
            b = overdue_key(cx, now);
        } else {
            a = open_key(cx, was);
            b = open_key(cx, now);
        }
        if (a && b && !strcmp(a, b))
            continue;
        if (a)
            rc = counter_add(cx, a, -1);
        if (rc == ERR_OK && b)
            rc = counter_add(cx, b, 1);
    }
    return rc;
}

/* A new request opens its timeline; its assignee is told. Every write moves
 * the counters. */
static enum err_code request_after_write(struct ctx *cx, const struct record *rec,
                                         const struct record *old)
{
    enum err_code cc = count_change(cx, old, rec);
    if (cc != ERR_OK)
        return cc;
    if (old || !rec)
        return ERR_OK;
    struct record *r = (struct record *)rec;
    enum err_code rc = request_event_add(cx, rec->id, "created", true, NULL, NULL,
                                         rec_get(r, REQ_STATUS)->s, NULL);
    const struct value *a = rec_get(r, REQ_ASSIGNEE_ID);
    if (rc == ERR_OK && a->set && !a->null)
        rc = notify(cx, a->i, "assigned", "requests", rec->id, request_title(cx, r));
    struct value *rule = record_value(r, "routed_rule_id");
    if (rc == ERR_OK && (!a->set || a->null) && rule->set && !rule->null) {
        const char *who;
        rc = routing_not_taken(cx, rule->i, &who);
        if (rc == ERR_OK && who)
            rc = request_event_add(cx, rec->id, "not_assigned", false, who, NULL, NULL, NULL);
    }
    if (rc == ERR_OK)
        rc = notice_request(cx, rec, "created", NULL); /* the client's acknowledgement */
    return rc;
}

/* The status page: the number, status and subject, and every public event
 * (created, status changes, replies, the client's own replies); the rating
 * the client gave, if any (the page offers to rate a resolved request). */
static const char *const public_fields[] = {"number", "status", "subject", "rating", NULL};
static const struct public_view request_public_view = {
    .number_field = "number",
    .code_field = "access_code",
    .fields = public_fields,
};

static enum err_code request_on_comment(struct ctx *cx, struct record *req, bool public_reply,
                                        const char *body);

const struct entity entity_requests = {
    .name = "requests",
    .table = "requests",
    .label = "entity.requests",
    .fields = request_fields,
    .display_sql = "number",
    .perm_read = P_REQUESTS_READ,
    .perm_write = P_REQUESTS_WRITE,
    .perm_delete = P_REQUESTS_ASSIGN,
    .branch_field = "branch_id",
    .check = request_check,
    .after_write = request_after_write,
    .number_field = "number",
    .number_series = "О",
    .nested_key = "client",
    .create_nested = request_create_for_client,
    .timeline = true,
    .on_comment = request_on_comment,
    .public_view = &request_public_view,
};

/* ---- a request for a client named on the same form ------------------------ */

/* Field errors of the inline client are reported as "client.<field>". */
static void prefix_fields(struct ctx *cx, int from)
{
    for (int i = from; i < cx->err.nfields; i++)
        cx->err.fields[i].name = arena_printf(cx->a, "client.%s", cx->err.fields[i].name);
}

static enum err_code create_for_client(struct ctx *cx, struct record *req, json_t *client,
                                       bool *created, struct record **out)
{
    struct record *c = record_new(cx, &entity_clients);
    int64_t version;
    int before = cx->err.nfields;
    enum err_code rc = record_from_json(cx, &entity_clients, client, RI_CREATE, c, &version);
    if (rc != ERR_OK) {
        prefix_fields(cx, before);
        return rc;
    }
    /* the one the staff member found: by phone first, then by e-mail */
    const struct value *phone = rec_get(c, CLIENT_PHONE), *email = rec_get(c, CLIENT_EMAIL);
    char norm[32] = "";
    if (phone->set && !phone->null && !phone_normalize(phone->s, norm, sizeof(norm))) {
        err_field(&cx->err, "client.phone", "invalid_phone");
        return ctx_fail(cx, ERR_INVALID, "the client's phone is not a phone number");
    }
    const char *mail = NULL;
    if (email->set && !email->null && !text_blank(email->s)) {
        const char *e = email->s;
        size_t len = strlen(e);
        while (*e == ' ' || *e == '\t')
            e++, len--;
        while (len && (e[len - 1] == ' ' || e[len - 1] == '\t'))
            len--;
        mail = arena_strndup(cx->a, e, len);
    }
    int64_t id;
    if ((rc = client_find(cx, norm, mail, &id)) != ERR_OK)
        return rc;
    bool found = id != 0;
    if (!found) {
        if ((phone->null || !phone->set) && (email->null || !email->set || text_blank(email->s))) {
            err_field(&cx->err, "client.phone", "required");
            return ctx_fail(cx, ERR_INVALID, "a new client needs a phone or an e-mail");
        }
        if (!ctx_can(cx, P_CLIENTS_WRITE))
            return ctx_fail(cx, ERR_FORBIDDEN, "your role may not add clients");
        struct value *kind = rec_set(c, CLIENT_KIND);
        if (!kind->set || kind->null)
            kind->set = true, kind->null = false, kind->s = "person";
        struct record *made;
        before = cx->err.nfields;
        if ((rc = entity_create(cx, &entity_clients, c, &made)) != ERR_OK) {
            prefix_fields(cx, before);
            return rc;
        }
        id = made->id;
    }
    *created = !found;
    struct value *cv = rec_set(req, REQ_CLIENT_ID);
    cv->set = true, cv->null = false, cv->i = id;
    return entity_create(cx, &entity_requests, req, out);
}

enum err_code request_create_for_client(struct ctx *cx, struct record *req, json_t *client,
                                        bool *created, struct record **out)
{
    *created = false;
    const struct value *cv = rec_get(req, REQ_CLIENT_ID);
    if (!json_is_object(client)) {
        err_field(&cx->err, "client", "invalid");
        return ctx_fail(cx, ERR_INVALID, "client must be an object: name, phone, e-mail");
    }
    if (cv->set && !cv->null) {
        err_field(&cx->err, "client", "invalid");
        return ctx_fail(cx, ERR_INVALID, "give either client_id or client, not both");
    }
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, create_for_client(cx, req, client, created, out));
}

/* ---- workflow ------------------------------------------------------------ */

/* Work on a request belongs to its assignee; managers (assign permission)
 * may act on any, and anyone who may work takes an unassigned one. */
static enum err_code may_work(struct ctx *cx, const struct record *rec)
{
    const struct value *a = rec_get(rec, REQ_ASSIGNEE_ID);
    if (a->null || !a->set || a->i == cx->user->id || ctx_can(cx, P_REQUESTS_ASSIGN))
        return ERR_OK;
    return ctx_fail(cx, ERR_FORBIDDEN, "the request is assigned to someone else");
}

static int64_t reopen_days(void) { return setting_int(SET_REOPEN_DAYS); }

/* A closed request may be reopened within SERVITOR_REOPEN_DAYS (14). */
static enum err_code may_reopen(struct ctx *cx, const struct record *rec)
{
    const struct value *closed = rec_get(rec, REQ_CLOSED_AT);
    int64_t t;
    if (closed->null || !closed->set || !time_parse(closed->s, &t))
        return ERR_OK;
    if (time_now() - t > reopen_days() * 86400)
        return ctx_fail(cx, ERR_CONFLICT, "closed more than %lld days ago: make a new request",
                        (long long)reopen_days());
    return ERR_OK;
}

static void set_now(struct ctx *cx, struct record *patch, int field)
{
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    struct value *v = rec_set(patch, field);
    v->set = true, v->null = false, v->s = arena_strdup(cx->a, now);
}

static void set_null(struct record *patch, int field)
{
    struct value *v = rec_set(patch, field);
    v->set = true, v->null = true;
}

static enum err_code assign_effect(struct ctx *cx, const struct record *rec,
                                   const struct record *input, struct record *patch)
{
    (void)rec;
    const struct value *in = input ? rec_get(input, REQ_ASSIGNEE_ID) : NULL;
    if (!in || !in->set || in->null) {
        err_field(&cx->err, "assignee_id", "required");
        return ctx_fail(cx, ERR_INVALID, "whom to assign to?");
    }
    *rec_set(patch, REQ_ASSIGNEE_ID) = *in;
    return ERR_OK;
}

static enum err_code start_effect(struct ctx *cx, const struct record *rec,
                                  const struct record *input, struct record *patch)
{
    (void)input;
    const struct value *a = rec_get(rec, REQ_ASSIGNEE_ID);
    if (a->null || !a->set) {
        struct value *v = rec_set(patch, REQ_ASSIGNEE_ID);
        v->set = true, v->null = false, v->i = cx->user->id;
    }
    return ERR_OK;
}

static enum err_code resolve_effect(struct ctx *cx, const struct record *rec,
                                    const struct record *input, struct record *patch)
{
    (void)rec, (void)input;
    set_now(cx, patch, REQ_RESOLVED_AT);
    return ERR_OK;
}

static enum err_code close_effect(struct ctx *cx, const struct record *rec,
                                  const struct record *input, struct record *patch)
{
    (void)rec, (void)input;
    set_now(cx, patch, REQ_CLOSED_AT);
    return ERR_OK;
}

static enum err_code reopen_effect(struct ctx *cx, const struct record *rec,
                                   const struct record *input, struct record *patch)
{
    (void)cx, (void)rec, (void)input;
    set_null(patch, REQ_RESOLVED_AT);
    set_null(patch, REQ_CLOSED_AT);
    return ERR_OK;
}

/* An assignment names whom on the timeline, and tells them (the status
 * event of every transition is the workflow's). */
static enum err_code after_transition(struct ctx *cx, const struct record *before,
                                      const struct record *now, const struct transition *t)
{
    enum err_code rc = ERR_OK;
    int ai;
    if (entity_field(&entity_requests, "assignee_id", &ai) && now->v[ai].i != before->v[ai].i &&
        !now->v[ai].null)
        rc = request_event_add(cx, now->id, "assigned", false, now->labels[ai], NULL, NULL, NULL);
    if (rc == ERR_OK && now->v[ai].i != before->v[ai].i && !now->v[ai].null)
        rc = notify(cx, now->v[ai].i, "assigned", "requests", now->id,
                    request_title(cx, (struct record *)now));
    if (rc == ERR_OK && t->to == RS_RESOLVED)
        rc = notice_request(cx, now, "resolved", NULL);
    if (rc == ERR_OK && t->to == RS_CANCELLED) /* the parts it held go back */
        rc = stock_release_doc(cx, "request", now->id);
    return rc;
}

/* A transition's states: S(NEW) | S(ASSIGNED); OPEN: every open state. */
#define S(state)           STATE_BIT(RS_##state)
#define OPEN_BIT(id, name) | STATE_BIT(id)
#define OPEN               (0 REQUEST_OPEN_STATES(OPEN_BIT, ))
#define WAITING            (S(WAITING_CLIENT) | S(WAITING_PARTS))

/* clang-format off */
static const int assign_params[] = {REQ_ASSIGNEE_ID, -1};

static const struct transition request_transitions[] = {
    /* name          from                      to                 perm               label                      guard       effect          after             takes */
    {"assign",      OPEN,                     RS_ASSIGNED,       P_REQUESTS_ASSIGN, "transition.assign",       NULL,       assign_effect,  after_transition, assign_params},
    {"start",       S(NEW) | S(ASSIGNED),     RS_IN_PROGRESS,    P_REQUESTS_WORK,   "transition.start",        may_work,   start_effect,   after_transition},
    {"wait_client", S(IN_PROGRESS),           RS_WAITING_CLIENT, P_REQUESTS_WORK,   "transition.wait_client",  may_work,   NULL,           after_transition},
    {"wait_parts",  S(IN_PROGRESS),           RS_WAITING_PARTS,  P_REQUESTS_WORK,   "transition.wait_parts",   may_work,   NULL,           after_transition},
    {"resume",      WAITING,                  RS_IN_PROGRESS,    P_REQUESTS_WORK,   "transition.resume",       may_work,   NULL,           after_transition},
    {"resolve",     OPEN & ~S(NEW),           RS_RESOLVED,       P_REQUESTS_WORK,   "transition.resolve",      may_work,   resolve_effect, after_transition},
    {"close",       S(RESOLVED),              RS_CLOSED,         P_REQUESTS_WRITE,  "transition.close",        NULL,       close_effect,   after_transition},
    {"reopen",      S(RESOLVED) | S(CLOSED),  RS_IN_PROGRESS,    P_REQUESTS_WRITE,  "transition.reopen",       may_reopen, reopen_effect,  after_transition},
    {"cancel",      OPEN,                     RS_CANCELLED,      P_REQUESTS_ASSIGN, "transition.cancel",       NULL,       NULL,           after_transition},
    {0},
};
/* clang-format on */

const struct workflow request_workflow = {
    .ent = &entity_requests,
    .state_field = "status",
    .states = statuses,
    .categories = status_categories,
    .transitions = request_transitions,
    .on_change = sla_on_status,
};

/* ---- timeline ------------------------------------------------------------ */

enum err_code request_comment(struct ctx *cx, int64_t request_id, const char *body,
                              bool public_reply, int64_t *event_id)
{
    return timeline_comment(cx, &entity_requests, request_id, body, public_reply, event_id);
}

/* After a reply or a note: the assignee hears of what others write, @login
 * mentions are told; the first public answer stops the first-response
 * clock. */
static enum err_code request_on_comment(struct ctx *cx, struct record *req, bool public_reply,
                                        const char *body)
{
    enum err_code rc = ERR_OK;
    struct value *a = record_value(req, "assignee_id");
    const char *title = request_title(cx, req);
    if (a->set && !a->null)
        rc = notify(cx, a->i, "reply", "requests", req->id, title);
    if (rc == ERR_OK)
        rc = notify_mentions(cx, body, "requests", req->id, title);
    if (rc == ERR_OK && public_reply)
        rc = notice_request(cx, req, "reply", body); /* the reply goes to the client */
    if (rc == ERR_OK && public_reply) {
        char now[ISO_TIME_LEN];
        time_now_iso(now);
        rc = db_run(cx->db, &cx->err,
                    "UPDATE requests SET first_response_at = $2\n"
                    "WHERE id = $1 AND first_response_at IS NULL",
                    "it", req->id, now);
    }
    return rc;
}

enum err_code request_client_reply(struct ctx *cx, int64_t request_id, const char *body,
                                   const char *author, int64_t *event_id)
{
    struct record *req;
    enum err_code rc = entity_get(cx, &entity_requests, request_id, &req);
    if (rc != ERR_OK)
        return rc;
    rc = timeline_add(cx, &entity_requests, request_id, "client_reply", true, body, NULL, NULL,
                      author ? author : "", event_id);
    const struct value *a = rec_get(req, REQ_ASSIGNEE_ID);
    if (rc == ERR_OK && a->set && !a->null)
        rc = notify(cx, a->i, "client_reply", "requests", request_id, request_title(cx, req));
    if (rc == ERR_OK) {
        json_t *j =
            json_pack("{s:s,s:s?,s:s?}", "kind", "client_reply", "author", author, "body", body);
        char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        rc = audit_append(cx, "client_reply", "requests", request_id, NULL, s);
        free(s);
        json_decref(j);
    }
    /* the client answered: the wait is over, the SLA clock runs again; an
     * answer to a resolved or closed request reopens it (as osTicket and
     * Zammad do) — unless it was closed too long ago: then the reply stays on
     * the closed request's timeline and its last assignee is told */
    int status = request_state(rec_get(req, REQ_STATUS)->s);
    const char *step = status == RS_WAITING_CLIENT                    ? "resume"
                       : status == RS_RESOLVED || status == RS_CLOSED ? "reopen"
                                                                      : NULL;
    if (rc == ERR_OK && step) {
        struct record *out;
        rc = workflow_run(cx, &request_workflow, request_id, req->version, step, NULL, &out);
        if (rc == ERR_CONFLICT && !strcmp(step, "reopen")) {
            err_clear(&cx->err);
            rc = ERR_OK;
        }
    }
    return rc;
}

enum err_code request_recount(struct ctx *cx)
{
    enum err_code rc = counters_recount(cx, REQUEST_COUNTER_STATUS,
                                        "SELECT status, COUNT(*) FROM requests GROUP BY status");
    if (rc == ERR_OK)
        rc = counters_recount(cx, REQUEST_COUNTER_SLA_STATE,
                              "SELECT sla_state, COUNT(*) FROM requests GROUP BY sla_state");
    if (rc == ERR_OK)
        rc = counters_recount(cx, REQUEST_COUNTER_OPEN_BY,
                              "SELECT assignee_id, COUNT(*) FROM requests\n"
                              "WHERE assignee_id IS NOT NULL AND status IN (" REQUEST_OPEN_SQL ")\n"
                              "GROUP BY assignee_id");
    if (rc == ERR_OK)
        rc = counters_recount(cx, REQUEST_COUNTER_OVERDUE,
                              "SELECT 'open', COUNT(*) FROM requests\n"
                              "WHERE sla_state = 'breached' AND status IN (" REQUEST_OPEN_SQL ")");
    return rc;
}

/* The counts of one branch, counted now: rows of (name, value) named as in
 * the counters table, and the open requests of user $2 there under
 * "requests.open_by.<user>". $1 is the branch. */
static const char branch_counts_sql[] =
    "SELECT '" REQUEST_COUNTER_STATUS ".' || status, COUNT(*) FROM requests\n"
    "WHERE branch_id = $1 GROUP BY status\n"
    "UNION ALL\n"
    "SELECT '" REQUEST_COUNTER_SLA_STATE ".' || COALESCE(sla_state, ''), COUNT(*) FROM requests\n"
    "WHERE branch_id = $1 GROUP BY COALESCE(sla_state, '')\n"
    "UNION ALL\n"
    "SELECT '" REQUEST_COUNTER_OVERDUE ".open', COUNT(*) FROM requests\n"
    "WHERE branch_id = $1 AND sla_state = 'breached' AND status IN (" REQUEST_OPEN_SQL ")\n"
    "UNION ALL\n"
    "SELECT '" REQUEST_COUNTER_OPEN_BY ".' || CAST(assignee_id AS TEXT), COUNT(*) FROM requests\n"
    "WHERE branch_id = $1 AND assignee_id = $2 AND status IN (" REQUEST_OPEN_SQL ")\n"
    "GROUP BY assignee_id";

enum err_code request_badges(struct ctx *cx, json_t **by_status, json_t **by_sla_state,
                             int64_t *mine_open, int64_t *overdue_open)
{
    const char *mine = counter_name(cx, REQUEST_COUNTER_OPEN_BY,
                                    arena_printf(cx->a, "%lld", (long long)cx->user->id));
    const char *overdue = counter_name(cx, REQUEST_COUNTER_OVERDUE, "open");
    *mine_open = *overdue_open = 0;
    struct db_stmt *st =
        ctx_branch(cx)
            ? db_q(cx->db, &cx->err, branch_counts_sql, "ii", ctx_branch(cx), cx->user->id)
            : db_q(cx->db, &cx->err,
                   "SELECT name, value FROM counters\n"
                   "WHERE name LIKE $2 OR name LIKE $3 OR name = $1 OR name = $4",
                   "tttt", mine, counter_name(cx, REQUEST_COUNTER_STATUS, "%"),
                   counter_name(cx, REQUEST_COUNTER_SLA_STATE, "%"), overdue);
    if (!st)
        return cx->err.code;
    json_t *status = json_object(), *sla = json_object();
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        const char *name = db_col_text(st, 0);
        json_int_t v = db_col_i64(st, 1);
        const char *value;
        if ((value = counter_value_of(name, REQUEST_COUNTER_STATUS)))
            json_object_set_new(status, value, json_integer(v));
        else if ((value = counter_value_of(name, REQUEST_COUNTER_SLA_STATE)))
            json_object_set_new(sla, value, json_integer(v));
        else if (!strcmp(name, mine))
            *mine_open = v;
        else if (!strcmp(name, overdue))
            *overdue_open = v;
    }
    db_done(st);
    if (step == DB_FAIL) {
        json_decref(status);
        json_decref(sla);
        return cx->err.code;
    }
    *by_status = status;
    *by_sla_state = sla;
    return ERR_OK;
}

enum err_code request_recount_job(struct ctx *cx)
{
    enum err_code rc = db_begin_write(cx->db, &cx->err);
    if (rc == ERR_OK)
        rc = request_recount(cx);
    return db_end_own(cx->db, &cx->err, true, rc);
}

enum err_code request_notify_managers(struct ctx *cx, struct record *req, const char *kind,
                                      const char *title, bool but_assignee)
{
    const struct value *b = rec_get(req, REQ_BRANCH_ID);
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT id FROM users\n"
             "WHERE role = 'manager' AND active = 1\n"
             "  AND (branch_id IS NULL OR CAST($1 AS BIGINT) = 0 OR branch_id = $1)",
             "i", b->set && !b->null ? b->i : (int64_t)0);
    if (!st)
        return cx->err.code;
    int64_t ids[64];
    int n = 0, step;
    while ((step = db_step(st)) == DB_ROW && n < 64)
        ids[n++] = db_col_i64(st, 0);
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    const struct value *a = rec_get(req, REQ_ASSIGNEE_ID);
    for (int i = 0; i < n; i++) {
        if (but_assignee && a->set && !a->null && a->i == ids[i])
            continue; /* told already as the assignee */
        enum err_code rc = notify(cx, ids[i], kind, "requests", req->id, title);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}
