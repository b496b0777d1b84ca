// stock.test.mjs — the warehouse over HTTP: the catalog (barcodes unique
// across parts, analogs both ways), every kind of movement with its effect on
// the balances and the moving-average cost, transfers with goods in transit,
// reversals, reservations for documents (and the race for the last items),
// stock counts, finding a part for a model, bad input refused with nothing
// changed, and `servitor stock verify` after a randomized run of 1 000
// operations. Runs on SQLite and (SERVITOR_TEST_DB=postgres) PostgreSQL.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError, uid, runCli } from './harness.mjs';

const srv = useServer();
const U = 1000; // one unit in thousandths

let admin, store, sales, auditor, wh, wh2, model;
before(async () => {
  [admin, sales, auditor] = await Promise.all(['admin', 'sales', 'auditor'].map((r) => srv.as(r)));
  const list = (await srv.request('GET', '/api/v1/warehouses?sort=id', { as: admin })).json.items;
  [wh, wh2] = list; // the demo's, of two branches
  assert.ok(wh && wh2 && wh.branch_id !== wh2.branch_id, 'two demo warehouses of two branches');
  // a storekeeper who works in the first warehouse's branch only (the role's default)
  const login = 'sklad' + uid();
  const u = await srv.request('POST', '/api/v1/users', { as: admin, body: { login, name: 'Кладовщик Филиала', role: 'storekeeper', branch_id: wh.branch_id, password: 'password-123' } });
  assert.equal(u.status, 201, u.text);
  assert.equal(u.json.branch_scope, true);
  store = await srv.login(login, 'password-123');
  assert.equal(store.status, 200, store.text);
  model = (await srv.request('POST', '/api/v1/equipment_models', { as: admin, body: { brand: 'Склад', model: 'M-' + uid() } })).json;
});

async function part(extra = {}) {
  const r = await srv.request('POST', '/api/v1/parts', { as: store, body: { sku: 'P-' + uid(), name: 'Деталь ' + uid(), purchase_price: 10000, sale_price: 15000, ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const post = (body, as = store) => srv.request('POST', '/api/v1/stock/postings', { as, body });
async function posted(body, as = store) {
  const r = await post(body, as);
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function stockOf(p, w = wh) {
  const r = await srv.request('GET', `/api/v1/parts/${p.id}/stock`, { as: admin });
  assert.equal(r.status, 200, r.text);
  return r.json.stock.find((s) => s.warehouse_id === w.id) ?? { on_hand: 0, reserved: 0, available: 0, in_transit: 0, value: 0, unit_cost: 0 };
}
async function request() {
  const r = await srv.request('POST', '/api/v1/requests', { as: admin, body: { subject: 'Нужна деталь ' + uid(), channel: 'phone' } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function movementCount() {
  const r = await srv.request('GET', '/api/v1/stock/movements?limit=1', { as: admin });
  return r.json.items[0]?.id ?? 0;
}

test('the catalog: a part with barcodes; a barcode names one part; analogs read both ways', async () => {
  const a = await part({ unit: 'pcs', vat: '20' });
  const b = await part();
  const code = String(Date.now()) + '7';
  const bc = await srv.request('POST', '/api/v1/part_barcodes', { as: store, body: { part_id: a.id, barcode: code } });
  assert.equal(bc.status, 201, bc.text);
  const dup = await srv.request('POST', '/api/v1/part_barcodes', { as: store, body: { part_id: b.id, barcode: code } });
  assertError(dup, 422, 'validation_failed', { barcode: 'duplicate' });
  assertError(await srv.request('POST', '/api/v1/part_barcodes', { as: store, body: { part_id: b.id, barcode: 'a b' } }), 422, 'validation_failed', { barcode: 'invalid' });
  // a second barcode on the same part is fine
  assert.equal((await srv.request('POST', '/api/v1/part_barcodes', { as: store, body: { part_id: a.id, barcode: code + '1' } })).status, 201);

  const an = await srv.request('POST', '/api/v1/part_analogs', { as: store, body: { part_id: a.id, analog_id: b.id, note: 'analog' } });
  assert.equal(an.status, 201, an.text);
  assertError(await srv.request('POST', '/api/v1/part_analogs', { as: store, body: { part_id: b.id, analog_id: a.id, note: 'original' } }), 422, 'validation_failed', { analog_id: 'duplicate' });
  assertError(await srv.request('POST', '/api/v1/part_analogs', { as: store, body: { part_id: a.id, analog_id: a.id } }), 422, 'validation_failed', { analog_id: 'same_part' });
  const pa = (await srv.request('GET', `/api/v1/parts/${a.id}/stock`, { as: sales })).json;
  const pb = (await srv.request('GET', `/api/v1/parts/${b.id}/stock`, { as: sales })).json;
  assert.deepEqual(pa.analogs.map((x) => [x.part_id, x.note]), [[b.id, 'analog']]);
  assert.deepEqual(pb.analogs.map((x) => [x.part_id, x.note]), [[a.id, 'original']], 'seen from the analog, the other is the original');
  assert.deepEqual(pa.barcodes.map((x) => x.barcode).sort(), [code, code + '1']);

  // VAT from the configured list; units from theirs
  assertError(await srv.request('POST', '/api/v1/parts', { as: store, body: { sku: 'V-' + uid(), name: 'НДС', vat: '18' } }), 422, 'validation_failed', { vat: 'invalid_enum' });
  const meta = (await srv.request('GET', '/api/v1/meta', { as: sales })).json;
  const vat = meta.entities.find((e) => e.name === 'parts').fields.find((f) => f.name === 'vat');
  assert.deepEqual(vat.enum, ['22', '20', '10', '0', 'none']);

  // a stale version changes nothing
  const upd = await srv.request('PATCH', `/api/v1/parts/${a.id}`, { as: store, body: { version: a.version, name: 'Новое имя' } });
  assert.equal(upd.status, 200, upd.text);
  assertError(await srv.request('PATCH', `/api/v1/parts/${a.id}`, { as: store, body: { version: a.version, name: 'Старое' } }), 409, 'conflict');
  assert.equal((await srv.request('GET', `/api/v1/parts/${a.id}`, { as: admin })).json.name, 'Новое имя');
});

test('receipts average the cost per warehouse; issues take it out at the average', async () => {
  const p = await part();
  await posted({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 10 * U, unit_cost: 10000 }] });
  await posted({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 5 * U, unit_cost: 16000 }] });
  let s = await stockOf(p);
  // (10 × 100.00 + 5 × 160.00) / 15 = 120.00
  assert.deepEqual([s.on_hand, s.value, s.unit_cost], [15 * U, 180000, 12000]);
  const req = await request();
  const is = await srv.request('POST', '/api/v1/stock/issue', { as: store, body: { doc_kind: 'request', doc_id: req.id, part_id: p.id, warehouse_id: wh.id, qty: 4 * U } });
  assert.equal(is.status, 201, is.text);
  assert.equal(is.json.kind, 'issue');
  assert.deepEqual(is.json.movements.map((m) => [m.kind, m.qty, m.unit_cost, m.value]), [['issue', -4 * U, 12000, -48000]]);
  assert.equal(is.json.doc_kind, 'request');
  assert.equal(is.json.doc_id, req.id);
  s = await stockOf(p);
  assert.deepEqual([s.on_hand, s.value], [11 * U, 132000]);
  // the other warehouse keeps its own average
  await posted({ kind: 'receipt', warehouse_id: wh2.id, lines: [{ part_id: p.id, qty: 1 * U, unit_cost: 50000 }] }, admin);
  assert.equal((await stockOf(p, wh2)).unit_cost, 50000);
  assert.equal((await stockOf(p)).unit_cost, 12000);
  // a receipt without a cost takes the part's purchase price; fractions of a unit
  const m = await part({ unit: 'm', purchase_price: 2500 });
  const r = await posted({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: m.id, qty: 2500 }] });
  assert.deepEqual(r.movements.map((x) => [x.qty, x.unit_cost, x.value]), [[2500, 2500, 6250]]);
  // a receipt by barcode
  const code = 'BC' + uid();
  await srv.request('POST', '/api/v1/part_barcodes', { as: store, body: { part_id: m.id, barcode: code } });
  const byCode = await posted({ kind: 'receipt', warehouse_id: wh.id, lines: [{ barcode: code, qty: 500, unit_cost: 2500 }] });
  assert.equal(byCode.movements[0].part_id, m.id);
  assertError(await post({ kind: 'receipt', warehouse_id: wh.id, lines: [{ barcode: 'nope' + uid(), qty: U }] }), 422, 'validation_failed', { 'lines.0.barcode': 'not_found' });
});

test('every other kind: sale, write-off with a reason, return from a client, return to a supplier', async () => {
  const p = await part();
  await posted({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 10 * U, unit_cost: 10000 }] });
  const sale = await posted({ kind: 'sale', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 2 * U }] });
  assert.equal(sale.movements[0].kind, 'sale');
  assertError(await post({ kind: 'write_off', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: U }] }), 422, 'validation_failed', { reason: 'required' });
  const wo = await posted({ kind: 'write_off', warehouse_id: wh.id, reason: 'Разбит при падении', lines: [{ part_id: p.id, qty: U }] });
  assert.equal(wo.reason, 'Разбит при падении');
  const back = await posted({ kind: 'return_in', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: U }] });
  assert.deepEqual([back.movements[0].kind, back.movements[0].unit_cost], ['return_in', 10000], 'back at the cost it has here');
  const sup = await posted({ kind: 'return_out', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 3 * U }] });
  assert.equal(sup.movements[0].qty, -3 * U);
  const s = await stockOf(p);
  assert.deepEqual([s.on_hand, s.value], [5 * U, 50000]);
  const hist = await srv.request('GET', `/api/v1/stock/movements?part_id=${p.id}`, { as: auditor });
  assert.equal(hist.status, 200, hist.text);
  assert.deepEqual(hist.json.items.map((m) => m.kind), ['return_out', 'return_in', 'write_off', 'sale', 'receipt']);
  assert.ok(hist.json.items.every((m) => m.user === store.user.name), 'who made each');
  assert.ok(hist.json.items.every((m) => /^СК-\d{4}-\d{6}$/.test(m.posting)), 'the posting\'s number');
  // each posting is in the audit log, signed into its chain, with who made it
  const log = await srv.request('GET', `/api/v1/audit?entity=stock_postings&record_id=${sale.id}`, { as: admin });
  assert.equal(log.status, 200, log.text);
  assert.deepEqual(log.json.items.map((e) => [e.action, e.user_login, e.after.number, e.after.movements[0].qty]), [['post', store.user.login, sale.number, -2 * U]]);
});

test('a transfer: out of one warehouse, in transit, into the other; reversed while in transit', async () => {
  const p = await part();
  await posted({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 6 * U, unit_cost: 30000 }] });
  assertError(await post({ kind: 'transfer', warehouse_id: wh.id, to_warehouse_id: wh.id, lines: [{ part_id: p.id, qty: U }] }), 422, 'validation_failed', { to_warehouse_id: 'same_warehouse' });
  const tr = await posted({ kind: 'transfer', warehouse_id: wh.id, to_warehouse_id: wh2.id, lines: [{ part_id: p.id, qty: 2 * U }] });
  assert.equal(tr.status, 'in_transit');
  const onWay = await srv.request('GET', `/api/v1/stock/postings?warehouse_id=${wh2.id}&status=in_transit`, { as: admin });
  assert.equal(onWay.status, 200, onWay.text);
  assert.ok(onWay.json.items.some((x) => x.id === tr.id && x.to_warehouse_id === wh2.id));
  assertError(await srv.request('GET', '/api/v1/stock/postings?colour=red', { as: admin }), 400, 'malformed');
  assert.deepEqual([(await stockOf(p)).on_hand, (await stockOf(p, wh2)).in_transit, (await stockOf(p, wh2)).on_hand], [4 * U, 2 * U, 0]);
  // the storekeeper works at the sending branch: the receiving one takes it in
  assertError(await srv.request('POST', `/api/v1/stock/postings/${tr.id}/receive`, { as: store, body: {} }), 422, 'validation_failed', { to_warehouse_id: 'out_of_scope' });
  const got = await srv.request('POST', `/api/v1/stock/postings/${tr.id}/receive`, { as: admin, body: {} });
  assert.equal(got.status, 200, got.text);
  assert.equal(got.json.status, 'done');
  const s2 = await stockOf(p, wh2);
  assert.deepEqual([s2.on_hand, s2.in_transit, s2.value, s2.unit_cost], [2 * U, 0, 60000, 30000], 'arrives at the cost it left with');
  assertError(await srv.request('POST', `/api/v1/stock/postings/${tr.id}/receive`, { as: admin, body: {} }), 409, 'conflict');
  assertError(await srv.request('POST', `/api/v1/stock/postings/${tr.id}/reverse`, { as: admin, body: {} }), 409, 'conflict');

  const tr2 = await posted({ kind: 'transfer', warehouse_id: wh.id, to_warehouse_id: wh2.id, lines: [{ part_id: p.id, qty: U }] });
  const rv = await srv.request('POST', `/api/v1/stock/postings/${tr2.id}/reverse`, { as: store, body: {} });
  assert.equal(rv.status, 201, rv.text);
  assert.equal(rv.json.kind, 'reversal');
  assert.deepEqual([(await stockOf(p)).on_hand, (await stockOf(p, wh2)).in_transit], [4 * U, 0]);
  assert.equal((await srv.request('GET', `/api/v1/stock/postings/${tr2.id}`, { as: store })).json.status, 'cancelled');
});

test('a reversal undoes a posting once; a receipt whose goods left cannot be reversed', async () => {
  const p = await part();
  const rc = await posted({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 3 * U, unit_cost: 7000 }] });
  const wo = await posted({ kind: 'write_off', warehouse_id: wh.id, reason: 'Потерян', lines: [{ part_id: p.id, qty: 2 * U }] });
  const r1 = await srv.request('POST', `/api/v1/stock/postings/${wo.id}/reverse`, { as: store, body: {} });
  assert.equal(r1.status, 201, r1.text);
  assert.deepEqual(r1.json.movements.map((m) => [m.kind, m.qty, m.reverses_id]), [['reversal', 2 * U, wo.movements[0].id]]);
  assertError(await srv.request('POST', `/api/v1/stock/postings/${wo.id}/reverse`, { as: store, body: {} }), 409, 'conflict');
  assertError(await srv.request('POST', `/api/v1/stock/postings/${r1.json.id}/reverse`, { as: store, body: {} }), 409, 'conflict');
  const s = await stockOf(p);
  assert.deepEqual([s.on_hand, s.value], [3 * U, 21000]);
  await posted({ kind: 'sale', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 2 * U }] });
  const e = assertError(await srv.request('POST', `/api/v1/stock/postings/${rc.id}/reverse`, { as: store, body: {} }), 409, 'conflict');
  assert.equal(e.fields.available, String(U));
  assert.equal((await stockOf(p)).on_hand, U, 'nothing changed');
});

test('bad input: each refused naming the field, nothing changed', async () => {
  const p = await part();
  await posted({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 2 * U, unit_cost: 100 }] });
  const last = await movementCount();
  const cases = [
    [{ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 0 }] }, 422, { 'lines.0.qty': 'must_be_positive' }],
    [{ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: -5 }] }, 422, { 'lines.0.qty': 'must_be_positive' }],
    [{ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: U }, { part_id: p.id, qty: 0 }] }, 422, { 'lines.1.qty': 'must_be_positive' }],
    [{ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: 999999999, qty: U }] }, 422, { 'lines.0.part_id': 'not_found' }],
    [{ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: U, unit_cost: -1 }] }, 422, { 'lines.0.unit_cost': 'out_of_range' }],
    [{ kind: 'receipt', warehouse_id: wh.id, lines: [] }, 422, { lines: 'required' }],
    [{ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: '1' }] }, 422, { 'lines.0.qty': 'invalid' }],
    [{ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: U, colour: 1 }] }, 422, { colour: 'unknown' }],
    [{ kind: 'teleport', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: U }] }, 422, { kind: 'invalid' }],
    [{ kind: 'receipt', warehouse_id: 999999999, lines: [{ part_id: p.id, qty: U }] }, 422, { warehouse_id: 'not_found' }],
    [{ kind: 'receipt', warehouse_id: wh2.id, lines: [{ part_id: p.id, qty: U }] }, 422, { warehouse_id: 'out_of_scope' }],
    [{ kind: 'sale', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: U }, { part_id: p.id, qty: 2 * U }] }, 409, { 'lines.1.qty': 'insufficient', available: String(U) }],
    [{ kind: 'issue', warehouse_id: wh.id, doc_kind: 'request', doc_id: 999999999, lines: [{ part_id: p.id, qty: U }] }, 422, { doc_id: 'not_found' }],
    [{ kind: 'issue', warehouse_id: wh.id, doc_kind: 'spaceship', doc_id: 1, lines: [{ part_id: p.id, qty: U }] }, 422, { doc_kind: 'invalid' }],
  ];
  for (const [body, status, fields] of cases) {
    const r = await post(body);
    assertError(r, status, status === 409 ? 'conflict' : 'validation_failed', fields);
  }
  assert.equal(await movementCount(), last, 'no movement was written');
  const s = await stockOf(p);
  assert.deepEqual([s.on_hand, s.reserved], [2 * U, 0]);
  // a role that may not post
  assertError(await post({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: U }] }, sales), 403, 'forbidden');
  assertError(await post({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: U }] }, auditor), 403, 'forbidden');
  // a serialized part: one serial per piece, each in stock once
  const sp = await part({ serial_tracked: true });
  assertError(await post({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: sp.id, qty: 2 * U, serials: ['S1'] }] }), 422, 'validation_failed', { 'lines.0.serials': 'count' });
  const sn = 'SN-' + uid();
  await posted({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: sp.id, qty: U, serials: [sn] }] });
  assertError(await post({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: sp.id, qty: U, serials: [sn] }] }), 422, 'validation_failed', { 'lines.0.serials': 'in_stock' });
  assertError(await post({ kind: 'sale', warehouse_id: wh.id, lines: [{ part_id: sp.id, qty: U, serials: ['no-such'] }] }), 422, 'validation_failed', { 'lines.0.serials': 'not_in_stock' });
  const piece = (await srv.request('GET', `/api/v1/parts/${sp.id}/stock`, { as: store })).json.serials.find((x) => x.serial === sn);
  const sold = await posted({ kind: 'sale', warehouse_id: wh.id, lines: [{ part_id: sp.id, qty: U, serials: [sn] }] });
  assert.equal(sold.movements[0].serial, sn);
  // the piece's own history: in, then sold
  const life = await srv.request('GET', `/api/v1/stock/movements?serial_id=${piece.id}`, { as: store });
  assert.deepEqual(life.json.items.map((m) => [m.kind, m.serial]), [['sale', sn], ['receipt', sn]]);
  const ps = (await srv.request('GET', `/api/v1/parts/${sp.id}/stock`, { as: store })).json;
  assert.deepEqual(ps.serials, [], 'the piece left');
  assertError(await srv.request('PATCH', `/api/v1/parts/${sp.id}`, { as: store, body: { version: sp.version, serial_tracked: false } }), 422, 'validation_failed', { serial_tracked: 'has_movements' });
});

test('reservations: available never below zero; released with the document; issue takes the reservation', async () => {
  const p = await part();
  await posted({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 3 * U, unit_cost: 1000 }] });
  const [r1, r2] = [await request(), await request()];
  const reserve = (doc, qty, as = sales) => srv.request('POST', '/api/v1/stock/reserve', { as, body: { doc_kind: 'request', doc_id: doc.id, part_id: p.id, warehouse_id: wh.id, qty } });
  const a = await reserve(r1, 2 * U);
  assert.equal(a.status, 201, a.text);
  const resLog = await srv.request('GET', `/api/v1/audit?entity=stock_reservations&record_id=${r1.id}`, { as: admin });
  assert.deepEqual(resLog.json.items.map((e) => [e.action, e.after.part_id, e.after.qty, e.after.held]), [['reserve', p.id, 2 * U, 2 * U]]);
  assert.deepEqual(a.json.items.map((x) => [x.part_id, x.qty]), [[p.id, 2 * U]]);
  const e = assertError(await reserve(r2, 2 * U), 409, 'conflict', { qty: 'insufficient', available: String(U) });
  assert.match(e.message, /available: 1, asked 2/);
  assertError(await reserve(r2, 0), 422, 'validation_failed', { qty: 'must_be_positive' });
  assertError(await srv.request('POST', '/api/v1/stock/reserve', { as: sales, body: { doc_kind: 'request', doc_id: r2.id, part_id: p.id, warehouse_id: wh.id, qty: U, version: 1 } }), 422, 'validation_failed', { version: 'unknown' });
  assertError(await reserve(r2, U, auditor), 403, 'forbidden');
  let s = await stockOf(p);
  assert.deepEqual([s.on_hand, s.reserved, s.available], [3 * U, 2 * U, U]);
  // what is reserved is not for sale
  assertError(await post({ kind: 'sale', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 2 * U }] }), 409, 'conflict', { 'lines.0.qty': 'insufficient', available: String(U) });
  // the document's issue takes its reservation first, then what is available
  const is = await srv.request('POST', '/api/v1/stock/issue', { as: store, body: { doc_kind: 'request', doc_id: r1.id, part_id: p.id, warehouse_id: wh.id, qty: 3 * U } });
  assert.equal(is.status, 201, is.text);
  s = await stockOf(p);
  assert.deepEqual([s.on_hand, s.reserved], [0, 0]);
  assert.deepEqual((await srv.request('GET', `/api/v1/stock/reservations?doc_kind=request&doc_id=${r1.id}`, { as: sales })).json.items, []);
  // a cancelled request gives back what it held
  await posted({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 2 * U, unit_cost: 1000 }] });
  assert.equal((await reserve(r2, 2 * U)).status, 201);
  const c = await srv.request('POST', `/api/v1/requests/${r2.id}/transitions/cancel`, { as: admin, body: { version: r2.version } });
  assert.equal(c.status, 200, c.text);
  s = await stockOf(p);
  assert.deepEqual([s.reserved, s.available], [0, 2 * U]);
  // release by hand: part of it, then the rest
  assert.equal((await reserve(r1, 2 * U)).status, 201);
  const rel = await srv.request('POST', '/api/v1/stock/release', { as: sales, body: { doc_kind: 'request', doc_id: r1.id, part_id: p.id, warehouse_id: wh.id, qty: U } });
  assert.equal(rel.status, 200, rel.text);
  assert.equal(rel.json.items[0].qty, U);
  assertError(await srv.request('POST', '/api/v1/stock/release', { as: sales, body: { doc_kind: 'request', doc_id: r1.id, part_id: p.id, warehouse_id: wh.id, qty: 5 * U } }), 422, 'validation_failed', { qty: 'more_than_reserved' });
  const all = await srv.request('POST', '/api/v1/stock/release', { as: sales, body: { doc_kind: 'request', doc_id: r1.id } });
  assert.deepEqual(all.json.items, []);
  assert.equal((await stockOf(p)).reserved, 0);
  // a storekeeper of one branch reserves nothing in another's warehouse
  await posted({ kind: 'receipt', warehouse_id: wh2.id, lines: [{ part_id: p.id, qty: U }] }, admin);
  assertError(await srv.request('POST', '/api/v1/stock/reserve', { as: store, body: { doc_kind: 'request', doc_id: r1.id, part_id: p.id, warehouse_id: wh2.id, qty: U } }), 422, 'validation_failed', { warehouse_id: 'out_of_scope' });
  assert.equal((await stockOf(p, wh2)).reserved, 0);
});

test('32 parallel reservations of 1 at a stock of 10: exactly 10 succeed, 22 get 409 with the available quantity', async () => {
  const p = await part();
  await posted({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 10 * U, unit_cost: 500 }] });
  const docs = await Promise.all(Array.from({ length: 4 }, () => request()));
  const rs = await Promise.all(Array.from({ length: 32 }, (_, i) => srv.request('POST', '/api/v1/stock/reserve',
    { as: i % 2 ? sales : store, body: { doc_kind: 'request', doc_id: docs[i % 4].id, part_id: p.id, warehouse_id: wh.id, qty: U } })));
  const ok = rs.filter((r) => r.status === 201);
  const refused = rs.filter((r) => r.status !== 201);
  assert.equal(ok.length, 10, rs.map((r) => r.status).join(','));
  assert.equal(refused.length, 22);
  for (const r of refused) assertError(r, 409, 'conflict', { qty: 'insufficient', available: '0' });
  const s = await stockOf(p);
  assert.deepEqual([s.on_hand, s.reserved, s.available], [10 * U, 10 * U, 0]);
  const held = await srv.request('GET', `/api/v1/stock/reservations?part_id=${p.id}`, { as: admin });
  assert.equal(held.json.items.reduce((n, x) => n + x.qty, 0), 10 * U);
});

test('a stock count: the book quantity at its start, scans, a movement during it, posting makes the adjustments', async () => {
  const cat = 'Инвентаризация ' + uid();
  const [a, b, c] = [await part({ category: cat }), await part({ category: cat }), await part({ category: cat })];
  await posted({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: a.id, qty: 5 * U, unit_cost: 1000 }, { part_id: b.id, qty: 2 * U, unit_cost: 3000 }] });
  const made = await srv.request('POST', '/api/v1/stock_counts', { as: store, body: { warehouse_id: wh.id, category: cat } });
  assert.equal(made.status, 201, made.text);
  const cnt = made.json;
  assert.match(cnt.number, /^ИН-\d{4}-\d{6}$/);
  assert.equal(cnt.status, 'open');
  assertError(await srv.request('POST', '/api/v1/stock_counts', { as: store, body: { warehouse_id: wh.id } }), 422, 'validation_failed', { warehouse_id: 'count_open' });
  assertError(await srv.request('POST', '/api/v1/stock_counts', { as: store, body: { warehouse_id: wh2.id } }), 422, 'validation_failed', { warehouse_id: 'out_of_scope' });
  let lines = (await srv.request('GET', `/api/v1/stock_counts/${cnt.id}/lines`, { as: auditor })).json.items;
  assert.deepEqual(lines.map((l) => [l.part_id, l.book_qty, l.counted]).sort((x, y) => x[0] - y[0]), [[a.id, 5 * U, null], [b.id, 2 * U, null]]);
  // scanning a's barcode four times, b typed as 2, c found on the shelf
  const code = 'CNT' + uid();
  await srv.request('POST', '/api/v1/part_barcodes', { as: store, body: { part_id: a.id, barcode: code } });
  for (let i = 0; i < 4; i++) {
    const r = await srv.request('POST', `/api/v1/stock_counts/${cnt.id}/lines`, { as: store, body: { barcode: code } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.counted, (i + 1) * U);
  }
  assert.equal((await srv.request('POST', `/api/v1/stock_counts/${cnt.id}/lines`, { as: store, body: { part_id: b.id, qty: 2 * U, mode: 'set' } })).status, 200);
  assert.equal((await srv.request('POST', `/api/v1/stock_counts/${cnt.id}/lines`, { as: store, body: { part_id: c.id, qty: U, mode: 'set' } })).status, 200);
  assertError(await srv.request('POST', `/api/v1/stock_counts/${cnt.id}/lines`, { as: store, body: { part_id: c.id, qty: -1, mode: 'set' } }), 422, 'validation_failed', { qty: 'must_be_positive' });
  const other = await part({ category: 'Другое ' + uid() });
  assertError(await srv.request('POST', `/api/v1/stock_counts/${cnt.id}/lines`, { as: store, body: { part_id: other.id } }), 422, 'validation_failed', { part_id: 'other_category' });
  const sheet = (await srv.request('GET', `/api/v1/stock_counts/${cnt.id}/lines`, { as: store })).json;
  // a: 4 counted of 5 → −1 × 10.00; c: +1 at its purchase price 100.00
  assert.equal(sheet.shortage_value, 1000);
  assert.equal(sheet.surplus_value, 10000);
  // meanwhile two of a are sold: the count's difference still applies
  await posted({ kind: 'sale', warehouse_id: wh.id, lines: [{ part_id: a.id, qty: 2 * U }] });
  assertError(await srv.request('POST', `/api/v1/stock_counts/${cnt.id}/post`, { as: store, body: { version: cnt.version + 5 } }), 409, 'conflict');
  assertError(await srv.request('POST', `/api/v1/stock_counts/${cnt.id}/post`, { as: store, raw: '{"version":' }), 400, 'malformed');
  assertError(await srv.request('DELETE', `/api/v1/stock_counts/${cnt.id}`, { as: store }), 409, 'conflict');
  const done = await srv.request('POST', `/api/v1/stock_counts/${cnt.id}/post`, { as: store, body: { version: cnt.version } });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.json.status, 'posted');
  assert.ok(done.json.posting_id > 0);
  assert.deepEqual([(await stockOf(a)).on_hand, (await stockOf(b)).on_hand, (await stockOf(c)).on_hand], [2 * U, 2 * U, U]);
  const adj = (await srv.request('GET', `/api/v1/stock/postings/${done.json.posting_id}`, { as: store })).json;
  assert.deepEqual(adj.movements.map((m) => [m.part_id, m.kind, m.qty]).sort((x, y) => x[0] - y[0]), [[a.id, 'adjustment', -U], [c.id, 'adjustment', U]]);
  assert.deepEqual([adj.doc_kind, adj.doc_id], ['count', cnt.id]);
  assertError(await srv.request('POST', `/api/v1/stock_counts/${cnt.id}/post`, { as: store, body: {} }), 409, 'conflict');
  assertError(await srv.request('POST', `/api/v1/stock_counts/${cnt.id}/lines`, { as: store, body: { part_id: a.id } }), 409, 'conflict');
  // a new count may start now; cancelling one posts nothing
  const again = await srv.request('POST', '/api/v1/stock_counts', { as: store, body: { warehouse_id: wh.id, category: cat } });
  assert.equal(again.status, 201, again.text);
  const cancelled = await srv.request('POST', `/api/v1/stock_counts/${again.json.id}/cancel`, { as: store, body: {} });
  assert.equal(cancelled.json.status, 'cancelled');
});

test('finding the right part: for a model, a unit, a request; by SKU, barcode and words', async () => {
  const orig = await part({ name: 'Фьюзер Ёлочный ' + uid() });
  const analog = await part({ name: 'Фьюзер совместимый ' + uid() });
  await srv.request('POST', '/api/v1/part_models', { as: store, body: { part_id: orig.id, model_id: model.id } });
  await srv.request('POST', '/api/v1/part_analogs', { as: store, body: { part_id: orig.id, analog_id: analog.id, note: 'analog' } });
  await posted({ kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: analog.id, qty: 3 * U, unit_cost: 1000 }] });
  const f = await srv.request('GET', `/api/v1/stock/find?model_id=${model.id}`, { as: sales });
  assert.equal(f.status, 200, f.text);
  assert.deepEqual(f.json.items.map((x) => [x.part.id, x.match, x.available]), [[orig.id, 'compatible', 0], [analog.id, 'analog', 3 * U]]);
  assert.equal(f.json.items[1].via_part_id, orig.id);
  assert.equal(f.json.items[1].stock[0].warehouse_id, wh.id);
  // through a unit of the model and a request about it
  const client = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'person', name: 'Клиент ' + uid() } });
  const unit = await srv.request('POST', '/api/v1/equipment_units', { as: admin, body: { model_id: model.id, serial: 'U-' + uid(), client_id: client.json.id } });
  const req = await srv.request('POST', '/api/v1/requests', { as: admin, body: { subject: 'Замятие', channel: 'phone', client_id: client.json.id, unit_id: unit.json.id } });
  for (const q of [`unit_id=${unit.json.id}`, `request_id=${req.json.id}`]) {
    const r = await srv.request('GET', `/api/v1/stock/find?${q}`, { as: store });
    assert.deepEqual(r.json.items.map((x) => x.part.id), [orig.id, analog.id], q);
  }
  // words: case, ё/е, prefixes
  const w = await srv.request('GET', `/api/v1/stock/find?q=${encodeURIComponent('фьюз елоч')}`, { as: sales });
  assert.deepEqual(w.json.items.map((x) => x.part.id), [orig.id]);
  const sku = await srv.request('GET', `/api/v1/stock/find?q=${encodeURIComponent(analog.sku)}`, { as: sales });
  assert.ok(sku.json.items.some((x) => x.part.id === analog.id));
  const code = 'FIND' + uid();
  await srv.request('POST', '/api/v1/part_barcodes', { as: store, body: { part_id: orig.id, barcode: code } });
  const bc = await srv.request('GET', `/api/v1/stock/find?q=${code}`, { as: sales });
  assert.deepEqual(bc.json.items.map((x) => [x.part.id, x.match]), [[orig.id, 'barcode']]);
  // model and words together narrow each other
  const both = await srv.request('GET', `/api/v1/stock/find?model_id=${model.id}&q=${encodeURIComponent('совместимый')}`, { as: sales });
  assert.deepEqual(both.json.items.map((x) => x.part.id), [analog.id]);
  assertError(await srv.request('GET', '/api/v1/stock/find', { as: sales }), 400, 'malformed');
  assertError(await srv.request('GET', '/api/v1/stock/find?model_id=abc', { as: sales }), 400, 'malformed');
});

test('the stock-on-hand report and a warehouse\'s page', async () => {
  const rep = await srv.request('GET', '/api/v1/reports/stock_on_hand', { as: store });
  assert.equal(rep.status, 200, rep.text);
  // a branch-scoped storekeeper sees their branch's warehouses only
  assert.deepEqual(rep.json.rows.map((r) => r.key), [String(wh.id)]);
  const all = await srv.request('GET', '/api/v1/reports/stock_on_hand', { as: admin });
  assert.ok(all.json.rows.length >= 2);
  const page = await srv.request('GET', `/api/v1/warehouses/${wh.id}/stock`, { as: sales });
  assert.equal(page.status, 200, page.text);
  const row = all.json.rows.find((r) => r.key === String(wh.id));
  assert.equal(Math.round(row.value * 100), page.json.value, 'the report\'s value is the page\'s');
  assertError(await srv.request('GET', `/api/v1/warehouses/${wh2.id}/stock`, { as: store }), 404, 'not_found');
  const csv = await srv.request('GET', '/api/v1/reports/stock_on_hand?format=csv', { as: admin });
  assert.equal(csv.status, 200);
});

// a seeded generator, so a failure can be replayed
function rng(seed) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

test('stock verify agrees after 1 000 randomized operations, and names a difference made behind its back', { timeout: 300000 }, async () => {
  const seed = Number(process.env.STOCK_SEED ?? Date.now() % 100000);
  const rand = rng(seed);
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const ps = await Promise.all(Array.from({ length: 6 }, () => part()));
  const docs = await Promise.all(Array.from({ length: 3 }, () => request()));
  const whs = [wh, wh2];
  const transfers = [];
  const posts = [];
  const tally = {};
  for (let i = 0; i < 1000; i++) {
    const p = pick(ps), w = pick(whs), other = whs.find((x) => x !== w);
    const qty = (1 + Math.floor(rand() * 5)) * (rand() < 0.2 ? 250 : U);
    const op = pick(['receipt', 'receipt', 'issue', 'sale', 'write_off', 'transfer', 'receive', 'return_in', 'return_out',
      'reserve', 'release', 'reverse', 'issue_doc']);
    let r;
    switch (op) {
      case 'transfer': r = await post({ kind: 'transfer', warehouse_id: w.id, to_warehouse_id: other.id, lines: [{ part_id: p.id, qty }] }, admin); if (r.status === 201) transfers.push(r.json.id); break;
      case 'receive': if (!transfers.length) continue; r = await srv.request('POST', `/api/v1/stock/postings/${transfers.shift()}/receive`, { as: admin, body: {} }); break;
      case 'reserve': r = await srv.request('POST', '/api/v1/stock/reserve', { as: admin, body: { doc_kind: 'request', doc_id: pick(docs).id, part_id: p.id, warehouse_id: w.id, qty } }); break;
      case 'release': r = await srv.request('POST', '/api/v1/stock/release', { as: admin, body: { doc_kind: 'request', doc_id: pick(docs).id, part_id: p.id, warehouse_id: w.id } }); break;
      case 'issue_doc': r = await srv.request('POST', '/api/v1/stock/issue', { as: admin, body: { doc_kind: 'request', doc_id: pick(docs).id, part_id: p.id, warehouse_id: w.id, qty } }); break;
      case 'reverse': if (!posts.length) continue; r = await srv.request('POST', `/api/v1/stock/postings/${pick(posts)}/reverse`, { as: admin, body: {} }); break;
      default:
        r = await post({ kind: op, warehouse_id: w.id, reason: op === 'write_off' ? 'Проверка' : undefined,
          lines: [{ part_id: p.id, qty, unit_cost: op === 'receipt' ? Math.floor(rand() * 100000) : undefined }] }, admin);
    }
    assert.ok([200, 201, 404, 409].includes(r.status), `seed ${seed}, op ${i} ${op}: ${r.status} ${r.text}`);
    if (r.status === 201 && r.json?.id && op !== 'reserve' && op !== 'transfer') posts.push(r.json.id);
    tally[`${op} ${r.status}`] = (tally[`${op} ${r.status}`] ?? 0) + 1;
  }
  assert.ok(tally['receipt 201'] > 50 && (tally['sale 201'] ?? 0) > 10 && (tally['reverse 201'] ?? 0) > 5, JSON.stringify(tally));
  for (const p of ps) {
    for (const w of whs) {
      const s = await stockOf(p, w);
      assert.ok(s.on_hand >= 0 && s.reserved <= s.on_hand, `seed ${seed}: ${JSON.stringify(s)}`);
    }
  }
  const ok = runCli(['stock', 'verify', '--db', srv.db]);
  assert.equal(ok.status, 0, `seed ${seed}: ${ok.stderr}`);
  assert.match(ok.stdout, /stock agrees with the ledger: \d+ balances verified/);
  // a balance changed behind the ledger's back is named
  const victim = ps[0];
  const sql = runCli(['test-sql', '--db', srv.db], { input: `UPDATE stock_balances SET on_hand = on_hand + 7 WHERE part_id = ${victim.id} AND warehouse_id = ${wh.id};` });
  assert.equal(sql.status, 0, sql.stderr);
  const bad = runCli(['stock', 'verify', '--db', srv.db]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, new RegExp(`part ${victim.id}, warehouse ${wh.id}: on_hand kept -?\\d+, ledger says -?\\d+`));
  assert.match(bad.stderr, /1 difference in \d+ balances/);
  runCli(['test-sql', '--db', srv.db], { input: `UPDATE stock_balances SET on_hand = on_hand - 7 WHERE part_id = ${victim.id} AND warehouse_id = ${wh.id};` });
  assert.equal(runCli(['stock', 'verify', '--db', srv.db]).status, 0);
});
