// The collector dashboard: reads the JSON APIs next to this page and draws
// them as SVG charts (charts.js). Refreshes every 5 s while visible.

import { barRows, columns, empty, intervalRows } from './charts.js';

const $ = (id) => document.getElementById(id);
const pct = (v) => `${(v * 100).toFixed(1)}%`;
const pp = (v) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} pp`;
const TYPES = ['interests', 'campaign', 'bandit', 'engagement'];
const clamp01 = (v) => Math.min(1, Math.max(0, v));

async function getJson(path) {
  const res = await fetch(path, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

function suppressedNote(section, names) {
  section.querySelector('.suppressed')?.remove();
  if (!names.length) return;
  const p = document.createElement('p');
  p.className = 'suppressed';
  p.textContent = `Below the k-threshold (not shown): ${names.join(', ')}`;
  section.append(p);
}

function drawLift(lift) {
  const released = lift.campaigns.filter((c) => c.released && c.lift);
  intervalRows(
    $('lift'),
    released.map((c) => ({
      label: c.id,
      marks: [
        { name: c.lift.relative === null ? 'among exposed' : `among exposed, ${(c.lift.relative * 100).toFixed(0)}% relative`, cls: 'exposed', value: c.lift.value, lo: c.lift.ci95[0], hi: c.lift.ci95[1] },
        { name: 'intent to treat', cls: 'itt', value: c.liftItt.value, lo: c.liftItt.ci95[0], hi: c.liftItt.ci95[1] },
      ],
    })),
    {
      label: 'Lift in conversion by campaign with 95% intervals',
      format: pp,
      legend: [{ label: 'among exposed', cls: 'exposed' }, { label: 'intent to treat', cls: 'itt' }],
    },
  );
  // The arms behind each lift, on one scale.
  const arms = $('lift-arms') ?? Object.assign(document.createElement('figure'), { id: 'lift-arms', className: 'chart' });
  arms.dataset.empty = '';
  $('lift').after(arms);
  if (released.length) {
    intervalRows(
      arms,
      released.map((c) => ({
        label: c.id,
        marks: ['treatment', 'holdout']
          .filter((a) => c.arms[a]?.rate !== null && c.arms[a])
          .map((a) => ({ name: a, cls: a, value: c.arms[a].rate, lo: c.arms[a].ci95[0], hi: c.arms[a].ci95[1] })),
      })),
      { label: 'Conversion rate per arm with 95% intervals', format: pct, legend: [{ label: 'treatment', cls: 'treatment' }, { label: 'holdout', cls: 'holdout' }] },
    );
  } else {
    empty(arms);
  }
  suppressedNote($('lift').parentElement, lift.campaigns.filter((c) => !c.released).map((c) => c.id));
}

function drawInterests(interests) {
  const periods = interests.periods.filter((p) => p.categories.some((c) => c.released));
  const latest = periods.at(-1);
  if (!latest) {
    empty($('interests'));
    suppressedNote($('interests').parentElement, []);
    return;
  }
  $('interests-hint').textContent =
    `Share of devices whose top interest is each category, ${latest.period} (${latest.reports} reports, k = ${interests.k}).`;
  const shown = latest.categories.filter((c) => c.released);
  barRows(
    $('interests'),
    // Unbiased estimates can leave [0, 1] when the noise is large; the chart clamps, the API does not.
    shown.map((c) => ({ label: c.key, value: clamp01(c.share), lo: clamp01(c.ci95[0]), hi: clamp01(c.ci95[1]) })),
    { label: `Interest histogram for ${latest.period}`, format: pct },
  );
  suppressedNote($('interests').parentElement, latest.categories.filter((c) => !c.released).map((c) => c.key));
}

function drawDays(stats) {
  columns(
    $('days'),
    stats.reportsPerDay.map((d) => ({ label: d.period.slice(5), values: d.byType })),
    { label: 'Reports received per day by type', series: TYPES },
  );
}

function drawBudget(stats) {
  if (!stats.budgetSpent.length) return empty($('budget'));
  const perDay = stats.server.epsilonPerDay;
  const maxEps = Math.max(perDay, ...stats.budgetSpent.map((b) => b.epsilon));
  // About 20 bins whatever the range; 0.05 ε at the finest.
  const step = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50].find((s) => maxEps / s <= 24) ?? maxEps / 20;
  const bins = Math.floor(maxEps / step + 1e-9) + 2;
  const cols = Array.from({ length: bins }, (_, i) => ({ label: `${+(i * step).toFixed(2)}`, values: { syncs: 0 } }));
  for (const b of stats.budgetSpent) cols[Math.min(bins - 1, Math.round(b.epsilon / step))].values.syncs += b.syncs;
  columns($('budget'), cols, {
    label: 'Distribution of epsilon spent per device per day',
    series: ['syncs'],
    limit: { at: perDay / step + 1, label: `allowed ε per day: ${perDay}` },
  });
}

async function refresh() {
  try {
    const [lift, interests, stats] = await Promise.all([getJson('api/lift'), getJson('api/interests'), getJson('api/stats')]);
    drawLift(lift);
    drawInterests(interests);
    drawDays(stats);
    drawBudget(stats);
    $('meta').textContent =
      `${stats.reports} reports counted · ${stats.server.duplicates} duplicates and ${stats.server.rejected} rejected since start · ` +
      `k = ${stats.server.k} · updated ${new Date().toLocaleTimeString()}`;
    document.body.dataset.state = 'ready';
  } catch (e) {
    $('meta').textContent = `Could not load the collector's data: ${e.message}`;
    document.body.dataset.state = 'error';
  }
}

refresh();
setInterval(() => {
  if (document.visibilityState === 'visible') refresh();
}, 5000);
