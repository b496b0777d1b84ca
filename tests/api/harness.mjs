// harness.mjs — the API tests' test bed: a fresh demo database and a real
// `servitor serve` per test file, and a small HTTP client for it.
//
//   import { useServer } from './harness.mjs';
//   const srv = useServer();                // before/after hooks of this file
//   test('…', async () => {
//     const admin = await srv.as('admin');  // a cached cookie session per role
//     const r = await srv.request('GET', '/api/v1/clients', { as: admin });
//   });
//
// Environment:
//   SERVITOR_BIN      the binary (default build/servitor of this checkout)
//   SERVITOR_TEST_DB  "postgres": a throw-away PostgreSQL server instead of a
//                     SQLite file (tests of SQLite files are skipped then)
//
// The server runs with --trust-proxy, so it takes the client address from
// X-Forwarded-For: every login gets its own fake address (10.A.B.C, in that
// header only; no traffic leaves loopback), so that the login rate limiter
// never bleeds from one test into another.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export const BIN = process.env.SERVITOR_BIN || fileURLToPath(new URL('../../build/servitor', import.meta.url));
export const PG = process.env.SERVITOR_TEST_DB === 'postgres';

export const ADMIN_PASSWORD = 'admin12345';
export const DEMO_PASSWORD = 'demo12345';
/** role → the demo user's login */
export const ROLE_LOGIN = {
  admin: 'admin', manager: 'manager', technician: 'engineer',
  storekeeper: 'store', sales: 'sales', auditor: 'auditor',
};
export const ROLES = Object.keys(ROLE_LOGIN);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const todayUTC = () => new Date().toISOString().slice(0, 10);

let addrSeq = 0;
/** A fresh fake client address for X-Forwarded-For. */
export function nextAddr() {
  addrSeq++;
  return `10.${(process.pid % 200) + 1}.${Math.floor(addrSeq / 250) % 250}.${(addrSeq % 250) + 1}`;
}

/** A unique suffix for names that must not collide. */
let uniq = 0;
export const uid = () => `${Date.now().toString(36)}${(++uniq).toString(36)}`;

export function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/**
 * Runs the binary to completion: {status, stdout, stderr}. Never throws on a
 * non-zero exit (the tests look at the status).
 */
export function runCli(args, { input, env = {}, timeout = 30000 } = {}) {
  const r = spawnSync(BIN, args, {
    input, encoding: 'utf8', timeout,
    env: { ...process.env, SERVITOR_PWHASH: 'fast', ...env },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

/** Runs the binary and fails the test unless it exits 0. */
export function runOk(args, opts) {
  const r = runCli(args, opts);
  assert.equal(r.status, 0, `servitor ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

/** A throw-away database: a SQLite file in a temp dir, or PostgreSQL. */
export async function makeDb() {
  const dir = mkdtempSync(join(tmpdir(), 'servitor-api-'));
  chmodSync(dir, 0o755);
  if (PG) {
    const { pgStart } = await import('../lib.mjs');
    const pg = pgStart();
    return {
      dir, url: pg.url, kind: 'postgres',
      cleanup: () => { try { pg.stop(); } finally { rmSync(dir, { recursive: true, force: true }); } },
    };
  }
  return { dir, url: join(dir, 's.db'), kind: 'sqlite', cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function waitHealthy(base, proc, log, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`servitor serve exited ${proc.exitCode}:\n${log()}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) return;
    } catch { /* not listening yet */ }
    if (Date.now() > end) throw new Error(`${base}/healthz did not come up:\n${log()}`);
    await sleep(50);
  }
}

/**
 * Starts `servitor serve` on a free port over `dbUrl`; resolves when /healthz
 * answers. Returns {base, port, proc, log(), stop()}.
 */
export async function startServe(dbUrl, { env = {}, args = [] } = {}) {
  // the free port may be taken by a parallel test file before we bind it: try again
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServeOnce(dbUrl, { env, args });
    } catch (e) {
      if (attempt >= 3 || !/cannot listen/.test(e.message)) throw e;
    }
  }
}

async function startServeOnce(dbUrl, { env, args }) {
  const port = await freePort();
  const proc = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--db', dbUrl, '--trust-proxy', ...args], {
    env: { ...process.env, SERVITOR_PWHASH: 'fast', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  const kill = () => { if (proc.exitCode === null) proc.kill('SIGKILL'); };
  process.on('exit', kill); // never leave a server behind, whatever happens
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(base, proc, () => out);
  } catch (e) {
    kill();
    process.off('exit', kill);
    throw e;
  }
  const stop = () => new Promise((res) => {
    process.off('exit', kill);
    if (proc.exitCode !== null || proc.signalCode !== null) return res();
    const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
    proc.once('exit', () => { clearTimeout(t); res(); });
    proc.kill('SIGTERM');
  });
  return { base, port, proc, log: () => out, stop, alive: () => proc.exitCode === null && proc.signalCode === null };
}

/** Parses a fetch Response into {status, headers, json, text, raw}. */
async function wrap(r) {
  const text = await r.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { /* not JSON */ }
  }
  return { status: r.status, headers: r.headers, json, text, raw: r };
}

/**
 * A client for one server base URL.
 *  login(login, password, {addr}) → {status, json, cookie, csrf, user, addr}
 *  request(method, path, {body, raw, headers, as, csrf, addr}):
 *    body  — sent as JSON; raw — sent as is (string or Buffer);
 *    as    — a session from login() (cookie + its CSRF token on writes),
 *            {bearer: token}, or nothing;
 *    csrf  — false: send no X-CSRF-Token; a string: send that one instead.
 */
export function client(base) {
  async function login(loginName, password, { addr = nextAddr() } = {}) {
    const r = await wrap(await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': addr },
      body: JSON.stringify({ login: loginName, password }),
    }));
    const s = { status: r.status, json: r.json, text: r.text, headers: r.headers, addr, setCookie: r.headers.get('set-cookie') };
    if (r.status === 200) {
      s.cookie = s.setCookie.split(';')[0];
      s.csrf = r.json.csrf_token;
      s.user = r.json.user;
    }
    return s;
  }

  async function request(method, path, { body, raw, headers = {}, as, csrf, addr } = {}) {
    const h = {};
    if (body !== undefined || raw !== undefined) h['content-type'] = 'application/json';
    if (as?.bearer) {
      h.authorization = `Bearer ${as.bearer}`;
    } else if (as?.cookie) {
      h.cookie = as.cookie;
      if (csrf !== false && method !== 'GET' && method !== 'HEAD') h['x-csrf-token'] = typeof csrf === 'string' ? csrf : as.csrf;
    }
    h['x-forwarded-for'] = addr || as?.addr || '10.250.250.250';
    Object.assign(h, headers);
    for (const k of Object.keys(h)) if (h[k] === undefined || h[k] === null) delete h[k];
    const init = { method, headers: h };
    if (raw !== undefined) init.body = raw;
    else if (body !== undefined) init.body = JSON.stringify(body);
    return wrap(await fetch(base + path, init));
  }

  return { base, login, request };
}

/**
 * Registers before/after hooks in the calling test file: a temp dir, a demo
 * database (`servitor demo --scale N`) and a server over it. The returned
 * object is filled in by the before hook:
 *   srv.base, srv.port, srv.db (path or URL), srv.dbKind, srv.dir
 *   srv.ready                            — resolves when the server is up
 *   srv.login(), srv.request()           — the client above
 *   srv.as(role)                         — a cached session of the demo user of a role
 *   srv.serve({env})                     — another server on the same database
 *   srv.stopServer()                     — stops the main server early
 * The methods wait for `ready`, so other before hooks may use them at once.
 */
export function useServer({ scale = 20, requests, env = {} } = {}) {
  const extra = [];
  const sessions = {};
  let markReady, markFailed;
  const ready = new Promise((res, rej) => { markReady = res; markFailed = rej; });
  ready.catch(() => {}); // reported by the hook that awaits it
  let api = null;
  const srv = {
    ready,
    login: async (...a) => { await ready; return api.login(...a); },
    request: async (...a) => { await ready; return api.request(...a); },
    /** A cached session of the demo user of a role (or of a login). */
    as: async (role) => {
      await ready;
      if (!sessions[role]) {
        const login = ROLE_LOGIN[role] || role;
        sessions[role] = (async () => {
          const s = await api.login(login, login === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD);
          assert.equal(s.status, 200, `log in as ${login}: ${s.text}`);
          return s;
        })();
      }
      return sessions[role];
    },
    /** Another server on the same database (stopped after the file). */
    serve: async (opts) => {
      await ready;
      const s = await startServe(srv.db, opts);
      extra.push(s);
      return { ...s, ...client(s.base) };
    },
    stopServer: async () => { await ready; return srv._main.stop(); },
  };
  before(async () => {
    try {
      const db = await makeDb();
      srv._db = db;
      srv.db = db.url;
      srv.dbKind = db.kind;
      srv.dir = db.dir;
      const args = ['demo', '--scale', String(scale), '--db', db.url];
      if (requests !== undefined) args.push('--requests', String(requests));
      runOk(args);
      srv._main = await startServe(db.url, { env });
      Object.assign(srv, { base: srv._main.base, port: srv._main.port, log: srv._main.log, alive: srv._main.alive });
      api = client(srv._main.base);
      markReady();
    } catch (e) {
      markFailed(e);
      throw e;
    }
  });
  after(async () => {
    for (const s of extra) await s.stop();
    await srv._main?.stop();
    srv._db?.cleanup();
  });
  return srv;
}

// ---- assertions --------------------------------------------------------------

/**
 * Asserts an error answer: the status, the one error shape
 * {"error":{"code","message","fields"}} and, when given, the code and the
 * exact field codes.
 */
export function assertError(r, status, code, fields) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text.slice(0, 500)}`);
  assert.ok(r.json && typeof r.json === 'object' && r.json.error, `an error body: ${r.text.slice(0, 500)}`);
  assert.deepEqual(Object.keys(r.json).sort(), ['error']);
  const e = r.json.error;
  assert.equal(typeof e.code, 'string', 'error.code');
  assert.equal(typeof e.message, 'string', 'error.message');
  assert.ok(e.message.length > 0, 'error.message is not empty');
  assert.ok(e.fields && typeof e.fields === 'object' && !Array.isArray(e.fields), 'error.fields is an object');
  assert.match(r.headers.get('content-type') || '', /^application\/json/);
  if (code !== undefined) assert.equal(e.code, code, `error code: ${r.text.slice(0, 300)}`);
  if (fields !== undefined) assert.deepEqual(e.fields, fields, `field errors: ${r.text.slice(0, 500)}`);
  return e;
}

/** Asserts a 422 whose fields include the given codes (others may be present). */
export function assertFields(r, expected) {
  const e = assertError(r, 422, 'validation_failed');
  for (const [k, v] of Object.entries(expected)) assert.equal(e.fields[k], v, `fields.${k}: ${r.text}`);
  return e;
}

export const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** Byte-wise (code point) order, the order of SQLite's BINARY collation. */
export const byteCmp = (a, b) => Buffer.compare(Buffer.from(a ?? ''), Buffer.from(b ?? ''));

/** Walks every page of a list; returns {items, pages}. */
export async function walk(srv, path, as, { limit = 50, max = 1000 } = {}) {
  const items = [];
  let cursor = null;
  let pages = 0;
  const sep = path.includes('?') ? '&' : '?';
  do {
    const r = await srv.request('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { as });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length <= limit);
    items.push(...r.json.items);
    cursor = r.json.next_cursor;
    if (cursor !== null) assert.equal(r.json.items.length, limit, 'a page with a next cursor is full');
    assert.ok(++pages < max, 'the walk ends');
  } while (cursor);
  return { items, pages };
}

/** Check digits of a ИНН: a valid one from the first 9 (or 10) digits. */
export function innWithChecks(digits) {
  const k10 = [2, 4, 10, 3, 5, 9, 4, 6, 8];
  const k11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
  const k12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
  const check = (s, k) => String(k.reduce((sum, w, i) => sum + w * Number(s[i]), 0) % 11 % 10);
  if (digits.length === 9) return digits + check(digits, k10);
  const s11 = digits + check(digits, k11);
  return s11 + check(s11, k12);
}

let innSeq = 0;
/** A fresh valid company ИНН (10 digits) or person ИНН (12 digits). */
export function freshInn(len = 10) {
  innSeq++;
  const base = String((Date.now() * 7 + process.pid * 131 + innSeq * 7919) % 1e8).padStart(8, '0');
  return innWithChecks(('9' + base + (len === 12 ? '1' : '')).slice(0, len === 12 ? 10 : 9));
}
