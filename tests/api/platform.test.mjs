// platform.test.mjs — the REST conventions, authentication, roles, audit and
// the platform's entities over real HTTP against the real binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { testDb, tempDir, run, serve, login, call, BIN, testClock, TEST_CLOCK_ENV } from '../lib.mjs';

let db, srv, admin;
let addr = 0;
const nextAddr = () => `10.30.${Math.floor(++addr / 250)}.${addr % 250 + 1}`;
const as = {};

before(async () => {
  db = testDb();
  run(['demo', '--scale', '40', '--db', db.url]);
  srv = await serve(db.url);
  admin = await login(srv.base, 'admin', 'admin12345', nextAddr());
  for (const [role, name] of [['admin', 'admin'], ['manager', 'manager'], ['technician', 'engineer'],
    ['storekeeper', 'store'], ['sales', 'sales'], ['auditor', 'auditor']])
    as[role] = await login(srv.base, name, name === 'admin' ? 'admin12345' : 'demo12345', nextAddr());
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

const api = (session, method, path, body) => call(srv.base, session, method, path, body);
function errorShape(r) {
  assert.ok(r.json && r.json.error, `an error body: ${r.text}`);
  assert.equal(typeof r.json.error.code, 'string');
  assert.equal(typeof r.json.error.message, 'string');
  assert.equal(typeof r.json.error.fields, 'object');
}

// ---- authentication ----------------------------------------------------------

test('login answers the user, a CSRF token and an HttpOnly SameSite cookie', async () => {
  const r = await fetch(srv.base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': nextAddr() },
    body: JSON.stringify({ login: 'manager', password: 'demo12345' }) });
  assert.equal(r.status, 200);
  const body = await r.json();
  assert.equal(body.user.login, 'manager');
  assert.equal(body.user.role, 'manager');
  assert.match(body.csrf_token, /^[A-Za-z0-9_-]{40,}$/);
  assert.ok(body.permissions.includes('clients.write'));
  const cookie = r.headers.get('set-cookie');
  assert.match(cookie, /^servitor_session=[A-Za-z0-9_-]{40,};/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
});

test('wrong password and unknown login are both 401 with the same message', async () => {
  const a = await login(srv.base, 'manager', 'nope-nope', nextAddr());
  const b = await login(srv.base, 'nobody', 'nope-nope', nextAddr());
  assert.equal(a.status, 401);
  assert.equal(b.status, 401);
  assert.equal(a.body.error.message, b.body.error.message);
});

test('no session is 401; a session works; logout really ends it', async () => {
  const none = await api(null, 'GET', '/api/v1/clients');
  assert.equal(none.status, 401);
  errorShape(none);
  const s = await login(srv.base, 'sales', 'demo12345', nextAddr());
  assert.equal((await api(s, 'GET', '/api/v1/auth/me')).status, 200);
  assert.equal((await api(s, 'POST', '/api/v1/auth/logout')).status, 204);
  assert.equal((await api(s, 'GET', '/api/v1/auth/me')).status, 401);
  assert.equal((await api(s, 'GET', '/api/v1/clients')).status, 401);
});

test('a cookie write without or with a wrong CSRF token is 403 and changes nothing', async () => {
  const count = async () => (await api(admin, 'GET', '/api/v1/branches?limit=200')).json.items.length;
  const before = await count();
  for (const token of [undefined, 'wrong-token']) {
    const headers = { cookie: admin.cookie, 'content-type': 'application/json' };
    if (token) headers['x-csrf-token'] = token;
    const r = await fetch(srv.base + '/api/v1/branches', { method: 'POST', headers, body: JSON.stringify({ name: 'CSRF ' + token }) });
    assert.equal(r.status, 403);
  }
  assert.equal(await count(), before);
});

test('API tokens: made by an admin, shown once, work without CSRF, stop working when deleted', async () => {
  const users = await api(admin, 'GET', '/api/v1/users?q=manager');
  const made = await api(admin, 'POST', '/api/v1/tokens', { name: '1С интеграция', user_id: users.json.items[0].id });
  assert.equal(made.status, 201);
  assert.match(made.json.token, /^svt_/);
  const list = await api(admin, 'GET', '/api/v1/tokens');
  assert.ok(list.json.items.some((t) => t.id === made.json.id && !('token' in t)));
  const bearer = { authorization: `Bearer ${made.json.token}`, 'content-type': 'application/json' };
  const read = await fetch(srv.base + '/api/v1/clients?limit=1', { headers: bearer });
  assert.equal(read.status, 200);
  const write = await fetch(srv.base + '/api/v1/clients', { method: 'POST', headers: bearer, body: JSON.stringify({ kind: 'person', name: 'Через токен' }) });
  assert.equal(write.status, 201);
  const asManager = await fetch(srv.base + '/api/v1/branches', { method: 'POST', headers: bearer, body: JSON.stringify({ name: 'Нельзя' }) });
  assert.equal(asManager.status, 403, 'a token has its user\'s permissions');
  assert.equal((await api(admin, 'DELETE', `/api/v1/tokens/${made.json.id}`)).status, 204);
  assert.equal((await fetch(srv.base + '/api/v1/clients?limit=1', { headers: bearer })).status, 401);
  assert.equal((await api(as.manager, 'POST', '/api/v1/tokens', { name: 'x', user_id: 1 })).status, 403);
  const bad = await api(admin, 'POST', '/api/v1/tokens', { name: '', user_id: 'x', extra: 1 });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.json.error.fields, { extra: 'unknown_field', name: 'required', user_id: 'wrong_type' });
});

test('10 failed logins for one login from one address give 429 with Retry-After there, even for the right password', async () => {
  const ip = nextAddr();
  for (let i = 0; i < 10; i++) assert.equal((await login(srv.base, 'auditor', 'bad-password', ip)).status, 401);
  const r = await fetch(srv.base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ login: 'auditor', password: 'demo12345' }) });
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  assert.equal((await r.json()).error.code, 'rate_limited');
  // the session made before is not affected
  assert.equal((await api(as.auditor, 'GET', '/api/v1/clients?limit=1')).status, 200);
});

test('30 failed logins from one address block that address for every login', async () => {
  const ip = '10.99.99.99';
  for (let i = 0; i < 30; i++) assert.equal((await login(srv.base, `ghost${i}`, 'x', ip)).status, 401);
  assert.equal((await login(srv.base, 'sales', 'demo12345', ip)).status, 429);
  assert.equal((await login(srv.base, 'sales', 'demo12345', nextAddr())).status, 200);
});

test('an idle session expires (a second server with SERVITOR_SESSION_IDLE=2)', async () => {
  const idle = await serve(db.url, [], { SERVITOR_SESSION_IDLE: '2', ...TEST_CLOCK_ENV });
  try {
    // its clock at the real time (the database's other sessions stay valid for its jobs)
    await testClock(idle.base, { now: new Date().toISOString().replace(/\.\d+Z$/, 'Z') });
    const s = await login(idle.base, 'store', 'demo12345', nextAddr());
    assert.equal((await call(idle.base, s, 'GET', '/api/v1/auth/me')).status, 200);
    await testClock(idle.base, { advance: 1 });
    assert.equal((await call(idle.base, s, 'GET', '/api/v1/auth/me')).status, 200, 'not idle yet');
    await testClock(idle.base, { advance: 3 });
    const r = await call(idle.base, s, 'GET', '/api/v1/auth/me');
    assert.equal(r.status, 401);
    assert.match(r.json.error.message, /expired/);
  } finally {
    await idle.stop();
  }
});

test('deactivating a user or changing their password ends their sessions', async () => {
  const made = await api(admin, 'POST', '/api/v1/users', { login: 'temp.user', name: 'Временный', role: 'sales', password: 'first-password' });
  assert.equal(made.status, 201);
  assert.equal(made.json.password, undefined, 'the password never comes back');
  let s = await login(srv.base, 'temp.user', 'first-password', nextAddr());
  assert.equal(s.status, 200);
  let u = await api(admin, 'PATCH', `/api/v1/users/${made.json.id}`, { version: made.json.version, password: 'second-password' });
  assert.equal(u.status, 200);
  assert.equal((await api(s, 'GET', '/api/v1/auth/me')).status, 401);
  assert.equal((await login(srv.base, 'temp.user', 'first-password', nextAddr())).status, 401);
  s = await login(srv.base, 'temp.user', 'second-password', nextAddr());
  assert.equal(s.status, 200);
  u = await api(admin, 'PATCH', `/api/v1/users/${made.json.id}`, { version: u.json.version, active: false });
  assert.equal(u.status, 200);
  assert.equal((await api(s, 'GET', '/api/v1/auth/me')).status, 401);
  assert.equal((await login(srv.base, 'temp.user', 'second-password', nextAddr())).status, 401);
  const self = await api(admin, 'PATCH', `/api/v1/users/${admin.user.id}`, { version: 1, active: false });
  assert.equal(self.status, 422, 'nobody locks themselves out');
  const short = await api(admin, 'POST', '/api/v1/users', { login: 'xy', name: 'X', role: 'boss', password: 'short' });
  assert.deepEqual(short.json.error.fields, { role: 'invalid_enum', password: 'too_short' });
  const spaced = await api(admin, 'POST', '/api/v1/users', { login: 'x y', name: 'X', role: 'sales', password: 'long-enough' });
  assert.deepEqual(spaced.json.error.fields, { login: 'invalid' });
});

// ---- REST conventions -----------------------------------------------------------

const samples = {
  branches: () => ({ name: 'Филиал ' + Math.random().toString(36).slice(2, 8), address: 'г. Тверь', timezone: 'Europe/Moscow' }),
  clients: () => ({ kind: 'person', name: 'Тестовый Клиент' }),
  equipment_models: () => ({ brand: 'Brother', model: 'DCP-' + Math.random().toString(36).slice(2, 8) }),
  users: () => ({ login: 'u' + Math.random().toString(36).slice(2, 8), name: 'Пользователь', role: 'sales', password: 'password-123' }),
};

for (const [resource, make] of Object.entries(samples)) {
  test(`${resource}: create 201 + Location, get, patch with version, stale 409, If-Match, delete`, async () => {
    const c = await api(admin, 'POST', `/api/v1/${resource}`, make());
    assert.equal(c.status, 201, c.text);
    for (const k of ['id', 'version', 'created_at', 'updated_at']) assert.ok(k in c.json, k);
    assert.match(c.json.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const got = await api(admin, 'GET', `/api/v1/${resource}/${c.json.id}`);
    assert.equal(got.status, 200);
    const field = resource === 'users' ? 'name' : resource === 'equipment_models' ? 'category' : resource === 'branches' ? 'address' : 'notes';
    const p = await api(admin, 'PATCH', `/api/v1/${resource}/${c.json.id}`, { version: 1, [field]: 'изменено' });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.version, 2);
    assert.equal(p.json[field], 'изменено');
    const stale = await api(admin, 'PATCH', `/api/v1/${resource}/${c.json.id}`, { version: 1, [field]: 'устарело' });
    assert.equal(stale.status, 409);
    errorShape(stale);
    assert.equal((await api(admin, 'GET', `/api/v1/${resource}/${c.json.id}`)).json[field], 'изменено');
    const noVersion = await api(admin, 'PATCH', `/api/v1/${resource}/${c.json.id}`, { [field]: 'x' });
    assert.equal(noVersion.status, 422);
    assert.equal(noVersion.json.error.fields.version, 'required');
    const viaIfMatch = await fetch(`${srv.base}/api/v1/${resource}/${c.json.id}`, { method: 'PATCH',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'if-match': '"2"', 'content-type': 'application/json' }, body: JSON.stringify({ [field]: 'по If-Match' }) });
    assert.equal(viaIfMatch.status, 200);
    assert.equal((await viaIfMatch.json()).version, 3);
    assert.equal((await api(admin, 'DELETE', `/api/v1/${resource}/${c.json.id}?version=1`)).status, 409);
    assert.equal((await api(admin, 'DELETE', `/api/v1/${resource}/${c.json.id}`)).status, 204);
    assert.equal((await api(admin, 'GET', `/api/v1/${resource}/${c.json.id}`)).status, 404);
    assert.equal((await api(admin, 'GET', `/api/v1/${resource}/abc`)).status, 404);
    assert.equal((await api(admin, 'GET', `/api/v1/${resource}/999999999`)).status, 404);
  });
}

test('a client referenced by a contact cannot be deleted (409), nothing changes', async () => {
  const c = await api(admin, 'POST', '/api/v1/clients', { kind: 'company', name: 'ООО «Связанный»' });
  await api(admin, 'POST', '/api/v1/contacts', { client_id: c.json.id, name: 'Контакт' });
  const d = await api(admin, 'DELETE', `/api/v1/clients/${c.json.id}`);
  assert.equal(d.status, 409);
  assert.equal((await api(admin, 'GET', `/api/v1/clients/${c.json.id}`)).status, 200);
});

// ---- validation ---------------------------------------------------------------------

test('field validation gives one code per field', async () => {
  const r = await api(admin, 'POST', '/api/v1/clients', { kind: 'martian', name: 'x'.repeat(301), phone: 'call me', email: 'no-at-sign',
    inn: '1234567890', kpp: '1', pd_consent_date: '2026-02-30', branch_id: 999999, notes: 5, wat: true });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'validation_failed');
  assert.deepEqual(r.json.error.fields, { notes: 'wrong_type', wat: 'unknown_field' });
  const r2 = await api(admin, 'POST', '/api/v1/clients', { kind: 'martian', name: 'x'.repeat(301), phone: 'call me', email: 'no-at-sign',
    inn: '1234567890', pd_consent_date: '2026-02-30', branch_id: 999999 });
  assert.deepEqual(r2.json.error.fields, { kind: 'invalid_enum', name: 'too_long', phone: 'invalid_phone', email: 'invalid_email',
    inn: 'invalid_inn', pd_consent_date: 'invalid_date', branch_id: 'not_found' });
  assert.equal((await api(admin, 'POST', '/api/v1/clients', { name: 'Без типа' })).json.error.fields.kind, 'required');
});

test('ИНН and КПП rules by client kind; duplicates; phones normalised; consent dated', async () => {
  const person10 = await api(admin, 'POST', '/api/v1/clients', { kind: 'person', name: 'Физлицо', inn: '7736207543' });
  assert.equal(person10.json.error.fields.inn, 'invalid_inn');
  const person12 = await api(admin, 'POST', '/api/v1/clients', { kind: 'person', name: 'Физлицо', inn: '500100732259', kpp: '773601001' });
  assert.equal(person12.json.error.fields.kpp, 'invalid_kpp');
  const company = await api(admin, 'POST', '/api/v1/clients', { kind: 'company', name: 'ООО «Сбер-тест»', inn: '7736207543', kpp: '773601001',
    phone: '8 (912) 345-67-89', pd_consent: true });
  assert.equal(company.status, 201, company.text);
  assert.equal(company.json.phone, '+79123456789');
  assert.equal(company.json.pd_consent_date, new Date().toISOString().slice(0, 10));
  const dup = await api(admin, 'POST', '/api/v1/clients', { kind: 'company', name: 'Дубль', inn: '7736207543' });
  assert.equal(dup.status, 422);
  assert.equal(dup.json.error.fields.inn, 'duplicate');
});

test('equipment: serial unique per model; warranty from the purchase date and the model', async () => {
  const m1 = await api(admin, 'POST', '/api/v1/equipment_models', { brand: 'Canon', model: 'TEST-1', warranty_months: 24 });
  const m2 = await api(admin, 'POST', '/api/v1/equipment_models', { brand: 'Canon', model: 'TEST-2' });
  assert.equal(m2.json.warranty_months, 12, 'the default');
  assert.equal((await api(admin, 'POST', '/api/v1/equipment_models', { brand: 'Canon', model: 'TEST-1' })).json.error.fields.model, 'duplicate');
  const u1 = await api(admin, 'POST', '/api/v1/equipment_units', { model_id: m1.json.id, serial: 'SN-1', purchase_date: '2025-01-31' });
  assert.equal(u1.status, 201);
  assert.equal(u1.json.warranty_until, '2027-01-31');
  assert.equal((await api(admin, 'POST', '/api/v1/equipment_units', { model_id: m1.json.id, serial: 'SN-1' })).json.error.fields.serial, 'duplicate');
  assert.equal((await api(admin, 'POST', '/api/v1/equipment_units', { model_id: m2.json.id, serial: 'SN-1' })).status, 201);
  const given = await api(admin, 'POST', '/api/v1/equipment_units', { model_id: m1.json.id, serial: 'SN-2', purchase_date: '2025-01-31', warranty_until: '2025-06-30' });
  assert.equal(given.json.warranty_until, '2025-06-30');
  const moved = await api(admin, 'PATCH', `/api/v1/equipment_units/${u1.json.id}`, { version: 1, purchase_date: '2025-03-01' });
  assert.equal(moved.json.warranty_until, '2027-03-01');
  const hist = await api(admin, 'GET', `/api/v1/equipment_units/${u1.json.id}/history`);
  assert.deepEqual(hist.json.items.map((e) => e.action), ['update', 'create']);
});

// ---- bad input -------------------------------------------------------------------------

test('malformed JSON, invalid UTF-8, arrays, empty and huge bodies', async () => {
  const raw = async (body, ctype = 'application/json') => {
    const r = await fetch(srv.base + '/api/v1/clients', { method: 'POST', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': ctype }, body });
    return { status: r.status, json: await r.json().catch(() => null) };
  };
  for (const body of ['{"kind":', '{"a":1,}', '[1,2]', '"text"', '', '{"kind":"person","kind":"company","name":"x"}']) {
    const r = await raw(body);
    assert.equal(r.status, 400, body);
    assert.equal(r.json.error.code, 'malformed');
  }
  const bad = await raw(Buffer.from('{"kind":"person","name":"\xff\xfe"}', 'latin1'));
  assert.equal(bad.status, 400);
  const huge = await raw(JSON.stringify({ kind: 'person', name: 'x', notes: 'я'.repeat(600000) }));
  assert.equal(huge.status, 413);
  assert.equal(huge.json.error.code, 'too_large');
  assert.equal((await api(admin, 'GET', '/healthz')).status, 200, 'the server keeps serving');
});

test('injection strings are stored verbatim and nothing else happens', async () => {
  const nasty = ["'; DROP TABLE clients; --", '" OR 1=1 --', '<script>alert(1)</script>', 'Robert\'); DELETE FROM audit_log;--'];
  for (const name of nasty) {
    const r = await api(admin, 'POST', '/api/v1/clients', { kind: 'person', name });
    assert.equal(r.status, 201);
    assert.equal(r.json.name, name);
    const back = await api(admin, 'GET', `/api/v1/clients/${r.json.id}`);
    assert.equal(back.json.name, name);
  }
  const search = await api(admin, 'GET', `/api/v1/clients?q=${encodeURIComponent('" OR 1=1 -- *')}`);
  assert.equal(search.status, 200);
  assert.equal((await api(admin, 'GET', '/api/v1/clients?limit=1')).status, 200, 'the table is still there');
  execFileSync(BIN, ['audit', 'verify', '--db', db.url]);
});

test('list parameters: limits, unknown filters and sort keys, bad cursors', async () => {
  for (const q of ['limit=0', 'limit=-1', 'limit=abc', 'limit=', 'wat=1', 'sort=notes', 'sort=wat', 'cursor=%%%',
    'cursor=eyJ4IjoxfQ', 'pd_consent=maybe', 'branch_id=x', 'kind=martian', 'phone=abc'])
    assert.equal((await api(admin, 'GET', `/api/v1/clients?${q}`)).status, 400, q);
  const big = await api(admin, 'GET', '/api/v1/clients?limit=100000');
  assert.equal(big.status, 200);
  assert.ok(big.json.items.length <= 200);
});

test('filters, sorting and a cursor walk that sees every record once', async () => {
  const companies = await api(admin, 'GET', '/api/v1/clients?kind=company&limit=200');
  assert.ok(companies.json.items.length > 0);
  assert.ok(companies.json.items.every((c) => c.kind === 'company'));
  const byName = await api(admin, 'GET', '/api/v1/clients?sort=name&limit=200');
  const names = byName.json.items.map((c) => c.name);
  assert.deepEqual(names, [...names].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : Buffer.from(a) > Buffer.from(b) ? 1 : 0)));
  const all = new Set();
  let cursor = null, pages = 0;
  do {
    const page = await api(admin, 'GET', `/api/v1/clients?sort=-name,id&limit=7${cursor ? '&cursor=' + cursor : ''}`);
    assert.equal(page.status, 200);
    for (const c of page.json.items) { assert.ok(!all.has(c.id), 'no duplicates'); all.add(c.id); }
    cursor = page.json.next_cursor;
    pages++;
  } while (cursor);
  const everything = await api(admin, 'GET', '/api/v1/clients?limit=200');
  assert.equal(all.size, everything.json.items.length);
  assert.ok(pages > 3);
});

test('search: Cyrillic case, ё = е, word prefixes, phone digits, Latin case', async () => {
  const made = await api(admin, 'POST', '/api/v1/clients', { kind: 'person', name: 'Семёнов Пётр Ёлкин', phone: '+7 (999) 123-45-67',
    notes: 'Ремонт Принтера Kyocera' });
  const id = made.json.id;
  for (const q of ['семенов', 'СЕМЁНОВ петр', 'елкин', 'Ёлк', 'принтер', 'KYOCERA', 'kyoc', '9991234567', '8 999 123', '+7 999 123 45 67'])
    assert.ok((await api(admin, 'GET', `/api/v1/clients?q=${encodeURIComponent(q)}`)).json.items.some((c) => c.id === id), q);
  assert.equal((await api(admin, 'GET', `/api/v1/clients?q=${encodeURIComponent('семенов кузнецов')}`)).json.items.length, 0, 'every word must match');
});

// ---- roles × endpoints --------------------------------------------------------------------

// r: read, w: create, d: delete — from docs/api.md
const matrix = {
  branches: { admin: 'rwd', manager: 'r', technician: 'r', storekeeper: 'r', sales: 'r', auditor: 'r' },
  clients: { admin: 'rwd', manager: 'rwd', technician: 'r', storekeeper: 'r', sales: 'rw', auditor: 'r' },
  contacts: { admin: 'rwd', manager: 'rwd', technician: 'r', storekeeper: 'r', sales: 'rw', auditor: 'r' },
  equipment_models: { admin: 'rwd', manager: 'rwd', technician: 'rw', storekeeper: 'r', sales: 'rw', auditor: 'r' },
  equipment_units: { admin: 'rwd', manager: 'rwd', technician: 'rw', storekeeper: 'r', sales: 'rw', auditor: 'r' },
  users: { admin: 'rwd', manager: 'r', technician: '', storekeeper: '', sales: '', auditor: 'r' },
  requests: { admin: 'rwd', manager: 'rwd', technician: 'rw', storekeeper: 'r', sales: 'rw', auditor: 'r' },
};

test('every role against every resource: read, create, delete allowed or 403 exactly as documented', async () => {
  const client = (await api(admin, 'POST', '/api/v1/clients', { kind: 'company', name: 'ООО «Матрица»' })).json;
  const model = (await api(admin, 'GET', '/api/v1/equipment_models?limit=1')).json.items[0];
  let n = 0;
  const body = {
    branches: () => ({ name: 'Роль-филиал ' + ++n }),
    clients: () => ({ kind: 'person', name: 'Роль-клиент ' + ++n }),
    contacts: () => ({ client_id: client.id, name: 'Роль-контакт ' + ++n }),
    equipment_models: () => ({ brand: 'Роль', model: 'M-' + ++n }),
    equipment_units: () => ({ model_id: model.id, serial: 'R-' + ++n }),
    users: () => ({ login: 'role' + ++n, name: 'R', role: 'sales', password: 'password-123' }),
    requests: () => ({ subject: 'Роль-обращение ' + ++n }),
  };
  for (const [resource, roles] of Object.entries(matrix)) {
    for (const [role, allowed] of Object.entries(roles)) {
      const s = as[role];
      const read = await api(s, 'GET', `/api/v1/${resource}?limit=1`);
      assert.equal(read.status, allowed.includes('r') ? 200 : 403, `${role} read ${resource}`);
      const made = await api(s, 'POST', `/api/v1/${resource}`, body[resource]());
      assert.equal(made.status, allowed.includes('w') ? 201 : 403, `${role} create ${resource}: ${made.text}`);
      const victim = made.status === 201 ? made.json : (await api(admin, 'POST', `/api/v1/${resource}`, body[resource]())).json;
      const del = await api(s, 'DELETE', `/api/v1/${resource}/${victim.id}`);
      if (resource === 'requests' && role === 'technician') continue;
      assert.equal(del.status, allowed.includes('d') ? 204 : 403, `${role} delete ${resource}`);
      if (del.status === 403) errorShape(del);
    }
  }
  for (const role of Object.keys(as)) {
    const audit = await api(as[role], 'GET', '/api/v1/audit?limit=1');
    assert.equal(audit.status, role === 'admin' || role === 'auditor' ? 200 : 403, `${role} audit`);
    const tokens = await api(as[role], 'GET', '/api/v1/tokens');
    assert.equal(tokens.status, role === 'admin' ? 200 : 403, `${role} tokens`);
  }
});

// ---- audit --------------------------------------------------------------------------------

test('every change is audited with who, before and after; the log filters by record, user and period', async () => {
  const c = await api(as.manager, 'POST', '/api/v1/clients', { kind: 'person', name: 'Аудит Проверка' });
  await api(as.manager, 'PATCH', `/api/v1/clients/${c.json.id}`, { version: 1, name: 'Аудит Изменён' });
  await api(as.manager, 'DELETE', `/api/v1/clients/${c.json.id}`);
  const log = await api(as.auditor, 'GET', `/api/v1/audit?entity=clients&record_id=${c.json.id}`);
  assert.deepEqual(log.json.items.map((e) => e.action), ['delete', 'update', 'create']);
  const [del, upd, cre] = log.json.items;
  assert.equal(cre.before, null);
  assert.equal(cre.after.name, 'Аудит Проверка');
  assert.equal(upd.before.name, 'Аудит Проверка');
  assert.equal(upd.after.name, 'Аудит Изменён');
  assert.equal(del.after, null);
  assert.ok(log.json.items.every((e) => e.user_login === 'manager' && /^[0-9a-f]{64}$/.test(e.hash)));
  const byUser = await api(as.auditor, 'GET', `/api/v1/audit?user_id=${as.manager.user.id}&limit=200`);
  assert.ok(byUser.json.items.every((e) => e.user_id === as.manager.user.id));
  const today = new Date().toISOString().slice(0, 10);
  assert.ok((await api(as.auditor, 'GET', `/api/v1/audit?from=${today}&to=${today}`)).json.items.length > 0);
  assert.equal((await api(as.auditor, 'GET', '/api/v1/audit?from=2001-01-01&to=2001-12-31')).json.items.length, 0);
  assert.equal((await api(as.auditor, 'GET', '/api/v1/audit?from=yesterday')).status, 400);
  assert.equal((await api(as.auditor, 'GET', '/api/v1/audit?wat=1')).status, 400);
});

test('audit verify: intact on a live copy; an edited entry and a cut-off tail are named', { skip: process.env.SERVITOR_TEST_DB === 'postgres' && 'SQLite files only' }, () => {
  const dir = tempDir('svaudit-');
  const copy = join(dir, 'copy.db');
  const out = execFileSync(BIN, ['backup', copy, '--db', db.url], { encoding: 'utf8' });
  assert.match(out, /backed up/);
  assert.match(execFileSync(BIN, ['audit', 'verify', '--db', copy], { encoding: 'utf8' }), /intact/);
  execFileSync('sqlite3', [copy, "UPDATE audit_log SET after = '{}' WHERE id = 5"]);
  let e = null;
  try { execFileSync(BIN, ['audit', 'verify', '--db', copy], { encoding: 'utf8', stdio: 'pipe' }); } catch (x) { e = x; }
  assert.ok(e && e.status === 1);
  assert.match(String(e.stderr), /entry 5/);
  const copy2 = join(dir, 'copy2.db');
  execFileSync(BIN, ['backup', copy2, '--db', db.url]);
  execFileSync('sqlite3', [copy2, 'DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)']);
  e = null;
  try { execFileSync(BIN, ['audit', 'verify', '--db', copy2], { encoding: 'utf8', stdio: 'pipe' }); } catch (x) { e = x; }
  assert.ok(e && e.status === 1);
  assert.match(String(e.stderr), /deleted/);
});

// ---- system ---------------------------------------------------------------------------------

test('health, metrics, OpenAPI, meta, security headers, 404 and 405', async () => {
  const h = await fetch(srv.base + '/healthz');
  assert.equal(h.status, 200);
  assert.equal((await h.json()).status, 'ok');
  const m = await (await fetch(srv.base + '/metrics')).text();
  assert.match(m, /servitor_http_requests_total\{method="GET",route="\/api\/v1\/:entity",status="200"\} \d+/);
  assert.match(m, /servitor_http_request_duration_seconds_bucket\{le="\+Inf"\} \d+/);
  const oa = await (await fetch(srv.base + '/api/v1/openapi.json')).json();
  assert.equal(oa.openapi, '3.0.3');
  assert.ok(oa.paths['/api/v1/clients']);
  const meta = await api(as.sales, 'GET', '/api/v1/meta');
  const clients = meta.json.entities.find((e) => e.name === 'clients');
  assert.equal(clients.can_write, true);
  assert.equal(clients.can_delete, false);
  assert.deepEqual(clients.fields.find((f) => f.name === 'kind').enum, ['person', 'company']);
  for (const path of ['/', '/api/v1/clients', '/app.js']) {
    const r = await fetch(srv.base + path, { headers: { cookie: admin.cookie, 'accept-encoding': 'gzip' } });
    const csp = r.headers.get('content-security-policy');
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.ok(!/unsafe-inline/.test(csp));
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  }
  const js = await fetch(srv.base + '/app.js', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(js.headers.get('content-encoding'), 'gzip');
  const nf = await api(admin, 'GET', '/api/v1/nothing-here');
  assert.equal(nf.status, 404);
  errorShape(nf);
  assert.equal((await api(admin, 'PUT', '/api/v1/clients')).status, 405);
});

test('CLI: version, help, user add, bad role, migrate twice', () => {
  assert.match(execFileSync(BIN, ['--version'], { encoding: 'utf8' }), /^servitor /);
  for (const c of ['serve', 'migrate', 'user', 'backup', 'demo', 'audit', 'copy'])
    assert.match(execFileSync(BIN, [c, '--help'], { encoding: 'utf8' }), /Usage: servitor/);
  const out = execFileSync(BIN, ['user', 'add', '--login', 'cli.user', '--role', 'technician', '--password-stdin', '--db', db.url],
    { encoding: 'utf8', input: 'cli-password-1\n', env: { ...process.env, SERVITOR_PWHASH: 'fast' } });
  assert.match(out, /added user cli\.user/);
  let e = null;
  try { execFileSync(BIN, ['user', 'add', '--login', 'cli.bad', '--role', 'boss', '--password-stdin', '--db', db.url], { input: 'cli-password-1\n', stdio: 'pipe' }); } catch (x) { e = x; }
  assert.ok(e && e.status !== 0);
  assert.match(String(e.stderr), /role: invalid_enum/);
  assert.match(execFileSync(BIN, ['migrate', '--db', db.url], { encoding: 'utf8' }), /up to date/);
});

test('CLI user can log in', async () => {
  assert.equal((await login(srv.base, 'cli.user', 'cli-password-1', nextAddr())).status, 200);
});

test('a search in the default order pages through every match once, newest first', async () => {
  const ids = [];
  for (let i = 0; i < 7; i++)
    ids.push((await api(admin, 'POST', '/api/v1/clients', { kind: 'person', name: `Пагинатор Поисковый ${i}` })).json.id);
  const seen = [];
  let cursor = null;
  do {
    const p = await api(admin, 'GET', `/api/v1/clients?q=${encodeURIComponent('пагинатор')}&limit=2${cursor ? '&cursor=' + cursor : ''}`);
    assert.equal(p.status, 200);
    assert.ok(p.json.items.length <= 2);
    seen.push(...p.json.items.map((c) => c.id));
    cursor = p.json.next_cursor;
  } while (cursor);
  assert.deepEqual(seen, [...ids].reverse());
  const filtered = await api(admin, 'GET', `/api/v1/clients?q=${encodeURIComponent('пагинатор')}&kind=company`);
  assert.deepEqual(filtered.json.items, [], 'with a filter the search is not cut to a page first');
});

