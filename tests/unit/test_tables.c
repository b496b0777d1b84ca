/* test_tables.c — unit tests of the domain's tables as data: every workflow
 * (its states exist, names are unique, every state and transition has its
 * label in both UI dictionaries, web/src/i18n/{ru,en}.js, read from the
 * source tree; run from the repository root, as `make unit` does). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/entity.h"
#include "core/perm.h"
#include "core/workflow.h"
#include "domain/desk/desk.h"
#include "domain/desk/knowledge.h"
#include "domain/desk/routing.h"
#include "domain/desk/sla.h"
#include "domain/desk/views.h"
#include "domain/domain.h"
#include "domain/messages/messages.h"
#include "domain/stock/stock.h"
#include "domain/registry/registry.h"
#include "domain/sales/sales.h"

#include "unit.h"

static int db_setup(void **state) { return unit_db_open(state, domain_search_tables()); }

static char *read_text(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot read %s (run from the repository root)", path);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
    s[n] = 0;
    fclose(fp);
    return s;
}

/* Is key a key of the dictionary ('key': or "key":)? */
static bool has_key(const char *dict, const char *key)
{
    char a[256], b[256];
    snprintf(a, sizeof(a), "'%s':", key);
    snprintf(b, sizeof(b), "\"%s\":", key);
    return strstr(dict, a) || strstr(dict, b);
}

/* A state's label as the UI looks it up (enumLabel in web/src/meta.js): the
 * field's label key and the value, or enum.<field>.<value>. */
static bool has_state_label(const char *dict, const struct field *f, const char *state)
{
    char k1[256], k2[256];
    snprintf(k1, sizeof(k1), "%s.%s", f->label, state);
    snprintf(k2, sizeof(k2), "enum.%s.%s", f->name, state);
    return has_key(dict, k1) || has_key(dict, k2);
}

/* Counts what is wrong with a workflow, printing each. */
static int workflow_problems(const struct workflow *wf, const char *const dicts[2])
{
    static const char *const lang[2] = {"ru", "en"};
    int bad = 0, nstates = 0;
#define PROBLEM(...) (bad++, fprintf(stderr, "  %s: ", wf->ent->name), fprintf(stderr, __VA_ARGS__))
    int fi;
    const struct field *sf = entity_field(wf->ent, wf->state_field, &fi);
    if (!sf || sf->type != F_ENUM) {
        PROBLEM("state field %s is not an enum field\n", wf->state_field);
        return bad;
    }
    for (; wf->states[nstates]; nstates++) {
        const char *s = wf->states[nstates];
        for (int j = 0; j < nstates; j++)
            if (!strcmp(wf->states[j], s))
                PROBLEM("state %s twice\n", s);
        if (wf->categories[nstates] != STATE_OPEN && wf->categories[nstates] != STATE_CLOSED)
            PROBLEM("state %s has no category\n", s);
        if (!sf->enums || !sf->enums[nstates] || strcmp(sf->enums[nstates], s))
            PROBLEM("state %s is not value %d of field %s\n", s, nstates, sf->name);
        for (int l = 0; l < 2; l++)
            if (!has_state_label(dicts[l], sf, s))
                PROBLEM("state %s has no label in %s.js\n", s, lang[l]);
    }
    if (nstates == 0 || nstates > WORKFLOW_MAX_STATES)
        PROBLEM("%d states\n", nstates);
    if (sf->enums && nstates <= WORKFLOW_MAX_STATES && sf->enums[nstates])
        PROBLEM("field %s has values that are not states\n", sf->name);
    if (sf->def && workflow_state(wf, sf->def) < 0)
        PROBLEM("field %s starts in %s, which is no state\n", sf->name, sf->def);
    for (const struct transition *t = wf->transitions; t->name; t++) {
        if (workflow_transition(wf, t->name) != t)
            PROBLEM("transition %s twice\n", t->name);
        if (t->to < 0 || t->to >= nstates)
            PROBLEM("transition %s leads to no state\n", t->name);
        if (!t->from || (nstates < 32 && (t->from >> nstates)))
            PROBLEM("transition %s starts from no state or from one that is not\n", t->name);
        if (!t->label) {
            PROBLEM("transition %s has no label\n", t->name);
            continue;
        }
        for (int l = 0; l < 2; l++)
            if (!has_key(dicts[l], t->label))
                PROBLEM("transition %s: no %s in %s.js\n", t->name, t->label, lang[l]);
    }
#undef PROBLEM
    return bad;
}

static void every_workflow_table_is_consistent_and_labelled(void **state)
{
    (void)state;
    char *ru = read_text("web/src/i18n/ru.js"), *en = read_text("web/src/i18n/en.js");
    const char *const dicts[2] = {ru, en};
    int nwf = 0;
    for (int i = 0; domain_entities[i]; i++) {
        const struct workflow *wf = domain_workflow(domain_entities[i]);
        if (!wf)
            continue;
        nwf++;
        assert_ptr_equal(wf->ent, domain_entities[i]);
        assert_int_equal(workflow_problems(wf, dicts), 0);
    }
    assert_true(nwf >= 1);
    free(ru);
    free(en);
}

/* The checks above catch what they claim to: a table with each mistake. */
static void a_broken_workflow_table_is_caught(void **state)
{
    (void)state;
    static const char *const states[] = {"new", "new", "done", NULL};
    static const enum state_category cats[] = {STATE_OPEN, STATE_OPEN, STATE_CLOSED};
    static const struct transition ts[] = {
        {"go", STATE_BIT(0), 2, 0, "transition.start"},
        {"go", STATE_BIT(0), 1, 0, "transition.resume"}, /* a name twice */
        {"far", STATE_BIT(0), 7, 0, "transition.close"}, /* to no state */
        {"none", 0, 1, 0, "transition.close"},           /* from nothing */
        {"mute", STATE_BIT(1), 2, 0, "transition.no_such_label"},
        {0},
    };
    const struct workflow wf = {.ent = &entity_requests,
                                .state_field = "status",
                                .states = states,
                                .categories = cats,
                                .transitions = ts};
    const char *const dicts[2] = {
        "'transition.start': 1, 'transition.resume': 1, 'transition.close': 1,\n"
        "'enum.status.new': 1, 'request.status.done': 1,",
        "\"transition.start\": 1, \"transition.resume\": 1, \"transition.close\": 1,\n"
        "\"enum.status.new\": 1,"};
    /* "new" twice; the 2nd and 3rd state are not the field's values, which
     * has more; "done" has no English label; "go" twice, "far" leads
     * nowhere, "none" starts nowhere, "mute"'s label is in neither */
    assert_int_equal(workflow_problems(&wf, dicts), 10);
    /* and the first of two transitions with a name is the one taken */
    assert_ptr_equal(workflow_transition(&wf, "go"), &ts[0]);
}

/* Each entity's field enum covers its whole table: with the static
 * assertion on the array's size beside each table, no field is missing in
 * the middle (a hole would end the table early). */
static void every_field_enum_covers_its_table(void **state)
{
    (void)state;
    static const struct {
        const struct entity *ent;
        int count;
    } enums[] = {
        {&entity_branches, BRANCH__COUNT},
        {&entity_users, USER__COUNT},
        {&entity_clients, CLIENT__COUNT},
        {&entity_contacts, CONTACT__COUNT},
        {&entity_equipment_models, MODEL__COUNT},
        {&entity_equipment_units, UNIT__COUNT},
        {&entity_message_templates, TPL__COUNT},
        {&entity_parts, PART__COUNT},
        {&entity_part_barcodes, BARCODE__COUNT},
        {&entity_part_models, PM__COUNT},
        {&entity_part_analogs, ANALOG__COUNT},
        {&entity_warehouses, WAREHOUSE__COUNT},
        {&entity_bins, BIN__COUNT},
        {&entity_stock_counts, COUNT__COUNT},
    };
    for (size_t i = 0; i < sizeof(enums) / sizeof(enums[0]); i++) {
        if (entity_nfields(enums[i].ent) != enums[i].count)
            fail_msg("%s: %d fields, enum of %d", enums[i].ent->name, entity_nfields(enums[i].ent),
                     enums[i].count);
    }
    /* the enum is the table's order */
    int k;
    assert_non_null(entity_field(&entity_clients, "inn", &k));
    assert_int_equal(k, CLIENT_INN);
    assert_non_null(entity_field(&entity_equipment_units, "warranty_until", &k));
    assert_int_equal(k, UNIT_WARRANTY_UNTIL);
    assert_non_null(entity_field(&entity_requests, "routed_rule_id", &k));
    assert_int_equal(k, REQ_ROUTED_RULE_ID);
}

/* The roles are the values a user's role takes, one for one, and each has
 * its label in both languages. */
static void every_role_is_a_user_role_with_labels(void **state)
{
    (void)state;
    char *ru = read_text("web/src/i18n/ru.js"), *en = read_text("web/src/i18n/en.js");
    int fi, n = 0;
    const struct field *f = entity_field(&entity_users, "role", &fi);
    assert_non_null(f);
    assert_int_equal(fi, USER_ROLE);
    for (const struct role *r = roles; r->name; r++, n++) {
        assert_non_null(f->enums[n]);
        assert_string_equal(f->enums[n], r->name);
        assert_ptr_equal(role_find(r->name), r);
        if (!has_key(ru, r->label) || !has_key(en, r->label))
            fail_msg("role %s: no %s in ru.js or en.js", r->name, r->label);
    }
    assert_null(f->enums[n]);
    assert_true(n >= 6);
    free(ru);
    free(en);
}

static bool has_name(const char **names, const char *name)
{
    for (int i = 0; names[i]; i++)
        if (!strcmp(names[i], name))
            return true;
    return false;
}

/* `servitor copy` orders tables by the foreign keys the schema declares. */
static void a_tables_parents_are_its_foreign_keys(void **state)
{
    struct unit_db *f = (struct unit_db *)*state;
    const char **p;
    assert_int_equal(db_table_parents(f->cx.db, f->cx.a, "contacts", &p, &f->cx.err), ERR_OK);
    assert_non_null(p[0]);
    assert_string_equal(p[0], "clients");
    assert_null(p[1]);
    assert_int_equal(db_table_parents(f->cx.db, f->cx.a, "requests", &p, &f->cx.err), ERR_OK);
    assert_true(has_name(p, "clients") && has_name(p, "users") && has_name(p, "branches"));
    assert_false(has_name(p, "requests"));
    assert_int_equal(db_table_parents(f->cx.db, f->cx.a, "audit_log", &p, &f->cx.err), ERR_OK);
    assert_null(p[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_workflow_table_is_consistent_and_labelled),
        cmocka_unit_test(a_broken_workflow_table_is_caught),
        cmocka_unit_test(every_field_enum_covers_its_table),
        cmocka_unit_test(every_role_is_a_user_role_with_labels),
        cmocka_unit_test_setup_teardown(a_tables_parents_are_its_foreign_keys, db_setup,
                                        unit_db_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
