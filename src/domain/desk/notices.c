/* notices.c — what the desk tells its clients (domain layer). */
#include "notices.h"

#include <string.h>

#include "core/outbox.h"
#include "domain/desk/desk.h"
#include "base/banned.h"

/* A state's name for a client, in their language. */
static const char *state_label(const char *state, const char *lang)
{
    static const struct {
        const char *state, *ru, *en;
    } labels[] = {
        {"new", "новое", "new"},
        {"assigned", "назначено", "assigned"},
        {"in_progress", "в работе", "in progress"},
        {"waiting_client", "ждём вашего ответа", "waiting for your answer"},
        {"waiting_parts", "ждём запчасти", "waiting for parts"},
        {"resolved", "решено", "resolved"},
        {"closed", "закрыто", "closed"},
        {"cancelled", "отменено", "cancelled"},
    };
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (!strcmp(labels[i].state, state))
            return strcmp(lang, "en") ? labels[i].ru : labels[i].en;
    return state;
}

/* s percent-encoded for a URL's query. Arena. */
static const char *url_encode(struct arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = arena_alloc(a, strlen(s) * 3 + 1), *w = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.')
            *w++ = (char)*p;
        else
            *w++ = '%', *w++ = hex[*p >> 4], *w++ = hex[*p & 15];
    }
    *w = 0;
    return out;
}

/* Who is written to: name, e-mail, phone and language of the contact named
 * on the request when it has an address, else of the client. */
static enum err_code recipient(struct ctx *cx, int64_t client, int64_t contact, const char **name,
                               const char **email, const char **phone, const char **lang)
{
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT c.name, c.email, c.phone, c.lang, k.name, k.email, k.phone\n"
                              "FROM clients c\n"
                              "LEFT JOIN contacts k ON k.id = $2 AND k.client_id = c.id\n"
                              "WHERE c.id = $1",
                              "iI", client, contact);
    int step = st ? db_step(st) : DB_FAIL;
    *name = *email = *phone = NULL;
    *lang = "ru";
#define T(i) (db_col_null(st, i) ? NULL : arena_strdup(cx->a, db_col_text(st, i)))
    if (step == DB_ROW) {
        const char *kemail = T(5), *kphone = T(6);
        bool by_contact = kemail || kphone;
        *name = by_contact && T(4) ? T(4) : T(0);
        *email = by_contact ? kemail : T(1);
        *phone = by_contact ? kphone : T(2);
        *lang = T(3);
    }
#undef T
    db_done(st);
    return step == DB_FAIL ? cx->err.code : ERR_OK;
}

/* The Message-IDs of the client's letters about the request, oldest first
 * (the ones we can name: not the hashes kept for letters without one). */
static enum err_code client_letters(struct ctx *cx, int64_t request_id, const char **refs)
{
    *refs = NULL;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT message_id FROM mail_messages\n"
                              "WHERE request_id = $1 AND message_id NOT LIKE 'sha256:%'\n"
                              "ORDER BY id\n"
                              "LIMIT 20",
                              "i", request_id);
    int step = DB_FAIL;
    while (st && (step = db_step(st)) == DB_ROW) {
        const char *id = db_col_text(st, 0);
        if (strpbrk(id, " <>\r\n"))
            continue;
        *refs = *refs ? arena_printf(cx->a, "%s %s", *refs, id) : arena_strdup(cx->a, id);
    }
    db_done(st);
    return !st || step == DB_FAIL ? cx->err.code : ERR_OK;
}

/* For {pickup}: the sentence that tells the client their unit (model and
 * serial) can be picked up, in their language; "" when the request has no
 * unit. Requests have no state of their own for it: «resolved» is when the
 * work is done and the unit waits for its owner. */
static enum err_code pickup_line(struct ctx *cx, const struct record *req, const char *lang,
                                 const char **out)
{
    *out = "";
    const struct value *unit = rec_get(req, REQ_UNIT_ID);
    if (unit->null || !unit->i)
        return ERR_OK;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT m.brand, m.model, u.serial FROM equipment_units u\n"
                              "JOIN equipment_models m ON m.id = u.model_id WHERE u.id = $1",
                              "i", unit->i);
    if (!st)
        return cx->err.code;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        const char *brand = db_col_text(st, 0), *model = db_col_text(st, 1),
                   *serial = db_col_text(st, 2);
        *out = strcmp(lang, "en")
                   ? arena_printf(cx->a, "Оборудование %s %s (серийный номер %s) можно забрать.",
                                  brand, model, serial)
                   : arena_printf(cx->a, "Your %s %s (serial number %s) is ready for pickup.",
                                  brand, model, serial);
    }
    db_done(st);
    return rc == DB_FAIL ? cx->err.code : ERR_OK;
}

enum err_code notice_request(struct ctx *cx, const struct record *req, const char *event,
                             const char *reply)
{
    const struct value *client = rec_get(req, REQ_CLIENT_ID);
    if (client->null || !client->i)
        return ERR_OK;
    enum err_code rc;
    if (!strcmp(event, "sla_breach")) {
        struct company co;
        if ((rc = company_get(cx, &co)) != ERR_OK || !co.sla_apologies)
            return rc;
    }
    const char *name, *email, *phone, *lang, *refs;
    const struct value *contact = rec_get(req, REQ_CONTACT_ID);
    if ((rc = recipient(cx, client->i, contact->null ? 0 : contact->i, &name, &email, &phone,
                        &lang)) != ERR_OK ||
        (rc = client_letters(cx, req->id, &refs)) != ERR_OK)
        return rc;
    const char *pickup;
    if ((rc = pickup_line(cx, req, lang ? lang : "ru", &pickup)) != ERR_OK)
        return rc;
    const char *number = rec_get(req, REQ_NUMBER)->s, *code = rec_get(req, REQ_ACCESS_CODE)->s;
    struct outbox_item it = {
        .event = event,
        .client_id = client->i,
        .own_request = true, /* every message here answers the client's own request */
        .email = email,
        .phone = phone,
        .entity = "requests",
        .record_id = req->id,
        .references = refs,
        .link_path = arena_printf(cx->a, "/#/public/status?number=%s&code=%s",
                                  url_encode(cx->a, number), url_encode(cx->a, code ? code : "")),
    };
    it.vars.v[PH_NUMBER] = number;
    it.vars.v[PH_SUBJECT] = rec_get(req, REQ_SUBJECT)->s;
    it.vars.v[PH_STATUS] = state_label(rec_get(req, REQ_STATUS)->s, lang ? lang : "ru");
    it.vars.v[PH_CODE] = code;
    it.vars.v[PH_REPLY] = reply;
    it.vars.v[PH_CLIENT] = name;
    it.vars.v[PH_PICKUP] = pickup;
    int queued = 0;
    if ((rc = outbox_queue(cx, &it, &queued)) != ERR_OK || !queued)
        return rc;
    return request_event_add(
        cx, req->id, "message", false,
        arena_printf(cx->a, "%s%s%s", event, email ? " → " : "", email ? email : ""), NULL, NULL,
        NULL);
}
