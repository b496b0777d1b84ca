// desk.test.mjs — requests (обращения): numbering, validation, the workflow
// table as the API exposes it, the timeline, permissions per role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDb, run, serve, login, call } from '../lib.mjs';

let db, srv, mgr, eng, sales, store, auditor;
let clientId, unitId, contactId, otherClientId;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '10', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url);
  mgr = await login(srv.base, 'manager', 'demo12345', '10.20.0.1');
  eng = await login(srv.base, 'engineer', 'demo12345', '10.20.0.2');
  sales = await login(srv.base, 'sales', 'demo12345', '10.20.0.3');
  store = await login(srv.base, 'store', 'demo12345', '10.20.0.4');
  auditor = await login(srv.base, 'auditor', 'demo12345', '10.20.0.5');
  const c = await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'company', name: 'ООО «Заявитель»' });
  clientId = c.json.id;
  const other = await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'person', name: 'Другой Клиент' });
  otherClientId = other.json.id;
  const ct = await call(srv.base, mgr, 'POST', '/api/v1/contacts', { client_id: clientId, name: 'Анна Контактова' });
  contactId = ct.json.id;
  const models = await call(srv.base, mgr, 'GET', '/api/v1/equipment_models?limit=1');
  const u = await call(srv.base, mgr, 'POST', '/api/v1/equipment_units', { model_id: models.json.items[0].id, serial: 'DESK-0001', client_id: clientId });
  unitId = u.json.id;
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

async function newRequest(session = mgr, extra = {}) {
  const r = await call(srv.base, session, 'POST', '/api/v1/requests', { subject: 'Не печатает принтер', channel: 'phone', ...extra });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function take(session, req, name, params = {}) {
  return call(srv.base, session, 'POST', `/api/v1/requests/${req.id}/transitions/${name}`, { version: req.version, ...params });
}

test('a new request gets the next number of its year, status new, defaults and an access code', async () => {
  const a = await newRequest();
  const b = await newRequest();
  const year = new Date().getUTCFullYear();
  assert.match(a.number, new RegExp(`^О-${year}-\\d{6}$`));
  assert.equal(Number(b.number.slice(-6)), Number(a.number.slice(-6)) + 1);
  assert.equal(a.status, 'new');
  assert.equal(a.priority, 'normal');
  assert.equal(a.type, 'repair');
  assert.match(a.access_code, /^[0-9A-HJKMNP-TV-Z]{10}$/);
});

test('status, number and access code cannot be set by hand', async () => {
  const r = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'x', status: 'closed', number: 'О-1', access_code: '1' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.fields.status, 'read_only');
  assert.equal(r.json.error.fields.number, 'read_only');
  assert.equal(r.json.error.fields.access_code, 'read_only');
});

test('validation: enums, required subject, references', async () => {
  const r = await call(srv.base, mgr, 'POST', '/api/v1/requests', { channel: 'pigeon', priority: 'asap', type: 'x', client_id: 999999 });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.error.fields, { subject: 'required', channel: 'invalid_enum', priority: 'invalid_enum', type: 'invalid_enum', client_id: 'not_found' });
});

test('a contact or a unit brings its client; a contact of another client is refused', async () => {
  const viaContact = await newRequest(mgr, { contact_id: contactId });
  assert.equal(viaContact.client_id, clientId);
  const viaUnit = await newRequest(mgr, { unit_id: unitId });
  assert.equal(viaUnit.client_id, clientId);
  const wrong = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'x', client_id: otherClientId, contact_id: contactId });
  assert.equal(wrong.status, 422);
  assert.equal(wrong.json.error.fields.contact_id, 'invalid');
  const wrongUnit = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'x', client_id: otherClientId, unit_id: unitId });
  assert.equal(wrongUnit.json.error.fields.unit_id, 'invalid');
});

test('created with an assignee it starts as assigned; the assignee cannot be patched afterwards', async () => {
  const r = await newRequest(mgr, { assignee_id: eng.user.id });
  assert.equal(r.status, 'assigned');
  assert.equal(r.assignee_id_label, 'Пётр Иванович Ковалёв');
  const p = await call(srv.base, mgr, 'PATCH', `/api/v1/requests/${r.id}`, { version: r.version, assignee_id: mgr.user.id });
  assert.equal(p.status, 422);
  assert.equal(p.json.error.fields.assignee_id, 'read_only');
});

test('GET lists exactly the transitions the user may take now', async () => {
  const r = await newRequest();
  const asMgr = await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`);
  assert.deepEqual(asMgr.json.transitions.map(t => t.name), ['assign', 'start', 'cancel']);
  const asEng = await call(srv.base, eng, 'GET', `/api/v1/requests/${r.id}`);
  assert.deepEqual(asEng.json.transitions.map(t => t.name), ['start']);
  const asStore = await call(srv.base, store, 'GET', `/api/v1/requests/${r.id}`);
  assert.deepEqual(asStore.json.transitions, []);
  assert.equal(asMgr.json.transitions[0].label, 'transition.assign');
});

test('the whole path: assign → start → wait → resume → resolve → close → reopen, each audited and on the timeline', async () => {
  let r = await newRequest();
  let res = await take(mgr, r, 'assign', { assignee_id: eng.user.id });
  assert.equal(res.status, 200, res.text);
  r = res.json;
  assert.equal(r.status, 'assigned');
  assert.equal(r.assignee_id, eng.user.id);
  for (const [who, name, to] of [[eng, 'start', 'in_progress'], [eng, 'wait_client', 'waiting_client'],
    [eng, 'resume', 'in_progress'], [eng, 'wait_parts', 'waiting_parts'], [eng, 'resume', 'in_progress'],
    [eng, 'resolve', 'resolved'], [mgr, 'close', 'closed'], [mgr, 'reopen', 'in_progress']]) {
    res = await take(who, r, name);
    assert.equal(res.status, 200, `${name}: ${res.text}`);
    assert.equal(res.json.status, to);
    assert.equal(res.json.version, r.version + 1);
    r = res.json;
    if (name === 'resolve') assert.match(r.resolved_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    if (name === 'close') assert.ok(r.closed_at);
  }
  assert.equal(r.resolved_at, null, 'reopen clears resolved_at');
  assert.equal(r.closed_at, null);
  const audit = await call(srv.base, auditor, 'GET', `/api/v1/audit?entity=requests&record_id=${r.id}&limit=50`);
  const actions = audit.json.items.map(e => e.action).reverse();
  assert.deepEqual(actions, ['create', 'assign', 'start', 'wait_client', 'resume', 'wait_parts', 'resume', 'resolve', 'close', 'reopen']);
  assert.equal(audit.json.items[0].before.status, 'closed');
  assert.equal(audit.json.items[0].after.status, 'in_progress');
  const tl = await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}/timeline`);
  const statuses = tl.json.items.filter(e => e.kind === 'status').map(e => `${e.from}>${e.to}`);
  assert.deepEqual(statuses, ['new>assigned', 'assigned>in_progress', 'in_progress>waiting_client', 'waiting_client>in_progress',
    'in_progress>waiting_parts', 'waiting_parts>in_progress', 'in_progress>resolved', 'resolved>closed', 'closed>in_progress']);
  assert.equal(tl.json.items[0].kind, 'created');
  const assigned = tl.json.items.find(e => e.kind === 'assigned');
  assert.equal(assigned.body, 'Пётр Иванович Ковалёв');
  assert.equal(assigned.public, false);
});

test('a transition not possible from the state, unknown, stale or without a permission changes nothing', async () => {
  const r = await newRequest();
  const close = await take(mgr, r, 'close');
  assert.equal(close.status, 409);
  assert.match(close.json.error.message, /not possible in state 'new'/);
  assert.equal((await take(mgr, r, 'teleport')).status, 404);
  const assign = await take(mgr, r, 'assign', { assignee_id: eng.user.id });
  assert.equal(assign.status, 200);
  const stale = await take(mgr, r, 'cancel');
  assert.equal(stale.status, 409);
  const sales1 = await take(sales, assign.json, 'cancel');
  assert.equal(sales1.status, 403);
  const noAssignee = await take(mgr, assign.json, 'assign', {});
  assert.equal(noAssignee.status, 422);
  assert.equal(noAssignee.json.error.fields.assignee_id, 'required');
  const badAssignee = await take(mgr, assign.json, 'assign', { assignee_id: 99999 });
  assert.equal(badAssignee.status, 422);
  const now = await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`);
  assert.equal(now.json.status, 'assigned');
  assert.equal(now.json.version, assign.json.version);
  const noVersion = await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/cancel`, {});
  assert.equal(noVersion.status, 422);
  assert.equal(noVersion.json.error.fields.version, 'required');
});

test('work on a request assigned to someone else is refused to a technician, allowed to a manager', async () => {
  const r = await newRequest(mgr, { assignee_id: mgr.user.id });
  const byEng = await take(eng, r, 'start');
  assert.equal(byEng.status, 403);
  const byMgr = await take(mgr, r, 'start');
  assert.equal(byMgr.status, 200);
});

test('an unassigned request started by a technician becomes theirs', async () => {
  const r = await newRequest(sales);
  const s = await take(eng, r, 'start');
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.assignee_id, eng.user.id);
});

test('two managers assigning the same request at once: one wins, the other gets 409', async () => {
  const r = await newRequest();
  const [x, y] = await Promise.all([take(mgr, r, 'assign', { assignee_id: eng.user.id }), take(mgr, r, 'assign', { assignee_id: mgr.user.id })]);
  assert.deepEqual([x.status, y.status].sort(), [200, 409]);
});

test('replies and notes go on the timeline; bad comments are refused', async () => {
  const r = await newRequest();
  const reply = await call(srv.base, eng, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'Здравствуйте! Привезите, пожалуйста, аппарат.', public: true });
  assert.equal(reply.status, 201);
  const note = await call(srv.base, eng, 'POST', `/api/v1/requests/${r.id}/comments`, { body: '<script>alert(1)</script>' });
  assert.equal(note.status, 201);
  const tl = await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}/timeline`);
  const kinds = tl.json.items.map(e => [e.kind, e.public, e.body]);
  assert.deepEqual(kinds.slice(1), [['reply', true, 'Здравствуйте! Привезите, пожалуйста, аппарат.'], ['note', false, '<script>alert(1)</script>']]);
  assert.equal((await call(srv.base, eng, 'POST', `/api/v1/requests/${r.id}/comments`, { body: '   ' })).status, 422);
  assert.equal((await call(srv.base, eng, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 5 })).status, 422);
  assert.equal((await call(srv.base, eng, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'x', extra: 1 })).status, 422);
  assert.equal((await call(srv.base, eng, 'POST', `/api/v1/requests/999999/comments`, { body: 'x' })).status, 404);
  assert.equal((await call(srv.base, store, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'x' })).status, 403);
  const audit = await call(srv.base, auditor, 'GET', `/api/v1/audit?entity=requests&record_id=${r.id}`);
  assert.deepEqual(audit.json.items.map(e => e.action).slice(0, 2), ['note', 'reply']);
});

test('requests are found by number, words of the subject and filtered by status and assignee', async () => {
  const r = await newRequest(mgr, { subject: 'Кофемашина протекает', assignee_id: eng.user.id });
  const byNumber = await call(srv.base, mgr, 'GET', `/api/v1/requests?q=${encodeURIComponent(r.number)}`);
  assert.deepEqual(byNumber.json.items.map(i => i.id), [r.id]);
  const byWord = await call(srv.base, mgr, 'GET', `/api/v1/requests?q=${encodeURIComponent('кофемаш')}`);
  assert.ok(byWord.json.items.some(i => i.id === r.id));
  const mine = await call(srv.base, eng, 'GET', `/api/v1/requests?assignee_id=${eng.user.id}&status=assigned`);
  assert.ok(mine.json.items.length >= 1);
  assert.ok(mine.json.items.every(i => i.assignee_id === eng.user.id && i.status === 'assigned'));
});

test('roles: the storekeeper and the auditor read but do not create', async () => {
  assert.equal((await call(srv.base, store, 'GET', '/api/v1/requests')).status, 200);
  assert.equal((await call(srv.base, auditor, 'GET', '/api/v1/requests')).status, 200);
  assert.equal((await call(srv.base, store, 'POST', '/api/v1/requests', { subject: 'x' })).status, 403);
  assert.equal((await call(srv.base, auditor, 'POST', '/api/v1/requests', { subject: 'x' })).status, 403);
  assert.equal((await call(srv.base, sales, 'POST', '/api/v1/requests', { subject: 'x' })).status, 201);
});

test('32 parallel creates get unique, gapless numbers', async () => {
  const made = await Promise.all(Array.from({ length: 32 }, (_, i) =>
    call(srv.base, i % 2 ? mgr : sales, 'POST', '/api/v1/requests', { subject: `Параллельно ${i}`, channel: 'api' })));
  for (const r of made) assert.equal(r.status, 201, r.text);
  const nums = made.map((r) => Number(r.json.number.slice(-6))).sort((a, b) => a - b);
  for (let i = 1; i < nums.length; i++) assert.equal(nums[i], nums[i - 1] + 1, 'consecutive');
});

test('a transition refuses the fields it does not take (never ignores them) and changes nothing', async () => {
  const r = await newRequest();
  const bad = await take(mgr, r, 'start', { subject: 'подменённая тема', queue: 'x'.repeat(400) });
  assert.equal(bad.status, 422, bad.text);
  assert.deepEqual(bad.json.error.fields, { subject: 'not_taken', queue: 'not_taken' });
  const after = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`)).json;
  assert.equal(after.version, r.version);
  assert.equal(after.status, 'new');
  assert.equal(after.subject, r.subject);
  // what a transition takes goes through: assign takes the assignee
  const ok = await take(mgr, r, 'assign', { assignee_id: eng.user.id });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.assignee_id, eng.user.id);
});
