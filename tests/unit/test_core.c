/* test_core.c — unit tests of the base and core layers that need no server:
 * text folding, UTF-8, dates, validators, the audit chain, numbering, the
 * entity layer and the workflow table on a real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/text.h"
#include "base/timeutil.h"
#include "core/audit.h"
#include "core/auth.h"
#include "core/entity.h"
#include "core/numbering.h"
#include "core/perm.h"
#include "core/validate.h"
#include "core/workflow.h"
#include "db/migrate.h"
#include "domain/desk/desk.h"
#include "domain/domain.h"
#include "domain/registry/registry.h"

/* ---- base ---------------------------------------------------------------- */

static const char *fold(const char *s)
{
    static char out[512];
    struct buf b = BUF_INIT;
    text_fold(&b, s, strlen(s));
    snprintf(out, sizeof(out), "%s", b.p ? b.p : "");
    buf_release(&b);
    return out;
}

static void fold_lowercases_cyrillic_and_latin_and_joins_yo_with_ye(void **state)
{
    (void)state;
    assert_string_equal(fold("ЁЛКА Ёжик"), "елка ежик");
    assert_string_equal(fold("Ремонт ПРИНТЕРА Kyocera"), "ремонт принтера kyocera");
    assert_string_equal(fold("ООО «Ромашка», тел.: +7 (912)"), "ооо ромашка тел 7 912");
    assert_string_equal(fold("Семёнов—Пётр"), "семенов петр");
}

static void utf8_validation_rejects_overlongs_surrogates_truncation_and_nul(void **state)
{
    (void)state;
    assert_true(
        utf8_valid("Привет, мир ₽ 😀", strlen("Привет, мир ₽ 😀")));
    assert_false(utf8_valid("\xC0\xAF", 2));         /* overlong '/' */
    assert_false(utf8_valid("\xED\xA0\x80", 3));     /* surrogate */
    assert_false(utf8_valid("\xD0", 1));             /* truncated */
    assert_false(utf8_valid("a\0b", 3));             /* NUL */
    assert_false(utf8_valid("\xF4\x90\x80\x80", 4)); /* above U+10FFFF */
    assert_false(utf8_valid("\xFF", 1));
    assert_int_equal(utf8_count("Ёж", strlen("Ёж")), 2);
}

static void dates_are_real_calendar_dates_and_months_clamp(void **state)
{
    (void)state;
    int y, m, d;
    assert_true(date_parse("2024-02-29", &y, &m, &d));
    assert_false(date_parse("2026-02-29", &y, &m, &d));
    assert_false(date_parse("2026-13-01", &y, &m, &d));
    assert_false(date_parse("2026-1-01", &y, &m, &d));
    char out[ISO_DATE_LEN];
    date_add_months(2026, 1, 31, 1, out);
    assert_string_equal(out, "2026-02-28");
    date_add_months(2027, 11, 30, 3, out);
    assert_string_equal(out, "2028-02-29");
    int64_t t;
    assert_true(time_parse("1970-01-02T00:00:01Z", &t));
    assert_int_equal(t, 86401);
    assert_false(time_parse("2026-01-01T24:00:00Z", &t));
}

static void arena_hands_out_aligned_zeroed_memory_and_big_blocks(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 64);
    for (int i = 0; i < 1000; i++) {
        unsigned char *p = arena_alloc(&a, (size_t)(i % 37) + 1);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        for (int k = 0; k < i % 37 + 1; k++)
            assert_int_equal(p[k], 0);
        memset(p, 0xAB, (size_t)(i % 37) + 1);
    }
    char *big = arena_alloc(&a, 100000);
    big[99999] = 1;
    assert_string_equal(arena_printf(&a, "%s-%d", "О", 7), "О-7");
    arena_reset(&a);
    assert_int_equal(a.used, 0);
    arena_free(&a);
}

static void buf_refuses_to_grow_past_its_cap_and_keeps_its_content(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 8);
    assert_true(buf_adds(&b, "abcdef"));
    assert_false(buf_adds(&b, "xyz"));
    assert_string_equal(b.p, "abcdef");
    assert_true(buf_adds(&b, "gh"));
    assert_int_equal(b.len, 8);
    buf_release(&b);
}

/* ---- validators ---------------------------------------------------------- */

static void phones_are_normalised_to_plus_seven(void **state)
{
    (void)state;
    char out[32];
    assert_true(phone_normalize("8 (912) 345-67-89", out, sizeof(out)));
    assert_string_equal(out, "+79123456789");
    assert_true(phone_normalize("9123456789", out, sizeof(out)));
    assert_string_equal(out, "+79123456789");
    assert_true(phone_normalize("+44 20 7946 0958", out, sizeof(out)));
    assert_string_equal(out, "+442079460958");
    assert_false(phone_normalize("12345", out, sizeof(out)));
    assert_false(phone_normalize("+7 912 ABC", out, sizeof(out)));
    assert_false(phone_normalize("1234567890123456", out, sizeof(out)));
}

static void inn_and_kpp_check_digits(void **state)
{
    (void)state;
    assert_true(inn_valid("7707083893"));
    assert_true(inn_valid("500100732259"));
    assert_false(inn_valid("7707083894"));
    assert_false(inn_valid("500100732258"));
    assert_false(inn_valid("77070838"));
    assert_false(inn_valid("77070838a3"));
    assert_true(kpp_valid("773601001"));
    assert_true(kpp_valid("7736AB001"));
    assert_false(kpp_valid("77360100"));
    assert_false(kpp_valid("A73601001"));
    assert_true(email_valid("a.b@mail.ru"));
    assert_false(email_valid("a@b"));
    assert_false(email_valid("a b@mail.ru"));
    assert_false(email_valid("@mail.ru"));
}

/* ---- with a database ------------------------------------------------------ */

struct fixture {
    char path[64];
    struct arena a;
    struct ctx cx;
    struct user admin;
};

static const char *const search_tables[] = {
    "branches",         "users",           "clients",  "contacts",
    "equipment_models", "equipment_units", "requests", NULL};

static int db_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->path, sizeof(f->path), "/tmp/servitor-unit-XXXXXX");
    int fd = mkstemp(f->path);
    if (fd < 0)
        return -1;
    close(fd);
    arena_init(&f->a, 0);
    f->cx.a = &f->a;
    err_clear(&f->cx.err);
    int applied;
    if (db_open(f->path, &f->cx.db, &f->cx.err) != ERR_OK ||
        migrate_run(f->cx.db, search_tables, &applied, &f->cx.err) != ERR_OK)
        return -1;
    f->admin =
        (struct user){.id = 0, .login = "unit", .name = "Unit", .role = "admin", .perms = ~0u};
    f->cx.user = &f->admin;
    *state = f;
    return 0;
}

static int db_teardown(void **state)
{
    struct fixture *f = *state;
    db_close(f->cx.db);
    arena_free(&f->a);
    char p[80];
    unlink(f->path);
    snprintf(p, sizeof(p), "%s-wal", f->path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", f->path);
    unlink(p);
    free(f);
    return 0;
}

static void set(struct record *r, const char *name, const char *s)
{
    struct value *v = record_value(r, name);
    v->set = true;
    v->null = s == NULL;
    v->s = s;
}

static struct record *make_client(struct fixture *f, const char *kind, const char *name,
                                  const char *inn)
{
    struct record *in = record_new(&f->cx, &entity_clients), *out = NULL;
    set(in, "kind", kind);
    set(in, "name", name);
    if (inn)
        set(in, "inn", inn);
    err_clear(&f->cx.err);
    return entity_create(&f->cx, &entity_clients, in, &out) == ERR_OK ? out : NULL;
}

static const char *field_error(struct fixture *f, const char *name)
{
    for (int i = 0; i < f->cx.err.nfields; i++)
        if (!strcmp(f->cx.err.fields[i].name, name))
            return f->cx.err.fields[i].code;
    return "";
}

static void entity_create_validates_and_normalises(void **state)
{
    struct fixture *f = *state;
    struct record *c = make_client(f, "company", "  ООО «Тест»  ", "7707083893");
    assert_non_null(c);
    assert_string_equal(record_value(c, "name")->s, "ООО «Тест»");
    assert_int_equal(c->version, 1);
    assert_null(make_client(f, "company", "Дубль", "7707083893"));
    assert_int_equal(f->cx.err.code, ERR_INVALID);
    assert_string_equal(field_error(f, "inn"), "duplicate");
    assert_null(make_client(f, "person", "Физлицо", "7707083893"));
    assert_string_equal(field_error(f, "inn"), "invalid_inn");
    assert_null(make_client(f, "alien", "", NULL));
    assert_string_equal(field_error(f, "kind"), "invalid_enum");
    assert_string_equal(field_error(f, "name"), "required");
}

static void stale_version_is_a_conflict_and_changes_nothing(void **state)
{
    struct fixture *f = *state;
    struct record *c = make_client(f, "person", "Версия Первая", NULL), *out;
    assert_non_null(c);
    struct record *patch = record_new(&f->cx, &entity_clients);
    set(patch, "name", "Версия Вторая");
    assert_int_equal(entity_update(&f->cx, &entity_clients, c->id, 1, patch, &out), ERR_OK);
    assert_int_equal(out->version, 2);
    err_clear(&f->cx.err);
    set(patch, "name", "Версия Третья");
    assert_int_equal(entity_update(&f->cx, &entity_clients, c->id, 1, patch, &out), ERR_CONFLICT);
    struct record *now;
    assert_int_equal(entity_get(&f->cx, &entity_clients, c->id, &now), ERR_OK);
    assert_string_equal(record_value(now, "name")->s, "Версия Вторая");
}

static void list_pages_by_cursor_cover_every_row_once(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 37; i++) {
        char name[32];
        snprintf(name, sizeof(name), "Клиент %02d", i % 9); /* many equal names */
        assert_non_null(make_client(f, "person", arena_strdup(&f->a, name), NULL));
    }
    const char *sorts[] = {"name", "-name", "-id", "name,-created_at", NULL};
    for (int s = 0; sorts[s]; s++) {
        struct param p[2] = {{"sort", sorts[s]}, {"limit", "5"}};
        struct listq lq;
        assert_int_equal(listq_parse(&f->cx, &entity_clients, p, 2, NULL, &lq), ERR_OK);
        int64_t seen[200];
        int nseen = 0;
        for (;;) {
            struct record **items;
            int n;
            const char *next;
            assert_int_equal(entity_list(&f->cx, &entity_clients, &lq, &items, &n, &next), ERR_OK);
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < nseen; k++)
                    assert_true(seen[k] != items[i]->id);
                seen[nseen++] = items[i]->id;
            }
            if (!next)
                break;
            lq.cursor = next;
        }
        int64_t total;
        db_get_i64(f->cx.db, &f->cx.err, &total, NULL, "SELECT COUNT(*) FROM clients", "");
        assert_int_equal(nseen, total);
    }
}

static void list_parameters_are_checked(void **state)
{
    struct fixture *f = *state;
    struct listq lq;
    struct param bad[][1] = {{{"sort", "notes"}},       {{"limit", "0"}},   {{"limit", "x"}},
                             {{"pd_consent", "maybe"}}, {{"address", "x"}}, {{"branch_id", "1a"}}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err_clear(&f->cx.err);
        assert_int_equal(listq_parse(&f->cx, &entity_clients, bad[i], 1, NULL, &lq), ERR_MALFORMED);
    }
    struct param big[1] = {{"limit", "100000"}};
    assert_int_equal(listq_parse(&f->cx, &entity_clients, big, 1, NULL, &lq), ERR_OK);
    assert_int_equal(lq.limit, LISTQ_MAX_LIMIT);
    assert_string_equal(search_fold_query(&f->cx, "8 (912) 345"), "8912345");
    assert_string_equal(search_fold_query(&f->cx, "Ёлкин ПЁТР"), "елкин петр");
}

static void search_matches_prefixes_case_and_yo(void **state)
{
    struct fixture *f = *state;
    struct record *c = make_client(f, "person", "Семёнов Пётр Ёлкин", NULL);
    assert_non_null(c);
    const char *queries[] = {"семенов", "СЕМЁН", "петр ёлк", "ЕЛКИН", NULL};
    for (int q = 0; queries[q]; q++) {
        struct param p[1] = {{"q", queries[q]}};
        struct listq lq;
        assert_int_equal(listq_parse(&f->cx, &entity_clients, p, 1, NULL, &lq), ERR_OK);
        struct record **items;
        int n;
        const char *next;
        assert_int_equal(entity_list(&f->cx, &entity_clients, &lq, &items, &n, &next), ERR_OK);
        assert_int_equal(n, 1);
        assert_int_equal(items[0]->id, c->id);
    }
}

static void audit_chain_detects_edits_and_deletions(void **state)
{
    struct fixture *f = *state;
    assert_non_null(make_client(f, "person", "Аудит Один", NULL));
    assert_non_null(make_client(f, "person", "Аудит Два", NULL));
    assert_non_null(make_client(f, "person", "Аудит Три", NULL));
    int64_t checked, bad;
    assert_int_equal(audit_verify(&f->cx, &checked, &bad), ERR_OK);
    assert_int_equal(checked, 3);
    db_run(f->cx.db, &f->cx.err, "UPDATE audit_log SET after = '{}' WHERE id = 2", "");
    assert_int_equal(audit_verify(&f->cx, &checked, &bad), ERR_CONFLICT);
    assert_int_equal(bad, 2);
    db_run(f->cx.db, &f->cx.err, "DELETE FROM audit_log WHERE id >= 2", "");
    err_clear(&f->cx.err);
    assert_int_equal(audit_verify(&f->cx, &checked, &bad), ERR_CONFLICT);
    assert_int_equal(bad, 2);
}

static void audit_hash_covers_every_field_without_ambiguity(void **state)
{
    (void)state;
    char a[AUDIT_HASH_LEN], b[AUDIT_HASH_LEN];
    audit_hash("0", 1, "t", 1, "ab", "c", "e", 1, NULL, "{}", a);
    audit_hash("0", 1, "t", 1, "a", "bc", "e", 1, NULL, "{}", b);
    assert_string_not_equal(a, b);
    audit_hash("0", 1, "t", 1, "ab", "c", "e", 1, "", "{}", b);
    assert_string_not_equal(a, b); /* NULL differs from "" */
    audit_hash("0", 1, "t", 1, "ab", "c", "e", 1, NULL, "{}", b);
    assert_string_equal(a, b);
}

static void numbers_are_consecutive_per_series_and_year(void **state)
{
    struct fixture *f = *state;
    int64_t n;
    db_begin_write(f->cx.db, &f->cx.err);
    for (int i = 1; i <= 3; i++) {
        assert_int_equal(number_next(&f->cx, "Т", 2026, &n), ERR_OK);
        assert_int_equal(n, i);
    }
    assert_int_equal(number_next(&f->cx, "Т", 2027, &n), ERR_OK);
    assert_int_equal(n, 1);
    db_rollback(f->cx.db);
    assert_int_equal(number_next(&f->cx, "Т", 2026, &n), ERR_OK);
    assert_int_equal(n, 1); /* the rolled-back numbers were never issued */
    assert_string_equal(number_format(&f->cx, "О", 2026, 123), "О-2026-000123");
}

static void workflow_lists_and_runs_only_allowed_transitions(void **state)
{
    struct fixture *f = *state;
    struct record *in = record_new(&f->cx, &entity_requests), *req, *out;
    set(in, "subject", "Тест");
    assert_int_equal(entity_create(&f->cx, &entity_requests, in, &req), ERR_OK);
    const struct transition *ts[16];
    int n = workflow_available(&f->cx, &request_workflow, req, ts, 16);
    assert_int_equal(n, 3); /* assign, start, cancel */
    assert_string_equal(ts[0]->name, "assign");
    struct user tech = {.id = 0,
                        .login = "t",
                        .name = "T",
                        .role = "technician",
                        .perms = role_find("technician")->perms};
    f->cx.user = &tech;
    n = workflow_available(&f->cx, &request_workflow, req, ts, 16);
    assert_int_equal(n, 1);
    assert_string_equal(ts[0]->name, "start");
    assert_int_equal(
        workflow_run(&f->cx, &request_workflow, req->id, req->version, "cancel", NULL, &out),
        ERR_FORBIDDEN);
    f->cx.user = &f->admin;
    err_clear(&f->cx.err);
    assert_int_equal(
        workflow_run(&f->cx, &request_workflow, req->id, req->version, "close", NULL, &out),
        ERR_CONFLICT);
    err_clear(&f->cx.err);
    assert_int_equal(
        workflow_run(&f->cx, &request_workflow, req->id, req->version, "cancel", NULL, &out),
        ERR_OK);
    assert_string_equal(record_value(out, "status")->s, "cancelled");
    assert_int_equal(out->version, req->version + 1);
}

static void every_domain_entity_is_consistent(void **state)
{
    (void)state;
    for (int i = 0; domain_entities[i]; i++) {
        const struct entity *e = domain_entities[i];
        assert_non_null(e->display_sql);
        assert_true(e->perm_read != 0);
        assert_ptr_equal(domain_entity(e->name), e);
        for (int k = 0; e->fields[k].name; k++) {
            const struct field *fd = &e->fields[k];
            assert_non_null(fd->label);
            if (fd->type == F_ENUM)
                assert_non_null(fd->enums);
            if (fd->type == F_REF)
                assert_non_null(fd->ref);
            if (fd->unique_with)
                assert_non_null(entity_field(e, fd->unique_with, NULL));
        }
    }
}

int main(void)
{
    setenv("SERVITOR_PWHASH", "fast", 1);
    if (!auth_init())
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fold_lowercases_cyrillic_and_latin_and_joins_yo_with_ye),
        cmocka_unit_test(utf8_validation_rejects_overlongs_surrogates_truncation_and_nul),
        cmocka_unit_test(dates_are_real_calendar_dates_and_months_clamp),
        cmocka_unit_test(arena_hands_out_aligned_zeroed_memory_and_big_blocks),
        cmocka_unit_test(buf_refuses_to_grow_past_its_cap_and_keeps_its_content),
        cmocka_unit_test(phones_are_normalised_to_plus_seven),
        cmocka_unit_test(inn_and_kpp_check_digits),
        cmocka_unit_test(audit_hash_covers_every_field_without_ambiguity),
        cmocka_unit_test(every_domain_entity_is_consistent),
        cmocka_unit_test_setup_teardown(entity_create_validates_and_normalises, db_setup,
                                        db_teardown),
        cmocka_unit_test_setup_teardown(stale_version_is_a_conflict_and_changes_nothing, db_setup,
                                        db_teardown),
        cmocka_unit_test_setup_teardown(list_pages_by_cursor_cover_every_row_once, db_setup,
                                        db_teardown),
        cmocka_unit_test_setup_teardown(list_parameters_are_checked, db_setup, db_teardown),
        cmocka_unit_test_setup_teardown(search_matches_prefixes_case_and_yo, db_setup, db_teardown),
        cmocka_unit_test_setup_teardown(audit_chain_detects_edits_and_deletions, db_setup,
                                        db_teardown),
        cmocka_unit_test_setup_teardown(numbers_are_consecutive_per_series_and_year, db_setup,
                                        db_teardown),
        cmocka_unit_test_setup_teardown(workflow_lists_and_runs_only_allowed_transitions, db_setup,
                                        db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
