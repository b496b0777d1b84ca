// desk-daily.test.mjs — the desk in daily use (issue 10, items 2–5, 11, 12):
// demo data that looks real, assignees who can work, the overdue counter of
// open requests only, the workload board by status and by week, requests
// found by number, a client that cannot be deleted says why, the audit log
// names people. On SQLite, and on PostgreSQL with SERVITOR_TEST_DB=postgres.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDb, run, serve, login, call, roundTheClockBranch, testClock, runJob, TEST_CLOCK_ENV } from '../lib.mjs';

let db, srv, admin, mgr, eng, auditor, store;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '150', '--db', db.url]);
  srv = await serve(db.url, [], TEST_CLOCK_ENV);
  admin = await login(srv.base, 'admin', 'admin12345', '10.110.0.1');
  mgr = await login(srv.base, 'manager', 'demo12345', '10.110.0.2');
  eng = await login(srv.base, 'engineer', 'demo12345', '10.110.0.3');
  auditor = await login(srv.base, 'auditor', 'demo12345', '10.110.0.4');
  store = await login(srv.base, 'store', 'demo12345', '10.110.0.5');
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

async function all(path, session = admin) {
  const out = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const r = await call(srv.base, session, 'GET', `${path}${sep}limit=200${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
    assert.equal(r.status, 200, r.text);
    out.push(...r.json.items);
    cursor = r.json.next_cursor;
  } while (cursor);
  return out;
}

const OPEN = ['new', 'assigned', 'in_progress', 'waiting_client', 'waiting_parts'];

// runs first: the test clock has not moved yet
test('demo data looks real: nothing in the future, SLA outcomes follow the times, a working day of open requests', async () => {
  const now = Date.now() + 60000;
  // what is due now is marked (and escalated) before anything is read: a scan
  // of the jobs thread's first round must not move a request between the list
  // read here and the badge read below
  await runJob(srv.base, 'sla.scan');
  const reqs = await all('/api/v1/requests');
  assert.equal(reqs.length, 75);
  for (const r of reqs) {
    for (const k of ['created_at', 'resolved_at', 'closed_at', 'first_response_at']) {
      if (r[k]) assert.ok(Date.parse(r[k]) <= now, `${r.number} ${k} ${r[k]} is in the future`);
    }
    if (r.resolved_at) assert.ok(r.resolved_at >= r.created_at, r.number);
    if (r.closed_at && r.resolved_at) assert.ok(r.closed_at >= r.resolved_at, r.number);
    if (['resolved', 'closed'].includes(r.status) && r.resolution_due) {
      const late = Date.parse(r.resolved_at) > Date.parse(r.resolution_due);
      assert.equal(r.sla_state, late ? 'breached' : 'met', `${r.number}: resolved ${r.resolved_at}, due ${r.resolution_due}`);
    }
    // open and past the deadline: breached (escalation may since have moved a breached one's deadline)
    if (OPEN.includes(r.status) && r.resolution_due && Date.parse(r.resolution_due) < Date.now() - 120000) {
      assert.equal(r.sla_state, 'breached', `${r.number} due ${r.resolution_due}`);
    }
    if (r.type === 'consultation') assert.notEqual(r.priority, 'urgent', r.number);
    if (r.status === 'new') assert.equal(r.assignee_id, null);
  }
  const open = reqs.filter((r) => OPEN.includes(r.status));
  assert.ok(open.length >= 15, `a working day's worth of open requests: ${open.length}`);
  assert.ok(new Set(open.map((r) => r.status)).size >= 4, 'in several states');
  const people = new Set(open.filter((r) => r.assignee_id).map((r) => r.assignee_id));
  assert.ok(people.size >= 3, 'spread over the technicians');
  const overdue = open.filter((r) => r.sla_state === 'breached');
  assert.ok(overdue.length >= 2 && overdue.length <= open.length / 2, `a few overdue: ${overdue.length}`);

  const clients = await all('/api/v1/clients');
  const companies = clients.filter((c) => c.kind === 'company');
  const names = companies.map((c) => c.name);
  assert.equal(new Set(names).size, names.length, 'no two companies of the same name');
  for (const c of companies) assert.doesNotMatch(c.address || '', /кв\./, `${c.name}: ${c.address}`);
  const rules = (await call(srv.base, admin, 'GET', '/api/v1/routing_rules')).json.items;
  assert.ok(rules.length >= 3, 'some routing rules');
  const counters = (await call(srv.base, mgr, 'GET', '/api/v1/desk/counters')).json;
  assert.equal(counters.overdue, overdue.length, 'the overdue badge counts the open ones past their deadline');
});

// words that tie a subject to one category of equipment: a demo request
// saying them is about a unit of that category (a washing machine does not
// jam paper, a drill has no fiscal drive)
const CATEGORY_WORDS = [
  [/бумаг|картридж|фотобарабан|полосы при печати|печати по сети/i, 'Принтеры и МФУ'],
  [/фискальн|\bФН\b|чек|касс/i, 'Кассовая техника'],
  [/аккумулятор|щёт|двигател/i, 'Электроинструмент'],
  [/кофе|помол|накип|декальцинац/i, 'Кофемашины'],
  [/морозил|морозит|ящиками овощей|холодильн/i, 'Холодильники'],
  [/сливает|отжим|манжет|стирк/i, 'Стиральные машины'],
];

test('demo requests: subjects fit the category of their unit; some resolved ones are rated', async () => {
  const reqs = await all('/api/v1/requests');
  const units = new Map((await all('/api/v1/equipment_units')).map((u) => [u.id, u]));
  const models = new Map((await all('/api/v1/equipment_models')).map((m) => [m.id, m]));
  const seen = new Set();
  for (const r of reqs) {
    const text = `${r.subject} ${r.description || ''}`;
    const category = r.unit_id ? models.get(units.get(r.unit_id).model_id).category : null;
    for (const [words, cat] of CATEGORY_WORDS) {
      if (!words.test(text)) continue;
      assert.equal(category, cat, `${r.number} «${r.subject}» is about a unit of «${category}»`);
      seen.add(cat);
    }
  }
  assert.ok(seen.size >= 4, `category-specific subjects are used: ${[...seen]}`);

  const rated = reqs.filter((r) => r.rating != null);
  assert.ok(rated.length >= 5, `some requests rated: ${rated.length}`);
  for (const r of rated) {
    assert.ok(['resolved', 'closed'].includes(r.status), `${r.number} rated while ${r.status}`);
    assert.ok(r.rating >= 1 && r.rating <= 5, r.number);
    assert.ok(r.rated_at >= r.resolved_at && Date.parse(r.rated_at) <= Date.now() + 60000, `${r.number} rated ${r.rated_at}`);
  }
  assert.ok(rated.some((r) => r.rating_comment), 'with comments');
  assert.ok(rated.some((r) => r.rating <= 3) && rated.some((r) => r.rating === 5), 'good and low ones');
  // the timeline says the client rated it
  const tl = await call(srv.base, mgr, 'GET', `/api/v1/requests/${rated[0].id}/timeline`);
  assert.ok(tl.json.items.some((e) => e.kind === 'rating' && e.to === String(rated[0].rating)), tl.text);
});

test('a request can be assigned only to someone who works on requests', async () => {
  const users = (await call(srv.base, admin, 'GET', '/api/v1/users?limit=50')).json.items;
  const id = (login) => users.find((u) => u.login === login).id;
  for (const who of ['auditor', 'store', 'sales']) {
    const bad = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Кому?', assignee_id: id(who) });
    assert.equal(bad.status, 422, who);
    assert.equal(bad.json.error.fields.assignee_id, 'cannot_take', who);
  }
  const r = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Назначить' })).json;
  const refused = await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/assign`, { version: r.version, assignee_id: id('auditor') });
  assert.equal(refused.status, 422, refused.text);
  assert.equal(refused.json.error.fields.assignee_id, 'cannot_take');
  assert.equal((await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`)).json.status, 'new', 'nothing changed');
  const ok = await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/assign`, { version: r.version, assignee_id: id('engineer2') });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.assignee_id, id('engineer2'));
  const mine = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Себе', assignee_id: mgr.user.id });
  assert.equal(mine.status, 201, 'a manager works on requests too');
});

test('requests are found by number (with or without the prefix), subject and description', async () => {
  const r = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Щёлкает реле', description: 'Слышен треск в блоке питания' })).json;
  const digits = r.number.split('-').pop();
  for (const q of [r.number, digits, 'щелкает реле', 'треск']) {
    const found = (await call(srv.base, mgr, 'GET', `/api/v1/requests?q=${encodeURIComponent(q)}`)).json.items;
    assert.ok(found.some((x) => x.id === r.id), `found by «${q}»`);
  }
});

test('the overdue badge counts open requests past their deadline; resolved late ones leave it', async () => {
  const branch = await roundTheClockBranch(srv.base, admin, 'Круглосуточный (просрочка)');
  let r = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Опоздаем', priority: 'urgent', branch_id: branch, assignee_id: eng.user.id })).json;
  const { unix } = await testClock(srv.base, { advance: 0 });
  await testClock(srv.base, { advance: Math.ceil(Date.parse(r.resolution_due) / 1000 - unix) + 60 });
  await runJob(srv.base, 'sla.scan');
  r = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`)).json;
  assert.equal(r.sla_state, 'breached');
  // (the clock moved: other open requests may have passed their deadlines too)
  const late = (await call(srv.base, mgr, 'GET', '/api/v1/desk/counters')).json;
  const listed = (await call(srv.base, mgr, 'GET', `/api/v1/requests?sla_state=breached&status=${OPEN.join(',')}&limit=200`)).json.items;
  assert.ok(listed.some((x) => x.id === r.id));
  assert.equal(listed.length, late.overdue, 'the «Просроченные» view lists what its badge counts');
  const breachedAll = await all('/api/v1/requests?sla_state=breached');
  assert.equal(late.sla_state.breached, breachedAll.length);
  assert.ok(breachedAll.length > listed.length, 'closed late ones are breached, not overdue');
  r = (await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/resolve`, { version: r.version })).json;
  assert.equal(r.status, 'resolved');
  const after = (await call(srv.base, mgr, 'GET', '/api/v1/desk/counters')).json;
  assert.equal(after.overdue, late.overdue - 1, 'resolved: no longer overdue');
  assert.equal(after.sla_state.breached, late.sla_state.breached, 'still breached in the SLA counts');
  // the daily recount agrees with the counts kept by the writes
  await runJob(srv.base, 'counters.recount');
  assert.equal((await call(srv.base, mgr, 'GET', '/api/v1/desk/counters')).json.overdue, after.overdue);
});

test('the workload board: open requests by status and the requests resolved in each of the last weeks', async () => {
  const w = (await call(srv.base, mgr, 'GET', '/api/v1/desk/workload')).json;
  assert.equal(w.weeks, 8);
  const reqs = await all('/api/v1/requests');
  for (const p of w.items) {
    const mine = reqs.filter((r) => r.assignee_id === p.user_id && OPEN.includes(r.status));
    assert.equal(p.open, mine.length, p.name);
    const by = {};
    for (const r of mine) by[r.status] = (by[r.status] || 0) + 1;
    assert.deepEqual(p.by_status, by, p.name);
    assert.equal(p.resolved_weeks.length, 8);
    const { now } = await testClock(srv.base, { advance: 0 });
    const since = Date.parse(now) - 8 * 7 * 86400000;
    const resolved = reqs.filter((r) => r.assignee_id === p.user_id && r.resolved_at && Date.parse(r.resolved_at) >= since);
    assert.equal(p.resolved_weeks.reduce((a, b) => a + b, 0), resolved.length, p.name);
  }
  assert.ok(w.items.some((p) => p.resolved_weeks.some((n) => n > 0)), 'the demo resolved something lately');
  assert.ok(!w.items.some((p) => p.name === 'Инна Павловна Крылова'), 'the auditor is not on the board');
});

test('a client in use cannot be deleted, and the answer names what refers to it', async () => {
  const c = (await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'company', name: 'ООО «Нельзя удалить»' })).json;
  const model = (await call(srv.base, mgr, 'GET', '/api/v1/equipment_models?limit=1')).json.items[0];
  await call(srv.base, mgr, 'POST', '/api/v1/equipment_units', { model_id: model.id, serial: 'DEL-0001', client_id: c.id });
  await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Заявка', client_id: c.id });
  await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Ещё заявка', client_id: c.id });
  const r = await call(srv.base, mgr, 'DELETE', `/api/v1/clients/${c.id}`, { version: c.version });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.fields.requests, 'refers');
  assert.equal(r.json.error.fields.equipment_units, 'refers');
  assert.match(r.json.error.message, /requests: 2/);
  assert.match(r.json.error.message, /equipment_units: 1/);
  assert.equal((await call(srv.base, mgr, 'GET', `/api/v1/clients/${c.id}`)).status, 200, 'still there');
  const free = (await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'person', name: 'Удаляемый' })).json;
  assert.equal((await call(srv.base, mgr, 'DELETE', `/api/v1/clients/${free.id}`, { version: free.version })).status, 204);
});

test('the audit log names people, the system as such', async () => {
  const c = (await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'person', name: 'Для журнала' })).json;
  const entries = (await call(srv.base, admin, 'GET', `/api/v1/audit?entity=clients&record_id=${c.id}`)).json.items;
  assert.equal(entries[0].user_login, 'manager');
  assert.equal(entries[0].user_name, 'Ольга Сергеевна Белова');
  const system = (await call(srv.base, admin, 'GET', '/api/v1/audit?entity=routing_rules')).json.items;
  assert.ok(system.length >= 3);
  assert.equal(system[0].user_name, null, 'made by the demo: no person');
});

test('the API refuses an assignee for a storekeeper asking too (permission first)', async () => {
  const r = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Склад' })).json;
  const refused = await call(srv.base, store, 'POST', `/api/v1/requests/${r.id}/transitions/assign`, { version: r.version, assignee_id: eng.user.id });
  assert.equal(refused.status, 403);
  const viewer = await call(srv.base, auditor, 'GET', `/api/v1/requests/${r.id}`);
  assert.equal(viewer.status, 200);
});
