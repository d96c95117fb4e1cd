// overview.js - Tổng quan: volume, tone and the negative share against the
// 15% line per organisation, channel and platform over time (from
// /api/v1/measures), and the live feed of new items (SSE).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L, toneName, kindName, cap } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { live } from '../lib/live.js';
import { fmtNum, fmtPct, fmtTime, fmtDate, fmtDay } from '../lib/fmt.js';
import { normMeasures, along } from '../lib/measures.js';
import { TimeChart, COLORS } from '../components/chart.js';
import { useFetch, Unavailable, ErrorBox, Loading, Empty, ToneBadge, PageTitle, itemTitle } from '../components/ui.js';

export const PERIODS = [
  { v: '24h', vi: '24 giờ qua', en: 'last 24 hours', interval: 'hour' },
  { v: '7d', vi: '7 ngày qua', en: 'last 7 days', interval: 'day' },
  { v: '30d', vi: '30 ngày qua', en: 'last 30 days', interval: 'day' },
  { v: '90d', vi: '90 ngày qua', en: 'last 90 days', interval: 'week' },
];
export const GROUPS = [
  { v: 'org', vi: 'Cơ quan', en: 'Organisation' },
  { v: 'channel', vi: 'Kênh', en: 'Channel' },
  { v: 'platform', vi: 'Nền tảng', en: 'Platform' },
];
export const SCOPES = [
  { v: 'own', vi: 'Cơ quan tự đăng, chia sẻ', en: 'Posted or shared by the organisation' },
  { v: 'about', vi: 'Báo chí, mạng xã hội nói về cơ quan', en: 'What others say about it' },
  { v: 'all', vi: 'Tất cả', en: 'All' },
];

function Select({ id, label, value, options, onChange }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <select id=${id} value=${value} onChange=${(e) => onChange(e.currentTarget.value)}>
      ${options.map((o) => html`<option value=${o.v}>${L(o.vi, o.en)}</option>`)}
    </select>
  </div>`;
}
export { Select };

function Kpi({ label, value, note, cls }) {
  return html`<div class=${'kpi ' + (cls || '')}><span class="kpi-label">${label}</span>
    <span class="kpi-value">${value}</span>${note && html`<span class="kpi-note">${note}</span>`}</div>`;
}

/** The negative share of a group, coloured against the line. */
function ShareCell({ g, line }) {
  const above = g.share != null && g.share > line;
  const sure = g.lo != null && g.lo > line;
  return html`<td class="num">
    <span class=${'share ' + (above ? 'above' : 'below')}>${fmtPct(g.share)}</span>
    ${g.lo != null && html`<span class="ci muted small"> (${fmtPct(g.lo)}–${fmtPct(g.hi)})</span>`}
    <span class="sr-only">${above ? (sure ? L('vượt ngưỡng', 'above the line') : L('có thể vượt ngưỡng', 'possibly above the line')) : L('dưới ngưỡng', 'below the line')}</span>
  </td>`;
}

function MeasuresBlock({ by, period, scope }) {
  const interval = PERIODS.find((p) => p.v === period)?.interval || 'day';
  const st = useFetch('/api/v1/measures', { by, since: period, interval, scope });
  const [sel, setSel] = useState('*');
  // measure events: re-read (at most every 10 s)
  const last = useRef(0);
  useEffect(() => live.on('measure', () => {
    if (Date.now() - last.current > 10000) { last.current = Date.now(); st.reload(); }
  }), [st.reload]);
  const m = useMemo(() => (st.data ? normMeasures(st.data) : null), [st.data]);
  const chosen = m && (sel === '*' ? m.total : m.groups.find((g) => g.key === sel)) || m?.total;
  const x = m?.times;
  const volSeries = useMemo(() => (m && chosen ? [
    { label: toneName('positive'), values: along(x, chosen, 'positive'), color: COLORS.positive },
    { label: toneName('neutral'), values: along(x, chosen, 'neutral'), color: COLORS.neutral },
    { label: toneName('negative'), values: along(x, chosen, 'negative'), color: COLORS.negative },
    { label: L('Tổng số tin', 'All items'), values: along(x, chosen, 'n'), color: COLORS.total, width: 1, dash: [2, 3], line: true },
  ] : []), [m, chosen]);
  const shareSeries = useMemo(() => (m && chosen ? [
    { label: L('Tỉ lệ tiêu cực', 'Negative share'), values: along(x, chosen, 'share'), color: COLORS.negative, width: 2 },
    { label: L('Cận trên 95%', '95% upper'), values: along(x, chosen, 'hi'), color: 'rgba(198,40,40,0.35)', width: 1 },
    { label: L('Cận dưới 95%', '95% lower'), values: along(x, chosen, 'lo'), color: 'rgba(198,40,40,0.35)', width: 1 },
  ] : []), [m, chosen]);

  if (st.error) {
    if (st.error.unavailable) return html`<${Unavailable} what=${L('số liệu đo lường (khối lượng, sắc thái, tỉ lệ tiêu cực)', 'measures (volume, tone, negative share)')} endpoint="GET /api/v1/measures" />`;
    return html`<${ErrorBox} error=${st.error} />`;
  }
  if (!m) return html`<${Loading} />`;
  if (!m.times.length || !chosen) return html`<${Empty}>${L('Chưa có tin trong khoảng thời gian này.', 'No items in this period.')}<//>`;
  const line = m.threshold;
  const groups = [...m.groups].sort((a, b) => (b.share ?? -1) - (a.share ?? -1));
  const above = groups.filter((g) => g.share != null && g.share > line).length;
  const selName = sel === '*' ? L('tất cả', 'all') : chosen.name;
  return html`<div class="measures">
    <div class="kpis">
      <${Kpi} label=${L('Số tin', 'Items')} value=${fmtNum(m.total?.n)} />
      <${Kpi} label=${L('Tỉ lệ tiêu cực', 'Negative share')} value=${fmtPct(m.total?.share)}
        note=${m.total?.lo != null ? `95%: ${fmtPct(m.total.lo)}–${fmtPct(m.total.hi)}` : ''}
        cls=${m.total?.share > line ? 'bad' : 'good'} />
      <${Kpi} label=${L('Vượt ngưỡng ', 'Above the ') + fmtPct(line, 0) + L('', ' line')} value=${`${fmtNum(above)} / ${fmtNum(groups.length)}`} cls=${above ? 'bad' : 'good'} />
    </div>
    <div class="grid2">
      <${TimeChart} title=${L('Khối lượng theo sắc thái', 'Volume by tone') + ' — ' + selName} x=${x} series=${volSeries} bars=${false}
        summary=${L('Biểu đồ số tin theo sắc thái theo thời gian', 'Chart of items by tone over time')} height=${200} />
      <${TimeChart} title=${L('Tỉ lệ thông tin tiêu cực (ngưỡng ', 'Negative share (line ') + fmtPct(line, 0) + ') — ' + selName} x=${x}
        series=${shareSeries} band=${[2, 3]} pct=${true} threshold=${line} height=${200}
        summary=${L('Tỉ lệ tiêu cực theo thời gian, khoảng tin cậy 95% và đường ngưỡng 15%', 'Negative share over time with its 95% interval and the 15% line')} />
    </div>
    <div class="table-wrap">
    <table class="data">
      <caption>${L('Tỉ lệ tiêu cực theo ', 'Negative share by ') + L(GROUPS.find((g) => g.v === by)?.vi.toLowerCase() || '', GROUPS.find((g) => g.v === by)?.en.toLowerCase() || '')}
        <span class="muted small">${' — ' + L('chọn một dòng để xem biểu đồ', 'choose a row to chart it')}</span></caption>
      <thead><tr>
        <th scope="col">${L('Tên', 'Name')}</th><th scope="col" class="num">${L('Số tin', 'Items')}</th>
        <th scope="col" class="num">${cap(toneName('negative'))}</th><th scope="col" class="num">${L('Tỉ lệ (KTC 95%)', 'Share (95% CI)')}</th>
        <th scope="col">${L('So với ngưỡng', 'Against the line')}</th><th scope="col"><span class="sr-only">${L('Biểu đồ', 'Chart')}</span></th>
      </tr></thead>
      <tbody>
        ${groups.slice(0, 50).map((g) => html`<tr class=${sel === g.key ? 'selected' : ''}>
          <th scope="row">${g.name}</th><td class="num">${fmtNum(g.n)}</td><td class="num">${fmtNum(g.negative)}</td>
          <${ShareCell} g=${g} line=${line} />
          <td><span class="linebar" aria-hidden="true"><span class=${'fill ' + (g.share > line ? 'above' : '')} style=${{ width: Math.min(100, (g.share || 0) / Math.max(line * 2, 0.3) * 100) + '%' }}></span>
            <span class="mark" style=${{ left: (line / Math.max(line * 2, 0.3) * 100) + '%' }}></span></span></td>
          <td><button type="button" class="btn small ghost" aria-pressed=${sel === g.key} onClick=${() => setSel(sel === g.key ? '*' : g.key)}>
            ${sel === g.key ? L('Bỏ chọn', 'Unselect') : L('Xem', 'Chart')}<span class="sr-only"> ${g.name}</span></button></td>
        </tr>`)}
      </tbody>
    </table></div>
    <p class="muted small method">${L('Phương pháp', 'Method')}: ${m.method || L('tỉ lệ tin tiêu cực trên số tin đã gán nhãn sắc thái; khoảng tin cậy Wilson 95%.', 'negative items over items with a tone label; Wilson 95% interval.')}
      ${' '}${L('Ngưỡng 15% theo yêu cầu giữ thông tin tiêu cực dưới 15% tổng số tin.', 'The 15% line: negative items kept under 15% of all items.')}</p>
  </div>`;
}

/** Items per source, from /api/v1/sources: real numbers that exist today. */
function SourceBars() {
  const st = useFetch('/api/v1/sources');
  if (st.error) return html`<${ErrorBox} error=${st.error} what=${L('nguồn tin', 'sources')} />`;
  if (!st.data) return html`<${Loading} />`;
  const list = [...(st.data.sources || [])].sort((a, b) => (b.items || 0) - (a.items || 0));
  const max = Math.max(1, ...list.map((s) => s.items || 0));
  const total = list.reduce((s, x) => s + (x.items || 0), 0);
  return html`<section class="card" aria-labelledby="h-src">
    <h2 id="h-src">${L('Số tin theo nguồn', 'Items by source')} <span class="muted small">(${L('tổng', 'total')} ${fmtNum(total)})</span></h2>
    <ul class="hbars">${list.slice(0, 12).map((s) => html`<li>
      <span class="hb-label"><a href=${'#/search?q=' + encodeURIComponent('source:' + s.slug)}>${s.slug}</a></span>
      <span class="hb-bar" aria-hidden="true"><span style=${{ width: (100 * (s.items || 0)) / max + '%' }}></span></span>
      <span class="hb-val num">${fmtNum(s.items)}</span></li>`)}</ul>
  </section>`;
}

/** New items as they arrive over SSE, on top of the latest ones. */
export function LiveFeed() {
  const [items, setItems] = useState(null);
  const [fresh, setFresh] = useState(0);
  const [status, setStatus] = useState(live.status);
  useEffect(() => {
    let alive = true;
    // The latest items, merged with what arrived live (no duplicates, newest first).
    const refill = () => get('/api/v1/items', { limit: 15 }).then((d) => {
      if (!alive) return;
      setItems((cur) => {
        const seen = new Set((cur || []).map((x) => x.item_id));
        const all = [...(cur || []), ...(d.items || []).filter((x) => !seen.has(x.item_id))];
        return all.sort((a, b) => (b.item_id ?? 0) - (a.item_id ?? 0)).slice(0, 40);
      });
    }, () => { if (alive) setItems((cur) => cur || []); });
    refill();
    let prev = live.status;
    const off1 = live.on('item', (d) => {
      const it = d.item || d;
      if (!it || (!it.text && !it.title)) return;
      setItems((cur) => {
        const list = cur || [];
        if (list.some((x) => x.item_id != null && x.item_id === it.item_id)) return list;
        return [{ ...it, _new: Date.now() }, ...list].slice(0, 40);
      });
      setFresh((n) => n + 1);
    });
    const off2 = live.on('status', (st) => {
      // Back after a break: fetch what may have been missed.
      if (st === 'open' && prev === 'retrying') refill();
      prev = st;
      setStatus(st);
    });
    const off3 = live.on('reset', refill);
    return () => { alive = false; off1(); off2(); off3(); };
  }, []);
  const today = fmtDay(new Date());
  return html`<section class="card feed" aria-labelledby="h-feed">
    <h2 id="h-feed">${L('Tin mới trực tiếp', 'Live feed')}</h2>
    <p class="muted small" aria-live="polite">
      ${status === 'open' ? L('Đang nhận tin mới qua kết nối trực tiếp.', 'Receiving new items live.')
        : status === 'unavailable' ? L('Cập nhật trực tiếp chưa có trên máy chủ (GET /api/v1/events); hiển thị tin mới nhất.', 'Live updates are not on the server yet (GET /api/v1/events); showing the latest items.')
        : status === 'retrying' ? L('Mất kết nối, đang thử lại…', 'Disconnected, retrying…') : L('Đang kết nối…', 'Connecting…')}
      ${fresh > 0 ? ' ' + L(`${fmtNum(fresh)} tin mới.`, `${fmtNum(fresh)} new.`) : ''}
    </p>
    ${items === null ? html`<${Loading} />` : items.length === 0 ? html`<${Empty} />` : html`
    <ol class="feed-list" data-testid="live-feed">
      ${items.map((it) => html`<li key=${it.item_id ?? it.id} class=${it._new ? 'new' : ''}>
        <time datetime=${it.published_at} title=${fmtDate(it.published_at)}>${fmtDay(it.published_at) === today ? fmtTime(it.published_at) : html`${fmtDay(it.published_at).slice(0, 5)}<br />${fmtTime(it.published_at)}`}</time>
        <div><a href=${'#/items/' + it.item_id}>${itemTitle(it)}</a>
          <span class="meta">${it.source}${it.kind ? ' · ' + kindName(it.kind) : ''}</span> ${it.tone && html`<${ToneBadge} tone=${it.tone} />`}</div>
      </li>`)}
    </ol>`}
  </section>`;
}

export function OverviewPage() {
  const [by, setBy] = useState(() => sessionStorage.getItem('loa.by') || 'org');
  const [period, setPeriod] = useState(() => sessionStorage.getItem('loa.period') || '30d');
  const [scope, setScope] = useState(() => sessionStorage.getItem('loa.scope') || 'all');
  useEffect(() => { sessionStorage.setItem('loa.by', by); sessionStorage.setItem('loa.period', period); sessionStorage.setItem('loa.scope', scope); }, [by, period, scope]);
  return html`<div class="page overview">
    <${PageTitle} sub=${L('Khối lượng, sắc thái và tỉ lệ thông tin tiêu cực so với ngưỡng 15%', 'Volume, tone and the negative share against the 15% line')}>${L('Tổng quan', 'Overview')}<//>
    <div class="cols">
      <div class="col-main">
        <form class="toolbar" onSubmit=${(e) => e.preventDefault()} aria-label=${L('Bộ lọc', 'Filters')}>
          <${Select} id="ov-by" label=${L('Theo', 'By')} value=${by} options=${GROUPS} onChange=${setBy} />
          <${Select} id="ov-period" label=${L('Thời gian', 'Period')} value=${period} options=${PERIODS} onChange=${setPeriod} />
          <${Select} id="ov-scope" label=${L('Phạm vi', 'Scope')} value=${scope} options=${SCOPES} onChange=${setScope} />
        </form>
        <${MeasuresBlock} by=${by} period=${period} scope=${scope} />
        <${SourceBars} />
      </div>
      <div class="col-side"><${LiveFeed} /></div>
    </div>
  </div>`;
}
