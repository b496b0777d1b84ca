// outbox.test.mjs — two `servitor serve` processes on one PostgreSQL run the
// outbox sender at the same moment: every message arrives exactly once
// (claims with FOR UPDATE SKIP LOCKED; a claimed message is only its
// claimer's), read back from a real SMTP server's maildir.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pgStart, serve, login, call, run, runJob, testClock, TEST_CLOCK_ENV } from '../lib.mjs';
import { startSmtp } from '../smtp.mjs';

let pg, a, b, smtp;

before(async () => {
  pg = pgStart();
  run(['demo', '--scale', '3', '--requests', '0', '--db', pg.url]);
  smtp = await startSmtp({ delay: 0.05 }); // slow enough for the two senders to overlap
  const env = { ...TEST_CLOCK_ENV, SERVITOR_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SERVITOR_MAIL_FROM: 'service@servitor.test' };
  a = await serve(pg.url, [], env);
  b = await serve(pg.url, [], env);
});

after(async () => {
  await a?.stop();
  await b?.stop();
  await smtp?.stop();
  pg?.stop();
});

test('two processes sending the same outbox deliver each message exactly once', async () => {
  const s = await login(a.base, 'manager', 'demo12345', '10.72.0.1');
  const admin = await login(a.base, 'admin', 'admin12345', '10.72.0.2');
  const N = 24;
  for (let i = 0; i < N; i++) {
    const c = await call(a.base, s, 'POST', '/api/v1/clients', { kind: 'person', name: `Клиент ${i}`, email: `twice.${i}@example.ru` });
    assert.equal(c.status, 201, c.text);
    const r = await call(a.base, s, 'POST', '/api/v1/requests', { subject: `Письмо ${i}`, channel: 'phone', client_id: c.json.id });
    assert.equal(r.status, 201, r.text);
  }
  const now = (await testClock(a.base, {})).now;
  await testClock(b.base, { now });
  await Promise.all([runJob(a.base, 'outbox.send'), runJob(b.base, 'outbox.send'), runJob(a.base, 'outbox.send'), runJob(b.base, 'outbox.send')]);
  const rows = (await call(a.base, admin, 'GET', '/api/v1/outbox?limit=200')).json.items;
  assert.equal(rows.length, N);
  assert.deepEqual(rows.filter((r) => r.state !== 'sent'), [], 'all sent');
  assert.ok(rows.every((r) => r.attempts === 1), 'each tried once');
  const got = smtp.messages();
  assert.equal(got.length, N, 'one delivery per message');
  assert.equal(new Set(got.map((m) => m.messageId)).size, N, 'no Message-ID twice');
  assert.deepEqual(new Set(got.map((m) => m.messageId)), new Set(rows.map((r) => r.message_id)));
});
