// The workload board: each person's open requests as a bar, the overdue part
// in red, and their nearest deadline. A click opens their open requests.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, fmtDateTime } from '../i18n/index.js';
import { href } from '../router.js';
import { ErrorBanner, Spinner } from './ui.jsx';

export function WorkloadPage() {
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
            <thead><tr><th /><th>{t('workload.open')}</th><th>{t('workload.overdue')}</th><th>{t('workload.next_due')}</th><th class="bar-col" /></tr></thead>
            <tbody>
              {items.map((w) => (
                <tr data-user={w.user_id}>
                  <td><a href={href('requests', { assignee_id: w.user_id })}>{w.name}</a></td>
                  <td class="num">{w.open}</td>
                  <td class={'num' + (w.overdue ? ' danger' : '')}>{w.overdue}</td>
                  <td class="nowrap">{w.next_due ? fmtDateTime(w.next_due) : '—'}</td>
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
        </section>
      )}
    </div>
  );
}
