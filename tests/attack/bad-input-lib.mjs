// bad-input-lib.mjs — a generator of bad input over every write operation of
// /api/v1/openapi.json (POST, PATCH, DELETE: each entity's create, update and
// delete, transitions, bulk transitions, comments, attachments and the extra
// calls), with the fields of each taken from /api/v1/meta.
//
// Each input is one of these categories: malformed JSON, a body that is not
// an object, wrong JSON types per field, strings over the limit and huge ones,
// invalid UTF-8, NUL bytes, numbers out of range, stale or missing versions,
// unknown and read-only fields, duplicate keys, missing or wrong CSRF tokens,
// a foreign Origin, no session, wrong content types, garbage record ids in the
// path — all of which must be refused — and SQL or script injection strings,
// which may be refused or stored, but then stored exactly as sent.
//
// For every input: never a 5xx, never a dropped connection (the server still
// answers /healthz), a refusal has the one error shape, and a refused write
// changed nothing: the newest audit entry is the same and the target record
// keeps its version. Failures are collected, not thrown, so that one sweep
// reports them all.
//
//   const r = await badInputSweep({ base, sample: 0.1 });
//   r.tried, r.failures, r.byCategory
//
// The server must run with --trust-proxy (every login and public form gets its
// own X-Forwarded-For address, so the rate limiters stay out of the way) and
// with its background jobs quiet (SERVITOR_JOB_TICK=3600), as a job's audit
// entry would look like a change.

const PATH_IDS = ['abc', '0', '-1', '1.5', '1e3', '99999999999999999999', '%00', '1%00', '1;DROP TABLE clients',
  '1%20OR%201=1', '%2e%2e', '0x1', '+1', ' 1'];
// bidirectional controls are taken out of file names (they make "fdp.exe" read as "exe.pdf")
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const MALFORMED = ['{', '{"a":', '{"a":1,}', "{'a':1}", '{a:1}', '{"a":1} trailing', '{"a":1}{}', '{"a":"\\x41"}', 'NaN',
  '{"a":Infinity}', '{"a":01}', '{"a":"\t"}', '{"a":tru}', '\u0000', '\ufeff{}', '{"a":"\\ud800"}'];
const NONOBJECT = ['[]', '[{}]', '"text"', '42', 'true', 'null', '', '   '];
const SQL = ["' OR '1'='1", "'; DROP TABLE requests; --", "1); SELECT pg_sleep(5); --", "' UNION SELECT password_hash FROM users --",
  "%' AND 1=1 --", "\\'; DELETE FROM audit_log; --", "1' AND (SELECT 1 FROM (SELECT SLEEP(5))x) --"];
const SCRIPT = ['<script>window.__xss=1</script>', '<img src=x onerror="window.__xss=1">', '"><svg onload=window.__xss=1>',
  'javascript:window.__xss=1', '{{constructor.constructor("window.__xss=1")()}}', '${7*7}#{7*7}<%= 7*7 %>',
  '\u202eexe.txt', 'Ω≈ç√∫ 🙂 \ud83d\ude00 e\u0301', '%00%0d%0aSet-Cookie: x=1'];
// invalid UTF-8 put inside a JSON string
const BAD_UTF8 = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82], [0xfe, 0xff]];
const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp',
  'application/xml', null];
const HUGE = 2 * 1024 * 1024; // over the 1 MiB JSON limit

/** Wrong JSON values for a field of the given meta type (every one must be refused). */
function wrongValues(f) {
  const base = [[], {}, { a: 1 }];
  switch (f.type) {
    case 'text': case 'password': return [...base, 123, true, 1.5];
    case 'phone': return [...base, 79990001122, 'телефон', '+7', '1'.repeat(40), '+7 (999) abc'];
    case 'email': return [...base, 5, 'not-an-email', 'a@', '@b.ru', 'a b@c.ru', 'a@b@c.ru'];
    case 'inn': return [...base, 7707083893, '7707083894', '12345', 'абвгдеёжзи', '770708389x'];
    case 'kpp': return [...base, 773601001, '12345', 'ABCDEFGHIJ'];
    // '' is null for an optional field, as everywhere
    case 'date': return [...base, 20260101, '2026-13-01', '2026-02-30', '01.02.2026', '2026-1-1', 'yesterday', ...(f.required ? [''] : [])];
    case 'datetime': return [...base, 5, '2026-13-01T00:00:00Z', 'now'];
    case 'bool': return [...base, 'true', 1, 0, 'yes', null].filter((v) => !(v === null && !f.required));
    case 'enum': return [...base, 5, true, 'nonexistent', (f.enum?.[0] ?? '').toUpperCase() + 'X', ...(f.required ? [''] : [])];
    case 'int': {
      const out = [...base, '12', true, 1.5, 'NaN', 1e300, 2 ** 63, -(2 ** 63) - 1e4, 9007199254740993];
      if (f.min !== undefined) out.push(f.min - 1, -2147483649);
      // past 32 bits too, unless the field allows that (prices in kopecks)
      if (f.max !== undefined) out.push(f.max + 1, ...(f.max < 2147483648 ? [2147483648] : []));
      return out;
    }
    case 'ref': return [...base, '1', true, 1.5, 0, -1, 999999999, 2 ** 62, 9223372036854775807n];
    default: return [...base];
  }
}

/** A JSON text of an object; BigInt values are written as plain numbers. */
function json(obj) {
  return JSON.stringify(obj, (k, v) => (typeof v === 'bigint' ? `__big${v}__` : v)).replace(/"__big(-?\d+)__"/g, '$1');
}

/** Seeded shuffle-and-take: the same sample on every run for a seed. */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

let seq = 0;
const uid = () => `${Date.now().toString(36)}${(++seq).toString(36)}`;
let addrSeq = 0;
const nextAddr = () => { addrSeq++; return `10.${200 + (process.pid % 50)}.${Math.floor(addrSeq / 250) % 250}.${(addrSeq % 250) + 1}`; };

/**
 * Runs the sweep against a running server. Options:
 *   base        the server's URL
 *   sample      share of the generated inputs to send (1 = all); each write
 *               operation keeps at least `minPerOp` of its own
 *   seed        which sample
 *   adminPassword
 *   log         progress lines
 * Returns {tried, accepted, refused, byCategory, ops, failures, notes}.
 */
export async function badInputSweep({ base, sample = 1, minPerOp = 8, seed = 1, adminPassword = 'admin12345', log = () => {} }) {
  const failures = [];
  const notes = [];
  const byCategory = {};
  let tried = 0;
  let accepted = 0;
  let refused = 0;

  // ---- a small client ----------------------------------------------------------
  async function send(method, path, { body, headers = {}, as, csrf, addr } = {}) {
    const h = { 'x-forwarded-for': addr || as?.addr || '10.199.0.1' };
    if (body !== undefined) h['content-type'] = 'application/json';
    if (as?.cookie) {
      h.cookie = as.cookie;
      if (method !== 'GET' && csrf !== false) h['x-csrf-token'] = typeof csrf === 'string' ? csrf : as.csrf;
    }
    Object.assign(h, headers);
    for (const k of Object.keys(h)) if (h[k] === null || h[k] === undefined) delete h[k];
    const t0 = Date.now();
    const r = await fetch(base + path, { method, headers: h, body });
    const text = await r.text();
    let j = null;
    try { j = JSON.parse(text); } catch { /* not JSON */ }
    return { status: r.status, headers: r.headers, text, json: j, ms: Date.now() - t0 };
  }
  async function login(loginName, password) {
    const addr = nextAddr();
    const r = await send('POST', '/api/v1/auth/login', { body: JSON.stringify({ login: loginName, password }), addr });
    if (r.status !== 200) throw new Error(`login ${loginName}: ${r.status} ${r.text}`);
    return { cookie: r.headers.get('set-cookie').split(';')[0], csrf: r.json.csrf_token, user: r.json.user, addr };
  }
  const ok = async (method, path, body, as) => {
    const r = await send(method, path, { body: body === undefined ? undefined : JSON.stringify(body), as });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text.slice(0, 300)}`);
    return r.json;
  };

  const admin = await login('admin', adminPassword);
  const logoutSession = await login('admin', adminPassword); // for the logout route's inputs
  const oa = await ok('GET', '/api/v1/openapi.json');
  const meta = await ok('GET', '/api/v1/meta', undefined, admin);
  const entities = Object.fromEntries(meta.entities.map((e) => [e.name, e]));
  const today = new Date().toISOString().slice(0, 10);

  // ---- valid bodies: built from meta, with a few facts meta cannot tell --------
  const firstId = {};
  async function anyId(entity) {
    if (firstId[entity] === undefined) {
      const r = await ok('GET', `/api/v1/${entity}?limit=1`, undefined, admin);
      firstId[entity] = r.items[0]?.id ?? (await create(entity)).id;
    }
    return firstId[entity];
  }
  let dayOffset = 0;
  const OVERRIDES = {
    users: () => ({ login: 'atk' + uid(), password: 'password-123', role: 'sales' }),
    saved_views: () => ({ resource: 'requests', query: 'status=new' }),
    business_calendars: () => ({ hours_mon: '09:00-18:00' }),
    calendar_days: () => ({ date: new Date(Date.UTC(2040, 0, 1) + 86400000 * ++dayOffset).toISOString().slice(0, 10) }),
    contract_sla_terms: async () => ({ contract_id: (await create('contracts')).id }),
    article_models: async () => ({ article_id: (await create('articles')).id, model_id: (await create('equipment_models')).id }),
    equipment_units: async () => ({ model_id: await anyId('equipment_models') }),
    contracts: () => ({ number: 'АТК-' + uid(), starts_on: '2026-01-01' }),
    routing_rules: () => ({ active: false }), // never routes the sweep's requests
    message_templates: () => ({ subject: 'Атака {number}' }), // an e-mail template needs a subject
    repair_orders: () => ({ declared_fault: 'Атака ' + uid() }), // required unless taken from a request
    part_barcodes: () => ({ barcode: 'ATK' + uid() }), // a scanner's code: no spaces
    part_analogs: async () => ({ part_id: (await create('parts')).id, analog_id: (await create('parts')).id }),
    stock_counts: async () => ({ warehouse_id: (await create('warehouses')).id }), // one open count per warehouse
    supplier_prices: async () => ({ supplier_id: (await create('suppliers')).id, price: 12345 }), // one price per supplier × part
    // a line of a new order (an issued one's lines no longer change); time on a labour line
    repair_order_lines: async () => ({ repair_order_id: (await create('repair_orders')).id, kind: 'labour', description: 'Атака ' + uid(), price: 100 }),
    repair_time_logs: async () => ({ line_id: (await create('repair_order_lines')).id, minutes: 5 }),
    qc_checklists: async () => ({ service_type_id: (await create('service_types')).id }), // one active list per type
    shipment_items: async () => { // a unit is an order in repair, in a draft shipment
      const o = await create('repair_orders');
      const d = await ok('POST', `/api/v1/repair_orders/${o.id}/transitions/diagnose`, { version: o.version }, admin);
      const r = await ok('POST', `/api/v1/repair_orders/${o.id}/transitions/start_repair`, { version: d.version }, admin);
      return { shipment_id: (await create('shipments')).id, order_id: r.id };
    },
    loaner_issues: async () => ({ order_id: (await create('repair_orders')).id }), // one open demand per order
    pickup_notices: async () => ({ order_id: (await declinedOrder()).id }), // a unit waiting for its owner
    stock_rules: async () => ({ part_id: (await create('parts')).id }), // one rule per part and warehouse
    supplier_returns: async () => ({ supplier_id: await anyId('suppliers'), warehouse_id: await anyId('warehouses') }), // without an order: both
  };
  // a repair order the client declined: its unit waits to be collected
  async function declinedOrder() {
    let o = await create('repair_orders');
    // an estimate has lines: one labour line to send
    await ok('POST', '/api/v1/repair_order_lines', { repair_order_id: o.id, kind: 'labour', description: 'Диагностика', price: 50000 }, admin);
    o = await ok('GET', `/api/v1/repair_orders/${o.id}`, undefined, admin);
    for (const step of ['diagnose', 'send_estimate', 'decline']) {
      o = await ok('POST', `/api/v1/repair_orders/${o.id}/transitions/${step}`, { version: o.version }, admin);
    }
    return o;
  }
  async function validBody(entity) {
    const e = entities[entity];
    const body = {};
    for (const f of e.fields) {
      if (f.readonly || !f.required) continue;
      switch (f.type) {
        case 'text': body[f.name] = ('Атака ' + uid()).slice(0, f.max || 100); break;
        case 'password': body[f.name] = 'password-123'; break;
        case 'enum': body[f.name] = f.default ?? f.enum[0]; break;
        case 'int': case 'money': case 'quantity': body[f.name] = f.min ?? 1; break;
        case 'bool': body[f.name] = false; break;
        case 'date': body[f.name] = today; break;
        case 'ref': body[f.name] = await anyId(f.ref); break;
        case 'phone': body[f.name] = '+79990001122'; break;
        case 'email': body[f.name] = `atk${uid()}@example.com`; break;
        default: break;
      }
    }
    return Object.assign(body, await (OVERRIDES[entity]?.() ?? {}));
  }
  async function create(entity) {
    const r = await send('POST', `/api/v1/${entity}`, { body: json(await validBody(entity)), as: admin });
    if (r.status === 201) return r.json;
    // a unique field without a free value (one SLA policy per priority): an existing record
    if (r.status === 422 && Object.values(r.json?.error?.fields ?? {}).includes('duplicate')) {
      const l = await ok('GET', `/api/v1/${entity}?limit=1`, undefined, admin);
      if (l.items[0]) { notes.push(`${entity}: no free unique value, an existing record is the target`); return l.items[0]; }
    }
    throw new Error(`POST /api/v1/${entity}: ${r.status} ${r.text.slice(0, 300)}`);
  }

  // ---- requests in the states their transitions start from ---------------------
  async function requestIn(state) {
    let r = await create('requests');
    const go = async (name, extra = {}) => { r = await ok('POST', `/api/v1/requests/${r.id}/transitions/${name}`, { version: r.version, ...extra }, admin); };
    if (state === 'new') return r;
    if (state === 'assigned') { await go('assign', { assignee_id: admin.user.id }); return r; }
    await go('start');
    if (state === 'in_progress') return r;
    if (state === 'waiting_client') { await go('wait_client'); return r; }
    await go('resolve');
    return r; // resolved
  }
  const STATE_FOR = { assign: 'new', start: 'new', cancel: 'new', wait_client: 'in_progress', wait_parts: 'in_progress',
    resolve: 'in_progress', resume: 'waiting_client', close: 'resolved', reopen: 'resolved' };

  // ---- the operations ------------------------------------------------------------
  const writable = (entity) => entities[entity].fields.filter((f) => !f.readonly);
  const readonly = (entity) => entities[entity].fields.filter((f) => f.readonly);
  const ops = [];
  for (const [path, item] of Object.entries(oa.paths)) {
    for (const [m, op] of Object.entries(item)) {
      const method = m.toUpperCase();
      if (method === 'GET' || method === 'HEAD') continue;
      ops.push({ key: `${method} ${path}`, method, path, access: op['x-access'] });
    }
  }

  /** The spec of one operation: its fields, a valid body and the record it touches. */
  async function specOf(o) {
    const p = o.path.split('/').slice(1); // ['api','v1',…]
    const ent = entities[p[2]] ? p[2] : null;
    const spec = { json: true, fields: [], readonly: [], base: () => ({}), target: null, version: false, partial: false, either: false };
    if (o.path === '/api/v1/auth/login') {
      return { ...spec, anon: true, fields: [{ name: 'login', type: 'text', max: 64 }, { name: 'password', type: 'text', max: 200 }],
        base: () => ({ login: 'nobody-' + uid(), password: 'wrong-password' }) }; // refused whatever the rest
    }
    if (o.path === '/api/v1/auth/logout') {
      const s = logoutSession;
      return { ...spec, session: s, bodyless: true, target: { url: '/api/v1/auth/me', as: s } };
    }
    if (o.path === '/api/v1/public/requests') {
      return { ...spec, anon: true, either: true,
        fields: [{ name: 'name', type: 'text', max: 300 }, { name: 'phone', type: 'phone' }, { name: 'email', type: 'email' },
          { name: 'equipment', type: 'text', max: 300 }, { name: 'description', type: 'text', max: 8000 },
          { name: 'consent', type: 'bool', required: true }],
        base: () => ({ name: 'Атака ' + uid(), phone: '+79990001122', description: 'Проверка ввода', consent: true }) };
    }
    if (o.path === '/api/v1/intake/email') return { ...spec, json: false, raw: 'email' };
    if (o.path === '/api/v1/tokens') {
      return { ...spec, either: true, fields: [{ name: 'name', type: 'text', max: 200 }, { name: 'user_id', type: 'ref', ref: 'users', required: true }],
        base: () => ({ name: 'Атака ' + uid(), user_id: admin.user.id }) };
    }
    if (o.path === '/api/v1/consultations') {
      return { ...spec, either: true, fields: [{ name: 'client_id', type: 'ref' }, { name: 'unit_id', type: 'ref' },
        { name: 'channel', type: 'enum', enum: ['phone'] }, { name: 'question', type: 'text', max: 300 },
        { name: 'answer', type: 'text', max: 10000 }, { name: 'duration_minutes', type: 'int', min: 0 }],
      base: () => ({ channel: 'phone', question: 'Атака ' + uid(), answer: 'Ответ', duration_minutes: 5 }) };
    }
    if (o.path === '/api/v1/notifications/read') {
      return { ...spec, fields: [{ name: 'ids', type: 'ids' }, { name: 'all', type: 'bool' }], base: () => ({ ids: [999999999] }) };
    }
    if (/^\/api\/v1\/business_calendars\/\{id\}\/days$/.test(o.path)) {
      const cal = await create('business_calendars');
      return { ...spec, fields: [{ name: 'tsv', type: 'tsv', max: 100000 }], base: () => ({ tsv: '' }),
        target: { url: `/api/v1/business_calendars/${cal.id}`, id: cal.id } };
    }
    if (ent && p.length === 3 && o.method === 'POST') {
      const control = await create(ent); // the positive control: the valid body is taken
      return { ...spec, entity: ent, fields: writable(ent), readonly: readonly(ent), base: () => validBody(ent), control, readBack: 'answer', either: true };
    }
    if (ent && p.length === 4 && p[3] === '{id}') {
      const rec = await create(ent);
      const target = { url: `/api/v1/${ent}/${rec.id}`, id: rec.id };
      if (o.method === 'DELETE') return { ...spec, entity: ent, bodyless: true, target };
      return { ...spec, entity: ent, fields: writable(ent), readonly: readonly(ent), version: true, target, readBack: 'answer', either: true,
        base: (cur) => ({ version: cur.version }) };
    }
    if (ent && p[3] === '{id}' && p[4] === 'transitions') {
      const name = p[5];
      const rec = ent === 'requests' ? await requestIn(STATE_FOR[name] ?? 'new') : await create(ent);
      // a transition takes its parameters only (other fields of the record are
      // not written by it: see the report of the attack sweep)
      const params = writable(ent).filter((f) => name === 'assign' && f.name === 'assignee_id');
      return { ...spec, entity: ent, fields: params, readonly: readonly(ent), version: true,
        target: { url: `/api/v1/${ent}/${rec.id}`, id: rec.id },
        base: (cur) => ({ version: cur.version, ...(name === 'assign' ? { assignee_id: admin.user.id } : {}) }) };
    }
    if (ent && p[3] === 'bulk') {
      const name = p[4];
      const rec = ent === 'requests' ? await requestIn(STATE_FOR[name] ?? 'new') : await create(ent);
      const params = writable(ent).filter((f) => name === 'assign' && f.name === 'assignee_id');
      return { ...spec, entity: ent, partial: true, fields: [{ name: 'items', type: 'items' }, ...params],
        target: { url: `/api/v1/${ent}/${rec.id}`, id: rec.id },
        base: (cur) => ({ items: [{ id: rec.id, version: cur.version - 1 }] }) }; // stale: refused record by record
    }
    if (ent && p[3] === '{id}' && p[4] === 'comments') {
      const rec = await create(ent);
      return { ...spec, entity: ent, either: true, readBack: 'timeline', target: { url: `/api/v1/${ent}/${rec.id}`, id: rec.id, noVersion: true },
        fields: [{ name: 'body', type: 'text', max: 10000, required: true }, { name: 'public', type: 'bool' }],
        base: () => ({ body: 'Атака ' + uid(), public: false }) };
    }
    if (ent && p[3] === '{id}' && p[4] === 'attachments') {
      const rec = await create(ent);
      return { ...spec, entity: ent, json: false, raw: 'file', target: { url: `/api/v1/${ent}/${rec.id}`, id: rec.id, noVersion: true } };
    }
    if (/\{(?!id\})/.test(o.path)) return null; // a parameter we cannot fill
    notes.push(`${o.key}: no spec of its own, generic inputs only`);
    let target = null;
    if (ent && p[3] === '{id}') { const rec = await create(ent); target = { url: `/api/v1/${ent}/${rec.id}`, id: rec.id, noVersion: true }; }
    return { ...spec, entity: ent, target, generic: true };
  }

  /** The inputs of one operation: [{cat, expect: 'refuse'|'either', ...}] */
  function casesOf(o, spec) {
    const out = [];
    const add = (cat, c) => out.push({ cat, expect: 'refuse', ...c });
    const withField = (name, value) => async (cur) => json({ ...(await spec.base(cur)), [name]: value });
    // who is calling
    if (!spec.anon) {
      add('no session', { as: 'none' });
      add('missing CSRF', { csrf: false });
      add('wrong CSRF', { csrf: 'x'.repeat(43) });
      add('wrong CSRF', { csrf: '' });
      add('foreign origin', { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    }
    if (spec.target && !spec.session) {
      for (const id of PATH_IDS) add('garbage id', { path: o.path.replace('{id}', id) });
      add('garbage id', { path: o.path.replace('{id}', `${spec.target.id}abc`) });
      add('garbage id', { path: o.path.replace('{id}', `0x${spec.target.id.toString(16)}`) });
      add('garbage id', { path: o.path.replace('{id}', `${spec.target.id}.0`) });
    }
    if (spec.raw === 'file') {
      const names = ['', '../../etc/passwd', 'a%00b.txt', '%00', '%FF%FE.txt', '%C0%AF.txt', 'x'.repeat(5000) + '.txt', '.', '..',
        'a/b.txt', 'a%5Cb.txt', 'CON', 'a%0d%0aSet-Cookie:%20x=1.txt', '%E2%80%AEtxt.exe'];
      // refused, or stored exactly as named (never cut at a NUL)
      for (const n of names) add('file name', { query: `?name=${n}`, rawBody: Buffer.from('плохое имя ' + uid()), either: true, fileName: (() => { try { return decodeURIComponent(n.replace(/%00/g, '%2500')); } catch { return n; } })().replace(BIDI, '') });
      for (const [kind, bytes] of [['ELF', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])], ['invalid UTF-8 text', Buffer.from([0x61, 0xff, 0xfe, 0x62])],
        ['NUL bytes', Buffer.from('a\u0000b\u0000c')], ['empty', Buffer.alloc(0)], ['MZ', Buffer.from('MZ\x90\x00\x03')]]) {
        add('file content', { query: `?name=${kind.replace(/ /g, '_')}.txt`, rawBody: bytes, note: kind });
      }
      add('huge', { query: '?name=big.txt', rawBody: Buffer.alloc(11 * 1024 * 1024, 'a') });
      for (const s of SCRIPT.slice(0, 4)) add('script injection', { query: `?name=${encodeURIComponent(s)}.txt`, rawBody: Buffer.from(uid()), either: true, fileName: `${s}.txt` });
      return out;
    }
    if (spec.raw === 'email') {
      for (const t of ['application/json', 'text/plain', null]) add('wrong content type', { rawBody: Buffer.from('From: a@b.ru\r\n\r\nx'), headers: { 'content-type': t } });
      for (const b of ['', '\u0000\u0000', 'no headers at all', 'From: <>\r\n\r\n', `From: a@b.ru\r\nContent-Type: multipart/mixed; boundary="${'b'.repeat(2000)}"\r\n\r\n--x`]) {
        add('malformed mail', { rawBody: Buffer.from(b), headers: { 'content-type': 'message/rfc822' }, either: true });
      }
      add('invalid UTF-8', { rawBody: Buffer.from([0x46, 0x72, 0x6f, 0x6d, 0x3a, 0x20, 0xff, 0xfe, 0x0d, 0x0a, 0x0d, 0x0a, 0xc0, 0xaf]), headers: { 'content-type': 'message/rfc822' }, either: true });
      add('huge', { rawBody: Buffer.alloc(11 * 1024 * 1024, 'a'), headers: { 'content-type': 'message/rfc822' } });
      return out;
    }
    if (spec.bodyless) return out; // DELETE and logout: who calls, and which record
    // the body as a whole
    for (const b of MALFORMED) add('malformed JSON', { body: b });
    for (const b of NONOBJECT) add('not an object', { body: b });
    add('deep nesting', { body: '['.repeat(100000) });
    add('deep nesting', { body: '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) });
    add('huge', { body: json({ a: 'x'.repeat(HUGE) }) });
    for (const t of CONTENT_TYPES) add('wrong content type', { body: async (cur) => json(await spec.base(cur)), headers: { 'content-type': t }, buffer: t === null });
    if (spec.generic) return out;
    // fields
    add('unknown field', { body: withField('zzz_unknown', 1) });
    add('unknown field', { body: async (cur) => json(await spec.base(cur)).replace(/^\{/, '{"__proto__":{"admin":true},') });
    add('unknown field', { body: withField('constructor', { prototype: { x: 1 } }) });
    add('unknown field', { body: withField('', 1) });
    add('unknown field', { body: withField('k'.repeat(5000), 1) });
    // "id" in a body is ignored, not refused (see the report)
    if (spec.entity) add('unknown field', { body: withField('id', 999999999), either: true });
    for (const f of spec.readonly) {
      const v = f.type === 'int' || f.type === 'ref' ? 1 : f.type === 'enum' ? f.enum[f.enum.length - 1] : f.type === 'datetime' ? '2020-01-01T00:00:00Z' : 'x';
      add('read-only field', { body: withField(f.name, v) });
    }
    if (spec.fields[0]) {
      const f = spec.fields[0].name;
      add('duplicate key', { body: async (cur) => json(await spec.base(cur)).replace(/^\{/, `{"${f}":1,"${f}":2,`) });
    }
    for (const f of spec.fields) {
      if (f.type === 'items') {
        for (const v of ['x', 1, {}, [], null, [1], [{ id: '1', version: 1 }], [{ id: 1 }], [{ id: -1, version: 1 }],
          Array.from({ length: 201 }, (_, i) => ({ id: i + 1, version: 1 })), [{ id: 999999999, version: 1 }]]) {
          add('wrong type', { field: f.name, body: withField('items', v) });
        }
        continue;
      }
      if (f.type === 'ids') {
        for (const v of ['x', 1, {}, [[1]], ['1'], [1.5], [null], Array.from({ length: 100000 }, () => 1)]) add('wrong type', { field: f.name, body: withField('ids', v) });
        continue;
      }
      if (f.type === 'tsv') {
        for (const v of [5, [], 'garbage', '2040-13-01\tholiday\tx', '2040-01-01\tnonexistent\tx', '2040-01-01', '\t\t\t',
          '2040-01-01\tholiday\t' + 'x'.repeat(300), `2040-01-01\tholiday\tx\n${'garbage\n'.repeat(1000)}`]) {
          add('wrong type', { field: f.name, body: withField('tsv', v) });
        }
        continue;
      }
      for (const v of wrongValues(f)) add(typeof v === 'number' || typeof v === 'bigint' ? 'number out of range' : 'wrong type', { field: f.name, body: withField(f.name, v) });
      if (f.type === 'text' || f.type === 'password') {
        if (f.max) add('too long', { field: f.name, body: withField(f.name, 'я'.repeat(f.max + 1)) });
        add('too long', { field: f.name, body: withField(f.name, 'x'.repeat(200000)) });
        add('NUL byte', { field: f.name, body: withField(f.name, 'a\u0000b') });
        add('NUL byte', { field: f.name, body: async (cur) => Buffer.concat([Buffer.from(json({ ...(await spec.base(cur)), [f.name]: 'a' }).slice(0, -2)), Buffer.from([0]), Buffer.from('"}')]) });
        for (const bytes of BAD_UTF8) {
          add('invalid UTF-8', { field: f.name, body: async (cur) => {
            const text = json({ ...(await spec.base(cur)), [f.name]: 'a@@b' });
            const at = text.indexOf('a@@b');
            return Buffer.concat([Buffer.from(text.slice(0, at + 1)), Buffer.from(bytes), Buffer.from(text.slice(at + 3))]);
          } });
        }
        if (f.type === 'text') {
          for (const s of SQL) add('SQL injection', { field: f.name, value: s, either: spec.either, body: withField(f.name, s) });
          for (const s of SCRIPT) add('script injection', { field: f.name, value: s, either: spec.either, body: withField(f.name, s) });
        }
      } else if (f.type !== 'bool') {
        for (const s of SQL.slice(0, 3)) add('SQL injection', { field: f.name, body: withField(f.name, s) });
      }
    }
    if (spec.version) {
      const v = (d) => async (cur) => json({ ...(await spec.base(cur)), version: typeof d === 'function' ? d(cur.version) : d });
      for (const d of [(x) => x - 1, (x) => x + 1, (x) => x + 1000, -1, 0, 2 ** 53, '1', null, 1.5, [], (x) => `${x}`]) add('stale version', { body: v(d) });
      add('stale version', { body: async (cur) => { const b = await spec.base(cur); delete b.version; return json(b); } });
      add('stale version', { body: async (cur) => json(await spec.base(cur)), headers: { 'if-match': '"1"' }, either: true });
    }
    return out;
  }

  // ---- running one input ---------------------------------------------------------
  async function auditHead() {
    const r = await send('GET', '/api/v1/audit?limit=1', { as: admin });
    if (r.status !== 200) throw new Error(`audit: ${r.status} ${r.text}`);
    return r.json.items[0]?.id ?? 0;
  }
  async function targetState(spec) {
    if (!spec.target) return null;
    const r = await send('GET', spec.target.url, { as: spec.target.as ?? admin });
    return { status: r.status, version: r.json?.version, rec: r.json };
  }
  let head = await auditHead();
  const fail = (o, c, what, r) => {
    failures.push({ op: o.key, cat: c.cat, field: c.field, what, status: r?.status, answer: r?.text?.slice(0, 300), input: c.shown });
  };
  const isErrorShape = (r) => r.json && typeof r.json === 'object' && Object.keys(r.json).length === 1 && r.json.error &&
    typeof r.json.error.code === 'string' && typeof r.json.error.message === 'string' && r.json.error.message.length > 0 &&
    r.json.error.fields && typeof r.json.error.fields === 'object' && !Array.isArray(r.json.error.fields) &&
    /^application\/json/.test(r.headers.get('content-type') || '');

  async function runCase(o, spec, c) {
    let before = await targetState(spec);
    const cur = before?.rec ?? {};
    let body = typeof c.body === 'function' ? await c.body(cur) : c.body;
    if (c.rawBody) body = c.rawBody;
    if (body === undefined && !spec.bodyless && spec.json) body = json(await spec.base(cur)); // the valid body, for who-calls and path cases
    // building the body may have made records (a fresh contract, article…)
    head = await auditHead();
    if (spec.target) before = await targetState(spec);
    if (c.buffer && typeof body === 'string') body = Buffer.from(body);
    const as = c.as === 'none' || spec.anon ? undefined : (spec.session ?? admin);
    const path = (c.path ?? o.path.replace('{id}', spec.target?.id ?? 999999999)) + (c.query ?? '');
    const headers = { ...(c.headers ?? {}) };
    if (spec.anon) headers['x-forwarded-for'] = nextAddr();
    if (!spec.json && !('content-type' in headers)) headers['content-type'] = 'application/octet-stream';
    c.shown = `${o.method} ${path.slice(0, 200)} ${body === undefined ? '' : (Buffer.isBuffer(body) ? `<${body.length} bytes: ${body.subarray(0, 120).toString('latin1')}>` : body.slice(0, 200))}`;
    tried++;
    byCategory[c.cat] = (byCategory[c.cat] ?? 0) + 1;
    let r;
    try {
      r = await send(o.method, path, { body, as, csrf: c.csrf, headers });
    } catch (e) {
      // a body over the route's cap is answered and the connection closed
      // while the client is still sending: a reset is the refusal then
      if (c.cat !== 'huge') fail(o, c, `no answer: ${e.cause?.code ?? e.message}`);
      const h = await fetch(base + '/healthz').then((x) => x.status).catch(() => 0);
      if (h !== 200) throw new Error(`the server is down after: ${c.shown}`);
      head = await auditHead();
      return;
    }
    if (r.ms > 3000) fail(o, c, `took ${r.ms} ms`, r);
    if (r.status >= 500) { fail(o, c, '5xx', r); head = await auditHead(); return; }
    const refusedHere = r.status >= 400 || (spec.partial && r.status === 200 && r.json?.done === 0);
    const now = await auditHead();
    const after = await targetState(spec);
    if (refusedHere) {
      refused++;
      if (r.status >= 400 && !isErrorShape(r)) fail(o, c, 'not the one error shape', r);
      if (now !== head) fail(o, c, `refused (${r.status}) but the audit log moved from ${head} to ${now}`, r);
      if (before && (after.status !== before.status || (!spec.target.noVersion && after.version !== before.version))) {
        fail(o, c, `refused (${r.status}) but the target changed: ${before.status}/v${before.version} → ${after.status}/v${after.version}`, r);
      }
    } else {
      accepted++;
      if (c.expect === 'refuse' && !c.either) fail(o, c, `accepted (${r.status})`, r);
      else if (c.value !== undefined && spec.readBack === 'answer' && r.json && c.field in r.json && r.json[c.field] !== c.value.trim()) {
        fail(o, c, `stored as ${JSON.stringify(r.json[c.field]).slice(0, 100)}`, r);
      } else if (c.value !== undefined && spec.readBack === 'timeline') {
        const t = await send('GET', `${spec.target.url}/timeline`, { as: admin });
        if (!t.json?.items?.some((e) => e.body === c.value.trim())) fail(o, c, 'the comment is not on the timeline as sent', r);
      } else if (c.fileName && r.json?.file_name !== c.fileName) {
        fail(o, c, `file stored as ${JSON.stringify(r.json?.file_name)}`, r);
      }
    }
    head = now;
  }

  // ---- the sweep -------------------------------------------------------------------
  const pick = rng(seed);
  const report = [];
  for (const o of ops) {
    let spec;
    try {
      spec = await specOf(o);
    } catch (e) {
      failures.push({ op: o.key, what: `cannot prepare: ${e.message}` });
      continue;
    }
    if (!spec) { notes.push(`${o.key}: skipped (a path parameter without a value)`); continue; }
    let cases = casesOf(o, spec);
    const total = cases.length;
    if (sample < 1) {
      const keep = Math.max(Math.min(minPerOp, cases.length), Math.ceil(cases.length * sample));
      cases = cases.map((c) => [pick(), c]).sort((a, b) => a[0] - b[0]).slice(0, keep).map(([, c]) => c);
    }
    for (const c of cases) await runCase(o, spec, c);
    const h = await fetch(base + '/healthz').then((x) => x.status).catch(() => 0);
    if (h !== 200) { failures.push({ op: o.key, what: `/healthz answered ${h} after its inputs` }); break; }
    report.push({ op: o.key, sent: cases.length, generated: total });
    log(`${o.key}: ${cases.length} of ${total}`);
  }
  return { tried, accepted, refused, byCategory, ops: report, failures, notes };
}
