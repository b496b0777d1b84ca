/* prices.c — supplier price lists (domain layer): reading a CSV file or a
 * sheet's rows, matching them to parts, the preview and the confirmed
 * import (one transaction, replaced prices kept in the history), and what
 * the pages show: a supplier's price list, its history, who sells a part.
 *
 * A row is matched to a part by the supplier's SKU already mapped to one
 * (their earlier price list), else by our SKU ("Наш артикул" column), a
 * barcode ("Штрихкод"), or our SKU equal to theirs. Columns absent from the
 * file keep what is stored; present but empty cells clear it. */
#include "purchasing.h"

#include <iconv.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "core/audit.h"
#include "core/record.h"
#include "db/db.h"
#include "domain/stock/stock.h"
#include "base/banned.h"

/* ---- the columns ---- */

enum col { C_SKU, C_NAME, C_PRICE, C_MOQ, C_PACK, C_LEAD, C_BARCODE, C_OUR_SKU, C__COUNT };

static const char *const col_names[C__COUNT] = {
    [C_SKU] = "sku",       [C_NAME] = "name",      [C_PRICE] = "price",     [C_MOQ] = "moq",
    [C_PACK] = "pack_qty", [C_LEAD] = "lead_days", [C_BARCODE] = "barcode", [C_OUR_SKU] = "our_sku",
};

/* header names, folded (text_fold: lower case, punctuation as spaces); a
 * header matches one that it is or begins with and a space ("цена руб") */
static const char *const col_aliases[C__COUNT][12] = {
    [C_SKU] = {"артикул", "артикул поставщика", "код", "код товара", "sku", "supplier sku",
               "article", "part number", "p n", "code", NULL},
    [C_NAME] = {"наименование", "название", "товар", "номенклатура", "name", "description", "item",
                "product", NULL},
    [C_PRICE] = {"цена", "стоимость", "price", "unit price", "cost", NULL},
    [C_MOQ] = {"мин партия", "минимальная партия", "мин заказ", "минимальный заказ", "moq",
               "min qty", "min order", "minimum order", NULL},
    [C_PACK] = {"кратность", "в упаковке", "упаковка", "pack", "pack qty", "multiple", NULL},
    [C_LEAD] = {"срок поставки", "срок", "срок дн", "lead time", "lead", "delivery days",
                "lead days", NULL},
    [C_BARCODE] = {"штрихкод", "штрих код", "ean", "barcode", "gtin", NULL},
    [C_OUR_SKU] = {"наш артикул", "our sku", "internal sku", NULL},
};

static int header_col(struct ctx *cx, const char *h)
{
    struct buf b = BUF_INIT;
    text_fold(&b, h, strlen(h));
    const char *s = arena_strndup(cx->a, b.p ? b.p : "", b.len);
    buf_release(&b);
    while (*s == ' ')
        s++;
    for (int c = 0; c < C__COUNT; c++)
        for (int k = 0; col_aliases[c][k]; k++) {
            size_t n = strlen(col_aliases[c][k]);
            if (strncmp(s, col_aliases[c][k], n) == 0 && (s[n] == 0 || s[n] == ' '))
                return c;
        }
    return -1;
}

/* ---- rows: from CSV or JSON, as text cells ---- */

struct raw_row {
    int line;
    int n;
    const char **cells;
};

struct table {
    struct raw_row *rows;
    int n, cap;
    const char *encoding, *separator;
};

static void table_add(struct ctx *cx, struct table *t, int line, const char **cells, int n)
{
    if (t->n == t->cap) {
        int cap = t->cap ? t->cap * 2 : 256;
        struct raw_row *r = arena_alloc(cx->a, sizeof(*r) * (size_t)cap);
        if (t->n)
            memcpy(r, t->rows, sizeof(*r) * (size_t)t->n);
        t->rows = r;
        t->cap = cap;
    }
    const char **c = arena_alloc(cx->a, sizeof(*c) * (size_t)(n ? n : 1));
    memcpy(c, cells, sizeof(*c) * (size_t)n);
    t->rows[t->n++] = (struct raw_row){line, n, c};
}

static bool row_blank(const char **cells, int n)
{
    for (int i = 0; i < n; i++)
        if (cells[i] && !text_blank(cells[i]))
            return false;
    return true;
}

/* The file as UTF-8: a BOM dropped; bytes that are not UTF-8 read as
 * Windows-1251 (what Russian Excel saves). */
static enum err_code csv_utf8(struct ctx *cx, const char *in, size_t len, const char **out,
                              size_t *outlen, const char **encoding)
{
    if (len >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0) {
        in += 3;
        len -= 3;
        *encoding = "utf-8-bom";
    } else {
        *encoding = "utf-8";
    }
    if (utf8_valid(in, len)) {
        *out = in;
        *outlen = len;
        return ERR_OK;
    }
    iconv_t cd = iconv_open("UTF-8", "CP1251");
    if (cd == (iconv_t)-1)
        return ctx_fail(cx, ERR_INTERNAL, "no Windows-1251 conversion");
    size_t cap = len * 3 + 1, left = cap;
    char *buf = arena_alloc(cx->a, cap), *o = buf;
    char *src = (char *)in;
    size_t inleft = len;
    size_t r = iconv(cd, &src, &inleft, &o, &left);
    iconv_close(cd);
    if (r == (size_t)-1 || inleft) {
        err_field(&cx->err, "csv", "not_text");
        return ctx_fail(cx, ERR_INVALID, "the file is neither UTF-8 nor Windows-1251 text");
    }
    *o = 0;
    *out = buf;
    *outlen = (size_t)(o - buf);
    *encoding = "windows-1251";
    return ERR_OK;
}

/* The separator: whichever of ';' ',' '\t' is most frequent in the first
 * line outside quotes (',' when none). */
static char csv_separator(const char *s, size_t len)
{
    int n[3] = {0, 0, 0};
    bool q = false;
    for (size_t i = 0; i < len && (q || (s[i] != '\n' && s[i] != '\r')); i++) {
        if (s[i] == '"')
            q = !q;
        else if (!q)
            n[0] += s[i] == ';', n[1] += s[i] == ',', n[2] += s[i] == '\t';
    }
    return n[0] > n[1] && n[0] >= n[2] ? ';' : n[2] > n[1] ? '\t' : ',';
}

static enum err_code csv_parse(struct ctx *cx, const char *s, size_t len, struct table *t)
{
    char sep = csv_separator(s, len);
    t->separator = sep == ';' ? ";" : sep == '\t' ? "tab" : ",";
    const char *cells[PRICE_IMPORT_MAX_COLS];
    int ncells = 0, line = 1, start_line = 1, data = 0;
    struct buf cell = BUF_INIT;
    size_t i = 0;
    bool quoted = false, was_quoted = false;
    enum err_code rc = ERR_OK;
    while (rc == ERR_OK) {
        bool end = i >= len;
        char ch = end ? '\n' : s[i];
        if (quoted && !end) {
            if (ch == '"' && i + 1 < len && s[i + 1] == '"') {
                buf_addch(&cell, '"');
                i += 2;
                continue;
            }
            if (ch == '"') {
                quoted = false;
                i++;
                continue;
            }
            if (ch == '\n')
                line++;
            buf_addch(&cell, ch);
            i++;
            continue;
        }
        if (ch == '"' && !was_quoted && cell.len == 0) {
            cell.len = 0;
            quoted = was_quoted = true;
            i++;
            continue;
        }
        if (ch == sep || ch == '\n' || ch == '\r') {
            if (ncells < PRICE_IMPORT_MAX_COLS)
                cells[ncells++] = arena_strndup(cx->a, cell.p ? cell.p : "", cell.len);
            cell.len = 0;
            was_quoted = false;
            if (ch == sep) {
                i++;
                continue;
            }
            if (ch == '\r' && i + 1 < len && s[i + 1] == '\n')
                i++;
            if (!row_blank(cells, ncells)) {
                if (t->n && ++data > PRICE_IMPORT_MAX_ROWS)
                    rc = ctx_fail(cx, ERR_TOOBIG, "more than %d rows in the file",
                                  PRICE_IMPORT_MAX_ROWS);
                else
                    table_add(cx, t, start_line, cells, ncells);
            }
            ncells = 0;
            i++;
            line++;
            start_line = line;
            if (end || i >= len)
                break;
            continue;
        }
        if (cell.len < PRICE_IMPORT_MAX_CELL * 4)
            buf_addch(&cell, ch);
        i++;
    }
    buf_release(&cell);
    return rc;
}

/* Rows as JSON: [[cell…]…], cells strings, numbers or null. */
static enum err_code json_rows(struct ctx *cx, json_t *rows, struct table *t)
{
    t->encoding = "json";
    t->separator = NULL;
    if (!json_is_array(rows)) {
        err_field(&cx->err, "rows", "invalid");
        return ctx_fail(cx, ERR_INVALID, "rows: an array of arrays");
    }
    if (json_array_size(rows) > PRICE_IMPORT_MAX_ROWS + 1000)
        return ctx_fail(cx, ERR_TOOBIG, "more than %d rows", PRICE_IMPORT_MAX_ROWS);
    const char *cells[PRICE_IMPORT_MAX_COLS];
    int data = 0;
    for (size_t r = 0; r < json_array_size(rows); r++) {
        json_t *row = json_array_get(rows, r);
        if (!json_is_array(row)) {
            err_field(&cx->err, arena_printf(cx->a, "rows.%zu", r), "invalid");
            return ctx_fail(cx, ERR_INVALID, "rows.%zu: an array of cells", r);
        }
        int n = 0;
        for (size_t c = 0; c < json_array_size(row) && n < PRICE_IMPORT_MAX_COLS; c++) {
            json_t *v = json_array_get(row, c);
            const char *s = "";
            if (json_is_string(v))
                s = json_string_value(v);
            else if (json_is_integer(v))
                s = arena_printf(cx->a, "%lld", (long long)json_integer_value(v));
            else if (json_is_real(v)) {
                char num[64];
                snprintf(num, sizeof(num), "%.6f", json_real_value(v));
                size_t k = strlen(num);
                while (k > 1 && num[k - 1] == '0')
                    num[--k] = 0;
                if (k && num[k - 1] == '.')
                    num[--k] = 0;
                s = arena_strdup(cx->a, num);
            } else if (!json_is_null(v)) {
                err_field(&cx->err, arena_printf(cx->a, "rows.%zu.%zu", r, c), "invalid");
                return ctx_fail(cx, ERR_INVALID, "rows.%zu.%zu: a string or a number", r, c);
            }
            cells[n++] = s;
        }
        if (row_blank(cells, n))
            continue;
        if (t->n && ++data > PRICE_IMPORT_MAX_ROWS)
            return ctx_fail(cx, ERR_TOOBIG, "more than %d rows", PRICE_IMPORT_MAX_ROWS);
        table_add(cx, t, (int)r + 1, cells, n);
    }
    return ERR_OK;
}

/* ---- reading values ---- */

static const char *trimmed(struct ctx *cx, const char *s)
{
    if (!s)
        return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    return n ? arena_strndup(cx->a, s, n) : NULL;
}

/* A decimal number of at most `scale` fractional digits, as an integer
 * times 10^scale: spaces (also no-break ones) between thousands, a comma or
 * a point, a currency or unit word after it ("₽", "руб.", "шт"). */
static bool parse_decimal(const char *s, int scale, int64_t max, int64_t *out)
{
    int64_t whole = 0, frac = 0;
    int nfrac = 0, ndig = 0;
    bool point = false;
    const unsigned char *p = (const unsigned char *)s;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            ndig++;
            if (point) {
                if (++nfrac > scale)
                    return false;
                frac = frac * 10 + (*p - '0');
            } else {
                whole = whole * 10 + (*p - '0');
                if (whole > max)
                    return false;
            }
        } else if ((*p == ',' || *p == '.') && !point && ndig) {
            point = true;
        } else if (*p == ' ' || *p == '\'') {
            if (point)
                break;
        } else if (*p == 0xC2 && p[1] == 0xA0) { /* U+00A0 */
            p++;
        } else if (*p == 0xE2 && p[1] == 0x80 && p[2] == 0xAF) { /* U+202F */
            p += 2;
        } else {
            break;
        }
    }
    if (!ndig)
        return false;
    /* what follows: a unit or currency word only */
    for (; *p; p++)
        if ((*p >= '0' && *p <= '9') || *p == ',' || *p == '-' || *p == '+')
            return false;
    while (nfrac < scale) {
        frac *= 10;
        nfrac++;
    }
    int64_t mul = 1;
    for (int i = 0; i < scale; i++)
        mul *= 10;
    *out = whole * mul + frac;
    return *out <= max;
}

/* Days: "5", "5 дн.", "3-5" (the longer). */
static bool parse_days(const char *s, int64_t *out)
{
    int64_t a = -1, b = -1;
    const char *p = s;
    while (*p >= '0' && *p <= '9' && a < 10000)
        a = (a < 0 ? 0 : a * 10) + (*p++ - '0');
    if (a < 0)
        return false;
    while (*p == ' ')
        p++;
    if (*p == '-' || !strncmp(p, "\xE2\x80\x93", 3)) {
        p += *p == '-' ? 1 : 3;
        while (*p == ' ')
            p++;
        while (*p >= '0' && *p <= '9' && b < 10000)
            b = (b < 0 ? 0 : b * 10) + (*p++ - '0');
        if (b < 0)
            return false;
    }
    for (; *p; p++) /* "дн.", "days": no more numbers */
        if (*p >= '0' && *p <= '9')
            return false;
    *out = b > a ? b : a;
    return *out <= 365;
}

/* ---- matching and the plan ---- */

struct prow {
    int line;
    const char *sku, *name, *barcode, *our_sku;
    int64_t price, moq, pack, lead;
    bool has_moq, has_pack, has_lead;
    int64_t part_id;
    const char *part_sku, *part_name;
    /* the stored price of the supplier for the part, when any */
    int64_t price_id, old_version, old_price, old_moq, old_pack, old_lead;
    bool old_has_moq, old_has_pack, old_has_lead;
    const char *old_sku, *old_name, *old_from;
    const char *status;
    json_t *errors;
};

static void row_error(struct prow *r, const char *field, const char *code, int other_line)
{
    json_t *e = json_pack("{s:s,s:s}", "field", field, "code", code);
    if (other_line)
        json_object_set_new(e, "line", json_integer(other_line));
    json_array_append_new(r->errors, e);
}

/* ---- what is stored, read once: maps by exact key ---- */

/* An open-addressing map from a text or integer key to a non-zero value;
 * SKUs and barcodes are compared as written. */
struct map {
    const char **s;
    int64_t *n, *val;
    size_t cap;
};

static uint64_t hash_of(const char *s, int64_t n)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)n;
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h * 0x9E3779B97F4A7C15ULL;
}

static void map_init(struct ctx *cx, struct map *m, int64_t size)
{
    m->cap = 16;
    while (m->cap < (size_t)size * 2 + 16)
        m->cap *= 2;
    m->s = arena_alloc(cx->a, sizeof(*m->s) * m->cap);
    m->n = arena_alloc(cx->a, sizeof(*m->n) * m->cap);
    m->val = arena_alloc(cx->a, sizeof(*m->val) * m->cap);
    memset(m->val, 0, sizeof(*m->val) * m->cap);
}

static size_t map_slot(const struct map *m, const char *s, int64_t n)
{
    size_t i = hash_of(s, n) & (m->cap - 1);
    while (m->val[i] &&
           !(m->n[i] == n && ((!s && !m->s[i]) || (s && m->s[i] && !strcmp(s, m->s[i])))))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static int64_t map_get(const struct map *m, const char *s, int64_t n)
{
    return s || n ? m->val[map_slot(m, s, n)] : 0;
}

/* The value the key had (and keeps), or 0 after giving it val. The map
 * holds at most the size it was made for. */
static int64_t map_put(struct map *m, const char *s, int64_t n, int64_t val)
{
    size_t i = map_slot(m, s, n);
    if (m->val[i])
        return m->val[i];
    m->s[i] = s;
    m->n[i] = n;
    m->val[i] = val;
    return 0;
}

struct stored_price {
    int64_t id, version, part_id, price, moq, pack, lead;
    bool has_moq, has_pack, has_lead;
    const char *sku, *name, *from;
};

struct stored {
    struct stored_price *prices;
    struct map price_by_sku, price_by_part; /* → index + 1 */
    int64_t *part_ids;
    const char **part_skus, **part_names;
    struct map part_by_sku, part_by_id; /* → index + 1 */
    struct map barcodes;                /* → part id */
};

static enum err_code count_of(struct ctx *cx, const char *sql, int64_t arg, int64_t *n)
{
    bool found;
    return arg ? db_get_i64(cx->db, &cx->err, n, &found, sql, "i", arg)
               : db_get_i64(cx->db, &cx->err, n, &found, sql, "");
}

static const char *col_dup(struct ctx *cx, struct db_stmt *st, int i)
{
    const char *v = db_col_text(st, i);
    return v ? arena_strdup(cx->a, v) : NULL;
}

/* The supplier's prices, the catalog's SKUs and names and, when the file
 * has barcodes, the barcodes: a few queries, not a few per row. */
static enum err_code load_stored(struct ctx *cx, int64_t supplier, bool barcodes, struct stored *so)
{
    int64_t np, nparts, nb = 0;
    enum err_code rc;
    if ((rc = count_of(cx, "SELECT count(*) FROM supplier_prices WHERE supplier_id = $1", supplier,
                       &np)) != ERR_OK ||
        (rc = count_of(cx, "SELECT count(*) FROM parts", 0, &nparts)) != ERR_OK ||
        (barcodes && (rc = count_of(cx, "SELECT count(*) FROM part_barcodes", 0, &nb)) != ERR_OK))
        return rc;
    so->prices = arena_alloc(cx->a, sizeof(*so->prices) * (size_t)(np + 1));
    map_init(cx, &so->price_by_sku, np);
    map_init(cx, &so->price_by_part, np);
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT id, version, part_id, price, moq, pack_qty, lead_days, supplier_sku,\n"
             "  supplier_name, valid_from FROM supplier_prices WHERE supplier_id = $1 ORDER BY id",
             "i", supplier);
    if (!st)
        return cx->err.code;
    int r = DB_DONE;
    int64_t k = 0;
    while (k < np && (r = db_step(st)) == DB_ROW) {
        struct stored_price *p = &so->prices[k];
        p->id = db_col_i64(st, 0);
        p->version = db_col_i64(st, 1);
        p->part_id = db_col_i64(st, 2);
        p->price = db_col_i64(st, 3);
        p->has_moq = !db_col_null(st, 4);
        p->moq = db_col_i64(st, 4);
        p->has_pack = !db_col_null(st, 5);
        p->pack = db_col_i64(st, 5);
        p->has_lead = !db_col_null(st, 6);
        p->lead = db_col_i64(st, 6);
        p->sku = col_dup(cx, st, 7);
        p->name = col_dup(cx, st, 8);
        p->from = col_dup(cx, st, 9);
        k++;
        map_put(&so->price_by_sku, p->sku, 0, k);
        map_put(&so->price_by_part, NULL, p->part_id, k);
    }
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    so->part_ids = arena_alloc(cx->a, sizeof(*so->part_ids) * (size_t)(nparts + 1));
    so->part_skus = arena_alloc(cx->a, sizeof(*so->part_skus) * (size_t)(nparts + 1));
    so->part_names = arena_alloc(cx->a, sizeof(*so->part_names) * (size_t)(nparts + 1));
    map_init(cx, &so->part_by_sku, nparts);
    map_init(cx, &so->part_by_id, nparts);
    if (!(st = db_q(cx->db, &cx->err, "SELECT id, sku, name FROM parts ORDER BY id", "")))
        return cx->err.code;
    k = 0;
    r = DB_DONE;
    while (k < nparts && (r = db_step(st)) == DB_ROW) {
        so->part_ids[k] = db_col_i64(st, 0);
        so->part_skus[k] = col_dup(cx, st, 1);
        so->part_names[k] = col_dup(cx, st, 2);
        k++;
        map_put(&so->part_by_sku, so->part_skus[k - 1], 0, k);
        map_put(&so->part_by_id, NULL, so->part_ids[k - 1], k);
    }
    db_done(st);
    if (r == DB_FAIL)
        return cx->err.code;
    map_init(cx, &so->barcodes, nb);
    if (barcodes) {
        if (!(st = db_q(cx->db, &cx->err, "SELECT barcode, part_id FROM part_barcodes ORDER BY id",
                        "")))
            return cx->err.code;
        k = 0;
        r = DB_DONE;
        while (k++ < nb && (r = db_step(st)) == DB_ROW)
            map_put(&so->barcodes, col_dup(cx, st, 0), 0, db_col_i64(st, 1));
        db_done(st);
        if (r == DB_FAIL)
            return cx->err.code;
    }
    return ERR_OK;
}

/* The part of a row: the supplier's SKU mapped before, our SKU, the
 * barcode, or our SKU equal to theirs; and what is stored for it. */
static void match_row(const struct stored *so, struct prow *r)
{
    int64_t k = map_get(&so->price_by_sku, r->sku, 0);
    r->part_id = k ? so->prices[k - 1].part_id : 0;
    if (!r->part_id && r->our_sku && (k = map_get(&so->part_by_sku, r->our_sku, 0)))
        r->part_id = so->part_ids[k - 1];
    if (!r->part_id && r->barcode)
        r->part_id = map_get(&so->barcodes, r->barcode, 0);
    if (!r->part_id && (k = map_get(&so->part_by_sku, r->sku, 0)))
        r->part_id = so->part_ids[k - 1];
    if (!r->part_id || !(k = map_get(&so->part_by_id, NULL, r->part_id))) {
        r->part_id = 0;
        return;
    }
    r->part_sku = so->part_skus[k - 1];
    r->part_name = so->part_names[k - 1];
    if (!(k = map_get(&so->price_by_part, NULL, r->part_id)))
        return;
    const struct stored_price *p = &so->prices[k - 1];
    r->price_id = p->id;
    r->old_version = p->version;
    r->old_price = p->price;
    r->old_has_moq = p->has_moq;
    r->old_moq = p->moq;
    r->old_has_pack = p->has_pack;
    r->old_pack = p->pack;
    r->old_has_lead = p->has_lead;
    r->old_lead = p->lead;
    r->old_sku = p->sku;
    r->old_name = p->name;
    r->old_from = p->from;
}

static bool same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

struct plan {
    struct prow *rows;
    int n;
    bool has[C__COUNT];
    const char *header[C__COUNT];
    int counts[4]; /* new, changed, unchanged, error */
    const char *encoding, *separator;
};

enum { N_NEW, N_CHANGED, N_UNCHANGED, N_ERROR };

static enum err_code make_plan(struct ctx *cx, int64_t supplier, const struct price_import_in *in,
                               struct plan *pl)
{
    struct table t = {0};
    enum err_code rc;
    memset(pl, 0, sizeof(*pl));
    if (in->csv) {
        const char *text = NULL;
        size_t len = 0;
        if (in->csv_len > PRICE_IMPORT_MAX_BYTES)
            return ctx_fail(cx, ERR_TOOBIG, "the file is over %d bytes", PRICE_IMPORT_MAX_BYTES);
        if ((rc = csv_utf8(cx, in->csv, in->csv_len, &text, &len, &t.encoding)) != ERR_OK)
            return rc;
        if (memchr(text, 0, len)) {
            err_field(&cx->err, "csv", "not_text");
            return ctx_fail(cx, ERR_INVALID, "the file is not text (a NUL byte)");
        }
        if ((rc = csv_parse(cx, text, len, &t)) != ERR_OK)
            return rc;
    } else if ((rc = json_rows(cx, in->rows, &t)) != ERR_OK) {
        return rc;
    }
    pl->encoding = t.encoding;
    pl->separator = t.separator;
    if (t.n == 0) {
        err_field(&cx->err, "columns", "missing_header");
        return ctx_fail(cx, ERR_INVALID, "the file is empty: no header row");
    }
    /* the header */
    int map[C__COUNT];
    for (int c = 0; c < C__COUNT; c++)
        map[c] = -1;
    for (int i = 0; i < t.rows[0].n; i++) {
        int c = t.rows[0].cells[i] ? header_col(cx, t.rows[0].cells[i]) : -1;
        if (c >= 0 && map[c] < 0) {
            map[c] = i;
            pl->has[c] = true;
            pl->header[c] = trimmed(cx, t.rows[0].cells[i]);
        }
    }
    if (map[C_SKU] < 0)
        err_field(&cx->err, "columns", "missing_sku");
    else if (map[C_PRICE] < 0)
        err_field(&cx->err, "columns", "missing_price");
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID,
                        "the header row (line %d) has no %s column: Артикул/SKU and Цена/Price "
                        "are needed",
                        t.rows[0].line, map[C_SKU] < 0 ? "SKU" : "price");
    /* the rows */
    pl->n = t.n - 1;
    pl->rows = arena_alloc(cx->a, sizeof(*pl->rows) * (size_t)(pl->n ? pl->n : 1));
    memset(pl->rows, 0, sizeof(*pl->rows) * (size_t)(pl->n ? pl->n : 1));
    struct stored so;
    if ((rc = load_stored(cx, supplier, map[C_BARCODE] >= 0, &so)) != ERR_OK)
        return rc;
    struct map skus, parts;
    map_init(cx, &skus, pl->n);
    map_init(cx, &parts, pl->n);
    for (int i = 0; i < pl->n; i++) {
        const struct raw_row *raw = &t.rows[i + 1];
        struct prow *r = &pl->rows[i];
        const char *cell[C__COUNT];
        for (int c = 0; c < C__COUNT; c++)
            cell[c] = map[c] >= 0 && map[c] < raw->n ? trimmed(cx, raw->cells[map[c]]) : NULL;
        r->line = raw->line;
        r->errors = json_array();
        r->sku = cell[C_SKU];
        r->name = cell[C_NAME];
        r->barcode = cell[C_BARCODE];
        r->our_sku = cell[C_OUR_SKU];
        for (int c = 0; c < C__COUNT; c++)
            if (cell[c] && utf8_count(cell[c], strlen(cell[c])) > PRICE_IMPORT_MAX_CELL) {
                row_error(r, col_names[c], "too_long", 0);
                cell[c] = NULL;
            }
        if (!r->sku)
            row_error(r, "sku", "missing_sku", 0);
        else if (utf8_count(r->sku, strlen(r->sku)) > 64)
            row_error(r, "sku", "too_long", 0);
        if (r->name && utf8_count(r->name, strlen(r->name)) > 300)
            row_error(r, "name", "too_long", 0);
        if (!cell[C_PRICE])
            row_error(r, "price", "missing_price", 0);
        else if (!parse_decimal(cell[C_PRICE], 2, STOCK_COST_MAX / 100, &r->price) || r->price <= 0)
            row_error(r, "price", "bad_price", 0);
        if ((r->has_moq = cell[C_MOQ] != NULL) &&
            (!parse_decimal(cell[C_MOQ], 3, STOCK_QTY_MAX / 1000, &r->moq) || r->moq <= 0))
            row_error(r, "moq", "bad_moq", 0);
        if ((r->has_pack = cell[C_PACK] != NULL) &&
            (!parse_decimal(cell[C_PACK], 3, STOCK_QTY_MAX / 1000, &r->pack) || r->pack <= 0))
            row_error(r, "pack_qty", "bad_pack_qty", 0);
        if ((r->has_lead = cell[C_LEAD] != NULL) && !parse_days(cell[C_LEAD], &r->lead))
            row_error(r, "lead_days", "bad_lead_time", 0);
        if (r->sku) {
            int64_t first = map_put(&skus, r->sku, 0, r->line);
            if (first) {
                row_error(r, "sku", "duplicate", (int)first);
            } else {
                match_row(&so, r);
                if (!r->part_id)
                    row_error(r, "sku", "unknown_part", 0);
                else if ((first = map_put(&parts, NULL, r->part_id, r->line)) != 0)
                    row_error(r, "sku", "duplicate_part", (int)first);
            }
        }
        if (json_array_size(r->errors)) {
            r->status = "error";
            pl->counts[N_ERROR]++;
        } else if (!r->price_id) {
            r->status = "new";
            pl->counts[N_NEW]++;
        } else {
            bool same =
                r->price == r->old_price && same_text(r->sku, r->old_sku) &&
                (!pl->has[C_NAME] || same_text(r->name, r->old_name)) &&
                (!pl->has[C_MOQ] ||
                 (r->has_moq == r->old_has_moq && (!r->has_moq || r->moq == r->old_moq))) &&
                (!pl->has[C_PACK] ||
                 (r->has_pack == r->old_has_pack && (!r->has_pack || r->pack == r->old_pack))) &&
                (!pl->has[C_LEAD] ||
                 (r->has_lead == r->old_has_lead && (!r->has_lead || r->lead == r->old_lead)));
            r->status = same ? "unchanged" : "changed";
            pl->counts[same ? N_UNCHANGED : N_CHANGED]++;
        }
    }
    return ERR_OK;
}

/* The token: a hash of what the import would do, row by row, and of the
 * stored prices it would change (their versions). */
static const char *plan_token(struct ctx *cx, int64_t supplier, const char *valid_from,
                              const struct plan *pl)
{
    crypto_generichash_state h;
    unsigned char d[32];
    crypto_generichash_init(&h, NULL, 0, sizeof(d));
    struct buf b = BUF_INIT;
    buf_printf(&b, "%lld|%s|", (long long)supplier, valid_from);
    for (int c = 0; c < C__COUNT; c++)
        buf_printf(&b, "%d", pl->has[c]);
    for (int i = 0; i < pl->n; i++) {
        const struct prow *r = &pl->rows[i];
        buf_printf(&b, "\n%d|%s|%lld|%lld|%lld|", r->line, r->status, (long long)r->part_id,
                   (long long)r->price_id, (long long)r->old_version);
        buf_printf(&b, "%s|%s|%lld|%d%lld|%d%lld|%d%lld", r->sku ? r->sku : "",
                   r->name ? r->name : "", (long long)r->price, r->has_moq, (long long)r->moq,
                   r->has_pack, (long long)r->pack, r->has_lead, (long long)r->lead);
        if (b.len > 65536) {
            crypto_generichash_update(&h, (const unsigned char *)b.p, b.len);
            b.len = 0;
        }
    }
    if (b.len)
        crypto_generichash_update(&h, (const unsigned char *)b.p, b.len);
    buf_release(&b);
    crypto_generichash_final(&h, d, sizeof(d));
    char *hex = arena_alloc(cx->a, sizeof(d) * 2 + 1);
    sodium_bin2hex(hex, sizeof(d) * 2 + 1, d, sizeof(d));
    return hex;
}

static json_t *opt_int(bool has, int64_t v) { return has ? json_integer(v) : json_null(); }

static json_t *counts_json(const int *n)
{
    return json_pack("{s:i,s:i,s:i,s:i}", "new", n[N_NEW], "changed", n[N_CHANGED], "unchanged",
                     n[N_UNCHANGED], "error", n[N_ERROR]);
}

static json_t *preview_json(const struct plan *pl, const char *token)
{
    json_t *cols = json_object();
    for (int c = 0; c < C__COUNT; c++)
        if (pl->has[c])
            json_object_set_new(cols, col_names[c], json_string(pl->header[c]));
    json_t *rows = json_array();
    for (int i = 0; i < pl->n; i++) {
        const struct prow *r = &pl->rows[i];
        json_t *o = json_pack(
            "{s:i,s:s,s:s?,s:s?,s:o,s:o,s:o,s:o}", "line", r->line, "status", r->status, "sku",
            r->sku, "name", r->name, "price", r->price > 0 ? json_integer(r->price) : json_null(),
            "moq", opt_int(r->has_moq, r->moq), "pack_qty", opt_int(r->has_pack, r->pack),
            "lead_days", opt_int(r->has_lead, r->lead));
        if (r->part_id)
            json_object_set_new(o, "part",
                                json_pack("{s:I,s:s,s:s}", "id", (json_int_t)r->part_id, "sku",
                                          r->part_sku ? r->part_sku : "", "name",
                                          r->part_name ? r->part_name : ""));
        if (r->price_id)
            json_object_set_new(o, "old_price", json_integer(r->old_price));
        json_object_set(o, "errors", r->errors);
        json_array_append_new(rows, o);
    }
    return json_pack("{s:s,s:s,s:s?,s:o,s:o,s:i,s:o}", "token", token, "encoding", pl->encoding,
                     "separator", pl->separator, "columns", cols, "counts", counts_json(pl->counts),
                     "total", pl->n, "rows", rows);
}

static void plan_release(struct plan *pl)
{
    for (int i = 0; i < pl->n; i++)
        json_decref(pl->rows[i].errors);
}

static enum err_code apply_plan(struct ctx *cx, int64_t supplier, bool with_vat,
                                const char *valid_from, const struct plan *pl)
{
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    enum err_code rc = ERR_OK;
    for (int i = 0; i < pl->n && rc == ERR_OK; i++) {
        const struct prow *r = &pl->rows[i];
        if (!strcmp(r->status, "new")) {
            rc =
                db_run(cx->db, &cx->err,
                       "INSERT INTO supplier_prices (version, created_at, updated_at,\n"
                       "  supplier_id, part_id, supplier_sku, supplier_name, price, vat_included,\n"
                       "  moq, pack_qty, lead_days, valid_from)\n"
                       "VALUES (1, $1, $1, $2, $3, $4, $5, $6, $7,\n"
                       "  CASE WHEN CAST($8 AS BIGINT) < 0 THEN NULL ELSE $8 END,\n"
                       "  CASE WHEN CAST($9 AS BIGINT) < 0 THEN NULL ELSE $9 END,\n"
                       "  CASE WHEN CAST($10 AS BIGINT) < 0 THEN NULL ELSE $10 END, $11)",
                       "tiittiiiiit", now, supplier, r->part_id, r->sku, r->name, r->price,
                       (int64_t)with_vat, r->has_moq ? r->moq : -1, r->has_pack ? r->pack : -1,
                       r->has_lead ? r->lead : -1, valid_from);
        } else if (!strcmp(r->status, "changed")) {
            bool repriced = r->price != r->old_price;
            if (repriced)
                rc = db_run(cx->db, &cx->err,
                            "INSERT INTO supplier_price_history (supplier_id, part_id, price,\n"
                            "  valid_from, replaced_at, new_price, user_id)\n"
                            "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                            "iiittiI", supplier, r->part_id, r->old_price, r->old_from, now,
                            r->price, cx->user ? cx->user->id : 0);
            int64_t moq = pl->has[C_MOQ]   ? (r->has_moq ? r->moq : -1)
                          : r->old_has_moq ? r->old_moq
                                           : -1;
            int64_t pack = pl->has[C_PACK]   ? (r->has_pack ? r->pack : -1)
                           : r->old_has_pack ? r->old_pack
                                             : -1;
            int64_t lead = pl->has[C_LEAD]   ? (r->has_lead ? r->lead : -1)
                           : r->old_has_lead ? r->old_lead
                                             : -1;
            const char *name = pl->has[C_NAME] ? r->name : r->old_name;
            if (rc == ERR_OK)
                rc = db_run(
                    cx->db, &cx->err,
                    "UPDATE supplier_prices SET version = version + 1, updated_at = $1,\n"
                    "  supplier_sku = $2, supplier_name = $3, price = $4, vat_included = $5,\n"
                    "  moq = CASE WHEN CAST($6 AS BIGINT) < 0 THEN NULL ELSE $6 END,\n"
                    "  pack_qty = CASE WHEN CAST($7 AS BIGINT) < 0 THEN NULL ELSE $7 END,\n"
                    "  lead_days = CASE WHEN CAST($8 AS BIGINT) < 0 THEN NULL ELSE $8 END,\n"
                    "  valid_from = $9\n"
                    "WHERE id = $10 AND version = $11",
                    "tttiiiiitii", now, r->sku, name, r->price, (int64_t)with_vat, moq, pack, lead,
                    repriced ? valid_from : r->old_from, r->price_id, r->old_version);
        }
    }
    return rc;
}

enum err_code price_import(struct ctx *cx, int64_t supplier_id, const struct price_import_in *in,
                           const char *token, json_t **out)
{
    *out = NULL;
    struct record *sup;
    enum err_code rc = entity_get(cx, &entity_suppliers, supplier_id, &sup);
    if (rc != ERR_OK)
        return rc;
    bool with_vat = rec_get(sup, SUPPLIER_PRICES_WITH_VAT)->i != 0;
    char today[ISO_DATE_LEN];
    date_today(today);
    const char *from = in->valid_from ? in->valid_from : today;
    int y, m, d;
    if (!date_parse(from, &y, &m, &d)) {
        err_field(&cx->err, "valid_from", "invalid_date");
        return ctx_fail(cx, ERR_INVALID, "valid_from: a date YYYY-MM-DD");
    }
    struct plan pl;
    if (!token) { /* the preview: read only */
        rc = make_plan(cx, supplier_id, in, &pl);
        if (rc == ERR_OK)
            *out = preview_json(&pl, plan_token(cx, supplier_id, from, &pl));
        plan_release(&pl);
        return rc;
    }
    bool own;
    if ((rc = db_begin_own(cx->db, &cx->err, &own)) != ERR_OK)
        return rc;
    rc = make_plan(cx, supplier_id, in, &pl);
    if (rc == ERR_OK && strcmp(token, plan_token(cx, supplier_id, from, &pl)) != 0) {
        err_field(&cx->err, "token", "stale");
        rc = ctx_fail(cx, ERR_CONFLICT,
                      "the file or the price list changed since the preview: preview again");
    }
    if (rc == ERR_OK)
        rc = apply_plan(cx, supplier_id, with_vat, from, &pl);
    if (rc == ERR_OK) {
        json_t *sum = json_pack("{s:o,s:s}", "applied", counts_json(pl.counts), "valid_from", from);
        char *text = json_dumps(sum, JSON_COMPACT | JSON_SORT_KEYS);
        rc = audit_append(cx, "price_import", "suppliers", supplier_id, NULL, text);
        free(text);
        *out = sum;
    }
    plan_release(&pl);
    rc = db_end_own(cx->db, &cx->err, own, rc);
    if (rc != ERR_OK && *out) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- what the pages show ---- */

static json_t *col_int(struct db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_integer(db_col_i64(st, i));
}

static json_t *col_text(struct db_stmt *st, int i)
{
    return db_col_null(st, i) ? json_null() : json_string(db_col_text(st, i));
}

/* Does the folded text have every word of the folded query? */
static bool has_words(const char *text, const char *query)
{
    const char *w = query;
    while (*w) {
        while (*w == ' ')
            w++;
        size_t n = strcspn(w, " ");
        if (!n)
            break;
        const char *p = text;
        bool hit = false;
        while (!hit && (p = strchr(p, w[0])) != NULL) {
            hit = strncmp(p, w, n) == 0;
            p++;
        }
        if (!hit)
            return false;
        w += n;
    }
    return true;
}

enum err_code supplier_price_list(struct ctx *cx, int64_t supplier_id, const char *q, int64_t limit,
                                  int64_t offset, json_t **out)
{
    *out = NULL;
    struct record *sup;
    enum err_code rc = entity_get(cx, &entity_suppliers, supplier_id, &sup);
    if (rc != ERR_OK)
        return rc;
    /* the words: each in our SKU, theirs or either name, folded alike
     * (SQLite's lower() knows no Cyrillic, so the match is done here) */
    const char *words = NULL;
    if (q && *q) {
        struct buf b = BUF_INIT;
        text_fold(&b, q, strlen(q));
        words = arena_strndup(cx->a, b.p ? b.p : "", b.len);
        buf_release(&b);
        if (text_blank(words))
            words = NULL;
    }
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT sp.id, sp.version, sp.part_id, p.sku, p.name, p.unit, sp.supplier_sku,\n"
             "  sp.supplier_name, sp.price, sp.vat_included, sp.moq, sp.pack_qty, sp.lead_days,\n"
             "  sp.valid_from, sp.updated_at\n"
             "FROM supplier_prices sp JOIN parts p ON p.id = sp.part_id\n"
             "WHERE sp.supplier_id = $1 ORDER BY p.sku, sp.id",
             "i", supplier_id);
    if (!st)
        return cx->err.code;
    json_t *a = json_array();
    int r;
    int64_t total = 0;
    struct buf text = BUF_INIT;
    while ((r = db_step(st)) == DB_ROW) {
        if (words) {
            text.len = 0;
            static const int cols[] = {3, 4, 6, 7}; /* SKUs and names */
            for (int c = 0; c < 4; c++) {
                const char *v = db_col_text(st, cols[c]);
                if (!v)
                    continue;
                text_fold(&text, v, strlen(v));
                buf_addch(&text, ' ');
            }
            if (!has_words(text.p ? text.p : "", words))
                continue;
        }
        if (total++ < offset || total > offset + limit)
            continue;
        json_array_append_new(
            a,
            json_pack("{s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:o,s:I,s:b,s:o,s:o,s:o,s:s,s:s}", "id",
                      (json_int_t)db_col_i64(st, 0), "version", (json_int_t)db_col_i64(st, 1),
                      "part_id", (json_int_t)db_col_i64(st, 2), "part_sku", db_col_text(st, 3),
                      "part_name", db_col_text(st, 4), "part_unit", db_col_text(st, 5),
                      "supplier_sku", db_col_text(st, 6), "supplier_name", col_text(st, 7), "price",
                      (json_int_t)db_col_i64(st, 8), "vat_included", db_col_i64(st, 9) != 0, "moq",
                      col_int(st, 10), "pack_qty", col_int(st, 11), "lead_days", col_int(st, 12),
                      "valid_from", db_col_text(st, 13), "updated_at", db_col_text(st, 14)));
    }
    buf_release(&text);
    db_done(st);
    if (r == DB_FAIL) {
        json_decref(a);
        return cx->err.code;
    }
    *out = json_pack("{s:o,s:I}", "items", a, "total", (json_int_t)total);
    return ERR_OK;
}

enum err_code supplier_price_history(struct ctx *cx, int64_t supplier_id, int64_t part_id,
                                     json_t **out)
{
    *out = NULL;
    struct record *sup;
    enum err_code rc = entity_get(cx, &entity_suppliers, supplier_id, &sup);
    if (rc != ERR_OK)
        return rc;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT h.part_id, p.sku, h.price, h.valid_from, h.replaced_at,\n"
                              "  h.new_price\n"
                              "FROM supplier_price_history h JOIN parts p ON p.id = h.part_id\n"
                              "WHERE h.supplier_id = $1 AND (CAST($2 AS BIGINT) = 0 OR "
                              "h.part_id = $2)\n"
                              "ORDER BY h.id DESC LIMIT 1000",
                              "ii", supplier_id, part_id);
    if (!st)
        return cx->err.code;
    json_t *a = json_array();
    int r;
    while ((r = db_step(st)) == DB_ROW)
        json_array_append_new(
            a, json_pack("{s:I,s:s,s:I,s:s,s:s,s:I}", "part_id", (json_int_t)db_col_i64(st, 0),
                         "part_sku", db_col_text(st, 1), "price", (json_int_t)db_col_i64(st, 2),
                         "valid_from", db_col_text(st, 3), "replaced_at", db_col_text(st, 4),
                         "new_price", (json_int_t)db_col_i64(st, 5)));
    db_done(st);
    if (r == DB_FAIL) {
        json_decref(a);
        return cx->err.code;
    }
    *out = json_pack("{s:o}", "items", a);
    return ERR_OK;
}

json_t *purchasing_part_offers(struct ctx *cx, int64_t part_id, bool active_only, enum err_code *rc)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT s.id, s.name, s.active, sp.supplier_sku, sp.supplier_name, sp.price,\n"
             "  sp.vat_included, sp.moq, sp.pack_qty, COALESCE(sp.lead_days, s.lead_days),\n"
             "  sp.valid_from, sp.updated_at\n"
             "FROM supplier_prices sp JOIN suppliers s ON s.id = sp.supplier_id\n"
             "WHERE sp.part_id = $1 AND (s.active = 1 OR $2 = 0)\n"
             "ORDER BY sp.price, s.name LIMIT 100",
             "ii", part_id, (int64_t)active_only);
    if (!st) {
        *rc = cx->err.code;
        return NULL;
    }
    json_t *a = json_array();
    int r;
    while ((r = db_step(st)) == DB_ROW)
        json_array_append_new(
            a, json_pack("{s:I,s:s,s:b,s:s,s:o,s:I,s:b,s:o,s:o,s:o,s:s,s:s}", "supplier_id",
                         (json_int_t)db_col_i64(st, 0), "supplier", db_col_text(st, 1), "active",
                         db_col_i64(st, 2) != 0, "supplier_sku", db_col_text(st, 3),
                         "supplier_name", col_text(st, 4), "price", (json_int_t)db_col_i64(st, 5),
                         "vat_included", db_col_i64(st, 6) != 0, "moq", col_int(st, 7), "pack_qty",
                         col_int(st, 8), "lead_days", col_int(st, 9), "valid_from",
                         db_col_text(st, 10), "updated_at", db_col_text(st, 11)));
    db_done(st);
    if (r == DB_FAIL) {
        json_decref(a);
        *rc = cx->err.code;
        return NULL;
    }
    *rc = ERR_OK;
    return a;
}
