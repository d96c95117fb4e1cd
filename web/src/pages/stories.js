// stories.js - Sự kiện: near-duplicate items grouped into stories, with the
// first source, spread over time and number of outlets.
import { useMemo, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L } from '../lib/i18n.js';
import { fmtDate, fmtNum, fmtPct } from '../lib/fmt.js';
import { TimeChart, COLORS } from '../components/chart.js';
import { useFetch, Async, Empty, ToneBadge, ItemMeta, PageTitle, itemTitle } from '../components/ui.js';
import { Select, PERIODS } from './overview.js';

const first = (s) => s.first || s.first_item || null;
const ts = (v) => (v ? Date.parse(v) / 1000 : null);

/** Cumulative items and outlets over time, from spread points or items. */
function spreadSeries(story, items) {
  let pts = (story.spread || story.timeline || []).map((p) => ({ t: ts(p.t ?? p.at ?? p.time ?? p.start), items: p.items ?? p.n ?? p.count, outlets: p.outlets }))
    .filter((p) => p.t);
  if (!pts.length && items.length) {
    const sorted = [...items].sort((a, b) => Date.parse(a.published_at) - Date.parse(b.published_at));
    const seen = new Set();
    pts = sorted.map((it, i) => { seen.add(it.source); return { t: ts(it.published_at), items: i + 1, outlets: seen.size, cum: true }; });
  } else if (pts.length && !pts[0].cum) {
    // per-bucket counts -> cumulative
    let a = 0;
    pts = pts.sort((x, y) => x.t - y.t).map((p) => ({ ...p, items: (a += p.items || 0) }));
  }
  return pts;
}

function StoryDetail({ id }) {
  const st = useFetch(`/api/v1/stories/${encodeURIComponent(id)}`);
  return html`<${Async} st=${st} what=${L('sự kiện', 'story')} endpoint="GET /api/v1/stories/{id}">${(d) => {
    const s = d.story || d;
    const items = d.items || s.items_list || (Array.isArray(s.items) ? s.items : []);
    // the spread sits next to the story in the answer (docs/web.md §8)
    const pts = spreadSeries({ ...s, spread: d.spread || s.spread }, items);
    const x = pts.map((p) => p.t);
    const series = [{ label: L('Số tin (cộng dồn)', 'Items (cumulative)'), values: pts.map((p) => p.items), color: COLORS.total }];
    if (pts.some((p) => p.outlets != null)) series.push({ label: L('Số nguồn', 'Outlets'), values: pts.map((p) => p.outlets ?? null), color: COLORS.palette[3] });
    const f = first(s);
    return html`<div>
      <${PageTitle} sub=${L('Sự kiện (cụm tin)', 'Story (a cluster of items)')}>${s.title || '#' + id}<//>
      <p><a href="#/stories">← ${L('Tất cả sự kiện', 'All stories')}</a></p>
      <div class="kpis">
        <div class="kpi"><span class="kpi-label">${L('Số tin', 'Items')}</span><span class="kpi-value">${fmtNum(typeof s.items === 'number' ? s.items : items.length)}</span></div>
        <div class="kpi"><span class="kpi-label">${L('Số nguồn', 'Outlets')}</span><span class="kpi-value">${fmtNum(s.outlets)}</span></div>
        <div class="kpi"><span class="kpi-label">${L('Nguồn đầu tiên', 'First source')}</span><span class="kpi-value small">${f?.source || s.first_source || '—'}</span>
          <span class="kpi-note">${fmtDate(f?.published_at || s.first_at)}</span></div>
        ${s.negative_share != null && html`<div class="kpi"><span class="kpi-label">${L('Tỉ lệ tiêu cực', 'Negative share')}</span><span class="kpi-value">${fmtPct(s.negative_share)}</span></div>`}
      </div>
      ${x.length > 1 && html`<${TimeChart} title=${L('Mức lan truyền theo thời gian', 'Spread over time')} x=${x} series=${series} height=${200} />`}
      <h2>${L('Các tin trong sự kiện', 'Items in the story')}</h2>
      ${items.length ? html`<ol class="results">${items.map((it) => html`<li class="result"><h3><a href=${'#/items/' + it.item_id}>${itemTitle(it)}</a></h3>
        <p><${ItemMeta} it=${it} /> ${it.tone && html`<${ToneBadge} tone=${it.tone} />`}</p></li>`)}</ol>` : html`<${Empty} />`}
    </div>`;
  }}<//>`;
}

export function StoriesPage({ id }) {
  const [period, setPeriod] = useState('7d');
  const st = useFetch(id ? null : '/api/v1/stories', { since: period, limit: 50 });
  if (id) return html`<div class="page stories"><${StoryDetail} id=${id} /></div>`;
  return html`<div class="page stories">
    <${PageTitle} sub=${L('Các tin gần giống nhau từ nhiều nguồn được gom thành một sự kiện', 'Near-duplicate items from many outlets grouped into one story')}>${L('Sự kiện', 'Stories')}<//>
    <form class="toolbar" onSubmit=${(e) => e.preventDefault()}>
      <${Select} id="st-period" label=${L('Thời gian', 'Period')} value=${period} options=${PERIODS} onChange=${setPeriod} />
    </form>
    <${Async} st=${st} what=${L('sự kiện (cụm tin)', 'stories')} endpoint="GET /api/v1/stories">${(d) => {
      const list = d.stories || [];
      if (!list.length) return html`<${Empty}>${L('Chưa có sự kiện nào trong khoảng thời gian này.', 'No story in this period.')}<//>`;
      return html`<div class="table-wrap"><table class="data">
        <thead><tr><th scope="col">${L('Sự kiện', 'Story')}</th><th scope="col">${L('Nguồn đầu tiên', 'First source')}</th>
          <th scope="col">${L('Bắt đầu', 'Started')}</th><th scope="col">${L('Mới nhất', 'Latest')}</th>
          <th scope="col" class="num">${L('Số tin', 'Items')}</th><th scope="col" class="num">${L('Số nguồn', 'Outlets')}</th>
          <th scope="col" class="num">${L('Tiêu cực', 'Negative')}</th></tr></thead>
        <tbody>${list.map((s) => { const f = first(s); return html`<tr>
          <th scope="row"><a href=${'#/stories/' + s.id}>${s.title || '#' + s.id}</a></th>
          <td>${f?.source || s.first_source || '—'}</td><td>${fmtDate(f?.published_at || s.first_at || s.started_at)}</td>
          <td>${fmtDate(s.last_at || s.updated_at)}</td><td class="num">${fmtNum(typeof s.items === 'number' ? s.items : s.size)}</td>
          <td class="num">${fmtNum(s.outlets)}</td><td class="num">${s.negative_share != null ? fmtPct(s.negative_share) : '—'}</td></tr>`; })}</tbody>
      </table></div>`;
    }}<//>
  </div>`;
}
