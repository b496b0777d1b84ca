import { useState } from 'preact/hooks';
import { auth } from '../api.js';
import { t, getLang } from '../i18n/index.js';
import { errorText } from './ui.jsx';
import { LangSwitch } from './Shell.jsx';

export function Login({ onLogin, notice, lang, setLang }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    if (!login.trim() || !password) { setError({ text: t('login.required') }); return; }
    setBusy(true);
    setError(null);
    try {
      const s = await auth.login(login.trim(), password);
      onLogin(s);
    } catch (err) {
      setBusy(false);
      if (err.status === 429) {
        const sec = parseInt(err.retryAfter, 10);
        setError({ text: sec > 0 ? t('login.rate_limited', { min: Math.max(1, Math.ceil(sec / 60)) }) : t('login.rate_limited_nowait'), rate: true });
      } else if (err.status === 401) {
        setError({ text: t('login.failed') });
      } else {
        setError({ text: errorText(err) });
      }
    }
  };
  return (
    <div class="login-page">
      <div class="login-lang"><LangSwitch lang={lang} setLang={setLang} /></div>
      <form class="login-card" onSubmit={submit} noValidate>
        <div class="login-brand"><img src="/favicon.svg" alt="" width="36" height="36" /><div><div class="brand-name">Servitor</div><div class="muted">{t('app.tagline')}</div></div></div>
        <h1>{t('login.title')}</h1>
        {notice && !error && <div class="banner banner-info">{notice}</div>}
        {error && <div class={'banner ' + (error.rate ? 'banner-warn' : 'banner-error')} role="alert" data-testid="login-error">{error.text}</div>}
        <label class="form-label" for="login-login">{t('login.login')}</label>
        <input id="login-login" name="login" class="input" autoComplete="username" autoFocus value={login} onInput={(e) => setLogin(e.currentTarget.value)} />
        <label class="form-label" for="login-password">{t('login.password')}</label>
        <input id="login-password" name="password" type="password" class="input" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>{busy ? t('login.busy') : t('login.submit')}</button>
      </form>
    </div>
  );
}
