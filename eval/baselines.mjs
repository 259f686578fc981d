// The plain baselines Hearth must beat. Every recommender has one interface:
//
//   { name, fit(trainEvents), recommend(user, k, excludeSet) -> itemIds (best first) }
//
// `user` is a TestUser of data.mjs (id, testTs, train, bought); `excludeSet` holds the
// ids the user bought in training, which no recommender may return. recommend may
// return a Promise (Hearth's does); the harness awaits it.

import { rng } from './rng.mjs';
import { History, topK } from './world.mjs';

/** Uniformly random items, seeded per user (the same user gets the same list in every run). */
export function randomRecommender(world, seed) {
  return {
    name: 'random',
    fit() {},
    recommend(user, k, exclude) {
      const r = rng(seed, `random:${user.id}`);
      const out = new Set();
      const room = world.size - exclude.size;
      while (out.size < Math.min(k, room)) {
        const id = world.ids[r.int(world.size)];
        if (!exclude.has(id)) out.add(id);
      }
      return [...out];
    },
  };
}

/** The most-bought items before the user's test date (all customers' training lines). */
export function popularityRecommender(world) {
  let history;
  return {
    name: 'popularity',
    fit(trainEvents) {
      history = new History(world, trainEvents);
    },
    recommend(user, k, exclude) {
      const { count } = history.asOf(user.testTs);
      return topK(count, k, (i) => exclude.has(world.ids[i])).map((i) => world.ids[i]);
    },
  };
}

/**
 * Popularity within the user's most-bought sub-categories: score(i) =
 * share of the user's training lines in sub(i) × (popularity(i) + 1), popularity as
 * of the test date. Items of sub-categories the user never bought score 0 and come
 * last in global-popularity order. A proportional blend spreads the 10 slots over the
 * user's favourite sub-categories. On Superstore the variants ("fill the top
 * sub-category first", top-level categories instead of sub-categories) land within
 * 3 hits of each other (9 to 12 of 778 users): the data has no category signal.
 * @param {import('./world.mjs').World} world
 * @param {{ level?: 'sub' | 'top' }} [options] which category level counts as "category"
 */
export function categoryPopularityRecommender(world, options = {}) {
  const level = options.level ?? 'sub';
  const catOf = level === 'sub' ? world.sub : world.top;
  let history;
  return {
    name: level === 'sub' ? 'category-popularity' : 'top-category-popularity',
    fit(trainEvents) {
      history = new History(world, trainEvents);
    },
    recommend(user, k, exclude) {
      const { count } = history.asOf(user.testTs);
      const share = new Map();
      for (const l of user.train) {
        const c = catOf[world.index.get(l.item)];
        share.set(c, (share.get(c) ?? 0) + 1 / user.train.length);
      }
      const maxCount = Math.max(1, ...count);
      const scores = new Float64Array(world.size);
      for (let i = 0; i < world.size; i++) {
        // Tiny global-popularity term: ranks the items of unbought sub-categories too.
        scores[i] = (share.get(catOf[i]) ?? 0) * (count[i] + 1) + (1e-6 * count[i]) / maxCount;
      }
      return topK(scores, k, (i) => exclude.has(world.ids[i])).map((i) => world.ids[i]);
    },
  };
}
