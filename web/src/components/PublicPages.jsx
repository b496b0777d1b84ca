// Pages for clients, without logging in: the request form and the status
// page (number + access code) of a request or of any record with a public
// view. Only what the API's public calls give.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, fmtDateTime } from '../i18n/index.js';
import { enumLabel } from '../meta.js';
import { href, navigate } from '../router.js';
import { LangSwitch } from './Shell.jsx';
import { ErrorBanner, Spinner, fieldErrorText, fmtUnits } from './ui.jsx';

function Frame({ lang, setLang, title, children }) {
  return (
    <div class="public">
      <header class="public-head">
        <div class="brand"><span class="logo">S</span> Servitor</div>
        <LangSwitch lang={lang} setLang={setLang} />
      </header>
      <main class="public-main">
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}

export function PublicRequest({ lang, setLang }) {
  const [f, setF] = useState({ name: '', phone: '', email: '', equipment: '', description: '', consent: false, website: '' });
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      const r = await api.post('public/requests', f, { noAuthRedirect: true });
      setDone(r);
    } catch (err) {
      setErrors(err.fields || {});
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (done) {
    return (
      <Frame lang={lang} setLang={setLang} title={t('public.thanks')}>
        {done.number ? (
          <div class="card">
            <p>{t('public.your_number')} <strong data-number>{done.number}</strong></p>
            <p>{t('public.your_code')} <strong data-code>{done.access_code}</strong></p>
            <p class="muted">{t('public.keep_code')}</p>
            <a class="btn btn-primary" href={href('public/status', { number: done.number, code: done.access_code })}>{t('public.check_status')}</a>
          </div>
        ) : <div class="card">{t('public.accepted')}</div>}
      </Frame>
    );
  }
  const field = (k, label, input) => (
    <div class="form-row">
      <label class="label" for={'pf-' + k}>{label}</label>
      {input}
      {errors[k] && <div class="field-error">{fieldErrorText(errors[k])}</div>}
    </div>
  );
  return (
    <Frame lang={lang} setLang={setLang} title={t('public.request_title')}>
      <form class="card public-form" onSubmit={submit} noValidate>
        {error && <ErrorBanner error={error} />}
        {field('name', t('public.name') + ' *', <input id="pf-name" name="name" class="input" value={f.name} onInput={set('name')} />)}
        {field('phone', t('public.phone'), <input id="pf-phone" name="phone" type="tel" class="input" value={f.phone} onInput={set('phone')} />)}
        {field('email', t('public.email'), <input id="pf-email" name="email" type="email" class="input" value={f.email} onInput={set('email')} />)}
        {field('equipment', t('public.equipment'), <input id="pf-equipment" name="equipment" class="input" value={f.equipment} onInput={set('equipment')} />)}
        {field('description', t('public.description') + ' *', <textarea id="pf-description" name="description" class="input" rows={5} value={f.description} onInput={set('description')} />)}
        <div class="trap" aria-hidden="true">
          <label for="pf-website">Website</label>
          <input id="pf-website" name="website" tabIndex={-1} autoComplete="off" value={f.website} onInput={set('website')} />
        </div>
        <label class="check">
          <input type="checkbox" name="consent" checked={f.consent} onChange={set('consent')} /> {t('public.consent')}
        </label>
        {errors.consent && <div class="field-error">{fieldErrorText(errors.consent)}</div>}
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>{t('public.send')}</button>
          <a href={href('public/status')}>{t('public.check_status')}</a>
        </div>
      </form>
    </Frame>
  );
}

// The status page of a record found by its number and access code: the
// requests' at #/public/status, any entity's with a public view at
// #/public/<entity>/status. The fields and their labels come with the answer.
export function PublicStatus({ lang, setLang, query, entity }) {
  const [number, setNumber] = useState(query.number || '');
  const [code, setCode] = useState(query.code || '');
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const path = entity ? `public/${entity}/status` : 'public/status';
  const look = async (n, c) => {
    setBusy(true);
    setError(null);
    try {
      const d = await api.get(path, { number: n, code: c }, { noAuthRedirect: true });
      d.asked = { number: n, code: c }; // the files of the page are fetched with the same pair
      setData(d);
    } catch (err) {
      setData(null);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => { if (query.number && query.code) look(query.number, query.code); }, []);
  const fields = (data && data.fields) || [];
  const statusField = fields.find((f) => f.name === 'status') || { name: 'status' };
  const st = (v) => enumLabel(statusField, v);
  const others = fields.filter((f) => f.name !== 'number' && f.name !== 'status' && f.name !== 'subject' && f.name !== 'rating');
  return (
    <Frame lang={lang} setLang={setLang} title={t('public.status_title')}>
      <form class="card public-form inline" onSubmit={(e) => { e.preventDefault(); navigate(path, { number, code }, true); look(number, code); }}>
        <input name="number" class="input" placeholder={t('public.number')} value={number} onInput={(e) => setNumber(e.currentTarget.value)} />
        <input name="code" class="input" placeholder={t('public.code')} value={code} onInput={(e) => setCode(e.currentTarget.value)} />
        <button type="submit" class="btn btn-primary" disabled={busy}>{t('public.show')}</button>
      </form>
      {busy && <Spinner />}
      {error && <ErrorBanner error={error}>{error.status === 404 ? t('public.not_found') : null}</ErrorBanner>}
      {data && (
        <div class="card" data-status={data.status}>
          <h2 class="card-title">{data.number}{data.subject ? ': ' + data.subject : ''}</h2>
          {data.status && <p><span class={'badge status-' + data.status}>{st(data.status)}</span></p>}
          {others.length > 0 && (
            <dl class="fields">
              {others.map((f) => <div class="field"><dt>{t(f.label)}</dt><dd data-field={f.name}>{f.type === 'enum' ? enumLabel(f, data[f.name]) : f.type === 'datetime' ? fmtDateTime(data[f.name]) : String(data[f.name] ?? '—')}</dd></div>)}
            </dl>
          )}
          {data.estimate && (
            <PublicEstimate est={data.estimate} waiting={data.status === 'estimate_sent'} number={data.number} code={code || query.code}
              onDone={() => look(data.number, code || query.code)} />
          )}
          {data.repair_orders && data.repair_orders.length > 0 && (
            <div class="public-orders" data-repair-orders>
              <h3>{t('public.repair_orders')}</h3>
              <ul>
                {data.repair_orders.map((o) => (
                  <li data-order={o.number}>
                    <a href={href('public/repair_orders/status', { number: o.number, code: o.code })}>{o.number}</a>{' '}
                    <span class={'badge badge-sm status-' + o.status}>{enumLabel({ name: 'status', label: 'repair.status' }, o.status)}</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {(!entity || entity === 'requests') && fields.some((f) => f.name === 'rating') && (
            <RateBox data={data} number={data.number} code={code || query.code} onDone={() => look(data.number, code || query.code)} />
          )}
          <ol class="req-timeline">
            {data.timeline.map((e) => (
              <li class={'ev ev-' + e.kind} data-kind={e.kind}>
                <div class="ev-head">
                  <strong>{e.kind === 'status' ? t('timeline.status', { from: st(e.from), to: st(e.to) }) : t('timeline.' + e.kind, { n: e.to })}</strong>
                  <span class="muted"> · {fmtDateTime(e.at)}</span>
                </div>
                {e.kind === 'file' && e.attachment ? (
                  <div class="ev-filelink">
                    <a href={`/api/v1/public/${data.entity}/files/${e.attachment.id}?${new URLSearchParams(data.asked)}`}
                      download={e.body} data-file={e.attachment.id}>{e.body}</a>
                  </div>
                ) : e.body && <div class="ev-body">{e.body}</div>}
              </li>
            ))}
          </ol>
        </div>
      )}
    </Frame>
  );
}

// A repair order's estimate as the client sees it, with Approve / Decline
// while it waits for the answer.
function PublicEstimate({ est, waiting, number, code, onDone }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(null);
  const money = (n) => fmtUnits('money', n || 0);
  const send = async (decision) => {
    setBusy(true);
    setError(null);
    try {
      await api.post('public/repair_orders/estimate', { number, code, version: est.version, decision }, { noAuthRedirect: true });
      setDone(decision);
      onDone();
    } catch (e) { setError(e); }
    setBusy(false);
  };
  return (
    <div class="public-estimate" data-public-estimate={est.status}>
      <h3>{t('public.estimate')} · {t('est.version', { n: est.version })}</h3>
      <table class="table table-compact">
        <thead><tr><th>{t('line.description')}</th><th class="num">{t('line.qty')}</th><th class="num">{t('line.price')}</th><th class="num">{t('line.amount')}</th></tr></thead>
        <tbody>
          {est.lines.map((l) => (
            <tr><td>{l.description}</td><td class="num">{fmtUnits('quantity', l.qty)}</td><td class="num">{money(l.price)}</td><td class="num">{money(l.amount)}</td></tr>
          ))}
        </tbody>
        <tfoot>
          <tr><th colspan="3">{t('est.total')}</th><th class="num" data-total>{money(est.total)}</th></tr>
          <tr><td colspan="3" class="muted">{t('est.vat_incl')}</td><td class="num muted">{money(est.vat_total)}</td></tr>
        </tfoot>
      </table>
      <p><span class={'badge badge-sm est-' + est.status}>{t('est.status.' + est.status)}</span></p>
      <ErrorBanner error={error} />
      {done && <p class="ok-text">{t(done === 'approve' ? 'public.approved' : 'public.declined')}</p>}
      {waiting && est.status === 'sent' && !done && (
        <div class="form-actions">
          <button type="button" class="btn btn-primary" data-public-answer="approve" disabled={busy} onClick={() => send('approve')}>{t('public.approve')}</button>
          <button type="button" class="btn btn-danger-outline" data-public-answer="decline" disabled={busy} onClick={() => send('decline')}>{t('public.decline')}</button>
        </div>
      )}
    </div>
  );
}

// Customer satisfaction: a resolved request asks its client for a rating
// (1–5 and a comment), once; after that the page shows the rating given.
function RateBox({ data, number, code, onDone }) {
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  if (data.rating) {
    return <p class="rating-given" data-rating={data.rating}>{t('rating.given')} <span class="stars">{'★'.repeat(data.rating)}{'☆'.repeat(5 - data.rating)}</span></p>;
  }
  if (data.status !== 'resolved' && data.status !== 'closed') return null;
  const send = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post('public/requests/rating', { number, code, rating: stars, ...(comment.trim() ? { comment: comment.trim() } : {}) }, { noAuthRedirect: true });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="rate-box" onSubmit={send}>
      <div class="card-title">{t('rating.ask')}</div>
      <div class="stars-input" role="radiogroup" aria-label={t('rating.ask')}>
        {[1, 2, 3, 4, 5].map((n) => (
          <button type="button" role="radio" aria-checked={stars === n ? 'true' : 'false'} data-stars={n} title={t('rating.n', { n })}
            class={n <= stars ? 'on' : ''} onClick={() => setStars(n)}>★</button>
        ))}
      </div>
      <textarea class="input" name="rating_comment" rows={2} maxLength={2000} placeholder={t('rating.comment')} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      {error && <ErrorBanner error={error} />}
      <div class="form-actions"><button type="submit" class="btn btn-primary" disabled={busy || !stars}>{t('rating.send')}</button></div>
    </form>
  );
}
