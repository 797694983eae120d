// The operators' workspace in the console: the views Mine / Unassigned /
// All / Closed with counts, unread marks and the citizen's last message and
// rating on each item, notes for colleagues, assignment to a colleague,
// canned responses, the search of closed conversations, typing signals both
// ways, desktop notifications and a sound.  operator.js owns the queue and
// the open item and calls the hooks exported here; everything citizens or
// colleagues wrote is put in the page with textContent.

import { overlay } from './console-i18n.js';

const W = {
  unread: 'новое',
  unreadLabel: 'есть непрочитанные сообщения гражданина',
  last: 'Гражданин',
  rating: (n) => `Оценка: ${'★'.repeat(n)}${'☆'.repeat(5 - n)} ${n} из 5`,
  ratingFact: 'Оценка гражданина',
  ratingValue: (n, c) => `${'★'.repeat(n)}${'☆'.repeat(5 - n)} ${n} из 5${c ? ` — «${c}»` : ''}`,
  notes: (n) => `Заметок: ${n}`,
  closedAt: (t) => `закрыто ${t}`,
  noNotes: 'Заметок пока нет.',
  noteAdded: 'Заметка сохранена. Гражданин её не видит.',
  needNote: 'Напишите заметку.',
  assignedNote: (to) => `Назначено: ${to}`,
  assigned: (to) => `Обращение назначено: ${to}.`,
  needColleague: 'Выберите коллегу.',
  colleague: (c) => `${c.display_name ? `${c.display_name} (${c.name})` : c.name}${c.online ? ' · в сети' : ''} · в работе ${c.load}`,
  pick: '— выберите коллегу —',
  citizenTyping: 'Гражданин печатает…',
  cannedNone: 'Шаблонов пока нет.',
  cannedNoneEdit: 'Шаблонов пока нет — добавьте первый ниже.',
  cannedInserted: (t) => `Вставлен шаблон «${t}».`,
  cannedNoNumber: 'У обращения ещё нет номера: {request_number} оставлен пустым.',
  cannedSaved: 'Шаблон сохранён.',
  cannedDeleted: 'Шаблон удалён.',
  cannedNeed: 'Нужны название и текст.',
  edit: 'Изменить',
  found: (n, partial) => `Найдено: ${n}${partial ? ' (показаны последние — уточните поиск)' : ''}.`,
  searching: 'Ищем…',
  noneFound: 'Ничего не найдено.',
  notifyOn: 'Уведомления включены',
  notifyDenied: 'Уведомления запрещены в браузере',
  notifyAsk: 'Включить уведомления',
  newItem: (n) => `Новое обращение ${n}`,
  newMessage: (n) => `Новое сообщение: ${n}`,
  noNumber: (id) => `разговор №${id}`,
  empty: {
    mine: 'У вас нет обращений в работе.',
    unassigned: 'Свободных обращений нет.',
    closed: 'Закрытых обращений по этому запросу нет.',
  },
};

overlay(W, 'W');

const VIEW_KEY = 'hotline.console.view';
const SOUND_KEY = 'hotline.console.sound';
// How often this console tells the citizen that the operator types (the
// server keeps one signal per two seconds), and how long "the citizen is
// typing" shows without another signal.
const TYPING_EVERY_MS = 3000;
const TYPING_SHOW_MS = 7000;

const $ = (id) => document.getElementById(id);
let ctx = null;
let els = null;
let current = ['mine', 'unassigned', 'all', 'closed'].includes(localStorage.getItem(VIEW_KEY))
  ? localStorage.getItem(VIEW_KEY) : 'all';
let counts = {};
let closed = [];           // the Closed view: the last search's results
let known = null;          // id -> the citizen's last message time, for alerts
let canned = [];
let fill = {};
let colleagues = [];
let typingSent = { id: null, at: 0 }; // the last typing signal this console sent
let typingTimer = null;
let audio = null;
let shownId = null;        // the open item whose typing sign is shown

export function init(c) {
  ctx = c;
  els = {
    views: $('views'), notify: $('notify'), sound: $('sound'),
    search: $('search'), sNumber: $('s-number'), sText: $('s-text'), sEntity: $('s-entity'),
    sFrom: $('s-from'), sTo: $('s-to'), sStatus: $('s-status'),
    assignBox: $('assign-box'), assignOpen: $('assign-open'), assignForm: $('assign-form'), assignTo: $('assign-to'), assignNote: $('assign-note'), assign: $('assign'),
    citTyping: $('cit-typing'),
    notes: $('notes'), noteForm: $('note-form'), noteText: $('note-text'),
    canned: $('canned'), cannedStatus: $('canned-status'), cannedEdit: $('canned-edit'),
    cannedForm: $('canned-form'), cannedId: $('canned-id'), cannedTitle: $('canned-title-in'),
    cannedText: $('canned-text'), cannedLang: $('canned-lang'), cannedDelete: $('canned-delete'),
    cannedClear: $('canned-clear'),
  };
  for (const b of els.views.querySelectorAll('.view')) {
    b.addEventListener('click', () => setView(b.dataset.view));
  }
  els.views.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const tabs = [...els.views.querySelectorAll('.view')];
    const i = tabs.findIndex((t) => t.dataset.view === current);
    const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    setView(next.dataset.view);
    next.focus();
    e.preventDefault();
  });
  els.search.addEventListener('submit', (e) => { e.preventDefault(); search(); });
  els.noteForm.addEventListener('submit', (e) => { e.preventDefault(); addNote(); });
  els.assignForm.addEventListener('submit', (e) => { e.preventDefault(); assign(); });
  els.cannedForm.addEventListener('submit', (e) => { e.preventDefault(); saveCanned(); });
  els.cannedDelete.addEventListener('click', deleteCanned);
  els.cannedClear.addEventListener('click', () => editCanned(null));
  setupAlerts();
  paintViews();
}

// ------------------------------------------------------------ views

export function onSignedIn() {
  known = null;
  const me = ctx.me();
  els.cannedEdit.hidden = !(me && (me.role === 'senior' || me.role === 'admin'));
  loadCanned();
  loadColleagues();
  if (current === 'closed') search();
}

function setView(v) {
  if (v === current) return;
  current = v;
  localStorage.setItem(VIEW_KEY, v);
  paintViews();
  if (v === 'closed') search();
  ctx.refresh();
}

function paintViews() {
  for (const b of els.views.querySelectorAll('.view')) {
    const on = b.dataset.view === current;
    b.setAttribute('aria-selected', on ? 'true' : 'false');
    b.tabIndex = on ? 0 : -1;
  }
  els.search.hidden = current !== 'closed';
  for (const n of els.views.querySelectorAll('.view-count')) {
    const v = counts[n.dataset.count];
    n.textContent = v == null ? '' : `(${v})`;
  }
}

// The items of the current view, from the open items as the server sorted them.
export function filter(list) {
  const me = ctx.me();
  switch (current) {
    case 'mine': return list.filter((i) => me && i.owner === me.name);
    case 'unassigned': return list.filter((i) => !i.owner);
    case 'closed': return closed;
    default: return list;
  }
}

// What an empty view says (null: the queue's own words).
export function emptyText() { return W.empty[current] || null; }

export function onQueue(data) {
  if (data?.counts) counts = data.counts;
  paintViews();
  if (Array.isArray(data?.items)) alertChanges(data.items);
}

// What an item shows beyond the queue's own lines.
export function itemExtras(b, it) {
  if (it.unread && it.id !== ctx.selected()) {
    b.classList.add('is-unread');
    const head = b.querySelector('.q-head');
    const dot = ctx.el('span', 'badge badge-unread', W.unread);
    dot.title = W.unreadLabel;
    dot.setAttribute('aria-label', W.unreadLabel);
    head?.prepend(dot);
  }
  const text = it.snippet || it.last_message?.text;
  if (text) {
    const p = ctx.el('span', 'q-line q-last');
    p.append(ctx.el('span', 'q-last-who', `${W.last}: `), text);
    b.append(p);
  }
  if (it.rating) {
    const r = ctx.el('span', 'q-line q-rating', W.rating(it.rating));
    if (it.rating_comment) r.append(ctx.el('span', 'q-rating-comment', ` «${it.rating_comment}»`));
    b.append(r);
  }
  if (it.closed) b.append(ctx.el('span', 'q-line q-closed', W.closedAt(ctx.clock(it.closed))));
  if (it.notes) b.append(ctx.el('span', 'q-line q-notes', W.notes(it.notes)));
}

// What the open item's facts show beyond operator.js's: the rating.
export function facts(add, it) {
  if (it.rating) add(W.ratingFact, W.ratingValue(it.rating, it.rating_comment), 'wide fact-rating');
}

// ------------------------------------------------------------ search of closed conversations

function dayStart(v) {
  if (!v) return 0;
  const d = new Date(`${v}T00:00:00`);
  return Number.isNaN(d.getTime()) ? 0 : Math.floor(d.getTime() / 1000);
}

async function search() {
  const p = new URLSearchParams();
  const number = els.sNumber.value.trim();
  const q = els.sText.value.trim();
  const entity = els.sEntity.value.trim();
  if (number) p.set('number', number);
  if (q) p.set('q', q);
  if (entity) p.set('entity', entity);
  const from = dayStart(els.sFrom.value);
  const to = dayStart(els.sTo.value);
  if (from) p.set('from', String(from));
  if (to) p.set('to', String(to + 86400)); // the whole last day
  els.sStatus.textContent = W.searching;
  try {
    const data = await ctx.api('GET', `/api/operator/search?${p}`);
    closed = data.results || [];
    els.sStatus.textContent = closed.length ? W.found(closed.length, data.partial) : W.noneFound;
  } catch (e) {
    closed = [];
    els.sStatus.textContent = ctx.errText(e);
  }
  if (current === 'closed') ctx.refresh();
}

// ------------------------------------------------------------ the open item

export function onDetail(data) {
  const it = data?.item;
  if (!it) return;
  renderNotes(data.notes || []);
  paintAssign(it);
  // Another conversation: its citizen's typing is not this one's.
  if (it.id !== shownId) hideTyping();
  shownId = it.id;
  // The server marked it read for this operator.
  ctx.markRead(it.id);
}

function renderNotes(notes) {
  els.notes.replaceChildren();
  if (!notes.length) { els.notes.append(ctx.el('li', 'note-empty', W.noNotes)); return; }
  for (const n of notes) {
    const li = ctx.el('li', `note note-${n.kind}`);
    const meta = ctx.el('p', 'note-meta', `${n.author} · ${ctx.clock(n.at)}`);
    if (n.kind === 'assign' && n.assignee) meta.append(` · ${W.assignedNote(n.assignee)}`);
    li.append(meta);
    if (n.text) li.append(ctx.el('p', 'note-text', n.text));
    els.notes.append(li);
  }
}

async function addNote() {
  const d = ctx.detail();
  const text = els.noteText.value.trim();
  if (!d) return;
  if (!text) { ctx.setStatus(W.needNote, 'error'); els.noteText.focus(); return; }
  try {
    await ctx.api('POST', `/api/operator/conversations/${d.item.id}/notes`, { text });
    els.noteText.value = '';
    ctx.setStatus(W.noteAdded, 'ok');
    await ctx.reload();
  } catch (e) { ctx.setStatus(ctx.errText(e), 'error'); }
}

async function loadColleagues() {
  try {
    const data = await ctx.api('GET', '/api/operator/colleagues');
    colleagues = data.operators || [];
  } catch { colleagues = []; }
  const d = ctx.detail();
  if (d) paintAssign(d.item);
}

function paintAssign(it) {
  const me = ctx.me();
  const keep = els.assignTo.value;
  els.assignTo.replaceChildren(new Option(W.pick, ''));
  for (const c of colleagues) {
    if (c.name === it.owner) continue;
    els.assignTo.append(new Option(W.colleague(c), c.name));
  }
  if ([...els.assignTo.options].some((o) => o.value === keep)) els.assignTo.value = keep;
  const other = it.owner && me && it.owner !== me.name;
  const lead = me && (me.role === 'senior' || me.role === 'admin');
  const off = it.state === 'closed' || (other && !lead);
  for (const n of [els.assignTo, els.assignNote, els.assign]) n.disabled = off;
  els.assignBox.hidden = off;
}

async function assign() {
  const d = ctx.detail();
  if (!d) return;
  const to = els.assignTo.value;
  if (!to) { ctx.setStatus(W.needColleague, 'error'); els.assignTo.focus(); return; }
  const note = els.assignNote.value.trim();
  try {
    await ctx.api('POST', `/api/operator/conversations/${d.item.id}/assign`, note ? { to, note } : { to });
    els.assignNote.value = '';
    els.assignBox.open = false;
    ctx.setStatus(W.assigned(to), 'ok');
    await ctx.reload();
    loadColleagues();
  } catch (e) { ctx.setStatus(ctx.errText(e), 'error'); }
}

// ------------------------------------------------------------ typing, both ways

// The operator typed in the reply box: tell the citizen, at most every few seconds.
export function typed() {
  const d = ctx.detail();
  const me = ctx.me();
  if (!d || !me || d.item.owner !== me.name || d.item.state === 'closed') return;
  const now = Date.now();
  if (typingSent.id === d.item.id && now - typingSent.at < TYPING_EVERY_MS) return;
  typingSent = { id: d.item.id, at: now };
  ctx.api('POST', `/api/operator/conversations/${d.item.id}/typing`, {}).catch(() => { /* a hint only */ });
}

export function onTyping(data) {
  const id = ctx.selected();
  if (id == null || !Array.isArray(data?.conversations) || !data.conversations.includes(id)) return;
  els.citTyping.hidden = false;
  clearTimeout(typingTimer);
  typingTimer = setTimeout(hideTyping, TYPING_SHOW_MS);
}

export function onMessage(m) {
  if (m?.from === 'citizen') hideTyping();
}

function hideTyping() {
  clearTimeout(typingTimer);
  els.citTyping.hidden = true;
}

// ------------------------------------------------------------ canned responses

async function loadCanned() {
  try {
    const data = await ctx.api('GET', '/api/operator/canned');
    canned = data.canned || [];
    fill = data.fill || {};
  } catch (e) {
    els.cannedStatus.textContent = ctx.errText(e);
    return;
  }
  renderCanned();
}

function renderCanned() {
  const me = ctx.me();
  const lead = me && (me.role === 'senior' || me.role === 'admin');
  const lang = ctx.detail()?.item?.lang;
  const list = canned.slice().sort((a, b) => (b.lang === lang) - (a.lang === lang));
  els.canned.replaceChildren();
  els.cannedStatus.textContent = list.length ? '' : lead ? W.cannedNoneEdit : W.cannedNone;
  for (const c of list) {
    const li = ctx.el('li', 'canned-item');
    const b = ctx.el('button', 'canned-use');
    b.type = 'button';
    b.append(ctx.el('strong', 'canned-name', c.title), ctx.el('span', 'canned-lang', c.lang.toUpperCase()));
    b.append(ctx.el('span', 'canned-body', c.text));
    b.addEventListener('click', () => insertCanned(c));
    li.append(b);
    if (lead) {
      const e = ctx.el('button', 'btn btn-small canned-change', W.edit);
      e.type = 'button';
      e.setAttribute('aria-label', `${W.edit}: ${c.title}`);
      e.addEventListener('click', () => editCanned(c));
      li.append(e);
    }
    els.canned.append(li);
  }
}

function insertCanned(c) {
  const d = ctx.detail();
  const number = d?.item?.request_number || '';
  const text = c.text.replaceAll('{request_number}', number).replaceAll('{name}', fill.name || '').trim();
  if (ctx.insert(text)) {
    ctx.setStatus(!number && c.text.includes('{request_number}') ? W.cannedNoNumber : W.cannedInserted(c.title),
      !number && c.text.includes('{request_number}') ? 'error' : 'ok');
  }
}

function editCanned(c) {
  els.cannedEdit.open = true;
  els.cannedId.value = c ? String(c.id) : '';
  els.cannedTitle.value = c ? c.title : '';
  els.cannedText.value = c ? c.text : '';
  els.cannedLang.value = c ? c.lang : 'ru';
  els.cannedDelete.hidden = !c;
  (c ? els.cannedText : els.cannedTitle).focus();
}

async function saveCanned() {
  const title = els.cannedTitle.value.trim();
  const text = els.cannedText.value.trim();
  if (!title || !text) { els.cannedStatus.textContent = W.cannedNeed; return; }
  const id = els.cannedId.value;
  try {
    await ctx.api('POST', id ? `/api/operator/canned/${id}` : '/api/operator/canned',
      { title, text, lang: els.cannedLang.value });
    editCanned(null);
    els.cannedEdit.open = false;
    await loadCanned();
    els.cannedStatus.textContent = W.cannedSaved;
  } catch (e) { els.cannedStatus.textContent = ctx.errText(e); }
}

async function deleteCanned() {
  const id = els.cannedId.value;
  if (!id) return;
  try {
    await ctx.api('POST', `/api/operator/canned/${id}/delete`, {});
    editCanned(null);
    els.cannedEdit.open = false;
    await loadCanned();
    els.cannedStatus.textContent = W.cannedDeleted;
  } catch (e) { els.cannedStatus.textContent = ctx.errText(e); }
}

// ------------------------------------------------------------ notifications and sound

function setupAlerts() {
  els.sound.checked = localStorage.getItem(SOUND_KEY) === '1';
  els.sound.addEventListener('change', () => {
    localStorage.setItem(SOUND_KEY, els.sound.checked ? '1' : '0');
    if (els.sound.checked) beep(); // the change is a gesture: audio may start
  });
  if (!('Notification' in window)) { els.notify.hidden = true; return; }
  paintNotify();
  // Asked only on the operator's press, as browsers want.
  els.notify.addEventListener('click', async () => {
    try { await Notification.requestPermission(); } catch { /* old API */ }
    paintNotify();
  });
}

function paintNotify() {
  const p = Notification.permission;
  els.notify.textContent = p === 'granted' ? W.notifyOn : p === 'denied' ? W.notifyDenied : W.notifyAsk;
  els.notify.disabled = p !== 'default';
}

function beep() {
  try {
    audio = audio || new AudioContext();
    const o = audio.createOscillator();
    const g = audio.createGain();
    o.frequency.value = 880;
    g.gain.value = 0.08;
    o.connect(g).connect(audio.destination);
    o.start();
    o.stop(audio.currentTime + 0.15);
  } catch { /* no audio here */ }
}

function alertOf(title, it) {
  if (els.sound.checked) beep();
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(title, { body: it.last_message?.text || '', tag: `hotline-${it.id}` });
    n.onclick = () => { window.focus(); ctx.open(it.id); n.close(); };
  } catch { /* a page may not create them (mobile): the sound and the list remain */ }
}

// New items and new citizen messages in this operator's items or free ones
// since the last queue: a notification each (tagged per item), one sound.
function alertChanges(list) {
  const me = ctx.me();
  const now = new Map(list.map((i) => [i.id, i.last_message?.at || 0]));
  if (known) {
    for (const it of list) {
      const num = it.request_number || W.noNumber(it.id);
      if (!known.has(it.id)) alertOf(W.newItem(num), it);
      else if (now.get(it.id) > known.get(it.id) && it.unread && (!it.owner || (me && it.owner === me.name))
        && it.id !== ctx.selected()) alertOf(W.newMessage(num), it);
    }
  }
  known = now;
}
