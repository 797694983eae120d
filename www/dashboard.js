// The supervisor's dashboard (/operator/dashboard): the figures of
// GET /api/operator/dashboard (docs/dashboard.md) for a period, the live
// part refreshed every 15 seconds, charts drawn by charts.js, the same
// figures as CSV by a link.  Seniors and administrators only: the server
// answers 403 to an operator, 401 to nobody signed in, and the page says
// so.  Everything from the server goes in with textContent.

import { bars, columns } from './charts.js';
import { applyPage, lang, locale, overlay } from './console-i18n.js';
import { D_EN, DASH_PAGE_EN } from './dashboard-i18n.js';

// The live part every 15 seconds; the period's figures every minute while
// the period reaches today (they are heavier), else once.
const LIVE_MS = 15000;
const FULL_EVERY = 4;
const TZ = 'Europe/Moscow';

// What the page says, in Russian; dashboard-i18n.js lays English over it
// when the console's language is English.
const D = {
  queues: { general: 'Общая', english: 'Англоязычная', senior: 'Старшие операторы' },
  roles: { operator: 'оператор', senior: 'старший оператор', admin: 'администратор' },
  channels: { chat: 'Чат', email: 'Почта', messenger: 'Мессенджеры' },
  actions: {
    answer: 'Ответ из базы знаний', clarify: 'Уточняющий вопрос',
    handoff: 'Передано оператору', decline: 'Вне темы',
  },
  offline: 'Нет связи с сервером. Пробуем снова…',
  signIn: 'Войдите, чтобы увидеть панель.',
  signInLink: 'Вход в консоль операторов',
  forbidden: 'Панель руководителя смены доступна только старшим операторам и администраторам.',
  back: 'Вернуться в консоль',
  badPeriod: 'Период — от 1 до 92 дней, начало не позже конца.',
  noAnswer: 'Сервер не ответил. Пробуем снова…',
  waitingChat: (n) => `из них ждут в чате: ${n}`,
  yes: 'да',
  no: 'нет',
  at: (t) => `на ${t}`,
  conversations: (n) => `разговоров начато: ${n}`,
  handoffShare: (p) => `${p} решений бота`,
  csatCount: (n) => `оценок: ${n} (из 5)`,
  frNote: (c, p) => `отвечено: ${c}, ждут ответа: ${p}`,
  units: { s: 'с', min: 'мин', h: 'ч' },
  decimal: ',',
  hoursTitle: 'Сообщения граждан по часам и каналам',
  hoursEmpty: 'За период сообщений не было.',
  hour: 'Час',
  frTitle: 'Время первого ответа оператора',
  frHead: ['Перцентиль', 'Время'],
  frEmpty: 'За период операторы ещё не отвечали.',
  median: 'Медиана (50 %)',
  slowest: 'Дольше всех',
  decTitle: 'Решения бота',
  decHead: ['Решение', 'Сколько'],
  decEmpty: 'За период бот ничего не решал.',
  catsTitle: 'Категории, переданные операторам',
  catsHead: ['Категория', 'Передано'],
  catsEmpty: 'За период никого не передавали операторам.',
  topicsTitle: 'Услуги, по которым передают операторам',
  topicsHead: ['Услуга', 'Передано'],
  topicsEmpty: 'Передачи за период не касались конкретных услуг.',
  table: 'Таблица',
};
overlay(D, D_EN);
applyPage(DASH_PAGE_EN);

const CHANNELS = ['chat', 'email', 'messenger'].map((key) => ({ key, label: D.channels[key], cls: `s-${key}` }));
const ACTIONS = ['answer', 'clarify', 'handoff', 'decline'].map((key) => ({ key, label: D.actions[key], cls: `s-${key}` }));

const $ = (id) => document.getElementById(id);
const els = {
  notice: $('notice'), content: $('content'), form: $('period'), from: $('from'), to: $('to'),
  csv: $('csv'), updated: $('updated'), periodText: $('period-text'),
};

let figures = null;
let timer = null;
let ticks = 0;

// ---------------------------------------------------------------- formats

const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
const hourFmt = new Intl.DateTimeFormat(locale, { timeZone: TZ, hour: '2-digit', minute: '2-digit' });
const dateFmt = new Intl.DateTimeFormat(locale, { timeZone: TZ, day: '2-digit', month: '2-digit' });
const fullFmt = new Intl.DateTimeFormat(locale, { timeZone: TZ, day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' });

function today() { return dayFmt.format(new Date()); }
function daysBefore(day, n) {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}
// A day of the period: 07.12.2026 in Russian, 2026-12-07 in English (not
// ambiguous whichever order the reader is used to).
function showDay(day) { return lang === 'en' ? day : day.split('-').reverse().join('.'); }

function duration(s) {
  if (s == null) return '—';
  const u = D.units;
  if (s < 60) return `${s} ${u.s}`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} ${u.min} ${String(s % 60).padStart(2, '0')} ${u.s}`;
  return `${Math.floor(m / 60)} ${u.h} ${String(m % 60).padStart(2, '0')} ${u.min}`;
}
function percent(x) { return x == null ? '—' : `${(x * 100).toFixed(1).replace('.', D.decimal)} %`; }
function set(id, text) { $(id).textContent = text; }

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}
function row(cells, numFrom = 1) {
  const tr = el('tr');
  cells.forEach((c, i) => tr.append(el('td', i >= numFrom ? 'num' : null, String(c))));
  return tr;
}

// ---------------------------------------------------------------- loading

function showNotice(msg, link) {
  els.notice.replaceChildren(document.createTextNode(msg));
  if (link) {
    const a = el('a', null, link.text);
    a.href = link.href;
    els.notice.append(' ', a);
  }
  els.notice.hidden = false;
}

function period() {
  return { from: els.from.value || today(), to: els.to.value || today() };
}

async function load(liveOnly = false) {
  const p = period();
  const q = `from=${encodeURIComponent(p.from)}&to=${encodeURIComponent(p.to)}`;
  els.csv.href = `/api/operator/dashboard?${q}&format=csv`;
  let res;
  try {
    res = await fetch(`/api/operator/dashboard?${q}${liveOnly ? '&part=live' : ''}`, {
      credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' },
    });
  } catch {
    showNotice(D.offline);
    return;
  }
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (res.status === 401) {
    stop();
    els.content.hidden = true;
    els.form.hidden = true;
    showNotice(D.signIn, { href: '/operator', text: D.signInLink });
    return;
  }
  if (res.status === 403) {
    stop();
    els.content.hidden = true;
    els.form.hidden = true;
    showNotice(D.forbidden, { href: '/operator', text: D.back });
    return;
  }
  if (!res.ok || !data) {
    showNotice(res.status === 400 ? D.badPeriod : D.noAnswer);
    return;
  }
  els.notice.hidden = true;
  if (liveOnly) {
    renderLive(data.live, data.now);
    return;
  }
  figures = data;
  render(data);
}

function stop() { clearInterval(timer); timer = null; }
function start() {
  stop();
  ticks = 0;
  load();
  timer = setInterval(() => {
    ticks += 1;
    const toToday = period().to >= today();
    load(!(toToday && ticks % FULL_EVERY === 0));
  }, LIVE_MS);
}

// ---------------------------------------------------------------- rendering

function renderLive(live, now) {
  let queued = 0, waiting = 0, oldest = null;
  const qb = $('queues').tBodies[0];
  qb.replaceChildren();
  for (const q of live.queues) {
    queued += q.length;
    waiting += q.waiting;
    if (q.length > 0) oldest = Math.max(oldest ?? 0, q.oldest_wait);
    const tr = row([D.queues[q.queue] || q.queue, q.length, q.waiting, q.length ? duration(q.oldest_wait) : '—']);
    tr.dataset.queue = q.queue;
    qb.append(tr);
  }
  set('live-queued', String(queued));
  set('live-waiting', D.waitingChat(waiting));
  set('live-oldest', duration(oldest));
  const ob = $('operators').tBodies[0];
  ob.replaceChildren();
  let online = 0;
  for (const o of live.operators) {
    if (o.online) online += 1;
    const name = o.display_name ? `${o.display_name} (${o.name})` : o.name;
    const tr = row([name, D.roles[o.role] || o.role, o.online ? D.yes : D.no, o.load], 3);
    tr.dataset.operator = o.name;
    ob.append(tr);
  }
  $('operators-none').hidden = live.operators.length > 0;
  set('live-online', String(online));
  set('live-breaches', String(live.sla_breaches_today));
  $('live-breaches-card').classList.toggle('is-bad', live.sla_breaches_today > 0);
  set('updated', D.at(fullFmt.format(new Date(now * 1000))));
}

function renderTotals(f) {
  const t = f.totals;
  set('t-messages', String(t.messages));
  set('t-conversations', D.conversations(t.conversations));
  set('t-handoffs', String(t.handoffs));
  set('t-handoff-rate', D.handoffShare(percent(t.handoff_rate)));
  set('t-automation', percent(t.automation_rate));
  set('t-csat', t.csat_average == null ? '—' : String(t.csat_average).replace('.', D.decimal));
  set('t-csat-count', D.csatCount(t.csat_count));
  set('t-p50', duration(f.first_response.p50));
  set('t-fr-note', D.frNote(f.first_response.count, f.first_response.pending));
  set('t-breaches', String(t.sla_breaches));
  const p = f.period;
  set('period-text', p.from === p.to ? showDay(p.from) : `${showDay(p.from)} — ${showDay(p.to)}`);
}

// Every hour of the period up to now, zeros included.
function hourPoints(f) {
  const byHour = new Map(f.messages_per_hour.map((h) => [h.hour, h]));
  const end = Math.min(f.period.end, Math.ceil((f.now + 1) / 3600) * 3600);
  const pts = [];
  for (let t = f.period.start; t < end; t += 3600) {
    const h = byHour.get(t) || {};
    const values = {};
    for (const c of CHANNELS) values[c.key] = h[c.key] || 0;
    pts.push({ x: t, label: `${dateFmt.format(new Date(t * 1000))} ${hourFmt.format(new Date(t * 1000))}`, values });
  }
  return pts;
}

function renderCharts(f) {
  const pts = hourPoints(f);
  const days = pts.length / 24;
  const step = Math.max(1, Math.ceil(days / 10));
  columns($('c-hours'), {
    title: D.hoursTitle,
    series: CHANNELS,
    points: pts,
    empty: D.hoursEmpty,
    first: D.hour,
    summary: D.table,
    tick: (p, i) => {
      const d = new Date(p.x * 1000);
      if (days <= 2) return i % 3 === 0 ? hourFmt.format(d) : null;
      return i % (24 * step) === 0 ? dateFmt.format(d) : null;
    },
  });
  const fr = f.first_response;
  bars($('c-fr'), {
    title: D.frTitle,
    head: D.frHead,
    empty: D.frEmpty,
    summary: D.table,
    rows: fr.count ? [
      { label: D.median, value: fr.p50, text: duration(fr.p50) },
      { label: '90 %', value: fr.p90, text: duration(fr.p90) },
      { label: '95 %', value: fr.p95, text: duration(fr.p95) },
      { label: D.slowest, value: fr.max, text: duration(fr.max) },
    ] : [],
  });
  bars($('c-decisions'), {
    title: D.decTitle,
    head: D.decHead,
    empty: D.decEmpty,
    summary: D.table,
    rows: ACTIONS.map((a) => ({ label: a.label, value: f.decisions[a.key] || 0, cls: a.cls })),
  });
  bars($('c-cats'), {
    title: D.catsTitle,
    head: D.catsHead,
    empty: D.catsEmpty,
    summary: D.table,
    rows: f.handoff_categories.map((c) => ({ label: c.label, value: c.count })),
  });
  bars($('c-topics'), {
    title: D.topicsTitle,
    head: D.topicsHead,
    empty: D.topicsEmpty,
    summary: D.table,
    rows: f.handoff_topics.map((c) => ({ label: c.label, value: c.count })),
  });
}

function renderArticles(f) {
  const tb = $('articles').tBodies[0];
  tb.replaceChildren();
  for (const a of f.unhelpful_articles) {
    const tr = row([a.title, a.no, a.yes]);
    tr.dataset.article = a.article;
    tb.append(tr);
  }
  $('articles-none').hidden = f.unhelpful_articles.length > 0;
}

function render(f) {
  // Shown first: the charts take the width their boxes have.
  els.content.hidden = false;
  renderLive(f.live, f.now);
  renderTotals(f);
  renderCharts(f);
  renderArticles(f);
  document.body.dataset.loaded = String(f.now);
}

// ---------------------------------------------------------------- period

function setPeriod(from, to, push = true) {
  els.from.value = from;
  els.to.value = to;
  if (push) history.replaceState(null, '', `?from=${from}&to=${to}`);
  start();
}

els.form.addEventListener('submit', (e) => {
  e.preventDefault();
  const p = period();
  setPeriod(p.from, p.to);
});
for (const b of document.querySelectorAll('[data-days]')) {
  b.addEventListener('click', () => {
    const t = today();
    setPeriod(daysBefore(t, Number(b.dataset.days) - 1), t);
  });
}

let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { if (figures) renderCharts(figures); }, 150);
});

const params = new URLSearchParams(location.search);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
setPeriod(DAY.test(params.get('from') || '') ? params.get('from') : today(),
  DAY.test(params.get('to') || '') ? params.get('to') : today(), false);
