// outbox.test.mjs — messages to clients: the outbox sender against a real
// SMTP server (tests/smtp.mjs) and a local HTTP server standing in for an
// SMS gateway, on SQLite and on PostgreSQL. What arrives is read back from
// the maildir: headers, threading, text, Cyrillic subjects. Bad input: an
// address the server refuses, an SMTP server that is down, a sender killed
// while sending, a template with an unknown placeholder, a client who opted
// out. The clock is the test clock: back-off is waited for by moving it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { testDb, run, serve, login, call, testClock, runJob, TEST_CLOCK_ENV, freePort, tempDir, roundTheClockBranch } from '../lib.mjs';
import { startSmtp } from '../smtp.mjs';

let db, smtp, srv, admin, mgr, sms, smsPort;
const smsHits = [];
let smsAnswer = 200;
const FROM = 'service@servitor.test';
let env;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '3', '--requests', '0', '--db', db.url]);
  smtp = await startSmtp({ refuse: 'refused' });
  smsPort = await freePort();
  sms = http.createServer((rq, rs) => {
    let body = '';
    rq.on('data', (d) => { body += d; });
    rq.on('end', () => { smsHits.push({ url: rq.url, auth: rq.headers.authorization, type: rq.headers['content-type'], body }); rs.statusCode = smsAnswer; rs.end('{}'); });
  });
  await new Promise((r) => sms.listen(smsPort, '127.0.0.1', r));
  env = { ...TEST_CLOCK_ENV, SERVITOR_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SERVITOR_MAIL_FROM: `${FROM}, noreply@servitor.test`,
    SERVITOR_SMS_URL: `http://127.0.0.1:${smsPort}/send`, SERVITOR_SMS_USER: 'gw', SERVITOR_SMS_PASSWORD: 'gw-secret' };
  srv = await serve(db.url, [], env);
  await testClock(srv.base, { now: '2030-03-04T09:00:00Z' });
  admin = await login(srv.base, 'admin', 'admin12345', '10.71.0.1');
  mgr = await login(srv.base, 'manager', 'demo12345', '10.71.0.2');
  const co = await call(srv.base, admin, 'GET', '/api/v1/company');
  const set = await call(srv.base, admin, 'PATCH', '/api/v1/company', { version: co.json.version, name: 'ООО «Ромашка-Сервис»',
    requisites: 'ИНН 7701234567, Москва, ул. Ленина, 1', public_url: 'https://service.example.ru/' });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.public_url, 'https://service.example.ru');
});

after(async () => {
  await srv?.stop();
  await smtp?.stop();
  sms?.close();
  db?.stop();
});

let seq = 0;
async function client(extra = {}) {
  const r = await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'person', name: `Иван Петров ${++seq}`, ...extra });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
async function request(clientId, subject = 'Не печатает принтер') {
  const r = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject, channel: 'phone', client_id: clientId });
  assert.equal(r.status, 201, r.text);
  return r.json;
}
const outbox = async (q = '') => (await call(srv.base, admin, 'GET', `/api/v1/outbox${q}`)).json.items;
const mine = async (id) => (await outbox('?limit=200')).filter((m) => m.record_id === id);
const delivered = (id) => smtp.messages().filter((m) => m.messageId === id);

test('a new request: the acknowledgement arrives by SMTP with number, code, link, Message-ID and a Cyrillic subject', async () => {
  const c = await client({ email: 'ivan.ack@example.ru' });
  const req = await request(c.id, 'Не печатает принтер «HP» — срочно');
  const [queued] = await mine(req.id);
  assert.equal(queued.state, 'pending');
  assert.equal(queued.channel, 'email');
  assert.equal(queued.address, 'ivan.ack@example.ru');
  await runJob(srv.base, 'outbox.send');
  const [sent] = await mine(req.id);
  assert.equal(sent.state, 'sent', sent.last_error);
  assert.equal(sent.attempts, 1);
  const [m] = delivered(sent.message_id);
  assert.ok(m, 'the message is in the maildir');
  assert.equal(m.subject, `Обращение ${req.number} принято: Не печатает принтер «HP» — срочно`);
  assert.match(m.h('subject'), /^=\?UTF-8\?B\?/, 'the subject travels encoded');
  assert.ok(m.raw.split('\r\n').every((l) => l.length <= 998), 'no line over 998 characters');
  assert.equal(m.from, `ООО «Ромашка-Сервис» <${FROM}>`);
  assert.equal(m.h('to'), '<ivan.ack@example.ru>');
  assert.equal(m.h('return-path'), `<${FROM}>`);
  assert.equal(m.h('delivered-to'), 'ivan.ack@example.ru');
  assert.match(m.messageId, /^[0-9a-f]{24}@servitor\.test$/);
  assert.equal(m.h('auto-submitted'), 'auto-generated');
  assert.match(m.h('content-type'), /text\/plain; charset=utf-8/);
  assert.match(m.h('date'), /^\w{3}, 04 Mar 2030 09:00:00 \+0000$/, 'dated by the clock');
  assert.match(m.text, new RegExp(`зарегистрировано под номером ${req.number}`));
  assert.match(m.text, new RegExp(`Код доступа: ${req.access_code}`));
  assert.ok(m.text.includes(`https://service.example.ru/#/public/status?number=${encodeURIComponent(req.number)}&code=${req.access_code}`), m.text);
  assert.match(m.text, /ИНН 7701234567/);
  assert.match(m.text, /\r\n/, 'the text in canonical CRLF form');
  // the timeline says what the client was told (internal)
  const tl = await call(srv.base, mgr, 'GET', `/api/v1/requests/${req.id}/timeline`);
  assert.ok(tl.json.items.some((e) => e.kind === 'message' && !e.public && e.body.includes('ivan.ack@example.ru')), JSON.stringify(tl.json.items));
  // sent once: another run sends nothing again
  await runJob(srv.base, 'outbox.send');
  assert.equal(delivered(sent.message_id).length, 1);
});

test('threading: a public reply answers the acknowledgement; the client\'s answer is matched by In-Reply-To without a number', async () => {
  const c = await client({ email: 'olga.thread@example.ru', lang: 'en' });
  const req = await request(c.id, 'Замена картриджа');
  await runJob(srv.base, 'outbox.send');
  const note = await call(srv.base, mgr, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'Внутренняя заметка', public: false });
  assert.equal(note.status, 201, note.text);
  const reply = await call(srv.base, mgr, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'Картридж заменили, приезжайте.', public: true });
  assert.equal(reply.status, 201, reply.text);
  await runJob(srv.base, 'outbox.send');
  const rows = await mine(req.id);
  assert.equal(rows.length, 2, 'the acknowledgement and the public reply; the note is not sent');
  const ack = rows.find((r) => r.event === 'created'), rep = rows.find((r) => r.event === 'reply');
  assert.equal(rep.state, 'sent', rep.last_error);
  const [m] = delivered(rep.message_id);
  assert.equal(m.subject, `Re: Request ${req.number}: Замена картриджа`, 'the English template for a client who reads English');
  assert.equal(m.h('in-reply-to'), `<${ack.message_id}>`, m.raw.slice(0, 1200));
  assert.match(m.h('references'), new RegExp(`<${ack.message_id}>`));
  assert.equal(m.h('auto-submitted'), undefined, 'a person\'s reply is not marked automatic');
  assert.match(m.text, /Картридж заменили, приезжайте\./);
  // the client answers from another address and with no number in the subject
  const letter = [
    'From: Olga <olga.home@example.org>', 'To: service@servitor.test', 'Subject: Re: thanks',
    `Message-ID: <answer.${Date.now()}@example.org>`, `In-Reply-To: <${rep.message_id}>`, `References: <${ack.message_id}> <${rep.message_id}>`,
    'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', 'Спасибо, заеду завтра.', ''].join('\r\n');
  const token = (await call(srv.base, admin, 'POST', '/api/v1/tokens', { name: 'mx', user_id: mgr.user.id })).json.token;
  const r = await fetch(`${srv.base}/api/v1/intake/email`, { method: 'POST', body: letter, headers: { authorization: `Bearer ${token}`, 'content-type': 'message/rfc822' } });
  const j = await r.json();
  assert.equal(r.status, 200, JSON.stringify(j));
  assert.equal(j.outcome, 'reply');
  assert.equal(j.number, req.number);
  const tl = await call(srv.base, mgr, 'GET', `/api/v1/requests/${req.id}/timeline`);
  assert.ok(tl.json.items.some((e) => e.kind === 'client_reply' && e.body.includes('заеду завтра')));
});

test('resolved: the client is told; an opted-out client is told nothing at all', async () => {
  const c = await client({ email: 'resolve.me@example.ru' });
  const req = await request(c.id);
  const start = await call(srv.base, mgr, 'POST', `/api/v1/requests/${req.id}/transitions/start`, { version: req.version });
  assert.equal(start.status, 200, start.text);
  const done = await call(srv.base, mgr, 'POST', `/api/v1/requests/${req.id}/transitions/resolve`, { version: start.json.version });
  assert.equal(done.status, 200, done.text);
  assert.deepEqual((await mine(req.id)).map((r) => r.event).sort(), ['created', 'resolved']);
  await runJob(srv.base, 'outbox.send');
  const res = (await mine(req.id)).find((r) => r.event === 'resolved');
  assert.match(delivered(res.message_id)[0].subject, new RegExp(`Обращение ${req.number} решено`));

  assert.doesNotMatch(delivered(res.message_id)[0].text, /можно забрать/, 'no unit: nothing to pick up');

  // «ready for pickup» is the resolved message of a request with a unit
  const model = (await call(srv.base, admin, 'GET', '/api/v1/equipment_models?limit=1')).json.items[0];
  const unit = await call(srv.base, mgr, 'POST', '/api/v1/equipment_units', { model_id: model.id, serial: 'PICK-42', client_id: c.id });
  assert.equal(unit.status, 201, unit.text);
  const withUnit = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Не включается', channel: 'phone', client_id: c.id, unit_id: unit.json.id });
  assert.equal(withUnit.status, 201, withUnit.text);
  const s2 = await call(srv.base, mgr, 'POST', `/api/v1/requests/${withUnit.json.id}/transitions/start`, { version: withUnit.json.version });
  assert.equal((await call(srv.base, mgr, 'POST', `/api/v1/requests/${withUnit.json.id}/transitions/resolve`, { version: s2.json.version })).status, 200);
  await runJob(srv.base, 'outbox.send');
  const ready = (await mine(withUnit.json.id)).find((r) => r.event === 'resolved');
  assert.equal(ready.state, 'sent', ready.last_error);
  assert.ok(delivered(ready.message_id)[0].text.includes(`Оборудование ${model.brand} ${model.model} (серийный номер PICK-42) можно забрать.`), delivered(ready.message_id)[0].text);

  const quiet = await client({ email: 'quiet@example.ru', phone: '+79161234567', messages_opt_out: true });
  const q = await request(quiet.id);
  await call(srv.base, mgr, 'POST', `/api/v1/requests/${q.id}/comments`, { body: 'Ответ', public: true });
  assert.deepEqual(await mine(q.id), [], 'nothing queued for a client who opted out');
});

test('an address the SMTP server refuses: failed with the reason, the request untouched, a dead letter an admin resends', async () => {
  const c = await client({ email: 'nobody@refused.example.ru' });
  const req = await request(c.id);
  await runJob(srv.base, 'outbox.send');
  const [row] = await mine(req.id);
  assert.equal(row.state, 'failed');
  assert.match(row.last_error, /550/);
  assert.equal(row.attempts, 1, 'a refusal is not retried');
  const after = await call(srv.base, mgr, 'GET', `/api/v1/requests/${req.id}`);
  assert.equal(after.json.status, req.status);
  assert.equal(after.json.version, req.version);
  const dead = await outbox('?state=failed');
  assert.ok(dead.some((m) => m.id === row.id));
  // not failed: 409; a manager may not see or resend: 403
  const sentOne = (await outbox('?state=sent'))[0];
  assert.equal((await call(srv.base, admin, 'POST', `/api/v1/outbox/${sentOne.id}/resend`, {})).status, 409);
  assert.equal((await call(srv.base, mgr, 'GET', '/api/v1/outbox')).status, 403);
  assert.equal((await call(srv.base, mgr, 'POST', `/api/v1/outbox/${row.id}/resend`, {})).status, 403);
  assert.equal((await call(srv.base, admin, 'GET', '/api/v1/outbox?state=lost')).status, 400);
  const again = await call(srv.base, admin, 'POST', `/api/v1/outbox/${row.id}/resend`, {});
  assert.equal(again.status, 200, again.text);
  await runJob(srv.base, 'outbox.send');
  const [twice] = await mine(req.id);
  assert.equal(twice.state, 'failed', 'refused again');
  const audit = await call(srv.base, admin, 'GET', '/api/v1/audit?entity=outbox');
  assert.ok(audit.json.items.some((e) => e.action === 'resend' && e.record_id === row.id), audit.text);
});

test('SMTP server down: messages wait and retry with back-off; after it is back each arrives exactly once', async () => {
  await smtp.stop();
  const c = await client({ email: 'patient@example.ru' });
  const req = await request(c.id);
  await runJob(srv.base, 'outbox.send');
  let [row] = await mine(req.id);
  assert.equal(row.state, 'pending');
  assert.equal(row.attempts, 1);
  assert.match(row.last_error, /smtp: /);
  const now = (await testClock(srv.base, {})).unix;
  assert.equal(row.next_attempt_at, now + 60, 'the first back-off');
  await runJob(srv.base, 'outbox.send');
  [row] = await mine(req.id);
  assert.equal(row.attempts, 1, 'not tried again before its time');
  await testClock(srv.base, { advance: 60 });
  await runJob(srv.base, 'outbox.send');
  [row] = await mine(req.id);
  assert.equal(row.attempts, 2);
  assert.equal(row.next_attempt_at, now + 60 + 120, 'doubled');
  smtp = await startSmtp({ port: smtp.port, maildir: smtp.maildir, refuse: 'refused' });
  await testClock(srv.base, { advance: 120 });
  await runJob(srv.base, 'outbox.send');
  await runJob(srv.base, 'outbox.send');
  [row] = await mine(req.id);
  assert.equal(row.state, 'sent', row.last_error);
  assert.equal(delivered(row.message_id).length, 1);
});

test('a sender killed while sending: its message is neither lost nor sent again by itself; the admin resends it once', async () => {
  // an SMTP server that accepts the connection and never answers
  const hung = net.createServer(() => {});
  const hungPort = await freePort();
  let connected;
  const contacted = new Promise((r) => { connected = r; });
  hung.on('connection', () => connected());
  await new Promise((r) => hung.listen(hungPort, '127.0.0.1', r));
  const c = await client({ email: 'killed@example.ru' });
  const req = await request(c.id);
  const other = await request((await client({ email: 'later@example.ru' })).id);
  const victim = await serve(db.url, [], { ...env, SERVITOR_SMTP_URL: `smtp://127.0.0.1:${hungPort}` });
  await testClock(victim.base, { now: '2030-03-04T10:00:00Z' });
  call(victim.base, null, 'POST', '/test/jobs/run', { name: 'outbox.send' }).catch(() => {});
  await contacted;
  victim.proc.kill('SIGKILL');
  await new Promise((r) => victim.proc.on('exit', r));
  hung.close();
  const rows = async () => [...await mine(req.id), ...await mine(other.id)].sort((a, b) => a.id - b.id);
  let [a, b] = await rows();
  assert.equal(a.state, 'sending', 'claimed by the killed process');
  assert.equal(b.state, 'pending', 'only the message being sent was claimed');
  await testClock(srv.base, { now: '2030-03-04T10:01:00Z' });
  await runJob(srv.base, 'outbox.send');
  [a, b] = await rows();
  assert.equal(a.state, 'sending', 'its claim still holds');
  assert.equal(b.state, 'sent');
  await testClock(srv.base, { now: '2030-03-04T10:06:00Z' });
  await runJob(srv.base, 'outbox.send');
  [a] = await rows();
  assert.equal(a.state, 'failed');
  assert.match(a.last_error, /interrupted/);
  assert.equal(delivered(a.message_id).length, 0);
  assert.equal((await call(srv.base, admin, 'POST', `/api/v1/outbox/${a.id}/resend`, {})).status, 200);
  await runJob(srv.base, 'outbox.send');
  await runJob(srv.base, 'outbox.send');
  [a, b] = await rows();
  assert.equal(a.state, 'sent');
  assert.equal(delivered(a.message_id).length, 1);
  assert.equal(delivered(b.message_id).length, 1);
});

test('SMS through the HTTP gateway: the body template, Basic auth, retry on 5xx, refused on 4xx', async () => {
  const tpl = await call(srv.base, admin, 'GET', '/api/v1/message_templates?event=created&channel=sms&lang=ru');
  const t = tpl.json.items[0];
  const on = await call(srv.base, admin, 'PATCH', `/api/v1/message_templates/${t.id}`, { version: t.version, active: true });
  assert.equal(on.status, 200, on.text);
  const c = await client({ phone: '8 (916) 555-12-34' });
  const req = await request(c.id);
  smsAnswer = 503;
  await runJob(srv.base, 'outbox.send');
  let [row] = await mine(req.id);
  assert.equal(row.channel, 'sms');
  assert.equal(row.state, 'pending');
  assert.match(row.last_error, /HTTP 503/);
  smsAnswer = 200;
  await testClock(srv.base, { advance: 61 });
  await runJob(srv.base, 'outbox.send');
  [row] = await mine(req.id);
  assert.equal(row.state, 'sent', row.last_error);
  const hit = smsHits.at(-1);
  assert.equal(hit.url, '/send');
  assert.equal(hit.type, 'application/json');
  assert.equal(hit.auth, 'Basic ' + Buffer.from('gw:gw-secret').toString('base64'));
  const body = JSON.parse(hit.body);
  assert.equal(body.to, '+79165551234');
  assert.equal(body.text, `Обращение ${req.number} принято. Код ${req.access_code}. https://service.example.ru/#/public/status?number=${encodeURIComponent(req.number)}&code=${req.access_code}`);
  smsAnswer = 400;
  const req2 = await request(c.id);
  await runJob(srv.base, 'outbox.send');
  [row] = await mine(req2.id);
  assert.equal(row.state, 'failed');
  smsAnswer = 200;
  await call(srv.base, admin, 'PATCH', `/api/v1/message_templates/${t.id}`, { version: on.json.version, active: false });
});

test('templates: an unknown placeholder is refused on save; the preview renders; an e-mail needs a subject; one per event, channel and language', async () => {
  const bad = await call(srv.base, admin, 'POST', '/api/v1/message_templates', { event: 'created', channel: 'email', lang: 'en', subject: 'Hi', body: 'Your {ticket} is {number}' });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.fields.body, 'unknown_placeholder', bad.text);
  const list = await call(srv.base, admin, 'GET', '/api/v1/message_templates?event=reply&channel=email&lang=ru');
  const t = list.json.items[0];
  const patch = await call(srv.base, admin, 'PATCH', `/api/v1/message_templates/${t.id}`, { version: t.version, subject: '{nomer}' });
  assert.equal(patch.status, 422);
  assert.equal(patch.json.error.fields.subject, 'unknown_placeholder');
  const same = (await call(srv.base, admin, 'GET', `/api/v1/message_templates/${t.id}`)).json;
  assert.equal(same.version, t.version, 'nothing changed');
  const noSubject = await call(srv.base, admin, 'PATCH', `/api/v1/message_templates/${t.id}`, { version: t.version, subject: null });
  assert.equal(noSubject.status, 422);
  const dup = await call(srv.base, admin, 'POST', '/api/v1/message_templates', { event: 'reply', channel: 'email', lang: 'ru', subject: 'x', body: 'y' });
  assert.equal(dup.status, 422);
  const pv = await call(srv.base, mgr, 'POST', '/api/v1/message_templates/preview', { subject: 'Обращение {number}', body: '{client}, статус: {status}. {company}' });
  assert.equal(pv.status, 200, pv.text);
  assert.equal(pv.json.subject, 'Обращение О-2026-000123');
  assert.equal(pv.json.body, 'Иван Петров, статус: в работе. ООО «Ромашка-Сервис»');
  const pvBad = await call(srv.base, mgr, 'POST', '/api/v1/message_templates/preview', { body: '{oops}' });
  assert.equal(pvBad.status, 422);
  assert.match(pvBad.json.error.message, /\{oops\}/);
  const meta = await call(srv.base, mgr, 'GET', '/api/v1/meta');
  assert.deepEqual(meta.json.message_placeholders, ['number', 'subject', 'status', 'code', 'link', 'reply', 'client', 'company', 'requisites', 'pickup']);
  // the company's details: a stale version is a conflict, a bad address invalid
  const co = await call(srv.base, admin, 'GET', '/api/v1/company');
  assert.equal((await call(srv.base, admin, 'PATCH', '/api/v1/company', { version: co.json.version - 1, name: 'X' })).status, 409);
  const badUrl = await call(srv.base, admin, 'PATCH', '/api/v1/company', { version: co.json.version, public_url: 'javascript:alert(1)' });
  assert.equal(badUrl.status, 422);
  assert.equal((await call(srv.base, mgr, 'PATCH', '/api/v1/company', { version: co.json.version, name: 'X' })).status, 200, 'a manager edits the company details');
});

test('SLA apologies only when the company wants them: a real breach by the SLA job, the apology sent once', async () => {
  const branch = await roundTheClockBranch(srv.base, admin, 'Круглосуточный сервис (извинения)');
  const pol = (await call(srv.base, admin, 'GET', '/api/v1/sla_policies?priority=low')).json.items[0];
  assert.equal((await call(srv.base, admin, 'PATCH', `/api/v1/sla_policies/${pol.id}`, { version: pol.version, first_response_minutes: 0 })).status, 200);
  const breach = async (email) => {
    const c = await client({ email });
    const r = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Долго ждём', channel: 'phone', client_id: c.id, branch_id: branch, priority: 'low' });
    assert.equal(r.status, 201, r.text);
    await testClock(srv.base, { advance: 60 });
    await runJob(srv.base, 'sla.scan');
    assert.equal((await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.json.id}`)).json.sla_state, 'breached');
    await runJob(srv.base, 'outbox.send');
    return r.json;
  };
  // off (the default): a breach tells the client nothing
  assert.equal((await call(srv.base, admin, 'GET', '/api/v1/company')).json.sla_apologies, false);
  const silent = await breach('no.apology@example.ru');
  assert.deepEqual((await mine(silent.id)).map((m) => m.event), ['created']);

  const co = (await call(srv.base, admin, 'GET', '/api/v1/company')).json;
  const on = await call(srv.base, admin, 'PATCH', '/api/v1/company', { version: co.version, sla_apologies: true });
  assert.equal(on.status, 200, on.text);
  assert.equal(on.json.sla_apologies, true);
  const req = await breach('apology@example.ru');
  const apology = (await mine(req.id)).filter((m) => m.event === 'sla_breach');
  assert.equal(apology.length, 1);
  assert.equal(apology[0].state, 'sent', apology[0].last_error);
  const [m] = delivered(apology[0].message_id);
  assert.ok(m, 'the apology is in the maildir');
  assert.equal(m.h('delivered-to'), 'apology@example.ru');
  assert.match(m.subject, new RegExp(req.number));
  assert.match(m.text, /извин/i);
  // later scans and sends: still one apology
  await testClock(srv.base, { advance: 3600 });
  await runJob(srv.base, 'sla.scan');
  await runJob(srv.base, 'outbox.send');
  assert.equal((await mine(req.id)).filter((x) => x.event === 'sla_breach').length, 1);
  assert.equal(smtp.messages().filter((x) => x.h('delivered-to') === 'apology@example.ru' && x.messageId === apology[0].message_id).length, 1);
  assert.equal(smtp.messages().filter((x) => x.h('delivered-to') === 'apology@example.ru').length, 2, 'the acknowledgement and the apology');
});

test('a relay with STARTTLS and a login: delivered over TLS with the CA trusted; a wrong password waits and retries; an untrusted certificate is not used', async () => {
  const dir = tempDir('svtls-');
  const cert = join(dir, 'cert.pem'), key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const relay = await startSmtp({ auth: 'relayuser:relay-secret', tls: { cert, key } });
  const relayEnv = { ...env, SERVITOR_SMTP_URL: `smtp://127.0.0.1:${relay.port}`, SERVITOR_SMTP_USER: 'relayuser', SERVITOR_SMTP_CA: cert };
  const sender = async (extra) => {
    const s = await serve(db.url, [], { ...relayEnv, ...extra });
    await testClock(s.base, { now: new Date((await testClock(srv.base, {})).unix * 1000).toISOString().replace(/\.\d+Z$/, 'Z') });
    return s;
  };
  const mineOn = async (id) => (await call(srv.base, admin, 'GET', '/api/v1/outbox?limit=200')).json.items.filter((m) => m.record_id === id);
  try {
    const c = await client({ email: 'tls.client@example.ru' });
    const req = await request(c.id, 'Письмо через TLS');
    // a wrong password: refused login is temporary, the message waits
    let s = await sender({ SERVITOR_SMTP_PASSWORD: 'wrong' });
    await runJob(s.base, 'outbox.send');
    await s.stop();
    let [row] = await mineOn(req.id);
    assert.equal(row.state, 'pending');
    assert.match(row.last_error, /smtp: /);
    assert.equal(relay.messages().length, 0);
    // the right password but no CA to trust the self-signed certificate: nothing sent
    await testClock(srv.base, { advance: 60 });
    s = await sender({ SERVITOR_SMTP_PASSWORD: 'relay-secret', SERVITOR_SMTP_CA: '' });
    await runJob(s.base, 'outbox.send');
    await s.stop();
    [row] = await mineOn(req.id);
    assert.equal(row.state, 'pending');
    assert.match(row.last_error, /certificate|SSL|TLS/i);
    assert.equal(relay.messages().length, 0);
    // the CA trusted: STARTTLS, login, delivered once
    await testClock(srv.base, { advance: 120 });
    s = await sender({ SERVITOR_SMTP_PASSWORD: 'relay-secret' });
    await runJob(s.base, 'outbox.send');
    await runJob(s.base, 'outbox.send');
    await s.stop();
    [row] = await mineOn(req.id);
    assert.equal(row.state, 'sent', row.last_error);
    const got = relay.messages().filter((m) => m.messageId === row.message_id);
    assert.equal(got.length, 1);
    assert.equal(got[0].h('delivered-to'), 'tls.client@example.ru');
    assert.match(got[0].subject, new RegExp(`Обращение ${req.number} принято`));
  } finally {
    await relay.stop();
  }
});
