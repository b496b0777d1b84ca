// counters.test.mjs — the desk's badge counters follow every kind of write
// (create, transition, delete, public form, the SLA job) and equal a count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDb, run, serve, login, call, roundTheClockBranch, testClock, runJob } from '../lib.mjs';

let db, srv, mgr, admin, eng;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '30', '--requests', '40', '--db', db.url]);
  srv = await serve(db.url, [], { SERVITOR_JOB_TICK: '1', SERVITOR_JOB_PERIOD: '1', SERVITOR_TEST_CLOCK: '1' });
  mgr = await login(srv.base, 'manager', 'demo12345', '10.98.0.1');
  admin = await login(srv.base, 'admin', 'admin12345', '10.98.0.2');
  eng = await login(srv.base, 'engineer', 'demo12345', '10.98.0.3');
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

async function everything() {
  const all = [];
  for (let cursor = null, first = true; first || cursor; first = false) {
    const p = await call(srv.base, mgr, 'GET', `/api/v1/requests?limit=200${cursor ? '&cursor=' + cursor : ''}`);
    all.push(...p.json.items);
    cursor = p.json.next_cursor;
  }
  return all;
}

const OPEN = new Set(['new', 'assigned', 'in_progress', 'waiting_client', 'waiting_parts']);

async function same() {
  const all = await everything();
  const by = (field) => {
    const out = {};
    for (const r of all) out[r[field]] = (out[r[field]] || 0) + 1;
    return out;
  };
  const c = (await call(srv.base, mgr, 'GET', '/api/v1/desk/counters')).json;
  const strip = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0));
  assert.deepEqual(strip(c.status), by('status'));
  assert.deepEqual(strip(c.sla_state), by('sla_state'));
  // each user's badge: their own open requests
  for (const who of [mgr, eng]) {
    const mine = (await call(srv.base, who, 'GET', '/api/v1/desk/counters')).json.mine_open;
    assert.equal(mine, all.filter((r) => r.assignee_id === who.user.id && OPEN.has(r.status)).length, `open requests of ${who.user.login}`);
    const listed = await call(srv.base, who, 'GET', `/api/v1/requests?assignee_id=${who.user.id}&status=${[...OPEN].join(',')}&limit=200`);
    assert.equal(listed.json.items.length, mine, 'the "my open" view lists as many as its badge says');
  }
}

test('after the demo load the counters equal a count', same);

test('creates, transitions, deletes, the public form and the SLA job keep them equal', async () => {
  const a = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Счётчик 1', assignee_id: mgr.user.id })).json;
  assert.equal(a.status, 'assigned');
  const b = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Счётчик 2', priority: 'urgent' })).json;
  await same();
  const s = await call(srv.base, mgr, 'POST', `/api/v1/requests/${a.id}/transitions/start`, { version: a.version });
  await call(srv.base, mgr, 'POST', `/api/v1/requests/${a.id}/transitions/resolve`, { version: s.json.version });
  await same();
  // handed from one person to another, then reopened and cancelled
  const given = await call(srv.base, mgr, 'POST', `/api/v1/requests/${b.id}/transitions/assign`, { version: b.version, assignee_id: eng.user.id });
  assert.equal(given.status, 200, given.text);
  await same();
  const back = await call(srv.base, mgr, 'POST', `/api/v1/requests/${b.id}/transitions/assign`, { version: given.json.version, assignee_id: mgr.user.id });
  await same();
  const reopened = await call(srv.base, mgr, 'POST', `/api/v1/requests/${a.id}/transitions/reopen`, { version: (await call(srv.base, mgr, 'GET', `/api/v1/requests/${a.id}`)).json.version });
  assert.equal(reopened.status, 200, reopened.text);
  await same();
  await call(srv.base, mgr, 'POST', `/api/v1/requests/${a.id}/transitions/cancel`, { version: reopened.json.version });
  await same();
  assert.ok(back.status === 200);
  assert.equal((await call(srv.base, mgr, 'DELETE', `/api/v1/requests/${b.id}`)).status, 204);
  await same();
  await fetch(srv.base + '/api/v1/public/requests', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.98.1.1' },
    body: JSON.stringify({ name: 'Гость', phone: '+79005554433', description: 'Сломалось', consent: true }) });
  await same();
  // the job breaches a request whose first answer was due at once
  const pol = (await call(srv.base, admin, 'GET', '/api/v1/sla_policies?priority=low')).json.items[0];
  // …and escalates it to the engineer: the badges follow the hand-over
  const esc = await call(srv.base, admin, 'PATCH', `/api/v1/sla_policies/${pol.id}`, { version: pol.version, first_response_minutes: 0, escalate_to_id: eng.user.id });
  assert.equal(esc.status, 200, esc.text);
  // in a branch that works round the clock, so the test does not depend on the hour
  const branch = await roundTheClockBranch(srv.base, admin, 'Дежурный 24/7');
  const late = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Сразу просрочено', priority: 'low', branch_id: branch })).json;
  // a minute on, the scan runs now (no waiting for the jobs thread)
  await testClock(srv.base, { advance: 60 });
  await runJob(srv.base, 'sla.scan');
  const breached = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${late.id}`)).json;
  assert.equal(breached.sla_state, 'breached');
  assert.equal(breached.assignee_id, eng.user.id);
  await same();
});
