/* perm.c — the access policy: which role holds which permission (core layer). */
#include "perm.h"

#include <string.h>

#include "base/banned.h"

#define READ_ALL                                                                                   \
    [P_BRANCHES_READ] = 1, [P_CLIENTS_READ] = 1, [P_EQUIPMENT_READ] = 1, [P_REQUESTS_READ] = 1,    \
    [P_CONTRACTS_READ] = 1, [P_WORKSHOP_READ] = 1
#define DESK_ALL       [P_REQUESTS_WRITE] = 1, [P_REQUESTS_ASSIGN] = 1, [P_REQUESTS_WORK] = 1
#define WORKSHOP_ALL   [P_WORKSHOP_WRITE] = 1, [P_WORKSHOP_QC] = 1
#define ALL(name, str) [P_##name] = 1,

/* Each role once: its name (the label key is "role.<name>"), whether a user of
 * it bound to a branch works in that branch only by default, whether it is
 * always company-wide, and the permissions it holds. */
#define ROLE_LIST(X)                                                                               \
    X(admin, false, true, PERM_LIST(ALL))                                                          \
    X(manager, false, false, READ_ALL, [P_CLIENTS_WRITE] = 1, [P_CLIENTS_DELETE] = 1,              \
      [P_EQUIPMENT_WRITE] = 1, [P_EQUIPMENT_DELETE] = 1, [P_USERS_READ] = 1,                       \
      DESK_ALL, [P_CONTRACTS_WRITE] = 1, [P_DESK_ROUTING] = 1, [P_MESSAGES_SETTINGS] = 1,          \
      [P_REPORTS_READ] = 1,                                                                        \
      WORKSHOP_ALL, [P_WORKSHOP_MANAGE] = 1, [P_WORKSHOP_SETTINGS] = 1, [P_STOCK_READ] = 1,        \
      [P_STOCK_RESERVE] = 1, [P_PURCHASING_READ] = 1, [P_PURCHASING_WRITE] = 1)                    \
    X(technician, true, false,                                                                     \
      READ_ALL, [P_EQUIPMENT_WRITE] = 1, [P_REQUESTS_WRITE] = 1, [P_REQUESTS_WORK] = 1,            \
      WORKSHOP_ALL, [P_STOCK_READ] = 1, [P_STOCK_RESERVE] = 1)                                     \
    X(storekeeper, true, false, READ_ALL, [P_STOCK_READ] = 1, [P_STOCK_RESERVE] = 1,               \
      [P_STOCK_WRITE] = 1, [P_STOCK_CATALOG] = 1, [P_REPORTS_READ] = 1, [P_PURCHASING_READ] = 1,   \
      [P_PURCHASING_WRITE] = 1)                                                                    \
    X(sales, false, false,                                                                         \
      READ_ALL, [P_CLIENTS_WRITE] = 1, [P_EQUIPMENT_WRITE] = 1, [P_REQUESTS_WRITE] = 1,            \
      [P_CONTRACTS_WRITE] = 1, [P_STOCK_READ] = 1, [P_STOCK_RESERVE] = 1, [P_PURCHASING_READ] = 1) \
    X(auditor, false, true, READ_ALL, [P_USERS_READ] = 1, [P_AUDIT_READ] = 1,                      \
      [P_REPORTS_READ] = 1, [P_STOCK_READ] = 1, [P_PURCHASING_READ] = 1)

/* clang-format off */
const struct role roles[] = {
#define X(name, scoped, wide, ...) {#name, "role." #name, {{__VA_ARGS__}}, scoped, wide},
    ROLE_LIST(X)
#undef X
    {0},
};
/* clang-format on */

const char *const role_names[] = {
#define X(name, ...) #name,
    ROLE_LIST(X)
#undef X
        NULL};

const struct role *role_find(const char *name)
{
    for (const struct role *r = roles; r->name; r++)
        if (strcmp(r->name, name) == 0)
            return r;
    return NULL;
}

static const char *const perm_names[P__COUNT] = {[P_NONE] = "",
#define X(name, str) [P_##name] = str,
                                                 PERM_LIST(X)
#undef X
};

const char *perm_name(enum perm p) { return (unsigned)p < P__COUNT ? perm_names[p] : "?"; }

enum perm perm_find(const char *name)
{
    for (int p = 1; p < P__COUNT; p++)
        if (strcmp(perm_names[p], name) == 0)
            return (enum perm)p;
    return P_NONE;
}
