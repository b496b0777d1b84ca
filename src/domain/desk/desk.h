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

/* The same counts for one branch, counted now (the badges of a
 * branch-scoped user; the counters table is company-wide): rows of (name,
 * value) named as in the counters table, and the open requests of `user`
 * there under "requests.open_by.<user>". $1 is the branch, $2 the user. */
extern const char request_branch_counts_sql[];

/* "О-2026-000123: subject", for notifications (arena). */
const char *request_title(struct ctx *cx, struct record *rec);

/* Adds an event to a request's timeline (timeline_add, in the caller's
 * transaction): kind created, reply, client_reply, note, status, assigned,
 * sla, attachment, attachment_skipped; *event_id may be NULL. */
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

#endif
