// mail.test.mjs — requests by e-mail: `servitor mail-intake` on standard
// input (as an MTA pipes it) and POST /api/v1/intake/email, on SQLite and on
// PostgreSQL. Charsets and transfer encodings of real mailers, the body of
// multipart/alternative and HTML-only mail, attachments under the upload
// rules, replies threaded by the number in the subject, duplicates, robots,
// garbage, permissions and the size limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testDb, run, serve, login, call, tempDir, BIN } from '../lib.mjs';

const FIX = new URL('./fixtures/mail/', import.meta.url).pathname;
const fixture = (name) => readFileSync(join(FIX, name));

let db, srv, files, mgr, eng, auditor;

before(async () => {
  db = testDb();
  files = tempDir('svmail-');
  run(['demo', '--scale', '5', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url, ['--files', files]);
  mgr = await login(srv.base, 'manager', 'demo12345', '10.93.0.1');
  eng = await login(srv.base, 'engineer', 'demo12345', '10.93.0.2');
  auditor = await login(srv.base, 'auditor', 'demo12345', '10.93.0.3');
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

/** Pipes a message into `servitor mail-intake` as an MTA does. */
function intake(message, { env = {}, dbUrl = db.url } = {}) {
  const r = spawnSync(BIN, ['mail-intake', '--db', dbUrl, '--files', files], {
    input: message, env: { ...process.env, SERVITOR_PWHASH: 'fast', ...env }, encoding: 'utf8', timeout: 30000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stderr: r.stderr };
}

/** Takes a message and returns the request it made or answered. */
async function taken(message, expect = 'created') {
  const r = intake(message);
  assert.equal(r.status, 0, r.stderr);
  const m = r.stderr.match(new RegExp(`mail-intake: ${expect} (О-\\d{4}-\\d{6})`));
  assert.ok(m, `expected "${expect}": ${r.stderr}`);
  return byNumber(m[1]);
}

async function byNumber(number) {
  const found = await call(srv.base, mgr, 'GET', `/api/v1/requests?q=${encodeURIComponent(number)}`);
  const req = found.json.items.find((x) => x.number === number);
  assert.ok(req, `request ${number}`);
  return (await call(srv.base, mgr, 'GET', `/api/v1/requests/${req.id}`)).json;
}

const timeline = async (id) => (await call(srv.base, mgr, 'GET', `/api/v1/requests/${id}/timeline`)).json.items;
const client = async (id) => (await call(srv.base, mgr, 'GET', `/api/v1/clients/${id}`)).json;

let seq = 0;
/** A plain UTF-8 letter built here; headers are raw lines. */
function letter({ from, subject, body = 'Текст письма', id = `<t${++seq}.${Date.now()}@test.example>`, headers = [] }) {
  const b64 = (s) => `=?utf-8?B?${Buffer.from(s).toString('base64')}?=`;
  return Buffer.from([
    `From: ${from}`, 'To: service@servitor.test', `Subject: ${b64(subject)}`, `Message-ID: ${id}`,
    'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', ...headers,
    '', body, '',
  ].join('\r\n'));
}

/** What the database holds, as far as the API shows: to prove nothing was written. */
async function snapshot() {
  const reqs = await call(srv.base, mgr, 'GET', '/api/v1/requests?limit=200');
  const clients = await call(srv.base, mgr, 'GET', '/api/v1/clients?limit=200');
  const audit = await call(srv.base, auditor, 'GET', '/api/v1/audit?limit=1');
  return { requests: reqs.json.items.length, clients: clients.json.items.length, audit: audit.json.items[0]?.id };
}

// ---- decoding ----------------------------------------------------------------

test('a koi8-r encoded-word subject and a windows-1251 body: a new client without consent and an e-mail request', async () => {
  const r = await taken(fixture('koi8r-subject-cp1251-body.eml'));
  assert.equal(r.channel, 'email');
  assert.equal(r.subject, 'Принтер не печатает');
  assert.equal(r.description, 'Здравствуйте!\nПринтер Kyocera M2040dn не печатает, горит «Ошибка».\nЁлка ёжик.');
  assert.equal(r.status === 'new' || r.status === 'assigned', true, r.status);
  assert.match(r.number, /^О-\d{4}-\d{6}$/);
  const c = await client(r.client_id);
  assert.equal(c.name, 'Иван Петров');
  assert.equal(c.email, 'ivan.petrov@example.ru');
  assert.equal(c.kind, 'person');
  assert.equal(c.pd_consent, false, 'a letter is no consent');
  assert.equal(c.pd_consent_date, null);
  assert.match(c.notes, /Согласия на обработку персональных данных и на рассылки не давал/);
  const log = await call(srv.base, auditor, 'GET', `/api/v1/audit?entity=requests&record_id=${r.id}`);
  assert.equal(log.json.items.at(-1).user_login, 'mail');
  const tl = await timeline(r.id);
  assert.equal(tl[0].kind, 'created');
});

test('quoted-printable koi8-r and base64 UTF-8 bodies; a subject of two encoded-words', async () => {
  const qp = await taken(fixture('koi8r-qp.eml'));
  assert.equal(qp.subject, 'Консультация по ТО');
  assert.equal(qp.description, 'Добрый день.\nНужна консультация по ТО кондиционера - сколько стоит?');
  assert.equal((await client(qp.client_id)).name, 'Ольга Смирнова');
  const b64 = await taken(fixture('base64-utf8.eml'));
  assert.equal(b64.subject, 'Ноутбук не включается');
  assert.equal(b64.description, 'Сломался ноутбук Lenovo, не включается.\nСерийный номер PF-123.');
  assert.equal((await client(b64.client_id)).name, 'Пётр');
});

test('multipart/alternative gives its text/plain; HTML-only mail becomes rough plain text', async () => {
  const alt = await taken(fixture('alternative.eml'));
  assert.equal(alt.description, 'Текст из text/plain: замена картриджа.');
  assert.equal((await client(alt.client_id)).name, 'anna@example.com', 'no display name: the address');
  const html = await taken(fixture('html-only.eml'));
  assert.equal(html.description,
    'Добрый день!\n\nПрошу забрать сканер «Canon» & блок питания.\n\n- первое\n- второе\n\nЦена < 5000 ₽\nСпасибо');
  assert.doesNotMatch(html.description, /alert|color|Заголовок|комментарий/, 'no script, style, title or comment');
});

test('invalid bytes in a declared UTF-8 body are replaced, undeclared 8-bit text is read as windows-1251', async () => {
  const broken = Buffer.concat([
    Buffer.from('From: broken@example.com\r\nSubject: Broken\r\nMessage-ID: <broken@example.com>\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n\r\nДа'), Buffer.from([0xff, 0xfe]), Buffer.from('нет\r\n')]);
  const a = await taken(broken);
  assert.equal(a.description, 'Да??нет');
  const b = await taken(Buffer.concat([
    Buffer.from('From: old@example.com\r\nSubject: Old mailer\r\nMessage-ID: <old@example.com>\r\n\r\n'),
    Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]), // «Привет» in windows-1251, no charset said
  ]));
  assert.equal(b.description, 'Привет');
});

// ---- attachments ---------------------------------------------------------------

test('a PDF is attached like an upload; an executable is skipped and noted on the timeline', async () => {
  const r = await taken(fixture('attachments.eml'));
  assert.equal(r.description, 'Акт и программа во вложении.');
  const list = await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}/attachments`);
  assert.deepEqual(list.json.items.map((a) => [a.file_name, a.content_type]), [['Акт.pdf', 'application/pdf']]);
  const bytes = await fetch(srv.base + list.json.items[0].url, { headers: { cookie: mgr.cookie } });
  assert.match(Buffer.from(await bytes.arrayBuffer()).toString('latin1'), /^%PDF-1\.4/);
  const tl = await timeline(r.id);
  const skipped = tl.filter((e) => e.kind === 'attachment_skipped');
  assert.equal(skipped.length, 1);
  assert.match(skipped[0].body, /^setup\.exe \(application\/octet-stream, /);
  assert.equal(skipped[0].public, false);
  const filed = tl.filter((e) => e.kind === 'file');
  assert.equal(filed.length, 1);
  assert.equal(filed[0].attachment.id, list.json.items[0].id, 'the event points at its file');
  assert.equal(filed[0].public, false);
});

// ---- replies -------------------------------------------------------------------

test('a client\'s answer reopens a resolved or recently closed request; one closed long ago stays closed with the answer on it', async () => {
  const r = await taken(letter({ from: 'Ян Ким <yan@example.com>', subject: 'Плохо греет' }));
  const started = await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/start`, { version: r.version });
  const resolved = await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/resolve`, { version: started.json.version });
  assert.equal(resolved.json.status, 'resolved');
  const back = await taken(letter({ from: 'yan@example.com', subject: `Re: ${r.number}`, body: 'Снова не греет.' }), 'reply');
  assert.equal(back.status, 'in_progress', 'reopened');
  assert.equal(back.resolved_at, null);
  const done = await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/resolve`, { version: back.version });
  const closed = await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/close`, { version: done.json.version });
  assert.equal(closed.json.status, 'closed');
  // closed "long ago": the reopening period is 0 days for this delivery, and
  // it comes a minute after the close (the intake's own test clock, no sleep)
  const later = new Date(Date.parse(closed.json.closed_at) + 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const late = intake(letter({ from: 'yan@example.com', subject: `Re: ${r.number}`, body: 'Спасибо, всё работает.' }),
    { env: { SERVITOR_REOPEN_DAYS: '0', SERVITOR_TEST_CLOCK: '1', SERVITOR_TEST_NOW: later } });
  assert.equal(late.status, 0, late.stderr);
  const now = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`)).json;
  assert.equal(now.status, 'closed', 'too late to reopen');
  const tl = await timeline(r.id);
  assert.equal(tl.filter((e) => e.kind === 'client_reply').length, 2, 'both answers are on the timeline');
  assert.ok(tl.some((e) => e.kind === 'status' && e.from === 'resolved' && e.to === 'in_progress'));
});


test('a reply from the client with the number in the subject goes on the timeline and ends waiting_client', async () => {
  const r = await taken(letter({ from: 'Кира Ли <kira@example.com>', subject: 'Не работает сканер' }));
  const assigned = await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/assign`, { version: r.version, assignee_id: eng.user.id });
  assert.equal(assigned.status, 200, assigned.text);
  const started = await call(srv.base, eng, 'POST', `/api/v1/requests/${r.id}/transitions/start`, { version: assigned.json.version });
  const waiting = await call(srv.base, eng, 'POST', `/api/v1/requests/${r.id}/transitions/wait_client`, { version: started.json.version });
  assert.equal(waiting.json.status, 'waiting_client');
  assert.ok(waiting.json.sla_paused_since, 'the SLA clock is paused while waiting');

  const reply = await taken(letter({
    from: 'Кира Ли <KIRA@example.com>', subject: `Re: [${r.number}] Не работает сканер`,
    body: 'Вот серийный номер: SN-42.\r\n\r\nВ письме от 1 марта вы писали:\r\n> Пришлите серийный номер\r\n> сканера',
  }), 'reply');
  assert.equal(reply.id, r.id);
  assert.equal(reply.status, 'in_progress', 'the client answered: back to work');
  assert.equal(reply.sla_paused_since, null, 'the SLA clock runs again');
  const tl = await timeline(r.id);
  const cr = tl.filter((e) => e.kind === 'client_reply');
  assert.equal(cr.length, 1);
  assert.equal(cr[0].body, 'Вот серийный номер: SN-42.', 'the quoted letter is left out');
  assert.equal(cr[0].public, true);
  assert.equal(cr[0].author, 'Кира Ли <KIRA@example.com>');
  assert.equal(cr[0].user_id, null);
  const status = tl.at(-1);
  assert.deepEqual([status.kind, status.from, status.to], ['status', 'waiting_client', 'in_progress']);
  const bell = (await call(srv.base, eng, 'GET', '/api/v1/notifications')).json.items;
  assert.ok(bell.some((n) => n.kind === 'client_reply' && n.record_id === r.id), 'the assignee is told');

  // a Latin O typed for the Cyrillic one, no brackets, from a contact of the client
  const contact = await call(srv.base, mgr, 'POST', '/api/v1/contacts', { client_id: r.client_id, name: 'Бухгалтер', email: 'buh@example.com' });
  assert.equal(contact.status, 201, contact.text);
  const latin = r.number.replace('О', 'O');
  const again = await taken(letter({ from: 'buh@example.com', subject: `Ответ: ${latin}`, body: 'Счёт оплачен.' }), 'reply');
  assert.equal(again.id, r.id);
  assert.equal(again.status, 'in_progress', 'not waiting: the status stays');
  assert.equal((await timeline(r.id)).filter((e) => e.kind === 'client_reply').length, 2);
});

test('the number of another client\'s request makes a new request of the sender', async () => {
  const theirs = await taken(letter({ from: 'owner@example.com', subject: 'Чужая заявка' }));
  const mine = await taken(letter({ from: 'stranger@example.com', subject: `Re: ${theirs.number}`, body: 'Я тоже хочу' }));
  assert.notEqual(mine.id, theirs.id);
  assert.notEqual(mine.client_id, theirs.client_id);
  assert.equal(mine.subject, theirs.number, 'Re: is dropped, the rest is the subject');
  assert.ok(!(await timeline(theirs.id)).some((e) => e.kind === 'client_reply'));
});

test('a known sender is found by the client\'s e-mail, whatever its case; the contact is set when it was a contact', async () => {
  const c = await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'company', name: 'ООО «Почта»', email: 'office@pochta.example' });
  const k = await call(srv.base, mgr, 'POST', '/api/v1/contacts', { client_id: c.json.id, name: 'Инженер', email: 'eng@pochta.example' });
  const a = await taken(letter({ from: 'Office <OFFICE@Pochta.example>', subject: 'Первое' }));
  assert.equal(a.client_id, c.json.id);
  assert.equal(a.contact_id, null);
  const b = await taken(letter({ from: 'eng@pochta.example', subject: 'Второе' }));
  assert.equal(b.client_id, c.json.id);
  assert.equal(b.contact_id, k.json.id);
});

// ---- duplicates, robots, garbage --------------------------------------------

test('the same Message-ID delivered twice makes one request', async () => {
  const m = letter({ from: 'twice@example.com', subject: 'Дважды', id: '<same-id@example.com>' });
  await taken(m);
  const before = await snapshot();
  const again = intake(m);
  assert.equal(again.status, 0);
  assert.match(again.stderr, /taken before: nothing done/);
  assert.deepEqual(await snapshot(), before);
});

test('the same message delivered by several MTA processes at once is taken once', async () => {
  const m = letter({ from: 'race@example.com', subject: 'Гонка', id: '<race@example.com>' });
  const one = () => new Promise((res, rej) => {
    const p = spawn(BIN, ['mail-intake', '--db', db.url, '--files', files], { env: { ...process.env, SERVITOR_PWHASH: 'fast' } });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('error', rej);
    p.on('close', (status) => res({ status, stderr: err }));
    p.stdin.end(m);
  });
  const all = await Promise.all([one(), one(), one(), one(), one()]);
  assert.deepEqual(all.map((r) => r.status), [0, 0, 0, 0, 0], all.map((r) => r.stderr).join(''));
  assert.equal(all.filter((r) => /created О-/.test(r.stderr)).length, 1, all.map((r) => r.stderr).join(''));
  assert.equal(all.filter((r) => /taken before/.test(r.stderr)).length, 4);
});

test('auto-replies, bounces, lists and our own address are ignored: exit 0, logged, nothing written', async () => {
  const before = await snapshot();
  for (const [name, why] of [['auto-reply.eml', /Auto-Submitted: auto-replied/], ['bounce.eml', /MAILER-DAEMON/], ['bulk.eml', /Precedence: bulk/]]) {
    const r = intake(fixture(name));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /ignored mail/);
    assert.match(r.stderr, why);
  }
  const own = intake(letter({ from: 'Servitor <Service@Servitor.test>', subject: 'Петля' }), { env: { SERVITOR_MAIL_FROM: 'noreply@servitor.test, service@servitor.test' } });
  assert.equal(own.status, 0);
  assert.match(own.stderr, /our own address/);
  const postmaster = intake(letter({ from: 'postmaster@example.com', subject: 'Report' }));
  assert.match(postmaster.stderr, /ignored/);
  assert.deepEqual(await snapshot(), before);
});

test('garbage or nothing on stdin: exit 65 and nothing written; the database away: exit 75', async () => {
  const before = await snapshot();
  for (const input of [fixture('garbage.bin'), Buffer.from('hello world\n'), Buffer.alloc(0), Buffer.from('Subject: no sender\r\n\r\nbody\r\n')]) {
    const r = intake(input);
    assert.equal(r.status, 65, `${JSON.stringify(input.toString().slice(0, 30))}: ${r.stderr}`);
    assert.match(r.stderr, /refused/);
  }
  const big = intake(Buffer.concat([letter({ from: 'big@example.com', subject: 'Большое' }), Buffer.alloc(10 * 1024 * 1024, 0x41)]));
  assert.equal(big.status, 65);
  assert.match(big.stderr, /up to 10 MiB/);
  assert.deepEqual(await snapshot(), before);
  const away = db.kind === 'postgres'
    ? db.url.replace(/port=\d+/, 'port=1')
    : '/nonexistent/servitor.db';
  const r = intake(letter({ from: 'later@example.com', subject: 'Позже' }), { dbUrl: away });
  assert.equal(r.status, 75, r.stderr);
});

// ---- over HTTP -----------------------------------------------------------------

test('POST /api/v1/intake/email: a token of a manager (who may assign requests), raw message/rfc822', async () => {
  const admin = await login(srv.base, 'admin', 'admin12345', '10.93.0.4');
  const store = await login(srv.base, 'store', 'demo12345', '10.93.0.5');
  const token = async (user) => (await call(srv.base, admin, 'POST', '/api/v1/tokens', { name: `mx ${user.login}`, user_id: user.id })).json.token;
  const mx = await token(mgr.user);
  const storeToken = await token(store.user);
  const engToken = await token(eng.user);
  const post = (body, { bearer = mx, type = 'message/rfc822' } = {}) => fetch(`${srv.base}/api/v1/intake/email`, {
    method: 'POST', body, headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), 'content-type': type },
  }).then(async (r) => ({ status: r.status, json: await r.json().catch(() => null) }));

  const m = letter({ from: 'Через Сервер <relay@example.com>', subject: 'По HTTP', id: '<http-1@example.com>' });
  const made = await post(m);
  assert.equal(made.status, 201, JSON.stringify(made.json));
  assert.equal(made.json.outcome, 'created');
  assert.match(made.json.number, /^О-\d{4}-\d{6}$/);
  const r = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${made.json.request_id}`)).json;
  assert.equal(r.channel, 'email');
  assert.equal(r.subject, 'По HTTP');
  const log = await call(srv.base, auditor, 'GET', `/api/v1/audit?entity=requests&record_id=${r.id}`);
  assert.equal(log.json.items.at(-1).user_login, 'mail', 'the mail user acts, whoever delivers');

  assert.deepEqual((await post(m)).json, { outcome: 'duplicate', from: 'relay@example.com', attached: 0, skipped: 0 });
  const reply = await post(letter({ from: 'relay@example.com', subject: `RE: ${r.number}`, body: 'Спасибо' }));
  assert.equal(reply.status, 200);
  assert.equal(reply.json.outcome, 'reply');
  assert.equal(reply.json.request_id, r.id);
  const ignored = await post(fixture('auto-reply.eml'));
  assert.equal(ignored.status, 202);
  assert.equal(ignored.json.outcome, 'ignored');
  assert.match(ignored.json.reason, /auto-replied/);
  // the fixture was taken by the pipe already: the same letter under another Message-ID
  const files = await post(Buffer.from(fixture('attachments.eml').toString('latin1').replace('<files@example.com>', '<files-2@example.com>'), 'latin1'));
  assert.deepEqual([files.json.attached, files.json.skipped], [1, 1]);

  assert.equal((await post(m, { bearer: storeToken })).status, 403, 'no requests write permission');
  assert.equal((await post(m, { bearer: engToken })).status, 403, 'writing requests is not enough: a letter speaks for any client');
  assert.equal((await post(m, { bearer: null })).status, 401);
  assert.equal((await post(m, { bearer: 'svt_made_up' })).status, 401);
  const wrongType = await post(m, { type: 'application/json' });
  assert.equal(wrongType.status, 400);
  assert.equal(wrongType.json.error.code, 'malformed');
  const garbage = await post(fixture('garbage.bin'));
  assert.equal(garbage.status, 400);
  const big = await post(Buffer.concat([m, Buffer.alloc(10 * 1024 * 1024, 0x41)])).catch(() => ({ status: 413 }));
  assert.equal(big.status, 413);
  assert.equal((await call(srv.base, mgr, 'GET', '/healthz')).status, 200);
});
