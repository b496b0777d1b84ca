/* outbox.h — messages to clients (core layer): the queue, its templates and
 * its senders.
 *
 * A message is queued with the event that caused it, in that event's
 * transaction (outbox_queue): the template of the event, channel and the
 * client's language is rendered then, so what is sent — and resent — is what
 * was decided at that moment. The sender (outbox_send_job, the job
 * "outbox.send") claims due messages in a short transaction of its own
 * (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the write lock), sends each
 * outside any transaction — e-mail through libcurl's SMTP, SMS by an HTTP POST
 * to a gateway — and writes the outcome of each before the next:
 *
 *     pending ──claim──▶ sending ──▶ sent
 *        ▲                  │  └────▶ failed (refused for good, out of attempts)
 *        └── back-off ──────┘                  ▲
 *     sending past its claim (the sender stopped mid-way) ─┘ "interrupted"
 *
 * A message is sent at most once: a claim is never taken over, since a
 * sender that stopped mid-way may have handed the message on already; such a
 * message becomes a dead letter an admin looks at and resends
 * (outbox_resend). Failures that leave the message undelivered for sure (no
 * connection, a temporary refusal, a login refused) are retried with a
 * doubling delay. */
#ifndef SERVITOR_OUTBOX_H
#define SERVITOR_OUTBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "core/company.h"
#include "core/ctx.h"

/* The placeholders a template may use, written once: X(id, name). */
#define OUTBOX_PLACEHOLDERS(X)                                                                     \
    X(PH_NUMBER, "number")         /* the document's number */                                     \
    X(PH_SUBJECT, "subject")       /* its subject */                                               \
    X(PH_STATUS, "status")         /* its status, in the client's language */                      \
    X(PH_CODE, "code")             /* the access code of its status page */                        \
    X(PH_LINK, "link")             /* the status page's address */                                 \
    X(PH_REPLY, "reply")           /* the text of the reply being sent */                          \
    X(PH_CLIENT, "client")         /* the client's (or contact's) name */                          \
    X(PH_COMPANY, "company")       /* our company's name */                                        \
    X(PH_REQUISITES, "requisites") /* our company's details */                                     \
    X(PH_PICKUP, "pickup")         /* "the unit can be picked up" when it has one */

enum outbox_placeholder {
#define X(id, name) id,
    OUTBOX_PLACEHOLDERS(X)
#undef X
        PH__COUNT
};

/* The names, NULL-terminated (for /api/v1/meta). */
extern const char *const outbox_placeholder_names[];

struct outbox_vars {
    const char *v[PH__COUNT]; /* NULL: empty */
};

/* The first "{name}" of text that is not a placeholder, or NULL when every
 * one is known. Arena. */
const char *outbox_unknown_placeholder(struct arena *a, const char *text);

/* text with each {placeholder} replaced by its value. Arena. */
char *outbox_render(struct arena *a, const char *text, const struct outbox_vars *vars);

/* One message to queue. */
struct outbox_item {
    const char *event;  /* the templates' event: created, reply, resolved, sla_breach */
    int64_t client_id;  /* whose wishes count (opt-out, consent, language) */
    bool own_request;   /* the answer to the client's own request: sent without a consent to
                           process personal data (152-ФЗ ст. 6 ч. 1 п. 5); anything else
                           needs one */
    const char *email;  /* the addresses to use, NULL when none */
    const char *phone;  /* +7… */
    const char *entity; /* what it is about */
    int64_t record_id;
    const char *link_path;  /* appended to the company's public_url for {link} */
    const char *references; /* e-mail Message-IDs (without <>) it answers, space-separated */
    /* number, subject, status, code, reply, client; link, company and
     * requisites are filled in here */
    struct outbox_vars vars;
    bool automatic; /* marked Auto-Submitted: auto-generated (not a person's reply) */
};

/* Queues the message of it->event on each channel the client can be
 * reached by (e-mail, SMS) that has an active template in the client's
 * language (else Russian), in the caller's transaction; *queued (may be
 * NULL) counts them. Nothing is queued for a client who opted out, nor —
 * unless own_request — for one without a consent. */
enum err_code outbox_queue(struct ctx *cx, const struct outbox_item *it, int *queued);

/* The job "outbox.send": sends what is due. */
enum err_code outbox_send_job(struct ctx *cx);

/* One row of the outbox, for the admins' list. */
struct outbox_row {
    int64_t id;
    const char *created_at, *updated_at, *sent_at;
    const char *channel, *address, *event, *entity, *state, *subject, *body, *last_error;
    const char *message_id;
    int64_t client_id, record_id, attempts, next_attempt_at;
};

/* Messages to clients (those with an address), newest first, with id below
 * `before` (0: from the newest), state one of pending, sending, sent, failed
 * or NULL for all; at most limit (1..200). */
enum err_code outbox_list(struct ctx *cx, const char *state, int64_t before, int limit,
                          struct outbox_row **rows, int *n);

/* A dead letter (state failed) queued again: due now, its attempts counted
 * from zero, the same Message-ID; audited. ERR_NOTFOUND, ERR_CONFLICT when it
 * is not failed. */
enum err_code outbox_resend(struct ctx *cx, int64_t id);

#endif
