/* intake.c — the public side of the desk (domain layer): a request form for
 * clients. (The status page reached by request number and access code is
 * the requests' public view: core/timeline.c.) */
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

/* Who acts for the public form: written into the audit log as "public". */
static const struct user public_user = {
    .id = 0,
    .login = "public",
    .name = "Веб-форма",
    .role = "public",
    .perms = {{[P_CLIENTS_WRITE] = 1, [P_REQUESTS_WRITE] = 1}},
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

static void setv(struct record *r, int field, const char *s)
{
    struct value *v = rec_set(r, field);
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
        setv(c, CLIENT_KIND, "person");
        setv(c, CLIENT_NAME, in->name);
        setv(c, CLIENT_PHONE, phone);
        setv(c, CLIENT_EMAIL, in->email && *in->email ? in->email : NULL);
        struct value *consent = rec_set(c, CLIENT_PD_CONSENT);
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

    setv(r, REQ_SUBJECT, arena_strndup(cx->a, in->description, n));
    setv(r, REQ_DESCRIPTION,
         eq ? arena_printf(cx->a, "%s\n\nОборудование: %s", in->description, eq) : in->description);
    setv(r, REQ_CHANNEL, "web_form");
    setv(r, REQ_TYPE, eq ? "repair" : "consultation");
    struct value *cv = rec_set(r, REQ_CLIENT_ID);
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
    if (!has_phone && !has_email) {
        /* either will do: both fields say so */
        err_field(&cx->err, "phone", "phone_or_email");
        err_field(&cx->err, "email", "phone_or_email");
    }
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
