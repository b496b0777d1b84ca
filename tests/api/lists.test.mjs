// lists.test.mjs — list filters, sorting, keyset pagination and search (q):
// Cyrillic and Latin case, ё = е, word prefixes, phone digits.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError, uid, walk, byteCmp } from './harness.mjs';

const srv = useServer();
let admin;
const made = {};

before(async () => {
  admin = await srv.as('admin');
  const mk = async (key, body) => {
    const r = await srv.request('POST', '/api/v1/clients', { as: admin, body });
    assert.equal(r.status, 201, r.text);
    made[key] = r.json;
  };
  await mk('ivanov', { kind: 'person', name: 'Иванов Сергей Петрович', pd_consent: true });
  await mk('semenov', { kind: 'person', name: 'Семёнов Пётр', phone: '+7 (912) 345-67-89' });
  await mk('elkin', { kind: 'person', name: 'Елкин Олег' });
  await mk('printer', { kind: 'company', name: 'ООО «Ромашка»', notes: 'Ремонт Принтера HP, забрать в пятницу' });
  await mk('latin', { kind: 'company', name: 'Kyocera Document Solutions', email: 'Service@Kyocera.RU' });
  // several with the same name, to test ties
  for (let i = 0; i < 5; i++) await mk(`twin${i}`, { kind: 'person', name: 'Близнецов Один', pd_consent: i % 2 === 0 });
});

const list = async (qs) => {
  const r = await srv.request('GET', `/api/v1/clients?${qs}`, { as: admin });
  assert.equal(r.status, 200, `${qs}: ${r.text}`);
  return r.json.items;
};
const ids = (items) => items.map((x) => x.id);
const finds = async (q, key, res = 'clients') => {
  const r = await srv.request('GET', `/api/v1/${res}?limit=200&q=${encodeURIComponent(q)}`, { as: admin });
  assert.equal(r.status, 200, r.text);
  return r.json.items.some((c) => c.id === made[key].id);
};

// ---- filters --------------------------------------------------------------------

test('an enum filter takes several values separated by commas', async () => {
  const both = ids(await list('kind=person,company&limit=200'));
  const people = ids(await list('kind=person&limit=200'));
  const companies = ids(await list('kind=company&limit=200'));
  assert.ok(people.length && companies.length);
  assert.deepEqual([...both].sort(), [...people, ...companies].sort());
  for (const bad of ['kind=person,robot', 'kind=person,,company', 'kind=person,', `kind=${Array(9).fill('person').join(',')}`, "kind=person'%20OR%201=1--"]) {
    assertError(await srv.request('GET', `/api/v1/clients?${bad}`, { as: admin }), 400, 'malformed');
  }
});

test('filters: kind=company returns exactly the companies', async () => {
  const all = (await walk(srv, '/api/v1/clients', admin, { limit: 200 })).items;
  const companies = (await walk(srv, '/api/v1/clients?kind=company', admin, { limit: 200 })).items;
  assert.ok(companies.length > 0);
  assert.ok(companies.every((c) => c.kind === 'company'));
  assert.deepEqual(ids(companies).sort(), ids(all.filter((c) => c.kind === 'company')).sort());
  const persons = await list('kind=person&limit=200');
  assert.ok(persons.every((c) => c.kind === 'person'));
  assert.equal(persons.length + companies.length, all.length);
});

test('filters: pd_consent=true / false, and several filters together', async () => {
  const all = (await walk(srv, '/api/v1/clients', admin, { limit: 200 })).items;
  const yes = await list('pd_consent=true&limit=200');
  const no = await list('pd_consent=false&limit=200');
  assert.deepEqual(ids(yes).sort(), ids(all.filter((c) => c.pd_consent === true)).sort());
  assert.deepEqual(ids(no).sort(), ids(all.filter((c) => c.pd_consent === false)).sort());
  assert.ok(yes.some((c) => c.id === made.ivanov.id));
  const both = await list('pd_consent=true&kind=person&limit=200');
  assert.deepEqual(ids(both).sort(), ids(all.filter((c) => c.pd_consent && c.kind === 'person')).sort());
  assert.deepEqual(ids(await list('pd_consent=1&limit=200')).sort(), ids(yes).sort(), '1 means true');
});

test('filters: client_id on contacts, model_id on units, phone (normalised) on clients', async () => {
  const c = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'company', name: 'ООО «Фильтр» ' + uid() } });
  const mine = [];
  for (const n of ['Первый', 'Второй', 'Третий']) mine.push((await srv.request('POST', '/api/v1/contacts', { as: admin, body: { client_id: c.json.id, name: n } })).json.id);
  const r = await srv.request('GET', `/api/v1/contacts?client_id=${c.json.id}`, { as: admin });
  assert.deepEqual(ids(r.json.items).sort(), mine.sort());
  assert.ok(r.json.items.every((x) => x.client_id === c.json.id));
  const none = await srv.request('GET', '/api/v1/contacts?client_id=999999', { as: admin });
  assert.deepEqual(none.json.items, []);
  const byPhone = await list(`phone=${encodeURIComponent('8 (912) 345-67-89')}`);
  assert.deepEqual(ids(byPhone), [made.semenov.id]);
});

// ---- sorting ---------------------------------------------------------------------

test('sort: the default is newest first (-id)', async () => {
  const items = await list('limit=200');
  const got = ids(items);
  assert.deepEqual(got, [...got].sort((a, b) => b - a));
});

test('sort=name ascending, -name descending (code-point order), ties broken by id', async () => {
  const asc = (await walk(srv, '/api/v1/clients?sort=name', admin, { limit: 200 })).items;
  const desc = (await walk(srv, '/api/v1/clients?sort=-name', admin, { limit: 200 })).items;
  const cmpAsc = (a, b) => byteCmp(a.name, b.name) || a.id - b.id;
  assert.deepEqual(ids(asc), ids([...asc].sort(cmpAsc)));
  const cmpDesc = (a, b) => byteCmp(b.name, a.name) || b.id - a.id;
  assert.deepEqual(ids(desc), ids([...desc].sort(cmpDesc)));
  // the twins sit together, in id order
  const twins = asc.filter((c) => c.name === 'Близнецов Один').map((c) => c.id);
  assert.equal(twins.length, 5);
  assert.deepEqual(twins, [...twins].sort((a, b) => a - b));
});

test('sort by several keys: -created_at, then name, then id (in the direction of the last key)', async () => {
  const items = (await walk(srv, '/api/v1/clients?sort=-created_at,name', admin, { limit: 200 })).items;
  for (let i = 1; i < items.length; i++) {
    const a = items[i - 1], b = items[i];
    const c = byteCmp(b.created_at, a.created_at) || byteCmp(a.name, b.name) || a.id - b.id;
    assert.ok(c < 0, `order at ${i}: ${a.created_at}/${a.name}/${a.id} then ${b.created_at}/${b.name}/${b.id}`);
  }
  // units: a nullable key first (no date sorts as the empty string), then serial descending
  const units = (await walk(srv, '/api/v1/equipment_units?sort=purchase_date,-serial', admin, { limit: 200 })).items;
  assert.ok(units.some((u) => u.purchase_date === null) || units.length > 0);
  for (let i = 1; i < units.length; i++) {
    const a = units[i - 1], b = units[i];
    const c = byteCmp(a.purchase_date ?? '', b.purchase_date ?? '') || byteCmp(b.serial, a.serial) || b.id - a.id;
    assert.ok(c < 0, `unit order at ${i}: ${a.purchase_date}/${a.serial} then ${b.purchase_date}/${b.serial}`);
  }
  // created_at and updated_at are sortable too
  const byUpdate = await list('sort=-updated_at&limit=200');
  for (let i = 1; i < byUpdate.length; i++) assert.ok(byUpdate[i - 1].updated_at >= byUpdate[i].updated_at);
});

test('sorting on other resources: equipment models by brand then model', async () => {
  const r = (await walk(srv, '/api/v1/equipment_models?sort=brand,model', admin, { limit: 200 })).items;
  for (let i = 1; i < r.length; i++) {
    const c = byteCmp(r[i - 1].brand, r[i].brand) || byteCmp(r[i - 1].model, r[i].model);
    assert.ok(c <= 0, `${r[i - 1].brand} ${r[i - 1].model} before ${r[i].brand} ${r[i].model}`);
  }
});

// ---- pagination ------------------------------------------------------------------

for (const [label, res, qs, limit] of [
  ['a filtered list sorted by name', 'clients', 'kind=person&sort=name', 3],
  ['a list sorted by a key with many ties (created_at)', 'clients', 'sort=created_at', 4],
  ['a list sorted by several keys, descending', 'clients', 'sort=-created_at,-name', 5],
  ['the default order', 'clients', '', 7],
  ['a search', 'clients', 'q=' + encodeURIComponent('близнецов'), 2],
  ['units sorted by a nullable date, then serial', 'equipment_units', 'sort=-purchase_date,serial', 6],
  ['contacts sorted by name, descending', 'contacts', 'sort=-name', 4],
]) {
  test(`cursor pagination walks every record of ${label} exactly once, in order`, async () => {
    const sep = qs ? '&' : '';
    const r = await srv.request('GET', `/api/v1/${res}?${qs}${sep}limit=200`, { as: admin });
    assert.equal(r.status, 200, r.text);
    const full = r.json.items;
    assert.equal(r.json.next_cursor, null, 'the reference fits one page');
    assert.ok(full.length > limit, 'more than one page');
    const { items, pages } = await walk(srv, `/api/v1/${res}${qs ? '?' + qs : ''}`, admin, { limit });
    const seen = new Set();
    for (const c of items) {
      assert.ok(!seen.has(c.id), `no duplicates (${c.id})`);
      seen.add(c.id);
    }
    assert.deepEqual(ids(items), ids(full), 'the same records in the same order as one big page');
    assert.equal(pages, Math.ceil(full.length / limit));
  });
}

test('fields not marked sortable in meta are refused as sort keys', async () => {
  for (const key of ['pd_consent_date', 'kind', 'phone', 'email', 'inn'])
    assertError(await srv.request('GET', `/api/v1/clients?sort=${key}`, { as: admin }), 400, 'malformed');
  // meta names exactly the sortable fields
  const meta = await srv.request('GET', '/api/v1/meta', { as: admin });
  const sortable = meta.json.entities.find((e) => e.name === 'clients').fields.filter((f) => f.sort).map((f) => f.name);
  for (const f of sortable) assert.equal((await srv.request('GET', `/api/v1/clients?sort=-${f}`, { as: admin })).status, 200, f);
});

test('records added while paging do not disturb the pages already cut (keyset, not offset)', async () => {
  const first = await srv.request('GET', '/api/v1/clients?sort=name&limit=5', { as: admin });
  const lastName = first.json.items.at(-1).name;
  // a client that sorts before everything seen so far
  await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'person', name: 'Ааааа Первый ' + uid() } });
  const second = await srv.request('GET', `/api/v1/clients?sort=name&limit=5&cursor=${first.json.next_cursor}`, { as: admin });
  assert.equal(second.status, 200);
  const seen = new Set(ids(first.json.items));
  assert.ok(second.json.items.every((c) => !seen.has(c.id)), 'no record twice');
  assert.ok(second.json.items.every((c) => byteCmp(c.name, lastName) >= 0), 'the next page starts after the last one seen');
});

// ---- search ------------------------------------------------------------------------

test('search: Cyrillic without regard to case («ИВАНОВ» finds «Иванов»)', async () => {
  for (const q of ['ИВАНОВ', 'иванов', 'ИвАнОв', 'иванов сергей', 'СЕРГЕЙ ПЕТРОВИЧ']) assert.ok(await finds(q, 'ivanov'), q);
  assert.ok(!(await finds('ИВАНОВ', 'semenov')), 'and only the matching ones');
});

test('search: ё equals е in both directions («семенов петр» finds «Семёнов Пётр», «Ёлкин» finds «Елкин»)', async () => {
  for (const q of ['семенов петр', 'СЕМЕНОВ', 'семёнов', 'Пётр', 'петр']) assert.ok(await finds(q, 'semenov'), q);
  for (const q of ['Ёлкин', 'ёлкин', 'ЕЛКИН', 'елк']) assert.ok(await finds(q, 'elkin'), q);
});

test('search: each word matches as a prefix («принтер» finds «Принтера»); every word must match', async () => {
  for (const q of ['принтер', 'Принт', 'ремонт принтер', 'пятниц', 'ромашк']) assert.ok(await finds(q, 'printer'), q);
  assert.ok(!(await finds('ринтер', 'printer')), 'prefixes, not infixes');
  assert.ok(!(await finds('принтер кузнецов', 'printer')), 'every word must match');
  assert.ok(!(await finds('семенов кузнецов', 'semenov')));
});

test('search: phone numbers by their digits, in the forms people type', async () => {
  for (const q of ['9123456789', '89123456789', '+79123456789', '8 912 345', '8 (912) 345-67-89', '+7 912 345 67 89', '912345', '912-345'])
    assert.ok(await finds(q, 'semenov'), q);
  assert.ok(!(await finds('9123456780', 'semenov')), 'another number does not match');
});

test('search: Latin without regard to case, and e-mail addresses', async () => {
  for (const q of ['kyocera', 'KYOCERA', 'KyOcErA document', 'solut']) assert.ok(await finds(q, 'latin'), q);
  assert.ok(await finds('service@kyocera', 'latin'), 'e-mail');
});

test('search together with a filter and a sort', async () => {
  const r = await list(`q=${encodeURIComponent('близнецов')}&pd_consent=true&sort=-id`);
  const twins = [0, 2, 4].map((i) => made[`twin${i}`].id).sort((a, b) => b - a);
  assert.deepEqual(ids(r), twins);
  assert.deepEqual(await list(`q=${encodeURIComponent('близнецов')}&kind=company`), []);
});

test('search follows changes: a renamed record is found by its new name only; a deleted one not at all', async () => {
  const c = await srv.request('POST', '/api/v1/clients', { as: admin, body: { kind: 'person', name: 'Прежнефамильный Антон' } });
  made.renamed = c.json;
  assert.ok(await finds('прежнефамильный', 'renamed'));
  await srv.request('PATCH', `/api/v1/clients/${c.json.id}`, { as: admin, body: { version: 1, name: 'Новофамильный Антон' } });
  assert.ok(!(await finds('прежнефамильный', 'renamed')), 'the old name is gone from the index');
  assert.ok(await finds('новофамильный', 'renamed'));
  assert.equal((await srv.request('DELETE', `/api/v1/clients/${c.json.id}`, { as: admin })).status, 204);
  assert.deepEqual(await list(`q=${encodeURIComponent('новофамильный')}`), []);
});

test('search on other resources: contacts, units by serial, users by login, branches', async () => {
  const co = await srv.request('POST', '/api/v1/contacts', { as: admin, body: { client_id: made.printer.id, name: 'Щукина Алёна', phone: '8 903 111 22 33' } });
  made.contact = co.json;
  assert.ok(await finds('алена щукина', 'contact', 'contacts'));
  assert.ok(await finds('9031112233', 'contact', 'contacts'));
  const model = await srv.request('POST', '/api/v1/equipment_models', { as: admin, body: { brand: 'Xerox', model: 'B210-' + uid() } });
  const unit = await srv.request('POST', '/api/v1/equipment_units', { as: admin, body: { model_id: model.json.id, serial: 'ZXQ' + uid().toUpperCase() } });
  made.unit = unit.json;
  assert.ok(await finds(unit.json.serial.toLowerCase(), 'unit', 'equipment_units'));
  assert.ok(await finds(unit.json.serial.slice(0, 6), 'unit', 'equipment_units'));
  made.engineer = (await srv.as('technician')).user;
  assert.ok(await finds('ENGINEER', 'engineer', 'users'));
  const b = await srv.request('POST', '/api/v1/branches', { as: admin, body: { name: 'Филиал Нижний Новгород ' + uid() } });
  made.branch = b.json;
  assert.ok(await finds('нижний новг', 'branch', 'branches'));
});

test('search: punctuation and operators in q are plain text', async () => {
  for (const q of ['"', '*', 'OR', 'AND NOT', '(', ')', ':', '-', '^', 'NEAR(a b)', 'иванов*', '"иванов"', 'name:иванов']) {
    const r = await srv.request('GET', `/api/v1/clients?q=${encodeURIComponent(q)}`, { as: admin });
    assert.equal(r.status, 200, `q=${q}: ${r.text}`);
  }
  assert.ok(await finds('"иванов"', 'ivanov'), 'quotes are ignored');
  assert.ok(await finds('иванов,', 'ivanov'), 'punctuation separates words');
});

test('a search on a resource without searchable fields is a 400, not a 500; a saved view with one is refused', async () => {
  const meta = (await srv.request('GET', '/api/v1/meta', { as: admin })).json;
  const plain = meta.entities.filter((e) => e.can_read && !e.fields.some((f) => f.search));
  // the ones the issue named, so that the list is never empty by mistake
  for (const name of ['contract_sla_terms', 'sla_policies', 'calendar_days', 'article_models', 'saved_views'])
    assert.ok(plain.some((e) => e.name === name), name);
  for (const e of plain) {
    const r = await srv.request('GET', `/api/v1/${e.name}?q=${encodeURIComponent('принтер')}`, { as: admin });
    assertError(r, 400, 'malformed');
    assert.match(r.json.error.message, /cannot be searched/, e.name);
    // an empty q is no search and still lists
    assert.equal((await srv.request('GET', `/api/v1/${e.name}?q=`, { as: admin })).status, 200, e.name);
    const v = await srv.request('POST', '/api/v1/saved_views', { as: admin, body: { resource: e.name, name: `Поиск ${e.name}`, query: 'q=принтер' } });
    assertError(v, 422, 'validation_failed', { query: 'invalid' });
  }
  // a searchable one still searches, and may be saved with its search
  assert.equal((await srv.request('GET', '/api/v1/clients?q=принтер', { as: admin })).status, 200);
  const ok = await srv.request('POST', '/api/v1/saved_views', { as: admin, body: { resource: 'clients', name: 'Принтеры', query: 'q=принтер' } });
  assert.equal(ok.status, 201, ok.text);
});
