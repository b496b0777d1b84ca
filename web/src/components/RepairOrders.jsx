// The repair orders of a request, on the request's page: each with its
// state and legal deadline, and one click to make a new one from the
// request (its client, unit, branch and fault go with it).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, fmtDate, fmtDateTime } from '../i18n/index.js';
import { enumLabel, hasPerm } from '../meta.js';
import { href, navigate } from '../router.js';
import { useApp } from './ctx.js';
import { ErrorBanner, Modal, Spinner, fmtUnits, toUnits } from './ui.jsx';
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

// ---- the order's page: its estimate, lines, parts, time, cost -------------

const STATES_EDITABLE = ['accepted', 'diagnostics', 'estimate_sent', 'approved', 'in_repair', 'waiting_parts', 'at_vendor'];
const money = (n) => fmtUnits('money', n || 0);
const qty = (n) => fmtUnits('quantity', n || 0);
const VIA = ['phone', 'in_person', 'email'];

function viaLabel(v) {
  const f = { name: 'approval_via', label: 'repair.approval_via' };
  return enumLabel(f, v);
}

// The estimate card of a repair order's page (Workshop.jsx): its lines,
// totals, the estimate and its answer, parts issued, time, cost and margin.
export function EstimateCard({ order, tick, reload }) {
  const { session, meta, toast } = useApp();
  const linesRes = meta.byName.repair_order_lines;
  const [sum, setSum] = useState(null);
  const [logs, setLogs] = useState([]);
  const [error, setError] = useState(null);
  const [adding, setAdding] = useState(null); // 'labour' | 'part'
  const [answer, setAnswer] = useState(false);
  const [busy, setBusy] = useState(false);
  const [own, setOwn] = useState(0);
  const load = () => {
    api.get(`repair_orders/${order.id}/summary`).then((s) => { setSum(s); setError(null); }).catch(setError);
    api.get('repair_time_logs', { repair_order_id: order.id, limit: 200 }).then((d) => setLogs(d.items || [])).catch(() => {});
  };
  useEffect(load, [order.id, order.version, tick, own]);
  if (!linesRes) return null;
  const me = session.user && session.user.id;
  const canWrite = linesRes.can_write && STATES_EDITABLE.includes(order.status);
  const canIssue = hasPerm(session, 'stock.write') && ['approved', 'in_repair', 'waiting_parts', 'at_vendor', 'qc', 'ready'].includes(order.status);
  const canTime = hasPerm(session, 'workshop.write') && ['diagnostics', 'approved', 'in_repair', 'waiting_parts', 'at_vendor'].includes(order.status);
  const run = async (fn, ok) => {
    setBusy(true);
    setError(null);
    try { await fn(); if (ok) toast(ok); setOwn((n) => n + 1); reload(); } catch (e) { setError(e); }
    setBusy(false);
  };
  const running = logs.find((l) => l.user_id === me && (l.minutes === null || l.minutes === undefined));
  const labour = sum ? sum.lines.filter((l) => l.kind === 'labour') : [];
  const est = sum && sum.estimates[0];
  return (
    <section class="card" data-estimate>
      <div class="card-head">
        <h2>{t('est.lines')}</h2>
        {canWrite && (
          <span class="card-actions">
            <button type="button" class="btn btn-small" data-add-labour onClick={() => setAdding('labour')}>+ {t('est.add_labour')}</button>
            <button type="button" class="btn btn-small" data-add-part onClick={() => setAdding('part')}>+ {t('est.add_part')}</button>
          </span>
        )}
      </div>
      <ErrorBanner error={error} />
      {!sum && !error && <Spinner />}
      {sum && (
        <>
          {sum.lines.length === 0 ? <p class="muted">{t('est.none')}</p> : (
            <table class="table table-compact est-lines">
              <thead>
                <tr>
                  <th>{t('line.description')}</th>
                  <th class="num">{t('line.qty')}</th>
                  <th class="num">{t('line.price')}</th>
                  <th class="num">{t('line.amount')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {sum.lines.map((l) => (
                  <tr data-line={l.id} data-kind={l.kind}>
                    <td>
                      <span class={'tag tag-' + l.kind}>{t('line.kind.' + l.kind)}</span> {l.description}
                      {l.kind === 'part' && (l.reserved > 0 || l.issued > 0) && (
                        <div class="muted small">
                          {l.reserved > 0 && <span data-reserved>{t('line.reserved')}: {qty(l.reserved)} </span>}
                          {l.issued > 0 && <span data-issued>{t('line.issued')}: {qty(l.issued)}</span>}
                        </div>
                      )}
                    </td>
                    <td class="num">{qty(l.qty)}</td>
                    <td class="num">{money(l.price)}{l.discount > 0 && <div class="muted small">−{money(l.discount)}</div>}</td>
                    <td class="num">{money(l.amount)}<div class="muted small">{l.vat === 'none' ? t('est.no_vat') : `${t('est.vat_incl')} ${l.vat} %: ${money(l.vat_amount)}`}</div></td>
                    <td class="nowrap">
                      {canIssue && l.kind === 'part' && l.reserved > 0 && (
                        <button type="button" class="btn btn-small" data-issue-line={l.id} disabled={busy}
                          onClick={() => run(() => api.post(`repair_orders/${order.id}/issue_parts`, { line_id: l.id }), t('timeline.parts_issued'))}>{t('est.issue')}</button>
                      )}
                      {canWrite && l.issued === 0 && (
                        <button type="button" class="icon-btn" aria-label={t('est.delete_line')} title={t('est.delete_line')} disabled={busy}
                          onClick={() => run(() => api.del(`repair_order_lines/${l.id}`))}>×</button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr><td colspan="3">{t('est.labour_total')}</td><td class="num">{money(sum.totals.labour)}</td><td /></tr>
                <tr><td colspan="3">{t('est.parts_total')}</td><td class="num">{money(sum.totals.parts)}</td><td /></tr>
                <tr class="est-total"><th colspan="3">{t('est.total')}</th><th class="num" data-total>{money(sum.totals.total)}</th><td /></tr>
                <tr><td colspan="3" class="muted">{t('est.vat_incl')}</td><td class="num muted">{money(sum.totals.vat)}</td><td /></tr>
              </tfoot>
            </table>
          )}
          {sum.price_ceiling !== null && (
            <p class={sum.over_ceiling ? 'warning-text' : 'muted'} data-ceiling>
              {t('est.ceiling')}: {money(sum.price_ceiling)}{sum.over_ceiling ? ' — ' + t('est.over_ceiling') : ''}
            </p>
          )}
          {canIssue && sum.lines.some((l) => l.reserved > 0) && (
            <p><button type="button" class="btn btn-primary" data-issue-all disabled={busy}
              onClick={() => run(() => api.post(`repair_orders/${order.id}/issue_parts`, {}), t('timeline.parts_issued'))}>{t('est.issue_all')}</button></p>
          )}
          {est && (
            <div class="est-status" data-estimate-status={est.status}>
              <h3>{t('est.estimate')} · {t('est.version', { n: est.version })} · {money(est.total)}</h3>
              <p>
                <span class={'badge badge-sm est-' + est.status}>{t('est.status.' + est.status)}</span>
                {est.answered_at && <span class="muted"> {est.answered_via === 'client_page'
                  ? `${viaLabel(est.answered_via)}, ${fmtDateTime(est.answered_at)}`
                  : t('est.answered', { by: est.answered_by || '—', via: viaLabel(est.answered_via), at: fmtDateTime(est.answered_at) })}</span>}
              </p>
              {order.status === 'estimate_sent' && hasPerm(session, 'workshop.write') && (
                <button type="button" class="btn" data-record-answer onClick={() => setAnswer(true)}>{t('est.record_answer')}</button>
              )}
            </div>
          )}
          {canTime && labour.length > 0 && (
            <div class="est-time" data-time>
              {running ? (
                <p>
                  <span data-running>{t('est.running', { t: fmtDateTime(running.started_at) })}</span>{' '}
                  <button type="button" class="btn btn-small" data-time-stop disabled={busy}
                    onClick={() => run(() => api.post(`repair_orders/${order.id}/time/stop`, {}))}>{t('est.stop')}</button>
                </p>
              ) : (
                <TimeStart lines={labour} busy={busy} onStart={(lineId) => run(() => api.post(`repair_orders/${order.id}/time/start`, { line_id: lineId }))} />
              )}
              {logs.filter((l) => l.minutes).length > 0 && (
                <p class="muted small">{t('entity.repair_time_logs')}: {logs.filter((l) => l.minutes).map((l) => `${l.user_id_label || ''} ${t('est.minutes', { n: l.minutes })}`).join('; ')}</p>
              )}
            </div>
          )}
          {sum.penalty && sum.penalty.days_overdue > 0 && (
            <div class="est-penalty warning-text" data-penalty>
              <h3>{t('est.penalty')}</h3>
              <p>{t('est.penalty_text', { days: sum.penalty.days_overdue, date: fmtDate(sum.penalty.planned_date), amount: money(sum.penalty.amount), price: money(sum.penalty.price) })}</p>
            </div>
          )}
          {sum.cost && (
            <div class="est-cost" data-cost>
              <h3>{t('est.cost')}</h3>
              <dl class="fields">
                <div class="field"><dt>{t('est.cost_parts')}</dt><dd>{money(sum.cost.parts)}</dd></div>
                <div class="field"><dt>{t('est.cost_labour')}</dt><dd>{money(sum.cost.labour)} · {t('est.minutes', { n: sum.cost.minutes })}</dd></div>
                <div class="field"><dt>{t('est.revenue')}</dt><dd>{money(sum.cost.revenue)}</dd></div>
                <div class="field"><dt>{t('est.margin')}</dt><dd data-margin>{money(sum.cost.margin)}</dd></div>
              </dl>
            </div>
          )}
        </>
      )}
      {adding === 'labour' && <AddLabour order={order} onClose={() => setAdding(null)} onDone={() => { setAdding(null); setOwn((n) => n + 1); reload(); }} />}
      {adding === 'part' && <AddPart order={order} onClose={() => setAdding(null)} onDone={() => { setAdding(null); setOwn((n) => n + 1); reload(); }} />}
      {answer && <AnswerDialog order={order} sum={sum} onClose={() => setAnswer(false)} onDone={() => { setAnswer(false); reload(); }} />}
    </section>
  );
}

function TimeStart({ lines, busy, onStart }) {
  const [line, setLine] = useState(lines[0].id);
  return (
    <p class="inline-form">
      <select class="input" value={line} onChange={(e) => setLine(Number(e.currentTarget.value))} aria-label={t('time_log.line')} data-time-line>
        {lines.map((l) => <option value={l.id}>{l.description}</option>)}
      </select>{' '}
      <button type="button" class="btn btn-small btn-primary" data-time-start disabled={busy} onClick={() => onStart(line)}>{t('est.start')}</button>
    </p>
  );
}

function AddLabour({ order, onClose, onDone }) {
  const [works, setWorks] = useState(null);
  const [work, setWork] = useState('');
  const [desc, setDesc] = useState('');
  const [price, setPrice] = useState('');
  const [error, setError] = useState(null);
  useEffect(() => { api.get('works', { active: true, sort: 'name', limit: 200 }).then((d) => setWorks(d.items || [])).catch(setError); }, []);
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    const body = { repair_order_id: order.id, kind: 'labour' };
    if (work) body.work_id = Number(work);
    else { body.description = desc; if (price !== '') body.price = toUnits({ type: 'money' }, price); }
    try { await api.post('repair_order_lines', body); onDone(); } catch (err) { setError(err); }
  };
  return (
    <Modal title={t('est.add_labour')} onClose={onClose}>
      <form onSubmit={save} data-form="add-labour">
        <ErrorBanner error={error} />
        <div class="form-row">
          <label for="est-work">{t('line.work')}</label>
          <select id="est-work" class="input" value={work} onChange={(e) => setWork(e.currentTarget.value)}>
            <option value="">{t('est.free_text')}</option>
            {(works || []).map((w) => <option value={w.id}>{w.name} — {money(w.price)}</option>)}
          </select>
        </div>
        {!work && (
          <>
            <div class="form-row"><label for="est-desc">{t('line.description')}</label><input id="est-desc" class="input" value={desc} onInput={(e) => setDesc(e.currentTarget.value)} /></div>
            <div class="form-row"><label for="est-price">{t('line.price')}, ₽</label><input id="est-price" class="input" inputmode="decimal" value={price} onInput={(e) => setPrice(e.currentTarget.value)} /></div>
          </>
        )}
        <div class="form-actions"><button type="submit" class="btn btn-primary">{t('est.add_labour')}</button></div>
      </form>
    </Modal>
  );
}

function AddPart({ order, onClose, onDone }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState(null);
  const [pick, setPick] = useState(null); // {part, warehouse_id}
  const [n, setN] = useState('1');
  const [error, setError] = useState(null);
  const timer = useRef();
  const search = (v) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const params = v.trim() ? { q: v.trim() } : order.unit_id ? { unit_id: order.unit_id } : null;
      if (!params) { setFound(null); return; }
      api.get('stock/find', params).then((d) => setFound(d.items || [])).catch(setError);
    }, 150);
  };
  useEffect(() => { search(''); }, []);
  const save = async (e) => {
    e.preventDefault();
    if (!pick) return;
    setError(null);
    try {
      await api.post('repair_order_lines', { repair_order_id: order.id, kind: 'part', part_id: pick.part.id, warehouse_id: pick.warehouse_id, qty: toUnits({ type: 'quantity' }, n) });
      onDone();
    } catch (err) { setError(err); }
  };
  return (
    <Modal title={t('est.add_part')} onClose={onClose} wide>
      <form onSubmit={save} data-form="add-part">
        <ErrorBanner error={error} />
        <div class="form-row">
          <label for="est-q">{t('est.find_part')}</label>
          <input id="est-q" class="input" value={q} autoComplete="off" onInput={(e) => { setQ(e.currentTarget.value); search(e.currentTarget.value); }} />
        </div>
        {found && (
          <table class="table table-compact" data-found>
            <tbody>
              {found.slice(0, 20).map((it) => (it.stock && it.stock.length ? it.stock : [{ warehouse_id: null, warehouse: '—', available: 0 }]).map((s) => (
                <tr class={pick && pick.part.id === it.part.id && pick.warehouse_id === s.warehouse_id ? 'selected' : ''} data-part={it.part.id}>
                  <td>{it.part.sku}</td>
                  <td>{it.part.name}</td>
                  <td>{s.warehouse}</td>
                  <td class="num">{t('est.available', { n: qty(s.available) })}</td>
                  <td class="num">{it.part.sale_price != null ? money(it.part.sale_price) : ''}</td>
                  <td><button type="button" class="btn btn-small" disabled={!s.warehouse_id} data-pick={`${it.part.id}:${s.warehouse_id}`}
                    onClick={() => setPick({ part: it.part, warehouse_id: s.warehouse_id })}>✓</button></td>
                </tr>
              )))}
            </tbody>
          </table>
        )}
        <div class="form-row">
          <label for="est-n">{t('line.qty')}</label>
          <input id="est-n" class="input" inputmode="decimal" value={n} onInput={(e) => setN(e.currentTarget.value)} />
        </div>
        <div class="form-actions"><button type="submit" class="btn btn-primary" disabled={!pick}>{t('est.add_part')}</button></div>
      </form>
    </Modal>
  );
}

// The client's answer taken by phone, in person or by e-mail.
function AnswerDialog({ order, sum, onClose, onDone }) {
  const [by, setBy] = useState('');
  const [via, setVia] = useState('phone');
  const [over, setOver] = useState(false);
  const [error, setError] = useState(null);
  const send = async (name) => {
    setError(null);
    const body = { version: order.version, approval_by: by, approval_via: via };
    if (name === 'approve' && over) body.over_ceiling_agreed = true;
    try { await api.post(`repair_orders/${order.id}/transitions/${name}`, body); onDone(); } catch (e) { setError(e); }
  };
  return (
    <Modal title={t('est.record_answer')} onClose={onClose}>
      <div data-form="record-answer">
        <ErrorBanner error={error} />
        <div class="form-row"><label for="ans-by">{t('repair.approval_by')}</label><input id="ans-by" class="input" value={by} onInput={(e) => setBy(e.currentTarget.value)} /></div>
        <div class="form-row">
          <label for="ans-via">{t('repair.approval_via')}</label>
          <select id="ans-via" class="input" value={via} onChange={(e) => setVia(e.currentTarget.value)}>
            {VIA.map((v) => <option value={v}>{viaLabel(v)}</option>)}
          </select>
        </div>
        {sum && sum.over_ceiling && (
          <label class="checkbox"><input type="checkbox" checked={over} onChange={(e) => setOver(e.currentTarget.checked)} data-over-ceiling /> {t('repair.over_ceiling_agreed')}</label>
        )}
        <div class="form-actions">
          <button type="button" class="btn btn-primary" data-answer="approve" onClick={() => send('approve')}>{t('est.approve')}</button>
          <button type="button" class="btn btn-danger-outline" data-answer="decline" onClick={() => send('decline')}>{t('est.decline')}</button>
        </div>
      </div>
    </Modal>
  );
}

// A repair order's page: the QC checklist when it is in qc; its fields; beside
// them its estimate and lines (EstimateCard), its clocks (RepairClocks.jsx)
// and its timeline with files. Approve and decline are answered in the
// estimate card's dialog, not by bare buttons.
export function RepairOrderPage({ res, id }) {
  return (
    <RecordPage res={res} id={id} hideTransitions={['approve', 'decline']}
      top={(rec, update) => <QcCard order={rec} onDone={update} />}
      side={(rec, tick, reload) => (
        <>
          <EstimateCard order={rec} tick={tick} reload={reload} />
          <ClocksCard order={rec} tick={tick} />
          <TimelineCard res={res} id={id} reload={tick} upload />
        </>
      )} />
  );
}
