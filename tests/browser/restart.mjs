// A restart in the middle of a conversation, seen from the citizen's
// browser: phase "before" asks a question and hands off to a person;
// the test script then kills the server with SIGKILL and starts it again;
// phase "after" opens the page in the same browser profile and checks that
// the conversation, its request number and the handoff are all still
// there, and that the chat goes on.
//
//   HOTLINE_URL=... node restart.mjs before|after PROFILE_DIR
//
// Prints "ok - …" / "not ok - …" and "N passed, M failed"; exit 1 on failure.

import { chromium } from 'playwright-core';
import fs from 'node:fs';

const BASE = (process.env.HOTLINE_URL || '').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const [phase, profile] = process.argv.slice(2);
const QUESTION = 'не приходит смс с кодом для входа';

let passed = 0;
let failed = 0;
function report(ok, name, why) {
  if (ok) { passed += 1; console.log(`ok - ${name}`); }
  else { failed += 1; console.log(`not ok - ${name}${why ? ` # ${why}` : ''}`); }
}

async function check(name, fn) {
  try { await fn(); report(true, name); } catch (e) { report(false, name, e?.message || e); }
}

if (!BASE || !profile || !['before', 'after'].includes(phase)) {
  console.error('usage: HOTLINE_URL=... node restart.mjs before|after PROFILE_DIR');
  process.exit(2);
}
fs.mkdirSync(profile, { recursive: true });
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM, args: ARGS, headless: true, locale: 'ru-RU',
});
// Generous: under ASan, with other tests running, answers take a while.
ctx.setDefaultTimeout(45000);
const page = ctx.pages()[0] || await ctx.newPage();
await page.goto(`${BASE}/`);
await page.locator('#text').waitFor({ state: 'visible' });

if (phase === 'before') {
  await check('before the restart: a question gets an answer', async () => {
    await page.locator('#text').fill(QUESTION);
    await page.locator('#text').press('Enter');
    await page.locator('#messages > li.msg-bot').first().waitFor();
  });
  await check('before the restart: the citizen is put through to a person', async () => {
    await page.locator('#operator').click();
    await page.waitForFunction(() => /\d{4}-\d{6,}/.test(document.body.innerText));
  });
} else {
  await check('after the restart: the earlier question is still on the page', async () => {
    await page.locator('#messages > li.msg-citizen', { hasText: QUESTION }).first().waitFor();
  });
  await check('after the restart: the request number is still shown', async () => {
    await page.waitForFunction(() => /\d{4}-\d{6,}/.test(document.body.innerText));
  });
  await check('after the restart: the conversation goes on', async () => {
    const n = await page.locator('#messages > li.msg-citizen').count();
    await page.locator('#text').fill('спасибо, жду');
    await page.locator('#text').press('Enter');
    await page.locator('#messages > li.msg-citizen').nth(n).waitFor();
  });
}
await ctx.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
