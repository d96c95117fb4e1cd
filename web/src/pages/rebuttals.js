// rebuttals.js - Phản bác thông tin sai: the rebuttal kit as a case (the
// claim, the responsible unit, earlier official statements, legal articles,
// the draft), its approval and publication through the network, and — once
// published — the rebuttal's reach (outlets that carried it, items, first
// seen, per day) beside the claim's spread (outlets, items, per day).
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L } from '../lib/i18n.js';
import { post } from '../lib/api.js';
import { fmtDate, fmtNum, fmtPct, safeUrl } from '../lib/fmt.js';
import { go } from '../lib/route.js';
import { TimeChart, COLORS } from '../components/chart.js';
import { useFetch, Async, Empty, ErrorBox, PageTitle } from '../components/ui.js';
import { useTypes, useOrgs, CaseTable, CaseView } from '../components/wf.js';

/** Roles that may assemble a kit (POST /api/v1/rebuttals). */
export const KIT_ROLES = ['admin', 'spokesperson', 'analyst', 'editor'];

const REB_STATE = {
  not_published: ['chưa công bố', 'not published yet'], queued: ['đang chờ công bố qua mạng lưới', 'queued for the network'],
  published: ['đã công bố, có chữ ký số', 'published and signed'],
};
const OUTLET = { press: ['báo chí', 'press'], portal: ['cổng thông tin', 'portal'], social: ['mạng xã hội', 'social media'], agency: ['cơ quan', 'agency'] };

const dayTs = (d) => Date.parse(d + 'T00:00:00+07:00') / 1000;
const mins = (s) => (s == null ? null : s < 3600 ? L(`${Math.max(0, Math.round(s / 60))} phút`, `${Math.max(0, Math.round(s / 60))} min`)
  : s < 172800 ? L(`${fmtNum(s / 3600, 1)} giờ`, `${fmtNum(s / 3600, 1)} h`) : L(`${fmtNum(s / 86400, 1)} ngày`, `${fmtNum(s / 86400, 1)} days`));

/** Days with no item between the first and the last are zeros (up to a
 * year); the chart then shows gaps as gaps. */
function fillDays(days) {
  if (days.length < 2) return days;
  const first = dayTs(days[0].day), last = dayTs(days[days.length - 1].day);
  if ((last - first) / 86400 > 400) return days;
  const by = new Map(days.map((d) => [dayTs(d.day), d]));
  const out = [];
  for (let t = first; t <= last; t += 86400) out.push(by.get(t) || { day: null, t, claim: 0, rebuttal: 0 });
  return out.map((d) => ({ ...d, t: d.t ?? dayTs(d.day) }));
}

function SourceList({ rows, orgs, empty }) {
  if (!rows?.length) return html`<p class="muted small">${empty}</p>`;
  return html`<ol class="reach-sources">${rows.slice(0, 12).map((s) => html`<li>
    <strong>${s.org_name || (s.org && orgs.find((o) => o.slug === s.org)?.name) || s.source}</strong>
    <span class="muted small">${[s.org_name || s.org ? s.source : '', s.outlet && OUTLET[s.outlet] ? L(...OUTLET[s.outlet]) : ''].filter(Boolean).map((t) => ' · ' + t)}</span>
    <span class="reach-n">${fmtNum(s.items)} ${L('tin', 'items')}</span>
    ${s.first_seen ? html`<br /><span class="muted small">${L('lần đầu', 'first')} ${fmtDate(s.first_seen)}</span>` : ''}
  </li>`)}</ol>${rows.length > 12 ? html`<p class="muted small">${L(`và ${rows.length - 12} nguồn khác`, `and ${rows.length - 12} more`)}</p>` : ''}`;
}

/** The rebuttal's reach beside the claim's spread: counts side by side, a
 * chart of both per day, the outlets of each. */
export function ReachPanel({ reach, orgs }) {
  if (!reach) return null;
  const c = reach.claim, r = reach.rebuttal || {};
  const days = fillDays(reach.days || []);
  const x = days.map((d) => d.t);
  const pub = r.state === 'published';
  const series = [
    { label: L('Tin lan truyền thông tin sai', 'Items spreading the claim'), values: days.map((d) => d.claim), color: COLORS.negative },
    ...(pub ? [{ label: L('Tin đăng lại bài phản bác', 'Items carrying the rebuttal'), values: days.map((d) => d.rebuttal), color: COLORS.positive }] : []),
  ];
  return html`<section class="card reach" aria-labelledby="h-reach">
    <h2 id="h-reach">${L('Lan truyền: thông tin sai và bài phản bác', 'Spread: the claim and its rebuttal')}</h2>
    <div class="reach-cols">
      <div class="reach-side claim" aria-labelledby="h-reach-claim">
        <h3 id="h-reach-claim">${L('Thông tin sai sự thật', 'The false claim')}</h3>
        ${c ? html`<dl class="kv reach-kv">
            <dt>${L('Số tin', 'Items')}</dt><dd data-k="claim-items">${fmtNum(c.items)}</dd>
            <dt>${L('Số nguồn', 'Outlets')}</dt><dd data-k="claim-outlets">${fmtNum(c.outlets)}</dd>
            <dt>${L('Xuất hiện lần đầu', 'First seen')}</dt><dd>${c.first_seen ? fmtDate(c.first_seen) : '—'}</dd>
            <dt>${L('Gần nhất', 'Last seen')}</dt><dd>${c.last_seen ? fmtDate(c.last_seen) : '—'}</dd>
          </dl>
          <${SourceList} rows=${c.sources} orgs=${orgs} empty=${L('Chưa có tin nào mang thông tin sai.', 'No item carries the claim yet.')} />`
        : html`<p class="muted small">${L('Bộ phản bác được lập từ một đoạn văn, không từ danh mục thông tin sai: không có số liệu lan truyền.', 'The kit was built from a text, not from the registry: no spread to follow.')}</p>`}
      </div>
      <div class="reach-side rebuttal" aria-labelledby="h-reach-reb">
        <h3 id="h-reach-reb">${L('Bài phản bác', 'The rebuttal')} <span class=${'badge ' + (pub ? 'wf-closed' : 'muted')}>${L(...(REB_STATE[r.state] || [r.state || '—', r.state || '—']))}</span></h3>
        ${pub ? html`<dl class="kv reach-kv">
            <dt>${L('Công bố lúc', 'Published')}</dt><dd>${fmtDate(r.published_at)}</dd>
            <dt>${L('Số tin đăng lại', 'Items carrying it')}</dt><dd data-k="reb-items">${fmtNum(r.items)}</dd>
            <dt>${L('Số nguồn đăng lại', 'Outlets')}</dt><dd data-k="reb-outlets">${fmtNum(r.outlets)}${r.outlets_total ? html` <span class="muted small">(${L(`${fmtNum(r.outlets_picked)} trên ${fmtNum(r.outlets_total)} nguồn của mạng lưới, ${fmtPct(r.coverage, 0)}`, `${fmtNum(r.outlets_picked)} of the network's ${fmtNum(r.outlets_total)}, ${fmtPct(r.coverage, 0)}`)})</span>` : ''}</dd>
            <dt>${L('Lần đầu được đăng lại', 'First picked up')}</dt><dd>${r.first_seen ? html`${fmtDate(r.first_seen)}${r.first_pickup_s != null ? html` <span class="muted small">(${L('sau', 'after')} ${mins(r.first_pickup_s)})</span>` : ''}` : '—'}</dd>
            <dt>${L('Đăng đúng nguyên văn', 'Faithful copies')}</dt><dd>${fmtNum(r.faithful)}${r.changed ? html` · <span class="field-bad">${L(`${fmtNum(r.changed)} bản có sửa số liệu, tên hoặc phủ định`, `${fmtNum(r.changed)} changed numbers, names or negations`)}</span>` : ''}</dd>
          </dl>
          <${SourceList} rows=${r.sources} orgs=${orgs} empty=${L('Chưa có cổng thông tin hay cơ quan báo chí nào đăng lại.', 'No portal or outlet has carried it yet.')} />`
        : html`<p class="muted small">${L('Sau khi được phê duyệt và công bố qua mạng lưới (có chữ ký số), độ lan tỏa của bài phản bác hiện ở đây, bên cạnh lan truyền của thông tin sai.', 'Once approved and published through the network (signed), the rebuttal’s reach shows here, beside the claim’s spread.')}</p>`}
      </div>
    </div>
    ${x.length > 1 ? html`<${TimeChart} title=${L('Số tin theo ngày: thông tin sai và bài phản bác', 'Items per day: the claim and its rebuttal')}
        summary=${L(`Thông tin sai: ${fmtNum(c?.items ?? 0)} tin; bài phản bác: ${fmtNum(r.items ?? 0)} tin đăng lại`, `Claim: ${fmtNum(c?.items ?? 0)} items; rebuttal: ${fmtNum(r.items ?? 0)} items`)}
        x=${x} series=${series} height=${200} />`
      : days.length === 1 ? html`<p class="muted small">${L(`Ngày ${days[0].day.split('-').reverse().join('/')}: ${days[0].claim} tin thông tin sai, ${days[0].rebuttal} tin đăng lại bài phản bác.`, `${days[0].day}: ${days[0].claim} claim items, ${days[0].rebuttal} rebuttal items.`)}</p>`
      : html`<p class="muted small">${L('Chưa có số liệu theo ngày.', 'No figures per day yet.')}</p>`}
  </section>`;
}

/** What the kit assembled: the claim, the unit, earlier statements, laws. */
function KitPanel({ c, orgs }) {
  const k = c.data || {};
  return html`<section class="card kit" aria-labelledby="h-kit">
    <h2 id="h-kit">${L('Bộ phản bác', 'The rebuttal kit')}</h2>
    <dl class="kv">
      <dt>${L('Thông tin sai', 'The claim')}</dt><dd>${k.claim?.title ? html`<strong>${k.claim.title}</strong><br />` : ''}${k.claim?.text || '—'}
        ${k.claim_id ? html`<br /><a href=${'#/claims/' + k.claim_id}>${L('Xem trong danh mục thông tin sai', 'See it in the registry')}</a>` : ''}</dd>
      <dt>${L('Đơn vị chủ trì (theo quy tắc)', 'Responsible unit (rules)')}</dt><dd>${k.unit ? (orgs.find((o) => o.slug === k.unit)?.name || k.unit) : '—'}</dd>
    </dl>
    <h3>${L('Thông tin chính thức đã có', 'Earlier official statements')}</h3>
    ${(k.statements || []).length ? html`<ul>${k.statements.map((s) => { const u = safeUrl(s.url); return html`<li>${u ? html`<a href=${u} rel="noopener noreferrer nofollow" target="_blank">${s.title || u}</a>` : html`<a href=${'#/items/' + s.item_id}>${s.title || '#' + s.item_id}</a>`} <span class="muted small">${s.source || ''} · ${fmtDate(s.published_at)}</span></li>`; })}</ul>`
      : html`<p class="muted small">${L('Không tìm thấy.', 'None found.')}</p>`}
    <h3>${L('Căn cứ pháp lý', 'Legal basis')}</h3>
    ${(k.legal_articles || []).length ? html`<ul>${k.legal_articles.map((a) => html`<li><strong>${a.citation}</strong><br /><span class="muted small">${a.excerpt}</span></li>`)}</ul>`
      : html`<p class="muted small">${L('Không có điều luật liên quan trong cơ sở dữ liệu.', 'No related article in the legal base.')}</p>`}
  </section>`;
}

function RebuttalCase({ id, user }) {
  const types = useTypes();
  const orgs = useOrgs();
  const st = useFetch(`/api/v1/workflow/cases/${encodeURIComponent(id)}`);
  const [cur, setCur] = useState(null);
  const back = html`<p><a href="#/rebuttals">← ${L('Về danh sách', 'Back to the list')}</a></p>`;
  return html`<div class="page case rebuttal">
    <${PageTitle} sub=${L(`Hồ sơ số ${id}: từ thông tin sai đến bài phản bác được công bố, có chữ ký số`, `Case ${id}: from a false claim to a published, signed rebuttal`)}>${L('Phản bác thông tin sai', 'Rebuttal')}<//>
    <${Async} st=${st} what=${L('hồ sơ', 'the case')} endpoint="GET /api/v1/workflow/cases/{id}">${(d) => {
      const c = cur && cur.id === d.case.id ? cur : d.case;
      return html`<${ReachPanel} reach=${c.reach} orgs=${orgs} />
        <${CaseView} c=${c} user=${user} types=${types} orgs=${orgs} back=${back}
          onChange=${(nc) => { setCur(nc); st.reload(); }} />
        <${KitPanel} c=${c} orgs=${orgs} />`;
    }}<//>
  </div>`;
}

/** Rebuttal cases (of one claim when claimId is given) and the button that
 * assembles a new kit. */
export function RebuttalCases({ claimId, user }) {
  const orgs = useOrgs();
  const st = useFetch('/api/v1/workflow/cases', { type: 'rebuttal', parent: claimId || '', limit: 100 });
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const can = KIT_ROLES.includes(user?.role);
  const build = async () => {
    setBusy(true); setErr(null);
    try {
      const d = await post('/api/v1/rebuttals', { claim_id: Number(claimId) });
      go('/rebuttals/' + d.case.id);
    } catch (x) { setErr(x); }
    setBusy(false);
  };
  return html`<section class="card" aria-labelledby="h-rebcases">
    <h2 id="h-rebcases">${L('Hồ sơ phản bác', 'Rebuttal cases')}</h2>
    <${Async} st=${st} what=${L('hồ sơ phản bác', 'rebuttal cases')} endpoint="GET /api/v1/workflow/cases?type=rebuttal">${(d) => {
      const list = (d.cases || []).filter((c) => c.type === 'rebuttal');
      if (!list.length) return html`<${Empty}>${L('Chưa có hồ sơ phản bác.', 'No rebuttal case yet.')}<//>`;
      return html`<${CaseTable} cases=${list} base="/rebuttals" orgs=${orgs} caption=${L('Hồ sơ phản bác', 'Rebuttal cases')} />`;
    }}<//>
    ${can && claimId && html`<div class="btn-row"><button type="button" class="btn primary" disabled=${busy} onClick=${build}>${L('Lập bộ phản bác', 'Assemble a rebuttal kit')}</button>
      <span class="muted small">${L('Thông tin sai, đơn vị chủ trì, thông tin chính thức đã có, căn cứ pháp lý và dự thảo bài phản bác', 'The claim, the responsible unit, earlier statements, the legal basis and a draft')}</span></div>`}
    <${ErrorBox} error=${err} />
  </section>`;
}

export function RebuttalsPage({ id, user }) {
  if (id) return html`<${RebuttalCase} id=${id} user=${user} key=${id} />`;
  return html`<div class="page rebuttals">
    <${PageTitle} sub=${L('Từ cảnh báo thông tin sai đến bài phản bác được công bố, có chữ ký số, và độ lan tỏa của nó', 'From a false-claim alert to a published, signed rebuttal, and its reach')}>${L('Phản bác thông tin sai', 'Rebuttals')}<//>
    <p><a href="#/claims">${L('Danh mục thông tin sai sự thật', 'The false-claims registry')}</a></p>
    <${RebuttalCases} user=${user} />
  </div>`;
}
