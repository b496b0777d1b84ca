import './styles.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, auth, onUnauthorized, setCsrfToken } from './api.js';
import { getLang, setLang as storeLang, t } from './i18n/index.js';
import { normaliseMeta } from './meta.js';
import { navigate, useRoute } from './router.js';
import { AuditPage } from './components/AuditPage.jsx';
import { ArticlePage } from './components/ArticlePage.jsx';
import { ClientPage } from './components/ClientPage.jsx';
import { ContractPage } from './components/ContractPage.jsx';
import { AppCtx } from './components/ctx.js';
import { DetailPage, FormPage } from './components/Detail.jsx';
import { ListView } from './components/ListView.jsx';
import { CompanyPage, OutboxPage, TemplatePage } from './components/MessagesPages.jsx';
import { Login } from './components/Login.jsx';
import { SearchPage } from './components/SearchPage.jsx';
import { Shell } from './components/Shell.jsx';
import { TokensPage } from './components/TokensPage.jsx';
import { ConsultationPage } from './components/ConsultationPage.jsx';
import { ViewsBar } from './components/ViewsBar.jsx';
import { WorkloadPage } from './components/WorkloadPage.jsx';
import { ReportsPage } from './components/ReportsPage.jsx';
import { PublicRequest, PublicStatus } from './components/PublicPages.jsx';
import { RequestPage } from './components/RequestPage.jsx';
import { CountPage, PartPage, ReceiptPage, StockFind, WarehousePage } from './components/StockPages.jsx';
import { ReplenishPage } from './components/StockReplenish.jsx';
import { SupplierPage } from './components/PurchasingPages.jsx';
import { PurchaseOrderPage, SupplierReturnPage } from './components/PurchasePages.jsx';
import { UnitPage } from './components/UnitPage.jsx';
import { OverdueShipmentsPage, QcSettingsPage, ShipmentPage } from './components/Workshop.jsx';
import { RepairOrderPage } from './components/RepairOrders.jsx';
import { ErrorBanner, Spinner, Toasts } from './components/ui.jsx';

function specialPages(session) {
  const perms = session.permissions || [];
  const role = session.user && session.user.role;
  const any = (area) => perms.some((p) => p === area || p.startsWith(area + '.'));
  return {
    tokens: any('tokens') || (!perms.length && role === 'admin'),
    consultation: perms.includes('requests.work'),
    workload: perms.includes('requests.read'),
    reports: perms.includes('reports.read'),
    audit: any('audit') || (!perms.length && (role === 'admin' || role === 'auditor')),
    company: perms.includes('messages.settings'),
    outbox: perms.includes('messages.outbox'),
    stock: perms.includes('stock.read'),
    stock_receipt: perms.includes('stock.write'),
    qc_settings: perms.includes('workshop.read'),
    shipments_overdue: perms.includes('workshop.read'),
    stock_replenish: perms.includes('purchasing.read'),
  };
}

function Page({ route, meta, special }) {
  const [a, b, c] = route.parts;
  const q = route.query;
  if (!a) {
    const first = ['requests', 'clients', ...meta.list.map((r) => r.name)].find((n) => meta.byName[n] && meta.byName[n].can_read);
    return first ? <Redirect to={first} /> : <Forbidden />;
  }
  if (a === 'search') return <SearchPage query={q} />;
  if (a === 'workload') return special.workload ? <WorkloadPage /> : <Forbidden />;
  if (a === 'reports') return special.reports ? <ReportsPage name={b} query={q} /> : <Forbidden />;
  if (a === 'consultation') return special.consultation ? <ConsultationPage /> : <Forbidden />;
  if (a === 'tokens') return special.tokens ? <TokensPage /> : <Forbidden />;
  if (a === 'audit') return special.audit ? <AuditPage query={q} /> : <Forbidden />;
  if (a === 'company') return special.company ? <CompanyPage /> : <Forbidden />;
  if (a === 'outbox') return special.outbox ? <OutboxPage query={q} /> : <Forbidden />;
  if (a === 'stock') return special.stock ? <StockFind key={JSON.stringify(q)} query={q} /> : <Forbidden />;
  if (a === 'qc_settings') return special.qc_settings ? <QcSettingsPage /> : <Forbidden />;
  if (a === 'shipments_overdue') return special.shipments_overdue ? <OverdueShipmentsPage /> : <Forbidden />;
  if (a === 'stock_receipt') return special.stock_receipt ? <ReceiptPage query={q} /> : <Forbidden />;
  if (a === 'stock_replenish') return special.stock_replenish ? <ReplenishPage query={q} /> : <Forbidden />;
  const res = meta.byName[a];
  if (!res) return <div class="page"><ErrorBanner>{t('not_found_page')}</ErrorBanner></div>;
  if (!res.can_read) return <Forbidden />;
  if (!b) return <><ViewsBar res={res} query={q} /><ListView key={a} res={res} query={q} /></>;
  if (b === 'new') return <FormPage key={a + '/new'} res={res} query={q} />;
  if (c === 'edit') return <FormPage key={a + '/' + b + '/edit'} res={res} id={b} query={q} />;
  if (a === 'clients') return <ClientPage key={b} res={res} id={b} query={q} />;
  if (a === 'contracts') return <ContractPage key={b} res={res} id={b} query={q} />;
  if (a === 'articles') return <ArticlePage key={b} res={res} id={b} query={q} />;
  if (a === 'equipment_units') return <UnitPage key={b} res={res} id={b} query={q} />;
  if (a === 'repair_orders') return <RepairOrderPage key={b} res={res} id={b} />;
  if (a === 'requests') return <RequestPage key={b} res={res} id={b} query={q} />;
  if (a === 'message_templates') return <TemplatePage key={b} id={b} />;
  if (a === 'parts') return <PartPage key={b} res={res} id={b} query={q} />;
  if (a === 'warehouses') return <WarehousePage key={b} res={res} id={b} query={q} />;
  if (a === 'stock_counts') return <CountPage key={b} res={res} id={b} query={q} />;
  if (a === 'shipments') return <ShipmentPage key={b} res={res} id={b} />;
  if (a === 'suppliers') return <SupplierPage key={b} res={res} id={b} query={q} />;
  if (a === 'purchase_orders') return <PurchaseOrderPage key={b} res={res} id={b} query={q} />;
  if (a === 'supplier_returns') return <SupplierReturnPage key={b} res={res} id={b} query={q} />;
  return <DetailPage key={a + b} res={res} id={b} query={q} />;
}

function Redirect({ to }) {
  useEffect(() => navigate(to, null, true), [to]);
  return null;
}

function Forbidden() {
  return <div class="page"><ErrorBanner>{t('forbidden_page')}</ErrorBanner></div>;
}

function App() {
  const route = useRoute();
  const [lang, setLangState] = useState(getLang());
  const [session, setSession] = useState(null); // null: checking; false: signed out
  const [meta, setMeta] = useState(null);
  const [metaError, setMetaError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [toasts, setToasts] = useState([]);

  const setLang = (l) => { storeLang(l); setLangState(l); };
  const toast = (text, kind) => {
    const id = Math.random();
    setToasts((x) => x.concat({ id, text, kind }));
    setTimeout(() => setToasts((x) => x.filter((y) => y.id !== id)), 3000);
  };

  const loadMeta = () => {
    setMetaError(null);
    api.get('meta').then((m) => setMeta(normaliseMeta(m))).catch(setMetaError);
  };
  const start = (s) => {
    setCsrfToken(s.csrf_token);
    setSession(s);
    setNotice(null);
    loadMeta();
  };

  useEffect(() => {
    onUnauthorized(() => {
      setCsrfToken(null);
      setSession((s) => { if (s) setNotice(t('login.session_expired')); return false; });
      setMeta(null);
    });
    auth.me().then(start).catch(() => setSession(false));
  }, []);

  const logout = async () => {
    try { await auth.logout(); } catch { /* already gone */ }
    setCsrfToken(null);
    setSession(false);
    setMeta(null);
    navigate('', null, true);
  };

  if (route.bad) {
    return (
      <div class="page" data-page="bad-link">
        <ErrorBanner>{t('bad_link_page')}</ErrorBanner>
        <a href="#/">{t('bad_link_home')}</a>
      </div>
    );
  }
  // pages for clients: no login
  if (route.parts[0] === 'public') {
    if (route.parts[1] === 'status') return <PublicStatus lang={lang} setLang={setLang} query={route.query} />;
    // the public page of any entity with a public view: #/public/<entity>/status
    if (route.parts[2] === 'status') return <PublicStatus key={route.parts[1]} entity={route.parts[1]} lang={lang} setLang={setLang} query={route.query} />;
    return <PublicRequest lang={lang} setLang={setLang} />;
  }
  if (session === null) return <div class="boot"><Spinner /></div>;
  if (session === false) return <Login lang={lang} setLang={setLang} notice={notice} onLogin={start} />;
  if (!meta) {
    return <div class="boot">{metaError ? <ErrorBanner error={metaError} onRetry={loadMeta} /> : <Spinner />}</div>;
  }
  const special = specialPages(session);
  const searchText = route.parts[0] === 'search' ? route.query.q : '';
  return (
    <AppCtx.Provider value={{ session, meta, toast, lang }}>
      <Shell session={session} meta={meta} special={special} current={route.parts[0]} lang={lang} setLang={setLang}
        onLogout={logout} searchText={searchText}>
        <Page route={route} meta={meta} special={special} />
      </Shell>
      <Toasts items={toasts} />
    </AppCtx.Provider>
  );
}

render(<App />, document.getElementById('app'));
