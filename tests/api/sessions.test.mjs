// sessions.test.mjs — sessions expire by time: idle (SERVITOR_SESSION_IDLE)
// and absolute (SERVITOR_SESSION_MAX). Kept apart because it waits on clocks.
// Times in the server have whole-second resolution, so every wait leaves a
// second to spare.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError, sleep, DEMO_PASSWORD } from './harness.mjs';

const srv = useServer({ env: { SERVITOR_SESSION_IDLE: '2' } });

test('a session unused for longer than SERVITOR_SESSION_IDLE expires (401), and stays expired', async () => {
  const s = await srv.login('store', DEMO_PASSWORD);
  assert.equal(s.status, 200);
  assert.equal((await srv.request('GET', '/api/v1/auth/me', { as: s })).status, 200);
  const bearerLike = await srv.login('sales', DEMO_PASSWORD);
  await sleep(3100);
  const r = await srv.request('GET', '/api/v1/auth/me', { as: s });
  assertError(r, 401, 'unauthenticated');
  assertError(await srv.request('GET', '/api/v1/clients', { as: s }), 401, 'unauthenticated');
  assertError(await srv.request('POST', '/api/v1/clients', { as: bearerLike, body: { kind: 'person', name: 'Поздно' } }), 401);
  // a new login works
  const again = await srv.login('store', DEMO_PASSWORD);
  assert.equal(again.status, 200);
  assert.equal((await srv.request('GET', '/api/v1/auth/me', { as: again })).status, 200);
});

test('a session in use does not expire by SERVITOR_SESSION_IDLE (idle means unused)', async () => {
  const idle = await srv.serve({ env: { SERVITOR_SESSION_IDLE: '3' } });
  const s = await idle.login('store', DEMO_PASSWORD);
  assert.equal(s.status, 200);
  for (let i = 1; i <= 5; i++) {
    await sleep(1000);
    const r = await idle.request('GET', '/api/v1/auth/me', { as: s });
    assert.equal(r.status, 200, `after ${i} s of steady use: ${r.text}`);
  }
});

test('a session in use still ends at SERVITOR_SESSION_MAX', async () => {
  const max = await srv.serve({ env: { SERVITOR_SESSION_MAX: '3' } });
  const s = await max.login('store', DEMO_PASSWORD);
  assert.equal(s.status, 200);
  assert.equal((await max.request('GET', '/api/v1/auth/me', { as: s })).status, 200);
  await sleep(1000);
  assert.equal((await max.request('GET', '/api/v1/auth/me', { as: s })).status, 200, 'still valid after 1 s');
  await sleep(2200);
  assertError(await max.request('GET', '/api/v1/auth/me', { as: s }), 401, 'unauthenticated');
});
