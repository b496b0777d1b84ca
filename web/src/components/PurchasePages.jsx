// Purchase orders' screens: an order's page (its workflow's buttons, its
// lines — edited while a draft — and, once sent, goods received against it
// by scanning barcodes: expected against scanned per line, then one posting),
// a return to a supplier (scanned or typed lines, then posted) and the
// supplier scorecard on the supplier's page. Money from the API is kopecks,
// quantities thousandths.
import '../purchase.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { fmtDateTime, t } from '../i18n/index.js';
import { hasPerm } from '../meta.js';
import { href, navigate } from '../router.js';
import { useApp } from './ctx.js';
import { FieldsGrid, RecordHead, RecordMeta, useRecord } from './Detail.jsx';
import { fmtMoney, fmtQty, ScanField } from './StockPages.jsx';
import { TimelineCard } from './Timeline.jsx';
import { TransitionBar } from './Workflow.jsx';
import { ErrorBanner, RefPicker, Spinner, errorText } from './ui.jsx';

const toThousandths = (s) => Math.round(parseFloat(String(s).replace(',', '.').replace(/\s/g, '')) * 1000);
const toKopecks = (s) => Math.round(parseFloat(String(s).replace(',', '.').replace(/\s/g, '')) * 100);
const PART_FIELD = { name: 'part_id', ref: 'parts' };

function StatusBadge({ rec, prefix = 'po' }) {
  return <span class={'badge po-' + rec.status} data-status={rec.status}>{t(`${prefix}.status.${rec.status}`)}</span>;
}

// ---- a draft's lines ----------------------------------------------------------

function DraftLines({ rec, lines, onSaved }) {
  const [rows, setRows] = useState(() => lines.map((l) => ({ part: { id: l.part_id, label: `${l.sku} · ${l.name}` }, unit: l.unit, qty: String(l.qty / 1000), price: String(l.price / 100) })));
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (i, patch) => setRows((rs) => rs.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const save = async () => {
    setBusy(true);
    setErr(null);
    try {
      const body = { version: rec.version, lines: rows.map((r) => {
        const l = { part_id: r.part.id, qty: toThousandths(r.qty) };
        if (String(r.price).trim() !== '') l.price = toKopecks(r.price);
        return l;
      }) };
      await api.post(`purchase_orders/${rec.id}/lines`, body);
      await onSaved();
    } catch (e) { setErr(e); }
    setBusy(false);
  };
  return (
    <section class="card" data-section="draft-lines">
      <h2>{t('po.lines')}</h2>
      <div class="table-wrap">
        <table class="table po-lines">
          <thead><tr><th>{t('part.name')}</th><th class="num">{t('stock.qty')}</th><th class="num">{t('po.price_rub')}</th><th /></tr></thead>
          <tbody>
            {!rows.length && <tr><td colSpan="4" class="muted">{t('po.no_lines')}</td></tr>}
            {rows.map((r, i) => (
              <tr data-part={r.part.id}>
                <td>{r.part.label}</td>
                <td class="num"><input class="input input-num" inputMode="decimal" data-col="qty" value={r.qty} onInput={(e) => set(i, { qty: e.currentTarget.value })} /> {r.unit ? t('stock.unit.' + r.unit) : ''}</td>
                <td class="num"><input class="input input-num" inputMode="decimal" data-col="price" value={r.price} placeholder={t('po.price_default')} onInput={(e) => set(i, { price: e.currentTarget.value })} /></td>
                <td><button type="button" class="chip-x" aria-label={t('delete')} onClick={() => setRows((rs) => rs.filter((_, k) => k !== i))}>×</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="inline-add">
        <RefPicker field={PART_FIELD} value={null} id="po-add-part" placeholder={t('po.add_part')}
          onChange={(v) => v && !rows.some((r) => r.part.id === v.id) && setRows((rs) => rs.concat({ part: { id: v.id, label: `${v.rec.sku} · ${v.rec.name}` }, unit: v.rec.unit, qty: '1', price: '' }))} />
        <button type="button" class="btn btn-primary" disabled={busy} onClick={save} data-action="save-lines">{t('po.save_lines')}</button>
      </div>
      <p class="muted small">{t('po.price_hint')}</p>
      {err && <ErrorBanner error={err} />}
    </section>
  );
}

// ---- the lines of a sent order, and receiving against them --------------------

function lineState(l, scanned) {
  const got = l.received_qty + (scanned || 0);
  if (got > l.qty) return 'over';
  if (got === l.qty) return 'full';
  return got > 0 ? 'part' : 'none';
}

function Receiving({ rec, lines, onPosted }) {
  const { session, toast } = useApp();
  const [scanned, setScanned] = useState({});
  const [flash, setFlash] = useState(null);
  const [last, setLast] = useState(null);
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const [accept, setAccept] = useState(false);
  const [reason, setReason] = useState('');
  const n = useRef(0);
  const say = (ok, text) => setFlash({ ok, text, n: ++n.current });
  const mayAccept = hasPerm(session, 'purchasing.write');
  const onScan = (code) => {
    const c = code.trim().toLowerCase();
    const l = lines.find((x) => x.barcodes.some((b) => b.toLowerCase() === c)) || lines.find((x) => x.sku.toLowerCase() === c || (x.supplier_sku || '').toLowerCase() === c);
    if (!l) { say(false, t('po.scan_not_on_order', { code })); return; }
    const q = (scanned[l.part_id] || 0) + 1000;
    setScanned((s) => ({ ...s, [l.part_id]: q }));
    setLast(l.part_id);
    const over = l.received_qty + q > l.qty;
    say(!over, `${l.sku} · ${l.name} — ${fmtQty(l.received_qty + q, l.unit)} / ${fmtQty(l.qty, l.unit)}${over ? ' · ' + t('po.over') : ''}`);
  };
  const anyOver = lines.some((l) => lineState(l, scanned[l.part_id]) === 'over');
  const post = async () => {
    setBusy(true);
    setErr(null);
    try {
      const body = { version: rec.version, lines: lines.filter((l) => scanned[l.part_id] > 0).map((l) => ({ part_id: l.part_id, qty: scanned[l.part_id] })) };
      if (accept) { body.accept_over = true; body.over_reason = reason; }
      const r = await api.post(`purchase_orders/${rec.id}/receive`, body);
      setScanned({});
      setAccept(false);
      setReason('');
      toast(t('po.received_ok'));
      onPosted(r);
    } catch (e) { setErr(e); }
    setBusy(false);
  };
  const count = Object.values(scanned).filter((q) => q > 0).length;
  return (
    <section class="card" data-section="receive">
      <h2>{t('po.receive')}</h2>
      <ScanField onScan={onScan} flash={flash} label={t('po.scan_label')} />
      <div class="table-wrap">
        <table class="table receipt-lines po-receive">
          <thead><tr><th>{t('part.sku')}</th><th>{t('part.name')}</th><th class="num">{t('po.ordered')}</th><th class="num">{t('po.received')}</th><th class="num">{t('po.expected')}</th><th class="num">{t('po.scanned')}</th><th /></tr></thead>
          <tbody>
            {lines.map((l) => {
              const st = lineState(l, scanned[l.part_id]);
              return (
                <tr data-part={l.part_id} data-state={st} class={'po-state-' + st + (last === l.part_id ? ' just-scanned' : '')} key={l.part_id + ':' + (last === l.part_id ? n.current : 0)}>
                  <td class="nowrap">{l.sku}</td><td>{l.name}</td>
                  <td class="num nowrap">{fmtQty(l.qty, l.unit)}</td>
                  <td class="num nowrap">{fmtQty(l.received_qty)}</td>
                  <td class="num nowrap"><b>{fmtQty(l.open_qty)}</b></td>
                  <td class="num"><input class="input input-num" inputMode="decimal" data-col="scanned" value={scanned[l.part_id] ? String(scanned[l.part_id] / 1000) : ''}
                    onInput={(e) => { const v = e.currentTarget.value.trim(); setScanned((s) => ({ ...s, [l.part_id]: v ? toThousandths(v) || 0 : 0 })); }} /></td>
                  <td class="nowrap">{st === 'full' ? <span class="po-mark ok">✓</span> : st === 'over' ? <span class="po-mark over">{t('po.over')}</span> : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {anyOver && (mayAccept ? (
        <div class="po-over-box" data-section="accept-over">
          <label><input type="checkbox" checked={accept} data-field="accept_over" onChange={(e) => setAccept(e.currentTarget.checked)} /> {t('po.accept_over')}</label>
          {accept && <input class="input" data-field="over_reason" placeholder={t('po.over_reason')} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
        </div>
      ) : <p class="muted">{t('po.over_needs_purchasing')}</p>)}
      {err && <div class="banner banner-error" role="alert" data-error={err.code}>{errorText(err)}</div>}
      <div class="form-actions">
        <span class="muted">{t('po.scanned_lines', { n: count })}</span>
        <button type="button" class="btn btn-primary" disabled={!count || busy} onClick={post} data-action="post-receipt">{t('stock.post_receipt')}</button>
      </div>
    </section>
  );
}

function LinesTable({ rec, lines }) {
  return (
    <section class="card" data-section="lines">
      <h2>{t('po.lines')}</h2>
      <div class="table-wrap">
        <table class="table po-lines">
          <thead><tr><th>№</th><th>{t('part.sku')}</th><th>{t('po.supplier_sku')}</th><th>{t('part.name')}</th><th class="num">{t('po.ordered')}</th><th class="num">{t('po.received')}</th><th class="num">{t('po.price')}</th><th class="num">{t('po.vat')}</th><th class="num">{t('po.sum')}</th></tr></thead>
          <tbody>
            {!lines.items.length && <tr><td colSpan="9" class="muted">{t('po.no_lines')}</td></tr>}
            {lines.items.map((l) => (
              <tr data-part={l.part_id} data-received={l.received_qty}>
                <td>{l.line_no}</td>
                <td class="nowrap"><a href={href(`parts/${l.part_id}`)}>{l.sku}</a></td>
                <td class="nowrap">{l.supplier_sku || '—'}</td>
                <td>{l.name}</td>
                <td class="num nowrap">{fmtQty(l.qty, l.unit)}</td>
                <td class="num nowrap">{fmtQty(l.received_qty)}</td>
                <td class="num nowrap">{fmtMoney(l.price)}</td>
                <td class="num nowrap">{l.vat === 'none' ? t('purchasing.no_vat') : `${l.vat}% · ${fmtMoney(l.vat_amount)}`}</td>
                <td class="num nowrap">{fmtMoney(l.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="stock-total">
        {t('po.total')}: <b data-total={rec.total}>{fmtMoney(rec.total)}</b>
        {' · '}{rec.prices_with_vat ? t('po.vat_included') : t('po.vat_on_top')}: {fmtMoney(rec.vat_total)}
      </p>
      {(lines.receipts.length > 0 || lines.returns.length > 0) && (
        <ul class="plain-list po-docs">
          {lines.receipts.map((r) => (
            <li data-receipt={r.posting_id}>{t('po.receipt_line', { number: r.number, qty: fmtQty(r.qty), at: fmtDateTime(r.at) })}{r.user ? ` · ${r.user}` : ''}{r.over_reason ? ` · ${t('po.over')}: ${r.over_reason}` : ''}</li>
          ))}
          {lines.returns.map((r) => (
            <li><a href={href(`supplier_returns/${r.id}`)}>{t('po.return_line', { number: r.number })}</a> · {t('sreturn.reason.' + r.reason)} · {t('sreturn.status.' + r.status)}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function PurchaseOrderPage({ res, id }) {
  const { session, toast } = useApp();
  const { rec, setRec, error, loading, reload } = useRecord(res.name, id);
  const [lines, setLines] = useState(null);
  const [tick, setTick] = useState(0);
  const [gen, setGen] = useState(0);
  const [err, setErr] = useState(null);
  const loadLines = () => api.get(`purchase_orders/${id}/lines`).then(setLines).catch(setErr);
  useEffect(() => { loadLines(); }, [id]);
  if ((loading && !rec) || (!lines && !err)) return <div class="page"><Spinner /></div>;
  if (error) return <div class="page"><ErrorBanner error={error} onRetry={reload} /></div>;
  const changed = () => { reload(); loadLines(); setTick((x) => x + 1); };
  const draft = rec.status === 'draft' && res.can_write;
  const receiving = (rec.status === 'sent' || rec.status === 'partially_received') && hasPerm(session, 'stock.write');
  const returnable = res.can_write && lines && lines.items.some((l) => l.received_qty > 0);
  const newReturn = async () => {
    try {
      const r = await api.post('supplier_returns', { po_id: rec.id, reason: 'defect' });
      toast(t('po.return_made', { number: r.number }));
      navigate(`supplier_returns/${r.id}`);
    } catch (e) { setErr(e); }
  };
  return (
    <div class="page" data-page="purchase-order">
      <RecordHead res={res} rec={rec}>
        <StatusBadge rec={rec} />
        {returnable && <button type="button" class="btn" data-action="new-return" onClick={newReturn}>{t('po.new_return')}</button>}
      </RecordHead>
      <TransitionBar res={res} rec={rec} onDone={(r) => { setRec(r); loadLines(); setTick((x) => x + 1); }} onStale={reload} />
      {err && <ErrorBanner error={err} />}
      <div class="stock-layout">
        <div class="po-main">
          <section class="card">
            <FieldsGrid res={res} rec={rec} />
            <RecordMeta rec={rec} />
          </section>
          {draft && <DraftLines key={gen} rec={rec} lines={lines.items} onSaved={async () => { await Promise.all([reload(), loadLines()]); setGen((g) => g + 1); }} />}
          {receiving && <Receiving rec={rec} lines={lines.items} onPosted={changed} />}
          {!draft && <LinesTable rec={rec} lines={lines} />}
        </div>
        <div><TimelineCard res={res} id={id} reload={tick} /></div>
      </div>
    </div>
  );
}

// ---- a return to a supplier -----------------------------------------------------

export function SupplierReturnPage({ res, id }) {
  const { session, toast } = useApp();
  const { rec, error, loading, reload } = useRecord(res.name, id);
  const [rows, setRows] = useState([]);
  const [posted, setPosted] = useState(null);
  const [flash, setFlash] = useState(null);
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const n = useRef(0);
  useEffect(() => {
    if (rec && rec.status === 'posted') api.get(`supplier_returns/${id}/lines`).then((d) => setPosted(d.items)).catch(setErr);
  }, [rec && rec.status, id]);
  if (loading && !rec) return <div class="page"><Spinner /></div>;
  if (error) return <div class="page"><ErrorBanner error={error} onRetry={reload} /></div>;
  const open = rec.status === 'draft' && hasPerm(session, 'stock.write');
  const say = (ok, text) => setFlash({ ok, text, n: ++n.current });
  const add = (p) => setRows((rs) => {
    const i = rs.findIndex((r) => r.part.id === p.id);
    if (i < 0) return rs.concat({ part: p, qty: '1' });
    const next = rs.slice();
    next[i] = { ...next[i], qty: String((toThousandths(next[i].qty) + 1000) / 1000) };
    return next;
  });
  const onScan = async (code) => {
    try {
      const d = await api.get('stock/find', { q: code });
      const hit = d.items.find((x) => x.match === 'barcode') || (d.items.length === 1 && d.items[0].part.sku.toLowerCase() === code.toLowerCase() ? d.items[0] : null);
      if (!hit) { say(false, t('stock.scan_unknown', { code })); return; }
      add(hit.part);
      say(true, `${hit.part.sku} · ${hit.part.name}`);
    } catch (e) { say(false, errorText(e)); }
  };
  const post = async () => {
    setBusy(true);
    setErr(null);
    try {
      await api.post(`supplier_returns/${id}/post`, { version: rec.version, lines: rows.map((r) => ({ part_id: r.part.id, qty: toThousandths(r.qty) })) });
      toast(t('sreturn.posted_ok'));
      setRows([]);
      reload();
    } catch (e) { setErr(e); }
    setBusy(false);
  };
  return (
    <div class="page" data-page="supplier-return">
      <RecordHead res={res} rec={rec}><StatusBadge rec={rec} prefix="sreturn" /></RecordHead>
      <section class="card">
        <FieldsGrid res={res} rec={rec} />
        <RecordMeta rec={rec} />
      </section>
      {open && (
        <section class="card" data-section="return-lines">
          <ScanField onScan={onScan} flash={flash} label={t('sreturn.scan_label')} />
          <div class="table-wrap">
            <table class="table receipt-lines">
              <thead><tr><th>{t('part.sku')}</th><th>{t('part.name')}</th><th class="num">{t('stock.qty')}</th><th /></tr></thead>
              <tbody>
                {!rows.length && <tr><td colSpan="4" class="muted">{t('stock.scan_empty')}</td></tr>}
                {rows.map((r, i) => (
                  <tr data-part={r.part.id}>
                    <td class="nowrap">{r.part.sku}</td><td>{r.part.name}</td>
                    <td class="num"><input class="input input-num" inputMode="decimal" data-col="qty" value={r.qty} onInput={(e) => { const v = e.currentTarget.value; setRows((rs) => rs.map((x, k) => (k === i ? { ...x, qty: v } : x))); }} /> {t('stock.unit.' + r.part.unit)}</td>
                    <td><button type="button" class="chip-x" aria-label={t('delete')} onClick={() => setRows((rs) => rs.filter((_, k) => k !== i))}>×</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="inline-add">
            <RefPicker field={PART_FIELD} value={null} id="sr-add-part" placeholder={t('po.add_part')} onChange={(v) => v && add(v.rec)} />
            <button type="button" class="btn btn-primary" disabled={!rows.length || busy} onClick={post} data-action="post-return">{t('sreturn.post')}</button>
          </div>
          {err && <ErrorBanner error={err} />}
        </section>
      )}
      {posted && (
        <section class="card" data-section="return-posted">
          <table class="table">
            <thead><tr><th>{t('part.sku')}</th><th>{t('part.name')}</th><th class="num">{t('stock.qty')}</th><th class="num">{t('stock.unit_cost')}</th></tr></thead>
            <tbody>{posted.map((l) => <tr data-part={l.part_id}><td>{l.sku}</td><td>{l.name}</td><td class="num">{fmtQty(l.qty, l.unit)}</td><td class="num">{fmtMoney(l.unit_cost)}</td></tr>)}</tbody>
          </table>
        </section>
      )}
    </div>
  );
}

// ---- the supplier scorecard ----------------------------------------------------

const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toLocaleString(undefined, { maximumFractionDigits: 1 })} %`);
const num = (x) => (x === null || x === undefined ? '—' : x.toLocaleString(undefined, { maximumFractionDigits: 1 }));

export function SupplierScorecard({ supplierId }) {
  const today = new Date().toISOString().slice(0, 10);
  const yearAgo = new Date(Date.now() - 365 * 86400e3).toISOString().slice(0, 10);
  const [from, setFrom] = useState(yearAgo);
  const [to, setTo] = useState(today);
  const [card, setCard] = useState(null);
  const [err, setErr] = useState(null);
  useEffect(() => {
    setErr(null);
    api.get(`suppliers/${supplierId}/scorecard`, { from, to }).then(setCard).catch(setErr);
  }, [supplierId, from, to]);
  return (
    <section class="card" data-section="scorecard">
      <div class="po-card-head">
        <h2>{t('scorecard.title')}</h2>
        <label>{t('scorecard.from')} <input type="date" class="input" value={from} data-field="from" onChange={(e) => setFrom(e.currentTarget.value)} /></label>
        <label>{t('scorecard.to')} <input type="date" class="input" value={to} data-field="to" onChange={(e) => setTo(e.currentTarget.value)} /></label>
        <a class="btn" href={href(`purchase_orders?supplier_id=${supplierId}`)}>{t('entity.purchase_orders')}</a>
      </div>
      {err && <ErrorBanner error={err} />}
      {card && (
        <div class="score-tiles">
          <div class="score-tile" data-score="on_time"><span class="muted">{t('scorecard.on_time')}</span><b>{pct(card.on_time_share)}</b><span class="muted small">{t('scorecard.on_time_of', { n: card.on_time, m: card.orders_received })}</span></div>
          <div class="score-tile" data-score="lead"><span class="muted">{t('scorecard.lead')}</span><b>{num(card.lead_days_avg)}</b><span class="muted small">{t('scorecard.median', { n: num(card.lead_days_median) })}</span></div>
          <div class="score-tile" data-score="prices"><span class="muted">{t('scorecard.prices')}</span><b>{card.price_changes}</b><span class="muted small">{card.price_change_avg_pct === null ? '—' : t('scorecard.avg_change', { n: (card.price_change_avg_pct > 0 ? '+' : '') + num(card.price_change_avg_pct) })} · ↑{card.price_increases} ↓{card.price_decreases}</span></div>
          <div class="score-tile" data-score="defects"><span class="muted">{t('scorecard.defects')}</span><b>{pct(card.defect_share)}</b><span class="muted small">{t('scorecard.defect_of', { n: fmtQty(card.defect_qty), m: fmtQty(card.received_qty) })}</span></div>
          <div class={'score-tile' + (card.overdue_open ? ' warn' : '')} data-score="overdue"><span class="muted">{t('scorecard.overdue')}</span><b>{card.overdue_open}</b></div>
        </div>
      )}
    </section>
  );
}
