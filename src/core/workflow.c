/* workflow.c — workflows as tables of transitions (core layer). */
#include "workflow.h"

#include <string.h>

#include "core/timeline.h"
#include "base/banned.h"

int workflow_state(const struct workflow *wf, const char *name)
{
    for (int i = 0; name && wf->states[i]; i++)
        if (strcmp(wf->states[i], name) == 0)
            return i;
    return -1;
}

bool workflow_state_open(const struct workflow *wf, const char *name)
{
    int i = workflow_state(wf, name);
    return i >= 0 && wf->categories[i] == STATE_OPEN;
}

static bool starts_from(const struct workflow *wf, const struct transition *t, const char *state)
{
    int i = workflow_state(wf, state);
    return i >= 0 && i < WORKFLOW_MAX_STATES && (t->from & STATE_BIT(i));
}

const struct transition *workflow_transition(const struct workflow *wf, const char *name)
{
    for (const struct transition *t = wf->transitions; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

static const char *state_of(const struct workflow *wf, const struct record *rec)
{
    struct value *v = record_value((struct record *)rec, wf->state_field);
    return v && !v->null && v->s ? v->s : "";
}

int workflow_available(struct ctx *cx, const struct workflow *wf, const struct record *rec,
                       const struct transition **out, int max)
{
    int n = 0;
    const char *state = state_of(wf, rec);
    for (const struct transition *t = wf->transitions; t->name && n < max; t++) {
        if (!starts_from(wf, t, state) || !ctx_can(cx, t->perm))
            continue;
        if (t->guard) {
            struct err saved = cx->err;
            enum err_code rc = t->guard(cx, rec);
            cx->err = saved;
            if (rc != ERR_OK)
                continue;
        }
        out[n++] = t;
    }
    return n;
}

static enum err_code run_tx(struct ctx *cx, const struct workflow *wf, int64_t id, int64_t version,
                            const struct transition *t, const struct record *input,
                            struct record **out)
{
    struct record *rec;
    enum err_code rc = entity_get(cx, wf->ent, id, &rec);
    if (rc != ERR_OK)
        return rc;
    if (version != rec->version)
        return ctx_fail(cx, ERR_CONFLICT, "%s %lld was changed by someone else", wf->ent->name,
                        (long long)id);
    const char *state = state_of(wf, rec);
    if (!starts_from(wf, t, state))
        return ctx_fail(cx, ERR_CONFLICT, "'%s' is not possible in state '%s'", t->name, state);
    if (t->guard && (rc = t->guard(cx, rec)) != ERR_OK)
        return rc;
    struct record *patch = record_new(cx, wf->ent);
    struct value *sv = record_value(patch, wf->state_field);
    sv->set = true;
    sv->s = wf->states[t->to];
    if (t->effect && (rc = t->effect(cx, rec, input, patch)) != ERR_OK)
        return rc;
    if (wf->on_change && (rc = wf->on_change(cx, rec, wf->states[t->to], patch)) != ERR_OK)
        return rc;
    if ((rc = entity_update_as(cx, wf->ent, id, version, patch, t->name, out)) != ERR_OK)
        return rc;
    if (t->after && (rc = t->after(cx, rec, *out, t)) != ERR_OK)
        return rc;
    /* a record with a timeline shows each change of its state there */
    if (wf->ent->timeline && strcmp(state, wf->states[t->to]) != 0)
        rc = timeline_add(cx, wf->ent, id, "status", true, NULL, state, wf->states[t->to], NULL,
                          NULL);
    return rc;
}

enum err_code workflow_run(struct ctx *cx, const struct workflow *wf, int64_t id, int64_t version,
                           const char *name, const struct record *input, struct record **out)
{
    const struct transition *t = workflow_transition(wf, name);
    if (!t)
        return ctx_fail(cx, ERR_NOTFOUND, "no transition '%s'", name);
    if (!ctx_can(cx, t->perm))
        return ctx_fail(cx, ERR_FORBIDDEN, "your role may not '%s'", name);
    for (int i = 0; input && wf->ent->fields[i].name; i++) {
        bool taken = false;
        for (const int *p = t->params; p && *p >= 0 && !taken; p++)
            taken = *p == i;
        if (input->v[i].set && !taken)
            err_field(&cx->err, wf->ent->fields[i].name, "not_taken");
    }
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "'%s' takes no such field", name);
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, run_tx(cx, wf, id, version, t, input, out));
}
