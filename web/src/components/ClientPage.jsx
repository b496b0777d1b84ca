// Client page: fields, contacts (add/edit/delete inline), equipment units.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { fieldLabel, listColumns, newTitle, recordLabel } from '../meta.js';
import { href } from '../router.js';
import { useApp } from './ctx.js';
import { RecordPage } from './Detail.jsx';
import { RecordForm } from './RecordForm.jsx';
import { RequestsCard } from './RequestHistory.jsx';
import { Confirm, ErrorBanner, FieldValue, Modal, Spinner } from './ui.jsx';

export function useChildren(resName, params, enabled) {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const [more, setMore] = useState(false);
  const load = () => {
    if (!enabled) return;
    setError(null);
    api.get(resName, { ...params, limit: 200 }).then((d) => { setItems(d.items || []); setMore(!!d.next_cursor); }).catch(setError);
  };
  useEffect(load, [resName, JSON.stringify(params), enabled]);
  return { items, error, more, reload: load };
}

export function ChildTable({ res, items, skip, actions }) {
  const cols = listColumns(res).filter((f) => f.name !== skip);
  return (
    <div class="table-wrap">
      <table class="table">
        <thead><tr>{cols.map((f) => <th>{fieldLabel(f)}</th>)}{actions && <th class="col-actions" />}</tr></thead>
        <tbody>
          {items.map((rec) => (
            <tr data-id={rec.id}>
              {cols.map((f, i) => (
                <td>{i === 0 && !actions ? <a href={href(`${res.name}/${rec.id}`)}><FieldValue field={f} record={rec} link={false} /></a> : <FieldValue field={f} record={rec} />}</td>
              ))}
              {actions && <td class="col-actions">{actions(rec)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// A card of a record's children edited in place: add and edit in a dialog,
// remove after a confirmation. editTitle(rec) names the edit dialog (no
// editTitle: rows are only added and removed); deleteName(rec) names the row
// in the confirmation.
export function EditableChildren({ resName, parentField, parentId, id, title, addLabel, hint, emptyText,
  order, editTitle, deleteName, wide = true }) {
  const { meta, toast } = useApp();
  const res = meta.byName[resName];
  const { items, error, reload } = useChildren(resName, { [parentField]: parentId }, !!(res && res.can_read));
  const [editing, setEditing] = useState(null); // {} new, rec edit
  const [deleting, setDeleting] = useState(null);
  const [formKey, setFormKey] = useState(0);
  if (!res || !res.can_read) return null;
  const rows = items && order ? order(items) : items;
  return (
    <section class="card" id={id}>
      <div class="card-head">
        <h2>{title}{items ? <span class="count">{items.length}</span> : null}</h2>
        {res.can_write && <button type="button" class="btn btn-small" onClick={() => setEditing({})}>+ {addLabel}</button>}
      </div>
      {hint && <p class="muted small">{hint}</p>}
      <ErrorBanner error={error} onRetry={error ? reload : null} />
      {!items && !error && <Spinner />}
      {items && items.length === 0 && <div class="empty-inline muted">{emptyText}</div>}
      {rows && rows.length > 0 && (
        <ChildTable res={res} items={rows} skip={parentField}
          actions={(rec) => (
            <span class="row-actions">
              {res.can_write && editTitle && <button type="button" class="btn btn-small btn-link" onClick={() => setEditing(rec)}>{t('edit')}</button>}
              {res.can_delete && <button type="button" class="btn btn-small btn-link danger" onClick={() => setDeleting(rec)}>{t('delete')}</button>}
            </span>
          )} />
      )}
      {editing && (
        <Modal title={editing.id ? editTitle(editing) : newTitle(resName)} onClose={() => setEditing(null)} wide={wide}>
          <RecordForm key={formKey} res={res} record={editing.id ? editing : null} fixed={editing.id ? {} : { [parentField]: parentId }}
            onCancel={() => setEditing(null)}
            onReload={() => api.get(`${resName}/${editing.id}`).then((r) => { setEditing(r); setFormKey((k) => k + 1); })}
            onSaved={() => { toast(editing.id ? t('saved') : t('created')); setEditing(null); reload(); }} />
        </Modal>
      )}
      {deleting && (
        <Confirm title={t('confirm.delete_title')} text={t('confirm.delete_text', { name: deleteName(deleting) })}
          onCancel={() => setDeleting(null)}
          onOk={async () => { await api.del(`${resName}/${deleting.id}`, { version: deleting.version }); setDeleting(null); toast(t('deleted')); reload(); }} />
      )}
    </section>
  );
}

function Contacts({ client }) {
  const { meta } = useApp();
  return (
    <EditableChildren resName="contacts" parentField="client_id" parentId={client.id} id="contacts"
      title={t('client.contacts')} addLabel={t('client.add_contact')} emptyText={t('client.no_contacts')}
      editTitle={(rec) => `${t('contact.edit_title')}: ${rec.name}`}
      deleteName={(rec) => recordLabel(meta.byName.contacts, rec)} />
  );
}

function Units({ client }) {
  const { meta } = useApp();
  const res = meta.byName.equipment_units;
  const { items, error, reload } = useChildren('equipment_units', { client_id: client.id }, !!(res && res.can_read));
  if (!res || !res.can_read) return null;
  return (
    <section class="card" id="units">
      <div class="card-head">
        <h2>{t('client.units')}{items ? <span class="count">{items.length}</span> : null}</h2>
        {res.can_write && <a class="btn btn-small" href={href('equipment_units/new', { client_id: client.id, back: `clients/${client.id}` })}>+ {t('client.add_unit')}</a>}
      </div>
      <ErrorBanner error={error} onRetry={error ? reload : null} />
      {!items && !error && <Spinner />}
      {items && items.length === 0 && <div class="empty-inline muted">{t('client.no_units')}</div>}
      {items && items.length > 0 && <ChildTable res={res} items={items} skip="client_id" />}
    </section>
  );
}

function Contracts({ client }) {
  const { meta } = useApp();
  const res = meta.byName.contracts;
  const { items, error, reload } = useChildren('contracts', { client_id: client.id, sort: '-starts_on' }, !!(res && res.can_read));
  if (!res || !res.can_read) return null;
  return (
    <section class="card" id="contracts">
      <div class="card-head">
        <h2>{t('client.contracts')}{items ? <span class="count">{items.length}</span> : null}</h2>
        {res.can_write && <a class="btn btn-small" href={href('contracts/new', { client_id: client.id, back: `clients/${client.id}` })}>+ {t('client.add_contract')}</a>}
      </div>
      <ErrorBanner error={error} onRetry={error ? reload : null} />
      {!items && !error && <Spinner />}
      {items && items.length === 0 && <div class="empty-inline muted">{t('client.no_contracts')}</div>}
      {items && items.length > 0 && (
        <ChildTable res={{ ...res, fields: res.fields.filter((f) => ['number', 'kind', 'starts_on', 'ends_on', 'status'].includes(f.name)) }} items={items} />
      )}
    </section>
  );
}

export function ClientPage({ res, id }) {
  return (
    <RecordPage res={res} id={id}
      side={(rec) => (
        <>
          <RequestsCard id="client-requests" params={{ client_id: rec.id }} title={t('client.requests')}
            newHref={href('requests/new', { client_id: rec.id, back: `clients/${rec.id}` })} />
          <Contacts client={rec} />
          <Contracts client={rec} />
          <Units client={rec} />
        </>
      )} />
  );
}
