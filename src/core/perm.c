/* perm.c — the access policy: which role holds which permission (core layer). */
#include "perm.h"

#include <string.h>

#include "base/banned.h"

#define READ_ALL                                                                                   \
    [P_BRANCHES_READ] = 1, [P_CLIENTS_READ] = 1, [P_EQUIPMENT_READ] = 1, [P_REQUESTS_READ] = 1,    \
    [P_CONTRACTS_READ] = 1
#define DESK_ALL       [P_REQUESTS_WRITE] = 1, [P_REQUESTS_ASSIGN] = 1, [P_REQUESTS_WORK] = 1
#define ALL(name, str) [P_##name] = 1,

/* clang-format off */
const struct role roles[] = {
    {"admin", "role.admin", {{PERM_LIST(ALL)}}, false, true},
    {"manager", "role.manager",
     {{READ_ALL, [P_CLIENTS_WRITE] = 1, [P_CLIENTS_DELETE] = 1, [P_EQUIPMENT_WRITE] = 1,
       [P_EQUIPMENT_DELETE] = 1, [P_USERS_READ] = 1, DESK_ALL, [P_CONTRACTS_WRITE] = 1,
       [P_DESK_ROUTING] = 1}}, false, false},
    {"technician", "role.technician",
     {{READ_ALL, [P_EQUIPMENT_WRITE] = 1, [P_REQUESTS_WRITE] = 1, [P_REQUESTS_WORK] = 1}},
     true, false},
    {"storekeeper", "role.storekeeper", {{READ_ALL}}, true, false},
    {"sales", "role.sales",
     {{READ_ALL, [P_CLIENTS_WRITE] = 1, [P_EQUIPMENT_WRITE] = 1, [P_REQUESTS_WRITE] = 1,
       [P_CONTRACTS_WRITE] = 1}}, false, false},
    {"auditor", "role.auditor", {{READ_ALL, [P_USERS_READ] = 1, [P_AUDIT_READ] = 1}}, false, true},
    {0},
};
/* clang-format on */

const char *const role_names[] = {"admin", "manager", "technician", "storekeeper",
                                  "sales", "auditor", NULL};

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
