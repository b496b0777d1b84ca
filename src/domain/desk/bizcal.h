/* bizcal.h — business-time arithmetic on a working calendar (domain layer).
 *
 * A calendar is working hours per weekday in local time, plus exceptions by
 * date: holidays and days off (not working), short days (closing earlier),
 * working days (a weekend day worked, with Monday's hours). Time zones are
 * fixed UTC offsets: Russia keeps no summer time. Pure functions, no I/O. */
#ifndef SERVITOR_BIZCAL_H
#define SERVITOR_BIZCAL_H

#include <stdbool.h>
#include <stdint.h>

enum bizday_kind { BD_HOLIDAY = 'h', BD_DAY_OFF = 'o', BD_SHORT = 's', BD_WORKING = 'w' };

struct bizday {
    int64_t day; /* days since 1970-01-01 (local date) */
    char kind;   /* enum bizday_kind */
};

struct bizcal {
    int offset_minutes;        /* local time = UTC + offset */
    int open[7], close[7];     /* minutes from local midnight, Monday = 0; open == close: closed */
    int short_minutes;         /* how much earlier a short day closes */
    const struct bizday *days; /* sorted by day */
    int ndays;
};

/* Parses "09:00-18:00" (or "" for a day off) into minutes. */
bool bizcal_parse_hours(const char *s, int *open, int *close);
/* The fixed UTC offset of a Russian time zone name; false when unknown. */
bool bizcal_zone_offset(const char *zone, int *minutes);
/* Maps "holiday", "day_off", "short_day", "working_day" to a kind; 0 if unknown. */
char bizcal_kind(const char *name);

/* The instant `minutes` business minutes after `start` (unix seconds). A
 * start outside working hours counts from the next opening. Gives up after
 * ten years of closed days and returns INT64_MAX. */
int64_t bizcal_add(const struct bizcal *cal, int64_t start, int64_t minutes);
/* Business minutes between two instants (0 when b <= a). */
int64_t bizcal_between(const struct bizcal *cal, int64_t a, int64_t b);

#endif
