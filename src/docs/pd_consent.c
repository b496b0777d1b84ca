/* pd_consent.c — the client's consent to the processing of personal data
 * («Согласие на обработку персональных данных»), a document of its own (docs
 * layer). Since 01.09.2025 (152-ФЗ ст. 9 ч. 1 as amended by 156-ФЗ of
 * 24.06.2025) a consent is given separately from any other document the
 * person signs — not a clause of the intake receipt — and not merged with
 * another consent (advertising, say): this one serves one purpose. Its
 * content follows ст. 9 ч. 4: the person (name, address, identity document),
 * the operator (name, address), the purpose, the data, who else processes
 * them on the operator's behalf, the actions and ways of processing, the term
 * and how to withdraw it, the signature. The passport's details are written
 * in by hand: Servitor does not keep them.
 *
 * Printed from the client, or from a repair order for its client: one
 * number per client either way (numbered against the client). */
#include <string.h>

#include "base/text.h"
#include "core/company.h"
#include "docs/docs.h"
#include "domain/registry/registry.h"
#include "domain/workshop/workshop.h"
#include "base/banned.h"

static enum err_code render_consent(struct ctx *cx, struct pdf *p, struct record *client)
{
    if (!client)
        return ctx_fail(cx, ERR_CONFLICT, "the order has no client to give a consent");
    if (strcmp(rec_get(client, CLIENT_KIND)->s, "person"))
        return ctx_fail(cx, ERR_CONFLICT,
                        "a consent to the processing of personal data is given by a person, "
                        "not by an organisation");
    struct doc_number n;
    enum err_code rc = doc_number_for(cx, &doc_client_pd_consent, "clients", client->id, &n);
    if (rc != ERR_OK)
        return rc;
    struct company co;
    if ((rc = company_get(cx, &co)) != ERR_OK)
        return rc;
    const char *name = doc_field_text(client, CLIENT_NAME);
    const char *operator_name = *co.legal_name ? co.legal_name : co.name;

    pdf_title(p, arena_printf(cx->a, "Согласие на обработку персональных данных № %s", n.number),
              arena_printf(cx->a, "от %s", n.date));

    pdf_heading(p, "Субъект персональных данных");
    pdf_field(p, "Фамилия, имя, отчество", name, 1);
    pdf_field(p, "Адрес", doc_field_text(client, CLIENT_ADDRESS), 1);
    pdf_field(p, "Документ, удостоверяющий личность (вид, серия, номер, кем и когда выдан)", NULL,
              2);

    const char *ids = *co.inn ? arena_printf(cx->a, ", ИНН %s", co.inn) : "";
    pdf_paragraph(
        p,
        arena_printf(cx->a,
                     "Я, %s, свободно, своей волей и в своём интересе даю согласие оператору — "
                     "%s%s, адрес: %s, — на обработку моих персональных данных на следующих "
                     "условиях.",
                     name ? name : "____________________________________", operator_name, ids,
                     *co.address ? co.address : "____________________________________"),
        false);
    pdf_field(p, "Цель обработки",
              "приём оборудования в ремонт и на техническое обслуживание, выполнение и выдача "
              "заказов, гарантийное обслуживание и информирование меня о ходе выполнения "
              "заказов",
              1);
    pdf_field(p, "Перечень персональных данных",
              "фамилия, имя, отчество; адрес; номер телефона; адрес электронной почты; "
              "сведения о принадлежащем мне оборудовании (модель, серийный номер, дата покупки) "
              "и о заказах на его ремонт и обслуживание",
              1);
    pdf_field(p, "Действия с персональными данными",
              "сбор, запись, систематизация, накопление, хранение, уточнение (обновление, "
              "изменение), извлечение, использование, блокирование, удаление, уничтожение; "
              "без передачи третьим лицам, кроме случаев, предусмотренных законом",
              1);
    pdf_field(p, "Способы обработки",
              "смешанная обработка: с использованием средств автоматизации (в информационной "
              "системе оператора, базы данных которой находятся в Российской Федерации) и без "
              "их использования",
              1);
    pdf_field(p, "Обработка по поручению оператора другими лицами", "не поручается", 1);
    pdf_field(p, "Срок действия согласия",
              "со дня подписания до достижения цели обработки, но не более пяти лет, либо до "
              "отзыва согласия",
              1);
    const char *where =
        *co.address && *co.email
            ? arena_printf(cx->a, "по адресу: %s, или на e-mail %s", co.address, co.email)
        : *co.address ? arena_printf(cx->a, "по адресу: %s", co.address)
        : *co.email   ? arena_printf(cx->a, "на e-mail %s", co.email)
                      : "по адресу оператора";
    pdf_field(p, "Способ отзыва", arena_printf(cx->a, "письменное заявление оператору %s", where),
              1);
    pdf_space(p, 4);
    pdf_paragraph(p,
                  "Согласие оформлено отдельным документом (ст. 9 Федерального закона от "
                  "27.07.2006 № 152-ФЗ «О персональных данных»). После отзыва согласия оператор "
                  "прекращает обработку и уничтожает данные в течение 30 дней, если их хранение "
                  "не требуется по закону. Отказ от согласия не влияет на приём оборудования в "
                  "ремонт: данные, нужные для исполнения договора, обрабатываются без согласия "
                  "(п. 5 ч. 1 ст. 6 того же закона).",
                  true);
    const char *staff = cx->user && cx->user->name ? cx->user->name : NULL;
    pdf_signatures(p, "Субъект персональных данных", name, "Согласие получил (оператор)", staff);
    return ERR_OK;
}

static enum err_code render_client_consent(struct ctx *cx, struct pdf *p, struct record *rec)
{
    return render_consent(cx, p, rec);
}

static enum err_code render_order_consent(struct ctx *cx, struct pdf *p, struct record *rec)
{
    return render_consent(cx, p, doc_ref(cx, rec, RO_CLIENT_ID, &entity_clients));
}

const struct document doc_client_pd_consent = {
    .name = "pd_consent",
    .entity = "clients",
    .label = "doc.pd_consent",
    .perm = P_CLIENTS_WRITE,
    .render = render_client_consent,
    .series = "СО",
};

const struct document doc_repair_pd_consent = {
    .name = "pd_consent",
    .entity = "repair_orders",
    .label = "doc.pd_consent",
    .perm = P_WORKSHOP_WRITE,
    .render = render_order_consent,
    .series = "СО",
};
