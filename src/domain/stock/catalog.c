/* catalog.c — the parts catalog and the places stock is kept (domain layer):
 * parts, their barcodes, the equipment models they fit, their analogs;
 * warehouses (each a branch's) and their bins. */
#include "stock.h"

#include <stdlib.h>
#include <string.h>

#include "base/settings.h"
#include "core/perm.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

/* ---- VAT rates: SERVITOR_VAT_RATES, read before main (the descriptor's
 * enum points at them) ---- */

#define VAT_MAX 16
const char *stock_vat_list[VAT_MAX + 1];
const char *const *stock_vat_rates = stock_vat_list;

__attribute__((constructor)) static void vat_rates_load(void)
{
    static char text[256];
    const char *s = setting_text(SET_VAT_RATES);
    size_t n = strlen(s);
    if (n >= sizeof(text))
        n = sizeof(text) - 1;
    memcpy(text, s, n);
    text[n] = 0;
    int k = 0;
    for (char *p = text; *p && k < VAT_MAX;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = 0;
        while (*p == ' ')
            p++;
        size_t len = strlen(p);
        while (len && p[len - 1] == ' ')
            p[--len] = 0;
        if (*p)
            stock_vat_list[k++] = p;
        if (!comma)
            break;
        p = comma + 1;
    }
    if (k == 0) { /* nothing usable: the law's rates */
        static const char *const law[] = {"22", "20", "10", "0", "none"};
        for (k = 0; k < 5; k++)
            stock_vat_list[k] = law[k];
    }
    stock_vat_list[k] = NULL;
}

static const char *const units[] = {"pcs", "m", "l", NULL};

/* clang-format off */
static const struct field part_fields[] = {
    [PART_SKU] =            {"sku",            F_TEXT, F_REQUIRED | F_UNIQUE | F_SEARCH | F_SORT | F_FILTER | F_LIST, 64, "part.sku"},
    [PART_NAME] =           {"name",           F_TEXT, F_REQUIRED | F_SEARCH | F_SORT | F_LIST,            300, "part.name"},
    [PART_BRAND] =          {"brand",          F_TEXT, F_SEARCH | F_SORT | F_FILTER | F_LIST,              100, "part.brand"},
    [PART_UNIT] =           {"unit",           F_ENUM, F_REQUIRED | F_FILTER | F_LIST,                     0,   "part.unit", .enums = units, .def = "pcs"},
    [PART_CATEGORY] =       {"category",       F_TEXT, F_SEARCH | F_SORT | F_FILTER | F_LIST,              100, "part.category"},
    [PART_PURCHASE_PRICE] = {"purchase_price", F_INT,  F_REQUIRED | F_SORT | F_MONEY,                      STOCK_COST_MAX, "part.purchase_price", .min = 0, .def = "0"},
    [PART_SALE_PRICE] =     {"sale_price",     F_INT,  F_REQUIRED | F_SORT | F_LIST | F_MONEY,             STOCK_COST_MAX, "part.sale_price", .min = 0, .def = "0"},
    [PART_VAT] =            {"vat",            F_ENUM, F_REQUIRED | F_FILTER,                              0,   "part.vat", .enums = stock_vat_list, .def = "22"},
    [PART_SERIAL_TRACKED] = {"serial_tracked", F_BOOL, F_FILTER,                                           0,   "part.serial_tracked", .def = "false"},
    [PART_NOTES] =          {"notes",          F_TEXT, F_SEARCH | F_MULTILINE,                             4000, "part.notes"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(part_fields, PART__COUNT), "one entry per value of enum part_field");

/* A part that has moved may not become serialized or stop being so: its
 * pieces on hand would have no serials (or serials no one checks). */
static enum err_code part_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    if (!old || rec_get(rec, PART_SERIAL_TRACKED)->i == rec_get(old, PART_SERIAL_TRACKED)->i)
        return ERR_OK;
    bool found;
    int64_t one;
    enum err_code rc =
        db_get_i64(cx->db, &cx->err, &one, &found,
                   "SELECT 1 FROM stock_movements WHERE part_id = $1 LIMIT 1", "i", rec->id);
    if (rc != ERR_OK)
        return rc;
    if (found) {
        err_field(&cx->err, "serial_tracked", "has_movements");
        return ctx_fail(cx, ERR_INVALID, "the part has moved already: serial tracking is fixed");
    }
    return ERR_OK;
}

const struct entity entity_parts = {
    .name = "parts",
    .table = "parts",
    .label = "entity.parts",
    .fields = part_fields,
    .display_sql = "sku || ' ' || name",
    .perm_read = P_STOCK_READ,
    .perm_write = P_STOCK_CATALOG,
    .perm_delete = P_STOCK_CATALOG,
    .check = part_check,
};

/* clang-format off */
static const struct field barcode_fields[] = {
    [BARCODE_PART_ID] = {"part_id", F_REF,  F_REQUIRED | F_FILTER | F_LIST,                       0,  "barcode.part", .ref = &entity_parts},
    [BARCODE_BARCODE] = {"barcode", F_TEXT, F_REQUIRED | F_UNIQUE | F_FILTER | F_SORT | F_LIST,   64, "barcode.barcode"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(barcode_fields, BARCODE__COUNT),
               "one entry per value of enum barcode_field");

/* A scanner types what it reads: no spaces or control characters in it. */
static enum err_code barcode_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    (void)old;
    const struct value *v = rec_get(rec, BARCODE_BARCODE);
    for (const unsigned char *p = (const unsigned char *)v->s; p && *p; p++)
        if (*p <= ' ' || *p == 0x7f) {
            err_field(&cx->err, "barcode", "invalid");
            return ctx_fail(cx, ERR_INVALID, "a barcode has no spaces or control characters");
        }
    return ERR_OK;
}

const struct entity entity_part_barcodes = {
    .name = "part_barcodes",
    .table = "part_barcodes",
    .label = "entity.part_barcodes",
    .fields = barcode_fields,
    .display_sql = "barcode",
    .perm_read = P_STOCK_READ,
    .perm_write = P_STOCK_CATALOG,
    .perm_delete = P_STOCK_CATALOG,
    .check = barcode_check,
};

/* clang-format off */
static const struct field part_model_fields[] = {
    [PM_PART_ID] =  {"part_id",  F_REF, F_REQUIRED | F_FILTER | F_LIST, 0, "part_model.part", .ref = &entity_parts},
    [PM_MODEL_ID] = {"model_id", F_REF, F_REQUIRED | F_UNIQUE | F_FILTER | F_LIST, 0, "part_model.model",
                     .ref = &entity_equipment_models, .unique_with = "part_id"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(part_model_fields, PM__COUNT),
               "one entry per value of enum part_model_field");

const struct entity entity_part_models = {
    .name = "part_models",
    .table = "part_models",
    .label = "entity.part_models",
    .fields = part_model_fields,
    .display_sql = "CAST(part_id AS TEXT) || ':' || CAST(model_id AS TEXT)",
    .perm_read = P_STOCK_READ,
    .perm_write = P_STOCK_CATALOG,
    .perm_delete = P_STOCK_CATALOG,
};

static const char *const analog_notes[] = {"original", "analog", "refurbished", NULL};

/* clang-format off */
static const struct field analog_fields[] = {
    [ANALOG_PART_ID] =   {"part_id",   F_REF,  F_REQUIRED | F_FILTER | F_LIST, 0, "analog.part", .ref = &entity_parts},
    [ANALOG_ANALOG_ID] = {"analog_id", F_REF,  F_REQUIRED | F_UNIQUE | F_FILTER | F_LIST, 0, "analog.analog",
                          .ref = &entity_parts, .unique_with = "part_id"},
    [ANALOG_NOTE] =      {"note",      F_ENUM, F_REQUIRED | F_FILTER | F_LIST, 0, "analog.note", .enums = analog_notes, .def = "analog"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(analog_fields, ANALOG__COUNT),
               "one entry per value of enum analog_field");

/* A pair is one row whichever way it was entered: a part is no analog of
 * itself, and B↔A is the same pair as A↔B. */
static enum err_code analog_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    int64_t a = rec_get(rec, ANALOG_PART_ID)->i, b = rec_get(rec, ANALOG_ANALOG_ID)->i;
    if (a == b) {
        err_field(&cx->err, "analog_id", "same_part");
        return ctx_fail(cx, ERR_INVALID, "a part is not an analog of itself");
    }
    bool found;
    int64_t id;
    enum err_code rc = db_get_i64(cx->db, &cx->err, &id, &found,
                                  "SELECT id FROM part_analogs\n"
                                  "WHERE part_id = $1 AND analog_id = $2 AND id <> $3",
                                  "iii", b, a, old ? old->id : 0);
    if (rc != ERR_OK)
        return rc;
    if (found) {
        err_field(&cx->err, "analog_id", "duplicate");
        return ctx_fail(cx, ERR_INVALID, "these parts are analogs already");
    }
    return ERR_OK;
}

const struct entity entity_part_analogs = {
    .name = "part_analogs",
    .table = "part_analogs",
    .label = "entity.part_analogs",
    .fields = analog_fields,
    .display_sql = "note",
    .perm_read = P_STOCK_READ,
    .perm_write = P_STOCK_CATALOG,
    .perm_delete = P_STOCK_CATALOG,
    .check = analog_check,
};

/* clang-format off */
static const struct field warehouse_fields[] = {
    [WAREHOUSE_NAME] =      {"name",      F_TEXT, F_REQUIRED | F_UNIQUE | F_SEARCH | F_SORT | F_LIST, 200, "warehouse.name"},
    [WAREHOUSE_BRANCH_ID] = {"branch_id", F_REF,  F_REQUIRED | F_FILTER | F_LIST, 0, "warehouse.branch", .ref = &entity_branches},
    [WAREHOUSE_ADDRESS] =   {"address",   F_TEXT, F_SEARCH | F_LIST, 500, "warehouse.address"},
    [WAREHOUSE_ACTIVE] =    {"active",    F_BOOL, F_FILTER | F_LIST, 0, "warehouse.active", .def = "true"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(warehouse_fields, WAREHOUSE__COUNT),
               "one entry per value of enum warehouse_field");

const struct entity entity_warehouses = {
    .name = "warehouses",
    .table = "warehouses",
    .label = "entity.warehouses",
    .fields = warehouse_fields,
    .display_sql = "name",
    .perm_read = P_STOCK_READ,
    .perm_write = P_STOCK_CATALOG,
    .perm_delete = P_STOCK_CATALOG,
    .branch_field = "branch_id",
};

/* clang-format off */
static const struct field bin_fields[] = {
    [BIN_WAREHOUSE_ID] = {"warehouse_id", F_REF,  F_REQUIRED | F_FILTER | F_LIST, 0, "bin.warehouse", .ref = &entity_warehouses},
    [BIN_CODE] =         {"code",         F_TEXT, F_REQUIRED | F_UNIQUE | F_SORT | F_LIST, 50, "bin.code", .unique_with = "warehouse_id"},
    [BIN_NOTES] =        {"notes",        F_TEXT, F_LIST, 500, "bin.notes"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(bin_fields, BIN__COUNT), "one entry per value of enum bin_field");

const struct entity entity_bins = {
    .name = "bins",
    .table = "bins",
    .label = "entity.bins",
    .fields = bin_fields,
    .display_sql = "code",
    .perm_read = P_STOCK_READ,
    .perm_write = P_STOCK_CATALOG,
    .perm_delete = P_STOCK_CATALOG,
};

enum err_code stock_barcode_part(struct ctx *cx, const char *barcode, int64_t *part_id)
{
    bool found;
    enum err_code rc =
        db_get_i64(cx->db, &cx->err, part_id, &found,
                   "SELECT part_id FROM part_barcodes WHERE barcode = $1", "t", barcode);
    if (rc == ERR_OK && !found)
        *part_id = 0;
    return rc;
}
