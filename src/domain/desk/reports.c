/* reports.c — the desk's reports (domain layer): SLA compliance, intake over
 * time, the backlog and its age, first response and resolution times,
 * ratings. Each is a descriptor (core/report.h) whose SQL reads the read
 * connection; $1 and $2 are the period's bounds, $3 the caller's branch
 * (0: company-wide). Durations are wall-clock minutes from the request's
 * creation; percentiles by nearest rank. */
#include <string.h>

#include "base/timeutil.h"
#include "core/report.h"
#include "domain/desk/desk.h"
#include "base/banned.h"

/* What rows may be per: the key (as text) and label expressions on `r` (the
 * requests table) and the joins they need. Identifiers only from here. */
struct grouping {
    const char *name, *key, *label, *join;
};

static const struct grouping groupings[] = {
    {"assignee", "CAST(COALESCE(r.assignee_id, 0) AS TEXT)", "COALESCE(u.name, '')",
     "LEFT JOIN users u ON u.id = r.assignee_id\n"},
    {"branch", "CAST(COALESCE(r.branch_id, 0) AS TEXT)", "COALESCE(b.name, '')",
     "LEFT JOIN branches b ON b.id = r.branch_id\n"},
    {"model", "CAST(COALESCE(eu.model_id, 0) AS TEXT)", "COALESCE(em.brand || ' ' || em.model, '')",
     "LEFT JOIN equipment_units eu ON eu.id = r.unit_id\n"
     "LEFT JOIN equipment_models em ON em.id = eu.model_id\n"},
    {"queue", "COALESCE(r.queue, '')", "COALESCE(r.queue, '')", ""},
    {"channel", "r.channel", "r.channel", ""},
    {"type", "r.type", "r.type", ""},
    {"priority", "r.priority", "r.priority", ""},
    {"status", "r.status", "r.status", ""},
    {"age", "''", "''", ""}, /* the backlog's age buckets: made in C */
};

static const struct grouping *grouping(const struct report_query *q)
{
    for (size_t i = 0; i < sizeof(groupings) / sizeof(groupings[0]); i++)
        if (q->group && !strcmp(groupings[i].name, q->group->name))
            return &groupings[i];
    return &groupings[0];
}

#define BRANCH_COND "(CAST($3 AS BIGINT) = 0 OR r.branch_id = $3)"
/* the same for a query without a period: the branch is $1 */
#define BRANCH_COND_1 "(CAST($1 AS BIGINT) = 0 OR r.branch_id = $1)"

#define G_ASSIGNEE                                                                                 \
    {                                                                                              \
        "assignee", "report.group.assignee", NULL                                                  \
    }
#define G_BRANCH                                                                                   \
    {                                                                                              \
        "branch", "report.group.branch", NULL                                                      \
    }
#define G_MODEL                                                                                    \
    {                                                                                              \
        "model", "report.group.model", NULL                                                        \
    }
#define G_QUEUE                                                                                    \
    {                                                                                              \
        "queue", "report.group.queue", NULL                                                        \
    }
#define G_CHANNEL                                                                                  \
    {                                                                                              \
        "channel", "report.group.channel", "channel"                                               \
    }
#define G_TYPE                                                                                     \
    {                                                                                              \
        "type", "report.group.type", "type"                                                        \
    }
#define G_PRIORITY                                                                                 \
    {                                                                                              \
        "priority", "report.group.priority", "priority"                                            \
    }
#define G_STATUS                                                                                   \
    {                                                                                              \
        "status", "report.group.status", "status"                                                  \
    }
#define G_AGE                                                                                      \
    {                                                                                              \
        "age", "report.group.age", "age"                                                           \
    }
#define C_KEY                                                                                      \
    {                                                                                              \
        "key", RT_TEXT, "report.col.key"                                                           \
    }
#define C_LABEL                                                                                    \
    {                                                                                              \
        "label", RT_TEXT, "report.col.label"                                                       \
    }

/* ---- SLA compliance: what was resolved in the period, met or breached ---- */

static const struct report_group sla_groups[] = {G_ASSIGNEE, G_QUEUE, G_BRANCH, G_PRIORITY, {0}};
static const struct report_column sla_columns[] = {
    C_KEY,
    C_LABEL,
    {"met", RT_INT, "report.col.met"},
    {"breached", RT_INT, "report.col.breached"},
    {"percent", RT_PERCENT, "report.col.percent_met"},
    {0},
};
static const char *const sla_y[] = {"met", "breached", NULL};

static enum err_code sla_run(struct ctx *cx, struct db *db, const struct report_query *q,
                             struct report_table *t)
{
    const struct grouping *g = grouping(q);
    const char *sql = arena_printf(cx->a,
                                   "SELECT %s, %s,\n"
                                   "  SUM(CASE WHEN r.sla_state = 'met' THEN 1 ELSE 0 END),\n"
                                   "  SUM(CASE WHEN r.sla_state = 'breached' THEN 1 ELSE 0 END)\n"
                                   "FROM requests r\n"
                                   "%s"
                                   "WHERE r.resolved_at >= $1 AND r.resolved_at <= $2\n"
                                   "  AND r.sla_state IN ('met', 'breached')\n"
                                   "  AND " BRANCH_COND "\n"
                                   "GROUP BY %s, %s\n"
                                   "ORDER BY 2, 1",
                                   g->key, g->label, g->join, g->key, g->label);
    enum err_code rc = report_sql(cx, db, t, sql, q);
    for (int i = 0; rc == ERR_OK && i < t->nrows; i++) {
        struct report_cell *row = t->rows[i];
        int64_t all = row[2].i + row[3].i;
        row[4].null = all == 0;
        row[4].d = all ? 100.0 * (double)row[2].i / (double)all : 0;
    }
    return rc;
}

const struct report report_sla = {
    .name = "sla",
    .label = "report.sla",
    .perm = P_REQUESTS_READ,
    .period = true,
    .groups = sla_groups,
    .columns = sla_columns,
    .chart = "stacked",
    .x = "label",
    .y = sla_y,
    .run = sla_run,
};

/* ---- intake: requests created per day or month, by a dimension ---------- */

static const struct report_group intake_groups[] = {G_CHANNEL, G_TYPE, G_MODEL, G_BRANCH, {0}};
static const struct report_column intake_columns[] = {
    {"period", RT_TEXT, "report.col.period"},    C_KEY, C_LABEL,
    {"requests", RT_INT, "report.col.requests"}, {0},
};
static const char *const intake_y[] = {"requests", NULL};

static enum err_code intake_run(struct ctx *cx, struct db *db, const struct report_query *q,
                                struct report_table *t)
{
    const struct grouping *g = grouping(q);
    /* times are ISO text: the day is its first 10 characters, the month 7 */
    int len = !strcmp(q->step, "month") ? 7 : 10;
    const char *sql = arena_printf(cx->a,
                                   "SELECT substr(r.created_at, 1, %d), %s, %s, COUNT(*)\n"
                                   "FROM requests r\n"
                                   "%s"
                                   "WHERE r.created_at >= $1 AND r.created_at <= $2\n"
                                   "  AND " BRANCH_COND "\n"
                                   "GROUP BY substr(r.created_at, 1, %d), %s, %s\n"
                                   "ORDER BY 1, 3, 2",
                                   len, g->key, g->label, g->join, len, g->key, g->label);
    return report_sql(cx, db, t, sql, q);
}

const struct report report_intake = {
    .name = "intake",
    .label = "report.intake",
    .perm = P_REQUESTS_READ,
    .period = true,
    .steps = true,
    .groups = intake_groups,
    .columns = intake_columns,
    .chart = "line",
    .x = "period",
    .series = "label",
    .y = intake_y,
    .run = intake_run,
};

/* ---- rows per group key, aggregated in C -------------------------------- */

struct bucket {
    const char *key, *label;
    int n;
    int64_t *a, *b; /* values of the group (ages; or first response, resolution) */
    int na, nb, cap;
};

static struct bucket *bucket_of(struct ctx *cx, struct bucket *bs, int *n, int max, const char *key,
                                const char *label)
{
    for (int i = 0; i < *n; i++)
        if (!strcmp(bs[i].key, key))
            return &bs[i];
    if (*n == max)
        return NULL;
    struct bucket *b = &bs[(*n)++];
    memset(b, 0, sizeof(*b));
    b->key = arena_strdup(cx->a, key);
    b->label = arena_strdup(cx->a, label);
    return b;
}

static void bucket_add(struct ctx *cx, struct bucket *b, int64_t *va, int64_t *vb)
{
    if (b->n == b->cap) {
        int cap = b->cap ? b->cap * 2 : 16;
        int64_t *a = arena_alloc(cx->a, sizeof(*a) * (size_t)cap);
        int64_t *bb = arena_alloc(cx->a, sizeof(*bb) * (size_t)cap);
        if (b->na)
            memcpy(a, b->a, sizeof(*a) * (size_t)b->na);
        if (b->nb)
            memcpy(bb, b->b, sizeof(*bb) * (size_t)b->nb);
        b->a = a, b->b = bb, b->cap = cap;
    }
    b->n++;
    if (va)
        b->a[b->na++] = *va;
    if (vb)
        b->b[b->nb++] = *vb;
}

#define MAX_BUCKETS 512

/* ---- the backlog: open requests now, and how old they are --------------- */

static const struct report_group backlog_groups[] = {G_AGE,      G_STATUS, G_ASSIGNEE,
                                                     G_PRIORITY, G_BRANCH, {0}};
static const struct report_column backlog_columns[] = {
    C_KEY,
    C_LABEL,
    {"open", RT_INT, "report.col.open"},
    {"average_age_days", RT_NUMBER, "report.col.average_age_days"},
    {"oldest_age_days", RT_NUMBER, "report.col.oldest_age_days"},
    {0},
};
static const char *const backlog_y[] = {"open", NULL};

/* the age buckets, in days: [0, 1), [1, 3), [3, 7), [7, 30), [30, …) */
static const struct {
    const char *key;
    int below;
} ages[] = {{"d0_1", 1}, {"d1_3", 3}, {"d3_7", 7}, {"d7_30", 30}, {"d30", 0}};

static enum err_code backlog_run(struct ctx *cx, struct db *db, const struct report_query *q,
                                 struct report_table *t)
{
    const struct grouping *g = grouping(q);
    bool by_age = !strcmp(g->name, "age");
    const char *sql = arena_printf(cx->a,
                                   "SELECT %s, %s, r.created_at\n"
                                   "FROM requests r\n"
                                   "%s"
                                   "WHERE r.status IN (" REQUEST_OPEN_SQL ")\n"
                                   "  AND " BRANCH_COND_1 "\n"
                                   "ORDER BY 2, 1, r.id",
                                   g->key, g->label, g->join);
    struct db_stmt *st = db_q(db, &cx->err, sql, "i", q->branch);
    if (!st)
        return cx->err.code;
    struct bucket *bs = arena_alloc(cx->a, sizeof(*bs) * MAX_BUCKETS);
    int nb = 0, step;
    if (by_age) /* every bucket, in order, even when empty */
        for (size_t i = 0; i < sizeof(ages) / sizeof(ages[0]); i++)
            bucket_of(cx, bs, &nb, MAX_BUCKETS, ages[i].key, ages[i].key);
    while ((step = db_step(st)) == DB_ROW) {
        int64_t created;
        if (!time_parse(db_col_text(st, 2), &created))
            continue;
        int64_t age = q->now > created ? q->now - created : 0;
        const char *key = db_col_text(st, 0), *label = db_col_text(st, 1);
        if (by_age) {
            size_t i = 0;
            while (ages[i].below && age >= (int64_t)ages[i].below * 86400)
                i++;
            key = label = ages[i].key;
        }
        struct bucket *b = bucket_of(cx, bs, &nb, MAX_BUCKETS, key, label);
        if (b)
            bucket_add(cx, b, &age, NULL);
    }
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    for (int i = 0; i < nb; i++) {
        struct report_cell *row = report_row(cx, t);
        int64_t sum = 0, max = 0;
        for (int k = 0; k < bs[i].na; k++) {
            sum += bs[i].a[k];
            max = bs[i].a[k] > max ? bs[i].a[k] : max;
        }
        row[0] = (struct report_cell){.s = bs[i].key};
        row[1] = (struct report_cell){.s = bs[i].label};
        row[2] = (struct report_cell){.i = bs[i].n};
        row[3] = (struct report_cell){.null = !bs[i].n,
                                      .d = bs[i].n ? (double)sum / bs[i].n / 86400.0 : 0};
        row[4] = (struct report_cell){.null = !bs[i].n, .d = (double)max / 86400.0};
    }
    return ERR_OK;
}

const struct report report_backlog = {
    .name = "backlog",
    .label = "report.backlog",
    .perm = P_REQUESTS_READ,
    .groups = backlog_groups,
    .columns = backlog_columns,
    .chart = "bar",
    .x = "label",
    .y = backlog_y,
    .run = backlog_run,
};

/* ---- first response and resolution times -------------------------------- */

static const struct report_group times_groups[] = {G_ASSIGNEE, G_PRIORITY, G_TYPE, G_BRANCH, {0}};
static const struct report_column times_columns[] = {
    C_KEY,
    C_LABEL,
    {"requests", RT_INT, "report.col.requests"},
    {"first_response_median", RT_MINUTES, "report.col.first_response_median"},
    {"first_response_p90", RT_MINUTES, "report.col.first_response_p90"},
    {"resolution_median", RT_MINUTES, "report.col.resolution_median"},
    {"resolution_p90", RT_MINUTES, "report.col.resolution_p90"},
    {0},
};
static const char *const times_y[] = {"first_response_median", "resolution_median", NULL};

static enum err_code times_run(struct ctx *cx, struct db *db, const struct report_query *q,
                               struct report_table *t)
{
    const struct grouping *g = grouping(q);
    const char *sql = arena_printf(cx->a,
                                   "SELECT %s, %s, r.created_at, r.first_response_at,\n"
                                   "  r.resolved_at\n"
                                   "FROM requests r\n"
                                   "%s"
                                   "WHERE r.created_at >= $1 AND r.created_at <= $2\n"
                                   "  AND " BRANCH_COND "\n"
                                   "ORDER BY 2, 1, r.id",
                                   g->key, g->label, g->join);
    struct db_stmt *st = db_q(db, &cx->err, sql, "tti", q->from, q->to, q->branch);
    if (!st)
        return cx->err.code;
    struct bucket *bs = arena_alloc(cx->a, sizeof(*bs) * MAX_BUCKETS);
    int nb = 0, step;
    while ((step = db_step(st)) == DB_ROW) {
        int64_t created, at, fr = 0, res = 0;
        if (!time_parse(db_col_text(st, 2), &created))
            continue;
        bool has_fr = !db_col_null(st, 3) && time_parse(db_col_text(st, 3), &at);
        if (has_fr)
            fr = (at > created ? at - created : 0) / 60;
        bool has_res = !db_col_null(st, 4) && time_parse(db_col_text(st, 4), &at);
        if (has_res)
            res = (at > created ? at - created : 0) / 60;
        struct bucket *b =
            bucket_of(cx, bs, &nb, MAX_BUCKETS, db_col_text(st, 0), db_col_text(st, 1));
        if (b)
            bucket_add(cx, b, has_fr ? &fr : NULL, has_res ? &res : NULL);
    }
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    for (int i = 0; i < nb; i++) {
        struct report_cell *row = report_row(cx, t);
        row[0] = (struct report_cell){.s = bs[i].key};
        row[1] = (struct report_cell){.s = bs[i].label};
        row[2] = (struct report_cell){.i = bs[i].n};
        if (bs[i].na) {
            row[3] = (struct report_cell){.d = (double)report_percentile(bs[i].a, bs[i].na, 50)};
            row[4] = (struct report_cell){.d = (double)report_percentile(bs[i].a, bs[i].na, 90)};
        }
        if (bs[i].nb) {
            row[5] = (struct report_cell){.d = (double)report_percentile(bs[i].b, bs[i].nb, 50)};
            row[6] = (struct report_cell){.d = (double)report_percentile(bs[i].b, bs[i].nb, 90)};
        }
    }
    return ERR_OK;
}

const struct report report_times = {
    .name = "times",
    .label = "report.times",
    .perm = P_REQUESTS_READ,
    .period = true,
    .groups = times_groups,
    .columns = times_columns,
    .chart = "bar",
    .x = "label",
    .y = times_y,
    .run = times_run,
};

/* ---- customer satisfaction: the ratings given in the period ------------- */

static const struct report_group rating_groups[] = {G_ASSIGNEE, G_TYPE, G_BRANCH, {0}};
static const struct report_column rating_columns[] = {
    C_KEY,
    C_LABEL,
    {"ratings", RT_INT, "report.col.ratings"},
    {"average", RT_NUMBER, "report.col.average_rating"},
    {"low", RT_INT, "report.col.low_ratings"},
    {0},
};
static const char *const rating_y[] = {"average", NULL};

static enum err_code ratings_run(struct ctx *cx, struct db *db, const struct report_query *q,
                                 struct report_table *t)
{
    const struct grouping *g = grouping(q);
    const char *sql =
        arena_printf(cx->a,
                     "SELECT %s, %s, COUNT(*), SUM(r.rating),\n"
                     "  SUM(CASE WHEN r.rating <= %d THEN 1 ELSE 0 END)\n"
                     "FROM requests r\n"
                     "%s"
                     "WHERE r.rated_at >= $1 AND r.rated_at <= $2 AND r.rating IS NOT NULL\n"
                     "  AND " BRANCH_COND "\n"
                     "GROUP BY %s, %s\n"
                     "ORDER BY 2, 1",
                     g->key, g->label, REQUEST_LOW_RATING, g->join, g->key, g->label);
    enum err_code rc = report_sql(cx, db, t, sql, q);
    for (int i = 0; rc == ERR_OK && i < t->nrows; i++) {
        struct report_cell *row = t->rows[i];
        /* the sum came in the average's column: divide it */
        row[3].d = row[2].i ? row[3].d / (double)row[2].i : 0;
    }
    return rc;
}

const struct report report_ratings = {
    .name = "ratings",
    .label = "report.ratings",
    .perm = P_REQUESTS_READ,
    .period = true,
    .groups = rating_groups,
    .columns = rating_columns,
    .chart = "bar",
    .x = "label",
    .y = rating_y,
    .run = ratings_run,
};
