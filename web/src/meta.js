// GET /api/v1/meta → a normalised description of resources, plus label helpers.
import { t, tFirst } from './i18n/index.js';

const SYSTEM = new Set(['id', 'version', 'created_at', 'updated_at']);

function normField(f, name) {
  const o = typeof f === 'string' ? { type: f } : { ...f };
  o.name = o.name || name;
  o.type = String(o.type || 'text').toLowerCase();
  if (o.type === 'boolean') o.type = 'bool';
  if (o.type === 'integer' || o.type === 'number') o.type = 'int';
  if (o.type === 'reference') o.type = 'ref';
  if (o.enum && !Array.isArray(o.enum)) o.enum = Object.keys(o.enum);
  if (Array.isArray(o.enum) && o.enum.some((e) => e && typeof e === 'object')) {
    o.enumLabels = {};
    o.enum = o.enum.map((e) => {
      if (!e || typeof e !== 'object') return e;
      if (e.label) o.enumLabels[e.value] = e.label;
      return e.value;
    });
  }
  if (o.multiline === true) o.multiline = true;
  if (o.enum && o.type === 'text') o.type = 'enum';
  if (o.ref && o.type !== 'ref') o.type = 'ref';
  if (o.ref && typeof o.ref === 'object') o.ref = o.ref.resource || o.ref.name;
  const flag = (v) => v === true || v === 1 || v === 'true';
  o.required = flag(o.required);
  o.readonly = flag(o.readonly) || flag(o.read_only);
  o.search = flag(o.search) || flag(o.searchable);
  o.filter = flag(o.filter) || flag(o.filterable);
  o.sort = flag(o.sort) || flag(o.sortable);
  o.writeonly = flag(o.writeonly) || flag(o.write_only) || o.name === 'password' || o.type === 'password';
  if (o.name === 'password') o.type = 'password';
  if (o.type === 'bool' && typeof o.default === 'string') o.default = o.default === 'true';
  if (o.list === 'true' || o.list === 1) o.list = true;
  return o;
}

function normResource(r, name) {
  const o = { ...r };
  o.name = o.name || name;
  let fields = o.fields || [];
  if (!Array.isArray(fields)) fields = Object.entries(fields).map(([n, f]) => normField(f, n));
  else fields = fields.map((f) => normField(f));
  o.fields = fields.filter((f) => !SYSTEM.has(f.name) && !f.name.endsWith('_label'));
  o.can_read = o.can_read !== false;
  o.can_write = !!o.can_write;
  o.can_delete = !!o.can_delete;
  o.label = o.label || 'entity.' + o.name;
  return o;
}

export function normaliseMeta(data) {
  let list = data && (data.resources || data.entities);
  if (!list) list = data;
  let arr;
  if (Array.isArray(list)) arr = list.map((r) => normResource(r));
  else arr = Object.entries(list || {}).filter(([, v]) => v && typeof v === 'object').map(([n, r]) => normResource(r, n));
  const byName = {};
  for (const r of arr) byName[r.name] = r;
  // what message templates may say (GET /api/v1/meta's message_placeholders), the
  // reports the user may see (ReportsPage), the company's name (print), the roles
  const roles = (data && Array.isArray(data.roles)) ? data.roles : [];
  return {
    list: arr, byName, roles,
    message_placeholders: (data && data.message_placeholders) || [],
    reports: (data && data.reports) || [], company: (data && data.company_name) || '',
  };
}

export function resourceTitle(res) {
  const name = typeof res === 'string' ? res : res.name;
  const label = typeof res === 'string' ? 'entity.' + res : res.label;
  return tFirst([label, 'entity.' + name], name.replace(/_/g, ' '));
}

export function resourceOne(name) {
  return tFirst(['one.' + name], resourceTitle(name));
}

export function newTitle(name) {
  return tFirst(['new.' + name], t('new.generic') + ': ' + resourceTitle(name));
}

export function fieldLabel(f) {
  const base = f.name.endsWith('_id') ? f.name.slice(0, -3) : f.name;
  return tFirst([f.label, 'field.' + f.name, 'field.' + base], f.label && !f.label.includes('.') ? f.label : f.name);
}

export function enumLabel(f, v) {
  if (v === null || v === undefined || v === '') return '';
  const ml = f.enumLabels && f.enumLabels[v];
  return tFirst([ml, f.label && f.label + '.' + v, 'enum.' + f.name + '.' + v, 'enum.' + v], ml && !ml.includes('.') ? ml : String(v));
}

// A human name for a record of a resource.
export function recordLabel(res, rec) {
  if (!rec) return '';
  const name = typeof res === 'string' ? res : res && res.name;
  if (rec.label) return String(rec.label);
  if (name === 'equipment_models' || (rec.brand && rec.model)) return [rec.brand, rec.model].filter(Boolean).join(' ');
  if (name === 'equipment_units') {
    const m = rec.model_id_label || '';
    return (m ? m + ' · ' : '') + (rec.serial ? '№ ' + rec.serial : '#' + rec.id);
  }
  if (name === 'users' && rec.name && rec.login) return `${rec.name} (${rec.login})`;
  if (name === 'contracts' && rec.number) return '№ ' + rec.number;
  for (const k of ['name', 'title', 'login', 'serial', 'number']) if (rec[k]) return String(rec[k]);
  return '#' + rec.id;
}

// Fields shown as list columns: the meta can mark them with `list`; else a heuristic.
export function listColumns(res) {
  const explicit = res.fields.filter((f) => f.list === true);
  if (explicit.length) return explicit;
  const skip = (f) => f.writeonly || f.type === 'password' || f.name === 'notes' || f.type === 'textarea' || f.multiline ||
    (f.type === 'text' && f.max > 1000) || f.name === 'pd_consent_date' || f.name === 'kpp';
  return res.fields.filter((f) => !skip(f)).slice(0, 8);
}

export function formFields(res) {
  return res.fields.filter((f) => !f.readonly);
}

export function hasPerm(session, p) {
  const perms = (session && session.permissions) || [];
  if (perms.includes(p) || perms.includes('*')) return true;
  const [area] = p.split('.');
  return perms.some((x) => x === area + '.*');
}

// The roles whose people may be given a request (requests.work): what an
// assignee picker offers.
export function workerRoles(meta) {
  return ((meta && meta.roles) || []).filter((r) => (r.permissions || []).includes('requests.work')).map((r) => r.name);
}

// The states of a resource's workflow in a category ("open", "closed").
export function statesOf(res, category) {
  return ((res && res.workflow && res.workflow.states) || []).filter((s) => s.category === category).map((s) => s.name);
}
