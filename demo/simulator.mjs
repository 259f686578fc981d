// The storefront's built-in shopper simulator: plays N synthetic shoppers
// through the real SDK (the `hearth` package, in Node) against the collector,
// so its dashboard has something to show on a fresh machine.
//
//   const r = await simulateShoppers({ n: 150, endpoint: 'http://127.0.0.1:8080/collector',
//                                      catalogText, promotions, campaigns });
//
// Each shopper is a fresh Hearth (memory storage, its own seed, every
// purpose granted) on a clock that starts `days` (default 3) days ago: on
// most days it favours one or two departments, views, adds to cart and buys,
// sees the deals slot and the campaigns under a random moment (hour,
// weather, distance to the store); each next morning it syncs — the same
// private reports a browser would send (a finished day is reportable).
// Bounded: at most MAX_SHOPPERS shoppers and MAX_MS of wall time; the
// randomness is a seeded PRNG, so a run is reproducible.

import { createHearth } from 'hearth';

export const MAX_SHOPPERS = 500;
export const DEFAULT_SHOPPERS = 200;
export const MAX_MS = 60_000;
export const DEFAULT_DAYS = 3;
export const MAX_DAYS = 7;
const DAY_MS = 86_400_000;
const WEATHER = ['sun', 'rain', 'snow', 'cloud'];

/** mulberry32: a small seeded PRNG (demo traffic, not cryptography). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @param {{ n?: number, endpoint: string, catalogText: string, promotions?: string, campaigns?: string,
 *           seed?: number, now?: number, days?: number, maxMs?: number, fetch?: typeof fetch }} options
 * @returns {Promise<{ shoppers: number, events: number, purchases: number, reportsSent: number,
 *                     reportsAcked: number, syncFailures: number, ms: number, stoppedEarly: boolean }>}
 */
export async function simulateShoppers(options) {
  const n = options.n ?? DEFAULT_SHOPPERS;
  if (!Number.isInteger(n) || n < 1 || n > MAX_SHOPPERS) {
    throw new RangeError(`n must be an integer in [1, ${MAX_SHOPPERS}], got ${n}`);
  }
  if (typeof options.endpoint !== 'string' || !/^https?:\/\//.test(options.endpoint)) {
    throw new TypeError('endpoint must be the collector base URL (http://…)');
  }
  const maxMs = Math.min(options.maxMs ?? MAX_MS, MAX_MS);
  const days = options.days ?? DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw new RangeError(`days must be an integer in [1, ${MAX_DAYS}], got ${days}`);
  const items = JSON.parse(options.catalogText);
  const departments = new Map();
  for (const it of items) {
    const dep = String(it.category).split('>')[0].trim();
    if (!departments.has(dep)) departments.set(dep, []);
    departments.get(dep).push(it);
  }
  const depNames = [...departments.keys()];
  const rand = prng(options.seed ?? 20261125);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const today = Math.floor((options.now ?? Date.now()) / DAY_MS) * DAY_MS;
  const started = performance.now();
  const totals = { shoppers: 0, events: 0, purchases: 0, reportsSent: 0, reportsAcked: 0, syncFailures: 0, ms: 0, stoppedEarly: false };

  for (let i = 0; i < n; i++) {
    if (performance.now() - started > maxMs) {
      totals.stoppedEarly = true;
      break;
    }
    let clock = today - days * DAY_MS + (8 + Math.floor(rand() * 12)) * 3_600_000;
    const hearth = await createHearth({
      storage: 'memory',
      seed: Math.floor(rand() * 2 ** 31),
      now: () => clock,
      autosave: 0,
      consent: { personalization: 'granted', gamification: 'granted', measurement: 'granted' },
      endpoint: options.endpoint,
      sync: { auto: false },
      respectGpc: false,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    try {
      hearth.catalog.load(options.catalogText);
      if (options.promotions) hearth.promotions.load(options.promotions);
      if (options.campaigns) hearth.campaigns.load(options.campaigns);
      const favourites = [pick(depNames), pick(depNames)];
      for (let d = days; d >= 1; d--) {
        clock = today - d * DAY_MS + (8 + Math.floor(rand() * 10)) * 3_600_000;
        if (rand() < 0.75) {
          const context = { hour: 7 + Math.floor(rand() * 16), weather: pick(WEATHER), distanceKm: rand() < 0.3 ? 0.4 : 12 };
          const deals = hearth.recommend({ slot: 'deals', count: 4, context });
          hearth.campaigns.active(context);
          const views = 3 + Math.floor(rand() * 8);
          for (let e = 0; e < views; e++) {
            const pool = rand() < 0.8 ? departments.get(pick(favourites)) : items;
            const item = pick(pool);
            clock += 20_000 + Math.floor(rand() * 90_000);
            hearth.track({ type: 'view', item: item.id });
            totals.events++;
            if (rand() < 0.25) {
              hearth.track({ type: 'add_to_cart', item: item.id });
              totals.events++;
              if (rand() < 0.5) {
                hearth.track({ type: 'purchase', item: item.id, id: `sim-${i}-${d}-${e}` });
                totals.events++;
                totals.purchases++;
              }
            }
          }
          // Deals bought more often when a campaign put them there (so lift shows).
          const deal = deals.find((x) => x.campaign) ?? deals[0];
          if (deal && rand() < (deal.campaign ? 0.35 : 0.15)) {
            clock += 60_000;
            hearth.track({ type: 'purchase', item: deal.item, deal: true, id: `sim-${i}-${d}-deal` });
            totals.events++;
            totals.purchases++;
          }
        }
        // The next morning: the finished day's reports are due.
        clock = today - (d - 1) * DAY_MS + 7 * 3_600_000;
        const r = await hearth.sync();
        totals.reportsSent += r.sent ?? 0;
        totals.reportsAcked += r.acked ?? 0;
        if (r.status !== 'ok' && r.status !== 'idle') totals.syncFailures++;
      }
      totals.shoppers++;
    } finally {
      hearth.close();
    }
  }
  totals.ms = Math.round(performance.now() - started);
  return totals;
}
