/* timeline.c — the timeline of a record and its public page (core layer):
 * the `events` table, comments, and the page clients reach by number and
 * access code. */
#include "timeline.h"

#include <assert.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/timeutil.h"
#include "core/audit.h"
#include "core/ratelimit.h"
#include "base/banned.h"

/* ten wrong number/code pairs per ten minutes from one address, whichever
 * entity's page they ask for (one key: asking another entity's page gives
 * no more tries) */
static const struct rate_rule status_rule = {.window = 600, .max = 10, .block = 600};
/* wrong codes for one record number, from anywhere: 10 an hour */
static const struct rate_rule status_number_rule = {.window = 3600, .max = 10, .block = 3600};

/* One event; attachment_id (0: none) is the file a "file" event is about. */
static enum err_code insert_event(struct ctx *cx, const struct entity *ent, int64_t id,
                                  const char *kind, bool public_event, const char *body,
                                  const char *from, const char *to, const char *author,
                                  int64_t attachment_id, int64_t *event_id)
{
    assert(ent->timeline);
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    int64_t eid = 0;
    bool found;
    enum err_code rc = db_get_i64(
        cx->db, &cx->err, &eid, &found,
        "INSERT INTO events (entity, record_id, at, user_id, author, kind, public, body,\n"
        "                    from_state, to_state, attachment_id)\n"
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)\n"
        "RETURNING id",
        "titIttitttI", ent->name, id, now, cx->user && !author ? cx->user->id : (int64_t)0, author,
        kind, (int64_t)public_event, body, from, to, attachment_id);
    if (event_id)
        *event_id = eid;
    return rc;
}

enum err_code timeline_add(struct ctx *cx, const struct entity *ent, int64_t id, const char *kind,
                           bool public_event, const char *body, const char *from, const char *to,
                           const char *author, int64_t *event_id)
{
    return insert_event(cx, ent, id, kind, public_event, body, from, to, author, 0, event_id);
}

enum err_code timeline_add_file(struct ctx *cx, const struct entity *ent, int64_t id,
                                bool public_event, int64_t attachment_id, const char *file_name,
                                int64_t *event_id)
{
    return insert_event(cx, ent, id, "file", public_event, file_name, NULL, NULL, NULL,
                        attachment_id, event_id);
}

static bool kind_shown(const char *const *kinds, const char *kind)
{
    if (!kinds)
        return true;
    for (int i = 0; kinds[i]; i++)
        if (!strcmp(kinds[i], kind))
            return true;
    return false;
}

/* The events of a record, oldest first; kinds (NULL: all) only. */
static enum err_code list_kinds(struct ctx *cx, const struct entity *ent, int64_t id,
                                bool public_only, const char *const *kinds, struct event **out,
                                int *n)
{
    struct db_stmt *st =
        db_q(cx->db, &cx->err,
             "SELECT e.id, e.at, e.user_id, u.name, e.kind, e.public, e.body, e.from_state,\n"
             "       e.to_state, e.author, e.attachment_id, a.size\n"
             "FROM events e\n"
             "LEFT JOIN users u ON u.id = e.user_id\n"
             "LEFT JOIN attachments a ON a.id = e.attachment_id\n"
             "WHERE e.entity = $1 AND e.record_id = $2 AND (e.public = 1 OR $3 = 0)\n"
             "ORDER BY e.id\n"
             "LIMIT 1000",
             "tii", ent->name, id, (int64_t)public_only);
    if (!st)
        return cx->err.code;
    int cap = 16, count = 0, step;
    struct event *ev = arena_alloc(cx->a, sizeof(*ev) * (size_t)cap);
    while ((step = db_step(st)) == DB_ROW) {
        if (!kind_shown(kinds, db_col_text(st, 4)))
            continue;
        if (count == cap) {
            struct event *bigger = arena_alloc(cx->a, sizeof(*ev) * (size_t)cap * 2);
            memcpy(bigger, ev, sizeof(*ev) * (size_t)cap);
            ev = bigger;
            cap *= 2;
        }
        struct event *e = &ev[count++];
        e->id = db_col_i64(st, 0);
        e->at = arena_strdup(cx->a, db_col_text(st, 1));
        e->user_id = db_col_null(st, 2) ? 0 : db_col_i64(st, 2);
        e->user_name = arena_strdup(cx->a, db_col_text(st, 3));
        e->kind = arena_strdup(cx->a, db_col_text(st, 4));
        e->public_event = db_col_i64(st, 5) != 0;
        e->body = arena_strdup(cx->a, db_col_text(st, 6));
        e->from_state = arena_strdup(cx->a, db_col_text(st, 7));
        e->to_state = arena_strdup(cx->a, db_col_text(st, 8));
        e->author = arena_strdup(cx->a, db_col_text(st, 9));
        e->attachment_id = db_col_null(st, 10) ? 0 : db_col_i64(st, 10);
        e->file_size = db_col_null(st, 11) ? 0 : db_col_i64(st, 11);
    }
    db_done(st);
    if (step == DB_FAIL)
        return cx->err.code;
    *out = ev;
    *n = count;
    return ERR_OK;
}

enum err_code timeline_list(struct ctx *cx, const struct entity *ent, int64_t id, bool public_only,
                            struct event **out, int *n)
{
    return list_kinds(cx, ent, id, public_only, NULL, out, n);
}

static enum err_code comment_tx(struct ctx *cx, const struct entity *ent, int64_t id,
                                const char *body, bool public_reply, int64_t *event_id)
{
    struct record *rec;
    enum err_code rc = entity_get(cx, ent, id, &rec);
    const char *kind = public_reply ? "reply" : "note";
    if (rc == ERR_OK)
        rc = timeline_add(cx, ent, id, kind, public_reply, body, NULL, NULL, NULL, event_id);
    if (rc == ERR_OK && ent->on_comment)
        rc = ent->on_comment(cx, rec, public_reply, body);
    if (rc == ERR_OK) {
        json_t *j = json_pack("{s:s,s:s}", "kind", kind, "body", body);
        char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        rc = audit_append(cx, kind, ent->name, id, NULL, s);
        free(s);
        json_decref(j);
    }
    return rc;
}

enum err_code timeline_comment(struct ctx *cx, const struct entity *ent, int64_t id,
                               const char *body, bool public_reply, int64_t *event_id)
{
    if (!body || text_blank(body))
        err_field(&cx->err, "body", "required");
    else if (!utf8_valid(body, strlen(body)))
        err_field(&cx->err, "body", "invalid");
    else if (utf8_count(body, strlen(body)) > 10000)
        err_field(&cx->err, "body", "too_long");
    /* a reply is for a client, who reads it on the record's public page */
    if (public_reply && !ent->public_view)
        err_field(&cx->err, "public", "no_public_page");
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "the comment is invalid");
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, comment_tx(cx, ent, id, body, public_reply, event_id));
}

enum err_code timeline_forget(struct ctx *cx, const struct entity *ent, int64_t id)
{
    /* the events first: a "file" event points at its attachment's row (the
     * bytes stay on disk, shared by content with other records) */
    enum err_code rc =
        db_run(cx->db, &cx->err, "DELETE FROM events WHERE entity = $1 AND record_id = $2", "ti",
               ent->name, id);
    if (rc == ERR_OK)
        rc =
            db_run(cx->db, &cx->err, "DELETE FROM attachments WHERE entity = $1 AND record_id = $2",
                   "ti", ent->name, id);
    return rc;
}

/* Crockford's base32: no I, L, O, U — nothing to misread when dictated. */
static const char code_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void timeline_new_code(struct ctx *cx, struct record *rec)
{
    const struct public_view *pv = rec->ent->public_view;
    struct value *v = pv && pv->code_field ? record_value(rec, pv->code_field) : NULL;
    if (!v || (v->set && !v->null && v->s && *v->s))
        return;
    char code[TIMELINE_CODE_LEN + 1];
    for (int i = 0; i < TIMELINE_CODE_LEN; i++)
        code[i] = code_alphabet[randombytes_uniform(32)];
    code[TIMELINE_CODE_LEN] = 0;
    v->set = true, v->null = false, v->s = arena_strdup(cx->a, code);
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
 * record number from anywhere — many addresses guessing one number's code
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

enum err_code timeline_public(struct ctx *cx, const struct entity *ent, const char *number,
                              const char *code, struct record **rec, struct event **events, int *n)
{
    const struct public_view *pv = ent ? ent->public_view : NULL;
    int64_t now = time_now();
    const char *key = arena_printf(cx->a, "status:%s", cx->remote_addr ? cx->remote_addr : "-");
    bool plausible = pv && number && strlen(number) < 40 && (code = code_typed(cx, code)) != NULL;
    const char *knum =
        plausible ? arena_printf(cx->a, "status-number:%s:%s", ent->name, number) : NULL;
    enum err_code rc = status_take(cx, key, knum, now);
    if (rc != ERR_OK)
        return rc;
    int64_t id = 0;
    bool found = false;
    if (plausible) {
        /* identifiers from the descriptor, values bound */
        const char *sql = arena_printf(cx->a, "SELECT id FROM %s WHERE %s = $1 AND %s = $2",
                                       ent->table, pv->number_field, pv->code_field);
        rc = db_get_i64(cx->db, &cx->err, &id, &found, sql, "tt", number, code);
    }
    if (rc != ERR_OK)
        return rc;
    if (!found)
        return ctx_fail(cx, ERR_NOTFOUND, "nothing with this number and code");
    if (db_begin_write(cx->db, &cx->err) == ERR_OK) {
        if (ratelimit_give_back(cx, key) == ERR_OK && ratelimit_give_back(cx, knum) == ERR_OK)
            db_commit(cx->db, &cx->err);
        else
            db_rollback(cx->db);
    }
    err_clear(&cx->err);
    if ((rc = entity_get(cx, ent, id, rec)) != ERR_OK)
        return rc;
    return list_kinds(cx, ent, id, true, pv->kinds, events, n);
}
