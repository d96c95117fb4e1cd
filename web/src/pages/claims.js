// claims.js - Thông tin sai sự thật: the registry of false claims with their
// official rebuttals; matched items; the spread of a claim against the
// spread of its rebuttal; the rebuttal cases of a claim (the kit, then the
// published rebuttal's reach beside the claim's spread: rebuttals.js).
import { html } from '../lib/html.js';
import { L } from '../lib/i18n.js';
import { fmtDate, fmtNum, safeUrl } from '../lib/fmt.js';
import { TimeChart, COLORS } from '../components/chart.js';
import { useFetch, Async, Empty, ItemMeta, PageTitle, itemTitle } from '../components/ui.js';
import { RebuttalCases } from './rebuttals.js';

const STATUS = {
  open: ['đang theo dõi', 'watching'], watching: ['đang theo dõi', 'watching'], new: ['mới phát hiện', 'new'],
  verifying: ['đang xác minh', 'verifying'], rebutted: ['đã phản bác', 'rebutted'], closed: ['đã đóng', 'closed'],
};
const statusName = (s) => (STATUS[s] ? L(...STATUS[s]) : s || '—');
const ts = (v) => (typeof v === 'number' ? (v > 1e11 ? v / 1000 : v) : Date.parse(v) / 1000);

function Rebuttal({ r }) {
  if (!r) return html`<span class="muted">${L('chưa có bài phản bác', 'no rebuttal yet')}</span>`;
  const u = safeUrl(r.url);
  const t = r.title || L('Bài phản bác', 'Rebuttal');
  return r.item_id ? html`<a href=${'#/items/' + r.item_id}>${t}</a>` : u ? html`<a href=${u} rel="noopener noreferrer nofollow" target="_blank">${t}</a>` : t;
}

function ClaimDetail({ id, user }) {
  const st = useFetch(`/api/v1/claims/${encodeURIComponent(id)}`);
  return html`<${Async} st=${st} what=${L('thông tin sai sự thật', 'false claim')} endpoint="GET /api/v1/claims/{id}">${(d) => {
    const c = d.claim || d;
    const items = d.items || c.matches_list || [];
    const sp = (d.spread || c.spread || []).map((p) => ({ t: ts(p.t ?? p.at ?? p.start), claim: p.claim ?? p.claim_items ?? p.matches ?? 0, rebuttal: p.rebuttal ?? p.rebuttal_items ?? p.pickups ?? 0 }))
      .filter((p) => p.t).sort((a, b) => a.t - b.t);
    const x = sp.map((p) => p.t);
    const series = [
      { label: L('Tin lan truyền thông tin sai', 'Items spreading the claim'), values: sp.map((p) => p.claim), color: COLORS.negative },
      { label: L('Tin đăng lại bài phản bác', 'Items carrying the rebuttal'), values: sp.map((p) => p.rebuttal), color: COLORS.positive },
    ];
    return html`<div>
      <${PageTitle} sub=${L('Thông tin sai sự thật và bài phản bác', 'A false claim and its rebuttal')}>${c.title || c.text || '#' + id}<//>
      <p><a href="#/claims">← ${L('Tất cả', 'All claims')}</a></p>
      <dl class="kv">
        <dt>${L('Nội dung', 'Claim')}</dt><dd>${c.text || c.title}</dd>
        <dt>${L('Trạng thái', 'Status')}</dt><dd>${statusName(c.status)}</dd>
        <dt>${L('Phát hiện lần đầu', 'First seen')}</dt><dd>${fmtDate(c.first_seen || c.created_at)}</dd>
        <dt>${L('Bài phản bác', 'Rebuttal')}</dt><dd><${Rebuttal} r=${c.rebuttal} /></dd>
      </dl>
      ${x.length > 1 ? html`<${TimeChart} title=${L('Lan truyền: thông tin sai so với bài phản bác', 'Spread: the claim against its rebuttal')} x=${x} series=${series} height=${210} />`
        : html`<p class="muted">${L('Chưa có số liệu lan truyền theo thời gian.', 'No spread over time yet.')}</p>`}
      <${RebuttalCases} claimId=${c.id || id} user=${user} />
      <h2>${L('Tin khớp', 'Matching items')} <span class="muted small">(${fmtNum(c.items ?? items.length)})</span></h2>
      ${items.length ? html`<ol class="results">${items.map((it) => html`<li class="result"><h3><a href=${'#/items/' + it.item_id}>${itemTitle(it)}</a></h3><p><${ItemMeta} it=${it} /></p></li>`)}</ol>` : html`<${Empty} />`}
    </div>`;
  }}<//>`;
}

export function ClaimsPage({ id, user }) {
  const st = useFetch(id ? null : '/api/v1/claims');
  if (id) return html`<div class="page claims"><${ClaimDetail} id=${id} user=${user} /></div>`;
  return html`<div class="page claims">
    <${PageTitle} sub=${L('Thông tin sai sự thật đã xác minh, bài phản bác chính thức và mức lan truyền', 'Verified false claims, the official rebuttals and how far each spread')}>${L('Thông tin sai sự thật', 'False claims')}<//>
    <p><a href="#/rebuttals">${L('Hồ sơ phản bác và độ lan tỏa', 'Rebuttal cases and their reach')}</a></p>
    <${Async} st=${st} what=${L('danh mục thông tin sai sự thật', 'the false-claims registry')} endpoint="GET /api/v1/claims">${(d) => {
      const list = d.claims || [];
      if (!list.length) return html`<${Empty}>${L('Chưa có thông tin sai sự thật nào trong danh mục.', 'The registry is empty.')}<//>`;
      return html`<div class="table-wrap"><table class="data">
        <thead><tr><th scope="col">${L('Thông tin sai sự thật', 'Claim')}</th><th scope="col">${L('Trạng thái', 'Status')}</th>
          <th scope="col" class="num">${L('Tin khớp', 'Matches')}</th><th scope="col">${L('Phát hiện', 'First seen')}</th><th scope="col">${L('Bài phản bác', 'Rebuttal')}</th></tr></thead>
        <tbody>${list.map((c) => html`<tr><th scope="row"><a href=${'#/claims/' + c.id}>${c.title || c.text}</a></th>
          <td>${statusName(c.status)}</td><td class="num">${fmtNum(c.matches ?? c.items)}</td><td>${fmtDate(c.first_seen || c.created_at)}</td>
          <td><${Rebuttal} r=${c.rebuttal} /></td></tr>`)}</tbody></table></div>`;
    }}<//>
  </div>`;
}
