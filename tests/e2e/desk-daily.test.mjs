// desk-daily.test.mjs — the desk in daily use, in headless Chromium against
// the real binary (issue 10, items 2–6, 9, 12): history on the client, unit
// and request pages, pickers that know the client, the compact list of open
// requests with filter chips, search that finds requests, shortcuts on the
// Russian layout, the request page refreshed when someone else changes it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { testDb, run, serve, login, call } from '../lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let db, srv, browser, mgr, clientA, clientB, unitA, unitB, contactA, req, meta;
const OPEN = ['new', 'assigned', 'in_progress', 'waiting_client', 'waiting_parts'];

before(async () => {
  db = testDb();
  run(['demo', '--scale', '60', '--db', db.url]);
  srv = await serve(db.url);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  mgr = await login(srv.base, 'manager', 'demo12345', '10.120.0.1');
  const model = (await call(srv.base, mgr, 'GET', '/api/v1/equipment_models?limit=1')).json.items[0];
  // two companies of similar names in different cities
  clientA = (await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'company', name: 'ООО «Тёзка»', inn: '7707083893', address: 'г. Тверь, ул. Советская, д. 5', phone: '+79161112233', email: 'tezka@example.ru' })).json;
  clientB = (await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'company', name: 'ООО «Тёзка-Юг»', address: 'г. Самара, ул. Ленина, д. 7' })).json;
  unitA = (await call(srv.base, mgr, 'POST', '/api/v1/equipment_units', { model_id: model.id, serial: 'TEZ-A-1', client_id: clientA.id, warranty_until: '2099-12-31' })).json;
  unitB = (await call(srv.base, mgr, 'POST', '/api/v1/equipment_units', { model_id: model.id, serial: 'TEZ-B-1', client_id: clientB.id, warranty_until: '2020-01-31' })).json;
  contactA = (await call(srv.base, mgr, 'POST', '/api/v1/contacts', { client_id: clientA.id, name: 'Анна Тёзкина', phone: '+79165554433' })).json;
  req = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Щёлкает и не греет', description: 'Слышен щелчок реле, нагрев не идёт', client_id: clientA.id, unit_id: unitA.id })).json;
  await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Второе открытое', client_id: clientA.id });
  const old = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Старая поломка', unit_id: unitA.id, client_id: clientA.id })).json;
  await call(srv.base, mgr, 'POST', `/api/v1/requests/${old.id}/transitions/cancel`, { version: old.version });
  meta = (await call(srv.base, mgr, 'GET', '/api/v1/meta')).json;
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  db?.stop();
});

async function open(loginName = 'manager', password = 'demo12345', viewport = { width: 1440, height: 900 }) {
  const ctx = await browser.newContext({ viewport, locale: 'ru-RU' });
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

test('the request list: open requests by default, compact (15+ rows at 1440×900), coloured, a «Создано» column, filters behind one button with removable chips', async () => {
  const { page, errors, ctx } = await open();
  await page.goto(srv.base + '/#/requests');
  await page.waitForSelector('.table tbody tr');
  await page.waitForLoadState('networkidle');
  const statuses = await page.locator('.table tbody td .badge[class*=status-]').allTextContents();
  assert.ok(statuses.length > 0);
  const classes = await page.locator('.table tbody td .badge[class*=status-]').evaluateAll((els) => els.map((e) => e.className));
  for (const c of classes) assert.ok(OPEN.some((s) => c.includes('status-' + s)), `only open requests by default: ${c}`);
  assert.ok(await page.locator('.table tbody td .badge[class*=prio-]').count() > 0, 'priorities coloured');
  assert.ok((await page.locator('.table thead th').allTextContents()).some((x) => /Создано/.test(x)));
  // 15 rows or more in the window (all requests: the demo has fewer open ones)
  await page.goto(srv.base + '/#/requests?all=1');
  await page.waitForFunction(() => document.querySelectorAll('.table tbody tr').length >= 20);
  const visible = await page.locator('.table tbody tr').evaluateAll((rows) => rows.filter((r) => { const b = r.getBoundingClientRect(); return b.top >= 0 && b.bottom <= window.innerHeight; }).length);
  assert.ok(visible >= 15, `${visible} rows visible`);
  await page.goto(srv.base + '/#/requests');
  await page.waitForSelector('.views-bar [data-view=open].active');
  // filters are collapsed; a filter chosen becomes a chip; its × removes it
  assert.equal(await page.locator('select[name=filter-priority]').count(), 0);
  await page.click('.filters-btn');
  await page.selectOption('select[name=filter-priority]', 'high');
  await page.waitForSelector('.chip-filter[data-filter=priority]');
  assert.match(await page.locator('.chip-filter[data-filter=priority]').textContent(), /Высокий/);
  await page.waitForLoadState('networkidle');
  const prios = await page.locator('.table tbody td .badge[class*=prio-]').evaluateAll((els) => els.map((e) => e.className));
  for (const c of prios) assert.match(c, /prio-high/);
  await page.click('.chip-filter[data-filter=priority] .chip-x');
  await page.waitForFunction(() => !document.querySelector('.chip-filter[data-filter=priority]'));
  assert.doesNotMatch(page.url(), /priority=/);
  // «Все» shows closed ones too; «Сохранить вид» is there once a view differs
  await page.click('.views-bar [data-view=all] button');
  await page.waitForURL(/all=1/);
  await page.waitForFunction(() => document.querySelector('.table tbody .badge.status-closed'));
  assert.equal(await page.locator('.views-save').isVisible(), true);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('«Просроченные» lists open requests past their deadline and its badge counts them', async () => {
  const { page, errors, ctx } = await open();
  await page.goto(srv.base + '/#/requests');
  await page.waitForSelector('.views-bar [data-view=overdue] .chip-count');
  const badge = Number(await page.locator('.views-bar [data-view=overdue] .chip-count').textContent());
  await page.click('.views-bar [data-view=overdue] button');
  await page.waitForURL(/sla_state=breached/);
  await page.waitForLoadState('networkidle');
  await page.waitForSelector('.table tbody tr');
  const rows = await page.locator('.table tbody tr').count();
  assert.ok(badge >= 1);
  assert.equal(rows, badge);
  const classes = await page.locator('.table tbody td .badge[class*=status-]').evaluateAll((els) => els.map((e) => e.className));
  for (const c of classes) assert.ok(OPEN.some((s) => c.includes('status-' + s)), c);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the client page lists their requests and «Новое обращение» comes with the client; pickers offer the client\'s records first and explain a wrong unit', async () => {
  const { page, errors, ctx } = await open();
  await page.goto(srv.base + `/#/clients/${clientA.id}`);
  await page.waitForSelector('#client-requests tbody tr');
  const rows = await page.locator('#client-requests tbody tr').allTextContents();
  assert.equal(rows.length, 3);
  assert.ok(rows.some((r) => /Старая поломка/.test(r) && /Отменено/.test(r)), 'with the outcome');
  await page.click('#client-requests [data-new-request]');
  await page.waitForSelector('#f-requests-client_id');
  assert.equal(await page.inputValue('#f-requests-client_id'), 'ООО «Тёзка»');
  // the unit picker: this client's units first, the others on demand
  await page.click('#f-requests-unit_id');
  await page.waitForSelector('.ref-list [data-show-all]');
  const first = await page.locator('.ref-list li[role=option]').allTextContents();
  assert.ok(first.length >= 1 && first.every((x) => /ООО «Тёзка»/.test(x)), first.join(' | '));
  await page.click('.ref-list [data-show-all]');
  await page.fill('#f-requests-unit_id', 'TEZ-B');
  await page.waitForSelector('.ref-list li[role=option]:has-text("TEZ-B-1")');
  await page.click('.ref-list li[role=option]:has-text("TEZ-B-1")');
  await page.fill('input[name=subject]', 'Чужой аппарат');
  await page.click('button[type=submit]');
  await page.waitForSelector('.field-error');
  assert.match(await page.locator('.field-error').first().textContent(), /Оборудование принадлежит другому клиенту/);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('choosing a unit fills in its client; a client picker tells namesakes apart; assignees are people who work on requests', async () => {
  const { page, errors, ctx } = await open();
  await page.goto(srv.base + '/#/requests/new');
  await page.fill('#f-requests-client_id', 'Тёзка');
  await page.waitForSelector('.ref-list li[role=option]:has-text("Тёзка-Юг")');
  const options = await page.locator('.ref-list li[role=option]').allTextContents();
  assert.ok(options.some((x) => /ИНН 7707083893/.test(x) && /Тверь/.test(x)), options.join(' | '));
  assert.ok(options.some((x) => /Тёзка-Юг/.test(x) && /Самара/.test(x)), options.join(' | '));
  await page.keyboard.press('Escape');
  await page.fill('#f-requests-client_id', '');
  await page.click('input[name=subject]');
  await page.fill('#f-requests-unit_id', 'TEZ-B');
  await page.click('.ref-list li[role=option]:has-text("TEZ-B-1")');
  await page.waitForFunction(() => document.querySelector('#f-requests-client_id').value === 'ООО «Тёзка-Юг»');
  // the assignee picker: no auditor, no storekeeper
  await page.click('#f-requests-assignee_id');
  await page.waitForSelector('.ref-list li[role=option]');
  const people = await page.locator('.ref-list li[role=option]').allTextContents();
  assert.ok(people.some((x) => /Ковалёв/.test(x)));
  assert.ok(!people.some((x) => /Крылова|Лисицына|Рябов/.test(x)), people.join(' | '));
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the request page puts the client, phone, unit and warranty first, the technical fields in details, and the client\'s other open requests', async () => {
  const { page, errors, ctx } = await open();
  await page.goto(srv.base + `/#/requests/${req.id}`);
  await page.waitForSelector('[data-summary=client] [data-contact=phone]');
  assert.equal(await page.getAttribute('[data-contact=phone]', 'href'), 'tel:+79161112233');
  assert.equal(await page.getAttribute('[data-contact=email]', 'href'), 'mailto:tezka@example.ru');
  await page.waitForSelector('[data-summary=unit] [data-warranty=on]');
  assert.match(await page.locator('[data-summary=unit]').textContent(), /TEZ-A-1/);
  assert.match(await page.locator('[data-warranty]').textContent(), /на гарантии до 31\.12\.2099/);
  await page.waitForSelector('#client-open tbody tr');
  const others = await page.locator('#client-open tbody tr').allTextContents();
  assert.equal(others.length, 1);
  assert.match(others[0], /Второе открытое/);
  // technical fields are folded away
  assert.equal(await page.locator('[data-details]').getAttribute('open'), null);
  assert.equal(await page.locator('[data-field=sla_paused_minutes]').isVisible(), false);
  // the reply box starts as a reply to the client, and says which one is on
  assert.equal(await page.getAttribute('.reply-box', 'data-mode'), 'reply');
  assert.match(await page.locator('.reply-box button[type=submit]').textContent(), /Отправить клиенту/);
  await page.click('.reply-box .seg button:nth-child(2)');
  assert.equal(await page.getAttribute('.reply-box', 'data-mode'), 'note');
  assert.match(await page.locator('.reply-mode-hint').textContent(), /только сотрудники/);
  // actions are named as actions
  const actions = await page.locator('.req-actions button').allTextContents();
  assert.ok(actions.includes('Назначить'), actions.join(', '));
  // an expired warranty says so
  await page.goto(srv.base + `/#/equipment_units/${unitB.id}`);
  await page.waitForSelector('[data-warranty=off]');
  assert.match(await page.locator('[data-warranty=off]').textContent(), /гарантия истекла 31\.01\.2020/);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a unit\'s page lists its requests with their outcome', async () => {
  const { page, errors, ctx } = await open();
  await page.goto(srv.base + `/#/equipment_units/${unitA.id}`);
  await page.waitForSelector('#unit-requests tbody tr');
  const rows = await page.locator('#unit-requests tbody tr').allTextContents();
  assert.equal(rows.length, 2);
  assert.ok(rows.some((r) => /Щёлкает и не греет/.test(r)));
  assert.ok(rows.some((r) => /Старая поломка/.test(r) && /Отменено/.test(r)));
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('someone else changes the request: the page says so and shows the new state', async () => {
  const { page, errors, ctx } = await open();
  const r = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Меняют двое', client_id: clientA.id })).json;
  await page.evaluate(() => { window.__servitorPollMs = 500; }); // the same document: the page polls often
  await page.goto(srv.base + `/#/requests/${r.id}`);
  await page.waitForSelector('.badge.status-new');
  await page.fill('textarea[name=comment]', 'Черновик ответа');
  const eng = (await call(srv.base, mgr, 'GET', '/api/v1/users?q=engineer2')).json.items[0];
  const moved = await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/assign`, { version: r.version, assignee_id: eng.id });
  assert.equal(moved.status, 200);
  await page.waitForSelector('[data-changed-by-other]', { timeout: 10000 });
  assert.match(await page.locator('[data-changed-by-other]').textContent(), /изменено другим пользователем/);
  await page.waitForSelector('.page-head .badge.status-assigned');
  assert.equal(await page.inputValue('textarea[name=comment]'), 'Черновик ответа', 'a reply being typed stays');
  // and an action takes the new version (no conflict)
  await page.click('[data-transition=start]');
  await page.waitForSelector('.page-head .badge.status-in_progress');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('global search finds requests by number, subject and description, each hit with its kind', async () => {
  const { page, errors, ctx } = await open();
  const digits = req.number.split('-').pop();
  for (const q of [digits, String(Number(digits)), req.number, 'щелчок реле']) {
    await page.goto(srv.base + `/#/search?q=${encodeURIComponent(q)}`);
    await page.waitForSelector(`.search-group[data-kind=requests] li a[href$="requests/${req.id}"]`);
    assert.match(await page.locator(`.search-group[data-kind=requests] li:has(a[href$="requests/${req.id}"]) .kind-tag`).textContent(), /Обращение/);
  }
  await page.goto(srv.base + '/#/search?q=Тёзка');
  await page.waitForSelector('.search-group[data-kind=clients] .kind-tag');
  assert.match(await page.locator('.search-group[data-kind=clients] .kind-tag').first().textContent(), /Клиент/);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('shortcuts by physical key work on the Russian layout; ? shows them', async () => {
  const { page, errors, ctx } = await open();
  await page.goto(srv.base + '/#/requests');
  await page.waitForSelector('.table tbody tr.selected');
  // the Russian layout: the keys J, K, N, / type «о», «л», «т», «.»
  await page.keyboard.down('Shift');
  await page.keyboard.press('Slash', { }).catch(() => {});
  await page.keyboard.up('Shift');
  await page.waitForSelector('[data-shortcuts]');
  assert.ok((await page.locator('[data-shortcuts] tr').count()) >= 8);
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-shortcuts]'));
  const sel = async () => page.locator('.table tbody tr.selected').getAttribute('data-id');
  const first = await sel();
  await page.dispatchEvent('body', 'keydown', { key: 'о', code: 'KeyJ', bubbles: true });
  await page.waitForFunction((f) => document.querySelector('.table tbody tr.selected').dataset.id !== f, first);
  await page.dispatchEvent('body', 'keydown', { key: 'л', code: 'KeyK', bubbles: true });
  await page.waitForFunction((f) => document.querySelector('.table tbody tr.selected').dataset.id === f, first);
  await page.dispatchEvent('body', 'keydown', { key: '.', code: 'Slash', bubbles: true });
  await page.waitForFunction(() => document.activeElement && document.activeElement.type === 'search');
  await page.locator('input[type=search]').first().evaluate((el) => el.blur());
  await page.dispatchEvent('body', 'keydown', { key: 'т', code: 'KeyN', bubbles: true });
  await page.waitForURL(/#\/requests\/new$/);
  // on a request: «к» (R) focuses the reply, «ф» (A) opens the assignment
  await page.goto(srv.base + `/#/requests/${req.id}`);
  await page.waitForSelector('[data-transition=assign]');
  await page.dispatchEvent('body', 'keydown', { key: 'к', code: 'KeyR', bubbles: true });
  await page.waitForFunction(() => document.activeElement && document.activeElement.name === 'comment');
  await page.locator('textarea[name=comment]').evaluate((el) => el.blur());
  await page.dispatchEvent('body', 'keydown', { key: 'ф', code: 'KeyA', bubbles: true });
  await page.waitForSelector('.modal #assign-to');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the workload board links to each person\'s open requests by status and shows the weeks', async () => {
  const { page, errors, ctx } = await open();
  await page.goto(srv.base + '/#/workload');
  await page.waitForSelector('.workload tbody tr');
  assert.ok(await page.locator('.workload .trend').count() >= 3);
  const link = page.locator('.workload .by-status a').first();
  const status = await link.getAttribute('data-status');
  const n = Number((await link.textContent()).match(/\d+$/)[0]);
  await link.click();
  await page.waitForURL(new RegExp(`status=${status}`));
  await page.waitForLoadState('networkidle');
  await page.waitForSelector('.table tbody tr');
  assert.equal(await page.locator('.table tbody tr').count(), n);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('wording: the audit log names people; the admin role reads «Администратор»; a client in use says why it cannot be deleted', async () => {
  const { page, errors, ctx } = await open('admin', 'admin12345');
  await page.goto(srv.base + '/#/audit');
  await page.waitForSelector('.audit-who');
  const who = await page.locator('.audit-who').allTextContents();
  assert.ok(who.some((x) => /Ольга Сергеевна Белова/.test(x)), who.slice(0, 5).join(' | '));
  assert.ok(!who.some((x) => /^(demo|system)$/.test(x.trim())));
  await page.goto(srv.base + '/#/users');
  await page.waitForSelector('.table tbody tr');
  assert.ok((await page.locator('.table tbody').textContent()).includes('Администратор'));
  await page.goto(srv.base + `/#/clients/${clientA.id}`);
  await page.waitForSelector('.page-head .btn-danger-outline');
  await page.click('.page-head .btn-danger-outline');
  await page.click('.modal .btn-danger');
  await page.waitForSelector('.modal .banner-error');
  const text = await page.locator('.modal .banner-error').textContent();
  assert.match(text, /Обращения \(\d+\)/);
  assert.match(text, /Контактные лица \(1\)/);
  assert.match(text, /Единицы оборудования|Оборудование/);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the public form asks for a phone or an e-mail when both are missing', async () => {
  const ctx = await browser.newContext({ locale: 'ru-RU' });
  const page = await ctx.newPage();
  await page.goto(srv.base + '/#/public/request');
  await page.waitForSelector('textarea[name=description]');
  await page.fill('#pf-name', 'Иван');
  await page.fill('textarea[name=description]', 'Сломалось');
  await page.click('button[type=submit]');
  await page.waitForSelector('.field-error');
  const errs = await page.locator('.field-error').allTextContents();
  assert.ok(errs.some((x) => /Укажите телефон или e-mail/.test(x)), errs.join(' | '));
  await ctx.close();
});

/** CSV as the server writes it (BOM, CRLF, RFC 4180 quotes) → rows of cells. */
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  text = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell.replace(/\r$/, '')); rows.push(row); row = []; cell = ''; } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

test('a filtered, sorted list exported from its screen as CSV and XLSX holds that list\'s rows; over the cap an error says why', async () => {
  const { readXlsx } = await import('../xlsx.mjs');
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tempDir } = await import('../lib.mjs');
  const { page, errors, ctx } = await open();
  // what the API says the list is: in progress, oldest first
  const want = (await call(srv.base, mgr, 'GET', '/api/v1/requests?status=in_progress&sort=created_at&limit=200')).json.items;
  assert.ok(want.length >= 2, 'some requests in progress');
  await page.goto(srv.base + '/#/requests?status=in_progress&sort=created_at');
  await page.waitForSelector('.chip-filter[data-filter=status]');
  await page.waitForFunction((n) => document.querySelectorAll('.table tbody tr').length === n, want.length);
  const dir = tempDir('svlistdl-');
  const [csvDl] = await Promise.all([page.waitForEvent('download'), page.click('.page-head button[data-export=csv]')]);
  assert.equal(csvDl.suggestedFilename(), 'requests.csv');
  await csvDl.saveAs(join(dir, 'requests.csv'));
  const csv = parseCsv(readFileSync(join(dir, 'requests.csv'), 'utf8'));
  const idCol = csv[0].indexOf('id'), statusCol = csv[0].indexOf('status'), subjectCol = csv[0].indexOf('subject');
  assert.ok(idCol >= 0 && statusCol >= 0 && subjectCol >= 0, csv[0].join(','));
  assert.deepEqual(csv.slice(1).map((r) => Number(r[idCol])), want.map((r) => r.id), 'the filtered list in its order');
  assert.ok(csv.slice(1).every((r) => r[statusCol] === 'in_progress'));
  assert.deepEqual(csv.slice(1).map((r) => r[subjectCol]), want.map((r) => r.subject));
  // the same list as XLSX
  const [xDl] = await Promise.all([page.waitForEvent('download'), page.click('.page-head button[data-export=xlsx]')]);
  assert.equal(xDl.suggestedFilename(), 'requests.xlsx');
  await xDl.saveAs(join(dir, 'requests.xlsx'));
  const cells = readXlsx(readFileSync(join(dir, 'requests.xlsx')));
  const xi = cells[0].indexOf('id');
  assert.deepEqual(cells.slice(1).map((r) => Number(r[xi])), want.map((r) => r.id));
  assert.deepEqual(errors, []);
  await ctx.close();

  // a server whose exports are capped below the list: 413, told as an error, nothing downloaded
  const capped = await serve(db.url, [], { SERVITOR_EXPORT_MAX_ROWS: '1' });
  try {
    const c2 = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'ru-RU', acceptDownloads: true });
    const p2 = await c2.newPage();
    await p2.goto(capped.base + '/');
    await p2.fill('#login-login', 'manager');
    await p2.fill('#login-password', 'demo12345');
    await p2.keyboard.press('Enter');
    await p2.waitForSelector('.sidenav');
    await p2.goto(capped.base + '/#/requests?status=in_progress');
    await p2.waitForSelector('.table tbody tr');
    let downloaded = false;
    p2.on('download', () => { downloaded = true; });
    await p2.click('.page-head button[data-export=csv]');
    const toast = await p2.waitForSelector('.toast-error');
    assert.match(await toast.textContent(), /Список слишком велик для выгрузки \(больше 1 строк\)/);
    assert.equal(downloaded, false);
    await c2.close();
  } finally {
    await capped.stop();
  }
});
