/* validate.c — checks and normal forms of common field formats (core layer). */
#include "validate.h"

#include <string.h>

#include "base/banned.h"

bool phone_normalize(const char *in, char *out, size_t outlen)
{
    char d[32];
    size_t n = 0;
    bool plus = false;
    for (const char *p = in; *p; p++) {
        char c = *p;
        if (c >= '0' && c <= '9') {
            if (n >= sizeof(d) - 1)
                return false;
            d[n++] = c;
        } else if (c == '+' && n == 0 && !plus) {
            plus = true;
        } else if (!strchr(" ()-.\t", c)) {
            return false;
        }
    }
    d[n] = 0;
    const char *digits = d;
    char tmp[32];
    if (!plus && n == 11 && d[0] == '8') {
        tmp[0] = '7';
        memcpy(tmp + 1, d + 1, n);
        digits = tmp;
    } else if (!plus && n == 10) {
        tmp[0] = '7';
        memcpy(tmp + 1, d, n + 1);
        digits = tmp;
        n = 11;
    }
    if (n < 10 || n > 15 || strlen(digits) + 2 > outlen)
        return false;
    out[0] = '+';
    memcpy(out + 1, digits, strlen(digits) + 1);
    return true;
}

bool email_valid(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        return false;
    const char *dot = strrchr(at + 1, '.');
    if (!dot || dot == at + 1 || dot[1] == 0)
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || strchr("<>\"(),;:[]\\", *p))
            return false;
    return true;
}

static int inn_check(const char *s, const int *k, int n)
{
    int sum = 0;
    for (int i = 0; i < n; i++)
        sum += (s[i] - '0') * k[i];
    return sum % 11 % 10;
}

bool inn_valid(const char *s)
{
    size_t n = strlen(s);
    if (n != 10 && n != 12)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    static const int k10[] = {2, 4, 10, 3, 5, 9, 4, 6, 8};
    static const int k11[] = {7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
    static const int k12[] = {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
    if (n == 10)
        return inn_check(s, k10, 9) == s[9] - '0';
    return inn_check(s, k11, 10) == s[10] - '0' && inn_check(s, k12, 11) == s[11] - '0';
}

bool kpp_valid(const char *s)
{
    if (strlen(s) != 9)
        return false;
    for (int i = 0; i < 9; i++) {
        char c = s[i];
        bool digit = c >= '0' && c <= '9';
        bool upper = c >= 'A' && c <= 'Z';
        if ((i == 4 || i == 5) ? !(digit || upper) : !digit)
            return false;
    }
    return true;
}
