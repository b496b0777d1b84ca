// Every clock of a repair order with its countdown, on the order's page:
// the legal 45 days of a warranty repair (ЗоЗПП ст. 20), the company's target
// for the service type (working days), the substitute device (3 days from the
// client's demand, ст. 20 п. 2: demand, hand over a loaner from the pool,
// take it back, print the act) and the unclaimed unit (ГК ст. 738: written
// notices with their delivery, two months from it, then disposal or sale).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, fmtDate } from '../i18n/index.js';
import { enumLabel } from '../meta.js';
import { href } from '../router.js';
import { useApp } from './ctx.js';
import { ErrorBanner, Spinner } from './ui.jsx';
import '../clocks.css';

const moscowToday = () => new Date(Date.now() + 3 * 3600e3).toISOString().slice(0, 10);
const nextDay = (d) => new Date(Date.parse(d + 'T00:00:00Z') + 86400e3).toISOString().slice(0, 10);

function Countdown({ clock }) {
  if (!clock) return <span class="muted">{t('clocks.none')}</span>;
  if (clock.state === 'stopped') {
    return <span class="badge badge-sm" data-clock-state="stopped">{fmtDate(clock.due)} · {t('clocks.stopped')}</span>;
  }
  const n = clock.days_left;
  return (
    <span class={'badge badge-sm ' + (n < 0 ? 'danger' : n <= 1 ? 'warning' : '')} data-due={clock.due} data-days-left={n}>
      {fmtDate(clock.due)} · {t(n < 0 ? 'repair.days_over' : 'repair.days_left', { n: Math.abs(n) })}
    </span>
  );
}

function Row({ label, clock, name, children }) {
  return (
    <div class="clock-row" data-clock={name}>
      <div class="clock-label">{label}</div>
      <div class="clock-value"><Countdown clock={clock} />{children}</div>
    </div>
  );
}

function LoanerIssue({ it, canWrite, onDone, setError }) {
  const { meta } = useApp();
  const res = meta.byName.loaner_issues;
  const status = res && res.fields.find((f) => f.name === 'status');
  const [loaners, setLoaners] = useState(null);
  const [pick, setPick] = useState('');
  const [cond, setCond] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (it.status === 'demanded' && canWrite) {
      api.get('loaners', { status: 'available', limit: 100, sort: 'inventory_number' }).then((d) => setLoaners(d.items || [])).catch(setError);
    }
  }, [it.id, it.status]);
  const act = async (name, body) => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`loaner_issues/${it.id}/transitions/${name}`, { version: it.version, ...body });
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="clock-item" data-loaner-issue={it.id} data-status={it.status}>
      <a href={href(`loaner_issues/${it.id}`)}>{it.number}</a>
      {' '}<span class={'badge badge-sm status-' + it.status}>{status ? enumLabel(status, it.status) : it.status}</span>
      {it.loaner && <span class="muted"> · {it.loaner}</span>}
      {it.due_by && it.status === 'demanded' && <> <Countdown clock={it.clock} /></>}
      {it.status !== 'demanded' && (
        <a class="btn btn-small" data-loaner-act target="_blank" rel="noopener" href={`/api/v1/loaner_issues/${it.id}/documents/loaner_act.pdf`}>{t('clocks.act')}</a>
      )}
      {canWrite && it.status === 'demanded' && loaners && (
        <div class="clock-actions">
          {loaners.length ? (
            <>
              <select aria-label={t('clocks.pick_loaner')} data-pick-loaner value={pick} onChange={(e) => setPick(e.target.value)}>
                <option value="">{t('clocks.pick_loaner')}</option>
                {loaners.map((l) => <option value={l.id}>{l.inventory_number} · {l.model_id_label || ''} {l.serial || ''}</option>)}
              </select>
              <button type="button" class="btn btn-small btn-primary" data-issue-loaner disabled={!pick || busy} onClick={() => act('issue', { loaner_id: Number(pick) })}>{t('clocks.issue')}</button>
            </>
          ) : <span class="muted">{t('clocks.no_loaners')}</span>}
        </div>
      )}
      {canWrite && it.status === 'issued' && (
        <div class="clock-actions">
          <input type="text" placeholder={t('clocks.return_condition')} aria-label={t('clocks.return_condition')} data-return-condition value={cond} onInput={(e) => setCond(e.target.value)} />
          <button type="button" class="btn btn-small" data-return-loaner disabled={busy} onClick={() => act('return', cond.trim() ? { return_condition: cond.trim() } : {})}>{t('clocks.return')}</button>
        </div>
      )}
    </li>
  );
}

function Notice({ n, canWrite, onDone, setError }) {
  const { meta } = useApp();
  const res = meta.byName.pickup_notices;
  const channel = res && res.fields.find((f) => f.name === 'channel');
  const [day, setDay] = useState(moscowToday());
  const save = async () => {
    setError(null);
    try {
      await api.patch(`pickup_notices/${n.id}`, { version: n.version, delivered_on: day });
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <li class="clock-item" data-notice={n.id}>
      {fmtDate(n.sent_at)} · {channel ? enumLabel(channel, n.channel) : n.channel} · {n.delivered_on ? <>{t('pickup_notice.delivered_on')} {fmtDate(n.delivered_on)}</> : <span class="muted">{t('clocks.not_delivered')}</span>}
      {' '}<a href={href(`pickup_notices/${n.id}`)} data-notice-proof>{t('clocks.proof')}</a>
      {!n.delivered_on && canWrite && (
        <span class="clock-actions">
          <input type="date" aria-label={t('pickup_notice.delivered_on')} value={day} onInput={(e) => setDay(e.target.value)} />
          <button type="button" class="btn btn-small" data-notice-delivered onClick={save}>{t('pickup_notice.delivered_on')}</button>
        </span>
      )}
    </li>
  );
}

function NoticeForm({ order, onDone, setError }) {
  const { meta } = useApp();
  const res = meta.byName.pickup_notices;
  const channel = res.fields.find((f) => f.name === 'channel');
  const [sent, setSent] = useState(moscowToday());
  const [ch, setCh] = useState('letter');
  const add = async () => {
    setError(null);
    try {
      await api.post('pickup_notices', { order_id: order.id, sent_at: sent, channel: ch });
      onDone();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div class="clock-actions" data-notice-form>
      <input type="date" aria-label={t('pickup_notice.sent_at')} value={sent} onInput={(e) => setSent(e.target.value)} />
      <select aria-label={t('pickup_notice.channel')} value={ch} onChange={(e) => setCh(e.target.value)}>
        {channel.enum.map((v) => <option value={v}>{enumLabel(channel, v)}</option>)}
      </select>
      <button type="button" class="btn btn-small" data-add-notice onClick={add}>{t('clocks.notice_add')}</button>
    </div>
  );
}

function Dispose({ order, onDone, setError }) {
  const [kind, setKind] = useState('dispose');
  const [reason, setReason] = useState('');
  const go = async () => {
    setError(null);
    try {
      await api.post(`repair_orders/${order.id}/dispose`, { version: order.version, kind, reason });
      onDone(true);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div class="clock-actions" data-dispose-form>
      <select aria-label={t('clocks.dispose')} value={kind} onChange={(e) => setKind(e.target.value)}>
        <option value="dispose">{t('clocks.dispose_kind.dispose')}</option>
        <option value="sell">{t('clocks.dispose_kind.sell')}</option>
      </select>
      <input type="text" placeholder={t('clocks.dispose_reason')} aria-label={t('clocks.dispose_reason')} value={reason} onInput={(e) => setReason(e.target.value)} />
      <button type="button" class="btn btn-small btn-danger" data-dispose disabled={!reason.trim()} onClick={go}>{t('clocks.dispose')}</button>
    </div>
  );
}

export function ClocksCard({ order, tick = 0, onChanged }) {
  const { meta } = useApp();
  const [c, setC] = useState(null);
  const [error, setError] = useState(null);
  const [n, setN] = useState(0);
  useEffect(() => { api.get(`repair_orders/${order.id}/clocks`).then(setC).catch(setError); }, [order.id, order.version, tick, n]);
  const reload = (orderChanged) => { setN((x) => x + 1); if (orderChanged && onChanged) onChanged(); };
  if (!c) return <section class="card" data-clocks>{error ? <ErrorBanner error={error} /> : <Spinner />}</section>;
  const issues = c.loaner.issues;
  const open = !['issued', 'cancelled', 'disposed'].includes(c.status);
  const canWrite = !!(meta.byName.loaner_issues && meta.byName.loaner_issues.can_write);
  const canManage = !!(meta.byName.loaners && meta.byName.loaners.can_write);
  const u = c.unclaimed;
  const showUnclaimed = u.waiting || u.notices.length > 0 || u.disposal;
  const demand = async () => {
    setError(null);
    try {
      await api.post('loaner_issues', { order_id: order.id });
      reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section class="card clocks" data-clocks>
      <div class="card-head"><h2>{t('clocks.title')}</h2></div>
      <ErrorBanner error={error} />
      <Row name="legal" label={t('clocks.legal')} clock={c.legal} />
      <Row name="target" label={c.target ? t('clocks.target', { days: c.target.target_days, type: c.target.service_type }) : t('clocks.target_none')} clock={c.target} />
      <div class="clock-row" data-clock="loaner">
        <div class="clock-label">{t('clocks.loaner')}</div>
        <div class="clock-value">
          {!c.loaner.duty && <div class="muted small">{t('clocks.no_duty')}</div>}
          {issues.length > 0 && <ul class="clock-list">{issues.map((it) => <LoanerIssue key={it.id + ':' + it.version} it={it} canWrite={canWrite} onDone={reload} setError={setError} />)}</ul>}
          {canWrite && open && !issues.some((it) => it.status !== 'returned') && (
            <button type="button" class="btn btn-small" data-demand-loaner onClick={demand}>{t('clocks.demand')}</button>
          )}
        </div>
      </div>
      {showUnclaimed && (
        <div class="clock-row" data-clock="unclaimed">
          <div class="clock-label">{t('clocks.unclaimed')}</div>
          <div class="clock-value">
            {u.disposal ? (
              <div data-disposal>{t('clocks.disposed', { kind: t('clocks.dispose_kind.' + u.disposal.kind), reason: u.disposal.reason })}</div>
            ) : (
              <>
                {u.clock ? <Countdown clock={u.clock} /> : <span class="muted">{t('clocks.notice_none')}</span>}
                {u.clock && !u.may_dispose && u.waiting && <span class="muted small"> {t('clocks.may_dispose_from', { date: fmtDate(nextDay(u.clock.due)) })}</span>}
              </>
            )}
            {u.notices.length > 0 && <ul class="clock-list">{u.notices.map((x) => <Notice key={x.id + ':' + x.version} n={x} canWrite={canWrite} onDone={reload} setError={setError} />)}</ul>}
            {canWrite && u.waiting && !u.disposal && <NoticeForm order={order} onDone={reload} setError={setError} />}
            {canManage && u.may_dispose && !u.disposal && <Dispose order={order} onDone={reload} setError={setError} />}
          </div>
        </div>
      )}
    </section>
  );
}
