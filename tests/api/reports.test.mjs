// reports.test.mjs — the reports facility through the API: each desk report's
// numbers checked against requests this test makes on the test clock (SLA
// met and breached, intake per day and channel, the backlog's ages, median
// and 90th percentile of first response and resolution, ratings per
// assignee); exports of reports and lists as CSV and XLSX read back cell by
// cell; the cap on exports; the client's rating and its bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readXlsx } from '../xlsx.mjs';
import { testDb, run, serve, login, call, roundTheClockBranch, testClock, TEST_CLOCK_ENV } from '../lib.mjs';

let db, srv, admin, mgr, eng, branch;
const T0 = '2030-03-04T09:00:00Z'; // a Monday
const made = {};

/** GET as a file: status, type, bytes. */
async function download(session, path) {
  const r = await fetch(srv.base + path, { headers: { cookie: session.cookie } });
  return { status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'), bytes: new Uint8Array(await r.arrayBuffer()) };
}

/** RFC 4180 CSV (after the byte-order mark) → rows of strings. */
function readCsv(bytes) {
  let s = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  assert.equal(s.charCodeAt(0), 0xfeff, 'UTF-8 with a byte-order mark');
  s = s.slice(1);
  const rows = []; let row = [], cell = '', q = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (q) { if (ch === '"' && s[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') q = false; else cell += ch; }
    else if (ch === '"') q = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\r') { /* the \n ends the row */ }
    else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else cell += ch;
  }
  return rows;
}

const at = (iso) => testClock(srv.base, { now: iso });
const plus = (min) => new Date(Date.parse(T0) + min * 60000).toISOString().replace(/\.\d+Z$/, 'Z');
const act = async (r, name) => {
  const x = await call(srv.base, mgr, 'POST', `/api/v1/requests/${r.id}/transitions/${name}`, { version: r.version });
  assert.equal(x.status, 200, x.text);
  return x.json;
};

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '0', '--db', db.url]);
  // sessions outlive the day the clock jumps over
  srv = await serve(db.url, [], { ...TEST_CLOCK_ENV, SERVITOR_SESSION_IDLE: '604800' });
  await at(T0);
  admin = await login(srv.base, 'admin', 'admin12345', '10.70.0.1');
  mgr = await login(srv.base, 'manager', 'demo12345', '10.70.0.2');
  eng = await login(srv.base, 'engineer', 'demo12345', '10.70.0.3');
  branch = await roundTheClockBranch(srv.base, admin);
  const make = async (key, extra) => {
    const r = await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: `Отчёт ${key}`, branch_id: branch, ...extra });
    assert.equal(r.status, 201, r.text);
    made[key] = r.json;
  };
  // day 1, 09:00: four requests; two of them the engineer's
  await make('a', { channel: 'phone', type: 'repair', assignee_id: eng.user.id });
  await make('b', { channel: 'phone', type: 'repair', assignee_id: eng.user.id });
  await make('c', { channel: 'email', type: 'consultation' });
  await make('d', { channel: 'email', type: 'repair', priority: 'urgent', assignee_id: mgr.user.id });
  await at(plus(30));
  made.a = await act(made.a, 'start');           // first response after 30 min
  await at(plus(60));
  made.b = await act(made.b, 'start');           // … 60 min
  made.d = await act(made.d, 'start');           // … 60 min
  await at(plus(120));
  made.a = await act(made.a, 'resolve');         // resolved after 120 min: met
  await at(plus(300));
  made.b = await act(made.b, 'resolve');         // 300 min: met (normal: 8 h)
  made.d = await act(made.d, 'resolve');         // 300 min: urgent's 240 breached
  // day 2, 10:00: one more by phone, nobody's
  await at('2030-03-05T10:00:00Z');
  await make('e', { channel: 'phone', type: 'repair' });
  await at('2030-03-05T12:00:00Z');
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

const period = 'from=2030-03-04&to=2030-03-05';
const report = (name, q = '') => call(srv.base, mgr, 'GET', `/api/v1/reports/${name}?${q}`);

test('the meta lists the reports with their parameters, columns and chart', async () => {
  const m = await call(srv.base, mgr, 'GET', '/api/v1/meta');
  const names = m.json.reports.map((r) => r.name);
  assert.deepEqual(names, ['sla', 'intake', 'backlog', 'times', 'ratings', 'stock_on_hand', 'rework']);
  const intake = m.json.reports.find((r) => r.name === 'intake');
  assert.deepEqual(intake.groups.map((g) => g.name), ['channel', 'type', 'model', 'branch']);
  assert.equal(intake.steps, true);
  assert.deepEqual(intake.chart, { kind: 'line', x: 'period', series: 'label', y: ['requests'] });
  assert.equal(intake.columns.find((c) => c.name === 'requests').type, 'int');
  const e = await call(srv.base, eng, 'GET', '/api/v1/meta');
  assert.deepEqual(e.json.reports, [], 'a technician has no reports.read');
});

test('SLA compliance counts met and breached per assignee', async () => {
  const r = await report('sla', period);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.group, 'assignee');
  const byKey = Object.fromEntries(r.json.rows.map((x) => [x.key, x]));
  assert.deepEqual([byKey[eng.user.id].met, byKey[eng.user.id].breached, byKey[eng.user.id].percent], [2, 0, 100]);
  assert.deepEqual([byKey[mgr.user.id].met, byKey[mgr.user.id].breached, byKey[mgr.user.id].percent], [0, 1, 0]);
  const q = await report('sla', `${period}&group=priority`);
  assert.deepEqual(q.json.rows.map((x) => [x.key, x.met, x.breached]), [['normal', 2, 0], ['urgent', 0, 1]]);
  const before = await report('sla', 'from=2030-03-01&to=2030-03-03');
  assert.deepEqual(before.json.rows, [], 'nothing was resolved before the period ended');
});

test('intake per day and channel, per type, per branch', async () => {
  const r = await report('intake', `${period}&group=channel&step=day`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.rows.map((x) => [x.period, x.key, x.requests]),
    [['2030-03-04', 'email', 2], ['2030-03-04', 'phone', 2], ['2030-03-05', 'phone', 1]]);
  const m = await report('intake', `${period}&group=type&step=month`);
  assert.deepEqual(m.json.rows.map((x) => [x.period, x.key, x.requests]), [['2030-03', 'consultation', 1], ['2030-03', 'repair', 4]]);
  const b = await report('intake', `${period}&group=branch`);
  assert.deepEqual(b.json.rows.map((x) => [x.key, x.label, x.requests]), [['2030-03-04', 'Дежурный сервис 24/7', 4], ['2030-03-05', 'Дежурный сервис 24/7', 1]].map(([, l, n]) => [String(branch), l, n]));
  const one = await report('intake', 'from=2030-03-05&to=2030-03-05&group=channel');
  assert.deepEqual(one.json.rows.map((x) => x.requests), [1], 'the period bounds the rows');
});

test('the backlog: open requests now, by age and by status', async () => {
  const r = await report('backlog');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.rows.map((x) => [x.key, x.open]), [['d0_1', 1], ['d1_3', 1], ['d3_7', 0], ['d7_30', 0], ['d30', 0]]);
  const c = r.json.rows.find((x) => x.key === 'd1_3');
  assert.equal(c.oldest_age_days, 1.13, 'c is 27 hours old');
  const s = await report('backlog', 'group=status');
  assert.deepEqual(s.json.rows.map((x) => [x.key, x.open]), [['new', 2]]);
});

test('first response and resolution: median and 90th percentile per assignee', async () => {
  const r = await report('times', period);
  assert.equal(r.status, 200, r.text);
  const e = r.json.rows.find((x) => x.key === String(eng.user.id));
  assert.deepEqual([e.requests, e.first_response_median, e.first_response_p90, e.resolution_median, e.resolution_p90], [2, 30, 60, 120, 300]);
  const m = r.json.rows.find((x) => x.key === String(mgr.user.id));
  assert.deepEqual([m.first_response_median, m.resolution_p90], [60, 300]);
  const none = r.json.rows.find((x) => x.key === '0');
  assert.equal(none.requests, 2);
  assert.equal(none.first_response_median, null, 'nobody answered them yet');
});

test('bad report parameters: clear errors', async () => {
  assert.equal((await report('nothing')).status, 404);
  const g = await report('sla', 'group=moon');
  assert.equal(g.status, 400);
  assert.match(g.json.error.message, /grouping moon/);
  assert.equal((await report('sla', 'from=yesterday')).status, 400);
  assert.equal((await report('sla', 'from=2030-03-05&to=2030-03-04')).status, 400);
  assert.equal((await report('backlog', 'from=2030-03-05')).status, 400, 'the backlog takes no period');
  assert.equal((await report('intake', 'step=week')).status, 400);
  assert.equal((await report('sla', 'wat=1')).status, 400);
  assert.equal((await call(srv.base, mgr, 'GET', '/api/v1/reports/sla.pdf')).status, 400);
  assert.equal((await call(srv.base, eng, 'GET', '/api/v1/reports/sla')).status, 403);
});

test('a report as CSV and as XLSX: the same cells', async () => {
  const c = await download(mgr, `/api/v1/reports/intake.csv?${period}&group=channel`);
  assert.equal(c.status, 200);
  assert.match(c.type, /^text\/csv/);
  assert.match(c.disposition, /filename="intake-2030-03-04-2030-03-05\.csv"/);
  const rows = readCsv(c.bytes);
  assert.deepEqual(rows[0], ['period', 'key', 'label', 'requests']);
  assert.deepEqual(rows.slice(1).map((x) => [x[0], x[1], Number(x[3])]), [['2030-03-04', 'email', 2], ['2030-03-04', 'phone', 2], ['2030-03-05', 'phone', 1]]);
  const x = await download(mgr, `/api/v1/reports/sla.xlsx?${period}&group=priority`);
  assert.equal(x.status, 200);
  assert.equal(x.type, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const cells = readXlsx(x.bytes);
  assert.deepEqual(cells[0], ['key', 'label', 'met', 'breached', 'percent']);
  assert.deepEqual(cells.slice(1), [['normal', 'normal', 2, 0, 100], ['urgent', 'urgent', 0, 1, 0]]);
  const f = await download(mgr, `/api/v1/reports/times?${period}&format=xlsx`);
  assert.equal(readXlsx(f.bytes).find((r) => r[0] === String(eng.user.id))[4], 60, 'p90 of first response');
});

test('a list as CSV and XLSX: filtered, every row, references with their labels', async () => {
  const c = await download(mgr, '/api/v1/requests?format=csv&channel=phone&sort=id');
  assert.equal(c.status, 200);
  const rows = readCsv(c.bytes);
  const h = rows[0];
  assert.deepEqual(h.slice(0, 4), ['id', 'created_at', 'updated_at', 'number']);
  assert.ok(!h.includes('password'));
  const ids = rows.slice(1).map((r) => Number(r[h.indexOf('id')]));
  assert.deepEqual(ids, [made.a.id, made.b.id, made.e.id]);
  assert.equal(rows[1][h.indexOf('assignee_id_label')], eng.user.name);
  assert.equal(rows[1][h.indexOf('subject')], 'Отчёт a');
  const x = await download(mgr, '/api/v1/requests?format=xlsx&sort=id');
  const cells = readXlsx(x.bytes);
  assert.equal(cells.length, 1 + 5);
  assert.equal(cells[1][cells[0].indexOf('number')], made.a.number);
  assert.equal(cells[4][cells[0].indexOf('priority')], 'urgent');
  const bad = await call(srv.base, mgr, 'GET', '/api/v1/requests?format=pdf');
  assert.equal(bad.status, 400);
  const users = await download(admin, '/api/v1/users?format=csv');
  assert.ok(!readCsv(users.bytes)[0].some((k) => k.includes('password')), 'no password column');
});

test('exports are capped with a clear message (SERVITOR_EXPORT_MAX_ROWS)', async () => {
  const small = await serve(db.url, [], { ...TEST_CLOCK_ENV, SERVITOR_EXPORT_MAX_ROWS: '3' });
  try {
    await testClock(small.base, { now: '2030-03-05T12:00:00Z' });
    const m = await login(small.base, 'manager', 'demo12345', '10.70.0.9');
    const over = await call(small.base, m, 'GET', '/api/v1/requests?format=xlsx');
    assert.equal(over.status, 413);
    assert.match(over.json.error.message, /more than 3 rows/);
    const ok = await download(m, '/api/v1/requests?format=csv&channel=phone');
    assert.equal(readCsv(ok.bytes).length, 1 + 3, 'three rows fit');
  } finally { await small.stop(); }
});

test('a resolved request is rated once; the rating shows on it and in the ratings report', async () => {
  const rate = (body) => call(srv.base, null, 'POST', '/api/v1/public/requests/rating', body);
  const a = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${made.a.id}`)).json;
  const r = await rate({ number: a.number, code: a.access_code, rating: 5, comment: 'Быстро и вежливо' });
  assert.equal(r.status, 201, r.text);
  const again = await rate({ number: a.number, code: a.access_code, rating: 1 });
  assert.equal(again.status, 409);
  assert.match(again.json.error.message, /rated already/);
  const shown = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${made.a.id}`)).json;
  assert.deepEqual([shown.rating, shown.rating_comment], [5, 'Быстро и вежливо']);
  const status = await call(srv.base, null, 'GET', `/api/v1/public/requests/status?number=${a.number}&code=${a.access_code}`);
  assert.equal(status.json.record?.rating ?? status.json.rating, 5, 'the status page shows it');
  const tl = await call(srv.base, mgr, 'GET', `/api/v1/requests/${made.a.id}/timeline`);
  assert.ok(tl.json.items.some((e) => e.kind === 'rating' && e.to === '5'), 'on the timeline');
  // a low one is told to the managers of the request's branch
  const b = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${made.b.id}`)).json;
  assert.equal((await rate({ number: b.number, code: b.access_code, rating: 2, comment: 'Долго' })).status, 201);
  let f = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Отчёт f', branch_id: mgr.user.branch_id, assignee_id: eng.user.id })).json;
  f = await act(await act(f, 'start'), 'resolve');
  assert.equal((await rate({ number: f.number, code: f.access_code, rating: 1 })).status, 201);
  const n = await call(srv.base, mgr, 'GET', '/api/v1/notifications');
  assert.ok(n.json.items.some((x) => x.kind === 'low_rating' && x.record_id === f.id), 'the manager of its branch is told');
  assert.ok(!n.json.items.some((x) => x.kind === 'low_rating' && x.record_id === b.id), 'not of another branch');
  const rep = await report('ratings', 'from=2030-03-05&to=2030-03-05');
  const e = rep.json.rows.find((x) => x.key === String(eng.user.id));
  assert.deepEqual([e.ratings, e.average, e.low], [3, 2.67, 2]);
});

test('bad ratings: a wrong code, unresolved, out of range, malformed — nothing changed', async () => {
  const rate = (body) => call(srv.base, null, 'POST', '/api/v1/public/requests/rating', body);
  const c = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${made.c.id}`)).json;
  const d = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${made.d.id}`)).json;
  const wrong = await rate({ number: d.number, code: '000000' === d.access_code ? '111111' : '000000', rating: 4 });
  assert.equal(wrong.status, 404);
  const open = await rate({ number: c.number, code: c.access_code, rating: 4 });
  assert.equal(open.status, 409);
  assert.match(open.json.error.message, /once it is resolved/);
  const range = await rate({ number: d.number, code: d.access_code, rating: 6 });
  assert.equal(range.status, 422);
  assert.equal(range.json.error.fields.rating, 'out_of_range');
  assert.equal((await rate({ number: d.number, code: d.access_code, rating: '5' })).status, 422);
  assert.equal((await rate({ number: d.number, code: d.access_code, rating: 3, extra: 1 })).status, 422);
  assert.equal((await rate({ number: d.number, code: d.access_code, rating: 3, comment: 'я'.repeat(2001) })).status, 422);
  const after = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${made.d.id}`)).json;
  assert.equal(after.rating, null);
  assert.equal(after.version, d.version, 'nothing changed');
});
