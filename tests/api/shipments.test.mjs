// shipments.test.mjs — shipments to vendors and external repair: units
// (repair orders in repair) added to a draft, sending moves each order to
// at_vendor through its workflow (guards and timeline apply), receiving
// records each unit's outcome (repaired, replaced with the new serial,
// refused) and moves its order back to repair or to QC — partially, then
// fully; overdue shipments listed by the test clock; the packing list PDF
// read back with pdftotext. Runs on SQLite and on PostgreSQL
// (SERVITOR_TEST_DB=postgres).
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
const dir = mkdtempSync(join(tmpdir(), 'servitor-ship-'));
// SERVITOR_KEEP_PDF=1 keeps the packing list made, to look at
if (!process.env.SERVITOR_KEEP_PDF) process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
else console.log(`the PDFs: ${dir}`);
let admin, mgr, tech, other, model, client, partner;

async function create(path, body, as = mgr) {
  const r = await srv.request('POST', path, { as, body });
  assert.equal(r.status, 201, `${path}: ${r.text}`);
  return r.json;
}
async function get(path, as = mgr) {
  const r = await srv.request('GET', path, { as });
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.json;
}
async function makeUser(role) {
  const login = `sh${uid()}`;
  await create('/api/v1/users', { login, name: `Мастер ${login}`, role, password: PASSWORD }, admin);
  return srv.login(login, PASSWORD);
}
const move = (as, res, rec, name, body = {}) => srv.request('POST', `/api/v1/${res}/${rec.id}/transitions/${name}`, { as, body: { version: rec.version, ...body } });
async function moveOk(as, res, rec, name) {
  const r = await move(as, res, rec, name);
  assert.equal(r.status, 200, `${name}: ${r.text}`);
  return r.json;
}
const moscowDay = (ms = Date.now()) => new Date(ms + 3 * 3600e3).toISOString().slice(0, 10);
const addDays = (d, n) => new Date(Date.parse(d + 'T00:00:00Z') + n * 86400e3).toISOString().slice(0, 10);

/** An order of technician `by` in repair. */
async function inRepair(by = tech, extra = {}) {
  const u = await create('/api/v1/equipment_units', { model_id: model.id, serial: 'SH-' + uid().toUpperCase(), client_id: client.id });
  let o = await create('/api/v1/repair_orders', { unit_id: u.id, declared_fault: 'Не включается после грозы', accessories: 'блок питания, кабель USB', demand: 'repair', technician_id: by.user.id, ...extra });
  for (const step of ['diagnose', 'start_repair']) o = await moveOk(by, 'repair_orders', o, step);
  return { o, u };
}
async function draft(extra = {}) {
  return create('/api/v1/shipments', { partner_id: partner.id, carrier: 'СДЭК', tracking_number: 'TRK' + uid(), rma_number: 'RMA-' + uid(), ...extra });
}

before(async () => {
  admin = await srv.as('admin');
  mgr = await srv.as('manager');
  tech = await makeUser('technician');
  other = await makeUser('technician');
  model = await create('/api/v1/equipment_models', { brand: 'Вендор', model: 'В-' + uid(), warranty_months: 12 });
  client = await create('/api/v1/clients', { kind: 'person', name: 'Отправкин ' + uid(), phone: '+7997' + String(Date.now()).slice(-7) });
  partner = await create('/api/v1/service_partners', { name: 'АСЦ «Ремонт-Про» ' + uid(), kind: 'asc', inn: '7707083893', requisites: 'г. Москва, ул. Складочная, д. 1', contact: 'Петров П. П., +7 495 000-00-00' });
});

test('service partners are settings; a shipment is a numbered draft', async () => {
  assertError(await srv.request('POST', '/api/v1/service_partners', { as: tech, body: { name: 'Свой' } }), 403, 'forbidden');
  assertError(await srv.request('POST', '/api/v1/service_partners', { as: mgr, body: { name: 'Плохой ИНН', inn: '123' } }), 422, 'validation_failed');
  const s = await draft();
  assert.match(s.number, /^ОТП-\d{4}-\d{6}$/);
  assert.equal(s.status, 'draft');
  assertError(await srv.request('POST', '/api/v1/shipments', { as: mgr, body: { carrier: 'Почта' } }), 422, 'validation_failed', { partner_id: 'required' });
  assertError(await srv.request('POST', '/api/v1/shipments', { as: mgr, body: { partner_id: partner.id, sent_date: '2026-05-10', expected_date: '2026-05-01' } }), 422, 'validation_failed', { expected_date: 'before_sent' });
});

test('sending moves the orders to at_vendor through their workflow; receiving returns them with the outcome', async () => {
  const { o: a } = await inRepair();
  const { o: b, u: ub } = await inRepair();
  const { o: c } = await inRepair();
  let s = await draft();
  // only orders in repair, and not in another open shipment
  let fresh = await create('/api/v1/repair_orders', { client_id: client.id, declared_fault: 'Только принят' });
  assertError(await srv.request('POST', '/api/v1/shipment_items', { as: mgr, body: { shipment_id: s.id, order_id: fresh.id } }), 422, 'validation_failed', { order_id: 'not_in_repair' });
  const ia = await create('/api/v1/shipment_items', { shipment_id: s.id, order_id: a.id });
  const ib = await create('/api/v1/shipment_items', { shipment_id: s.id, order_id: b.id }, tech);
  const ic = await create('/api/v1/shipment_items', { shipment_id: s.id, order_id: c.id });
  const s2 = await draft();
  assertError(await srv.request('POST', '/api/v1/shipment_items', { as: mgr, body: { shipment_id: s2.id, order_id: a.id } }), 422, 'validation_failed', { order_id: 'in_shipment' });
  // a unit leaves a draft
  const del = await srv.request('DELETE', `/api/v1/shipment_items/${ic.id}?version=${ic.version}`, { as: mgr });
  assert.equal(del.status, 204, del.text);

  // sending needs the expected return; another technician may not send these orders
  assertError(await move(mgr, 'shipments', s, 'send'), 422, 'validation_failed', { expected_date: 'required' });
  const today = moscowDay();
  s = (await srv.request('PATCH', `/api/v1/shipments/${s.id}`, { as: mgr, body: { version: s.version, expected_date: addDays(today, 14) } })).json;
  assertError(await move(other, 'shipments', s, 'send'), 403, 'forbidden');
  assert.equal((await get(`/api/v1/repair_orders/${a.id}`)).status, 'in_repair', 'nothing moved');
  s = await moveOk(tech, 'shipments', s, 'send');
  assert.equal(s.status, 'sent');
  assert.equal(s.sent_date, today);
  for (const id of [a.id, b.id]) assert.equal((await get(`/api/v1/repair_orders/${id}`)).status, 'at_vendor');
  assert.equal((await get(`/api/v1/repair_orders/${c.id}`)).status, 'in_repair', 'the removed unit stays');
  const tla = await get(`/api/v1/repair_orders/${a.id}/timeline`);
  assert.ok(tla.items.some((e) => e.kind === 'status' && e.from === 'in_repair' && e.to === 'at_vendor'), 'the order\'s own transition');
  assert.ok(tla.items.some((e) => e.kind === 'shipment_sent' && e.to === s.number));
  assertError(await srv.request('POST', '/api/v1/shipment_items', { as: mgr, body: { shipment_id: s.id, order_id: c.id } }), 409, 'conflict');
  assertError(await srv.request('DELETE', `/api/v1/shipment_items/${ia.id}?version=${ia.version}`, { as: mgr }), 409, 'conflict');
  // the plain receive is refused while units are out
  assertError(await move(mgr, 'shipments', s, 'receive'), 409, 'conflict');

  const units = (await get(`/api/v1/shipments/${s.id}/units`)).items;
  assert.deepEqual(units.map((x) => x.order_id), [a.id, b.id]);
  assert.equal(units[1].serial, ub.serial);

  const receive = (as, body) => srv.request('POST', `/api/v1/shipments/${s.id}/receive`, { as, body: { version: s.version, ...body } });
  assertError(await receive(mgr, { items: [{ item_id: ia.id, outcome: 'fixed' }] }), 422, 'validation_failed', { 'items[0].outcome': 'invalid' });
  assertError(await receive(mgr, { items: [{ item_id: ia.id, outcome: 'replaced' }] }), 422, 'validation_failed', { 'items[0].new_serial': 'required' });
  assertError(await receive(mgr, { items: [{ item_id: ia.id, outcome: 'repaired', new_serial: 'X' }] }), 422, 'validation_failed', { 'items[0].new_serial': 'not_replaced' });
  assertError(await receive(mgr, { items: [{ item_id: ic.id, outcome: 'repaired' }] }), 422, 'validation_failed', { 'items[0].item_id': 'not_in_shipment' });
  assertError(await receive(mgr, { items: [{ item_id: ia.id, outcome: 'repaired', to: 'ready' }] }), 422, 'validation_failed', { 'items[0].to': 'invalid' });
  assertError(await receive(mgr, { items: [] }), 422, 'validation_failed', { items: 'required' });
  assertError(await receive(mgr, { items: [{ item_id: ia.id, outcome: 'repaired' }], extra: 1 }), 422, 'validation_failed', { extra: 'unknown' });
  assert.equal((await get(`/api/v1/shipments/${s.id}`)).version, s.version, 'nothing changed');

  let r = await receive(tech, { items: [{ item_id: ib.id, outcome: 'replaced', new_serial: 'NEW-' + uid(), note: 'замена по гарантии', to: 'qc' }] });
  assert.equal(r.status, 200, r.text);
  s = r.json;
  assert.equal(s.status, 'partially_received');
  const ob = await get(`/api/v1/repair_orders/${b.id}`);
  assert.equal(ob.status, 'qc');
  const tlb = await get(`/api/v1/repair_orders/${b.id}/timeline`);
  const ev = tlb.items.find((e) => e.kind === 'shipment_received');
  assert.match(ev.body, /^replaced: NEW-.+ — замена по гарантии$/);
  assert.equal(ev.to, s.number);
  assertError(await receive(tech, { items: [{ item_id: ib.id, outcome: 'repaired' }] }), 422, 'validation_failed', { 'items[0].item_id': 'received' });
  r = await receive(tech, { items: [{ item_id: ia.id, outcome: 'refused', note: 'не гарантийный случай' }] });
  assert.equal(r.status, 200, r.text);
  s = r.json;
  assert.equal(s.status, 'received');
  assert.equal(s.received_date, moscowDay());
  assert.equal((await get(`/api/v1/repair_orders/${a.id}`)).status, 'in_repair');
  const back = (await get(`/api/v1/shipments/${s.id}/units`)).items;
  assert.deepEqual(back.map((x) => x.outcome), ['refused', 'replaced']);
  s = await moveOk(mgr, 'shipments', s, 'close');
  assert.equal(s.status, 'closed');
});

test('the packing list: the recipient, the carrier and each unit with its model, serial, fault and accessories', async () => {
  const { o, u } = await inRepair();
  let s = await draft({ notes: 'Хрупкое' });
  await create('/api/v1/shipment_items', { shipment_id: s.id, order_id: o.id });
  const r = await fetch(`${srv.base}/api/v1/shipments/${s.id}/documents/packing_list.pdf`, { headers: { cookie: mgr.cookie, 'x-forwarded-for': mgr.addr || '10.250.250.251' } });
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  const file = join(dir, 'packing.pdf');
  writeFileSync(file, Buffer.from(await r.arrayBuffer()));
  const t = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stderr);
  const flat = t.stdout.replace(/\s+/g, ' ');
  for (const want of ['Упаковочный лист', s.number, 'сопроводительная накладная', partner.name, '7707083893', 'СДЭК', s.tracking_number,
    s.rma_number, o.number, model.model, u.serial, 'Не включается после грозы', 'блок питания, кабель USB', 'Всего мест: 1', 'Хрупкое', 'Сдал', 'Принял']) {
    assert.ok(flat.includes(want), `${want} in: ${flat.slice(0, 1500)}`);
  }
  s = await moveOk(mgr, 'shipments', s, 'cancel');
  const c = await fetch(`${srv.base}/api/v1/shipments/${s.id}/documents/packing_list.pdf`, { headers: { cookie: mgr.cookie, 'x-forwarded-for': mgr.addr || '10.250.250.251' } });
  assert.equal(c.status, 409);
});

test('overdue shipments: sent, not received, the expected return passed (test clock)', async () => {
  const { o } = await inRepair();
  const today = moscowDay();
  const past = addDays(today, -10);
  // sent ten days ago, expected back three days after (the clock set back, then forward again)
  await testClock(srv.base, { now: new Date(Date.now() - 10 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z') });
  let s;
  try {
    s = await draft({ expected_date: addDays(past, 3) });
    await create('/api/v1/shipment_items', { shipment_id: s.id, order_id: o.id });
    s = await moveOk(tech, 'shipments', s, 'send');
    assert.equal(s.sent_date, past);
    const then = await get('/api/v1/workshop/shipments/overdue', tech);
    assert.ok(!then.items.some((x) => x.id === s.id), 'not overdue on the day it was sent');
  } finally {
    await testClock(srv.base, { now: new Date().toISOString().replace(/\.\d+Z$/, 'Z') });
  }
  let list = await get('/api/v1/workshop/shipments/overdue', tech);
  const mine = list.items.find((x) => x.id === s.id);
  assert.ok(mine, JSON.stringify(list));
  assert.equal(list.today, today);
  assert.deepEqual([mine.number, mine.partner, mine.sent_date, mine.expected_date, mine.days_over, mine.units_out, mine.status],
    [s.number, partner.name, past, addDays(past, 3), 7, 1, 'sent']);
  const [item] = (await get(`/api/v1/shipments/${s.id}/units`)).items;
  const r = await srv.request('POST', `/api/v1/shipments/${s.id}/receive`, { as: tech, body: { items: [{ item_id: item.id, outcome: 'repaired' }] } });
  assert.equal(r.status, 200, r.text);
  list = await get('/api/v1/workshop/shipments/overdue', tech);
  assert.ok(!list.items.some((x) => x.id === s.id), 'received: no longer overdue');
});

test('an order out in a sent shipment leaves at_vendor only by receiving it there', async () => {
  const { o } = await inRepair();
  let s = await draft({ expected_date: addDays(moscowDay(), 7) });
  const item = await create('/api/v1/shipment_items', { shipment_id: s.id, order_id: o.id });
  s = await moveOk(tech, 'shipments', s, 'send');
  const at = await get(`/api/v1/repair_orders/${o.id}`);
  assert.equal(at.status, 'at_vendor');
  for (const [as, step] of [[tech, 'to_qc'], [tech, 'start_repair'], [tech, 'wait_parts'], [tech, 'not_repairable'], [mgr, 'to_qc']]) {
    const r = await move(as, 'repair_orders', at, step);
    assertError(r, 409, 'conflict');
    assert.ok(r.json.error.message.includes(`the unit is in shipment ${s.number}: receive it there`), r.json.error.message);
  }
  assert.equal((await get(`/api/v1/repair_orders/${o.id}`)).version, at.version, 'nothing changed');
  const r = await srv.request('POST', `/api/v1/shipments/${s.id}/receive`, { as: tech, body: { version: s.version, items: [{ item_id: item.id, outcome: 'repaired', to: 'qc' }] } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'received');
  assert.equal((await get(`/api/v1/repair_orders/${o.id}`)).status, 'qc');
});

test('a branch-scoped user does not add, change or remove units of another branch\'s shipment', async () => {
  const branchA = (await create('/api/v1/branches', { name: `Филиал А ${uid()}` }, admin)).id;
  const branchB = (await create('/api/v1/branches', { name: `Филиал Б ${uid()}` }, admin)).id;
  const login = `shb${uid()}`;
  await create('/api/v1/users', { login, name: `Мастер ${login}`, role: 'technician', branch_id: branchB, branch_scope: true, password: PASSWORD }, admin);
  const local = await srv.login(login, PASSWORD);
  const { o } = await inRepair(tech, { branch_id: branchA });
  const s = await draft({ branch_id: branchA });
  const item = await create('/api/v1/shipment_items', { shipment_id: s.id, order_id: o.id });
  const { o: mine } = await inRepair(local, { branch_id: branchB });
  assertError(await srv.request('POST', '/api/v1/shipment_items', { as: local, body: { shipment_id: s.id, order_id: mine.id } }), 422, 'validation_failed', { shipment_id: 'not_found' });
  assertError(await srv.request('PATCH', `/api/v1/shipment_items/${item.id}`, { as: local, body: { version: item.version, note: 'чужое' } }), 404, 'not_found');
  assertError(await srv.request('DELETE', `/api/v1/shipment_items/${item.id}?version=${item.version}`, { as: local }), 404, 'not_found');
  const units = (await get(`/api/v1/shipments/${s.id}/units`)).items;
  assert.deepEqual(units.map((x) => [x.id, x.note]), [[item.id, null]], 'nothing changed');
  // in their own branch it works
  const own = await create('/api/v1/shipments', { partner_id: partner.id }, local);
  assert.equal(own.branch_id, branchB);
  const mineItem = await create('/api/v1/shipment_items', { shipment_id: own.id, order_id: mine.id }, local);
  const del = await srv.request('DELETE', `/api/v1/shipment_items/${mineItem.id}?version=${mineItem.version}`, { as: local });
  assert.equal(del.status, 204, del.text);
});

test('a shipment has at most 500 units (sending moves that many)', async () => {
  const s = await draft();
  for (let i = 0; i < 500; i += 25) {
    await Promise.all(Array.from({ length: 25 }, async () => {
      let o = await create('/api/v1/repair_orders', { client_id: client.id, declared_fault: 'Партия', demand: 'repair' });
      for (const step of ['diagnose', 'start_repair']) o = await moveOk(mgr, 'repair_orders', o, step);
      await create('/api/v1/shipment_items', { shipment_id: s.id, order_id: o.id });
    }));
  }
  const { o } = await inRepair();
  assertError(await srv.request('POST', '/api/v1/shipment_items', { as: mgr, body: { shipment_id: s.id, order_id: o.id } }), 422, 'validation_failed', { shipment_id: 'full' });
});
