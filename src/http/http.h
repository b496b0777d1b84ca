/* http.h — requests, responses and the route table (http layer).
 *
 * The server (server.c) reads a request into a struct http_req, finds its
 * route, authenticates and checks the route's permission, then calls the
 * handler. A handler fills the struct http_resp and returns ERR_OK, or returns
 * an error code with the details in cx->err — the server alone turns errors
 * into the one JSON error shape. */
#ifndef SERVITOR_HTTP_H
#define SERVITOR_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "core/ctx.h"
#include "core/auth.h"
#include "core/entity.h"

#define HTTP_BODY_LIMIT (1024 * 1024) /* JSON bodies over 1 MiB get 413 */
/* bodies of routes open to anyone (login, the public form) */
#define HTTP_PUBLIC_BODY_LIMIT (64 * 1024)
/* an oversized body up to this size is read and dropped before the 413, so
 * that clients still sending see the answer; beyond it the connection closes */
#define HTTP_UPLOAD_LIMIT  (10 * 1024 * 1024) /* attachments */
#define HTTP_DISCARD_LIMIT (8 * 1024 * 1024)
#define HTTP_MAX_ARGS      4
#define HTTP_MAX_ROUTES    128 /* routes.c asserts the table fits; metrics count each */
#define HTTP_MAX_HEADERS   8

struct http_req {
    const char *method;
    const char *path;
    struct param *params; /* query string, decoded */
    int nparams;
    const char *body; /* NUL-terminated; NULL when none */
    size_t body_len;
    bool body_too_big;
    const char *args[HTTP_MAX_ARGS]; /* path captures: /api/v1/:entity/:id */
    int nargs;
    const char *session_token; /* from the cookie */
    const char *csrf;          /* X-CSRF-Token */
    const char *if_match;
    const char *accept_encoding;
    const char *user_agent;
    const struct session *session; /* set when authenticated by cookie */
    void *conn;                    /* the server's connection, for header look-ups */
};

struct http_header {
    const char *name;
    const char *value; /* arena or static */
};

struct http_resp {
    int status;
    const char *content_type;
    char *body; /* malloc'ed (freed by the server) unless body_static */
    size_t len;
    bool body_static;
    /* or a file sent from disk: len bytes of fd from file_offset (the
     * server closes fd); see http_file */
    bool file;
    int fd;
    uint64_t file_offset;
    int nheaders;
    struct http_header headers[HTTP_MAX_HEADERS];
};

typedef enum err_code (*http_handler)(struct ctx *cx, struct http_req *rq, struct http_resp *rs);

enum route_flag {
    R_PUBLIC = 1 << 0,  /* no authentication */
    R_STATIC = 1 << 1,  /* a static asset: not counted as API in metrics */
    R_UPLOAD = 1 << 3,  /* takes a file body up to HTTP_UPLOAD_LIMIT */
    R_GENERIC = 1 << 2, /* a catch-all resource route: a fixed route of the same
                           path with another method wins (405, not 404); it needs
                           the :entity's read permission, or with R_WRITE / R_DELETE
                           its write / delete permission, or under
                           transitions/:name the transition's */
    R_WRITE = 1 << 4,
    R_DELETE = 1 << 5,
    R_OWN = 1 << 6,         /* P_NONE, but each user sees only their own rows */
    R_TEST = 1 << 7,        /* routed only with the test clock on (SERVITOR_TEST_CLOCK=1) */
    R_SAME_ORIGIN = 1 << 8, /* refused from another site's page (login) */
    R_GET_WRITES = 1 << 9,  /* a GET that may write: a document numbered on its first print */
};

struct route {
    const char *method;
    const char *pattern; /* "/api/v1/clients/:id" — ":x" captures a segment */
    http_handler handler;
    enum perm perm; /* needed by the user; P_NONE = any authenticated user */
    unsigned flags;
};

extern const struct route routes[];
extern const int nroutes;

/* May the user take this route (rq->args filled by route_match)? The
 * permission — the route's own, or for a generic route the one its entity
 * and action (or transition) need — then, for a route under a record
 * (/api/v1/<entity>/:id…), that the record is within the user's branch
 * scope. ERR_FORBIDDEN, ERR_NOTFOUND (out of scope), or ERR_OK. Runs before
 * the handler. */
enum err_code route_authorize(struct ctx *cx, const struct route *rt, const struct http_req *rq);
/* The permission a route needs for an entity (generic routes; NULL for the
 * others) and a transition name (NULL when none): what route_authorize
 * checks and what /api/v1/openapi.json publishes as x-permission. */
enum perm route_perm(const struct route *rt, const struct entity *ent, const char *transition);

/* Finds the route of a method and path; fills rq->args with copies in the
 * arena a (the request's). *path_found tells whether another method would
 * have matched (405 rather than 404). */
const struct route *route_match(const char *method, const char *path, struct http_req *rq,
                                struct arena *a, bool *path_found);

/* Response helpers. The JSON value is consumed (decref'ed). */
void http_json(struct http_resp *rs, int status, void *json);
void http_header(struct ctx *cx, struct http_resp *rs, const char *name, const char *value);
const char *http_request_header(struct http_req *rq, const char *name);
/* Answers with a file (size bytes of fd, which is handed over): the whole
 * file, or the one byte range the request's Range header asks for (206), or
 * 416 for a range outside the file. */
enum err_code http_file(struct ctx *cx, struct http_req *rq, struct http_resp *rs, int fd,
                        uint64_t size, const char *content_type);
/* True when the request came over TLS: on a TLS connection, or — with
 * --trust-proxy only — when the proxy says so (X-Forwarded-Proto: https). */
bool http_request_secure(struct http_req *rq);
/* True when the client's address (the proxy's X-Forwarded-For only with
 * --trust-proxy) may read /metrics: loopback, or one of the addresses in
 * SERVITOR_METRICS_ALLOW (separated by commas or spaces). */
bool http_metrics_allowed(const char *addr);

/* Server. */
struct server_opts {
    const char *listen_host;
    int port;
    const char *db_url;
    const char *db_read_url; /* optional PostgreSQL replica for reports */
    int threads;
    bool trust_proxy;      /* take the client address from X-Forwarded-For */
    const char *spool_dir; /* file bodies being received */
};
/* Runs until SIGINT/SIGTERM. Returns a process exit status. */
int server_run(const struct server_opts *opts);

/* Prometheus text of the request counters (malloc'ed). */
/* A JSON answer already written as text: the buffer is handed over. */
void http_json_text(struct http_resp *rs, int status, struct buf *body);
char *metrics_render(size_t *len);
/* The group commit's batches and the requests they carried (false: no group,
 * not SQLite). */
bool server_group_stats(uint64_t *batches, uint64_t *requests);
void metrics_count(int route, int status, double seconds);

#endif
