// gopy.js - Góp ý dự thảo: the public page (no login) where citizens read
// the drafts open for comment, select a passage and comment on it, and see
// the published comments with the drafting body's disposition (tiếp thu,
// giải trình, không tiếp thu) and answer, anchored to their passages.
// Routes #/gop-y and #/gop-y/{slug}; only the public API: GET
// /api/v1/policies, /api/v1/policies/{id}, /api/v1/policies/{id}/comments
// (moderated comments only), POST /api/v1/policies/{id}/comments
// (rate-limited, pre-moderated). Passages are sent as UTF-8 byte offsets.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L } from '../lib/i18n.js';
import { post } from '../lib/api.js';
import { fmtDate, fmtNum } from '../lib/fmt.js';
import { useFetch, Async, Empty, ErrorBox, PageTitle } from '../components/ui.js';
import { useOrgs, orgName, dispName, DISPOSITION } from '../components/wf.js';

const STAGE = {
  consultation: ['đang lấy ý kiến', 'open for comments'], issued: ['đã ban hành', 'issued'],
  implemented: ['đang thực hiện', 'being implemented'], evaluated: ['đã đánh giá', 'evaluated'],
};
const stageName = (s) => (STAGE[s] ? L(...STAGE[s]) : s || '—');
const PUBLIC = ['visible', 'answered'];
const enc = new TextEncoder();

/** UTF-16 index -> UTF-8 byte offset in text. */
export function byteOffset(text, i) { return enc.encode(text.slice(0, i)).length; }

/** Sorted UTF-8 byte offsets -> UTF-16 indexes (a byte inside a character
 * snaps back to its start), in one pass over the text. */
export function charIndexes(text, bytes) {
  const order = bytes.map((b, k) => [b, k]).sort((a, b) => a[0] - b[0]);
  const out = new Array(bytes.length).fill(text.length);
  let b = 0, i = 0, k = 0;
  while (k < order.length) {
    if (i >= text.length || order[k][0] <= b) {
      out[order[k][1]] = i;
      k++;
      continue;
    }
    const cp = text.codePointAt(i);
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (b + n > order[k][0]) { out[order[k][1]] = i; k++; continue; }
    b += n;
    i += cp > 0xffff ? 2 : 1;
  }
  return out;
}

/** The text's lines with their UTF-16 start offsets. */
function lines(text) {
  const out = [];
  let at = 0;
  for (const ln of text.split('\n')) { out.push({ at, text: ln }); at += ln.length + 1; }
  return out;
}

/** Where a DOM boundary (node, offset) falls in the full text: the line
 * element's data-at plus the text before the boundary inside it. */
function textOffset(node, offset) {
  const el = (node.nodeType === 1 ? node : node.parentElement)?.closest('[data-at]');
  if (!el) return null;
  const r = document.createRange();
  r.setStart(el, 0);
  r.setEnd(node, offset);
  return Number(el.dataset.at) + r.toString().length;
}

function PolicyList() {
  const st = useFetch('/api/v1/policies');
  const orgs = useOrgs();
  return html`<div class="page gopy">
    <${PageTitle} sub=${L('Đọc toàn văn dự thảo, chọn đoạn muốn góp ý và gửi ý kiến của bạn. Góp ý được kiểm duyệt trước khi công khai; cơ quan soạn thảo trả lời từng góp ý (tiếp thu, giải trình).',
      'Read the full text of a draft, select a passage and send your comment. Comments are moderated before they are published; the drafting body answers each one.')}>${L('Góp ý dự thảo chính sách', 'Comment on policy drafts')}<//>
    <${Async} st=${st} what=${L('dự thảo', 'drafts')} endpoint="GET /api/v1/policies">${(d) => {
      const all = (d.policies || []).filter((p) => p.stage !== 'drafting');
      const open = all.filter((p) => p.comments_open), closed = all.filter((p) => !p.comments_open);
      const card = (p) => html`<li class="card gopy-card" key=${p.id}>
        <h3><a href=${'#/gop-y/' + encodeURIComponent(p.slug || p.id)}>${p.title}</a></h3>
        <p class="muted small">${orgName(orgs, p.org)} · <span class=${'badge stage-' + p.stage}>${stageName(p.stage)}</span>${p.updated_at ? ' · ' + L('cập nhật', 'updated') + ' ' + fmtDate(p.updated_at) : ''}</p>
      </li>`;
      return html`<section aria-labelledby="h-open"><h2 id="h-open">${L('Đang lấy ý kiến', 'Open for comments')}</h2>
          ${open.length ? html`<ul class="plain gopy-list">${open.map(card)}</ul>` : html`<${Empty}>${L('Hiện không có dự thảo nào đang lấy ý kiến.', 'No draft is open for comments now.')}<//>`}</section>
        ${closed.length ? html`<section aria-labelledby="h-closed"><h2 id="h-closed">${L('Đã kết thúc lấy ý kiến: xem kết quả tiếp thu, giải trình', 'Consultation over: see how comments were answered')}</h2>
          <ul class="plain gopy-list">${closed.map(card)}</ul></section>` : ''}`;
    }}<//>
  </div>`;
}

/** The draft's text, one line per block; published passages highlighted;
 * a selection inside it (or a line's button) picks the passage. */
function DraftText({ text, anchors, onPick, open }) {
  const box = useRef(null);
  const [sel, setSel] = useState(null);
  const ls = useMemo(() => lines(text), [text]);
  useEffect(() => {
    if (!open) return undefined;
    const f = () => {
      const s = document.getSelection();
      if (!s || s.rangeCount === 0 || s.isCollapsed || !box.current) { setSel(null); return; }
      const r = s.getRangeAt(0);
      if (!box.current.contains(r.startContainer) || !box.current.contains(r.endContainer)) { setSel(null); return; }
      let a = textOffset(r.startContainer, r.startOffset), b = textOffset(r.endContainer, r.endOffset);
      if (a == null || b == null || b <= a) { setSel(null); return; }
      while (a < b && /\s/.test(text[a])) a++;
      while (b > a && /\s/.test(text[b - 1])) b--;
      setSel(b > a ? { a, b } : null);
    };
    document.addEventListener('selectionchange', f);
    return () => document.removeEventListener('selectionchange', f);
  }, [text, open]);
  const pick = (a, b) => onPick({ a, b, start: byteOffset(text, a), end: byteOffset(text, b), quote: text.slice(a, b) });
  return html`<div class="gopy-text-wrap">
    ${open && html`<div class="gopy-pick" aria-live="polite">${sel
      ? html`<button type="button" class="btn primary small" onMouseDown=${(e) => e.preventDefault()} onClick=${() => { pick(sel.a, sel.b); setSel(null); }}>${L('Góp ý về đoạn đã chọn', 'Comment on the selected passage')}</button>
        <span class="muted small">«${Array.from(text.slice(sel.a, sel.b)).slice(0, 80).join('')}${sel.b - sel.a > 80 ? '…' : ''}»</span>`
      : html`<span class="muted small">${L('Bôi đen một đoạn trong văn bản để góp ý về đoạn đó, hoặc bấm «Góp ý» cạnh một dòng.', 'Select a passage in the text to comment on it, or press “Comment” beside a line.')}</span>`}</div>`}
    <div class="gopy-text policy-text" ref=${box}>${ls.map((ln, k) => {
      const end = ln.at + ln.text.length;
      const segs = [];
      let pos = ln.at;
      for (const m of anchors) {
        const s = Math.max(m.a, ln.at), e = Math.min(m.b, end);
        if (e <= s || s < pos) continue;
        if (s > pos) segs.push(text.slice(pos, s));
        segs.push(html`<mark id=${'gy-m-' + m.id} title=${L('Có góp ý về đoạn này', 'Commented passage')}>${text.slice(s, e)}</mark>`);
        pos = e;
      }
      if (pos < end) segs.push(text.slice(pos, end));
      return html`<div class="gopy-line" key=${k}>
        <span class="gopy-line-text" data-at=${ln.at}>${segs.length ? segs : '\u200b'}</span>
        ${open && ln.text.trim() && html`<button type="button" class="btn ghost small gopy-line-btn" onClick=${() => {
          let a = ln.at, b = end;
          while (a < b && /\s/.test(text[a])) a++;
          while (b > a && /\s/.test(text[b - 1])) b--;
          pick(a, b);
        }}>${L('Góp ý', 'Comment')}<span class="sr-only"> ${L('dòng', 'line')}: ${Array.from(ln.text).slice(0, 40).join('')}</span></button>`}
      </div>`;
    })}</div>
  </div>`;
}

function CommentForm({ p, passage, onClear, onSent, formRef }) {
  const [text, setText] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault(); setBusy(true); setErr(null);
    const body = { text: text.trim(), version: p.version, name: name.trim() || undefined, email: email.trim() || undefined };
    if (passage) { body.start = passage.start; body.end = passage.end; }
    try {
      const d = await post(`/api/v1/policies/${encodeURIComponent(p.slug || p.id)}/comments`, body);
      onSent({ id: d.id, text: body.text, quote: passage?.quote });
      setText('');
    } catch (x) { setErr(x); }
    setBusy(false);
  };
  return html`<form class="card wf-form gopy-form" onSubmit=${submit} aria-labelledby="h-gy-form" ref=${formRef}>
    <h2 id="h-gy-form">${L('Gửi góp ý', 'Send a comment')}</h2>
    ${passage ? html`<div><p class="small"><strong>${L('Về đoạn', 'On the passage')}:</strong></p>
        <blockquote class="quote">${passage.quote}</blockquote>
        <button type="button" class="btn ghost small" onClick=${onClear}>${L('Bỏ chọn, góp ý chung cho cả dự thảo', 'Clear: comment on the whole draft')}</button></div>`
      : html`<p class="muted small">${L('Góp ý chung cho cả dự thảo. Muốn góp ý về một đoạn, hãy chọn đoạn đó trong văn bản.', 'A comment on the whole draft. To comment on a passage, select it in the text.')}</p>`}
    <div class="field"><label for="gy-text">${L('Nội dung góp ý', 'Your comment')}</label>
      <textarea id="gy-text" rows="6" required maxlength="8000" value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea></div>
    <div class="field"><label for="gy-name">${L('Họ và tên (hiện công khai cùng góp ý, không bắt buộc)', 'Name (shown with the comment, optional)')}</label>
      <input id="gy-name" maxlength="200" autocomplete="name" value=${name} onInput=${(e) => setName(e.currentTarget.value)} /></div>
    <div class="field"><label for="gy-email">${L('Thư điện tử (không công khai, không bắt buộc)', 'E-mail (never shown, optional)')}</label>
      <input id="gy-email" type="email" maxlength="200" autocomplete="email" value=${email} onInput=${(e) => setEmail(e.currentTarget.value)} /></div>
    <p class="muted small">${L('Góp ý được kiểm duyệt (có hỗ trợ của mô hình phát hiện ngôn từ độc hại) trước khi công khai.', 'Comments are moderated (helped by a toxic-language model) before they are published.')}</p>
    <button type="submit" class="btn primary" disabled=${busy || !text.trim()}>${busy ? L('Đang gửi…', 'Sending…') : L('Gửi góp ý', 'Send the comment')}</button>
    <${ErrorBox} error=${err} />
  </form>`;
}

function PublicComment({ c, cur, onShow }) {
  return html`<li class="card pcomment" id=${'gy-c-' + c.id} data-comment=${c.id}>
    <div class="comment-head"><strong>${c.name || L('Người dân', 'A citizen')}</strong><span class="meta"> · ${fmtDate(c.created_at)}${c.version ? ' · ' + L('bản', 'version') + ' ' + c.version : ''}</span></div>
    ${c.quote && html`<blockquote class="quote"><span class="sr-only">${L('Đoạn được góp ý', 'Passage commented on')}: </span>${c.quote}</blockquote>`}
    ${c.quote && c.version === cur && html`<button type="button" class="link small" onClick=${() => onShow(c.id)}>${L('Xem đoạn này trong dự thảo', 'Show it in the draft')}</button>`}
    <p class="comment-text">${c.text}</p>
    ${c.disposition ? html`<div class="disposition"><p><span class=${'badge disp-' + c.disposition}>${dispName(c.disposition)}</span>
        ${c.answered_at ? html` <span class="meta">${fmtDate(c.answered_at)}</span>` : ''}</p>
        <p><span class="muted small">${L('Trả lời của cơ quan soạn thảo', 'The drafting body’s answer')}:</span><br />${c.answer}</p></div>`
      : html`<p class="muted small">${L('Đang chờ cơ quan soạn thảo tiếp thu, giải trình.', 'Waiting for the drafting body’s answer.')}</p>`}
  </li>`;
}

function PolicyPublic({ id }) {
  const st = useFetch(`/api/v1/policies/${encodeURIComponent(id)}`);
  const cm = useFetch(`/api/v1/policies/${encodeURIComponent(id)}/comments`);
  const orgs = useOrgs();
  const [passage, setPassage] = useState(null);
  const [sent, setSent] = useState([]);
  const [filter, setFilter] = useState('');
  const formRef = useRef(null);
  useEffect(() => { if (st.data?.policy) document.title = st.data.policy.title + ' — ' + L('Góp ý dự thảo', 'Comments on drafts'); }, [st.data]);
  return html`<div class="page gopy">
    <${Async} st=${st} what=${L('dự thảo', 'the draft')} endpoint="GET /api/v1/policies/{id}">${(d) => {
      const p = d.policy;
      const text = p.text || '';
      const list = (cm.data?.comments || []).filter((c) => PUBLIC.includes(c.state));
      const here = list.filter((c) => c.version === p.version && c.end > c.start);
      const idx = charIndexes(text, here.flatMap((c) => [c.start, c.end]));
      const anchors = here.map((c, k) => ({ id: c.id, a: idx[2 * k], b: idx[2 * k + 1] })).filter((m) => m.b > m.a).sort((x, y) => x.a - y.a);
      const counts = Object.keys(DISPOSITION).map((k) => [k, list.filter((c) => c.disposition === k).length]);
      const shown = filter ? list.filter((c) => (filter === 'waiting' ? !c.disposition : c.disposition === filter)) : list;
      const show = (cid) => { const m = document.getElementById('gy-m-' + cid); m?.scrollIntoView({ block: 'center' }); m?.classList.add('flash'); setTimeout(() => m?.classList.remove('flash'), 1500); };
      return html`
        <${PageTitle} sub=${`${orgName(orgs, p.org)} · ${stageName(p.stage)} · ${p.comments_open ? L('đang nhận góp ý', 'open for comments') : L('đã kết thúc lấy ý kiến', 'consultation over')}`}>${p.title}<//>
        <p><a href="#/gop-y">← ${L('Các dự thảo', 'All drafts')}</a></p>
        <div class="cols">
          <div class="col-main">
            <section class="card" aria-labelledby="h-gy-text">
              <h2 id="h-gy-text">${L(`Toàn văn dự thảo — bản ${p.version}`, `Full text of the draft — version ${p.version}`)}</h2>
              ${anchors.length ? html`<p class="muted small">${L('Đoạn được tô sáng là đoạn đã có góp ý được công khai.', 'Highlighted passages have published comments.')}</p>` : ''}
              <${DraftText} text=${text} anchors=${anchors} open=${p.comments_open}
                onPick=${(x) => { setPassage(x); formRef.current?.scrollIntoView({ block: 'nearest' }); setTimeout(() => document.getElementById('gy-text')?.focus(), 0); }} />
              ${p.final_text && html`<h3>${L('Văn bản đã ban hành', 'The text as issued')}</h3><p class="policy-text">${p.final_text}</p>`}
            </section>
            <section class="card" aria-labelledby="h-gy-comments">
              <h2 id="h-gy-comments">${L('Góp ý đã công khai và kết quả tiếp thu, giải trình', 'Published comments and their answers')}</h2>
              <p class="small">${L(`${fmtNum(list.length)} góp ý`, `${fmtNum(list.length)} comments`)}${counts.map(([k, n]) => html` · ${dispName(k)}: <strong>${fmtNum(n)}</strong>`)}</p>
              <div class="tabs" role="group" aria-label=${L('Lọc theo kết quả', 'Filter by answer')}>
                ${[['', L('Tất cả', 'All')], ...Object.keys(DISPOSITION).map((k) => [k, dispName(k)]), ['waiting', L('chờ trả lời', 'waiting')]].map(([v, t]) => html`<button type="button" class="tab btn ghost" aria-pressed=${String(filter === v)} onClick=${() => setFilter(v)}>${t}</button>`)}
              </div>
              ${cm.error ? html`<${ErrorBox} error=${cm.error} />` : !cm.data ? html`<p class="state loading" role="status">${L('Đang tải góp ý…', 'Loading comments…')}</p>`
                : shown.length ? html`<ol class="comments">${shown.map((c) => html`<${PublicComment} key=${c.id} c=${c} cur=${p.version} onShow=${show} />`)}</ol>`
                : html`<${Empty}>${L('Chưa có góp ý nào được công khai.', 'No published comment yet.')}<//>`}
            </section>
          </div>
          <aside class="col-side gopy-side">
            ${sent.length ? html`<section class="card gopy-sent" aria-labelledby="h-gy-sent">
              <h2 id="h-gy-sent">${L('Góp ý bạn vừa gửi', 'Your comments')}</h2>
              <p class="ok-msg" role="status">${L('Cảm ơn bạn. Góp ý đã được gửi và đang chờ kiểm duyệt.', 'Thank you. Your comment was sent and is waiting for moderation.')}</p>
              <ul class="plain">${sent.map((c) => html`<li class="gopy-sent-item" data-sent=${c.id}>${c.quote ? html`<blockquote class="quote">${c.quote}</blockquote>` : ''}<p class="comment-text">${c.text}</p>
                <span class="badge wf-new">${L('đang chờ kiểm duyệt', 'waiting for moderation')}</span></li>`)}</ul>
            </section>` : ''}
            ${p.comments_open ? html`<${CommentForm} p=${p} passage=${passage} formRef=${formRef} onClear=${() => setPassage(null)}
                onSent=${(c) => { setSent([c, ...sent]); setPassage(null); }} />`
              : html`<section class="card"><p>${L('Dự thảo này không còn nhận góp ý.', 'This draft no longer takes comments.')}</p></section>`}
          </aside>
        </div>`;
    }}<//>
  </div>`;
}

export function PublicCommentsPage({ id }) {
  return id ? html`<${PolicyPublic} id=${id} key=${id} />` : html`<${PolicyList} />`;
}
