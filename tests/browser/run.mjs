// Browser tests of the citizen chat (/) and the operators' console
// (/operator) in Debian's chromium, driven by playwright-core.
//
//   HOTLINE_URL=http://127.0.0.1:8080 HOTLINE_ADMIN_PASSWORD=... node run.mjs
//
// HOTLINE_ADMIN_NAME (default "admin") names the operator account to sign in
// with.  Prints "ok - …" / "not ok - …" per check and "N passed, M failed";
// exits 1 on any failure.  Screenshots go to out/ beside this file.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(here, 'out');
const BASE = (process.env.HOTLINE_URL || '').replace(/\/+$/, '');
const ADMIN = process.env.HOTLINE_ADMIN_NAME || 'admin';
const PASSWORD = process.env.HOTLINE_ADMIN_PASSWORD || '';
// The name citizens see for that account (operator add --display-name).
const DISPLAY = process.env.HOTLINE_ADMIN_DISPLAY || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT = Number(process.env.HOTLINE_BROWSER_WAIT_MS || 15000);
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const REQUEST_NUMBER = /\d{4}-\d{6,}/;
const XSS = '<script>alert(1)</script>';

let passed = 0;
let failed = 0;
function report(ok, name, why) {
  if (ok) { passed += 1; console.log(`ok - ${name}`); }
  else { failed += 1; console.log(`not ok - ${name}${why ? ` # ${String(why).split('\n')[0]}` : ''}`); }
}

// A scenario is a list of steps; after a failed step the rest are reported
// as failed too (they depend on it) without running.
async function scenario(title, steps) {
  let broken = null;
  for (const [name, fn] of steps) {
    const label = `${title}: ${name}`;
    if (broken) { report(false, label, `skipped: "${broken}" failed`); continue; }
    try {
      await fn();
      report(true, label);
    } catch (e) {
      report(false, label, e?.message || e);
      broken = name;
    }
  }
}

function assert(cond, msg) { if (!cond) throw new Error(msg); }

// ------------------------------------------------------------ browsers

const tmpDirs = [];
const contexts = [];
const watch = { dialogs: [], problems: [] };

async function browser(viewport) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-chromium-'));
  tmpDirs.push(dir);
  // launchPersistentContext passes --user-data-dir=dir: a fresh profile each time.
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport,
    locale: 'ru-RU',
    timezoneId: 'Europe/Moscow',
    acceptDownloads: false,
  });
  contexts.push(ctx);
  ctx.setDefaultTimeout(WAIT);
  ctx.on('page', (p) => watchPage(p));
  for (const p of ctx.pages()) watchPage(p);
  return ctx;
}

function watchPage(page) {
  if (page.__watched) return;
  page.__watched = true;
  page.on('dialog', async (d) => {
    watch.dialogs.push(`${d.type()}: ${d.message()} on ${page.url()}`);
    await d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => watch.problems.push(`page error on ${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(m.text())) {
      watch.problems.push(`CSP on ${page.url()}: ${m.text()}`);
    }
  });
}

async function pageOf(ctx) {
  const existing = ctx.pages().find((p) => p.url() === 'about:blank');
  const page = existing || await ctx.newPage();
  watchPage(page);
  return page;
}

// ------------------------------------------------------------ citizen helpers

async function openChat(page) {
  await page.goto(`${BASE}/`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => !!localStorage.getItem('hotline.token'));
  await page.locator('#text').waitFor({ state: 'visible' });
}

async function messageCount(page) {
  return page.locator('#messages > li.msg').count();
}

async function ask(page, text) {
  const before = await messageCount(page);
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter'); // Enter sends
  await page.waitForFunction((n) => document.querySelectorAll('#messages > li.msg').length > n, before);
  // Wait until the answer (anything that is not the citizen's own message) is there.
  await page.waitForFunction((n) => {
    const list = Array.from(document.querySelectorAll('#messages > li.msg')).slice(n);
    return list.some((li) => !li.classList.contains('msg-citizen'));
  }, before);
  return before;
}

async function say(page, text) {
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
  await page.locator('#messages > li.msg-citizen', { hasText: text }).last().waitFor();
  await page.waitForFunction(() => document.getElementById('text').value === '');
}

async function transcriptOf(page) {
  return page.$$eval('#messages > li.msg', (lis) => lis.map((li) => ({
    id: li.dataset.id, cls: li.className, text: li.textContent.replace(/\s+/g, ' ').trim(),
  })));
}

function minimalPdf() {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let out = '%PDF-1.4\n';
  const offs = [];
  objs.forEach((o, i) => { offs.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const o of offs) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// ------------------------------------------------------------ operator helpers

async function signIn(page) {
  await page.goto(`${BASE}/operator`, { waitUntil: 'domcontentloaded' });
  await page.locator('#login-name').waitFor({ state: 'visible' });
  await page.locator('#login-name').fill(ADMIN);
  await page.locator('#login-password').fill(PASSWORD);
  await page.locator('#login-password').press('Enter');
  await page.locator('#app').waitFor({ state: 'visible' });
}

// Open the queue item of this citizen: by request number when the chat
// showed one, else the one whose transcript holds the marker text.
async function openItemFor(page, number, marker) {
  if (number) {
    const item = page.locator('.q-item', { has: page.locator('.q-num', { hasText: number }) });
    await item.first().waitFor({ state: 'visible' });
    await item.first().click();
    await page.locator('#transcript li').first().waitFor();
    return;
  }
  const deadline = Date.now() + WAIT;
  while (Date.now() < deadline) {
    const n = await page.locator('.q-item').count();
    for (let i = 0; i < n; i += 1) {
      await page.locator('.q-item').nth(i).click();
      await page.locator('#transcript li').first().waitFor().catch(() => {});
      if ((await page.locator('#transcript').textContent()).includes(marker)) return;
    }
    await page.waitForTimeout(500);
  }
  throw new Error('no queue item holds the citizen\'s conversation');
}

// ------------------------------------------------------------ scenarios

async function main() {
  if (!BASE) { report(false, 'HOTLINE_URL is set', 'HOTLINE_URL is empty'); return; }
  if (!PASSWORD) { report(false, 'HOTLINE_ADMIN_PASSWORD is set', 'HOTLINE_ADMIN_PASSWORD is empty'); return; }
  fs.mkdirSync(OUT, { recursive: true });

  const citizenA = await browser({ width: 390, height: 844 });
  let complaintNumber = null;
  let chosenLabel = null;
  const chat = await pageOf(citizenA);

  // (1) a question gets an answer; a complaint gets a request number.
  await scenario('1 answer', [
    ['the chat page opens and makes a session', async () => {
      await openChat(chat);
      assert(await chat.locator('#messages').getAttribute('aria-live') === 'polite', 'message list lacks aria-live=polite');
      assert(await chat.evaluate(() => document.documentElement.lang) === 'ru', 'page language is not ru');
    }],
    ['"не приходит смс с кодом" gets the bot\'s answer', async () => {
      const before = await ask(chat, 'не приходит смс с кодом');
      const answer = chat.locator('#messages > li.msg').nth(before + 1);
      await answer.waitFor();
      const cls = await answer.getAttribute('class');
      assert(/msg-(bot|system|operator)/.test(cls), `no answer after the question (got ${cls})`);
      const text = (await answer.textContent()).trim();
      assert(text.length > 20, `answer too short: "${text}"`);
      const mine = chat.locator('#messages > li.msg').nth(before);
      assert((await mine.textContent()).includes('не приходит смс с кодом'), 'the question is not shown');
    }],
    ['"хочу подать жалобу на оператора" shows a request number', async () => {
      await ask(chat, 'хочу подать жалобу на оператора');
      const num = await chat.waitForFunction((re) => {
        const rx = new RegExp(re);
        const nodes = document.querySelectorAll('.reqnum-value, #banner-request');
        for (const n of nodes) { const m = rx.exec(n.textContent); if (m && n.offsetParent) return m[0]; }
        return null;
      }, REQUEST_NUMBER.source);
      complaintNumber = await num.jsonValue();
      assert(REQUEST_NUMBER.test(complaintNumber), 'no request number');
    }],
    ['the English switch relabels the page and back', async () => {
      await chat.locator('#lang').click();
      assert(await chat.evaluate(() => document.documentElement.lang) === 'en', 'lang is not en');
      assert(await chat.locator('#text').getAttribute('placeholder') === 'Type your question…', 'message box not in English');
      assert((await chat.locator('h1').textContent()).includes('assistant'), 'title not in English');
      await chat.locator('#lang').click();
      assert(await chat.evaluate(() => document.documentElement.lang) === 'ru', 'lang is not back to ru');
      assert((await chat.locator('h1').textContent()).includes('Помощник'), 'title not back in Russian');
    }],
  ]);

  // (2) a question about one service gets that service's article, leading
  // with the part asked about; the whole article opens in place.
  await scenario('2 service article', [
    ['"какие документы нужны на загранпаспорт" leads with the documents', async () => {
      const before = await ask(chat, 'какие документы нужны на загранпаспорт нового образца');
      const answer = chat.locator('#messages > li.msg').nth(before + 1);
      await answer.waitFor();
      const text = await answer.textContent();
      assert(text.includes('Документы'), `no documents section: "${text.slice(0, 120)}"`);
      assert(text.includes('Загранпаспорт'), 'not the foreign passport article');
    }],
    ['"Вся статья об услуге" opens the whole article under the answer', async () => {
      const link = chat.locator('#messages a[href^="#article="]').last();
      await link.click();
      const box = chat.locator('#messages .article-full').last();
      await box.waitFor();
      const t = await box.textContent();
      assert(t.includes('Стоимость') && t.includes('Сроки'), `the whole article lacks its sections: "${t.slice(0, 120)}"`);
      assert(await box.evaluate((n) => n.querySelector('script') === null), 'a script in the article');
      await chat.screenshot({ path: path.join(OUT, 'chat-service-article.png') });
    }],
    ['two services that fit equally well are offered as buttons; a choice answers', async () => {
      const before = await ask(chat, 'налоговый вычет и налоговая задолженность');
      const q = chat.locator('#messages > li.msg').nth(before + 1);
      await q.locator('button.btn-choice').first().waitFor();
      const labels = await q.locator('button.btn-choice').allTextContents();
      assert(labels.length === 2, `expected two choices, got ${labels.length}`);
      const picked = labels.find((l) => /вычет/i.test(l));
      const n = await messageCount(chat);
      await q.locator('button.btn-choice', { hasText: /вычет/i }).first().click();
      await chat.waitForFunction((k) => document.querySelectorAll('#messages > li.msg').length > k, n);
      const last = (await chat.locator('#messages > li.msg').last().textContent());
      assert(/вычет/i.test(last), `the answer is not about the deduction: "${last.slice(0, 120)}"`);
      chosenLabel = picked;
    }],
    ['the chosen option shows as the citizen\'s own message and stays after a reload', async () => {
      const mine = chat.locator('#messages > li.msg-citizen', { hasText: chosenLabel });
      assert(await mine.count() === 1, `no citizen message "${chosenLabel}"`);
      await chat.reload({ waitUntil: 'domcontentloaded' });
      await chat.locator('#messages > li.msg-citizen', { hasText: chosenLabel }).first().waitFor();
    }],
    ['the answered question\'s buttons are disabled', async () => {
      const q = chat.locator('#messages > li.msg', { has: chat.locator('button.btn-choice') }).last();
      const states = await q.locator('button.btn-choice').evaluateAll((bs) => bs.map((b) => b.disabled));
      assert(states.length === 2 && states.every(Boolean), `buttons still active: ${states}`);
    }],
    ['the closing sentence of the question is not in its last list item', async () => {
      const q = chat.locator('#messages > li.msg', { has: chat.locator('button.btn-choice') }).last();
      const r = await q.locator('.body').evaluate((b) => {
        const lis = b.querySelectorAll('li');
        const last = lis.length ? lis[lis.length - 1].textContent : '';
        const inItem = (p) => { const li = p.closest('li'); return !!li && b.contains(li); };
        const outside = Array.from(b.querySelectorAll('p')).some((p) => !inItem(p) && /оператор/i.test(p.textContent));
        return { last, outside, items: lis.length, html: b.innerHTML.replace(/\s+/g, ' ') };
      });
      assert(!/оператор/i.test(r.last), `the last item holds the closing sentence: "${r.last}"`);
      assert(r.outside || r.items === 0, `no closing sentence outside the list: ${r.html}`);
    }],
  ]);

  // (3) an upload of a small valid PDF shows success (and bad files are refused client-side).
  await scenario('3 upload', [
    ['a small valid PDF is accepted', async () => {
      await chat.locator('#file').setInputFiles({ name: 'скан паспорта.pdf', mimeType: 'application/pdf', buffer: minimalPdf() });
      await chat.locator('.upload.upload-ok').waitFor();
      const t = await chat.locator('#upload-text').textContent();
      assert(t.includes('скан паспорта.pdf'), `success message without the name: "${t}"`);
      await chat.locator('#messages .attachment', { hasText: 'скан паспорта.pdf' }).first().waitFor();
    }],
    ['a small PNG is accepted', async () => {
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
      await chat.locator('#file').setInputFiles({ name: 'фото.png', mimeType: 'image/png', buffer: png });
      await chat.locator('#messages .attachment', { hasText: 'фото.png' }).first().waitFor();
    }],
    ['a text file is refused before upload', async () => {
      await chat.locator('#file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
      await chat.locator('.upload.upload-error').waitFor();
    }],
    ['a file over 10 MiB is refused before upload', async () => {
      await chat.locator('#file').setInputFiles({ name: 'big.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 0x25) });
      await chat.locator('.upload.upload-error', { hasText: /10/ }).waitFor();
    }],
    ['past the request\'s room for files a file is refused saying why, not as a network error', async () => {
      // upload_conversation_mib 30: three files of 9 MiB fit, the fourth is
      // refused by its head while the browser is still sending it.
      const pdf9 = () => Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(9 * 1024 * 1024, 0x78)]);
      for (const n of [1, 2, 3]) {
        await chat.locator('#file').setInputFiles({ name: `том ${n}.pdf`, mimeType: 'application/pdf', buffer: pdf9() });
        await chat.locator('.upload.upload-ok', { hasText: `том ${n}.pdf` }).waitFor({ timeout: 60000 });
      }
      await chat.locator('#file').setInputFiles({ name: 'том 4.pdf', mimeType: 'application/pdf', buffer: pdf9() });
      await chat.locator('.upload.upload-error').waitFor({ timeout: 60000 });
      const t = await chat.locator('#upload-text').textContent();
      assert(/объём/.test(t), `the refusal says why: "${t}"`);
    }],
  ]);

  // (4) reloading mid-conversation restores the messages.
  await scenario('4 reload', [
    ['reloading the page restores the conversation', async () => {
      const before = await transcriptOf(chat);
      assert(before.length >= 4, `too few messages before reload: ${before.length}`);
      await chat.reload({ waitUntil: 'domcontentloaded' });
      await chat.waitForFunction((n) => document.querySelectorAll('#messages > li.msg').length >= n, before.length);
      const after = await transcriptOf(chat);
      const ids = (l) => l.map((m) => m.id).join(',');
      assert(ids(after.slice(0, before.length)) === ids(before), `ids differ: ${ids(before)} vs ${ids(after)}`);
      assert(after.some((m) => m.text.includes('не приходит смс с кодом')), 'first question missing after reload');
      assert(await chat.locator('.reqnum-value, #banner-request').filter({ hasText: REQUEST_NUMBER }).count() > 0, 'request number missing after reload');
    }],
  ]);

  // (6a) the chat on a phone-sized screen.
  await scenario('6 screenshots', [
    ['chat page at 390x844', async () => {
      await chat.locator('#messages > li.msg').last().scrollIntoViewIfNeeded();
      await chat.screenshot({ path: path.join(OUT, 'chat.png') });
    }],
  ]);

  // (2) + (5): a person, live reply, close, rating; markup shown as text.
  const citizenB = await browser({ width: 390, height: 844 });
  const chatB = await pageOf(citizenB);
  const operatorCtx = await browser({ width: 1280, height: 800 });
  const console_ = await pageOf(operatorCtx);
  let number = null;
  const marker = `Проверка ${Date.now().toString(36)}`;
  const reply = `Здравствуйте! Проверяю <b>ваш</b> вопрос — ${marker}`;

  await scenario('2 operator', [
    ['the citizen writes and presses the "Оператор" button', async () => {
      await openChat(chatB);
      await ask(chatB, `${marker}: забыл пароль от госуслуг, как восстановить`);
      const typed = chatB.locator('#messages > li.msg-citizen').last();
      await typed.waitFor();
      await chatB.locator('#operator').click();
      await chatB.waitForFunction(() => {
        const b = document.getElementById('banner');
        return b && !b.hidden && (b.dataset.state === 'queued' || b.dataset.state === 'operator');
      });
      await chatB.evaluate(() => { window.__noReload = true; });
      const banner = await chatB.locator('#banner').textContent();
      const m = REQUEST_NUMBER.exec(banner) || REQUEST_NUMBER.exec(await chatB.locator('#messages').textContent());
      number = m ? m[0] : null;
    }],
    ['when the wait passes a minute, the banner gives the same estimate as the message', async () => {
      // The SLA clock tells a citizen who waited 60 s how long it will be.
      const told = chatB.locator('#messages > li.msg-system', { hasText: /около \d+ мин/ }).last();
      await told.waitFor({ timeout: 90000 });
      const n = /около (\d+) мин/.exec(await told.textContent())[1];
      await chatB.waitForFunction((k) => new RegExp(`около ${k} минут`).test(document.getElementById('banner').textContent), n)
        .catch(async () => { throw new Error(`message says ${n} min, banner "${await chatB.locator('#banner').textContent()}"`); });
    }],
    ['the citizen\'s markup is shown as text in the chat', async () => {
      await say(chatB, XSS); // while queued the bot stays silent: wait for our own message only
      const li = chatB.locator('#messages > li.msg-citizen', { hasText: XSS }).last();
      await li.waitFor();
      assert((await li.locator('.body').textContent()) === XSS, 'the text was altered');
      assert(await chatB.locator('#messages script').count() === 0, 'a script element was created');
    }],
    ['an operator signs in (second browser)', async () => {
      await signIn(console_);
      assert((await console_.locator('#me').textContent()).trim().length > 0, 'no operator name shown');
    }],
    ['the operator finds the item in the live queue and opens it', async () => {
      await openItemFor(console_, number, marker);
      await console_.locator('#transcript').getByText(marker).first().waitFor();
    }],
    ['the citizen\'s markup is shown as text in the console', async () => {
      const li = console_.locator('#transcript li.t-citizen', { hasText: XSS }).last();
      await li.waitFor();
      assert((await li.locator('.t-body').textContent()) === XSS, 'the text was altered in the console');
      assert(await console_.locator('#transcript script').count() === 0, 'a script element was created in the console');
    }],
    ['the operator takes the item', async () => {
      await console_.locator('#take').click();
      await console_.locator('#action-status.is-ok').waitFor();
      await console_.locator('#take').waitFor({ state: 'hidden' });
    }],
    ['the operator replies (Ctrl+Enter)', async () => {
      await console_.locator('#reply').fill(reply);
      await console_.locator('#reply').press('Control+Enter');
      await console_.locator('#transcript li.t-operator', { hasText: marker }).waitFor();
    }],
    ['the citizen sees the reply live, without reloading, as text', async () => {
      const li = chatB.locator('#messages > li.msg-operator', { hasText: marker });
      await li.waitFor();
      assert(await chatB.evaluate(() => window.__noReload === true), 'the page was reloaded');
      // Rendered as Markdown now: the text is the same, around its paragraph.
      assert((await li.locator('.body').textContent()).trim() === reply, 'the operator\'s text was altered');
      assert(await li.locator('.body b').count() === 0, 'operator markup became HTML');
    }],
    ['the citizen sees the operator\'s display name, never the login', async () => {
      const who = await chatB.locator('#messages > li.msg-operator .who').first().textContent();
      if (DISPLAY) assert(who.includes(DISPLAY), `the operator is shown as "${who}"`);
      const seen = `${await chatB.locator('#messages').textContent()} ${await chatB.locator('#banner').textContent()}`;
      assert(!seen.includes(ADMIN), `the login "${ADMIN}" is shown to the citizen`);
    }],
    ['an operator\'s Markdown reaches the citizen as a list, with live links and phone numbers', async () => {
      const text = `Что сделать — ${marker}:\n\n- войти на сайт\n- открыть профиль\n\nПодробнее: https://www.gosuslugi.ru/help или по телефону 8 800 100-70-10.`;
      await console_.locator('#reply').fill(text);
      await console_.locator('#reply').press('Control+Enter');
      await console_.locator('#transcript li.t-operator', { hasText: 'открыть профиль' }).waitFor();
      assert(await console_.locator('#transcript li.t-operator', { hasText: 'открыть профиль' }).locator('.t-body li').count() === 2,
        'the console shows the reply as raw Markdown');
      const li = chatB.locator('#messages > li.msg-operator', { hasText: 'открыть профиль' });
      await li.waitFor();
      assert(await li.locator('.body ul > li').count() === 2, `no list: "${await li.locator('.body').innerHTML()}"`);
      assert(!/(^|\n)- /.test(await li.locator('.body').textContent()), 'Markdown bullets shown raw');
      assert(await li.locator('.body a[href="https://www.gosuslugi.ru/help"][rel~="noopener"]').count() === 1, 'the address is not a link');
      assert(await li.locator('.body a[href="tel:+78001007010"]').count() === 1, 'the phone number is not a tel: link');
    }],
    ['the operator sees the citizen\'s next message live', async () => {
      const text = `Спасибо, жду — ${marker}`;
      await say(chatB, text);
      await console_.locator('#transcript li.t-citizen', { hasText: text }).waitFor();
    }],
    ['a KB search result can be inserted into the reply', async () => {
      await console_.locator('#kb-q').fill('смс код');
      await console_.locator('#kb-q').press('Enter');
      await console_.waitForFunction(() => document.getElementById('kb-status').textContent.trim() !== ''
        && !/Ищем/.test(document.getElementById('kb-status').textContent));
      const hits = await console_.locator('.kb-hit').count();
      assert(hits > 0, `no KB hits for "смс код": ${await console_.locator('#kb-status').textContent()}`);
      await console_.locator('.kb-hit').first().click();
      assert((await console_.locator('#reply').inputValue()).trim().length > 0, 'nothing inserted');
      await console_.locator('#reply').fill('');
    }],
    ['a transfer to a queue the operator works leaves the item theirs', async () => {
      await console_.locator('#transfer-queue').selectOption('senior');
      await console_.locator('#transfer').click();
      await console_.locator('#action-status.is-ok').filter({ hasText: /очередь/i }).waitFor();
      assert(await console_.locator('#take').isHidden(), 'the operator has to take it again');
      assert(await console_.locator('#reply').isEnabled(), 'the reply box is disabled');
    }],
    ['at 1280x800 the transcript has room (at least 360 px)', async () => {
      const m = await console_.evaluate(() => {
        const h = (sel) => Math.round(document.querySelector(sel)?.getBoundingClientRect().height || 0);
        return { transcript: h('#transcript'), facts: h('#d-facts'), actions: h('.actions'), close: h('#close-form'),
          reply: h('#reply-form'), head: h('.detail-head'), top: h('header') , pane: h('#detail') };
      });
      await console_.screenshot({ path: path.join(OUT, 'operator.png') });
      assert(m.transcript >= 360, `transcript ${m.transcript} px: ${JSON.stringify(m)}`);
    }],
    ['the item names its category, service and reason in Russian, not by codes', async () => {
      const code = /\b[a-z]+\.[a-z_]+\b|asked for a person|registered request/;
      const facts = await console_.locator('#d-facts').textContent();
      assert(!code.test(facts), `an internal code in the facts: "${code.exec(facts)?.[0]}" in "${facts}"`);
      const item = await console_.locator('.q-item[aria-current="true"]').textContent();
      assert(!code.test(item), `an internal code in the queue: "${code.exec(item)?.[0]}"`);
      assert(/[а-яё]/i.test(await console_.locator('#d-facts strong').first().textContent()), 'the category is not named in Russian');
    }],
    ['the console is usable at 390 px wide', async () => {
      const phoneCtx = await browser({ width: 390, height: 844 });
      const phone = await pageOf(phoneCtx);
      await signIn(phone);
      await openItemFor(phone, number, marker);
      const m = await phone.evaluate(() => {
        const r = (sel) => document.querySelector(sel).getBoundingClientRect();
        return { scroll: document.documentElement.scrollWidth, t: r('#transcript'), reply: r('#reply'), close: r('#close') };
      });
      await phone.screenshot({ path: path.join(OUT, 'operator-390.png'), fullPage: true });
      assert(m.scroll <= 392, `the page scrolls sideways: ${m.scroll} px`);
      assert(m.t.width >= 320 && m.t.height >= 250, `transcript ${Math.round(m.t.width)}x${Math.round(m.t.height)}`);
      assert(m.reply.width >= 320 && m.reply.right <= 390, `reply box ${Math.round(m.reply.width)} px`);
      assert(m.close.right <= 390, 'the close button is off screen');
      await phoneCtx.close();
    }],
    ['screenshot of the console at 1280x800', async () => {
      await console_.screenshot({ path: path.join(OUT, 'operator.png') });
    }],
    ['the operator closes with a resolution', async () => {
      await console_.locator('#resolution').fill('Проверили учётную запись, вход восстановлен');
      await console_.locator('#close').click();
      await console_.locator('#action-status.is-ok').filter({ hasText: /закрыт/i }).waitFor();
    }],
    ['the citizen is asked for a rating and rates 5', async () => {
      await chatB.locator('#closed').waitFor({ state: 'visible' });
      await chatB.locator('#rating').waitFor({ state: 'visible' });
      // Focus was in the message box, which is gone: it moves to the scores.
      await chatB.waitForFunction(() => !!document.activeElement?.closest('#rating'), null, { timeout: 5000 })
        .catch(async () => { throw new Error(`focus is on ${await chatB.evaluate(() => document.activeElement?.tagName)}`); });
      await chatB.locator('label[for="score-5"]').click();
      await chatB.locator('#rate-send').click();
      await chatB.locator('#thanks').waitFor({ state: 'visible' });
      await chatB.screenshot({ path: path.join(OUT, 'chat-closed.png') });
    }],
  ]);

  // (7) "Вернуть боту" on a complaint: the chat goes back to the bot, the
  // request stays open in its queue with its deadline.
  await scenario('7 hand back', [
    ['the operator takes the complaint and hands it back to the bot', async () => {
      assert(complaintNumber, 'no complaint number from scenario 1');
      await openItemFor(console_, complaintNumber, null);
      await console_.locator('#take').click();
      await console_.locator('#take').waitFor({ state: 'hidden' });
      await console_.locator('#release').click();
      await console_.locator('#action-status.is-ok').filter({ hasText: /бот/i }).waitFor();
    }],
    ['the operator downloads the citizen\'s PDF: an attachment of the checked type', async () => {
      const link = console_.locator('#transcript a.t-att-link').first();
      await link.waitFor();
      const href = await link.getAttribute('href');
      const res = await console_.request.get(`${BASE}${href}`);
      assert(res.status() === 200, `status ${res.status()}`);
      const h = res.headers();
      assert(/^attachment;/.test(h['content-disposition'] || ''), `Content-Disposition: ${h['content-disposition']}`);
      assert(/filename\*=UTF-8''/.test(h['content-disposition']), 'no UTF-8 file name');
      assert(h['content-type'] === 'application/pdf', `Content-Type: ${h['content-type']}`);
      assert((await res.body()).subarray(0, 5).toString() === '%PDF-', 'not the PDF');
      const anon = await chat.request.get(`${BASE}${href}`);
      assert(anon.status() === 401, `a citizen got ${anon.status()}`);
    }],
    ['the operator previews the citizen\'s image from the sandboxed preview route', async () => {
      const att = console_.locator('#transcript p.t-att', { hasText: 'фото.png' }).first();
      await att.locator('.t-att-show').click();
      await console_.waitForFunction(() => {
        const img = document.querySelector('#transcript img.t-att-preview');
        return img && img.complete && img.naturalWidth > 0;
      });
      const src = await att.locator('img.t-att-preview').getAttribute('src');
      assert(/^\/api\/operator\/attachments\/\d+\/preview$/.test(src || ''), `image from ${src}`);
      const res = await console_.request.get(`${BASE}${src}`);
      const h = res.headers();
      assert(res.status() === 200 && h['content-type'] === 'image/png', `${res.status()} ${h['content-type']}`);
      assert(/^inline;/.test(h['content-disposition'] || ''), `Content-Disposition: ${h['content-disposition']}`);
      assert(/(^|;)\s*sandbox\s*(;|$)/.test(h['content-security-policy'] || ''), `CSP: ${h['content-security-policy']}`);
    }],
    ['the operator previews the citizen\'s PDF in a sandboxed frame', async () => {
      const att = console_.locator('#transcript p.t-att', { hasText: 'скан паспорта.pdf' }).first();
      await att.locator('.t-att-show').click();
      const frame = att.locator('iframe.t-att-pdf');
      await frame.waitFor({ state: 'visible' });
      const box = await frame.boundingBox();
      assert(box && box.width >= 200 && box.height >= 200, `the frame is ${box?.width}x${box?.height}`);
      const src = await frame.getAttribute('src');
      assert(/^\/api\/operator\/attachments\/\d+\/preview$/.test(src || ''), `PDF from ${src}`);
      // The frame loaded the PDF (not an error page, not a download).
      await console_.waitForFunction((s) => performance.getEntriesByType('resource')
        .some((e) => e.name.endsWith(s) && e.initiatorType === 'iframe'), src);
      const res = await console_.request.get(`${BASE}${src}`);
      const h = res.headers();
      assert(res.status() === 200 && h['content-type'] === 'application/pdf', `${res.status()} ${h['content-type']}`);
      assert(/^inline;/.test(h['content-disposition'] || ''), `Content-Disposition: ${h['content-disposition']}`);
      const csp = h['content-security-policy'] || '';
      assert(/(^|;)\s*sandbox\s*(;|$)/.test(csp) && /frame-ancestors 'self'/.test(csp), `CSP: ${csp}`);
      assert((await res.body()).subarray(0, 5).toString() === '%PDF-', 'not the PDF');
      await att.scrollIntoViewIfNeeded();
      await console_.screenshot({ path: path.join(OUT, 'operator-preview.png') });
      // A citizen, signed in to the chat or not, cannot fetch a preview.
      const anon = await chat.request.get(`${BASE}${src}`);
      assert(anon.status() === 401, `the citizen's browser got ${anon.status()}`);
      const token = await chat.evaluate(() => localStorage.getItem('hotline.token'));
      const bearer = await chat.request.get(`${BASE}${src}`, { headers: { Authorization: `Bearer ${token}` } });
      assert(bearer.status() === 401 || bearer.status() === 403, `the citizen's token got ${bearer.status()}`);
    }],
    ['the complaint is still in the queue, free, with its deadline', async () => {
      await console_.locator('#queue-refresh').click();
      const item = console_.locator('.q-item', { has: console_.locator('.q-num', { hasText: complaintNumber }) });
      await item.first().waitFor({ state: 'visible' });
      await console_.waitForFunction(() => /ждёт оператора/.test(document.getElementById('d-facts').textContent));
      assert(await console_.locator('#d-facts .tick-sla').count() === 1, 'no deadline shown');
      assert(await console_.locator('#take').isVisible(), 'the item cannot be taken again');
    }],
  ]);

  // (5) nothing fired a dialog; nothing broke the CSP.
  await scenario('5 markup', [
    ['no dialog fired on either page', async () => {
      assert(watch.dialogs.length === 0, watch.dialogs.join('; '));
    }],
    ['no page errors or Content-Security-Policy violations', async () => {
      assert(watch.problems.length === 0, watch.problems.join('; '));
    }],
  ]);
}

const guard = setTimeout(() => {
  report(false, 'the browser tests finish within 5 minutes', 'timed out');
  finish(1);
}, 5 * 60 * 1000);

async function finish(code) {
  clearTimeout(guard);
  for (const c of contexts) await c.close().catch(() => {});
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code || (failed ? 1 : 0));
}

main().then(() => finish(0), (e) => {
  report(false, 'the browser tests run', e?.stack || e);
  finish(1);
});
