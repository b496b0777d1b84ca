// The workload board: each person's open requests as a bar, the overdue part
// in red, split by status (each a link to those requests), their nearest
// deadline, and what they resolved in each of the last weeks.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, fmtDateTime } from '../i18n/index.js';
import { enumLabel, statesOf } from '../meta.js';
import { href } from '../router.js';
import { useApp } from './ctx.js';
import { ErrorBanner, Spinner } from './ui.jsx';

// Resolved per week, oldest first: small bars with the numbers in the title.
function Trend({ weeks }) {
  const max = Math.max(1, ...weeks);
  const last = weeks[weeks.length - 1], before = weeks[weeks.length - 2] || 0;
  const dir = last > before ? 'up' : last < before ? 'down' : 'flat';
  return (
    <span class="trend" role="img" data-trend={dir} aria-label={t('workload.trend_label', { list: weeks.join(', ') })} title={t('workload.trend_label', { list: weeks.join(', ') })}>
      {weeks.map((n) => <span class="trend-bar" ref={(el) => el && (el.style.height = `${Math.max(2, Math.round((n / max) * 22))}px`)} />)}
      <span class={'trend-last trend-' + dir}>{last}</span>
    </span>
  );
}

export function WorkloadPage() {
  const { meta } = useApp();
  const res = meta.byName.requests;
  const status = res && res.fields.find((f) => f.name === 'status');
  const open = statesOf(res, 'open');
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const load = () => { setError(null); api.get('desk/workload').then((d) => setItems(d.items)).catch(setError); };
  useEffect(() => { load(); const id = setInterval(load, 60000); return () => clearInterval(id); }, []);
  if (error) return <div class="page"><ErrorBanner error={error} onRetry={load} /></div>;
  if (!items) return <div class="page"><Spinner /></div>;
  const max = Math.max(1, ...items.map((w) => w.open));
  return (
    <div class="page">
      <div class="page-head"><h1>{t('entity.workload')}</h1></div>
      {!items.length ? <div class="empty-inline muted">{t('workload.empty')}</div> : (
        <section class="card">
          <table class="table workload">
            <thead>
              <tr>
                <th /><th>{t('workload.open')}</th><th>{t('workload.by_status')}</th><th>{t('workload.overdue')}</th>
                <th>{t('workload.next_due')}</th><th>{t('workload.trend')}</th><th class="bar-col" />
              </tr>
            </thead>
            <tbody>
              {items.map((w) => (
                <tr data-user={w.user_id}>
                  <td><a href={href('requests', { assignee_id: w.user_id, status: open.join(',') })}>{w.name}</a></td>
                  <td class="num"><a href={href('requests', { assignee_id: w.user_id, status: open.join(',') })} data-open-link>{w.open}</a></td>
                  <td class="by-status">
                    {open.filter((s) => (w.by_status || {})[s]).map((s) => (
                      <a class={'badge badge-sm status-' + s} data-status={s} href={href('requests', { assignee_id: w.user_id, status: s })}>
                        {status ? enumLabel(status, s) : s} {w.by_status[s]}
                      </a>
                    ))}
                  </td>
                  <td class={'num' + (w.overdue ? ' danger' : '')}>
                    {w.overdue ? <a class="danger" href={href('requests', { assignee_id: w.user_id, status: open.join(','), sla_state: 'breached' })}>{w.overdue}</a> : 0}
                  </td>
                  <td class="nowrap">{w.next_due ? fmtDateTime(w.next_due) : '—'}</td>
                  <td>{w.resolved_weeks && <Trend weeks={w.resolved_weeks} />}</td>
                  <td class="bar-col">
                    <div class="bar" role="img" aria-label={`${w.open} / ${w.overdue}`}>
                      <span class="bar-ok" data-w={Math.round(((w.open - w.overdue) / max) * 100)} ref={(el) => el && (el.style.width = `${((w.open - w.overdue) / max) * 100}%`)} />
                      <span class="bar-late" ref={(el) => el && (el.style.width = `${(w.overdue / max) * 100}%`)} />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted small">{t('workload.trend_hint')}</p>
        </section>
      )}
    </div>
  );
}
