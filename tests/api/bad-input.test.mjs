// bad-input.test.mjs — the quick bad-input sweep of `make test`: a seeded
// sample of the inputs tests/attack/bad-input-lib.mjs generates, over every
// write operation of openapi.json (at least a few each). Never a 5xx, never a
// crash, the one error shape, and a refused write changes nothing.
// The long run (every input): node tests/attack/bad-input.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError } from './harness.mjs';
import { badInputSweep } from '../attack/bad-input-lib.mjs';

const srv = useServer({ scale: 5, requests: 5, env: { SERVITOR_JOB_TICK: '3600' } });
const SAMPLE = Number(process.env.ATTACK_SAMPLE ?? 0.06);

test('bad input over every write operation: refused with the one error shape, nothing changed, no 5xx', async () => {
  await srv.ready;
  const r = await badInputSweep({ base: srv.base, sample: SAMPLE, seed: Number(process.env.ATTACK_SEED ?? Date.now() % 100000) });
  const shown = r.failures.slice(0, 20).map((f) => JSON.stringify(f)).join('\n');
  assert.deepEqual(r.failures.length, 0, `${r.failures.length} failures of ${r.tried} inputs:\n${shown}`);
  assert.ok(r.ops.length >= 70, `${r.ops.length} write operations swept`);
  assert.ok(r.ops.every((o) => o.sent > 0 || o.generated === 0), 'every operation got inputs');
  assert.ok(r.refused > r.tried / 2, 'most inputs are refused');
  assert.ok(srv.alive(), 'the server is still running');
  const h = await fetch(srv.base + '/healthz');
  assert.equal(h.status, 200);
  console.log(`# bad inputs tried: ${r.tried} over ${r.ops.length} write operations (refused ${r.refused})`);
});

// what the long sweep found, kept here whatever the sample
test('a %00 or a sign in a path id is no id: nothing deleted, nothing changed', async () => {
  const admin = await srv.as('admin');
  const c = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'person', name: 'Цель нуля' } });
  assert.equal(c.status, 201, c.text);
  for (const id of [`${c.json.id}%00`, `${c.json.id}%00x`, `+${c.json.id}`]) {
    const d = await srv.request('DELETE', `/api/v1/clients/${id}`, { as: admin });
    assertError(d, 404, 'not_found');
    const p = await srv.request('PATCH', `/api/v1/clients/${id}`, { as: admin, body: { version: 1, notes: 'x' } });
    assertError(p, 404, 'not_found');
  }
  const after = await srv.request('GET', `/api/v1/clients/${c.json.id}`, { as: admin });
  assert.equal(after.status, 200);
  assert.equal(after.json.version, 1);
});

test('a file name with %00 is never cut there', async () => {
  const admin = await srv.as('admin');
  const req = await srv.request('POST', '/api/v1/requests', { as: admin, body: { subject: 'Имя с нулём' } });
  const up = await srv.request('POST', `/api/v1/requests/${req.json.id}/attachments?name=a%00b.txt`, { as: admin, raw: 'нуль', headers: { 'content-type': 'application/octet-stream' } });
  if (up.status === 201) assert.equal(up.json.file_name, 'a%00b.txt', 'stored as named');
  else assertError(up, 422, 'validation_failed');
});

test('a consultation for client 0 or unit -1 is refused, not taken as none', async () => {
  const admin = await srv.as('admin');
  for (const extra of [{ client_id: 0 }, { unit_id: -1 }]) {
    const r = await srv.request('POST', '/api/v1/consultations', { as: admin, body: { channel: 'phone', question: 'Вопрос', answer: 'Ответ', duration_minutes: 3, ...extra } });
    assertError(r, 422, 'validation_failed', { [Object.keys(extra)[0]]: 'not_found' });
  }
});

test('a production calendar line with a note over 200 characters is refused, the whole load with it', async () => {
  const admin = await srv.as('admin');
  const cal = await srv.request('POST', '/api/v1/business_calendars', { as: admin, body: { name: 'Длинные заметки', timezone: 'Europe/Moscow' } });
  assert.equal(cal.status, 201, cal.text);
  const r = await srv.request('POST', `/api/v1/business_calendars/${cal.json.id}/days`, { as: admin,
    body: { tsv: `2041-01-01\tholiday\tкороткая\n2041-01-02\tholiday\t${'я'.repeat(201)}` } });
  assertError(r, 422, 'validation_failed');
  const days = await srv.request('GET', `/api/v1/calendar_days?calendar_id=${cal.json.id}`, { as: admin });
  assert.equal(days.json.items.length, 0, 'nothing of the load is kept');
  const ok = await srv.request('POST', `/api/v1/business_calendars/${cal.json.id}/days`, { as: admin,
    body: { tsv: `2041-01-02\tholiday\t${'я'.repeat(200)}` } });
  assert.equal(ok.status, 200, ok.text);
});
