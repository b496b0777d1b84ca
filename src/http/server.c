/* server.c — the HTTP server on libmicrohttpd (http layer).
 *
 * A thread pool (MHD's internal epoll threads). A request gets an arena,
 * freed when the response is done, and is one unit of work of the core
 * (ctx_begin / ctx_end: the worker thread's connection, the read snapshot,
 * the group commit) — the server itself never sees the database. Bodies
 * are read into a buffer capped at 1 MiB. The response is
 * queued on the last callback, never the first: libmicrohttpd 0.9.75 drops
 * keep-alive when answered on the first. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <jansson.h>
#include <malloc.h>
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
#include "base/settings.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "core/auth.h"
#include "core/jobs.h"
#include "domain/domain.h"
#include "http/body.h"
#include "http/guard.h"
#include "http/http.h"
#include "base/banned.h"

static bool trust_proxy;
static volatile sig_atomic_t stop_requested;

struct conn_state {
    struct arena arena;
    struct body body;
    bool too_big;
    bool responded;   /* an error queued while the body was still coming */
    size_t discarded; /* bytes of an oversized body read and thrown away */
    size_t limit;     /* the body cap of the route */
    double started;
    /* the route, matched once (on_head) for the whole request */
    const struct route *route;
    bool path_found; /* another method would have matched: 405 */
    const char *args[HTTP_MAX_ARGS];
    int nargs;
    /* a caller sending a body is known before it is read */
    const struct user *user;
    bool authed;
    struct session sess;
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

/* "bytes=a-b", "bytes=a-" or "bytes=-n" (one range; RFC 9110 §14.1.2) →
 * [*from, *to] within size. 0: satisfiable, -1: outside the file, 1: not a
 * single byte range (then the whole file is sent, as RFC 9110 allows). */
static int parse_range(const char *h, uint64_t size, uint64_t *from, uint64_t *to)
{
    if (strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
        return 1;
    const char *p = h + 6, *dash = strchr(p, '-');
    if (!dash)
        return 1;
    int64_t a = -1, b = -1;
    if (dash > p && !parse_i64(p, (size_t)(dash - p), &a))
        return 1;
    if (dash[1] && !parse_i64(dash + 1, strlen(dash + 1), &b))
        return 1;
    if (a < 0 && b < 0)
        return 1;
    if (a < 0) { /* the last b bytes */
        if (b == 0 || size == 0)
            return -1;
        *from = (uint64_t)b >= size ? 0 : size - (uint64_t)b;
        *to = size - 1;
        return 0;
    }
    if (b >= 0 && b < a)
        return 1;
    if ((uint64_t)a >= size)
        return -1;
    *from = (uint64_t)a;
    *to = b < 0 || (uint64_t)b >= size ? size - 1 : (uint64_t)b;
    return 0;
}

enum err_code http_file(struct ctx *cx, struct http_req *rq, struct http_resp *rs, int fd,
                        uint64_t size, const char *content_type)
{
    const char *range = http_request_header(rq, "Range");
    uint64_t from = 0, to = size ? size - 1 : 0;
    int r = range ? parse_range(range, size, &from, &to) : 1;
    if (r < 0) {
        close(fd);
        http_header(cx, rs, "Content-Range",
                    arena_printf(cx->a, "bytes */%llu", (unsigned long long)size));
        return ctx_fail(cx, ERR_RANGE, "the range is outside the file (%llu bytes)",
                        (unsigned long long)size);
    }
    rs->status = r == 0 ? 206 : 200;
    rs->content_type = content_type;
    rs->file = true;
    rs->fd = fd;
    rs->file_offset = from;
    rs->len = size ? (size_t)(to - from + 1) : 0;
    http_header(cx, rs, "Accept-Ranges", "bytes");
    if (r == 0)
        http_header(cx, rs, "Content-Range",
                    arena_printf(cx->a, "bytes %llu-%llu/%llu", (unsigned long long)from,
                                 (unsigned long long)to, (unsigned long long)size));
    return ERR_OK;
}

/* Drops the body a response holds (an error replaces it); its headers
 * stay for error_response to keep or clear. */
static void resp_release(struct http_resp *rs)
{
    if (rs->file)
        close(rs->fd);
    else if (rs->body && !rs->body_static)
        free(rs->body);
    rs->file = false;
    rs->body = NULL;
    rs->len = 0;
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
    const char *allow = setting_text(SET_METRICS_ALLOW);
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
    if (e->code != ERR_RANGE) /* a 416 keeps its Content-Range */
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

/* Was the request sent by another site's page? Browsers say so in
 * Sec-Fetch-Site; older ones only send Origin, compared with Host. A request
 * with neither (curl, scripts) is not a browser's cross-site request. */
static bool cross_site(struct http_req *rq)
{
    const char *site = http_request_header(rq, "Sec-Fetch-Site");
    if (site)
        return strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0;
    const char *origin = http_request_header(rq, "Origin");
    if (!origin)
        return false;
    const char *host = http_request_header(rq, "Host");
    const char *authority = strstr(origin, "://");
    return !host || !authority || strcmp(authority + 3, host) != 0;
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
    if (!safe && cross_site(rq))
        return ctx_fail(cx, ERR_FORBIDDEN, "a request from another site is refused");
    if (!safe) {
        size_t n = strlen(s->csrf);
        if (!rq->csrf || strlen(rq->csrf) != n || sodium_memcmp(rq->csrf, s->csrf, n) != 0)
            return ctx_fail(cx, ERR_FORBIDDEN, "missing or wrong X-CSRF-Token");
    }
    return ERR_OK;
}

/* A signed-in GET reads in one snapshot, the token lookup included (which
 * writes nothing: a session's last use is only noted); anything else may
 * write. Public GETs may write too (a rate limit's hit), and so may a
 * document's first print (R_GET_WRITES: its number is taken then). */
static enum ctx_mode request_mode(const struct route *rt, const char *method)
{
    bool safe = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    return safe && !(rt->flags & (R_PUBLIC | R_GET_WRITES)) ? CTX_READ : CTX_WRITE;
}

bool server_group_stats(uint64_t *batches, uint64_t *requests)
{
    return ctx_group_stats(batches, requests);
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
    struct MHD_Response *r;
    if (rs->file) /* read from disk as the client takes it; MHD closes fd */
        r = MHD_create_response_from_fd_at_offset64(rs->len, rs->fd, rs->file_offset);
    else
        r = MHD_create_response_from_buffer(rs->len, rs->body ? rs->body : (char *)"",
                                            rs->body_static || !rs->body ? MHD_RESPMEM_PERSISTENT
                                                                         : MHD_RESPMEM_MUST_FREE);
    if (!r) {
        if (rs->file)
            close(rs->fd);
        return MHD_NO;
    }
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

static int route_index(const struct route *rt) { return rt ? (int)(rt - routes) : -1; }

/* Answers an error while the body is (or would be) still coming, and closes
 * the connection after it: what follows the head is not read. Counted in the
 * metrics under the route when the path matched one. */
static enum MHD_Result refuse(struct MHD_Connection *c, struct conn_state *cs, enum err_code code,
                              const char *message)
{
    body_release(&cs->body);
    cs->too_big = cs->responded = true;
    struct ctx cx = {.a = &cs->arena};
    struct http_resp rs = {0};
    err_clear(&cx.err);
    ctx_fail(&cx, code, "%s", message);
    error_response(&cx, &rs);
    http_header(&cx, &rs, "Connection", "close");
    if (code == ERR_UNAVAILABLE)
        http_header(&cx, &rs, "Retry-After", "1");
    metrics_count(route_index(cs->route), rs.status, now_seconds() - cs->started);
    return send_response(c, &rs);
}

static enum MHD_Result refuse_too_big(struct MHD_Connection *c, struct conn_state *cs)
{
    return refuse(c, cs, ERR_TOOBIG,
                  arena_printf(&cs->arena, "the body is larger than %zu bytes", cs->limit));
}

struct framing {
    int lengths; /* Content-Length headers */
    bool lengths_differ;
    const char *length;
    bool chunked; /* Transfer-Encoding present */
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    struct framing *f = cls;
    if (!strcasecmp(key, "Content-Length")) {
        if (f->lengths++ && strcmp(f->length, value ? value : "") != 0)
            f->lengths_differ = true;
        f->length = value ? value : "";
    } else if (!strcasecmp(key, "Transfer-Encoding")) {
        f->chunked = true;
    }
    return MHD_YES;
}

/* The checks a request's head must pass before its body is read: one way
 * to tell the body's length (RFC 9112 §6.3: two different lengths, or a
 * length beside Transfer-Encoding, is how requests are smuggled past
 * proxies), and JSON routes take JSON — a form another site posts as
 * text/plain or urlencoded is refused. NULL when it passes. */
static const char *head_problem(struct MHD_Connection *c, const char *method,
                                const struct route *rt, enum err_code *code)
{
    struct framing f = {0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, &f);
    *code = ERR_MALFORMED;
    if (f.lengths_differ)
        return "conflicting Content-Length headers";
    if (f.lengths && f.chunked)
        return "both Content-Length and Transfer-Encoding";
    bool has_body = f.chunked || (f.lengths && strcmp(f.length, "0") != 0);
    bool writes = !strcmp(method, "POST") || !strcmp(method, "PATCH") || !strcmp(method, "PUT");
    if (!rt || !has_body || !writes || (rt->flags & R_UPLOAD))
        return NULL;
    const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    size_t n = strlen("application/json");
    if (type && !strncasecmp(type, "application/json", n) &&
        (type[n] == 0 || type[n] == ';' || type[n] == ' '))
        return NULL;
    *code = ERR_MEDIATYPE;
    return "the body must be JSON: send Content-Type: application/json";
}

/* Before the body is read, the caller must be known and allowed to call the
 * route (401/403 now, not after 10 MiB), and the body must fit: its route's
 * limit, and the memory budget. libmicrohttpd sends "100 Continue" only when
 * this lets the request go on. */
static enum MHD_Result on_head(struct MHD_Connection *c, struct conn_state *cs, const char *method,
                               const char *url)
{
    struct http_req rq = {.method = method, .path = url, .conn = c};
    const struct route *rt = route_match(method, url, &rq, &cs->arena, &cs->path_found);
    cs->route = rt;
    memcpy(cs->args, rq.args, sizeof(cs->args));
    cs->nargs = rq.nargs;
    bool upload = rt && (rt->flags & R_UPLOAD);
    cs->limit = upload                         ? HTTP_UPLOAD_LIMIT
                : rt && (rt->flags & R_PUBLIC) ? HTTP_PUBLIC_BODY_LIMIT
                                               : HTTP_BODY_LIMIT;
    enum err_code code;
    const char *problem = head_problem(c, method, rt, &code);
    if (problem)
        return refuse(c, cs, code, problem);
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding");
    int64_t n = -1;
    if (cl && !parse_i64(cl, strlen(cl), &n))
        return refuse(c, cs, ERR_MALFORMED, "Content-Length is not a number");
    if (!te && n <= 0)
        return MHD_YES; /* no body: the caller is checked with the request */
    if (!rt)            /* the answer is known already: the body is not read */
        return refuse(c, cs, cs->path_found ? ERR_METHOD : ERR_NOTFOUND,
                      cs->path_found ? "method not allowed here" : "no such resource");
    if (rt && !(rt->flags & R_PUBLIC)) {
        struct ctx cx = {.a = &cs->arena};
        err_clear(&cx.err);
        rq.session_token = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "servitor_session");
        rq.csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
        enum err_code rc = ctx_begin(&cx, CTX_READ);
        if (rc == ERR_OK)
            rc = authenticate(&cx, &rq, &cs->sess);
        if (rc == ERR_OK)
            rc = route_authorize(&cx, rt, &rq);
        rc = ctx_end(&cx, rc);
        if (rc != ERR_OK)
            return refuse(c, cs, rc, cx.err.message);
        cs->user = cx.user;
        cs->authed = true;
    }
    if (n > (int64_t)cs->limit) {
        /* a body a little over the limit is read and thrown away, so that
         * the client, still sending, gets the 413 cleanly; a huge one, a
         * file, or one from an unknown caller is refused at once */
        if (n > HTTP_DISCARD_LIMIT || cs->limit != HTTP_BODY_LIMIT)
            return refuse_too_big(c, cs);
        cs->too_big = true;
        return MHD_YES;
    }
    struct err e;
    err_clear(&e);
    if (body_begin(&cs->body, cs->limit, upload, n, &e) != ERR_OK)
        return refuse(c, cs, e.code, e.message);
    return MHD_YES;
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
        *con_cls = cs;
        arena_init(&cs->arena, 16384);
        cs->body.fd = -1;
        cs->started = now_seconds();
        guard_headers_done(c);
        return on_head(c, cs, method, url);
    }
    if (*upload_size) {
        guard_body_bytes(c, *upload_size);
        size_t n = *upload_size;
        *upload_size = 0;
        if (cs->too_big) {
            cs->discarded += n;
            if (!cs->responded && cs->discarded > HTTP_DISCARD_LIMIT)
                return refuse_too_big(c, cs); /* enough: answer and close */
            return MHD_YES;
        }
        switch (body_add(&cs->body, upload_data, n)) {
        case BODY_ADDED:
            return MHD_YES;
        case BODY_TOO_BIG:
            cs->too_big = true;
            cs->discarded = cs->body.len + n;
            body_release(&cs->body);
            return cs->discarded > HTTP_DISCARD_LIMIT ? refuse_too_big(c, cs) : MHD_YES;
        case BODY_BUSY:
            return refuse(c, cs, ERR_UNAVAILABLE, "the server is busy: try again in a moment");
        case BODY_FAILED:
            return refuse(c, cs, ERR_UNAVAILABLE, "cannot take the file now");
        }
        return MHD_YES;
    }
    if (cs->too_big && !cs->responded)
        return refuse_too_big(c, cs);
    if (cs->responded)
        return MHD_YES;
    guard_answering(c);

    struct ctx cx = {.a = &cs->arena};
    err_clear(&cx.err);
    struct http_req rq = {.method = method, .path = url, .conn = c};
    struct http_resp rs = {0};
    struct session sess;
    rq.params = arena_alloc(cx.a, sizeof(struct param) * 64);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &rq);
    rq.body_too_big = cs->too_big;
    rq.session_token = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "servitor_session");
    rq.csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
    rq.if_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Match");
    rq.accept_encoding = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding");
    rq.user_agent = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
    cx.remote_addr = client_address(&cx, c);

    const struct route *rt = cs->route; /* matched in on_head */
    bool path_found = cs->path_found;
    memcpy(rq.args, cs->args, sizeof(rq.args));
    rq.nargs = cs->nargs;
    enum err_code rc;
    if (cs->authed) {
        cx.user = cs->user;
        rq.session = &cs->sess;
    }
    if ((rc = body_finish(&cs->body, &rq.body, &rq.body_len, &cx.err)) != ERR_OK) {
        /* rc set */
    } else if (!rt) {
        rc = path_found ? ctx_fail(&cx, ERR_METHOD, "method %s not allowed here", method)
                        : ctx_fail(&cx, ERR_NOTFOUND, "no such resource");
    } else if ((rc = ctx_begin(&cx, request_mode(rt, method))) != ERR_OK) {
        /* rc set: the database cannot be reached */
    } else if ((rt->flags & R_SAME_ORIGIN) && cross_site(&rq)) {
        rc = ctx_fail(&cx, ERR_FORBIDDEN, "a request from another site is refused");
    } else if (!(rt->flags & R_PUBLIC) && !cs->authed &&
               (rc = authenticate(&cx, &rq, &sess)) != ERR_OK) {
        /* rc set */
    } else if ((rc = route_authorize(&cx, rt, &rq)) != ERR_OK) {
        /* rc set: the permission, then the branch scope of the record */
    } else {
        rc = rt->handler(&cx, &rq, &rs);
    }
    /* what a failed handler left half-way is undone; a request that wrote
     * answers once its batch is durable */
    rc = ctx_end(&cx, rc);
    if (rc != ERR_OK) {
        resp_release(&rs);
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
    (void)code;
    guard_idle(c);
    struct conn_state *cs = *con_cls;
    if (!cs)
        return;
    arena_free(&cs->arena);
    body_release(&cs->body);
    free(cs);
    *con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    (void)cls;
    guard_connection(c, socket_context, toe == MHD_CONNECTION_NOTIFY_CLOSED);
}

/* Decodes %XX in the path and the query arguments, as MHD would, except %00:
 * a NUL would end the C string there, so "/clients/1%00x" would reach the
 * handler as "/clients/1" and "?name=a%00b.txt" as "a". It stays as the three
 * characters, which no id and no file name accepts. */
static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
        return (ch | 0x20) - 'a' + 10;
    return -1;
}

static size_t on_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    char *w = s;
    for (const char *r = s; *r;) {
        int hi = r[0] == '%' ? hex_digit(r[1]) : -1;
        int lo = hi >= 0 ? hex_digit(r[2]) : -1;
        if (lo >= 0 && (hi | lo) != 0) {
            *w++ = (char)(hi * 16 + lo);
            r += 3;
        } else {
            *w++ = *r++;
        }
    }
    *w = 0;
    return (size_t)(w - s);
}

static void *on_request_line(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)uri;
    guard_request_line(c);
    return NULL; /* the access handler's first call still sees no state */
}

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* The background-jobs thread (core/jobs.c), with its own connection. */
static void *jobs_thread(void *arg)
{
    (void)arg;
    jobs_loop(domain_jobs, &stop_requested);
    return NULL;
}

int server_run(const struct server_opts *opts)
{
    trust_proxy = opts->trust_proxy;
    struct err e;
    err_clear(&e);
    if (ctx_setup(opts->db_url, opts->db_read_url, &e) != ERR_OK) {
        fprintf(stderr, "servitor: %s\n", e.message);
        return 1;
    }
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)opts->port);
    if (inet_pton(AF_INET, opts->listen_host, &addr.sin_addr) != 1) {
        fprintf(stderr, "servitor: cannot listen on '%s': not an IPv4 address\n",
                opts->listen_host);
        ctx_teardown();
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    /* glibc gives a thread's heap back to the kernel whenever its free top
     * passes 128 KiB, and takes it again on the next request: an mprotect
     * and fresh zeroed pages per request. A few MiB kept per heap instead;
     * buffers up to 4 MiB come from the heap, not a mapping each time. */
    mallopt(M_TRIM_THRESHOLD, 8 << 20);
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
    guard_init();
    body_init(opts->spool_dir);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO, (uint16_t)opts->port, NULL,
        NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)opts->threads, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)setting_int(SET_IDLE_TIMEOUT), MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)setting_int(SET_MAX_CONNECTIONS), MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)setting_int(SET_ADDRESS_CONNECTIONS), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(64 * 1024), MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_URI_LOG_CALLBACK,
        on_request_line, NULL, MHD_OPTION_UNESCAPE_CALLBACK, on_unescape, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "servitor: cannot listen on %s:%d (in use?)\n", opts->listen_host,
                opts->port);
        ctx_teardown();
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    printf("servitor: serving http://%s:%d/\n", opts->listen_host, opts->port);
    fflush(stdout);
    pthread_t jobs;
    bool jobs_started = pthread_create(&jobs, NULL, jobs_thread, NULL) == 0;
    while (!stop_requested) {
        usleep(100 * 1000);
        guard_sweep();
    }
    MHD_stop_daemon(d);
    if (jobs_started)
        pthread_join(jobs, NULL);
    ctx_teardown();
    printf("servitor: stopped\n");
    return 0;
}
