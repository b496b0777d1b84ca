// audit.test.mjs — the audit log: every create, update and delete is written
// with who, when, before and after; the log's filters; who may read it; and
// `servitor audit verify`, which must notice edited and deleted entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useServer, assertError, uid, runCli, ISO_TIME, todayUTC, PG, walk } from './harness.mjs';

const srv = useServer();
const auditOf = async (as, qs) => {
  const r = await srv.request('GET', `/api/v1/audit?${qs}`, { as });
  assert.equal(r.status, 200, r.text);
  return r.json.items;
};

test('create, update and delete each add one entry with who, when, before and after', async () => {
  const manager = await srv.as('manager');
  const auditor = await srv.as('auditor');
  const c = await srv.request('POST', '/api/v1/clients', { as: manager, body: { kind: 'person', name: 'Аудит Проверка', phone: '8 912 000 00 01' } });
  const u = await srv.request('PATCH', `/api/v1/clients/${c.json.id}`, { as: manager, body: { version: 1, name: 'Аудит Изменён' } });
  assert.equal(u.status, 200);
  assert.equal((await srv.request('DELETE', `/api/v1/clients/${c.json.id}`, { as: manager })).status, 204);
  const log = await auditOf(auditor, `entity=clients&record_id=${c.json.id}`);
  assert.deepEqual(log.map((e) => e.action), ['delete', 'update', 'create'], 'newest first');
  const [del, upd, cre] = log;
  for (const e of log) {
    assert.deepEqual(Object.keys(e).sort(), ['action', 'after', 'at', 'before', 'entity', 'hash', 'id', 'record_id', 'user_id', 'user_login', 'user_name'].sort());
    assert.equal(e.entity, 'clients');
    assert.equal(e.record_id, c.json.id);
    assert.equal(e.user_login, 'manager');
    assert.equal(e.user_id, manager.user.id);
    assert.match(e.at, ISO_TIME);
    assert.match(e.hash, /^[0-9a-f]{64}$/);
  }
  assert.ok(del.id > upd.id && upd.id > cre.id);
  assert.equal(cre.before, null);
  assert.deepEqual(cre.after, c.json, 'after = the record as created');
  assert.deepEqual(upd.before, c.json, 'before = the record as it was');
  assert.equal(upd.after.name, 'Аудит Изменён');
  assert.equal(upd.after.version, 2);
  assert.equal(upd.after.phone, '+79120000001');
  assert.equal(del.before.name, 'Аудит Изменён');
  assert.equal(del.after, null);
});

test('every entity is audited: branches, contacts, equipment, users (without the password), requests, tokens', async () => {
  const admin = await srv.as('admin');
  const make = async (res, body) => {
    const head = (await auditOf(admin, 'limit=1'))[0].id;
    const r = await srv.request('POST', `/api/v1/${res}`, { as: admin, body });
    assert.equal(r.status, 201, r.text);
    // entries since the head (ids of deleted records may be reused: see the test on that)
    const log = (await auditOf(admin, `entity=${res}&record_id=${r.json.id}`)).filter((e) => e.id > head);
    assert.deepEqual(log.map((e) => e.action), ['create'], res);
    assert.equal(log[0].id, head + 1, 'the very next entry');
    assert.equal(log[0].user_login, 'admin');
    return { rec: r.json, entry: log[0] };
  };
  const b = await make('branches', { name: 'Аудит-филиал ' + uid() });
  const cl = await make('clients', { kind: 'company', name: 'Аудит ООО' });
  await make('contacts', { client_id: cl.rec.id, name: 'Аудит Контакт' });
  const m = await make('equipment_models', { brand: 'Аудит', model: 'A-' + uid() });
  await make('equipment_units', { model_id: m.rec.id, serial: 'A-' + uid() });
  await make('requests', { subject: 'Аудит обращение', channel: 'phone' });
  const u = await make('users', { login: 'aud' + uid(), name: 'Аудит Пользователь', role: 'sales', password: 'secret-password-9' });
  assert.ok(!JSON.stringify(u.entry).includes('secret-password-9'), 'no password in the log');
  assert.ok(!JSON.stringify(u.entry).includes('argon2'), 'no password hash in the log');
  const pw = await srv.request('PATCH', `/api/v1/users/${u.rec.id}`, { as: admin, body: { version: 1, password: 'other-secret-7' } });
  assert.equal(pw.status, 200);
  const [pwEntry] = await auditOf(admin, `entity=users&record_id=${u.rec.id}`);
  assert.equal(pwEntry.after.version, 2);
  assert.equal(pwEntry.action, 'update', 'a password change is audited');
  assert.ok(!JSON.stringify(pwEntry).includes('other-secret-7') && !JSON.stringify(pwEntry).includes('argon2'));
  // tokens
  const t = await srv.request('POST', '/api/v1/tokens', { as: admin, body: { name: 'аудит токен', user_id: admin.user.id } });
  await srv.request('DELETE', `/api/v1/tokens/${t.json.id}`, { as: admin });
  const tl = await auditOf(admin, `entity=tokens&record_id=${t.json.id}`);
  assert.deepEqual(tl.map((e) => e.action), ['delete', 'create']);
  assert.ok(!JSON.stringify(tl).includes(t.json.token), 'the token itself is not in the log');
  // branch update and delete
  await srv.request('PATCH', `/api/v1/branches/${b.rec.id}`, { as: admin, body: { version: 1, address: 'новый адрес' } });
  await srv.request('DELETE', `/api/v1/branches/${b.rec.id}`, { as: admin });
  const bl = (await auditOf(admin, `entity=branches&record_id=${b.rec.id}`)).filter((e) => e.id >= b.entry.id);
  assert.deepEqual(bl.map((e) => e.action), ['delete', 'update', 'create']);
});

test('ids of deleted records are never given to new ones, so a new record does not inherit an old audit trail', async () => {
  const admin = await srv.as('admin');
  for (const [res, body] of [['clients', () => ({ kind: 'person', name: 'Одноразовый ' + uid() })],
    ['equipment_units', async () => ({ model_id: (await srv.request('GET', '/api/v1/equipment_models?limit=1', { as: admin })).json.items[0].id, serial: 'ONE-' + uid() })]]) {
    const a = await srv.request('POST', `/api/v1/${res}`, { as: admin, body: await body() });
    assert.equal((await srv.request('DELETE', `/api/v1/${res}/${a.json.id}`, { as: admin })).status, 204);
    const b = await srv.request('POST', `/api/v1/${res}`, { as: admin, body: await body() });
    assert.equal(b.status, 201);
    assert.ok(b.json.id > a.json.id, `${res}: the new record got id ${b.json.id}, the deleted one had ${a.json.id}`);
    assert.deepEqual((await auditOf(admin, `entity=${res}&record_id=${b.json.id}`)).map((e) => e.action), ['create']);
    if (res === 'equipment_units') {
      const h = await srv.request('GET', `/api/v1/equipment_units/${b.json.id}/history`, { as: admin });
      assert.deepEqual(h.json.items.map((e) => e.action), ['create'], 'a new unit has no history of a deleted one');
    }
  }
});

test('refused and failed writes leave no entry (403, 409, 422)', async () => {
  const admin = await srv.as('admin');
  const c = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'person', name: 'Без лишних записей' } });
  const top = async () => (await auditOf(admin, 'limit=1'))[0].id;
  const before = await top();
  assertError(await srv.request('PATCH', `/api/v1/clients/${c.json.id}`, { as: admin, body: { version: 5, notes: 'x' } }), 409);
  assertError(await srv.request('PATCH', `/api/v1/clients/${c.json.id}`, { as: admin, body: { version: 1, email: 'bad' } }), 422);
  assertError(await srv.request('PATCH', `/api/v1/clients/${c.json.id}`, { as: await srv.as('auditor'), body: { version: 1, notes: 'x' } }), 403);
  assertError(await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'person' } }), 422);
  assertError(await srv.request('DELETE', `/api/v1/clients/${c.json.id}?version=9`, { as: admin }), 409);
  const cc = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'company', name: 'Занятый' } });
  await srv.request('POST', '/api/v1/contacts', { as: admin, body: { client_id: cc.json.id, name: 'Держит' } });
  const mid = await top();
  assertError(await srv.request('DELETE', `/api/v1/clients/${cc.json.id}`, { as: admin }), 409);
  assert.equal(await top(), mid, 'a refused delete of a referenced record is not logged');
  assert.equal(mid, before + 2, 'only the two successful creates were logged');
});

test('the log filters by entity, record_id, user_id and from/to, newest first', async () => {
  const admin = await srv.as('admin');
  const sales = await srv.as('sales');
  const c = await srv.request('POST', '/api/v1/clients', { as: sales, body: { kind: 'person', name: 'Фильтр Аудита' } });
  const byEntity = await auditOf(admin, 'entity=clients&limit=200');
  assert.ok(byEntity.length > 0 && byEntity.every((e) => e.entity === 'clients'));
  const ids = byEntity.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
  const byRecord = await auditOf(admin, `entity=clients&record_id=${c.json.id}`);
  assert.equal(byRecord.length, 1);
  const byUser = await auditOf(admin, `user_id=${sales.user.id}&limit=200`);
  assert.ok(byUser.length >= 1 && byUser.every((e) => e.user_id === sales.user.id && e.user_login === 'sales'));
  assert.ok(byUser.some((e) => e.record_id === c.json.id));
  const today = todayUTC();
  const day = await auditOf(admin, `from=${today}&to=${today}&limit=200`);
  assert.ok(day.some((e) => e.record_id === c.json.id && e.entity === 'clients'));
  assert.ok(day.every((e) => e.at.startsWith(today)));
  assert.deepEqual(await auditOf(admin, 'from=2001-01-01&to=2001-12-31'), []);
  assert.deepEqual(await auditOf(admin, 'from=2999-01-01'), []);
  const at = byRecord[0].at;
  assert.ok((await auditOf(admin, `from=${at}&to=${at}&entity=clients&record_id=${c.json.id}`)).length === 1, 'from/to as full times, inclusive');
  assert.deepEqual(await auditOf(admin, `user_id=${sales.user.id}&entity=branches`), [], 'filters combine');
  for (const bad of ['from=yesterday', 'to=2026-02-30', 'record_id=abc', 'user_id=x', 'limit=0', 'cursor=x', 'wat=1'])
    assertError(await srv.request('GET', `/api/v1/audit?${bad}`, { as: admin }), 400, 'malformed');
});

test('the log pages with a cursor: every entry once', async () => {
  const admin = await srv.as('admin');
  const all = await auditOf(admin, 'limit=200');
  const { items } = await walk(srv, '/api/v1/audit', admin, { limit: 7 });
  assert.deepEqual(items.slice(0, all.length).map((e) => e.id), all.map((e) => e.id));
  assert.equal(new Set(items.map((e) => e.id)).size, items.length);
  assert.equal(items.at(-1).id, 1, 'down to the first entry');
});

test('the log is forbidden to manager, technician, storekeeper and sales', async () => {
  for (const role of ['manager', 'technician', 'storekeeper', 'sales'])
    assertError(await srv.request('GET', '/api/v1/audit', { as: await srv.as(role) }), 403, 'forbidden');
  assert.equal((await srv.request('GET', '/api/v1/audit', { as: await srv.as('auditor') })).status, 200);
});

test('the log is append-only over the API: no writes to it', async () => {
  const admin = await srv.as('admin');
  for (const [m, p] of [['POST', '/api/v1/audit'], ['PATCH', '/api/v1/audit/1'], ['DELETE', '/api/v1/audit/1'], ['PUT', '/api/v1/audit']]) {
    const r = await srv.request(m, p, { as: admin, body: {} });
    assert.ok(r.status === 404 || r.status === 405, `${m} ${p}: ${r.status}`);
    assertError(r, r.status);
  }
  assert.equal((await auditOf(admin, 'limit=200&entity=clients')).length > 0, true);
});

test('a unit\'s history is its audit entries, newest first', async () => {
  const admin = await srv.as('admin');
  const m = await srv.request('POST', '/api/v1/equipment_models', { as: admin, body: { brand: 'История', model: 'H-' + uid() } });
  const u = await srv.request('POST', '/api/v1/equipment_units', { as: admin, body: { model_id: m.json.id, serial: 'H-' + uid() } });
  await srv.request('PATCH', `/api/v1/equipment_units/${u.json.id}`, { as: admin, body: { version: 1, notes: 'замена ролика' } });
  const h = await srv.request('GET', `/api/v1/equipment_units/${u.json.id}/history`, { as: await srv.as('technician') });
  assert.equal(h.status, 200);
  assert.deepEqual(h.json.items.map((e) => e.action), ['update', 'create']);
  assert.equal(h.json.items[0].after.notes, 'замена ролика');
  assertError(await srv.request('GET', '/api/v1/equipment_units/999999/history', { as: admin }), 404, 'not_found');
});

// ---- audit verify ----------------------------------------------------------------

// the SQL goes on standard input: a whole log rewritten is too long for an argument
const sqlite = (file, sql) => execFileSync('sqlite3', [file], { input: sql, encoding: 'utf8' }).trim();
const verify = (db) => runCli(['audit', 'verify', '--db', db]);

test('audit verify exits 0 on the test database, while it is being served', async () => {
  const r = verify(srv.db);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /intact/);
  const n = Number(/(\d+) entries/.exec(r.stdout)?.[1]);
  const admin = await srv.as('admin');
  assert.equal(n, (await auditOf(admin, 'limit=1'))[0].id, 'every entry was checked');
});

test('audit verify notices an edited entry and names it (on a backup copy)', { skip: PG && 'SQLite files only' }, () => {
  const copy = join(srv.dir, `edited-${uid()}.db`);
  assert.equal(runCli(['backup', copy, '--db', srv.db]).status, 0);
  assert.equal(verify(copy).status, 0, 'the copy is intact');
  sqlite(copy, "UPDATE audit_log SET after = '{}' WHERE id = 5");
  const r = verify(copy);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /\bentry 5\b/);
  assert.doesNotMatch(r.stdout, /intact/);
});

test('audit verify notices other edits: who, when, and a recomputed-looking hash', { skip: PG && 'SQLite files only' }, () => {
  for (const [sql, id] of [
    ["UPDATE audit_log SET user_login = 'someone' WHERE id = 3", 3],
    ["UPDATE audit_log SET at = '2020-01-01T00:00:00Z' WHERE id = 4", 4],
    ["UPDATE audit_log SET hash = '" + '0'.repeat(64) + "' WHERE id = 6", 6],
    ["UPDATE audit_log SET before = NULL WHERE id = (SELECT MIN(id) FROM audit_log WHERE before IS NOT NULL)", null],
  ]) {
    const copy = join(srv.dir, `edit-${uid()}.db`);
    assert.equal(runCli(['backup', copy, '--db', srv.db]).status, 0);
    const target = id ?? Number(sqlite(copy, 'SELECT MIN(id) FROM audit_log WHERE before IS NOT NULL'));
    sqlite(copy, sql);
    const r = verify(copy);
    assert.notEqual(r.status, 0, sql);
    assert.match(r.stderr, new RegExp(`\\bentry ${target}\\b`), `${sql}: ${r.stderr}`);
  }
});

test('audit verify notices a deleted last entry, and a deleted middle one', { skip: PG && 'SQLite files only' }, () => {
  const copy = join(srv.dir, `cut-${uid()}.db`);
  assert.equal(runCli(['backup', copy, '--db', srv.db]).status, 0);
  const last = Number(sqlite(copy, 'SELECT MAX(id) FROM audit_log'));
  sqlite(copy, `DELETE FROM audit_log WHERE id = ${last}`);
  const r = verify(copy);
  assert.notEqual(r.status, 0, 'a cut-off tail is detected');
  assert.match(r.stderr, new RegExp(`\\b${last}\\b`));
  const copy2 = join(srv.dir, `hole-${uid()}.db`);
  assert.equal(runCli(['backup', copy2, '--db', srv.db]).status, 0);
  sqlite(copy2, 'DELETE FROM audit_log WHERE id = 7');
  const r2 = verify(copy2);
  assert.notEqual(r2.status, 0);
  assert.match(r2.stderr, /\bentry 7\b/);
});

// ---- keys and anchors: what someone with write access to the database cannot do ----

/** SQL on the test database, whichever it is; rows as objects. */
async function sqlRows(db, sql) {
  if (!PG) return JSON.parse(execFileSync('sqlite3', ['-json', db], { input: sql, encoding: 'utf8' }) || '[]');
  const { psql } = await import('../lib.mjs');
  return JSON.parse(psql(db, `SELECT COALESCE(json_agg(t), '[]') FROM (${sql}) t`));
}
async function sqlRun(db, sql) {
  if (!PG) return execFileSync('sqlite3', [db], { input: sql, encoding: 'utf8' });
  const { psql } = await import('../lib.mjs');
  return psql(db, sql);
}
const q = (v) => (v === null ? 'NULL' : `'${String(v).replace(/'/g, "''")}'`);

/** An entry's hash as the server made it before there were keys (plain SHA-256). */
function sha(prev, e) {
  const h = createHash('sha256');
  const part = (v) => (v === null ? h.update('-|') : h.update(`${Buffer.byteLength(String(v))}:`).update(String(v)));
  for (const v of [prev, e.id, e.at, e.user_id, e.user_login, e.action, e.entity, e.record_id, e.before, e.after]) part(v);
  return h.digest('hex');
}

/** What an attacker with the database but not the key does: rewrite entry
 * `from`, recompute every later hash and the head (key_id as given). */
async function forge(db, from, keyId) {
  const rows = await sqlRows(db, `SELECT id, at, user_id, user_login, action, entity, record_id, before, after, prev_hash FROM audit_log WHERE id >= ${from} ORDER BY id`);
  let prev = rows[0].prev_hash;
  const sql = [];
  for (const e of rows) {
    if (e.id === from) e.after = '{"forged":true}';
    const hash = sha(prev, e);
    sql.push(`UPDATE audit_log SET after = ${q(e.after)}, prev_hash = ${q(prev)}, hash = ${q(hash)}${keyId === undefined ? '' : `, key_id = ${keyId}`} WHERE id = ${e.id};`);
    prev = hash;
  }
  sql.push(`UPDATE audit_head SET last_hash = ${q(prev)} WHERE id = 1;`);
  await sqlRun(db, sql.join('\n'));
}

/** A database to tamper with: on SQLite a backup copy (its keys beside it);
 * on PostgreSQL the live one, its log put back afterwards. */
async function scratch() {
  if (!PG) {
    const copy = join(srv.dir, `tamper-${uid()}.db`);
    assert.equal(runCli(['backup', copy, '--db', srv.db]).status, 0);
    assert.ok(existsSync(`${copy}.audit-key`), 'backup keeps the audit keys beside the copy');
    return { db: copy, restore: async () => {} };
  }
  const cols = ['id', 'at', 'user_id', 'user_login', 'action', 'entity', 'record_id', 'before', 'after', 'prev_hash', 'hash', 'key_id'];
  const saved = await sqlRows(srv.db, `SELECT ${cols.join(', ')} FROM audit_log ORDER BY id`);
  const head = (await sqlRows(srv.db, 'SELECT last_id, last_hash FROM audit_head'))[0];
  return {
    db: srv.db,
    restore: async () => {
      const sql = ['DELETE FROM audit_log;'];
      for (const e of saved) sql.push(`INSERT INTO audit_log (${cols.join(', ')}) VALUES (${cols.map((c) => q(e[c])).join(', ')});`);
      sql.push(`UPDATE audit_head SET last_id = ${head.last_id}, last_hash = ${q(head.last_hash)} WHERE id = 1;`);
      await sqlRun(srv.db, sql.join('\n'));
      assert.equal(verify(srv.db).status, 0, 'restored');
    },
  };
}

test('entries are signed with a key outside the database: a rewritten entry with the chain recomputed does not verify', async () => {
  const rows = await sqlRows(srv.db, 'SELECT COUNT(*) AS n FROM audit_log WHERE key_id = 0');
  assert.equal(rows[0].n, 0, 'a new database signs every entry');
  for (const keyId of [undefined, 0]) {
    const t = await scratch();
    try {
      await forge(t.db, 5, keyId);
      const r = verify(t.db);
      assert.equal(r.status, 1, `key_id ${keyId}: ${r.stdout}`);
      assert.match(r.stderr, /\bentry 5\b/, r.stderr);
    } finally {
      await t.restore();
    }
  }
});

test('the head kept elsewhere catches a cut-off tail that the chain alone cannot; a changed head row is named', async () => {
  const admin = await srv.as('admin');
  const h = runCli(['audit', 'head', '--db', srv.db]);
  assert.equal(h.status, 0, h.stderr);
  const [id, hash] = h.stdout.trim().split(':');
  assert.match(hash, /^[0-9a-f]{64}$/);
  for (let i = 0; i < 2; i++) assert.equal((await srv.request('POST', '/api/v1/branches', { as: admin, body: { name: `Якорь ${uid()}` } })).status, 201);
  const ok = runCli(['audit', 'verify', '--db', srv.db, '--head', `${id}:${hash}`]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /kept head/);
  assert.equal(runCli(['audit', 'verify', '--db', srv.db, '--head', 'nonsense']).status, 2);
  const t = await scratch();
  try {
    // cut the tail from the anchored entry on, and move the head back: the chain is whole
    const back = await sqlRows(t.db, `SELECT hash FROM audit_log WHERE id = ${Number(id) - 1}`);
    await sqlRun(t.db, `DELETE FROM audit_log WHERE id >= ${id}; UPDATE audit_head SET last_id = ${Number(id) - 1}, last_hash = ${q(back[0].hash)} WHERE id = 1;`);
    assert.equal(verify(t.db).status, 0, 'the chain alone cannot tell');
    const r = runCli(['audit', 'verify', '--db', t.db, '--head', `${id}:${hash}`]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`entry ${id}\\b.*cut off`), r.stderr);
  } finally {
    await t.restore();
  }
  if (!PG) {
    const u = await scratch();
    const last = Number(runCli(['audit', 'head', '--db', u.db]).stdout.split(':')[0]);
    await sqlRun(u.db, `UPDATE audit_head SET last_hash = '${'0'.repeat(64)}' WHERE id = 1`);
    const r = verify(u.db);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`broken at entry ${last}:.*head row was altered`), r.stderr);
  }
});

test('a rotated key signs new entries; entries of the old key still verify', async () => {
  const keyFile = PG ? process.env.SERVITOR_AUDIT_KEY_FILE : `${srv.db}.audit-key`;
  const keysBefore = readFileSync(keyFile, 'utf8').split('\n').filter((l) => /^\d+ [0-9a-f]{64}$/.test(l));
  const r = runCli(['audit', 'rotate-key', '--db', srv.db]);
  assert.equal(r.status, 0, r.stderr);
  const keys = readFileSync(keyFile, 'utf8').split('\n').filter((l) => /^\d+ [0-9a-f]{64}$/.test(l));
  assert.equal(keys.length, keysBefore.length + 1);
  assert.deepEqual(keys.slice(0, keysBefore.length), keysBefore, 'the old keys are kept');
  assert.equal((await import('node:fs')).statSync(keyFile).mode & 0o777, 0o600);
  const newId = Number(keys.at(-1).split(' ')[0]);
  // a server started now signs with the new key
  const other = await srv.serve();
  const admin = await other.login('admin', 'admin12345');
  const made = await other.request('POST', '/api/v1/branches', { as: admin, body: { name: `Новый ключ ${uid()}` } });
  assert.equal(made.status, 201, made.text);
  const last = await sqlRows(srv.db, 'SELECT key_id FROM audit_log ORDER BY id DESC LIMIT 1');
  assert.equal(Number(last[0].key_id), newId);
  const v = verify(srv.db);
  assert.equal(v.status, 0, v.stderr);
});

test('a log from before keys verifies; migrate makes the key and signs from then on; an unsigned entry after that is refused', { skip: PG && 'SQLite files only' }, async () => {
  const copy = join(srv.dir, `legacy-${uid()}.db`);
  assert.equal(runCli(['backup', copy, '--db', srv.db]).status, 0);
  // what an older version left: every entry unsigned, no key file
  rmSync(`${copy}.audit-key`);
  await forge(copy, 1, 0);
  await sqlRun(copy, `UPDATE audit_log SET after = (SELECT after FROM audit_log a WHERE a.id = 2) WHERE id = 1`);
  await forge(copy, 1, 0); // recomputed again: a whole, unsigned chain
  const n = Number((await sqlRows(copy, 'SELECT MAX(id) AS n FROM audit_log'))[0].n);
  const first = verify(copy);
  assert.equal(first.status, 0, `only reading makes no key: ${first.stderr}`);
  assert.ok(!existsSync(`${copy}.audit-key`));
  assert.equal(runCli(['migrate', '--db', copy]).status, 0);
  const keyText = readFileSync(`${copy}.audit-key`, 'utf8');
  assert.match(keyText, new RegExp(`^from ${n + 1}$`, 'm'));
  assert.equal(runCli(['user', 'add', '--login', `l${uid()}`, '--role', 'sales', '--password-stdin', '--db', copy], { input: 'long-enough-1\n' }).status, 0);
  const signed = await sqlRows(copy, `SELECT key_id FROM audit_log WHERE id = ${n + 1}`);
  assert.equal(Number(signed[0].key_id), 1);
  assert.equal(verify(copy).status, 0);
  // with signed entries, a lost key file is not silently replaced
  const keys = readFileSync(`${copy}.audit-key`);
  rmSync(`${copy}.audit-key`);
  const m = runCli(['migrate', '--db', copy]);
  assert.equal(m.status, 1);
  assert.match(m.stderr, /audit key file .* is missing/);
  assert.ok(!existsSync(`${copy}.audit-key`));
  writeFileSync(`${copy}.audit-key`, keys, { mode: 0o600 });
  // the new entry rewritten as an old-style one
  await forge(copy, n + 1, 0);
  const r = verify(copy);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`entry ${n + 1} is not signed`), r.stderr);
});

test('audit verify on the live file after the server is stopped: still intact, then an edit is found', { skip: PG && 'SQLite files only' }, async () => {
  await srv.stopServer();
  assert.equal(verify(srv.db).status, 0);
  sqlite(srv.db, "UPDATE audit_log SET after = '{}' WHERE id = 5");
  const r = verify(srv.db);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /\bentry 5\b/);
});

