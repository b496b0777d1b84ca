// The repair orders of a request, on the request's page: each with its
// state and legal deadline, and one click to make a new one from the
// request (its client, unit, branch and fault go with it).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, fmtDate } from '../i18n/index.js';
import { enumLabel } from '../meta.js';
import { href, navigate } from '../router.js';
import { useApp } from './ctx.js';
import { ErrorBanner, Spinner } from './ui.jsx';
import { RecordPage } from './Detail.jsx';
import { QcCard } from './Workshop.jsx';
import { TimelineCard } from './Timeline.jsx';
import { ClocksCard } from './RepairClocks.jsx';

// days until the legal deadline of a warranty repair (negative: overdue)
export function daysLeft(due) {
  if (!due) return null;
  const today = new Date(Date.now() + 3 * 3600e3).toISOString().slice(0, 10);
  return Math.round((Date.parse(due) - Date.parse(today)) / 86400e3);
}

export function LegalClock({ due }) {
  const n = daysLeft(due);
  if (n === null) return null;
  return (
    <span class={'badge badge-sm ' + (n < 0 ? 'danger' : n <= 7 ? 'warning' : '')} data-legal-due={due}>
      {fmtDate(due)} · {t(n < 0 ? 'repair.days_over' : 'repair.days_left', { n: Math.abs(n) })}
    </span>
  );
}

export function RepairOrdersCard({ request }) {
  const { meta } = useApp();
  const res = meta.byName.repair_orders;
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const load = () => api.get('repair_orders', { request_id: request.id, sort: '-id', limit: 50 }).then((d) => setItems(d.items || [])).catch(setError);
  useEffect(() => { if (res && res.can_read) load(); }, [request.id]);
  if (!res || !res.can_read) return null;
  const status = res.fields.find((f) => f.name === 'status');
  const make = async () => {
    setBusy(true);
    setError(null);
    try {
      const o = await api.post('repair_orders', { request_id: request.id });
      navigate(`repair_orders/${o.id}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <section class="card" id="repair-orders" data-repair-orders>
      <div class="card-head">
        <h2>{t('repair.orders')}{items ? <span class="count">{items.length}</span> : null}</h2>
        {res.can_write && (
          <span class="card-actions">
            <button type="button" class="btn btn-small btn-primary" data-make-repair-order disabled={busy} onClick={make}>+ {t('repair.make')}</button>
          </span>
        )}
      </div>
      <ErrorBanner error={error} />
      {!items && !error && <Spinner />}
      {items && items.length > 0 && (
        <table class="table table-compact">
          <tbody>
            {items.map((o) => (
              <tr data-id={o.id}>
                <td class="nowrap"><a href={href(`repair_orders/${o.id}`)}>{o.number}</a></td>
                <td class="nowrap"><span class={'badge badge-sm status-' + o.status}>{enumLabel(status, o.status)}</span></td>
                <td class="nowrap"><LegalClock due={o.legal_due} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

// A repair order's page: its fields, beside them its clocks (RepairClocks.jsx)
// and its timeline with files.
export function RepairOrderPage({ res, id }) {
  return (
    <RecordPage res={res} id={id} top={(rec, update) => <QcCard order={rec} onDone={update} />} side={(rec, tick) => (
      <>
        <ClocksCard order={rec} tick={tick} />
        <TimelineCard res={res} id={id} reload={tick} upload />
      </>
    )} />
  );
}
