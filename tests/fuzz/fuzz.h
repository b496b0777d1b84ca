/* fuzz.h — what the libFuzzer targets share: a migrated in-memory database
 * with a few rows, a per-input context, and the checks every target makes on
 * an error (the API sends cx->err as JSON, so it must be valid UTF-8).
 *
 * A failed check prints what broke and aborts, which libFuzzer reports as a
 * crash with the input saved. */
#ifndef SERVITOR_FUZZ_H
#define SERVITOR_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/text.h"
#include "core/auth.h"
#include "core/ctx.h"
#include "core/entity.h"
#include "db/migrate.h"
#include "domain/domain.h"
#include "domain/registry/registry.h"

#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz check failed: %s\n  ", #cond);                                   \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static struct db *fuzz_db;

static inline void fuzz_die(const char *what, const struct err *e)
{
    fprintf(stderr, "fuzz setup: %s: %s\n", what, e->message);
    exit(1);
}

static inline void fuzz_create(struct ctx *cx, const struct entity *ent, const char *json_like[][2])
{
    struct record *in = record_new(cx, ent), *out;
    for (int i = 0; json_like[i][0]; i++) {
        int idx;
        const struct field *f = entity_field(ent, json_like[i][0], &idx);
        if (!f)
            fuzz_die(json_like[i][0], &cx->err);
        in->v[idx].set = true;
        if (f->type == F_INT || f->type == F_REF || f->type == F_BOOL)
            in->v[idx].i = strtoll(json_like[i][1], NULL, 10);
        else
            in->v[idx].s = json_like[i][1];
    }
    if (entity_create(cx, ent, in, &out) != ERR_OK)
        fuzz_die(ent->name, &cx->err);
}

/* Once per process: libsodium, an in-memory database with the registry's
 * search tables, and rows to list, search, refer to and collide with. */
static inline void fuzz_init(void)
{
    setenv("SERVITOR_PWHASH", "fast", 1);
    if (!auth_init()) {
        fprintf(stderr, "fuzz setup: libsodium\n");
        exit(1);
    }
    struct err e;
    err_clear(&e);
    int applied;
    if (db_open(":memory:", &fuzz_db, &e) != ERR_OK)
        fuzz_die("open", &e);
    if (migrate_run(fuzz_db, domain_search_tables(), &applied, &e) != ERR_OK)
        fuzz_die("migrate", &e);
    struct arena a;
    arena_init(&a, 0);
    struct ctx cx = {.a = &a, .db = fuzz_db};
    err_clear(&cx.err);
    fuzz_create(&cx, &entity_branches, (const char *[][2]){{"name", "Центр"}, {NULL, NULL}});
    fuzz_create(&cx, &entity_equipment_models,
                (const char *[][2]){{"brand", "HP"}, {"model", "M404"}, {NULL, NULL}});
    const char *names[] = {"Семёнов Пётр", "ООО «Ёлка»", "Ivanov", "Иванов", "Zeta"};
    const char *phones[] = {"+79123456789", "89031234567", "+442079460958", "9161112233",
                            "+79123456780"};
    for (int i = 0; i < 25; i++) {
        const char *row[][2] = {{"kind", i % 3 ? "person" : "company"},
                                {"name", names[i % 5]},
                                {"phone", phones[i % 5]},
                                {"pd_consent", i % 2 ? "1" : "0"},
                                {NULL, NULL},
                                {NULL, NULL}};
        if (i == 0)
            row[4][0] = "inn", row[4][1] = "7707083893"; /* for duplicates to hit */
        fuzz_create(&cx, &entity_clients, row);
    }
    arena_free(&a);
}

/* The error a call left: the code is one the caller allows, field errors
 * come with ERR_INVALID, and every text in it is sendable (UTF-8). */
static inline void fuzz_check_err(const struct ctx *cx, const char *where)
{
    const struct err *e = &cx->err;
    FUZZ_CHECK(e->code != ERR_INTERNAL && e->code != ERR_UNAVAILABLE, "%s: %s %s", where,
               err_code_str(e->code), e->message);
    FUZZ_CHECK(e->code != ERR_INVALID || e->nfields > 0, "%s: invalid without fields", where);
    for (int i = 0; i < e->nfields; i++) {
        FUZZ_CHECK(e->fields[i].name && e->fields[i].code, "%s: field %d", where, i);
        FUZZ_CHECK(utf8_valid(e->fields[i].name, strlen(e->fields[i].name)),
                   "%s: field name is not UTF-8", where);
    }
    /* the server sends the message as JSON: it must be UTF-8 (input quoted
     * in it once was not, and the client got an empty 400) */
    FUZZ_CHECK(utf8_valid(e->message, strlen(e->message)), "%s: message is not UTF-8: %s", where,
               e->message);
}

#endif
