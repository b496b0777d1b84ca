// Request page: the record, the action buttons of its workflow (exactly the
// transitions the server lists for this user), files, suggested articles and
// the timeline with its reply box (Timeline.jsx, as on any record page).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, request } from '../api.js';
import { t, fmtDateTime } from '../i18n/index.js';
import { enumLabel } from '../meta.js';
import { href } from '../router.js';
import { FieldsGrid, RecordHead, RecordMeta, useRecord } from './Detail.jsx';
import { FindPartsLink } from './StockPages.jsx';
import { isTyping, useApp } from './ctx.js';
import { TimelineCard } from './Timeline.jsx';
import { ErrorBanner, Modal, RefPicker, Spinner, errorText } from './ui.jsx';

function StatusBadge({ res, rec }) {
  const f = res.fields.find((x) => x.name === 'status');
  return <span class={'badge status-' + rec.status}>{f ? enumLabel(f, rec.status) : rec.status}</span>;
}

function span(ms) {
  const m = Math.round(Math.abs(ms) / 60000);
  const d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), mm = m % 60;
  return (d ? d + t('unit.d') + ' ' : '') + (d || h ? h + t('unit.h') + ' ' : '') + mm + t('unit.m');
}

// The SLA clock: time to the resolution deadline (wall clock), or its state.
export function SlaClock({ res, rec }) {
  const [, tick] = useState(0);
  useEffect(() => { const id = setInterval(() => tick((x) => x + 1), 30000); return () => clearInterval(id); }, []);
  if (!rec.sla_state || rec.sla_state === 'none') return null;
  const f = res.fields.find((x) => x.name === 'sla_state');
  const label = f ? enumLabel(f, rec.sla_state) : rec.sla_state;
  let detail = '';
  if (rec.sla_paused_since) detail = t('sla.paused');
  else if (rec.resolution_due && (rec.sla_state === 'ok' || rec.sla_state === 'warning' || rec.sla_state === 'breached')) {
    const left = Date.parse(rec.resolution_due) - Date.now();
    detail = left >= 0 ? t('sla.left', { t: span(left) }) : t('sla.over', { t: span(left) });
  }
  return <span class={'badge sla-' + rec.sla_state} title={rec.resolution_due ? fmtDateTime(rec.resolution_due) : ''}>{label}{detail ? ' · ' + detail : ''}</span>;
}

// Where the deadlines come from when it is a contract: "SLA по договору № …".
function SlaSource({ rec }) {
  if (rec.sla_source !== 'contract' || !rec.contract_id) return null;
  return (
    <a class="badge sla-source" data-sla-source="contract" href={href(`contracts/${rec.contract_id}`)}>
      {t('request.sla_by_contract', { number: rec.contract_id_label || '#' + rec.contract_id })}
    </a>
  );
}

function Articles({ id, onInsert }) {
  const [items, setItems] = useState(null);
  useEffect(() => { api.get(`requests/${id}/articles`).then((d) => setItems(d.items)).catch(() => setItems([])); }, [id]);
  if (!items || !items.length) return null;
  return (
    <section class="card">
      <h2 class="card-title">{t('articles.suggested')}</h2>
      <ul class="articles">
        {items.map((a) => (
          <li>
            <details>
              <summary>{a.title}</summary>
              <div class="ev-body">{a.body}</div>
              <button type="button" class="btn btn-small" onClick={() => onInsert(a.body)}>{t('articles.insert')}</button>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}

function fmtSize(n) {
  return n < 1024 ? n + ' B' : n < 1048576 ? Math.round(n / 1024) + ' KB' : (n / 1048576).toFixed(1) + ' MB';
}

// Files of the request: a list with links, and an upload (sent as the body).
function Attachments({ id, canWrite, onChange }) {
  const [items, setItems] = useState([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const load = () => api.get(`requests/${id}/attachments`).then((d) => setItems(d.items)).catch(() => {});
  useEffect(() => { load(); }, [id]);
  const upload = async (e) => {
    const file = e.currentTarget.files[0];
    e.currentTarget.value = '';
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await request('POST', `/api/v1/requests/${id}/attachments?name=${encodeURIComponent(file.name)}`, undefined,
        { rawBody: file, headers: { 'Content-Type': file.type || 'application/octet-stream' } });
      load();
      onChange();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (!items.length && !canWrite) return null;
  return (
    <section class="card">
      <h2 class="card-title">{t('attachments.title')}</h2>
      {error && <ErrorBanner error={error} />}
      {items.length ? (
        <ul class="files">
          {items.map((a) => <li><a href={a.url} download={a.file_name}>{a.file_name}</a> <span class="muted small">{fmtSize(a.size)} · {a.user_name || '—'}</span></li>)}
        </ul>
      ) : <div class="muted small">{t('attachments.none')}</div>}
      {canWrite && (
        <label class="btn btn-small file-btn">
          {busy ? t('saving') : '+ ' + t('attachments.add')}
          <input type="file" name="attachment" accept=".pdf,.jpg,.jpeg,.png,.txt" onChange={upload} disabled={busy} />
        </label>
      )}
    </section>
  );
}

function AssignDialog({ res, onCancel, onOk }) {
  const field = res.fields.find((f) => f.name === 'assignee_id');
  const [who, setWho] = useState(null);
  return (
    <Modal title={t('transition.assign')} onClose={onCancel}>
      <label class="label" for="assign-to">{t('request.assign_to')}</label>
      <RefPicker field={field} value={who} onChange={setWho} id="assign-to" />
      <div class="form-actions">
        <button type="button" class="btn" onClick={onCancel}>{t('cancel')}</button>
        <button type="button" class="btn btn-primary" disabled={!who} onClick={() => onOk({ assignee_id: who.id })}>{t('transition.assign')}</button>
      </div>
    </Modal>
  );
}

export function RequestPage({ res, id }) {
  const { toast } = useApp();
  const { rec, setRec, error, loading, reload } = useRecord(res.name, id);
  const [busy, setBusy] = useState(false);
  const [assigning, setAssigning] = useState(false);
  const [actionError, setActionError] = useState(null);
  const [evTick, setEvTick] = useState(0);
  const [insert, setInsert] = useState(null);
  const box = useRef();
  const loadEvents = () => setEvTick((n) => n + 1);
  useEffect(() => {
    const onKey = (e) => {
      if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'r' && box.current) { e.preventDefault(); box.current.focus(); }
      if (e.key === 'a' && document.querySelector('[data-transition=assign]')) { e.preventDefault(); setAssigning(true); }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const run = async (name, params = {}) => {
    setBusy(true);
    setActionError(null);
    try {
      const r = await api.post(`requests/${id}/transitions/${name}`, { version: rec.version, ...params });
      setRec(r);
      toast(t('request.transition_done', { name: t('transition.' + name) }));
      loadEvents();
    } catch (e) {
      if (e.status === 409 && /changed/.test(e.message)) { toast(t('request.conflict'), 'error'); reload(); }
      else setActionError(e);
    } finally {
      setBusy(false);
    }
  };

  if (loading && !rec) return <div class="page"><Spinner /></div>;
  if (error) return <div class="page"><ErrorBanner error={error} onRetry={reload} /></div>;
  const transitions = rec.transitions || [];
  return (
    <div class="page">
      <RecordHead res={res} rec={rec}>
        {rec.channel === 'email' && <span class="badge channel-email" data-channel="email" title={t('request.by_email_hint')}>✉ {t('request.by_email')}</span>}
        <SlaSource rec={rec} /><SlaClock res={res} rec={rec} /><StatusBadge res={res} rec={rec} />
        {rec.rating && <span class="badge rating" data-rating={rec.rating} title={rec.rating_comment || ''}>★ {rec.rating}/5</span>}
        <FindPartsLink request={rec.id} />
      </RecordHead>
      <div class="req-actions" role="toolbar" aria-label={t('actions')}>
        {transitions.length === 0 && <span class="muted">{t('request.no_transitions')}</span>}
        {transitions.map((tr) => (
          <button type="button" class={'btn' + (tr.name === 'assign' || tr.name === 'start' || tr.name === 'resolve' ? ' btn-primary' : '')}
            data-transition={tr.name} disabled={busy}
            onClick={() => (tr.name === 'assign' ? setAssigning(true) : run(tr.name))}>
            {t(tr.label)}
          </button>
        ))}
      </div>
      {actionError && <ErrorBanner error={actionError} />}
      <div class="req-layout">
        <section class="card">
          <h2 class="card-title">{rec.subject}</h2>
          {rec.description && <p class="req-description">{rec.description}</p>}
          <FieldsGrid res={{ ...res, fields: res.fields.filter((f) => f.name !== 'subject' && f.name !== 'description') }} rec={rec} />
          <RecordMeta rec={rec} />
        </section>
        <div class="req-side">
        <Attachments id={id} canWrite={res.can_write} onChange={loadEvents} />
        <Articles id={id} onInsert={(body) => setInsert((x) => ({ text: body, n: (x ? x.n : 0) + 1 }))} />
        <TimelineCard res={res} id={id} reload={evTick} box={box} insert={insert} />
        </div>
      </div>
      {assigning && <AssignDialog res={res} onCancel={() => setAssigning(false)} onOk={(p) => { setAssigning(false); run('assign', p); }} />}
    </div>
  );
}
