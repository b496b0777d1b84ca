// durability.test.mjs — an answered create is on disk: the server is killed
// (SIGKILL) in the middle of concurrent creates, and after a restart every
// request it answered 201 for is there, numbers still gapless, the audit
// chain whole. On SQLite this is what the group commit must keep: a request
// is answered only after its batch is committed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDb, run, serve, login, call } from '../lib.mjs';

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
