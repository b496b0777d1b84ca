/* list.c — list parameters, filters, sorting, search and keyset pagination
 * for any entity (core layer).
 *
 * Pages are cut by keyset, never by OFFSET: the cursor holds the sort values
 * and id of the last row sent, and the next page starts strictly after it,
 * so a page costs the same at row 10 and at row 1 000 000. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/text.h"
#include "base/util.h"
#include "core/entity.h"
#include "core/entity_internal.h"
#include "core/validate.h"
#include <jansson.h>
#include "base/banned.h"

/* built-in sort keys that are not in the field table */
enum { SORT_ID = -1, SORT_CREATED = -2, SORT_UPDATED = -3 };
enum { ENUM_FILTER_MAX = 8 }; /* values in one enum filter (status=a,b,…) */

static bool int_type(enum field_type t) { return t == F_INT || t == F_BOOL || t == F_REF; }

static enum err_code bad(struct ctx *cx, const char *fmt, const char *arg)
{
    return ctx_fail(cx, ERR_MALFORMED, fmt, arg);
}

static enum err_code parse_filter_value(struct ctx *cx, const struct field *f, const char *s,
                                        struct value *v)
{
    v->set = true;
    switch (f->type) {
    case F_BOOL:
        if (!strcmp(s, "true") || !strcmp(s, "1"))
            v->i = 1;
        else if (!strcmp(s, "false") || !strcmp(s, "0"))
            v->i = 0;
        else
            return bad(cx, "filter %s takes true or false", f->name);
        return ERR_OK;
    case F_INT:
    case F_REF:
        if (!parse_i64(s, strlen(s), &v->i))
            return bad(cx, "filter %s takes a whole number", f->name);
        return ERR_OK;
    case F_ENUM: {
        /* one value, or several separated by commas (status=new,assigned) */
        struct buf any = BUF_INIT;
        int n = 0;
        for (const char *p = s;; n++) {
            size_t len = strcspn(p, ",");
            int hit = -1;
            for (int i = 0; f->enums[i] && hit < 0; i++)
                if (strlen(f->enums[i]) == len && !memcmp(f->enums[i], p, len))
                    hit = i;
            if (hit < 0 || n == ENUM_FILTER_MAX) {
                buf_release(&any);
                return hit < 0 ? bad(cx, "filter %s: unknown value", f->name)
                               : bad(cx, "filter %s: too many values", f->name);
            }
            buf_printf(&any, "%s%s", n ? "," : "", f->enums[hit]);
            if (!p[len])
                break;
            p += len + 1;
        }
        v->s = arena_strdup(cx->a, any.p);
        v->i = n + 1; /* how many values */
        buf_release(&any);
        return ERR_OK;
    }
    case F_PHONE: {
        char norm[64];
        if (!phone_normalize(s, norm, sizeof(norm)))
            return bad(cx, "filter %s takes a phone number", f->name);
        v->s = arena_strdup(cx->a, norm);
        return ERR_OK;
    }
    default:
        if (!utf8_valid(s, strlen(s)))
            return bad(cx, "filter %s is not valid UTF-8", f->name);
        v->s = s;
        return ERR_OK;
    }
}

static enum err_code parse_sort(struct ctx *cx, const struct entity *ent, const char *spec,
                                struct listq *out)
{
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        bool desc = len && *p == '-';
        const char *name = arena_strndup(cx->a, p + desc, len - desc);
        int idx;
        const struct field *f = entity_field(ent, name, &idx);
        if (!strcmp(name, "id"))
            idx = SORT_ID;
        else if (!strcmp(name, "created_at"))
            idx = SORT_CREATED;
        else if (!strcmp(name, "updated_at"))
            idx = SORT_UPDATED;
        else if (!f || !(f->flags & F_SORT))
            return bad(cx, "cannot sort by '%s'", name);
        if (out->nsort >= LISTQ_MAX_SORT)
            return bad(cx, "at most 4 sort keys%s", "");
        out->sort[out->nsort].field = idx;
        out->sort[out->nsort].desc = desc;
        out->nsort++;
        if (idx == SORT_ID)
            break; /* id is unique: later keys would never apply */
        p = end ? end + 1 : p + len;
    }
    return ERR_OK;
}

enum err_code listq_parse(struct ctx *cx, const struct entity *ent, const struct param *params,
                          int nparams, const char *const *extra, struct listq *out)
{
    memset(out, 0, sizeof(*out));
    out->limit = LISTQ_DEFAULT_LIMIT;
    enum err_code rc;
    for (int i = 0; i < nparams; i++) {
        const char *k = params[i].key, *val = params[i].value ? params[i].value : "";
        bool skip = false;
        for (int j = 0; extra && extra[j]; j++)
            skip |= !strcmp(extra[j], k);
        if (skip)
            continue;
        if (!strcmp(k, "q")) {
            if (!utf8_valid(val, strlen(val)))
                return bad(cx, "q is not valid UTF-8%s", "");
            if (strlen(val) > 500)
                return bad(cx, "q is too long%s", "");
            out->q = search_fold_query(cx, val);
            /* no searchable field, no search index to ask */
            if (*out->q && !entity_searchable(ent))
                return bad(cx, "%s cannot be searched: filter by its fields instead", ent->name);
        } else if (!strcmp(k, "sort")) {
            if ((rc = parse_sort(cx, ent, val, out)) != ERR_OK)
                return rc;
        } else if (!strcmp(k, "limit")) {
            int64_t n;
            if (!parse_i64(val, strlen(val), &n) || n < 1)
                return bad(cx, "limit must be a whole number from 1 to 200%s", "");
            out->limit = n > LISTQ_MAX_LIMIT ? LISTQ_MAX_LIMIT : (int)n;
        } else if (!strcmp(k, "cursor")) {
            out->cursor = val;
        } else {
            int idx;
            const struct field *f = entity_field(ent, k, &idx);
            if (!f || !(f->flags & F_FILTER))
                return bad(cx, "cannot filter by '%s'", utf8_valid(k, strlen(k)) ? k : "?");
            if (out->nfilters >= LISTQ_MAX_FILTERS)
                return bad(cx, "too many filters%s", "");
            out->filters[out->nfilters].field = idx;
            if ((rc = parse_filter_value(cx, f, val, &out->filters[out->nfilters].v)) != ERR_OK)
                return rc;
            out->nfilters++;
        }
    }
    /* a unique tie-breaker last: id, in the direction of the last key */
    if (out->nsort == 0) {
        out->sort[0].field = SORT_ID;
        out->sort[0].desc = true;
        out->nsort = 1;
    } else if (out->sort[out->nsort - 1].field != SORT_ID) {
        out->sort[out->nsort].field = SORT_ID;
        out->sort[out->nsort].desc = out->sort[out->nsort - 1].desc;
        out->nsort++;
    }
    return ERR_OK;
}

/* The SQL expression sorted on; nullable columns are coalesced so that
 * keyset comparisons never meet NULL. */
static const char *sort_expr(struct ctx *cx, const struct entity *ent, int idx, bool *is_int)
{
    *is_int = idx == SORT_ID;
    if (idx == SORT_ID)
        return "t.id";
    if (idx == SORT_CREATED)
        return "t.created_at";
    if (idx == SORT_UPDATED)
        return "t.updated_at";
    const struct field *f = &ent->fields[idx];
    *is_int = int_type(f->type);
    if (f->flags & F_REQUIRED)
        return arena_printf(cx->a, "t.%s", f->name);
    return arena_printf(cx->a, "COALESCE(t.%s, %s)", f->name, *is_int ? "0" : "''");
}

struct bound {
    bool is_int;
    int64_t i;
    const char *s;
};

static const char *cursor_encode(struct ctx *cx, const struct entity *ent, const struct listq *lq,
                                 const struct record *r)
{
    json_t *a = json_array();
    for (int k = 0; k < lq->nsort; k++) {
        int idx = lq->sort[k].field;
        if (idx == SORT_ID)
            json_array_append_new(a, json_integer(r->id));
        else if (idx == SORT_CREATED)
            json_array_append_new(a, json_string(r->created_at));
        else if (idx == SORT_UPDATED)
            json_array_append_new(a, json_string(r->updated_at));
        else {
            const struct value *v = &r->v[idx];
            if (int_type(ent->fields[idx].type))
                json_array_append_new(a, json_integer(v->null ? 0 : v->i));
            else
                json_array_append_new(a, json_string(v->null ? "" : v->s));
        }
    }
    char *s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    size_t n = strlen(s);
    size_t outlen = sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(cx->a, outlen);
    sodium_bin2base64(out, outlen, (const unsigned char *)s, n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    free(s);
    return out;
}

static enum err_code cursor_decode(struct ctx *cx, const struct entity *ent, const struct listq *lq,
                                   struct bound *vals)
{
    size_t n = strlen(lq->cursor);
    if (n == 0 || n > 4096)
        return bad(cx, "the cursor is not valid%s", "");
    unsigned char *bin = arena_alloc(cx->a, n + 1);
    size_t binlen;
    if (sodium_base642bin(bin, n, lq->cursor, n, NULL, &binlen, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return bad(cx, "the cursor is not valid%s", "");
    json_error_t je;
    json_t *a = json_loadb((const char *)bin, binlen, JSON_REJECT_DUPLICATES, &je);
    enum err_code rc = ERR_OK;
    if (!json_is_array(a) || json_array_size(a) != (size_t)lq->nsort) {
        rc = bad(cx, "the cursor does not fit this list%s", "");
        goto out;
    }
    for (int k = 0; k < lq->nsort; k++) {
        json_t *j = json_array_get(a, (size_t)k);
        bool is_int;
        sort_expr(cx, ent, lq->sort[k].field, &is_int);
        vals[k].is_int = is_int;
        if (is_int && json_is_integer(j)) {
            vals[k].i = json_integer_value(j);
        } else if (!is_int && json_is_string(j)) {
            vals[k].s = arena_strdup(cx->a, json_string_value(j));
        } else {
            rc = bad(cx, "the cursor does not fit this list%s", "");
            goto out;
        }
    }
out:
    json_decref(a);
    return rc;
}

static enum err_code list_run(struct ctx *cx, const struct entity *ent, const struct listq *lq,
                              int pass, bool *windowed, struct record ***items, int *n,
                              const char **next_cursor)
{
    struct bound binds[LISTQ_MAX_FILTERS * ENUM_FILTER_MAX + 2 * (LISTQ_MAX_SORT + 1) + 4];
    int nb = 0;
    struct buf sql = BUF_INIT;
    enum err_code rc = ERR_OK;
    *items = NULL;
    *n = 0;
    *next_cursor = NULL;

    entity_select_sql(ent, &sql);
    buf_adds(&sql, "\nWHERE 1 = 1");
    if (ent->owner_field) {
        buf_printf(&sql, "\n  AND t.%s = $%d", ent->owner_field, nb + 1);
        binds[nb].is_int = true;
        binds[nb].i = cx->user ? cx->user->id : 0;
        nb++;
    }
    if (ent->branch_field && ctx_branch(cx)) {
        /* a branch-scoped user: their branch's records only */
        buf_printf(&sql, "\n  AND t.%s = $%d", ent->branch_field, nb + 1);
        binds[nb].is_int = true;
        binds[nb].i = ctx_branch(cx);
        nb++;
    }
    for (int i = 0; i < lq->nfilters; i++) {
        const struct field *f = &ent->fields[lq->filters[i].field];
        const struct value *v = &lq->filters[i].v;
        if (f->type == F_ENUM) {
            /* the values are enum names (checked): one parameter each */
            buf_printf(&sql, "\n  AND t.%s IN (", f->name);
            const char *p = v->s;
            for (int k = 0; k < v->i; k++) {
                size_t len = strcspn(p, ",");
                buf_printf(&sql, "%s$%d", k ? ", " : "", nb + 1);
                binds[nb].is_int = false;
                binds[nb].s = arena_strndup(cx->a, p, len);
                nb++;
                p += len + (p[len] ? 1 : 0);
            }
            buf_adds(&sql, ")");
            continue;
        }
        buf_printf(&sql, "\n  AND t.%s = $%d", f->name, nb + 1);
        binds[nb].is_int = int_type(f->type);
        binds[nb].i = v->i;
        binds[nb].s = v->s;
        nb++;
    }
    if (lq->q && *lq->q) {
        /* a search that is the whole list, newest first, needs one page of
         * matches only */
        struct search_page page = {0, 0, pass, false};
        bool paged = lq->nfilters == 0 && !ent->owner_field &&
                     !(ent->branch_field && ctx_branch(cx)) && lq->nsort == 1 &&
                     lq->sort[0].field == SORT_ID && lq->sort[0].desc;
        if (paged) {
            struct bound cur[LISTQ_MAX_SORT + 1];
            page.limit = lq->limit + 1;
            if (lq->cursor && (rc = cursor_decode(cx, ent, lq, cur)) != ERR_OK)
                goto out;
            if (lq->cursor)
                page.before = cur[0].i;
        }
        struct buf clause = BUF_INIT;
        const char *match = db_search_clause(cx->db, cx->a, &clause, "t", ent->table, nb + 1, lq->q,
                                             paged ? &page : NULL);
        *windowed = page.windowed;
        if (match) {
            buf_printf(&sql, "\n  AND %s", clause.p);
            binds[nb].is_int = false;
            binds[nb].s = match;
            nb++;
        }
        buf_release(&clause);
    }
    if (lq->cursor) {
        struct bound cur[LISTQ_MAX_SORT + 1];
        if ((rc = cursor_decode(cx, ent, lq, cur)) != ERR_OK)
            goto out;
        /* (k1 > v1) OR (k1 = v1 AND k2 > v2) OR … */
        buf_adds(&sql, "\n  AND (");
        for (int k = 0; k < lq->nsort; k++) {
            bool is_int;
            if (k)
                buf_adds(&sql, " OR ");
            buf_addch(&sql, '(');
            for (int j = 0; j <= k; j++) {
                const char *e = sort_expr(cx, ent, lq->sort[j].field, &is_int);
                const char *op = j < k ? "=" : lq->sort[j].desc ? "<" : ">";
                buf_printf(&sql, "%s%s %s $%d", j ? " AND " : "", e, op, nb + 1 + j);
            }
            buf_addch(&sql, ')');
        }
        buf_addch(&sql, ')');
        for (int k = 0; k < lq->nsort; k++)
            binds[nb++] = cur[k];
    }
    buf_adds(&sql, "\nORDER BY ");
    for (int k = 0; k < lq->nsort; k++) {
        bool is_int;
        buf_printf(&sql, "%s%s%s", k ? ", " : "", sort_expr(cx, ent, lq->sort[k].field, &is_int),
                   lq->sort[k].desc ? " DESC" : "");
    }
    buf_printf(&sql, "\nLIMIT %d", lq->limit + 1);

    struct db_stmt *st = db_prepare(cx->db, sql.p, &cx->err);
    if (!st) {
        rc = cx->err.code;
        goto out;
    }
    for (int i = 0; i < nb; i++) {
        if (binds[i].is_int)
            db_bind_i64(st, i + 1, binds[i].i);
        else
            db_bind_text(st, i + 1, binds[i].s);
    }
    struct record **rows = arena_alloc(cx->a, sizeof(*rows) * (size_t)(lq->limit + 1));
    int count = 0, step;
    while ((step = db_step(st)) == DB_ROW) {
        rows[count++] = entity_row(cx, ent, st);
    }
    db_done(st);
    if (step == DB_FAIL) {
        rc = cx->err.code;
        goto out;
    }
    if (count > lq->limit) {
        count = lq->limit;
        *next_cursor = cursor_encode(cx, ent, lq, rows[count - 1]);
    }
    *items = rows;
    *n = count;
out:
    buf_release(&sql);
    return rc;
}

enum err_code entity_list(struct ctx *cx, const struct entity *ent, const struct listq *lq,
                          struct record ***items, int *n, const char **next_cursor)
{
    /* a search that looked at the newest rows only and found no full page
     * there: the matches may be further back — a wider window, then none */
    bool windowed = false;
    enum err_code rc = ERR_OK;
    for (int pass = 1; pass <= 3; pass++) {
        windowed = false;
        rc = list_run(cx, ent, lq, pass % 3, &windowed, items, n, next_cursor);
        if (rc != ERR_OK || !windowed || *next_cursor)
            break;
    }
    return rc;
}

static int hex(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static char *query_decode(struct ctx *cx, const char *s, size_t n)
{
    char *out = arena_alloc(cx->a, n + 1), *w = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            *w++ = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            *w++ = s[i] == '+' ? ' ' : s[i];
        }
    }
    *w = 0;
    return out;
}

enum err_code listq_parse_text(struct ctx *cx, const struct entity *ent, const char *query,
                               struct listq *out)
{
    struct param params[LISTQ_MAX_PARAMS];
    int n = 0;
    for (const char *p = query; *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t klen = eq ? (size_t)(eq - p) : len;
        if (len) {
            if (n == LISTQ_MAX_PARAMS)
                return ctx_fail(cx, ERR_TOOBIG, "a list query takes at most %d parameters",
                                LISTQ_MAX_PARAMS);
            params[n].key = query_decode(cx, p, klen);
            params[n].value = eq ? query_decode(cx, eq + 1, len - klen - 1) : "";
            n++;
        }
        p = amp ? amp + 1 : p + len;
    }
    return listq_parse(cx, ent, params, n, NULL, out);
}
