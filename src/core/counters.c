/* counters.c — badge counters maintained by the writes (core layer). */
#include "counters.h"

#include <string.h>

#include "base/banned.h"

enum err_code counter_add(struct ctx *cx, const char *name, int64_t delta)
{
    /* one statement: each create moves a few counters */
    return db_run(cx->db, &cx->err,
                  "INSERT INTO counters (name, value) VALUES ($1, $2)\n"
                  "ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value",
                  "ti", name, delta);
}

const char *counter_name(struct ctx *cx, const char *group, const char *value)
{
    return arena_printf(cx->a, "%s.%s", group, value);
}

const char *counter_value_of(const char *name, const char *group)
{
    size_t n = strlen(group);
    return strncmp(name, group, n) == 0 && name[n] == '.' ? name + n + 1 : NULL;
}

enum err_code counters_recount(struct ctx *cx, const char *prefix, const char *select_sql)
{
    const char *like = counter_name(cx, prefix, "%");
    enum err_code rc =
        db_run(cx->db, &cx->err, "UPDATE counters SET value = 0 WHERE name LIKE $1", "t", like);
    if (rc != ERR_OK)
        return rc;
    struct db_stmt *st = db_prepare(cx->db, select_sql, &cx->err);
    if (!st)
        return cx->err.code;
    /* read first, write after: a statement stays open on one connection */
    struct pair {
        const char *name;
        int64_t n;
    } *pairs = NULL;
    int n = 0, cap = 0, step;
    while ((step = db_step(st)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            struct pair *more = arena_alloc(cx->a, sizeof(*pairs) * (size_t)cap);
            if (n)
                memcpy(more, pairs, sizeof(*pairs) * (size_t)n);
            pairs = more;
        }
        pairs[n].name = counter_name(cx, prefix, db_col_null(st, 0) ? "" : db_col_text(st, 0));
        pairs[n].n = db_col_i64(st, 1);
        n++;
    }
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    for (int i = 0; i < n && rc == ERR_OK; i++)
        rc = counter_add(cx, pairs[i].name, pairs[i].n);
    return rc;
}
