// The citizen chat of the Госуслуги hotline.  Plain ES2020 module, no
// framework; talks to the JSON API of docs/api.md.  Text typed by citizens
// is always put in the page with textContent; only the `html` of bot and
// operator messages (Markdown the server rendered with safe cmark, the
// operator's own markup escaped) is inserted, and even that goes through
// an allow-list (safehtml.js, a second fence).  The sentences are
// chat-text.js.

import { feedbackBox } from './feedback.js';
import { safeFragment } from './safehtml.js';
import { MAX_TEXT, lang, setLang, t } from './chat-text.js';

const MAX_FILE = 10 * 1024 * 1024;
const FILE_TYPES = {
  'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png',
};
const FILE_EXT = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' };
const TOKEN_KEY = 'hotline.token';

// ---------------------------------------------------------------- state

const $ = (id) => document.getElementById(id);
const els = {
  messages: $('messages'), main: $('main'), intro: $('intro'), suggestions: $('suggestions'),
  banner: $('banner'), bannerText: $('banner-text'), bannerRequest: $('banner-request'),
  connection: $('connection'), typing: $('typing'), opTyping: $('op-typing'),
  notice: $('notice'), noticeText: $('notice-text'), noticeClose: $('notice-close'),
  upload: $('upload'), uploadText: $('upload-text'), uploadProgress: $('upload-progress'),
  composer: $('composer'), form: $('form'), text: $('text'), send: $('send'),
  attach: $('attach'), file: $('file'), lang: $('lang'),
  operator: $('operator'), operatorLabel: $('operator-label'),
  closed: $('closed'), rating: $('rating'), stars: $('stars'), comment: $('comment'),
  rateSend: $('rate-send'), thanks: $('thanks'), newChat: $('new-chat'),
};

let token = localStorage.getItem(TOKEN_KEY);
const conv = {
  state: 'bot', lang: 'ru', request_number: null, wait_estimate: null, rating: null,
  messages: new Map(), // id -> message
};
let operatorAuthor = null;
let busy = false;
let es = null;
let esRetry = 0;
let esTimer = null;
let needSync = false;
let rated = false;

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message || code || `HTTP ${status}`);
    this.status = status; this.code = code; this.retryAfter = retryAfter;
  }
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'network', e.message);
  }
  let data = null;
  const text = await res.text();
  if (text) { try { data = JSON.parse(text); } catch { data = null; } }
  if (!res.ok) {
    throw new ApiError(res.status, data?.error, data?.message,
      parseInt(res.headers.get('Retry-After') || '', 10) || null);
  }
  return data || {};
}

function errorText(err, what) {
  const s = err.status;
  if (s === 0) return t('errNet');
  if (s === 429) {
    // The server's daily quota for an address answers with a wait of hours.
    if (what === 'file' && err.retryAfter > 3600) return t('err429day');
    if (what === 'file' && !err.retryAfter) return t('err429files');
    if (what === 'file' && /attach|file|count|upload/i.test(err.code || '')) return t('err429files');
    return t('err429', err.retryAfter || 30);
  }
  // The page refuses files over 10 MB itself: a 413 for a file is the
  // conversation's total.
  if (s === 413) return what === 'file' ? t('err413conv') : t('err413text');
  if (s === 415) return t('err415');
  if (s === 409) return what === 'file' ? t('err409file') : t('err409');
  if (s >= 500) return t('err5xx');
  if (s === 400) return what === 'file' ? t('badType') : t('err400');
  return `${t('err400')} (${s})`;
}

// ---------------------------------------------------------------- notices

let noticeTimer = null;
function showError(msg) {
  els.noticeText.textContent = msg;
  els.notice.hidden = false;
  els.notice.classList.remove('notice-ok');
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(hideError, 15000);
}
function hideError() { els.notice.hidden = true; }
els.noticeClose.addEventListener('click', () => { hideError(); els.text.focus(); });

let uploadTimer = null;
function showUpload(msg, kind, pct) {
  clearTimeout(uploadTimer);
  if (kind !== 'progress') {
    uploadTimer = setTimeout(() => { els.upload.hidden = true; }, kind === 'ok' ? 8000 : 20000);
  }
  els.upload.hidden = false;
  els.upload.className = `upload upload-${kind}`;
  els.uploadText.textContent = msg;
  if (pct == null) { els.uploadProgress.hidden = true; } else {
    els.uploadProgress.hidden = false; els.uploadProgress.value = pct;
  }
}

// ---------------------------------------------------------------- links

// Web addresses and phone numbers in an operator's text become links
// (cmark links only what is written as a Markdown link).
const LINKABLE = /(https?:\/\/[^\s<>"«»]*[^\s<>"«».,;:!?)])|((?:\+7|8)[\s-]?\(?\d{3}\)?[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2})(?!\d)/g;
function linkify(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) {
    if (!walker.currentNode.parentElement?.closest('a, code, pre')) nodes.push(walker.currentNode);
  }
  for (const n of nodes) {
    const text = n.data;
    LINKABLE.lastIndex = 0;
    if (!LINKABLE.test(text)) continue;
    LINKABLE.lastIndex = 0;
    const frag = document.createDocumentFragment();
    let last = 0, m;
    while ((m = LINKABLE.exec(text)) !== null) {
      frag.append(text.slice(last, m.index));
      const a = document.createElement('a');
      a.textContent = m[0];
      if (m[1]) {
        a.href = m[1]; a.target = '_blank'; a.rel = 'noopener noreferrer';
      } else {
        a.href = `tel:+7${m[2].replace(/\D/g, '').slice(-10)}`;
      }
      frag.append(a);
      last = m.index + m[0].length;
    }
    frag.append(text.slice(last));
    n.replaceWith(frag);
  }
}

// ---------------------------------------------------------------- rendering

const timeFmt = () => new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'ru-RU', { hour: '2-digit', minute: '2-digit' });

function fmtSize(n) {
  if (n == null) return '';
  if (n < 1024 * 1024) return `${Math.max(1, Math.round(n / 1024))} ${t('kb')}`;
  return `${(n / 1024 / 1024).toFixed(1).replace('.', lang === 'ru' ? ',' : '.')} ${t('mb')}`;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

function whoLabel(m) {
  switch (m.from) {
    case 'citizen': return t('you');
    case 'bot': return t('bot');
    case 'operator': return t('operatorName', m.author);
    default: return t('system');
  }
}

function renderMessage(m) {
  const li = el('li', `msg msg-${['citizen', 'bot', 'operator'].includes(m.from) ? m.from : 'system'}`);
  li.dataset.id = String(m.id);
  const meta = el('p', 'meta');
  const who = el('span', 'who', whoLabel(m));
  if (m.from === 'citizen') who.classList.add('visually-hidden');
  meta.append(who);
  if (m.at) {
    const time = el('time', 'time', timeFmt().format(new Date(m.at * 1000)));
    time.dateTime = new Date(m.at * 1000).toISOString();
    meta.append(' ', time);
  }
  li.append(meta);

  const body = el('div', 'body');
  const att = m.attachment;
  if (att && (!m.text || m.text === att.name)) {
    // The attachment card below says it all.
  } else if ((m.from === 'bot' || m.from === 'operator') && typeof m.html === 'string' && m.html.trim() !== '') {
    body.classList.add('rich');
    body.append(safeFragment(m.html));
    if (m.from === 'operator') linkify(body);
  } else if (m.text) {
    body.classList.add('plain');
    body.textContent = m.text; // citizen and system text: never markup
    if (m.from === 'operator') linkify(body);
  }
  // Screen readers pronounce by lang: say which one the text is in.
  const sample = m.text || body.textContent;
  if (sample) body.lang = /[а-яё]/i.test(sample) ? 'ru' : 'en';
  if (body.childNodes.length) li.append(body);

  if (att) {
    const card = el('p', 'attachment');
    const icon = el('span', 'icon-doc');
    icon.setAttribute('aria-hidden', 'true');
    card.append(icon, el('span', 'visually-hidden', `${t('attachment')}: `));
    card.append(el('span', 'att-name', att.name || ''), el('span', 'att-size', fmtSize(att.size)));
    li.append(card);
  }

  // The number stands out once: on the first message that brings it.
  if (m.request_number && firstWithNumber(m)) li.append(renderRequestNumber(m.request_number));

  if (Array.isArray(m.choices) && m.choices.length) {
    const group = el('div', 'choices');
    group.setAttribute('role', 'group');
    const gid = `choices-${m.id}`;
    // The bot's question says it already; the label is for screen readers.
    const lab = el('p', 'choices-label visually-hidden', t('choose'));
    lab.id = gid;
    group.setAttribute('aria-labelledby', gid);
    group.append(lab);
    for (const c of m.choices) {
      const b = el('button', 'btn btn-choice', c.label || c.intent);
      b.type = 'button';
      b.dataset.intent = c.intent;
      b.addEventListener('click', () => choose(c, group));
      group.append(b);
    }
    li.append(group);
  }
  if (m.from === 'bot' && m.feedback) li.append(feedbackBox(m, feedbackCtx));
  return li;
}

// What the answer's feedback box (feedback.js) needs from the chat.
const feedbackCtx = {
  t,
  vote: (id, helpful) => api('POST', '/api/chat/feedback', { message: id, helpful }),
  operator: () => handoff(),
  canAskOperator: () => conv.state === 'bot',
  showError: (err) => showError(errorText(err)),
};

function firstWithNumber(m) {
  for (const other of conv.messages.values()) {
    if (other.request_number === m.request_number && Number(other.id) < Number(m.id)) return false;
  }
  return true;
}

function renderRequestNumber(num) {
  const box = el('div', 'reqnum');
  const label = el('span', 'reqnum-label', t('reqNum'));
  const value = el('strong', 'reqnum-value', num);
  const copy = el('button', 'btn btn-copy', t('copy'));
  copy.type = 'button';
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(num);
      copy.textContent = t('copied');
      setTimeout(() => { copy.textContent = t('copy'); }, 2000);
    } catch { /* clipboard not allowed: the number is selectable text */ }
  });
  box.append(label, value, copy);
  return box;
}

function lastCitizenId() {
  let last = -Infinity;
  for (const m of conv.messages.values()) if (m.from === 'citizen' && m.id > last) last = m.id;
  return last;
}

// Choices stay usable only on the newest clarifying question the citizen
// has not answered yet.
function refreshChoices() {
  const lastC = lastCitizenId();
  let newest = -Infinity;
  for (const m of conv.messages.values()) if (m.choices?.length && m.id > newest) newest = m.id;
  for (const li of els.messages.querySelectorAll('li.msg')) {
    const id = Number(li.dataset.id);
    const off = id !== newest || lastC > id || conv.state === 'closed';
    for (const b of li.querySelectorAll('.btn-choice')) b.disabled = off;
  }
}

function addMessages(list, { scroll = true } = {}) {
  let added = false;
  for (const m of list || []) {
    if (!m || m.id == null) continue;
    const id = Number(m.id);
    if (conv.messages.has(id)) continue; // de-duplicate: POST answers and the event stream overlap
    conv.messages.set(id, m);
    const li = renderMessage(m);
    // Keep id order even when the stream and a POST answer arrive out of order.
    let before = null;
    for (const other of els.messages.children) {
      if (Number(other.dataset.id) > id) { before = other; break; }
    }
    els.messages.insertBefore(li, before);
    if (m.request_number) setRequestNumber(m.request_number);
    if (m.from === 'operator' && m.author) operatorAuthor = m.author;
    added = true;
  }
  if (added) {
    els.intro.hidden = conv.messages.size > 0;
    applyState(); // the banner names the operator, shows the number
    if (scroll) scrollDown();
  }
}

function scrollDown() {
  requestAnimationFrame(() => { els.main.scrollTop = els.main.scrollHeight; });
}

function rerenderAll() {
  els.messages.replaceChildren();
  const list = Array.from(conv.messages.values()).sort((a, b) => a.id - b.id);
  conv.messages.clear();
  addMessages(list, { scroll: false });
  applyState();
}

function setRequestNumber(num) {
  if (!num) return;
  conv.request_number = num;
  applyState();
}

function applyState() {
  const s = conv.state;
  // Banner: the queue with its estimate, the operator, the request number.
  let text = '';
  if (s === 'queued') text = `${t('queued')} ${t('waitAbout', conv.wait_estimate)}`;
  else if (s === 'operator') text = t('withOperator', operatorAuthor);
  else if (s === 'bot' && conv.wasWithPerson) text = t('backToBot');
  els.bannerText.textContent = text;
  if (conv.request_number) {
    els.bannerRequest.hidden = false;
    els.bannerRequest.textContent = `${t('reqBanner')} ${conv.request_number}`;
  } else {
    els.bannerRequest.hidden = true;
  }
  els.banner.hidden = !text && !conv.request_number;
  els.banner.dataset.state = s;

  // The operator button is there at all times; while a person is already
  // on the way it says so instead of queueing twice.
  const withPerson = s === 'queued' || s === 'operator';
  els.operator.disabled = withPerson || s === 'closed';
  els.operatorLabel.textContent = s === 'queued' ? t('operatorQueued') : t('operator');
  for (const b of els.messages.querySelectorAll('.btn-offer')) b.disabled = withPerson || s === 'closed';

  const closed = s === 'closed';
  els.composer.hidden = closed;
  els.closed.hidden = !closed;
  if (closed) {
    const done = rated || conv.rating != null;
    els.rating.hidden = done;
    els.thanks.hidden = !done;
    if (conv.rating == null && !rated) els.thanks.textContent = t('thanks');
  }
  refreshChoices();
}

function applyConversation(c) {
  if (!c) return;
  if (c.lang) conv.lang = c.lang;
  if ('rating' in c) conv.rating = c.rating;
  if (c.request_number) conv.request_number = c.request_number;
  if ('wait_estimate' in c) conv.wait_estimate = c.wait_estimate;
  addMessages(c.messages);
  setState(c.state);
}

function setState(s) {
  if (!s) return;
  const prev = conv.state;
  if ((prev === 'queued' || prev === 'operator') && s === 'bot') conv.wasWithPerson = true;
  if (s === 'queued' || s === 'operator') conv.wasWithPerson = false;
  conv.state = s;
  // Closing hides the message box: focus in it would fall to the page.
  const typing = els.composer.contains(document.activeElement)
    || document.activeElement === document.body || document.activeElement == null;
  applyState();
  if (s === 'closed' && prev !== 'closed' && !els.rating.hidden) {
    // Bring the rating into view; keyboard users land on the first score.
    setTimeout(() => {
      els.closed.scrollIntoView({ block: 'end' });
      if (typing) els.stars.querySelector('input')?.focus({ preventScroll: true });
    }, 0);
  }
}

// ---------------------------------------------------------------- static text

function applyLang() {
  document.documentElement.lang = lang;
  document.title = t('pageTitle');
  for (const n of document.querySelectorAll('[data-i18n]')) n.textContent = t(n.dataset.i18n);
  for (const n of document.querySelectorAll('[data-i18n-label]')) n.setAttribute('aria-label', t(n.dataset.i18nLabel));
  for (const n of document.querySelectorAll('[data-i18n-placeholder]')) n.placeholder = t(n.dataset.i18nPlaceholder);
  els.lang.textContent = t('langButton');
  els.lang.lang = t('langButtonLang');
  els.lang.setAttribute('aria-label', t('langLabel'));
  els.suggestions.replaceChildren();
  for (const s of t('suggestions')) {
    const b = el('button', 'btn btn-choice', s);
    b.type = 'button';
    b.addEventListener('click', () => { els.text.value = s; sendText(); });
    els.suggestions.append(b);
  }
  els.stars.replaceChildren();
  t('rateNames').forEach((name, i) => {
    const id = `score-${i + 1}`;
    const input = el('input', 'visually-hidden');
    input.type = 'radio'; input.name = 'score'; input.value = String(i + 1); input.id = id;
    const label = el('label', 'star');
    label.htmlFor = id;
    label.append(el('span', 'star-num', String(i + 1)), el('span', 'visually-hidden', name.replace(/^\d+/, '')));
    label.title = name;
    els.stars.append(input, label);
  });
  rerenderAll();
}

els.lang.addEventListener('click', () => {
  setLang(lang === 'ru' ? 'en' : 'ru');
  applyLang();
});

// ---------------------------------------------------------------- sessions

async function newSession() {
  const data = await api('POST', '/api/chat/sessions', { lang });
  token = data.token;
  localStorage.setItem(TOKEN_KEY, token);
  conv.messages.clear();
  els.messages.replaceChildren();
  conv.request_number = null; conv.rating = null; conv.wait_estimate = null;
  conv.wasWithPerson = false; rated = false; operatorAuthor = null;
  conv.state = 'bot';
  applyConversation(data.conversation || {});
  els.intro.hidden = conv.messages.size > 0;
  applyState();
}

async function start() {
  try {
    if (token) {
      try {
        applyConversation(await api('GET', '/api/chat/conversation'));
      } catch (e) {
        if (e.status === 401 || e.status === 403 || e.status === 404) {
          token = null;
          localStorage.removeItem(TOKEN_KEY);
        } else throw e;
      }
    }
    if (!token) await newSession();
    hideError();
    openEvents();
  } catch (e) {
    showError(e.status === 0 ? t('errNet') : `${t('errStart')} ${errorText(e)}`);
    setTimeout(start, e.retryAfter ? e.retryAfter * 1000 : 5000);
  }
}

// Fetch the whole conversation again: fills any gap the event stream left
// (between the first GET and the stream's opening, or across a reconnect).
async function sync() {
  if (!token) return;
  try { applyConversation(await api('GET', '/api/chat/conversation')); } catch { /* the stream retries */ }
}

// ---------------------------------------------------------------- live events

function openEvents() {
  if (es) es.close();
  clearTimeout(esTimer);
  // `last` asks only for what we have not got (the server otherwise replays
  // the whole conversation); on its own reconnects EventSource sends
  // Last-Event-ID instead.
  let last = 0;
  for (const id of conv.messages.keys()) if (id > last) last = id;
  const url = `/api/chat/events?token=${encodeURIComponent(token)}${last ? `&last=${last}` : ''}`;
  const src = new EventSource(url);
  es = src;
  src.addEventListener('open', () => {
    if (es !== src) return;
    esRetry = 0;
    els.connection.hidden = true;
    if (needSync) sync(); // after an outage: make sure nothing was missed
    needSync = false;
  });
  src.addEventListener('message', (e) => {
    let m; try { m = JSON.parse(e.data); } catch { return; }
    addMessages([m]);
    if (m.from !== 'citizen') els.typing.hidden = true;
    if (m.from === 'operator') hideOperatorTyping();
  });
  // The operator is typing: shown until their message comes or the
  // signal is not repeated (the server sends one every few seconds).
  src.addEventListener('typing', (e) => {
    let d; try { d = JSON.parse(e.data); } catch { return; }
    if (!d.operator) return;
    els.opTyping.hidden = false;
    scrollDown();
    clearTimeout(opTypingTimer);
    opTypingTimer = setTimeout(hideOperatorTyping, OP_TYPING_SHOW_MS);
  });
  src.addEventListener('state', (e) => {
    let s; try { s = JSON.parse(e.data); } catch { return; }
    if ('wait_estimate' in s) conv.wait_estimate = s.wait_estimate;
    if (s.request_number) conv.request_number = s.request_number;
    setState(s.state || conv.state);
  });
  src.addEventListener('error', () => {
    if (es !== src) return;
    els.connection.textContent = t('offline');
    els.connection.hidden = false;
    needSync = true; // when it is back (by itself or anew), catch up
    // EventSource reconnects by itself (sending Last-Event-ID) unless the
    // server refused the stream outright; then we start a new one.
    if (src.readyState === EventSource.CLOSED) {
      esRetry = Math.min(esRetry + 1, 6);
      esTimer = setTimeout(openEvents, 1000 * 2 ** esRetry);
    }
  });
}

// ---------------------------------------------------------------- typing, both ways

// How long "the operator is typing" stays without another signal, and how
// often this page tells the operator that the citizen types: the server
// keeps one signal per two seconds and drops the rest.
const OP_TYPING_SHOW_MS = 7000;
const TYPING_EVERY_MS = 3000;
let opTypingTimer = null;
let typingSentAt = 0;
function hideOperatorTyping() {
  clearTimeout(opTypingTimer);
  els.opTyping.hidden = true;
}
function typed() {
  if (!token || !els.text.value.trim()) return;
  if (conv.state !== 'queued' && conv.state !== 'operator') return;
  const now = Date.now();
  if (now - typingSentAt < TYPING_EVERY_MS) return;
  typingSentAt = now;
  api('POST', '/api/chat/typing', {}).catch(() => { /* a hint only */ });
}

// ---------------------------------------------------------------- actions

function setBusy(b) {
  busy = b;
  els.send.disabled = b;
  els.form.setAttribute('aria-busy', b ? 'true' : 'false');
}

async function post(path, body, what) {
  hideError();
  setBusy(true);
  const slow = setTimeout(() => { els.typing.hidden = false; scrollDown(); }, 250);
  try {
    const data = await api('POST', path, body);
    addMessages(data.messages);
    return data;
  } catch (e) {
    if (e.status === 401) { // the session is gone: start a new one
      localStorage.removeItem(TOKEN_KEY); token = null;
      try { await newSession(); openEvents(); } catch { /* shown below */ }
    }
    showError(errorText(e, what));
    return null;
  } finally {
    clearTimeout(slow);
    els.typing.hidden = true;
    setBusy(false);
  }
}

async function sendText() {
  const text = els.text.value.trim();
  if (!text || busy) return;
  if (!els.upload.classList.contains('upload-progress')) els.upload.hidden = true;
  if (Array.from(text).length > MAX_TEXT) { showError(t('tooLong')); return; }
  const data = await post('/api/chat/messages', { text });
  if (data) {
    els.text.value = '';
    autoGrow();
    if (data.messages?.some((m) => m.from === 'system')) sync();
  }
  els.text.focus();
}

async function choose(choice, group) {
  if (busy) return;
  for (const b of group.querySelectorAll('button')) b.disabled = true;
  const body = { intent: choice.intent };
  if (choice.topic) body.topic = choice.topic;
  const data = await post('/api/chat/choose', body);
  if (!data) refreshChoices();
  els.text.focus();
}

async function handoff() {
  if (busy) return;
  const data = await post('/api/chat/handoff', {});
  if (data) {
    if (conv.state === 'bot') setState('queued');
    sync();
  }
  els.text.focus();
}

els.form.addEventListener('submit', (e) => { e.preventDefault(); sendText(); });
els.text.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    sendText();
  }
});
function autoGrow() {
  const lines = els.text.value.split('\n').length + Math.floor(els.text.value.length / 60);
  els.text.rows = Math.max(1, Math.min(5, lines));
}
els.text.addEventListener('input', () => { autoGrow(); typed(); });
els.operator.addEventListener('click', handoff);

// ---------------------------------------------------------------- attachments

function fileType(f) {
  if (FILE_TYPES[f.type]) return f.type;
  const ext = (f.name.split('.').pop() || '').toLowerCase();
  return FILE_EXT[ext] || null;
}

function upload(file) {
  hideError();
  const type = fileType(file);
  if (!type) { showUpload(t('badType'), 'error'); return; }
  if (file.size > MAX_FILE) { showUpload(t('tooBig'), 'error'); return; }
  if (file.size === 0) { showUpload(t('emptyFile'), 'error'); return; }
  const name = file.name || `scan.${FILE_TYPES[type]}`;
  showUpload(t('uploading', name, 0), 'progress', 0);
  els.attach.disabled = true;
  const xhr = new XMLHttpRequest();
  xhr.open('POST', '/api/chat/attachments');
  xhr.setRequestHeader('Authorization', `Bearer ${token}`);
  xhr.setRequestHeader('Content-Type', type);
  xhr.setRequestHeader('X-Filename', encodeURIComponent(name));
  xhr.setRequestHeader('Accept', 'application/json');
  xhr.upload.addEventListener('progress', (e) => {
    if (e.lengthComputable) {
      const p = Math.round((e.loaded / e.total) * 100);
      showUpload(t('uploading', name, p), 'progress', p);
    }
  });
  xhr.addEventListener('load', () => {
    els.attach.disabled = false;
    let data = null;
    try { data = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
    if (xhr.status >= 200 && xhr.status < 300) {
      showUpload(t('uploadOk', name), 'ok');
      addMessages(data?.messages);
    } else {
      const err = new ApiError(xhr.status, data?.error, data?.message,
        parseInt(xhr.getResponseHeader('Retry-After') || '', 10) || null);
      showUpload(errorText(err, 'file'), 'error');
    }
  });
  xhr.addEventListener('error', () => {
    els.attach.disabled = false;
    showUpload(t('errNet'), 'error');
  });
  xhr.send(file);
}

els.attach.addEventListener('click', () => els.file.click());
els.file.addEventListener('change', () => {
  const f = els.file.files?.[0];
  els.file.value = '';
  if (f) upload(f);
});
els.main.addEventListener('dragover', (e) => { e.preventDefault(); });
els.main.addEventListener('drop', (e) => {
  e.preventDefault();
  const f = e.dataTransfer?.files?.[0];
  if (f && conv.state !== 'closed') upload(f);
});

// ---------------------------------------------------------------- rating

els.rating.addEventListener('submit', async (e) => {
  e.preventDefault();
  const picked = els.rating.querySelector('input[name="score"]:checked');
  if (!picked) { showError(t('rateNeedScore')); return; }
  const body = { score: Number(picked.value) };
  const comment = els.comment.value.trim();
  if (comment) body.comment = comment;
  els.rateSend.disabled = true;
  try {
    await api('POST', '/api/chat/rating', body);
    rated = true;
    conv.rating = body.score;
    hideError();
    applyState();
    els.thanks.focus();
  } catch (err) {
    showError(errorText(err));
  } finally {
    els.rateSend.disabled = false;
  }
});

els.newChat.addEventListener('click', async () => {
  try {
    await newSession();
    openEvents();
    hideError();
    els.text.focus();
  } catch (e) {
    showError(errorText(e));
  }
});

// ---------------------------------------------------------------- go

applyLang();
start();

// "The whole article" in a bot answer is a link to #article=ID: the page
// fetches the article and opens it in place, under the answer, so the
// citizen keeps the conversation in view.
els.messages.addEventListener('click', async (e) => {
  const a = e.target.closest?.('a[href^="#article="]');
  if (!a) return;
  e.preventDefault();
  const li = a.closest('li');
  if (!li || li.querySelector('.article-full')) return;
  const id = a.getAttribute('href').slice('#article='.length);
  try {
    const data = await api('GET', `/api/kb/article?id=${encodeURIComponent(id)}&lang=${encodeURIComponent(lang)}`);
    const box = el('div', 'article-full');
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', data.title || '');
    box.append(safeFragment(data.html || ''));
    a.replaceWith(box);
    box.tabIndex = -1;
    box.focus();
  } catch (err) {
    showError(errorText(err));
  }
});
