/* entity.c — the generic entity layer: validation, SQL, lists, search,
 * versioning and audit from one field table (core layer).
 *
 * SQL here is built from descriptor constants only (table and column names);
 * every value from input is bound as a parameter. */
#include "entity.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "base/util.h"
#include "core/audit.h"
#include "core/entity_internal.h"
#include "core/numbering.h"
#include "core/auth.h"
#include "core/record.h"
#include "core/timeline.h"
#include "core/validate.h"
#include "base/banned.h"

int entity_nfields(const struct entity *ent)
{
    int n = 0;
    while (ent->fields[n].name)
        n++;
    return n;
}

const struct field *entity_field(const struct entity *ent, const char *name, int *index)
{
    for (int i = 0; ent->fields[i].name; i++) {
        if (strcmp(ent->fields[i].name, name) == 0) {
            if (index)
                *index = i;
            return &ent->fields[i];
        }
    }
    return NULL;
}

struct value *record_value(struct record *rec, const char *name)
{
    int i;
    return entity_field(rec->ent, name, &i) ? &rec->v[i] : NULL;
}

struct record *record_new(struct ctx *cx, const struct entity *ent)
{
    int n = entity_nfields(ent);
    struct record *r = arena_alloc(cx->a, sizeof(*r));
    r->ent = ent;
    r->v = arena_alloc(cx->a, sizeof(struct value) * (size_t)(n + 1));
    r->labels = arena_alloc(cx->a, sizeof(char *) * (size_t)(n + 1));
    return r;
}

static bool is_text_type(enum field_type t) { return t != F_INT && t != F_BOOL && t != F_REF; }

/* The column a field is stored in. */
static const char *field_column(const struct field *f)
{
    return f->type == F_PASSWORD ? "password_hash" : f->name;
}

/* ---- reading ---------------------------------------------------------- */

static void build_select(const struct entity *ent, struct buf *sql)
{
    buf_adds(sql, "SELECT t.id, t.version, t.created_at, t.updated_at");
    for (int i = 0; ent->fields[i].name; i++)
        if (ent->fields[i].type != F_PASSWORD)
            buf_printf(sql, ", t.%s", ent->fields[i].name);
    for (int i = 0; ent->fields[i].name; i++) {
        const struct field *f = &ent->fields[i];
        if (f->type == F_REF)
            buf_printf(sql, ",\n  (SELECT %s FROM %s r WHERE r.id = t.%s)", f->ref->display_sql,
                       f->ref->table, f->name);
    }
    buf_printf(sql, "\nFROM %s t", ent->table);
}

/* The SELECT of an entity never changes: it is built once per process and
 * kept (a lookup is a scan of a few pointers; only a miss takes the lock). */
enum { SELECT_CACHE = 128 };
static struct {
    const struct entity *ent;
    char *sql;
} select_cache[SELECT_CACHE];
static int select_cached;
static pthread_mutex_t select_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *select_sql(const struct entity *ent)
{
    int n = __atomic_load_n(&select_cached, __ATOMIC_ACQUIRE);
    for (int i = 0; i < n; i++)
        if (select_cache[i].ent == ent)
            return select_cache[i].sql;
    pthread_mutex_lock(&select_lock);
    n = select_cached;
    const char *found = NULL;
    for (int i = 0; i < n && !found; i++)
        if (select_cache[i].ent == ent)
            found = select_cache[i].sql;
    if (!found) {
        if (n == SELECT_CACHE)
            die("entity: more than %d entities", SELECT_CACHE);
        struct buf b = {0};
        build_select(ent, &b);
        select_cache[n].ent = ent;
        select_cache[n].sql = buf_detach(&b, NULL);
        found = select_cache[n].sql;
        __atomic_store_n(&select_cached, n + 1, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&select_lock);
    return found;
}

void entity_select_sql(const struct entity *ent, struct buf *sql)
{
    buf_adds(sql, select_sql(ent));
}

struct record *entity_row(struct ctx *cx, const struct entity *ent, struct db_stmt *st)
{
    struct record *r = record_new(cx, ent);
    r->id = db_col_i64(st, 0);
    r->version = db_col_i64(st, 1);
    r->created_at = arena_strdup(cx->a, db_col_text(st, 2));
    r->updated_at = arena_strdup(cx->a, db_col_text(st, 3));
    int col = 4;
    for (int i = 0; ent->fields[i].name; i++) {
        const struct field *f = &ent->fields[i];
        struct value *v = &r->v[i];
        if (f->type == F_PASSWORD)
            continue;
        v->set = true;
        v->null = db_col_null(st, col);
        if (!v->null) {
            if (is_text_type(f->type))
                v->s = arena_strdup(cx->a, db_col_text(st, col));
            else
                v->i = db_col_i64(st, col);
        }
        col++;
    }
    for (int i = 0; ent->fields[i].name; i++)
        if (ent->fields[i].type == F_REF) {
            if (!db_col_null(st, col))
                r->labels[i] = arena_strdup(cx->a, db_col_text(st, col));
            col++;
        }
    return r;
}

enum err_code entity_visible(struct ctx *cx, const struct entity *ent, int64_t id)
{
    int64_t branch = ent->branch_field ? ctx_branch(cx) : 0;
    if (!branch)
        return ERR_OK;
    char sql[200];
    snprintf(sql, sizeof(sql), "SELECT 1 FROM %s WHERE id = $1 AND %s = $2", ent->table,
             ent->branch_field);
    int64_t one;
    bool found;
    if (db_get_i64(cx->db, &cx->err, &one, &found, sql, "ii", id, branch) != ERR_OK)
        return cx->err.code;
    return found ? ERR_OK
                 : ctx_fail(cx, ERR_NOTFOUND, "%s %lld not found", ent->name, (long long)id);
}

enum err_code entity_get(struct ctx *cx, const struct entity *ent, int64_t id, struct record **out)
{
    struct buf sql = BUF_INIT;
    entity_select_sql(ent, &sql);
    buf_adds(&sql, "\nWHERE t.id = $1");
    int np = 1;
    if (ent->owner_field)
        buf_printf(&sql, " AND t.%s = $%d", ent->owner_field, ++np);
    int64_t branch = ent->branch_field ? ctx_branch(cx) : 0;
    if (branch)
        buf_printf(&sql, " AND t.%s = $%d", ent->branch_field, ++np);
    struct db_stmt *st = db_prepare(cx->db, sql.p, &cx->err);
    buf_release(&sql);
    if (!st)
        return cx->err.code;
    db_bind_i64(st, 1, id);
    np = 1;
    if (ent->owner_field)
        db_bind_i64(st, ++np, cx->user ? cx->user->id : 0);
    if (branch)
        db_bind_i64(st, ++np, branch);
    int rc = db_step(st);
    if (rc == DB_ROW)
        *out = entity_row(cx, ent, st);
    db_done(st);
    if (rc == DB_FAIL)
        return cx->err.code;
    if (rc != DB_ROW)
        return ctx_fail(cx, ERR_NOTFOUND, "%s %lld not found", ent->name, (long long)id);
    return ERR_OK;
}

/* ---- validation --------------------------------------------------------- */

static bool enum_ok(const struct field *f, const char *s)
{
    for (int i = 0; f->enums && f->enums[i]; i++)
        if (strcmp(f->enums[i], s) == 0)
            return true;
    return false;
}

/* Checks and normalises one present, non-null value. */
static void validate_value(struct ctx *cx, const struct field *f, struct value *v)
{
    struct err *e = &cx->err;
    if (is_text_type(f->type)) {
        /* trim surrounding white space; empty means null */
        const char *s = v->s;
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        size_t n = strlen(s);
        while (n && strchr(" \t\r\n", s[n - 1]))
            n--;
        if (f->type != F_PASSWORD)
            v->s = arena_strndup(cx->a, s, n);
        if (n == 0 && f->type != F_PASSWORD) {
            v->null = true;
            return;
        }
        if (!utf8_valid(v->s, strlen(v->s))) {
            err_field(e, f->name, "invalid");
            return;
        }
        if (f->max && (int64_t)utf8_count(v->s, strlen(v->s)) > f->max) {
            err_field(e, f->name, "too_long");
            return;
        }
    }
    char buf[64];
    int y, m, d;
    switch (f->type) {
    case F_ENUM:
        if (!enum_ok(f, v->s))
            err_field(e, f->name, "invalid_enum");
        break;
    case F_DATE:
        if (!date_parse(v->s, &y, &m, &d))
            err_field(e, f->name, "invalid_date");
        break;
    case F_DATETIME: {
        int64_t t;
        if (strlen(v->s) != 20 || !time_parse(v->s, &t))
            err_field(e, f->name, "invalid_datetime");
        break;
    }
    case F_PHONE:
        if (!phone_normalize(v->s, buf, sizeof(buf)))
            err_field(e, f->name, "invalid_phone");
        else
            v->s = arena_strdup(cx->a, buf);
        break;
    case F_EMAIL:
        if (!email_valid(v->s))
            err_field(e, f->name, "invalid_email");
        break;
    case F_INN:
        if (!inn_valid(v->s))
            err_field(e, f->name, "invalid_inn");
        break;
    case F_KPP:
        if (!kpp_valid(v->s))
            err_field(e, f->name, "invalid_kpp");
        break;
    case F_PASSWORD:
        if (utf8_count(v->s, strlen(v->s)) < 8)
            err_field(e, f->name, "too_short");
        break;
    case F_INT:
        if (v->i < f->min)
            err_field(e, f->name, "too_small");
        else if (f->max && v->i > f->max)
            err_field(e, f->name, "too_large");
        break;
    case F_REF: {
        char sql[160];
        bool found = false;
        int64_t one;
        snprintf(sql, sizeof(sql), "SELECT 1 FROM %s WHERE id = $1", f->ref->table);
        if (db_get_i64(cx->db, e, &one, &found, sql, "i", v->i) != ERR_OK)
            return;
        if (!found)
            err_field(e, f->name, "not_found");
        break;
    }
    default:
        break;
    }
}

/* Unique checks, so that a duplicate is a field error and not a bare
 * constraint failure (the constraint still guards the race on PostgreSQL). */
static enum err_code check_unique(struct ctx *cx, struct record *rec, int64_t self_id)
{
    const struct entity *ent = rec->ent;
    for (int i = 0; ent->fields[i].name; i++) {
        const struct field *f = &ent->fields[i];
        struct value *v = &rec->v[i];
        if (!(f->flags & F_UNIQUE) || v->null || !v->set)
            continue;
        struct buf sql = BUF_INIT;
        buf_printf(&sql, "SELECT id FROM %s WHERE %s = $1 AND id <> $2", ent->table, f->name);
        int wi = -1;
        if (f->unique_with) {
            entity_field(ent, f->unique_with, &wi);
            if (wi < 0 || rec->v[wi].null)
                buf_printf(&sql, " AND %s IS NULL", f->unique_with);
            else
                buf_printf(&sql, " AND %s = $3", f->unique_with);
        }
        struct db_stmt *st = db_prepare(cx->db, sql.p, &cx->err);
        buf_release(&sql);
        if (!st)
            return cx->err.code;
        if (is_text_type(f->type))
            db_bind_text(st, 1, v->s);
        else
            db_bind_i64(st, 1, v->i);
        db_bind_i64(st, 2, self_id);
        if (wi >= 0 && !rec->v[wi].null) {
            const struct field *wf = &ent->fields[wi];
            if (is_text_type(wf->type))
                db_bind_text(st, 3, rec->v[wi].s);
            else
                db_bind_i64(st, 3, rec->v[wi].i);
        }
        int rc = db_step(st);
        db_done(st);
        if (rc == DB_FAIL)
            return cx->err.code;
        if (rc == DB_ROW)
            err_field(&cx->err, f->name, "duplicate");
    }
    return ERR_OK;
}

/* Validates the values marked `changed` (all set ones on create) and the
 * required fields of the merged record. */
static enum err_code validate_record(struct ctx *cx, struct record *rec, const bool *changed,
                                     const struct record *old, bool run_check)
{
    const struct entity *ent = rec->ent;
    for (int i = 0; ent->fields[i].name; i++) {
        const struct field *f = &ent->fields[i];
        struct value *v = &rec->v[i];
        if (changed[i] && v->set && !v->null)
            validate_value(cx, f, v);
        bool missing = !v->set || v->null;
        if (f->type == F_PASSWORD && old)
            missing = false; /* keeps the stored hash */
        if ((f->flags & F_REQUIRED) && missing)
            err_field(&cx->err, f->name, "required");
    }
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "some fields are invalid");
    if (ent->check && run_check) {
        enum err_code rc = ent->check(cx, rec, old);
        if (rc != ERR_OK && rc != ERR_INVALID)
            return rc;
    }
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "some fields are invalid");
    enum err_code rc = check_unique(cx, rec, old ? old->id : 0);
    if (rc != ERR_OK)
        return rc;
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "some fields are invalid");
    return ERR_OK;
}

/* Argon2id takes tens of milliseconds and 64 MiB: never inside the write
 * transaction, where every writer of the process would wait for it. Each
 * password that will pass validation is hashed before (into rec->hashes);
 * one that will not is left for validation to refuse. */
static void hash_passwords(struct ctx *cx, struct record *rec)
{
    const struct entity *ent = rec->ent;
    for (int i = 0; ent->fields[i].name; i++) {
        const struct field *f = &ent->fields[i];
        const struct value *v = &rec->v[i];
        if (f->type != F_PASSWORD || !v->set || v->null || !utf8_valid(v->s, strlen(v->s)))
            continue;
        size_t n = utf8_count(v->s, strlen(v->s));
        if (n < 8 || (f->max && (int64_t)n > f->max))
            continue;
        if (!rec->hashes)
            rec->hashes = arena_alloc(cx->a, sizeof(char *) * (size_t)(entity_nfields(ent) + 1));
        char hash[AUTH_HASH_LEN];
        auth_password_hash(v->s, hash);
        rec->hashes[i] = arena_strdup(cx->a, hash);
    }
}

static void bind_value(struct ctx *cx, struct db_stmt *st, int n, const struct field *f,
                       const struct value *v, const char *hash)
{
    if (!v->set || v->null) {
        db_bind_null(st, n);
    } else if (f->type == F_PASSWORD) {
        char late[AUTH_HASH_LEN];
        if (!hash) { /* not hashed before: a caller's own transaction */
            auth_password_hash(v->s, late);
            hash = late;
        }
        db_bind_text(st, n, hash);
        (void)cx;
    } else if (is_text_type(f->type)) {
        db_bind_text(st, n, v->s);
    } else {
        db_bind_i64(st, n, v->i);
    }
}

/* ---- search text -------------------------------------------------------- */

const char *entity_search_text(struct ctx *cx, const struct record *rec)
{
    const struct entity *ent = rec->ent;
    struct buf b = BUF_INIT;
    for (int i = 0; ent->fields[i].name; i++) {
        const struct field *f = &ent->fields[i];
        const struct value *v = &rec->v[i];
        if (!(f->flags & F_SEARCH) || !v->set || v->null)
            continue;
        if (b.len)
            buf_addch(&b, ' ');
        if (is_text_type(f->type))
            text_fold(&b, v->s, strlen(v->s));
        else
            buf_printf(&b, "%lld", (long long)v->i);
        if (f->type == F_PHONE && strncmp(v->s, "+7", 2) == 0 && strlen(v->s) == 12)
            /* the national and trunk forms people type: 9123456789, 89123456789 */
            buf_printf(&b, " %s 8%s", v->s + 2, v->s + 2);
    }
    const char *out = arena_strndup(cx->a, b.p ? b.p : "", b.len);
    buf_release(&b);
    return out;
}

bool entity_searchable(const struct entity *ent)
{
    for (int i = 0; ent->fields[i].name; i++)
        if (ent->fields[i].flags & F_SEARCH)
            return true;
    return false;
}

const char *search_fold_query(struct ctx *cx, const char *q)
{
    /* a query of digits and phone punctuation only is a phone number (or
     * another number): its digits are one word, matched as a prefix */
    bool phone = true;
    int ndigits = 0;
    for (const char *p = q; *p; p++) {
        if (*p >= '0' && *p <= '9')
            ndigits++;
        else if (!strchr(" +()-.", *p))
            phone = false;
    }
    struct buf b = BUF_INIT;
    if (phone && ndigits >= 3) {
        text_digits(&b, q);
    } else {
        text_fold(&b, q, strlen(q));
    }
    const char *out = arena_strndup(cx->a, b.p ? b.p : "", b.len);
    buf_release(&b);
    return out;
}

/* ---- writing ------------------------------------------------------------ */

static bool value_same(const struct field *f, const struct value *a, const struct value *b)
{
    bool an = !a->set || a->null, bn = !b->set || b->null;
    if (an || bn)
        return an == bn;
    if (is_text_type(f->type))
        return a->s && b->s && strcmp(a->s, b->s) == 0;
    return a->i == b->i;
}

static enum err_code after_change(struct ctx *cx, const struct entity *ent, const char *action,
                                  const struct record *old, const struct record *now)
{
    enum err_code rc;
    int64_t id = now ? now->id : old->id;
    if (entity_searchable(ent)) {
        rc = now ? db_search_put(cx->db, ent->table, id, entity_search_text(cx, now), &cx->err)
                 : db_search_delete(cx->db, ent->table, id, &cx->err);
        if (rc != ERR_OK)
            return rc;
    }
    if (ent->after_write && (rc = ent->after_write(cx, now, old)) != ERR_OK)
        return rc;
    return audit_append(cx, action, ent->name, id, old ? record_json_text(cx, old) : NULL,
                        now ? record_json_text(cx, now) : NULL);
}

static enum err_code map_constraint(struct ctx *cx, struct db_stmt *st, const char *what)
{
    if (db_constraint_failed(st))
        return ctx_fail(cx, ERR_CONFLICT, "%s conflicts with other records", what);
    return cx->err.code;
}

/* A branch-scoped user keeps records in their branch: neither made in nor
 * moved to another (the check hook has run: it may have set the branch). */
static enum err_code check_branch_scope(struct ctx *cx, struct record *rec)
{
    const struct entity *ent = rec->ent;
    int64_t branch = ent->branch_field ? ctx_branch(cx) : 0;
    if (!branch)
        return ERR_OK;
    struct value *v = record_value(rec, ent->branch_field);
    if (v->set && !v->null && v->i == branch)
        return ERR_OK;
    err_field(&cx->err, ent->branch_field, "out_of_scope");
    return ctx_fail(cx, ERR_INVALID, "you work in your branch only");
}

static enum err_code create_tx(struct ctx *cx, const struct entity *ent, struct record *in,
                               struct record **out)
{
    int n = entity_nfields(ent);
    bool *changed = arena_alloc(cx->a, sizeof(bool) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        const struct field *f = &ent->fields[i];
        struct value *v = &in->v[i];
        if (!v->set && f->def) {
            v->set = true;
            if (is_text_type(f->type))
                v->s = f->def;
            else if (f->type == F_BOOL)
                v->i = strcmp(f->def, "true") == 0;
            else
                parse_i64(f->def, strlen(f->def), &v->i);
        }
        if (ent->owner_field && !strcmp(f->name, ent->owner_field)) {
            v->set = true;
            v->null = !cx->user || !cx->user->id;
            v->i = cx->user ? cx->user->id : 0;
        }
        if (ent->branch_field && ctx_branch(cx) && !strcmp(f->name, ent->branch_field) &&
            (!v->set || v->null)) {
            v->set = true; /* a branch-scoped user's records are their branch's */
            v->null = false;
            v->i = ctx_branch(cx);
        }
        if (!v->set)
            v->null = true; /* absent on create: NULL, so checks see one state */
        changed[i] = v->set;
    }
    /* one instant for the record: its checks (an SLA clock) count from the
     * created_at it will have */
    char now[ISO_TIME_LEN];
    time_now_iso(now);
    in->created_at = arena_strdup(cx->a, now);
    enum err_code rc = validate_record(cx, in, changed, NULL, true);
    if (rc == ERR_OK)
        rc = check_branch_scope(cx, in);
    if (rc != ERR_OK)
        return rc;

    if (ent->number_field) {
        int idx;
        int64_t n;
        int year =
            (now[0] - '0') * 1000 + (now[1] - '0') * 100 + (now[2] - '0') * 10 + now[3] - '0';
        if (!entity_field(ent, ent->number_field, &idx))
            return ctx_fail(cx, ERR_INTERNAL, "%s has no field %s", ent->name, ent->number_field);
        if ((rc = number_next(cx, ent->number_series, year, &n)) != ERR_OK)
            return rc;
        in->v[idx].set = true;
        in->v[idx].null = false;
        in->v[idx].s = number_format(cx, ent->number_series, year, n);
    }
    if (ent->public_view)
        timeline_new_code(cx, in);
    struct buf sql = BUF_INIT;
    buf_printf(&sql, "INSERT INTO %s (version, created_at, updated_at", ent->table);
    for (int i = 0; i < n; i++)
        buf_printf(&sql, ", %s", field_column(&ent->fields[i]));
    buf_adds(&sql, ")\nVALUES (1, $1, $1");
    for (int i = 0; i < n; i++)
        buf_printf(&sql, ", $%d", i + 2);
    buf_adds(&sql, ")\nRETURNING id");
    struct db_stmt *st = db_prepare(cx->db, sql.p, &cx->err);
    buf_release(&sql);
    if (!st)
        return cx->err.code;
    db_bind_text(st, 1, now);
    for (int i = 0; i < n; i++)
        bind_value(cx, st, i + 2, &ent->fields[i], &in->v[i], in->hashes ? in->hashes[i] : NULL);
    int step = db_step(st);
    int64_t id = step == DB_ROW ? db_col_i64(st, 0) : 0;
    if (step != DB_ROW) {
        rc = map_constraint(cx, st, ent->name);
        db_done(st);
        return rc;
    }
    db_done(st);
    if ((rc = entity_get(cx, ent, id, out)) != ERR_OK)
        return rc;
    return after_change(cx, ent, "create", NULL, *out);
}

enum err_code entity_create(struct ctx *cx, const struct entity *ent, struct record *in,
                            struct record **out)
{
    hash_passwords(cx, in);
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, create_tx(cx, ent, in, out));
}

static enum err_code update_tx(struct ctx *cx, const struct entity *ent, int64_t id,
                               int64_t version, struct record *patch, const char *action,
                               bool run_check, struct record **out)
{
    struct record *old;
    enum err_code rc = entity_get(cx, ent, id, &old);
    if (rc != ERR_OK)
        return rc;
    if (version != old->version)
        return ctx_fail(cx, ERR_CONFLICT,
                        "%s %lld was changed by someone else (version %lld, yours %lld)", ent->name,
                        (long long)id, (long long)old->version, (long long)version);
    int n = entity_nfields(ent);
    struct record *merged = record_new(cx, ent);
    bool *changed = arena_alloc(cx->a, sizeof(bool) * (size_t)(n + 1));
    merged->id = old->id;
    merged->version = old->version;
    for (int i = 0; i < n; i++) {
        changed[i] = patch->v[i].set;
        merged->v[i] = changed[i] ? patch->v[i] : old->v[i];
        merged->labels[i] = old->labels[i];
    }
    if ((rc = validate_record(cx, merged, changed, old, run_check)) != ERR_OK ||
        (rc = check_branch_scope(cx, merged)) != ERR_OK)
        return rc;
    /* a check hook may compute fields (a warranty date from a purchase
     * date): whatever now differs from the stored record is written too */
    for (int i = 0; i < n; i++)
        changed[i] = changed[i] || !value_same(&ent->fields[i], &merged->v[i], &old->v[i]);

    char now[ISO_TIME_LEN];
    time_now_iso(now);
    struct buf sql = BUF_INIT;
    /* parameters are numbered densely: PostgreSQL must see each one used */
    buf_printf(&sql, "UPDATE %s SET version = version + 1, updated_at = $1", ent->table);
    int np = 3;
    for (int i = 0; i < n; i++) {
        const struct field *f = &ent->fields[i];
        if (changed[i] && !(f->type == F_PASSWORD && merged->v[i].null))
            buf_printf(&sql, ", %s = $%d", field_column(f), ++np);
    }
    buf_adds(&sql, "\nWHERE id = $2 AND version = $3\nRETURNING version");
    struct db_stmt *st = db_prepare(cx->db, sql.p, &cx->err);
    buf_release(&sql);
    if (!st)
        return cx->err.code;
    db_bind_text(st, 1, now);
    db_bind_i64(st, 2, id);
    db_bind_i64(st, 3, version);
    np = 3;
    for (int i = 0; i < n; i++)
        if (changed[i] && !(ent->fields[i].type == F_PASSWORD && merged->v[i].null))
            bind_value(cx, st, ++np, &ent->fields[i], &merged->v[i],
                       patch->hashes ? patch->hashes[i] : NULL);
    int step = db_step(st);
    if (step == DB_FAIL) {
        rc = map_constraint(cx, st, ent->name);
        db_done(st);
        return rc;
    }
    db_done(st);
    if (step != DB_ROW)
        return ctx_fail(cx, ERR_CONFLICT, "%s %lld was changed by someone else", ent->name,
                        (long long)id);
    if ((rc = entity_get(cx, ent, id, out)) != ERR_OK)
        return rc;
    /* the password (write-only) is not in the record: note its change */
    for (int i = 0; i < n; i++)
        if (ent->fields[i].type == F_PASSWORD && changed[i] && !merged->v[i].null) {
            (*out)->v[i].set = true;
            (*out)->v[i].s = "(changed)";
        }
    return after_change(cx, ent, action, old, *out);
}

enum err_code entity_update(struct ctx *cx, const struct entity *ent, int64_t id, int64_t version,
                            struct record *patch, struct record **out)
{
    hash_passwords(cx, patch);
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own,
                      update_tx(cx, ent, id, version, patch, "update", true, out));
}

enum err_code entity_update_as(struct ctx *cx, const struct entity *ent, int64_t id,
                               int64_t version, struct record *patch, const char *action,
                               struct record **out)
{
    hash_passwords(cx, patch);
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own,
                      update_tx(cx, ent, id, version, patch, action, true, out));
}

enum err_code entity_update_system(struct ctx *cx, const struct entity *ent, int64_t id,
                                   int64_t version, struct record *patch, const char *action,
                                   struct record **out)
{
    for (int i = 0; ent->fields[i].name; i++)
        if (patch->v[i].set && !(ent->fields[i].flags & F_READONLY))
            return ctx_fail(cx, ERR_INTERNAL, "%s.%s is not a field the system sets", ent->name,
                            ent->fields[i].name);
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own,
                      update_tx(cx, ent, id, version, patch, action, false, out));
}

static enum err_code delete_tx(struct ctx *cx, const struct entity *ent, int64_t id,
                               int64_t version)
{
    struct record *old;
    enum err_code rc = entity_get(cx, ent, id, &old);
    if (rc != ERR_OK)
        return rc;
    if (version >= 0 && version != old->version)
        return ctx_fail(cx, ERR_CONFLICT, "%s %lld was changed by someone else", ent->name,
                        (long long)id);
    if (ent->check_delete && (rc = ent->check_delete(cx, old)) != ERR_OK)
        return rc;
    /* the version read is part of the DELETE: a change committed since
     * (PostgreSQL reads committed data) leaves no row to delete */
    char sql[160];
    snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id = $1 AND version = $2 RETURNING id",
             ent->table);
    struct db_stmt *st = db_q(cx->db, &cx->err, sql, "ii", id, old->version);
    if (!st)
        return cx->err.code;
    int step = db_step(st);
    if (step == DB_DONE) {
        db_done(st);
        return ctx_fail(cx, ERR_CONFLICT, "%s %lld was changed by someone else", ent->name,
                        (long long)id);
    }
    if (step == DB_FAIL) {
        bool constraint = db_constraint_failed(st);
        db_done(st);
        if (constraint)
            return ctx_fail(cx, ERR_CONFLICT,
                            "%s %lld is referenced by other records and cannot be deleted",
                            ent->name, (long long)id);
        return cx->err.code;
    }
    db_done(st);
    if (ent->timeline && (rc = timeline_forget(cx, ent, id)) != ERR_OK)
        return rc;
    return after_change(cx, ent, "delete", old, NULL);
}

enum err_code entity_delete(struct ctx *cx, const struct entity *ent, int64_t id, int64_t version)
{
    bool own;
    enum err_code rc = db_begin_own(cx->db, &cx->err, &own);
    if (rc != ERR_OK)
        return rc;
    return db_end_own(cx->db, &cx->err, own, delete_tx(cx, ent, id, version));
}
