/* routing.h — distribution of new requests (domain layer): rules kept in the
 * database and run in order on every new request from every channel; their
 * conditions look at type, channel, priority, branch, equipment category,
 * client, contract (a given one, any in force, or none) and words; their
 * actions set the queue and priority and assign — to a person, by round
 * robin, to the least loaded, or by skill. */
#ifndef SERVITOR_ROUTING_H
#define SERVITOR_ROUTING_H

#include <jansson.h>
#include "core/entity.h"

extern const struct entity entity_routing_rules;

/* Runs the rules on a request about to be created (rec): sets queue,
 * priority, assignee, status and routed_rule_id as the matching rules say.
 * A request created with an assignee is not routed. */
enum err_code routing_apply(struct ctx *cx, struct record *rec);

/* When the rule a new request was routed by names a person who may not take
 * requests (deactivated since the rule was saved), *name is that person's
 * name (arena) — the request was left unassigned; else NULL. */
enum err_code routing_not_taken(struct ctx *cx, int64_t rule_id, const char **name);

/* The workload board: per person who may work on requests, open requests,
 * those overdue, and the business minutes left to the nearest deadline. */
struct workload {
    int64_t user_id;
    const char *name;
    int64_t open, overdue;
    const char *next_due; /* the nearest resolution deadline, or NULL */
};
/* The open requests of each active technician and manager; for a
 * branch-scoped user, of their branch's people and requests only. */
enum err_code routing_workload(struct ctx *cx, struct workload **out, int *n);

/* The weeks of the workload's trend, the current one last. */
#define WORKLOAD_WEEKS 8
/* For each person of the board: their open requests by status (into the
 * JSON objects by_status[i], made by the caller) and the requests they
 * resolved in each of the last WORKLOAD_WEEKS weeks (resolved[i], zeroed by
 * the caller; week 0 the oldest, a week ending at the moment of asking) — of
 * the caller's branch when they work in one. */
enum err_code routing_workload_trend(struct ctx *cx, const struct workload *w, int n,
                                     json_t **by_status, int64_t (*resolved)[WORKLOAD_WEEKS]);

/* The fields of a routing rule, in the order of its table (routing.c). */
enum rule_field {
    RULE_POSITION,
    RULE_NAME,
    RULE_ACTIVE,
    RULE_STOP,
    RULE_COND_TYPE,
    RULE_COND_CHANNEL,
    RULE_COND_PRIORITY,
    RULE_COND_BRANCH_ID,
    RULE_COND_CATEGORY,
    RULE_COND_CLIENT_ID,
    RULE_COND_CONTRACT,
    RULE_COND_CONTRACT_ID,
    RULE_COND_WORDS,
    RULE_SET_QUEUE,
    RULE_SET_PRIORITY,
    RULE_ASSIGN_MODE,
    RULE_ASSIGN_USER_ID,
    RULE_LAST_USER_ID,
    RULE__COUNT
};

#endif
