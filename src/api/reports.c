/* reports.c — every report through one route (api layer):
 * GET /api/v1/reports/:name answers the table as JSON; :name ending in .csv
 * or .xlsx (or ?format=csv|xlsx) answers it as a file. The reports
 * themselves are descriptors in the domain (core/report.h). */
#include <string.h>

#include "api/api.h"
#include "core/export.h"
#include "core/report.h"
#include "domain/domain.h"
#include "base/banned.h"

static const char *type_name(enum report_type t)
{
    static const char *const names[] = {
        [RT_TEXT] = "text",       [RT_INT] = "int",         [RT_NUMBER] = "number",
        [RT_PERCENT] = "percent", [RT_MINUTES] = "minutes",
    };
    return names[t];
}

/* What /api/v1/meta says of a report: its parameters, columns and chart. */
json_t *api_report_meta(const struct report *rep)
{
    json_t *cols = json_array(), *groups = json_array(), *y = json_array();
    for (const struct report_column *c = rep->columns; c->name; c++)
        json_array_append_new(cols, json_pack("{s:s,s:s,s:s}", "name", c->name, "type",
                                              type_name(c->type), "label", c->label));
    for (const struct report_group *g = rep->groups; g && g->name; g++)
        json_array_append_new(groups, json_pack("{s:s,s:s,s:s?}", "name", g->name, "label",
                                                g->label, "enum_field", g->enum_field));
    for (int i = 0; rep->y[i]; i++)
        json_array_append_new(y, json_string(rep->y[i]));
    json_t *params = json_array();
    for (const struct report_param *p = rep->params; p && p->name; p++)
        json_array_append_new(params, json_pack("{s:s,s:s,s:I,s:I,s:I,s:b,s:s?}", "name", p->name,
                                                "label", p->label, "min", (json_int_t)p->min, "max",
                                                (json_int_t)p->max, "default", (json_int_t)p->def,
                                                "required", p->required, "ref", p->ref));
    return json_pack("{s:s,s:s,s:b,s:b,s:o,s:o,s:o,s:{s:s,s:s,s:s?,s:o}}", "name", rep->name,
                     "label", rep->label, "period", rep->period, "steps", rep->steps, "groups",
                     groups, "params", params, "columns", cols, "chart", "kind", rep->chart, "x",
                     rep->x, "series", rep->series, "y", y);
}

static json_t *cell_json(const struct report_column *c, const struct report_cell *v)
{
    if (v->null)
        return json_null();
    switch (c->type) {
    case RT_TEXT:
        return json_string(v->s ? v->s : "");
    case RT_INT:
        return json_integer(v->i);
    case RT_MINUTES:
        return json_integer((json_int_t)v->d);
    default:
        /* two decimals are what a person reads */
        return json_real((double)(int64_t)(v->d * 100 + (v->d < 0 ? -0.5 : 0.5)) / 100);
    }
}

API_HANDLER(api_report)
{
    const char *arg = rq->args[0], *dot = strrchr(arg, '.');
    const char *name = dot ? arena_strndup(cx->a, arg, (size_t)(dot - arg)) : arg;
    const char *fmt_name = dot ? dot + 1 : api_param(rq, "format");
    enum export_format fmt = export_format_of(fmt_name);
    const struct report *rep = domain_report(name);
    if (!rep)
        return ctx_fail(cx, ERR_NOTFOUND, "no report %s", name);
    if (fmt_name && fmt == EXPORT_NONE)
        return ctx_fail(cx, ERR_MALFORMED, "format is csv or xlsx");
    static const char *const extra[] = {"format", NULL};
    struct report_query q;
    struct report_table t;
    enum err_code rc = report_query_parse(cx, rep, rq->params, rq->nparams, extra, &q);
    if (rc == ERR_OK)
        rc = report_run(cx, rep, &q, &t);
    if (rc != ERR_OK)
        return rc;
    if (fmt != EXPORT_NONE) {
        if (t.nrows > export_max_rows())
            return ctx_fail(cx, ERR_TOOBIG, "the report has more than %lld rows",
                            (long long)export_max_rows());
        struct export ex;
        int fd;
        uint64_t size;
        if ((rc = export_open(cx, fmt, rep->name, &ex)) != ERR_OK)
            return rc;
        report_export(&t, &ex);
        if ((rc = export_finish(cx, &ex, &fd, &size)) != ERR_OK)
            return rc;
        http_header(cx, rs, "Content-Disposition",
                    arena_printf(cx->a, "attachment; filename=\"%s-%s-%s.%s\"", rep->name,
                                 q.from_date, q.to_date, export_extension(fmt)));
        return http_file(cx, rq, rs, fd, size, export_content_type(fmt));
    }
    json_t *rows = json_array();
    for (int r = 0; r < t.nrows; r++) {
        json_t *row = json_object();
        for (int c = 0; c < t.ncols; c++)
            json_object_set_new(row, rep->columns[c].name,
                                cell_json(&rep->columns[c], &t.rows[r][c]));
        json_array_append_new(rows, row);
    }
    json_t *out = json_pack("{s:s,s:o}", "name", rep->name, "rows", rows);
    if (rep->period) {
        json_object_set_new(out, "from", json_string(q.from_date));
        json_object_set_new(out, "to", json_string(q.to_date));
    }
    if (q.group)
        json_object_set_new(out, "group", json_string(q.group->name));
    if (rep->steps)
        json_object_set_new(out, "step", json_string(q.step));
    http_json(rs, 200, out);
    return ERR_OK;
}
