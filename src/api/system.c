/* system.c — health, metrics, the OpenAPI description and the embedded web
 * UI (api layer). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "docs/docs.h"
#include "base/embed.h"
#include "domain/domain.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

extern const struct embedded_file web_files[];

API_HANDLER(api_healthz)
{
    if (ctx_ping(cx) != ERR_OK)
        return ctx_fail(cx, ERR_UNAVAILABLE, "the database does not answer");
    http_json(rs, 200, json_pack("{s:s,s:s}", "status", "ok", "version", SERVITOR_VERSION));
    return ERR_OK;
}

/* A constant answer without the database: the bare HTTP stack, the
 * baseline the benchmarks compare the real calls with. */
API_HANDLER(api_ping)
{
    (void)cx;
    (void)rq;
    static char body[] = "{\"pong\":true}";
    rs->status = 200;
    rs->content_type = "application/json; charset=utf-8";
    rs->body = body;
    rs->len = sizeof(body) - 1;
    rs->body_static = true;
    return ERR_OK;
}

API_HANDLER(api_metrics)
{
    (void)rq;
    if (!http_metrics_allowed(cx->remote_addr))
        return ctx_fail(cx, ERR_FORBIDDEN, "metrics are for the monitoring host only");
    rs->status = 200;
    rs->content_type = "text/plain; version=0.0.4";
    rs->body = metrics_render(&rs->len);
    return ERR_OK;
}

static const struct embedded_file *web_find(const char *name)
{
    for (const struct embedded_file *f = web_files; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static const char *mime_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return "application/octet-stream";
    if (!strcmp(dot, ".html"))
        return "text/html; charset=utf-8";
    if (!strcmp(dot, ".js"))
        return "text/javascript; charset=utf-8";
    if (!strcmp(dot, ".css"))
        return "text/css; charset=utf-8";
    if (!strcmp(dot, ".svg"))
        return "image/svg+xml";
    if (!strcmp(dot, ".png"))
        return "image/png";
    return "application/octet-stream";
}

API_HANDLER(api_static)
{
    const char *name = rq->nargs ? rq->args[0] : "index.html";
    if (strstr(name, ".gz"))
        return ctx_fail(cx, ERR_NOTFOUND, "no such file");
    const struct embedded_file *f = web_find(name);
    if (!f)
        return ctx_fail(cx, ERR_NOTFOUND, "no such file");
    rs->status = 200;
    rs->content_type = mime_of(name);
    rs->body_static = true;
    const struct embedded_file *gz = NULL;
    if (rq->accept_encoding && strstr(rq->accept_encoding, "gzip"))
        gz = web_find(arena_printf(cx->a, "%s.gz", name));
    if (gz) {
        rs->body = (char *)gz->data;
        rs->len = gz->len;
        http_header(cx, rs, "Content-Encoding", "gzip");
    } else {
        rs->body = (char *)f->data;
        rs->len = f->len;
    }
    http_header(cx, rs, "Vary", "Accept-Encoding");
    http_header(cx, rs, "Cache-Control", "no-cache");
    return ERR_OK;
}

static const char *oa_type(enum field_type t)
{
    return t == F_INT || t == F_REF ? "integer" : t == F_BOOL ? "boolean" : "string";
}

/* "/api/v1/:entity/:id" → "/api/v1/clients/{id}" (openapi form) and the
 * same with "1" for each capture (a path to match against the table). */
static void route_path(struct ctx *cx, const char *pattern, const char *ent, const char *name,
                       const char **oa, const char **probe)
{
    struct buf o = BUF_INIT, p = BUF_INIT;
    for (const char *s = pattern; *s;) {
        size_t n = strcspn(s + 1, "/") + 1;
        if (s[1] == ':') {
            const char *arg = arena_strndup(cx->a, s + 2, n - 2);
            /* ":doc.pdf": {doc}.pdf */
            char *dot = strchr(arg, '.');
            const char *suffix = dot ? arena_strdup(cx->a, dot) : "";
            if (dot)
                *dot = 0;
            const char *v = !strcmp(arg, "entity") && ent  ? ent
                            : !strcmp(arg, "name") && name ? name
                                                           : NULL;
            buf_printf(&o, v ? "/%s%s" : "/{%s}%s", v ? v : arg, suffix);
            buf_printf(&p, "/%s%s", v ? v : "1", suffix);
        } else {
            buf_add(&o, s, n);
            buf_add(&p, s, n);
        }
        s += n;
    }
    *oa = arena_strdup(cx->a, o.p ? o.p : "");
    *probe = arena_strdup(cx->a, p.p ? p.p : "");
    buf_release(&o);
    buf_release(&p);
}

/* Who may call an operation: x-access is "public" (nobody signed in),
 * "user" (anyone signed in), "own" (anyone, each seeing only their own rows)
 * or "permission" (x-permission names it). */
static void set_access(json_t *op, const struct route *rt, const struct entity *ent, enum perm perm)
{
    const char *access = rt->flags & R_PUBLIC                               ? "public"
                         : (rt->flags & R_OWN) || (ent && ent->owner_field) ? "own"
                         : perm == P_NONE                                   ? "user"
                                                                            : "permission";
    json_object_set_new(op, "x-access", json_string(access));
    json_object_set_new(op, "x-permission",
                        perm == P_NONE ? json_null() : json_string(perm_name(perm)));
    if (ent && ent->branch_field)
        json_object_set_new(op, "x-branch-scope", json_true());
}

/* s with {entity} and {transition} replaced. */
static const char *doc_text(struct ctx *cx, const char *s, const char *ent, const char *transition)
{
    struct buf b = BUF_INIT;
    while (*s) {
        if (!strncmp(s, "{entity}", 8)) {
            buf_adds(&b, ent ? ent : "records");
            s += 8;
        } else if (!strncmp(s, "{transition}", 12)) {
            buf_adds(&b, transition ? transition : "a transition");
            s += 12;
        } else {
            buf_add(&b, s++, 1);
        }
    }
    const char *out = arena_strdup(cx->a, b.p ? b.p : "");
    buf_release(&b);
    return out;
}

static void add_operation(struct ctx *cx, json_t *paths, const struct route *rt,
                          const struct entity *ent, const char *transition, enum perm perm)
{
    const char *oa, *probe;
    route_path(cx, rt->pattern, ent ? ent->name : NULL, transition, &oa, &probe);
    /* a fixed route owns its path: a generic one under it never runs */
    struct http_req rq = {0};
    bool other;
    if (route_match(rt->method, probe, &rq, cx->a, &other) != rt)
        return;
    json_t *item = json_object_get(paths, oa);
    if (!item) {
        item = json_object();
        json_object_set_new(paths, oa, item);
    }
    char method[8] = "";
    for (size_t i = 0; rt->method[i] && i < sizeof(method) - 1; i++)
        method[i] = (char)(rt->method[i] - 'A' + 'a');
    json_t *op = json_object_get(item, method);
    if (!op) {
        op = json_pack("{s:s,s:{s:{s:s}}}", "summary",
                       arena_printf(cx->a, "%s %s", rt->method, rt->pattern), "responses",
                       "default", "description", "the answer, or the one error shape");
        json_object_set_new(item, method, op);
    }
    if (!json_object_get(op, "responses"))
        json_object_set_new(
            op, "responses",
            json_pack("{s:{s:s}}", "default", "description", "the answer, or the one error shape"));
    /* what it does (route_docs.c); a route without a line there says so */
    const struct route_doc *doc = route_doc(rt->method, rt->flags & R_GENERIC ? rt->pattern : oa);
    if (doc) {
        const char *name = ent ? ent->name : NULL;
        json_object_set_new(op, "summary",
                            json_string(doc_text(cx, doc->summary, name, transition)));
        json_object_set_new(op, "description",
                            json_string(doc_text(cx, doc->description, name, transition)));
    } else {
        json_object_set_new(op, "x-undocumented", json_true());
    }
    set_access(op, rt, ent, perm);
}

API_HANDLER(api_openapi)
{
    json_t *paths = json_object(), *schemas = json_object();
    const struct entity *const *all = domain_all(); /* what is served, as in the meta */
    for (int i = 0; all[i]; i++) {
        const struct entity *e = all[i];
        json_t *props = json_object(), *required = json_array();
        json_object_set_new(props, "id", json_pack("{s:s,s:b}", "type", "integer", "readOnly", 1));
        json_object_set_new(props, "version", json_pack("{s:s}", "type", "integer"));
        for (int k = 0; e->fields[k].name; k++) {
            const struct field *f = &e->fields[k];
            json_t *p = json_pack("{s:s}", "type", oa_type(f->type));
            if (f->type == F_DATE)
                json_object_set_new(p, "format", json_string("date"));
            if (f->type == F_PASSWORD)
                json_object_set_new(p, "writeOnly", json_true());
            if (f->max && (f->type != F_INT))
                json_object_set_new(p, "maxLength", json_integer(f->max));
            if (f->enums) {
                json_t *en = json_array();
                for (int j = 0; f->enums[j]; j++)
                    json_array_append_new(en, json_string(f->enums[j]));
                json_object_set_new(p, "enum", en);
            }
            json_object_set_new(props, f->name, p);
            if (f->flags & F_REQUIRED)
                json_array_append_new(required, json_string(f->name));
        }
        json_object_set_new(schemas, e->name,
                            json_pack("{s:s,s:o,s:o}", "type", "object", "properties", props,
                                      "required", required));
        const char *ref = arena_printf(cx->a, "#/components/schemas/%s", e->name);
        /* {"content": {"application/json": {"schema": {"$ref": ref}}}} */
        json_t *body =
            json_pack("{s:{s:{s:{s:s}}}}", "content", "application/json", "schema", "$ref", ref);
        json_t *list = json_object(), *create = json_object();
        json_object_set_new(
            list, "summary",
            json_string(arena_printf(cx->a, "list %s (q, filters, sort, limit, cursor)", e->name)));
        json_object_set_new(list, "responses",
                            json_pack("{s:{s:s}}", "200", "description", "a page of records"));
        json_object_set_new(create, "summary",
                            json_string(arena_printf(cx->a, "create a record of %s", e->name)));
        json_object_set(create, "requestBody", body);
        json_t *created = json_deep_copy(body);
        json_object_set_new(created, "description", json_string("the record"));
        json_object_set_new(create, "responses", json_pack("{s:o}", "201", created));
        json_decref(body);
        json_object_set_new(paths, arena_printf(cx->a, "/api/v1/%s", e->name),
                            json_pack("{s:o,s:o}", "get", list, "post", create));
        json_object_set_new(paths, arena_printf(cx->a, "/api/v1/%s/{id}", e->name),
                            json_pack("{s:{s:s},s:{s:s},s:{s:s}}", "get", "summary",
                                      "read one record", "patch", "summary",
                                      "update with the version read (409 when stale)", "delete",
                                      "summary", "delete one record"));
    }
    /* every route of the table, with the permission it needs: generic ones
     * once per entity, transitions once per transition */
    for (int i = 0; i < nroutes; i++) {
        const struct route *rt = &routes[i];
        if (rt->flags & R_STATIC)
            continue;
        if (!(rt->flags & R_GENERIC)) {
            add_operation(cx, paths, rt, NULL, NULL, rt->perm);
            continue;
        }
        bool by_transition = strstr(rt->pattern, "/:name") != NULL;
        bool on_timeline = strstr(rt->pattern, "/timeline") || strstr(rt->pattern, "/comments") ||
                           strstr(rt->pattern, "/attachments");
        for (int k = 0; all[k]; k++) {
            const struct entity *e = all[k];
            const struct workflow *wf = domain_workflow(e);
            if (on_timeline && !e->timeline)
                continue; /* routed, but 404: the entity keeps no timeline */
            if (strstr(rt->pattern, "/documents") && !document_any(e->name))
                continue; /* routed, but 404: the entity has no documents */
            if (!by_transition) {
                add_operation(cx, paths, rt, e, NULL, route_perm(rt, e, NULL));
                continue;
            }
            for (const struct transition *t = wf ? wf->transitions : NULL; t && t->name; t++)
                add_operation(cx, paths, rt, e, t->name, route_perm(rt, e, t->name));
        }
    }
    http_json(rs, 200,
              json_pack("{s:s,s:{s:s,s:s},s:o,s:{s:o}}", "openapi", "3.0.3", "info", "title",
                        "Servitor API", "version", SERVITOR_VERSION, "paths", paths, "components",
                        "schemas", schemas));
    return ERR_OK;
}
