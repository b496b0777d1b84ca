// Knowledge article page: the answer, and the equipment models it applies to
// besides its own (added and removed inline). Requests on any of them get the
// article suggested.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { newTitle } from '../meta.js';
import { ChildTable, useChildren } from './ClientPage.jsx';
import { useApp } from './ctx.js';
import { FieldsGrid, RecordHead, RecordMeta, useRecord } from './Detail.jsx';
import { RecordForm } from './RecordForm.jsx';
import { Confirm, ErrorBanner, Modal, Spinner } from './ui.jsx';

function Models({ article }) {
  const { meta, toast } = useApp();
  const res = meta.byName.article_models;
  const { items, error, reload } = useChildren('article_models', { article_id: article.id }, !!(res && res.can_read));
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState(null);
  if (!res || !res.can_read) return null;
  return (
    <section class="card" id="models">
      <div class="card-head">
        <h2>{t('article.models')}{items ? <span class="count">{items.length}</span> : null}</h2>
        {res.can_write && <button type="button" class="btn btn-small" onClick={() => setAdding(true)}>+ {t('article.add_model')}</button>}
      </div>
      <p class="muted small">{t('article.models_hint')}</p>
      <ErrorBanner error={error} onRetry={error ? reload : null} />
      {!items && !error && <Spinner />}
      {items && items.length === 0 && <div class="empty-inline muted">{t('article.no_models')}</div>}
      {items && items.length > 0 && (
        <ChildTable res={res} items={items} skip="article_id"
          actions={(rec) => res.can_delete && (
            <button type="button" class="btn btn-small btn-link danger" onClick={() => setRemoving(rec)}>{t('delete')}</button>
          )} />
      )}
      {adding && (
        <Modal title={newTitle('article_models')} onClose={() => setAdding(false)}>
          <RecordForm res={res} fixed={{ article_id: article.id }} onCancel={() => setAdding(false)}
            onSaved={() => { toast(t('created')); setAdding(false); reload(); }} />
        </Modal>
      )}
      {removing && (
        <Confirm title={t('confirm.delete_title')} text={t('confirm.delete_text', { name: removing.model_id_label || '' })}
          onCancel={() => setRemoving(null)}
          onOk={async () => { await api.del(`article_models/${removing.id}`, { version: removing.version }); setRemoving(null); toast(t('deleted')); reload(); }} />
      )}
    </section>
  );
}

export function ArticlePage({ res, id }) {
  const { rec, error, loading, reload } = useRecord(res.name, id);
  if (loading && !rec) return <div class="page"><Spinner /></div>;
  if (error) return <div class="page"><ErrorBanner error={error} onRetry={reload} /></div>;
  return (
    <div class="page">
      <RecordHead res={res} rec={rec} />
      <div class="client-layout">
        <section class="card">
          <p class="req-description">{rec.body}</p>
          <FieldsGrid res={{ ...res, fields: res.fields.filter((f) => f.name !== 'body' && f.name !== 'title') }} rec={rec} />
          <RecordMeta rec={rec} />
        </section>
        <div class="client-side">
          <Models article={rec} />
        </div>
      </div>
    </div>
  );
}
