// feedback.js - Phản ánh, kiến nghị: citizens' feedback (sent through the
// public form or POST /api/v1/feedback); the same engine and case view as
// journalists' questions.
import { html } from '../lib/html.js';
import { L } from '../lib/i18n.js';
import { href } from '../lib/route.js';
import { useFetch, Async, Empty, PageTitle } from '../components/ui.js';
import { useOrgs, CaseTable } from '../components/wf.js';
import { CasePage } from './questions.js';

const TABS = [
  { v: '', vi: 'Tất cả', en: 'All' },
  { v: 'open', vi: 'Đang xử lý', en: 'Open' },
  { v: 'overdue', vi: 'Quá hạn', en: 'Overdue' },
];

export function FeedbackPage({ id, user, params }) {
  if (id) return html`<${CasePage} id=${id} user=${user} base="/feedback" title=${L('Phản ánh, kiến nghị', 'Citizen feedback')} />`;
  return html`<${FeedbackList} params=${params} />`;
}

function FeedbackList({ params }) {
  const orgs = useOrgs();
  const tab = TABS.some((t) => t.v === params.show) ? params.show : '';
  const st = useFetch('/api/v1/workflow/cases', { type: 'feedback', open: tab === 'open' ? 1 : '', overdue: tab === 'overdue' ? 1 : '', limit: 100 });
  return html`<div class="page feedback">
    <${PageTitle} sub=${L('Phản ánh, kiến nghị của người dân: tiếp nhận, chuyển xử lý, trả lời và công khai', 'Citizens’ feedback and petitions: received, routed, answered and published')}>${L('Phản ánh, kiến nghị', 'Citizen feedback')}<//>
    <nav class="tabs" aria-label=${L('Lọc phản ánh', 'Filter the feedback')}>
      ${TABS.map((t) => html`<a class="tab" href=${href('/feedback', { show: t.v })} aria-current=${tab === t.v ? 'page' : undefined}>${L(t.vi, t.en)}</a>`)}
    </nav>
    <${Async} st=${st} what=${L('phản ánh, kiến nghị', 'feedback')} endpoint="GET /api/v1/workflow/cases?type=feedback">${(d) => {
      const list = d.cases || [];
      if (!list.length) return html`<${Empty}>${L('Chưa có phản ánh, kiến nghị nào.', 'No feedback yet.')}<//>`;
      return html`<${CaseTable} cases=${list} base="/feedback" orgs=${orgs} caption=${L('Phản ánh, kiến nghị', 'Citizen feedback')} />`;
    }}<//>
  </div>`;
}
