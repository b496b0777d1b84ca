// rest.test.mjs — the five calls every resource has, and their conventions:
// 201 + Location, versions, stale versions (409, nothing changed), If-Match,
// 422 without a version, 204/404 on delete, 409 for referenced records, 404
// for unknown and non-numeric ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError, uid, ISO_TIME } from './harness.mjs';

const srv = useServer();

let parents;
async function getParents() {
  if (parents) return parents;
  const admin = await srv.as('admin');
  const client = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'company', name: 'ООО «Родитель» ' + uid() } });
  const model = await srv.request('POST', '/api/v1/equipment_models', { as: admin, body: { brand: 'Родитель', model: 'P-' + uid() } });
  assert.equal(client.status, 201);
  assert.equal(model.status, 201);
  parents = { client: client.json, model: model.json };
  return parents;
}

// resource → how to make one, and two fields to change (the second by If-Match)
const resources = {
  branches: { make: async () => ({ name: 'Филиал ' + uid(), address: 'г. Тверь', timezone: 'Asia/Omsk' }), patch: ['address', 'г. Тула'], patch2: ['phone', '+74951112233'] },
  clients: { make: async () => ({ kind: 'person', name: 'Клиент ' + uid() }), patch: ['notes', 'изменено'], patch2: ['address', 'г. Омск'] },
  contacts: { make: async () => ({ client_id: (await getParents()).client.id, name: 'Контакт ' + uid() }), patch: ['position', 'Главный инженер'], patch2: ['notes', 'звонить утром'] },
  equipment_models: { make: async () => ({ brand: 'Brother', model: 'DCP-' + uid() }), patch: ['category', 'Принтеры'], patch2: ['warranty_months', 36] },
  equipment_units: { make: async () => ({ model_id: (await getParents()).model.id, serial: 'SN-' + uid() }), patch: ['notes', 'царапина на корпусе'], patch2: ['sold_by_us', true] },
  users: { make: async () => ({ login: 'u' + uid(), name: 'Пользователь', role: 'sales', password: 'password-123' }), patch: ['name', 'Новое Имя'], patch2: ['role', 'auditor'] },
  requests: { make: async () => ({ subject: 'Не включается ' + uid(), channel: 'phone' }), patch: ['description', 'после грозы'], patch2: ['priority', 'high'] },
};

for (const [res, spec] of Object.entries(resources)) {
  test(`${res}: create → 201 + Location with id, version, created_at, updated_at; GET answers the same record`, async () => {
    const admin = await srv.as('admin');
    const body = await spec.make();
    const c = await srv.request('POST', `/api/v1/${res}`, { as: admin, body });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.headers.get('location'), `/api/v1/${res}/${c.json.id}`);
    assert.ok(Number.isInteger(c.json.id) && c.json.id > 0);
    assert.equal(c.json.version, 1);
    assert.match(c.json.created_at, ISO_TIME);
    assert.match(c.json.updated_at, ISO_TIME);
    for (const [k, v] of Object.entries(body)) if (k !== 'password') assert.deepEqual(c.json[k], v, k);
    assert.ok(!('password' in c.json) && !('password_hash' in c.json), 'no password in answers');
    const got = await srv.request('GET', c.headers.get('location'), { as: admin });
    assert.equal(got.status, 200);
    const { transitions, ...record } = got.json;
    assert.deepEqual(record, c.json);
    if (res === 'requests') assert.ok(Array.isArray(transitions));
    // and it is in the list
    const list = await srv.request('GET', `/api/v1/${res}?limit=5`, { as: admin });
    assert.equal(list.status, 200);
    assert.deepEqual(Object.keys(list.json).sort(), ['items', 'next_cursor']);
    assert.equal(list.json.items[0].id, c.json.id, 'newest first by default');
  });

  test(`${res}: PATCH with the version → version+1; a stale version → 409 and nothing changes; If-Match works`, async () => {
    const admin = await srv.as('admin');
    const c = await srv.request('POST', `/api/v1/${res}`, { as: admin, body: await spec.make() });
    assert.equal(c.status, 201, c.text);
    const url = `/api/v1/${res}/${c.json.id}`;
    const [f, v] = spec.patch;
    const p = await srv.request('PATCH', url, { as: admin, body: { version: 1, [f]: v } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.version, 2);
    assert.deepEqual(p.json[f], v);
    assert.equal(p.json.id, c.json.id);
    assert.equal(p.json.created_at, c.json.created_at);
    assert.ok(p.json.updated_at >= c.json.updated_at);
    // untouched fields keep their values
    for (const [k, val] of Object.entries(c.json)) if (!['version', 'updated_at', f].includes(k) && !k.endsWith('_label')) assert.deepEqual(p.json[k], val, k);

    const stale = await srv.request('PATCH', url, { as: admin, body: { version: 1, [f]: 'устарело' } });
    assertError(stale, 409, 'conflict');
    const future = await srv.request('PATCH', url, { as: admin, body: { version: 7, [f]: 'из будущего' } });
    assertError(future, 409, 'conflict');
    const now = await srv.request('GET', url, { as: admin });
    assert.equal(now.json.version, 2);
    assert.deepEqual(now.json[f], v);

    // If-Match instead of "version": quoted (as in ETag), bare and weak
    const [f2, v2] = spec.patch2;
    const m1 = await srv.request('PATCH', url, { as: admin, headers: { 'if-match': '"2"' }, body: { [f2]: v2 } });
    assert.equal(m1.status, 200, m1.text);
    assert.equal(m1.json.version, 3);
    assert.deepEqual(m1.json[f2], v2);
    const m2 = await srv.request('PATCH', url, { as: admin, headers: { 'if-match': '3' }, body: { [f]: v } });
    assert.equal(m2.status, 200, m2.text);
    assert.equal(m2.json.version, 4);
    const m3 = await srv.request('PATCH', url, { as: admin, headers: { 'if-match': 'W/"4"' }, body: { [f]: v } });
    assert.equal(m3.status, 200, m3.text);
    assert.equal(m3.json.version, 5);
    assertError(await srv.request('PATCH', url, { as: admin, headers: { 'if-match': '"2"' }, body: { [f]: 'устарело' } }), 409, 'conflict');
    assert.deepEqual((await srv.request('GET', url, { as: admin })).json[f], v);
  });

  test(`${res}: PATCH without a version → 422 fields.version=required, nothing changes`, async () => {
    const admin = await srv.as('admin');
    const c = await srv.request('POST', `/api/v1/${res}`, { as: admin, body: await spec.make() });
    const url = `/api/v1/${res}/${c.json.id}`;
    const [f] = spec.patch;
    assertError(await srv.request('PATCH', url, { as: admin, body: { [f]: 'без версии' } }), 422, 'validation_failed', { version: 'required' });
    const wrong = await srv.request('PATCH', url, { as: admin, body: { version: '1', [f]: 'версия строкой' } });
    assertError(wrong, 422, 'validation_failed');
    assert.equal(wrong.json.error.fields.version, 'wrong_type');
    const after = await srv.request('GET', url, { as: admin });
    assert.equal(after.json.version, 1);
    assert.deepEqual(after.json[f], c.json[f]);
  });

  test(`${res}: DELETE → 204, then 404 for GET, PATCH and DELETE; a stale ?version or If-Match → 409`, async () => {
    const admin = await srv.as('admin');
    const c = await srv.request('POST', `/api/v1/${res}`, { as: admin, body: await spec.make() });
    const url = `/api/v1/${res}/${c.json.id}`;
    const [f, v] = spec.patch;
    const p = await srv.request('PATCH', url, { as: admin, body: { version: 1, [f]: v } });
    assert.equal(p.json.version, 2);
    assertError(await srv.request('DELETE', `${url}?version=1`, { as: admin }), 409, 'conflict');
    assertError(await srv.request('DELETE', url, { as: admin, headers: { 'if-match': '"1"' } }), 409, 'conflict');
    assert.equal((await srv.request('GET', url, { as: admin })).status, 200, 'still there');
    const d = await srv.request('DELETE', `${url}?version=2`, { as: admin });
    assert.equal(d.status, 204, d.text);
    assert.equal(d.text, '');
    assertError(await srv.request('GET', url, { as: admin }), 404, 'not_found');
    assertError(await srv.request('PATCH', url, { as: admin, body: { version: 2, [f]: v } }), 404, 'not_found');
    assertError(await srv.request('DELETE', url, { as: admin }), 404, 'not_found');
    const list = await srv.request('GET', `/api/v1/${res}?limit=200`, { as: admin });
    assert.ok(!list.json.items.some((x) => x.id === c.json.id), 'gone from the list');
  });

  test(`${res}: unknown and non-numeric ids → 404`, async () => {
    const admin = await srv.as('admin');
    for (const id of ['999999999', 'abc', '1abc', '0', '-1', '1.5', '%20', '9999999999999999999999']) {
      assertError(await srv.request('GET', `/api/v1/${res}/${id}`, { as: admin }), 404, 'not_found');
      assertError(await srv.request('PATCH', `/api/v1/${res}/${id}`, { as: admin, body: { version: 1 } }), 404, 'not_found');
      assertError(await srv.request('DELETE', `/api/v1/${res}/${id}`, { as: admin }), 404, 'not_found');
    }
  });
}

test('an unknown resource → 404', async () => {
  const admin = await srv.as('admin');
  assertError(await srv.request('GET', '/api/v1/widgets', { as: admin }), 404, 'not_found');
  assertError(await srv.request('POST', '/api/v1/widgets', { as: admin, body: { name: 'x' } }), 404, 'not_found');
  assertError(await srv.request('GET', '/api/v1/widgets/1', { as: admin }), 404, 'not_found');
  assertError(await srv.request('GET', '/api/v1/audit_log', { as: admin }), 404, 'not_found');
  assertError(await srv.request('GET', '/api/v1/sessions', { as: admin }), 404, 'not_found');
});

test('a referenced record cannot be deleted (409) and stays, with its dependants', async () => {
  const admin = await srv.as('admin');
  const client = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'company', name: 'ООО «Связанный» ' + uid() } });
  const contact = await srv.request('POST', '/api/v1/contacts', { as: admin, body: { client_id: client.json.id, name: 'Контакт Связи' } });
  assert.equal(contact.status, 201);
  assertError(await srv.request('DELETE', `/api/v1/clients/${client.json.id}`, { as: admin }), 409, 'conflict');
  assert.equal((await srv.request('GET', `/api/v1/clients/${client.json.id}`, { as: admin })).status, 200);
  assert.equal((await srv.request('GET', `/api/v1/contacts/${contact.json.id}`, { as: admin })).status, 200);
  // once the contact is gone, the client can go
  assert.equal((await srv.request('DELETE', `/api/v1/contacts/${contact.json.id}`, { as: admin })).status, 204);
  assert.equal((await srv.request('DELETE', `/api/v1/clients/${client.json.id}`, { as: admin })).status, 204);

  // a model with units, a branch with clients, a client owning a unit
  const model = await srv.request('POST', '/api/v1/equipment_models', { as: admin, body: { brand: 'Связь', model: 'M-' + uid() } });
  const owner = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'person', name: 'Владелец ' + uid() } });
  const unit = await srv.request('POST', '/api/v1/equipment_units', { as: admin, body: { model_id: model.json.id, serial: 'S-' + uid(), client_id: owner.json.id } });
  assert.equal(unit.status, 201, unit.text);
  assertError(await srv.request('DELETE', `/api/v1/equipment_models/${model.json.id}`, { as: admin }), 409, 'conflict');
  assertError(await srv.request('DELETE', `/api/v1/clients/${owner.json.id}`, { as: admin }), 409, 'conflict');
  const branch = await srv.request('POST', '/api/v1/branches', { as: admin, body: { name: 'Филиал ' + uid() } });
  await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'person', name: 'Клиент филиала', branch_id: branch.json.id } });
  assertError(await srv.request('DELETE', `/api/v1/branches/${branch.json.id}`, { as: admin }), 409, 'conflict');
  assert.equal((await srv.request('GET', `/api/v1/branches/${branch.json.id}`, { as: admin })).status, 200);
});

test('a reference comes with its read-only label, and the label follows the referenced record', async () => {
  const admin = await srv.as('admin');
  const name = 'ООО «Метка» ' + uid();
  const client = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'company', name } });
  const contact = await srv.request('POST', '/api/v1/contacts', { as: admin, body: { client_id: client.json.id, name: 'Метка Контакт' } });
  assert.equal(contact.json.client_id, client.json.id);
  assert.equal(contact.json.client_id_label, name);
  await srv.request('PATCH', `/api/v1/clients/${client.json.id}`, { as: admin, body: { version: 1, name: name + ' (новое)' } });
  const again = await srv.request('GET', `/api/v1/contacts/${contact.json.id}`, { as: admin });
  assert.equal(again.json.client_id_label, name + ' (новое)');
  // a record read and sent back as it is, labels included, is accepted
  const { id, created_at, updated_at, client_id_label, ...rest } = again.json;
  const echo = await srv.request('PATCH', `/api/v1/contacts/${id}`, { as: admin, body: { ...rest, client_id_label, notes: 'эхо' } });
  assert.equal(echo.status, 200, echo.text);
  assert.equal(echo.json.client_id_label, name + ' (новое)');
  const model = await srv.request('POST', '/api/v1/equipment_models', { as: admin, body: { brand: 'Kyocera', model: 'FS-' + uid() } });
  const unit = await srv.request('POST', '/api/v1/equipment_units', { as: admin, body: { model_id: model.json.id, serial: 'L-' + uid() } });
  assert.equal(unit.json.model_id_label, `Kyocera ${model.json.model}`);
  assert.equal(unit.json.client_id, null);
  assert.equal(unit.json.client_id_label, null);
});

test('PATCH may clear an optional field with null; a required one cannot be cleared', async () => {
  const admin = await srv.as('admin');
  const c = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'person', name: 'Очистка ' + uid(), notes: 'было', email: 'a@b.ru' } });
  const p = await srv.request('PATCH', `/api/v1/clients/${c.json.id}`, { as: admin, body: { version: 1, notes: null, email: '' } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.notes, null);
  assert.equal(p.json.email, null);
  assertError(await srv.request('PATCH', `/api/v1/clients/${c.json.id}`, { as: admin, body: { version: 2, name: null } }), 422, 'validation_failed', { name: 'required' });
  assertError(await srv.request('PATCH', `/api/v1/clients/${c.json.id}`, { as: admin, body: { version: 2, name: '   ' } }), 422, 'validation_failed', { name: 'required' });
  assert.equal((await srv.request('GET', `/api/v1/clients/${c.json.id}`, { as: admin })).json.version, 2);
});

test('id, created_at and updated_at in a body are ignored, not written', async () => {
  const admin = await srv.as('admin');
  const c = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'person', name: 'Поддельные поля', id: 1, created_at: '2000-01-01T00:00:00Z' } });
  assert.equal(c.status, 201, c.text);
  assert.notEqual(c.json.id, 1);
  assert.notEqual(c.json.created_at, '2000-01-01T00:00:00Z');
  const p = await srv.request('PATCH', `/api/v1/clients/${c.json.id}`, { as: admin, body: { version: 1, id: 2, updated_at: '2000-01-01T00:00:00Z', notes: 'x' } });
  assert.equal(p.status, 200);
  assert.equal(p.json.id, c.json.id);
  assert.notEqual(p.json.updated_at, '2000-01-01T00:00:00Z');
  assert.equal((await srv.request('GET', '/api/v1/clients/1', { as: admin })).json.name !== 'Поддельные поля', true);
});
