// The public API against the real wasm module (js/wasm/), imported the way a
// user imports it: `from 'hearth'`.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createHearth, HearthError, version } from 'hearth';
import { createIndexedDBStorage, createLocalStorage, createMemoryStorage } from 'hearth/storage';
import { IDBFactory } from 'fake-indexeddb';

import { fakeLocalStorage } from './helpers/fake.js';
import { CATALOG, DAY, T0, manualClock } from './helpers/real.js';
import { code, freshHearth } from './helpers/setup.js';

const fresh = (options = {}) => freshHearth(createHearth, options);


describe('quick start', () => {
  test('load a catalog, track, and watch the profile change; a snapshot restores it exactly', async (t) => {
    const { hearth, clock } = await fresh();
    t.after(() => hearth.close());
    assert.equal(hearth.status, 'ready');
    assert.equal(typeof version, 'string');

    const loaded = hearth.catalog.load(JSON.stringify(CATALOG));
    assert.deepEqual(loaded, { items: 4, rejected: [], size: 4 });
    assert.equal(hearth.catalog.size, 4);

    const before = hearth.profile();
    assert.deepEqual(before.interests, []);
    assert.equal(before.segment, 'new');
    assert.deepEqual(before.summary, ['Hearth knows nothing about you yet.']);
    assert.equal(before.rfm.daysSinceActive, null);

    assert.equal(hearth.track({ type: 'view', item: 'sku-1', id: 'e1', ts: T0 - 2 * DAY }), 'recorded');
    assert.equal(hearth.track({ type: 'click', item: 'sku-1', id: 'e2', ts: T0 - DAY }), 'recorded');
    assert.equal(hearth.track({ type: 'view', item: 'sku-3', id: 'e3' }), 'recorded');
    assert.equal(hearth.track({ type: 'purchase', item: 'sku-1', id: 'e4' }), 'recorded');
    assert.equal(hearth.track({ type: 'search', query: 'waterproof trail', id: 'e5' }), 'recorded');
    assert.equal(hearth.track({ type: 'dwell', item: 'sku-3', value: 45 }), 'recorded');

    const me = hearth.profile();
    assert.ok(me.interests.length > 0);
    const features = me.interests.map((i) => i.feature);
    assert.ok(features.includes('brand:acme'), features.join());
    assert.ok(features.some((f) => f.startsWith('cat:shoes')), features.join());
    for (let i = 1; i < me.interests.length; i++) assert.ok(me.interests[i - 1].weight >= me.interests[i].weight);
    for (const i of me.interests) {
      assert.equal(typeof i.label, 'string');
      assert.ok(['category', 'tag', 'brand', 'price'].includes(i.kind), i.kind);
      assert.ok(Number.isFinite(i.weight) && i.weight > 0);
    }
    assert.equal(me.rfm.purchasesTotal, 1);
    assert.equal(me.rfm.monetaryTotal, 89.5, 'catalog price × 1');
    assert.equal(me.rfm.eventsTotal, 6);
    assert.equal(me.rfm.daysSincePurchase, 0);
    assert.ok(me.summary.some((s) => /interested in/.test(s)), me.summary.join(' | '));

    // A week later the same profile has decayed but is still the same user.
    clock.t = T0 + 7 * DAY;
    const later = hearth.profile();
    assert.equal(later.rfm.daysSinceActive, 7);
    const w0 = me.interests.find((i) => i.feature === 'brand:acme').weight;
    const w1 = later.interests.find((i) => i.feature === 'brand:acme').weight;
    assert.ok(w1 < w0, `${w1} < ${w0}`);

    const blob = hearth.exportState();
    assert.ok(blob instanceof Uint8Array);
    assert.deepEqual([...blob.subarray(0, 4)], [0x48, 0x52, 0x54, 0x48]);
    const copy = await createHearth({ storage: 'memory', now: clock.now, snapshot: blob, autosave: 0 });
    t.after(() => copy.close());
    assert.deepEqual(copy.profile(), hearth.profile());
    assert.equal(copy.revision, hearth.revision);
    assert.deepEqual(copy.exportState(), blob, 'byte-identical snapshot');
    assert.equal(copy.catalog.size, 0, 'the catalog is shop content, not part of the snapshot');
  });

  test('defaults in Node: memory storage and Date.now', async () => {
    const hearth = await createHearth();
    assert.equal(hearth.status, 'ready');
    hearth.catalog.load(CATALOG);
    assert.equal(hearth.track({ type: 'view', item: 'sku-2' }), 'recorded');
    assert.ok(hearth.profile().rfm.daysSinceActive < 1);
    hearth.close();
  });
});

describe('events', () => {
  test('a repeated event id is ignored and does not change the state', async (t) => {
    const { hearth } = await fresh();
    t.after(() => hearth.close());
    hearth.catalog.load(CATALOG);
    assert.equal(hearth.track({ type: 'purchase', item: 'sku-2', id: 'order-7' }), 'recorded');
    const state = hearth.exportState();
    const revision = hearth.revision;
    assert.equal(hearth.track({ type: 'purchase', item: 'sku-2', id: 'order-7' }), 'duplicate');
    assert.equal(hearth.track({ type: 'view', item: 'sku-1', id: 'order-7' }), 'duplicate');
    assert.equal(hearth.revision, revision);
    assert.deepEqual(hearth.exportState(), state);
    assert.equal(hearth.profile().rfm.purchasesTotal, 1);
  });

  test('trackMany records the good events and reports the others', async (t) => {
    const { hearth } = await fresh();
    t.after(() => hearth.close());
    hearth.catalog.load(CATALOG);
    const changes = [];
    hearth.on('change', (c) => changes.push(c.revision));
    const r = hearth.trackMany([
      { type: 'view', item: 'sku-1', id: 'a' },
      { type: 'view', item: 'sku-999' },
      { type: 'view', item: 'sku-1', id: 'a' },
      { type: 'purchase', item: 'sku-4', quantity: 2.5 },
      { type: 'purchase', item: 'sku-4', quantity: 3, value: 30, deal: true },
    ]);
    assert.equal(r.recorded, 2);
    assert.equal(r.duplicates, 1);
    assert.deepEqual(
      r.rejected.map((x) => [x.index, x.code]),
      [
        [1, 'NOT_FOUND'],
        [3, 'INVALID_ARGUMENT'],
      ],
    );
    assert.match(r.rejected[1].message, /quantity/);
    assert.equal(changes.length, 1);
    const me = hearth.profile();
    assert.equal(me.rfm.monetaryTotal, 30);
  });
});

describe('preferences and forgetting', () => {
  test('set / get / like / dislike show in the profile and its sentences', async (t) => {
    const { hearth } = await fresh();
    t.after(() => hearth.close());
    const revisions = [];
    hearth.on('change', (c) => revisions.push(c.revision));
    hearth.preferences.set({ likes: ['trail'], dislikes: ['formal'] });
    assert.deepEqual(hearth.preferences.get(), { likes: ['trail'], dislikes: ['formal'] });
    hearth.preferences.like('running');
    hearth.preferences.dislike('neon');
    const p = hearth.preferences.get();
    assert.ok(p.likes.includes('trail') && p.likes.includes('running'), p.likes.join());
    assert.ok(p.dislikes.includes('formal') && p.dislikes.includes('neon'), p.dislikes.join());
    hearth.preferences.set({ likes: [] });
    assert.deepEqual(hearth.preferences.get().likes, []);
    assert.ok(hearth.preferences.get().dislikes.includes('neon'), 'an omitted list is kept');
    assert.ok(hearth.profile().summary.some((s) => /avoid/.test(s)));
    assert.equal(revisions.length, 4);
    for (let i = 1; i < revisions.length; i++) assert.ok(revisions[i] > revisions[i - 1]);
  });

  test('forget() removes a feature or a word; forgetting what is not there is NOT_FOUND', async (t) => {
    const { hearth } = await fresh();
    t.after(() => hearth.close());
    hearth.catalog.load(CATALOG);
    hearth.track({ type: 'purchase', item: 'sku-1' });
    hearth.track({ type: 'view', item: 'sku-2' });
    assert.ok(hearth.profile().interests.some((i) => i.feature === 'brand:acme'));
    hearth.profile.forget('brand:acme');
    assert.ok(!hearth.profile().interests.some((i) => i.feature === 'brand:acme'));
    hearth.preferences.like('trail');
    hearth.profile.forget('trail');
    assert.ok(!hearth.preferences.get().likes.includes('trail'));
    assert.ok(!hearth.profile().interests.some((i) => i.feature.includes('trail')));
    const state = hearth.exportState();
    assert.equal(code(() => hearth.profile.forget('brand:nobody')), 'NOT_FOUND');
    assert.equal(code(() => hearth.profile.forget('')), 'INVALID_ARGUMENT');
    assert.deepEqual(hearth.exportState(), state);
  });
});

describe('export, erase, persistence', () => {
  test('exportJSON() is JSON with the profile, the events and the preferences', async (t) => {
    const { hearth } = await fresh();
    t.after(() => hearth.close());
    hearth.catalog.load(CATALOG);
    hearth.track({ type: 'view', item: 'sku-3', ts: T0 - 1000 });
    hearth.preferences.like('rain');
    const doc = JSON.parse(hearth.exportJSON());
    assert.equal(doc.format, 'hearth-profile');
    assert.equal(doc.exported_at, T0);
    assert.ok(doc.interests.some((i) => i.feature === 'brand:acme'));
    assert.deepEqual(doc.recent_events.map((e) => [e.type, e.item, e.ts]), [['view', 'sku-3', T0 - 1000]]);
    assert.deepEqual(doc.likes, ['rain']);
  });

  test('erase() forgets the user, keeps the catalog, and wipes storage', async (t) => {
    const storage = createMemoryStorage();
    const { hearth } = await fresh({ storage });
    t.after(() => hearth.close());
    hearth.catalog.load(CATALOG);
    hearth.track({ type: 'purchase', item: 'sku-2' });
    hearth.preferences.like('road');
    await hearth.save();
    assert.ok(await storage.get('hearth'));
    await hearth.erase();
    const me = hearth.profile();
    assert.deepEqual(me.interests, []);
    assert.deepEqual(me.likes, []);
    assert.equal(me.rfm.eventsTotal, 0);
    assert.equal(me.rfm.purchasesTotal, 0);
    assert.equal(hearth.catalog.size, 4);
    assert.equal(await storage.get('hearth'), null);
    assert.equal(hearth.track({ type: 'view', item: 'sku-2' }), 'recorded', 'still usable');
  });

  test('state survives close() and a new instance on the same storage', async () => {
    const ls = fakeLocalStorage();
    const storage = createLocalStorage({ localStorage: ls });
    const clock = manualClock();
    const a = await createHearth({ storage, now: clock.now, key: 'shop-1' });
    a.catalog.load(CATALOG);
    a.track({ type: 'view', item: 'sku-1' });
    a.track({ type: 'purchase', item: 'sku-3' });
    await a.save();
    const state = a.exportState();
    const profile = a.profile();
    a.close();
    assert.match(ls.getItem('shop-1'), /^SFJUSA/, 'base64 of "HRTH"');

    const b = await createHearth({ storage, now: clock.now, key: 'shop-1' });
    assert.equal(b.status, 'ready');
    assert.deepEqual(b.exportState(), state);
    // Interests of equal weight are ordered by the core's internal feature id,
    // which depends on interning order (catalog first in `a`, snapshot first
    // in `b`); compare them as a set. (Reported to the core: tie-break by key.)
    // The "most interested in" sentence lists them in that order too.
    const byFeature = (p) => ({
      ...p,
      interests: [...p.interests].sort((x, y) => x.feature.localeCompare(y.feature)),
      summary: p.summary.map((line) =>
        line.startsWith('You seem most interested in ') ? line.slice(0, -1).split(/, | in /).sort().join() : line,
      ),
    });
    assert.deepEqual(byFeature(b.profile()), byFeature(profile));
    b.close();

    const other = await createHearth({ storage, now: clock.now, key: 'shop-2' });
    assert.equal(other.profile().rfm.eventsTotal, 0, 'keys are separate namespaces');
    other.close();
  });

  test('a corrupt stored state: ready with a fresh profile, one error event, the blob kept', async () => {
    const storage = createMemoryStorage();
    const clock = manualClock();
    const a = await createHearth({ storage, now: clock.now });
    a.preferences.like('x');
    await a.save();
    a.close();
    const blob = await storage.get('hearth');
    blob[blob.length - 1] ^= 0x40;
    await storage.set('hearth', blob);

    const b = await createHearth({ storage, now: clock.now });
    const errors = [];
    b.on('error', (e) => errors.push(e));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(b.status, 'ready');
    assert.deepEqual(b.preferences.get().likes, []);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, 'DATA_LOSS');
    assert.deepEqual(await storage.get('hearth:corrupt'), blob);
    b.close();
  });

  test('bad profile options reject with INVALID_ARGUMENT naming the option', async () => {
    await assert.rejects(
      createHearth({ storage: 'memory', profile: { halfLifeDays: { view: -1 } } }),
      (e) => e instanceof HearthError && e.code === 'INVALID_ARGUMENT' && /options.profile/.test(e.message) && /view/.test(e.message),
    );
    await assert.rejects(
      createHearth({ storage: 'memory', profile: { segmnts: {} } }),
      (e) => e instanceof HearthError && e.code === 'INVALID_ARGUMENT' && /segmnts/.test(e.message),
    );
    const ok = await createHearth({ storage: 'memory', profile: { halfLifeDays: { view: 3 }, segments: { lapsedDays: 60 } } });
    ok.close();
  });
});

describe('loading the module', () => {
  test('bytes that are not wasm reject with UNAVAILABLE; the failure is not cached', async () => {
    const junk = new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]);
    const warn = console.warn;
    console.warn = () => {}; // Emscripten prints the abort reason
    try {
      for (let i = 0; i < 2; i++) {
        await assert.rejects(createHearth({ wasmBinary: junk }), (e) => {
          assert.ok(e instanceof HearthError, String(e));
          assert.equal(e.code, 'UNAVAILABLE');
          assert.match(e.message, /failed to start/);
          assert.ok(e.cause instanceof WebAssembly.RuntimeError);
          return true;
        });
      }
    } finally {
      console.warn = warn;
    }
    const ok = await createHearth({ storage: 'memory' });
    assert.equal(ok.status, 'ready');
    ok.close();
  });

  test('instances share one module and stay independent', async () => {
    const a = await createHearth({ storage: 'memory', now: manualClock().now });
    const b = await createHearth({ storage: 'memory', now: manualClock().now });
    a.preferences.like('a-only');
    assert.deepEqual(b.preferences.get().likes, []);
    a.close();
    assert.equal(b.preferences.get().likes.length, 0, 'closing one leaves the other usable');
    b.close();
  });
});

describe('IndexedDB storage (fake-indexeddb)', () => {
  test('state written by one instance is restored by the next', async () => {
    const indexedDB = new IDBFactory();
    const clock = manualClock();
    const a = await createHearth({ storage: createIndexedDBStorage({ indexedDB }), now: clock.now, autosave: 10 });
    a.catalog.load(CATALOG);
    a.track({ type: 'purchase', item: 'sku-4', id: 'o-1' });
    await new Promise((r) => setTimeout(r, 50)); // the debounced autosave
    const state = a.exportState();
    a.close();

    const b = await createHearth({ storage: createIndexedDBStorage({ indexedDB }), now: clock.now });
    assert.equal(b.status, 'ready');
    assert.deepEqual(b.exportState(), state);
    b.catalog.load(CATALOG);
    assert.equal(b.track({ type: 'purchase', item: 'sku-4', id: 'o-1' }), 'duplicate', 'event ids survive a restore');
    b.close();
  });
});

describe('recommendations', () => {
  const SHOP = JSON.stringify([
    { id: 'trail-1', title: 'Ridge runner', category: 'Shoes > Trail', brand: 'Acme', price: 120, popularity: 50 },
    { id: 'trail-2', title: 'Mud hopper', category: 'Shoes > Trail', brand: 'Acme', price: 95, popularity: 40 },
    { id: 'city-1', title: 'Office loafer', category: 'Shoes > City', brand: 'Birch', price: 150, popularity: 90 },
    { id: 'tent-1', title: 'Two-person tent', category: 'Camping > Tents', brand: 'Fjell', price: 300, popularity: 70 },
    { id: 'stove-1', title: 'Camp stove', category: 'Camping > Cooking', brand: 'Fjell', price: 60, popularity: 30 },
    { id: 'sold-out', title: 'Gone', category: 'Shoes > Trail', brand: 'Acme', price: 80, stock: 0, popularity: 99 },
  ]);
  const NOW = Date.UTC(2026, 10, 25);

  async function shop(seed = 11) {
    
    const h = await createHearth({ storage: 'memory', now: () => NOW, seed });
    h.catalog.load(SHOP);
    return h;
  }

  test('picks follow the profile, carry reasons and propensities, and skip what cannot be sold', async (t) => {
    const h = await shop();
    t.after(() => h.close());
    assert.equal(h.recommend({ count: 1 })[0].item, 'city-1'); // cold start: popularity
    for (let i = 0; i < 3; i++) h.track({ type: 'view', item: 'trail-1' });
    const picks = h.recommend({ slot: 'for_you', count: 3 });
    assert.ok(['trail-1', 'trail-2'].includes(picks[0].item), picks[0].item);
    assert.ok(picks.some((p) => p.item === 'trail-2'));
    for (const p of picks) {
      assert.ok(p.propensity > 0 && p.propensity <= 1);
      assert.equal(typeof p.reason, 'string');
      assert.ok(p.reason.length > 10);
      assert.notEqual(p.item, 'sold-out');
    }
    const wow = h.recommend({ slot: 'wow', count: 5 });
    assert.ok(wow.length >= 1 && wow.length <= 2);
    h.feedback({ item: picks[0].item, slot: 'for_you', outcome: 'click' });
    h.feedback({ item: 'tent-1', slot: 'for_you', outcome: 'dismiss' });
    assert.ok(!h.recommend({ count: 10 }).some((p) => p.item === 'tent-1'));
  });

  test('the same seed replays the same picks, also after a snapshot', async (t) => {
    const a = await shop(5);
    const b = await shop(5);
    t.after(() => (a.close(), b.close()));
    for (const h of [a, b]) h.track({ type: 'click', item: 'stove-1' });
    assert.deepEqual(a.recommend({ slot: 'wow' }), b.recommend({ slot: 'wow' }));
    
    const c = await createHearth({ storage: 'memory', now: () => NOW, snapshot: a.exportState() });
    t.after(() => c.close());
    c.catalog.load(SHOP);
    assert.deepEqual(c.recommend({ slot: 'wow' }), a.recommend({ slot: 'wow' }));
  });

  test('bad requests are coded errors and change nothing', async (t) => {
    const h = await shop();
    t.after(() => h.close());
    const before = h.exportState();
    assert.throws(() => h.recommend({ slot: 'deals-of-the-day' }), { code: 'INVALID_ARGUMENT', message: /unknown slot/ });
    assert.throws(() => h.recommend({ count: 0 }), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => h.recommend({ count: 2.5 }), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => h.recommend({ colour: 'red' }), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => h.feedback({ item: 'nope', outcome: 'click' }), { code: 'NOT_FOUND' });
    assert.throws(() => h.feedback({ item: 'trail-1', outcome: 'love' }), { code: 'INVALID_ARGUMENT' });
    assert.deepEqual(h.exportState(), before);
    assert.equal(h.recommend({ count: 1e6 }).length, 5); // clamped, all sellable items
  });

  test('population priors warm-start a new user; bad priors are coded errors and change nothing', async (t) => {
    const h = await shop();
    t.after(() => h.close());
    assert.equal(h.recommend({ count: 1 })[0].item, 'city-1'); // popularity alone
    h.priors.load({ v: 1, period: '2026-11-24', categories: [{ key: 'Camping', share: 0.6 }, { key: 'Shoes', share: 0.2 }] });
    const [pick] = h.recommend({ count: 1 });
    assert.equal(pick.item, 'tent-1');
    assert.equal(pick.reason, 'Popular in Camping, a favourite with shoppers here');
    assert.throws(() => h.priors.load('{"v":1,"categories":[{"key":"Shoes","share":2}]}'), {
      code: 'INVALID_ARGUMENT',
      message: /categories\[0\]\.share must be a number from 0 to 1/,
    });
    assert.throws(() => h.priors.load(42), { code: 'INVALID_ARGUMENT', message: /priors\.load/ });
    // The loaded priors stayed: picks still come from them.
    assert.match(h.recommend({ count: 1 })[0].reason, /^Popular in (Camping|Shoes), a favourite with shoppers here$/);
  });

  test('an empty catalog gives an empty list', async (t) => {
    
    const h = await createHearth({ storage: 'memory', now: () => NOW });
    t.after(() => h.close());
    assert.deepEqual(h.recommend({ slot: 'for_you' }), []);
    assert.deepEqual(h.recommend({ slot: 'wow' }), []);
  });
});

describe('deals', () => {
  const SHOP = JSON.stringify([
    { id: 'tent-1', title: 'Two-person tent', category: 'Camping > Tents', brand: 'Fjell', price: 300 },
    { id: 'boot-1', title: 'Rain boot', category: 'Shoes > Rain', brand: 'Acme', price: 60 },
  ]);
  const NOW = Date.UTC(2026, 10, 25, 18);
  const PROMOS = [
    { id: 'rainy-boots', category: 'Shoes > Rain', discount: 0.25, starts: '2026-11-01', ends: '2026-12-01', context: { weather: ['rain'] } },
    { id: 'tents-now', item: 'tent-1', discountPercent: 10, starts: '2026-11-01', ends: '2026-12-01' },
    { id: 'last-year', item: 'tent-1', discount: 0.5, starts: '2025-11-01', ends: '2025-12-01' },
  ];

  test('only eligible, unexpired deals for the context, each with a reason', async (t) => {
    const h = await createHearth({ storage: 'memory', now: () => NOW, seed: 1 });
    t.after(() => h.close());
    h.catalog.load(SHOP);
    h.promotions.load(PROMOS);
    const dry = h.recommend({ slot: 'deals', context: { weather: 'sun' } });
    assert.deepEqual(dry.map((d) => d.promotion), ['tents-now']);
    const wet = h.recommend({ slot: 'deals', context: { weather: 'rain', hour: 18, weekday: 3 } });
    assert.deepEqual(wet.map((d) => d.promotion).sort(), ['rainy-boots', 'tents-now']);
    const boots = wet.find((d) => d.promotion === 'rainy-boots');
    assert.equal(boots.item, 'boot-1');
    assert.equal(boots.discount, 0.25);
    assert.match(boots.reason, /25% off Rain/);
  });

  test('bad promotions and contexts are coded errors and keep what was loaded', async (t) => {
    const h = await createHearth({ storage: 'memory', now: () => NOW });
    t.after(() => h.close());
    h.catalog.load(SHOP);
    h.promotions.load(PROMOS);
    assert.throws(() => h.promotions.load([{ id: 'x', item: 'tent-1', discount: -0.2, starts: 1, ends: 2 }]), { code: 'INVALID_ARGUMENT', message: /promotion 0 field discount/ });
    assert.throws(() => h.promotions.load([{ id: 'x', item: 'nope', discount: 0.2, starts: 1, ends: 2 }]), { code: 'INVALID_ARGUMENT', message: /not in the catalog/ });
    assert.throws(() => h.promotions.load([{ id: 'x', item: 'tent-1', discount: 0.2, starts: '2026-02-01', ends: '2026-01-01' }]), { code: 'INVALID_ARGUMENT', message: /after starts/ });
    assert.throws(() => h.recommend({ slot: 'deals', context: { hour: 25 } }), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => h.recommend({ slot: 'deals', context: { mood: 'happy' } }), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => h.recommend({ slot: 'for_you', context: {} }), { code: 'INVALID_ARGUMENT' });
    assert.deepEqual(h.recommend({ slot: 'deals', context: { weather: 'sun' } }).map((d) => d.promotion), ['tents-now']);
  });
});
