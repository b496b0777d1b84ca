/* service_types.c — the kinds of service the workshop does (domain layer):
 * repair, diagnostics, maintenance… Each carries the company's target for the
 * days from intake to ready and the warranty its work is given; the works
 * catalog and the QC checklists are kept per kind. */
#include "workshop.h"

#include "core/perm.h"
#include "base/banned.h"

/* clang-format off */
static const struct field service_type_fields[] = {
    [ST_CODE] =                 {"code",                 F_TEXT, F_REQUIRED | F_UNIQUE | F_CREATE_ONLY | F_FILTER | F_LIST, 40, "service_type.code"},
    [ST_NAME] =                 {"name",                 F_TEXT, F_REQUIRED | F_UNIQUE | F_SEARCH | F_SORT | F_LIST,         200, "service_type.name"},
    [ST_TARGET_DAYS] =          {"target_days",          F_INT,  F_SORT | F_LIST,                                            365, "service_type.target_days", .min = 1},
    [ST_REPAIR_WARRANTY_DAYS] = {"repair_warranty_days", F_INT,  F_REQUIRED | F_LIST,                                        3650, "service_type.repair_warranty_days", .min = 0, .def = "90"},
    [ST_ACTIVE] =               {"active",               F_BOOL, F_FILTER | F_LIST,                                          0, "service_type.active", .def = "true"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(service_type_fields, ST__COUNT),
               "one entry per value of enum service_type_field");

const struct entity entity_service_types = {
    .name = "service_types",
    .table = "service_types",
    .label = "entity.service_types",
    .fields = service_type_fields,
    .display_sql = "name",
    .perm_read = P_WORKSHOP_READ,
    .perm_write = P_WORKSHOP_SETTINGS,
    .perm_delete = P_WORKSHOP_SETTINGS,
};
