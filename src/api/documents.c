/* documents.c — a record's printed documents as PDF (api layer):
 * GET /api/v1/<entity>/:id/documents/<name>.pdf. The server has checked the
 * entity's read permission and the record's branch scope (route_authorize);
 * the document's own permission is checked here, as a report's is. */
#include <string.h>

#include "api/api.h"
#include "docs/docs.h"
#include "domain/domain.h"
#include "base/banned.h"

API_HANDLER(api_document)
{
    const struct entity *ent = domain_entity(rq->args[0]);
    int64_t id;
    int fd;
    uint64_t size;
    if (!ent)
        return ctx_fail(cx, ERR_NOTFOUND, "no such resource");
    enum err_code rc = api_path_id(cx, rq, 1, &id);
    if (rc != ERR_OK)
        return rc;
    const struct document *d = document_find(ent->name, rq->args[2]);
    if (!d)
        return ctx_fail(cx, ERR_NOTFOUND, "%s have no such document", ent->name);
    if (!ctx_can(cx, d->perm))
        return ctx_fail(cx, ERR_FORBIDDEN, "your role may not print this document");
    if ((rc = document_render(cx, d, id, &fd, &size)) != ERR_OK)
        return rc;
    http_header(cx, rs, "Content-Disposition",
                arena_printf(cx->a, "inline; filename=\"%s-%lld-%s.pdf\"", ent->name, (long long)id,
                             d->name));
    return http_file(cx, rq, rs, fd, size, "application/pdf");
}

json_t *api_documents_meta(struct ctx *cx, const struct entity *ent)
{
    json_t *a = NULL;
    for (int i = 0; documents[i]; i++) {
        const struct document *d = documents[i];
        if (strcmp(d->entity, ent->name) || !ctx_can(cx, d->perm))
            continue;
        if (!a)
            a = json_array();
        json_t *o = json_pack("{s:s,s:s}", "name", d->name, "label", d->label);
        if (d->states) {
            json_t *st = json_array();
            for (int k = 0; d->states[k]; k++)
                json_array_append_new(st, json_string(d->states[k]));
            json_object_set_new(o, "states", st);
        }
        json_array_append_new(a, o);
    }
    return a;
}

/* The documents of a record numbered so far: {"items": [{document, label,
 * series, number, issued_at, issued_by, issued_by_name}]}, the oldest
 * first. The record must be readable (its branch scope too). */
API_HANDLER(api_documents_issued)
{
    const struct entity *ent = domain_entity(rq->args[0]);
    int64_t id;
    if (!ent)
        return ctx_fail(cx, ERR_NOTFOUND, "no such resource");
    enum err_code rc = api_path_id(cx, rq, 1, &id);
    if (rc != ERR_OK)
        return rc;
    if (!document_any(ent->name))
        return ctx_fail(cx, ERR_NOTFOUND, "%s have no documents", ent->name);
    struct record *rec;
    if ((rc = entity_get(cx, ent, id, &rec)) != ERR_OK)
        return rc;
    struct doc_issued *d;
    int n;
    if ((rc = number_issued_list(cx, ent->name, id, &d, &n)) != ERR_OK)
        return rc;
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        const struct document *doc = document_find(ent->name, d[i].document);
        json_t *it = json_pack("{s:s,s:s,s:s,s:s,s:s}", "document", d[i].document, "label",
                               doc ? doc->label : d[i].document, "series", d[i].series, "number",
                               d[i].number, "issued_at", d[i].issued_at);
        json_object_set_new(it, "issued_by",
                            d[i].issued_by ? json_integer(d[i].issued_by) : json_null());
        json_object_set_new(it, "issued_by_name",
                            *d[i].issued_by_name ? json_string(d[i].issued_by_name) : json_null());
        json_array_append_new(items, it);
    }
    http_json(rs, 200, json_pack("{s:o}", "items", items));
    return ERR_OK;
}
