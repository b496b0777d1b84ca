/* loaner.c — the loaner handover act («Акт передачи подменного товара»,
 * docs layer): the substitute of the same basic properties a consumer gets
 * for the time of a repair (ЗоЗПП ст. 20 п. 2). It names the order, the
 * client's own unit under repair, the loaner (model, serial, inventory
 * number) and its condition on handover; the return part is filled in when
 * it comes back. Times are Moscow's. */
#include <string.h>

#include "base/text.h"
#include "base/timeutil.h"
#include "docs/docs.h"
#include "domain/registry/registry.h"
#include "domain/workshop/clocks.h"
#include "domain/workshop/workshop.h"
#include "base/banned.h"

/* "2026-03-12T09:30:00Z" or "2026-03-12" → "12.03.2026"; NULL stays NULL. */
static const char *day_of(struct ctx *cx, const char *iso)
{
    if (!iso)
        return NULL;
    char day[ISO_DATE_LEN];
    int y, m, d;
    if (strlen(iso) == 10)
        memcpy(day, iso, ISO_DATE_LEN);
    else
        repair_day_of(iso, day);
    if (!date_parse(day, &y, &m, &d))
        return iso;
    return arena_printf(cx->a, "%02d.%02d.%04d", d, m, y);
}

static enum err_code render_loaner_act(struct ctx *cx, struct pdf *p, struct record *rec)
{
    if (!strcmp(rec_get(rec, LI_STATUS)->s, "demanded"))
        return ctx_fail(cx, ERR_CONFLICT, "the act is printed when the loaner is handed over");
    struct record *order = doc_ref(cx, rec, LI_ORDER_ID, &entity_repair_orders);
    struct record *client = doc_ref(cx, rec, LI_CLIENT_ID, &entity_clients);
    struct record *loaner = doc_ref(cx, rec, LI_LOANER_ID, &entity_loaners);
    struct record *unit = order ? doc_ref(cx, order, RO_UNIT_ID, &entity_equipment_units) : NULL;
    const char *number = doc_field_text(rec, LI_NUMBER);

    pdf_title(p, arena_printf(cx->a, "Акт передачи подменного товара № %s", number),
              arena_printf(cx->a, "на период ремонта по заказ-наряду № %s",
                           order ? doc_field_text(order, RO_NUMBER) : "—"));
    pdf_field(p, "Потребитель", doc_field_text(client, CLIENT_NAME), 1);
    pdf_field(p, "Телефон", doc_field_text(client, CLIENT_PHONE), 1);
    pdf_field(p, "Товар в ремонте",
              unit ? arena_printf(cx->a, "%s, серийный номер %s", unit->labels[UNIT_MODEL_ID],
                                  doc_field_text(unit, UNIT_SERIAL))
                   : NULL,
              1);
    pdf_field(p, "Дата требования потребителя", day_of(cx, doc_field_text(rec, LI_DEMANDED_AT)), 1);
    if (doc_field_text(rec, LI_DUE_BY))
        pdf_field(p, "Срок предоставления по закону",
                  arena_printf(cx->a, "до %s (%d дня)", day_of(cx, doc_field_text(rec, LI_DUE_BY)),
                               LOANER_DAYS),
                  1);

    pdf_heading(p, "Передаётся во временное безвозмездное пользование");
    pdf_field(p, "Наименование, модель", loaner ? loaner->labels[LN_MODEL_ID] : NULL, 1);
    pdf_field(p, "Серийный номер", doc_field_text(loaner, LN_SERIAL), 1);
    pdf_field(p, "Инвентарный номер", doc_field_text(loaner, LN_INVENTORY_NUMBER), 1);
    pdf_field(p, "Дата передачи", day_of(cx, doc_field_text(rec, LI_ISSUED_AT)), 1);
    pdf_field(p, "Состояние при передаче", doc_field_text(rec, LI_ISSUE_CONDITION), 2);
    pdf_space(p, 4);
    pdf_paragraph(p,
                  "Товар, обладающий теми же основными потребительскими свойствами, "
                  "предоставлен безвозмездно на период ремонта (п. 2 ст. 20 Закона РФ "
                  "«О защите прав потребителей»). Потребитель возвращает его при получении "
                  "своего товара из ремонта в том состоянии, в котором получил, с учётом "
                  "нормального износа.",
                  false);
    pdf_signatures(p, "Передал", NULL, "Получил", doc_field_text(client, CLIENT_NAME));

    pdf_heading(p, "Возврат подменного товара");
    pdf_field(p, "Дата возврата", day_of(cx, doc_field_text(rec, LI_RETURNED_AT)), 1);
    pdf_field(p, "Состояние при возврате", doc_field_text(rec, LI_RETURN_CONDITION), 2);
    pdf_signatures(p, "Принял", NULL, "Сдал", doc_field_text(client, CLIENT_NAME));
    return ERR_OK;
}

const struct document doc_loaner_act = {
    .name = "loaner_act",
    .entity = "loaner_issues",
    .label = "doc.loaner_issues.loaner_act",
    .perm = P_NONE,
    .render = render_loaner_act,
};
