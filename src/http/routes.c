/* routes.c — the route table: the whole HTTP surface in one array
 * (http layer). First match wins, so specific routes come before the
 * generic resource routes (/api/v1/:entity…). */
#include <string.h>

#include "api/api.h"
#include "base/timeutil.h"
#include "core/perm.h"
#include "http/http.h"
#include "base/banned.h"

/* clang-format off */
const struct route routes[] = {
    /* method   pattern                                 handler            permission       flags */
    {"GET",    "/healthz",                              api_healthz,       0,               R_PUBLIC},
    {"GET",    "/ping",                                 api_ping,          0,               R_PUBLIC},
    {"GET",    "/metrics",                              api_metrics,       0,               R_PUBLIC},
    {"GET",    "/",                                     api_static,        0,               R_PUBLIC | R_STATIC},
    {"GET",    "/:file",                                api_static,        0,               R_PUBLIC | R_STATIC},
    {"GET",    "/api/v1/openapi.json",                  api_openapi,       0,               R_PUBLIC},
    {"POST",   "/api/v1/public/requests",               api_public_request, 0,              R_PUBLIC},
    {"GET",    "/api/v1/public/status",                 api_public_status, 0,               R_PUBLIC},
    {"GET",    "/api/v1/public/:entity/status",         api_public_view,   0,               R_PUBLIC},
    {"POST",   "/api/v1/auth/login",                    api_login,         0,               R_PUBLIC | R_SAME_ORIGIN},
    {"POST",   "/api/v1/auth/logout",                   api_logout,        0,               0},
    {"GET",    "/api/v1/auth/me",                       api_me,            0,               0},
    {"GET",    "/api/v1/meta",                          api_meta,          0,               0},
    {"GET",    "/api/v1/audit",                         api_audit_list,    P_AUDIT_READ,    0},
    {"GET",    "/api/v1/tokens",                        api_tokens_list,   P_TOKENS_MANAGE, 0},
    {"POST",   "/api/v1/tokens",                        api_tokens_create, P_TOKENS_MANAGE, 0},
    {"DELETE", "/api/v1/tokens/:id",                    api_tokens_delete, P_TOKENS_MANAGE, 0},
    {"GET",    "/api/v1/equipment_units/:id/history",   api_unit_history,  P_EQUIPMENT_READ, 0},
    {"POST",   "/api/v1/business_calendars/:id/days",   api_calendar_load, P_BRANCHES_WRITE, 0},
    {"GET",    "/api/v1/requests/:id/articles",         api_request_articles, P_REQUESTS_READ, 0},
    {"POST",   "/api/v1/consultations",                 api_consultation,  P_REQUESTS_WORK, 0},
    {"GET",    "/api/v1/desk/workload",                 api_workload,      P_REQUESTS_READ, 0},
    {"GET",    "/api/v1/notifications",                 api_notifications, 0,               0},
    {"POST",   "/api/v1/notifications/read",            api_notifications_read, 0,          0},
    {"GET",    "/api/v1/desk/counters",                 api_desk_counters, P_REQUESTS_READ, 0},
    {"GET",    "/api/v1/desk/sla-report",               api_sla_report,    P_REQUESTS_READ, 0},
    {"POST",   "/api/v1/requests/:id/attachments",      api_attachment_upload, P_REQUESTS_WRITE, R_UPLOAD},
    {"GET",    "/api/v1/requests/:id/attachments",      api_attachment_list, P_REQUESTS_READ, 0},
    {"GET",    "/api/v1/attachments/:id",               api_attachment_get, P_REQUESTS_READ, 0},
    {"POST",   "/api/v1/intake/email",                  api_mail_intake,   P_REQUESTS_ASSIGN, R_UPLOAD},
    /* only with SERVITOR_TEST_CLOCK=1 (tests): absent otherwise */
    {"POST",   "/test/clock",                           api_test_clock,    0,               R_PUBLIC | R_TEST},
    {"POST",   "/test/jobs/run",                        api_test_job_run,  0,               R_PUBLIC | R_TEST},
    /* generic resources: the entity's own permissions are checked inside */
    {"GET",    "/api/v1/:entity",                       api_entity_list,   0,               R_GENERIC},
    {"POST",   "/api/v1/:entity",                       api_entity_create, 0,               R_GENERIC},
    {"POST",   "/api/v1/:entity/bulk/:name",            api_entity_bulk,   0,               R_GENERIC},
    {"GET",    "/api/v1/:entity/:id",                   api_entity_get,    0,               R_GENERIC},
    {"PATCH",  "/api/v1/:entity/:id",                   api_entity_update, 0,               R_GENERIC},
    {"DELETE", "/api/v1/:entity/:id",                   api_entity_delete, 0,               R_GENERIC},
    {"POST",   "/api/v1/:entity/:id/transitions/:name", api_entity_transition, 0,           R_GENERIC},
    {"GET",    "/api/v1/:entity/:id/timeline",          api_timeline,      0,               R_GENERIC},
    {"POST",   "/api/v1/:entity/:id/comments",          api_comment,       0,               R_GENERIC},
};
/* clang-format on */

const int nroutes = sizeof(routes) / sizeof(routes[0]);

/* Matches one pattern; captures go to rq->args (arena-free: they point into
 * a copy kept by the caller). */
static bool match(const char *pattern, const char *path, struct http_req *rq, char *scratch)
{
    int nargs = 0;
    const char *p = pattern, *s = path;
    char *out = scratch;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return false;
        p++;
        s++;
        const char *pe = strchr(p, '/');
        const char *se = strchr(s, '/');
        size_t pl = pe ? (size_t)(pe - p) : strlen(p);
        size_t sl = se ? (size_t)(se - s) : strlen(s);
        if (pl && *p == ':') {
            if (sl == 0 || nargs >= HTTP_MAX_ARGS)
                return false;
            memcpy(out, s, sl);
            out[sl] = 0;
            rq->args[nargs++] = out;
            out += sl + 1;
        } else if (pl != sl || memcmp(p, s, pl) != 0) {
            return false;
        }
        p += pl;
        s += sl;
    }
    if (*p || *s)
        return false;
    rq->nargs = nargs;
    return true;
}

const struct route *route_match(const char *method, const char *path, struct http_req *rq,
                                bool *path_found)
{
    static _Thread_local char scratch[4096];
    bool fixed_found = false;
    *path_found = false;
    if (strlen(path) >= sizeof(scratch) / 2)
        return NULL;
    bool tests = time_test_enabled();
    for (int i = 0; i < nroutes; i++) {
        if ((routes[i].flags & R_TEST) && !tests)
            continue; /* not routed at all outside tests */
        if (!match(routes[i].pattern, path, rq, scratch))
            continue;
        if ((routes[i].flags & R_GENERIC) && fixed_found)
            return NULL; /* a fixed route owns this path: wrong method */
        if (strcmp(routes[i].method, method) == 0 ||
            (strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0))
            return &routes[i];
        *path_found = true;
        fixed_found |= !(routes[i].flags & R_GENERIC);
    }
    return NULL;
}
