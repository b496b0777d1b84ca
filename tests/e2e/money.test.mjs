// money.test.mjs — a field of money (F_MONEY: kopecks in the API) is typed
// and read in roubles: "1 234,50" typed into a part's form is 123450 kopecks
// in the API, shown back as "1 234,50 ₽"; an edit shows roubles in the field.
// And a new kind of service is made from its generic form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { testDb, run, serve, login, call } from '../lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let db, srv, browser, admin;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  admin = await login(srv.base, 'admin', 'admin12345', '10.82.0.1');
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  db?.stop();
});

async function open(who, password) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ru-RU' });
  await ctx.addInitScript(() => localStorage.setItem('servitor.lang', 'ru'));
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.base + '/');
  await page.fill('#login-login', who);
  await page.fill('#login-password', password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.sidenav');
  return { page, errors, ctx };
}

test('a part\'s prices are typed and shown in roubles, stored in kopecks', async () => {
  const meta = (await call(srv.base, admin, 'GET', '/api/v1/meta')).json;
  const parts = meta.entities.find((r) => r.name === 'parts');
  assert.equal(parts.fields.find((f) => f.name === 'sale_price').type, 'money');
  assert.equal(parts.fields.find((f) => f.name === 'sku').type, 'text');

  const { page, errors, ctx } = await open('store', 'demo12345');
  await page.goto(srv.base + '/#/parts/new');
  await page.waitForSelector('input[name=sku]');
  await page.fill('input[name=sku]', 'MONEY-1');
  await page.fill('input[name=name]', 'Ролик подачи');
  await page.fill('input[name=purchase_price]', '812,4');
  await page.fill('input[name=sale_price]', '1 234,50');
  await page.click('button[type=submit]');
  await page.waitForURL(/#\/parts\/\d+$/);
  const id = Number(page.url().match(/(\d+)$/)[1]);
  const rec = (await call(srv.base, admin, 'GET', `/api/v1/parts/${id}`)).json;
  assert.equal(rec.sale_price, 123450);
  assert.equal(rec.purchase_price, 81240);
  await page.waitForSelector('text=1 234,50 ₽');

  // the edit form shows roubles, and saving unchanged keeps the kopecks
  await page.goto(srv.base + `/#/parts/${id}/edit`);
  await page.waitForSelector('input[name=sale_price]');
  assert.equal(await page.inputValue('input[name=sale_price]'), '1234.5');
  await page.fill('input[name=sale_price]', '1300');
  await page.click('button[type=submit]');
  await page.waitForURL(/#\/parts\/\d+$/);
  await page.waitForSelector('text=1 300,00 ₽');
  assert.equal((await call(srv.base, admin, 'GET', `/api/v1/parts/${id}`)).json.sale_price, 130000);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a kind of service is made from the generic form by a manager, and a technician may not', async () => {
  const { page, errors, ctx } = await open('manager', 'demo12345');
  await page.goto(srv.base + '/#/service_types/new');
  await page.waitForSelector('input[name=code]');
  await page.fill('input[name=code]', 'install');
  await page.fill('input[name=name]', 'Установка и подключение');
  await page.fill('input[name=target_days]', '2');
  await page.click('button[type=submit]');
  await page.waitForURL(/#\/service_types\/\d+$/);
  const list = (await call(srv.base, admin, 'GET', '/api/v1/service_types?code=install')).json.items;
  assert.equal(list.length, 1);
  assert.equal(list[0].target_days, 2);
  assert.equal(list[0].repair_warranty_days, 90, 'the default warranty on the work');
  assert.deepEqual(errors, []);
  await ctx.close();
  const tech = await login(srv.base, 'engineer', 'demo12345', '10.82.0.2');
  const r = await call(srv.base, tech, 'POST', '/api/v1/service_types', { code: 'x', name: 'Не положено' });
  assert.equal(r.status, 403);
});
