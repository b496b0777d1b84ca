// stock.test.mjs — the warehouse on PostgreSQL with several processes: the
// race for the last items is decided by the database (a balance row is
// locked before it is read), not by one process's memory — 32 reservations
// of 1 at a stock of 10 sent through nginx to two processes give exactly 10
// successes; concurrent issues and transfers between two warehouses leave
// balances that `servitor stock verify` agrees with.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pgStart, serve, nginx, login, call, run } from '../lib.mjs';
import { execFileSync } from 'node:child_process';
import { BIN } from '../lib.mjs';

let pg, a, b, proxy, admin, whs;
const U = 1000;

before(async () => {
  pg = pgStart();
  run(['demo', '--scale', '10', '--db', pg.url]);
  a = await serve(pg.url);
  b = await serve(pg.url);
  proxy = await nginx([a.port, b.port]);
  admin = await login(proxy.base, 'admin', 'admin12345', '10.9.0.1');
  whs = (await call(proxy.base, admin, 'GET', '/api/v1/warehouses?sort=id')).json.items;
});

after(async () => {
  await proxy?.stop();
  await a?.stop();
  await b?.stop();
  pg?.stop();
});

async function part(stock) {
  const p = await call(proxy.base, admin, 'POST', '/api/v1/parts', { sku: 'PG-' + Math.random().toString(36).slice(2), name: 'Гонка' });
  assert.equal(p.status, 201, p.text);
  for (const [w, qty] of stock) {
    const r = await call(proxy.base, admin, 'POST', '/api/v1/stock/postings', { kind: 'receipt', warehouse_id: w.id, lines: [{ part_id: p.json.id, qty, unit_cost: 1000 }] });
    assert.equal(r.status, 201, r.text);
  }
  return p.json;
}

test('32 reservations of 1 at a stock of 10 across two processes: exactly 10 succeed, 22 get 409 with available 0', async () => {
  const p = await part([[whs[0], 10 * U]]);
  const req = await call(proxy.base, admin, 'POST', '/api/v1/requests', { subject: 'Гонка за деталью', channel: 'api' });
  // half straight to each process, half through nginx
  const bases = [a.base, b.base, proxy.base];
  const rs = await Promise.all(Array.from({ length: 32 }, (_, i) => call(bases[i % 3], admin, 'POST', '/api/v1/stock/reserve',
    { doc_kind: 'request', doc_id: req.json.id, part_id: p.id, warehouse_id: whs[0].id, qty: U })));
  const statuses = rs.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 201).length, 10, statuses.join(','));
  assert.equal(statuses.filter((s) => s === 409).length, 22, statuses.join(','));
  for (const r of rs.filter((x) => x.status === 409)) {
    assert.equal(r.json.error.code, 'conflict');
    assert.deepEqual(r.json.error.fields, { qty: 'insufficient', available: '0' });
  }
  const page = await call(a.base, admin, 'GET', `/api/v1/parts/${p.id}/stock`);
  const s = page.json.stock.find((x) => x.warehouse_id === whs[0].id);
  assert.deepEqual([s.on_hand, s.reserved, s.available], [10 * U, 10 * U, 0]);
  assert.equal(page.json.reservations.reduce((n, r) => n + r.qty, 0), 10 * U);
});

test('concurrent sales and transfers both ways on two processes: never below zero, and the ledger agrees', async () => {
  const p = await part([[whs[0], 20 * U], [whs[1], 20 * U]]);
  const ops = Array.from({ length: 48 }, (_, i) => {
    const from = whs[i % 2], to = whs[(i + 1) % 2];
    const base = i % 3 === 0 ? a.base : i % 3 === 1 ? b.base : proxy.base;
    const body = i % 4 < 2
      ? { kind: 'transfer', warehouse_id: from.id, to_warehouse_id: to.id, lines: [{ part_id: p.id, qty: U }] }
      : { kind: 'sale', warehouse_id: from.id, lines: [{ part_id: p.id, qty: 2 * U }] };
    return call(base, admin, 'POST', '/api/v1/stock/postings', body);
  });
  const rs = await Promise.all(ops);
  for (const r of rs) assert.ok(r.status === 201 || r.status === 409, `${r.status} ${r.text}`);
  const sold = rs.filter((r) => r.status === 201 && r.json.kind === 'sale').length;
  const moved = rs.filter((r) => r.status === 201 && r.json.kind === 'transfer');
  for (const t of moved) assert.equal((await call(proxy.base, admin, 'POST', `/api/v1/stock/postings/${t.json.id}/receive`, {})).status, 200);
  const page = await call(proxy.base, admin, 'GET', `/api/v1/parts/${p.id}/stock`);
  const total = page.json.stock.reduce((n, s) => n + s.on_hand, 0);
  assert.equal(total, 40 * U - sold * 2 * U, 'transfers move, sales take');
  for (const s of page.json.stock) assert.ok(s.on_hand >= 0 && s.in_transit === 0, JSON.stringify(s));
  const out = execFileSync(BIN, ['stock', 'verify', '--db', pg.url], { encoding: 'utf8', env: process.env });
  assert.match(out, /stock agrees with the ledger/);
});
