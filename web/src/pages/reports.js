// reports.js - Báo cáo: CSV exports (measures, items) and a printable
// report of a period.
import { useMemo, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L, toneName, platformName, cap } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { fmtDate, fmtNum, fmtPct, isoDay, toCsv } from '../lib/fmt.js';
import { normMeasures, along } from '../lib/measures.js';
import { go } from '../lib/route.js';
import { TimeChart, COLORS } from '../components/chart.js';
import { useFetch, ErrorBox, Loading, Unavailable, PageTitle, labelOf, DateField } from '../components/ui.js';
import { Select, GROUPS, SCOPES } from './overview.js';
import { Health } from './sources.js';

const MAX_ITEMS = 20000;

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const untilOf = (day) => (day ? `${day}T23:59:59+07:00` : undefined);
const interval = (since, until) => ((Date.parse(until || Date.now()) - Date.parse(since)) / 864e5 > 60 ? 'week' : 'day');

export function measuresCsv(m) {
  const rows = [];
  for (const g of [m.total, ...m.groups].filter(Boolean)) {
    for (const p of g.points) {
      rows.push([g === m.total ? '*' : g.key, g === m.total ? L('Tất cả', 'All') : g.name, fmtDate(p.t * 1000), p.n, p.positive, p.neutral, p.negative,
        p.share == null ? '' : p.share.toFixed(4), p.lo == null ? '' : p.lo.toFixed(4), p.hi == null ? '' : p.hi.toFixed(4), m.threshold]);
    }
  }
  return toCsv(['key', L('tên', 'name'), L('thời gian (giờ VN)', 'time (Vietnam)'), L('số tin', 'items'), L('tích cực', 'positive'), L('trung tính', 'neutral'),
    L('tiêu cực', 'negative'), L('tỉ lệ tiêu cực', 'negative share'), L('cận dưới 95%', 'lower 95%'), L('cận trên 95%', 'upper 95%'), L('ngưỡng', 'line')], rows);
}

export function ReportsPage() {
  const today = isoDay(new Date());
  const [since, setSince] = useState(isoDay(Date.now() - 30 * 864e5));
  const [until, setUntil] = useState(today);
  const [by, setBy] = useState('org');
  const [scope, setScope] = useState('all');
  const [busy, setBusy] = useState(null);
  const [msg, setMsg] = useState(null);
  const [err, setErr] = useState(null);
  const csvMeasures = async () => {
    setBusy('m'); setErr(null); setMsg(null);
    try {
      const d = await get('/api/v1/measures', { by, since, until: untilOf(until), interval: interval(since, until), scope });
      download(`loa-do-luong-${by}-${since}-${until}.csv`, measuresCsv(normMeasures(d)));
      setMsg(L('Đã tạo tệp CSV số liệu đo lường.', 'The measures CSV is ready.'));
    } catch (x) { setErr(x); }
    setBusy(null);
  };
  const csvItems = async () => {
    setBusy('i'); setErr(null); setMsg(null);
    try {
      const rows = [];
      let cursor;
      do {
        const d = await get('/api/v1/items', { since, until: untilOf(until), limit: 500, cursor });
        for (const it of d.items || []) {
          rows.push([it.item_id, it.published_at, fmtDate(it.published_at), it.source, it.org, it.kind, it.platform, it.author, it.title, it.text, it.url,
            labelOf(it.tone)?.label ?? '', labelOf(it.tone)?.p ?? '']);
        }
        cursor = d.next_cursor;
        setMsg(L(`Đã đọc ${fmtNum(rows.length)} tin…`, `${fmtNum(rows.length)} items read…`));
      } while (cursor && rows.length < MAX_ITEMS);
      download(`loa-tin-${since}-${until}.csv`, toCsv(['item_id', 'published_at (UTC)', L('thời gian đăng (giờ VN)', 'published (Vietnam)'), 'source', 'org', 'kind', 'platform',
        'author', 'title', 'text', 'url', 'tone', 'tone_p'], rows));
      setMsg(L(`Đã xuất ${fmtNum(rows.length)} tin${cursor ? ` (giới hạn ${fmtNum(MAX_ITEMS)})` : ''}.`, `${fmtNum(rows.length)} items exported${cursor ? ` (capped at ${fmtNum(MAX_ITEMS)})` : ''}.`));
    } catch (x) { setErr(x); }
    setBusy(null);
  };
  return html`<div class="page reports">
    <${PageTitle} sub=${L('Xuất dữ liệu CSV và báo cáo in được cho một khoảng thời gian', 'CSV exports and a printable report for a period')}>${L('Báo cáo', 'Reports')}<//>
    <form class="card report-form" onSubmit=${(e) => { e.preventDefault(); go('/reports/print', { since, until, by, scope }); }}>
      <div class="toolbar">
        <${DateField} id="r-since" label=${L('Từ ngày', 'From')} value=${since} onChange=${setSince} />
        <${DateField} id="r-until" label=${L('Đến ngày', 'To')} value=${until} onChange=${setUntil} />
        <${Select} id="r-by" label=${L('Theo', 'By')} value=${by} options=${GROUPS} onChange=${setBy} />
        <${Select} id="r-scope" label=${L('Phạm vi', 'Scope')} value=${scope} options=${SCOPES} onChange=${setScope} />
      </div>
      <div class="actions">
        <button type="submit" class="btn primary">${L('Xem bản in', 'Printable report')}</button>
        <button type="button" class="btn" onClick=${csvMeasures} disabled=${!!busy}>${L('Tải CSV số liệu đo lường', 'Download the measures as CSV')}</button>
        <button type="button" class="btn" onClick=${csvItems} disabled=${!!busy}>${L('Tải CSV danh sách tin', 'Download the items as CSV')}</button>
      </div>
      <p class="muted small">${L('Ngày theo giờ Việt Nam; tệp CSV mã UTF-8 mở được bằng Excel. Danh sách tin tối đa 20.000 dòng.', 'Days in Vietnam time; UTF-8 CSV that opens in Excel. At most 20,000 items.')}</p>
      ${msg && html`<p class="ok-msg" role="status">${msg}</p>`}
      ${err && (err.unavailable ? html`<${Unavailable} what=${L('số liệu đo lường', 'measures')} endpoint="GET /api/v1/measures" />` : html`<${ErrorBox} error=${err} />`)}
    </form>
  </div>`;
}

/** The printable report: what the leadership reads on paper. */
export function PrintReport({ params }) {
  const since = params.since || isoDay(Date.now() - 30 * 864e5);
  const until = params.until || isoDay(new Date());
  const by = params.by || 'org';
  const scope = params.scope || 'all';
  const ms = useFetch('/api/v1/measures', { by, since, until: untilOf(until), interval: interval(since, until), scope });
  const srcs = useFetch('/api/v1/sources');
  const stories = useFetch('/api/v1/stories', { since, until: untilOf(until), limit: 10 });
  const m = useMemo(() => (ms.data ? normMeasures(ms.data) : null), [ms.data]);
  const shareSeries = useMemo(() => (m?.total ? [
    { label: L('Tỉ lệ tiêu cực', 'Negative share'), values: along(m.times, m.total, 'share'), color: COLORS.negative },
    { label: L('Cận trên 95%', '95% upper'), values: along(m.times, m.total, 'hi'), color: 'rgba(198,40,40,0.35)', width: 1 },
    { label: L('Cận dưới 95%', '95% lower'), values: along(m.times, m.total, 'lo'), color: 'rgba(198,40,40,0.35)', width: 1 },
  ] : null), [m]);
  const groupName = GROUPS.find((g) => g.v === by) || GROUPS[0];
  const sc = SCOPES.find((x) => x.v === scope) || SCOPES[2];
  return html`<div class="page print-report">
    <div class="no-print actions">
      <button type="button" class="btn primary" onClick=${() => window.print()}>${L('In báo cáo', 'Print')}</button>
      <a class="btn" href="#/reports">${L('Quay lại', 'Back')}</a>
    </div>
    <${PageTitle} sub=${`${L('Từ', 'From')} ${since.split('-').reverse().join('/')} ${L('đến', 'to')} ${until.split('-').reverse().join('/')} · ${L('Phạm vi', 'Scope')}: ${L(sc.vi, sc.en)}`}>
      ${L('Báo cáo tình hình thông tin', 'Information situation report')}<//>
    <p class="muted small">${L('Lập lúc', 'Made')} ${fmtDate(new Date())} ${L('(giờ Việt Nam)', '(Vietnam time)')}</p>

    <section><h2>1. ${L('Tỉ lệ thông tin tiêu cực so với ngưỡng 15%', 'Negative share against the 15% line')}</h2>
      ${ms.error ? (ms.error.unavailable ? html`<${Unavailable} what=${L('số liệu đo lường', 'measures')} endpoint="GET /api/v1/measures" />` : html`<${ErrorBox} error=${ms.error} />`)
        : !m ? html`<${Loading} />` : html`<div>
        <p>${L('Tổng số tin', 'Items')}: <strong>${fmtNum(m.total?.n)}</strong> · ${L('tỉ lệ tiêu cực', 'negative share')}: <strong>${fmtPct(m.total?.share)}</strong>
          ${m.total?.lo != null ? ` (${L('KTC 95%', '95% CI')} ${fmtPct(m.total.lo)}–${fmtPct(m.total.hi)})` : ''}</p>
        ${shareSeries && m.times.length > 0 && html`<${TimeChart} x=${m.times} series=${shareSeries} band=${[2, 3]} pct=${true} threshold=${m.threshold} height=${190}
          title=${L('Tỉ lệ tiêu cực theo thời gian', 'Negative share over time')} />`}
        <table class="data">
          <caption>${L('Theo ', 'By ') + L(groupName.vi.toLowerCase(), groupName.en.toLowerCase())}</caption>
          <thead><tr><th scope="col">${L('Tên', 'Name')}</th><th scope="col" class="num">${L('Số tin', 'Items')}</th><th scope="col" class="num">${cap(toneName('positive'))}</th>
            <th scope="col" class="num">${cap(toneName('neutral'))}</th><th scope="col" class="num">${cap(toneName('negative'))}</th><th scope="col" class="num">${L('Tỉ lệ tiêu cực', 'Negative share')}</th>
            <th scope="col" class="num">${L('KTC 95%', '95% CI')}</th><th scope="col">${L('Đánh giá', 'Assessment')}</th></tr></thead>
          <tbody>${[...m.groups].sort((a, b) => (b.share ?? 0) - (a.share ?? 0)).map((g) => html`<tr>
            <th scope="row">${g.name}</th><td class="num">${fmtNum(g.n)}</td><td class="num">${fmtNum(g.positive)}</td><td class="num">${fmtNum(g.neutral)}</td>
            <td class="num">${fmtNum(g.negative)}</td><td class="num">${fmtPct(g.share)}</td><td class="num">${g.lo != null ? `${fmtPct(g.lo)}–${fmtPct(g.hi)}` : '—'}</td>
            <td>${g.share == null ? '—' : g.lo != null && g.lo > m.threshold ? L('vượt ngưỡng', 'above the line') : g.share > m.threshold ? L('có thể vượt ngưỡng', 'possibly above') : L('đạt yêu cầu', 'within the line')}</td></tr>`)}</tbody>
        </table>
        <p class="muted small">${L('Phương pháp', 'Method')}: ${m.method || L('tỉ lệ tin tiêu cực trên số tin đã gán nhãn; khoảng tin cậy Wilson 95%.', 'negative over labelled items; Wilson 95% interval.')}</p>
      </div>`}
    </section>

    <section><h2>2. ${L('Sự kiện nổi bật', 'Top stories')}</h2>
      ${stories.error ? (stories.error.unavailable ? html`<${Unavailable} what=${L('sự kiện', 'stories')} endpoint="GET /api/v1/stories" />` : html`<${ErrorBox} error=${stories.error} />`)
        : !stories.data ? html`<${Loading} />` : (stories.data.stories || []).length === 0 ? html`<p class="muted">${L('Không có sự kiện.', 'No story.')}</p>`
        : html`<table class="data"><thead><tr><th scope="col">${L('Sự kiện', 'Story')}</th><th scope="col" class="num">${L('Số tin', 'Items')}</th><th scope="col" class="num">${L('Số nguồn', 'Outlets')}</th><th scope="col">${L('Bắt đầu', 'Started')}</th></tr></thead>
          <tbody>${stories.data.stories.map((s) => html`<tr><th scope="row">${s.title}</th><td class="num">${fmtNum(typeof s.items === 'number' ? s.items : s.size)}</td><td class="num">${fmtNum(s.outlets)}</td><td>${fmtDate(s.first_at || s.first?.published_at)}</td></tr>`)}</tbody></table>`}
    </section>

    <section><h2>3. ${L('Nguồn tin', 'Sources')}</h2>
      ${srcs.error ? html`<${ErrorBox} error=${srcs.error} /> ` : !srcs.data ? html`<${Loading} />` : html`<table class="data">
        <thead><tr><th scope="col">${L('Nguồn', 'Source')}</th><th scope="col">${L('Nền tảng', 'Platform')}</th><th scope="col">${L('Tình trạng', 'State')}</th><th scope="col" class="num">${L('Số tin (toàn bộ)', 'Items (all time)')}</th></tr></thead>
        <tbody>${[...(srcs.data.sources || [])].sort((a, b) => (b.items || 0) - (a.items || 0)).map((s) => html`<tr><th scope="row">${s.slug}</th><td>${platformName(s.platform)}</td><td><${Health} s=${s} /></td><td class="num">${fmtNum(s.items)}</td></tr>`)}</tbody></table>`}
    </section>
  </div>`;
}
