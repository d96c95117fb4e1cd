// sources.js - Nguồn tin: every source with its health (tình trạng nguồn).
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L, platformName } from '../lib/i18n.js';
import { fmtDate, fmtNum, safeUrl } from '../lib/fmt.js';
import { useFetch, Async, Empty, PageTitle } from '../components/ui.js';

const HEALTH = {
  ok: ['tốt', 'healthy', 'good'], active: ['đang theo dõi', 'active', 'good'],
  silent: ['im lặng bất thường', 'went silent', 'warn'], failing: ['lỗi khi lấy tin', 'failing', 'bad'],
  error: ['lỗi', 'error', 'bad'], paused: ['tạm dừng', 'paused', 'muted'], disabled: ['ngừng', 'disabled', 'muted'],
  backoff: ['đang chờ thử lại', 'backing off', 'warn'],
};
const TYPE = { feed: ['nguồn RSS/Atom', 'feed'], social: ['mạng xã hội', 'social'], page: ['trang web', 'web page'], official: ['chính thống', 'official'] };

export function Health({ s }) {
  const k = s.health || (s.silent ? 'silent' : null) || s.state || 'active';
  const h = HEALTH[k] || [k, k, 'muted'];
  return html`<span class=${'badge health-' + h[2]}>${L(h[0], h[1])}</span>`;
}

export function SourcesPage() {
  const st = useFetch('/api/v1/sources');
  const [filter, setFilter] = useState('');
  return html`<div class="page sources">
    <${PageTitle} sub=${L('Báo chí, cổng thông tin và trang mạng xã hội đang được theo dõi, với tình trạng nguồn', 'The press, portals and social pages followed, with their health')}>${L('Nguồn tin', 'Sources')}<//>
    <${Async} st=${st} what=${L('nguồn tin', 'sources')}>${(d) => {
      const all = d.sources || [];
      const f = filter.trim().toLowerCase();
      const list = f ? all.filter((s) => [s.slug, s.outlet, s.org, s.url, s.platform].some((v) => String(v || '').toLowerCase().includes(f))) : all;
      const hasHealth = all.some((s) => s.last_fetch_at || s.last_item_at || s.errors != null || s.health);
      const silent = all.filter((s) => s.health === 'silent' || s.silent).length;
      const failing = all.filter((s) => ['failing', 'error'].includes(s.health || s.state)).length;
      return html`<div>
        <div class="kpis">
          <div class="kpi"><span class="kpi-label">${L('Số nguồn', 'Sources')}</span><span class="kpi-value">${fmtNum(all.length)}</span></div>
          <div class="kpi"><span class="kpi-label">${L('Số tin', 'Items')}</span><span class="kpi-value">${fmtNum(all.reduce((a, s) => a + (s.items || 0), 0))}</span></div>
          ${hasHealth && html`<div class=${'kpi ' + (silent ? 'bad' : 'good')}><span class="kpi-label">${L('Im lặng bất thường', 'Gone silent')}</span><span class="kpi-value">${fmtNum(silent)}</span></div>
            <div class=${'kpi ' + (failing ? 'bad' : 'good')}><span class="kpi-label">${L('Đang lỗi', 'Failing')}</span><span class="kpi-value">${fmtNum(failing)}</span></div>`}
        </div>
        <div class="toolbar"><div class="field"><label for="src-filter">${L('Lọc', 'Filter')}</label>
          <input id="src-filter" type="search" value=${filter} onInput=${(e) => setFilter(e.currentTarget.value)} /></div></div>
        ${!hasHealth && html`<p class="muted small">${L('Máy chủ chưa gửi số liệu tình trạng (lần lấy tin cuối, lỗi); hiện chỉ có trạng thái và số tin.',
          'The server sends no health figures yet (last fetch, errors); only the state and item counts.')}</p>`}
        ${list.length === 0 ? html`<${Empty} />` : html`<div class="table-wrap"><table class="data">
          <thead><tr><th scope="col">${L('Nguồn', 'Source')}</th><th scope="col">${L('Loại', 'Type')}</th><th scope="col">${L('Nền tảng', 'Platform')}</th>
            <th scope="col">${L('Cơ quan', 'Organisation')}</th><th scope="col">${L('Tình trạng', 'Health')}</th><th scope="col" class="num">${L('Số tin', 'Items')}</th>
            ${hasHealth && html`<th scope="col">${L('Lấy tin lần cuối', 'Last fetch')}</th><th scope="col">${L('Tin mới nhất', 'Newest item')}</th><th scope="col" class="num">${L('Lỗi', 'Errors')}</th>`}
            <th scope="col"><span class="sr-only">${L('Tìm', 'Search')}</span></th></tr></thead>
          <tbody>${list.map((s) => { const u = safeUrl(s.url); return html`<tr>
            <th scope="row">${u ? html`<a href=${u} rel="noopener noreferrer nofollow" target="_blank">${s.slug}</a>` : s.slug}${s.outlet && s.outlet !== 'social' ? html`<div class="muted small">${s.outlet}</div>` : ''}</th>
            <td>${TYPE[s.type] ? L(...TYPE[s.type]) : s.type || '—'}</td><td>${platformName(s.platform)}</td><td>${s.org || '—'}</td>
            <td><${Health} s=${s} />${s.last_error && html`<div class="muted small" title=${s.last_error}>${String(s.last_error).slice(0, 60)}</div>`}</td>
            <td class="num">${fmtNum(s.items)}</td>
            ${hasHealth && html`<td>${fmtDate(s.last_fetch_at)}</td><td>${fmtDate(s.last_item_at)}</td><td class="num">${fmtNum(s.errors ?? s.error_count)}</td>`}
            <td><a href=${'#/search?q=' + encodeURIComponent('source:' + s.slug)}>${L('Xem tin', 'Items')}<span class="sr-only"> ${s.slug}</span></a></td>
          </tr>`; })}</tbody></table></div>`}
      </div>`;
    }}<//>
  </div>`;
}
