/* entities.c — the generic resource handlers: list, create, read, update and
 * delete for every entity of the registry (api layer). */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/record.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

/* Finds the entity named in the path and checks the permission. */
static enum err_code entity_of(struct ctx *cx, struct http_req *rq, unsigned which,
                               const struct entity **out)
{
    const struct entity *ent = registry_find(rq->args[0]);
    if (!ent)
        return ctx_fail(cx, ERR_NOTFOUND, "no such resource");
    unsigned perm = which == 0 ? ent->perm_read : which == 1 ? ent->perm_write : ent->perm_delete;
    if (!ctx_can(cx, perm))
        return ctx_fail(cx, ERR_FORBIDDEN, "your role may not do this");
    *out = ent;
    return ERR_OK;
}

static void send_record(struct http_resp *rs, int status, const struct record *rec)
{
    http_json(rs, status, record_to_json(rec));
}

API_HANDLER(api_entity_list)
{
    const struct entity *ent;
    enum err_code rc = entity_of(cx, rq, 0, &ent);
    if (rc != ERR_OK)
        return rc;
    struct listq lq;
    if ((rc = listq_parse(cx, ent, rq->params, rq->nparams, NULL, &lq)) != ERR_OK)
        return rc;
    struct record **items;
    int n;
    const char *next;
    if ((rc = entity_list(cx, ent, &lq, &items, &n, &next)) != ERR_OK)
        return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, record_to_json(items[i]));
    http_json(rs, 200,
              json_pack("{s:o,s:o}", "items", arr, "next_cursor",
                        next ? json_string(next) : json_null()));
    return ERR_OK;
}

API_HANDLER(api_entity_get)
{
    const struct entity *ent;
    int64_t id;
    struct record *rec;
    enum err_code rc = entity_of(cx, rq, 0, &ent);
    if (rc == ERR_OK)
        rc = api_path_id(cx, rq, 1, &id);
    if (rc == ERR_OK)
        rc = entity_get(cx, ent, id, &rec);
    if (rc != ERR_OK)
        return rc;
    send_record(rs, 200, rec);
    http_header(cx, rs, "ETag", arena_printf(cx->a, "\"%lld\"", (long long)rec->version));
    return ERR_OK;
}

API_HANDLER(api_entity_create)
{
    const struct entity *ent;
    json_t *body = NULL;
    enum err_code rc = entity_of(cx, rq, 1, &ent);
    if (rc == ERR_OK)
        rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    struct record *in = record_new(cx, ent), *out;
    int64_t version;
    rc = record_from_json(cx, ent, body, in, &version);
    json_decref(body);
    if (rc == ERR_OK)
        rc = entity_create(cx, ent, in, &out);
    if (rc != ERR_OK)
        return rc;
    send_record(rs, 201, out);
    http_header(cx, rs, "Location",
                arena_printf(cx->a, "/api/v1/%s/%lld", ent->name, (long long)out->id));
    return ERR_OK;
}

API_HANDLER(api_entity_update)
{
    const struct entity *ent;
    json_t *body = NULL;
    int64_t id;
    enum err_code rc = entity_of(cx, rq, 1, &ent);
    if (rc == ERR_OK)
        rc = api_path_id(cx, rq, 1, &id);
    if (rc == ERR_OK)
        rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    struct record *patch = record_new(cx, ent), *out;
    int64_t version;
    rc = record_from_json(cx, ent, body, patch, &version);
    json_decref(body);
    if (rc != ERR_OK)
        return rc;
    if (version < 0)
        version = api_request_version(rq);
    if (version < 0) {
        err_field(&cx->err, "version", "required");
        return ctx_fail(cx, ERR_INVALID, "send the version you read (\"version\" or If-Match)");
    }
    if ((rc = entity_update(cx, ent, id, version, patch, &out)) != ERR_OK)
        return rc;
    send_record(rs, 200, out);
    return ERR_OK;
}

API_HANDLER(api_entity_delete)
{
    const struct entity *ent;
    int64_t id;
    enum err_code rc = entity_of(cx, rq, 2, &ent);
    if (rc == ERR_OK)
        rc = api_path_id(cx, rq, 1, &id);
    if (rc == ERR_OK && ent == &entity_users && cx->user->id == id)
        rc = ctx_fail(cx, ERR_CONFLICT, "you cannot delete your own account");
    if (rc == ERR_OK)
        rc = entity_delete(cx, ent, id, api_request_version(rq));
    if (rc != ERR_OK)
        return rc;
    rs->status = 204;
    return ERR_OK;
}
