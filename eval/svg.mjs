// A hand-written SVG line chart (no dependencies): the simulator's learning curves.

const COLORS = ['#7f7f7f', '#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#8c564b'];

function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** A trailing moving average (window w), so the curve shows the trend rather than the noise. */
export function movingAverage(ys, w) {
  return ys.map((_, i) => {
    const from = Math.max(0, i - w + 1);
    const part = ys.slice(from, i + 1);
    return part.reduce((a, b) => a + b, 0) / part.length;
  });
}

/**
 * @param {object} chart
 * @param {string} chart.title
 * @param {string} chart.xLabel
 * @param {string} chart.yLabel
 * @param {Array<{ name: string, ys: number[] | null, note?: string, dashed?: boolean }>} chart.series
 *   ys null: the series is listed in the legend with its note but not drawn
 * @param {string[]} [chart.footer] lines of small text under the plot
 * @returns {string} an SVG document
 */
export function lineChart({ title, xLabel, yLabel, series, footer = [] }) {
  const W = 900;
  const H = 440 + footer.length * 16;
  const m = { left: 64, right: 320, top: 44, bottom: 56 + footer.length * 16 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const drawn = series.filter((s) => s.ys && s.ys.length);
  const n = Math.max(1, ...drawn.map((s) => s.ys.length));
  const yMaxData = Math.max(0.01, ...drawn.flatMap((s) => s.ys));
  const step = niceStep(yMaxData / 5);
  const yMax = Math.ceil(yMaxData / step) * step;
  const x = (i) => m.left + (n === 1 ? pw / 2 : (i / (n - 1)) * pw);
  const y = (v) => m.top + ph - (v / yMax) * ph;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${m.left}" y="24" font-size="15" font-weight="bold">${esc(title)}</text>`);
  // grid and y ticks
  for (let v = 0; v <= yMax + 1e-12; v += step) {
    const yy = y(v).toFixed(1);
    out.push(`<line x1="${m.left}" y1="${yy}" x2="${m.left + pw}" y2="${yy}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${+v.toFixed(3)}</text>`);
  }
  // x ticks: round 1, then every multiple of a round step
  const xStep = niceStep(n / 8);
  const ticks = [1];
  for (let r = xStep; r <= n; r += xStep) if (r > 1) ticks.push(r);
  for (const r of ticks) {
    const xx = x(r - 1).toFixed(1);
    out.push(`<line x1="${xx}" y1="${m.top + ph}" x2="${xx}" y2="${m.top + ph + 4}" stroke="#333"/>`);
    out.push(`<text x="${xx}" y="${m.top + ph + 16}" text-anchor="middle">${r}</text>`);
  }
  out.push(`<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}" stroke="#333"/>`);
  out.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${m.top + ph + 36}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  // series and legend
  series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    const ly = m.top + 8 + k * 34;
    const lx = m.left + pw + 16;
    if (s.ys && s.ys.length) {
      const pts = s.ys.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts}"><title>${esc(s.name)}</title></polyline>`);
      out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    } else {
      out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="#bbb" stroke-width="2" stroke-dasharray="2 3"/>`);
    }
    out.push(`<text x="${lx + 28}" y="${ly}" dominant-baseline="middle">${esc(s.name)}</text>`);
    if (s.note) out.push(`<text x="${lx + 28}" y="${ly + 14}" dominant-baseline="middle" font-size="10" fill="#555">${esc(s.note)}</text>`);
  });
  footer.forEach((line, i) => {
    out.push(`<text x="${m.left}" y="${H - 10 - (footer.length - 1 - i) * 16}" font-size="11" fill="#444">${esc(line)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function niceStep(raw) {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const f of [1, 2, 2.5, 5, 10]) if (f * p >= raw) return f * p;
  return 10 * p;
}
