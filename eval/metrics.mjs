// Full-catalog top-k metrics. Every recommender ranks the whole catalog (less the
// user's already-bought items); there is no sampled-negatives shortcut.

/**
 * Binary-relevance NDCG@k: DCG of the hits over the DCG of a perfect list that puts
 * min(|test|, k) targets on top.
 * @param {readonly string[]} list
 * @param {Set<string>} test
 * @param {number} k
 */
export function ndcgAt(list, test, k) {
  let dcg = 0;
  for (let r = 0; r < Math.min(k, list.length); r++) if (test.has(list[r])) dcg += 1 / Math.log2(r + 2);
  let idcg = 0;
  for (let r = 0; r < Math.min(k, test.size); r++) idcg += 1 / Math.log2(r + 2);
  return idcg === 0 ? 0 : dcg / idcg;
}

/** Whether any of the first k items is a target. */
export function hitAt(list, test, k) {
  for (let r = 0; r < Math.min(k, list.length); r++) if (test.has(list[r])) return true;
  return false;
}

/**
 * Share of item pairs of a list that lie in different sub-categories (1 = all
 * different); null for a list shorter than 2.
 * @param {readonly string[]} list
 * @param {(id: string) => string} subOf
 */
export function intraListDiversity(list, subOf) {
  if (list.length < 2) return null;
  let diff = 0;
  let pairs = 0;
  for (let a = 0; a < list.length; a++) {
    for (let b = a + 1; b < list.length; b++) {
      pairs++;
      if (subOf(list[a]) !== subOf(list[b])) diff++;
    }
  }
  return diff / pairs;
}

/**
 * The reference popularity of the novelty and serendipity metrics: every training
 * line, all dates.
 * @param {import('./world.mjs').World} world
 * @param {{ count: Float64Array, n: number }} total History.total
 * @param {number} [topShare] share of the catalog that counts as "the popular list"
 */
export function popularityReference(world, total, topShare = 0.1) {
  const order = [...world.ids.keys()].sort((a, b) => total.count[b] - total.count[a] || a - b);
  const top = new Set(order.slice(0, Math.ceil(world.size * topShare)).map((i) => world.ids[i]));
  const denom = total.n + world.size; // add-one smoothing: never-bought items have a finite novelty
  const selfInfo = (id) => -Math.log2((total.count[world.index.get(id)] + 1) / denom);
  return { top, selfInfo };
}

/**
 * Every metric of one recommender over all test users. HR@2 is there to compare
 * the wow slot (at most 2 picks) with the first two picks of the others.
 * @param {Array<{ user: import('./data.mjs').TestUser, list: string[] }>} results
 * @param {import('./world.mjs').World} world
 * @param {ReturnType<typeof popularityReference>} ref
 * @param {number} k
 */
export function evaluate(results, world, ref, k) {
  const subOf = (id) => world.sub[world.index.get(id)];
  let hr = 0;
  let hr2 = 0;
  let ndcg = 0;
  const perUser = { hit: [], ndcg: [] };
  let serendipity = 0;
  let novelty = 0;
  let surprise = 0;
  let items = 0;
  let ild = 0;
  let ildLists = 0;
  const covered = new Set();
  for (const { user, list } of results) {
    const top = list.slice(0, k);
    const hit = hitAt(top, user.test, k);
    const g = ndcgAt(top, user.test, k);
    if (hit) hr++;
    if (hitAt(top, user.test, 2)) hr2++;
    ndcg += g;
    perUser.hit.push(hit ? 1 : 0);
    perUser.ndcg.push(g);
    if (top.some((id) => user.test.has(id) && !ref.top.has(id))) serendipity++;
    const boughtSubs = new Set(user.train.map((l) => subOf(l.item)));
    for (const id of top) {
      covered.add(id);
      novelty += ref.selfInfo(id);
      if (!boughtSubs.has(subOf(id))) surprise++;
      items++;
    }
    const d = intraListDiversity(top, subOf);
    if (d !== null) {
      ild += d;
      ildLists++;
    }
  }
  const n = results.length || 1;
  return {
    users: results.length,
    hr: hr / n,
    hr2: hr2 / n,
    ndcg: ndcg / n,
    coverage: covered.size / world.size,
    novelty: items ? novelty / items : NaN,
    surprise: items ? surprise / items : NaN,
    serendipity: serendipity / n,
    ild: ildLists ? ild / ildLists : NaN,
    listLength: items / n,
    perUser,
  };
}

/**
 * Percentile bootstrap over users: 95% interval of the mean of xs, and of the
 * paired difference mean(xs - ys) when ys is given.
 * @param {number[]} xs
 * @param {number[] | null} ys same users, same order
 * @param {{ int: (n: number) => number }} r a seeded generator (rng.mjs)
 * @param {number} [resamples]
 */
export function bootstrap(xs, ys, r, resamples = 1000) {
  const n = xs.length;
  if (n === 0) return { lo: NaN, hi: NaN, above: NaN };
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let j = 0; j < n; j++) {
      const i = r.int(n);
      s += ys ? xs[i] - ys[i] : xs[i];
    }
    means[b] = s / n;
  }
  means.sort();
  const above = means.filter((m) => m > 0).length / resamples;
  return { lo: means[Math.floor(0.025 * resamples)], hi: means[Math.ceil(0.975 * resamples) - 1], above };
}
