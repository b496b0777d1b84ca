/* test_clocks.c — the workshop's clocks (domain/workshop/clocks.h): the
 * company target in working days against calendar days, the substitute's
 * 3 days from the demand, the unclaimed unit's two months from the delivery
 * of the notice (ГК ст. 192 п. 3: a month without the day ends on its last
 * day; ст. 193: a day off moves the end to the next working day). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/workshop/clocks.h"

static void the_target_counts_working_days_not_calendar_days(void **state)
{
    (void)state;
    struct bizcal cal;
    clock_default_calendar(&cal);
    char out[ISO_DATE_LEN];
    /* Monday + 3 working days: Thursday; the same in calendar days */
    assert_true(clock_add_working_days(&cal, "2026-12-21", 3, out));
    assert_string_equal(out, "2026-12-24");
    assert_true(clock_add_working_days(NULL, "2026-12-21", 3, out));
    assert_string_equal(out, "2026-12-24");
    /* Friday + 3: the weekend is skipped in working days only */
    assert_true(clock_add_working_days(&cal, "2026-12-25", 3, out));
    assert_string_equal(out, "2026-12-30");
    assert_true(clock_add_working_days(NULL, "2026-12-25", 3, out));
    assert_string_equal(out, "2026-12-28");
    /* intake on a Saturday: the first working day is Monday */
    assert_true(clock_add_working_days(&cal, "2026-12-26", 1, out));
    assert_string_equal(out, "2026-12-28");
    assert_false(clock_add_working_days(&cal, "2026-02-30", 1, out));
}

static void holidays_of_the_calendar_are_not_worked(void **state)
{
    (void)state;
    struct bizcal cal;
    clock_default_calendar(&cal);
    int64_t t1;
    assert_true(time_parse("2027-01-01", &t1));
    /* the New Year holidays: 1–8 January 2027 */
    struct bizday days[8];
    for (int i = 0; i < 8; i++)
        days[i] = (struct bizday){t1 / 86400 + i, BD_HOLIDAY};
    cal.days = days, cal.ndays = 8;
    assert_false(clock_working_day(&cal, "2027-01-05"));
    assert_true(clock_working_day(&cal, "2027-01-11"));
    char out[ISO_DATE_LEN];
    assert_true(clock_add_working_days(&cal, "2026-12-30", 2, out));
    assert_string_equal(out, "2027-01-11");
}

static void the_substitute_is_due_three_days_after_the_demand(void **state)
{
    (void)state;
    char out[ISO_DATE_LEN];
    assert_true(clock_loaner_due("2026-12-21", out));
    assert_string_equal(out, "2026-12-24");
    assert_true(clock_loaner_due("2026-12-30", out)); /* across the year; weekends count */
    assert_string_equal(out, "2027-01-02");
    assert_true(clock_loaner_due("2028-02-27", out));
    assert_string_equal(out, "2028-03-01");
}

static void two_months_from_delivery_end_on_the_months_last_day(void **state)
{
    (void)state;
    char out[ISO_DATE_LEN];
    /* ст. 192 п. 3 only (no calendar) */
    assert_true(clock_unclaimed_end(NULL, "2027-12-31", out));
    assert_string_equal(out, "2028-02-29"); /* a leap year */
    assert_true(clock_unclaimed_end(NULL, "2026-12-31", out));
    assert_string_equal(out, "2027-02-28");
    assert_true(clock_unclaimed_end(NULL, "2026-12-30", out));
    assert_string_equal(out, "2027-02-28");
    assert_true(clock_unclaimed_end(NULL, "2026-03-15", out));
    assert_string_equal(out, "2026-05-15");
    /* ст. 193 on a calendar: 28 Feb 2027 is a Sunday → Monday 1 March;
     * 29 Feb 2028 is a Tuesday and stays; 28 Feb 2026 a Saturday → 2 March */
    struct bizcal cal;
    clock_default_calendar(&cal);
    assert_true(clock_unclaimed_end(&cal, "2026-12-31", out));
    assert_string_equal(out, "2027-03-01");
    assert_true(clock_unclaimed_end(&cal, "2027-12-31", out));
    assert_string_equal(out, "2028-02-29");
    assert_true(clock_unclaimed_end(&cal, "2025-12-31", out));
    assert_string_equal(out, "2026-03-02");
    assert_false(clock_unclaimed_end(&cal, "31.12.2026", out));
}

static void a_branch_open_on_saturdays_still_moves_a_saturday_end(void **state)
{
    (void)state;
    struct bizcal cal;
    clock_default_calendar(&cal);
    cal.open[5] = 10 * 60, cal.close[5] = 16 * 60; /* open on Saturdays */
    cal.open[6] = 10 * 60, cal.close[6] = 14 * 60; /* and Sundays */
    char out[ISO_DATE_LEN];
    /* 28 Feb 2026 is a Saturday: a day off in law → Monday 2 March */
    assert_true(clock_unclaimed_end(&cal, "2025-12-31", out));
    assert_string_equal(out, "2026-03-02");
    /* a weekday closed by the branch is a working day in law */
    struct bizcal shut;
    clock_default_calendar(&shut);
    shut.open[0] = shut.close[0] = 0; /* closed on Mondays */
    assert_true(clock_unclaimed_end(&shut, "2025-12-31", out));
    assert_string_equal(out, "2026-03-02");
    /* holidays and a transferred working day of the production calendar:
     * 23 Feb 2026 (Monday) a holiday, a Saturday made a working day */
    int64_t t;
    struct bizday days[2];
    assert_true(time_parse("2026-02-23", &t));
    days[0] = (struct bizday){t / 86400, BD_HOLIDAY};
    assert_true(time_parse("2026-02-28", &t));
    days[1] = (struct bizday){t / 86400, BD_WORKING};
    cal.days = days, cal.ndays = 2;
    assert_true(clock_unclaimed_end(&cal, "2025-12-23", out));
    assert_string_equal(out, "2026-02-24");
    assert_true(clock_unclaimed_end(&cal, "2025-12-31", out));
    assert_string_equal(out, "2026-02-28");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_target_counts_working_days_not_calendar_days),
        cmocka_unit_test(holidays_of_the_calendar_are_not_worked),
        cmocka_unit_test(a_branch_open_on_saturdays_still_moves_a_saturday_end),
        cmocka_unit_test(the_substitute_is_due_three_days_after_the_demand),
        cmocka_unit_test(two_months_from_delivery_end_on_the_months_last_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
