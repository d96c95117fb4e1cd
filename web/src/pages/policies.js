// policies.js - Dự thảo chính sách: policy pages with their draft versions,
// a word-level diff between versions (rendered from the diff's operations as
// text, <del> and <ins> — never from the server's HTML), public comments
// (góp ý) anchored to passages, their moderation (duyệt / ẩn) and
// disposition (tiếp thu / giải trình / không tiếp thu) with an answer.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L } from '../lib/i18n.js';
import { post } from '../lib/api.js';
import { fmtDate, segments } from '../lib/fmt.js';
import { go } from '../lib/route.js';
import { useFetch, Async, Empty, ErrorBox, PageTitle, ToxBadge } from '../components/ui.js';
import { useOrgs, orgName, dispName, DISPOSITION } from '../components/wf.js';

const EDITORS = ['admin', 'editor', 'spokesperson'];
const STAFF = ['admin', 'editor', 'spokesperson', 'analyst'];
const STAGES = ['drafting', 'consultation', 'issued', 'implemented', 'evaluated'];
const STAGE = {
  drafting: ['soạn thảo', 'drafting'], consultation: ['lấy ý kiến', 'consultation'], issued: ['đã ban hành', 'issued'],
  implemented: ['đang thực hiện', 'implemented'], evaluated: ['đã đánh giá', 'evaluated'],
};
const stageName = (s) => (STAGE[s] ? L(...STAGE[s]) : s || '—');
const NEXT = {
  drafting: ['Mở lấy ý kiến', 'Open for comments'], consultation: ['Ban hành (văn bản cuối)', 'Issue (final text)'],
  issued: ['Chuyển sang thực hiện', 'Mark as implemented'], implemented: ['Đánh dấu đã đánh giá', 'Mark as evaluated'],
};

function NewPolicy({ onDone }) {
  const [f, setF] = useState({ slug: '', title: '', text: '' });
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault(); setBusy(true); setErr(null);
    try {
      const d = await post('/api/v1/policies', { slug: f.slug.trim(), title: f.title.trim(), text: f.text });
      onDone(d.policy);
    } catch (x) { setErr(x); }
    setBusy(false);
  };
  return html`<form class="card inline-form" onSubmit=${submit} aria-labelledby="h-newpol">
    <h2 id="h-newpol">${L('Thêm dự thảo', 'New draft')}</h2>
    <div class="field"><label for="p-title">${L('Tên dự thảo', 'Title')}</label><input id="p-title" required value=${f.title} onInput=${set('title')} /></div>
    <div class="field"><label for="p-slug">${L('Mã trang (chữ thường, gạch nối)', 'Page code (lower case, hyphens)')}</label>
      <input id="p-slug" required pattern="[a-z0-9]+(-[a-z0-9]+)*" value=${f.slug} onInput=${set('slug')} /></div>
    <div class="field"><label for="p-text">${L('Toàn văn dự thảo 1', 'Full text of draft 1')}</label><textarea id="p-text" rows="6" required value=${f.text} onInput=${set('text')}></textarea></div>
    <button class="btn primary" type="submit" disabled=${busy || !f.slug.trim() || !f.title.trim() || !f.text.trim()}>${L('Thêm', 'Add')}</button>
    <${ErrorBox} error=${err} />
  </form>`;
}

function PolicyList({ user }) {
  const st = useFetch('/api/v1/policies');
  const orgs = useOrgs();
  const editor = EDITORS.includes(user.role);
  return html`<div class="page policies">
    <${PageTitle} sub=${L('Dự thảo, các phiên bản, góp ý của người dân và việc tiếp thu, giải trình', 'Drafts, their versions, public comments and their disposition')}>${L('Dự thảo chính sách', 'Policy drafts')}<//>
    <div class=${editor ? 'cols' : ''}>
      <div class="col-main">
        <${Async} st=${st} what=${L('dự thảo', 'drafts')} endpoint="GET /api/v1/policies">${(d) => {
          const list = d.policies || [];
          if (!list.length) return html`<${Empty}>${L('Chưa có dự thảo nào.', 'No draft yet.')}<//>`;
          return html`<div class="table-wrap"><table class="data">
            <thead><tr><th scope="col">${L('Dự thảo', 'Draft')}</th><th scope="col">${L('Cơ quan', 'Organisation')}</th><th scope="col">${L('Giai đoạn', 'Stage')}</th>
              <th scope="col">${L('Góp ý', 'Comments')}</th><th scope="col">${L('Cập nhật', 'Updated')}</th></tr></thead>
            <tbody>${list.map((p) => html`<tr key=${p.id}>
              <th scope="row"><a href=${'#/policies/' + encodeURIComponent(p.slug || p.id)}>${p.title}</a></th>
              <td>${orgName(orgs, p.org)}</td><td><span class=${'badge stage-' + p.stage}>${stageName(p.stage)}</span></td>
              <td>${p.comments_open ? L('đang nhận góp ý', 'open') : L('đã đóng', 'closed')}</td><td>${fmtDate(p.updated_at || p.created_at)}</td>
            </tr>`)}</tbody></table></div>`;
        }}<//>
      </div>
      ${editor && html`<div class="col-side"><${NewPolicy} onDone=${(p) => go('/policies/' + encodeURIComponent(p.slug || p.id))} /></div>`}
    </div>
  </div>`;
}

/** The diff between two versions, from the operations: text, <del>, <ins>. */
function Diff({ pid, versions }) {
  const ns = versions.map((v) => v.n);
  const [from, setFrom] = useState(ns.length > 1 ? ns[ns.length - 2] : ns[0]);
  const [to, setTo] = useState(ns[ns.length - 1]);
  const st = useFetch(ns.length > 1 ? `/api/v1/policies/${encodeURIComponent(pid)}/diff` : null, { from, to });
  if (ns.length < 2) return html`<p class="muted small">${L('Mới có một phiên bản: chưa có gì để so sánh.', 'Only one version so far: nothing to compare.')}</p>`;
  return html`<div class="diff-box">
    <div class="inline-fields">
      <div class="field"><label for="d-from">${L('Từ bản', 'From version')}</label>
        <select id="d-from" value=${from} onChange=${(e) => setFrom(+e.currentTarget.value)}>${ns.map((n) => html`<option value=${n}>${n}</option>`)}</select></div>
      <div class="field"><label for="d-to">${L('Đến bản', 'To version')}</label>
        <select id="d-to" value=${to} onChange=${(e) => setTo(+e.currentTarget.value)}>${ns.map((n) => html`<option value=${n}>${n}</option>`)}</select></div>
    </div>
    <${Async} st=${st} what=${L('so sánh', 'the comparison')}>${(d) => html`
      <p class="muted small" role="status">${L(`Bản ${d.from} → bản ${d.to}: bỏ ${d.words_deleted} từ, thêm ${d.words_inserted} từ`, `Version ${d.from} → ${d.to}: ${d.words_deleted} words removed, ${d.words_inserted} added`)}</p>
      <p class="diff policy-text">${(d.ops || []).map((o) => (o.op === '-' ? html`<del>${o.text}</del>` : o.op === '+' ? html`<ins>${o.text}</ins>` : o.text))}</p>`}<//>
  </div>`;
}

function StageButton({ p, onDone }) {
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const i = STAGES.indexOf(p.stage);
  if (i < 0 || i >= STAGES.length - 1) return null;
  const next = STAGES[i + 1];
  const run = async () => {
    setBusy(true); setErr(null);
    try {
      const body = { stage: next };
      if (next === 'issued') body.final_text = p.text || '';
      const d = await post(`/api/v1/policies/${p.id}/stage`, body);
      onDone(d.policy);
    } catch (x) { setErr(x); }
    setBusy(false);
  };
  return html`<div><button type="button" class="btn" disabled=${busy} onClick=${run}>${L(...NEXT[p.stage])}</button><${ErrorBox} error=${err} /></div>`;
}

function NewVersion({ p, onDone }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(p.text || '');
  const [note, setNote] = useState('');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  if (!open) return html`<button type="button" class="btn" aria-expanded="false" onClick=${() => { setText(p.text || ''); setOpen(true); }}>${L('Thêm phiên bản', 'Add a version')}</button>`;
  const submit = async (e) => {
    e.preventDefault(); setBusy(true); setErr(null);
    try { await post(`/api/v1/policies/${p.id}/versions`, { text, note: note.trim() || undefined }); setOpen(false); onDone(); } catch (x) { setErr(x); }
    setBusy(false);
  };
  return html`<form class="wf-form" onSubmit=${submit}>
    <div class="field"><label for="v-text">${L('Toàn văn phiên bản mới', 'Full text of the new version')}</label><textarea id="v-text" rows="8" required value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea></div>
    <div class="field"><label for="v-note">${L('Ghi chú', 'Note')}</label><input id="v-note" value=${note} onInput=${(e) => setNote(e.currentTarget.value)} /></div>
    <div class="btn-row"><button type="submit" class="btn primary" disabled=${busy || !text.trim()}>${L('Lưu phiên bản', 'Save the version')}</button>
      <button type="button" class="btn ghost" onClick=${() => setOpen(false)}>${L('Huỷ', 'Cancel')}</button></div>
    <${ErrorBox} error=${err} />
  </form>`;
}

/** One comment: the quoted passage, the text, moderation and disposition. */
function Comment({ c, staff, onDone }) {
  const [mode, setMode] = useState(null); // 'hide' | 'dispose'
  const [text, setText] = useState('');
  const [label, setLabel] = useState('');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const act = async (body) => {
    setBusy(true); setErr(null);
    try { await post(`/api/v1/workflow/cases/${c.id}/actions`, body); setMode(null); setText(''); onDone(); } catch (x) { setErr(x); }
    setBusy(false);
  };
  const who = c.name || L('Người dân', 'A citizen');
  return html`<li class=${'card pcomment state-' + c.state} data-comment=${c.id}>
    <div class="comment-head"><strong>${who}</strong><span class="meta"> · ${fmtDate(c.created_at)}${c.version ? ' · ' + L('bản', 'version') + ' ' + c.version : ''}</span>
      <span class="spacer"></span>${c.toxicity && html`<${ToxBadge} tox=${c.toxicity} />`}
      ${staff && c.held === 'toxicity' && c.state === 'pending' && html` <span class="badge held" title=${L('Mô hình phát hiện ngôn từ độc hại không xếp góp ý này là sạch', 'The toxicity model did not call it clean')}>${L('bị mô hình giữ lại', 'held by the model')}</span>`}
      ${staff && html`<span class="badge muted">${c.state_vi && L(c.state_vi, c.state)}</span>`}</div>
    ${c.quote && html`<blockquote class="quote"><span class="sr-only">${L('Đoạn được góp ý', 'Passage commented on')}: </span>${c.quote}</blockquote>`}
    <p class="comment-text">${c.text}</p>
    ${c.disposition && html`<div class="disposition"><p><span class=${'badge disp-' + c.disposition}>${dispName(c.disposition)}</span>
      ${c.answered_at ? html` <span class="meta">${fmtDate(c.answered_at)}</span>` : ''}</p><p>${c.answer}</p></div>`}
    ${staff && c.state === 'pending' && html`<div class="btn-row">
      <button type="button" class="btn small approve" disabled=${busy} onClick=${() => act({ action: 'approve' })}>${L('Duyệt', 'Approve')}<span class="sr-only"> ${L('góp ý của', 'the comment by')} ${who}</span></button>
      <button type="button" class="btn small hide" disabled=${busy} aria-expanded=${String(mode === 'hide')} onClick=${() => setMode(mode === 'hide' ? null : 'hide')}>${L('Ẩn', 'Hide')}<span class="sr-only"> ${L('góp ý của', 'the comment by')} ${who}</span></button></div>`}
    ${staff && c.state === 'visible' && mode !== 'dispose' && html`<div class="btn-row">
      <button type="button" class="btn small primary" onClick=${() => setMode('dispose')}>${L('Tiếp thu, giải trình', 'Dispose')}<span class="sr-only"> ${L('góp ý của', 'the comment by')} ${who}</span></button></div>`}
    ${mode === 'hide' && html`<form class="wf-form" onSubmit=${(e) => { e.preventDefault(); act({ action: 'hide', note: text.trim() }); }}>
      <div class="field"><label for=${'h-note-' + c.id}>${L('Lý do ẩn', 'Why it is hidden')}</label><input id=${'h-note-' + c.id} required value=${text} onInput=${(e) => setText(e.currentTarget.value)} /></div>
      <div class="btn-row"><button type="submit" class="btn small hide" disabled=${busy || !text.trim()}>${L('Xác nhận ẩn', 'Hide it')}</button></div></form>`}
    ${mode === 'dispose' && html`<form class="wf-form" onSubmit=${(e) => { e.preventDefault(); act({ action: 'dispose', label, text: text.trim() }); }}>
      <fieldset class="field"><legend>${L('Kết quả', 'Disposition')}</legend>
        ${Object.keys(DISPOSITION).map((k) => html`<label class="radio"><input type="radio" name=${'disp-' + c.id} value=${k} checked=${label === k} onChange=${() => setLabel(k)} /> ${dispName(k)}</label>`)}</fieldset>
      <div class="field"><label for=${'d-ans-' + c.id}>${L('Nội dung tiếp thu, giải trình', 'Answer')}</label>
        <textarea id=${'d-ans-' + c.id} rows="4" required value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea></div>
      <div class="btn-row"><button type="submit" class="btn small primary" disabled=${busy || !label || !text.trim()}>${L('Lưu và công bố', 'Save and publish')}</button>
        <button type="button" class="btn small ghost" onClick=${() => setMode(null)}>${L('Huỷ', 'Cancel')}</button></div></form>`}
    <${ErrorBox} error=${err} />
  </li>`;
}

const CTABS = [
  { v: 'pending', vi: 'Chờ duyệt', en: 'Waiting' },
  { v: '', vi: 'Đã công khai', en: 'Published' },
  { v: 'hidden', vi: 'Đã ẩn', en: 'Hidden' },
];

function Comments({ pid, staff, onChange }) {
  const [tab, setTab] = useState(staff ? 'pending' : '');
  const st = useFetch(`/api/v1/policies/${encodeURIComponent(pid)}/comments`, { state: tab });
  return html`<section class="card" aria-labelledby="h-comments">
    <h2 id="h-comments">${L('Góp ý của người dân', 'Public comments')}</h2>
    ${staff && html`<div class="tabs" role="group" aria-label=${L('Trạng thái góp ý', 'Comment state')}>
      ${CTABS.map((t) => html`<button type="button" class="tab btn ghost" aria-pressed=${String(tab === t.v)} onClick=${() => setTab(t.v)}>${L(t.vi, t.en)}</button>`)}</div>`}
    <${Async} st=${st} what=${L('góp ý', 'comments')}>${(d) => {
      const list = d.comments || [];
      if (!list.length) return html`<${Empty}>${L('Không có góp ý nào ở đây.', 'No comment here.')}<//>`;
      return html`<ol class="comments">${list.map((c) => html`<${Comment} key=${c.id} c=${c} staff=${staff} onDone=${() => { st.reload(); onChange(); }} />`)}</ol>`;
    }}<//>
  </section>`;
}

function PolicyView({ id, user }) {
  const st = useFetch(`/api/v1/policies/${encodeURIComponent(id)}`);
  const pub = useFetch(`/api/v1/policies/${encodeURIComponent(id)}/comments`);
  const orgs = useOrgs();
  const staff = STAFF.includes(user.role);
  const editor = EDITORS.includes(user.role);
  return html`<div class="page policy">
    <${Async} st=${st} what=${L('dự thảo', 'the draft')} endpoint="GET /api/v1/policies/{id}">${(d) => {
      const p = d.policy;
      const anchors = (pub.data?.comments || []).filter((c) => (c.state === 'visible' || c.state === 'answered') && c.version === p.version && c.end > c.start).map((c) => ({ start: c.start, end: c.end }));
      const counts = Object.entries(p.comments || {});
      return html`
        <${PageTitle} sub=${`${orgName(orgs, p.org)} · ${L('giai đoạn', 'stage')}: ${stageName(p.stage)} · ${p.comments_open ? L('đang nhận góp ý', 'open for comments') : L('không nhận góp ý', 'comments closed')}`}>${p.title}<//>
        <div class="cols">
          <div class="col-main">
            <section class="card" aria-labelledby="h-text">
              <h2 id="h-text">${L(`Toàn văn — bản ${p.version}`, `Full text — version ${p.version}`)}</h2>
              ${anchors.length ? html`<p class="muted small">${L('Đoạn được tô sáng là đoạn người dân đã góp ý.', 'Highlighted passages have public comments.')}</p>` : ''}
              <p class="policy-text">${segments(p.text || '', anchors, 'byte').map((s) => (s.mark ? html`<mark>${s.text}</mark>` : s.text))}</p>
              ${p.final_text && p.final_text !== p.text && html`<h3>${L('Văn bản ban hành', 'Final text')}</h3><p class="policy-text">${p.final_text}</p>`}
            </section>
            <section class="card" aria-labelledby="h-diff">
              <h2 id="h-diff">${L('So sánh các phiên bản', 'Compare versions')}</h2>
              <${Diff} pid=${p.id} versions=${p.versions || []} key=${(p.versions || []).length} />
            </section>
            <${Comments} pid=${p.id} staff=${staff} onChange=${() => { st.reload(); pub.reload(); }} />
          </div>
          <aside class="col-side">
            <section class="card" aria-labelledby="h-versions">
              <h2 id="h-versions">${L('Các phiên bản', 'Versions')}</h2>
              <ol class="versions">${(p.versions || []).map((v) => html`<li><strong>${L('Bản', 'Version')} ${v.n}</strong> · ${fmtDate(v.created_at)}${v.by ? ' · ' + v.by : ''}${v.note ? html`<br /><span class="muted small">${v.note}</span>` : ''}</li>`)}</ol>
              ${editor && p.stage === 'drafting' || editor && p.stage === 'consultation' ? html`<${NewVersion} p=${p} onDone=${st.reload} />` : ''}
            </section>
            ${counts.length ? html`<section class="card" aria-labelledby="h-counts"><h2 id="h-counts">${L('Số góp ý', 'Comment counts')}</h2>
              <ul class="plain">${counts.map(([k, n]) => html`<li>${countName(k)}: <strong>${n}</strong></li>`)}</ul></section>` : ''}
            ${editor && html`<section class="card"><h2>${L('Giai đoạn', 'Stage')}</h2><p>${stageName(p.stage)}</p><${StageButton} p=${p} onDone=${() => st.reload()} /></section>`}
            ${p.stage !== 'drafting' && html`<p><a href=${'#/gop-y/' + encodeURIComponent(p.slug || p.id)}>${L('Trang góp ý công khai của dự thảo', 'The public comment page of this draft')}</a></p>`}
            <p><a href="#/policies">← ${L('Về danh sách', 'Back to the list')}</a></p>
          </aside>
        </div>`;
    }}<//>
  </div>`;
}
const COUNT = { pending: ['chờ duyệt', 'waiting'], visible: ['đã duyệt', 'approved'], answered: ['đã tiếp thu, giải trình', 'disposed'], hidden: ['đã ẩn', 'hidden'] };
function countName(k) {
  const [s, d] = k.split(':');
  const base = COUNT[s] ? L(...COUNT[s]) : s;
  return d ? `${base} — ${dispName(d)}` : base;
}

export function PoliciesPage({ id, user }) {
  return id ? html`<${PolicyView} id=${id} user=${user} key=${id} />` : html`<${PolicyList} user=${user} />`;
}
