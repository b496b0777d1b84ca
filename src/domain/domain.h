/* domain.h — every entity and workflow of every area (domain layer): what the
 * generic resource routes, /api/v1/meta and `servitor copy` walk. */
#ifndef SERVITOR_DOMAIN_H
#define SERVITOR_DOMAIN_H

#include "core/entity.h"
#include "core/jobs.h"
#include "core/report.h"
#include "core/workflow.h"

/* NULL-terminated. */
extern const struct entity *const domain_entities[];
/* The entities served now: domain_entities, and with SERVITOR_TEST_ENTITIES=1
 * also those of the tests (src/domain/testing). NULL-terminated. */
const struct entity *const *domain_all(void);
/* The priorities of work, lowest first: the values of every priority field
 * (requests, SLA policies, contract terms, routing rules), the order
 * escalation raises a priority in and the UI sorts by. NULL-terminated. */
extern const char *const domain_priorities[];
/* The entity of a resource name (of domain_all), or NULL. */
const struct entity *domain_entity(const char *name);
/* The background jobs of every area, ending with a zeroed entry. */
extern const struct job_kind domain_jobs[];
/* The tables that have a search index, NULL-terminated (for migrate_run). */
const char *const *domain_search_tables(void);
/* Every report (core/report.h), NULL-terminated, in the order the UI
 * lists them; and a report by name, or NULL. */
extern const struct report *const domain_reports[];
const struct report *domain_report(const char *name);
/* The workflow of an entity, or NULL. */
const struct workflow *domain_workflow(const struct entity *ent);

/* After a delete refused for the records that refer to it (ERR_CONFLICT in
 * cx->err): names them in the message and as fields with the code "refers",
 * with how many of each — only resources the caller reads. Returns the
 * error. */
enum err_code domain_name_references(struct ctx *cx, const struct entity *ent, int64_t id);

#endif
