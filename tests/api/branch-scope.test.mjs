// branch-scope.test.mjs — a user who works in one branch (users.branch_scope)
// sees and changes only that branch's requests: lists, search, one record,
// its timeline, comments and files, transitions, counters, the workload
// board, the SLA report and notifications; another branch's request answers
// 404, and nothing is made in or moved to another branch. A company-wide
// user sees everything. Runs on SQLite and on PostgreSQL
// (SERVITOR_TEST_DB=postgres).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError, uid } from './harness.mjs';

const srv = useServer({ requests: 0 });
const PASSWORD = 'password-123';
const word = 'филиальное' + uid().replace(/[0-9]/g, '');

let admin, A, B, techA, techB, techWide, storeA;
const req = {};

async function makeUser(role, branch, extra = {}) {
  const login = `${role.slice(0, 4)}${uid()}`;
  const r = await srv.request('POST', '/api/v1/users', {
    as: admin, body: { login, name: `${role} ${login}`, role, branch_id: branch, password: PASSWORD, ...extra },
  });
  assert.equal(r.status, 201, r.text);
  const s = await srv.login(login, PASSWORD);
  assert.equal(s.status, 200, s.text);
  return s;
}

async function makeRequest(subject, branch) {
  const r = await srv.request('POST', '/api/v1/requests', {
    as: admin, body: { subject: `${subject} ${word}`, channel: 'phone', ...(branch ? { branch_id: branch } : {}) },
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function take(as, r, name, params = {}) {
  const cur = await srv.request('GET', `/api/v1/requests/${r.id}`, { as: admin });
  const t = await srv.request('POST', `/api/v1/requests/${r.id}/transitions/${name}`, { as, body: { version: cur.json.version, ...params } });
  assert.equal(t.status, 200, `${name}: ${t.text}`);
  return t.json;
}

before(async () => {
  admin = await srv.as('admin');
  for (const k of ['A', 'B']) {
    const b = await srv.request('POST', '/api/v1/branches', { as: admin, body: { name: `Филиал ${k} ${uid()}` } });
    assert.equal(b.status, 201, b.text);
    if (k === 'A') A = b.json.id; else B = b.json.id;
  }
  techA = await makeUser('technician', A); // the role's default: branch scope
  techB = await makeUser('technician', B);
  storeA = await makeUser('storekeeper', A);
  techWide = await makeUser('technician', A, { branch_scope: false });
  req.a1 = await makeRequest('Первое A', A);
  req.a2 = await makeRequest('Второе A', A);
  req.b = await makeRequest('Чужое B', B);
  req.none = await makeRequest('Без филиала', null);
});

test('technicians and storekeepers bound to a branch work in it by default; admins and auditors are company-wide', async () => {
  for (const [s, scoped] of [[techA, true], [storeA, true], [techWide, false]]) {
    const me = await srv.request('GET', '/api/v1/auth/me', { as: s });
    assert.equal(me.json.user.branch_scope, scoped, s.user.login);
    const u = await srv.request('GET', `/api/v1/users/${s.user.id}`, { as: admin });
    assert.equal(u.json.branch_scope, scoped);
  }
  const mgr = await makeUser('manager', A);
  assert.equal(mgr.user.branch_scope, false, 'managers are company-wide by default');
  const refused = await srv.request('POST', '/api/v1/users', {
    as: admin, body: { login: 'aud' + uid(), name: 'Аудитор', role: 'auditor', branch_id: A, branch_scope: true, password: PASSWORD },
  });
  assertError(refused, 422, 'validation_failed', { branch_scope: 'company_wide_role' });
  const noBranch = await srv.request('POST', '/api/v1/users', {
    as: admin, body: { login: 'nob' + uid(), name: 'Без филиала', role: 'technician', branch_scope: true, password: PASSWORD },
  });
  assertError(noBranch, 422, 'validation_failed', { branch_id: 'required' });
  const meta = await srv.request('GET', '/api/v1/meta', { as: techA });
  const roles = Object.fromEntries(meta.json.roles.map((r) => [r.name, r]));
  assert.equal(roles.technician.branch_scoped_default, true);
  assert.equal(roles.admin.company_wide, true);
  assert.equal(meta.json.entities.find((e) => e.name === 'requests').branch_field, 'branch_id');
});

test('a branch-scoped technician lists and finds only his branch\'s requests; a company-wide one all', async () => {
  const ids = (r) => r.json.items.map((x) => x.id).sort((a, b) => a - b);
  const mine = [req.a1.id, req.a2.id].sort((a, b) => a - b);
  const all = [req.a1.id, req.a2.id, req.b.id, req.none.id].sort((a, b) => a - b);
  const q = `/api/v1/requests?limit=200&q=${encodeURIComponent(word)}`;
  for (const [s, expected] of [[techA, mine], [storeA, mine], [techWide, all], [admin, all]]) {
    const found = await srv.request('GET', q, { as: s });
    assert.equal(found.status, 200, found.text);
    assert.deepEqual(ids(found), expected, `search as ${s.user.login}`);
  }
  const list = await srv.request('GET', '/api/v1/requests?limit=200', { as: techA });
  assert.ok(list.json.items.length >= 2);
  assert.ok(list.json.items.every((x) => x.branch_id === A), 'every listed request is branch A\'s');
  // a filter for another branch finds nothing rather than the other branch
  const other = await srv.request('GET', `/api/v1/requests?branch_id=${B}`, { as: techA });
  assert.deepEqual(other.json.items, []);
  // paging keeps the scope
  const p1 = await srv.request('GET', `${q}&limit=1`, { as: techA });
  const p2 = await srv.request('GET', `${q}&limit=1&cursor=${p1.json.next_cursor}`, { as: techA });
  assert.deepEqual([...ids(p1), ...ids(p2)].sort((a, b) => a - b), mine);
  assert.equal(p2.json.next_cursor, null);
});

test('another branch\'s request answers 404 to read, change, transition, comment, timeline and files — and is unchanged', async () => {
  const url = `/api/v1/requests/${req.b.id}`;
  assertError(await srv.request('GET', url, { as: techA }), 404, 'not_found');
  assertError(await srv.request('PATCH', url, { as: techA, body: { version: req.b.version, description: 'чужое' } }), 404, 'not_found');
  assertError(await srv.request('POST', `${url}/transitions/start`, { as: techA, body: { version: req.b.version } }), 404, 'not_found');
  assertError(await srv.request('POST', `${url}/comments`, { as: techA, body: { body: 'чужая заметка' } }), 404, 'not_found');
  assertError(await srv.request('GET', `${url}/timeline`, { as: techA }), 404, 'not_found');
  assertError(await srv.request('GET', `${url}/attachments`, { as: techA }), 404, 'not_found');
  assertError(await srv.request('POST', `${url}/attachments?name=a.txt`, { as: techA, raw: 'текст' }), 404, 'not_found');
  const bulk = await srv.request('POST', '/api/v1/requests/bulk/start', { as: techA, body: { items: [{ id: req.b.id, version: req.b.version }] } });
  assert.equal(bulk.status, 200, bulk.text);
  assert.deepEqual(bulk.json.results.map((x) => x.status), [404]);
  const after = await srv.request('GET', url, { as: admin });
  assert.equal(after.json.version, req.b.version, 'unchanged');
  assert.equal(after.json.status, 'new');
  const tl = await srv.request('GET', `${url}/timeline`, { as: admin });
  assert.ok(!tl.json.items.some((e) => e.body === 'чужая заметка'));
  // a file of another branch's request is not there either
  const file = await srv.request('POST', `${url}/attachments?name=b.txt`, { as: admin, raw: 'файл филиала B' });
  assert.equal(file.status, 201, file.text);
  assertError(await srv.request('GET', `/api/v1/attachments/${file.json.id}`, { as: techA }), 404, 'not_found');
  assert.equal((await srv.request('GET', `/api/v1/attachments/${file.json.id}`, { as: techWide })).status, 200);
  // the company-wide technician reads it
  assert.equal((await srv.request('GET', url, { as: techWide })).status, 200);
  // his own branch's: allowed
  assert.equal((await srv.request('GET', `/api/v1/requests/${req.a1.id}/timeline`, { as: techA })).status, 200);
});

test('a branch-scoped user creates in his branch only and cannot move a request out of it', async () => {
  const made = await srv.request('POST', '/api/v1/requests', { as: techA, body: { subject: 'Своё ' + uid(), channel: 'phone' } });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.json.branch_id, A, 'his branch by default');
  const subject = 'В чужой филиал ' + uid();
  const refused = await srv.request('POST', '/api/v1/requests', { as: techA, body: { subject, channel: 'phone', branch_id: B } });
  assertError(refused, 422, 'validation_failed', { branch_id: 'out_of_scope' });
  const q = await srv.request('GET', `/api/v1/requests?q=${encodeURIComponent(subject)}`, { as: admin });
  assert.deepEqual(q.json.items, [], 'nothing was made');
  const move = await srv.request('PATCH', `/api/v1/requests/${made.json.id}`, { as: techA, body: { version: made.json.version, branch_id: B } });
  assertError(move, 422, 'validation_failed', { branch_id: 'out_of_scope' });
  const still = await srv.request('GET', `/api/v1/requests/${made.json.id}`, { as: admin });
  assert.equal(still.json.branch_id, A);
  assert.equal(still.json.version, made.json.version);
  // the company-wide one may
  const wide = await srv.request('POST', '/api/v1/requests', { as: techWide, body: { subject: 'Куда угодно ' + uid(), channel: 'phone', branch_id: B } });
  assert.equal(wide.status, 201, wide.text);
});

test('counters, workload and the SLA report count the scoped user\'s branch only', async () => {
  await take(admin, req.a1, 'assign', { assignee_id: techA.user.id });
  await take(admin, req.b, 'assign', { assignee_id: techB.user.id });
  await take(techB, req.b, 'start');
  await take(techB, req.b, 'resolve');

  // counters: what the branch holds, counted from the records themselves
  const count = async (s, params) => (await srv.request('GET', `/api/v1/requests?limit=200&${params}`, { as: s })).json.items.length;
  const cA = await srv.request('GET', '/api/v1/desk/counters', { as: techA });
  assert.equal(cA.status, 200, cA.text);
  for (const st of ['new', 'assigned', 'resolved']) {
    assert.equal(cA.json.status[st] ?? 0, await count(admin, `branch_id=${A}&status=${st}`), `branch A ${st}`);
  }
  assert.equal(cA.json.mine_open, 1);
  const cAll = await srv.request('GET', '/api/v1/desk/counters', { as: admin });
  assert.ok((cAll.json.status.resolved ?? 0) >= 1, 'the company sees B\'s resolved request');
  assert.equal(cA.json.status.resolved ?? 0, 0, 'branch A has none resolved');
  const cWide = await srv.request('GET', '/api/v1/desk/counters', { as: techWide });
  assert.deepEqual(cWide.json.status, cAll.json.status);

  // workload: the branch's people and their branch's requests
  const wA = await srv.request('GET', '/api/v1/desk/workload', { as: techA });
  assert.equal(wA.status, 200, wA.text);
  const people = wA.json.items.map((x) => x.user_id);
  assert.ok(people.includes(techA.user.id));
  assert.ok(!people.includes(techB.user.id), 'another branch\'s technician is not on the board');
  assert.equal(wA.json.items.find((x) => x.user_id === techA.user.id).open, 1);
  const wAll = await srv.request('GET', '/api/v1/desk/workload', { as: admin });
  assert.ok(wAll.json.items.some((x) => x.user_id === techB.user.id));

  // the SLA report: B's resolved request is not in A's
  const rA = await srv.request('GET', '/api/v1/desk/sla-report?by=assignee', { as: techA });
  assert.equal(rA.status, 200, rA.text);
  assert.ok(!rA.json.rows.some((x) => x.key === String(techB.user.id)), JSON.stringify(rA.json));
  assert.equal(rA.json.total.met + rA.json.total.breached, 0);
  const rAll = await srv.request('GET', '/api/v1/desk/sla-report?by=assignee', { as: admin });
  assert.ok(rAll.json.total.met + rAll.json.total.breached >= 1, JSON.stringify(rAll.json));
});

test('notifications about another branch\'s requests do not reach a scoped user', async () => {
  const mention = `@${techA.user.login}`;
  for (const r of [req.b, req.a2]) {
    const c = await srv.request('POST', `/api/v1/requests/${r.id}/comments`, { as: admin, body: { body: `посмотри ${mention}` } });
    assert.equal(c.status, 201, c.text);
  }
  const n = await srv.request('GET', '/api/v1/notifications', { as: techA });
  assert.equal(n.status, 200, n.text);
  const about = n.json.items.map((x) => x.record_id);
  assert.ok(about.includes(req.a2.id), 'his branch\'s mention arrives');
  assert.ok(!about.includes(req.b.id), 'another branch\'s does not');
  assert.equal(n.json.unread, n.json.items.filter((x) => !x.read_at).length);
});

test('a user\'s branch scope changes take effect: lifted, he sees every branch', async () => {
  const s = await makeUser('storekeeper', A);
  assertError(await srv.request('GET', `/api/v1/requests/${req.b.id}`, { as: s }), 404, 'not_found');
  const u = await srv.request('GET', `/api/v1/users/${s.user.id}`, { as: admin });
  const p = await srv.request('PATCH', `/api/v1/users/${s.user.id}`, { as: admin, body: { version: u.json.version, branch_scope: false } });
  assert.equal(p.status, 200, p.text);
  assert.equal((await srv.request('GET', `/api/v1/requests/${req.b.id}`, { as: s })).status, 200);
  // promoted to auditor, a scope set before is lifted (auditors are company-wide)
  const t = await makeUser('technician', B);
  const tu = await srv.request('GET', `/api/v1/users/${t.user.id}`, { as: admin });
  const up = await srv.request('PATCH', `/api/v1/users/${t.user.id}`, { as: admin, body: { version: tu.json.version, role: 'auditor' } });
  assert.equal(up.status, 200, up.text);
  assert.equal(up.json.branch_scope, false);
});
