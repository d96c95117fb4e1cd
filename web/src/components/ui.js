// ui.js - small shared pieces: data loading hook, the loading / empty /
// "not available yet" / error states, tone and toxicity badges, highlights.
import { useEffect, useRef, useState, useCallback } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L, toneName, toxName, kindName, platformName } from '../lib/i18n.js';
import { fmtPct, fmtDate, parseVnDate } from '../lib/fmt.js';
import { api } from '../lib/api.js';

/** useFetch(path, query) -> {data, error, loading, reload}. path null = skip. */
export function useFetch(path, query, deps = []) {
  const [st, setSt] = useState({ data: null, error: null, loading: !!path });
  const seq = useRef(0);
  const key = path + JSON.stringify(query || {});
  const load = useCallback(() => {
    if (!path) { setSt({ data: null, error: null, loading: false }); return; }
    const n = ++seq.current;
    setSt((s) => ({ ...s, loading: true }));
    api('GET', path, { query }).then(
      (data) => { if (n === seq.current) setSt({ data, error: null, loading: false }); },
      (error) => { if (n === seq.current) setSt({ data: null, error, loading: false }); },
    );
  }, [key, ...deps]);
  useEffect(load, [load]);
  return { ...st, reload: load };
}

export function Loading({ what }) {
  return html`<p class="state loading" role="status">${L('Đang tải', 'Loading')}${what ? ' ' + what : ''}…</p>`;
}

/** The endpoint is not on the server yet. */
export function Unavailable({ what, endpoint }) {
  return html`<div class="state unavailable" role="status">
    <p class="state-title">${L('Chưa có dữ liệu', 'Not available yet')}${what ? ': ' + what : ''}</p>
    <p>${L('Máy chủ chưa cung cấp chức năng này. Trang sẽ tự hiển thị dữ liệu khi chức năng sẵn sàng.',
      'The server does not offer this yet. This page shows the data as soon as it does.')}</p>
    ${endpoint && html`<p class="muted small">API: <code>${endpoint}</code></p>`}
  </div>`;
}

export function Empty({ children }) {
  return html`<p class="state empty" role="status">${children || L('Không có dữ liệu.', 'No data.')}</p>`;
}

export function ErrorBox({ error, what }) {
  if (!error) return null;
  if (error.unavailable) return html`<${Unavailable} what=${what} />`;
  return html`<div class="state error" role="alert">
    <p class="state-title">${L('Có lỗi', 'Something went wrong')}${error.status ? ` (HTTP ${error.status})` : ''}</p>
    <p>${error.message}</p>
  </div>`;
}

/** Renders {data, error, loading} with the matching state, else children(data). */
export function Async({ st, what, endpoint, children }) {
  if (st.error) {
    if (st.error.unavailable) return html`<${Unavailable} what=${what} endpoint=${endpoint} />`;
    return html`<${ErrorBox} error=${st.error} what=${what} />`;
  }
  if (!st.data) return html`<${Loading} />`;
  return children(st.data);
}

/** Normalises a tone/toxicity field: "negative" | {label, p} | {tone, p}. */
export function labelOf(v) {
  if (!v) return null;
  if (typeof v === 'string') return { label: v, p: null };
  const label = v.label ?? v.tone ?? v.value ?? v.class ?? null;
  if (!label) return null;
  return { label, p: v.p ?? v.prob ?? v.probability ?? v.confidence ?? null, by: v.by ?? v.source ?? null, at: v.at ?? null };
}

export function ToneBadge({ tone }) {
  const t = labelOf(tone);
  if (!t) return html`<span class="badge muted">${L('chưa gán nhãn', 'unlabelled')}</span>`;
  return html`<span class=${'badge tone-' + t.label}>${toneName(t.label)}${t.p != null ? ' ' + fmtPct(t.p, 0) : ''}</span>`;
}

export function ToxBadge({ tox }) {
  const t = labelOf(tox);
  if (!t) return null;
  return html`<span class=${'badge tox-' + t.label}>${toxName(t.label)}${t.p != null ? ' ' + fmtPct(t.p, 0) : ''}</span>`;
}

/** A probability bar with its value, labelled for screen readers. */
export function ProbBar({ p, label, cls }) {
  if (p == null) return null;
  return html`<span class="prob" role="img" aria-label=${`${label}: ${fmtPct(p, 0)}`}>
    <span class=${'prob-fill ' + (cls || '')} style=${{ width: Math.round(Math.max(0, Math.min(1, p)) * 100) + '%' }}></span>
  </span>`;
}

/** Text segments [{text, mark}] -> text nodes and <mark>: never markup. */
export function Marked({ segs }) {
  return segs.map((s) => (s.mark ? html`<mark>${s.text}</mark>` : s.text));
}

/** One line of an item: when, where, what. */
export function ItemMeta({ it }) {
  return html`<span class="meta">
    <time datetime=${it.published_at}>${fmtDate(it.published_at)}</time>
    ${' · '}${it.source}${it.org ? ' · ' + it.org : ''}
    ${' · '}${kindName(it.kind)}${it.platform && it.platform !== 'web' ? ' · ' + platformName(it.platform) : ''}
    ${it.author ? ' · ' + it.author : ''}
  </span>`;
}

export function itemTitle(it) {
  if (it.title) return it.title;
  const t = String(it.text || '').trim();
  return t.length > 110 ? Array.from(t).slice(0, 110).join('') + '…' : t || L('(không có tiêu đề)', '(untitled)');
}

/** The page heading; takes focus after navigation so screen readers
 * announce the new page. */
let navigated = false;
addEventListener('hashchange', () => { navigated = true; });
export function PageTitle({ children, sub }) {
  const ref = useRef(null);
  // Only after in-app navigation: on a fresh load the skip link comes first.
  useEffect(() => { if (navigated) ref.current?.focus({ preventScroll: true }); }, []);
  return html`<header class="page-head">
    <h1 tabindex="-1" ref=${ref}>${children}</h1>
    ${sub && html`<p class="sub">${sub}</p>`}
  </header>`;
}

/** A date typed as dd/mm/yyyy whatever the browser's locale (native date
 * inputs follow the browser's language). value and onChange use yyyy-mm-dd. */
export function DateField({ id, label, value, onChange }) {
  const show = (v) => (v ? v.split('-').reverse().join('/') : '');
  const [text, setText] = useState(show(value));
  useEffect(() => { if (parseVnDate(text) !== value) setText(show(value)); }, [value]);
  const bad = text !== '' && !parseVnDate(text);
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <input id=${id} value=${text} inputmode="numeric" size="10" placeholder="dd/mm/yyyy" autocomplete="off"
      aria-invalid=${bad ? 'true' : undefined} aria-describedby=${id + '-fmt'}
      onInput=${(e) => { const t = e.currentTarget.value; setText(t); const v = parseVnDate(t); if (v) onChange(v); }} />
    <span id=${id + '-fmt'} class=${bad ? 'field-bad small' : 'muted small'}>${bad ? L('Ngày không hợp lệ (dd/mm/yyyy)', 'Not a date (dd/mm/yyyy)') : 'dd/mm/yyyy'}</span>
  </div>`;
}
