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

#endif
