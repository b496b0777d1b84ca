// auth.test.mjs — login, sessions, CSRF, API tokens, the login rate limiter,
// and sessions ended by deactivation or a new password (expiry by time is in
// sessions.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError, nextAddr, uid, DEMO_PASSWORD, ADMIN_PASSWORD } from './harness.mjs';

const srv = useServer();

const ROLE_PERMS = {
  manager: ['branches.read', 'clients.read', 'clients.write', 'clients.delete', 'equipment.read', 'equipment.write',
    'equipment.delete', 'users.read', 'requests.read', 'requests.write', 'requests.assign', 'requests.work',
    'contracts.read', 'contracts.write', 'desk.routing', 'messages.settings', 'reports.read',
    'workshop.read', 'workshop.write', 'workshop.qc', 'workshop.manage', 'workshop.settings', 'stock.read', 'stock.reserve',
    'purchasing.read', 'purchasing.write'],
  auditor: ['branches.read', 'clients.read', 'equipment.read', 'users.read', 'audit.read', 'requests.read',
    'contracts.read', 'reports.read', 'workshop.read', 'stock.read', 'purchasing.read'],
};

async function countBranches(as) {
  const r = await srv.request('GET', '/api/v1/branches?limit=200', { as });
  assert.equal(r.status, 200);
  return r.json.items.length;
}

async function newUser(role = 'sales', password = 'first-password-1') {
  const admin = await srv.as('admin');
  const login = `u${uid()}`;
  const r = await srv.request('POST', '/api/v1/users', { as: admin, body: { login, name: 'Временный Пользователь', role, password } });
  assert.equal(r.status, 201, r.text);
  return { ...r.json, password };
}

// ---- login, me, logout -----------------------------------------------------

test('login: 200 with the user, a CSRF token, the role\'s permissions and an HttpOnly SameSite cookie', async () => {
  const s = await srv.login('manager', DEMO_PASSWORD);
  assert.equal(s.status, 200);
  assert.deepEqual(Object.keys(s.json).sort(), ['csrf_token', 'permissions', 'user']);
  assert.equal(s.json.user.login, 'manager');
  assert.equal(s.json.user.role, 'manager');
  assert.equal(typeof s.json.user.id, 'number');
  assert.equal(typeof s.json.user.name, 'string');
  assert.ok(!('password' in s.json.user) && !('password_hash' in s.json.user), 'no password in the answer');
  assert.equal(typeof s.json.csrf_token, 'string');
  assert.ok(s.json.csrf_token.length >= 32, 'a long random CSRF token');
  assert.deepEqual([...s.json.permissions].sort(), [...ROLE_PERMS.manager].sort());
  const cookie = s.setCookie;
  assert.match(cookie, /^servitor_session=[^;]{32,};/);
  assert.match(cookie, /;\s*HttpOnly/i);
  assert.match(cookie, /;\s*SameSite=(Strict|Lax)/i);
  assert.match(cookie, /;\s*Path=\//i);
  assert.ok(!cookie.includes(s.json.csrf_token), 'the CSRF token is not the session token');
  // two logins: two different sessions and tokens
  const s2 = await srv.login('manager', DEMO_PASSWORD);
  assert.notEqual(s2.cookie, s.cookie);
  assert.notEqual(s2.csrf, s.csrf);
  const a = await srv.login('auditor', DEMO_PASSWORD);
  assert.deepEqual([...a.json.permissions].sort(), [...ROLE_PERMS.auditor].sort());
});

test('login: wrong password and unknown login are 401 with the same message, and set no cookie', async () => {
  const a = await srv.login('manager', 'not-the-password');
  const b = await srv.login('nobody-at-all', 'not-the-password');
  assertError(a, 401, 'unauthenticated');
  assertError(b, 401, 'unauthenticated');
  assert.equal(a.json.error.message, b.json.error.message, 'no hint whether the login exists');
  assert.equal(a.setCookie, null);
  const empty = await srv.login('', '');
  assert.equal(empty.status, 401);
  // a body that is not {login, password}
  for (const body of [{ login: 'admin' }, { login: 'admin', password: 12345 }, { login: 'admin', password: 'admin12345', extra: 1 }]) {
    const bad = await srv.request('POST', '/api/v1/auth/login', { body });
    assertError(bad, 422, 'validation_failed');
    assert.equal(bad.headers.get('set-cookie'), null);
  }
});

test('me answers the same shape as login, with the same CSRF token', async () => {
  const s = await srv.login('sales', DEMO_PASSWORD);
  const me = await srv.request('GET', '/api/v1/auth/me', { as: s });
  assert.equal(me.status, 200);
  assert.deepEqual(me.json.user, s.json.user);
  assert.equal(me.json.csrf_token, s.csrf);
  assert.deepEqual(me.json.permissions, s.json.permissions);
});

test('no session, a made-up cookie or an empty one → 401 everywhere behind login', async () => {
  for (const headers of [{}, { cookie: 'servitor_session=made-up-token' }, { cookie: 'servitor_session=' }]) {
    for (const [method, path, body] of [['GET', '/api/v1/auth/me'], ['GET', '/api/v1/clients'], ['GET', '/api/v1/clients/1'],
      ['POST', '/api/v1/clients', { kind: 'person', name: 'Без входа' }], ['GET', '/api/v1/meta'], ['POST', '/api/v1/auth/logout']]) {
      const r = await srv.request(method, path, { headers, body });
      assertError(r, 401, 'unauthenticated');
    }
  }
  const admin = await srv.as('admin');
  const r = await srv.request('GET', '/api/v1/clients?q=' + encodeURIComponent('Без входа'), { as: admin });
  assert.equal(r.json.items.length, 0, 'nothing was created');
});

test('logout: 204, the cookie is cleared, and the old cookie is refused afterwards', async () => {
  const s = await srv.login('sales', DEMO_PASSWORD);
  assert.equal((await srv.request('GET', '/api/v1/clients?limit=1', { as: s })).status, 200);
  const out = await srv.request('POST', '/api/v1/auth/logout', { as: s });
  assert.equal(out.status, 204);
  assert.equal(out.text, '');
  assert.match(out.headers.get('set-cookie') || '', /servitor_session=;|Max-Age=0/);
  assertError(await srv.request('GET', '/api/v1/auth/me', { as: s }), 401, 'unauthenticated');
  assertError(await srv.request('GET', '/api/v1/clients?limit=1', { as: s }), 401, 'unauthenticated');
  assertError(await srv.request('POST', '/api/v1/clients', { as: s, body: { kind: 'person', name: 'После выхода' } }), 401);
  // another session of the same user lives on
  const other = await srv.login('sales', DEMO_PASSWORD);
  assert.equal((await srv.request('GET', '/api/v1/auth/me', { as: other })).status, 200);
});

test('logout needs the CSRF token too (no forced logout by another site)', async () => {
  const s = await srv.login('sales', DEMO_PASSWORD);
  assertError(await srv.request('POST', '/api/v1/auth/logout', { as: s, csrf: false }), 403, 'forbidden');
  assert.equal((await srv.request('GET', '/api/v1/auth/me', { as: s })).status, 200, 'still logged in');
});

// ---- CSRF --------------------------------------------------------------------

test('a cookie write without X-CSRF-Token is 403 and changes nothing (POST, PATCH, DELETE)', async () => {
  const admin = await srv.as('admin');
  const before = await countBranches(admin);
  const r = await srv.request('POST', '/api/v1/branches', { as: admin, csrf: false, body: { name: 'CSRF ' + uid() } });
  assertError(r, 403, 'forbidden');
  assert.equal(await countBranches(admin), before);

  const c = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'person', name: 'Цель CSRF' } });
  assert.equal(c.status, 201);
  const p = await srv.request('PATCH', `/api/v1/clients/${c.json.id}`, { as: admin, csrf: false, body: { version: 1, name: 'Взломан' } });
  assertError(p, 403, 'forbidden');
  const d = await srv.request('DELETE', `/api/v1/clients/${c.json.id}`, { as: admin, csrf: false });
  assertError(d, 403, 'forbidden');
  const now = await srv.request('GET', `/api/v1/clients/${c.json.id}`, { as: admin });
  assert.equal(now.status, 200);
  assert.equal(now.json.name, 'Цель CSRF');
  assert.equal(now.json.version, 1);
  // reads need no token
  assert.equal((await srv.request('GET', '/api/v1/branches', { as: admin, csrf: false })).status, 200);
});

test('a wrong, empty or another session\'s CSRF token is 403 and changes nothing', async () => {
  const admin = await srv.as('admin');
  const other = await srv.login('admin', ADMIN_PASSWORD);
  const before = await countBranches(admin);
  for (const token of ['wrong-token', '', admin.csrf.slice(0, -1), admin.csrf + 'x', other.csrf]) {
    const r = await srv.request('POST', '/api/v1/branches', { as: admin, csrf: token, body: { name: 'CSRF ' + uid() } });
    assertError(r, 403, 'forbidden');
  }
  assert.equal(await countBranches(admin), before);
  // the right one works
  const ok = await srv.request('POST', '/api/v1/branches', { as: admin, body: { name: 'CSRF верный ' + uid() } });
  assert.equal(ok.status, 201);
});

// ---- API tokens ------------------------------------------------------------------

test('bearer tokens: made by an admin, shown once, read and write without CSRF, dead once deleted', async () => {
  const admin = await srv.as('admin');
  const manager = await srv.as('manager');
  const made = await srv.request('POST', '/api/v1/tokens', { as: admin, body: { name: '1С интеграция', user_id: manager.user.id } });
  assert.equal(made.status, 201, made.text);
  assert.equal(typeof made.json.token, 'string');
  assert.ok(made.json.token.length >= 32);
  assert.equal(typeof made.json.id, 'number');
  assert.equal(made.json.name, '1С интеграция');
  assert.equal(made.json.user_id, manager.user.id);
  const bearer = { bearer: made.json.token };

  const list = await srv.request('GET', '/api/v1/tokens', { as: admin });
  assert.equal(list.status, 200);
  const listed = list.json.items.find((t) => t.id === made.json.id);
  assert.ok(listed, 'the token is listed');
  assert.ok(!list.text.includes(made.json.token), 'the token itself is never shown again');

  const read = await srv.request('GET', '/api/v1/clients?limit=1', { as: bearer });
  assert.equal(read.status, 200);
  const me = await srv.request('GET', '/api/v1/auth/me', { as: bearer });
  assert.equal(me.status, 200);
  assert.equal(me.json.user.login, 'manager');
  const created = await srv.request('POST', '/api/v1/clients', { as: bearer, body: { kind: 'person', name: 'Через токен' } });
  assert.equal(created.status, 201, created.text);
  const patched = await srv.request('PATCH', `/api/v1/clients/${created.json.id}`, { as: bearer, body: { version: 1, notes: 'из 1С' } });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.json.notes, 'из 1С');
  // the token carries its user's permissions, no more
  assertError(await srv.request('POST', '/api/v1/branches', { as: bearer, body: { name: 'Нельзя ' + uid() } }), 403, 'forbidden');
  assertError(await srv.request('GET', '/api/v1/audit', { as: bearer }), 403, 'forbidden');

  const del = await srv.request('DELETE', `/api/v1/tokens/${made.json.id}`, { as: admin });
  assert.equal(del.status, 204);
  assertError(await srv.request('GET', '/api/v1/clients?limit=1', { as: bearer }), 401, 'unauthenticated');
  assertError(await srv.request('POST', '/api/v1/clients', { as: bearer, body: { kind: 'person', name: 'Мёртвый токен' } }), 401);
  assert.ok(!(await srv.request('GET', '/api/v1/tokens', { as: admin })).json.items.some((t) => t.id === made.json.id));
  assertError(await srv.request('DELETE', `/api/v1/tokens/${made.json.id}`, { as: admin }), 404, 'not_found');
});

test('bearer tokens: made-up tokens are 401; only admins manage tokens; bad input is 422', async () => {
  for (const t of ['svt_made-up', 'x', '']) assertError(await srv.request('GET', '/api/v1/clients', { headers: { authorization: `Bearer ${t}` } }), 401);
  for (const role of ['manager', 'technician', 'storekeeper', 'sales', 'auditor']) {
    const s = await srv.as(role);
    assertError(await srv.request('GET', '/api/v1/tokens', { as: s }), 403, 'forbidden');
    assertError(await srv.request('POST', '/api/v1/tokens', { as: s, body: { name: 'x', user_id: s.user.id } }), 403, 'forbidden');
    assertError(await srv.request('DELETE', '/api/v1/tokens/1', { as: s }), 403, 'forbidden');
  }
  const admin = await srv.as('admin');
  assertError(await srv.request('POST', '/api/v1/tokens', { as: admin, body: { name: '', user_id: 'x', extra: 1 } }), 422, 'validation_failed',
    { extra: 'unknown_field', name: 'required', user_id: 'wrong_type' });
  assertError(await srv.request('POST', '/api/v1/tokens', { as: admin, body: {} }), 422, 'validation_failed', { name: 'required', user_id: 'required' });
  assertError(await srv.request('POST', '/api/v1/tokens', { as: admin, body: { name: 'x', user_id: 999999 } }), 422, 'validation_failed', { user_id: 'not_found' });
  assertError(await srv.request('POST', '/api/v1/tokens', { as: admin, body: { name: 'x'.repeat(101), user_id: admin.user.id } }), 422, 'validation_failed', { name: 'too_long' });
});

test('a token of a deactivated user stops working, and reactivation does not bring it back', async () => {
  const admin = await srv.as('admin');
  const u = await newUser('sales');
  const t = await srv.request('POST', '/api/v1/tokens', { as: admin, body: { name: 'интеграция', user_id: u.id } });
  assert.equal(t.status, 201);
  assert.equal((await srv.request('GET', '/api/v1/clients?limit=1', { as: { bearer: t.json.token } })).status, 200);
  const off = await srv.request('PATCH', `/api/v1/users/${u.id}`, { as: admin, body: { version: u.version, active: false } });
  assert.equal(off.status, 200, off.text);
  assertError(await srv.request('GET', '/api/v1/clients?limit=1', { as: { bearer: t.json.token } }), 401);
  const on = await srv.request('PATCH', `/api/v1/users/${u.id}`, { as: admin, body: { version: off.json.version, active: true } });
  assert.equal(on.status, 200, on.text);
  assertError(await srv.request('GET', '/api/v1/clients?limit=1', { as: { bearer: t.json.token } }), 401);
  assert.ok(!(await srv.request('GET', '/api/v1/tokens', { as: admin })).json.items.some((x) => x.id === t.json.id), 'the token is gone');
});

test('a new password ends the user\'s API tokens', async () => {
  const admin = await srv.as('admin');
  const u = await newUser('sales');
  const t = await srv.request('POST', '/api/v1/tokens', { as: admin, body: { name: 'интеграция', user_id: u.id } });
  assert.equal((await srv.request('GET', '/api/v1/clients?limit=1', { as: { bearer: t.json.token } })).status, 200);
  const pw = await srv.request('PATCH', `/api/v1/users/${u.id}`, { as: admin, body: { version: u.version, password: 'second-password-2' } });
  assert.equal(pw.status, 200, pw.text);
  assertError(await srv.request('GET', '/api/v1/clients?limit=1', { as: { bearer: t.json.token } }), 401);
  // a name change alone leaves tokens be
  const t2 = await srv.request('POST', '/api/v1/tokens', { as: admin, body: { name: 'вторая', user_id: u.id } });
  const renamed = await srv.request('PATCH', `/api/v1/users/${u.id}`, { as: admin, body: { version: pw.json.version, name: 'Новое Имя' } });
  assert.equal(renamed.status, 200, renamed.text);
  assert.equal((await srv.request('GET', '/api/v1/clients?limit=1', { as: { bearer: t2.json.token } })).status, 200);
});

test('a token may expire and may do less than its user: read-only, or named permissions', async () => {
  const admin = await srv.as('admin');
  const manager = await srv.as('manager');
  const mk = async (body) => {
    const r = await srv.request('POST', '/api/v1/tokens', { as: admin, body: { name: 'узкий', user_id: manager.user.id, ...body } });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const client = { kind: 'person', name: `Клиент ${uid()}` };
  // read: reads work, writes are 403
  const ro = await mk({ scope: 'read' });
  assert.equal(ro.scope, 'read');
  assert.equal((await srv.request('GET', '/api/v1/clients?limit=1', { as: { bearer: ro.token } })).status, 200);
  assertError(await srv.request('POST', '/api/v1/clients', { as: { bearer: ro.token }, body: client }), 403, 'forbidden');
  // named permissions: clients only
  const named = await mk({ scope: ['clients.read', 'clients.write'] });
  assert.equal(named.scope, 'clients.read clients.write');
  assert.equal((await srv.request('POST', '/api/v1/clients', { as: { bearer: named.token }, body: client })).status, 201);
  assertError(await srv.request('GET', '/api/v1/requests?limit=1', { as: { bearer: named.token } }), 403, 'forbidden');
  // never more than the user: a manager's token naming tokens.manage still cannot manage tokens
  const more = await mk({ scope: ['tokens.manage', 'clients.read'] });
  assertError(await srv.request('GET', '/api/v1/tokens', { as: { bearer: more.token } }), 403, 'forbidden');
  // expiry: in the future to make; refused after
  const soon = new Date(Date.now() + 2000).toISOString().replace(/\.\d+Z$/, 'Z');
  const short = await mk({ expires_at: soon });
  assert.equal(short.expires_at, soon);
  assert.equal((await srv.request('GET', '/api/v1/clients?limit=1', { as: { bearer: short.token } })).status, 200);
  const listed = (await srv.request('GET', '/api/v1/tokens', { as: admin })).json.items.find((x) => x.id === short.id);
  assert.equal(listed.expires_at, soon);
  assert.equal(listed.scope, 'full');
  await new Promise((r) => setTimeout(r, Date.parse(soon) - Date.now() + 1100));
  const gone = assertError(await srv.request('GET', '/api/v1/clients?limit=1', { as: { bearer: short.token } }), 401);
  assert.match(gone.message, /expired/);
  // bad scope or expiry: 422, nothing made
  const count = (await srv.request('GET', '/api/v1/tokens', { as: admin })).json.items.length;
  for (const [body, fields] of [
    [{ scope: 'everything' }, { scope: 'invalid' }],
    [{ scope: ['clients.read', 'no.such'] }, { scope: 'invalid' }],
    [{ scope: [] }, { scope: 'invalid' }],
    [{ scope: 5 }, { scope: 'invalid' }],
    [{ expires_at: '2001-01-01T00:00:00Z' }, { expires_at: 'invalid' }],
    [{ expires_at: 'завтра' }, { expires_at: 'invalid_date' }],
  ]) assertError(await srv.request('POST', '/api/v1/tokens', { as: admin, body: { name: 'x', user_id: manager.user.id, ...body } }), 422, 'validation_failed', fields);
  assert.equal((await srv.request('GET', '/api/v1/tokens', { as: admin })).json.items.length, count);
});

test('the session cookie is Secure when the request came over TLS through the (trusted) proxy', async () => {
  const plain = await srv.login('manager', DEMO_PASSWORD);
  assert.doesNotMatch(plain.setCookie, /Secure/);
  const r = await srv.request('POST', '/api/v1/auth/login', { addr: nextAddr(), headers: { 'x-forwarded-proto': 'https' }, body: { login: 'manager', password: DEMO_PASSWORD } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('set-cookie'), /; Secure/);
  const out = await srv.request('POST', '/api/v1/auth/logout', { headers: { 'x-forwarded-proto': 'https', cookie: r.headers.get('set-cookie').split(';')[0], 'x-csrf-token': r.json.csrf_token } });
  assert.equal(out.status, 204);
  assert.match(out.headers.get('set-cookie'), /Max-Age=0; Secure/);
});

// ---- the login rate limiter ------------------------------------------------------

test('10 failed logins for one login from one address → 429 there with Retry-After, even with the right password; the owner elsewhere gets in', async () => {
  const u = await newUser('sales');
  const session = await srv.login(u.login, u.password);
  assert.equal(session.status, 200);
  const a = nextAddr();
  for (let i = 0; i < 10; i++) {
    const r = await srv.login(u.login, 'wrong-password', { addr: a });
    assert.equal(r.status, 401, `failure ${i + 1}`);
  }
  const r = await srv.request('POST', '/api/v1/auth/login', { addr: a, body: { login: u.login, password: u.password } });
  assertError(r, 429, 'rate_limited');
  const retry = Number(r.headers.get('retry-after'));
  assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 300, `Retry-After: ${r.headers.get('retry-after')}`);
  assert.equal(r.headers.get('set-cookie'), null, 'no session');
  // not a lever: the right password from another address goes through
  assert.equal((await srv.login(u.login, u.password, { addr: nextAddr() })).status, 200);
  // the pair stays blocked; other logins from that address are fine
  assert.equal((await srv.login(u.login, u.password, { addr: a })).status, 429);
  assert.equal((await srv.login('sales', DEMO_PASSWORD, { addr: a })).status, 200);
  // sessions made before are not affected
  assert.equal((await srv.request('GET', '/api/v1/auth/me', { as: session })).status, 200);
});

test('9 failures are not enough to block a login', async () => {
  const u = await newUser('sales');
  const a = nextAddr();
  for (let i = 0; i < 9; i++) assert.equal((await srv.login(u.login, 'wrong-password', { addr: a })).status, 401);
  assert.equal((await srv.login(u.login, u.password, { addr: a })).status, 200);
});

test('parallel wrong passwords never get more than 10 tries past the limit', async () => {
  const u = await newUser('sales');
  const a = nextAddr();
  const all = await Promise.all(Array.from({ length: 40 }, () => srv.login(u.login, 'wrong-password', { addr: a })));
  const tried = all.filter((r) => r.status === 401).length;
  assert.equal(tried, 10, `tries that reached the password check: ${all.map((r) => r.status).join(',')}`);
  assert.ok(all.every((r) => r.status === 401 || r.status === 429));
});

test('30 failed logins from one address → that address gets 429 for every login; other addresses do not', async () => {
  const ip = nextAddr();
  for (let i = 0; i < 30; i++) {
    const r = await srv.login(`ghost-${uid()}`, 'x-wrong', { addr: ip });
    assert.equal(r.status, 401, `failure ${i + 1}`);
  }
  const r = await srv.login('auditor', DEMO_PASSWORD, { addr: ip });
  assert.equal(r.status, 429);
  assert.equal(r.json.error.code, 'rate_limited');
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  assert.equal((await srv.login('auditor', DEMO_PASSWORD, { addr: nextAddr() })).status, 200);
});

test('100 failures from many addresses lock a login for addresses that failed; a clean address may still try', async () => {
  const u = await newUser('sales');
  const addrs = Array.from({ length: 20 }, () => nextAddr());
  for (const a of addrs)
    for (let i = 0; i < 5; i++) assert.equal((await srv.login(u.login, 'wrong-password', { addr: a })).status, 401);
  // each of those addresses is under its own limit of 10, but the login is locked for them now
  assert.equal((await srv.login(u.login, u.password, { addr: addrs[0] })).status, 429);
  // a clean address gets one try: a wrong one then makes it a failed address
  const guesser = nextAddr();
  assert.equal((await srv.login(u.login, 'still-wrong', { addr: guesser })).status, 401);
  assert.equal((await srv.login(u.login, u.password, { addr: guesser })).status, 429);
  // the owner, from an address with no failures, gets in
  assert.equal((await srv.login(u.login, u.password, { addr: nextAddr() })).status, 200);
});

// ---- deactivation and password changes ------------------------------------------------

test('deactivating a user ends their sessions and refuses their logins; reactivating lets them in again', async () => {
  const admin = await srv.as('admin');
  const u = await newUser('manager');
  const s1 = await srv.login(u.login, u.password);
  const s2 = await srv.login(u.login, u.password);
  assert.equal(s1.status, 200);
  assert.equal((await srv.request('GET', '/api/v1/clients?limit=1', { as: s1 })).status, 200);
  const off = await srv.request('PATCH', `/api/v1/users/${u.id}`, { as: admin, body: { version: u.version, active: false } });
  assert.equal(off.status, 200, off.text);
  assert.equal(off.json.active, false);
  for (const s of [s1, s2]) {
    assertError(await srv.request('GET', '/api/v1/auth/me', { as: s }), 401);
    assertError(await srv.request('POST', '/api/v1/clients', { as: s, body: { kind: 'person', name: 'Уволен' } }), 401);
  }
  assertError(await srv.login(u.login, u.password), 401, 'unauthenticated');
  assert.equal((await srv.request('GET', '/api/v1/auth/me', { as: admin })).status, 200, 'the admin is not affected');
  const on = await srv.request('PATCH', `/api/v1/users/${u.id}`, { as: admin, body: { version: off.json.version, active: true } });
  assert.equal(on.status, 200);
  assert.equal((await srv.login(u.login, u.password)).status, 200);
});

test('changing a password ends the user\'s sessions; the old password stops working, the new one works', async () => {
  const admin = await srv.as('admin');
  const u = await newUser('technician');
  const s = await srv.login(u.login, u.password);
  assert.equal(s.status, 200);
  const p = await srv.request('PATCH', `/api/v1/users/${u.id}`, { as: admin, body: { version: u.version, password: 'second-password-2' } });
  assert.equal(p.status, 200, p.text);
  assert.ok(!('password' in p.json) || p.json.password !== 'second-password-2', 'the password never comes back');
  assertError(await srv.request('GET', '/api/v1/auth/me', { as: s }), 401);
  assert.equal((await srv.login(u.login, u.password)).status, 401);
  const s2 = await srv.login(u.login, 'second-password-2');
  assert.equal(s2.status, 200);
  // other changes to the user keep their sessions
  const n = await srv.request('PATCH', `/api/v1/users/${u.id}`, { as: admin, body: { version: p.json.version, name: 'Новое Имя' } });
  assert.equal(n.status, 200);
  assert.equal((await srv.request('GET', '/api/v1/auth/me', { as: s2 })).status, 200);
});

test('nobody can deactivate, demote or delete themselves', async () => {
  const admin = await srv.login('admin', ADMIN_PASSWORD);
  const me = await srv.request('GET', `/api/v1/users/${admin.user.id}`, { as: admin });
  const off = await srv.request('PATCH', `/api/v1/users/${admin.user.id}`, { as: admin, body: { version: me.json.version, active: false } });
  assert.equal(off.status, 422);
  assert.equal(off.json.error.fields.active, 'invalid');
  const demote = await srv.request('PATCH', `/api/v1/users/${admin.user.id}`, { as: admin, body: { version: me.json.version, role: 'sales' } });
  assert.equal(demote.status, 422);
  assert.equal(demote.json.error.fields.role, 'invalid');
  assertError(await srv.request('DELETE', `/api/v1/users/${admin.user.id}`, { as: admin }), 409, 'conflict');
  assert.equal((await srv.request('GET', '/api/v1/auth/me', { as: admin })).status, 200);
});
