// questions.js - Câu hỏi báo chí: journalists' questions. Staff see the
// cases of their organisation and units (state, unit, due date, "quá hạn");
// a journalist sees their own questions and a form to ask one. A case view
// shows the history and the actions the current role may take (route to a
// unit, draft the answer, approve, publish…).
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L } from '../lib/i18n.js';
import { post } from '../lib/api.js';
import { href, go } from '../lib/route.js';
import { useFetch, Async, Empty, ErrorBox, PageTitle } from '../components/ui.js';
import { useTypes, useOrgs, CaseTable, CaseView } from '../components/wf.js';

const STAFF = ['admin', 'spokesperson', 'editor', 'analyst'];
const TABS = [
  { v: '', vi: 'Tất cả', en: 'All' },
  { v: 'open', vi: 'Đang xử lý', en: 'Open' },
  { v: 'overdue', vi: 'Quá hạn', en: 'Overdue' },
];

function AskForm({ orgs, onDone }) {
  const [f, setF] = useState({ title: '', body: '', org: '', topic: '' });
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault(); setBusy(true); setErr(null);
    try {
      const body = { title: f.title.trim() || undefined, body: f.body.trim(), org: f.org || undefined, topic: f.topic.trim() || undefined };
      const d = await post('/api/v1/questions', body);
      setF({ title: '', body: '', org: f.org, topic: '' });
      onDone(d.case);
    } catch (x) { setErr(x); }
    setBusy(false);
  };
  const asked = orgs.filter((o) => o.kind !== 'press');
  return html`<form class="card inline-form" onSubmit=${submit} aria-labelledby="h-ask">
    <h2 id="h-ask">${L('Gửi câu hỏi', 'Ask a question')}</h2>
    <div class="field"><label for="q-org">${L('Cơ quan được hỏi', 'Organisation asked')}</label>
      <select id="q-org" required value=${f.org} onChange=${set('org')}><option value="">—</option>
        ${asked.map((o) => html`<option value=${o.slug}>${o.name}</option>`)}</select></div>
    <div class="field"><label for="q-title">${L('Tiêu đề', 'Title')}</label><input id="q-title" value=${f.title} onInput=${set('title')} /></div>
    <div class="field"><label for="q-topic">${L('Chủ đề (không bắt buộc)', 'Topic (optional)')}</label><input id="q-topic" value=${f.topic} onInput=${set('topic')} /></div>
    <div class="field"><label for="q-body">${L('Câu hỏi', 'Question')}</label>
      <textarea id="q-body" rows="6" required value=${f.body} onInput=${set('body')}></textarea></div>
    <button class="btn primary" type="submit" disabled=${busy || !f.body.trim() || !f.org}>${L('Gửi câu hỏi', 'Send the question')}</button>
    <${ErrorBox} error=${err} />
  </form>`;
}

function QuestionList({ user, params }) {
  const orgs = useOrgs();
  const staff = STAFF.includes(user.role);
  const tab = TABS.some((t) => t.v === params.show) ? params.show : '';
  const st = useFetch(staff ? '/api/v1/workflow/cases' : '/api/v1/questions/mine',
    staff ? { type: 'question', open: tab === 'open' ? 1 : '', overdue: tab === 'overdue' ? 1 : '', limit: 100 } : {});
  const canAsk = user.role === 'journalist' || user.role === 'spokesperson' || user.role === 'admin';
  return html`<div class="page questions">
    <${PageTitle} sub=${staff ? L('Tiếp nhận, chuyển xử lý, trả lời câu hỏi của báo chí; hạn trả lời theo ngày làm việc', 'Receive, route and answer journalists’ questions; due dates in working days')
      : L('Câu hỏi bạn đã gửi và trả lời của cơ quan', 'Your questions and the answers')}>${L('Câu hỏi báo chí', 'Journalists’ questions')}<//>
    ${staff && html`<nav class="tabs" aria-label=${L('Lọc câu hỏi', 'Filter the questions')}>
      ${TABS.map((t) => html`<a class="tab" href=${href('/questions', { show: t.v })} aria-current=${tab === t.v ? 'page' : undefined}>${L(t.vi, t.en)}</a>`)}
    </nav>`}
    <div class=${canAsk && user.role === 'journalist' ? 'cols' : ''}>
      <div class="col-main">
        <${Async} st=${st} what=${L('câu hỏi', 'questions')} endpoint=${staff ? 'GET /api/v1/workflow/cases?type=question' : 'GET /api/v1/questions/mine'}>${(d) => {
          const list = (d.cases || []).filter((c) => !c.type || c.type === 'question');
          if (!list.length) return html`<${Empty}>${L('Chưa có câu hỏi nào.', 'No question yet.')}<//>`;
          return html`<${CaseTable} cases=${list} base="/questions" orgs=${orgs} caption=${L('Câu hỏi báo chí', 'Journalists’ questions')} />`;
        }}<//>
      </div>
      ${user.role === 'journalist' && html`<div class="col-side"><${AskForm} orgs=${orgs} onDone=${(c) => go('/questions/' + c.id)} /></div>`}
    </div>
  </div>`;
}

/** One case of a workflow type, reloaded after each action. */
export function CasePage({ id, user, title, base }) {
  const types = useTypes();
  const orgs = useOrgs();
  const st = useFetch(`/api/v1/workflow/cases/${encodeURIComponent(id)}`);
  const [cur, setCur] = useState(null);
  const back = html`<p><a href=${'#' + base}>← ${L('Về danh sách', 'Back to the list')}</a></p>`;
  return html`<div class="page case">
    <${PageTitle} sub=${L(`Hồ sơ số ${id}`, `Case ${id}`)}>${title}<//>
    <${Async} st=${st} what=${L('hồ sơ', 'the case')} endpoint="GET /api/v1/workflow/cases/{id}">${(d) => {
      const c = cur && cur.id === d.case.id ? cur : d.case;
      return html`<${CaseView} c=${c} user=${user} types=${types} orgs=${orgs} back=${back}
        onChange=${(nc) => { setCur(nc); st.reload(); }} />`;
    }}<//>
  </div>`;
}

export function QuestionsPage({ id, user, params }) {
  if (id) return html`<${CasePage} id=${id} user=${user} base="/questions" title=${L('Câu hỏi báo chí', 'Journalist’s question')} />`;
  return html`<${QuestionList} user=${user} params=${params} />`;
}
