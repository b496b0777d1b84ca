// App shell: top bar (brand, global search, language, user, logout) and navigation.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { resourceTitle } from '../meta.js';
import { href, navigate } from '../router.js';
import { Bell } from './Bell.jsx';
import { isTyping, shortcutKey } from './ctx.js';
import { Modal } from './ui.jsx';

export function LangSwitch({ lang, setLang }) {
  return (
    <div class="lang-switch" role="group" aria-label={t('shell.lang')}>
      {['ru', 'en'].map((l) => (
        <button type="button" class={lang === l ? 'active' : ''} aria-pressed={lang === l ? 'true' : 'false'} onClick={() => setLang(l)}>{l.toUpperCase()}</button>
      ))}
    </div>
  );
}

const GROUPS = [
  { key: 'desk', items: ['requests', 'workload', 'consultation', 'articles', 'reports'] },
  { key: 'workshop', items: ['repair_orders', 'shipments', 'shipments_overdue', 'loaner_issues', 'loaners', 'service_types', 'works', 'qc_settings', 'service_partners'] },
  { key: 'clients', items: ['clients', 'contacts'] },
  { key: 'sales', items: ['contracts'] },
  { key: 'equipment', items: ['equipment_units', 'equipment_models'] },
  { key: 'stock', items: ['stock', 'parts', 'warehouses', 'stock_receipt', 'stock_counts', 'stock_rules', 'bins'] },
  { key: 'purchasing', items: ['purchase_orders', 'stock_replenish', 'suppliers', 'supplier_returns', 'supplier_prices'] },
  { key: 'settings', items: ['routing_rules', 'sla_policies', 'business_calendars', 'calendar_days', 'message_templates', 'company'] },
  { key: 'admin', items: ['branches', 'users', 'tokens', 'audit', 'outbox'] },
];

export function navGroups(meta, special) {
  // terms are kept on their contract's page
  const known = new Set([...GROUPS.flatMap((g) => g.items), 'saved_views', 'contract_sla_terms', 'article_models',
    'part_barcodes', 'part_models', 'part_analogs', 'qc_checklists', 'qc_checklist_items', 'shipment_items',
    'supplier_contacts', 'repair_order_lines', 'repair_time_logs']);
  const ok = (n) => (special[n] !== undefined ? special[n] : !!(meta.byName[n] && meta.byName[n].can_read));
  const groups = GROUPS.map((g) => ({ key: g.key, items: g.items.filter(ok) }));
  const other = meta.list.filter((r) => !known.has(r.name) && r.can_read).map((r) => r.name);
  if (other.length) groups.push({ key: 'other', items: other });
  return groups.filter((g) => g.items.length);
}

// The shortcuts, by physical key: they work on the Russian layout too.
const SHORTCUTS = [['/', 'keys.search'], ['n', 'keys.new'], ['j', 'keys.down'], ['k', 'keys.up'], ['Enter', 'keys.open'],
  ['r', 'keys.reply'], ['a', 'keys.assign'], ['?', 'keys.help'], ['Esc', 'keys.close']];

function ShortcutsHelp({ onClose }) {
  return (
    <Modal title={t('keys.title')} onClose={onClose}>
      <table class="table shortcuts" data-shortcuts>
        <tbody>
          {SHORTCUTS.map(([k, label]) => <tr><td><kbd class="kbd">{k}</kbd></td><td>{t(label)}</td></tr>)}
        </tbody>
      </table>
      <p class="muted small">{t('keys.layout_note')}</p>
    </Modal>
  );
}

export function Shell({ session, meta, special, current, lang, setLang, onLogout, children, searchText }) {
  const [navOpen, setNavOpen] = useState(false);
  const [help, setHelp] = useState(false);
  const [q, setQ] = useState(searchText || '');
  const searchRef = useRef();
  useEffect(() => setQ(searchText || ''), [searchText]);
  useEffect(() => { setNavOpen(false); setHelp(false); }, [current]);
  useEffect(() => {
    const onKey = (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e) || document.querySelector('.modal')) return;
      const k = shortcutKey(e);
      if (k === '?') { e.preventDefault(); setHelp(true); }
      else if (k === '/') { e.preventDefault(); searchRef.current && searchRef.current.focus(); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const user = session.user || {};
  const groups = navGroups(meta, special);
  return (
    <div class={'app' + (navOpen ? ' nav-open' : '')}>
      <header class="topbar">
        <button type="button" class="icon-btn nav-toggle" aria-label={t('shell.menu')} aria-expanded={navOpen ? 'true' : 'false'} onClick={() => setNavOpen(!navOpen)}>☰</button>
        <a class="brand" href="#/"><img src="/favicon.svg" alt="" width="22" height="22" /><span>Servitor</span></a>
        <form class="global-search" role="search" onSubmit={(e) => { e.preventDefault(); const v = q.trim(); if (v) navigate('search', { q: v }); }}>
          <input ref={searchRef} type="search" class="input" placeholder={t('shell.search')} aria-label={t('search')} title={t('shell.search_hint')}
            value={q} onInput={(e) => setQ(e.currentTarget.value)} onKeyDown={(e) => { if (e.key === 'Escape') e.currentTarget.blur(); }} />
          <kbd class="kbd">/</kbd>
        </form>
        <button type="button" class="icon-btn keys-btn" aria-label={t('keys.title')} title={t('keys.title') + ' (?)'} onClick={() => setHelp(true)}>?</button>
        <div class="topbar-right">
          <Bell />
          <LangSwitch lang={lang} setLang={setLang} />
          <span class="user-name" title={user.login}>{user.name || user.login}</span>
          <button type="button" class="btn btn-small btn-ghost" onClick={onLogout}>{t('shell.logout')}</button>
        </div>
      </header>
      <nav class="sidenav" aria-label="main">
        {groups.map((g) => (
          <div class="nav-group">
            <div class="nav-group-title">{t('nav.group.' + g.key)}</div>
            {g.items.map((n) => (
              <a href={href(n)} class={'nav-item' + (current === n ? ' active' : '')} aria-current={current === n ? 'page' : undefined}>
                {resourceTitle(n)}
              </a>
            ))}
          </div>
        ))}
      </nav>
      <div class="nav-scrim" onClick={() => setNavOpen(false)} />
      <main class="main">
        <div class="print-only print-header">{meta.company || 'Servitor'}</div>
        {children}
      </main>
      {help && <ShortcutsHelp onClose={() => setHelp(false)} />}
    </div>
  );
}
