#!/usr/bin/env node
// `npm run simulate`: the privacy–utility grid. For each ε per day, a fleet
// of REAL devices (bench/fleet/sim.mjs: the hearth package, real sync, real
// collector on loopback) is simulated; its collector estimates are compared
// with the truth. Fleets larger than 2 cores can run in reasonable time
// (1k, 10k, 50k) are then simulated with the noise shortcut: the real run's
// per-report truths are resampled (bootstrap over reports) to the fleet's
// size, noised with the same mechanisms at the core's exact (p, q)
// (createPrivacyTools().rrProbabilities), and aggregated with the
// collector's estimators (dp.mjs). The shortcut is validated against the
// real run at the real run's size (same truths, same n: the CI half-widths
// must agree). Writes out/simulate/report.md and SVG charts.
//
//   npm run simulate                          # 2000 real devices per ε, 14 days
//   npm run simulate -- --devices 300 --days 7 --eps 1,2 --out out/quick

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPrivacyTools } from 'hearth';
import { KEYS, PLANTED_LIFT, aggregate, l1, runFleet, seeded, truthOf } from './sim.mjs';
import { lineChart } from '../../eval/svg.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const DEVICES = Number(args.devices ?? 2000);
const DAYS = Number(args.days ?? 14);
const EPS = (args.eps ?? '0.25,0.5,1,2,4').split(',').map(Number);
const FLEETS = (args.fleets ?? '1000,10000,50000').split(',').map(Number);
const SEED = Number(args.seed ?? 20261125);
const K = Number(args.k ?? 100);
const OUT = args.out ?? 'out/simulate';
/** Extra real runs with other lottery weights (type:weight,…), e.g. more campaign reports while a campaign is live. */
const VARIANTS = (args.variants ?? '1@interests:0.4+campaign:0.5').split(',').filter(Boolean).map((v) => {
  const [eps, w] = v.split('@');
  return { eps: Number(eps), weights: Object.fromEntries((w ?? '').split('+').filter(Boolean).map((kv) => [kv.split(':')[0], Number(kv.split(':')[1])])) };
});

const core = await createPrivacyTools();

/** Wire-shaped synthetic reports for `n` devices from the real run's truths (bootstrap), noised like the device. */
function synthesize(run, fleet, eps, rand) {
  const truths = [...run.truth.values()].filter((t) => t.type === 'interests' || t.type === 'campaign');
  const count = Math.round((truths.length * fleet) / run.options.devices);
  const K1 = KEYS.length + 1;
  const mech = K1 >= 3 * Math.exp(eps) + 2 ? 'oue' : 'krr';
  const pqI = core.rrProbabilities(mech === 'krr' ? K1 : 0, eps, mech);
  const pqC = core.rrProbabilities(3, eps, 'krr');
  const rr = (value, d, { p }) => {
    if (rand() < p) return value;
    const o = Math.floor(rand() * (d - 1));
    return o < value ? o : o + 1;
  };
  const reports = [];
  const truth = new Map();
  for (let i = 0; i < count; ++i) {
    const t = truths[Math.floor(rand() * truths.length)];
    const id = String(i);
    truth.set(id, t);
    if (t.type === 'interests') {
      const v = t.value ? KEYS.indexOf(t.value) : KEYS.length;
      if (mech === 'krr') reports.push({ id, period: t.period, type: 'interests', epsilon: eps, data: { mech, keys: KEYS, value: rr(v, K1, pqI) } });
      else {
        let bits = '';
        for (let b = 0; b < KEYS.length; ++b) bits += (b === v ? rand() < 0.5 : rand() < pqI.q) ? '1' : '0';
        reports.push({ id, period: t.period, type: 'interests', epsilon: eps, data: { mech, keys: KEYS, bits } });
      }
    } else {
      reports.push({ id, period: t.period, type: 'campaign', epsilon: eps, data: { campaigns: [{ id: 'c', arm: t.arm, value: rr(t.value, 3, pqC) }] } });
    }
  }
  return { reports, truth };
}

/** Share of per-day cells (interest key × day, campaign arm × day) backed by fewer than k reports, at a fleet size. */
function suppressedShare(run, fleet) {
  const perDay = new Map();
  for (const t of run.truth.values()) {
    const key = t.type === 'interests' ? `i|${t.period}` : t.type === 'campaign' ? `c|${t.arm}|${t.period}` : null;
    if (key) perDay.set(key, (perDay.get(key) ?? 0) + 1);
  }
  let cells = 0;
  let suppressed = 0;
  for (const [key, n] of perDay) {
    const weight = key.startsWith('i|') ? KEYS.length : 1; // every interest key of a day shares that day's reports
    cells += weight;
    if ((n * fleet) / run.options.devices < K) suppressed += weight;
  }
  return cells ? suppressed / cells : 0;
}

const shares = (est) => Object.fromEntries(Object.entries(est.shares).map(([k, v]) => [k, v.share]));

await mkdir(OUT, { recursive: true });
const rows = [];
const validation = [];
const PLAN = [...EPS.map((eps) => ({ eps, weights: {} })), ...VARIANTS];
for (const { eps, weights } of PLAN) {
  const label = Object.keys(weights).length ? `${eps} (${Object.entries(weights).map(([t, w]) => `${t} ${w}`).join(', ')})` : String(eps);
  const run = await runFleet({ devices: DEVICES, days: DAYS, epsilonPerDay: eps, seed: SEED, k: K, weights, onProgress: (p) => process.stderr.write(`ε=${eps}: ${p.devices} devices, ${p.seconds.toFixed(0)} s\r`) });
  process.stderr.write('\n');
  const truth = truthOf(run.truth);
  const api = run.api.lift.campaigns.find((c) => c.released);
  const real = aggregate(run.wire, core);
  const bytesPerDeviceDay = run.counts.bytes / (run.counts.devices * DAYS);
  const bytesPerConsentingDay = run.counts.bytes / Math.max(1, run.counts.consentingDeviceDays);
  // Validate the shortcut at the real run's size.
  const rand = seeded(SEED + Math.round(eps * 1000));
  const atReal = synthesize(run, DEVICES, eps, rand);
  const shortcutAtReal = aggregate(atReal.reports, core);
  validation.push({
    eps: label,
    realHalf: api?.lift?.ci95 ? (api.lift.ci95[1] - api.lift.ci95[0]) / 2 : real.lift?.half,
    shortcutHalf: shortcutAtReal.lift?.half,
    realL1: l1(shares(real), truth.shares),
    shortcutL1: l1(shares(shortcutAtReal), truthOf(atReal.truth).shares),
    seconds: run.seconds,
    apiLift: api?.lift?.value ?? null,
    aggLift: real.lift?.value ?? null,
  });
  rows.push({ fleet: `${DEVICES} (real)`, eps: label, simLift: run.counts.conversions.treatment / run.counts.exposures.treatment - run.counts.conversions.holdout / run.counts.exposures.holdout,
    grantedLift: ((g) => g.treatment.converted / g.treatment.exposed - g.holdout.converted / g.holdout.exposed)(run.counts.engineGranted), truth: truth.lift, lift: real.lift, l1: l1(shares(real), truth.shares), suppressed: suppressedShare(run, DEVICES), bytesPerDeviceDay, bytesPerConsentingDay, real: true, counts: run.counts });
  for (const fleet of FLEETS) {
    const syn = synthesize(run, fleet, eps, rand);
    const t = truthOf(syn.truth);
    const est = aggregate(syn.reports, core);
    rows.push({ fleet: String(fleet), fleetN: fleet, eps: label, truth: t.lift, lift: est.lift, l1: l1(shares(est), t.shares), suppressed: suppressedShare(run, fleet), bytesPerDeviceDay, bytesPerConsentingDay, real: false });
  }
}

// ---- The report ----
const pp = (x) => (x == null || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(2)}`);
const pct = (x) => `${(x * 100).toFixed(1)}%`;
let md = `# Hearth fleet simulation: privacy vs utility\n\n`;
md += `Generated by \`npm run simulate\` (bench/fleet/simulate.mjs) on ${new Date().toISOString()}.\n\n`;
md += `- ${DEVICES} real devices per ε (the \`hearth\` package, release wasm, memory storage, real \`hearth.sync()\` to the real collector with PGlite in memory), ${DAYS} simulated days, seed ${SEED}, k = ${K}.\n`;
md += `- Planted truth: a view-triggered deal (50% holdout) raises purchase among exposed treatment device-days by +${PLANTED_LIFT * 100} pp. "true lift" is the realized treatment − holdout conversion among exposed device-days of the reports sent (the planted +3 pp plus sampling luck).\n`;
md += `- Policy: \`createHearth({ privacy: { epsilonPerDay: ε, types: { <each>: { epsilon: ε } } } })\` — one report per active day, its type drawn by lottery (interests 0.5, campaign 0.4, bandit 0.05, engagement 0.05).\n`;
md += `- Fleets 1k / 10k / 50k: noise shortcut (the real run's per-report truths resampled to that size, noised with the core's exact (p, q), aggregated with the collector's estimators); validated below at the real size. Lift and histogram are pooled over all ${DAYS} days; "suppressed" is the share of per-day cells (interest key × day, campaign arm × day) under k reports.\n\n`;
md += `| fleet | ε/day | true lift (pp) | est. lift (pp) | CI ± (pp) | hist. L1 | suppressed | bytes/device/day (all; consenting) |\n|---|---|---|---|---|---|---|---|\n`;
for (const r of rows) {
  md += `| ${r.fleet} | ${r.eps} | ${pp(r.truth)} | ${pp(r.lift?.value)} | ${pp(r.lift?.half)} | ${pct(r.l1)} | ${pct(r.suppressed)} | ${r.bytesPerDeviceDay.toFixed(0)}; ${r.bytesPerConsentingDay.toFixed(0)} |\n`;
}
md += `\n## Shortcut validation (same n as the real run)\n\n| ε/day | real collector CI ± (pp) | shortcut CI ± (pp) | real L1 | shortcut L1 | collector lift = re-aggregated lift | real run time (s) |\n|---|---|---|---|---|---|---|\n`;
for (const v of validation) md += `| ${v.eps} | ${pp(v.realHalf)} | ${pp(v.shortcutHalf)} | ${pct(v.realL1)} | ${pct(v.shortcutL1)} | ${v.apiLift != null && v.aggLift != null && Math.abs(v.apiLift - v.aggLift) < 1e-9 ? 'yes' : 'no'} | ${v.seconds.toFixed(0)} |\n`;
const first = rows.find((r) => r.real);
md += `\nRealized lift over ALL exposed device-days of the real runs (not only those the lottery reported): ${rows.filter((r) => r.real).map((r) => `ε ${r.eps}: ${pp(r.simLift)} pp (devices that granted measurement: ${pp(r.grantedLift)} pp)`).join('; ')} — planted +${PLANTED_LIFT * 100} pp within each persona; the fleet's mix of personas per arm moves the realized value.\n`;
md += `\nConsent in the real runs: ${JSON.stringify(first.counts.byConsent)}; requests by consent: ${JSON.stringify(first.counts.requestsByConsent)} (devices that never granted measurement sent nothing).\n\n`;
md += `![lift CI](lift-ci.svg)\n\n![histogram L1](hist-l1.svg)\n`;
const series = (metric) =>
  FLEETS.map((f) => ({ name: `${f} devices`, ys: EPS.map((e) => metric(rows.find((r) => r.fleetN === f && r.eps === String(e)))) }));
const foot = [`x: ε per day = ${EPS.join(', ')} (left to right)`];
await writeFile(join(OUT, 'lift-ci.svg'), lineChart({ title: 'Lift 95% CI half-width (pp)', xLabel: 'ε per day', yLabel: 'pp', series: [...series((r) => Math.min(20, r.lift.half * 100)), { name: 'target 2 pp', ys: EPS.map(() => 2), dashed: true }], footer: [...foot, 'values above 20 pp drawn at 20 (see the table)'] }));
await writeFile(join(OUT, 'hist-l1.svg'), lineChart({ title: 'Interest histogram L1 error (%)', xLabel: 'ε per day', yLabel: '%', series: [...series((r) => Math.min(40, r.l1 * 100)), { name: 'target 5%', ys: EPS.map(() => 5), dashed: true }], footer: [...foot, 'values above 40% drawn at 40% (see the table)'] }));
await writeFile(join(OUT, 'report.md'), md);
await writeFile(join(OUT, 'rows.json'), JSON.stringify({ rows: rows.map(({ counts, ...r }) => r), validation }, null, 1));
process.stdout.write(md);
