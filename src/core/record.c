/* record.c — records to and from JSON (core layer). */
#include "record.h"

#include <string.h>

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
