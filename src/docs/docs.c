/* docs.c — the registry of printed documents and their rendering (docs
 * layer); see docs.h. */
#include "docs/docs.h"

#include <string.h>

#include "base/text.h"
#include "core/outbox.h"
#include "domain/domain.h"
#include "base/banned.h"

/* clang-format off */
const struct document *const documents[] = {
    &doc_request_card,
    &doc_request_intake_act,
    &doc_repair_completion_act,
    &doc_purchase_order,
    &doc_shipment_packing_list,
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
    pdf_header(p, co.name, co.requisites);
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
