/* attachments.c — the files of any record whose entity keeps a timeline
 * (api layer): uploading, listing, downloading, and a client's download from
 * the record's public page. The upload body is the file itself; its name
 * comes as ?name=, ?public=1 shows it on the public page. A download is sent
 * from disk as the client reads it, with Range. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "core/files.h"
#include "domain/domain.h"
#include "base/banned.h"

static json_t *attachment_json(struct ctx *cx, const struct attachment *a)
{
    const char *url = arena_printf(cx->a, "/api/v1/%s/%lld/attachments/%lld", a->entity,
                                   (long long)a->record_id, (long long)a->id);
    return json_pack("{s:I,s:s,s:I,s:s,s:s,s:I,s:s,s:s,s:s?,s:b,s:s}", "id", (json_int_t)a->id,
                     "entity", a->entity, "record_id", (json_int_t)a->record_id, "file_name",
                     a->file_name, "content_type", a->content_type, "size", (json_int_t)a->size,
                     "sha256", a->sha256, "created_at", a->created_at, "user_name", a->user_name,
                     "public", a->public_file, "url", url);
}

/* The entity of the path (which must keep a timeline) and the record's id. */
static enum err_code record_of(struct ctx *cx, struct http_req *rq, const struct entity **ent,
                               int64_t *id)
{
    *ent = domain_entity(rq->args[0]);
    if (!*ent || !(*ent)->timeline)
        return ctx_fail(cx, ERR_NOTFOUND, "no such resource");
    return api_path_id(cx, rq, 1, id);
}

API_HANDLER(api_attachment_upload)
{
    const struct entity *ent;
    int64_t id;
    enum err_code rc = record_of(cx, rq, &ent, &id);
    if (rc != ERR_OK)
        return rc;
    if (rq->body_too_big)
        return ctx_fail(cx, ERR_TOOBIG, "files up to %d MiB", FILES_MAX / 1024 / 1024);
    const char *pub = api_param(rq, "public");
    bool is_public = pub && (!strcmp(pub, "1") || !strcmp(pub, "true"));
    if (pub && !is_public && strcmp(pub, "0") != 0 && strcmp(pub, "false") != 0) {
        err_field(&cx->err, "public", "invalid");
        return ctx_fail(cx, ERR_INVALID, "public is 1 or 0");
    }
    struct attachment a;
    rc = files_add(cx, ent, id, api_param(rq, "name"), rq->body ? rq->body : "", rq->body_len,
                   is_public, &a);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 201, attachment_json(cx, &a));
    return ERR_OK;
}

API_HANDLER(api_attachment_list)
{
    const struct entity *ent;
    int64_t id;
    struct attachment *a;
    int n;
    enum err_code rc = record_of(cx, rq, &ent, &id);
    if (rc == ERR_OK)
        rc = files_list(cx, ent, id, &a, &n);
    if (rc != ERR_OK)
        return rc;
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, attachment_json(cx, &a[i]));
    http_json(rs, 200, json_pack("{s:o}", "items", items));
    return ERR_OK;
}

/* RFC 5987: filename*=UTF-8''%D0%90… so any name survives the header. */
static const char *disposition(struct ctx *cx, const char *name)
{
    size_t n = strlen(name);
    char *out = arena_alloc(cx->a, n * 3 + 64), *w = out;
    w += snprintf(w, 40, "attachment; filename*=UTF-8''");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("._-", *p))
            *w++ = (char)*p;
        else
            w += snprintf(w, 4, "%%%02X", *p);
    }
    *w = 0;
    return out;
}

static enum err_code send_file(struct ctx *cx, struct http_req *rq, struct http_resp *rs,
                               const struct attachment *a, int fd)
{
    enum err_code rc = http_file(cx, rq, rs, fd, (uint64_t)a->size, a->content_type);
    if (rc != ERR_OK)
        return rc;
    http_header(cx, rs, "Content-Disposition", disposition(cx, a->file_name));
    return ERR_OK;
}

API_HANDLER(api_attachment_get)
{
    const struct entity *ent;
    int64_t id, file;
    struct attachment a;
    int fd;
    enum err_code rc = record_of(cx, rq, &ent, &id);
    if (rc == ERR_OK)
        rc = api_path_id(cx, rq, 2, &file);
    if (rc == ERR_OK)
        rc = files_open(cx, ent, id, file, &a, &fd);
    if (rc != ERR_OK)
        return rc;
    return send_file(cx, rq, rs, &a, fd);
}

/* The requests' files at their first address (links written before files
 * belonged to any record): requests' only. */
API_HANDLER(api_request_attachment_get)
{
    const struct entity *req = domain_entity("requests");
    int64_t file;
    struct attachment a;
    int fd = -1;
    enum err_code rc = api_path_id(cx, rq, 0, &file);
    if (rc == ERR_OK)
        rc = files_open(cx, NULL, 0, file, &a, &fd);
    if (rc == ERR_OK && (strcmp(a.entity, req->name) != 0 ||
                         (rc = entity_visible(cx, req, a.record_id)) != ERR_OK)) {
        close(fd); /* another entity's, or another branch's request: not here */
        return ctx_fail(cx, ERR_NOTFOUND, "attachment %lld not found", (long long)file);
    }
    if (rc != ERR_OK)
        return rc;
    return send_file(cx, rq, rs, &a, fd);
}

/* A file of a public event, for the client who has the number and code. */
API_HANDLER(api_public_file)
{
    int64_t file;
    struct attachment a;
    int fd;
    enum err_code rc = api_path_id(cx, rq, 1, &file);
    if (rc == ERR_OK)
        rc = files_public_open(cx, domain_entity(rq->args[0]), api_param(rq, "number"),
                               api_param(rq, "code"), file, &a, &fd);
    if (rc != ERR_OK)
        return rc;
    return send_file(cx, rq, rs, &a, fd);
}
