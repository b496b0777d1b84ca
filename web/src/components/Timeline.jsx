// The timeline of a record of any entity that keeps one (meta: timeline):
// its events (a "file" event links its file), the reply / note box and —
// with `upload` — attaching a file, for those who may write. The request
// page and the generic record page both use it.
import { useEffect, useState } from 'preact/hooks';
import { api, request } from '../api.js';
import { t, has, fmtDateTime } from '../i18n/index.js';
import { enumLabel } from '../meta.js';
import { ErrorBanner, Spinner } from './ui.jsx';

export function fmtSize(n) {
  return n < 1024 ? n + ' B' : n < 1048576 ? Math.round(n / 1024) + ' KB' : (n / 1048576).toFixed(1) + ' MB';
}

// The list of events; res gives the labels of states (its "status" field).
export function TimelineList({ items, res }) {
  if (!items.length) return <div class="empty-inline muted">{t('timeline.empty')}</div>;
  const field = (name) => res.fields.find((x) => x.name === name);
  const status = field('status');
  const st = (v) => (status ? enumLabel(status, v) : v);
  const priority = field('priority');
  const pr = (v) => (priority ? enumLabel(priority, v) : v);
  return (
    <ol class="req-timeline">
      {items.map((e) => (
        <li class={'ev ev-' + e.kind + (e.public ? '' : ' ev-private')} data-kind={e.kind}>
          <div class="ev-head">
            <strong>
              {e.kind === 'status' ? t('timeline.status', { from: st(e.from), to: st(e.to) })
                : e.kind === 'assigned' ? t('timeline.assigned', { name: e.body })
                : e.kind === 'not_assigned' ? t('timeline.not_assigned', { name: e.body })
                  : e.kind === 'sla' ? t('timeline.sla', { state: enumLabel(field('sla_state') || {}, e.body) })
                    : e.kind === 'escalated' && e.to ? t('timeline.escalated_priority', { from: pr(e.from), to: pr(e.to) })
                      : t(has(`timeline.${e.kind}.${res.name}`) ? `timeline.${e.kind}.${res.name}` : 'timeline.' + e.kind, { n: e.to })}
            </strong>
            <span class="muted"> · {e.user_name || e.author || '—'} · {fmtDateTime(e.at)}</span>
          </div>
          {(e.kind === 'reply' || e.kind === 'note' || ((e.kind === 'client_reply' || e.kind === 'rating') && e.body)) && <div class="ev-body">{e.body}</div>}
          {e.kind === 'file' && e.attachment && (
            <div class="ev-filelink">
              <a href={e.attachment.url} download={e.body} data-file={e.attachment.id}>{e.body}</a>
              <span class="muted small"> {fmtSize(e.attachment.size)}</span>
            </div>
          )}
          {((e.kind === 'file' && !e.attachment) || e.kind === 'attachment_skipped' || e.kind === 'message' || ((e.kind === 'qc' || e.kind === 'shipment_received') && e.body)) && <div class="muted">{e.body}</div>}
        </li>
      ))}
    </ol>
  );
}

// The card: loads GET <res>/<id>/timeline again whenever `reload` changes;
// the box posts to …/comments. `box` (a ref) lets the page focus it;
// `insert` ({text, n}) appends a text as a public reply (a suggested article).
// A file sent as the upload's body; shown to the client (a public event)
// when asked and the entity has a public page.
function FileUpload({ res, id, onDone }) {
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState(false);
  const [error, setError] = useState(null);
  const upload = async (e) => {
    const file = e.currentTarget.files[0];
    e.currentTarget.value = '';
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const q = `?name=${encodeURIComponent(file.name)}${shown ? '&public=1' : ''}`;
      await request('POST', `/api/v1/${res.name}/${id}/attachments${q}`, undefined,
        { rawBody: file, headers: { 'Content-Type': file.type || 'application/octet-stream' } });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="file-upload">
      {error && <ErrorBanner error={error} />}
      <label class="btn btn-small file-btn">
        {busy ? t('saving') : '+ ' + t('attachments.add')}
        <input type="file" name="attachment" accept=".pdf,.jpg,.jpeg,.png,.txt" onChange={upload} disabled={busy} />
      </label>
      {res.public_view && (
        <label class="check small">
          <input type="checkbox" name="file_public" checked={shown} onChange={(e) => setShown(e.currentTarget.checked)} /> {t('attachments.public')}
        </label>
      )}
    </div>
  );
}

export function TimelineCard({ res, id, reload = 0, box, insert, upload = false }) {
  const [events, setEvents] = useState(null);
  const [error, setError] = useState(null);
  const [text, setText] = useState('');
  // a record without a public page (a purchase order, a shipment) has no
  // client to answer: notes only
  const canReply = !!res.public_view;
  const [isPublic, setPublic] = useState(canReply);
  const [busy, setBusy] = useState(false);
  const [sendError, setSendError] = useState(null);
  const load = () => { setError(null); api.get(`${res.name}/${id}/timeline`).then((d) => setEvents(d.items)).catch(setError); };
  useEffect(load, [res.name, id, reload]);
  useEffect(() => {
    if (!insert || !insert.text) return;
    setPublic(canReply);
    setText((x) => (x ? x + '\n\n' : '') + insert.text);
    if (box && box.current) box.current.focus();
  }, [insert && insert.n]);

  const send = async (e) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setSendError(null);
    try {
      await api.post(`${res.name}/${id}/comments`, { body: text, public: isPublic });
      setText('');
      load();
    } catch (err) {
      setSendError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" data-timeline={res.name}>
      <h2 class="card-title">{t('request.timeline')}</h2>
      {error ? <ErrorBanner error={error} onRetry={load} /> : events ? <TimelineList items={events} res={res} /> : <Spinner />}
      {sendError && <ErrorBanner error={sendError} />}
      {res.can_write && (
        <form class={'reply-box ' + (isPublic ? 'reply-public' : 'reply-note')} data-mode={isPublic ? 'reply' : 'note'} onSubmit={send}>
          {canReply && <div class="seg" role="group">
            <button type="button" class={isPublic ? 'active' : ''} aria-pressed={isPublic ? 'true' : 'false'} onClick={() => setPublic(true)}>{t('request.reply')}</button>
            <button type="button" class={!isPublic ? 'active' : ''} aria-pressed={!isPublic ? 'true' : 'false'} onClick={() => setPublic(false)}>{t('request.note')}</button>
          </div>}
          <textarea ref={box} class="input" rows={3} name="comment" placeholder={t('request.comment_placeholder')}
            value={text} onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) send(e); }} />
          <div class="form-actions">
            <span class="small reply-mode-hint">{t(isPublic ? 'request.reply_hint' : 'request.note_hint')}</span>
            <button type="submit" class="btn btn-primary" disabled={busy || !text.trim()}>{t(isPublic ? 'request.send_reply' : 'request.send_note')}</button>
          </div>
        </form>
      )}
      {res.can_write && upload && <FileUpload res={res} id={id} onDone={load} />}
    </section>
  );
}
