// bad-input.test.mjs — the quick bad-input sweep of `make test`: a seeded
// sample of the inputs tests/attack/bad-input-lib.mjs generates, over every
// write operation of openapi.json (at least a few each). Never a 5xx, never a
// crash, the one error shape, and a refused write changes nothing.
// The long run (every input): node tests/attack/bad-input.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './harness.mjs';
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
