// queries.js - Truy vấn đã lưu và cảnh báo: saved boolean queries, alerts
// on match / spike / negative share, and the alerts fired (live).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L } from '../lib/i18n.js';
import { post, del } from '../lib/api.js';
import { live } from '../lib/live.js';
import { fmtDate, fmtNum, fmtPct } from '../lib/fmt.js';
import { href } from '../lib/route.js';
import { useFetch, Async, Empty, ErrorBox, PageTitle } from '../components/ui.js';

const ON = {
  match: ['khi có tin khớp', 'on a match'], spike: ['khi tăng đột biến', 'on a spike'],
  negative: ['khi tỉ lệ tiêu cực vượt ngưỡng', 'when the negative share is above the line'],
};

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
  const [f, setF] = useState({ name: '', query: '', on: 'negative', window: '1d', threshold: '0.15', webhook: '', email: '', digest: false });
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault(); setBusy(true); setErr(null);
    const body = { name: f.name.trim(), query: f.query, on: f.on, window: f.window };
    if (f.on !== 'match') body.threshold = Number(String(f.threshold).replace(',', '.'));
    if (f.webhook) body.webhook = f.webhook.trim();
    if (f.email) body.email = f.email.trim();
    if (f.on === 'match') body.digest = f.digest;
    try { await post('/api/v1/alerts', body); setF({ ...f, name: '' }); onDone(); } catch (x) { setErr(x); }
    setBusy(false);
  };
  return html`<form class="inline-form" onSubmit=${submit} aria-labelledby="h-adda">
    <h3 id="h-adda">${L('Thêm cảnh báo', 'Add an alert')}</h3>
    <div class="field"><label for="na-name">${L('Tên', 'Name')}</label><input id="na-name" required value=${f.name} onInput=${set('name')} /></div>
    <div class="field"><label for="na-query">${L('Truy vấn đã lưu', 'Saved query')}</label>
      <select id="na-query" required value=${f.query} onChange=${set('query')}>
        <option value="">—</option>${queries.map((q) => html`<option value=${q.name}>${q.name}</option>`)}</select></div>
    <div class="field"><label for="na-on">${L('Báo khi', 'Fire')}</label>
      <select id="na-on" value=${f.on} onChange=${set('on')}>${Object.entries(ON).map(([k, v]) => html`<option value=${k}>${L(...v)}</option>`)}</select></div>
    <div class="field"><label for="na-window">${L('Cửa sổ', 'Window')}</label>
      <select id="na-window" value=${f.window} onChange=${set('window')}>${['1h', '6h', '1d', '7d'].map((w) => html`<option value=${w}>${w}</option>`)}</select></div>
    ${f.on !== 'match' && html`<div class="field"><label for="na-thr">${f.on === 'negative' ? L('Ngưỡng (0,15 = 15%)', 'Line (0.15 = 15%)') : L('Mức ý nghĩa', 'Significance')}</label>
      <input id="na-thr" inputmode="decimal" value=${f.on === 'spike' && f.threshold === '0.15' ? '0,001' : f.threshold} onInput=${set('threshold')} /></div>`}
    ${f.on === 'match' && html`<label class="check"><input type="checkbox" checked=${f.digest} onChange=${set('digest')} /> ${L('Gom thành bản tin', 'Digest')}</label>`}
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
      : html`<ul class="plain">${list.map((a) => html`<li><strong>${a.alert || a.name}</strong> — ${fmtDate(a.at || a.fired_at)}
        ${a.on && html` · ${ON[a.on] ? L(...ON[a.on]) : a.on}`}${a.count != null ? ' · ' + L(`${fmtNum(a.count)} tin`, `${fmtNum(a.count)} items`) : ''}
        ${a.share != null ? ' · ' + fmtPct(a.share) : ''}${a.message ? ' — ' + a.message : ''}</li>`)}</ul>`}
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
                <th scope="col">${L('Khớp gần nhất', 'Last match')}</th><th scope="col"><span class="sr-only">${L('Thao tác', 'Actions')}</span></th></tr></thead>
              <tbody>${d.queries.map((q) => html`<tr><th scope="row">${q.name}</th><td><a href=${href('/search', { q: q.query })}><code>${q.query}</code></a></td>
                <td class="num">${fmtNum(q.hits ?? q.matches)}</td><td>${fmtDate(q.last_match_at || q.last_hit_at)}</td>
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
                <td>${ON[a.on] ? L(...ON[a.on]) : a.on}${a.window ? ` (${a.window}${a.threshold != null ? ', ' + (a.on === 'negative' ? fmtPct(a.threshold, 0) : a.threshold) : ''})` : ''}</td>
                <td>${[a.webhook && 'webhook', a.email, L('trình duyệt', 'browser')].filter(Boolean).join(', ')}</td><td>${fmtDate(a.last_fired_at)}</td>
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
