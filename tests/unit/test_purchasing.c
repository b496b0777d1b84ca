/* test_purchasing.c — unit tests of purchase orders' arithmetic
 * (domain/purchasing/orders.c): VAT rates read from their names, the VAT of
 * a line inside or on top of its amount, a price without its VAT (what goods
 * come into stock at), against hand-computed cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/purchasing/orders.h"

static void vat_rates_by_name(void **state)
{
    (void)state;
    assert_int_equal(po_vat_percent("20"), 20);
    assert_int_equal(po_vat_percent("22"), 22);
    assert_int_equal(po_vat_percent("10"), 10);
    assert_int_equal(po_vat_percent("0"), 0);
    assert_int_equal(po_vat_percent("none"), 0);
    assert_int_equal(po_vat_percent(NULL), 0);
}

static void vat_on_top_and_inside(void **state)
{
    (void)state;
    /* 14 814.00 without VAT: 20 % on top is 2 962.80 */
    assert_int_equal(po_vat_of(1481400, 20, false), 296280);
    /* 288 000.00 with 20 % inside: 48 000.00 */
    assert_int_equal(po_vat_of(28800000, 20, true), 4800000);
    /* 100.00 with 10 % inside: 9.0909… → 9.09 */
    assert_int_equal(po_vat_of(10000, 10, true), 909);
    /* 0.05 with 20 % on top: 0.01 (half up) */
    assert_int_equal(po_vat_of(5, 20, false), 1);
    assert_int_equal(po_vat_of(123456, 0, false), 0);
    assert_int_equal(po_vat_of(123456, 0, true), 0);
}

static void price_without_vat(void **state)
{
    (void)state;
    assert_int_equal(po_net_price(14400, 20, true), 12000);  /* 144.00 → 120.00 */
    assert_int_equal(po_net_price(10000, 20, true), 8333);   /* 100.00 → 83.333… → 83.33 */
    assert_int_equal(po_net_price(10000, 20, false), 10000); /* on top: the price is net */
    assert_int_equal(po_net_price(10000, 0, true), 10000);
    assert_int_equal(po_net_price(11000, 10, true), 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vat_rates_by_name),
        cmocka_unit_test(vat_on_top_and_inside),
        cmocka_unit_test(price_without_vat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
