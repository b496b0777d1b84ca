/* registry.c — the list of entities the generic resource routes serve
 * (domain layer). A new entity is added here and in a migration. */
#include "registry.h"

#include <string.h>

#include "base/banned.h"

const struct entity *const registry_entities[] = {
    &entity_branches,
    &entity_users,
    &entity_clients,
    &entity_contacts,
    &entity_equipment_models,
    &entity_equipment_units,
    NULL,
};

const struct entity *registry_find(const char *name)
{
    for (int i = 0; registry_entities[i]; i++)
        if (strcmp(registry_entities[i]->name, name) == 0)
            return registry_entities[i];
    return NULL;
}
