// The action buttons of a record's workflow: exactly the transitions the
// server lists with the record for this user (rec.transitions), for any
// entity with a workflow. A transition is posted with the version read; the
// answer is the record as it is now.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { useApp } from './ctx.js';
import { ErrorBanner } from './ui.jsx';

// hide: transitions a card of the page takes with its own form (a repair
// order's approve / decline, which say who answered and how).
export function TransitionBar({ res, rec, onDone, onStale, hide }) {
  const { toast } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const transitions = (rec.transitions || []).filter((tr) => !hide || !hide.includes(tr.name));
  const run = async (name) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.post(`${res.name}/${rec.id}/transitions/${name}`, { version: rec.version });
      toast(t('request.transition_done', { name: t('transition.' + name) }));
      onDone(r);
    } catch (e) {
      if (e.status === 409 && /changed/.test(e.message)) { toast(t('record.conflict'), 'error'); onStale(); }
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <div class="req-actions" role="toolbar" aria-label={t('actions')}>
        {transitions.length === 0 && <span class="muted">{t('request.no_transitions')}</span>}
        {transitions.map((tr, i) => (
          <button type="button" class={'btn' + (i === 0 ? ' btn-primary' : '')} data-transition={tr.name} disabled={busy}
            onClick={() => run(tr.name)}>
            {t(tr.label)}
          </button>
        ))}
      </div>
      {error && <ErrorBanner error={error} />}
    </>
  );
}
