// The bell: unread notifications, polled every 30 seconds; opening one marks
// it read and goes to its record.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { t, fmtDateTime } from '../i18n/index.js';
import { navigate } from '../router.js';

export function Bell() {
  const [data, setData] = useState({ items: [], unread: 0 });
  const [open, setOpen] = useState(false);
  const box = useRef();
  const load = () => api.get('notifications').then(setData).catch(() => {});
  useEffect(() => {
    load();
    const id = setInterval(load, 30000);
    const onDoc = (e) => { if (box.current && !box.current.contains(e.target)) setOpen(false); };
    document.addEventListener('mousedown', onDoc);
    return () => { clearInterval(id); document.removeEventListener('mousedown', onDoc); };
  }, []);
  const go = async (n) => {
    setOpen(false);
    if (!n.read_at) await api.post('notifications/read', { ids: [n.id] }).catch(() => {});
    load();
    if (n.entity && n.record_id) navigate(`${n.entity}/${n.record_id}`);
  };
  const readAll = async () => { await api.post('notifications/read', { all: true }).catch(() => {}); load(); };
  return (
    <div class="bell" ref={box}>
      <button type="button" class="icon-btn bell-btn" aria-label={t('bell.title')} aria-expanded={open ? 'true' : 'false'}
        onClick={() => { setOpen(!open); if (!open) load(); }}>
        <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
          <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" /><path d="M13.7 21a2 2 0 0 1-3.4 0" />
        </svg>
        {data.unread > 0 && <span class="bell-count" data-count={data.unread}>{data.unread > 99 ? '99+' : data.unread}</span>}
      </button>
      {open && (
        <div class="bell-menu" role="menu">
          <div class="bell-head">
            <strong>{t('bell.title')}</strong>
            {data.unread > 0 && <button type="button" class="btn btn-small btn-ghost" onClick={readAll}>{t('bell.read_all')}</button>}
          </div>
          {!data.items.length && <div class="muted bell-empty">{t('bell.empty')}</div>}
          <ul>
            {data.items.map((n) => (
              <li class={n.read_at ? '' : 'unread'}>
                <button type="button" role="menuitem" onClick={() => go(n)}>
                  <span class="bell-kind">{t('bell.kind.' + n.kind)}</span>
                  <span class="bell-title">{n.title}</span>
                  <span class="muted small">{fmtDateTime(n.created_at)}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
