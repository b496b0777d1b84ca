// request-client.test.mjs — a request taken for a client named on the same
// form: the client is found by phone (then e-mail) or created, in the request's
// own transaction; bad client data or a bad request writes neither.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDb, run, serve, login, call } from '../lib.mjs';

let db, srv, mgr, eng, admin;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url);
  mgr = await login(srv.base, 'manager', 'demo12345', '10.71.0.1');
  eng = await login(srv.base, 'engineer', 'demo12345', '10.71.0.2');
  admin = await login(srv.base, 'admin', 'admin12345', '10.71.0.3');
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

const take = (as, body) => call(srv.base, as, 'POST', '/api/v1/requests', { subject: 'Не печатает', channel: 'phone', ...body });
const clientsWith = async (qs) => (await call(srv.base, mgr, 'GET', `/api/v1/clients?${qs}&limit=200`)).json.items;
const totals = async () => ({
  clients: (await clientsWith('sort=-id')).length,
  requests: (await call(srv.base, mgr, 'GET', '/api/v1/requests?limit=200')).json.items.length,
});

test('a phone call from a new person: the client is created with the request', async () => {
  const r = await take(mgr, { client: { name: 'Новиков Артём', phone: '8 (912) 000-11-22', pd_consent: true } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.client_created, true);
  assert.equal(r.json.client_id_label, 'Новиков Артём');
  const c = (await call(srv.base, mgr, 'GET', `/api/v1/clients/${r.json.client_id}`)).json;
  assert.equal(c.phone, '+79120001122');
  assert.equal(c.kind, 'person');
  assert.equal(c.pd_consent, true);
  const audit = (await call(srv.base, admin, 'GET', `/api/v1/audit?entity=clients&record_id=${c.id}`)).json.items;
  assert.ok(audit.some((a) => a.action === 'create'), 'the new client is audited');
});

test('the same phone written another way finds that client; so does the e-mail in any case', async () => {
  const first = await take(mgr, { client: { name: 'Петрова Ирина', phone: '+7 912 333-44-55', email: 'Irina.Petrova@Example.ru' } });
  assert.equal(first.json.client_created, true);
  const again = await take(mgr, { client: { name: 'Ирина', phone: '89123334455' } });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.client_created, false);
  assert.equal(again.json.client_id, first.json.client_id);
  const byMail = await take(mgr, { client: { name: 'И. Петрова', email: 'irina.petrova@example.ru' } });
  assert.equal(byMail.json.client_created, false);
  assert.equal(byMail.json.client_id, first.json.client_id);
  assert.equal((await clientsWith('phone=%2B79123334455')).length, 1, 'no twin client');
  // the name on the form does not rename a client found
  assert.equal((await call(srv.base, mgr, 'GET', `/api/v1/clients/${first.json.client_id}`)).json.name, 'Петрова Ирина');
});

test('bad client data, a bad request or a role without client rights write nothing', async () => {
  const was = await totals();
  const cases = [
    [{ client: { name: 'Без связи' } }, 422, 'client.phone'],
    [{ client: { name: 'Плохой номер', phone: '12' } }, 422, 'client.phone'],
    [{ client: { name: 'Плохая почта', email: 'нет-собаки' } }, 422, 'client.email'],
    [{ client: { phone: '+79990001122' } }, 422, 'client.name'],
    [{ client: { name: 'Лишнее', phone: '+79990001123', colour: 'red' } }, 422, null],
    [{ client: 'Иванов' }, 422, 'client'],
    [{ client: { name: 'Оба', phone: '+79990001124' }, client_id: 1 }, 422, 'client'],
    [{ subject: '', client: { name: 'Пустая тема', phone: '+79990001125' } }, 422, 'subject'],
    [{ priority: 'asap', client: { name: 'Плохой приоритет', phone: '+79990001126' } }, 422, 'priority'],
    [{ client: { name: '<script>alert(1)</script>\'; DROP TABLE clients;--', phone: '+79990001127', kind: 'robot' } }, 422, 'client.kind'],
  ];
  for (const [body, status, field] of cases) {
    const r = await take(mgr, body);
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
    if (field) assert.ok(r.json.error.fields && field in r.json.error.fields, `${field} in ${r.text}`);
  }
  const denied = await take(eng, { client: { name: 'Инженер не заводит', phone: '+79990001128' } });
  assert.equal(denied.status, 403, denied.text);
  const was2 = await totals();
  assert.deepEqual(was2, was, 'neither a client nor a request was written');
  assert.equal((await clientsWith('phone=%2B79990001125')).length, 0, 'a request refused leaves no client behind');
});

test('one who may not add clients still takes a request for a client found by phone; e-mail is matched without its spaces', async () => {
  const known = await take(mgr, { client: { name: 'Известный Клиент', phone: '+7 913 700-00-01', email: 'known@example.ru' } });
  assert.equal(known.json.client_created, true);
  const byEng = await take(eng, { client: { name: 'как угодно', phone: '89137000001' } });
  assert.equal(byEng.status, 201, byEng.text);
  assert.equal(byEng.json.client_created, false);
  assert.equal(byEng.json.client_id, known.json.client_id);
  const spaced = await take(mgr, { client: { name: 'Известный', email: '  KNOWN@example.ru ' } });
  assert.equal(spaced.status, 201, spaced.text);
  assert.equal(spaced.json.client_id, known.json.client_id);
});
