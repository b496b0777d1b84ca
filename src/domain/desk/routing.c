/* routing.c — distribution of new requests by rules (domain layer). */
#include "routing.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/text.h"
#include "core/perm.h"
#include "base/timeutil.h"
#include "domain/domain.h"
#include "domain/desk/desk.h"
#include "domain/registry/registry.h"
#include "domain/sales/sales.h"
#include "base/banned.h"

static const char *const modes[] = {"none", "user", "round_robin", "least_loaded", "skill", NULL};
static const char *const types[] = {"consultation", "repair", "maintenance", "parts",
                                    "complaint",    "demo",   "other",       NULL};
static const char *const channels[] = {"phone", "walk_in", "email", "web_form", "api", NULL};
static const char *const contract_conds[] = {"any", "none", NULL};

/* clang-format off */
static const struct field rule_fields[] = {
    [RULE_POSITION] =         {"position",       F_INT,  F_REQUIRED | F_SORT | F_LIST, 100000, "rule.position", .min = 0, .def = "100"},
    [RULE_NAME] =             {"name",           F_TEXT, F_REQUIRED | F_SEARCH | F_SORT | F_LIST, 200, "rule.name"},
    [RULE_ACTIVE] =           {"active",         F_BOOL, F_FILTER | F_LIST, 0, "rule.active", .def = "true"},
    [RULE_STOP] =             {"stop",           F_BOOL, 0, 0, "rule.stop", .def = "true"},
    [RULE_COND_TYPE] =        {"cond_type",      F_ENUM, F_FILTER | F_LIST, 0, "rule.cond_type", .enums = types},
    [RULE_COND_CHANNEL] =     {"cond_channel",   F_ENUM, F_FILTER, 0, "rule.cond_channel", .enums = channels},
    [RULE_COND_PRIORITY] =    {"cond_priority",  F_ENUM, F_FILTER, 0, "rule.cond_priority", .enums = domain_priorities},
    [RULE_COND_BRANCH_ID] =   {"cond_branch_id", F_REF,  F_FILTER, 0, "rule.cond_branch", .ref = &entity_branches},
    [RULE_COND_CATEGORY] =    {"cond_category",  F_TEXT, F_FILTER | F_LIST, 100, "rule.cond_category"},
    [RULE_COND_CLIENT_ID] =   {"cond_client_id", F_REF,  F_FILTER, 0, "rule.cond_client", .ref = &entity_clients},
    [RULE_COND_CONTRACT] =    {"cond_contract",  F_ENUM, F_FILTER, 0, "rule.cond_contract", .enums = contract_conds},
    [RULE_COND_CONTRACT_ID] = {"cond_contract_id", F_REF, F_FILTER, 0, "rule.cond_contract_id", .ref = &entity_contracts},
    [RULE_COND_WORDS] =       {"cond_words",     F_TEXT, F_SEARCH, 300, "rule.cond_words"},
    [RULE_SET_QUEUE] =        {"set_queue",      F_TEXT, F_LIST, 100, "rule.set_queue"},
    [RULE_SET_PRIORITY] =     {"set_priority",   F_ENUM, 0, 0, "rule.set_priority", .enums = domain_priorities},
    [RULE_ASSIGN_MODE] =      {"assign_mode",    F_ENUM, F_REQUIRED | F_LIST, 0, "rule.assign_mode", .enums = modes, .def = "none"},
    [RULE_ASSIGN_USER_ID] =   {"assign_user_id", F_REF,  0, 0, "rule.assign_user", .ref = &entity_users},
    [RULE_LAST_USER_ID] =     {"last_user_id",   F_REF,  F_READONLY, 0, "rule.last_user", .ref = &entity_users},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(rule_fields, RULE__COUNT), "one entry per value of enum rule_field");

/* "user" needs the person, one who may take requests (request_may_take).
 * A rule for requests without a contract cannot name one. */
static enum err_code rule_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    (void)old;
    const struct value *mode = rec_get(rec, RULE_ASSIGN_MODE);
    const struct value *user = rec_get(rec, RULE_ASSIGN_USER_ID);
    bool has_user = user->set && !user->null;
    if (!strcmp(mode->s, "user") && !has_user)
        err_field(&cx->err, "assign_user_id", "required");
    const struct value *was = old ? rec_get(old, RULE_ASSIGN_USER_ID) : NULL;
    if (has_user && (!was || was->null || was->i != user->i)) {
        bool ok;
        enum err_code rc = request_may_take(cx, user->i, &ok, NULL);
        if (rc != ERR_OK)
            return rc;
        if (!ok)
            err_field(&cx->err, "assign_user_id", "cannot_take");
    }
    const struct value *cond = rec_get(rec, RULE_COND_CONTRACT);
    const struct value *contract = rec_get(rec, RULE_COND_CONTRACT_ID);
    if (cond->set && !cond->null && !strcmp(cond->s, "none") && contract->set && !contract->null)
        err_field(&cx->err, "cond_contract_id", "invalid");
    return cx->err.nfields ? ERR_INVALID : ERR_OK;
}

const struct entity entity_routing_rules = {
    .name = "routing_rules",
    .table = "routing_rules",
    .label = "entity.routing_rules",
    .fields = rule_fields,
    .display_sql = "name",
    .perm_read = P_REQUESTS_READ,
    .perm_write = P_DESK_ROUTING,
    .perm_delete = P_DESK_ROUTING,
    .check = rule_check,
};

/* ---- running the rules ------------------------------------------------- */

struct facts {
    const char *type, *channel, *priority, *category;
    int64_t branch_id, client_id, contract_id;
    const char *text; /* folded subject and description, padded with spaces */
};

static bool eq(const char *rule, const char *fact)
{
    return !rule || (fact && strcmp(rule, fact) == 0);
}

static bool any_word(struct ctx *cx, const char *words, const char *text)
{
    if (!words)
        return true;
    struct buf w = BUF_INIT;
    text_fold(&w, words, strlen(words));
    bool hit = false;
    for (char *p = w.p ? w.p : (char *)""; *p && !hit;) {
        char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *needle = arena_printf(cx->a, " %.*s", (int)n, p);
        hit = strstr(text, needle) != NULL; /* a word, or the start of one */
        p = end ? end + 1 : p + n;
    }
    buf_release(&w);
    return hit;
}

static const char *col_text(struct ctx *cx, struct db_stmt *st, int i)
{
    return db_col_null(st, i) ? NULL : arena_strdup(cx->a, db_col_text(st, i));
}

static int64_t col_id(struct db_stmt *st, int i)
{
    return db_col_null(st, i) ? 0 : db_col_i64(st, i);
}

/* People who may take the request: active, allowed to work on requests, in
 * its branch or in none. */
#define CANDIDATES                                                                                 \
    "FROM users u\n"                                                                               \
    "WHERE u.active = 1 AND u.role IN ('technician', 'manager')\n"                                 \
    "  AND (CAST($1 AS BIGINT) = 0 OR u.branch_id IS NULL OR u.branch_id = $1)\n"

#define OPEN_OF(u)                                                                                 \
    "(SELECT COUNT(*) FROM requests r WHERE r.assignee_id = " u "\n"                               \
    "   AND r.status IN (" REQUEST_OPEN_SQL "))"

static enum err_code pick(struct ctx *cx, const char *mode, int64_t rule_id, int64_t last,
                          const struct facts *f, int64_t *user)
{
    bool found = false;
    enum err_code rc = ERR_OK;
    *user = 0;
    if (!strcmp(mode, "round_robin")) {
        /* the next candidate after the last one, wrapping around */
        rc = db_get_i64(cx->db, &cx->err, user, &found,
                        "SELECT u.id " CANDIDATES "ORDER BY u.id <= $2, u.id\n"
                        "LIMIT 1",
                        "ii", f->branch_id, last);
        if (rc == ERR_OK && found)
            rc =
                db_run(cx->db, &cx->err, "UPDATE routing_rules SET last_user_id = $2 WHERE id = $1",
                       "ii", rule_id, *user);
    } else if (!strcmp(mode, "least_loaded")) {
        rc = db_get_i64(cx->db, &cx->err, user, &found,
                        "SELECT u.id " CANDIDATES "ORDER BY " OPEN_OF("u.id") ", u.id\n"
                                                                              "LIMIT 1",
                        "i", f->branch_id);
    } else if (!strcmp(mode, "skill")) {
        /* handles the type (and the category when there is one); least loaded first */
        rc =
            db_get_i64(cx->db, &cx->err, user, &found,
                       "SELECT u.id " CANDIDATES "  AND (' ' || COALESCE(u.skill_types, '') || ' "
                       "') LIKE '% ' || CAST($2 AS TEXT) || ' %'\n"
                       "  AND (CAST($3 AS TEXT) = '' OR (';' || COALESCE(u.skill_categories, '') "
                       "|| ';') LIKE '%;' || CAST($3 AS TEXT) || ';%')\n"
                       "ORDER BY " OPEN_OF("u.id") ", u.id\n"
                                                   "LIMIT 1",
                       "itt", f->branch_id, f->type ? f->type : "", f->category ? f->category : "");
    }
    if (!found)
        *user = 0;
    return rc;
}

static void set_text(struct record *rec, int field, const char *s)
{
    struct value *v = rec_set(rec, field);
    v->set = true, v->null = s == NULL, v->s = s;
}

static void set_id(struct record *rec, int field, int64_t id)
{
    struct value *v = rec_set(rec, field);
    v->set = true, v->null = id == 0, v->i = id;
}

static const char *value_text(const struct record *rec, int field)
{
    const struct value *v = rec_get(rec, field);
    return v->set && !v->null ? v->s : NULL;
}

static int64_t value_id(const struct record *rec, int field)
{
    const struct value *v = rec_get(rec, field);
    return v->set && !v->null ? v->i : 0;
}

enum err_code routing_apply(struct ctx *cx, struct record *rec)
{
    if (value_id(rec, REQ_ASSIGNEE_ID))
        return ERR_OK;
    struct facts f = {
        .type = value_text(rec, REQ_TYPE),
        .channel = value_text(rec, REQ_CHANNEL),
        .priority = value_text(rec, REQ_PRIORITY),
        .branch_id = value_id(rec, REQ_BRANCH_ID),
        .client_id = value_id(rec, REQ_CLIENT_ID),
        .contract_id = value_id(rec, REQ_CONTRACT_ID),
    };
    enum err_code rc;
    int64_t unit = value_id(rec, REQ_UNIT_ID);
    if (unit) {
        struct db_stmt *st = db_q(cx->db, &cx->err,
                                  "SELECT m.category FROM equipment_units u\n"
                                  "JOIN equipment_models m ON m.id = u.model_id\n"
                                  "WHERE u.id = $1",
                                  "i", unit);
        if (!st)
            return cx->err.code;
        if (db_step(st) == DB_ROW)
            f.category = col_text(cx, st, 0);
        db_done(st);
    }
    struct buf text = BUF_INIT;
    buf_addch(&text, ' ');
    const char *subject = value_text(rec, REQ_SUBJECT), *descr = value_text(rec, REQ_DESCRIPTION);
    if (subject)
        text_fold(&text, subject, strlen(subject));
    buf_addch(&text, ' ');
    if (descr)
        text_fold(&text, descr, strlen(descr));
    buf_addch(&text, ' ');
    f.text = arena_strdup(cx->a, text.p);
    buf_release(&text);

    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT id, stop, cond_type, cond_channel, cond_priority,\n"
                              "       cond_branch_id, cond_category, cond_client_id, cond_words,\n"
                              "       set_queue, set_priority, assign_mode, assign_user_id,\n"
                              "       last_user_id, cond_contract, cond_contract_id\n"
                              "FROM routing_rules\n"
                              "WHERE active = 1\n"
                              "ORDER BY position, id",
                              "");
    if (!st)
        return cx->err.code;
    /* read the matching rules first: picking runs its own queries */
    struct {
        int64_t id, assign_user, last;
        bool stop;
        const char *queue, *priority, *mode;
    } hits[32];
    int nhits = 0, step;
    while ((step = db_step(st)) == DB_ROW && nhits < 32) {
        int64_t branch = col_id(st, 5), client = col_id(st, 7), contract = col_id(st, 15);
        const char *under = col_text(cx, st, 14);
        /* a request has a contract only when one was in force: "any" needs no more */
        bool contract_ok =
            (!contract || contract == f.contract_id) &&
            (!under || (!strcmp(under, "any") ? f.contract_id != 0 : f.contract_id == 0));
        bool match = eq(col_text(cx, st, 2), f.type) && eq(col_text(cx, st, 3), f.channel) &&
                     eq(col_text(cx, st, 4), f.priority) && (!branch || branch == f.branch_id) &&
                     eq(col_text(cx, st, 6), f.category) && (!client || client == f.client_id) &&
                     contract_ok && any_word(cx, col_text(cx, st, 8), f.text);
        if (!match)
            continue;
        hits[nhits].id = db_col_i64(st, 0);
        hits[nhits].stop = db_col_i64(st, 1) != 0;
        hits[nhits].queue = col_text(cx, st, 9);
        hits[nhits].priority = col_text(cx, st, 10);
        hits[nhits].mode = col_text(cx, st, 11);
        hits[nhits].assign_user = col_id(st, 12);
        hits[nhits].last = col_id(st, 13);
        nhits++;
        if (hits[nhits - 1].stop)
            break;
    }
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    bool skipped = false; /* a rule's person could not take it: said on the timeline */
    for (int i = 0; i < nhits; i++) {
        if (hits[i].queue)
            set_text(rec, REQ_QUEUE, hits[i].queue);
        if (hits[i].priority) {
            set_text(rec, REQ_PRIORITY, hits[i].priority);
            f.priority = hits[i].priority;
        }
        int64_t user = 0;
        bool assigned = value_id(rec, REQ_ASSIGNEE_ID) != 0;
        if (!strcmp(hits[i].mode, "user") && !assigned) {
            /* saved for someone who may since have been deactivated */
            bool ok;
            user = hits[i].assign_user;
            if ((rc = request_may_take(cx, user, &ok, NULL)) != ERR_OK)
                return rc;
            if (!ok) {
                user = 0;
                skipped = true;
                set_id(rec, REQ_ROUTED_RULE_ID, hits[i].id);
                continue;
            }
        } else if ((rc = pick(cx, hits[i].mode, hits[i].id, hits[i].last, &f, &user)) != ERR_OK) {
            return rc;
        }
        if (user && !assigned) {
            set_id(rec, REQ_ASSIGNEE_ID, user);
            set_text(rec, REQ_STATUS, request_state_name(RS_ASSIGNED));
        }
        if (!skipped || (user && !assigned))
            set_id(rec, REQ_ROUTED_RULE_ID, hits[i].id);
    }
    return ERR_OK;
}

enum err_code routing_workload(struct ctx *cx, struct workload **out, int *n)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT u.id, u.name,\n"
             "  (SELECT COUNT(*) FROM requests r WHERE r.assignee_id = u.id\n"
             "     AND r.status IN (" REQUEST_OPEN_SQL ")\n"
             "     AND (CAST($1 AS BIGINT) = 0 OR r.branch_id = $1)),\n"
             "  (SELECT COUNT(*) FROM requests r WHERE r.assignee_id = u.id\n"
             "     AND r.status IN (" REQUEST_OPEN_SQL ")\n"
             "     AND r.sla_state = 'breached'\n"
             "     AND (CAST($1 AS BIGINT) = 0 OR r.branch_id = $1)),\n"
             "  (SELECT MIN(r.resolution_due) FROM requests r WHERE r.assignee_id = u.id\n"
             "     AND r.status IN (" REQUEST_OPEN_SQL ")\n"
             "     AND (CAST($1 AS BIGINT) = 0 OR r.branch_id = $1))\n"
             "FROM users u\n"
             "WHERE u.active = 1 AND u.role IN ('technician', 'manager')\n"
             "  AND (CAST($1 AS BIGINT) = 0 OR u.branch_id = $1)\n"
             "ORDER BY u.name",
             "i", ctx_branch(cx));
    if (!st)
        return cx->err.code;
    int cap = 64, count = 0, rc;
    struct workload *w = arena_alloc(cx->a, sizeof(*w) * (size_t)cap);
    while ((rc = db_step(st)) == DB_ROW && count < cap) {
        w[count].user_id = db_col_i64(st, 0);
        w[count].name = col_text(cx, st, 1);
        w[count].open = db_col_i64(st, 2);
        w[count].overdue = db_col_i64(st, 3);
        w[count].next_due = col_text(cx, st, 4);
        count++;
    }
    db_done(st);
    if (rc == DB_FAIL)
        return cx->err.code;
    *out = w;
    *n = count;
    return ERR_OK;
}

enum err_code routing_not_taken(struct ctx *cx, int64_t rule_id, const char **name)
{
    *name = NULL;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT assign_user_id FROM routing_rules\n"
                              "WHERE id = $1 AND assign_mode = 'user'",
                              "i", rule_id);
    if (!st)
        return cx->err.code;
    int rc = db_step(st);
    int64_t user = rc == DB_ROW ? col_id(st, 0) : 0;
    db_done(st);
    if (rc == DB_FAIL)
        return cx->err.code;
    bool ok = true;
    const char *who = NULL;
    enum err_code ec = user ? request_may_take(cx, user, &ok, &who) : ERR_OK;
    if (ec == ERR_OK && !ok)
        *name = who ? who : arena_printf(cx->a, "#%lld", (long long)user);
    return ec;
}

enum err_code routing_workload_trend(struct ctx *cx, const struct workload *w, int n,
                                     json_t **by_status, int64_t (*resolved)[WORKLOAD_WEEKS])
{
    int64_t now = time_now(), since = now - (int64_t)WORKLOAD_WEEKS * 7 * 86400;
    char since_iso[ISO_TIME_LEN];
    time_iso(since, since_iso);
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT assignee_id, status, COUNT(*) FROM requests\n"
                              "WHERE assignee_id IS NOT NULL AND status IN (" REQUEST_OPEN_SQL ")\n"
                              "  AND (CAST($1 AS BIGINT) = 0 OR branch_id = $1)\n"
                              "GROUP BY assignee_id, status",
                              "i", ctx_branch(cx));
    int step = DB_FAIL;
    if (st) {
        while ((step = db_step(st)) == DB_ROW)
            for (int i = 0; i < n; i++)
                if (w[i].user_id == db_col_i64(st, 0))
                    json_object_set_new(by_status[i], db_col_text(st, 1),
                                        json_integer(db_col_i64(st, 2)));
        db_done(st);
    }
    /* by day in SQL (a few rows a person), into weeks here */
    if (step != DB_FAIL &&
        (st = db_q(cx->db, &cx->err,
                   "SELECT assignee_id, SUBSTR(resolved_at, 1, 10), COUNT(*) FROM requests\n"
                   "WHERE assignee_id IS NOT NULL AND resolved_at >= $2\n"
                   "  AND (CAST($1 AS BIGINT) = 0 OR branch_id = $1)\n"
                   "GROUP BY assignee_id, SUBSTR(resolved_at, 1, 10)",
                   "it", ctx_branch(cx), since_iso))) {
        while ((step = db_step(st)) == DB_ROW) {
            int64_t day;
            const char *d = db_col_text(st, 1);
            if (!d || !time_parse(arena_printf(cx->a, "%sT12:00:00Z", d), &day))
                continue;
            int64_t k = (day - since) / (7 * 86400);
            if (k < 0)
                k = 0;
            if (k >= WORKLOAD_WEEKS)
                k = WORKLOAD_WEEKS - 1;
            for (int i = 0; i < n; i++)
                if (w[i].user_id == db_col_i64(st, 0))
                    resolved[i][k] += db_col_i64(st, 2);
        }
        db_done(st);
    }
    return step == DB_FAIL ? cx->err.code : ERR_OK;
}
