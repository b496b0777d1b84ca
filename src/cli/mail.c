/* mail.c — `servitor mail-intake`: one e-mail message on standard input,
 * delivered by an MTA (Postfix pipe, fetchmail --mda, procmail), taken as a
 * request or a reply (cli layer). The exit status speaks sysexits, which is
 * what MTAs read: 0 taken, EX_DATAERR (65) refused for good, EX_TEMPFAIL (75)
 * try again later. One line about what happened goes to standard error (the
 * MTA's log). */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "core/files.h"
#include "domain/desk/mail.h"
#include "domain/desk/mime.h"
#include "base/banned.h"

int cmd_mail_intake(int argc, char **argv)
{
    /* the message first: one too large never touches the database */
    struct buf raw;
    buf_init(&raw, MAIL_MAX_BYTES);
    char chunk[65536];
    size_t got;
    bool too_big = false;
    while ((got = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
        if (!buf_add(&raw, chunk, got))
            too_big = true; /* read on: a pipe closed early would fail the MTA */
    if (ferror(stdin)) {
        fprintf(stderr, "servitor: mail-intake: cannot read standard input\n");
        buf_release(&raw);
        return EX_TEMPFAIL;
    }
    if (too_big) {
        fprintf(stderr, "servitor: mail-intake: refused: messages up to %d MiB\n",
                MAIL_MAX_BYTES / 1024 / 1024);
        buf_release(&raw);
        return EX_DATAERR;
    }
    const char *url = cli_db_url(argc, argv);
    char dir[512];
    files_set_dir(cli_files_dir(argc, argv, url, dir, sizeof(dir)));
    struct arena a;
    arena_init(&a, 0);
    struct ctx cx = {.a = &a};
    if (!cli_begin(&cx, url, CTX_WRITE)) {
        arena_free(&a);
        buf_release(&raw);
        return EX_TEMPFAIL;
    }
    struct mail_result res;
    /* what it took is durable before the MTA hears 0 */
    enum err_code rc = cli_end(&cx, mail_intake(&cx, raw.p ? raw.p : "", raw.len, &res));
    int status = EX_OK;
    if (rc == ERR_OK) {
        const char *outcome = mail_outcome_name(res.outcome);
        if (res.outcome == MAIL_IGNORED)
            fprintf(stderr, "servitor: mail-intake: ignored mail from %s: %s\n", res.from,
                    res.reason);
        else if (res.outcome == MAIL_DUPLICATE)
            fprintf(stderr, "servitor: mail-intake: mail from %s taken before: nothing done\n",
                    res.from);
        else
            fprintf(stderr, "servitor: mail-intake: %s %s from %s (%d attachment(s), %d refused)\n",
                    outcome, res.number, res.from, res.attached, res.skipped);
    } else if (rc == ERR_MALFORMED || rc == ERR_TOOBIG || rc == ERR_INVALID) {
        fprintf(stderr, "servitor: mail-intake: refused: %s\n", cx.err.message);
        status = EX_DATAERR;
    } else {
        fprintf(stderr, "servitor: mail-intake: try again later: %s\n", cx.err.message);
        status = EX_TEMPFAIL;
    }
    arena_free(&a);
    buf_release(&raw);
    return status;
}
