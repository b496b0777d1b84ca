/* record.h — records to and from JSON (core layer).
 * The one place where the shape of a record in JSON is decided: the API
 * answers with it and the audit log stores it. */
#ifndef SERVITOR_RECORD_H
#define SERVITOR_RECORD_H

#include <jansson.h>

#include "base/buf.h"
#include "core/entity.h"

/* New reference; the caller decrefs. Write-only fields are left out. */
json_t *record_to_json(const struct record *rec);
/* The same as compact JSON text in the arena. */
const char *record_json_text(struct ctx *cx, const struct record *rec);

/* The same written straight into b, without building JSON objects (the
 * hot paths: a record, a list page): '{' and the fields, and the closing '}'
 * when close is set — else the caller adds its own keys first. */
void record_json_write(struct buf *b, const struct record *rec, bool close);
/* s as a JSON string; null when s is NULL or not valid UTF-8. */
void json_write_string(struct buf *b, const char *s);

/* What the input is for: which fields it may carry. */
enum record_input {
    RI_CREATE, /* writable and create-only fields */
    RI_UPDATE, /* writable fields */
    RI_PARAMS, /* a workflow transition's parameters: like create */
};

/* Reads an input object into rec (values get .set). Unknown fields, wrong
 * types and read-only fields become field errors and ERR_INVALID; a non-object
 * is ERR_MALFORMED. "version" goes to *version (-1 when absent); "id",
 * "created_at", "updated_at" and "*_label" keys are ignored. */
enum err_code record_from_json(struct ctx *cx, const struct entity *ent, json_t *obj,
                               enum record_input mode, struct record *rec, int64_t *version);

#endif
