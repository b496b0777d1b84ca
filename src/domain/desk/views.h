/* views.h — saved list views, each its user's own (domain layer). */
#ifndef SERVITOR_VIEWS_H
#define SERVITOR_VIEWS_H

#include "core/entity.h"

extern const struct entity entity_saved_views;

#endif
