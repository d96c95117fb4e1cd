// queries.js - Truy vấn đã lưu và cảnh báo: saved boolean queries, alerts
// on match / spike / negative share, and the alerts fired (live).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L } from '../lib/i18n.js';
import { post, del } from '../lib/api.js';
import { live } from '../lib/live.js';
import { fmtDate, fmtNum, fmtPct } from '../lib/fmt.js';
import { ALERT_KINDS, alertText } from '../lib/alerts.js';
import { href } from '../lib/route.js';
import { useFetch, Async, Empty, ErrorBox, PageTitle } from '../components/ui.js';

const ON = ALERT_KINDS;
const WINDOWS = [[3600, '1 giờ', '1 hour'], [6 * 3600, '6 giờ', '6 hours'], [86400, '1 ngày', '1 day'], [7 * 86400, '7 ngày', '7 days']];
const windowName = (s) => { const w = WINDOWS.find((x) => x[0] === s); return w ? L(w[1], w[2]) : s ? fmtNum(s / 3600, 1) + ' h' : ''; };

function QueryForm({ onDone }) {
  const [name, setName] = useState('');
  const [query, setQuery] = useState('');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault(); setBusy(true); setErr(null);
    try { await post('/api/v1/queries', { name: name.trim(), query: query.trim() }); setName(''); setQuery(''); onDone(); } catch (x) { setErr(x); }
    setBusy(false);
  };
  return html`<form class="inline-form" onSubmit=${submit} aria-labelledby="h-addq">
    <h3 id="h-addq">${L('Lưu truy vấn mới', 'Save a new query')}</h3>
    <div class="field"><label for="nq-name">${L('Tên (không dấu, gạch nối)', 'Name (slug)')}</label>
      <input id="nq-name" required pattern="[a-z0-9][a-z0-9-]*" value=${name} onInput=${(e) => setName(e.currentTarget.value)} placeholder="giay-phep" /></div>
    <div class="field grow"><label for="nq-query">${L('Truy vấn', 'Query')}</label>
      <input id="nq-query" required value=${query} spellcheck="false" onInput=${(e) => setQuery(e.currentTarget.value)} placeholder='giấy phép xây dựng NOT "lái xe"'
        aria-invalid=${err?.status === 400 ? 'true' : undefined} aria-describedby=${err ? 'nq-err' : undefined} /></div>
    <button class="btn primary" type="submit" disabled=${busy || !name || !query}>${L('Lưu', 'Save')}</button>
    ${err && html`<div id="nq-err" class="form-error" role="alert">${err.unavailable ? L('Máy chủ chưa nhận truy vấn đã lưu.', 'The server does not take saved queries yet.') : err.message}</div>`}
  </form>`;
}

function AlertForm({ queries, onDone }) {
  const [f, setF] = useState({ name: '', query: '', kind: 'negative', window_s: '86400', threshold: '0,15', webhook: '', email: '', digest: false });
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => {
    const v = e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value;
    const next = { ...f, [k]: v };
    if (k === 'kind') next.threshold = v === 'spike' ? '0,001' : '0,15';
    setF(next);
  };
  const submit = async (e) => {
    e.preventDefault(); setBusy(true); setErr(null);
    const body = { name: f.name.trim(), query: f.query, kind: f.kind, window_s: Number(f.window_s) };
    if (f.kind !== 'match') body.threshold = Number(String(f.threshold).replace(',', '.'));
    if (f.webhook) body.webhook = f.webhook.trim();
    if (f.email) body.email = f.email.trim();
    if (f.kind === 'match') body.mode = f.digest ? 'digest' : 'immediate';
    try { await post('/api/v1/alerts', body); setF({ ...f, name: '' }); onDone(); } catch (x) { setErr(x); }
    setBusy(false);
  };
  return html`<form class="inline-form" onSubmit=${submit} aria-labelledby="h-adda">
    <h3 id="h-adda">${L('Thêm cảnh báo', 'Add an alert')}</h3>
    <div class="field"><label for="na-name">${L('Tên', 'Name')}</label><input id="na-name" required value=${f.name} onInput=${set('name')} /></div>
    <div class="field"><label for="na-query">${L('Truy vấn đã lưu', 'Saved query')}</label>
      <select id="na-query" required value=${f.query} onChange=${set('query')}>
        <option value="">—</option>${queries.map((q) => html`<option value=${q.name}>${q.name}</option>`)}</select></div>
    <div class="field"><label for="na-kind">${L('Báo khi', 'Fire')}</label>
      <select id="na-kind" value=${f.kind} onChange=${set('kind')}>${Object.entries(ON).map(([k, v]) => html`<option value=${k}>${L(...v)}</option>`)}</select></div>
    <div class="field"><label for="na-window">${L('Cửa sổ', 'Window')}</label>
      <select id="na-window" value=${f.window_s} onChange=${set('window_s')}>${WINDOWS.map(([v, vi, en]) => html`<option value=${v}>${L(vi, en)}</option>`)}</select></div>
    ${f.kind !== 'match' && html`<div class="field"><label for="na-thr">${f.kind === 'negative' ? L('Ngưỡng (0,15 = 15%)', 'Line (0.15 = 15%)') : L('Mức ý nghĩa (p)', 'Significance (p)')}</label>
      <input id="na-thr" inputmode="decimal" size="6" value=${f.threshold} onInput=${set('threshold')} /></div>`}
    ${f.kind === 'match' && html`<label class="check"><input type="checkbox" checked=${f.digest} onChange=${set('digest')} /> ${L('Gom thành bản tin', 'Digest')}</label>`}
    <div class="field"><label for="na-hook">Webhook</label><input id="na-hook" type="url" value=${f.webhook} onInput=${set('webhook')} placeholder="https://…" /></div>
    <div class="field"><label for="na-mail">E-mail</label><input id="na-mail" type="email" value=${f.email} onInput=${set('email')} /></div>
    <button class="btn primary" type="submit" disabled=${busy || !f.name || !f.query}>${L('Thêm', 'Add')}</button>
    ${err && html`<div class="form-error" role="alert">${err.unavailable ? L('Máy chủ chưa nhận cảnh báo.', 'The server does not take alerts yet.') : err.message}</div>`}
  </form>`;
}

function Fired() {
  const st = useFetch('/api/v1/alerts/events', { limit: 20 });
  const [liveList, setLive] = useState([]);
  useEffect(() => live.on('alert', (a) => setLive((l) => [{ ...a, at: a.at || new Date().toISOString() }, ...l].slice(0, 20))), []);
  const list = [...liveList, ...((st.data && (st.data.events || st.data.alerts)) || [])];
  return html`<section class="card" aria-labelledby="h-fired">
    <h2 id="h-fired">${L('Cảnh báo gần đây', 'Recent alerts')}</h2>
    ${list.length === 0 ? (st.error?.unavailable && !liveList.length
      ? html`<p class="muted">${L('Chưa có dữ liệu: máy chủ chưa cung cấp lịch sử cảnh báo (GET /api/v1/alerts/events). Cảnh báo mới vẫn hiện ở đây khi có kết nối trực tiếp.', 'Not available yet: the server has no alert history (GET /api/v1/alerts/events). New alerts still show here over the live connection.')}</p>`
      : html`<p class="muted">${L('Chưa có cảnh báo nào.', 'No alert yet.')}</p>`)
      : html`<ul class="plain">${list.map((a) => html`<li><strong>${a.alert || a.name}</strong> — ${fmtDate(a.at || a.fired_at)}<br />
        <span class="small">${alertText(a)}</span></li>`)}</ul>`}
  </section>`;
}

export function QueriesPage() {
  const qs = useFetch('/api/v1/queries');
  const as = useFetch('/api/v1/alerts');
  const [err, setErr] = useState(null);
  const remove = async (kind, name, reload) => {
    if (!confirm(L(`Xoá "${name}"?`, `Delete "${name}"?`))) return;
    try { await del(`/api/v1/${kind}/${encodeURIComponent(name)}`); reload(); } catch (x) { setErr(x); }
  };
  return html`<div class="page queries">
    <${PageTitle} sub=${L('Truy vấn được áp dụng cho tin mới và tin cũ; cảnh báo gửi qua webhook, e-mail và trực tiếp trên trình duyệt', 'Queries run on new and past items; alerts go by webhook, e-mail and live in the browser')}>${L('Truy vấn đã lưu và cảnh báo', 'Saved queries and alerts')}<//>
    <${ErrorBox} error=${err} />
    <div class="cols">
      <div class="col-main">
        <section class="card" aria-labelledby="h-q">
          <h2 id="h-q">${L('Truy vấn đã lưu', 'Saved queries')}</h2>
          <${Async} st=${qs} what=${L('truy vấn đã lưu', 'saved queries')} endpoint="GET /api/v1/queries">${(d) => html`<div>
            ${(d.queries || []).length === 0 ? html`<${Empty}>${L('Chưa có truy vấn nào.', 'No saved query yet.')}<//>` : html`<div class="table-wrap"><table class="data">
              <thead><tr><th scope="col">${L('Tên', 'Name')}</th><th scope="col">${L('Truy vấn', 'Query')}</th><th scope="col" class="num">${L('Số tin khớp', 'Matches')}</th>
                <th scope="col">${L('Tạo lúc', 'Created')}</th><th scope="col"><span class="sr-only">${L('Thao tác', 'Actions')}</span></th></tr></thead>
              <tbody>${d.queries.map((q) => html`<tr><th scope="row">${q.name}</th><td><a href=${href('/search', { q: q.query })}><code>${q.query}</code></a></td>
                <td class="num">${fmtNum(q.hits ?? q.matches)}</td><td>${fmtDate(q.last_match_at || q.created_at)}</td>
                <td><button type="button" class="btn small danger" onClick=${() => remove('queries', q.name, qs.reload)}>${L('Xoá', 'Delete')}<span class="sr-only"> ${q.name}</span></button></td></tr>`)}</tbody>
            </table></div>`}
            <${QueryForm} onDone=${qs.reload} />
          </div>`}<//>
        </section>
        <section class="card" aria-labelledby="h-a">
          <h2 id="h-a">${L('Cảnh báo', 'Alerts')}</h2>
          <${Async} st=${as} what=${L('cảnh báo', 'alerts')} endpoint="GET /api/v1/alerts">${(d) => html`<div>
            ${(d.alerts || []).length === 0 ? html`<${Empty}>${L('Chưa có cảnh báo nào.', 'No alert yet.')}<//>` : html`<div class="table-wrap"><table class="data">
              <thead><tr><th scope="col">${L('Tên', 'Name')}</th><th scope="col">${L('Truy vấn', 'Query')}</th><th scope="col">${L('Báo khi', 'Fires')}</th>
                <th scope="col">${L('Gửi tới', 'Delivered to')}</th><th scope="col">${L('Lần gần nhất', 'Last fired')}</th><th scope="col"><span class="sr-only">${L('Thao tác', 'Actions')}</span></th></tr></thead>
              <tbody>${d.alerts.map((a) => html`<tr><th scope="row">${a.name}</th><td>${a.query}</td>
                <td>${ON[a.kind] ? L(...ON[a.kind]) : a.kind}${a.mode === 'digest' ? L(' (bản tin)', ' (digest)') : ''}
                  <div class="muted small">${[windowName(a.window_s), a.threshold != null ? (a.kind === 'negative' ? L('ngưỡng ', 'line ') + fmtPct(a.threshold, 0) : 'p < ' + fmtNum(a.threshold, 3)) : ''].filter(Boolean).join(' · ')}</div></td>
                <td>${[a.webhook && 'webhook', a.email, L('trình duyệt', 'browser')].filter(Boolean).join(', ')}
                  ${(a.pending > 0 || a.dead > 0) && html`<div class="muted small">${L('chờ gửi', 'pending')} ${fmtNum(a.pending || 0)} · ${L('gửi lỗi', 'failed')} ${fmtNum(a.dead || 0)}</div>`}</td>
                <td>${fmtDate(a.last_fired || a.last_fired_at)}</td>
                <td><button type="button" class="btn small danger" onClick=${() => remove('alerts', a.name, as.reload)}>${L('Xoá', 'Delete')}<span class="sr-only"> ${a.name}</span></button></td></tr>`)}</tbody>
            </table></div>`}
            <${AlertForm} queries=${(qs.data && qs.data.queries) || []} onDone=${as.reload} />
          </div>`}<//>
        </section>
      </div>
      <div class="col-side"><${Fired} /></div>
    </div>
  </div>`;
}
