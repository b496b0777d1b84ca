/* public.c — the pages clients use without logging in (api layer): the
 * request form and the status page. */
#include <string.h>

#include "api/api.h"
#include "domain/desk/intake.h"
#include "base/banned.h"

API_HANDLER(api_public_request)
{
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    struct intake in = {0};
    int consent = 0;
    json_error_t je;
    if (json_unpack_ex(body, &je, JSON_STRICT, "{s?s,s?s,s?s,s?s,s?s,s?b,s?s}", "name", &in.name,
                       "phone", &in.phone, "email", &in.email, "equipment", &in.equipment,
                       "description", &in.description, "consent", &consent, "website",
                       &in.trap) != 0) {
        json_decref(body);
        return ctx_fail(cx, ERR_INVALID, "unexpected field or type: %s", je.text);
    }
    in.name = arena_strdup(cx->a, in.name);
    in.phone = arena_strdup(cx->a, in.phone);
    in.email = arena_strdup(cx->a, in.email);
    in.equipment = arena_strdup(cx->a, in.equipment);
    in.description = arena_strdup(cx->a, in.description);
    in.trap = arena_strdup(cx->a, in.trap);
    in.consent = consent != 0;
    json_decref(body);
    struct record *req;
    if ((rc = desk_intake(cx, &in, &req)) != ERR_OK)
        return rc;
    if (!req) {
        /* the trap was filled: look accepted, make nothing */
        http_json(rs, 202, json_pack("{s:s}", "status", "accepted"));
        return ERR_OK;
    }
    const char *number = rec_get(req, REQ_NUMBER)->s, *code = rec_get(req, REQ_ACCESS_CODE)->s;
    http_json(rs, 201,
              json_pack("{s:s,s:s,s:s}", "number", number, "access_code", code, "status_url",
                        arena_printf(cx->a, "/#/public/status?number=%s&code=%s", number, code)));
    return ERR_OK;
}

API_HANDLER(api_public_status)
{
    struct record *req;
    struct request_event *ev;
    int n;
    enum err_code rc =
        desk_public_status(cx, api_param(rq, "number"), api_param(rq, "code"), &req, &ev, &n);
    if (rc != ERR_OK)
        return rc;
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:s,s:s,s:s?,s:s?,s:s?}", "at", ev[i].at, "kind",
                                               ev[i].kind, "body", ev[i].body, "from",
                                               ev[i].from_state, "to", ev[i].to_state));
    http_json(rs, 200,
              json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "number", rec_get(req, REQ_NUMBER)->s,
                        "status", rec_get(req, REQ_STATUS)->s, "subject",
                        rec_get(req, REQ_SUBJECT)->s, "created_at", req->created_at, "updated_at",
                        req->updated_at, "timeline", items));
    return ERR_OK;
}
