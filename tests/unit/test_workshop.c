/* test_workshop.c — the workshop's pure rules: the warranty decision (the
 * unit's warranty, an earlier repair's own, a contract in force, none; which
 * wins; the last day still counts) and the calendar arithmetic of the legal
 * clock (45 calendar days across months, leap years and year ends). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/workshop/workshop.h"

static void decide(const char *today, const char *unit, const char *repair, const char *contract,
                   struct warranty_decision *d)
{
    struct warranty_facts f = {.today = today,
                               .unit_warranty_until = unit,
                               .repair_until = repair,
                               .repair_number = repair ? "ЗН-2026-000007" : NULL,
                               .contract_number = contract};
    warranty_decide(&f, d);
}

static void the_units_warranty_counts_to_its_last_day(void **state)
{
    (void)state;
    struct warranty_decision d;
    decide("2026-05-10", "2026-05-10", NULL, NULL, &d);
    assert_true(d.warranty);
    assert_int_equal(d.source, WS_UNIT);
    assert_string_equal(d.reason, "гарантия на изделие до 2026-05-10");
    decide("2026-05-11", "2026-05-10", NULL, NULL, &d);
    assert_false(d.warranty);
    assert_int_equal(d.source, WS_NONE);
    assert_string_equal(d.reason, "гарантия на изделие истекла 2026-05-10");
}

static void an_earlier_repair_covers_after_the_units_warranty(void **state)
{
    (void)state;
    struct warranty_decision d;
    decide("2026-05-11", "2026-05-10", "2026-06-01", NULL, &d);
    assert_true(d.warranty);
    assert_int_equal(d.source, WS_REPAIR);
    assert_non_null(strstr(d.reason, "ЗН-2026-000007"));
    decide("2026-06-02", "2026-05-10", "2026-06-01", NULL, &d);
    assert_false(d.warranty);
    /* the unit's warranty is named first when both hold */
    decide("2026-05-01", "2026-05-10", "2026-06-01", "СД-1", &d);
    assert_int_equal(d.source, WS_UNIT);
}

static void a_contract_covers_what_nothing_else_does(void **state)
{
    (void)state;
    struct warranty_decision d;
    decide("2026-05-11", NULL, NULL, "СД-17", &d);
    assert_true(d.warranty);
    assert_int_equal(d.source, WS_CONTRACT);
    assert_string_equal(d.reason, "сервисный договор СД-17");
    decide("2026-05-11", "", "", "", &d);
    assert_false(d.warranty);
    assert_string_equal(d.reason, "нет гарантии и договора");
}

static void the_legal_clock_counts_calendar_days(void **state)
{
    (void)state;
    char out[ISO_DATE_LEN];
    assert_true(date_add_days("2026-01-01", REPAIR_LEGAL_DAYS, out));
    assert_string_equal(out, "2026-02-15");
    assert_true(date_add_days("2026-12-20", 45, out)); /* over the year's end */
    assert_string_equal(out, "2027-02-03");
    assert_true(date_add_days("2028-02-01", 45, out)); /* a leap year's 29 February */
    assert_string_equal(out, "2028-03-17");
    assert_true(date_add_days("2026-02-01", 45, out));
    assert_string_equal(out, "2026-03-18");
    assert_true(date_add_days("2026-03-18", -45, out));
    assert_string_equal(out, "2026-02-01");
    assert_false(date_add_days("2026-02-30", 1, out));
    assert_false(date_add_days(NULL, 1, out));
    int days;
    assert_true(date_diff_days("2026-01-01", "2026-02-15", &days));
    assert_int_equal(days, 45);
    assert_true(date_diff_days("2026-02-15", "2026-01-01", &days));
    assert_int_equal(days, -45);
    assert_true(date_diff_days("2027-12-31", "2028-03-01", &days));
    assert_int_equal(days, 61);
    assert_false(date_diff_days("2026-13-01", "2026-01-01", &days));
}

static void the_day_of_a_claim_is_moscows(void **state)
{
    (void)state;
    char out[ISO_DATE_LEN];
    repair_day_of("2026-03-10T20:59:59Z", out);
    assert_string_equal(out, "2026-03-10");
    repair_day_of("2026-03-10T21:00:00Z", out);
    assert_string_equal(out, "2026-03-11");
}

/* Prices include VAT: a line is qty × price rounded to the kopeck, less the
 * discount; its VAT amount × rate / (100 + rate), rounded per line. */
static void a_lines_money_includes_vat_rounded_per_line(void **state)
{
    (void)state;
    int64_t amount, vat;
    assert_true(repair_line_money(1000, 150000, 0, "20", &amount, &vat));
    assert_int_equal(amount, 150000);
    assert_int_equal(vat, 25000);
    /* 2 × 333,33 = 666,66; VAT 111,11 */
    assert_true(repair_line_money(2000, 33333, 0, "20", &amount, &vat));
    assert_int_equal(amount, 66666);
    assert_int_equal(vat, 11111);
    /* 100 ₽ at 20 %: 16,666… → 16,67; at 22 %: 18,032… → 18,03; at 10 %: 9,0909… →
     * 9,09
     */
    assert_true(repair_line_money(1000, 10001, 1, "20", &amount, &vat));
    assert_int_equal(amount, 10000);
    assert_int_equal(vat, 1667);
    assert_true(repair_line_money(1000, 10000, 0, "22", &amount, &vat));
    assert_int_equal(vat, 1803);
    assert_true(repair_line_money(1000, 10000, 0, "10", &amount, &vat));
    assert_int_equal(vat, 909);
    /* a fraction of a unit: 0,333 m at 10 ₽ is 3,33 ₽ (3,33 exact), 0,0005 rounds up */
    assert_true(repair_line_money(333, 1000, 0, "none", &amount, &vat));
    assert_int_equal(amount, 333);
    assert_int_equal(vat, 0);
    assert_true(repair_line_money(1, 500, 0, "0", &amount, &vat));
    assert_int_equal(amount, 1);
    /* a discount over the line, a bad rate */
    assert_false(repair_line_money(1000, 100, 101, "20", &amount, &vat));
    assert_false(repair_line_money(1000, 100, 0, "18%", &amount, &vat));
    assert_false(repair_line_money(1000, 100, 0, NULL, &amount, &vat));
}

/* ЗоЗПП ст. 28 п. 5: 3 % of the price of the work per calendar day past the
 * agreed date, never more than the price. */
static void the_delay_penalty_is_three_percent_a_day_capped_at_the_price(void **state)
{
    (void)state;
    int days;
    int64_t amount;
    assert_true(repair_penalty(150000, "2026-03-10", "2026-03-10", &days, &amount));
    assert_int_equal(days, 0);
    assert_int_equal(amount, 0);
    assert_true(repair_penalty(150000, "2026-03-10", "2026-03-09", &days, &amount));
    assert_int_equal(days, 0);
    assert_int_equal(amount, 0);
    assert_true(repair_penalty(150000, "2026-03-10", "2026-03-11", &days, &amount));
    assert_int_equal(days, 1);
    assert_int_equal(amount, 4500);
    /* calendar days across a month and the weekends: 28.02 → 10.03 is 10 days */
    assert_true(repair_penalty(150000, "2026-02-28", "2026-03-10", &days, &amount));
    assert_int_equal(days, 10);
    assert_int_equal(amount, 45000);
    /* 3 % of 333,33 ₽ a day for 7 days: 69,9993 → 70,00 */
    assert_true(repair_penalty(33333, "2026-03-01", "2026-03-08", &days, &amount));
    assert_int_equal(amount, 7000);
    /* 33 days: 99 %; 34 days: 102 % → capped at the price */
    assert_true(repair_penalty(150000, "2026-01-01", "2026-02-03", &days, &amount));
    assert_int_equal(days, 33);
    assert_int_equal(amount, 148500);
    assert_true(repair_penalty(150000, "2026-01-01", "2026-02-04", &days, &amount));
    assert_int_equal(days, 34);
    assert_int_equal(amount, 150000);
    assert_true(repair_penalty(150000, "2025-01-01", "2026-02-04", &days, &amount));
    assert_int_equal(amount, 150000);
    assert_false(repair_penalty(150000, "2026-02-30", "2026-03-01", &days, &amount));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_units_warranty_counts_to_its_last_day),
        cmocka_unit_test(an_earlier_repair_covers_after_the_units_warranty),
        cmocka_unit_test(a_contract_covers_what_nothing_else_does),
        cmocka_unit_test(the_legal_clock_counts_calendar_days),
        cmocka_unit_test(the_day_of_a_claim_is_moscows),
        cmocka_unit_test(a_lines_money_includes_vat_rounded_per_line),
        cmocka_unit_test(the_delay_penalty_is_three_percent_a_day_capped_at_the_price),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
