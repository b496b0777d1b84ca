// Small shared pieces: banners, spinner, modal, field display and inputs.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, has, fmtDate, fmtDateTime, getLang } from '../i18n/index.js';
import { enumLabel, fieldLabel, recordLabel, resourceTitle } from '../meta.js';
import { href } from '../router.js';

export function errorText(err) {
  if (!err) return '';
  if (err.code && has('apierr.' + err.code)) return t('apierr.' + err.code);
  if (err.status >= 500) return t('apierr.server') + (err.message ? ': ' + err.message : '');
  return err.message || String(err);
}

// A field's error: "err.<field>.<code>" when the field has its own wording
// (a unit of another client), else "err.<code>".
export function fieldErrorText(code, field) {
  if (!code) return '';
  if (field && has('err.' + field + '.' + code)) return t('err.' + field + '.' + code);
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

// Why a delete was refused: the records that still refer to it, by kind.
function conflictText(error) {
  const refs = Object.entries(error.fields || {}).filter(([, c]) => c === 'refers').map(([k]) => resourceTitle(k));
  const n = /\((.*)\)$/.exec(error.message || '');
  if (!refs.length) return t('conflict.delete');
  const counts = {};
  if (n) for (const part of n[1].split(', ')) { const [k, v] = part.split(': '); counts[resourceTitle(k)] = v; }
  return t('conflict.delete_refs', { list: refs.map((r) => (counts[r] ? `${r} (${counts[r]})` : r)).join(', ') });
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
      {error && <ErrorBanner>{error.status === 409 ? conflictText(error) : errorText(error)}</ErrorBanner>}
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

// SLA terms are kept in minutes and shown in hours and days.
export const isTerm = (f) => /^(first_response|resolution|duration)_minutes$/.test(f.name);

// A term typed in minutes, hours or days; the value stays minutes (a string
// as the form keeps it).
function TermInput({ value, onChange, common, field }) {
  const n = value === '' || value == null ? null : Number(value);
  const guess = n && n % 1440 === 0 ? 1440 : n && n % 60 === 0 ? 60 : n ? 1 : 60;
  const [unit, setUnit] = useState(guess);
  const shown = n === null || !Number.isFinite(n) ? (value ?? '') : String(+(n / unit).toFixed(2));
  const put = (v, u) => {
    if (v === '') return onChange('');
    const x = Number(String(v).replace(',', '.'));
    onChange(Number.isFinite(x) ? String(Math.round(x * u)) : v);
  };
  return (
    <span class="term-input">
      <input type="number" inputMode="decimal" step="any" min="0" {...common} value={shown}
        onInput={(e) => put(e.currentTarget.value, unit)} />
      <select class="input" aria-label={t('unit.term_unit')} name={field.name + '-unit'} value={unit}
        onChange={(e) => { const u = Number(e.currentTarget.value); setUnit(u); }}>
        <option value={1}>{t('unit.minutes_short')}</option>
        <option value={60}>{t('unit.hours_short')}</option>
        <option value={1440}>{t('unit.days_short')}</option>
      </select>
    </span>
  );
}

// A term in minutes as people say it: "4 ч", "2 дн 4 ч", "45 мин" (the API
// keeps minutes).
export function fmtMinutes(m) {
  const n = Number(m);
  if (!Number.isFinite(n)) return String(m);
  if (n === 0) return '0';
  const d = Math.floor(n / 1440), h = Math.floor((n % 1440) / 60), mm = n % 60;
  const parts = [];
  if (d) parts.push(d + ' ' + t('unit.days_short'));
  if (h) parts.push(h + ' ' + t('unit.hours_short'));
  if (mm) parts.push(mm + ' ' + t('unit.minutes_short'));
  return parts.join(' ');
}

// Money travels in kopecks and quantities in thousandths; people read and
// type roubles and units ("1 234,5" or "1234.5").
const SCALE = { money: 100, quantity: 1000 };
const numLocale = () => (getLang() === 'ru' ? 'ru-RU' : 'en-GB');
export const toUnits = (f, s) => Math.round(parseFloat(String(s).replace(',', '.').replace(/\s/g, '')) * SCALE[f.type]);
export const fromUnits = (f, n) => String(n / SCALE[f.type]);
export function fmtUnits(type, n) {
  const digits = type === 'money' ? 2 : 0;
  const s = (n / SCALE[type]).toLocaleString(numLocale(), { minimumFractionDigits: digits, maximumFractionDigits: type === 'money' ? 2 : 3 });
  return type === 'money' ? s + ' ₽' : s;
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
      if (field.name === 'status' || field.name === 'priority' || field.name === 'sla_state') {
        const cls = field.name === 'status' ? 'status-' : field.name === 'priority' ? 'prio-' : 'sla-';
        return <span class={'badge badge-sm ' + cls + v}>{enumLabel(field, v)}</span>;
      }
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
    case 'money': case 'quantity':
      return <span class="nowrap num">{typeof v === 'number' ? fmtUnits(field.type, v) : String(v)}</span>;
    case 'int':
      if (isTerm(field)) return <span class="nowrap" title={t('unit.minutes_n', { n: v })}>{fmtMinutes(v)}</span>;
      return <span>{String(v)}</span>;
    default:
      if (field.name === 'phone' || /phone/.test(field.type)) return <span class="nowrap">{fmtPhone(String(v))}</span>;
      if (typeof v === 'object') return <span>{JSON.stringify(v)}</span>;
      return <span>{String(v)}</span>;
  }
}

let uid = 0;
export const nextId = (p) => `${p}-${++uid}`;

// One input for a field; value is the form's string/bool representation.
export function FieldInput({ field, value, onChange, error, id, autoFocus, params, scope }) {
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
      return <DateInput {...common} value={value ?? ''} onInput={(e) => onChange(e.currentTarget.value)} />;
    case 'money': case 'quantity':
      return (
        <input type="text" inputMode="decimal" {...common} value={value ?? ''}
          onInput={(e) => onChange(e.currentTarget.value)} />
      );
    case 'int':
      if (isTerm(field)) return <TermInput value={value} onChange={onChange} common={common} field={field} />;
      return (
        <input type="number" inputMode="numeric" step="1" {...common} value={value ?? ''}
          min={field.min} max={field.max} onInput={(e) => onChange(e.currentTarget.value)} />
      );
    case 'ref':
      return <RefPicker field={field} value={value} onChange={onChange} error={error} id={id} params={params} scope={scope} />;
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

// What tells two records of the same name apart in a picker: a client's INN,
// city or address and phone; a contact's or a unit's client; a user's role.
export function refDetails(ref, rec) {
  const bits = [];
  if (ref === 'clients') {
    if (rec.inn) bits.push(t('client.inn_short') + ' ' + rec.inn);
    if (rec.address) bits.push(rec.address.replace(/,?\s*(кв|офис)\.?\s*\d+.*$/i, ''));
    if (rec.phone) bits.push(fmtPhone(rec.phone));
  } else if (ref === 'contacts') {
    if (rec.client_id_label) bits.push(rec.client_id_label);
    if (rec.position) bits.push(rec.position);
    if (rec.phone) bits.push(fmtPhone(rec.phone));
  } else if (ref === 'equipment_units') {
    if (rec.client_id_label) bits.push(rec.client_id_label);
  } else if (ref === 'users') {
    if (rec.role) bits.push(t('enum.role.' + rec.role));
  } else if (ref === 'contracts') {
    if (rec.client_id_label) bits.push(rec.client_id_label);
    if (rec.title) bits.push(rec.title);
  }
  return bits.join(' · ');
}

// Searchable picker for a reference: value is {id, label} or null (onChange
// also gets the record chosen: {id, label, rec}); params narrow the choice
// (a client's contracts: {client_id}); scope ({params, label}) offers some
// records first — a client's own units — and the rest on demand.
export function RefPicker({ field, value, onChange, error, id, placeholder, params, scope }) {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState([]);
  const [busy, setBusy] = useState(false);
  const [active, setActive] = useState(0);
  const [everyone, setEveryone] = useState(false);
  const seq = useRef(0);
  const timer = useRef();
  const boxRef = useRef();
  const scoped = scope && !everyone;
  const scopeKey = scope ? JSON.stringify(scope.params) : '';
  useEffect(() => setEveryone(false), [scopeKey]);

  const load = (q, all = everyone) => {
    const my = ++seq.current;
    setBusy(true);
    const narrow = scope && !all ? scope.params : {};
    api.get(field.ref, { ...(params || {}), ...narrow, q: q || undefined, limit: 20 }).then((d) => {
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
    onChange({ id: rec.id, label: recordLabel(field.ref, rec), rec });
    setText('');
    setOpen(false);
  };
  const showAll = () => { setEveryone(true); load(text, true); };
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
          {scoped && <li class="ref-scope muted small" data-scope>{scope.label}</li>}
          {busy && !items.length && <li class="ref-empty">{t('loading')}</li>}
          {!busy && !items.length && <li class="ref-empty">{t('ref.nothing')}</li>}
          {items.map((rec, i) => {
            const details = refDetails(field.ref, rec);
            return (
              <li role="option" aria-selected={i === active ? 'true' : 'false'} class={i === active ? 'active' : ''}
                onMouseDown={(e) => { e.preventDefault(); choose(rec); }} onMouseEnter={() => setActive(i)}>
                <span class="ref-name">{recordLabel(field.ref, rec)}</span>
                {details && <span class="ref-details muted small">{details}</span>}
              </li>
            );
          })}
          {scoped && (
            <li class="ref-more" data-show-all onMouseDown={(e) => { e.preventDefault(); showAll(); }}>{t('ref.show_all')}</li>
          )}
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

// Chromium draws <input type=date> in the browser process's locale whatever
// the page's lang (or an emulated locale) says: 01/05/2026 under a Russian UI,
// and a page cannot tell how the picker shows it. So the date is also shown
// beside the picker the UI's way.
export function DateInput(props) {
  const { value } = props;
  return (
    <span class="date-input">
      <input type="date" class="input" {...props} />
      {value && <span class="date-shown muted" data-date={value}>{fmtDate(value)}</span>}
    </span>
  );
}
