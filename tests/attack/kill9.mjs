#!/usr/bin/env node
// kill9.mjs — the long kill -9 run: ATTACK_KILL_ROUNDS rounds (default 10) of
// 12 concurrent writers killed mid-load (see kill9-lib.mjs).
//   node tests/attack/kill9.mjs
//   SERVITOR_TEST_DB=postgres node tests/attack/kill9.mjs
// Exits 1 on any failure; the last line is a JSON summary for run.sh.
import { kill9Rounds } from './kill9-lib.mjs';

const rounds = Number(process.env.ATTACK_KILL_ROUNDS ?? 10);
const t0 = Date.now();
const r = await kill9Rounds({ rounds, perRound: Number(process.env.ATTACK_KILL_PER_ROUND ?? 150), log: (l) => console.log(l) });
for (const f of r.failures) console.log('FAIL', JSON.stringify(f));
const secs = ((Date.now() - t0) / 1000).toFixed(1);
console.log(`kill -9 rounds: ${r.rounds} on ${r.db}; answered and found again: ${r.requests} requests, ${r.comments} comments, ` +
  `${r.attachments} files; ${r.checks} checks after restarts; failures ${r.failures.length}; ${secs} s`);
console.log(JSON.stringify({ summary: 'kill9', rounds: r.rounds, db: r.db, requests: r.requests, comments: r.comments, attachments: r.attachments, failures: r.failures.length, seconds: Number(secs) }));
process.exit(r.failures.length ? 1 : 0);
