// Small SVG charts for the collector dashboard: built with DOM calls only
// (no innerHTML, text through textContent), styled by classes from
// dashboard.css, so they work under a CSP without 'unsafe-inline'.

const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}, parent = null, text = null) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = text;
  if (parent) parent.append(node);
  return node;
}

function svgIn(figure, width, height, label) {
  figure.replaceChildren();
  figure.classList.remove('is-empty');
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label });
  el('title', {}, svg, label);
  figure.append(svg);
  return svg;
}

export function empty(figure) {
  figure.replaceChildren();
  figure.classList.add('is-empty');
}

/** Nice tick values covering [lo, hi]. */
function ticks(lo, hi, count = 5) {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

/**
 * Horizontal intervals: one row per entry, a dot at `value` and whiskers from
 * `lo` to `hi`, several marks per row allowed (`marks: [{ value, lo, hi, cls }]`).
 * A dashed line marks zero when it is in range.
 */
export function intervalRows(figure, rows, { label, format = (v) => v.toFixed(2), labelWidth = 150, legend = null }) {
  if (!rows.length) return empty(figure);
  const rowH = 34;
  const width = 640;
  const top = legend ? 28 : 8;
  const height = top + rows.length * rowH + 28;
  const svg = svgIn(figure, width, height, label);
  const all = rows.flatMap((r) => r.marks.flatMap((m) => [m.lo, m.hi, m.value]));
  let lo = Math.min(0, ...all);
  let hi = Math.max(0, ...all);
  const pad = (hi - lo) * 0.05 || 0.01;
  lo -= pad;
  hi += pad;
  const x0 = labelWidth;
  const x1 = width - 16;
  const x = (v) => x0 + ((v - lo) / (hi - lo)) * (x1 - x0);
  const grid = el('g', { class: 'grid axis' }, svg);
  for (const t of ticks(lo, hi)) {
    el('line', { x1: x(t), x2: x(t), y1: top, y2: height - 24 }, grid);
    el('text', { x: x(t), y: height - 8, 'text-anchor': 'middle' }, grid, format(t));
  }
  if (lo < 0 && hi > 0) el('line', { class: 'zero', x1: x(0), x2: x(0), y1: top, y2: height - 24 }, svg);
  if (legend) {
    const g = el('g', { class: 'legend' }, svg);
    legend.forEach((item, i) => {
      el('circle', { class: `dot ${item.cls}`, cx: x0 + i * 130 + 6, cy: 12, r: 5 }, g);
      el('text', { x: x0 + i * 130 + 16, y: 16 }, g, item.label);
    });
  }
  rows.forEach((row, i) => {
    const y = top + i * rowH + rowH / 2;
    el('text', { x: x0 - 8, y: y + 4, 'text-anchor': 'end' }, svg, row.label);
    row.marks.forEach((m, j) => {
      const dy = row.marks.length > 1 ? (j - (row.marks.length - 1) / 2) * 10 : 0;
      const g = el('g', {}, svg);
      el('title', {}, g, `${row.label}${m.name ? ` (${m.name})` : ''}: ${format(m.value)} [${format(m.lo)}, ${format(m.hi)}]`);
      el('line', { class: 'whisker', x1: x(m.lo), x2: x(m.hi), y1: y + dy, y2: y + dy }, g);
      el('line', { class: 'whisker', x1: x(m.lo), x2: x(m.lo), y1: y + dy - 4, y2: y + dy + 4 }, g);
      el('line', { class: 'whisker', x1: x(m.hi), x2: x(m.hi), y1: y + dy - 4, y2: y + dy + 4 }, g);
      el('circle', { class: `dot ${m.cls ?? ''}`, cx: x(m.value), cy: y + dy, r: 5 }, g);
    });
  });
}

/**
 * Horizontal bars with optional whiskers (`lo`, `hi`): the interest histogram.
 */
export function barRows(figure, rows, { label, format = (v) => v.toFixed(2), labelWidth = 130 }) {
  if (!rows.length) return empty(figure);
  const rowH = 24;
  const width = 640;
  const height = rows.length * rowH + 30;
  const svg = svgIn(figure, width, height, label);
  const hi = Math.max(...rows.map((r) => Math.max(r.value, r.hi ?? r.value)), 1e-9) * 1.05;
  const x0 = labelWidth;
  const x1 = width - 50;
  const x = (v) => x0 + (Math.max(0, v) / hi) * (x1 - x0);
  const grid = el('g', { class: 'grid axis' }, svg);
  for (const t of ticks(0, hi, 4)) {
    el('line', { x1: x(t), x2: x(t), y1: 0, y2: height - 24 }, grid);
    el('text', { x: x(t), y: height - 8, 'text-anchor': 'middle' }, grid, format(t));
  }
  rows.forEach((row, i) => {
    const y = i * rowH + 4;
    const g = el('g', {}, svg);
    el('title', {}, g, `${row.label}: ${format(row.value)}${row.lo !== undefined ? ` [${format(row.lo)}, ${format(row.hi)}]` : ''}`);
    el('text', { x: x0 - 8, y: y + rowH / 2 + 2, 'text-anchor': 'end' }, g, row.label);
    el('rect', { class: 'bar', x: x0, y: y + 2, width: Math.max(0, x(row.value) - x0), height: rowH - 8, rx: 2 }, g);
    if (row.lo !== undefined) {
      const cy = y + rowH / 2 - 2;
      el('line', { class: 'whisker', x1: x(row.lo), x2: x(row.hi), y1: cy, y2: cy }, g);
      el('line', { class: 'whisker', x1: x(row.lo), x2: x(row.lo), y1: cy - 4, y2: cy + 4 }, g);
      el('line', { class: 'whisker', x1: x(row.hi), x2: x(row.hi), y1: cy - 4, y2: cy + 4 }, g);
    }
  });
}

/**
 * Vertical bars, optionally stacked (`series` names the stack parts, each
 * column has `values[series]`), with an optional dashed vertical `limit`
 * at a column position (the budget chart's allowed ε per day).
 */
export function columns(figure, cols, { label, series = ['value'], yFormat = (v) => String(Math.round(v)), limit = null, legend = true }) {
  if (!cols.length) return empty(figure);
  const width = 640;
  const height = 260;
  const left = 48;
  const right = 12;
  const top = (legend && series.length > 1) || limit ? 26 : 10;
  const bottom = 40;
  const svg = svgIn(figure, width, height, label);
  const totals = cols.map((c) => series.reduce((a, s) => a + (c.values[s] ?? 0), 0));
  const hi = Math.max(...totals, 1) * 1.05;
  const y = (v) => height - bottom - (v / hi) * (height - bottom - top);
  const grid = el('g', { class: 'grid axis' }, svg);
  for (const t of ticks(0, hi, 4)) {
    el('line', { x1: left, x2: width - right, y1: y(t), y2: y(t) }, grid);
    el('text', { x: left - 6, y: y(t) + 4, 'text-anchor': 'end' }, grid, yFormat(t));
  }
  const slot = (width - left - right) / cols.length;
  const barW = Math.max(2, Math.min(48, slot * 0.7));
  const labelEvery = Math.ceil(cols.length / 10);
  cols.forEach((c, i) => {
    const cx = left + slot * i + slot / 2;
    let base = 0;
    const g = el('g', {}, svg);
    el('title', {}, g, `${c.label}: ${series.map((s) => (series.length > 1 ? `${s} ${c.values[s] ?? 0}` : `${c.values[s] ?? 0}`)).join(', ')}`);
    series.forEach((s, j) => {
      const v = c.values[s] ?? 0;
      if (v <= 0) return;
      el('rect', { class: `bar s${j}`, x: cx - barW / 2, y: y(base + v), width: barW, height: y(base) - y(base + v) }, g);
      base += v;
    });
    if (i % labelEvery === 0) el('text', { class: 'muted', x: cx, y: height - bottom + 16, 'text-anchor': 'middle' }, svg, c.label);
  });
  if (limit) {
    const lx = left + slot * limit.at;
    el('line', { class: 'limit', x1: lx, x2: lx, y1: top, y2: height - bottom }, svg);
    const onRight = lx > width * 0.6;
    el('text', { x: onRight ? lx - 4 : lx + 4, y: top - 10, 'text-anchor': onRight ? 'end' : 'start' }, svg, limit.label);
  }
  if (legend && series.length > 1) {
    const g = el('g', { class: 'legend' }, svg);
    series.forEach((s, j) => {
      el('rect', { class: `s${j}`, x: left + j * 120, y: 4, width: 12, height: 12, rx: 2 }, g);
      el('text', { x: left + j * 120 + 18, y: 14 }, g, s);
    });
  }
}
