// The whole evaluation as a function: Superstore offline ranking + the hidden-taste
// simulator. run.mjs prints and writes what this returns; eval.test.js runs a
// small version of it.

import { buildCatalog, loadSuperstore, splitByCustomer } from './data.mjs';
import { categoryPopularityRecommender, popularityRecommender, randomRecommender } from './baselines.mjs';
import { hearthPolicy, hearthRecommenders, probeHearth } from './hearth.mjs';
import { bootstrap, evaluate, popularityReference } from './metrics.mjs';
import { rng } from './rng.mjs';
import { greedyPolicy, makeUsers, oraclePolicy, randomPolicy, SIM_DEFAULTS, simulate } from './simulator.mjs';
import { History, World } from './world.mjs';

export const DEFAULTS = {
  seed: 42,
  k: 10,
  /** test customers to evaluate; 0 = all of them */
  customers: 0,
  /** also replay a 'view' before each training purchase */
  views: false,
  /** 'auto': evaluate Hearth when the SDK has recommend(); 'off': never */
  hearth: 'auto',
  /** bootstrap resamples of the 95% intervals */
  resamples: 1000,
  sim: { users: SIM_DEFAULTS.users, rounds: SIM_DEFAULTS.rounds, trackClicks: true },
};

/**
 * @param {Partial<typeof DEFAULTS>} [options]
 * @param {{ lines?: import('./data.mjs').OrderLine[], sdk?: Awaited<ReturnType<typeof probeHearth>> }} [inject]
 *   test seams: pre-loaded order lines, a stand-in SDK
 */
export async function runEval(options = {}, inject = {}) {
  const o = { ...DEFAULTS, ...options, sim: { ...DEFAULTS.sim, ...options.sim } };
  const timings = {};
  let t = performance.now();
  const lap = (name) => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
  };

  // --- data ---
  const lines = inject.lines ?? (await loadSuperstore());
  const catalog = buildCatalog(lines);
  const split = splitByCustomer(lines);
  const world = new World(catalog);
  let users = split.testUsers;
  if (o.customers > 0 && o.customers < users.length) {
    const chosen = new Set(rng(o.seed, 'customers').shuffled(users.map((u) => u.id)).slice(0, o.customers));
    users = users.filter((u) => chosen.has(u.id));
  }
  const history = new History(world, split.trainEvents);
  const ref = popularityReference(world, history.total);
  const orders = new Set(lines.map((l) => l.order)).size;
  const data = {
    lines: lines.length,
    orders,
    customers: split.stats.customers,
    items: catalog.length,
    subCategories: world.subs.length,
    brands: new Set(catalog.map((c) => c.brand).filter(Boolean)).size,
    itemsWithBrand: catalog.filter((c) => c.brand).length,
    firstDate: lines.reduce((a, l) => (l.date < a ? l.date : a), '9999'),
    lastDate: lines.reduce((a, l) => (l.date > a ? l.date : a), '0000'),
    singleDateCustomers: split.stats.singleDate,
    onlyRepeatCustomers: split.stats.onlyRepeats,
    testUsersAll: split.testUsers.length,
    testUsers: users.length,
    trainLines: split.trainEvents.length,
    testTargets: users.reduce((a, u) => a + u.test.size, 0),
    repeatTargetsDropped: split.stats.repeatTargets,
    signal: signalCheck(world, split),
  };
  lap('data');

  // --- baselines ---
  const baselines = [randomRecommender(world, o.seed), popularityRecommender(world), categoryPopularityRecommender(world)];
  const rows = [];
  for (const rec of baselines) {
    rec.fit(split.trainEvents, history);
    const results = [];
    for (const user of users) results.push({ user, list: await rec.recommend(user, o.k, user.bought) });
    rows.push({ name: rec.name, kind: 'baseline', metrics: evaluate(results, world, ref, o.k) });
  }
  lap('baselines');

  // --- Hearth, offline ---
  const sdk = o.hearth === 'off' ? { reason: 'Hearth disabled (--no-hearth)' } : (inject.sdk ?? (await probeHearth()));
  let contracts = null;
  const hearthNames = ['Hearth for_you', 'Hearth wow'];
  if (sdk.createHearth && sdk.recommend) {
    const { forYou, wow, close } = hearthRecommenders({ sdk, world, seed: o.seed, options: { views: o.views } });
    const lists = { for_you: [], wow: [] };
    try {
      for (const rec of [forYou, wow]) rec.fit(split.trainEvents, history);
      for (const user of users) {
        lists.for_you.push({ user, list: await forYou.recommend(user, o.k, user.bought) });
        lists.wow.push({ user, list: await wow.recommend(user, o.k, user.bought) });
      }
      rows.push({ name: hearthNames[0], kind: 'hearth', metrics: evaluate(lists.for_you, world, ref, o.k) });
      rows.push({ name: hearthNames[1], kind: 'hearth', metrics: evaluate(lists.wow, world, ref, o.k) });
      contracts = { for_you: forYou.contract, wow: wow.contract };
    } catch (e) {
      for (const name of hearthNames) rows.push({ name, kind: 'hearth', na: `recommend() failed: ${e.message}` });
    } finally {
      close();
    }
  } else {
    for (const name of hearthNames) rows.push({ name, kind: 'hearth', na: sdk.reason });
  }
  lap('hearth');

  // --- intervals, best baseline ---
  const measured = rows.filter((r) => r.metrics);
  const best = rows.filter((r) => r.kind === 'baseline').reduce((a, b) => (b.metrics.ndcg > a.metrics.ndcg ? b : a));
  for (const row of measured) {
    const m = row.metrics;
    row.ci = {
      hr: bootstrap(m.perUser.hit, null, rng(o.seed, `ci-hr:${row.name}`), o.resamples),
      ndcg: bootstrap(m.perUser.ndcg, null, rng(o.seed, `ci-ndcg:${row.name}`), o.resamples),
    };
    if (row !== best) {
      row.vsBest = bootstrap(m.perUser.ndcg, best.metrics.perUser.ndcg, rng(o.seed, `ci-diff:${row.name}`), o.resamples);
    }
  }
  lap('intervals');

  // --- simulator (skipped when sim.users is 0) ---
  const simCfg = { ...SIM_DEFAULTS, users: o.sim.users, rounds: o.sim.rounds };
  const sim = [];
  const simContracts = [];
  if (simCfg.users > 0) {
    const simUsers = makeUsers(world, o.seed, simCfg);
    for (const policy of [randomPolicy(world, o.seed), greedyPolicy(world, o.seed), oraclePolicy(world, o.seed)]) {
      sim.push(await simulate(world, simUsers, policy, o.seed, simCfg));
    }
    if (sdk.createHearth && sdk.recommend && sdk.feedback) {
      // The device's catalog when the simulation starts: popularity of all training lines.
      const catalogJson = JSON.stringify(history.catalogAsOf(Infinity));
      // for_you with both ways a host may treat a pass, and the wow slot (does
      // surprise keep most of the click-through where there is taste to learn?).
      for (const extra of [{ dismiss: false }, { dismiss: true }, { slot: 'wow', dismiss: false }]) {
        const policy = hearthPolicy({ sdk, catalogJson, seed: o.seed, options: { ...o.sim, ...extra } });
        try {
          sim.push(await simulate(world, simUsers, policy, o.seed, simCfg));
          simContracts.push({ name: policy.name, contract: policy.contract });
        } catch (e) {
          sim.push({ name: policy.name, na: `recommend()/feedback() failed: ${e.message}` });
        }
      }
    } else {
      sim.push({ name: 'Hearth for_you', na: !sdk.createHearth || !sdk.recommend ? sdk.reason : 'feedback() not available' });
    }
  }
  lap('simulator');

  return { options: o, data, rows, best: best.name, contracts, sim, simConfig: simCfg, simContracts, sdk: { seed: !!sdk.seed, reason: sdk.reason ?? null }, timings };
}

/**
 * Is there anything to personalize on? For each test target: was its sub-category
 * (brand) among the customer's training purchases, against what independence would
 * give (the purchase share of those sub-categories / brands among all training lines).
 */
export function signalCheck(world, split) {
  const subLines = new Map();
  const brandLines = new Map();
  const brandOf = (id) => world.catalog[world.index.get(id)].brand ?? null;
  for (const e of split.trainEvents) {
    const s = world.sub[world.index.get(e.item)];
    subLines.set(s, (subLines.get(s) ?? 0) + 1);
    const b = brandOf(e.item);
    if (b) brandLines.set(b, (brandLines.get(b) ?? 0) + 1);
  }
  const total = split.trainEvents.length;
  let targets = 0;
  let inSub = 0;
  let expSub = 0;
  let inBrand = 0;
  let expBrand = 0;
  for (const u of split.testUsers) {
    const subs = new Set(u.train.map((l) => world.sub[world.index.get(l.item)]));
    const brands = new Set(u.train.map((l) => brandOf(l.item)).filter(Boolean));
    let shareSub = 0;
    for (const s of subs) shareSub += subLines.get(s) / total;
    let shareBrand = 0;
    for (const b of brands) shareBrand += (brandLines.get(b) ?? 0) / total;
    for (const id of u.test) {
      targets++;
      if (subs.has(world.sub[world.index.get(id)])) inSub++;
      if (brands.has(brandOf(id))) inBrand++;
      expSub += shareSub;
      expBrand += shareBrand;
    }
  }
  return {
    targets,
    inBoughtSub: inSub / targets,
    expectedInBoughtSub: expSub / targets,
    ofBoughtBrand: inBrand / targets,
    expectedOfBoughtBrand: expBrand / targets,
  };
}
