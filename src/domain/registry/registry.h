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

/* The Russian time zones a branch or a calendar may be in, NULL-terminated. */
extern const char *const branch_timezones[];

#endif
