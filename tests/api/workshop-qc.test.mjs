// workshop-qc.test.mjs — quality control of repair orders by the company's
// checklists: the seeded standards, the settings (workshop.settings), a QC
// round recorded with every item marked and the order passed or failed in
// one step — pass refused with a required item not passed, fail refused
// without a failed item or a comment, the repairing technician refused, and
// nothing recorded when refused; a failed round sends the order back to
// repair and counts as rework; the history of rounds stays; the rework report
// per technician and per model. Runs on SQLite and on PostgreSQL
// (SERVITOR_TEST_DB=postgres).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError, uid, walk } from './harness.mjs';

const srv = useServer({ requests: 0 });
const PASSWORD = 'password-123';
let admin, mgr, tech, tech2, model, client, stype, list, items;

async function create(path, body, as = admin) {
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
  const login = `qc${uid()}`;
  await create('/api/v1/users', { login, name: `Мастер ${login}`, role, password: PASSWORD });
  return srv.login(login, PASSWORD);
}
async function moveOk(as, order, name) {
  const r = await srv.request('POST', `/api/v1/repair_orders/${order.id}/transitions/${name}`, { as, body: { version: order.version } });
  assert.equal(r.status, 200, `${name}: ${r.text}`);
  return r.json;
}
const qc = (as, order, body) => srv.request('POST', `/api/v1/repair_orders/${order.id}/qc`, { as, body: { version: order.version, ...body } });

/** An order of the test's service type, repaired by technician `by`, now in qc. */
async function inQc(by = tech, m = model) {
  const u = await create('/api/v1/equipment_units', { model_id: m.id, serial: 'QC-' + uid(), client_id: client.id });
  let o = await create('/api/v1/repair_orders', { unit_id: u.id, declared_fault: 'Не печатает', demand: 'repair', technician_id: by.user.id, service_type_id: stype.id }, mgr);
  for (const step of ['diagnose', 'start_repair', 'to_qc']) o = await moveOk(by, o, step);
  assert.equal(o.status, 'qc');
  return o;
}
/** Marks for every item: passed unless its index is in `failed`. */
const marks = (failed = []) => items.map((it, i) => ({ item_id: it.id, passed: !failed.includes(i), ...(failed.includes(i) ? { comment: 'замечание ' + i } : {}) }));

before(async () => {
  admin = await srv.as('admin');
  mgr = await srv.as('manager');
  tech = await makeUser('technician');
  tech2 = await makeUser('technician');
  model = await create('/api/v1/equipment_models', { brand: 'ОТК', model: 'К-' + uid(), warranty_months: 12 });
  client = await create('/api/v1/clients', { kind: 'person', name: 'Проверкин ' + uid(), phone: '+7998' + String(Date.now()).slice(-7) });
  stype = await create('/api/v1/service_types', { code: 'qc' + uid(), name: 'Ремонт с ОТК ' + uid(), repair_warranty_days: 90 }, mgr);
  list = await create('/api/v1/qc_checklists', { service_type_id: stype.id, name: 'Стандарт ' + uid() }, mgr);
  for (const [text, required] of [['Неисправность устранена', true], ['Корпус собран', true], ['Устройство очищено', false]]) {
    await create('/api/v1/qc_checklist_items', { checklist_id: list.id, text, required }, mgr);
  }
  items = (await get(`/api/v1/qc_checklist_items?checklist_id=${list.id}&sort=position`)).items;
  assert.deepEqual(items.map((i) => i.position), [1, 2, 3], 'a new item goes last');
});

test('the seeded quality standards: a checklist with items for each seeded service type', async () => {
  for (const code of ['repair', 'diagnostics', 'maintenance', 'refill']) {
    const [t] = (await get(`/api/v1/service_types?code=${code}`)).items;
    const [l] = (await get(`/api/v1/qc_checklists?service_type_id=${t.id}&active=true`)).items;
    assert.ok(l, `${code}: a checklist`);
    const its = (await get(`/api/v1/qc_checklist_items?checklist_id=${l.id}&limit=200`)).items;
    assert.ok(its.length >= 4, `${code}: ${its.length} items`);
    assert.ok(its.some((i) => i.required) && its.every((i) => /[а-я]/.test(i.text)), code);
  }
});

test('checklists are settings: a technician may not edit them; one active list per service type', async () => {
  assertError(await srv.request('POST', '/api/v1/qc_checklists', { as: tech, body: { service_type_id: stype.id, name: 'Мой' } }), 403, 'forbidden');
  assertError(await srv.request('POST', '/api/v1/qc_checklist_items', { as: tech, body: { checklist_id: list.id, text: 'Лишний' } }), 403, 'forbidden');
  assertError(await srv.request('POST', '/api/v1/qc_checklists', { as: mgr, body: { service_type_id: stype.id, name: 'Второй' } }), 422, 'validation_failed', { active: 'one_per_type' });
  assertError(await srv.request('POST', '/api/v1/qc_checklist_items', { as: mgr, body: { checklist_id: list.id } }), 422, 'validation_failed', { text: 'required' });
  const spare = await create('/api/v1/qc_checklists', { service_type_id: stype.id, name: 'Черновик', active: false }, mgr);
  assert.equal(spare.active, false);
  const r = await srv.request('DELETE', `/api/v1/qc_checklists/${spare.id}?version=${spare.version}`, { as: mgr });
  assert.equal(r.status, 204, r.text);
  assert.equal((await get(`/api/v1/qc_checklist_items?checklist_id=${list.id}`)).items.length, 3, 'the used list is intact');
});

test('a QC round: pass refused with a required item not passed, fail refused without a failed item or a comment, the technician refused — nothing recorded', async () => {
  const o = await inQc();
  const view = await get(`/api/v1/repair_orders/${o.id}/qc`);
  assert.equal(view.checklist.id, list.id);
  assert.deepEqual(view.checklist.items.map((i) => [i.text, i.required]), [['Неисправность устранена', true], ['Корпус собран', true], ['Устройство очищено', false]]);
  assert.equal(view.round, 1);
  assert.deepEqual(view.rounds, []);
  // the plain transitions need the checklist's results
  assertError(await srv.request('POST', `/api/v1/repair_orders/${o.id}/transitions/qc_pass`, { as: tech2, body: { version: o.version } }), 409, 'conflict');
  const avail = (await get(`/api/v1/repair_orders/${o.id}`, tech2));
  assert.ok(!(avail.transitions || []).some((t) => t.name === 'qc_pass'), 'no plain pass button');

  assertError(await qc(tech2, o, { decision: 'pass', items: marks([1]) }), 422, 'validation_failed', { 'items[1].passed': 'required' });
  assertError(await qc(tech2, o, { decision: 'fail', items: marks([0]) }), 422, 'validation_failed', { comment: 'required' });
  assertError(await qc(tech2, o, { decision: 'fail', comment: 'Плохо', items: marks([]) }), 422, 'validation_failed', { items: 'none_failed' });
  assertError(await qc(tech2, o, { decision: 'pass', items: marks().slice(1) }), 422, 'validation_failed', { items: 'unmarked' });
  assertError(await qc(tech2, o, { decision: 'pass', items: [...marks(), { item_id: 999999999, passed: true }] }), 422, 'validation_failed', { 'items[3].item_id': 'not_in_checklist' });
  assertError(await qc(tech2, o, { decision: 'maybe', items: marks() }), 422, 'validation_failed', { decision: 'invalid' });
  assertError(await qc(tech2, o, { decision: 'pass', items: [{ item_id: items[0].id }] }), 422, 'validation_failed', { 'items[0].passed': 'required' });
  assertError(await qc(tech, o, { decision: 'pass', items: marks() }), 403, 'forbidden');
  assertError(await qc(tech2, { ...o, version: o.version - 1 }, { decision: 'pass', items: marks() }), 409, 'conflict');
  const after = await get(`/api/v1/repair_orders/${o.id}`);
  assert.equal(after.status, 'qc');
  assert.equal(after.version, o.version, 'nothing changed');
  assert.deepEqual((await get(`/api/v1/repair_orders/${o.id}/qc`)).rounds, [], 'no round recorded');
});

test('a failed QC sends the order back to repair as rework; the next round passes; the history stays', async () => {
  let o = await inQc();
  const r = await qc(tech2, o, { decision: 'fail', comment: 'Полосы при печати', items: marks([0]) });
  assert.equal(r.status, 200, r.text);
  o = r.json;
  assert.equal(o.status, 'in_repair');
  assert.equal(o.rework_count, 1);
  assert.equal(o.qc_passed, false);
  for (const step of ['to_qc']) o = await moveOk(tech, o, step);
  assertError(await srv.request('POST', `/api/v1/repair_orders/${o.id}/transitions/qc_fail`, { as: tech2, body: { version: o.version } }), 409, 'conflict');
  const p = await qc(mgr, o, { decision: 'pass', comment: 'Исправлено', items: marks([2]) });
  assert.equal(p.status, 200, p.text);
  o = p.json;
  assert.equal(o.status, 'ready');
  assert.equal(o.qc_passed, true);
  assert.equal(o.rework_count, 1);
  const view = await get(`/api/v1/repair_orders/${o.id}/qc`, tech);
  assert.deepEqual(view.rounds.map((x) => [x.round, x.outcome]), [[2, 'passed'], [1, 'failed']]);
  const [second, first] = view.rounds;
  assert.equal(first.checker_id, tech2.user.id);
  assert.equal(first.technician_id, tech.user.id);
  assert.equal(first.comment, 'Полосы при печати');
  assert.deepEqual(first.items.map((i) => [i.text, i.passed, i.comment]),
    [['Неисправность устранена', false, 'замечание 0'], ['Корпус собран', true, null], ['Устройство очищено', true, null]]);
  assert.equal(second.checker_id, mgr.user.id);
  assert.deepEqual(second.items.map((i) => i.passed), [true, true, false], 'an advisory item may fail a passed round');
  const tl = await get(`/api/v1/repair_orders/${o.id}/timeline`);
  assert.deepEqual(tl.items.filter((e) => e.kind === 'qc').map((e) => e.to).sort(), ['1', '2']);
  assert.ok(tl.items.some((e) => e.kind === 'qc' && e.body === 'Полосы при печати'));
  const audit = await get(`/api/v1/audit?entity=repair_orders&record_id=${o.id}`, admin);
  assert.ok(audit.items.some((a) => a.action === 'qc_fail') && audit.items.some((a) => a.action === 'qc_pass'), 'audited');
  // a round is decided once: the order is no longer in qc
  assertError(await qc(tech2, o, { decision: 'pass', items: marks() }), 409, 'conflict');
});

test('without a checklist for its service type an order passes QC by the plain transition, and the round is on record', async () => {
  const u = await create('/api/v1/equipment_units', { model_id: model.id, serial: 'QC-' + uid(), client_id: client.id });
  let o = await create('/api/v1/repair_orders', { unit_id: u.id, declared_fault: 'Без вида услуги', technician_id: tech.user.id }, mgr);
  for (const step of ['diagnose', 'start_repair', 'to_qc']) o = await moveOk(tech, o, step);
  assert.equal((await get(`/api/v1/repair_orders/${o.id}/qc`)).checklist, null);
  assertError(await qc(tech2, o, { decision: 'fail', items: [] }), 422, 'validation_failed', { comment: 'required' });
  o = await moveOk(tech2, o, 'qc_pass');
  assert.deepEqual((await get(`/api/v1/repair_orders/${o.id}/qc`)).rounds.map((x) => [x.round, x.outcome, x.checker_id]), [[1, 'passed', tech2.user.id]]);
});

test('the rework report: per technician and per model, orders failed at least once over orders through QC', async () => {
  const worker = await makeUser('technician');
  const m = await create('/api/v1/equipment_models', { brand: 'Доработка', model: 'Д-' + uid() });
  let a = await inQc(worker, m);
  a = (await qc(tech2, a, { decision: 'fail', comment: 'Шумит', items: marks([1]) })).json;
  a = await moveOk(worker, a, 'to_qc');
  a = (await qc(tech2, a, { decision: 'fail', comment: 'Всё ещё шумит', items: marks([1]) })).json;
  assert.equal(a.rework_count, 2);
  a = await moveOk(worker, a, 'to_qc');
  assert.equal((await qc(tech2, a, { decision: 'pass', items: marks() })).status, 200);
  const b = await inQc(worker, m);
  assert.equal((await qc(tech2, b, { decision: 'pass', items: marks() })).status, 200);
  const c = await inQc(worker, m);
  assert.equal((await qc(tech2, c, { decision: 'fail', comment: 'Царапина', items: marks([1]) })).status, 200);

  const day = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 86400e3).toISOString().slice(0, 10);
  const byTech = await get(`/api/v1/reports/rework?group=technician&from=${from}&to=${day}`);
  const row = byTech.rows.find((x) => x.key === String(worker.user.id));
  assert.ok(row, JSON.stringify(byTech).slice(0, 500));
  assert.deepEqual([row.label, row.checked, row.reworked], [worker.user.name, 3, 2]);
  assert.ok(Math.abs(row.rework_percent - 66.67) < 0.01, String(row.rework_percent));
  const byModel = await get(`/api/v1/reports/rework?group=model&from=${from}&to=${day}`);
  const mrow = byModel.rows.find((x) => x.key === String(m.id));
  assert.deepEqual([mrow.checked, mrow.reworked], [3, 2]);
  const csv = await srv.request('GET', `/api/v1/reports/rework.csv?group=technician&from=${from}&to=${day}`, { as: mgr });
  assert.equal(csv.status, 200);
  assert.match(csv.text, /rework_percent/);
  assertError(await srv.request('GET', '/api/v1/reports/rework', { as: tech }), 403, 'forbidden');
});

test('in QC the technician and the service type stay put, and whoever handed the order over does not pass it', async () => {
  let o = await inQc(tech);
  const patch = (body, as = tech) => srv.request('PATCH', `/api/v1/repair_orders/${o.id}`, { as, body: { version: o.version, ...body } });
  let r = await patch({ technician_id: tech2.user.id, service_type_id: null });
  assertError(r, 409, 'conflict');
  assert.match(r.json.error.message, /technician_id/);
  r = await patch({ service_type_id: null });
  assertError(r, 409, 'conflict');
  assert.match(r.json.error.message, /service_type_id/);
  assertError(await patch({ technician_id: null }, mgr), 409, 'conflict');
  const now = await get(`/api/v1/repair_orders/${o.id}`);
  assert.deepEqual([now.technician_id, now.service_type_id, now.version], [tech.user.id, stype.id, o.version]);
  assertError(await qc(tech, o, { decision: 'pass', items: marks() }), 403, 'forbidden');

  // the field emptied before QC: who took to_qc is still the repairer
  const u = await create('/api/v1/equipment_units', { model_id: model.id, serial: 'QC-' + uid(), client_id: client.id });
  let p = await create('/api/v1/repair_orders', { unit_id: u.id, declared_fault: 'Без мастера', demand: 'repair', technician_id: tech.user.id }, mgr);
  for (const step of ['diagnose', 'start_repair']) p = await moveOk(tech, p, step);
  r = await srv.request('PATCH', `/api/v1/repair_orders/${p.id}`, { as: mgr, body: { version: p.version, technician_id: null } });
  assert.equal(r.status, 200, r.text);
  p = await moveOk(tech, r.json, 'to_qc');
  r = await srv.request('POST', `/api/v1/repair_orders/${p.id}/transitions/qc_pass`, { as: tech, body: { version: p.version } });
  assertError(r, 403, 'forbidden');
  assert.match(r.json.error.message, /handed the order over/);
  p = await moveOk(tech2, p, 'qc_pass');
  assert.equal(p.status, 'ready');
});

test('a checklist has at most 200 items (a QC round reads that many)', async () => {
  const st = await create('/api/v1/service_types', { code: 'qm' + uid(), name: 'Длинный список ' + uid() }, mgr);
  const long = await create('/api/v1/qc_checklists', { service_type_id: st.id, name: 'Длинный ' + uid() }, mgr);
  for (let i = 0; i < 200; i += 20) {
    await Promise.all(Array.from({ length: 20 }, (_, k) => create('/api/v1/qc_checklist_items', { checklist_id: long.id, text: `Пункт ${i + k + 1}`, required: false }, mgr)));
  }
  assertError(await srv.request('POST', '/api/v1/qc_checklist_items', { as: mgr, body: { checklist_id: long.id, text: 'Пункт 201' } }), 422, 'validation_failed', { checklist_id: 'full' });
  assert.equal((await walk(srv, `/api/v1/qc_checklist_items?checklist_id=${long.id}`, mgr)).items.length, 200);
});
