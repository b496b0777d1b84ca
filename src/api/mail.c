/* mail.c — e-mail handed over by a mail server on another host (api
 * layer): POST /api/v1/intake/email with the raw message as the body
 * (Content-Type: message/rfc822), as `servitor mail-intake` takes it on
 * standard input. */
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "domain/desk/mail.h"
#include "domain/desk/mime.h"
#include "base/banned.h"

API_HANDLER(api_mail_intake)
{
    if (rq->body_too_big)
        return ctx_fail(cx, ERR_TOOBIG, "messages up to %d MiB", MAIL_MAX_BYTES / 1024 / 1024);
    const char *type = http_request_header(rq, "Content-Type");
    if (!type || strncasecmp(type, "message/rfc822", 14) != 0)
        return ctx_fail(cx, ERR_MALFORMED, "send the message as Content-Type: message/rfc822");
    struct mail_result res;
    enum err_code rc = mail_intake(cx, rq->body ? rq->body : "", rq->body_len, &res);
    if (rc != ERR_OK)
        return rc;
    int status = res.outcome == MAIL_CREATED ? 201 : res.outcome == MAIL_IGNORED ? 202 : 200;
    json_t *o = json_pack("{s:s,s:s?,s:i,s:i}", "outcome", mail_outcome_name(res.outcome), "from",
                          res.from, "attached", res.attached, "skipped", res.skipped);
    if (res.request_id) {
        json_object_set_new(o, "request_id", json_integer(res.request_id));
        json_object_set_new(o, "number", json_string(res.number));
    }
    if (res.reason)
        json_object_set_new(o, "reason", json_string(res.reason));
    http_json(rs, status, o);
    return ERR_OK;
}
