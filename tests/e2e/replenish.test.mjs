// replenish.test.mjs — the replenishment screen in headless Chromium against
// the real binary on demo data (two years of seasonal consumption): the
// suggestions with their reasoning (the forecast chart, the model and its
// accuracy), the service level changing the safety stock, a row unticked, a
// quantity corrected, the rest accepted — and the accepted lines kept for
// purchase orders; then a stock report with its chart. Screenshots ru/en.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { testDb, run, serve, login, call, ROOT } from '../lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = join(ROOT, 'docs/screenshots');
let db, srv, browser, admin, wh;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '20', '--db', db.url]);
  srv = await serve(db.url);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  admin = await login(srv.base, 'admin', 'admin12345', '10.82.0.1');
  wh = (await call(srv.base, admin, 'GET', '/api/v1/warehouses?sort=id')).json.items[0];
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  db?.stop();
});

async function open(lang) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: lang === 'en' ? 'en-US' : 'ru-RU' });
  await ctx.addInitScript((l) => localStorage.setItem('servitor.lang', l), lang);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.base + '/');
  await page.fill('#login-login', 'store');
  await page.fill('#login-password', 'demo12345');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.sidenav');
  return { page, errors, ctx };
}

test('suggestions with their reasoning; pick, correct, accept', async () => {
  const { page, errors, ctx } = await open('ru');
  await page.click('.sidenav a[href="#/stock_replenish"]');
  await page.waitForSelector('.repl-table tbody tr[data-part]');
  const api = (await call(srv.base, admin, 'GET', `/api/v1/stock/replenishment?warehouse_id=${wh.id}`)).json;
  assert.ok(api.items.length >= 3, 'the demo has several parts to order');
  assert.equal(await page.locator('.repl-table tbody tr[data-part]').count(), api.items.length);
  // the reasoning of a seasonal cartridge: chart with history, backtest and forecast
  const tk = api.items.find((r) => r.sku === 'TK-1170');
  assert.ok(tk && tk.forecast && tk.weeks >= 100, 'TK-1170 has two years of history and a forecast');
  const row = page.locator('tr[data-sku="TK-1170"]');
  await row.locator('[data-action=why]').click();
  const chart = page.locator('.repl-chart');
  await chart.locator('canvas').waitFor();
  assert.equal(Number(await chart.getAttribute('data-points')), tk.weeks + tk.forecast.weeks.length);
  const why = await page.locator(`[data-why="${tk.part_id}"]`).textContent();
  assert.match(why, /MAPE/);
  assert.match(why, /Страховой запас/);
  await page.screenshot({ path: join(SHOTS, 'ru-stock-replenish.png'), fullPage: true });
  // a higher service level: a bigger safety stock for the same part
  await page.selectOption('select[name=service_level]', '99');
  await page.waitForSelector('[data-busy]', { state: 'detached' });
  await page.waitForSelector('tr[data-sku="TK-1170"]');
  const at99 = (await call(srv.base, admin, 'GET', `/api/v1/stock/replenishment?warehouse_id=${wh.id}&service_level=99&part_id=${tk.part_id}`)).json.items[0];
  assert.ok(at99.safety_stock > tk.safety_stock);
  assert.match(await page.url(), /service_level=99/);
  // untick all but two, correct one quantity, accept
  await page.locator('thead input[type=checkbox]').uncheck();
  const rows = page.locator('.repl-table tbody tr[data-part]');
  const first = rows.nth(0), second = rows.nth(1);
  const [p1, p2] = [Number(await first.getAttribute('data-part')), Number(await second.getAttribute('data-part'))];
  await first.locator('[data-col=pick]').check();
  await second.locator('[data-col=qty]').fill('7');
  assert.ok(await second.locator('[data-col=pick]').isChecked(), 'typing a quantity ticks the row');
  await page.click('[data-action=accept]');
  await page.waitForSelector('[data-accepted]');
  const kept = (await call(srv.base, admin, 'GET', `/api/v1/stock/replenishment/accepted?warehouse_id=${wh.id}`)).json.items;
  assert.deepEqual(kept.map((l) => l.part_id).sort((a, b) => a - b), [p1, p2].sort((a, b) => a - b));
  assert.equal(kept.find((l) => l.part_id === p2).qty, 7000);
  assert.equal(kept.find((l) => l.part_id === p2).rule, 'manual');
  assert.equal(await page.locator('tr.repl-accepted').count(), 2);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('English screen', async () => {
  const { page, errors, ctx } = await open('en');
  await page.goto(srv.base + '/#/stock_replenish');
  await page.waitForSelector('.repl-table tbody tr[data-part]');
  await page.locator('tr[data-sku="CF259A"] [data-action=why], tr[data-part] [data-action=why]').first().click();
  await page.locator('.repl-chart canvas').waitFor();
  assert.match(await page.locator('h1').textContent(), /Replenishment/);
  await page.screenshot({ path: join(SHOTS, 'en-stock-replenish.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a stock report with its chart: consumption and forecast', async () => {
  const tk = (await call(srv.base, admin, 'GET', '/api/v1/parts?sku=TK-1170')).json.items[0];
  const { page, errors, ctx } = await open('ru');
  await page.goto(srv.base + `/#/reports/stock_forecast?part_id=${tk.id}&warehouse_id=${wh.id}`);
  const chart = page.locator('[data-report=stock_forecast] .report-chart');
  await chart.locator('canvas').waitFor();
  const rows = (await call(srv.base, admin, 'GET', `/api/v1/reports/stock_forecast?part_id=${tk.id}&warehouse_id=${wh.id}`)).json.rows;
  assert.equal(Number(await chart.getAttribute('data-points')), rows.length);
  assert.equal(await chart.getAttribute('data-series'), '3');
  assert.equal(await page.locator('.report-table tbody tr').count(), rows.length);
  assert.ok(await page.locator('[data-export=csv]').getAttribute('href').then((h) => h.includes(`part_id=${tk.id}`)));
  await page.screenshot({ path: join(SHOTS, 'ru-report-stock-forecast.png') });
  // a report without its part asks for one
  await page.goto(srv.base + '/#/reports/stock_history');
  await page.waitForSelector('[data-missing]');
  assert.deepEqual(errors, []);
  await ctx.close();
});
