// sla.test.mjs — the SLA clock of requests through the API: deadlines from the
// policy of the priority in the branch's business calendar, moved by priority
// changes, paused while waiting, met on time, breached and flagged by the job.
// The server runs on the test clock: time moves and the job runs when a test
// says so (no waiting on the wall clock, and a scan is known to have run
// before a test asserts that it changed nothing).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDb, run, serve, login, call, roundTheClockBranch, testClock, runJob, TEST_CLOCK_ENV } from '../lib.mjs';

let db, srv, admin, mgr, branch247;
const minutes = (a, b) => (Date.parse(b) - Date.parse(a)) / 60000;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url, [], TEST_CLOCK_ENV);
  admin = await login(srv.base, 'admin', 'admin12345', '10.60.0.1');
  mgr = await login(srv.base, 'manager', 'demo12345', '10.60.0.2');
  branch247 = await roundTheClockBranch(srv.base, admin);
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

/** A minute passes, then the SLA job scans. */
const minuteLater = async () => { await testClock(srv.base, { advance: 60 }); await runJob(srv.base, 'sla.scan'); };

const make = (extra) => call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'SLA', branch_id: branch247, ...extra });

test('a new request gets the deadlines of its priority\'s policy', async () => {
  const r = await make({ priority: 'urgent' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.sla_state, 'ok');
  assert.equal(r.json.sla_policy_id_label, 'Срочно');
  assert.equal(minutes(r.json.created_at, r.json.first_response_due), 30);
  assert.equal(minutes(r.json.created_at, r.json.resolution_due), 240);
  assert.equal(minutes(r.json.created_at, r.json.sla_warning_at), 180);
});

test('changing the priority moves the deadlines; the SLA fields cannot be set by hand', async () => {
  const r = await make({ priority: 'low' });
  const p = await call(srv.base, mgr, 'PATCH', `/api/v1/requests/${r.json.id}`, { version: r.json.version, priority: 'high' });
  assert.equal(p.status, 200);
  assert.equal(minutes(p.json.created_at, p.json.resolution_due), 540);
  const bad = await call(srv.base, mgr, 'PATCH', `/api/v1/requests/${r.json.id}`, { version: p.json.version, resolution_due: '2030-01-01T00:00:00Z', sla_state: 'met' });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.fields.resolution_due, 'read_only');
});

test('the clock pauses while waiting for the client and the first response is noted', async () => {
  let r = (await make({ priority: 'normal' })).json;
  r = (await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/start`, { version: r.version })).json;
  assert.ok(r.first_response_at);
  r = (await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/wait_client`, { version: r.version })).json;
  assert.ok(r.sla_paused_since);
  const due = r.resolution_due;
  r = (await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/resume`, { version: r.version })).json;
  assert.equal(r.sla_paused_since, null);
  assert.equal(r.sla_paused_minutes, 0, 'seconds of waiting are not a business minute');
  assert.equal(r.resolution_due, due);
  r = (await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/resolve`, { version: r.version })).json;
  assert.equal(r.sla_state, 'met');
});

test('a reply to the client counts as the first response', async () => {
  const r = (await make({ priority: 'normal' })).json;
  assert.equal(r.first_response_at, null);
  await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'Принято', public: false });
  assert.equal((await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`)).json.first_response_at, null, 'a note does not');
  await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/comments`, { body: 'Здравствуйте!', public: true });
  assert.ok((await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`)).json.first_response_at);
});

test('a deadline passed is marked breached by the job, shown on the timeline and found by the overdue filter', async () => {
  const pol = (await call(srv.base, admin, 'GET', '/api/v1/sla_policies?priority=low')).json.items[0];
  const set = await call(srv.base, admin, 'PATCH', `/api/v1/sla_policies/${pol.id}`, { version: pol.version, first_response_minutes: 0 });
  assert.equal(set.status, 200, set.text);
  // the manager works in the 24/7 branch: a breach there is escalated to them
  const me = (await call(srv.base, admin, 'GET', `/api/v1/users/${mgr.user.id}`)).json;
  assert.equal((await call(srv.base, admin, 'PATCH', `/api/v1/users/${me.id}`, { version: me.version, branch_id: branch247 })).status, 200);
  const r = (await make({ priority: 'low', subject: 'Просрочится сразу' })).json;
  const paused = (await make({ priority: 'low', subject: 'Ждём клиента' })).json;
  const waiting = await call(srv.base, mgr, 'POST', `/api/v1/requests/${paused.id}/transitions/start`, { version: paused.version });
  await call(srv.base, mgr, 'POST', `/api/v1/requests/${paused.id}/transitions/wait_client`, { version: waiting.json.version });
  await minuteLater();
  const state = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`)).json.sla_state;
  assert.equal(state, 'breached');
  const tl = await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}/timeline`);
  assert.ok(tl.json.items.some((e) => e.kind === 'sla' && e.body === 'breached'));
  const mgrBell = await call(srv.base, mgr, 'GET', '/api/v1/notifications');
  assert.ok(mgrBell.json.items.some((n) => n.kind === 'sla_breached' && n.record_id === r.id), 'managers hear of a breach');
  const overdue = await call(srv.base, mgr, 'GET', '/api/v1/requests?sla_state=breached');
  assert.ok(overdue.json.items.some((x) => x.id === r.id));
  // the same scan (it marked the other one) left the paused clock alone
  assert.equal((await call(srv.base, mgr, 'GET', `/api/v1/requests/${paused.id}`)).json.sla_state, 'ok', 'a paused clock is not breached');
});

async function allRequests() {
  const all = [];
  for (let cursor = null, first = true; first || cursor; first = false) {
    const p = await call(srv.base, mgr, 'GET', `/api/v1/requests?limit=200${cursor ? '&cursor=' + cursor : ''}`);
    all.push(...p.json.items);
    cursor = p.json.next_cursor;
  }
  return all;
}

async function slaCountersEqualACount() {
  const count = {};
  for (const r of await allRequests()) count[r.sla_state] = (count[r.sla_state] || 0) + 1;
  const c = (await call(srv.base, mgr, 'GET', '/api/v1/desk/counters')).json.sla_state;
  assert.deepEqual(Object.fromEntries(Object.entries(c).filter(([, v]) => v !== 0)), count);
}

test('the job marks through the entity layer: a new version, an audit entry, counters equal to a count', async () => {
  let r = (await make({ priority: 'high', subject: 'Предупреждение' })).json;
  r = (await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/start`, { version: r.version })).json;
  assert.equal(r.sla_state, 'ok');
  const { unix } = await testClock(srv.base, { advance: 0 });
  // just past the warning point, well before the deadline
  await testClock(srv.base, { advance: Math.ceil(Date.parse(r.sla_warning_at) / 1000 - unix) + 1 });
  await runJob(srv.base, 'sla.scan');
  const warned = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`)).json;
  assert.equal(warned.sla_state, 'warning');
  assert.equal(warned.version, r.version + 1, 'a new version');
  await slaCountersEqualACount();
  // past the deadline
  await testClock(srv.base, { advance: Math.ceil((Date.parse(r.resolution_due) - Date.parse(r.sla_warning_at)) / 1000) + 1 });
  await runJob(srv.base, 'sla.scan');
  const breached = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`)).json;
  assert.equal(breached.sla_state, 'breached');
  assert.equal(breached.version, warned.version + 1);
  await slaCountersEqualACount();
  const audit = (await call(srv.base, admin, 'GET', `/api/v1/audit?entity=requests&record_id=${r.id}`)).json.items;
  assert.equal(audit.filter((e) => e.action === 'sla').length, 2, 'each mark is audited');
  // a scan with nothing due changes nothing
  await runJob(srv.base, 'sla.scan');
  assert.equal((await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`)).json.version, breached.version);
});

test('escalation: a breach raises the priority one step and hands the request over, as the policy says', async () => {
  const eng = (await call(srv.base, admin, 'GET', '/api/v1/users?q=engineer')).json.items.find((u) => u.login === 'engineer');
  const pol = (await call(srv.base, admin, 'GET', '/api/v1/sla_policies?priority=normal')).json.items[0];
  const unknown = await call(srv.base, admin, 'PATCH', `/api/v1/sla_policies/${pol.id}`, { version: pol.version, escalate_to_id: 999999 });
  assert.equal(unknown.status, 422, 'a person who does not exist is refused');
  const set = await call(srv.base, admin, 'PATCH', `/api/v1/sla_policies/${pol.id}`,
    { version: pol.version, first_response_minutes: 0, escalate_raise_priority: true, escalate_to_id: eng.id });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.escalate_to_id_label, eng.name);
  const r = (await make({ priority: 'normal', subject: 'Эскалация' })).json;
  assert.equal(r.status, 'new');
  await minuteLater();
  const now = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`)).json;
  assert.equal(now.sla_state, 'breached');
  assert.equal(now.priority, 'high', 'raised one step');
  assert.equal(now.assignee_id, eng.id, 'handed to the person the policy names');
  assert.equal(now.status, 'assigned');
  assert.equal(now.sla_state, 'breached', 'the new priority does not clear the breach');
  const tl = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}/timeline`)).json.items;
  const esc = tl.find((e) => e.kind === 'escalated');
  assert.ok(esc, 'the timeline says what was done');
  assert.equal(esc.from, 'normal');
  assert.equal(esc.to, 'high');
  assert.ok(tl.some((e) => e.kind === 'assigned' && e.body === eng.name));
  const engSession = await login(srv.base, 'engineer', 'demo12345', '10.60.0.3');
  const bell = (await call(srv.base, engSession, 'GET', '/api/v1/notifications')).json.items;
  assert.ok(bell.some((n) => n.kind === 'assigned' && n.record_id === r.id), 'the new assignee is told');
  const audit = (await call(srv.base, admin, 'GET', `/api/v1/audit?entity=requests&record_id=${r.id}`)).json.items;
  assert.ok(audit.some((a) => a.action === 'escalate'), 'the escalation is audited');
  // escalated once: the next scans leave it as it is
  await minuteLater();
  await minuteLater();
  const later = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${r.id}`)).json;
  assert.equal(later.priority, 'high');
  assert.equal(later.version, now.version);
  // a request that can no longer be changed (its unit went to another client)
  // is left breached and said so; the scan goes on for the others. The data
  // is made while no scan runs, then the scan.
  const owner = (await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'person', name: 'Владелец аппарата' })).json;
  const other = (await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'person', name: 'Новый владелец' })).json;
  const model = (await call(srv.base, mgr, 'GET', '/api/v1/equipment_models?limit=1')).json.items[0];
  const unit = (await call(srv.base, mgr, 'POST', '/api/v1/equipment_units', { model_id: model.id, serial: 'ESC-1', client_id: owner.id })).json;
  const stuck = (await make({ priority: 'normal', subject: 'Аппарат сменил владельца', unit_id: unit.id })).json;
  assert.equal(stuck.client_id, owner.id);
  const moved = await call(srv.base, mgr, 'PATCH', `/api/v1/equipment_units/${unit.id}`, { version: unit.version, client_id: other.id });
  assert.equal(moved.status, 200, moved.text);
  const fine = (await make({ priority: 'normal', subject: 'Обычная просрочка' })).json;
  await minuteLater();
  const a = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${stuck.id}`)).json;
  const b = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${fine.id}`)).json;
  assert.equal(b.priority, 'high', 'the others are escalated');
  assert.equal(b.sla_state, 'breached');
  assert.equal(a.sla_state, 'breached', 'the stuck one is still marked and told');
  assert.equal(a.priority, 'normal', 'but not changed');
  const tl2 = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${stuck.id}/timeline`)).json.items;
  assert.ok(tl2.some((e) => e.kind === 'escalation_failed'), 'the failed escalation is on the timeline');
  // a policy without escalation changes nothing
  const pol3 = (await call(srv.base, admin, 'GET', `/api/v1/sla_policies/${pol.id}`)).json;
  await call(srv.base, admin, 'PATCH', `/api/v1/sla_policies/${pol.id}`, { version: pol3.version, first_response_minutes: 240, escalate_raise_priority: false, escalate_to_id: null });
});

test('calendars: hours are validated; a yearly list loads; managers may read but not change', async () => {
  const bad = await call(srv.base, admin, 'POST', '/api/v1/business_calendars', { name: 'Плохой', hours_mon: '9-18', hours_tue: '18:00-09:00' });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.json.error.fields, { hours_mon: 'invalid', hours_tue: 'invalid' });
  const cal = (await call(srv.base, admin, 'GET', '/api/v1/business_calendars?sort=id&limit=1')).json.items[0];
  const tsv = '# 2027\ndate\tkind\tnote\n2027-01-01\tholiday\tНовый год\n2027-01-04\tholiday\t\n2027-02-22\tshort_day\tпредпраздничный день\n';
  const load = await call(srv.base, admin, 'POST', `/api/v1/business_calendars/${cal.id}/days`, { tsv });
  assert.equal(load.status, 200, load.text);
  assert.equal(load.json.loaded, 3);
  const again = await call(srv.base, admin, 'POST', `/api/v1/business_calendars/${cal.id}/days`, { tsv });
  assert.equal(again.json.loaded, 3, 'loading twice replaces, not duplicates');
  const days = await call(srv.base, admin, 'GET', `/api/v1/calendar_days?calendar_id=${cal.id}&limit=200`);
  assert.equal(days.json.items.filter((d) => d.date.startsWith('2027')).length, 3);
  assert.equal(days.json.items.filter((d) => d.date.startsWith('2026')).length, 18, 'the 2026 calendar ships');
  const broken = await call(srv.base, admin, 'POST', `/api/v1/business_calendars/${cal.id}/days`, { tsv: '2027-02-30\tholiday\n' });
  assert.equal(broken.status, 422);
  assert.match(broken.json.error.message, /line 1/);
  assert.equal((await call(srv.base, mgr, 'GET', '/api/v1/business_calendars')).status, 200);
  assert.equal((await call(srv.base, mgr, 'POST', `/api/v1/business_calendars/${cal.id}/days`, { tsv })).status, 403);
});
