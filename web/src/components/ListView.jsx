// Generic list driven by meta: columns, search, filters, sort, cursor paging, keyboard.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, qs } from '../api.js';
import { t } from '../i18n/index.js';
import { enumLabel as enumLabelOf, fieldLabel, listColumns, newTitle, resourceTitle, statesOf } from '../meta.js';
import { href, navigate } from '../router.js';
import { isTyping, shortcutKey, useApp } from './ctx.js';
import { ErrorBanner, FieldValue, RefPicker, Spinner } from './ui.jsx';

const PAGE = 50;

// The column of when a record was made (a system field, not in meta's list).
const CREATED = { name: 'created_at', type: 'datetime', label: 'field.created_at', sort: true };

// The list a resource opens with when nothing is asked: requests show the
// open ones (the states of the workflow's "open" category); ?all=1 shows all.
export function defaultParams(res, query) {
  if (res.name !== 'requests' || query.all || query.status || query.q) return {};
  const open = statesOf(res, 'open');
  return open.length ? { status: open.join(',') } : {};
}

// Downloads the whole list (the current filters, search and sort) as CSV or
// XLSX through the list API's ?format=; a list over the server's cap
// (SERVITOR_EXPORT_MAX_ROWS) is answered 413 and told as an error.
async function exportList(res, params, format, toast) {
  const r = await fetch('/api/v1/' + res.name + qs({ ...params, format }), { credentials: 'same-origin' }).catch(() => null);
  if (!r || !r.ok) {
    let e = {};
    try { e = ((await r.json()) || {}).error || {}; } catch { /* not JSON */ }
    const max = /more than (\d+)/.exec(e.message || '');
    toast(r && r.status === 413 ? t('export.too_large', { n: max ? max[1] : '' }) : t('export.failed', { message: e.message || (r ? r.status : '') }), 'error');
    return;
  }
  const url = URL.createObjectURL(await r.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = res.name + '.' + format;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

export function ListView({ res, query }) {
  const { toast } = useApp();
  const [exporting, setExporting] = useState(null);
  const base = listColumns(res);
  const cols = res.name === 'requests' ? [base[0], CREATED, ...base.slice(1)] : base;
  const filterFields = res.fields.filter((f) => f.filter && ['enum', 'bool', 'ref'].includes(f.type));
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [items, setItems] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState(null);
  const [sel, setSel] = useState(-1);
  const [qText, setQText] = useState(query.q || '');
  const [refLabels, setRefLabels] = useState({});
  const searchRef = useRef();
  const tableRef = useRef();
  const seq = useRef(0);
  const qTimer = useRef();

  const params = { ...defaultParams(res, query) };
  if (query.q) params.q = query.q;
  if (query.sort) params.sort = query.sort;
  for (const f of filterFields) if (query[f.name] !== undefined && query[f.name] !== '') params[f.name] = query[f.name];
  const key = JSON.stringify(params);

  const setQuery = (patch) => {
    const next = { ...query, ...patch };
    for (const k of Object.keys(next)) if (next[k] === '' || next[k] == null) delete next[k];
    navigate(res.name, next, true);
  };

  const load = (more) => {
    const my = ++seq.current;
    setLoading(true);
    setError(null);
    api.get(res.name, { ...params, limit: PAGE, cursor: more ? cursor : undefined }).then((d) => {
      if (my !== seq.current) return;
      const got = (d && d.items) || [];
      setItems((prev) => (more ? prev.concat(got) : got));
      setCursor(d && d.next_cursor ? d.next_cursor : null);
      if (!more) setSel(got.length ? 0 : -1);
      setLoading(false);
    }).catch((e) => {
      if (my !== seq.current) return;
      setError(e);
      setLoading(false);
    });
  };

  useEffect(() => { load(false); }, [res.name, key]);
  useEffect(() => { setQText(query.q || ''); }, [query.q]);

  // keyboard: / search, n|c new, j/k move, Enter open
  useEffect(() => {
    const onKey = (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey || document.querySelector('.modal')) return;
      if (isTyping(e)) {
        if (e.key === 'ArrowDown' && e.target === searchRef.current && items.length) { e.preventDefault(); setSel(0); e.target.blur(); }
        return;
      }
      const k = shortcutKey(e);
      if (k === '/') { e.preventDefault(); e.stopPropagation(); searchRef.current && searchRef.current.focus(); }
      else if ((k === 'n' || k === 'c') && res.can_write) { e.preventDefault(); navigate(res.name + '/new'); }
      else if (k === 'j' || e.key === 'ArrowDown') { e.preventDefault(); setSel((s) => Math.min(s + 1, items.length - 1)); }
      else if (k === 'k' || e.key === 'ArrowUp') { e.preventDefault(); setSel((s) => Math.max(s - 1, 0)); }
      else if (e.key === 'Enter' && sel >= 0 && items[sel]) { e.preventDefault(); navigate(res.name + '/' + items[sel].id); }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [items, sel, res]);

  useEffect(() => {
    const row = tableRef.current && tableRef.current.querySelector('tr.selected');
    if (row && row.scrollIntoView) row.scrollIntoView({ block: 'nearest' });
  }, [sel]);

  const onSearch = (v) => {
    setQText(v);
    clearTimeout(qTimer.current);
    qTimer.current = setTimeout(() => setQuery({ q: v.trim() }), 250);
  };

  const sortState = (f) => {
    const s = (query.sort || '').split(',')[0];
    if (s === f.name) return 'asc';
    if (s === '-' + f.name) return 'desc';
    return null;
  };
  const toggleSort = (f) => {
    const st = sortState(f);
    setQuery({ sort: st === 'asc' ? '-' + f.name : st === 'desc' ? '' : f.name });
  };

  const hasFilters = filterFields.some((f) => query[f.name]) || query.q;
  const activeFilters = filterFields.filter((f) => query[f.name]);
  // a chip's text: the value's label, several values joined; a reference by its label
  const filterText = (f) => {
    const v = String(query[f.name]);
    if (f.type === 'enum') {
      const open = statesOf(res, 'open');
      if (f.name === 'status' && open.length && v === open.join(',')) return t('filters.open_states');
      return v.split(',').map((x) => enumLabelOf(f, x)).join(', ');
    }
    if (f.type === 'bool') return v === 'true' ? t('yes') : t('no');
    if (f.type === 'ref') return refLabels[f.name + ':' + v] || (items[0] && String(items[0][f.name]) === v && items[0][f.name + '_label']) || '#' + v;
    return v;
  };

  return (
    <div class="page">
      <div class="page-head">
        <h1>{resourceTitle(res)}</h1>
        <div class="export-btns" role="group" aria-label={t('export')}>
          {['csv', 'xlsx'].map((fmt) => (
            <button type="button" class="btn btn-small" data-export={fmt} disabled={!!exporting} title={t('export.hint')}
              onClick={() => { setExporting(fmt); exportList(res, params, fmt, toast).finally(() => setExporting(null)); }}>
              {exporting === fmt ? '…' : fmt.toUpperCase()}
            </button>
          ))}
        </div>
        {res.can_write && (
          <a class="btn btn-primary" href={href(res.name + '/new')} title="n">+ {newTitle(res.name)}</a>
        )}
      </div>
      <div class="toolbar">
        <div class="search-box">
          <input ref={searchRef} type="search" class="input" placeholder={t('search') + '…  ( / )'}
            aria-label={t('search')} value={qText} onInput={(e) => onSearch(e.currentTarget.value)}
            onKeyDown={(e) => { if (e.key === 'Enter') { clearTimeout(qTimer.current); setQuery({ q: qText.trim() }); } if (e.key === 'Escape') e.currentTarget.blur(); }} />
        </div>
        {filterFields.length > 0 && (
          <button type="button" class={'btn btn-small filters-btn' + (filtersOpen ? ' active' : '')} aria-expanded={filtersOpen ? 'true' : 'false'}
            onClick={() => setFiltersOpen(!filtersOpen)}>
            {t('filters')}{activeFilters.length ? <span class="chip-count">{activeFilters.length}</span> : null}
          </button>
        )}
        <div class="filter-chips" aria-label={t('filters.active')}>
          {activeFilters.map((f) => (
            <span class="chip chip-filter" data-filter={f.name}>
              <span class="chip-label">{fieldLabel(f)}: {filterText(f)}</span>
              <button type="button" class="chip-x" aria-label={t('filters.remove', { name: fieldLabel(f) })} title={t('filters.remove', { name: fieldLabel(f) })}
                onClick={() => setQuery({ [f.name]: '' })}>×</button>
            </span>
          ))}
        </div>
        {hasFilters && <button type="button" class="btn btn-link btn-small" onClick={() => navigate(res.name, query.sort ? { sort: query.sort } : {}, true)}>{t('reset_filters')}</button>}
      </div>
      {filtersOpen && (
        <div class="toolbar filters-panel">
          {filterFields.map((f) => (
            <label class="filter">
              <span>{fieldLabel(f)}</span>
              {f.type === 'enum' && (
                <select class="input" name={'filter-' + f.name} value={query[f.name] || ''} onChange={(e) => setQuery({ [f.name]: e.currentTarget.value })}>
                  <option value="">{t('any')}</option>
                  {query[f.name] && !(f.enum || []).includes(query[f.name]) && <option value={query[f.name]}>{filterText(f)}</option>}
                  {(f.enum || []).map((v) => <option value={v}>{enumLabelOf(f, v)}</option>)}
                </select>
              )}
              {f.type === 'bool' && (
                <select class="input" name={'filter-' + f.name} value={query[f.name] || ''} onChange={(e) => setQuery({ [f.name]: e.currentTarget.value })}>
                  <option value="">{t('any')}</option>
                  <option value="true">{t('yes')}</option>
                  <option value="false">{t('no')}</option>
                </select>
              )}
              {f.type === 'ref' && (
                <RefPicker field={f} placeholder={t('any')}
                  value={query[f.name] ? { id: query[f.name], label: refLabels[f.name + ':' + query[f.name]] || '#' + query[f.name] } : null}
                  onChange={(v) => {
                    if (v) setRefLabels((m) => ({ ...m, [f.name + ':' + v.id]: v.label }));
                    setQuery({ [f.name]: v ? v.id : '' });
                  }} />
              )}
            </label>
          ))}
        </div>
      )}

      <ErrorBanner error={error} onRetry={error ? () => load(false) : null} />

      <div class="table-wrap" ref={tableRef}>
        <table class={'table table-hover' + (res.name === 'requests' ? ' table-compact' : '')}>
          <thead>
            <tr>
              {cols.map((f) => {
                const st = sortState(f);
                return (
                  <th class={f.sort ? 'sortable' : ''} aria-sort={st === 'asc' ? 'ascending' : st === 'desc' ? 'descending' : undefined}>
                    {f.sort
                      ? <button type="button" class="th-btn" onClick={() => toggleSort(f)}>{fieldLabel(f)}<span class="sort-ind">{st === 'asc' ? '▲' : st === 'desc' ? '▼' : '↕'}</span></button>
                      : fieldLabel(f)}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {items.map((rec, i) => (
              <tr class={i === sel ? 'selected' : ''} onClick={() => navigate(res.name + '/' + rec.id)} data-id={rec.id}>
                {cols.map((f, ci) => (
                  <td class={'col-' + f.type + (f.name === 'subject' ? ' col-text' : '')} title={f.type === 'ref' ? rec[f.name + '_label'] || undefined : f.name === 'subject' ? rec.subject : undefined}>
                    {ci === 0
                      ? <a href={href(res.name + '/' + rec.id)} onClick={(e) => e.stopPropagation()}><FieldValue field={f} record={rec} link={false} /></a>
                      : <FieldValue field={f} record={rec} />}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {!loading && !error && items.length === 0 && (
          <div class="empty">
            <div class="empty-title">{hasFilters ? t('empty') : t('empty_plain')}</div>
            {hasFilters && <div class="muted">{t('empty_hint')}</div>}
            {res.can_write && <a class="btn btn-primary" href={href(res.name + '/new')}>+ {newTitle(res.name)}</a>}
          </div>
        )}
        {loading && <Spinner />}
      </div>
      <div class="list-foot">
        <span class="muted">{t('shown', { n: items.length })}</span>
        {cursor && !loading && <button type="button" class="btn" onClick={() => load(true)}>{t('load_more')}</button>}
        <span class="muted keys-hint">{t('keys.hint')}</span>
      </div>
    </div>
  );
}

