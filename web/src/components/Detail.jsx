// Generic record page and form page; client and equipment-unit pages add their sections.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, fmtDateTime } from '../i18n/index.js';
import { fieldLabel, newTitle, recordLabel, resourceOne, resourceTitle } from '../meta.js';
import { href, navigate } from '../router.js';
import { useApp } from './ctx.js';
import { DocumentLinks } from './Documents.jsx';
import { RecordForm } from './RecordForm.jsx';
import { TimelineCard } from './Timeline.jsx';
import { TransitionBar } from './Workflow.jsx';
import { Confirm, ErrorBanner, FieldValue, Spinner } from './ui.jsx';

export function useRecord(resName, id) {
  const [rec, setRec] = useState(null);
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(true);
  const load = () => {
    setLoading(true);
    setError(null);
    return api.get(`${resName}/${id}`).then((r) => { setRec(r); setLoading(false); return r; })
      .catch((e) => { setError(e); setLoading(false); });
  };
  useEffect(() => { setRec(null); load(); }, [resName, id]);
  return { rec, setRec, error, loading, reload: load };
}

export function Breadcrumbs({ res, label }) {
  return (
    <nav class="crumbs" aria-label="breadcrumbs">
      <a href={href(res.name)}>{resourceTitle(res)}</a>
      <span class="sep">/</span>
      <span>{label}</span>
    </nav>
  );
}

export function FieldsGrid({ res, rec }) {
  return (
    <dl class="fields">
      {res.fields.filter((f) => !f.writeonly).map((f) => (
        <div class={'field' + (f.name === 'notes' || f.name === 'address' ? ' field-wide' : '')}>
          <dt>{fieldLabel(f)}</dt>
          <dd data-field={f.name}><FieldValue field={f} record={rec} /></dd>
        </div>
      ))}
    </dl>
  );
}

export function RecordMeta({ rec }) {
  return (
    <div class="record-meta muted">
      {t('meta.info', { created: fmtDateTime(rec.created_at), updated: fmtDateTime(rec.updated_at), version: rec.version ?? '' })}
      {' · ID '}{rec.id}
    </div>
  );
}

// Header with title and Edit / Delete buttons.
export function RecordHead({ res, rec, children }) {
  const { toast } = useApp();
  const [confirm, setConfirm] = useState(false);
  const title = recordLabel(res, rec);
  return (
    <>
      <Breadcrumbs res={res} label={title} />
      <div class="page-head">
        <h1>{title}</h1>
        <div class="actions">
          {children}
          <DocumentLinks res={res} rec={rec} />
          <button type="button" class="btn" data-action="print" onClick={() => window.print()}>{t('print')}</button>
          {res.can_write && <a class="btn" href={href(`${res.name}/${rec.id}/edit`)}>{t('edit')}</a>}
          {res.can_delete && <button type="button" class="btn btn-danger-outline" onClick={() => setConfirm(true)}>{t('delete')}</button>}
        </div>
      </div>
      {confirm && (
        <Confirm title={t('confirm.delete_title')} text={t('confirm.delete_text', { name: title })}
          onCancel={() => setConfirm(false)}
          onOk={async () => {
            await api.del(`${res.name}/${rec.id}`, { version: rec.version });
            toast(t('deleted'));
            navigate(res.name);
          }} />
      )}
    </>
  );
}

// A record's page: the head, its fields in a card, and optionally cards
// beside it (side) — the client, contract and article pages are this too.
// A record of an entity with a workflow gets its action buttons; side is
// called again (with a new tick) after each transition.
export function RecordPage({ res, id, head, main, side, top, layout = '' }) {
  const { rec, setRec, error, loading, reload } = useRecord(res.name, id);
  const [tick, setTick] = useState(0);
  if (loading && !rec) return <div class="page"><Spinner /></div>;
  if (error) return <div class="page"><ErrorBanner error={error} onRetry={reload} /></div>;
  // top: a card above the fields (the QC checklist of an order in qc), given
  // the record and a function that takes the record as it is after a change
  const update = (r) => { setRec(r); setTick((n) => n + 1); };
  const card = (
    <section class="card">
      {main ? main(rec) : <FieldsGrid res={res} rec={rec} />}
      <RecordMeta rec={rec} />
    </section>
  );
  return (
    <div class="page">
      <RecordHead res={res} rec={rec}>{head ? head(rec) : null}</RecordHead>
      {Array.isArray(rec.transitions) && (
        <TransitionBar res={res} rec={rec} onDone={update} onStale={reload} />
      )}
      {top ? top(rec, update) : null}
      {side ? (
        <div class={'client-layout' + (layout ? ' ' + layout : '')}>
          {card}
          <div class="client-side">{side(rec, tick)}</div>
        </div>
      ) : card}
    </div>
  );
}

// Any other record; one of an entity that keeps a timeline shows it beside,
// with its files.
export function DetailPage({ res, id }) {
  if (res.timeline) return <RecordPage res={res} id={id} side={(rec, tick) => <TimelineCard res={res} id={id} reload={tick} upload />} />;
  return <RecordPage res={res} id={id} />;
}

export function FormPage({ res, id, query }) {
  const { toast } = useApp();
  const isEdit = !!id;
  const [rec, setRec] = useState(null);
  const [error, setError] = useState(null);
  const [formKey, setFormKey] = useState(0);
  const [prefill, setPrefill] = useState(null);

  const load = () => api.get(`${res.name}/${id}`).then((r) => { setRec(r); setFormKey((k) => k + 1); }).catch(setError);
  useEffect(() => {
    if (isEdit) { load(); return; }
    // prefill from the query (#/equipment_units/new?client_id=5), with reference labels fetched
    const p = {};
    const jobs = [];
    for (const f of res.fields) {
      const v = query[f.name];
      if (v === undefined || v === '') continue;
      p[f.name] = f.type === 'ref' ? Number(v) : v;
      if (f.type === 'ref') {
        jobs.push(api.get(`${f.ref}/${v}`).then((r) => { p[f.name + '_label'] = recordLabel(f.ref, r); }).catch(() => {}));
      }
    }
    Promise.all(jobs).then(() => setPrefill(p));
  }, [res.name, id]);

  if (error) return <div class="page"><ErrorBanner error={error} /></div>;
  if ((isEdit && !rec) || (!isEdit && !prefill)) return <div class="page"><Spinner /></div>;
  if (!res.can_write) return <div class="page"><ErrorBanner>{t('forbidden_page')}</ErrorBanner></div>;
  const title = isEdit ? recordLabel(res, rec) : newTitle(res.name);
  const back = query.back || (isEdit ? `${res.name}/${id}` : res.name);
  return (
    <div class="page page-form">
      <Breadcrumbs res={res} label={isEdit ? `${title} — ${t('edit').toLowerCase()}` : title} />
      <div class="page-head"><h1>{isEdit ? `${resourceOne(res.name)}: ${title}` : title}</h1></div>
      <section class="card">
        <RecordForm key={formKey} res={res} record={rec} prefill={prefill || {}}
          onCancel={() => navigate(back)}
          onReload={load}
          onSaved={(saved) => {
            toast(isEdit ? t('saved') : t('created'));
            navigate(query.back || `${res.name}/${saved && saved.id ? saved.id : id}`);
          }} />
      </section>
    </div>
  );
}
