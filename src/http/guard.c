/* guard.c — deadlines for slow clients (http layer); see guard.h. */
#include "http/guard.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "base/settings.h"
#include "base/util.h"
#include "base/banned.h"

enum phase { IDLE, HEAD, BODY, ANSWERING };

struct watch {
    struct watch *prev, *next; /* under lock */
    int fd;
    int phase;      /* atomic */
    int64_t since;  /* atomic, ms: when the phase began */
    uint64_t bytes; /* atomic: body bytes so far */
    bool cut;       /* under lock: shut down already */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct watch *watches;
static int64_t idle_ms, head_ms, min_rate;
static uint64_t cuts_idle, cuts_head, cuts_body;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void guard_init(void)
{
    idle_ms = setting_int(SET_IDLE_TIMEOUT) * 1000;
    head_ms = setting_int(SET_HEAD_TIMEOUT) * 1000;
    min_rate = setting_int(SET_BODY_MIN_RATE);
}

static struct watch *watch_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static void enter(struct watch *w, int phase)
{
    if (!w)
        return;
    __atomic_store_n(&w->since, now_ms(), __ATOMIC_RELAXED);
    __atomic_store_n(&w->bytes, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&w->phase, phase, __ATOMIC_RELEASE);
}

void guard_connection(struct MHD_Connection *c, void **socket_context, int closed)
{
    struct watch *w = *socket_context;
    if (!closed) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        w = xcalloc(1, sizeof(*w));
        w->fd = ci ? ci->connect_fd : -1;
        enter(w, IDLE);
        pthread_mutex_lock(&lock);
        w->next = watches;
        if (watches)
            watches->prev = w;
        watches = w;
        pthread_mutex_unlock(&lock);
        *socket_context = w;
        return;
    }
    if (!w)
        return;
    /* libmicrohttpd closes the socket after this returns: once the watch is
     * off the list the sweeper cannot touch a reused descriptor */
    pthread_mutex_lock(&lock);
    if (w->prev)
        w->prev->next = w->next;
    else
        watches = w->next;
    if (w->next)
        w->next->prev = w->prev;
    pthread_mutex_unlock(&lock);
    free(w);
    *socket_context = NULL;
}

void guard_request_line(struct MHD_Connection *c) { enter(watch_of(c), HEAD); }
void guard_headers_done(struct MHD_Connection *c) { enter(watch_of(c), BODY); }
void guard_answering(struct MHD_Connection *c) { enter(watch_of(c), ANSWERING); }
void guard_idle(struct MHD_Connection *c) { enter(watch_of(c), IDLE); }

void guard_body_bytes(struct MHD_Connection *c, size_t n)
{
    struct watch *w = watch_of(c);
    if (w)
        __atomic_add_fetch(&w->bytes, n, __ATOMIC_RELAXED);
}

/* Why w is past its deadline at t: a counter to bump, or NULL. */
static uint64_t *overdue(const struct watch *w, int64_t t)
{
    int phase = __atomic_load_n(&w->phase, __ATOMIC_ACQUIRE);
    int64_t age = t - __atomic_load_n(&w->since, __ATOMIC_RELAXED);
    switch (phase) {
    case IDLE:
        return age > idle_ms ? &cuts_idle : NULL;
    case HEAD:
        return age > head_ms ? &cuts_head : NULL;
    case BODY:
        if (min_rate <= 0 || age <= head_ms)
            return NULL;
        return (int64_t)__atomic_load_n(&w->bytes, __ATOMIC_RELAXED) <
                       (age - head_ms) * min_rate / 1000
                   ? &cuts_body
                   : NULL;
    default:
        return NULL;
    }
}

void guard_sweep(void)
{
    int64_t t = now_ms();
    pthread_mutex_lock(&lock);
    for (struct watch *w = watches; w; w = w->next) {
        uint64_t *why = w->cut || w->fd < 0 ? NULL : overdue(w, t);
        if (!why)
            continue;
        w->cut = true;
        shutdown(w->fd, SHUT_RDWR);
        __atomic_add_fetch(why, 1, __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&lock);
}

void guard_stats(uint64_t *idle, uint64_t *head, uint64_t *body)
{
    *idle = __atomic_load_n(&cuts_idle, __ATOMIC_RELAXED);
    *head = __atomic_load_n(&cuts_head, __ATOMIC_RELAXED);
    *body = __atomic_load_n(&cuts_body, __ATOMIC_RELAXED);
}
