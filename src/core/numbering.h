/* numbering.h — gapless document numbers per series and year (core layer). */
#ifndef SERVITOR_NUMBERING_H
#define SERVITOR_NUMBERING_H

#include <stdint.h>

#include "core/ctx.h"

/* Takes the next number of a series for a year. Must run inside the write
 * transaction that creates the document: if it rolls back, so does the
 * number, and concurrent callers wait on the sequence row, so numbers are
 * unique and without gaps on SQLite and PostgreSQL alike. */
enum err_code number_next(struct ctx *cx, const char *series, int year, int64_t *out);

/* Formats "О-2026-000123" into the arena. */
const char *number_format(struct ctx *cx, const char *series, int year, int64_t n);

/* ---- printed documents' numbers (documents_issued) ------------------------

 * A printed document of a record (an intake receipt of a repair order…)
 * takes a number in its own series when first printed and keeps it: the
 * reprint shows the same number and date. Rows of documents_issued. */
struct doc_issued {
    const char *entity; /* "repair_orders" */
    int64_t record_id;
    const char *document; /* "intake_receipt" */
    const char *series;   /* "КВ" */
    int year;
    int64_t seq;           /* 1, 2, 3… in the series and year, without gaps */
    const char *number;    /* "КВ-2026-000001" */
    const char *issued_at; /* the first print, UTC */
    int64_t issued_by;     /* the user, 0 when unknown */
    const char *issued_by_name;
};

/* The number of the record's document: the one it was given, or the next of
 * the series for this year (Moscow's), taken now in a transaction of its
 * own (or the caller's) together with its documents_issued row — so the
 * series has no gaps, and two first prints at once get one number. */
enum err_code number_issue(struct ctx *cx, const char *entity, int64_t record_id,
                           const char *document, const char *series, struct doc_issued *out);

/* The documents of a record numbered so far, the oldest first (arena). */
enum err_code number_issued_list(struct ctx *cx, const char *entity, int64_t record_id,
                                 struct doc_issued **out, int *n);

#endif
