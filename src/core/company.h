/* company.h — our company's details (core layer): the one row of `company`.
 *
 * Messages quote its name and free-text requisites ({company},
 * {requisites}); printed documents put its legal name, ИНН/КПП, ОГРН,
 * address, bank details, phone and site in their header (docs/docs.c), and
 * the public_url is the base of the status page's link and QR code. */
#ifndef SERVITOR_COMPANY_H
#define SERVITOR_COMPANY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ctx.h"

/* Every text is "" when not given (never NULL after company_get). */
struct company {
    int64_t version;
    const char *name; /* "Сервисный центр «Ремонт+»": what clients call it */
    const char *requisites; /* free text under messages: {requisites} */
    const char *public_url; /* "https://service.example.ru" */
    bool sla_apologies;
    /* the requisites of documents */
    const char *legal_name; /* ООО «Ремонт и Сервис» */
    const char *inn, *kpp, *ogrn;
    const char *address; /* юридический адрес */
    const char *phone, *email, *website;
    const char *bank_account; /* р/с */
    const char *bank_name;
    const char *bik;
    const char *corr_account; /* к/с */
    const char *director; /* who signs for the company: «Директор Иванов И. И.» */
};

/* The text details by name, as the API and the audit show them: the
 * column, where it is in struct company, its longest length in characters. */
struct company_column {
    const char *name;
    size_t offset;
    int max;
};
extern const struct company_column company_columns[]; /* {NULL} terminated */

static inline const char **company_text(struct company *c, const struct company_column *col)
{
    return (const char **)(void *)((char *)c + col->offset);
}

enum err_code company_get(struct ctx *cx, struct company *out);

/* Writes the texts of `in` that are not NULL, and sla_apologies when it is
 * 0 or 1 (-1: kept), if the version matches (ERR_CONFLICT otherwise);
 * audited. ERR_INVALID naming each bad field: a name empty or too long, a
 * public_url that is not http(s), an ИНН, КПП, ОГРН, БИК or account whose
 * check digits are wrong (an account checked against the БИК when both are
 * given), a phone or e-mail that is not one. Phones are stored normalised
 * (+7…), public_url without a trailing slash. */
enum err_code company_update(struct ctx *cx, int64_t version, const struct company *in,
                             int sla_apologies, struct company *out);

/* The requisites as the lines of a document's header (arena): the legal
 * name's line is not among them. "ИНН … КПП … ОГРН …", the address, "тел.
 * …, e-mail, site", "р/с … в …, БИК …, к/с …" — each only when given;
 * the free-text requisites when none of them is. */
const char *company_requisites_text(struct ctx *cx, const struct company *c);

/* Check digits (exposed for the tests): ОГРН (13) or ОГРНИП (15); БИК (9
 * digits); a settlement account (20 digits) with its БИК; a correspondent
 * account (20 digits) with its БИК. */
bool ogrn_valid(const char *s);
bool bik_valid(const char *s);
bool bank_account_valid(const char *account, const char *bik);
bool corr_account_valid(const char *account, const char *bik);

#endif
