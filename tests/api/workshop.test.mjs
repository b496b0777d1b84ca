// workshop.test.mjs — repair orders (заказ-наряды): made from a request or at
// the counter, numbered in their own series; the workflow with its guards
// (an estimate first, QC by someone other than the technician, no issue
// unpaid and out of warranty); the warranty decided from the unit, an
// earlier repair and a contract, overridden by a manager with a reason; the
// legal clock of a warranty repair; the public page. Runs on SQLite and on
// PostgreSQL (SERVITOR_TEST_DB=postgres).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useServer, assertError, uid } from './harness.mjs';
import { testClock, TEST_CLOCK_ENV } from '../lib.mjs';

const srv = useServer({ requests: 0, env: TEST_CLOCK_ENV });
const PASSWORD = 'password-123';
let admin, mgr, tech, tech2, model, client;

async function create(path, body, as = admin) {
  const r = await srv.request('POST', path, { as, body });
  assert.equal(r.status, 201, `${path}: ${r.text}`);
  return r.json;
}

async function makeUser(role) {
  const login = `ws${uid()}`;
  await create('/api/v1/users', { login, name: `Мастер ${login}`, role, password: PASSWORD });
  return srv.login(login, PASSWORD);
}

async function move(as, order, name, body = {}) {
  return srv.request('POST', `/api/v1/repair_orders/${order.id}/transitions/${name}`, { as, body: { version: order.version, ...body } });
}
async function moveOk(as, order, name, body) {
  const r = await move(as, order, name, body);
  assert.equal(r.status, 200, `${name}: ${r.text}`);
  return r.json;
}

const today = () => new Date(Date.now() + 3 * 3600e3).toISOString().slice(0, 10);
const addDays = (d, n) => new Date(Date.parse(d + 'T00:00:00Z') + n * 86400e3).toISOString().slice(0, 10);

before(async () => {
  admin = await srv.as('admin');
  mgr = await srv.as('manager');
  tech = await makeUser('technician');
  tech2 = await makeUser('technician');
  model = await create('/api/v1/equipment_models', { brand: 'Цех', model: 'Ц-' + uid(), warranty_months: 12 });
  client = await create('/api/v1/clients', { kind: 'person', name: 'Заказчиков ' + uid(), phone: '+7999' + String(Date.now()).slice(-7) });
});

async function unit(purchase) {
  return create('/api/v1/equipment_units', { model_id: model.id, serial: 'WS-' + uid(), client_id: client.id, ...(purchase ? { purchase_date: purchase } : {}) });
}

test('an order made from a request takes its client, unit and fault, is numbered in its own series and listed by request', async () => {
  const u = await unit();
  const req = await create('/api/v1/requests', { subject: 'Не включается', description: 'После грозы', channel: 'phone', unit_id: u.id }, mgr);
  const o = await create('/api/v1/repair_orders', { request_id: req.id, accessories: 'кабель питания', intake_condition: 'царапины на корпусе', demand: 'repair', technician_id: tech.user.id }, mgr);
  assert.match(o.number, /^ЗН-\d{4}-\d{6}$/);
  assert.equal(o.status, 'accepted');
  assert.equal(o.client_id, client.id);
  assert.equal(o.unit_id, u.id);
  assert.equal(o.declared_fault, 'Не включается\nПосле грозы');
  assert.match(o.access_code, /^[0-9A-Z]{6,16}$/);
  const o2 = await create('/api/v1/repair_orders', { request_id: req.id, declared_fault: 'Второй блок' }, mgr);
  const n = (s) => Number(s.split('-')[2]);
  assert.equal(n(o2.number), n(o.number) + 1, 'gapless');
  const list = await srv.request('GET', `/api/v1/repair_orders?request_id=${req.id}`, { as: mgr });
  assert.deepEqual(list.json.items.map((x) => x.id).sort(), [o.id, o2.id].sort());
  const tl = await srv.request('GET', `/api/v1/requests/${req.id}/timeline`, { as: mgr });
  assert.ok(tl.json.items.some((e) => e.kind === 'repair_order' && e.body === o.number), tl.text);
});

test('bad input on create: nothing made', async () => {
  const before = (await srv.request('GET', '/api/v1/repair_orders?limit=200', { as: mgr })).json.items.length;
  assertError(await srv.request('POST', '/api/v1/repair_orders', { as: mgr, body: {} }), 422, 'validation_failed', { declared_fault: 'required' });
  assertError(await srv.request('POST', '/api/v1/repair_orders', { as: mgr, body: { request_id: 999999999 } }), 422, 'validation_failed', { request_id: 'not_found' });
  assertError(await srv.request('POST', '/api/v1/repair_orders', { as: mgr, body: { declared_fault: 'x', technician_id: (await srv.as('storekeeper')).user.id } }), 422, 'validation_failed', { technician_id: 'may_not_work' });
  assertError(await srv.request('POST', '/api/v1/repair_orders', { as: mgr, body: { declared_fault: 'x', price_ceiling: -1 } }), 422, 'validation_failed', { price_ceiling: 'too_small' });
  assertError(await srv.request('POST', '/api/v1/repair_orders', { as: mgr, body: { declared_fault: 'x', status: 'ready' } }), 422, 'validation_failed', { status: 'read_only' });
  // the warranty is decided, not ticked: a reason without an override is refused
  assertError(await srv.request('POST', '/api/v1/repair_orders', { as: mgr, body: { declared_fault: 'x', warranty_reason: 'по договорённости' } }), 422, 'validation_failed', { warranty_reason: 'decided' });
  assertError(await srv.request('POST', '/api/v1/repair_orders', { as: mgr, body: { declared_fault: 'x', price_ceiling: 2000000001 } }), 422, 'validation_failed', { price_ceiling: 'too_large' });
  const after = (await srv.request('GET', '/api/v1/repair_orders?limit=200', { as: mgr })).json.items.length;
  assert.equal(after, before);
  assertError(await srv.request('POST', '/api/v1/repair_orders', { as: await srv.as('storekeeper'), body: { declared_fault: 'x' } }), 403, 'forbidden');
});

test('a paid repair through every step; QC by another person; rework counted; no issue unpaid', async () => {
  let o = await create('/api/v1/repair_orders', { client_id: client.id, declared_fault: 'Шумит', demand: 'repair', technician_id: tech.user.id }, mgr);
  assert.equal(o.warranty, false);
  // another technician may not work someone else's order
  assertError(await move(tech2, o, 'diagnose'), 403, 'forbidden');
  o = await moveOk(tech, o, 'diagnose');
  assert.equal(o.status, 'diagnostics');
  // no way to ready without QC
  assertError(await move(tech, o, 'qc_pass'), 409, 'conflict');
  assertError(await move(tech, o, 'issue'), 409, 'conflict');
  o = await moveOk(tech, o, 'start_repair');
  o = await moveOk(tech, o, 'wait_parts');
  o = await moveOk(tech, o, 'send_to_vendor');
  o = await moveOk(tech, o, 'start_repair');
  o = await moveOk(tech, o, 'to_qc');
  const r = await move(tech, o, 'qc_pass');
  assertError(r, 403, 'forbidden');
  assert.match(r.json.error.message, /other than the order's technician/);
  assert.equal((await srv.request('GET', `/api/v1/repair_orders/${o.id}`, { as: mgr })).json.status, 'qc', 'nothing changed');
  o = await moveOk(tech2, o, 'qc_fail');
  assert.equal(o.status, 'in_repair');
  assert.equal(o.rework_count, 1);
  o = await moveOk(tech, o, 'to_qc');
  o = await moveOk(tech2, o, 'qc_pass');
  assert.equal(o.status, 'ready');
  assert.equal(o.qc_passed, true);
  const unpaid = await move(mgr, o, 'issue');
  assertError(unpaid, 409, 'conflict');
  assert.match(unpaid.json.error.message, /not paid/);
  const p = await srv.request('PATCH', `/api/v1/repair_orders/${o.id}`, { as: mgr, body: { version: o.version, paid: true, found_fault: 'Износ подшипника', work_done: 'Замена подшипника' } });
  assert.equal(p.status, 200, p.text);
  o = await moveOk(mgr, p.json, 'issue');
  assert.equal(o.status, 'issued');
  assert.ok(o.issued_at);
  const tl = (await srv.request('GET', `/api/v1/repair_orders/${o.id}/timeline`, { as: mgr })).json.items;
  assert.deepEqual(tl.filter((e) => e.kind === 'status').map((e) => e.to),
    ['diagnostics', 'in_repair', 'waiting_parts', 'at_vendor', 'in_repair', 'qc', 'in_repair', 'qc', 'ready', 'issued']);
  const audit = await srv.request('GET', `/api/v1/audit?entity=repair_orders&record_id=${o.id}`, { as: admin });
  assert.ok(audit.json.items.some((a) => a.action === 'qc_fail'), 'transitions audited');
});

test('an estimate first: no repair before approval; declined goes back to the client; stale versions refused', async () => {
  let o = await create('/api/v1/repair_orders', { client_id: client.id, declared_fault: 'Дорого?', demand: 'estimate_first', price_ceiling: 500000 }, mgr);
  o = await moveOk(tech, o, 'diagnose');
  assert.equal(o.technician_id, tech.user.id, 'the one who diagnoses takes it');
  const r = await move(tech, o, 'start_repair');
  assertError(r, 409, 'conflict');
  assert.match(r.json.error.message, /estimate first/);
  const stale = await move(tech, { ...o, version: o.version - 1 }, 'send_estimate');
  assertError(stale, 409, 'conflict');
  // an estimate goes out with its lines (workshop-estimates.test.mjs)
  await create('/api/v1/repair_order_lines', { repair_order_id: o.id, kind: 'labour', description: 'Диагностика', price: 90000 }, tech);
  o = await moveOk(tech, o, 'send_estimate');
  o = await moveOk(mgr, o, 'decline');
  assertError(await move(tech, o, 'start_repair'), 409, 'conflict');
  o = await moveOk(mgr, o, 'return_unit');
  assert.equal(o.status, 'issued');
  // cancelling is a manager's
  const c = await create('/api/v1/repair_orders', { declared_fault: 'Передумал' }, mgr);
  assertError(await move(tech, c, 'cancel'), 403, 'forbidden');
  assert.equal((await moveOk(mgr, c, 'cancel')).status, 'cancelled');
});

test('the warranty is decided: the unit\'s, an earlier repair\'s, a contract\'s, none; the legal clock runs 45 days', async () => {
  const inWarranty = await unit(addDays(today(), -30));
  const o = await create('/api/v1/repair_orders', { unit_id: inWarranty.id, declared_fault: 'Гарантия' }, mgr);
  assert.equal(o.warranty, true);
  assert.equal(o.warranty_source, 'unit');
  assert.match(o.warranty_reason, /гарантия на изделие до/);
  assert.equal(o.legal_due, addDays(today(), 45));

  const old = await unit('2020-01-01');
  let first = await create('/api/v1/repair_orders', { unit_id: old.id, declared_fault: 'Старый', paid: true }, mgr);
  assert.equal(first.warranty, false);
  assert.equal(first.warranty_source, 'none');
  assert.equal(first.legal_due, null);
  for (const [as, step] of [[tech, 'diagnose'], [tech, 'start_repair'], [tech, 'to_qc'], [mgr, 'qc_pass'], [mgr, 'issue']]) first = await moveOk(as, first, step);
  const again = await create('/api/v1/repair_orders', { unit_id: old.id, declared_fault: 'Снова то же' }, mgr);
  assert.equal(again.warranty, true);
  assert.equal(again.warranty_source, 'repair');
  assert.ok(again.warranty_reason.includes(first.number), again.warranty_reason);

  const cc = await create('/api/v1/clients', { kind: 'company', name: 'ООО Договор ' + uid() });
  await create('/api/v1/contracts', { number: 'СД-' + uid(), client_id: cc.id, kind: 'service', starts_on: addDays(today(), -10) });
  const byContract = await create('/api/v1/repair_orders', { client_id: cc.id, declared_fault: 'По договору' }, mgr);
  assert.equal(byContract.warranty_source, 'contract');
  assert.equal(byContract.warranty, true);
});

test('a manager overrides the warranty with a written reason (audited); others may not', async () => {
  const old = await unit('2019-05-05');
  const o = await create('/api/v1/repair_orders', { unit_id: old.id, declared_fault: 'Спорный случай' }, mgr);
  assert.equal(o.warranty, false);
  assertError(await srv.request('PATCH', `/api/v1/repair_orders/${o.id}`, { as: tech, body: { version: o.version, warranty: true, warranty_reason: 'хочу' } }), 403, 'forbidden');
  assertError(await srv.request('PATCH', `/api/v1/repair_orders/${o.id}`, { as: mgr, body: { version: o.version, warranty: true } }), 422, 'validation_failed', { warranty_reason: 'required' });
  assertError(await srv.request('PATCH', `/api/v1/repair_orders/${o.id}`, { as: mgr, body: { version: o.version, warranty_reason: 'без решения' } }), 409, 'conflict');
  const same = (await srv.request('GET', `/api/v1/repair_orders/${o.id}`, { as: mgr })).json;
  assert.equal(same.version, o.version, 'nothing changed');
  const r = await srv.request('PATCH', `/api/v1/repair_orders/${o.id}`, { as: mgr, body: { version: o.version, warranty: true, warranty_reason: 'Заводской брак признан поставщиком' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.warranty, true);
  assert.equal(r.json.warranty_source, 'manual');
  assert.equal(r.json.legal_due, addDays(o.created_at.slice(0, 10), 45));
  const audit = await srv.request('GET', `/api/v1/audit?entity=repair_orders&record_id=${o.id}`, { as: admin });
  assert.ok(audit.json.items.some((a) => a.action === 'update' && JSON.stringify(a).includes('Заводской брак')), 'audited');
  // a warranty repair is issued unpaid
  let w = r.json;
  for (const [as, step] of [[tech, 'diagnose'], [tech, 'start_repair'], [tech, 'to_qc'], [mgr, 'qc_pass'], [mgr, 'issue']]) w = await moveOk(as, w, step);
  assert.equal(w.status, 'issued');
});

test('the public page shows the number, status, fault and planned date only', async () => {
  const o = await create('/api/v1/repair_orders', { client_id: client.id, declared_fault: 'Трещина экрана', intake_condition: 'секрет мастерской', planned_date: addDays(today(), 7) }, mgr);
  const q = (code) => `/api/v1/public/repair_orders/status?number=${encodeURIComponent(o.number)}&code=${code}`;
  const r = await srv.request('GET', q(o.access_code));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.number, o.number);
  assert.equal(r.json.declared_fault, 'Трещина экрана');
  assert.equal(r.json.planned_date, o.planned_date);
  assert.ok(!r.text.includes('секрет мастерской'));
  assertError(await srv.request('GET', q(o.access_code === '000000' ? '111111' : '000000')), 404, 'not_found');
});

test('roles: storekeepers, sales and auditors read orders; only workshop roles write', async () => {
  const o = await create('/api/v1/repair_orders', { declared_fault: 'Чтение' }, mgr);
  for (const role of ['storekeeper', 'sales', 'auditor']) {
    const s = await srv.as(role);
    assert.equal((await srv.request('GET', `/api/v1/repair_orders/${o.id}`, { as: s })).status, 200, role);
    assertError(await move(s, o, 'diagnose'), 403, 'forbidden');
  }
});

const dir = mkdtempSync(join(tmpdir(), 'servitor-ws-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function pdf(as, id) {
  const r = await fetch(`${srv.base}/api/v1/repair_orders/${id}/documents/completion_act.pdf`,
    { headers: { cookie: as.cookie, 'x-forwarded-for': as.addr } });
  const bytes = Buffer.from(await r.arrayBuffer());
  if (r.status !== 200) return { status: r.status, json: JSON.parse(bytes.toString()) };
  const file = join(dir, `act${uid()}.pdf`);
  writeFileSync(file, bytes);
  const t = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stderr);
  return { status: 200, flat: t.stdout.replace(/\s+/g, ' ') };
}

test('the work completion act of a warranty repair carries the five facts of art. 20 p. 3; none before the repair is ready', async () => {
  const u = await unit(addDays(today(), -100));
  let o = await create('/api/v1/repair_orders', { unit_id: u.id, declared_fault: 'Не печатает', technician_id: tech.user.id }, mgr);
  assert.equal(o.warranty, true);
  const early = await pdf(mgr, o.id);
  assert.equal(early.status, 409);
  assert.match(early.json.error.message, /ready or issued/);
  for (const [as, step] of [[tech, 'diagnose'], [tech, 'start_repair'], [tech, 'to_qc'], [mgr, 'qc_pass']]) o = await moveOk(as, o, step);
  const p = await srv.request('PATCH', `/api/v1/repair_orders/${o.id}`, { as: tech, body: { version: o.version, found_fault: 'Обрыв шлейфа печатающей головки', work_done: 'Замена шлейфа, прочистка' } });
  assert.equal(p.status, 200, p.text);
  o = await moveOk(mgr, p.json, 'issue');
  const act = await pdf(tech, o.id);
  assert.equal(act.status, 200);
  const ru = (iso) => iso.slice(0, 10).split('-').reverse().join('.');
  assert.match(act.flat, /Акт выполненных работ № АВР-\d{4}-\d{6}/, 'numbered in its own series');
  for (const s of [`к заказ-наряду № ${o.number}`, 'гарантийный', 'ст. 20 п. 3',
    `Дата обращения потребителя ${ru(today())}`, `Дата передачи товара в ремонт ${ru(today())}`,
    `Дата возврата товара ${ru(today())}`, 'Выявленная неисправность Обрыв шлейфа печатающей головки',
    'Выполненные работы Замена шлейфа, прочистка', 'Заявленная неисправность Не печатает', u.serial,
    `до ${ru(addDays(today(), 45))} (45 дней)`]) {
    assert.ok(act.flat.includes(s), `${s} in: ${act.flat}`);
  }
  assertError(await srv.request('GET', `/api/v1/repair_orders/${o.id}/documents/nope.pdf`, { as: mgr }), 404, 'not_found');
});

// last: it stops the server's clock
test('a warranty repair past its 45 days is listed as overdue, with the days; a paid one never is', async () => {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const u = await unit(addDays(today(), -60));
  await testClock(srv.base, { now: new Date(Date.now() - 50 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z') });
  const late = await create('/api/v1/repair_orders', { unit_id: u.id, declared_fault: 'Давно у нас' }, mgr);
  const paidOld = await create('/api/v1/repair_orders', { client_id: client.id, declared_fault: 'Платный, давно' }, mgr);
  await testClock(srv.base, { now });
  const fresh = await create('/api/v1/repair_orders', { unit_id: u.id, declared_fault: 'Только что' }, mgr);
  assert.equal(late.legal_due, addDays(today(), -5));
  assert.equal(fresh.legal_due, addDays(today(), 45));
  const r = await srv.request('GET', '/api/v1/workshop/overdue', { as: tech });
  assert.equal(r.status, 200, r.text);
  const mine = r.json.items.find((x) => x.id === late.id);
  assert.deepEqual(mine, { id: late.id, number: late.number, status: 'accepted', legal_due: late.legal_due, days_over: 5, technician_id: null });
  assert.ok(!r.json.items.some((x) => x.id === fresh.id || x.id === paidOld.id));
  // issued orders leave the list
  let o = late;
  for (const [as, step] of [[tech, 'diagnose'], [tech, 'start_repair'], [tech, 'to_qc'], [mgr, 'qc_pass'], [mgr, 'issue']]) o = await moveOk(as, o, step);
  const after = await srv.request('GET', '/api/v1/workshop/overdue', { as: mgr });
  assert.ok(!after.json.items.some((x) => x.id === late.id));
  assertError(await srv.request('GET', '/api/v1/workshop/overdue'), 401, 'unauthenticated');
});
