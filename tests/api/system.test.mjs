// system.test.mjs — /healthz, /metrics, the OpenAPI description, /api/v1/meta,
// security headers on every kind of answer, unknown routes (404) and wrong
// methods (405).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError, runCli, ROLES } from './harness.mjs';

const srv = useServer();
const ENTITIES = ['branches', 'clients', 'contacts', 'equipment_models', 'equipment_units', 'users', 'requests'];

test('/healthz: 200 {"status":"ok"} without a session; the version is the binary\'s', async () => {
  const r = await fetch(srv.base + '/healthz');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  const j = await r.json();
  assert.equal(j.status, 'ok');
  assert.equal(typeof j.version, 'string', 'healthz names the version');
  assert.equal(`servitor ${j.version}`, runCli(['--version']).stdout.trim());
});

function metric(text, re) {
  const m = re.exec(text);
  return m ? Number(m[1]) : null;
}

test('/metrics: Prometheus text with requests by method, route and status, and a latency histogram', async () => {
  const admin = await srv.as('admin');
  await srv.request('GET', '/api/v1/clients?limit=1', { as: admin });
  const r = await fetch(srv.base + '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  const m = await r.text();
  assert.match(m, /^# TYPE servitor_http_requests_total counter$/m);
  assert.match(m, /^servitor_http_requests_total\{method="GET",route="\/api\/v1\/:entity",status="200"\} \d+$/m);
  assert.match(m, /^servitor_http_requests_total\{[^}]*route="\/api\/v1\/auth\/login"[^}]*status="200"\} \d+$/m);
  assert.match(m, /^# TYPE servitor_http_request_duration_seconds histogram$/m);
  const buckets = [...m.matchAll(/^servitor_http_request_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)];
  assert.ok(buckets.length >= 5, 'several buckets');
  assert.equal(buckets.at(-1)[1], '+Inf');
  const counts = buckets.map((b) => Number(b[2]));
  assert.deepEqual(counts, [...counts].sort((a, b) => a - b), 'buckets are cumulative');
  const count = metric(m, /^servitor_http_request_duration_seconds_count (\d+)$/m);
  assert.equal(counts.at(-1), count, '+Inf equals _count');
  assert.ok(metric(m, /^servitor_http_request_duration_seconds_sum ([\d.e+-]+)$/m) >= 0);
  // route labels are patterns, never raw paths with ids
  assert.doesNotMatch(m, /route="\/api\/v1\/clients/);
});

test('/metrics answers loopback and the addresses in SERVITOR_METRICS_ALLOW only', async () => {
  const from = (base, addr) => fetch(base + '/metrics', { headers: { 'x-forwarded-for': addr } });
  // this server trusts its proxy: the client's address is X-Forwarded-For
  const out = await from(srv.base, '203.0.113.7');
  assert.equal(out.status, 403);
  assert.doesNotMatch(await out.text(), /servitor_http_requests_total/);
  assert.equal((await from(srv.base, '127.0.0.1')).status, 200);
  const other = await srv.serve({ env: { SERVITOR_METRICS_ALLOW: '10.9.9.9, 192.0.2.1' } });
  assert.equal((await from(other.base, '10.9.9.9')).status, 200);
  assert.equal((await from(other.base, '192.0.2.1')).status, 200);
  assert.equal((await from(other.base, '10.9.9.99')).status, 403);
  assert.equal((await from(other.base, '10.9.9')).status, 403);
});

test('/metrics counts each request: the counter of a route and status goes up', async () => {
  const admin = await srv.as('admin');
  const re = /^servitor_http_requests_total\{method="GET",route="\/api\/v1\/:entity\/:id",status="404"\} (\d+)$/m;
  const before = metric(await (await fetch(srv.base + '/metrics')).text(), re) ?? 0;
  for (let i = 0; i < 3; i++) await srv.request('GET', '/api/v1/clients/999999', { as: admin });
  const after = metric(await (await fetch(srv.base + '/metrics')).text(), re);
  assert.equal(after, before + 3);
});

test('/api/v1/openapi.json: valid OpenAPI 3 JSON describing every resource', async () => {
  const r = await fetch(srv.base + '/api/v1/openapi.json');
  assert.equal(r.status, 200);
  const oa = JSON.parse(await r.text());
  assert.match(oa.openapi, /^3\.\d+\.\d+$/);
  assert.equal(typeof oa.info.title, 'string');
  assert.equal(typeof oa.info.version, 'string');
  for (const e of ENTITIES) {
    assert.ok(oa.paths[`/api/v1/${e}`]?.get && oa.paths[`/api/v1/${e}`]?.post, `${e} list and create`);
    const one = oa.paths[`/api/v1/${e}/{id}`];
    assert.ok(one?.get && one?.patch && one?.delete, `${e} get, patch, delete`);
    const schema = oa.components.schemas[e];
    assert.equal(schema.type, 'object');
    assert.ok(schema.properties.id && schema.properties.version);
  }
  assert.deepEqual([...oa.components.schemas.clients.required].sort(), ['kind', 'name']);
  assert.deepEqual(oa.components.schemas.clients.properties.kind.enum, ['person', 'company']);
  assert.equal(oa.components.schemas.users.properties.password.writeOnly, true);
  // every $ref points at a schema that exists
  const refs = JSON.stringify(oa).match(/"\$ref":"[^"]+"/g) || [];
  for (const ref of refs) {
    const name = ref.split('/').pop().replace('"', '');
    assert.ok(oa.components.schemas[name], ref);
  }
});

test('/api/v1/meta: every resource with its fields and what this user may do', async () => {
  const admin = await srv.as('admin');
  const r = await srv.request('GET', '/api/v1/meta', { as: admin });
  assert.equal(r.status, 200);
  const names = r.json.entities.map((e) => e.name);
  for (const e of ENTITIES) assert.ok(names.includes(e), e);
  for (const e of r.json.entities) {
    assert.equal(typeof e.label, 'string');
    assert.ok(Array.isArray(e.fields) && e.fields.length > 0);
    for (const k of ['can_read', 'can_write', 'can_delete']) assert.equal(typeof e[k], 'boolean', `${e.name}.${k}`);
    for (const f of e.fields) {
      for (const k of ['name', 'type', 'label']) assert.equal(typeof f[k], 'string', `${e.name}.${f.name}.${k}`);
      for (const k of ['required', 'search', 'filter', 'sort', 'readonly']) assert.equal(typeof f[k], 'boolean', `${e.name}.${f.name}.${k}`);
    }
  }
  const clients = r.json.entities.find((e) => e.name === 'clients');
  const field = (n) => clients.fields.find((f) => f.name === n);
  assert.deepEqual(clients.fields.map((f) => f.name), ['kind', 'name', 'phone', 'email', 'inn', 'kpp', 'address', 'branch_id', 'pd_consent', 'pd_consent_date', 'notes', 'messages_opt_out', 'lang']);
  assert.deepEqual(field('kind').enum, ['person', 'company']);
  assert.equal(field('kind').required, true);
  assert.equal(field('name').max, 300);
  assert.equal(field('name').search, true);
  assert.equal(field('name').sort, true);
  assert.equal(field('branch_id').ref, 'branches');
  assert.equal(field('kind').filter, true);
  const req = r.json.entities.find((e) => e.name === 'requests');
  assert.equal(req.fields.find((f) => f.name === 'number').readonly, true);
  const users = r.json.entities.find((e) => e.name === 'users');
  assert.deepEqual(users.fields.find((f) => f.name === 'role').enum, ROLES);
  const models = r.json.entities.find((e) => e.name === 'equipment_models');
  const wm = models.fields.find((f) => f.name === 'warranty_months');
  assert.equal(wm.min, 0);
  assert.equal(wm.max, 120);
  // per user: admin may do everything, the auditor reads only
  assert.ok(r.json.entities.filter((e) => ENTITIES.includes(e.name)).every((e) => e.can_read && e.can_write && e.can_delete));
  const a = await srv.request('GET', '/api/v1/meta', { as: await srv.as('auditor') });
  assert.ok(a.json.entities.filter((e) => ENTITIES.includes(e.name)).every((e) => e.can_read && !e.can_write && !e.can_delete));
  assertError(await srv.request('GET', '/api/v1/meta'), 401, 'unauthenticated');
});

test('security headers on JSON, errors, static files and the index page', async () => {
  const admin = await srv.as('admin');
  const answers = {
    'API JSON': await fetch(srv.base + '/api/v1/clients?limit=1', { headers: { cookie: admin.cookie } }),
    'API 401': await fetch(srv.base + '/api/v1/clients'),
    'API 404': await fetch(srv.base + '/api/v1/nothing', { headers: { cookie: admin.cookie } }),
    'API 400': await fetch(srv.base + '/api/v1/clients?limit=0', { headers: { cookie: admin.cookie } }),
    'API 413': await fetch(srv.base + '/api/v1/clients', { method: 'POST', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' }, body: 'x'.repeat(1024 * 1024 + 1) }),
    healthz: await fetch(srv.base + '/healthz'),
    metrics: await fetch(srv.base + '/metrics'),
    openapi: await fetch(srv.base + '/api/v1/openapi.json'),
    'index page': await fetch(srv.base + '/'),
    'static js': await fetch(srv.base + '/app.js'),
    'static js gzip': await fetch(srv.base + '/app.js', { headers: { 'accept-encoding': 'gzip' } }),
    'static css': await fetch(srv.base + '/app.css'),
    'static 404': await fetch(srv.base + '/no-such-file.js'),
  };
  for (const [what, r] of Object.entries(answers)) {
    const csp = r.headers.get('content-security-policy');
    assert.ok(csp, `${what}: a CSP`);
    assert.match(csp, /frame-ancestors 'none'/, what);
    assert.match(csp, /default-src 'self'/, what);
    assert.match(csp, /script-src 'self'/, what);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, what);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', what);
    await r.arrayBuffer();
  }
  assert.equal(answers['index page'].status, 200);
  assert.match(answers['index page'].headers.get('content-type'), /^text\/html/);
  assert.match(answers['static js'].headers.get('content-type'), /^text\/javascript/);
  assert.equal(answers['static js gzip'].headers.get('content-encoding'), 'gzip', 'static files are served compressed when asked');
  // API answers are never cached
  assert.match(answers['API JSON'].headers.get('cache-control'), /no-store/);
  assert.equal(answers['static 404'].status, 404);
});

test('an unknown route → 404 with the JSON error shape, with or without a session', async () => {
  const admin = await srv.as('admin');
  for (const path of ['/api/v1/nothing-here', '/api/v1/clients/1/nothing', '/api/v2/clients', '/api/v1/', '/api',
    '/api/v1/clients/1/history', '/a/b/c/d/e/f', '/api/v1/auth/whoami', '/' + 'x'.repeat(5000), '/api/v1/clients/1/transitions/start/now']) {
    const r = await srv.request('GET', path, { as: admin });
    assertError(r, 404, 'not_found');
  }
  // without a session: no such route is 404; under /api/v1/ it may be 401 first (nothing is revealed)
  assertError(await srv.request('GET', '/api/v2/clients'), 404, 'not_found');
  assertError(await srv.request('GET', '/no/such/page'), 404, 'not_found');
  const anon = await srv.request('GET', '/api/v1/nothing-here');
  assert.ok(anon.status === 404 || anon.status === 401, `${anon.status}`);
  assertError(anon, anon.status);
  // a workflow transition on a resource without a workflow
  const c = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'person', name: 'Без процесса' } });
  assertError(await srv.request('POST', `/api/v1/clients/${c.json.id}/transitions/start`, { as: admin, body: { version: 1 } }), 404, 'not_found');
});

const wrongMethod = async (list) => {
  const admin = await srv.as('admin');
  const bad = [];
  for (const [m, path] of list) {
    const r = await srv.request(m, path, { as: admin, body: m === 'GET' ? undefined : {} });
    if (r.status !== 405 || r.json?.error?.code !== 'method_not_allowed') bad.push(`${m} ${path} → ${r.status}`);
    else assertError(r, 405, 'method_not_allowed');
  }
  assert.deepEqual(bad, [], 'each answers 405 method_not_allowed');
};

test('a wrong method on a known route → 405 with the JSON error shape', async () => {
  await wrongMethod([['PUT', '/api/v1/clients'], ['DELETE', '/api/v1/clients'], ['PATCH', '/api/v1/clients'], ['PUT', '/api/v1/clients/1'],
    ['POST', '/api/v1/clients/1'], ['GET', '/api/v1/clients/1/transitions/start'], ['POST', '/healthz'], ['DELETE', '/metrics'],
    ['PUT', '/api/v1/tokens'], ['POST', '/api/v1/requests/1/timeline'], ['GET', '/api/v1/requests/1/comments']]);
});

test('a wrong method on the fixed API routes → 405 too, not 404', async () => {
  await wrongMethod([['GET', '/api/v1/auth/login'], ['GET', '/api/v1/auth/logout'], ['DELETE', '/api/v1/auth/me'], ['POST', '/api/v1/meta'],
    ['POST', '/api/v1/audit'], ['GET', '/api/v1/tokens/1'], ['PATCH', '/api/v1/tokens/1'], ['POST', '/api/v1/openapi.json']]);
});

test('HEAD on a GET route answers like GET without a body', async () => {
  const r = await fetch(srv.base + '/healthz', { method: 'HEAD' });
  assert.equal(r.status, 200);
  assert.equal(await r.text(), '');
});
