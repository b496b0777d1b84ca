/* test_mail.c — unit tests of the e-mail helpers of the desk: request
 * numbers in a subject, the reply text without the quoted letter, HTML to
 * plain text, and what mail_parse makes of edge cases the API tests do not
 * feed (nested multiparts, a forwarded message, robots). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/text.h"
#include "domain/desk/mail.h"
#include "domain/desk/mime.h"

static struct arena A;

static int setup(void **state)
{
    (void)state;
    arena_init(&A, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(&A);
    return 0;
}

/* ---- numbers ------------------------------------------------------------------ */

static int numbers(const char *subject, const char **out)
{
    return mail_subject_numbers(&A, subject, out, 4);
}

static void numbers_with_cyrillic_or_latin_o_with_or_without_brackets(void **state)
{
    (void)state;
    const char *n[4];
    assert_int_equal(numbers("Re: [О-2026-000123] Принтер", n), 1);
    assert_string_equal(n[0], "О-2026-000123");
    assert_int_equal(numbers("RE: O-2026-000124", n), 1);
    assert_string_equal(n[0], "О-2026-000124"); /* Latin O written back as ours */
    assert_int_equal(numbers("о-2026-000125 и (O-2025-1)", n), 2);
    assert_string_equal(n[0], "О-2026-000125");
    assert_string_equal(n[1], "О-2025-1");
}

static void numbers_inside_words_or_malformed_are_not_ours(void **state)
{
    (void)state;
    const char *n[4];
    assert_int_equal(numbers("PO-2026-000123", n), 0);
    assert_int_equal(numbers("ОО-2026-000123", n), 0);
    assert_int_equal(numbers("О-26-000123", n), 0);
    assert_int_equal(numbers("О-2026-", n), 0);
    assert_int_equal(numbers("О-2026-1234567890", n), 0); /* ten digits: too long */
    assert_int_equal(numbers("Order 2026-000123", n), 0);
    assert_int_equal(numbers("", n), 0);
}

/* ---- replies ------------------------------------------------------------------ */

static void reply_text_drops_the_quoted_letter_and_its_attribution(void **state)
{
    (void)state;
    assert_string_equal(
        mail_reply_text(&A, "Да, забирайте.\n\nOn Mon, Anna wrote:\n> Можно забрать?\n>\n> А.\n"),
        "Да, забирайте.");
    assert_string_equal(
        mail_reply_text(&A, "Спасибо\n\n2 марта 2026 г., Иван писал(а):\n> текст\n"), "Спасибо");
    assert_string_equal(mail_reply_text(&A, "Ок\n-----Original Message-----\nFrom: x\nold\n"),
                        "Ок");
}

static void reply_text_keeps_quotes_inside_the_answer_and_an_all_quoted_letter(void **state)
{
    (void)state;
    /* an answer after the quote (bottom-posting) keeps everything */
    assert_string_equal(mail_reply_text(&A, "> вопрос\nответ\n"), "> вопрос\nответ");
    /* nothing would be left: the whole text stays */
    assert_string_equal(mail_reply_text(&A, "> только цитата\n"), "> только цитата");
    /* a colon line that is no attribution stays */
    assert_string_equal(mail_reply_text(&A, "Список:\n> пункт\n"), "Список:");
}

/* ---- HTML --------------------------------------------------------------------- */

static const char *html(const char *s) { return html_to_text(&A, s, strlen(s)); }

static void html_blocks_breaks_and_entities(void **state)
{
    (void)state;
    assert_string_equal(html("<p>Один</p><p>Два<br>три</p>"), "Один\n\nДва\nтри");
    assert_string_equal(html("<div>a</div><div>b</div>"), "a\nb");
    assert_string_equal(html("<ul><li>x</li><li>y</li></ul>"), "- x\n- y");
    assert_string_equal(html("&laquo;A&raquo; &amp; &#1046; &#x416; &nbsp;&lt;b&gt;"),
                        "«A» & Ж Ж <b>");
    assert_string_equal(html("a   \n\t b"), "a b");
    assert_string_equal(html("<table><tr><td>1</td><td>2</td></tr></table>"), "1 2");
}

static void html_hides_scripts_styles_comments_and_keeps_odd_text(void **state)
{
    (void)state;
    assert_string_equal(html("<head><title>T</title><style>p{}</style></head>"
                             "<script>alert(1)</script>x<!-- c -->y"),
                        "xy");
    assert_string_equal(html("a < b & c"), "a < b & c");
    assert_string_equal(html("&#0; &#xD800; &#99999999; &bogus; &"), "&bogus; &");
    assert_string_equal(html("<a href=\"x>y\">link</a>"), "link");
    assert_string_equal(html("<script>never closed"), "");
    assert_string_equal(html(""), "");
}

/* ---- parsing ------------------------------------------------------------------ */

static struct mail_msg parse(const char *raw, enum err_code want)
{
    struct mail_msg m;
    struct err e;
    err_clear(&e);
    assert_int_equal(mail_parse(&A, raw, strlen(raw), &m, &e), want);
    return m;
}

static void parse_nested_multiparts_and_a_forwarded_message(void **state)
{
    (void)state;
    struct mail_msg m = parse("From: a@b.ru\r\n"
                              "Subject: =?windows-1251?Q?=CF=F0=E8=E2=E5=F2?=\r\n"
                              "Content-Type: multipart/mixed; boundary=M\r\n\r\n"
                              "--M\r\n"
                              "Content-Type: multipart/alternative; boundary=A\r\n\r\n"
                              "--A\r\nContent-Type: text/html\r\n\r\n<b>html</b>\r\n"
                              "--A\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
                              "--A--\r\n"
                              "--M\r\nContent-Type: message/rfc822\r\n\r\n"
                              "From: c@d.ru\r\nSubject: old\r\n\r\nold text\r\n"
                              "--M\r\nContent-Type: application/pkcs7-signature\r\n\r\nsig\r\n"
                              "--M--\r\n",
                              ERR_OK);
    assert_string_equal(m.subject, "Привет");
    assert_string_equal(m.body, "plain");
    assert_false(m.body_from_html);
    assert_int_equal(m.nparts, 1); /* the signature is dropped */
    assert_string_equal(m.parts[0].file_name, "old.eml");
    assert_string_equal(m.parts[0].content_type, "message/rfc822");
    assert_non_null(strstr(m.parts[0].data, "old text"));
    assert_null(m.automatic);
}

static void parse_names_files_plainly_and_recognises_robots(void **state)
{
    (void)state;
    struct mail_msg m = parse("From: \"Name\" <x@y.ru>\r\nMessage-ID: <id@y.ru>\r\n"
                              "Precedence: list\r\n"
                              "Content-Type: multipart/mixed; boundary=M\r\n\r\n"
                              "--M\r\nContent-Type: text/plain\r\n\r\nbody\r\n"
                              "--M\r\nContent-Type: image/png\r\n"
                              "Content-Disposition: attachment; filename=\"../../etc/passwd\"\r\n"
                              "\r\nPNG\r\n"
                              "--M\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n"
                              "--M--\r\n",
                              ERR_OK);
    assert_string_equal(m.from_name, "Name");
    assert_string_equal(m.from_addr, "x@y.ru");
    assert_string_equal(m.message_id, "id@y.ru");
    assert_string_equal(m.automatic, "Precedence: list");
    assert_int_equal(m.nparts, 2);
    assert_string_equal(m.parts[0].file_name, ".._.._etc_passwd");
    assert_string_equal(m.parts[1].file_name, "attachment-2.pdf");
    struct mail_msg r = parse("From: x@y.ru\r\nAuto-Submitted: no\r\n\r\nhi\r\n", ERR_OK);
    assert_null(r.automatic);
    r = parse("From: x@y.ru\r\nAuto-Submitted: auto-generated\r\n\r\nhi\r\n", ERR_OK);
    assert_string_equal(r.automatic, "Auto-Submitted: auto-generated");
}

static void parse_refuses_what_has_no_sender(void **state)
{
    (void)state;
    parse("", ERR_MALFORMED);
    parse("Subject: x\r\n\r\nbody\r\n", ERR_MALFORMED);
    parse("From: undisclosed-recipients:;\r\n\r\nbody\r\n", ERR_MALFORMED);
    parse("just some words\n", ERR_MALFORMED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_with_cyrillic_or_latin_o_with_or_without_brackets),
        cmocka_unit_test(numbers_inside_words_or_malformed_are_not_ours),
        cmocka_unit_test(reply_text_drops_the_quoted_letter_and_its_attribution),
        cmocka_unit_test(reply_text_keeps_quotes_inside_the_answer_and_an_all_quoted_letter),
        cmocka_unit_test(html_blocks_breaks_and_entities),
        cmocka_unit_test(html_hides_scripts_styles_comments_and_keeps_odd_text),
        cmocka_unit_test(parse_nested_multiparts_and_a_forwarded_message),
        cmocka_unit_test(parse_names_files_plainly_and_recognises_robots),
        cmocka_unit_test(parse_refuses_what_has_no_sender),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
