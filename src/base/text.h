/* text.h — UTF-8 and text folding (base layer). */
#ifndef SERVITOR_TEXT_H
#define SERVITOR_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* True when s[0..len) is well-formed UTF-8 without NUL bytes or overlongs. */
bool utf8_valid(const char *s, size_t len);
/* The length of the valid UTF-8 character at s (1-4), 0 when it is not one
 * (or is the terminating NUL). */
size_t utf8_char(const char *s);
/* Replaces, in place, every byte that is not part of a well-formed UTF-8
 * sequence with '?'. */
void utf8_sanitize(char *s);

/* Number of code points in valid UTF-8. */
size_t utf8_count(const char *s, size_t len);

/* Appends a search-folded copy of s: Latin and Cyrillic lower-cased, «ё» → «е»,
 * every run of characters other than letters and digits turned into one space. */
void text_fold(struct buf *out, const char *s, size_t len);

/* Appends only the ASCII digits of s. */
void text_digits(struct buf *out, const char *s);

/* True when s has only ASCII whitespace. */
bool text_blank(const char *s);

#endif
