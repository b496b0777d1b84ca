// kill9-lib.mjs — kill -9 rounds under concurrent writers: in each round 12
// writers create requests, comment on them and attach files against the real
// binary; the server is killed with SIGKILL in the middle of it and started
// again. After every kill: `servitor audit verify` passes; after every restart:
// every write that was answered 201 is there (requests with their numbers,
// comments on the timeline, files with their bytes), request numbers are
// unique and gapless, and the search index has every request (found by a word
// of its subject).
//
//   const r = await kill9Rounds({ rounds: 2, perRound: 60 });
//   r.rounds, r.requests, r.comments, r.attachments, r.failures
//
// SERVITOR_TEST_DB=postgres runs it on a throw-away PostgreSQL server.
import { createHash } from 'node:crypto';
import { makeDb, runCli, startServe, client, nextAddr } from '../api/harness.mjs';

const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function kill9Rounds({ rounds = 2, writers = 12, perRound = 60, log = () => {} } = {}) {
  const db = await makeDb();
  const failures = [];
  const answered = { requests: [], comments: [], attachments: [] };
  let srv = null;
  let checks = 0;
  try {
    const demo = runCli(['demo', '--scale', '5', '--requests', '0', '--db', db.url]);
    if (demo.status !== 0) throw new Error(`demo: ${demo.stderr}`);
    for (let round = 1; round <= rounds; round++) {
      srv = await startServe(db.url, { args: ['--threads', '8'], env: { SERVITOR_JOB_TICK: '3600' } });
      const api = client(srv.base);
      const mgr = await api.login('manager', 'demo12345', { addr: nextAddr() });
      if (mgr.status !== 200) throw new Error(`login: ${mgr.text}`);
      if (round > 1) { await verify(api, mgr, round); checks++; }

      // the load
      let stop = false;
      let made = 0;
      const worker = async (w) => {
        const mine = [];
        for (let i = 0; !stop; i++) {
          try {
            const word = `kz${round}w${w}n${i}q`;
            const r = await api.request('POST', '/api/v1/requests', { as: mgr, body: { subject: `Убийство ${word} раунд`, channel: 'api' } });
            if (r.status === 201) { answered.requests.push({ ...r.json, word }); mine.push(r.json); made++; }
            else if (!stop) failures.push({ round, what: `create answered ${r.status}: ${r.text.slice(0, 200)}` });
            const target = mine[(i * 7) % mine.length];
            if (target && i % 2 === 0) {
              const body = `Комментарий ${word} к ${target.number}`;
              const c = await api.request('POST', `/api/v1/requests/${target.id}/comments`, { as: mgr, body: { body, public: i % 4 === 0 } });
              if (c.status === 201) answered.comments.push({ request: target.id, body });
              else if (!stop) failures.push({ round, what: `comment answered ${c.status}: ${c.text.slice(0, 200)}` });
            }
            if (target && i % 3 === 1) {
              const bytes = Buffer.from(`файл ${word}\n`.repeat(50 + (i % 50)));
              const a = await api.request('POST', `/api/v1/requests/${target.id}/attachments?name=${word}.txt`, { as: mgr, raw: bytes, headers: { 'content-type': 'application/octet-stream' } });
              if (a.status === 201) answered.attachments.push({ request: target.id, id: a.json.id, sha: sha256(bytes) });
              else if (!stop) failures.push({ round, what: `attach answered ${a.status}: ${a.text.slice(0, 200)}` });
            }
          } catch (e) {
            if (!stop) failures.push({ round, what: `writer ${w}: ${e.message}` });
            return;
          }
        }
      };
      const load = Array.from({ length: writers }, (_, w) => worker(w));
      const t0 = Date.now();
      while (made < perRound && Date.now() - t0 < 60000) await sleep(10);
      await sleep(Math.floor(Math.random() * 30)); // somewhere in the middle of what is in flight
      stop = true;
      srv.proc.kill('SIGKILL');
      await Promise.allSettled(load);
      await new Promise((r) => (srv.proc.exitCode !== null || srv.proc.signalCode ? r() : srv.proc.once('exit', r)));
      await srv.stop();
      srv = null;
      const v = runCli(['audit', 'verify', '--db', db.url]);
      if (v.status !== 0) failures.push({ round, what: `audit verify after the kill: ${v.status} ${v.stdout} ${v.stderr}` });
      log(`round ${round}: killed after ${made} requests answered in ${Date.now() - t0} ms`);
    }
    srv = await startServe(db.url, { env: { SERVITOR_JOB_TICK: '3600' } });
    const api = client(srv.base);
    const mgr = await api.login('manager', 'demo12345', { addr: nextAddr() });
    await verify(api, mgr, rounds + 1);
    checks++;
  } finally {
    await srv?.stop();
    db.cleanup();
  }
  return { rounds, checks, requests: answered.requests.length, comments: answered.comments.length, attachments: answered.attachments.length, failures, db: db.kind };

  async function verify(api, as, round) {
    const fail = (what) => failures.push({ round, what });
    // every request, by the list
    const all = [];
    let cursor = null;
    do {
      const p = await api.request('GET', `/api/v1/requests?limit=200&sort=id${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`, { as });
      if (p.status !== 200) { fail(`list: ${p.status} ${p.text.slice(0, 200)}`); return; }
      all.push(...p.json.items);
      cursor = p.json.next_cursor;
    } while (cursor);
    const byId = new Map(all.map((r) => [r.id, r]));
    for (const r of answered.requests) {
      if (!byId.has(r.id)) fail(`request ${r.number} (id ${r.id}) was answered 201 and is gone`);
      else if (byId.get(r.id).number !== r.number) fail(`request ${r.id}: number ${byId.get(r.id).number}, answered ${r.number}`);
    }
    const numbers = all.map((r) => r.number);
    if (new Set(numbers).size !== numbers.length) fail('request numbers repeat');
    const byYear = {};
    for (const n of numbers) { const [, y, s] = /-(\d{4})-(\d+)$/.exec(n) ?? []; (byYear[y] ||= []).push(Number(s)); }
    for (const [y, seqs] of Object.entries(byYear)) {
      seqs.sort((a, b) => a - b);
      seqs.forEach((n, i) => { if (n !== i + 1) fail(`numbers of ${y} are not gapless at ${i + 1}: ${n}`); });
    }
    // comments on the timeline
    const timelines = new Map();
    for (const c of answered.comments) {
      if (!timelines.has(c.request)) {
        const t = await api.request('GET', `/api/v1/requests/${c.request}/timeline`, { as });
        timelines.set(c.request, new Set((t.json?.items ?? []).map((e) => e.body)));
      }
      if (!timelines.get(c.request).has(c.body)) fail(`comment "${c.body}" was answered 201 and is gone`);
    }
    // files with their bytes
    for (const a of answered.attachments) {
      const r = await fetch(`${api.base}/api/v1/attachments/${a.id}`, { headers: { cookie: as.cookie, 'x-forwarded-for': as.addr } });
      const bytes = Buffer.from(await r.arrayBuffer());
      if (r.status !== 200) fail(`attachment ${a.id} was answered 201 and answers ${r.status}`);
      else if (sha256(bytes) !== a.sha) fail(`attachment ${a.id}: other bytes than were sent`);
    }
    // the search index: every request by a word of its subject
    for (const r of answered.requests) {
      const s = await api.request('GET', `/api/v1/requests?q=${r.word}&limit=5`, { as });
      if (s.status !== 200 || !s.json.items.some((x) => x.id === r.id)) fail(`request ${r.number} is not found by "${r.word}": ${s.status}`);
    }
  }
}
