// Request page: the record, the action buttons of its workflow (exactly the
// transitions the server lists for this user), files, suggested articles and
// the timeline with its reply box (Timeline.jsx, as on any record page).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, request } from '../api.js';
import { t, fmtDate, fmtDateTime } from '../i18n/index.js';
import { enumLabel, fieldLabel, recordLabel, workerRoles } from '../meta.js';
import { href } from '../router.js';
import { FieldsGrid, RecordHead, RecordMeta, useRecord } from './Detail.jsx';
import { isTyping, shortcutKey, useApp } from './ctx.js';
import { RequestsCard } from './RequestHistory.jsx';
import { RepairOrdersCard } from './RepairOrders.jsx';
import { FindPartsLink } from './StockPages.jsx';
import { TimelineCard } from './Timeline.jsx';
import { ErrorBanner, FieldValue, Modal, RefPicker, Spinner, errorText, fmtPhone } from './ui.jsx';

// How often the page asks whether someone else changed the request.
const POLL_MS = 15000;

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
  const { meta } = useApp();
  const field = res.fields.find((f) => f.name === 'assignee_id');
  const [who, setWho] = useState(null);
  return (
    <Modal title={t('transition.assign')} onClose={onCancel}>
      <label class="label" for="assign-to">{t('request.assign_to')}</label>
      <RefPicker field={field} value={who} onChange={setWho} id="assign-to" params={{ role: workerRoles(meta).join(','), active: 'true' }} />
      <div class="form-actions">
        <button type="button" class="btn" onClick={onCancel}>{t('cancel')}</button>
        <button type="button" class="btn btn-primary" disabled={!who} onClick={() => onOk({ assignee_id: who.id })}>{t('transition.assign')}</button>
      </div>
    </Modal>
  );
}

// A record a request refers to, read for the summary (null until read or
// when there is none or it cannot be read).
function useLinked(resName, id, meta) {
  const [rec, setRec] = useState(null);
  useEffect(() => {
    setRec(null);
    const res = meta.byName[resName];
    if (!id || !res || !res.can_read) return;
    api.get(`${resName}/${id}`).then(setRec).catch(() => setRec(null));
  }, [resName, id]);
  return rec;
}

// «на гарантии до 12.03.2027» / «гарантия истекла 01.02.2025».
export function Warranty({ until }) {
  if (!until) return <span class="muted small" data-warranty="unknown">{t('warranty.unknown')}</span>;
  const today = new Date().toISOString().slice(0, 10);
  const on = until >= today;
  return (
    <span class={'badge badge-sm ' + (on ? 'warranty-on' : 'warranty-off')} data-warranty={on ? 'on' : 'off'}>
      {t(on ? 'warranty.until' : 'warranty.expired', { date: fmtDate(until) })}
    </span>
  );
}

// What matters first: the client and how to reach them, the unit and its
// warranty, who works on it and the deadline.
function Summary({ res, rec }) {
  const { meta } = useApp();
  const client = useLinked('clients', rec.client_id, meta);
  const contact = useLinked('contacts', rec.contact_id, meta);
  const unit = useLinked('equipment_units', rec.unit_id, meta);
  const field = (n) => res.fields.find((f) => f.name === n);
  const phone = (contact && contact.phone) || (client && client.phone);
  const email = (contact && contact.email) || (client && client.email);
  return (
    <section class="card req-summary">
      <div class="summary-grid">
        <div class="summary-block" data-summary="client">
          <div class="summary-label">{t('request.client')}</div>
          {rec.client_id ? (
            <>
              <a class="summary-main" href={href(`clients/${rec.client_id}`)}>{rec.client_id_label || '#' + rec.client_id}</a>
              {rec.contact_id && <div class="small">{rec.contact_id_label}{contact && contact.position ? ' · ' + contact.position : ''}</div>}
              <div class="contact-links">
                {phone && <a class="contact-link" data-contact="phone" href={'tel:' + phone}>☎ {fmtPhone(phone)}</a>}
                {email && <a class="contact-link" data-contact="email" href={'mailto:' + email}>✉ {email}</a>}
                {client && !phone && !email && <span class="muted small">{t('request.no_contacts')}</span>}
              </div>
            </>
          ) : <span class="muted">{t('none')}</span>}
        </div>
        <div class="summary-block" data-summary="unit">
          <div class="summary-label">{t('request.unit')}</div>
          {rec.unit_id ? (
            <>
              <a class="summary-main" href={href(`equipment_units/${rec.unit_id}`)}>{unit ? recordLabel('equipment_units', unit) : rec.unit_id_label}</a>
              {unit && <div><Warranty until={unit.warranty_until} /></div>}
            </>
          ) : <span class="muted">{t('none')}</span>}
        </div>
        <div class="summary-block" data-summary="work">
          <div class="summary-label">{fieldLabel(field('assignee_id'))}</div>
          <div class="summary-main">{rec.assignee_id ? rec.assignee_id_label : <span class="muted">{t('request.unassigned')}</span>}</div>
          <div class="small">
            <FieldValue field={field('priority')} record={rec} /> · {enumLabel(field('type'), rec.type)}
          </div>
        </div>
        <div class="summary-block" data-summary="due">
          <div class="summary-label">{fieldLabel(field('resolution_due'))}</div>
          <div class="summary-main">{rec.resolution_due ? fmtDateTime(rec.resolution_due) : <span class="muted">{t('none')}</span>}</div>
          <div class="small muted">{t('request.created_via', { date: fmtDateTime(rec.created_at), channel: enumLabel(field('channel'), rec.channel) })}</div>
        </div>
      </div>
    </section>
  );
}

// Fields shown in the summary, the description card or the header: not
// repeated among the details.
const SHOWN = new Set(['number', 'status', 'subject', 'description', 'client_id', 'contact_id', 'unit_id', 'assignee_id',
  'priority', 'type', 'channel', 'resolution_due', 'sla_state']);

export function RequestPage({ res, id }) {
  const { toast } = useApp();
  const { rec, setRec, error, loading, reload } = useRecord(res.name, id);
  const [busy, setBusy] = useState(false);
  const [assigning, setAssigning] = useState(false);
  const [actionError, setActionError] = useState(null);
  const [evTick, setEvTick] = useState(0);
  const [insert, setInsert] = useState(null);
  const [changed, setChanged] = useState(false);
  const box = useRef();
  const version = useRef(0);
  if (rec) version.current = Math.max(version.current, rec.version);
  const loadEvents = () => setEvTick((n) => n + 1);
  useEffect(() => { version.current = 0; setChanged(false); }, [id]);
  useEffect(() => {
    const onKey = (e) => {
      if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey || document.querySelector('.modal')) return;
      const k = shortcutKey(e);
      if (k === 'r' && box.current) { e.preventDefault(); box.current.focus(); }
      if (k === 'a' && document.querySelector('[data-transition=assign]')) { e.preventDefault(); setAssigning(true); }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  // someone else changed it: say so and show the new state (a reply being
  // typed stays; actions then carry the new version)
  useEffect(() => {
    const poll = setInterval(() => {
      if (document.hidden) return;
      api.get(`requests/${id}`).then((r) => {
        if (r && r.version > version.current) {
          version.current = r.version;
          setRec(r);
          setChanged(true);
          loadEvents();
        }
      }).catch(() => {});
    }, window.__servitorPollMs || POLL_MS);
    return () => clearInterval(poll);
  }, [id]);

  const run = async (name, params = {}) => {
    setBusy(true);
    setActionError(null);
    try {
      const r = await api.post(`requests/${id}/transitions/${name}`, { version: rec.version, ...params });
      version.current = r.version;
      setRec(r);
      setChanged(false);
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
  const details = { ...res, fields: res.fields.filter((f) => !SHOWN.has(f.name)) };
  return (
    <div class="page page-request">
      <RecordHead res={res} rec={rec}>
        {rec.channel === 'email' && <span class="badge channel-email" data-channel="email" title={t('request.by_email_hint')}>✉ {t('request.by_email')}</span>}
        <SlaSource rec={rec} /><SlaClock res={res} rec={rec} /><StatusBadge res={res} rec={rec} />
        {rec.rating && <span class="badge rating" data-rating={rec.rating} title={rec.rating_comment || ''}>★ {rec.rating}/5</span>}
        <FindPartsLink request={rec.id} />
      </RecordHead>
      {changed && (
        <div class="banner banner-info" role="status" data-changed-by-other>
          <span>{t('request.changed_by_other')}</span>
          <button type="button" class="btn btn-small" onClick={() => setChanged(false)}>{t('ok')}</button>
        </div>
      )}
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
      <Summary res={res} rec={rec} />
      <div class="req-layout">
        <div class="req-main">
          <section class="card req-description-card">
            <h2 class="card-title">{rec.subject}</h2>
            {rec.description ? <p class="req-description">{rec.description}</p> : <p class="muted">{t('request.no_description')}</p>}
          </section>
          <TimelineCard res={res} id={id} reload={evTick} box={box} insert={insert} />
        </div>
        <div class="req-side">
          {rec.client_id && (
            <RequestsCard id="client-open" params={{ client_id: rec.client_id }} open exclude={rec.id} limit={5}
              title={t('request.client_open')} />
          )}
          <RepairOrdersCard request={rec} />
          <Attachments id={id} canWrite={res.can_write} onChange={loadEvents} />
          <Articles id={id} onInsert={(body) => setInsert((x) => ({ text: body, n: (x ? x.n : 0) + 1 }))} />
          <details class="card req-details" data-details>
            <summary class="card-title">{t('request.details')}</summary>
            <FieldsGrid res={details} rec={rec} />
            <RecordMeta rec={rec} />
          </details>
        </div>
      </div>
      {assigning && <AssignDialog res={res} onCancel={() => setAssigning(false)} onOk={(p) => { setAssigning(false); run('assign', p); }} />}
    </div>
  );
}
