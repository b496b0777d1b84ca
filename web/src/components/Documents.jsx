// The printed documents of a record (/api/v1/meta: an entity's documents the
// user may print): a link per document that opens its PDF in a new tab.
import { t } from '../i18n/index.js';

export function DocumentLinks({ res, rec }) {
  // a document printed in some states only (the completion act: ready or
  // issued) is not offered before
  const docs = (res.documents || []).filter((d) => !d.states || (rec && d.states.includes(rec.status)));
  if (!docs.length || !rec || !rec.id) return null;
  return (
    <span class="doc-links" role="group" aria-label={t('documents.print')}>
      {docs.map((d) => (
        <a class="btn" data-document={d.name} target="_blank" rel="noopener"
          href={`/api/v1/${res.name}/${rec.id}/documents/${d.name}.pdf`}
          title={t('documents.pdf_hint')}>
          {t(d.label)} <span class="muted">PDF</span>
        </a>
      ))}
    </span>
  );
}
