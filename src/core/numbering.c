/* numbering.c — gapless document numbers per series and year (core layer). */
#include "numbering.h"

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
