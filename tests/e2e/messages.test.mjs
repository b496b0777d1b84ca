// messages.test.mjs — messages to clients in headless Chromium: a template
// edited with its placeholder help and live preview (an unknown placeholder
// refused), the company's details, the outbox's dead letters resent by an
// admin, the client form's opt-out; in Russian and English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { testDb, run, serve, login, call, runJob, TEST_CLOCK_ENV } from '../lib.mjs';
import { startSmtp } from '../smtp.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = process.env.SCREENSHOTS_DIR;
let db, srv, smtp, browser;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '3', '--requests', '0', '--db', db.url]);
  smtp = await startSmtp({ refuse: 'refused' });
  srv = await serve(db.url, [], { ...TEST_CLOCK_ENV, SERVITOR_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SERVITOR_MAIL_FROM: 'service@servitor.test' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  await smtp?.stop();
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

test('a template: placeholder help, live preview, an unknown placeholder refused, saved', async () => {
  const { page, errors, ctx } = await open('manager', 'demo12345');
  const s = await login(srv.base, 'manager', 'demo12345', '10.73.0.1');
  const tpl = (await call(srv.base, s, 'GET', '/api/v1/message_templates?event=created&channel=email&lang=ru')).json.items[0];
  await page.goto(`${srv.base}/#/message_templates/${tpl.id}`);
  await page.waitForSelector('[data-testid=preview]');
  assert.match(await page.textContent('[data-testid=placeholders]'), /\{number\} — номер обращения/);
  assert.match(await page.textContent('[data-testid=preview]'), /О-2026-000123/);
  await page.fill('textarea[name=body]', 'Номер {number}, {oops}');
  await page.waitForSelector('.banner-error');
  assert.match(await page.textContent('.banner-error'), /Неизвестная подстановка.*\{oops\}/);
  await page.click('[data-testid=template-form] button[type=submit]');
  await page.waitForSelector('.field-error');
  assert.match(await page.textContent('.field-error'), /Неизвестная подстановка/);
  await page.fill('textarea[name=body]', 'Номер {number}, код {code}');
  await page.waitForFunction(() => /Номер О-2026-000123, код 482913/.test(document.querySelector('[data-testid=preview]')?.textContent || ''));
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/message-template-ru.png`, fullPage: true });
  await page.click('[data-testid=template-form] button[type=submit]');
  await page.waitForSelector('.toast, [role=status]');
  const saved = (await call(srv.base, s, 'GET', `/api/v1/message_templates/${tpl.id}`)).json;
  assert.equal(saved.body, 'Номер {number}, код {code}');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the outbox: an admin sees the dead letter with its reason and sends it again (English)', async () => {
  const s = await login(srv.base, 'manager', 'demo12345', '10.73.0.2');
  const c = await call(srv.base, s, 'POST', '/api/v1/clients', { kind: 'person', name: 'Отказ', email: 'x@refused.example.ru' });
  await call(srv.base, s, 'POST', '/api/v1/requests', { subject: 'Письмо не дойдёт', channel: 'phone', client_id: c.json.id });
  await runJob(srv.base, 'outbox.send');
  const { page, errors, ctx } = await open('admin', 'admin12345', 'en-US');
  await page.evaluate(() => localStorage.setItem('servitor.lang', 'en'));
  await page.goto(`${srv.base}/#/outbox`);
  await page.reload();
  await page.waitForSelector('tr[data-state=failed]');
  assert.match(await page.textContent('tr[data-state=failed] [data-error]'), /550/);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/outbox.png`, fullPage: true });
  await page.click('tr[data-state=failed] button');
  await page.waitForSelector('tr[data-state=failed]', { state: 'detached' });
  const a = await login(srv.base, 'admin', 'admin12345', '10.73.0.3');
  const rows = (await call(srv.base, a, 'GET', '/api/v1/outbox?state=pending')).json.items;
  assert.equal(rows.length, 1);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the company details and the client\'s opt-out on their forms', async () => {
  const { page, errors, ctx } = await open('manager', 'demo12345');
  await page.goto(`${srv.base}/#/company`);
  await page.waitForSelector('[data-testid=company-form]');
  await page.fill('[data-testid=company-form] input >> nth=1', 'javascript:1');
  await page.click('[data-testid=company-form] button[type=submit]');
  await page.waitForSelector('.field-error');
  await page.fill('[data-testid=company-form] input >> nth=1', 'https://service.example.ru');
  await page.click('[data-testid=company-form] button[type=submit]');
  await page.waitForSelector('.toast, [role=status]');
  const s = await login(srv.base, 'manager', 'demo12345', '10.73.0.4');
  assert.equal((await call(srv.base, s, 'GET', '/api/v1/company')).json.public_url, 'https://service.example.ru');
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/company-ru.png`, fullPage: true });
  await page.goto(`${srv.base}/#/clients/new`);
  await page.waitForSelector('[name=messages_opt_out]');
  assert.deepEqual(errors, []);
  await ctx.close();
});
