/* perm.h — permissions and the roles that hold them (core layer).
 * Every route and every entity names the permission it needs; a role is a
 * set of permissions. The table in perm.c is the whole access policy. */
#ifndef SERVITOR_PERM_H
#define SERVITOR_PERM_H

#include <stdbool.h>

#define PERM_LIST(X)                                                                               \
    X(BRANCHES_READ, "branches.read")                                                              \
    X(BRANCHES_WRITE, "branches.write")                                                            \
    X(CLIENTS_READ, "clients.read")                                                                \
    X(CLIENTS_WRITE, "clients.write")                                                              \
    X(CLIENTS_DELETE, "clients.delete")                                                            \
    X(EQUIPMENT_READ, "equipment.read")                                                            \
    X(EQUIPMENT_WRITE, "equipment.write")                                                          \
    X(EQUIPMENT_DELETE, "equipment.delete")                                                        \
    X(USERS_READ, "users.read")                                                                    \
    X(USERS_WRITE, "users.write")                                                                  \
    X(TOKENS_MANAGE, "tokens.manage")                                                              \
    X(AUDIT_READ, "audit.read")                                                                    \
    X(REQUESTS_READ, "requests.read")                                                              \
    X(REQUESTS_WRITE, "requests.write")                                                            \
    X(REQUESTS_ASSIGN, "requests.assign")                                                          \
    X(REQUESTS_WORK, "requests.work")                                                              \
    X(CONTRACTS_READ, "contracts.read")                                                            \
    X(CONTRACTS_WRITE, "contracts.write")

enum perm_bit {
#define X(name, str) PERM_BIT_##name,
    PERM_LIST(X)
#undef X
        PERM__COUNT
};

enum perm {
    P_NONE = 0,
#define X(name, str) P_##name = 1u << PERM_BIT_##name,
    PERM_LIST(X)
#undef X
};

struct role {
    const char *name;  /* "manager" */
    const char *label; /* i18n key "role.manager" */
    unsigned perms;
};

/* The roles, ending with a zeroed entry. */
extern const struct role roles[];
extern const char *const role_names[]; /* NULL-terminated, for enum fields */

const struct role *role_find(const char *name);
const char *perm_name(int bit);

#endif
