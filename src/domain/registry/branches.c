/* branches.c — филиалы: the company's service points (domain layer). */
#include "registry.h"

#include "core/perm.h"
#include "domain/desk/sla.h"

const char *const branch_timezones[] = {
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
    "UTC",
    NULL,
};

static const struct field branch_fields[] = {
    /* name        type     flags                                        max  label */
    [BRANCH_NAME] = {"name", F_TEXT, F_REQUIRED | F_UNIQUE | F_SEARCH | F_SORT | F_LIST, 200,
                     "branch.name"},
    [BRANCH_ADDRESS] = {"address", F_TEXT, F_SEARCH | F_LIST, 500, "branch.address"},
    [BRANCH_PHONE] = {"phone", F_PHONE, F_SEARCH | F_LIST, 32, "branch.phone"},
    [BRANCH_CALENDAR_ID] = {"calendar_id", F_REF, F_FILTER, 0, "branch.calendar",
                            .ref = &entity_business_calendars},
    [BRANCH_TIMEZONE] = {"timezone", F_ENUM, F_REQUIRED | F_FILTER | F_LIST, 0, "branch.timezone",
                         .enums = branch_timezones, .def = "Europe/Moscow"},
    /* printed under the company's requisites on the branch's documents */
    [BRANCH_WORKING_HOURS] = {"working_hours", F_TEXT, F_LIST, 200, "branch.working_hours"},
    {0},
};
_Static_assert(FIELDS_COUNT_OK(branch_fields, BRANCH__COUNT),
               "one entry per value of enum branch_field");

const struct entity entity_branches = {
    .name = "branches",
    .table = "branches",
    .label = "entity.branches",
    .fields = branch_fields,
    .display_sql = "name",
    .perm_read = P_BRANCHES_READ,
    .perm_write = P_BRANCHES_WRITE,
    .perm_delete = P_BRANCHES_WRITE,
};
