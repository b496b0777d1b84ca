/* api.h — the REST handlers (api layer): JSON in → domain call → JSON out.
 * One file per resource; the route table in src/http/routes.c names them. */
#ifndef SERVITOR_API_H
#define SERVITOR_API_H

#include <jansson.h>

#include "core/entity.h"
#include "http/http.h"

/* Parses the request body as a JSON object: ERR_TOOBIG over the limit,
 * ERR_MALFORMED when empty, not JSON, not UTF-8 or not an object. The
 * caller decrefs *out. */
enum err_code api_body(struct ctx *cx, struct http_req *rq, json_t **out);
/* 422 with one field error ("lines.2.qty": "invalid"). */
enum err_code api_field_error(struct ctx *cx, const char *field, const char *code);
/* 422 "unknown" naming (after prefix) a member of o not among keys. */
enum err_code api_only_members(struct ctx *cx, json_t *o, const char *prefix,
                               const char *const *keys);
/* Reads path argument i as a positive id; ERR_NOTFOUND otherwise. */
enum err_code api_path_id(struct ctx *cx, struct http_req *rq, int i, int64_t *id);
/* The value of a query-string parameter, or NULL. */
const char *api_param(struct http_req *rq, const char *key);
/* The version an update or delete carries: If-Match, ?version= or -1. */
int64_t api_request_version(struct http_req *rq);
/* A field type's name as /api/v1/meta gives it: "text", "enum"… */
const char *api_field_type(const struct field *f);

struct report;
/* What /api/v1/meta publishes of a report (reports.c). */
json_t *api_report_meta(const struct report *rep);
/* What a route does, for openapi.json (route_docs.c): the summary and
 * description of "METHOD pattern" (patterns of fixed routes in their openapi
 * form, "/api/v1/tokens/{id}"; generic ones as in the table, "{entity}" and
 * "{transition}" in their summary standing for the resource and the
 * transition). NULL when undocumented. */
struct route_doc {
    const char *method, *pattern, *summary, *description;
};
const struct route_doc *route_doc(const char *method, const char *pattern);
/* What /api/v1/meta publishes of an entity's printed documents the user
 * may make (documents.c): [{name, label, url}], NULL when none. */
json_t *api_documents_meta(struct ctx *cx, const struct entity *ent);

#define API_HANDLER(name)                                                                          \
    enum err_code name(struct ctx *cx, struct http_req *rq, struct http_resp *rs)

API_HANDLER(api_healthz);
API_HANDLER(api_ping);
API_HANDLER(api_metrics);
API_HANDLER(api_openapi);
API_HANDLER(api_static);
API_HANDLER(api_login);
API_HANDLER(api_logout);
API_HANDLER(api_me);
API_HANDLER(api_meta);
API_HANDLER(api_audit_list);
API_HANDLER(api_tokens_list);
API_HANDLER(api_tokens_create);
API_HANDLER(api_tokens_delete);
API_HANDLER(api_unit_history);
API_HANDLER(api_entity_list);
API_HANDLER(api_entity_create);
API_HANDLER(api_entity_get);
API_HANDLER(api_entity_update);
API_HANDLER(api_entity_delete);
API_HANDLER(api_entity_transition);
API_HANDLER(api_timeline);
API_HANDLER(api_comment);
API_HANDLER(api_public_view);
API_HANDLER(api_calendar_load);
API_HANDLER(api_public_request);
API_HANDLER(api_public_status);
API_HANDLER(api_request_articles);
API_HANDLER(api_consultation);
API_HANDLER(api_workload);
API_HANDLER(api_sla_report);
API_HANDLER(api_desk_counters);
API_HANDLER(api_workshop_overdue);
API_HANDLER(api_repair_summary);
API_HANDLER(api_repair_issue_parts);
API_HANDLER(api_repair_time_start);
API_HANDLER(api_repair_time_stop);
API_HANDLER(api_public_repair_answer);
/* What a public page shows beyond its view (workshop.c): a repair order's
 * estimate, a request's repair orders. */
enum err_code api_public_extra(struct ctx *cx, const struct entity *ent, const struct record *rec,
                               json_t *out);
API_HANDLER(api_repair_qc_get);
API_HANDLER(api_repair_qc_record);
API_HANDLER(api_shipment_units);
API_HANDLER(api_shipment_receive);
API_HANDLER(api_shipments_overdue);
API_HANDLER(api_repair_clocks);
API_HANDLER(api_repair_dispose);
API_HANDLER(api_unit_service_history);
API_HANDLER(api_entity_bulk);
API_HANDLER(api_attachment_upload);
API_HANDLER(api_attachment_list);
API_HANDLER(api_request_attachment_get);
API_HANDLER(api_public_file);
API_HANDLER(api_attachment_get);
API_HANDLER(api_document);
API_HANDLER(api_documents_issued);
API_HANDLER(api_notifications);
API_HANDLER(api_notifications_read);
API_HANDLER(api_mail_intake);
API_HANDLER(api_outbox_list);
API_HANDLER(api_outbox_resend);
API_HANDLER(api_company_get);
API_HANDLER(api_company_update);
API_HANDLER(api_template_preview);
API_HANDLER(api_report);
API_HANDLER(api_public_rating);
API_HANDLER(api_stock_post);
API_HANDLER(api_stock_posting_get);
API_HANDLER(api_stock_postings);
API_HANDLER(api_stock_receive);
API_HANDLER(api_stock_reverse);
API_HANDLER(api_stock_reserve);
API_HANDLER(api_stock_release);
API_HANDLER(api_stock_issue);
API_HANDLER(api_stock_reservations);
API_HANDLER(api_stock_movements);
API_HANDLER(api_stock_find);
API_HANDLER(api_part_stock);
API_HANDLER(api_warehouse_stock);
API_HANDLER(api_count_lines);
API_HANDLER(api_count_enter);
API_HANDLER(api_count_post);
API_HANDLER(api_count_cancel);
API_HANDLER(api_stock_replenishment);
API_HANDLER(api_replenishment_accept);
API_HANDLER(api_replenishment_accepted);
API_HANDLER(api_replenishment_drop);
API_HANDLER(api_price_import_preview);
API_HANDLER(api_price_import_confirm);
API_HANDLER(api_supplier_prices);
API_HANDLER(api_supplier_price_history);
/* Who sells a part (purchasing.c): NULL with *rc ERR_OK when the user may
 * not see purchasing. */
json_t *api_part_offers(struct ctx *cx, int64_t part_id, bool active_only, enum err_code *rc);
API_HANDLER(api_po_set_lines);
API_HANDLER(api_po_lines);
API_HANDLER(api_po_on_order);
API_HANDLER(api_po_receive);
API_HANDLER(api_po_from_suggestions);
API_HANDLER(api_supplier_return_post);
API_HANDLER(api_supplier_return_lines);
API_HANDLER(api_supplier_scorecard);
API_HANDLER(api_test_clock);
API_HANDLER(api_test_job_run);

#endif
