/* report.c — reports as declared things (core layer): parameters, the run
 * on the read connection, tables and their export; see report.h. */
#include "core/report.h"

#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "base/util.h"
#include "base/banned.h"

static int ncolumns(const struct report *rep)
{
    int n = 0;
    while (rep->columns[n].name)
        n++;
    return n;
}

int report_column(const struct report *rep, const char *name)
{
    for (int i = 0; rep->columns[i].name; i++)
        if (!strcmp(rep->columns[i].name, name))
            return i;
    return -1;
}

static bool is_date(const char *s)
{
    int64_t t;
    return strlen(s) == 10 && time_parse(s, &t);
}

enum err_code report_query_parse(struct ctx *cx, const struct report *rep,
                                 const struct param *params, int nparams, const char *const *extra,
                                 struct report_query *q)
{
    memset(q, 0, sizeof(*q));
    q->now = time_now();
    q->branch = ctx_branch(cx);
    q->group = rep->groups ? &rep->groups[0] : NULL;
    q->step = "day";
    const char *from = NULL, *to = NULL;
    unsigned seen = 0;
    for (int i = 0; i < nparams; i++) {
        const char *k = params[i].key, *v = params[i].value;
        bool skip = false;
        for (int j = 0; extra && extra[j]; j++)
            skip |= !strcmp(k, extra[j]);
        if (skip)
            continue;
        if (rep->period && (!strcmp(k, "from") || !strcmp(k, "to"))) {
            if (!is_date(v))
                return ctx_fail(cx, ERR_MALFORMED, "%s must be a date (YYYY-MM-DD)", k);
            *(k[0] == 'f' ? &from : &to) = v;
        } else if (rep->groups && !strcmp(k, "group")) {
            q->group = NULL;
            for (const struct report_group *g = rep->groups; g->name; g++)
                if (!strcmp(g->name, v))
                    q->group = g;
            if (!q->group)
                return ctx_fail(cx, ERR_MALFORMED, "report %s has no grouping %s", rep->name, v);
        } else if (rep->steps && !strcmp(k, "step")) {
            if (strcmp(v, "day") && strcmp(v, "month"))
                return ctx_fail(cx, ERR_MALFORMED, "step is day or month");
            q->step = !strcmp(v, "day") ? "day" : "month";
        } else {
            int n = 0;
            while (rep->params && rep->params[n].name && strcmp(rep->params[n].name, k))
                n++;
            if (!rep->params || !rep->params[n].name)
                return ctx_fail(cx, ERR_MALFORMED, "report %s takes no parameter %s", rep->name, k);
            const struct report_param *p = &rep->params[n];
            int64_t x;
            if (!parse_i64(v, strlen(v), &x) || x < p->min || x > p->max) {
                err_field(&cx->err, p->name, "out_of_range");
                return ctx_fail(cx, ERR_INVALID, "%s: %lld..%lld", p->name, (long long)p->min,
                                (long long)p->max);
            }
            q->ints[n] = x;
            seen |= 1u << n;
        }
    }
    for (int n = 0; rep->params && rep->params[n].name; n++) {
        if (seen & (1u << n))
            continue;
        if (rep->params[n].required) {
            err_field(&cx->err, rep->params[n].name, "required");
            return ctx_fail(cx, ERR_INVALID, "%s: required", rep->params[n].name);
        }
        q->ints[n] = rep->params[n].def;
    }
    /* the default period: the 30 days up to today */
    char iso[ISO_TIME_LEN];
    if (!to) {
        time_iso(q->now, iso);
        to = arena_strndup(cx->a, iso, 10);
    }
    if (!from) {
        int64_t t;
        time_parse(to, &t);
        time_iso(t - 29 * 86400, iso);
        from = arena_strndup(cx->a, iso, 10);
    }
    if (strcmp(from, to) > 0)
        return ctx_fail(cx, ERR_MALFORMED, "the period ends before it begins");
    q->from_date = from;
    q->to_date = to;
    q->from = arena_printf(cx->a, "%sT00:00:00Z", from);
    q->to = arena_printf(cx->a, "%sT23:59:59Z", to);
    return ERR_OK;
}

enum err_code report_run(struct ctx *cx, const struct report *rep, const struct report_query *q,
                         struct report_table *t)
{
    if (!ctx_can(cx, rep->perm))
        return ctx_fail(cx, ERR_FORBIDDEN, "your role may not see this report");
    memset(t, 0, sizeof(*t));
    t->rep = rep;
    t->ncols = ncolumns(rep);
    struct db *db = ctx_read_db(cx);
    if (!db)
        return cx->err.code ? cx->err.code : ERR_UNAVAILABLE;
    return rep->run(cx, db, q, t);
}

struct report_cell *report_row(struct ctx *cx, struct report_table *t)
{
    if (t->nrows == t->cap) {
        int cap = t->cap ? t->cap * 2 : 32;
        struct report_cell **rows = arena_alloc(cx->a, sizeof(*rows) * (size_t)cap);
        if (t->nrows)
            memcpy(rows, t->rows, sizeof(*rows) * (size_t)t->nrows);
        t->rows = rows;
        t->cap = cap;
    }
    struct report_cell *row = arena_alloc(cx->a, sizeof(*row) * (size_t)(t->ncols ? t->ncols : 1));
    for (int i = 0; i < t->ncols; i++)
        row[i].null = true;
    t->rows[t->nrows++] = row;
    return row;
}

enum err_code report_sql(struct ctx *cx, struct db *db, struct report_table *t, const char *sql,
                         const struct report_query *q)
{
    struct db_stmt *st = db_q(db, &cx->err, sql, "tti", q->from, q->to, q->branch);
    if (!st)
        return cx->err.code;
    int step;
    while ((step = db_step(st)) == DB_ROW) {
        struct report_cell *row = report_row(cx, t);
        int n = db_col_count(st);
        for (int i = 0; i < n && i < t->ncols; i++) {
            if (db_col_null(st, i))
                continue;
            row[i].null = false;
            switch (t->rep->columns[i].type) {
            case RT_TEXT:
                row[i].s = arena_strdup(cx->a, db_col_text(st, i));
                break;
            case RT_INT:
                row[i].i = db_col_i64(st, i);
                break;
            default:
                row[i].d = strtod(db_col_text(st, i), NULL);
            }
        }
    }
    db_done(st);
    return step == DB_FAIL ? cx->err.code : ERR_OK;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int64_t report_percentile(int64_t *v, int n, int p)
{
    assert(n > 0 && p >= 0 && p <= 100);
    qsort(v, (size_t)n, sizeof(*v), cmp_i64);
    int rank = (p * n + 99) / 100; /* ceil(p/100 · n), at least 1 */
    return v[rank > 0 ? rank - 1 : 0];
}

void report_export(const struct report_table *t, struct export *ex)
{
    const struct report *rep = t->rep;
    for (int c = 0; c < t->ncols; c++)
        export_header(ex, rep->columns[c].name);
    export_row_end(ex);
    for (int r = 0; r < t->nrows; r++) {
        const struct report_cell *row = t->rows[r];
        for (int c = 0; c < t->ncols; c++) {
            if (row[c].null)
                export_text(ex, NULL);
            else if (rep->columns[c].type == RT_TEXT)
                export_text(ex, row[c].s);
            else if (rep->columns[c].type == RT_INT)
                export_int(ex, row[c].i);
            else
                export_number(ex, row[c].d);
        }
        export_row_end(ex);
    }
}
