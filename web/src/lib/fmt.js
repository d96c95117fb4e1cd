// fmt.js - pure helpers (no DOM, no imports) shared by the pages and the
// node unit tests: escaping, Vietnamese number and date formats, search
// highlight segments, CSV, safe links.

/** Escapes text for an HTML context (& < > " '). The interface renders
 * server text as text nodes; this is for the rare string that must
 * become markup, and for tests that prove it. */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  })[c]);
}

/** 1234567.8 -> "1.234.567,8" (Vietnamese grouping); digits = decimals. */
export function fmtNum(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '—';
  const x = Number(n);
  const neg = x < 0;
  const fixed = Math.abs(x).toFixed(digits);
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return (neg ? '-' : '') + grouped + (frac ? ',' + frac : '');
}

/** 0.1234 -> "12,3%". */
export function fmtPct(p, digits = 1) {
  if (p === null || p === undefined || Number.isNaN(Number(p))) return '—';
  return fmtNum(Number(p) * 100, digits) + '%';
}

const TZ = 'Asia/Ho_Chi_Minh';
let dtf = null;
function parts(d) {
  if (!dtf) {
    dtf = new Intl.DateTimeFormat('en-GB', {
      timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
  }
  const o = {};
  for (const p of dtf.formatToParts(d)) o[p.type] = p.value;
  return o;
}

function toDate(v) {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(typeof v === 'number' ? v : String(v));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** ISO time -> "dd/mm/yyyy HH:MM" in Vietnam time. */
export function fmtDate(v) {
  const d = toDate(v);
  if (!d) return '—';
  const p = parts(d);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** ISO time -> "dd/mm/yyyy" in Vietnam time. */
export function fmtDay(v) {
  const d = toDate(v);
  if (!d) return '—';
  const p = parts(d);
  return `${p.day}/${p.month}/${p.year}`;
}

/** ISO time -> "HH:MM" in Vietnam time. */
export function fmtTime(v) {
  const d = toDate(v);
  if (!d) return '—';
  const p = parts(d);
  return `${p.hour}:${p.minute}`;
}

/** A Date -> "yyyy-mm-dd" of its Vietnam calendar day (for date inputs). */
export function isoDay(v) {
  const d = toDate(v);
  if (!d) return '';
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Only http(s) links are ever made clickable. */
export function safeUrl(u) {
  return typeof u === 'string' && /^https?:\/\/[^\s]+$/i.test(u) ? u : null;
}

/**
 * Splits text into [{text, mark}] segments from highlight ranges.
 * ranges: [{start, end}] (or [start, end] pairs), unit 'char' (code points)
 * or 'byte' (UTF-8 byte offsets, as SQLite FTS5 reports them).
 * Out-of-range, overlapping and unsorted ranges are clamped and merged.
 */
export function segments(text, ranges, unit = 'char') {
  text = String(text ?? '');
  const cps = Array.from(text); // code points
  let rs = (ranges || []).map((r) => (Array.isArray(r) ? { start: r[0], end: r[1] } : r))
    .filter((r) => r && Number.isFinite(r.start) && Number.isFinite(r.end) && r.end > r.start);
  if (unit === 'byte') {
    // byte offset -> code point index
    const enc = new TextEncoder();
    const map = new Map();
    let b = 0;
    cps.forEach((c, i) => { map.set(b, i); b += enc.encode(c).length; });
    map.set(b, cps.length);
    const toCp = (x) => {
      while (x > 0 && !map.has(x)) x--; // inside a multibyte char: snap back
      return map.get(x) ?? 0;
    };
    rs = rs.map((r) => ({ start: toCp(r.start), end: toCp(Math.min(r.end, b)) }));
  }
  rs = rs.map((r) => ({ start: Math.max(0, r.start), end: Math.min(cps.length, r.end) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const merged = [];
  for (const r of rs) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  const out = [];
  let pos = 0;
  for (const r of merged) {
    if (r.start > pos) out.push({ text: cps.slice(pos, r.start).join(''), mark: false });
    out.push({ text: cps.slice(r.start, r.end).join(''), mark: true });
    pos = r.end;
  }
  if (pos < cps.length) out.push({ text: cps.slice(pos).join(''), mark: false });
  return out;
}

/** A snippet with «…» around the matches (FTS5 style) -> segments. The
 * result is text only: callers render it as text nodes and <mark>. */
export function snippetSegments(snippet, open = '«', close = '»') {
  const out = [];
  const s = String(snippet ?? '');
  let i = 0;
  while (i < s.length) {
    const a = s.indexOf(open, i);
    if (a < 0) break;
    const b = s.indexOf(close, a + open.length);
    if (b < 0) break;
    if (a > i) out.push({ text: s.slice(i, a), mark: false });
    out.push({ text: s.slice(a + open.length, b), mark: true });
    i = b + close.length;
  }
  if (i < s.length) out.push({ text: s.slice(i), mark: false });
  return out;
}

/** Rows of values -> CSV text (RFC 4180, CRLF), with a BOM for Excel. */
export function toCsv(header, rows) {
  const cell = (v) => {
    if (v === null || v === undefined) return '';
    let s = String(v);
    // A leading = + - @ would be read as a formula by spreadsheets.
    if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+([.,]\d+)?$/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  const lines = [header, ...rows].map((r) => r.map(cell).join(','));
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}

/** Wilson score interval for k of n at 95% (used only when the server
 * sends counts without an interval). */
export function wilson(k, n, z = 1.959964) {
  if (!n) return [null, null];
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

/** Marks the character at a 1-based position of a query (byte or char
 * position) for the in-place error display: {before, at, after}. */
export function caretSplit(query, pos, unit = 'char') {
  const cps = Array.from(String(query ?? ''));
  let i = Math.max(0, (pos || 1) - 1);
  if (unit === 'byte') {
    const enc = new TextEncoder();
    let b = 0, k = 0;
    while (k < cps.length && b + enc.encode(cps[k]).length <= i) { b += enc.encode(cps[k]).length; k++; }
    i = k;
  }
  i = Math.min(i, cps.length);
  return { before: cps.slice(0, i).join(''), at: cps[i] ?? ' ', after: cps.slice(i + 1).join(''), index: i };
}

/** dd/mm/yyyy -> yyyy-mm-dd, or null when it is not a real date. */
export function parseVnDate(s) {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(s || '');
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
