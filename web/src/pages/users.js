// users.js - Người dùng (admin only): list, add, disable and enable.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L, roleName, ROLES } from '../lib/i18n.js';
import { post } from '../lib/api.js';
import { fmtDate } from '../lib/fmt.js';
import { useFetch, Async, ErrorBox, PageTitle } from '../components/ui.js';

function AddUser({ orgs, onDone }) {
  const [f, setF] = useState({ login: '', name: '', role: 'analyst', org: '', password: '' });
  const [err, setErr] = useState(null);
  const [msg, setMsg] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault(); setBusy(true); setErr(null); setMsg(null);
    try {
      const body = { login: f.login.trim(), name: f.name.trim() || undefined, role: f.role, password: f.password };
      if (f.org) body.org = f.org;
      await post('/api/v1/users', body);
      setMsg(L(`Đã thêm người dùng ${body.login}.`, `User ${body.login} added.`));
      setF({ login: '', name: '', role: f.role, org: f.org, password: '' });
      onDone();
    } catch (x) { setErr(x); }
    setBusy(false);
  };
  return html`<form class="card inline-form" onSubmit=${submit} aria-labelledby="h-adduser">
    <h2 id="h-adduser">${L('Thêm người dùng', 'Add a user')}</h2>
    <div class="field"><label for="u-login">${L('Tên đăng nhập', 'Login')}</label><input id="u-login" required autocomplete="off" value=${f.login} onInput=${set('login')} /></div>
    <div class="field"><label for="u-name">${L('Họ và tên', 'Full name')}</label><input id="u-name" value=${f.name} onInput=${set('name')} /></div>
    <div class="field"><label for="u-role">${L('Vai trò', 'Role')}</label>
      <select id="u-role" value=${f.role} onChange=${set('role')}>${ROLES.map((r) => html`<option value=${r}>${roleName(r)}</option>`)}</select></div>
    <div class="field"><label for="u-org">${L('Cơ quan', 'Organisation')}</label>
      <select id="u-org" value=${f.org} onChange=${set('org')}><option value="">—</option>${orgs.map((o) => html`<option value=${o.slug}>${o.name}</option>`)}</select></div>
    <div class="field"><label for="u-pass">${L('Mật khẩu (ít nhất 10 ký tự)', 'Password (10 characters or more)')}</label>
      <input id="u-pass" type="password" required minlength="10" autocomplete="new-password" value=${f.password} onInput=${set('password')} /></div>
    <button class="btn primary" type="submit" disabled=${busy || !f.login || f.password.length < 10}>${L('Thêm', 'Add')}</button>
    ${msg && html`<p class="ok-msg" role="status">${msg}</p>`}
    <${ErrorBox} error=${err} />
  </form>`;
}

export function UsersPage({ user }) {
  const st = useFetch(user.role === 'admin' ? '/api/v1/users' : null);
  const orgs = useFetch(user.role === 'admin' ? '/api/v1/orgs' : null);
  const [err, setErr] = useState(null);
  if (user.role !== 'admin') {
    return html`<div class="page users"><${PageTitle}>${L('Người dùng', 'Users')}<//>
      <div class="state error" role="alert"><p>${L('Chỉ quản trị viên được xem trang này.', 'Only administrators can see this page.')}</p></div></div>`;
  }
  const toggle = async (u) => {
    setErr(null);
    try { await post(`/api/v1/users/${encodeURIComponent(u.login)}/${u.disabled ? 'enable' : 'disable'}`, {}); st.reload(); } catch (x) { setErr(x); }
  };
  const orgName = (slug) => (orgs.data?.orgs || []).find((o) => o.slug === slug)?.name || slug;
  return html`<div class="page users">
    <${PageTitle} sub=${L('Tài khoản, vai trò và cơ quan', 'Accounts, roles and organisations')}>${L('Người dùng', 'Users')}<//>
    <${ErrorBox} error=${err} />
    <div class="cols">
      <div class="col-main">
        <${Async} st=${st} what=${L('người dùng', 'users')}>${(d) => html`<div class="table-wrap"><table class="data">
          <thead><tr><th scope="col">${L('Tên đăng nhập', 'Login')}</th><th scope="col">${L('Họ và tên', 'Name')}</th><th scope="col">${L('Vai trò', 'Role')}</th>
            <th scope="col">${L('Cơ quan', 'Organisation')}</th><th scope="col">${L('Tạo lúc', 'Created')}</th><th scope="col">${L('Trạng thái', 'State')}</th>
            <th scope="col"><span class="sr-only">${L('Thao tác', 'Actions')}</span></th></tr></thead>
          <tbody>${(d.users || []).map((u) => html`<tr class=${u.disabled ? 'disabled' : ''}>
            <th scope="row">${u.login}</th><td>${u.name}</td><td>${roleName(u.role)}</td><td>${u.org ? orgName(u.org) : '—'}</td><td>${fmtDate(u.created_at)}</td>
            <td>${u.disabled ? html`<span class="badge health-muted">${L('đã khoá', 'disabled')}</span>` : html`<span class="badge health-good">${L('hoạt động', 'active')}</span>`}</td>
            <td>${u.login !== user.login && html`<button type="button" class=${'btn small ' + (u.disabled ? '' : 'danger')} onClick=${() => toggle(u)}>
              ${u.disabled ? L('Mở khoá', 'Enable') : L('Khoá', 'Disable')}<span class="sr-only"> ${u.login}</span></button>`}</td>
          </tr>`)}</tbody></table></div>`}<//>
      </div>
      <div class="col-side"><${AddUser} orgs=${orgs.data?.orgs || []} onDone=${st.reload} /></div>
    </div>
  </div>`;
}
