// The fleet simulator: N seeded shoppers, each a real Hearth instance (the
// `hearth` package, release wasm, its own memory storage and clock), browse a
// shared generated catalog for D simulated days, react to recommendations and
// to a triggered-deal campaign with a planted lift, consent at realistic
// rates, and sync through the real sync client (`hearth.sync()`) to the real
// collector (PGlite in memory) on loopback. Returns the collector's estimates
// next to the truth the simulation knows.
//
// Example:
//   const run = await runFleet({ devices: 300, days: 10, epsilonPerDay: 1, seed: 7 });
//   run.estimates.lift   // { value, ci95 } from GET /api/lift (among exposed)
//   run.truth.lift       // the realized treatment − holdout conversion among exposed device-days
//
// Devices are independent, so they run one after another (one wasm instance
// alive at a time: bounded memory on a small machine); each device's clock
// walks its own days and the collector accepts any period
// (maxPeriodAgeDays: null), since its clock is not the devices'.

import { createHearth } from 'hearth';
import { startCollector } from '../../demo/collector/server.mjs';

export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 9, 5, 0); // a Monday, UTC
export const CATEGORIES = ['Apparel', 'Camping', 'Home', 'Shoes', 'Sports', 'Toys'];
export const KEYS = CATEGORIES.map((c) => c.toLowerCase());
export const CAMPAIGN_ID = 'weekend-deal';
/** Planted: a triggered deal raises the purchase probability of an exposed treatment device by this much. */
export const PLANTED_LIFT = 0.03;

/** The simulation's own PRNG (mulberry32), deterministic per seed; the devices use their engines' seeded generators. */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick(rand, weights) {
  const total = weights.reduce((a, b) => a + b, 0);
  let u = rand() * total;
  for (let i = 0; i < weights.length; ++i) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** The shared catalog: 6 top-level categories × 3 subcategories × 8 items, 12 brands. */
export function makeCatalog(seed = 1) {
  const rand = seeded(seed);
  const items = [];
  for (const cat of CATEGORIES) {
    for (let s = 0; s < 3; ++s) {
      for (let i = 0; i < 8; ++i) {
        items.push({
          id: `${cat.toLowerCase()}-${s}-${i}`,
          title: `${cat} item ${s}.${i}`,
          category: `${cat} > Sub${s}`,
          brand: `Brand${Math.floor(rand() * 12)}`,
          price: Math.round(10 + rand() * 190),
        });
      }
    }
  }
  return items;
}

/**
 * The playbook's six lifecycle types as tastes and habits: share of the
 * fleet, chance of a visit per day (and the day after which a lapsed shopper
 * stops), views per visit, how many categories they care about, brand
 * loyalty and base purchase probability once the deal's moment comes (the
 * holdout's rate; the treatment adds the planted lift, the same for every
 * persona, so the planted effect is exact within each persona).
 */
export const PERSONAS = [
  { name: 'brand advocate', share: 0.12, visit: 0.6, views: 4, cats: 1, brandLoyal: 0.8, buy: 0.08 },
  { name: 'multi-category', share: 0.18, visit: 0.5, views: 5, cats: 4, brandLoyal: 0.1, buy: 0.06 },
  { name: 'single-category regular', share: 0.2, visit: 0.45, views: 3, cats: 1, brandLoyal: 0.3, buy: 0.05 },
  { name: 'deal seeker', share: 0.15, visit: 0.5, views: 4, cats: 2, brandLoyal: 0.0, buy: 0.07 },
  { name: 'disengaged', share: 0.2, visit: 0.12, views: 2, cats: 2, brandLoyal: 0.0, buy: 0.02 },
  { name: 'lapsed', share: 0.15, visit: 0.5, views: 3, cats: 2, brandLoyal: 0.2, buy: 0.04, stopAfter: 3 },
];
/** Category popularity: a skewed taste distribution across the fleet. */
export const CATEGORY_POPULARITY = [0.3, 0.22, 0.16, 0.14, 0.1, 0.08];
/** Consent to measurement: granted / denied / never answered. */
export const CONSENT_RATES = { granted: 0.6, denied: 0.25, pending: 0.15 };

/** The campaign: a deal triggered by a view, once a day, half the fleet held out. */
export const CAMPAIGNS = [
  {
    id: CAMPAIGN_ID,
    name: 'A deal on what you looked at',
    trigger: { event: 'view', withinHours: 24 },
    action: { type: 'deal', category: 'Camping', discount: 0.15 },
    cap: { perDay: 1, lifetime: 60 },
    holdout: 0.5,
    goal: { event: 'purchase', windowHours: 24 },
  },
];

/** The SDK policy for a total ε per day: the whole day's ε on the one report the lottery picks. */
export function policyFor(epsilonPerDay, weights = {}) {
  const types = {};
  for (const type of ['interests', 'campaign', 'bandit', 'engagement']) {
    types[type] = { epsilon: epsilonPerDay, ...(weights[type] !== undefined ? { weight: weights[type] } : {}) };
  }
  return { epsilonPerDay, types };
}

/** A shopper: persona, consent and tastes drawn from the seed. */
export function makeShopper(rand, index) {
  const persona = PERSONAS[pick(rand, PERSONAS.map((p) => p.share))];
  const u = rand();
  const consent = u < CONSENT_RATES.granted ? 'granted' : u < CONSENT_RATES.granted + CONSENT_RATES.denied ? 'denied' : 'pending';
  const cats = [];
  const pop = [...CATEGORY_POPULARITY];
  while (cats.length < persona.cats) {
    const c = pick(rand, pop);
    cats.push(c);
    pop[c] = 0;
  }
  // Weight of each liked category: the first dominates.
  const catWeights = cats.map((_, i) => 1 / (i + 1));
  return { index, persona, consent, cats, catWeights, brand: `Brand${Math.floor(rand() * 12)}` };
}

/** Strongest top-level category in the device's profile: what its interests report encodes. */
export function topCategory(profile) {
  let best = null;
  let w = -Infinity;
  for (const i of profile.interests) {
    if (i.kind !== 'category' || !i.feature.startsWith('cat:') || i.feature.includes('/')) continue;
    if (i.weight > w) {
      w = i.weight;
      best = i.feature.slice(4);
    }
  }
  return best;
}

/**
 * Runs one fleet against a collector (started here unless `collector` is
 * passed). Options: devices, days, epsilonPerDay, seed, k, loseAnswers
 * (share of syncs whose answer is lost: the device resends the same ids).
 */
export async function runFleet(options) {
  const { devices, days = 14, epsilonPerDay = 1, seed = 1, k = 100, loseAnswers = 0, weights = {}, onProgress = () => {} } = options;
  const policy = policyFor(epsilonPerDay, weights);
  const own = !options.collector;
  const collector = options.collector ?? (await startCollector({ port: 0, url: 'pglite:memory', k, policy: JSON.stringify(policy), maxPeriodAgeDays: null, maxPeriodAheadDays: null }));
  const endpoint = collector.url.replace(/\/$/, '');
  const catalog = makeCatalog(seed);
  const byCat = CATEGORIES.map((c) => catalog.filter((it) => it.category.startsWith(c)));
  const rand = seeded(seed * 7919 + 17);
  const wire = []; // every POSTed report, resends included (for the broken-aggregation check)
  const truth = new Map(); // report id -> { type, period, value | arm/value }
  const counts = { devices: 0, byConsent: { granted: 0, denied: 0, pending: 0 }, requestsByConsent: { granted: 0, denied: 0, pending: 0 }, bytes: 0, posts: 0, consentingDeviceDays: 0, exposures: { treatment: 0, holdout: 0 }, conversions: { treatment: 0, holdout: 0 }, engine: { treatment: { exposed: 0, converted: 0 }, holdout: { exposed: 0, converted: 0 } }, engineGranted: { treatment: { exposed: 0, converted: 0 }, holdout: { exposed: 0, converted: 0 } } };
  const started = performance.now();
  for (let d = 0; d < devices; ++d) {
    const shopper = makeShopper(rand, d);
    counts.devices++;
    counts.byConsent[shopper.consent]++;
    const clock = { t: T0 };
    const fetchFn = async (url, init) => {
      counts.requestsByConsent[shopper.consent]++;
      counts.posts++;
      counts.bytes += Buffer.byteLength(init.body);
      const sent = JSON.parse(init.body).reports;
      for (const r of sent) wire.push(r);
      const res = await fetch(url, init);
      if (loseAnswers > 0 && rand() < loseAnswers) {
        await res.arrayBuffer();
        throw new TypeError('network error (answer lost)');
      }
      return res;
    };
    const hearth = await createHearth({
      storage: 'memory',
      now: () => clock.t,
      seed: seed * 1_000_003 + d + 1,
      endpoint,
      consent: { personalization: 'granted', gamification: 'granted', measurement: shopper.consent },
      sync: { auto: false },
      fetch: fetchFn,
      privacy: policy,
      autosave: 0,
    });
    hearth.catalog.load(catalog);
    hearth.campaigns.load(CAMPAIGNS);
    const arm = hearth.campaigns.list()[0].arm;
    const recordTruth = (body) => {
      for (const r of JSON.parse(body).reports) {
        if (truth.has(r.id)) continue;
        if (r.type === 'interests') truth.set(r.id, { type: r.type, period: r.period, value: topCategory(hearth.profile()) });
        else if (r.type === 'campaign') {
          const day = hearth.campaigns.stats().find((s) => s.campaign === CAMPAIGN_ID && s.day === r.period) ?? null;
          const value = day && day.exposed > 0 ? (day.converted > 0 ? 2 : 1) : 0;
          truth.set(r.id, { type: r.type, period: r.period, arm, value });
        } else truth.set(r.id, { type: r.type, period: r.period });
      }
    };
    for (let day = 0; day < days; ++day) {
      const dayStart = T0 + day * DAY;
      // Sync what yesterday produced (the first thing a visit — or a background tab — does).
      clock.t = dayStart + 30 * 60_000;
      if (day > 0) {
        if (shopper.consent === 'granted') {
          counts.consentingDeviceDays++;
          const next = hearth.privacy.report().next;
          if (next.body) recordTruth(next.body);
        }
        await hearth.sync();
      }
      const p = shopper.persona;
      const active = rand() < p.visit && !(p.stopAfter !== undefined && day >= p.stopAfter);
      if (!active) continue;
      clock.t = dayStart + (9 + Math.floor(rand() * 12)) * 3_600_000;
      for (let v = 0; v < p.views; ++v) {
        const c = shopper.cats[pick(rand, shopper.catWeights)];
        let pool = byCat[c];
        if (rand() < p.brandLoyal) pool = pool.filter((it) => it.brand === shopper.brand).concat(pool.slice(0, 1));
        hearth.track({ type: 'view', item: pool[Math.floor(rand() * pool.length)].id });
        clock.t += 60_000;
      }
      // Recommendations: click a pick in a liked category.
      const picks = hearth.recommend({ slot: 'for_you', count: 4 });
      for (const pk of picks) {
        const it = catalog.find((x) => x.id === pk.id);
        if (it && shopper.cats.some((c) => it.category.startsWith(CATEGORIES[c])) && rand() < 0.3) {
          hearth.track({ type: 'click', item: it.id });
          clock.t += 30_000;
        }
      }
      // The triggered deal: exposure recorded in both arms; treatment converts +3 pp more.
      hearth.campaigns.active({ hour: new Date(clock.t).getUTCHours(), tzOffsetMinutes: 0 });
      const exposed = hearth.campaigns.stats().some((s) => s.campaign === CAMPAIGN_ID && s.day === isoDay(dayStart) && s.exposed > 0);
      if (exposed) {
        counts.exposures[arm]++;
        const prob = p.buy + (arm === 'treatment' ? PLANTED_LIFT : 0);
        if (rand() < prob) {
          counts.conversions[arm]++;
          clock.t += 120_000;
          const it = byCat[shopper.cats[0]][Math.floor(rand() * byCat[shopper.cats[0]].length)];
          hearth.track({ type: 'purchase', item: it.id });
        }
      }
    }
    // The last day's report goes out the morning after.
    clock.t = T0 + days * DAY + 30 * 60_000;
    if (shopper.consent === 'granted') {
      counts.consentingDeviceDays++;
      const next = hearth.privacy.report().next;
      if (next.body) recordTruth(next.body);
    }
    await hearth.sync();
    for (const st of hearth.campaigns.stats()) {
      if (st.campaign !== CAMPAIGN_ID) continue;
      counts.engine[st.arm].exposed += st.exposed;
      counts.engine[st.arm].converted += st.converted;
      if (shopper.consent === 'granted') {
        counts.engineGranted[st.arm].exposed += st.exposed;
        counts.engineGranted[st.arm].converted += st.converted;
      }
    }
    hearth.close();
    if ((d + 1) % 100 === 0) onProgress({ devices: d + 1, seconds: (performance.now() - started) / 1000 });
  }
  const lift = await (await fetch(`${collector.url}api/lift`)).json();
  const interests = await (await fetch(`${collector.url}api/interests`)).json();
  const stats = await (await fetch(`${collector.url}api/stats`)).json();
  if (own) await collector.close();
  return { options: { devices, days, epsilonPerDay, seed, k, loseAnswers, weights }, policy, counts, truth, wire, api: { lift, interests, stats }, seconds: (performance.now() - started) / 1000 };
}

export function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

// ---- Aggregation outside the collector (the noise shortcut and the broken-aggregation check) ----

import { debiasRr, Z95 } from '../../demo/collector/dp.mjs';
import { armEstimate } from '../../demo/collector/estimate.mjs';

/**
 * The collector's estimators (demo/collector/estimate.mjs, docs/privacy.md)
 * over a list of wire reports, pooled over all periods: interest shares
 * (k-RR or OUE) and the campaign lift among exposed device-days. With
 * `debias: false` the raw observed shares are used as if they were the truth
 * and with `dedupe: false` a report sent twice counts twice — the two broken
 * aggregations the fleet test must catch.
 */
export function aggregate(reports, core, { debias = true, dedupe = true } = {}) {
  const seen = new Set();
  const list = [];
  for (const r of reports) {
    if (dedupe) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
    }
    list.push(r);
  }
  const pqOf = (d, eps, mech) => (debias ? core.rrProbabilities(d, eps, mech) : { p: 1, q: 0 });
  // Interests: strata by (period, mech, ε, taxonomy), as the collector's cells.
  const strata = new Map();
  for (const r of list) {
    if (r.type !== 'interests') continue;
    const name = `${r.period}|${r.data.mech}|${r.epsilon}|${r.data.keys.join(',')}`;
    let s = strata.get(name);
    if (!s) strata.set(name, (s = { mech: r.data.mech, eps: r.epsilon, keys: r.data.keys, n: 0, observed: new Array(r.data.keys.length + 1).fill(0) }));
    s.n++;
    if (r.data.mech === 'krr') s.observed[r.data.value]++;
    else for (let i = 0; i < s.keys.length; ++i) if (r.data.bits[i] === '1') s.observed[i]++;
  }
  const hist = new Map();
  let interestReports = 0;
  for (const s of strata.values()) {
    interestReports += s.n;
    const pq = pqOf(s.mech === 'krr' ? s.keys.length + 1 : 0, s.eps, s.mech);
    s.keys.forEach((key, i) => {
      const e = debiasRr(s.observed[i], s.n, pq);
      const a = hist.get(key) ?? { count: 0, variance: 0 };
      a.count += e.value;
      a.variance += e.variance;
      hist.set(key, a);
    });
  }
  const shares = {};
  for (const [key, a] of hist) shares[key] = { share: a.count / interestReports, half: (Z95 * Math.sqrt(a.variance)) / interestReports };
  // Campaign: per arm, debiased counts of values 0/1/2 with covariance.
  const arms = {};
  for (const r of list) {
    if (r.type !== 'campaign') continue;
    for (const c of r.data.campaigns) {
      const name = `${r.period}|${c.arm}|${r.epsilon / r.data.campaigns.length}`;
      const a = (arms[c.arm] ??= new Map());
      let s = a.get(name);
      if (!s) a.set(name, (s = { eps: Math.floor((r.epsilon * 1e6) / r.data.campaigns.length) / 1e6, n: 0, observed: [0, 0, 0] }));
      s.n++;
      s.observed[c.value]++;
    }
  }
  // Per arm, the collector's own estimator (demo/collector/estimate.mjs).
  const armOut = {};
  for (const [arm, m] of Object.entries(arms)) {
    const strataOfArm = [...m.values()].map((st) => ({ micros: Math.round(st.eps * 1e6), n: st.n, observed: st.observed }));
    const e = armEstimate(strataOfArm, { rrProbabilities: pqOf });
    const half = ([lo, hi]) => (hi - lo) / 2;
    armOut[arm] = { ...e, exposedHalf: half(e.exposedCi95), convertedHalf: half(e.convertedCi95) };
  }
  let lift = null;
  if (armOut.treatment && armOut.holdout) {
    lift = { value: armOut.treatment.rate - armOut.holdout.rate, half: Z95 * Math.sqrt(armOut.treatment.rateVariance + armOut.holdout.rateVariance) };
  }
  return { reports: list.length, interestReports, shares, arms: armOut, lift };
}

/** The truth over the same (distinct) reports: interest histogram and per-arm exposed / converted device-days. */
export function truthOf(truth) {
  const hist = Object.fromEntries(KEYS.map((k) => [k, 0]));
  let interestReports = 0;
  const arms = { treatment: { reports: 0, exposed: 0, converted: 0 }, holdout: { reports: 0, exposed: 0, converted: 0 } };
  for (const t of truth.values()) {
    if (t.type === 'interests') {
      interestReports++;
      if (t.value) hist[t.value]++;
    } else if (t.type === 'campaign') {
      const a = arms[t.arm];
      a.reports++;
      if (t.value >= 1) a.exposed++;
      if (t.value === 2) a.converted++;
    }
  }
  const shares = Object.fromEntries(Object.entries(hist).map(([k, v]) => [k, interestReports ? v / interestReports : 0]));
  for (const a of Object.values(arms)) a.rate = a.exposed ? a.converted / a.exposed : 0;
  return { interestReports, shares, arms, lift: arms.treatment.rate - arms.holdout.rate };
}

/** L1 distance between two histograms over KEYS plus "none" (1 − the keys' sum). */
export function l1(est, truth) {
  let sumE = 0;
  let sumT = 0;
  let d = 0;
  for (const k of KEYS) {
    const e = est[k] ?? 0;
    d += Math.abs(e - (truth[k] ?? 0));
    sumE += e;
    sumT += truth[k] ?? 0;
  }
  return d + Math.abs(1 - sumE - (1 - sumT));
}

/**
 * The assertions a fleet run must pass: every interest share, each arm's
 * exposed and converted counts, and the lift within their stated 95%
 * intervals of the truth (z scaled to `z` for a family of checks). Returns
 * the failures (empty = pass).
 */
export function checkEstimates(est, truth, { z = 3.29 } = {}) {
  const widen = z / Z95;
  const failures = [];
  const within = (name, value, half, target) => {
    if (!(Math.abs(value - target) <= half * widen)) failures.push(`${name}: estimate ${value.toFixed(4)} ± ${(half * widen).toFixed(4)} misses the truth ${target.toFixed(4)}`);
  };
  for (const k of KEYS) if (est.shares[k]) within(`interest share ${k}`, est.shares[k].share, est.shares[k].half, truth.shares[k]);
  for (const arm of ['treatment', 'holdout']) {
    const e = est.arms[arm];
    if (!e) {
      failures.push(`no estimate for arm ${arm}`);
      continue;
    }
    within(`${arm} exposed device-days`, e.exposed, e.exposedHalf, truth.arms[arm].exposed);
    within(`${arm} converted device-days`, e.converted, e.convertedHalf, truth.arms[arm].converted);
  }
  // Report counts are not noised: each distinct report is counted exactly once.
  const exact = (name, value, target) => {
    if (value !== target) failures.push(`${name}: ${value} reports counted, ${target} distinct reports sent`);
  };
  exact('interest', est.interestReports, truth.interestReports);
  for (const arm of ['treatment', 'holdout']) if (est.arms[arm]) exact(`campaign ${arm}`, est.arms[arm].reports, truth.arms[arm].reports);
  if (est.lift) within('lift among exposed', est.lift.value, est.lift.half, truth.lift);
  else failures.push('no lift estimate');
  return failures;
}
