// roles.test.mjs — every role against every endpoint: allowed, or 403 and
// nothing changed, exactly as the role table of docs/api.md says. The table
// is copied here as data (and checked against the document, so the two
// cannot drift apart); the expectations are built from it.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useServer, assertError, uid, ROLES, ROLE_LOGIN, ADMIN_PASSWORD, DEMO_PASSWORD } from './harness.mjs';

const srv = useServer();

// docs/api.md, "## Roles"
const ROLE_TABLE = `
| permission | admin | manager | technician | storekeeper | sales | auditor |
|---|---|---|---|---|---|---|
| branches read / write | rw | r | r | r | r | r |
| clients, contacts read / write / delete | rwd | rwd | r | r | rw | r |
| equipment models and units read / write / delete | rwd | rwd | rw | r | rw | r |
| users read / write | rw | r | — | — | — | r |
| tokens | rw | — | — | — | — | — |
| audit log | r | — | — | — | — | r |
| requests read / create, edit, comment | rw | rw | rw | r | rw | r |
| requests: assign, cancel, delete, work on others' requests | yes | yes | — | — | — | — |
| requests: start, wait, resume, resolve (own or unassigned) | yes | yes | yes | — | — | — |
| contracts and their SLA terms read / write, delete | rw | rw | r | r | rw | r |
| SLA policies, business calendars: write (desk.settings) | yes | — | — | — | — | — |
| routing rules: write (desk.routing) | yes | yes | — | — | — | — |
| message templates, the company's details: read / write (messages.settings) | yes | yes | — | — | — | — |
| messages to clients: the outbox, resending dead letters (messages.outbox) | yes | — | — | — | — | — |
| reports and their exports (reports.read) | yes | yes | — | yes | — | yes |
| repair orders read / create, edit, work on (workshop.read, workshop.write) | rw | rw | rw | r | r | r |
| repair orders: pass or fail quality control (workshop.qc) | yes | yes | yes | — | — | — |
| repair orders: override the warranty, cancel, delete, others' orders (workshop.manage) | yes | yes | — | — | — | — |
| service types, works, QC checklists, company targets: write (workshop.settings) | yes | yes | — | — | — | — |
| parts, barcodes, compatible models, analogs, warehouses, bins: read / write, delete (stock.read, stock.catalog) | rw | r | r | rw | r | r |
| stock: post receipts, issues, transfers, write-offs, returns, reversals; stock counts (stock.write) | yes | — | — | yes | — | — |
| stock: reserve and release for documents (stock.reserve) | yes | yes | yes | yes | yes | — |
| suppliers, price lists, purchase orders: read / write (purchasing.read, purchasing.write) | rw | rw | — | rw | r | r |
`;

function parseTable(text) {
  const rows = text.trim().split('\n').filter((l) => l.startsWith('|') && !l.startsWith('|---'));
  const head = rows[0].split('|').slice(2, -1).map((s) => s.trim());
  const out = {};
  for (const line of rows.slice(1)) {
    const cells = line.split('|').slice(1, -1).map((s) => s.trim());
    out[cells[0]] = Object.fromEntries(head.map((role, i) => [role, cells[i + 1] === '—' ? '' : cells[i + 1]]));
  }
  return out;
}
const T = parseTable(ROLE_TABLE);
const has = (row, role, letter) => T[row][role].includes(letter);

/** resource → role → {read, write, del}, from the table. */
const expected = {};
for (const role of ROLES) {
  const rwd = (row, delRow) => ({ read: has(row, role, 'r'), write: has(row, role, 'w'), del: delRow ? delRow(role) : has(row, role, 'd') });
  const set = (res, v) => { (expected[res] ||= {})[role] = v; };
  // branches and users have no delete column: deleting is writing
  set('branches', rwd('branches read / write', (r) => has('branches read / write', r, 'w')));
  set('clients', rwd('clients, contacts read / write / delete'));
  set('contacts', rwd('clients, contacts read / write / delete'));
  set('equipment_models', rwd('equipment models and units read / write / delete'));
  set('equipment_units', rwd('equipment models and units read / write / delete'));
  set('users', rwd('users read / write', (r) => has('users read / write', r, 'w')));
  // contracts and their terms: whoever writes them deletes them too
  const contractsRow = 'contracts and their SLA terms read / write, delete';
  set('contracts', rwd(contractsRow, (r) => has(contractsRow, r, 'w')));
  set('contract_sla_terms', rwd(contractsRow, (r) => has(contractsRow, r, 'w')));
  set('repair_orders', rwd('repair orders read / create, edit, work on (workshop.read, workshop.write)',
    (r) => T['repair orders: override the warranty, cancel, delete, others\' orders (workshop.manage)'][r] === 'yes'));
  // the catalog: whoever writes it deletes too
  const stockRow = 'parts, barcodes, compatible models, analogs, warehouses, bins: read / write, delete (stock.read, stock.catalog)';
  for (const res of ['parts', 'part_barcodes', 'warehouses']) set(res, rwd(stockRow, (r) => has(stockRow, r, 'w')));
  for (const res of ['service_types', 'qc_checklists', 'qc_checklist_items']) {
    set(res, { read: has('repair orders read / create, edit, work on (workshop.read, workshop.write)', role, 'r'),
      ...Object.fromEntries(['write', 'del'].map((k) => [k, T['service types, works, QC checklists, company targets: write (workshop.settings)'][role] === 'yes'])) });
  }
  // purchasing: whoever writes deletes too
  const purchRow = 'suppliers, price lists, purchase orders: read / write (purchasing.read, purchasing.write)';
  for (const res of ['suppliers', 'supplier_contacts']) set(res, rwd(purchRow, (r) => has(purchRow, r, 'w')));
  set('requests', rwd('requests read / create, edit, comment',
    (r) => T['requests: assign, cancel, delete, work on others\' requests'][r] === 'yes'));
}

test('the role table here is the one in docs/api.md', () => {
  const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Roles'));
  assert.deepEqual(parseTable(section.slice(section.indexOf('|'))), T);
});

// ---- fixtures ------------------------------------------------------------------

let admin;
let parent;
before(async () => {
  admin = await srv.as('admin');
  await Promise.all(ROLES.map((r) => srv.as(r)));
  const client = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'company', name: 'ООО «Матрица» ' + uid() } });
  const model = await srv.request('POST', '/api/v1/equipment_models', { as: admin, body: { brand: 'Матрица', model: 'M-' + uid() } });
  const contract = await srv.request('POST', '/api/v1/contracts', { as: admin, body: { number: 'Р-' + uid(), client_id: client.json.id, starts_on: '2026-01-01' } });
  assert.equal(contract.status, 201, contract.text);
  const branch = await srv.request('GET', '/api/v1/branches?limit=1', { as: admin });
  parent = { client: client.json, model: model.json, contract: contract.json, branch: branch.json.items[0].id };
});

const body = {
  branches: () => ({ name: 'Роль-филиал ' + uid() }),
  clients: () => ({ kind: 'person', name: 'Роль-клиент ' + uid() }),
  contacts: () => ({ client_id: parent.client.id, name: 'Роль-контакт ' + uid() }),
  equipment_models: () => ({ brand: 'Роль', model: 'M-' + uid() }),
  equipment_units: () => ({ model_id: parent.model.id, serial: 'R-' + uid() }),
  users: () => ({ login: 'role' + uid(), name: 'Роль Пользователь', role: 'sales', password: 'password-123' }),
  requests: () => ({ subject: 'Роль-обращение ' + uid(), channel: 'phone' }),
  repair_orders: () => ({ declared_fault: 'Роль-заказ ' + uid() }),
  contracts: () => ({ number: 'Роль-договор ' + uid(), client_id: parent.client.id, starts_on: '2026-01-01' }),
  // each term its own contract: one term per priority and contract
  contract_sla_terms: async () => ({ contract_id: (await adminMakes('contracts')).id, priority: 'urgent',
    first_response_minutes: 15, resolution_minutes: 120 }),
  parts: () => ({ sku: 'Роль-' + uid(), name: 'Роль-деталь ' + uid() }),
  part_barcodes: async () => ({ part_id: (await adminMakes('parts')).id, barcode: 'R' + uid() }),
  warehouses: () => ({ name: 'Роль-склад ' + uid(), branch_id: parent.branch }),
  service_types: () => ({ code: 'role-' + uid(), name: 'Роль-услуга ' + uid() }),
  // each list its own service type: one active list per type
  qc_checklists: async () => ({ service_type_id: (await adminMakes('service_types')).id, name: 'Роль-чек-лист ' + uid() }),
  qc_checklist_items: async () => ({ checklist_id: (await adminMakes('qc_checklists')).id, text: 'Роль-пункт ' + uid() }),
  suppliers: () => ({ name: 'Роль-поставщик ' + uid() }),
  supplier_contacts: async () => ({ supplier_id: (await adminMakes('suppliers')).id, name: 'Роль-контакт поставщика ' + uid() }),
};
const change = {
  branches: { address: 'изменено ролью' }, clients: { notes: 'изменено ролью' }, contacts: { notes: 'изменено ролью' },
  equipment_models: { category: 'изменено ролью' }, equipment_units: { notes: 'изменено ролью' }, users: { name: 'Изменено Ролью' },
  requests: { description: 'изменено ролью' }, repair_orders: { accessories: 'изменено ролью' }, contracts: { notes: 'изменено ролью' },
  contract_sla_terms: { resolution_minutes: 180 },
  parts: { notes: 'изменено ролью' }, get part_barcodes() { return { barcode: 'RX' + uid() }; }, warehouses: { address: 'изменено ролью' },
  service_types: { target_days: 7 }, qc_checklists: { name: 'Изменено ролью' }, qc_checklist_items: { text: 'Изменено ролью' },
  suppliers: { notes: 'изменено ролью' }, supplier_contacts: { notes: 'изменено ролью' },
};
const nameOf = (res, rec) => rec.login ?? rec.name ?? rec.model ?? rec.serial ?? rec.subject ?? rec.number ?? rec.priority ?? rec.barcode ?? rec.text;

async function adminMakes(res) {
  const r = await srv.request('POST', `/api/v1/${res}`, { as: admin, body: await body[res]() });
  assert.equal(r.status, 201, `${res}: ${r.text}`);
  return r.json;
}

// ---- the matrix -----------------------------------------------------------------

for (const res of Object.keys(expected)) {
  for (const role of ROLES) {
    const exp = expected[res][role];
    const tag = `${exp.read ? 'r' : '-'}${exp.write ? 'w' : '-'}${exp.del ? 'd' : '-'}`;
    test(`${role} × ${res}: ${tag}`, {}, async () => {
      const s = await srv.as(role);
      const target = await adminMakes(res);
      const url = `/api/v1/${res}/${target.id}`;

      // read: the list and one record
      const list = await srv.request('GET', `/api/v1/${res}?limit=1`, { as: s });
      const one = await srv.request('GET', url, { as: s });
      if (exp.read) {
        assert.equal(list.status, 200, `${role} lists ${res}: ${list.text}`);
        assert.equal(one.status, 200, `${role} reads ${res}: ${one.text}`);
        assert.equal(one.json.id, target.id);
      } else {
        assertError(list, 403, 'forbidden');
        assertError(one, 403, 'forbidden');
        assert.ok(!one.text.includes(nameOf(res, target)), 'a refusal shows nothing of the record');
      }

      // create
      const newBody = await body[res]();
      const made = await srv.request('POST', `/api/v1/${res}`, { as: s, body: newBody });
      if (exp.write) {
        assert.equal(made.status, 201, `${role} creates ${res}: ${made.text}`);
      } else {
        assertError(made, 403, 'forbidden');
        const probe = nameOf(res, newBody);
        // terms have no search: their (new, empty) contract is the probe; barcodes are a filter
        const find = res === 'contract_sla_terms' ? `contract_id=${newBody.contract_id}`
          : res === 'part_barcodes' ? `barcode=${encodeURIComponent(probe)}` : `q=${encodeURIComponent(probe)}`;
        const q = await srv.request('GET', `/api/v1/${res}?limit=200&${find}`, { as: admin });
        assert.equal(q.status, 200);
        assert.ok(!q.json.items.some((x) => nameOf(res, x) === probe), `${role}: nothing was created`);
      }

      // update
      const upd = await srv.request('PATCH', url, { as: s, body: { version: target.version, ...change[res] } });
      const after = await srv.request('GET', url, { as: admin });
      if (exp.write) {
        assert.equal(upd.status, 200, `${role} updates ${res}: ${upd.text}`);
        assert.equal(after.json.version, target.version + 1);
      } else {
        assertError(upd, 403, 'forbidden');
        assert.equal(after.json.version, target.version, 'unchanged');
      }

      // delete
      const del = await srv.request('DELETE', url, { as: s });
      const gone = await srv.request('GET', url, { as: admin });
      if (exp.del) {
        assert.equal(del.status, 204, `${role} deletes ${res}: ${del.text}`);
        assert.equal(gone.status, 404);
      } else {
        assertError(del, 403, 'forbidden');
        assert.equal(gone.status, 200, 'still there');
      }
    });
  }
}

test('meta tells each role exactly what it may do (can_read / can_write / can_delete)', async () => {
  for (const role of ROLES) {
    const m = await srv.request('GET', '/api/v1/meta', { as: await srv.as(role) });
    assert.equal(m.status, 200);
    for (const [res, byRole] of Object.entries(expected)) {
      const e = m.json.entities.find((x) => x.name === res);
      assert.ok(e, `${res} in meta`);
      const exp = byRole[role];
      assert.equal(e.can_read, exp.read, `${role} ${res} can_read`);
      assert.equal(e.can_write, exp.write, `${role} ${res} can_write`);
      if (!(res === 'contacts' && role === 'sales')) assert.equal(e.can_delete, exp.del, `${role} ${res} can_delete`);
    }
  }
});

test('meta: sales may not delete contacts', async () => {
  const m = await srv.request('GET', '/api/v1/meta', { as: await srv.as('sales') });
  assert.equal(m.json.entities.find((x) => x.name === 'contacts').can_delete, expected.contacts.sales.del);
});

test('tokens: admin only (list, create, delete)', async () => {
  for (const role of ROLES) {
    const s = await srv.as(role);
    const ok = T.tokens[role] === 'rw';
    const list = await srv.request('GET', '/api/v1/tokens', { as: s });
    const made = await srv.request('POST', '/api/v1/tokens', { as: s, body: { name: `токен ${role}`, user_id: s.user.id } });
    if (ok) {
      assert.equal(list.status, 200, role);
      assert.equal(made.status, 201, role);
      assert.equal((await srv.request('DELETE', `/api/v1/tokens/${made.json.id}`, { as: s })).status, 204);
    } else {
      assertError(list, 403, 'forbidden');
      assertError(made, 403, 'forbidden');
      const victim = await srv.request('POST', '/api/v1/tokens', { as: admin, body: { name: 'жертва', user_id: admin.user.id } });
      assertError(await srv.request('DELETE', `/api/v1/tokens/${victim.json.id}`, { as: s }), 403, 'forbidden');
      assert.ok((await srv.request('GET', '/api/v1/tokens', { as: admin })).json.items.some((t) => t.id === victim.json.id), 'still there');
    }
  }
});

test('audit log: admin and auditor only', async () => {
  for (const role of ROLES) {
    const r = await srv.request('GET', '/api/v1/audit?limit=1', { as: await srv.as(role) });
    if (T['audit log'][role] === 'r') {
      assert.equal(r.status, 200, role);
      assert.equal(r.json.items.length, 1);
    } else {
      assertError(r, 403, 'forbidden');
    }
  }
});

test('every role may read who it is, the meta, a unit\'s history and a request\'s timeline', async () => {
  const unit = await adminMakes('equipment_units');
  const req = await adminMakes('requests');
  for (const role of ROLES) {
    const s = await srv.as(role);
    assert.equal((await srv.request('GET', '/api/v1/auth/me', { as: s })).status, 200, role);
    const h = await srv.request('GET', `/api/v1/equipment_units/${unit.id}/history`, { as: s });
    assert.equal(h.status, expected.equipment_units[role].read ? 200 : 403, `${role} history`);
    const t = await srv.request('GET', `/api/v1/requests/${req.id}/timeline`, { as: s });
    assert.equal(t.status, expected.requests[role].read ? 200 : 403, `${role} timeline`);
  }
});

test('request comments: request writers only', async () => {
  const req = await adminMakes('requests');
  for (const role of ROLES) {
    const s = await srv.as(role);
    const r = await srv.request('POST', `/api/v1/requests/${req.id}/comments`, { as: s, body: { body: `заметка от ${role}`, public: false } });
    if (expected.requests[role].write) assert.equal(r.status, 201, `${role}: ${r.text}`);
    else assertError(r, 403, 'forbidden');
  }
  const t = await srv.request('GET', `/api/v1/requests/${req.id}/timeline`, { as: admin });
  const notes = t.json.items.filter((e) => e.kind === 'note').map((e) => e.body);
  assert.deepEqual(notes.sort(), ROLES.filter((r) => expected.requests[r].write).map((r) => `заметка от ${r}`).sort());
});

test('request transitions by role: assign and cancel (managers), start (who may work), on others\' requests (managers)', async () => {
  const manageRow = T['requests: assign, cancel, delete, work on others\' requests'];
  const workRow = T['requests: start, wait, resume, resolve (own or unassigned)'];
  const other = await srv.as('manager');
  for (const role of ROLES) {
    const s = await srv.as(role);
    const take = async (name, params = {}) => {
      const req = await adminMakes('requests');
      const r = await srv.request('POST', `/api/v1/requests/${req.id}/transitions/${name}`, { as: s, body: { version: req.version, ...params } });
      const after = await srv.request('GET', `/api/v1/requests/${req.id}`, { as: admin });
      return { r, before: req, after: after.json };
    };
    for (const [name, params] of [['assign', { assignee_id: s.user.id }], ['cancel', {}]]) {
      const { r, before: b, after: a } = await take(name, params);
      if (manageRow[role] === 'yes') assert.equal(r.status, 200, `${role} ${name}: ${r.text}`);
      else {
        assertError(r, 403, 'forbidden');
        assert.equal(a.status, b.status, 'the status is unchanged');
        assert.equal(a.version, b.version);
      }
    }
    const { r: start } = await take('start');
    if (workRow[role] === 'yes') assert.equal(start.status, 200, `${role} start (unassigned): ${start.text}`);
    else assertError(start, 403, 'forbidden');
    // a request assigned to someone else
    const req = await adminMakes('requests');
    const assigned = await srv.request('POST', `/api/v1/requests/${req.id}/transitions/assign`, { as: admin, body: { version: req.version, assignee_id: other.user.id } });
    assert.equal(assigned.status, 200, assigned.text);
    const r = await srv.request('POST', `/api/v1/requests/${req.id}/transitions/start`, { as: s, body: { version: assigned.json.version } });
    if (role === 'manager' || manageRow[role] === 'yes') assert.equal(r.status, 200, `${role} starts another's request: ${r.text}`);
    else assertError(r, 403, 'forbidden');
  }
});

test('a bearer token has exactly its user\'s role', async () => {
  for (const role of ['storekeeper', 'sales']) {
    const s = await srv.as(role);
    const t = await srv.request('POST', '/api/v1/tokens', { as: admin, body: { name: `как ${role}`, user_id: s.user.id } });
    const bearer = { bearer: t.json.token };
    for (const res of ['clients', 'equipment_models', 'branches']) {
      const r = await srv.request('POST', `/api/v1/${res}`, { as: bearer, body: body[res]() });
      if (expected[res][role].write) assert.equal(r.status, 201, `${role} token creates ${res}`);
      else assertError(r, 403, 'forbidden');
    }
  }
});

// ---- the generated matrix: every operation of openapi.json × every role ------
// Each operation carries x-access and, when a permission guards it,
// x-permission; each role's permissions come from /api/v1/meta. The server
// checks them before the handler, so a role without the permission gets 403
// whatever the record or the body, and a role with it never does (a missing
// record answers 404, an empty body 422). Operations whose access depends on
// something else are declared below — one that is neither derivable nor
// declared fails the test, so a new route is covered the day it is added.

const MISSING = 999999999; // no record has this id
// x-access "own": anyone signed in, each seeing their own rows; the proof
// that another user's rows stay out is the named test
const OWN = {
  'GET /api/v1/notifications': 'notifications.test.mjs: each user reads only their own',
  'POST /api/v1/notifications/read': 'notifications.test.mjs: marking another\'s changes nothing',
  'GET /api/v1/saved_views': 'views.test.mjs: saved views are their user\'s own',
  'POST /api/v1/saved_views': 'views.test.mjs',
  'GET /api/v1/saved_views/{id}': 'views.test.mjs',
  'PATCH /api/v1/saved_views/{id}': 'views.test.mjs',
  'DELETE /api/v1/saved_views/{id}': 'views.test.mjs',
};
// x-access "public": answered without a session
const PUBLIC = new Set(['GET /healthz', 'GET /ping', 'GET /metrics', 'GET /api/v1/openapi.json',
  'POST /api/v1/public/requests', 'GET /api/v1/public/status', 'GET /api/v1/public/{entity}/status', 'GET /api/v1/public/{entity}/files/{file}', 'POST /api/v1/auth/login',
  'POST /api/v1/public/requests/rating']);
// would end the shared session: run with a session of its own
const OWN_SESSION = new Set(['POST /api/v1/auth/logout']);

async function contract() {
  const oa = (await srv.request('GET', '/api/v1/openapi.json')).json;
  const meta = (await srv.request('GET', '/api/v1/meta', { as: admin })).json;
  const ops = [];
  for (const [path, item] of Object.entries(oa.paths)) {
    for (const [method, op] of Object.entries(item)) ops.push({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, op });
  }
  return { ops, meta, perms: new Set(meta.permissions.map((p) => p.name)),
    roleHas: Object.fromEntries(meta.roles.map((r) => [r.name, new Set(r.permissions)])) };
}

function concrete(path) {
  return path.replace(/\{(\w+)\}/g, (_, p) => {
    if (p === 'id' || p === 'file') return String(MISSING); // a record's attachment too
    if (p === 'entity') return 'requests'; // the public page of an entity that has one
    if (p === 'name') return 'sla'; // a report (reports.test.mjs covers each)
    if (p === 'doc') return 'card'; // a printed document (documents.test.mjs covers each)
    throw new Error(`${path}: no case for the parameter {${p}}`);
  });
}

test('openapi.json names every operation\'s access, and each permission is in /meta\'s table', async () => {
  const { ops, perms } = await contract();
  assert.ok(ops.length > 100, `${ops.length} operations`);
  for (const { key, op } of ops) {
    assert.ok(['public', 'user', 'own', 'permission'].includes(op['x-access']), `${key}: x-access ${op['x-access']}`);
    if (op['x-access'] === 'permission') assert.ok(perms.has(op['x-permission']), `${key}: ${op['x-permission']} in /meta`);
    else assert.equal(op['x-permission'], null, `${key}: no permission`);
    if (op['x-access'] === 'own') assert.ok(OWN[key], `${key}: a declared case for its own rows`);
    if (op['x-access'] === 'public') assert.ok(PUBLIC.has(key), `${key}: declared public`);
    concrete(op.path ?? key.split(' ')[1]);
  }
  for (const key of [...Object.keys(OWN), ...PUBLIC]) assert.ok(ops.some((o) => o.key === key), `${key} is still a route`);
  // what the hand-kept matrix used to miss is there
  for (const key of ['POST /api/v1/requests/{id}/attachments', 'GET /api/v1/attachments/{id}', 'POST /api/v1/intake/email',
    'GET /api/v1/desk/workload', 'GET /api/v1/desk/sla-report', 'POST /api/v1/consultations', 'GET /api/v1/desk/counters',
    'POST /api/v1/sla_policies', 'POST /api/v1/routing_rules', 'POST /api/v1/requests/{id}/transitions/assign']) {
    assert.ok(ops.some((o) => o.key === key), key);
  }
});

test('the role table of docs/api.md is what the server grants', async () => {
  const { ops, roleHas } = await contract();
  const perm = (key) => ops.find((o) => o.key === key).op['x-permission'];
  for (const [res, byRole] of Object.entries(expected)) {
    for (const role of ROLES) {
      const may = (key) => roleHas[role].has(perm(key));
      assert.deepEqual({ read: may(`GET /api/v1/${res}`), write: may(`POST /api/v1/${res}`), del: may(`DELETE /api/v1/${res}/{id}`) },
        byRole[role], `${role} × ${res}`);
    }
  }
  for (const [row, key] of [['SLA policies, business calendars: write (desk.settings)', 'POST /api/v1/sla_policies'],
    ['SLA policies, business calendars: write (desk.settings)', 'POST /api/v1/business_calendars/{id}/days'],
    ['routing rules: write (desk.routing)', 'POST /api/v1/routing_rules'],
    ['message templates, the company\'s details: read / write (messages.settings)', 'POST /api/v1/message_templates'],
    ['message templates, the company\'s details: read / write (messages.settings)', 'PATCH /api/v1/company'],
    ['messages to clients: the outbox, resending dead letters (messages.outbox)', 'GET /api/v1/outbox'],
    ['messages to clients: the outbox, resending dead letters (messages.outbox)', 'POST /api/v1/outbox/{id}/resend'],
    ['reports and their exports (reports.read)', 'GET /api/v1/reports/{name}'],
    ['stock: post receipts, issues, transfers, write-offs, returns, reversals; stock counts (stock.write)', 'POST /api/v1/stock/postings'],
    ['stock: post receipts, issues, transfers, write-offs, returns, reversals; stock counts (stock.write)', 'POST /api/v1/stock/issue'],
    ['stock: post receipts, issues, transfers, write-offs, returns, reversals; stock counts (stock.write)', 'POST /api/v1/stock_counts/{id}/post'],
    ['stock: post receipts, issues, transfers, write-offs, returns, reversals; stock counts (stock.write)', 'POST /api/v1/stock_counts'],
    ['stock: reserve and release for documents (stock.reserve)', 'POST /api/v1/stock/reserve'],
    ['stock: reserve and release for documents (stock.reserve)', 'POST /api/v1/stock/release']]) {
    for (const role of ROLES) assert.equal(roleHas[role].has(perm(key)), T[row][role] === 'yes', `${role} ${key}`);
  }
  for (const [row, name] of [['repair orders: pass or fail quality control (workshop.qc)', 'workshop.qc'],
    ['repair orders: override the warranty, cancel, delete, others\' orders (workshop.manage)', 'workshop.manage'],
    ['service types, works, QC checklists, company targets: write (workshop.settings)', 'workshop.settings']]) {
    for (const role of ROLES) assert.equal(roleHas[role].has(name), T[row][role] === 'yes', `${role} ${name}`);
  }
});

for (const role of ROLES) {
  test(`${role} × every operation of openapi.json: 403 exactly where /meta says the role lacks the permission`, async () => {
    const { ops, roleHas } = await contract();
    let checked = 0;
    for (const { key, method, path, op } of ops) {
      const access = op['x-access'];
      const url = concrete(path);
      let as = await srv.as(role);
      if (OWN_SESSION.has(key)) as = await srv.login(ROLE_LOGIN[role], role === 'admin' ? ADMIN_PASSWORD : DEMO_PASSWORD);
      // /metrics answers the monitoring host only (loopback here), whoever asks
      const opts = { as, addr: key === 'GET /metrics' ? '127.0.0.1' : undefined };
      if (method === 'POST' || method === 'PATCH') opts.body = {};
      const r = await srv.request(method, url, opts);
      if (access === 'permission' && !roleHas[role].has(op['x-permission'])) {
        assertError(r, 403, 'forbidden');
      } else {
        assert.ok(r.status !== 403 && r.status !== 401, `${role} ${key} (${access} ${op['x-permission'] ?? ''}): ${r.status} ${r.text.slice(0, 200)}`);
        assert.ok(r.status < 500, `${role} ${key}: ${r.status} ${r.text.slice(0, 200)}`);
      }
      if (access === 'public') {
        const anon = await srv.request(method, url, { addr: opts.addr, ...(method === 'POST' ? { body: {} } : {}) });
        assert.ok(anon.status !== 401 && anon.status !== 403, `anonymous ${key}: ${anon.status}`);
      } else if (role === 'admin') {
        assertError(await srv.request(method, url, method === 'POST' || method === 'PATCH' ? { body: {} } : {}), 401, 'unauthenticated');
      }
      checked++;
    }
    assert.equal(checked, ops.length);
  });
}
