/* text.c — UTF-8 and text folding (base layer). */
#include "text.h"

#include <stdint.h>
#include <string.h>

#include "banned.h"

bool utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        int n;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + (size_t)n >= len)
            return false;
        for (int k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += (size_t)n + 1;
    }
    return true;
}

size_t utf8_char(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned c = s[0];
    if (c < 0x80)
        return c ? 1 : 0;
    int n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
        n = 1;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 2;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 3;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (int k = 1; k <= n; k++) { /* a NUL is no continuation byte: stops here */
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return (size_t)n + 1;
}

void utf8_sanitize(char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned c = (unsigned char)s[i];
        size_t len = c < 0x80             ? 1
                     : (c & 0xE0) == 0xC0 ? 2
                     : (c & 0xF0) == 0xE0 ? 3
                     : (c & 0xF8) == 0xF0 ? 4
                                          : 0;
        if (len && i + len <= n && utf8_valid(s + i, len)) {
            i += len;
        } else {
            s[i] = '?';
            i++;
        }
    }
}

size_t utf8_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* Decodes one code point from valid UTF-8; returns its byte length. */
static int utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned c = s[0];
    if (c < 0x80 || len < 2) {
        *cp = c;
        return 1;
    }
    if ((c & 0xE0) == 0xC0) {
        *cp = ((c & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if ((c & 0xF0) == 0xE0 && len >= 3) {
        *cp = ((c & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    if (len >= 4) {
        *cp = ((c & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        return 4;
    }
    *cp = c;
    return 1;
}

static void utf8_put(struct buf *out, uint32_t cp)
{
    char b[4];
    if (cp < 0x80) {
        buf_addch(out, (char)cp);
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        buf_add(out, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        buf_add(out, b, 3);
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        buf_add(out, b, 4);
    }
}

/* Lower-cases Latin and Cyrillic, folds ё to е; returns 0 for a separator. */
static uint32_t fold_cp(uint32_t cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
        return cp;
    if (cp < 0x80)
        return 0;
    if (cp == 0x401 || cp == 0x451) /* Ё ё */
        return 0x435;
    if (cp >= 0x410 && cp <= 0x42F) /* А..Я */
        return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40F) /* Ѐ..Џ */
        return cp + 0x50;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) /* Latin-1 capitals */
        return cp + 0x20;
    if (cp >= 0x80 && cp < 0xC0) /* Latin-1 punctuation, NBSP, «» */
        return 0;
    if (cp >= 0x2000 && cp <= 0x206F) /* general punctuation: dashes, quotes */
        return 0;
    return cp;
}

void text_fold(struct buf *out, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    /* a separator becomes one space, written only before the next word */
    bool pending = false;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        int n = utf8_decode(s + i, len - i, &cp);
        i += (size_t)n;
        uint32_t f = fold_cp(cp);
        if (f == 0) {
            pending = true;
            continue;
        }
        if (pending && out->len && out->p[out->len - 1] != ' ')
            buf_addch(out, ' ');
        pending = false;
        utf8_put(out, f);
    }
}

void text_digits(struct buf *out, const char *s)
{
    for (; *s; s++)
        if (*s >= '0' && *s <= '9')
            buf_addch(out, *s);
}

bool text_blank(const char *s)
{
    for (; *s; s++)
        if (!strchr(" \t\r\n", *s))
            return false;
    return true;
}
