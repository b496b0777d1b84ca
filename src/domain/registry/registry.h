/* registry.h — the reference records every area uses (domain layer): branches,
 * users, clients and their contacts, equipment models and units. */
#ifndef SERVITOR_REGISTRY_H
#define SERVITOR_REGISTRY_H

#include "core/entity.h"

extern const struct entity entity_branches;
extern const struct entity entity_users;
extern const struct entity entity_clients;
extern const struct entity entity_contacts;
extern const struct entity entity_equipment_models;
extern const struct entity entity_equipment_units;

/* The client with this phone (already normalised, or NULL) or, failing that,
 * this e-mail (any case, or NULL); *id is 0 when there is none. The public
 * form, the staff form and e-mail intake find a client the same way. */
enum err_code client_find(struct ctx *cx, const char *phone, const char *email, int64_t *id);

/* The Russian time zones a branch or a calendar may be in, NULL-terminated. */
extern const char *const branch_timezones[];

/* The fields of a branch, in the order of its table (branches.c). */
enum branch_field {
    BRANCH_NAME,
    BRANCH_ADDRESS,
    BRANCH_PHONE,
    BRANCH_CALENDAR_ID,
    BRANCH_TIMEZONE,
    BRANCH_WORKING_HOURS,
    BRANCH__COUNT
};

/* The fields of a user, in the order of its table (users.c). */
enum user_field {
    USER_LOGIN,
    USER_NAME,
    USER_ROLE,
    USER_BRANCH_ID,
    USER_ACTIVE,
    USER_BRANCH_SCOPE,
    USER_SKILL_TYPES,
    USER_SKILL_CATEGORIES,
    USER_PASSWORD,
    USER_COST_RATE,
    USER__COUNT
};

/* The fields of a client, in the order of its table (clients.c). */
enum client_field {
    CLIENT_KIND,
    CLIENT_NAME,
    CLIENT_PHONE,
    CLIENT_EMAIL,
    CLIENT_INN,
    CLIENT_KPP,
    CLIENT_ADDRESS,
    CLIENT_BRANCH_ID,
    CLIENT_PD_CONSENT,
    CLIENT_PD_CONSENT_DATE,
    CLIENT_NOTES,
    CLIENT_MESSAGES_OPT_OUT,
    CLIENT_LANG,
    CLIENT__COUNT
};

/* The fields of a contact, in the order of its table (clients.c). */
enum contact_field {
    CONTACT_CLIENT_ID,
    CONTACT_NAME,
    CONTACT_POSITION,
    CONTACT_PHONE,
    CONTACT_EMAIL,
    CONTACT_NOTES,
    CONTACT__COUNT
};

/* The fields of an equipment model, in the order of its table (equipment.c). */
enum model_field {
    MODEL_BRAND,
    MODEL_MODEL,
    MODEL_CATEGORY,
    MODEL_WARRANTY_MONTHS,
    MODEL_LOANER_DUTY, /* ЗоЗПП ст. 20 п. 2 applies (workshop/clocks.h) */
    MODEL__COUNT
};

/* The fields of an equipment unit, in the order of its table (equipment.c). */
enum unit_field {
    UNIT_MODEL_ID,
    UNIT_SERIAL,
    UNIT_CLIENT_ID,
    UNIT_PURCHASE_DATE,
    UNIT_WARRANTY_UNTIL,
    UNIT_SOLD_BY_US,
    UNIT_NOTES,
    UNIT__COUNT
};

#endif
