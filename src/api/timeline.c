/* timeline.c — the timeline of any record whose entity keeps one, and the
 * public page of any entity with a public view (api layer). */
#include <string.h>

#include "api/api.h"
#include "core/record.h"
#include "core/timeline.h"
#include "domain/domain.h"
#include "base/banned.h"

static json_t *event_json(struct ctx *cx, const struct entity *ent, int64_t id,
                          const struct event *e)
{
    json_t *o =
        json_pack("{s:I,s:s,s:o,s:s?,s:s?,s:s,s:b,s:s?,s:s?,s:s?}", "id", (json_int_t)e->id, "at",
                  e->at, "user_id", e->user_id ? json_integer(e->user_id) : json_null(),
                  "user_name", e->user_name, "author", e->author, "kind", e->kind, "public",
                  e->public_event, "body", e->body, "from", e->from_state, "to", e->to_state);
    if (e->attachment_id) /* a "file" event: its file, to link */
        json_object_set_new(
            o, "attachment",
            json_pack("{s:I,s:I,s:s}", "id", (json_int_t)e->attachment_id, "size",
                      (json_int_t)e->file_size, "url",
                      arena_printf(cx->a, "/api/v1/%s/%lld/attachments/%lld", ent->name,
                                   (long long)id, (long long)e->attachment_id)));
    return o;
}

/* The entity named in the path when it keeps a timeline, and the record's
 * id; the user must hold perm_read or (write) perm_write. */
static enum err_code timeline_of(struct ctx *cx, struct http_req *rq, bool write,
                                 const struct entity **ent, int64_t *id)
{
    *ent = domain_entity(rq->args[0]);
    if (!*ent || !(*ent)->timeline)
        return ctx_fail(cx, ERR_NOTFOUND, "no such resource");
    if (!ctx_can(cx, write ? (*ent)->perm_write : (*ent)->perm_read))
        return ctx_fail(cx, ERR_FORBIDDEN, "your role may not do this");
    return api_path_id(cx, rq, 1, id);
}

API_HANDLER(api_timeline)
{
    const struct entity *ent;
    int64_t id;
    struct record *rec;
    struct event *ev;
    int n;
    enum err_code rc = timeline_of(cx, rq, false, &ent, &id);
    if (rc == ERR_OK)
        rc = entity_get(cx, ent, id, &rec);
    if (rc == ERR_OK)
        rc = timeline_list(cx, ent, id, false, &ev, &n);
    if (rc != ERR_OK)
        return rc;
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, event_json(cx, ent, id, &ev[i]));
    http_json(rs, 200, json_pack("{s:o}", "items", items));
    return ERR_OK;
}

API_HANDLER(api_comment)
{
    const struct entity *ent;
    int64_t id, event_id;
    json_t *body;
    enum err_code rc = timeline_of(cx, rq, true, &ent, &id);
    if (rc == ERR_OK)
        rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    const char *text = NULL;
    int is_public = 0;
    json_error_t je;
    if (json_unpack_ex(body, &je, JSON_STRICT, "{s:s,s?b}", "body", &text, "public", &is_public) !=
        0) {
        json_decref(body);
        return ctx_fail(cx, ERR_INVALID, "expected {\"body\": text, \"public\": true|false}");
    }
    text = arena_strdup(cx->a, text);
    json_decref(body);
    if ((rc = timeline_comment(cx, ent, id, text, is_public, &event_id)) != ERR_OK)
        return rc;
    http_json(rs, 201, json_pack("{s:I}", "id", (json_int_t)event_id));
    return ERR_OK;
}

/* The view's fields with their values, the view's description for a page
 * that has no /api/v1/meta (name, label, type), and the public events. */
static enum err_code public_page(struct ctx *cx, const struct entity *ent, struct http_req *rq,
                                 struct http_resp *rs)
{
    struct record *rec;
    struct event *ev;
    int n;
    enum err_code rc =
        timeline_public(cx, ent, api_param(rq, "number"), api_param(rq, "code"), &rec, &ev, &n);
    if (rc != ERR_OK)
        return rc;
    json_t *all = record_to_json(rec);
    json_t *out = json_pack("{s:s,s:s,s:s}", "entity", ent->name, "created_at", rec->created_at,
                            "updated_at", rec->updated_at);
    json_t *fields = json_array();
    for (int i = 0; ent->public_view->fields[i]; i++) {
        const char *name = ent->public_view->fields[i];
        const struct field *f = entity_field(ent, name, NULL);
        json_t *v = json_object_get(all, name);
        if (!f || !v)
            continue;
        json_object_set(out, name, v);
        json_array_append_new(fields, json_pack("{s:s,s:s,s:s}", "name", name, "label", f->label,
                                                "type", api_field_type(f)));
    }
    json_decref(all);
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s,s:s,s:s?,s:s?,s:s?}", "at", ev[i].at, "kind", ev[i].kind,
                              "body", ev[i].body, "from", ev[i].from_state, "to", ev[i].to_state);
        /* a file of a public event: the client downloads it with the same
         * number and code (GET /api/v1/public/<name>/files/<id>) */
        if (ev[i].attachment_id)
            json_object_set_new(o, "attachment",
                                json_pack("{s:I,s:I}", "id", (json_int_t)ev[i].attachment_id,
                                          "size", (json_int_t)ev[i].file_size));
        json_array_append_new(items, o);
    }
    json_object_set_new(out, "fields", fields);
    json_object_set_new(out, "timeline", items);
    if ((rc = api_public_extra(cx, ent, rec, out)) != ERR_OK) {
        json_decref(out);
        return rc;
    }
    http_json(rs, 200, out);
    return ERR_OK;
}

API_HANDLER(api_public_view)
{
    const struct entity *ent = domain_entity(rq->args[0]);
    if (!ent || !ent->public_view) {
        /* counted like a wrong code: no probing for which pages exist */
        return timeline_public(cx, NULL, NULL, NULL, NULL, NULL, NULL);
    }
    return public_page(cx, ent, rq, rs);
}

/* The requests' page at its first address (the UI's and the status links'). */
API_HANDLER(api_public_status) { return public_page(cx, domain_entity("requests"), rq, rs); }
