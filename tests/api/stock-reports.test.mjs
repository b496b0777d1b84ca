// stock-reports.test.mjs — the stock reports over HTTP against known
// movements: on hand and its value at cost, a part's movements with the
// running balance, shortages below a minimum, dead stock and slow movers,
// consumption by equipment model and month, the weekly consumption with its
// forecast; CSV export; bad parameters named. SQLite and PostgreSQL.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError, uid } from './harness.mjs';

const srv = useServer();
const U = 1000;
let admin, wh, p, q, model, req;
const CAT = 'Отчётные ' + uid();

const report = (name, qs = '') => srv.request('GET', `/api/v1/reports/${name}${qs}`, { as: admin });
async function posted(body) {
  const r = await srv.request('POST', '/api/v1/stock/postings', { as: admin, body });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

before(async () => {
  admin = await srv.as('admin');
  wh = (await srv.request('GET', '/api/v1/warehouses?sort=id', { as: admin })).json.items[0];
  const mk = async (name) => (await srv.request('POST', '/api/v1/parts', { as: admin, body: { sku: 'S-' + uid(), name, category: CAT, purchase_price: 10000, sale_price: 20000 } })).json;
  p = await mk('Отчётная деталь');
  q = await mk('Лежалая деталь');
  model = (await srv.request('POST', '/api/v1/equipment_models', { as: admin, body: { brand: 'Отчёт', model: 'R-' + uid() } })).json;
  const client = (await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'company', name: 'ООО «Отчёт ' + uid() + '»' } })).json;
  const unit = (await srv.request('POST', '/api/v1/equipment_units', { as: admin, body: { model_id: model.id, serial: 'SR-' + uid(), client_id: client.id } })).json;
  req = (await srv.request('POST', '/api/v1/requests', { as: admin, body: { subject: 'Замена детали', channel: 'phone', client_id: client.id, unit_id: unit.id } })).json;
  // p: 10 in at 100 ₽, 3 issued to the request, 2 sold, 5 more in at 130 ₽
  await posted({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 10 * U, unit_cost: 10000 }, { part_id: q.id, qty: 4 * U, unit_cost: 5000 }] });
  const iss = await srv.request('POST', '/api/v1/stock/issue', { as: admin, body: { kind: 'issue', doc_kind: 'request', doc_id: req.id, part_id: p.id, warehouse_id: wh.id, qty: 3 * U } });
  assert.equal(iss.status, 201, iss.text);
  await posted({ kind: 'sale', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 2 * U }] });
  await posted({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 5 * U, unit_cost: 13000 }] });
});

test('a part\'s movements with the running balance', async () => {
  const r = await report('stock_history', `?part_id=${p.id}&warehouse_id=${wh.id}`);
  assert.equal(r.status, 200, r.text);
  const rows = r.json.rows;
  assert.equal(rows[0].key, 'opening');
  assert.equal(rows[0].balance, 0);
  assert.deepEqual(rows.slice(1).map((x) => [x.kind, x.qty_in, x.qty_out, x.balance]),
    [['receipt', 10, 0, 10], ['issue', 0, 3, 7], ['sale', 0, 2, 5], ['receipt', 5, 0, 10]]);
  assert.deepEqual(rows.slice(1).map((x) => x.value), [1000, -300, -200, 650]);
  // CSV: a header and a line per row
  const csv = await srv.request('GET', `/api/v1/reports/stock_history.csv?part_id=${p.id}&warehouse_id=${wh.id}`, { as: admin });
  assert.equal(csv.status, 200, csv.text);
  assert.match(csv.headers['content-type'] || csv.headers.get?.('content-type') || '', /csv/);
  const lines = csv.text.trim().split(/\r?\n/);
  assert.equal(lines.length, 1 + rows.length);
  assert.match(lines[0], /balance/);
  const xlsx = await srv.request('GET', `/api/v1/reports/stock_history.xlsx?part_id=${p.id}`, { as: admin });
  assert.equal(xlsx.status, 200);
  assertError(await report('stock_history'), 422, 'validation_failed', { part_id: 'required' });
  assertError(await report('stock_history', '?part_id=0'), 422, 'validation_failed', { part_id: 'out_of_range' });
});

test('on hand and its value at moving-average cost', async () => {
  const r = await report('stock_on_hand', '?group=warehouse');
  assert.equal(r.status, 200, r.text);
  const row = r.json.rows.find((x) => x.key === String(wh.id));
  // p: 5 left at 100 ₽ = 500 ₽, then 5 at 130 ₽ = 650 ₽; q: 4 at 50 ₽
  const balances = (await srv.request('GET', `/api/v1/parts/${p.id}/stock`, { as: admin })).json.stock.find((s) => s.warehouse_id === wh.id);
  assert.equal(balances.on_hand, 10 * U);
  assert.equal(balances.unit_cost, 11500);
  assert.ok(row.value >= 1150 + 200, `value ${row.value}`);
  const c = (await report('stock_on_hand', '?group=category')).json.rows.find((x) => x.key === CAT);
  assert.deepEqual([c.parts, c.on_hand, c.value], [2, 14, 1150 + 200]);
});

test('shortages: available below the minimum', async () => {
  const rule = await srv.request('POST', '/api/v1/stock_rules', { as: admin, body: { part_id: p.id, warehouse_id: wh.id, min_qty: 12 * U, max_qty: 20 * U } });
  assert.equal(rule.status, 201, rule.text);
  const r = await report('stock_shortages');
  assert.equal(r.status, 200, r.text);
  const row = r.json.rows.find((x) => x.key === p.sku);
  assert.ok(row, 'the part is short');
  assert.deepEqual([row.on_hand, row.reserved, row.available, row.min_qty, row.shortfall], [10, 0, 10, 12, 2]);
  assert.ok(!r.json.rows.some((x) => x.key === q.sku), 'no rule, no shortage');
});

test('dead stock and slow movers', async () => {
  const r = await report('stock_idle', '?days=30');
  assert.equal(r.status, 200, r.text);
  // q moved today (its receipt) and nothing went out: slow; p sold 5 of 10: slow too
  const rq = r.json.rows.find((x) => x.key === q.sku);
  assert.deepEqual([rq.status, rq.on_hand, rq.consumed, rq.idle_days], ['slow', 4, 0, 0]);
  const rp = r.json.rows.find((x) => x.key === p.sku);
  assert.deepEqual([rp.status, rp.consumed], ['slow', 5]);
  assertError(await report('stock_idle', '?days=0'), 422, 'validation_failed', { days: 'out_of_range' });
  assertError(await report('stock_idle', '?days=x'), 422, 'validation_failed', { days: 'out_of_range' });
});

test('consumption by equipment model and month; the weekly forecast', async () => {
  const r = await report('stock_consumption', '?step=month');
  assert.equal(r.status, 200, r.text);
  const mine = r.json.rows.filter((x) => x.key === String(model.id));
  assert.equal(mine.length, 1);
  assert.equal(mine[0].qty, 3); // the issue to the request for a unit of the model
  assert.equal(mine[0].value, 300);
  assert.match(mine[0].label, /Отчёт R-/);
  assert.equal(mine[0].period.length, 7);
  const f = await report('stock_forecast', `?part_id=${p.id}&warehouse_id=${wh.id}`);
  assert.equal(f.status, 200, f.text);
  const hist = f.json.rows.filter((x) => x.consumed !== null);
  assert.deepEqual(hist.map((x) => x.consumed), [5]); // one week: 3 issued + 2 sold
  assert.ok(f.json.rows.filter((x) => x.forecast !== null).length >= 26);
  assertError(await report('stock_forecast', `?part_id=${p.id}`), 422, 'validation_failed', { warehouse_id: 'required' });
  const meta = (await srv.request('GET', '/api/v1/meta', { as: admin })).json;
  const m = meta.reports.find((x) => x.name === 'stock_forecast');
  assert.deepEqual(m.params.map((x) => [x.name, x.ref, x.required]), [['part_id', 'parts', true], ['warehouse_id', 'warehouses', true]]);
});
