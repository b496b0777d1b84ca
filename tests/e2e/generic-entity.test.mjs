// generic-entity.test.mjs — a new entity gets its whole UI without UI code of
// its own. The test-only entity test_orders (served with
// SERVITOR_TEST_ENTITIES=1; it has only a descriptor, a migration and its
// labels) is created from the generic form, moved through its workflow by
// the buttons the server lists, commented and given a file on the generic
// record page, and its client sees it on the generic public page — the
// public file downloadable, the secret field and the internal file not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { testDb, run, serve } from '../lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let db, srv, browser;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url, [], { SERVITOR_TEST_ENTITIES: '1' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  db?.stop();
});

async function open(loginName, password) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ru-RU' });
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

const transitions = (page) => page.locator('[data-transition]').evaluateAll((els) => els.map((e) => e.dataset.transition));
const bytesOf = (page, href) => page.evaluate((h) => fetch(h).then(async (r) => ({ status: r.status, body: await r.text() })), href);

test('a test order: made, moved by its buttons, commented, given files, and shown to its client — all by the generic pages', async () => {
  const { page, errors, ctx } = await open('manager', 'demo12345');
  await page.goto(srv.base + '/#/test_orders/new');
  await page.waitForSelector('h1:has-text("Новый тестовый заказ")');
  await page.fill('input[name=subject]', 'Замена термоблока');
  await page.fill('input[name=secret]', 'скидка 30% — клиенту не говорить');
  await page.click('button[type=submit]');
  await page.waitForURL(/#\/test_orders\/\d+$/);

  // the labels of its fields and states, the buttons of its workflow
  await page.waitForSelector('[data-field=status]:has-text("Открыт")');
  assert.ok(await page.locator('dt:has-text("Тема")').count(), 'its field labels');
  await page.waitForSelector('[data-timeline=test_orders] [data-kind=created]');
  assert.deepEqual(await transitions(page), ['start']);
  await page.click('[data-transition=start]');
  await page.waitForSelector('[data-field=status]:has-text("В работе")');
  assert.deepEqual(await transitions(page), ['finish']);
  await page.waitForSelector('[data-kind=status]:has-text("Открыт → В работе")');
  const number = (await page.locator('[data-field=number]').textContent()).trim();
  const code = (await page.locator('[data-field=access_code]').textContent()).trim();
  assert.match(number, /^T-\d{4}-\d{6}$/);

  // a reply to the client and an internal note
  await page.fill('textarea[name=comment]', 'Термоблок заказан, замена в четверг');
  await page.click('.reply-box button[type=submit]');
  await page.waitForSelector('[data-kind=reply]:has-text("Термоблок заказан")');
  await page.click('.reply-box .seg button:nth-child(2)');
  await page.fill('textarea[name=comment]', 'Поставщик просил предоплату');
  await page.click('.reply-box button[type=submit]');
  await page.waitForSelector('[data-kind=note]:has-text("Поставщик")');

  // an internal file, then one shown to the client
  await page.setInputFiles('input[name=attachment]', { name: 'счёт поставщика.txt', mimeType: 'text/plain', buffer: Buffer.from('внутренний счёт') });
  await page.waitForSelector('[data-kind=file].ev-private a:has-text("счёт поставщика.txt")');
  await page.check('input[name=file_public]');
  await page.setInputFiles('input[name=attachment]', { name: 'Акт.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 акт\n%%EOF\n') });
  const link = page.locator('[data-kind=file]:not(.ev-private) a:has-text("Акт.pdf")');
  await link.waitFor();
  const got = await bytesOf(page, await link.getAttribute('href'));
  assert.equal(got.status, 200);
  assert.equal(got.body, '%PDF-1.4 акт\n%%EOF\n');

  await page.click('[data-transition=finish]');
  await page.waitForSelector('[data-field=status]:has-text("Готов")');
  assert.deepEqual(await transitions(page), []);
  assert.deepEqual(errors, []);
  await ctx.close();

  // the client, not signed in, on the generic public page
  const pub = await browser.newContext({ locale: 'ru-RU' });
  const cp = await pub.newPage();
  const perrors = [];
  cp.on('pageerror', (e) => perrors.push(String(e)));
  await cp.goto(`${srv.base}/#/public/test_orders/status?${new URLSearchParams({ number, code })}`);
  await cp.waitForSelector('[data-status=done]');
  const text = await cp.locator('.public-main').textContent();
  assert.match(text, /Замена термоблока/);
  assert.match(text, /Готов/);
  assert.match(text, /Термоблок заказан/);
  assert.doesNotMatch(text, /скидка|Поставщик|счёт поставщика/, 'no secret, no note, no internal file');
  const pubLink = cp.locator('[data-kind=file] a:has-text("Акт.pdf")');
  const pgot = await bytesOf(cp, await pubLink.getAttribute('href'));
  assert.equal(pgot.status, 200);
  assert.equal(pgot.body, '%PDF-1.4 акт\n%%EOF\n');
  assert.deepEqual(perrors, []);
  await pub.close();
});
