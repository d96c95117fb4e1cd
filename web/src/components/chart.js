// chart.js - a uPlot time chart in a <figure>, sized to its container,
// times in Asia/Ho_Chi_Minh, numbers in Vietnamese format, an optional
// 95% band and the 15% line, and the numbers as a table for screen readers.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from '../lib/html.js';
import { L } from '../lib/i18n.js';
import { fmtDate, fmtDay, fmtTime, fmtNum, fmtPct } from '../lib/fmt.js';

export const COLORS = {
  positive: '#2e7d32', neutral: '#78909c', negative: '#c62828', total: '#0b3d6b', line: '#b00020',
  band: 'rgba(198,40,40,0.14)',
  palette: ['#0b3d6b', '#c62828', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f', '#5d4037', '#ad1457'],
};

const TZ = 'Asia/Ho_Chi_Minh';

/**
 * props: x (seconds), series [{label, values, color, dash, fill, width, kind}],
 * band: [hiIndex, loIndex] (1-based series indexes), pct (y in 0..1 shown
 * as %), threshold (a y value drawn as a labelled dashed line), height,
 * title (the figcaption), summary (the aria label).
 */
export function TimeChart({ x, series, band, pct, threshold, height = 220, title, summary, bars }) {
  const box = useRef(null);
  const plot = useRef(null);
  useEffect(() => {
    const el = box.current;
    if (!el || !x || !x.length) return undefined;
    const fmtY = pct ? (v) => (v == null ? '—' : fmtPct(v, 1)) : (v) => (v == null ? '—' : fmtNum(v, 0));
    const span = x.length > 1 ? x[x.length - 1] - x[0] : 0;
    const step = x.length > 1 ? x[1] - x[0] : 86400;
    // Axis labels: hours within two days, day and hour for sub-day buckets, else days.
    const xLabel = span <= 2 * 86400 ? (v) => fmtTime(v * 1000)
      : step < 86400 ? (v) => fmtDay(v * 1000).slice(0, 5) + ' ' + fmtTime(v * 1000) : (v) => fmtDay(v * 1000).slice(0, 5);
    const s = [{ label: L('Thời gian', 'Time'), value: (u, v) => (v == null ? '—' : fmtDate(v * 1000)) }];
    const data = [x];
    for (const ser of series) {
      s.push({
        label: ser.label, stroke: ser.color, width: ser.width ?? 2, dash: ser.dash,
        fill: ser.fill, value: (u, v) => fmtY(v), points: { show: x.length < 40 },
        paths: bars && !ser.line ? uPlot.paths.bars({ size: [0.8, 40] }) : undefined,
        show: ser.show !== false,
      });
      data.push(ser.values);
    }
    if (threshold != null) {
      s.push({ label: L('Ngưỡng ', 'Line ') + fmtPct(threshold, 0), stroke: COLORS.line, width: 1.5, dash: [6, 4], value: () => fmtPct(threshold, 0), points: { show: false } });
      data.push(x.map(() => threshold));
    }
    const opts = {
      width: Math.max(200, el.clientWidth), height,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), TZ),
      series: s, bands: band ? [{ series: band, fill: COLORS.band }] : undefined,
      legend: { live: true },
      cursor: { focus: { prox: 16 } },
      scales: { x: { time: true }, y: pct ? { range: (u, lo, hi) => [0, Math.max(hi ?? 0, (threshold ?? 0) * 1.3, 0.05)] } : { range: (u, lo, hi) => [0, Math.max(1, hi ?? 1) * 1.08] } },
      axes: [
        { values: (u, splits) => splits.map(xLabel), space: span > 2 * 86400 && step < 86400 ? 90 : 50, stroke: '#44505c', grid: { stroke: '#eceff1' } },
        { values: (u, splits) => splits.map((v) => fmtY(v)), size: 60, stroke: '#44505c', grid: { stroke: '#eceff1' },
          incrs: pct ? undefined : [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6] },
      ],
    };
    plot.current = new uPlot(opts, data, el);
    const ro = new ResizeObserver(() => {
      if (plot.current && el.clientWidth) plot.current.setSize({ width: el.clientWidth, height });
    });
    ro.observe(el);
    return () => { ro.disconnect(); plot.current?.destroy(); plot.current = null; };
  }, [x, series, band, pct, threshold, height, bars]);

  const fmtV = pct ? (v) => fmtPct(v, 1) : (v) => fmtNum(v, 0);
  return html`<figure class="chart">
    ${title && html`<figcaption>${title}</figcaption>`}
    <div ref=${box} class="chart-box" role="img" aria-label=${summary || title || ''}></div>
    <details class="chart-table">
      <summary>${L('Xem bảng số liệu', 'Show the numbers')}</summary>
      <div class="table-wrap"><table>
        <thead><tr><th scope="col">${L('Thời gian', 'Time')}</th>${series.map((ser) => html`<th scope="col">${ser.label}</th>`)}</tr></thead>
        <tbody>${x.map((t, i) => html`<tr><td>${fmtDate(t * 1000)}</td>${series.map((ser) => html`<td class="num">${ser.values[i] == null ? '—' : fmtV(ser.values[i])}</td>`)}</tr>`)}</tbody>
      </table></div>
    </details>
  </figure>`;
}
