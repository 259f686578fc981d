// track() and trackMany() take several routes into the core: track() one
// plain wasm call per event; trackMany() the same call per event for batches
// of up to 256 events and 1 MiB packed (its fast path), and one batch call
// otherwise or when the batch's first event is refused. Over a few thousand mixed events,
// valid and invalid, every route must leave the same state (snapshot bytes),
// report the same outcome per event and emit the same rewards.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createHearth } from '../../js/index.js';
import { HearthError } from '../../js/errors.js';
import { CATALOG, DAY, T0 } from './helpers/real.js';

// Rewards on views (a stamp card opening a mystery box) and on purchases, so
// the reward flag and its drain are on every route.
const RULES = {
  currencies: [{ id: 'points' }],
  earn: [{ id: 'jackets', label: 'Jackets', event: 'purchase', when: { field: 'category', prefix: 'jackets' }, reward: { currency: 'points', perUnit: 2 } }],
  stampCards: [{ id: 'looks', name: 'Look card', event: 'view', required: 3, reward: { mystery: 'gift' } }],
  mystery: [{ id: 'gift', name: 'Gift', prizes: [
    { id: 'p3', label: '3 points', weight: 2, reward: { currency: 'points', amount: 3 } },
    { id: 'coupon', label: '$2 coupon', weight: 1, valueCents: 200 },
  ] }],
};

const NOW = T0 + 40 * DAY;
const ITEMS = CATALOG.map((c) => c.id);

/** A deterministic generator (LCG), so a failure reproduces. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * `n` events over 30 days: every type, ids from a small pool (duplicates),
 * contexts, and about one in six invalid in a way either the wrapper or the
 * core refuses.
 */
function mixedEvents(n, seed) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const events = [];
  for (let i = 0; i < n; i++) {
    const ts = T0 + Math.floor((i / n) * 30 * DAY);
    const item = pick(ITEMS);
    const roll = r();
    let ev;
    if (roll < 0.45) ev = { type: pick(['view', 'view', 'click', 'add_to_cart']), item, ts };
    else if (roll < 0.55) ev = { type: 'purchase', item, ts, quantity: 1 + Math.floor(r() * 3), ...(r() < 0.5 ? { value: Math.round(r() * 20000) / 100 } : {}), ...(r() < 0.5 ? { context: { channel: pick(['app', 'web']) } } : {}) };
    else if (roll < 0.62) ev = { type: 'search', query: pick(['trail shoes', 'rain', 'merino socks']), ts };
    else if (roll < 0.67) ev = { type: 'dwell', item, value: Math.floor(r() * 300), ts };
    else if (roll < 0.7) ev = { type: 'dismiss', item, ts };
    else if (roll < 0.74) ev = { type: 'view', item, ts: new Date(ts) };
    else if (roll < 0.8) ev = { type: 'view', item, ts, id: `e${Math.floor(r() * 40)}` }; // duplicates
    else if (roll < 0.83) ev = { type: 'view', item }; // ts: now
    else {
      ev = pick([
        { type: 'view', item: 'sku-404', ts }, // core: not in the catalog
        { type: 'hover', item, ts }, // core: unknown type
        { type: 'view', item, ts: 1000 }, // core: before 2000
        { type: 'view', item, ts: NOW + 3 * DAY }, // core: far future
        { type: 'purchase', item, ts, quantity: 0 }, // core: quantity
        { type: 'search', query: '  ', ts }, // core: empty query
        { type: 'view', item, ts, colour: 'red' }, // wrapper: unknown field
        { type: 'view', item, ts: NaN }, // wrapper: ts
        { type: 'view', item: 'sku-\uD800', ts }, // wrapper: lone surrogate
        { type: 'purchase', item, ts, value: '12' }, // wrapper: value type
        { type: 'view', item, ts, context: { deep: { x: 1 } } }, // wrapper: nested context
        { type: '', item, ts }, // wrapper: empty type
        null,
        42,
        [],
      ]);
    }
    events.push(ev);
  }
  return events;
}

async function fresh() {
  const h = await createHearth({ storage: 'memory', autosave: 0, now: () => NOW, seed: 7, timeZoneOffset: 60 });
  h.catalog.load(CATALOG);
  h.game.load(RULES);
  const rewards = [];
  let changes = 0;
  h.on('reward', (x) => rewards.push(x));
  h.on('change', () => changes++);
  return { h, rewards, changes: () => changes };
}

/** The message without the part naming the call ("track(event)" / "trackMany(events): events[i]"). */
function bare(message) {
  return message.replace(/^track\(event\):? ?/, '').replace(/^trackMany\(events\): events\[\d+\]:? ?/, '');
}

/** Per event: 'recorded', 'duplicate' or 'CODE: message', one call each. */
function trackEach(h, events) {
  return events.map((ev) => {
    try {
      return h.track(ev);
    } catch (e) {
      assert.ok(e instanceof HearthError, `not a HearthError: ${e}`);
      return `${e.code}: ${bare(e.message)}`;
    }
  });
}

/**
 * The same through trackMany() in batches of the given sizes (cycled); the
 * per-event outcomes are rebuilt from each result (rejected by index, the
 * rest counted), so they compare with trackEach's where counts allow.
 */
function trackBatches(h, events, sizes) {
  const refused = new Map();
  let recorded = 0;
  let duplicates = 0;
  let batches = 0;
  for (let at = 0, k = 0; at < events.length; k++) {
    const size = sizes[k % sizes.length];
    const batch = events.slice(at, at + size);
    const r = h.trackMany(batch);
    batches++;
    assert.equal(r.recorded + r.duplicates + r.rejected.length, batch.length);
    for (const x of r.rejected) {
      assert.match(x.message, new RegExp(`^trackMany\\(events\\): events\\[${x.index}\\]`));
      refused.set(at + x.index, `${x.code}: ${bare(x.message)}`);
    }
    recorded += r.recorded;
    duplicates += r.duplicates;
    at += size;
  }
  return { refused, recorded, duplicates, batches };
}

function summary(outcomes) {
  const refused = new Map();
  outcomes.forEach((o, i) => {
    if (o !== 'recorded' && o !== 'duplicate') refused.set(i, o);
  });
  return {
    refused,
    recorded: outcomes.filter((o) => o === 'recorded').length,
    duplicates: outcomes.filter((o) => o === 'duplicate').length,
  };
}

describe('track paths', () => {
  test('track(), trackMany() fast path and trackMany() batch path leave identical state over 4,000 mixed events', async () => {
    const events = mixedEvents(4000, 11);
    const one = await fresh();
    const outcomes = trackEach(one.h, events);
    const expected = summary(outcomes);
    assert.ok(expected.refused.size > 300, `only ${expected.refused.size} refused events`);
    assert.ok(expected.duplicates > 20, `only ${expected.duplicates} duplicates`);
    assert.ok(one.rewards.length > 20, `only ${one.rewards.length} rewards`);
    const state = one.h.exportState();
    const revision = one.h.revision;

    // Batches of mixed sizes: mostly the per-event fast path; a batch whose
    // first event the core refuses goes the batch way.
    const fast = await fresh();
    const f = trackBatches(fast.h, events, [1, 7, 100, 1000, 3, 250]);
    // Every batch led by a core-refused event (the batch way), and batches
    // over 1 MiB packed (the batch way, by size).
    const slowEvents = [];
    const slowSizes = [];
    for (let i = 0; i < events.length; i += 30) {
      slowEvents.push({ type: 'view', item: 'sku-404' }, ...events.slice(i, i + 30));
      slowSizes.push(1 + Math.min(30, events.length - i));
    }
    const slow = await fresh();
    const s = trackBatches(slow.h, slowEvents, slowSizes);

    for (const [name, run, got] of [
      ['fast', fast, f],
      ['batch', slow, s],
    ]) {
      if (name === 'fast') assert.deepEqual(got.refused, expected.refused, `${name}: refused events differ`);
      assert.equal(got.recorded, expected.recorded, `${name}: recorded`);
      assert.equal(got.duplicates, expected.duplicates, `${name}: duplicates`);
      assert.deepEqual(run.rewards, one.rewards, `${name}: rewards`);
      assert.deepEqual(run.h.exportState(), state, `${name}: snapshot bytes`);
      assert.equal(run.h.revision, revision, `${name}: revision`);
      assert.deepEqual(run.h.profile(), one.h.profile(), `${name}: profile`);
      assert.deepEqual(run.h.game.state(), one.h.game.state(), `${name}: game state`);
      run.h.close();
    }
    // The batch way refused the same events (its indexes shifted by the leaders).
    const shifted = new Map();
    for (const [i, m] of s.refused) {
      const group = Math.floor(i / 31);
      const inGroup = i % 31;
      if (inGroup === 0) assert.match(m, /^NOT_FOUND: item 'sku-404' is not in the catalog/);
      else shifted.set(group * 30 + inGroup - 1, m);
    }
    assert.deepEqual(shifted, expected.refused, 'batch way: refused events differ');
    // One 'change' per event that changed state; one per batch that did.
    assert.ok(one.changes() >= expected.recorded);
    one.h.close();
  });

  test('a small batch over 1 MiB packed takes the batch way and records the same as one call per event', async () => {
    const big = 'q'.repeat(400_000); // 1.2 MB of packing capacity: over the fast path's bound
    const events = [...mixedEvents(20, 5), { type: 'search', query: `${big} trail`, ts: T0 }, ...mixedEvents(20, 6)];
    const one = await fresh();
    const expected = summary(trackEach(one.h, events));
    const many = await fresh();
    const got = trackBatches(many.h, events, [events.length]);
    assert.deepEqual(got.refused, expected.refused);
    assert.equal(got.recorded, expected.recorded);
    assert.deepEqual(many.h.exportState(), one.h.exportState());
    assert.deepEqual(many.rewards, one.rewards);
    one.h.close();
    many.h.close();
  });

  test('trackMany() with a clock the core refuses throws and records nothing, on either path', async () => {
    for (const size of [3, 1]) {
      let t = NOW;
      const h = await createHearth({ storage: 'memory', autosave: 0, now: () => t });
      h.catalog.load(CATALOG);
      const before = h.exportState();
      t = 1000; // 1970: finite (the wrapper accepts it), refused by the core
      assert.throws(
        () => h.trackMany(Array.from({ length: size }, () => ({ type: 'view', item: 'sku-1', ts: T0 }))),
        (e) => e instanceof HearthError && e.code === 'INVALID_ARGUMENT' && /clock reading/.test(e.message),
      );
      assert.deepEqual(h.exportState(), before);
      h.close();
    }
  });

  test("trackMany() emits one 'change' per batch that recorded something and none for an all-refused batch", async () => {
    const { h, changes } = await fresh();
    h.trackMany([{ type: 'view', item: 'sku-1', ts: T0 }, { type: 'view', item: 'sku-2', ts: T0 }, { type: 'view', item: 'sku-404', ts: T0 }]);
    assert.equal(changes(), 1);
    h.trackMany([{ type: 'view', item: 'sku-404', ts: T0 }, { type: 'hover', item: 'sku-1', ts: T0 }]);
    assert.equal(changes(), 1);
    h.close();
  });
});
