// http-guard.test.mjs — what a hostile client can do at the HTTP level:
// ambiguous framing, JSON routes fed forms from other sites, slow clients
// holding connections, many connections from one address, and downloads held
// open (served from disk, with Range). Each case failed before the guard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { makeDb, runOk, startServe, client, assertError, sleep } from './harness.mjs';

let db, srv, api, admin, bodies, auditor;
// held downloads and uploads: 20 and 24 in make test; tests/attack/run.sh
// holds more (ATTACK_HOLD), spread over loopback addresses of 20 each
const HOLD_DOWNLOADS = Number(process.env.ATTACK_HOLD ?? 20);
const HOLD_UPLOADS = Number(process.env.ATTACK_HOLD ?? 24);
const spread = (i) => `127.0.${1 + Math.floor(i / 20)}.100`;

// slow-client limits small enough to watch them act within a test
const GUARD_ENV = {
  SERVITOR_HEAD_TIMEOUT: '1',
  SERVITOR_IDLE_TIMEOUT: '3',
  SERVITOR_BODY_MIN_RATE: '200000',
  SERVITOR_ADDRESS_CONNECTIONS: '24',
};

before(async () => {
  db = await makeDb();
  runOk(['demo', '--scale', '5', '--requests', '1', '--db', db.url]);
  srv = await startServe(db.url, { env: GUARD_ENV });
  api = client(srv.base);
  admin = await api.login('admin', 'admin12345');
  assert.equal(admin.status, 200, admin.text);
  auditor = await api.login('auditor', 'demo12345');
  assert.equal(auditor.status, 200, auditor.text);
  // a second server on the same database for the bodies: no slow-client
  // deadlines in the way, a small memory budget for bodies
  bodies = await startServe(db.url, { env: { SERVITOR_BODY_MEMORY: '2', SERVITOR_ADDRESS_CONNECTIONS: '200' } });
});

after(async () => {
  await bodies?.stop();
  await srv?.stop();
  db?.cleanup();
});

/** Sends raw bytes on a new connection (from `from`, a loopback address);
 *  resolves with what came back and whether the server closed it. */
function raw(bytes, { from = '127.0.0.1', waitMs = 3000, port = srv.port } = {}) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, localAddress: from });
    let out = '';
    const timer = setTimeout(() => { s.destroy(); resolve({ out, closed: false }); }, waitMs);
    s.on('data', (d) => { out += d; });
    s.on('close', () => { clearTimeout(timer); resolve({ out, closed: true }); });
    s.on('error', () => {});
    s.write(bytes);
  });
}

/** Opens a connection and keeps it; resolves once connected. */
function hold(first, { from = '127.0.0.1', port = srv.port } = {}) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, localAddress: from }, () => {
      if (first) s.write(first);
      resolve(s);
    });
    s.closedAt = null;
    s.on('close', () => { s.closedAt = Date.now(); });
    s.on('error', () => {});
  });
}

async function metric(name, labels) {
  const r = await api.request('GET', '/metrics', { addr: '127.0.0.1' });
  const line = r.text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

test('two different Content-Length headers: 400 and the connection closed', async () => {
  const r = await raw('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    'Content-Length: 5\r\nContent-Length: 41\r\n\r\n{"login":"admin","password":"admin12345"}');
  assert.match(r.out, /^HTTP\/1\.1 400 /);
  assert.match(r.out, /conflicting Content-Length/);
  assert.doesNotMatch(r.out, /csrf_token/, 'no login went through');
  assert.ok(r.closed, 'the connection is closed: the rest is never read as a request');
});

test('Content-Length beside Transfer-Encoding: 400 and the connection closed', async () => {
  const r = await raw('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    'Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n');
  assert.match(r.out, /^HTTP\/1\.1 400 /);
  assert.match(r.out, /both Content-Length and Transfer-Encoding/);
  assert.ok(r.closed);
});

test('JSON routes take only JSON: a text/plain login from a form is refused (415)', async () => {
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    const r = await fetch(`${srv.base}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': type, 'x-forwarded-for': '10.60.0.1' },
      body: '{"login":"admin","password":"admin12345"}',
    });
    assert.equal(r.status, 415, type);
    assert.equal((await r.json()).error.code, 'unsupported_media_type');
    assert.equal(r.headers.get('set-cookie'), null, 'no session for ' + type);
  }
  const ok = await fetch(`${srv.base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', 'x-forwarded-for': '10.60.0.1' },
    body: '{"login":"admin","password":"admin12345"}',
  });
  assert.equal(ok.status, 200, 'application/json with a charset is JSON');
});

test('a write with a cookie and a form body creates nothing', async () => {
  const before = await api.request('GET', '/api/v1/clients?q=Формой', { as: admin });
  const r = await api.request('POST', '/api/v1/clients', {
    as: admin, raw: JSON.stringify({ name: 'Формой Созданный', kind: 'company' }),
    headers: { 'content-type': 'text/plain' },
  });
  assertError(r, 415, 'unsupported_media_type');
  const after = await api.request('GET', '/api/v1/clients?q=Формой', { as: admin });
  assert.equal(after.json.items.length, before.json.items.length);
});

test('login and cookie writes from another site are refused; the same site and scripts pass', async () => {
  const body = JSON.stringify({ login: 'admin', password: 'admin12345' });
  const post = (headers) => fetch(`${srv.base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.60.0.2', ...headers }, body,
  });
  let r = await post({ 'sec-fetch-site': 'cross-site' });
  assert.equal(r.status, 403);
  assert.equal(r.headers.get('set-cookie'), null);
  r = await post({ origin: 'https://evil.example' });
  assert.equal(r.status, 403);
  r = await post({ origin: 'null' });
  assert.equal(r.status, 403, 'a sandboxed or file page');
  r = await post({ 'sec-fetch-site': 'same-origin', origin: srv.base });
  assert.equal(r.status, 200);
  r = await post({ origin: srv.base });
  assert.equal(r.status, 200, 'an older browser on our own page');

  // a cookie write with the right CSRF token but from another site's page
  const w = await api.request('POST', '/api/v1/clients', {
    as: admin, body: { name: 'Чужой Сайт', kind: 'company' }, headers: { origin: 'https://evil.example' },
  });
  assertError(w, 403, 'forbidden');
  const ok = await api.request('POST', '/api/v1/clients', {
    as: admin, body: { name: 'Свой Сайт', kind: 'company' }, headers: { 'sec-fetch-site': 'same-origin' },
  });
  assert.equal(ok.status, 201, ok.text);
});

test('downloads: Range gives 206 with the bytes asked for, a range outside the file 416', async () => {
  const req = (await api.request('POST', '/api/v1/requests', { as: admin, body: { subject: 'Файлы по частям' } })).json;
  const text = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz\n'.repeat(100));
  const up = await api.request('POST', `/api/v1/requests/${req.id}/attachments?name=part.txt`, { as: admin, raw: text });
  assert.equal(up.status, 201, up.text);
  const url = `/api/v1/attachments/${up.json.id}`;
  const get = (range) => api.request('GET', url, { as: admin, headers: range ? { range } : {} });

  let r = await get();
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('accept-ranges'), 'bytes');
  assert.equal(r.text, text.toString());

  r = await get('bytes=10-19');
  assert.equal(r.status, 206);
  assert.equal(r.text, 'abcdefghij');
  assert.equal(r.headers.get('content-range'), `bytes 10-19/${text.length}`);

  r = await get('bytes=-5');
  assert.equal(r.status, 206);
  assert.equal(r.text, 'wxyz\n');

  r = await get(`bytes=${text.length - 3}-`);
  assert.equal(r.status, 206);
  assert.equal(r.text, 'yz\n');

  r = await get(`bytes=${text.length}-`);
  assertError(r, 416, 'range_not_satisfiable');
  assert.equal(r.headers.get('content-range'), `bytes */${text.length}`);

  r = await get('bytes=0-1,5-6');
  assert.equal(r.status, 200, 'several ranges: the whole file');
  assert.equal(r.text.length, text.length);
  r = await get('pages=1');
  assert.equal(r.status, 200, 'another unit: the whole file');
});

test('held downloads of a large file do not grow the server by the file each', async () => {
  const req = (await api.request('POST', '/api/v1/requests', { as: admin, body: { subject: 'Большой файл' } })).json;
  const big = Buffer.alloc(9 * 1024 * 1024, 'x');
  const up = await api.request('POST', `/api/v1/requests/${req.id}/attachments?name=big.txt`, { as: admin, raw: big });
  assert.equal(up.status, 201, up.text);
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8'))[1]) * 1024;
  const start = rss();
  const n = HOLD_DOWNLOADS; // 20 per address: within the per-address limit
  const socks = [];
  for (let i = 0; i < n; i++) {
    const s = await hold(`GET /api/v1/attachments/${up.json.id} HTTP/1.1\r\nHost: x\r\nCookie: ${admin.cookie}\r\n\r\n`, { from: spread(i) });
    s.pause(); // read nothing: the server must not buffer the file for us
    socks.push(s);
  }
  await sleep(500); // let the server start answering all of them
  const grown = rss() - start;
  for (const s of socks) s.destroy();
  const bound = 40 * 1024 * 1024 + n * 256 * 1024; // far below n × 9 MiB (180 MiB for 20)
  console.log(`# attack: held downloads ${n} of a 9 MiB file; resident memory grew ${(grown / 1048576).toFixed(1)} MiB (bound ${(bound / 1048576).toFixed(0)} MiB)`);
  assert.ok(grown < bound, `resident memory grew by ${(grown / 1048576).toFixed(1)} MiB`);
});

test('one address holds at most SERVITOR_ADDRESS_CONNECTIONS; others still get in', async () => {
  const socks = [];
  for (let i = 0; i < 24; i++) socks.push(await hold('GET /healthz HTTP/1.1\r\n', { from: '127.0.0.1' }));
  const over = await raw('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', { from: '127.0.0.1', waitMs: 1500 });
  assert.doesNotMatch(over.out, /200 OK/, 'the 25th connection of one address is not served');
  const other = await raw('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { from: '127.0.0.2' });
  assert.match(other.out, /^HTTP\/1\.1 200 /, 'another address is served at once');
  for (const s of socks) s.destroy();
});

test('a head sent a line at a time is cut after SERVITOR_HEAD_TIMEOUT, an idle one after the idle timeout', async () => {
  const cutHead = await metric('servitor_connections_cut_total', 'reason="head"');
  const cutIdle = await metric('servitor_connections_cut_total', 'reason="idle"');
  const slow = [];
  for (let i = 0; i < 10; i++) slow.push(await hold('GET /healthz HTTP/1.1\r\n', { from: '127.0.0.3' }));
  const silent = await hold(null, { from: '127.0.0.3' });
  const drip = await hold('G', { from: '127.0.0.3' }); // not even a request line
  const t0 = Date.now();
  // keep dripping header bytes: the idle timeout alone would never fire
  for (let i = 0; i < 30 && slow.some((s) => !s.closedAt); i++) {
    for (const s of slow) if (!s.closedAt) s.write('X');
    if (!drip.closedAt) drip.write('E');
    await sleep(200);
  }
  for (const s of slow) assert.ok(s.closedAt, 'a slow head is cut');
  const took = Math.max(...slow.map((s) => s.closedAt)) - t0;
  assert.ok(took < 4000, `cut within the head deadline and a sweep (${took} ms)`);
  for (let i = 0; i < 40 && !(silent.closedAt && drip.closedAt); i++) { drip.write('E'); await sleep(200); }
  assert.ok(silent.closedAt, 'a silent connection is closed at the idle timeout');
  assert.ok(drip.closedAt, 'a request line sent a byte at a time is cut at the idle timeout');
  assert.ok(await metric('servitor_connections_cut_total', 'reason="head"') >= cutHead + 10);
  assert.ok(await metric('servitor_connections_cut_total', 'reason="idle"') >= cutIdle + 1);
  const r = await api.request('GET', '/healthz');
  assert.equal(r.status, 200, 'the server serves on');
});

test('a body trickled below SERVITOR_BODY_MIN_RATE is cut', async () => {
  const cut = await metric('servitor_connections_cut_total', 'reason="body"');
  const s = await hold(`POST /api/v1/requests/1/attachments?name=a.txt HTTP/1.1\r\nHost: x\r\nCookie: ${admin.cookie}\r\n` +
    `X-CSRF-Token: ${admin.csrf}\r\nContent-Length: 5000000\r\n\r\n`, { from: '127.0.0.4' });
  for (let i = 0; i < 30 && !s.closedAt; i++) { s.write('x'.repeat(100)); await sleep(200); }
  assert.ok(s.closedAt, 'the trickling upload is cut');
  assert.ok(await metric('servitor_connections_cut_total', 'reason="body"') >= cut + 1);
});


// ---- no body is read before the caller is known ------------------------------

const rssOf = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
const uploadHead = (extra = '', length = 9 * 1024 * 1024) => `POST /api/v1/requests/1/attachments?name=a.txt HTTP/1.1\r\n` +
  `Host: x\r\nContent-Length: ${length}\r\n${extra}\r\n`;

test('an upload from nobody is answered 401 at once, before "100 Continue" and before the body', async () => {
  const r = await raw(uploadHead('Expect: 100-continue\r\n'), { port: bodies.port, waitMs: 2000 });
  assert.match(r.out, /^HTTP\/1\.1 401 /, r.out.slice(0, 200));
  assert.doesNotMatch(r.out, /100 Continue/);
  assert.ok(r.closed, 'closed: the body is never read');
  const e = await raw(`POST /api/v1/intake/email HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n`, { port: bodies.port, waitMs: 2000 });
  assert.match(e.out, /^HTTP\/1\.1 401 /, 'the e-mail route too');
});

test('a wrong CSRF token or a role without the right is refused before the body', async () => {
  let r = await raw(uploadHead(`Cookie: ${admin.cookie}\r\nX-CSRF-Token: wrong\r\n`), { port: bodies.port, waitMs: 2000 });
  assert.match(r.out, /^HTTP\/1\.1 403 /);
  assert.ok(r.closed);
  r = await raw(uploadHead(`Cookie: ${auditor.cookie}\r\nX-CSRF-Token: ${auditor.csrf}\r\nExpect: 100-continue\r\n`), { port: bodies.port, waitMs: 2000 });
  assert.match(r.out, /^HTTP\/1\.1 403 /, 'the auditor may not attach files');
  assert.doesNotMatch(r.out, /100 Continue/);
  r = await raw(uploadHead(`Cookie: ${admin.cookie}\r\nX-CSRF-Token: ${admin.csrf}\r\nExpect: 100-continue\r\n`), { port: bodies.port, waitMs: 700 });
  assert.match(r.out, /^HTTP\/1\.1 100 Continue/, 'the right caller is asked for the body');
});

test('a body for no route is not read: 404 (or 405) at once', async () => {
  const r = await raw(`POST /no/such/thing HTTP/1.1\r\nHost: x\r\nContent-Length: 900000\r\n\r\n`, { port: bodies.port, waitMs: 2000 });
  assert.match(r.out, /^HTTP\/1\.1 404 /);
  assert.ok(r.closed);
  const m = await raw(`PUT /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 900000\r\n\r\n`, { port: bodies.port, waitMs: 2000 });
  assert.match(m.out, /^HTTP\/1\.1 405 /);
});

test('routes open to anyone take small bodies only (64 KiB)', async () => {
  const r = await fetch(`${srv.base}/api/v1/public/requests`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.60.0.9' },
    body: JSON.stringify({ name: 'x', phone: '+79990000000', description: 'я'.repeat(40000), consent: true }),
  });
  assert.equal(r.status, 413);
});

test('held uploads are spooled to disk: the process does not grow by what they sent', async () => {
  const start = rssOf(bodies.proc.pid);
  const socks = [];
  const chunk = Buffer.alloc(1024 * 1024, 'y');
  const n = HOLD_UPLOADS;
  for (let i = 0; i < n; i++) {
    const s = await hold(uploadHead(`Cookie: ${admin.cookie}\r\nX-CSRF-Token: ${admin.csrf}\r\n`), { port: bodies.port, from: spread(i) });
    for (let k = 0; k < 5; k++) s.write(chunk); // 5 of 9 MiB, then silence
    socks.push(s);
  }
  await sleep(800); // the server takes what was sent
  const grown = rssOf(bodies.proc.pid) - start;
  for (const s of socks) s.destroy();
  const bound = 40 * 1024 * 1024 + n * 256 * 1024; // far below n × 5 MiB (120 MiB for 24)
  console.log(`# attack: held uploads ${n} of 5 MiB sent each; resident memory grew ${(grown / 1048576).toFixed(1)} MiB (bound ${(bound / 1048576).toFixed(0)} MiB)`);
  assert.ok(grown < bound, `resident memory grew by ${(grown / 1048576).toFixed(1)} MiB`);
  const r = await fetch(`${bodies.base}/healthz`);
  assert.equal(r.status, 200);
});

test('JSON bodies share a memory budget: over it, 503 with Retry-After, nothing half-read', async () => {
  const head = `POST /api/v1/clients HTTP/1.1\r\nHost: x\r\nCookie: ${admin.cookie}\r\nX-CSRF-Token: ${admin.csrf}\r\n` +
    `Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"kind":"person","notes":"`;
  const a = await hold(head, { port: bodies.port });
  const b = await hold(head, { port: bodies.port });
  await sleep(300);
  const c = await raw(head, { port: bodies.port, waitMs: 2000 });
  assert.match(c.out, /^HTTP\/1\.1 503 /, c.out.slice(0, 200));
  assert.match(c.out, /Retry-After: 1/i);
  a.destroy();
  b.destroy();
  await sleep(300); // their share comes back when the server sees them go
  const ok = await fetch(`${bodies.base}/api/v1/clients`, {
    method: 'POST', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'person', name: 'После очереди' }) + ' '.repeat(900000), // fits only once the others gave back their share
  });
  assert.equal(ok.status, 201);
});
