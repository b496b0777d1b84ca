/* entities.c — the generic resource handlers: list, create, read, update and
 * delete for every entity of the registry (api layer). */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/export.h"
#include "core/record.h"
#include "core/workflow.h"
#include "domain/domain.h"
#include "base/banned.h"

/* Finds the entity named in the path; the server checked its permission
 * (route_authorize) before the handler. */
static enum err_code entity_of(struct ctx *cx, struct http_req *rq, const struct entity **out)
{
    const struct entity *ent = domain_entity(rq->args[0]);
    if (!ent)
        return ctx_fail(cx, ERR_NOTFOUND, "no such resource");
    *out = ent;
    return ERR_OK;
}

/* The transitions the user may take now, for the UI's buttons. */
static json_t *transitions_json(struct ctx *cx, const struct workflow *wf, const struct record *rec)
{
    const struct transition *ts[32];
    int n = workflow_available(cx, wf, rec, ts, 32);
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "name", ts[i]->name, "label",
                                           ts[i]->label, "to", wf->states[ts[i]->to]));
    return a;
}

static void send_record(struct http_resp *rs, int status, const struct record *rec)

{
    http_json(rs, status, record_to_json(rec));
}

/* ?format=csv|xlsx: the whole list as a file, written page by page to disk
 * (core/export.h), capped at SERVITOR_EXPORT_MAX_ROWS rows. */
static enum err_code list_export(struct ctx *cx, struct http_req *rq, struct http_resp *rs,
                                 const struct entity *ent, struct listq *lq, const char *format)
{
    enum export_format fmt = export_format_of(format);
    if (fmt == EXPORT_NONE)
        return ctx_fail(cx, ERR_MALFORMED, "format is csv or xlsx");
    struct export ex;
    int fd;
    uint64_t size;
    enum err_code rc = export_open(cx, fmt, ent->name, &ex);
    if (rc == ERR_OK)
        rc = export_list(cx, ent, lq, &ex);
    if (rc == ERR_OK)
        rc = export_finish(cx, &ex, &fd, &size);
    if (rc != ERR_OK)
        return rc;
    http_header(
        cx, rs, "Content-Disposition",
        arena_printf(cx->a, "attachment; filename=\"%s.%s\"", ent->name, export_extension(fmt)));
    return http_file(cx, rq, rs, fd, size, export_content_type(fmt));
}

API_HANDLER(api_entity_list)
{
    const struct entity *ent = NULL;
    enum err_code rc = entity_of(cx, rq, &ent);
    if (rc != ERR_OK)
        return rc;
    struct listq lq;
    static const char *const extra[] = {"format", NULL};
    if ((rc = listq_parse(cx, ent, rq->params, rq->nparams, extra, &lq)) != ERR_OK)
        return rc;
    const char *format = api_param(rq, "format");
    if (format)
        return list_export(cx, rq, rs, ent, &lq, format);
    struct record **items;
    int n;
    const char *next;
    if ((rc = entity_list(cx, ent, &lq, &items, &n, &next)) != ERR_OK)
        return rc;
    struct buf b = BUF_INIT;
    buf_adds(&b, "{\"items\":[");
    for (int i = 0; i < n; i++) {
        if (i)
            buf_addch(&b, ',');
        record_json_write(&b, items[i], true);
    }
    buf_adds(&b, "],\"next_cursor\":");
    json_write_string(&b, next);
    buf_addch(&b, '}');
    http_json_text(rs, 200, &b);
    return ERR_OK;
}

API_HANDLER(api_entity_get)
{
    const struct entity *ent = NULL;
    int64_t id;
    struct record *rec;
    enum err_code rc = entity_of(cx, rq, &ent);
    if (rc == ERR_OK)
        rc = api_path_id(cx, rq, 1, &id);
    if (rc == ERR_OK)
        rc = entity_get(cx, ent, id, &rec);
    if (rc != ERR_OK)
        return rc;
    struct buf b = BUF_INIT;
    const struct workflow *wf = domain_workflow(ent);
    record_json_write(&b, rec, !wf);
    if (wf) {
        /* the transitions the caller may take now: the UI's buttons */
        const struct transition *ts[32];
        int n = workflow_available(cx, wf, rec, ts, 32);
        buf_adds(&b, ",\"transitions\":[");
        for (int i = 0; i < n; i++) {
            buf_adds(&b, i ? ",{\"name\":" : "{\"name\":");
            json_write_string(&b, ts[i]->name);
            buf_adds(&b, ",\"label\":");
            json_write_string(&b, ts[i]->label);
            buf_adds(&b, ",\"to\":");
            json_write_string(&b, wf->states[ts[i]->to]);
            buf_addch(&b, '}');
        }
        buf_adds(&b, "]}");
    }
    http_json_text(rs, 200, &b);
    http_header(cx, rs, "ETag", arena_printf(cx->a, "\"%lld\"", (long long)rec->version));
    return ERR_OK;
}

API_HANDLER(api_entity_transition)
{
    const struct entity *ent = NULL;
    const struct workflow *wf;
    json_t *body = NULL;
    int64_t id;
    enum err_code rc = entity_of(cx, rq, &ent);
    if (rc == ERR_OK && !(wf = domain_workflow(ent)))
        rc = ctx_fail(cx, ERR_NOTFOUND, "%s have no workflow", ent->name);
    if (rc == ERR_OK)
        rc = api_path_id(cx, rq, 1, &id);
    if (rc == ERR_OK)
        rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    struct record *input = record_new(cx, ent), *out;
    int64_t version;
    rc = record_from_json(cx, ent, body, RI_PARAMS, input, &version);
    json_decref(body);
    if (rc != ERR_OK)
        return rc;
    if (version < 0)
        version = api_request_version(rq);
    if (version < 0) {
        err_field(&cx->err, "version", "required");
        return ctx_fail(cx, ERR_INVALID, "send the version you read (\"version\" or If-Match)");
    }
    if ((rc = workflow_run(cx, wf, id, version, rq->args[2], input, &out)) != ERR_OK)
        return rc;
    json_t *j = record_to_json(out);
    json_object_set_new(j, "transitions", transitions_json(cx, wf, out));
    http_json(rs, 200, j);
    return ERR_OK;
}

API_HANDLER(api_entity_create)
{
    const struct entity *ent = NULL;
    json_t *body = NULL;
    enum err_code rc = entity_of(cx, rq, &ent);
    if (rc == ERR_OK)
        rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    struct record *in = record_new(cx, ent), *out;
    int64_t version;
    /* a related record named inline (a request's new client) */
    json_t *nested = ent->nested_key ? json_object_get(body, ent->nested_key) : NULL;
    if (nested) {
        json_incref(nested);
        json_object_del(body, ent->nested_key);
    }
    rc = record_from_json(cx, ent, body, RI_CREATE, in, &version);
    json_decref(body);
    bool nested_created = false;
    if (rc == ERR_OK)
        rc = nested ? ent->create_nested(cx, in, nested, &nested_created, &out)
                    : entity_create(cx, ent, in, &out);
    json_decref(nested);
    if (rc != ERR_OK)
        return rc;
    json_t *j = record_to_json(out);
    if (nested)
        json_object_set_new(j, arena_printf(cx->a, "%s_created", ent->nested_key),
                            json_boolean(nested_created));
    http_json(rs, 201, j);
    http_header(cx, rs, "Location",
                arena_printf(cx->a, "/api/v1/%s/%lld", ent->name, (long long)out->id));
    return ERR_OK;
}

API_HANDLER(api_entity_update)
{
    const struct entity *ent = NULL;
    json_t *body = NULL;
    int64_t id;
    enum err_code rc = entity_of(cx, rq, &ent);
    if (rc == ERR_OK)
        rc = api_path_id(cx, rq, 1, &id);
    if (rc == ERR_OK)
        rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    struct record *patch = record_new(cx, ent), *out;
    int64_t version;
    rc = record_from_json(cx, ent, body, RI_UPDATE, patch, &version);

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
    const struct entity *ent = NULL;
    int64_t id;
    enum err_code rc = entity_of(cx, rq, &ent);
    if (rc == ERR_OK)
        rc = api_path_id(cx, rq, 1, &id);
    if (rc == ERR_OK)
        rc = entity_delete(cx, ent, id, api_request_version(rq));
    if (rc == ERR_CONFLICT && strstr(cx->err.message, "referenced by other records"))
        rc = domain_name_references(cx, ent, id);
    if (rc != ERR_OK)
        return rc;
    rs->status = 204;
    return ERR_OK;
}

/* Takes one transition on many records: each in its own transaction, so one
 * refused does not undo the others. Body: {"items":[{"id","version"}…],
 * …parameters}. Answers each record's outcome. */
API_HANDLER(api_entity_bulk)
{
    const struct entity *ent = NULL;
    const struct workflow *wf = NULL;
    json_t *body = NULL;
    enum err_code rc = entity_of(cx, rq, &ent);
    if (rc == ERR_OK && !(wf = domain_workflow(ent)))
        rc = ctx_fail(cx, ERR_NOTFOUND, "%s have no workflow", ent->name);
    if (rc == ERR_OK)
        rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    json_t *items = json_incref(json_object_get(body, "items"));
    json_object_del(body, "items");
    if (!json_is_array(items) || json_array_size(items) == 0 || json_array_size(items) > 200) {
        json_decref(items);
        json_decref(body);
        err_field(&cx->err, "items", "invalid");
        return ctx_fail(cx, ERR_INVALID, "items: 1 to 200 of {\"id\", \"version\"}");
    }
    struct record *input = record_new(cx, ent);
    int64_t ignored;
    rc = record_from_json(cx, ent, body, RI_PARAMS, input, &ignored);
    json_decref(body);
    if (rc != ERR_OK) {
        json_decref(items);
        return rc;
    }
    json_t *results = json_array();
    size_t i;
    json_t *it;
    int done = 0;
    json_array_foreach(items, i, it)
    {
        json_int_t id = 0, version = 0;
        json_error_t je;
        err_clear(&cx->err);
        struct record *out;
        if (json_unpack_ex(it, &je, JSON_STRICT, "{s:I,s:I}", "id", &id, "version", &version))
            rc = ctx_fail(cx, ERR_INVALID, "each item is {\"id\", \"version\"}");
        else
            rc = workflow_run(cx, wf, id, version, rq->args[1], input, &out);
        ctx_rollback(cx);
        if (rc == ERR_OK)
            done++;
        json_array_append_new(
            results, rc == ERR_OK
                         ? json_pack("{s:I,s:i,s:I}", "id", id, "status", 200, "version",
                                     (json_int_t)out->version)
                         : json_pack("{s:I,s:i,s:s,s:s}", "id", id, "status", err_http_status(rc),
                                     "code", err_code_str(rc), "message", cx->err.message));
    }
    err_clear(&cx->err);
    json_decref(items);
    http_json(rs, 200, json_pack("{s:i,s:o}", "done", done, "results", results));
    return ERR_OK;
}
