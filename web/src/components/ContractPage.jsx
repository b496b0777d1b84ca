// Contract page: the contract, its SLA terms (add, edit, remove inline) and
// the requests served under it.
import { t } from '../i18n/index.js';
import { enumLabel } from '../meta.js';
import { href } from '../router.js';
import { ChildTable, EditableChildren, useChildren } from './ClientPage.jsx';
import { useApp } from './ctx.js';
import { RecordPage } from './Detail.jsx';
import { ErrorBanner, Spinner } from './ui.jsx';

function Terms({ contract }) {
  const { meta } = useApp();
  const res = meta.byName.contract_sla_terms;
  const prio = res && res.fields.find((f) => f.name === 'priority');
  // the most urgent first: the server lists priorities lowest first
  const rank = (p) => -((prio && prio.enum) || []).indexOf(p);
  return (
    <EditableChildren resName="contract_sla_terms" parentField="contract_id" parentId={contract.id} id="terms"
      title={t('contract.terms')} addLabel={t('contract.add_term')} hint={t('contract.terms_hint')} emptyText={t('contract.no_terms')}
      order={(items) => [...items].sort((a, b) => rank(a.priority) - rank(b.priority))}
      editTitle={(rec) => `${t('contract.term')}: ${enumLabel(prio, rec.priority)}`}
      deleteName={(rec) => enumLabel(prio, rec.priority)} />
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
  const status = res.fields.find((f) => f.name === 'status');
  return (
    <RecordPage res={res} id={id} layout="contract-layout"
      head={(rec) => <span class={'badge contract-' + rec.status}>{status ? enumLabel(status, rec.status) : rec.status}</span>}
      side={(rec) => (
        <>
          <Terms contract={rec} />
          <Requests contract={rec} />
        </>
      )} />
  );
}
