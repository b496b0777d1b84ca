/* requests.c — a request's timeline and comments (api layer); the record
 * itself and its transitions go through the generic resource handlers. */
#include <string.h>

#include "api/api.h"
#include "core/record.h"
#include "domain/desk/desk.h"
#include "domain/desk/knowledge.h"
#include "domain/desk/routing.h"
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

API_HANDLER(api_request_articles)
{
    int64_t id;
    struct record *rec, **items;
    int n;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = entity_get(cx, &entity_requests, id, &rec);
    if (rc == ERR_OK)
        rc = knowledge_suggest(cx, id, &items, &n);
    if (rc != ERR_OK)
        return rc;
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, record_to_json(items[i]));
    http_json(rs, 200, json_pack("{s:o}", "items", a));
    return ERR_OK;
}

API_HANDLER(api_consultation)
{
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    struct consultation c = {0};
    json_int_t client = 0, unit = 0, minutes = 0;
    json_error_t je;
    if (json_unpack_ex(body, &je, JSON_STRICT, "{s?I,s?I,s?s,s?s,s?s,s?I}", "client_id", &client,
                       "unit_id", &unit, "channel", &c.channel, "question", &c.question, "answer",
                       &c.answer, "duration_minutes", &minutes) != 0) {
        json_decref(body);
        return ctx_fail(cx, ERR_INVALID, "unexpected field or type: %s", je.text);
    }
    c.channel = arena_strdup(cx->a, c.channel);
    c.question = arena_strdup(cx->a, c.question);
    c.answer = arena_strdup(cx->a, c.answer);
    c.client_id = client;
    c.unit_id = unit;
    c.duration_minutes = minutes;
    json_decref(body);
    struct record *out;
    if ((rc = knowledge_consultation(cx, &c, &out)) != ERR_OK)
        return rc;
    http_json(rs, 201, record_to_json(out));
    http_header(cx, rs, "Location",
                arena_printf(cx->a, "/api/v1/requests/%lld", (long long)out->id));
    return ERR_OK;
}

API_HANDLER(api_workload)
{
    struct workload *w;
    int n;
    enum err_code rc = routing_workload(cx, &w, &n);
    if (rc != ERR_OK)
        return rc;
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:I,s:s,s:I,s:I,s:s?}", "user_id",
                                           (json_int_t)w[i].user_id, "name", w[i].name, "open",
                                           (json_int_t)w[i].open, "overdue",
                                           (json_int_t)w[i].overdue, "next_due", w[i].next_due));
    http_json(rs, 200, json_pack("{s:o}", "items", a));
    return ERR_OK;
}
