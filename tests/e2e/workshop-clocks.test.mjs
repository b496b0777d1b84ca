// workshop-clocks.test.mjs — the clocks of a repair order in the browser: the
// order page shows the legal and target countdowns; the client demands a
// substitute, a loaner from the pool is handed over with its act, then taken
// back; the unit's page lists its request, order and loaner newest first.
// Screenshots in both languages go to SERVITOR_SHOTS when set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { testDb, run, serve, login, call } from '../lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let db, srv, browser, order, unit, loaner, request;

async function ok(r) {
  assert.ok(r.status === 200 || r.status === 201, r.text);
  return r.json;
}

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '3', '--db', db.url]);
  srv = await serve(db.url, [], {});
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  const mgr = await login(srv.base, 'manager', 'demo12345', '10.79.0.2');
  const model = await ok(await call(srv.base, mgr, 'POST', '/api/v1/equipment_models', { brand: 'Атлант', model: 'ХМ-4021', category: 'Холодильники', warranty_months: 36, loaner_duty: true }));
  const client = await ok(await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'person', name: 'Подменов Пётр Ильич', phone: '+79161234567' }));
  const today = new Date().toISOString().slice(0, 10);
  unit = await ok(await call(srv.base, mgr, 'POST', '/api/v1/equipment_units', { model_id: model.id, serial: 'AT-4021-0077', client_id: client.id, purchase_date: today }));
  request = await ok(await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Не морозит морозильная камера', unit_id: unit.id }));
  const types = await ok(await call(srv.base, mgr, 'GET', '/api/v1/service_types?code=repair'));
  order = await ok(await call(srv.base, mgr, 'POST', '/api/v1/repair_orders', { request_id: request.id, demand: 'repair', service_type_id: types.items[0].id }));
  loaner = await ok(await call(srv.base, mgr, 'POST', '/api/v1/loaners', { inventory_number: 'ПФ-017', model_id: model.id, serial: 'AT-4021-9001', condition: 'Исправен, следы эксплуатации' }));
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  db?.stop();
});

async function open(loginName, locale = 'ru-RU') {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.base + '/');
  await page.fill('#login-login', loginName);
  await page.fill('#login-password', 'demo12345');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.sidenav');
  return { page, errors, ctx };
}

test('the order page shows its clocks; a loaner is demanded, handed over with its act and taken back', async () => {
  const { page, errors, ctx } = await open('manager');
  await page.goto(`${srv.base}/#/repair_orders/${order.id}`);
  await page.waitForSelector('[data-clocks] [data-clock=legal] [data-days-left="45"]');
  assert.equal(await page.locator('[data-clock=target] [data-days-left]').count(), 1, 'the company target counts down');
  assert.match(await page.locator('[data-clock=target]').textContent(), /Норматив компании: 10 раб\. дн\. \(Ремонт\)/);
  await page.click('[data-demand-loaner]');
  await page.waitForSelector('[data-loaner-issue][data-status=demanded] [data-days-left="3"]');
  await page.selectOption('[data-pick-loaner]', String(loaner.id));
  await page.click('[data-issue-loaner]');
  await page.waitForSelector('[data-loaner-issue][data-status=issued] [data-loaner-act]');
  const href = await page.locator('[data-loaner-act]').getAttribute('href');
  const pdf = await page.request.get(srv.base + href);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  if (process.env.SERVITOR_SHOTS) await page.screenshot({ path: `${process.env.SERVITOR_SHOTS}/repair-clocks.ru.png`, fullPage: true });
  await page.fill('[data-return-condition]', 'Исправен');
  await page.click('[data-return-loaner]');
  await page.waitForSelector('[data-loaner-issue][data-status=returned]');
  assert.deepEqual(errors, []);
  await ctx.close();
  const en = await open('manager', 'en-US');
  await en.page.click('.lang-switch button:has-text("EN"), button[aria-pressed]:has-text("EN")');
  await en.page.goto(`${srv.base}/#/repair_orders/${order.id}`);
  await en.page.waitForSelector('[data-clocks] [data-clock=legal] [data-days-left]');
  assert.match(await en.page.locator('[data-clocks] h2').textContent(), /Deadlines/);
  if (process.env.SERVITOR_SHOTS) await en.page.screenshot({ path: `${process.env.SERVITOR_SHOTS}/repair-clocks.en.png`, fullPage: true });
  await en.ctx.close();
});

test('the unit page lists its request, repair order and loaner, newest first', async () => {
  const { page, errors, ctx } = await open('manager');
  await page.goto(`${srv.base}/#/equipment_units/${unit.id}?tab=history`);
  await page.waitForSelector('[data-service-history] tr');
  const kinds = await page.locator('[data-service-history] tr').evaluateAll((rows) => rows.map((r) => r.dataset.kind));
  assert.deepEqual(kinds, ['loaner', 'repair_order', 'request']);
  assert.match(await page.locator('[data-service-history] tr[data-kind=repair_order]').textContent(), new RegExp(order.number));
  assert.equal(await page.locator('[data-service-history] tr[data-kind=repair_order] [data-warranty=true]').count(), 1, 'the warranty decision');
  if (process.env.SERVITOR_SHOTS) await page.screenshot({ path: `${process.env.SERVITOR_SHOTS}/unit-history.ru.png`, fullPage: true });
  assert.deepEqual(errors, []);
  await ctx.close();
  const en = await open('manager', 'en-US');
  await en.page.click('.lang-switch button:has-text("EN"), button[aria-pressed]:has-text("EN")');
  await en.page.goto(`${srv.base}/#/equipment_units/${unit.id}?tab=history`);
  await en.page.waitForSelector('[data-service-history] tr:has-text("Repair order")');
  if (process.env.SERVITOR_SHOTS) await en.page.screenshot({ path: `${process.env.SERVITOR_SHOTS}/unit-history.en.png`, fullPage: true });
  await en.ctx.close();
});
