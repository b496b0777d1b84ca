/* requests.c — the printed documents of a request (docs layer): its card
 * («Карточка обращения») and, as the desk takes equipment in, the act of
 * taking it («Акт приёма оборудования», see ru-service-center.md §2.1).
 * The documents are in Russian, with times in the request's branch's zone. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/text.h"
#include "base/timeutil.h"
#include "core/outbox.h"
#include "core/timeline.h"
#include "docs/docs.h"
#include "domain/desk/bizcal.h"
#include "domain/desk/desk.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

/* ---- what a request's documents read ---------------------------------------- */

struct req_doc {
    struct record *req, *client, *unit, *contact, *branch;
    const char *model; /* "Kyocera ECOSYS M2040dn", or NULL */
    int offset;        /* the branch's UTC offset in minutes (Moscow without one) */
};

static enum err_code req_doc_read(struct ctx *cx, struct record *req, struct req_doc *d)
{
    memset(d, 0, sizeof(*d));
    d->req = req;
    d->client = doc_ref(cx, req, REQ_CLIENT_ID, &entity_clients);
    d->unit = doc_ref(cx, req, REQ_UNIT_ID, &entity_equipment_units);
    d->contact = doc_ref(cx, req, REQ_CONTACT_ID, &entity_contacts);
    d->branch = doc_ref(cx, req, REQ_BRANCH_ID, &entity_branches);
    if (d->unit)
        d->model = d->unit->labels[UNIT_MODEL_ID];
    d->offset = 180;
    const char *zone = doc_field_text(d->branch, BRANCH_TIMEZONE);
    int off;
    if (zone && bizcal_zone_offset(zone, &off))
        d->offset = off;
    return ERR_OK;
}

/* "2026-03-12T09:30:00Z" → "12.03.2026 12:30" in the branch's time
 * (with_time) or "12.03.2026"; a date "2026-03-12" → "12.03.2026". */
static const char *when(struct ctx *cx, const struct req_doc *d, const char *iso, bool with_time)
{
    int y, m, day;
    if (!iso)
        return NULL;
    if (strlen(iso) == 10 && date_parse(iso, &y, &m, &day))
        return arena_printf(cx->a, "%02d.%02d.%04d", day, m, y);
    int64_t t;
    if (!time_parse(iso, &t))
        return iso;
    time_t local = (time_t)(t + (int64_t)d->offset * 60);
    struct tm tm;
    gmtime_r(&local, &tm);
    if (!with_time)
        return arena_printf(cx->a, "%02d.%02d.%04d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
    return arena_printf(cx->a, "%02d.%02d.%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1,
                        tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

/* A value of one of the request's enums in Russian. */
static const char *ru(const char *value)
{
    static const char *const names[][2] = {
        {"new", "новое"},
        {"assigned", "назначено"},
        {"in_progress", "в работе"},
        {"waiting_client", "ждёт ответа клиента"},
        {"waiting_parts", "ждёт запчасти"},
        {"resolved", "решено"},
        {"closed", "закрыто"},
        {"cancelled", "отменено"},
        {"consultation", "консультация"},
        {"repair", "ремонт"},
        {"maintenance", "обслуживание"},
        {"parts", "запчасти"},
        {"complaint", "претензия"},
        {"demo", "демонстрация"},
        {"other", "другое"},
        {"phone", "телефон"},
        {"walk_in", "визит"},
        {"email", "e-mail"},
        {"web_form", "веб-форма"},
        {"api", "API"},
        {"low", "низкий"},
        {"normal", "обычный"},
        {"high", "высокий"},
        {"urgent", "срочный"},
    };
    for (size_t i = 0; value && i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(names[i][0], value))
            return names[i][1];
    return value;
}

/* The value of a field the request may not have (NULL then): what the
 * intake act prints when the desk records it, and lines by hand otherwise. */
static const char *optional(struct record *r, const char *name)
{
    struct value *v = record_value(r, name);
    return v && v->set && !v->null && v->s && !text_blank(v->s) ? v->s : NULL;
}

/* The client's name, and phone: the contact's when the request names one. */
static const char *client_name(const struct req_doc *d)
{
    const char *n = doc_field_text(d->client, CLIENT_NAME);
    return n ? n : d->req->labels[REQ_CLIENT_ID];
}

/* "+79161234567" → "+7 916 123-45-67", with no-break spaces (never split
 * at a line's end); other numbers as stored. */
static const char *phone(struct ctx *cx, const char *s)
{
    if (!s || strlen(s) != 12 || strncmp(s, "+7", 2) != 0)
        return s;
    return arena_printf(cx->a, "+7\u00a0%.3s\u00a0%.3s-%.2s-%.2s", s + 2, s + 5, s + 8, s + 10);
}

static const char *client_phone(struct ctx *cx, const struct req_doc *d)
{
    const char *c = phone(cx, doc_field_text(d->client, CLIENT_PHONE)),
               *k = phone(cx, doc_field_text(d->contact, CONTACT_PHONE));
    if (k && c && strcmp(k, c))
        return arena_printf(cx->a, "%s (%s: %s)", c, doc_field_text(d->contact, CONTACT_NAME), k);
    return c ? c : k;
}

/* "до 12.03.2027 — действует" against the request's date. */
static const char *warranty(struct ctx *cx, const struct req_doc *d)
{
    const char *until = doc_field_text(d->unit, UNIT_WARRANTY_UNTIL);
    if (!until)
        return d->unit ? "не указана" : NULL;
    bool in_force = strncmp(until, d->req->created_at, 10) >= 0;
    return arena_printf(cx->a, "до %s — %s", when(cx, d, until, false),
                        in_force ? "действует на дату обращения" : "истекла на дату обращения");
}

static const char *number_of(const struct req_doc *d)
{
    const char *n = doc_field_text(d->req, REQ_NUMBER);
    return n ? n : "—";
}

/* ---- «Карточка обращения» ------------------------------------------------- */

static const char *event_name(struct ctx *cx, const struct event *e)
{
    if (!strcmp(e->kind, "status"))
        return arena_printf(cx->a, "Статус: %s → %s", ru(e->from_state ? e->from_state : ""),
                            ru(e->to_state ? e->to_state : ""));
    static const char *const kinds[][2] = {
        {"created", "Обращение принято"},
        {"reply", "Ответ"},
        {"client_reply", "Сообщение клиента"},
        {"file", "Файл"},
        {"rating", "Оценка"},
        {"assigned", "Назначено"},
    };
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (!strcmp(kinds[i][0], e->kind))
            return kinds[i][1];
    return e->kind;
}

static enum err_code render_card(struct ctx *cx, struct pdf *p, struct record *rec)
{
    struct req_doc d;
    enum err_code rc = req_doc_read(cx, rec, &d);
    if (rc != ERR_OK)
        return rc;
    pdf_title(p, arena_printf(cx->a, "Карточка обращения № %s", number_of(&d)),
              arena_printf(cx->a, "от %s", when(cx, &d, rec->created_at, true)));

    pdf_heading(p, "Обращение");
    pdf_field(p, "Тема", doc_field_text(rec, REQ_SUBJECT), 1);
    pdf_field(p, "Вид", ru(doc_field_text(rec, REQ_TYPE)), 1);
    pdf_field(p, "Статус", ru(doc_field_text(rec, REQ_STATUS)), 1);
    pdf_field(p, "Приоритет", ru(doc_field_text(rec, REQ_PRIORITY)), 1);
    pdf_field(p, "Канал", ru(doc_field_text(rec, REQ_CHANNEL)), 1);
    if (d.branch)
        pdf_field(p, "Филиал", doc_field_text(d.branch, BRANCH_NAME), 1);
    if (rec->labels[REQ_ASSIGNEE_ID])
        pdf_field(p, "Ответственный", rec->labels[REQ_ASSIGNEE_ID], 1);
    if (doc_field_text(rec, REQ_RESOLUTION_DUE))
        pdf_field(p, "Срок решения", when(cx, &d, doc_field_text(rec, REQ_RESOLUTION_DUE), true),
                  1);
    if (doc_field_text(rec, REQ_RESOLVED_AT))
        pdf_field(p, "Решено", when(cx, &d, doc_field_text(rec, REQ_RESOLVED_AT), true), 1);

    pdf_heading(p, "Клиент");
    pdf_field(p, "Клиент", client_name(&d), 1);
    pdf_field(p, "Телефон", client_phone(cx, &d), 1);
    if (doc_field_text(d.client, CLIENT_EMAIL))
        pdf_field(p, "E-mail", doc_field_text(d.client, CLIENT_EMAIL), 1);
    if (d.contact)
        pdf_field(p, "Контактное лицо", doc_field_text(d.contact, CONTACT_NAME), 1);

    if (d.unit) {
        pdf_heading(p, "Оборудование");
        pdf_field(p, "Модель", d.model, 1);
        pdf_field(p, "Серийный номер", doc_field_text(d.unit, UNIT_SERIAL), 1);
        if (doc_field_text(d.unit, UNIT_PURCHASE_DATE))
            pdf_field(p, "Дата покупки",
                      when(cx, &d, doc_field_text(d.unit, UNIT_PURCHASE_DATE), false), 1);
        pdf_field(p, "Гарантия", warranty(cx, &d), 1);
    }

    if (doc_field_text(rec, REQ_DESCRIPTION)) {
        pdf_heading(p, "Описание");
        pdf_paragraph(p, doc_field_text(rec, REQ_DESCRIPTION), false);
    }

    /* what the client sees on the status page: the public events */
    struct event *ev;
    int n;
    if ((rc = timeline_list(cx, rec->ent, rec->id, true, &ev, &n)) != ERR_OK)
        return rc;
    pdf_heading(p, "Ход работ");
    static const struct pdf_col cols[] = {
        {"Дата", 2.2, PDF_LEFT},
        {"Событие", 2.8, PDF_LEFT},
        {"Содержание", 7, PDF_LEFT},
    };
    pdf_table(p, cols, 3);
    for (int i = 0; i < n; i++)
        pdf_row(p,
                (const char *[]){when(cx, &d, ev[i].at, true), event_name(cx, &ev[i]), ev[i].body});
    if (n == 0)
        pdf_row(p, (const char *[]){NULL, "Событий нет", NULL});
    pdf_table_end(p);
    return ERR_OK;
}

/* ---- «Акт приёма оборудования» -------------------------------------------- */

static enum err_code render_intake_act(struct ctx *cx, struct pdf *p, struct record *rec)
{
    struct req_doc d;
    enum err_code rc = req_doc_read(cx, rec, &d);
    if (rc != ERR_OK)
        return rc;
    pdf_title(p, arena_printf(cx->a, "Акт приёма оборудования № %s", number_of(&d)),
              arena_printf(cx->a, "от %s", when(cx, &d, rec->created_at, true)));

    if (d.branch) {
        const char *b = doc_field_text(d.branch, BRANCH_NAME),
                   *addr = doc_field_text(d.branch, BRANCH_ADDRESS),
                   *ph = phone(cx, doc_field_text(d.branch, BRANCH_PHONE));
        pdf_field(p, "Место приёма",
                  arena_printf(cx->a, "%s%s%s%s%s", b, addr ? ", " : "", addr ? addr : "",
                               ph ? ", тел. " : "", ph ? ph : ""),
                  1);
    }
    pdf_field(p, "Заказчик", client_name(&d), 1);
    pdf_field(p, "Телефон", client_phone(cx, &d), 1);
    pdf_field(p, "Адрес", doc_field_text(d.client, CLIENT_ADDRESS), 1);
    pdf_field(p, "Вид работ", ru(doc_field_text(rec, REQ_TYPE)), 1);

    pdf_heading(p, "Принятое оборудование");
    static const struct pdf_col cols[] = {
        {"№", 0.6, PDF_CENTER},
        {"Наименование, модель", 3.4, PDF_LEFT},
        {"Серийный номер", 2.4, PDF_LEFT},
        {"Заявленная неисправность (со слов заказчика)", 6, PDF_LEFT},
    };
    const char *subject = doc_field_text(rec, REQ_SUBJECT),
               *desc = doc_field_text(rec, REQ_DESCRIPTION);
    const char *fault =
        desc ? arena_printf(cx->a, "%s\n%s", subject ? subject : "", desc) : subject;
    pdf_table(p, cols, 4);
    pdf_row(p, (const char *[]){"1", d.model, doc_field_text(d.unit, UNIT_SERIAL), fault});
    pdf_table_end(p);

    /* what the request records, else lines to fill in at the counter */
    pdf_field(p, "Гарантия", warranty(cx, &d), 1);
    pdf_field(p, "Внешний вид, состояние (царапины, сколы, следы вскрытия)",
              optional(rec, "condition"), 2);
    pdf_field(p, "Комплектация (что передано вместе с оборудованием)", optional(rec, "accessories"),
              2);
    pdf_field(p, "Предварительная стоимость", optional(rec, "estimate"), 1);
    pdf_field(p, "Срок выполнения", optional(rec, "due_date"), 1);

    pdf_space(p, 6);
    struct company co;
    const char *code = doc_field_text(rec, REQ_ACCESS_CODE);
    if (company_get(cx, &co) != ERR_OK)
        err_clear(&cx->err);
    else if (code && *co.public_url)
        pdf_paragraph(p,
                      arena_printf(cx->a,
                                   "Узнать, как идёт работа: %s/#/public/status — номер %s, "
                                   "код доступа %s.",
                                   co.public_url, number_of(&d), code),
                      false);
    else if (code)
        pdf_paragraph(p,
                      arena_printf(cx->a,
                                   "Узнать, как идёт работа, можно на странице статуса "
                                   "обращения: номер %s, код доступа %s.",
                                   number_of(&d), code),
                      false);
    pdf_paragraph(p,
                  "Оборудование принято для диагностики и ремонта. Внешний вид и комплектация "
                  "проверены при приёме визуально, без разборки. Окончательная стоимость "
                  "и срок работ согласуются с заказчиком после диагностики. Оборудование "
                  "выдаётся по этому акту или по документу, удостоверяющему личность заказчика.",
                  true);
    const char *staff = cx->user && cx->user->name ? cx->user->name : NULL;
    pdf_signatures(p, "Сдал (заказчик)", client_name(&d), "Принял (исполнитель)", staff);
    return ERR_OK;
}

/* ---- the declarations -------------------------------------------------------- */

const struct document doc_request_card = {
    .name = "card",
    .entity = "requests",
    .label = "doc.requests.card",
    .perm = P_REQUESTS_READ,
    .render = render_card,
};

const struct document doc_request_intake_act = {
    .name = "intake_act",
    .entity = "requests",
    .label = "doc.requests.intake_act",
    .perm = P_REQUESTS_WRITE, /* signed by whoever takes the equipment in */
    .render = render_intake_act,
};
