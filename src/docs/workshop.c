/* workshop.c — the printed documents of a repair order (docs layer): the
 * work completion act («Акт выполненных работ»). For a warranty repair it
 * carries the five facts of ЗоЗПП ст. 20 п. 3: the day of the claim, the day
 * the goods were handed over for repair, the day they were returned, the
 * fault found and the work done. Times are Moscow's. */
#include <string.h>

#include "base/text.h"
#include "base/timeutil.h"
#include "docs/docs.h"
#include "domain/registry/registry.h"
#include "domain/workshop/workshop.h"
#include "base/banned.h"

/* "2026-03-12T09:30:00Z" → "12.03.2026" (Moscow); NULL stays NULL. */
static const char *day_of(struct ctx *cx, const char *iso)
{
    if (!iso)
        return NULL;
    char day[ISO_DATE_LEN];
    int y, m, d;
    repair_day_of(iso, day);
    if (!date_parse(day, &y, &m, &d))
        return iso;
    return arena_printf(cx->a, "%02d.%02d.%04d", d, m, y);
}

static enum err_code render_completion_act(struct ctx *cx, struct pdf *p, struct record *rec)
{
    const char *status = rec_get(rec, RO_STATUS)->s;
    if (strcmp(status, "ready") && strcmp(status, "issued"))
        return ctx_fail(cx, ERR_CONFLICT,
                        "the work completion act is printed when the repair is ready or issued");
    struct record *client = doc_ref(cx, rec, RO_CLIENT_ID, &entity_clients);
    struct record *unit = doc_ref(cx, rec, RO_UNIT_ID, &entity_equipment_units);
    bool warranty = rec_get(rec, RO_WARRANTY)->i != 0;
    const char *number = doc_field_text(rec, RO_NUMBER);
    struct doc_number n;
    enum err_code rc = doc_number(cx, &doc_repair_completion_act, rec, &n);
    if (rc != ERR_OK)
        return rc;

    pdf_title(p, arena_printf(cx->a, "Акт выполненных работ № %s", n.number),
              arena_printf(cx->a, "от %s\nк заказ-наряду № %s от %s", n.date, number,
                           day_of(cx, rec->created_at)));
    pdf_field(p, "Заказчик", doc_field_text(client, CLIENT_NAME), 1);
    pdf_field(p, "Телефон", doc_phone(cx, doc_field_text(client, CLIENT_PHONE)), 1);
    pdf_field(p, "Оборудование", unit ? unit->labels[UNIT_MODEL_ID] : NULL, 1);
    pdf_field(p, "Серийный номер", doc_field_text(unit, UNIT_SERIAL), 1);
    pdf_field(p, "Вид ремонта", warranty ? "гарантийный" : "платный", 1);
    if (warranty)
        pdf_field(p, "Основание гарантии", doc_field_text(rec, RO_WARRANTY_REASON), 1);

    pdf_heading(p, warranty ? "Сведения о гарантийном ремонте (ст. 20 п. 3 Закона РФ "
                              "«О защите прав потребителей»)"
                            : "Сведения о ремонте");
    const char *claimed = day_of(cx, rec->created_at);
    pdf_field(p, "Дата обращения потребителя", claimed, 1);
    pdf_field(p, "Дата передачи товара в ремонт", claimed, 1);
    pdf_field(p, "Дата возврата товара", day_of(cx, doc_field_text(rec, RO_ISSUED_AT)), 1);
    pdf_field(p, "Заявленная неисправность", doc_field_text(rec, RO_DECLARED_FAULT), 1);
    pdf_field(p, "Выявленная неисправность", doc_field_text(rec, RO_FOUND_FAULT), 2);
    pdf_field(p, "Выполненные работы", doc_field_text(rec, RO_WORK_DONE), 3);
    if (warranty && doc_field_text(rec, RO_LEGAL_DUE)) {
        char due[ISO_DATE_LEN + 9];
        memcpy(due, doc_field_text(rec, RO_LEGAL_DUE), ISO_DATE_LEN);
        pdf_field(p, "Срок устранения недостатка по закону",
                  arena_printf(cx->a, "до %s (%d дней)",
                               day_of(cx, arena_printf(cx->a, "%sT00:00:00Z", due)),
                               REPAIR_LEGAL_DAYS),
                  1);
    }
    pdf_field(p, "Гарантия на выполненный ремонт",
              arena_printf(cx->a, "%lld дней со дня выдачи",
                           (long long)rec_get(rec, RO_REPAIR_WARRANTY_DAYS)->i),
              1);
    json_t *sum = NULL;
    rc = repair_summary(cx, rec->id, &sum);
    if (rc != ERR_OK)
        return rc;
    json_t *lines = json_object_get(sum, "lines");
    if (json_array_size(lines)) {
        json_t *tot = json_object_get(sum, "totals");
        pdf_heading(p, "Выполненные работы и установленные запчасти");
        doc_repair_lines(cx, p, lines, json_integer_value(json_object_get(tot, "total")),
                         json_integer_value(json_object_get(tot, "vat")));
    }
    json_decref(sum);
    pdf_space(p, 6);
    pdf_paragraph(p,
                  "Работы выполнены полностью и в срок. Заказчик претензий по объёму, качеству "
                  "и срокам выполнения работ не имеет. Оборудование получено в исправном "
                  "состоянии, комплектность проверена.",
                  false);
    pdf_signatures_stamped(p, "Исполнитель", rec->labels[RO_TECHNICIAN_ID], "Заказчик",
                           doc_field_text(client, CLIENT_NAME), PDF_STAMP_LEFT);
    return ERR_OK;
}

static const char *const act_states[] = {"ready", "issued", NULL};

const struct document doc_repair_completion_act = {
    .name = "completion_act",
    .entity = "repair_orders",
    .label = "doc.repair_orders.completion_act",
    .perm = P_NONE,
    .render = render_completion_act,
    .series = "АВР",
    .states = act_states,
};
