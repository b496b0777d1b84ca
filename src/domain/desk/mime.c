/* mime.c — one e-mail message read with GMime (domain layer). The only file
 * that includes GMime or glib: every GMime object is made and released here,
 * and what leaves is copied into the caller's arena as UTF-8. */
#include "mime.h"

#include <errno.h>
#include <gmime/gmime.h>
#include <iconv.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/text.h"
#include "base/util.h"
#include "base/banned.h"

static pthread_once_t mime_once = PTHREAD_ONCE_INIT;

/* GMime's tables (charsets, types) are set up once per process and kept. */
static void mime_init(void) { g_mime_init(); }

/* ---- text ---------------------------------------------------------------- */

/* Valid UTF-8 in the arena from bytes already meant as UTF-8: NUL bytes and
 * carriage returns (CRLF → LF, a lone CR → LF) dropped, invalid bytes '?'. */
static char *clean(struct arena *a, const char *d, size_t n)
{
    char *s = arena_alloc(a, n + 1), *w = s;
    for (size_t i = 0; i < n; i++) {
        if (d[i] == 0)
            continue;
        if (d[i] == '\r') {
            if (i + 1 < n && d[i + 1] == '\n')
                continue;
            *w++ = '\n';
            continue;
        }
        *w++ = d[i];
    }
    *w = 0;
    utf8_sanitize(s);
    return s;
}

static bool is_unicode(const char *cs)
{
    return !strcasecmp(cs, "utf-8") || !strcasecmp(cs, "utf8") || !strcasecmp(cs, "us-ascii") ||
           !strcasecmp(cs, "ascii") || !strcasecmp(cs, "unknown-8bit") ||
           !strcasecmp(cs, "x-unknown");
}

/* Bytes in `charset` (NULL: not declared) to UTF-8. Undeclared 8-bit text
 * that is not UTF-8 is taken as windows-1251: our clients write Russian. An
 * invalid sequence becomes '?', and the conversion goes on after it. */
static char *to_utf8(struct arena *a, const char *d, size_t n, const char *charset)
{
    const char *from;
    if (!charset || is_unicode(charset)) {
        bool declared_utf8 =
            charset && (!strcasecmp(charset, "utf-8") || !strcasecmp(charset, "utf8"));
        bool ascii = true;
        for (size_t i = 0; i < n && ascii; i++)
            ascii = (unsigned char)d[i] < 0x80;
        if (ascii || declared_utf8)
            return clean(a, d, n);
        /* utf8_valid refuses NUL bytes, which clean() drops anyway */
        bool valid = true;
        for (size_t i = 0, start = 0; i <= n && valid; i++)
            if (i == n || d[i] == 0) {
                valid = utf8_valid(d + start, i - start);
                start = i + 1;
            }
        if (valid)
            return clean(a, d, n);
        from = "WINDOWS-1251";
    } else {
        from = g_mime_charset_iconv_name(charset);
    }
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return clean(a, d, n); /* a charset nobody knows: what is UTF-8 stays */
    struct buf out = BUF_INIT;
    char *in = (char *)d;
    size_t inleft = n;
    char tmp[4096];
    for (;;) {
        char *o = tmp;
        size_t oleft = sizeof(tmp);
        size_t r = inleft ? iconv(cd, &in, &inleft, &o, &oleft) : iconv(cd, NULL, NULL, &o, &oleft);
        int err = errno;
        buf_add(&out, tmp, (size_t)(o - tmp));
        if (r != (size_t)-1) {
            if (!inleft)
                break;
            continue;
        }
        if (err == E2BIG)
            continue;
        /* EILSEQ, or EINVAL for a sequence cut at the end: skip one byte */
        buf_addch(&out, '?');
        if (!inleft)
            break;
        in++, inleft--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    iconv_close(cd);
    char *s = clean(a, out.p ? out.p : "", out.len);
    buf_release(&out);
    return s;
}

/* One line of header text: controls to spaces, runs of spaces to one,
 * trimmed. */
static char *one_line(struct arena *a, const char *s)
{
    if (!s)
        return "";
    char *c = clean(a, s, strlen(s)), *w = c;
    bool space = false;
    for (const char *p = c; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch < 0x20 || ch == 0x7F || ch == ' ') {
            space = w != c;
            continue;
        }
        if (space)
            *w++ = ' ';
        space = false;
        *w++ = *p;
    }
    *w = 0;
    return c;
}

/* The Message-IDs of In-Reply-To, then of References (without <>),
 * space-separated; "" when none. At most 20, none with odd bytes. */
static const char *thread_ids(struct arena *a, GMimeMessage *msg)
{
    struct buf b = BUF_INIT;
    int n = 0;
    const char *in_reply_to = g_mime_object_get_header(GMIME_OBJECT(msg), "In-Reply-To");
    const char *references = g_mime_object_get_header(GMIME_OBJECT(msg), "References");
    GMimeReferences *lists[2] = {
        in_reply_to ? g_mime_references_parse(NULL, in_reply_to) : NULL,
        references ? g_mime_references_parse(NULL, references) : NULL,
    };
    for (int l = 0; l < 2; l++) {
        for (int i = 0; lists[l] && i < g_mime_references_length(lists[l]) && n < 20; i++) {
            const char *id = g_mime_references_get_message_id(lists[l], i);
            bool ok = id && *id && strlen(id) <= 400;
            for (const char *p = id; ok && *p; p++)
                ok = *p > 0x20 && *p < 0x7f && *p != '<' && *p != '>';
            if (ok) {
                buf_printf(&b, "%s%s", n ? " " : "", id);
                n++;
            }
        }
    }
    for (int l = 0; l < 2; l++)
        if (lists[l])
            g_mime_references_free(lists[l]);
    const char *out = arena_strdup(a, b.p ? b.p : "");
    buf_release(&b);
    return out;
}

/* ---- HTML to text -------------------------------------------------------- */

static const struct {
    const char *name, *text;
} entities[] = {
    {"amp", "&"},    {"lt", "<"},     {"gt", ">"},    {"quot", "\""}, {"apos", "'"},
    {"nbsp", " "},   {"laquo", "«"},  {"raquo", "»"}, {"mdash", "—"}, {"ndash", "–"},
    {"hellip", "…"}, {"copy", "©"},   {"reg", "®"},   {"trade", "™"}, {"euro", "€"},
    {"bull", "•"},   {"middot", "·"}, {"deg", "°"},   {"times", "×"}, {"shy", ""},
    {"rsquo", "’"},  {"lsquo", "‘"},  {"ldquo", "“"}, {"rdquo", "”"}, {"bdquo", "„"},
    {"numero", "№"}, {"thinsp", " "}, {"ensp", " "},  {"emsp", " "},  {"zwnj", ""},
};

static void put_cp(struct buf *b, unsigned long cp)
{
    if (cp == '\t' || cp == '\n' || cp == 0xA0) {
        buf_addch(b, ' ');
        return;
    }
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return;
    char u[4];
    size_t n;
    if (cp < 0x80)
        u[0] = (char)cp, n = 1;
    else if (cp < 0x800)
        u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    else if (cp < 0x10000)
        u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
        u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    else
        u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    buf_add(b, u, n);
}

/* An entity at h[0] ('&'): its text appended; returns the bytes it took
 * (1 for a lone '&', which stays as it is). */
static size_t html_entity(struct buf *b, const char *h, size_t n)
{
    size_t end = 1;
    while (end < n && end < 12 && h[end] != ';' && h[end] != '&' && h[end] != '<' &&
           (unsigned char)h[end] > ' ')
        end++;
    if (end >= n || h[end] != ';' || end < 2) {
        buf_addch(b, '&');
        return 1;
    }
    if (h[1] == '#') {
        unsigned long cp = 0;
        bool hex = end > 2 && (h[2] == 'x' || h[2] == 'X');
        size_t i = hex ? 3 : 2;
        if (i == end) {
            buf_addch(b, '&');
            return 1;
        }
        for (; i < end; i++) {
            char c = h[i];
            int v = c >= '0' && c <= '9'          ? c - '0'
                    : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                  : -1;
            if (v < 0) {
                buf_addch(b, '&');
                return 1;
            }
            cp = cp * (hex ? 16 : 10) + (unsigned long)v;
            if (cp > 0x10FFFF)
                cp = 0x110000; /* stays too big, never wraps */
        }
        put_cp(b, cp);
        return end + 1;
    }
    for (size_t k = 0; k < ARRAY_LEN(entities); k++)
        if (strlen(entities[k].name) == end - 1 && !strncmp(h + 1, entities[k].name, end - 1)) {
            buf_adds(b, entities[k].text);
            return end + 1;
        }
    buf_addch(b, '&');
    return 1;
}

/* Ends the current line and makes sure `lines` line breaks end the text
 * (2: a blank line between paragraphs); nothing at the very start. */
static void breaks(struct buf *b, int lines)
{
    while (b->len && b->p[b->len - 1] == ' ')
        b->p[--b->len] = 0;
    if (!b->len)
        return;
    int have = 0;
    while ((size_t)have < b->len && b->p[b->len - 1 - (size_t)have] == '\n')
        have++;
    for (; have < lines; have++)
        buf_addch(b, '\n');
}

static bool tag_in(const char *name, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (!strcmp(name, list[i]))
            return true;
    return false;
}

/* Where `</name` starts in h[from..n), or n. */
static size_t find_close(const char *h, size_t n, size_t from, const char *name)
{
    size_t k = strlen(name);
    for (size_t i = from; i + 2 + k <= n; i++)
        if (h[i] == '<' && h[i + 1] == '/' && !strncasecmp(h + i + 2, name, k))
            return i;
    return n;
}

char *html_to_text(struct arena *a, const char *h, size_t n)
{
    static const char *const hidden[] = {"script", "style", "head", "title", "template", NULL};
    static const char *const paragraphs[] = {"p",  "h1", "h2",    "h3", "h4",         "h5",  "h6",
                                             "ul", "ol", "table", "hr", "blockquote", "pre", NULL};
    static const char *const lines[] = {"div",    "tr",      "section", "article", "header",
                                        "footer", "address", "center",  "form",    "dl",
                                        "dt",     "dd",      "li",      "caption", NULL};
    struct buf b = BUF_INIT;
    bool space = false;
    for (size_t i = 0; i < n;) {
        char c = h[i];
        if (c == '<') {
            if (n - i >= 4 && !strncmp(h + i, "<!--", 4)) {
                size_t j = i + 4;
                while (j + 3 <= n && strncmp(h + j, "-->", 3) != 0)
                    j++;
                i = j + 3 <= n ? j + 3 : n;
                continue;
            }
            size_t j = i + 1;
            bool closing = j < n && h[j] == '/';
            if (closing)
                j++;
            char name[16];
            size_t k = 0;
            while (j < n && k < sizeof(name) - 1 &&
                   ((h[j] >= 'a' && h[j] <= 'z') || (h[j] >= 'A' && h[j] <= 'Z') ||
                    (h[j] >= '0' && h[j] <= '9')))
                name[k++] = (char)(h[j] >= 'A' && h[j] <= 'Z' ? h[j] + 32 : h[j]), j++;
            name[k] = 0;
            if (!k && !closing && (j >= n || (h[j] != '!' && h[j] != '?'))) {
                /* "a < b": a lone angle bracket is text */
                if (space && b.len && b.p[b.len - 1] != '\n')
                    buf_addch(&b, ' ');
                space = false;
                buf_addch(&b, '<');
                i++;
                continue;
            }
            char quote = 0;
            while (j < n && (quote || h[j] != '>')) {
                if (quote && h[j] == quote)
                    quote = 0;
                else if (!quote && (h[j] == '"' || h[j] == '\''))
                    quote = h[j];
                j++;
            }
            i = j < n ? j + 1 : n;
            if (!closing && tag_in(name, hidden)) {
                size_t close = find_close(h, n, i, name);
                while (close < n && h[close] != '>')
                    close++;
                i = close < n ? close + 1 : n;
                continue;
            }
            if (!strcmp(name, "br")) {
                while (b.len && b.p[b.len - 1] == ' ')
                    b.p[--b.len] = 0;
                buf_addch(&b, '\n');
                space = false;
            } else if (tag_in(name, paragraphs)) {
                breaks(&b, 2);
                space = false;
            } else if (tag_in(name, lines)) {
                breaks(&b, 1);
                space = false;
                if (!closing && !strcmp(name, "li"))
                    buf_adds(&b, "- ");
            } else if (!strcmp(name, "td") || !strcmp(name, "th")) {
                space = true;
            }
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
            space = true;
            i++;
            continue;
        }
        if (n - i >= 6 && !strncmp(h + i, "&nbsp;", 6)) { /* a space like the others */
            space = true;
            i += 6;
            continue;
        }
        if (space && b.len && b.p[b.len - 1] != '\n' && b.p[b.len - 1] != ' ')
            buf_addch(&b, ' ');
        space = false;
        if (c == '&') {
            i += html_entity(&b, h + i, n - i);
        } else {
            buf_addch(&b, c);
            i++;
        }
    }
    while (b.len && (b.p[b.len - 1] == ' ' || b.p[b.len - 1] == '\n'))
        b.p[--b.len] = 0;
    char *s = clean(a, b.p ? b.p : "", b.len);
    buf_release(&b);
    return s;
}

/* ---- the MIME tree ------------------------------------------------------- */

struct walker {
    struct arena *a;
    struct mail_msg *m;
    struct buf body;
    bool have_body;
};

/* The decoded bytes of a leaf part (transfer encoding undone). Arena. */
static char *part_bytes(struct arena *a, GMimePart *part, size_t *len)
{
    *len = 0;
    GMimeDataWrapper *w = g_mime_part_get_content(part);
    if (!w)
        return "";
    GMimeStream *s = g_mime_stream_mem_new();
    g_mime_data_wrapper_write_to_stream(w, s);
    GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
    char *out = arena_alloc(a, ba->len + 1);
    if (ba->len) /* an empty array has no data */
        memcpy(out, ba->data, ba->len);
    *len = ba->len;
    g_object_unref(s);
    return out;
}

static const char *ext_of(const char *type, const char *subtype)
{
    if (!strcmp(type, "application") && !strcmp(subtype, "pdf"))
        return ".pdf";
    if (!strcmp(type, "image") && (!strcmp(subtype, "jpeg") || !strcmp(subtype, "jpg")))
        return ".jpg";
    if (!strcmp(type, "image") && !strcmp(subtype, "png"))
        return ".png";
    if (!strcmp(type, "text") && !strcmp(subtype, "plain"))
        return ".txt";
    if (!strcmp(type, "message"))
        return ".eml";
    return ".bin";
}

/* A plain file name: slashes, backslashes and controls become '_', at most
 * 200 characters (cut at a character boundary); a missing name is made up. */
static const char *file_name(struct walker *w, const char *given, const char *type,
                             const char *subtype)
{
    const char *s = one_line(w->a, given);
    if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
        return arena_printf(w->a, "attachment-%d%s", w->m->nparts + w->m->nparts_dropped + 1,
                            ext_of(type, subtype));
    char *c = arena_strdup(w->a, s);
    for (char *p = c; *p; p++)
        if (*p == '/' || *p == '\\')
            *p = '_';
    size_t n = 0;
    for (int chars = 0; c[n]; n++)
        if (((unsigned char)c[n] & 0xC0) != 0x80 && ++chars > 200)
            break;
    c[n] = 0;
    return c;
}

static void add_part(struct walker *w, const char *name, const char *type, const char *subtype,
                     const char *data, size_t len)
{
    struct mail_msg *m = w->m;
    if (m->nparts >= MAIL_MAX_PARTS) {
        m->nparts_dropped++;
        return;
    }
    struct mail_part *p = &m->parts[m->nparts];
    p->file_name = file_name(w, name, type, subtype);
    p->content_type = arena_printf(w->a, "%s/%s", type, subtype);
    p->data = data;
    p->len = len;
    m->nparts++;
}

static char *lower(struct arena *a, const char *s)
{
    char *c = arena_strdup(a, s ? s : "");
    for (char *p = c; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return c;
}

static void walk(struct walker *w, GMimeObject *obj, int depth);

/* In multipart/alternative the text is taken, else the first nested
 * multipart (HTML with its pictures), else the HTML: one child only. */
static void walk_alternative(struct walker *w, GMimeMultipart *mp, int depth)
{
    int n = g_mime_multipart_get_count(mp), plain = -1, nested = -1, html = -1;
    for (int i = 0; i < n; i++) {
        GMimeObject *c = g_mime_multipart_get_part(mp, i);
        GMimeContentType *ct = g_mime_object_get_content_type(c);
        if (GMIME_IS_MULTIPART(c) && nested < 0)
            nested = i;
        else if (ct && g_mime_content_type_is_type(ct, "text", "plain") && plain < 0)
            plain = i;
        else if (ct && g_mime_content_type_is_type(ct, "text", "html") && html < 0)
            html = i;
    }
    int pick = plain >= 0 ? plain : nested >= 0 ? nested : html >= 0 ? html : n - 1;
    if (pick >= 0)
        walk(w, g_mime_multipart_get_part(mp, pick), depth + 1);
}

static void walk(struct walker *w, GMimeObject *obj, int depth)
{
    if (!obj || depth > 32)
        return;
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    const char *type = lower(w->a, ct ? g_mime_content_type_get_media_type(ct) : "application");
    const char *subtype =
        lower(w->a, ct ? g_mime_content_type_get_media_subtype(ct) : "octet-stream");
    if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART(obj);
        if (!strcmp(subtype, "alternative")) {
            walk_alternative(w, mp, depth);
            return;
        }
        int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n; i++)
            walk(w, g_mime_multipart_get_part(mp, i), depth + 1);
        return;
    }
    if (GMIME_IS_MESSAGE_PART(obj)) {
        /* a forwarded message is kept whole, as a file */
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        if (!inner)
            return;
        GMimeStream *s = g_mime_stream_mem_new();
        g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, s);
        GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
        char *data = arena_alloc(w->a, ba->len + 1);
        if (ba->len)
            memcpy(data, ba->data, ba->len);
        size_t len = ba->len;
        g_object_unref(s);
        const char *subj = g_mime_message_get_subject(inner);
        add_part(w, subj && *subj ? arena_printf(w->a, "%s.eml", subj) : NULL, "message", "rfc822",
                 data, len);
        return;
    }
    if (!GMIME_IS_PART(obj))
        return;
    GMimePart *part = GMIME_PART(obj);
    /* signatures are no attachment anyone asked for */
    if (!strcmp(type, "application") &&
        (!strcmp(subtype, "pgp-signature") || !strcmp(subtype, "pkcs7-signature") ||
         !strcmp(subtype, "x-pkcs7-signature")))
        return;
    const char *disposition = g_mime_object_get_disposition(obj);
    const char *name = g_mime_part_get_filename(part);
    bool text = !strcmp(type, "text") && (!strcmp(subtype, "plain") || !strcmp(subtype, "html"));
    bool attached = (disposition && !strcasecmp(disposition, "attachment")) || (name && *name);
    size_t len;
    char *data = part_bytes(w->a, part, &len);
    if (!text || attached) {
        add_part(w, name, type, subtype, data, len);
        return;
    }
    const char *charset = ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL;
    char *utf8 = to_utf8(w->a, data, len, charset);
    bool html = !strcmp(subtype, "html");
    if (!w->have_body) {
        if (html)
            utf8 = html_to_text(w->a, utf8, strlen(utf8));
        buf_adds(&w->body, utf8);
        w->have_body = true;
        w->m->body_from_html = html;
    } else if (!html) {
        /* more text beside pictures (Apple Mail splits the body so) */
        buf_adds(&w->body, "\n\n");
        buf_adds(&w->body, utf8);
    }
}

/* ---- headers ------------------------------------------------------------- */

static bool starts_ci(const char *s, const char *prefix)
{
    return !strncasecmp(s, prefix, strlen(prefix));
}

/* Why the message looks machine-made (RFC 3834 and what mailers do), or
 * NULL. */
static const char *automatic(struct arena *a, GMimeMessage *msg)
{
    GMimeObject *o = GMIME_OBJECT(msg);
    const char *v;
    if ((v = g_mime_object_get_header(o, "Auto-Submitted")) && *one_line(a, v) &&
        !starts_ci(one_line(a, v), "no"))
        return arena_printf(a, "Auto-Submitted: %s", one_line(a, v));
    if ((v = g_mime_object_get_header(o, "Precedence"))) {
        const char *p = one_line(a, v);
        if (starts_ci(p, "bulk") || starts_ci(p, "junk") || starts_ci(p, "list") ||
            starts_ci(p, "auto_reply"))
            return arena_printf(a, "Precedence: %s", p);
    }
    if ((v = g_mime_object_get_header(o, "X-Autoreply")) && starts_ci(one_line(a, v), "yes"))
        return "X-Autoreply: yes";
    if (g_mime_object_get_header(o, "X-Autorespond"))
        return "X-Autorespond";
    if ((v = g_mime_object_get_header(o, "Return-Path")) && !strcmp(one_line(a, v), "<>"))
        return "Return-Path: <> (a bounce)";
    GMimeContentType *ct = g_mime_object_get_content_type(g_mime_message_get_mime_part(msg));
    if (ct && g_mime_content_type_is_type(ct, "multipart", "report"))
        return "multipart/report (a delivery report)";
    return NULL;
}

/* The first mailbox of a list (groups opened). */
static InternetAddressMailbox *first_mailbox(InternetAddressList *list, int depth)
{
    int n = list && depth < 4 ? internet_address_list_length(list) : 0;
    for (int i = 0; i < n; i++) {
        InternetAddress *ia = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
            const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
            if (addr && *addr)
                return INTERNET_ADDRESS_MAILBOX(ia);
        } else if (INTERNET_ADDRESS_IS_GROUP(ia)) {
            InternetAddressMailbox *mb = first_mailbox(
                internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), depth + 1);
            if (mb)
                return mb;
        }
    }
    return NULL;
}

enum err_code mail_parse(struct arena *a, const char *raw, size_t len, struct mail_msg *out,
                         struct err *e)
{
    memset(out, 0, sizeof(*out));
    if (len == 0)
        return err_set(e, ERR_MALFORMED, "the message is empty");
    if (len > MAIL_MAX_BYTES)
        return err_set(e, ERR_TOOBIG, "messages up to %d MiB", MAIL_MAX_BYTES / 1024 / 1024);
    pthread_once(&mime_once, mime_init);
    GMimeParserOptions *opts = g_mime_parser_options_new();
    g_mime_parser_options_set_rfc2047_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_address_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    /* raw 8-bit headers: UTF-8 when they are, else Russian Windows */
    const char *fallback[] = {"utf-8", "windows-1251", NULL};
    g_mime_parser_options_set_fallback_charsets(opts, fallback);
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer(raw, len);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    GMimeMessage *msg = g_mime_parser_construct_message(parser, opts);
    enum err_code rc = ERR_OK;
    InternetAddressMailbox *from = msg ? first_mailbox(g_mime_message_get_from(msg), 0) : NULL;
    if (!msg) {
        rc = err_set(e, ERR_MALFORMED, "not an e-mail message");
    } else if (!from) {
        rc = err_set(e, ERR_MALFORMED, "the message has no From address");
    } else {
        out->from_addr = one_line(a, internet_address_mailbox_get_addr(from));
        out->from_name = one_line(a, internet_address_get_name(INTERNET_ADDRESS(from)));
        out->subject = one_line(a, g_mime_message_get_subject(msg));
        const char *mid = g_mime_message_get_message_id(msg);
        out->message_id = mid && *one_line(a, mid) ? one_line(a, mid) : NULL;
        out->references = thread_ids(a, msg);
        out->automatic = automatic(a, msg);
        out->parts = arena_alloc(a, sizeof(*out->parts) * MAIL_MAX_PARTS);
        struct walker w = {.a = a, .m = out, .body = BUF_INIT};
        walk(&w, g_mime_message_get_mime_part(msg), 0);
        out->body = clean(a, w.body.p ? w.body.p : "", w.body.len);
        buf_release(&w.body);
        if (!*out->from_addr)
            rc = err_set(e, ERR_MALFORMED, "the message has no From address");
    }
    if (msg)
        g_object_unref(msg);
    g_object_unref(parser);
    g_object_unref(stream);
    g_mime_parser_options_free(opts);
    return rc;
}
