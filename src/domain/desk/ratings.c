/* ratings.c — customer satisfaction (domain layer): a client rates their
 * resolved request 1–5 from the status page, once; a low rating is told to
 * the branch's managers. The rating is kept on the request (rating,
 * rating_comment, rated_at) so that it shows there, in lists and exports,
 * and the ratings report counts it per assignee. */
#include <string.h>

#include "base/text.h"
#include "base/timeutil.h"
#include "core/notify.h"
#include "core/ratelimit.h"
#include "core/record.h"
#include "core/timeline.h"
#include "domain/desk/desk.h"
#include "base/banned.h"

/* the status page's rule: wrong pairs from one address, whichever page */
static const struct rate_rule pair_rule = {.window = 600, .max = 10, .block = 600};

static enum err_code wrong_pair(struct ctx *cx, const char *key, int64_t now)
{
    if (db_begin_write(cx->db, &cx->err) == ERR_OK) {
        if (ratelimit_hit(cx, key, now, &pair_rule) == ERR_OK)
            db_commit(cx->db, &cx->err);
        else
            db_rollback(cx->db);
    }
    err_clear(&cx->err);
    return ctx_fail(cx, ERR_NOTFOUND, "nothing with this number and code");
}

enum err_code request_rate(struct ctx *cx, const char *number, const char *code, int64_t rating,
                           const char *comment, struct record **out)
{
    int64_t now = time_now();
    const char *key = arena_printf(cx->a, "status:%s", cx->remote_addr ? cx->remote_addr : "-");
    enum err_code rc = ratelimit_check(cx, key, now);
    if (rc != ERR_OK)
        return rc;
    if (rating < 1 || rating > 5)
        err_field(&cx->err, "rating", "out_of_range");
    if (comment && !utf8_valid(comment, strlen(comment)))
        err_field(&cx->err, "comment", "invalid_utf8");
    else if (comment && utf8_count(comment, strlen(comment)) > 2000)
        err_field(&cx->err, "comment", "too_long");
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "a rating is a whole number from 1 to 5");
    int64_t id = 0;
    bool found = false;
    if (number && code && strlen(number) < 40 && strlen(code) < 20)
        rc = db_get_i64(cx->db, &cx->err, &id, &found,
                        "SELECT id FROM requests WHERE number = $1 AND access_code = $2", "tt",
                        number, code);
    if (rc != ERR_OK)
        return rc;
    if (!found)
        return wrong_pair(cx, key, now);

    bool own;
    if ((rc = db_begin_own(cx->db, &cx->err, &own)) != ERR_OK)
        return rc;
    struct record *req;
    rc = entity_get(cx, &entity_requests, id, &req);
    int state = rc == ERR_OK ? request_state(rec_get(req, REQ_STATUS)->s) : -1;
    if (rc == ERR_OK && !rec_get(req, REQ_RATING)->null)
        rc = ctx_fail(cx, ERR_CONFLICT, "this request has been rated already");
    else if (rc == ERR_OK && state != RS_RESOLVED && state != RS_CLOSED)
        rc = ctx_fail(cx, ERR_CONFLICT, "a request can be rated once it is resolved");
    struct record *patch = record_new(cx, &entity_requests);
    char iso[ISO_TIME_LEN];
    time_iso(now, iso);
    *rec_set(patch, REQ_RATING) = (struct value){.set = true, .i = rating};
    *rec_set(patch, REQ_RATING_COMMENT) =
        (struct value){.set = true, .null = !comment || text_blank(comment), .s = comment};
    *rec_set(patch, REQ_RATED_AT) = (struct value){.set = true, .s = arena_strdup(cx->a, iso)};
    if (rc == ERR_OK)
        rc = entity_update_system(cx, &entity_requests, id, req->version, patch, "rating", out);
    if (rc == ERR_OK)
        rc = timeline_add(cx, &entity_requests, id, "rating", true,
                          rec_get(*out, REQ_RATING_COMMENT)->null ? NULL : comment, NULL,
                          arena_printf(cx->a, "%lld", (long long)rating), "client", NULL);
    if (rc == ERR_OK && rating <= REQUEST_LOW_RATING)
        rc = request_notify_managers(
            cx, *out, "low_rating",
            arena_printf(cx->a, "%s — %lld/5", request_title(cx, *out), (long long)rating), false);
    return db_end_own(cx->db, &cx->err, own, rc);
}
