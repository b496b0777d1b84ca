/* purchase_order.c — the printed purchase order («Заказ поставщику»)
 * (docs layer): what is sent to the supplier — the company's requisites in
 * the header, the supplier's, where to deliver and by when, and a table of
 * the lines with the supplier's and our SKU, quantity, unit, price, sum and
 * VAT, with the totals. */
#include <string.h>

#include "base/text.h"
#include "base/timeutil.h"
#include "docs/docs.h"
#include "domain/purchasing/orders.h"
#include "domain/purchasing/purchasing.h"
#include "domain/stock/stock.h"
#include "base/banned.h"

/* "2026-03-12…" → "12.03.2026"; NULL stays NULL */
static const char *ru_date(struct ctx *cx, const char *iso)
{
    int y, m, d;
    char day[ISO_DATE_LEN] = {0};
    if (!iso)
        return NULL;
    memcpy(day, iso, strlen(iso) < 10 ? strlen(iso) : 10);
    if (!date_parse(day, &y, &m, &d))
        return iso;
    return arena_printf(cx->a, "%02d.%02d.%04d", d, m, y);
}

/* kopecks → "1 234,56" (a thin space between thousands) */
static const char *money(struct ctx *cx, int64_t k)
{
    bool neg = k < 0;
    uint64_t a = neg ? (uint64_t)-k : (uint64_t)k;
    char digits[32], out[96];
    int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)(a / 100));
    size_t o = 0;
    if (neg)
        out[o++] = '-';
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            o += (size_t)snprintf(out + o, sizeof(out) - o, "\u00a0"); /* no break inside */
        out[o++] = digits[i];
    }
    snprintf(out + o, sizeof(out) - o, ",%02llu", (unsigned long long)(a % 100));
    return arena_strdup(cx->a, out);
}

/* thousandths → "2,5" */
static const char *qty(struct ctx *cx, int64_t q)
{
    if (q % 1000 == 0)
        return arena_printf(cx->a, "%lld", (long long)(q / 1000));
    char frac[8];
    snprintf(frac, sizeof(frac), "%03lld", (long long)(q % 1000));
    for (int i = 2; i > 0 && frac[i] == '0'; i--)
        frac[i] = 0;
    return arena_printf(cx->a, "%lld,%s", (long long)(q / 1000), frac);
}

static const char *unit_ru(const char *u)
{
    static const char *const map[][2] = {{"pcs", "шт"}, {"m", "м"},     {"l", "л"},
                                         {"kg", "кг"},  {"pack", "уп"}, {"set", "компл"}};
    for (size_t i = 0; u && i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcmp(map[i][0], u))
            return map[i][1];
    return u;
}

static const char *vat_ru(struct ctx *cx, const char *v)
{
    if (!v || !strcmp(v, "none"))
        return "без НДС";
    return arena_printf(cx->a, "%s%%", v);
}

static const char *jtext(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int64_t jint(json_t *o, const char *k)
{
    return (int64_t)json_integer_value(json_object_get(o, k));
}

static enum err_code render_purchase_order(struct ctx *cx, struct pdf *p, struct record *rec)
{
    const char *status = rec_get(rec, PO_STATUS)->s;
    if (!strcmp(status, "cancelled"))
        return ctx_fail(cx, ERR_CONFLICT, "a cancelled order is not printed");
    json_t *lines;
    enum err_code rc = po_lines_json(cx, rec->id, &lines);
    if (rc != ERR_OK)
        return rc;
    struct record *sup = doc_ref(cx, rec, PO_SUPPLIER_ID, &entity_suppliers);
    struct record *wh = doc_ref(cx, rec, PO_WAREHOUSE_ID, &entity_warehouses);
    bool with_vat = rec_get(rec, PO_PRICES_WITH_VAT)->i != 0;
    const char *number = doc_field_text(rec, PO_NUMBER);
    const char *sent = doc_field_text(rec, PO_SENT_AT);

    pdf_title(p, arena_printf(cx->a, "Заказ поставщику № %s", number),
              arena_printf(cx->a, "от %s", ru_date(cx, sent ? sent : rec->created_at)));
    pdf_field(p, "Поставщик", doc_field_text(sup, SUPPLIER_NAME), 1);
    const char *inn = doc_field_text(sup, SUPPLIER_INN), *kpp = doc_field_text(sup, SUPPLIER_KPP);
    if (inn)
        pdf_field(p, "ИНН / КПП",
                  kpp ? arena_printf(cx->a, "%s / %s", inn, kpp) : arena_strdup(cx->a, inn), 1);
    if (doc_field_text(sup, SUPPLIER_ADDRESS))
        pdf_field(p, "Адрес", doc_field_text(sup, SUPPLIER_ADDRESS), 1);
    const char *wh_name = doc_field_text(wh, WAREHOUSE_NAME),
               *wh_addr = doc_field_text(wh, WAREHOUSE_ADDRESS);
    pdf_field(p, "Грузополучатель",
              wh_addr ? arena_printf(cx->a, "%s, %s", wh_name ? wh_name : "", wh_addr) : wh_name,
              1);
    pdf_field(p, "Срок поставки",
              ru_date(cx, doc_field_text(rec, PO_EXPECTED_DATE))
                  ? arena_printf(cx->a, "до %s", ru_date(cx, doc_field_text(rec, PO_EXPECTED_DATE)))
                  : NULL,
              1);
    if (doc_field_text(rec, PO_SUPPLIER_REF))
        pdf_field(p, "Счёт поставщика", doc_field_text(rec, PO_SUPPLIER_REF), 1);
    pdf_space(p, 6);

    /* clang-format off */
    static const struct pdf_col cols[] = {
        {"№", 0.35, PDF_RIGHT},
        {"Артикул поставщика", 1.3, PDF_LEFT},
        {"Наш артикул", 1.1, PDF_LEFT},
        {"Наименование", 2.2, PDF_LEFT},
        {"Кол-во", 0.85, PDF_RIGHT},
        {"Ед.", 0.45, PDF_LEFT},
        {"Цена", 1.1, PDF_RIGHT},
        {"Сумма", 1.2, PDF_RIGHT},
        {"НДС, %", 0.75, PDF_RIGHT},
        {"НДС", 1.05, PDF_RIGHT},
        {"Всего", 1.2, PDF_RIGHT},
    };
    /* clang-format on */
    pdf_table(p, cols, (int)(sizeof(cols) / sizeof(cols[0])));
    json_t *items = json_object_get(lines, "items"), *l;
    size_t i;
    int64_t sum = 0, vat = 0;
    json_array_foreach(items, i, l)
    {
        int64_t amount = jint(l, "amount"), v = jint(l, "vat_amount");
        int64_t total = with_vat ? amount : amount + v;
        sum += amount;
        vat += v;
        const char *cells[] = {
            arena_printf(cx->a, "%lld", (long long)jint(l, "line_no")),
            jtext(l, "supplier_sku"),
            jtext(l, "sku"),
            jtext(l, "name"),
            qty(cx, jint(l, "qty")),
            unit_ru(jtext(l, "unit")),
            money(cx, jint(l, "price")),
            money(cx, amount),
            vat_ru(cx, jtext(l, "vat")),
            jtext(l, "vat") && strcmp(jtext(l, "vat"), "none") ? money(cx, v) : "—",
            money(cx, total),
        };
        pdf_row(p, cells);
    }
    pdf_table_end(p);
    size_t nlines = json_array_size(items);
    json_decref(lines);
    if (with_vat) {
        pdf_total(p, "Итого", money(cx, sum));
        pdf_total(p, "В том числе НДС", money(cx, vat));
    } else {
        pdf_total(p, "Итого без НДС", money(cx, sum));
        pdf_total(p, "НДС", money(cx, vat));
        pdf_total(p, "Всего с НДС", money(cx, sum + vat));
    }
    pdf_paragraph(p,
                  arena_printf(cx->a, "Всего наименований %zu на сумму %s руб.", nlines,
                               money(cx, with_vat ? sum : sum + vat)),
                  false);
    if (doc_field_text(rec, PO_NOTES)) {
        pdf_heading(p, "Примечание");
        pdf_paragraph(p, doc_field_text(rec, PO_NOTES), false);
    }
    pdf_space(p, 6);
    pdf_paragraph(p,
                  "Просим подтвердить заказ, сроки поставки и выставить счёт. При поставке "
                  "указывайте номер заказа в сопроводительных документах.",
                  true);
    pdf_signatures(p, "Заказчик", cx->user ? cx->user->name : NULL, "Поставщик",
                   doc_field_text(sup, SUPPLIER_NAME));
    return ERR_OK;
}

const struct document doc_purchase_order = {
    .name = "purchase_order",
    .entity = "purchase_orders",
    .label = "doc.purchase_orders.purchase_order",
    .perm = P_NONE,
    .render = render_purchase_order,
};
