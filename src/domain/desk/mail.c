/* mail.c — requests by e-mail (domain layer): the rules that turn one parsed
 * message (mime.c) into a new request or a client's reply, the way other
 * channels do it — through the entity layer, so routing, SLA, numbering,
 * audit and notifications run as for any request. */
#include "mail.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/settings.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "core/perm.h"
#include "core/validate.h"
#include "domain/desk/attachments.h"
#include "domain/desk/desk.h"
#include "domain/desk/mime.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

/* Who acts for incoming mail: written into the audit log as "mail". It may
 * resume a request waiting for the client, whoever it is assigned to. */
static const struct user mail_user = {
    .id = 0,
    .login = "mail",
    .name = "Почта",
    .role = "mail",
    .perms = {{[P_CLIENTS_READ] = 1,
               [P_CLIENTS_WRITE] = 1,
               [P_REQUESTS_READ] = 1,
               [P_REQUESTS_WRITE] = 1,
               [P_REQUESTS_WORK] = 1,
               [P_REQUESTS_ASSIGN] = 1}},
};

#define SUBJECT_MAX     300   /* requests.subject */
#define DESCRIPTION_MAX 8000  /* requests.description */
#define REPLY_MAX       10000 /* as a comment */
#define NAME_MAX_CHARS  300   /* clients.name */
#define MESSAGE_ID_MAX  400   /* longer ones are kept as a hash */

const char *mail_outcome_name(enum mail_outcome o)
{
    static const char *const names[] = {"created", "reply", "duplicate", "ignored"};
    return (unsigned)o < ARRAY_LEN(names) ? names[o] : "?";
}

/* s cut to at most max characters (a character boundary), with "…" when
 * cut. Arena. */
static const char *cut(struct arena *a, const char *s, size_t max)
{
    if (utf8_count(s, strlen(s)) <= max)
        return s;
    size_t n = 0, chars = 0;
    for (; s[n]; n++)
        if (((unsigned char)s[n] & 0xC0) != 0x80 && ++chars > max - 1)
            break;
    return arena_printf(a, "%.*s…", (int)n, s);
}

/* s without surrounding white space (a copy in the arena). */
static char *trim(struct arena *a, const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && strchr(" \n\t", s[n - 1]))
        n--;
    return arena_strndup(a, s, n);
}

/* ---- robots -------------------------------------------------------------- */

static bool same_ci(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && !strncasecmp(a, b, blen);
}

/* Why we must not take this message: a robot wrote it, or we did. */
static const char *robot(struct ctx *cx, const struct mail_msg *m)
{
    if (m->automatic)
        return m->automatic;
    const char *from = m->from_addr, *at = strchr(from, '@');
    size_t local = at ? (size_t)(at - from) : strlen(from);
    if (same_ci(from, local, "mailer-daemon", 13) || same_ci(from, local, "postmaster", 10))
        return arena_printf(cx->a, "sent by %s", from);
    /* our own out-going address: a loop through an auto-forward */
    const char *own = setting_text(SET_MAIL_FROM);
    for (const char *p = own; p && *p;) {
        p += strspn(p, ", ;\t");
        size_t n = strcspn(p, ", ;\t");
        if (n && same_ci(from, strlen(from), p, n))
            return arena_printf(cx->a, "sent from our own address %s", m->from_addr);
        p += n;
    }
    return NULL;
}

/* ---- threading ----------------------------------------------------------- */

static bool digit(char c) { return c >= '0' && c <= '9'; }

int mail_subject_numbers(struct arena *a, const char *s, const char **out, int max)
{
    int n = 0;
    for (const char *p = s; *p && n < max; p++) {
        size_t letter = 0;
        if (!strncmp(p, "О", 2) || !strncmp(p, "о", 2))
            letter = 2;
        else if (*p == 'O' || *p == 'o')
            letter = 1;
        if (!letter)
            continue;
        /* not inside a word: "ОО-2026-…" or "PO-2026-…" are not ours */
        if (p > s && (((unsigned char)p[-1] >= 0x80) || (p[-1] >= 'a' && p[-1] <= 'z') ||
                      (p[-1] >= 'A' && p[-1] <= 'Z') || digit(p[-1])))
            continue;
        const char *q = p + letter;
        if (*q != '-' || !digit(q[1]) || !digit(q[2]) || !digit(q[3]) || !digit(q[4]) ||
            q[5] != '-')
            continue;
        const char *d = q + 6;
        size_t nd = 0;
        while (digit(d[nd]) && nd < 10)
            nd++;
        if (!nd || nd > 9 || digit(d[nd]))
            continue;
        out[n++] = arena_printf(a, "О-%.4s-%.*s", q + 1, (int)nd, d);
        p = d + nd - 1;
    }
    return n;
}

/* The request this message answers: a number in its subject whose client
 * is the sender (the client's own address or one of its contacts'). A
 * number of someone else's request counts for nothing. */
static enum err_code find_thread(struct ctx *cx, const struct mail_msg *m, int64_t *id)
{
    const char *numbers[4];
    int n = mail_subject_numbers(cx->a, m->subject, numbers, 4);
    *id = 0;
    for (int i = 0; i < n && !*id; i++) {
        bool found;
        enum err_code rc = db_get_i64(
            cx->db, &cx->err, id, &found,
            "SELECT r.id\n"
            "FROM requests r\n"
            "WHERE r.number = $1\n"
            "  AND (EXISTS (SELECT 1 FROM clients c\n"
            "               WHERE c.id = r.client_id AND lower(c.email) = lower($2))\n"
            "       OR EXISTS (SELECT 1 FROM contacts k\n"
            "                  WHERE k.client_id = r.client_id AND lower(k.email) = lower($2)))",
            "tt", numbers[i], m->from_addr);
        if (rc != ERR_OK)
            return rc;
        if (!found)
            *id = 0;
    }
    return ERR_OK;
}

char *mail_reply_text(struct arena *a, const char *body)
{
    char *s = arena_strdup(a, body);
    size_t n = strlen(s), cut_at = n;
    /* line starts, backwards, while they are quotes or blank */
    size_t i = n;
    bool quoted = false;
    while (i > 0) {
        size_t start = i - 1;
        while (start > 0 && s[start - 1] != '\n')
            start--;
        const char *line = s + start;
        bool blank = text_blank(arena_strndup(a, line, i - start));
        if (*line == '>')
            quoted = true, cut_at = start;
        else if (!blank)
            break;
        i = start;
    }
    if (quoted && cut_at < n) {
        /* the attribution line just above: "On …, X wrote:" / "… писал(а):" */
        size_t end = cut_at;
        while (end > 0 && (s[end - 1] == '\n' || s[end - 1] == ' '))
            end--;
        size_t start = end;
        while (start > 0 && s[start - 1] != '\n')
            start--;
        if (end > start && s[end - 1] == ':') {
            char *line = arena_strndup(a, s + start, end - start);
            if (strstr(line, "wrote") || strstr(line, "писал") || strstr(line, "написал") ||
                strstr(line, "schrieb"))
                cut_at = start;
        }
    }
    static const char *const separators[] = {"-----Original Message-----",
                                             "-----Исходное сообщение-----",
                                             "-------- Пересылаемое сообщение --------", NULL};
    for (int k = 0; separators[k]; k++) {
        char *sep = strstr(s, separators[k]);
        if (sep && (size_t)(sep - s) < cut_at)
            cut_at = (size_t)(sep - s);
    }
    char *kept = trim(a, arena_strndup(a, s, cut_at));
    return *kept ? kept : trim(a, s);
}

/* ---- new requests -------------------------------------------------------- */

static void setv(struct record *r, int field, const char *s)
{
    struct value *v = rec_set(r, field);
    v->set = true;
    v->null = s == NULL;
    v->s = s;
}

static void seti(struct record *r, int field, int64_t i)
{
    struct value *v = rec_set(r, field);
    v->set = true;
    v->null = i == 0;
    v->i = i;
}

/* The sender's client: by the client's address, else by a contact's (then
 * *contact is that contact); 0 when unknown. */
static enum err_code find_client(struct ctx *cx, const char *addr, int64_t *client,
                                 int64_t *contact)
{
    *contact = 0;
    enum err_code rc = client_find(cx, NULL, addr, client);
    if (rc != ERR_OK || *client)
        return rc;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT client_id, id FROM contacts\n"
                              "WHERE lower(email) = lower($1)\n"
                              "ORDER BY id\n"
                              "LIMIT 1",
                              "t", addr);
    if (!st)
        return cx->err.code;
    int step = db_step(st);
    if (step == DB_ROW) {
        *client = db_col_i64(st, 0);
        *contact = db_col_i64(st, 1);
    }
    db_done(st);
    return step == DB_FAIL ? cx->err.code : ERR_OK;
}

/* A new client from a letter. Writing to us is no consent: pd_consent stays
 * false (the mail is processed to answer the person's own request, 152-ФЗ
 * ст. 6 ч. 1 п. 5, not on a consent) and nothing here allows advertising —
 * both are asked for separately, as the public form asks. */
static enum err_code new_client(struct ctx *cx, const struct mail_msg *m, int64_t *id)
{
    struct record *c = record_new(cx, &entity_clients), *made;
    const char *name = *m->from_name ? m->from_name : m->from_addr;
    bool addr_ok = email_valid(m->from_addr) && strlen(m->from_addr) <= 254;
    setv(c, CLIENT_KIND, "person");
    setv(c, CLIENT_NAME, cut(cx->a, name, NAME_MAX_CHARS));
    setv(c, CLIENT_EMAIL, addr_ok ? m->from_addr : NULL);
    struct value *consent = rec_set(c, CLIENT_PD_CONSENT);
    consent->set = true, consent->null = false, consent->i = 0;
    const char *note = "Создан по входящему письму. Согласия на обработку персональных данных и "
                       "на рассылки не давал.";
    setv(c, CLIENT_NOTES,
         addr_ok ? note
                 : arena_printf(cx->a, "%s\nАдрес отправителя: %s", note,
                                cut(cx->a, m->from_addr, 300)));
    enum err_code rc = entity_create(cx, &entity_clients, c, &made);
    *id = rc == ERR_OK ? made->id : 0;
    return rc;
}

/* "Re: Fwd: subject" → "subject"; a subject-less letter is named by the
 * start of its text. */
static const char *request_subject(struct ctx *cx, const struct mail_msg *m)
{
    static const char *const prefixes[] = {"re:", "fwd:", "fw:", "aw:", "ответ:", "пересл.:", NULL};
    const char *s = m->subject;
    for (bool again = true; again;) {
        again = false;
        while (*s == ' ')
            s++;
        for (int i = 0; prefixes[i]; i++) {
            size_t n = strlen(prefixes[i]);
            if (!strncasecmp(s, prefixes[i], n)) { /* Cyrillic ones: as written */
                s += n, again = true;
                break;
            }
        }
    }
    if (!text_blank(s))
        return cut(cx->a, trim(cx->a, s), SUBJECT_MAX);
    const char *body = trim(cx->a, m->body);
    size_t line = strcspn(body, "\n");
    if (line)
        return cut(cx->a, arena_strndup(cx->a, body, line), 100);
    return "Письмо без темы";
}

static enum err_code new_request(struct ctx *cx, const struct mail_msg *m, struct mail_result *out)
{
    int64_t client, contact;
    enum err_code rc = find_client(cx, m->from_addr, &client, &contact);
    if (rc == ERR_OK && !client)
        rc = new_client(cx, m, &client);
    if (rc != ERR_OK)
        return rc;
    struct record *r = record_new(cx, &entity_requests), *made;
    const char *body = trim(cx->a, m->body);
    setv(r, REQ_SUBJECT, request_subject(cx, m));
    setv(r, REQ_DESCRIPTION, *body ? cut(cx->a, body, DESCRIPTION_MAX) : NULL);
    setv(r, REQ_CHANNEL, "email");
    setv(r, REQ_TYPE, "other"); /* what it is about is for a person to decide */
    seti(r, REQ_CLIENT_ID, client);
    seti(r, REQ_CONTACT_ID, contact);
    if ((rc = entity_create(cx, &entity_requests, r, &made)) != ERR_OK)
        return rc;
    out->outcome = MAIL_CREATED;
    out->request_id = made->id;
    out->number = rec_get(made, REQ_NUMBER)->s;
    return ERR_OK;
}

/* ---- the message --------------------------------------------------------- */

/* Files of the message: stored as any request attachment, under the same
 * rules; one refused is noted on the timeline (internal) and skipped. */
static enum err_code attach(struct ctx *cx, const struct mail_msg *m, struct mail_result *out)
{
    enum err_code rc = ERR_OK;
    for (int i = 0; i < m->nparts && rc == ERR_OK; i++) {
        const struct mail_part *p = &m->parts[i];
        struct attachment a;
        rc = attachment_add(cx, out->request_id, p->file_name, p->data, p->len, &a);
        if (rc == ERR_OK) {
            out->attached++;
        } else if (rc == ERR_INVALID || rc == ERR_TOOBIG) {
            const char *why = rc == ERR_TOOBIG ? "слишком большой"
                              : p->len == 0    ? "пустой"
                                               : "тип файла не принимается";
            err_clear(&cx->err);
            out->skipped++;
            rc = request_event_add(
                cx, out->request_id, "attachment_skipped", false,
                arena_printf(cx->a, "%s (%s, %s)", p->file_name, p->content_type, why), NULL, NULL,
                NULL);
        }
    }
    if (rc == ERR_OK && m->nparts_dropped) {
        out->skipped += m->nparts_dropped;
        rc = request_event_add(cx, out->request_id, "attachment_skipped", false,
                               arena_printf(cx->a, "ещё %d (больше %d вложений в письме)",
                                            m->nparts_dropped, MAIL_MAX_PARTS),
                               NULL, NULL, NULL);
    }
    return rc;
}

static enum err_code intake_tx(struct ctx *cx, const struct mail_msg *m, const char *key,
                               struct mail_result *out)
{
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    int64_t mail_id;
    bool fresh;
    /* the message is remembered first: a second delivery stops here, even
     * one running at the same moment (it waits for this one's unique key) */
    enum err_code rc = db_get_i64(cx->db, &cx->err, &mail_id, &fresh,
                                  "INSERT INTO mail_messages (message_id, received_at, from_addr,\n"
                                  "                           outcome)\n"
                                  "VALUES ($1, $2, $3, 'created')\n"
                                  "ON CONFLICT (message_id) DO NOTHING\n"
                                  "RETURNING id",
                                  "ttt", key, now, m->from_addr);
    if (rc != ERR_OK)
        return rc;
    if (!fresh) {
        out->outcome = MAIL_DUPLICATE;
        return ERR_OK;
    }
    int64_t thread;
    if ((rc = find_thread(cx, m, &thread)) != ERR_OK)
        return rc;
    if (thread) {
        const char *author = *m->from_name
                                 ? arena_printf(cx->a, "%s <%s>", m->from_name, m->from_addr)
                                 : m->from_addr;
        const char *body = cut(cx->a, mail_reply_text(cx->a, m->body), REPLY_MAX);
        rc = request_client_reply(cx, thread, *body ? body : NULL, author, NULL);
        if (rc != ERR_OK)
            return rc;
        struct record *req;
        if ((rc = entity_get(cx, &entity_requests, thread, &req)) != ERR_OK)
            return rc;
        out->outcome = MAIL_REPLY;
        out->request_id = thread;
        out->number = rec_get(req, REQ_NUMBER)->s;
    } else if ((rc = new_request(cx, m, out)) != ERR_OK) {
        return rc;
    }
    rc = db_run(cx->db, &cx->err,
                "UPDATE mail_messages SET outcome = $2, request_id = $3\n"
                "WHERE id = $1",
                "iti", mail_id, mail_outcome_name(out->outcome), out->request_id);
    if (rc == ERR_OK)
        rc = attach(cx, m, out);
    return rc;
}

/* The key a message is remembered by: its Message-ID, or a hash of the
 * bytes when it has none (or one too long to index). */
static const char *message_key(struct ctx *cx, const struct mail_msg *m, const char *raw,
                               size_t len)
{
    if (m->message_id && strlen(m->message_id) <= MESSAGE_ID_MAX)
        return m->message_id;
    unsigned char digest[crypto_hash_sha256_BYTES];
    char hex[65];
    crypto_hash_sha256(digest, (const unsigned char *)raw, len);
    sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
    return arena_printf(cx->a, "sha256:%s", hex);
}

enum err_code mail_intake(struct ctx *cx, const char *raw, size_t len, struct mail_result *out)
{
    memset(out, 0, sizeof(*out));
    struct mail_msg m;
    enum err_code rc = mail_parse(cx->a, raw, len, &m, &cx->err);
    if (rc != ERR_OK)
        return rc;
    out->from = m.from_addr;
    if ((out->reason = robot(cx, &m)) != NULL) {
        out->outcome = MAIL_IGNORED;
        return ERR_OK;
    }
    const char *key = message_key(cx, &m, raw, len);
    const struct user *was = cx->user;
    cx->user = &mail_user;
    bool own;
    if ((rc = db_begin_own(cx->db, &cx->err, &own)) == ERR_OK)
        rc = db_end_own(cx->db, &cx->err, own, intake_tx(cx, &m, key, out));
    cx->user = was;
    return rc;
}
