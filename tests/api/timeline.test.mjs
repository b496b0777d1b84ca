// timeline.test.mjs — one timeline for every entity with a workflow. The
// test-only entity test_orders (registered with SERVITOR_TEST_ENTITIES=1)
// gets its timeline, comments, status events and public page from its
// descriptor alone, through the same routes as requests; the product never
// shows it; and migration 016 carries the requests' old events over with
// their ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError, makeDb, runOk, startServe, client, nextAddr } from './harness.mjs';

const srv = useServer({ scale: 5, requests: 0, env: { SERVITOR_TEST_ENTITIES: '1' } });

function publicPath(entity, number, code) {
  const q = new URLSearchParams();
  if (number !== undefined) q.set('number', number);
  if (code !== undefined) q.set('code', code);
  return `/api/v1/public/${entity}/status?${q}`;
}

async function newOrder(subject = 'Проверка таймлайна', secret = 'только для своих') {
  const mgr = await srv.as('manager');
  const r = await srv.request('POST', '/api/v1/test_orders', { as: mgr, body: { subject, secret } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('meta says which entities keep a timeline and have a public page; the product has no test entity', async () => {
  const mgr = await srv.as('manager');
  const meta = (await srv.request('GET', '/api/v1/meta', { as: mgr })).json;
  const by = Object.fromEntries(meta.entities.map((e) => [e.name, e]));
  assert.equal(by.test_orders.timeline, true);
  assert.equal(by.test_orders.public_view, true);
  assert.equal(by.requests.timeline, true);
  assert.equal(by.requests.public_view, true);
  assert.equal(by.clients.timeline, undefined);
  assert.equal(by.clients.public_view, undefined);

  const product = await srv.serve(); // the same database, without the flag
  const s = await product.login('manager', 'demo12345');
  const pmeta = (await product.request('GET', '/api/v1/meta', { as: s })).json;
  assert.ok(pmeta.entities.some((e) => e.name === 'requests'));
  assert.ok(!pmeta.entities.some((e) => e.name === 'test_orders'));
  assertError(await product.request('GET', '/api/v1/test_orders', { as: s }), 404);
  assertError(await product.request('GET', '/api/v1/test_orders/1/timeline', { as: s }), 404);
});

test('a second entity: created, moved by its workflow and commented — all on its timeline, comments audited', async () => {
  const mgr = await srv.as('manager');
  const o = await newOrder();
  assert.match(o.number, /^T-\d{4}-\d{6}$/);
  assert.match(o.access_code, /^[0-9A-HJKMNP-TV-Z]{10}$/);
  assert.equal(o.status, 'open');

  let tl = await srv.request('GET', `/api/v1/test_orders/${o.id}/timeline`, { as: mgr });
  assert.equal(tl.status, 200);
  assert.deepEqual(tl.json.items.map((e) => [e.kind, e.public, e.to]), [['created', true, 'open']]);

  const st = await srv.request('POST', `/api/v1/test_orders/${o.id}/transitions/start`, { as: mgr, body: { version: o.version } });
  assert.equal(st.status, 200, st.text);
  const reply = await srv.request('POST', `/api/v1/test_orders/${o.id}/comments`, { as: mgr, body: { body: 'Взяли в работу', public: true } });
  assert.equal(reply.status, 201, reply.text);
  const note = await srv.request('POST', `/api/v1/test_orders/${o.id}/comments`, { as: mgr, body: { body: 'Внутренняя заметка' } });
  assert.equal(note.status, 201, note.text);
  assert.ok(note.json.id > reply.json.id);

  tl = await srv.request('GET', `/api/v1/test_orders/${o.id}/timeline`, { as: mgr });
  const items = tl.json.items;
  assert.deepEqual(items.map((e) => e.kind), ['created', 'status', 'reply', 'note']);
  assert.deepEqual([items[1].from, items[1].to, items[1].public], ['open', 'in_work', true]);
  assert.deepEqual([items[2].id, items[2].body, items[2].public], [reply.json.id, 'Взяли в работу', true]);
  assert.deepEqual([items[3].id, items[3].body, items[3].public], [note.json.id, 'Внутренняя заметка', false]);
  for (const e of items.slice(1)) assert.equal(e.user_id, mgr.user.id);
  assert.ok(items[3].user_name);

  const auditor = await srv.as('admin');
  const audit = await srv.request('GET', `/api/v1/audit?entity=test_orders&record_id=${o.id}&limit=50`, { as: auditor });
  assert.equal(audit.status, 200, audit.text);
  assert.deepEqual(audit.json.items.map((e) => e.action).reverse(), ['create', 'start', 'reply', 'note']);

  // a request's timeline is the same shape through the same route
  const req = await srv.request('POST', '/api/v1/requests', { as: mgr, body: { subject: 'Рядом', channel: 'phone', type: 'repair', priority: 'normal' } });
  const rtl = await srv.request('GET', `/api/v1/requests/${req.json.id}/timeline`, { as: mgr });
  assert.deepEqual(rtl.json.items.map((e) => e.kind), ['created']);
  // events are the record's own: the order's comments are not on the request
  assert.ok(!rtl.json.items.some((e) => e.id === reply.json.id));
});

test('bad comments, unknown records, entities without a timeline and roles without the permission change nothing', async () => {
  const mgr = await srv.as('manager');
  const store = await srv.as('storekeeper');
  const o = await newOrder();
  const path = `/api/v1/test_orders/${o.id}`;
  assertError(await srv.request('POST', `${path}/comments`, { as: mgr, body: { body: '   ' } }), 422, 'validation_failed', { body: 'required' });
  assertError(await srv.request('POST', `${path}/comments`, { as: mgr, body: { body: 'я'.repeat(10001) } }), 422, 'validation_failed', { body: 'too_long' });
  assertError(await srv.request('POST', `${path}/comments`, { as: mgr, body: { text: 'x' } }), 422);
  assertError(await srv.request('POST', `${path}/comments`, { as: mgr, raw: '{' }), 400);
  assertError(await srv.request('POST', '/api/v1/test_orders/999999/comments', { as: mgr, body: { body: 'x' } }), 404);
  assertError(await srv.request('GET', '/api/v1/test_orders/999999/timeline', { as: mgr }), 404);
  assertError(await srv.request('GET', '/api/v1/test_orders/abc/timeline', { as: mgr }), 404);
  assertError(await srv.request('GET', '/api/v1/clients/1/timeline', { as: mgr }), 404);
  assertError(await srv.request('POST', '/api/v1/clients/1/comments', { as: mgr, body: { body: 'x' } }), 404);
  assertError(await srv.request('GET', '/api/v1/no_such/1/timeline', { as: mgr }), 404);
  // the storekeeper reads (requests.read) but may not write (requests.write)
  assert.equal((await srv.request('GET', `${path}/timeline`, { as: store })).status, 200);
  assertError(await srv.request('POST', `${path}/comments`, { as: store, body: { body: 'x' } }), 403);
  assertError(await srv.request('GET', `${path}/timeline`), 401);
  const tl = await srv.request('GET', `${path}/timeline`, { as: mgr });
  assert.deepEqual(tl.json.items.map((e) => e.kind), ['created']);
});

test('the public page of the second entity: declared fields and event kinds only, one 404 for any wrong half', async () => {
  const mgr = await srv.as('manager');
  const o = await newOrder('Публичная страница', 'секретное');
  await srv.request('POST', `/api/v1/test_orders/${o.id}/transitions/start`, { as: mgr, body: { version: o.version } });
  await srv.request('POST', `/api/v1/test_orders/${o.id}/comments`, { as: mgr, body: { body: 'Ответ клиенту', public: true } });
  await srv.request('POST', `/api/v1/test_orders/${o.id}/comments`, { as: mgr, body: { body: 'Не для клиента' } });

  const page = await srv.request('GET', publicPath('test_orders', o.number, o.access_code), { addr: nextAddr() });
  assert.equal(page.status, 200, page.text);
  const p = page.json;
  assert.deepEqual(Object.keys(p).sort(), ['created_at', 'entity', 'fields', 'number', 'status', 'subject', 'timeline', 'updated_at']);
  assert.deepEqual([p.entity, p.number, p.status, p.subject], ['test_orders', o.number, 'in_work', 'Публичная страница']);
  assert.deepEqual(p.fields.map((f) => [f.name, f.label, f.type]),
    [['number', 'test_order.number', 'text'], ['status', 'test_order.status', 'enum'], ['subject', 'test_order.subject', 'text']]);
  // "created" is public but not a kind the view shows; the note is internal
  assert.deepEqual(p.timeline.map((e) => e.kind), ['status', 'reply']);
  assert.equal(p.timeline[1].body, 'Ответ клиенту');
  assert.ok(!JSON.stringify(p).includes('секретное'));
  assert.ok(!JSON.stringify(p).includes('Не для клиента'));
  assert.ok(!('user_name' in p.timeline[0]));

  const wrongCode = await srv.request('GET', publicPath('test_orders', o.number, o.access_code === '000000' ? '000001' : '000000'), { addr: nextAddr() });
  const wrongNumber = await srv.request('GET', publicPath('test_orders', 'T-1999-000001', o.access_code), { addr: nextAddr() });
  const noCode = await srv.request('GET', publicPath('test_orders', o.number), { addr: nextAddr() });
  const noPage = await srv.request('GET', publicPath('clients', o.number, o.access_code), { addr: nextAddr() });
  const noEntity = await srv.request('GET', publicPath('no_such', o.number, o.access_code), { addr: nextAddr() });
  for (const r of [wrongCode, wrongNumber, noCode, noPage, noEntity]) assertError(r, 404, 'not_found');
  for (const r of [wrongNumber, noCode, noPage, noEntity]) assert.deepEqual(r.json, wrongCode.json);
  // a request's number and code do not open the order's page, nor the reverse
  assertError(await srv.request('GET', publicPath('requests', o.number, o.access_code), { addr: nextAddr() }), 404);
});

test('the requests\' page is the same handler under both addresses; wrong pairs are counted across entities', async () => {
  const mgr = await srv.as('manager');
  const r = await srv.request('POST', '/api/v1/requests', { as: mgr, body: { subject: 'Статус', channel: 'phone', type: 'repair', priority: 'normal' } });
  await srv.request('POST', `/api/v1/requests/${r.json.id}/comments`, { as: mgr, body: { body: 'Заметка', public: false } });
  const old = await srv.request('GET', `/api/v1/public/status?number=${encodeURIComponent(r.json.number)}&code=${r.json.access_code}`, { addr: nextAddr() });
  const generic = await srv.request('GET', publicPath('requests', r.json.number, r.json.access_code), { addr: nextAddr() });
  assert.equal(old.status, 200, old.text);
  assert.deepEqual(generic.json, old.json);
  assert.deepEqual([old.json.number, old.json.status, old.json.subject], [r.json.number, 'new', 'Статус']);
  assert.deepEqual(old.json.timeline.map((e) => e.kind), ['created']);

  // ten wrong pairs from one address, spread over entities, block it everywhere
  const o = await newOrder();
  const addr = nextAddr();
  const entities = ['test_orders', 'requests', 'clients', 'no_such'];
  for (let i = 0; i < 10; i++) {
    const w = await srv.request('GET', publicPath(entities[i % 4], o.number, String(100000 + i)), { addr });
    assert.equal(w.status, 404);
  }
  assertError(await srv.request('GET', publicPath('test_orders', o.number, o.access_code), { addr }), 429, 'rate_limited');
  assertError(await srv.request('GET', `/api/v1/public/status?number=${encodeURIComponent(r.json.number)}&code=${r.json.access_code}`, { addr }), 429);
  // another address is not held back
  assert.equal((await srv.request('GET', publicPath('test_orders', o.number, o.access_code), { addr: nextAddr() })).status, 200);
});

test('deleting a record deletes its events; a new record never shows them', async () => {
  const mgr = await srv.as('manager');
  const o = await newOrder();
  await srv.request('POST', `/api/v1/test_orders/${o.id}/comments`, { as: mgr, body: { body: 'до удаления' } });
  const del = await srv.request('DELETE', `/api/v1/test_orders/${o.id}?version=${o.version}`, { as: mgr });
  assert.equal(del.status, 204, del.text);
  assertError(await srv.request('GET', `/api/v1/test_orders/${o.id}/timeline`, { as: mgr }), 404);
  const next = await newOrder();
  const tl = await srv.request('GET', `/api/v1/test_orders/${next.id}/timeline`, { as: mgr });
  assert.deepEqual(tl.json.items.map((e) => e.kind), ['created']);
});

test('migration 016 carries the requests\' events over with their ids, authors and kinds; new events continue after them', async () => {
  const db = await makeDb();
  try {
    runOk(['migrate', '--db', db.url, '--to', '15']);
    const at = '2025-03-04T05:06:07Z';
    runOk(['test-sql', '--db', db.url], {
      input: `
INSERT INTO users (id, version, created_at, updated_at, login, name, role, active, password_hash)
VALUES (7, 1, '${at}', '${at}', 'old', 'Старый Инженер', 'technician', 1, 'x');
INSERT INTO requests (id, version, created_at, updated_at, number, status, channel, type, priority,
                      subject, access_code)
VALUES (3, 1, '${at}', '${at}', 'О-2025-000003', 'in_progress', 'email', 'repair', 'normal',
        'Старая заявка', '123456');
INSERT INTO request_events (id, request_id, at, user_id, kind, public, body, from_state, to_state, author)
VALUES (5, 3, '${at}', NULL, 'created', 1, NULL, NULL, 'new', NULL),
       (7, 3, '${at}', 7, 'status', 1, NULL, 'new', 'in_progress', NULL),
       (20, 3, '${at}', 7, 'note', 0, 'Внутреннее', NULL, NULL, NULL),
       (42, 3, '${at}', NULL, 'client_reply', 1, 'Спасибо', NULL, NULL, 'Иван <ivan@example.ru>');
`,
    });
    runOk(['migrate', '--db', db.url]);
    runOk(['user', 'add', '--login', 'boss', '--role', 'admin', '--db', db.url, '--password-stdin'], { input: 'boss12345\n' });
    const s = await startServe(db.url);
    try {
      const api = client(s.base);
      const boss = await api.login('boss', 'boss12345');
      assert.equal(boss.status, 200, boss.text);
      const tl = await api.request('GET', '/api/v1/requests/3/timeline', { as: boss });
      assert.equal(tl.status, 200, tl.text);
      const ev = (e) => ({ user_id: null, user_name: null, author: null, body: null, from: null, to: null, ...e });
      assert.deepEqual(tl.json.items, [
        ev({ id: 5, at, user_id: null, kind: 'created', public: true, to: 'new' }),
        ev({ id: 7, at, user_id: 7, user_name: 'Старый Инженер', kind: 'status', public: true, from: 'new', to: 'in_progress' }),
        ev({ id: 20, at, user_id: 7, user_name: 'Старый Инженер', kind: 'note', public: false, body: 'Внутреннее' }),
        ev({ id: 42, at, user_id: null, author: 'Иван <ivan@example.ru>', kind: 'client_reply', public: true, body: 'Спасибо' }),
      ]);
      const page = await api.request('GET', `/api/v1/public/status?number=${encodeURIComponent('О-2025-000003')}&code=123456`, { addr: nextAddr() });
      assert.equal(page.status, 200, page.text);
      assert.deepEqual(page.json.timeline.map((e) => e.kind), ['created', 'status', 'client_reply']);
      // the id generators moved past the carried ids (PostgreSQL's too)
      const c = await api.request('POST', '/api/v1/requests/3/comments', { as: boss, body: { body: 'Новое' } });
      assert.equal(c.status, 201, c.text);
      assert.ok(c.json.id > 42, `a new event id ${c.json.id} after 42`);
      assert.ok(boss.user.id > 7, `a new user id ${boss.user.id} after 7`);
    } finally {
      await s.stop();
    }
  } finally {
    db.cleanup();
  }
});

test('a record without a public page takes notes, not replies to a client: 422 public no_public_page, nothing added', async () => {
  const mgr = await srv.as('manager');
  const partner = await srv.request('POST', '/api/v1/service_partners', { as: mgr, body: { name: 'АСЦ «Примета» ' + Date.now(), kind: 'asc' } });
  assert.equal(partner.status, 201, partner.text);
  const ship = await srv.request('POST', '/api/v1/shipments', { as: mgr, body: { partner_id: partner.json.id } });
  assert.equal(ship.status, 201, ship.text);
  const before = (await srv.request('GET', `/api/v1/shipments/${ship.json.id}/timeline`, { as: mgr })).json.items.length;
  assertError(await srv.request('POST', `/api/v1/shipments/${ship.json.id}/comments`, { as: mgr, body: { body: 'Клиенту', public: true } }),
    422, 'validation_failed', { public: 'no_public_page' });
  assert.equal((await srv.request('GET', `/api/v1/shipments/${ship.json.id}/timeline`, { as: mgr })).json.items.length, before);
  const note = await srv.request('POST', `/api/v1/shipments/${ship.json.id}/comments`, { as: mgr, body: { body: 'Себе', public: false } });
  assert.equal(note.status, 201, note.text);
});
