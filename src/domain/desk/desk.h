/* desk.h — the service desk (domain layer): requests (обращения) from every
 * channel, their workflow and their timeline. */
#ifndef SERVITOR_DESK_H
#define SERVITOR_DESK_H

#include <jansson.h>

#include "core/entity.h"
#include "core/workflow.h"

/* The states of a request, written once: X(id, name) for each, SEP between
 * two. Open work first (counted as load, the "mine" view), then done. */
/* clang-format off */
#define REQUEST_OPEN_STATES(X, SEP)                                                                \
    X(RS_NEW,            "new")            SEP                                                     \
    X(RS_ASSIGNED,       "assigned")       SEP                                                     \
    X(RS_IN_PROGRESS,    "in_progress")    SEP                                                     \
    X(RS_WAITING_CLIENT, "waiting_client") SEP                                                     \
    X(RS_WAITING_PARTS,  "waiting_parts")
#define REQUEST_CLOSED_STATES(X, SEP)                                                              \
    X(RS_RESOLVED,       "resolved")       SEP                                                     \
    X(RS_CLOSED,         "closed")         SEP                                                     \
    X(RS_CANCELLED,      "cancelled")
/* clang-format on */

enum request_state {
#define X(id, name) id,
    REQUEST_OPEN_STATES(X, ) REQUEST_CLOSED_STATES(X, )
#undef X
        RS__COUNT
};

/* The open states as an SQL list: "'new', 'assigned', …". */
#define REQUEST_SQL_STATE(id, name) "'" name "'"
#define REQUEST_OPEN_SQL            REQUEST_OPEN_STATES(REQUEST_SQL_STATE, ", ")

extern const struct entity entity_requests;
extern const struct workflow request_workflow;

/* The state (RS_…) of a request's status text, or -1; and a state's name. */
static inline int request_state(const char *status)
{
    return workflow_state(&request_workflow, status);
}
#define request_state_name(state) (request_workflow.states[state])

/* The groups of request counters (core/counters.h): by status, by SLA
 * state, the overdue open ones, and each assignee's open requests (the value is the user's id). */
#define REQUEST_COUNTER_STATUS    "requests.status"
#define REQUEST_COUNTER_SLA_STATE "requests.sla_state"
#define REQUEST_COUNTER_OPEN_BY   "requests.open_by"
/* open requests past their resolution deadline: one counter,
 * "requests.overdue.open" (closed breached ones stay in sla_state.breached) */
#define REQUEST_COUNTER_OVERDUE "requests.overdue"

/* Sets the request counters (by status, by SLA state) from scratch, in the
 * caller's write transaction; the job version opens its own. */
enum err_code request_recount(struct ctx *cx);
enum err_code request_recount_job(struct ctx *cx);

/* The desk's badges for the acting user: requests by status and by SLA
 * state (JSON objects of counts, new), the open ones past their deadline,
 * and the user's own open requests — of the user's branch when they work in
 * one (counted then, not read from the company-wide counters). */
enum err_code request_badges(struct ctx *cx, json_t **by_status, json_t **by_sla_state,
                             int64_t *mine_open, int64_t *overdue_open);

/* The one rule for who may be a request's assignee — on create, on assign,
 * by routing rules and by escalation: an active user whose role may work on
 * requests (requests.work). *ok tells; *name (arena, may be NULL) is the
 * user's name when found. */
enum err_code request_may_take(struct ctx *cx, int64_t user_id, bool *ok, const char **name);

/* "О-2026-000123: subject", for notifications (arena). */
const char *request_title(struct ctx *cx, struct record *rec);

/* Adds an event to a request's timeline (timeline_add, in the caller's
 * transaction): kind created, reply, client_reply, note, status, assigned,
 * not_assigned (the person a rule or escalation named may not take
 * requests), sla, file, attachment_skipped; *event_id may be NULL. */
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

/* The fields of a request, in the order of its table (requests.c). */
enum request_field {
    REQ_NUMBER,
    REQ_STATUS,
    REQ_CHANNEL,
    REQ_TYPE,
    REQ_PRIORITY,
    REQ_SUBJECT,
    REQ_DESCRIPTION,
    REQ_CLIENT_ID,
    REQ_CONTRACT_ID,
    REQ_CONTACT_ID,
    REQ_UNIT_ID,
    REQ_BRANCH_ID,
    REQ_QUEUE,
    REQ_ASSIGNEE_ID,
    REQ_TAGS,
    REQ_ACCESS_CODE,
    REQ_RESOLVED_AT,
    REQ_CLOSED_AT,
    REQ_SLA_POLICY_ID,
    REQ_SLA_SOURCE,
    REQ_SLA_STATE,
    REQ_FIRST_RESPONSE_DUE,
    REQ_RESOLUTION_DUE,
    REQ_SLA_WARNING_AT,
    REQ_FIRST_RESPONSE_AT,
    REQ_SLA_PAUSED_SINCE,
    REQ_SLA_PAUSED_MINUTES,
    REQ_DURATION_MINUTES,
    REQ_ROUTED_RULE_ID,
    REQ_RATING,
    REQ_RATING_COMMENT,
    REQ_RATED_AT,
    REQ__COUNT
};

/* ---- customer satisfaction (ratings.c) ---- */

/* A rating at or below this is low: the branch's managers are told. */
#define REQUEST_LOW_RATING 2

/* A client's rating (1–5) of their resolved (or closed) request, found by its
 * number and access code as on the status page, with an optional comment
 * (at most 2000 characters), in its own write transaction: kept on the
 * request (versioned, audited), a public "rating" event on its timeline, and
 * a low rating told to the managers. ERR_NOTFOUND for a wrong pair (counted
 * with the status page's wrong pairs: ten per ten minutes from one address,
 * then ERR_LIMITED), ERR_CONFLICT when the request is not resolved yet or
 * was rated already, ERR_INVALID for a rating outside 1–5 or a bad comment. */
enum err_code request_rate(struct ctx *cx, const char *number, const char *code, int64_t rating,
                           const char *comment, struct record **out);

/* The desk's reports (reports.c). */
extern const struct report report_sla, report_intake, report_backlog;
extern const struct report report_times, report_ratings;

/* Tells the managers of the request's branch (and the company-wide ones) of
 * an SLA breach or a low rating — with but_assignee, not its assignee, who
 * hears of it as such. */
enum err_code request_notify_managers(struct ctx *cx, struct record *req, const char *kind,
                                      const char *title, bool but_assignee);

#endif
