/* fuzz_json_body.c — libFuzzer target: bytes as a request body, through the
 * path the API takes (api_body: UTF-8 check, strict JSON parse, object
 * check; record_from_json; then entity_create's — or, for a patch,
 * entity_update's — validation and SQL on an in-memory database, rolled
 * back), for clients, users and equipment units.
 *
 * Checks: no crash, leak or undefined behaviour; errors are input errors
 * (never internal); ERR_INVALID carries field errors; a stored record turns
 * back into JSON. Build and run: tests/fuzz/run.sh. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/record.h"

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

/* One entity: read the object, then create in a transaction rolled back. */
static void one(json_t *body, const struct entity *ent, enum record_input mode)
{
    struct arena a;
    arena_init(&a, 0);
    struct ctx cx = {.a = &a, .db = fuzz_db};
    err_clear(&cx.err);
    struct record *rec = record_new(&cx, ent);
    int64_t version = 0;
    enum err_code rc = record_from_json(&cx, ent, body, mode, rec, &version);
    FUZZ_CHECK(rc == ERR_OK || rc == ERR_INVALID, "record_from_json: %s", err_code_str(rc));
    FUZZ_CHECK(rc == cx.err.code || rc == ERR_OK, "returned %d, left %d", rc, cx.err.code);
    fuzz_check_err(&cx, "record_from_json");
    FUZZ_CHECK(version == -1 || version >= 1, "version %lld", (long long)version);

    /* whatever was read can be shown (the audit's "before" of a patch) */
    json_t *back = record_to_json(rec);
    char *text = json_dumps(back, JSON_COMPACT);
    FUZZ_CHECK(text != NULL, "record_to_json gave no JSON");
    free(text);
    json_decref(back);

    if (rc == ERR_OK) {
        struct err e;
        err_clear(&e);
        FUZZ_CHECK(db_begin_write(fuzz_db, &e) == ERR_OK, "begin: %s", e.message);
        struct record *out = NULL;
        /* an update patches client 1 (version 1), with its INN to collide */
        rc = mode == RI_UPDATE ? entity_update(&cx, ent, 1, 1, rec, &out)
                               : entity_create(&cx, ent, rec, &out);
        FUZZ_CHECK(rc == ERR_OK || rc == ERR_INVALID || rc == ERR_CONFLICT, "%s %s: %s %s",
                   mode == RI_UPDATE ? "entity_update" : "entity_create", ent->name,
                   err_code_str(rc), cx.err.message);
        fuzz_check_err(&cx, "entity write");
        if (rc == ERR_OK) {
            FUZZ_CHECK(out && out->id > 0 && out->version == (mode == RI_UPDATE ? 2 : 1),
                       "written record");
            const char *json = record_json_text(&cx, out);
            FUZZ_CHECK(json && json[0] == '{', "stored record as JSON");
        }
        db_rollback(fuzz_db);
    }
    arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the server hands the body NUL-terminated; exactly that many bytes, so
     * that a read past them is caught */
    char *body = malloc(size + 1);
    memcpy(body, data, size);
    body[size] = 0;
    struct http_req rq = {.method = "POST", .body = size ? body : NULL, .body_len = size};
    struct arena a;
    arena_init(&a, 0);
    struct ctx cx = {.a = &a, .db = fuzz_db};
    err_clear(&cx.err);
    json_t *j = NULL;
    enum err_code rc = api_body(&cx, &rq, &j);
    if (rc != ERR_OK) {
        FUZZ_CHECK(rc == ERR_MALFORMED && !j, "api_body: %s", err_code_str(rc));
        fuzz_check_err(&cx, "api_body");
    } else {
        FUZZ_CHECK(json_is_object(j), "api_body gave a non-object");
        one(j, &entity_clients, RI_CREATE);
        one(j, &entity_clients, RI_UPDATE);
        one(j, &entity_users, RI_CREATE);
        one(j, &entity_equipment_units, RI_PARAMS);
        json_decref(j);
    }
    arena_free(&a);
    free(body);
    return 0;
}
