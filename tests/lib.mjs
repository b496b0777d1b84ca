// lib.mjs — helpers for the PostgreSQL tests: a throw-away server, servitor
// processes, nginx, and a small HTTP client. Everything stays on loopback.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';

export const ROOT = resolve(new URL('..', import.meta.url).pathname);
export const BIN = process.env.SERVITOR_BIN || join(ROOT, 'build/servitor');
const PGSCRIPT = join(ROOT, 'scripts/pg-test-server.sh');

export function tempDir(prefix) {
  const d = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(d, 0o755);
  return d;
}

export function pgStart() {
  // a PostgreSQL database has no folder for its audit key file: one per test
  // process in a temp dir (the default would be the working directory)
  if (!process.env.SERVITOR_AUDIT_KEY_FILE) process.env.SERVITOR_AUDIT_KEY_FILE = join(tempDir('svkey-'), 'audit.key');
  const dir = tempDir('svpg-');
  const url = execFileSync(PGSCRIPT, ['start', dir], { encoding: 'utf8' }).trim();
  return { dir, url, stop: () => execFileSync(PGSCRIPT, ['stop', dir]) };
}

export function pgReplica(primaryUrl) {
  const dir = tempDir('svpgr-');
  const url = execFileSync(PGSCRIPT, ['replica', dir, primaryUrl], { encoding: 'utf8' }).trim();
  return { dir, url, stop: () => execFileSync(PGSCRIPT, ['stop', dir]) };
}

/** Runs a pg_ctl action (restart, stop, start) on a test server. */
export function pgCtl(pg, action) {
  const bin = execFileSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1'], { encoding: 'utf8' }).trim();
  const port = new URL(pg.url.replace('postgresql:', 'http:')).searchParams.get('port');
  const args = ['-D', join(pg.dir, 'data'), '-w', '-m', 'fast'];
  // the server must not inherit our pipes (execFileSync would wait for it)
  if (action !== 'stop') args.push('-l', join(pg.dir, 'log'));
  if (action === 'start') args.push('-o', `-c listen_addresses='' -k ${pg.dir} -p ${port}`);
  const cmd = [join(bin, 'pg_ctl'), ...args, action];
  if (process.getuid() === 0) execFileSync('runuser', ['-u', 'postgres', '--', ...cmd], { stdio: 'ignore' });
  else execFileSync(cmd[0], cmd.slice(1), { stdio: 'ignore' });
}

export function psql(url, sql) {
  const u = new URL(url.replace('postgresql:', 'http:'));
  const args = ['-X', '-A', '-t', '-h', u.searchParams.get('host'), '-p', u.searchParams.get('port'), '-U', 'servitor', '-d', 'servitor'];
  // a long script (a restored audit log) does not fit in an argument: standard input
  if (sql.length > 100000) return execFileSync('psql', [...args, '-q', '-v', 'ON_ERROR_STOP=1'], { encoding: 'utf8', input: sql }).trim();
  return execFileSync('psql', [...args, '-c', sql], { encoding: 'utf8' }).trim();
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
    s.on('error', rej);
  });
}

export function run(args, env = {}) {
  return execFileSync(BIN, args, { encoding: 'utf8', env: { ...process.env, SERVITOR_PWHASH: 'fast', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
}

export async function waitFor(url, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    try { const r = await fetch(url); if (r.ok) return; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`${url} did not come up`);
    await new Promise(r => setTimeout(r, 100));
  }
}

/** Starts `servitor serve`; resolves when /healthz answers. */
export async function serve(db, extraArgs = [], env = {}) {
  const port = await freePort();
  const p = spawn(BIN, ['serve', '--listen', `127.0.0.1:${port}`, '--db', db, '--trust-proxy', ...extraArgs], {
    env: { ...process.env, SERVITOR_PWHASH: 'fast', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  p.stdout.on('data', d => { log += d; });
  p.stderr.on('data', d => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/healthz`);
  return { base, port, proc: p, log: () => log,
    stop: () => new Promise(r => { if (p.exitCode !== null) return r(); p.on('exit', r); p.kill('SIGTERM'); }) };
}

/** nginx on a free port in front of the given upstream ports. */
export async function nginx(ports) {
  const dir = tempDir('svnginx-');
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream servitor { ${ports.map(p => `server 127.0.0.1:${p};`).join(' ')} keepalive 16; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://servitor;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_next_upstream error timeout http_503;
    }
  }
}`);
  const p = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/healthz`);
  return { base, stop: () => new Promise(r => { p.on('exit', () => { rmSync(dir, { recursive: true, force: true }); r(); }); p.kill('SIGQUIT'); }) };
}

/** A logged-in client: cookie session plus its CSRF token. */
export async function login(base, loginName, password, address = '127.0.0.1') {
  const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', body: JSON.stringify({ login: loginName, password }),
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address } });
  const body = await r.json();
  if (r.status !== 200) return { status: r.status, body };
  const cookie = r.headers.get('set-cookie').split(';')[0];
  return { status: 200, cookie, csrf: body.csrf_token, user: body.user };
}

export async function call(base, session, method, path, body) {
  const headers = { 'content-type': 'application/json' };
  if (session) { headers.cookie = session.cookie; headers['x-csrf-token'] = session.csrf; }
  const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text };
}

/**
 * A fresh database for one test file: a SQLite file, or with
 * SERVITOR_TEST_DB=postgres a throw-away PostgreSQL server.
 */
export function testDb() {
  if (process.env.SERVITOR_TEST_DB === 'postgres') {
    const pg = pgStart();
    return { url: pg.url, kind: 'postgres', stop: () => pg.stop() };
  }
  const dir = tempDir('svdb-');
  return { url: join(dir, 'servitor.db'), kind: 'sqlite', stop: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A branch whose calendar is open round the clock (business minutes are
 * wall-clock minutes, so SLA tests do not depend on the hour); its id. */
export async function roundTheClockBranch(base, admin, name = 'Дежурный сервис 24/7') {
  const h = '00:00-24:00';
  const cal = await call(base, admin, 'POST', '/api/v1/business_calendars', { name: `Круглосуточно: ${name}`, timezone: 'Europe/Moscow',
    hours_mon: h, hours_tue: h, hours_wed: h, hours_thu: h, hours_fri: h, hours_sat: h, hours_sun: h });
  if (cal.status !== 201) throw new Error(`calendar: ${cal.text}`);
  const br = await call(base, admin, 'POST', '/api/v1/branches', { name, calendar_id: cal.json.id });
  if (br.status !== 201) throw new Error(`branch: ${br.text}`);
  return br.json.id;
}

/**
 * The test clock of a server started with SERVITOR_TEST_CLOCK=1:
 * testClock(base, {now: ISO}) stops it there, {advance: seconds} moves it on;
 * answers {now, unix}.
 */
export async function testClock(base, body) {
  const r = await call(base, null, 'POST', '/test/clock', body);
  if (r.status !== 200) throw new Error(`test clock: ${r.status} ${r.text}`);
  return r.json;
}

/** Runs a job of such a server now; resolves once what it wrote is durable. */
export async function runJob(base, name) {
  const r = await call(base, null, 'POST', '/test/jobs/run', { name });
  if (r.status !== 200 || !r.json.ran) throw new Error(`job ${name}: ${r.status} ${r.text}`);
  return r.json;
}

/** The environment of a server whose clock and jobs a test drives. */
export const TEST_CLOCK_ENV = { SERVITOR_TEST_CLOCK: '1', SERVITOR_JOB_TICK: '3600' };
