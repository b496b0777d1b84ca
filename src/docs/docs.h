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
 * Adding one: a render function (a document's own file, docs/<name>.c)
 * and its line in documents[] (docs.c).
 *
 * Numbering: a document that is handed over (an act, a receipt, a card)
 * names its series in .series and takes its number in render with one call,
 * after its checks (a refused print takes no number):
 *
 *     struct doc_number n;
 *     if ((rc = doc_number(cx, &doc_estimate, rec, &n)) != ERR_OK) return rc;
 *     pdf_title(p, arena_printf(cx->a, "Смета № %s", n.number),
 *               arena_printf(cx->a, "от %s", n.date));
 *
 * The first print takes the next number of the series for the year (gapless,
 * core/numbering.h) and records it in documents_issued; reprints get the
 * same number and date. GET /api/v1/<entity>/:id/documents lists them. */
#ifndef SERVITOR_DOCS_H
#define SERVITOR_DOCS_H

#include <stdint.h>

#include "core/entity.h"
#include "core/numbering.h"
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
    /* the series of its numbers ("АП"), NULL when it is not numbered */
    const char *series;
    /* The states of the record's workflow it is printed in (NULL-terminated;
     * NULL: any): /api/v1/meta publishes them, so the UI shows the button
     * only then. The render function refuses the others itself. */
    const char *const *states;
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

/* The number a document got on its first print (see above): "АП-2026-000012"
 * and its date "02.12.2026" (Moscow), and the row. */
struct doc_number {
    const char *number, *date;
    struct doc_issued issued;
};
enum err_code doc_number(struct ctx *cx, const struct document *d, const struct record *rec,
                         struct doc_number *out);
/* The same for a document numbered against another record than the one
 * printed (the client's consent printed from a repair order). */
enum err_code doc_number_for(struct ctx *cx, const struct document *d, const char *entity,
                             int64_t id, struct doc_number *out);

/* Formatting for render functions (arena; NULL stays NULL): an instant
 * "2026-03-12T21:30:00Z" or a date "2026-03-12" as "13.03.2026" (an
 * instant in Moscow time); a phone "+79161234567" as "+7 916 123-45-67";
 * kopecks as "12 345,67 ₽" (no-break spaces). */
const char *doc_date(struct ctx *cx, const char *iso);
const char *doc_phone(struct ctx *cx, const char *phone);
const char *doc_money(struct ctx *cx, int64_t kopecks);

/* Documents of the desk (docs/requests.c). */
extern const struct document doc_request_card, doc_request_intake_act;
/* Documents of the workshop (docs/workshop.c). */
extern const struct document doc_repair_completion_act;
/* The repair order's intake receipt, technical-condition act and warranty
 * card (docs/repair_intake.c, repair_condition.c, repair_warranty.c); the
 * client's consent to the processing of personal data (docs/pd_consent.c),
 * printed from the client or from a repair order. */
extern const struct document doc_repair_intake_receipt, doc_repair_condition_act,
    doc_repair_warranty_card, doc_client_pd_consent, doc_repair_pd_consent;
/* The estimate of a repair order (docs/estimate.c), and its lines table for
 * the other workshop documents: lines as repair_summary gives them. */
extern const struct document doc_repair_estimate;
#include <jansson.h>
void doc_repair_lines(struct ctx *cx, struct pdf *p, json_t *lines, json_int_t total,
                      json_int_t vat);
/* The purchase order sent to a supplier (docs/purchase_order.c). */
extern const struct document doc_purchase_order;
extern const struct document doc_shipment_packing_list;
/* The loaner handover act (docs/loaner.c). */
extern const struct document doc_loaner_act;

/* For render functions: a text field's value, NULL when unset or blank; a
 * referenced record, NULL when none is set or it cannot be read (the
 * document is printed without it). */
const char *doc_field_text(const struct record *r, int f);
struct record *doc_ref(struct ctx *cx, const struct record *r, int f, const struct entity *ent);

#endif
