// The supervisor's dashboard (/operator/dashboard): the figures of
// GET /api/operator/dashboard (docs/dashboard.md) for a period, the live
// part refreshed every 15 seconds, charts drawn by charts.js, the same
// figures as CSV by a link.  Seniors and administrators only: the server
// answers 403 to an operator, 401 to nobody signed in, and the page says
// so.  Everything from the server goes in with textContent.

import { bars, columns } from './charts.js';

// The live part every 15 seconds; the period's figures every minute while
// the period reaches today (they are heavier), else once.
const LIVE_MS = 15000;
const FULL_EVERY = 4;
const TZ = 'Europe/Moscow';

const QUEUES = { general: 'Общая', english: 'Англоязычная', senior: 'Старшие операторы' };
const ROLES = { operator: 'оператор', senior: 'старший оператор', admin: 'администратор' };
const CHANNELS = [
  { key: 'chat', label: 'Чат', cls: 's-chat' },
  { key: 'email', label: 'Почта', cls: 's-email' },
  { key: 'messenger', label: 'Мессенджеры', cls: 's-messenger' },
];
const ACTIONS = [
  { key: 'answer', label: 'Ответ из базы знаний', cls: 's-answer' },
  { key: 'clarify', label: 'Уточняющий вопрос', cls: 's-clarify' },
  { key: 'handoff', label: 'Передано оператору', cls: 's-handoff' },
  { key: 'decline', label: 'Вне темы', cls: 's-decline' },
];

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
const hourFmt = new Intl.DateTimeFormat('ru-RU', { timeZone: TZ, hour: '2-digit', minute: '2-digit' });
const dateFmt = new Intl.DateTimeFormat('ru-RU', { timeZone: TZ, day: '2-digit', month: '2-digit' });
const fullFmt = new Intl.DateTimeFormat('ru-RU', { timeZone: TZ, day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' });

function today() { return dayFmt.format(new Date()); }
function daysBefore(day, n) {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}
function ruDay(day) { return day.split('-').reverse().join('.'); }

function duration(s) {
  if (s == null) return '—';
  if (s < 60) return `${s} с`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} мин ${String(s % 60).padStart(2, '0')} с`;
  return `${Math.floor(m / 60)} ч ${String(m % 60).padStart(2, '0')} мин`;
}
function percent(x) { return x == null ? '—' : `${(x * 100).toFixed(1).replace('.', ',')} %`; }
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
    showNotice('Нет связи с сервером. Пробуем снова…');
    return;
  }
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  if (res.status === 401) {
    stop();
    els.content.hidden = true;
    els.form.hidden = true;
    showNotice('Войдите, чтобы увидеть панель.', { href: '/operator', text: 'Вход в консоль операторов' });
    return;
  }
  if (res.status === 403) {
    stop();
    els.content.hidden = true;
    els.form.hidden = true;
    showNotice('Панель руководителя смены доступна только старшим операторам и администраторам.',
      { href: '/operator', text: 'Вернуться в консоль' });
    return;
  }
  if (!res.ok || !data) {
    showNotice(res.status === 400 ? 'Период — от 1 до 92 дней, начало не позже конца.' : 'Сервер не ответил. Пробуем снова…');
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
    const tr = row([QUEUES[q.queue] || q.queue, q.length, q.waiting, q.length ? duration(q.oldest_wait) : '—']);
    tr.dataset.queue = q.queue;
    qb.append(tr);
  }
  set('live-queued', String(queued));
  set('live-waiting', `из них ждут в чате: ${waiting}`);
  set('live-oldest', duration(oldest));
  const ob = $('operators').tBodies[0];
  ob.replaceChildren();
  let online = 0;
  for (const o of live.operators) {
    if (o.online) online += 1;
    const name = o.display_name ? `${o.display_name} (${o.name})` : o.name;
    const tr = row([name, ROLES[o.role] || o.role, o.online ? 'да' : 'нет', o.load], 3);
    tr.dataset.operator = o.name;
    ob.append(tr);
  }
  $('operators-none').hidden = live.operators.length > 0;
  set('live-online', String(online));
  set('live-breaches', String(live.sla_breaches_today));
  $('live-breaches-card').classList.toggle('is-bad', live.sla_breaches_today > 0);
  set('updated', `на ${fullFmt.format(new Date(now * 1000))}`);
}

function renderTotals(f) {
  const t = f.totals;
  set('t-messages', String(t.messages));
  set('t-conversations', `разговоров начато: ${t.conversations}`);
  set('t-handoffs', String(t.handoffs));
  set('t-handoff-rate', `${percent(t.handoff_rate)} решений бота`);
  set('t-automation', percent(t.automation_rate));
  set('t-csat', t.csat_average == null ? '—' : String(t.csat_average).replace('.', ','));
  set('t-csat-count', `оценок: ${t.csat_count} (из 5)`);
  set('t-p50', duration(f.first_response.p50));
  set('t-fr-note', `отвечено: ${f.first_response.count}, ждут ответа: ${f.first_response.pending}`);
  set('t-breaches', String(t.sla_breaches));
  const p = f.period;
  set('period-text', p.from === p.to ? ruDay(p.from) : `${ruDay(p.from)} — ${ruDay(p.to)}`);
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
    title: 'Сообщения граждан по часам и каналам',
    series: CHANNELS,
    points: pts,
    empty: 'За период сообщений не было.',
    tick: (p, i) => {
      const d = new Date(p.x * 1000);
      if (days <= 2) return i % 3 === 0 ? hourFmt.format(d) : null;
      return i % (24 * step) === 0 ? dateFmt.format(d) : null;
    },
  });
  const fr = f.first_response;
  bars($('c-fr'), {
    title: 'Время первого ответа оператора',
    head: ['Перцентиль', 'Время'],
    empty: 'За период операторы ещё не отвечали.',
    rows: fr.count ? [
      { label: 'Медиана (50 %)', value: fr.p50, text: duration(fr.p50) },
      { label: '90 %', value: fr.p90, text: duration(fr.p90) },
      { label: '95 %', value: fr.p95, text: duration(fr.p95) },
      { label: 'Дольше всех', value: fr.max, text: duration(fr.max) },
    ] : [],
  });
  bars($('c-decisions'), {
    title: 'Решения бота',
    head: ['Решение', 'Сколько'],
    empty: 'За период бот ничего не решал.',
    rows: ACTIONS.map((a) => ({ label: a.label, value: f.decisions[a.key] || 0, cls: a.cls })),
  });
  bars($('c-cats'), {
    title: 'Категории, переданные операторам',
    head: ['Категория', 'Передано'],
    empty: 'За период никого не передавали операторам.',
    rows: f.handoff_categories.map((c) => ({ label: c.label, value: c.count })),
  });
  bars($('c-topics'), {
    title: 'Услуги, по которым передают операторам',
    head: ['Услуга', 'Передано'],
    empty: 'Передачи за период не касались конкретных услуг.',
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
