/* repair_condition.c — the technical-condition act of a repair order («Акт
 * технического состояния», техническое заключение; ru-service-center.md
 * §2.3): what was found, how it was checked, the cause (manufacturing,
 * operational, external), the conclusion (serviceable, needs repair, not
 * repairable) and the recommendations. Printed once diagnostics is over: an
 * order found not repairable, or one whose diagnostics led on (estimate,
 * repair, QC, issue). */
#include <string.h>

#include "base/text.h"
#include "docs/docs.h"
#include "domain/registry/registry.h"
#include "domain/workshop/workshop.h"
#include "base/banned.h"

/* Where the act is printed: everywhere after diagnostics. */
static bool diagnosed(const char *status)
{
    static const char *const no[] = {"accepted", "diagnostics", "cancelled", NULL};
    for (int i = 0; no[i]; i++)
        if (!strcmp(no[i], status))
            return false;
    return true;
}

static int index_of(const char *const *names, const char *v)
{
    for (int i = 0; v && names[i]; i++)
        if (!strcmp(names[i], v))
            return i;
    return -1;
}

static enum err_code render_condition_act(struct ctx *cx, struct pdf *p, struct record *rec)
{
    const char *status = rec_get(rec, RO_STATUS)->s;
    if (!diagnosed(status))
        return ctx_fail(cx, ERR_CONFLICT,
                        "the technical-condition act is printed after diagnostics (or for an "
                        "order found not repairable); this order is %s",
                        status);
    struct doc_number n;
    enum err_code rc = doc_number(cx, &doc_repair_condition_act, rec, &n);
    if (rc != ERR_OK)
        return rc;
    struct record *client = doc_ref(cx, rec, RO_CLIENT_ID, &entity_clients);
    struct record *unit = doc_ref(cx, rec, RO_UNIT_ID, &entity_equipment_units);
    const char *client_name = doc_field_text(client, CLIENT_NAME);

    pdf_title(p, arena_printf(cx->a, "Акт технического состояния № %s", n.number),
              arena_printf(cx->a, "от %s\nк заказ-наряду № %s от %s", n.date,
                           doc_field_text(rec, RO_NUMBER), doc_date(cx, rec->created_at)));
    pdf_field(p, "Заказчик", client_name, 1);
    pdf_field(p, "Телефон", doc_phone(cx, doc_field_text(client, CLIENT_PHONE)), 1);

    pdf_heading(p, "Оборудование");
    static const struct pdf_col cols[] = {
        {"Наименование, модель", 4, PDF_LEFT},
        {"Серийный номер", 2.6, PDF_LEFT},
        {"Дата продажи", 1.8, PDF_CENTER},
        {"Гарантия изготовителя до", 2.2, PDF_CENTER},
    };
    pdf_table(p, cols, 4);
    pdf_row(p, (const char *[]){unit ? unit->labels[UNIT_MODEL_ID] : NULL,
                                doc_field_text(unit, UNIT_SERIAL),
                                doc_date(cx, doc_field_text(unit, UNIT_PURCHASE_DATE)),
                                doc_date(cx, doc_field_text(unit, UNIT_WARRANTY_UNTIL))});
    pdf_table_end(p);
    pdf_field(p, "Заявленная неисправность (со слов заказчика)",
              doc_field_text(rec, RO_DECLARED_FAULT), 1);
    pdf_field(p, "Состояние при приёме", doc_field_text(rec, RO_INTAKE_CONDITION), 1);

    pdf_heading(p, "Результаты проверки");
    pdf_field(p, "Условия и методы проверки (оборудование, программы, тесты)",
              doc_field_text(rec, RO_CHECK_METHODS), 2);
    pdf_field(p, "Выявленная неисправность", doc_field_text(rec, RO_FOUND_FAULT), 3);
    static const char *const causes[] = {"производственный дефект", "эксплуатационный",
                                         "внешнее воздействие (удар, влага, вскрытие)"};
    const struct value *cause = rec_get(rec, RO_FAULT_CAUSE);
    pdf_choice(p, "Причина неисправности", causes, 3,
               cause->set && !cause->null ? index_of(repair_fault_causes, cause->s) : -1);
    static const char *const conclusions[] = {"исправно", "требует ремонта", "ремонту не подлежит"};
    const struct value *c = rec_get(rec, RO_CONCLUSION);
    int chosen = c->set && !c->null                  ? index_of(repair_conclusions, c->s)
                 : !strcmp(status, "not_repairable") ? 2
                                                     : 1;
    pdf_choice(p, "Заключение", conclusions, 3, chosen);
    pdf_field(p, "Рекомендации (ремонт, замена, возврат, списание)",
              doc_field_text(rec, RO_RECOMMENDATIONS), 2);

    pdf_space(p, 4);
    pdf_paragraph(p,
                  "Заключение составлено по результатам проверки оборудования в сервисном центре. "
                  "Заказчик вправе оспорить его и потребовать проведения экспертизы.",
                  true);
    pdf_signatures_stamped(p, "Специалист (исполнитель)", rec->labels[RO_TECHNICIAN_ID],
                           "С актом ознакомлен (заказчик)", client_name, PDF_STAMP_LEFT);
    return ERR_OK;
}

const struct document doc_repair_condition_act = {
    .name = "condition_act",
    .entity = "repair_orders",
    .label = "doc.repair_orders.condition_act",
    .perm = P_NONE,
    .render = render_condition_act,
    .series = "ТС",
};
