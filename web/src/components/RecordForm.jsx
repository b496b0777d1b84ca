// Generic create/edit form driven by meta; maps API field errors inline; 409 → reload offer.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { fieldLabel, formFields, workerRoles } from '../meta.js';
import { useApp } from './ctx.js';
import { ErrorBanner, FieldInput, errorText, fieldErrorText, fromUnits, toUnits } from './ui.jsx';

function toFormValue(f, rec) {
  const v = rec ? rec[f.name] : undefined;
  if (f.type === 'bool') return v === undefined || v === null ? (f.default === true) : !!v;
  if (f.type === 'ref') return v ? { id: v, label: rec[f.name + '_label'] || '#' + v } : null;
  if (f.type === 'password') return '';
  if ((f.type === 'money' || f.type === 'quantity') && typeof v === 'number') return fromUnits(f, v);
  if (v === undefined || v === null) return f.default !== undefined && f.default !== null && !rec?.id ? String(f.default) : '';
  return String(v);
}

function toApiValue(f, v) {
  if (f.type === 'bool') return !!v;
  if (f.type === 'ref') return v && v.id ? Number(v.id) : null;
  if (v === '' || v === undefined) return null;
  if (f.type === 'money' || f.type === 'quantity') {
    const n = toUnits(f, v);
    return Number.isFinite(n) ? n : v;
  }
  if (f.type === 'int') {
    const n = Number(v);
    return Number.isFinite(n) && String(v).trim() !== '' ? n : v;
  }
  return v;
}

// Which fields a resource shows in its form given the current values.
function visible(res, f, values) {
  if (res.name === 'clients' && f.name === 'kpp') return values.kind !== 'person';
  if (res.name === 'clients' && f.name === 'pd_consent_date') return !!values.pd_consent;
  return true;
}

// A request taken for someone not yet in the base: name, phone, e-mail and
// consent on the same form. The server finds the client by phone (then
// e-mail) or creates one; a match is shown as soon as the phone is typed.
const CLIENT_FIELDS = ['name', 'phone', 'email'];

function InlineClient({ value, onChange, errors }) {
  const [match, setMatch] = useState(null);
  const phone = value.phone || '';
  const email = value.email || '';
  useEffect(() => {
    const digits = phone.replace(/\D/g, '');
    const byPhone = digits.length >= 10;
    const byMail = /.+@.+\..+/.test(email);
    if (!byPhone && !byMail) { setMatch(null); return undefined; }
    const timer = setTimeout(() => {
      api.get('clients', byPhone ? { phone, limit: 1 } : { q: email, limit: 1 })
        .then((d) => setMatch(d.items.find((c) => byPhone || (c.email || '').toLowerCase() === email.toLowerCase()) || null))
        .catch(() => setMatch(null));
    }, 250);
    return () => clearTimeout(timer);
  }, [phone, email]);
  const set = (k, v) => onChange({ ...value, [k]: v });
  return (
    <fieldset class="form-row form-row-wide inline-client">
      <legend>{t('request.new_client')}</legend>
      <div class="form-grid">
        {CLIENT_FIELDS.map((k) => {
          const id = 'f-requests-client-' + k;
          const err = errors['client.' + k];
          return (
            <div class={'form-row' + (err ? ' has-error' : '')}>
              <label for={id} class="form-label">{t('client.' + k)}{k === 'name' && <span class="req" title={t('required_mark')}> *</span>}</label>
              <input id={id} class="input" type={k === 'email' ? 'email' : k === 'phone' ? 'tel' : 'text'} value={value[k] || ''}
                aria-invalid={err ? 'true' : undefined} onInput={(e) => set(k, e.currentTarget.value)} />
              {err && <div class="field-error">{fieldErrorText(err)}</div>}
            </div>
          );
        })}
        <div class="form-row form-row-bool">
          <label class="check-label" for="f-requests-client-consent">
            <input id="f-requests-client-consent" type="checkbox" checked={!!value.pd_consent} onChange={(e) => set('pd_consent', e.currentTarget.checked)} />
            <span>{t('request.client_consent')}</span>
          </label>
        </div>
      </div>
      {match ? <div class="inline-client-match" role="status">{t('request.client_found', { name: match.name })}</div>
        : (phone || email) && <div class="muted" role="status">{t('request.client_will_be_created')}</div>}
      {errors.client && <div class="field-error">{fieldErrorText(errors.client)}</div>}
    </fieldset>
  );
}

// What a reference picker may offer given the current values: a request's
// contract is one of its client's active contracts.
function refParams(res, f, values, meta) {
  if (res.name === 'requests' && f.name === 'contract_id') {
    const c = values.client_id;
    return { status: 'active', ...(c && c.id ? { client_id: c.id } : {}) };
  }
  // only people who work on requests can be given one
  if (f.ref === 'users' && (f.name === 'assignee_id' || f.name === 'assign_user_id')) {
    return { role: workerRoles(meta).join(','), active: 'true' };
  }
  return undefined;
}

// The chosen client's own records first (others on demand): a request's
// contact and unit.
function refScope(res, f, values) {
  const c = values.client_id;
  if (res.name === 'requests' && (f.name === 'contact_id' || f.name === 'unit_id') && c && c.id) {
    return { params: { client_id: c.id }, label: t('ref.of_client', { name: c.label || '#' + c.id }) };
  }
  return undefined;
}

export function RecordForm({ res, record, fixed = {}, prefill = {}, onSaved, onCancel, onReload, autoFocus = true }) {
  const { meta } = useApp();
  const isEdit = !!(record && record.id);
  const fields = formFields(res).filter((f) => !(f.name in fixed));
  const initial = {};
  for (const f of fields) initial[f.name] = toFormValue(f, record || prefill);
  for (const f of fields) if (!isEdit && prefill[f.name] !== undefined && f.type !== 'ref') initial[f.name] = prefill[f.name];
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState({});
  const [banner, setBanner] = useState(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  const canNewClient = res.name === 'requests' && !isEdit && !('client_id' in fixed) && !prefill.client_id;
  const [newClient, setNewClient] = useState(null); // null: pick an existing client
  const ids = {};
  for (const f of fields) ids[f.name] = `f-${res.name}-${f.name}`;
  if (newClient) for (const k of ['client', ...CLIENT_FIELDS.map((c) => 'client.' + c)]) ids[k] = 'f-requests-' + k.replace('.', '-');

  const set = (name, v) => {
    setValues((s) => {
      const next = { ...s, [name]: v };
      // a unit or a contact chosen: its client comes with it (when none is chosen yet)
      if (res.name === 'requests' && (name === 'unit_id' || name === 'contact_id') && v && v.rec && v.rec.client_id &&
          'client_id' in s && !(s.client_id && s.client_id.id)) {
        next.client_id = { id: v.rec.client_id, label: v.rec.client_id_label || '#' + v.rec.client_id };
      }
      return next;
    });
    if (errors[name]) setErrors((e) => { const n = { ...e }; delete n[name]; return n; });
  };

  const submit = async (e) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setBanner(null);
    setConflict(false);
    const body = { ...fixed };
    for (const f of fields) {
      if (!visible(res, f, values) && !isEdit) continue;
      if (newClient && f.name === 'client_id') continue;
      const v = toApiValue(f, values[f.name]);
      if (isEdit) {
        const was = toApiValue(f, initial[f.name]);
        if (f.type === 'password' && !values[f.name]) continue;
        if (JSON.stringify(v) === JSON.stringify(was)) continue;
        body[f.name] = v;
      } else if (f.type === 'bool' && f.default === undefined && values[f.name] === initial[f.name]) {
        // a switch without a default that was not touched: the server decides
        // (a user's branch scope follows the role and the branch)
      } else if (v !== null) {
        body[f.name] = v;
      }
    }
    try {
      let saved;
      if (isEdit) {
        body.version = record.version;
        saved = await api.patch(`${res.name}/${record.id}`, body);
      } else {
        if (newClient) {
          body.client = { pd_consent: !!newClient.pd_consent };
          for (const k of CLIENT_FIELDS) if ((newClient[k] || '').trim()) body.client[k] = newClient[k].trim();
        }
        saved = await api.post(res.name, body);
      }
      setBusy(false);
      setErrors({});
      onSaved && onSaved(saved);
    } catch (err) {
      setBusy(false);
      const fe = err.fields || {};
      const known = {};
      const unknown = [];
      for (const [k, code] of Object.entries(fe)) {
        if (ids[k]) known[k] = code;
        else if (k !== 'version') unknown.push(`${k}: ${fieldErrorText(code, k)}`);
      }
      setErrors(known);
      if (err.status === 409 || fe.version === 'stale') {
        setConflict(true);
      } else if (Object.keys(known).length) {
        setBanner(t('form.has_errors') + (unknown.length ? ' ' + unknown.join('; ') : ''));
        const first = fields.find((f) => known[f.name]);
        const el = first && document.getElementById(ids[first.name]);
        if (el) el.focus();
      } else {
        setBanner(errorText(err) + (unknown.length ? ': ' + unknown.join('; ') : ''));
      }
    }
  };

  return (
    <form class="record-form" onSubmit={submit} noValidate>
      {conflict && (
        <div class="banner banner-warn" role="alert">
          <span>{t('conflict.edit')}</span>
          {onReload && <button type="button" class="btn btn-small" onClick={onReload}>{t('reload')}</button>}
        </div>
      )}
      {banner && <ErrorBanner>{banner}</ErrorBanner>}
      <div class="form-grid">
        {fields.filter((f) => visible(res, f, values)).map((f, i) => {
          if (f.name === 'client_id' && canNewClient) {
            return (
              <div class="form-row form-row-wide client-choice">
                <div class="seg" role="group" aria-label={fieldLabel(f)}>
                  <button type="button" class={'btn btn-small' + (newClient ? '' : ' active')} aria-pressed={!newClient} onClick={() => setNewClient(null)}>{t('request.existing_client')}</button>
                  <button type="button" class={'btn btn-small' + (newClient ? ' active' : '')} aria-pressed={!!newClient} onClick={() => setNewClient(newClient || { pd_consent: false })}>{t('request.new_client')}</button>
                </div>
                {newClient ? <InlineClient value={newClient} onChange={setNewClient} errors={errors} />
                  : (
                    <>
                      <label for={ids[f.name]} class="form-label">{fieldLabel(f)}</label>
                      <FieldInput field={f} id={ids[f.name]} value={values[f.name]} onChange={(v) => set(f.name, v)} error={errors[f.name]} />
                      {errors[f.name] && <div class="field-error">{fieldErrorText(errors[f.name])}</div>}
                    </>
                  )}
              </div>
            );
          }
          const err = errors[f.name];
          const wide = f.name === 'notes' || f.name === 'address' || f.type === 'textarea';
          return (
            <div class={'form-row' + (wide ? ' form-row-wide' : '') + (f.type === 'bool' ? ' form-row-bool' : '') + (err ? ' has-error' : '')}>
              {f.type === 'bool' ? (
                <label class="check-label" for={ids[f.name]}>
                  <FieldInput field={f} id={ids[f.name]} value={values[f.name]} onChange={(v) => set(f.name, v)} error={err} />
                  <span>{fieldLabel(f)}</span>
                </label>
              ) : (
                <>
                  <label for={ids[f.name]} class="form-label">
                    {fieldLabel(f)}
                    {(f.required && !(isEdit && f.type === 'password')) && <span class="req" title={t('required_mark')}> *</span>}
                  </label>
                  <FieldInput field={f} id={ids[f.name]} value={values[f.name]} onChange={(v) => set(f.name, v)} error={err} autoFocus={autoFocus && i === 0}
                    params={refParams(res, f, values, meta)} scope={refScope(res, f, values)} />
                </>
              )}
              {err && <div class="field-error" id={ids[f.name] + '-err'}>{fieldErrorText(err, f.name)}</div>}
            </div>
          );
        })}
      </div>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? t('saving') : isEdit ? t('save') : t('create')}</button>
        {onCancel && <button type="button" class="btn" onClick={onCancel}>{t('cancel')}</button>}
      </div>
    </form>
  );
}
