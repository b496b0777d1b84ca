/* export.h — tables written out as CSV or XLSX files (core layer).
 *
 * An export is written row by row to an unlinked temporary file, never
 * built in memory: CSV by hand (RFC 4180, UTF-8 with a byte-order mark so
 * spreadsheet programs read Cyrillic right), XLSX through libxlsxwriter in
 * its constant-memory mode. The caller hands the finished file to the HTTP
 * layer (http_file) with its size and type.
 *
 *     struct export ex;
 *     export_open(cx, EXPORT_XLSX, "requests", &ex);
 *     export_text(&ex, "number"); … export_row_end(&ex);
 *     export_finish(&ex, &fd, &size);   (or export_abort on failure) */
#ifndef SERVITOR_EXPORT_H
#define SERVITOR_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "core/ctx.h"

enum export_format {
    EXPORT_NONE = 0,
    EXPORT_CSV,
    EXPORT_XLSX,
};

struct export
{
    enum export_format format;
    const char *path; /* XLSX: the file libxlsxwriter writes, unlinked at the end */
    FILE *csv;        /* CSV: an unlinked file */
    void *workbook, *sheet;
    void *bold; /* the header row's format */
    uint32_t row;
    uint16_t col;
    uint64_t rows; /* data rows written */
};

/* "csv" → EXPORT_CSV, "xlsx" → EXPORT_XLSX, anything else EXPORT_NONE. */
enum export_format export_format_of(const char *name);
/* The file's MIME type and extension. */
const char *export_content_type(enum export_format f);
const char *export_extension(enum export_format f);

/* The most data rows one export may hold (SERVITOR_EXPORT_MAX_ROWS). */
int64_t export_max_rows(void);

/* Opens an export; sheet names the XLSX sheet. ERR_INTERNAL (cx->err) when
 * the temporary file cannot be made. */
enum err_code export_open(struct ctx *cx, enum export_format f, const char *sheet,
                          struct export *ex);
/* Cells of the current row, left to right. header cells are bold in XLSX. */
void export_header(struct export *ex, const char *s);
void export_text(struct export *ex, const char *s); /* NULL: an empty cell */
void export_int(struct export *ex, int64_t v);
void export_number(struct export *ex, double v);
void export_row_end(struct export *ex);
/* Closes the file and hands over its descriptor (the caller closes it) and
 * size. ERR_INTERNAL when writing failed. The export is released either way. */
enum err_code export_finish(struct ctx *cx, struct export *ex, int *fd, uint64_t *size);
/* Releases an export that will not be sent. */
void export_abort(struct export *ex);

struct entity;
struct listq;
/* Writes a whole list (the filters, search and order of lq; its limit is
 * ignored, its cursor is where it starts) page by page, each page read into
 * memory of its own that is freed before the next: a header row of field
 * names (id, created_at, updated_at, every field but passwords, and beside
 * each reference its label as <name>_label), then a row per record.
 * ERR_TOOBIG when the list has more than export_max_rows() rows (the export
 * is then aborted). */
enum err_code export_list(struct ctx *cx, const struct entity *ent, struct listq *lq,
                          struct export *ex);

#endif
