// From the `cells` sums to what a business may look at: debiased interest
// shares (and the priors devices load), campaign lift with 95% intervals,
// engagement and bandit means, reports per day and budget spent.
//
// Example:
//   const { campaigns } = await liftByCampaign(store, { k: 20 });
//   // [{ id, released, arms: { treatment: { rate, ci95 }, holdout: … }, lift: { value, ci95 } }]
//
// k-threshold: an estimate is released only when at least k distinct reports
// back it (for an interest share: the reports whose taxonomy holds the key;
// for a campaign: the reports of EACH arm). Unreleased estimates are listed
// by name with `released: false` and no numbers.

import { BANDIT_CELLS, BANDIT_SENSITIVITY, ENGAGEMENT_SENSITIVITY, ENGAGEMENT_NAMES, Z95, debiasLaplaceSum, debiasRr, rrCovariance } from './dp.mjs';

/** @typedef {{ rrProbabilities(d: number, epsilon: number, mech: string): { p: number, q: number }, laplaceVariance(epsilon: number, sensitivity: number): number }} Core */

/** Days of interest reports pooled into the priors (ending at the latest period). */
export const PRIOR_DAYS = 7;

async function cellsOf(store, type, since = null) {
  const rows = await store.query(
    `SELECT period::text AS period, cell, total, total_sq, reports::float8 AS reports
       FROM cells WHERE type = $1 AND ($2::date IS NULL OR period >= $2::date)
      ORDER BY period, cell`,
    [type, since],
  );
  return rows.map((r) => ({ period: r.period, cell: JSON.parse(r.cell), total: Number(r.total), reports: Number(r.reports) }));
}

/**
 * Interest estimates per key from interest cells (any number of periods):
 * each (mechanism, ε, taxonomy) stratum is debiased on its own, strata add.
 */
function interestEstimates(cells, k, core) {
  const strata = new Map();
  for (const c of cells) {
    const [mech, micros, hash, key] = c.cell;
    const name = `${c.period}|${mech}|${micros}|${hash}`;
    let s = strata.get(name);
    if (!s) strata.set(name, (s = { mech, micros, keys: new Map(), n: 0 }));
    s.keys.set(key, c.total);
    s.n = Math.max(s.n, c.reports);
  }
  const byKey = new Map();
  let reports = 0;
  for (const s of strata.values()) {
    reports += s.n;
    // k-RR's domain is the keys plus "none"; OUE has one bit per key.
    const pq = core.rrProbabilities(s.mech === 'krr' ? s.keys.size : 0, s.micros / 1e6, s.mech);
    for (const [key, observed] of s.keys) {
      if (key === '') continue;
      const e = debiasRr(observed, s.n, pq);
      const acc = byKey.get(key) ?? { key, count: 0, variance: 0, reports: 0 };
      acc.count += e.value;
      acc.variance += e.variance;
      acc.reports += s.n;
      byKey.set(key, acc);
    }
  }
  const categories = [...byKey.values()]
    .map((a) => {
      if (a.reports < k) return { key: a.key, released: false };
      const share = a.count / a.reports;
      const half = (Z95 * Math.sqrt(a.variance)) / a.reports;
      return {
        key: a.key,
        released: true,
        reports: a.reports,
        count: a.count,
        share,
        ci95: [share - half, share + half],
      };
    })
    .sort((x, y) => (y.share ?? -1) - (x.share ?? -1) || x.key.localeCompare(y.key));
  return { reports, categories };
}

/** GET /api/interests: per period, debiased share of devices whose top interest is each key. */
export async function interestsByPeriod(store, { k, core }) {
  const cells = await cellsOf(store, 'interests');
  const periods = [];
  for (const [period, list] of groupBy(cells, (c) => c.period)) {
    const est = interestEstimates(list, k, core);
    periods.push({ period, reports: est.reports, categories: est.categories });
  }
  return { k, periods };
}

/**
 * GET /priors: shares over the released keys of the last PRIOR_DAYS periods
 * (clamped at 0, scaled down if they add up to more than 1), or null when
 * nothing is released yet.
 */
export async function priorsFrom(store, { k, core }) {
  const latest = await store.query(`SELECT max(period)::text AS period FROM cells WHERE type = 'interests'`);
  const period = latest[0]?.period;
  if (!period) return null;
  const since = new Date(Date.parse(period) - (PRIOR_DAYS - 1) * 86400000).toISOString().slice(0, 10);
  const est = interestEstimates(await cellsOf(store, 'interests', since), k, core);
  const released = est.categories.filter((c) => c.released);
  if (!released.length) return null;
  let shares = released.map((c) => ({ key: c.key, share: Math.max(0, c.share) }));
  const sum = shares.reduce((a, c) => a + c.share, 0);
  if (sum > 1) shares = shares.map((c) => ({ key: c.key, share: c.share / sum }));
  // Four decimals; rounding down keeps the sum at most 1.
  shares = shares.map((c) => ({ key: c.key, share: Math.floor(c.share * 1e4) / 1e4 })).filter((c) => c.share > 0);
  return { v: 1, period, categories: shares };
}

/**
 * Per arm: debiased counts of reports whose true value is 0, 1, 2 (not
 * exposed, exposed, exposed and converted) with their covariance (dp.mjs),
 * summed over ε strata and periods; then the intent-to-treat conversion
 * rate (converted / reports) and the rate among exposed devices
 * (converted / exposed, delta method), as in docs/privacy.md. Strata:
 * [{ micros, n, observed: [n0, n1, n2] }]; `core.rrProbabilities(3, ε, 'krr')`
 * gives the mechanism's (p, q). The fleet simulator reuses it.
 */
export function armEstimate(strata, core) {
  const N = [0, 0, 0];
  const V = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  let reports = 0;
  for (const s of strata) {
    reports += s.n;
    if (s.n === 0) continue;
    const pq = core.rrProbabilities(3, s.micros / 1e6, 'krr');
    const cov = rrCovariance(s.observed, s.n, pq);
    for (let i = 0; i < 3; ++i) {
      N[i] += debiasRr(s.observed[i], s.n, pq).value;
      for (let j = 0; j < 3; ++j) V[i][j] += cov[i][j];
    }
  }
  const C = N[2];
  const E = N[1] + N[2];
  const varC = V[2][2];
  const varE = V[1][1] + V[2][2] + 2 * V[1][2];
  const covCE = V[1][2] + V[2][2];
  const out = {
    reports,
    exposed: E,
    exposedCi95: ci(E, varE),
    converted: C,
    convertedCi95: ci(C, varC),
    itt: reports > 0 ? C / reports : null,
    ittVariance: reports > 0 ? varC / (reports * reports) : null,
  };
  if (E > 0) {
    const rate = C / E;
    const variance = Math.max(0, (varC - 2 * rate * covCE + rate * rate * varE) / (E * E));
    Object.assign(out, { rate, rateVariance: variance });
  } else {
    Object.assign(out, { rate: null, rateVariance: null });
  }
  return out;
}

/**
 * GET /api/lift: per campaign, the conversion rate among exposed devices in
 * each arm and the lift (treatment − holdout, absolute, and relative to the
 * holdout) with 95% intervals. Released when each arm has ≥ k reports.
 */
export async function liftByCampaign(store, { k, core }) {
  const cells = await cellsOf(store, 'campaign');
  const strata = new Map();
  const periods = new Map();
  for (const c of cells) {
    const [id, arm, micros, v] = c.cell;
    const name = JSON.stringify([id, arm, micros, c.period]);
    let s = strata.get(name);
    if (!s) strata.set(name, (s = { id, arm, micros, n: 0, observed: [0, 0, 0] }));
    s.observed[v] = c.total;
    s.n = Math.max(s.n, c.reports);
    const span = periods.get(id) ?? { from: c.period, to: c.period };
    if (c.period < span.from) span.from = c.period;
    if (c.period > span.to) span.to = c.period;
    periods.set(id, span);
  }
  const campaigns = [];
  for (const [id, list] of groupBy([...strata.values()], (s) => s.id)) {
    const arms = {};
    for (const [arm, armStrata] of groupBy(list, (s) => s.arm)) arms[arm] = armEstimate(armStrata, core);
    const t = arms.treatment;
    const h = arms.holdout;
    const released = Boolean(t && h && t.reports >= k && h.reports >= k);
    if (!released) {
      campaigns.push({ id, released: false });
      continue;
    }
    const entry = { id, released: true, ...periods.get(id), arms: {} };
    for (const [arm, a] of Object.entries(arms)) {
      entry.arms[arm] = {
        reports: a.reports,
        exposed: a.exposed,
        exposedCi95: a.exposedCi95,
        converted: a.converted,
        convertedCi95: a.convertedCi95,
        rate: a.rate,
        ci95: a.rate === null ? null : ci(a.rate, a.rateVariance),
        itt: a.itt,
        ittCi95: ci(a.itt, a.ittVariance),
      };
    }
    // Among exposed devices (what a triggered offer changes) ...
    if (t.rate !== null && h.rate !== null) {
      const value = t.rate - h.rate;
      const variance = t.rateVariance + h.rateVariance;
      entry.lift = { value, ci95: ci(value, variance), relative: h.rate > 0 ? value / h.rate : null };
    } else {
      entry.lift = null;
    }
    // ... and intent-to-treat (per assigned device-day; never divides by a noisy count).
    const itt = t.itt - h.itt;
    entry.liftItt = { value: itt, ci95: ci(itt, t.ittVariance + h.ittVariance) };
    campaigns.push(entry);
  }
  campaigns.sort((a, b) => a.id.localeCompare(b.id));
  return { k, campaigns };
}

/** Per period: mean per report (device-day) of each Laplace-noised count, with CIs. */
async function laplaceMeans(store, type, names, sensitivity, k, core) {
  const cells = await cellsOf(store, type);
  const out = [];
  for (const [period, list] of groupBy(cells, (c) => c.period)) {
    const acc = new Map();
    for (const c of list) {
      const micros = c.cell[c.cell.length - 1];
      const name = type === 'bandit' ? `${c.cell[0]}:${names[c.cell[1]]}` : c.cell[0];
      const e = debiasLaplaceSum(c.total, c.reports, core.laplaceVariance(micros / 1e6, sensitivity));
      const a = acc.get(name) ?? { sum: 0, variance: 0, reports: 0 };
      a.sum += e.value;
      a.variance += e.variance;
      a.reports += c.reports;
      acc.set(name, a);
    }
    const reports = Math.max(0, ...[...acc.values()].map((a) => a.reports));
    if (reports < k) {
      out.push({ period, released: false });
      continue;
    }
    const means = {};
    for (const [name, a] of acc) {
      means[name] = { mean: a.sum / a.reports, ci95: ci(a.sum / a.reports, a.variance / (a.reports * a.reports)) };
    }
    out.push({ period, released: true, reports, means });
  }
  return out;
}

/** GET /api/stats: volumes and budget (not privacy-sensitive), plus released means. */
export async function statsFrom(store, { k, core }) {
  const perDay = await store.query(
    `SELECT period::text AS period, type, count(*)::float8 AS reports FROM reports GROUP BY period, type ORDER BY period, type`,
  );
  const budget = await store.query(
    `SELECT spent_milli, sum(batches)::float8 AS batches FROM budget GROUP BY spent_milli ORDER BY spent_milli`,
  );
  const totals = await store.query(`SELECT count(*)::float8 AS reports, coalesce(sum(epsilon), 0)::float8 AS epsilon FROM reports`);
  const days = [];
  for (const [period, rows] of groupBy(perDay, (r) => r.period)) {
    const byType = {};
    for (const r of rows) byType[r.type] = Number(r.reports);
    days.push({ period, reports: rows.reduce((a, r) => a + Number(r.reports), 0), byType });
  }
  return {
    reports: Number(totals[0].reports),
    epsilonTotal: Number(totals[0].epsilon),
    reportsPerDay: days,
    // Distribution of ε spent per device per day, approximated per sync (see migrations/001_init.sql).
    budgetSpent: budget.map((b) => ({ epsilon: b.spent_milli / 1000, syncs: Number(b.batches) })),
    engagement: await laplaceMeans(store, 'engagement', ENGAGEMENT_NAMES, ENGAGEMENT_SENSITIVITY, k, core),
    bandit: await laplaceMeans(store, 'bandit', BANDIT_CELLS, BANDIT_SENSITIVITY, k, core),
  };
}

function ci(value, variance) {
  const half = Z95 * Math.sqrt(Math.max(0, variance));
  return [value - half, value + half];
}

function groupBy(list, keyOf) {
  const m = new Map();
  for (const x of list) {
    const key = keyOf(x);
    let g = m.get(key);
    if (!g) m.set(key, (g = []));
    g.push(x);
  }
  return m;
}
