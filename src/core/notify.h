/* notify.h — in-app notifications, each also queued in the outbox for the
 * e-mail and SMS senders, in the caller's transaction (core layer). */
#ifndef SERVITOR_NOTIFY_H
#define SERVITOR_NOTIFY_H

#include <stdint.h>

#include "core/ctx.h"

/* Notifies a user (not the one acting: nobody is told about their own
 * deed). kind: assigned, mention, reply, sla_warning, sla_breached. */
enum err_code notify(struct ctx *cx, int64_t user_id, const char *kind, const char *entity,
                     int64_t record_id, const char *title);

/* Notifies every user named "@login" in a text. */
enum err_code notify_mentions(struct ctx *cx, const char *text, const char *entity,
                              int64_t record_id, const char *title);

#endif
