// validation.test.mjs — field validation: one short code per field, the
// Russian formats (ИНН, КПП, phones), uniqueness, references, dates, and the
// values the server computes (consent date, warranty end).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, assertError, assertFields, uid, todayUTC, freshInn, innWithChecks } from './harness.mjs';

const srv = useServer();
const post = async (res, body) => srv.request('POST', `/api/v1/${res}`, { as: await srv.as('admin'), body });
const patch = async (res, id, body) => srv.request('PATCH', `/api/v1/${res}/${id}`, { as: await srv.as('admin'), body });

/** Fails unless a 422 left the table as it was. */
async function unchangedCount(res, fn) {
  const admin = await srv.as('admin');
  const count = async () => {
    let n = 0;
    let cursor = null;
    do {
      const r = await srv.request('GET', `/api/v1/${res}?limit=200${cursor ? '&cursor=' + cursor : ''}`, { as: admin });
      n += r.json.items.length;
      cursor = r.json.next_cursor;
    } while (cursor);
    return n;
  };
  const before = await count();
  await fn();
  assert.equal(await count(), before, `no ${res} were written`);
}

test('the check-digit helper agrees with the known examples', () => {
  assert.equal(innWithChecks('770708389'), '7707083893');
  assert.equal(innWithChecks('5001007322'), '500100732259');
});

test('required fields missing → 422 validation_failed with "required" for each, nothing written', async () => {
  await unchangedCount('clients', async () => {
    assertError(await post('clients', {}), 422, 'validation_failed', { kind: 'required', name: 'required' });
    assertError(await post('clients', { kind: 'person' }), 422, 'validation_failed', { name: 'required' });
    assertError(await post('clients', { kind: 'person', name: '  \t ' }), 422, 'validation_failed', { name: 'required' });
    assertError(await post('clients', { kind: 'person', name: null }), 422, 'validation_failed', { name: 'required' });
  });
  assertError(await post('contacts', {}), 422, 'validation_failed', { client_id: 'required', name: 'required' });
  assertError(await post('equipment_models', {}), 422, 'validation_failed', { brand: 'required', model: 'required' });
  assertError(await post('equipment_units', {}), 422, 'validation_failed', { model_id: 'required', serial: 'required' });
  assertError(await post('branches', {}), 422, 'validation_failed', { name: 'required' });
  assertError(await post('users', {}), 422, 'validation_failed', { login: 'required', name: 'required', role: 'required', password: 'required' });
  assertFields(await post('users', { login: 'nopass' + uid(), name: 'Без пароля', role: 'sales' }), { password: 'required' });
  assertFields(await post('requests', { channel: 'phone' }), { subject: 'required' });
});

test('too long → too_long, counted in characters (Cyrillic is two bytes each)', async () => {
  assertFields(await post('clients', { kind: 'person', name: 'x'.repeat(301) }), { name: 'too_long' });
  assertFields(await post('clients', { kind: 'person', name: 'я'.repeat(301) }), { name: 'too_long' });
  const exact = await post('clients', { kind: 'person', name: 'я'.repeat(300) });
  assert.equal(exact.status, 201, '300 Cyrillic letters fit a 300-character field');
  assert.equal(exact.json.name, 'я'.repeat(300));
  assertFields(await post('branches', { name: 'ф'.repeat(201) }), { name: 'too_long' });
  assertFields(await post('equipment_models', { brand: 'b'.repeat(101), model: 'm' }), { brand: 'too_long' });
  assertFields(await post('clients', { kind: 'person', name: 'Длинные заметки', notes: 'n'.repeat(4001) }), { notes: 'too_long' });
  assertFields(await post('users', { login: 'l'.repeat(65), name: 'x', role: 'sales', password: 'password-123' }), { login: 'too_long' });
});

test('text is trimmed of surrounding white space; empty optional text is null', async () => {
  const c = await post('clients', { kind: 'person', name: '  Пробелы Вокруг \n', address: '   ', notes: '\tвнутри  пробелы\t' });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.name, 'Пробелы Вокруг');
  assert.equal(c.json.address, null);
  assert.equal(c.json.notes, 'внутри  пробелы');
});

test('a value outside an enum → invalid_enum', async () => {
  assertFields(await post('clients', { kind: 'martian', name: 'x' }), { kind: 'invalid_enum' });
  assertFields(await post('clients', { kind: 'Person', name: 'x' }), { kind: 'invalid_enum' });
  assertFields(await post('branches', { name: 'Филиал ' + uid(), timezone: 'Europe/London' }), { timezone: 'invalid_enum' });
  assertFields(await post('users', { login: 'e' + uid(), name: 'x', role: 'boss', password: 'password-123' }), { role: 'invalid_enum' });
  assertFields(await post('requests', { subject: 's', channel: 'pigeon', type: 'x', priority: 'asap' }), { channel: 'invalid_enum', type: 'invalid_enum', priority: 'invalid_enum' });
  const b = await post('branches', { name: 'Филиал ' + uid() });
  assert.equal(b.status, 201);
  assert.equal(b.json.timezone, 'Europe/Moscow', 'the default time zone');
});

test('wrong JSON types → wrong_type, per field', async () => {
  assertError(await post('clients', { kind: 'person', name: 5 }), 422, 'validation_failed', { name: 'wrong_type' });
  assertError(await post('clients', { kind: 'person', name: ['Иванов'] }), 422, 'validation_failed', { name: 'wrong_type' });
  assertError(await post('clients', { kind: 'person', name: { a: 1 } }), 422, 'validation_failed', { name: 'wrong_type' });
  assertError(await post('clients', { kind: true, name: 'x' }), 422, 'validation_failed', { kind: 'wrong_type' });
  assertError(await post('clients', { kind: 'person', name: 'x', pd_consent: 'yes' }), 422, 'validation_failed', { pd_consent: 'wrong_type' });
  assertError(await post('clients', { kind: 'person', name: 'x', pd_consent: 1 }), 422, 'validation_failed', { pd_consent: 'wrong_type' });
  assertError(await post('clients', { kind: 'person', name: 'x', branch_id: '1' }), 422, 'validation_failed', { branch_id: 'wrong_type' });
  assertError(await post('clients', { kind: 'person', name: 'x', branch_id: 1.5 }), 422, 'validation_failed', { branch_id: 'wrong_type' });
  assertError(await post('equipment_models', { brand: 'b', model: 'm' + uid(), warranty_months: '12' }), 422, 'validation_failed', { warranty_months: 'wrong_type' });
  assertError(await post('clients', { kind: 'person', name: 'x', phone: 79123456789 }), 422, 'validation_failed', { phone: 'wrong_type' });
});

test('unknown fields → unknown_field (nothing is silently dropped)', async () => {
  assertError(await post('clients', { kind: 'person', name: 'x', wat: true }), 422, 'validation_failed', { wat: 'unknown_field' });
  assertError(await post('clients', { kind: 'person', name: 'x', password_hash: 'x' }), 422, 'validation_failed', { password_hash: 'unknown_field' });
  const c = await post('clients', { kind: 'person', name: 'Неизвестные поля' });
  assertError(await patch('clients', c.json.id, { version: 1, colour: 'red' }), 422, 'validation_failed', { colour: 'unknown_field' });
  // several problems at once are all reported
  const r = await post('clients', { kind: 'martian', name: 'x'.repeat(301), phone: 'call me', email: 'no-at-sign', inn: '1234567890',
    pd_consent_date: '2026-02-30', branch_id: 999999 });
  assertError(r, 422, 'validation_failed', { kind: 'invalid_enum', name: 'too_long', phone: 'invalid_phone', email: 'invalid_email',
    inn: 'invalid_inn', pd_consent_date: 'invalid_date', branch_id: 'not_found' });
});

test('read-only fields cannot be written', async () => {
  assertFields(await post('requests', { subject: 'x', channel: 'phone', status: 'closed' }), { status: 'read_only' });
  assertFields(await post('requests', { subject: 'x', channel: 'phone', number: 'О-1' }), { number: 'read_only' });
  assertFields(await post('requests', { subject: 'x', channel: 'phone', access_code: '000000' }), { access_code: 'read_only' });
});

test('ИНН: check digits verified; 10 digits for a company, 12 for a person; unique', async () => {
  for (const inn of ['7707083894', '500100732258', '500100732269', '123456789', '77070838931', '770708389X', 'abcdefghij'])
    assertFields(await post('clients', { kind: 'company', name: 'ООО «Плохой ИНН»', inn }), { inn: 'invalid_inn' });
  const company = await post('clients', { kind: 'company', name: 'ООО «Сбер-тест»', inn: '7707083893' });
  assert.equal(company.status, 201, company.text);
  assert.equal(company.json.inn, '7707083893');
  const person = await post('clients', { kind: 'person', name: 'Физлицо С ИНН', inn: '500100732259' });
  assert.equal(person.status, 201, person.text);
  const soleTrader = await post('clients', { kind: 'company', name: 'ИП Предприниматель', inn: freshInn(12) });
  assert.equal(soleTrader.status, 201, `a sole trader (company) with 12 digits: ${soleTrader.text}`);
  assertFields(await post('clients', { kind: 'person', name: 'Физлицо', inn: freshInn(10) }), { inn: 'invalid_inn' });
  // duplicates, on create and on update
  assertFields(await post('clients', { kind: 'company', name: 'Дубль', inn: '7707083893' }), { inn: 'duplicate' });
  assertFields(await post('clients', { kind: 'person', name: 'Дубль', inn: '500100732259' }), { inn: 'duplicate' });
  const other = await post('clients', { kind: 'company', name: 'ООО «Другой»', inn: freshInn(10) });
  assert.equal(other.status, 201, other.text);
  assertFields(await patch('clients', other.json.id, { version: 1, inn: '7707083893' }), { inn: 'duplicate' });
  // a record keeps its own ИНН on update
  const same = await patch('clients', company.json.id, { version: 1, notes: 'тот же ИНН', inn: '7707083893' });
  assert.equal(same.status, 200, same.text);
  // changing the kind to person with a 10-digit ИНН is refused
  assertFields(await patch('clients', company.json.id, { version: 2, kind: 'person' }), { inn: 'invalid_inn' });
});

test('КПП: 9 characters, for companies only', async () => {
  const ok = await post('clients', { kind: 'company', name: 'ООО «С КПП»', inn: freshInn(10), kpp: '773601001' });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.kpp, '773601001');
  assertFields(await post('clients', { kind: 'person', name: 'Физлицо с КПП', inn: freshInn(12), kpp: '773601001' }), { kpp: 'invalid_kpp' });
  assertFields(await post('clients', { kind: 'person', name: 'Физлицо с КПП' , kpp: '773601001' }), { kpp: 'invalid_kpp' });
  for (const kpp of ['77360100', '77360100A', 'abcdefghi', '7736-1001'])
    assertFields(await post('clients', { kind: 'company', name: 'ООО «Плохой КПП»', inn: freshInn(10), kpp }), { kpp: 'invalid_kpp' });
  const long = await post('clients', { kind: 'company', name: 'ООО «Длинный КПП»', inn: freshInn(10), kpp: '7736010011' });
  assertError(long, 422, 'validation_failed');
  assert.ok(['invalid_kpp', 'too_long'].includes(long.json.error.fields.kpp), long.text);
  // a КПП with letters in places 5–6 is valid
  const letters = await post('clients', { kind: 'company', name: 'ООО «Буквенный КПП»', inn: freshInn(10), kpp: '7736AB001' });
  assert.equal(letters.status, 201, letters.text);
});

test('phones: stored normalised as +7XXXXXXXXXX; nonsense → invalid_phone', async () => {
  for (const phone of ['8 (912) 345-67-89', '+7 912 345 67 89', '9123456789', '+7(912)345-67-89', '8-912-345-67-89']) {
    const c = await post('clients', { kind: 'person', name: 'Телефон ' + uid(), phone });
    assert.equal(c.status, 201, `${phone}: ${c.text}`);
    assert.equal(c.json.phone, '+79123456789', phone);
  }
  for (const phone of ['call me', '12345', '+7 912 345 67 89 00 11 22', '8 912 345 67 8a', '++79123456789'])
    assertFields(await post('clients', { kind: 'person', name: 'Плохой телефон', phone }), { phone: 'invalid_phone' });
  const b = await post('branches', { name: 'Филиал ' + uid(), phone: '8 (495) 123-00-00' });
  assert.equal(b.json.phone, '+74951230000');
  const client = await post('clients', { kind: 'company', name: 'ООО «Контактная»' });
  const ct = await post('contacts', { client_id: client.json.id, name: 'Контакт', phone: '8 912 000 11 22' });
  assert.equal(ct.json.phone, '+79120001122');
  assertFields(await post('contacts', { client_id: client.json.id, name: 'Контакт', phone: 'нет' }), { phone: 'invalid_phone' });
});

test('e-mail: a plausible address or invalid_email', async () => {
  const ok = await post('clients', { kind: 'person', name: 'Почта', email: 'ivanov.p@mail.ru' });
  assert.equal(ok.status, 201);
  assert.equal(ok.json.email, 'ivanov.p@mail.ru');
  for (const email of ['no-at-sign', '@mail.ru', 'a@', 'a@b', 'a b@mail.ru', 'a@@mail.ru', 'a@mail.', '<a>@mail.ru'])
    assertFields(await post('clients', { kind: 'person', name: 'Плохая почта', email }), { email: 'invalid_email' });
});

test('dates: real calendar dates only → invalid_date', async () => {
  for (const d of ['2026-02-30', '2025-02-29', '2026-13-01', '2026-00-10', '2026-1-1', '01.02.2026', '2026-02-03T00:00:00Z', 'tomorrow'])
    assertFields(await post('clients', { kind: 'person', name: 'Дата', pd_consent: true, pd_consent_date: d }), { pd_consent_date: 'invalid_date' });
  const leap = await post('clients', { kind: 'person', name: 'Високосный', pd_consent: true, pd_consent_date: '2024-02-29' });
  assert.equal(leap.status, 201, leap.text);
  assert.equal(leap.json.pd_consent_date, '2024-02-29');
  const model = await post('equipment_models', { brand: 'Дата', model: 'D-' + uid() });
  assertFields(await post('equipment_units', { model_id: model.json.id, serial: 'D1', purchase_date: '2026-02-30' }), { purchase_date: 'invalid_date' });
});

test('integers outside their range → too_small / too_large', async () => {
  assertFields(await post('equipment_models', { brand: 'b', model: 'r' + uid(), warranty_months: -1 }), { warranty_months: 'too_small' });
  assertFields(await post('equipment_models', { brand: 'b', model: 'r' + uid(), warranty_months: 121 }), { warranty_months: 'too_large' });
  const edge = await post('equipment_models', { brand: 'b', model: 'r' + uid(), warranty_months: 120 });
  assert.equal(edge.status, 201);
  const zero = await post('equipment_models', { brand: 'b', model: 'r' + uid(), warranty_months: 0 });
  assert.equal(zero.status, 201);
  const def = await post('equipment_models', { brand: 'b', model: 'r' + uid() });
  assert.equal(def.json.warranty_months, 12, 'the default');
});

test('references to missing records → not_found', async () => {
  assertFields(await post('clients', { kind: 'person', name: 'x', branch_id: 999999 }), { branch_id: 'not_found' });
  assertFields(await post('contacts', { client_id: 999999, name: 'x' }), { client_id: 'not_found' });
  assertFields(await post('equipment_units', { model_id: 999999, serial: 'x' }), { model_id: 'not_found' });
  const model = await post('equipment_models', { brand: 'Ref', model: 'R-' + uid() });
  assertFields(await post('equipment_units', { model_id: model.json.id, serial: 'x', client_id: 999999 }), { client_id: 'not_found' });
  assertFields(await post('users', { login: 'r' + uid(), name: 'x', role: 'sales', password: 'password-123', branch_id: 999999 }), { branch_id: 'not_found' });
  assertFields(await post('requests', { subject: 'x', channel: 'phone', client_id: 999999 }), { client_id: 'not_found' });
  const c = await post('clients', { kind: 'person', name: 'Ссылка' });
  assertFields(await patch('clients', c.json.id, { version: 1, branch_id: 999999 }), { branch_id: 'not_found' });
  assertFields(await post('clients', { kind: 'person', name: 'x', branch_id: 0 }), { branch_id: 'not_found' });
  assertFields(await post('clients', { kind: 'person', name: 'x', branch_id: -5 }), { branch_id: 'not_found' });
});

test('personal-data consent: given without a date → dated today; a date given is kept', async () => {
  const a = await post('clients', { kind: 'person', name: 'Согласие', pd_consent: true });
  assert.equal(a.status, 201);
  assert.equal(a.json.pd_consent, true);
  assert.equal(a.json.pd_consent_date, todayUTC());
  const b = await post('clients', { kind: 'person', name: 'Согласие с датой', pd_consent: true, pd_consent_date: '2025-03-04' });
  assert.equal(b.json.pd_consent_date, '2025-03-04');
  const c = await post('clients', { kind: 'person', name: 'Без согласия' });
  assert.equal(c.json.pd_consent, false, 'the default');
  assert.equal(c.json.pd_consent_date, null);
  // consent given later, by PATCH, is dated too
  const d = await patch('clients', c.json.id, { version: 1, pd_consent: true });
  assert.equal(d.status, 200, d.text);
  assert.equal(d.json.pd_consent_date, todayUTC());
});

test('equipment units: serial unique per model, allowed again for another model', async () => {
  const m1 = await post('equipment_models', { brand: 'Canon', model: 'U1-' + uid() });
  const m2 = await post('equipment_models', { brand: 'Canon', model: 'U2-' + uid() });
  const serial = 'SN-' + uid();
  assert.equal((await post('equipment_units', { model_id: m1.json.id, serial })).status, 201);
  assertFields(await post('equipment_units', { model_id: m1.json.id, serial }), { serial: 'duplicate' });
  const other = await post('equipment_units', { model_id: m2.json.id, serial });
  assert.equal(other.status, 201, other.text);
  // moving the second one onto the first model collides
  assertFields(await patch('equipment_units', other.json.id, { version: 1, model_id: m1.json.id }), { serial: 'duplicate' });
});

test('equipment models: model unique per brand; users: login unique; branches: name unique', async () => {
  const model = 'M-' + uid();
  assert.equal((await post('equipment_models', { brand: 'HP', model })).status, 201);
  assertFields(await post('equipment_models', { brand: 'HP', model }), { model: 'duplicate' });
  assert.equal((await post('equipment_models', { brand: 'Canon', model })).status, 201, 'the same model name under another brand');
  assertFields(await post('users', { login: 'manager', name: 'x', role: 'sales', password: 'password-123' }), { login: 'duplicate' });
  const name = 'Филиал ' + uid();
  assert.equal((await post('branches', { name })).status, 201);
  assertFields(await post('branches', { name }), { name: 'duplicate' });
});

test('users: password 8+ characters, write-only; login a plain word', async () => {
  assertFields(await post('users', { login: 'p' + uid(), name: 'x', role: 'sales', password: 'short' }), { password: 'too_short' });
  assertFields(await post('users', { login: 'x y', name: 'x', role: 'sales', password: 'password-123' }), { login: 'invalid' });
  assertFields(await post('users', { login: 'логин', name: 'x', role: 'sales', password: 'password-123' }), { login: 'invalid' });
  const u = await post('users', { login: 'ok' + uid(), name: 'Хороший', role: 'sales', password: 'password-123' });
  assert.equal(u.status, 201);
  assert.ok(!('password' in u.json));
  assert.equal(u.json.active, true, 'active by default');
  const got = await srv.request('GET', `/api/v1/users/${u.json.id}`, { as: await srv.as('admin') });
  assert.ok(!got.text.includes('argon2') && !('password' in got.json) && !('password_hash' in got.json));
  const list = await srv.request('GET', '/api/v1/users?limit=200', { as: await srv.as('admin') });
  assert.ok(!list.text.includes('argon2'), 'no hashes in lists');
});

test('equipment units: warranty_until = purchase_date + the model\'s months; given explicitly it wins', async () => {
  const m24 = await post('equipment_models', { brand: 'Bosch', model: 'W24-' + uid(), warranty_months: 24 });
  const m12 = await post('equipment_models', { brand: 'Bosch', model: 'W12-' + uid() });
  const u1 = await post('equipment_units', { model_id: m24.json.id, serial: 'W-' + uid(), purchase_date: '2025-01-15' });
  assert.equal(u1.status, 201, u1.text);
  assert.equal(u1.json.warranty_until, '2027-01-15');
  const u2 = await post('equipment_units', { model_id: m12.json.id, serial: 'W-' + uid(), purchase_date: '2025-06-30' });
  assert.equal(u2.json.warranty_until, '2026-06-30');
  const given = await post('equipment_units', { model_id: m24.json.id, serial: 'W-' + uid(), purchase_date: '2025-01-15', warranty_until: '2025-07-01' });
  assert.equal(given.json.warranty_until, '2025-07-01');
  const none = await post('equipment_units', { model_id: m24.json.id, serial: 'W-' + uid() });
  assert.equal(none.json.warranty_until, null, 'no purchase date, no warranty date');
  // a changed purchase date moves the computed date
  const moved = await patch('equipment_units', u1.json.id, { version: 1, purchase_date: '2025-03-01' });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.warranty_until, '2027-03-01');
  assert.equal((await srv.request('GET', `/api/v1/equipment_units/${u1.json.id}`, { as: await srv.as('admin') })).json.warranty_until, '2027-03-01', 'and it is stored');
  // a date given with the new purchase date wins on update too
  const byHand = await patch('equipment_units', given.json.id, { version: 1, purchase_date: '2025-02-01', warranty_until: '2025-08-01' });
  assert.equal(byHand.status, 200, byHand.text);
  assert.equal(byHand.json.warranty_until, '2025-08-01');
  // another model moves the computed date by that model's months
  const other = await patch('equipment_units', u2.json.id, { version: 1, model_id: m24.json.id });
  assert.equal(other.json.warranty_until, '2027-06-30');
});
