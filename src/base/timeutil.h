/* timeutil.h — clock, ISO 8601 dates and times (base layer).
 * Stored times are UTC text "YYYY-MM-DDTHH:MM:SSZ", dates "YYYY-MM-DD": both
 * sort as text and mean the same on SQLite and PostgreSQL. */
#ifndef SERVITOR_TIMEUTIL_H
#define SERVITOR_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>

#define ISO_TIME_LEN 21 /* "2026-11-27T09:15:00Z" + NUL */
#define ISO_DATE_LEN 11

/* Every reading of the time of day goes through time_now (and what is built
 * on it), so that a test can set the clock: sessions' expiry, SLA deadlines,
 * rate-limit windows and jobs' slots all follow it. */
int64_t time_now(void);    /* unix seconds: the wall clock, or the test clock when set */
int64_t time_now_ms(void); /* the real wall clock in ms (durations, seeds): never the test clock */

/* The test clock, for tests only: off until time_test_enable (the server
 * calls it when started with SERVITOR_TEST_CLOCK=1). Once set, the clock
 * stands still until set or advanced again. time_test_set and
 * time_test_advance return false (and change nothing) when it is off. */
void time_test_enable(void);
bool time_test_enabled(void);
bool time_test_set(int64_t now);
bool time_test_advance(int64_t seconds);
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
