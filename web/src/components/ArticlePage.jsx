// Knowledge article page: the answer, and the equipment models it applies to
// besides its own (added and removed inline). Requests on any of them get the
// article suggested.
import { t } from '../i18n/index.js';
import { EditableChildren } from './ClientPage.jsx';
import { FieldsGrid, RecordPage } from './Detail.jsx';

function Models({ article }) {
  return (
    <EditableChildren resName="article_models" parentField="article_id" parentId={article.id} id="models"
      title={t('article.models')} addLabel={t('article.add_model')} hint={t('article.models_hint')} emptyText={t('article.no_models')}
      deleteName={(rec) => rec.model_id_label || ''} wide={false} />
  );
}

export function ArticlePage({ res, id }) {
  const fields = res.fields.filter((f) => f.name !== 'body' && f.name !== 'title');
  return (
    <RecordPage res={res} id={id}
      main={(rec) => (
        <>
          <p class="req-description">{rec.body}</p>
          <FieldsGrid res={{ ...res, fields }} rec={rec} />
        </>
      )}
      side={(rec) => <Models article={rec} />} />
  );
}
