/* orders.h — purchase orders (domain layer): orders to a supplier for a
 * warehouse with their lines and workflow (draft → sent →
 * partially_received → received → closed, or cancelled), goods received
 * against an order (each receipt a stock posting with the order as its
 * document, partial receipts, over-delivery only when accepted with a
 * reason), returns to a supplier (a posting of supplier-return movements),
 * the supplier scorecard, draft orders made from replenishment suggestions
 * and the quantity on order per part and warehouse.
 *
 * Money is integer kopecks, quantities integer thousandths of the part's
 * unit. A line's price includes VAT when its order's prices_with_vat does
 * (the supplier's setting when the order was made); goods come into stock
 * at the price without VAT. */
#ifndef SERVITOR_PURCHASE_ORDERS_H
#define SERVITOR_PURCHASE_ORDERS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/entity.h"
#include "core/workflow.h"

extern const struct entity entity_purchase_orders;
extern const struct entity entity_supplier_returns;
extern const struct workflow purchase_order_workflow;

/* The states of an order: X(id, name); open (still to come) first. */
#define PO_STATES(X)                                                                               \
    X(POS_DRAFT, "draft", STATE_OPEN)                                                              \
    X(POS_SENT, "sent", STATE_OPEN)                                                                \
    X(POS_PARTIAL, "partially_received", STATE_OPEN)                                               \
    X(POS_RECEIVED, "received", STATE_CLOSED)                                                      \
    X(POS_CLOSED, "closed", STATE_CLOSED)                                                          \
    X(POS_CANCELLED, "cancelled", STATE_CLOSED)

enum po_state {
#define X(id, name, cat) id,
    PO_STATES(X)
#undef X
        POS__COUNT
};

/* The fields of an order, in the order of its table (orders.c). */
enum po_field {
    PO_NUMBER,
    PO_STATUS,
    PO_SUPPLIER_ID,
    PO_WAREHOUSE_ID,
    PO_BRANCH_ID,
    PO_EXPECTED_DATE,
    PO_PRICES_WITH_VAT,
    PO_SUPPLIER_REF,
    PO_NOTES,
    PO_TOTAL,
    PO_VAT_TOTAL,
    PO_SENT_AT,
    PO_RECEIVED_AT,
    PO_CLOSED_AT,
    PO__COUNT
};

enum supplier_return_field {
    SR_NUMBER,
    SR_STATUS,
    SR_SUPPLIER_ID,
    SR_PO_ID,
    SR_WAREHOUSE_ID,
    SR_BRANCH_ID,
    SR_REASON,
    SR_NOTES,
    SR_POSTED_AT,
    SR_POSTING_ID,
    SR__COUNT
};

/* The most lines an order or a return has. */
#define PO_MAX_LINES 500

/* A line as given: price < 0 takes the supplier's current price (or the
 * part's purchase price), vat NULL the part's rate. */
struct po_line_in {
    int64_t part_id, qty, price;
    const char *vat;
};

/* Replaces the lines of a draft order at version (a stale one is
 * ERR_CONFLICT), recomputing its totals; ERR_INVALID naming lines.N.<field>
 * (part_id: not_found, duplicate; qty: must_be_positive; price;
 * vat); ERR_CONFLICT when the order is not a draft. *out: the order after. */
enum err_code po_set_lines(struct ctx *cx, int64_t po_id, int64_t version,
                           const struct po_line_in *lines, int n, struct record **out);

/* The lines of an order with their part (sku, name, unit, barcodes),
 * ordered, received and open quantities, and its receipts and returns:
 * {items, receipts, returns}. ERR_NOTFOUND for an order the user does not
 * see. */
enum err_code po_lines_json(struct ctx *cx, int64_t po_id, json_t **out);

/* Goods received against an order: one receipt posting (doc_kind
 * purchase_order) of every line at the order's price without VAT, in one
 * transaction with the received quantities and the order's status
 * (partially_received, or received when nothing is left open). A part not
 * ordered is ERR_INVALID (lines.N.part_id: not_ordered); more than is still
 * open is ERR_CONFLICT (lines.N.qty: over_delivery, with "open") unless
 * accept_over, which needs purchasing.write and a reason; an order that is
 * not sent or partially received, or a stale version, is ERR_CONFLICT. */
struct po_receipt_line {
    int64_t part_id, qty;
    const char *const *serials; /* serialized goods: one per piece */
    int nserials;
};
enum err_code po_receive(struct ctx *cx, int64_t po_id, int64_t version,
                         const struct po_receipt_line *lines, int n, bool accept_over,
                         const char *over_reason, int64_t *posting_id, struct record **out);

/* Posts a draft return to its supplier at version: one return_out posting
 * (doc_kind supplier_return) of its lines at the moving-average cost; with
 * an order, each part must have come with it and no more than came is
 * returned (lines.N.qty: more_than_received). */
enum err_code supplier_return_post(struct ctx *cx, int64_t id, int64_t version,
                                   const struct po_receipt_line *lines, int n, int64_t *posting_id,
                                   struct record **out);
/* A return's lines: {items: [{part_id, sku, name, unit, qty, unit_cost}]}. */
enum err_code supplier_return_lines(struct ctx *cx, int64_t id, json_t **out);

/* A supplier's scorecard over [from, to] (dates; inclusive): orders fully
 * received in the period, the share received by their expected date, the
 * days from sending to fully received (average, median), the price
 * changes of the period (count, average % change) and the share of the
 * quantity received in the period returned as defective. */
enum err_code purchasing_scorecard(struct ctx *cx, int64_t supplier_id, const char *from,
                                   const char *to, json_t **out);

/* ---- replenishment ---- */

/* One suggestion: order qty of a part for a warehouse, from the supplier
 * (0: the one with the lowest current price). */
struct po_suggestion {
    int64_t part_id, warehouse_id, qty, supplier_id;
};
/* Makes draft orders from suggestions, one per supplier and warehouse, in
 * one transaction: {orders: [{id, number, supplier_id, warehouse_id,
 * lines}], unassigned: [{index, part_id, warehouse_id, qty, reason}]} —
 * parts no active supplier sells are reported, not dropped. Quantities are
 * raised to the supplier's minimum order and pack. ERR_INVALID naming
 * items.N.<field> for a bad suggestion. */
enum err_code po_from_suggestions(struct ctx *cx, const struct po_suggestion *s, int n,
                                  json_t **out);

/* What is on order and not yet received of a part in a warehouse: the open
 * quantities of the lines of sent and partially received orders. */
enum err_code po_on_order(struct ctx *cx, int64_t part_id, int64_t warehouse_id, int64_t *qty);
/* The same for every part of a warehouse (0: every warehouse) at once:
 * each (part, warehouse, qty > 0) to fn. */
enum err_code po_on_order_each(struct ctx *cx, int64_t warehouse_id,
                               void (*fn)(int64_t part_id, int64_t warehouse_id, int64_t qty,
                                          void *arg),
                               void *arg);

/* ---- for the area's files ---- */

/* An order's head, locked (FOR UPDATE) after checking the user sees it;
 * ERR_NOTFOUND otherwise. */
struct po_head {
    int64_t version, supplier_id, warehouse_id;
    const char *status;
    bool with_vat;
};
enum err_code po_lock(struct ctx *cx, int64_t id, struct po_head *h);

/* ---- arithmetic (pure) ---- */

/* The VAT rate in percent of "20", "10", "0", "none" (0). */
int po_vat_percent(const char *vat);
/* A line's VAT: of amount with VAT inside it (with_vat) or on top. */
int64_t po_vat_of(int64_t amount, int percent, bool with_vat);
/* A price without its VAT, rounded. */
int64_t po_net_price(int64_t price, int percent, bool with_vat);

#endif
