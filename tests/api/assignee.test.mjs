// assignee.test.mjs — one rule for who may be a request's assignee (an active
// user whose role may work on requests), applied on create, on assign, by
// routing rules and by escalation; naming someone else needs the assign right.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDb, run, serve, login, call, roundTheClockBranch } from '../lib.mjs';

let db, srv, admin, mgr, sales, tech, eng, auditor;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url, [], { SERVITOR_JOB_TICK: '1', SERVITOR_JOB_PERIOD: '1' });
  admin = await login(srv.base, 'admin', 'admin12345', '10.94.0.1');
  mgr = await login(srv.base, 'manager', 'demo12345', '10.94.0.2');
  sales = await login(srv.base, 'sales', 'demo12345', '10.94.0.3');
  tech = await login(srv.base, 'engineer', 'demo12345', '10.94.0.4');
  eng = tech.user;
  auditor = (await call(srv.base, admin, 'GET', '/api/v1/users?q=auditor')).json.items.find((u) => u.login === 'auditor');
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

let seq = 0;
/** A new technician, to be deactivated by the test. */
async function technician() {
  const r = await call(srv.base, admin, 'POST', '/api/v1/users',
    { login: `tech.${++seq}.${Date.now() % 100000}`, name: `Техник ${seq}`, role: 'technician', password: 'long-enough-1' });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function deactivate(u) {
  const cur = (await call(srv.base, admin, 'GET', `/api/v1/users/${u.id}`)).json;
  const r = await call(srv.base, admin, 'PATCH', `/api/v1/users/${u.id}`, { version: cur.version, active: false });
  assert.equal(r.status, 200, r.text);
}
const notified = async (session, id) =>
  (await call(srv.base, session, 'GET', '/api/v1/notifications')).json.items.some((n) => n.kind === 'assigned' && n.record_id === id);

test('naming an assignee on create needs the assign right; nobody is assigned, nobody is told', async () => {
  for (const who of [sales, tech]) {
    const r = await call(srv.base, who, 'POST', '/api/v1/requests', { subject: 'Чужое назначение', assignee_id: admin.user.id });
    assert.equal(r.status, 403, r.text);
  }
  const theirs = await call(srv.base, sales, 'POST', '/api/v1/requests', { subject: 'Технику от продаж', assignee_id: eng.id });
  assert.equal(theirs.status, 403);
  assert.ok(!(await call(srv.base, mgr, 'GET', '/api/v1/requests?q=продаж')).json.items.some((x) => x.subject === 'Технику от продаж'));
  // a technician may take a new request themselves; a manager may name anyone who can work
  const own = await call(srv.base, tech, 'POST', '/api/v1/requests', { subject: 'Сам себе', assignee_id: eng.id });
  assert.equal(own.status, 201, own.text);
  assert.equal(own.json.status, 'assigned');
  const given = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'От менеджера', assignee_id: eng.id });
  assert.equal(given.status, 201, given.text);
  assert.ok(await notified(tech, given.json.id));
});

test('an assignee must be able to work: not a deactivated user, not an auditor — on create and on assign', async () => {
  const gone = await technician();
  await deactivate(gone);
  for (const id of [gone.id, auditor.id]) {
    const r = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Кому нельзя', assignee_id: id });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.fields.assignee_id, 'cannot_take');
  }
  const req = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Назначить потом' })).json;
  for (const id of [gone.id, auditor.id]) {
    const r = await call(srv.base, mgr, 'POST', `/api/v1/requests/${req.id}/transitions/assign`, { version: req.version, assignee_id: id });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.error.fields.assignee_id, 'cannot_take');
  }
  const ok = await call(srv.base, mgr, 'POST', `/api/v1/requests/${req.id}/transitions/assign`, { version: req.version, assignee_id: eng.id });
  assert.equal(ok.status, 200, ok.text);
});

test('routing rules and SLA policies cannot name someone who cannot work; a rule whose person was deactivated leaves the request unassigned and says so', async () => {
  const bad = await call(srv.base, mgr, 'POST', '/api/v1/routing_rules',
    { name: 'Аудитору', assign_mode: 'user', assign_user_id: auditor.id, cond_words: 'никогдатакоенебывает' });
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.json.error.fields.assign_user_id, 'cannot_take');
  const pol = (await call(srv.base, admin, 'GET', '/api/v1/sla_policies?priority=low')).json.items[0];
  const esc = await call(srv.base, admin, 'PATCH', `/api/v1/sla_policies/${pol.id}`, { version: pol.version, escalate_to_id: auditor.id });
  assert.equal(esc.status, 422, esc.text);
  assert.equal(esc.json.error.fields.escalate_to_id, 'cannot_take');

  const leaving = await technician();
  const rule = await call(srv.base, mgr, 'POST', '/api/v1/routing_rules',
    { name: 'Увольняющемуся', assign_mode: 'user', assign_user_id: leaving.id, cond_words: 'сканерувольнение', set_queue: 'Сканеры' });
  assert.equal(rule.status, 201, rule.text);
  const before = await call(srv.base, sales, 'POST', '/api/v1/requests', { subject: 'сканерувольнение раз' });
  assert.equal(before.json.assignee_id, leaving.id);
  await deactivate(leaving);
  const after = await call(srv.base, sales, 'POST', '/api/v1/requests', { subject: 'сканерувольнение два' });
  assert.equal(after.status, 201, after.text);
  assert.equal(after.json.assignee_id, null);
  assert.equal(after.json.status, 'new');
  assert.equal(after.json.queue, 'Сканеры', 'the rest of the rule still applies');
  assert.equal(after.json.routed_rule_id, rule.json.id);
  const tl = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${after.json.id}/timeline`)).json.items;
  const note = tl.find((e) => e.kind === 'not_assigned');
  assert.ok(note, 'the timeline says why nobody was assigned');
  assert.equal(note.body, leaving.name);
  await call(srv.base, mgr, 'DELETE', `/api/v1/routing_rules/${rule.json.id}`);
});

test('escalation to a person deactivated since leaves the assignee as it was, with a note', async () => {
  const branch = await roundTheClockBranch(srv.base, admin);
  const leaving = await technician();
  const pol = (await call(srv.base, admin, 'GET', '/api/v1/sla_policies?priority=low')).json.items[0];
  const set = await call(srv.base, admin, 'PATCH', `/api/v1/sla_policies/${pol.id}`,
    { version: pol.version, first_response_minutes: 0, escalate_to_id: leaving.id });
  assert.equal(set.status, 200, set.text);
  await deactivate(leaving);
  const r = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Эскалация некому', priority: 'low', branch_id: branch })).json;
  let tl = [];
  for (let i = 0; i < 60 && !tl.some((e) => e.kind === 'not_assigned'); i++) {
    await new Promise((res) => setTimeout(res, 200));
    tl = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}/timeline`)).json.items;
  }
  assert.equal(tl.find((e) => e.kind === 'not_assigned')?.body, leaving.name);
  const now = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`)).json;
  assert.equal(now.sla_state, 'breached');
  assert.equal(now.assignee_id, null);
  const back = (await call(srv.base, admin, 'GET', `/api/v1/sla_policies/${pol.id}`)).json;
  await call(srv.base, admin, 'PATCH', `/api/v1/sla_policies/${pol.id}`, { version: back.version, first_response_minutes: 240, escalate_to_id: null });
});
