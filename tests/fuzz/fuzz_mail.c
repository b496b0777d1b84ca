/* fuzz_mail.c — libFuzzer target: bytes as an incoming e-mail message,
 * through the GMime wrapper (mail_parse), then what the desk does with the
 * parts it reads: the request numbers of the subject, the reply text of the
 * body; the raw bytes also go through html_to_text.
 *
 * Checks: no crash, leak or undefined behaviour (in our code or in how we
 * hold GMime); the only refusal is ERR_MALFORMED; everything that comes out
 * is valid UTF-8 (it is stored and sent as JSON); a message has a sender;
 * attachment names are plain file names, as attachment_add wants them; at
 * most MAIL_MAX_PARTS attachments; numbers look like ours. Build and run:
 * tests/fuzz/run.sh. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/desk/mail.h"
#include "domain/desk/mime.h"

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static void check_text(const char *s, const char *what)
{
    FUZZ_CHECK(s != NULL, "%s is NULL", what);
    FUZZ_CHECK(utf8_valid(s, strlen(s)), "%s is not UTF-8", what);
}

static void check_line(const char *s, const char *what)
{
    check_text(s, what);
    for (const char *p = s; *p; p++)
        FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7F, "%s has a control character", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a;
    arena_init(&a, 0);
    struct err e;
    err_clear(&e);
    struct mail_msg m;
    enum err_code rc = mail_parse(&a, (const char *)data, size, &m, &e);
    FUZZ_CHECK(rc == ERR_OK || rc == ERR_MALFORMED, "mail_parse: %s %s", err_code_str(rc),
               e.message);
    FUZZ_CHECK(utf8_valid(e.message, strlen(e.message)), "the message is not UTF-8");
    if (rc == ERR_OK) {
        check_line(m.from_addr, "from_addr");
        FUZZ_CHECK(*m.from_addr, "a message without a sender was taken");
        check_line(m.from_name, "from_name");
        check_line(m.subject, "subject");
        if (m.message_id)
            check_line(m.message_id, "message_id");
        if (m.automatic)
            check_text(m.automatic, "automatic");
        check_text(m.body, "body");
        FUZZ_CHECK(!strchr(m.body, '\r'), "a CR left in the body");
        FUZZ_CHECK(m.nparts >= 0 && m.nparts <= MAIL_MAX_PARTS, "%d parts", m.nparts);
        for (int i = 0; i < m.nparts; i++) {
            const struct mail_part *p = &m.parts[i];
            check_line(p->file_name, "file_name");
            FUZZ_CHECK(*p->file_name && strcmp(p->file_name, ".") && strcmp(p->file_name, ".."),
                       "an empty file name");
            FUZZ_CHECK(!strchr(p->file_name, '/') && !strchr(p->file_name, '\\'),
                       "a path for a file name: %s", p->file_name);
            FUZZ_CHECK(utf8_count(p->file_name, strlen(p->file_name)) <= 200, "a long file name");
            check_line(p->content_type, "content_type");
            FUZZ_CHECK(p->data || !p->len, "bytes without data");
        }
        const char *numbers[4];
        int n = mail_subject_numbers(&a, m.subject, numbers, 4);
        FUZZ_CHECK(n >= 0 && n <= 4, "%d numbers", n);
        for (int i = 0; i < n; i++) {
            check_line(numbers[i], "number");
            FUZZ_CHECK(!strncmp(numbers[i], "О-", strlen("О-")), "number %s", numbers[i]);
        }
        const char *reply = mail_reply_text(&a, m.body);
        check_text(reply, "reply");
        FUZZ_CHECK(strlen(reply) <= strlen(m.body), "the reply grew");
    }
    const char *text = html_to_text(&a, (const char *)data, size);
    check_text(text, "html_to_text");
    arena_free(&a);
    return 0;
}
