/* equipment.c — equipment models and the units clients own (domain layer). */
#include "registry.h"

#include <string.h>

#include "base/timeutil.h"
#include "core/perm.h"
#include "base/banned.h"

static const struct field model_fields[] = {
    /* name              type     flags                                   max  label */
    [MODEL_BRAND] = {"brand", F_TEXT, F_REQUIRED | F_SEARCH | F_SORT | F_FILTER | F_LIST, 100,
                     "model.brand"},
    [MODEL_MODEL] = {"model", F_TEXT, F_REQUIRED | F_UNIQUE | F_SEARCH | F_SORT | F_LIST, 100,
                     "model.model", .unique_with = "brand"},
    [MODEL_CATEGORY] = {"category", F_TEXT, F_SEARCH | F_FILTER | F_SORT | F_LIST, 100,
                        "model.category"},
    [MODEL_WARRANTY_MONTHS] = {"warranty_months", F_INT, F_REQUIRED | F_LIST, 120,
                               "model.warranty_months", .min = 0, .def = "12"},
    [MODEL_LOANER_DUTY] = {"loaner_duty", F_BOOL, F_FILTER | F_LIST, 0, "model.loaner_duty",
                           .def = "false"},
    {0},
};
_Static_assert(FIELDS_COUNT_OK(model_fields, MODEL__COUNT),
               "one entry per value of enum model_field");

const struct entity entity_equipment_models = {
    .name = "equipment_models",
    .table = "equipment_models",
    .label = "entity.equipment_models",
    .fields = model_fields,
    .display_sql = "brand || ' ' || model",
    .perm_read = P_EQUIPMENT_READ,
    .perm_write = P_EQUIPMENT_WRITE,
    .perm_delete = P_EQUIPMENT_DELETE,
};

static const struct field unit_fields[] = {
    [UNIT_MODEL_ID] = {"model_id", F_REF, F_REQUIRED | F_FILTER | F_LIST, 0, "unit.model",
                       .ref = &entity_equipment_models},
    [UNIT_SERIAL] = {"serial", F_TEXT,
                     F_REQUIRED | F_UNIQUE | F_SEARCH | F_SORT | F_FILTER | F_LIST, 100,
                     "unit.serial", .unique_with = "model_id"},
    [UNIT_CLIENT_ID] = {"client_id", F_REF, F_FILTER | F_LIST, 0, "unit.client",
                        .ref = &entity_clients},
    [UNIT_PURCHASE_DATE] = {"purchase_date", F_DATE, F_SORT | F_LIST, 0, "unit.purchase_date"},
    [UNIT_WARRANTY_UNTIL] = {"warranty_until", F_DATE, F_SORT | F_LIST, 0, "unit.warranty_until"},
    [UNIT_SOLD_BY_US] = {"sold_by_us", F_BOOL, F_FILTER, 0, "unit.sold_by_us", .def = "false"},
    [UNIT_NOTES] = {"notes", F_TEXT, F_SEARCH | F_MULTILINE, 4000, "unit.notes"},
    {0},
};
_Static_assert(FIELDS_COUNT_OK(unit_fields, UNIT__COUNT), "one entry per value of enum unit_field");

static bool same_text(const struct value *a, const struct value *b)
{
    if (a->null || b->null)
        return a->null == b->null;
    return strcmp(a->s, b->s) == 0;
}

/* Warranty runs from the purchase for the model's months, unless a date is
 * given; it follows a changed purchase date or model unless set by hand. */
static enum err_code unit_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    const struct value *purchase = rec_get(rec, UNIT_PURCHASE_DATE);
    struct value *until = rec_set(rec, UNIT_WARRANTY_UNTIL);
    const struct value *model = rec_get(rec, UNIT_MODEL_ID);
    bool recompute;
    if (!old) {
        recompute = until->null;
    } else {
        const struct record *o = old;
        bool moved = !same_text(purchase, rec_get(o, UNIT_PURCHASE_DATE)) ||
                     model->i != rec_get(o, UNIT_MODEL_ID)->i;
        recompute = moved && same_text(until, rec_get(o, UNIT_WARRANTY_UNTIL));
    }
    if (!recompute || purchase->null)
        return ERR_OK;
    int64_t months;
    bool found;
    enum err_code rc =
        db_get_i64(cx->db, &cx->err, &months, &found,
                   "SELECT warranty_months FROM equipment_models WHERE id = $1", "i", model->i);
    if (rc != ERR_OK || !found)
        return rc;
    int y, m, d;
    if (!date_parse(purchase->s, &y, &m, &d))
        return ERR_OK;
    char out[ISO_DATE_LEN];
    date_add_months(y, m, d, (int)months, out);
    until->set = true;
    until->null = false;
    until->s = arena_strdup(cx->a, out);
    return ERR_OK;
}

const struct entity entity_equipment_units = {
    .name = "equipment_units",
    .table = "equipment_units",
    .label = "entity.equipment_units",
    .fields = unit_fields,
    .display_sql = "serial",
    .perm_read = P_EQUIPMENT_READ,
    .perm_write = P_EQUIPMENT_WRITE,
    .perm_delete = P_EQUIPMENT_DELETE,
    .check = unit_check,
};
