/* entity_internal.h — shared between entity.c and list.c only (core layer). */
#ifndef SERVITOR_ENTITY_INTERNAL_H
#define SERVITOR_ENTITY_INTERNAL_H

#include "base/buf.h"
#include "core/entity.h"

/* SELECT list and FROM of an entity, aliased t: id, version, created_at,
 * updated_at, the fields (no passwords), then one label per reference. */
void entity_select_sql(const struct entity *ent, struct buf *sql);
/* Reads the current row of a statement built on entity_select_sql. */
struct record *entity_row(struct ctx *cx, const struct entity *ent, struct db_stmt *st);

#endif
