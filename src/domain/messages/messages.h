/* messages.h — messages to clients, the parts that are records (domain
 * layer): the templates of each event, channel and language. The queue and
 * the senders are core/outbox.h; which desk events send what is
 * desk/notices.c. */
#ifndef SERVITOR_MESSAGES_H
#define SERVITOR_MESSAGES_H

#include "core/entity.h"

extern const struct entity entity_message_templates;

/* The events a template may be written for, NULL-terminated. */
extern const char *const message_events[];

/* The fields of a template, in the order of its table (templates.c). */
enum template_field {
    TPL_EVENT,
    TPL_CHANNEL,
    TPL_LANG,
    TPL_ACTIVE,
    TPL_SUBJECT,
    TPL_BODY,
    TPL__COUNT
};

#endif
