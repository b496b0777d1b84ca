// workshop-estimates.test.mjs — what a repair order charges and uses: the
// works catalog, the order's lines with VAT, the estimate sent and kept as a
// version, the client's answer on the public page (rate-limited as the status
// page is; a wrong code is not found) or recorded by a manager (who, how),
// the client's price ceiling, a change after approval, parts reserved on
// approval and issued from stock (409 with the available quantity; no issue
// with reserved parts left), cancelling releases, time logged on labour
// lines, cost and margin for managers only, the paid-work delay penalty.
// Runs on SQLite and on PostgreSQL (SERVITOR_TEST_DB=postgres).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useServer, assertError, uid, nextAddr } from './harness.mjs';
import { testClock, TEST_CLOCK_ENV } from '../lib.mjs';

const srv = useServer({ requests: 0, env: TEST_CLOCK_ENV });
const PASSWORD = 'password-123';
const U = 1000;
let admin, mgr, tech, tech2, store, client, wh, work, fee, partA, partB;

async function create(path, body, as = admin) {
  const r = await srv.request('POST', path, { as, body });
  assert.equal(r.status, 201, `${path}: ${r.text}`);
  return r.json;
}
async function makeUser(role, extra = {}) {
  const login = `es${uid()}`;
  const u = await create('/api/v1/users', { login, name: `Сотрудник ${login}`, role, password: PASSWORD, ...extra });
  const s = await srv.login(login, PASSWORD);
  s.user = u;
  return s;
}
const move = (as, order, name, body = {}) =>
  srv.request('POST', `/api/v1/repair_orders/${order.id}/transitions/${name}`, { as, body: { version: order.version, ...body } });
async function moveOk(as, order, name, body) {
  const r = await move(as, order, name, body);
  assert.equal(r.status, 200, `${name}: ${r.text}`);
  return r.json;
}
const get = async (id, as = mgr) => (await srv.request('GET', `/api/v1/repair_orders/${id}`, { as })).json;
const summary = async (id, as = mgr) => {
  const r = await srv.request('GET', `/api/v1/repair_orders/${id}/summary`, { as });
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const line = (body, as = tech) => srv.request('POST', '/api/v1/repair_order_lines', { as, body });
async function lineOk(body, as = tech) {
  const r = await line(body, as);
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function stockOf(p) {
  const r = await srv.request('GET', `/api/v1/parts/${p.id}/stock`, { as: admin });
  return r.json.stock.find((s) => s.warehouse_id === wh.id) ?? { on_hand: 0, reserved: 0, available: 0 };
}
async function publicPage(o, code = o.access_code, addr = nextAddr()) {
  return fetch(`${srv.base}/api/v1/public/repair_orders/status?number=${encodeURIComponent(o.number)}&code=${code}`,
    { headers: { 'x-forwarded-for': addr } }).then(async (r) => { const text = await r.text(); return { status: r.status, headers: r.headers, text, json: JSON.parse(text) }; });
}
async function answer(o, decision, version, code = o.access_code, addr = nextAddr()) {
  const r = await fetch(`${srv.base}/api/v1/public/repair_orders/estimate`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': addr },
    body: JSON.stringify({ number: o.number, code, version, decision }),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, json: JSON.parse(text) };
}

before(async () => {
  admin = await srv.as('admin');
  mgr = await srv.as('manager');
  tech = await makeUser('technician', { cost_rate_per_hour: 60000 });
  tech2 = await makeUser('technician');
  store = await srv.as('storekeeper');
  wh = (await srv.request('GET', '/api/v1/warehouses?sort=id', { as: admin })).json.items.find((w) => w.active !== false);
  client = await create('/api/v1/clients', { kind: 'person', name: 'Сметов ' + uid(), phone: '+7916' + String(Date.now()).slice(-7) });
  work = await create('/api/v1/works', { name: 'Замена термопасты ' + uid(), std_minutes: 30, price: 150000, vat: '20' }, mgr);
  fee = await create('/api/v1/works', { name: 'Диагностика ' + uid(), std_minutes: 20, price: 50000, vat: 'none', diagnostics_fee: true }, mgr);
  partA = await create('/api/v1/parts', { sku: 'ES-' + uid(), name: 'Вентилятор ' + uid(), purchase_price: 20000, sale_price: 33333, vat: '20' });
  partB = await create('/api/v1/parts', { sku: 'ES-' + uid(), name: 'Шлейф ' + uid(), purchase_price: 5000, sale_price: 9900, vat: '20' });
  for (const [p, cost] of [[partA, 20000], [partB, 5000]]) {
    const r = await srv.request('POST', '/api/v1/stock/postings', { as: admin, body: { kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 3 * U, unit_cost: cost }] } });
    assert.equal(r.status, 201, r.text);
  }
});

async function order(extra = {}) {
  let o = await create('/api/v1/repair_orders', { client_id: client.id, declared_fault: 'Перегревается', demand: 'estimate_first', technician_id: tech.user.id, ...extra }, mgr);
  o = await moveOk(tech, o, 'diagnose');
  return o;
}

test('the works catalog: workshop.settings writes, technicians read; bad input names the field', async () => {
  assertError(await srv.request('POST', '/api/v1/works', { as: tech, body: { name: 'Чистка', price: 100 } }), 403, 'forbidden');
  assertError(await srv.request('POST', '/api/v1/works', { as: mgr, body: { name: 'Чистка ' + uid(), price: -1 } }), 422, 'validation_failed', { price: 'too_small' });
  assertError(await srv.request('POST', '/api/v1/works', { as: mgr, body: { name: 'Чистка ' + uid(), price: 100, vat: '18' } }), 422, 'validation_failed', { vat: 'invalid_enum' });
  const r = await srv.request('GET', `/api/v1/works/${work.id}`, { as: tech });
  assert.equal(r.status, 200);
  assert.equal(r.json.price, 150000);
  assert.equal(r.json.std_minutes, 30);
  const meta = (await srv.request('GET', '/api/v1/meta', { as: mgr })).json;
  const wm = meta.entities.find((e) => e.name === 'works');
  assert.equal(wm.fields.find((f) => f.name === 'price').type, 'money');
});

test('lines: from the catalog, free text and parts; totals with VAT included, rounded per line; bad input changes nothing', async () => {
  const o = await order();
  const l1 = await lineOk({ repair_order_id: o.id, kind: 'labour', work_id: work.id });
  assert.equal(l1.description, work.name);
  assert.equal(l1.amount, 150000);
  assert.equal(l1.vat_amount, 25000, '1500 ₽ with 20 % VAT included: 250 ₽');
  const l2 = await lineOk({ repair_order_id: o.id, kind: 'part', part_id: partA.id, warehouse_id: wh.id, qty: 2 * U });
  assert.equal(l2.price, 33333);
  assert.equal(l2.amount, 66666);
  assert.equal(l2.vat_amount, 11111, '666,66 × 20/120 = 111,11');
  const l3 = await lineOk({ repair_order_id: o.id, kind: 'labour', description: 'Срочность', price: 10001, vat: '20', discount: 1 });
  assert.equal(l3.amount, 10000);
  assert.equal(l3.vat_amount, 1667, '100 × 20/120 = 16,666… → 16,67');
  assertError(await line({ repair_order_id: o.id, kind: 'labour', description: 'Без цены' }), 422, 'validation_failed', { price: 'required' });
  assertError(await line({ repair_order_id: o.id, kind: 'part', warehouse_id: wh.id }), 422, 'validation_failed', { part_id: 'required' });
  assertError(await line({ repair_order_id: o.id, kind: 'labour', description: 'Скидка', price: 100, discount: 200 }), 422, 'validation_failed', { discount: 'more_than_line' });
  assertError(await line({ repair_order_id: 999999999, kind: 'labour', description: 'Нет', price: 100 }), 422, 'validation_failed', { repair_order_id: 'not_found' });
  const s = await summary(o.id);
  assert.equal(s.lines.length, 3, 'nothing made by bad input');
  assert.deepEqual(s.totals, { total: 226666, vat: 37778, labour: 160000, parts: 66666, diagnostics_fee: 0 });
  // an order in another state: its lines no longer change
  const done = await create('/api/v1/repair_orders', { client_id: client.id, declared_fault: 'Закрыт', demand: 'repair' }, mgr);
  await moveOk(mgr, done, 'cancel');
  assertError(await line({ repair_order_id: done.id, kind: 'labour', description: 'Поздно', price: 100 }), 409, 'conflict');
});

test('the estimate: sent as a version, approved by the client on the status page, parts reserved; the client sees no cost', async () => {
  let o = await order();
  assertError(await move(tech, o, 'send_estimate'), 409, 'conflict');
  await lineOk({ repair_order_id: o.id, kind: 'labour', work_id: work.id });
  const pl = await lineOk({ repair_order_id: o.id, kind: 'part', part_id: partB.id, warehouse_id: wh.id, qty: 1 * U });
  const before = await stockOf(partB);
  o = await moveOk(tech, o, 'send_estimate');
  assert.equal(o.status, 'estimate_sent');
  assert.equal(o.estimate_version, 1);
  assert.equal(o.estimate_total, 159900);
  const page = await publicPage(o);
  assert.equal(page.status, 200);
  assert.equal(page.json.estimate.version, 1);
  assert.equal(page.json.estimate.total, 159900);
  assert.equal(page.json.estimate.lines.length, 2);
  assert.ok(!JSON.stringify(page.json).includes('purchase'), 'no costs on the public page');
  // a wrong code: the same answer as a wrong number, nothing changed
  const wrong = await answer(o, 'approve', 1, 'ZZZZZZZZZZ');
  assertError(wrong, 404, 'not_found');
  const wrongNumber = await answer({ ...o, number: 'ЗН-1999-000001' }, 'approve', 1);
  assert.deepEqual(wrongNumber.json, wrong.json);
  assert.equal((await get(o.id)).status, 'estimate_sent');
  assertError(await answer(o, 'maybe', 1), 422, 'validation_failed', { decision: 'invalid' });
  // the version the client saw must be the current one
  assertError(await answer(o, 'approve', 7), 409, 'conflict');
  const ok = await answer(o, 'approve', 1);
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  assert.equal(ok.json.status, 'approved');
  o = await get(o.id);
  assert.equal(o.approved_total, 159900);
  assert.equal(o.approval_via, 'client_page');
  const after = await stockOf(partB);
  assert.equal(after.reserved - before.reserved, 1 * U, 'the part is reserved on approval');
  const s = await summary(o.id);
  assert.equal(s.lines.find((l) => l.id === pl.id).reserved, 1 * U);
  assert.equal(s.estimates[0].status, 'approved');
  assert.equal(s.estimates[0].answered_via, 'client_page');
  const tl = (await srv.request('GET', `/api/v1/repair_orders/${o.id}/timeline`, { as: mgr })).json.items;
  assert.ok(tl.some((e) => e.kind === 'estimate_approved'), 'on the timeline');
  assert.ok(tl.some((e) => e.kind === 'status' && e.to === 'approved'));
  // answered once
  assertError(await answer(o, 'decline', 1), 409, 'conflict');
});

test('wrong access codes for the estimate are rate-limited like the status page', async () => {
  let o = await order();
  await lineOk({ repair_order_id: o.id, kind: 'labour', work_id: work.id });
  o = await moveOk(tech, o, 'send_estimate');
  const addr = nextAddr();
  const codes = [];
  for (let i = 0; i < 11; i++) codes.push((await answer(o, 'approve', 1, 'WRONG' + i, addr)).status);
  assert.deepEqual(codes.slice(0, 10), Array(10).fill(404));
  assert.equal(codes[10], 429);
  assert.equal((await answer(o, 'approve', 1, o.access_code, addr)).status, 429, 'the address waits even with the right code');
  assert.equal((await get(o.id)).status, 'estimate_sent', 'nothing changed');
});

test('the price ceiling: over it the manager approves only with the client\'s explicit consent; who and how are required', async () => {
  let o = await order({ price_ceiling: 100000 });
  await lineOk({ repair_order_id: o.id, kind: 'labour', work_id: work.id });
  // the client asked for repair within a ceiling: no straight repair over it
  o = await moveOk(tech, o, 'send_estimate');
  assertError(await move(mgr, o, 'approve', {}), 422, 'validation_failed', { approval_by: 'required', approval_via: 'required' });
  const over = await move(mgr, o, 'approve', { approval_by: 'Сметов (клиент)', approval_via: 'phone' });
  assertError(over, 409, 'conflict', { over_ceiling_agreed: 'required' });
  assert.match(over.json.error.message, /ceiling/);
  assertError(await move(mgr, o, 'approve', { approval_by: 'x', approval_via: 'client_page' }), 422, 'validation_failed', { approval_via: 'client_only' });
  assert.equal((await get(o.id)).status, 'estimate_sent');
  o = await moveOk(mgr, o, 'approve', { approval_by: 'Сметов (клиент)', approval_via: 'phone', over_ceiling_agreed: true });
  assert.equal(o.status, 'approved');
  assert.equal(o.approval_by, 'Сметов (клиент)');
  assert.equal(o.approval_via, 'phone');
  assert.ok(o.approved_at);
  const audit = await srv.request('GET', `/api/v1/audit?entity=repair_orders&record_id=${o.id}`, { as: admin });
  assert.ok(audit.json.items.some((a) => a.action === 'approve'), 'audited');
  // a repair-demand order within a ceiling may not skip the estimate when over it
  let r = await create('/api/v1/repair_orders', { client_id: client.id, declared_fault: 'Срочно', demand: 'repair', technician_id: tech.user.id, price_ceiling: 1000 }, mgr);
  r = await moveOk(tech, r, 'diagnose');
  await lineOk({ repair_order_id: r.id, kind: 'labour', work_id: work.id });
  assertError(await move(tech, r, 'start_repair'), 409, 'conflict');
  // the approval fields are not set by hand
  assertError(await srv.request('POST', '/api/v1/repair_orders', { as: mgr, body: { declared_fault: 'x', approval_by: 'я' } }), 422, 'validation_failed', { approval_by: 'not_taken' });
});

test('a change after approval: within the approved total it goes, over it needs a new estimate and answer', async () => {
  let o = await order();
  const l = await lineOk({ repair_order_id: o.id, kind: 'labour', work_id: work.id });
  o = await moveOk(tech, o, 'send_estimate');
  o = await moveOk(mgr, o, 'approve', { approval_by: 'Клиент', approval_via: 'in_person' });
  o = await moveOk(tech, o, 'start_repair');
  // a discount lowers the total: fine
  const cheaper = await srv.request('PATCH', `/api/v1/repair_order_lines/${l.id}`, { as: tech, body: { version: l.version, discount: 10000 } });
  assert.equal(cheaper.status, 200, cheaper.text);
  const more = await line({ repair_order_id: o.id, kind: 'labour', description: 'Дополнительно', price: 20000 });
  assertError(more, 409, 'conflict', { total: 'over_approved' });
  assert.match(more.json.error.message, /approved/);
  assert.equal((await summary(o.id)).lines.length, 1, 'nothing added');
  o = await get(o.id);
  o = await moveOk(tech, o, 'send_estimate');
  assert.equal(o.estimate_version, 2);
  await lineOk({ repair_order_id: o.id, kind: 'labour', description: 'Дополнительно', price: 20000 });
  o = await get(o.id);
  assert.equal(o.estimate_version, 3, 'a change of a sent estimate sends a new version');
  assert.equal(o.estimate_total, 160000);
  assertError(await answer(o, 'approve', 2), 409, 'conflict', { version: 'stale' });
  assert.equal((await answer(o, 'approve', 3)).status, 200);
  const s = await summary(o.id);
  assert.deepEqual(s.estimates.map((e) => [e.version, e.status]), [[3, 'approved'], [2, 'superseded'], [1, 'approved']]);
  assert.equal((await get(o.id)).approved_total, 160000);
});

test('parts: reservation 409 with the available quantity; issued from stock; no issue of the unit with reserved parts; cost and margin for managers only', async () => {
  const p = await create('/api/v1/parts', { sku: 'ES-' + uid(), name: 'Плата ' + uid(), purchase_price: 100000, sale_price: 250000, vat: '20' });
  await srv.request('POST', '/api/v1/stock/postings', { as: admin, body: { kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: p.id, qty: 1 * U, unit_cost: 100000 }] } });
  let o = await order({ planned_date: '2020-01-01' });
  const lab = await lineOk({ repair_order_id: o.id, kind: 'labour', work_id: work.id });
  const pl = await lineOk({ repair_order_id: o.id, kind: 'part', part_id: p.id, warehouse_id: wh.id, qty: 2 * U });
  o = await moveOk(tech, o, 'send_estimate');
  const short = await move(mgr, o, 'approve', { approval_by: 'Клиент', approval_via: 'phone' });
  assertError(short, 409, 'conflict', { qty: 'insufficient', available: String(1 * U), line_id: String(pl.id) });
  assert.equal((await get(o.id)).status, 'estimate_sent', 'not approved');
  assert.equal((await stockOf(p)).reserved, 0, 'nothing reserved');
  // one is enough after all
  const fix = await srv.request('PATCH', `/api/v1/repair_order_lines/${pl.id}`, { as: tech, body: { version: pl.version, qty: 1 * U } });
  assert.equal(fix.status, 200, fix.text);
  o = await get(o.id);
  o = await moveOk(mgr, o, 'approve', { approval_by: 'Клиент', approval_via: 'email' });
  assert.equal((await stockOf(p)).reserved, 1 * U);
  // adding a part to an approved order reserves it at once: 409 when there is none
  const none = await line({ repair_order_id: o.id, kind: 'part', part_id: p.id, warehouse_id: wh.id, qty: 1 * U, price: 0 });
  assert.equal(none.status, 409, none.text);
  assert.equal(none.json.error.fields.available, '0');
  assert.equal(none.json.error.fields.qty, 'insufficient');
  o = await moveOk(tech, o, 'start_repair');
  // time against the labour line
  assertError(await srv.request('POST', `/api/v1/repair_orders/${o.id}/time/start`, { as: tech, body: { line_id: pl.id } }), 422, 'validation_failed', { line_id: 'not_labour' });
  const started = await srv.request('POST', `/api/v1/repair_orders/${o.id}/time/start`, { as: tech, body: { line_id: lab.id } });
  assert.equal(started.status, 201, started.text);
  assertError(await srv.request('POST', `/api/v1/repair_orders/${o.id}/time/start`, { as: tech, body: { line_id: lab.id } }), 409, 'conflict');
  await testClock(srv.base, { advance: 90 * 60 });
  const stopped = await srv.request('POST', `/api/v1/repair_orders/${o.id}/time/stop`, { as: tech, body: {} });
  assert.equal(stopped.status, 200, stopped.text);
  assert.equal(stopped.json.minutes, 90);
  await create('/api/v1/repair_time_logs', { line_id: lab.id, minutes: 30 }, tech);
  o = await get(o.id);
  o = await moveOk(tech, o, 'to_qc');
  o = await moveOk(tech2, o, 'qc_pass');
  const pd = await srv.request('PATCH', `/api/v1/repair_orders/${o.id}`, { as: mgr, body: { version: o.version, paid: true } });
  o = pd.json;
  const refused = await move(mgr, o, 'issue');
  assertError(refused, 409, 'conflict');
  assert.match(refused.json.error.message, /reserved/);
  // a technician without stock rights does not issue; the storekeeper does
  assertError(await srv.request('POST', `/api/v1/repair_orders/${o.id}/issue_parts`, { as: tech, body: {} }), 403, 'forbidden');
  const is = await srv.request('POST', `/api/v1/repair_orders/${o.id}/issue_parts`, { as: admin, body: {} });
  assert.equal(is.status, 200, is.text);
  assert.equal(is.json.issued.length, 1);
  const st = await stockOf(p);
  assert.equal(st.reserved, 0);
  assert.equal(st.on_hand, 0);
  // cost and margin: the manager sees them, the technician does not
  const sm = await summary(o.id, mgr);
  assert.deepEqual(sm.cost, { parts: 100000, labour: 120000, minutes: 120, total: 220000, revenue: 400000, margin: 180000 });
  const stech = await summary(o.id, tech);
  assert.equal(stech.cost, undefined);
  assert.ok(!('cost' in stech));
  // the paid-work delay penalty: planned long ago, 3 % a day, capped at the labour price
  assert.equal(sm.penalty.price, 150000);
  assert.ok(sm.penalty.days_overdue > 33);
  assert.equal(sm.penalty.amount, 150000, 'capped at the price');
  o = await moveOk(mgr, await get(o.id), 'issue');
  assert.equal(o.status, 'issued');
});

test('a declined estimate: the unit goes back with the diagnostics fee paid; cancelling releases the parts', async () => {
  let o = await order();
  await lineOk({ repair_order_id: o.id, kind: 'labour', work_id: fee.id });
  await lineOk({ repair_order_id: o.id, kind: 'labour', work_id: work.id });
  o = await moveOk(tech, o, 'send_estimate');
  assert.equal((await answer(o, 'decline', 1)).status, 200);
  o = await get(o.id);
  assert.equal(o.status, 'declined');
  assert.equal((await summary(o.id)).totals.diagnostics_fee, 50000);
  const r = await move(mgr, o, 'return_unit');
  assertError(r, 409, 'conflict');
  assert.match(r.json.error.message, /diagnostics fee/);
  const pd = await srv.request('PATCH', `/api/v1/repair_orders/${o.id}`, { as: mgr, body: { version: o.version, paid: true } });
  o = await moveOk(mgr, pd.json, 'return_unit');
  assert.equal(o.status, 'issued');

  let c = await order();
  await lineOk({ repair_order_id: c.id, kind: 'part', part_id: partA.id, warehouse_id: wh.id, qty: 1 * U });
  const before = await stockOf(partA);
  c = await moveOk(tech, c, 'send_estimate');
  c = await moveOk(mgr, c, 'approve', { approval_by: 'Клиент', approval_via: 'phone' });
  assert.equal((await stockOf(partA)).reserved, before.reserved + 1 * U);
  c = await moveOk(mgr, c, 'cancel');
  assert.equal((await stockOf(partA)).reserved, before.reserved, 'released');

  // a revised estimate declined: what the order held goes back
  let d = await order();
  await lineOk({ repair_order_id: d.id, kind: 'part', part_id: partA.id, warehouse_id: wh.id, qty: 1 * U });
  d = await moveOk(tech, d, 'send_estimate');
  d = await moveOk(mgr, d, 'approve', { approval_by: 'Клиент', approval_via: 'phone' });
  assert.equal((await stockOf(partA)).reserved, before.reserved + 1 * U);
  d = await moveOk(tech, d, 'send_estimate');
  assert.equal((await answer(d, 'decline', 2)).status, 200);
  assert.equal((await stockOf(partA)).reserved, before.reserved, 'released on decline');
});

test('the delay penalty of a paid repair without an estimate: the labour lines are the price; none for a warranty repair', async () => {
  let o = await create('/api/v1/repair_orders', { client_id: client.id, declared_fault: 'Просрочка', demand: 'repair', technician_id: tech.user.id, planned_date: '2026-01-10' }, mgr);
  await lineOk({ repair_order_id: o.id, kind: 'labour', work_id: work.id });
  await lineOk({ repair_order_id: o.id, kind: 'part', part_id: partB.id, warehouse_id: wh.id, qty: 1 * U });
  const s = await summary(o.id);
  const days = Math.round((Date.parse(s.penalty.until) - Date.parse('2026-01-10')) / 86400e3);
  assert.equal(s.penalty.price, 150000, 'labour only, parts are not the work');
  assert.equal(s.penalty.days_overdue, days);
  assert.equal(s.penalty.amount, Math.min(150000, Math.round(150000 * 0.03 * days)));
  const w = await create('/api/v1/repair_orders', { client_id: client.id, declared_fault: 'Гарантия', warranty: true, warranty_reason: 'Решение руководителя', planned_date: '2026-01-10' }, mgr);
  await lineOk({ repair_order_id: w.id, kind: 'labour', work_id: work.id }, mgr);
  assert.equal((await summary(w.id)).penalty, undefined);
});

test('the request\'s public page lists its repair orders with links', async () => {
  const req = await create('/api/v1/requests', { subject: 'Сломался ' + uid(), channel: 'phone', client_id: client.id }, mgr);
  const o = await create('/api/v1/repair_orders', { request_id: req.id, declared_fault: 'Сломался' }, mgr);
  const r = await fetch(`${srv.base}/api/v1/public/status?number=${encodeURIComponent(req.number)}&code=${req.access_code}`, { headers: { 'x-forwarded-for': nextAddr() } });
  const j = await r.json();
  assert.equal(r.status, 200);
  assert.deepEqual(j.repair_orders, [{ number: o.number, status: 'accepted', code: o.access_code }]);
});

const dir = mkdtempSync(join(tmpdir(), 'servitor-est-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
async function pdf(as, id, name) {
  const r = await fetch(`${srv.base}/api/v1/repair_orders/${id}/documents/${name}.pdf`, { headers: { cookie: as.cookie, 'x-forwarded-for': as.addr } });
  const bytes = Buffer.from(await r.arrayBuffer());
  if (r.status !== 200) return { status: r.status, json: JSON.parse(bytes.toString()) };
  const file = join(dir, `${name}${uid()}.pdf`);
  writeFileSync(file, bytes);
  const t = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stderr);
  const info = spawnSync('pdfinfo', [file], { encoding: 'utf8' });
  return { status: 200, file, pages: Number(/Pages:\s+(\d+)/.exec(info.stdout)[1]), flat: t.stdout.replace(/\s+/g, ' ') };
}

test('the estimate PDF: the version sent, its lines and totals with VAT, the answer; none before one is sent; the completion act lists the lines', async () => {
  let o = await order({ price_ceiling: 500000 });
  await lineOk({ repair_order_id: o.id, kind: 'labour', work_id: work.id });
  await lineOk({ repair_order_id: o.id, kind: 'part', part_id: partB.id, warehouse_id: wh.id, qty: 2 * U });
  const early = await pdf(mgr, o.id, 'estimate');
  assert.equal(early.status, 409);
  o = await moveOk(tech, o, 'send_estimate');
  await answer(o, 'approve', 1);
  const e = await pdf(tech, o.id, 'estimate');
  assert.equal(e.status, 200);
  assert.equal(e.pages, 1);
  for (const s of [`Смета на ремонт № ${o.number}/1`, work.name, partB.name, '1 500,00', '99,00', '198,00',
    'Итого, ₽: 1 698,00', 'в том числе НДС, ₽: 283,00', '5 000,00 ₽', 'Смета согласована', 'на странице статуса заказа']) {
    assert.ok(e.flat.includes(s), `${s} in: ${e.flat}`);
  }
  const meta = (await srv.request('GET', '/api/v1/meta', { as: mgr })).json.entities.find((x) => x.name === 'repair_orders');
  assert.deepEqual(meta.documents.find((d) => d.name === 'completion_act').states, ['ready', 'issued']);
  // the completion act, once ready
  o = await get(o.id);
  o = await moveOk(tech, o, 'start_repair');
  await srv.request('POST', `/api/v1/repair_orders/${o.id}/issue_parts`, { as: admin, body: {} });
  o = await moveOk(tech, await get(o.id), 'to_qc');
  o = await moveOk(tech2, o, 'qc_pass');
  const act = await pdf(mgr, o.id, 'completion_act');
  assert.equal(act.status, 200);
  for (const s of ['Выполненные работы и установленные запчасти', work.name, partB.name, 'Итого, ₽: 1 698,00']) {
    assert.ok(act.flat.includes(s), `${s} in: ${act.flat}`);
  }
  if (process.env.SERVITOR_SHOTS) {
    spawnSync('pdftoppm', ['-png', '-r', '60', e.file, join(process.env.SERVITOR_SHOTS, 'estimate-pdf')]);
    spawnSync('pdftoppm', ['-png', '-r', '60', act.file, join(process.env.SERVITOR_SHOTS, 'completion-act-pdf')]);
  }
});
