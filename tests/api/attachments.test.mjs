// attachments.test.mjs — files on requests: stored once by content, type
// checked against the bytes, size-limited, served only to request readers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDb, run, serve, login, call } from '../lib.mjs';

let db, srv, mgr, eng, req;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url);
  mgr = await login(srv.base, 'manager', 'demo12345', '10.97.0.1');
  eng = await login(srv.base, 'engineer', 'demo12345', '10.97.0.2');
  req = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'С вложениями' })).json;
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

async function upload(session, name, bytes, id = req.id, headers = {}) {
  const h = { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/octet-stream', ...headers };
  const r = await fetch(`${srv.base}/api/v1/requests/${id}/attachments?name=${encodeURIComponent(name)}`, { method: 'POST', headers: h, body: bytes });
  return { status: r.status, json: await r.json().catch(() => null) };
}

const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

test('a PDF and a photo are stored, listed, downloaded byte for byte with their type', async () => {
  const a = await upload(mgr, 'Акт диагностики.pdf', pdf);
  assert.equal(a.status, 201, JSON.stringify(a.json));
  assert.equal(a.json.content_type, 'application/pdf');
  assert.equal(a.json.size, pdf.length);
  const b = await upload(eng, 'фото.png', png);
  assert.equal(b.json.content_type, 'image/png');
  const list = await call(srv.base, eng, 'GET', `/api/v1/requests/${req.id}/attachments`);
  assert.deepEqual(list.json.items.map((x) => x.file_name), ['Акт диагностики.pdf', 'фото.png']);
  const r = await fetch(srv.base + a.json.url, { headers: { cookie: eng.cookie } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition'), /^attachment; filename\*=UTF-8''%D0%90/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.deepEqual(Buffer.from(await r.arrayBuffer()), pdf);
  const tl = await call(srv.base, mgr, 'GET', `/api/v1/requests/${req.id}/timeline`);
  assert.equal(tl.json.items.filter((e) => e.kind === 'file').length, 2);
});

test('the same file twice is one attachment', async () => {
  const a = await upload(mgr, 'again.pdf', pdf);
  const list = await call(srv.base, mgr, 'GET', `/api/v1/requests/${req.id}/attachments`);
  assert.equal(list.json.items.filter((x) => x.size === pdf.length).length, 1);
  assert.equal(a.status, 201);
});

test('types by the bytes: an executable named .pdf is refused; names with slashes too', async () => {
  const exe = await upload(mgr, 'invoice.pdf', Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0xff, 0xfe]));
  assert.equal(exe.status, 422);
  assert.equal(exe.json.error.fields.file, 'invalid_type');
  const html = await upload(mgr, 'note.txt', Buffer.from('<script>alert(1)</script>'));
  assert.equal(html.json.content_type, 'text/plain; charset=utf-8', 'HTML is served as plain text');
  assert.equal((await upload(mgr, '../../etc/passwd', pdf)).json.error.fields.name, 'invalid');
  assert.equal((await upload(mgr, '', pdf)).status, 422);
  assert.equal((await upload(mgr, 'empty.txt', Buffer.alloc(0))).json.error.fields.file, 'required');
});

test('size limit, missing request, CSRF and permissions', async () => {
  const big = Buffer.alloc(10 * 1024 * 1024 + 10, 0x41);
  const r = await upload(mgr, 'big.txt', big).catch(() => ({ status: 413 }));
  assert.equal(r.status, 413);
  assert.equal((await upload(mgr, 'x.pdf', pdf, 999999)).status, 404);
  const noCsrf = await fetch(`${srv.base}/api/v1/requests/${req.id}/attachments?name=x.pdf`, { method: 'POST', headers: { cookie: mgr.cookie }, body: pdf });
  assert.equal(noCsrf.status, 403);
  const store = await login(srv.base, 'store', 'demo12345', '10.97.0.3');
  assert.equal((await upload(store, 'x.pdf', pdf)).status, 403);
  assert.equal((await fetch(`${srv.base}/api/v1/attachments/1`)).status, 401);
  assert.equal((await fetch(`${srv.base}/api/v1/attachments/9999`, { headers: { cookie: mgr.cookie } })).status, 404);
  assert.equal((await call(srv.base, mgr, 'GET', '/healthz')).status, 200);
});

test('the same bytes uploaded by many at once: every upload succeeds, one attachment, one intact file', async () => {
  const other = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Параллельные файлы' })).json;
  for (let round = 0; round < 15; round++) {
    // new bytes each round, large enough that writes overlap
    const bytes = Buffer.concat([Buffer.from(`%PDF-1.4 round ${round} ${Date.now()}\n`), Buffer.alloc(512 * 1024, 0x20 + round)]);
    const all = await Promise.all(Array.from({ length: 8 }, (_, i) => upload(i % 2 ? eng : mgr, `same-${round}.pdf`, bytes, i < 4 ? req.id : other.id)));
    for (const r of all) assert.equal(r.status, 201, `round ${round}: ${JSON.stringify(r.json)}`);
    assert.equal(new Set(all.slice(0, 4).map((r) => r.json.id)).size, 1, 'one attachment per request');
    const got = await fetch(srv.base + all[7].json.url, { headers: { cookie: mgr.cookie } });
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), bytes, `round ${round}: the stored file is whole`);
  }
  const list = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${other.id}/attachments`)).json.items;
  assert.equal(list.length, 15);
});

test('bidirectional controls are taken out of file names; a deleted request has no attachment list', async () => {
  // "счет<RLO>fdp.exe" would read as "счетexe.pdf"
  const names = { 'счет\u202Efdp.exe': 'счетfdp.exe', '\u2067a\u2069\u200Fb\u061C.txt': 'ab.txt' };
  for (const [given, kept] of Object.entries(names)) {
    const r = await upload(mgr, given, Buffer.from(`text for ${kept}`));
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.equal(r.json.file_name, kept);
  }
  assert.equal((await upload(mgr, '\u202E\u202C', Buffer.from('only controls'))).json.error.fields.name, 'invalid');
  const admin = await login(srv.base, 'admin', 'admin12345', '10.97.0.9');
  const gone = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Будет удалена' })).json;
  assert.equal((await upload(mgr, 'a.pdf', pdf, gone.id)).status, 201);
  assert.equal((await call(srv.base, admin, 'DELETE', `/api/v1/requests/${gone.id}`)).status, 204);
  const list = await call(srv.base, mgr, 'GET', `/api/v1/requests/${gone.id}/attachments`);
  assert.equal(list.status, 404, list.text);
  assert.equal((await call(srv.base, mgr, 'GET', '/api/v1/requests/999999/attachments')).status, 404);
});
