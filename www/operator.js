// The operators' console of the Госуслуги hotline.  Plain ES2020 module;
// talks to the operator part of docs/api.md.  The CSRF token lives only in
// memory; every POST carries it.  Citizen and operator text is always put
// in the page with textContent.  The workspace around the queue (views,
// notes, assignment, canned responses, search, typing, alerts) is
// workspace.js; the words and the drawing of a message, operator-view.js.

import * as ws from './workspace.js';
import { applyPage } from './console-i18n.js';
import {
  T, candidatesText, categoryLabel, clock, dur, durWords, el, entitiesText, isOverdue,
  reasonText, renderMessage, score, waitingNow,
} from './operator-view.js';

// English over the page when the operator chose it (the tables are
// operator-view.js's and workspace.js's).
applyPage();

const $ = (id) => document.getElementById(id);
const els = {
  whoami: $('whoami'), me: $('me'), conn: $('conn'), logout: $('logout'),
  loginView: $('login-view'), login: $('login'), loginName: $('login-name'),
  loginPassword: $('login-password'), loginError: $('login-error'), loginSubmit: $('login-submit'),
  app: $('app'), queue: $('queue'), queueCount: $('queue-count'), queueEmpty: $('queue-empty'),
  queueRefresh: $('queue-refresh'),
  detailEmpty: $('detail-empty'), detailBody: $('detail-body'), dTitle: $('d-title'),
  dBadges: $('d-badges'), dFacts: $('d-facts'), status: $('action-status'),
  take: $('take'), transferQueue: $('transfer-queue'), transfer: $('transfer'),
  release: $('release'), reload: $('reload'),
  transcript: $('transcript'), replyForm: $('reply-form'), reply: $('reply'), replySend: $('reply-send'),
  closeForm: $('close-form'), resolution: $('resolution'), close: $('close'),
  kbForm: $('kb-form'), kbQ: $('kb-q'), kbLang: $('kb-lang'), kbStatus: $('kb-status'), kbHits: $('kb-hits'),
};

let csrf = null;          // kept in memory only
let me = null;            // {name, role}
let allItems = [];        // the open items as the server sorted them
let items = [];           // those of the current view (workspace.js)
let fetchedAt = 0;        // Date.now() when `items` arrived (waiting times tick from it)
let selectedId = null;    // the open conversation
let detail = null;        // {item, messages}
let detailAt = 0;
let es = null;
let esTimer = null;
let esRetry = 0;
let queueTimer = null;
let focusId = null;       // the queue entry with the roving tab stop

// ------------------------------------------------------------------ API

class ApiError extends Error {
  constructor(status, data, retryAfter) {
    super(data?.message || data?.error || `HTTP ${status}`);
    this.status = status; this.data = data || {}; this.retryAfter = retryAfter;
  }
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET') {
    if (csrf) headers['X-CSRF-Token'] = csrf;
    headers['Content-Type'] = 'application/json; charset=utf-8';
    init.body = JSON.stringify(body ?? {});
  }
  let res;
  try { res = await fetch(path, init); } catch (e) { throw new ApiError(0, { message: e.message }); }
  const text = await res.text();
  let data = null;
  if (text) { try { data = JSON.parse(text); } catch { data = null; } }
  if (!res.ok) {
    const err = new ApiError(res.status, data, parseInt(res.headers.get('Retry-After') || '', 10) || null);
    if (res.status === 401 && !path.endsWith('/login') && !path.endsWith('/me')) {
      showLogin(T.sessionGone);
    }
    throw err;
  }
  return data || {};
}

function errText(e) {
  switch (true) {
    case e.status === 0: return T.errNet;
    case e.status === 401: return T.sessionGone;
    case e.status === 403: return e.data?.message ? `${T.err403short}: ${e.data.message}` : T.err403;
    case e.status === 404: return T.err404;
    case e.status === 409: return e.data?.message ? `${T.err409short}: ${e.data.message}` : T.err409;
    case e.status === 413: return T.err413;
    case e.status === 429: return T.err429(e.retryAfter || 30);
    case e.status >= 500: return T.err5xx;
    default: return T.err400(e.data?.message);
  }
}

// ------------------------------------------------------------------ helpers

function ownerText(item) {
  if (!item.owner) return T.free;
  if (me && item.owner === me.name) return T.mine;
  return T.ownedBy(item.owner);
}

function setStatus(msg, kind = 'info') {
  els.status.textContent = msg || '';
  els.status.className = `action-status is-${kind}`;
}

// ------------------------------------------------------------------ sign-in

function showLogin(msg) {
  closeEvents();
  csrf = null; me = null;
  els.app.hidden = true;
  els.whoami.hidden = true;
  els.loginView.hidden = false;
  els.loginError.hidden = !msg;
  els.loginError.textContent = msg || '';
  document.title = T.title;
  setTimeout(() => (els.loginName.value ? els.loginPassword : els.loginName).focus(), 0);
}

function showApp() {
  els.loginView.hidden = true;
  els.app.hidden = false;
  els.whoami.hidden = false;
  els.me.textContent = `${me.name}${me.role ? ` · ${T.role[me.role] || me.role}` : ''}`;
  // The supervisor's dashboard (dashboard.html) is for seniors and admins.
  document.getElementById('dashboard-link').hidden = !['senior', 'admin'].includes(me.role);
  ws.onSignedIn();
  loadQueue().then(() => {
    if (document.activeElement === document.body || !document.activeElement) focusQueue();
  });
  openEvents();
}

els.login.addEventListener('submit', async (e) => {
  e.preventDefault();
  const name = els.loginName.value.trim();
  const password = els.loginPassword.value;
  if (!name || !password) { els.loginError.textContent = T.needLogin; els.loginError.hidden = false; return; }
  els.loginSubmit.disabled = true;
  try {
    const data = await api('POST', '/api/operator/login', { name, password });
    csrf = data.csrf;
    me = data.operator || { name };
    els.loginPassword.value = '';
    els.loginError.hidden = true;
    showApp();
  } catch (err) {
    let msg;
    if (err.status === 401 || err.status === 403) msg = T.badLogin;
    else if (err.status === 429) msg = T.locked(err.retryAfter ? Math.ceil(err.retryAfter / 60) : 15);
    else msg = errText(err);
    els.loginError.textContent = msg;
    els.loginError.hidden = false;
    els.loginPassword.select();
  } finally {
    els.loginSubmit.disabled = false;
  }
});

els.logout.addEventListener('click', async () => {
  try { await api('POST', '/api/operator/logout', {}); } catch { /* signed out locally anyway */ }
  selectedId = null; detail = null; items = [];
  els.queue.replaceChildren();
  els.detailBody.hidden = true; els.detailEmpty.hidden = false;
  showLogin();
});

// ------------------------------------------------------------------ the queue

async function loadQueue() {
  try {
    const data = await api('GET', '/api/operator/queue');
    setQueue(data.items || [], data);
  } catch (e) {
    if (e.status !== 401) setStatus(errText(e), 'error');
  }
}
function loadQueueSoon() {
  clearTimeout(queueTimer);
  queueTimer = setTimeout(loadQueue, 150);
}

function itemSignature(it) {
  const { waiting, ...rest } = it; // waiting changes every second
  return JSON.stringify(rest);
}

function setQueue(list, data) {
  allItems = list;
  ws.onQueue(data || { items: list });
  applyView(new Map(items.map((i) => [i.id, i])));
}

// Shows the current view's items; before (the items shown until now)
// decides which ones flash as new.
function applyView(before = new Map()) {
  items = ws.filter(allItems);
  fetchedAt = Date.now();
  renderQueue(before);
  const cur = selectedId != null && allItems.find((i) => i.id === selectedId);
  if (cur && detail) {
    const changed = itemSignature(cur) !== itemSignature(detail.item);
    detail.item = cur;
    detailAt = fetchedAt;
    renderFacts();
    // The item changed (a new owner, a transfer…): fetch the transcript now.
    if (changed) loadDetail(selectedId, { quiet: true });
  }
}

// A queue event may mean a new citizen message in the open conversation
// (the item itself need not change), and the event does not say which
// conversation: look again, at most once every two seconds, since every
// transcript read is journalled.
let refetchAt = 0;
let refetchTimer = null;
function refetchOpen() {
  if (selectedId == null || !detail || detail.item.state === 'closed') return;
  const wait = Math.max(0, refetchAt + 2000 - Date.now());
  clearTimeout(refetchTimer);
  refetchTimer = setTimeout(() => {
    refetchAt = Date.now();
    if (selectedId != null) loadDetail(selectedId, { quiet: true });
  }, wait);
}

function renderQueue(before = new Map()) {
  const waitingCount = items.filter((i) => i.state !== 'closed' && !i.owner).length;
  els.queueCount.textContent = `(${items.length})`;
  document.title = waitingCount ? `(${waitingCount}) ${T.title}` : T.title;
  els.queueEmpty.hidden = items.length > 0;
  els.queueEmpty.textContent = ws.emptyText() || T.empty;
  if (focusId == null || !items.some((i) => i.id === focusId)) {
    focusId = selectedId != null && items.some((i) => i.id === selectedId) ? selectedId : items[0]?.id ?? null;
  }
  const hadFocus = els.queue.contains(document.activeElement);
  const frag = document.createDocumentFragment();
  for (const it of items) {
    const li = el('li');
    const b = el('button', 'q-item');
    b.type = 'button';
    b.dataset.id = String(it.id);
    b.tabIndex = it.id === focusId ? 0 : -1;
    if (it.id === selectedId) b.setAttribute('aria-current', 'true');
    b.classList.add(`prio-${it.priority || 'normal'}`);
    if (isOverdue(it)) b.classList.add('is-overdue');
    if (it.escalated) b.classList.add('is-escalated');
    if (!before.has(it.id) && before.size) b.classList.add('is-new');

    const l1 = el('span', 'q-line q-head');
    l1.append(el('strong', 'q-num', it.request_number || T.noNumber(it.id)));
    l1.append(el('span', `badge badge-prio prio-${it.priority || 'normal'}`, T.prio[it.priority] || it.priority || ''));
    if (isOverdue(it)) l1.append(el('span', 'badge badge-overdue', T.overdue));
    if (it.escalated) l1.append(el('span', 'badge badge-escalated', T.escalated));
    b.append(l1);

    b.append(el('span', 'q-line q-meta',
      [T.kind(it.kind), T.channel[it.channel] || it.channel, T.queue[it.queue] || it.queue, (it.lang || '').toUpperCase()]
        .filter(Boolean).join(' · ')));

    const cat = el('span', 'q-line q-cat');
    const qc = el('span', 'q-category', categoryLabel(it));
    if (it.category) qc.title = it.category;
    cat.append(qc);
    const cands = candidatesText(it);
    if (cands) cat.append(el('span', 'q-cands', cands));
    b.append(cat);
    if (it.topic) b.append(el('span', 'q-line q-topic', `${T.topic}: ${it.topic_label || it.topic}`));

    if (it.reason) b.append(el('span', 'q-line q-reason', reasonText(it.reason)));
    const ents = entitiesText(it.entities);
    if (ents) b.append(el('span', 'q-line q-ent', ents));

    const times = el('span', 'q-line q-times');
    const w = el('span', 'tick-wait');
    w.dataset.id = String(it.id);
    times.append(w);
    if (it.deadline != null) {
      const s = el('span', 'tick-sla');
      s.dataset.id = String(it.id);
      times.append(s);
    }
    b.append(times);
    b.append(el('span', `q-line q-owner${it.owner ? '' : ' is-free'}`, ownerText(it)));
    ws.itemExtras(b, it);

    b.addEventListener('click', () => { focusId = it.id; openItem(it.id); });
    b.addEventListener('focus', () => { focusId = it.id; updateRoving(); });
    li.append(b);
    frag.append(li);
  }
  els.queue.replaceChildren(frag);
  tick();
  if (hadFocus) focusQueue();
}

function updateRoving() {
  for (const b of els.queue.querySelectorAll('.q-item')) {
    b.tabIndex = Number(b.dataset.id) === focusId ? 0 : -1;
  }
}
function focusQueue() {
  const b = els.queue.querySelector(`.q-item[data-id="${focusId}"]`) || els.queue.querySelector('.q-item');
  if (b) b.focus();
}
function moveFocus(delta) {
  if (!items.length) return;
  if (!els.queue.contains(document.activeElement)) { focusQueue(); return; }
  let i = items.findIndex((x) => x.id === focusId);
  i = i < 0 ? 0 : Math.max(0, Math.min(items.length - 1, i + delta));
  focusId = items[i].id;
  updateRoving();
  focusQueue();
}

// Ticking clocks: waiting time and the SLA deadline, every second.
function tick() {
  const now = Date.now() / 1000;
  for (const n of document.querySelectorAll('.tick-wait, .tick-sla')) {
    const inDetail = n.closest('#d-facts');
    const id = Number(n.dataset.id);
    const it = inDetail ? detail?.item : items.find((i) => i.id === id);
    if (!it) continue;
    if (n.classList.contains('tick-wait')) {
      const w = waitingNow(it, inDetail ? detailAt : fetchedAt);
      n.textContent = w == null ? '' : `${inDetail ? '' : `${T.waiting} `}${dur(w)}`;
    } else if (it.deadline != null) {
      const left = it.deadline - now;
      if (it.state === 'closed') {
        n.textContent = `${inDetail ? '' : `${T.sla} `}${T.slaClosed(clock(it.deadline))}`;
        n.classList.remove('is-over', 'is-soon');
        continue;
      }
      const over = left < 0 || it.overdue;
      n.textContent = `${inDetail ? '' : `${T.sla} `}${over ? T.slaOver(clock(it.deadline), durWords(left)) : T.slaLeft(clock(it.deadline), durWords(left))}`;
      n.classList.toggle('is-over', over);
      n.classList.toggle('is-soon', !over && left < 300);
    }
  }
}
setInterval(tick, 1000);

els.queueRefresh.addEventListener('click', loadQueue);

// ------------------------------------------------------------------ the open item

async function openItem(id) {
  selectedId = id;
  for (const b of els.queue.querySelectorAll('.q-item')) {
    if (Number(b.dataset.id) === id) b.setAttribute('aria-current', 'true');
    else b.removeAttribute('aria-current');
  }
  setStatus('');
  els.reply.value = '';
  els.resolution.value = '';
  els.kbHits.replaceChildren();
  els.kbStatus.textContent = '';
  await loadDetail(id);
  if (detail?.item?.lang) els.kbLang.value = detail.item.lang === 'en' ? 'en' : 'ru';
  els.dTitle.focus();
}

async function loadDetail(id, { quiet = false } = {}) {
  try {
    const data = await api('GET', `/api/operator/conversations/${encodeURIComponent(id)}`);
    if (selectedId !== id) return;
    const msgs = data.messages || [];
    const item = data.item || items.find((i) => i.id === id) || { id };
    if (quiet && detail && detail.item.id === id) {
      // Keep what the operator is looking at; add only what is new.
      detail.item = item;
      detailAt = Date.now();
      renderFacts();
      for (const m of msgs) addTranscriptMessage(m);
      ws.onDetail(data);
      return;
    }
    detail = { item, messages: msgs };
    detailAt = Date.now();
    renderDetail();
    ws.onDetail(data);
  } catch (e) {
    if (!quiet) setStatus(errText(e), 'error');
  }
}

function renderFacts() {
  const it = detail.item;
  els.dTitle.textContent = it.request_number ? T.request(it.request_number) : T.noNumber(it.id);
  els.dBadges.replaceChildren();
  els.dBadges.append(el('span', `badge badge-prio prio-${it.priority || 'normal'}`, T.prio[it.priority] || it.priority || ''));
  if (isOverdue(it)) els.dBadges.append(el('span', 'badge badge-overdue', T.overdue));
  if (it.escalated) els.dBadges.append(el('span', 'badge badge-escalated', T.escalated));

  const f = els.dFacts;
  f.replaceChildren();
  const add = (k, v, cls) => {
    if (v == null || v === '') return null;
    const wrap = el('div', `fact${cls ? ` ${cls}` : ''}`);
    const dd = el('dd');
    if (v instanceof Node) dd.append(v); else dd.textContent = v;
    wrap.append(el('dt', null, k), dd);
    f.append(wrap);
    return dd;
  };
  add(T.facts.state, T.state[it.state] || it.state);
  add(T.facts.owner, ownerText(it));
  const w = el('span', 'tick-wait'); w.dataset.id = String(it.id);
  add(T.facts.waiting, w);
  if (it.deadline != null) {
    const s = el('span', 'tick-sla'); s.dataset.id = String(it.id);
    add(T.facts.deadline, s);
  }
  add(T.facts.channel, [T.kind(it.kind), T.channel[it.channel] || it.channel].filter(Boolean).join(', '));
  add(T.facts.queue, T.queue[it.queue] || it.queue);
  add(T.facts.lang, (it.lang || '').toUpperCase());
  add(T.facts.priority, T.prio[it.priority] || it.priority);
  const cat = el('span');
  const cl = el('strong', null, categoryLabel(it));
  if (it.category) cl.title = it.category;
  cat.append(cl);
  // The other candidates: the first is the category itself.
  const list = (it.candidates || []).filter((c) => c.intent !== it.category).slice(0, 2);
  if (list.length) {
    const ol = el('ol', 'cands');
    ol.setAttribute('aria-label', T.candidates);
    for (const c of list) {
      const li = el('li');
      const ci = el('span', 'cand-intent', c.label || c.intent);
      li.title = `${c.label || c.intent} (${c.intent})`;
      li.append(ci, ' ', el('span', 'cand-score', score(c.confidence ?? c.score)));
      ol.append(li);
    }
    cat.append(ol);
  }
  add(T.category, cat, 'wide');
  if (it.topic) add(T.topic, it.topic_label || it.topic);
  add(T.reason, reasonText(it.reason));
  add(T.entities, entitiesText(it.entities));
  ws.facts(add, it);
  tick();
  updateActions();
}

function updateActions() {
  const it = detail?.item;
  if (!it) return;
  const mine = !!(me && it.owner === me.name);
  const other = !!(it.owner && !mine);
  const closed = it.state === 'closed';
  els.take.hidden = mine;
  els.take.disabled = closed;
  els.take.textContent = other ? T.takeFrom(it.owner) : T.take;
  for (const b of [els.transfer, els.transferQueue, els.release, els.replySend, els.reply, els.close, els.resolution]) {
    b.disabled = closed || other;
  }
  if (it.queue) els.transferQueue.value = it.queue === 'general' ? 'senior' : 'general';
}

function renderDetail() {
  els.detailEmpty.hidden = true;
  els.detailBody.hidden = false;
  renderFacts();
  els.transcript.replaceChildren(...detail.messages.slice().sort((a, b) => a.id - b.id).map(renderMessage));
  els.transcript.scrollTop = els.transcript.scrollHeight;
}

function addTranscriptMessage(m) {
  if (!detail || !m || detail.messages.some((x) => x.id === m.id)) return;
  const t = els.transcript;
  const nearBottom = t.scrollHeight - t.scrollTop - t.clientHeight < 60;
  detail.messages.push(m);
  t.append(renderMessage(m));
  ws.onMessage(m);
  if (nearBottom || m.from === 'operator') t.scrollTop = t.scrollHeight;
}

function replaceItem(it) {
  if (!it) return;
  if (detail && detail.item.id === it.id) { detail.item = it; detailAt = Date.now(); renderFacts(); }
  const i = items.findIndex((x) => x.id === it.id);
  if (i >= 0) { items[i] = it; renderQueue(new Map(items.map((x) => [x.id, x]))); }
}

// ------------------------------------------------------------------ actions

async function take() {
  if (!detail) return false;
  const id = detail.item.id;
  try {
    const data = await api('POST', `/api/operator/conversations/${id}/take`, {});
    replaceItem(data.item || { ...detail.item, owner: me.name, state: 'operator' });
    setStatus(T.taken, 'ok');
    return true;
  } catch (e) {
    if (e.status === 409) {
      let owner = e.data?.owner || e.data?.item?.owner;
      if (!owner) {
        try {
          const d = await api('GET', `/api/operator/conversations/${id}`);
          owner = d.item?.owner;
          if (d.item) replaceItem(d.item);
        } catch { /* keep the generic text */ }
      }
      setStatus(owner ? T.alreadyTaken(owner) : T.err409, 'error');
    } else {
      setStatus(errText(e), 'error');
    }
    return false;
  }
}

els.take.addEventListener('click', async () => {
  if (await take()) els.reply.focus();
});

// A reply's idempotency key: the same while the same text is being sent
// again (its answer lost), so the server stores it once; a new one after.
let replyKey = null;
let replyKeyFor = null;
function newReplyKey() {
  const b = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_');
}

async function sendReply() {
  if (!detail) return;
  const text = els.reply.value.trim();
  if (!text) { setStatus(T.needReply, 'error'); els.reply.focus(); return; }
  if (!me || detail.item.owner !== me.name) {
    if (!(await take())) return;
  }
  els.replySend.disabled = true;
  const target = `${detail.item.id}\n${text}`;
  if (replyKeyFor !== target) { replyKey = newReplyKey(); replyKeyFor = target; }
  try {
    const data = await api('POST', `/api/operator/conversations/${detail.item.id}/reply`, { text, key: replyKey });
    replyKeyFor = null;
    addTranscriptMessage(data.message);
    els.reply.value = '';
    setStatus(T.replied, 'ok');
  } catch (e) {
    setStatus(errText(e), 'error');
  } finally {
    els.replySend.disabled = false;
    els.reply.focus();
  }
}
els.replyForm.addEventListener('submit', (e) => { e.preventDefault(); sendReply(); });
els.reply.addEventListener('input', () => ws.typed());
els.reply.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); sendReply(); }
});

els.transfer.addEventListener('click', async () => {
  if (!detail) return;
  const q = els.transferQueue.value;
  try {
    const data = await api('POST', `/api/operator/conversations/${detail.item.id}/transfer`, { queue: q });
    replaceItem(data.item || { ...detail.item, queue: q });
    const kept = !!(me && data.item && data.item.owner === me.name);
    setStatus((kept ? T.transferredKept : T.transferred)(T.queue[q] || q), 'ok');
    loadQueueSoon();
  } catch (e) { setStatus(errText(e), 'error'); }
});

els.release.addEventListener('click', async () => {
  if (!detail) return;
  try {
    await api('POST', `/api/operator/conversations/${detail.item.id}/release`, {});
    loadQueueSoon();
    await loadDetail(detail.item.id, { quiet: true });
    // A complaint or an incident stays open for its review.
    setStatus(detail.item.state === 'closed' ? T.released : T.releasedOpen, 'ok');
  } catch (e) { setStatus(errText(e), 'error'); }
});

els.closeForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!detail) return;
  const resolution = els.resolution.value.trim();
  if (!resolution) { setStatus(T.needResolution, 'error'); els.resolution.focus(); return; }
  try {
    await api('POST', `/api/operator/conversations/${detail.item.id}/close`, { resolution });
    detail.item = { ...detail.item, state: 'closed' };
    renderFacts();
    setStatus(T.closed, 'ok');
    els.resolution.value = '';
    loadQueueSoon();
    loadDetail(detail.item.id, { quiet: true });
  } catch (err) { setStatus(errText(err), 'error'); }
});

els.reload.addEventListener('click', () => { if (selectedId != null) loadDetail(selectedId); });

// ------------------------------------------------------------------ knowledge base

els.kbForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const q = els.kbQ.value.trim();
  if (!q) return;
  els.kbStatus.textContent = T.kbSearching;
  els.kbHits.replaceChildren();
  try {
    const data = await api('GET', `/api/operator/kb/search?q=${encodeURIComponent(q)}&lang=${encodeURIComponent(els.kbLang.value)}`);
    const hits = data.hits || [];
    els.kbStatus.textContent = hits.length ? T.kbFound(hits.length) : T.kbNone;
    for (const h of hits) {
      const li = el('li');
      const b = el('button', 'kb-hit');
      b.type = 'button';
      b.append(el('strong', 'kb-title', h.title || h.id));
      if (h.snippet) b.append(snippet(String(h.snippet)));
      b.append(el('span', 'kb-id', `${h.id}${h.lang ? ` · ${h.lang}` : ''}`));
      b.addEventListener('click', () => insertSummary(h));
      li.append(b);
      els.kbHits.append(li);
    }
  } catch (err) {
    els.kbStatus.textContent = errText(err);
  }
});

// The search marks matched words as [word]: show them highlighted, as text.
function snippet(text) {
  const out = el('span', 'kb-snippet');
  const re = /\[([^\[\]]{1,80})\]/g;
  let last = 0, m;
  while ((m = re.exec(text)) !== null) {
    out.append(text.slice(last, m.index), el('mark', null, m[1]));
    last = m.index + m[0].length;
  }
  out.append(text.slice(last));
  return out;
}

function insertSummary(h) {
  const text = String(h.summary || h.snippet || h.title || '').trim();
  if (text && insertText(text)) setStatus(T.kbInserted(h.title || h.id), 'ok');
}

// Puts text into the reply at the cursor, a paragraph of its own.
function insertText(text) {
  if (!text) return false;
  const ta = els.reply;
  if (ta.disabled) { setStatus(T.err409, 'error'); return false; }
  const start = ta.selectionStart ?? ta.value.length;
  const end = ta.selectionEnd ?? ta.value.length;
  const before = ta.value.slice(0, start);
  const sep = before && !before.endsWith('\n') ? '\n\n' : '';
  ta.setRangeText(sep + text, start, end, 'end');
  ta.focus();
  return true;
}

// ------------------------------------------------------------------ live events

function closeEvents() {
  if (es) es.close();
  es = null;
  clearTimeout(esTimer);
}

function openEvents() {
  closeEvents();
  const src = new EventSource('/api/operator/events', { withCredentials: true });
  es = src;
  src.addEventListener('open', () => {
    if (es !== src) return;
    esRetry = 0;
    els.conn.textContent = T.online;
    els.conn.className = 'conn is-online';
    loadQueue(); // catch up with whatever changed while we were away
  });
  src.addEventListener('queue', (e) => {
    let data = null;
    try { data = e.data ? JSON.parse(e.data) : null; } catch { data = null; }
    if (data && Array.isArray(data.items)) setQueue(data.items, data);
    else loadQueueSoon();
    refetchOpen();
  });
  src.addEventListener('typing', (e) => {
    try { ws.onTyping(JSON.parse(e.data)); } catch { /* a hint only */ }
  });
  // Not in docs/api.md yet: a message for a conversation, if the server sends one.
  src.addEventListener('message', (e) => {
    let data = null;
    try { data = JSON.parse(e.data); } catch { return; }
    const cid = data?.conversation ?? data?.conversation_id ?? data?.item_id;
    if (data?.message && cid === selectedId) addTranscriptMessage(data.message);
  });
  src.addEventListener('error', async () => {
    if (es !== src) return;
    els.conn.textContent = T.offline;
    els.conn.className = 'conn is-offline';
    if (src.readyState === EventSource.CLOSED) {
      // Refused outright: maybe the session ended.
      try { await api('GET', '/api/operator/me'); } catch (err) {
        if (err.status === 401) { showLogin(T.sessionGone); return; }
      }
      esRetry = Math.min(esRetry + 1, 5);
      esTimer = setTimeout(openEvents, 1000 * 2 ** esRetry);
    }
  });
}

// ------------------------------------------------------------------ keyboard

document.addEventListener('keydown', (e) => {
  if (els.app.hidden || e.ctrlKey || e.metaKey || e.altKey) return;
  const tgt = e.target;
  const typing = tgt instanceof HTMLElement && (tgt.closest('input, textarea, select') || tgt.isContentEditable);
  if (typing) {
    if (e.key === 'Escape') tgt.blur();
    return;
  }
  const inQueue = els.queue.contains(tgt);
  switch (e.key) {
    case 'j': moveFocus(1); break;
    case 'k': moveFocus(-1); break;
    case 'ArrowDown': if (!inQueue) return; moveFocus(1); break;
    case 'ArrowUp': if (!inQueue) return; moveFocus(-1); break;
    case 'o': if (focusId != null) openItem(focusId); break;
    case 't': if (detail && !els.take.hidden && !els.take.disabled) els.take.click(); break;
    case 'r': if (detail && !els.reply.disabled) els.reply.focus(); break;
    case '/': els.kbQ.focus(); break;
    case 'q': focusQueue(); break;
    default: return;
  }
  e.preventDefault();
});

// ------------------------------------------------------------------ the workspace

function markRead(id) {
  let changed = false;
  for (const it of [...allItems, ...items]) {
    if (it.id === id && it.unread) { it.unread = false; changed = true; }
  }
  if (changed) renderQueue(new Map(items.map((i) => [i.id, i])));
}

ws.init({
  api, el, clock, errText, setStatus,
  me: () => me,
  detail: () => detail,
  selected: () => selectedId,
  refresh: () => applyView(),
  reload: () => (selectedId != null ? loadDetail(selectedId, { quiet: true }) : null),
  open: (id) => openItem(id),
  insert: insertText,
  markRead,
});

// ------------------------------------------------------------------ go

(async function init() {
  try {
    const data = await api('GET', '/api/operator/me');
    csrf = data.csrf;
    me = data.operator;
    showApp();
  } catch {
    showLogin();
  }
}());
