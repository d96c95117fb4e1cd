// wf.js - shared pieces of the press office's workflow pages (câu hỏi báo
// chí, phản ánh kiến nghị, góp ý dự thảo): the state machines from
// GET /api/v1/workflow/types, state and due-date cells, a case's history and
// the actions the current user may take. Server text is always text.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L, roleName } from '../lib/i18n.js';
import { get, post } from '../lib/api.js';
import { fmtDate, fmtDay } from '../lib/fmt.js';
import { ErrorBox } from './ui.js';

// English names of the states and actions (Vietnamese comes from the server).
const STATE_EN = {
  received: 'received', routed: 'routed to a unit', waiting: 'waiting for the requester', drafted: 'draft waiting for approval',
  answered: 'answered', published: 'answered and published', rejected: 'rejected', withdrawn: 'withdrawn',
  pending: 'waiting for moderation', visible: 'approved, waiting for a disposition', hidden: 'hidden',
  draft: 'draft', sent: 'sent', acknowledged: 'acknowledged', corrected: 'corrected', refused: 'refused', cancelled: 'cancelled',
  approved: 'approved', dropped: 'dropped',
};
const ACTION_EN = {
  create: 'received', route: 'route to a unit', ask_info: 'ask for more information', reply: 'add information', draft: 'draft the answer',
  return: 'return the draft', approve: 'approve', answer: 'answer directly', publish: 'publish', reject: 'reject', withdraw: 'withdraw',
  hide: 'hide', dispose: 'disposition', send: 'send', acknowledge: 'acknowledge', corrected: 'corrected', refuse: 'refuse', cancel: 'cancel', drop: 'drop',
};
const ACTION_VI = { create: 'tiếp nhận', hide: 'ẩn', approve: 'phê duyệt', dispose: 'tiếp thu, giải trình' };
/** Disposition labels (GLOSSARY: tiếp thu / giải trình). */
export const DISPOSITION = {
  accepted: ['tiếp thu', 'accepted'], explained: ['giải trình', 'explained'], not_accepted: ['không tiếp thu', 'not accepted'],
};
export const dispName = (k) => (DISPOSITION[k] ? L(...DISPOSITION[k]) : k || '—');

let typesPromise = null;
/** The state machines, fetched once. */
export function useTypes() {
  const [types, setTypes] = useState(null);
  useEffect(() => {
    if (!typesPromise) typesPromise = get('/api/v1/workflow/types').then((d) => d.types || [], (e) => { typesPromise = null; throw e; });
    typesPromise.then(setTypes, () => setTypes([]));
  }, []);
  return types;
}

let orgsPromise = null;
/** The organisations (for unit and organisation choices), fetched once. */
export function useOrgs() {
  const [orgs, setOrgs] = useState([]);
  useEffect(() => {
    if (!orgsPromise) orgsPromise = get('/api/v1/orgs').then((d) => d.orgs || [], (e) => { orgsPromise = null; throw e; });
    orgsPromise.then(setOrgs, () => setOrgs([]));
  }, []);
  return orgs;
}
export const orgName = (orgs, slug) => (slug ? (orgs.find((o) => o.slug === slug)?.name || slug) : '—');

export function StateBadge({ c }) {
  const cls = c.closed ? 'closed' : c.state === 'received' || c.state === 'pending' ? 'new' : 'open';
  return html`<span class=${'badge wf-state wf-' + cls}>${L(c.state_vi || c.state, STATE_EN[c.state] || c.state)}</span>`;
}

/** The due date; "quá hạn" (overdue) stands out in words, not colour alone. */
export function Due({ c }) {
  if (!c.due_at && !c.due_date) return html`<span class="muted">—</span>`;
  const day = c.due_date ? c.due_date.split('-').reverse().join('/') : fmtDay(c.due_at);
  if (c.closed) return html`<span>${day}</span>`;
  if (c.overdue) {
    return html`<span class="due overdue">${day} <span class="badge overdue">${L('quá hạn', 'overdue')}${c.days_left != null ? ` ${Math.abs(c.days_left)} ${L('ngày', 'days')}` : ''}</span></span>`;
  }
  return html`<span class="due">${day}${c.paused ? html` <span class="badge muted">${L('tạm dừng', 'paused')}</span>`
    : c.days_left != null ? html` <span class="muted small">(${L(`còn ${c.days_left} ngày làm việc`, `${c.days_left} working days left`)})</span>` : ''}</span>`;
}

/** Table of cases: title, state, organisation, unit, due date. */
export function CaseTable({ cases, base, orgs, caption }) {
  return html`<div class="table-wrap"><table class="data cases">
    ${caption && html`<caption class="sr-only">${caption}</caption>`}
    <thead><tr><th scope="col">${L('Số', 'No.')}</th><th scope="col">${L('Nội dung', 'Subject')}</th><th scope="col">${L('Trạng thái', 'State')}</th>
      <th scope="col">${L('Cơ quan', 'Organisation')}</th><th scope="col">${L('Đơn vị chủ trì', 'Responsible unit')}</th>
      <th scope="col">${L('Hạn trả lời', 'Due date')}</th><th scope="col">${L('Tiếp nhận', 'Received')}</th></tr></thead>
    <tbody>${cases.map((c) => html`<tr key=${c.id} class=${c.overdue && !c.closed ? 'overdue' : ''}>
      <td class="num">${c.id}</td>
      <th scope="row"><a href=${`#${base}/${c.id}`}>${c.title || c.excerpt || clip(c.body) || L('(không có tiêu đề)', '(untitled)')}</a>
        ${c.group_size > 1 ? html` <span class="badge muted" title=${L('Vấn đề lặp lại', 'Recurring problem')}>×${c.group_size}</span>` : ''}</th>
      <td><${StateBadge} c=${c} /></td>
      <td>${orgName(orgs, c.org)}</td>
      <td>${c.unit ? orgName(orgs, c.unit) : c.suggested_unit ? html`<span class="muted">${L('gợi ý', 'suggested')}: ${orgName(orgs, c.suggested_unit)}</span>` : '—'}</td>
      <td><${Due} c=${c} /></td>
      <td>${fmtDate(c.created_at)}</td>
    </tr>`)}</tbody></table></div>`;
}

export function clip(s, n = 90) {
  const t = String(s || '').trim();
  return t.length > n ? Array.from(t).slice(0, n).join('') + '…' : t;
}

/** The history: who did what, when. */
export function History({ events }) {
  if (!events?.length) return null;
  return html`<section class="card" aria-labelledby="h-history">
    <h2 id="h-history">${L('Lịch sử xử lý', 'History')}</h2>
    <ol class="history">${events.map((e) => html`<li>
      <time datetime=${e.at}>${fmtDate(e.at)}</time> · <strong>${e.actor || L('hệ thống', 'system')}</strong>
      ${' — '}${L(ACTION_VI[e.action] || actionViMap[e.action] || e.action, ACTION_EN[e.action] || e.action)}
      ${e.from && e.to && e.from !== e.to ? html` <span class="muted">(${L(stateVi(e.from), STATE_EN[e.from] || e.from)} → ${L(stateVi(e.to), STATE_EN[e.to] || e.to)})</span>` : ''}
      ${e.note ? html`<p class="history-note">${e.note}</p>` : ''}
    </li>`)}</ol>
  </section>`;
}
let stateViMap = {};
const actionViMap = {};
const stateVi = (s) => stateViMap[s] || s;

/** The transitions the user may take from the case's state. The server
 * decides in the end (organisation and unit scope); a refusal shows here. */
export function allowedActions(types, c, user) {
  const t = (types || []).find((x) => x.name === c.type);
  if (!t) return [];
  for (const s of t.states || []) stateViMap[s.name] = s.vi;
  for (const tr of t.transitions || []) if (tr.vi && !actionViMap[tr.action]) actionViMap[tr.action] = tr.vi;
  const mine = c.requester && c.requester === user.login;
  const seen = new Set();
  return (t.transitions || []).filter((tr) => (tr.from === c.state || (tr.from === '*' && !c.closed))
    && ((tr.roles || []).includes(user.role) || (mine && (tr.roles || []).includes('requester')))
    && !seen.has(tr.action) && seen.add(tr.action));
}

/** Buttons for the allowed actions; an action that needs an answer, a note,
 * a label or a unit opens a small form first. */
export function CaseActions({ c, user, types, orgs, onDone }) {
  const acts = allowedActions(types, c, user);
  const [open, setOpen] = useState(null);
  const [text, setText] = useState('');
  const [unit, setUnit] = useState('');
  const [label, setLabel] = useState('');
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  if (!types) return null;
  if (!acts.length) {
    return html`<p class="muted small" role="status">${c.closed ? L('Hồ sơ đã đóng.', 'The case is closed.')
      : L(`Vai trò ${roleName(user.role)} không có thao tác nào ở bước này.`, `The ${roleName(user.role)} role has no action at this step.`)}</p>`;
  }
  const units = orgs.filter((o) => o.parent === c.org || o.slug === c.org || o.slug === c.suggested_unit || o.slug === c.unit);
  const run = async (tr) => {
    setBusy(true); setErr(null);
    const body = { action: tr.action };
    if (tr.needs_answer) body.text = text.trim();
    if (tr.needs_note) body.note = text.trim();
    if (tr.needs_label) body.label = label;
    if (tr.action === 'route' && unit) body.unit = unit;
    try {
      const d = await post(`/api/v1/workflow/cases/${c.id}/actions`, body);
      setOpen(null); setText(''); setLabel('');
      onDone(d.case);
    } catch (x) { setErr(x); }
    setBusy(false);
  };
  const needsForm = (tr) => tr.needs_answer || tr.needs_note || tr.needs_label || tr.action === 'route';
  const name = (tr) => L(tr.vi || tr.action, ACTION_EN[tr.action] || tr.action);
  const tr = acts.find((a) => a.action === open);
  return html`<section class="card wf-actions" aria-labelledby="h-actions">
    <h2 id="h-actions">${L('Thao tác', 'Actions')}</h2>
    <div class="btn-row">${acts.map((a) => html`<button type="button" class=${'btn ' + (open === a.action ? 'primary' : '')}
      aria-expanded=${needsForm(a) ? String(open === a.action) : undefined} disabled=${busy}
      onClick=${() => (needsForm(a) ? setOpen(open === a.action ? null : a.action) : run(a))}>${cap(name(a))}</button>`)}</div>
    ${tr && html`<form class="wf-form" onSubmit=${(e) => { e.preventDefault(); run(tr); }}>
      ${tr.action === 'route' && html`<div class="field"><label for="wf-unit">${L('Đơn vị chủ trì', 'Responsible unit')}</label>
        <select id="wf-unit" value=${unit} onChange=${(e) => setUnit(e.currentTarget.value)}>
          <option value="">${c.suggested_unit ? L(`Theo gợi ý: ${orgName(orgs, c.suggested_unit)}`, `As suggested: ${orgName(orgs, c.suggested_unit)}`) : L('— chọn đơn vị —', '— choose a unit —')}</option>
          ${units.map((o) => html`<option value=${o.slug}>${o.name}</option>`)}
        </select></div>`}
      ${tr.needs_label && html`<fieldset class="field"><legend>${L('Kết quả', 'Disposition')}</legend>
        ${(types.find((x) => x.name === c.type)?.labels || Object.keys(DISPOSITION)).map((k) => html`<label class="radio">
          <input type="radio" name="wf-label" value=${k} checked=${label === k} onChange=${() => setLabel(k)} /> ${dispName(k)}</label>`)}
      </fieldset>`}
      ${(tr.needs_answer || tr.needs_note) && html`<div class="field"><label for="wf-text">${tr.needs_answer ? L('Nội dung trả lời', 'Answer') : L('Lý do, ghi chú', 'Reason, note')}</label>
        <textarea id="wf-text" rows="5" required value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea></div>`}
      <div class="btn-row">
        <button type="submit" class="btn primary" disabled=${busy || ((tr.needs_answer || tr.needs_note) && !text.trim()) || (tr.needs_label && !label) || (tr.action === 'route' && !unit && !c.suggested_unit)}>${L('Xác nhận', 'Confirm')}: ${name(tr)}</button>
        <button type="button" class="btn ghost" onClick=${() => setOpen(null)}>${L('Huỷ', 'Cancel')}</button>
      </div>
    </form>`}
    <${ErrorBox} error=${err} />
  </section>`;
}
const cap = (s) => String(s).charAt(0).toUpperCase() + String(s).slice(1);

/** One case: what was asked, by whom, where it is, the answer, the actions
 * and the history. */
export function CaseView({ c, user, types, orgs, onChange, back }) {
  return html`<div class="cols">
    <div class="col-main">
      <section class="card" aria-labelledby="h-case">
        <h2 id="h-case">${c.title || L('Nội dung', 'Content')}</h2>
        <p class="case-body">${c.body}</p>
        ${c.answer && html`<div class="answer"><h3>${c.state === 'drafted' ? L('Dự thảo trả lời', 'Draft answer') : L('Trả lời', 'Answer')}</h3>
          <p class="case-body">${c.answer}</p>
          ${c.answer_by && html`<p class="muted small">${L('Người soạn', 'By')}: ${c.answer_by}${c.answered_at ? ' — ' + fmtDate(c.answered_at) : ''}</p>`}</div>`}
      </section>
      <${CaseActions} c=${c} user=${user} types=${types} orgs=${orgs} onDone=${onChange} />
      <${History} events=${c.events} />
    </div>
    <aside class="col-side card" aria-label=${L('Thông tin hồ sơ', 'Case details')}>
      <dl class="facts">
        <dt>${L('Trạng thái', 'State')}</dt><dd><${StateBadge} c=${c} /></dd>
        <dt>${L('Hạn trả lời', 'Due date')}</dt><dd><${Due} c=${c} /></dd>
        <dt>${L('Người gửi', 'From')}</dt><dd>${c.requester || c.name || '—'}${c.requester_org ? html`<br /><span class="muted">${orgName(orgs, c.requester_org)}</span>` : ''}</dd>
        <dt>${L('Cơ quan được hỏi', 'Organisation asked')}</dt><dd>${orgName(orgs, c.org)}</dd>
        <dt>${L('Đơn vị chủ trì', 'Responsible unit')}</dt><dd>${c.unit ? orgName(orgs, c.unit) : '—'}${!c.unit && c.suggested_unit ? html`<br /><span class="muted">${L('gợi ý', 'suggested')}: ${orgName(orgs, c.suggested_unit)}</span>` : ''}</dd>
        ${c.topic && html`<dt>${L('Chủ đề', 'Topic')}</dt><dd>${c.topic}</dd>`}
        <dt>${L('Tiếp nhận', 'Received')}</dt><dd>${fmtDate(c.created_at)}</dd>
        ${c.publish && html`<dt>${L('Công bố', 'Publication')}</dt><dd>${c.publish === 'published' ? L('đã công bố', 'published') : L('đang chờ công bố', 'queued')}${c.publish_ref ? html`<br /><span class="muted small">${c.publish_ref}</span>` : ''}</dd>`}
      </dl>
      ${back}
    </aside>
  </div>`;
}
