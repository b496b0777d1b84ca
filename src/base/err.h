/* err.h — the one error shape (base layer).
 * Every fallible function returns an enum err_code and leaves the message and
 * field details in a struct err; only the HTTP layer turns codes into statuses. */
#ifndef SERVITOR_ERR_H
#define SERVITOR_ERR_H

#include <stddef.h>

#define ERR_LIST(X)                                                                                \
    X(OK, 200, "ok")                                                                               \
    X(MALFORMED, 400, "malformed")                                                                 \
    X(AUTH, 401, "unauthenticated")                                                                \
    X(FORBIDDEN, 403, "forbidden")                                                                 \
    X(NOTFOUND, 404, "not_found")                                                                  \
    X(METHOD, 405, "method_not_allowed")                                                           \
    X(CONFLICT, 409, "conflict")                                                                   \
    X(TOOBIG, 413, "too_large")                                                                    \
    X(MEDIATYPE, 415, "unsupported_media_type")                                                    \
    X(RANGE, 416, "range_not_satisfiable")                                                         \
    X(INVALID, 422, "validation_failed")                                                           \
    X(LIMITED, 429, "rate_limited")                                                                \
    X(INTERNAL, 500, "internal")                                                                   \
    X(UNAVAILABLE, 503, "unavailable")

enum err_code {
#define X(name, status, str) ERR_##name,
    ERR_LIST(X)
#undef X
        ERR__COUNT
};

#define ERR_MAX_FIELDS 32

struct err_field {
    const char *name; /* static or arena-owned */
    const char *code; /* static: "required", "too_long", ... */
};

struct err {
    enum err_code code;
    char message[256];
    int nfields;
    struct err_field fields[ERR_MAX_FIELDS];
    int retry_after; /* seconds, for ERR_LIMITED */
};

int err_http_status(enum err_code code);
const char *err_code_str(enum err_code code);

void err_clear(struct err *e);
/* Sets code and message; returns code so callers can `return err_set(...)`. */
enum err_code err_set(struct err *e, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds a field error (ERR_INVALID is set by the caller when done). The first
 * error recorded for a field wins. */
void err_field(struct err *e, const char *name, const char *code);

#endif
