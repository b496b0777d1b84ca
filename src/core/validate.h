/* validate.h — checks and normal forms of common field formats (core layer). */
#ifndef SERVITOR_VALIDATE_H
#define SERVITOR_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

/* Normalises a phone to "+<digits>": Russian 8XXXXXXXXXX and 10-digit
 * numbers become +7…; separators ( ) - . and spaces are dropped. False when
 * it is not a phone number (letters, fewer than 10 or more than 15 digits). */
bool phone_normalize(const char *in, char *out, size_t outlen);
bool email_valid(const char *s);
/* Russian ИНН: 10 digits (organisations) or 12 (individuals), check digits. */
bool inn_valid(const char *s);
/* Russian КПП: NNNNPPNNN, P a digit or capital Latin letter. */
bool kpp_valid(const char *s);

#endif
