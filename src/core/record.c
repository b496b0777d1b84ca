/* record.c — records to and from JSON (core layer). */
#include "record.h"

#include <string.h>

#include "base/text.h"
#include "base/banned.h"

json_t *record_to_json(const struct record *rec)
{
    const struct entity *ent = rec->ent;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(rec->id));
    json_object_set_new(o, "version", json_integer(rec->version));
    json_object_set_new(o, "created_at",
                        rec->created_at ? json_string(rec->created_at) : json_null());
    json_object_set_new(o, "updated_at",
                        rec->updated_at ? json_string(rec->updated_at) : json_null());
    for (int i = 0; ent->fields[i].name; i++) {
        const struct field *f = &ent->fields[i];
        const struct value *v = &rec->v[i];
        if (f->type == F_PASSWORD)
            continue;
        json_t *j;
        if (!v->set || v->null)
            j = json_null();
        else if (f->type == F_BOOL)
            j = json_boolean(v->i);
        else if (f->type == F_INT || f->type == F_REF)
            j = json_integer(v->i);
        else
            j = json_string(v->s ? v->s : "");
        json_object_set_new(o, f->name, j ? j : json_null());
        if (f->type == F_REF) {
            char key[128];
            snprintf(key, sizeof(key), "%s_label", f->name);
            const char *l = rec->labels ? rec->labels[i] : NULL;
            json_object_set_new(o, key, l ? json_string(l) : json_null());
        }
    }
    return o;
}

/* One pass: escapes and checks the UTF-8 as it goes (invalid text is
 * written as null, as before), copying runs that need no escape. */
void json_write_string(struct buf *b, const char *s)
{
    if (!s) {
        buf_adds(b, "null");
        return;
    }
    static const char hex[] = "0123456789ABCDEF";
    size_t start = b->len;
    buf_addch(b, '"');
    const char *run = s;
    for (const char *p = s;;) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            p++;
            continue;
        }
        if (c >= 0x80) {
            size_t n = utf8_char(p);
            if (!n) { /* not UTF-8: null, as a value that cannot be sent */
                b->len = start;
                if (b->p)
                    b->p[start] = 0;
                buf_adds(b, "null");
                return;
            }
            p += n;
            continue;
        }
        buf_add(b, run, (size_t)(p - run));
        if (!c)
            break;
        char esc[7] = {'\\', 0};
        switch (c) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
        }
        buf_adds(b, esc);
        run = ++p;
    }
    buf_addch(b, '"');
}

/* Field names are identifiers: written as they are (no printf: this runs
 * for every field of every record answered). */
static void write_key(struct buf *b, const char *name, const char *suffix)
{
    buf_adds(b, ",\"");
    buf_adds(b, name);
    buf_adds(b, suffix);
    buf_adds(b, "\":");
}

static void write_int(struct buf *b, int64_t v)
{
    char tmp[24], *p = tmp + sizeof(tmp);
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    buf_add(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

void record_json_write(struct buf *b, const struct record *rec, bool close)
{
    const struct entity *ent = rec->ent;
    buf_adds(b, "{\"id\":");
    write_int(b, rec->id);
    buf_adds(b, ",\"version\":");
    write_int(b, rec->version);
    buf_adds(b, ",\"created_at\":");
    json_write_string(b, rec->created_at);
    buf_adds(b, ",\"updated_at\":");
    json_write_string(b, rec->updated_at);
    for (int i = 0; ent->fields[i].name; i++) {
        const struct field *f = &ent->fields[i];
        const struct value *v = &rec->v[i];
        if (f->type == F_PASSWORD)
            continue;
        write_key(b, f->name, "");
        if (!v->set || v->null)
            buf_adds(b, "null");
        else if (f->type == F_BOOL)
            buf_adds(b, v->i ? "true" : "false");
        else if (f->type == F_INT || f->type == F_REF)
            write_int(b, v->i);
        else
            json_write_string(b, v->s ? v->s : "");
        if (f->type == F_REF) {
            write_key(b, f->name, "_label");
            json_write_string(b, rec->labels ? rec->labels[i] : NULL);
        }
    }
    if (close)
        buf_addch(b, '}');
}

const char *record_json_text(struct ctx *cx, const struct record *rec)
{
    json_t *o = record_to_json(rec);
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    const char *out = arena_strdup(cx->a, s);
    free(s);
    return out;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

enum err_code record_from_json(struct ctx *cx, const struct entity *ent, json_t *obj,
                               enum record_input mode, struct record *rec, int64_t *version)
{
    *version = -1;
    if (!json_is_object(obj))
        return ctx_fail(cx, ERR_MALFORMED, "the body must be a JSON object");
    const char *key;
    json_t *j;
    json_object_foreach(obj, key, j)
    {
        if (strcmp(key, "version") == 0) {
            if (!json_is_integer(j) || json_integer_value(j) < 1)
                err_field(&cx->err, "version", "wrong_type");
            else
                *version = json_integer_value(j);
            continue;
        }
        if (!strcmp(key, "id") || !strcmp(key, "created_at") || !strcmp(key, "updated_at") ||
            ends_with(key, "_label"))
            continue;
        int idx;
        const struct field *f = entity_field(ent, key, &idx);
        const char *fname = f ? f->name : arena_strdup(cx->a, key);
        if (!f) {
            err_field(&cx->err, fname, "unknown_field");
            continue;
        }
        if ((f->flags & F_READONLY) || (mode == RI_UPDATE && (f->flags & F_CREATE_ONLY))) {

            err_field(&cx->err, fname, "read_only");
            continue;
        }
        struct value *v = &rec->v[idx];
        v->set = true;
        if (json_is_null(j)) {
            v->null = true;
            continue;
        }
        switch (f->type) {
        case F_BOOL:
            if (!json_is_boolean(j))
                err_field(&cx->err, fname, "wrong_type");
            v->i = json_is_true(j);
            break;
        case F_INT:
        case F_REF:
            if (!json_is_integer(j))
                err_field(&cx->err, fname, "wrong_type");
            v->i = json_integer_value(j);
            break;
        default:
            if (!json_is_string(j)) {
                err_field(&cx->err, fname, "wrong_type");
                break;
            }
            v->s = arena_strndup(cx->a, json_string_value(j), json_string_length(j));
            break;
        }
    }
    if (cx->err.nfields)
        return ctx_fail(cx, ERR_INVALID, "some fields are invalid");
    return ERR_OK;
}
