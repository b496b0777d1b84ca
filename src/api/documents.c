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
