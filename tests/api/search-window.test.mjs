// search-window.test.mjs — a search in the default order pages through every
// match exactly once, newest first, whether the matches are among the newest
// rows or far behind them. On PostgreSQL the first search looks at a window
// of the newest rows (made 7 rows here) and searches again without it when
// the window holds no full page; SQLite walks its FTS index in order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDb, run, serve, login, call } from '../lib.mjs';

let db, srv, mgr;
const rare = [], common = [], ordinary = [];

before(async () => {
  db = testDb();
  run(['demo', '--scale', '1', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url, [], { SERVITOR_SEARCH_WINDOW: '7' });
  mgr = await login(srv.base, 'manager', 'demo12345', '10.66.0.1');
  const mk = async (name) => (await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'person', name })).json.id;
  // the rare word only far back, behind many newer rows
  for (let i = 0; i < 23; i++) rare.push(await mk(`Редкостный Клиент ${i}`));
  for (let i = 0; i < 40; i++) {
    const id = await mk(`Обычный Клиент ${i}`);
    ordinary.push(id);
    if (i % 2 === 0) common.push(id);
  }
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

async function pages(q, limit) {
  const seen = [];
  let cursor = null, n = 0;
  do {
    const r = await call(srv.base, mgr, 'GET', `/api/v1/clients?q=${encodeURIComponent(q)}&limit=${limit}${cursor ? '&cursor=' + cursor : ''}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length <= limit);
    seen.push(...r.json.items.map((c) => c.id));
    cursor = r.json.next_cursor;
    assert.ok(++n < 100, 'pages end');
  } while (cursor);
  return seen;
}

test('matches far behind the newest rows are all found, page by page, newest first', async () => {
  for (const limit of [5, 10, 50]) {
    const got = await pages('редкостный', limit);
    assert.deepEqual(got, [...rare].reverse(), `limit ${limit}`);
  }
});

test('a common word pages through its matches once, newest first', async () => {
  const want = [...common, ...rare].filter((id) => common.includes(id)).sort((a, b) => b - a);
  // "обычный клиент 0, 2, 4…": the even ones carry an even last digit; search the first word
  const all = await pages('обычный', 4);
  const byName = (await call(srv.base, mgr, 'GET', '/api/v1/clients?q=' + encodeURIComponent('обычный') + '&limit=200')).json.items.map((c) => c.id);
  assert.deepEqual(all, byName, 'paged = one big page');
  assert.equal(new Set(all).size, all.length, 'no row twice');
  assert.equal(all.length, 40);
  assert.ok(want.every((id) => all.includes(id)));
  assert.deepEqual(all, [...all].sort((a, b) => b - a), 'newest first');
});

test('a word nobody has finds nothing, and two words must both match', async () => {
  assert.deepEqual(await pages('несуществующийслово', 10), []);
  assert.deepEqual(await pages('редкостный обычный', 10), []);
  // the demo's own client may carry the word too: ours must all be there, once
  const all = await pages('клиент', 10);
  assert.equal(new Set(all).size, all.length);
  assert.ok([...rare, ...ordinary].every((id) => all.includes(id)));
});
