// measures.js - reads the answer of GET /api/v1/measures into one shape,
// tolerant of the field names the server may use:
//   {threshold, method, interval, groups: [{key, name, n, positive, neutral,
//    negative, share, lo, hi, points: [{t, n, positive, neutral, negative,
//    share, lo, hi}]}], total: {…same, points}}
import { wilson } from './fmt.js';

const num = (v) => (v === null || v === undefined || v === '' || Number.isNaN(Number(v)) ? null : Number(v));

function point(p) {
  const tone = p.tone || p.tones || {};
  const positive = num(p.positive ?? p.pos ?? tone.positive) ?? 0;
  const neutral = num(p.neutral ?? p.neu ?? tone.neutral) ?? 0;
  const negative = num(p.negative ?? p.neg ?? tone.negative) ?? 0;
  const labelled = num(p.labelled ?? p.labeled) ?? positive + neutral + negative;
  const n = num(p.n ?? p.count ?? p.total ?? p.volume ?? p.items) ?? labelled;
  const base = labelled || n;
  let share = num(p.share ?? p.negative_share ?? p.neg_share);
  if (share === null && base) share = negative / base;
  let lo = num(p.lo ?? p.ci_lo ?? p.low ?? (Array.isArray(p.ci) ? p.ci[0] : p.ci?.lo));
  let hi = num(p.hi ?? p.ci_hi ?? p.high ?? (Array.isArray(p.ci) ? p.ci[1] : p.ci?.hi));
  if ((lo === null || hi === null) && base) [lo, hi] = wilson(negative, base);
  const t = p.t ?? p.start ?? p.time ?? p.bucket ?? p.at ?? p.from ?? null;
  const ts = typeof t === 'number' ? (t > 1e11 ? t / 1000 : t) : t ? Date.parse(t) / 1000 : null;
  return { t: ts, n, positive, neutral, negative, labelled: base, share, lo, hi };
}

function group(g, i) {
  const pts = (g.points ?? g.series ?? g.buckets ?? g.values ?? []).map(point).filter((p) => p.t !== null)
    .sort((a, b) => a.t - b.t);
  const sum = (k) => pts.reduce((s, p) => s + (p[k] || 0), 0);
  const own = point({ ...g, t: 0 });
  const hasOwn = g.n != null || g.count != null || g.total != null || g.negative != null;
  const agg = hasOwn ? own : point({
    t: 0, n: sum('n'), positive: sum('positive'), neutral: sum('neutral'), negative: sum('negative'),
  });
  const key = g.key ?? g.id ?? g.slug ?? g.org ?? g.value ?? g.name ?? String(i);
  return { ...agg, t: undefined, key: String(key), name: g.name ?? g.label ?? String(key), points: pts };
}

export function normMeasures(d) {
  if (!d) return null;
  const raw = d.groups ?? d.series ?? d.rows ?? d.by_group ?? [];
  const groups = (Array.isArray(raw) ? raw : Object.entries(raw).map(([k, v]) => ({ key: k, ...v }))).map(group);
  let total = d.total ?? d.overall ?? null;
  if (total) total = group({ key: '*', name: 'total', ...total }, -1);
  else if (groups.length) {
    // Sum the groups bucket by bucket.
    const m = new Map();
    for (const g of groups) for (const p of g.points) {
      const a = m.get(p.t) || { t: p.t, n: 0, positive: 0, neutral: 0, negative: 0 };
      a.n += p.n || 0; a.positive += p.positive; a.neutral += p.neutral; a.negative += p.negative;
      m.set(p.t, a);
    }
    total = group({ key: '*', name: 'total', points: [...m.values()] }, -1);
  }
  const times = [...new Set([...(total?.points || []), ...groups.flatMap((g) => g.points)].map((p) => p.t))].sort((a, b) => a - b);
  return {
    threshold: num(d.threshold ?? d.line) ?? 0.15,
    method: d.method ?? null,
    interval: d.interval ?? null,
    groups, total, times,
  };
}

/** Values of one field of a group on the common time axis (null where absent). */
export function along(times, g, field) {
  const m = new Map(g.points.map((p) => [p.t, p[field]]));
  return times.map((t) => (m.has(t) ? m.get(t) : null));
}
