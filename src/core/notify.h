/* notify.h — in-app notifications, each also queued in the outbox for the
 * e-mail and SMS senders, in the caller's transaction (core layer). */
#ifndef SERVITOR_NOTIFY_H
#define SERVITOR_NOTIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/ctx.h"

struct entity;

/* Notifies a user (not the one acting: nobody is told about their own
 * deed). kind: assigned, mention, reply, sla_warning, sla_breached. */
enum err_code notify(struct ctx *cx, int64_t user_id, const char *kind, const char *entity,
                     int64_t record_id, const char *title);

/* Notifies every user named "@login" in a text. */
enum err_code notify_mentions(struct ctx *cx, const char *text, const char *entity,
                              int64_t record_id, const char *title);

/* The acting user's newest 50 notifications (only the unread ones when
 * unread_only) as JSON objects (id, created_at, kind, entity, record_id,
 * title, read_at) in a new array, and how many are unread. A branch-scoped
 * user hears nothing of other branches' records: those of `entities` (NULL
 * ended) that belong to a branch are left out. */
enum err_code notify_list(struct ctx *cx, const struct entity *const *entities, bool unread_only,
                          json_t **items, int64_t *unread);

/* Marks the acting user's notifications read: the n of ids, or all when
 * all. Another user's id changes nothing. */
#define NOTIFY_READ_MAX 500
enum err_code notify_mark_read(struct ctx *cx, const int64_t *ids, int n, bool all);

#endif
