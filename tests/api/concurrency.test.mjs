// concurrency.test.mjs — optimistic locking under real concurrency: of two
// (or more) PATCHes with the same version sent at once, exactly one wins;
// unique fields hold under racing creates; the audit chain stays whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, uid, runCli, freshInn, PG } from './harness.mjs';

const srv = useServer();

test('two PATCHes with the same version at once → exactly one 200 and one 409; the winner\'s value is stored', async () => {
  const admin = await srv.as('admin');
  const manager = await srv.as('manager');
  for (let round = 0; round < 10; round++) {
    const c = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'person', name: 'Гонка ' + uid() } });
    const url = `/api/v1/clients/${c.json.id}`;
    const [a, b] = await Promise.all([
      srv.request('PATCH', url, { as: admin, body: { version: 1, notes: 'от админа' } }),
      srv.request('PATCH', url, { as: manager, body: { version: 1, notes: 'от менеджера' } }),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409], `round ${round}: ${a.text} / ${b.text}`);
    const winner = a.status === 200 ? a : b;
    const loser = a.status === 200 ? b : a;
    assert.equal(loser.json.error.code, 'conflict');
    assert.equal(winner.json.version, 2);
    const now = await srv.request('GET', url, { as: admin });
    assert.equal(now.json.version, 2);
    assert.equal(now.json.notes, winner.json.notes);
    const log = await srv.request('GET', `/api/v1/audit?entity=clients&record_id=${c.json.id}`, { as: admin });
    assert.deepEqual(log.json.items.filter((e) => e.action === 'update').map((e) => e.after.notes), [winner.json.notes], 'one update audited');
  }
});

test('ten PATCHes with the same version at once → exactly one 200, nine 409', async () => {
  const admin = await srv.as('admin');
  const c = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'person', name: 'Толпа ' + uid() } });
  const url = `/api/v1/clients/${c.json.id}`;
  const rs = await Promise.all(Array.from({ length: 10 }, (_, i) =>
    srv.request('PATCH', url, { as: admin, body: { version: 1, notes: `попытка ${i}` } })));
  const statuses = rs.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(','));
  assert.equal(statuses.filter((s) => s === 409).length, 9, statuses.join(','));
  const now = await srv.request('GET', url, { as: admin });
  assert.equal(now.json.version, 2);
  assert.equal(now.json.notes, rs.find((r) => r.status === 200).json.notes);
});

test('If-Match under concurrency behaves the same', async () => {
  const admin = await srv.as('admin');
  const m = await srv.request('POST', '/api/v1/equipment_models', { as: admin, body: { brand: 'Гонка', model: 'R-' + uid() } });
  const url = `/api/v1/equipment_models/${m.json.id}`;
  const rs = await Promise.all(['А', 'Б', 'В', 'Г'].map((x) => srv.request('PATCH', url, { as: admin, headers: { 'if-match': '"1"' }, body: { category: x } })));
  assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409, 409, 409]);
});

test('a PATCH and a DELETE racing: one of them wins, the other gets 404/409, never both', async () => {
  const admin = await srv.as('admin');
  for (let round = 0; round < 5; round++) {
    const c = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'person', name: 'Удаляемый ' + uid() } });
    const url = `/api/v1/clients/${c.json.id}`;
    const [p, d] = await Promise.all([
      srv.request('PATCH', url, { as: admin, body: { version: 1, notes: 'успел' } }),
      srv.request('DELETE', `${url}?version=1`, { as: admin }),
    ]);
    const ok = [p.status === 200, d.status === 204].filter(Boolean).length;
    assert.equal(ok, 1, `round ${round}: PATCH ${p.status}, DELETE ${d.status}`);
    if (d.status === 204) assert.equal(p.status === 404 || p.status === 409, true, `PATCH after delete: ${p.status}`);
    else assert.equal(d.status, 409, 'the delete saw the new version');
  }
});

test('racing creates with the same unique ИНН: one 201, the others refused, one record', async () => {
  const admin = await srv.as('admin');
  const inn = freshInn(10);
  const rs = await Promise.all(Array.from({ length: 8 }, (_, i) =>
    srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'company', name: `Гонка ИНН ${i}`, inn } })));
  const statuses = rs.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join(','));
  for (const r of rs.filter((x) => x.status !== 201)) {
    assert.ok(r.status === 422 || r.status === 409, `${r.status}: ${r.text}`);
    if (r.status === 422) assert.equal(r.json.error.fields.inn, 'duplicate');
  }
  const found = await srv.request('GET', `/api/v1/clients?inn=${inn}`, { as: admin });
  assert.equal(found.json.items.length, 1);
});

test('many concurrent writers: every write lands once, and the audit chain stays intact', async () => {
  const admin = await srv.as('admin');
  const sessions = await Promise.all(['admin', 'manager', 'sales', 'technician'].map((r) => srv.as(r)));
  const tag = uid();
  const creates = await Promise.all(Array.from({ length: 40 }, (_, i) => {
    const s = sessions[i % sessions.length];
    const res = s.user.role === 'technician' ? 'equipment_models' : 'clients';
    const body = res === 'clients' ? { kind: 'person', name: `Параллельный ${tag} ${i}` } : { brand: 'Параллель', model: `${tag}-${i}` };
    return srv.request('POST', `/api/v1/${res}`, { as: s, body });
  }));
  assert.ok(creates.every((r) => r.status === 201), creates.map((r) => r.status).join(','));
  const ids = creates.map((r) => r.json.id);
  const models = creates.filter((r) => 'brand' in r.json).length;
  assert.equal(new Set(creates.filter((r) => 'kind' in r.json).map((r) => r.json.id)).size, 40 - models, 'distinct ids');
  assert.ok(ids.every(Number.isInteger));
  const found = await srv.request('GET', `/api/v1/clients?limit=200&q=${encodeURIComponent('параллельный ' + tag)}`, { as: admin });
  assert.equal(found.json.items.length, 40 - models);
  const audit = await srv.request('GET', '/api/v1/audit?limit=200', { as: admin });
  const entryIds = audit.json.items.map((e) => e.id);
  for (let i = 1; i < entryIds.length; i++) assert.equal(entryIds[i - 1], entryIds[i] + 1, 'audit ids have no gaps');
  const v = runCli(['audit', 'verify', '--db', srv.db]);
  assert.equal(v.status, 0, v.stderr);
});

test('concurrent logins and reads do not disturb each other', async () => {
  const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => srv.login(i % 2 ? 'sales' : 'auditor', 'demo12345')));
  assert.ok(rs.every((r) => r.status === 200));
  assert.equal(new Set(rs.map((r) => r.cookie)).size, 20, 'twenty distinct sessions');
  const reads = await Promise.all(rs.map((s) => srv.request('GET', '/api/v1/clients?limit=5', { as: s })));
  assert.ok(reads.every((r) => r.status === 200 && r.json.items.length === 5));
});
