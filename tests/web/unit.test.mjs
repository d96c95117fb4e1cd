// unit.test.mjs - the front-end's pure helpers (web/src/lib) and its source
// rules, with node's test runner; no browser, no node_modules needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SRC = process.env.LOA_SRC || path.resolve(here, '../..');
const WEB = path.join(SRC, 'web/src');
const fmt = await import(pathToFileURL(path.join(WEB, 'lib/fmt.js')));
const { normMeasures, along } = await import(pathToFileURL(path.join(WEB, 'lib/measures.js')));

test('esc escapes the five HTML characters', () => {
  assert.equal(fmt.esc(`<img src=x onerror="a('b')">&`), '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;');
  assert.equal(fmt.esc(null), '');
  assert.equal(fmt.esc('Tiếng Việt'), 'Tiếng Việt');
});

test('numbers in Vietnamese format', () => {
  assert.equal(fmt.fmtNum(1234567.8, 1), '1.234.567,8');
  assert.equal(fmt.fmtNum(5604), '5.604');
  assert.equal(fmt.fmtNum(999), '999');
  assert.equal(fmt.fmtNum(-1234.5, 2), '-1.234,50');
  assert.equal(fmt.fmtNum(null), '—');
  assert.equal(fmt.fmtPct(0.15, 0), '15%');
  assert.equal(fmt.fmtPct(0.1234), '12,3%');
});

test('dates dd/mm/yyyy HH:MM in Asia/Ho_Chi_Minh', () => {
  assert.equal(fmt.fmtDate('2026-11-23T17:05:00Z'), '24/11/2026 00:05');
  assert.equal(fmt.fmtDate('2026-01-02T03:04:00+07:00'), '02/01/2026 03:04');
  assert.equal(fmt.fmtDay('2026-12-31T16:59:59Z'), '31/12/2026');
  assert.equal(fmt.fmtDay('2026-12-31T17:00:00Z'), '01/01/2027');
  assert.equal(fmt.isoDay('2026-12-31T17:00:00Z'), '2027-01-01');
  assert.equal(fmt.fmtDate('not a date'), '—');
  assert.equal(fmt.parseVnDate('31/01/2026'), '2026-01-31');
  assert.equal(fmt.parseVnDate('1/2/2026'), '2026-02-01');
  assert.equal(fmt.parseVnDate('31/02/2026'), null);
  assert.equal(fmt.parseVnDate('2026-01-31'), null);
});

test('highlight segments from character and UTF-8 byte offsets', () => {
  const t = 'Học phí năm học mới';
  const flat = (segs) => segs.map((s) => (s.mark ? `[${s.text}]` : s.text)).join('');
  assert.equal(flat(fmt.segments(t, [{ start: 0, end: 3 }, { start: 4, end: 7 }])), '[Học] [phí] năm học mới');
  // bytes: "Học" is 5 bytes (ọ is 3), "phí" is bytes 6..10 (í is 2)
  assert.equal(flat(fmt.segments(t, [[0, 5], [6, 10]], 'byte')), '[Học] [phí] năm học mới');
  // an offset inside a multibyte letter snaps back to its start
  assert.equal(flat(fmt.segments(t, [[0, 3]], 'byte')), '[H]ọc phí năm học mới');
  // overlapping, unsorted and out-of-range ranges are merged and clamped
  assert.equal(flat(fmt.segments(t, [{ start: 4, end: 7 }, { start: 0, end: 5 }, { start: 16, end: 99 }])), '[Học phí] năm học [mới]');
  assert.equal(flat(fmt.segments('<b>x</b>', [[3, 4]])), '<b>[x]</b>'); // text stays text
  assert.equal(flat(fmt.snippetSegments('thủ tục «học» «phí» nộp')), 'thủ tục [học] [phí] nộp');
  assert.equal(flat(fmt.snippetSegments('không khớp «')), 'không khớp «');
});

test('the error caret marks the right character', () => {
  assert.deepEqual(fmt.caretSplit('(giấy OR phép', 14), { before: '(giấy OR phép', at: ' ', after: '', index: 13 });
  // byte position 17 of "(giấy OR phép" is just past the end (ấ and é are multibyte)
  assert.equal(fmt.caretSplit('(giấy OR phép', 17, 'byte').index, 13);
  assert.equal(fmt.caretSplit('giấy )', 6).at, ')');
  assert.equal(fmt.caretSplit('giấy )', 8, 'byte').at, ')');
});

test('CSV: quoting, BOM, formula guard', () => {
  const c = fmt.toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['=SUM(A1)', -5], ['dòng\nmới', null]]);
  assert.equal(c, '\ufeffa,b\r\n"x,y","say ""hi"""\r\n\'=SUM(A1),-5\r\n"dòng\nmới",\r\n');
});

test('Wilson interval', () => {
  const [lo, hi] = fmt.wilson(15, 100);
  assert.ok(Math.abs(lo - 0.0931) < 0.001 && Math.abs(hi - 0.2328) < 0.001, `${lo} ${hi}`);
  assert.deepEqual(fmt.wilson(0, 0), [null, null]);
});

test('safe links: only http(s)', () => {
  assert.equal(fmt.safeUrl('https://chinhphu.vn/a'), 'https://chinhphu.vn/a');
  assert.equal(fmt.safeUrl('javascript:alert(1)'), null);
  assert.equal(fmt.safeUrl(' https://x'), null);
});

test('measures answers of several shapes read the same', () => {
  const a = normMeasures({
    threshold: 0.15,
    groups: [{ key: 'bo-y-te', name: 'Bộ Y tế', points: [
      { t: '2026-11-01T00:00:00+07:00', n: 100, positive: 50, neutral: 30, negative: 20 },
      { t: '2026-11-02T00:00:00+07:00', n: 10, positive: 9, neutral: 1, negative: 0 }] }],
  });
  assert.equal(a.groups[0].n, 110);
  assert.equal(a.groups[0].negative, 20);
  assert.ok(Math.abs(a.groups[0].points[0].share - 0.2) < 1e-9);
  assert.ok(a.groups[0].points[0].lo > 0.13 && a.groups[0].points[0].hi < 0.29);
  assert.equal(a.total.n, 110);
  assert.equal(a.times.length, 2);
  const b = normMeasures({ line: 0.15, series: [{ org: 'x', buckets: [{ start: 1793466000000, count: 4, tone: { negative: 1, positive: 3 }, ci: [0.05, 0.7] }] }] });
  assert.equal(b.groups[0].key, 'x');
  assert.equal(b.groups[0].points[0].t, 1793466000);
  assert.equal(b.groups[0].points[0].lo, 0.05);
  assert.deepEqual(along([1793466000, 1], b.groups[0], 'n'), [4, null]);
});

test('the interface never injects markup and loads nothing from outside', () => {
  const files = [];
  const walk = (d) => { for (const f of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, f.name); if (f.isDirectory()) walk(p); else files.push(p); } };
  walk(WEB);
  for (const f of files) {
    const s = fs.readFileSync(f, 'utf8');
    const rel = path.relative(SRC, f);
    assert.doesNotMatch(s, /innerHTML|outerHTML|insertAdjacentHTML|dangerouslySetInnerHTML|document\.write|\beval\(|new Function\(/, `${rel} builds markup from strings`);
    assert.doesNotMatch(s, /(src|href)\s*=\s*["']?(https?:)?\/\/|url\(\s*["']?(https?:)?\/\/|@import\s|fetch\(\s*["']https?:/, `${rel} loads something from another host`);
  }
});
