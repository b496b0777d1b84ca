/* notices.h — what the desk tells its clients (domain layer): which request
 * events queue which messages (core/outbox.h), with what in them. */
#ifndef SERVITOR_NOTICES_H
#define SERVITOR_NOTICES_H

#include "core/entity.h"

/* Queues the message of `event` (created, reply, resolved, sla_breach) about
 * a request to its client — the contact's address when the request names
 * one with an address, else the client's — in the caller's transaction.
 * reply: the text of a public reply ({reply}), NULL otherwise. A request
 * without a client, a client who opted out, or one no template reaches,
 * gets nothing. An SLA apology only when the company wants them sent. */
enum err_code notice_request(struct ctx *cx, const struct record *req, const char *event,
                             const char *reply);

#endif
