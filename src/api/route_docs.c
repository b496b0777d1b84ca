/* route_docs.c — what each route of the table does, for openapi.json
 * (api layer). One entry per fixed route ("METHOD pattern" as in routes.c)
 * and per generic route; tests/api/openapi-docs.test.mjs fails when a route
 * has none, so a new route comes with its line here. */
#include <string.h>

#include "api/api.h"
#include "base/banned.h"

/* clang-format off */
static const struct route_doc docs[] = {
    {"GET", "/healthz", "liveness", "200 while the process serves; no database access."},
    {"GET", "/ping", "readiness", "200 when the database answers, 503 otherwise."},
    {"GET", "/metrics", "Prometheus metrics", "Request counts and latencies, pool and job figures in the text exposition format."},
    {"GET", "/api/v1/openapi.json", "this description", "The OpenAPI 3 description generated from the route table, with each operation's access (x-access, x-permission)."},
    {"POST", "/api/v1/public/requests", "a request from the public form", "Name, phone or e-mail, equipment, description and consent; answers the number and the access code. Rate-limited per address."},
    {"GET", "/api/v1/public/status", "a request's public status", "number and code (the access code) → status, the public timeline; the same answer for a wrong number and a wrong code."},
    {"GET", "/api/v1/public/{entity}/status", "the public page of a record", "number and code → the record's public fields and public timeline, for entities that have a public view."},
    {"POST", "/api/v1/auth/login", "sign in", "login and password → a session cookie and the CSRF token; same-origin only; failed attempts are rate-limited."},
    {"POST", "/api/v1/auth/logout", "sign out", "Ends the session of the cookie or token."},
    {"GET", "/api/v1/auth/me", "the signed-in user", "The user, the role's permissions and the CSRF token."},
    {"GET", "/api/v1/meta", "what the UI needs to know", "Every resource with its fields, filters, workflow (states with their open/closed category, transitions), the roles and their permissions."},
    {"GET", "/api/v1/audit", "the audit log", "Entries newest first, filtered by entity, record_id, user_id, from, to; each with the person's login and current name."},
    {"GET", "/api/v1/tokens", "API tokens", "The caller's API tokens (never the secret)."},
    {"POST", "/api/v1/tokens", "create an API token", "Answers the secret once."},
    {"DELETE", "/api/v1/tokens/{id}", "revoke an API token", "The token stops working at once."},
    {"GET", "/api/v1/equipment_units/{id}/history", "a unit's change history", "The audit entries of the unit, newest first."},
    {"POST", "/api/v1/business_calendars/{id}/days", "load a production calendar", "A year of working days, holidays and shortened days into a business calendar."},
    {"GET", "/api/v1/requests/{id}/articles", "articles for a request", "Knowledge-base articles that match the request's equipment model and text."},
    {"POST", "/api/v1/consultations", "record a consultation", "A phone consultation taken and closed in one step: a request of type consultation with its answer."},
    {"GET", "/api/v1/desk/workload", "the workload board", "Each technician's and manager's open requests, by status, the overdue ones, the nearest deadline and the requests resolved in each of the last weeks."},
    {"GET", "/api/v1/notifications", "the caller's notifications", "Newest first; unread ones marked."},
    {"POST", "/api/v1/notifications/read", "mark notifications read", "ids, or all."},
    {"GET", "/api/v1/desk/counters", "the desk's badge counters", "Requests by status and by SLA state, the open ones past their deadline (overdue) and the caller's own open requests."},
    {"GET", "/api/v1/workshop/overdue", "warranty repairs past the legal deadline", "Open warranty repair orders whose legal_due (the claim's day + 45 calendar days, ЗоЗПП ст. 20) has passed, the longest overdue first, each with days_over; in the caller's branch scope."},
    {"GET", "/api/v1/repair_orders/{id}/qc", "an order's QC checklist and rounds", "The active checklist of the order's service type (null when it has none), the round being decided and every QC round so far, newest first, each with its checker, time, outcome, comment and item results."},
    {"POST", "/api/v1/repair_orders/{id}/qc", "record a QC round and pass or fail the order", "version, decision (pass or fail), comment, items [{item_id, passed, comment}]: every item of the checklist marked once; pass needs every required item passed, fail at least one failed item and a comment; by someone other than the order's technician. The round is recorded and qc_pass / qc_fail taken in one transaction; answers the order."},
    {"GET", "/api/v1/shipments/{id}/units", "a shipment's units", "Each unit's repair order, model, serial, fault, accessories and what came back (outcome, new serial, note, day)."},
    {"POST", "/api/v1/shipments/{id}/receive", "receive units of a shipment", "version, items [{item_id, outcome (repaired, replaced, refused), new_serial (replaced), note, to (in_repair or qc)}]: each order leaves at_vendor through its workflow with the outcome on its timeline; the shipment becomes received, or partially_received while units are out. One transaction; answers the shipment."},
    {"GET", "/api/v1/workshop/shipments/overdue", "shipments past their expected return", "Sent or partially received shipments whose expected_date has passed, the longest overdue first, with days_over and the units still out; in the caller's branch scope."},
    {"GET", "/api/v1/desk/sla-report", "SLA compliance", "Requests resolved in a period (from, to) met and breached, by assignee or queue."},
    {"GET", "/api/v1/attachments/{id}", "download a request's file", "The file with its stored type, as an attachment (the older address of a request's files; Range works)."},
    {"GET", "/api/v1/public/{entity}/files/{file}", "a file on a public page", "number and code as for the status page → a file of a public event of the record; 404 for an internal one."},
    {"POST", "/api/v1/public/requests/rating", "rate a resolved request", "number, code, rating (1–5) and an optional comment from the client; once per request; a low rating tells the managers."},
    {"GET", "/api/v1/reports/{name}", "a report", "A report of /api/v1/meta's list with its parameters (from, to, group, step); JSON, or a file with .csv / .xlsx or ?format=."},
    {"GET", "/api/v1/outbox", "messages to clients", "The outbox: waiting, sent and failed messages with their reasons (dead letters), newest first."},
    {"POST", "/api/v1/outbox/{id}/resend", "send a failed message again", "Queues a dead letter again with the same Message-ID; audited."},
    {"GET", "/api/v1/company", "the company's details", "Name, requisites, public address of the service, whether to apologise for SLA breaches."},
    {"PATCH", "/api/v1/company", "change the company's details", "The fields changed and the version read; audited."},
    {"POST", "/api/v1/message_templates/preview", "preview a message template", "A template's subject and body rendered with sample values; an unknown placeholder is named."},
    {"POST", "/api/v1/intake/email", "a request by e-mail", "One RFC 5322 message as the body: a new request, or a client's reply threaded into theirs by number."},
    {"POST", "/test/clock", "set the test clock", "Only with SERVITOR_TEST_CLOCK=1: moves the server's clock."},
    {"POST", "/test/jobs/run", "run a background job now", "Only with SERVITOR_TEST_CLOCK=1."},
    {"POST", "/api/v1/stock/postings", "post a stock movement", "A receipt, issue, sale, transfer, write-off, return or adjustment: kind, warehouse, lines (part, quantity in thousandths, unit cost); one immutable posting, balances changed in the same transaction."},
    {"GET", "/api/v1/stock/postings", "stock postings", "Postings newest first, filtered by kind, warehouse, document."},
    {"GET", "/api/v1/stock/postings/{id}", "one stock posting", "The posting with its movements."},
    {"POST", "/api/v1/stock/postings/{id}/receive", "receive a transfer", "The goods of a transfer in transit arrive at their warehouse."},
    {"POST", "/api/v1/stock/postings/{id}/reverse", "reverse a posting", "A new posting that undoes this one; movements are never edited or deleted."},
    {"POST", "/api/v1/stock/reserve", "reserve stock for a document", "doc_kind, doc_id, part, warehouse, quantity; 409 with the available quantity when there is not enough."},
    {"POST", "/api/v1/stock/release", "release a reservation", "What a document holds goes back to available."},
    {"POST", "/api/v1/stock/issue", "issue reserved stock", "A document's reservation leaves the warehouse as an issue movement."},
    {"GET", "/api/v1/stock/reservations", "reservations", "What documents hold, by part, warehouse or document."},
    {"GET", "/api/v1/stock/movements", "stock movements", "A part's (or a serial's) movements with a running balance, newest first."},
    {"GET", "/api/v1/stock/find", "find parts", "For a model, a unit or a request (compatible parts and their analogs), a barcode or words: availability per warehouse and price."},
    {"GET", "/api/v1/parts/{id}/stock", "a part's stock", "On hand, reserved and available per warehouse, with the moving-average cost."},
    {"GET", "/api/v1/warehouses/{id}/stock", "a warehouse's stock", "Its parts with on hand, reserved and available, and transfers on their way there."},
    {"GET", "/api/v1/stock_counts/{id}/lines", "a stock count's lines", "Book quantity at the count's start, counted quantity and the difference with its value."},
    {"POST", "/api/v1/stock_counts/{id}/lines", "enter counted quantities", "By barcode or part: a scan adds one, a typed quantity sets it."},
    {"POST", "/api/v1/stock_counts/{id}/post", "post a stock count", "The differences become one adjustment posting, applied to the stock as it is then."},
    {"POST", "/api/v1/stock_counts/{id}/cancel", "cancel a stock count", "A count with lines is cancelled, never deleted."},
    {"POST", "/api/v1/suppliers/{id}/price-import", "preview a price list import", "csv (text), csv_base64 (the file's bytes: UTF-8 or Windows-1251) or rows (a sheet's rows, the header first): each row matched to a part with its status new, changed, unchanged or error (line number, field, code) and a token; changes nothing."},
    {"POST", "/api/v1/suppliers/{id}/price-import/confirm", "import a price list", "The preview's body and its token: applies the new and changed rows in one transaction, replaced prices kept in the history; 409 when the file or the prices changed since the preview."},
    {"GET", "/api/v1/suppliers/{id}/prices", "a supplier's price list", "Its current prices with our part, by our SKU; q (words in either SKU or name), limit, offset; total."},
    {"GET", "/api/v1/suppliers/{id}/price-history", "a supplier's replaced prices", "Prices replaced by imports and edits, newest first; part_id for one part."},
    {"POST", "/api/v1/purchase_orders/from-suggestions", "draft purchase orders from replenishment suggestions", "items [{part_id, warehouse_id, qty, supplier_id?}]: one draft order per supplier and warehouse (no supplier: the cheapest active one), quantities raised to the minimum order and pack; parts nobody sells come back in unassigned."},
    {"GET", "/api/v1/purchase_orders/on-order", "quantities on order", "Per part and warehouse: ordered on sent and partially received orders and not yet received; warehouse_id, part_id to narrow."},
    {"GET", "/api/v1/purchase_orders/{id}/lines", "a purchase order's lines", "Each line with its part and barcodes, ordered, received and open quantities; the order's receipts and returns."},
    {"POST", "/api/v1/purchase_orders/{id}/lines", "set a draft purchase order's lines", "version and lines [{part_id or barcode, qty, price?, vat?}] (price: the supplier's current one when absent); replaces every line and the totals."},
    {"POST", "/api/v1/purchase_orders/{id}/receive", "receive goods against a purchase order", "version and lines [{part_id or barcode, qty, serials?}]: one receipt posting at the order's prices without VAT; 409 over_delivery naming the line and its open quantity unless accept_over with an over_reason."},
    {"GET", "/api/v1/supplier_returns/{id}/lines", "a return's lines", "What went back to the supplier, at the cost it left the stock."},
    {"POST", "/api/v1/supplier_returns/{id}/post", "post a return to a supplier", "version and lines [{part_id or barcode, qty}]: one return_out posting; with an order, no more than came with it."},
    {"GET", "/api/v1/suppliers/{id}/scorecard", "a supplier's scorecard", "from, to (dates; the last 365 days by default): orders received on time, lead time seen (average, median), price changes, defect returns."},
    /* generic routes: {entity} is the resource, {transition} the transition */
    {"GET", "/api/v1/:entity", "list {entity}", "A page of records: q (search), filters by field (comma for several values), sort (-field for descending), limit, cursor."},
    {"POST", "/api/v1/:entity", "create a record of {entity}", "The record's fields; answers it with its id and version (201, Location)."},
    {"POST", "/api/v1/:entity/bulk/:name", "take {transition} on many {entity}", "items: [{id, version}…] and the transition's parameters; each record in its own transaction, each outcome answered."},
    {"GET", "/api/v1/:entity/:id", "read one record of {entity}", "The record with the labels of its references; for records with a workflow, the transitions the caller may take now."},
    {"PATCH", "/api/v1/:entity/:id", "update a record of {entity}", "The changed fields and the version read (or If-Match); 409 when someone changed it since."},
    {"DELETE", "/api/v1/:entity/:id", "delete a record of {entity}", "With the version read; 409 naming the records that refer to it when it is still in use."},
    {"POST", "/api/v1/:entity/:id/transitions/:name", "{transition} (a transition of {entity})", "The version read and the transition's parameters; the record after it. Only from the states the workflow allows."},
    {"GET", "/api/v1/:entity/:id/timeline", "the timeline of a record of {entity}", "Events, replies and notes, oldest first."},
    {"POST", "/api/v1/:entity/:id/comments", "a reply or a note on a record of {entity}", "body and public (true: a reply the client sees; false: an internal note)."},
    {"POST", "/api/v1/:entity/:id/attachments", "attach a file to a record of {entity}", "The body is the file (name in ?name=, ?public=1 to show it to the client); size and type are checked."},
    {"GET", "/api/v1/:entity/:id/attachments", "the files of a record of {entity}", "Name, size, type and who attached each file."},
    {"GET", "/api/v1/:entity/:id/attachments/:file", "download a file of a record of {entity}", "The file with its stored type, as an attachment; Range gives a part."},
    {"GET", "/api/v1/:entity/:id/documents/:doc.pdf", "a printed document of a record of {entity}", "A PDF of the record (its documents are listed in /api/v1/meta): the request card, the equipment intake act."},
    {0},
};
/* clang-format on */

const struct route_doc *route_doc(const char *method, const char *pattern)
{
    for (const struct route_doc *d = docs; d->method; d++)
        if (!strcmp(d->method, method) && !strcmp(d->pattern, pattern))
            return d;
    return NULL;
}
