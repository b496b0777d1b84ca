// public.test.mjs — the request form and the status page clients use
// without logging in: validation, client found or made, the bot trap, rate
// limits, and a status page that never shows internal notes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDb, run, serve, login, call } from '../lib.mjs';

let db, srv, mgr;
let ip = 0;
const from = () => `10.70.0.${++ip}`;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url);
  mgr = await login(srv.base, 'manager', 'demo12345', '10.70.1.1');
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

async function submit(body, addr = from()) {
  const r = await fetch(srv.base + '/api/v1/public/requests', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': addr }, body: JSON.stringify(body) });
  return { status: r.status, json: await r.json() };
}
async function status(number, code, addr = from()) {
  const u = new URL(srv.base + '/api/v1/public/status');
  u.searchParams.set('number', number);
  u.searchParams.set('code', code);
  const r = await fetch(u, { headers: { 'x-forwarded-for': addr } });
  return { status: r.status, json: await r.json() };
}

const form = { name: 'Иван Петров', phone: '8 (916) 000-11-22', equipment: 'Kyocera M2040dn', description: 'Принтер не печатает после замены картриджа', consent: true };

test('a submitted form makes a client with consent and a web_form request; the number and code come back', async () => {
  const r = await submit(form);
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.match(r.json.number, /^О-\d{4}-\d{6}$/);
  assert.match(r.json.access_code, /^[0-9A-HJKMNP-TV-Z]{10}$/);
  const found = await call(srv.base, mgr, 'GET', `/api/v1/requests?q=${encodeURIComponent(r.json.number)}`);
  const req = found.json.items[0];
  assert.equal(req.channel, 'web_form');
  assert.equal(req.type, 'repair');
  assert.equal(req.subject, form.description);
  const client = (await call(srv.base, mgr, 'GET', `/api/v1/clients/${req.client_id}`)).json;
  assert.equal(client.phone, '+79160001122');
  assert.equal(client.pd_consent, true);
  assert.equal(client.pd_consent_date, new Date().toISOString().slice(0, 10));
  const audit = await call(srv.base, (await login(srv.base, 'auditor', 'demo12345', '10.70.1.2')), 'GET', `/api/v1/audit?entity=requests&record_id=${req.id}`);
  assert.equal(audit.json.items[0].user_login, 'public');
});

test('the same phone finds the same client', async () => {
  const a = await submit({ ...form, name: 'Иван', description: 'Первая' });
  const b = await submit({ ...form, name: 'Иван П.', description: 'Вторая', phone: '+7 916 000 11 22' });
  const ra = (await call(srv.base, mgr, 'GET', `/api/v1/requests?q=${encodeURIComponent(a.json.number)}`)).json.items[0];
  const rb = (await call(srv.base, mgr, 'GET', `/api/v1/requests?q=${encodeURIComponent(b.json.number)}`)).json.items[0];
  assert.equal(ra.client_id, rb.client_id);
});

test('validation: name, description, a contact and consent are required; bad phone and e-mail', async () => {
  const r = await submit({ consent: false });
  assert.equal(r.status, 422);
  assert.deepEqual(r.json.error.fields, { name: 'required', description: 'required', phone: 'phone_or_email', email: 'phone_or_email', consent: 'required' });
  const r2 = await submit({ ...form, phone: 'позвоните мне', email: 'nope' });
  assert.deepEqual(r2.json.error.fields, { phone: 'invalid_phone', email: 'invalid_email' });
  const r3 = await submit({ ...form, extra: 1 });
  assert.equal(r3.status, 422);
  const r4 = await submit({ ...form, name: 5 });
  assert.equal(r4.status, 422);
});

test('a filled trap field is accepted without making anything', async () => {
  const before = (await call(srv.base, mgr, 'GET', '/api/v1/requests?limit=200')).json.items.length;
  const r = await submit({ ...form, website: 'http://spam.example' });
  assert.equal(r.status, 202);
  assert.equal(r.json.number, undefined);
  assert.equal((await call(srv.base, mgr, 'GET', '/api/v1/requests?limit=200')).json.items.length, before);
});

test('a flood from one address is stopped after five submissions', async () => {
  const addr = '10.71.0.1';
  const codes = [];
  for (let i = 0; i < 7; i++) codes.push((await submit({ ...form, description: 'Флуд ' + i }, addr)).status);
  assert.deepEqual(codes.slice(0, 5), [201, 201, 201, 201, 201]);
  assert.deepEqual(codes.slice(5), [429, 429]);
  assert.equal((await submit({ ...form, description: 'Другой адрес' })).status, 201);
});

test('the status page shows status and public replies, never internal notes; a wrong code is 404 and floods are stopped', async () => {
  const made = await submit({ ...form, description: 'Проверка статуса' });
  const req = (await call(srv.base, mgr, 'GET', `/api/v1/requests?q=${encodeURIComponent(made.json.number)}`)).json.items[0];
  await call(srv.base, mgr, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'Внутреннее: клиент сложный', public: false });
  await call(srv.base, mgr, 'POST', `/api/v1/requests/${req.id}/comments`, { body: 'Привезите аппарат, пожалуйста', public: true });
  const s1 = await call(srv.base, mgr, 'POST', `/api/v1/requests/${req.id}/transitions/start`, { version: req.version });
  assert.equal(s1.status, 200);
  const st = await status(made.json.number, made.json.access_code);
  assert.equal(st.status, 200);
  assert.equal(st.json.status, 'in_progress');
  const text = JSON.stringify(st.json);
  assert.ok(text.includes('Привезите аппарат'));
  assert.ok(!text.includes('Внутреннее'));
  assert.ok(!('access_code' in st.json) && !('client_id' in st.json) && !('assignee_id' in st.json));
  assert.deepEqual(st.json.timeline.map((e) => e.kind), ['created', 'reply', 'status']);
  const wrong = await status(made.json.number, '000000');
  const other = await status('О-1999-000001', made.json.access_code);
  assert.equal(wrong.status, 404);
  assert.equal(other.status, 404);
  assert.equal(wrong.json.error.message, other.json.error.message, 'no hint which half was wrong');
  const addr = '10.72.0.1';
  // one address guessing across numbers (each number's own limit is not reached)
  for (let i = 0; i < 10; i++) assert.equal((await status(`О-1999-${String(i + 1).padStart(6, '0')}`, '000000', addr)).status, 404);
  assert.equal((await status(made.json.number, made.json.access_code, addr)).status, 429);
});

test('access codes are 10 characters of base32; typed in lower case with a dash they still work', async () => {
  const made = await submit({ ...form, description: 'Код доступа' });
  assert.match(made.json.access_code, /^[0-9A-HJKMNP-TV-Z]{10}$/);
  const c = made.json.access_code.toLowerCase();
  const typed = `${c.slice(0, 5)}-${c.slice(5)}`;
  assert.equal((await status(made.json.number, typed)).status, 200);
});

test('wrong codes for one number from many addresses make that number wait; right codes do not count', async () => {
  const made = await submit({ ...form, description: 'Перебор с разных адресов' });
  const other = await submit({ ...form, description: 'Соседняя заявка' });
  // the owner looks often: successes are not counted
  for (let i = 0; i < 12; i++) assert.equal((await status(made.json.number, made.json.access_code)).status, 200);
  // parallel guesses from 30 addresses: at most 10 reach the lookup
  const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => status(made.json.number, `GUESS${String(i).padStart(5, '0')}`)));
  const looked = guesses.filter((r) => r.status === 404).length;
  assert.equal(looked, 10, guesses.map((r) => r.status).join(','));
  assert.ok(guesses.every((r) => r.status === 404 || r.status === 429));
  // now even the right code waits (a fresh address); another number is not affected
  const wait = await fetch(`${srv.base}/api/v1/public/status?number=${encodeURIComponent(made.json.number)}&code=${made.json.access_code}`, { headers: { 'x-forwarded-for': from() } });
  assert.equal(wait.status, 429);
  assert.ok(Number(wait.headers.get('retry-after')) > 0);
  assert.equal((await status(other.json.number, other.json.access_code)).status, 200);
});
