/* testing.c — the test-only routes (api layer): set the clock, run a job now.
 * They are routed only when the server was started with
 * SERVITOR_TEST_CLOCK=1 (route flag R_TEST); otherwise they do not exist
 * (404), like Fossil's hidden test-* commands made for scripts. */
#include <string.h>

#include "api/api.h"
#include "base/timeutil.h"
#include "core/auth.h"
#include "core/jobs.h"
#include "domain/domain.h"
#include "base/banned.h"

static void reply_now(struct http_resp *rs)
{
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    http_json(rs, 200, json_pack("{s:s,s:I}", "now", now, "unix", (json_int_t)time_now()));
}

/* {"now": "2030-01-01T09:00:00Z"} stops the clock there; {"advance": 61}
 * moves it on by seconds (and stops it); {} only tells the time. */
API_HANDLER(api_test_clock)
{
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    json_t *now = json_object_get(body, "now");
    json_t *advance = json_object_get(body, "advance");
    int64_t t;
    bool ok = true;
    if (now && advance)
        ok = false;
    else if (now)
        ok = json_is_string(now) && time_parse(json_string_value(now), &t) && time_test_set(t);
    else if (advance)
        ok = json_is_integer(advance) && time_test_advance(json_integer_value(advance));
    json_decref(body);
    if (!ok)
        return ctx_fail(
            cx, ERR_INVALID,
            "expected {\"now\": \"YYYY-MM-DDTHH:MM:SSZ\"} or {\"advance\": seconds >= 0}");
    reply_now(rs);
    return ERR_OK;
}

/* {"name": "sla.scan"} runs that job once, now, in this request; {"tick":
 * true} runs one round of the jobs thread (schedule the current slots, claim
 * and run what is due) as this process. The answer comes when what it wrote
 * is durable. */
API_HANDLER(api_test_job_run)
{
    json_t *body;
    enum err_code rc = api_body(cx, rq, &body);
    if (rc != ERR_OK)
        return rc;
    if (json_is_true(json_object_get(body, "tick")) && json_object_size(body) == 1) {
        json_decref(body);
        int ran = 0;
        if ((rc = jobs_tick_now(cx, domain_jobs, &ran)) != ERR_OK)
            return rc;
        http_json(rs, 200, json_pack("{s:b,s:i}", "tick", 1, "ran", ran));
        return ERR_OK;
    }
    json_t *name = json_object_get(body, "name");
    if (!json_is_string(name)) {
        json_decref(body);
        return ctx_fail(cx, ERR_INVALID, "expected {\"name\": \"job.kind\"} or {\"tick\": true}");
    }
    const char *kind = arena_strdup(cx->a, json_string_value(name));
    json_decref(body);
    if ((rc = jobs_run_now(cx, domain_jobs, kind)) != ERR_OK)
        return rc;
    http_json(rs, 200,
              json_pack("{s:s,s:b,s:i}", "name", kind, "ran", 1, "sessions_pending",
                        auth_session_pending()));
    return ERR_OK;
}
