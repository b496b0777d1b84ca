/* works.c — the works catalog (прейскурант работ) of the workshop (domain
 * layer): what a labour line of a repair order is priced from — a name, the
 * kind of service, the standard time, the price with VAT and its rate, and
 * whether it is the diagnostics fee charged when an estimate is declined. */
#include "workshop.h"

#include "core/perm.h"
#include "domain/stock/stock.h"
#include "base/banned.h"

/* clang-format off */
static const struct field work_fields[] = {
    [WORK_NAME] =            {"name",            F_TEXT, F_REQUIRED | F_UNIQUE | F_SEARCH | F_SORT | F_LIST, 300, "work.name"},
    [WORK_SERVICE_TYPE_ID] = {"service_type_id", F_REF,  F_FILTER | F_LIST,                                  0,   "work.service_type", .ref = &entity_service_types},
    [WORK_STD_MINUTES] =     {"std_minutes",     F_INT,  F_SORT | F_LIST,                                    100000, "work.std_minutes", .min = 1},
    [WORK_PRICE] =           {"price",           F_INT,  F_REQUIRED | F_MONEY | F_SORT | F_LIST,             1000000000000, "work.price", .min = 0},
    [WORK_VAT] =             {"vat",             F_ENUM, F_REQUIRED | F_FILTER,                              0,   "work.vat", .enums = stock_vat_list, .def = "none"},
    [WORK_DIAGNOSTICS_FEE] = {"diagnostics_fee", F_BOOL, F_FILTER,                                           0,   "work.diagnostics_fee", .def = "false"},
    [WORK_ACTIVE] =          {"active",          F_BOOL, F_FILTER | F_LIST,                                  0,   "work.active", .def = "true"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(work_fields, WORK__COUNT), "one entry per value of enum work_field");

const struct entity entity_works = {
    .name = "works",
    .table = "works",
    .label = "entity.works",
    .fields = work_fields,
    .display_sql = "name",
    .perm_read = P_WORKSHOP_READ,
    .perm_write = P_WORKSHOP_SETTINGS,
    .perm_delete = P_WORKSHOP_SETTINGS,
};
