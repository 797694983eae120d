// Browser test of an operator's reply that cannot go as a letter (issue
// 11, item 10), run by tests/e2e/mail.sh against a real `hotline serve`
// with the mail channel: the conversation HOTLINE_CONV came from a letter
// with no address to answer to, and the operator HOTLINE_ADMIN_NAME has
// replied.  The console must show that reply as failed, once, and still
// once after more rounds of the mail sender.
//
//   HOTLINE_URL=... HOTLINE_ADMIN_PASSWORD=... HOTLINE_CONV=ID node mailfail.mjs
//
// Prints "ok - …" / "not ok - …" per check and "N passed, M failed".

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BASE = (process.env.HOTLINE_URL || '').replace(/\/+$/, '');
const ADMIN = process.env.HOTLINE_ADMIN_NAME || 'admin';
const PASSWORD = process.env.HOTLINE_ADMIN_PASSWORD || '';
const CONV = process.env.HOTLINE_CONV || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT = Number(process.env.HOTLINE_BROWSER_WAIT_MS || 15000);
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// The sender's round (agent/mail/mailsend.c) is 5 s: wait past one more.
const ROUND_MS = 6000;

let passed = 0;
let failed = 0;
function report(ok, name, why) {
  if (ok) { passed += 1; console.log(`ok - ${name}`); }
  else { failed += 1; console.log(`not ok - ${name}${why ? ` # ${String(why).split('\n')[0]}` : ''}`); }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

async function steps(list) {
  let broken = null;
  for (const [name, fn] of list) {
    if (broken) { report(false, name, `skipped: "${broken}" failed`); continue; }
    try { await fn(); report(true, name); } catch (e) { report(false, name, e?.message || e); broken = name; }
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-chromium-'));
let ctx = null;
const problems = [];

async function failedNotes(page) {
  return page.$$eval('#transcript .t-delivery-failed', (ps) => ps.map((p) => p.textContent));
}

async function main() {
  ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM, args: ARGS, headless: true,
    viewport: { width: 1280, height: 800 }, locale: 'ru-RU', timezoneId: 'Europe/Moscow',
  });
  ctx.setDefaultTimeout(WAIT);
  const page = ctx.pages()[0] || await ctx.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await steps([
    ['the operator opens the e-mail conversation with no address', async () => {
      await page.goto(`${BASE}/operator`, { waitUntil: 'domcontentloaded' });
      await page.locator('#login-name').fill(ADMIN);
      await page.locator('#login-password').fill(PASSWORD);
      await page.locator('#login-password').press('Enter');
      await page.locator('#app').waitFor({ state: 'visible' });
      await page.locator('#view-all').click();
      await page.locator(`.q-item[data-id="${CONV}"]`).click();
      await page.locator('#transcript li').first().waitFor();
    }],
    ['the reply is shown as not sent, with the reason, once', async () => {
      await page.locator('#transcript .t-delivery-failed').first().waitFor();
      const notes = await failedNotes(page);
      assert(notes.length === 1, `${notes.length} failure notes: ${notes.join(' | ')}`);
      assert(/не отправлено: в его письме нет адреса/.test(notes[0]), `the note says "${notes[0]}"`);
      const replies = await page.locator('#transcript li', { hasText: 'Напишите нам с адреса' }).count();
      assert(replies === 1, `the reply is shown ${replies} times`);
    }],
    ['after another round of the mail sender it is still shown once', async () => {
      await page.waitForTimeout(ROUND_MS);
      await page.locator('#reload').click();
      await page.locator('#transcript .t-delivery-failed').first().waitFor();
      const notes = await failedNotes(page);
      assert(notes.length === 1, `${notes.length} failure notes after a round`);
      assert(problems.length === 0, problems.join('; '));
    }],
  ]);
}

try {
  if (!BASE || !PASSWORD || !CONV) report(false, 'HOTLINE_URL, HOTLINE_ADMIN_PASSWORD and HOTLINE_CONV are set');
  else await main();
} catch (e) {
  report(false, 'the browser test ran', e?.message || e);
}
if (ctx) await ctx.close().catch(() => {});
fs.rmSync(dir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
