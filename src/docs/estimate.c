/* estimate.c — the estimate of a repair order («Смета на ремонт», docs
 * layer): the version the client was sent, its lines with prices including
 * VAT, the totals and the VAT in them, the answer when there is one, and the
 * client's price ceiling. The lines table is shared with the completion act
 * (docs/workshop.c). */
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "docs/docs.h"
#include "domain/registry/registry.h"
#include "domain/workshop/workshop.h"
#include "base/banned.h"

/* 123456 kopecks → "1 234,56" (a thin space between thousands). */
static const char *rub(struct ctx *cx, json_int_t k)
{
    char digits[32], out[48];
    bool neg = k < 0;
    snprintf(digits, sizeof(digits), "%lld", (long long)(neg ? -k : k) / 100);
    size_t n = strlen(digits), w = 0;
    if (neg)
        out[w++] = '-';
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            out[w++] = ' ';
        out[w++] = digits[i];
    }
    out[w] = 0;
    return arena_printf(cx->a, "%s,%02lld", out, (long long)(neg ? -k : k) % 100);
}

/* 2500 thousandths → "2,5". */
static const char *units(struct ctx *cx, json_int_t q)
{
    if (q % 1000 == 0)
        return arena_printf(cx->a, "%lld", (long long)q / 1000);
    char frac[8];
    snprintf(frac, sizeof(frac), "%03lld", (long long)(q % 1000));
    for (int i = 2; i > 0 && frac[i] == '0'; i--)
        frac[i] = 0;
    return arena_printf(cx->a, "%lld,%s", (long long)q / 1000, frac);
}

static json_int_t num(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

void doc_repair_lines(struct ctx *cx, struct pdf *p, json_t *lines, json_int_t total,
                      json_int_t vat)
{
    static const struct pdf_col cols[] = {
        {"№", 0.6, PDF_RIGHT},
        {"Наименование работ и запчастей", 6, PDF_LEFT},
        {"Кол-во", 1.2, PDF_RIGHT},
        {"Цена, ₽", 1.8, PDF_RIGHT},
        {"Скидка, ₽", 1.5, PDF_RIGHT},
        {"Сумма, ₽", 2, PDF_RIGHT},
    };
    pdf_table(p, cols, 6);
    size_t i;
    json_t *l;
    json_array_foreach(lines, i, l)
    {
        const char *kind = json_string_value(json_object_get(l, "kind"));
        const char *desc = json_string_value(json_object_get(l, "description"));
        json_int_t discount = num(l, "discount");
        pdf_row(p,
                (const char *[]){arena_printf(cx->a, "%zu", i + 1),
                                 arena_printf(cx->a, "%s: %s",
                                              kind && !strcmp(kind, "part") ? "Запчасть" : "Работа",
                                              desc ? desc : ""),
                                 units(cx, num(l, "qty")), rub(cx, num(l, "price")),
                                 discount ? rub(cx, discount) : NULL, rub(cx, num(l, "amount"))});
    }
    if (!json_array_size(lines))
        pdf_row(p, (const char *[]){NULL, "Строк нет", NULL, NULL, NULL, NULL});
    pdf_table_end(p);
    pdf_total(p, "Итого, ₽", rub(cx, total));
    pdf_total(p, vat ? "в том числе НДС, ₽" : "НДС",
              vat ? rub(cx, vat) : "не облагается");
}

static const char *answer_via(const char *via)
{
    static const char *const names[][2] = {{"phone", "по телефону"},
                                           {"in_person", "лично"},
                                           {"email", "по электронной почте"},
                                           {"client_page", "на странице статуса заказа"}};
    for (size_t i = 0; via && i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(names[i][0], via))
            return names[i][1];
    return via;
}

static enum err_code render_estimate(struct ctx *cx, struct pdf *p, struct record *rec)
{
    json_t *est = NULL;
    enum err_code rc = repair_public_estimate(cx, rec->id, &est);
    if (rc != ERR_OK)
        return rc;
    if (!est)
        return ctx_fail(cx, ERR_CONFLICT, "no estimate was sent for this order yet");
    struct record *client = doc_ref(cx, rec, RO_CLIENT_ID, &entity_clients);
    struct record *unit = doc_ref(cx, rec, RO_UNIT_ID, &entity_equipment_units);
    const char *number = doc_field_text(rec, RO_NUMBER);
    char day[ISO_DATE_LEN];
    int y, m, d;
    repair_day_of(json_string_value(json_object_get(est, "sent_at")), day);
    const char *sent =
        date_parse(day, &y, &m, &d) ? arena_printf(cx->a, "%02d.%02d.%04d", d, m, y) : day;
    pdf_title(
        p, arena_printf(cx->a, "Смета на ремонт № %s/%lld", number, (long long)num(est, "version")),
        arena_printf(cx->a, "к заказ-наряду № %s, составлена %s", number, sent));
    pdf_field(p, "Заказчик", doc_field_text(client, CLIENT_NAME), 1);
    pdf_field(p, "Телефон", doc_field_text(client, CLIENT_PHONE), 1);
    pdf_field(p, "Оборудование", unit ? unit->labels[UNIT_MODEL_ID] : NULL, 1);
    pdf_field(p, "Серийный номер", doc_field_text(unit, UNIT_SERIAL), 1);
    pdf_field(p, "Заявленная неисправность", doc_field_text(rec, RO_DECLARED_FAULT), 1);
    pdf_field(p, "Выявленная неисправность", doc_field_text(rec, RO_FOUND_FAULT), 2);
    const struct value *ceiling = rec_get(rec, RO_PRICE_CEILING);
    if (!ceiling->null)
        pdf_field(p, "Предельная стоимость, согласованная заказчиком",
                  arena_printf(cx->a, "%s ₽", rub(cx, ceiling->i)), 1);

    pdf_heading(p, "Работы и запчасти");
    doc_repair_lines(cx, p, json_object_get(est, "lines"), num(est, "total"),
                     num(est, "vat_total"));
    pdf_space(p, 6);
    pdf_paragraph(p,
                  "Цены указаны в рублях и включают НДС, если он начисляется. Смета действует "
                  "14 дней. Работы и запчасти сверх сметы выполняются и устанавливаются только "
                  "с согласия заказчика.",
                  true);
    const char *status = json_string_value(json_object_get(est, "status"));
    if (status && (!strcmp(status, "approved") || !strcmp(status, "declined"))) {
        const char *at = json_string_value(json_object_get(est, "answered_at"));
        repair_day_of(at, day);
        pdf_field(p, !strcmp(status, "approved") ? "Смета согласована" : "От ремонта отказался",
                  arena_printf(cx->a, "%s, %s",
                               date_parse(day, &y, &m, &d)
                                   ? arena_printf(cx->a, "%02d.%02d.%04d", d, m, y)
                                   : day,
                               answer_via(json_string_value(json_object_get(est, "answered_via")))),
                  1);
    }
    json_decref(est);
    pdf_signatures(p, "Смету составил", rec->labels[RO_TECHNICIAN_ID], "Со сметой согласен",
                   doc_field_text(client, CLIENT_NAME));
    return ERR_OK;
}

static const char *const estimate_states[] = {"estimate_sent", "approved",  "declined", "in_repair",
                                              "waiting_parts", "at_vendor", "qc",       "ready",
                                              "issued",        NULL};

const struct document doc_repair_estimate = {
    .name = "estimate",
    .entity = "repair_orders",
    .label = "doc.repair_orders.estimate",
    .perm = P_NONE,
    .render = render_estimate,
    .states = estimate_states,
};
