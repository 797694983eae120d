// The console's words and how it draws: the text table T (English laid
// over it when the operator chose it, console-i18n.js), the formatting of
// durations, clocks and scores, and one transcript message.  What is shown
// of the server's HTML goes through safehtml.js.

import { locale, overlay } from './console-i18n.js';
import { safeFragment } from './safehtml.js';

export const T = {
  title: 'Консоль операторов — горячая линия Госуслуг',
  prio: { critical: 'критический', high: 'высокий', medium: 'средний', low: 'низкий', normal: 'обычный' },
  channel: { chat: 'чат', email: 'почта', messenger: 'мессенджер' },
  queue: { general: 'общая', english: 'англоязычная', senior: 'старший специалист' },
  state: { queued: 'ждёт оператора', operator: 'у оператора', closed: 'закрыто', bot: 'у бота' },
  from: { citizen: 'Гражданин', bot: 'Помощник (бот)', operator: 'Оператор', system: 'Система' },
  entity: { phone: 'телефон', inn: 'ИНН', snils: 'СНИЛС', passport: 'паспорт', email: 'почта', request_number: 'номер обращения' },
  role: { operator: 'оператор', senior: 'старший', admin: 'администратор' },
  kind: (k) => (!k ? '' : k === 'chat' ? 'разговор' : k === 'complaint' ? 'жалоба'
    : k.startsWith('incident') ? 'инцидент' : k),
  free: 'свободно',
  mine: 'у вас',
  take: 'Взять',
  takeFrom: (n) => `Взять (сейчас: ${n})`,
  kib: 'КБ',
  units: { s: 'с', min: 'мин', h: 'ч', d: 'д' },
  ownedBy: (n) => `взял(а) ${n}`,
  alreadyTaken: (n) => `Уже взял(а) ${n}.`,
  waiting: 'ждёт',
  sla: 'SLA',
  slaLeft: (t, d) => `до ${t}, осталось ${d}`,
  slaClosed: (t) => `был до ${t}; обращение закрыто`,
  slaOver: (t, d) => `просрочен с ${t} (на ${d})`,
  overdue: 'просрочено',
  escalated: 'эскалировано',
  noNumber: (id) => `Разговор №${id}`,
  request: (n) => `Обращение ${n}`,
  empty: 'Очередь пуста — все обращения разобраны.',
  online: 'в сети',
  offline: 'нет связи — переподключаемся…',
  badLogin: 'Неверное имя пользователя или пароль.',
  locked: (m) => `Слишком много неудачных попыток. Вход заблокирован${m ? ` примерно на ${m} мин` : ''}.`,
  needLogin: 'Введите имя пользователя и пароль.',
  sessionGone: 'Сессия закончилась — войдите снова.',
  err403: 'Действие запрещено (нет прав или устарел токен защиты). Обновите страницу.',
  err403short: 'Действие запрещено',
  err409short: 'Конфликт',
  err404: 'Обращение не найдено — возможно, оно уже закрыто.',
  err409: 'Обращение уже у другого оператора.',
  err413: 'Текст слишком длинный.',
  err429: (s) => `Слишком много запросов. Повторите через ${s} с.`,
  err5xx: 'Сервер перегружен или недоступен. Повторите через минуту.',
  errNet: 'Нет связи с сервером.',
  err400: (m) => `Запрос отклонён${m ? `: ${m}` : '.'}`,
  taken: 'Обращение за вами. Можно отвечать.',
  replied: 'Ответ отправлен — гражданин видит его сразу.',
  transferred: (q) => `Передано в очередь «${q}».`,
  transferredKept: (q) => `Перенесено в очередь «${q}»; обращение осталось за вами.`,
  released: 'Разговор возвращён боту.',
  releasedOpen: 'Разговор возвращён боту; обращение осталось в очереди со своим сроком.',
  closed: 'Обращение закрыто. Гражданину предложено оценить помощь.',
  needResolution: 'Опишите итог обращения, чтобы закрыть его.',
  needReply: 'Напишите ответ.',
  kbNone: 'Ничего не найдено.',
  kbFound: (n) => `Найдено статей: ${n}. Нажмите на статью, чтобы вставить её краткое содержание в ответ.`,
  kbSearching: 'Ищем…',
  kbInserted: (t) => `Вставлено: «${t}».`,
  choices: 'Уточняющий вопрос, варианты:',
  // Why the bot handed over (the classifier's and the channels' reasons).
  reasonText: {
    'asked for a person': 'гражданин попросил оператора',
    'asked for a person (button)': 'гражданин нажал «Оператор»',
    'registered request': 'зарегистрировано обращение',
    'not confident': 'бот не уверен в ответе',
    'two close candidates': 'два близких варианта',
    'two close services': 'две близкие услуги',
    'chosen by the citizen': 'выбрано гражданином',
    'confident': 'бот уверен',
    'out of scope': 'вне тематики горячей линии',
    'not sure it is out of scope': 'возможно, вне тематики',
    'empty message': 'пустое сообщение',
    'nothing in the message relates to the portal': 'сообщение не о портале',
    'not sure enough to answer a letter': 'бот не уверен, чтобы ответить письмом',
    'a letter from an organisation': 'письмо от организации',
    'asks to be called or helped by a person': 'просит позвонить или помочь лично',
    "another person's data (personal-data incident)": 'данные другого человека (инцидент с персональными данными)',
  },
  attachment: 'Вложение',
  download: 'Скачать',
  preview: 'Показать',
  delivery: {
    failed: (why) => `Письмо гражданину не отправлено${why ? `: ${T.deliveryWhy[why] || why}` : ''}.`,
    pending: 'Письмо ждёт отправки.',
    sent: 'Письмо отправлено.',
  },
  deliveryWhy: { 'no address to answer to': 'в его письме нет адреса, на который можно ответить' },
  candidates: 'Кандидаты',
  reason: 'Причина передачи',
  entities: 'Данные (маскированы)',
  category: 'Категория',
  topic: 'Услуга',
  facts: {
    state: 'Состояние', channel: 'Вид и канал', queue: 'Очередь', lang: 'Язык', priority: 'Приоритет',
    waiting: 'Ожидание', deadline: 'Срок (SLA)', owner: 'Ответственный',
  },
};

// English over the table when the operator chose it.
overlay(T, 'T');

export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

export function dur(sec) {
  sec = Math.max(0, Math.floor(sec));
  const u = T.units;
  if (sec < 60) return `${sec} ${u.s}`;
  if (sec < 3600) return `${Math.floor(sec / 60)}:${String(sec % 60).padStart(2, '0')}`;
  const h = Math.floor(sec / 3600), m = Math.floor((sec % 3600) / 60);
  if (h < 48) return `${h} ${u.h} ${String(m).padStart(2, '0')} ${u.min}`;
  return `${Math.floor(h / 24)} ${u.d} ${h % 24} ${u.h}`;
}
export function durWords(sec) {
  sec = Math.max(0, Math.floor(Math.abs(sec)));
  const u = T.units;
  if (sec < 60) return `${sec} ${u.s}`;
  if (sec < 3600) return `${Math.floor(sec / 60)} ${u.min}`;
  const h = Math.floor(sec / 3600), m = Math.floor((sec % 3600) / 60);
  if (h < 48) return m ? `${h} ${u.h} ${m} ${u.min}` : `${h} ${u.h}`;
  return `${Math.floor(h / 24)} ${u.d} ${h % 24} ${u.h}`;
}
export function clock(unix) {
  const d = new Date(unix * 1000);
  const now = new Date();
  const opts = d.toDateString() === now.toDateString()
    ? { hour: '2-digit', minute: '2-digit' }
    : { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(locale, opts).format(d);
}
export function score(c) {
  const v = Number(c);
  return Number.isFinite(v) ? v.toFixed(2) : '—';
}
export function waitingNow(item, base) {
  if (item.waiting == null) return null;
  // The server stops the clock when someone takes the item.
  if (item.state !== 'queued' || item.owner) return item.waiting;
  return item.waiting + (Date.now() - base) / 1000;
}
export function isOverdue(item) {
  if (item.overdue) return true;
  return item.state !== 'closed' && item.deadline != null && item.deadline * 1000 < Date.now();
}
export function entitiesText(ent) {
  if (!ent || typeof ent !== 'object') return '';
  return Object.entries(ent)
    .map(([k, v]) => `${T.entity[k] || k}: ${Array.isArray(v) ? v.join(', ') : v}`)
    .join('; ');
}
export function candidatesText(item) {
  return (item.candidates || []).slice(0, 3)
    .map((c) => `${c.label || c.intent} ${score(c.confidence ?? c.score)}`).join(' · ');
}
// A category by its name in the taxonomy (the server puts it on each
// candidate); the code only when no name came with it.
export function categoryLabel(item) {
  const c = (item.candidates || []).find((x) => x.intent === item.category);
  return c?.label || item.category_label || item.category || '—';
}
export function reasonText(r) {
  return r ? T.reasonText[r] || r : r;
}

export function renderMessage(m) {
  const li = el('li', `t-msg t-${['citizen', 'bot', 'operator'].includes(m.from) ? m.from : 'system'}`);
  li.dataset.id = String(m.id);
  const meta = el('p', 't-meta');
  const who = el('span', 't-who', m.from === 'operator' && m.author ? `${T.from.operator} ${m.author}` : (T.from[m.from] || m.from));
  if (m.from === 'system') who.classList.add('visually-hidden');
  meta.append(who);
  if (m.at) {
    const time = el('time', null, clock(m.at));
    time.dateTime = new Date(m.at * 1000).toISOString();
    meta.append(m.from === 'system' ? ' ' : ' · ', time);
  }
  li.append(meta);
  const body = el('div', 't-body');
  if ((m.from === 'bot' || m.from === 'operator') && typeof m.html === 'string' && m.html.trim()) {
    body.classList.add('rich');
    body.append(safeFragment(m.html));
  } else {
    body.classList.add('plain');
    body.textContent = m.text ?? ''; // people's text: never markup
  }
  li.append(body);
  if (m.request_number) li.append(el('p', 't-req', `№ ${m.request_number}`));
  if (Array.isArray(m.choices) && m.choices.length) {
    const p = el('div', 't-choices');
    p.append(el('span', null, T.choices));
    const ul = el('ul');
    for (const c of m.choices) ul.append(el('li', null, c.label || c.intent));
    p.append(ul);
    li.append(p);
  }
  if (m.delivery?.status) {
    const d = T.delivery[m.delivery.status];
    const p = el('p', `t-delivery t-delivery-${m.delivery.status}`, typeof d === 'function' ? d(m.delivery.error) : d || m.delivery.status);
    if (m.delivery.status === 'failed') p.setAttribute('role', 'note');
    li.append(p);
  }
  if (m.attachment) {
    const a = m.attachment;
    const p = el('p', 't-att', `${T.attachment}: ${a.name || ''} · ${a.type || ''} · ${a.size != null ? `${Math.max(1, Math.round(a.size / 1024))} ${T.kib}` : ''} `);
    if (a.id != null) {
      // Served as a download (Content-Disposition: attachment); each
      // opening is journalled, so previews are drawn only on request.
      const url = `/api/operator/attachments/${encodeURIComponent(a.id)}`;
      const dl = el('a', 't-att-link', T.download);
      dl.href = url;
      dl.download = a.name || '';
      p.append(dl);
      // Images and PDFs from the preview route: inline there, in a
      // sandbox (Content-Security-Policy: sandbox), and the PDF in a
      // frame of its own; other types are downloaded only.
      const image = /^image\/(png|jpeg)$/.test(a.type || '');
      if (image || a.type === 'application/pdf') {
        const show = el('button', 'btn btn-small t-att-show', T.preview);
        show.type = 'button';
        show.addEventListener('click', () => {
          let view;
          if (image) {
            view = el('img', 't-att-preview');
            view.alt = a.name || T.attachment;
          } else {
            view = el('iframe', 't-att-preview t-att-pdf');
            view.title = `${T.attachment}: ${a.name || ''}`;
          }
          view.src = `${url}/preview`;
          show.replaceWith(view);
        });
        p.append(' ', show);
      }
    }
    li.append(p);
  }
  return li;
}
