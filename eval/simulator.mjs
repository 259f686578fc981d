// Data 2: simulated users with hidden tastes, to draw a learning curve.
//
// Items are the Superstore catalog (17 sub-categories). Each simulated user has a
// hidden taste t_s in [0, 1] for every sub-category s: g_s ~ Gamma(0.3), t_s = g_s / max g,
// so a user has one favourite sub-category (t = 1), a few liked ones and many near 0.
// Each round a policy shows one item; the user clicks with probability
//   p = (0.02 + 0.48 * t_sub(item)) * 0.5^(times this item was shown before)
// (a repeated item wears out). The clock moves one hour per round. Everything is
// drawn from seeded streams, one per user and purpose, so each policy meets the
// same users with the same luck.
//
// Policies: { name, async start(user, clock) -> { pick() -> itemId | null, update(itemId, clicked), close() } }

import { rng } from './rng.mjs';

export const SIM_DEFAULTS = { users: 300, rounds: 50, shape: 0.3, pMin: 0.02, pMax: 0.5, fatigue: 0.5, start: Date.UTC(2018, 0, 1) };

/**
 * The simulated users.
 * @param {import('./world.mjs').World} world
 * @param {number} seed
 * @param {typeof SIM_DEFAULTS} cfg
 */
export function makeUsers(world, seed, cfg = SIM_DEFAULTS) {
  const users = [];
  for (let u = 0; u < cfg.users; u++) {
    const r = rng(seed, `sim-user:${u}`);
    const g = world.subs.map(() => r.gamma(cfg.shape));
    const max = Math.max(...g);
    users.push({ index: u, taste: g.map((x) => x / max) });
  }
  return users;
}

/** Click probability of item i for a user, before fatigue. */
export function clickProbability(world, user, i, cfg = SIM_DEFAULTS) {
  return cfg.pMin + (cfg.pMax - cfg.pMin) * user.taste[world.subIndex[i]];
}

/** Uniformly random items never shown to this user before. */
export function randomPolicy(world, seed) {
  return {
    name: 'random',
    async start(user) {
      const r = rng(seed, `sim-random:${user.index}`);
      const shown = new Set();
      return {
        pick() {
          let i;
          do i = r.int(world.size); while (shown.has(i) && shown.size < world.size);
          shown.add(i);
          return world.ids[i];
        },
        update() {},
        close() {},
      };
    },
  };
}

/**
 * Greedy on the user's own clicks: after one random first round, an unseen item of
 * the sub-category with the best click rate so far (clicks / shows; sub-categories
 * never shown count 0; ties at random). It exploits and never explores, so it
 * keeps the first sub-category that earned a click.
 */
export function greedyPolicy(world, seed) {
  return {
    name: 'greedy',
    async start(user) {
      const r = rng(seed, `sim-greedy:${user.index}`);
      const shows = new Float64Array(world.subs.length);
      const clicks = new Float64Array(world.subs.length);
      const shown = new Set();
      const bySub = world.subs.map((_, s) => world.ids.flatMap((_, i) => (world.subIndex[i] === s ? [i] : [])));
      return {
        pick() {
          let best = [];
          let bestRate = -1;
          for (let s = 0; s < shows.length; s++) {
            const rate = shows[s] ? clicks[s] / shows[s] : 0;
            if (rate > bestRate) { best = [s]; bestRate = rate; } else if (rate === bestRate) best.push(s);
          }
          const s = r.pick(best);
          const fresh = bySub[s].filter((i) => !shown.has(i));
          const i = fresh.length ? r.pick(fresh) : r.int(world.size);
          shown.add(i);
          return world.ids[i];
        },
        update(id, clicked) {
          const s = world.subIndex[world.index.get(id)];
          shows[s]++;
          if (clicked) clicks[s]++;
        },
        close() {},
      };
    },
  };
}

/**
 * The ceiling: knows the hidden tastes and shows the unseen item with the highest
 * click probability (the favourite sub-category first, in random order, then the next).
 */
export function oraclePolicy(world, seed) {
  return {
    name: 'oracle (knows the tastes)',
    async start(user) {
      const r = rng(seed, `sim-oracle:${user.index}`);
      const order = r
        .shuffled(world.ids.map((_, i) => i))
        .sort((a, b) => user.taste[world.subIndex[b]] - user.taste[world.subIndex[a]]);
      let n = 0;
      return {
        pick: () => world.ids[order[n++ % order.length]],
        update() {},
        close() {},
      };
    },
  };
}

/**
 * Runs one policy over every user; returns the click-through rate of each round
 * (mean over users) and per-user totals.
 * @param {import('./world.mjs').World} world
 * @param {ReturnType<typeof makeUsers>} users
 * @param {{ name: string, start: Function }} policy
 * @param {number} seed
 * @param {typeof SIM_DEFAULTS} cfg
 */
export async function simulate(world, users, policy, seed, cfg = SIM_DEFAULTS) {
  const perRound = new Float64Array(cfg.rounds);
  let empty = 0;
  let repeats = 0;
  let shows = 0;
  for (const user of users) {
    const clock = { t: cfg.start, now: () => clock.t };
    // The user's luck: one uniform per round, the same whatever the policy shows.
    const luck = rng(seed, `sim-luck:${user.index}`);
    const timesShown = new Map();
    const session = await policy.start(user, clock);
    try {
      for (let round = 0; round < cfg.rounds; round++) {
        clock.t = cfg.start + round * 3_600_000;
        const u = luck.next();
        const id = session.pick();
        if (id === null) { empty++; continue; }
        const i = world.index.get(id);
        const seen = timesShown.get(i) ?? 0;
        timesShown.set(i, seen + 1);
        shows++;
        if (seen > 0) repeats++;
        const clicked = u < clickProbability(world, user, i, cfg) * cfg.fatigue ** seen;
        if (clicked) perRound[round]++;
        session.update(id, clicked);
      }
    } finally {
      session.close();
    }
  }
  const ctr = [...perRound].map((c) => c / users.length);
  const mean = (a, b) => ctr.slice(a, b).reduce((x, y) => x + y, 0) / Math.max(1, ctr.slice(a, b).length);
  const tenth = Math.max(1, Math.floor(cfg.rounds / 5));
  return {
    name: policy.name,
    ctr,
    overall: mean(0, cfg.rounds),
    first: mean(0, tenth),
    last: mean(cfg.rounds - tenth, cfg.rounds),
    emptyRounds: empty,
    /** share of shows that repeated an item this user had already been shown */
    repeatShare: shows ? repeats / shows : 0,
  };
}
