// search.js - Tìm kiếm: the query language box, syntax errors shown in
// place with their position, highlighted matches, facet counts.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L, toneName, kindName, platformName, cap } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { fmtNum, segments, snippetSegments, caretSplit } from '../lib/fmt.js';
import { go } from '../lib/route.js';
import { Unavailable, ErrorBox, Loading, Empty, ToneBadge, Marked, ItemMeta, PageTitle, itemTitle, labelOf } from '../components/ui.js';

const PAGE = 20;
const FACET_NAMES = {
  source: ['Nguồn tin', 'Source'], org: ['Cơ quan', 'Organisation'], kind: ['Loại tin', 'Kind'],
  platform: ['Nền tảng', 'Platform'], tone: ['Sắc thái', 'Tone'], lang: ['Ngôn ngữ', 'Language'],
};
const facetValueName = (f, v) => (f === 'tone' ? toneName(v) : f === 'kind' ? kindName(v) : f === 'platform' ? platformName(v) : v);

/** facets: {field: [{value,count}] | {value: count}} -> [[field, [{value,count}]]] */
function normFacets(f) {
  if (!f) return [];
  const list = Array.isArray(f) ? f.map((x) => [x.field ?? x.name, x.values ?? x.counts ?? []]) : Object.entries(f);
  return list.map(([k, v]) => [k, (Array.isArray(v) ? v : Object.entries(v || {}).map(([value, count]) => ({ value, count })))
    .map((x) => ({ value: String(x.value ?? x.key ?? x.name), count: Number(x.count ?? x.n ?? 0) }))
    .sort((a, b) => b.count - a.count)]).filter(([, v]) => v.length);
}

/** Counts over the hits already loaded, while the server sends no facets. */
function pageFacets(hits) {
  const out = {};
  for (const f of ['source', 'kind', 'platform', 'org', 'tone']) {
    const m = {};
    for (const r of hits) {
      const it = r.item || r;
      let v = it[f];
      if (v && typeof v === 'object') v = v.label;
      if (v) m[v] = (m[v] || 0) + 1;
    }
    if (Object.keys(m).length) out[f] = m;
  }
  return normFacets(out);
}

/** Highlight ranges of a field from the various shapes a server may send. */
function rangesOf(r, field) {
  const h = r.highlights ?? r.highlight ?? r.matches;
  if (!h) return null;
  if (Array.isArray(h)) {
    const rs = h.filter((x) => (x.field ?? 'text') === field).map((x) => ({ start: x.start ?? x[0], end: x.end ?? x[1] }));
    return rs.length ? rs : null;
  }
  const v = h[field];
  return Array.isArray(v) && v.length ? v.map((x) => (Array.isArray(x) ? { start: x[0], end: x[1] } : x)) : null;
}

/** Keeps about max characters of segments around the first match. */
function around(segs, max = 260) {
  const total = segs.reduce((s, x) => s + x.text.length, 0);
  if (total <= max) return segs;
  let first = 0, pos = 0;
  for (const s of segs) { if (s.mark) { first = pos; break; } pos += s.text.length; }
  const start = Math.max(0, first - 60);
  const end = start + max;
  const out = [];
  pos = 0;
  for (const s of segs) {
    const a = pos, b = pos + s.text.length;
    pos = b;
    if (b <= start || a >= end) continue;
    out.push({ text: s.text.slice(Math.max(0, start - a), Math.min(s.text.length, end - a)), mark: s.mark });
  }
  if (start > 0) out.unshift({ text: '…', mark: false });
  if (end < total) out.push({ text: '…', mark: false });
  return out;
}

function Result({ r, unit }) {
  const it = r.item || r;
  const tr = rangesOf(r, 'title');
  const xr = rangesOf(r, 'text');
  const title = it.title ? (tr ? segments(it.title, tr, unit) : [{ text: it.title, mark: false }])
    : [{ text: it.text ? itemTitle(it) : `${cap(kindName(it.kind))} — ${it.source}${it.platform && it.platform !== 'web' ? ' (' + platformName(it.platform) + ')' : ''}`, mark: false }];
  let body;
  if (xr) body = around(segments(it.text, xr, unit));
  else if (r.snippet) body = snippetSegments(r.snippet);
  else body = around([{ text: it.text || '', mark: false }]);
  return html`<li class="result">
    <h3><a href=${'#/items/' + it.item_id}><${Marked} segs=${title} /></a></h3>
    <p class="snippet"><${Marked} segs=${body} /></p>
    <p><${ItemMeta} it=${it} /> ${labelOf(it.tone) && html`<${ToneBadge} tone=${it.tone} />`}</p>
  </li>`;
}

/** The query with the character at the error position marked. */
function QueryError({ q, err }) {
  const e = err.data?.error || {};
  let pos = e.character ?? e.char ?? e.column ?? null;
  let unit = 'char';
  const cm = /(?:ký tự|character)\s+(\d+)/i.exec(err.message || '');
  if (pos == null && cm) pos = Number(cm[1]);
  if (pos == null && e.position) { pos = e.position; unit = 'byte'; } // 1-based byte; 0 = not positional
  if (pos == null) {
    // (already read from the message above)
  }
  return html`<div id="q-error" class="query-error" role="alert">
    <p><strong>${L('Truy vấn chưa đúng cú pháp', 'The query has a syntax error')}</strong>${pos != null ? html` — ${L('ký tự thứ', 'character')} ${pos}` : ''}</p>
    ${pos != null && (() => {
      const c = caretSplit(q, pos, unit);
      return html`<p class="q-caret" aria-hidden="true">${c.before}<mark class="err-at" title=${L('vị trí lỗi', 'error here')}>${c.at === ' ' ? '\u00a0' : c.at}</mark>${c.after}</p>`;
    })()}
    <p>${err.message}</p>
  </div>`;
}

function SyntaxHelp() {
  const rows = [
    ['giấy phép xây dựng', L('cả các từ (AND ngầm); không dấu vẫn khớp có dấu', 'all words (implicit AND); without diacritics matches with')],
    ['xăng OR dầu', L('một trong hai', 'either')],
    ['tham nhũng NOT vặt', L('không chứa (hoặc -vặt)', 'without (or -vặt)')],
    ['"phòng chống tham nhũng"', L('cụm từ liền nhau', 'phrase')],
    ['giá NEAR/5 xăng', L('cách nhau ≤ 5 từ (ONEAR/n: đúng thứ tự)', 'within 5 words (ONEAR/n: in order)')],
    ['tham*', L('tiền tố', 'prefix')],
    ['title:(xăng OR dầu)', L('chỉ trong tiêu đề', 'in the title only')],
    ['source:… org:… kind:comment platform:facebook tone:negative', L('lọc theo trường', 'field filters')],
    ['since:7d until:31/01/2026', L('thời gian đăng (giờ Việt Nam)', 'publication time (Vietnam time)')],
  ];
  return html`<details class="help">
    <summary>${L('Cú pháp truy vấn', 'Query syntax')}</summary>
    <table class="data compact"><tbody>${rows.map(([a, b]) => html`<tr><td><code>${a}</code></td><td>${b}</td></tr>`)}</tbody></table>
  </details>`;
}

export function SearchPage({ params }) {
  const q = params.q || '';
  const order = params.order || 'newest';
  const [text, setText] = useState(q);
  const [ord, setOrd] = useState(order);
  const [st, setSt] = useState({ data: null, error: null, loading: false });
  const [more, setMore] = useState(false);
  const box = useRef(null);
  useEffect(() => { setText(q); setOrd(order); }, [q, order]);
  useEffect(() => {
    if (!q.trim()) { setSt({ data: null, error: null, loading: false }); return; }
    let alive = true;
    setSt({ data: null, error: null, loading: true });
    get('/api/v1/search', { q, order, limit: PAGE, facets: 1 }).then(
      (d) => alive && setSt({ data: d, error: null, loading: false }),
      (e) => { if (alive) { setSt({ data: null, error: e, loading: false }); if (e.status === 400) box.current?.focus(); } },
    );
    return () => { alive = false; };
  }, [q, order]);
  const [limit, setLimit] = useState(PAGE);
  useEffect(() => setLimit(PAGE), [q, order]);
  const loadMore = async () => {
    setMore(true);
    try {
      if (st.data.next_cursor) {
        const d = await get('/api/v1/search', { q, order, limit: PAGE, cursor: st.data.next_cursor });
        const key = st.data.hits ? 'hits' : st.data.items ? 'items' : 'results';
        setSt({ ...st, data: { ...st.data, [key]: [...(st.data[key] || []), ...(d.hits || d.items || d.results || [])], next_cursor: d.next_cursor } });
      } else {
        // No cursor: ask again for a longer list (the API caps it at 1000).
        const n = Math.min(1000, limit + 50);
        const d = await get('/api/v1/search', { q, order, limit: n });
        setLimit(n);
        setSt({ ...st, data: d });
      }
    } catch (e) { setSt({ ...st, error: e }); }
    setMore(false);
  };
  const submit = (e) => { e.preventDefault(); go('/search', { q: text.trim(), order: ord === 'newest' ? '' : ord }); };
  const addFilter = (f, v) => go('/search', { q: `${q} ${f}:${/\s/.test(v) ? '"' + v + '"' : v}`.trim(), order: order === 'newest' ? '' : order });
  const bad = st.error && st.error.status === 400;
  const d = st.data;
  const results = d ? (d.hits || d.items || d.results || []) : [];
  const serverFacets = !!(d && d.facets);
  const facets = d ? (serverFacets ? normFacets(d.facets) : pageFacets(results)) : [];
  const total = d ? (d.total ?? d.count ?? results.length) : 0;
  const canMore = d && (d.next_cursor || (results.length >= limit && limit < 1000));
  const unit = d?.offsets === 'byte' || d?.offset_unit === 'byte' || d?.unit === 'byte' ? 'byte' : 'char';
  return html`<div class="page search">
    <${PageTitle} sub=${L('Tìm trên mọi tin, bài đã thu thập: báo chí, cổng thông tin, mạng xã hội', 'Search every collected item: press, portals, social media')}>${L('Tìm kiếm', 'Search')}<//>
    <form class="searchbar" role="search" onSubmit=${submit}>
      <label for="q" class="sr-only">${L('Truy vấn', 'Query')}</label>
      <input id="q" name="q" type="search" ref=${box} value=${text} spellcheck="false" autocomplete="off"
        placeholder=${L('ví dụ: học phí NOT "mầm non" source:bao-tin-moi since:7d', 'e.g. học phí NOT "mầm non" source:bao-tin-moi since:7d')}
        aria-invalid=${bad ? 'true' : undefined} aria-describedby=${bad ? 'q-error' : 'q-help'}
        onInput=${(e) => setText(e.currentTarget.value)} />
      <label for="order" class="sr-only">${L('Sắp xếp', 'Order')}</label>
      <select id="order" value=${ord} onChange=${(e) => setOrd(e.currentTarget.value)}>
        <option value="newest">${L('Mới nhất trước', 'Newest first')}</option>
        <option value="relevance">${L('Liên quan nhất', 'Most relevant')}</option>
      </select>
      <button class="btn primary" type="submit">${L('Tìm', 'Search')}</button>
    </form>
    <p id="q-help" class="muted small">${L('Toán tử viết HOA: AND, OR, NOT, NEAR/n. Không cần gõ dấu.', 'Operators in capitals: AND, OR, NOT, NEAR/n. Diacritics optional.')}</p>
    ${bad && html`<${QueryError} q=${q} err=${st.error} />`}
    <${SyntaxHelp} />
    ${st.loading && html`<${Loading} />`}
    ${st.error && !bad && (st.error.unavailable
      ? html`<${Unavailable} what=${L('tìm kiếm theo ngôn ngữ truy vấn', 'search with the query language')} endpoint="GET /api/v1/search" />`
      : html`<${ErrorBox} error=${st.error} />`)}
    ${d && html`<div class="cols search-cols">
      <div class="col-main">
        <p class="result-count" role="status">${L(`${fmtNum(total)} kết quả`, `${fmtNum(total)} results`)}${d.ms != null ? html` <span class="muted small">(${fmtNum(d.ms / 1000, 2)} ${L('giây', 's')})</span>` : ''}</p>
        ${d.prefixes_bounded && html`<p class="muted small prefix-note">${L(`Tiền tố có quá nhiều từ, chỉ tìm các từ phổ biến nhất: ${d.prefixes_bounded}.`, `Prefix with too many terms, only the commonest searched: ${d.prefixes_bounded}.`)}</p>`}
        ${results.length === 0 ? html`<${Empty}>${L('Không có tin nào khớp truy vấn.', 'No item matches the query.')}<//>` : html`
        <ol class="results">${results.map((r) => html`<${Result} r=${r} unit=${unit} key=${(r.item || r).item_id} />`)}</ol>`}
        ${canMore && html`<button type="button" class="btn" onClick=${loadMore} disabled=${more}>${more ? L('Đang tải…', 'Loading…') : L('Xem thêm', 'More')}</button>`}
      </div>
      <aside class="col-side facets" aria-label=${L('Đếm theo trường', 'Facet counts')}>
        ${!serverFacets && results.length > 0 && html`<p class="muted small">${L(`Đếm trên ${fmtNum(results.length)} kết quả đã tải.`, `Counted over the ${fmtNum(results.length)} results loaded.`)}</p>`}
        ${serverFacets && d.facets_over != null && html`<p class="muted small">${L(`Đếm trên ${fmtNum(d.facets_over)} kết quả mới nhất.`, `Counted over the ${fmtNum(d.facets_over)} newest matches.`)}</p>`}
        ${facets.length === 0 ? html`<p class="muted small">${L('Không có số đếm theo trường.', 'No facet counts.')}</p>`
          : facets.map(([f, vals]) => html`<section class="facet">
            <h2>${FACET_NAMES[f] ? L(...FACET_NAMES[f]) : f}</h2>
            <ul>${vals.slice(0, 8).map((v) => html`<li><button type="button" class="link" onClick=${() => addFilter(f, v.value)}
              aria-label=${`${L('Lọc', 'Filter')} ${f}:${v.value}, ${fmtNum(v.count)}`}>${facetValueName(f, v.value)}</button>
              <span class="num muted">${fmtNum(v.count)}</span></li>`)}</ul>
          </section>`)}
      </aside>
    </div>`}
    ${!q && !st.loading && html`<p class="muted">${L('Nhập truy vấn rồi nhấn Enter.', 'Type a query and press Enter.')}</p>`}
  </div>`;
}
