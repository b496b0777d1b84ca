// The warehouse's screens: finding the right part (the catalog with instant
// search, for a model, a unit or a request), a part's page (stock per
// warehouse, reservations, the movement history, compatible models, analogs,
// barcodes), a warehouse's page, receipt by scanning barcodes and the stock
// count. Quantities from the API are thousandths of the unit, money kopecks.
import '../stock.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { fmtDateTime, getLang, t } from '../i18n/index.js';
import { hasPerm } from '../meta.js';
import { href, navigate } from '../router.js';
import { useApp } from './ctx.js';
import { FieldsGrid, RecordHead, RecordMeta, useRecord } from './Detail.jsx';
import { Confirm, ErrorBanner, RefPicker, Spinner, errorText, fieldErrorText } from './ui.jsx';
import { FinderOffers, PartSuppliers } from './PurchasingPages.jsx';

const locale = () => (getLang() === 'ru' ? 'ru-RU' : 'en-GB');

export function fmtQty(q, unit) {
  const n = (q || 0) / 1000;
  const s = n.toLocaleString(locale(), { maximumFractionDigits: 3 });
  return unit ? `${s} ${t('stock.unit.' + unit)}` : s;
}

export function fmtMoney(k) {
  return ((k || 0) / 100).toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + ' ₽';
}

// "2,5" or "2.5" typed → thousandths; NaN when not a number
const toThousandths = (s) => Math.round(parseFloat(String(s).replace(',', '.').replace(/\s/g, '')) * 1000);
const toKopecks = (s) => Math.round(parseFloat(String(s).replace(',', '.').replace(/\s/g, '')) * 100);

// An error of the stock calls as people read it: the field's code, and the
// quantity there is when there is too little.
function stockError(e) {
  if (!e) return '';
  const f = e.fields || {};
  if (f.available !== undefined) return t('stock.err.insufficient', { n: fmtQty(Number(f.available)) });
  const k = Object.keys(f).find((x) => x !== 'available');
  if (k) return `${t('stock.field.' + k.replace(/^lines\.\d+\./, ''))}: ${fieldErrorText(f[k])}`;
  return errorText(e);
}

function MatchTag({ item }) {
  const cls = item.match === 'analog' ? 'tag tag-analog' : item.match === 'compatible' ? 'tag tag-yes' : 'tag tag-no';
  const label = item.match === 'analog' ? t('stock.note.' + (item.note || 'analog')) : t('stock.match.' + item.match);
  return <span class={cls} data-match={item.match}>{label}</span>;
}

function StockChips({ stock, unit }) {
  if (!stock || !stock.length) return <span class="muted">{t('stock.none')}</span>;
  return (
    <span class="stock-chips">
      {stock.map((s) => (
        <span class={'stock-chip' + (s.available > 0 ? ' in' : '')} data-warehouse={s.warehouse_id} title={`${t('stock.on_hand')}: ${fmtQty(s.on_hand)}, ${t('stock.reserved')}: ${fmtQty(s.reserved)}`}>
          {s.warehouse}: <b>{fmtQty(s.available, unit)}</b>
        </span>
      ))}
    </span>
  );
}

// A link to the finder from a request's or a unit's page (for those who see stock).
export function FindPartsLink({ request, unit }) {
  const { session } = useApp();
  if (!hasPerm(session, 'stock.read')) return null;
  return <a class="btn" data-action="find-parts" href={href('stock', request ? { request_id: request } : { unit_id: unit })}>{t('stock.find_parts')}</a>;
}

// ---- finding the right part ----------------------------------------------

// What a request holds, on the finder opened from it: each reservation with
// its release.
function RequestReservations({ request, tick, onChange }) {
  const { session, toast } = useApp();
  const [items, setItems] = useState(null);
  const [err, setErr] = useState(null);
  useEffect(() => {
    api.get('stock/reservations', { doc_kind: 'request', doc_id: request }).then((d) => setItems(d.items)).catch(setErr);
  }, [request, tick]);
  if (err) return <ErrorBanner error={err} />;
  if (!items) return null;
  const release = async (r) => {
    try {
      await api.post('stock/release', { doc_kind: 'request', doc_id: request, part_id: r.part_id, warehouse_id: r.warehouse_id });
      toast(t('stock.released_ok'));
      onChange();
    } catch (e) { setErr(e); }
  };
  return (
    <section class="card" data-section="request-reservations">
      <div class="card-head">
        <h2 class="card-title">{t('stock.reserved_for')} <a href={href(`requests/${request}`)}>{t('stock.doc.request')} #{request}</a></h2>
      </div>
      {!items.length ? <div class="empty-inline muted">{t('stock.no_reservations')}</div> : (
        <ul class="plain-list">
          {items.map((r) => (
            <li data-reservation={r.id}>
              <a href={href(`parts/${r.part_id}`)}>{r.sku}</a> {r.name} — <b>{fmtQty(r.qty)}</b> <span class="muted small">· {r.warehouse}</span>
              {hasPerm(session, 'stock.reserve') && <button type="button" class="btn btn-small btn-link" onClick={() => release(r)}>{t('stock.release')}</button>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function StockFind({ query }) {
  const { session, toast } = useApp();
  const [tick, setTick] = useState(0);
  const [rowErr, setRowErr] = useState(null);
  const canReserve = query.request_id && hasPerm(session, 'stock.reserve');
  const [text, setText] = useState(query.q || '');
  const [model, setModel] = useState(query.model_id ? { id: Number(query.model_id), label: '' } : null);
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);
  const timer = useRef();
  const input = useRef();
  const ctxParams = { unit_id: query.unit_id, request_id: query.request_id };

  const load = (q, m) => {
    const params = { q: q.trim() || undefined, model_id: m && m.id, ...(m ? {} : ctxParams) };
    if (!params.q && !params.model_id && !params.unit_id && !params.request_id) { setData(null); return; }
    const my = ++seq.current;
    setBusy(true);
    api.get('stock/find', params).then((d) => {
      if (my !== seq.current) return;
      setData(d);
      if (m && !m.label && d.model) setModel({ id: m.id, label: d.model.name });
      setError(null);
      setBusy(false);
    }).catch((e) => { if (my === seq.current) { setError(e); setBusy(false); } });
  };
  useEffect(() => { load(text, model); input.current && input.current.focus(); }, []);
  const onInput = (e) => {
    const v = e.currentTarget.value;
    setText(v);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => load(v, model), 150);
  };
  const onKey = (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      clearTimeout(timer.current);
      const first = data && data.items[0];
      if (first && first.match === 'barcode') navigate(`parts/${first.part.id}`);
      else load(text, model);
    }
  };
  const items = (data && data.items) || [];
  // one unit from the warehouse that has most of it available
  const reserveOne = async (it) => {
    setRowErr(null);
    const best = (it.stock || []).filter((s) => s.available >= 1000).sort((a, b) => b.available - a.available)[0];
    if (!best) return;
    try {
      await api.post('stock/reserve', { doc_kind: 'request', doc_id: Number(query.request_id), part_id: it.part.id, warehouse_id: best.warehouse_id, qty: 1000 });
      toast(t('stock.reserved_at', { warehouse: best.warehouse }));
      setTick((x) => x + 1);
      load(text, model);
    } catch (e) { setRowErr(stockError(e)); }
  };
  return (
    <div class="page" data-page="stock-find">
      <div class="page-head">
        <h1>{t('entity.stock')}</h1>
        <div class="actions">
          <a class="btn" href={href('parts')}>{t('entity.parts')}</a>
        </div>
      </div>
      <div class="toolbar stock-find-bar">
        <div class="form-row grow">
          <label for="stock-q">{t('stock.find_label')}</label>
          <input id="stock-q" ref={input} type="search" class="input" autoComplete="off" data-field="q"
            placeholder={t('stock.find_placeholder')} value={text} onInput={onInput} onKeyDown={onKey} />
        </div>
        <div class="form-row">
          <label for="stock-model">{t('stock.model')}</label>
          <RefPicker id="stock-model" field={{ name: 'model_id', ref: 'equipment_models' }} value={model}
            placeholder={data && data.model ? data.model.name : t('stock.model_any')}
            onChange={(m) => { setModel(m); load(text, m); }} />
        </div>
      </div>
      {data && data.model && <p class="muted" data-model={data.model.id}>{t('stock.for_model', { model: data.model.name })}</p>}
      {query.request_id && <RequestReservations request={Number(query.request_id)} tick={tick} onChange={() => { setTick((x) => x + 1); load(text, model); }} />}
      {rowErr && <div class="banner banner-error" role="alert">{rowErr}</div>}
      {error && <ErrorBanner error={error} />}
      {busy && !data && <Spinner />}
      {!data && !busy && <div class="empty-inline muted">{t('stock.find_hint')}</div>}
      {data && !items.length && <div class="empty-inline muted">{t('stock.nothing')}</div>}
      {items.length > 0 && (
        <div class="table-wrap">
          <table class="table table-hover stock-found">
            <thead><tr>
              <th>{t('part.sku')}</th><th>{t('part.name')}</th><th>{t('part.brand')}</th><th>{t('stock.match')}</th>
              <th>{t('stock.available_by_wh')}</th><th class="num">{t('stock.sale_price')}</th>
              {canReserve && <th />}
            </tr></thead>
            <tbody>
              {items.map((it) => (
                <tr data-part={it.part.id} onClick={() => navigate(`parts/${it.part.id}`)}>
                  <td class="nowrap"><a href={href(`parts/${it.part.id}`)}>{it.part.sku}</a></td>
                  <td>{it.part.name}</td>
                  <td>{it.part.brand || ''}</td>
                  <td><MatchTag item={it} /></td>
                  <td><StockChips stock={it.stock} unit={it.part.unit} />{it.available <= 0 && <FinderOffers offers={it.suppliers} />}</td>
                  <td class="num nowrap">{fmtMoney(it.part.sale_price)}</td>
                  {canReserve && (
                    <td class="right">
                      {it.available >= 1000 && <button type="button" class="btn btn-small" data-action="reserve-one"
                        onClick={(e) => { e.stopPropagation(); reserveOne(it); }}>{t('stock.reserve_one')}</button>}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

// ---- a part's page -----------------------------------------------------------

const MOVE_SIGN = (m) => (m.qty > 0 ? 'in' : 'out');

function Movements({ params, unit, reloadKey, onReverse }) {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api.get('stock/movements', { ...params, limit: 100 }).then((d) => setItems(d.items)).catch(setError);
  }, [JSON.stringify(params), reloadKey]);
  if (error) return <ErrorBanner error={error} />;
  if (!items) return <Spinner />;
  if (!items.length) return <div class="empty-inline muted">{t('stock.no_movements')}</div>;
  // postings already undone: their reversals name the movements they undo
  const byId = new Map(items.map((m) => [m.id, m]));
  const reversed = new Set(items.filter((m) => m.reverses_id && byId.has(m.reverses_id)).map((m) => byId.get(m.reverses_id).posting_id));
  return (
    <div class="table-wrap">
      <table class="table stock-moves">
        <thead><tr>
          <th>{t('stock.when')}</th><th>{t('stock.posting')}</th><th>{t('stock.kind')}</th>
          {!params.part_id && <th>{t('part.name')}</th>}
          {!params.warehouse_id && <th>{t('stock.warehouse')}</th>}
          <th class="num">{t('stock.qty')}</th><th class="num">{t('stock.unit_cost')}</th>
          <th>{t('stock.document')}</th><th>{t('stock.who')}</th>
          {onReverse && <th />}
        </tr></thead>
        <tbody>
          {items.map((m) => (
            <tr data-movement={m.id} data-kind={m.kind}>
              <td class="nowrap">{fmtDateTime(m.created_at)}</td>
              <td class="nowrap">{m.posting}</td>
              <td>{t('stock.move.' + m.kind)}{m.serial ? <span class="muted small"> · {m.serial}</span> : ''}{m.reason ? <span class="muted small"> · {m.reason}</span> : ''}</td>
              {!params.part_id && <td><a href={href(`parts/${m.part_id}`)}>{m.sku}</a> {m.name}</td>}
              {!params.warehouse_id && <td>{m.warehouse}</td>}
              <td class={'num nowrap qty-' + MOVE_SIGN(m)}>{m.qty > 0 ? '+' : ''}{fmtQty(m.qty, unit)}</td>
              <td class="num nowrap">{fmtMoney(m.unit_cost)}</td>
              <td>{m.doc_kind === 'request' ? <a href={href(`requests/${m.doc_id}`)}>{t('stock.doc.request')} #{m.doc_id}</a>
                : m.doc_kind ? `${t('stock.doc.' + m.doc_kind)} #${m.doc_id}` : ''}</td>
              <td>{m.user || t('stock.system')}</td>
              {onReverse && (
                <td class="right">
                  {m.kind !== 'reversal' && m.kind !== 'transfer_in' && !reversed.has(m.posting_id) && (
                    <button type="button" class="btn btn-small btn-link danger" data-action="reverse" title={t('stock.reverse_hint')}
                      onClick={() => onReverse(m)}>{t('stock.reverse')}</button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReserveForm({ part, warehouses, onDone }) {
  const { toast } = useApp();
  const [doc, setDoc] = useState(null);
  const [wh, setWh] = useState(warehouses[0] ? String(warehouses[0].warehouse_id) : '');
  const [qty, setQty] = useState('1');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setErr(null);
    if (!doc) { setErr(t('stock.err.pick_request')); return; }
    setBusy(true);
    try {
      await api.post('stock/reserve', { doc_kind: 'request', doc_id: doc.id, part_id: part.id, warehouse_id: Number(wh), qty: toThousandths(qty) });
      toast(t('stock.reserved_ok'));
      onDone();
    } catch (x) { setErr(stockError(x)); }
    setBusy(false);
  };
  return (
    <form class="toolbar reserve-form" onSubmit={submit} data-form="reserve">
      <div class="form-row grow">
        <label>{t('stock.for_request')}</label>
        <RefPicker field={{ name: 'doc_id', ref: 'requests' }} value={doc} onChange={setDoc} />
      </div>
      <div class="form-row">
        <label for="res-wh">{t('stock.warehouse')}</label>
        <select id="res-wh" class="input" value={wh} onChange={(e) => setWh(e.currentTarget.value)} data-field="warehouse_id">
          {warehouses.map((w) => <option value={w.warehouse_id}>{w.warehouse} ({fmtQty(w.available)})</option>)}
        </select>
      </div>
      <div class="form-row narrow">
        <label for="res-qty">{t('stock.qty')}</label>
        <input id="res-qty" class="input" inputMode="decimal" value={qty} onInput={(e) => setQty(e.currentTarget.value)} data-field="qty" />
      </div>
      <button class="btn btn-primary" disabled={busy} data-action="reserve">{t('stock.reserve')}</button>
      {err && <div class="field-error form-row-wide" role="alert">{err}</div>}
    </form>
  );
}

const KINDS = ['sale', 'write_off', 'transfer', 'return_in', 'return_out', 'receipt'];

// Any other change of a part's stock: a sale, a write-off, a transfer, returns, a receipt.
function PostForm({ part, onDone }) {
  const { toast } = useApp();
  const [warehouses, setWarehouses] = useState([]);
  const [kind, setKind] = useState('sale');
  const [wh, setWh] = useState('');
  const [to, setTo] = useState('');
  const [qty, setQty] = useState('1');
  const [cost, setCost] = useState(String(part.purchase_price / 100));
  const [reason, setReason] = useState('');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.get('warehouses', { active: true, limit: 200 }).then((d) => {
      setWarehouses(d.items);
      if (d.items[0]) setWh(String(d.items[0].id));
      if (d.items[1]) setTo(String(d.items[1].id));
    }).catch(setErr);
  }, []);
  const submit = async (e) => {
    e.preventDefault();
    setErr(null);
    setBusy(true);
    try {
      const line = { part_id: part.id, qty: toThousandths(qty) };
      if (kind === 'receipt') line.unit_cost = toKopecks(cost);
      const p = await api.post('stock/postings', { kind, warehouse_id: Number(wh), to_warehouse_id: kind === 'transfer' ? Number(to) : undefined,
        reason: reason.trim() || undefined, lines: [line] });
      toast(t('stock.posted_ok', { number: p.number }));
      setReason('');
      onDone();
    } catch (x) { setErr(stockError(x)); }
    setBusy(false);
  };
  return (
    <form class="toolbar post-form" onSubmit={submit} data-form="post">
      <div class="form-row">
        <label for="pf-kind">{t('stock.kind')}</label>
        <select id="pf-kind" class="input" value={kind} onChange={(e) => setKind(e.currentTarget.value)} data-field="kind">
          {KINDS.map((k) => <option value={k}>{t('stock.kind.' + k)}</option>)}
        </select>
      </div>
      <div class="form-row">
        <label for="pf-wh">{t('stock.warehouse')}</label>
        <select id="pf-wh" class="input" value={wh} onChange={(e) => setWh(e.currentTarget.value)} data-field="warehouse_id">
          {warehouses.map((w) => <option value={w.id}>{w.name}</option>)}
        </select>
      </div>
      {kind === 'transfer' && (
        <div class="form-row">
          <label for="pf-to">{t('stock.field.to_warehouse_id')}</label>
          <select id="pf-to" class="input" value={to} onChange={(e) => setTo(e.currentTarget.value)} data-field="to_warehouse_id">
            {warehouses.map((w) => <option value={w.id}>{w.name}</option>)}
          </select>
        </div>
      )}
      <div class="form-row narrow">
        <label for="pf-qty">{t('stock.qty')}</label>
        <input id="pf-qty" class="input" inputMode="decimal" value={qty} onInput={(e) => setQty(e.currentTarget.value)} data-field="qty" />
      </div>
      {kind === 'receipt' && (
        <div class="form-row narrow">
          <label for="pf-cost">{t('stock.unit_cost_rub')}</label>
          <input id="pf-cost" class="input" inputMode="decimal" value={cost} onInput={(e) => setCost(e.currentTarget.value)} />
        </div>
      )}
      <div class="form-row grow">
        <label for="pf-reason">{t(kind === 'write_off' ? 'stock.field.reason' : 'stock.note')}</label>
        <input id="pf-reason" class="input" value={reason} onInput={(e) => setReason(e.currentTarget.value)} data-field="reason" />
      </div>
      <button class="btn btn-primary" disabled={busy || !wh} data-action="post-movement">{t('stock.post')}</button>
      {err && <div class="field-error form-row-wide" role="alert">{err}</div>}
    </form>
  );
}

function Chips({ items, label, onRemove, canEdit, attr }) {
  if (!items.length) return <span class="muted">{t('none')}</span>;
  return (
    <span class="chip-list">
      {items.map((x) => (
        <span class="chip" {...{ [attr]: x.key }}>
          {x.href ? <a href={x.href}>{label(x)}</a> : label(x)}
          {canEdit && <button type="button" class="chip-x" aria-label={t('delete')} onClick={() => onRemove(x)}>×</button>}
        </span>
      ))}
    </span>
  );
}

// The prices in roubles on the page (the form and the API take kopecks).
const priced = (res) => ({ ...res, fields: res.fields.map((f) => (f.name.endsWith('_price') ? { ...f, label: 'stock.' + f.name } : f)) });

export function PartPage({ res, id }) {
  const { session, toast } = useApp();
  const { rec, error, loading, reload } = useRecord(res.name, id);
  const [info, setInfo] = useState(null);
  const [infoError, setInfoError] = useState(null);
  const [tick, setTick] = useState(0);
  const [addModel, setAddModel] = useState(null);
  const [addAnalog, setAddAnalog] = useState(null);
  const [analogNote, setAnalogNote] = useState('analog');
  const [barcode, setBarcode] = useState('');
  const [actionError, setActionError] = useState(null);
  const catalog = hasPerm(session, 'stock.catalog');
  const reserve = hasPerm(session, 'stock.reserve');
  const write = hasPerm(session, 'stock.write');
  const loadInfo = () => api.get(`parts/${id}/stock`).then(setInfo).catch(setInfoError);
  useEffect(() => { loadInfo(); }, [id, tick]);
  const refresh = () => setTick((x) => x + 1);
  const act = async (fn, ok) => {
    setActionError(null);
    try { await fn(); if (ok) toast(ok); refresh(); } catch (e) { setActionError(stockError(e)); }
  };
  if ((loading && !rec) || (!info && !infoError)) return <div class="page"><Spinner /></div>;
  if (error || infoError) return <div class="page"><ErrorBanner error={error || infoError} onRetry={() => { reload(); loadInfo(); }} /></div>;
  const unit = rec.unit;
  return (
    <div class="page" data-page="part">
      <RecordHead res={res} rec={{ ...rec, label: `${rec.sku} · ${rec.name}` }}>
        <span class="badge" data-available={info.available}>{t('stock.available')}: {fmtQty(info.available, unit)}</span>
      </RecordHead>
      {actionError && <div class="banner banner-error" role="alert">{actionError}</div>}
      <div class="stock-layout">
        <div>
          <section class="card">
            <div class="card-head"><h2 class="card-title">{t('stock.by_warehouse')}</h2></div>
            {info.stock.length ? (
              <div class="table-wrap">
                <table class="table stock-balances">
                  <thead><tr><th>{t('stock.warehouse')}</th><th class="num">{t('stock.on_hand')}</th><th class="num">{t('stock.reserved')}</th>
                    <th class="num">{t('stock.available')}</th><th class="num">{t('stock.in_transit')}</th><th class="num">{t('stock.avg_cost')}</th><th class="num">{t('stock.value')}</th></tr></thead>
                  <tbody>
                    {info.stock.map((s) => (
                      <tr data-warehouse={s.warehouse_id}>
                        <td><a href={href(`warehouses/${s.warehouse_id}`)}>{s.warehouse}</a></td>
                        <td class="num" data-col="on_hand">{fmtQty(s.on_hand)}</td>
                        <td class="num" data-col="reserved">{fmtQty(s.reserved)}</td>
                        <td class="num" data-col="available"><b>{fmtQty(s.available)}</b></td>
                        <td class="num" data-col="in_transit">{fmtQty(s.in_transit)}</td>
                        <td class="num">{fmtMoney(s.unit_cost)}</td>
                        <td class="num">{fmtMoney(s.value)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : <div class="empty-inline muted">{t('stock.none')}</div>}
          </section>
          <section class="card" data-section="reservations">
            <div class="card-head"><h2 class="card-title">{t('stock.reservations')}</h2></div>
            {info.reservations.length ? (
              <div class="table-wrap">
                <table class="table">
                  <thead><tr><th>{t('stock.document')}</th><th>{t('stock.warehouse')}</th><th class="num">{t('stock.qty')}</th><th>{t('stock.who')}</th><th /></tr></thead>
                  <tbody>
                    {info.reservations.map((r) => (
                      <tr data-reservation={r.id}>
                        <td><a href={href(`requests/${r.doc_id}`)}>{t('stock.doc.' + r.doc_kind)} #{r.doc_id}</a></td>
                        <td>{r.warehouse}</td>
                        <td class="num">{fmtQty(r.qty, unit)}</td>
                        <td>{r.user || ''}</td>
                        <td class="nowrap right">
                          {write && <button type="button" class="btn btn-small btn-primary" data-action="issue"
                            onClick={() => act(() => api.post('stock/issue', { kind: 'issue', doc_kind: r.doc_kind, doc_id: r.doc_id, part_id: r.part_id, warehouse_id: r.warehouse_id, qty: r.qty }), t('stock.issued_ok'))}>{t('stock.issue')}</button>}
                          {' '}
                          {reserve && <button type="button" class="btn btn-small" data-action="release"
                            onClick={() => act(() => api.post('stock/release', { doc_kind: r.doc_kind, doc_id: r.doc_id, part_id: r.part_id, warehouse_id: r.warehouse_id }), t('stock.released_ok'))}>{t('stock.release')}</button>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : <div class="empty-inline muted">{t('stock.no_reservations')}</div>}
            {reserve && info.stock.length > 0 && <ReserveForm part={rec} warehouses={info.stock} onDone={refresh} />}
          </section>
          <PartSuppliers offers={info.suppliers} unit={unit} />
        </div>
        <div>
          <section class="card">
            <FieldsGrid res={priced(res)} rec={{ ...rec, purchase_price: fmtMoney(rec.purchase_price), sale_price: fmtMoney(rec.sale_price) }} />
            <RecordMeta rec={rec} />
          </section>
          <section class="card" data-section="models">
            <h2 class="card-title">{t('stock.models')}</h2>
            <Chips attr="data-model" canEdit={catalog} items={info.models.map((m) => ({ ...m, key: m.model_id, href: href('stock', { model_id: m.model_id }) }))}
              label={(m) => `${m.brand} ${m.model}`} onRemove={(m) => act(() => api.del(`part_models/${m.id}`))} />
            {catalog && (
              <div class="inline-add">
                <RefPicker field={{ name: 'model_id', ref: 'equipment_models' }} value={addModel} onChange={setAddModel} placeholder={t('stock.add_model')} />
                <button type="button" class="btn btn-small" disabled={!addModel} data-action="add-model"
                  onClick={() => act(() => api.post('part_models', { part_id: rec.id, model_id: addModel.id }).then(() => setAddModel(null)))}>{t('add')}</button>
              </div>
            )}
          </section>
          <section class="card" data-section="analogs">
            <h2 class="card-title">{t('stock.analogs')}</h2>
            {info.analogs.length ? (
              <ul class="plain-list">
                {info.analogs.map((a) => (
                  <li data-analog={a.part_id}>
                    <span class="tag tag-analog">{t('stock.note.' + a.note)}</span>{' '}
                    <a href={href(`parts/${a.part_id}`)}>{a.sku}</a> {a.name}
                    <span class="muted small"> · {t('stock.available')}: {fmtQty(a.available)}</span>
                    {catalog && <button type="button" class="chip-x" aria-label={t('delete')} onClick={() => act(() => api.del(`part_analogs/${a.id}`))}>×</button>}
                  </li>
                ))}
              </ul>
            ) : <span class="muted">{t('none')}</span>}
            {catalog && (
              <div class="inline-add">
                <RefPicker field={{ name: 'analog_id', ref: 'parts' }} value={addAnalog} onChange={setAddAnalog} placeholder={t('stock.add_analog')} />
                <select class="input" value={analogNote} onChange={(e) => setAnalogNote(e.currentTarget.value)}>
                  {['analog', 'original', 'refurbished'].map((n) => <option value={n}>{t('stock.note.' + n)}</option>)}
                </select>
                <button type="button" class="btn btn-small" disabled={!addAnalog}
                  onClick={() => act(() => api.post('part_analogs', { part_id: rec.id, analog_id: addAnalog.id, note: analogNote }).then(() => setAddAnalog(null)))}>{t('add')}</button>
              </div>
            )}
          </section>
          <section class="card" data-section="barcodes">
            <h2 class="card-title">{t('stock.barcodes')}</h2>
            <Chips attr="data-barcode" canEdit={catalog} items={info.barcodes.map((b) => ({ ...b, key: b.barcode }))}
              label={(b) => b.barcode} onRemove={(b) => act(() => api.del(`part_barcodes/${b.id}`))} />
            {catalog && (
              <form class="inline-add" onSubmit={(e) => { e.preventDefault(); if (barcode.trim()) act(() => api.post('part_barcodes', { part_id: rec.id, barcode: barcode.trim() }).then(() => setBarcode(''))); }}>
                <input class="input" value={barcode} placeholder={t('stock.add_barcode')} onInput={(e) => setBarcode(e.currentTarget.value)} data-field="barcode" />
                <button class="btn btn-small">{t('add')}</button>
              </form>
            )}
          </section>
          {info.serials.length > 0 && (
            <section class="card" data-section="serials">
              <h2 class="card-title">{t('stock.serials')}</h2>
              <ul class="plain-list">{info.serials.map((s) => <li>{s.serial} <span class="muted small">· {s.warehouse}</span></li>)}</ul>
            </section>
          )}
        </div>
      </div>
      <section class="card" data-section="movements">
        <div class="card-head"><h2 class="card-title">{t('stock.history')}</h2></div>
        {write && <PostForm part={rec} onDone={refresh} />}
        <Movements params={{ part_id: id }} unit={unit} reloadKey={tick}
          onReverse={write ? (m) => act(() => api.post(`stock/postings/${m.posting_id}/reverse`, {}), t('stock.reversed_ok', { number: m.posting })) : null} />
      </section>
    </div>
  );
}

// ---- a warehouse's page --------------------------------------------------------

export function WarehousePage({ res, id }) {
  const { session, toast } = useApp();
  const { rec, error, loading, reload } = useRecord(res.name, id);
  const [data, setData] = useState(null);
  const [err, setErr] = useState(null);
  const [tab, setTab] = useState('stock');
  const [incoming, setIncoming] = useState([]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    api.get(`warehouses/${id}/stock`).then(setData).catch(setErr);
    api.get('stock/postings', { warehouse_id: id, status: 'in_transit' })
      .then((d) => setIncoming(d.items.filter((p) => String(p.to_warehouse_id) === String(id)))).catch(setErr);
  }, [id, tick]);
  if ((loading && !rec) || (!data && !err)) return <div class="page"><Spinner /></div>;
  if (error || err) return <div class="page"><ErrorBanner error={error || err} onRetry={reload} /></div>;
  const write = hasPerm(session, 'stock.write');
  const startCount = async () => {
    try {
      const c = await api.post('stock_counts', { warehouse_id: rec.id });
      toast(t('created'));
      navigate(`stock_counts/${c.id}`);
    } catch (e) { setErr(e); }
  };
  return (
    <div class="page" data-page="warehouse">
      <RecordHead res={res} rec={rec}>
        {write && <a class="btn btn-primary" href={href('stock_receipt', { warehouse_id: rec.id })} data-action="receipt">{t('entity.stock_receipt')}</a>}
        {write && <button type="button" class="btn" onClick={startCount} data-action="count">{t('stock.start_count')}</button>}
      </RecordHead>
      <section class="card">
        <FieldsGrid res={res} rec={rec} />
        <p class="stock-total">{t('stock.total_value')}: <b data-total={data.value}>{fmtMoney(data.value)}</b> · {t('stock.lines', { n: data.items.length })}</p>
      </section>
      {incoming.length > 0 && (
        <section class="card" data-section="incoming">
          <h2 class="card-title">{t('stock.incoming')}</h2>
          <ul class="plain-list">
            {incoming.map((p) => (
              <li data-posting={p.id}>
                <b>{p.number}</b> {t('stock.from')} {p.warehouse}: {p.movements.map((m) => `${m.sku} × ${fmtQty(-m.qty)}`).join(', ')}
                {write && <button type="button" class="btn btn-small btn-primary" data-action="receive" style="margin-left:8px"
                  onClick={() => api.post(`stock/postings/${p.id}/receive`, {}).then(() => { toast(t('stock.received_ok', { number: p.number })); setTick((x) => x + 1); }).catch(setErr)}>{t('stock.receive')}</button>}
              </li>
            ))}
          </ul>
        </section>
      )}
      <div class="tabs" role="tablist">
        {['stock', 'movements'].map((x) => (
          <button type="button" role="tab" aria-selected={tab === x ? 'true' : 'false'} class={tab === x ? 'tab active' : 'tab'} onClick={() => setTab(x)}>{t('stock.tab.' + x)}</button>
        ))}
      </div>
      {tab === 'stock' ? (
        <div class="table-wrap">
          <table class="table table-hover">
            <thead><tr><th>{t('part.sku')}</th><th>{t('part.name')}</th><th>{t('part.category')}</th><th class="num">{t('stock.on_hand')}</th>
              <th class="num">{t('stock.reserved')}</th><th class="num">{t('stock.available')}</th><th class="num">{t('stock.in_transit')}</th>
              <th class="num">{t('stock.avg_cost')}</th><th class="num">{t('stock.value')}</th></tr></thead>
            <tbody>
              {data.items.map((it) => (
                <tr data-part={it.part_id} onClick={() => navigate(`parts/${it.part_id}`)}>
                  <td class="nowrap"><a href={href(`parts/${it.part_id}`)}>{it.sku}</a></td><td>{it.name}</td><td>{it.category || ''}</td>
                  <td class="num nowrap">{fmtQty(it.on_hand, it.unit)}</td><td class="num">{fmtQty(it.reserved)}</td>
                  <td class="num"><b>{fmtQty(it.available)}</b></td><td class="num">{fmtQty(it.in_transit)}</td>
                  <td class="num nowrap">{fmtMoney(it.unit_cost)}</td><td class="num nowrap">{fmtMoney(it.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : <section class="card"><Movements params={{ warehouse_id: id }} reloadKey={tick} /></section>}
    </div>
  );
}

// ---- scanning -----------------------------------------------------------------

// The scan field: keeps the focus (a scanner types into whatever has it),
// Enter ends a code; the last scan is confirmed beside it, green or red.
export function ScanField({ onScan, flash, label }) {
  const ref = useRef();
  const [code, setCode] = useState('');
  useEffect(() => {
    const keep = () => setTimeout(() => {
      const a = document.activeElement;
      if (ref.current && (!a || a === document.body)) ref.current.focus();
    }, 0);
    ref.current && ref.current.focus();
    document.addEventListener('focusout', keep);
    return () => document.removeEventListener('focusout', keep);
  }, []);
  useEffect(() => { ref.current && ref.current.focus(); }, [flash]);
  return (
    <div class="scan-box">
      <label for="scan">{label}</label>
      <input id="scan" ref={ref} class="input scan-input" autoComplete="off" data-field="scan" value={code}
        placeholder={t('stock.scan_placeholder')}
        onInput={(e) => setCode(e.currentTarget.value)}
        onKeyDown={(e) => { if (e.key === 'Enter') { e.preventDefault(); const c = code.trim(); setCode(''); if (c) onScan(c); } }} />
      {flash && (
        <div key={flash.n} class={'scan-flash ' + (flash.ok ? 'ok' : 'err')} role="status" data-scan={flash.ok ? 'ok' : 'err'}>
          {flash.ok ? '✓ ' : '✕ '}{flash.text}
        </div>
      )}
    </div>
  );
}

export function ReceiptPage({ query }) {
  const { toast } = useApp();
  const [warehouses, setWarehouses] = useState(null);
  const [wh, setWh] = useState(query.warehouse_id || '');
  const [lines, setLines] = useState([]);
  const [flash, setFlash] = useState(null);
  const [last, setLast] = useState(null);
  const [err, setErr] = useState(null);
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);
  const n = useRef(0);
  useEffect(() => {
    api.get('warehouses', { active: true, limit: 200 }).then((d) => {
      setWarehouses(d.items);
      if (!wh && d.items[0]) setWh(String(d.items[0].id));
    }).catch(setErr);
  }, []);
  const say = (ok, text) => setFlash({ ok, text, n: ++n.current });
  const onScan = async (code) => {
    setDone(null);
    try {
      const d = await api.get('stock/find', { q: code });
      const hit = d.items.find((x) => x.match === 'barcode') || (d.items.length === 1 && d.items[0].part.sku.toLowerCase() === code.toLowerCase() ? d.items[0] : null);
      if (!hit) { say(false, t('stock.scan_unknown', { code })); return; }
      const p = hit.part;
      let qty = 1000;
      setLines((ls) => {
        const i = ls.findIndex((l) => l.part.id === p.id);
        if (i < 0) return ls.concat({ part: p, qty: '1', cost: String(p.purchase_price / 100) });
        const next = ls.slice();
        const q = toThousandths(next[i].qty) + 1000;
        qty = q;
        next[i] = { ...next[i], qty: String(q / 1000) };
        return next;
      });
      setLast(p.id);
      say(true, `${p.sku} · ${p.name} — ${fmtQty(qty, p.unit)}`);
    } catch (e) { say(false, stockError(e)); }
  };
  const setLine = (i, patch) => setLines((ls) => ls.map((l, k) => (k === i ? { ...l, ...patch } : l)));
  const submit = async () => {
    setErr(null);
    setBusy(true);
    try {
      const p = await api.post('stock/postings', { kind: 'receipt', warehouse_id: Number(wh),
        lines: lines.map((l) => ({ part_id: l.part.id, qty: toThousandths(l.qty), unit_cost: toKopecks(l.cost) })) });
      setDone(p);
      setLines([]);
      setLast(null);
      toast(t('stock.posted_ok', { number: p.number }));
    } catch (e) { setErr(stockError(e)); }
    setBusy(false);
  };
  if (!warehouses && !err) return <div class="page"><Spinner /></div>;
  const total = lines.reduce((s, l) => s + Math.round((toThousandths(l.qty) || 0) * (toKopecks(l.cost) || 0) / 1000), 0);
  return (
    <div class="page" data-page="receipt">
      <div class="page-head"><h1>{t('entity.stock_receipt')}</h1></div>
      <div class="toolbar">
        <div class="form-row">
          <label for="rc-wh">{t('stock.warehouse')}</label>
          <select id="rc-wh" class="input" value={wh} onChange={(e) => setWh(e.currentTarget.value)} data-field="warehouse_id">
            {(warehouses || []).map((w) => <option value={w.id}>{w.name}</option>)}
          </select>
        </div>
      </div>
      <ScanField onScan={onScan} flash={flash} label={t('stock.scan_label')} />
      {done && <div class="banner banner-ok" role="status" data-posted={done.id}>{t('stock.posted_ok', { number: done.number })} — <a href={href(`warehouses/${done.warehouse_id}`)}>{done.warehouse}</a></div>}
      {err && <div class="banner banner-error" role="alert">{err}</div>}
      <div class="table-wrap">
        <table class="table receipt-lines">
          <thead><tr><th>{t('part.sku')}</th><th>{t('part.name')}</th><th class="num">{t('stock.qty')}</th><th class="num">{t('stock.unit_cost_rub')}</th><th class="num">{t('stock.sum')}</th><th /></tr></thead>
          <tbody>
            {!lines.length && <tr><td colSpan="6" class="muted">{t('stock.scan_empty')}</td></tr>}
            {lines.map((l, i) => (
              <tr data-part={l.part.id} class={last === l.part.id ? 'just-scanned' : ''} key={l.part.id + ':' + (last === l.part.id ? n.current : 0)}>
                <td class="nowrap">{l.part.sku}</td><td>{l.part.name}</td>
                <td class="num"><input class="input input-num" inputMode="decimal" value={l.qty} data-col="qty" onInput={(e) => setLine(i, { qty: e.currentTarget.value })} /> {t('stock.unit.' + l.part.unit)}</td>
                <td class="num"><input class="input input-num" inputMode="decimal" value={l.cost} data-col="cost" onInput={(e) => setLine(i, { cost: e.currentTarget.value })} /></td>
                <td class="num nowrap">{fmtMoney(Math.round((toThousandths(l.qty) || 0) * (toKopecks(l.cost) || 0) / 1000))}</td>
                <td><button type="button" class="chip-x" aria-label={t('delete')} onClick={() => setLines((ls) => ls.filter((_, k) => k !== i))}>×</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="form-actions">
        <span class="muted">{t('stock.sum')}: <b>{fmtMoney(total)}</b></span>
        <button type="button" class="btn btn-primary" disabled={!lines.length || !wh || busy} onClick={submit} data-action="post">{t('stock.post_receipt')}</button>
      </div>
    </div>
  );
}

// ---- the stock count ----------------------------------------------------------

export function CountPage({ res, id }) {
  const { session, toast } = useApp();
  const { rec, error, loading, reload } = useRecord(res.name, id);
  const [sheet, setSheet] = useState(null);
  const [flash, setFlash] = useState(null);
  const [err, setErr] = useState(null);
  const [confirm, setConfirm] = useState(null);
  const n = useRef(0);
  const loadSheet = () => api.get(`stock_counts/${id}/lines`).then(setSheet).catch(setErr);
  useEffect(() => { loadSheet(); }, [id]);
  if ((loading && !rec) || (!sheet && !err)) return <div class="page"><Spinner /></div>;
  if (error) return <div class="page"><ErrorBanner error={error} onRetry={reload} /></div>;
  const open = rec.status === 'open' && hasPerm(session, 'stock.write');
  const say = (ok, text) => setFlash({ ok, text, n: ++n.current });
  const enter = async (body, quiet) => {
    try {
      const r = await api.post(`stock_counts/${id}/lines`, body);
      const line = (sheet.items.find((l) => l.part_id === r.part_id)) || {};
      if (!quiet) say(true, `${line.sku || ''} ${line.name || ''} — ${fmtQty(r.counted, line.unit)}`.trim());
      loadSheet();
    } catch (e) {
      if (!quiet) say(false, e.fields && e.fields.barcode ? t('stock.scan_unknown', { code: body.barcode }) : stockError(e));
      else setErr(e);
    }
  };
  const post = async () => {
    try {
      await api.post(`stock_counts/${id}/${confirm}`, {});
      toast(confirm === 'post' ? t('stock.count_posted') : t('stock.count_cancelled'));
      setConfirm(null);
      reload();
      loadSheet();
    } catch (e) { setConfirm(null); setErr(e); }
  };
  return (
    <div class="page" data-page="count">
      <RecordHead res={res} rec={{ ...rec, label: `${t('one.stock_counts')} ${rec.number}` }}>
        <span class={'badge count-' + rec.status} data-status={rec.status}>{t('count.status.' + rec.status)}</span>
        {open && <button type="button" class="btn btn-primary" data-action="post-count" onClick={() => setConfirm('post')}>{t('stock.post_count')}</button>}
        {open && <button type="button" class="btn" onClick={() => setConfirm('cancel')}>{t('stock.cancel_count')}</button>}
      </RecordHead>
      <section class="card">
        <FieldsGrid res={res} rec={rec} />
        <p class="count-summary">
          {t('stock.surplus')}: <b class="qty-in" data-surplus={sheet.surplus_value}>{fmtMoney(sheet.surplus_value)}</b>
          {' · '}{t('stock.shortage')}: <b class="qty-out" data-shortage={sheet.shortage_value}>{fmtMoney(sheet.shortage_value)}</b>
          {' · '}{t('stock.counted_lines', { n: sheet.items.filter((l) => l.counted !== null).length, m: sheet.items.length })}
        </p>
        <p class="muted small">{t('stock.count_hint')}</p>
      </section>
      {err && <ErrorBanner error={err} />}
      {open && <ScanField onScan={(code) => enter({ barcode: code })} flash={flash} label={t('stock.scan_count_label')} />}
      <div class="table-wrap">
        <table class="table count-lines">
          <thead><tr><th>{t('part.sku')}</th><th>{t('part.name')}</th><th class="num">{t('stock.book')}</th><th class="num">{t('stock.counted')}</th>
            <th class="num">{t('stock.difference')}</th><th class="num">{t('stock.difference_value')}</th></tr></thead>
          <tbody>
            {sheet.items.map((l) => (
              <tr data-part={l.part_id} class={l.counted === null ? 'not-counted' : l.difference ? 'differs' : 'matches'}>
                <td class="nowrap"><a href={href(`parts/${l.part_id}`)}>{l.sku}</a></td><td>{l.name}</td>
                <td class="num nowrap">{fmtQty(l.book_qty, l.unit)}</td>
                <td class="num">{open
                  ? <input class="input input-num" inputMode="decimal" data-col="counted" value={l.counted === null ? '' : String(l.counted / 1000)}
                    placeholder="—" onChange={(e) => { const v = toThousandths(e.currentTarget.value); if (!isNaN(v)) enter({ part_id: l.part_id, qty: v, mode: 'set' }, true); }} />
                  : (l.counted === null ? '—' : fmtQty(l.counted))}</td>
                <td class={'num nowrap ' + (l.difference > 0 ? 'qty-in' : l.difference < 0 ? 'qty-out' : '')} data-col="difference">{l.difference > 0 ? '+' : ''}{fmtQty(l.difference)}</td>
                <td class="num nowrap">{fmtMoney(l.difference_value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {confirm && (
        <Confirm title={t(confirm === 'post' ? 'stock.post_count' : 'stock.cancel_count')} danger={confirm === 'cancel'}
          text={t(confirm === 'post' ? 'stock.post_count_text' : 'stock.cancel_count_text')}
          okLabel={t(confirm === 'post' ? 'stock.post_count' : 'stock.cancel_count')}
          onCancel={() => setConfirm(null)} onOk={post} />
      )}
    </div>
  );
}
