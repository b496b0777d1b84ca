// Global search: the top-bar query across the main resources.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { recordLabel, resourceOne, resourceTitle, listColumns } from '../meta.js';
import { href } from '../router.js';
import { useApp } from './ctx.js';
import { ErrorBanner, FieldValue, Spinner } from './ui.jsx';

export const SEARCHED = ['requests', 'clients', 'contacts', 'equipment_units', 'equipment_models'];

// What a hit is named by: a request by its number and subject.
function hitLabel(r, rec) {
  if (r.name === 'requests') return `${rec.number} · ${rec.subject}`;
  return recordLabel(r, rec);
}

export function SearchPage({ query }) {
  const { meta } = useApp();
  const q = (query.q || '').trim();
  const resList = SEARCHED.map((n) => meta.byName[n]).filter((r) => r && r.can_read && r.fields.some((f) => f.search));
  const [results, setResults] = useState(null);
  useEffect(() => {
    if (!q) { setResults({}); return; }
    setResults(null);
    let live = true;
    // requests by number too: "142", "000142", "О-2026-000142" (the search
    // finds the digits inside the number)
    const qOf = (r) => (r.name === 'requests' && /^\d{1,6}$/.test(q) ? q.padStart(6, '0') : q);
    Promise.all(resList.map((r) => api.get(r.name, { q: qOf(r), limit: 10 }).then((d) => [r.name, { items: d.items || [], more: !!d.next_cursor }], (e) => [r.name, { error: e }])))
      .then((pairs) => { if (live) setResults(Object.fromEntries(pairs)); });
    return () => { live = false; };
  }, [q]);

  if (!q) return <div class="page"><div class="empty"><div class="empty-title">{t('gsearch.type')}</div></div></div>;
  const total = results ? Object.values(results).reduce((n, x) => n + ((x.items && x.items.length) || 0), 0) : 0;
  return (
    <div class="page">
      <div class="page-head"><h1>{t('gsearch.title', { q })}</h1></div>
      {!results && <Spinner />}
      {results && total === 0 && !Object.values(results).some((x) => x.error) && (
        <div class="empty"><div class="empty-title">{t('gsearch.empty', { q })}</div></div>
      )}
      {results && resList.map((r) => {
        const x = results[r.name];
        if (!x || (!x.error && !x.items.length)) return null;
        const cols = r.name === 'requests'
          ? listColumns(r).filter((f) => ['status', 'client_id', 'assignee_id'].includes(f.name))
          : listColumns(r).slice(1, 4);
        return (
          <section class="card search-group" data-kind={r.name}>
            <div class="card-head">
              <h2>{resourceTitle(r)}<span class="count">{x.items.length}{x.more ? '+' : ''}</span></h2>
              <a class="btn btn-link btn-small" href={href(r.name, { q })}>{t('gsearch.all')} →</a>
            </div>
            {x.error ? <ErrorBanner error={x.error} /> : (
              <ul class="result-list">
                {x.items.map((rec) => (
                  <li data-kind={r.name}>
                    <span class={'kind-tag kind-' + r.name}>{resourceOne(r.name)}</span>
                    <a href={href(`${r.name}/${rec.id}`)}>{hitLabel(r, rec)}</a>
                    {cols.map((f) => rec[f.name] !== null && rec[f.name] !== undefined && rec[f.name] !== '' && <span class="muted result-extra"><FieldValue field={f} record={rec} link={false} /></span>)}
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}
