/* meta.c — the description of every resource for the UI (api layer):
 * fields, their types and limits, and what the current user may do. */
#include <string.h>

#include "api/api.h"
#include "core/outbox.h"
#include "core/perm.h"
#include "domain/domain.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

static const char *type_name(enum field_type t)
{
    static const char *const names[] = {
        [F_TEXT] = "text", [F_INT] = "int",     [F_BOOL] = "bool",
        [F_ENUM] = "enum", [F_DATE] = "date",   [F_DATETIME] = "datetime",
        [F_REF] = "ref",   [F_PHONE] = "phone", [F_EMAIL] = "email",
        [F_INN] = "inn",   [F_KPP] = "kpp",     [F_PASSWORD] = "password",
    };
    return names[t];
}

/* A field's type for the UI: an integer of money or of a quantity says so. */
const char *api_field_type(const struct field *f)
{
    if (f->type == F_INT && (f->flags & F_MONEY))
        return "money";
    if (f->type == F_INT && (f->flags & F_QTY))
        return "quantity";
    return type_name(f->type);
}

static json_t *field_json(const struct field *f)
{
    json_t *o =
        json_pack("{s:s,s:s,s:s,s:b,s:b,s:b,s:b,s:b,s:b,s:b}", "name", f->name, "type",
                  api_field_type(f), "label", f->label, "required", (f->flags & F_REQUIRED) != 0,
                  "unique", (f->flags & F_UNIQUE) != 0, "search", (f->flags & F_SEARCH) != 0,
                  "filter", (f->flags & F_FILTER) != 0, "sort", (f->flags & F_SORT) != 0,
                  "readonly", (f->flags & F_READONLY) != 0, "list", (f->flags & F_LIST) != 0);
    if (f->flags & F_MULTILINE)
        json_object_set_new(o, "multiline", json_true());
    if (f->max)
        json_object_set_new(o, "max", json_integer(f->max));
    if (f->type == F_INT)
        json_object_set_new(o, "min", json_integer(f->min));
    if (f->def)
        json_object_set_new(o, "default", json_string(f->def));
    if (f->enums) {
        json_t *a = json_array();
        for (int i = 0; f->enums[i]; i++)
            json_array_append_new(a, json_string(f->enums[i]));
        json_object_set_new(o, "enum", a);
    }
    if (f->ref)
        json_object_set_new(o, "ref", json_string(f->ref->name));
    return o;
}

/* A workflow's states with their category (open work or done) and its
 * transitions: the UI reads which states are open from here. */
static json_t *workflow_json(const struct workflow *wf)
{
    json_t *states = json_array(), *ts = json_array();
    for (int i = 0; wf->states[i]; i++)
        json_array_append_new(states,
                              json_pack("{s:s,s:s}", "name", wf->states[i], "category",
                                        wf->categories[i] == STATE_OPEN ? "open" : "closed"));
    for (const struct transition *t = wf->transitions; t->name; t++) {
        json_t *from = json_array();
        for (int i = 0; wf->states[i]; i++)
            if (t->from & STATE_BIT(i))
                json_array_append_new(from, json_string(wf->states[i]));
        json_array_append_new(ts, json_pack("{s:s,s:s,s:o,s:s}", "name", t->name, "label", t->label,
                                            "from", from, "to", wf->states[t->to]));
    }
    return json_pack("{s:s,s:o,s:o}", "field", wf->state_field, "states", states, "transitions",
                     ts);
}

API_HANDLER(api_meta)
{
    json_t *ents = json_array();
    const struct entity *const *all = domain_all();
    for (int i = 0; all[i]; i++) {
        const struct entity *e = all[i];
        json_t *fields = json_array();
        for (int k = 0; e->fields[k].name; k++)
            json_array_append_new(fields, field_json(&e->fields[k]));
        json_t *ej =
            json_pack("{s:s,s:s,s:o,s:b,s:b,s:b}", "name", e->name, "label", e->label, "fields",
                      fields, "can_read", ctx_can(cx, e->perm_read), "can_write",
                      ctx_can(cx, e->perm_write), "can_delete", ctx_can(cx, e->perm_delete));
        if (e->branch_field)
            json_object_set_new(ej, "branch_field", json_string(e->branch_field));
        /* a timeline (…/timeline, …/comments) and a public page for clients */
        if (e->timeline)
            json_object_set_new(ej, "timeline", json_true());
        if (e->public_view)
            json_object_set_new(ej, "public_view", json_true());
        const struct workflow *wf = domain_workflow(e);
        if (wf)
            json_object_set_new(ej, "workflow", workflow_json(wf));
        /* its printed documents the caller may make: the UI's «Печать» buttons */
        json_t *docs = api_documents_meta(cx, e);
        if (docs)
            json_object_set_new(ej, "documents", docs);
        json_array_append_new(ents, ej);
    }
    /* the permission table: every permission, and what each role holds */
    json_t *pl = json_array();
    for (int p = 1; p < P__COUNT; p++)
        json_array_append_new(pl, json_pack("{s:s}", "name", perm_name((enum perm)p)));
    json_t *rl = json_array();
    for (const struct role *r = roles; r->name; r++) {
        json_t *held = json_array();
        for (int p = 1; p < P__COUNT; p++)
            if (perms_has(&r->perms, (enum perm)p))
                json_array_append_new(held, json_string(perm_name((enum perm)p)));
        json_array_append_new(rl,
                              json_pack("{s:s,s:s,s:o,s:b,s:b}", "name", r->name, "label", r->label,
                                        "permissions", held, "branch_scoped_default",
                                        r->branch_scoped_default, "company_wide", r->company_wide));
    }
    /* the reports the caller may see: what the reports section draws */
    json_t *reps = json_array();
    for (int i = 0; domain_reports[i]; i++)
        if (ctx_can(cx, P_REPORTS_READ) && ctx_can(cx, domain_reports[i]->perm))
            json_array_append_new(reps, api_report_meta(domain_reports[i]));
    /* the company's name heads printed pages */
    struct company co;
    const char *company = company_get(cx, &co) == ERR_OK && co.name ? co.name : "";
    err_clear(&cx->err);
    json_t *meta = json_pack("{s:o,s:o,s:o,s:o,s:s}", "entities", ents, "roles", rl, "permissions",
                             pl, "reports", reps, "company_name", company);
    /* what a message template may say */
    json_t *ph = json_array();
    for (int i = 0; outbox_placeholder_names[i]; i++)
        json_array_append_new(ph, json_string(outbox_placeholder_names[i]));
    json_object_set_new(meta, "message_placeholders", ph);
    http_json(rs, 200, meta);
    return ERR_OK;
}
