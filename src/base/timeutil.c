/* timeutil.c — clock, ISO 8601 dates and times (base layer). */
#include "timeutil.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "banned.h"

static atomic_bool test_enabled;
static atomic_llong test_now; /* 0: not set, the wall clock runs */

int64_t time_now(void)
{
    int64_t t = atomic_load(&test_now);
    return t ? t : (int64_t)time(NULL);
}

void time_test_enable(void) { atomic_store(&test_enabled, true); }

bool time_test_enabled(void) { return atomic_load(&test_enabled); }

bool time_test_set(int64_t now)
{
    if (!atomic_load(&test_enabled) || now <= 0)
        return false;
    atomic_store(&test_now, (long long)now);
    return true;
}

bool time_test_advance(int64_t seconds)
{
    if (!atomic_load(&test_enabled) || seconds < 0)
        return false;
    long long was = atomic_load(&test_now);
    long long next;
    do
        next = (was ? was : (long long)time(NULL)) + seconds;
    while (!atomic_compare_exchange_weak(&test_now, &was, next));
    return true;
}

int64_t time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void time_iso(int64_t t, char out[ISO_TIME_LEN])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, ISO_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_now_iso(char out[ISO_TIME_LEN]) { time_iso(time_now(), out); }

void date_today(char out[ISO_DATE_LEN])
{
    char t[ISO_TIME_LEN];
    time_now_iso(t);
    memcpy(out, t, 10);
    out[10] = 0;
}

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int month_days(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool date_parse(const char *s, int *y, int *m, int *d)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    if (!digits(s, 4, y) || !digits(s + 5, 2, m) || !digits(s + 8, 2, d))
        return false;
    if (*y < 1900 || *y > 2999 || *m < 1 || *m > 12 || *d < 1 || *d > month_days(*y, *m))
        return false;
    return true;
}

/* Days since 1970-01-01 for a proleptic Gregorian date. */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool time_parse(const char *s, int64_t *out)
{
    int y, m, d, hh = 0, mm = 0, ss = 0;
    size_t n = strlen(s);
    char date[11];
    if (n < 10)
        return false;
    memcpy(date, s, 10);
    date[10] = 0;
    if (!date_parse(date, &y, &m, &d))
        return false;
    if (n == 20) {
        if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
            return false;
        if (!digits(s + 11, 2, &hh) || !digits(s + 14, 2, &mm) || !digits(s + 17, 2, &ss))
            return false;
        if (hh > 23 || mm > 59 || ss > 60)
            return false;
    } else if (n != 10) {
        return false;
    }
    *out = days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
    return true;
}

void date_add_months(int y, int m, int d, int months, char out[ISO_DATE_LEN])
{
    int total = y * 12 + (m - 1) + months;
    int ny = total / 12, nm = total % 12 + 1;
    int md = month_days(ny, nm);
    int nd = d > md ? md : d;
    char tmp[32];
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", ny % 10000, nm % 100, nd % 100);
    memcpy(out, tmp, ISO_DATE_LEN - 1);
    out[ISO_DATE_LEN - 1] = 0;
}
