// Views of a list: ready-made ones for requests ("mine", "new", "overdue",
// "waiting for the client") and the user's own saved views of any list.
import { useEffect, useState } from 'preact/hooks';
import { api, qs } from '../api.js';
import { t } from '../i18n/index.js';
import { navigate } from '../router.js';
import { useApp } from './ctx.js';

function queryString(query) {
  return qs(query).replace(/^\?/, '');
}

function parse(s) {
  const out = {};
  for (const [k, v] of new URLSearchParams(s)) out[k] = v;
  return out;
}

export function ViewsBar({ res, query }) {
  const { session, toast } = useApp();
  const [saved, setSaved] = useState([]);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [counts, setCounts] = useState(null);
  const current = queryString(query);
  const load = () => api.get('saved_views', { resource: res.name, sort: 'name', limit: 50 }).then((d) => setSaved(d.items)).catch(() => setSaved([]));
  useEffect(() => { load(); }, [res.name]);
  useEffect(() => {
    if (res.name !== 'requests') return undefined;
    const get = () => api.get('desk/counters').then(setCounts).catch(() => {});
    get();
    const id = setInterval(get, 30000);
    return () => clearInterval(id);
  }, [res.name, current]);
  const me = session.user && session.user.id;
  // the open states come from the workflow in /api/v1/meta
  const open = ((res.workflow && res.workflow.states) || []).filter((s) => s.category === 'open').map((s) => s.name).join(',');
  // requests open with the open ones (ListView's default); "all" shows every state
  const openCount = counts ? ((res.workflow && res.workflow.states) || []).filter((s) => s.category === 'open')
    .reduce((n, s) => n + (counts.status[s.name] || 0), 0) : null;
  const presets = res.name === 'requests' ? [
    { key: 'mine', name: t('views.mine'), query: { assignee_id: me, status: open }, count: counts && counts.mine_open },
    { key: 'new', name: t('views.new'), query: { status: 'new' }, count: counts && counts.status.new },
    { key: 'overdue', name: t('views.overdue'), query: { sla_state: 'breached', status: open }, count: counts && counts.overdue, hot: true },
    { key: 'waiting_client', name: t('views.waiting_client'), query: { status: 'waiting_client' }, count: counts && counts.status.waiting_client },
  ] : [];
  const first = res.name === 'requests'
    ? [{ key: 'open', name: t('views.open'), query: {}, count: openCount }, { key: 'all', name: t('views.all'), query: { all: '1' } }]
    : [{ key: 'all', name: t('views.all'), query: {} }];
  const chip = (v, extra) => {
    const q = typeof v.query === 'string' ? v.query : queryString(v.query);
    return (
      <span class={'chip' + (q === current ? ' active' : '')} data-view={v.key}>
        <button type="button" onClick={() => navigate(res.name, typeof v.query === 'string' ? parse(v.query) : v.query)}>
          {v.name}{v.count ? <span class={'chip-count' + (v.hot ? ' chip-count-hot' : '')}>{v.count}</span> : null}
        </button>
        {extra}
      </span>
    );
  };
  const save = async (e) => {
    e.preventDefault();
    try {
      await api.post('saved_views', { resource: res.name, name, query: current || 'sort=-id' });
      setNaming(false);
      setName('');
      load();
    } catch (err) {
      toast(err.message, 'error');
    }
  };
  return (
    <div class="views-bar" role="toolbar" aria-label={t('views.title')}>
      {first.map((p) => chip(p))}
      {presets.map((p) => chip(p))}
      {saved.map((v) => chip(v, (
        <button type="button" class="chip-x" aria-label={t('delete')} title={t('delete')}
          onClick={async () => { await api.del(`saved_views/${v.id}`).catch(() => {}); load(); }}>×</button>
      )))}
      {naming ? (
        <form class="chip-form" onSubmit={save}>
          <input class="input" name="view-name" autoFocus placeholder={t('views.name')} value={name} onInput={(e) => setName(e.currentTarget.value)}
            onKeyDown={(e) => { if (e.key === 'Escape') setNaming(false); }} />
          <button type="submit" class="btn btn-small btn-primary" disabled={!name.trim()}>{t('save')}</button>
        </form>
      ) : current && <button type="button" class="btn btn-small views-save" onClick={() => setNaming(true)}>+ {t('views.save')}</button>}
    </div>
  );
}
