// knowledge.test.mjs — knowledge articles suggested for a request's
// equipment, and consultations logged in one step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testDb, run, serve, login, call } from '../lib.mjs';

let db, srv, mgr, eng, sales, model, other, unit, client;

before(async () => {
  db = testDb();
  run(['demo', '--scale', '5', '--requests', '0', '--db', db.url]);
  srv = await serve(db.url);
  mgr = await login(srv.base, 'manager', 'demo12345', '10.80.0.1');
  eng = await login(srv.base, 'engineer', 'demo12345', '10.80.0.2');
  sales = await login(srv.base, 'sales', 'demo12345', '10.80.0.3');
  model = (await call(srv.base, mgr, 'POST', '/api/v1/equipment_models', { brand: 'Saeco', model: 'Test-K1', category: 'Кофемашины-тест' })).json;
  other = (await call(srv.base, mgr, 'POST', '/api/v1/equipment_models', { brand: 'Bosch', model: 'Drill-1', category: 'Электроинструмент' })).json;
  client = (await call(srv.base, mgr, 'POST', '/api/v1/clients', { kind: 'person', name: 'Клиент Знаний' })).json;
  unit = (await call(srv.base, mgr, 'POST', '/api/v1/equipment_units', { model_id: model.id, serial: 'K-1', client_id: client.id })).json;
});

after(async () => {
  await srv?.stop();
  db?.stop();
});

test('an article applies to further models: suggested on their requests; a model listed twice is refused; gone with its article', async () => {
  const third = (await call(srv.base, mgr, 'POST', '/api/v1/equipment_models', { brand: 'DeLonghi', model: 'Magnifica-T', category: 'Кофемашины-2' })).json;
  const u3 = (await call(srv.base, mgr, 'POST', '/api/v1/equipment_units', { model_id: third.id, serial: 'M-3', client_id: client.id })).json;
  const art = (await call(srv.base, mgr, 'POST', '/api/v1/articles', { title: 'Ошибка «нет воды» у кофемашин', body: 'Проверьте поплавок бака…', model_id: model.id })).json;
  const req = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Пишет «нет воды»', unit_id: u3.id })).json;
  const before = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${req.id}/articles`)).json.items.map((a) => a.id);
  assert.ok(!before.includes(art.id), 'not yet: the article names another model');
  const link = await call(srv.base, mgr, 'POST', '/api/v1/article_models', { article_id: art.id, model_id: third.id });
  assert.equal(link.status, 201, link.text);
  assert.equal(link.json.model_id_label, 'DeLonghi Magnifica-T');
  const after = (await call(srv.base, mgr, 'GET', `/api/v1/requests/${req.id}/articles`)).json.items.map((a) => a.id);
  assert.equal(after[0], art.id, 'suggested first: it names the model');
  const twice = await call(srv.base, mgr, 'POST', '/api/v1/article_models', { article_id: art.id, model_id: third.id });
  assert.ok([409, 422].includes(twice.status), twice.text);
  const bad = await call(srv.base, mgr, 'POST', '/api/v1/article_models', { article_id: art.id, model_id: 999999 });
  assert.equal(bad.status, 422, bad.text);
  const moved = await call(srv.base, mgr, 'PATCH', `/api/v1/article_models/${link.json.id}`, { version: link.json.version, article_id: 1 });
  assert.equal(moved.status, 422, 'a link does not move to another article');
  assert.equal((await call(srv.base, sales, 'POST', '/api/v1/article_models', { article_id: art.id, model_id: other.id })).status, 201, 'who writes requests may write links');
  assert.equal((await call(srv.base, mgr, 'DELETE', `/api/v1/articles/${art.id}`)).status, 204);
  assert.deepEqual((await call(srv.base, mgr, 'GET', `/api/v1/article_models?article_id=${art.id}`)).json.items, []);
});

test('articles for the model and its category are suggested on a request; drafts and other categories are not', async () => {
  const own = await call(srv.base, mgr, 'POST', '/api/v1/articles', { title: 'Декальцинация Saeco', body: 'Залейте средство…', model_id: model.id });
  const cat = await call(srv.base, mgr, 'POST', '/api/v1/articles', { title: 'Чистка кофемашин', body: 'Раз в месяц…', category: 'Кофемашины-тест' });
  await call(srv.base, mgr, 'POST', '/api/v1/articles', { title: 'Черновик', body: '…', model_id: model.id, published: false });
  await call(srv.base, mgr, 'POST', '/api/v1/articles', { title: 'Дрели', body: '…', model_id: other.id });
  assert.equal(own.status, 201);
  const req = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Течёт', unit_id: unit.id })).json;
  const s = await call(srv.base, mgr, 'GET', `/api/v1/requests/${req.id}/articles`);
  assert.deepEqual(s.json.items.map((a) => a.id), [own.json.id, cat.json.id]);
  const found = await call(srv.base, eng, 'GET', `/api/v1/articles?q=${encodeURIComponent('декальцин')}`);
  assert.ok(found.json.items.some((a) => a.id === own.json.id));
  const none = (await call(srv.base, mgr, 'POST', '/api/v1/requests', { subject: 'Без техники' })).json;
  assert.deepEqual((await call(srv.base, mgr, 'GET', `/api/v1/requests/${none.id}/articles`)).json.items, []);
});

test('a consultation in one step: a closed consultation request with the answer as a reply and its length', async () => {
  const r = await call(srv.base, eng, 'POST', '/api/v1/consultations', { client_id: client.id, unit_id: unit.id, question: 'Как включить режим эко?', answer: 'Удерживайте кнопку 3 секунды.', duration_minutes: 7 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.type, 'consultation');
  assert.equal(r.json.status, 'closed');
  assert.equal(r.json.duration_minutes, 7);
  assert.equal(r.json.subject, 'Как включить режим эко?');
  assert.equal(r.json.client_id, client.id);
  const tl = await call(srv.base, eng, 'GET', `/api/v1/requests/${r.json.id}/timeline`);
  assert.deepEqual(tl.json.items.map((e) => e.kind), ['created', 'reply', 'status', 'status', 'status']);
  assert.equal(tl.json.items[1].body, 'Удерживайте кнопку 3 секунды.');
  const bad = await call(srv.base, eng, 'POST', '/api/v1/consultations', { question: ' ', answer: '', duration_minutes: 9999 });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.json.error.fields, { answer: 'required', question: 'required', duration_minutes: 'too_large' });
  const ghost = await call(srv.base, eng, 'POST', '/api/v1/consultations', { client_id: 99999, question: 'q', answer: 'a' });
  assert.equal(ghost.status, 422);
  assert.equal(ghost.json.error.fields.client_id, 'not_found');
  assert.equal((await call(srv.base, sales, 'POST', '/api/v1/consultations', { question: 'q', answer: 'a' })).status, 403);
  const consultations = await call(srv.base, eng, 'GET', '/api/v1/requests?type=consultation&status=closed');
  assert.ok(consultations.json.items.some((x) => x.id === r.json.id));
});
