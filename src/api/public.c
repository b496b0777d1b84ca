/* public.c — the request form clients use without logging in (api layer);
 * the status page is the requests' public view (api/timeline.c). */
#include <string.h>

#include "api/api.h"
#include "domain/desk/desk.h"
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

/* A client's rating of their resolved request: {number, code, rating,
 * comment?}, the pair as on the status page. */
API_HANDLER(api_public_rating)
{
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    const char *number = NULL, *code = NULL, *comment = NULL;
    json_int_t rating = 0;
    json_error_t je;
    if (json_unpack_ex(body, &je, JSON_STRICT, "{s:s,s:s,s:I,s?s}", "number", &number, "code",
                       &code, "rating", &rating, "comment", &comment) != 0) {
        json_decref(body);
        return ctx_fail(cx, ERR_INVALID, "a rating takes number, code, rating (1–5), comment: %s",
                        je.text);
    }
    number = arena_strdup(cx->a, number);
    code = arena_strdup(cx->a, code);
    comment = arena_strdup(cx->a, comment);
    json_decref(body);
    struct record *req;
    if ((rc = request_rate(cx, number, code, rating, comment, &req)) != ERR_OK)
        return rc;
    http_json(rs, 201,
              json_pack("{s:s,s:I,s:s?}", "number", rec_get(req, REQ_NUMBER)->s, "rating",
                        (json_int_t)rec_get(req, REQ_RATING)->i, "comment",
                        rec_get(req, REQ_RATING_COMMENT)->null
                            ? NULL
                            : rec_get(req, REQ_RATING_COMMENT)->s));
    return ERR_OK;
}
