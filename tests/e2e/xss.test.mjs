// xss.test.mjs — the quick stored-XSS sweep of `make test`: payloads in every
// text field of every record kind, comments, file names, users', views' and
// rules' names (through the API), then each record's page, the lists, the
// search, the audit log and the public status page in headless Chromium.
// Nothing may run, and the text is shown as it was written.
// The long run: node tests/attack/xss.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { testDb, run, serve } from '../lib.mjs';
import { xssSweep } from '../attack/xss-lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let db, srv, browser;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '3', '--db', db.url]);
  srv = await serve(db.url, [], { SERVITOR_JOB_TICK: '3600' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  db?.stop();
});

test('stored XSS in every record kind: nothing runs, the text is shown literally', async () => {
  const r = await xssSweep({ base: srv.base, browser });
  assert.deepEqual(r.failures, []);
  assert.ok(r.kinds >= 14, `${r.kinds} record kinds planted`);
  assert.ok(r.fields >= 40, `${r.fields} payloads stored`);
});
