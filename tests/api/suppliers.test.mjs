// suppliers.test.mjs — suppliers and their price lists over HTTP: requisites
// checked (ИНН/КПП/ОГРН check digits), contacts, the price list import — a
// preview that reports bad rows by line number and changes nothing, a
// confirmation that applies exactly the preview (and is refused when the
// file or the prices changed since), re-imports that keep the replaced
// prices in the history, Windows-1251 CSV with semicolons and decimal
// commas, rows read from a sheet, oversized input refused — who may do
// what, and the suppliers shown on the part page and in the finder.
// Runs on SQLite and (SERVITOR_TEST_DB=postgres) PostgreSQL.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError, assertFields, uid, freshInn } from './harness.mjs';

const srv = useServer();

let admin, store, sales, tech;
before(async () => {
  [admin, store, sales, tech] = await Promise.all(['admin', 'storekeeper', 'sales', 'technician'].map((r) => srv.as(r)));
});

/** A valid ОГРН (13 digits) or ОГРНИП (15) from the first 12 (14). */
function ogrn(len = 13) {
  let s = String(Date.now() % 1e11).padStart(11, '0');
  s = (len === 13 ? '1' + s : '304' + s.slice(0, 11)).slice(0, len - 1);
  const check = Number(BigInt(s) % BigInt(len === 13 ? 11 : 13)) % 10;
  return s + check;
}

async function supplier(extra = {}) {
  const r = await srv.request('POST', '/api/v1/suppliers', { as: store, body: { name: 'ООО «Поставщик ' + uid() + '»', inn: freshInn(10), kpp: '773101001', ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function part(extra = {}) {
  const r = await srv.request('POST', '/api/v1/parts', { as: admin, body: { sku: 'SP-' + uid(), name: 'Деталь ' + uid(), purchase_price: 10000, sale_price: 15000, ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const preview = (s, body, as = store) => srv.request('POST', `/api/v1/suppliers/${s.id}/price-import`, { as, body });
const confirm = (s, body, as = store) => srv.request('POST', `/api/v1/suppliers/${s.id}/price-import/confirm`, { as, body });
async function prices(s, q) {
  const r = await srv.request('GET', `/api/v1/suppliers/${s.id}/prices${q ? '?q=' + encodeURIComponent(q) : ''}`, { as: sales });
  assert.equal(r.status, 200, r.text);
  return r.json;
}
async function imported(s, body) {
  const p = await preview(s, body);
  assert.equal(p.status, 200, p.text);
  const c = await confirm(s, { ...body, token: p.json.token });
  assert.equal(c.status, 200, c.text);
  return { preview: p.json, applied: c.json.applied };
}

test('a supplier: requisites with check digits, terms, contacts; search by name and ИНН', async () => {
  const inn = freshInn(10);
  const name = 'ООО «Картридж-Опт ' + uid() + '»';
  const r = await srv.request('POST', '/api/v1/suppliers', { as: store, body: {
    name, legal_kind: 'company', inn, kpp: '773101001', ogrn: ogrn(13), address: 'Москва, ул. Складская, 1',
    phone: '8 (495) 123-45-67', email: 'opt@example.ru', website: 'https://example.ru',
    payment_terms: 'deferral', deferral_days: 14, delivery_terms: 'до склада от 10 000 ₽', lead_days: 3 } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.phone, '+74951234567');
  assert.equal(r.json.active, true);
  assert.equal(r.json.prices_with_vat, true);
  // check digits
  const bad = inn.slice(0, 9) + String((Number(inn[9]) + 1) % 10);
  assertFields(await srv.request('POST', '/api/v1/suppliers', { as: store, body: { name: 'X', inn: bad } }), { inn: 'invalid_inn' });
  assertFields(await srv.request('POST', '/api/v1/suppliers', { as: store, body: { name: 'X', inn: freshInn(10), kpp: '12345' } }), { kpp: 'invalid_kpp' });
  const o = ogrn(13);
  assertFields(await srv.request('POST', '/api/v1/suppliers', { as: store, body: { name: 'X', ogrn: o.slice(0, 12) + String((Number(o[12]) + 1) % 10) } }), { ogrn: 'invalid_ogrn' });
  // a sole trader: 12-digit ИНН, ОГРНИП, no КПП
  assertFields(await srv.request('POST', '/api/v1/suppliers', { as: store, body: { name: 'ИП Петров', legal_kind: 'sole_trader', inn: freshInn(10) } }), { inn: 'invalid_inn' });
  const ip = await srv.request('POST', '/api/v1/suppliers', { as: store, body: { name: 'ИП Петров ' + uid(), legal_kind: 'sole_trader', inn: freshInn(12), ogrn: ogrn(15) } });
  assert.equal(ip.status, 201, ip.text);
  assertFields(await srv.request('PATCH', `/api/v1/suppliers/${ip.json.id}`, { as: store, body: { version: ip.json.version, kpp: '773101001' } }), { kpp: 'invalid_kpp' });
  // a deferral has its days; other terms drop them
  assertFields(await srv.request('POST', '/api/v1/suppliers', { as: store, body: { name: 'X', payment_terms: 'deferral' } }), { deferral_days: 'required' });
  const pre = await srv.request('PATCH', `/api/v1/suppliers/${r.json.id}`, { as: store, body: { version: r.json.version, payment_terms: 'prepayment' } });
  assert.equal(pre.status, 200, pre.text);
  assert.equal(pre.json.deferral_days, null);
  // the same ИНН twice
  assertFields(await srv.request('POST', '/api/v1/suppliers', { as: store, body: { name: 'Y', inn } }), { inn: 'duplicate' });
  // contacts
  const c = await srv.request('POST', '/api/v1/supplier_contacts', { as: store, body: { supplier_id: r.json.id, name: 'Анна Менеджер', position: 'менеджер', phone: '+7 916 000-00-01' } });
  assert.equal(c.status, 201, c.text);
  const cl = await srv.request('GET', `/api/v1/supplier_contacts?supplier_id=${r.json.id}`, { as: sales });
  assert.deepEqual(cl.json.items.map((x) => x.name), ['Анна Менеджер']);
  // search
  for (const q of [inn, name.split(' ')[2]]) {
    const s = await srv.request('GET', `/api/v1/suppliers?q=${encodeURIComponent(q)}`, { as: sales });
    assert.equal(s.status, 200, s.text);
    assert.ok(s.json.items.some((x) => x.id === r.json.id), `found by ${q}`);
  }
});

test('roles: the storekeeper writes, sales read, the technician is refused', async () => {
  const s = await supplier();
  assertError(await srv.request('POST', '/api/v1/suppliers', { as: sales, body: { name: 'Z' } }), 403, 'forbidden');
  assertError(await srv.request('GET', '/api/v1/suppliers', { as: tech }), 403, 'forbidden');
  assertError(await srv.request('GET', `/api/v1/suppliers/${s.id}/prices`, { as: tech }), 403, 'forbidden');
  assertError(await preview(s, { csv: 'SKU,Price\nA,1\n' }, sales), 403, 'forbidden');
  assertError(await confirm(s, { csv: 'SKU,Price\nA,1\n', token: 'x'.repeat(64) }, sales), 403, 'forbidden');
  assert.equal((await srv.request('GET', `/api/v1/suppliers/${s.id}`, { as: sales })).status, 200);
  // the part page shows suppliers to whoever reads purchasing only
  const p = await part();
  const t = await srv.request('GET', `/api/v1/parts/${p.id}/stock`, { as: tech });
  assert.equal(t.status, 200, t.text);
  assert.equal(t.json.suppliers, undefined);
});

test('the preview reports bad rows by line number and changes nothing; the confirmation applies exactly it', async () => {
  const s = await supplier();
  const [a, b, c] = [await part(), await part(), await part()];
  const code = String(Date.now()).slice(-12) + '3';
  assert.equal((await srv.request('POST', '/api/v1/part_barcodes', { as: admin, body: { part_id: c.id, barcode: code } })).status, 201);
  const csv = [
    'Артикул,Наименование,Цена,Мин. партия,Срок поставки,Штрихкод',   // 1
    `${a.sku},Картридж А,"1 234,50",2,5 дн.,`,                         // 2 new (our SKU = theirs)
    `,Без артикула,100,,,`,                                            // 3 missing SKU
    `X-${uid()},Неизвестная деталь,100,,,`,                            // 4 unknown part
    `${b.sku},Кривая цена,12.3.4,,,`,                                  // 5 bad price
    '',                                                                 // 6 blank: skipped
    `${a.sku},Повтор,99,,,`,                                           // 7 duplicate of line 2
    `THEIR-${uid()},"Деталь ""В"" по штрихкоду",77.7,,3-7,${code}`,    // 8 new via barcode
    `Z-${uid()},Без цены,,,,`,                                         // 9 missing price, unknown part
    `${b.sku}-2,Плохой срок,10,,долго,`,                               // 10 unknown part (and bad lead)
  ].join('\n');
  const before = await prices(s);
  const p = await preview(s, { csv });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.total, 8);
  assert.deepEqual(p.json.counts, { new: 2, changed: 0, unchanged: 0, error: 6 });
  assert.deepEqual(p.json.columns, { sku: 'Артикул', name: 'Наименование', price: 'Цена', moq: 'Мин. партия', lead_days: 'Срок поставки', barcode: 'Штрихкод' });
  const byLine = Object.fromEntries(p.json.rows.map((r) => [r.line, r]));
  assert.deepEqual(Object.keys(byLine).map(Number), [2, 3, 4, 5, 7, 8, 9, 10]);
  assert.equal(byLine[2].status, 'new');
  assert.equal(byLine[2].price, 123450);
  assert.equal(byLine[2].moq, 2000);
  assert.equal(byLine[2].lead_days, 5);
  assert.equal(byLine[2].part.id, a.id);
  assert.deepEqual(byLine[3].errors, [{ field: 'sku', code: 'missing_sku' }]);
  assert.deepEqual(byLine[4].errors, [{ field: 'sku', code: 'unknown_part' }]);
  assert.deepEqual(byLine[5].errors, [{ field: 'price', code: 'bad_price' }]);
  assert.deepEqual(byLine[7].errors, [{ field: 'sku', code: 'duplicate', line: 2 }]);
  assert.equal(byLine[8].status, 'new');
  assert.equal(byLine[8].part.id, c.id);
  assert.equal(byLine[8].name, 'Деталь "В" по штрихкоду');
  assert.equal(byLine[8].lead_days, 7);
  assert.deepEqual(byLine[9].errors.map((e) => e.code).sort(), ['missing_price', 'unknown_part']);
  assert.deepEqual(byLine[10].errors.map((e) => e.code).sort(), ['bad_lead_time', 'unknown_part']);
  // nothing changed
  assert.deepEqual(await prices(s), before);
  // a wrong token, or another file with the same token: refused, nothing applied
  assertError(await confirm(s, { csv, token: '0'.repeat(64) }), 409, 'conflict', { token: 'stale' });
  assertError(await confirm(s, { csv: csv.replace('"1 234,50"', '1234.51'), token: p.json.token }), 409, 'conflict', { token: 'stale' });
  assert.deepEqual((await prices(s)).items, []);
  // the confirmation: the two good rows
  const c1 = await confirm(s, { csv, token: p.json.token });
  assert.equal(c1.status, 200, c1.text);
  assert.deepEqual(c1.json.applied, { new: 2, changed: 0, unchanged: 0, error: 6 });
  const list = await prices(s);
  assert.equal(list.total, 2);
  const pa = list.items.find((x) => x.part_id === a.id);
  assert.equal(pa.supplier_sku, a.sku);
  assert.equal(pa.price, 123450);
  assert.equal(pa.moq, 2000);
  assert.equal(pa.lead_days, 5);
  assert.equal(pa.vat_included, true);
  // the same token again: the prices are no longer what it was given for
  assertError(await confirm(s, { csv, token: p.json.token }), 409, 'conflict', { token: 'stale' });
  // the audit has the import
  const au = await srv.request('GET', `/api/v1/audit?entity=suppliers&record_id=${s.id}`, { as: admin });
  assert.ok(au.json.items.some((e) => e.action === 'price_import'), au.text);
});

test('a re-import changes prices and keeps the replaced ones in the history', async () => {
  const s = await supplier();
  const [a, b, c] = [await part(), await part(), await part()];
  const theirA = 'A-' + uid();
  const first = `SKU;Name;Price;MOQ;Lead time;Our SKU\n${theirA};Item A;100;1;3;${a.sku}\n${b.sku};Item B;200;;;\n`;
  const r1 = await imported(s, { csv: first, valid_from: '2026-01-10' });
  assert.deepEqual(r1.applied, { new: 2, changed: 0, unchanged: 0, error: 0 });
  // their SKU now names part a: no "Our SKU" column needed any more
  const second = `SKU;Name;Price;MOQ;Lead time\n${theirA};Item A;120,5;1;3\n${b.sku};Item B;200;;\n${c.sku};Item C;50;10;1\n`;
  const r2 = await imported(s, { csv: second, valid_from: '2026-02-01' });
  assert.deepEqual(r2.applied, { new: 1, changed: 1, unchanged: 1, error: 0 });
  const rows = Object.fromEntries(r2.preview.rows.map((r) => [r.sku, r]));
  assert.equal(rows[theirA].status, 'changed');
  assert.equal(rows[theirA].old_price, 10000);
  assert.equal(rows[theirA].part.id, a.id);
  const items = Object.fromEntries((await prices(s)).items.map((x) => [x.part_id, x]));
  assert.equal(items[a.id].price, 12050);
  assert.equal(items[a.id].valid_from, '2026-02-01');
  assert.equal(items[b.id].valid_from, '2026-01-10', 'an unchanged price keeps its date');
  assert.equal(items[c.id].moq, 10000);
  const h = await srv.request('GET', `/api/v1/suppliers/${s.id}/price-history`, { as: sales });
  assert.equal(h.status, 200, h.text);
  assert.equal(h.json.items.length, 1);
  assert.deepEqual({ ...h.json.items[0], replaced_at: undefined },
    { part_id: a.id, part_sku: a.sku, price: 10000, valid_from: '2026-01-10', new_price: 12050, replaced_at: undefined });
  // a price changed by hand goes to the history too
  const e = await srv.request('PATCH', `/api/v1/supplier_prices/${items[b.id].id}`, { as: store, body: { version: items[b.id].version, price: 19000 } });
  assert.equal(e.status, 200, e.text);
  const hb = await srv.request('GET', `/api/v1/suppliers/${s.id}/price-history?part_id=${b.id}`, { as: sales });
  assert.deepEqual(hb.json.items.map((x) => [x.price, x.new_price]), [[20000, 19000]]);
  // search over the price list: our SKU, theirs, the names (Cyrillic too)
  assert.deepEqual((await prices(s, theirA.toLowerCase())).items.map((x) => x.part_id), [a.id]);
  assert.equal((await prices(s, c.name.split(' ')[0].toUpperCase())).total, 3);
  assert.deepEqual((await prices(s, c.sku)).items.map((x) => x.part_id), [c.id]);
  // the part page and the finder show who sells it
  const pp = await srv.request('GET', `/api/v1/parts/${c.id}/stock`, { as: sales });
  assert.equal(pp.status, 200, pp.text);
  assert.deepEqual(pp.json.suppliers.map((x) => [x.supplier_id, x.supplier_sku, x.price, x.moq, x.lead_days]), [[s.id, c.sku, 5000, 10000, 1]]);
  const f = await srv.request('GET', `/api/v1/stock/find?q=${encodeURIComponent(c.sku)}`, { as: sales });
  assert.equal(f.status, 200, f.text);
  const hit = f.json.items.find((x) => x.part.id === c.id);
  assert.equal(hit.available, 0);
  assert.deepEqual(hit.suppliers.map((x) => [x.supplier, x.price, x.lead_days]), [[s.name, 5000, 1]]);
  // an inactive supplier is left out of the finder, kept on the part page
  const sup = (await srv.request('GET', `/api/v1/suppliers/${s.id}`, { as: store })).json;
  assert.equal((await srv.request('PATCH', `/api/v1/suppliers/${s.id}`, { as: store, body: { version: sup.version, active: false } })).status, 200);
  const f2 = await srv.request('GET', `/api/v1/stock/find?q=${encodeURIComponent(c.sku)}`, { as: sales });
  assert.deepEqual(f2.json.items.find((x) => x.part.id === c.id).suppliers, []);
  assert.equal((await srv.request('GET', `/api/v1/parts/${c.id}/stock`, { as: sales })).json.suppliers.length, 1);
});

test('Windows-1251, semicolons, decimal commas, quoted fields; rows from a sheet', async () => {
  const s = await supplier();
  const [a, b] = [await part(), await part()];
  const text = `"Артикул";"Наименование";"Цена, руб.";"Мин. партия";"Кратность";"Срок поставки, дн."\r\n` +
    `"${a.sku}";"Тонер; чёрный";"1 500,75";"0,5";"0,5";"10"\r\n${b.sku};Барабан;99,9;;;\r\n`;
  const bytes = Buffer.from(text.split('').map((ch) => cp1251(ch)));
  const p = await preview(s, { csv_base64: bytes.toString('base64') });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.encoding, 'windows-1251');
  assert.equal(p.json.separator, ';');
  const [ra, rb] = p.json.rows;
  assert.deepEqual([ra.line, ra.status, ra.name, ra.price, ra.moq, ra.pack_qty, ra.lead_days], [2, 'new', 'Тонер; чёрный', 150075, 500, 500, 10]);
  assert.deepEqual([rb.line, rb.price, rb.moq], [3, 9990, null]);
  // UTF-8 with a BOM
  const bom = await preview(s, { csv_base64: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]).toString('base64') });
  assert.equal(bom.json.encoding, 'utf-8-bom');
  assert.deepEqual(bom.json.rows.map((r) => r.price), [150075, 9990]);
  // rows as a browser reads them from an XLSX sheet: numbers as numbers, row 3 empty
  const rows = [['SKU', 'Name', 'Price', 'MOQ', 'Lead time'], [a.sku, 'Toner', 1500.75, 1, 10], [], [b.sku, 'Drum', '99,90', null, '2']];
  const x = await preview(s, { rows });
  assert.equal(x.status, 200, x.text);
  assert.deepEqual(x.json.rows.map((r) => [r.line, r.price]), [[2, 150075], [4, 9990]]);
  const c = await confirm(s, { rows, token: x.json.token });
  assert.equal(c.status, 200, c.text);
  assert.equal((await prices(s)).total, 2);
});

test('line numbers count the file\'s lines (a quoted field over two lines, CR LF); a price edited after the preview makes its token stale', async () => {
  const s = await supplier();
  const [a, b] = [await part(), await part()];
  const csv = `SKU,Name,Price\r\n${a.sku},"Две\r\nстроки",10\r\n\r\nNOPE-${uid()},x,1\r\n${b.sku},"с ""кавычками"", запятой",20\r\n`;
  const p = await preview(s, { csv });
  assert.equal(p.status, 200, p.text);
  assert.deepEqual(p.json.rows.map((r) => [r.line, r.status]), [[2, 'new'], [5, 'error'], [6, 'new']]);
  assert.equal(p.json.rows[0].name, 'Две\r\nстроки');
  assert.equal(p.json.rows[2].name, 'с "кавычками", запятой');
  await confirm(s, { csv, token: p.json.token });
  // the next preview; then someone edits a price it would change
  const csv2 = csv.replace(',10\r\n', ',11\r\n');
  const p2 = await preview(s, { csv: csv2 });
  assert.deepEqual(p2.json.counts, { new: 0, changed: 1, unchanged: 1, error: 1 });
  const row = (await prices(s)).items.find((x) => x.part_id === b.id);
  assert.equal((await srv.request('PATCH', `/api/v1/supplier_prices/${row.id}`, { as: store, body: { version: row.version, lead_days: 9 } })).status, 200);
  assertError(await confirm(s, { csv: csv2, token: p2.json.token }), 409, 'conflict', { token: 'stale' });
  assert.equal((await prices(s)).items.find((x) => x.part_id === a.id).price, 1000, 'nothing applied');
});

test('bad input: no SKU or price column, not text, too many rows, too big a body', async () => {
  const s = await supplier();
  const before = await prices(s);
  assertFields(await preview(s, { csv: 'Name,Price\nX,1\n' }), { columns: 'missing_sku' });
  assertFields(await preview(s, { csv: 'Артикул;Наименование\nX;Y\n' }), { columns: 'missing_price' });
  assertFields(await preview(s, { csv: '' }), { columns: 'missing_header' });
  assertFields(await preview(s, { csv_base64: Buffer.from([0x53, 0x00, 0x4b, 0x55]).toString('base64') }), { csv: 'not_text' });
  assertFields(await preview(s, { csv_base64: '!!!' }), { csv_base64: 'invalid' });
  assertFields(await preview(s, {}), { csv: 'required' });
  assertFields(await preview(s, { csv: 'SKU,Price\n', rows: [] }), { csv: 'required' });
  assertFields(await preview(s, { rows: 'x' }), { rows: 'invalid' });
  assertFields(await preview(s, { csv: 'SKU,Price\n', surprise: 1 }), { surprise: 'unknown' });
  assertFields(await preview(s, { csv: 'SKU,Price\n', valid_from: '2026-13-01' }), { valid_from: 'invalid_date' });
  assertFields(await confirm(s, { csv: 'SKU,Price\n' }), { token: 'required' });
  assertError(await preview({ id: 99999999 }, { csv: 'SKU,Price\nA,1\n' }), 404, 'not_found');
  // 20 001 data rows: 413
  const many = 'SKU,Price\n' + Array.from({ length: 20001 }, (_, i) => `S${i},1`).join('\n');
  assertError(await preview(s, { csv: many }), 413, 'too_large');
  // a file over 8 MiB: 413 naming the limit
  const big = await preview(s, { csv: 'SKU,Price\n' + 'x'.repeat(9 * 1024 * 1024) });
  assertError(big, 413, 'too_large');
  assert.match(big.json.error.message, /8388608 bytes/);
  // a body over the upload limit (10 MiB): refused before it is read (the
  // connection may close while the client still sends)
  const huge = await preview(s, { csv: 'SKU,Price\n' + 'x'.repeat(11 * 1024 * 1024) }).catch(() => ({ status: 413 }));
  assert.equal(huge.status, 413);
  assert.deepEqual(await prices(s), before);
});

// Windows-1251 for the characters used here
function cp1251(ch) {
  const c = ch.charCodeAt(0);
  if (c < 0x80) return c;
  if (c >= 0x410 && c <= 0x44f) return c - 0x410 + 0xc0;
  if (c === 0x401) return 0xa8;
  if (c === 0x451) return 0xb8;
  throw new Error('no cp1251 for ' + ch);
}
