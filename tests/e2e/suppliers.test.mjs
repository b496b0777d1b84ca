// suppliers.test.mjs — purchasing in headless Chromium against the real
// binary: a storekeeper imports a supplier's price list from an XLSX file
// (written here with fflate) through the dialog — the preview shows the
// counts and the bad row by its line number, highlighted, and nothing is
// imported until Confirm — then the new price is in the supplier's price
// list, on the part's page ("Suppliers and prices") and in the finder for a
// part with no stock. Screens in Russian and English (docs/screenshots).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { testDb, run, serve, login, call, ROOT } from '../lib.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = join(ROOT, 'docs/screenshots');
let db, srv, browser, admin, supplier, fresh, known;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '20', '--db', db.url]);
  srv = await serve(db.url);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  admin = await login(srv.base, 'admin', 'admin12345', '10.82.0.1');
  supplier = (await call(srv.base, admin, 'GET', `/api/v1/suppliers?q=${encodeURIComponent('КомпьютерСнаб')}`)).json.items[0];
  assert.ok(supplier, 'the demo has КомпьютерСнаб');
  // a part nobody has in stock yet, and one of the supplier's demo prices
  fresh = (await call(srv.base, admin, 'POST', '/api/v1/parts', { sku: 'CE285A', name: 'Картридж HP 85A', brand: 'HP', category: 'Картриджи', purchase_price: 250000, sale_price: 390000 })).json;
  assert.ok(fresh.id, 'a new part');
  known = (await call(srv.base, admin, 'GET', `/api/v1/suppliers/${supplier.id}/prices?q=TK-1150`)).json.items.find((p) => p.part_sku === 'TK-1150');
  assert.ok(known, 'the demo price list has TK-1150');
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  db?.stop();
});

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// A small XLSX: text in shared strings, numbers as numbers, a row left out
// (an empty row in the sheet).
function xlsx(rows) {
  const strings = [];
  const si = (s) => { let i = strings.indexOf(s); if (i < 0) { i = strings.length; strings.push(s); } return i; };
  const col = (i) => String.fromCharCode(65 + i);
  const sheetRows = rows.map((cells, r) => cells && cells.length ? `<row r="${r + 1}">${cells.map((v, c) => {
    const ref = `${col(c)}${r + 1}`;
    if (v === null || v === undefined) return '';
    return typeof v === 'number' ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="s"><v>${si(v)}</v></c>`;
  }).join('')}</row>` : '').join('');
  const files = {
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    '_rels/.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Прайс" sheetId="1" r:id="rId1"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    'xl/worksheets/sheet1.xml': `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`,
  };
  files['xl/sharedStrings.xml'] = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t>${esc(s)}</t></si>`).join('')}</sst>`;
  return Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)]))));
}

async function open(lang, who = 'store') {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: lang === 'en' ? 'en-US' : 'ru-RU' });
  await ctx.addInitScript((l) => localStorage.setItem('servitor.lang', l), lang);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.base + '/');
  await page.fill('#login-login', who);
  await page.fill('#login-password', who === 'admin' ? 'admin12345' : 'demo12345');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.sidenav');
  return { page, errors, ctx };
}

const counts = (page) => page.$eval('.import-summary', (e) => JSON.parse(e.dataset.counts));

test('an XLSX price list through the dialog: preview with the bad line, confirm, the prices on the part page and in the finder', async () => {
  const file = xlsx([
    ['Артикул', 'Наименование', 'Цена, руб.', 'Мин. партия', 'Срок поставки, дн.'], // 1
    ['CE285A', 'Картридж HP 85A (оригинал)', 2345.5, 2, 4],                          // 2 new
    ['NOPE-404', 'Деталь, которой нет', 100],                                        // 3 unknown part
    null,                                                                             // 4 empty
    [known.supplier_sku, 'Тонер-картридж Kyocera TK-1150', known.price / 100 + 111],  // 5 changed
    ['CE285A', 'Повтор', 1],                                                          // 6 duplicate of 2
  ]);
  const { page, errors, ctx } = await open('ru');
  await page.click('.sidenav a[href="#/suppliers"]');
  await page.waitForSelector(`tr[data-id="${supplier.id}"]`);
  await page.screenshot({ path: join(SHOTS, 'ru-suppliers.png') });
  await page.goto(`${srv.base}/#/suppliers/${supplier.id}`);
  await page.waitForSelector('[data-section=price-list] table.price-list');
  await page.waitForSelector('#supplier-contacts tr[data-id]');
  await page.screenshot({ path: join(SHOTS, 'ru-supplier.png'), fullPage: true });
  const before = (await call(srv.base, admin, 'GET', `/api/v1/suppliers/${supplier.id}/prices`)).json;

  // choose the file: the preview
  await page.click('[data-action=price-import]');
  await page.setInputFiles('#price-file', { name: 'прайс.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file });
  await page.waitForSelector('[data-import-stage=preview]');
  assert.deepEqual(await counts(page), { new: 1, changed: 1, unchanged: 0, error: 2 });
  // errors shown first, by line number, highlighted
  const bad = await page.$$eval('.import-table tr[data-status=error]', (trs) => trs.map((tr) => [Number(tr.dataset.line), tr.querySelector('[data-errors]').textContent]));
  assert.deepEqual(bad.map((b) => b[0]), [3, 6]);
  assert.match(bad[0][1], /не найден/);
  assert.match(bad[1][1], /повторяется.*строка 2/);
  assert.equal(await page.$eval('tr[data-line="3"]', (tr) => getComputedStyle(tr.querySelector('td')).backgroundColor !== 'rgba(0, 0, 0, 0)'), true);
  assert.match(await page.textContent('[data-action=confirm-import]'), /2/);
  await page.click('.import-summary .chip:first-child button'); // all rows
  await page.waitForSelector('tr[data-line="2"][data-status=new]');
  assert.match(await page.textContent('tr[data-line="5"]'), /₽\s*→.*₽/, 'the old price and the new');
  await page.screenshot({ path: join(SHOTS, 'ru-price-import.png') });
  // nothing imported yet
  assert.deepEqual((await call(srv.base, admin, 'GET', `/api/v1/suppliers/${supplier.id}/prices`)).json, before);

  // confirm
  await page.click('[data-action=confirm-import]');
  await page.waitForSelector('.modal', { state: 'detached' });
  await page.waitForSelector(`[data-section=price-list] tr[data-part="${fresh.id}"]`);
  assert.match(await page.textContent(`[data-section=price-list] tr[data-part="${fresh.id}"] [data-col=price]`), /2\s345,50\s₽/);
  const after = (await call(srv.base, admin, 'GET', `/api/v1/suppliers/${supplier.id}/prices`)).json;
  assert.equal(after.total, before.total + 1);
  assert.equal(after.items.find((p) => p.part_id === known.part_id).price, known.price + 11100);
  // search in the price list
  await page.fill('[data-field=price-q]', 'hp 85a');
  await page.waitForFunction((id) => {
    const rows = document.querySelectorAll('[data-section=price-list] tbody tr');
    return rows.length === 1 && rows[0].dataset.part === String(id);
  }, fresh.id);

  // the part page: suppliers and prices
  await page.goto(`${srv.base}/#/parts/${fresh.id}`);
  await page.waitForSelector(`[data-section=suppliers] tr[data-supplier="${supplier.id}"]`);
  const row = await page.textContent(`[data-section=suppliers] tr[data-supplier="${supplier.id}"]`);
  assert.match(row, /КомпьютерСнаб/);
  assert.match(row, /2\s345,50\s₽/);
  assert.match(row, /4 дн\./);
  await page.screenshot({ path: join(SHOTS, 'ru-part-suppliers.png'), fullPage: true });

  // the finder: no stock, so who sells it
  await page.goto(`${srv.base}/#/stock?q=CE285A`);
  await page.waitForSelector(`tr[data-part="${fresh.id}"] [data-offers] [data-supplier="${supplier.id}"]`);
  assert.match(await page.textContent(`tr[data-part="${fresh.id}"] [data-offers]`), /Под заказ.*КомпьютерСнаб.*2\s345,50\s₽, 4 дн\./);
  await page.screenshot({ path: join(SHOTS, 'ru-stock-find-offers.png') });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the screens in English; the sales manager reads the price list but may not import', async () => {
  const { page, errors, ctx } = await open('en');
  await page.goto(`${srv.base}/#/suppliers/${supplier.id}`);
  await page.waitForSelector('[data-section=price-list] table.price-list');
  assert.match(await page.textContent('[data-section=price-list] h2'), /Price list/);
  await page.screenshot({ path: join(SHOTS, 'en-supplier.png'), fullPage: true });
  await page.click('[data-action=price-import]');
  await page.setInputFiles('#price-file', { name: 'prices.csv', mimeType: 'text/csv', buffer: Buffer.from('SKU;Price;Lead time\nCE285A;2345,50;4\nX-1;abc;\n') });
  await page.waitForSelector('[data-import-stage=preview]');
  assert.deepEqual(await counts(page), { new: 0, changed: 0, unchanged: 1, error: 1 });
  assert.match(await page.textContent('tr[data-line="3"] [data-errors]'), /bad price/);
  assert.equal(await page.isDisabled('[data-action=confirm-import]'), true, 'nothing to import');
  await page.screenshot({ path: join(SHOTS, 'en-price-import.png') });
  await page.click('.modal .btn:not(.btn-primary)');
  await page.goto(`${srv.base}/#/parts/${fresh.id}`);
  await page.waitForSelector('[data-section=suppliers] tr[data-supplier]');
  assert.match(await page.textContent('[data-section=suppliers] h2'), /Suppliers and prices/);
  await page.screenshot({ path: join(SHOTS, 'en-part-suppliers.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await ctx.close();
  // sales: reads, no import button
  const s = await open('ru', 'sales');
  await s.page.goto(`${srv.base}/#/suppliers/${supplier.id}`);
  await s.page.waitForSelector('[data-section=price-list] table.price-list');
  assert.equal(await s.page.$('[data-action=price-import]'), null);
  await s.ctx.close();
});
