// Contract page: the contract, its SLA terms (add, edit, remove inline) and
// the requests served under it.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { enumLabel, newTitle } from '../meta.js';
import { href } from '../router.js';
import { ChildTable, useChildren } from './ClientPage.jsx';
import { useApp } from './ctx.js';
import { FieldsGrid, RecordHead, RecordMeta, useRecord } from './Detail.jsx';
import { RecordForm } from './RecordForm.jsx';
import { Confirm, ErrorBanner, Modal, Spinner } from './ui.jsx';

const PRIORITY_ORDER = ['urgent', 'high', 'normal', 'low'];

function Terms({ contract }) {
  const { meta, toast } = useApp();
  const res = meta.byName.contract_sla_terms;
  const { items, error, reload } = useChildren('contract_sla_terms', { contract_id: contract.id }, !!(res && res.can_read));
  const [editing, setEditing] = useState(null); // {} new, rec edit
  const [deleting, setDeleting] = useState(null);
  const [formKey, setFormKey] = useState(0);
  if (!res || !res.can_read) return null;
  const prio = res.fields.find((f) => f.name === 'priority');
  const sorted = items && [...items].sort((a, b) => PRIORITY_ORDER.indexOf(a.priority) - PRIORITY_ORDER.indexOf(b.priority));
  return (
    <section class="card" id="terms">
      <div class="card-head">
        <h2>{t('contract.terms')}{items ? <span class="count">{items.length}</span> : null}</h2>
        {res.can_write && <button type="button" class="btn btn-small" onClick={() => setEditing({})}>+ {t('contract.add_term')}</button>}
      </div>
      <p class="muted small">{t('contract.terms_hint')}</p>
      <ErrorBanner error={error} onRetry={error ? reload : null} />
      {!items && !error && <Spinner />}
      {items && items.length === 0 && <div class="empty-inline muted">{t('contract.no_terms')}</div>}
      {sorted && sorted.length > 0 && (
        <ChildTable res={res} items={sorted} skip="contract_id"
          actions={(rec) => (
            <span class="row-actions">
              {res.can_write && <button type="button" class="btn btn-small btn-link" onClick={() => setEditing(rec)}>{t('edit')}</button>}
              {res.can_delete && <button type="button" class="btn btn-small btn-link danger" onClick={() => setDeleting(rec)}>{t('delete')}</button>}
            </span>
          )} />
      )}
      {editing && (
        <Modal title={editing.id ? `${t('contract.term')}: ${enumLabel(prio, editing.priority)}` : newTitle('contract_sla_terms')} onClose={() => setEditing(null)} wide>
          <RecordForm key={formKey} res={res} record={editing.id ? editing : null} fixed={editing.id ? {} : { contract_id: contract.id }}
            onCancel={() => setEditing(null)}
            onReload={() => api.get(`contract_sla_terms/${editing.id}`).then((r) => { setEditing(r); setFormKey((k) => k + 1); })}
            onSaved={() => { toast(editing.id ? t('saved') : t('created')); setEditing(null); reload(); }} />
        </Modal>
      )}
      {deleting && (
        <Confirm title={t('confirm.delete_title')} text={t('confirm.delete_text', { name: enumLabel(prio, deleting.priority) })}
          onCancel={() => setDeleting(null)}
          onOk={async () => { await api.del(`contract_sla_terms/${deleting.id}`, { version: deleting.version }); setDeleting(null); toast(t('deleted')); reload(); }} />
      )}
    </section>
  );
}

// the request columns that fit beside the contract
const SHOWN = ['number', 'status', 'priority', 'subject', 'sla_state', 'resolution_due'];

function Requests({ contract }) {
  const { meta } = useApp();
  const res = meta.byName.requests;
  const { items, error, more, reload } = useChildren('requests', { contract_id: contract.id }, !!(res && res.can_read));
  if (!res || !res.can_read) return null;
  return (
    <section class="card" id="requests">
      <div class="card-head">
        <h2>{t('contract.requests')}{items ? <span class="count">{items.length}{more ? '+' : ''}</span> : null}</h2>
        {res.can_write && (
          <a class="btn btn-small" href={href('requests/new', { client_id: contract.client_id, contract_id: contract.id, back: `contracts/${contract.id}` })}>
            + {t('contract.add_request')}
          </a>
        )}
      </div>
      <ErrorBanner error={error} onRetry={error ? reload : null} />
      {!items && !error && <Spinner />}
      {items && items.length === 0 && <div class="empty-inline muted">{t('contract.no_requests')}</div>}
      {items && items.length > 0 && <ChildTable res={{ ...res, fields: res.fields.filter((f) => SHOWN.includes(f.name)) }} items={items} />}
      {more && <a href={href('requests', { contract_id: contract.id })}>{t('gsearch.all')}</a>}
    </section>
  );
}

export function ContractPage({ res, id }) {
  const { rec, error, loading, reload } = useRecord(res.name, id);
  if (loading && !rec) return <div class="page"><Spinner /></div>;
  if (error) return <div class="page"><ErrorBanner error={error} onRetry={reload} /></div>;
  const status = res.fields.find((f) => f.name === 'status');
  return (
    <div class="page">
      <RecordHead res={res} rec={rec}>
        <span class={'badge contract-' + rec.status}>{status ? enumLabel(status, rec.status) : rec.status}</span>
      </RecordHead>
      <div class="client-layout contract-layout">
        <section class="card">
          <FieldsGrid res={res} rec={rec} />
          <RecordMeta rec={rec} />
        </section>
        <div class="client-side">
          <Terms contract={rec} />
          <Requests contract={rec} />
        </div>
      </div>
    </div>
  );
}
