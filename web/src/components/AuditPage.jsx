// Audit log: filters (entity, record, user, period), entries with a before/after diff.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, fmtDateTime } from '../i18n/index.js';
import { enumLabel, fieldLabel, resourceOne, resourceTitle } from '../meta.js';
import { href, navigate } from '../router.js';
import { useApp } from './ctx.js';
import { DateInput, ErrorBanner, RefPicker, Spinner, fmtPhone } from './ui.jsx';

const SKIP = new Set(['updated_at', 'created_at', 'version', 'id']);

function parse(x) {
  if (!x) return null;
  if (typeof x === 'string') { try { return JSON.parse(x); } catch { return { value: x }; } }
  return x;
}

function show(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (v === true) return t('yes');
  if (v === false) return t('no');
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'string' && /^\+7\d{10}$/.test(v)) return fmtPhone(v);
  return String(v);
}

export function diffRows(before, after) {
  const b = parse(before) || {};
  const a = parse(after) || {};
  const keys = [];
  for (const k of Object.keys(b).concat(Object.keys(a))) if (!keys.includes(k) && !SKIP.has(k) && !k.endsWith('_label')) keys.push(k);
  return keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k])).map((k) => ({ k, b: b[k], a: a[k] }));
}

// Who made a change: the person's name; the system (demo data, jobs) as such.
function auditWho(entry) {
  if (entry.user_name) return entry.user_name;
  if (!entry.user_id || entry.user_login === 'system') return t('audit.system');
  return entry.user_login || '#' + entry.user_id;
}

export function AuditEntry({ entry, open: openInit, showRecord }) {
  const { meta } = useApp();
  const [open, setOpen] = useState(!!openInit);
  const res = meta.byName[entry.entity];
  const rows = diffRows(entry.before, entry.after);
  const label = (k) => {
    const f = res && res.fields.find((x) => x.name === k);
    return f ? fieldLabel(f) : k;
  };
  const val = (k, v) => {
    const f = res && res.fields.find((x) => x.name === k);
    if (f && f.type === 'enum' && v) return enumLabel(f, v);
    return show(v);
  };
  return (
    <div class={'audit-entry action-' + entry.action}>
      <div class="audit-line">
        <span class="nowrap audit-at">{fmtDateTime(entry.at)}</span>
        <span class={'tag tag-' + entry.action}>{enumLabel({ name: 'action' }, entry.action)}</span>
        {showRecord && entry.action === 'demo' ? <span>{t('audit.demo_loaded')}</span> : showRecord && (
          <span>
            {res ? resourceOne(entry.entity) : entry.entity}{' '}
            {res && res.can_read && entry.action !== 'delete'
              ? <a href={href(`${entry.entity}/${entry.record_id}`)}>#{entry.record_id}</a>
              : <span>#{entry.record_id}</span>}
          </span>
        )}
        <span class="muted audit-who" title={entry.user_login || ''}>{auditWho(entry)}</span>
        <button type="button" class="btn btn-link btn-small" aria-expanded={open ? 'true' : 'false'} onClick={() => setOpen(!open)}>
          {open ? t('audit.hide') : t('audit.show')} ({rows.length})
        </button>
      </div>
      {open && (rows.length ? (
        <table class="table diff">
          <thead><tr><th>{t('audit.field')}</th><th>{t('audit.before')}</th><th>{t('audit.after')}</th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr><td>{label(r.k)}</td><td class="diff-before">{val(r.k, r.b)}</td><td class="diff-after">{val(r.k, r.a)}</td></tr>
            ))}
          </tbody>
        </table>
      ) : <div class="muted">{t('audit.no_changes')}</div>)}
    </div>
  );
}

export function AuditPage({ query }) {
  const { meta } = useApp();
  const [items, setItems] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState(null);
  const [userLabel, setUserLabel] = useState('');
  const [recText, setRecText] = useState(query.record_id || '');
  const seq = useRef(0);
  const params = {};
  for (const k of ['entity', 'record_id', 'user_id', 'from', 'to']) if (query[k]) params[k] = query[k];
  const apiParams = { ...params };
  if (apiParams.from) apiParams.from = apiParams.from + 'T00:00:00Z';
  if (apiParams.to) apiParams.to = apiParams.to + 'T23:59:59Z';
  const key = JSON.stringify(params);
  const setQuery = (patch) => {
    const next = { ...query, ...patch };
    for (const k of Object.keys(next)) if (!next[k]) delete next[k];
    navigate('audit', next, true);
  };
  const load = (more) => {
    const my = ++seq.current;
    setLoading(true);
    setError(null);
    api.get('audit', { ...apiParams, limit: 50, cursor: more ? cursor : undefined }).then((d) => {
      if (my !== seq.current) return;
      setItems((p) => (more ? p.concat(d.items || []) : d.items || []));
      setCursor(d.next_cursor || null);
      setLoading(false);
    }).catch((e) => { if (my === seq.current) { setError(e); setLoading(false); } });
  };
  useEffect(() => { load(false); }, [key]);
  const usersRes = meta.byName.users;

  return (
    <div class="page">
      <div class="page-head"><h1>{t('entity.audit')}</h1></div>
      <div class="toolbar">
        <label class="filter">
          <span>{t('audit.entity')}</span>
          <select class="input" value={query.entity || ''} onChange={(e) => setQuery({ entity: e.currentTarget.value })}>
            <option value="">{t('any')}</option>
            {meta.list.map((r) => <option value={r.name}>{resourceTitle(r)}</option>)}
          </select>
        </label>
        <label class="filter filter-narrow">
          <span>{t('audit.record_id')}</span>
          <input class="input" type="number" min="1" value={recText} onInput={(e) => setRecText(e.currentTarget.value)}
            onChange={(e) => setQuery({ record_id: e.currentTarget.value })} />
        </label>
        <label class="filter">
          <span>{t('audit.user')}</span>
          {usersRes && usersRes.can_read ? (
            <RefPicker field={{ name: 'user_id', ref: 'users', type: 'ref' }} placeholder={t('any')}
              value={query.user_id ? { id: query.user_id, label: userLabel || '#' + query.user_id } : null}
              onChange={(v) => { setUserLabel(v ? v.label : ''); setQuery({ user_id: v ? v.id : '' }); }} />
          ) : (
            <input class="input" type="number" value={query.user_id || ''} onChange={(e) => setQuery({ user_id: e.currentTarget.value })} />
          )}
        </label>
        <label class="filter">
          <span>{t('audit.from')}</span>
          <DateInput value={query.from || ''} onChange={(e) => setQuery({ from: e.currentTarget.value })} />
        </label>
        <label class="filter">
          <span>{t('audit.to')}</span>
          <DateInput value={query.to || ''} onChange={(e) => setQuery({ to: e.currentTarget.value })} />
        </label>
        {Object.keys(params).length > 0 && <button type="button" class="btn btn-link" onClick={() => { setRecText(''); navigate('audit', {}, true); }}>{t('reset_filters')}</button>}
      </div>
      <ErrorBanner error={error} onRetry={error ? () => load(false) : null} />
      <div class="card audit-list">
        {items.map((e) => <AuditEntry entry={e} showRecord />)}
        {!loading && !error && !items.length && <div class="empty"><div class="empty-title">{t('empty')}</div></div>}
        {loading && <Spinner />}
      </div>
      <div class="list-foot">
        <span class="muted">{t('shown', { n: items.length })}</span>
        {cursor && !loading && <button type="button" class="btn" onClick={() => load(true)}>{t('load_more')}</button>}
      </div>
    </div>
  );
}
