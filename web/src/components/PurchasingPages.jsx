// Purchasing's screens: a supplier's page (requisites, contacts, the price
// list with its search and the import of a CSV or XLSX file: preview with
// the bad rows by line number, then confirm), the "suppliers and prices"
// card of a part's page and the offers the part finder shows for what is
// not in stock. Money from the API is kopecks, quantities thousandths.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { fmtDate, t } from '../i18n/index.js';
import { recordLabel } from '../meta.js';
import { href } from '../router.js';
import { readXlsx } from '../xlsx.js';
import { EditableChildren } from './ClientPage.jsx';
import { useApp } from './ctx.js';
import { RecordPage } from './Detail.jsx';
import { fmtMoney, fmtQty } from './StockPages.jsx';
import { DateInput, ErrorBanner, Modal, Spinner, errorText, fieldErrorText } from './ui.jsx';
import { SupplierScorecard } from './PurchasePages.jsx';

const days = (n) => (n === null || n === undefined ? '—' : t('purchasing.days', { n }));
const qty = (q, unit) => (q === null || q === undefined ? '—' : fmtQty(q, unit));

// ---- a supplier's page ---------------------------------------------------------

export function SupplierPage({ res, id }) {
  const { meta } = useApp();
  return (
    <div data-page="supplier">
      <RecordPage res={res} id={id}
        side={() => (
          <EditableChildren resName="supplier_contacts" parentField="supplier_id" parentId={Number(id)} id="supplier-contacts"
            title={t('purchasing.contacts')} addLabel={t('purchasing.add_contact')} emptyText={t('purchasing.no_contacts')}
            editTitle={(rec) => `${t('purchasing.edit_contact')}: ${rec.name}`}
            deleteName={(rec) => recordLabel(meta.byName.supplier_contacts, rec)} />
        )} />
      <div class="page page-follow"><SupplierScorecard supplierId={Number(id)} /></div>
      <div class="page page-follow"><PriceList supplierId={Number(id)} canWrite={!!res.can_write} /></div>
    </div>
  );
}

const PAGE = 100;

function PriceList({ supplierId, canWrite }) {
  const { toast } = useApp();
  const [q, setQ] = useState('');
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [importing, setImporting] = useState(false);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const timer = useRef();
  const load = (text, offset = 0) => {
    const my = ++seq.current;
    api.get(`suppliers/${supplierId}/prices`, { q: text.trim() || undefined, limit: PAGE, offset }).then((d) => {
      if (my !== seq.current) return;
      setError(null);
      setData((old) => (offset && old ? { ...d, items: [...old.items, ...d.items] } : d));
    }).catch((e) => { if (my === seq.current) setError(e); });
  };
  useEffect(() => load(q), [supplierId, tick]);
  const onInput = (e) => {
    const v = e.currentTarget.value;
    setQ(v);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => load(v), 200);
  };
  return (
    <section class="card" data-section="price-list">
      <div class="card-head">
        <h2>{t('purchasing.price_list')}{data ? <span class="count">{data.total}</span> : null}</h2>
        {canWrite && <button type="button" class="btn btn-small btn-primary" data-action="price-import" onClick={() => setImporting(true)}>{t('purchasing.import')}</button>}
      </div>
      <div class="toolbar">
        <input type="search" class="input" data-field="price-q" placeholder={t('purchasing.price_search')} value={q} onInput={onInput} />
      </div>
      <ErrorBanner error={error} onRetry={error ? () => load(q) : null} />
      {!data && !error && <Spinner />}
      {data && data.items.length === 0 && <div class="empty-inline muted">{q ? t('purchasing.nothing_found') : t('purchasing.no_prices')}</div>}
      {data && data.items.length > 0 && (
        <div class="table-wrap">
          <table class="table price-list">
            <thead><tr>
              <th>{t('purchasing.our_sku')}</th><th>{t('part.name')}</th><th>{t('supplier_price.supplier_sku')}</th>
              <th class="num">{t('supplier_price.price')}</th>
              <th class="num">{t('supplier_price.moq')}</th><th class="num">{t('supplier_price.pack_qty')}</th>
              <th class="num">{t('supplier_price.lead_days')}</th><th>{t('purchasing.price_date')}</th>
            </tr></thead>
            <tbody>
              {data.items.map((p) => (
                <tr data-part={p.part_id}>
                  <td class="nowrap"><a href={href(`parts/${p.part_id}`)}>{p.part_sku}</a></td>
                  <td>{p.part_name}</td>
                  <td>
                    <span class="nowrap">{p.supplier_sku}</span>
                    {p.supplier_name && p.supplier_name !== p.part_name && <div class="muted small">{p.supplier_name}</div>}
                  </td>
                  <td class="num nowrap" data-col="price">{fmtMoney(p.price)}{!p.vat_included && <span class="muted small"> {t('purchasing.no_vat')}</span>}</td>
                  <td class="num nowrap">{qty(p.moq, p.part_unit)}</td>
                  <td class="num nowrap">{qty(p.pack_qty, p.part_unit)}</td>
                  <td class="num nowrap">{days(p.lead_days)}</td>
                  <td class="nowrap">{fmtDate(p.valid_from)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && data.items.length < data.total && (
        <button type="button" class="btn btn-small" onClick={() => load(q, data.items.length)}>{t('purchasing.more', { n: data.total - data.items.length })}</button>
      )}
      {importing && (
        <ImportDialog supplierId={supplierId} onClose={() => setImporting(false)}
          onDone={(a) => { setImporting(false); toast(t('purchasing.imported', { n: a.new, m: a.changed })); setTick((x) => x + 1); }} />
      )}
    </section>
  );
}

// ---- the import dialog -----------------------------------------------------------

function toBase64(buf) {
  const bytes = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const STATUSES = ['error', 'new', 'changed', 'unchanged'];
const SHOWN = 500;

function rowErrors(r) {
  return r.errors.map((e) => {
    const text = t('purchasing.err.' + e.code);
    return e.line ? `${text} (${t('purchasing.line_n', { n: e.line })})` : text;
  }).join('; ');
}

export function ImportDialog({ supplierId, onClose, onDone }) {
  const today = new Date().toISOString().slice(0, 10);
  const [validFrom, setValidFrom] = useState(today);
  const [file, setFile] = useState(null);
  const [stage, setStage] = useState(null); // reading, checking, applying
  const [body, setBody] = useState(null);
  const [preview, setPreview] = useState(null);
  const [error, setError] = useState(null);
  const [show, setShow] = useState(null);
  const run = async (f, from) => {
    setError(null);
    setPreview(null);
    setFile(f);
    try {
      setStage('reading');
      const buf = await f.arrayBuffer();
      let b;
      if (/\.xlsx$/i.test(f.name)) {
        await new Promise((r) => setTimeout(r, 0)); // let the stage show
        b = { rows: readXlsx(buf) };
      } else {
        b = { csv_base64: toBase64(buf) };
      }
      b.valid_from = from;
      setBody(b);
      setStage('checking');
      const p = await api.post(`suppliers/${supplierId}/price-import`, b);
      setPreview(p);
      setShow(p.counts.error ? 'error' : null);
    } catch (e) {
      setError(e instanceof Error && !e.status && e.message in { not_xlsx: 1, no_sheet: 1, too_many_rows: 1 } ? t('purchasing.xlsx.' + e.message) : e);
    } finally {
      setStage(null);
    }
  };
  const apply = async () => {
    setError(null);
    setStage('applying');
    try {
      const r = await api.post(`suppliers/${supplierId}/price-import/confirm`, { ...body, token: preview.token });
      onDone(r.applied);
    } catch (e) {
      setError(e);
      setStage(null);
    }
  };
  const f = (error && error.fields) || {};
  const errText = !error ? '' : typeof error === 'string' ? error
    : f.columns ? t('purchasing.col.' + f.columns)
      : f.token ? t('purchasing.err.stale')
        : f.csv === 'not_text' ? t('purchasing.err.not_text')
          : error.status === 413 ? t('purchasing.too_big')
            : Object.keys(f).length ? Object.entries(f).map(([k, v]) => `${k}: ${fieldErrorText(v, k)}`).join('; ')
              : errorText(error);
  const rows = preview ? preview.rows.filter((r) => !show || r.status === show) : [];
  const applicable = preview ? preview.counts.new + preview.counts.changed : 0;
  return (
    <Modal title={t('purchasing.import_title')} onClose={stage === 'applying' ? null : onClose} wide>
      <div class="price-import" data-import-stage={stage || (preview ? 'preview' : 'choose')}>
        <p class="muted small">{t('purchasing.import_hint')}</p>
        <div class="form-grid-2">
          <div class="form-row">
            <label for="price-file">{t('purchasing.file')}</label>
            <input id="price-file" type="file" class="input" accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              disabled={!!stage} onChange={(e) => { const f = e.currentTarget.files[0]; if (f) run(f, validFrom); }} />
          </div>
          <div class="form-row">
            <label for="price-from">{t('supplier_price.valid_from')}</label>
            <DateInput id="price-from" value={validFrom} disabled={!!stage}
              onChange={(e) => { const v = e.currentTarget.value || today; setValidFrom(v); if (file) run(file, v); }} />
          </div>
        </div>
        {stage && (
          <div class="import-progress" role="status">
            <span class="spinner" />
            {t('purchasing.stage.' + stage, { name: file ? file.name : '', size: file ? Math.ceil(file.size / 1024) : 0, n: body && body.rows ? body.rows.length : '' })}
            <div class="progress-bar"><span /></div>
          </div>
        )}
        {errText && <div class="banner banner-error" role="alert">{errText}</div>}
        {preview && (
          <>
            <div class="import-summary" data-counts={JSON.stringify(preview.counts)}>
              <span class="muted small">{t('purchasing.found_columns')}: {Object.values(preview.columns).join(', ')}
                {preview.encoding !== 'json' && ` · ${preview.encoding}${preview.separator ? ` «${preview.separator}»` : ''}`}</span>
              <div class="chips">
                <span class={'chip' + (!show ? ' active' : '')}><button type="button" onClick={() => setShow(null)}>{t('purchasing.all')} {preview.total}</button></span>
                {STATUSES.map((s) => (
                  <span class={'chip import-' + s + (show === s ? ' active' : '')} data-count={s}>
                    <button type="button" onClick={() => setShow(s)}>{t('purchasing.status.' + s)} {preview.counts[s]}</button>
                  </span>
                ))}
              </div>
            </div>
            <div class="table-wrap import-table">
              <table class="table">
                <thead><tr>
                  <th class="num">{t('purchasing.line')}</th><th>{t('purchasing.status')}</th><th>{t('supplier_price.supplier_sku')}</th>
                  <th>{t('supplier_price.supplier_name')}</th><th>{t('purchasing.part')}</th><th class="num">{t('supplier_price.price')}</th>
                  <th class="num">{t('supplier_price.moq')}</th><th class="num">{t('supplier_price.lead_days')}</th>
                </tr></thead>
                <tbody>
                  {rows.slice(0, SHOWN).map((r) => (
                    <tr class={'import-row import-' + r.status} data-line={r.line} data-status={r.status}>
                      <td class="num">{r.line}</td>
                      <td><span class={'tag import-tag-' + r.status}>{t('purchasing.row.' + r.status)}</span></td>
                      <td class="nowrap">{r.sku || ''}</td>
                      <td>{r.name || ''}{r.errors.length > 0 && <div class="import-error" data-errors>{rowErrors(r)}</div>}</td>
                      <td class="nowrap">{r.part ? <a href={href(`parts/${r.part.id}`)} target="_blank" rel="noopener">{r.part.sku}</a> : ''}</td>
                      <td class="num nowrap">
                        {r.status === 'changed' && r.old_price !== r.price && <span class="muted"><s>{fmtMoney(r.old_price)}</s> → </span>}
                        {r.price ? fmtMoney(r.price) : ''}
                      </td>
                      <td class="num nowrap">{r.moq ? fmtQty(r.moq) : ''}</td>
                      <td class="num nowrap">{r.lead_days !== null && r.lead_days !== undefined ? days(r.lead_days) : ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {rows.length > SHOWN && <p class="muted small">{t('purchasing.shown', { n: SHOWN, total: rows.length })}</p>}
            </div>
          </>
        )}
        <div class="form-actions">
          <button type="button" class="btn btn-primary" data-action="confirm-import" disabled={!preview || !applicable || !!stage} onClick={apply}>
            {preview ? t('purchasing.confirm', { n: applicable }) : t('purchasing.confirm_plain')}
          </button>
          <button type="button" class="btn" disabled={stage === 'applying'} onClick={onClose}>{t('cancel')}</button>
          {preview && preview.counts.error > 0 && <span class="muted small">{t('purchasing.errors_skipped', { n: preview.counts.error })}</span>}
        </div>
      </div>
    </Modal>
  );
}

// ---- a part's suppliers, the finder's offers ------------------------------------------

export function PartSuppliers({ offers, unit }) {
  if (!offers) return null; // the user does not see purchasing
  return (
    <section class="card" data-section="suppliers">
      <div class="card-head"><h2 class="card-title">{t('purchasing.part_suppliers')}</h2></div>
      {offers.length ? (
        <div class="table-wrap">
          <table class="table">
            <thead><tr><th>{t('supplier_price.supplier')}</th><th>{t('supplier_price.supplier_sku')}</th><th class="num">{t('supplier_price.price')}</th>
              <th class="num">{t('supplier_price.moq')}</th><th class="num">{t('supplier_price.lead_days')}</th><th>{t('purchasing.price_date')}</th></tr></thead>
            <tbody>
              {offers.map((o) => (
                <tr data-supplier={o.supplier_id} class={o.active ? '' : 'muted'}>
                  <td><a href={href(`suppliers/${o.supplier_id}`)}>{o.supplier}</a>{!o.active && <span class="muted small"> · {t('purchasing.inactive')}</span>}</td>
                  <td class="nowrap">{o.supplier_sku}</td>
                  <td class="num nowrap" data-col="price">{fmtMoney(o.price)}</td>
                  <td class="num nowrap">{qty(o.moq, unit)}</td>
                  <td class="num nowrap">{days(o.lead_days)}</td>
                  <td class="nowrap">{fmtDate(o.valid_from)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : <div class="empty-inline muted">{t('purchasing.no_offers')}</div>}
    </section>
  );
}

export function FinderOffers({ offers }) {
  if (!offers || !offers.length) return null;
  return (
    <div class="finder-offers small" data-offers>
      <span class="muted">{t('purchasing.to_order')}:</span>{' '}
      {offers.slice(0, 3).map((o, i) => (
        <span data-supplier={o.supplier_id}>{i > 0 && '; '}{o.supplier} — <b>{fmtMoney(o.price)}</b>, {days(o.lead_days)}</span>
      ))}
      {offers.length > 3 && <span class="muted"> {t('purchasing.and_more', { n: offers.length - 3 })}</span>}
    </div>
  );
}
