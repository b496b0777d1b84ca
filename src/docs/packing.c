/* packing.c — the packing list of a shipment to a vendor or an authorised
 * service center (docs layer): «Упаковочный лист (сопроводительная
 * накладная)» with the sender's requisites (the company's header), the
 * recipient's, the carrier and the tracking and RMA numbers, and a row per
 * unit — model, serial number, the fault, the accessories packed with it. */
#include <string.h>

#include "base/timeutil.h"
#include "docs/docs.h"
#include "domain/workshop/workshop.h"
#include "base/banned.h"

/* "2026-03-12" → "12.03.2026"; NULL stays NULL. */
static const char *ru_date(struct ctx *cx, const char *day)
{
    int y, m, d;
    if (!day || !date_parse(day, &y, &m, &d))
        return day;
    return arena_printf(cx->a, "%02d.%02d.%04d", d, m, y);
}

static const char *member(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : NULL;
}

static enum err_code render_packing_list(struct ctx *cx, struct pdf *p, struct record *rec)
{
    const char *status = rec_get(rec, SH_STATUS)->s;
    if (!strcmp(status, "cancelled"))
        return ctx_fail(cx, ERR_CONFLICT, "the shipment is cancelled: no packing list");
    enum err_code rc;
    json_t *units = shipment_units(cx, rec->id, &rc);
    if (!units)
        return rc;
    struct record *partner = doc_ref(cx, rec, SH_PARTNER_ID, &entity_service_partners);
    const char *number = doc_field_text(rec, SH_NUMBER);
    const char *sent = ru_date(cx, doc_field_text(rec, SH_SENT_DATE));
    char today[ISO_DATE_LEN];
    repair_day_of(NULL, today);

    pdf_title(
        p, arena_printf(cx->a, "Упаковочный лист № %s", number),
        arena_printf(cx->a, "сопроводительная накладная от %s", sent ? sent : ru_date(cx, today)));
    pdf_field(p, "Получатель", doc_field_text(partner, SP_NAME), 1);
    pdf_field(p, "ИНН получателя", doc_field_text(partner, SP_INN), 1);
    pdf_field(p, "Реквизиты и адрес", doc_field_text(partner, SP_REQUISITES), 2);
    pdf_field(p, "Контактное лицо", doc_field_text(partner, SP_CONTACT), 1);
    pdf_field(p, "Перевозчик", doc_field_text(rec, SH_CARRIER), 1);
    pdf_field(p, "Трек-номер", doc_field_text(rec, SH_TRACKING_NUMBER), 1);
    pdf_field(p, "Номер RMA", doc_field_text(rec, SH_RMA_NUMBER), 1);
    pdf_field(p, "Ожидаемый возврат", ru_date(cx, doc_field_text(rec, SH_EXPECTED_DATE)), 1);

    pdf_heading(p, "Отправляемое оборудование");
    static const struct pdf_col cols[] = {
        {"№", 0.6, PDF_CENTER},         {"Заказ-наряд", 2.4, PDF_LEFT},
        {"Модель", 3, PDF_LEFT},        {"Серийный номер", 2.4, PDF_LEFT},
        {"Неисправность", 4, PDF_LEFT}, {"Комплектация", 2.6, PDF_LEFT},
    };
    pdf_table(p, cols, 6);
    size_t i;
    json_t *u;
    json_array_foreach(units, i, u)
    {
        pdf_row(p, (const char *[]){arena_printf(cx->a, "%zu", i + 1), member(u, "number"),
                                    member(u, "model"), member(u, "serial"), member(u, "fault"),
                                    member(u, "accessories")});
    }
    if (!json_array_size(units))
        pdf_row(p, (const char *[]){NULL, "Единиц нет", NULL, NULL, NULL, NULL});
    pdf_table_end(p);
    pdf_total(p, "Всего мест", arena_printf(cx->a, "%zu", json_array_size(units)));
    json_decref(units);
    if (doc_field_text(rec, SH_NOTES))
        pdf_field(p, "Примечания", doc_field_text(rec, SH_NOTES), 1);
    pdf_space(p, 6);
    pdf_paragraph(p,
                  "Оборудование упаковано, комплектность сверена с заказ-нарядами. Получатель "
                  "при приёмке сверяет серийные номера и комплектность и сообщает о расхождениях "
                  "в течение трёх рабочих дней.",
                  false);
    pdf_signatures(p, "Сдал", cx->user ? cx->user->name : NULL, "Принял", NULL);
    return ERR_OK;
}

const struct document doc_shipment_packing_list = {
    .name = "packing_list",
    .entity = "shipments",
    .label = "doc.shipments.packing_list",
    .perm = P_NONE,
    .render = render_packing_list,
};
