/* messages.c — messages to clients (api layer): the outbox and its dead
 * letters, resending, the company's details, a template's preview. */
#include <string.h>

#include "api/api.h"
#include "base/util.h"
#include "core/outbox.h"
#include "base/banned.h"

static json_t *row_json(const struct outbox_row *r)
{
    return json_pack("{s:I,s:s,s:s?,s:s?,s:s,s:s,s:s?,s:s?,s:o,s:o,s:s,s:s?,s:s,s:s?,s:s?,s:I,"
                     "s:I}",
                     "id", (json_int_t)r->id, "created_at", r->created_at, "updated_at",
                     r->updated_at, "sent_at", r->sent_at, "channel", r->channel, "address",
                     r->address, "event", r->event, "entity", r->entity, "client_id",
                     r->client_id ? json_integer(r->client_id) : json_null(), "record_id",
                     r->record_id ? json_integer(r->record_id) : json_null(), "state", r->state,
                     "subject", r->subject, "body", r->body, "last_error", r->last_error,
                     "message_id", r->message_id, "attempts", (json_int_t)r->attempts,
                     "next_attempt_at", (json_int_t)r->next_attempt_at);
}

/* ?state=pending|sending|sent|failed &before=<id> &limit=1..200 */
API_HANDLER(api_outbox_list)
{
    const char *state = api_param(rq, "state"), *before_s = api_param(rq, "before"),
               *limit_s = api_param(rq, "limit");
    static const char *const states[] = {"pending", "sending", "sent", "failed", NULL};
    if (state && *state) {
        bool ok = false;
        for (int i = 0; states[i]; i++)
            ok |= !strcmp(state, states[i]);
        if (!ok)
            return ctx_fail(cx, ERR_MALFORMED, "state is one of pending, sending, sent, failed");
    }
    int64_t before = 0, limit = 50;
    if (before_s && (!parse_i64(before_s, strlen(before_s), &before) || before < 0))
        return ctx_fail(cx, ERR_MALFORMED, "before is a message id");
    if (limit_s && (!parse_i64(limit_s, strlen(limit_s), &limit) || limit < 1 || limit > 200))
        return ctx_fail(cx, ERR_MALFORMED, "limit is from 1 to 200");
    struct outbox_row *rows;
    int n;
    enum err_code rc =
        outbox_list(cx, state && *state ? state : NULL, before, (int)limit, &rows, &n);
    if (rc != ERR_OK)
        return rc;
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, row_json(&rows[i]));
    http_json(rs, 200,
              json_pack("{s:o,s:o}", "items", items, "next_before",
                        n == limit ? json_integer(rows[n - 1].id) : json_null()));
    return ERR_OK;
}

API_HANDLER(api_outbox_resend)
{
    int64_t id;
    enum err_code rc = api_path_id(cx, rq, 0, &id);
    if (rc == ERR_OK)
        rc = outbox_resend(cx, id);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, json_pack("{s:I,s:s}", "id", (json_int_t)id, "state", "pending"));
    return ERR_OK;
}

static json_t *company_json(struct company *c)
{
    json_t *j = json_pack("{s:I,s:b}", "version", (json_int_t)c->version, "sla_apologies",
                          c->sla_apologies);
    for (const struct company_column *col = company_columns; col->name; col++)
        json_object_set_new(j, col->name, json_string(*company_text(c, col)));
    return j;
}

API_HANDLER(api_company_get)
{
    struct company c;
    enum err_code rc = company_get(cx, &c);
    if (rc != ERR_OK)
        return rc;
    http_json(rs, 200, company_json(&c));
    return ERR_OK;
}

/* {"version": n, and any of the texts of company_columns, "sla_apologies"?} */
API_HANDLER(api_company_update)
{
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    json_t *version = json_object_get(body, "version");
    struct company in;
    memset(&in, 0, sizeof(in));
    for (const struct company_column *col = company_columns; col->name; col++) {
        json_t *v = json_object_get(body, col->name);
        if (v && !json_is_string(v) && !json_is_null(v))
            err_field(&cx->err, col->name, "invalid");
        else if (v)
            *company_text(&in, col) =
                arena_strdup(cx->a, json_is_null(v) ? "" : json_string_value(v));
    }
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        bool known = !strcmp(key, "version") || !strcmp(key, "sla_apologies");
        for (const struct company_column *col = company_columns; !known && col->name; col++)
            known = !strcmp(key, col->name);
        if (!known)
            err_field(&cx->err, arena_strdup(cx->a, key), "unknown");
    }
    json_t *apol = json_object_get(body, "sla_apologies");
    if (apol && !json_is_boolean(apol))
        err_field(&cx->err, "sla_apologies", "invalid");
    if (!json_is_integer(version))
        err_field(&cx->err, "version", "required");
    int sla = apol ? json_is_true(apol) : -1;
    int64_t ver = json_is_integer(version) ? json_integer_value(version) : 0;
    json_decref(body);
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "invalid company details");
    struct company c;
    if ((rc = company_update(cx, ver, &in, sla, &c)) != ERR_OK)
        return rc;
    http_json(rs, 200, company_json(&c));
    return ERR_OK;
}

/* {"subject"?, "body"} rendered with made-up values; an unknown
 * placeholder is a field error, as on save. */
API_HANDLER(api_template_preview)
{
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    json_t *js = json_object_get(body, "subject"), *jb = json_object_get(body, "body");
    const char *subject = json_is_string(js) ? arena_strdup(cx->a, json_string_value(js)) : "";
    const char *text = json_is_string(jb) ? arena_strdup(cx->a, json_string_value(jb)) : NULL;
    json_decref(body);
    if (!text)
        err_field(&cx->err, "body", "required");
    else if (outbox_unknown_placeholder(cx->a, text))
        err_field(&cx->err, "body", "unknown_placeholder");
    if (outbox_unknown_placeholder(cx->a, subject))
        err_field(&cx->err, "subject", "unknown_placeholder");
    if (cx->err.nfields) {
        const char *bad = outbox_unknown_placeholder(cx->a, text ? text : "");
        if (!bad)
            bad = outbox_unknown_placeholder(cx->a, subject);
        return ctx_fail(cx, ERR_INVALID, bad ? "unknown placeholder %s" : "the text is missing",
                        bad);
    }
    struct company co;
    if ((rc = company_get(cx, &co)) != ERR_OK)
        return rc;
    struct outbox_vars v = {{0}};
    v.v[PH_NUMBER] = "О-2026-000123";
    v.v[PH_SUBJECT] = "Не печатает принтер";
    v.v[PH_STATUS] = "в работе";
    v.v[PH_CODE] = "482913";
    v.v[PH_LINK] = arena_printf(cx->a, "%s/#/public/status?number=%%D0%%9E-2026-000123&code=482913",
                                *co.public_url ? co.public_url : "https://service.example.ru");
    v.v[PH_REPLY] = "Картридж заменили, принтер печатает.";
    v.v[PH_CLIENT] = "Иван Петров";
    v.v[PH_COMPANY] = co.name;
    v.v[PH_REQUISITES] = co.requisites;
    v.v[PH_PICKUP] =
        "Оборудование Kyocera ECOSYS M2040dn (серийный номер VCF9Z12345) можно забрать.";
    http_json(rs, 200,
              json_pack("{s:s,s:s}", "subject", outbox_render(cx->a, subject, &v), "body",
                        outbox_render(cx->a, text, &v)));
    return ERR_OK;
}
