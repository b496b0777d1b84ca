#!/usr/bin/env node
// bad-input.mjs — the long bad-input sweep: every generated input against
// every write operation of a fresh demo server (see bad-input-lib.mjs).
//   node tests/attack/bad-input.mjs            all inputs
//   ATTACK_SAMPLE=0.2 node tests/attack/bad-input.mjs
// SERVITOR_TEST_DB=postgres runs it on PostgreSQL. Exits 1 on any failure;
// the last line is a JSON summary for run.sh.
import { makeDb, runOk, startServe } from '../api/harness.mjs';
import { badInputSweep } from './bad-input-lib.mjs';

const sample = Number(process.env.ATTACK_SAMPLE ?? 1);
const db = await makeDb();
let srv;
let code = 1;
try {
  runOk(['demo', '--scale', '10', '--requests', '20', '--db', db.url]);
  srv = await startServe(db.url, { env: { SERVITOR_JOB_TICK: '3600' } });
  const t0 = Date.now();
  const r = await badInputSweep({ base: srv.base, sample, log: (l) => process.env.ATTACK_VERBOSE && console.log(l) });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  for (const n of r.notes) console.log('note:', n);
  for (const f of r.failures) console.log('FAIL', JSON.stringify(f));
  console.log(`by category: ${Object.entries(r.byCategory).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`bad inputs tried: ${r.tried} over ${r.ops.length} write operations in ${secs} s; refused ${r.refused}, stored verbatim ${r.accepted}; failures ${r.failures.length}`);
  if (!srv.alive()) console.log('FAIL the server died:\n' + srv.log().slice(-2000));
  console.log(JSON.stringify({ summary: 'bad-input', tried: r.tried, operations: r.ops.length, failures: r.failures.length, seconds: Number(secs) }));
  code = r.failures.length === 0 && srv.alive() ? 0 : 1;
} finally {
  await srv?.stop();
  db.cleanup();
}
process.exit(code);
