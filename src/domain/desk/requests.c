/* requests.c — requests (обращения): the record, its workflow and its
 * timeline (domain layer). */
#include "desk.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "core/audit.h"
#include "core/counters.h"
#include "core/notify.h"
#include "core/perm.h"
#include "core/record.h"
#include "core/validate.h"
#include "domain/desk/routing.h"
#include "domain/desk/sla.h"
#include "domain/registry/registry.h"
#include "domain/sales/sales.h"
#include "base/banned.h"

static const char *const statuses[] = {
    "new",    "assigned",  "in_progress", "waiting_client", "waiting_parts", "resolved",
    "closed", "cancelled", NULL};
static const char *const channels[] = {"phone", "walk_in", "email", "web_form", "api", NULL};
static const char *const types[] = {"consultation", "repair", "maintenance", "parts",
                                    "complaint",    "demo",   "other",       NULL};
static const char *const priorities[] = {"low", "normal", "high", "urgent", NULL};
static const char *const sla_states[] = {"none", "ok", "warning", "breached", "met", NULL};
static const char *const sla_sources[] = {"policy", "contract", NULL};

/* clang-format off */
static const struct field request_fields[] = {
    /* name          type        flags                                              max   label */
    {"number",      F_TEXT,     F_READONLY | F_SEARCH | F_SORT | F_FILTER | F_LIST, 32,  "request.number"},
    {"status",      F_ENUM,     F_READONLY | F_FILTER | F_LIST,                    0,    "request.status", .enums = statuses, .def = "new"},
    {"channel",     F_ENUM,     F_REQUIRED | F_FILTER,                             0,    "request.channel", .enums = channels, .def = "phone"},
    {"type",        F_ENUM,     F_REQUIRED | F_FILTER | F_LIST,                    0,    "request.type", .enums = types, .def = "repair"},
    {"priority",    F_ENUM,     F_REQUIRED | F_FILTER | F_LIST,                    0,    "request.priority", .enums = priorities, .def = "normal"},
    {"subject",     F_TEXT,     F_REQUIRED | F_SEARCH | F_SORT | F_LIST,           300,  "request.subject"},
    {"description", F_TEXT,     F_SEARCH | F_MULTILINE,                            8000, "request.description"},
    {"client_id",   F_REF,      F_FILTER | F_LIST,                                 0,    "request.client", .ref = &entity_clients},
    {"contract_id", F_REF,      F_FILTER,                                          0,    "request.contract", .ref = &entity_contracts},
    {"contact_id",  F_REF,      F_FILTER,                                          0,    "request.contact", .ref = &entity_contacts},
    {"unit_id",     F_REF,      F_FILTER,                                          0,    "request.unit", .ref = &entity_equipment_units},
    {"branch_id",   F_REF,      F_FILTER,                                          0,    "request.branch", .ref = &entity_branches},
    {"queue",       F_TEXT,     F_FILTER | F_SORT,                                 100,  "request.queue"},
    {"assignee_id", F_REF,      F_FILTER | F_LIST | F_CREATE_ONLY,                 0,    "request.assignee", .ref = &entity_users},
    {"tags",        F_TEXT,     F_SEARCH,                                          300,  "request.tags"},
    {"access_code", F_TEXT,     F_READONLY,                                        16,   "request.access_code"},
    {"resolved_at", F_DATETIME, F_READONLY | F_SORT,                               0,    "request.resolved_at"},
    {"closed_at",   F_DATETIME, F_READONLY | F_SORT,                               0,    "request.closed_at"},
    {"sla_policy_id",      F_REF,      F_READONLY | F_FILTER,                      0,    "request.sla_policy", .ref = &entity_sla_policies},
    {"sla_source",         F_ENUM,     F_READONLY | F_FILTER,                      0,    "request.sla_source", .enums = sla_sources},
    {"sla_state",          F_ENUM,     F_READONLY | F_FILTER | F_LIST,             0,    "request.sla_state", .enums = sla_states, .def = "none"},
    {"first_response_due", F_DATETIME, F_READONLY | F_SORT,                        0,    "request.first_response_due"},
    {"resolution_due",     F_DATETIME, F_READONLY | F_SORT | F_LIST,               0,    "request.resolution_due"},
    {"sla_warning_at",     F_DATETIME, F_READONLY,                                 0,    "request.sla_warning_at"},
    {"first_response_at",  F_DATETIME, F_READONLY,                                 0,    "request.first_response_at"},
    {"sla_paused_since",   F_DATETIME, F_READONLY,                                 0,    "request.sla_paused_since"},
    {"sla_paused_minutes", F_INT,      F_READONLY,                                 0,    "request.sla_paused_minutes", .def = "0"},
    {"duration_minutes",   F_INT,      F_READONLY | F_SORT,                        600,  "request.duration_minutes"},
    {"routed_rule_id",     F_REF,      F_READONLY | F_FILTER,                      0,    "request.routed_rule", .ref = &entity_routing_rules},
    {0},
};
/* clang-format on */

static struct value *val(struct record *r, const char *name) { return record_value(r, name); }

static bool is_null(struct record *r, const char *name)
{
    struct value *v = val(r, name);
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

/* Crockford's base32: no I, L, O, U — nothing to misread when dictated. */
static const char code_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void request_access_code(char out[REQUEST_CODE_LEN + 1])
{
    for (int i = 0; i < REQUEST_CODE_LEN; i++)
        out[i] = code_alphabet[randombytes_uniform(32)];
    out[REQUEST_CODE_LEN] = 0;
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
        *ok = db_col_i64(st, 0) != 0 && role && (role->perms & P_REQUESTS_WORK);
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
    if (!is_null(rec, "branch_id")) {
        struct db_stmt *st = db_q(cx->db, &cx->err, "SELECT timezone FROM branches WHERE id = $1",
                                  "i", val(rec, "branch_id")->i);
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

static bool same_ref(struct value *a, struct value *b)
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
    struct value *client = val(rec, "client_id");
    struct value *contract = val(rec, "contract_id");
    bool given, resolve;
    if (!old) {
        given = !is_null(rec, "contract_id");
        resolve = !given;
    } else {
        struct record *o = (struct record *)old;
        bool contract_changed = !same_ref(contract, record_value(o, "contract_id"));
        given = contract_changed && !is_null(rec, "contract_id");
        resolve = !contract_changed && !same_ref(client, record_value(o, "client_id"));
    }
    if (!given && !resolve)
        return ERR_OK;
    if (resolve && is_null(rec, "client_id")) {
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
    if (is_null(rec, "client_id"))
        client->set = true, client->null = false, client->i = owner;
    else if (owner != client->i)
        err_field(&cx->err, "contract_id", "invalid");
    if (!cx->err.nfields && !in_force)
        err_field(&cx->err, "contract_id", "not_in_force");
    return cx->err.nfields ? ERR_INVALID : ERR_OK;
}

/* A contact and a unit belong to the request's client (who is taken from
 * them when not given), and so does the contract (request_contract); the
 * assignee is an active user; a new request gets its access code, and is
 * "assigned" when created with an assignee. */
static enum err_code request_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    enum err_code rc;
    int64_t owner;
    struct value *client = val(rec, "client_id");
    if (!is_null(rec, "contact_id")) {
        if ((rc = owner_of(cx, "SELECT client_id FROM contacts WHERE id = $1",
                           val(rec, "contact_id")->i, &owner)) != ERR_OK)
            return rc;
        if (client->null || !client->set) {
            client->set = true, client->null = false, client->i = owner;
        } else if (owner != client->i) {
            err_field(&cx->err, "contact_id", "invalid");
        }
    }
    if (!is_null(rec, "unit_id")) {
        if ((rc = owner_of(cx, "SELECT client_id FROM equipment_units WHERE id = $1",
                           val(rec, "unit_id")->i, &owner)) != ERR_OK)
            return rc;
        if (owner && (client->null || !client->set))
            client->set = true, client->null = false, client->i = owner;
        else if (owner && owner != client->i)
            err_field(&cx->err, "unit_id", "invalid");
    }
    struct value *assignee = val(rec, "assignee_id");
    bool assignee_changed =
        !old || assignee->i != record_value((struct record *)old, "assignee_id")->i;
    if (!is_null(rec, "assignee_id") && assignee_changed) {
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
        if ((rc = sla_apply(cx, rec, time_now())) != ERR_OK)
            return rc;
    } else {
        struct record *o = (struct record *)old;
        int64_t created;
        bool moved = strcmp(val(rec, "priority")->s, record_value(o, "priority")->s) != 0 ||
                     val(rec, "branch_id")->i != record_value(o, "branch_id")->i ||
                     val(rec, "branch_id")->null != record_value(o, "branch_id")->null ||
                     !same_ref(val(rec, "contract_id"), record_value(o, "contract_id"));
        if (moved && time_parse(old->created_at, &created) &&
            (rc = sla_apply(cx, rec, created)) != ERR_OK)
            return rc;
    }
    if (!old) {
        char code[REQUEST_CODE_LEN + 1];
        request_access_code(code);
        struct value *ac = val(rec, "access_code");
        ac->set = true, ac->null = false, ac->s = arena_strdup(cx->a, code);
        if (!is_null(rec, "assignee_id")) {
            struct value *st = val(rec, "status");
            st->set = true, st->null = false, st->s = "assigned";
        }
    }
    return cx->err.nfields ? ERR_INVALID : ERR_OK;
}

enum err_code request_event_add(struct ctx *cx, int64_t request_id, const char *kind,
                                bool public_event, const char *body, const char *from,
                                const char *to, int64_t *event_id)
{
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    int64_t id;
    bool found;
    enum err_code rc = db_get_i64(
        cx->db, &cx->err, &id, &found,
        "INSERT INTO request_events (request_id, at, user_id, kind, public, body, from_state,\n"
        "                            to_state)\n"
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)\n"
        "RETURNING id",
        "itItittt", request_id, now, cx->user ? cx->user->id : (int64_t)0, kind,
        (int64_t)public_event, body, from, to);
    if (event_id)
        *event_id = id;
    return rc;
}

const char *request_title(struct ctx *cx, struct record *rec)
{
    return arena_printf(cx->a, "%s: %s", record_value(rec, "number")->s,
                        record_value(rec, "subject")->s);
}

/* The open statuses: for the transition table, and the same for SQL. */
#define ACTIVE        "new assigned in_progress waiting_client waiting_parts"
#define OPEN_STATUSES "'new', 'assigned', 'in_progress', 'waiting_client', 'waiting_parts'"

static bool is_open(const char *status)
{
    static const char active[] = ACTIVE;
    size_t n = strlen(status);
    for (const char *p = active; (p = strstr(p, status)); p += n)
        if ((p == active || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
            return true;
    return false;
}

/* The counter of open requests a record adds to: its assignee's ("mine"). */
static const char *open_key(struct ctx *cx, const struct record *r)
{
    if (!r)
        return NULL;
    const char *st = record_value((struct record *)r, "status")->s;
    struct value *a = record_value((struct record *)r, "assignee_id");
    bool open = st && *st && is_open(st);
    return open && a->set && !a->null
               ? arena_printf(cx->a, "requests.open_by.%lld", (long long)a->i)
               : NULL;
}

/* Moves the status, SLA and per-assignee counters from what was to what is
 * (NULL: none). */
static enum err_code count_change(struct ctx *cx, const struct record *was,
                                  const struct record *now)
{
    static const char *const keys[] = {"status", "sla_state"};
    enum err_code rc = ERR_OK;
    for (int k = 0; k < 3 && rc == ERR_OK; k++) {
        const char *a, *b;
        if (k < 2) {
            a = was ? arena_printf(cx->a, "requests.%s.%s", keys[k],
                                   record_value((struct record *)was, keys[k])->s)
                    : NULL;
            b = now ? arena_printf(cx->a, "requests.%s.%s", keys[k],
                                   record_value((struct record *)now, keys[k])->s)
                    : NULL;
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
                                         record_value(r, "status")->s, NULL);
    struct value *a = record_value(r, "assignee_id");
    if (rc == ERR_OK && a->set && !a->null)
        rc = notify(cx, a->i, "assigned", "requests", rec->id, request_title(cx, r));
    struct value *rule = record_value(r, "routed_rule_id");
    if (rc == ERR_OK && (!a->set || a->null) && rule->set && !rule->null) {
        const char *who;
        rc = routing_not_taken(cx, rule->i, &who);
        if (rc == ERR_OK && who)
            rc = request_event_add(cx, rec->id, "not_assigned", false, who, NULL, NULL, NULL);
    }
    return rc;
}

const struct entity entity_requests = {
    .name = "requests",
    .table = "requests",
    .label = "entity.requests",
    .fields = request_fields,
    .display_sql = "number",
    .perm_read = P_REQUESTS_READ,
    .perm_write = P_REQUESTS_WRITE,
    .perm_delete = P_REQUESTS_ASSIGN,
    .check = request_check,
    .after_write = request_after_write,
    .number_field = "number",
    .number_series = "О",
    .nested_key = "client",
    .create_nested = request_create_for_client,
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
    struct value *phone = record_value(c, "phone"), *email = record_value(c, "email");
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
        struct value *kind = record_value(c, "kind");
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
    struct value *cv = record_value(req, "client_id");
    cv->set = true, cv->null = false, cv->i = id;
    return entity_create(cx, &entity_requests, req, out);
}

enum err_code request_create_for_client(struct ctx *cx, struct record *req, json_t *client,
                                        bool *created, struct record **out)
{
    *created = false;
    struct value *cv = record_value(req, "client_id");
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
    struct value *a = record_value((struct record *)rec, "assignee_id");
    if (a->null || !a->set || a->i == cx->user->id || ctx_can(cx, P_REQUESTS_ASSIGN))
        return ERR_OK;
    return ctx_fail(cx, ERR_FORBIDDEN, "the request is assigned to someone else");
}

static int64_t reopen_days(void)
{
    const char *s = getenv("SERVITOR_REOPEN_DAYS");
    int64_t v;
    return s && parse_i64(s, strlen(s), &v) && v >= 0 ? v : 14;
}

/* A closed request may be reopened within SERVITOR_REOPEN_DAYS (14). */
static enum err_code may_reopen(struct ctx *cx, const struct record *rec)
{
    struct value *closed = record_value((struct record *)rec, "closed_at");
    int64_t t;
    if (closed->null || !closed->set || !time_parse(closed->s, &t))
        return ERR_OK;
    if (time_now() - t > reopen_days() * 86400)
        return ctx_fail(cx, ERR_CONFLICT, "closed more than %lld days ago: make a new request",
                        (long long)reopen_days());
    return ERR_OK;
}

static void set_now(struct ctx *cx, struct record *patch, const char *field)
{
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    struct value *v = record_value(patch, field);
    v->set = true, v->null = false, v->s = arena_strdup(cx->a, now);
}

static void set_null(struct record *patch, const char *field)
{
    struct value *v = record_value(patch, field);
    v->set = true, v->null = true;
}

static enum err_code assign_effect(struct ctx *cx, const struct record *rec,
                                   const struct record *input, struct record *patch)
{
    (void)rec;
    struct value *in = input ? record_value((struct record *)input, "assignee_id") : NULL;
    if (!in || !in->set || in->null) {
        err_field(&cx->err, "assignee_id", "required");
        return ctx_fail(cx, ERR_INVALID, "whom to assign to?");
    }
    *record_value(patch, "assignee_id") = *in;
    return ERR_OK;
}

static enum err_code start_effect(struct ctx *cx, const struct record *rec,
                                  const struct record *input, struct record *patch)
{
    (void)input;
    struct value *a = record_value((struct record *)rec, "assignee_id");
    if (a->null || !a->set) {
        struct value *v = record_value(patch, "assignee_id");
        v->set = true, v->null = false, v->i = cx->user->id;
    }
    return ERR_OK;
}

static enum err_code resolve_effect(struct ctx *cx, const struct record *rec,
                                    const struct record *input, struct record *patch)
{
    (void)rec, (void)input;
    set_now(cx, patch, "resolved_at");
    return ERR_OK;
}

static enum err_code close_effect(struct ctx *cx, const struct record *rec,
                                  const struct record *input, struct record *patch)
{
    (void)rec, (void)input;
    set_now(cx, patch, "closed_at");
    return ERR_OK;
}

static enum err_code reopen_effect(struct ctx *cx, const struct record *rec,
                                   const struct record *input, struct record *patch)
{
    (void)cx, (void)rec, (void)input;
    set_null(patch, "resolved_at");
    set_null(patch, "closed_at");
    return ERR_OK;
}

/* Every transition leaves a status event; an assignment also names whom. */
static enum err_code after_transition(struct ctx *cx, const struct record *before,
                                      const struct record *now, const struct transition *t)
{
    const char *from = record_value((struct record *)before, "status")->s;
    enum err_code rc = ERR_OK;
    int ai;
    if (entity_field(&entity_requests, "assignee_id", &ai) && now->v[ai].i != before->v[ai].i &&
        !now->v[ai].null)
        rc = request_event_add(cx, now->id, "assigned", false, now->labels[ai], NULL, NULL, NULL);
    if (rc == ERR_OK && now->v[ai].i != before->v[ai].i && !now->v[ai].null)
        rc = notify(cx, now->v[ai].i, "assigned", "requests", now->id,
                    request_title(cx, (struct record *)now));
    if (rc == ERR_OK && strcmp(from, t->to) != 0)
        rc = request_event_add(cx, now->id, "status", true, NULL, from, t->to, NULL);
    return rc;
}

/* clang-format off */
static const struct transition request_transitions[] = {
    /* name          from                                  to                perm               label                      guard       effect          after */
    {"assign",      ACTIVE,                               "assigned",       P_REQUESTS_ASSIGN, "transition.assign",       NULL,       assign_effect,  after_transition},
    {"start",       "new assigned",                       "in_progress",    P_REQUESTS_WORK,   "transition.start",        may_work,   start_effect,   after_transition},
    {"wait_client", "in_progress",                        "waiting_client", P_REQUESTS_WORK,   "transition.wait_client",  may_work,   NULL,           after_transition},
    {"wait_parts",  "in_progress",                        "waiting_parts",  P_REQUESTS_WORK,   "transition.wait_parts",   may_work,   NULL,           after_transition},
    {"resume",      "waiting_client waiting_parts",       "in_progress",    P_REQUESTS_WORK,   "transition.resume",       may_work,   NULL,           after_transition},
    {"resolve",     "assigned in_progress waiting_client waiting_parts", "resolved", P_REQUESTS_WORK, "transition.resolve", may_work, resolve_effect, after_transition},
    {"close",       "resolved",                           "closed",         P_REQUESTS_WRITE,  "transition.close",        NULL,       close_effect,   after_transition},
    {"reopen",      "resolved closed",                    "in_progress",    P_REQUESTS_WRITE,  "transition.reopen",       may_reopen, reopen_effect,  after_transition},
    {"cancel",      ACTIVE,                               "cancelled",      P_REQUESTS_ASSIGN, "transition.cancel",       NULL,       NULL,           after_transition},
    {0},
};
/* clang-format on */

const struct workflow request_workflow = {
    .ent = &entity_requests,
    .state_field = "status",
    .transitions = request_transitions,
    .on_change = sla_on_status,
};

/* ---- timeline ------------------------------------------------------------ */

enum err_code request_comment(struct ctx *cx, int64_t request_id, const char *body,
                              bool public_reply, int64_t *event_id)
{
    if (!body || text_blank(body))
        err_field(&cx->err, "body", "required");
    else if (!utf8_valid(body, strlen(body)))
        err_field(&cx->err, "body", "invalid");
    else if (utf8_count(body, strlen(body)) > 10000)
        err_field(&cx->err, "body", "too_long");
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "the comment is invalid");
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    int64_t one;
    bool found;
    rc = db_get_i64(cx->db, &cx->err, &one, &found, "SELECT 1 FROM requests WHERE id = $1", "i",
                    request_id);
    if (rc == ERR_OK && !found)
        rc = ctx_fail(cx, ERR_NOTFOUND, "requests %lld not found", (long long)request_id);
    const char *kind = public_reply ? "reply" : "note";
    if (rc == ERR_OK)
        rc = request_event_add(cx, request_id, kind, public_reply, body, NULL, NULL, event_id);
    if (rc == ERR_OK) {
        /* the assignee hears of what others write; @login mentions are told */
        struct record *req;
        rc = entity_get(cx, &entity_requests, request_id, &req);
        struct value *a = rc == ERR_OK ? record_value(req, "assignee_id") : NULL;
        const char *title = rc == ERR_OK ? request_title(cx, req) : NULL;
        if (rc == ERR_OK && a->set && !a->null)
            rc = notify(cx, a->i, "reply", "requests", request_id, title);
        if (rc == ERR_OK)
            rc = notify_mentions(cx, body, "requests", request_id, title);
    }
    if (rc == ERR_OK && public_reply) {
        /* the first public answer stops the first-response clock */
        char now[ISO_TIME_LEN];
        time_now_iso(now);
        rc = db_run(cx->db, &cx->err,
                    "UPDATE requests SET first_response_at = $2\n"
                    "WHERE id = $1 AND first_response_at IS NULL",
                    "it", request_id, now);
    }
    if (rc == ERR_OK) {
        json_t *j = json_pack("{s:s,s:s}", "kind", kind, "body", body);
        char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        rc = audit_append(cx, kind, "requests", request_id, NULL, s);
        free(s);
        json_decref(j);
    }
    return db_end_own(cx->db, &cx->err, own, rc);
}

enum err_code request_client_reply(struct ctx *cx, int64_t request_id, const char *body,
                                   const char *author, int64_t *event_id)
{
    struct record *req;
    enum err_code rc = entity_get(cx, &entity_requests, request_id, &req);
    if (rc != ERR_OK)
        return rc;
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    int64_t id = 0;
    bool found;
    rc = db_get_i64(cx->db, &cx->err, &id, &found,
                    "INSERT INTO request_events (request_id, at, user_id, kind, public, body,\n"
                    "                            author)\n"
                    "VALUES ($1, $2, NULL, 'client_reply', 1, $3, $4)\n"
                    "RETURNING id",
                    "ittt", request_id, now, body, author);
    if (event_id)
        *event_id = id;
    struct value *a = record_value(req, "assignee_id");
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
    const char *status = record_value(req, "status")->s;
    const char *step = !strcmp(status, "waiting_client")                          ? "resume"
                       : !strcmp(status, "resolved") || !strcmp(status, "closed") ? "reopen"
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

enum err_code request_timeline(struct ctx *cx, int64_t request_id, bool public_only,
                               struct request_event **out, int *n)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT e.id, e.at, e.user_id, u.name, e.kind, e.public, e.body, e.from_state,\n"
             "       e.to_state, e.author\n"
             "FROM request_events e\n"
             "LEFT JOIN users u ON u.id = e.user_id\n"
             "WHERE e.request_id = $1 AND (e.public = 1 OR $2 = 0)\n"
             "ORDER BY e.id\n"
             "LIMIT 1000",
             "ii", request_id, (int64_t)public_only);
    if (!st)
        return cx->err.code;
    int cap = 16, count = 0, step;
    struct request_event *ev = arena_alloc(cx->a, sizeof(*ev) * (size_t)cap);
    while ((step = db_step(st)) == DB_ROW) {
        if (count == cap) {
            struct request_event *bigger = arena_alloc(cx->a, sizeof(*ev) * (size_t)cap * 2);
            memcpy(bigger, ev, sizeof(*ev) * (size_t)cap);
            ev = bigger;
            cap *= 2;
        }
        struct request_event *e = &ev[count++];
        e->id = db_col_i64(st, 0);
        e->at = arena_strdup(cx->a, db_col_text(st, 1));
        e->user_id = db_col_null(st, 2) ? 0 : db_col_i64(st, 2);
        e->user_name = arena_strdup(cx->a, db_col_text(st, 3));
        e->kind = arena_strdup(cx->a, db_col_text(st, 4));
        e->public_event = db_col_i64(st, 5) != 0;
        e->body = arena_strdup(cx->a, db_col_text(st, 6));
        e->from_state = arena_strdup(cx->a, db_col_text(st, 7));
        e->to_state = arena_strdup(cx->a, db_col_text(st, 8));
        e->author = arena_strdup(cx->a, db_col_text(st, 9));
    }
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    *out = ev;
    *n = count;
    return ERR_OK;
}

enum err_code request_recount(struct ctx *cx)
{
    enum err_code rc = counters_recount(cx, "requests.status",
                                        "SELECT status, COUNT(*) FROM requests GROUP BY status");
    if (rc == ERR_OK)
        rc = counters_recount(cx, "requests.sla_state",
                              "SELECT sla_state, COUNT(*) FROM requests GROUP BY sla_state");
    if (rc == ERR_OK)
        rc = counters_recount(cx, "requests.open_by",
                              "SELECT assignee_id, COUNT(*) FROM requests\n"
                              "WHERE assignee_id IS NOT NULL AND status IN (" OPEN_STATUSES ")\n"
                              "GROUP BY assignee_id");
    return rc;
}

enum err_code request_recount_job(struct ctx *cx)
{
    enum err_code rc = db_begin_write(cx->db, &cx->err);
    if (rc == ERR_OK)
        rc = request_recount(cx);
    return db_end_own(cx->db, &cx->err, true, rc);
}
