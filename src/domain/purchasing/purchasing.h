/* purchasing.h — purchasing (domain layer): the suppliers, their contacts
 * and their price lists (one current price per supplier and part, the
 * replaced prices kept in a history), and the import of a price list from
 * a CSV file or from rows a browser read out of an XLSX workbook: a preview
 * that changes nothing and a confirmation that applies exactly what the
 * preview showed. Money is integer kopecks (roubles), quantities integer
 * thousandths of the part's unit. */
#ifndef SERVITOR_PURCHASING_H
#define SERVITOR_PURCHASING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/entity.h"

extern const struct entity entity_suppliers;
extern const struct entity entity_supplier_contacts;
extern const struct entity entity_supplier_prices;

enum supplier_field {
    SUPPLIER_NAME,
    SUPPLIER_LEGAL_KIND,
    SUPPLIER_INN,
    SUPPLIER_KPP,
    SUPPLIER_OGRN,
    SUPPLIER_ADDRESS,
    SUPPLIER_PHONE,
    SUPPLIER_EMAIL,
    SUPPLIER_WEBSITE,
    SUPPLIER_PAYMENT_TERMS,
    SUPPLIER_DEFERRAL_DAYS,
    SUPPLIER_DELIVERY_TERMS,
    SUPPLIER_LEAD_DAYS,
    SUPPLIER_PRICES_WITH_VAT,
    SUPPLIER_NOTES,
    SUPPLIER_ACTIVE,
    SUPPLIER__COUNT
};

enum supplier_contact_field {
    SCONTACT_SUPPLIER_ID,
    SCONTACT_NAME,
    SCONTACT_POSITION,
    SCONTACT_PHONE,
    SCONTACT_EMAIL,
    SCONTACT_NOTES,
    SCONTACT__COUNT
};

enum supplier_price_field {
    SPRICE_SUPPLIER_ID,
    SPRICE_PART_ID,
    SPRICE_SUPPLIER_SKU,
    SPRICE_SUPPLIER_NAME,
    SPRICE_PRICE,
    SPRICE_VAT_INCLUDED,
    SPRICE_MOQ,
    SPRICE_PACK_QTY,
    SPRICE_LEAD_DAYS,
    SPRICE_VALID_FROM,
    SPRICE__COUNT
};

/* ОГРН (13 digits) or ОГРНИП (15) with its check digit. */
bool ogrn_valid(const char *s);

/* ---- importing a price list ---- */

#define PRICE_IMPORT_MAX_ROWS  20000 /* data rows of one file */
#define PRICE_IMPORT_MAX_COLS  64
#define PRICE_IMPORT_MAX_CELL  1000              /* characters of one cell */
#define PRICE_IMPORT_MAX_BYTES (8 * 1024 * 1024) /* a CSV file */

/* What is imported: the bytes of a CSV file (UTF-8 with or without a BOM,
 * or Windows-1251; ',', ';' or tab between fields; quoted fields; decimal
 * comma), or rows (a JSON array of arrays of strings and numbers, the
 * header first, an empty array for an empty row so that line numbers stay
 * the sheet's). */
struct price_import_in {
    const char *csv;
    size_t csv_len;
    json_t *rows;
    const char *valid_from; /* YYYY-MM-DD, NULL: today */
};

/* Parses and matches the rows to parts and, when token is NULL, answers
 * the preview — {token, encoding, separator, columns, counts, rows:
 * [{line, status: new|changed|unchanged|error, …, errors: [{field, code,
 * line?}]}]} — changing nothing. With the preview's token it applies the
 * rows (new and changed; rows with errors are skipped) in one transaction
 * and answers {applied: counts}; ERR_CONFLICT (field token: stale) when
 * the content or what it would change is no longer what the token was
 * given for. ERR_TOOBIG over PRICE_IMPORT_MAX_ROWS rows; ERR_INVALID when
 * the header lacks the SKU or price column (field columns) or the file is
 * not text; ERR_NOTFOUND for no such supplier. */
enum err_code price_import(struct ctx *cx, int64_t supplier_id, const struct price_import_in *in,
                           const char *token, json_t **out);

/* A supplier's price list: {items: [{id, part_id, part_sku, part_name,
 * part_unit, supplier_sku, supplier_name, price, vat_included, moq,
 * pack_qty, lead_days, valid_from, updated_at}], total}, by part SKU,
 * matching q (words in our SKU, their SKU or either name) when given. */
enum err_code supplier_price_list(struct ctx *cx, int64_t supplier_id, const char *q, int64_t limit,
                                  int64_t offset, json_t **out);
/* The replaced prices of a supplier (of one part when part_id), newest
 * first: {items: [{part_id, part_sku, price, valid_from, replaced_at,
 * new_price}]}. */
enum err_code supplier_price_history(struct ctx *cx, int64_t supplier_id, int64_t part_id,
                                     json_t **out);
/* Who sells a part: [{supplier_id, supplier, active, supplier_sku,
 * supplier_name, price, vat_included, moq, pack_qty, lead_days,
 * valid_from, updated_at}] by price; active suppliers only when
 * active_only. NULL with *rc on failure. */
json_t *purchasing_part_offers(struct ctx *cx, int64_t part_id, bool active_only,
                               enum err_code *rc);

#endif
