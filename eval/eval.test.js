// The evaluation harness: its parts on hand-made inputs, the baselines' ordering on
// the real Superstore data with a fixed seed, the Hearth path against a stand-in
// SDK (so the harness itself is tested whatever the SDK does), and, when the
// installed SDK has recommend(), Hearth's required ordering.
//
// Run: npm run test:eval   (node --test eval/)

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { brandToken, brandsFor, buildCatalog, loadSuperstore, parseCsv, parseSuperstore, splitByCustomer } from './data.mjs';
import { probeHearth, replayEvents } from './hearth.mjs';
import { DEFAULTS, runEval } from './evaluate.mjs';
import { bootstrap, hitAt, intraListDiversity, ndcgAt } from './metrics.mjs';
import { banditSvg, markdownReport } from './report.mjs';
import { rng } from './rng.mjs';
import { History, World } from './world.mjs';

const SEED = 42;

/** @type {import('./data.mjs').OrderLine[]} */
let lines;
before(async () => {
  lines = await loadSuperstore();
});

describe('CSV and Superstore parsing', () => {
  test('quoted fields keep commas, doubled quotes and newlines; CRLF and a BOM are handled', () => {
    const rows = parseCsv('\ufeffa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\nlines",\n');
    assert.deepEqual(rows, [
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'two\nlines', ''],
    ]);
  });

  test('an unterminated quote is an error, not a silently merged row', () => {
    assert.throws(() => parseCsv('a,"b\n1,2\n'), /unterminated/);
  });

  test('a file with another header is refused', () => {
    assert.throws(() => parseSuperstore('x,y\n1,2\n'), /unexpected header/);
  });

  test('the package ships the whole table', () => {
    assert.equal(lines.length, 9994);
    assert.equal(new Set(lines.map((l) => l.customer)).size, 793);
    assert.equal(new Set(lines.map((l) => l.order)).size, 5009);
    for (const l of lines) {
      assert.ok(Number.isFinite(l.ts) && l.quantity >= 1 && l.sales >= 0 && l.discount >= 0 && l.discount < 1, JSON.stringify(l));
    }
  });
});

describe('catalog', () => {
  test('brand heuristic: a leading brand-like word, not sizes, numbers or generic words', () => {
    const cases = [
      ['Xerox 1916', 'Xerox'],
      ['3M Hangers With Command Adhesive', '3M'],
      ['iHome FM Clock Radio with Lightning Dock', 'iHome'],
      ["O'Sullivan 4-Shelf Bookcase", "O'Sullivan"],
      ['AT&T CL83451 4-Handset Telephone', 'AT&T'],
      ['#10 White Business Envelopes', null],
      ['4009 Highlighters', null],
      ['36X48 HARDFLOOR CHAIRMAT', null],
      ['Recycled Interoffice Envelopes', null],
      ['Heavy-Duty E-Z-D Binders', null],
      ['Office Impressions End Table', null],
      ['invisibleSHIELD by ZAGG Smudge-Free Screen Protector', 'invisibleSHIELD'],
      ['eldon Desk Tray', null],
    ];
    for (const [name, brand] of cases) assert.equal(brandToken(name), brand, name);
  });

  test('brand spellings that differ in case fold to the most common one', () => {
    const brands = brandsFor(['Safco Chair', 'Safco Desk', 'SAFCO Cart']);
    assert.deepEqual([...brands.values()], ['Safco', 'Safco', 'Safco']);
  });

  test('one item per Product ID with the fields Hearth reads, and popularity 0', () => {
    const catalog = buildCatalog(lines);
    assert.equal(catalog.length, new Set(lines.map((l) => l.item)).size);
    assert.equal(catalog.length, 1862);
    const first = new Map();
    for (const l of lines) if (!first.has(l.item) || l.date < first.get(l.item)) first.set(l.item, l.date);
    for (const c of catalog) {
      assert.match(c.category, /^[^>]+ > [^>]+$/);
      assert.ok(c.title.length > 0 && c.price > 0, c.id);
      assert.equal(c.popularity, 0);
      assert.equal(c.created_at, `${first.get(c.id)}T00:00:00Z`);
      if ('brand' in c) assert.equal(c.title.split(/\s+/)[0].toLowerCase().replace(/[",.:;)]+$/, ''), c.brand.toLowerCase());
    }
    // The list price undoes the discount: FUR-CH-10000454 sells at 243.98 a chair.
    assert.equal(catalog.find((c) => c.id === 'FUR-CH-10000454').price, 243.98);
  });
});

describe('time split', () => {
  test('targets come after every training line of their customer and were never bought before', () => {
    const { testUsers, trainEvents, stats } = splitByCustomer(lines);
    assert.equal(stats.customers, 793);
    assert.equal(testUsers.length, 793 - stats.singleDate - stats.onlyRepeats);
    for (const u of testUsers) {
      assert.ok(u.test.size > 0 && u.train.length > 0);
      assert.ok(u.train.every((l) => l.ts < u.testTs && l.customer === u.id));
      for (const id of u.test) assert.ok(!u.bought.has(id));
    }
    const testTsOf = new Map(testUsers.map((u) => [u.id, u.testTs]));
    assert.ok(trainEvents.every((e) => !testTsOf.has(e.customer) || e.ts < testTsOf.get(e.customer)));
  });

  test('the catalog a device gets on a date knows nothing from that date on', () => {
    const { testUsers, trainEvents } = splitByCustomer(lines);
    const world = new World(buildCatalog(lines));
    const history = new History(world, trainEvents);
    const u = testUsers[7];
    const asOf = history.catalogAsOf(u.testTs);
    const expected = new Map();
    for (const e of trainEvents) if (e.ts < u.testTs) expected.set(e.item, (expected.get(e.item) ?? 0) + 1);
    for (const c of asOf) {
      assert.equal(c.popularity, expected.get(c.id) ?? 0, c.id);
      if (c.created_at) assert.ok(Date.parse(c.created_at) < u.testTs);
      else assert.equal(expected.get(c.id), undefined);
    }
  });
});

describe('metrics', () => {
  test('NDCG@k, hit@k and intra-list diversity on hand-computed lists', () => {
    const test = new Set(['a', 'b']);
    assert.equal(ndcgAt(['a', 'x', 'b'], test, 10), (1 + 1 / 2) / (1 + 1 / Math.log2(3)));
    assert.equal(ndcgAt(['x', 'y'], test, 10), 0);
    assert.equal(ndcgAt(['a', 'b'], test, 10), 1);
    assert.equal(hitAt(['x', 'y', 'a'], test, 2), false);
    assert.equal(hitAt(['x', 'y', 'a'], test, 3), true);
    const sub = { a: 'S1', b: 'S1', c: 'S2' };
    assert.equal(intraListDiversity(['a', 'b', 'c'], (id) => sub[id]), 2 / 3);
    assert.equal(intraListDiversity(['a'], (id) => sub[id]), null);
  });

  test('the bootstrap interval holds the mean and is seeded', () => {
    const xs = Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const a = bootstrap(xs, null, rng(1, 'x'), 500);
    assert.ok(a.lo < 0.1 && 0.1 < a.hi);
    assert.deepEqual(bootstrap(xs, null, rng(1, 'x'), 500), a);
  });
});

describe('baselines on Superstore (seed 42, all 778 test users)', () => {
  // All test users rather than a sample: every NDCG here is a handful of hits, and
  // 300-user samples put popularity below random for ~1 seed in 6 (the full set:
  // about 1 in 100). Baselines take a second or two.
  let result;
  before(async () => {
    result = await runEval({ seed: SEED, hearth: 'off', resamples: 200, sim: { users: 60, rounds: 30 } }, { lines });
  });
  const row = (name) => result.rows.find((r) => r.name === name).metrics;

  test('popularity beats random on NDCG@10 and HR@10', () => {
    assert.ok(row('popularity').ndcg > row('random').ndcg, `${row('popularity').ndcg} vs ${row('random').ndcg}`);
    assert.ok(row('popularity').hr > row('random').hr);
  });

  test('category-popularity stays inside the bought sub-categories and covers more of the catalog than popularity', () => {
    // Not asserted: category-popularity vs popularity on NDCG. Here it is lower, but
    // the next purchase does not depend on the bought sub-categories in this data
    // (see the report's signal check), and the order flips between samples.
    assert.equal(row('category-popularity').surprise, 0);
    assert.ok(row('popularity').surprise > 0.2);
    assert.ok(row('category-popularity').coverage > row('popularity').coverage);
    assert.ok(row('category-popularity').ild < row('popularity').ild);
  });

  test('random covers nearly the whole catalog and is the most novel', () => {
    assert.ok(row('random').coverage > 0.9);
    assert.ok(row('random').novelty > row('popularity').novelty);
    assert.ok(row('random').novelty > row('category-popularity').novelty);
    assert.equal(row('popularity').serendipity, 0); // it only ever shows the popular list
  });

  test('Hearth rows say n/a when Hearth is not evaluated; no numbers are made up', () => {
    for (const name of ['Hearth for_you', 'Hearth wow']) {
      const r = result.rows.find((x) => x.name === name);
      assert.equal(r.metrics, undefined);
      assert.match(r.na, /disabled/);
    }
    const md = markdownReport(result);
    assert.match(md, /\| Hearth for_you \| n\/a \(Hearth disabled/);
  });

  test('simulator: greedy learns over random, the oracle bounds both', () => {
    const [random, greedy, oracle] = result.sim;
    assert.ok(greedy.overall > random.overall && oracle.overall > greedy.overall, JSON.stringify(result.sim.map((s) => s.overall)));
    const svg = banditSvg(result);
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal((svg.match(/<polyline /g) ?? []).length, 3);
    assert.match(svg, /Hearth for_you/);
  });

  test('the same seed gives the same numbers', async () => {
    const again = await runEval({ seed: SEED, hearth: 'off', resamples: 200, sim: { users: 60, rounds: 30 } }, { lines });
    const strip = (r) => JSON.stringify({ rows: r.rows, sim: r.sim });
    assert.equal(strip(again), strip(result));
  });
});

describe('the Hearth path, against a stand-in SDK', () => {
  // What the harness calls, checked with a recording fake so the harness is tested
  // whatever the real SDK does. The fake's picks are never reported anywhere.
  test('one instance per user with now = test date, the as-of catalog, replayed purchases, recommend per slot, close', async () => {
    const calls = [];
    const fakeSdk = {
      recommend: true,
      feedback: true,
      seed: true,
      reason: null,
      async createHearth(opts) {
        const me = { opts, loaded: null, events: [], recommends: [], feedbacks: [], tracks: [], closed: false };
        calls.push(me);
        return {
          catalog: { load(json) { me.loaded = JSON.parse(json); return { items: me.loaded.length, rejected: [], size: me.loaded.length }; } },
          trackMany(events) { me.events.push(...events); return { recorded: events.length, duplicates: 0, rejected: [] }; },
          track(e) { me.tracks.push(e); return 'recorded'; },
          recommend(req) {
            me.recommends.push(req);
            // Most popular first, including (wrongly) an already-bought item, which the harness must drop.
            const bought = new Set(me.events.filter((e) => e.type === 'purchase').map((e) => e.item));
            const ranked = [...me.loaded].sort((a, b) => b.popularity - a.popularity).map((c) => c.id).filter((id) => !bought.has(id));
            const ids = [...bought].slice(0, 1).concat(ranked).slice(0, req.slot === 'wow' ? 2 : req.count);
            return ids.map((item) => ({ item, score: 1, reason: 'because', propensity: 0.5 }));
          },
          feedback(f) { me.feedbacks.push(f); },
          close() { me.closed = true; },
        };
      },
    };
    const result = await runEval({ seed: SEED, customers: 25, resamples: 50, sim: { users: 4, rounds: 6 } }, { lines, sdk: fakeSdk });
    const { testUsers } = splitByCustomer(lines);
    const offline = calls.slice(0, 25);
    assert.equal(calls.length, 25 + 4 * 3, 'one instance per test user, then one per simulated user and host');
    for (const c of calls) assert.ok(c.closed, 'every instance is closed');
    for (const c of offline) {
      const user = testUsers.find((u) => u.train.length === c.events.filter((e) => e.type === 'purchase').length && c.opts.now() === u.testTs && u.train.every((l, i) => c.events[i].item === l.item));
      assert.ok(user, 'the instance replays one test user');
      assert.deepEqual(c.events, replayEvents(user.train));
      assert.equal(c.opts.storage, 'memory');
      assert.equal(c.opts.seed, SEED);
      assert.ok(c.loaded.every((item) => !item.created_at || Date.parse(item.created_at) < user.testTs));
      assert.deepEqual(c.recommends, [{ slot: 'for_you', count: 10 }, { slot: 'wow', count: 10 }]);
    }
    const forYou = result.rows.find((r) => r.name === 'Hearth for_you');
    assert.equal(forYou.metrics.listLength, 9, 'the already-bought pick is dropped, not replaced');
    assert.equal(result.contracts.for_you.boughtReturned, 25);
    // Simulator: one pick a round; a click is tracked and fed back; a pass sends
    // nothing (first and third host) or a dismiss (second host); the third
    // host asks the wow slot.
    for (const [n, c] of calls.slice(25).entries()) {
      const slot = n < 8 ? 'for_you' : 'wow';
      assert.equal(c.recommends.length, 6);
      assert.ok(c.recommends.every((r) => r.slot === slot && r.count === 1));
      const clicks = c.feedbacks.filter((f) => f.outcome === 'click');
      assert.equal(c.tracks.length, clicks.length);
      assert.ok(c.tracks.every((t) => t.type === 'click'));
      assert.ok(c.feedbacks.every((f) => f.slot === slot));
      if (n < 4 || n >= 8) assert.equal(c.feedbacks.length, clicks.length);
      else assert.equal(c.feedbacks.length, 6);
    }
    assert.deepEqual(result.sim.slice(3).map((s) => s.name), [
      'Hearth for_you, pass = no call',
      "Hearth for_you, pass = feedback 'dismiss'",
      'Hearth wow, pass = no call',
    ]);
  });

  test('an SDK without recommend() gives "n/a (recommend() not available)" rows and no Hearth curve', async () => {
    const sdk = await probeHearth(async () => ({ createHearth: async () => ({ close() {} }) }));
    assert.deepEqual({ recommend: sdk.recommend, reason: sdk.reason }, { recommend: false, reason: 'recommend() not available' });
    const result = await runEval({ seed: SEED, customers: 5, resamples: 20, sim: { users: 2, rounds: 3 } }, { lines, sdk });
    for (const name of ['Hearth for_you', 'Hearth wow']) {
      const row = result.rows.find((r) => r.name === name);
      assert.equal(row.metrics, undefined);
      assert.equal(row.na, 'recommend() not available');
    }
    assert.equal(result.sim.at(-1).na, 'recommend() not available');
    assert.match(markdownReport(result), /\| Hearth wow \| n\/a \(recommend\(\) not available\) \|/);
    assert.match(banditSvg(result), /n\/a \(recommend\(\) not available\)/);
  });

  test('a recommend() that throws turns the Hearth rows into n/a with the error', async () => {
    const sdk = {
      recommend: true,
      feedback: true,
      seed: false,
      reason: null,
      async createHearth() {
        return {
          catalog: { load: () => ({ items: 0, rejected: [], size: 0 }) },
          trackMany: () => ({ recorded: 0, duplicates: 0, rejected: [] }),
          recommend() { throw new Error('boom'); },
          close() {},
        };
      },
    };
    const result = await runEval({ seed: SEED, customers: 5, resamples: 20, sim: { users: 0 } }, { lines, sdk });
    for (const name of ['Hearth for_you', 'Hearth wow']) {
      assert.equal(result.rows.find((r) => r.name === name).na, 'recommend() failed: boom');
    }
  });
});

// --- the real SDK ---------------------------------------------------------------
const sdk = await probeHearth();
const hearthTodo = sdk.recommend ? false : sdk.createHearth ? 'recommend() not implemented yet' : sdk.reason;

describe('Hearth on Superstore (seed 42, all test users)', () => {
  test('for_you beats the best baseline on NDCG@10, and wow is more novel than for_you', { todo: hearthTodo }, async () => {
    // typeof hearth.recommend === 'function' (probeHearth); otherwise this test is a TODO.
    assert.equal(sdk.recommend, true, 'recommend() not implemented yet');
    const result = await runEval({ seed: SEED, resamples: 200, sim: { users: 0 } }, { lines, sdk });
    const row = (name) => result.rows.find((r) => r.name === name);
    for (const name of ['Hearth for_you', 'Hearth wow']) assert.ok(row(name).metrics, `${name}: ${row(name).na}`);
    const best = row(result.best).metrics;
    const forYou = row('Hearth for_you').metrics;
    const wow = row('Hearth wow').metrics;
    assert.ok(forYou.ndcg > best.ndcg, `Hearth for_you NDCG@10 ${forYou.ndcg.toFixed(4)} vs ${result.best} ${best.ndcg.toFixed(4)}`);
    assert.ok(wow.novelty > forYou.novelty, `wow novelty ${wow.novelty.toFixed(2)} vs for_you ${forYou.novelty.toFixed(2)}`);
    for (const slot of ['for_you', 'wow']) {
      const c = result.contracts[slot];
      assert.equal(c.problems.size, 0, `${slot}: ${[...c.problems].join('; ')}`);
      assert.equal(c.boughtReturned, 0, `${slot} returned already-bought items`);
    }
  });
});

describe('Hearth in the hidden-taste simulator (seed 42, 200 users × 50 rounds)', () => {
  test('for_you learns past a greedy policy; wow keeps most of its click-through', { todo: hearthTodo }, async () => {
    const result = await runEval({ seed: SEED, customers: 1, resamples: 20, sim: { users: 200, rounds: 50 } }, { lines, sdk });
    const sim = (name) => {
      const r = result.sim.find((s) => s.name === name);
      assert.ok(r && r.overall !== undefined, `${name}: ${r?.na}`);
      return r;
    };
    const random = sim('random');
    const greedy = sim('greedy');
    const forYou = sim("Hearth for_you, pass = feedback 'dismiss'");
    const wow = sim('Hearth wow, pass = no call');
    const pct = (x) => `${(100 * x).toFixed(1)}%`;
    assert.ok(forYou.overall > random.overall, `for_you ${pct(forYou.overall)} vs random ${pct(random.overall)}`);
    assert.ok(forYou.last > greedy.last, `last rounds: for_you ${pct(forYou.last)} vs greedy ${pct(greedy.last)}`);
    assert.ok(forYou.repeatShare < 0.02, `for_you repeated ${pct(forYou.repeatShare)} of its shows`);
    assert.ok(wow.overall > random.overall, `wow ${pct(wow.overall)} vs random ${pct(random.overall)}`);
    assert.ok(wow.overall >= 0.6 * forYou.overall, `wow ${pct(wow.overall)} vs for_you ${pct(forYou.overall)}`);
  });
});

test('defaults: all customers, k = 10, seed 42', () => {
  assert.equal(DEFAULTS.customers, 0);
  assert.equal(DEFAULTS.k, 10);
  assert.equal(DEFAULTS.seed, SEED);
});
