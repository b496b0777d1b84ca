/* sales.h — the sales area (domain layer). Today: client contracts, with
 * their own SLA terms per priority that replace the desk's policies for the
 * requests served under them. */
#ifndef SERVITOR_SALES_H
#define SERVITOR_SALES_H

#include <stdbool.h>

#include "core/entity.h"

extern const struct entity entity_contracts;
extern const struct entity entity_contract_sla_terms;

/* The client's contract in force on `day` ("YYYY-MM-DD", local): status
 * active and the day within [starts_on, ends_on] (no ends_on: open-ended).
 * Of several, the one that ends soonest (open-ended ones last), then the one
 * that started last, then the one made first. *id is 0 when there is none. */
enum err_code contract_in_force(struct ctx *cx, int64_t client_id, const char *day, int64_t *id);

/* A contract's client and whether it is in force on `day`. ERR_NOTFOUND
 * when there is no such contract. */
enum err_code contract_on_day(struct ctx *cx, int64_t contract_id, const char *day,
                              int64_t *client_id, bool *in_force);

/* The deadlines a contract sets for a priority, in business minutes. */
struct contract_term {
    int64_t first_response, resolution, warning_percent;
};

/* The contract's term for a priority; *found is false when it has none (the
 * policy of the priority applies then). */
enum err_code contract_term(struct ctx *cx, int64_t contract_id, const char *priority,
                            struct contract_term *out, bool *found);

/* The fields of a contract, in the order of its table (contracts.c). */
enum contract_field {
    CONTRACT_NUMBER,
    CONTRACT_CLIENT_ID,
    CONTRACT_KIND,
    CONTRACT_TITLE,
    CONTRACT_STARTS_ON,
    CONTRACT_ENDS_ON,
    CONTRACT_STATUS,
    CONTRACT_NOTES,
    CONTRACT__COUNT
};

/* The fields of a contract's SLA term, in the order of its table (contracts.c). */
enum term_field {
    TERM_CONTRACT_ID,
    TERM_PRIORITY,
    TERM_FIRST_RESPONSE_MINUTES,
    TERM_RESOLUTION_MINUTES,
    TERM_WARNING_PERCENT,
    TERM__COUNT
};

#endif
