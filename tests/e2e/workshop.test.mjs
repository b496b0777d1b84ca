// workshop.test.mjs — a repair order in the browser: made with one click on
// a request's page, then moved by the buttons the server lists —
// diagnostics, repair, QC (not offered to the order's own technician, passed
// by the manager), marked paid on the generic form, issued — and seen by its
// client on the public page. Screenshots of the order page in both
// languages go to SERVITOR_SHOTS when set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { testDb, run, serve, login, call } from '../lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let db, srv, browser, requestId;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '3', '--db', db.url]);
  srv = await serve(db.url, [], {});
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  // a request about a unit long out of warranty, of a client without a
  // contract: its repair is paid (the demo's units may be under warranty)
  const mgr = await login(srv.base, 'manager', 'demo12345', '10.79.0.1');
  const client = await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'person', name: 'Платный Клиент' });
  const models = await call(srv.base, mgr, 'GET', '/api/v1/equipment_models?limit=1');
  const unit = await call(srv.base, mgr, 'POST', '/api/v1/equipment_units', {
    model_id: models.json.items[0].id, serial: 'PAID-0001', client_id: client.json.id, purchase_date: '2015-01-01' });
  assert.equal(unit.status, 201, unit.text);
  const req = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Не включается', unit_id: unit.json.id });
  assert.equal(req.status, 201, req.text);
  requestId = req.json.id;
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

const transitions = (page) => page.locator('[data-transition]').evaluateAll((els) => els.map((e) => e.dataset.transition));
const status = (page, label) => page.waitForSelector(`[data-field=status]:has-text("${label}")`);

test('a repair order from a request\'s page, moved through diagnostics … issued by its buttons', async () => {
  const tech = await open('engineer');
  await tech.page.goto(`${srv.base}/#/requests/${requestId}`);
  await tech.page.waitForSelector('[data-repair-orders]');
  await tech.page.click('[data-make-repair-order]');
  await tech.page.waitForURL(/#\/repair_orders\/\d+$/);
  const url = tech.page.url();
  await status(tech.page, 'Принят');
  const number = (await tech.page.locator('[data-field=number]').textContent()).trim();
  assert.match(number, /^ЗН-\d{4}-\d{6}$/);
  await tech.page.waitForSelector('[data-timeline=repair_orders] [data-kind=created]');
  assert.deepEqual(await transitions(tech.page), ['diagnose']);

  for (const [step, label] of [['diagnose', 'Диагностика'], ['start_repair', 'В ремонте'], ['to_qc', 'Контроль качества']]) {
    await tech.page.click(`[data-transition=${step}]`);
    await status(tech.page, label);
  }
  // the technician who repaired it is not offered QC (the guard refuses it)
  assert.deepEqual(await transitions(tech.page), []);

  const mgr = await open('manager');
  await mgr.page.goto(url);
  await status(mgr.page, 'Контроль качества');
  await mgr.page.click('[data-transition=qc_pass]');
  await status(mgr.page, 'Готов к выдаче');
  // unpaid and out of warranty: no «Выдать клиенту»
  assert.deepEqual(await transitions(mgr.page), []);
  // paid, on the generic form
  await mgr.page.goto(url + '/edit');
  await mgr.page.check('input[name=paid]');
  await mgr.page.fill('textarea[name=work_done]', 'Замена ролика подачи');
  await mgr.page.click('button[type=submit]');
  await mgr.page.waitForURL(/#\/repair_orders\/\d+$/);
  await mgr.page.click('[data-transition=issue]');
  await status(mgr.page, 'Выдан');
  assert.deepEqual(await transitions(mgr.page), []);
  await mgr.page.waitForSelector('[data-kind=status]:has-text("Готов к выдаче → Выдан")');
  if (process.env.SERVITOR_SHOTS) await mgr.page.screenshot({ path: `${process.env.SERVITOR_SHOTS}/repair-order.ru.png`, fullPage: true });

  // the request's page lists it
  await mgr.page.goto(`${srv.base}/#/requests/${requestId}`);
  await mgr.page.waitForSelector(`[data-repair-orders] a:has-text("${number}")`);

  const en = await open('manager', 'en-US');
  await en.page.click('.lang-switch button:has-text("EN"), button[aria-pressed]:has-text("EN")');
  await en.page.goto(url);
  await en.page.waitForSelector('[data-field=status]:has-text("Issued")');
  await en.page.waitForSelector('.sidenav:has-text("Workshop")');
  if (process.env.SERVITOR_SHOTS) await en.page.screenshot({ path: `${process.env.SERVITOR_SHOTS}/repair-order.en.png`, fullPage: true });

  assert.deepEqual([...tech.errors, ...mgr.errors, ...en.errors], []);
  await Promise.all([tech.ctx.close(), mgr.ctx.close(), en.ctx.close()]);
});
