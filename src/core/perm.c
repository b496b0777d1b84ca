/* perm.c — the access policy: which role holds which permission (core layer). */
#include "perm.h"

#include <string.h>

#include "base/banned.h"

#define READ_ALL                                                                                   \
    (P_BRANCHES_READ | P_CLIENTS_READ | P_EQUIPMENT_READ | P_REQUESTS_READ | P_CONTRACTS_READ)
#define DESK_ALL (P_REQUESTS_WRITE | P_REQUESTS_ASSIGN | P_REQUESTS_WORK)

/* Each role once: its name (the label key is "role.<name>") and what it holds. */
#define ROLE_LIST(X)                                                                               \
    X(admin, ~0u)                                                                                  \
    X(manager, READ_ALL | P_CLIENTS_WRITE | P_CLIENTS_DELETE | P_EQUIPMENT_WRITE |                 \
                   P_EQUIPMENT_DELETE | P_USERS_READ | DESK_ALL | P_CONTRACTS_WRITE)               \
    X(technician, READ_ALL | P_EQUIPMENT_WRITE | P_REQUESTS_WRITE | P_REQUESTS_WORK)               \
    X(storekeeper, READ_ALL)                                                                       \
    X(sales,                                                                                       \
      READ_ALL | P_CLIENTS_WRITE | P_EQUIPMENT_WRITE | P_REQUESTS_WRITE | P_CONTRACTS_WRITE)       \
    X(auditor, READ_ALL | P_USERS_READ | P_AUDIT_READ)

const struct role roles[] = {
#define X(name, perms) {#name, "role." #name, perms},
    ROLE_LIST(X)
#undef X
        {0},
};

const char *const role_names[] = {
#define X(name, perms) #name,
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

const char *perm_name(int bit)
{
    static const char *const names[] = {
#define X(name, str) str,
        PERM_LIST(X)
#undef X
    };
    return bit >= 0 && bit < PERM__COUNT ? names[bit] : "?";
}
