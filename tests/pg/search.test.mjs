// search.test.mjs — PostgreSQL's own full-text search behind the same API:
// Russian word forms match, prefixes and ё/е work as on SQLite; bad URLs fail
// clearly at start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { pgStart, run, serve, login, call, BIN } from '../lib.mjs';

let pg, srv, s;

before(async () => {
  pg = pgStart();
  run(['demo', '--scale', '5', '--requests', '0', '--db', pg.url]);
  srv = await serve(pg.url);
  s = await login(srv.base, 'manager', 'demo12345', '10.50.0.1');
});

after(async () => {
  await srv?.stop();
  pg?.stop();
});

test('Russian word forms find each other; prefixes and ё/е as on SQLite', async () => {
  const c = await call(srv.base, s, 'POST', '/api/v1/clients', { kind: 'company', name: 'ООО «Принтер-Сервис»', notes: 'Обслуживаем ёмкости и кофемашины' });
  assert.equal(c.status, 201);
  for (const q of ['принтеры', 'принтеров', 'принт', 'емкость', 'ЁМКОСТЯМИ', 'кофемашинами', 'сервисы'])
    assert.ok((await call(srv.base, s, 'GET', `/api/v1/clients?q=${encodeURIComponent(q)}`)).json.items.some((x) => x.id === c.json.id), q);
  assert.equal((await call(srv.base, s, 'GET', `/api/v1/clients?q=${encodeURIComponent('принтеры холодильники')}`)).json.items.length, 0);
  const odd = await call(srv.base, s, 'GET', `/api/v1/clients?q=${encodeURIComponent("a' & ! | ( ) :* <-> \\")}`);
  assert.equal(odd.status, 200, 'tsquery syntax in the input is just text');
});

test('a wrong URL or wrong credentials at start: a clear message and a non-zero exit, no crash', () => {
  for (const url of ['postgresql:///servitor?host=/nonexistent&port=1', pg.url.replace('user=servitor', 'user=nobody')]) {
    let e = null;
    try { execFileSync(BIN, ['migrate', '--db', url], { stdio: 'pipe' }); } catch (x) { e = x; }
    assert.ok(e, url);
    assert.equal(e.status, 1);
    assert.match(String(e.stderr), /cannot connect to PostgreSQL/);
  }
});
