// replenishment.test.mjs — replenishment over HTTP: a part with a known
// weekly consumption (issued week by week through the API while the test
// clock moves on) gets the order a hand computation gives; the safety stock
// follows the service level; a min/max rule overrides the forecast; accepted
// suggestions are kept for purchase orders; bad input is refused with the
// field named and nothing kept. Runs on SQLite and (SERVITOR_TEST_DB=postgres)
// PostgreSQL.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError, uid } from './harness.mjs';
import { TEST_CLOCK_ENV } from '../lib.mjs';

// sessions outlive the twenty weeks the clock moves through
const srv = useServer({ env: { ...TEST_CLOCK_ENV, SERVITOR_SESSION_IDLE: '31536000', SERVITOR_SESSION_MAX: '31536000' } });
const U = 1000;
const DAY = 86400 * 1000;
let admin, wh, flat, wavy, ruled, t0;

const clock = async (ms) => {
  const r = await srv.request('POST', '/test/clock', { body: { now: new Date(ms).toISOString().slice(0, 19) + 'Z' } });
  assert.equal(r.status, 200, r.text);
};
async function part(name) {
  const r = await srv.request('POST', '/api/v1/parts', { as: admin, body: { sku: 'R-' + uid(), name, purchase_price: 25000, sale_price: 40000 } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function post(kind, lines) {
  const r = await srv.request('POST', '/api/v1/stock/postings', { as: admin, body: { kind, warehouse_id: wh.id, lines } });
  assert.equal(r.status, 201, r.text);
}
const run = async (q) => srv.request('GET', `/api/v1/stock/replenishment?warehouse_id=${wh.id}&all=1${q || ''}`, { as: admin });
const row = (r, p) => r.json.items.find((x) => x.part_id === p.id);

before(async () => {
  admin = await srv.as('admin');
  wh = (await srv.request('GET', '/api/v1/warehouses?sort=id', { as: admin })).json.items[0];
  flat = await part('Ролик, ровный расход');
  wavy = await part('Картридж, неровный расход');
  ruled = await part('Щётки, по правилу');
  // twenty weeks: 2 units of `flat` a week, 1 and 3 of `wavy` by turns
  t0 = Math.floor(Date.now() / DAY) * DAY + DAY + 10 * 3600 * 1000; // tomorrow, 10:00
  await clock(t0 - DAY);
  await post('receipt', [{ part_id: flat.id, qty: 43 * U }, { part_id: wavy.id, qty: 60 * U }, { part_id: ruled.id, qty: 4 * U }]);
  for (let k = 0; k < 20; k++) {
    await clock(t0 + k * 7 * DAY);
    await post('issue', [{ part_id: flat.id, qty: 2 * U }, { part_id: wavy.id, qty: (k % 2 ? 3 : 1) * U }]);
  }
  await clock(t0 + 19 * 7 * DAY + DAY);
});

test('a steady 2 a week: reorder point, order-up-to and the order as computed by hand', async () => {
  const r = await run();
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.service_level, 0.95);
  assert.equal(r.json.lead_time_days, 14);
  assert.equal(r.json.review_days, 7);
  const f = row(r, flat);
  assert.ok(f, 'the part is in the run');
  assert.equal(f.weeks, 20);
  assert.deepEqual(f.history, Array(20).fill(2 * U));
  assert.equal(f.on_hand, 3 * U); // 43 received, 40 issued
  assert.equal(f.rule, 'forecast');
  assert.equal(f.forecast.weeks[0], 2 * U);
  assert.equal(f.forecast.mape, 0);
  assert.equal(f.safety_stock, 0); // no error on past data, no safety stock
  // lead 14 days = 2 weeks of 2; then a review week of 2 more
  assert.equal(f.reorder_point, 4 * U);
  assert.equal(f.order_up_to, 6 * U);
  assert.equal(f.position, 3 * U);
  assert.equal(f.suggested_qty, 3 * U);
  assert.equal(f.value, 3 * 25000);
  // only what is due without all=1
  const due = await srv.request('GET', `/api/v1/stock/replenishment?warehouse_id=${wh.id}&part_id=${flat.id}`, { as: admin });
  assert.equal(due.status, 200, due.text);
  assert.deepEqual(due.json.items.map((x) => x.part_id), [flat.id]);
  // a longer lead time asks for more
  const longer = row(await run(`&part_id=${flat.id}&lead_time_days=28`), flat);
  assert.equal(longer.reorder_point, 8 * U);
  assert.equal(longer.suggested_qty, 7 * U);
});

test('an uneven series: safety stock from the backtest error and the service level', async () => {
  const at = async (sl) => row(await run(`&part_id=${wavy.id}&service_level=${sl}`), wavy);
  const w95 = await at('95');
  assert.deepEqual(w95.history, Array.from({ length: 20 }, (_, k) => (k % 2 ? 3 : 1) * U));
  assert.equal(w95.on_hand, 20 * U);
  const fc = w95.forecast;
  assert.ok(fc && fc.model && typeof fc.mase === 'number' && typeof fc.mape === 'number', JSON.stringify(fc));
  assert.ok(fc.sigma > 0);
  // the formulas, from the figures the answer gives (z · σ · √L, L = 2 weeks)
  const ss = Math.ceil(fc.z * fc.sigma * Math.sqrt(2));
  assert.ok(Math.abs(w95.safety_stock - ss) <= 1, `safety stock ${w95.safety_stock} vs ${ss}`);
  assert.ok(Math.abs(w95.reorder_point - (Math.ceil(fc.demand_lead) + w95.safety_stock)) <= 1);
  assert.ok(Math.abs(fc.z - 1.645) < 0.01);
  const w99 = await at('99');
  assert.ok(Math.abs(w99.forecast.z - 2.326) < 0.01);
  assert.ok(w99.safety_stock > w95.safety_stock, `${w99.safety_stock} > ${w95.safety_stock}`);
  const w90 = await at('90');
  assert.ok(w90.safety_stock < w95.safety_stock);
});

test('a min/max rule overrides the forecast', async () => {
  const rule = await srv.request('POST', '/api/v1/stock_rules', { as: admin, body: { part_id: ruled.id, warehouse_id: wh.id, min_qty: 5 * U, max_qty: 12 * U } });
  assert.equal(rule.status, 201, rule.text);
  const res = await srv.request('POST', '/api/v1/stock/reserve', { as: admin, body: { doc_kind: 'request', doc_id: (await srv.request('GET', '/api/v1/requests?limit=1', { as: admin })).json.items[0].id, part_id: ruled.id, warehouse_id: wh.id, qty: U } });
  assert.equal(res.status, 201, res.text);
  const r = row(await run(`&part_id=${ruled.id}`), ruled);
  assert.equal(r.rule, 'minmax');
  assert.equal(r.forecast, null); // no consumption: the rule alone
  assert.equal(r.reserved, U);
  assert.equal(r.position, 3 * U); // 4 on hand − 1 reserved
  assert.equal(r.suggested_qty, 9 * U); // up to 12
  assert.equal(r.min_qty, 5 * U);
  // a rule on the steady part: it wins over the forecast, which is still shown
  const r2 = await srv.request('POST', '/api/v1/stock_rules', { as: admin, body: { part_id: flat.id, warehouse_id: wh.id, min_qty: 3 * U, max_qty: 10 * U, lead_time_days: 7 } });
  assert.equal(r2.status, 201, r2.text);
  const f = row(await run(`&part_id=${flat.id}`), flat);
  assert.equal(f.rule, 'minmax');
  assert.equal(f.suggested_qty, 7 * U);
  assert.equal(f.lead_time_days, 7);
  assert.equal(f.forecast_reorder_point.reorder_point, 2 * U); // one week of 2
  // bad rules
  assertError(await srv.request('POST', '/api/v1/stock_rules', { as: admin, body: { part_id: wavy.id, warehouse_id: wh.id, min_qty: 5 * U, max_qty: 2 * U } }), 422, 'validation_failed', { max_qty: 'below_min' });
  assertError(await srv.request('POST', '/api/v1/stock_rules', { as: admin, body: { part_id: wavy.id, warehouse_id: wh.id, min_qty: 5 * U } }), 422, 'validation_failed', { max_qty: 'required' });
  const dup = await srv.request('POST', '/api/v1/stock_rules', { as: admin, body: { part_id: ruled.id, warehouse_id: wh.id, lead_time_days: 3 } });
  assertError(dup, 422, 'validation_failed', { part_id: 'duplicate' }); // one rule per part and warehouse
});

test('accepted suggestions wait for purchase orders; bad input keeps nothing', async () => {
  const before = (await srv.request('GET', `/api/v1/stock/replenishment/accepted?warehouse_id=${wh.id}`, { as: admin })).json.items.length;
  const bad = await srv.request('POST', '/api/v1/stock/replenishment/accept', { as: admin, body: { warehouse_id: wh.id, lines: [{ part_id: wavy.id, qty: 5 * U }, { part_id: ruled.id, qty: 0 }] } });
  assertError(bad, 422, 'validation_failed', { 'lines.1.qty': 'invalid' });
  assertError(await srv.request('POST', '/api/v1/stock/replenishment/accept', { as: admin, body: { warehouse_id: wh.id, lines: [{ part_id: 999999999, qty: U }] } }), 422, 'validation_failed', { 'lines.0.part_id': 'not_found' });
  assertError(await srv.request('POST', '/api/v1/stock/replenishment/accept', { as: admin, body: { lines: [{ part_id: wavy.id, qty: U }] } }), 422, 'validation_failed', { warehouse_id: 'required' });
  assert.equal((await srv.request('GET', `/api/v1/stock/replenishment/accepted?warehouse_id=${wh.id}`, { as: admin })).json.items.length, before);
  const ok = await srv.request('POST', '/api/v1/stock/replenishment/accept', { as: admin, body: { warehouse_id: wh.id, lines: [
    { part_id: ruled.id, qty: 9 * U, suggested_qty: 9 * U, rule: 'minmax' },
    { part_id: wavy.id, qty: 5 * U, suggested_qty: 4 * U, rule: 'manual' }] } });
  assert.equal(ok.status, 201, ok.text);
  const mine = ok.json.items.filter((l) => l.part_id === ruled.id || l.part_id === wavy.id);
  assert.equal(mine.length, 2);
  const line = mine.find((l) => l.part_id === wavy.id);
  assert.deepEqual({ qty: line.qty, suggested: line.suggested_qty, rule: line.rule, supplier: line.supplier_id, wh: line.warehouse_id },
    { qty: 5 * U, suggested: 4 * U, rule: 'manual', supplier: null, wh: wh.id });
  // the run shows what was accepted
  assert.equal(row(await run(`&part_id=${ruled.id}`), ruled).accepted_qty, 9 * U);
  // accepted again: replaces
  const again = await srv.request('POST', '/api/v1/stock/replenishment/accept', { as: admin, body: { warehouse_id: wh.id, lines: [{ part_id: wavy.id, qty: 6 * U }] } });
  assert.equal(again.status, 201, again.text);
  assert.deepEqual(again.json.items.filter((l) => l.part_id === wavy.id).map((l) => l.qty), [6 * U]);
  // dropped: no longer waits, and a second drop is a conflict
  const id = again.json.items.find((l) => l.part_id === wavy.id).id;
  const drop = await srv.request('POST', `/api/v1/stock/replenishment/accepted/${id}/drop`, { as: admin });
  assert.equal(drop.status, 200, drop.text);
  assertError(await srv.request('POST', `/api/v1/stock/replenishment/accepted/${id}/drop`, { as: admin }), 409, 'conflict');
  const left = (await srv.request('GET', `/api/v1/stock/replenishment/accepted?warehouse_id=${wh.id}`, { as: admin })).json.items;
  assert.ok(!left.some((l) => l.part_id === wavy.id));
  assert.ok(left.some((l) => l.part_id === ruled.id));
});

test('bad parameters name the field', async () => {
  assertError(await srv.request('GET', '/api/v1/stock/replenishment', { as: admin }), 422, 'validation_failed', { warehouse_id: 'required' });
  assertError(await run('&service_level=101'), 422, 'validation_failed', { service_level: 'out_of_range' });
  assertError(await run('&service_level=abc'), 422, 'validation_failed', { service_level: 'out_of_range' });
  assertError(await run('&lead_time_days=400'), 422, 'validation_failed', { lead_time_days: 'out_of_range' });
  assertError(await srv.request('GET', '/api/v1/stock/replenishment?warehouse_id=999999', { as: admin }), 404, 'not_found');
  // an engineer plans nothing
  const eng = await srv.as('technician');
  assert.equal((await srv.request('GET', `/api/v1/stock/replenishment?warehouse_id=${wh.id}`, { as: eng })).status, 403);
});
