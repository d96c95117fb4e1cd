// workflow.test.mjs - the press office's two main flows in a real browser
// (issue 10, deliverable 8), run by browser.sh after browser.test.mjs:
//   (a) a journalist's question → routed → answered → published;
//   (b) a citizen comments on a draft on the public page (#/gop-y, no
//       login) → moderated (a toxic comment held by the toxicity model) →
//       disposition published and visible on the public page;
//   (c) a rebuttal kit from a false claim → approved → published through the
//       network; its reach (outlets, items, per day) beside the claim's.
//
// Before the server starts, the demo database is made (`loa demo --check`)
// and the users the flows need are added with `loa users add
// --password-stdin`: a journalist of the press agency bao-tin-moi, a
// spokesperson of ubnd-ha-noi and an editor of its department
// so-khcn-ha-noi (the responsible unit). An old question (`loa workflow new
// --now`) shows the "quá hạn" highlight. Each user drives the pages in a
// browser context of their own; screenshots go to
// $LOA_BUILD/web-screenshots/ (names starting with "wf-").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SRC = process.env.LOA_SRC || path.resolve(here, '../..');
const LOA = path.resolve(process.env.LOA || path.join(SRC, 'build/loa'));
const OUT = path.join(process.env.LOA_BUILD || fs.mkdtempSync(path.join(os.tmpdir(), 'loa-web-')), 'web-screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const require = createRequire(path.join(SRC, 'web/package.json'));
const { chromium } = require('playwright-core');

const W = 1366, H = 768;
const PW = 'mat-khau-kiem-thu-wf-1';
const USERS = [
  ['nhabao', 'journalist', 'bao-tin-moi', 'Nhà báo Trần Minh'],
  ['phatngon', 'spokesperson', 'ubnd-ha-noi', 'Người phát ngôn Lê Hà'],
  ['bientap', 'editor', 'so-khcn-ha-noi', 'Biên tập viên Phạm An'],
];
let server, base, work, browser;
const problems = [];
let shot = 0;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

const loa = (args, input) => execFileSync(LOA, [...args, '--db', path.join(work, 'demo.db')], {
  cwd: work, env: { ...process.env, LOA_HOME: SRC }, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'],
});

function startDemo(port) {
  return new Promise((resolve, reject) => {
    const p = spawn(LOA, ['demo', '--listen', `127.0.0.1:${port}`, '--db', path.join(work, 'demo.db')], {
      cwd: work, env: { ...process.env, LOA_HOME: SRC }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '', err = '';
    const timer = setTimeout(() => { p.kill('SIGTERM'); reject(new Error('loa demo did not start in 90 s:\n' + out + err.slice(-2000))); }, 90000);
    p.stdout.on('data', (d) => {
      out += d;
      const url = /(http:\/\/127\.0\.0\.1:\d+)\/?/.exec(out);
      if (/password:\s*\S+/.test(out) && url) { clearTimeout(timer); resolve({ proc: p, base: url[1] }); }
    });
    p.stderr.on('data', (d) => { err += d; if (err.length > 1e6) err = err.slice(-1e5); });
    p.on('exit', (code) => { clearTimeout(timer); reject(new Error(`loa demo exited ${code}:\n${out}${err.slice(-2000)}`)); });
  });
}

/** A browser context of its own (cookies) for one user, or anonymous. */
async function as(login) {
  const ctx = await browser.newContext({ viewport: { width: W, height: H }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => problems.push(`${login}: page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource|status of 40[349]/.test(m.text())) problems.push(`${login}: console: ${m.text()}`);
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(base + '/') && !u.startsWith('data:') && !u.startsWith('blob:')) problems.push(`${login}: outside request: ${u}`);
  });
  await page.goto(base + '/');
  if (login) {
    await page.getByLabel('Tên đăng nhập').fill(login);
    await page.getByLabel('Mật khẩu').fill(PW);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tổng quan' }).waitFor();
  }
  return { ctx, page };
}

async function snap(page, name) {
  shot += 1;
  await page.waitForTimeout(250);
  await page.screenshot({ path: path.join(OUT, `wf-${String(shot).padStart(2, '0')}-${name}.png`) });
  const sw = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(sw <= W, `${name}: the page is ${sw}px wide, wider than ${W}px`);
  const text = await page.locator('main').innerText();
  assert.ok(!/undefined|NaN|\[object Object\]/.test(text), `${name} shows a broken value: ${text.slice(0, 300)}`);
}

async function open(page, route, heading) {
  await page.goto(`${base}/#${route}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 15000 });
  await page.waitForFunction(() => !document.querySelector('.state.loading'), null, { timeout: 15000 }).catch(() => {});
}

/** A request from inside a page (its cookies; CSRF when logged in). */
function call(page, url, opts = {}) {
  return page.evaluate(async ([u, o]) => {
    const headers = { Accept: 'application/json', ...(o.body ? { 'Content-Type': 'application/json' } : {}) };
    if (o.method && o.method !== 'GET') {
      const me = await fetch('/api/v1/me');
      if (me.ok) headers['X-CSRF-Token'] = (await me.json()).csrf;
    }
    const r = await fetch(u, { method: o.method || 'GET', headers, body: o.body ? JSON.stringify(o.body) : undefined });
    let body = null;
    try { body = await r.json(); } catch { /* not JSON */ }
    return { status: r.status, body };
  }, [url, opts]);
}

const stateBadge = (page) => page.locator('dl.facts .wf-state');
const vnNum = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  for (const f of fs.readdirSync(OUT)) if (/^wf-.*\.png$/.test(f)) fs.rmSync(path.join(OUT, f));
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'loa-web-wf-'));
  // The demo database first, then the users of the flows, then the server.
  loa(['demo', '--check']);
  for (const [login, role, org, name] of USERS) loa(['users', 'add', login, '--role', role, '--org', org, '--name', name, '--password-stdin'], PW + '\n');
  const old = new Date(Date.now() - 30 * 864e5).toISOString();
  loa(['workflow', 'new', '--type', 'question', '--title', 'Tiến độ dự án đường vành đai 4', '--body', 'Đề nghị cho biết tiến độ giải phóng mặt bằng đường vành đai 4.',
    '--org', 'ubnd-ha-noi', '--now', old]);
  for (let i = 0; i < 3 && !server; i++) {
    try { ({ proc: server, base } = await startDemo(await freePort())); } catch (e) { if (i === 2) throw e; }
  }
  server.on('exit', () => { server = null; });
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close().catch(() => {});
  if (server) {
    const gone = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 10000))]);
    server?.kill('SIGKILL');
  }
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const QTITLE = `Kế hoạch chuyển đổi số năm 2027 (${Date.now()})`;
let qid = null;

test('(a) question → routed → answered → published', async () => {
  // The journalist asks.
  const nb = await as('nhabao');
  await open(nb.page, '/questions', 'Câu hỏi báo chí');
  await nb.page.getByLabel('Cơ quan được hỏi').selectOption('ubnd-ha-noi');
  await nb.page.getByLabel('Tiêu đề').fill(QTITLE);
  await nb.page.getByLabel('Câu hỏi', { exact: true }).fill('Xin cho biết kế hoạch chuyển đổi số của Thành phố trong năm 2027 và kinh phí dự kiến.');
  await snap(nb.page, 'cau-hoi-nha-bao-gui-question-form');
  await nb.page.getByRole('button', { name: 'Gửi câu hỏi' }).click();
  await nb.page.waitForURL(/#\/questions\/\d+$/);
  qid = Number(/questions\/(\d+)$/.exec(nb.page.url())[1]);
  await stateBadge(nb.page).filter({ hasText: 'đã tiếp nhận' }).waitFor();
  await nb.page.getByRole('heading', { name: 'Thao tác' }).waitFor();
  assert.equal(await nb.page.getByRole('button', { name: 'Chuyển xử lý' }).count(), 0, 'a journalist cannot route');
  await snap(nb.page, 'cau-hoi-da-tiep-nhan-question-received');

  // The spokesperson sees it in the list (and the overdue one), and routes it.
  const pn = await as('phatngon');
  await open(pn.page, '/questions', 'Câu hỏi báo chí');
  const row = pn.page.getByRole('row', { name: new RegExp(QTITLE.replace(/[()]/g, '\\$&')) });
  await row.waitFor();
  assert.match(await row.innerText(), /đã tiếp nhận/);
  const old = pn.page.getByRole('row', { name: /Tiến độ dự án đường vành đai 4/ });
  assert.match(await old.innerText(), /quá hạn/, 'an old question is marked "quá hạn"');
  assert.match(await old.getAttribute('class'), /overdue/);
  await snap(pn.page, 'cau-hoi-danh-sach-questions-list');
  await row.getByRole('link').click();
  await pn.page.getByRole('button', { name: 'Chuyển xử lý' }).click();
  await pn.page.getByLabel('Đơn vị chủ trì').selectOption('so-khcn-ha-noi');
  await pn.page.getByRole('button', { name: /^Xác nhận: chuyển xử lý/ }).click();
  await stateBadge(pn.page).filter({ hasText: 'đã chuyển xử lý' }).waitFor();
  await pn.page.locator('dl.facts').getByText('Sở Khoa học và Công nghệ Hà Nội').waitFor();

  // The unit's editor drafts the answer.
  const bt = await as('bientap');
  await open(bt.page, '/questions', 'Câu hỏi báo chí');
  await bt.page.getByRole('link', { name: QTITLE }).click();
  await bt.page.getByRole('button', { name: 'Dự thảo trả lời' }).click();
  await bt.page.getByLabel('Nội dung trả lời').fill('Năm 2027, Thành phố tập trung số hoá hồ sơ thủ tục hành chính; kinh phí dự kiến 120 tỷ đồng.');
  await snap(bt.page, 'cau-hoi-du-thao-tra-loi-draft-answer');
  await bt.page.getByRole('button', { name: /^Xác nhận: dự thảo trả lời/ }).click();
  await stateBadge(bt.page).filter({ hasText: 'chờ phê duyệt trả lời' }).waitFor();
  await bt.page.getByRole('heading', { name: 'Dự thảo trả lời' }).waitFor();

  // The spokesperson approves and publishes.
  await pn.page.reload();
  await stateBadge(pn.page).filter({ hasText: 'chờ phê duyệt trả lời' }).waitFor();
  await pn.page.getByRole('button', { name: /^Phê duyệt/ }).click();
  await stateBadge(pn.page).filter({ hasText: /^đã trả lời$/ }).waitFor();
  await pn.page.getByRole('button', { name: /^Công bố/ }).click();
  await stateBadge(pn.page).filter({ hasText: 'đã trả lời và công bố' }).waitFor();
  const hist = await pn.page.locator('ol.history li').allInnerTexts();
  assert.ok(hist.length >= 5, `history has every step: ${hist.join(' | ')}`);
  assert.match(hist.join('\n'), /nhabao[\s\S]*phatngon[\s\S]*bientap[\s\S]*phatngon/);
  await snap(pn.page, 'cau-hoi-da-cong-bo-question-published');

  // The journalist sees the answer; anyone sees the publication.
  await open(nb.page, '/questions', 'Câu hỏi báo chí');
  assert.match(await nb.page.getByRole('row', { name: new RegExp(QTITLE.replace(/[()]/g, '\\$&')) }).innerText(), /đã trả lời và công bố/);
  await snap(nb.page, 'cau-hoi-cua-toi-my-questions');
  const anon = await as(null);
  const pubs = await call(anon.page, '/api/v1/public/publications');
  assert.equal(pubs.status, 200);
  const p = pubs.body.publications.find((x) => x.case_id === qid);
  assert.ok(p, 'the answer is in the public publications');
  assert.match(p.body, /120 tỷ đồng/);

  // English switch on the new page.
  await open(pn.page, `/questions/${qid}`, 'Câu hỏi báo chí');
  await pn.page.getByRole('button', { name: 'Switch to English' }).click();
  await pn.page.getByRole('heading', { level: 1, name: 'Journalist’s question' }).waitFor();
  await pn.page.locator('dl.facts').getByText('answered and published').waitFor();
  await snap(pn.page, 'question-published-english');
  await pn.page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).click();
  for (const u of [nb, pn, bt, anon]) await u.ctx.close();
});

test('(b) comment on a draft on the public page → moderated → disposition published', async () => {
  const slug = `du-thao-chuyen-doi-so-${Date.now()}`;
  const title = 'Dự thảo Quy định về chuyển đổi số';
  const v1 = 'Điều 1. Phạm vi điều chỉnh\nQuy định này áp dụng đối với cơ quan nhà nước của Thành phố.\n\nĐiều 2. Hồ sơ điện tử\nHồ sơ nộp trực tuyến có giá trị như hồ sơ giấy.';
  const v2 = v1.replace('cơ quan nhà nước của Thành phố', 'cơ quan nhà nước và đơn vị sự nghiệp công lập của Thành phố');
  const bt = await as('bientap');
  // The editor creates the draft through the page, adds version 2, opens comments.
  await open(bt.page, '/policies', 'Dự thảo chính sách');
  await bt.page.getByLabel('Tên dự thảo').fill(title);
  await bt.page.getByLabel('Mã trang (chữ thường, gạch nối)').fill(slug);
  await bt.page.getByLabel('Toàn văn dự thảo 1').fill(v1);
  await bt.page.getByRole('button', { name: 'Thêm', exact: true }).click();
  await bt.page.getByRole('heading', { level: 1, name: title }).waitFor();
  // Still being written: not on the public page.
  const anon = await as(null);
  assert.equal((await call(anon.page, `/api/v1/policies/${slug}`)).status, 404, 'a draft being written is not public');
  await bt.page.getByRole('button', { name: 'Thêm phiên bản' }).click();
  await bt.page.getByLabel('Toàn văn phiên bản mới').fill(v2);
  await bt.page.getByLabel('Ghi chú').fill('mở rộng phạm vi');
  await bt.page.getByRole('button', { name: 'Lưu phiên bản' }).click();
  await bt.page.getByRole('heading', { name: 'Toàn văn — bản 2' }).waitFor();
  await bt.page.locator('.diff ins').filter({ hasText: 'đơn vị sự nghiệp công lập' }).first().waitFor();
  await bt.page.getByRole('button', { name: 'Mở lấy ý kiến' }).click();
  await bt.page.getByText('đang nhận góp ý').first().waitFor();

  // A citizen, not logged in, finds the draft on the public page and comments on a passage.
  await anon.page.goto(`${base}/#/gop-y`);
  await anon.page.getByRole('heading', { level: 1, name: 'Góp ý dự thảo chính sách' }).waitFor({ timeout: 15000 });
  assert.equal(await anon.page.getByLabel('Tên đăng nhập').count(), 0, 'no login on the public page');
  await anon.page.getByRole('link', { name: title }).first().waitFor();
  await snap(anon.page, 'gop-y-danh-sach-public-drafts');
  await anon.page.getByRole('link', { name: title }).first().click();
  await anon.page.getByRole('heading', { level: 1, name: title }).waitFor();
  await anon.page.getByRole('heading', { name: 'Toàn văn dự thảo — bản 2' }).waitFor();
  const passage = 'Hồ sơ nộp trực tuyến có giá trị như hồ sơ giấy.';
  await anon.page.locator('.gopy-line-text', { hasText: passage }).selectText();
  await anon.page.getByRole('button', { name: 'Góp ý về đoạn đã chọn' }).click();
  await anon.page.locator('.gopy-form blockquote').getByText(passage).waitFor();
  const text = 'Đề nghị bổ sung quy định về chữ ký số đối với hồ sơ nộp trực tuyến.';
  await anon.page.getByLabel('Nội dung góp ý').fill(text);
  await anon.page.getByLabel(/^Họ và tên/).fill('Nguyễn Thị Lan');
  await anon.page.getByRole('button', { name: 'Gửi góp ý' }).click();
  await anon.page.getByRole('status').filter({ hasText: 'đang chờ kiểm duyệt' }).waitFor();
  const cid = Number(await anon.page.locator('.gopy-sent-item').first().getAttribute('data-sent'));
  assert.ok(cid > 0, 'the comment has an id');
  await snap(anon.page, 'gop-y-da-gui-cho-kiem-duyet-public-comment-sent');
  // A part of a line, with diacritics: the byte offsets must land on the same words.
  const part = 'đơn vị sự nghiệp công lập';
  await anon.page.evaluate((p) => {
    const el = [...document.querySelectorAll('.gopy-line-text')].find((e) => e.textContent.includes(p));
    const t = el.firstChild;
    const i = t.textContent.indexOf(p);
    const r = document.createRange();
    r.setStart(t, i);
    r.setEnd(t, i + p.length);
    getSelection().removeAllRanges();
    getSelection().addRange(r);
  }, part);
  await anon.page.getByRole('button', { name: 'Góp ý về đoạn đã chọn' }).click();
  await anon.page.locator('.gopy-form blockquote').getByText(part, { exact: true }).waitFor();
  const toxic = 'Mấy thằng soạn cái dự thảo này óc chó à, ngu như bò';
  await anon.page.getByLabel('Nội dung góp ý').fill(toxic);
  await anon.page.getByRole('button', { name: 'Gửi góp ý' }).click();
  await anon.page.locator('.gopy-sent-item').nth(1).waitFor();
  const tid = Number(await anon.page.locator('.gopy-sent-item').first().getAttribute('data-sent'));
  assert.ok(tid > cid);
  const before = await call(anon.page, `/api/v1/policies/${slug}/comments`);
  assert.equal(before.status, 200);
  assert.ok(!before.body.comments.some((x) => x.id === cid || x.id === tid), 'pending comments are not public');
  assert.equal(await anon.page.locator('li.pcomment').count(), 0, 'nothing published yet');

  // The moderation queue: the toxic comment is held by the toxicity model.
  const queue = await call(bt.page, `/api/v1/policies/${slug}/comments?state=pending`);
  const held = queue.body.comments.find((x) => x.id === tid);
  assert.equal(held?.held, 'toxicity', `held by the model: ${JSON.stringify(held)}`);
  assert.ok(['offensive', 'hate'].includes(held.toxicity?.label), `labelled toxic: ${JSON.stringify(held.toxicity)}`);
  assert.equal(held.quote, part, 'the partial passage is anchored exactly');
  assert.equal(queue.body.comments.find((x) => x.id === cid)?.held, undefined, 'a clean comment is not held');

  // The editor moderates in the staff page: approves one, hides the toxic one, answers (tiếp thu).
  await bt.page.reload();
  await bt.page.getByRole('heading', { level: 1, name: title }).waitFor();
  const item = bt.page.locator(`li[data-comment="${cid}"]`);
  await item.getByText(text).waitFor();
  await item.locator('blockquote').getByText(passage).waitFor();
  const bad = bt.page.locator(`li[data-comment="${tid}"]`);
  await bad.getByText('bị mô hình giữ lại').waitFor();
  await bad.scrollIntoViewIfNeeded();
  await snap(bt.page, 'du-thao-cho-duyet-policy-pending-comment');
  await bad.getByRole('button', { name: /^Ẩn/ }).click();
  await bad.getByLabel('Lý do ẩn').fill('Ngôn từ xúc phạm');
  await bad.getByRole('button', { name: 'Xác nhận ẩn' }).click();
  await bad.waitFor({ state: 'detached' });
  await item.getByRole('button', { name: /^Duyệt/ }).click();
  await item.waitFor({ state: 'detached' });
  await bt.page.getByRole('button', { name: 'Đã công khai' }).click();
  await item.getByText(text).waitFor();
  await item.getByRole('button', { name: /^Tiếp thu, giải trình/ }).click();
  await item.getByLabel('tiếp thu', { exact: true }).check();
  await item.getByLabel('Nội dung tiếp thu, giải trình').fill('Tiếp thu: bổ sung khoản 2 Điều 2 về chữ ký số.');
  await item.getByRole('button', { name: 'Lưu và công bố' }).click();
  await item.locator('.disposition .badge').filter({ hasText: 'tiếp thu' }).waitFor();
  await bt.page.locator('.policy-text mark').filter({ hasText: passage }).waitFor(); // the passage is highlighted
  await item.scrollIntoViewIfNeeded();
  await snap(bt.page, 'du-thao-tiep-thu-policy-disposition');

  // The public page shows the comment, its disposition and answer, anchored to its passage; not the hidden one.
  await anon.page.reload();
  await anon.page.getByRole('heading', { level: 1, name: title }).waitFor();
  const pubc = anon.page.locator(`li.pcomment[data-comment="${cid}"]`);
  await pubc.getByText(text).waitFor();
  await pubc.locator('.badge').filter({ hasText: /^tiếp thu$/ }).waitFor();
  await pubc.getByText('bổ sung khoản 2 Điều 2 về chữ ký số').waitFor();
  await pubc.locator('blockquote').getByText(passage).waitFor();
  await anon.page.locator('.gopy-text mark').filter({ hasText: passage }).waitFor();
  assert.equal(await anon.page.locator(`li.pcomment[data-comment="${tid}"]`).count(), 0, 'the hidden comment stays hidden');
  assert.equal(await anon.page.getByText(toxic).count(), 0);
  await pubc.getByRole('button', { name: 'Xem đoạn này trong dự thảo' }).click();
  await snap(anon.page, 'gop-y-tiep-thu-cong-khai-public-disposition');
  const pub = await call(anon.page, `/api/v1/policies/${slug}/comments`);
  const mine = pub.body.comments.find((x) => x.id === cid);
  assert.equal(mine.disposition, 'accepted');
  assert.equal(mine.quote, passage);
  assert.equal(mine.toxicity, undefined, 'the public do not see the model’s labels');

  await open(bt.page, '/policies', 'Dự thảo chính sách');
  await bt.page.getByRole('link', { name: title }).waitFor();
  await snap(bt.page, 'du-thao-danh-sach-policies');
  await bt.ctx.close();
  await anon.ctx.close();
});

test('(c) rebuttal kit → approved → published; its reach beside the claim’s spread', async () => {
  const pn = await as('phatngon');
  // The demo's false claims: the analysis job matches the sample's posts to them.
  const claims = await call(pn.page, '/api/v1/claims');
  assert.equal(claims.status, 200);
  const claim = claims.body.claims.slice().sort((a, b) => b.items - a.items)[0];
  assert.ok(claim, 'the demo has false claims');
  await open(pn.page, `/claims/${claim.id}`, claim.title);
  await pn.page.getByRole('heading', { name: 'Hồ sơ phản bác' }).waitFor();
  await pn.page.getByRole('button', { name: 'Lập bộ phản bác' }).click();
  await pn.page.waitForURL(/#\/rebuttals\/\d+$/);
  const rid = Number(/rebuttals\/(\d+)$/.exec(pn.page.url())[1]);
  await pn.page.getByRole('heading', { level: 1, name: 'Phản bác thông tin sai' }).waitFor();
  await pn.page.getByRole('heading', { name: 'Lan truyền: thông tin sai và bài phản bác' }).waitFor();
  // The analysis job keeps matching the demo's replayed posts: the claim's count only grows.
  const num = async (sel) => Number((await pn.page.locator(sel).innerText()).split(' ')[0].replace(/\./g, ''));
  const shown = await num('dd[data-k="claim-items"]');
  const c0 = await call(pn.page, `/api/v1/workflow/cases/${rid}`);
  const spread = c0.body.case.reach.claim;
  assert.equal(spread.claim_id, claim.id);
  assert.ok(shown >= claim.items && shown <= spread.items, `the page shows the claim’s items: ${shown} (${claim.items}..${spread.items})`);
  assert.equal(c0.body.case.reach.days.reduce((n, d) => n + d.claim, 0), spread.items, 'the claim’s items per day add up');
  await pn.page.locator('.reach-side.rebuttal').getByText('chưa công bố').waitFor();
  await pn.page.getByRole('heading', { name: 'Bộ phản bác' }).waitFor();
  await snap(pn.page, 'phan-bac-bo-phan-bac-rebuttal-kit');

  // Approve and publish: signed through the network.
  await pn.page.getByRole('button', { name: /^Phê duyệt/ }).click();
  await stateBadge(pn.page).filter({ hasText: 'đã phê duyệt' }).waitFor();
  await pn.page.getByRole('button', { name: /^Công bố/ }).click();
  await pn.page.locator('.reach-side.rebuttal').getByText('đã công bố, có chữ ký số').waitFor();
  const c1 = await call(pn.page, `/api/v1/workflow/cases/${rid}`);
  assert.match(c1.body.case.publish_ref || '', /^official:\d+$/, 'published through the network room');
  // The demo replays its sample all the time: some replayed items may already look like the rebuttal.
  const n0 = c1.body.case.reach.rebuttal.items;
  const ids0 = new Set(c1.body.case.reach.rebuttal.pickups.map((p) => p.item_id));

  // Two outlets carry the rebuttal (stored as monitored items), one item is unrelated.
  const bt = await as('bientap');
  const body = c1.body.case.body;
  const at = (min) => new Date(Date.now() + min * 60000).toISOString();
  const picks = [
    { source: 'bao-tin-moi', id: `phan-bac-${rid}-1`, title: 'Thành phố bác bỏ tin đồn', text: 'Theo Cổng thông tin điện tử Thành phố: ' + body, published_at: at(5) },
    { source: 'bao-song-hong', id: `phan-bac-${rid}-2`, title: 'Thông tin chính thức', text: body, published_at: at(30) },
    { source: 'bao-song-hong', id: `khac-${rid}`, title: 'Thời tiết', text: 'Hà Nội trời nắng, nhiệt độ cao nhất 32 độ, chiều tối có mưa rào và dông rải rác.', published_at: at(10) },
  ];
  for (const x of picks) {
    const r = await call(bt.page, '/api/v1/items', { method: 'POST', body: x });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  await pn.page.reload();
  await pn.page.getByRole('heading', { level: 1, name: 'Phản bác thông tin sai' }).waitFor();
  const c2 = await call(pn.page, `/api/v1/workflow/cases/${rid}`);
  const reach = c2.body.case.reach;
  const fresh = reach.rebuttal.pickups.filter((p) => !ids0.has(p.item_id) && picks.some((x) => x.title === p.title));
  assert.deepEqual(fresh.map((p) => `${p.source}: ${p.title}`).sort(), picks.slice(0, 2).map((x) => `${x.source}: ${x.title}`).sort(),
    `the two copies, not the unrelated item: ${JSON.stringify(fresh)}`);
  assert.ok(fresh.every((p) => p.faithful), 'both copies are faithful');
  assert.ok(reach.rebuttal.items >= n0 + 2 && reach.rebuttal.outlets >= 2);
  assert.equal(reach.days.reduce((n, d) => n + d.rebuttal, 0), reach.rebuttal.items, 'every pickup counted per day');
  assert.equal(reach.days.reduce((n, d) => n + d.claim, 0), reach.claim.items, 'the claim’s items per day');
  assert.ok(reach.claim.items >= spread.items, 'the claim’s side is still there');
  const ri = await num('dd[data-k="reb-items"]'), ro = await num('dd[data-k="reb-outlets"]');
  assert.ok(ri >= n0 + 2 && ri <= reach.rebuttal.items, `the page shows the rebuttal's items: ${ri} (${n0 + 2}..${reach.rebuttal.items})`);
  assert.ok(ro >= 2 && ro <= reach.rebuttal.outlets, `and its outlets: ${ro}`);
  const outlets = await pn.page.locator('.reach-side.rebuttal ol.reach-sources li').allInnerTexts();
  assert.ok(outlets.some((t) => /bao-tin-moi/.test(t)) && outlets.some((t) => /bao-song-hong/.test(t)), `outlets that carried it: ${outlets.join(' | ')}`);
  assert.ok(await num('dd[data-k="claim-items"]') >= spread.items, 'the claim’s side beside it');
  const fig = pn.page.locator('.reach figure');
  await fig.getByText('Số tin theo ngày: thông tin sai và bài phản bác').waitFor();
  await fig.locator('summary').click();
  const heads = await fig.locator('thead th').allInnerTexts();
  assert.deepEqual(heads.slice(1), ['Tin lan truyền thông tin sai', 'Tin đăng lại bài phản bác']);
  await pn.page.locator('.reach').scrollIntoViewIfNeeded();
  await snap(pn.page, 'phan-bac-do-lan-toa-rebuttal-reach');
  await pn.ctx.close();
  await bt.ctx.close();
});

test('citizens\' feedback: list and case', async () => {
  const anon = await as(null);
  const f = await call(anon.page, '/api/v1/feedback', { method: 'POST', body: {
    title: 'Đèn đường hỏng', body: 'Đèn đường ngõ 12 phố Hào Nam hỏng đã hai tuần.', org: 'ubnd-ha-noi', name: 'Vũ Văn Bình',
  } });
  assert.equal(f.status, 201, JSON.stringify(f.body));
  const pn = await as('phatngon');
  await open(pn.page, '/feedback', 'Phản ánh, kiến nghị');
  await pn.page.getByRole('row', { name: /Đèn đường hỏng/ }).waitFor();
  await snap(pn.page, 'phan-anh-danh-sach-feedback');
  await pn.page.getByRole('link', { name: 'Đèn đường hỏng' }).click();
  await stateBadge(pn.page).filter({ hasText: 'đã tiếp nhận' }).waitFor();
  await pn.page.getByRole('button', { name: 'Chuyển xử lý' }).waitFor();
  await snap(pn.page, 'phan-anh-ho-so-feedback-case');
  // The journalist has no feedback entry in the navigation.
  const nb = await as('nhabao');
  assert.equal(await nb.page.getByRole('link', { name: 'Phản ánh, kiến nghị' }).count(), 0);
  assert.equal(await nb.page.getByRole('link', { name: 'Câu hỏi báo chí' }).count(), 1);
  for (const u of [anon, pn, nb]) await u.ctx.close();
});

test('workflow pages: no page errors, no requests outside the server', () => {
  assert.deepEqual(problems, []);
});
