// multiprocess.test.mjs — two `servitor serve` processes on one PostgreSQL
// behind nginx behave as one (issue: PostgreSQL driver and multi-process
// deployment); PostgreSQL restarts are survived; a replica serves reports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pgStart, pgReplica, pgCtl, psql, serve, nginx, login, call, run, testClock, TEST_CLOCK_ENV } from '../lib.mjs';

let pg, a, b, proxy;
// each process has its own test clock; its jobs thread runs a round only when asked
const jobEnv = TEST_CLOCK_ENV;

before(async () => {
  pg = pgStart();
  run(['demo', '--scale', '30', '--db', pg.url]);
  a = await serve(pg.url, [], jobEnv);
  b = await serve(pg.url, [], jobEnv);
  proxy = await nginx([a.port, b.port]);
});

after(async () => {
  await proxy?.stop();
  await a?.stop();
  await b?.stop();
  pg?.stop();
});

test('a session made on one process works on the other, and logout ends it on both', async () => {
  const s = await login(a.base, 'manager', 'demo12345', '10.1.0.1');
  assert.equal(s.status, 200);
  const me = await call(b.base, s, 'GET', '/api/v1/auth/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.user.login, 'manager');
  const created = await call(b.base, s, 'POST', '/api/v1/branches', { name: 'Кросс-процесс' });
  assert.equal(created.status, 403, 'a manager may not create branches: permissions apply on B too');
  const out = await call(b.base, s, 'POST', '/api/v1/auth/logout');
  assert.equal(out.status, 204);
  assert.equal((await call(a.base, s, 'GET', '/api/v1/auth/me')).status, 401);
});

test('32 parallel creates through nginx get unique, gapless numbers', async () => {
  const s = await login(proxy.base, 'manager', 'demo12345');
  assert.equal(s.status, 200);
  const before = await call(proxy.base, s, 'GET', '/api/v1/requests?sort=-number&limit=1');
  const start = before.json.items.length ? Number(before.json.items[0].number.split('-')[2]) : 0;
  const results = await Promise.all(Array.from({ length: 32 }, (_, i) =>
    call(proxy.base, s, 'POST', '/api/v1/requests', { subject: `Параллельное обращение ${i}`, channel: 'api' })));
  for (const r of results) assert.equal(r.status, 201, r.text);
  const numbers = results.map(r => Number(r.json.number.split('-')[2])).sort((x, y) => x - y);
  assert.equal(new Set(numbers).size, 32, 'numbers are unique');
  assert.deepEqual(numbers, Array.from({ length: 32 }, (_, i) => start + i + 1), 'numbers are gapless');
  const year = new Date().getUTCFullYear();
  for (const r of results) assert.match(r.json.number, new RegExp(`^О-${year}-\\d{6}$`));
});

test('failed logins counted on one process block the login on the other', async () => {
  // one address, alternating processes: the login-and-address limit is shared
  for (let i = 0; i < 10; i++) {
    const r = await login(i % 2 ? a.base : b.base, 'sales', 'wrong-password', '10.2.0.1');
    assert.equal(r.status, 401);
  }
  const blocked = await login(a.base, 'sales', 'demo12345', '10.2.0.1');
  assert.equal(blocked.status, 429);
  const blocked2 = await login(b.base, 'sales', 'demo12345', '10.2.0.1');
  assert.equal(blocked2.status, 429);
  assert.equal((await login(b.base, 'sales', 'demo12345', '10.2.1.2')).status, 200, 'not from elsewhere');
});

test('a scheduled job runs once per slot although both processes poll', async () => {
  // both clocks at the start of the next hour, then an hour on: two slots of
  // the hourly sessions.cleanup, each polled by both processes at once
  const hour = Math.floor(Date.now() / 3600_000) + 1;
  const slotKeys = [];
  for (let h = hour; h < hour + 2; h++) {
    const now = new Date(h * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    for (const p of [a, b]) assert.equal((await testClock(p.base, { now })).now, now);
    const ticks = await Promise.all([a, b].map((p) => call(p.base, null, 'POST', '/test/jobs/run', { tick: true })));
    for (const t of ticks) assert.equal(t.status, 200, t.text);
    // the slot's job ran once, on one of them
    assert.equal(ticks.reduce((n, t) => n + t.json.ran, 0) >= 1, true);
    slotKeys.push(`sessions.cleanup@${h}`);
  }
  const rows = psql(pg.url, "SELECT unique_key, attempts, state, locked_by FROM jobs WHERE kind = 'sessions.cleanup' ORDER BY unique_key")
    .split('\n').filter(Boolean).map(l => l.split('|'));
  for (const key of slotKeys) {
    const row = rows.find((r) => r[0] === key);
    assert.ok(row, `slot ${key} was scheduled: ${rows.map((r) => r[0])}`);
    assert.equal(row[2], 'done', `${key} ran`);
  }
  const keys = rows.map(r => r[0]);
  assert.equal(new Set(keys).size, keys.length, 'one row per slot');
  for (const [key, attempts, state] of rows.filter(r => r[2] !== 'pending')) {
    assert.equal(attempts, '1', `${key} claimed once`);
    assert.equal(state, 'done', `${key} done`);
  }
});

test('PostgreSQL restarting under load: no crash, failures are 503, service resumes without restart', async () => {
  const s = await login(proxy.base, 'manager', 'demo12345', '10.3.0.1');
  let stop = false;
  const statuses = [];
  const load = (async () => {
    while (!stop) {
      const r = await call(a.base, s, 'POST', '/api/v1/requests', { subject: 'Под нагрузкой' }).catch(() => ({ status: 0 }));
      statuses.push(r.status);
    }
  })();
  await new Promise(r => setTimeout(r, 300));
  pgCtl(pg, 'restart');
  await new Promise(r => setTimeout(r, 300));
  stop = true;
  await load;
  assert.ok(statuses.every(st => st === 201 || st === 503), `only 201 or 503: ${[...new Set(statuses)]}`);
  assert.equal(a.proc.exitCode, null, 'the process is still running');
  const after = await call(a.base, s, 'GET', '/api/v1/requests?limit=1');
  assert.equal(after.status, 200);
  // a request that failed wrote nothing: numbers stay gapless
  const year = new Date().getUTCFullYear();
  const all = [];
  for (let cursor = null, first = true; first || cursor; first = false) {
    const page = await call(a.base, s, 'GET', `/api/v1/requests?sort=number&limit=200${cursor ? '&cursor=' + cursor : ''}`);
    all.push(...page.json.items);
    cursor = page.json.next_cursor;
  }
  const nums = all.filter(i => i.number.startsWith(`О-${year}-`))
    .map(i => Number(i.number.split('-')[2])).sort((x, y) => x - y);
  assert.deepEqual(nums, Array.from({ length: nums.length }, (_, i) => i + 1));

  pgCtl(pg, 'stop');
  const down = await call(a.base, s, 'GET', '/api/v1/requests?limit=1');
  assert.equal(down.status, 503);
  assert.equal(down.json.error.code, 'unavailable');
  pgCtl(pg, 'start');
  const back = await call(a.base, s, 'GET', '/api/v1/requests?limit=1');
  assert.equal(back.status, 200);
});

test('a replica serves the audit log; when it is down only reports fail', async () => {
  const replica = pgReplica(pg.url);
  const c = await serve(pg.url, ['--db-read', replica.url]);
  try {
    const s = await login(c.base, 'admin', 'admin12345', '10.4.0.1');
    const made = await call(c.base, s, 'POST', '/api/v1/branches', { name: 'Филиал для реплики' });
    assert.equal(made.status, 201);
    let seen = false;
    for (let i = 0; i < 50 && !seen; i++) {
      const audit = await call(c.base, s, 'GET', `/api/v1/audit?entity=branches&record_id=${made.json.id}`);
      seen = audit.status === 200 && audit.json.items.length === 1;
      if (!seen) await new Promise(r => setTimeout(r, 100));
    }
    assert.ok(seen, 'the new branch reached the replica and its audit entry is served');
    pgCtl(replica, 'stop');
    // each worker thread keeps its own replica connection: ask several times
    const codes = new Set();
    for (let i = 0; i < 12; i++) codes.add((await call(c.base, s, 'GET', '/api/v1/audit?limit=1')).status);
    assert.ok(codes.has(503), `the audit log fails with the replica down: ${[...codes]}`);
    assert.ok([...codes].every(x => x === 503), `never a wrong answer: ${[...codes]}`);
    assert.equal((await call(c.base, s, 'GET', '/api/v1/clients?limit=1')).status, 200, 'the desk keeps working');
  } finally {
    await c.stop();
    replica.stop();
  }
});
