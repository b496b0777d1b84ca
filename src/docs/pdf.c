/* pdf.c — the A4 layout layer over libharu (docs layer); see pdf.h. */
#include "docs/pdf.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <hpdf.h>
#include <malloc.h>
#include <pthread.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/settings.h"
#include "base/util.h"
#include "base/text.h"
#include "base/banned.h"

/* A4 in points, and the margins: 20 mm on the left (for binding), 15 mm
 * elsewhere, the page numbers inside the bottom margin. */
#define PAGE_W    595.276
#define PAGE_H    841.890
#define M_LEFT    56.69
#define M_RIGHT   42.52
#define M_TOP     42.52
#define M_BOTTOM  56.69
#define CONTENT_W (PAGE_W - M_LEFT - M_RIGHT)
#define FOOTER_Y  28.0

/* type sizes and the space between lines */
#define SZ_BODY    10.0
#define SZ_SMALL   8.5
#define SZ_LABEL   9.0
#define SZ_TABLE   9.0
#define SZ_COMPANY 12.0
#define SZ_TITLE   14.0
#define LEAD(sz)   ((sz)*1.3)
#define CELL_PAD   3.0
#define LABEL_W    (CONTENT_W * 0.32)
#define GRAY       0.4

#define PDF_MAX_COLS 12

struct haru;

struct pdf {
    struct arena *a;
    struct haru *h; /* the thread's libharu document and fonts */
    HPDF_Doc doc;
    HPDF_Font font[2]; /* regular, bold */
    HPDF_Page pages[PDF_MAX_PAGES];
    int npages;
    HPDF_Page page;
    double y; /* the top of the free space on the page */
    /* the first error: libharu's (code, detail) or too many pages */
    bool failed, too_many;
    unsigned long code, detail;
    const char *title, *company;
    /* the open table */
    struct pdf_col cols[PDF_MAX_COLS];
    double colw[PDF_MAX_COLS];
    int ncols;
    bool in_table;
    int rows_on_page; /* rows of the open table drawn on this page */
};

/* ---- fonts ----------------------------------------------------------------- */

static pthread_once_t fonts_once = PTHREAD_ONCE_INIT;
static char font_path[2][512];
static enum err_code fonts_rc;
static char fonts_msg[1200];

static void fonts_find(void)
{
    static const char *const files[2] = {"PTS55F.ttf", "PTS75F.ttf"};
    /* a document allocates a few MB in libharu and frees them all: glibc
     * would hand the heap's top back to the kernel after each one (brk, TLB
     * flushes, page faults — a third of a document's time) and take it back
     * for the next. Up to 32 MB of free heap is kept instead. */
    mallopt(M_TRIM_THRESHOLD, 32 << 20);
    const char *dir = setting_text(SET_FONT_DIR);
    fonts_rc = ERR_OK;
    for (int i = 0; i < 2; i++) {
        snprintf(font_path[i], sizeof(font_path[i]), "%s/%s", dir, files[i]);
        if (access(font_path[i], R_OK) != 0) {
            snprintf(fonts_msg, sizeof(fonts_msg),
                     "PT Sans for PDF documents: %s: %s (install fonts-paratype, or set "
                     "SERVITOR_FONT_DIR)",
                     font_path[i], strerror(errno));
            fonts_rc = ERR_UNAVAILABLE;
            return;
        }
    }
}

enum err_code pdf_fonts_check(struct err *e)
{
    pthread_once(&fonts_once, fonts_find);
    if (fonts_rc != ERR_OK)
        return err_set(e, fonts_rc, "%s", fonts_msg);
    return ERR_OK;
}

/* NULL or only white space */
static bool blank(const char *s) { return !s || text_blank(s); }

/* ---- errors ---------------------------------------------------------------- */

/* libharu keeps the fonts a document loaded across HPDF_NewDoc (only
 * HPDF_FreeDocAll drops them), so each thread keeps one libharu document
 * with the two fonts loaded — read and parsed once — and every PDF it makes
 * is a new document in it. One that saw an error is freed whole and made
 * again for the next. Freed when the thread ends. */
#define WIDTH_CACHE 0x2400 /* code points below: Latin, Cyrillic, punctuation, №, ₽ */

struct haru {
    HPDF_Doc doc;
    /* each character's width in 1/1000 em, plus one (0: not measured yet):
     * libharu finds a glyph by a search through the font's cmap, and text is
     * measured again and again while it is wrapped */
    unsigned short width[2][WIDTH_CACHE];
    char font[2][128]; /* the fonts' names in it */
    struct pdf *cur;   /* the PDF being made: where errors go */
    bool broken;       /* an error outside any PDF (while loading the fonts) */
    unsigned long code;
};

static pthread_once_t haru_once = PTHREAD_ONCE_INIT;
static pthread_key_t haru_key;

static void haru_free(void *v)
{
    struct haru *h = v;
    if (h && h->doc)
        HPDF_Free(h->doc);
    free(h);
}

static void haru_key_make(void) { pthread_key_create(&haru_key, haru_free); }

/* libharu calls this on each error and then returns an error status from
 * the call; nothing jumps. The first error of a PDF is kept, its drawing
 * stops. */
static void on_error(HPDF_STATUS code, HPDF_STATUS detail, void *data)
{
    struct haru *h = data;
    struct pdf *p = h->cur;
    if (!p) {
        h->broken = true;
        h->code = (unsigned long)code;
    } else if (!p->failed) {
        p->failed = true;
        p->code = (unsigned long)code;
        p->detail = (unsigned long)detail;
    }
}

/* This thread's libharu document with the fonts loaded, or NULL (the
 * libharu error in *code). */
static struct haru *haru_get(unsigned long *code)
{
    pthread_once(&haru_once, haru_key_make);
    struct haru *h = pthread_getspecific(haru_key);
    if (!h) {
        h = xcalloc(1, sizeof(*h));
        pthread_setspecific(haru_key, h);
    }
    if (h->doc)
        return h;
    h->cur = NULL;
    h->broken = false;
    h->doc = HPDF_New(on_error, h);
    if (!h->doc) {
        *code = 0;
        return NULL;
    }
    HPDF_SetCompressionMode(h->doc, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(h->doc);
    for (int i = 0; i < 2 && !h->broken; i++) {
        const char *name = HPDF_LoadTTFontFromFile(h->doc, font_path[i], HPDF_TRUE);
        if (name)
            snprintf(h->font[i], sizeof(h->font[i]), "%s", name);
        else
            h->broken = true;
    }
    if (h->broken) {
        *code = h->code;
        HPDF_Free(h->doc);
        h->doc = NULL;
        return NULL;
    }
    return h;
}

/* ---- text ------------------------------------------------------------------ */

static HPDF_Font face(struct pdf *p, bool bold) { return p->font[bold ? 1 : 0]; }

/* The code point of the UTF-8 character at s[0, n) and its length in *len
 * (0x110000 for a malformed one). */
static unsigned decode(const unsigned char *s, size_t n, size_t *len)
{
    unsigned c = s[0];
    size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    if (k > n) {
        *len = 1;
        return 0x110000;
    }
    *len = k;
    if (k == 1)
        return c;
    c &= 0x3F >> (k - 1);
    for (size_t i = 1; i < k; i++)
        c = (c << 6) | (s[i] & 0x3F);
    return c;
}

double pdf_text_width(struct pdf *p, const char *text, size_t len, double size, bool bold)
{
    if (p->failed || len == 0)
        return 0;
    unsigned short *cache = p->h->width[bold ? 1 : 0];
    const unsigned char *s = (const unsigned char *)text;
    unsigned long total = 0;
    for (size_t i = 0; i < len;) {
        size_t k;
        unsigned c = decode(s + i, len - i, &k);
        if (c < WIDTH_CACHE && cache[c]) {
            total += cache[c] - 1u;
        } else {
            HPDF_TextWidth tw = HPDF_Font_TextWidth(face(p, bold), s + i, (HPDF_UINT)k);
            if (c < WIDTH_CACHE && tw.width < 65535)
                cache[c] = (unsigned short)(tw.width + 1);
            total += tw.width;
        }
        i += k;
    }
    return (double)total * size / 1000.0;
}

/* The byte after the UTF-8 character at i (before e). */
static size_t next_char(const char *s, size_t i, size_t e)
{
    i++;
    while (i < e && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

static void add_line(struct pdf_line *out, int max, int *n, size_t off, size_t len)
{
    if (*n < max)
        out[*n] = (struct pdf_line){off, len};
    (*n)++;
}

/* Wraps text[s, e) (no line feeds) into lines. */
static void wrap_para(struct pdf *p, const char *t, size_t s, size_t e, double width, double size,
                      bool bold, struct pdf_line *out, int max, int *n)
{
    size_t i = s;
    bool any = false;
    while (i < e) {
        while (i < e && t[i] == ' ')
            i++;
        if (i == e)
            break;
        size_t start = i, fit = i, j = i;
        while (j < e) {
            size_t we = j;
            while (we < e && t[we] != ' ')
                we++;
            if (pdf_text_width(p, t + start, we - start, size, bold) > width)
                break;
            fit = we;
            j = we;
            while (j < e && t[j] == ' ')
                j++;
        }
        if (fit == start) { /* a word longer than the line: break it between characters */
            size_t k = next_char(t, start, e);
            for (;;) {
                size_t k2 = next_char(t, k, e);
                if (k >= e || t[k] == ' ' ||
                    pdf_text_width(p, t + start, k2 - start, size, bold) > width)
                    break;
                k = k2;
            }
            add_line(out, max, n, start, k - start);
            i = k;
        } else {
            add_line(out, max, n, start, fit - start);
            i = j;
        }
        any = true;
    }
    if (!any)
        add_line(out, max, n, s, 0);
}

int pdf_wrap(struct pdf *p, const char *text, double width, double size, bool bold,
             struct pdf_line *out, int max)
{
    int n = 0;
    size_t len = text ? strlen(text) : 0, pos = 0;
    for (;;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        wrap_para(p, text, pos, end, width, size, bold, out, max, &n);
        if (!nl)
            break;
        pos = end + 1;
    }
    return n;
}

/* text cleaned for drawing: valid UTF-8, \r\n and \r as \n, tabs and other
 * control characters as spaces. Arena. */
static char *clean(struct pdf *p, const char *s)
{
    char *c = arena_strdup(p->a, s ? s : "");
    utf8_sanitize(c);
    char *w = c;
    for (const char *r = c; *r; r++) {
        if (*r == '\r') {
            if (r[1] != '\n')
                *w++ = '\n';
        } else if ((unsigned char)*r < 0x20 && *r != '\n') {
            *w++ = ' ';
        } else {
            *w++ = *r;
        }
    }
    *w = 0;
    return c;
}

/* The lines of a text wrapped to width (arena). */
static struct pdf_line *wrap_all(struct pdf *p, const char *text, double width, double size,
                                 bool bold, int *n)
{
    *n = pdf_wrap(p, text, width, size, bold, NULL, 0);
    struct pdf_line *l = arena_alloc(p->a, sizeof(*l) * (size_t)(*n ? *n : 1));
    pdf_wrap(p, text, width, size, bold, l, *n);
    return l;
}

/* Draws len bytes of s with its top at y (the baseline a size lower). */
static void draw_text(struct pdf *p, double x, double top, const char *s, size_t len, double size,
                      bool bold, double gray)
{
    if (p->failed || len == 0)
        return;
    char *t = arena_strndup(p->a, s, len);
    HPDF_Page_SetGrayFill(p->page, gray);
    HPDF_Page_BeginText(p->page);
    HPDF_Page_SetFontAndSize(p->page, face(p, bold), (HPDF_REAL)size);
    HPDF_Page_TextOut(p->page, (HPDF_REAL)x, (HPDF_REAL)(top - size), t);
    HPDF_Page_EndText(p->page);
    HPDF_Page_SetGrayFill(p->page, 0);
}

/* One line placed in a box [x, x + w) by its alignment. */
static void draw_aligned(struct pdf *p, double x, double w, double top, const char *s, size_t len,
                         double size, bool bold, enum pdf_align al, double gray)
{
    double tw = al == PDF_LEFT ? 0 : pdf_text_width(p, s, len, size, bold);
    double dx = al == PDF_RIGHT ? w - tw : al == PDF_CENTER ? (w - tw) / 2 : 0;
    draw_text(p, x + dx, top, s, len, size, bold, gray);
}

static void rule(struct pdf *p, double x1, double y, double x2, double width, double gray)
{
    if (p->failed)
        return;
    HPDF_Page_SetLineWidth(p->page, (HPDF_REAL)width);
    HPDF_Page_SetGrayStroke(p->page, gray);
    HPDF_Page_MoveTo(p->page, (HPDF_REAL)x1, (HPDF_REAL)y);
    HPDF_Page_LineTo(p->page, (HPDF_REAL)x2, (HPDF_REAL)y);
    HPDF_Page_Stroke(p->page);
}

/* ---- pages ----------------------------------------------------------------- */

static void table_head(struct pdf *p);

static void new_page(struct pdf *p)
{
    if (p->failed)
        return;
    if (p->npages == PDF_MAX_PAGES) {
        p->failed = p->too_many = true;
        return;
    }
    HPDF_Page pg = HPDF_AddPage(p->doc);
    if (p->failed || !pg)
        return;
    HPDF_Page_SetSize(pg, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    p->pages[p->npages++] = pg;
    p->page = pg;
    p->y = PAGE_H - M_TOP;
    p->rows_on_page = 0;
    if (p->npages > 1) { /* the running header: who and what, in small type */
        const char *h = arena_printf(p->a, "%s — %s", p->company ? p->company : "", p->title);
        if (!p->company || !*p->company)
            h = p->title;
        struct pdf_line l;
        if (pdf_wrap(p, h, CONTENT_W, SZ_SMALL, false, &l, 1) > 0)
            draw_text(p, M_LEFT, p->y, h + l.off, l.len, SZ_SMALL, false, GRAY);
        p->y -= LEAD(SZ_SMALL) + 2;
        rule(p, M_LEFT, p->y, PAGE_W - M_RIGHT, 0.5, GRAY);
        p->y -= 8;
        if (p->in_table)
            table_head(p);
    }
}

/* Makes room for h points: a new page when they do not fit here. */
static void ensure(struct pdf *p, double h)
{
    if (!p->failed && p->y - h < M_BOTTOM)
        new_page(p);
}

enum err_code pdf_begin(struct ctx *cx, const char *title, struct pdf **out)
{
    *out = NULL;
    enum err_code rc = pdf_fonts_check(&cx->err);
    if (rc != ERR_OK)
        return rc;
    unsigned long code = 0;
    struct haru *h = haru_get(&code);
    if (!h)
        return ctx_fail(cx, ERR_INTERNAL,
                        "cannot load the fonts into a PDF document (libharu error 0x%04lX)", code);
    struct pdf *p = arena_alloc(cx->a, sizeof(*p));
    memset(p, 0, sizeof(*p));
    p->a = cx->a;
    p->h = h;
    p->title = arena_strdup(cx->a, title ? title : "");
    p->doc = h->doc;
    h->cur = p;
    if (HPDF_NewDoc(p->doc) != HPDF_OK && !p->failed)
        p->failed = true;
    HPDF_SetCurrentEncoder(p->doc, "UTF-8");
    HPDF_SetInfoAttr(p->doc, HPDF_INFO_CREATOR, "Servitor");
    for (int i = 0; i < 2 && !p->failed; i++)
        p->font[i] = HPDF_GetFont(p->doc, h->font[i], "UTF-8");
    if (!p->failed)
        new_page(p);
    if (p->failed || !p->font[0] || !p->font[1]) {
        code = p->code;
        pdf_abort(p);
        return ctx_fail(cx, ERR_INTERNAL, "cannot start a PDF document (libharu error 0x%04lX)",
                        code);
    }
    *out = p;
    return ERR_OK;
}

void pdf_abort(struct pdf *p)
{
    if (!p || !p->doc)
        return;
    struct haru *h = p->h;
    h->cur = NULL;
    if (p->failed && !p->too_many) { /* not to be trusted again */
        HPDF_Free(h->doc);
        h->doc = NULL;
    } else {
        HPDF_FreeDoc(h->doc); /* the document's objects; the fonts stay */
    }
    p->doc = NULL;
}

/* ---- blocks ---------------------------------------------------------------- */

/* Draws a wrapped text line by line at x in width w, each line making room
 * for itself (so a long text runs onto the next pages). */
static void flow_text(struct pdf *p, const char *text, double x, double w, double size, bool bold,
                      enum pdf_align al, double gray)
{
    char *t = clean(p, text);
    int n;
    struct pdf_line *l = wrap_all(p, t, w, size, bold, &n);
    for (int i = 0; i < n && !p->failed; i++) {
        ensure(p, LEAD(size));
        draw_aligned(p, x, w, p->y, t + l[i].off, l[i].len, size, bold, al, gray);
        p->y -= LEAD(size);
    }
}

void pdf_header(struct pdf *p, const char *company, const char *requisites)
{
    p->company = arena_strdup(p->a, company ? company : "");
    if (!blank(company))
        flow_text(p, company, M_LEFT, CONTENT_W, SZ_COMPANY, true, PDF_LEFT, 0);
    if (!blank(requisites))
        flow_text(p, requisites, M_LEFT, CONTENT_W, SZ_SMALL, false, PDF_LEFT, GRAY);
    p->y -= 3;
    rule(p, M_LEFT, p->y, PAGE_W - M_RIGHT, 0.8, 0);
    p->y -= 14;
}

void pdf_title(struct pdf *p, const char *title, const char *subtitle)
{
    p->title = clean(p, title); /* the running header of later pages names it */
    ensure(p, LEAD(SZ_TITLE) * 3);
    flow_text(p, title, M_LEFT, CONTENT_W, SZ_TITLE, true, PDF_CENTER, 0);
    if (!blank(subtitle))
        flow_text(p, subtitle, M_LEFT, CONTENT_W, SZ_BODY, false, PDF_CENTER, 0);
    p->y -= 10;
}

void pdf_heading(struct pdf *p, const char *text)
{
    p->y -= 6;
    ensure(p, LEAD(11.0) + LEAD(SZ_BODY) * 2); /* never alone at the foot of a page */
    flow_text(p, text, M_LEFT, CONTENT_W, 11.0, true, PDF_LEFT, 0);
    p->y -= 3;
}

void pdf_space(struct pdf *p, double points) { p->y -= points; }

void pdf_paragraph(struct pdf *p, const char *text, bool small)
{
    flow_text(p, text, M_LEFT, CONTENT_W, small ? SZ_SMALL : SZ_BODY, false, PDF_LEFT,
              small ? GRAY : 0);
    p->y -= 4;
}

void pdf_field(struct pdf *p, const char *label, const char *value, int blank_lines)
{
    const double lead = LEAD(SZ_BODY), vx = M_LEFT + LABEL_W, vw = CONTENT_W - LABEL_W;
    char *lt = clean(p, label);
    int nl;
    struct pdf_line *ll = wrap_all(p, lt, LABEL_W - 8, SZ_LABEL, false, &nl);
    if (blank(value)) { /* lines to fill in by hand */
        int nb = blank_lines < 1 ? 1 : blank_lines;
        const double gap = 18;
        int n = nl > nb ? nl : nb;
        ensure(p, gap * n);
        for (int i = 0; i < n && !p->failed; i++) {
            if (i > 0)
                ensure(p, gap);
            if (i < nl)
                draw_text(p, M_LEFT, p->y - 4, lt + ll[i].off, ll[i].len, SZ_LABEL, false, GRAY);
            if (i < nb)
                rule(p, vx, p->y - gap + 2, PAGE_W - M_RIGHT, 0.5, 0);
            p->y -= gap;
        }
        p->y -= 2;
        return;
    }
    char *vt = clean(p, value);
    int nv;
    struct pdf_line *vl = wrap_all(p, vt, vw, SZ_BODY, false, &nv);
    int n = nl > nv ? nl : nv;
    ensure(p, lead * (n < 3 ? n : 3)); /* a short field stays together */
    for (int i = 0; i < n && !p->failed; i++) {
        ensure(p, lead);
        if (i < nl) /* the label's baseline level with the value's */
            draw_text(p, M_LEFT, p->y - (SZ_BODY - SZ_LABEL), lt + ll[i].off, ll[i].len, SZ_LABEL,
                      false, GRAY);
        if (i < nv)
            draw_text(p, vx, p->y, vt + vl[i].off, vl[i].len, SZ_BODY, false, 0);
        p->y -= lead;
    }
    p->y -= 3;
}

/* ---- tables ---------------------------------------------------------------- */

static void cell_box(struct pdf *p, double x, double top, double w, double h, bool fill)
{
    if (p->failed)
        return;
    HPDF_Page_SetLineWidth(p->page, 0.5);
    HPDF_Page_SetGrayStroke(p->page, GRAY);
    if (fill) {
        HPDF_Page_SetGrayFill(p->page, 0.92);
        HPDF_Page_Rectangle(p->page, (HPDF_REAL)x, (HPDF_REAL)(top - h), (HPDF_REAL)w,
                            (HPDF_REAL)h);
        HPDF_Page_FillStroke(p->page);
        HPDF_Page_SetGrayFill(p->page, 0);
    } else {
        HPDF_Page_Rectangle(p->page, (HPDF_REAL)x, (HPDF_REAL)(top - h), (HPDF_REAL)w,
                            (HPDF_REAL)h);
        HPDF_Page_Stroke(p->page);
    }
}

/* The header row of the open table, at p->y. */
static void table_head(struct pdf *p)
{
    const double lead = LEAD(SZ_TABLE);
    struct pdf_line *l[PDF_MAX_COLS];
    int n[PDF_MAX_COLS], rows = 1;
    for (int c = 0; c < p->ncols; c++) {
        l[c] = wrap_all(p, p->cols[c].title, p->colw[c] - 2 * CELL_PAD, SZ_TABLE, true, &n[c]);
        rows = n[c] > rows ? n[c] : rows;
    }
    double h = rows * lead + 2 * CELL_PAD, x = M_LEFT;
    for (int c = 0; c < p->ncols; c++) {
        cell_box(p, x, p->y, p->colw[c], h, true);
        for (int i = 0; i < n[c]; i++)
            draw_aligned(p, x + CELL_PAD, p->colw[c] - 2 * CELL_PAD, p->y - CELL_PAD - i * lead,
                         p->cols[c].title + l[c][i].off, l[c][i].len, SZ_TABLE, true, PDF_CENTER,
                         0);
        x += p->colw[c];
    }
    p->y -= h;
}

void pdf_table(struct pdf *p, const struct pdf_col *cols, int ncols)
{
    assert(ncols > 0 && ncols <= PDF_MAX_COLS);
    double sum = 0;
    for (int c = 0; c < ncols; c++)
        sum += cols[c].weight > 0 ? cols[c].weight : 1;
    for (int c = 0; c < ncols; c++) {
        p->cols[c] = cols[c];
        p->cols[c].title = clean(p, cols[c].title);
        p->colw[c] = CONTENT_W * (cols[c].weight > 0 ? cols[c].weight : 1) / sum;
    }
    p->ncols = ncols;
    /* the header and a line of the first row together */
    ensure(p, LEAD(SZ_TABLE) * 3 + 4 * CELL_PAD);
    table_head(p);
    p->in_table = true;
    p->rows_on_page = 0;
}

void pdf_row(struct pdf *p, const char *const *cells)
{
    assert(p->in_table);
    const double lead = LEAD(SZ_TABLE);
    char *t[PDF_MAX_COLS];
    struct pdf_line *l[PDF_MAX_COLS];
    int n[PDF_MAX_COLS], done = 0, rows = 1;
    for (int c = 0; c < p->ncols; c++) {
        t[c] = clean(p, cells[c]);
        l[c] = wrap_all(p, t[c], p->colw[c] - 2 * CELL_PAD, SZ_TABLE, false, &n[c]);
        rows = n[c] > rows ? n[c] : rows;
    }
    while (done < rows && !p->failed) {
        int fit = (int)((p->y - M_BOTTOM - 2 * CELL_PAD) / lead), left = rows - done;
        int fresh = (int)((PAGE_H - M_TOP - M_BOTTOM - 60) / lead); /* lines on a new page */
        /* a row that would fit whole on a new page is not split; nor is less
         * than a line drawn */
        if (fit < 1 || (fit < left && left <= fresh && p->rows_on_page > 0 && done == 0)) {
            new_page(p);
            continue;
        }
        int k = fit < left ? fit : left;
        double h = k * lead + 2 * CELL_PAD, x = M_LEFT;
        for (int c = 0; c < p->ncols; c++) {
            cell_box(p, x, p->y, p->colw[c], h, false);
            for (int i = 0; i < k && done + i < n[c]; i++) {
                const struct pdf_line *li = &l[c][done + i];
                draw_aligned(p, x + CELL_PAD, p->colw[c] - 2 * CELL_PAD, p->y - CELL_PAD - i * lead,
                             t[c] + li->off, li->len, SZ_TABLE, false, p->cols[c].align, 0);
            }
            x += p->colw[c];
        }
        p->y -= h;
        p->rows_on_page++;
        done += k;
        if (done < rows)
            new_page(p);
    }
}

void pdf_table_end(struct pdf *p)
{
    p->in_table = false;
    p->y -= 6;
}

void pdf_total(struct pdf *p, const char *label, const char *value)
{
    const char *s = arena_printf(p->a, "%s: %s", label ? label : "", value ? value : "");
    flow_text(p, s, M_LEFT, CONTENT_W, SZ_BODY, true, PDF_RIGHT, 0);
    p->y -= 2;
}

/* One signature block in [x, x + w). */
static void signature(struct pdf *p, double x, double w, double top, const char *role,
                      const char *name)
{
    draw_text(p, x, top, role, strlen(role), SZ_BODY, true, 0);
    double line_y = top - 34, sw = w * 0.42;
    rule(p, x, line_y, x + sw, 0.5, 0);
    draw_text(p, x + sw + 3, line_y + SZ_BODY + 2, "/", 1, SZ_BODY, false, 0);
    rule(p, x + sw + 12, line_y, x + w, 0.5, 0);
    if (!blank(name)) {
        char *n = clean(p, name);
        struct pdf_line l;
        if (pdf_wrap(p, n, w - sw - 14, SZ_BODY, false, &l, 1) > 0)
            draw_text(p, x + sw + 14, line_y + SZ_BODY + 2, n + l.off, l.len, SZ_BODY, false, 0);
    }
    draw_aligned(p, x, sw, line_y - 2, "подпись", strlen("подпись"), 7, false, PDF_CENTER, GRAY);
    draw_aligned(p, x + sw + 12, w - sw - 12, line_y - 2, "фамилия, инициалы",
                 strlen("фамилия, инициалы"), 7, false, PDF_CENTER, GRAY);
    const char *date = "«____» ______________ 20____ г.";
    draw_text(p, x, line_y - 20, date, strlen(date), SZ_BODY, false, 0);
}

void pdf_signatures(struct pdf *p, const char *left_role, const char *left_name,
                    const char *right_role, const char *right_name)
{
    pdf_signatures_stamped(p, left_role, left_name, right_role, right_name, PDF_STAMP_NONE);
}

void pdf_signatures_stamped(struct pdf *p, const char *left_role, const char *left_name,
                            const char *right_role, const char *right_name, enum pdf_stamp stamp)
{
    const double h = 78, gap = 28, w = (CONTENT_W - gap) / 2;
    p->y -= 10;
    ensure(p, h);
    if (p->failed)
        return;
    signature(p, M_LEFT, w, p->y, left_role ? left_role : "", left_name);
    signature(p, M_LEFT + w + gap, w, p->y, right_role ? right_role : "", right_name);
    if (stamp != PDF_STAMP_NONE) { /* after the date, on its line */
        double x = (stamp == PDF_STAMP_LEFT ? M_LEFT : M_LEFT + w + gap) + w - 30;
        draw_text(p, x, p->y - 54, "М.П.", strlen("М.П."), SZ_BODY, true, 0);
    }
    p->y -= h;
}

/* ---- QR codes and choices ---------------------------------------------------- */

#define QR_SIDE 74.0 /* points: 26 mm, the quiet zone included */

void pdf_qr(struct pdf *p, const char *data, const char *text)
{
    QRcode *qr = data && *data ? QRcode_encodeString(data, 0, QR_ECLEVEL_M, QR_MODE_8, 1) : NULL;
    if (!qr) {
        pdf_paragraph(p, text, false);
        return;
    }
    const int w = qr->width;
    const double mod = QR_SIDE / (w + 8), x0 = M_LEFT + 4 * mod;
    ensure(p, QR_SIDE + 4);
    if (!p->failed) {
        double top = p->y - 4 * mod;
        HPDF_Page_SetGrayFill(p->page, 0);
        for (int r = 0; r < w; r++) {
            /* a run of dark modules in a row is one rectangle */
            for (int c = 0; c < w;) {
                if (!(qr->data[r * w + c] & 1)) {
                    c++;
                    continue;
                }
                int e = c;
                while (e < w && (qr->data[r * w + e] & 1))
                    e++;
                HPDF_Page_Rectangle(p->page, (HPDF_REAL)(x0 + c * mod),
                                    (HPDF_REAL)(top - (r + 1) * mod), (HPDF_REAL)((e - c) * mod),
                                    (HPDF_REAL)mod);
                c = e;
            }
        }
        HPDF_Page_Fill(p->page);
    }
    QRcode_free(qr);
    /* the text beside it, from the code's top */
    const double tx = M_LEFT + QR_SIDE + 8, tw = CONTENT_W - QR_SIDE - 8;
    char *t = clean(p, text);
    int n;
    struct pdf_line *l = wrap_all(p, t, tw, SZ_BODY, false, &n);
    double y = p->y - 6;
    for (int i = 0; i < n && !p->failed; i++) {
        draw_text(p, tx, y, t + l[i].off, l[i].len, SZ_BODY, false, 0);
        y -= LEAD(SZ_BODY);
    }
    double used = p->y - y > QR_SIDE ? p->y - y : QR_SIDE;
    p->y -= used + 4;
}

void pdf_choice(struct pdf *p, const char *label, const char *const *options, int n, int chosen)
{
    const double lead = LEAD(SZ_BODY), vx = M_LEFT + LABEL_W, box = 8;
    char *lt = clean(p, label);
    int nl;
    struct pdf_line *ll = wrap_all(p, lt, LABEL_W - 8, SZ_LABEL, false, &nl);
    ensure(p, lead * (nl > 1 ? nl : 1) + 4);
    double top = p->y;
    for (int i = 0; i < nl && !p->failed; i++)
        draw_text(p, M_LEFT, top - (SZ_BODY - SZ_LABEL) - i * lead, lt + ll[i].off, ll[i].len,
                  SZ_LABEL, false, GRAY);
    double x = vx, y = top;
    for (int i = 0; i < n && !p->failed; i++) {
        const char *o = options[i];
        double ow = box + 4 + pdf_text_width(p, o, strlen(o), SZ_BODY, i == chosen) + 14;
        if (x + ow > PAGE_W - M_RIGHT && x > vx) {
            x = vx;
            y -= lead;
        }
        double by = y - SZ_BODY + 0.5; /* the box on the text's baseline */
        HPDF_Page_SetLineWidth(p->page, 0.7);
        HPDF_Page_SetGrayStroke(p->page, 0);
        HPDF_Page_Rectangle(p->page, (HPDF_REAL)x, (HPDF_REAL)by, (HPDF_REAL)box, (HPDF_REAL)box);
        HPDF_Page_Stroke(p->page);
        if (i == chosen) { /* crossed */
            HPDF_Page_SetLineWidth(p->page, 1.1);
            HPDF_Page_MoveTo(p->page, (HPDF_REAL)(x + 1.5), (HPDF_REAL)(by + 1.5));
            HPDF_Page_LineTo(p->page, (HPDF_REAL)(x + box - 1.5), (HPDF_REAL)(by + box - 1.5));
            HPDF_Page_MoveTo(p->page, (HPDF_REAL)(x + 1.5), (HPDF_REAL)(by + box - 1.5));
            HPDF_Page_LineTo(p->page, (HPDF_REAL)(x + box - 1.5), (HPDF_REAL)(by + 1.5));
            HPDF_Page_Stroke(p->page);
        }
        draw_text(p, x + box + 4, y, o, strlen(o), SZ_BODY, i == chosen, 0);
        x += ow;
    }
    double used = top - y + lead;
    if (used < nl * lead)
        used = nl * lead;
    p->y -= used + 3;
}

/* ---- output ---------------------------------------------------------------- */

enum err_code pdf_finish(struct ctx *cx, struct pdf *p, int *fd, uint64_t *size)
{
    *fd = -1;
    *size = 0;
    /* «стр. N из M» at the foot of every page */
    for (int i = 0; i < p->npages && !p->failed; i++) {
        p->page = p->pages[i];
        const char *s = arena_printf(p->a, "стр. %d из %d", i + 1, p->npages);
        draw_aligned(p, M_LEFT, CONTENT_W, FOOTER_Y + SZ_SMALL, s, strlen(s), SZ_SMALL, false,
                     PDF_RIGHT, GRAY);
    }
    if (p->failed) {
        bool many = p->too_many;
        unsigned long code = p->code, detail = p->detail;
        pdf_abort(p);
        if (many)
            return ctx_fail(cx, ERR_TOOBIG, "the document would be longer than %d pages",
                            PDF_MAX_PAGES);
        return ctx_fail(cx, ERR_INTERNAL, "the PDF could not be made (libharu error 0x%04lX/%lu)",
                        code, detail);
    }
    char *path = arena_printf(cx->a, "%s/servitor-pdf-XXXXXX", settings_tmpdir());
    int f = mkstemp(path);
    if (f < 0) {
        pdf_abort(p);
        return ctx_fail(cx, ERR_INTERNAL, "cannot make a temporary file: %s", strerror(errno));
    }
    /* libharu writes by name into the file made for it; the name goes at
     * once after, so the file is gone when the descriptor is closed */
    HPDF_STATUS st = HPDF_SaveToFile(p->doc, path);
    unlink(path);
    bool failed = st != HPDF_OK || p->failed;
    unsigned long code = p->code;
    pdf_abort(p);
    struct stat sb;
    if (failed || fstat(f, &sb) != 0 || sb.st_size == 0 || lseek(f, 0, SEEK_SET) != 0) {
        close(f);
        return ctx_fail(cx, ERR_INTERNAL, "the PDF could not be written (libharu error 0x%04lX)",
                        code);
    }
    *fd = f;
    *size = (uint64_t)sb.st_size;
    return ERR_OK;
}
