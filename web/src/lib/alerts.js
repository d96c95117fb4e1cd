// alerts.js - words for alerts (the search room's alert payloads).
import { L } from './i18n.js';
import { fmtNum, fmtPct } from './fmt.js';

export const ALERT_KINDS = {
  match: ['khi có tin khớp', 'on a match'], spike: ['khi tăng đột biến', 'on a spike'],
  negative: ['khi tỉ lệ tiêu cực vượt ngưỡng', 'when the negative share is above the line'],
};

/** One line about a fired alert (payloads of the search room's alerts). */
export function alertText(a) {
  const k = a.kind || a.on;
  if (k === 'negative' && a.share != null) {
    return L(`Tỉ lệ tiêu cực ${fmtPct(a.share)} (${fmtNum(a.negative)}/${fmtNum(a.labelled)} tin), vượt ngưỡng ${fmtPct(a.threshold ?? 0.15, 0)}`,
      `Negative share ${fmtPct(a.share)} (${fmtNum(a.negative)}/${fmtNum(a.labelled)} items), above the ${fmtPct(a.threshold ?? 0.15, 0)} line`);
  }
  if (k === 'spike') return L(`Tăng đột biến: ${fmtNum(a.count)} tin (bình thường ${fmtNum(a.baseline, 1)})`, `Spike: ${fmtNum(a.count)} items (usually ${fmtNum(a.baseline, 1)})`);
  if (a.count != null) return L(`${fmtNum(a.count)} tin mới khớp truy vấn ${a.query || ''}`, `${fmtNum(a.count)} new items match ${a.query || ''}`);
  return a.message || a.query || '';
}

