/* mail.h — requests by e-mail (domain layer): one incoming message becomes a
 * new request, or a client's reply on the timeline of the request whose
 * number its subject carries. `servitor mail-intake` (a pipe from the MTA)
 * and POST /api/v1/intake/email both come here. */
#ifndef SERVITOR_MAIL_H
#define SERVITOR_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/ctx.h"

enum mail_outcome {
    MAIL_CREATED,   /* a new request */
    MAIL_REPLY,     /* a client's reply added to an existing request */
    MAIL_DUPLICATE, /* this Message-ID was taken before: nothing done */
    MAIL_IGNORED,   /* a robot's mail (auto-reply, bounce, list, ourselves) */
};

struct mail_result {
    enum mail_outcome outcome;
    int64_t request_id; /* created or replied to; 0 otherwise */
    const char *number; /* its number, or NULL */
    const char *reason; /* MAIL_IGNORED: why, for the log */
    const char *from;   /* the sender's address, or NULL when unparseable */
    int attached;       /* attachments stored */
    int skipped;        /* attachments refused (noted on the timeline) */
};

/* Takes one raw RFC 5322 message. The work is done as the built-in "mail"
 * user (audit login "mail"), whoever calls, in one transaction: the
 * message, its client, its request or reply and its attachments are all
 * stored or none is. Our own address (SERVITOR_MAIL_FROM, several separated
 * by commas or spaces) counts as a robot. Errors: ERR_MALFORMED (not a
 * message, no From address: nothing written), ERR_TOOBIG (over
 * MAIL_MAX_BYTES), ERR_UNAVAILABLE (the database; try again later), others
 * from storage. Result strings are in the arena. */
enum err_code mail_intake(struct ctx *cx, const char *raw, size_t len, struct mail_result *out);

/* "mail-intake" outcome names for logs and the API: created, reply,
 * duplicate, ignored. */
const char *mail_outcome_name(enum mail_outcome o);

/* The request numbers in a subject, in order, at most max: "О-2026-000123"
 * with the Cyrillic О (or a Latin O typed instead, either case), with or
 * without brackets. Each is written back as we write numbers (arena). */
int mail_subject_numbers(struct arena *a, const char *subject, const char **out, int max);

/* What the client wrote in a reply, without the quoted letter below it: cut
 * at the first line after which only "> " lines follow (with the "… wrote:"
 * / "… писал(а):" line above them), or at an Outlook "Original Message"
 * separator. When nothing would be left, the whole text stays (arena). */
char *mail_reply_text(struct arena *a, const char *body);

#endif
