// A phone consultation logged in one step: who called, the question, the
// answer given and how long it took. The server closes it as a request.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { navigate } from '../router.js';
import { useApp } from './ctx.js';
import { ErrorBanner, RefPicker, fieldErrorText } from './ui.jsx';

export function ConsultationPage() {
  const { toast, meta } = useApp();
  const clientField = meta.byName.requests.fields.find((f) => f.name === 'client_id');
  const [client, setClient] = useState(null);
  const [question, setQuestion] = useState('');
  const [answer, setAnswer] = useState('');
  const [minutes, setMinutes] = useState('5');
  const [errors, setErrors] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const body = { question, answer, duration_minutes: Number(minutes) || 0 };
      if (client) body.client_id = client.id;
      const r = await api.post('consultations', body);
      toast(t('consult.saved', { number: r.number }));
      navigate(`requests/${r.id}`);
    } catch (err) {
      setErrors(err.fields || {});
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const err = (k) => errors[k] && <div class="field-error">{fieldErrorText(errors[k])}</div>;
  return (
    <div class="page page-form">
      <div class="page-head"><h1>{t('consult.title')}</h1></div>
      <form class="card record-form" onSubmit={save} noValidate>
        {error && <ErrorBanner error={error} />}
        <div class="form-row">
          <label class="label" for="c-client">{t('consult.client')}</label>
          <RefPicker field={clientField} value={client} onChange={setClient} id="c-client" error={errors.client_id} />
          {err('client_id')}
        </div>
        <div class="form-row">
          <label class="label" for="c-q">{t('consult.question')} *</label>
          <input id="c-q" name="question" class="input" value={question} onInput={(e) => setQuestion(e.currentTarget.value)} />
          {err('question')}
        </div>
        <div class="form-row">
          <label class="label" for="c-a">{t('consult.answer')} *</label>
          <textarea id="c-a" name="answer" class="input" rows={5} value={answer} onInput={(e) => setAnswer(e.currentTarget.value)} />
          {err('answer')}
        </div>
        <div class="form-row">
          <label class="label" for="c-m">{t('consult.duration')}</label>
          <input id="c-m" name="duration_minutes" type="number" min="0" max="600" class="input" value={minutes} onInput={(e) => setMinutes(e.currentTarget.value)} />
          {err('duration_minutes')}
        </div>
        <div class="form-actions"><button type="submit" class="btn btn-primary" disabled={busy}>{t('consult.save')}</button></div>
      </form>
    </div>
  );
}
