// stock.test.mjs — the warehouse in headless Chromium against the real binary:
// goods received by scanning barcodes (the focus stays in the scan field, each
// scan confirmed), a part found for a client's unit by its model, reserved for
// the unit's request, issued — and the stock and the movement history follow;
// a stock count scanned; the new screens in both languages (screenshots looked
// at by people).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { testDb, run, serve, login, call, ROOT } from '../lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = join(ROOT, 'docs/screenshots');
let db, srv, browser, admin, part, wh, wh2, unit, req, model;
const DRUM = '4960999988828'; // the demo's Kyocera DK-1150 drum unit

before(async () => {
  db = testDb();
  run(['demo', '--scale', '20', '--db', db.url]);
  srv = await serve(db.url);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  admin = await login(srv.base, 'admin', 'admin12345', '10.81.0.1');
  [wh, wh2] = (await call(srv.base, admin, 'GET', '/api/v1/warehouses?sort=id')).json.items;
  part = (await call(srv.base, admin, 'GET', '/api/v1/parts?sku=DK-1150')).json.items[0];
  assert.ok(part, 'the demo catalog has DK-1150');
  model = (await call(srv.base, admin, 'GET', `/api/v1/equipment_models?q=${encodeURIComponent('ECOSYS M2040dn')}`)).json.items[0];
  const client = await call(srv.base, admin, 'POST', '/api/v1/clients', { kind: 'company', name: 'ООО «Печатный двор»' });
  unit = (await call(srv.base, admin, 'POST', '/api/v1/equipment_units', { model_id: model.id, serial: 'KM-E2E-001', client_id: client.json.id })).json;
  req = (await call(srv.base, admin, 'POST', '/api/v1/requests', { subject: 'Бледная печать, полосы', channel: 'phone', client_id: client.json.id, unit_id: unit.id })).json;
  assert.ok(req.number);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  db?.stop();
});

async function open(lang, who = 'store') {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: lang === 'en' ? 'en-US' : 'ru-RU' });
  await ctx.addInitScript((l) => localStorage.setItem('servitor.lang', l), lang);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.base + '/');
  await page.fill('#login-login', who);
  await page.fill('#login-password', who === 'admin' ? 'admin12345' : 'demo12345');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.sidenav');
  return { page, errors, ctx };
}

async function stockOf(w) {
  const r = await call(srv.base, admin, 'GET', `/api/v1/parts/${part.id}/stock`);
  return r.json.stock.find((s) => s.warehouse_id === w.id);
}

const focused = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

async function scan(page, code) {
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

test('receive by scanning, find the part for a unit by its model, reserve it, issue it: stock and history follow', async () => {
  const { page, errors, ctx } = await open('ru');
  const start = await stockOf(wh);

  // receipt: the scan field has the focus and keeps it; each scan is confirmed
  await page.click('.sidenav a[href="#/stock_receipt"]');
  await page.waitForSelector('[data-page=receipt] #scan');
  await page.selectOption('#rc-wh', String(wh.id));
  await page.focus('#scan');
  for (let i = 0; i < 3; i++) {
    await scan(page, DRUM);
    await page.waitForFunction((n) => {
      const q = document.querySelector('.receipt-lines tr[data-part] input[data-col=qty]');
      return q && q.value === String(n);
    }, i + 1);
    assert.equal(await focused(page), 'scan', 'the focus stays in the scan field');
  }
  assert.equal(await page.getAttribute('.scan-flash', 'data-scan'), 'ok');
  assert.match(await page.textContent('.scan-flash'), /DK-1150.*3 шт\./);
  await scan(page, '0000000000000');
  await page.waitForSelector('.scan-flash[data-scan=err]');
  assert.match(await page.textContent('.scan-flash'), /0000000000000/);
  assert.equal(await page.locator('.receipt-lines tr[data-part]').count(), 1, 'an unknown code adds nothing');
  assert.equal(await focused(page), 'scan');
  await scan(page, DRUM);
  await page.waitForFunction(() => document.querySelector('.receipt-lines input[data-col=qty]').value === '4');
  await page.screenshot({ path: join(SHOTS, 'ru-stock-receipt.png') });
  await page.click('[data-action=post]');
  await page.waitForSelector('.banner-ok[data-posted]');
  assert.equal((await stockOf(wh)).on_hand, start.on_hand + 4000, 'four received');

  // the client's unit → find parts → compatible by the model
  await page.goto(`${srv.base}/#/equipment_units/${unit.id}`);
  await page.click('[data-action=find-parts]');
  await page.waitForSelector(`[data-page=stock-find] tr[data-part="${part.id}"]`);
  assert.match(await page.textContent('[data-model]'), /ECOSYS M2040dn/);
  assert.equal(await page.getAttribute(`tr[data-part="${part.id}"] [data-match]`, 'data-match'), 'compatible');
  // the analogs of compatible parts come too (the demo's Cactus toner for TK-1170)
  assert.ok(await page.locator('tr[data-part] [data-match=analog]').count() > 0, 'analogs are listed');
  assert.match(await page.textContent(`tr[data-part="${part.id}"] [data-warehouse="${wh.id}"]`), new RegExp(String((start.available + 4000) / 1000)));
  // words narrow it down, instantly
  await page.fill('#stock-q', 'драм');
  await page.waitForFunction((id) => [...document.querySelectorAll('.stock-found tr[data-part]')].map((r) => r.dataset.part).join() === String(id), part.id);
  await page.screenshot({ path: join(SHOTS, 'ru-stock-find.png') });

  // the part's page: reserve one for the unit's request
  await page.click(`tr[data-part="${part.id}"]`);
  await page.waitForSelector('[data-page=part] [data-section=reservations]');
  const avail = async () => page.textContent(`.stock-balances tr[data-warehouse="${wh.id}"] [data-col=available]`);
  const before = await avail();
  await page.click('[data-form=reserve] .ref-picker input');
  await page.keyboard.type(req.number);
  await page.waitForSelector('.ref-list li[role=option]');
  await page.keyboard.press('Enter');
  await page.selectOption('#res-wh', String(wh.id));
  await page.fill('#res-qty', '1');
  await page.click('[data-action=reserve]');
  const ours = `[data-section=reservations] tr[data-reservation]:has-text("#${req.id}")`;
  await page.waitForSelector(ours);
  await page.waitForFunction((b) => document.querySelector('.stock-balances tr [data-col=available]') && document.querySelector('.stock-balances tr [data-col=available]').textContent !== b, before);
  assert.equal(Number((await avail()).replace(',', '.')), Number(before.replace(',', '.')) - 1, 'one less available');
  let s = await stockOf(wh);
  assert.equal(s.reserved - start.reserved, 1000);

  // issue it: the reservation turns into an issue
  await page.click(`${ours} [data-action=issue]`);
  await page.waitForSelector(ours, { state: 'detached' });
  await page.waitForSelector('[data-section=movements] tr[data-kind=issue]');
  const first = page.locator('[data-section=movements] tbody tr').first();
  assert.equal(await first.getAttribute('data-kind'), 'issue', 'the newest movement is the issue');
  assert.match(await first.textContent(), new RegExp(`#${req.id}`));
  assert.match(await first.textContent(), /-1/);
  s = await stockOf(wh);
  assert.deepEqual([s.on_hand, s.reserved], [start.on_hand + 3000, start.reserved]);
  assert.equal(await page.locator('[data-section=movements] tr[data-kind=receipt]').count() >= 2, true, 'the demo receipt and ours');
  await page.screenshot({ path: join(SHOTS, 'ru-part.png'), fullPage: true });
  const hist = await call(srv.base, admin, 'GET', `/api/v1/stock/movements?doc_kind=request&doc_id=${req.id}`);
  assert.deepEqual(hist.json.items.map((m) => [m.kind, m.qty]), [['issue', -1000]]);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('from a request\'s page: the parts for its unit, one reserved for it at once, released again', async () => {
  const { page, errors, ctx } = await open('ru', 'manager');
  await page.goto(`${srv.base}/#/requests/${req.id}`);
  await page.click('[data-action=find-parts]');
  await page.waitForSelector('[data-section=request-reservations]');
  const toner = (await call(srv.base, admin, 'GET', '/api/v1/parts?sku=TK-1170')).json.items[0];
  const row = `tr[data-part="${toner.id}"]`;
  await page.waitForSelector(`${row} [data-action=reserve-one]`);
  await page.click(`${row} [data-action=reserve-one]`);
  await page.waitForSelector('[data-section=request-reservations] li[data-reservation]');
  assert.match(await page.textContent('[data-section=request-reservations]'), /TK-1170/);
  const held = await call(srv.base, admin, 'GET', `/api/v1/stock/reservations?doc_kind=request&doc_id=${req.id}`);
  assert.deepEqual(held.json.items.map((r) => [r.part_id, r.qty]), [[toner.id, 1000]]);
  await page.screenshot({ path: join(SHOTS, 'ru-stock-find-request.png') });
  await page.click('[data-section=request-reservations] li[data-reservation] button');
  await page.waitForSelector('[data-section=request-reservations] li[data-reservation]', { state: 'detached' });
  assert.deepEqual((await call(srv.base, admin, 'GET', `/api/v1/stock/reservations?doc_kind=request&doc_id=${req.id}`)).json.items, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('from the part\'s page: a transfer received at the other warehouse; a write-off reversed', async () => {
  const { page, errors, ctx } = await open('ru', 'admin');
  const [a0, b0] = [await stockOf(wh), await stockOf(wh2)];
  await page.goto(`${srv.base}/#/parts/${part.id}`);
  await page.waitForSelector('[data-form=post]');
  await page.selectOption('#pf-kind', 'transfer');
  await page.selectOption('#pf-wh', String(wh.id));
  await page.selectOption('#pf-to', String(wh2.id));
  await page.fill('#pf-qty', '2');
  await page.click('[data-action=post-movement]');
  await page.waitForSelector('[data-section=movements] tr[data-kind=transfer_out]');
  assert.equal((await stockOf(wh2)).in_transit, b0.in_transit + 2000);
  // a transfer to the same warehouse is refused, naming the field
  await page.selectOption('#pf-to', String(wh.id));
  await page.click('[data-action=post-movement]');
  await page.waitForSelector('[data-form=post] [role=alert]');
  assert.match(await page.textContent('[data-form=post] [role=alert]'), /Склад назначения/);
  // the other warehouse takes it in
  await page.goto(`${srv.base}/#/warehouses/${wh2.id}`);
  const ours = '[data-section=incoming] li:has-text("DK-1150")'; // the demo has a transfer on its way too
  await page.waitForSelector(`${ours} [data-action=receive]`);
  await page.click(`${ours} [data-action=receive]`);
  await page.waitForSelector(ours, { state: 'detached' });
  const b1 = await stockOf(wh2);
  assert.deepEqual([b1.on_hand, b1.in_transit], [b0.on_hand + 2000, b0.in_transit]);
  // a write-off, then its reversal from the history
  await page.goto(`${srv.base}/#/parts/${part.id}`);
  await page.waitForSelector('[data-form=post]');
  await page.selectOption('#pf-kind', 'write_off');
  await page.selectOption('#pf-wh', String(wh.id));
  await page.fill('#pf-qty', '1');
  await page.fill('#pf-reason', 'Трещина на барабане');
  await page.click('[data-action=post-movement]');
  await page.waitForSelector('[data-section=movements] tr[data-kind=write_off]');
  assert.equal((await stockOf(wh)).on_hand, a0.on_hand - 3000);
  await page.click('[data-section=movements] tr[data-kind=write_off] [data-action=reverse]');
  await page.waitForSelector('[data-section=movements] tr[data-kind=reversal]');
  assert.equal(await page.locator('[data-section=movements] tr[data-kind=write_off] [data-action=reverse]').count(), 0, 'reversed once');
  assert.equal((await stockOf(wh)).on_hand, a0.on_hand - 2000);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a stock count: started from the warehouse, scanned, differences shown with their value', async () => {
  const { page, errors, ctx } = await open('ru', 'admin');
  await page.goto(`${srv.base}/#/warehouses/${wh2.id}`);
  await page.waitForSelector('[data-page=warehouse] [data-total]');
  await page.screenshot({ path: join(SHOTS, 'ru-warehouse.png') });
  await page.click('[data-action=count]');
  await page.waitForSelector('[data-page=count] #scan');
  assert.equal(await focused(page), 'scan');
  await scan(page, DRUM);
  await page.waitForSelector('.scan-flash[data-scan=ok]');
  await page.waitForFunction((id) => {
    const r = document.querySelector(`.count-lines tr[data-part="${id}"] input[data-col=counted]`);
    return r && r.value === '1';
  }, part.id);
  // type a count for another line
  const other = page.locator('.count-lines tr.not-counted').first();
  await other.locator('input[data-col=counted]').fill('0');
  await other.locator('input[data-col=counted]').press('Tab');
  await page.waitForFunction(() => Number(document.querySelector('[data-shortage]').dataset.shortage) > 0);
  await page.screenshot({ path: join(SHOTS, 'ru-count.png'), fullPage: true });
  await page.click('[data-action=post-count]');
  await page.click('.modal .btn-danger, .modal .btn-primary');
  await page.waitForSelector('[data-status=posted]');
  const count = (await call(srv.base, admin, 'GET', '/api/v1/stock_counts?sort=-id&limit=1')).json.items[0];
  assert.equal(count.status, 'posted');
  const adj = (await call(srv.base, admin, 'GET', `/api/v1/stock/postings/${count.posting_id}`)).json;
  assert.ok(adj.movements.length > 0 && adj.movements.every((m) => m.kind === 'adjustment'));
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the warehouse screens in English', async () => {
  const { page, errors, ctx } = await open('en');
  await page.goto(`${srv.base}/#/stock?model_id=${model.id}`);
  await page.waitForSelector(`[data-page=stock-find] tr[data-part="${part.id}"]`);
  assert.match(await page.textContent('h1'), /Find parts/);
  await page.screenshot({ path: join(SHOTS, 'en-stock-find.png') });
  await page.goto(`${srv.base}/#/parts/${part.id}`);
  await page.waitForSelector('[data-page=part] [data-section=movements] tbody tr');
  assert.match(await page.textContent('[data-page=part]'), /Stock per warehouse/);
  await page.screenshot({ path: join(SHOTS, 'en-part.png'), fullPage: true });
  await page.goto(`${srv.base}/#/warehouses/${wh.id}`);
  await page.waitForSelector('[data-page=warehouse] [data-total]');
  await page.screenshot({ path: join(SHOTS, 'en-warehouse.png') });
  await page.goto(`${srv.base}/#/stock_receipt?warehouse_id=${wh.id}`);
  await page.waitForSelector('#scan');
  await scan(page, DRUM);
  await scan(page, '4960999988866');
  await page.waitForFunction(() => document.querySelectorAll('.receipt-lines tr[data-part]').length === 2);
  await page.screenshot({ path: join(SHOTS, 'en-stock-receipt.png') });
  await page.goto(`${srv.base}/#/stock_counts`);
  await page.waitForSelector('table');
  const c = (await call(srv.base, admin, 'GET', '/api/v1/stock_counts?sort=-id&limit=1')).json.items[0];
  await page.goto(`${srv.base}/#/stock_counts/${c.id}`);
  await page.waitForSelector('[data-page=count] .count-lines');
  await page.screenshot({ path: join(SHOTS, 'en-count.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await ctx.close();
});
