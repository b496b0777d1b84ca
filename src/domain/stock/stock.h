/* stock.h — the warehouse (domain layer): the parts catalog (parts, their
 * barcodes, compatible equipment models and analogs), warehouses and bins,
 * the stock ledger, reservations for documents and stock counts.
 *
 * The ledger: every change of stock is a posting (a numbered header: kind,
 * warehouse, the document it serves, who) with one movement per part (and
 * per piece of serialized goods). Movements are never changed or deleted; a
 * mistake is undone by reversing the posting. Balances per part and
 * warehouse (on hand, reserved, in transit, value at moving-average cost)
 * are kept by the same transaction that writes the movements;
 * stock_verify recomputes them from the ledger.
 *
 * Documents: anything that reserves and takes stock — a request today, a
 * repair order or a sales order tomorrow — is a (doc_kind, doc_id) pair of
 * STOCK_DOC_KINDS; it calls stock_reserve, stock_release, stock_release_doc
 * and stock_issue, and needs nothing else from this area.
 *
 * Quantities are integers in thousandths of the part's unit (1 piece =
 * 1000); money is integer kopecks. */
#ifndef SERVITOR_STOCK_H
#define SERVITOR_STOCK_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/entity.h"
#include "core/report.h"

extern const struct entity entity_parts;
extern const struct entity entity_part_barcodes;
extern const struct entity entity_part_models;
extern const struct entity entity_part_analogs;
extern const struct entity entity_warehouses;
extern const struct entity entity_bins;
extern const struct entity entity_stock_counts;
extern const struct entity entity_stock_rules;
extern const struct report report_stock_on_hand;
extern const struct report report_stock_history;
extern const struct report report_stock_shortages;
extern const struct report report_stock_idle;
extern const struct report report_stock_consumption;
extern const struct report report_stock_forecast;

/* The largest quantity of one line (a million units) and unit cost (a
 * billion roubles): their products stay far inside 128 bits. */
#define STOCK_QTY_MAX  1000000000LL
#define STOCK_COST_MAX 100000000000LL

/* The kinds of movement: what the ledger's rows are. */
#define STOCK_MOVE_KINDS(X)                                                                        \
    X(SM_RECEIPT, "receipt")           /* goods arrive (from a supplier, or without a document) */ \
    X(SM_ISSUE, "issue")               /* goods leave for a document (a request, a repair) */      \
    X(SM_SALE, "sale")                 /* goods sold */                                            \
    X(SM_WRITE_OFF, "write_off")       /* scrapped, lost: with a reason */                         \
    X(SM_TRANSFER_OUT, "transfer_out") /* sent to another warehouse: in transit there */           \
    X(SM_TRANSFER_IN, "transfer_in")   /* arrived from another warehouse */                        \
    X(SM_ADJUSTMENT, "adjustment")     /* a stock count's difference */                            \
    X(SM_RETURN_IN, "return_in")       /* returned by a client */                                  \
    X(SM_RETURN_OUT, "return_out")     /* returned to a supplier */                                \
    X(SM_REVERSAL, "reversal")         /* undoes another movement */

enum stock_move_kind {
#define X(id, name) id,
    STOCK_MOVE_KINDS(X)
#undef X
        SM__COUNT
};
extern const char *const stock_move_kinds[]; /* NULL-terminated, by enum */

/* The kinds of posting people make (counts make adjustments, reversals
 * reversals): each with the movement kind of its lines and whether goods
 * come in. */
struct stock_posting_kind {
    const char *name;
    enum stock_move_kind move;
    bool incoming;
};
extern const struct stock_posting_kind stock_posting_kinds[]; /* ends with a zeroed entry */
const struct stock_posting_kind *stock_posting_kind(const char *name);

/* The documents that may reserve and take stock: their kind and the table
 * their id is in. A new kind of document (repair orders, sales orders) is a
 * line here. */
struct stock_doc_kind {
    const char *name;  /* "request" */
    const char *table; /* "requests" */
};
extern const struct stock_doc_kind stock_doc_kinds[]; /* ends with a zeroed entry */

/* VAT rates a part may have, from SERVITOR_VAT_RATES ("22,20,10,0,none"):
 * NULL-terminated, read once. */
extern const char *const *stock_vat_rates;
/* The same array, for a descriptor's enum (filled before main). */
extern const char *stock_vat_list[];

/* ---- moving-average cost (pure arithmetic) ---- */

/* The value in kopecks of qty thousandths at unit_cost kopecks per unit,
 * rounded half away from zero. */
int64_t stock_value_of(int64_t qty, int64_t unit_cost);
/* The value that leaves with qty of on_hand worth value: its share,
 * rounded; all of it when qty is all of on_hand, so nothing is left
 * behind. 0 < qty <= on_hand. */
int64_t stock_value_out(int64_t on_hand, int64_t value, int64_t qty);
/* Kopecks per unit of on_hand worth value (0 when nothing is on hand). */
int64_t stock_unit_cost(int64_t on_hand, int64_t value);

/* ---- the ledger ---- */

struct stock_line {
    int64_t part_id;
    int64_t qty;                /* thousandths, > 0 (counts: signed) */
    int64_t unit_cost;          /* kopecks per unit: receipts (0: the part's purchase price) */
    const char *const *serials; /* serialized goods: one per piece, qty/1000 of them */
    int nserials;
};

struct stock_posting_in {
    const char *kind; /* of stock_posting_kinds */
    int64_t warehouse_id;
    int64_t to_warehouse_id; /* transfers */
    const char *doc_kind;    /* NULL: no document */
    int64_t doc_id;
    const char *reason; /* write-offs: required */
    struct stock_line *lines;
    int nlines;
};

/* Posts a change of stock in one transaction (its own, or the caller's):
 * the posting, its movements, the balances and the moving-average cost; an
 * outgoing posting for a document takes that document's reservation first.
 * ERR_INVALID with the field named (lines.N.qty: must_be_positive,
 * insufficient; warehouse_id: not_found, out_of_scope, inactive;
 * to_warehouse_id: same_warehouse; reason: required; lines.N.serials…);
 * ERR_CONFLICT (409) when there is not enough available, with the field
 * lines.N.qty and "available" the quantity there is. Nothing is changed on
 * any error. *posting_id gets the new posting. */
enum err_code stock_post(struct ctx *cx, const struct stock_posting_in *in, int64_t *posting_id);

/* Takes in the goods of a transfer at its destination. ERR_NOTFOUND,
 * ERR_CONFLICT when it is not in transit. */
enum err_code stock_receive_transfer(struct ctx *cx, int64_t posting_id);

/* Undoes a posting with a reversal posting (a transfer only while in
 * transit). ERR_CONFLICT when it was reversed already, is a reversal, or
 * its goods are no longer there to take back. */
enum err_code stock_reverse(struct ctx *cx, int64_t posting_id, int64_t *reversal_id);

/* ---- reservations for documents ---- */

/* Promises qty of a part in a warehouse to a document (adding to what it
 * holds). Available never goes below zero, whoever reserves at once:
 * ERR_CONFLICT with field qty and "available" when there is too little;
 * ERR_INVALID for a bad quantity, document, part or warehouse. */
enum err_code stock_reserve(struct ctx *cx, const char *doc_kind, int64_t doc_id, int64_t part_id,
                            int64_t warehouse_id, int64_t qty);
/* Gives back qty of what the document holds (0: all of it). ERR_NOTFOUND
 * when it holds nothing there; ERR_INVALID when qty is more than it holds. */
enum err_code stock_release(struct ctx *cx, const char *doc_kind, int64_t doc_id, int64_t part_id,
                            int64_t warehouse_id, int64_t qty);
/* Gives back everything a document holds (it was cancelled). */
enum err_code stock_release_doc(struct ctx *cx, const char *doc_kind, int64_t doc_id);
/* Issues qty to a document (kind "issue" or "sale"): its reservation is
 * taken first, the rest must be available. The posting's id in *posting_id. */
enum err_code stock_issue(struct ctx *cx, const char *kind, const char *doc_kind, int64_t doc_id,
                          int64_t part_id, int64_t warehouse_id, int64_t qty, int64_t *posting_id);

/* ---- checking the ledger ---- */

struct stock_diff {
    int64_t part_id, warehouse_id;
    const char *what; /* on_hand, reserved, in_transit, value, negative, over_reserved */
    int64_t kept, ledger;
};
/* Recomputes every balance from the movements and reservations and calls
 * out for each difference; *ndiff counts them. */
enum err_code stock_verify(struct ctx *cx, void (*out)(const struct stock_diff *d, void *arg),
                           void *arg, int64_t *nbalances, int64_t *ndiff);

/* ---- stock counts ---- */

/* Enters a counted quantity for a part (add: to what was counted so far,
 * as each scan does; else set). A part not on the sheet is added with a
 * book quantity of its balance when the count began… (0: it had none). */
enum err_code stock_count_enter(struct ctx *cx, int64_t count_id, int64_t part_id, int64_t qty,
                                bool add);
/* Posts a count: one adjustment posting with a movement per difference,
 * applied to the stock as it is now (movements during the count are kept:
 * the difference is counted − book at the start). ERR_CONFLICT when not
 * open or when an adjustment would take more than is available. */
enum err_code stock_count_post(struct ctx *cx, int64_t count_id, int64_t *posting_id);
/* Drops an open count: nothing posted. */
enum err_code stock_count_cancel(struct ctx *cx, int64_t count_id);

/* For the area's own documents (counts): a new posting of kind for wh
 * (status done), and one difference applied to the stock as it is now —
 * added at unit_cost, or taken out at the moving-average cost (ERR_CONFLICT
 * naming field when not that much is available). Inside the caller's
 * transaction. */
enum err_code stock_posting_new(struct ctx *cx, const char *kind, int64_t wh, const char *doc_kind,
                                int64_t doc_id, int64_t *id);
enum err_code stock_adjust(struct ctx *cx, int64_t posting_id, const char *doc_kind, int64_t doc_id,
                           int64_t part, int64_t wh, int64_t delta, int64_t unit_cost,
                           const char *field);

/* Writes a posting with its movements to the audit log under action (post,
 * receive, reverse): the ledger's writes are in the tamper-evident chain. */
enum err_code stock_posting_audit(struct ctx *cx, int64_t id, const char *action);

/* ---- finding a part ---- */

/* The part a barcode names; *part_id 0 when none. */
enum err_code stock_barcode_part(struct ctx *cx, const char *barcode, int64_t *part_id);

/* ---- views (views.c): what the API shows, as JSON ---- */

/* A posting with its movements; NULL with *rc when missing or another
 * branch's (for a user who works in one). */
json_t *stock_posting_json(struct ctx *cx, int64_t id, enum err_code *rc);
/* The posting must be visible before it is changed: another branch's is 404. */
enum err_code stock_posting_visible(struct ctx *cx, int64_t id);
/* Postings, newest first (each as stock_posting_json): from or to
 * warehouse wh (0: any), of status and kind (NULL: any), at most limit;
 * the caller's branch's when they work in one. */
enum err_code stock_postings_list(struct ctx *cx, int64_t wh, const char *status, const char *kind,
                                  int64_t limit, json_t **items);
/* The reservations of a document, or of a part, the caller sees (≤ 500);
 * NULL with *rc on failure. */
json_t *stock_doc_reservations(struct ctx *cx, const char *doc_kind, int64_t doc_id,
                               enum err_code *rc);
json_t *stock_part_reservations(struct ctx *cx, int64_t part_id, enum err_code *rc);
/* A part's stock per warehouse the user sees: [{warehouse_id, warehouse,
 * on_hand, reserved, available, in_transit, unit_cost}]; *available sums
 * what is available. NULL with *rc on failure. */
json_t *stock_part_balances(struct ctx *cx, int64_t part, int64_t *available, enum err_code *rc);

/* The ledger's filter: 0 / NULL for any; before: an id (the next page). */
struct stock_movements_q {
    int64_t part_id, warehouse_id, doc_id, before, serial_id;
    const char *doc_kind;
    int64_t limit; /* 1..200 */
};
/* The ledger, newest first: {items, next_before}. */
enum err_code stock_movements_list(struct ctx *cx, const struct stock_movements_q *q, json_t **out);
/* A part's page: the part, its stock per warehouse, barcodes, compatible
 * models, analogs (both ways), reservations and serials in stock. */
enum err_code stock_part_view(struct ctx *cx, int64_t part_id, json_t **out);
/* A warehouse's stock: every part it has or holds, by SKU. */
enum err_code stock_warehouse_view(struct ctx *cx, int64_t warehouse_id, json_t **out);
/* The model of a unit, or of a request (its unit's), when *model is 0
 * (left 0 when none). */
enum err_code stock_find_model(struct ctx *cx, int64_t unit_id, int64_t request_id, int64_t *model);
/* Finding the right part: by words or a barcode (q), what fits a model,
 * or both: {model, items}. ERR_MALFORMED when given neither. */
enum err_code stock_find(struct ctx *cx, const char *q, int64_t model, json_t **out);
/* A count's lines with their differences: {items, surplus_value,
 * shortage_value}. */
enum err_code stock_count_lines(struct ctx *cx, int64_t count_id, json_t **out);
/* One line of a count: its book quantity and what was counted. */
enum err_code stock_count_line(struct ctx *cx, int64_t count_id, int64_t part_id, int64_t *book_qty,
                               int64_t *counted);

/* The fields of a part, in the order of its table (catalog.c). */
enum part_field {
    PART_SKU,
    PART_NAME,
    PART_BRAND,
    PART_UNIT,
    PART_CATEGORY,
    PART_PURCHASE_PRICE,
    PART_SALE_PRICE,
    PART_VAT,
    PART_SERIAL_TRACKED,
    PART_NOTES,
    PART__COUNT
};

enum barcode_field { BARCODE_PART_ID, BARCODE_BARCODE, BARCODE__COUNT };
enum part_model_field { PM_PART_ID, PM_MODEL_ID, PM__COUNT };
enum analog_field { ANALOG_PART_ID, ANALOG_ANALOG_ID, ANALOG_NOTE, ANALOG__COUNT };
enum warehouse_field {
    WAREHOUSE_NAME,
    WAREHOUSE_BRANCH_ID,
    WAREHOUSE_ADDRESS,
    WAREHOUSE_ACTIVE,
    WAREHOUSE__COUNT
};
enum bin_field { BIN_WAREHOUSE_ID, BIN_CODE, BIN_NOTES, BIN__COUNT };
enum count_field {
    COUNT_NUMBER,
    COUNT_WAREHOUSE_ID,
    COUNT_BRANCH_ID,
    COUNT_CATEGORY,
    COUNT_STATUS,
    COUNT_NOTES,
    COUNT_POSTED_AT,
    COUNT_POSTING_ID,
    COUNT__COUNT
};

/* ---- replenishment (replenish.c) ---- */

enum stock_rule_field {
    SRULE_PART_ID,
    SRULE_WAREHOUSE_ID,
    SRULE_MIN_QTY,
    SRULE_MAX_QTY,
    SRULE_LEAD_TIME,
    SRULE__COUNT
};

/* Weeks of consumption history a run looks at (two seasons). */
#define REPLENISH_WEEKS_MAX 104

struct replenish_q {
    int64_t warehouse_id;
    int64_t part_id;      /* 0: every part */
    double service_level; /* 0.5..0.9999 */
    int lead_days;        /* for parts without a lead time of their own */
    int review_days;      /* how often orders are placed */
    bool all;             /* also the parts that need no order */
};
/* 95 %, SERVITOR_STOCK_LEAD_DAYS, SERVITOR_STOCK_REVIEW_DAYS. */
void replenish_q_default(struct replenish_q *q);

struct replenish_stats {
    int64_t parts;         /* with a balance or a rule at the warehouse */
    int64_t evaluated;     /* with consumption or a min/max rule */
    int64_t suggested;     /* an order is due */
    int64_t movement_days; /* (part, day) rows read from the ledger */
};

/* The run for one warehouse the user sees: {warehouse_id, warehouse,
 * service_level, …, items: [{part_id, sku, name, unit, on_hand, reserved,
 * on_order, accepted_qty, position, rule (minmax|forecast), suggested_qty,
 * reorder_point, order_up_to, safety_stock, lead_time_days, history (weekly
 * consumption, oldest first), history_start, forecast: {model, weeks, mape,
 * mase, backtest, …} or null}]} — the parts where an order is due (q->all:
 * every part evaluated), by part id. One read of the ledger grouped by part
 * and day; ERR_NOTFOUND for a warehouse not seen. */
enum err_code stock_replenishment(struct ctx *cx, const struct replenish_q *q, json_t **out,
                                  struct replenish_stats *stats);

/* An accepted suggestion: what a purchase order module takes. */
struct replenish_line {
    int64_t id;
    int64_t part_id, warehouse_id;
    int64_t qty;           /* thousandths to order */
    int64_t suggested_qty; /* what the run said */
    const char *rule;      /* minmax, forecast, manual */
    int64_t supplier_id;   /* 0: not chosen yet */
    const char *created_at;
};
/* Keeps the accepted suggestions of a warehouse (status accepted): a part
 * accepted again replaces its waiting line. ERR_INVALID naming lines.N.qty
 * (≤ 0), lines.N.part_id (no such part), lines.N.rule; nothing kept then. */
enum err_code stock_replenish_accept(struct ctx *cx, int64_t warehouse_id,
                                     const struct replenish_line *lines, int n);
/* The accepted lines waiting for an order (warehouse 0: all the user's
 * branch sees), oldest first; arena-owned. */
enum err_code stock_replenish_open(struct ctx *cx, int64_t warehouse_id,
                                   struct replenish_line **lines, int *n);
/* A document took the line (doc_kind "purchase_order": status ordered), or
 * doc_kind NULL: dropped. ERR_CONFLICT when it is not waiting. Inside the
 * caller's transaction when there is one. */
enum err_code stock_replenish_take(struct ctx *cx, int64_t line_id, const char *doc_kind,
                                   int64_t doc_id);

/* On order: the purchase order module sets this to add its open
 * quantities, calling put(part, qty, arg) per part at the warehouse (0 for
 * everything until purchase orders exist). */
typedef enum err_code stock_on_order_fn(struct ctx *cx, int64_t warehouse_id,
                                        void (*put)(int64_t part, int64_t qty, void *arg),
                                        void *arg);
extern stock_on_order_fn *stock_on_order_hook;

#endif
