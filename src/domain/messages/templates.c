/* templates.c — the templates of messages to clients (domain layer): one
 * per event, channel and language, edited by people, checked on save so
 * that a placeholder nobody fills in never reaches a client. */
#include "messages.h"

#include <string.h>

#include "core/outbox.h"
#include "core/perm.h"
#include "base/banned.h"

const char *const message_events[] = {"created",    "reply",           "resolved",
                                      "sla_breach", "pickup_reminder", NULL};
static const char *const channels[] = {"email", "sms", NULL};
static const char *const langs[] = {"ru", "en", NULL};

/* clang-format off */
static const struct field template_fields[] = {
    [TPL_EVENT] =   {"event",   F_ENUM, F_REQUIRED | F_FILTER | F_SORT | F_LIST, 0, "template.event",
                     .enums = message_events},
    [TPL_CHANNEL] = {"channel", F_ENUM, F_REQUIRED | F_FILTER | F_LIST, 0, "template.channel", .enums = channels},
    [TPL_LANG] =    {"lang",    F_ENUM, F_REQUIRED | F_FILTER | F_LIST, 0, "template.lang", .enums = langs},
    [TPL_ACTIVE] =  {"active",  F_BOOL, F_FILTER | F_LIST, 0, "template.active", .def = "true"},
    [TPL_SUBJECT] = {"subject", F_TEXT, F_LIST, 300, "template.subject"},
    [TPL_BODY] =    {"body",    F_TEXT, F_REQUIRED | F_MULTILINE, 4000, "template.body"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(template_fields, TPL__COUNT),
               "one entry per value of enum template_field");

/* Every {placeholder} must be one the outbox fills in; an e-mail needs a
 * subject; one template per event, channel and language. */
static enum err_code template_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    const struct value *subject = rec_get(rec, TPL_SUBJECT), *body = rec_get(rec, TPL_BODY);
    const char *bad;
    if (!body->null && (bad = outbox_unknown_placeholder(cx->a, body->s)))
        err_field(&cx->err, "body", "unknown_placeholder");
    if (!subject->null && (bad = outbox_unknown_placeholder(cx->a, subject->s)))
        err_field(&cx->err, "subject", "unknown_placeholder");
    const struct value *channel = rec_get(rec, TPL_CHANNEL);
    if (!channel->null && !strcmp(channel->s, "email") && (subject->null || !*subject->s))
        err_field(&cx->err, "subject", "required");
    if (cx->err.nfields)
        return ERR_INVALID;
    bool found;
    int64_t other;
    enum err_code rc = db_get_i64(cx->db, &cx->err, &other, &found,
                                  "SELECT id FROM message_templates\n"
                                  "WHERE event = $1 AND channel = $2 AND lang = $3 AND id <> $4",
                                  "ttti", rec_get(rec, TPL_EVENT)->s, channel->s,
                                  rec_get(rec, TPL_LANG)->s, old ? old->id : (int64_t)0);
    if (rc != ERR_OK)
        return rc;
    if (found) {
        err_field(&cx->err, "lang", "duplicate");
        return ERR_INVALID;
    }
    return ERR_OK;
}

const struct entity entity_message_templates = {
    .name = "message_templates",
    .table = "message_templates",
    .label = "entity.message_templates",
    .fields = template_fields,
    .display_sql = "event || ' / ' || channel || ' / ' || lang",
    .perm_read = P_MESSAGES_SETTINGS,
    .perm_write = P_MESSAGES_SETTINGS,
    .perm_delete = P_MESSAGES_SETTINGS,
    .check = template_check,
};
