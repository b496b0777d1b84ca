// workshop-clocks.test.mjs — the workshop's clocks besides the legal 45 days:
// the company's target per service type (working days of the branch's
// calendar), the substitute device (ЗоЗПП ст. 20 п. 2: 3 days from the demand,
// a loaner pool whose unit is issued only when available), the unclaimed unit
// (ГК ст. 738: two months from the delivered notice, disposal refused before,
// storage reminders queued weekly by a job) and the unit's service history.
// The server's clock is the test clock; runs on SQLite and on PostgreSQL
// (SERVITOR_TEST_DB=postgres).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError, uid } from './harness.mjs';
import { testClock, runJob, TEST_CLOCK_ENV } from '../lib.mjs';

const srv = useServer({
  requests: 0,
  env: { ...TEST_CLOCK_ENV, SERVITOR_SESSION_IDLE: '31536000', SERVITOR_SESSION_MAX: '31536000' },
});
const PASSWORD = 'password-123';
let admin, mgr, tech, qc, branch, stype, dutyModel, plainModel, client;

async function create(path, body, as = admin) {
  const r = await srv.request('POST', path, { as, body });
  assert.equal(r.status, 201, `${path}: ${r.text}`);
  return r.json;
}
const get = async (path, as = mgr) => {
  const r = await srv.request('GET', path, { as });
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.json;
};
async function move(as, rec, name, body = {}, entity = 'repair_orders') {
  return srv.request('POST', `/api/v1/${entity}/${rec.id}/transitions/${name}`, { as, body: { version: rec.version, ...body } });
}
async function moveOk(as, rec, name, body, entity) {
  const r = await move(as, rec, name, body, entity);
  assert.equal(r.status, 200, `${name}: ${r.text}`);
  return r.json;
}
const at = (iso) => testClock(srv.base, { now: iso });

async function makeUser(role) {
  const login = `clk${uid()}`;
  await create('/api/v1/users', { login, name: `Сотрудник ${login}`, role, password: PASSWORD });
  return srv.login(login, PASSWORD);
}

async function unit(model = dutyModel) {
  return create('/api/v1/equipment_units', { model_id: model.id, serial: 'CLK-' + uid(), client_id: client.id });
}
async function order(u, extra = {}) {
  return create('/api/v1/repair_orders', { unit_id: u.id, declared_fault: 'Не включается', demand: 'repair', technician_id: tech.user.id, branch_id: branch, ...extra }, mgr);
}
async function toReady(o) {
  for (const [as, step] of [[tech, 'diagnose'], [tech, 'start_repair'], [tech, 'to_qc'], [qc, 'qc_pass']]) o = await moveOk(as, o, step);
  assert.equal(o.status, 'ready');
  return o;
}

before(async () => {
  await srv.ready;
  await at('2026-12-21T09:00:00Z'); // a Monday; sessions are opened after
  admin = await srv.as('admin');
  mgr = await srv.as('manager');
  tech = await makeUser('technician');
  qc = await makeUser('technician');
  const h = '09:00-18:00';
  const cal = await create('/api/v1/business_calendars', { name: 'Пн–Пт ' + uid(), timezone: 'Europe/Moscow',
    hours_mon: h, hours_tue: h, hours_wed: h, hours_thu: h, hours_fri: h, hours_sat: '', hours_sun: '' });
  branch = (await create('/api/v1/branches', { name: 'Мастерская ' + uid(), calendar_id: cal.id })).id;
  stype = await create('/api/v1/service_types', { code: 'clk' + uid(), name: 'Срочный ремонт ' + uid(), target_days: 3, repair_warranty_days: 30 });
  dutyModel = await create('/api/v1/equipment_models', { brand: 'Часы', model: 'Холодильник-' + uid(), warranty_months: 0, loaner_duty: true });
  plainModel = await create('/api/v1/equipment_models', { brand: 'Часы', model: 'Смартфон-' + uid(), warranty_months: 0 });
  client = await create('/api/v1/clients', { kind: 'person', name: 'Хранимов ' + uid(), email: `clk${uid()}@example.ru`, pd_consent: true });
});

test('the company target counts working days of the branch calendar and is listed when missed', async () => {
  await at('2026-12-21T09:00:00Z');
  const o = await order(await unit(plainModel), { service_type_id: stype.id });
  assert.equal(o.target_due, '2026-12-24', 'Mon + 3 working days');
  const fri = await (async () => { await at('2026-12-25T09:00:00Z'); return order(await unit(plainModel), { service_type_id: stype.id }); })();
  assert.equal(fri.target_due, '2026-12-30', 'Fri + 3 working days skips the weekend');
  const none = await order(await unit(plainModel));
  assert.equal(none.target_due, null, 'no service type, no target');
  await at('2026-12-21T09:00:00Z');
  let c = await get(`/api/v1/repair_orders/${o.id}/clocks`);
  assert.deepEqual(c.target, { due: '2026-12-24', days_left: 3, overdue: false, state: 'running', target_days: 3, service_type: stype.name, working_days: true });
  assert.equal(c.legal, null, 'a paid repair has no legal clock');
  await at('2026-12-28T09:00:00Z');
  c = await get(`/api/v1/repair_orders/${o.id}/clocks`);
  assert.equal(c.target.days_left, -4);
  assert.equal(c.target.overdue, true);
  const list = await get('/api/v1/workshop/overdue?kind=target', tech);
  const it = list.items.find((x) => x.id === o.id);
  assert.deepEqual(it, { id: o.id, number: o.number, status: 'accepted', due: '2026-12-24', days_over: 4, technician_id: tech.user.id });
  assert.ok(!list.items.some((x) => x.id === fri.id), 'not yet due');
  // the default stays the legal list; an unknown kind is refused
  assert.ok(!(await get('/api/v1/workshop/overdue')).items.some((x) => x.id === o.id));
  assertError(await srv.request('GET', '/api/v1/workshop/overdue?kind=soon', { as: mgr }), 422, 'validation_failed', { kind: 'invalid' });
  // done work stops the clock and leaves the list
  await toReady(o);
  assert.ok(!(await get('/api/v1/workshop/overdue?kind=target')).items.some((x) => x.id === o.id));
  assert.equal((await get(`/api/v1/repair_orders/${o.id}/clocks`)).target.state, 'stopped');
});

test('a loaner is issued only when available; the 3-day clock of a demand; returning frees it', async () => {
  await at('2026-12-21T09:00:00Z');
  const loaner = await create('/api/v1/loaners', { inventory_number: 'ПФ-' + uid(), model_id: dutyModel.id, serial: 'L-' + uid(), condition: 'исправен, без царапин', branch_id: branch }, mgr);
  assert.equal(loaner.status, 'available');
  // the pool's status is the handover's: not set by hand
  assertError(await srv.request('PATCH', `/api/v1/loaners/${loaner.id}`, { as: mgr, body: { version: loaner.version, status: 'issued' } }), 422, 'validation_failed', { status: 'issued_by_handover' });
  const o1 = await order(await unit());
  const o2 = await order(await unit());
  // demanded and handed over at once
  const h1 = await create('/api/v1/loaner_issues', { order_id: o1.id, loaner_id: loaner.id }, mgr);
  assert.match(h1.number, /^ПФ-\d{4}-\d{6}$/);
  assert.equal(h1.status, 'issued');
  assert.equal(h1.due_by, '2026-12-24', 'the demand + 3 days');
  assert.equal(h1.issue_condition, 'исправен, без царапин');
  assert.equal(h1.client_id, client.id);
  assert.equal((await get(`/api/v1/loaners/${loaner.id}`)).status, 'issued');
  // the same loaner for another order: refused, nothing made
  const count = (await get(`/api/v1/loaner_issues?order_id=${o2.id}`)).items.length;
  const taken = await srv.request('POST', '/api/v1/loaner_issues', { as: mgr, body: { order_id: o2.id, loaner_id: loaner.id } });
  assertError(taken, 409, 'conflict');
  assert.match(taken.json.error.message, /not available \(issued\)/);
  assert.equal((await get(`/api/v1/loaner_issues?order_id=${o2.id}`)).items.length, count);
  // a demand waits for a loaner; its clock runs
  let h2 = await create('/api/v1/loaner_issues', { order_id: o2.id }, mgr);
  assert.equal(h2.status, 'demanded');
  assertError(await srv.request('POST', '/api/v1/loaner_issues', { as: mgr, body: { order_id: o2.id } }), 409, 'conflict');
  assertError(await move(mgr, h2, 'issue', { loaner_id: loaner.id }, 'loaner_issues'), 409, 'conflict');
  assertError(await move(mgr, h2, 'issue', {}, 'loaner_issues'), 422, 'validation_failed', { loaner_id: 'required' });
  await at('2026-12-24T21:30:00Z'); // 00:30 on the 25th in Moscow (UTC+3)
  let list = (await get('/api/v1/workshop/overdue?kind=loaner')).items;
  assert.deepEqual(list.find((x) => x.id === o2.id), { id: o2.id, number: o2.number, loaner_issue: h2.number, due: '2026-12-24', days_over: 1, technician_id: tech.user.id });
  assert.ok(!list.some((x) => x.id === o1.id), 'handed over in time');
  let c = await get(`/api/v1/repair_orders/${o2.id}/clocks`);
  assert.equal(c.loaner.duty, true);
  assert.equal(c.loaner.issues[0].clock.overdue, true);
  // the first comes back: available again, in the condition it came back in
  const back = await moveOk(mgr, h1, 'return', { return_condition: 'царапина на дверце' }, 'loaner_issues');
  assert.equal(back.status, 'returned');
  assert.ok(back.returned_at);
  const l = await get(`/api/v1/loaners/${loaner.id}`);
  assert.equal(l.status, 'available');
  assert.equal(l.condition, 'царапина на дверце');
  h2 = await moveOk(mgr, h2, 'issue', { loaner_id: loaner.id }, 'loaner_issues');
  assert.equal(h2.status, 'issued');
  assert.ok(!(await get('/api/v1/workshop/overdue?kind=loaner')).items.some((x) => x.id === o2.id));
  // a model without the duty: no legal clock on the demand
  const o3 = await order(await unit(plainModel));
  const h3 = await create('/api/v1/loaner_issues', { order_id: o3.id }, mgr);
  assert.equal(h3.due_by, null);
  // the act of the handover
  const pdf = await srv.request('GET', `/api/v1/loaner_issues/${h2.id}/documents/loaner_act.pdf`, { as: mgr });
  assert.equal(pdf.status, 200, pdf.text);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
});

test('disposal of an unclaimed unit: refused before two months from the delivered notice, allowed after with a reason, audited', async () => {
  await at('2026-12-21T09:00:00Z');
  let o = await toReady(await order(await unit(plainModel)));
  // no notice for an order still in work
  const busy = await order(await unit(plainModel));
  assertError(await srv.request('POST', '/api/v1/pickup_notices', { as: mgr, body: { order_id: busy.id, sent_at: '2026-12-21', channel: 'letter' } }), 409, 'conflict');
  // bad dates: named, nothing made
  assertError(await srv.request('POST', '/api/v1/pickup_notices', { as: mgr, body: { order_id: o.id, sent_at: '2026-12-22', channel: 'letter' } }), 422, 'validation_failed', { sent_at: 'future' });
  assertError(await srv.request('POST', '/api/v1/pickup_notices', { as: mgr, body: { order_id: o.id, sent_at: '2026-12-21', channel: 'pigeon' } }), 422, 'validation_failed', { channel: 'invalid_enum' });
  let n = await create('/api/v1/pickup_notices', { order_id: o.id, sent_at: '2026-12-21', channel: 'letter', note: 'заказное с уведомлением' }, mgr);
  assert.equal(n.ends_on, null, 'not delivered yet');
  let r = await srv.request('POST', `/api/v1/repair_orders/${o.id}/dispose`, { as: mgr, body: { version: o.version, kind: 'dispose', reason: 'не забрали' } });
  assertError(r, 409, 'conflict');
  assert.match(r.json.error.message, /no written notice/);
  await at('2026-12-31T09:00:00Z');
  r = await srv.request('PATCH', `/api/v1/pickup_notices/${n.id}`, { as: mgr, body: { version: n.version, delivered_on: '2026-12-31' } });
  assert.equal(r.status, 200, r.text);
  n = r.json;
  // 31 Dec + 2 months = 28 Feb (ГК ст. 192 п. 3), a Sunday → Monday 1 Mar (ст. 193)
  assert.equal(n.ends_on, '2027-03-01');
  // the proof of delivery goes with the notice (the files facility)
  const up = await srv.request('POST', `/api/v1/pickup_notices/${n.id}/attachments?name=${encodeURIComponent('Уведомление о вручении.pdf')}`, {
    as: mgr, raw: Buffer.from('%PDF-1.4 уведомление о вручении'), headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(up.status, 201, `attachment: ${up.text}`);
  assert.equal((await get(`/api/v1/pickup_notices/${n.id}/attachments`)).items.length, 1);
  await at('2027-03-01T12:00:00Z');
  let c = await get(`/api/v1/repair_orders/${o.id}/clocks`);
  assert.equal(c.unclaimed.clock.due, '2027-03-01');
  assert.equal(c.unclaimed.clock.days_left, 0);
  assert.equal(c.unclaimed.may_dispose, false);
  r = await srv.request('POST', `/api/v1/repair_orders/${o.id}/dispose`, { as: mgr, body: { version: o.version, kind: 'sell', reason: 'не забрали' } });
  assertError(r, 409, 'conflict');
  assert.match(r.json.error.message, /run until 2027-03-01: the unit may be disposed of from 2027-03-02/);
  // the generic transition is no way round it
  assertError(await move(mgr, o, 'dispose'), 409, 'conflict');
  assert.ok(!(await get('/api/v1/workshop/overdue?kind=unclaimed')).items.some((x) => x.id === o.id));
  await at('2027-03-02T09:00:00Z');
  assert.ok((await get('/api/v1/workshop/overdue?kind=unclaimed')).items.some((x) => x.id === o.id && x.due === '2027-03-01' && x.days_over === 1));
  // a manager's decision, with its kind and a reason
  assertError(await srv.request('POST', `/api/v1/repair_orders/${o.id}/dispose`, { as: tech, body: { version: o.version, kind: 'sell', reason: 'x' } }), 403, 'forbidden');
  assertError(await srv.request('POST', `/api/v1/repair_orders/${o.id}/dispose`, { as: mgr, body: { version: o.version, kind: 'sell', reason: '  ' } }), 422, 'validation_failed', { reason: 'required' });
  assertError(await srv.request('POST', `/api/v1/repair_orders/${o.id}/dispose`, { as: mgr, body: { version: o.version, kind: 'burn', reason: 'x' } }), 422, 'validation_failed', { kind: 'invalid' });
  assert.equal((await get(`/api/v1/repair_orders/${o.id}`)).status, 'ready', 'nothing changed');
  r = await srv.request('POST', `/api/v1/repair_orders/${o.id}/dispose`, { as: mgr, body: { version: o.version, kind: 'sell', reason: 'Не забрали за 2 месяца после уведомления; продан по разумной цене' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'disposed');
  c = await get(`/api/v1/repair_orders/${o.id}/clocks`);
  assert.equal(c.unclaimed.disposal.kind, 'sell');
  assert.equal(c.unclaimed.disposal.clock_ended, '2027-03-01');
  const audit = (await get(`/api/v1/audit?entity=repair_orders&record_id=${o.id}`, admin)).items;
  assert.ok(audit.some((a) => a.action === 'disposal'), 'the decision is audited');
  assert.ok(audit.some((a) => a.action === 'dispose'), 'and the transition');
  assert.ok(!(await get('/api/v1/workshop/overdue?kind=unclaimed')).items.some((x) => x.id === o.id));
});

test('storage reminders are queued in the outbox weekly after ready, by the job', async () => {
  await at('2027-04-05T09:00:00Z');
  const o = await toReady(await order(await unit(plainModel)));
  const mine = async () => (await get('/api/v1/outbox?limit=200', admin)).items.filter((m) => m.record_id === o.id && m.event === 'pickup_reminder');
  await runJob(srv.base, 'workshop.pickup_reminders');
  assert.equal((await mine()).length, 0, 'not a week yet');
  await at('2027-04-12T10:00:00Z');
  await runJob(srv.base, 'workshop.pickup_reminders');
  let m = await mine();
  assert.equal(m.length, 1);
  assert.equal(m[0].channel, 'email');
  assert.match(m[0].subject, new RegExp(o.number));
  assert.match(m[0].body, /ждёт вас/);
  await runJob(srv.base, 'workshop.pickup_reminders');
  assert.equal((await mine()).length, 1, 'once a week');
  await at('2027-04-19T11:00:00Z');
  await runJob(srv.base, 'workshop.pickup_reminders');
  assert.equal((await mine()).length, 2);
  const tl = (await get(`/api/v1/repair_orders/${o.id}/timeline`)).items;
  assert.equal(tl.filter((e) => e.kind === 'pickup_reminder').length, 2);
});

test('the unit history: requests, repair orders with their warranty decision, loaners, newest first', async () => {
  await at('2027-05-03T09:00:00Z');
  const u = await unit();
  const req = await create('/api/v1/requests', { subject: 'Гудит компрессор', channel: 'phone', unit_id: u.id }, mgr);
  await at('2027-05-03T10:00:00Z');
  const o = await create('/api/v1/repair_orders', { request_id: req.id, demand: 'repair', branch_id: branch }, mgr);
  await at('2027-05-03T11:00:00Z');
  const h = await create('/api/v1/loaner_issues', { order_id: o.id }, mgr);
  const items = (await get(`/api/v1/equipment_units/${u.id}/service_history`)).items;
  assert.deepEqual(items.map((x) => [x.kind, x.number]), [['loaner', h.number], ['repair_order', o.number], ['request', req.number]]);
  const ro = items[1];
  assert.equal(ro.warranty, false);
  assert.equal(ro.status, 'accepted');
  assert.equal(ro.detail, o.warranty_reason);
  assertError(await srv.request('GET', '/api/v1/equipment_units/999999999/service_history', { as: mgr }), 404, 'not_found');
});

test('a loaner comes from the caller\'s branch and is of the unit\'s kind (its model or category)', async () => {
  await at('2026-12-21T09:00:00Z');
  const other = (await create('/api/v1/branches', { name: 'Филиал ' + uid() })).id;
  const login = `clb${uid()}`;
  await create('/api/v1/users', { login, name: `Приёмщик ${login}`, role: 'technician', branch_id: other, branch_scope: true, password: PASSWORD });
  const local = await srv.login(login, PASSWORD);
  const fridge = await create('/api/v1/equipment_models', { brand: 'Кат', model: 'Х-' + uid(), category: 'Холодильники', loaner_duty: true });
  const fridge2 = await create('/api/v1/equipment_models', { brand: 'Кат', model: 'Y-' + uid(), category: 'Холодильники' });
  const phone = await create('/api/v1/equipment_models', { brand: 'Кат', model: 'Т-' + uid(), category: 'Телефоны' });
  const foreign = await create('/api/v1/loaners', { inventory_number: 'ПФ-' + uid(), model_id: fridge.id, serial: 'L-' + uid(), condition: 'исправен', branch_id: branch }, mgr);
  const o = await create('/api/v1/repair_orders', { unit_id: (await unit(fridge)).id, declared_fault: 'Не морозит', demand: 'repair', branch_id: other }, mgr);
  // another branch's loaner: as if missing, and it stays in its pool
  assertError(await srv.request('POST', '/api/v1/loaner_issues', { as: local, body: { order_id: o.id, loaner_id: foreign.id } }), 422, 'validation_failed', { loaner_id: 'not_found' });
  assert.equal((await get(`/api/v1/loaners/${foreign.id}`)).status, 'available');
  // another kind of device is no substitute
  const wrong = await create('/api/v1/loaners', { inventory_number: 'ПФ-' + uid(), model_id: phone.id, serial: 'L-' + uid(), condition: 'исправен', branch_id: other }, mgr);
  assertError(await srv.request('POST', '/api/v1/loaner_issues', { as: local, body: { order_id: o.id, loaner_id: wrong.id } }), 422, 'validation_failed', { loaner_id: 'other_kind' });
  let h = await create('/api/v1/loaner_issues', { order_id: o.id }, local);
  assertError(await move(local, h, 'issue', { loaner_id: wrong.id }, 'loaner_issues'), 422, 'validation_failed', { loaner_id: 'other_kind' });
  assertError(await move(local, h, 'issue', { loaner_id: foreign.id }, 'loaner_issues'), 422, 'validation_failed', { loaner_id: 'not_found' });
  assert.equal((await get(`/api/v1/loaners/${wrong.id}`)).status, 'available');
  // another model of the same category is
  const same = await create('/api/v1/loaners', { inventory_number: 'ПФ-' + uid(), model_id: fridge2.id, serial: 'L-' + uid(), condition: 'исправен', branch_id: other }, mgr);
  h = await moveOk(local, h, 'issue', { loaner_id: same.id }, 'loaner_issues');
  assert.equal(h.status, 'issued');
});

test('a delivered notice keeps its dates and channel: only a manager corrects them', async () => {
  await at('2026-12-21T09:00:00Z');
  const o = await toReady(await order(await unit(plainModel)));
  let n = await create('/api/v1/pickup_notices', { order_id: o.id, sent_at: '2026-12-18', channel: 'letter', delivered_on: '2026-12-21' }, tech);
  const ends = n.ends_on;
  assert.ok(ends);
  const patch = (as, body) => srv.request('PATCH', `/api/v1/pickup_notices/${n.id}`, { as, body: { version: n.version, ...body } });
  for (const [field, value] of [['delivered_on', '2026-12-19'], ['sent_at', '2026-12-17'], ['channel', 'email'], ['delivered_on', null]]) {
    const r = await patch(tech, { [field]: value });
    assertError(r, 409, 'conflict');
    assert.match(r.json.error.message, new RegExp(`^${field} of a delivered notice`));
  }
  assert.deepEqual(await get(`/api/v1/pickup_notices/${n.id}`), n, 'nothing changed');
  let r = await patch(tech, { note: 'вручено лично под роспись' });
  assert.equal(r.status, 200, r.text);
  n = r.json;
  r = await patch(mgr, { delivered_on: '2026-12-19' });
  assert.equal(r.status, 200, r.text);
  assert.notEqual(r.json.ends_on, ends);
  // before delivery the clerk still fills in the dates
  const o2 = await toReady(await order(await unit(plainModel)));
  const n2 = await create('/api/v1/pickup_notices', { order_id: o2.id, sent_at: '2026-12-18', channel: 'letter' }, tech);
  r = await srv.request('PATCH', `/api/v1/pickup_notices/${n2.id}`, { as: tech, body: { version: n2.version, sent_at: '2026-12-17', delivered_on: '2026-12-21' } });
  assert.equal(r.status, 200, r.text);
});
