#!/usr/bin/env node
// xss.mjs — the long stored-XSS sweep in headless Chromium (see xss-lib.mjs):
// every payload, every record page, list, edit form, the search, the audit log
// per entity and the public status page.
//   node tests/attack/xss.mjs
// Exits 1 on any failure; the last line is a JSON summary for run.sh.
import { chromium } from 'playwright-core';
import { makeDb, runOk, startServe } from '../api/harness.mjs';
import { xssSweep } from './xss-lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const db = await makeDb();
let srv, browser;
let code = 1;
try {
  runOk(['demo', '--scale', '5', '--requests', '3', '--db', db.url]);
  srv = await startServe(db.url, { env: { SERVITOR_JOB_TICK: '3600' } });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  const t0 = Date.now();
  const r = await xssSweep({ base: srv.base, browser, full: true, log: (l) => console.log(l) });
  for (const f of r.failures) console.log('FAIL', JSON.stringify(f));
  for (const e of r.errors) console.log('page error:', e);
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  console.log(`stored XSS: ${r.fields} payloads in ${r.records} records of ${r.kinds} kinds, ${r.pages} pages opened; failures ${r.failures.length}; ${secs} s`);
  console.log(JSON.stringify({ summary: 'xss', payloads: r.fields, records: r.records, kinds: r.kinds, pages: r.pages, failures: r.failures.length, seconds: Number(secs) }));
  code = r.failures.length ? 1 : 0;
} finally {
  await browser?.close();
  await srv?.stop();
  db.cleanup();
}
process.exit(code);
