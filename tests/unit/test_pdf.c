/* test_pdf.c — unit tests of the PDF layout layer (src/docs/pdf.c): text
 * measured in PT Sans with Cyrillic widths, wrapping at spaces, line feeds
 * and inside over-long words, and a whole document written and freed (the
 * sanitizer run sees its leaks). Needs fonts-paratype, like the server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/arena.h"
#include "core/ctx.h"
#include "docs/pdf.h"

struct fixture {
    struct arena a;
    struct ctx cx;
    struct pdf *p;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    arena_init(&f->a, 64 * 1024);
    f->cx.a = &f->a;
    if (pdf_begin(&f->cx, "тест", &f->p) != ERR_OK) {
        fprintf(stderr, "pdf_begin: %s\n", f->cx.err.message);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    pdf_abort(f->p);
    arena_free(&f->a);
    free(f);
    return 0;
}

static double width(struct pdf *p, const char *s)
{
    return pdf_text_width(p, s, strlen(s), 10, false);
}

static void cyrillic_letters_have_their_own_widths(void **state)
{
    struct pdf *p = ((struct fixture *)*state)->p;
    /* one character each, measured as characters and not as their two bytes */
    double sha = width(p, "Ш"), i = width(p, "і"), yo = width(p, "Ё"), ye = width(p, "Е");
    assert_true(sha > 5 && sha < 12); /* about 0.8 em at 10 pt */
    assert_true(i > 1 && i < sha / 2);
    assert_true(yo > 4 && yo == ye); /* Ё is Е with a diaeresis above: the same advance */
    assert_true(width(p, "ШШШШ") > 3.9 * sha && width(p, "ШШШШ") < 4.1 * sha);
    /* the bold face is measured by its own metrics */
    assert_true(pdf_text_width(p, "Ш", strlen("Ш"), 10, true) != sha);
    assert_true(pdf_text_width(p, "Ш", strlen("Ш"), 20, false) > 1.99 * sha);
}

/* Every line fits, and the lines give back the text's words in order. */
static void assert_wrapped(struct pdf *p, const char *text, double w, int expect_min)
{
    struct pdf_line l[64];
    int n = pdf_wrap(p, text, w, 10, false, l, 64);
    assert_true(n >= expect_min && n <= 64);
    char words[2048] = "", joined[2048] = "";
    size_t nw = 0;
    for (const char *s = text; *s; s++) /* the text's words with one space between */
        if (*s != ' ' || (nw && words[nw - 1] != ' '))
            words[nw++] = *s;
    words[nw] = 0;
    for (int i = 0; i < n; i++) {
        assert_true(pdf_text_width(p, text + l[i].off, l[i].len, 10, false) <= w);
        assert_true(l[i].len == 0 || text[l[i].off] != ' ');
        assert_true(l[i].len == 0 || text[l[i].off + l[i].len - 1] != ' ');
        size_t at = strlen(joined);
        memcpy(joined + at, text + l[i].off, l[i].len);
        joined[at + l[i].len] = 0;
        if (i + 1 < n)
            strcat(joined, " ");
    }
    assert_string_equal(joined, words);
}

static void cyrillic_text_wraps_at_spaces_within_the_width(void **state)
{
    struct pdf *p = ((struct fixture *)*state)->p;
    const char *t = "Принтер Kyocera ECOSYS M2040dn не захватывает бумагу из второго лотка, "
                    "при печати появляется ошибка J-0511, ёмкость тонера заполнена";
    assert_wrapped(p, t, 150, 4);
    struct pdf_line l[16];
    int n = pdf_wrap(p, t, 150, 10, false, l, 16);
    /* greedy: the next word would not have fitted on any line */
    for (int i = 0; i + 1 < n; i++) {
        size_t next_end = l[i + 1].off;
        while (t[next_end] && t[next_end] != ' ')
            next_end++;
        assert_true(pdf_text_width(p, t + l[i].off, next_end - l[i].off, 10, false) > 150);
    }
    /* the same text in a wider column takes fewer lines */
    assert_true(pdf_wrap(p, t, 400, 10, false, NULL, 0) < n);
    assert_int_equal(pdf_wrap(p, t, 5000, 10, false, NULL, 0), 1);
}

static void a_word_longer_than_the_line_is_broken_between_characters(void **state)
{
    struct pdf *p = ((struct fixture *)*state)->p;
    const char *t = "Электрооборудованиеэлектрооборудованиеэлектрооборудование";
    struct pdf_line l[16];
    int n = pdf_wrap(p, t, 60, 10, false, l, 16);
    assert_true(n >= 3);
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        assert_true(l[i].len > 0);
        assert_true(pdf_text_width(p, t + l[i].off, l[i].len, 10, false) <= 60);
        /* never inside a two-byte character: each line starts on a lead byte */
        assert_true(((unsigned char)t[l[i].off] & 0xC0) != 0x80);
        total += l[i].len;
    }
    assert_int_equal(total, strlen(t));
    /* even a column narrower than one letter gives a letter a line, not a loop */
    assert_int_equal(pdf_wrap(p, "ЖЖЖ", 1, 10, false, NULL, 0), 3);
}

static void line_feeds_break_lines_and_blank_lines_stay(void **state)
{
    struct pdf *p = ((struct fixture *)*state)->p;
    struct pdf_line l[8];
    const char *t = "Первая строка\n\nТретья строка\n";
    int n = pdf_wrap(p, t, 400, 10, false, l, 8);
    assert_int_equal(n, 4);
    assert_int_equal(l[0].len, strlen("Первая строка"));
    assert_int_equal(l[1].len, 0);
    assert_memory_equal(t + l[2].off, "Третья строка", l[2].len);
    assert_int_equal(l[3].len, 0);
    /* max bounds what is filled, not what is counted */
    assert_int_equal(pdf_wrap(p, t, 400, 10, false, l, 1), 4);
    assert_int_equal(pdf_wrap(p, "", 400, 10, false, l, 8), 1);
}

static void a_document_of_several_pages_is_written_to_an_unlinked_file(void **state)
{
    struct fixture *f = *state;
    struct pdf *p = f->p;
    pdf_header(p, "ООО «Сервис»", "ИНН 7707083893\nг. Москва, ул. Ленина, д. 1");
    pdf_title(p, "Акт приёма оборудования № О-2026-000001", "от 01.02.2026");
    pdf_field(p, "Клиент", "Ёлкина Анна", 1);
    pdf_field(p, "Комплектация", NULL, 2);
    static const struct pdf_col cols[] = {{"№", 1, PDF_RIGHT}, {"Описание", 8, PDF_LEFT}};
    pdf_table(p, cols, 2);
    for (int i = 0; i < 80; i++)
        pdf_row(p, (const char *[]){"1", "Строка таблицы, которой хватит на несколько страниц"});
    pdf_table_end(p);
    pdf_total(p, "Итого", "1 000,00 ₽");
    pdf_signatures(p, "Сдал", "Ёлкина А.", "Принял", NULL);
    int fd;
    uint64_t size;
    f->p = NULL; /* freed by pdf_finish */
    assert_int_equal(pdf_finish(&f->cx, p, &fd, &size), ERR_OK);
    struct stat sb;
    assert_int_equal(fstat(fd, &sb), 0);
    assert_int_equal(sb.st_nlink, 0); /* no name left behind */
    assert_int_equal((uint64_t)sb.st_size, size);
    char head[8] = "";
    assert_int_equal(read(fd, head, 5), 5);
    assert_memory_equal(head, "%PDF-", 5);
    close(fd);
}

/* A QR code, ticked choices and signatures with М.П. make a valid document;
 * the cached widths of characters are the widths libharu gives for them. */
static void qr_codes_choices_and_the_stamp_are_drawn(void **state)
{
    struct fixture *f = *state;
    struct pdf *p = f->p;
    double word = pdf_text_width(p, "Ёжик", strlen("Ёжик"), 10, false);
    double sum = 0;
    for (const char *c = "Ёжик"; *c; c += 2)
        sum += pdf_text_width(p, c, 2, 10, false);
    assert_true(word > 10 && word - sum < 1e-9 && sum - word < 1e-9);
    static const char *const opts[] = {"ремонт", "только диагностика", "сначала смета"};
    pdf_choice(p, "Требование заказчика", opts, 3, 2);
    pdf_qr(p, "https://service.example.ru/#/public/repair_orders/status?number=%D0%97&code=X1",
           "Отсканируйте код\nНомер: ЗН-2026-000001");
    pdf_qr(p, NULL, "без кода: только текст");
    pdf_signatures_stamped(p, "Сдал", "Ёлкина А.", "Принял", NULL, PDF_STAMP_RIGHT);
    int fd;
    uint64_t size;
    f->p = NULL;
    assert_int_equal(pdf_finish(&f->cx, p, &fd, &size), ERR_OK);
    assert_true(size > 1000);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(cyrillic_letters_have_their_own_widths, setup, teardown),
        cmocka_unit_test_setup_teardown(cyrillic_text_wraps_at_spaces_within_the_width, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_word_longer_than_the_line_is_broken_between_characters,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(line_feeds_break_lines_and_blank_lines_stay, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_document_of_several_pages_is_written_to_an_unlinked_file,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(qr_codes_choices_and_the_stamp_are_drawn, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
