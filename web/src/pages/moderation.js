// moderation.js - Kiểm duyệt bình luận: comments on official channels,
// most toxic first, pre-labelled by the toxicity model; approve (duyệt) or
// hide (ẩn); every decision is kept and shown.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L, toxName } from '../lib/i18n.js';
import { post } from '../lib/api.js';
import { fmtDate, fmtNum } from '../lib/fmt.js';
import { href } from '../lib/route.js';
import { useFetch, Async, Empty, ErrorBox, ToxBadge, ProbBar, ItemMeta, PageTitle, labelOf } from '../components/ui.js';

const TABS = [
  { v: 'pending', vi: 'Chờ duyệt', en: 'Waiting' },
  { v: 'approved', vi: 'Đã duyệt', en: 'Approved' },
  { v: 'hidden', vi: 'Đã ẩn', en: 'Hidden' },
];
const ACTION = { approve: ['Đã duyệt', 'Approved'], approved: ['Đã duyệt', 'Approved'], hide: ['Đã ẩn', 'Hidden'], hidden: ['Đã ẩn', 'Hidden'] };

function Comment({ c, onDecided }) {
  const it = c.item || c;
  const [dec, setDec] = useState(c.decision || null);
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const tox = labelOf(it.toxicity || c.toxicity);
  const act = async (action) => {
    setBusy(true); setErr(null);
    try {
      const d = await post(`/api/v1/moderation/${it.item_id}`, { action });
      setDec(d.decision || { action, at: new Date().toISOString() });
      onDecided();
    } catch (x) { setErr(x); }
    setBusy(false);
  };
  return html`<li class=${'comment card' + (dec ? ' decided' : '') + (tox && tox.label !== 'clean' ? ' toxic' : '')}>
    <div class="comment-head">
      ${tox ? html`<${ToxBadge} tox=${it.toxicity || c.toxicity} /> <${ProbBar} p=${tox.p} label=${toxName(tox.label)} cls=${'tox-' + tox.label} />`
        : html`<span class="badge muted">${L('chưa chấm độc hại', 'no toxicity score')}</span>`}
      <span class="spacer"></span><${ItemMeta} it=${it} />
    </div>
    <p class="comment-text" lang=${it.lang || 'vi'}>${it.text}</p>
    ${it.parent_id && html`<p class="muted small">${L('Trả lời bài', 'Reply to')}: ${c.parent?.title || it.parent_id}</p>`}
    <div class="comment-actions">
      ${dec ? html`<p class="decision" role="status"><strong>${ACTION[dec.action || dec.state] ? L(...ACTION[dec.action || dec.state]) : dec.action}</strong>
          ${dec.by ? ' ' + L('bởi', 'by') + ' ' + dec.by : ''}${dec.at ? ' — ' + fmtDate(dec.at) : ''}</p>
        <button type="button" class="btn small ghost" disabled=${busy} onClick=${() => act((dec.action || dec.state || '').startsWith('hid') ? 'approve' : 'hide')}>
          ${(dec.action || dec.state || '').startsWith('hid') ? L('Duyệt lại', 'Approve instead') : L('Ẩn', 'Hide')}</button>`
      : html`<button type="button" class="btn small approve" disabled=${busy} onClick=${() => act('approve')}>${L('Duyệt', 'Approve')}<span class="sr-only"> ${L('bình luận của', 'the comment by')} ${it.author || ''}</span></button>
        <button type="button" class="btn small hide" disabled=${busy} onClick=${() => act('hide')}>${L('Ẩn', 'Hide')}<span class="sr-only"> ${L('bình luận của', 'the comment by')} ${it.author || ''}</span></button>`}
    </div>
    <${ErrorBox} error=${err} />
  </li>`;
}

export function ModerationPage({ params }) {
  const tab = TABS.some((t) => t.v === params.state) ? params.state : 'pending';
  const st = useFetch('/api/v1/moderation', { state: tab, limit: 50 });
  const [count, setCount] = useState(0);
  return html`<div class="page moderation">
    <${PageTitle} sub=${L('Bình luận trên kênh chính thức, độc hại nhất trước; quyết định của người kiểm duyệt được lưu lại', 'Comments on official channels, most toxic first; moderators’ decisions are kept')}>${L('Kiểm duyệt bình luận', 'Comment moderation')}<//>
    <nav class="tabs" aria-label=${L('Trạng thái bình luận', 'Comment state')}>
      ${TABS.map((t) => html`<a class="tab" href=${href('/moderation', { state: t.v === 'pending' ? '' : t.v })}
        aria-current=${tab === t.v ? 'page' : undefined}>${L(t.vi, t.en)}</a>`)}
    </nav>
    ${count > 0 && html`<p class="muted small" role="status">${L(`Đã xử lý ${fmtNum(count)} bình luận trong phiên này.`, `${fmtNum(count)} comments decided in this session.`)}</p>`}
    <${Async} st=${st} what=${L('hàng đợi kiểm duyệt', 'the moderation queue')} endpoint="GET /api/v1/moderation">${(d) => {
      const list = [...(d.comments || d.items || d.queue || [])];
      if (tab === 'pending') list.sort((a, b) => (labelOf((b.item || b).toxicity || b.toxicity)?.p ?? 0) - (labelOf((a.item || a).toxicity || a.toxicity)?.p ?? 0));
      if (!list.length) return html`<${Empty}>${L('Không có bình luận nào ở đây.', 'No comment here.')}<//>`;
      return html`<ol class="comments">${list.map((c) => html`<${Comment} c=${c} key=${(c.item || c).item_id} onDecided=${() => setCount((n) => n + 1)} />`)}</ol>`;
    }}<//>
  </div>`;
}
