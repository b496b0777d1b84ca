/* demo_workshop.c — demo repair orders (cli layer): a handful in several
 * states, made and moved through the entity layer and the workflow as the
 * demo users would (so numbers, warranty decisions, timelines and audit are
 * the real ones). Part of `servitor demo`. */
#include <string.h>

#include "cli/cli.h"
#include "core/workflow.h"
#include "domain/workshop/workshop.h"
#include "base/banned.h"

static const struct {
    const char *fault, *condition, *accessories, *demand;
    const char *steps; /* transitions, space-separated */
    bool paid;
} orders[] = {
    {"Не включается после скачка напряжения", "Потёртости на корпусе", "Кабель питания", "repair",
     "", false},
    {"Замятие бумаги в лотке 2", "Без видимых повреждений", "Лоток 2", "repair", "diagnose", false},
    {"Полосы при печати", "Царапина на крышке", "Картридж", "estimate_first",
     "diagnose send_estimate", false},
    {"Не забирает бумагу", "Без видимых повреждений", "—", "repair",
     "diagnose start_repair wait_parts", false},
    {"Шумит при работе", "Следы пыли", "Кабель USB", "repair", "diagnose start_repair to_qc",
     false},
    {"Ошибка E-02 при старте", "Без видимых повреждений", "Кабель питания", "repair",
     "diagnose start_repair to_qc qc_fail to_qc qc_pass", true},
    {"Не греет фьюзер", "Скол на панели", "—", "repair",
     "diagnose start_repair to_qc qc_pass issue", true},
};

/* The works catalog of the demo: name, minutes, price (kopecks, VAT
 * included), VAT rate, the diagnostics fee. */
static const struct {
    const char *name;
    int minutes;
    int64_t price;
    const char *vat;
    bool fee;
} works[] = {
    {"Диагностика", 30, 90000, "none", true},
    {"Чистка и смазка механизма", 60, 180000, "none", false},
    {"Замена ролика подачи бумаги", 40, 150000, "none", false},
    {"Замена узла термозакрепления", 90, 350000, "none", false},
};

static void set(struct record *r, int field, const char *s, int64_t i)
{
    struct value *v = rec_set(r, field);
    v->set = true, v->null = false, v->s = s, v->i = i;
}

/* The works of the catalog, and a line of the i-th for an order. */
static enum err_code demo_works(struct ctx *cx, int64_t ids[])
{
    enum err_code rc = ERR_OK;
    for (size_t i = 0; i < sizeof(works) / sizeof(works[0]) && rc == ERR_OK; i++) {
        struct record *in = record_new(cx, &entity_works), *w;
        set(in, WORK_NAME, works[i].name, 0);
        set(in, WORK_STD_MINUTES, NULL, works[i].minutes);
        set(in, WORK_PRICE, NULL, works[i].price);
        set(in, WORK_VAT, works[i].vat, 0);
        set(in, WORK_DIAGNOSTICS_FEE, NULL, works[i].fee);
        if ((rc = entity_create(cx, &entity_works, in, &w)) == ERR_OK)
            ids[i] = w->id;
    }
    return rc;
}

static enum err_code demo_line(struct ctx *cx, int64_t order, int64_t work)
{
    struct record *in = record_new(cx, &entity_repair_order_lines), *l;
    set(in, LINE_ORDER_ID, NULL, order);
    set(in, LINE_KIND, "labour", 0);
    set(in, LINE_WORK_ID, NULL, work);
    return entity_create(cx, &entity_repair_order_lines, in, &l);
}

static enum err_code user_of(struct ctx *cx, const char *login, struct user *u)
{
    memset(u, 0, sizeof(*u));
    struct db_stmt *st =
        db_q(cx->db, &cx->err, "SELECT id, name, role FROM users WHERE login = $1", "t", login);
    if (!st)
        return cx->err.code;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        const struct role *role = role_find(db_col_text(st, 2));
        u->id = db_col_i64(st, 0);
        u->login = arena_strdup(cx->a, login);
        u->name = arena_strdup(cx->a, db_col_text(st, 1));
        u->role = role ? role->name : "";
        if (role)
            u->perms = role->perms;
    }
    db_done(st);
    if (rc != DB_ROW)
        return ctx_fail(cx, ERR_NOTFOUND, "no demo user %s", login);
    return ERR_OK;
}

enum err_code demo_workshop(struct ctx *cx, int64_t *made)
{
    struct user manager, tech, qc;
    enum err_code rc;
    *made = 0;
    if ((rc = user_of(cx, "manager", &manager)) != ERR_OK ||
        (rc = user_of(cx, "engineer", &tech)) != ERR_OK ||
        (rc = user_of(cx, "engineer2", &qc)) != ERR_OK)
        return rc;
    const struct user *was = cx->user;
    int64_t work_ids[sizeof(works) / sizeof(works[0])];
    cx->user = &manager;
    if ((rc = demo_works(cx, work_ids)) != ERR_OK) {
        cx->user = was;
        return rc;
    }
    for (size_t i = 0; i < sizeof(orders) / sizeof(orders[0]) && rc == ERR_OK; i++) {
        /* a unit of the demo, the i-th one that has an owner */
        int64_t unit = 0;
        bool found;
        rc = db_get_i64(cx->db, &cx->err, &unit, &found,
                        "SELECT id FROM equipment_units WHERE client_id IS NOT NULL\n"
                        "ORDER BY id LIMIT 1 OFFSET $1",
                        "i", (int64_t)i * 7);
        if (rc != ERR_OK)
            break;
        cx->user = &manager;
        struct record *in = record_new(cx, &entity_repair_orders), *o;
        struct value *v;
        if (found) {
            v = rec_set(in, RO_UNIT_ID);
            v->set = true, v->null = false, v->i = unit;
        }
        v = rec_set(in, RO_TECHNICIAN_ID);
        v->set = true, v->null = false, v->i = tech.id;
        static const int tf[] = {RO_DECLARED_FAULT, RO_INTAKE_CONDITION, RO_ACCESSORIES, RO_DEMAND};
        const char *tv[] = {orders[i].fault, orders[i].condition, orders[i].accessories,
                            orders[i].demand};
        for (int k = 0; k < 4; k++) {
            v = rec_set(in, tf[k]);
            v->set = true, v->null = false, v->s = tv[k];
        }
        v = rec_set(in, RO_PAID);
        v->set = true, v->null = false, v->i = orders[i].paid;
        if ((rc = entity_create(cx, &entity_repair_orders, in, &o)) != ERR_OK)
            break;
        (*made)++;
        /* the diagnostics and one work of the catalog */
        if ((rc = demo_line(cx, o->id, work_ids[0])) != ERR_OK ||
            (rc = demo_line(cx, o->id, work_ids[1 + i % 3])) != ERR_OK)
            break;
        char steps[160];
        size_t len = strlen(orders[i].steps);
        memcpy(steps, orders[i].steps, len + 1);
        for (char *save = NULL, *s = strtok_r(steps, " ", &save); s && rc == ERR_OK;
             s = strtok_r(NULL, " ", &save)) {
            cx->user = !strncmp(s, "qc_", 3) ? &qc : !strcmp(s, "issue") ? &manager : &tech;
            rc = workflow_run(cx, &repair_workflow, o->id, o->version, s, NULL, &o);
        }
    }
    cx->user = was;
    return rc;
}
