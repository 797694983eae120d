// Browser tests of the operators' workspace (www/workspace.js) with two
// operators and two citizens in Debian's chromium, driven by playwright-core:
// operator A on a desktop (1280x800), operator B on a phone (390x844), a
// citizen chatting in Russian and one in English.
//
//   HOTLINE_URL=... HOTLINE_A_NAME=tester HOTLINE_A_PASSWORD=... \
//   HOTLINE_B_NAME=boris HOTLINE_B_PASSWORD=... node workspace.mjs
//
// A must be an admin (writes canned responses), B an operator.  Prints
// "ok - …" / "not ok - …" per check and "N passed, M failed".  Screenshots
// of the console go to HOTLINE_SCREENS (default: out/ beside this file).

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = process.env.HOTLINE_SCREENS || path.join(here, 'out');
const BASE = (process.env.HOTLINE_URL || '').replace(/\/+$/, '');
const A = { name: process.env.HOTLINE_A_NAME, password: process.env.HOTLINE_A_PASSWORD,
  display: process.env.HOTLINE_A_DISPLAY || '' };
const B = { name: process.env.HOTLINE_B_NAME, password: process.env.HOTLINE_B_PASSWORD };
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT = Number(process.env.HOTLINE_BROWSER_WAIT_MS || 15000);
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const REQUEST_NUMBER = /\d{4}-\d{6,}/;

let passed = 0;
let failed = 0;
function report(ok, name, why) {
  if (ok) { passed += 1; console.log(`ok - ${name}`); }
  else { failed += 1; console.log(`not ok - ${name}${why ? ` # ${String(why).split('\n')[0]}` : ''}`); }
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

// Desktop notifications and the sound, as the page made them: the
// Notification API and AudioContext are replaced by recorders before the
// page runs (a headless browser shows neither).
function recorders() {
  window.__alerts = [];
  window.__beeps = 0;
  let permission = 'default';
  class FakeNotification {
    constructor(title, opts) { window.__alerts.push({ title, body: opts?.body || '' }); }
    close() {}
    static get permission() { return permission; }
    static async requestPermission() { permission = 'granted'; return permission; }
  }
  window.Notification = FakeNotification;
  class FakeAudio {
    constructor() { this.currentTime = 0; this.destination = {}; }
    createOscillator() { return { frequency: {}, connect: (g) => g, start: () => { window.__beeps += 1; }, stop() {} }; }
    createGain() { return { gain: {}, connect: (d) => d }; }
  }
  window.AudioContext = FakeAudio;
}

async function browser(viewport) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-ws-'));
  tmpDirs.push(dir);
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM, args: ARGS, headless: true, viewport,
    locale: 'ru-RU', timezoneId: 'Europe/Moscow', acceptDownloads: false,
  });
  contexts.push(ctx);
  ctx.setDefaultTimeout(WAIT);
  await ctx.addInitScript(recorders);
  const page = ctx.pages()[0] || await ctx.newPage();
  page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss().catch(() => {}); });
  return page;
}

async function openChat(page, lang) {
  await page.goto(`${BASE}/`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => !!localStorage.getItem('hotline.token'));
  if (lang === 'en' && await page.evaluate(() => document.documentElement.lang) !== 'en') {
    await page.locator('#lang').click();
  }
  await page.locator('#text').waitFor({ state: 'visible' });
}

async function say(page, text) {
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
  await page.locator('#messages > li.msg-citizen', { hasText: text }).last().waitFor();
}

// Writes and asks for a person; returns the request number.
async function handoff(page, text) {
  await say(page, text);
  // The bot may have handed it over already (the button is then off).
  await page.waitForFunction(() => document.getElementById('form').getAttribute('aria-busy') !== 'true');
  const queued = () => ['queued', 'operator'].includes(document.getElementById('banner').dataset.state);
  if (!(await page.waitForFunction(queued, null, { timeout: 1500 }).then(() => true, () => false))) {
    await page.locator('#operator').click();
  }
  const h = await page.waitForFunction((re) => {
    const m = new RegExp(re).exec(`${document.getElementById('banner').textContent} ${document.getElementById('messages').textContent}`);
    return m ? m[0] : null;
  }, REQUEST_NUMBER.source);
  return h.jsonValue();
}

async function signIn(page, who) {
  await page.goto(`${BASE}/operator`, { waitUntil: 'domcontentloaded' });
  await page.locator('#login-name').fill(who.name);
  await page.locator('#login-password').fill(who.password);
  await page.locator('#login-password').press('Enter');
  await page.locator('#app').waitFor({ state: 'visible' });
}

const item = (page, number) => page.locator('.q-item', { has: page.locator('.q-num', { hasText: number }) });

async function view(page, name) {
  await page.locator(`#view-${name}`).click();
  await page.waitForFunction((n) => document.getElementById(`view-${n}`).getAttribute('aria-selected') === 'true', name);
}

async function open(page, number) {
  await item(page, number).first().click();
  await page.locator('#d-title', { hasText: number }).waitFor();
}

async function count(page, name) {
  const t = await page.locator(`#view-${name} .view-count`).textContent();
  return Number((/\((\d+)\)/.exec(t) || [])[1]);
}

async function shot(page, file, fullPage = false) {
  await page.screenshot({ path: path.join(OUT, file), fullPage });
}

async function main() {
  if (!BASE || !A.password || !B.password) { report(false, 'HOTLINE_URL and the passwords are set'); return; }
  fs.mkdirSync(OUT, { recursive: true });
  const tag = Date.now().toString(36);
  const ru = await browser({ width: 390, height: 844 });
  const en = await browser({ width: 390, height: 844 });
  const a = await browser({ width: 1280, height: 800 });
  const b = await browser({ width: 390, height: 844 });
  let n1 = null;
  let n2 = null;
  let holder = null;
  let other = null;
  let holderName = null;
  let otherName = null;

  await scenario('1 views and unread marks', [
    ['a Russian-speaking citizen asks for a person, giving a phone', async () => {
      await openChat(ru, 'ru');
      n1 = await handoff(ru, `Проверка ${tag}: не могу войти, мой телефон +7 916 555-12-34`);
    }],
    ['operator A signs in on a desktop, allows notifications and turns the sound on', async () => {
      await signIn(a, A);
      await a.locator('#notify').click();
      await a.locator('#notify', { hasText: 'Уведомления включены' }).waitFor();
      await a.locator('#sound').check();
    }],
    ['the Unassigned view lists the item with a count, the last message masked and an unread mark', async () => {
      await view(a, 'unassigned');
      const it = item(a, n1);
      await it.waitFor();
      assert(await count(a, 'unassigned') >= 1, 'no count on the Unassigned view');
      const last = await it.locator('.q-last').textContent();
      assert(last.includes(`Проверка ${tag}`), `no last message: "${last}"`);
      assert(!/555.?12.?34/.test(last) && /\*/.test(last), `the phone is not masked: "${last}"`);
      await it.locator('.badge-unread').waitFor();
      await shot(a, 'console-unassigned-1280.png');
    }],
    ['operator B signs in on a phone and sees it unread too', async () => {
      await signIn(b, B);
      await view(b, 'all');
      await item(b, n1).locator('.badge-unread').waitFor();
    }],
    ['a citizen writing in English makes a new item; A is notified with a sound', async () => {
      await openChat(en, 'en');
      n2 = await handoff(en, `Test ${tag}: I cannot sign in`);
      await a.waitForFunction((n) => window.__alerts.some((x) => x.title.includes(n)), n2);
      assert(await a.evaluate(() => window.__beeps) > 0, 'no sound');
    }],
    ['opening an item clears its unread mark, for this operator only', async () => {
      await open(b, n1);
      await b.waitForFunction((n) => {
        const it = [...document.querySelectorAll('.q-item')].find((x) => x.textContent.includes(n));
        return it && !it.querySelector('.badge-unread');
      }, n1);
      assert(await item(a, n1).locator('.badge-unread').count() === 1, 'A lost the unread mark B cleared');
    }],
    ['a new citizen message marks it unread again for B once B looks elsewhere; A hears of it', async () => {
      await open(b, n2);
      const before = await a.evaluate(() => window.__alerts.length);
      await say(ru, `Ещё вопрос ${tag}`);
      await item(b, n1).locator('.badge-unread').waitFor();
      await item(b, n1).locator('.q-last', { hasText: `Ещё вопрос ${tag}` }).waitFor();
      await a.waitForFunction((k) => window.__alerts.length > k, before);
    }],
  ]);

  await scenario('2 conflicting takes', [
    ['both operators open the same item and press "Взять" at once: one gets it', async () => {
      await view(a, 'all');
      await open(a, n1);
      await open(b, n1);
      await Promise.all([a.locator('#take').click(), b.locator('#take').click()]);
      await Promise.all([a, b].map((p) => p.locator('#action-status.is-ok, #action-status.is-error').waitFor()));
      const ok = [];
      for (const p of [a, b]) ok.push(await p.locator('#action-status').getAttribute('class'));
      assert(ok.filter((c) => c.includes('is-ok')).length === 1, `both or neither got it: ${ok.join(', ')}`);
      [holder, other, holderName, otherName] = ok[0].includes('is-ok') ? [a, b, A.name, B.name] : [b, a, B.name, A.name];
    }],
    ['the other is told who took it', async () => {
      const msg = await other.locator('#action-status').textContent();
      assert(msg.includes(holderName), `"${msg}" does not name ${holderName}`);
    }],
  ]);

  await scenario('3 notes and assignment', [
    ['the holder writes a note; the citizen never sees it', async () => {
      await holder.locator('#note-text').fill(`Заметка ${tag}: гражданин звонил вчера`);
      await holder.locator('#note-add').click();
      await holder.locator('#notes .note', { hasText: `Заметка ${tag}` }).waitFor();
      await ru.reload({ waitUntil: 'domcontentloaded' });
      await ru.locator('#messages > li.msg').first().waitFor();
      assert(!(await ru.locator('#messages').textContent()).includes(`Заметка ${tag}`), 'the citizen sees the note');
    }],
    ['the holder assigns the item to the colleague with a note', async () => {
      await holder.locator('#assign-open').click();
      await holder.locator('#assign-to').selectOption(otherName);
      await holder.locator('#assign-note').fill(`Передаю ${tag}: нужен старший`);
      await holder.locator('#assign').click();
      await holder.locator('#action-status.is-ok', { hasText: otherName }).waitFor();
    }],
    ['the colleague finds it in Mine, with both notes, and may answer', async () => {
      await view(other, 'mine');
      await item(other, n1).waitFor();
      assert(await count(other, 'mine') === 1, 'Mine does not count it');
      await open(other, n1);
      await other.locator('#notes .note-assign', { hasText: `Передаю ${tag}` }).waitFor();
      await other.locator('#notes .note', { hasText: `Заметка ${tag}` }).waitFor();
      assert(!(await other.locator('#reply').isDisabled()), 'the reply box is disabled for the new holder');
      holder = other;
      holderName = otherName;
    }],
    ['the citizen is told a colleague joined, and still sees no note', async () => {
      // Once for the take, once more for the colleague.
      await ru.waitForFunction(() => [...document.querySelectorAll('#messages > li.msg-system')]
        .filter((li) => li.textContent.includes('подключился')).length >= 2);
      assert(!(await ru.locator('#messages').textContent()).includes(`Передаю ${tag}`), 'the citizen sees the assignment note');
    }],
  ]);

  await scenario('4 typing both ways', [
    ['the citizen sees "Оператор печатает…" while the operator types', async () => {
      await holder.locator('#reply').fill('');
      await holder.locator('#reply').pressSequentially('Сейчас проверю', { delay: 30 });
      await ru.locator('#op-typing', { hasText: 'Оператор печатает…' }).waitFor({ state: 'visible' });
      await shot(ru, 'chat-operator-typing-390.png');
    }],
    ['the operator sees "Гражданин печатает…" while the citizen types', async () => {
      // Slowly, as people type: the page signals every 3 s, and the
      // server keeps one signal per 2 s (the first may fall within 2 s of
      // the citizen's last one).
      await ru.locator('#text').pressSequentially('печатаю ответ', { delay: 300 });
      await holder.locator('#cit-typing').waitFor({ state: 'visible' });
    }],
    ['the sign goes when the message comes', async () => {
      await ru.locator('#text').press('Enter');
      await holder.locator('#transcript li.t-citizen', { hasText: 'печатаю ответ' }).waitFor();
      await holder.locator('#cit-typing').waitFor({ state: 'hidden' });
    }],
    ['the English-speaking citizen sees "The operator is typing…"', async () => {
      await view(a, 'all');
      await open(a, n2);
      await a.locator('#take').click();
      await a.locator('#action-status.is-ok').waitFor();
      await a.locator('#reply').pressSequentially('One moment', { delay: 30 });
      await en.locator('#op-typing', { hasText: 'The operator is typing…' }).waitFor({ state: 'visible' });
      await shot(en, 'chat-operator-typing-en-390.png');
    }],
  ]);

  await scenario('5 canned responses', [
    ['an admin writes a canned response with placeholders', async () => {
      await a.locator('#canned-edit summary').click();
      await a.locator('#canned-title-in').fill(`Номер ${tag}`);
      await a.locator('#canned-text').fill('Ваше обращение зарегистрировано под номером {request_number}. С уважением, {name}.');
      await a.locator('#canned-save').click();
      await a.locator('#canned .canned-name', { hasText: `Номер ${tag}` }).waitFor();
    }],
    ['an operator sees it after reloading, without the editor', async () => {
      await b.reload({ waitUntil: 'domcontentloaded' });
      await b.locator('#app').waitFor({ state: 'visible' });
      await view(b, 'all');
      await open(b, n1);
      await b.locator('#canned .canned-name', { hasText: `Номер ${tag}` }).waitFor();
      assert(await b.locator('#canned-edit').isHidden(), 'an operator sees the editor');
      assert(await b.locator('.canned-change').count() === 0, 'an operator sees "Изменить"');
    }],
    ['inserted into a reply, it carries the request number and the name citizens see', async () => {
      const p = holder === b ? b : a;
      if (p === b) { await view(b, 'mine'); await open(b, n1); }
      else { await open(a, n1); }
      await p.locator('#reply').fill('');
      await p.locator('#canned .canned-use', { hasText: `Номер ${tag}` }).click();
      const v = await p.locator('#reply').inputValue();
      assert(v.includes(n1), `no request number in "${v}"`);
      assert(!v.includes('{'), `a placeholder is left in "${v}"`);
      await p.locator('#reply-send').click();
      await ru.locator('#messages > li.msg-operator', { hasText: n1 }).last().waitFor();
    }],
  ]);

  await scenario('6 closed: rating and search', [
    ['the holder closes; the citizen rates 4 with a comment', async () => {
      await holder.locator('#resolution').fill('Вход восстановлен');
      await holder.locator('#close').click();
      await holder.locator('#action-status.is-ok').filter({ hasText: /закрыт/i }).waitFor();
      await ru.locator('#rating').waitFor({ state: 'visible' });
      await ru.locator('label[for="score-4"]').click();
      await ru.locator('#comment').fill(`Спасибо ${tag}`);
      await ru.locator('#rate-send').click();
      await ru.locator('#thanks').waitFor({ state: 'visible' });
    }],
    ['the Closed view lists it with the rating and the comment', async () => {
      await view(a, 'closed');
      const it = item(a, n1);
      await it.waitFor();
      const r = await it.locator('.q-rating').textContent();
      assert(r.includes('4 из 5') && r.includes(`Спасибо ${tag}`), `rating line: "${r}"`);
      assert(await count(a, 'closed') >= 1, 'no count on Closed');
      await it.click();
      const f = await a.locator('#d-facts .fact-rating').textContent();
      assert(f.includes('4 из 5') && f.includes(`Спасибо ${tag}`), `the open item's facts: "${f}"`);
    }],
    ['found by request number', async () => {
      await a.locator('#s-number').fill(n1);
      await a.locator('#s-go').click();
      await a.locator('#s-status', { hasText: 'Найдено: 1' }).waitFor();
      await item(a, n1).waitFor();
      await a.locator('#s-number').fill('');
    }],
    ['found by the phone the citizen gave, the number masked in the result', async () => {
      await a.locator('#s-entity').fill('8 (916) 555 12 34');
      await a.locator('#s-go').click();
      await a.locator('#s-status', { hasText: 'Найдено: 1' }).waitFor();
      const t = await item(a, n1).textContent();
      assert(!/555.?12.?34/.test(t), `a whole phone number in the result: "${t}"`);
      await shot(a, 'console-closed-search-1280.png');
      await a.locator('#s-entity').fill('');
    }],
    ['found by words, in any case, and not outside its dates', async () => {
      await a.locator('#s-text').fill(`ЕЩЁ ВОПРОС ${tag}`);
      await a.locator('#s-go').click();
      await a.locator('#s-status', { hasText: 'Найдено: 1' }).waitFor();
      await a.locator('#s-from').fill('2020-01-01');
      await a.locator('#s-to').fill('2020-01-02');
      await a.locator('#s-go').click();
      await a.locator('#s-status', { hasText: 'Ничего не найдено' }).waitFor();
      await a.locator('#s-from').fill('');
      await a.locator('#s-to').fill('');
      await a.locator('#s-text').fill('');
    }],
    ['the phone layout has no sideways scroll and shows the views', async () => {
      await view(b, 'closed');
      await item(b, n1).waitFor();
      const w = await b.evaluate(() => document.documentElement.scrollWidth);
      assert(w <= 392, `the page scrolls sideways: ${w} px`);
      await shot(b, 'console-closed-390.png', true);
    }],
  ]);

  await scenario('7 screenshots', [
    ['the console at 1280x800 with an open item keeps a tall transcript', async () => {
      await view(a, 'mine');
      await open(a, n2);
      const h = await a.evaluate(() => document.getElementById('transcript').getBoundingClientRect().height);
      await shot(a, 'console-1280.png');
      assert(h >= 300, `transcript ${Math.round(h)} px`);
    }],
    ['the console at 390 px wide', async () => {
      await view(b, 'all');
      await shot(b, 'console-390.png', true);
    }],
  ]);

  await scenario('8 the console in English', [
    ['"EN" in the header turns the console to English and it stays so', async () => {
      await a.locator('#console-lang').click();
      await a.locator('#app').waitFor({ state: 'visible' });
      await a.locator('#view-mine', { hasText: 'Mine' }).waitFor();
      assert(await a.evaluate(() => document.documentElement.lang) === 'en', 'the page is not marked en');
      for (const [sel, text] of [['#view-unassigned', 'Unassigned'], ['#view-closed', 'Closed'],
        ['#notes-title', 'Notes'], ['#canned-title', 'Canned responses'], ['#kb-title', 'Knowledge base']]) {
        const t = await a.locator(sel).textContent();
        assert(t.includes(text), `${sel} says "${t}"`);
      }
      await a.reload({ waitUntil: 'domcontentloaded' });
      await a.locator('#view-all', { hasText: 'All' }).waitFor();
    }],
    ['an open item, its facts, notes and assignment read in English', async () => {
      await view(a, 'all');
      await open(a, n2);
      const facts = await a.locator('#d-facts').textContent();
      assert(/State/.test(facts) && /Deadline \(SLA\)/.test(facts), `facts: "${facts}"`);
      const labels = await a.evaluate(() => [...document.querySelectorAll('.actions button, .actions summary, .actions label')]
        .map((x) => x.textContent).join(' | '));
      assert(!/[а-яё]/i.test(labels), `Russian left in the actions: ${labels}`);
      await a.locator('#note-text').fill(`Note ${tag}`);
      await a.locator('#note-add').click();
      await a.locator('#action-status', { hasText: 'Note saved' }).waitFor();
      await shot(a, 'console-1280-en.png');
    }],
    ['the phone console in English', async () => {
      await b.locator('#console-lang').click();
      await b.locator('#view-all', { hasText: 'All' }).waitFor();
      await view(b, 'unassigned');
      await b.locator('#queue-empty', { hasText: 'No free requests.' }).waitFor();
      await shot(b, 'console-390-en.png', true);
      await b.locator('#console-lang').click();
      await b.locator('#view-all', { hasText: 'Все' }).waitFor();
    }],
  ]);

  await scenario('9 health', [
    ['no page errors, dialogs or Content-Security-Policy violations', async () => {
      assert(problems.length === 0, problems.join('; '));
    }],
  ]);
}

const guard = setTimeout(() => { report(false, 'the workspace tests finish within 5 minutes', 'timed out'); finish(1); }, 5 * 60 * 1000);

async function finish(code) {
  clearTimeout(guard);
  for (const c of contexts) await c.close().catch(() => {});
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code || (failed ? 1 : 0));
}

main().then(() => finish(0), (e) => { report(false, 'the workspace tests run', e?.stack || e); finish(1); });
