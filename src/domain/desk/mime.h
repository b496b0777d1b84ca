/* mime.h — reading one e-mail message (domain layer): the wrapper around
 * GMime, the only file that sees GMime or glib. What comes out is plain C in
 * the caller's arena, every text already UTF-8.
 *
 * What it decodes: From (display name and address), Subject (RFC 2047
 * encoded-words in any charset), Message-ID, the body — text/plain preferred
 * in multipart/alternative, HTML-only mail turned into plain text roughly,
 * quoted-printable and base64, declared charsets (koi8-r, windows-1251…)
 * converted, undeclared 8-bit text taken as UTF-8 when it is, else as
 * windows-1251, invalid bytes replaced — and the attachments as bytes.
 * It also says why a message looks automatic (auto-replies, bounces, lists),
 * so that the desk never answers a robot. */
#ifndef SERVITOR_MIME_H
#define SERVITOR_MIME_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"

#define MAIL_MAX_BYTES (10 * 1024 * 1024) /* a whole message, as an upload */
#define MAIL_MAX_PARTS 20                 /* attachments kept from one message */

struct mail_part {
    const char *file_name;    /* a plain name: no slashes or control characters */
    const char *content_type; /* as the message declares it (lower case) */
    const char *data;         /* decoded bytes, arena */
    size_t len;
};

struct mail_msg {
    const char *from_name;  /* the display name, "" when none */
    const char *from_addr;  /* the address as written (never NULL) */
    const char *subject;    /* "" when none */
    const char *message_id; /* without the angle brackets; NULL when none */
    const char *references; /* In-Reply-To's and References' Message-IDs, without <>,
                               space-separated ("" when none) */
    const char *body;       /* plain text, LF line ends, "" when none */
    bool body_from_html;    /* the body was converted from text/html */
    const char *automatic;  /* why the message is machine-made ("Auto-Submitted:
                               auto-replied"), NULL for a person's mail */
    struct mail_part *parts;
    int nparts;
    int nparts_dropped; /* attachments beyond MAIL_MAX_PARTS */
};

/* Parses raw[0..len). ERR_MALFORMED (message in e) when the bytes are not a
 * message a person sent: nothing parseable, or no From address. Everything
 * in *out is allocated in a. Safe from several threads at once. */
enum err_code mail_parse(struct arena *a, const char *raw, size_t len, struct mail_msg *out,
                         struct err *e);

/* Rough plain text of an HTML document: tags dropped, blocks and <br> as
 * line breaks, scripts and styles left out, entities decoded. Arena. */
char *html_to_text(struct arena *a, const char *html, size_t len);

#endif
