// screenshots.mjs — `node tests/e2e/screenshots.mjs`: starts the real binary on
// demo data and saves every screen in Russian and English to docs/screenshots/.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, testDb, run, serve, login, call } from '../lib.mjs';

const out = join(ROOT, 'docs/screenshots');
mkdirSync(out, { recursive: true });
const db = testDb();
run(['demo', '--scale', '300', '--db', db.url]);
const srv = await serve(db.url);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox',
  '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });

// a request with a history to show
const s = await login(srv.base, 'manager', 'demo12345');
// a company client with a unit and a contact (a request page with all of its summary)
const unitOf5 = (await call(srv.base, s, 'GET', '/api/v1/equipment_units?limit=200')).json.items.find((u) => u.client_id);
const contactOf = (await call(srv.base, s, 'GET', `/api/v1/contacts?client_id=${unitOf5.client_id}`)).json.items[0];
const req = (await call(srv.base, s, 'POST', '/api/v1/requests', { subject: 'Не печатает, мнёт бумагу', description: 'Kyocera ECOSYS M2040dn зажёвывает бумагу на выходе, ошибка J-0511.', priority: 'high', client_id: unitOf5.client_id, unit_id: unitOf5.id, ...(contactOf ? { contact_id: contactOf.id } : {}) })).json;
await call(srv.base, s, 'POST', '/api/v1/requests', { subject: 'Плановое ТО', priority: 'normal', client_id: unitOf5.client_id });
const eng = (await call(srv.base, s, 'GET', '/api/v1/users?q=engineer')).json.items[0];
const assigned = (await call(srv.base, s, 'POST', `/api/v1/requests/${req.id}/transitions/assign`, { version: req.version, assignee_id: eng.id })).json;
await call(srv.base, s, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'Здравствуйте! Привезите аппарат в сервис, диагностика бесплатно.', public: true });
await call(srv.base, s, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'Проверить ролик выхода и фьюзер.', public: false });
await call(srv.base, s, 'POST', `/api/v1/requests/${req.id}/transitions/start`, { version: assigned.version });
const unit = (await call(srv.base, s, 'GET', '/api/v1/equipment_units?limit=1')).json.items[0];
await call(srv.base, s, 'PATCH', `/api/v1/equipment_units/${unit.id}`, { version: unit.version, notes: 'Замена ролика подачи 12.03' });

// the workshop's QC and shipments: an order in qc by the engineer (checked by
// someone else), a shipment to a service center sent with one unit
const engS = await login(srv.base, 'engineer', 'demo12345');
const engUser = (await call(srv.base, engS, 'GET', '/api/v1/auth/me')).json.user;
const repairType = (await call(srv.base, s, 'GET', '/api/v1/service_types?code=repair')).json.items[0];
async function workshopOrder(steps, fault) {
  let o = (await call(srv.base, s, 'POST', '/api/v1/repair_orders', { client_id: unitOf5.client_id, unit_id: unitOf5.id, declared_fault: fault, accessories: 'кабель питания', technician_id: engUser.id, service_type_id: repairType.id })).json;
  for (const st of steps) o = (await call(srv.base, engS, 'POST', `/api/v1/repair_orders/${o.id}/transitions/${st}`, { version: o.version })).json;
  return o;
}
const qcOrder = await workshopOrder(['diagnose', 'start_repair', 'to_qc'], 'Не печатает, мнёт бумагу');
const shipOrder = await workshopOrder(['diagnose', 'start_repair'], 'Не включается, плата питания');
const partnerRec = (await call(srv.base, s, 'POST', '/api/v1/service_partners', { name: 'АСЦ «Сервис-Плюс»', kind: 'asc', inn: '7707083893', requisites: 'г. Москва, ул. Лесная, д. 5' })).json;
const shipRec = (await call(srv.base, s, 'POST', '/api/v1/shipments', { partner_id: partnerRec.id, carrier: 'СДЭК', tracking_number: '1234567890', rma_number: 'RMA-77', expected_date: new Date(Date.now() + 14 * 86400e3).toISOString().slice(0, 10) })).json;
await call(srv.base, s, 'POST', '/api/v1/shipment_items', { shipment_id: shipRec.id, order_id: shipOrder.id });
await call(srv.base, s, 'POST', `/api/v1/shipments/${shipRec.id}/transitions/send`, { version: shipRec.version });
// a repair order with a loaner handed over (the clocks card), the loaner pool
const lmodel = (await call(srv.base, s, 'POST', '/api/v1/equipment_models', { brand: 'Атлант', model: 'ХМ-4021', warranty_months: 36, loaner_duty: true })).json;
const lunit = (await call(srv.base, s, 'POST', '/api/v1/equipment_units', { model_id: lmodel.id, serial: 'AT-4021-0077', client_id: unitOf5.client_id, purchase_date: new Date().toISOString().slice(0, 10) })).json;
const lorder = (await call(srv.base, s, 'POST', '/api/v1/repair_orders', { unit_id: lunit.id, declared_fault: 'Не морозит морозильная камера', demand: 'repair', service_type_id: 1 })).json;
const loaner = (await call(srv.base, s, 'POST', '/api/v1/loaners', { inventory_number: 'ПФ-017', model_id: lmodel.id, serial: 'AT-4021-9001', condition: 'Исправен' })).json;
await call(srv.base, s, 'POST', '/api/v1/loaners', { inventory_number: 'ПФ-018', model_id: lmodel.id, serial: 'AT-4021-9002', condition: 'Исправен' });
await call(srv.base, s, 'POST', '/api/v1/loaner_issues', { order_id: lorder.id, loaner_id: loaner.id });

const screens = [
  ['repair-order-clocks', `#/repair_orders/${lorder.id}`],
  ['loaners', '#/loaners'],
  ['unit-service-history', `#/equipment_units/${lunit.id}?tab=history`],
  ['requests', '#/requests'],
  ['request', `#/requests/${req.id}`],
  ['clients', '#/clients'],
  ['client', `#/clients/${unitOf5.client_id}`],
  ['equipment-unit', `#/equipment_units/${unitOf5.id}`],
  ['requests-filters', '#/requests', async (p) => { await p.click('.filters-btn'); await p.selectOption('select[name=filter-priority]', 'high'); await p.waitForSelector('.chip-filter'); }],
  ['search', `#/search?q=${encodeURIComponent(req.number.split('-').pop())}`],
  ['shortcuts', '#/requests', async (p) => { await p.keyboard.press('Shift+Slash'); await p.waitForSelector('[data-shortcuts]'); }],
  ['request-note', `#/requests/${req.id}`, async (p) => { await p.click('.reply-box .seg button:nth-child(2)'); }],
  ['request-new-picker', `#/requests/new?client_id=${unitOf5.client_id}`, async (p) => { await p.click('#f-requests-unit_id'); await p.waitForSelector('.ref-list [data-show-all]'); }],
  ['client-form-errors', '#/clients/new', async (p) => { await p.fill('input[name=inn]', '123'); await p.click('button[type=submit]'); await p.waitForSelector('[aria-invalid=true]'); }],
  ['contracts', '#/contracts'],
  ['contract', '#/contracts/1'],
  ['equipment-units', '#/equipment_units'],
  ['equipment-unit-history', `#/equipment_units/${unit.id}?tab=history`],
  ['equipment-models', '#/equipment_models'],
  ['branches', '#/branches'],
  ['users', '#/users'],
  ['tokens', '#/tokens'],
  ['audit', '#/audit'],
  ['workload', '#/workload'],
  ['consultation', '#/consultation'],
  ['routing-rules', '#/routing_rules'],
  ['sla-policies', '#/sla_policies'],
  ['sla-policy-escalation', '#/sla_policies/2/edit'],
  ['request-new-client', '#/requests/new', async (p) => {
    await p.fill('input[name=subject]', 'Кофемашина выдаёт ошибку 8');
    await p.click('.client-choice .seg button:nth-child(2)');
    await p.fill('#f-requests-client-name', 'Соколова Вера');
    await p.fill('#f-requests-client-phone', '+7 916 555-44-33');
    await p.waitForSelector('.inline-client [role=status]');
  }],
  ['articles', '#/articles'],
  ['article', '#/articles/4'],
  ['requests-overdue', '#/requests?sla_state=breached&status=new,assigned,in_progress,waiting_client,waiting_parts'],
  ['requests-all', '#/requests?all=1'],
  // messages, reports, the workshop and the warehouse
  ['message-templates', '#/message_templates'],
  ['outbox', '#/outbox'],
  ['company', '#/company'],
  ['reports', '#/reports'],
  ['repair-orders', '#/repair_orders'],
  ['repair-order', '#/repair_orders/1'],
  ['works', '#/works'],
  ['repair-order-qc', `#/repair_orders/${qcOrder.id}`],
  ['qc-settings', '#/qc_settings'],
  ['shipments', '#/shipments'],
  ['shipment', `#/shipments/${shipRec.id}`],
  ['shipments-overdue', '#/shipments_overdue'],
  ['service-partners', '#/service_partners'],
  ['stock-find', '#/stock'],
  ['parts', '#/parts'],
  ['part', '#/parts/1'],
  ['warehouses', '#/warehouses'],
  ['suppliers', '#/suppliers'],
  ['supplier', '#/suppliers/1'],
  ['stock-receipt', '#/stock_receipt'],
  ['stock-replenish', '#/stock_replenish', async (p) => { await p.waitForSelector('.repl-table'); await p.click('tr[data-sku="TK-1170"] [data-action=why]'); await p.waitForSelector('.repl-chart canvas'); }],
  ['purchase-orders', '#/purchase_orders'],
  ['purchase-order', '#/purchase_orders/1'],
  ['supplier-returns', '#/supplier_returns'],
];

for (const lang of ['ru', 'en']) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(srv.base + '/');
  await page.evaluate((l) => localStorage.setItem('servitor.lang', l), lang);
  await page.evaluate((l) => { for (const k of Object.keys(localStorage)) if (/lang/i.test(k)) localStorage.setItem(k, l); }, lang);
  await page.reload();
  await page.waitForSelector('#login-login');
  await page.screenshot({ path: join(out, `${lang}-login.png`) });
  await page.goto(srv.base + '/#/public/request');
  await page.waitForSelector('textarea[name=description]');
  await page.screenshot({ path: join(out, `${lang}-public-request.png`) });
  await page.goto(srv.base + `/#/public/status?number=${encodeURIComponent(req.number)}&code=${req.access_code}`);
  await page.waitForSelector('[data-status]');
  await page.screenshot({ path: join(out, `${lang}-public-status.png`) });
  await page.goto(srv.base + '/');
  await page.waitForSelector('#login-login');
  await page.fill('#login-login', 'admin');
  await page.fill('#login-password', 'admin12345');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.sidenav');
  const current = await page.locator('.lang-switch button.active').textContent();
  if (current.trim().toLowerCase() !== lang) await page.click(`.lang-switch button:has-text("${lang.toUpperCase()}")`);
  for (const [name, hash, act] of screens) {
    await page.goto(srv.base + '/' + hash);
    await page.waitForTimeout(150);
    await page.waitForLoadState('networkidle');
    if (act) await act(page);
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(out, `${lang}-${name}.png`) });
    await page.keyboard.press('Escape');
  }
  await ctx.close();
}
await browser.close();
await srv.stop();
db.stop();
console.log(`screenshots in ${out}`);
