// counters.test.mjs — the desk's badge counters follow every kind of write
// (create, transition, delete, public form, the SLA job) and equal a count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDb, run, serve, login, call } from '../lib.mjs';

let db, srv, mgr, admin;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '30', '--requests', '40', '--db', db.url]);
  srv = await serve(db.url, [], { SERVITOR_JOB_TICK: '1', SERVITOR_JOB_PERIOD: '1' });
  mgr = await login(srv.base, 'manager', 'demo12345', '10.98.0.1');
  admin = await login(srv.base, 'admin', 'admin12345', '10.98.0.2');
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

async function counted(field) {
  const all = [];
  for (let cursor = null, first = true; first || cursor; first = false) {
    const p = await call(srv.base, mgr, 'GET', `/api/v1/requests?limit=200${cursor ? '&cursor=' + cursor : ''}`);
    all.push(...p.json.items);
    cursor = p.json.next_cursor;
  }
  const out = {};
  for (const r of all) out[r[field]] = (out[r[field]] || 0) + 1;
  return out;
}

async function same() {
  const c = (await call(srv.base, mgr, 'GET', '/api/v1/desk/counters')).json;
  const strip = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0));
  assert.deepEqual(strip(c.status), await counted('status'));
  assert.deepEqual(strip(c.sla_state), await counted('sla_state'));
}

test('after the demo load the counters equal a count', same);

test('creates, transitions, deletes, the public form and the SLA job keep them equal', async () => {
  const a = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Счётчик 1' })).json;
  const b = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Счётчик 2', priority: 'urgent' })).json;
  await same();
  const s = await call(srv.base, mgr, 'POST', `/api/v1/requests/${a.id}/transitions/start`, { version: a.version });
  await call(srv.base, mgr, 'POST', `/api/v1/requests/${a.id}/transitions/resolve`, { version: s.json.version });
  await same();
  assert.equal((await call(srv.base, mgr, 'DELETE', `/api/v1/requests/${b.id}`)).status, 204);
  await same();
  await fetch(srv.base + '/api/v1/public/requests', { method: 'POST', headers: { 'x-forwarded-for': '10.98.1.1' },
    body: JSON.stringify({ name: 'Гость', phone: '+79005554433', description: 'Сломалось', consent: true }) });
  await same();
  // the job breaches a request whose first answer was due at once
  const pol = (await call(srv.base, admin, 'GET', '/api/v1/sla_policies?priority=low')).json.items[0];
  await call(srv.base, admin, 'PATCH', `/api/v1/sla_policies/${pol.id}`, { version: pol.version, first_response_minutes: 0 });
  const late = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Сразу просрочено', priority: 'low' })).json;
  for (let i = 0; i < 40; i++) {
    if ((await call(srv.base, mgr, 'GET', `/api/v1/requests/${late.id}`)).json.sla_state === 'breached') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await same();
});
