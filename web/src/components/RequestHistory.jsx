// The requests of a client or a unit, with their outcome: on the client's
// page, the unit's page and (the client's other open ones) the request page.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, fmtDate } from '../i18n/index.js';
import { enumLabel, newTitle, statesOf } from '../meta.js';
import { href } from '../router.js';
import { useApp } from './ctx.js';
import { ErrorBanner, Spinner } from './ui.jsx';

// How a request ended (or where it stands): resolved on time or late,
// cancelled, or its state now.
function Outcome({ res, rec }) {
  const status = res.fields.find((f) => f.name === 'status');
  const badge = <span class={'badge badge-sm status-' + rec.status}>{status ? enumLabel(status, rec.status) : rec.status}</span>;
  if (rec.status === 'resolved' || rec.status === 'closed') {
    const late = rec.sla_state === 'breached';
    return (
      <span class="outcome">
        {badge}{' '}
        {rec.resolved_at && <span class={'small ' + (late ? 'danger' : 'muted')}>{t(late ? 'history.resolved_late' : 'history.resolved_on', { date: fmtDate(rec.resolved_at) })}</span>}
      </span>
    );
  }
  if (rec.sla_state === 'breached') return <span class="outcome">{badge} <span class="small danger">{t('history.overdue')}</span></span>;
  return badge;
}

// params: the list's filter ({client_id} or {unit_id}); open: only the open
// ones; exclude: a request not to list (the one on the page); newHref: where
// «Новое обращение» goes (prefilled).
export function RequestsCard({ params, title, open = false, exclude, newHref, id = 'requests', emptyText, limit = 20 }) {
  const { meta } = useApp();
  const res = meta.byName.requests;
  const [items, setItems] = useState(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState(null);
  const key = JSON.stringify(params);
  const load = () => {
    setError(null);
    const q = { ...params, sort: '-id', limit: limit + 1 };
    if (open) q.status = statesOf(res, 'open').join(',');
    api.get('requests', q).then((d) => {
      const got = (d.items || []).filter((r) => r.id !== exclude);
      setItems(got.slice(0, limit));
      setMore(got.length > limit || !!d.next_cursor);
    }).catch(setError);
  };
  useEffect(() => { if (res && res.can_read) load(); }, [key, exclude]);
  if (!res || !res.can_read) return null;
  if (open && items && !items.length && !newHref) return null;
  const allHref = href('requests', { ...params, all: open ? undefined : '1' });
  return (
    <section class="card" id={id} data-requests-of={key}>
      <div class="card-head">
        <h2>{title}{items ? <span class="count">{items.length}{more ? '+' : ''}</span> : null}</h2>
        <span class="card-actions">
          {more && <a class="btn btn-link btn-small" href={allHref}>{t('gsearch.all')} →</a>}
          {newHref && res.can_write && <a class="btn btn-small" data-new-request href={newHref}>+ {newTitle('requests')}</a>}
        </span>
      </div>
      <ErrorBanner error={error} onRetry={error ? load : null} />
      {!items && !error && <Spinner />}
      {items && items.length === 0 && <div class="empty-inline muted">{emptyText || t('history.no_requests')}</div>}
      {items && items.length > 0 && (
        <table class="table table-compact req-history">
          <tbody>
            {items.map((r) => (
              <tr data-id={r.id}>
                <td class="nowrap"><a href={href(`requests/${r.id}`)}>{r.number}</a></td>
                <td class="nowrap muted small">{fmtDate(r.created_at)}</td>
                <td>{r.subject}</td>
                <td class="nowrap"><Outcome res={res} rec={r} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
