/* perm.h — permissions and the roles that hold them (core layer).
 * Every route and every entity names the permission it needs; a role is a
 * set of permissions. The table in perm.c is the whole access policy.
 *
 * A permission is "module.action" (requests.assign, desk.settings), one
 * line of PERM_LIST. A set of them is a byte per permission, indexed by the
 * enum, so the list may grow without limit; GET /api/v1/meta publishes the
 * list and each role's set. */
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
    X(CONTRACTS_WRITE, "contracts.write")                                                          \
    X(DESK_SETTINGS, "desk.settings")         /* SLA policies, business calendars */               \
    X(DESK_ROUTING, "desk.routing")           /* routing rules */                                  \
    X(MESSAGES_SETTINGS, "messages.settings") /* message templates, the company's details */       \
    X(MESSAGES_OUTBOX, "messages.outbox")     /* messages to clients: the list, resending */       \
    X(REPORTS_READ, "reports.read")           /* the reports section, exports of reports */        \
    X(WORKSHOP_READ, "workshop.read")         /* repair orders */                                  \
    X(WORKSHOP_WRITE, "workshop.write")       /* intake, work on orders */                         \
    X(WORKSHOP_QC, "workshop.qc")             /* pass or fail quality control */                   \
    X(WORKSHOP_MANAGE, "workshop.manage")     /* warranty overrides, cancelling, others' orders */ \
    X(WORKSHOP_SETTINGS, "workshop.settings") /* service types, works, QC checklists, targets */   \
    X(STOCK_READ, "stock.read")               /* the catalog, stock, movements, counts */          \
    X(STOCK_RESERVE, "stock.reserve")         /* reserve and release for documents */              \
    X(STOCK_WRITE, "stock.write")             /* post movements, issue, transfer, count */         \
    X(STOCK_CATALOG, "stock.catalog")         /* parts, barcodes, compatibility, warehouses */     \
    X(PURCHASING_READ, "purchasing.read")     /* suppliers, price lists, purchase orders */        \
    X(PURCHASING_WRITE, "purchasing.write")   /* the same: write, send, receive against, return */

enum perm {
    P_NONE = 0, /* nothing needed: any signed-in user */
#define X(name, str) P_##name,
    PERM_LIST(X)
#undef X
        P__COUNT
};

/* A set of permissions: one byte each, indexed by enum perm. Written as
 * {{[P_CLIENTS_READ] = 1, [P_REQUESTS_READ] = 1}}. */
struct perms {
    unsigned char has[P__COUNT];
};

static inline bool perms_has(const struct perms *s, enum perm p)
{
    return p == P_NONE || ((unsigned)p < P__COUNT && s->has[p]);
}

struct role {
    const char *name;  /* "manager" */
    const char *label; /* i18n key "role.manager" */
    struct perms perms;
    /* a user of this role bound to a branch works in that branch only,
     * unless the user's own setting says otherwise (users.branch_scope) */
    bool branch_scoped_default;
    /* always company-wide, whatever the user's setting */
    bool company_wide;
};

/* The roles, ending with a zeroed entry. */
extern const struct role roles[];
extern const char *const role_names[]; /* NULL-terminated, for enum fields */

const struct role *role_find(const char *name);
/* "clients.read"; "?" outside the list. P_NONE is "". */
const char *perm_name(enum perm p);
/* The permission of a name; P_NONE when unknown. */
enum perm perm_find(const char *name);

#endif
