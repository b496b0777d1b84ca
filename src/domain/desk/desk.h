/* desk.h — the service desk (domain layer): requests (обращения) from every
 * channel, their workflow and their timeline. */
#ifndef SERVITOR_DESK_H
#define SERVITOR_DESK_H

#include <jansson.h>

#include "core/entity.h"
#include "core/workflow.h"

extern const struct entity entity_requests;
extern const struct workflow request_workflow;

/* Sets the request counters (by status, by SLA state) from scratch, in the
 * caller's write transaction; the job version opens its own. */
enum err_code request_recount(struct ctx *cx);
enum err_code request_recount_job(struct ctx *cx);

/* A request's access code for the client's status page: REQUEST_CODE_LEN
 * characters of Crockford's base32 (50 random bits; docs/operations.md has
 * the arithmetic against guessing). Codes made before were 6 digits. */
#define REQUEST_CODE_LEN 10
void request_access_code(char out[REQUEST_CODE_LEN + 1]);

/* The one rule for who may be a request's assignee — on create, on assign,
 * by routing rules and by escalation: an active user whose role may work on
 * requests (requests.work). *ok tells; *name (arena, may be NULL) is the
 * user's name when found. */
enum err_code request_may_take(struct ctx *cx, int64_t user_id, bool *ok, const char **name);

/* "О-2026-000123: subject", for notifications (arena). */
const char *request_title(struct ctx *cx, struct record *rec);

/* Adds an event to a request's timeline (in the caller's transaction): kind
 * created, reply, client_reply, note, status, assigned, not_assigned (the
 * person a rule or escalation named may not take requests), sla, attachment,
 * attachment_skipped; *event_id may be NULL. */
enum err_code request_event_add(struct ctx *cx, int64_t request_id, const char *kind,
                                bool public_event, const char *body, const char *from,
                                const char *to, int64_t *event_id);

/* Adds a reply (public) or an internal note to a request's timeline, in
 * its own transaction unless one is open. ERR_NOTFOUND, ERR_INVALID (empty
 * or too long body). */
/* Creates a request for a client given by name, phone and e-mail on the same
 * form (`client` object): the existing client with that phone (or e-mail) is
 * taken, else one is created — in the request's transaction. */
enum err_code request_create_for_client(struct ctx *cx, struct record *req, json_t *client,
                                        bool *created, struct record **out);
enum err_code request_comment(struct ctx *cx, int64_t request_id, const char *body,
                              bool public_reply, int64_t *event_id);

/* A client's own answer (an e-mail reply), in the caller's write
 * transaction: a public client_reply event signed by author ("Name
 * <address>"), the assignee told, the audit entry; a request waiting for the
 * client goes back to work (the "resume" transition, so the SLA clock runs
 * again) — the acting user must be allowed to resume it. ERR_NOTFOUND. */
enum err_code request_client_reply(struct ctx *cx, int64_t request_id, const char *body,
                                   const char *author, int64_t *event_id);

/* One event of a request's timeline. */
struct request_event {
    int64_t id;
    const char *at;
    int64_t user_id; /* 0: the client or the system */
    const char *user_name;
    const char *author; /* who wrote it when no user did (client_reply), or NULL */
    const char *kind;   /* created, reply, client_reply, note, status, assigned… */
    bool public_event;
    const char *body;
    const char *from_state, *to_state;
};

/* The whole timeline, oldest first; with public_only, only what the client
 * may see. Arena-owned. */
enum err_code request_timeline(struct ctx *cx, int64_t request_id, bool public_only,
                               struct request_event **out, int *n);

#endif
