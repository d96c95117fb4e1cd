// item.js - Tin: the text, tone with probability, "sửa nhãn" for analysts,
// its story and the false claims it matches.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { L, toneName, toxName, kindName, platformName, TONES } from '../lib/i18n.js';
import { get, post, ApiError } from '../lib/api.js';
import { fmtDate, fmtNum, fmtPct, safeUrl } from '../lib/fmt.js';
import { useFetch, Async, ErrorBox, ToneBadge, ToxBadge, ProbBar, PageTitle, labelOf } from '../components/ui.js';

export const CAN_LABEL = ['analyst', 'admin', 'editor'];
const TOX = ['clean', 'offensive', 'hate'];

function Dl({ rows }) {
  return html`<dl class="kv">${rows.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

/** Label history and the correction form. */
function LabelBox({ it, user, onSaved }) {
  const id = it.item_id;
  const [avail, setAvail] = useState(null); // null = checking, false, true
  const [history, setHistory] = useState([]);
  const isComment = it.kind === 'comment';
  const [kind, setKind] = useState('tone');
  const cur = labelOf(kind === 'tone' ? it.tone : it.toxicity);
  const [choice, setChoice] = useState(cur?.label || '');
  const [note, setNote] = useState('');
  const [msg, setMsg] = useState(null);
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const load = () => get(`/api/v1/items/${id}/labels`).then(
    (d) => { setAvail(true); setHistory(d.labels || d.history || []); },
    (e) => setAvail(e instanceof ApiError && (e.unavailable ? false : e.status === 405 ? true : null)),
  );
  useEffect(() => { load(); }, [id]);
  useEffect(() => { setChoice(labelOf(kind === 'tone' ? it.tone : it.toxicity)?.label || ''); }, [kind, it]);
  const can = CAN_LABEL.includes(user.role);
  const submit = async (e) => {
    e.preventDefault();
    if (!choice) return;
    setBusy(true); setErr(null); setMsg(null);
    try {
      await post(`/api/v1/items/${id}/labels`, { kind, label: choice, note: note || undefined });
      setMsg(L(`Đã lưu nhãn: ${kind === 'tone' ? toneName(choice) : toxName(choice)}.`, `Label saved: ${kind === 'tone' ? toneName(choice) : toxName(choice)}.`));
      setNote('');
      onSaved();
      load();
    } catch (x) {
      if (x.unavailable) setAvail(false); else setErr(x);
    }
    setBusy(false);
  };
  const opts = kind === 'tone' ? TONES : TOX;
  return html`<section class="card" aria-labelledby="h-label">
    <h2 id="h-label">${L('Sửa nhãn', 'Correct the label')}</h2>
    ${!can && html`<p class="muted">${L('Chỉ chuyên viên phân tích được sửa nhãn.', 'Only analysts can correct labels.')}</p>`}
    ${can && avail === false && html`<div class="state unavailable" role="status"><p class="state-title">${L('Chưa có', 'Not available yet')}</p>
      <p>${L('Máy chủ chưa nhận nhãn sửa (POST /api/v1/items/{id}/labels).', 'The server does not take corrected labels yet (POST /api/v1/items/{id}/labels).')}</p></div>`}
    ${can && avail !== false && html`<form onSubmit=${submit} class="label-form" data-testid="label-form">
      ${isComment && html`<div class="field"><label for="lbl-kind">${L('Loại nhãn', 'Label')}</label>
        <select id="lbl-kind" value=${kind} onChange=${(e) => setKind(e.currentTarget.value)}>
          <option value="tone">${L('Sắc thái', 'Tone')}</option><option value="toxicity">${L('Độc hại', 'Toxicity')}</option></select></div>`}
      <fieldset><legend>${kind === 'tone' ? L('Sắc thái đúng', 'The right tone') : L('Mức độc hại đúng', 'The right toxicity')}</legend>
        ${opts.map((o) => html`<label class="radio"><input type="radio" name="lbl" value=${o} checked=${choice === o}
          onChange=${() => setChoice(o)} /> ${kind === 'tone' ? toneName(o) : toxName(o)}</label>`)}
      </fieldset>
      <div class="field"><label for="lbl-note">${L('Ghi chú (không bắt buộc)', 'Note (optional)')}</label>
        <input id="lbl-note" value=${note} maxlength="500" onInput=${(e) => setNote(e.currentTarget.value)} /></div>
      <button class="btn primary" type="submit" disabled=${busy || !choice}>${L('Lưu nhãn', 'Save the label')}</button>
      ${msg && html`<p class="ok-msg" role="status">${msg}</p>`}
      <${ErrorBox} error=${err} />
    </form>`}
    ${history.length > 0 && html`<h3 class="mt">${L('Lịch sử nhãn', 'Label history')}</h3>
      <ul class="plain small">${history.map((h) => html`<li>${`${fmtDate(h.at || h.created_at)} — ${h.by || h.user || L('mô hình', 'model')}: `}${h.kind === 'toxicity' ? toxName(h.label) : toneName(h.label)}${h.p != null ? ' ' + fmtPct(h.p, 0) : ''}${h.note ? ' — ' + h.note : ''}</li>`)}</ul>`}
  </section>`;
}

function StoryBox({ it }) {
  const s = it.story;
  return html`<section class="card" aria-labelledby="h-story">
    <h2 id="h-story">${L('Sự kiện', 'Story')}</h2>
    ${s ? html`<p><a href=${'#/stories/' + (s.id ?? s.story_id)}>${s.title || L('Sự kiện', 'Story') + ' #' + (s.id ?? s.story_id)}</a></p>
      <p class="muted small">${s.items != null ? L(`${fmtNum(s.items)} tin`, `${fmtNum(s.items)} items`) : ''}${s.outlets != null ? ' · ' + L(`${fmtNum(s.outlets)} nguồn`, `${fmtNum(s.outlets)} outlets`) : ''}</p>`
      : html`<p class="muted">${'story' in it ? L('Tin này không thuộc sự kiện nào.', 'This item is in no story.') : L('Chưa có dữ liệu sự kiện cho tin này.', 'No story data for this item yet.')}</p>`}
  </section>`;
}

function ClaimsBox({ it }) {
  const cs = it.claims;
  return html`<section class="card" aria-labelledby="h-claims">
    <h2 id="h-claims">${L('Thông tin sai sự thật liên quan', 'Related false claims')}</h2>
    ${Array.isArray(cs) && cs.length ? html`<ul class="plain">${cs.map((c) => html`<li><a href=${'#/claims/' + (c.id ?? c.claim_id)}>${c.title || c.text || '#' + c.id}</a>
        ${c.score != null && html` <span class="muted small">(${L('độ khớp', 'match')} ${fmtPct(c.score, 0)})</span>`}</li>`)}</ul>`
      : html`<p class="muted">${Array.isArray(cs) ? L('Không khớp thông tin sai sự thật nào.', 'Matches no false claim.') : L('Chưa có dữ liệu đối chiếu cho tin này.', 'No claim matching data for this item yet.')}</p>`}
  </section>`;
}

export function ItemPage({ id, user }) {
  const st = useFetch(id ? `/api/v1/items/${encodeURIComponent(id)}` : null);
  return html`<div class="page item">
    <${Async} st=${st} what=${L('tin', 'item')}>${(d) => {
      const it = d.item || d;
      const tone = labelOf(it.tone);
      const tox = labelOf(it.toxicity);
      const url = safeUrl(it.url);
      return html`
        <${PageTitle}>${it.title || (it.kind === 'comment' ? L('Bình luận', 'Comment') : L('Bài đăng', 'Post'))}<//>
        <div class="cols">
          <article class="col-main card">
            <div class="item-tags">
              <span class="badge">${kindName(it.kind)}</span><span class="badge">${platformName(it.platform)}</span>
              <${ToneBadge} tone=${it.tone} /> ${tox && html`<${ToxBadge} tox=${it.toxicity} />`}
            </div>
            <div class="item-text" lang=${it.lang || 'vi'}>${it.text || ''}</div>
            <${Dl} rows=${[
              [L('Thời gian đăng', 'Published'), fmtDate(it.published_at)],
              [L('Nguồn tin', 'Source'), it.source],
              [L('Cơ quan', 'Organisation'), it.org],
              [L('Tác giả', 'Author'), it.author],
              [L('Trả lời bài', 'Reply to'), it.parent_id],
              [L('Chia sẻ từ', 'Shared from'), it.shared_from],
              [L('Tương tác', 'Engagement'), (it.reactions ?? it.shares ?? it.comments) != null ? `${fmtNum(it.reactions || 0)} ${L('cảm xúc', 'reactions')} · ${fmtNum(it.shares || 0)} ${L('chia sẻ', 'shares')} · ${fmtNum(it.comments || 0)} ${L('bình luận', 'comments')}` : null],
              [L('Đường dẫn', 'Link'), url ? html`<a href=${url} rel="noopener noreferrer nofollow" target="_blank">${url}</a>` : it.url],
              [L('Thu thập lúc', 'Fetched'), it.fetched_at ? fmtDate(it.fetched_at) : null],
            ]} />
          </article>
          <div class="col-side">
            <section class="card" aria-labelledby="h-tone">
              <h2 id="h-tone">${L('Sắc thái', 'Tone')}</h2>
              ${tone ? html`<p><${ToneBadge} tone=${it.tone} />${tone.by ? html` <span class="muted small">${L('theo', 'by')} ${tone.by}</span>` : ''}</p>
                  ${tone.p != null && html`<p class="small">${L('Xác suất', 'Probability')} ${fmtPct(tone.p, 0)}</p><${ProbBar} p=${tone.p} label=${toneName(tone.label)} cls=${'tone-' + tone.label} />`}
                  ${it.tone?.probs && html`<ul class="plain small">${Object.entries(it.tone.probs).map(([k, p]) => html`<li>${toneName(k)}: ${fmtPct(p, 0)}</li>`)}</ul>`}`
                : html`<p class="muted">${L('Tin chưa được gán nhãn sắc thái.', 'This item has no tone label yet.')}</p>`}
              ${tox && html`<p class="small">${L('Độc hại', 'Toxicity')}: ${toxName(tox.label)}${tox.p != null ? ' ' + fmtPct(tox.p, 0) : ''}</p>`}
            </section>
            <${LabelBox} it=${it} user=${user} onSaved=${st.reload} />
            <${StoryBox} it=${it} />
            <${ClaimsBox} it=${it} />
          </div>
        </div>`;
    }}<//>
  </div>`;
}
