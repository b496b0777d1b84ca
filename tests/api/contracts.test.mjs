// contracts.test.mjs — client contracts and their SLA terms through the API:
// a new request takes its client's contract in force and the contract's term
// for its priority replaces the policy; contracts not in force, or another
// client's, are refused with nothing written; the contract's own rules;
// routing rules on the contract.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDb, run, serve, login, call, roundTheClockBranch } from '../lib.mjs';

let db, srv, admin, mgr, sales, eng, branch247;
const minutes = (a, b) => Math.round((Date.parse(b) - Date.parse(a)) / 60000);
/** A date `n` days from today (UTC), "YYYY-MM-DD". */
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
let seq = 0;
const uniq = () => `${Date.now().toString(36)}-${++seq}`;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url);
  admin = await login(srv.base, 'admin', 'admin12345', '10.70.0.1');
  mgr = await login(srv.base, 'manager', 'demo12345', '10.70.0.2');
  sales = await login(srv.base, 'sales', 'demo12345', '10.70.0.3');
  eng = await login(srv.base, 'engineer', 'demo12345', '10.70.0.4');
  // a calendar open around the clock: business minutes are wall-clock minutes
  branch247 = await roundTheClockBranch(srv.base, admin);
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

const client = async (name = 'ООО «Договорной» ') => {
  const r = await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'company', name: name + uniq() });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const contract = async (clientId, extra = {}) => {
  const r = await call(srv.base, sales, 'POST', '/api/v1/contracts', { number: 'СО-' + uniq(), client_id: clientId,
    kind: 'service', starts_on: day(-30), ...extra });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const term = async (contractId, priority, first, resolution, warning = 80) => {
  const r = await call(srv.base, mgr, 'POST', '/api/v1/contract_sla_terms', { contract_id: contractId, priority,
    first_response_minutes: first, resolution_minutes: resolution, warning_percent: warning });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const request = async (extra) => {
  const r = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'По договору', branch_id: branch247, ...extra });
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const requestsOf = async (clientId) =>
  (await call(srv.base, admin, 'GET', `/api/v1/requests?client_id=${clientId}&limit=200`)).json.items.length;

test('a request under a contract in force takes the deadlines of the contract\'s term for its priority', async () => {
  const c = await client();
  const k = await contract(c.id);
  await term(k.id, 'urgent', 20, 90, 50);
  const r = await request({ client_id: c.id, priority: 'urgent' });
  assert.equal(r.contract_id, k.id, 'the contract in force is taken');
  assert.equal(r.contract_id_label, k.number);
  assert.equal(r.sla_source, 'contract');
  assert.equal(r.sla_policy_id, null);
  assert.equal(r.sla_state, 'ok');
  assert.equal(minutes(r.created_at, r.first_response_due), 20);
  assert.equal(minutes(r.created_at, r.resolution_due), 90);
  assert.equal(minutes(r.created_at, r.sla_warning_at), 45);

  // no term for this priority: the policy's deadlines, still under the contract
  const high = await request({ client_id: c.id, priority: 'high' });
  assert.equal(high.contract_id, k.id);
  assert.equal(high.sla_source, 'policy');
  assert.equal(high.sla_policy_id_label, 'Высокий');
  assert.equal(minutes(high.created_at, high.resolution_due), 540);

  // a client without a contract: the policy
  const other = await request({ client_id: (await client('Без договора ')).id, priority: 'urgent' });
  assert.equal(other.contract_id, null);
  assert.equal(other.sla_source, 'policy');
  assert.equal(minutes(other.created_at, other.first_response_due), 30);
  assert.equal(minutes(other.created_at, other.resolution_due), 240);
  const list = await call(srv.base, mgr, 'GET', `/api/v1/requests?contract_id=${k.id}`);
  assert.deepEqual(list.json.items.map((x) => x.id).sort(), [r.id, high.id].sort(), 'requests filter by contract');
});

test('on the working-hours calendar a term counts business time like the policy it equals', async () => {
  const c = await client();
  const k = await contract(c.id);
  await term(k.id, 'normal', 240, 1620); // the same minutes as the shipped "normal" policy
  await term(k.id, 'low', 60, 120);
  const under = await request({ client_id: c.id, priority: 'normal', branch_id: null });
  const plain = await request({ priority: 'normal', branch_id: null });
  assert.equal(under.sla_source, 'contract');
  assert.equal(plain.sla_source, 'policy');
  const apart = Math.abs(Date.parse(plain.created_at) - Date.parse(under.created_at));
  for (const f of ['first_response_due', 'resolution_due', 'sla_warning_at'])
    assert.ok(Math.abs(Date.parse(under[f]) - Date.parse(plain[f])) <= apart + 1000, `${f}: ${under[f]} vs ${plain[f]}`);
  const short = await request({ client_id: c.id, priority: 'low', branch_id: null });
  assert.ok(Date.parse(short.resolution_due) < Date.parse(plain.resolution_due), 'the shorter term gives an earlier deadline');
});

test('changing the priority recomputes from the right source; waiting keeps the contract\'s deadline', async () => {
  const c = await client();
  const k = await contract(c.id);
  await term(k.id, 'urgent', 10, 60);
  let r = await request({ client_id: c.id, priority: 'low' });
  assert.equal(r.sla_source, 'policy');
  assert.equal(minutes(r.created_at, r.resolution_due), 4320);
  let p = await call(srv.base, mgr, 'PATCH', `/api/v1/requests/${r.id}`, { version: r.version, priority: 'urgent' });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.sla_source, 'contract');
  assert.equal(p.json.sla_policy_id, null);
  assert.equal(minutes(p.json.created_at, p.json.resolution_due), 60);
  p = await call(srv.base, mgr, 'PATCH', `/api/v1/requests/${r.id}`, { version: p.json.version, priority: 'normal' });
  assert.equal(p.json.sla_source, 'policy');
  assert.equal(p.json.sla_policy_id_label, 'Обычный');
  assert.equal(minutes(p.json.created_at, p.json.resolution_due), 1620);
  const bad = await call(srv.base, mgr, 'PATCH', `/api/v1/requests/${r.id}`, { version: p.json.version, sla_source: 'contract' });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.fields.sla_source, 'read_only');

  r = await request({ client_id: c.id, priority: 'urgent' });
  const due = r.resolution_due;
  for (const name of ['start', 'wait_client', 'resume']) {
    const t = await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/${name}`, { version: r.version });
    assert.equal(t.status, 200, t.text);
    r = t.json;
  }
  assert.equal(r.resolution_due, due, 'resuming recomputes from the contract, not the policy');
  assert.equal(r.sla_source, 'contract');
});

test('a terminated, draft, expired or future contract is not applied, and cannot be given', async () => {
  const c = await client();
  const cases = {
    terminated: await contract(c.id, { status: 'terminated' }),
    draft: await contract(c.id, { status: 'draft' }),
    expired: await contract(c.id, { starts_on: day(-400), ends_on: day(-2) }),
    future: await contract(c.id, { starts_on: day(2), ends_on: day(400) }),
  };
  for (const k of Object.values(cases)) await term(k.id, 'urgent', 5, 15);
  const r = await request({ client_id: c.id, priority: 'urgent' });
  assert.equal(r.contract_id, null, 'no contract in force');
  assert.equal(r.sla_source, 'policy');
  assert.equal(minutes(r.created_at, r.resolution_due), 240);
  const before = await requestsOf(c.id);
  for (const [why, k] of Object.entries(cases)) {
    const bad = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: `Под договором (${why})`, client_id: c.id, contract_id: k.id, priority: 'urgent' });
    assert.equal(bad.status, 422, `${why}: ${bad.text}`);
    assert.deepEqual(bad.json.error.fields, { contract_id: 'not_in_force' }, why);
  }
  assert.equal(await requestsOf(c.id), before, 'nothing was written');
  // the last day of a contract still counts; the next one does not
  const lastDay = await contract((await client()).id, { starts_on: day(-30), ends_on: day(1) });
  assert.equal((await request({ client_id: lastDay.client_id })).contract_id, lastDay.id);
});

test('of several contracts in force the one that ends soonest is taken', async () => {
  const c = await client();
  await contract(c.id, { ends_on: null });
  const soon = await contract(c.id, { ends_on: day(30) });
  await contract(c.id, { ends_on: day(60) });
  await contract(c.id, { ends_on: day(20), status: 'draft' });
  assert.equal((await request({ client_id: c.id })).contract_id, soon.id);
});

test('a contract of another client is refused with nothing written; given alone it brings its client', async () => {
  const a = await client('ООО «Первый» ');
  const b = await client('ООО «Второй» ');
  const kb = await contract(b.id);
  await term(kb.id, 'normal', 1, 2);
  const before = await requestsOf(a.id);
  const bad = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Чужой договор', client_id: a.id, contract_id: kb.id });
  assert.equal(bad.status, 422, bad.text);
  assert.deepEqual(bad.json.error.fields, { contract_id: 'invalid' });
  assert.equal(await requestsOf(a.id), before, 'nothing was written');
  const missing = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Нет договора', client_id: a.id, contract_id: 999999 });
  assert.equal(missing.status, 422);
  assert.equal(missing.json.error.fields.contract_id, 'not_found');

  const alone = await request({ contract_id: kb.id, priority: 'normal' });
  assert.equal(alone.client_id, b.id, 'the client is taken from the contract');
  assert.equal(alone.sla_source, 'contract');

  // later: another client's contract is refused; changing the client takes its contract (or none)
  const r = await request({ client_id: a.id });
  assert.equal(r.contract_id, null);
  const patch = await call(srv.base, mgr, 'PATCH', `/api/v1/requests/${r.id}`, { version: r.version, contract_id: kb.id });
  assert.equal(patch.status, 422);
  assert.deepEqual(patch.json.error.fields, { contract_id: 'invalid' });
  assert.equal((await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`)).json.version, r.version, 'unchanged');
  const moved = await call(srv.base, mgr, 'PATCH', `/api/v1/requests/${r.id}`, { version: r.version, client_id: b.id });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.contract_id, kb.id);
  assert.equal(moved.json.sla_source, 'contract');
  assert.equal(minutes(moved.json.created_at, moved.json.resolution_due), 2);
  const back = await call(srv.base, mgr, 'PATCH', `/api/v1/requests/${r.id}`, { version: moved.json.version, client_id: a.id });
  assert.equal(back.json.contract_id, null);
  assert.equal(back.json.sla_source, 'policy');
});

test('contracts and terms are validated: enums, dates, duplicates, required fields', async () => {
  const c = await client();
  const base = { number: 'В-' + uniq(), client_id: c.id, starts_on: day(0) };
  const cases = [
    [{ ...base, kind: 'lease' }, { kind: 'invalid_enum' }],
    [{ ...base, status: 'paused' }, { status: 'invalid_enum' }],
    [{ ...base, ends_on: day(-1) }, { ends_on: 'before_start' }],
    [{ ...base, starts_on: '2026-02-30' }, { starts_on: 'invalid_date' }],
    [{ kind: 'service' }, { number: 'required', client_id: 'required', starts_on: 'required' }],
    [{ ...base, client_id: 999999 }, { client_id: 'not_found' }],
  ];
  for (const [body, fields] of cases) {
    const r = await call(srv.base, mgr, 'POST', '/api/v1/contracts', body);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.deepEqual(r.json.error.fields, fields, JSON.stringify(body));
  }
  const k = await contract(c.id, { number: base.number, ends_on: day(0), starts_on: day(0) });
  assert.equal(k.status, 'active', 'active by default');
  assert.equal(k.kind, 'service');
  const dup = await call(srv.base, mgr, 'POST', '/api/v1/contracts', { ...base });
  assert.deepEqual(dup.json.error.fields, { number: 'duplicate' });
  const later = await call(srv.base, mgr, 'PATCH', `/api/v1/contracts/${k.id}`, { version: k.version, starts_on: day(1) });
  assert.deepEqual(later.json.error.fields, { ends_on: 'before_start' }, 'checked on update too');
  const found = await call(srv.base, mgr, 'GET', `/api/v1/contracts?q=${encodeURIComponent(base.number)}`);
  assert.deepEqual(found.json.items.map((x) => x.id), [k.id], 'found by its number');

  await term(k.id, 'high', 30, 300);
  const twice = await call(srv.base, mgr, 'POST', '/api/v1/contract_sla_terms', { contract_id: k.id, priority: 'high', first_response_minutes: 1, resolution_minutes: 2 });
  assert.equal(twice.status, 422);
  assert.deepEqual(twice.json.error.fields, { priority: 'duplicate' });
  const other = await contract(c.id);
  await term(other.id, 'high', 30, 300); // the same priority on another contract is fine
  const badTerm = await call(srv.base, mgr, 'POST', '/api/v1/contract_sla_terms', { contract_id: k.id, priority: 'critical', first_response_minutes: -1, resolution_minutes: 2, warning_percent: 0 });
  assert.deepEqual(badTerm.json.error.fields, { priority: 'invalid_enum', first_response_minutes: 'too_small', warning_percent: 'too_small' });
  const terms = await call(srv.base, mgr, 'GET', `/api/v1/contract_sla_terms?contract_id=${k.id}`);
  assert.deepEqual(terms.json.items.map((x) => x.priority), ['high']);
});

test('a contract with requests keeps its client and cannot be deleted; without, it goes with its terms', async () => {
  const c = await client();
  const k = await contract(c.id);
  await term(k.id, 'normal', 10, 20);
  await request({ client_id: c.id });
  const moved = await call(srv.base, mgr, 'PATCH', `/api/v1/contracts/${k.id}`, { version: k.version, client_id: (await client()).id });
  assert.equal(moved.status, 422);
  assert.deepEqual(moved.json.error.fields, { client_id: 'in_use' });
  assert.equal((await call(srv.base, mgr, 'DELETE', `/api/v1/contracts/${k.id}`)).status, 409);
  const ended = await call(srv.base, mgr, 'PATCH', `/api/v1/contracts/${k.id}`, { version: k.version, status: 'terminated' });
  assert.equal(ended.status, 200, 'it is terminated instead');
  assert.equal((await request({ client_id: c.id })).contract_id, null, 'and no longer applied');

  const spare = await contract(c.id, { status: 'draft' });
  const t = await term(spare.id, 'low', 10, 20);
  assert.equal((await call(srv.base, mgr, 'DELETE', `/api/v1/contracts/${spare.id}`)).status, 204);
  assert.equal((await call(srv.base, mgr, 'GET', `/api/v1/contract_sla_terms/${t.id}`)).status, 404);
});

test('who may: every role reads contracts; managers, sales and admin write them; engineers do not', async () => {
  const c = await client();
  const k = await contract(c.id);
  const t = await call(srv.base, eng, 'POST', '/api/v1/contracts', { number: 'И-' + uniq(), client_id: c.id, starts_on: day(0) });
  assert.equal(t.status, 403);
  assert.equal((await call(srv.base, eng, 'POST', '/api/v1/contract_sla_terms', { contract_id: k.id, priority: 'low', first_response_minutes: 1, resolution_minutes: 2 })).status, 403);
  assert.equal((await call(srv.base, eng, 'GET', `/api/v1/contracts/${k.id}`)).status, 200);
  assert.equal((await call(srv.base, eng, 'GET', `/api/v1/contract_sla_terms?contract_id=${k.id}`)).status, 200);
  assert.equal((await call(srv.base, admin, 'PATCH', `/api/v1/contracts/${k.id}`, { version: k.version, title: 'Сервисное обслуживание' })).status, 200);
});

test('routing rules on the contract: a given one, any in force, none', async () => {
  const rule = async (body) => {
    const r = await call(srv.base, mgr, 'POST', '/api/v1/routing_rules', { name: 'По договору', assign_mode: 'none', ...body });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const vip = await client('ООО «VIP» ');
  const kv = await contract(vip.id);
  const usual = await client('ООО «Обычный» ');
  await contract(usual.id);
  const nobody = await client('ООО «Без договора» ');
  const rules = [
    await rule({ position: 1, name: 'VIP', cond_contract_id: kv.id, set_queue: 'VIP', set_priority: 'high' }),
    await rule({ position: 2, name: 'Договорные', cond_contract: 'any', set_queue: 'Договорные' }),
    await rule({ position: 3, name: 'Без договора', cond_contract: 'none', cond_type: 'repair', set_queue: 'Разовые' }),
  ];
  const r1 = await request({ client_id: vip.id, priority: 'low' });
  assert.equal(r1.queue, 'VIP');
  assert.equal(r1.priority, 'high');
  assert.equal(r1.routed_rule_id, rules[0].id);
  const r2 = await request({ client_id: usual.id });
  assert.equal(r2.queue, 'Договорные');
  assert.equal((await request({ client_id: nobody.id })).queue, 'Разовые');
  assert.equal((await request({})).queue, 'Разовые', 'no client: no contract');
  assert.equal((await request({ client_id: nobody.id, type: 'parts' })).queue, null);
  const contradiction = await call(srv.base, mgr, 'POST', '/api/v1/routing_rules', { name: 'x', assign_mode: 'none', cond_contract: 'none', cond_contract_id: kv.id });
  assert.equal(contradiction.status, 422);
  assert.deepEqual(contradiction.json.error.fields, { cond_contract_id: 'invalid' });
  const odd = await call(srv.base, mgr, 'POST', '/api/v1/routing_rules', { name: 'x', assign_mode: 'none', cond_contract: 'some' });
  assert.deepEqual(odd.json.error.fields, { cond_contract: 'invalid_enum' });
  assert.equal((await call(srv.base, mgr, 'DELETE', `/api/v1/contracts/${kv.id}`)).status, 409, 'requests and a rule refer to it');
  for (const r of rules) assert.equal((await call(srv.base, mgr, 'DELETE', `/api/v1/routing_rules/${r.id}`)).status, 204);
});
