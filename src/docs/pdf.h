/* pdf.h — printed documents laid out on A4 pages (docs layer).
 *
 * A small layout layer over libharu: the company's header, a title, blocks
 * of labelled fields, paragraphs, tables whose header is repeated on every
 * page they run onto, totals, signature lines and «стр. N из M» — all
 * flowing down the page and onto the next, text in UTF-8 and wrapped by
 * its real widths in PT Sans (fonts-paratype). libharu 2.3 breaks the
 * nested composite glyphs of DejaVu (Ё, ё, bold Ы), which PT Sans has none
 * of; see docs/operations.md, "Fonts".
 *
 * The calls never fail one by one: libharu's errors go to a handler that
 * keeps the first one (no longjmp), later drawing is skipped, and
 * pdf_finish returns it in the one error shape.
 *
 *     struct pdf *p;
 *     pdf_begin(cx, "Акт приёма", &p);
 *     pdf_header(p, company, requisites);  pdf_title(p, "Акт № 12", "от 01.02.2026");
 *     pdf_field(p, "Клиент", name);  …  pdf_table(p, cols, 3); pdf_row(p, cells); pdf_table_end(p);
 *     pdf_signatures(p, "Сдал", "Принял");
 *     pdf_finish(cx, p, &fd, &size);        (or pdf_abort(p))
 */
#ifndef SERVITOR_PDF_H
#define SERVITOR_PDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ctx.h"

/* Finds PT Sans Regular and Bold (PTS55F.ttf, PTS75F.ttf) in
 * SERVITOR_FONT_DIR, once per process (later calls give the same answer).
 * ERR_UNAVAILABLE with what to install when a file is missing or
 * unreadable. serve calls it at start to warn early; pdf_begin calls it. */
enum err_code pdf_fonts_check(struct err *e);

struct pdf;

enum pdf_align { PDF_LEFT, PDF_RIGHT, PDF_CENTER };

/* A table's column: its title, its share of the page's width (weights,
 * scaled to the width between the margins) and how its cells align. */
struct pdf_col {
    const char *title;
    double weight;
    enum pdf_align align;
};

/* Starts a document (one A4 page so far). title names it in the running
 * header of later pages and in the PDF's properties. The pdf lives in
 * libharu's memory until pdf_finish or pdf_abort. ERR_UNAVAILABLE without
 * the fonts, ERR_INTERNAL when libharu fails. */
enum err_code pdf_begin(struct ctx *cx, const char *title, struct pdf **out);

/* The company's header on the first page: its name in bold and its
 * requisites (ИНН, address, phone — several lines) under it, then a rule.
 * Later pages carry the name and the title in a line of small type. */
void pdf_header(struct pdf *p, const char *company, const char *requisites);
/* The document's title, centred, and a line under it (may be NULL). */
void pdf_title(struct pdf *p, const char *title, const char *subtitle);
/* A section's heading. */
void pdf_heading(struct pdf *p, const char *text);
/* A labelled field: the label on the left, the value wrapped on the right.
 * A NULL or blank value gives `blank_lines` ruled lines to fill in by hand
 * (at least one). */
void pdf_field(struct pdf *p, const char *label, const char *value, int blank_lines);
/* A paragraph of text, wrapped (blank lines kept), onto as many pages as it
 * takes. small: in the smaller type of notes. */
void pdf_paragraph(struct pdf *p, const char *text, bool small);
/* Vertical space in points. */
void pdf_space(struct pdf *p, double points);

/* A table: the columns are copied; each row is ncols cells (NULL: empty),
 * wrapped in their columns. A row that does not fit goes to the next page
 * with the header drawn again; one taller than a page is split. */
void pdf_table(struct pdf *p, const struct pdf_col *cols, int ncols);
void pdf_row(struct pdf *p, const char *const *cells);
void pdf_table_end(struct pdf *p);
/* A total under a table: the label and the value, right-aligned, bold. */
void pdf_total(struct pdf *p, const char *label, const char *value);

/* Two signature blocks side by side, kept together on one page: each with
 * its role («Сдал», «Принял»), a line for the signature and one for the
 * name written out, and the date «___» ________ 20__ г. A NULL name leaves
 * the name's line blank. */
void pdf_signatures(struct pdf *p, const char *left_role, const char *left_name,
                    const char *right_role, const char *right_name);

/* The same with «М.П.» (the place of the company's stamp) beside the
 * signature of one side: stamp is PDF_STAMP_LEFT or PDF_STAMP_RIGHT. */
enum pdf_stamp { PDF_STAMP_NONE, PDF_STAMP_LEFT, PDF_STAMP_RIGHT };
void pdf_signatures_stamped(struct pdf *p, const char *left_role, const char *left_name,
                            const char *right_role, const char *right_name, enum pdf_stamp stamp);

/* A QR code of data (libqrencode, error correction M) drawn as filled
 * squares, about 26 mm wide, with a text wrapped beside it (the address it
 * holds, what to do with it). Nothing is drawn when data cannot be encoded
 * (too long): the text alone then. */
void pdf_qr(struct pdf *p, const char *data, const char *text);

/* A labelled choice: the options in a row, each with a box, the chosen
 * one (index; -1: none) crossed — a form's «нужное отметить». */
void pdf_choice(struct pdf *p, const char *label, const char *const *options, int n, int chosen);

/* Numbers the pages («стр. N из M»), writes the PDF to an unlinked
 * temporary file and hands over its descriptor (at offset 0; the caller
 * closes it, or passes it to http_file) and size. The first libharu error
 * of the whole document, if any, is returned instead (ERR_INTERNAL).
 * ERR_TOOBIG past PDF_MAX_PAGES. The pdf is freed either way. */
enum err_code pdf_finish(struct ctx *cx, struct pdf *p, int *fd, uint64_t *size);
/* Frees a pdf that will not be written. NULL is fine. */
void pdf_abort(struct pdf *p);

#define PDF_MAX_PAGES 200

/* Text wrapping, exposed for the tests and for callers that measure: one
 * line of a wrapped text as a span of it. */
struct pdf_line {
    size_t off, len;
};
/* Wraps text into lines no wider than width points at size points, in the
 * regular or bold face: at spaces, at line feeds (kept as breaks; a blank
 * line is an empty span), and inside a word longer than a line (between
 * characters, never inside one). Spaces at a break are dropped. Fills at
 * most max lines and returns how many there are (may exceed max). */
int pdf_wrap(struct pdf *p, const char *text, double width, double size, bool bold,
             struct pdf_line *out, int max);
/* The width of len bytes of UTF-8 text in points. */
double pdf_text_width(struct pdf *p, const char *text, size_t len, double size, bool bold);

#endif
