/* requests.c — a request's timeline and comments (api layer); the record
 * itself and its transitions go through the generic resource handlers. */
#include <string.h>

#include "api/api.h"
#include "domain/desk/desk.h"
#include "base/banned.h"

static json_t *event_json(const struct request_event *e)
{
    return json_pack("{s:I,s:s,s:o,s:s?,s:s,s:b,s:s?,s:s?,s:s?}", "id", (json_int_t)e->id, "at",
                     e->at, "user_id", e->user_id ? json_integer(e->user_id) : json_null(),
                     "user_name", e->user_name, "kind", e->kind, "public", e->public_event, "body",
                     e->body, "from", e->from_state, "to", e->to_state);
}

API_HANDLER(api_request_timeline)
{
    int64_t id;
    struct record *rec;
    struct request_event *ev;
    int n;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = entity_get(cx, &entity_requests, id, &rec);
    if (rc == ERR_OK)
        rc = request_timeline(cx, id, false, &ev, &n);
    if (rc != ERR_OK)
        return rc;
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, event_json(&ev[i]));
    http_json(rs, 200, json_pack("{s:o}", "items", items));
    return ERR_OK;
}

API_HANDLER(api_request_comment)
{
    int64_t id, event_id;
    json_t *body;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
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
    if ((rc = request_comment(cx, id, text, is_public, &event_id)) != ERR_OK)
        return rc;
    http_json(rs, 201, json_pack("{s:I}", "id", (json_int_t)event_id));
    return ERR_OK;
}
