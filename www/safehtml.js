// The second fence around the HTML the server sends (bot answers, operators'
// replies, articles: Markdown it rendered with safe cmark), for the chat
// and the operators' console alike: it is rebuilt element by element from
// an allow-list, and innerHTML is never assigned on the live document.
const ALLOWED = new Set(['P', 'BR', 'UL', 'OL', 'LI', 'STRONG', 'B', 'EM', 'I', 'CODE', 'PRE',
  'BLOCKQUOTE', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'A', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH',
  'TD', 'HR', 'DEL', 'S', 'SPAN']);
const DROP = new Set(['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'EMBED', 'TEMPLATE', 'NOSCRIPT',
  'SVG', 'MATH', 'FORM', 'INPUT', 'BUTTON', 'TEXTAREA', 'SELECT', 'LINK', 'META', 'BASE',
  'IMG', 'VIDEO', 'AUDIO', 'SOURCE', 'FRAME', 'FRAMESET']);

// A fragment of html's allowed elements and text, links only to the web,
// mail, telephone, this site and this page.
export function safeFragment(html) {
  const doc = new DOMParser().parseFromString(String(html), 'text/html');
  const frag = document.createDocumentFragment();
  for (const n of Array.from(doc.body.childNodes)) {
    const c = clean(n);
    if (c) frag.append(c);
  }
  return frag;
}
function clean(node) {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.data);
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const tag = node.tagName.toUpperCase();
  if (DROP.has(tag)) return null;
  const out = ALLOWED.has(tag) ? document.createElement(tag.toLowerCase()) : document.createDocumentFragment();
  if (tag === 'A') {
    const href = (node.getAttribute('href') || '').trim();
    if (/^(https?:|mailto:|tel:)/i.test(href) || /^\/(?!\/)/.test(href) || href.startsWith('#')) {
      out.setAttribute('href', href);
      if (/^https?:/i.test(href)) { out.target = '_blank'; out.rel = 'noopener noreferrer'; }
    }
  }
  if ((tag === 'TD' || tag === 'TH') && /^\d{1,2}$/.test(node.getAttribute('colspan') || '')) {
    out.setAttribute('colspan', node.getAttribute('colspan'));
  }
  for (const c of Array.from(node.childNodes)) {
    const cc = clean(c);
    if (cc) out.append(cc);
  }
  return out;
}
