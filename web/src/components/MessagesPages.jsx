// Messages to clients: the company's details (templates quote them), a
// template's editor with its placeholders and a live preview, and the outbox
// with its dead letters and resending (admins).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, fmtDateTime } from '../i18n/index.js';
import { href } from '../router.js';
import { useApp } from './ctx.js';
import { ErrorBanner, Spinner, errorText, fieldErrorText } from './ui.jsx';

// The requisites printed in the header of every document, by group: [name,
// wide, hint ('digits': a number typed on a phone's digit keys)].
const REQUISITE_GROUPS = [
  ['legal', [['legal_name', true, 'company.legal_name_hint'], ['inn', false, 'digits'], ['kpp', false, 'digits'],
    ['ogrn', false, 'digits'], ['director', false], ['address', true]]],
  ['contacts', [['phone', false], ['email', false], ['website', false]]],
  ['bank', [['bank_name', true], ['bik', false, 'digits'], ['bank_account', false, 'digits'], ['corr_account', false, 'digits']]],
];

export function CompanyPage() {
  const { toast } = useApp();
  const [rec, setRec] = useState(null);
  const [error, setError] = useState(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => { api.get('company').then(setRec).catch(setError); }, []);
  if (!rec) return <div class="page"><ErrorBanner error={error} />{!error && <Spinner />}</div>;
  const set = (k) => (e) => setRec({ ...rec, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const fe = (k) => error && error.fields && error.fields[k] && <div class="field-error">{fieldErrorText(error.fields[k])}</div>;
  const save = async (e) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      setRec(await api.patch('company', rec));
      toast(t('saved'));
    } catch (err) { setError(err); } finally { setSaving(false); }
  };
  return (
    <div class="page">
      <div class="page-head"><h1>{t('entity.company')}</h1></div>
      <ErrorBanner error={error} />
      <form class="card" onSubmit={save} data-testid="company-form"><div class="form-grid">
        <label class="form-row form-row-wide"><span class="form-label">{t('company.name')}</span><input class="input" value={rec.name} onInput={set('name')} required />{fe('name')}</label>
        <label class="form-row form-row-wide"><span class="form-label">{t('company.requisites')}</span><textarea class="input" rows="3" value={rec.requisites} onInput={set('requisites')} />{fe('requisites')}</label>
        <label class="form-row form-row-wide"><span class="form-label">{t('company.public_url')}</span><input class="input" value={rec.public_url} onInput={set('public_url')} placeholder="https://service.example.ru" />
          <small class="muted">{t('company.public_url_hint')}</small>{fe('public_url')}</label>
        <label class="check-label form-row-wide"><input type="checkbox" checked={rec.sla_apologies} onChange={set('sla_apologies')} /> {t('company.sla_apologies')}</label>
        </div>
        {REQUISITE_GROUPS.map(([title, fields]) => (
          <fieldset class="form-section" data-section={title}>
            <legend class="card-title">{t('company.section.' + title)}</legend>
            <div class="form-grid">
              {fields.map(([k, wide, hint]) => (
                <label class={'form-row' + (wide ? ' form-row-wide' : '')}>
                  <span class="form-label">{t('company.' + k)}</span>
                  <input class="input" name={k} value={rec[k] || ''} onInput={set(k)} inputMode={hint === 'digits' ? 'numeric' : undefined} />
                  {hint && hint !== 'digits' && <small class="muted">{t(hint)}</small>}
                  {fe(k)}
                </label>
              ))}
            </div>
          </fieldset>
        ))}
        <div class="form-actions"><button type="submit" class="btn btn-primary" disabled={saving}>{t('save')}</button></div>
      </form>
    </div>
  );
}

export function TemplatePage({ id }) {
  const { toast, meta } = useApp();
  const [rec, setRec] = useState(null);
  const [error, setError] = useState(null);
  const [preview, setPreview] = useState(null);
  const [previewError, setPreviewError] = useState(null);
  useEffect(() => { api.get(`message_templates/${id}`).then(setRec).catch(setError); }, [id]);
  useEffect(() => {
    if (!rec) return undefined;
    const timer = setTimeout(() => {
      api.post('message_templates/preview', { subject: rec.subject || '', body: rec.body || '' })
        .then((p) => { setPreview(p); setPreviewError(null); }, setPreviewError);
    }, 250);
    return () => clearTimeout(timer);
  }, [rec && rec.subject, rec && rec.body]);
  if (!rec) return <div class="page"><ErrorBanner error={error} />{!error && <Spinner />}</div>;
  const email = rec.channel === 'email';
  const set = (k) => (e) => setRec({ ...rec, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const fe = (k) => error && error.fields && error.fields[k] && <div class="field-error">{fieldErrorText(error.fields[k])}</div>;
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      setRec(await api.patch(`message_templates/${id}`, { version: rec.version, active: rec.active, subject: email ? rec.subject : null, body: rec.body }));
      toast(t('saved'));
    } catch (err) { setError(err); }
  };
  const names = meta.message_placeholders || [];
  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('template.title', { event: t('template.event.' + rec.event), channel: t('template.channel.' + rec.channel), lang: rec.lang })}</h1>
        <a class="btn" href={href('message_templates')}>{t('entity.message_templates')}</a>
      </div>
      <ErrorBanner error={error} />
      <div class="template-edit">
        <form class="card" onSubmit={save} data-testid="template-form"><div class="form-grid">
          <label class="check-label form-row-wide"><input type="checkbox" checked={rec.active} onChange={set('active')} /> {t('template.active')}</label>
          {email && <label class="form-row form-row-wide"><span class="form-label">{t('template.subject')}</span><input class="input" name="subject" value={rec.subject || ''} onInput={set('subject')} />{fe('subject')}</label>}
          <label class="form-row form-row-wide"><span class="form-label">{t('template.body')}</span><textarea class="input" name="body" rows="12" value={rec.body} onInput={set('body')} />{fe('body')}</label>
          </div>
          <div class="form-actions"><button type="submit" class="btn btn-primary">{t('save')}</button></div>
        </form>
        <div class="card">
          <h2 class="card-title">{t('template.placeholders')}</h2>
          <ul class="placeholders" data-testid="placeholders">
            {names.map((n) => <li><code>{'{' + n + '}'}</code> — {t('placeholder.' + n)}</li>)}
          </ul>
          <h2 class="card-title">{t('template.preview')}</h2>
          {previewError ? (
            <div class="banner banner-error" role="alert">
              {previewError.fields && (previewError.fields.body || previewError.fields.subject)
                ? fieldErrorText(previewError.fields.body || previewError.fields.subject) + ': ' + previewError.message
                : errorText(previewError)}
            </div>
          ) : preview && (
            <div class="preview" data-testid="preview">
              {email && <div><strong>{preview.subject}</strong></div>}
              <pre class="preview-body" style="white-space: pre-wrap">{preview.body}</pre>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}

const STATES = ['failed', 'pending', 'sending', 'sent'];

export function OutboxPage({ query }) {
  const { toast } = useApp();
  const state = query.state === undefined ? 'failed' : query.state;
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const load = () => { setError(null); api.get('outbox', { state: state === 'all' ? '' : state, limit: 100 }).then((d) => setItems(d.items)).catch(setError); };
  useEffect(load, [state]);
  const resend = async (m) => {
    try { await api.post(`outbox/${m.id}/resend`, {}); toast(t('outbox.resent')); load(); } catch (err) { setError(err); }
  };
  return (
    <div class="page">
      <div class="page-head"><h1>{t('entity.outbox')}</h1></div>
      <div class="chips" role="tablist">
        {[...STATES, 'all'].map((s) => (
          <a role="tab" aria-selected={s === state ? 'true' : 'false'} class={'chip' + (s === state ? ' active' : '')} href={href('outbox', { state: s })}>
            {t(s === 'all' ? 'outbox.all' : 'outbox.state.' + s)}
          </a>
        ))}
      </div>
      <ErrorBanner error={error} onRetry={error ? load : null} />
      <div class="table-wrap">
        <table class="table">
          <thead><tr><th>{t('field.created_at')}</th><th>{t('outbox.to')}</th><th>{t('outbox.event')}</th><th>{t('outbox.subject')}</th><th>{t('outbox.state')}</th><th>{t('outbox.attempts')}</th><th class="col-actions" /></tr></thead>
          <tbody>
            {(items || []).map((m) => (
              <tr data-id={m.id} data-state={m.state}>
                <td class="nowrap">{fmtDateTime(m.created_at)}</td>
                <td>{m.channel === 'sms' ? '📱 ' : '✉ '}{m.address}</td>
                <td>{m.event ? t('template.event.' + m.event) : ''}{m.entity === 'requests' && m.record_id ? <> · <a href={href(`requests/${m.record_id}`)}>#{m.record_id}</a></> : null}</td>
                <td>{m.subject || m.body.slice(0, 80)}</td>
                <td>{t('outbox.state.' + m.state)}{m.last_error && <div class="muted small" data-error>{m.last_error}</div>}</td>
                <td>{m.attempts}</td>
                <td class="col-actions">{m.state === 'failed' && <button type="button" class="btn btn-small" onClick={() => resend(m)}>{t('outbox.resend')}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {items && !items.length && <div class="empty"><div class="empty-title">{t('empty_plain')}</div></div>}
        {!items && !error && <Spinner />}
      </div>
    </div>
  );
}
