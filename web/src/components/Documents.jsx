// The printed documents of a record (/api/v1/meta: an entity's documents the
// user may print): a link per document that opens its PDF in a new tab; and
// the documents of the record numbered so far (GET …/documents): a document
// takes its number on its first print and keeps it on reprints.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, fmtDateTime } from '../i18n/index.js';

const PRINTED = 'servitor:document-printed';

export function DocumentLinks({ res, rec }) {
  // a document printed in some states only (the completion act: ready or
  // issued) is not offered before
  const docs = (res.documents || []).filter((d) => !d.states || (rec && d.states.includes(rec.status)));
  if (!docs.length || !rec || !rec.id) return null;
  // the list below learns of a print once the PDF had time to be made
  const printed = () => setTimeout(() => window.dispatchEvent(new Event(PRINTED)), 1500);
  return (
    <span class="doc-links" role="group" aria-label={t('documents.print')}>
      {docs.map((d) => (
        <a class="btn" data-document={d.name} target="_blank" rel="noopener" onClick={printed}
          href={`/api/v1/${res.name}/${rec.id}/documents/${d.name}.pdf`}
          title={t('documents.pdf_hint')}>
          {t(d.label)} <span class="muted">PDF</span>
        </a>
      ))}
    </span>
  );
}

export function IssuedDocuments({ res, rec }) {
  const [items, setItems] = useState(null);
  const has = (res.documents || []).length > 0 && rec && rec.id;
  useEffect(() => {
    if (!has) return undefined;
    const load = () => api.get(`${res.name}/${rec.id}/documents`).then((d) => setItems(d.items || [])).catch(() => setItems([]));
    load();
    window.addEventListener(PRINTED, load);
    window.addEventListener('focus', load);
    return () => { window.removeEventListener(PRINTED, load); window.removeEventListener('focus', load); };
  }, [res.name, rec && rec.id]);
  if (!has || items === null) return null;
  return (
    <section class="card issued-docs" data-testid="issued-documents">
      <h2 class="card-title">{t('documents.issued')}</h2>
      {items.length === 0 ? <p class="muted">{t('documents.issued_none')}</p> : (
        <div class="table-wrap">
          <table class="table">
            <thead><tr><th>{t('documents.document')}</th><th>{t('documents.number')}</th><th>{t('documents.issued_at')}</th></tr></thead>
            <tbody>
              {items.map((d) => (
                <tr data-document={d.document}>
                  <td><a href={`/api/v1/${res.name}/${rec.id}/documents/${d.document}.pdf`} target="_blank" rel="noopener">{t(d.label)}</a></td>
                  <td class="nowrap" data-number>{d.number}</td>
                  <td>{fmtDateTime(d.issued_at)}{d.issued_by_name && <div class="muted">{d.issued_by_name}</div>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
