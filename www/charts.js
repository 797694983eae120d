// Small SVG charts of the supervisor's dashboard, drawn here rather than
// by a library: two shapes are needed (stacked columns over time, and
// horizontal bars), the page must work without a CDN, and a page under
// default-src 'self' takes no inline styles, so colours are classes in
// dashboard.css.  Every chart carries its figures as a table too, for
// screen readers and for anyone who wants the numbers.

const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text != null) e.textContent = text;
  return e;
}

function html(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}

// A round upper bound for an axis whose largest value is max.
function niceMax(max) {
  if (max <= 4) return 4;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

// The figures as a table inside a <details> (its summary the word
// summary, in the page's language), below the picture.
function dataTable(head, rows, summary) {
  const d = html('details', 'chart-data');
  d.append(html('summary', null, summary));
  const t = html('table', 'table');
  const tr = html('tr');
  for (const h of head) {
    const th = html('th', null, h);
    th.scope = 'col';
    tr.append(th);
  }
  const thead = html('thead');
  thead.append(tr);
  const tbody = html('tbody');
  for (const r of rows) {
    const row = html('tr');
    r.forEach((c, i) => row.append(html('td', i > 0 ? 'num' : null, String(c))));
    tbody.append(row);
  }
  t.append(thead, tbody);
  d.append(t);
  return d;
}

function frame(box, title, w, h) {
  const s = svg('svg', {
    viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: 'img', 'aria-label': title,
    class: 'chart-svg',
  });
  s.append(svg('title', {}, title));
  return s;
}

// Stacked columns: points [{x, label, values: {key: n}}] in order, series
// [{key, label, cls}]; tick(point, i) gives an axis label or null; first
// heads the table's column of points, summary names the table.
export function columns(box, { title, series, points, tick, empty, first = 'Час', summary = 'Таблица' }) {
  box.replaceChildren();
  const total = points.reduce((a, p) => a + series.reduce((b, s) => b + (p.values[s.key] || 0), 0), 0);
  if (!points.length || total === 0) {
    box.append(html('p', 'muted', empty));
    return;
  }
  const w = Math.max(300, Math.floor(box.clientWidth || 600));
  const h = 220;
  const left = 40, right = 8, top = 10, bottom = 28;
  const pw = w - left - right, ph = h - top - bottom;
  let max = 0;
  for (const p of points) max = Math.max(max, series.reduce((b, s) => b + (p.values[s.key] || 0), 0));
  const ymax = niceMax(max);
  const s = frame(box, title, w, h);
  for (let i = 0; i <= 4; i++) {
    const v = (ymax * i) / 4;
    const y = top + ph - (ph * i) / 4;
    s.append(svg('line', { x1: left, x2: w - right, y1: y, y2: y, class: 'grid' }));
    s.append(svg('text', { x: left - 6, y: y + 4, class: 'axis', 'text-anchor': 'end' }, Number.isInteger(v) ? v : v.toFixed(1)));
  }
  const bw = pw / points.length;
  points.forEach((p, i) => {
    let y = top + ph;
    for (const se of series) {
      const n = p.values[se.key] || 0;
      if (n <= 0) continue;
      const bh = (ph * n) / ymax;
      y -= bh;
      const r = svg('rect', {
        x: left + i * bw + (bw > 4 ? 1 : 0), y, width: Math.max(bw - (bw > 4 ? 2 : 0), 0.5), height: bh,
        class: `bar ${se.cls}`,
      });
      r.append(svg('title', {}, `${p.label}: ${se.label} — ${n}`));
      s.append(r);
    }
    const t = tick(p, i);
    if (t) {
      const x = left + i * bw;
      s.append(svg('line', { x1: x, x2: x, y1: top + ph, y2: top + ph + 4, class: 'tick' }));
      s.append(svg('text', { x, y: h - 8, class: 'axis', 'text-anchor': 'start' }, t));
    }
  });
  box.append(s);
  const legend = html('ul', 'legend');
  for (const se of series) {
    const li = html('li');
    li.append(html('span', `swatch ${se.cls}`), document.createTextNode(se.label));
    legend.append(li);
  }
  box.append(legend);
  const rows = points.filter((p) => series.some((se) => p.values[se.key]))
    .map((p) => [p.label, ...series.map((se) => p.values[se.key] || 0)]);
  box.append(dataTable([first, ...series.map((se) => se.label)], rows, summary));
}

// Horizontal bars: rows [{label, value, text}], the label above its bar so
// that long Russian names fit a phone.
export function bars(box, { title, rows, empty, head = ['', 'Значение'], cls = 'bar-main', summary = 'Таблица' }) {
  box.replaceChildren();
  if (!rows.length || rows.every((r) => !r.value)) {
    box.append(html('p', 'muted', empty));
    return;
  }
  const w = Math.max(260, Math.floor(box.clientWidth || 400));
  const row = 42;
  const h = rows.length * row + 4;
  const max = Math.max(...rows.map((r) => r.value), 1);
  const s = frame(box, title, w, h);
  rows.forEach((r, i) => {
    const y = i * row;
    const bw = Math.max(((w - 70) * r.value) / max, r.value > 0 ? 2 : 0);
    // About 7 px a character at 13 px: longer names are cut, whole in
    // the tooltip and the table.
    const fit = Math.floor(w / 7);
    const label = r.label.length > fit ? `${r.label.slice(0, fit - 1)}…` : r.label;
    s.append(svg('text', { x: 0, y: y + 14, class: 'label' }, label));
    const rect = svg('rect', { x: 0, y: y + 20, width: bw, height: 16, rx: 3, class: `bar ${r.cls || cls}` });
    rect.append(svg('title', {}, `${r.label}: ${r.text ?? r.value}`));
    s.append(rect, svg('text', { x: bw + 6, y: y + 33, class: 'value' }, r.text ?? String(r.value)));
  });
  box.append(s);
  box.append(dataTable(head, rows.map((r) => [r.label, r.text ?? r.value]), summary));
}
