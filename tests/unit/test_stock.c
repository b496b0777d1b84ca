/* test_stock.c — unit tests of the stock ledger's arithmetic
 * (domain/stock/ledger.c): values of quantities in thousandths at a unit
 * cost, the moving-average cost after receipts, the value that leaves with
 * an issue, against hand-computed cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/stock/stock.h"

static void value_of_whole_and_fractional_quantities(void **state)
{
    (void)state;
    assert_int_equal(stock_value_of(1000, 12345), 12345); /* 1 pc × 123.45 */
    assert_int_equal(stock_value_of(3000, 10000), 30000); /* 3 × 100.00 */
    assert_int_equal(stock_value_of(2500, 2500), 6250);   /* 2.5 m × 25.00 */
    assert_int_equal(stock_value_of(1, 1), 0);            /* 0.001 × 0.01 rounds to 0 */
    assert_int_equal(stock_value_of(500, 1), 1);    /* 0.5 × 0.01 = 0.005 → 0.01 (half up) */
    assert_int_equal(stock_value_of(333, 100), 33); /* 0.333 × 1.00 = 0.333 → 0.33 */
    assert_int_equal(stock_value_of(-2000, 700), -1400); /* out: negative, the same magnitude */
    assert_int_equal(stock_value_of(-500, 1), -1);       /* half away from zero both ways */
}

static void value_of_the_largest_line_does_not_overflow(void **state)
{
    (void)state;
    /* a million units at a billion roubles: 10^17 kopecks, held exactly */
    assert_int_equal(stock_value_of(STOCK_QTY_MAX, STOCK_COST_MAX), 100000000000000000LL);
}

/* Receipts of 10 at 100.00 and 5 at 160.00: 1 800.00 for 15, 120.00 each. */
static void moving_average_after_two_receipts(void **state)
{
    (void)state;
    int64_t on_hand = 0, value = 0;
    on_hand += 10000, value += stock_value_of(10000, 10000);
    assert_int_equal(stock_unit_cost(on_hand, value), 10000);
    on_hand += 5000, value += stock_value_of(5000, 16000);
    assert_int_equal(value, 180000);
    assert_int_equal(stock_unit_cost(on_hand, value), 12000);
    /* an issue of 4 leaves at the average: 480.00, the average stays */
    int64_t out = stock_value_out(on_hand, value, 4000);
    assert_int_equal(out, 48000);
    on_hand -= 4000, value -= out;
    assert_int_equal(stock_unit_cost(on_hand, value), 12000);
    /* a receipt of 1 at 340.00: (1 320 + 340) / 12 = 138.33… */
    on_hand += 1000, value += stock_value_of(1000, 34000);
    assert_int_equal(stock_unit_cost(on_hand, value), 13833);
}

/* 3 pieces worth 100.00 together: 33.33, 33.33, then the last takes 33.34,
 * so the value never strays from what was paid. */
static void issues_share_the_value_and_the_last_takes_what_is_left(void **state)
{
    (void)state;
    int64_t on_hand = 3000, value = 10000;
    int64_t a = stock_value_out(on_hand, value, 1000);
    on_hand -= 1000, value -= a;
    int64_t b = stock_value_out(on_hand, value, 1000);
    on_hand -= 1000, value -= b;
    int64_t c = stock_value_out(on_hand, value, 1000);
    assert_int_equal(a, 3333);
    assert_int_equal(b, 3334); /* 6667 / 2 = 3333.5 → 3334 */
    assert_int_equal(c, 3333);
    assert_int_equal(a + b + c, 10000);
    assert_int_equal(stock_value_out(2000, 777, 2000), 777); /* all of it: all the value */
    assert_int_equal(stock_value_out(2000, 777, 5000), 777); /* never more than there is */
}

static void unit_cost_of_nothing_is_zero(void **state)
{
    (void)state;
    assert_int_equal(stock_unit_cost(0, 0), 0);
    assert_int_equal(stock_unit_cost(0, 500), 0);
    assert_int_equal(stock_unit_cost(250, 625), 2500); /* 0.25 m worth 6.25: 25.00 a metre */
}

static void posting_kinds_say_which_way_goods_go(void **state)
{
    (void)state;
    assert_true(stock_posting_kind("receipt")->incoming);
    assert_true(stock_posting_kind("return_in")->incoming);
    assert_false(stock_posting_kind("issue")->incoming);
    assert_false(stock_posting_kind("transfer")->incoming);
    assert_int_equal(stock_posting_kind("transfer")->move, SM_TRANSFER_OUT);
    assert_null(stock_posting_kind("adjustment")); /* counts make those */
    assert_null(stock_posting_kind(NULL));
    assert_string_equal(stock_move_kinds[SM_REVERSAL], "reversal");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(value_of_whole_and_fractional_quantities),
        cmocka_unit_test(value_of_the_largest_line_does_not_overflow),
        cmocka_unit_test(moving_average_after_two_receipts),
        cmocka_unit_test(issues_share_the_value_and_the_last_takes_what_is_left),
        cmocka_unit_test(unit_cost_of_nothing_is_zero),
        cmocka_unit_test(posting_kinds_say_which_way_goods_go),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
