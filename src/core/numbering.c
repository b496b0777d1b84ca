/* numbering.c — gapless document numbers per series and year (core layer). */
#include "numbering.h"

#include "base/timeutil.h"

#include "base/banned.h"

enum err_code number_next(struct ctx *cx, const char *series, int year, int64_t *out)
{
    /* one statement: the first number of a series and year, or the next;
     * the row stays locked until commit: the next caller waits here */
    bool found;
    enum err_code rc = db_get_i64(cx->db, &cx->err, out, &found,
                                  "INSERT INTO number_sequences (series, year, last_value)\n"
                                  "VALUES ($1, $2, 1)\n"
                                  "ON CONFLICT (series, year)\n"
                                  "DO UPDATE SET last_value = number_sequences.last_value + 1\n"
                                  "RETURNING last_value",
                                  "ti", series, (int64_t)year);
    if (rc == ERR_OK && !found)
        return ctx_fail(cx, ERR_INTERNAL, "number sequence %s/%d vanished", series, year);
    return rc;
}

const char *number_format(struct ctx *cx, const char *series, int year, int64_t n)
{
    return arena_printf(cx->a, "%s-%04d-%06lld", series, year, (long long)n);
}

/* ---- printed documents' numbers ------------------------------------------------ */

#define ISSUED_COLS                                                                                \
    "d.entity, d.record_id, d.document, d.series, d.year, d.seq, d.number, d.issued_at,\n"         \
    "    COALESCE(d.issued_by, 0), COALESCE(u.name, '')\n"                                         \
    "FROM documents_issued d LEFT JOIN users u ON u.id = d.issued_by\n"

static void issued_read(struct ctx *cx, struct db_stmt *st, struct doc_issued *d)
{
    d->entity = arena_strdup(cx->a, db_col_text(st, 0));
    d->record_id = db_col_i64(st, 1);
    d->document = arena_strdup(cx->a, db_col_text(st, 2));
    d->series = arena_strdup(cx->a, db_col_text(st, 3));
    d->year = (int)db_col_i64(st, 4);
    d->seq = db_col_i64(st, 5);
    d->number = arena_strdup(cx->a, db_col_text(st, 6));
    d->issued_at = arena_strdup(cx->a, db_col_text(st, 7));
    d->issued_by = db_col_i64(st, 8);
    d->issued_by_name = arena_strdup(cx->a, db_col_text(st, 9));
}

/* The row of the record's document: ERR_OK with *found. */
static enum err_code issued_find(struct ctx *cx, const char *entity, int64_t record_id,
                                 const char *document, struct doc_issued *out, bool *found)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT " ISSUED_COLS "WHERE d.entity = $1 AND d.record_id = $2 AND d.document = $3",
             "tit", entity, record_id, document);
    int step = st ? db_step(st) : DB_FAIL;
    if (step == DB_ROW)
        issued_read(cx, st, out);
    db_done(st);
    *found = step == DB_ROW;
    return step == DB_FAIL ? cx->err.code : ERR_OK;
}

enum err_code number_issue(struct ctx *cx, const char *entity, int64_t record_id,
                           const char *document, const char *series, struct doc_issued *out)
{
    bool found;
    enum err_code rc = issued_find(cx, entity, record_id, document, out, &found);
    if (rc != ERR_OK || found)
        return rc;
    bool own;
    if ((rc = db_begin_own(cx->db, &cx->err, &own)) != ERR_OK)
        return rc;
    /* the year of the day in Moscow, where the law's days are counted */
    char now[ISO_TIME_LEN], local[ISO_TIME_LEN];
    time_now_iso(now);
    time_iso(time_now() + 3 * 3600, local);
    int year =
        (local[0] - '0') * 1000 + (local[1] - '0') * 100 + (local[2] - '0') * 10 + (local[3] - '0');
    int64_t seq, id = 0;
    rc = number_next(cx, series, year, &seq);
    if (rc == ERR_OK)
        rc = db_get_i64(cx->db, &cx->err, &id, &found,
                        "INSERT INTO documents_issued (entity, record_id, document, series, year,\n"
                        "    seq, number, issued_at, issued_by)\n"
                        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)\n"
                        "ON CONFLICT (entity, record_id, document) DO NOTHING\n"
                        "RETURNING id",
                        "tittiittI", entity, record_id, document, series, (int64_t)year, seq,
                        number_format(cx, series, year, seq), now,
                        cx->user ? cx->user->id : (int64_t)0);
    if (rc == ERR_OK && !found) /* numbered by someone else meanwhile: theirs stands */
        rc = own ? ERR_CONFLICT
                 : ctx_fail(cx, ERR_CONFLICT, "the document was numbered at the same moment");
    bool lost = rc == ERR_CONFLICT && own;
    if (lost)
        err_clear(&cx->err);
    rc = db_end_own(cx->db, &cx->err, own, rc);
    if (lost) {
        err_clear(&cx->err);
        if ((rc = issued_find(cx, entity, record_id, document, out, &found)) == ERR_OK && !found)
            rc = ctx_fail(cx, ERR_INTERNAL, "the document's number vanished");
        return rc;
    }
    if (rc == ERR_OK &&
        (rc = issued_find(cx, entity, record_id, document, out, &found)) == ERR_OK && !found)
        rc = ctx_fail(cx, ERR_INTERNAL, "the document's number vanished");
    return rc;
}

enum err_code number_issued_list(struct ctx *cx, const char *entity, int64_t record_id,
                                 struct doc_issued **out, int *n)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT " ISSUED_COLS "WHERE d.entity = $1 AND d.record_id = $2\n"
                              "ORDER BY d.id\n"
                              "LIMIT 100",
                              "ti", entity, record_id);
    if (!st)
        return cx->err.code;
    struct doc_issued *a = arena_alloc(cx->a, sizeof(*a) * 100);
    int step;
    while ((step = db_step(st)) == DB_ROW && *n < 100)
        issued_read(cx, st, &a[(*n)++]);
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    *out = a;
    return ERR_OK;
}
