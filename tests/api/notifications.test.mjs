// notifications.test.mjs — the bell: assignment, replies and @mentions
// notify the right person (never the one acting), every notification is in
// the outbox too, and marking read touches only one's own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { testDb, run, serve, login, call } from '../lib.mjs';

let db, srv, mgr, eng, sales;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url);
  mgr = await login(srv.base, 'manager', 'demo12345', '10.95.0.1');
  eng = await login(srv.base, 'engineer', 'demo12345', '10.95.0.2');
  sales = await login(srv.base, 'sales', 'demo12345', '10.95.0.3');
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

const bell = async (s, q = '') => (await call(srv.base, s, 'GET', '/api/v1/notifications' + q)).json;

test('an assignment tells the assignee, not the manager who made it', async () => {
  const before = (await bell(eng)).unread;
  const r = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Уведомления: назначение' })).json;
  const a = await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/assign`, { version: r.version, assignee_id: eng.user.id });
  assert.equal(a.status, 200);
  const b = await bell(eng);
  assert.equal(b.unread, before + 1);
  assert.equal(b.items[0].kind, 'assigned');
  assert.equal(b.items[0].entity, 'requests');
  assert.equal(b.items[0].record_id, r.id);
  assert.equal(b.items[0].title, `${r.number}: Уведомления: назначение`);
  assert.ok(!(await bell(mgr)).items.some((n) => n.record_id === r.id));
});

test('replies by others and @mentions notify; an e-mail address is not a mention', async () => {
  const r = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Уведомления: ответы', assignee_id: eng.user.id })).json;
  await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'Клиент перезвонит', public: false });
  await call(srv.base, eng, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'Сам себе не пишу' });
  const mine = (await bell(eng)).items.filter((n) => n.record_id === r.id).map((n) => n.kind);
  assert.deepEqual(mine, ['reply', 'assigned']);
  const u = (await call(srv.base, sales, 'POST', '/api/v1/requests', { subject: 'Уведомления: упоминание' })).json;
  await call(srv.base, sales, 'POST', `/api/v1/requests/${u.id}/comments`, { body: 'Коллеги, @manager, посмотрите. Пишите на info@manager.ru, @nobody' });
  const m = (await bell(mgr)).items.filter((n) => n.record_id === u.id);
  assert.deepEqual(m.map((n) => n.kind), ['mention']);
});

test('every notification is also queued in the outbox', { skip: process.env.SERVITOR_TEST_DB === 'postgres' && 'reads the SQLite file' }, () => {
  const q = (sql) => execFileSync('sqlite3', [db.url, sql], { encoding: 'utf8' }).trim();
  // staff notifications: the rows without an address (messages to clients have one)
  assert.equal(q('SELECT COUNT(*) FROM outbox WHERE address IS NULL'), q('SELECT COUNT(*) FROM notifications'));
  assert.equal(q("SELECT COUNT(*) FROM outbox WHERE address IS NULL AND state <> 'pending'"), '0');
});

test('marking read: by ids (only one\'s own) or all; bad bodies refused', async () => {
  const b = await bell(eng);
  assert.ok(b.unread >= 2);
  const other = (await bell(mgr)).items[0];
  assert.equal((await call(srv.base, eng, 'POST', '/api/v1/notifications/read', { ids: [b.items[0].id, other.id] })).status, 204);
  assert.equal((await bell(eng)).unread, b.unread - 1);
  assert.equal((await bell(mgr)).items.find((n) => n.id === other.id).read_at, null, 'another\'s stays unread');
  assert.equal((await bell(eng, '?unread=true')).items.length, b.unread - 1);
  assert.equal((await call(srv.base, eng, 'POST', '/api/v1/notifications/read', { all: true })).status, 204);
  assert.equal((await bell(eng)).unread, 0);
  assert.equal((await call(srv.base, eng, 'POST', '/api/v1/notifications/read', { ids: ['x'] })).status, 422);
  assert.equal((await call(srv.base, eng, 'POST', '/api/v1/notifications/read', {})).status, 422);
  assert.equal((await call(srv.base, null, 'GET', '/api/v1/notifications')).status, 401);
});
