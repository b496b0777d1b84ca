// The workshop's quality control and shipments: the QC checklist on a repair
// order in qc (each item passed or failed with big buttons or the keys 1 and
// 2, then the decision), the history of QC rounds, the checklist settings
// (the company's quality standards), a shipment's units (added by order
// number, received with their outcome) and the overdue shipments.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, fmtDate, fmtDateTime } from '../i18n/index.js';
import { enumLabel } from '../meta.js';
import { href } from '../router.js';
import { useApp } from './ctx.js';
import { RecordPage } from './Detail.jsx';
import { TimelineCard } from './Timeline.jsx';
import { ErrorBanner, Spinner } from './ui.jsx';
import '../workshop.css';

// ---- QC on a repair order --------------------------------------------------

function QcChecklist({ order, view, onDone }) {
  const { session, toast } = useApp();
  const items = view.checklist.items;
  const [marks, setMarks] = useState({}); // item id → {passed, comment}
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const rows = useRef([]);
  const mine = order.technician_id && session.user && order.technician_id === session.user.id;
  if (mine) return <p class="muted" data-qc-own>{t('qc.own_work')}</p>;
  const mark = (id, passed) => setMarks((m) => ({ ...m, [id]: { ...(m[id] || {}), passed } }));
  const note = (id, text) => setMarks((m) => ({ ...m, [id]: { ...(m[id] || {}), comment: text } }));
  const marked = items.filter((i) => marks[i.id] && marks[i.id].passed !== undefined).length;
  const all = marked === items.length;
  const anyFailed = items.some((i) => marks[i.id] && marks[i.id].passed === false);
  const canPass = all && items.every((i) => !i.required || marks[i.id].passed);
  const canFail = all && anyFailed && comment.trim() !== '';
  const focusRow = (k) => { const el = rows.current[Math.max(0, Math.min(items.length - 1, k))]; if (el) el.focus(); };
  const onKey = (e, k, id) => {
    if (e.target.tagName === 'INPUT' || e.target.tagName === 'TEXTAREA') return;
    if (e.key === 'ArrowDown') { e.preventDefault(); focusRow(k + 1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); focusRow(k - 1); }
    else if (e.key === '1' || e.code === 'Digit1') { e.preventDefault(); mark(id, true); focusRow(k + 1); }
    else if (e.key === '2' || e.code === 'Digit2') { e.preventDefault(); mark(id, false); }
  };
  const decide = async (decision) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.post(`repair_orders/${order.id}/qc`, {
        version: order.version, decision, comment: comment.trim() || null,
        items: items.map((i) => ({ item_id: i.id, passed: marks[i.id].passed, comment: (marks[i.id].comment || '').trim() || null })),
      });
      toast(t(decision === 'pass' ? 'qc.saved_pass' : 'qc.saved_fail'));
      onDone(r);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="qc" data-qc-checklist>
      <p class="muted small">{t('qc.checklist', { name: view.checklist.name })} · {t('qc.round', { n: view.round })} · {t('qc.keys')}</p>
      <ol class="qc-items">
        {items.map((it, k) => {
          const m = marks[it.id] || {};
          return (
            <li class={'qc-item' + (m.passed === true ? ' qc-ok' : m.passed === false ? ' qc-bad' : '')} tabIndex={0} data-qc-item={it.id}
              ref={(el) => { rows.current[k] = el; }} onKeyDown={(e) => onKey(e, k, it.id)}>
              <div class="qc-text">
                <span>{it.text}</span>
                {it.required && <span class="badge badge-sm qc-req">{t('qc.required')}</span>}
              </div>
              <div class="qc-buttons" role="group">
                <button type="button" class={'btn qc-btn' + (m.passed === true ? ' qc-on-ok' : '')} aria-pressed={m.passed === true ? 'true' : 'false'}
                  data-qc-pass onClick={() => mark(it.id, true)}>✓ {t('qc.pass')}</button>
                <button type="button" class={'btn qc-btn' + (m.passed === false ? ' qc-on-bad' : '')} aria-pressed={m.passed === false ? 'true' : 'false'}
                  data-qc-fail onClick={() => mark(it.id, false)}>✗ {t('qc.fail')}</button>
              </div>
              {m.passed === false && (
                <input class="input qc-note" placeholder={t('qc.item_comment')} aria-label={t('qc.item_comment')} value={m.comment || ''}
                  data-qc-note onInput={(e) => note(it.id, e.currentTarget.value)} />
              )}
            </li>
          );
        })}
      </ol>
      <label class="qc-comment">
        <span>{t('qc.comment')}</span>
        <textarea class="input" rows={2} placeholder={t('qc.comment_hint')} value={comment} data-qc-comment
          onInput={(e) => setComment(e.currentTarget.value)} />
      </label>
      <div class="qc-decide">
        <span class="muted" data-qc-count>{t('qc.unmarked', { n: marked, total: items.length })}</span>
        <button type="button" class="btn btn-primary qc-big" disabled={busy || !canPass} data-qc-decide="pass" onClick={() => decide('pass')}>{t('qc.decide_pass')}</button>
        <button type="button" class="btn btn-danger qc-big" disabled={busy || !canFail} data-qc-decide="fail" onClick={() => decide('fail')}>{t('qc.decide_fail')}</button>
      </div>
      {error && <ErrorBanner error={error} />}
    </div>
  );
}

function QcHistory({ rounds }) {
  if (!rounds.length) return null;
  return (
    <div class="qc-history" data-qc-history>
      <h3>{t('qc.history')}</h3>
      {rounds.map((r) => (
        <div class={'qc-round qc-round-' + r.outcome} data-qc-round={r.round}>
          <div>
            <strong>{t('qc.round', { n: r.round })}</strong>{' '}
            <span class={'badge badge-sm ' + (r.outcome === 'passed' ? 'sla-met' : 'danger')}>{t('qc.outcome.' + r.outcome)}</span>{' '}
            <span class="muted">{r.checker} · {fmtDateTime(r.at)}</span>
          </div>
          {r.comment && <div>{r.comment}</div>}
          {r.items.filter((i) => !i.passed).map((i) => (
            <div class="muted small">✗ {i.text}{i.comment ? ` — ${i.comment}` : ''}</div>
          ))}
        </div>
      ))}
    </div>
  );
}

export function QcCard({ order, onDone }) {
  const [view, setView] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { api.get(`repair_orders/${order.id}/qc`).then(setView).catch(setError); }, [order.id, order.version]);
  if (error) return <ErrorBanner error={error} />;
  if (!view) return null;
  const active = order.status === 'qc';
  if (!active && !view.rounds.length) return null;
  return (
    <section class="card qc-card" id="qc" data-qc>
      <div class="card-head"><h2>{t('qc.title')}</h2></div>
      {active && (view.checklist ? <QcChecklist order={order} view={view} onDone={onDone} /> : <p class="muted">{t('qc.no_checklist')}</p>)}
      <QcHistory rounds={view.rounds} />
    </section>
  );
}

export function RepairOrderPage({ res, id }) {
  return (
    <RecordPage res={res} id={id}
      top={(rec, update) => <QcCard order={rec} onDone={update} />}
      side={(rec, tick) => <TimelineCard res={res} id={id} reload={tick} upload />} />
  );
}

// ---- shipments ---------------------------------------------------------------

function ReceiveRow({ u, onReceive, busy }) {
  const [outcome, setOutcome] = useState('repaired');
  const [serial, setSerial] = useState('');
  const [note, setNote] = useState('');
  const [to, setTo] = useState('in_repair');
  return (
    <tr data-unit={u.order_id} data-receive-row>
      <td colSpan={6}>
        <div class="ship-receive">
          <select class="input" aria-label={t('shipment_item.outcome')} value={outcome} data-outcome onChange={(e) => setOutcome(e.currentTarget.value)}>
            {['repaired', 'replaced', 'refused'].map((o) => <option value={o}>{t('shipment_item.outcome.' + o)}</option>)}
          </select>
          {outcome === 'replaced' && (
            <input class="input" placeholder={t('shipment_item.new_serial')} aria-label={t('shipment_item.new_serial')} value={serial} data-new-serial
              onInput={(e) => setSerial(e.currentTarget.value)} />
          )}
          <input class="input" placeholder={t('shipment_item.note')} aria-label={t('shipment_item.note')} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          <select class="input" aria-label={t('ship.to')} value={to} data-to onChange={(e) => setTo(e.currentTarget.value)}>
            {['in_repair', 'qc'].map((o) => <option value={o}>{t('ship.to.' + o)}</option>)}
          </select>
          <button type="button" class="btn btn-primary" disabled={busy} data-receive
            onClick={() => onReceive({ item_id: u.id, outcome, new_serial: outcome === 'replaced' ? serial.trim() || null : null, note: note.trim() || null, to })}>
            {t('ship.receive')}
          </button>
        </div>
      </td>
    </tr>
  );
}

function ShipmentUnits({ ship, onDone }) {
  const { meta, toast } = useApp();
  const [units, setUnits] = useState(null);
  const [error, setError] = useState(null);
  const [number, setNumber] = useState('');
  const [busy, setBusy] = useState(false);
  const load = () => api.get(`shipments/${ship.id}/units`).then((d) => setUnits(d.items)).catch(setError);
  useEffect(() => { load(); }, [ship.id, ship.version]);
  const canWrite = meta.byName.shipments && meta.byName.shipments.can_write;
  const draft = ship.status === 'draft';
  const receiving = ship.status === 'sent' || ship.status === 'partially_received';
  const statusField = meta.byName.repair_orders && meta.byName.repair_orders.fields.find((f) => f.name === 'status');
  const run = async (fn) => {
    setBusy(true);
    setError(null);
    try { await fn(); } catch (e) { setError(e); } finally { setBusy(false); }
  };
  const add = (e) => {
    e.preventDefault();
    const n = number.trim();
    if (!n) return;
    run(async () => {
      const found = (await api.get('repair_orders', { number: n, limit: 1 })).items || [];
      if (!found.length) throw new Error(t('ship.not_found'));
      await api.post('shipment_items', { shipment_id: ship.id, order_id: found[0].id });
      setNumber('');
      await load();
      onDone(await api.get(`shipments/${ship.id}`)); // its transitions change with its units
    });
  };
  const remove = (u) => run(async () => {
    await api.del(`shipment_items/${u.id}`, { version: u.version });
    await load();
    onDone(await api.get(`shipments/${ship.id}`));
  });
  const receive = (item) => run(async () => {
    const r = await api.post(`shipments/${ship.id}/receive`, { version: ship.version, items: [item] });
    toast(t('ship.receive'));
    onDone(r);
  });
  return (
    <section class="card" data-shipment-units>
      <div class="card-head"><h2>{t('ship.units')}{units ? <span class="count">{units.length}</span> : null}</h2></div>
      {error && <ErrorBanner error={error} />}
      {!units && !error && <Spinner />}
      {units && (
        <table class="table table-compact">
          <thead>
            <tr>
              <th>{t('shipment_item.order')}</th><th>{t('ship.model')}</th><th>{t('ship.serial')}</th>
              <th>{t('ship.fault')}</th><th>{t('shipment_item.outcome')}</th><th />
            </tr>
          </thead>
          <tbody>
            {units.map((u) => [
              <tr data-unit={u.order_id}>
                <td class="nowrap"><a href={href(`repair_orders/${u.order_id}`)}>{u.number}</a>{' '}
                  <span class={'badge badge-sm status-' + u.order_status}>{statusField ? enumLabel(statusField, u.order_status) : u.order_status}</span></td>
                <td>{u.model}</td>
                <td class="nowrap">{u.serial}</td>
                <td>{u.fault}</td>
                <td data-outcome-shown>{u.outcome ? t('shipment_item.outcome.' + u.outcome) : ''}{u.new_serial ? ` → ${u.new_serial}` : ''}
                  {u.received_date ? <span class="muted"> · {fmtDate(u.received_date)}</span> : null}</td>
                <td>{draft && canWrite && <button type="button" class="btn btn-small btn-link danger" disabled={busy} onClick={() => remove(u)}>{t('ship.remove')}</button>}</td>
              </tr>,
              receiving && canWrite && !u.outcome ? <ReceiveRow u={u} busy={busy} onReceive={receive} /> : null,
            ])}
          </tbody>
        </table>
      )}
      {draft && canWrite && (
        <form class="ship-add" onSubmit={add}>
          <input class="input" placeholder={t('ship.order_number')} aria-label={t('ship.order_number')} value={number} data-add-order
            onInput={(e) => setNumber(e.currentTarget.value)} />
          <button type="submit" class="btn" disabled={busy}>{t('ship.add')}</button>
        </form>
      )}
    </section>
  );
}

export function ShipmentPage({ res, id }) {
  return (
    <RecordPage res={res} id={id}
      top={(rec, update) => <ShipmentUnits ship={rec} onDone={update} />}
      side={(rec, tick) => <TimelineCard res={res} id={id} reload={tick} />} />
  );
}

export function OverdueShipmentsPage() {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { api.get('workshop/shipments/overdue').then(setData).catch(setError); }, []);
  return (
    <div class="page" data-page="shipments-overdue">
      <div class="page-head"><h1>{t('ship.overdue')}</h1></div>
      {error && <ErrorBanner error={error} />}
      {!data && !error && <Spinner />}
      {data && !data.items.length && <p class="muted">{t('ship.overdue_none')}</p>}
      {data && data.items.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th>{t('shipment.number')}</th><th>{t('shipment.partner')}</th><th>{t('shipment.sent_date')}</th>
                <th>{t('shipment.expected_date')}</th><th>{t('shipment.tracking_number')}</th><th>{t('ship.units')}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((s) => (
                <tr data-id={s.id}>
                  <td class="nowrap"><a href={href(`shipments/${s.id}`)}>{s.number}</a></td>
                  <td>{s.partner}</td>
                  <td class="nowrap">{fmtDate(s.sent_date)}</td>
                  <td class="nowrap">{fmtDate(s.expected_date)} <span class="badge badge-sm danger">{t('ship.days_over', { n: s.days_over })}</span></td>
                  <td>{s.tracking_number}</td>
                  <td>{t('ship.units_out', { n: s.units_out })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

// ---- QC checklist settings ---------------------------------------------------

function ChecklistItems({ list, canWrite }) {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const [text, setText] = useState('');
  const [required, setRequired] = useState(true);
  const [busy, setBusy] = useState(false);
  const load = () => api.get('qc_checklist_items', { checklist_id: list.id, sort: 'position', limit: 200 }).then((d) => setItems(d.items)).catch(setError);
  useEffect(() => { setItems(null); load(); }, [list.id]);
  const run = async (fn) => {
    setBusy(true);
    setError(null);
    try { await fn(); await load(); } catch (e) { setError(e); } finally { setBusy(false); }
  };
  const swap = (k, d) => run(async () => {
    const a = items[k], b = items[k + d];
    // positions are swapped; a shared position is told apart by id
    const pa = a.position, pb = b.position === a.position ? a.position + d : b.position;
    await api.patch(`qc_checklist_items/${a.id}`, { version: a.version, position: pb });
    await api.patch(`qc_checklist_items/${b.id}`, { version: b.version, position: pa });
  });
  const add = (e) => {
    e.preventDefault();
    if (!text.trim()) return;
    run(async () => { await api.post('qc_checklist_items', { checklist_id: list.id, text: text.trim(), required }); setText(''); });
  };
  return (
    <div data-qcs-items={list.id}>
      {error && <ErrorBanner error={error} />}
      {!items && !error && <Spinner />}
      {items && (
        <ol class="qcs-items">
          {items.map((it, k) => (
            <li data-qcs-item={it.id}>
              <span class="qcs-text">{it.text}</span>
              {canWrite ? (
                <label class="qcs-req">
                  <input type="checkbox" checked={it.required} disabled={busy}
                    onChange={(e) => { const v = e.currentTarget.checked; run(() => api.patch(`qc_checklist_items/${it.id}`, { version: it.version, required: v })); }} />
                  {t('qc_item.required')}
                </label>
              ) : it.required && <span class="badge badge-sm qc-req">{t('qc.required')}</span>}
              {canWrite && (
                <span class="qcs-actions">
                  <button type="button" class="btn btn-small" disabled={busy || k === 0} aria-label={t('qcs.up')} title={t('qcs.up')} onClick={() => swap(k, -1)}>↑</button>
                  <button type="button" class="btn btn-small" disabled={busy || k === items.length - 1} aria-label={t('qcs.down')} title={t('qcs.down')} onClick={() => swap(k, 1)}>↓</button>
                  <button type="button" class="btn btn-small btn-link danger" disabled={busy}
                    onClick={() => run(() => api.del(`qc_checklist_items/${it.id}`, { version: it.version }))}>{t('qcs.delete')}</button>
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
      {canWrite && (
        <form class="qcs-add" onSubmit={add}>
          <input class="input" placeholder={t('qc_item.text')} aria-label={t('qc_item.text')} value={text} data-qcs-new-text onInput={(e) => setText(e.currentTarget.value)} />
          <label class="qcs-req"><input type="checkbox" checked={required} onChange={(e) => setRequired(e.currentTarget.checked)} />{t('qc_item.required')}</label>
          <button type="submit" class="btn btn-primary" disabled={busy}>{t('qcs.add_item')}</button>
        </form>
      )}
    </div>
  );
}

export function QcSettingsPage() {
  const { meta } = useApp();
  const [types, setTypes] = useState(null);
  const [lists, setLists] = useState(null);
  const [error, setError] = useState(null);
  const [open, setOpen] = useState(null);
  useEffect(() => {
    Promise.all([api.get('service_types', { limit: 200 }), api.get('qc_checklists', { limit: 200 })])
      .then(([a, b]) => {
        const types = [...a.items].sort((x, y) => x.id - y.id);
        setTypes(types);
        setLists(b.items);
        const first = types.map((st) => b.items.find((l) => l.service_type_id === st.id)).find(Boolean);
        if (first) setOpen(first.id);
      })
      .catch(setError);
  }, []);
  const canWrite = meta.byName.qc_checklists && meta.byName.qc_checklists.can_write;
  return (
    <div class="page" data-page="qc-settings">
      <div class="page-head">
        <h1>{t('qcs.title')}</h1>
        <div class="actions">{canWrite && <a class="btn btn-primary" href={href('qc_checklists/new')}>{t('qcs.new_checklist')}</a>}</div>
      </div>
      {error && <ErrorBanner error={error} />}
      {!lists && !error && <Spinner />}
      {lists && !lists.length && <p class="muted">{t('qcs.none')}</p>}
      {lists && types && types.map((st) => lists.filter((l) => l.service_type_id === st.id).map((l) => (
        <section class="card" data-qcs-list={l.id}>
          <div class="card-head">
            <h2>
              <button type="button" class="btn-link qcs-toggle" aria-expanded={open === l.id ? 'true' : 'false'} onClick={() => setOpen(open === l.id ? null : l.id)}>
                {open === l.id ? '▾' : '▸'} {l.name}
              </button>
            </h2>
            <span class="card-actions">
              <span class="muted">{st.name}</span>{' '}
              {!l.active && <span class="badge badge-sm">{t('qc_checklist.active')}: —</span>}{' '}
              {canWrite && <a class="btn btn-small" href={href(`qc_checklists/${l.id}/edit`, { back: 'qc_settings' })}>✎</a>}
            </span>
          </div>
          {open === l.id && <ChecklistItems list={l} canWrite={canWrite} />}
        </section>
      )))}
    </div>
  );
}
