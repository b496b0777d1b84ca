/* test_bizcal.c — business-time arithmetic: weekends, holidays, short days,
 * transferred days, requests made outside hours, pauses across nights, time
 * zones, and the round trip between adding and measuring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/timeutil.h"
#include "domain/desk/bizcal.h"

/* The 2026 Russian production calendar (shared/data), as the tests need it. */
static const struct {
    const char *date;
    char kind;
} ru2026[] = {
    {"2026-01-01", BD_HOLIDAY}, {"2026-01-02", BD_HOLIDAY}, {"2026-01-05", BD_HOLIDAY},
    {"2026-01-06", BD_HOLIDAY}, {"2026-01-07", BD_HOLIDAY}, {"2026-01-08", BD_HOLIDAY},
    {"2026-01-09", BD_DAY_OFF}, {"2026-02-23", BD_HOLIDAY}, {"2026-03-09", BD_DAY_OFF},
    {"2026-04-30", BD_SHORT},   {"2026-05-01", BD_HOLIDAY}, {"2026-05-08", BD_SHORT},
    {"2026-05-11", BD_DAY_OFF}, {"2026-06-11", BD_SHORT},   {"2026-06-12", BD_HOLIDAY},
    {"2026-11-03", BD_SHORT},   {"2026-11-04", BD_HOLIDAY}, {"2026-12-31", BD_DAY_OFF},
};

static struct bizday loaded[32];

static struct bizcal moscow(void)
{
    struct bizcal c = {.offset_minutes = 180, .short_minutes = 60};
    for (int d = 0; d < 5; d++) {
        c.open[d] = 9 * 60;
        c.close[d] = 18 * 60;
    }
    for (unsigned i = 0; i < sizeof(ru2026) / sizeof(ru2026[0]); i++) {
        int64_t t;
        time_parse(ru2026[i].date, &t);
        loaded[i].day = t / 86400;
        loaded[i].kind = ru2026[i].kind;
    }
    c.days = loaded;
    c.ndays = (int)(sizeof(ru2026) / sizeof(ru2026[0]));
    return c;
}

static int64_t T(const char *iso)
{
    int64_t t;
    assert_true(time_parse(iso, &t));
    return t;
}

static void assert_time(int64_t got, const char *want)
{
    char s[ISO_TIME_LEN];
    time_iso(got, s);
    assert_string_equal(s, want);
}

static void within_one_working_day(void **state)
{
    (void)state;
    struct bizcal c = moscow();
    /* Fri 27.11.2026 10:00 MSK + 2 h = 12:00 MSK */
    assert_time(bizcal_add(&c, T("2026-11-27T07:00:00Z"), 120), "2026-11-27T09:00:00Z");
}

static void across_a_weekend(void **state)
{
    (void)state;
    struct bizcal c = moscow();
    /* Fri 17:00 + 2 h = Mon 10:00 */
    assert_time(bizcal_add(&c, T("2026-11-27T14:00:00Z"), 120), "2026-11-30T07:00:00Z");
}

static void made_outside_hours_counts_from_the_next_opening(void **state)
{
    (void)state;
    struct bizcal c = moscow();
    /* Sat 12:00 + 1 h = Mon 10:00; Mon 07:00 + 30 min = Mon 09:30; Thu 23:00 + 1 h = Fri 10:00 */
    assert_time(bizcal_add(&c, T("2026-11-28T09:00:00Z"), 60), "2026-11-30T07:00:00Z");
    assert_time(bizcal_add(&c, T("2026-11-30T04:00:00Z"), 30), "2026-11-30T06:30:00Z");
    assert_time(bizcal_add(&c, T("2026-11-26T20:00:00Z"), 60), "2026-11-27T07:00:00Z");
}

static void a_short_day_then_a_holiday(void **state)
{
    (void)state;
    struct bizcal c = moscow();
    /* Tue 03.11 is short (until 17:00), Wed 04.11 a holiday: 16:00 + 2 h = Thu 05.11 10:00 */
    assert_time(bizcal_add(&c, T("2026-11-03T13:00:00Z"), 120), "2026-11-05T07:00:00Z");
    /* and after 17:00 on the short day nothing counts */
    assert_int_equal(bizcal_between(&c, T("2026-11-03T14:00:00Z"), T("2026-11-04T15:00:00Z")), 0);
}

static void the_new_year_holidays(void **state)
{
    (void)state;
    struct bizcal c = moscow();
    /* Wed 31.12.2025 17:00 + 2 h: 1 h that day, then 1–11 January off → Mon 12.01 10:00 */
    assert_time(bizcal_add(&c, T("2025-12-31T14:00:00Z"), 120), "2026-01-12T07:00:00Z");
    /* 31.12.2026 is a transferred day off */
    assert_int_equal(bizcal_between(&c, T("2026-12-31T00:00:00Z"), T("2027-01-01T00:00:00Z")), 0);
}

static void a_weekend_made_working_uses_monday_hours(void **state)
{
    (void)state;
    struct bizcal c = moscow();
    struct bizday extra[40];
    memcpy(extra, c.days, sizeof(struct bizday) * (size_t)c.ndays);
    int64_t sat = T("2026-11-28") / 86400;
    int n = c.ndays;
    /* insert keeping the order (28.11 is after 04.11 and before 31.12) */
    memmove(&extra[n - 0], &extra[n - 1], sizeof(struct bizday));
    extra[n - 1] = (struct bizday){sat, BD_WORKING};
    c.days = extra;
    c.ndays = n + 1;
    assert_time(bizcal_add(&c, T("2026-11-27T14:00:00Z"), 120), "2026-11-28T07:00:00Z");
}

static void pauses_across_nights_count_only_working_minutes(void **state)
{
    (void)state;
    struct bizcal c = moscow();
    /* paused Tue 24.11 17:30 → Wed 25.11 09:30: 30 + 30 minutes */
    assert_int_equal(bizcal_between(&c, T("2026-11-24T14:30:00Z"), T("2026-11-25T06:30:00Z")), 60);
    /* Fri 17:00 → Mon 10:00 */
    assert_int_equal(bizcal_between(&c, T("2026-11-27T14:00:00Z"), T("2026-11-30T07:00:00Z")), 120);
    assert_int_equal(bizcal_between(&c, T("2026-11-30T07:00:00Z"), T("2026-11-27T14:00:00Z")), 0);
}

static void another_time_zone(void **state)
{
    (void)state;
    struct bizcal c = moscow();
    int off;
    assert_true(bizcal_zone_offset("Asia/Yekaterinburg", &off));
    c.offset_minutes = off;
    /* Fri 10:00 in Yekaterinburg is 05:00 UTC; + 1 h = 06:00 UTC */
    assert_time(bizcal_add(&c, T("2026-11-27T05:00:00Z"), 60), "2026-11-27T06:00:00Z");
    assert_false(bizcal_zone_offset("Mars/Olympus", &off));
}

static void adding_then_measuring_gives_the_same_minutes(void **state)
{
    (void)state;
    struct bizcal c = moscow();
    uint64_t r = 12345;
    for (int i = 0; i < 2000; i++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        int64_t start = T("2025-12-01T00:00:00Z") + (int64_t)(r >> 33) % (400 * 86400);
        int64_t minutes = (int64_t)((r >> 13) % 5000);
        int64_t due = bizcal_add(&c, start, minutes);
        assert_int_equal(bizcal_between(&c, start, due), minutes);
    }
}

static void hours_are_parsed_strictly(void **state)
{
    (void)state;
    int o, cl;
    assert_true(bizcal_parse_hours("09:00-18:00", &o, &cl));
    assert_int_equal(o, 540);
    assert_int_equal(cl, 1080);
    assert_true(bizcal_parse_hours("", &o, &cl));
    assert_int_equal(o, cl);
    assert_false(bizcal_parse_hours("18:00-09:00", &o, &cl));
    assert_false(bizcal_parse_hours("9:00-18:00", &o, &cl));
    assert_false(bizcal_parse_hours("09:60-18:00", &o, &cl));
    assert_false(bizcal_parse_hours("09:00-25:00", &o, &cl));
    assert_int_equal(bizcal_kind("short_day"), BD_SHORT);
    assert_int_equal(bizcal_kind("weekend"), 0);
}

static void a_calendar_with_no_working_time_gives_up(void **state)
{
    (void)state;
    struct bizcal c = {.offset_minutes = 0};
    assert_true(bizcal_add(&c, 0, 10) == INT64_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(within_one_working_day),
        cmocka_unit_test(across_a_weekend),
        cmocka_unit_test(made_outside_hours_counts_from_the_next_opening),
        cmocka_unit_test(a_short_day_then_a_holiday),
        cmocka_unit_test(the_new_year_holidays),
        cmocka_unit_test(a_weekend_made_working_uses_monday_hours),
        cmocka_unit_test(pauses_across_nights_count_only_working_minutes),
        cmocka_unit_test(another_time_zone),
        cmocka_unit_test(adding_then_measuring_gives_the_same_minutes),
        cmocka_unit_test(hours_are_parsed_strictly),
        cmocka_unit_test(a_calendar_with_no_working_time_gives_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
