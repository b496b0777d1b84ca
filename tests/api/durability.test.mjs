// durability.test.mjs — an answered create is on disk: the server is killed
// (SIGKILL) in the middle of concurrent creates, and after a restart every
// request it answered 201 for is there, numbers still gapless, the audit
// chain whole. On SQLite this is what the group commit must keep: a request
// is answered only after its batch is committed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testDb, run, serve, login, call, freePort, waitFor, tempDir, BIN } from '../lib.mjs';

let db, srv;

after(async () => {
  await srv?.stop();
  db?.stop();
});

test('killed under load, the server loses no answered request; the group commit is visible in /metrics', async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url, ['--threads', '8']);
  const mgr = await login(srv.base, 'manager', 'demo12345', '10.77.0.1');
  const answered = [];
  let stop = false;
  const worker = async (w) => {
    for (let i = 0; !stop; i++) {
      try {
        const r = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: `Прочность ${w}-${i}`, channel: 'api' });
        if (r.status === 201) answered.push(r.json);
        else assert.fail(`unexpected ${r.status}: ${r.text}`);
      } catch (e) {
        if (!stop) throw e; // a connection cut by the kill is expected only after it
        return;
      }
    }
  };
  const load = Array.from({ length: 16 }, (_, w) => worker(w));
  while (answered.length < 150) await new Promise((r) => setTimeout(r, 20));
  if (db.url.startsWith('postgres') === false) {
    const metrics = await (await fetch(srv.base + '/metrics')).text();
    const commits = Number(/servitor_group_commits_total (\d+)/.exec(metrics)[1]);
    const carried = Number(/servitor_group_requests_total (\d+)/.exec(metrics)[1]);
    assert.ok(carried >= 150, `${carried} requests went through the group`);
    assert.ok(commits < carried, `requests shared commits: ${commits} commits for ${carried}`);
  }
  stop = true;
  srv.proc.kill('SIGKILL');
  await Promise.allSettled(load);
  await new Promise((r) => srv.proc.exitCode !== null || srv.proc.signalCode ? r() : srv.proc.on('exit', r));

  srv = await serve(db.url);
  const again = await login(srv.base, 'manager', 'demo12345', '10.77.0.2');
  const all = [];
  for (let cursor = null, first = true; first || cursor; first = false) {
    const p = await call(srv.base, again, 'GET', `/api/v1/requests?limit=200&sort=id${cursor ? '&cursor=' + cursor : ''}`);
    all.push(...p.json.items);
    cursor = p.json.next_cursor;
  }
  const stored = new Map(all.map((r) => [r.id, r]));
  for (const r of answered) {
    assert.ok(stored.has(r.id), `request ${r.number} was answered 201 and must survive`);
    assert.equal(stored.get(r.id).number, r.number);
  }
  const seq = all.map((r) => Number(r.number.slice(-6))).sort((a, b) => a - b);
  seq.forEach((n, i) => assert.equal(n, i + 1, 'numbers stay gapless'));
  const verify = run(['audit', 'verify', '--db', db.url]);
  assert.match(verify, /ok|intact|verified/i);
});

// The order of the system calls is the proof that an attachment survives a
// power cut: its bytes synced, renamed into place, its directory synced (and
// the directory made for it synced into its parent) — all before the row that
// points to it is committed (on SQLite: before the WAL is synced for it).
const hasStrace = spawnSync('strace', ['-o', '/dev/null', 'true']).status === 0;
test('an attachment is synced with its directory before its row commits (strace)', { skip: !hasStrace && 'no strace' }, async () => {
  const adb = testDb();
  const dir = tempDir('svstrace-');
  const files = join(dir, 'files'), log = join(dir, 'strace.log');
  try {
    run(['demo', '--scale', '2', '--requests', '0', '--db', adb.url]);
    const port = await freePort();
    const p = spawn('strace', ['-f', '-y', '-qq', '-o', log, '-e', 'trace=mkdir,mkdirat,rename,renameat,renameat2,fsync,fdatasync',
      BIN, 'serve', '--listen', `127.0.0.1:${port}`, '--db', adb.url, '--files', files, '--trust-proxy'],
    // LeakSanitizer cannot run under ptrace (the sanitizer build's run): leaks are the other tests' to find
    { env: { ...process.env, SERVITOR_PWHASH: 'fast', ASAN_OPTIONS: `${process.env.ASAN_OPTIONS || ''}:detect_leaks=0` }, stdio: 'ignore' });
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitFor(`${base}/healthz`, 30000);
      const mgr = await login(base, 'manager', 'demo12345', '10.77.1.1');
      const req = (await call(base, mgr, 'POST', '/api/v1/requests', { subject: 'Файл и питание' })).json;
      const r = await fetch(`${base}/api/v1/requests/${req.id}/attachments?name=akt.pdf`, {
        method: 'POST', body: Buffer.from('%PDF-1.4 power cut\n'),
        headers: { cookie: mgr.cookie, 'x-csrf-token': mgr.csrf, 'content-type': 'application/octet-stream' } });
      assert.equal(r.status, 201);
      const { sha256: sha } = await r.json();
      const shard = join(files, sha.slice(0, 2));
      // strace blocks fatal signals while it writes to a file: stop the server itself
      const child = Number(spawnSync('pgrep', ['-P', String(p.pid)], { encoding: 'utf8' }).stdout.trim());
      assert.ok(child > 0, 'the traced server');
      await new Promise((res) => { p.on('exit', res); process.kill(child, 'SIGTERM'); });
      // with several threads strace may split a call over two lines ("<unfinished ...>",
      // "<... resumed>"): each call is matched by its name and arguments, on its first line
      const lines = readFileSync(log, 'utf8').split('\n');
      const at = (re, from = 0) => { const i = lines.findIndex((l, k) => k >= from && re.test(l)); return i; };
      const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const made = at(new RegExp(`mkdir\\("${esc(shard)}"`));
      assert.ok(made >= 0, 'the shard directory is made');
      assert.ok(at(new RegExp(`fsync\\(\\d+<${esc(files)}>`), made) > made, 'the new directory is synced into its parent');
      const renamed = at(new RegExp(`rename\\("${esc(shard)}/${sha}\\.[^"]+", "${esc(shard)}/${sha}"`));
      assert.ok(renamed > made, 'the file is renamed into place from a temporary name of its own');
      const fileSync = lines.slice(made, renamed).some((l) => new RegExp(`f(data)?sync\\(\\d+<${esc(shard)}/${sha}\\.[^>]+>`).test(l));
      assert.ok(fileSync, 'the bytes are synced before the rename');
      const dirSync = at(new RegExp(`fsync\\(\\d+<${esc(shard)}>`), renamed);
      assert.ok(dirSync > renamed, 'the directory is synced after the rename');
      if (adb.kind === 'sqlite') {
        const commit = at(/f(data)?sync\(\d+<[^>]*servitor\.db-wal>/, renamed);
        assert.ok(commit > dirSync, 'the row is committed only after that');
      }
    } finally {
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    }
  } finally {
    adb.stop();
    spawnSync('rm', ['-rf', dir]);
  }
});
