/* entity.h — the entity layer (core layer).
 *
 * An entity is described once, as a table of fields. From that description
 * come validation, the SQL for create/read/update/delete, list filtering,
 * sorting, keyset pagination, full-text search, optimistic versioning and
 * audit entries. `GET /api/v1/meta` publishes the same description to the UI.
 * Adding an entity takes a descriptor (src/domain/…) and a migration. */
#ifndef SERVITOR_ENTITY_H
#define SERVITOR_ENTITY_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/ctx.h"

enum field_type {
    F_TEXT,
    F_INT,
    F_BOOL,
    F_ENUM,
    F_DATE,     /* "YYYY-MM-DD" */
    F_DATETIME, /* "YYYY-MM-DDTHH:MM:SSZ" (UTC) */

    F_REF,   /* id of a record of .ref */
    F_PHONE, /* normalised to +<digits> */
    F_EMAIL,
    F_INN,      /* Russian taxpayer number, check digits verified */
    F_KPP,      /* Russian tax registration reason code */
    F_PASSWORD, /* write-only; stored hashed in column password_hash */
};

enum field_flag {
    F_REQUIRED = 1 << 0,    /* must be present and non-empty on create */
    F_UNIQUE = 1 << 1,      /* unique (with .unique_with: unique together) */
    F_SEARCH = 1 << 2,      /* part of the full-text search */
    F_FILTER = 1 << 3,      /* ?field=value allowed */
    F_SORT = 1 << 4,        /* ?sort=field allowed */
    F_READONLY = 1 << 5,    /* never taken from input */
    F_MULTILINE = 1 << 6,   /* UI hint: a text area */
    F_LIST = 1 << 7,        /* UI hint: a column in list views */
    F_CREATE_ONLY = 1 << 8, /* taken from input on create, read-only after */
    F_MONEY = 1 << 9,       /* F_INT in kopecks: the API speaks kopecks, the UI roubles */
    F_QTY = 1 << 10,        /* F_INT in thousandths of the unit (2,5 m is 2500) */

};

struct entity;

struct field {
    const char *name;
    enum field_type type;
    unsigned flags;
    int64_t max; /* text: characters; int: largest value */
    const char *label;
    const char *const *enums; /* F_ENUM: NULL-terminated values */
    const struct entity *ref; /* F_REF: the referenced entity */
    const char *unique_with;  /* F_UNIQUE together with this field */
    int64_t min;              /* F_INT: smallest value */
    const char *def;          /* default on create, as text */
};

/* One value of a record. Text-like types use s; F_INT, F_BOOL, F_REF use i. */
struct value {
    bool set; /* present (in input) or loaded */
    bool null;
    int64_t i;
    const char *s;
};

struct record {
    const struct entity *ent;
    int64_t id;
    int64_t version;
    const char *created_at;
    const char *updated_at;
    struct value *v;     /* one per field, in descriptor order */
    const char **labels; /* F_REF fields: the referenced record's label */
    const char **hashes; /* F_PASSWORD fields: hashed before the write transaction */
};

struct json_t;      /* jansson's: the body of a request */
struct public_view; /* core/timeline.h */

struct entity {
    const char *name;           /* resource name: "clients" */
    const char *table;          /* SQL table */
    const char *label;          /* i18n key: "entity.clients" */
    const struct field *fields; /* ends with a zeroed entry */
    const char *display_sql;    /* SQL expression naming a row: "name" */
    enum perm perm_read, perm_write, perm_delete;
    /* Rows that belong to the user who made them (a user reference field):
     * set on create, and nobody else reads, changes or deletes them. */
    const char *owner_field;
    /* Records that belong to a branch (a reference to branches): a user with
     * branch scope (ctx_branch) reads, lists, finds, creates and changes only
     * those of their branch; another branch's record answers 404. */
    const char *branch_field;
    /* Cross-field rules and computed fields, run inside the write transaction
     * after per-field validation; old is NULL on create. Add field errors with
     * err_field() and return ERR_INVALID, or ERR_OK. */
    enum err_code (*check)(struct ctx *cx, struct record *rec, const struct record *old);
    /* Runs before a delete, in its transaction: a rule that refuses it
     * returns ERR_CONFLICT with cx->err set (ctx_fail). NULL: none. */
    enum err_code (*check_delete)(struct ctx *cx, const struct record *rec);
    /* Runs after a successful write, in the same transaction. */
    enum err_code (*after_write)(struct ctx *cx, const struct record *rec,
                                 const struct record *old);
    /* Numbered documents: number_field gets "<series>-<year>-<000123>" on
     * create, gapless per series and year (core/numbering.h). */
    const char *number_field;
    const char *number_series;
    /* A create may name one related record inline (a request's new client):
     * the object under nested_key goes to create_nested, which creates the
     * record with it in one transaction and says whether it made the related
     * one (the answer carries "<nested_key>_created"). */
    const char *nested_key;
    enum err_code (*create_nested)(struct ctx *cx, struct record *in, struct json_t *nested,
                                   bool *nested_created, struct record **out);
    /* A timeline of events per record (core/timeline.h): served at
     * /api/v1/<name>/:id/timeline (read permission) and …/comments (write),
     * deleted with the record. */
    bool timeline;
    /* After a comment (reply or note) was added, in its transaction: who is
     * told, clocks it stops. NULL: nothing. */
    enum err_code (*on_comment)(struct ctx *cx, struct record *rec, bool public_reply,
                                const char *body);
    /* The page clients reach by number and access code (core/timeline.h),
     * or NULL: none. */
    const struct public_view *public_view;
};

int entity_nfields(const struct entity *ent);
const struct field *entity_field(const struct entity *ent, const char *name, int *index);
/* The value of a field by name (NULL for unknown names): for generic code
 * that takes names from outside (input, the meta); domain code uses the
 * field enums below. */
struct value *record_value(struct record *rec, const char *name);

/* A field's value by its index in the entity's table: each entity names its
 * fields in an enum beside the table (REQ_STATUS, CLIENT_INN…), the table is
 * written with designated initializers and a static assertion on the count,
 * so a misspelt field is a compile error, not a NULL at run time. rec_get
 * reads (const), rec_set gives the value to change. */
static inline const struct value *rec_get(const struct record *r, int field)
{
    assert(field >= 0 && r->ent->fields[field].name);
    return &r->v[field];
}

static inline struct value *rec_set(struct record *r, int field)
{
    assert(field >= 0 && r->ent->fields[field].name);
    return &r->v[field];
}

/* The count of a field table written with designated initializers: one
 * entry per field of the enum and the zeroed end. */
#define FIELDS_COUNT_OK(table, count) (sizeof(table) / sizeof((table)[0]) == (size_t)(count) + 1)

struct record *record_new(struct ctx *cx, const struct entity *ent);

/* List parameters, from the query string. */
#define LISTQ_MAX_FILTERS   16
#define LISTQ_MAX_SORT      4
#define LISTQ_MAX_LIMIT     200
#define LISTQ_DEFAULT_LIMIT 50

struct listq {
    const char *q; /* folded search words, or NULL */
    int nfilters;
    struct {
        int field; /* index into fields */
        struct value v;
    } filters[LISTQ_MAX_FILTERS];
    int nsort;
    struct {
        int field; /* index into fields, -1 = id */
        bool desc;
    } sort[LISTQ_MAX_SORT + 1];
    int limit;
    const char *cursor;
};

struct param {
    const char *key;
    const char *value;
};

/* Reads list parameters (q, sort, limit, cursor, filters); unknown keys and
 * bad values are ERR_MALFORMED. Keys in `extra` are skipped (the caller's). */
enum err_code listq_parse(struct ctx *cx, const struct entity *ent, const struct param *params,
                          int nparams, const char *const *extra, struct listq *out);
/* The same from a list query kept as text ("status=new&sort=-id", as a saved
 * view keeps it; %XX and + decoded). More than LISTQ_MAX_PARAMS parameters
 * is ERR_TOOBIG. */
#define LISTQ_MAX_PARAMS 32
enum err_code listq_parse_text(struct ctx *cx, const struct entity *ent, const char *query,
                               struct listq *out);

/* Folds a user's search text for the driver: words lower-cased, «ё» → «е»;
 * a query that is only a phone number becomes its digits in +7 form. */
const char *search_fold_query(struct ctx *cx, const char *q);

/* ERR_OK when record id of ent is within the user's branch scope (or the
 * entity has no branch, or the user none); ERR_NOTFOUND when it is another
 * branch's (or missing, for a scoped user). */
enum err_code entity_visible(struct ctx *cx, const struct entity *ent, int64_t id);

/* Reads one record. ERR_NOTFOUND when missing (or out of the user's branch
 * scope). */
enum err_code entity_get(struct ctx *cx, const struct entity *ent, int64_t id, struct record **out);
/* One page of records; *next_cursor is NULL on the last page. */
enum err_code entity_list(struct ctx *cx, const struct entity *ent, const struct listq *lq,
                          struct record ***items, int *n, const char **next_cursor);
/* Validates and inserts `in` (values with .set); answers the stored record.
 * Runs in its own write transaction unless one is open. */
enum err_code entity_create(struct ctx *cx, const struct entity *ent, struct record *in,
                            struct record **out);
/* Applies the set values of `patch` when `version` is current (ERR_CONFLICT
 * otherwise, changing nothing). */
enum err_code entity_update(struct ctx *cx, const struct entity *ent, int64_t id, int64_t version,
                            struct record *patch, struct record **out);
/* The same, logged in the audit under another action name (a workflow
 * transition); read-only fields may be set here. */
enum err_code entity_update_as(struct ctx *cx, const struct entity *ent, int64_t id,
                               int64_t version, struct record *patch, const char *action,
                               struct record **out);
/* A change the system makes to read-only fields only (a job marking an SLA
 * state): versioned, audited under `action` and seen by after_write like any
 * update, but the entity's check is not run again — its cross-field rules
 * concern what people enter, which this does not touch, and a record that
 * no longer passes them (its unit went to another client) must still be
 * marked. ERR_INTERNAL when the patch sets a field that is not read-only. */
enum err_code entity_update_system(struct ctx *cx, const struct entity *ent, int64_t id,
                                   int64_t version, struct record *patch, const char *action,
                                   struct record **out);
/* Deletes a record; version < 0 skips the version check. ERR_CONFLICT when
 * other records refer to it. */
enum err_code entity_delete(struct ctx *cx, const struct entity *ent, int64_t id, int64_t version);

/* True when some field of the entity is searchable (it has a search index). */
bool entity_searchable(const struct entity *ent);

/* The folded text the search index holds for a record. */
const char *entity_search_text(struct ctx *cx, const struct record *rec);

#endif
