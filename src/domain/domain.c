/* domain.c — the lists of entities and workflows (domain layer). A new
 * entity is added here and in a migration. */
#include "domain.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "base/settings.h"
#include "domain/desk/desk.h"
#include "core/outbox.h"
#include "domain/desk/knowledge.h"
#include "domain/desk/routing.h"
#include "domain/desk/sla.h"
#include "domain/desk/views.h"
#include "domain/messages/messages.h"
#include "domain/purchasing/orders.h"
#include "domain/purchasing/purchasing.h"
#include "domain/registry/registry.h"
#include "domain/sales/sales.h"
#include "domain/stock/stock.h"
#include "domain/testing/testing.h"
#include "domain/workshop/clocks.h"
#include "domain/workshop/workshop.h"
#include "base/banned.h"

/* clang-format off */
#define PRODUCT_ENTITIES \
    /* registry */ \
    &entity_branches, &entity_users, &entity_clients, &entity_contacts, \
    &entity_equipment_models, &entity_equipment_units, \
    /* sales */ \
    &entity_contracts, &entity_contract_sla_terms, \
    /* desk */ \
    &entity_requests, &entity_sla_policies, &entity_business_calendars, &entity_calendar_days, \
    &entity_articles, &entity_article_models, &entity_routing_rules, &entity_saved_views, \
    /* messages */ \
    &entity_message_templates, \
    /* workshop */ \
    &entity_service_types, &entity_repair_orders, &entity_works, &entity_repair_order_lines, \
    &entity_repair_time_logs, \
    &entity_qc_checklists, &entity_qc_checklist_items, &entity_service_partners, &entity_shipments, \
    &entity_shipment_items, \
    &entity_loaners, &entity_loaner_issues, &entity_pickup_notices, \
    /* stock */ \
    &entity_parts, &entity_part_barcodes, &entity_part_models, &entity_part_analogs, \
    &entity_warehouses, &entity_bins, &entity_stock_counts, &entity_stock_rules, \
    /* purchasing */ \
    &entity_suppliers, &entity_supplier_contacts, &entity_supplier_prices, \
    &entity_purchase_orders, &entity_supplier_returns

const struct entity *const domain_entities[] = {PRODUCT_ENTITIES, NULL};
/* the same and the entities of the tests (src/domain/testing) */
static const struct entity *const with_tests[] = {PRODUCT_ENTITIES, &entity_test_orders, NULL};
/* clang-format on */

const char *const domain_priorities[] = {"low", "normal", "high", "urgent", NULL};

const struct job_kind domain_jobs[] = {
    {"sessions.cleanup", 3600, jobs_sessions_cleanup},
    {"sla.scan", 60, sla_scan},
    {"counters.recount", 86400, request_recount_job},
    {"outbox.send", 60, outbox_send_job},
    {"workshop.pickup_reminders", 86400, pickup_reminders_job},
    {0},
};

const struct report *const domain_reports[] = {
    &report_sla,
    &report_intake,
    &report_backlog,
    &report_times,
    &report_ratings,
    &report_stock_on_hand,
    &report_stock_history,
    &report_stock_shortages,
    &report_stock_idle,
    &report_stock_consumption,
    &report_stock_forecast,
    &report_rework,
    NULL,
};

const struct report *domain_report(const char *name)
{
    for (int i = 0; domain_reports[i]; i++)
        if (!strcmp(domain_reports[i]->name, name))
            return domain_reports[i];
    return NULL;
}

static const struct workflow *const workflows[] = {&request_workflow,
                                                   &repair_workflow,
                                                   &purchase_order_workflow,
                                                   &shipment_workflow,
                                                   &loaner_workflow,
                                                   &test_order_workflow,
                                                   NULL};

const struct entity *const *domain_all(void)
{
    return setting_int(SET_TEST_ENTITIES) ? with_tests : domain_entities;
}

const struct entity *domain_entity(const char *name)
{
    const struct entity *const *all = domain_all();
    for (int i = 0; all[i]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

const struct workflow *domain_workflow(const struct entity *ent)
{
    for (int i = 0; workflows[i]; i++)
        if (workflows[i]->ent == ent)
            return workflows[i];
    return NULL;
}

const char *const *domain_search_tables(void)
{
    static const char *tables[sizeof(domain_entities) / sizeof(domain_entities[0])];
    int n = 0;
    for (int i = 0; domain_entities[i]; i++)
        if (entity_searchable(domain_entities[i]))
            tables[n++] = domain_entities[i]->table;
    tables[n] = NULL;
    return tables;
}

/* After a delete refused for the records that refer to it: which ones, and
 * how many — "requests: 3, equipment_units: 2" in the message and each
 * resource as a field with the code "refers" (the UI names them). Only
 * resources the caller reads are named; the rest are "other records". */
enum err_code domain_name_references(struct ctx *cx, const struct entity *ent, int64_t id)
{
    struct err saved = cx->err;
    char list[200] = "";
    size_t used = 0;
    int named = 0;
    err_clear(&cx->err);
    for (const struct entity *const *e = domain_all(); *e; e++) {
        if (!(*e)->table || !ctx_can(cx, (*e)->perm_read))
            continue;
        int64_t total = 0;
        for (int k = 0; (*e)->fields[k].name; k++) {
            const struct field *f = &(*e)->fields[k];
            if (f->type != F_REF || f->ref != ent)
                continue;
            int64_t count = 0;
            bool found;
            if (db_get_i64(cx->db, &cx->err, &count, &found,
                           arena_printf(cx->a, "SELECT COUNT(*) FROM %s WHERE %s = $1", (*e)->table,
                                        f->name),
                           "i", id) != ERR_OK) {
                cx->err = saved;
                return saved.code;
            }
            total += count;
        }
        if (!total)
            continue;
        err_field(&saved, (*e)->name, "refers");
        int w = snprintf(list + used, sizeof(list) - used, "%s%s: %lld", named ? ", " : "",
                         (*e)->name, (long long)total);
        if (w > 0 && (size_t)w < sizeof(list) - used)
            used += (size_t)w;
        named++;
    }
    cx->err = saved;
    if (named)
        snprintf(cx->err.message, sizeof(cx->err.message),
                 "%s %lld is referenced by other records and cannot be deleted (%s)", ent->name,
                 (long long)id, list);
    return cx->err.code;
}
