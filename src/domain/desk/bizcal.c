/* bizcal.c — business-time arithmetic on a working calendar (domain layer). */
#include "bizcal.h"

#include <string.h>

#include "base/banned.h"

static const struct {
    const char *zone;
    int hours;
} zones[] = {
    {"Europe/Kaliningrad", 2},
    {"Europe/Moscow", 3},
    {"Europe/Samara", 4},
    {"Asia/Yekaterinburg", 5},
    {"Asia/Omsk", 6},
    {"Asia/Novosibirsk", 7},
    {"Asia/Krasnoyarsk", 7},
    {"Asia/Irkutsk", 8},
    {"Asia/Yakutsk", 9},
    {"Asia/Vladivostok", 10},
    {"Asia/Magadan", 11},
    {"Asia/Kamchatka", 12},
    {"UTC", 0},
};

bool bizcal_zone_offset(const char *zone, int *minutes)
{
    for (unsigned i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
        if (strcmp(zones[i].zone, zone) == 0) {
            *minutes = zones[i].hours * 60;
            return true;
        }
    return false;
}

char bizcal_kind(const char *name)
{
    if (!strcmp(name, "holiday"))
        return BD_HOLIDAY;
    if (!strcmp(name, "day_off"))
        return BD_DAY_OFF;
    if (!strcmp(name, "short_day"))
        return BD_SHORT;
    if (!strcmp(name, "working_day"))
        return BD_WORKING;
    return 0;
}

static bool hhmm(const char *s, int *out)
{
    if (!(s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' && s[2] == ':' && s[3] >= '0' &&
          s[3] <= '5' && s[4] >= '0' && s[4] <= '9'))
        return false;
    int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
    if (h > 24 || (h == 24 && m))
        return false;
    *out = h * 60 + m;
    return true;
}

bool bizcal_parse_hours(const char *s, int *open, int *close)
{
    if (!s || !*s) {
        *open = *close = 0;
        return true;
    }
    if (strlen(s) != 11 || s[5] != '-' || !hhmm(s, open) || !hhmm(s + 6, close))
        return false;
    return *open < *close;
}

static const struct bizday *exception(const struct bizcal *cal, int64_t day)
{
    int lo = 0, hi = cal->ndays - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (cal->days[mid].day == day)
            return &cal->days[mid];
        if (cal->days[mid].day < day)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* The working window [open, close) of a local day in minutes from its
 * midnight; open == close when the day is not worked. */
static void window(const struct bizcal *cal, int64_t day, int *open, int *close)
{
    int wd = (int)((day % 7 + 7 + 3) % 7); /* 1970-01-01 was a Thursday: Monday = 0 */
    *open = cal->open[wd];
    *close = cal->close[wd];
    const struct bizday *x = exception(cal, day);
    if (!x)
        return;
    switch (x->kind) {
    case BD_HOLIDAY:
    case BD_DAY_OFF:
        *open = *close = 0;
        break;
    case BD_SHORT:
        if (*close > *open)
            *close = *close - cal->short_minutes > *open ? *close - cal->short_minutes : *open;
        break;
    case BD_WORKING:
        if (*open == *close) {
            *open = cal->open[0];
            *close = cal->close[0];
        }
        break;
    }
}

int64_t bizcal_add(const struct bizcal *cal, int64_t start, int64_t minutes)
{
    int64_t local = start + (int64_t)cal->offset_minutes * 60;
    int64_t day = floor_div(local, 86400);
    int64_t sec = local - day * 86400; /* seconds into the local day */
    int64_t left = minutes * 60;
    for (int guard = 0; guard < 3660; guard++, day++, sec = 0) {
        int open, close;
        window(cal, day, &open, &close);
        int64_t from = sec > (int64_t)open * 60 ? sec : (int64_t)open * 60;
        int64_t to = (int64_t)close * 60;
        if (from < to) {
            if (left <= to - from)
                return day * 86400 + from + left - (int64_t)cal->offset_minutes * 60;
            left -= to - from;
        }
    }
    return INT64_MAX;
}

int64_t bizcal_between(const struct bizcal *cal, int64_t a, int64_t b)
{
    if (b <= a)
        return 0;
    int64_t off = (int64_t)cal->offset_minutes * 60;
    int64_t la = a + off, lb = b + off;
    int64_t total = 0;
    for (int64_t day = floor_div(la, 86400); day * 86400 < lb; day++) {
        int open, close;
        window(cal, day, &open, &close);
        int64_t from = day * 86400 + (int64_t)open * 60, to = day * 86400 + (int64_t)close * 60;
        if (from < la)
            from = la;
        if (to > lb)
            to = lb;
        if (from < to)
            total += to - from;
        if (day - floor_div(la, 86400) > 3660)
            break;
    }
    return total / 60;
}
