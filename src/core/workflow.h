/* workflow.h — workflows as tables of transitions (core layer).
 *
 * A workflow names the state field of an entity and its transitions, each
 * with the states it starts from, the state it leads to, the permission it
 * needs, a guard and an effect. The API lists the transitions a user may take
 * now and the UI shows exactly those; taking one is an update of the record
 * logged in the audit under the transition's name, and — when the entity
 * keeps a timeline — a public "status" event (from, to) after the
 * transition's own after-hook. */
#ifndef SERVITOR_WORKFLOW_H
#define SERVITOR_WORKFLOW_H

#include <stdint.h>

#include "core/entity.h"

/* What a state means outside its workflow: open work (counted as load, shown
 * as "mine"), or done. Published in /api/v1/meta. */
enum state_category {
    STATE_OPEN,
    STATE_CLOSED,
};

/* A set of states, for a transition's `from`: STATE_BIT(S_A) | STATE_BIT(S_B). */
#define STATE_BIT(s)        (UINT32_C(1) << (s))
#define WORKFLOW_MAX_STATES 32

struct transition {
    const char *name;  /* "assign": the URL segment and the audit action; unique */
    uint32_t from;     /* the states it starts from: STATE_BIT()s of the workflow's states */
    int to;            /* the state it leads to: an index into the workflow's states */
    enum perm perm;    /* needed by the user */
    const char *label; /* i18n key: "transition.assign" */
    /* May it be taken now (rec is the stored record)? ERR_OK, or an error code
     * with the reason in cx->err. NULL: always. */
    enum err_code (*guard)(struct ctx *cx, const struct record *rec);
    /* Copies what the transition takes from the input into patch (e.g. the
     * assignee) and checks it; runs in the write transaction. NULL: nothing. */
    enum err_code (*effect)(struct ctx *cx, const struct record *rec, const struct record *input,
                            struct record *patch);
    /* After the record was updated, in the same transaction (timeline,
     * notifications). NULL: nothing. */
    enum err_code (*after)(struct ctx *cx, const struct record *before, const struct record *now,
                           const struct transition *t);
    /* The fields it takes from the input (the effect's), ending with -1;
     * NULL: none. Any other field sent is refused (422 not_taken), never
     * silently ignored. */
    const int *params;
};

struct workflow {
    const struct entity *ent;
    const char *state_field;
    /* The states, NULL-terminated (also the state field's enum values), and
     * the category of each; a workflow writes them with an X-macro beside its
     * enum of states. */
    const char *const *states;
    const enum state_category *categories;
    const struct transition *transitions; /* ends with a zeroed entry */
    /* Every transition's common effect, after its own (e.g. the SLA clock):
     * rec is the stored record, to the new state. NULL: none. */
    enum err_code (*on_change)(struct ctx *cx, const struct record *rec, const char *to,
                               struct record *patch);
};

/* The index of a state by name, or -1. */
int workflow_state(const struct workflow *wf, const char *name);
/* Is the state open work? False for unknown names. */
bool workflow_state_open(const struct workflow *wf, const char *name);

/* The transitions the current user may take on rec now; returns how many
 * were written to out (at most max). */
int workflow_available(struct ctx *cx, const struct workflow *wf, const struct record *rec,
                       const struct transition **out, int max);

/* The transition called name, or NULL. */
const struct transition *workflow_transition(const struct workflow *wf, const char *name);

/* Takes transition `name` on record id at `version`. ERR_NOTFOUND (record or
 * transition), ERR_CONFLICT (stale version, or not allowed from the current
 * state), ERR_FORBIDDEN (permission), or the guard's and effect's errors;
 * nothing changes on error. */
enum err_code workflow_run(struct ctx *cx, const struct workflow *wf, int64_t id, int64_t version,
                           const char *name, const struct record *input, struct record **out);

#endif
