// ui.test.mjs — the real UI in headless Chromium against the real binary:
// the platform scenario (client with a contact, edit, Russian search, English,
// logout) and a request taken through its workflow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { testDb, run, serve, login, call, BIN } from '../lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let db, srv, browser;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '30', '--db', db.url]);
  srv = await serve(db.url);
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

test('wrong password shows the error and stays on the login screen', async () => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(srv.base + '/');
  await page.fill('#login-login', 'admin');
  await page.fill('#login-password', 'wrong-password');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.banner, .error, [role=alert]');
  assert.equal(await page.locator('.sidenav').count(), 0);
  await ctx.close();
});

test('a company client with a contact: create, edit, find in Russian, switch to English, log out', async () => {
  const { page, errors, ctx } = await open('manager', 'demo12345');
  await page.goto(srv.base + '/#/clients/new');
  await page.selectOption('select[name=kind]', 'company');
  await page.fill('input[name=name]', 'ООО «Ёлочка-Сервис»');
  await page.fill('input[name=inn]', '7707083894'); // wrong check digit
  await page.click('button[type=submit]');
  await page.waitForSelector('[aria-invalid=true][name=inn]');
  const innError = await page.locator('.field-error, .error-text, .input-error ~ *').allTextContents();
  assert.ok(innError.join(' ').length > 0, 'an inline message is shown');
  await page.fill('input[name=inn]', '7707083893');
  await page.fill('input[name=phone]', '8 (912) 555-44-33');
  await page.click('button[type=submit]');
  await page.waitForURL(/#\/clients\/\d+$/);
  await page.waitForSelector('h1');
  assert.equal(await page.locator('h1').textContent(), 'ООО «Ёлочка-Сервис»');
  const clientUrl = page.url();

  // a contact
  await page.click('#contacts button.btn-small');
  await page.fill('.modal input[name=name]', 'Анна Петровна Ёжикова');
  await page.fill('.modal input[name=position]', 'Главный бухгалтер');
  await page.click('.modal button[type=submit]');
  await page.waitForSelector('#contacts td:has-text("Анна Петровна Ёжикова")');

  // edit
  await page.goto(clientUrl + '/edit');
  await page.fill('input[name=name]', 'ООО «Ёлочка-Сервис Плюс»');
  await page.click('button[type=submit]');
  await page.waitForURL(/#\/clients\/\d+$/);
  await page.waitForSelector('h1:has-text("Плюс")');

  // search in Russian: е for ё, lower case, a word prefix
  await page.goto(srv.base + '/#/clients');
  await page.waitForSelector('table');
  await page.keyboard.press('/');
  await page.keyboard.type('елочка серв');
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1, null, { timeout: 5000 });
  assert.equal(await page.locator('tbody tr td:has-text("Ёлочка-Сервис Плюс")').count(), 1);
  assert.match(page.url(), /q=/, 'the search is in the address, so it can be shared and reloaded');

  // English
  await page.click('.lang-switch button:has-text("EN")');
  await page.waitForSelector('h1:has-text("Clients")');
  assert.ok(await page.locator('.sidenav:has-text("Equipment")').count());

  // log out
  await page.click('button:has-text("Log out")');
  await page.waitForSelector('#login-password');
  const me = await page.evaluate(() => fetch('/api/v1/auth/me').then((r) => r.status));
  assert.equal(me, 401);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a request: created by phone, assigned, answered and resolved through the buttons the server lists', async () => {
  const { page, errors, ctx } = await open('manager', 'demo12345');
  await page.goto(srv.base + '/#/requests/new');
  await page.fill('input[name=subject]', 'Кофемашина не греет воду');
  await page.click('button[type=submit]');
  await page.waitForURL(/#\/requests\/\d+$/);
  await page.waitForSelector('[data-transition]');
  const buttons = await page.locator('[data-transition]').evaluateAll((els) => els.map((e) => e.dataset.transition));
  assert.deepEqual(buttons, ['assign', 'start', 'cancel']);
  await page.click('[data-transition=assign]');
  await page.fill('#assign-to', 'Ковал');
  await page.click('.ref-list li:has-text("Ковалёв")');
  await page.click('.modal .btn-primary');
  await page.waitForSelector('.badge.status-assigned');
  await page.fill('textarea[name=comment]', 'Привезите аппарат в сервис, пожалуйста.');
  await page.click('.reply-box button[type=submit]');
  await page.waitForSelector('.ev-reply:has-text("Привезите аппарат")');
  await page.click('[data-transition=start]');
  await page.waitForSelector('.badge.status-in_progress');
  await page.click('[data-transition=resolve]');
  await page.waitForSelector('.badge.status-resolved');
  const after = await page.locator('[data-transition]').evaluateAll((els) => els.map((e) => e.dataset.transition));
  assert.deepEqual(after, ['close', 'reopen']);
  const kinds = await page.locator('.req-timeline li').evaluateAll((els) => els.map((e) => e.dataset.kind));
  assert.deepEqual(kinds, ['created', 'assigned', 'status', 'reply', 'status', 'status']);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a phone call from a new client: taken on one form, routed by a rule, answered, resolved, closed; the client checks it on the status page', async () => {
  // a manager's rule: coffee machines go to the coffee queue and to Kovalev
  const admin = await login(srv.base, 'admin', 'admin12345', '10.90.0.9');
  const eng = (await call(srv.base, admin, 'GET', '/api/v1/users?q=engineer')).json.items.find((u) => u.login === 'engineer');
  const rule = await call(srv.base, admin, 'POST', '/api/v1/routing_rules',
    { position: 1, name: 'Кофемашины — Ковалёву', cond_words: 'кофемашина', set_queue: 'Кофе', assign_mode: 'user', assign_user_id: eng.id });
  assert.equal(rule.status, 201, rule.text);

  const { page, errors, ctx } = await open('manager', 'demo12345');
  await page.goto(srv.base + '/#/requests/new');
  await page.fill('input[name=subject]', 'Кофемашина выдаёт ошибку 8');
  await page.click('.client-choice button:has-text("Новый клиент")');
  await page.fill('#f-requests-client-name', 'Соколова Вера');
  await page.click('button[type=submit]');
  // neither phone nor e-mail: the server refuses, the form says where
  await page.waitForSelector('.inline-client .field-error');
  await page.fill('#f-requests-client-phone', '8 916 555-44-33');
  await page.waitForSelector('.inline-client [role=status]:has-text("будет создан")');
  await page.check('#f-requests-client-consent');
  await page.click('button[type=submit]');
  await page.waitForURL(/#\/requests\/\d+$/);
  await page.waitForSelector('[data-summary=client]:has-text("Соколова Вера")');
  // the rule and the queue are among the details, folded until asked for
  await page.click('[data-details] > summary');
  await page.waitForSelector('dd[data-field=routed_rule_id]:has-text("Кофемашины — Ковалёву")');
  await page.waitForSelector('dd[data-field=queue]:has-text("Кофе")');
  await page.waitForSelector('[data-summary=work]:has-text("Ковалёв")');
  await page.waitForSelector('.badge.status-assigned');
  const number = (await page.locator('h1').textContent()).trim();
  const code = (await page.locator('dd[data-field=access_code]').textContent()).trim();
  assert.match(number, /^О-\d{4}-\d{6}$/);
  assert.match(code, /^[0-9A-HJKMNP-TV-Z]{10}$/);
  await page.fill('textarea[name=comment]', 'Здравствуйте! Ошибка 8 — датчик воды, привезите машину.');
  await page.click('.reply-box button[type=submit]');
  await page.waitForSelector('.ev-reply:has-text("датчик воды")');
  await page.click('[data-transition=start]');
  await page.waitForSelector('.badge.status-in_progress');
  await page.click('[data-transition=resolve]');
  await page.waitForSelector('.badge.status-resolved');
  await page.click('[data-transition=close]');
  await page.waitForSelector('.badge.status-closed');
  // the same client, typed in again by phone, is found rather than doubled
  await page.goto(srv.base + '/#/requests/new');
  await page.click('.client-choice button:has-text("Новый клиент")');
  await page.fill('#f-requests-client-phone', '+7 (916) 555-44-33');
  await page.waitForSelector('.inline-client-match:has-text("Соколова Вера")');
  assert.deepEqual(errors, []);
  await ctx.close();

  const pub = await browser.newContext({ viewport: { width: 800, height: 900 } });
  const pp = await pub.newPage();
  await pp.goto(srv.base + `/#/public/status?number=${encodeURIComponent(number)}&code=${code}`);
  await pp.waitForSelector('[data-status=closed]');
  const text = await pp.locator('[data-status]').textContent();
  assert.ok(text.includes('датчик воды'), 'the public reply is shown to the client');
  await pub.close();
});

test('a client sends the public form, the desk answers and resolves, the client sees it on the status page', async () => {
  const ctx = await browser.newContext({ viewport: { width: 800, height: 900 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.base + '/#/public/request');
  await page.fill('input[name=name]', 'Мария Клиентова');
  await page.fill('input[name=phone]', '+7 903 111-22-33');
  await page.fill('input[name=equipment]', 'De\'Longhi ECAM 22.110');
  await page.fill('textarea[name=description]', 'Кофемашина течёт снизу');
  await page.click('button[type=submit]');
  await page.waitForSelector('.field-error'); // consent missing
  await page.check('input[name=consent]');
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-number]');
  const number = (await page.locator('[data-number]').textContent()).trim();
  const code = (await page.locator('[data-code]').textContent()).trim();

  const staff = await open('manager', 'demo12345');
  await staff.page.goto(srv.base + '/#/requests');
  await staff.page.keyboard.press('/');
  await staff.page.keyboard.type(number);
  await staff.page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
  await staff.page.keyboard.press('Escape');
  await staff.page.click('tbody tr a');
  await staff.page.waitForSelector('[data-transition=start]');
  await staff.page.click('[data-transition=start]');
  await staff.page.waitForSelector('.badge.status-in_progress');
  await staff.page.click('.seg button:nth-child(2)');
  await staff.page.fill('textarea[name=comment]', 'Внутренняя заметка: уплотнитель');
  await staff.page.click('.reply-box button[type=submit]');
  await staff.page.waitForSelector('.ev-note');
  await staff.page.click('.seg button:nth-child(1)');
  await staff.page.fill('textarea[name=comment]', 'Заменили уплотнитель, можно забирать.');
  await staff.page.click('.reply-box button[type=submit]');
  await staff.page.waitForSelector('.ev-reply');
  await staff.page.click('[data-transition=resolve]');
  await staff.page.waitForSelector('.badge.status-resolved');
  await staff.ctx.close();

  await page.click('a.btn-primary');
  await page.waitForSelector('[data-status=resolved]');
  const text = await page.locator('[data-status]').textContent();
  assert.ok(text.includes('Заменили уплотнитель'));
  assert.ok(!text.includes('Внутренняя заметка'));
  assert.ok(text.includes(number));
  await page.goto(srv.base + `/#/public/status?number=${encodeURIComponent(number)}&code=000000`);
  await page.reload();
  await page.waitForSelector('.banner, [role=alert], .error');
  assert.equal(await page.locator('[data-status]').count(), 0);
  assert.deepEqual(errors, []);
  assert.ok(code.length === 10);
  await ctx.close();
});

test('a phone consultation logged in one step lands closed, with the answer on its timeline', async () => {
  const { page, errors, ctx } = await open('engineer', 'demo12345');
  await page.click('.sidenav a[href="#/consultation"]');
  await page.fill('input[name=question]', 'Как сбросить счётчик тонера?');
  await page.fill('textarea[name=answer]', 'Меню → Обслуживание → Сброс счётчика.');
  await page.click('button[type=submit]');
  await page.waitForSelector('.badge.status-closed');
  await page.waitForSelector('.ev-reply:has-text("Сброс счётчика")');
  assert.equal(await page.locator('[data-transition]').count() >= 1, true, 'reopen is offered');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the bell shows an assignment to the assignee and leads to the request', async () => {
  const m = await open('manager', 'demo12345');
  await m.page.goto(srv.base + '/#/requests/new');
  await m.page.fill('input[name=subject]', 'Проверка колокольчика');
  await m.page.click('button[type=submit]');
  await m.page.waitForSelector('[data-transition=assign]');
  const url = m.page.url();
  await m.page.click('[data-transition=assign]');
  await m.page.fill('#assign-to', 'Ковал');
  await m.page.click('.ref-list li:has-text("Ковалёв")');
  await m.page.click('.modal .btn-primary');
  await m.page.waitForSelector('.badge.status-assigned');
  await m.ctx.close();
  const e = await open('engineer', 'demo12345');
  await e.page.waitForSelector('.bell-count');
  await e.page.click('.bell-btn');
  await e.page.click('.bell-menu li.unread button:has-text("Проверка колокольчика")');
  await e.page.waitForURL(url);
  await e.page.waitForSelector('h1');
  assert.deepEqual(e.errors, []);
  await e.ctx.close();
});

test('list views: a ready-made one filters, a saved one comes back and is the user\'s own', async () => {
  const { page, errors, ctx } = await open('manager', 'demo12345');
  await page.goto(srv.base + '/#/requests');
  await page.waitForSelector('.views-bar');
  await page.click('.views-bar .chip button:has-text("Новые")');
  await page.waitForURL(/status=new/);
  await page.waitForSelector('.views-bar .chip.active:has-text("Новые")');
  await page.click('.views-bar button:has-text("Сохранить вид")');
  await page.fill('input[name=view-name]', 'Новые для разбора');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.views-bar .chip:has-text("Новые для разбора")');
  await page.click('.views-bar .chip button:has-text("Все")');
  await page.waitForFunction(() => !location.hash.includes('status='));
  await page.click('.views-bar .chip button:has-text("Новые для разбора")');
  await page.waitForURL(/status=new/);
  // "mine, open" filters by the open states the server publishes in its meta
  const meta = await page.evaluate(() => fetch('/api/v1/meta').then((r) => r.json()));
  const openStates = meta.entities.find((e) => e.name === 'requests').workflow.states
    .filter((s) => s.category === 'open').map((s) => s.name);
  await page.click('.views-bar .chip button:has-text("Мои открытые")');
  await page.waitForURL(/assignee_id=/);
  const shown = new URLSearchParams(page.url().split('?')[1]).get('status');
  assert.deepEqual(shown.split(','), openStates);
  assert.deepEqual(errors, []);
  await ctx.close();
  const other = await open('engineer', 'demo12345');
  await other.page.goto(srv.base + '/#/requests');
  await other.page.waitForSelector('.views-bar');
  await other.page.waitForTimeout(300);
  assert.equal(await other.page.locator('.views-bar .chip:has-text("Новые для разбора")').count(), 0);
  await other.ctx.close();
});

test('a file attached on the request page is listed and downloadable', async () => {
  const { page, errors, ctx } = await open('manager', 'demo12345');
  await page.goto(srv.base + '/#/requests/new');
  await page.fill('input[name=subject]', 'С файлом');
  await page.click('button[type=submit]');
  await page.waitForSelector('input[name=attachment]');
  await page.setInputFiles('input[name=attachment]', { name: 'Акт.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  await page.waitForSelector('.files a:has-text("Акт.pdf")');
  const href = await page.locator('.files a').getAttribute('href');
  const status = await page.evaluate((h) => fetch(h).then((r) => r.status), href);
  assert.equal(status, 200);
  await page.waitForSelector(`.ev-file a[href="${href}"]`); // the timeline links the same file
  assert.deepEqual(errors, []);
  await ctx.close();
});


test('the request page offers its printed documents (meta), each a PDF; a storekeeper gets only the card', async () => {
  const { page, errors, ctx } = await open('manager', 'demo12345');
  await page.goto(srv.base + '/#/requests/new');
  await page.fill('input[name=subject]', 'На печать');
  await page.click('button[type=submit]');
  await page.waitForSelector('a[data-document=intake_act]');
  assert.match(await page.locator('a[data-document=card]').innerText(), /Карточка обращения/);
  assert.match(await page.locator('a[data-document=intake_act]').innerText(), /Акт приёма/);
  const id = /#\/requests\/(\d+)/.exec(page.url())[1];
  for (const name of ['card', 'intake_act']) {
    const href = await page.locator(`a[data-document=${name}]`).getAttribute('href');
    assert.equal(href, `/api/v1/requests/${id}/documents/${name}.pdf`);
    const got = await page.evaluate((h) => fetch(h).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'),
      head: new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5)) })), href);
    assert.deepEqual(got, { status: 200, type: 'application/pdf', head: '%PDF-' });
  }
  assert.deepEqual(errors, []);
  await ctx.close();
  const store = await open('store', 'demo12345');
  await store.page.goto(`${srv.base}/#/requests/${id}`);
  await store.page.waitForSelector('a[data-document=card]');
  assert.equal(await store.page.locator('a[data-document=intake_act]').count(), 0);
  await store.ctx.close();
});

test('a contract with an SLA term, made from the client page; a request for the client runs "SLA по договору"', async () => {
  const { page, errors, ctx } = await open('sales', 'demo12345');
  await page.goto(srv.base + '/#/clients/new');
  await page.selectOption('select[name=kind]', 'company');
  await page.fill('input[name=name]', 'ООО «Договорный клиент»');
  await page.click('button[type=submit]');
  await page.waitForURL(/#\/clients\/\d+$/);
  const clientUrl = page.url();

  // the client page: + contract, prefilled with the client, back to the client
  await page.click('#contracts a.btn-small');
  await page.waitForSelector('input[name=number]');
  await page.fill('input[name=number]', 'СО-77/2026');
  await page.fill('input[name=title]', 'Сервисное обслуживание кофемашин');
  const started = new Date(Date.now() - 10 * 86400000).toISOString().slice(0, 10);
  await page.fill('input[name=starts_on]', started);
  await page.fill('input[name=ends_on]', '2020-01-01');
  await page.click('button[type=submit]');
  await page.waitForSelector('[aria-invalid=true][name=ends_on]');
  assert.match(await page.locator('.field-error').first().textContent(), /Раньше даты начала/);
  await page.fill('input[name=ends_on]', '');
  await page.click('button[type=submit]');
  await page.waitForURL(clientUrl);
  await page.click('#contracts a:has-text("СО-77/2026")');
  await page.waitForSelector('h1:has-text("№ СО-77/2026")');
  await page.waitForSelector('.badge.contract-active');
  const contractUrl = page.url();

  // a term for urgent requests
  await page.click('#terms button.btn-small');
  await page.selectOption('.modal select[name=priority]', 'urgent');
  // terms are typed in minutes, hours or days (hours unless chosen) and kept in minutes
  await page.selectOption('.modal select[name=first_response_minutes-unit]', '1');
  await page.fill('.modal input[name=first_response_minutes]', '15');
  await page.fill('.modal input[name=resolution_minutes]', '2');
  await page.click('.modal button[type=submit]');
  await page.waitForSelector('#terms td:has-text("Срочный")');
  assert.equal(await page.locator('#terms td:has-text("2 ч")').count(), 1);
  assert.equal(await page.locator('#terms td:has-text("15 мин")').count(), 1);
  // a term for low ones, added after, is listed below: the most urgent first, in the
  // order of the priorities the server publishes
  await page.click('#terms button.btn-small');
  await page.selectOption('.modal select[name=priority]', 'low');
  await page.fill('.modal input[name=first_response_minutes]', '4');
  await page.selectOption('.modal select[name=resolution_minutes-unit]', '1440');
  await page.fill('.modal input[name=resolution_minutes]', '2');
  await page.click('.modal button[type=submit]');
  await page.waitForSelector('#terms td:has-text("2 дн")');
  const firstCells = await page.locator('#terms tbody tr td:first-child').allTextContents();
  assert.equal(firstCells.length, 2);
  assert.match(firstCells[0], /Срочный/);

  // a request for the client takes the contract in force and its term
  await page.goto(srv.base + '/#/requests/new');
  await page.fill('input[name=subject]', 'Кофемашина течёт');
  await page.selectOption('select[name=priority]', 'urgent');
  await page.fill('#f-requests-client_id', 'Договорный');
  await page.click('.ref-list li:has-text("Договорный клиент")');
  await page.click('button[type=submit]');
  await page.waitForURL(/#\/requests\/\d+$/);
  await page.waitForSelector('[data-sla-source=contract]');
  assert.equal((await page.locator('[data-sla-source=contract]').textContent()).trim(), 'SLA по договору № СО-77/2026');
  assert.equal((await page.locator('dd[data-field=contract_id]').textContent()).trim(), 'СО-77/2026');
  const requestUrl = page.url();

  // the contract page lists it; English labels
  await page.goto(contractUrl);
  await page.waitForSelector('#requests td:has-text("Кофемашина течёт")');
  await page.click('.lang-switch button:has-text("EN")');
  await page.waitForSelector('#terms h2:has-text("SLA terms")');
  assert.ok(await page.locator('.sidenav a:has-text("Contracts")').count());
  await page.goto(requestUrl);
  await page.waitForSelector('[data-sla-source=contract]:has-text("SLA by contract No. СО-77/2026")');
  await page.click('.lang-switch button:has-text("RU")');
  assert.deepEqual(errors, []);
  await ctx.close();
});
test('a request that came by e-mail shows it; the client\'s e-mail reply stands out on the timeline', async () => {
  const mail = (subject, body, id) => {
    const r = spawnSync(BIN, ['mail-intake', '--db', db.url], {
      input: [`From: Client <e2e-client@example.com>`, `Subject: ${subject}`, `Message-ID: <${id}@example.com>`,
        'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\r\n'),
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stderr.match(/О-\d{4}-\d{6}/)[0];
  };
  const number = mail('Printer jams', 'Paper jams every time', 'e2e-1');
  mail(`Re: [${number}] Printer jams`, 'It is a Kyocera M2040dn', 'e2e-2');
  const { page, errors, ctx } = await open('manager', 'demo12345');
  await page.goto(srv.base + `/#/requests?q=${encodeURIComponent(number)}`);
  await page.click(`a:has-text("${number}")`);
  await page.waitForSelector('.badge.channel-email:has-text("Из письма")');
  const reply = page.locator('.ev-client_reply');
  await reply.waitFor();
  assert.match(await reply.textContent(), /Ответ клиента по почте.*Client <e2e-client@example\.com>.*It is a Kyocera M2040dn/s);
  assert.deepEqual(errors, []);
  await ctx.close();
});


test('a knowledge article applies to a further model: added and removed on the article page', async () => {
  const mgr = await login(srv.base, 'manager', 'demo12345', '10.90.0.12');
  const model = (await call(srv.base, mgr, 'GET', '/api/v1/equipment_models?limit=1&sort=id')).json.items[0];
  const art = (await call(srv.base, mgr, 'POST', '/api/v1/articles', { title: 'Сброс ошибки подачи', body: 'Выключите и включите аппарат…' })).json;
  const { page, errors, ctx } = await open('manager', 'demo12345');
  await page.goto(srv.base + `/#/articles/${art.id}`);
  await page.waitForSelector('#models .empty-inline');
  await page.click('#models .card-head button');
  await page.fill('.modal input[id$=model_id]', model.brand);
  await page.click(`.ref-list li:has-text("${model.model}")`);
  await page.click('.modal button[type=submit]');
  await page.waitForSelector(`#models td:has-text("${model.model}")`);
  const links = (await call(srv.base, mgr, 'GET', `/api/v1/article_models?article_id=${art.id}`)).json.items;
  assert.deepEqual(links.map((l) => l.model_id), [model.id]);
  await page.click('#models .danger');
  await page.click('.modal .btn-danger, .modal .btn-primary');
  await page.waitForSelector('#models .empty-inline');
  assert.deepEqual((await call(srv.base, mgr, 'GET', `/api/v1/article_models?article_id=${art.id}`)).json.items, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a damaged link shows an error page, not a blank one', async () => {
  const ctx = await browser.newContext({ locale: 'ru-RU' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  for (const link of ['/#/public/status?number=%E0%A4', '/#/clients/%E0%A4']) {
    await page.goto(srv.base + link);
    await page.reload();
    await page.waitForSelector('[data-page=bad-link] [role=alert]');
    assert.match(await page.locator('[role=alert]').textContent(), /Ссылка повреждена/);
  }
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('an admin makes a read-only API token that ends on a date; the list shows both', async () => {
  const { page, errors, ctx } = await open('admin', 'admin12345');
  await page.goto(srv.base + '/#/tokens');
  await page.click('.page-head .btn-primary');
  await page.fill('#tok-name', 'Отчёты только чтение');
  await page.selectOption('#tok-scope', 'read');
  const day = new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10);
  await page.fill('#tok-until', day);
  await page.click('.modal button[type=submit]');
  await page.waitForSelector('[data-testid=new-token]');
  const row = page.locator('tr', { hasText: 'Отчёты только чтение' });
  await row.waitFor();
  const text = await row.textContent();
  assert.ok(text.includes('Только чтение'), text);
  assert.ok(text.includes(day.slice(8, 10)), text);
  assert.deepEqual(errors, []);
  await ctx.close();
});
