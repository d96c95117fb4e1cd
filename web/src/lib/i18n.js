// i18n.js - Vietnamese first, English second. Strings sit side by side in
// the code: L('Tổng quan', 'Overview'). The choice is kept in localStorage.
const KEY = 'loa.lang';
let lang = 'vi';
try {
  const v = localStorage.getItem(KEY);
  if (v === 'en' || v === 'vi') lang = v;
} catch { /* storage disabled: stay Vietnamese */ }

const subs = new Set();

export function getLang() { return lang; }

export function setLang(v) {
  lang = v === 'en' ? 'en' : 'vi';
  try { localStorage.setItem(KEY, lang); } catch { /* ignore */ }
  document.documentElement.lang = lang;
  subs.forEach((f) => f(lang));
}

export function onLang(f) { subs.add(f); return () => subs.delete(f); }

/** The string for the current language. */
export function L(vi, en) { return lang === 'en' ? en : vi; }

// Labels of the controlled vocabularies (GLOSSARY.md).
const TONE = { positive: ['tích cực', 'positive'], neutral: ['trung tính', 'neutral'], negative: ['tiêu cực', 'negative'] };
const TOX = { clean: ['sạch', 'clean'], offensive: ['xúc phạm', 'offensive'], hate: ['thù ghét', 'hate'], toxic: ['độc hại', 'toxic'] };
const KIND = { article: ['bài báo', 'article'], post: ['bài đăng', 'post'], comment: ['bình luận', 'comment'], share: ['chia sẻ', 'share'], official: ['thông tin chính thống', 'official'] };
const PLATFORM = { web: ['web', 'web'], facebook: ['Facebook', 'Facebook'], zalo: ['Zalo', 'Zalo'], youtube: ['YouTube', 'YouTube'], tiktok: ['TikTok', 'TikTok'], other: ['khác', 'other'] };
const ROLE = { admin: ['quản trị viên', 'administrator'], editor: ['biên tập viên', 'editor'], analyst: ['chuyên viên phân tích', 'analyst'], spokesperson: ['người phát ngôn', 'spokesperson'], journalist: ['nhà báo', 'journalist'], public: ['người dân', 'public'] };
const pick = (tbl, k) => (tbl[k] ? L(tbl[k][0], tbl[k][1]) : (k ?? '—'));
export const toneName = (k) => pick(TONE, k);
export const toxName = (k) => pick(TOX, k);
export const kindName = (k) => pick(KIND, k);
export const platformName = (k) => pick(PLATFORM, k);
export const roleName = (k) => pick(ROLE, k);
export const TONES = Object.keys(TONE);
/** 'tiêu cực' -> 'Tiêu cực' (column headings). */
export const cap = (x) => String(x ?? '').charAt(0).toUpperCase() + String(x ?? '').slice(1);
export const ROLES = Object.keys(ROLE);
