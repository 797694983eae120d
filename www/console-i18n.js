// The console in English.  The console is written in Russian (operator.js's
// T, workspace.js's W, operator.html); an operator who reads English better
// presses "EN" in the header, and this module lays English over those
// tables and over the page's fixed text before anything is drawn.  Names
// that come from the server (categories and services from the taxonomy)
// stay as the editors wrote them.

const KEY = 'hotline.console.lang';

export const lang = localStorage.getItem(KEY) === 'en' ? 'en' : 'ru';
export const locale = lang === 'en' ? 'en-GB' : 'ru-RU';

const T_EN = {
  title: 'Operators\' console — Gosuslugi hotline',
  prio: { critical: 'critical', high: 'high', medium: 'medium', low: 'low', normal: 'normal' },
  channel: { chat: 'chat', email: 'e-mail', messenger: 'messenger' },
  queue: { general: 'general', english: 'English', senior: 'senior specialist' },
  state: { queued: 'waiting for an operator', operator: 'with an operator', closed: 'closed', bot: 'with the bot' },
  from: { citizen: 'Citizen', bot: 'Assistant (bot)', operator: 'Operator', system: 'System' },
  entity: { phone: 'phone', inn: 'INN', snils: 'SNILS', passport: 'passport', email: 'e-mail', request_number: 'request number' },
  role: { operator: 'operator', senior: 'senior', admin: 'administrator' },
  kind: (k) => (!k ? '' : k === 'chat' ? 'conversation' : k === 'complaint' ? 'complaint'
    : k.startsWith('incident') ? 'incident' : k),
  free: 'free',
  mine: 'yours',
  ownedBy: (n) => `taken by ${n}`,
  alreadyTaken: (n) => `${n} has taken it already.`,
  take: 'Take',
  takeFrom: (n) => `Take (now: ${n})`,
  waiting: 'waiting',
  sla: 'SLA',
  slaLeft: (t, d) => `by ${t}, ${d} left`,
  slaClosed: (t) => `was by ${t}; the request is closed`,
  slaOver: (t, d) => `overdue since ${t} (by ${d})`,
  overdue: 'overdue',
  escalated: 'escalated',
  noNumber: (id) => `Conversation #${id}`,
  request: (n) => `Request ${n}`,
  empty: 'The queue is empty: every request is handled.',
  online: 'online',
  offline: 'no connection — reconnecting…',
  badLogin: 'Wrong user name or password.',
  locked: (m) => `Too many failed attempts. Signing in is blocked${m ? ` for about ${m} min` : ''}.`,
  needLogin: 'Enter your user name and password.',
  sessionGone: 'The session has ended — please sign in again.',
  err403: 'Not allowed (no rights, or the protection token is out of date). Reload the page.',
  err403short: 'Not allowed',
  err409short: 'Conflict',
  err404: 'Request not found — it may be closed already.',
  err409: 'Another operator has the request.',
  err413: 'The text is too long.',
  err429: (s) => `Too many requests. Try again in ${s} s.`,
  err5xx: 'The server is overloaded or unavailable. Try again in a minute.',
  errNet: 'No connection to the server.',
  err400: (m) => `Request refused${m ? `: ${m}` : '.'}`,
  taken: 'The request is yours. You can reply.',
  replied: 'Reply sent — the citizen sees it at once.',
  transferred: (q) => `Passed to the "${q}" queue.`,
  transferredKept: (q) => `Moved to the "${q}" queue; the request stays with you.`,
  released: 'The conversation went back to the bot.',
  releasedOpen: 'The conversation went back to the bot; the request stays in the queue with its deadline.',
  closed: 'The request is closed. The citizen is asked to rate the help.',
  needResolution: 'Describe the outcome to close the request.',
  needReply: 'Write a reply.',
  kbNone: 'Nothing found.',
  kbFound: (n) => `Articles found: ${n}. Press an article to insert its summary into the reply.`,
  kbSearching: 'Searching…',
  kbInserted: (t) => `Inserted: "${t}".`,
  choices: 'Clarifying question, options:',
  reasonText: {
    'asked for a person': 'the citizen asked for an operator',
    'asked for a person (button)': 'the citizen pressed "Operator"',
    'registered request': 'a request was registered',
    'not confident': 'the bot is not sure of the answer',
    'two close candidates': 'two close options',
    'two close services': 'two close services',
    'chosen by the citizen': 'chosen by the citizen',
    'confident': 'the bot is sure',
    'out of scope': 'outside the hotline\'s subjects',
    'not sure it is out of scope': 'maybe outside the hotline\'s subjects',
    'empty message': 'an empty message',
    'nothing in the message relates to the portal': 'the message is not about the portal',
    'not sure enough to answer a letter': 'the bot is not sure enough to answer a letter',
    'a letter from an organisation': 'a letter from an organisation',
    'asks to be called or helped by a person': 'asks to be called or helped in person',
    "another person's data (personal-data incident)": 'another person\'s data (a personal-data incident)',
  },
  attachment: 'Attachment',
  download: 'Download',
  preview: 'Show',
  kib: 'KiB',
  delivery: {
    failed: (why) => `The letter to the citizen was not sent${why ? `: ${T_EN.deliveryWhy[why] || why}` : ''}.`,
    pending: 'The letter waits to be sent.',
    sent: 'The letter was sent.',
  },
  deliveryWhy: { 'no address to answer to': 'their letter has no address to answer to' },
  candidates: 'Candidates',
  reason: 'Why handed over',
  entities: 'Data (masked)',
  category: 'Category',
  topic: 'Service',
  facts: {
    state: 'State', channel: 'Kind and channel', queue: 'Queue', lang: 'Language', priority: 'Priority',
    waiting: 'Waiting', deadline: 'Deadline (SLA)', owner: 'Assignee',
  },
  units: { s: 's', min: 'min', h: 'h', d: 'd' },
};

const W_EN = {
  unread: 'new',
  unreadLabel: 'the citizen wrote messages you have not read',
  last: 'Citizen',
  rating: (n) => `Rating: ${'★'.repeat(n)}${'☆'.repeat(5 - n)} ${n} of 5`,
  ratingFact: 'Citizen\'s rating',
  ratingValue: (n, c) => `${'★'.repeat(n)}${'☆'.repeat(5 - n)} ${n} of 5${c ? ` — "${c}"` : ''}`,
  notes: (n) => `Notes: ${n}`,
  closedAt: (t) => `closed ${t}`,
  noNotes: 'No notes yet.',
  noteAdded: 'Note saved. The citizen does not see it.',
  needNote: 'Write a note.',
  assignedNote: (to) => `Assigned to ${to}`,
  assigned: (to) => `The request is assigned to ${to}.`,
  needColleague: 'Choose a colleague.',
  colleague: (c) => `${c.display_name ? `${c.display_name} (${c.name})` : c.name}${c.online ? ' · online' : ''} · holds ${c.load}`,
  pick: '— choose a colleague —',
  citizenTyping: 'The citizen is typing…',
  cannedNone: 'No canned responses yet.',
  cannedNoneEdit: 'No canned responses yet — add the first one below.',
  cannedInserted: (t) => `Inserted the canned response "${t}".`,
  cannedNoNumber: 'The request has no number yet: {request_number} is left empty.',
  cannedSaved: 'Canned response saved.',
  cannedDeleted: 'Canned response removed.',
  cannedNeed: 'A title and a text are needed.',
  edit: 'Edit',
  found: (n, partial) => `Found: ${n}${partial ? ' (the latest shown — narrow the search)' : ''}.`,
  searching: 'Searching…',
  noneFound: 'Nothing found.',
  notifyOn: 'Notifications on',
  notifyDenied: 'Notifications blocked in the browser',
  notifyAsk: 'Turn on notifications',
  newItem: (n) => `New request ${n}`,
  newMessage: (n) => `New message: ${n}`,
  noNumber: (id) => `conversation #${id}`,
  empty: {
    mine: 'You hold no requests.',
    unassigned: 'No free requests.',
    closed: 'No closed requests match.',
  },
};

// The page's fixed text: [selector, what, English].  "text" replaces the
// whole text, "lead" only the text before a child element (a count),
// "keys" text with [[key]] shown as <kbd>, others name an attribute.
const PAGE_EN = [
  ['title', 'text', T_EN.title],
  ['.top h1', 'lead', 'Operators\' console '],
  ['.top .sub', 'text', 'Gosuslugi hotline'],
  ['#dashboard-link', 'text', 'Dashboard'],
  ['#dashboard-link', 'title', 'The shift supervisor\'s dashboard'],
  ['#logout', 'text', 'Sign out'],
  ['#login h2', 'text', 'Operators\' sign-in'],
  ['label[for="login-name"]', 'text', 'User name'],
  ['label[for="login-password"]', 'text', 'Password'],
  ['#login-submit', 'text', 'Sign in'],
  ['#queue-title', 'lead', 'Queue '],
  ['#queue-refresh', 'text', 'Refresh'],
  ['#queue-refresh', 'title', 'Refresh the queue'],
  ['#views', 'aria-label', 'Views'],
  ['#view-mine', 'lead', 'Mine '],
  ['#view-unassigned', 'lead', 'Unassigned '],
  ['#view-all', 'lead', 'All '],
  ['#view-closed', 'lead', 'Closed '],
  ['.sound', 'lead', 'Sound'],
  ['#search', 'aria-label', 'Search closed requests'],
  ['label[for="s-number"]', 'text', 'Request number'],
  ['#s-number', 'placeholder', 'Number: 2026-000123'],
  ['label[for="s-text"]', 'text', 'Words of the conversation'],
  ['#s-text', 'placeholder', 'Words of the conversation'],
  ['label[for="s-entity"]', 'text', 'Phone, INN, SNILS, passport or e-mail'],
  ['#s-entity', 'placeholder', 'Phone, INN, SNILS, passport, e-mail'],
  ['label[for="s-from"]', 'text', 'Closed from'],
  ['label[for="s-to"]', 'text', 'to'],
  ['#s-go', 'text', 'Search'],
  ['.keys', 'keys', 'Keys: [[j]]/[[k]] — move in the queue, [[Enter]] — open, [[q]] — to the queue, [[t]] — take, [[r]] — reply, [[/]] — knowledge base, [[Ctrl]]+[[Enter]] — send.'],
  ['#detail-title', 'text', 'Choose a request in the queue'],
  ['#detail-empty p', 'text', 'The citizen\'s whole conversation with the assistant, the request\'s facts and actions appear here.'],
  ['.actions', 'aria-label', 'Actions on the request'],
  ['label[for="transfer-queue"]', 'text', 'Queue to pass to'],
  ['#transfer-queue option[value="general"]', 'text', 'General'],
  ['#transfer-queue option[value="english"]', 'text', 'English'],
  ['#transfer-queue option[value="senior"]', 'text', 'Senior specialist'],
  ['#transfer', 'text', 'Pass'],
  ['#release', 'text', 'Back to the bot'],
  ['#reload', 'text', 'Refresh the conversation'],
  ['#assign-open', 'text', 'Assign…'],
  ['label[for="assign-to"]', 'text', 'Colleague'],
  ['label[for="assign-note"]', 'text', 'Note for the colleague'],
  ['#assign-note', 'placeholder', 'Note for the colleague (optional)'],
  ['#assign', 'text', 'Assign'],
  ['label[for="resolution"]', 'text', 'Outcome'],
  ['#resolution', 'placeholder', 'For example: the code came after the number was changed'],
  ['#close', 'text', 'Close the request'],
  ['#transcript-title', 'text', 'Conversation'],
  ['#cit-typing', 'text', W_EN.citizenTyping],
  ['label[for="reply"]', 'text', 'Reply to the citizen'],
  ['#reply', 'placeholder', 'Reply to the citizen…'],
  ['#reply-hint', 'text', 'Ctrl+Enter — send. Markdown: "- " list, **bold**; addresses and phones become links.'],
  ['#reply-send', 'text', 'Send'],
  ['#notes-title', 'lead', 'Notes '],
  ['#notes-title .hint', 'text', '— the citizen does not see them'],
  ['label[for="note-text"]', 'text', 'Note for colleagues'],
  ['#note-text', 'placeholder', 'Note for colleagues…'],
  ['#note-add', 'text', 'Add a note'],
  ['#canned-title', 'text', 'Canned responses'],
  ['#canned-edit summary', 'text', 'New canned response or an edit'],
  ['label[for="canned-title-in"]', 'text', 'Title'],
  ['label[for="canned-text"]', 'text', 'Text: {request_number} — the request number, {name} — your name as citizens see it'],
  ['label[for="canned-lang"]', 'text', 'Language'],
  ['#canned-save', 'text', 'Save'],
  ['#canned-delete', 'text', 'Remove'],
  ['#canned-clear', 'text', 'Clear'],
  ['#kb-title', 'text', 'Knowledge base'],
  ['label[for="kb-q"]', 'text', 'Search for an article'],
  ['#kb-q', 'placeholder', 'Search for an article…'],
  ['label[for="kb-lang"]', 'text', 'Article language'],
  ['#kb-form button', 'text', 'Search'],
];

// Lays the English of table name ("T", "W", or the English table itself,
// as the dashboard passes its own) over table t, deeply.
export function overlay(t, name) {
  if (lang !== 'en') return;
  const en = name === 'T' ? T_EN : name === 'W' ? W_EN : name;
  const merge = (dst, src) => {
    for (const [k, v] of Object.entries(src)) {
      if (v && typeof v === 'object' && dst[k] && typeof dst[k] === 'object') merge(dst[k], v);
      else dst[k] = v;
    }
  };
  merge(t, en);
}

function setLead(node, text) {
  const first = [...node.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  if (first) first.textContent = text;
  else node.prepend(text);
}

function setKeys(node, text) {
  node.replaceChildren();
  for (const [i, part] of text.split(/\[\[|\]\]/).entries()) {
    if (i % 2) { const k = document.createElement('kbd'); k.textContent = part; node.append(k); }
    else node.append(part);
  }
}

// The page's fixed text in the console's language (the console's, or the
// table of another page of the operators, such as the dashboard), and the
// button that switches it (the page reloads: what was drawn was drawn in
// the other).  The console and the dashboard share the choice.
export function applyPage(table = PAGE_EN) {
  document.documentElement.lang = lang;
  if (lang === 'en') {
    for (const [sel, what, text] of table) {
      for (const node of document.querySelectorAll(sel)) {
        if (what === 'text') node.textContent = text;
        else if (what === 'lead') setLead(node, text);
        else if (what === 'keys') setKeys(node, text);
        else node.setAttribute(what, text);
      }
    }
  }
  const b = document.getElementById('console-lang');
  if (!b) return;
  b.textContent = lang === 'en' ? 'RU' : 'EN';
  b.lang = lang === 'en' ? 'ru' : 'en';
  b.setAttribute('aria-label', lang === 'en' ? 'По-русски' : 'In English');
  b.addEventListener('click', () => {
    localStorage.setItem(KEY, lang === 'en' ? 'ru' : 'en');
    window.location.reload();
  });
}
