/* attachments.c — uploading, listing and downloading a request's files
 * (api layer). The upload body is the file itself; its name comes as ?name=.
 * A download is sent from disk as the client reads it, with Range. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "domain/desk/attachments.h"
#include "domain/desk/desk.h"
#include "base/banned.h"

static json_t *attachment_json(const struct attachment *a)
{
    return json_pack("{s:I,s:I,s:s,s:s,s:I,s:s,s:s,s:s?,s:s}", "id", (json_int_t)a->id,
                     "request_id", (json_int_t)a->request_id, "file_name", a->file_name,
                     "content_type", a->content_type, "size", (json_int_t)a->size, "sha256",
                     a->sha256, "created_at", a->created_at, "user_name", a->user_name, "url", "");
}

static void set_url(json_t *o, struct ctx *cx, int64_t id)
{
    json_object_set_new(
        o, "url", json_string(arena_printf(cx->a, "/api/v1/attachments/%lld", (long long)id)));
}

API_HANDLER(api_attachment_upload)
{
    int64_t id;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc != ERR_OK)
        return rc;
    if (rq->body_too_big)
        return ctx_fail(cx, ERR_TOOBIG, "files up to %d MiB", ATTACH_MAX / 1024 / 1024);
    const char *name = api_param(rq, "name");
    struct attachment a;
    if ((rc = attachment_add(cx, id, name, rq->body ? rq->body : "", rq->body_len, &a)) != ERR_OK)
        return rc;
    json_t *o = attachment_json(&a);
    set_url(o, cx, a.id);
    http_json(rs, 201, o);
    return ERR_OK;
}

API_HANDLER(api_attachment_list)
{
    int64_t id;
    struct attachment *a;
    int n;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = attachment_list(cx, id, &a, &n);
    if (rc != ERR_OK)
        return rc;
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        json_t *o = attachment_json(&a[i]);
        set_url(o, cx, a[i].id);
        json_array_append_new(items, o);
    }
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

API_HANDLER(api_attachment_get)
{
    int64_t id;
    struct attachment a;
    int fd;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = attachment_open(cx, id, &a, &fd);
    if (rc == ERR_OK && (rc = entity_visible(cx, &entity_requests, a.request_id)) != ERR_OK) {
        close(fd); /* another branch's request: its files are not there either */
        return ctx_fail(cx, ERR_NOTFOUND, "attachment %lld not found", (long long)id);
    }
    if (rc == ERR_OK)
        rc = http_file(cx, rq, rs, fd, (uint64_t)a.size, a.content_type);
    if (rc != ERR_OK)
        return rc;
    http_header(cx, rs, "Content-Disposition", disposition(cx, a.file_name));
    return ERR_OK;
}
