/* repair_warranty.c — the warranty card of a repair («Гарантийный талон на
 * ремонт»; ru-service-center.md §2.4): the work done and the parts
 * replaced, the warranty's days and its end from the day of issue
 * (repair_orders.repair_warranty_days), the conditions. Printed for a repair
 * that passed QC (ready or issued) and carries a warranty; an order handed
 * back without repair has none. The order's lines (works, parts) are not
 * there yet: its work_done text is printed as the one line. */
#include <string.h>

#include "base/text.h"
#include "docs/docs.h"
#include "domain/registry/registry.h"
#include "domain/workshop/workshop.h"
#include "base/banned.h"

static enum err_code render_warranty_card(struct ctx *cx, struct pdf *p, struct record *rec)
{
    const char *status = rec_get(rec, RO_STATUS)->s;
    if ((strcmp(status, "ready") && strcmp(status, "issued")) || !rec_get(rec, RO_QC_PASSED)->i)
        return ctx_fail(cx, ERR_CONFLICT,
                        "the warranty card is printed for a repair that passed quality control "
                        "(ready or issued); this order is %s",
                        status);
    int64_t days = rec_get(rec, RO_REPAIR_WARRANTY_DAYS)->i;
    if (days <= 0)
        return ctx_fail(cx, ERR_CONFLICT, "the repair carries no warranty (0 days)");
    struct doc_number n;
    enum err_code rc = doc_number(cx, &doc_repair_warranty_card, rec, &n);
    if (rc != ERR_OK)
        return rc;
    struct record *client = doc_ref(cx, rec, RO_CLIENT_ID, &entity_clients);
    struct record *unit = doc_ref(cx, rec, RO_UNIT_ID, &entity_equipment_units);
    const char *client_name = doc_field_text(client, CLIENT_NAME);
    /* from the day of issue: known once issued, written in by hand before */
    const char *issued = doc_field_text(rec, RO_ISSUED_AT), *from = NULL, *until = NULL;
    if (issued) {
        char day[ISO_DATE_LEN], end[ISO_DATE_LEN];
        repair_day_of(issued, day);
        from = doc_date(cx, day);
        if (date_add_days(day, (int)days, end))
            until = doc_date(cx, end);
    }

    pdf_title(p, arena_printf(cx->a, "Гарантийный талон № %s", n.number),
              arena_printf(cx->a, "на выполненный ремонт от %s\nк заказ-наряду № %s от %s", n.date,
                           doc_field_text(rec, RO_NUMBER), doc_date(cx, rec->created_at)));
    pdf_field(p, "Заказчик", client_name, 1);
    pdf_field(p, "Оборудование", unit ? unit->labels[UNIT_MODEL_ID] : NULL, 1);
    pdf_field(p, "Серийный номер", doc_field_text(unit, UNIT_SERIAL), 1);
    pdf_field(p, "Выявленная неисправность", doc_field_text(rec, RO_FOUND_FAULT), 1);

    pdf_heading(p, "Выполненные работы и заменённые детали");
    static const struct pdf_col cols[] = {
        {"№", 0.6, PDF_CENTER},
        {"Работа, деталь", 7, PDF_LEFT},
        {"Гарантия, дней", 1.6, PDF_CENTER},
        {"Гарантия до", 1.8, PDF_CENTER},
    };
    pdf_table(p, cols, 4);
    const char *work = doc_field_text(rec, RO_WORK_DONE);
    pdf_row(p, (const char *[]){"1", work ? work : "Ремонт по заказ-наряду",
                                arena_printf(cx->a, "%lld", (long long)days), until});
    pdf_table_end(p);

    pdf_field(p, "Дата выдачи из ремонта", from, 1);
    pdf_field(p, "Срок гарантии", arena_printf(cx->a, "%lld дней со дня выдачи", (long long)days),
              1);
    pdf_field(p, "Гарантия действует до", until, 1);

    pdf_heading(p, "Условия гарантии");
    pdf_paragraph(
        p,
        "1. Гарантия распространяется на выполненные работы и установленные при ремонте детали, "
        "указанные в этом талоне. Недостатки, возникшие по вине исполнителя, устраняются "
        "бесплатно.\n"
        "2. Срок гарантии продлевается на время, в течение которого оборудование находилось "
        "в гарантийном ремонте.\n"
        "3. Гарантия не распространяется на недостатки, возникшие после выдачи оборудования "
        "вследствие нарушения правил эксплуатации, механических повреждений, попадания "
        "жидкости или посторонних предметов, ремонта или вскрытия третьими лицами, а также на "
        "расходные материалы и детали, не заменявшиеся при ремонте.\n"
        "4. Для обращения по гарантии предъявите оборудование и этот талон или назовите номер "
        "заказ-наряда.",
        false);
    pdf_signatures_stamped(p, "Исполнитель", rec->labels[RO_TECHNICIAN_ID],
                           "С условиями гарантии ознакомлен (заказчик)", client_name,
                           PDF_STAMP_LEFT);
    return ERR_OK;
}

const struct document doc_repair_warranty_card = {
    .name = "warranty_card",
    .entity = "repair_orders",
    .label = "doc.repair_orders.warranty_card",
    .perm = P_NONE,
    .render = render_warranty_card,
    .series = "ГТ",
};
