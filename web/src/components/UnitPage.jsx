// Equipment unit page: details and a history tab.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, fmtDateTime } from '../i18n/index.js';
import { href, navigate } from '../router.js';
import { FieldsGrid, RecordHead, RecordMeta, useRecord } from './Detail.jsx';
import { AuditEntry } from './AuditPage.jsx';
import { RequestsCard } from './RequestHistory.jsx';
import { Warranty } from './RequestPage.jsx';
import { ErrorBanner, Spinner } from './ui.jsx';
import { enumLabel } from '../meta.js';
import { useApp } from './ctx.js';
import { FindPartsLink } from './StockPages.jsx';

// The unit's service history: every request, repair order (its warranty
// decision and status), loaner and disposal, newest first — one call.
function ServiceHistory({ id }) {
  const { meta } = useApp();
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const load = () => { setError(null); api.get(`equipment_units/${id}/service_history`).then((d) => setItems((d && d.items) || [])).catch(setError); };
  useEffect(load, [id]);
  if (error) return <ErrorBanner error={error} onRetry={load} />;
  if (!items) return <Spinner />;
  if (!items.length) return <div class="empty-inline muted">{t('history.empty')}</div>;
  const statusField = (entity) => {
    const r = meta.byName[entity];
    return r && r.fields.find((f) => f.name === 'status');
  };
  return (
    <table class="table table-compact" data-service-history>
      <tbody>
        {items.map((e) => {
          const sf = statusField(e.entity);
          return (
            <tr data-kind={e.kind} data-id={e.id}>
              <td class="nowrap muted">{fmtDateTime(e.at)}</td>
              <td class="nowrap">{t('unit.history.' + e.kind)}</td>
              <td class="nowrap"><a href={href(`${e.entity}/${e.id}`)}>{e.number}</a></td>
              <td><div>{e.kind === 'disposal' ? t('clocks.dispose_kind.' + e.title) : e.title}</div>
                {(e.detail || e.warranty !== undefined) && (
                  <div class="muted small" data-warranty={e.warranty === undefined ? null : String(e.warranty)}>
                    {e.warranty !== undefined && <strong>{t(e.warranty ? 'unit.history.warranty' : 'unit.history.paid')}</strong>}
                    {e.warranty !== undefined && e.detail ? ': ' : ''}{e.detail}
                  </div>
                )}
              </td>
              <td class="nowrap">{e.kind !== 'disposal' && <span class={'badge badge-sm status-' + e.status}>{sf ? enumLabel(sf, e.status) : e.status}</span>}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function History({ id }) {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const load = () => { setError(null); api.get(`equipment_units/${id}/history`).then((d) => setItems((d && d.items) || [])).catch(setError); };
  useEffect(load, [id]);
  if (error) return <ErrorBanner error={error} onRetry={load} />;
  if (!items) return <Spinner />;
  if (!items.length) return <div class="empty-inline muted">{t('history.empty')}</div>;
  return <ol class="timeline">{items.map((e) => <li><AuditEntry entry={e} open /></li>)}</ol>;
}

export function UnitPage({ res, id, query }) {
  const { rec, error, loading, reload } = useRecord(res.name, id);
  const tab = query.tab === 'history' ? 'history' : 'details';
  if (loading && !rec) return <div class="page"><Spinner /></div>;
  if (error) return <div class="page"><ErrorBanner error={error} onRetry={reload} /></div>;
  const setTab = (x) => navigate(`${res.name}/${id}`, x === 'history' ? { tab: x } : {}, true);
  return (
    <div class="page">
      <RecordHead res={res} rec={rec}><Warranty until={rec.warranty_until} /><FindPartsLink unit={rec.id} /></RecordHead>
      <div class="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'details' ? 'true' : 'false'} class={tab === 'details' ? 'tab active' : 'tab'} onClick={() => setTab('details')}>{t('details')}</button>
        <button type="button" role="tab" aria-selected={tab === 'history' ? 'true' : 'false'} class={tab === 'history' ? 'tab active' : 'tab'} onClick={() => setTab('history')}>{t('history')}</button>
      </div>
      {tab === 'details' ? (
        <>
          <section class="card">
            <FieldsGrid res={res} rec={rec} />
            <RecordMeta rec={rec} />
          </section>
          <RequestsCard id="unit-requests" params={{ unit_id: rec.id }} title={t('unit.requests')}
            newHref={href('requests/new', { unit_id: rec.id, ...(rec.client_id ? { client_id: rec.client_id } : {}), back: `equipment_units/${rec.id}` })} />
        </>
      ) : (
        <>
          <section class="card"><div class="card-head"><h2>{t('unit.service_history')}</h2></div><ServiceHistory id={id} /></section>
          <section class="card"><div class="card-head"><h2>{t('unit.changes')}</h2></div><History id={id} /></section>
        </>
      )}
    </div>
  );
}
