/* report.h — reports as declared things (core layer).
 *
 * A report is a descriptor in the domain: its name, the permission it needs,
 * the parameters it takes (a period, a grouping, a time step), its columns
 * with their types, a hint for the chart, and a run function that reads the
 * read connection (ctx_read_db: the replica when there is one) into a table.
 * One route serves every report as JSON, CSV or XLSX
 * (GET /api/v1/reports/:name[.csv|.xlsx]), /api/v1/meta lists them and one UI
 * component draws any of them (chart, table, export buttons). Adding one:
 * docs/architecture.md, "Reports". */
#ifndef SERVITOR_REPORT_H
#define SERVITOR_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/ctx.h"
#include "core/entity.h"
#include "core/export.h"

enum report_type {
    RT_TEXT,
    RT_INT,
    RT_NUMBER,  /* a decimal: an average, days */
    RT_PERCENT, /* 0–100 */
    RT_MINUTES, /* a duration in minutes */
};

struct report_column {
    const char *name; /* "met": the JSON key, the CSV/XLSX header */
    enum report_type type;
    const char *label; /* i18n key */
};

/* A value of ?group=: what the rows are per. */
struct report_group {
    const char *name;       /* "assignee" */
    const char *label;      /* i18n key */
    const char *enum_field; /* the rows' keys are values of this enum field
                               (the UI labels them enum.<field>.<key>), or NULL */
};

/* A report's own integer parameter (?part_id=, ?days=): the UI shows an
 * input (or a record picker when ref names a resource). */
#define REPORT_PARAMS_MAX 4
struct report_param {
    const char *name;  /* "days" */
    const char *label; /* i18n key */
    int64_t min, max, def;
    bool required;
    const char *ref; /* a resource whose ids it takes ("parts"), or NULL */
};

struct report_query {
    const char *from, *to; /* the period, inclusive: UTC ISO times */
    const char *from_date, *to_date;
    const struct report_group *group; /* NULL when the report has none */
    const char *step;                 /* "day" or "month" (reports with steps) */
    int64_t branch;                   /* ctx_branch: 0 = company-wide */
    int64_t ints[REPORT_PARAMS_MAX];  /* the report's params, in their order */
    int64_t now;
};

struct report_cell {
    bool null;
    int64_t i;     /* RT_INT */
    double d;      /* RT_NUMBER, RT_PERCENT, RT_MINUTES */
    const char *s; /* RT_TEXT */
};

struct report_table {
    const struct report *rep;
    int ncols;
    int nrows, cap;
    struct report_cell **rows; /* arena-owned */
};

struct report {
    const char *name;                    /* "sla": /api/v1/reports/sla */
    const char *label;                   /* i18n key */
    enum perm perm;                      /* besides reports.read */
    bool period;                         /* takes from and to (dates; default the last 30 days) */
    bool steps;                          /* takes step=day|month */
    const struct report_group *groups;   /* ends with a zeroed entry; the first is
                                            the default; NULL: no grouping */
    const struct report_column *columns; /* ends with a zeroed entry */
    /* the chart the UI draws: kind "bar", "stacked" or "line"; x the column
     * on the x axis; series a column whose values become the series (or
     * NULL: each column of y is one); y the columns drawn */
    const char *chart, *x, *series;
    const char *const *y;
    const struct report_param *params; /* ends with a zeroed entry; NULL: none */
    enum err_code (*run)(struct ctx *cx, struct db *db, const struct report_query *q,
                         struct report_table *t);
};

/* Reads a report's parameters (from, to, group, step; the keys in `extra`
 * are skipped). ERR_MALFORMED for unknown keys and bad values. */
enum err_code report_query_parse(struct ctx *cx, const struct report *rep,
                                 const struct param *params, int nparams, const char *const *extra,
                                 struct report_query *q);
/* Runs a report on the read connection: ERR_FORBIDDEN without its
 * permission; the table is arena-owned. */
enum err_code report_run(struct ctx *cx, const struct report *rep, const struct report_query *q,
                         struct report_table *t);
/* A new row of the table (cells zeroed, null). */
struct report_cell *report_row(struct ctx *cx, struct report_table *t);
/* Runs sql with the query's period and branch bound ($1 from, $2 to, $3 the
 * branch or 0) and appends a row per result row: result column i fills the
 * table's column i by its type (fewer result columns leave the rest null). */
enum err_code report_sql(struct ctx *cx, struct db *db, struct report_table *t, const char *sql,
                         const struct report_query *q);
/* The column's index by name, or -1. */
int report_column(const struct report *rep, const char *name);
/* The p-th percentile (0–100) of n values by nearest rank; sorts v. */
int64_t report_percentile(int64_t *v, int n, int p);
/* Writes the table (a header row of column names, then the rows). */
void report_export(const struct report_table *t, struct export *ex);

#endif
