/* docs.c — the registry of printed documents and their rendering (docs
 * layer); see docs.h. */
#include "docs/docs.h"

#include <string.h>
#include <stdio.h>
#include <time.h>

#include "base/text.h"
#include "base/timeutil.h"
#include "core/outbox.h"
#include "domain/domain.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

/* clang-format off */
const struct document *const documents[] = {
    &doc_request_card,
    &doc_request_intake_act,
    &doc_repair_intake_receipt,
    &doc_repair_pd_consent,
    &doc_repair_estimate,
    &doc_repair_condition_act,
    &doc_repair_completion_act,
    &doc_repair_warranty_card,
    &doc_purchase_order,
    &doc_shipment_packing_list,
    &doc_loaner_act,
    &doc_client_pd_consent,
    NULL,
};
/* clang-format on */

const struct document *document_find(const char *entity, const char *name)
{
    for (int i = 0; documents[i]; i++)
        if (!strcmp(documents[i]->entity, entity) && !strcmp(documents[i]->name, name))
            return documents[i];
    return NULL;
}

bool document_any(const char *entity)
{
    for (int i = 0; documents[i]; i++)
        if (!strcmp(documents[i]->entity, entity))
            return true;
    return false;
}

/* The company's name and requisites, and the branch of the record (when
 * its entity has one): where it is, its phone and hours. */
static void header(struct ctx *cx, struct pdf *p, const struct company *co, struct record *rec)
{
    const char *req = company_requisites_text(cx, co);
    const char *name = *co->legal_name ? co->legal_name : co->name;
    if (*co->legal_name && strcmp(co->legal_name, co->name))
        req = arena_printf(cx->a, "%s%s%s", co->name, *req ? "\n" : "", req);
    const struct value *b =
        rec->ent->branch_field ? record_value(rec, rec->ent->branch_field) : NULL;
    struct record *br = NULL;
    if (b && b->set && !b->null && b->i > 0 &&
        entity_get(cx, &entity_branches, b->i, &br) != ERR_OK)
        err_clear(&cx->err), br = NULL;
    if (br) {
        const char *addr = doc_field_text(br, BRANCH_ADDRESS),
                   *ph = doc_phone(cx, doc_field_text(br, BRANCH_PHONE)),
                   *hours = doc_field_text(br, BRANCH_WORKING_HOURS);
        req = arena_printf(cx->a, "%s%sФилиал «%s»%s%s%s%s%s%s", req, *req ? "\n" : "",
                           doc_field_text(br, BRANCH_NAME), addr ? ": " : "", addr ? addr : "",
                           ph ? ", тел. " : "", ph ? ph : "", hours ? ", часы работы: " : "",
                           hours ? hours : "");
    }
    pdf_header(p, name, req);
}

enum err_code document_render(struct ctx *cx, const struct document *d, int64_t id, int *fd,
                              uint64_t *size)
{
    const struct entity *ent = domain_entity(d->entity);
    struct record *rec;
    struct company co;
    struct pdf *p;
    if (!ent)
        return ctx_fail(cx, ERR_NOTFOUND, "no such resource");
    enum err_code rc = entity_get(cx, ent, id, &rec);
    if (rc == ERR_OK)
        rc = company_get(cx, &co);
    if (rc == ERR_OK)
        rc = pdf_begin(cx, d->name, &p);
    if (rc != ERR_OK)
        return rc;
    header(cx, p, &co, rec);
    if ((rc = d->render(cx, p, rec)) != ERR_OK) {
        pdf_abort(p);
        return rc;
    }
    return pdf_finish(cx, p, fd, size);
}

const char *doc_field_text(const struct record *r, int f)
{
    const struct value *v = r ? rec_get(r, f) : NULL;
    return v && v->set && !v->null && v->s && !text_blank(v->s) ? v->s : NULL;
}

struct record *doc_ref(struct ctx *cx, const struct record *r, int f, const struct entity *ent)
{
    const struct value *v = rec_get(r, f);
    struct record *out = NULL;
    if (!v->set || v->null || v->i <= 0)
        return NULL;
    if (entity_get(cx, ent, v->i, &out) != ERR_OK) {
        err_clear(&cx->err); /* printed without it */
        return NULL;
    }
    return out;
}

/* ---- numbers --------------------------------------------------------------- */

enum err_code doc_number_for(struct ctx *cx, const struct document *d, const char *entity,
                             int64_t id, struct doc_number *out)
{
    memset(out, 0, sizeof(*out));
    if (!d->series)
        return ctx_fail(cx, ERR_INTERNAL, "the document %s has no series", d->name);
    enum err_code rc = number_issue(cx, entity, id, d->name, d->series, &out->issued);
    if (rc != ERR_OK)
        return rc;
    out->number = out->issued.number;
    out->date = doc_date(cx, out->issued.issued_at);
    return ERR_OK;
}

enum err_code doc_number(struct ctx *cx, const struct document *d, const struct record *rec,
                         struct doc_number *out)
{
    return doc_number_for(cx, d, rec->ent->name, rec->id, out);
}

/* ---- formatting ------------------------------------------------------------ */

const char *doc_date(struct ctx *cx, const char *iso)
{
    int y, m, d;
    if (!iso)
        return NULL;
    if (strlen(iso) == 10 && date_parse(iso, &y, &m, &d))
        return arena_printf(cx->a, "%02d.%02d.%04d", d, m, y);
    int64_t t;
    if (!time_parse(iso, &t))
        return iso;
    time_t local = (time_t)(t + 3 * 3600); /* Moscow */
    struct tm tm;
    gmtime_r(&local, &tm);
    return arena_printf(cx->a, "%02d.%02d.%04d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
}

const char *doc_phone(struct ctx *cx, const char *s)
{
    if (!s || strlen(s) != 12 || strncmp(s, "+7", 2) != 0)
        return s;
    return arena_printf(cx->a, "+7\u00a0%.3s\u00a0%.3s-%.2s-%.2s", s + 2, s + 5, s + 8, s + 10);
}

const char *doc_money(struct ctx *cx, int64_t k)
{
    bool neg = k < 0;
    uint64_t v = neg ? (uint64_t)(-(k + 1)) + 1 : (uint64_t)k;
    char digits[32], out[64];
    int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)(v / 100));
    size_t o = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) { /* a no-break space between thousands */
            memcpy(out + o, "\u00a0", 2);
            o += 2;
        }
        out[o++] = digits[i];
    }
    out[o] = 0;
    return arena_printf(cx->a, "%s%s,%02d\u00a0₽", neg ? "−" : "", out, (int)(v % 100));
}
