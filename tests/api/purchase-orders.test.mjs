// purchase-orders.test.mjs — purchase orders over HTTP: the workflow and its
// guards (only drafts edited, send needs a line, cancel only before goods
// came), prices from the supplier's list, partial receipts then the rest,
// over-delivery refused (naming the line and what is open) or accepted with
// a reason, receipts on cancelled/closed orders and stale versions refused,
// the moving-average cost from the order's price, returns to the supplier,
// the scorecard against hand-computed numbers (the test clock sets the
// days), draft orders from replenishment suggestions, the quantity on
// order, and `servitor stock verify` clean after all of it.
// Runs on SQLite and (SERVITOR_TEST_DB=postgres) PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError, assertFields, uid, freshInn, runCli } from './harness.mjs';
import { testClock, TEST_CLOCK_ENV } from '../lib.mjs';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const srv = useServer({ env: TEST_CLOCK_ENV });
const U = 1000;

let admin, store, sales, auditor, wh, wh2;
before(async () => {
  [admin, store, sales, auditor] = await Promise.all(['admin', 'storekeeper', 'sales', 'auditor'].map((r) => srv.as(r)));
  const list = (await srv.request('GET', '/api/v1/warehouses?sort=id', { as: admin })).json.items;
  [wh, wh2] = list;
  assert.ok(wh && wh2, 'two demo warehouses');
});
after(async () => { await testClock(srv.base, { now: new Date().toISOString().slice(0, 19) + 'Z' }).catch(() => {}); });

async function supplier(extra = {}) {
  const r = await srv.request('POST', '/api/v1/suppliers', { as: store, body: { name: 'ООО «Снаб ' + uid() + '»', inn: freshInn(10), lead_days: 5, prices_with_vat: false, ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function part(extra = {}) {
  const r = await srv.request('POST', '/api/v1/parts', { as: admin, body: { sku: 'PO-' + uid(), name: 'Деталь ' + uid(), purchase_price: 10000, sale_price: 15000, vat: '20', ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function price(s, p, extra = {}) {
  const r = await srv.request('POST', '/api/v1/supplier_prices', { as: store, body: { supplier_id: s.id, part_id: p.id, supplier_sku: 'S-' + uid(), price: 10000, vat_included: false, ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function order(s, extra = {}, as = store) {
  const r = await srv.request('POST', '/api/v1/purchase_orders', { as, body: { supplier_id: s.id, warehouse_id: wh.id, ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const setLines = (po, lines, version = po.version, as = store) =>
  srv.request('POST', `/api/v1/purchase_orders/${po.id}/lines`, { as, body: { version, lines } });
async function withLines(po, lines) {
  const r = await setLines(po, lines);
  assert.equal(r.status, 200, r.text);
  return r.json;
}
const act = (po, name, as = store) =>
  srv.request('POST', `/api/v1/purchase_orders/${po.id}/transitions/${name}`, { as, body: { version: po.version } });
async function acted(po, name) {
  const r = await act(po, name);
  assert.equal(r.status, 200, r.text);
  return r.json;
}
const receive = (po, lines, extra = {}, as = store) =>
  srv.request('POST', `/api/v1/purchase_orders/${po.id}/receive`, { as, body: { version: po.version, lines, ...extra } });
async function received(po, lines, extra) {
  const r = await receive(po, lines, extra);
  assert.equal(r.status, 201, r.text);
  return r.json.order;
}
async function lines(po) {
  const r = await srv.request('GET', `/api/v1/purchase_orders/${po.id}/lines`, { as: sales });
  assert.equal(r.status, 200, r.text);
  return r.json;
}
async function stockOf(p, w = wh) {
  const r = await srv.request('GET', `/api/v1/parts/${p.id}/stock`, { as: admin });
  assert.equal(r.status, 200, r.text);
  return r.json.stock.find((s) => s.warehouse_id === w.id) ?? { on_hand: 0, unit_cost: 0, value: 0 };
}
async function sentOrder(s, ls) {
  const po = await withLines(await order(s), ls);
  return acted(po, 'send');
}

test('the workflow: a draft gets lines priced from the supplier, is sent, and only then is it frozen', async () => {
  const s = await supplier();
  const [a, b] = [await part(), await part({ vat: '10' })];
  const pa = await price(s, a, { price: 12345 });
  const po = await order(s);
  assert.match(po.number, /^ПЗ-\d{4}-\d{6}$/);
  assert.equal(po.status, 'draft');
  assert.equal(po.branch_id, wh.branch_id);
  assert.equal(po.prices_with_vat, false);
  const due = new Date(Date.now() + 5 * 86400e3).toISOString().slice(0, 10);
  assert.ok(Math.abs(Date.parse(po.expected_date) - Date.parse(due)) <= 86400e3, `expected in the lead time: ${po.expected_date}`);
  // send needs a line
  assertError(await act(po, 'send'), 409);
  // bad lines: nothing changes
  assertFields(await setLines(po, [{ part_id: a.id, qty: 0 }]), { 'lines.0.qty': 'must_be_positive' });
  assertFields(await setLines(po, [{ part_id: a.id, qty: U }, { part_id: a.id, qty: U }]), { 'lines.1.part_id': 'duplicate' });
  assertFields(await setLines(po, [{ part_id: 99999999, qty: U }]), { 'lines.0.part_id': 'not_found' });
  assertFields(await setLines(po, [{ part_id: a.id, qty: U, vat: '17' }]), { 'lines.0.vat': 'invalid' });
  assertFields(await setLines(po, [{ barcode: 'no-such-' + uid(), qty: U }]), { 'lines.0.barcode': 'not_found' });
  assertError(await setLines(po, [{ part_id: a.id, qty: U }], po.version + 1), 409);
  assertError(await setLines(po, [{ part_id: a.id, qty: U }], po.version, sales), 403);
  assert.equal((await lines(po)).items.length, 0);
  // the supplier's price by default, the part's purchase price without one, VAT on top
  const d = await withLines(po, [{ part_id: a.id, qty: 3 * U }, { part_id: b.id, qty: 2500, price: 20000 }]);
  const l = (await lines(po)).items;
  assert.deepEqual(l.map((x) => [x.line_no, x.part_id, x.qty, x.price, x.vat, x.amount, x.vat_amount, x.received_qty, x.open_qty]),
    [[1, a.id, 3 * U, 12345, '20', 37035, 7407, 0, 3 * U], [2, b.id, 2500, 20000, '10', 50000, 5000, 0, 2500]]);
  assert.equal(l[0].supplier_sku, pa.supplier_sku);
  assert.equal(l[1].supplier_sku, null);
  assert.equal(d.total, 37035 + 50000 + 7407 + 5000);
  assert.equal(d.vat_total, 7407 + 5000);
  // the record's transitions: the UI's buttons
  const got = (await srv.request('GET', `/api/v1/purchase_orders/${po.id}`, { as: store })).json;
  assert.deepEqual(got.transitions.map((t) => t.name).sort(), ['cancel', 'send']);
  assert.deepEqual((await srv.request('GET', `/api/v1/purchase_orders/${po.id}`, { as: auditor })).json.transitions, []);
  const sent = await acted(d, 'send');
  assert.equal(sent.status, 'sent');
  assert.ok(sent.sent_at);
  // frozen: lines, the expected date; notes still change
  assertError(await setLines(sent, [{ part_id: a.id, qty: U }]), 409);
  assertError(await srv.request('PATCH', `/api/v1/purchase_orders/${po.id}`, { as: store, body: { version: sent.version, expected_date: '2030-01-01' } }), 409);
  const noted = await srv.request('PATCH', `/api/v1/purchase_orders/${po.id}`, { as: store, body: { version: sent.version, notes: 'звонили, отгрузка в пятницу' } });
  assert.equal(noted.status, 200, noted.text);
  assertError(await srv.request('DELETE', `/api/v1/purchase_orders/${po.id}?version=${noted.json.version}`, { as: store }), 409);
  // back to a draft and cancelled: nothing came
  const back = await acted(noted.json, 'to_draft');
  assert.equal(back.status, 'draft');
  const cancelled = await acted(back, 'cancel');
  assert.equal(cancelled.status, 'cancelled');
  assertError(await receive(cancelled, [{ part_id: a.id, qty: U }]), 409);
  // the timeline: created, the status changes
  const tl = (await srv.request('GET', `/api/v1/purchase_orders/${po.id}/timeline`, { as: store })).json;
  const events = (tl.items ?? tl).map((e) => e.kind);
  assert.ok(events.includes('created') && events.filter((k) => k === 'status').length >= 3, JSON.stringify(events));
  // a draft is deleted; an inactive supplier takes no orders
  const gone = await order(s);
  assert.equal((await srv.request('DELETE', `/api/v1/purchase_orders/${gone.id}?version=${gone.version}`, { as: store })).status, 204);
  const off = await supplier({ active: false });
  assertFields(await srv.request('POST', '/api/v1/purchase_orders', { as: store, body: { supplier_id: off.id, warehouse_id: wh.id } }), { supplier_id: 'inactive' });
  assertError(await srv.request('POST', '/api/v1/purchase_orders', { as: sales, body: { supplier_id: s.id, warehouse_id: wh.id } }), 403);
});

test('partial receipts then the rest: stock, received quantities and the status follow; then nothing more is taken', async () => {
  const s = await supplier();
  const [a, b] = [await part(), await part()];
  const code = 'EAN' + uid();
  assert.equal((await srv.request('POST', '/api/v1/part_barcodes', { as: admin, body: { part_id: b.id, barcode: code } })).status, 201);
  let po = await sentOrder(s, [{ part_id: a.id, qty: 10 * U, price: 5000 }, { part_id: b.id, qty: 4 * U, price: 7000 }]);
  const before = [await stockOf(a), await stockOf(b)];
  // a part not ordered; a stale version: nothing changes
  const other = await part();
  assertFields(await receive(po, [{ part_id: other.id, qty: U }]), { 'lines.0.part_id': 'not_ordered' });
  assertError(await receive({ ...po, version: po.version - 1 }, [{ part_id: a.id, qty: U }]), 409);
  assertError(await receive(po, [{ part_id: a.id, qty: U }], {}, sales), 403);
  po = await received(po, [{ part_id: a.id, qty: 4 * U }, { barcode: code, qty: U }]);
  assert.equal(po.status, 'partially_received');
  assert.equal(po.received_at, null);
  let l = (await lines(po)).items;
  assert.deepEqual(l.map((x) => [x.received_qty, x.open_qty]), [[4 * U, 6 * U], [U, 3 * U]]);
  assert.deepEqual(l[1].barcodes, [code]);
  assert.equal((await stockOf(a)).on_hand - before[0].on_hand, 4 * U);
  assert.equal((await stockOf(b)).on_hand - before[1].on_hand, U);
  // the posting is the order's
  const mv = (await srv.request('GET', `/api/v1/stock/movements?doc_kind=purchase_order&doc_id=${po.id}`, { as: admin })).json.items;
  assert.equal(mv.length, 2);
  assert.ok(mv.every((m) => m.kind === 'receipt'));
  // on order: what is still open
  const oo = (await srv.request('GET', `/api/v1/purchase_orders/on-order?part_id=${a.id}&warehouse_id=${wh.id}`, { as: sales })).json.items;
  assert.deepEqual(oo, [{ part_id: a.id, warehouse_id: wh.id, qty: 6 * U }]);
  // cancel is refused now that goods came
  assertError(await act(po, 'cancel'), 409);
  po = await received(po, [{ part_id: a.id, qty: 6 * U }, { part_id: b.id, qty: 3 * U }]);
  assert.equal(po.status, 'received');
  assert.ok(po.received_at);
  const all = await lines(po);
  assert.deepEqual(all.items.map((x) => x.open_qty), [0, 0]);
  assert.equal(all.receipts.length, 2);
  // a receipt of an order is not reversed in the ledger (the order counts it): returned instead
  assertError(await srv.request('POST', `/api/v1/stock/postings/${all.receipts[0].posting_id}/reverse`, { as: store, body: {} }), 409);
  assert.equal((await stockOf(a)).on_hand - before[0].on_hand, 10 * U);
  assert.equal((await srv.request('GET', `/api/v1/purchase_orders/on-order?part_id=${a.id}`, { as: sales })).json.items.length, 0);
  // a received order takes no more; closed, neither
  assertError(await receive(po, [{ part_id: a.id, qty: U }], { accept_over: true, over_reason: 'x' }), 409);
  const closed = await acted(po, 'close');
  assert.equal(closed.status, 'closed');
  assertError(await receive(closed, [{ part_id: a.id, qty: U }]), 409);
});

test('over-delivery: refused naming the line and what is open, accepted with a reason by purchasing', async () => {
  const s = await supplier();
  const a = await part();
  let po = await sentOrder(s, [{ part_id: a.id, qty: 5 * U, price: 1000 }]);
  const was = (await stockOf(a)).on_hand;
  const e = assertError(await receive(po, [{ part_id: a.id, qty: 7 * U }]), 409);
  assert.equal(e.fields['lines.0.qty'], 'over_delivery');
  assert.equal(e.fields.open, String(5 * U));
  assert.match(e.message, new RegExp(`line 1 \\(${a.sku}\\): 5 is still open`));
  assert.equal((await stockOf(a)).on_hand, was);
  assertFields(await receive(po, [{ part_id: a.id, qty: 7 * U }], { accept_over: true }), { over_reason: 'required' });
  po = await received(po, [{ part_id: a.id, qty: 7 * U }], { accept_over: true, over_reason: 'поставщик прислал упаковку целиком' });
  assert.equal(po.status, 'received');
  assert.equal((await stockOf(a)).on_hand - was, 7 * U);
  const l = await lines(po);
  assert.equal(l.items[0].received_qty, 7 * U);
  assert.equal(l.receipts[0].over_reason, 'поставщик прислал упаковку целиком');
});

test('costs: the moving average takes the order price without VAT', async () => {
  const s = await supplier();
  const a = await part();
  // 10 on hand at 100.00
  const r0 = await srv.request('POST', '/api/v1/stock/postings', { as: store, body: { kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: a.id, qty: 10 * U, unit_cost: 10000 }] } });
  assert.equal(r0.status, 201, r0.text);
  // 10 more at 130.00 → 115.00
  await received(await sentOrder(s, [{ part_id: a.id, qty: 10 * U, price: 13000 }]), [{ part_id: a.id, qty: 10 * U }]);
  let st = await stockOf(a);
  assert.equal(st.on_hand, 20 * U);
  assert.equal(st.unit_cost, 11500);
  // a supplier whose prices include VAT: 20 at 144.00 with 20 % VAT = 120.00 → (230000 + 240000) / 40 = 117.50
  const v = await supplier({ prices_with_vat: true });
  const po = await sentOrder(v, [{ part_id: a.id, qty: 20 * U, price: 14400 }]);
  assert.equal(po.prices_with_vat, true);
  assert.equal(po.total, 288000);
  assert.equal(po.vat_total, 48000);
  await received(po, [{ part_id: a.id, qty: 20 * U }]);
  st = await stockOf(a);
  assert.equal(st.on_hand, 40 * U);
  assert.equal(st.unit_cost, 11750);
});

test('returns to a supplier: supplier-return movements, no more than came with the order', async () => {
  const s = await supplier();
  const a = await part();
  const po = await received(await sentOrder(s, [{ part_id: a.id, qty: 6 * U, price: 2000 }]), [{ part_id: a.id, qty: 6 * U }]);
  const was = (await stockOf(a)).on_hand;
  const r = await srv.request('POST', '/api/v1/supplier_returns', { as: store, body: { po_id: po.id, reason: 'defect', notes: 'не печатает' } });
  assert.equal(r.status, 201, r.text);
  const ret = r.json;
  assert.match(ret.number, /^ВП-\d{4}-\d{6}$/);
  assert.equal(ret.supplier_id, s.id);
  assert.equal(ret.warehouse_id, wh.id);
  assert.equal(ret.status, 'draft');
  const postRet = (x, ls, as = store) => srv.request('POST', `/api/v1/supplier_returns/${x.id}/post`, { as, body: { version: x.version, lines: ls } });
  assertFields(await postRet(ret, [{ part_id: a.id, qty: 7 * U }]), { 'lines.0.qty': 'more_than_received' });
  assertFields(await postRet(ret, [{ part_id: (await part()).id, qty: U }]), { 'lines.0.part_id': 'not_ordered' });
  assertError(await postRet(ret, [{ part_id: a.id, qty: U }], sales), 403);
  const ok = await postRet(ret, [{ part_id: a.id, qty: 2 * U }]);
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.return.status, 'posted');
  assert.equal((await stockOf(a)).on_hand, was - 2 * U);
  const mv = (await srv.request('GET', `/api/v1/stock/movements?doc_kind=supplier_return&doc_id=${ret.id}`, { as: admin })).json.items;
  assert.deepEqual(mv.map((m) => [m.kind, m.qty, m.unit_cost]), [['return_out', -2 * U, 2000]]);
  const rl = (await srv.request('GET', `/api/v1/supplier_returns/${ret.id}/lines`, { as: sales })).json.items;
  assert.deepEqual(rl.map((x) => [x.part_id, x.qty, x.unit_cost]), [[a.id, 2 * U, 2000]]);
  assertError(await postRet(ok.json.return, [{ part_id: a.id, qty: U }]), 409);
  assertError(await srv.request('DELETE', `/api/v1/supplier_returns/${ret.id}?version=${ok.json.return.version}`, { as: store }), 409);
  // what is left to return: 4
  const r2 = (await srv.request('POST', '/api/v1/supplier_returns', { as: store, body: { po_id: po.id, reason: 'surplus' } })).json;
  const e = assertFields(await postRet(r2, [{ part_id: a.id, qty: 5 * U }]), { 'lines.0.qty': 'more_than_received' });
  assert.equal(e.fields.received, String(4 * U));
  // without an order: to the supplier, from any stock
  assertFields(await srv.request('POST', '/api/v1/supplier_returns', { as: store, body: { reason: 'defect', warehouse_id: wh.id } }), { supplier_id: 'required' });
  const other = await supplier();
  assertFields(await srv.request('POST', '/api/v1/supplier_returns', { as: store, body: { po_id: po.id, supplier_id: other.id, reason: 'defect' } }), { supplier_id: 'mismatch' });
  const free = (await srv.request('POST', '/api/v1/supplier_returns', { as: store, body: { supplier_id: s.id, warehouse_id: wh.id, reason: 'wrong_item' } })).json;
  assertError(await postRet(free, [{ part_id: a.id, qty: 1000 * U }]), 409);
  assert.equal((await postRet(free, [{ part_id: a.id, qty: U }])).status, 201);
  assert.equal((await stockOf(a)).on_hand, was - 3 * U);
  // the order's page lists its returns
  assert.equal((await lines(po)).returns.length, 2);
});

test('from suggestions: drafts grouped by supplier and warehouse, the cheapest supplier when none is named, the rest reported', async () => {
  const [s1, s2] = [await supplier(), await supplier()];
  const [a, b, c, d] = [await part(), await part(), await part(), await part()];
  await price(s1, a, { price: 10000 });
  await price(s2, a, { price: 9000 });
  await price(s1, b, { price: 5000 });
  await price(s2, b, { price: 4000 });
  await price(s1, d, { price: 3000, moq: 5 * U, pack_qty: 5 * U });
  const items = [
    { part_id: a.id, warehouse_id: wh.id, qty: 2 * U },                  // → s2 (cheaper), wh
    { part_id: b.id, warehouse_id: wh.id, qty: 3 * U, supplier_id: s1.id }, // → s1 as named
    { part_id: c.id, warehouse_id: wh.id, qty: U },                      // nobody sells it
    { part_id: d.id, warehouse_id: wh.id, qty: 7 * U },                  // → s1, raised to 10
    { part_id: a.id, warehouse_id: wh2.id, qty: U },                     // → s2, another warehouse
    { part_id: a.id, warehouse_id: wh.id, qty: U },                      // adds to the first
  ];
  assertFields(await srv.request('POST', '/api/v1/purchase_orders/from-suggestions', { as: store, body: { items: [{ part_id: a.id, warehouse_id: wh.id, qty: -1 }] } }), { 'items.0.qty': 'must_be_positive' });
  assertFields(await srv.request('POST', '/api/v1/purchase_orders/from-suggestions', { as: store, body: { items: [{ part_id: a.id, qty: U }] } }), { 'items.0.warehouse_id': 'required' });
  assertError(await srv.request('POST', '/api/v1/purchase_orders/from-suggestions', { as: sales, body: { items } }), 403);
  const r = await srv.request('POST', '/api/v1/purchase_orders/from-suggestions', { as: store, body: { items } });
  assert.equal(r.status, 201, r.text);
  const { orders, unassigned } = r.json;
  assert.deepEqual(unassigned, [{ index: 2, part_id: c.id, warehouse_id: wh.id, qty: U, reason: 'no_supplier' }]);
  assert.deepEqual(orders.map((o) => [o.supplier_id, o.warehouse_id, o.lines]), [[s2.id, wh.id, 1], [s1.id, wh.id, 2], [s2.id, wh2.id, 1]]);
  const first = await lines(orders[0]);
  assert.deepEqual(first.items.map((x) => [x.part_id, x.qty, x.price]), [[a.id, 3 * U, 9000]]);
  const second = await lines(orders[1]);
  assert.deepEqual(second.items.map((x) => [x.part_id, x.qty, x.price]), [[b.id, 3 * U, 5000], [d.id, 10 * U, 3000]]);
  for (const o of orders) {
    const rec = (await srv.request('GET', `/api/v1/purchase_orders/${o.id}`, { as: store })).json;
    assert.equal(rec.status, 'draft');
  }
  assert.equal(orders[1].total, 15000 + 30000 + 9000);
});

test('the scorecard: on time, lead time seen, price changes and defect returns over a period', async () => {
  const s = await supplier({ lead_days: 5 });
  const a = await part();
  const sp = await price(s, a, { price: 10000 });
  const at = (day) => testClock(srv.base, { now: `2026-03-${day}T10:00:00Z` });
  const ord = async () => withLines(await order(s), [{ part_id: a.id, qty: 10 * U }]);
  // 1: sent 01.03, expected 06.03, all came 05.03 — on time, 4 days
  await at('01');
  let p1 = await acted(await ord(), 'send');
  assert.equal(p1.expected_date, '2026-03-06');
  // the price: 100 → 120 (+20 %) on 02.03
  await at('02');
  let pr = await srv.request('PATCH', `/api/v1/supplier_prices/${sp.id}`, { as: store, body: { version: sp.version, price: 12000 } });
  assert.equal(pr.status, 200, pr.text);
  await at('05');
  p1 = await received(p1, [{ part_id: a.id, qty: 10 * U }]);
  // 2: sent 10.03 (expected 15.03), 4 came 12.03, the rest 20.03 — late, 10 days
  await at('10');
  let p2 = await acted(await ord(), 'send');
  await at('12');
  p2 = await received(p2, [{ part_id: a.id, qty: 4 * U }]);
  // the price: 120 → 108 (−10 %) on 15.03
  await at('15');
  pr = await srv.request('PATCH', `/api/v1/supplier_prices/${sp.id}`, { as: store, body: { version: pr.json.version, price: 10800 } });
  assert.equal(pr.status, 200, pr.text);
  await at('20');
  p2 = await received(p2, [{ part_id: a.id, qty: 6 * U }]);
  // 3: sent 20.03 (expected 25.03), came 27.03 — late, 7 days
  let p3 = await acted(await ord(), 'send');
  await at('27');
  p3 = await received(p3, [{ part_id: a.id, qty: 10 * U }]);
  // 3 of 30 back as defective, 1 as surplus (not counted)
  await at('28');
  for (const [reason, qty] of [['defect', 3 * U], ['surplus', U]]) {
    const r = (await srv.request('POST', '/api/v1/supplier_returns', { as: store, body: { po_id: p3.id, reason } })).json;
    const ok = await srv.request('POST', `/api/v1/supplier_returns/${r.id}/post`, { as: store, body: { version: r.version, lines: [{ part_id: a.id, qty }] } });
    assert.equal(ok.status, 201, ok.text);
  }
  // a fourth sent 28.03, due 02.04: open, not counted
  await acted(await ord(), 'send');
  const card = await srv.request('GET', `/api/v1/suppliers/${s.id}/scorecard?from=2026-03-01&to=2026-03-31`, { as: sales });
  assert.equal(card.status, 200, card.text);
  const c = card.json;
  assert.equal(c.orders_received, 3);
  assert.equal(c.on_time, 1);
  assert.equal(c.on_time_share, 0.333);
  assert.equal(c.lead_days_avg, 7);      // (4 + 10 + 7) / 3
  assert.equal(c.lead_days_median, 7);
  assert.equal(c.price_changes, 2);
  assert.equal(c.price_increases, 1);
  assert.equal(c.price_decreases, 1);
  assert.equal(c.price_change_avg_pct, 5); // (+20 − 10) / 2
  assert.equal(c.received_qty, 30 * U);
  assert.equal(c.defect_qty, 3 * U);
  assert.equal(c.defect_share, 0.1);
  // a period before it all: nothing
  const none = (await srv.request('GET', `/api/v1/suppliers/${s.id}/scorecard?from=2026-01-01&to=2026-02-28`, { as: sales })).json;
  assert.equal(none.orders_received, 0);
  assert.equal(none.on_time_share, null);
  assert.equal(none.defect_share, null);
  // only March 1–10: the first order
  const early = (await srv.request('GET', `/api/v1/suppliers/${s.id}/scorecard?from=2026-03-01&to=2026-03-10`, { as: sales })).json;
  assert.deepEqual([early.orders_received, early.on_time_share, early.lead_days_avg, early.price_changes], [1, 1, 4, 1]);
  assertFields(await srv.request('GET', `/api/v1/suppliers/${s.id}/scorecard?from=2026-13-01&to=2026-03-10`, { as: sales }), { from: 'invalid' });
  assertFields(await srv.request('GET', `/api/v1/suppliers/${s.id}/scorecard?from=2026-03-10&to=2026-03-01`, { as: sales }), { to: 'before_from' });
  assertError(await srv.request('GET', '/api/v1/suppliers/99999999/scorecard', { as: sales }), 404);
  await testClock(srv.base, { now: new Date().toISOString().slice(0, 19) + 'Z' });
});

test('the purchase order PDF: the supplier, the lines with both SKUs, quantities, prices, VAT and totals', async () => {
  const s = await supplier({ name: 'ООО «Ёлка-Снаб ' + uid() + '»', kpp: '773101001', address: 'Москва, ул. Складская, 7' });
  const a = await part({ name: 'Картридж HP 85A (CE285A)', unit: 'pcs', sku: 'CE' + uid().slice(-6) });
  const b = await part({ name: 'Кабель питания', unit: 'm', vat: 'none' });
  const pa = await price(s, a, { price: 123450, supplier_sku: 'HP' + uid().slice(-5) });
  const po = await sentOrder(s, [{ part_id: a.id, qty: 12 * U }, { part_id: b.id, qty: 2500, price: 9900 }]);
  const r = await fetch(`${srv.base}/api/v1/purchase_orders/${po.id}/documents/purchase_order.pdf`, { headers: { cookie: store.cookie, 'x-forwarded-for': store.addr || '10.250.250.250' } });
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  const dir = mkdtempSync(join(tmpdir(), 'po-pdf-'));
  const file = join(dir, 'po.pdf');
  writeFileSync(file, Buffer.from(await r.arrayBuffer()));
  if (process.env.PO_PDF_OUT) writeFileSync(process.env.PO_PDF_OUT, Buffer.from(await (await fetch(`${srv.base}/api/v1/purchase_orders/${po.id}/documents/purchase_order.pdf`, { headers: { cookie: store.cookie, 'x-forwarded-for': store.addr || '10.250.250.250' } })).arrayBuffer()));
  const t = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stderr);
  const flat = t.stdout.replace(/[\s\u00a0]+/g, ' ');
  for (const want of [`Заказ поставщику № ${po.number}`, s.name, s.inn, 'Складская', pa.supplier_sku, a.sku, 'Картридж HP 85A',
    '1 234,50', '14 814,00', '2 962,80', '2,5', 'без НДС', '247,50', 'Итого без НДС: 15 061,50', 'НДС: 2 962,80', 'Всего с НДС: 18 024,30', '20%'])
    assert.ok(flat.includes(want), `${want} in: ${flat}`);
  // a cancelled order is not printed
  const c = await acted(await order(s), 'cancel');
  const rc = await fetch(`${srv.base}/api/v1/purchase_orders/${c.id}/documents/purchase_order.pdf`, { headers: { cookie: store.cookie, 'x-forwarded-for': store.addr || '10.250.250.250' } });
  assert.equal(rc.status, 409);
});

test('stock verify is clean after all of it', async () => {
  const ok = runCli(['stock', 'verify', '--db', srv.db]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
});
