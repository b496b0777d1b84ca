/* clients.c — clients (people and companies) and a company's contacts
 * (domain layer). */
#include "registry.h"

#include <string.h>

#include "base/timeutil.h"
#include "core/perm.h"
#include "base/banned.h"

static const char *const client_kinds[] = {"person", "company", NULL};
static const char *const client_langs[] = {"ru", "en", NULL};

static const struct field client_fields[] = {
    /* name           type       flags                                     max   label */
    [CLIENT_KIND] = {"kind", F_ENUM, F_REQUIRED | F_FILTER | F_LIST, 0, "client.kind",
                     .enums = client_kinds},
    [CLIENT_NAME] = {"name", F_TEXT, F_REQUIRED | F_SEARCH | F_SORT | F_LIST, 300, "client.name"},
    [CLIENT_PHONE] = {"phone", F_PHONE, F_SEARCH | F_FILTER | F_LIST, 32, "client.phone"},
    [CLIENT_EMAIL] = {"email", F_EMAIL, F_SEARCH | F_FILTER | F_LIST, 254, "client.email"},
    [CLIENT_INN] = {"inn", F_INN, F_UNIQUE | F_SEARCH | F_FILTER, 12, "client.inn"},
    [CLIENT_KPP] = {"kpp", F_KPP, 0, 9, "client.kpp"},
    [CLIENT_ADDRESS] = {"address", F_TEXT, F_SEARCH, 500, "client.address"},
    [CLIENT_BRANCH_ID] = {"branch_id", F_REF, F_FILTER | F_LIST, 0, "client.branch",
                          .ref = &entity_branches},
    [CLIENT_PD_CONSENT] = {"pd_consent", F_BOOL, F_FILTER, 0, "client.pd_consent", .def = "false"},
    [CLIENT_PD_CONSENT_DATE] = {"pd_consent_date", F_DATE, 0, 0, "client.pd_consent_date"},
    [CLIENT_NOTES] = {"notes", F_TEXT, F_SEARCH | F_MULTILINE, 4000, "client.notes"},
    /* no messages at all (acknowledgements, replies, apologies); the
     * language of those sent */
    [CLIENT_MESSAGES_OPT_OUT] = {"messages_opt_out", F_BOOL, F_FILTER, 0, "client.messages_opt_out",
                                 .def = "false"},
    [CLIENT_LANG] = {"lang", F_ENUM, 0, 0, "client.lang", .enums = client_langs, .def = "ru"},
    {0},
};
_Static_assert(FIELDS_COUNT_OK(client_fields, CLIENT__COUNT),
               "one entry per value of enum client_field");

/* A company's ИНН has 10 digits (12 for a sole trader), a person's 12; a
 * КПП belongs to organisations only. Consent without a date is dated today. */
static enum err_code client_check(struct ctx *cx, struct record *rec, const struct record *old)
{
    (void)old;
    const struct value *kind = rec_get(rec, CLIENT_KIND);
    const struct value *inn = rec_get(rec, CLIENT_INN);
    const struct value *kpp = rec_get(rec, CLIENT_KPP);
    bool company = !kind->null && strcmp(kind->s, "company") == 0;
    if (!inn->null && !company && strlen(inn->s) != 12)
        err_field(&cx->err, "inn", "invalid_inn");
    if (!kpp->null && (!company || inn->null || strlen(inn->s) != 10))
        err_field(&cx->err, "kpp", "invalid_kpp");
    const struct value *consent = rec_get(rec, CLIENT_PD_CONSENT);
    struct value *date = rec_set(rec, CLIENT_PD_CONSENT_DATE);
    if (!consent->null && consent->i && date->null) {
        char today[ISO_DATE_LEN];
        date_today(today);
        date->set = true;
        date->null = false;
        date->s = arena_strdup(cx->a, today);
    } else if (consent->null || !consent->i) {
        date->set = true;
        date->null = true;
    }
    struct value *lang = rec_set(rec, CLIENT_LANG);
    if (lang->null) { /* no language said: Russian */
        lang->set = true;
        lang->null = false;
        lang->s = "ru";
    }
    return cx->err.nfields ? ERR_INVALID : ERR_OK;
}

const struct entity entity_clients = {
    .name = "clients",
    .table = "clients",
    .label = "entity.clients",
    .fields = client_fields,
    .display_sql = "name",
    .perm_read = P_CLIENTS_READ,
    .perm_write = P_CLIENTS_WRITE,
    .perm_delete = P_CLIENTS_DELETE,
    .check = client_check,
};

static const struct field contact_fields[] = {
    [CONTACT_CLIENT_ID] = {"client_id", F_REF, F_REQUIRED | F_FILTER | F_LIST, 0, "contact.client",
                           .ref = &entity_clients},
    [CONTACT_NAME] = {"name", F_TEXT, F_REQUIRED | F_SEARCH | F_SORT | F_LIST, 300, "contact.name"},
    [CONTACT_POSITION] = {"position", F_TEXT, F_SEARCH | F_LIST, 200, "contact.position"},
    [CONTACT_PHONE] = {"phone", F_PHONE, F_SEARCH | F_FILTER | F_LIST, 32, "contact.phone"},
    [CONTACT_EMAIL] = {"email", F_EMAIL, F_SEARCH | F_LIST, 254, "contact.email"},
    [CONTACT_NOTES] = {"notes", F_TEXT, F_SEARCH | F_MULTILINE, 2000, "contact.notes"},
    {0},
};
_Static_assert(FIELDS_COUNT_OK(contact_fields, CONTACT__COUNT),
               "one entry per value of enum contact_field");

const struct entity entity_contacts = {
    .name = "contacts",
    .table = "contacts",
    .label = "entity.contacts",
    .fields = contact_fields,
    .display_sql = "name",
    .perm_read = P_CLIENTS_READ,
    .perm_write = P_CLIENTS_WRITE,
    .perm_delete = P_CLIENTS_DELETE,
};

enum err_code client_find(struct ctx *cx, const char *phone, const char *email, int64_t *id)
{
    bool found = false;
    enum err_code rc = ERR_OK;
    if (phone && *phone)
        rc = db_get_i64(cx->db, &cx->err, id, &found,
                        "SELECT id FROM clients WHERE phone = $1 ORDER BY id LIMIT 1", "t", phone);
    if (rc == ERR_OK && !found && email && *email)
        rc = db_get_i64(cx->db, &cx->err, id, &found,
                        "SELECT id FROM clients WHERE lower(email) = lower($1) ORDER BY id LIMIT 1",
                        "t", email);
    if (!found)
        *id = 0;
    return rc;
}
