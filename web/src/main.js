// main.js - the single-page shell: session, hash routes (#/search …),
// navigation, language switch, live alerts.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import { html } from './lib/html.js';
import { L, getLang, setLang, onLang, roleName } from './lib/i18n.js';
import { api, session, loadSpec, reloadSpec } from './lib/api.js';
import { live } from './lib/live.js';
import { fmtTime } from './lib/fmt.js';
import { alertText } from './lib/alerts.js';
import { parseHash, go } from './lib/route.js';
import { LoginPage } from './pages/login.js';
import { OverviewPage } from './pages/overview.js';
import { StoriesPage } from './pages/stories.js';
import { SearchPage } from './pages/search.js';
import { ItemPage } from './pages/item.js';
import { SourcesPage } from './pages/sources.js';
import { QueriesPage } from './pages/queries.js';
import { ClaimsPage } from './pages/claims.js';
import { ModerationPage } from './pages/moderation.js';
import { ReportsPage, PrintReport } from './pages/reports.js';
import { UsersPage } from './pages/users.js';
import { QuestionsPage } from './pages/questions.js';
import { PoliciesPage } from './pages/policies.js';
import { FeedbackPage } from './pages/feedback.js';
import { RebuttalsPage } from './pages/rebuttals.js';
import { PublicCommentsPage } from './pages/gopy.js';

const NAV = [
  { path: '/', vi: 'Tổng quan', en: 'Overview', icon: '◉' },
  { path: '/stories', vi: 'Sự kiện', en: 'Stories', icon: '◎' },
  { path: '/search', vi: 'Tìm kiếm', en: 'Search', icon: '⌕' },
  { path: '/sources', vi: 'Nguồn tin', en: 'Sources', icon: '☰' },
  { path: '/queries', vi: 'Truy vấn và cảnh báo', en: 'Queries and alerts', icon: '⚑' },
  { path: '/claims', vi: 'Thông tin sai sự thật', en: 'False claims', icon: '⚠' },
  { path: '/moderation', vi: 'Kiểm duyệt bình luận', en: 'Comment moderation', icon: '✓' },
  { path: '/questions', vi: 'Câu hỏi báo chí', en: 'Journalists’ questions', icon: '?' },
  { path: '/policies', vi: 'Dự thảo chính sách', en: 'Policy drafts', icon: '§' },
  { path: '/feedback', vi: 'Phản ánh, kiến nghị', en: 'Citizen feedback', icon: '✉', staff: true },
  { path: '/reports', vi: 'Báo cáo', en: 'Reports', icon: '▤' },
  { path: '/users', vi: 'Người dùng', en: 'Users', icon: '☺', admin: true },
];

const STAFF = ['admin', 'spokesperson', 'editor', 'analyst'];

function page(route, user) {
  const [a, b] = route.parts;
  switch (a) {
    case undefined: return html`<${OverviewPage} />`;
    case 'stories': return html`<${StoriesPage} id=${b} />`;
    case 'search': return html`<${SearchPage} params=${route.params} />`;
    case 'items': return html`<${ItemPage} id=${b} user=${user} />`;
    case 'sources': return html`<${SourcesPage} />`;
    case 'queries': return html`<${QueriesPage} user=${user} />`;
    case 'claims': return html`<${ClaimsPage} id=${b} user=${user} />`;
    case 'rebuttals': return html`<${RebuttalsPage} id=${b} user=${user} />`;
    case 'moderation': return html`<${ModerationPage} user=${user} params=${route.params} />`;
    case 'reports': return b === 'print' ? html`<${PrintReport} params=${route.params} />` : html`<${ReportsPage} />`;
    case 'users': return html`<${UsersPage} user=${user} />`;
    case 'questions': return html`<${QuestionsPage} id=${b} user=${user} params=${route.params} />`;
    case 'policies': return html`<${PoliciesPage} id=${b} user=${user} />`;
    case 'feedback': return html`<${FeedbackPage} id=${b} user=${user} params=${route.params} />`;
    default: return html`<div class="state error" role="alert"><p>${L('Không có trang này.', 'No such page.')}</p><p><a href="#/">${L('Về Tổng quan', 'Back to the overview')}</a></p></div>`;
  }
}

function LangSwitch() {
  const other = getLang() === 'vi' ? 'en' : 'vi';
  return html`<button type="button" class="btn ghost lang" lang=${other}
    aria-label=${other === 'en' ? 'Switch to English' : 'Chuyển sang tiếng Việt'}
    onClick=${() => setLang(other)}>${other === 'en' ? 'English' : 'Tiếng Việt'}</button>`;
}

function LiveBadge() {
  const [st, setSt] = useState(live.status);
  useEffect(() => live.on('status', setSt), []);
  const txt = {
    open: L('Trực tiếp', 'Live'), connecting: L('Đang kết nối…', 'Connecting…'),
    retrying: L('Mất kết nối, đang thử lại…', 'Disconnected, retrying…'),
    unavailable: L('Cập nhật trực tiếp: chưa có', 'Live updates: not available yet'), idle: '',
  }[st];
  if (!txt) return null;
  return html`<span class=${'live-badge live-' + st} role="status"><span class="dot" aria-hidden="true"></span>${txt}</span>`;
}

/** Alerts pushed over SSE appear as notices at the top right. */
function AlertToasts() {
  const [list, setList] = useState([]);
  useEffect(() => live.on('alert', (a) => {
    const id = Math.random().toString(36).slice(2);
    setList((l) => [{ id, a, at: Date.now() }, ...l].slice(0, 3));
    setTimeout(() => setList((l) => l.filter((x) => x.id !== id)), 15000);
  }), []);
  return html`<div class="toasts" aria-live="polite">
    ${list.map(({ id, a, at }) => html`<div class="toast" key=${id}>
      <strong>${L('Cảnh báo', 'Alert')}: ${a.alert || a.name || ''}</strong>
      <span>${alertText(a)}</span>
      <span class="muted small">${fmtTime(at)}</span>
      <button type="button" class="btn ghost small" aria-label=${L('Đóng', 'Close')}
        onClick=${() => setList((l) => l.filter((x) => x.id !== id))}>×</button>
    </div>`)}
  </div>`;
}

function Shell({ route, user, onLogout }) {
  const cur = '/' + (route.parts[0] || '');
  const printing = route.parts[0] === 'reports' && route.parts[1] === 'print';
  return html`<div class=${'shell' + (printing ? ' printing' : '')}>
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>${L('Bỏ qua, đến nội dung chính', 'Skip to main content')}</a>
    <nav class="side" aria-label=${L('Chức năng', 'Sections')}>
      <a class="brand" href="#/" aria-label=${L('loa — Tổng quan', 'loa — Overview')}>
        <img src="/favicon.svg" alt="" width="28" height="28" /><span>loa</span>
      </a>
      <ul>
        ${NAV.filter((n) => (!n.admin || user.role === 'admin') && (!n.staff || STAFF.includes(user.role))).map((n) => html`<li>
          <a href=${'#' + n.path} aria-current=${cur === n.path ? 'page' : undefined}>
            <span class="ico" aria-hidden="true">${n.icon}</span>${L(n.vi, n.en)}
          </a></li>`)}
      </ul>
      <p class="side-foot">${L('Truyền thông chính sách', 'Policy communication')}</p>
    </nav>
    <div class="main-col">
      <header class="top">
        <${LiveBadge} />
        <span class="spacer"></span>
        <span class="who">${user.name || user.login}${(user.name || '').toLowerCase() !== roleName(user.role).toLowerCase() ? html` <span class="muted">(${roleName(user.role)})</span>` : ''}</span>
        <${LangSwitch} />
        <button type="button" class="btn ghost" onClick=${onLogout}>${L('Đăng xuất', 'Log out')}</button>
      </header>
      <main id="main" tabindex="-1">${page(route, user)}</main>
    </div>
    <${AlertToasts} />
  </div>`;
}

/** The frame of the public pages: no navigation, no session needed. */
function PublicShell({ user, children }) {
  return html`<div class="public-shell">
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>${L('Bỏ qua, đến nội dung chính', 'Skip to main content')}</a>
    <header class="public-top">
      <a class="brand" href="#/gop-y"><img src="/favicon.svg" alt="" width="28" height="28" /><span>loa</span></a>
      <span class="public-name">${L('Cổng góp ý dự thảo chính sách', 'Comments on policy drafts')}</span>
      <span class="spacer"></span>
      <${LangSwitch} />
      <a class="btn ghost" href="#/">${user ? L('Về trang làm việc', 'Back to work') : L('Cán bộ đăng nhập', 'Staff login')}</a>
    </header>
    <main id="main" tabindex="-1">${children}</main>
  </div>`;
}

function App() {
  const [route, setRoute] = useState(parseHash());
  const [user, setUser] = useState(undefined); // undefined = checking
  const [, setLangTick] = useState(0);
  useEffect(() => {
    const f = () => setRoute(parseHash());
    addEventListener('hashchange', f);
    return () => removeEventListener('hashchange', f);
  }, []);
  useEffect(() => onLang(() => setLangTick((n) => n + 1)), []);
  useEffect(() => {
    document.documentElement.lang = getLang();
    session.onUnauthorized(() => { session.clear(); live.stop(); setUser(null); });
    loadSpec();
    // Endpoints appear while the server grows: re-read the API document now and then.
    const t = setInterval(reloadSpec, 10 * 60 * 1000);
    api('GET', '/api/v1/me', { noAuthRedirect: true }).then(
      (d) => { session.set(d.user, d.csrf); setUser(d.user); },
      () => setUser(null),
    );
    return () => clearInterval(t);
  }, []);
  useEffect(() => { if (user) live.start(); }, [user]);
  useEffect(() => {
    const name = NAV.find((n) => n.path === '/' + (route.parts[0] || ''));
    document.title = route.parts[0] === 'gop-y' ? L('Góp ý dự thảo chính sách', 'Comments on policy drafts') + ' — loa'
      : (user && name ? L(name.vi, name.en) + ' — ' : '') + 'loa';
  }, [route, user, getLang()]);

  // Public pages (no login): comments on policy drafts.
  if (route.parts[0] === 'gop-y') return html`<${PublicShell} user=${user}><${PublicCommentsPage} id=${route.parts[1]} /><//>`;
  if (user === undefined) return html`<p class="boot" role="status">${L('Đang tải…', 'Loading…')}</p>`;
  if (!user) {
    return html`<${LoginPage} onLogin=${(d) => {
      session.set(d.user, d.csrf);
      setUser(d.user);
      if (route.parts[0] === 'login') go('/');
    }} langSwitch=${html`<${LangSwitch} />`} />`;
  }
  const logout = async () => {
    try { await api('POST', '/api/v1/logout', { noAuthRedirect: true }); } catch { /* gone anyway */ }
    session.clear();
    live.stop();
    setUser(null);
  };
  return html`<${Shell} route=${route} user=${user} onLogout=${logout} />`;
}

render(html`<${App} />`, document.getElementById('app'));
