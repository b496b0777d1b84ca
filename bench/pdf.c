/* pdf.c — the cost of one printed document: an intake receipt's layout
 * (the company's header, title, fields, a table, a choice, a QR code, terms,
 * signatures with М.П.) drawn and written to a file, N times in a row (200).
 * Prints the time per document, wall and this thread's CPU (the machine is
 * shared: CPU time is the figure to read). Usage: make bench-pdf, or
 * build/bench/pdf [N]. Budget (issue 12): 20 ms a document. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "core/ctx.h"
#include "docs/pdf.h"

static double clock_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int one(void)
{
    struct arena a;
    struct ctx cx = {0};
    arena_init(&a, 64 * 1024);
    cx.a = &a;
    struct pdf *p;
    if (pdf_begin(&cx, "intake_receipt", &p) != ERR_OK) {
        fprintf(stderr, "pdf_begin: %s\n", cx.err.message);
        return -1;
    }
    pdf_header(p, "ООО «Ремонт и Сервис»",
               "Сервисный центр «Ремонт+»\nИНН 7707083893, КПП 773601001, ОГРН 1027700132195\n"
               "Адрес: 117997, г. Москва, ул. Вавилова, д. 19\nТел.: +7 495 500-55-50\n"
               "р/с 40702810938000012345 в ПАО Сбербанк, БИК 044525225, к/с "
               "30101810400000000225\nФилиал «Южный»: ул. Ёлочная, д. 3, часы работы: пн–пт "
               "9:00–19:00");
    pdf_title(p, "Квитанция № КВ-2026-000123", "акт приёма-передачи оборудования в ремонт");
    pdf_field(p, "Заказчик", "Ёжиков Пётр Ильич", 1);
    pdf_field(p, "Телефон", "+7 916 123-45-67", 1);
    static const struct pdf_col cols[] = {{"№", 0.6, PDF_CENTER},
                                          {"Наименование, модель", 3.4, PDF_LEFT},
                                          {"Серийный номер", 2.4, PDF_LEFT},
                                          {"Заявленная неисправность", 6, PDF_LEFT}};
    pdf_table(p, cols, 4);
    pdf_row(p, (const char *[]){"1", "Kyocera ECOSYS P2040dn", "VCF9X12345",
                                "Не захватывает бумагу, ошибка J-0511"});
    pdf_table_end(p);
    pdf_field(p, "Состояние при приёме", "Царапины на крышке, скол угла", 2);
    pdf_field(p, "Комплектация", "Блок питания, кабель USB", 2);
    static const char *const d[] = {"ремонт", "только диагностика", "сначала смета"};
    pdf_choice(p, "Требование заказчика", d, 3, 2);
    pdf_qr(p,
           "https://service.example.ru/#/public/repair_orders/"
           "status?number=%D0%97%D0%9D-2026-000123&code=X47JSNV54X",
           "Как идёт ремонт — на странице статуса.\nНомер заказа: ЗН-2026-000123\nКод: X47JSNV54X");
    pdf_paragraph(p,
                  "Оборудование принято для диагностики и ремонта. Внешний вид и комплектация "
                  "проверены при приёме визуально, без разборки и без проверки "
                  "работоспособности. Стоимость платного ремонта согласуется после диагностики.",
                  true);
    pdf_signatures_stamped(p, "Сдал (заказчик)", "Ёжиков П. И.", "Принял (исполнитель)",
                           "Белова О. С.", PDF_STAMP_RIGHT);
    int fd;
    uint64_t size;
    if (pdf_finish(&cx, p, &fd, &size) != ERR_OK) {
        fprintf(stderr, "pdf_finish: %s\n", cx.err.message);
        return -1;
    }
    close(fd);
    arena_free(&a);
    return (int)size;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    int size = one(); /* the fonts loaded once per thread: not counted */
    if (size < 0)
        return 1;
    double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
    for (int i = 0; i < n; i++)
        if (one() < 0)
            return 1;
    double w = clock_s(CLOCK_MONOTONIC) - w0, c = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
    printf("intake receipt: %d documents of %d bytes: %.2f ms wall, %.2f ms CPU each "
           "(budget 20 ms)\n",
           n, size, w * 1000 / n, c * 1000 / n);
    return 0;
}
