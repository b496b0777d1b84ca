// purchase-orders.test.mjs — purchase orders in headless Chromium against the
// real binary: a sent order opened and received by scanning barcodes (the
// focus stays in the scan field, each scan confirmed, expected against
// scanned per line, a code not on the order refused), posted in two goes —
// the stock and the order's status follow; a draft's lines edited and the
// order sent from its buttons; the supplier scorecard; screenshots of the
// new screens in both languages (looked at by people).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { testDb, run, serve, login, call, ROOT } from '../lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = join(ROOT, 'docs/screenshots');
const U = 1000;
let db, srv, browser, admin, wh, sup, a, b, po;
const CODE_A = '4600000000' + String(Date.now()).slice(-3);
const CODE_B = '4600000001' + String(Date.now()).slice(-3);

before(async () => {
  db = testDb();
  run(['demo', '--scale', '20', '--db', db.url]);
  srv = await serve(db.url);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  admin = await login(srv.base, 'admin', 'admin12345', '10.82.0.1');
  [wh] = (await call(srv.base, admin, 'GET', '/api/v1/warehouses?sort=id')).json.items;
  const mk = async (path, body) => {
    const r = await call(srv.base, admin, 'POST', path, body);
    assert.equal(r.status, 201, `${path}: ${r.text}`);
    return r.json;
  };
  sup = (await call(srv.base, admin, 'GET', '/api/v1/suppliers?sort=id')).json.items[0];
  a = await mk('/api/v1/parts', { sku: 'E2E-FUS-1', name: 'Фьюзер в сборе E2E', unit: 'pcs', purchase_price: 450000, sale_price: 690000, vat: '20' });
  b = await mk('/api/v1/parts', { sku: 'E2E-ROL-2', name: 'Ролик подачи E2E', unit: 'pcs', purchase_price: 30000, sale_price: 60000, vat: '20' });
  await mk('/api/v1/part_barcodes', { part_id: a.id, barcode: CODE_A });
  await mk('/api/v1/part_barcodes', { part_id: b.id, barcode: CODE_B });
  await mk('/api/v1/supplier_prices', { supplier_id: sup.id, part_id: a.id, supplier_sku: 'KS-FUS-77', price: 420000, vat_included: true });
  po = await mk('/api/v1/purchase_orders', { supplier_id: sup.id, warehouse_id: wh.id });
  const l = await call(srv.base, admin, 'POST', `/api/v1/purchase_orders/${po.id}/lines`, { version: po.version, lines: [{ part_id: a.id, qty: 3 * U }, { part_id: b.id, qty: 2 * U, price: 31000 }] });
  assert.equal(l.status, 200, l.text);
  const s = await call(srv.base, admin, 'POST', `/api/v1/purchase_orders/${po.id}/transitions/send`, { version: l.json.version });
  assert.equal(s.status, 200, s.text);
  po = s.json;
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

async function onHand(p) {
  const r = await call(srv.base, admin, 'GET', `/api/v1/parts/${p.id}/stock`);
  return (r.json.stock.find((s) => s.warehouse_id === wh.id) || { on_hand: 0 }).on_hand;
}

const focused = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);
async function scan(page, code) {
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}
const scanned = (page, part) => page.$eval(`.po-receive tr[data-part="${part.id}"] input[data-col=scanned]`, (e) => e.value);

test('receive a sent purchase order by scanning barcodes: expected against scanned, then the stock and the status change', async () => {
  const { page, errors, ctx } = await open('ru');
  const start = [await onHand(a), await onHand(b)];
  // to the order from the list
  await page.click('.sidenav a[href="#/purchase_orders"]');
  await page.waitForSelector(`a[href="#/purchase_orders/${po.id}"]`);
  await page.click(`a[href="#/purchase_orders/${po.id}"]`);
  await page.waitForSelector('[data-page=purchase-order] #scan');
  assert.equal(await page.$eval('.badge[data-status]', (e) => e.dataset.status), 'sent');
  assert.equal(await focused(page), 'scan', 'the scan field has the focus');
  // two of the fuser, one roller: each scan confirmed, the focus kept
  for (let i = 1; i <= 2; i++) {
    await scan(page, CODE_A);
    await page.waitForFunction(([id, n]) => document.querySelector(`.po-receive tr[data-part="${id}"] input[data-col=scanned]`)?.value === String(n), [a.id, i]);
    assert.equal(await page.$eval('.scan-flash', (e) => e.dataset.scan), 'ok');
    assert.equal(await focused(page), 'scan');
  }
  await scan(page, CODE_B);
  await page.waitForFunction((id) => document.querySelector(`.po-receive tr[data-part="${id}"] input[data-col=scanned]`)?.value === '1', b.id);
  assert.match(await page.textContent('.scan-flash'), /Ролик подачи E2E — 1 шт\. \/ 2 шт\./);
  // a code not on the order: refused, nothing counted
  await scan(page, '0000000000000');
  await page.waitForSelector('.scan-flash[data-scan=err]');
  assert.match(await page.textContent('.scan-flash'), /Нет в этом заказе/);
  assert.equal(await focused(page), 'scan');
  // expected against scanned
  const rowA = `.po-receive tr[data-part="${a.id}"]`;
  assert.equal(await page.$eval(rowA, (e) => e.dataset.state), 'part');
  assert.deepEqual(await page.$$eval(`${rowA} td`, (tds) => tds.slice(2, 5).map((td) => td.textContent.trim())), ['3 шт.', '0', '3']);
  await page.screenshot({ path: join(SHOTS, 'ru-po-receive.png'), fullPage: true });
  await page.click('[data-action=post-receipt]');
  await page.waitForSelector('.badge[data-status=partially_received]');
  assert.equal(await onHand(a) - start[0], 2 * U);
  assert.equal(await onHand(b) - start[1], 1 * U);
  // the rest: one fuser, one roller; the order is received
  await page.waitForFunction((id) => document.querySelector(`.po-receive tr[data-part="${id}"] td:nth-child(5)`)?.textContent.trim() === '1', a.id);
  await page.focus('#scan');
  await scan(page, CODE_A);
  await page.waitForFunction((id) => document.querySelector(`.po-receive tr[data-part="${id}"]`)?.dataset.state === 'full', a.id);
  await scan(page, CODE_B);
  await page.waitForFunction((id) => document.querySelector(`.po-receive tr[data-part="${id}"]`)?.dataset.state === 'full', b.id);
  await page.click('[data-action=post-receipt]');
  await page.waitForSelector('.badge[data-status=received]');
  assert.equal(await onHand(a) - start[0], 3 * U);
  assert.equal(await onHand(b) - start[1], 2 * U);
  // the lines now say what came, the timeline has both receipts, no more receiving
  await page.waitForSelector(`[data-section=lines] tr[data-part="${a.id}"][data-received="${3 * U}"]`);
  assert.equal(await page.$('[data-section=receive]'), null);
  assert.equal(await page.$$eval('.po-docs li[data-receipt]', (l) => l.length), 2);
  await page.waitForFunction(() => document.querySelectorAll('.req-timeline li[data-kind=receipt]').length === 2);
  await page.screenshot({ path: join(SHOTS, 'ru-po-received.png'), fullPage: true });
  // the part's movement history names the receipts
  const mv = (await call(srv.base, admin, 'GET', `/api/v1/stock/movements?doc_kind=purchase_order&doc_id=${po.id}`)).json.items;
  assert.equal(mv.length, 4);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a draft: lines added from the catalog with the supplier price, sent from its button', async () => {
  const { page, errors, ctx } = await open('en');
  const d = (await call(srv.base, admin, 'POST', '/api/v1/purchase_orders', { supplier_id: sup.id, warehouse_id: wh.id })).json;
  await page.goto(`${srv.base}/#/purchase_orders/${d.id}`);
  await page.waitForSelector('[data-section=draft-lines]');
  await page.fill('#po-add-part', 'E2E-FUS');
  await page.click('.ref-list li[role=option]:has-text("Фьюзер в сборе E2E")');
  await page.waitForSelector(`[data-section=draft-lines] tr[data-part="${a.id}"]`);
  await page.fill(`[data-section=draft-lines] tr[data-part="${a.id}"] input[data-col=qty]`, '4');
  await page.click('[data-action=save-lines]');
  await page.waitForFunction(() => document.querySelector('[data-field=total]')?.textContent.includes('16'));
  const l = (await call(srv.base, admin, 'GET', `/api/v1/purchase_orders/${d.id}/lines`)).json.items;
  assert.deepEqual(l.map((x) => [x.part_id, x.qty, x.price, x.supplier_sku]), [[a.id, 4 * U, 420000, 'KS-FUS-77']]);
  await page.screenshot({ path: join(SHOTS, 'en-po-draft.png'), fullPage: true });
  await page.click('[data-transition=send]');
  await page.waitForSelector('.badge[data-status=sent]');
  await page.waitForSelector('[data-page=purchase-order] #scan');
  await page.screenshot({ path: join(SHOTS, 'en-po-receive.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('screens: the orders list, the supplier scorecard, a return to the supplier (ru, en)', async () => {
  for (const lang of ['ru', 'en']) {
    const { page, errors, ctx } = await open(lang);
    await page.goto(`${srv.base}/#/purchase_orders`);
    await page.waitForSelector('table tbody tr');
    await page.screenshot({ path: join(SHOTS, `${lang}-purchase-orders.png`) });
    await page.goto(`${srv.base}/#/suppliers/${sup.id}`);
    await page.waitForSelector('[data-section=scorecard] .score-tile');
    await page.$eval('[data-section=scorecard]', (e) => e.scrollIntoView());
    await page.screenshot({ path: join(SHOTS, `${lang}-supplier-scorecard.png`) });
    await page.goto(`${srv.base}/#/purchase_orders/${po.id}`);
    await page.waitForSelector('[data-action=new-return]');
    await page.click('[data-action=new-return]');
    await page.waitForSelector('[data-page=supplier-return] #scan');
    await scan(page, CODE_B);
    await page.waitForSelector(`[data-section=return-lines] tr[data-part="${b.id}"]`);
    await page.screenshot({ path: join(SHOTS, `${lang}-supplier-return.png`) });
    if (lang === 'ru') {
      const was = await onHand(b);
      await page.click('[data-action=post-return]');
      await page.waitForSelector('[data-section=return-posted]');
      assert.equal(await onHand(b), was - U);
    }
    assert.deepEqual(errors, []);
    await ctx.close();
  }
});
