// workshop-qc.test.mjs — quality control and shipments in the browser: the
// order's technician sees no checklist (someone else checks his work); the
// manager marks the items with the keys and the big buttons, fails QC with a
// comment (the order goes back to repair), then passes the next round — the
// history shows both; the checklist settings screen; a shipment gets a unit
// by its order number, is sent (the order goes to the vendor) and received
// with a replaced unit's new serial (the order goes to QC); the overdue
// shipments screen. Screenshots in both languages go to SERVITOR_SHOTS when set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { testDb, run, serve, login, call } from '../lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = process.env.SERVITOR_SHOTS;
let db, srv, browser, mgrApi, engApi, engineer, repairType, model, client;

async function ok(r, status = 200) {
  assert.equal(r.status, status, r.text);
  return r.json;
}
async function move(s, o, name) {
  return ok(await call(srv.base, s, 'POST', `/api/v1/repair_orders/${o.id}/transitions/${name}`, { version: o.version }));
}
async function orderIn(steps, fault) {
  const u = await ok(await call(srv.base, mgrApi, 'POST', '/api/v1/equipment_units', { model_id: model.id, serial: 'E2E-' + Date.now().toString(36) + Math.random().toString(36).slice(2, 6), client_id: client.id }), 201);
  let o = await ok(await call(srv.base, mgrApi, 'POST', '/api/v1/repair_orders', {
    unit_id: u.id, declared_fault: fault, accessories: 'блок питания', technician_id: engineer.id, service_type_id: repairType.id }), 201);
  for (const s of steps) o = await move(engApi, o, s);
  return o;
}

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '3', '--db', db.url]);
  srv = await serve(db.url, [], {});
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  mgrApi = await login(srv.base, 'manager', 'demo12345', '10.79.1.1');
  engApi = await login(srv.base, 'engineer', 'demo12345', '10.79.1.2');
  engineer = engApi.user || (await ok(await call(srv.base, engApi, 'GET', '/api/v1/auth/me'))).user;
  [repairType] = (await ok(await call(srv.base, mgrApi, 'GET', '/api/v1/service_types?code=repair'))).items;
  model = (await ok(await call(srv.base, mgrApi, 'GET', '/api/v1/equipment_models?limit=1'))).items[0];
  client = await ok(await call(srv.base, mgrApi, 'POST', '/api/v1/clients', { kind: 'person', name: 'Клиент ОТК' }), 201);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  db?.stop();
});

async function open(loginName, lang = 'ru') {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: lang === 'ru' ? 'ru-RU' : 'en-US' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.base + '/');
  await page.fill('#login-login', loginName);
  await page.fill('#login-password', 'demo12345');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.sidenav');
  if (lang === 'en') await page.click('.lang-switch button:has-text("EN")');
  return { page, errors, ctx };
}
const status = (page, label) => page.waitForSelector(`[data-field=status]:has-text("${label}")`);
const shot = (page, name) => (SHOTS ? page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true }) : null);

test('QC failed once, then passed, through the checklist on the order page', async () => {
  const o = await orderIn(['diagnose', 'start_repair', 'to_qc'], 'Не печатает, полосы');
  const url = `${srv.base}/#/repair_orders/${o.id}`;
  const tech = await open('engineer');
  await tech.page.goto(url);
  await status(tech.page, 'Контроль качества');
  await tech.page.waitForSelector('[data-qc-own]');
  assert.equal(await tech.page.locator('[data-qc-item]').count(), 0, 'no checklist for his own work');

  const mgr = await open('manager');
  await mgr.page.goto(url);
  await mgr.page.waitForSelector('[data-qc-checklist]');
  const n = await mgr.page.locator('[data-qc-item]').count();
  assert.ok(n >= 6, `${n} items of the seeded standard`);
  const decide = (d) => mgr.page.locator(`[data-qc-decide=${d}]`);
  assert.equal(await decide('pass').isDisabled(), true, 'nothing marked yet');
  // the keys: 1 marks the focused item passed and moves on
  await mgr.page.locator('[data-qc-item]').first().focus();
  for (let i = 0; i < n; i++) await mgr.page.keyboard.press('1');
  await mgr.page.waitForSelector(`[data-qc-count]:has-text("${n} из ${n}")`);
  assert.equal(await decide('pass').isDisabled(), false);
  // the second item fails: pass is off, fail needs a comment
  await mgr.page.locator('[data-qc-item]').nth(1).locator('[data-qc-fail]').click();
  await mgr.page.locator('[data-qc-item]').nth(1).locator('[data-qc-note]').fill('Люфт задней крышки');
  assert.equal(await decide('pass').isDisabled(), true, 'a required item failed');
  assert.equal(await decide('fail').isDisabled(), true, 'no comment yet');
  await mgr.page.fill('[data-qc-comment]', 'Крышка не защёлкивается, переделать');
  await shot(mgr.page, 'repair-order-qc.ru');
  await decide('fail').click();
  await status(mgr.page, 'В ремонте');
  await mgr.page.waitForSelector('[data-qc-round="1"]:has-text("Люфт задней крышки")');
  await mgr.page.waitForSelector('[data-field=rework_count]:has-text("1")');

  // repaired again, the next round passes
  const fresh = await ok(await call(srv.base, engApi, 'GET', `/api/v1/repair_orders/${o.id}`));
  await move(engApi, fresh, 'to_qc');
  await mgr.page.reload();
  await mgr.page.waitForSelector('[data-qc-checklist]');
  for (const b of await mgr.page.locator('[data-qc-pass]').all()) await b.click();
  await decide('pass').click();
  await status(mgr.page, 'Готов к выдаче');
  await mgr.page.waitForSelector('[data-qc-round="2"]');
  await mgr.page.waitForSelector('[data-qc-round="1"]');
  await mgr.page.waitForSelector('[data-timeline=repair_orders] [data-kind=qc]');
  await shot(mgr.page, 'repair-order-qc-history.ru');

  const en = await open('manager', 'en');
  const o2 = await orderIn(['diagnose', 'start_repair', 'to_qc'], 'Paper jam');
  await en.page.goto(`${srv.base}/#/repair_orders/${o2.id}`);
  await en.page.waitForSelector('[data-qc-checklist]:has-text("Keys")');
  await en.page.locator('[data-qc-item]').nth(0).locator('[data-qc-pass]').click();
  await en.page.locator('[data-qc-item]').nth(1).locator('[data-qc-fail]').click();
  await shot(en.page, 'repair-order-qc.en');

  // the settings: the standards by service type
  await mgr.page.goto(`${srv.base}/#/qc_settings`);
  await mgr.page.waitForSelector('[data-qcs-items] [data-qcs-item]');
  await mgr.page.fill('[data-qcs-new-text]', 'Серийный номер сверен с заказ-нарядом');
  await mgr.page.click('.qcs-add button[type=submit]');
  await mgr.page.waitForSelector('[data-qcs-item]:has-text("Серийный номер сверен")');
  await shot(mgr.page, 'qc-settings.ru');
  await en.page.goto(`${srv.base}/#/qc_settings`);
  await en.page.waitForSelector('[data-qcs-items] [data-qcs-item]');
  await shot(en.page, 'qc-settings.en');

  assert.deepEqual([...tech.errors, ...mgr.errors, ...en.errors], []);
  await Promise.all([tech.ctx.close(), mgr.ctx.close(), en.ctx.close()]);
});

test('a shipment: a unit added by its order number, sent, received with the new serial', async () => {
  const o = await orderIn(['diagnose', 'start_repair'], 'Не включается, плата питания');
  const partner = await ok(await call(srv.base, mgrApi, 'POST', '/api/v1/service_partners', { name: 'АСЦ «Сервис-Плюс»', kind: 'asc', requisites: 'г. Москва, ул. Лесная, д. 5' }), 201);
  const today = new Date(Date.now() + 3 * 3600e3).toISOString().slice(0, 10);
  const expected = new Date(Date.now() + 14 * 86400e3).toISOString().slice(0, 10);
  const ship = await ok(await call(srv.base, mgrApi, 'POST', '/api/v1/shipments', { partner_id: partner.id, carrier: 'СДЭК', tracking_number: '1234567890', rma_number: 'RMA-77', expected_date: expected }), 201);

  const mgr = await open('manager');
  await mgr.page.goto(`${srv.base}/#/shipments/${ship.id}`);
  await mgr.page.waitForSelector('[data-shipment-units]');
  await mgr.page.fill('[data-add-order]', o.number);
  await mgr.page.keyboard.press('Enter');
  await mgr.page.waitForSelector(`[data-shipment-units] tr[data-unit="${o.id}"]`);
  await shot(mgr.page, 'shipment-draft.ru');
  await mgr.page.click('[data-transition=send]');
  await status(mgr.page, 'Отправлена');
  await mgr.page.waitForSelector(`tr[data-unit="${o.id}"] .status-at_vendor`);
  await mgr.page.waitForSelector('[data-receive-row]');
  await mgr.page.selectOption('[data-receive-row] [data-outcome]', 'replaced');
  await mgr.page.fill('[data-receive-row] [data-new-serial]', 'NEW-SN-001');
  await mgr.page.selectOption('[data-receive-row] [data-to]', 'qc');
  await shot(mgr.page, 'shipment-receive.ru');
  await mgr.page.click('[data-receive-row] [data-receive]');
  await status(mgr.page, 'Получена');
  await mgr.page.waitForSelector(`tr[data-unit="${o.id}"] [data-outcome-shown]:has-text("NEW-SN-001")`);
  await mgr.page.waitForSelector(`tr[data-unit="${o.id}"] .status-qc`);
  const after = await ok(await call(srv.base, mgrApi, 'GET', `/api/v1/repair_orders/${o.id}`));
  assert.equal(after.status, 'qc');
  const sh = await ok(await call(srv.base, mgrApi, 'GET', `/api/v1/shipments/${ship.id}`));
  assert.deepEqual([sh.status, sh.sent_date, sh.received_date], ['received', today, today]);
  await shot(mgr.page, 'shipment.ru');

  // the order's timeline tells where it was
  await mgr.page.goto(`${srv.base}/#/repair_orders/${o.id}`);
  await mgr.page.waitForSelector('[data-kind=shipment_received]:has-text("NEW-SN-001")');

  // overdue: one sent long ago (made through the API)
  const o2 = await orderIn(['diagnose', 'start_repair'], 'Перегрев');
  const late = await ok(await call(srv.base, mgrApi, 'POST', '/api/v1/shipments', { partner_id: partner.id, carrier: 'Почта России', sent_date: '2026-01-10', expected_date: '2026-01-20' }), 201);
  await ok(await call(srv.base, mgrApi, 'POST', '/api/v1/shipment_items', { shipment_id: late.id, order_id: o2.id }), 201);
  await ok(await call(srv.base, mgrApi, 'POST', `/api/v1/shipments/${late.id}/transitions/send`, { version: late.version }));
  await mgr.page.goto(`${srv.base}/#/shipments_overdue`);
  await mgr.page.waitForSelector(`[data-page=shipments-overdue] tr[data-id="${late.id}"]`);
  await shot(mgr.page, 'shipments-overdue.ru');

  const en = await open('manager', 'en');
  await en.page.goto(`${srv.base}/#/shipments/${ship.id}`);
  await en.page.waitForSelector('[data-field=status]:has-text("Received")');
  await shot(en.page, 'shipment.en');
  await en.page.goto(`${srv.base}/#/shipments_overdue`);
  await en.page.waitForSelector(`tr[data-id="${late.id}"]:has-text("days overdue")`);
  await shot(en.page, 'shipments-overdue.en');

  assert.deepEqual([...mgr.errors, ...en.errors], []);
  await Promise.all([mgr.ctx.close(), en.ctx.close()]);
});
