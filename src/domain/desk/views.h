/* views.h — saved list views, each its user's own (domain layer). */
#ifndef SERVITOR_VIEWS_H
#define SERVITOR_VIEWS_H

#include "core/entity.h"

extern const struct entity entity_saved_views;

/* The fields of a saved view, in the order of its table (views.c). */
enum view_field { VIEW_USER_ID, VIEW_RESOURCE, VIEW_NAME, VIEW_QUERY, VIEW_POSITION, VIEW__COUNT };

#endif
