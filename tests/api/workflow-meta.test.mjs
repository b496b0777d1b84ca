// workflow-meta.test.mjs — /api/v1/meta publishes each workflow (its states
// with their category, its transitions), and what it says is what the server
// does: the open states are the ones the "mine" counter and the list count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDb, run, serve, login, call } from '../lib.mjs';

let db, srv, mgr, meta;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '10', '--requests', '20', '--db', db.url]);
  srv = await serve(db.url);
  mgr = await login(srv.base, 'manager', 'demo12345', '10.97.0.1');
  meta = (await call(srv.base, mgr, 'GET', '/api/v1/meta')).json;
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

const requests = () => meta.entities.find((e) => e.name === 'requests');

test('meta publishes the request workflow: states with categories, transitions between them', () => {
  const wf = requests().workflow;
  assert.ok(wf, 'requests have a workflow');
  assert.equal(wf.field, 'status');
  const names = wf.states.map((s) => s.name);
  const field = requests().fields.find((f) => f.name === 'status');
  assert.deepEqual(names, field.enum, 'the states are the status values, in order');
  assert.equal(new Set(names).size, names.length);
  for (const s of wf.states) assert.ok(['open', 'closed'].includes(s.category), s.name);
  const open = wf.states.filter((s) => s.category === 'open').map((s) => s.name);
  assert.ok(open.includes('new') && open.includes('waiting_client'));
  assert.ok(!open.includes('closed') && !open.includes('cancelled') && !open.includes('resolved'));
  const tnames = wf.transitions.map((t) => t.name);
  assert.equal(new Set(tnames).size, tnames.length, 'transition names are unique');
  for (const t of wf.transitions) {
    assert.ok(names.includes(t.to), `${t.name} leads to a state`);
    assert.ok(t.from.length > 0 && t.from.every((s) => names.includes(s)), `${t.name} starts from states`);
    assert.match(t.label, /^transition\./);
  }
  assert.deepEqual(wf.transitions.find((t) => t.name === 'close').from, ['resolved']);
  // entities without a workflow publish none
  assert.equal(meta.entities.find((e) => e.name === 'clients').workflow, undefined);
});

test('the published categories are what the server counts as open', async () => {
  const wf = requests().workflow;
  const isOpen = Object.fromEntries(wf.states.map((s) => [s.name, s.category === 'open']));
  const openList = wf.states.filter((s) => s.category === 'open').map((s) => s.name).join(',');
  const me = mgr.user.id;
  const mine = async () => (await call(srv.base, mgr, 'GET', '/api/v1/desk/counters')).json.mine_open;
  const listed = async () => {
    let n = 0;
    for (let cursor = null, first = true; first || cursor; first = false) {
      const p = await call(srv.base, mgr, 'GET',
        `/api/v1/requests?assignee_id=${me}&status=${openList}&limit=200${cursor ? '&cursor=' + cursor : ''}`);
      assert.equal(p.status, 200, p.text);
      n += p.json.items.length;
      cursor = p.json.next_cursor;
    }
    return n;
  };
  const base = await mine();
  assert.equal(await listed(), base, 'the open list and the counter agree');
  let r = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Категории состояний', assignee_id: me })).json;
  const seen = new Set([r.status]);
  assert.equal(await mine(), base + (isOpen[r.status] ? 1 : 0), r.status);
  // walk: start → wait for the client → resume → resolve → close
  for (const step of ['start', 'wait_client', 'resume', 'resolve', 'close']) {
    const t = wf.transitions.find((x) => x.name === step);
    assert.ok(t.from.includes(r.status), `${step} from ${r.status} as meta says`);
    const res = await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/${step}`, { version: r.version });
    assert.equal(res.status, 200, res.text);
    r = res.json;
    assert.equal(r.status, t.to, `${step} leads where meta says`);
    seen.add(r.status);
    assert.equal(await mine(), base + (isOpen[r.status] ? 1 : 0), `counted in ${r.status}`);
    assert.equal(await listed(), await mine(), `listed in ${r.status}`);
  }
  assert.ok([...seen].some((s) => isOpen[s]) && [...seen].some((s) => !isOpen[s]), 'both categories walked');
});
