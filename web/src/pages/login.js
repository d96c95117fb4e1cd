// login.js - Đăng nhập.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L } from '../lib/i18n.js';
import { api } from '../lib/api.js';

export function LoginPage({ onLogin, langSwitch }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const first = useRef(null);
  useEffect(() => { first.current?.focus(); }, []);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    try {
      const d = await api('POST', '/api/v1/login', { body: { login, password }, noAuthRedirect: true });
      onLogin(d);
    } catch (x) {
      if (x.status === 401 || x.status === 400) setErr(L('Sai tên đăng nhập hoặc mật khẩu.', 'Wrong login or password.'));
      else if (x.status === 429) setErr(L('Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.', 'Too many failed logins. Try again in a few minutes.'));
      else setErr(x.message);
      setBusy(false);
    }
  };
  return html`<div class="login-wrap">
    <main class="login-card" id="main">
      <div class="login-brand"><img src="/favicon.svg" alt="" width="40" height="40" />
        <div><p class="brand-name">loa</p><p class="muted">${L('Trung tâm mạng lưới truyền thông chính sách', 'The hub of the policy-communication network')}</p></div>
      </div>
      <h1>${L('Đăng nhập', 'Log in')}</h1>
      <form onSubmit=${submit} novalidate>
        <label for="login">${L('Tên đăng nhập', 'Login')}</label>
        <input id="login" name="login" autocomplete="username" required ref=${first}
          value=${login} onInput=${(e) => setLogin(e.currentTarget.value)} aria-invalid=${err ? 'true' : undefined} aria-describedby=${err ? 'login-err' : undefined} />
        <label for="password">${L('Mật khẩu', 'Password')}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required
          value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} aria-invalid=${err ? 'true' : undefined} aria-describedby=${err ? 'login-err' : undefined} />
        ${err && html`<p id="login-err" class="form-error" role="alert">${err}</p>`}
        <button class="btn primary" type="submit" disabled=${busy || !login || !password}>${busy ? L('Đang đăng nhập…', 'Logging in…') : L('Đăng nhập', 'Log in')}</button>
      </form>
      <div class="login-foot">${langSwitch}</div>
    </main>
  </div>`;
}
