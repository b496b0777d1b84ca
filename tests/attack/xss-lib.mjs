// xss-lib.mjs — stored XSS: payloads put through the API into every text
// field of every record kind (from /api/v1/meta), comments and replies on the
// timeline, users' names, saved views' and routing rules' names and file
// names of attachments; then each record's page, the lists, the search, the
// public status page and the audit log are opened in headless Chromium.
// Every payload sets window.__xss (or opens a dialog) if it ever runs: the
// flag must stay undefined, no dialog may open, no element may carry an
// injected handler or a javascript: link, and the text is shown literally.
//
//   const r = await xssSweep({ base, browser, full: true });
//   r.fields, r.records, r.pages, r.failures
import assert from 'node:assert/strict';

const PAYLOADS = [
  (m) => `<img src=x onerror="window.__xss='${m}'">`,
  (m) => `<script>window.__xss='${m}'</script>`,
  (m) => `javascript:window.__xss='${m}'`,
  (m) => `"><svg onload="window.__xss='${m}'">`,
  (m) => `{{constructor.constructor('window.__xss="${m}"')()}} \${window.__xss='${m}'}`,
  (m) => `'><iframe srcdoc="<script>parent.__xss='${m}'</script>">`,
  (m) => `<a href="javascript:window.__xss='${m}'">ссылка ${m}</a>`,
  (m) => `\u202e${m} евор-ЛТР <b onmouseover=alert(1)>`,
  (m) => `${m}${'Длинноеслово'.repeat(20)}`,
  (m) => `<style>*{display:none}</style><marquee>${m}</marquee><x onclick=alert(1)>`,
];
// fields whose values have a format of their own: no free text goes there
const FORMATTED = /^(hours_|login$|password$|resource$|query$|number$)/;

let seq = 0;
const uid = () => `${Date.now().toString(36)}${(++seq).toString(36)}`;

export async function xssSweep({ base, browser, full = false, adminPassword = 'admin12345', log = () => {} }) {
  const failures = [];
  const stored = []; // {entity, id, field, value}
  let pages = 0;

  // ---- the API side ----------------------------------------------------------------
  async function send(method, path, body, as, headers = {}) {
    const h = { 'x-forwarded-for': '10.222.0.1', ...headers };
    if (body !== undefined && !h['content-type']) h['content-type'] = 'application/json';
    if (as) { h.cookie = as.cookie; if (method !== 'GET') h['x-csrf-token'] = as.csrf; }
    const r = await fetch(base + path, { method, headers: h, body: body === undefined ? undefined : (Buffer.isBuffer(body) ? body : JSON.stringify(body)) });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: r.status, json, text };
  }
  const lr = await fetch(base + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.222.0.2' },
    body: JSON.stringify({ login: 'admin', password: adminPassword }) });
  const lj = await lr.json();
  const admin = { cookie: lr.headers.get('set-cookie').split(';')[0], csrf: lj.csrf_token, user: lj.user };
  const meta = (await send('GET', '/api/v1/meta', undefined, admin)).json;

  let pi = 0;
  const payload = (max) => {
    const m = `x${uid()}`;
    const make = PAYLOADS[pi++ % PAYLOADS.length];
    const v = make(m);
    return v.length <= max ? { v, m } : { v: `<b>${m}</b>`.slice(0, max), m };
  };
  const firstId = async (entity) => (await send('GET', `/api/v1/${entity}?limit=1`, undefined, admin)).json.items[0]?.id;

  /** A valid record of an entity with a payload in every free-text field. */
  async function plant(e) {
    const body = {};
    const marks = {};
    for (const f of e.fields) {
      if (f.readonly) continue;
      if (f.type === 'text' && !FORMATTED.test(f.name)) {
        const { v, m } = payload(f.max || 200);
        body[f.name] = v;
        marks[f.name] = { v, m };
      } else if (f.required) {
        if (f.type === 'enum') body[f.name] = f.default ?? f.enum[0];
        else if (f.type === 'int') body[f.name] = f.min ?? 1;
        else if (f.type === 'date') body[f.name] = '2026-01-01';
        else if (f.type === 'bool') body[f.name] = false;
        else if (f.type === 'ref') body[f.name] = f.ref === e.name ? undefined : await firstId(f.ref);
        else if (f.type === 'password') body[f.name] = 'password-123';
        else if (f.name === 'login') body[f.name] = 'xss' + uid();
      }
    }
    if (e.name === 'users') Object.assign(body, { login: 'xss' + uid(), password: 'password-123', role: 'technician' });
    if (e.name === 'saved_views') Object.assign(body, { resource: 'requests', query: 'status=new' });
    if (e.name === 'business_calendars') body.hours_mon = '09:00-18:00';
    if (e.name === 'routing_rules') body.active = false;
    if (e.name === 'contract_sla_terms') body.contract_id = (await send('POST', '/api/v1/contracts', { number: 'XSS-' + uid(), client_id: await firstId('clients'), starts_on: '2026-01-01' }, admin)).json.id;
    if (e.name === 'article_models') {
      body.article_id = stored.find((s) => s.entity === 'articles')?.id ?? await firstId('articles');
      body.model_id = (await send('POST', '/api/v1/equipment_models', { brand: 'XSS', model: 'M-' + uid() }, admin)).json.id;
    }
    if (e.name === 'contracts') body.number = 'XSS-' + uid();
    if (e.name === 'calendar_days') body.date = `2042-0${1 + (seq % 9)}-1${seq % 10}`;
    // a field the server refuses (a format it checks) goes back to nothing
    for (let attempt = 0; attempt < 6; attempt++) {
      const r = await send('POST', `/api/v1/${e.name}`, body, admin);
      if (r.status === 201) {
        for (const [field, { v, m }] of Object.entries(marks)) if (field in body) stored.push({ entity: e.name, id: r.json.id, field, value: v, mark: m });
        return r.json;
      }
      const errs = r.json?.error?.fields ?? {};
      if (r.status === 422 && Object.values(errs).includes('duplicate') && Object.keys(errs).every((k) => !(k in marks))) {
        // a unique field without a free value (one SLA policy per priority): the payloads go into an existing record
        const id = await firstId(e.name);
        const cur = (await send('GET', `/api/v1/${e.name}/${id}`, undefined, admin)).json;
        const patch = { version: cur.version };
        for (const k of Object.keys(marks)) if (k in body) patch[k] = body[k];
        const p = await send('PATCH', `/api/v1/${e.name}/${id}`, patch, admin);
        if (p.status !== 200) { log(`${e.name}: not planted: ${p.status} ${p.text.slice(0, 200)}`); return null; }
        for (const [field, { v, m }] of Object.entries(marks)) if (field in patch) stored.push({ entity: e.name, id, field, value: v, mark: m });
        return p.json;
      }
      const bad = Object.keys(errs).filter((k) => k in marks && k in body);
      if (r.status !== 422 || !bad.length) { log(`${e.name}: not planted: ${r.status} ${r.text.slice(0, 200)}`); return null; }
      for (const k of bad) delete body[k];
    }
    return null;
  }

  const records = {};
  for (const e of meta.entities) {
    const rec = await plant(e);
    if (rec) records[e.name] = rec;
  }
  // a request of a planted client, with replies, notes and files
  const req = records.requests;
  assert.ok(req, 'a request was planted');
  const extra = [];
  for (const pub of [true, false]) {
    const { v, m } = payload(10000);
    const c = await send('POST', `/api/v1/requests/${req.id}/comments`, { body: v, public: pub }, admin);
    assert.equal(c.status, 201, c.text);
    extra.push({ entity: 'requests', id: req.id, field: pub ? 'reply' : 'note', value: v, mark: m });
  }
  for (const make of PAYLOADS.slice(0, full ? PAYLOADS.length : 4)) {
    const m = `x${uid()}`;
    const name = `${make(m)}.txt`.replace(/\//g, '∕');
    const a = await send('POST', `/api/v1/requests/${req.id}/attachments?name=${encodeURIComponent(name)}`, Buffer.from(`файл ${m}`), admin,
      { 'content-type': 'application/octet-stream' });
    if (a.status === 201) extra.push({ entity: 'requests', id: req.id, field: 'file_name', value: a.json.file_name, mark: m });
    else log(`file name refused (${a.status}): ${name}`);
  }
  // the request's assignee is the planted user, so their name shows on it
  if (records.users) {
    const r = await send('POST', `/api/v1/requests/${req.id}/transitions/assign`, { version: (await send('GET', `/api/v1/requests/${req.id}`, undefined, admin)).json.version, assignee_id: records.users.id }, admin);
    assert.equal(r.status, 200, r.text);
  }
  stored.push(...extra);

  // ---- the browser side --------------------------------------------------------------
  // the page's Content-Security-Policy would stop inline handlers and scripts
  // on its own: it is checked here, then bypassed, so that what is tested is
  // the UI's own escaping (a payload rendered as markup runs and is seen)
  const csp = (await fetch(base + '/')).headers.get('content-security-policy') || '';
  if (!/script-src 'self'/.test(csp) || /unsafe-inline/.test(csp)) failures.push({ where: '/', what: `Content-Security-Policy: ${csp}` });
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'ru-RU', bypassCSP: true });
  const page = await ctx.newPage();
  const dialogs = [];
  const errors = [];
  page.on('dialog', (d) => { dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base + '/');
  await page.fill('#login-login', 'admin');
  await page.fill('#login-password', adminPassword);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.sidenav');

  // the detector itself: markup put into the page as HTML does run and is seen
  await page.evaluate(() => { const d = document.createElement('div'); d.id = 'xss-canary'; d.innerHTML = '<img src=x onerror="window.__xss=\'canary\'">'; document.body.append(d); });
  await page.waitForFunction(() => window.__xss === 'canary', null, { timeout: 5000 });
  await page.evaluate(() => { document.getElementById('xss-canary').remove(); delete window.__xss; });

  async function visit(hash, expectMarks = [], { ready = 'main h1, main table, main .empty, main section' } = {}) {
    pages++;
    await page.goto(`${base}/#/${hash}`);
    await page.waitForSelector(ready, { timeout: 10000 }).catch(() => {});
    await page.waitForLoadState('networkidle').catch(() => {});
    // parts of a page load after it (the timeline, the files): give them time
    // to show what they hold before looking, on a busy machine too
    await page.waitForFunction((marks) => marks.every((m) => document.body.innerText.includes(m)),
      expectMarks.map(({ value }) => value.trim().replace(/\s+/g, ' ').slice(0, 40)), { timeout: 10000 }).catch(() => {});
    // hover and click over whatever carries a mark: handlers that need a user
    const probe = await page.evaluate((marks) => {
      const text = document.body.innerText;
      return {
        flag: window.__xss,
        handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name))).map((el) => el.outerHTML.slice(0, 120)),
        jsLinks: [...document.querySelectorAll('a[href], iframe, form[action]')].filter((el) => /^\s*javascript:/i.test(el.getAttribute('href') || el.getAttribute('action') || '') || el.tagName === 'IFRAME').map((el) => el.outerHTML.slice(0, 120)),
        injected: [...document.querySelectorAll('img[src="x"], svg[onload], marquee, x, main script, main style')].map((el) => el.outerHTML.slice(0, 120)),
        missing: marks.filter((m) => !text.includes(m.value.trim().replace(/\s+/g, ' ').slice(0, 40).replace(/\u202e/g, '\u202e'))).map((m) => m.field),
      };
    }, expectMarks.map(({ field, value }) => ({ field, value })));
    const where = `#/${hash}`;
    if (probe.flag !== undefined) failures.push({ where, what: `a payload ran: window.__xss = ${probe.flag}` });
    if (probe.handlers.length) failures.push({ where, what: `elements with on* handlers: ${probe.handlers.join(' | ')}` });
    if (probe.jsLinks.length) failures.push({ where, what: `javascript: links or frames: ${probe.jsLinks.join(' | ')}` });
    if (probe.injected.length) failures.push({ where, what: `injected elements: ${probe.injected.join(' | ')}` });
    if (probe.missing.length) failures.push({ where, what: `not shown literally: ${probe.missing.join(', ')}` });
    if (dialogs.length) failures.push({ where, what: `dialogs: ${dialogs.splice(0).join(' | ')}` });
  }

  const byRecord = new Map();
  for (const s of stored) {
    const k = `${s.entity}/${s.id}`;
    if (!byRecord.has(k)) byRecord.set(k, []);
    byRecord.get(k).push(s);
  }
  // each record's page: its fields shown literally (long text may be cut by the
  // page: the first 40 characters must be there)
  const detail = new Set(['clients', 'contacts', 'equipment_models', 'equipment_units', 'contracts', 'requests', 'articles', 'users', 'branches',
    'sla_policies', 'business_calendars', 'routing_rules', 'calendar_days', 'article_models', 'contract_sla_terms', 'saved_views']);
  for (const [k, marks] of byRecord) {
    const [entity] = k.split('/');
    if (!detail.has(entity) && !full) continue;
    // the request page shows subject and description, comments and files; other
    // fields of a record are on its page too
    await visit(k, marks.filter((m) => m.field !== 'tags' && m.field !== 'queue' || entity !== 'requests'));
  }
  // the detector of missing text: a text that is not there is reported
  const before = failures.length;
  await visit(`requests/${req.id}`, [{ field: 'bogus', value: `not-there-${uid()}` }]);
  if (failures.length === before + 1 && /bogus/.test(failures[before].what)) failures.pop();
  else failures.push({ where: 'detector', what: 'a missing text was not reported' });
  // the lists (the first page holds the newest record)
  for (const e of meta.entities) {
    if (!records[e.name]) continue;
    await visit(`${e.name}?sort=-id`, []);
    if (full) await visit(`${e.name}/${records[e.name].id}/edit`, [], { ready: 'form' });
  }
  const words = stored.filter((s) => s.entity === 'clients' && s.field === 'name');
  if (words[0]) await visit(`search?q=${encodeURIComponent(words[0].mark)}`, []);
  await visit('audit', []);
  if (full) for (const e of meta.entities) if (records[e.name]) await visit(`audit?entity=${e.name}`, []);
  // the public status page, as the client sees it (no session)
  const anon = await browser.newContext({ locale: 'ru-RU', bypassCSP: true });
  const pub = await anon.newPage();
  pub.on('dialog', (d) => { dialogs.push(`public: ${d.message()}`); d.dismiss().catch(() => {}); });
  const full_ = (await send('GET', `/api/v1/requests/${req.id}`, undefined, admin)).json;
  pages++;
  await pub.goto(`${base}/#/public/status?number=${encodeURIComponent(full_.number)}&code=${encodeURIComponent(full_.access_code)}`);
  await pub.waitForLoadState('networkidle').catch(() => {});
  await pub.waitForTimeout(300);
  const pr = await pub.evaluate(() => ({ flag: window.__xss, text: document.body.innerText }));
  if (pr.flag !== undefined) failures.push({ where: 'public status', what: `a payload ran: ${pr.flag}` });
  const reply = extra.find((x) => x.field === 'reply');
  if (!pr.text.includes(reply.mark)) failures.push({ where: 'public status', what: 'the public reply is not shown literally' });
  const note = extra.find((x) => x.field === 'note');
  if (pr.text.includes(note.mark)) failures.push({ where: 'public status', what: 'an internal note is shown to the client' });
  if (dialogs.length) failures.push({ where: 'public status', what: `dialogs: ${dialogs.splice(0).join(' | ')}` });
  await anon.close();
  const finalFlag = await page.evaluate(() => window.__xss);
  if (finalFlag !== undefined) failures.push({ where: 'the session', what: `window.__xss = ${finalFlag}` });
  await ctx.close();
  return { fields: stored.length, records: byRecord.size, kinds: Object.keys(records).length, pages, failures, errors };
}
