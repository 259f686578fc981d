// Hearth behind the evaluation's recommender interface, through the public npm API
// only (`import { createHearth } from 'hearth'`), the way a host page uses it.
//
// Offline (Superstore), per test customer:
//   1. createHearth({ storage: 'memory', autosave: 0, now: () => testDate, seed })
//   2. hearth.catalog.load(catalog as of the test date)   (popularity and created_at
//      from training lines dated before it: see History.catalogAsOf)
//   3. hearth.trackMany(the customer's training lines as 'purchase' events:
//      { type: 'purchase', item, id: 'order#row', ts: order date, quantity, value: Sales,
//        deal: Discount > 0 }, plus a 'view' of the same item at the same time when
//      options.views is set)
//   4. hearth.recommend({ slot: 'for_you', count: 10 }) and ({ slot: 'wow', count: 10 })
//   5. hearth.close()
// The harness never re-ranks Hearth's picks; it only drops an already-bought item
// should Hearth return one (counted as a contract violation) and keeps the first k.
//
// Simulator (hidden tastes), per simulated user and round:
//   picks = hearth.recommend({ slot: 'for_you', count: 1 }); show picks[0]
//   click:   hearth.track({ type: 'click', item, ts }) and
//            hearth.feedback({ item, slot: 'for_you', outcome: 'click' })
//   no click: nothing (recommend() recorded the impression, and an unrewarded
//            decision is the bandit's miss) or, with options.dismiss,
//            feedback({ item, slot: 'for_you', outcome: 'dismiss' }): the harness
//            runs both hosts.

import { History } from './world.mjs';

/**
 * What the installed SDK offers. Never throws: when something is missing the
 * reason says what, and the report prints "n/a (<reason>)".
 * @returns {Promise<{ createHearth: Function | null, recommend: boolean, feedback: boolean, seed: boolean, reason: string | null }>}
 */
export async function probeHearth(load = () => import('hearth')) {
  let createHearth;
  try {
    ({ createHearth } = await load());
  } catch (e) {
    return { createHearth: null, recommend: false, feedback: false, seed: false, reason: `Hearth could not be loaded: ${e.message}` };
  }
  let seed = true;
  let h;
  try {
    h = await createHearth({ storage: 'memory', autosave: 0, seed: 1 });
  } catch (e) {
    if (e?.code !== 'INVALID_ARGUMENT') {
      return { createHearth: null, recommend: false, feedback: false, seed: false, reason: `createHearth() failed: ${e.message}` };
    }
    seed = false; // an SDK without the seed option
    h = await createHearth({ storage: 'memory', autosave: 0 });
  }
  const recommend = typeof h.recommend === 'function';
  const feedback = typeof h.feedback === 'function';
  h.close();
  return {
    createHearth,
    recommend,
    feedback,
    seed,
    reason: recommend ? null : 'recommend() not available',
  };
}

/** Checks one list of picks against the documented contract; returns the problems. */
export function checkPicks(picks, catalogIds) {
  const problems = [];
  if (!Array.isArray(picks)) return ['recommend() did not return an array'];
  const seen = new Set();
  for (const p of picks) {
    if (!p || typeof p.item !== 'string' || !catalogIds.has(p.item)) problems.push('item not in the catalog');
    else if (seen.has(p.item)) problems.push('duplicate item');
    else seen.add(p.item);
    if (typeof p?.score !== 'number' || !Number.isFinite(p.score)) problems.push('score not a finite number');
    if (typeof p?.reason !== 'string' || p.reason.trim() === '') problems.push('empty reason');
    if (!(typeof p?.propensity === 'number' && p.propensity > 0 && p.propensity <= 1)) problems.push('propensity outside (0, 1]');
  }
  return problems;
}

/** Contract tallies of one slot, printed under the table. */
function newContract() {
  return { calls: 0, picks: 0, problems: new Map(), boughtReturned: 0, rejectedEvents: 0, rejectedItems: 0, arms: new Map() };
}

function tally(contract, problems) {
  for (const p of problems) contract.problems.set(p, (contract.problems.get(p) ?? 0) + 1);
}

/**
 * The two offline Hearth recommenders (for_you and wow). They share one instance
 * per customer: the first recommend() for a customer builds it, the next
 * customer's first call closes it.
 * @param {object} args
 * @param {Awaited<ReturnType<typeof probeHearth>>} args.sdk
 * @param {import('./world.mjs').World} args.world
 * @param {number} args.seed
 * @param {{ views?: boolean, profile?: object }} [args.options]
 */
export function hearthRecommenders({ sdk, world, seed, options = {} }) {
  const catalogIds = new Set(world.ids);
  /** @type {import('./world.mjs').History | null} */
  let history = null;
  let current = null; // { userId, hearth }
  const contracts = { for_you: newContract(), wow: newContract() };

  async function sessionFor(user) {
    if (current?.userId === user.id) return current.hearth;
    close();
    const opts = { storage: 'memory', autosave: 0, now: () => user.testTs };
    if (sdk.seed) opts.seed = seed;
    if (options.profile) opts.profile = options.profile;
    const hearth = await sdk.createHearth(opts);
    current = { userId: user.id, hearth };
    const loaded = hearth.catalog.load(JSON.stringify(history.catalogAsOf(user.testTs)));
    contracts.for_you.rejectedItems += loaded.rejected.length;
    const replayed = hearth.trackMany(replayEvents(user.train, options));
    contracts.for_you.rejectedEvents += replayed.rejected.length;
    return hearth;
  }

  function close() {
    current?.hearth.close();
    current = null;
  }

  const make = (slot) => ({
    name: `Hearth ${slot}`,
    slot,
    contract: contracts[slot],
    fit(trainEvents, sharedHistory) {
      history = sharedHistory ?? new History(world, trainEvents);
    },
    async recommend(user, k, exclude) {
      const hearth = await sessionFor(user);
      const picks = hearth.recommend({ slot, count: k });
      const c = contracts[slot];
      c.calls++;
      c.picks += Array.isArray(picks) ? picks.length : 0;
      tally(c, checkPicks(picks, catalogIds));
      const out = [];
      for (const p of Array.isArray(picks) ? picks : []) {
        if (typeof p?.arm === 'string') c.arms.set(p.arm, (c.arms.get(p.arm) ?? 0) + 1);
        if (exclude.has(p.item)) { c.boughtReturned++; continue; }
        out.push(p.item);
      }
      return out.slice(0, k);
    },
  });
  return { forYou: make('for_you'), wow: make('wow'), close, contracts };
}

/**
 * A customer's training lines as Hearth events, oldest first.
 * @param {import('./data.mjs').OrderLine[]} train
 * @param {{ views?: boolean }} [options]
 */
export function replayEvents(train, options = {}) {
  const events = [];
  for (const l of train) {
    if (options.views) events.push({ type: 'view', item: l.item, id: `${l.order}#${l.row}:view`, ts: l.ts });
    events.push({
      type: 'purchase',
      item: l.item,
      id: `${l.order}#${l.row}`,
      ts: l.ts,
      quantity: l.quantity,
      value: Math.round(l.sales * 100) / 100,
      deal: l.discount > 0,
    });
  }
  return events;
}

/**
 * The simulator's Hearth policy: one instance per simulated user.
 * @param {object} args
 * @param {Awaited<ReturnType<typeof probeHearth>>} args.sdk
 * @param {string} args.catalogJson
 * @param {number} args.seed
 * @param {{ dismiss?: boolean, trackClicks?: boolean, slot?: 'for_you' | 'wow' }} [args.options]
 */
export function hearthPolicy({ sdk, catalogJson, seed, options = {} }) {
  const slot = options.slot ?? 'for_you';
  const trackClicks = options.trackClicks ?? true;
  const contract = newContract();
  const catalogIds = new Set(JSON.parse(catalogJson).map((c) => c.id));
  return {
    name: `Hearth ${slot}, ${options.dismiss ? "pass = feedback 'dismiss'" : 'pass = no call'}`,
    contract,
    async start(user, clock) {
      const opts = { storage: 'memory', autosave: 0, now: clock.now };
      if (sdk.seed) opts.seed = (seed * 1_000_003 + user.index) % 2 ** 31;
      const hearth = await sdk.createHearth(opts);
      hearth.catalog.load(catalogJson);
      return {
        pick() {
          const picks = hearth.recommend({ slot, count: 1 });
          contract.calls++;
          contract.picks += picks.length;
          tally(contract, checkPicks(picks, catalogIds));
          for (const p of picks) if (typeof p?.arm === 'string') contract.arms.set(p.arm, (contract.arms.get(p.arm) ?? 0) + 1);
          return picks[0]?.item ?? null;
        },
        update(item, clicked) {
          if (clicked) {
            if (trackClicks) hearth.track({ type: 'click', item, ts: clock.now() });
            hearth.feedback({ item, slot, outcome: 'click' });
          } else if (options.dismiss) {
            hearth.feedback({ item, slot, outcome: 'dismiss' });
          }
        },
        close() {
          hearth.close();
        },
      };
    },
  };
}
