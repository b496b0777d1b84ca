/* repair_intake.c — the repair order's intake receipt (docs layer):
 * «Квитанция — акт приёма-передачи оборудования в ремонт», the paper the
 * client takes home (ru-service-center.md §2.1; the Rules of consumer
 * services, ПП РФ № 1514: the executor, the work, its price, the thing and
 * its description, the dates, signatures). It carries the access code and
 * a QR code of the order's status page. The consent to the processing of
 * personal data is not a clause of it: since 01.09.2025 (152-ФЗ ст. 9 ч. 1
 * as amended by 156-ФЗ) it is a document of its own (docs/pd_consent.c). */
#include <string.h>

#include "base/text.h"
#include "core/company.h"
#include "docs/docs.h"
#include "domain/registry/registry.h"
#include "domain/workshop/workshop.h"
#include "base/banned.h"

/* s percent-encoded for a URL's query (UTF-8 bytes as %XX). Arena. */
static const char *query_escape(struct ctx *cx, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *o = arena_alloc(cx->a, n * 3 + 1), *w = o;
    for (const unsigned char *r = (const unsigned char *)s; *r; r++) {
        if ((*r >= 'A' && *r <= 'Z') || (*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9') ||
            *r == '-' || *r == '_' || *r == '.' || *r == '~') {
            *w++ = (char)*r;
        } else {
            *w++ = '%';
            *w++ = hex[*r >> 4];
            *w++ = hex[*r & 15];
        }
    }
    *w = 0;
    return o;
}

/* The address of the order's page on the public status page, or NULL when
 * the company has no public address. */
static const char *repair_status_url(struct ctx *cx, const struct company *co, const char *number,
                                     const char *code)
{
    if (!*co->public_url || !number || !code)
        return NULL;
    return arena_printf(cx->a, "%s/#/public/repair_orders/status?number=%s&code=%s", co->public_url,
                        query_escape(cx, number), query_escape(cx, code));
}

static enum err_code render_intake_receipt(struct ctx *cx, struct pdf *p, struct record *rec)
{
    if (!strcmp(rec_get(rec, RO_STATUS)->s, "cancelled"))
        return ctx_fail(cx, ERR_CONFLICT,
                        "the order is cancelled: no intake receipt is printed for it");
    struct doc_number n;
    enum err_code rc = doc_number(cx, &doc_repair_intake_receipt, rec, &n);
    if (rc != ERR_OK)
        return rc;
    struct company co;
    if ((rc = company_get(cx, &co)) != ERR_OK)
        return rc;
    struct record *client = doc_ref(cx, rec, RO_CLIENT_ID, &entity_clients);
    struct record *unit = doc_ref(cx, rec, RO_UNIT_ID, &entity_equipment_units);
    const char *order = doc_field_text(rec, RO_NUMBER), *code = doc_field_text(rec, RO_ACCESS_CODE);
    const char *client_name = doc_field_text(client, CLIENT_NAME);
    bool warranty = rec_get(rec, RO_WARRANTY)->i != 0;

    pdf_title(p, arena_printf(cx->a, "Квитанция № %s", n.number),
              arena_printf(cx->a,
                           "акт приёма-передачи оборудования в ремонт от %s\n"
                           "к заказ-наряду № %s от %s",
                           n.date, order, doc_date(cx, rec->created_at)));

    pdf_field(p, "Заказчик", client_name, 1);
    pdf_field(p, "Телефон", doc_phone(cx, doc_field_text(client, CLIENT_PHONE)), 1);
    if (doc_field_text(client, CLIENT_ADDRESS))
        pdf_field(p, "Адрес", doc_field_text(client, CLIENT_ADDRESS), 1);

    pdf_heading(p, "Принятое оборудование");
    static const struct pdf_col cols[] = {
        {"№", 0.6, PDF_CENTER},
        {"Наименование, модель", 3.4, PDF_LEFT},
        {"Серийный номер", 2.4, PDF_LEFT},
        {"Заявленная неисправность (со слов заказчика)", 6, PDF_LEFT},
    };
    pdf_table(p, cols, 4);
    pdf_row(p, (const char *[]){"1", unit ? unit->labels[UNIT_MODEL_ID] : NULL,
                                doc_field_text(unit, UNIT_SERIAL),
                                doc_field_text(rec, RO_DECLARED_FAULT)});
    pdf_table_end(p);
    pdf_field(p, "Внешний вид, состояние при приёме (царапины, сколы, следы вскрытия)",
              doc_field_text(rec, RO_INTAKE_CONDITION), 2);
    pdf_field(p, "Комплектация (что передано вместе с оборудованием)",
              doc_field_text(rec, RO_ACCESSORIES), 2);

    pdf_heading(p, "Условия ремонта");
    static const char *const demands[] = {"ремонт", "только диагностика",
                                          "сначала смета, ремонт после согласования"};
    const char *demand = rec_get(rec, RO_DEMAND)->s;
    int chosen = !strcmp(demand, "repair")           ? 0
                 : !strcmp(demand, "diagnostics")    ? 1
                 : !strcmp(demand, "estimate_first") ? 2
                                                     : -1;
    pdf_choice(p, "Требование заказчика", demands, 3, chosen);
    const char *reason = doc_field_text(rec, RO_WARRANTY_REASON);
    pdf_field(
        p, "Вид ремонта",
        warranty ? arena_printf(cx->a, "гарантийный%s%s", reason ? " — " : "", reason ? reason : "")
                 : "платный",
        1);
    const struct value *ceiling = rec_get(rec, RO_PRICE_CEILING);
    pdf_field(p, "Предельная стоимость ремонта, согласованная заказчиком",
              ceiling->set && !ceiling->null ? doc_money(cx, ceiling->i)
              : warranty ? "не применяется (гарантийный ремонт)"
                         : NULL,
              1);
    pdf_field(p, "Плановая дата готовности", doc_date(cx, doc_field_text(rec, RO_PLANNED_DATE)), 1);

    pdf_space(p, 4);
    const char *url = repair_status_url(cx, &co, order, code);
    /* printed as one types it: the number not percent-encoded */
    const char *shown =
        url ? arena_printf(cx->a, "%s/#/public/repair_orders/status?number=%s&code=%s",
                           co.public_url, order, code)
            : NULL;
    const char *follow =
        url ? arena_printf(cx->a,
                           "Как идёт ремонт — на странице статуса: отсканируйте код или "
                           "откройте\n%s\nНомер заказа: %s\nКод доступа: %s",
                           shown, order, code)
            : arena_printf(cx->a,
                           "Как идёт ремонт, можно узнать по телефону сервисного центра.\n"
                           "Номер заказа: %s\nКод доступа: %s",
                           order, code ? code : "—");
    pdf_qr(p, url, follow);

    pdf_paragraph(
        p,
        "Оборудование принято для диагностики и ремонта. Внешний вид и комплектация проверены "
        "при приёме визуально, без разборки и без проверки работоспособности. Стоимость "
        "платного ремонта согласуется с заказчиком после диагностики; работы сверх "
        "согласованной стоимости выполняются только с согласия заказчика. Сохранность данных "
        "на носителях оборудования исполнитель не гарантирует: сделайте их копию. Оборудование "
        "выдаётся по этой квитанции или по документу, удостоверяющему личность заказчика. "
        "Если заказчик не забирает оборудование, исполнитель письменно предупреждает его; "
        "через два месяца после предупреждения исполнитель вправе распорядиться им в порядке "
        "ст. 738 ГК РФ.",
        true);
    const char *staff = cx->user && cx->user->name ? cx->user->name : NULL;
    pdf_signatures_stamped(p, "Сдал (заказчик)", client_name, "Принял (исполнитель)", staff,
                           PDF_STAMP_RIGHT);
    return ERR_OK;
}

const struct document doc_repair_intake_receipt = {
    .name = "intake_receipt",
    .entity = "repair_orders",
    .label = "doc.repair_orders.intake_receipt",
    .perm = P_WORKSHOP_WRITE, /* signed by whoever takes the unit in */
    .render = render_intake_receipt,
    .series = "КВ",
};
