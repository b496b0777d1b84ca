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

#endif
