// Knowledge article page: the answer, and the equipment models it applies to
// besides its own (added and removed inline). Requests on any of them get the
// article suggested.
import { t } from '../i18n/index.js';
import { EditableChildren } from './ClientPage.jsx';
import { FieldsGrid, RecordHead, RecordMeta, useRecord } from './Detail.jsx';
import { ErrorBanner, Spinner } from './ui.jsx';

function Models({ article }) {
  return (
    <EditableChildren resName="article_models" parentField="article_id" parentId={article.id} id="models"
      title={t('article.models')} addLabel={t('article.add_model')} hint={t('article.models_hint')} emptyText={t('article.no_models')}
      deleteName={(rec) => rec.model_id_label || ''} wide={false} />
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
