// workshop-estimates.test.mjs — an estimate in the browser: the technician
// adds a work from the catalog and a part found in stock, sends the
// estimate; the client opens the request's status page, follows the link to
// the repair order and approves the estimate there; the part is reserved and
// issued from stock with one button; the manager sees the cost and margin.
// Screenshots of the order and of the public page in both languages go to
// SERVITOR_SHOTS when set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { testDb, run, serve, login, call } from '../lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let db, srv, browser, req, order, part, work;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '3', '--db', db.url]);
  srv = await serve(db.url, [], {});
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  const admin = await login(srv.base, 'admin', 'admin12345', '10.81.0.1');
  const mgr = await login(srv.base, 'manager', 'demo12345', '10.81.0.2');
  const client = await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'person', name: 'Сметина Анна' });
  const models = await call(srv.base, mgr, 'GET', '/api/v1/equipment_models?limit=1');
  const unit = await call(srv.base, mgr, 'POST', '/api/v1/equipment_units', {
    model_id: models.json.items[0].id, serial: 'EST-0001', client_id: client.json.id, purchase_date: '2015-01-01' });
  assert.equal(unit.status, 201, unit.text);
  req = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Шумит при печати', unit_id: unit.json.id, channel: 'phone' })).json;
  const eng = (await call(srv.base, mgr, 'GET', '/api/v1/users?q=engineer&limit=50')).json.items.find((u) => u.login === 'engineer');
  order = (await call(srv.base, mgr, 'POST', '/api/v1/repair_orders', { request_id: req.id, demand: 'estimate_first', technician_id: eng.id, price_ceiling: 1000000 })).json;
  work = (await call(srv.base, mgr, 'POST', '/api/v1/works', { name: 'Замена блока проявки', std_minutes: 45, price: 250000, vat: '20' })).json;
  const wh = (await call(srv.base, admin, 'GET', '/api/v1/warehouses?sort=id&limit=1')).json.items[0];
  part = (await call(srv.base, admin, 'POST', '/api/v1/parts', { sku: 'DV-1150', name: 'Блок проявки DV-1150', purchase_price: 300000, sale_price: 450000, vat: '20' })).json;
  const rc = await call(srv.base, admin, 'POST', '/api/v1/stock/postings', { kind: 'receipt', warehouse_id: wh.id, lines: [{ part_id: part.id, qty: 2000, unit_cost: 300000 }] });
  assert.equal(rc.status, 201, rc.text);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  db?.stop();
});

async function open(loginName, password = 'demo12345', locale = 'ru-RU') {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.base + '/');
  await page.fill('#login-login', loginName);
  await page.fill('#login-password', password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.sidenav');
  return { page, errors, ctx };
}
const status = (page, label) => page.waitForSelector(`[data-field=status]:has-text("${label}")`);
const shot = (page, name) => process.env.SERVITOR_SHOTS && page.screenshot({ path: `${process.env.SERVITOR_SHOTS}/${name}.png`, fullPage: true });

test('estimate sent by the technician → approved by the client on the status page → parts issued', async () => {
  const url = `${srv.base}/#/repair_orders/${order.id}`;
  const tech = await open('engineer');
  await tech.page.goto(url);
  await status(tech.page, 'Принят');
  await tech.page.click('[data-transition=diagnose]');
  await status(tech.page, 'Диагностика');
  // the completion act is not offered before the order is ready
  assert.equal(await tech.page.locator('[data-document=completion_act]').count(), 0);

  await tech.page.click('[data-add-labour]');
  await tech.page.selectOption('#est-work', String(work.id));
  await tech.page.click('[data-form=add-labour] button[type=submit]');
  await tech.page.waitForSelector('[data-estimate] [data-kind=labour]:has-text("Замена блока проявки")');

  await tech.page.click('[data-add-part]');
  await tech.page.fill('#est-q', 'DV-1150');
  await tech.page.waitForSelector(`[data-found] [data-part="${part.id}"]:has-text("доступно 2")`);
  await tech.page.click(`[data-found] [data-part="${part.id}"] [data-pick]`);
  await tech.page.click('[data-form=add-part] button[type=submit]');
  await tech.page.waitForSelector('[data-estimate] [data-kind=part]:has-text("Блок проявки")');
  await tech.page.waitForFunction(() => /7\s000,00/.test(document.querySelector('[data-estimate] [data-total]')?.textContent || ''));

  await tech.page.click('[data-transition=send_estimate]');
  await status(tech.page, 'Смета у клиента');
  // the answer is recorded with its own form (who, how), not a bare button
  assert.equal(await tech.page.locator('[data-transition=approve]').count(), 0);
  await tech.page.waitForSelector('[data-estimate-status=sent]');

  // the client: the request's page lists the order, its page the estimate
  const pub = await browser.newContext({ viewport: { width: 1024, height: 900 }, locale: 'ru-RU' });
  const cp = await pub.newPage();
  const cerr = [];
  cp.on('pageerror', (e) => cerr.push(String(e)));
  await cp.goto(`${srv.base}/#/public/status?number=${encodeURIComponent(req.number)}&code=${req.access_code}`);
  await cp.waitForSelector(`[data-repair-orders] [data-order="${order.number}"]`);
  await cp.click(`[data-repair-orders] [data-order="${order.number}"] a`);
  await cp.waitForSelector('[data-public-estimate=sent]');
  assert.match(await cp.locator('[data-public-estimate] [data-total]').textContent(), /7\s000,00/);
  await shot(cp, 'public-estimate.ru');
  await cp.click('[data-public-answer=approve]');
  await cp.waitForSelector('[data-public-estimate=approved]');
  await cp.waitForSelector('[data-status=approved]');

  // the storekeeper's work (an admin here): issue what is reserved
  const adm = await open('admin', 'admin12345');
  await adm.page.goto(url);
  await status(adm.page, 'Смета согласована');
  await adm.page.waitForSelector('[data-kind=part] [data-reserved]');
  await adm.page.click('[data-issue-all]');
  await adm.page.waitForSelector('[data-kind=part] [data-issued]');
  assert.equal(await adm.page.locator('[data-kind=part] [data-reserved]').count(), 0);

  // the manager sees the cost and the margin; the technician does not
  const mgr = await open('manager');
  await mgr.page.goto(url);
  await mgr.page.waitForSelector('[data-cost] [data-margin]');
  assert.match(await mgr.page.locator('[data-margin]').textContent(), /4\s?000,00/);
  await shot(mgr.page, 'repair-order-estimate.ru');
  await tech.page.reload();
  await tech.page.waitForSelector('[data-estimate-status=approved]');
  assert.equal(await tech.page.locator('[data-cost]').count(), 0);

  const en = await open('manager', 'demo12345', 'en-US');
  await en.page.click('.lang-switch button:has-text("EN"), button[aria-pressed]:has-text("EN")');
  await en.page.goto(url);
  await en.page.waitForSelector('[data-cost]:has-text("Margin")');
  await shot(en.page, 'repair-order-estimate.en');
  const enPub = await en.ctx.newPage();
  await enPub.goto(`${srv.base}/#/public/repair_orders/status?number=${encodeURIComponent(order.number)}&code=${order.access_code}`);
  await enPub.waitForSelector('[data-public-estimate]:has-text("Approved")');
  await shot(enPub, 'public-estimate.en');

  assert.deepEqual([...tech.errors, ...adm.errors, ...mgr.errors, ...en.errors, ...cerr], []);
  await Promise.all([tech.ctx.close(), adm.ctx.close(), mgr.ctx.close(), en.ctx.close(), pub.close()]);
});
