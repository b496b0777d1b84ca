/* timeutil.h — clock, ISO 8601 dates and times (base layer).
 * Stored times are UTC text "YYYY-MM-DDTHH:MM:SSZ", dates "YYYY-MM-DD": both
 * sort as text and mean the same on SQLite and PostgreSQL. */
#ifndef SERVITOR_TIMEUTIL_H
#define SERVITOR_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>

#define ISO_TIME_LEN 21 /* "2026-11-27T09:15:00Z" + NUL */
#define ISO_DATE_LEN 11

int64_t time_now(void);    /* unix seconds */
int64_t time_now_ms(void); /* monotonic-ish wall clock in ms */
void time_iso(int64_t t, char out[ISO_TIME_LEN]);
void time_now_iso(char out[ISO_TIME_LEN]);
void date_today(char out[ISO_DATE_LEN]);

/* Parses a real calendar date "YYYY-MM-DD" (years 1900..2999). */
bool date_parse(const char *s, int *y, int *m, int *d);
/* Parses "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" into unix seconds. */
bool time_parse(const char *s, int64_t *out);
/* out = date + months, the day clamped to the month's length. */
void date_add_months(int y, int m, int d, int months, char out[ISO_DATE_LEN]);

#endif
