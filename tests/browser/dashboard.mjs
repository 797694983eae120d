// Browser tests of "did this answer help?" in the chat (both languages,
// 1280x800 and 390 px wide) and of the supervisor's dashboard
// (/operator/dashboard) in Debian's chromium, driven by playwright-core,
// against a server with a fresh state database (tests/e2e/dashboard.sh):
// the figures the senior sees must be what this script did.
//
//   HOTLINE_URL=... HOTLINE_SENIOR=boss HOTLINE_OPERATOR=olga
//   HOTLINE_PASSWORD=... HOTLINE_SHOTS=DIR node dashboard.mjs
//
// Prints "ok - …" / "not ok - …" per check and "N passed, M failed";
// screenshots go to HOTLINE_SHOTS (the build directory, never committed).

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BASE = (process.env.HOTLINE_URL || '').replace(/\/+$/, '');
const SENIOR = process.env.HOTLINE_SENIOR || 'boss';
const OPERATOR = process.env.HOTLINE_OPERATOR || 'olga';
const PASSWORD = process.env.HOTLINE_PASSWORD || '';
const SHOTS = process.env.HOTLINE_SHOTS || path.join(os.tmpdir(), 'hotline-shots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT = Number(process.env.HOTLINE_BROWSER_WAIT_MS || 15000);
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// What the citizens below do: the dashboard must show exactly this.
const PHONE = '89161234567';
const EXPECT = { messages: 3, handoffs: 2, yes: 1, no: 2, queued: 2 };

let passed = 0;
let failed = 0;
function report(ok, name, why) {
  if (ok) { passed += 1; console.log(`ok - ${name}`); } else {
    failed += 1;
    console.log(`not ok - ${name}${why ? ` # ${String(why).split('\n')[0]}` : ''}`);
  }
}
async function scenario(title, steps) {
  let broken = null;
  for (const [name, fn] of steps) {
    const label = `${title}: ${name}`;
    if (broken) { report(false, label, `skipped: "${broken}" failed`); continue; }
    try { await fn(); report(true, label); } catch (e) { report(false, label, e?.message || e); broken = name; }
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

const tmpDirs = [];
const contexts = [];
const problems = [];

async function browser(viewport) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-chromium-'));
  tmpDirs.push(dir);
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM, args: ARGS, headless: true, viewport,
    locale: 'ru-RU', timezoneId: 'Europe/Moscow',
  });
  contexts.push(ctx);
  ctx.setDefaultTimeout(WAIT);
  const page = ctx.pages()[0] || await ctx.newPage();
  page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  return page;
}

async function openChat(page) {
  await page.goto(`${BASE}/`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => !!localStorage.getItem('hotline.token'));
  await page.locator('#text').waitFor({ state: 'visible' });
}

// Sends text; returns the bot's answer (its <li>).
async function ask(page, text) {
  const before = await page.locator('#messages > li.msg').count();
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
  await page.waitForFunction((n) => Array.from(document.querySelectorAll('#messages > li.msg')).slice(n)
    .some((li) => li.classList.contains('msg-bot')), before);
  // By its id: later messages must not move the locator.
  const id = await page.locator('#messages > li.msg-bot').last().getAttribute('data-id');
  return page.locator(`#messages > li[data-id="${id}"]`);
}

// A button's box fits the page and is tall enough to tap.
async function tappable(page, loc, what) {
  const b = await loc.boundingBox();
  const w = page.viewportSize().width;
  assert(b && b.height >= 44, `${what} is ${b?.height} px tall, under 44`);
  assert(b.x >= 0 && b.x + b.width <= w + 1, `${what} runs off the ${w} px page`);
}

async function signIn(page, name) {
  await page.goto(`${BASE}/operator`, { waitUntil: 'domcontentloaded' });
  await page.locator('#login-name').fill(name);
  await page.locator('#login-password').fill(PASSWORD);
  await page.locator('#login-password').press('Enter');
  await page.locator('#app').waitFor({ state: 'visible' });
}

async function openDashboard(page) {
  await page.goto(`${BASE}/operator/dashboard`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => !!document.body.dataset.loaded);
}

async function text(page, sel) { return (await page.locator(sel).textContent()).trim(); }

// The dashboard's own words (not names from the server: categories,
// services, articles, operators; not the logo's letter) that are still
// in Russian.
async function russianLeft(page) {
  return page.evaluate(() => {
    const sel = ['head > title', '.top h1', '.top-actions', '#period', '.kpi', 'h2', 'h3', 'thead', '.legend', 'summary',
      '#articles-note', '#c-decisions tbody td:first-child', '#c-fr tbody td:first-child',
      '#queues tbody td:first-child', '#operators tbody td:nth-child(2)', '#operators tbody td:nth-child(3)'];
    const out = [];
    for (const n of document.querySelectorAll(sel.join(', '))) {
      if (n.closest('[hidden]')) continue;
      const t = n.textContent.replace(/\s+/g, ' ').trim();
      if (/[А-Яа-яЁё]/.test(t)) out.push(t.slice(0, 60));
    }
    return out;
  });
}

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });

  const ru = await browser({ width: 1280, height: 800 });
  let sms;
  let passport;
  await scenario('feedback in Russian, 1280x800', [
    ['an answer from an article asks "Помог ли ответ? Да / Нет"', async () => {
      await openChat(ru);
      sms = await ask(ru, 'не приходит смс с кодом');
      const box = sms.locator('.feedback');
      await box.waitFor({ state: 'visible' });
      assert((await box.locator('.feedback-q').textContent()) === 'Помог ли ответ?', 'no question');
      assert(await box.getByRole('button', { name: 'Да, ответ помог' }).isVisible(), 'no «Да»');
      assert(await box.getByRole('button', { name: 'Нет, ответ не помог' }).isVisible(), 'no «Нет»');
      assert((await box.locator('button').allTextContents()).join('/') === 'Да/Нет', 'buttons are not «Да» / «Нет»');
      await ru.screenshot({ path: path.join(SHOTS, 'chat-feedback-ask-1280.png') });
    }],
    ['«Да» thanks the citizen and the buttons go', async () => {
      await sms.getByRole('button', { name: 'Да, ответ помог' }).click();
      await sms.locator('.feedback-done', { hasText: 'Спасибо за отзыв!' }).waitFor();
      assert(await sms.locator('.feedback button').count() === 0, 'buttons stayed after the vote');
    }],
    ['«Нет» offers an operator at once, with focus on the offer', async () => {
      passport = await ask(ru, `как получить загранпаспорт, мой телефон ${PHONE}`);
      await passport.getByRole('button', { name: 'Нет, ответ не помог' }).click();
      await passport.locator('.feedback-done', { hasText: 'Жаль, что ответ не помог' }).waitFor();
      const offer = passport.getByRole('button', { name: 'Позвать оператора' });
      await offer.waitFor({ state: 'visible' });
      assert(await offer.evaluate((b) => b === document.activeElement), 'focus is not on the offer');
      await ru.screenshot({ path: path.join(SHOTS, 'chat-feedback-1280.png') });
    }],
    ['the offer hands the chat to an operator and then cannot be pressed again', async () => {
      await passport.getByRole('button', { name: 'Позвать оператора' }).click();
      await ru.waitForFunction(() => document.getElementById('banner').dataset.state === 'queued');
      assert(await passport.getByRole('button', { name: 'Позвать оператора' }).isDisabled(), 'offer still active');
    }],
    ['after a reload each answer keeps its one vote', async () => {
      await ru.reload({ waitUntil: 'domcontentloaded' });
      await ru.locator('#messages > li.msg-bot').first().waitFor();
      const boxes = ru.locator('#messages .feedback');
      assert(await boxes.count() === 2, `${await boxes.count()} feedback boxes, not 2`);
      assert(await ru.locator('#messages .btn-feedback').count() === 0, 'an answer asks again after its vote');
      const r = await ru.evaluate(async () => {
        const msg = Number(document.querySelector('#messages .feedback').dataset.message);
        const res = await fetch('/api/chat/feedback', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${localStorage.getItem('hotline.token')}` },
          body: JSON.stringify({ message: msg, helpful: false }),
        });
        return res.status;
      });
      assert(r === 409, `a second vote got ${r}, not 409`);
    }],
  ]);

  const en = await browser({ width: 390, height: 844 });
  await scenario('feedback in English, 390 px wide', [
    ['"Did this answer help? Yes / No" in English, buttons tappable', async () => {
      await openChat(en);
      await en.locator('#lang').click();
      await en.waitForFunction(() => document.documentElement.lang === 'en');
      const a = await ask(en, 'SMS code does not arrive');
      const box = a.locator('.feedback');
      await box.waitFor({ state: 'visible' });
      assert((await box.locator('.feedback-q').textContent()) === 'Did this answer help?', 'no English question');
      assert((await box.locator('button').allTextContents()).join('/') === 'Yes/No', 'buttons are not Yes / No');
      await tappable(en, box.getByRole('button', { name: 'Yes, the answer helped' }), '"Yes"');
      await tappable(en, box.getByRole('button', { name: 'No, the answer did not help' }), '"No"');
    }],
    ['"No" offers an operator in English; the offer fits the phone', async () => {
      const a = en.locator('#messages > li.msg-bot').last();
      await a.getByRole('button', { name: 'No, the answer did not help' }).click();
      await a.locator('.feedback-done', { hasText: 'Sorry the answer did not help' }).waitFor();
      const offer = a.getByRole('button', { name: 'Talk to an operator' });
      await tappable(en, offer, '"Talk to an operator"');
      const sw = await en.evaluate(() => document.documentElement.scrollWidth);
      assert(sw <= 391, `the chat is ${sw} px wide on a 390 px phone`);
      await en.screenshot({ path: path.join(SHOTS, 'chat-feedback-390.png') });
      await offer.click();
      await en.waitForFunction(() => document.getElementById('banner').dataset.state === 'queued');
    }],
  ]);

  const op = await browser({ width: 1280, height: 800 });
  await scenario('an operator is refused the dashboard', [
    ['the API answers 403 and the page says who may see it', async () => {
      await signIn(op, OPERATOR);
      assert(await op.locator('#dashboard-link').isHidden(), 'the console offers an operator the dashboard');
      const r = await op.request.get(`${BASE}/api/operator/dashboard`);
      assert(r.status() === 403, `the API answered ${r.status()}`);
      for (const q of ['format=csv', 'part=live']) {
        const c = await op.request.get(`${BASE}/api/operator/dashboard?${q}`);
        assert(c.status() === 403, `?${q} answered ${c.status()}`);
      }
      await op.goto(`${BASE}/operator/dashboard`, { waitUntil: 'domcontentloaded' });
      await op.locator('#notice', { hasText: 'только старшим операторам и администраторам' }).waitFor();
      assert(await op.locator('#content').isHidden(), 'figures shown to an operator');
    }],
  ]);

  const boss = await browser({ width: 1280, height: 800 });
  await scenario('the senior\'s dashboard, 1280x800', [
    ['figures match what the citizens did', async () => {
      await signIn(boss, SENIOR);
      // The console leads a senior to the dashboard.
      await boss.locator('#dashboard-link').click();
      await boss.waitForURL(/\/operator\/dashboard$/);
      await boss.waitForFunction(() => !!document.body.dataset.loaded);
      const got = {
        messages: Number(await text(boss, '#t-messages')),
        handoffs: Number(await text(boss, '#t-handoffs')),
        queued: Number(await text(boss, '#live-queued')),
      };
      for (const k of ['messages', 'handoffs', 'queued']) {
        assert(got[k] === EXPECT[k], `${k}: ${got[k]} shown, ${EXPECT[k]} done`);
      }
      assert((await text(boss, '#t-handoff-rate')).startsWith('40,0 %'), `handoff rate ${await text(boss, '#t-handoff-rate')}`);
    }],
    ['the unhelpful articles add up to the votes', async () => {
      const rows = await boss.$$eval('#articles tbody tr', (trs) => trs.map((tr) => Array.from(tr.cells).map((c) => c.textContent)));
      const no = rows.reduce((a, r) => a + Number(r[1]), 0);
      const yes = rows.reduce((a, r) => a + Number(r[2]), 0);
      assert(no === EXPECT.no && yes === EXPECT.yes, `«Нет» ${no}, «Да» ${yes}`);
      assert(rows.some((r) => /загран/i.test(r[0]) && r[1] === '1'), `no passport article with one «Нет»: ${JSON.stringify(rows)}`);
    }],
    ['live: both queues, both operators signed in', async () => {
      const q = await boss.$$eval('#queues tbody tr', (trs) => Object.fromEntries(trs.map((tr) => [tr.dataset.queue, tr.cells[1].textContent])));
      assert(q.general === '1' && q.english === '1', `queues ${JSON.stringify(q)}`);
      const ops = await boss.$$eval('#operators tbody tr', (trs) => trs.map((tr) => tr.dataset.operator));
      assert(ops.includes(SENIOR) && ops.includes(OPERATOR), `operators ${ops}`);
      // What the page polls every 15 seconds says the same.
      const r = await boss.request.get(`${BASE}/api/operator/dashboard?part=live`);
      const live = (await r.json()).live;
      assert(r.status() === 200 && live.queues.reduce((a, x) => a + x.length, 0) === EXPECT.queued,
        `part=live: ${r.status()} ${JSON.stringify(live)}`);
    }],
    ['charts are drawn: messages per hour, decisions with two handoffs', async () => {
      assert(await boss.locator('#c-hours svg rect.bar').count() >= 1, 'no columns');
      const dec = await boss.$$eval('#c-decisions details tr', (trs) => Object.fromEntries(trs.map((tr) => [tr.cells[0].textContent, tr.cells[1]?.textContent])));
      assert(dec['Передано оператору'] === '2', `decisions ${JSON.stringify(dec)}`);
      assert(await boss.locator('#c-cats svg').count() === 1, 'no categories chart');
      await boss.screenshot({ path: path.join(SHOTS, 'dashboard-1280.png'), fullPage: true });
    }],
    ['"7 дней" shows the week, with today\'s figures in it', async () => {
      await boss.getByRole('button', { name: '7 дней' }).click();
      await boss.waitForURL(/from=\d{4}-\d{2}-\d{2}&to=/);
      await boss.locator('#period-text', { hasText: '—' }).waitFor();
      await boss.waitForFunction((n) => document.getElementById('t-messages').textContent === String(n), EXPECT.messages);
      const from = await boss.locator('#from').inputValue();
      const to = await boss.locator('#to').inputValue();
      const days = (Date.parse(to) - Date.parse(from)) / 86400000 + 1;
      assert(days === 7, `the period is ${days} days (${from}..${to})`);
    }],
    ['the CSV export carries the same figures', async () => {
      const href = await boss.locator('#csv').getAttribute('href');
      const r = await boss.request.get(`${BASE}${href}`);
      assert(r.status() === 200, `CSV answered ${r.status()}`);
      assert(/^text\/csv/.test(r.headers()['content-type']), `type ${r.headers()['content-type']}`);
      assert(/attachment/.test(r.headers()['content-disposition'] || ''), 'not a download');
      const body = await r.text();
      assert(body.includes(`total,messages,,${EXPECT.messages}\r\n`), 'messages not in the CSV');
      assert(body.includes(`total,handoffs,,${EXPECT.handoffs}\r\n`), 'handoffs not in the CSV');
      assert(!body.includes(PHONE), 'the citizen\'s phone is in the CSV');
    }],
  ]);

  const enDesk = await browser({ width: 1280, height: 800 });
  await scenario('the senior\'s dashboard in English, 1280x800', [
    ['the EN button turns the dashboard English, the figures the same', async () => {
      await signIn(enDesk, SENIOR);
      await openDashboard(enDesk);
      await enDesk.locator('#console-lang', { hasText: 'EN' }).click();
      await enDesk.waitForFunction(() => document.documentElement.lang === 'en' && !!document.body.dataset.loaded);
      await enDesk.locator('.top h1', { hasText: 'Shift supervisor\'s dashboard' }).waitFor();
      assert(Number(await text(enDesk, '#t-messages')) === EXPECT.messages, 'messages differ in English');
      assert((await text(enDesk, '#t-handoff-rate')).startsWith('40.0 %'), `handoff rate ${await text(enDesk, '#t-handoff-rate')}`);
      const dec = await enDesk.$$eval('#c-decisions details tr', (trs) => Object.fromEntries(trs.map((tr) => [tr.cells[0].textContent, tr.cells[1]?.textContent])));
      assert(dec['Handed to an operator'] === '2', `decisions ${JSON.stringify(dec)}`);
      const q = await enDesk.$$eval('#queues tbody tr', (trs) => trs.map((tr) => tr.cells[0].textContent));
      assert(q.includes('General') && q.includes('English'), `queues ${q}`);
    }],
    ['no Russian is left in the dashboard\'s own words', async () => {
      const left = await russianLeft(enDesk);
      assert(left.length === 0, `still Russian: ${left.join(' | ')}`);
      assert(await enDesk.locator('#console-lang').textContent() === 'RU', 'no way back to Russian');
      await enDesk.screenshot({ path: path.join(SHOTS, 'dashboard-en-1280.png'), fullPage: true });
    }],
    ['the console keeps the same choice', async () => {
      await enDesk.locator('#console-link').click();
      await enDesk.waitForURL(/\/operator$/);
      await enDesk.locator('#logout', { hasText: 'Sign out' }).waitFor();
      assert(await enDesk.evaluate(() => document.documentElement.lang) === 'en', 'the console is not English');
    }],
  ]);

  const enPhone = await browser({ width: 390, height: 844 });
  await scenario('the senior\'s dashboard in English, 390 px wide', [
    ['English chosen in the console is the dashboard\'s, and it fits a phone', async () => {
      await signIn(enPhone, SENIOR);
      await enPhone.locator('#console-lang').click();
      await enPhone.waitForFunction(() => document.documentElement.lang === 'en');
      await openDashboard(enPhone);
      await enPhone.locator('.top h1', { hasText: 'Shift supervisor\'s dashboard' }).waitFor();
      assert(Number(await text(enPhone, '#t-messages')) === EXPECT.messages, 'messages differ on the phone');
      const left = await russianLeft(enPhone);
      assert(left.length === 0, `still Russian: ${left.join(' | ')}`);
      const sw = await enPhone.evaluate(() => document.documentElement.scrollWidth);
      assert(sw <= 391, `the dashboard is ${sw} px wide on a 390 px phone`);
      await tappable(enPhone, enPhone.locator('#console-lang'), 'the RU button');
      await enPhone.screenshot({ path: path.join(SHOTS, 'dashboard-en-390.png'), fullPage: true });
    }],
  ]);

  const phone = await browser({ width: 390, height: 844 });
  await scenario('the senior\'s dashboard, 390 px wide', [
    ['the figures fit a phone', async () => {
      await signIn(phone, SENIOR);
      await openDashboard(phone);
      assert(Number(await text(phone, '#t-messages')) === EXPECT.messages, 'messages differ on the phone');
      const sw = await phone.evaluate(() => document.documentElement.scrollWidth);
      assert(sw <= 391, `the dashboard is ${sw} px wide on a 390 px phone`);
      await phone.screenshot({ path: path.join(SHOTS, 'dashboard-390.png'), fullPage: true });
    }],
    ['no page errors and nothing refused by the CSP', async () => {
      assert(problems.length === 0, problems.join('; '));
    }],
  ]);
}

try {
  if (!BASE || !PASSWORD) report(false, 'HOTLINE_URL and HOTLINE_PASSWORD are set');
  else await main();
} catch (e) {
  report(false, 'the browser tests ran', e?.message || e);
}
for (const c of contexts) await c.close().catch(() => {});
for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
