// Small shared pieces: banners, spinner, modal, field display and inputs.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, has, fmtDate, fmtDateTime } from '../i18n/index.js';
import { enumLabel, fieldLabel, recordLabel } from '../meta.js';
import { href } from '../router.js';

export function errorText(err) {
  if (!err) return '';
  if (err.code && has('apierr.' + err.code)) return t('apierr.' + err.code);
  if (err.status >= 500) return t('apierr.server') + (err.message ? ': ' + err.message : '');
  return err.message || String(err);
}

export function fieldErrorText(code) {
  if (!code) return '';
  return has('err.' + code) ? t('err.' + code) : String(code);
}

export function ErrorBanner({ error, onRetry, children }) {
  if (!error && !children) return null;
  return (
    <div class="banner banner-error" role="alert">
      <span>{children || errorText(error)}</span>
      {onRetry && <button type="button" class="btn btn-small" onClick={onRetry}>{t('retry')}</button>}
    </div>
  );
}

export function Spinner({ label }) {
  return <div class="loading" role="status"><span class="spinner" />{label || t('loading')}</div>;
}

export function Modal({ title, onClose, children, wide }) {
  const ref = useRef();
  useEffect(() => {
    const onKey = (e) => { if (e.key === 'Escape') onClose && onClose(); };
    window.addEventListener('keydown', onKey);
    const first = ref.current && ref.current.querySelector('input, select, textarea, button.btn-primary');
    if (first) first.focus();
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div class="modal-backdrop" onClick={(e) => { if (e.target === e.currentTarget && onClose) onClose(); }}>
      <div class={'modal' + (wide ? ' modal-wide' : '')} role="dialog" aria-modal="true" aria-label={title} ref={ref}>
        <div class="modal-head">
          <h2>{title}</h2>
          {onClose && <button type="button" class="icon-btn" aria-label={t('close')} onClick={onClose}>×</button>}
        </div>
        <div class="modal-body">{children}</div>
      </div>
    </div>
  );
}

export function Confirm({ title, text, okLabel, onOk, onCancel, danger = true }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const ok = async () => {
    setBusy(true);
    setError(null);
    try { await onOk(); } catch (e) { setError(e); setBusy(false); }
  };
  return (
    <Modal title={title} onClose={onCancel}>
      <p>{text}</p>
      {error && <ErrorBanner>{error.status === 409 ? t('conflict.delete') : errorText(error)}</ErrorBanner>}
      <div class="form-actions">
        <button type="button" class={'btn ' + (danger ? 'btn-danger' : 'btn-primary')} disabled={busy} onClick={ok}>{okLabel || t('delete')}</button>
        <button type="button" class="btn" onClick={onCancel}>{t('cancel')}</button>
      </div>
    </Modal>
  );
}

export function fmtPhone(s) {
  const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(s || '');
  return m ? `+7 ${m[1]} ${m[2]}-${m[3]}-${m[4]}` : s;
}

// Displays one field value of a record.
export function FieldValue({ field, record, link = true }) {
  const v = record[field.name];
  if (field.writeonly) return null;
  if (v === null || v === undefined || v === '') return <span class="muted">{t('none')}</span>;
  switch (field.type) {
    case 'bool':
      return v ? <span class="tag tag-yes">{t('yes')}</span> : <span class="tag tag-no">{t('no')}</span>;
    case 'enum':
      return <span>{enumLabel(field, v)}</span>;
    case 'date':
      return <span class="nowrap">{fmtDate(v)}</span>;
    case 'datetime': case 'time': case 'timestamp':
      return <span class="nowrap">{fmtDateTime(v)}</span>;
    case 'phone':
      return <span class="nowrap">{fmtPhone(v)}</span>;
    case 'ref': {
      const label = record[field.name + '_label'] || '#' + v;
      return link && field.ref ? <a href={href(field.ref + '/' + v)} onClick={(e) => e.stopPropagation()}>{label}</a> : <span>{label}</span>;
    }
    default:
      if (field.name === 'phone' || /phone/.test(field.type)) return <span class="nowrap">{fmtPhone(String(v))}</span>;
      if (typeof v === 'object') return <span>{JSON.stringify(v)}</span>;
      return <span>{String(v)}</span>;
  }
}

let uid = 0;
export const nextId = (p) => `${p}-${++uid}`;

// One input for a field; value is the form's string/bool representation.
export function FieldInput({ field, value, onChange, error, id, autoFocus, params }) {
  const common = {
    id,
    name: field.name,
    'aria-invalid': error ? 'true' : undefined,
    class: 'input' + (error ? ' input-error' : ''),
    autoFocus,
  };
  switch (field.type) {
    case 'bool':
      return (
        <input type="checkbox" id={id} name={field.name} class="checkbox" checked={!!value}
          onChange={(e) => onChange(e.currentTarget.checked)} />
      );
    case 'enum':
      return (
        <select {...common} value={value ?? ''} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">{t('select')}</option>
          {(field.enum || []).map((v) => <option value={v}>{enumLabel(field, v)}</option>)}
        </select>
      );
    case 'date':
      return <input type="date" {...common} value={value ?? ''} onInput={(e) => onChange(e.currentTarget.value)} />;
    case 'int': case 'money': case 'quantity':
      return (
        <input type="number" inputMode="numeric" step="1" {...common} value={value ?? ''}
          min={field.min} max={field.max} onInput={(e) => onChange(e.currentTarget.value)} />
      );
    case 'ref':
      return <RefPicker field={field} value={value} onChange={onChange} error={error} id={id} params={params} />;
    case 'password':
      return <input type="password" autoComplete="new-password" {...common} value={value ?? ''} onInput={(e) => onChange(e.currentTarget.value)} />;
    default: {
      const long = field.multiline || field.name === 'notes' || field.type === 'textarea' || (field.max && field.max > 1000);
      const type = field.type === 'email' ? 'email' : field.type === 'phone' ? 'tel' : 'text';
      if (long) return <textarea {...common} rows={3} maxLength={field.max || undefined} value={value ?? ''} onInput={(e) => onChange(e.currentTarget.value)} />;
      return <input type={type} {...common} maxLength={field.max || undefined} value={value ?? ''} onInput={(e) => onChange(e.currentTarget.value)} />;
    }
  }
}

// Searchable picker for a reference: value is {id, label} or null; params
// narrow the choice (a client's contracts: {client_id}).
export function RefPicker({ field, value, onChange, error, id, placeholder, params }) {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState([]);
  const [busy, setBusy] = useState(false);
  const [active, setActive] = useState(0);
  const seq = useRef(0);
  const timer = useRef();
  const boxRef = useRef();

  const load = (q) => {
    const my = ++seq.current;
    setBusy(true);
    api.get(field.ref, { ...(params || {}), q: q || undefined, limit: 20 }).then((d) => {
      if (my !== seq.current) return;
      setItems((d && d.items) || []);
      setActive(0);
      setBusy(false);
    }).catch(() => { if (my === seq.current) { setItems([]); setBusy(false); } });
  };

  useEffect(() => {
    const onDoc = (e) => { if (boxRef.current && !boxRef.current.contains(e.target)) setOpen(false); };
    document.addEventListener('mousedown', onDoc);
    return () => { document.removeEventListener('mousedown', onDoc); clearTimeout(timer.current); };
  }, []);

  const openList = () => { setOpen(true); load(text); };
  const onInput = (e) => {
    const v = e.currentTarget.value;
    setText(v);
    setOpen(true);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => load(v), 200);
  };
  const choose = (rec) => {
    onChange({ id: rec.id, label: recordLabel(field.ref, rec) });
    setText('');
    setOpen(false);
  };
  const onKey = (e) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); if (!open) openList(); else setActive((a) => Math.min(a + 1, items.length - 1)); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((a) => Math.max(a - 1, 0)); }
    else if (e.key === 'Enter' && open) { e.preventDefault(); if (items[active]) choose(items[active]); }
    else if (e.key === 'Escape' && open) { e.stopPropagation(); setOpen(false); }
  };

  const shown = value && value.id ? value.label || '#' + value.id : '';
  return (
    <div class={'ref-picker' + (error ? ' has-error' : '')} ref={boxRef}>
      <div class="ref-control">
        <input id={id} type="text" class={'input' + (error ? ' input-error' : '')} role="combobox"
          aria-expanded={open ? 'true' : 'false'} autoComplete="off" name={field.name}
          placeholder={shown || placeholder || t('ref.search')} value={open ? text : shown}
          onFocus={openList} onInput={onInput} onKeyDown={onKey} />
        {value && value.id && (
          <button type="button" class="ref-clear" aria-label={t('ref.clear')} title={t('ref.clear')}
            onClick={() => { onChange(null); setText(''); }}>×</button>
        )}
      </div>
      {open && (
        <ul class="ref-list" role="listbox">
          {busy && !items.length && <li class="ref-empty">{t('loading')}</li>}
          {!busy && !items.length && <li class="ref-empty">{t('ref.nothing')}</li>}
          {items.map((rec, i) => (
            <li role="option" aria-selected={i === active ? 'true' : 'false'} class={i === active ? 'active' : ''}
              onMouseDown={(e) => { e.preventDefault(); choose(rec); }} onMouseEnter={() => setActive(i)}>
              {recordLabel(field.ref, rec)}
              {field.ref === 'contracts' && <span class="muted small"> · {rec.client_id_label}{rec.title ? ' · ' + rec.title : ''}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Toasts({ items }) {
  return (
    <div class="toasts" aria-live="polite">
      {items.map((x) => <div class={'toast toast-' + (x.kind || 'ok')}>{x.text}</div>)}
    </div>
  );
}

export { fieldLabel };
