// openapi-docs.test.mjs — openapi.json describes every route of the table:
// each operation has a summary and a description of its own (src/api/
// route_docs.c), none is marked x-undocumented, and none has the bare
// "METHOD /pattern" a route without a line there would get. A new route
// fails here until it is described.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './harness.mjs';

const srv = useServer({ scale: 2, requests: 0, env: { SERVITOR_TEST_CLOCK: '1' } });

test('every operation of openapi.json has a summary and a description', async () => {
  const oa = (await srv.request('GET', '/api/v1/openapi.json')).json;
  const ops = [];
  for (const [path, item] of Object.entries(oa.paths)) for (const [method, op] of Object.entries(item)) ops.push([method, path, op]);
  assert.ok(ops.length > 100, `${ops.length} operations`);
  const missing = ops.filter(([, , op]) => op['x-undocumented'] || !op.summary || !op.description || /^(GET|POST|PATCH|DELETE|PUT) \//.test(op.summary));
  assert.deepEqual(missing.map(([m, p]) => `${m.toUpperCase()} ${p}`), []);
  // the kinds the issue names: transitions, desk, intake, public calls, attachments
  const get = (m, p) => oa.paths[p] && oa.paths[p][m];
  assert.match(get('post', '/api/v1/requests/{id}/transitions/assign').summary, /assign/);
  assert.match(get('get', '/api/v1/desk/workload').description, /by status/);
  assert.ok(get('post', '/api/v1/intake/email').description);
  assert.ok(get('post', '/api/v1/public/requests').description);
  assert.ok(get('post', '/api/v1/requests/{id}/attachments').description);
  assert.match(get('get', '/api/v1/clients').summary, /clients/);
  assert.ok(get('post', '/test/clock'), 'test routes too when they are served');
});
