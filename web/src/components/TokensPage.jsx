// API tokens (admin): list, create (token shown once), revoke.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, fmtDateTime } from '../i18n/index.js';
import { useApp } from './ctx.js';
import { Confirm, ErrorBanner, Modal, RefPicker, Spinner, errorText, fieldErrorText } from './ui.jsx';

export function TokensPage() {
  const { session, toast } = useApp();
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState(null);
  const [revoking, setRevoking] = useState(null);
  const load = () => { setError(null); api.get('tokens', { limit: 200 }).then((d) => setItems(d.items || [])).catch(setError); };
  useEffect(load, []);

  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('entity.tokens')}</h1>
        <button type="button" class="btn btn-primary" onClick={() => { setCreated(null); setCreating(true); }}>+ {t('tokens.create')}</button>
      </div>
      {created && (
        <div class="banner banner-ok token-once" role="status">
          <div>{t('tokens.created_once')}</div>
          <div class="token-row">
            <code class="token-value" data-testid="new-token">{created.token}</code>
            <button type="button" class="btn btn-small" onClick={() => { navigator.clipboard && navigator.clipboard.writeText(created.token).then(() => toast(t('copied')), () => {}); }}>{t('copy')}</button>
          </div>
        </div>
      )}
      <ErrorBanner error={error} onRetry={error ? load : null} />
      <div class="table-wrap">
        <table class="table">
          <thead><tr><th>{t('token.name')}</th><th>{t('token.user')}</th><th>{t('field.created_at')}</th><th>{t('tokens.scope')}</th><th>{t('tokens.expires_at')}</th><th>{t('token.prefix')}</th><th class="col-actions" /></tr></thead>
          <tbody>
            {(items || []).map((x) => (
              <tr data-id={x.id}>
                <td>{x.name}</td>
                <td>{x.user_id_label || x.user_login || x.user_name || (x.user_id ? '#' + x.user_id : '—')}</td>
                <td class="nowrap">{fmtDateTime(x.created_at)}</td>
                <td>{x.scope === 'full' || x.scope === 'read' ? t('tokens.scope_' + x.scope) : x.scope}</td>
                <td class="nowrap">{x.expires_at ? fmtDateTime(x.expires_at) : '—'}</td>
                <td class="nowrap"><code>{x.prefix}…</code></td>
                <td class="col-actions"><button type="button" class="btn btn-small btn-link danger" onClick={() => setRevoking(x)}>{t('tokens.revoke')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
        {items && !items.length && <div class="empty"><div class="empty-title">{t('empty_plain')}</div></div>}
        {!items && !error && <Spinner />}
      </div>
      {creating && <CreateToken session={session} onClose={() => setCreating(false)} onCreated={(x) => { setCreating(false); setCreated(x); load(); }} />}
      {revoking && (
        <Confirm title={t('tokens.revoke') + '?'} text={t('tokens.confirm_revoke', { name: revoking.name })} okLabel={t('tokens.revoke')}
          onCancel={() => setRevoking(null)}
          onOk={async () => { await api.del(`tokens/${revoking.id}`); setRevoking(null); toast(t('deleted')); load(); }} />
      )}
    </div>
  );
}

function CreateToken({ session, onClose, onCreated }) {
  const me = session.user || {};
  const [name, setName] = useState('');
  const [user, setUser] = useState(me.id ? { id: me.id, label: me.name ? `${me.name} (${me.login})` : me.login } : null);
  const [scope, setScope] = useState('full');
  const [until, setUntil] = useState('');
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // the end of the chosen day, local time
      const expires = until ? new Date(until + 'T23:59:59').toISOString().replace(/\.\d+Z$/, 'Z') : null;
      const x = await api.post('tokens', { name, user_id: user ? Number(user.id) : null, scope, expires_at: expires });
      onCreated(x);
    } catch (err) {
      setBusy(false);
      setErrors(err.fields || {});
      setError(err);
    }
  };
  return (
    <Modal title={t('tokens.create')} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        {error && <ErrorBanner>{errorText(error)}</ErrorBanner>}
        <div class="form-row">
          <label class="form-label" for="tok-name">{t('token.name')}<span class="req"> *</span></label>
          <input id="tok-name" class={'input' + (errors.name ? ' input-error' : '')} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          {errors.name && <div class="field-error">{fieldErrorText(errors.name)}</div>}
        </div>
        <div class="form-row">
          <label class="form-label" for="tok-user">{t('tokens.user')}<span class="req"> *</span></label>
          <RefPicker id="tok-user" field={{ name: 'user_id', ref: 'users', type: 'ref' }} value={user} onChange={setUser} error={errors.user_id} />
          {errors.user_id && <div class="field-error">{fieldErrorText(errors.user_id)}</div>}
        </div>
        <div class="form-row">
          <label class="form-label" for="tok-scope">{t('tokens.scope')}</label>
          <select id="tok-scope" class="input" value={scope} onChange={(e) => setScope(e.currentTarget.value)}>
            <option value="full">{t('tokens.scope_full')}</option>
            <option value="read">{t('tokens.scope_read')}</option>
          </select>
          {errors.scope && <div class="field-error">{fieldErrorText(errors.scope)}</div>}
        </div>
        <div class="form-row">
          <label class="form-label" for="tok-until">{t('tokens.expires_at')}</label>
          <input id="tok-until" type="date" class={'input' + (errors.expires_at ? ' input-error' : '')} value={until} onInput={(e) => setUntil(e.currentTarget.value)} />
          {errors.expires_at && <div class="field-error">{fieldErrorText(errors.expires_at)}</div>}
        </div>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>{t('create')}</button>
          <button type="button" class="btn" onClick={onClose}>{t('cancel')}</button>
        </div>
      </form>
    </Modal>
  );
}
