// What every recommender may know: the catalog, and the training purchases as of a date.

/**
 * The catalog indexed for fast scoring: item i has id ids[i], sub-category sub[i]
 * ("Category > Sub-Category") and top-level category top[i].
 */
export class World {
  /** @param {import('./data.mjs').CatalogItem[]} catalog */
  constructor(catalog) {
    this.catalog = catalog;
    this.ids = catalog.map((c) => c.id);
    this.index = new Map(this.ids.map((id, i) => [id, i]));
    this.sub = catalog.map((c) => c.category);
    this.top = catalog.map((c) => c.category.split(' > ')[0]);
    this.subs = [...new Set(this.sub)].sort();
    this.subIndex = this.sub.map((s) => this.subs.indexOf(s));
    this.size = catalog.length;
  }
}

/**
 * Training purchases as of a date: for each item, how many training lines bought
 * it strictly before `ts` and when the first of them was. No recommender ever sees
 * an event dated on or after the test date it is asked about, from any customer:
 * this keeps "popular" and "new" free of the future (the per-customer split alone
 * would let customer A's later training orders leak into customer B's test date).
 */
export class History {
  /**
   * @param {World} world
   * @param {import('./data.mjs').OrderLine[]} trainEvents
   */
  constructor(world, trainEvents) {
    this.world = world;
    this.events = [...trainEvents].sort((a, b) => a.ts - b.ts);
    this.cache = new Map();
    /** popularity over all training events: the fixed reference of the novelty and serendipity metrics */
    this.total = this.#counts(Infinity);
  }

  #counts(ts) {
    const count = new Float64Array(this.world.size);
    const first = new Float64Array(this.world.size).fill(NaN);
    let n = 0;
    for (const e of this.events) {
      if (e.ts >= ts) break;
      const i = this.world.index.get(e.item);
      if (i === undefined) continue;
      count[i] += 1;
      if (Number.isNaN(first[i])) first[i] = e.ts;
      n++;
    }
    return { count, first, n };
  }

  /**
   * Popularity (training lines) and first training sale of each item, strictly before ts.
   * @param {number} ts
   * @returns {{ count: Float64Array, first: Float64Array, n: number }}
   */
  asOf(ts) {
    let v = this.cache.get(ts);
    if (!v) {
      v = this.#counts(ts);
      this.cache.set(ts, v);
    }
    return v;
  }

  /**
   * The catalog a device would hold on the date ts: popularity = training purchases
   * before ts; created_at = the first training sale before ts, and absent for items
   * not sold before ts (the data says nothing about when those were listed; their
   * first order date could be the very test order, a leak of the target).
   * @param {number} ts
   */
  catalogAsOf(ts) {
    const { count, first } = this.asOf(ts);
    return this.world.catalog.map((c, i) => {
      const item = { ...c, popularity: count[i] };
      if (Number.isNaN(first[i])) delete item.created_at;
      else item.created_at = new Date(first[i]).toISOString();
      return item;
    });
  }
}

/**
 * The k best item indexes by score (descending; ties by catalog order), skipping `exclude`.
 * @param {ArrayLike<number>} scores
 * @param {number} k
 * @param {(i: number) => boolean} excluded
 */
export function topK(scores, k, excluded) {
  const idx = [];
  for (let i = 0; i < scores.length; i++) if (!excluded(i)) idx.push(i);
  idx.sort((a, b) => scores[b] - scores[a] || a - b);
  return idx.slice(0, k);
}
