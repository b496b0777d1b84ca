// The reports section: every report /api/v1/meta lists, drawn by one
// component — its parameters (period, grouping, step), a chart (uPlot, on a
// canvas), the table under it and its exports (CSV, XLSX from the server).
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, qs } from '../api.js';
import { t, tFirst } from '../i18n/index.js';
import { href, navigate } from '../router.js';
import { useApp } from './ctx.js';
import { DateInput, ErrorBanner, RefPicker, Spinner } from './ui.jsx';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];
const day = (d) => d.toISOString().slice(0, 10);
const daysAgo = (n) => day(new Date(Date.now() - n * 86400000));

export function fmtMinutes(m) {
  if (m === null || m === undefined) return '—';
  const d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), mm = Math.round(m % 60);
  return (d ? d + t('unit.d') + ' ' : '') + (d || h ? h + t('unit.h') + ' ' : '') + mm + t('unit.m');
}

export function fmtCell(col, v) {
  if (v === null || v === undefined) return '—';
  if (col.type === 'minutes') return fmtMinutes(v);
  if (col.type === 'percent') return v.toFixed(1) + ' %';
  if (col.type === 'number') return v.toFixed(2);
  return String(v);
}

// A row's label as people read it: enum values translated, nobody as «—».
function rowLabel(rep, group, row) {
  if (rep.name === 'backlog' && group && group.name === 'age') return t('report.age.' + row.key);
  if (group && group.enum_field) return tFirst(['enum.' + group.enum_field + '.' + row.key], row.key);
  if (!row.key || row.key === '0' || !row.label) return t('report.none');
  return row.label;
}

function Chart({ rep, group, rows }) {
  const box = useRef(null);
  useEffect(() => {
    const el = box.current;
    if (!el || !rows.length) return undefined;
    const { kind, x, series, y } = rep.chart;
    let xs, data, names;
    if (series) { // one line per value of the series column, over the x values
      xs = [...new Set(rows.map((r) => r[x]))];
      const keys = [...new Set(rows.map((r) => r.key))];
      names = keys.map((k) => rowLabel(rep, group, rows.find((r) => r.key === k)));
      data = keys.map((k) => xs.map((xv) => { const r = rows.find((q) => q.key === k && q[x] === xv); return r ? r[y[0]] : 0; }));
    } else {
      xs = rows.map((r) => (x === 'label' ? rowLabel(rep, group, r) : r[x]));
      names = y.map((c) => t(rep.columns.find((col) => col.name === c).label));
      data = y.map((c) => rows.map((r) => r[c] ?? null));
    }
    const bars = kind !== 'line';
    const n = data.length;
    const opts = {
      width: Math.max(320, el.clientWidth || 640),
      height: 260,
      scales: { x: { time: false, range: [-0.5, xs.length - 0.5] }, y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] } },
      axes: [
        { values: (u, splits) => splits.map((i) => (Number.isInteger(i) && xs[i] !== undefined ? String(xs[i]) : '')), gap: 4, size: 40 },
        { size: 50 },
      ],
      legend: { show: true, live: false },
      cursor: { show: true, points: { show: !bars } },
      series: [{ label: '' }].concat(data.map((_, i) => ({
        label: names[i],
        stroke: COLORS[i % COLORS.length],
        fill: bars ? COLORS[i % COLORS.length] + 'cc' : undefined,
        width: bars ? 0 : 2,
        points: { show: !bars },
        paths: bars ? uPlot.paths.bars({ size: [n > 1 ? 0.8 / n : 0.6, 80], align: n > 1 ? (i === 0 ? -1 : 1) : 0 }) : undefined,
      }))),
    };
    const plot = new uPlot(opts, [xs.map((_, i) => i), ...data], el);
    el.dataset.points = String(xs.length);
    el.dataset.series = String(n);
    return () => plot.destroy();
  }, [rep, group, rows]);
  if (!rows.length) return <div class="empty-inline muted">{t('report.empty')}</div>;
  return <div class="report-chart" ref={box} />;
}

// A report's own parameter: a record picker (a part, a warehouse) or a number.
function ReportParam({ p, value, onChange }) {
  const [label, setLabel] = useState(null);
  if (p.ref) {
    return (
      <label data-param={p.name}>{t(p.label)} <span class="report-ref">
        <RefPicker field={{ name: p.name, ref: p.ref }} value={value ? { id: Number(value), label: label || '#' + value } : null}
          onChange={(v) => { setLabel(v ? v.label : null); onChange(v ? String(v.id) : undefined); }} />
      </span></label>
    );
  }
  return (
    <label data-param={p.name}>{t(p.label)} <input class="input input-num" type="number" name={p.name} min={p.min} max={p.max}
      value={value || p.default} onChange={(e) => e.currentTarget.value && onChange(e.currentTarget.value)} /></label>
  );
}

export function ReportView({ rep, query }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const params = {
    from: rep.period ? query.from || daysAgo(29) : undefined,
    to: rep.period ? query.to || day(new Date()) : undefined,
    group: rep.groups.length ? query.group || rep.groups[0].name : undefined,
    step: rep.steps ? query.step || 'day' : undefined,
  };
  // the report's own parameters (a part, a warehouse, days): from the address
  const own = rep.params || [];
  own.forEach((p) => { params[p.name] = query[p.name] || undefined; });
  const missing = own.filter((p) => p.required && !params[p.name]);
  const key = qs(params);
  const set = (k, v) => navigate('reports/' + rep.name, { ...params, [k]: v }, true);
  useEffect(() => {
    setError(null);
    if (missing.length) { setData({ rows: [] }); return; }
    api.get('reports/' + rep.name, params).then(setData).catch(setError);
  }, [rep.name, key]);
  const group = rep.groups.find((g) => g.name === params.group);
  const preset = (n) => navigate('reports/' + rep.name, { ...params, from: daysAgo(n - 1), to: day(new Date()) }, true);
  return (
    <section class="card report" data-report={rep.name}>
      <div class="report-params no-print">
        {rep.period && <>
          <label>{t('report.from')} <DateInput name="from" value={params.from} onChange={(e) => e.target.value && set('from', e.target.value)} /></label>
          <label>{t('report.to')} <DateInput name="to" value={params.to} onChange={(e) => e.target.value && set('to', e.target.value)} /></label>
          <div class="seg" role="group">
            {[7, 30, 90, 365].map((n) => <button type="button" data-days={n} onClick={() => preset(n)}>{t('report.last_days', { n })}</button>)}
          </div>
        </>}
        {rep.groups.length > 1 && (
          <label>{t('report.group')} <select class="input" name="group" value={params.group} onChange={(e) => set('group', e.target.value)}>
            {rep.groups.map((g) => <option value={g.name}>{t(g.label)}</option>)}
          </select></label>
        )}
        {rep.steps && (
          <label>{t('report.step')} <select class="input" name="step" value={params.step} onChange={(e) => set('step', e.target.value)}>
            <option value="day">{t('report.step.day')}</option><option value="month">{t('report.step.month')}</option>
          </select></label>
        )}
        {own.map((p) => <ReportParam p={p} value={params[p.name]} onChange={(v) => set(p.name, v)} />)}
        <span class="grow" />
        <a class="btn" data-export="csv" href={`/api/v1/reports/${rep.name}.csv${key}`} download>CSV</a>
        <a class="btn" data-export="xlsx" href={`/api/v1/reports/${rep.name}.xlsx${key}`} download>XLSX</a>
      </div>
      {missing.length > 0 && <div class="banner" data-missing>{t('report.choose', { what: missing.map((p) => t(p.label)).join(', ') })}</div>}
      {error ? <ErrorBanner error={error} /> : !data ? <Spinner /> : <>
        <Chart rep={rep} group={group} rows={data.rows} />
        <table class="table report-table">
          <thead><tr>{rep.columns.filter((c) => c.name !== 'key').map((c) => <th class={c.type === 'text' ? '' : 'num'}>{t(c.label)}</th>)}</tr></thead>
          <tbody>
            {data.rows.map((r) => (
              <tr>{rep.columns.filter((c) => c.name !== 'key').map((c) => (
                <td class={c.type === 'text' ? '' : 'num'}>{c.name === 'label' ? rowLabel(rep, group, r) : fmtCell(c, r[c.name])}</td>
              ))}</tr>
            ))}
          </tbody>
        </table>
      </>}
    </section>
  );
}

export function ReportsPage({ name, query }) {
  const { meta } = useApp();
  const reports = (meta && meta.reports) || [];
  if (!reports.length) return <div class="page"><ErrorBanner>{t('forbidden_page')}</ErrorBanner></div>;
  const rep = reports.find((r) => r.name === name) || reports[0];
  return (
    <div class="page">
      <div class="page-head"><h1>{t('entity.reports')}</h1></div>
      <nav class="tabs no-print" aria-label={t('entity.reports')}>
        {reports.map((r) => (
          <a href={href('reports/' + r.name)} class={'tab' + (r === rep ? ' active' : '')} aria-current={r === rep ? 'page' : undefined}>{t(r.label)}</a>
        ))}
      </nav>
      <h2 class="print-only">{t(rep.label)}</h2>
      <ReportView key={rep.name} rep={rep} query={query} />
    </div>
  );
}
