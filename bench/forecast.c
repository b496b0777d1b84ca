/* forecast.c — the replenishment run's cost: model selection (every model
 * fitted, backtested over 13 origins, the winner refitted and forecast 26
 * weeks) and the order suggestion for 100 000 parts of 104 weeks of random
 * history, a third each seasonal, smooth and intermittent, on BENCH_THREADS
 * threads (2). Usage: make bench-forecast, or build/bench/forecast [PARTS].
 * Prints the time and how often each model won. Budget (issue 11): 30 s for
 * all parts of a warehouse at 100 000 parts on 2 cores. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "domain/stock/forecast.h"

#define WEEKS 104

struct job {
    int from, to;
    long wins[FM__COUNT];
    long orders;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* a part's history from its number alone (xorshift), so threads need no sharing */
static void history(int part, int64_t *y)
{
    uint64_t s = 0x9E3779B97F4A7C15ull * (uint64_t)(part + 1);
#define RND() (s ^= s << 13, s ^= s >> 7, s ^= s << 17, (double)(s >> 11) / 9007199254740992.0)
    double level = 1000 + 20000 * RND(), p = 0.1 + 0.3 * RND();
    for (int t = 0; t < WEEKS; t++) {
        double v;
        switch (part % 3) {
        case 0: /* a yearly season: winter peaks */
            v = level * (1 + 0.5 * __builtin_cos(6.283185307179586 * t / 52)) +
                level * 0.3 * (RND() - 0.5);
            break;
        case 1: /* smooth, a slow trend */
            v = level * (1 + 0.003 * t) + level * 0.4 * (RND() - 0.5);
            break;
        default: /* intermittent: a demand in some weeks */
            v = RND() < p ? 1000 * (1 + (int)(5 * RND())) : 0;
        }
        y[t] = v > 0 ? (int64_t)v : 0;
    }
#undef RND
}

static void *run(void *arg)
{
    struct job *j = arg;
    struct forecast_config cfg;
    forecast_config_default(&cfg);
    struct forecast_result r;
    struct err e;
    int64_t y[WEEKS];
    for (int part = j->from; part < j->to; part++) {
        history(part, y);
        err_clear(&e);
        if (forecast_select(y, WEEKS, &cfg, &r, &e) != ERR_OK) {
            fprintf(stderr, "part %d: %s\n", part, e.message);
            exit(1);
        }
        struct forecast_stock st;
        forecast_stock_default(&st);
        st.on_hand = y[WEEKS - 1];
        st.lead_time_days = 3 + part % 40;
        st.pack = 1000;
        struct forecast_order o;
        if (forecast_replenish(&r, &st, &o, &e) != ERR_OK) {
            fprintf(stderr, "part %d: %s\n", part, e.message);
            exit(1);
        }
        j->wins[r.model]++;
        j->orders += o.reorder;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int parts = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 100000;
    const char *th = getenv("BENCH_THREADS");
    int threads = th ? (int)strtol(th, NULL, 10) : 2;
    if (parts < 1 || threads < 1 || threads > 64) {
        fprintf(stderr, "usage: forecast [PARTS] (BENCH_THREADS 1..64)\n");
        return 2;
    }
    struct job jobs[64] = {0};
    pthread_t tid[64];
    double t0 = now();
    for (int i = 0; i < threads; i++) {
        jobs[i].from = (int)((long)parts * i / threads);
        jobs[i].to = (int)((long)parts * (i + 1) / threads);
        pthread_create(&tid[i], NULL, run, &jobs[i]);
    }
    long wins[FM__COUNT] = {0}, orders = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        orders += jobs[i].orders;
        for (int m = 0; m < FM__COUNT; m++)
            wins[m] += jobs[i].wins[m];
    }
    double dt = now() - t0;
    printf("forecast: %d parts × %d weeks on %d threads: %.2f s (%.1f µs a part)\n", parts, WEEKS,
           threads, dt, dt * 1e6 * threads / parts);
    printf("  reorder suggested for %ld parts; models chosen:\n", orders);
    for (int m = 0; m < FM__COUNT; m++)
        printf("  %-16s %6ld\n", forecast_model_name(m), wins[m]);
    return 0;
}
