/* contracts.c — client contracts (договоры) and their SLA terms (domain
 * layer). A contract is in force on a day when it is active and the day is
 * within its dates; a new request takes its client's contract in force, and
 * the contract's term for the request's priority replaces the SLA policy. */
#include "sales.h"

#include <string.h>

#include "core/perm.h"
#include "domain/domain.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

static const char *const kinds[] = {"service", "maintenance", "sale", "other", NULL};
static const char *const statuses[] = {"draft", "active", "terminated", NULL};

/* clang-format off */
static const struct field contract_fields[] = {
    /* index                name        type    flags                                                   max   label */
    [CONTRACT_NUMBER] =    {"number",    F_TEXT, F_REQUIRED | F_UNIQUE | F_SEARCH | F_SORT | F_FILTER | F_LIST, 50, "contract.number"},
    [CONTRACT_CLIENT_ID] = {"client_id", F_REF,  F_REQUIRED | F_FILTER | F_LIST,                          0,    "contract.client", .ref = &entity_clients},
    [CONTRACT_KIND] =      {"kind",      F_ENUM, F_REQUIRED | F_FILTER | F_LIST,                          0,    "contract.kind", .enums = kinds, .def = "service"},
    [CONTRACT_TITLE] =     {"title",     F_TEXT, F_SEARCH | F_LIST,                                       300,  "contract.title"},
    [CONTRACT_STARTS_ON] = {"starts_on", F_DATE, F_REQUIRED | F_SORT | F_LIST,                            0,    "contract.starts_on"},
    [CONTRACT_ENDS_ON] =   {"ends_on",   F_DATE, F_SORT | F_LIST,                                         0,    "contract.ends_on"},
    [CONTRACT_STATUS] =    {"status",    F_ENUM, F_REQUIRED | F_FILTER | F_LIST,                          0,    "contract.status", .enums = statuses, .def = "active"},
    [CONTRACT_NOTES] =     {"notes",     F_TEXT, F_SEARCH | F_MULTILINE,                                  4000, "contract.notes"},
    {0},
};
_Static_assert(FIELDS_COUNT_OK(contract_fields, CONTRACT__COUNT), "one entry per value of enum contract_field");

static const struct field term_fields[] = {
    [TERM_CONTRACT_ID] =            {"contract_id",            F_REF,  F_REQUIRED | F_FILTER | F_LIST | F_CREATE_ONLY, 0, "contract_term.contract", .ref = &entity_contracts},
    [TERM_PRIORITY] =               {"priority",               F_ENUM, F_REQUIRED | F_UNIQUE | F_FILTER | F_LIST, 0, "contract_term.priority", .enums = domain_priorities, .unique_with = "contract_id"},
    [TERM_FIRST_RESPONSE_MINUTES] = {"first_response_minutes", F_INT,  F_REQUIRED | F_LIST, 100000, "contract_term.first_response_minutes", .min = 0},
    [TERM_RESOLUTION_MINUTES] =     {"resolution_minutes",     F_INT,  F_REQUIRED | F_LIST, 1000000, "contract_term.resolution_minutes", .min = 0},
    [TERM_WARNING_PERCENT] =        {"warning_percent",        F_INT,  F_REQUIRED | F_LIST, 100, "contract_term.warning_percent", .min = 1, .def = "80"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(term_fields, TERM__COUNT), "one entry per value of enum term_field");

/* A contract ends on or after its first day; it changes hands (client) only
 * while no request is served under it, so a request's contract is always
 * its client's. */
static enum err_code contract_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    const struct value *starts = rec_get(rec, CONTRACT_STARTS_ON);
    const struct value *ends = rec_get(rec, CONTRACT_ENDS_ON);
    if (!ends->null && !starts->null && strcmp(ends->s, starts->s) < 0)
        err_field(&cx->err, "ends_on", "before_start");
    const struct value *client = rec_get(rec, CONTRACT_CLIENT_ID);
    if (old && client->i != rec_get(old, CONTRACT_CLIENT_ID)->i) {
        int64_t one;
        bool used;
        enum err_code rc =
            db_get_i64(cx->db, &cx->err, &one, &used,
                       "SELECT 1 FROM requests WHERE contract_id = $1 LIMIT 1", "i", old->id);
        if (rc != ERR_OK)
            return rc;
        if (used)
            err_field(&cx->err, "client_id", "in_use");
    }
    return cx->err.nfields ? ERR_INVALID : ERR_OK;
}

const struct entity entity_contracts = {
    .name = "contracts",
    .table = "contracts",
    .label = "entity.contracts",
    .fields = contract_fields,
    .display_sql = "number",
    .perm_read = P_CONTRACTS_READ,
    .perm_write = P_CONTRACTS_WRITE,
    .perm_delete = P_CONTRACTS_WRITE,
    .check = contract_check,
};

const struct entity entity_contract_sla_terms = {
    .name = "contract_sla_terms",
    .table = "contract_sla_terms",
    .label = "entity.contract_sla_terms",
    .fields = term_fields,
    .display_sql = "priority",
    .perm_read = P_CONTRACTS_READ,
    .perm_write = P_CONTRACTS_WRITE,
    .perm_delete = P_CONTRACTS_WRITE,
};

/* ---- contracts in force ------------------------------------------------- */

enum err_code contract_in_force(struct ctx *cx, int64_t client_id, const char *day, int64_t *id)
{
    bool found;
    *id = 0;
    enum err_code rc = db_get_i64(cx->db, &cx->err, id, &found,
                                  "SELECT id FROM contracts\n"
                                  "WHERE client_id = $1 AND status = 'active'\n"
                                  "  AND starts_on <= $2 AND (ends_on IS NULL OR ends_on >= $2)\n"
                                  "ORDER BY ends_on IS NULL, ends_on, starts_on DESC, id\n"
                                  "LIMIT 1",
                                  "it", client_id, day);
    if (rc != ERR_OK || !found)
        *id = 0;
    return rc;
}

enum err_code contract_on_day(struct ctx *cx, int64_t contract_id, const char *day,
                              int64_t *client_id, bool *in_force)
{
    *client_id = 0;
    *in_force = false;
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT client_id,\n"
             "       CASE WHEN status = 'active' AND starts_on <= $2\n"
             "                 AND (ends_on IS NULL OR ends_on >= $2) THEN 1 ELSE 0 END\n"
             "FROM contracts\n"
             "WHERE id = $1",
             "it", contract_id, day);
    if (!st)
        return cx->err.code;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *client_id = db_col_i64(st, 0);
        *in_force = db_col_i64(st, 1) != 0;
    }
    db_done(st);
    if (rc == DB_FAIL)
        return cx->err.code;
    if (rc != DB_ROW)
        return ctx_fail(cx, ERR_NOTFOUND, "contracts %lld not found", (long long)contract_id);
    return ERR_OK;
}

enum err_code contract_term(struct ctx *cx, int64_t contract_id, const char *priority,
                            struct contract_term *out, bool *found)
{
    memset(out, 0, sizeof(*out));
    *found = false;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT first_response_minutes, resolution_minutes, warning_percent\n"
                              "FROM contract_sla_terms\n"
                              "WHERE contract_id = $1 AND priority = $2",
                              "it", contract_id, priority);
    if (!st)
        return cx->err.code;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *found = true;
        out->first_response = db_col_i64(st, 0);
        out->resolution = db_col_i64(st, 1);
        out->warning_percent = db_col_i64(st, 2);
    }
    db_done(st);
    return rc == DB_FAIL ? cx->err.code : ERR_OK;
}
