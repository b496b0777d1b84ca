// routing.test.mjs — rules distribute new requests from every channel: by
// words, order and stop, to a person, round robin, least loaded, by skill;
// the rule that fired is on the request; the workload board counts.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { testDb, run, serve, login, call } from '../lib.mjs';

let db, srv, mgr, sales, admin, eng, mgrUser;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url);
  admin = await login(srv.base, 'admin', 'admin12345', '10.90.0.1');
  mgr = await login(srv.base, 'manager', 'demo12345', '10.90.0.2');
  sales = await login(srv.base, 'sales', 'demo12345', '10.90.0.3');
  const users = (await call(srv.base, admin, 'GET', '/api/v1/users?limit=50')).json.items;
  eng = users.find((u) => u.login === 'engineer');
  mgrUser = users.find((u) => u.login === 'manager');
  // two candidates (the engineer and the manager): the demo's other technicians step aside
  for (const u of users.filter((x) => x.login === 'engineer2' || x.login === 'engineer3'))
    assert.equal((await call(srv.base, admin, 'PATCH', `/api/v1/users/${u.id}`, { version: u.version, active: false })).status, 200);
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

beforeEach(async () => {
  // each test starts without rules
  for (const r of (await call(srv.base, mgr, 'GET', '/api/v1/routing_rules?limit=200')).json.items)
    assert.equal((await call(srv.base, mgr, 'DELETE', `/api/v1/routing_rules/${r.id}`)).status, 204);
});

const rule = async (body) => {
  const r = await call(srv.base, mgr, 'POST', '/api/v1/routing_rules', { name: 'Правило', ...body });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const request = async (body, who = sales) => {
  const r = await call(srv.base, who, 'POST', '/api/v1/requests', { subject: 'Обращение', ...body });
  assert.equal(r.status, 201, r.text);
  return r.json;
};

test('a rule on words sets the queue and assigns a person; the rule is named on the request', async () => {
  const r = await rule({ name: 'Кассы', cond_words: 'касса ККТ фискальный', set_queue: 'ККТ', assign_mode: 'user', assign_user_id: eng.id });
  const hit = await request({ subject: 'Касса не печатает чеки' });
  assert.equal(hit.queue, 'ККТ');
  assert.equal(hit.assignee_id, eng.id);
  assert.equal(hit.status, 'assigned');
  assert.equal(hit.routed_rule_id, r.id);
  assert.equal(hit.routed_rule_id_label, 'Кассы');
  const miss = await request({ subject: 'Принтер мнёт бумагу' });
  assert.equal(miss.queue, null);
  assert.equal(miss.assignee_id, null);
  assert.equal(miss.routed_rule_id, null);
});

test('rules run in order; a rule without stop lets later ones add; an inactive rule does nothing', async () => {
  await rule({ position: 1, name: 'Срочные жалобы', cond_type: 'complaint', set_priority: 'urgent', stop: false });
  await rule({ position: 2, name: 'Очередь претензий', cond_type: 'complaint', set_queue: 'Претензии' });
  await rule({ position: 3, name: 'Не дойдёт', cond_type: 'complaint', set_queue: 'Никогда' });
  await rule({ position: 0, name: 'Выключено', cond_type: 'complaint', set_queue: 'Выкл', active: false });
  const r = await request({ type: 'complaint', subject: 'Повторная поломка' });
  assert.equal(r.priority, 'urgent');
  assert.equal(r.queue, 'Претензии');
  assert.equal(r.sla_policy_id_label, 'Срочно', 'the SLA follows the priority the rule set');
});

test('round robin takes the candidates in turn', async () => {
  await rule({ name: 'По кругу', cond_channel: 'phone', assign_mode: 'round_robin' });
  const got = [];
  for (let i = 0; i < 4; i++) got.push((await request({ channel: 'phone' })).assignee_id);
  const ids = [mgrUser.id, eng.id].sort((a, b) => a - b);
  assert.deepEqual(got, [ids[0], ids[1], ids[0], ids[1]]);
});

test('least loaded picks the person with fewer open requests', async () => {
  // give the manager three open requests
  for (let i = 0; i < 3; i++) await request({ assignee_id: mgrUser.id }, mgr);
  const openOf = async (id) => (await call(srv.base, mgr, 'GET', `/api/v1/requests?assignee_id=${id}&limit=200`)).json.items
    .filter((r) => ['assigned', 'in_progress', 'waiting_client', 'waiting_parts'].includes(r.status)).length;
  await rule({ name: 'Наименее загружен', assign_mode: 'least_loaded' });
  const expected = (await openOf(eng.id)) <= (await openOf(mgrUser.id)) ? eng.id : mgrUser.id;
  assert.equal((await request({})).assignee_id, expected);
});

test('by skill: the request type and the equipment category decide', async () => {
  const u = await call(srv.base, admin, 'GET', `/api/v1/users/${eng.id}`);
  await call(srv.base, admin, 'PATCH', `/api/v1/users/${eng.id}`, { version: u.json.version, skill_types: 'repair maintenance', skill_categories: 'Кофемашины;Холодильники' });
  const model = (await call(srv.base, mgr, 'POST', '/api/v1/equipment_models', { brand: 'Jura', model: 'E8', category: 'Кофемашины' })).json;
  const client = (await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'person', name: 'Любитель кофе' })).json;
  const unit = (await call(srv.base, mgr, 'POST', '/api/v1/equipment_units', { model_id: model.id, serial: 'J-1', client_id: client.id })).json;
  await rule({ name: 'Кофе — мастеру', cond_category: 'Кофемашины', assign_mode: 'skill' });
  const r = await request({ type: 'repair', unit_id: unit.id });
  assert.equal(r.assignee_id, eng.id);
  const nobody = await request({ type: 'demo', unit_id: unit.id });
  assert.equal(nobody.assignee_id, null, 'nobody has the skill for demos');
  assert.equal(nobody.status, 'new');
});

test('requests from the public form are routed too', async () => {
  await rule({ name: 'С сайта', cond_channel: 'web_form', set_queue: 'Сайт', assign_mode: 'user', assign_user_id: mgrUser.id });
  const r = await fetch(srv.base + '/api/v1/public/requests', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.91.0.1' },
    body: JSON.stringify({ name: 'Гость', phone: '+79001112233', description: 'Сломалось', consent: true }) });
  const { number } = await r.json();
  const req = (await call(srv.base, mgr, 'GET', `/api/v1/requests?q=${encodeURIComponent(number)}`)).json.items[0];
  assert.equal(req.queue, 'Сайт');
  assert.equal(req.assignee_id, mgrUser.id);
});

test('rules are the managers\' to edit; "user" needs a person; the workload board counts', async () => {
  assert.equal((await call(srv.base, sales, 'POST', '/api/v1/routing_rules', { name: 'x', assign_mode: 'none' })).status, 403);
  assert.equal((await call(srv.base, sales, 'GET', '/api/v1/routing_rules')).status, 200);
  const bad = await call(srv.base, mgr, 'POST', '/api/v1/routing_rules', { name: 'x', assign_mode: 'user' });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.fields.assign_user_id, 'required');
  const w = await call(srv.base, mgr, 'GET', '/api/v1/desk/workload');
  assert.equal(w.status, 200);
  const m = w.json.items.find((x) => x.user_id === mgrUser.id);
  const open = (await call(srv.base, mgr, 'GET', `/api/v1/requests?assignee_id=${mgrUser.id}&limit=200`)).json.items
    .filter((r) => ['assigned', 'in_progress', 'waiting_client', 'waiting_parts'].includes(r.status)).length;
  assert.equal(m.open, open);
  assert.ok(m.next_due === null || /Z$/.test(m.next_due));
});
