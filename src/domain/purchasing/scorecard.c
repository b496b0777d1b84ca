/* scorecard.c — a supplier's scorecard over a period (domain layer): how
 * many of its orders came by their expected date, the lead time actually
 * seen from sending to the last of an order received, how its prices
 * changed and how much of what it delivered came back as defective. */
#include "orders.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "base/banned.h"

static enum err_code invalid(struct ctx *cx, const char *field, const char *code, const char *msg)
{
    err_field(&cx->err, field, code);
    return ctx_fail(cx, ERR_INVALID, "%s", msg);
}

/* days from the date of a to the date of b (each a date or a time) */
static int days_between(const char *a, const char *b)
{
    char da[ISO_DATE_LEN] = {0}, db[ISO_DATE_LEN] = {0};
    memcpy(da, a, strlen(a) < 10 ? strlen(a) : 10);
    memcpy(db, b, strlen(b) < 10 ? strlen(b) : 10);
    int64_t ta = 0, tb = 0;
    if (!time_parse(da, &ta) || !time_parse(db, &tb))
        return 0;
    return (int)((tb - ta) / 86400);
}

static int int_cmp(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

static json_t *real_or_null(bool have, double v)
{
    return have ? json_real(round(v * 1000) / 1000) : json_null();
}

enum err_code purchasing_scorecard(struct ctx *cx, int64_t supplier_id, const char *from,
                                   const char *to, json_t **out)
{
    int y, m, d;
    if (!from || !date_parse(from, &y, &m, &d))
        return invalid(cx, "from", "invalid", "from is a date YYYY-MM-DD");
    if (!to || !date_parse(to, &y, &m, &d))
        return invalid(cx, "to", "invalid", "to is a date YYYY-MM-DD");
    if (strcmp(from, to) > 0)
        return invalid(cx, "to", "before_from", "the period ends after it begins");
    bool found;
    int64_t one;
    enum err_code rc = db_get_i64(cx->db, &cx->err, &one, &found,
                                  "SELECT 1 FROM suppliers WHERE id = $1", "i", supplier_id);
    if (rc != ERR_OK)
        return rc;
    if (!found)
        return ctx_fail(cx, ERR_NOTFOUND, "no such supplier");

    /* orders fully received in the period */
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT sent_at, received_at, expected_date FROM purchase_orders\n"
                              "WHERE supplier_id = $1 AND received_at IS NOT NULL\n"
                              "  AND sent_at IS NOT NULL\n"
                              "  AND SUBSTR(received_at, 1, 10) BETWEEN $2 AND $3\n"
                              "ORDER BY id",
                              "itt", supplier_id, from, to);
    if (!st)
        return cx->err.code;
    int cap = 64, n = 0, on_time = 0, r;
    int *days = malloc(sizeof(int) * (size_t)cap);
    double sum = 0;
    while (days && (r = db_step(st)) == DB_ROW) {
        if (n == cap) {
            int *more = realloc(days, sizeof(int) * (size_t)cap * 2);
            if (!more)
                break;
            days = more, cap *= 2;
        }
        int dd = days_between(db_col_text(st, 0), db_col_text(st, 1));
        days[n++] = dd;
        sum += dd;
        if (db_col_null(st, 2) || strncmp(db_col_text(st, 1), db_col_text(st, 2), 10) <= 0)
            on_time++;
    }
    db_done(st);
    if (!days || r == DB_FAIL) {
        free(days);
        return days ? cx->err.code : ctx_fail(cx, ERR_INTERNAL, "out of memory");
    }
    double median = 0;
    if (n) {
        qsort(days, (size_t)n, sizeof(int), int_cmp);
        median = n % 2 ? days[n / 2] : (days[n / 2 - 1] + days[n / 2]) / 2.0;
    }
    free(days);

    /* price changes in the period */
    st = db_q(cx->db, &cx->err,
              "SELECT price, new_price FROM supplier_price_history\n"
              "WHERE supplier_id = $1 AND SUBSTR(replaced_at, 1, 10) BETWEEN $2 AND $3",
              "itt", supplier_id, from, to);
    if (!st)
        return cx->err.code;
    int changes = 0, ups = 0, downs = 0, pct_n = 0;
    double pct = 0;
    while ((r = db_step(st)) == DB_ROW) {
        int64_t old = db_col_i64(st, 0), now = db_col_i64(st, 1);
        changes++;
        ups += now > old;
        downs += now < old;
        if (old > 0) {
            pct += (double)(now - old) * 100.0 / (double)old;
            pct_n++;
        }
    }
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;

    /* what it delivered in the period, and what came back as defective */
    int64_t received = 0, defect = 0, overdue = 0;
    if ((rc = db_get_i64(cx->db, &cx->err, &received, &found,
                         "SELECT COALESCE(SUM(m.qty), 0) FROM stock_movements m\n"
                         "JOIN purchase_orders o ON o.id = m.doc_id\n"
                         "WHERE m.doc_kind = 'purchase_order' AND m.kind = 'receipt'\n"
                         "  AND o.supplier_id = $1\n"
                         "  AND SUBSTR(m.created_at, 1, 10) BETWEEN $2 AND $3",
                         "itt", supplier_id, from, to)) != ERR_OK ||
        (rc = db_get_i64(cx->db, &cx->err, &defect, &found,
                         "SELECT COALESCE(SUM(l.qty), 0) FROM supplier_return_lines l\n"
                         "JOIN supplier_returns r ON r.id = l.return_id\n"
                         "WHERE r.supplier_id = $1 AND r.status = 'posted'\n"
                         "  AND r.reason = 'defect'\n"
                         "  AND SUBSTR(r.posted_at, 1, 10) BETWEEN $2 AND $3",
                         "itt", supplier_id, from, to)) != ERR_OK)
        return rc;
    /* orders still coming that are late today */
    char today[ISO_DATE_LEN];
    date_today(today);
    if ((rc = db_get_i64(cx->db, &cx->err, &overdue, &found,
                         "SELECT COUNT(*) FROM purchase_orders\n"
                         "WHERE supplier_id = $1 AND status IN ('sent', 'partially_received')\n"
                         "  AND expected_date < $2",
                         "it", supplier_id, today)) != ERR_OK)
        return rc;

    *out = json_pack(
        "{s:I,s:s,s:s,s:i,s:i,s:o,s:o,s:o,s:i,s:i,s:i,s:o,s:I,s:I,s:o,s:I}", "supplier_id",
        (json_int_t)supplier_id, "from", from, "to", to, "orders_received", n, "on_time", on_time,
        "on_time_share", real_or_null(n > 0, n ? (double)on_time / n : 0), "lead_days_avg",
        real_or_null(n > 0, n ? sum / n : 0), "lead_days_median", real_or_null(n > 0, median),
        "price_changes", changes, "price_increases", ups, "price_decreases", downs,
        "price_change_avg_pct", real_or_null(pct_n > 0, pct_n ? pct / pct_n : 0), "received_qty",
        (json_int_t)received, "defect_qty", (json_int_t)defect, "defect_share",
        real_or_null(received > 0, received ? (double)defect / (double)received : 0),
        "overdue_open", (json_int_t)overdue);
    return ERR_OK;
}
