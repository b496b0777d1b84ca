/* company.c — our company's details (core layer); see company.h. */
#include "company.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "core/audit.h"
#include "core/validate.h"
#include "base/banned.h"

#define COL(n, m)                                                                                  \
    {                                                                                              \
#n, offsetof(struct company, n), m                                                         \
    }
const struct company_column company_columns[] = {
    COL(name, 300),      COL(requisites, 2000), COL(public_url, 300),  COL(legal_name, 300),
    COL(inn, 12),        COL(kpp, 9),           COL(ogrn, 15),         COL(address, 500),
    COL(phone, 32),      COL(email, 254),       COL(website, 200),     COL(bank_account, 20),
    COL(bank_name, 300), COL(bik, 9),           COL(corr_account, 20), COL(director, 200),
    {NULL, 0, 0},
};
#undef COL

/* ---- check digits ---------------------------------------------------------- */

static bool digits(const char *s, size_t n)
{
    if (!s || strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

bool ogrn_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if ((n != 13 && n != 15) || !digits(s, n))
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i + 1 < n; i++)
        v = v * 10 + (uint64_t)(s[i] - '0');
    return (int)(v % (n == 13 ? 11 : 13) % 10) == s[n - 1] - '0';
}

bool bik_valid(const char *s) { return digits(s, 9); }

/* The Bank of Russia's key: the 23 digits weighted 7, 1, 3… sum to a
 * multiple of 10 (the low digit of each product). */
static bool account_key(const char *prefix3, const char *account)
{
    char all[24];
    memcpy(all, prefix3, 3);
    memcpy(all + 3, account, 20);
    static const int w[3] = {7, 1, 3};
    int sum = 0;
    for (int i = 0; i < 23; i++)
        sum += ((all[i] - '0') * w[i % 3]) % 10;
    return sum % 10 == 0;
}

bool bank_account_valid(const char *account, const char *bik)
{
    if (!digits(account, 20))
        return false;
    return !bik || !*bik || !bik_valid(bik) || account_key(bik + 6, account);
}

bool corr_account_valid(const char *account, const char *bik)
{
    if (!digits(account, 20))
        return false;
    if (!bik || !*bik || !bik_valid(bik))
        return true;
    char pre[3] = {'0', bik[4], bik[5]};
    return account_key(pre, account);
}

/* ---- reading and writing ----------------------------------------------------- */

enum err_code company_get(struct ctx *cx, struct company *out)
{
    memset(out, 0, sizeof(*out));
    struct buf sql = BUF_INIT;
    buf_adds(&sql, "SELECT version, sla_apologies");
    for (const struct company_column *c = company_columns; c->name; c++)
        buf_printf(&sql, ", %s", c->name);
    buf_adds(&sql, "\nFROM company WHERE id = 1");
    struct db_stmt *st = db_q(cx->db, &cx->err, sql.p, "");
    buf_release(&sql);
    int step = st ? db_step(st) : DB_FAIL;
    if (step == DB_ROW) {
        out->version = db_col_i64(st, 0);
        out->sla_apologies = db_col_i64(st, 1) != 0;
        int i = 2;
        for (const struct company_column *c = company_columns; c->name; c++, i++) {
            const char *v = db_col_text(st, i);
            *company_text(out, c) = arena_strdup(cx->a, v ? v : "");
        }
    }
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    if (step != DB_ROW)
        return ctx_fail(cx, ERR_INTERNAL, "the company row is missing");
    return ERR_OK;
}

static char *company_json(const struct company *c)
{
    json_t *j = json_pack("{s:I,s:b}", "version", (json_int_t)c->version, "sla_apologies",
                          c->sla_apologies);
    for (const struct company_column *col = company_columns; col->name; col++)
        json_object_set_new(j, col->name, json_string(*company_text((struct company *)c, col)));
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

/* The new texts checked and normalised into out (fields' errors in cx). */
static void check_texts(struct ctx *cx, const struct company *in, struct company *out)
{
    for (const struct company_column *c = company_columns; c->name; c++) {
        const char *v = *company_text((struct company *)in, c);
        if (!v)
            continue;
        /* trimmed; the free text keeps its inner lines */
        while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
            v++;
        size_t n = strlen(v);
        while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n' || v[n - 1] == '\r'))
            n--;
        char *t = arena_strndup(cx->a, v, n);
        if (utf8_count(t, n) > (size_t)c->max)
            err_field(&cx->err, c->name, "too_long");
        *company_text(out, c) = t;
    }
    if (!*out->name)
        err_field(&cx->err, "name", "required");
    const char *url = out->public_url;
    if (*url && ((strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) ||
                 strpbrk(url, " \r\n\t\"<>"))) {
        err_field(&cx->err, "public_url", "invalid_url");
    } else {
        size_t n = strlen(url);
        while (n && url[n - 1] == '/')
            n--;
        out->public_url = arena_strndup(cx->a, url, n);
    }
    if (*out->inn && !inn_valid(out->inn))
        err_field(&cx->err, "inn", "invalid_inn");
    if (*out->kpp && (!kpp_valid(out->kpp) || strlen(out->inn) == 12))
        err_field(&cx->err, "kpp", "invalid_kpp");
    if (*out->ogrn && !ogrn_valid(out->ogrn))
        err_field(&cx->err, "ogrn", "invalid_ogrn");
    if (*out->bik && !bik_valid(out->bik))
        err_field(&cx->err, "bik", "invalid_bik");
    if (*out->bank_account && !bank_account_valid(out->bank_account, out->bik))
        err_field(&cx->err, "bank_account", "invalid_account");
    if (*out->corr_account && !corr_account_valid(out->corr_account, out->bik))
        err_field(&cx->err, "corr_account", "invalid_account");
    if (*out->email && !email_valid(out->email))
        err_field(&cx->err, "email", "invalid_email");
    if (*out->website && strpbrk(out->website, " \r\n\t\"<>"))
        err_field(&cx->err, "website", "invalid_url");
    if (*out->phone) {
        char ph[40];
        if (!phone_normalize(out->phone, ph, sizeof(ph)))
            err_field(&cx->err, "phone", "invalid_phone");
        else
            out->phone = arena_strdup(cx->a, ph);
    }
}

enum err_code company_update(struct ctx *cx, int64_t version, const struct company *in,
                             int sla_apologies, struct company *out)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    struct company before;
    if ((rc = company_get(cx, &before)) == ERR_OK && before.version != version)
        rc = ctx_fail(cx, ERR_CONFLICT, "the company details were changed by someone else");
    if (rc == ERR_OK) {
        *out = before;
        check_texts(cx, in, out);
        if (cx->err.nfields)
            rc = ctx_fail(cx, ERR_INVALID, "invalid company details");
    }
    if (rc == ERR_OK) {
        out->version++;
        if (sla_apologies >= 0)
            out->sla_apologies = sla_apologies;
        char now[ISO_TIME_LEN];
        time_now_iso(now);
        struct buf sql = BUF_INIT;
        buf_adds(&sql, "UPDATE company SET version = $1, updated_at = $2, sla_apologies = $3");
        int n = 4;
        for (const struct company_column *c = company_columns; c->name; c++)
            buf_printf(&sql, ", %s = $%d", c->name, n++);
        buf_adds(&sql, "\nWHERE id = 1");
        struct db_stmt *st = db_prepare(cx->db, sql.p, &cx->err);
        buf_release(&sql);
        if (!st) {
            rc = cx->err.code;
        } else {
            db_bind_i64(st, 1, out->version);
            db_bind_text(st, 2, now);
            db_bind_i64(st, 3, out->sla_apologies);
            n = 4;
            for (const struct company_column *c = company_columns; c->name; c++)
                db_bind_text(st, n++, *company_text(out, c));
            rc = db_step(st) == DB_FAIL ? cx->err.code : ERR_OK;
            db_done(st);
        }
    }
    if (rc == ERR_OK) {
        char *b = company_json(&before), *a = company_json(out);
        rc = audit_append(cx, "update", "company", 1, b, a);
        free(b);
        free(a);
    }
    return db_end_own(cx->db, &cx->err, own, rc);
}

/* ---- the header of documents ----------------------------------------------- */

/* "+79161234567" → "+7 916 123-45-67" (no-break spaces); others as stored. */
static const char *phone_text(struct ctx *cx, const char *s)
{
    if (strlen(s) != 12 || strncmp(s, "+7", 2) != 0)
        return s;
    return arena_printf(cx->a, "+7\u00a0%.3s\u00a0%.3s-%.2s-%.2s", s + 2, s + 5, s + 8, s + 10);
}

const char *company_requisites_text(struct ctx *cx, const struct company *c)
{
    struct buf b = BUF_INIT;
    const char *sep = "";
    if (*c->inn) {
        buf_printf(&b, "ИНН\u00a0%s", c->inn);
        sep = ", ";
    }
    if (*c->kpp) {
        buf_printf(&b, "%sКПП\u00a0%s", sep, c->kpp);
        sep = ", ";
    }
    if (*c->ogrn)
        buf_printf(&b, "%s%s\u00a0%s", sep, strlen(c->ogrn) == 15 ? "ОГРНИП" : "ОГРН", c->ogrn);
    if (b.len)
        buf_addch(&b, '\n');
    if (*c->address)
        buf_printf(&b, "Адрес: %s\n", c->address);
    sep = "";
    size_t mark = b.len;
    if (*c->phone) {
        buf_printf(&b, "Тел.: %s", phone_text(cx, c->phone));
        sep = ", ";
    }
    if (*c->email) {
        buf_printf(&b, "%se-mail: %s", sep, c->email);
        sep = ", ";
    }
    if (*c->website)
        buf_printf(&b, "%s%s", sep, c->website);
    if (b.len > mark)
        buf_addch(&b, '\n');
    if (*c->bank_account || *c->bik) {
        sep = "";
        if (*c->bank_account) {
            buf_printf(&b, "р/с\u00a0%s", c->bank_account);
            sep = ", ";
        }
        if (*c->bank_name) {
            buf_printf(&b, " в %s", c->bank_name);
            sep = ", ";
        }
        if (*c->bik) {
            buf_printf(&b, "%sБИК\u00a0%s", sep, c->bik);
            sep = ", ";
        }
        if (*c->corr_account)
            buf_printf(&b, "%sк/с\u00a0%s", sep, c->corr_account);
        buf_addch(&b, '\n');
    }
    const char *out;
    if (b.len == 0)
        out = c->requisites ? c->requisites : "";
    else {
        while (b.len && b.p[b.len - 1] == '\n')
            b.len--;
        out = arena_strndup(cx->a, b.p, b.len);
    }
    buf_release(&b);
    return out;
}
