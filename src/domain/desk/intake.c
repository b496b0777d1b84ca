/* intake.c — the public side of the desk (domain layer): a request form for
 * clients, and a status page reached by request number and access code. */
#include "intake.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "base/timeutil.h"
#include "core/perm.h"
#include "core/ratelimit.h"
#include "core/validate.h"
#include "domain/desk/desk.h"
#include "domain/registry/registry.h"
#include "base/banned.h"

/* five submissions per ten minutes from one address */
static const struct rate_rule intake_rule = {.window = 600, .max = 5, .block = 600};
/* ten wrong number/code pairs per ten minutes from one address */
static const struct rate_rule status_rule = {.window = 600, .max = 10, .block = 600};
/* wrong codes for one request number, from anywhere: 10 an hour */
static const struct rate_rule status_number_rule = {.window = 3600, .max = 10, .block = 3600};

/* Who acts for the public form: written into the audit log as "public". */
static const struct user public_user = {
    .id = 0,
    .login = "public",
    .name = "Веб-форма",
    .role = "public",
    .perms = P_CLIENTS_WRITE | P_REQUESTS_WRITE,
};

static void text_field(struct ctx *cx, const char *name, const char *v, size_t max, bool required)
{
    if (!v || text_blank(v)) {
        if (required)
            err_field(&cx->err, name, "required");
    } else if (!utf8_valid(v, strlen(v))) {
        err_field(&cx->err, name, "invalid");
    } else if (utf8_count(v, strlen(v)) > max) {
        err_field(&cx->err, name, "too_long");
    }
}

static void setv(struct record *r, const char *name, const char *s)
{
    struct value *v = record_value(r, name);
    v->set = true;
    v->null = s == NULL;
    v->s = s;
}

static enum err_code intake_tx(struct ctx *cx, const struct intake *in, const char *phone,
                               struct record **out)
{
    int64_t client_id;
    enum err_code rc = client_find(cx, phone, in->email, &client_id);
    if (rc != ERR_OK)
        return rc;
    if (!client_id) {
        struct record *c = record_new(cx, &entity_clients), *made;
        setv(c, "kind", "person");
        setv(c, "name", in->name);
        setv(c, "phone", phone);
        setv(c, "email", in->email && *in->email ? in->email : NULL);
        struct value *consent = record_value(c, "pd_consent");
        consent->set = true, consent->i = 1;
        if ((rc = entity_create(cx, &entity_clients, c, &made)) != ERR_OK)
            return rc;
        client_id = made->id;
    }
    struct record *r = record_new(cx, &entity_requests);
    const char *eq = in->equipment && !text_blank(in->equipment) ? in->equipment : NULL;
    /* the subject: the start of the description, cut at a character boundary */
    size_t n = 0;
    for (int chars = 0; in->description[n] && chars <= 100; n++)
        if (((unsigned char)in->description[n] & 0xC0) != 0x80 && ++chars > 100)
            break;

    setv(r, "subject", arena_strndup(cx->a, in->description, n));
    setv(r, "description",
         eq ? arena_printf(cx->a, "%s\n\nОборудование: %s", in->description, eq) : in->description);
    setv(r, "channel", "web_form");
    setv(r, "type", eq ? "repair" : "consultation");
    struct value *cv = record_value(r, "client_id");
    cv->set = true, cv->null = false, cv->i = client_id;
    return entity_create(cx, &entity_requests, r, out);
}

enum err_code desk_intake(struct ctx *cx, const struct intake *in, struct record **out)
{
    *out = NULL;
    int64_t now = time_now();
    const char *key = arena_printf(cx->a, "intake:%s", cx->remote_addr ? cx->remote_addr : "-");
    enum err_code rc = ratelimit_check(cx, key, now);
    if (rc != ERR_OK)
        return rc;
    text_field(cx, "name", in->name, 200, true);
    text_field(cx, "description", in->description, 4000, true);
    text_field(cx, "equipment", in->equipment, 200, false);
    char phone[32];
    bool has_phone = in->phone && !text_blank(in->phone);
    bool has_email = in->email && !text_blank(in->email);
    if (has_phone && !phone_normalize(in->phone, phone, sizeof(phone)))
        err_field(&cx->err, "phone", "invalid_phone");
    if (has_email && !email_valid(in->email))
        err_field(&cx->err, "email", "invalid_email");
    if (!has_phone && !has_email)
        err_field(&cx->err, "phone", "required");
    if (!in->consent)
        err_field(&cx->err, "consent", "required");
    if ((rc = db_begin_write(cx->db, &cx->err)) != ERR_OK)
        return rc;
    /* every submission counts, accepted or not */
    rc = ratelimit_hit(cx, key, now, &intake_rule);
    if (rc == ERR_OK && cx->err.nfields)
        rc = ctx_fail(cx, ERR_INVALID, "some fields are invalid");
    if (rc == ERR_OK && in->trap && *in->trap)
        rc = ERR_OK; /* a bot filled the hidden field: counted, nothing made */
    else if (rc == ERR_OK) {
        const struct user *was = cx->user;
        cx->user = &public_user;
        rc = intake_tx(cx, in, has_phone ? phone : NULL, out);
        cx->user = was;
    }
    if (rc == ERR_INVALID) {
        /* keep the count even when the input is refused */
        struct err saved = cx->err;
        db_rollback(cx->db);
        if (db_begin_write(cx->db, &cx->err) == ERR_OK &&
            ratelimit_hit(cx, key, now, &intake_rule) == ERR_OK)
            db_commit(cx->db, &cx->err);
        else
            db_rollback(cx->db);
        cx->err = saved;
        return ERR_INVALID;
    }
    return db_end_own(cx->db, &cx->err, true, rc);
}

/* A code as the client typed it: upper case, spaces and dashes dropped,
 * the letters base32 leaves out read as the digits they look like. NULL when
 * it cannot be a code. */
static const char *code_typed(struct ctx *cx, const char *code)
{
    if (!code || strlen(code) > 40)
        return NULL;
    char *out = arena_alloc(cx->a, strlen(code) + 1), *w = out;
    for (const char *p = code; *p; p++) {
        char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
        if (c == ' ' || c == '-')
            continue;
        *w++ = c == 'O' ? '0' : c == 'I' || c == 'L' ? '1' : c;
    }
    *w = 0;
    return *out && w - out <= 16 ? out : NULL;
}

/* Both limits are taken before the lookup (so parallel guesses cannot
 * exceed them) and given back when the code was right: per address, and per
 * request number from anywhere — many addresses guessing one number's code
 * make it wait. */
static enum err_code status_take(struct ctx *cx, const char *kaddr, const char *knum, int64_t now)
{
    enum err_code rc = db_begin_write(cx->db, &cx->err);
    if (rc != ERR_OK)
        return rc;
    rc = ratelimit_take(cx, kaddr, now, &status_rule, NULL);
    if (rc == ERR_OK && knum)
        rc = ratelimit_take(cx, knum, now, &status_number_rule, NULL);
    if (rc != ERR_OK && rc != ERR_LIMITED) {
        db_rollback(cx->db);
        return rc;
    }
    struct err limited = cx->err;
    enum err_code cc = db_commit(cx->db, &cx->err);
    if (cc != ERR_OK)
        return cc;
    cx->err = limited;
    return rc;
}

enum err_code desk_public_status(struct ctx *cx, const char *number, const char *code,
                                 struct record **req, struct request_event **events, int *n)
{
    int64_t now = time_now();
    const char *key = arena_printf(cx->a, "status:%s", cx->remote_addr ? cx->remote_addr : "-");
    bool plausible = number && strlen(number) < 40 && (code = code_typed(cx, code)) != NULL;
    const char *knum = plausible ? arena_printf(cx->a, "status-number:%s", number) : NULL;
    enum err_code rc = status_take(cx, key, knum, now);
    if (rc != ERR_OK)
        return rc;
    int64_t id = 0;
    bool found = false;
    if (plausible)
        rc = db_get_i64(cx->db, &cx->err, &id, &found,
                        "SELECT id FROM requests WHERE number = $1 AND access_code = $2", "tt",
                        number, code);
    if (rc != ERR_OK)
        return rc;
    if (!found)
        return ctx_fail(cx, ERR_NOTFOUND, "no request with this number and code");
    if (db_begin_write(cx->db, &cx->err) == ERR_OK) {
        if (ratelimit_give_back(cx, key) == ERR_OK && ratelimit_give_back(cx, knum) == ERR_OK)
            db_commit(cx->db, &cx->err);
        else
            db_rollback(cx->db);
    }
    err_clear(&cx->err);
    if ((rc = entity_get(cx, &entity_requests, id, req)) != ERR_OK)
        return rc;
    return request_timeline(cx, id, true, events, n);
}
