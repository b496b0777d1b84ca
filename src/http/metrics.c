/* metrics.c — request counters and latency histogram in Prometheus text
 * format (http layer). Counters are plain atomics: no lock on the hot path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "http/guard.h"
#include "http/http.h"
#include "base/banned.h"

#define MAX_ROUTES HTTP_MAX_ROUTES

static const int statuses[] = {200, 201, 204, 206, 400, 401, 403, 404, 405,
                               409, 413, 415, 416, 422, 429, 500, 503, 0 /* other */};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]))

static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

/* slot MAX_ROUTES counts requests that matched no route */
static unsigned long long counts[MAX_ROUTES + 1][NSTATUS];
static unsigned long long hist[NBUCKETS + 1];
static unsigned long long hist_count;
static unsigned long long hist_sum_us;

void metrics_count(int route, int status, double seconds)
{
    int r = route >= 0 && route < MAX_ROUTES ? route : MAX_ROUTES;
    size_t s = NSTATUS - 1;
    for (size_t i = 0; i + 1 < NSTATUS; i++)
        if (statuses[i] == status)
            s = i;
    __atomic_add_fetch(&counts[r][s], 1, __ATOMIC_RELAXED);
    size_t b = NBUCKETS;
    for (size_t i = 0; i < NBUCKETS; i++)
        if (seconds <= buckets[i]) {
            b = i;
            break;
        }
    __atomic_add_fetch(&hist[b], 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&hist_count, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&hist_sum_us, (unsigned long long)(seconds * 1e6), __ATOMIC_RELAXED);
}

char *metrics_render(size_t *len)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, "# HELP servitor_http_requests_total HTTP requests by route and status.\n"
                 "# TYPE servitor_http_requests_total counter\n");
    for (int r = 0; r <= MAX_ROUTES; r++) {
        if (r < MAX_ROUTES && r >= nroutes)
            continue;
        for (size_t s = 0; s < NSTATUS; s++) {
            unsigned long long n = __atomic_load_n(&counts[r][s], __ATOMIC_RELAXED);
            if (!n)
                continue;
            const char *method = r < MAX_ROUTES ? routes[r].method : "";
            const char *pattern = r < MAX_ROUTES ? routes[r].pattern : "unmatched";
            char status[8];
            if (statuses[s])
                snprintf(status, sizeof(status), "%d", statuses[s]);
            else
                snprintf(status, sizeof(status), "other");
            buf_printf(&b,
                       "servitor_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} "
                       "%llu\n",
                       method, pattern, status, n);
        }
    }
    buf_adds(&b, "# HELP servitor_http_request_duration_seconds Time to answer a request.\n"
                 "# TYPE servitor_http_request_duration_seconds histogram\n");
    unsigned long long cum = 0;
    for (size_t i = 0; i < NBUCKETS; i++) {
        cum += __atomic_load_n(&hist[i], __ATOMIC_RELAXED);
        buf_printf(&b, "servitor_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                   buckets[i], cum);
    }
    cum += __atomic_load_n(&hist[NBUCKETS], __ATOMIC_RELAXED);
    buf_printf(&b, "servitor_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
    buf_printf(&b, "servitor_http_request_duration_seconds_sum %.6f\n",
               (double)__atomic_load_n(&hist_sum_us, __ATOMIC_RELAXED) / 1e6);
    buf_printf(&b, "servitor_http_request_duration_seconds_count %llu\n",
               __atomic_load_n(&hist_count, __ATOMIC_RELAXED));
    uint64_t batches, grouped;
    if (server_group_stats(&batches, &grouped))
        buf_printf(&b,
                   "# HELP servitor_group_commits_total Commits of writing requests (SQLite).\n"
                   "# TYPE servitor_group_commits_total counter\n"
                   "servitor_group_commits_total %llu\n"
                   "# HELP servitor_group_requests_total Writing requests those commits carried.\n"
                   "# TYPE servitor_group_requests_total counter\n"
                   "servitor_group_requests_total %llu\n",
                   (unsigned long long)batches, (unsigned long long)grouped);
    uint64_t idle, head, body;
    guard_stats(&idle, &head, &body);
    buf_printf(&b,
               "# HELP servitor_connections_cut_total Connections cut by the slow-client "
               "deadlines.\n"
               "# TYPE servitor_connections_cut_total counter\n"
               "servitor_connections_cut_total{reason=\"idle\"} %llu\n"
               "servitor_connections_cut_total{reason=\"head\"} %llu\n"
               "servitor_connections_cut_total{reason=\"body\"} %llu\n",
               (unsigned long long)idle, (unsigned long long)head, (unsigned long long)body);
    return buf_detach(&b, len);
}
