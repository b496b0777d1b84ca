// reports.test.mjs — the reports section, printing and the client's rating in
// headless Chromium against the real binary: a chart drawn on a canvas with
// data, a period switched (the table follows), an XLSX export downloaded and
// read back, both languages (screenshots looked at by people), a request
// page printed (page.pdf → PNG with pdftoppm, its text checked), and a
// client rating a resolved request on the status page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { testDb, run, serve, login, call, tempDir, ROOT } from '../lib.mjs';
import { readXlsx } from '../xlsx.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = join(ROOT, 'docs/screenshots');
let db, srv, browser, mgr, resolved;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '30', '--requests', '300', '--db', db.url]);
  srv = await serve(db.url);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  mgr = await login(srv.base, 'manager', 'demo12345', '10.80.0.1');
  // the company's name heads printed pages (Настройки → Компания)
  const co = await call(srv.base, mgr, 'GET', '/api/v1/company');
  const named = await call(srv.base, mgr, 'PATCH', '/api/v1/company', { version: co.json.version, name: 'ООО «Сервис-Центр Демо»' });
  assert.equal(named.status, 200, named.text);
  // resolved requests with their access codes; the first few rated by their clients
  // resolve some open requests first: the demo closes most of what it resolved
  const open = await call(srv.base, mgr, 'GET', '/api/v1/requests?status=assigned,in_progress,waiting_client,waiting_parts&limit=8');
  for (const r of open.json.items) {
    const x = await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/resolve`, { version: r.version });
    assert.equal(x.status, 200, x.text);
  }
  const list = await call(srv.base, mgr, 'GET', '/api/v1/requests?status=resolved&limit=20');
  resolved = [];
  for (const r of list.json.items) resolved.push((await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`)).json);
  assert.ok(resolved.length >= 6, 'the demo has resolved requests');
  for (const [i, r] of resolved.slice(0, 4).entries()) {
    const x = await call(srv.base, null, 'POST', '/api/v1/public/requests/rating', { number: r.number, code: r.access_code, rating: [5, 4, 2, 5][i], comment: i === 2 ? 'Долго ждали мастера' : undefined });
    assert.equal(x.status, 201, x.text);
  }
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  db?.stop();
});

async function open(lang, locale = lang === 'en' ? 'en-US' : 'ru-RU') {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale, acceptDownloads: true });
  await ctx.addInitScript((l) => localStorage.setItem('servitor.lang', l), lang);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.base + '/');
  await page.fill('#login-login', 'manager');
  await page.fill('#login-password', 'demo12345');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.sidenav');
  return { page, errors, ctx };
}

const chartPoints = (page) => page.locator('.report-chart').getAttribute('data-points');

test('the reports section: a chart with data, a period switched, an export read back', async () => {
  const { page, errors, ctx } = await open('ru');
  await page.click('.sidenav a[href="#/reports"]');
  await page.waitForSelector('.report[data-report=sla] .report-chart canvas');
  assert.ok(Number(await chartPoints(page)) > 0, 'the SLA chart has points');
  assert.ok(await page.locator('.report-table tbody tr').count() > 0);
  await page.click('.tabs a[href="#/reports/intake"]');
  await page.waitForSelector('.report[data-report=intake] .report-chart canvas');
  const canvasDrawn = await page.locator('.report-chart canvas').first().evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]) ink++;
    return ink;
  });
  assert.ok(canvasDrawn > 500, 'the canvas has ink');
  // a year: more days, more points
  const before = Number(await chartPoints(page));
  await page.click('.report-params button[data-days="365"]');
  await page.waitForFunction((n) => Number(document.querySelector('.report-chart')?.dataset.points) > n, before);
  assert.match(page.url(), /from=\d{4}-\d{2}-\d{2}/);
  await page.selectOption('select[name=step]', 'month');
  await page.waitForFunction(() => [...document.querySelectorAll('.report-table tbody td:first-child')].every((td) => /^\d{4}-\d{2}$/.test(td.textContent)));
  const shown = await page.locator('.report-table tbody tr').count();
  // the XLSX export: the same rows as the table
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('a[data-export=xlsx]')]);
  const file = join(tempDir('svdl-'), 'intake.xlsx');
  await dl.saveAs(file);
  const cells = readXlsx(readFileSync(file));
  assert.deepEqual(cells[0], ['period', 'key', 'label', 'requests']);
  assert.equal(cells.length - 1, shown);
  // times and ratings render their own columns
  await page.click('.tabs a[href="#/reports/ratings"]');
  await page.waitForSelector('.report[data-report=ratings] .report-chart canvas');
  await page.click('.tabs a[href="#/reports/sla"]');
  await page.waitForSelector('.report[data-report=sla] .report-chart canvas');
  await page.click('.report-params button[data-days="365"]');
  await page.waitForTimeout(300); // the chart's redraw
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'ru-reports.png') });
  await page.goto(srv.base + '/#/reports/times');
  await page.waitForSelector('.report[data-report=times] .report-chart canvas');
  await page.screenshot({ path: join(SHOTS, 'ru-reports-times.png') });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the reports in English', async () => {
  const { page, errors, ctx } = await open('en');
  await page.goto(srv.base + '/#/reports/intake?group=type');
  await page.waitForSelector('.report[data-report=intake] .report-chart canvas');
  assert.equal(await page.locator('.page-head h1').textContent(), 'Reports');
  assert.ok(await page.locator('.report-table th', { hasText: 'Requests' }).count() > 0);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, 'en-reports.png') });
  await page.goto(srv.base + '/#/reports/backlog');
  await page.waitForSelector('.report[data-report=backlog] .report-chart canvas');
  assert.ok(await page.locator('.report-table td', { hasText: 'under 1 day' }).count() > 0, 'age buckets in words');
  await page.screenshot({ path: join(SHOTS, 'en-reports-backlog.png') });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the period\'s dates in the UI\'s language beside pickers the browser draws in its own locale (en-US), in both languages', async () => {
  const shown = { ru: '05.01.2026', en: '2026-01-05' };
  for (const lang of ['ru', 'en']) {
    const { page, errors, ctx } = await open(lang, 'en-US');
    await page.goto(srv.base + '/#/reports/intake?from=2026-01-05&to=2026-02-20');
    await page.waitForSelector('.report[data-report=intake] .report-chart canvas');
    assert.equal(await page.evaluate(() => document.documentElement.lang), lang, 'the document\'s lang is the UI\'s');
    assert.equal(await page.inputValue('.report-params input[name=from]'), '2026-01-05');
    assert.equal(await page.locator('.report-params .date-shown[data-date="2026-01-05"]').textContent(), shown[lang]);
    assert.equal(await page.locator('.report-params .date-shown[data-date="2026-02-20"]').textContent(), lang === 'ru' ? '20.02.2026' : '2026-02-20');
    await page.waitForTimeout(300); // the chart's redraw
    await page.locator('.report-params').screenshot({ path: join(SHOTS, `${lang}-reports-dates.png`) });
    if (lang === 'ru') {
      // the language switched in the shell: the document's lang and the dates follow
      await page.click('.lang-switch button:has-text("EN")');
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      await page.waitForFunction(() => document.querySelector('.report-params .date-shown[data-date="2026-01-05"]')?.textContent === '2026-01-05');
    }
    assert.deepEqual(errors, []);
    await ctx.close();
  }
});

test('a request page prints as a clean card: the company, no menu, no buttons, no internal notes', async () => {
  const r = resolved[2];
  await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'ВНУТРЕННЯЯ ЗАМЕТКА для печати', public: false });
  const { page, errors, ctx } = await open('ru');
  await page.goto(srv.base + `/#/requests/${r.id}`);
  await page.waitForSelector('[data-timeline] .ev');
  assert.equal(await page.locator('.badge.rating').getAttribute('data-rating'), '2', 'the rating shows on the request');
  assert.ok(await page.locator('button[data-action=print]').isVisible());
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.sidenav').isVisible(), false);
  assert.equal(await page.locator('button[data-action=print]').isVisible(), false);
  assert.equal(await page.locator('.print-header').textContent(), 'ООО «Сервис-Центр Демо»');
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  const dir = tempDir('svpdf-');
  writeFileSync(join(dir, 'card.pdf'), pdf);
  const text = execFileSync('pdftotext', ['-layout', join(dir, 'card.pdf'), '-'], { encoding: 'utf8' });
  assert.match(text, /ООО «Сервис-Центр Демо»/);
  assert.ok(text.includes(r.number), 'the number');
  assert.ok(text.includes(r.subject.slice(0, 20)), 'the subject');
  assert.ok(!text.includes('ВНУТРЕННЯЯ ЗАМЕТКА'), 'internal notes are not printed');
  assert.ok(!/Отметить|Переоткрыть|Закрыть обращение|Выйти/.test(text), 'no buttons, no menu');
  execFileSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', '-singlefile', join(dir, 'card.pdf'), join(SHOTS, 'ru-request-print')]);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a client rates a resolved request on the status page, once', async () => {
  const r = resolved[5];
  const { page, errors, ctx } = await open('ru');
  await page.goto(srv.base + `/#/public/status?number=${encodeURIComponent(r.number)}&code=${r.access_code}`);
  await page.waitForSelector('.rate-box');
  await page.click('.stars-input button[data-stars="4"]');
  await page.fill('textarea[name=rating_comment]', 'Спасибо, всё работает');
  await page.screenshot({ path: join(SHOTS, 'ru-public-rating.png') });
  await page.click('.rate-box button[type=submit]');
  await page.waitForSelector('.rating-given[data-rating="4"]');
  assert.equal(await page.locator('.rate-box').count(), 0, 'asked once');
  assert.ok(await page.locator('.ev-rating').count() > 0, 'the rating is on the timeline');
  const back = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`)).json;
  assert.deepEqual([back.rating, back.rating_comment], [4, 'Спасибо, всё работает']);
  assert.deepEqual(errors, []);
  await ctx.close();
});
