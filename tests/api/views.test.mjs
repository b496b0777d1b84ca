// views.test.mjs — saved views are their user's own; bulk transitions work
// record by record; the SLA compliance report counts met and breached.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDb, run, serve, login, call } from '../lib.mjs';

let db, srv, mgr, eng, sales;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '50', '--requests', '60', '--db', db.url]);
  srv = await serve(db.url);
  mgr = await login(srv.base, 'manager', 'demo12345', '10.96.0.1');
  eng = await login(srv.base, 'engineer', 'demo12345', '10.96.0.2');
  sales = await login(srv.base, 'sales', 'demo12345', '10.96.0.3');
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

test('a saved view belongs to whoever saved it; its query is checked', async () => {
  const v = await call(srv.base, eng, 'POST', '/api/v1/saved_views', { resource: 'requests', name: 'Мои в работе', query: `assignee_id=${eng.user.id}&status=in_progress&sort=-id` });
  assert.equal(v.status, 201, v.text);
  assert.equal(v.json.user_id, eng.user.id);
  const forged = await call(srv.base, eng, 'POST', '/api/v1/saved_views', { resource: 'requests', name: 'x', query: 'status=new', user_id: mgr.user.id });
  assert.equal(forged.status, 422, 'user_id is not the client\'s to set');
  assert.equal((await call(srv.base, mgr, 'GET', `/api/v1/saved_views/${v.json.id}`)).status, 404);
  assert.equal((await call(srv.base, mgr, 'GET', '/api/v1/saved_views')).json.items.length, 0);
  assert.equal((await call(srv.base, mgr, 'DELETE', `/api/v1/saved_views/${v.json.id}`)).status, 404);
  assert.equal((await call(srv.base, eng, 'GET', '/api/v1/saved_views?resource=requests')).json.items.length, 1);
  const bad = await call(srv.base, eng, 'POST', '/api/v1/saved_views', { resource: 'requests', name: 'Плохой', query: 'wat=1' });
  assert.equal(bad.json.error.fields.query, 'invalid');
  // at most 32 parameters (docs/api.md): a 33rd is refused, not dropped unread
  const long = await call(srv.base, eng, 'POST', '/api/v1/saved_views', { resource: 'requests', name: 'Длинный', query: `${'status=new&'.repeat(32)}wat=1` });
  assert.equal(long.status, 422, long.text);
  assert.equal(long.json.error.fields.query, 'too_many_parameters');
  const hidden = await call(srv.base, sales, 'POST', '/api/v1/saved_views', { resource: 'audit_log', name: 'x', query: 'limit=10' });
  assert.equal(hidden.json.error.fields.resource, 'invalid');
  const users = await call(srv.base, sales, 'POST', '/api/v1/saved_views', { resource: 'users', name: 'x', query: 'limit=10' });
  assert.equal(users.json.error.fields.resource, 'invalid', 'only lists the user may read');
});

test('bulk assign and bulk cancel: each record on its own, stale ones refused', async () => {
  const made = [];
  for (let i = 0; i < 3; i++) made.push((await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: `Пакет ${i}` })).json);
  const items = made.map((r) => ({ id: r.id, version: r.version }));
  items[2].version = 99;
  const r = await call(srv.base, mgr, 'POST', '/api/v1/requests/bulk/assign', { items, assignee_id: eng.user.id });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.done, 2);
  assert.deepEqual(r.json.results.map((x) => x.status), [200, 200, 409]);
  assert.equal((await call(srv.base, mgr, 'GET', `/api/v1/requests/${made[0].id}`)).json.assignee_id, eng.user.id);
  assert.equal((await call(srv.base, mgr, 'GET', `/api/v1/requests/${made[2].id}`)).json.status, 'new');
  const c = await call(srv.base, mgr, 'POST', '/api/v1/requests/bulk/cancel', { items: r.json.results.filter((x) => x.status === 200).map((x) => ({ id: x.id, version: x.version })) });
  assert.equal(c.json.done, 2);
  const refused = await call(srv.base, sales, 'POST', '/api/v1/requests/bulk/cancel', { items: [{ id: made[2].id, version: made[2].version }] });
  // a role without the transition's permission is refused before any record is tried
  assert.equal(refused.status, 403, refused.text);
  const still = await call(srv.base, mgr, 'GET', `/api/v1/requests/${made[2].id}`);
  assert.equal(still.json.version, made[2].version, 'untouched');
  assert.equal((await call(srv.base, mgr, 'POST', '/api/v1/requests/bulk/cancel', { items: [] })).status, 422);
  assert.equal((await call(srv.base, mgr, 'POST', '/api/v1/clients/bulk/cancel', { items: [{ id: 1, version: 1 }] })).status, 404);
});

test('the SLA compliance report counts met and breached by assignee and by queue', async () => {
  const r = await call(srv.base, mgr, 'GET', '/api/v1/desk/sla-report?from=2000-01-01&to=2100-12-31');
  assert.equal(r.status, 200, r.text);
  const sum = r.json.rows.reduce((a, x) => a + x.met + x.breached, 0);
  assert.equal(sum, r.json.total.met + r.json.total.breached);
  assert.ok(sum > 0, 'the demo has resolved requests');
  for (const row of r.json.rows) assert.ok(row.percent >= 0 && row.percent <= 100);
  const q = await call(srv.base, mgr, 'GET', '/api/v1/desk/sla-report?by=queue');
  assert.equal(q.json.by, 'queue');
  assert.equal((await call(srv.base, mgr, 'GET', '/api/v1/desk/sla-report?by=moon')).status, 400);
  const none = await call(srv.base, mgr, 'GET', '/api/v1/desk/sla-report?from=2001-01-01&to=2001-01-02');
  assert.deepEqual(none.json.rows, []);
});
