/* test_validate.c — unit tests of core/validate: the normal form of phone
 * numbers and the checks of e-mail addresses, ИНН and КПП. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/company.h"
#include "core/validate.h"

/* ---- phones ------------------------------------------------------------------ */

static const char *phone(const char *in)
{
    static char out[32];
    return phone_normalize(in, out, sizeof(out)) ? out : NULL;
}

static void phone_with_trunk_prefix_8_becomes_plus_7(void **state)
{
    (void)state;
    assert_string_equal(phone("89123456789"), "+79123456789");
    assert_string_equal(phone("8 (912) 345-67-89"), "+79123456789");
    assert_string_equal(phone("8.912.345.67.89"), "+79123456789");
    assert_string_equal(phone("8\t912 345 67 89"), "+79123456789");
    assert_string_equal(phone("  8-800-555-35-35  "), "+78005553535");
}

static void phone_with_plus_keeps_its_country_code(void **state)
{
    (void)state;
    assert_string_equal(phone("+79123456789"), "+79123456789");
    assert_string_equal(phone("+7 (912) 345-67-89"), "+79123456789");
    assert_string_equal(phone("+44 20 7946 0958"), "+442079460958");
    assert_string_equal(phone("+375 29 123-45-67"), "+375291234567");
    /* with a plus the digits are taken as written: +8… is not rewritten */
    assert_string_equal(phone("+89123456789"), "+89123456789");
    assert_string_equal(phone("+123456789012345"), "+123456789012345"); /* 15: the E.164 max */
}

static void phone_of_ten_digits_is_a_russian_number_without_prefix(void **state)
{
    (void)state;
    assert_string_equal(phone("9123456789"), "+79123456789");
    assert_string_equal(phone("(912) 345-67-89"), "+79123456789");
    assert_string_equal(phone("4951234567"), "+74951234567");
    /* eleven digits starting with 7 already carry the country code */
    assert_string_equal(phone("7 912 345 67 89"), "+79123456789");
}

static void phone_with_letters_or_other_symbols_is_refused(void **state)
{
    (void)state;
    const char *bad[] = {
        "8912345678a",
        "+7 912 ABC 67 89",
        "8 912 345 67 89 доб. 12",
        "8912345678#",
        "8/912/3456789",
        "tel:+79123456789",
        "+7 912 345 67 89,",
        "8 912 345 67 89 ext 5",
        "8\u00A0912 345 67 89", /* NBSP is not a separator here */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (phone(bad[i]))
            fail_msg("phone_normalize accepted '%s'", bad[i]);
}

static void phone_plus_is_only_allowed_once_at_the_start(void **state)
{
    (void)state;
    assert_null(phone("7+9123456789"));
    assert_null(phone("++79123456789"));
    assert_null(phone("+7+9123456789"));
    assert_string_equal(phone("(+7) 912 345 67 89"), "+79123456789"); /* punctuation before */
}

static void phone_too_short_or_too_long_is_refused(void **state)
{
    (void)state;
    assert_null(phone(""));
    assert_null(phone("+"));
    assert_null(phone("()- ."));
    assert_null(phone("12345"));
    assert_null(phone("123456789"));                          /* 9 digits */
    assert_null(phone("+123456789"));                         /* 9 with a plus */
    assert_string_equal(phone("+1234567890"), "+1234567890"); /* 10 with a plus: kept */
    assert_null(phone("1234567890123456"));                   /* 16 */
    assert_null(phone("+1234567890123456"));
    assert_null(phone("12345678901234567890123456789012345")); /* past the digit buffer */
}

static void phone_refuses_an_output_buffer_too_small(void **state)
{
    (void)state;
    char out[13];
    assert_true(phone_normalize("89123456789", out, 13)); /* "+79123456789" + NUL */
    assert_string_equal(out, "+79123456789");
    memset(out, 'x', sizeof(out));
    assert_false(phone_normalize("89123456789", out, 12));
    assert_int_equal(out[0], 'x'); /* nothing written */
}

/* ---- e-mail -------------------------------------------------------------------- */

static void email_accepts_ordinary_addresses(void **state)
{
    (void)state;
    assert_true(email_valid("a@b.ru"));
    assert_true(email_valid("ivan.petrov+service@mail.example.com"));
    assert_true(email_valid("info@сервис.рф")); /* international domain as written */
    assert_true(email_valid("o'brien@example.org"));
}

static void email_refuses_addresses_without_local_part_domain_or_dot(void **state)
{
    (void)state;
    const char *bad[] = {
        "",           "plain",    "@mail.ru", "a@",       "a@b",         "a@.ru",
        "a@b.",       "a@@b.ru",  "a@b@c.ru", "a b@c.ru", "a@b .ru",     "a<b>@c.ru",
        "\"a\"@c.ru", "a,b@c.ru", "a;b@c.ru", "a:b@c.ru", "a@[1.2.3.4]", "a\\b@c.ru",
        "a(b)@c.ru",  "a@b.ru\n", "\ta@b.ru", "a@b.ru ",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (email_valid(bad[i]))
            fail_msg("email_valid accepted '%s'", bad[i]);
}

/* ---- ИНН ------------------------------------------------------------------------ */

static void inn_accepts_real_numbers_with_correct_check_digits(void **state)
{
    (void)state;
    assert_true(inn_valid("7707083893")); /* an organisation: 10 digits */
    assert_true(inn_valid("7736207543"));
    assert_true(inn_valid("7830002293"));
    assert_true(inn_valid("500100732259")); /* a person: 12 digits, two check digits */
}

static void inn_refuses_wrong_check_digits(void **state)
{
    (void)state;
    for (char c = '0'; c <= '9'; c++) {
        char s[] = "7707083893";
        s[9] = c;
        if (c != '3')
            assert_false(inn_valid(s));
    }
    assert_false(inn_valid("7707083839"));   /* two digits swapped */
    assert_false(inn_valid("500100732250")); /* first check digit right, second wrong */
    assert_false(inn_valid("500100732266")); /* second consistent with a wrong first */
    assert_false(inn_valid("500100732269"));
}

static void inn_refuses_wrong_lengths(void **state)
{
    (void)state;
    const char *bad[] = {"", "7", "770708389", "77070838930", "5001007322590", "50010073225"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (inn_valid(bad[i]))
            fail_msg("inn_valid accepted '%s'", bad[i]);
}

static void inn_refuses_anything_but_digits(void **state)
{
    (void)state;
    const char *bad[] = {"77070838a3",           "7707 83893",  "+707083893",  "-707083893",
                         "７７０７０８３８９３", " 7707083893", "7707083893 ", "770708389O"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (inn_valid(bad[i]))
            fail_msg("inn_valid accepted '%s'", bad[i]);
}

/* ---- КПП ------------------------------------------------------------------------ */

static void kpp_is_nine_digits_with_a_code_of_digits_or_capitals_in_the_middle(void **state)
{
    (void)state;
    assert_true(kpp_valid("773601001"));
    assert_true(kpp_valid("7736AB001"));
    assert_true(kpp_valid("77360Z001"));
    assert_true(kpp_valid("7736Z9001"));
    const char *bad[] = {"",          "77360100",  "7736010011", "A73601001", "773601A01",
                         "7736ab001", "7736АБ001", "7736 1001",  "77360100-", "77360100\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (kpp_valid(bad[i]))
            fail_msg("kpp_valid accepted '%s'", bad[i]);
}

/* ---- the company's requisites (core/company.c) ---- */

static void ogrn_and_ogrnip_have_their_check_digit(void **state)
{
    (void)state;
    assert_true(ogrn_valid("1027700132195")); /* ПАО Сбербанк: 102770013219 mod 11 = 5 */
    assert_false(ogrn_valid("1027700132196"));  /* a wrong check digit */
    assert_true(ogrn_valid("304500116000157")); /* ОГРНИП: 30450011600015 mod 13 = 7 */
    assert_false(ogrn_valid("304500116000158"));
    assert_false(ogrn_valid("10277001321")); /* neither 13 nor 15 digits */
    assert_false(ogrn_valid("102770013219X"));
    assert_false(ogrn_valid(""));
}

static void accounts_carry_the_bank_of_russia_key_of_their_bik(void **state)
{
    (void)state;
    assert_true(bik_valid("044525225"));
    assert_false(bik_valid("04452522"));
    assert_false(bik_valid("04452522a"));
    /* р/с keyed with the БИК's last three digits, к/с with "0" and its 5th–6th */
    assert_true(bank_account_valid("40702810938000012345", "044525225"));
    assert_false(bank_account_valid("40702810038000012345", "044525225"));
    assert_true(corr_account_valid("30101810400000000225", "044525225"));
    assert_false(corr_account_valid("30101810400000000226", "044525225"));
    /* without a БИК only the form is checked */
    assert_true(bank_account_valid("40702810038000012345", ""));
    assert_false(bank_account_valid("4070281003800001234", ""));
    assert_false(corr_account_valid("3010181040000000022x", NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(phone_with_trunk_prefix_8_becomes_plus_7),
        cmocka_unit_test(ogrn_and_ogrnip_have_their_check_digit),
        cmocka_unit_test(accounts_carry_the_bank_of_russia_key_of_their_bik),
        cmocka_unit_test(phone_with_plus_keeps_its_country_code),
        cmocka_unit_test(phone_of_ten_digits_is_a_russian_number_without_prefix),
        cmocka_unit_test(phone_with_letters_or_other_symbols_is_refused),
        cmocka_unit_test(phone_plus_is_only_allowed_once_at_the_start),
        cmocka_unit_test(phone_too_short_or_too_long_is_refused),
        cmocka_unit_test(phone_refuses_an_output_buffer_too_small),
        cmocka_unit_test(email_accepts_ordinary_addresses),
        cmocka_unit_test(email_refuses_addresses_without_local_part_domain_or_dot),
        cmocka_unit_test(inn_accepts_real_numbers_with_correct_check_digits),
        cmocka_unit_test(inn_refuses_wrong_check_digits),
        cmocka_unit_test(inn_refuses_wrong_lengths),
        cmocka_unit_test(inn_refuses_anything_but_digits),
        cmocka_unit_test(kpp_is_nine_digits_with_a_code_of_digits_or_capitals_in_the_middle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
