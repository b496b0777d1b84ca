// sessions.test.mjs — sessions expire by time: idle (12 h unused) and
// absolute (7 days), on the server's test clock (SERVITOR_TEST_CLOCK=1): the
// tests move time instead of waiting for it. A read notes the session's last
// use in memory, never through the group commit; the jobs thread writes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError, DEMO_PASSWORD, PG } from './harness.mjs';
import { testClock, runJob, TEST_CLOCK_ENV } from '../lib.mjs';

const HOUR = 3600;
const srv = useServer({ env: TEST_CLOCK_ENV });
const clock = (body) => testClock(srv.base, body);
const me = (s, via = srv) => via.request('GET', '/api/v1/auth/me', { as: s });

async function groupCounters() {
  const text = (await srv.request('GET', '/metrics', { addr: '127.0.0.1' })).text;
  const num = (name) => Number((text.match(new RegExp(`^${name} (\\d+)$`, 'm')) || [])[1]);
  return { commits: num('servitor_group_commits_total'), requests: num('servitor_group_requests_total') };
}

test('a session unused for 12 hours expires (401), and stays expired', async () => {
  await clock({ now: '2031-03-03T09:00:00Z' });
  const s = await srv.login('store', DEMO_PASSWORD);
  assert.equal(s.status, 200);
  const other = await srv.login('sales', DEMO_PASSWORD);
  assert.equal((await me(s)).status, 200);
  await clock({ advance: 12 * HOUR - 1 });
  assert.equal((await me(other)).status, 200, 'a second before the limit');
  await clock({ advance: 1 });
  assertError(await me(s), 401, 'unauthenticated');
  assertError(await srv.request('GET', '/api/v1/clients', { as: s }), 401, 'unauthenticated');
  await clock({ advance: HOUR });
  assertError(await me(s), 401, 'unauthenticated');
  assertError(await srv.request('POST', '/api/v1/clients', { as: s, body: { kind: 'person', name: 'Поздно' } }), 401);
  // a new login works
  const again = await srv.login('store', DEMO_PASSWORD);
  assert.equal(again.status, 200);
  assert.equal((await me(again)).status, 200);
});

test('a session in use does not expire after 12 hours (idle means unused)', async () => {
  const s = await srv.login('store', DEMO_PASSWORD);
  for (let i = 1; i <= 6; i++) {
    await clock({ advance: 5 * HOUR });
    assert.equal((await me(s)).status, 200, `after ${5 * i} h of steady use`);
  }
});

test('a session in use still ends after 7 days', async () => {
  const s = await srv.login('store', DEMO_PASSWORD);
  for (let h = 6; h < 7 * 24; h += 6) {
    await clock({ advance: 6 * HOUR });
    assert.equal((await me(s)).status, 200, `still valid after ${h} h`);
  }
  await clock({ advance: 6 * HOUR });
  assertError(await me(s), 401, 'unauthenticated');
});

test('a read whose session\'s last use is due writes nothing through the group commit; the jobs thread writes it', async () => {
  const s = await srv.login('store', DEMO_PASSWORD);
  await clock({ advance: 2 * 60 }); // the last use is noted at most once a minute: due now
  const before = await groupCounters();
  const list = await srv.request('GET', '/api/v1/clients', { as: s });
  assert.equal(list.status, 200);
  assert.equal((await me(s)).status, 200);
  assert.deepEqual(await groupCounters(), before, 'no commit for a read');
  if (!PG) assert.ok(before.commits > 0, 'the counters are there on SQLite');
  const job = await runJob(srv.base, 'sessions.cleanup');
  assert.equal(job.sessions_pending, 0, 'the noted use was written');
  // another process (nothing in its memory) sees it: 12 h after the login
  // plus a bit, the session is alive by its written last use
  const second = await srv.serve({ env: TEST_CLOCK_ENV });
  const { unix } = await clock({ advance: 0 });
  await testClock(second.base, { now: new Date((unix + 12 * HOUR - 60) * 1000).toISOString().replace(/\.\d+Z$/, 'Z') });
  // (unwritten, its last use would be the login's, more than 12 h before)
  assert.equal((await me(s, second)).status, 200);
});

test('without SERVITOR_TEST_CLOCK the test routes do not exist (404)', async () => {
  const plain = await srv.serve({ env: {} });
  assertError(await plain.request('POST', '/test/clock', { body: { advance: 60 } }), 404, 'not_found');
  assertError(await plain.request('POST', '/test/jobs/run', { body: { name: 'sla.scan' } }), 404, 'not_found');
  // and with it, bad input is refused
  assertError(await srv.request('POST', '/test/clock', { body: { advance: -1 } }), 422);
  assertError(await srv.request('POST', '/test/jobs/run', { body: { name: 'no.such' } }), 404);
});
