// documents.test.mjs — printed documents of records as PDF
// (GET /api/v1/<entity>/:id/documents/<name>.pdf): the request's card and
// its act of taking equipment in, read back with pdftotext (poppler-utils) —
// the Cyrillic text is there and readable, a long text runs onto more pages
// with the table's header repeated, pages are numbered — and who may print
// what: the entity's read permission, the document's own, the branch scope;
// unknown documents are 404. Runs on SQLite and on PostgreSQL
// (SERVITOR_TEST_DB=postgres).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useServer, assertError, uid, ADMIN_PASSWORD } from './harness.mjs';

const srv = useServer({ requests: 0 });
const PASSWORD = 'password-123';
const dir = mkdtempSync(join(tmpdir(), 'servitor-pdf-'));
// SERVITOR_KEEP_PDF=1 keeps the PDFs made, to look at
if (!process.env.SERVITOR_KEEP_PDF) process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
else console.log(`the PDFs: ${dir}`);

let admin, branchA, branchB, client, unit, req, longReq, otherReq;
const serial = 'SN-' + uid().toUpperCase();
const clientName = `Ёлкина Анна Сергеевна ${uid()}`;

async function create(path, body) {
  const r = await srv.request('POST', path, { as: admin, body });
  assert.equal(r.status, 201, `${path}: ${r.text}`);
  return r.json;
}

/** The document as bytes: {status, type, disposition, bytes, json}. */
async function fetchDoc(as, path) {
  const headers = { 'x-forwarded-for': as?.addr || '10.250.250.250' };
  if (as?.cookie) headers.cookie = as.cookie;
  const r = await fetch(srv.base + path, { headers });
  const bytes = Buffer.from(await r.arrayBuffer());
  let json = null;
  try { json = JSON.parse(bytes.toString('utf8')); } catch { /* a PDF */ }
  return { status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'),
    bytes, json, text: bytes.toString('utf8'), headers: r.headers };
}

let seq = 0;
/** pdftotext of a PDF (pages first..last when given), and its page count. */
function pdfText(bytes, { first, last } = {}) {
  const file = join(dir, `doc${++seq}.pdf`);
  writeFileSync(file, bytes);
  const args = ['-layout', '-enc', 'UTF-8'];
  if (first) args.push('-f', String(first));
  if (last) args.push('-l', String(last));
  const t = spawnSync('pdftotext', [...args, file, '-'], { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stderr);
  const info = spawnSync('pdfinfo', [file], { encoding: 'utf8' });
  assert.equal(info.status, 0, info.stderr);
  const pages = Number(/Pages:\s+(\d+)/.exec(info.stdout)[1]);
  // pdftotext keeps the words of a line apart with runs of spaces (-layout)
  return { text: t.stdout, flat: t.stdout.replace(/\s+/g, ' '), pages, file };
}

async function okPdf(as, path) {
  const r = await fetchDoc(as, path);
  assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 300)}`);
  assert.equal(r.type, 'application/pdf');
  assert.match(r.disposition, /^inline; filename="[a-z_]+-\d+-[a-z_]+\.pdf"$/);
  assert.equal(r.bytes.subarray(0, 5).toString(), '%PDF-');
  assert.equal(Number(r.headers.get('content-length')), r.bytes.length);
  return { ...r, ...pdfText(r.bytes) };
}

const docPath = (id, name, entity = 'requests') => `/api/v1/${entity}/${id}/documents/${name}.pdf`;

async function makeUser(role, branch) {
  const login = `${role.slice(0, 4)}${uid()}`;
  await create('/api/v1/users', { login, name: `${role} ${login}`, role, branch_id: branch, password: PASSWORD });
  const s = await srv.login(login, PASSWORD);
  assert.equal(s.status, 200, s.text);
  return s;
}

// a long text of Cyrillic words that takes several pages, its end marked
const longText = Array.from({ length: 200 }, (_, i) => `слово${i} неисправность ёмкость`).join(' ') + ' КОНЕЦОПИСАНИЯ';

before(async () => {
  admin = await srv.as('admin');
  const patch = await srv.request('GET', '/api/v1/company', { as: admin });
  const co = await srv.request('PATCH', '/api/v1/company', { as: admin,
    body: { version: patch.json.version, name: 'ООО «Ремонт и Сервис»', requisites: 'ИНН 7707083893, КПП 770701001\nг. Москва, ул. Щорса, д. 5, тел. +7 495 123-45-67' } });
  assert.equal(co.status, 200, co.text);
  branchA = (await create('/api/v1/branches', { name: `Филиал Южный ${uid()}`, address: 'ул. Ёлочная, 3', phone: '+74951112233' })).id;
  branchB = (await create('/api/v1/branches', { name: `Филиал Северный ${uid()}` })).id;
  client = await create('/api/v1/clients', { kind: 'person', name: clientName, phone: '+7 916 123-45-67', address: 'г. Москва, Щёлковское ш., 2' });
  const model = await create('/api/v1/equipment_models', { brand: 'Kyocera', model: `ECOSYS M2040dn ${uid()}`, warranty_months: 24 });
  unit = await create('/api/v1/equipment_units', { model_id: model.id, serial, client_id: client.id, purchase_date: '2025-06-01', warranty_until: '2099-06-01' });
  req = await create('/api/v1/requests', { subject: 'Не захватывает бумагу', description: 'Жуёт бумагу из второго лотка, ошибка J-0511.',
    channel: 'walk_in', client_id: client.id, unit_id: unit.id, branch_id: branchA });
  const reply = await srv.request('POST', `/api/v1/requests/${req.id}/comments`, { as: admin, body: { body: 'Приняли принтер в ремонт, ждите звонка', public: true } });
  assert.equal(reply.status, 201, reply.text);
  const note = await srv.request('POST', `/api/v1/requests/${req.id}/comments`, { as: admin, body: { body: 'ВНУТРЕННЯЯзаметка не для клиента', public: false } });
  assert.equal(note.status, 201, note.text);
  longReq = await create('/api/v1/requests', { subject: 'Длинное описание', description: longText,
    channel: 'phone', client_id: client.id, unit_id: unit.id, branch_id: branchA });
  for (let i = 0; i < 6; i++) {
    const r = await srv.request('POST', `/api/v1/requests/${longReq.id}/comments`, { as: admin,
      body: { body: `Ответ ${i}: ` + 'мастер проверил узел подачи и ролики захвата. '.repeat(12), public: true } });
    assert.equal(r.status, 201, r.text);
  }
  otherReq = await create('/api/v1/requests', { subject: 'Чужой филиал', channel: 'phone', client_id: client.id, branch_id: branchB });
});

test('/api/v1/meta lists the documents of requests for the «Печать» buttons, and only what the role may print', async () => {
  const m = (await srv.request('GET', '/api/v1/meta', { as: admin })).json;
  const docs = m.entities.find((e) => e.name === 'requests').documents;
  assert.deepEqual(docs, [{ name: 'card', label: 'doc.requests.card' }, { name: 'intake_act', label: 'doc.requests.intake_act' }]);
  assert.equal(m.entities.find((e) => e.name === 'contacts').documents, undefined);
  // the act is signed by whoever takes the equipment in: not a storekeeper's
  const store = (await srv.request('GET', '/api/v1/meta', { as: await srv.as('storekeeper') })).json;
  assert.deepEqual(store.entities.find((e) => e.name === 'requests').documents.map((d) => d.name), ['card']);
});

test('the card of a request: number, dates, client with phone, unit, description, the public timeline only', async () => {
  const r = await okPdf(admin, docPath(req.id, 'card'));
  assert.match(r.disposition, new RegExp(`filename="requests-${req.id}-card.pdf"`));
  const t = r.flat;
  assert.ok(t.includes(`Карточка обращения № ${req.number}`), t);
  assert.ok(t.includes('ООО «Ремонт и Сервис»'), 'the company from its details');
  assert.ok(t.includes('ИНН 7707083893'), 'and its requisites');
  assert.ok(t.includes(clientName), 'the client, Ё and all');
  assert.ok(t.includes('+7 916 123-45-67'), 'the phone');
  assert.ok(t.includes(serial) && t.includes('Kyocera ECOSYS M2040dn'), 'the unit');
  assert.ok(t.includes('до 01.06.2099 — действует на дату обращения'), 'the warranty');
  assert.ok(t.includes('Жуёт бумагу из второго лотка, ошибка J-0511.'), 'the description');
  assert.ok(t.includes('Приняли принтер в ремонт, ждите звонка'), 'a public reply');
  assert.ok(!t.includes('ВНУТРЕННЯЯзаметка'), 'no internal note on a paper the client may take');
  assert.ok(/от \d\d\.\d\d\.\d{4} \d\d:\d\d/.test(t), 'the date written the Russian way');
  assert.equal(r.pages, 1);
  assert.ok(t.includes('стр. 1 из 1'));
  // the fonts are embedded (PT Sans, as CID TrueType with Identity-H)
  const fonts = spawnSync('pdffonts', [r.file], { encoding: 'utf8' }).stdout;
  assert.match(fonts, /PTSans-Regular\S*\s+CID TrueType\s+Identity-H\s+yes/);
  assert.match(fonts, /PTSans-Bold\S*\s+CID TrueType\s+Identity-H\s+yes/);
});

test('the act of taking equipment in: client, unit, declared fault, lines to fill in by hand, signatures', async () => {
  const r = await okPdf(admin, docPath(req.id, 'intake_act'));
  const t = r.flat;
  assert.ok(t.includes(`Акт приёма оборудования № ${req.number}`), t);
  assert.ok(t.includes(clientName) && t.includes('+7 916 123-45-67') && t.includes('Щёлковское ш., 2'));
  assert.ok(t.includes('ул. Ёлочная, 3') && t.includes('+7 495 111-22-33'), 'where it was taken in');
  assert.ok(t.includes(serial));
  assert.ok(t.includes('Не захватывает бумагу') && t.includes('Жуёт бумагу из второго лотка'), 'the declared fault');
  // the request records no condition or accessories: ruled lines for them
  assert.ok(t.includes('Внешний вид, состояние') && t.includes('Комплектация'));
  const full = await srv.request('GET', `/api/v1/requests/${req.id}`, { as: admin });
  assert.ok(t.includes(`код доступа ${full.json.access_code}`), 'how the client follows the repair');
  assert.ok(t.includes('Сдал (заказчик)') && t.includes('Принял (исполнитель)'));
  assert.ok(t.includes('«____» ______________ 20____ г.'), 'the dates of the signatures');
  assert.ok(t.includes('стр. 1 из 1'));
});

test('a long description runs onto the next pages with the table\'s header repeated, pages numbered', async () => {
  const act = await okPdf(admin, docPath(longReq.id, 'intake_act'));
  assert.ok(act.pages >= 2, `${act.pages} pages`);
  for (let p = 1; p <= act.pages; p++) {
    const page = pdfText(act.bytes, { first: p, last: p }).flat;
    assert.ok(page.includes(`стр. ${p} из ${act.pages}`), `page ${p} numbered`);
    if (p < act.pages || page.includes('слово')) {
      // each page the description's row runs onto has the table's header
      assert.ok(page.includes('Серийный номер') && page.includes('Заявленная неисправность'), `page ${p}: the header`);
    }
    if (p > 1) assert.ok(page.includes('ООО «Ремонт и Сервис» — Акт приёма оборудования'), `page ${p}: the running header`);
  }
  // every word is there once, in order, nothing cut at a page's edge
  const words = act.flat.match(/слово\d+/g);
  assert.deepEqual(words, Array.from({ length: 200 }, (_, i) => `слово${i}`));
  assert.ok(act.flat.includes('КОНЕЦОПИСАНИЯ'));
  assert.ok(act.flat.includes('Сдал (заказчик)'), 'the signatures after it');

  const card = await okPdf(admin, docPath(longReq.id, 'card'));
  assert.ok(card.pages >= 3, `${card.pages} pages`);
  const last = pdfText(card.bytes, { first: card.pages, last: card.pages }).flat;
  // the timeline's table went on from one page to the next: its header again
  const withHeader = [];
  for (let p = 1; p <= card.pages; p++) {
    const page = pdfText(card.bytes, { first: p, last: p }).flat;
    if (/Дата Событие Содержание/.test(page)) withHeader.push(p);
  }
  assert.ok(withHeader.length >= 2, `the header on pages ${withHeader}`);
  assert.ok(last.includes('Ответ 5:'), 'the last reply on the last page');
  assert.equal((card.flat.match(/Ответ \d:/g) || []).length, 6);
});

test('who may print: signed in, the document\'s permission, the branch scope; unknown documents are 404', async () => {
  // nobody signed in
  assertError(await srv.request('GET', docPath(req.id, 'card')), 401, 'unauthenticated');
  // a storekeeper reads requests but takes no equipment in
  const store = await srv.as('storekeeper');
  await okPdf(store, docPath(req.id, 'card'));
  const refused = await fetchDoc(store, docPath(req.id, 'intake_act'));
  assert.equal(refused.status, 403);
  assert.equal(refused.json.error.code, 'forbidden');
  // a technician of branch A: A's request yes, B's is not there at all
  const techA = await makeUser('technician', branchA);
  await okPdf(techA, docPath(req.id, 'intake_act'));
  for (const name of ['card', 'intake_act', 'nonesuch']) {
    const r = await fetchDoc(techA, docPath(otherReq.id, name));
    assert.equal(r.status, 404, `${name}: ${r.text}`);
    assert.equal(r.json.error.code, 'not_found');
  }
  // and B's technician sees B's
  await okPdf(await makeUser('technician', branchB), docPath(otherReq.id, 'card'));
  for (const path of [
    docPath(req.id, 'nonesuch'), // no such document
    docPath(req.id, 'Card'), // names are exact
    `/api/v1/requests/${req.id}/documents/card`, // without .pdf
    `/api/v1/requests/${req.id}/documents/card.txt`,
    `/api/v1/requests/${req.id}/documents/.pdf`,
    docPath(99999999, 'card'), // no such request
    docPath('abc', 'card'),
    docPath(client.id, 'card', 'clients'), // clients have no such document
    docPath(1, 'card', 'nonesuch'), // no such entity
  ]) {
    const r = await fetchDoc(admin, path);
    assert.equal(r.status, 404, `${path}: ${r.status} ${r.text.slice(0, 200)}`);
    assert.equal(r.json.error.code, 'not_found', path);
  }
  // a document is read, never written: other methods are refused
  const post = await srv.request('POST', docPath(req.id, 'card'), { as: admin, body: {} });
  assert.equal(post.status, 405, post.text);
});

test('a page renders to an image (pdftoppm) the size of A4', async () => {
  const r = await okPdf(admin, docPath(req.id, 'intake_act'));
  const out = join(dir, 'page');
  const p = spawnSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', r.file, out], { encoding: 'utf8' });
  assert.equal(p.status, 0, p.stderr);
  const png = readFileSync(`${out}-1.png`);
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  // A4 at 50 dpi: 8.27 × 11.69 in → 414 × 585 px
  assert.equal(png.readUInt32BE(16), 414);
  assert.equal(png.readUInt32BE(20), 585);
});

test('without PT Sans the server says so at start and serves the rest; documents answer 503 with what to install', async () => {
  const other = await srv.serve({ env: { SERVITOR_FONT_DIR: join(dir, 'no-fonts-here') } });
  assert.match(other.log(), /warning: PDF documents are off: .*no-fonts-here\/PTS55F\.ttf.*install fonts-paratype/);
  const s = await other.login('admin', ADMIN_PASSWORD);
  assert.equal(s.status, 200, s.text);
  const r = await other.request('GET', docPath(req.id, 'card'), { as: s });
  assertError(r, 503, 'unavailable');
  assert.match(r.json.error.message, /fonts-paratype/);
  assert.equal((await other.request('GET', `/api/v1/requests/${req.id}`, { as: s })).status, 200);
});
