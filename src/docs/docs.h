/* docs.h — the printed documents of records (docs layer).
 *
 * A document is declared, like an entity or a report: its name (the URL's
 * …/documents/<name>.pdf), the entity whose records it prints, the label of
 * its button, the permission it needs besides the entity's read permission,
 * and a render function that fills the layout (docs/pdf.h) from the record.
 * One route serves them all, GET /api/v1/<entity>/:id/documents/<name>.pdf
 * (the server checks the entity's read permission and the record's branch
 * scope first); /api/v1/meta lists each entity's documents for the UI's
 * «Печать» buttons.
 *
 * Adding one: a render function (documents of an area in docs/<area>.c)
 * and its line in documents[] (docs.c). */
#ifndef SERVITOR_DOCS_H
#define SERVITOR_DOCS_H

#include <stdint.h>

#include "core/entity.h"
#include "docs/pdf.h"

struct document {
    const char *name;   /* "intake_act": …/documents/intake_act.pdf */
    const char *entity; /* "requests" */
    const char *label;  /* i18n key of its button: "doc.requests.intake_act" */
    enum perm perm;     /* needed besides the entity's read permission (P_NONE: nothing) */
    /* Draws the document of rec on p, below the company's header. Reads
     * what else it needs (the client, the unit…) through the entity layer;
     * returns an error code with cx->err set, and p is then dropped. */
    enum err_code (*render)(struct ctx *cx, struct pdf *p, struct record *rec);
};

/* Every document, NULL-terminated, in the order the UI shows them. */
extern const struct document *const documents[];

/* The document of an entity by name, or NULL. */
const struct document *document_find(const char *entity, const char *name);

/* Whether an entity has any document. */
bool document_any(const char *entity);

/* Renders a document of the record id: the record read through the entity
 * layer (ERR_NOTFOUND when missing or outside the user's branch scope),
 * the company's header (company table), the document, then the PDF in an
 * unlinked temporary file whose descriptor (the caller closes it) and size
 * are handed over. ERR_UNAVAILABLE without the fonts (pdf_fonts_check). */
enum err_code document_render(struct ctx *cx, const struct document *d, int64_t id, int *fd,
                              uint64_t *size);

/* Documents of the desk (docs/requests.c). */
extern const struct document doc_request_card, doc_request_intake_act;
/* Documents of the workshop (docs/workshop.c). */
extern const struct document doc_repair_completion_act;
/* The purchase order sent to a supplier (docs/purchase_order.c). */
extern const struct document doc_purchase_order;
extern const struct document doc_shipment_packing_list;

/* For render functions: a text field's value, NULL when unset or blank; a
 * referenced record, NULL when none is set or it cannot be read (the
 * document is printed without it). */
const char *doc_field_text(const struct record *r, int f);
struct record *doc_ref(struct ctx *cx, const struct record *r, int f, const struct entity *ent);

#endif
