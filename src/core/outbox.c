/* outbox.c — messages to clients: templates, the queue and the senders
 * (core layer). libcurl speaks SMTP and HTTP; nothing here writes a
 * protocol by hand. */
#include "outbox.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/settings.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "core/audit.h"
#include "core/validate.h"
#include "base/banned.h"

#define OUTBOX_BATCH  1   /* claimed at once: a claimed message is one being sent */
#define OUTBOX_LEASE  300 /* seconds a claim holds: longer than a send may take */
#define SEND_TIMEOUT  60  /* seconds one message may take, connecting included */
#define OUTBOX_ROUNDS 200 /* messages per run: the rest wait for the next */
#define BACKOFF_MAX   (6 * 3600)
#define MESSAGE_MAX   (256 * 1024)
#define ERROR_MAX     500 /* characters of a failure kept */

const char *const outbox_placeholder_names[] = {
#define X(id, name) name,
    OUTBOX_PLACEHOLDERS(X)
#undef X
        NULL};

/* ---- templates ------------------------------------------------------------ */

static bool name_char(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }

/* The placeholder at p ("{name}"): its index, -1 when unknown; *len its
 * length with the braces; false when p starts no "{name}" at all. */
static bool placeholder_at(const char *p, int *index, size_t *len)
{
    if (*p != '{')
        return false;
    size_t n = 1;
    while (name_char(p[n]) && n < 40)
        n++;
    if (n == 1 || p[n] != '}')
        return false;
    *len = n + 1;
    *index = -1;
    for (int i = 0; i < PH__COUNT; i++)
        if (strlen(outbox_placeholder_names[i]) == n - 1 &&
            !strncmp(outbox_placeholder_names[i], p + 1, n - 1))
            *index = i;
    return true;
}

const char *outbox_unknown_placeholder(struct arena *a, const char *text)
{
    for (const char *p = text ? strchr(text, '{') : NULL; p; p = strchr(p + 1, '{')) {
        int i;
        size_t len;
        if (placeholder_at(p, &i, &len) && i < 0)
            return arena_strndup(a, p, len);
    }
    return NULL;
}

char *outbox_render(struct arena *a, const char *text, const struct outbox_vars *vars)
{
    struct buf b;
    buf_init(&b, 0);
    for (const char *p = text; *p;) {
        int i;
        size_t len;
        if (placeholder_at(p, &i, &len) && i >= 0) {
            if (vars->v[i])
                buf_adds(&b, vars->v[i]);
            p += len;
        } else {
            buf_addch(&b, *p++);
        }
    }
    char *out = arena_strdup(a, b.p ? b.p : "");
    buf_release(&b);
    return out;
}

/* ---- queueing --------------------------------------------------------------- */

/* The first of SERVITOR_MAIL_FROM ("" when unset). Arena. */
static const char *mail_from(struct arena *a)
{
    const char *s = setting_text(SET_MAIL_FROM);
    s += strspn(s, ", ;\t");
    return arena_strndup(a, s, strcspn(s, ", ;\t"));
}

/* A new Message-ID (without <>): random, at our domain. Arena. */
static const char *new_message_id(struct arena *a)
{
    unsigned char r[12];
    char hex[25];
    randombytes_buf(r, sizeof(r));
    sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
    const char *from = mail_from(a), *at = strchr(from, '@');
    return arena_printf(a, "%s@%s", hex, at && at[1] ? at + 1 : "servitor.invalid");
}

struct client_wishes {
    bool found, opt_out, consent;
    const char *lang;
};

static enum err_code wishes(struct ctx *cx, int64_t client_id, struct client_wishes *w)
{
    *w = (struct client_wishes){.lang = "ru"};
    struct db_stmt *st = db_q(
        cx->db, &cx->err, "SELECT messages_opt_out, pd_consent, lang FROM clients WHERE id = $1",
        "i", client_id);
    int step = st ? db_step(st) : DB_FAIL;
    if (step == DB_ROW) {
        w->found = true;
        w->opt_out = db_col_i64(st, 0) != 0;
        w->consent = db_col_i64(st, 1) != 0;
        w->lang = arena_strdup(cx->a, db_col_text(st, 2));
    }
    db_done(st);
    return step == DB_FAIL ? cx->err.code : ERR_OK;
}

/* The active template of (event, channel) in lang, else in Russian; *body
 * NULL when there is none or it is switched off. */
static enum err_code template_find(struct ctx *cx, const char *event, const char *channel,
                                   const char *lang, const char **subject, const char **body)
{
    *subject = *body = NULL;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT active, subject, body FROM message_templates\n"
                              "WHERE event = $1 AND channel = $2 AND lang IN ($3, 'ru')\n"
                              "ORDER BY CASE WHEN lang = $3 THEN 0 ELSE 1 END\n"
                              "LIMIT 1",
                              "ttt", event, channel, lang);
    int step = st ? db_step(st) : DB_FAIL;
    if (step == DB_ROW && db_col_i64(st, 0)) {
        const char *s = db_col_text(st, 1);
        *subject = s ? arena_strdup(cx->a, s) : "";
        *body = arena_strdup(cx->a, db_col_text(st, 2));
    }
    db_done(st);
    return step == DB_FAIL ? cx->err.code : ERR_OK;
}

/* Our first e-mail about the record: the root of its thread. */
static enum err_code thread_root(struct ctx *cx, const char *entity, int64_t record_id,
                                 const char **id)
{
    *id = NULL;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT message_id FROM outbox\n"
                              "WHERE entity = $1 AND record_id = $2 AND message_id IS NOT NULL\n"
                              "ORDER BY id\n"
                              "LIMIT 1",
                              "ti", entity, record_id);
    int step = st ? db_step(st) : DB_FAIL;
    if (step == DB_ROW)
        *id = arena_strdup(cx->a, db_col_text(st, 0));
    db_done(st);
    return step == DB_FAIL ? cx->err.code : ERR_OK;
}

static enum err_code queue_one(struct ctx *cx, const struct outbox_item *it, const char *channel,
                               const char *address, const char *lang,
                               const struct outbox_vars *vars, int *queued)
{
    const char *subject, *body;
    enum err_code rc = template_find(cx, it->event, channel, lang, &subject, &body);
    if (rc != ERR_OK || !body)
        return rc;
    bool email = !strcmp(channel, "email");
    const char *number = vars->v[PH_NUMBER];
    subject = email ? outbox_render(cx->a, subject, vars) : NULL;
    if (email && number && *number && !strstr(subject, number))
        subject = arena_printf(cx->a, "[%s] %s", number, subject); /* threading by number */
    body = outbox_render(cx->a, body, vars);
    const char *message_id = NULL, *refs = it->references;
    if (email) {
        const char *root;
        if ((rc = thread_root(cx, it->entity, it->record_id, &root)) != ERR_OK)
            return rc;
        if (root && !(refs && strstr(refs, root)))
            refs = refs && *refs ? arena_printf(cx->a, "%s %s", root, refs) : root;
        message_id = new_message_id(cx->a);
    }
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    rc = db_run(cx->db, &cx->err,
                "INSERT INTO outbox (created_at, updated_at, channel, address, client_id, entity,\n"
                "                    record_id, event, subject, body, message_id, references_ids,\n"
                "                    state, attempts, next_attempt_at)\n"
                "VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', 0, $12)",
                "tttItIttttti", now, channel, address, it->client_id, it->entity, it->record_id,
                it->event, subject, body, message_id, refs && *refs ? refs : NULL, time_now());
    if (rc == ERR_OK && queued)
        (*queued)++;
    return rc;
}

enum err_code outbox_queue(struct ctx *cx, const struct outbox_item *it, int *queued)
{
    if (queued)
        *queued = 0;
    struct client_wishes w;
    enum err_code rc = wishes(cx, it->client_id, &w);
    if (rc != ERR_OK || !w.found || w.opt_out || (!it->own_request && !w.consent))
        return rc;
    struct company co;
    if ((rc = company_get(cx, &co)) != ERR_OK)
        return rc;
    struct outbox_vars vars = it->vars;
    vars.v[PH_COMPANY] = co.name;
    vars.v[PH_REQUISITES] = co.requisites;
    vars.v[PH_LINK] = *co.public_url && it->link_path
                          ? arena_printf(cx->a, "%s%s", co.public_url, it->link_path)
                          : "";
    if (it->email && *it->email)
        rc = queue_one(cx, it, "email", it->email, w.lang, &vars, queued);
    if (rc == ERR_OK && it->phone && *it->phone)
        rc = queue_one(cx, it, "sms", it->phone, w.lang, &vars, queued);
    return rc;
}

/* ---- building a letter ------------------------------------------------------- */

static bool ascii_printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

/* A header's value: as is when it is printable ASCII, else RFC 2047
 * encoded-words (UTF-8, base64) of at most 45 bytes each, never splitting a
 * character, folded onto lines of their own. CR and LF never get through. */
static void header_text(struct buf *b, const char *s)
{
    char *clean = strdup(s);
    if (!clean)
        abort();
    for (char *p = clean; *p; p++)
        if (*p == '\r' || *p == '\n' || *p == '\t')
            *p = ' ';
    if (ascii_printable(clean)) {
        buf_adds(b, clean);
        free(clean);
        return;
    }
    size_t n = strlen(clean);
    for (size_t i = 0; i < n;) {
        size_t take = n - i < 45 ? n - i : 45;
        while (take && i + take < n && ((unsigned char)clean[i + take] & 0xC0) == 0x80)
            take--; /* do not end inside a character */
        char b64[sodium_base64_ENCODED_LEN(45, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)clean + i, take,
                          sodium_base64_VARIANT_ORIGINAL);
        buf_printf(b, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", b64);
        i += take;
    }
    free(clean);
}

/* An address fit for a header and an SMTP command: printable ASCII, no
 * spaces, brackets or commas, and a valid e-mail. */
static bool address_ok(const char *s)
{
    return s && *s && strlen(s) <= 254 && ascii_printable(s) && !strpbrk(s, " <>,;\"()\\") &&
           email_valid(s);
}

static void date_header(struct buf *b, int64_t t)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday,
               months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

struct msg {
    int64_t id;
    const char *channel, *address, *subject, *body, *message_id, *refs, *event;
    int64_t attempts;
};

/* The whole letter, CRLF line ends, the text base64-encoded (so that any
 * line length and any character travels). malloc'd. */
static char *letter(struct ctx *cx, const struct msg *m, const char *from, const char *from_name,
                    size_t *len)
{
    struct buf b;
    buf_init(&b, 0);
    buf_adds(&b, "From: ");
    if (from_name && *from_name) {
        header_text(&b, from_name);
        buf_adds(&b, " ");
    }
    buf_printf(&b, "<%s>\r\nTo: <%s>\r\nSubject: ", from, m->address);
    header_text(&b, m->subject ? m->subject : "");
    buf_adds(&b, "\r\n");
    date_header(&b, time_now());
    buf_printf(&b, "Message-ID: <%s>\r\n", m->message_id);
    if (m->refs && *m->refs) {
        const char *last = strrchr(m->refs, ' ');
        buf_printf(&b, "In-Reply-To: <%s>\r\nReferences:", last ? last + 1 : m->refs);
        for (const char *p = m->refs; *p;) {
            size_t n = strcspn(p, " ");
            if (n)
                buf_printf(&b, "\r\n <%.*s>", (int)n, p);
            p += n + (p[n] == ' ');
        }
        buf_adds(&b, "\r\n");
    }
    if (strcmp(m->event, "reply") != 0)
        buf_adds(&b, "Auto-Submitted: auto-generated\r\n"); /* no auto-replies to it */
    buf_adds(&b, "MIME-Version: 1.0\r\n"
                 "Content-Type: text/plain; charset=utf-8\r\n"
                 "Content-Transfer-Encoding: base64\r\n\r\n");
    /* the text in its canonical form (CRLF), base64 in lines of 76 */
    struct buf text;
    buf_init(&text, 0);
    for (const char *p = m->body; *p; p++) {
        if (*p == '\n' && (p == m->body || p[-1] != '\r'))
            buf_addch(&text, '\r');
        buf_addch(&text, *p);
    }
    for (size_t i = 0; i < text.len; i += 57) {
        size_t n = text.len - i < 57 ? text.len - i : 57;
        char line[sodium_base64_ENCODED_LEN(57, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(line, sizeof(line), (const unsigned char *)text.p + i, n,
                          sodium_base64_VARIANT_ORIGINAL);
        buf_printf(&b, "%s\r\n", line);
    }
    buf_release(&text);
    (void)cx;
    return buf_detach(&b, len);
}

/* ---- sending ------------------------------------------------------------------ */

enum outcome { SENT, RETRY, REFUSED };

struct upload {
    const char *data;
    size_t len, pos;
};

static size_t read_cb(char *out, size_t size, size_t n, void *arg)
{
    struct upload *u = arg;
    size_t left = u->len - u->pos, want = size * n;
    if (want > left)
        want = left;
    memcpy(out, u->data + u->pos, want);
    u->pos += want;
    return want;
}

static size_t discard_cb(char *p, size_t size, size_t n, void *arg)
{
    (void)p, (void)arg;
    return size * n;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

static enum outcome send_email(struct ctx *cx, const struct msg *m, const char *from_name,
                               const char **why)
{
    const char *from = mail_from(cx->a);
    if (!address_ok(m->address)) {
        *why = arena_printf(cx->a, "invalid e-mail address %s", m->address);
        return REFUSED;
    }
    size_t len;
    char *text = letter(cx, m, from, from_name, &len);
    struct upload up = {text, len, 0};
    CURL *c = curl_easy_init();
    if (!c) {
        free(text);
        *why = "curl_easy_init failed";
        return RETRY;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    const char *user = setting_text(SET_SMTP_USER), *url = setting_text(SET_SMTP_URL);
    bool tls_none = !strcmp(setting_text(SET_SMTP_TLS), "none");
    struct curl_slist *rcpt = curl_slist_append(NULL, arena_printf(cx->a, "<%s>", m->address));
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, arena_printf(cx->a, "<%s>", from));
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)SEND_TIMEOUT);
    if (*user) {
        curl_easy_setopt(c, CURLOPT_USERNAME, user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, setting_text(SET_SMTP_PASSWORD));
    }
    /* a login never travels in clear: STARTTLS is required with one */
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     tls_none ? (long)CURLUSESSL_NONE
                     : *user  ? (long)CURLUSESSL_ALL
                              : (long)CURLUSESSL_TRY);
    if (*setting_text(SET_SMTP_CA))
        curl_easy_setopt(c, CURLOPT_CAINFO, setting_text(SET_SMTP_CA));
    CURLcode res = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    free(text);
    if (res == CURLE_OK)
        return SENT;
    *why = arena_printf(cx->a, "smtp: %s%s%s (%ld)", curl_easy_strerror(res), *errbuf ? ": " : "",
                        errbuf, code);
    /* refused for good: the address or the message (a mailbox that does not
     * exist, a syntax the server rejects, a policy refusal); a login refused
     * or anything temporary is tried again */
    bool permanent = res != CURLE_LOGIN_DENIED && (code == 501 || code == 550 || code == 551 ||
                                                   code == 552 || code == 553 || code == 554);
    return permanent ? REFUSED : RETRY;
}

/* s with " \ and control characters escaped for a JSON string. Arena. */
static const char *json_escaped(struct arena *a, const char *s)
{
    json_t *j = json_string(s);
    char *d = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    if (!d)
        return "";
    size_t n = strlen(d);
    const char *out = arena_strndup(a, d + 1, n >= 2 ? n - 2 : 0);
    free(d);
    return out;
}

static enum outcome send_sms(struct ctx *cx, const struct msg *m, const char **why)
{
    char phone[32];
    if (!phone_normalize(m->address, phone, sizeof(phone))) {
        *why = arena_printf(cx->a, "invalid phone number %s", m->address);
        return REFUSED;
    }
    /* the body template: {phone} and {text} put in JSON-escaped */
    struct buf b;
    buf_init(&b, 0);
    for (const char *p = setting_text(SET_SMS_BODY); *p;) {
        if (!strncmp(p, "{phone}", 7))
            buf_adds(&b, json_escaped(cx->a, phone)), p += 7;
        else if (!strncmp(p, "{text}", 6))
            buf_adds(&b, json_escaped(cx->a, m->body)), p += 6;
        else
            buf_addch(&b, *p++);
    }
    CURL *c = curl_easy_init();
    if (!c) {
        buf_release(&b);
        *why = "curl_easy_init failed";
        return RETRY;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *headers = curl_slist_append(
        NULL, arena_printf(cx->a, "Content-Type: %s", setting_text(SET_SMS_CONTENT_TYPE)));
    curl_easy_setopt(c, CURLOPT_URL, setting_text(SET_SMS_URL));
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, b.p ? b.p : "");
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)b.len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_cb);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)SEND_TIMEOUT);
    if (*setting_text(SET_SMS_USER)) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, setting_text(SET_SMS_USER));
        curl_easy_setopt(c, CURLOPT_PASSWORD, setting_text(SET_SMS_PASSWORD));
    }
    CURLcode res = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    buf_release(&b);
    if (res == CURLE_OK && code >= 200 && code < 300)
        return SENT;
    if (res != CURLE_OK) {
        *why = arena_printf(cx->a, "sms gateway: %s%s%s", curl_easy_strerror(res),
                            *errbuf ? ": " : "", errbuf);
        return RETRY;
    }
    *why = arena_printf(cx->a, "sms gateway: HTTP %ld", code);
    return code >= 400 && code < 500 && code != 408 && code != 429 ? REFUSED : RETRY;
}

/* ---- the job -------------------------------------------------------------------- */

static const char *worker_name(struct arena *a)
{
    char host[256] = "?";
    gethostname(host, sizeof(host) - 1);
    return arena_printf(a, "%.200s:%d", host, (int)getpid());
}

/* Claims up to OUTBOX_BATCH due messages of the channels that can be sent. */
static enum err_code claim(struct ctx *cx, const char *channels, const char *worker, int64_t now,
                           int64_t *ids, int *n)
{
    *n = 0;
    enum err_code rc = db_begin_write(cx->db, &cx->err);
    if (rc != ERR_OK)
        return rc;
    const char *sql = arena_printf(cx->a,
                                   "SELECT id FROM outbox\n"
                                   "WHERE state = 'pending' AND next_attempt_at <= $1\n"
                                   "  AND address IS NOT NULL AND channel IN (%s)\n"
                                   "ORDER BY next_attempt_at, id\n"
                                   "LIMIT %d%s",
                                   channels, OUTBOX_BATCH, db_sql_skip_locked(cx->db));
    struct db_stmt *st = db_q(cx->db, &cx->err, sql, "i", now);
    int step = DB_FAIL;
    while (st && (step = db_step(st)) == DB_ROW && *n < OUTBOX_BATCH)
        ids[(*n)++] = db_col_i64(st, 0);
    db_done(st);
    if (!st || step == DB_FAIL)
        rc = cx->err.code;
    char at[ISO_TIME_LEN];
    time_iso(now, at);
    for (int i = 0; i < *n && rc == ERR_OK; i++)
        rc = db_run(cx->db, &cx->err,
                    "UPDATE outbox SET state = 'sending', attempts = attempts + 1,\n"
                    "    locked_by = $2, locked_until = $3, updated_at = $4\n"
                    "WHERE id = $1 AND state = 'pending'",
                    "itit", ids[i], worker, now + OUTBOX_LEASE, at);
    if (rc == ERR_OK)
        rc = db_commit(cx->db, &cx->err);
    else
        db_rollback(cx->db);
    if (rc == ERR_OK)
        rc = ctx_sync(cx);
    if (rc != ERR_OK)
        *n = 0;
    return rc;
}

static enum err_code load(struct ctx *cx, int64_t id, struct msg *m)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT channel, address, subject, body, message_id, references_ids,\n"
             "       event, attempts\n"
             "FROM outbox WHERE id = $1",
             "i", id);
    int step = st ? db_step(st) : DB_FAIL;
    if (step == DB_ROW) {
        const char *s;
        m->id = id;
        m->channel = arena_strdup(cx->a, db_col_text(st, 0));
        m->address = arena_strdup(cx->a, db_col_text(st, 1));
        m->subject = (s = db_col_text(st, 2)) ? arena_strdup(cx->a, s) : NULL;
        m->body = arena_strdup(cx->a, db_col_text(st, 3));
        m->message_id = (s = db_col_text(st, 4)) ? arena_strdup(cx->a, s) : NULL;
        m->refs = (s = db_col_text(st, 5)) ? arena_strdup(cx->a, s) : NULL;
        m->event = (s = db_col_text(st, 6)) ? arena_strdup(cx->a, s) : "";
        m->attempts = db_col_i64(st, 7);
    }
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    return step == DB_ROW
               ? ERR_OK
               : ctx_fail(cx, ERR_NOTFOUND, "outbox message %lld is gone", (long long)id);
}

static const char *clip(struct arena *a, const char *s)
{
    if (utf8_count(s, strlen(s)) <= ERROR_MAX)
        return s;
    size_t n = 0, chars = 0;
    for (; s[n] && chars < ERROR_MAX; n++)
        if (((unsigned char)s[n] & 0xC0) != 0x80)
            chars++;
    while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80)
        n++;
    return arena_strndup(a, s, n);
}

/* Writes what became of a claimed message, made durable before the next
 * one is sent. */
static enum err_code settle(struct ctx *cx, const struct msg *m, const char *worker, enum outcome o,
                            const char *why)
{
    int64_t now = time_now(), attempts_max = setting_int(SET_OUTBOX_ATTEMPTS);
    char at[ISO_TIME_LEN];
    time_iso(now, at);
    const char *state = o == SENT ? "sent" : o == REFUSED ? "failed" : "pending";
    int64_t next = now;
    if (o == RETRY && m->attempts >= attempts_max) {
        state = "failed";
        why = arena_printf(cx->a, "gave up after %lld attempts: %s", (long long)m->attempts, why);
    } else if (o == RETRY) {
        int64_t delay = setting_int(SET_OUTBOX_BACKOFF);
        for (int64_t i = 1; i < m->attempts && delay < BACKOFF_MAX; i++)
            delay *= 2;
        next = now + (delay < BACKOFF_MAX ? delay : BACKOFF_MAX);
    }
    enum err_code rc = db_run(cx->db, &cx->err,
                              "UPDATE outbox SET state = $2, sent_at = $3, last_error = $4,\n"
                              "    next_attempt_at = $5, locked_by = NULL, locked_until = NULL,\n"
                              "    updated_at = $6\n"
                              "WHERE id = $1 AND state = 'sending' AND locked_by = $7",
                              "itttitt", m->id, state, o == SENT ? at : NULL,
                              o == SENT ? NULL : clip(cx->a, why), next, at, worker);
    if (rc == ERR_OK)
        rc = ctx_sync(cx);
    if (o != SENT)
        fprintf(stderr, "servitor: outbox: message %lld to %s: %s%s\n", (long long)m->id,
                m->address, why, o == RETRY && !strcmp(state, "pending") ? " (will retry)" : "");
    return rc;
}

enum err_code outbox_send_job(struct ctx *cx)
{
    pthread_once(&curl_once, curl_init);
    int64_t now = time_now();
    char at[ISO_TIME_LEN];
    time_iso(now, at);
    /* a claim past its end: the sender stopped while sending — the message
     * may have gone, so it is not sent again by itself */
    enum err_code rc = db_run(cx->db, &cx->err,
                              "UPDATE outbox SET state = 'failed', locked_by = NULL,\n"
                              "    locked_until = NULL, updated_at = $2,\n"
                              "    last_error = 'interrupted: the sender stopped while sending it; "
                              "it may have been delivered — resend it if it was not'\n"
                              "WHERE state = 'sending' AND locked_until < $1",
                              "it", now, at);
    if (rc == ERR_OK)
        rc = ctx_sync(cx);
    bool email = *setting_text(SET_SMTP_URL) && *mail_from(cx->a);
    bool sms = *setting_text(SET_SMS_URL);
    if (rc != ERR_OK || (!email && !sms))
        return rc;
    const char *channels = email && sms ? "'email', 'sms'" : email ? "'email'" : "'sms'";
    const char *worker = worker_name(cx->a);
    struct company co = {.name = ""};
    if ((rc = company_get(cx, &co)) != ERR_OK)
        return rc;
    for (int round = 0; round < OUTBOX_ROUNDS; round++) {
        int64_t ids[OUTBOX_BATCH];
        int n;
        if ((rc = claim(cx, channels, worker, now, ids, &n)) != ERR_OK || n == 0)
            return rc;
        for (int i = 0; i < n; i++) {
            struct msg m = {0};
            if ((rc = load(cx, ids[i], &m)) != ERR_OK)
                return rc;
            const char *why = "";
            enum outcome o = !strcmp(m.channel, "email") ? send_email(cx, &m, co.name, &why)
                                                         : send_sms(cx, &m, &why);
            if ((rc = settle(cx, &m, worker, o, why)) != ERR_OK)
                return rc;
        }
    }
    return ERR_OK;
}

/* ---- the admins' view ---------------------------------------------------------- */

enum err_code outbox_list(struct ctx *cx, const char *state, int64_t before, int limit,
                          struct outbox_row **rows, int *n)
{
    *n = 0;
    *rows = arena_alloc(cx->a, sizeof(**rows) * (size_t)limit);
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT id, created_at, updated_at, sent_at, channel, address, event, entity, state,\n"
             "       subject, body, last_error, message_id, client_id, record_id, attempts,\n"
             "       next_attempt_at\n"
             "FROM outbox\n"
             "WHERE address IS NOT NULL AND ($1 = '' OR state = $1) AND ($2 = 0 OR id < $2)\n"
             "ORDER BY id DESC\n"
             "LIMIT $3",
             "tii", state ? state : "", before, (int64_t)limit);
    int step = DB_FAIL;
    while (st && (step = db_step(st)) == DB_ROW) {
        struct outbox_row *r = &(*rows)[(*n)++];
#define T(i) (db_col_null(st, i) ? NULL : arena_strdup(cx->a, db_col_text(st, i)))
        r->id = db_col_i64(st, 0);
        r->created_at = T(1);
        r->updated_at = T(2);
        r->sent_at = T(3);
        r->channel = T(4);
        r->address = T(5);
        r->event = T(6);
        r->entity = T(7);
        r->state = T(8);
        r->subject = T(9);
        r->body = T(10);
        r->last_error = T(11);
        r->message_id = T(12);
#undef T
        r->client_id = db_col_i64(st, 13);
        r->record_id = db_col_i64(st, 14);
        r->attempts = db_col_i64(st, 15);
        r->next_attempt_at = db_col_i64(st, 16);
    }
    db_done(st);
    return !st || step == DB_FAIL ? cx->err.code : ERR_OK;
}

enum err_code outbox_resend(struct ctx *cx, int64_t id)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    struct db_stmt *st = db_q(cx->db, &cx->err,
                              "SELECT state, last_error FROM outbox\n"
                              "WHERE id = $1 AND address IS NOT NULL",
                              "i", id);
    int step = st ? db_step(st) : DB_FAIL;
    const char *state = NULL, *error = NULL;
    if (step == DB_ROW) {
        state = arena_strdup(cx->a, db_col_text(st, 0));
        error = db_col_null(st, 1) ? NULL : arena_strdup(cx->a, db_col_text(st, 1));
    }
    db_done(st);
    if (step == DB_FAIL)
        rc = cx->err.code;
    else if (!state)
        rc = ctx_fail(cx, ERR_NOTFOUND, "no message %lld in the outbox", (long long)id);
    else if (strcmp(state, "failed") != 0)
        rc = ctx_fail(cx, ERR_CONFLICT, "message %lld is %s, not failed", (long long)id, state);
    char at[ISO_TIME_LEN];
    time_now_iso(at);
    if (rc == ERR_OK)
        rc = db_run(cx->db, &cx->err,
                    "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $2,\n"
                    "    updated_at = $3\n"
                    "WHERE id = $1",
                    "iit", id, time_now(), at);
    if (rc == ERR_OK) {
        json_t *b = json_pack("{s:s,s:s?}", "state", "failed", "last_error", error);
        char *bs = json_dumps(b, JSON_COMPACT);
        rc = audit_append(cx, "resend", "outbox", id, bs, "{\"state\":\"pending\"}");
        free(bs);
        json_decref(b);
    }
    return db_end_own(cx->db, &cx->err, own, rc);
}
