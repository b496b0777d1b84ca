/* routes.c — the route table: the whole HTTP surface in one array
 * (http layer). First match wins, so specific routes come before the
 * generic resource routes (/api/v1/:entity…). */
#include <pthread.h>
#include <string.h>

#include "api/api.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "core/perm.h"
#include "domain/domain.h"
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
    {"GET",    "/api/v1/public/:entity/files/:file",    api_public_file,   0,               R_PUBLIC},
    {"POST",   "/api/v1/public/requests/rating",        api_public_rating, 0,               R_PUBLIC},
    {"POST",   "/api/v1/auth/login",                    api_login,         0,               R_PUBLIC | R_SAME_ORIGIN},
    {"POST",   "/api/v1/auth/logout",                   api_logout,        0,               0},
    {"GET",    "/api/v1/auth/me",                       api_me,            0,               0},
    {"GET",    "/api/v1/meta",                          api_meta,          0,               0},
    {"GET",    "/api/v1/audit",                         api_audit_list,    P_AUDIT_READ,    0},
    {"GET",    "/api/v1/tokens",                        api_tokens_list,   P_TOKENS_MANAGE, 0},
    {"POST",   "/api/v1/tokens",                        api_tokens_create, P_TOKENS_MANAGE, 0},
    {"DELETE", "/api/v1/tokens/:id",                    api_tokens_delete, P_TOKENS_MANAGE, 0},
    {"GET",    "/api/v1/equipment_units/:id/history",   api_unit_history,  P_EQUIPMENT_READ, 0},
    {"POST",   "/api/v1/business_calendars/:id/days",   api_calendar_load, P_DESK_SETTINGS,  0},
    {"GET",    "/api/v1/requests/:id/articles",         api_request_articles, P_REQUESTS_READ, 0},
    {"POST",   "/api/v1/consultations",                 api_consultation,  P_REQUESTS_WORK, 0},
    {"GET",    "/api/v1/desk/workload",                 api_workload,      P_REQUESTS_READ, 0},
    {"GET",    "/api/v1/notifications",                 api_notifications, 0,               R_OWN},
    {"POST",   "/api/v1/notifications/read",            api_notifications_read, 0,          R_OWN},
    {"GET",    "/api/v1/desk/counters",                 api_desk_counters, P_REQUESTS_READ, 0},
    {"GET",    "/api/v1/workshop/overdue",              api_workshop_overdue, P_WORKSHOP_READ, 0},
    {"GET",    "/api/v1/repair_orders/:id/summary",     api_repair_summary, P_WORKSHOP_READ, 0},
    {"POST",   "/api/v1/repair_orders/:id/issue_parts", api_repair_issue_parts, P_STOCK_WRITE, 0},
    {"POST",   "/api/v1/repair_orders/:id/time/start",  api_repair_time_start, P_WORKSHOP_WRITE, 0},
    {"POST",   "/api/v1/repair_orders/:id/time/stop",   api_repair_time_stop, P_WORKSHOP_WRITE, 0},
    {"POST",   "/api/v1/public/repair_orders/estimate", api_public_repair_answer, 0,        R_PUBLIC},
    {"GET",    "/api/v1/repair_orders/:id/qc",          api_repair_qc_get, P_WORKSHOP_READ, 0},
    {"POST",   "/api/v1/repair_orders/:id/qc",          api_repair_qc_record, P_WORKSHOP_QC, 0},
    {"GET",    "/api/v1/shipments/:id/units",           api_shipment_units, P_WORKSHOP_READ, 0},
    {"POST",   "/api/v1/shipments/:id/receive",         api_shipment_receive, P_WORKSHOP_WRITE, 0},
    {"GET",    "/api/v1/workshop/shipments/overdue",    api_shipments_overdue, P_WORKSHOP_READ, 0},
    {"GET",    "/api/v1/repair_orders/:id/clocks",      api_repair_clocks, P_WORKSHOP_READ, 0},
    {"POST",   "/api/v1/repair_orders/:id/dispose",     api_repair_dispose, P_WORKSHOP_MANAGE, 0},
    {"GET",    "/api/v1/equipment_units/:id/service_history", api_unit_service_history, P_EQUIPMENT_READ, 0},
    {"GET",    "/api/v1/desk/sla-report",               api_sla_report,    P_REQUESTS_READ, 0},
    {"GET",    "/api/v1/attachments/:id",               api_request_attachment_get, P_REQUESTS_READ, 0},
    {"GET",    "/api/v1/reports/:name",                 api_report,        P_REPORTS_READ,  0},
    {"POST",   "/api/v1/intake/email",                  api_mail_intake,   P_REQUESTS_ASSIGN, R_UPLOAD},
    {"GET",    "/api/v1/outbox",                        api_outbox_list,   P_MESSAGES_OUTBOX, 0},
    {"POST",   "/api/v1/outbox/:id/resend",             api_outbox_resend, P_MESSAGES_OUTBOX, 0},
    {"GET",    "/api/v1/company",                       api_company_get,   0,               0},
    {"PATCH",  "/api/v1/company",                       api_company_update, P_MESSAGES_SETTINGS, 0},
    {"POST",   "/api/v1/message_templates/preview",     api_template_preview, P_MESSAGES_SETTINGS, 0},
    {"POST",   "/api/v1/stock/postings",                api_stock_post,    P_STOCK_WRITE,   0},
    {"GET",    "/api/v1/stock/postings",                api_stock_postings, P_STOCK_READ,   0},
    {"GET",    "/api/v1/stock/postings/:id",            api_stock_posting_get, P_STOCK_READ, 0},
    {"POST",   "/api/v1/stock/postings/:id/receive",    api_stock_receive, P_STOCK_WRITE,   0},
    {"POST",   "/api/v1/stock/postings/:id/reverse",    api_stock_reverse, P_STOCK_WRITE,   0},
    {"POST",   "/api/v1/stock/reserve",                 api_stock_reserve, P_STOCK_RESERVE, 0},
    {"POST",   "/api/v1/stock/release",                 api_stock_release, P_STOCK_RESERVE, 0},
    {"POST",   "/api/v1/stock/issue",                   api_stock_issue,   P_STOCK_WRITE,   0},
    {"GET",    "/api/v1/stock/reservations",            api_stock_reservations, P_STOCK_READ, 0},
    {"GET",    "/api/v1/stock/movements",               api_stock_movements, P_STOCK_READ,  0},
    {"GET",    "/api/v1/stock/find",                    api_stock_find,    P_STOCK_READ,    0},
    {"GET",    "/api/v1/stock/replenishment",           api_stock_replenishment, P_PURCHASING_READ, 0},
    {"POST",   "/api/v1/stock/replenishment/accept",    api_replenishment_accept, P_PURCHASING_WRITE, 0},
    {"GET",    "/api/v1/stock/replenishment/accepted",  api_replenishment_accepted, P_PURCHASING_READ, 0},
    {"POST",   "/api/v1/stock/replenishment/accepted/:id/drop", api_replenishment_drop, P_PURCHASING_WRITE, 0},
    {"GET",    "/api/v1/parts/:id/stock",               api_part_stock,    P_STOCK_READ,    0},
    {"GET",    "/api/v1/warehouses/:id/stock",          api_warehouse_stock, P_STOCK_READ,  0},
    {"GET",    "/api/v1/stock_counts/:id/lines",        api_count_lines,   P_STOCK_READ,    0},
    {"POST",   "/api/v1/stock_counts/:id/lines",        api_count_enter,   P_STOCK_WRITE,   0},
    {"POST",   "/api/v1/stock_counts/:id/post",         api_count_post,    P_STOCK_WRITE,   0},
    {"POST",   "/api/v1/stock_counts/:id/cancel",       api_count_cancel,  P_STOCK_WRITE,   0},
    {"POST",   "/api/v1/suppliers/:id/price-import",    api_price_import_preview, P_PURCHASING_WRITE, R_UPLOAD},
    {"POST",   "/api/v1/suppliers/:id/price-import/confirm", api_price_import_confirm, P_PURCHASING_WRITE, R_UPLOAD},
    {"GET",    "/api/v1/suppliers/:id/prices",          api_supplier_prices, P_PURCHASING_READ, 0},
    {"GET",    "/api/v1/suppliers/:id/price-history",   api_supplier_price_history, P_PURCHASING_READ, 0},
    {"POST",   "/api/v1/purchase_orders/from-suggestions", api_po_from_suggestions, P_PURCHASING_WRITE, 0},
    {"GET",    "/api/v1/purchase_orders/on-order",      api_po_on_order,   P_PURCHASING_READ, 0},
    {"GET",    "/api/v1/purchase_orders/:id/lines",     api_po_lines,      P_PURCHASING_READ, 0},
    {"POST",   "/api/v1/purchase_orders/:id/lines",     api_po_set_lines,  P_PURCHASING_WRITE, 0},
    {"POST",   "/api/v1/purchase_orders/:id/receive",   api_po_receive,    P_STOCK_WRITE,   0},
    {"GET",    "/api/v1/supplier_returns/:id/lines",    api_supplier_return_lines, P_PURCHASING_READ, 0},
    {"POST",   "/api/v1/supplier_returns/:id/post",     api_supplier_return_post, P_STOCK_WRITE, 0},
    {"GET",    "/api/v1/suppliers/:id/scorecard",       api_supplier_scorecard, P_PURCHASING_READ, 0},
    /* only with SERVITOR_TEST_CLOCK=1 (tests): absent otherwise */
    {"POST",   "/test/clock",                           api_test_clock,    0,               R_PUBLIC | R_TEST},
    {"POST",   "/test/jobs/run",                        api_test_job_run,  0,               R_PUBLIC | R_TEST},
    /* generic resources: the permission comes from the :entity (route_perm) */
    {"GET",    "/api/v1/:entity",                       api_entity_list,   0,               R_GENERIC},
    {"POST",   "/api/v1/:entity",                       api_entity_create, 0,               R_GENERIC | R_WRITE},
    {"POST",   "/api/v1/:entity/bulk/:name",            api_entity_bulk,   0,               R_GENERIC},
    {"GET",    "/api/v1/:entity/:id",                   api_entity_get,    0,               R_GENERIC},
    {"PATCH",  "/api/v1/:entity/:id",                   api_entity_update, 0,               R_GENERIC | R_WRITE},
    {"DELETE", "/api/v1/:entity/:id",                   api_entity_delete, 0,               R_GENERIC | R_DELETE},
    {"POST",   "/api/v1/:entity/:id/transitions/:name", api_entity_transition, 0,           R_GENERIC},
    {"GET",    "/api/v1/:entity/:id/timeline",          api_timeline,      0,               R_GENERIC},
    {"POST",   "/api/v1/:entity/:id/comments",          api_comment,       0,               R_GENERIC | R_WRITE},
    {"POST",   "/api/v1/:entity/:id/attachments",       api_attachment_upload, 0,           R_GENERIC | R_WRITE | R_UPLOAD},
    {"GET",    "/api/v1/:entity/:id/attachments",       api_attachment_list, 0,             R_GENERIC},
    {"GET",    "/api/v1/:entity/:id/attachments/:file", api_attachment_get, 0,              R_GENERIC},
    {"GET",    "/api/v1/:entity/:id/documents/:doc.pdf", api_document,    0,               R_GENERIC | R_GET_WRITES},
    {"GET",    "/api/v1/:entity/:id/documents",         api_documents_issued, 0,            R_GENERIC},
};
/* clang-format on */

const int nroutes = sizeof(routes) / sizeof(routes[0]);
_Static_assert(sizeof(routes) / sizeof(routes[0]) <= HTTP_MAX_ROUTES,
               "metrics.c counts HTTP_MAX_ROUTES routes: raise it");

/* Paths and patterns are compared segment by segment ("/a//b" is "a", "",
 * "b"). The patterns are split once, at the first request: matching walked
 * every pattern's text with strchr before, the most of a get's routing. */
enum { MAX_SEGS = 8 };

struct seg {
    const char *s;
    size_t len;
    size_t suffix; /* a capture ":doc.pdf": the ".pdf" its segment must end in */
    bool capture;
};

static struct compiled {
    struct seg segs[MAX_SEGS];
    int nsegs; /* -1: more than MAX_SEGS (never matches) */
} compiled[HTTP_MAX_ROUTES];
static pthread_once_t compiled_once = PTHREAD_ONCE_INIT;

/* Splits "/x/y" into its segments; -1 when it does not start with '/' or
 * has more than MAX_SEGS. */
static int split(const char *path, struct seg *segs)
{
    if (*path != '/')
        return -1;
    int n = 0;
    for (const char *p = path + 1;; p++) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (n == MAX_SEGS)
            return -1;
        segs[n++] = (struct seg){.s = p, .len = len};
        if (!e)
            return n;
        p = e;
    }
}

static void compile_routes(void)
{
    for (int i = 0; i < nroutes; i++) {
        struct compiled *c = &compiled[i];
        c->nsegs = split(routes[i].pattern, c->segs);
        for (int k = 0; k < c->nsegs; k++) {
            struct seg *g = &c->segs[k];
            if (g->len && g->s[0] == ':') {
                const char *dot = memchr(g->s, '.', g->len);
                g->capture = true;
                g->suffix = dot ? g->len - (size_t)(dot - g->s) : 0;
            }
        }
    }
}

/* Matches one compiled pattern against the split path; captures go to
 * rq->args, pointing into scratch (the caller copies those of the route it
 * keeps). */
static bool match(const struct compiled *c, const struct seg *path, int n, struct http_req *rq,
                  char *scratch)
{
    if (c->nsegs != n)
        return false;
    int nargs = 0;
    char *out = scratch;
    for (int k = 0; k < n; k++) {
        const struct seg *p = &c->segs[k], *s = &path[k];
        if (p->capture) {
            /* ":doc.pdf": the segment must end in ".pdf", captured without it */
            size_t suffix = p->suffix;
            if (s->len <= suffix || nargs >= HTTP_MAX_ARGS ||
                memcmp(s->s + s->len - suffix, p->s + p->len - suffix, suffix) != 0)
                return false;
            memcpy(out, s->s, s->len - suffix);
            out[s->len - suffix] = 0;
            rq->args[nargs++] = out;
            out += s->len + 1;
        } else if (p->len != s->len || memcmp(p->s, s->s, p->len) != 0) {
            return false;
        }
    }
    rq->nargs = nargs;
    return true;
}

const struct route *route_match(const char *method, const char *path, struct http_req *rq,
                                struct arena *a, bool *path_found)
{
    char scratch[4096];
    bool fixed_found = false;
    *path_found = false;
    if (strlen(path) >= sizeof(scratch) / 2)
        return NULL;
    pthread_once(&compiled_once, compile_routes);
    struct seg segs[MAX_SEGS];
    int n = split(path, segs);
    if (n < 0)
        return NULL;
    bool tests = time_test_enabled();
    for (int i = 0; i < nroutes; i++) {
        if ((routes[i].flags & R_TEST) && !tests)
            continue; /* not routed at all outside tests */
        if (!match(&compiled[i], segs, n, rq, scratch))
            continue;
        if ((routes[i].flags & R_GENERIC) && fixed_found)
            return NULL; /* a fixed route owns this path: wrong method */
        if (strcmp(routes[i].method, method) == 0 ||
            (strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
            for (int k = 0; k < rq->nargs; k++) /* the request's own, not the scratch's */
                rq->args[k] = arena_strdup(a, rq->args[k]);
            return &routes[i];
        }
        *path_found = true;
        fixed_found |= !(routes[i].flags & R_GENERIC);
    }
    return NULL;
}

enum perm route_perm(const struct route *rt, const struct entity *ent, const char *transition)
{
    if (!(rt->flags & R_GENERIC) || !ent)
        return rt->perm;
    const struct workflow *wf = transition ? domain_workflow(ent) : NULL;
    const struct transition *t = wf ? workflow_transition(wf, transition) : NULL;
    if (t)
        return t->perm;
    return rt->flags & R_WRITE    ? ent->perm_write
           : rt->flags & R_DELETE ? ent->perm_delete
                                  : ent->perm_read;
}

/* The record a route works under: the :id after the resource's name, for a
 * generic route (/api/v1/:entity/:id…) and for a fixed one
 * (/api/v1/requests/:id/timeline). NULL when the route names none. */
static const struct entity *route_record(const struct route *rt, const struct http_req *rq,
                                         const char **id)
{
    static const char prefix[] = "/api/v1/";
    if (strncmp(rt->pattern, prefix, sizeof(prefix) - 1) != 0)
        return NULL;
    const char *name = rt->pattern + sizeof(prefix) - 1, *slash = strchr(name, '/');
    if (!slash || strncmp(slash, "/:id", 4) != 0 || (slash[4] && slash[4] != '/'))
        return NULL;
    if (rt->flags & R_GENERIC) {
        *id = rq->nargs > 1 ? rq->args[1] : NULL;
        return rq->nargs > 1 ? domain_entity(rq->args[0]) : NULL;
    }
    char ename[64];
    size_t n = (size_t)(slash - name);
    if (n >= sizeof(ename) || rq->nargs < 1)
        return NULL;
    memcpy(ename, name, n);
    ename[n] = 0;
    *id = rq->args[0];
    return domain_entity(ename);
}

enum err_code route_authorize(struct ctx *cx, const struct route *rt, const struct http_req *rq)
{
    if (rt->flags & R_PUBLIC)
        return ERR_OK;
    const struct entity *ent = NULL;
    const char *transition = NULL;
    if (rt->flags & R_GENERIC) {
        /* an unknown :entity is the handler's 404 */
        ent = rq->nargs > 0 ? domain_entity(rq->args[0]) : NULL;
        if (strstr(rt->pattern, "/transitions/:name") && rq->nargs > 2)
            transition = rq->args[2];
        else if (strstr(rt->pattern, "/bulk/:name") && rq->nargs > 1)
            transition = rq->args[1];
    }
    if (!ctx_can(cx, route_perm(rt, ent, transition)))
        return ctx_fail(cx, ERR_FORBIDDEN, "your role may not do this");
    const char *id = NULL;
    const struct entity *rec_ent = route_record(rt, rq, &id);
    int64_t n;
    if (rec_ent && id && parse_i64(id, strlen(id), &n))
        return entity_visible(cx, rec_ent, n);
    return ERR_OK;
}
