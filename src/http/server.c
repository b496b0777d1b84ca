/* server.c — the HTTP server on libmicrohttpd (http layer).
 *
 * A thread pool (MHD's internal epoll threads); each worker thread keeps its
 * own database connection. A request gets an arena, freed when the response
 * is done. Bodies are read into a buffer capped at 1 MiB. The response is
 * queued on the last callback, never the first: libmicrohttpd 0.9.75 drops
 * keep-alive when answered on the first. */
#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "base/buf.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "core/auth.h"
#include "core/jobs.h"
#include "db/group.h"
#include "domain/domain.h"
#include "http/http.h"
#include "base/banned.h"

static const char *db_url;
static const char *db_read_url;
static bool trust_proxy;
static struct db_group *group; /* SQLite: writing requests share commits */
static _Thread_local struct db *thread_db;
static _Thread_local struct db *thread_db_read;
static volatile sig_atomic_t stop_requested;
static pthread_key_t db_key;      /* closes a worker's connection when it exits */
static pthread_key_t db_read_key; /* the same for its replica connection */

struct conn_state {
    struct arena arena;
    struct buf body;
    bool too_big;
    bool responded;   /* 413 queued while the body was still coming */
    size_t discarded; /* bytes of an oversized body read and thrown away */
    size_t limit;     /* the body cap of the route */
    double started;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void http_json(struct http_resp *rs, int status, void *json)
{
    json_t *j = json;
    rs->status = status;
    rs->content_type = "application/json; charset=utf-8";
    rs->body = json_dumps(j, JSON_COMPACT);
    rs->len = rs->body ? strlen(rs->body) : 0;
    rs->body_static = false;
    json_decref(j);
}

void http_json_text(struct http_resp *rs, int status, struct buf *body)
{
    rs->status = status;
    rs->content_type = "application/json; charset=utf-8";
    rs->body = buf_detach(body, &rs->len);
    rs->body_static = false;
}

void http_header(struct ctx *cx, struct http_resp *rs, const char *name, const char *value)
{
    (void)cx;
    if (rs->nheaders < HTTP_MAX_HEADERS) {
        rs->headers[rs->nheaders].name = name;
        rs->headers[rs->nheaders].value = value;
        rs->nheaders++;
    }
}

const char *http_request_header(struct http_req *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

bool http_request_secure(struct http_req *rq)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_PROTOCOL);
    if (ci && ci->protocol != 0) /* a TLS session (never, unless built with TLS) */
        return true;
    if (!trust_proxy)
        return false;
    const char *proto = http_request_header(rq, "X-Forwarded-Proto");
    return proto && !strncasecmp(proto, "https", 5) && (proto[5] == 0 || proto[5] == ',');
}

bool http_metrics_allowed(const char *addr)
{
    if (!addr)
        return false;
    if (!strncmp(addr, "127.", 4) || !strcmp(addr, "::1") || !strncmp(addr, "::ffff:127.", 11))
        return true;
    const char *allow = getenv("SERVITOR_METRICS_ALLOW");
    size_t n = strlen(addr);
    for (const char *p = allow ? allow : ""; *p;) {
        p += strspn(p, ", ");
        size_t len = strcspn(p, ", ");
        if (len == n && !strncmp(p, addr, n))
            return true;
        p += len;
    }
    return false;
}

static void error_response(struct ctx *cx, struct http_resp *rs)
{
    struct err *e = &cx->err;
    if (e->code == ERR_OK)
        err_set(e, ERR_INTERNAL, "no response");
    if (e->code == ERR_INTERNAL) {
        /* the detail is for the operator's log, not for the client */
        fprintf(stderr, "servitor: internal error: %s\n", e->message);
        snprintf(e->message, sizeof(e->message), "internal error");
    }
    json_t *fields = json_object();
    for (int i = 0; i < e->nfields; i++)
        json_object_set_new(fields, e->fields[i].name, json_string(e->fields[i].code));
    json_t *body = json_pack("{s:{s:s,s:s,s:o}}", "error", "code", err_code_str(e->code), "message",
                             e->message, "fields", fields);
    rs->nheaders = 0;
    http_json(rs, err_http_status(e->code), body);
    if (e->code == ERR_LIMITED && e->retry_after > 0)
        http_header(cx, rs, "Retry-After", arena_printf(cx->a, "%d", e->retry_after));
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    struct http_req *rq = cls;
    if (rq->nparams < 64) {
        rq->params[rq->nparams].key = key;
        rq->params[rq->nparams].value = value ? value : "";
        rq->nparams++;
    }
    return MHD_YES;
}

static const char *client_address(struct ctx *cx, struct MHD_Connection *c)
{
    if (trust_proxy) {
        const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
        if (xff && *xff) {
            const char *comma = strchr(xff, ',');
            return arena_strndup(cx->a, xff, comma ? (size_t)(comma - xff) : strlen(xff));
        }
    }
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char addr[INET6_ADDRSTRLEN] = "?";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, addr, sizeof(addr));
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, addr, sizeof(addr));
    }
    return arena_strdup(cx->a, addr);
}

/* Who is asking: a bearer token, or a session cookie (with the CSRF token on
 * writes). */
static enum err_code authenticate(struct ctx *cx, struct http_req *rq, struct session *s)
{
    const char *authz = http_request_header(rq, "Authorization");
    struct user *u = NULL;
    if (authz && strncmp(authz, "Bearer ", 7) == 0) {
        enum err_code rc = auth_bearer(cx, authz + 7, &u);
        if (rc != ERR_OK)
            return rc;
        cx->user = u;
        return ERR_OK;
    }
    if (!rq->session_token || !*rq->session_token)
        return ctx_fail(cx, ERR_AUTH, "not logged in");
    enum err_code rc = auth_session(cx, rq->session_token, &u, s);
    if (rc != ERR_OK)
        return rc;
    cx->user = u;
    rq->session = s;
    bool safe = !strcmp(rq->method, "GET") || !strcmp(rq->method, "HEAD");
    if (!safe) {
        size_t n = strlen(s->csrf);
        if (!rq->csrf || strlen(rq->csrf) != n || sodium_memcmp(rq->csrf, s->csrf, n) != 0)
            return ctx_fail(cx, ERR_FORBIDDEN, "missing or wrong X-CSRF-Token");
    }
    return ERR_OK;
}

/* On SQLite every statement outside a transaction takes and drops the
 * shared locks (file-lock syscalls each time), so a signed-in GET reads in
 * one snapshot: a read transaction around the handler, and around the token
 * lookup too, which writes nothing (a session may refresh its last use, so it
 * is checked before). GET handlers write nothing; the snapshot ends with the
 * request. */
static enum err_code authenticate_read(struct ctx *cx, struct http_req *rq, struct session *s)
{
    bool snapshot = (!strcmp(rq->method, "GET") || !strcmp(rq->method, "HEAD")) &&
                    db_dialect(cx->db) == DB_SQLITE;
    const char *authz = http_request_header(rq, "Authorization");
    enum err_code rc = ERR_OK;
    if (snapshot && authz && !strncmp(authz, "Bearer ", 7))
        rc = db_begin_read(cx->db, &cx->err);
    if (rc == ERR_OK)
        rc = authenticate(cx, rq, s);
    if (rc == ERR_OK && snapshot && !db_in_tx(cx->db))
        rc = db_begin_read(cx->db, &cx->err);
    return rc;
}

bool server_group_stats(uint64_t *batches, uint64_t *requests)
{
    if (!group)
        return false;
    db_group_stats(group, batches, requests);
    return true;
}

static void add_security_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self'; "
                            "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
                            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
}

static enum MHD_Result send_response(struct MHD_Connection *c, struct http_resp *rs)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        rs->len, rs->body ? rs->body : (char *)"",
        rs->body_static || !rs->body ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_FREE);
    if (!r)
        return MHD_NO;
    add_security_headers(r);
    if (rs->content_type)
        MHD_add_response_header(r, "Content-Type", rs->content_type);
    bool cache_set = false;
    for (int i = 0; i < rs->nheaders; i++) {
        MHD_add_response_header(r, rs->headers[i].name, rs->headers[i].value);
        cache_set |= strcmp(rs->headers[i].name, "Cache-Control") == 0;
    }
    if (!cache_set)
        MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ret;
}

static void close_thread_db(void *db) { db_close(db); }

/* The replica connection (--db-read), opened when first needed: a replica
 * that is down fails only the requests that read from it (503). */
static struct db *worker_db_read(struct ctx *cx)
{
    if (!thread_db_read) {
        if (db_open(db_read_url, &thread_db_read, &cx->err) != ERR_OK)
            return NULL;
        pthread_setspecific(db_read_key, thread_db_read);
    }
    return thread_db_read;
}

static struct db *worker_db(struct err *e)
{
    if (!thread_db) {
        if (db_open(db_url, &thread_db, e) != ERR_OK)
            return NULL;
        db_group_attach(thread_db, group); /* its writes share commits (SQLite) */
        pthread_setspecific(db_key, thread_db);
    }
    return thread_db;
}

static int route_index(const struct route *rt) { return rt ? (int)(rt - routes) : -1; }

/* Answers 413 while the body is (or would be) still coming; libmicrohttpd
 * then closes the connection. */
static enum MHD_Result refuse_too_big(struct MHD_Connection *c, struct conn_state *cs)
{
    buf_release(&cs->body);
    cs->too_big = cs->responded = true;
    struct ctx cx = {.a = &cs->arena};
    struct http_resp rs = {0};
    err_clear(&cx.err);
    ctx_fail(&cx, ERR_TOOBIG, "the body is larger than %zu bytes", cs->limit);
    error_response(&cx, &rs);
    metrics_count(-1, rs.status, now_seconds() - cs->started);
    return send_response(c, &rs);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    struct conn_state *cs = *con_cls;
    if (!cs) {
        cs = xcalloc(1, sizeof(*cs));
        arena_init(&cs->arena, 16384);
        /* uploads may be larger than JSON bodies: the route decides */
        struct http_req probe = {0};
        bool other_method;
        const struct route *rt = route_match(method, url, &probe, &other_method);
        cs->limit = rt && (rt->flags & R_UPLOAD) ? HTTP_UPLOAD_LIMIT : HTTP_BODY_LIMIT;
        buf_init(&cs->body, cs->limit);
        cs->started = now_seconds();
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        int64_t n;
        *con_cls = cs;
        if (cl && parse_i64(cl, strlen(cl), &n) && n > (int64_t)cs->limit) {
            /* a body a little over the limit is read and thrown away, so
             * that the client, still sending, gets the 413 cleanly; a
             * huge one is refused at once, before "100 Continue" */
            if (n > HTTP_DISCARD_LIMIT || cs->limit > HTTP_BODY_LIMIT)
                return refuse_too_big(c, cs);
            cs->too_big = true;
            buf_release(&cs->body);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!cs->too_big && !buf_add(&cs->body, upload_data, *upload_size)) {
            cs->too_big = true;
            cs->discarded = cs->body.len;
            buf_release(&cs->body);
        }
        if (cs->too_big)
            cs->discarded += *upload_size;
        *upload_size = 0;
        if (cs->too_big && !cs->responded && cs->discarded > HTTP_DISCARD_LIMIT)
            return refuse_too_big(c, cs); /* enough: answer and close */
        return MHD_YES;
    }
    if (cs->too_big && !cs->responded)
        return refuse_too_big(c, cs);
    if (cs->responded)
        return MHD_YES;

    struct ctx cx = {.a = &cs->arena, .read_db = db_read_url ? worker_db_read : NULL};
    err_clear(&cx.err);
    struct http_req rq = {.method = method, .path = url, .conn = c};
    struct http_resp rs = {0};
    struct session sess;
    rq.params = arena_alloc(cx.a, sizeof(struct param) * 64);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &rq);
    rq.body = cs->body.p;
    rq.body_len = cs->body.len;
    rq.body_too_big = cs->too_big;
    rq.session_token = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "servitor_session");
    rq.csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
    rq.if_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Match");
    rq.accept_encoding = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
    rq.user_agent = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
    cx.remote_addr = client_address(&cx, c);

    bool path_found = false;
    const struct route *rt = route_match(method, url, &rq, &path_found);
    enum err_code rc;
    if (!rt) {
        rc = path_found ? ctx_fail(&cx, ERR_METHOD, "method %s not allowed here", method)
                        : ctx_fail(&cx, ERR_NOTFOUND, "no such resource");
    } else if (!(cx.db = worker_db(&cx.err))) {
        rc = ERR_UNAVAILABLE;
    } else if (!(rt->flags & R_PUBLIC) && (rc = authenticate_read(&cx, &rq, &sess)) != ERR_OK) {
        /* rc set */
    } else if (!(rt->flags & R_PUBLIC) && !ctx_can(&cx, rt->perm)) {
        rc = ctx_fail(&cx, ERR_FORBIDDEN, "your role may not do this");
    } else {
        rc = rt->handler(&cx, &rq, &rs);
    }
    if (cx.db && db_in_tx(cx.db))
        db_rollback(cx.db); /* a handler that failed half-way leaves nothing */
    if (cx.db) {
        /* a request that wrote answers once its batch is durable */
        struct err ce;
        err_clear(&ce);
        enum err_code committed = db_group_finish(cx.db, &ce);
        if (committed != ERR_OK && rc == ERR_OK) {
            cx.err = ce;
            rc = committed;
        }
    }
    if (rc != ERR_OK) {
        if (rs.body && !rs.body_static)
            free(rs.body);
        rs = (struct http_resp){0};
        error_response(&cx, &rs);
    }
    enum MHD_Result ret = send_response(c, &rs);
    metrics_count(route_index(rt), rs.status, now_seconds() - cs->started);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)c;
    (void)code;
    struct conn_state *cs = *con_cls;
    if (!cs)
        return;
    arena_free(&cs->arena);
    buf_release(&cs->body);
    free(cs);
    *con_cls = NULL;
}

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* The background-jobs thread: every SERVITOR_JOB_TICK seconds (default 30)
 * it schedules and runs due jobs with its own connection. */
static void *jobs_loop(void *arg)
{
    (void)arg;
    const char *t = getenv("SERVITOR_JOB_TICK");
    int64_t tick = 30;
    if (t && (!parse_i64(t, strlen(t), &tick) || tick < 1))
        tick = 30;
    char worker[300], host[256] = "?";
    gethostname(host, sizeof(host));
    snprintf(worker, sizeof(worker), "%.255s:%d", host, (int)getpid());
    struct db *db = NULL;
    struct arena a;
    arena_init(&a, 0);
    while (!stop_requested) {
        struct ctx cx = {.a = &a};
        err_clear(&cx.err);
        if (!db && db_open(db_url, &db, &cx.err) != ERR_OK)
            db = NULL;
        int ran = 0;
        if (db) {
            cx.db = db;
            db_group_attach(db, group); /* jobs write through the group too */
            if (jobs_tick(&cx, worker, domain_jobs, &ran) != ERR_OK)
                fprintf(stderr, "servitor: jobs: %s\n", cx.err.message);
            if (db_in_tx(db))
                db_rollback(db);
            struct err ce;
            err_clear(&ce);
            if (db_group_finish(db, &ce) != ERR_OK)
                fprintf(stderr, "servitor: jobs: %s\n", ce.message);
        }
        arena_reset(&a);
        for (int64_t i = 0; i < tick * 10 && !stop_requested; i++)
            usleep(100 * 1000);
    }
    db_close(db);
    arena_free(&a);
    return NULL;
}

int server_run(const struct server_opts *opts)
{
    db_url = opts->db_url;
    db_read_url = opts->db_read_url;
    trust_proxy = opts->trust_proxy;
    struct err e;
    err_clear(&e);
    if (db_group_open(db_url, &group, &e) != ERR_OK) {
        fprintf(stderr, "servitor: %s\n", e.message);
        return 1;
    }
    pthread_key_create(&db_key, close_thread_db);
    pthread_key_create(&db_read_key, close_thread_db);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)opts->port);
    if (inet_pton(AF_INET, opts->listen_host, &addr.sin_addr) != 1) {
        fprintf(stderr, "servitor: cannot listen on '%s': not an IPv4 address\n",
                opts->listen_host);
        db_group_close(group);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO, (uint16_t)opts->port, NULL,
        NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)opts->threads, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "servitor: cannot listen on %s:%d (in use?)\n", opts->listen_host,
                opts->port);
        db_group_close(group);
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    printf("servitor: serving http://%s:%d/\n", opts->listen_host, opts->port);
    fflush(stdout);
    pthread_t jobs;
    bool jobs_started = pthread_create(&jobs, NULL, jobs_loop, NULL) == 0;
    while (!stop_requested)
        usleep(100 * 1000);
    MHD_stop_daemon(d);
    if (jobs_started)
        pthread_join(jobs, NULL);
    db_group_close(group);
    group = NULL;
    printf("servitor: stopped\n");
    return 0;
}
