/* testing.h — entities that exist for the tests only (domain layer): they
 * prove that what an entity declares (a workflow, a timeline, a public view)
 * works for more than the requests. Registered only when the environment
 * has SERVITOR_TEST_ENTITIES=1 (domain_all), so the product never shows
 * them. */
#ifndef SERVITOR_TESTING_H
#define SERVITOR_TESTING_H

#include "core/entity.h"
#include "core/workflow.h"

extern const struct entity entity_test_orders;
extern const struct workflow test_order_workflow;

#endif
