// files.test.mjs — files are a facility of every entity with a timeline, not
// of requests alone. The test-only entity test_orders (SERVITOR_TEST_ENTITIES=1)
// gets uploads, lists, downloads (with Range), the "file" event that links
// its attachment, public files on its public page and their deletion with
// the record from its descriptor alone; migration 031 carries the requests'
// attachments and their events over with their ids. Runs on SQLite and on
// PostgreSQL (SERVITOR_TEST_DB=postgres).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useServer, assertError, makeDb, runOk, startServe, client, nextAddr } from './harness.mjs';

const srv = useServer({ scale: 5, requests: 0, env: { SERVITOR_TEST_ENTITIES: '1' } });

const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);

async function newOrder(subject = 'Заказ с файлами') {
  const mgr = await srv.as('manager');
  const r = await srv.request('POST', '/api/v1/test_orders', { as: mgr, body: { subject, secret: 'не для клиента' } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

function upload(as, path, name, bytes, query = '') {
  return srv.request('POST', `${path}/attachments?name=${encodeURIComponent(name)}${query}`, {
    as, raw: bytes, headers: { 'content-type': 'application/octet-stream' },
  });
}

const publicFile = (entity, id, number, code) =>
  `/api/v1/public/${entity}/files/${id}?${new URLSearchParams({ number, code })}`;

test('a test order takes files: stored, listed, downloaded whole and by range, each linked from its "file" event and audited', async () => {
  const mgr = await srv.as('manager');
  const o = await newOrder();
  const path = `/api/v1/test_orders/${o.id}`;
  const a = await upload(mgr, path, 'Акт.pdf', pdf);
  assert.equal(a.status, 201, a.text);
  assert.equal(a.json.entity, 'test_orders');
  assert.equal(a.json.record_id, o.id);
  assert.equal(a.json.content_type, 'application/pdf');
  assert.equal(a.json.public, false);
  assert.equal(a.json.url, `${path}/attachments/${a.json.id}`);
  const b = await upload(await srv.as('technician'), path, 'фото.jpg', photo);
  assert.equal(b.status, 201, b.text);
  assert.equal(b.json.content_type, 'image/jpeg');

  const list = await srv.request('GET', `${path}/attachments`, { as: await srv.as('auditor') });
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.items.map((x) => [x.id, x.file_name, x.size]), [[a.json.id, 'Акт.pdf', pdf.length], [b.json.id, 'фото.jpg', photo.length]]);

  const whole = await srv.request('GET', a.json.url, { as: mgr });
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get('content-type'), 'application/pdf');
  assert.match(whole.headers.get('content-disposition'), /^attachment; filename\*=UTF-8''%D0%90%D0%BA%D1%82\.pdf$/);
  assert.deepEqual(Buffer.from(await (await fetch(srv.base + a.json.url, { headers: { cookie: mgr.cookie } })).arrayBuffer()), pdf);
  const part = await fetch(srv.base + a.json.url, { headers: { cookie: mgr.cookie, range: 'bytes=0-4' } });
  assert.equal(part.status, 206);
  assert.equal(await part.text(), '%PDF-');

  const tl = (await srv.request('GET', `${path}/timeline`, { as: mgr })).json.items;
  const files = tl.filter((e) => e.kind === 'file');
  assert.deepEqual(files.map((e) => [e.body, e.public, e.attachment.id, e.attachment.size, e.attachment.url]),
    [['Акт.pdf', false, a.json.id, pdf.length, a.json.url], ['фото.jpg', false, b.json.id, photo.length, b.json.url]]);
  assert.ok(tl.filter((e) => e.kind !== 'file').every((e) => e.attachment === undefined), 'only file events carry one');

  const audit = await srv.request('GET', `/api/v1/audit?entity=test_orders&record_id=${o.id}&limit=50`, { as: await srv.as('auditor') });
  const attached = audit.json.items.filter((x) => x.action === 'attach');
  assert.equal(attached.length, 2, audit.text);
});

test('the same bytes twice are one attachment; asked public the second time, they join the public page', async () => {
  const mgr = await srv.as('manager');
  const o = await newOrder();
  const path = `/api/v1/test_orders/${o.id}`;
  const first = await upload(mgr, path, 'один.pdf', pdf);
  const again = await upload(mgr, path, 'два.pdf', pdf);
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.id, first.json.id);
  let tl = (await srv.request('GET', `${path}/timeline`, { as: mgr })).json.items;
  assert.equal(tl.filter((e) => e.kind === 'file').length, 1, 'no second event for the same file');
  const shown = await upload(mgr, path, 'три.pdf', pdf, '&public=1');
  assert.equal(shown.json.id, first.json.id);
  assert.equal(shown.json.public, true);
  tl = (await srv.request('GET', `${path}/timeline`, { as: mgr })).json.items;
  assert.deepEqual(tl.filter((e) => e.kind === 'file').map((e) => e.public), [false, true]);
  await upload(mgr, path, 'четыре.pdf', pdf, '&public=1');
  tl = (await srv.request('GET', `${path}/timeline`, { as: mgr })).json.items;
  assert.equal(tl.filter((e) => e.kind === 'file').length, 2, 'public once');
  assertError(await upload(mgr, path, 'x.pdf', photo, '&public=maybe'), 422, 'validation_failed', { public: 'invalid' });
});

test('the public page shows only the files of public events, and its client downloads only those', async () => {
  const mgr = await srv.as('manager');
  const o = await newOrder();
  const path = `/api/v1/test_orders/${o.id}`;
  const inner = await upload(mgr, path, 'внутренний.pdf', pdf);
  const shared = await upload(mgr, path, 'для клиента.jpg', photo, '&public=true');
  assert.equal(shared.status, 201, shared.text);
  const addr = nextAddr();
  const page = await srv.request('GET', `/api/v1/public/test_orders/status?${new URLSearchParams({ number: o.number, code: o.access_code })}`, { addr });
  assert.equal(page.status, 200, page.text);
  const files = page.json.timeline.filter((e) => e.kind === 'file');
  assert.deepEqual(files, [{ at: files[0].at, kind: 'file', body: 'для клиента.jpg', from: null, to: null, attachment: { id: shared.json.id, size: photo.length } }]);
  assert.ok(!page.text.includes('внутренний'), 'the internal file is not named');

  const got = await fetch(srv.base + publicFile('test_orders', shared.json.id, o.number, o.access_code), { headers: { 'x-forwarded-for': addr } });
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'image/jpeg');
  assert.deepEqual(Buffer.from(await got.arrayBuffer()), photo);
  // the internal file, a wrong code, another record's number, another entity: the same 404
  for (const url of [publicFile('test_orders', inner.json.id, o.number, o.access_code),
    publicFile('test_orders', shared.json.id, o.number, o.access_code + '9'),
    publicFile('requests', shared.json.id, o.number, o.access_code),
    publicFile('clients', shared.json.id, o.number, o.access_code)]) {
    assertError(await srv.request('GET', url, { addr }), 404, 'not_found');
  }
  // wrong pairs count toward the page's limit
  let last;
  for (let i = 0; i < 10; i++) last = await srv.request('GET', publicFile('test_orders', shared.json.id, o.number, 'нет'), { addr });
  assertError(last, 429, 'rate_limited');
});

test('who may: writers upload, readers list and download; no files on entities without a timeline, nor across records', async () => {
  const o = await newOrder();
  const other = await newOrder('Другой заказ');
  const path = `/api/v1/test_orders/${o.id}`;
  const store = await srv.as('storekeeper'); // reads requests (and test orders), writes neither
  assertError(await upload(store, path, 'x.pdf', pdf), 403, 'forbidden');
  const a = await upload(await srv.as('manager'), path, 'x.pdf', pdf);
  assert.equal((await srv.request('GET', `${path}/attachments`, { as: store })).status, 200);
  assert.equal((await srv.request('GET', a.json.url, { as: store })).status, 200);
  const mgr = await srv.as('manager');
  assertError(await srv.request('GET', `/api/v1/test_orders/${other.id}/attachments/${a.json.id}`, { as: mgr }), 404, 'not_found');
  assertError(await srv.request('GET', `/api/v1/requests/${o.id}/attachments/${a.json.id}`, { as: mgr }), 404, 'not_found');
  assertError(await srv.request('GET', `/api/v1/attachments/${a.json.id}`, { as: mgr }), 404, 'not_found'); // the requests' old address
  assertError(await srv.request('GET', `/api/v1/test_orders/999999/attachments`, { as: mgr }), 404, 'not_found');
  assertError(await upload(mgr, '/api/v1/test_orders/999999', 'x.pdf', pdf), 404, 'not_found');
  const client = (await srv.request('GET', '/api/v1/clients?limit=1', { as: mgr })).json.items[0];
  assertError(await upload(mgr, `/api/v1/clients/${client.id}`, 'x.pdf', pdf), 404, 'not_found');
  assertError(await srv.request('GET', `/api/v1/clients/${client.id}/attachments`, { as: mgr }), 404, 'not_found');
  assertError(await upload(mgr, path, 'x.exe', Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0xff])), 422, 'validation_failed', { file: 'invalid_type' });
  const oa = (await srv.request('GET', '/api/v1/openapi.json')).json.paths;
  assert.equal(oa['/api/v1/test_orders/{id}/attachments'].post['x-permission'], 'requests.write');
  assert.equal(oa['/api/v1/test_orders/{id}/attachments/{file}'].get['x-permission'], 'requests.read');
  assert.equal(oa['/api/v1/clients/{id}/attachments'], undefined, 'an entity without a timeline has no files');
});

test('deleting a record takes its attachments and their events with it', async () => {
  const mgr = await srv.as('manager');
  const admin = await srv.as('admin');
  const o = await newOrder('Будет удалён');
  const path = `/api/v1/test_orders/${o.id}`;
  const a = await upload(mgr, path, 'удалится.txt', Buffer.from('текст'));
  assert.equal(a.status, 201, a.text);
  const now = (await srv.request('GET', path, { as: mgr })).json;
  assert.equal((await srv.request('DELETE', `${path}?version=${now.version}`, { as: admin })).status, 204);
  assertError(await srv.request('GET', `${path}/attachments`, { as: mgr }), 404, 'not_found');
  assertError(await srv.request('GET', a.json.url, { as: mgr }), 404, 'not_found');
  // the same bytes on a new record are a new attachment
  const next = await newOrder();
  const b = await upload(mgr, `/api/v1/test_orders/${next.id}`, 'удалится.txt', Buffer.from('текст'));
  assert.equal(b.status, 201, b.text);
  assert.notEqual(b.json.id, a.json.id);
});

test('migration 031 carries the requests\' attachments over with their ids, and their events become "file" events linking them', async () => {
  const db = await makeDb();
  try {
    runOk(['migrate', '--db', db.url, '--to', '21']);
    const at = '2025-03-04T05:06:07Z';
    const bytes = Buffer.from('%PDF-1.4 старый акт\n');
    const sha = createHash('sha256').update(bytes).digest('hex');
    const files = join(db.dir, 'files');
    mkdirSync(join(files, sha.slice(0, 2)), { recursive: true });
    writeFileSync(join(files, sha.slice(0, 2), sha), bytes);
    runOk(['test-sql', '--db', db.url], {
      input: `
INSERT INTO users (id, version, created_at, updated_at, login, name, role, active, password_hash)
VALUES (7, 1, '${at}', '${at}', 'old', 'Старый Инженер', 'technician', 1, 'x');
INSERT INTO requests (id, version, created_at, updated_at, number, status, channel, type, priority,
                      subject, access_code)
VALUES (3, 1, '${at}', '${at}', 'О-2025-000003', 'in_progress', 'email', 'repair', 'normal',
        'Старая заявка', '123456');
INSERT INTO attachments (id, version, created_at, updated_at, request_id, user_id, file_name,
                         content_type, size, sha256)
VALUES (11, 1, '${at}', '${at}', 3, 7, 'акт.pdf', 'application/pdf', ${bytes.length}, '${sha}');
INSERT INTO events (id, entity, record_id, at, user_id, kind, public, body)
VALUES (30, 'requests', 3, '${at}', 7, 'attachment', 0, 'акт.pdf'),
       (31, 'requests', 3, '${at}', 7, 'note', 0, 'акт.pdf');
`,
    });
    runOk(['migrate', '--db', db.url]);
    runOk(['user', 'add', '--login', 'boss', '--role', 'admin', '--db', db.url, '--password-stdin'], { input: 'boss12345\n' });
    const s = await startServe(db.url, { args: ['--files', files] });
    try {
      const api = client(s.base);
      const boss = await api.login('boss', 'boss12345');
      assert.equal(boss.status, 200, boss.text);
      const list = await api.request('GET', '/api/v1/requests/3/attachments', { as: boss });
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.json.items.map((x) => [x.id, x.entity, x.record_id, x.file_name, x.user_name, x.sha256]),
        [[11, 'requests', 3, 'акт.pdf', 'Старый Инженер', sha]]);
      const got = await fetch(s.base + '/api/v1/attachments/11', { headers: { cookie: boss.cookie } });
      assert.equal(got.status, 200, 'the old address still serves a request\'s file');
      assert.deepEqual(Buffer.from(await got.arrayBuffer()), bytes);
      const tl = (await api.request('GET', '/api/v1/requests/3/timeline', { as: boss })).json.items;
      assert.deepEqual(tl.map((e) => [e.id, e.kind, e.attachment?.id ?? null]), [[30, 'file', 11], [31, 'note', null]]);
      // the id generators moved past the carried ids (PostgreSQL's too)
      const up = await api.request('POST', '/api/v1/requests/3/attachments?name=new.txt', {
        as: boss, raw: Buffer.from('новый'), headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(up.status, 201, up.text);
      assert.ok(up.json.id > 11, `a new attachment id ${up.json.id} after 11`);
    } finally {
      await s.stop();
    }
  } finally {
    db.cleanup();
  }
});
