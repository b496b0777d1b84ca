/* suppliers.c — the suppliers, their contacts and their current prices as
 * records (domain layer): requisites checked like a client's (ИНН and КПП
 * check digits, ОГРН), payment and delivery terms; a price changed by hand
 * leaves the price it replaced in the history. */
#include "purchasing.h"

#include <string.h>

#include "base/timeutil.h"
#include "core/perm.h"
#include "domain/stock/stock.h"
#include "base/banned.h"

static const char *const legal_kinds[] = {"company", "sole_trader", NULL};
static const char *const payment_terms[] = {"prepayment", "deferral", "on_delivery", NULL};

/* clang-format off */
static const struct field supplier_fields[] = {
    [SUPPLIER_NAME] =           {"name",            F_TEXT,  F_REQUIRED | F_SEARCH | F_SORT | F_LIST, 300, "supplier.name"},
    [SUPPLIER_LEGAL_KIND] =     {"legal_kind",      F_ENUM,  F_REQUIRED | F_FILTER,                   0,   "supplier.legal_kind", .enums = legal_kinds, .def = "company"},
    [SUPPLIER_INN] =            {"inn",             F_INN,   F_UNIQUE | F_SEARCH | F_FILTER | F_LIST, 12,  "supplier.inn"},
    [SUPPLIER_KPP] =            {"kpp",             F_KPP,   0,                                       9,   "supplier.kpp"},
    [SUPPLIER_OGRN] =           {"ogrn",            F_TEXT,  F_SEARCH,                                15,  "supplier.ogrn"},
    [SUPPLIER_ADDRESS] =        {"address",         F_TEXT,  F_SEARCH,                                500, "supplier.address"},
    [SUPPLIER_PHONE] =          {"phone",           F_PHONE, F_SEARCH | F_LIST,                       32,  "supplier.phone"},
    [SUPPLIER_EMAIL] =          {"email",           F_EMAIL, F_SEARCH | F_LIST,                       254, "supplier.email"},
    [SUPPLIER_WEBSITE] =        {"website",         F_TEXT,  0,                                       200, "supplier.website"},
    [SUPPLIER_PAYMENT_TERMS] =  {"payment_terms",   F_ENUM,  F_REQUIRED | F_FILTER | F_LIST,          0,   "supplier.payment_terms", .enums = payment_terms, .def = "prepayment"},
    [SUPPLIER_DEFERRAL_DAYS] =  {"deferral_days",   F_INT,   0,                                       365, "supplier.deferral_days", .min = 1},
    [SUPPLIER_DELIVERY_TERMS] = {"delivery_terms",  F_TEXT,  F_MULTILINE,                             1000, "supplier.delivery_terms"},
    [SUPPLIER_LEAD_DAYS] =      {"lead_days",       F_INT,   F_SORT | F_LIST,                         365, "supplier.lead_days", .min = 0},
    [SUPPLIER_PRICES_WITH_VAT] = {"prices_with_vat", F_BOOL, 0,                                       0,   "supplier.prices_with_vat", .def = "true"},
    [SUPPLIER_NOTES] =          {"notes",           F_TEXT,  F_SEARCH | F_MULTILINE,                  4000, "supplier.notes"},
    [SUPPLIER_ACTIVE] =         {"active",          F_BOOL,  F_FILTER | F_LIST,                       0,   "supplier.active", .def = "true"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(supplier_fields, SUPPLIER__COUNT),
               "one entry per value of enum supplier_field");

bool ogrn_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n != 13 && n != 15)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    /* the number without its last digit, modulo 11 (ОГРН) or 13 (ОГРНИП):
     * the remainder's last digit is the check digit */
    unsigned long long num = 0;
    for (size_t i = 0; i + 1 < n; i++)
        num = num * 10 + (unsigned long long)(s[i] - '0');
    unsigned long long rem = num % (n == 13 ? 11 : 13);
    return (int)(rem % 10) == s[n - 1] - '0';
}

/* A company's ИНН has 10 digits and its ОГРН 13, a sole trader's 12 and 15
 * and no КПП; a deferral has its days, other terms none. */
static enum err_code supplier_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    (void)old;
    const struct value *kind = rec_get(rec, SUPPLIER_LEGAL_KIND);
    const struct value *inn = rec_get(rec, SUPPLIER_INN);
    const struct value *kpp = rec_get(rec, SUPPLIER_KPP);
    const struct value *ogrn = rec_get(rec, SUPPLIER_OGRN);
    bool company = kind->null || strcmp(kind->s, "company") == 0;
    if (!inn->null && strlen(inn->s) != (company ? 10u : 12u))
        err_field(&cx->err, "inn", "invalid_inn");
    if (!kpp->null && (!company || inn->null || strlen(inn->s) != 10))
        err_field(&cx->err, "kpp", "invalid_kpp");
    if (!ogrn->null && (!ogrn_valid(ogrn->s) || strlen(ogrn->s) != (company ? 13u : 15u)))
        err_field(&cx->err, "ogrn", "invalid_ogrn");
    const struct value *terms = rec_get(rec, SUPPLIER_PAYMENT_TERMS);
    struct value *days = rec_set(rec, SUPPLIER_DEFERRAL_DAYS);
    if (!terms->null && strcmp(terms->s, "deferral") == 0) {
        if (days->null)
            err_field(&cx->err, "deferral_days", "required");
    } else if (!days->null) {
        days->set = true;
        days->null = true;
    }
    return cx->err.nfields ? ERR_INVALID : ERR_OK;
}

const struct entity entity_suppliers = {
    .name = "suppliers",
    .table = "suppliers",
    .label = "entity.suppliers",
    .fields = supplier_fields,
    .display_sql = "name",
    .perm_read = P_PURCHASING_READ,
    .perm_write = P_PURCHASING_WRITE,
    .perm_delete = P_PURCHASING_WRITE,
    .check = supplier_check,
};

/* clang-format off */
static const struct field scontact_fields[] = {
    [SCONTACT_SUPPLIER_ID] = {"supplier_id", F_REF,   F_REQUIRED | F_FILTER | F_LIST,          0,   "supplier_contact.supplier", .ref = &entity_suppliers},
    [SCONTACT_NAME] =        {"name",        F_TEXT,  F_REQUIRED | F_SEARCH | F_SORT | F_LIST, 300, "supplier_contact.name"},
    [SCONTACT_POSITION] =    {"position",    F_TEXT,  F_SEARCH | F_LIST,                       200, "supplier_contact.position"},
    [SCONTACT_PHONE] =       {"phone",       F_PHONE, F_SEARCH | F_LIST,                       32,  "supplier_contact.phone"},
    [SCONTACT_EMAIL] =       {"email",       F_EMAIL, F_SEARCH | F_LIST,                       254, "supplier_contact.email"},
    [SCONTACT_NOTES] =       {"notes",       F_TEXT,  F_MULTILINE,                             2000, "supplier_contact.notes"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(scontact_fields, SCONTACT__COUNT),
               "one entry per value of enum supplier_contact_field");

const struct entity entity_supplier_contacts = {
    .name = "supplier_contacts",
    .table = "supplier_contacts",
    .label = "entity.supplier_contacts",
    .fields = scontact_fields,
    .display_sql = "name",
    .perm_read = P_PURCHASING_READ,
    .perm_write = P_PURCHASING_WRITE,
    .perm_delete = P_PURCHASING_WRITE,
};

/* clang-format off */
static const struct field sprice_fields[] = {
    [SPRICE_SUPPLIER_ID] =   {"supplier_id",   F_REF,  F_REQUIRED | F_CREATE_ONLY | F_FILTER | F_LIST, 0, "supplier_price.supplier", .ref = &entity_suppliers},
    [SPRICE_PART_ID] =       {"part_id",       F_REF,  F_REQUIRED | F_CREATE_ONLY | F_UNIQUE | F_FILTER | F_LIST, 0, "supplier_price.part",
                              .ref = &entity_parts, .unique_with = "supplier_id"},
    [SPRICE_SUPPLIER_SKU] =  {"supplier_sku",  F_TEXT, F_REQUIRED | F_UNIQUE | F_FILTER | F_SORT | F_LIST, 64, "supplier_price.supplier_sku",
                              .unique_with = "supplier_id"},
    [SPRICE_SUPPLIER_NAME] = {"supplier_name", F_TEXT, 0,                                         300, "supplier_price.supplier_name"},
    [SPRICE_PRICE] =         {"price",         F_INT,  F_REQUIRED | F_SORT | F_LIST | F_MONEY,    STOCK_COST_MAX, "supplier_price.price", .min = 1},
    [SPRICE_VAT_INCLUDED] =  {"vat_included",  F_BOOL, 0,                                         0,   "supplier_price.vat_included", .def = "true"},
    [SPRICE_MOQ] =           {"moq",           F_INT,  F_LIST | F_QTY,                            STOCK_QTY_MAX, "supplier_price.moq", .min = 1},
    [SPRICE_PACK_QTY] =      {"pack_qty",      F_INT,  F_QTY,                                     STOCK_QTY_MAX, "supplier_price.pack_qty", .min = 1},
    [SPRICE_LEAD_DAYS] =     {"lead_days",     F_INT,  F_SORT | F_LIST,                           365, "supplier_price.lead_days", .min = 0},
    [SPRICE_VALID_FROM] =    {"valid_from",    F_DATE, F_SORT | F_LIST,                           0,   "supplier_price.valid_from"},
    {0},
};
/* clang-format on */
_Static_assert(FIELDS_COUNT_OK(sprice_fields, SPRICE__COUNT),
               "one entry per value of enum supplier_price_field");

/* A price without a date holds from today; a new price, unless dated,
 * too. */
static enum err_code sprice_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    struct value *from = rec_set(rec, SPRICE_VALID_FROM);
    bool repriced = old && rec_get(rec, SPRICE_PRICE)->i != rec_get(old, SPRICE_PRICE)->i;
    bool dated = old && from->s && rec_get(old, SPRICE_VALID_FROM)->s &&
                 strcmp(from->s, rec_get(old, SPRICE_VALID_FROM)->s) != 0;
    if (from->null || (repriced && !dated)) {
        char today[ISO_DATE_LEN];
        date_today(today);
        from->set = true;
        from->null = false;
        from->s = arena_strdup(cx->a, today);
    }
    return ERR_OK;
}

/* The price replaced goes to the history. */
static enum err_code sprice_after_write(struct ctx *cx, const struct record *rec,
                                        const struct record *old)
{
    if (!rec || !old || rec_get(rec, SPRICE_PRICE)->i == rec_get(old, SPRICE_PRICE)->i)
        return ERR_OK;
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    return db_run(cx->db, &cx->err,
                  "INSERT INTO supplier_price_history (supplier_id, part_id, price, valid_from,\n"
                  "  replaced_at, new_price, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                  "iiittiI", rec_get(old, SPRICE_SUPPLIER_ID)->i, rec_get(old, SPRICE_PART_ID)->i,
                  rec_get(old, SPRICE_PRICE)->i, rec_get(old, SPRICE_VALID_FROM)->s, now,
                  rec_get(rec, SPRICE_PRICE)->i, cx->user ? cx->user->id : 0);
}

const struct entity entity_supplier_prices = {
    .name = "supplier_prices",
    .table = "supplier_prices",
    .label = "entity.supplier_prices",
    .fields = sprice_fields,
    .display_sql = "supplier_sku",
    .perm_read = P_PURCHASING_READ,
    .perm_write = P_PURCHASING_WRITE,
    .perm_delete = P_PURCHASING_WRITE,
    .check = sprice_check,
    .after_write = sprice_after_write,
};
