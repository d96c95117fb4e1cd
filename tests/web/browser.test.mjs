// browser.test.mjs - the web interface in a real browser (issue 7, deliverable 7).
//
// Starts `loa demo` on a free loopback port, drives Debian's chromium with
// playwright-core (never a downloaded browser), logs in through the page,
// searches, corrects a label, watches a new item arrive over Server-Sent
// Events, and saves a screenshot of every page in $LOA_BUILD/web-screenshots/.
// Steps whose endpoint the server does not have yet are skipped with the reason.
//
// Environment (given by CTest, see tests/CMakeLists.txt): LOA (the program),
// LOA_SRC (the source tree), LOA_BUILD (the build folder). CHROMIUM overrides
// the browser path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SRC = process.env.LOA_SRC || path.resolve(here, '../..');
const LOA = process.env.LOA || path.join(SRC, 'build/loa');
const OUT = path.join(process.env.LOA_BUILD || fs.mkdtempSync(path.join(os.tmpdir(), 'loa-web-')), 'web-screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const require = createRequire(path.join(SRC, 'web/package.json'));
const { chromium } = require('playwright-core');

const W = 1366, H = 768;
let server, base, password, work, profile, context, page;
const problems = []; // page errors, console errors, outside requests
let shot = 0;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Starts `loa demo`, resolves when it prints the password and the URL. */
function startDemo(port) {
  return new Promise((resolve, reject) => {
    const p = spawn(LOA, ['demo', '--listen', `127.0.0.1:${port}`], {
      cwd: work, env: { ...process.env, LOA_HOME: SRC }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '', err = '';
    const timer = setTimeout(() => { p.kill('SIGTERM'); reject(new Error('loa demo did not start in 90 s:\n' + out + err.slice(-2000))); }, 90000);
    p.stdout.on('data', (d) => {
      out += d;
      const pw = /password:\s*(\S+)/.exec(out);
      const url = /(http:\/\/127\.0\.0\.1:\d+)\/?/.exec(out);
      if (pw && url) { clearTimeout(timer); resolve({ proc: p, password: pw[1], base: url[1] }); }
    });
    p.stderr.on('data', (d) => { err += d; if (err.length > 1e6) err = err.slice(-1e5); });
    p.on('exit', (code) => { clearTimeout(timer); reject(new Error(`loa demo exited ${code}:\n${out}${err.slice(-2000)}`)); });
  });
}

async function snap(name) {
  shot += 1;
  await page.waitForTimeout(250); // let charts lay out
  const file = path.join(OUT, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  // The page must fit the laptop screen's width: no horizontal scrolling.
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= W, `${name}: the page is ${sw}px wide, wider than ${W}px`);
  return file;
}

/** Opens a hash route and waits until its heading is there and nothing loads. */
async function open(route, heading) {
  await page.goto(`${base}/#${route}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 15000 });
  await page.waitForFunction(() => !document.querySelector('.state.loading'), null, { timeout: 15000 }).catch(() => {});
}

/** GET from inside the page (session cookie): {status, body}. */
function pageFetch(url, opts = {}) {
  return page.evaluate(async ([u, o]) => {
    const me = await (await fetch('/api/v1/me')).json();
    const headers = { Accept: 'application/json', ...(o.body ? { 'Content-Type': 'application/json' } : {}) };
    if (o.method && o.method !== 'GET') headers['X-CSRF-Token'] = me.csrf;
    const r = await fetch(u, { method: o.method || 'GET', headers, body: o.body ? JSON.stringify(o.body) : undefined });
    let body = null;
    try { body = await r.json(); } catch { /* not JSON */ }
    return { status: r.status, body };
  }, [url, opts]);
}

/** Whether the server has a route: not a 404 whose message names the path. */
async function hasRoute(url) {
  const r = await pageFetch(url);
  return !(r.status === 404 && String(r.body?.error?.message || '').endsWith('not found: ' + url.split('?')[0]));
}

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  for (const f of fs.readdirSync(OUT)) if (f.endsWith('.png')) fs.rmSync(path.join(OUT, f));
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'loa-web-demo-'));
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'loa-web-chromium-'));
  let lastErr;
  for (let i = 0; i < 3 && !server; i++) { // a free port can be taken between probe and bind
    try { ({ proc: server, password, base } = await startDemo(await freePort())); } catch (e) { lastErr = e; }
  }
  if (!server) throw lastErr;
  server.on('exit', () => { server = null; });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: W, height: H },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // 404s of endpoints the server does not have yet are expected.
    if (m.type() === 'error' && !/Failed to load resource|status of 404/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(base + '/') && !u.startsWith('data:') && !u.startsWith('blob:')) problems.push(`outside request: ${u}`);
  });
});

after(async () => {
  await context?.close().catch(() => {});
  if (server) {
    const gone = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 10000))]);
    server?.kill('SIGKILL');
  }
  for (const d of [work, profile]) if (d) fs.rmSync(d, { recursive: true, force: true });
  console.log(`screenshots: ${OUT}`);
});

test('log in through the page', async () => {
  await page.goto(base + '/');
  await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'vi');
  await snap('dang-nhap-login');
  // A wrong password is refused in place.
  await page.getByLabel('Tên đăng nhập').fill('admin');
  await page.getByLabel('Mật khẩu').fill('sai-mat-khau-123');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('alert').filter({ hasText: 'Sai tên đăng nhập hoặc mật khẩu' }).waitFor();
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();
  // The session survives a reload (cookie), and the user is shown.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();
  await page.getByText('Quản trị viên').first().waitFor();
});

test('overview: measures or an honest empty state, and the live feed', async () => {
  await open('/', 'Tổng quan');
  await page.getByTestId('live-feed').locator('li').first().waitFor();
  if (await hasRoute('/api/v1/measures')) {
    await page.locator('figure.chart canvas').first().waitFor({ timeout: 15000 });
    assert.ok(await page.getByText(/Ngưỡng 15%|ngưỡng 15%/).count() > 0, 'the 15% line is labelled');
  } else {
    await page.getByText('Chưa có dữ liệu').first().waitFor();
    console.log('# overview: /api/v1/measures not on the server yet; the page shows "Chưa có dữ liệu"');
  }
  await snap('tong-quan-overview');
});

/** A measures answer in the documented shape (docs/web.md), for drawing
 * the charts whatever the server has: 5 organisations, 30 days. */
function measuresFixture() {
  const orgs = [['bo-y-te', 'Bộ Y tế', 0.08], ['bo-tai-chinh', 'Bộ Tài chính', 0.12], ['ubnd-ha-noi', 'UBND Thành phố Hà Nội', 0.19],
    ['bo-gddt', 'Bộ Giáo dục và Đào tạo', 0.14], ['ubnd-tphcm', 'UBND Thành phố Hồ Chí Minh', 0.1]];
  let seed = 7;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const day0 = Date.parse('2026-10-25T00:00:00+07:00');
  return {
    by: 'org', interval: 'day', threshold: 0.15, method: 'Wilson 95% (fixture)',
    groups: orgs.map(([key, name, base]) => ({ key, name, points: Array.from({ length: 30 }, (_, i) => {
      const n = 20 + Math.floor(rnd() * 60);
      const negative = Math.round(n * Math.max(0, base + (rnd() - 0.5) * 0.12));
      const positive = Math.round((n - negative) * (0.4 + rnd() * 0.3));
      return { t: new Date(day0 + i * 864e5).toISOString(), n, positive, neutral: n - negative - positive, negative };
    }) })),
  };
}

test('overview charts: the 15% line, the 95% band, a row chosen (measures fixture)', async () => {
  await page.route('**/api/v1/measures**', (route) => route.fulfill({ json: measuresFixture() }));
  try {
    await open('/', 'Tổng quan');
    await page.reload(); // fetch the measures again, through the route
    await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();
    await page.locator('figure.chart canvas').nth(1).waitFor({ timeout: 15000 });
    assert.ok(await page.getByText('Ngưỡng 15%').count() > 0, 'the 15% line is in the legend');
    const hanoi = page.getByRole('row', { name: /UBND Thành phố Hà Nội/ });
    assert.match(await hanoi.innerText(), /vượt ngưỡng|có thể vượt ngưỡng/);
    await hanoi.getByRole('button').click();
    await page.getByText('Tỉ lệ thông tin tiêu cực (ngưỡng 15%) — UBND Thành phố Hà Nội').waitFor();
    await snap('tong-quan-bieu-do-overview-charts-fixture');
  } finally {
    await page.unroute('**/api/v1/measures**');
  }
});

test('keyboard: skip link first, focus visible', async () => {
  await open('/', 'Tổng quan');
  await page.reload(); // a fresh load: nothing focused yet
  await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();
  await page.keyboard.press('Tab');
  const f = await page.evaluate(() => ({ text: document.activeElement?.textContent, outline: getComputedStyle(document.activeElement).outlineStyle }));
  assert.match(f.text || '', /Bỏ qua, đến nội dung chính/);
  assert.notEqual(f.outline, 'none', 'the focused control shows its focus');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
});

test('search: results with highlights, facets, errors in place', async (t) => {
  await open('/search', 'Tìm kiếm');
  await page.getByLabel('Truy vấn').fill('học phí');
  await page.getByLabel('Truy vấn').press('Enter');
  await page.waitForFunction(() => document.querySelector('.result, .state.unavailable, .state.error, .state.empty'), null, { timeout: 15000 });
  if (await page.locator('.state.unavailable').count()) {
    await snap('tim-kiem-search');
    t.skip('GET /api/v1/search is not on the server yet (the page shows "Chưa có dữ liệu")');
    return;
  }
  await page.locator('.result').first().waitFor();
  assert.ok(await page.locator('.result mark').count() > 0, 'matches are highlighted');
  await snap('tim-kiem-search');
  // A syntax error is shown in place, with its position.
  await page.getByLabel('Truy vấn').fill('(giấy OR phép');
  await page.getByLabel('Truy vấn').press('Enter');
  const err = page.locator('#q-error');
  await err.waitFor({ timeout: 15000 });
  assert.match(await err.textContent(), /ký tự|vị trí|\d/);
  assert.equal(await page.getByLabel('Truy vấn').getAttribute('aria-invalid'), 'true');
  await snap('tim-kiem-loi-search-error');
});

let itemId = null;
test('item page, and correcting a label', async (t) => {
  const r = await pageFetch('/api/v1/items?limit=1');
  assert.equal(r.status, 200);
  itemId = r.body.items[0].item_id;
  await page.goto(`${base}/#/items/${itemId}`);
  await page.getByRole('heading', { name: 'Sắc thái', exact: true }).waitFor();
  await snap('tin-item');
  if (!(await hasRoute(`/api/v1/items/${itemId}/labels`))) {
    await page.getByText('Máy chủ chưa nhận nhãn sửa').waitFor();
    t.skip('POST /api/v1/items/{id}/labels is not on the server yet (the page says so)');
    return;
  }
  const form = page.getByTestId('label-form');
  await form.getByLabel('tiêu cực').check();
  await form.getByLabel('Ghi chú (không bắt buộc)').fill('kiểm thử trình duyệt');
  await form.getByRole('button', { name: 'Lưu nhãn' }).click();
  await page.getByText('Đã lưu nhãn').waitFor({ timeout: 15000 });
  const after = await pageFetch(`/api/v1/items/${itemId}`);
  const tone = after.body?.item?.tone;
  if (tone) assert.equal(typeof tone === 'string' ? tone : tone.label, 'negative', 'the corrected label is the item\'s tone');
  await snap('tin-sua-nhan-item-label');
});

test('a new item arrives in the live feed over SSE', async (t) => {
  await open('/', 'Tổng quan');
  const ev = await page.evaluate(async () => {
    const ctl = new AbortController();
    try {
      const r = await fetch('/api/v1/events', { signal: ctl.signal });
      const s = r.status;
      let msg = '';
      if (s === 404) { try { msg = (await r.json()).error.message; } catch { /* */ } }
      ctl.abort();
      return { status: s, msg };
    } catch (e) { return { status: 0, msg: String(e) }; }
  });
  if (ev.status === 404) {
    await page.getByText(/Cập nhật trực tiếp chưa có trên máy chủ/).waitFor({ timeout: 20000 });
    t.skip('GET /api/v1/events is not on the server yet (the feed says so)');
    return;
  }
  assert.equal(ev.status, 200, 'the event stream answers');
  await page.locator('.live-badge.live-open').waitFor({ timeout: 20000 });
  const nonce = `Kiểm thử trực tiếp ${Date.now()}`;
  const r = await pageFetch('/api/v1/items', { method: 'POST', body: {
    source: 'kiem-thu-web', id: `web-${Date.now()}`, published_at: new Date().toISOString(),
    kind: 'post', platform: 'facebook', text: `${nonce}: người dân phản ánh đường Nguyễn Trãi ngập sau mưa.`, lang: 'vi',
  } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.stored, 1);
  await page.getByTestId('live-feed').getByText(nonce).waitFor({ timeout: 20000 });
  await snap('tong-quan-tin-moi-live-item');
});

const PAGES = [
  ['/stories', 'Sự kiện', 'su-kien-stories'],
  ['/sources', 'Nguồn tin', 'nguon-tin-sources'],
  ['/queries', 'Truy vấn đã lưu và cảnh báo', 'truy-van-canh-bao-queries-alerts'],
  ['/claims', 'Thông tin sai sự thật', 'thong-tin-sai-claims'],
  ['/moderation', 'Kiểm duyệt bình luận', 'kiem-duyet-moderation'],
  ['/reports', 'Báo cáo', 'bao-cao-reports'],
  ['/reports/print', 'Báo cáo tình hình thông tin', 'bao-cao-in-printable'],
  ['/users', 'Người dùng', 'nguoi-dung-users'],
];
test('every page renders, in Vietnamese', async () => {
  for (const [route, heading, name] of PAGES) {
    await open(route, heading);
    // Nothing broken: each page shows content or a clear state, never a blank.
    const text = await page.locator('main').innerText();
    assert.ok(text.trim().length > 20, `${route} is empty`);
    assert.ok(!/undefined|NaN|\[object Object\]/.test(text), `${route} shows a broken value: ${text.slice(0, 300)}`);
    await snap(name);
  }
  // The sources page has the real sources of the demo.
  await open('/sources', 'Nguồn tin');
  assert.ok(await page.locator('table.data tbody tr').count() >= 10);
  // Users: the admin is listed.
  await open('/users', 'Người dùng');
  await page.getByRole('rowheader', { name: 'admin' }).waitFor();
});

test('English switch, kept across reloads', async () => {
  await open('/', 'Tổng quan');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await snap('overview-english');
  await page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();
});

test('server text is never markup', async () => {
  // An item whose text looks like HTML shows as text.
  const evil = `<img src=x onerror="window.__pwned=1"><b>đậm</b> ${Date.now()}`;
  const r = await pageFetch('/api/v1/items', { method: 'POST', body: {
    source: 'kiem-thu-web', id: `xss-${Date.now()}`, published_at: new Date().toISOString(), kind: 'post', platform: 'facebook',
    title: evil, text: evil,
  } });
  assert.equal(r.status, 200);
  const list = await pageFetch('/api/v1/items?limit=5&source=kiem-thu-web');
  const it = list.body.items.find((x) => x.text === evil);
  assert.ok(it, 'the item was stored');
  await page.goto(`${base}/#/items/${it.item_id}`);
  await page.locator('.item-text').waitFor();
  assert.equal(await page.locator('.item-text').innerText(), evil);
  assert.equal(await page.locator('main img[src="x"]').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
});

test('log out', async () => {
  await open('/', 'Tổng quan');
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
  const me = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
  assert.equal(me, 401);
});

test('no page errors, no requests outside the server', () => {
  assert.deepEqual(problems, []);
});
