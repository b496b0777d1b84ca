/* fuzz_body.c — libFuzzer target: a request body as the API reads it
 * (UTF-8 check, strict JSON parse, record_from_json for clients and
 * requests, then validation-free JSON output). */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "base/text.h"
#include "core/record.h"
#include "domain/desk/desk.h"
#include "domain/registry/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!utf8_valid((const char *)data, size))
        return 0;
    json_error_t je;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        return 0;
    const struct entity *ents[] = {&entity_clients, &entity_requests, &entity_users};
    const enum record_input modes[] = {RI_CREATE, RI_UPDATE, RI_PARAMS};
    for (int i = 0; i < 3; i++) {
        struct arena a;
        arena_init(&a, 0);
        struct ctx cx = {.a = &a};
        err_clear(&cx.err);
        struct record *rec = record_new(&cx, ents[i]);
        int64_t version;
        if (record_from_json(&cx, ents[i], j, modes[i], rec, &version) == ERR_OK) {
            json_t *back = record_to_json(rec);
            json_decref(back);
        }
        arena_free(&a);
    }
    json_decref(j);
    return 0;
}
