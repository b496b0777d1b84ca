// documents.test.mjs — printed documents in the browser: the intake receipt
// printed from a repair order's page (its PDF opened in a new tab, then its
// number listed under the order's fields as a numbered document), and the
// company's requisites on their settings screen (a wrong БИК named under its
// field, then saved). With SCREENSHOTS_DIR set, the screens in Russian and
// English and a PNG of each of the order's documents (pdftoppm -r 70) go
// there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, mkdtempSync, rmSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDb, run, serve, login, call } from '../lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = process.env.SCREENSHOTS_DIR;
let db, srv, browser, order, done;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '3', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url, [], {});
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  const admin = await login(srv.base, 'admin', 'admin12345', '10.81.0.1');
  const co = (await call(srv.base, admin, 'GET', '/api/v1/company')).json;
  const r = await call(srv.base, admin, 'PATCH', '/api/v1/company', { version: co.version, name: 'Сервисный центр «Ремонт+»',
    legal_name: 'ООО «Ремонт и Сервис»', inn: '7707083893', kpp: '773601001', ogrn: '1027700132195',
    address: '117997, г. Москва, ул. Вавилова, д. 19', phone: '+74955005550', email: 'service@remont.example',
    website: 'remont.example', bank_name: 'ПАО Сбербанк', bik: '044525225', bank_account: '40702810938000012345',
    corr_account: '30101810400000000225', public_url: 'https://service.remont.example' });
  assert.equal(r.status, 200, r.text);
  const mgr = await login(srv.base, 'manager', 'demo12345', '10.81.0.2');
  const branch = await call(srv.base, admin, 'POST', '/api/v1/branches', { name: 'Южный', address: 'ул. Ёлочная, д. 3', phone: '+74951112233', working_hours: 'пн–пт 9:00–19:00, сб 10:00–16:00' });
  assert.equal(branch.status, 201, branch.text);
  const client = await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'person', name: 'Ёжиков Пётр Ильич', phone: '+79161234567', address: 'г. Москва, Щёлковское ш., 2' });
  const model = (await call(srv.base, mgr, 'GET', '/api/v1/equipment_models?limit=1')).json.items[0];
  const unit = await call(srv.base, mgr, 'POST', '/api/v1/equipment_units', { model_id: model.id, serial: 'VCF9X12345', client_id: client.json.id, purchase_date: '2019-04-01' });
  assert.equal(unit.status, 201, unit.text);
  const eng = (await call(srv.base, mgr, 'GET', '/api/v1/users?q=engineer')).json.items[0];
  const o = await call(srv.base, mgr, 'POST', '/api/v1/repair_orders', { client_id: client.json.id, unit_id: unit.json.id, branch_id: branch.json.id,
    declared_fault: 'Не захватывает бумагу из лотка 2, ошибка J-0511', intake_condition: 'Царапины на верхней крышке, скол левого угла',
    accessories: 'Кабель питания, лоток 2; без картриджа', demand: 'estimate_first', price_ceiling: 1500000, planned_date: '2031-03-15', technician_id: eng.id });
  assert.equal(o.status, 201, o.text);
  order = o.json;
  // a second order, repaired and issued, for the other documents' pictures
  const engS = await login(srv.base, eng.login, 'demo12345', '10.81.0.3');
  let d = (await call(srv.base, mgr, 'POST', '/api/v1/repair_orders', { client_id: client.json.id, unit_id: unit.json.id, branch_id: branch.json.id,
    declared_fault: 'Полосы на отпечатках', demand: 'repair', technician_id: eng.id, repair_warranty_days: 90 })).json;
  for (const [as, step] of [[engS, 'diagnose'], [engS, 'start_repair'], [engS, 'to_qc'], [mgr, 'qc_pass']]) {
    const m = await call(srv.base, as, 'POST', `/api/v1/repair_orders/${d.id}/transitions/${step}`, { version: d.version });
    assert.equal(m.status, 200, `${step}: ${m.text}`);
    d = m.json;
  }
  const p = await call(srv.base, mgr, 'PATCH', `/api/v1/repair_orders/${d.id}`, { version: d.version, paid: true,
    found_fault: 'Износ ролика переноса, загрязнение блока проявки', work_done: 'Замена ролика переноса; чистка блока проявки; тестовая печать 50 листов',
    check_methods: 'Внешний осмотр, тестовая печать, сервисный режим', conclusion: 'needs_repair', fault_cause: 'operational',
    recommendations: 'Использовать бумагу 80 г/м², чистить аппарат раз в полгода' });
  assert.equal(p.status, 200, p.text);
  const i = await call(srv.base, mgr, 'POST', `/api/v1/repair_orders/${d.id}/transitions/issue`, { version: p.json.version });
  assert.equal(i.status, 200, i.text);
  done = i.json;
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  db?.stop();
});

async function open(loginName, password, locale = 'ru-RU') {
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

test('the intake receipt printed from the order\'s page: its PDF in a new tab, then its number in the order\'s documents', async () => {
  for (const [locale, lang] of [['ru-RU', 'ru'], ['en-US', 'en']]) {
    const { page, errors, ctx } = await open('manager', 'demo12345', locale);
    await setLang(page, lang);
    await page.goto(`${srv.base}/#/repair_orders/${order.id}`);
    await page.waitForSelector('[data-testid=issued-documents]');
    const link = page.locator('a[data-document=intake_receipt]');
    assert.equal(await link.count(), 1);
    if (lang === 'ru') {
      assert.match(await page.textContent('[data-testid=issued-documents]'), /ещё не печатались/);
      assert.match(await link.textContent(), /Квитанция о приёме/);
      // the PDF comes back in the new tab the link opens
      const pdf = ctx.waitForEvent('response', (r) => r.url().includes(`/repair_orders/${order.id}/documents/intake_receipt.pdf`));
      await link.click();
      const r = await pdf;
      assert.equal(r.status(), 200);
      assert.equal(r.headers()['content-type'], 'application/pdf');
    }
    // the list learns of the print: the receipt's number
    await page.waitForSelector('[data-testid=issued-documents] tr[data-document=intake_receipt] [data-number]', { timeout: 15000 });
    assert.match(await page.textContent('[data-testid=issued-documents] [data-number]'), /^КВ-\d{4}-\d{6}$/);
    await page.evaluate(() => window.scrollTo(0, 0));
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${lang}-repair-order-documents.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await ctx.close();
  }
});

test('the company\'s requisites on their screen: a wrong БИК named under its field, then saved; in both languages', async () => {
  for (const [locale, lang] of [['ru-RU', 'ru'], ['en-US', 'en']]) {
    const { page, errors, ctx } = await open('admin', 'admin12345', locale);
    await setLang(page, lang);
    await page.goto(`${srv.base}/#/company`);
    await page.waitForSelector('[data-testid=company-form] input[name=inn]');
    assert.equal(await page.inputValue('input[name=inn]'), '7707083893');
    assert.equal(await page.inputValue('input[name=legal_name]'), 'ООО «Ремонт и Сервис»');
    if (lang === 'ru') {
      await page.fill('input[name=bik]', '04452522');
      await page.click('[data-testid=company-form] button[type=submit]');
      await page.waitForSelector('.field-error');
      assert.match(await page.textContent('.field-error'), /БИК/);
      await page.fill('input[name=bik]', '044525225');
      await page.fill('input[name=director]', 'Генеральный директор Петров П. П.');
      await page.click('[data-testid=company-form] button[type=submit]');
      await page.waitForSelector('.field-error', { state: 'detached' });
      const s = await login(srv.base, 'admin', 'admin12345', '10.81.0.9');
      await waitUntil(async () => (await call(srv.base, s, 'GET', '/api/v1/company')).json.director === 'Генеральный директор Петров П. П.');
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    if (SHOTS) await page.screenshot({ path: join(SHOTS, `${lang}-company.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await ctx.close();
  }
});

async function setLang(page, lang) {
  const current = await page.locator('.lang-switch button.active').textContent();
  if (current.trim().toLowerCase() !== lang) await page.click(`.lang-switch button:has-text("${lang.toUpperCase()}")`);
  await page.waitForSelector(`.lang-switch button.active:has-text("${lang.toUpperCase()}")`);
}

async function waitUntil(cond, ms = 10000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail('not in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('each document renders to a page image (the pictures in docs/screenshots when asked)', async () => {
  const mgr = await login(srv.base, 'manager', 'demo12345', '10.81.0.4');
  const dir = mkdtempSync(join(tmpdir(), 'servitor-docpng-'));
  try {
    for (const [id, name] of [[order.id, 'intake_receipt'], [order.id, 'pd_consent'], [done.id, 'condition_act'],
      [done.id, 'completion_act'], [done.id, 'warranty_card']]) {
      const r = await fetch(`${srv.base}/api/v1/repair_orders/${id}/documents/${name}.pdf`, { headers: { cookie: mgr.cookie, 'x-forwarded-for': '10.81.0.4' } });
      assert.equal(r.status, 200, name);
      const file = join(dir, `${name}.pdf`);
      writeFileSync(file, Buffer.from(await r.arrayBuffer()));
      const p = spawnSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', file, join(dir, name)], { encoding: 'utf8' });
      assert.equal(p.status, 0, p.stderr);
      if (SHOTS) renameSync(join(dir, `${name}-1.png`), join(SHOTS, `doc-${name.replace(/_/g, '-')}.png`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
