// The replenishment screen: what to order for a warehouse, from the min/max
// rules and the forecast demand. Each row shows its reasoning (expand: the
// weekly history, the model's backtest and its forecast on a uPlot chart,
// the accuracy, safety stock and reorder point); the storekeeper ticks rows,
// corrects quantities and accepts them — the accepted lines wait for
// purchase orders (GET /api/v1/stock/replenishment/accepted).
import '../stock.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from '../api.js';
import { getLang, t } from '../i18n/index.js';
import { hasPerm } from '../meta.js';
import { href, navigate } from '../router.js';
import { useApp } from './ctx.js';
import { ErrorBanner, Spinner } from './ui.jsx';
import { fmtMoney, fmtQty } from './StockPages.jsx';

const LEVELS = ['90', '95', '97.5', '99', '99.5'];
const WEEK = 7 * 86400;
const toThousandths = (s) => Math.round(parseFloat(String(s).replace(',', '.').replace(/\s/g, '')) * 1000);
const pct = (v) => (v === null || v === undefined ? '—' : v.toLocaleString(getLang() === 'ru' ? 'ru-RU' : 'en-GB', { maximumFractionDigits: 1 }));

// History, the backtest's one-step forecasts and the forecast, in units per week.
export function ForecastChart({ row, height }) {
  const box = useRef(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const fc = row.forecast;
    const w = row.history.length, h = fc ? fc.weeks.length : 0;
    const start = Date.parse(row.history_start + 'T00:00:00Z') / 1000;
    const xs = [], hist = [], back = [], fut = [];
    for (let i = 0; i < w + h; i++) {
      xs.push(start + i * WEEK);
      hist.push(i < w ? row.history[i] / 1000 : null);
      const b = fc ? i - fc.backtest_from : -1;
      back.push(fc && b >= 0 && b < fc.backtest.length ? fc.backtest[b] / 1000 : null);
      // the forecast starts from the last week of history so the lines meet
      fut.push(i === w - 1 ? row.history[i] / 1000 : i >= w ? fc.weeks[i - w] / 1000 : null);
    }
    const opts = {
      width: Math.min(640, Math.max(320, el.clientWidth || 560)),
      height: height || 220,
      scales: { y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] } },
      axes: [{ size: 36 }, { size: 44 }],
      legend: { show: true, live: false },
      series: [
        {},
        { label: t('repl.chart.history'), stroke: '#2563eb', fill: '#2563eb22', width: 1.5 },
        { label: t('repl.chart.backtest'), stroke: '#d97706', width: 1.5, dash: [4, 4] },
        { label: t('repl.chart.forecast'), stroke: '#16a34a', width: 2 },
      ],
    };
    const plot = new uPlot(opts, [xs, hist, back, fut], el);
    el.dataset.points = String(xs.length);
    el.dataset.forecast = String(h);
    return () => plot.destroy();
  }, [row]);
  return <div class="report-chart repl-chart" ref={box} data-chart="forecast" />;
}

function Reasoning({ row }) {
  const fc = row.forecast;
  const u = row.unit;
  return (
    <div class="repl-why" data-why={row.part_id}>
      <ForecastChart row={row} />
      <dl class="repl-facts">
        <dt>{t('repl.rule')}</dt><dd>{row.rule === 'minmax'
          ? t('repl.why.minmax', { min: fmtQty(row.min_qty, u), max: fmtQty(row.max_qty, u) })
          : t('repl.why.forecast', { rop: fmtQty(row.reorder_point, u), upto: fmtQty(row.order_up_to, u) })}</dd>
        <dt>{t('repl.position')}</dt><dd>{fmtQty(row.on_hand, u)} + {fmtQty(row.on_order, u)} − {fmtQty(row.reserved, u)} = <b>{fmtQty(row.position, u)}</b></dd>
        <dt>{t('repl.history')}</dt><dd>{t('repl.weeks', { n: row.weeks })}, {t('repl.since', { date: row.history_start })}</dd>
        {fc && <>
          <dt>{t('repl.model')}</dt><dd data-model={fc.model}>{t('repl.model.' + fc.model)}{fc.intermittent ? ' · ' + t('repl.intermittent') : ''}</dd>
          <dt>{t('repl.accuracy')}</dt><dd>MAPE {pct(fc.mape)} % · MASE {pct(fc.mase)}</dd>
          <dt>{t('repl.demand_lead')}</dt><dd>{fmtQty(Math.round(fc.demand_lead), u)} ({t('repl.days', { n: row.lead_time_days })})</dd>
          <dt>{t('repl.safety')}</dt><dd>{fmtQty(fc.safety_stock, u)} (z = {pct(fc.z)}, σ = {fmtQty(Math.round(fc.sigma))} {t('repl.per_week')})</dd>
          {row.rule === 'minmax' && <><dt>{t('repl.forecast_rop')}</dt><dd>{fmtQty(row.forecast_reorder_point.reorder_point, u)} → {fmtQty(row.forecast_reorder_point.order_up_to, u)}</dd></>}
        </>}
      </dl>
    </div>
  );
}

export function ReplenishPage({ query }) {
  const { toast, session } = useApp();
  const [warehouses, setWarehouses] = useState(null);
  const [data, setData] = useState(null);
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const [secs, setSecs] = useState(0);
  const [picked, setPicked] = useState({});
  const [qty, setQty] = useState({});
  const [open, setOpen] = useState({});
  const [accepted, setAccepted] = useState(null);
  const wh = query.warehouse_id || (warehouses && warehouses[0] ? String(warehouses[0].id) : '');
  const level = query.service_level || '95';
  const all = query.all === '1';
  const canWrite = hasPerm(session, 'purchasing.write');
  const set = (k, v) => navigate('stock_replenish', { warehouse_id: wh, service_level: level, all: all ? '1' : undefined, [k]: v }, true);
  useEffect(() => {
    api.get('warehouses', { active: true, sort: 'id', limit: 200 }).then((d) => setWarehouses(d.items)).catch(setErr);
  }, []);
  useEffect(() => {
    if (!wh) return undefined;
    setBusy(true);
    setErr(null);
    setAccepted(null);
    setSecs(0);
    const started = Date.now();
    const timer = setInterval(() => setSecs(Math.floor((Date.now() - started) / 1000)), 500);
    api.get('stock/replenishment', { warehouse_id: wh, service_level: level, all: all ? 1 : undefined }).then((d) => {
      setData(d);
      const p = {}, q = {};
      d.items.forEach((r) => { p[r.part_id] = r.suggested_qty > 0 && !r.accepted_qty; q[r.part_id] = String(r.suggested_qty / 1000); });
      setPicked(p);
      setQty(q);
      setOpen({});
    }).catch(setErr).finally(() => { clearInterval(timer); setBusy(false); });
    return () => clearInterval(timer);
  }, [wh, level, all]);
  const rows = data ? data.items : [];
  const chosen = rows.filter((r) => picked[r.part_id]);
  const total = chosen.reduce((s, r) => s + Math.round((toThousandths(qty[r.part_id]) || 0) * r.purchase_price / 1000), 0);
  const allPicked = rows.length > 0 && chosen.length === rows.length;
  const accept = async () => {
    setErr(null);
    const bad = chosen.find((r) => !(toThousandths(qty[r.part_id]) > 0));
    if (bad) { setErr({ message: t('repl.bad_qty', { sku: bad.sku }) }); return; }
    try {
      const d = await api.post('stock/replenishment/accept', { warehouse_id: Number(wh),
        lines: chosen.map((r) => ({ part_id: r.part_id, qty: toThousandths(qty[r.part_id]), suggested_qty: r.suggested_qty,
          rule: toThousandths(qty[r.part_id]) === r.suggested_qty ? r.rule : 'manual' })) });
      setAccepted(d.items);
      const byPart = {};
      d.items.forEach((l) => { byPart[l.part_id] = l.qty; });
      setData({ ...data, items: rows.map((r) => ({ ...r, accepted_qty: byPart[r.part_id] || 0 })) });
      setPicked({});
      toast(t('repl.accepted_ok', { n: chosen.length }));
    } catch (e) { setErr(e); }
  };
  return (
    <div class="page" data-page="replenish">
      <div class="page-head"><h1>{t('entity.stock_replenish')}</h1></div>
      <div class="toolbar repl-params">
        <label>{t('stock.warehouse')} <select class="input" name="warehouse_id" value={wh} onChange={(e) => set('warehouse_id', e.currentTarget.value)}>
          {(warehouses || []).map((w) => <option value={w.id}>{w.name}</option>)}
        </select></label>
        <label>{t('repl.service_level')} <select class="input" name="service_level" value={level} onChange={(e) => set('service_level', e.currentTarget.value)}>
          {LEVELS.map((l) => <option value={l}>{l.replace('.', getLang() === 'ru' ? ',' : '.')} %</option>)}
        </select></label>
        <label class="check"><input type="checkbox" name="all" checked={all} onChange={(e) => set('all', e.currentTarget.checked ? '1' : undefined)} /> {t('repl.show_all')}</label>
        {data && !busy && <span class="muted small" data-summary>{t('repl.summary', { parts: data.parts, evaluated: data.evaluated, suggested: data.suggested })}</span>}
      </div>
      {err && <ErrorBanner error={err} />}
      {busy && <div class="repl-progress" role="status" data-busy><div class="bar"><span /></div>{t('repl.computing', { s: secs })}</div>}
      {accepted && <div class="banner banner-ok" role="status" data-accepted={accepted.length}>{t('repl.accepted_list', { n: accepted.length })}</div>}
      {!busy && data && (
        <div class="table-wrap">
          <table class="table repl-table">
            <thead><tr>
              <th><input type="checkbox" aria-label={t('repl.pick_all')} checked={allPicked} onChange={(e) => { const v = e.currentTarget.checked; const p = {}; rows.forEach((r) => { p[r.part_id] = v; }); setPicked(p); }} /></th>
              <th>{t('part.name')}</th>
              <th class="num">{t('stock.on_hand')}</th><th class="num">{t('stock.reserved')}</th>
              <th class="num">{t('repl.reorder_point')}</th><th class="num">{t('repl.safety')}</th>
              <th>{t('repl.reason')}</th><th class="num">{t('repl.accuracy')}</th>
              <th class="num">{t('repl.suggested')}</th><th class="num">{t('repl.to_order')}</th><th class="num">{t('stock.sum')}</th><th />
            </tr></thead>
            <tbody>
              {!rows.length && <tr><td colSpan="12" class="muted">{t('repl.nothing')}</td></tr>}
              {rows.map((r) => [
                <tr data-part={r.part_id} data-sku={r.sku} class={r.accepted_qty ? 'repl-accepted' : ''}>
                  <td><input type="checkbox" data-col="pick" aria-label={r.sku} checked={!!picked[r.part_id]} onChange={(e) => { const v = e.currentTarget.checked; setPicked((p) => ({ ...p, [r.part_id]: v })); }} /></td>
                  <td><a href={href(`parts/${r.part_id}`)} class="nowrap">{r.sku}</a><div class="small muted">{r.name}</div></td>
                  <td class="num nowrap">{fmtQty(r.on_hand)}</td>
                  <td class="num nowrap">{fmtQty(r.reserved)}</td>
                  <td class="num nowrap">{fmtQty(r.reorder_point)}</td>
                  <td class="num nowrap">{fmtQty(r.safety_stock)}</td>
                  <td><span class={'tag ' + (r.rule === 'minmax' ? 'tag-analog' : 'tag-yes')} data-rule={r.rule}>{t('repl.rule.' + r.rule)}</span>
                    {r.forecast && <div class="muted small">{t('repl.model.' + r.forecast.model)}</div>}</td>
                  <td class="num nowrap small">{r.forecast ? <>MAPE {pct(r.forecast.mape)} %<br />MASE {pct(r.forecast.mase)}</> : '—'}</td>
                  <td class="num nowrap" data-col="suggested">{fmtQty(r.suggested_qty, r.unit)}</td>
                  <td class="num nowrap"><input class="input input-num" inputMode="decimal" data-col="qty" aria-label={t('repl.to_order') + ' ' + r.sku} value={qty[r.part_id]}
                    onInput={(e) => { const v = e.currentTarget.value; setQty((q) => ({ ...q, [r.part_id]: v })); setPicked((p) => ({ ...p, [r.part_id]: true })); }} />
                    {r.accepted_qty ? <div class="small muted" data-accepted-qty={r.accepted_qty}>{t('repl.accepted_qty', { n: fmtQty(r.accepted_qty) })}</div> : null}</td>
                  <td class="num nowrap">{fmtMoney(Math.round((toThousandths(qty[r.part_id]) || 0) * r.purchase_price / 1000))}</td>
                  <td><button type="button" class="btn btn-small" data-action="why" aria-expanded={open[r.part_id] ? 'true' : 'false'}
                    onClick={() => setOpen((o) => ({ ...o, [r.part_id]: !o[r.part_id] }))}>{open[r.part_id] ? '▾' : '▸'} {t('repl.why')}</button></td>
                </tr>,
                open[r.part_id] && <tr class="repl-detail"><td colSpan="12"><Reasoning row={r} /></td></tr>,
              ])}
            </tbody>
          </table>
        </div>
      )}
      {!busy && data && canWrite && (
        <div class="form-actions">
          <span class="muted">{t('repl.chosen', { n: chosen.length })} · {t('stock.sum')}: <b data-total>{fmtMoney(total)}</b></span>
          <button type="button" class="btn btn-primary" disabled={!chosen.length} onClick={accept} data-action="accept">{t('repl.accept')}</button>
        </div>
      )}
    </div>
  );
}
