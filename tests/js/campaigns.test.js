// hearth.campaigns and the deals slot's campaign picks against the real
// debug build (js/wasm-debug/: -sASSERTIONS=2, SAFE_HEAP), through the same
// wrapper createHearth() uses.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { HearthError } from '../../js/errors.js';
import { createDebugHearth, debugModule } from './helpers/debug.js';
import { freshHearth } from './helpers/setup.js';

const SHOP = [
  { id: 'tent-1', title: 'Two-person tent', category: 'Camping > Tents', brand: 'Fjell', price: 300 },
  { id: 'boot-1', title: 'Rain boot', category: 'Shoes > Rain', brand: 'Acme', price: 60 },
  { id: 'sock-1', title: 'Merino socks', category: 'Accessories', brand: 'Knit', price: 12 },
];
const NOW = Date.UTC(2026, 10, 25, 18); // a Wednesday
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** @param {Record<string, unknown>} [options] */
async function fresh(options = {}) {
  const { hearth: h, clock } = await freshHearth(createDebugHearth, { seed: 1, ...options }, { catalog: SHOP, start: NOW });
  return { h, clock };
}

/** A seed whose install salt puts this device on `arm` of a 50% holdout campaign. */
async function seedFor(id, arm) {
  for (let seed = 1; seed < 200; seed++) {
    const { h } = await fresh({ seed });
    h.campaigns.load([{ id, action: { type: 'widget', widget: 'w' }, cap: { perDay: 1 }, holdout: 0.5 }]);
    const mine = h.campaigns.list({ hour: 12 })[0].arm;
    h.close();
    if (mine === arm) return seed;
  }
  throw new Error('no seed found');
}

const RAINY = {
  id: 'rainy-tents',
  name: 'Rainy day tents',
  trigger: { context: { weather: ['rain'], hours: [17, 22] } },
  action: { type: 'deal', item: 'tent-1', discount: 0.2 },
  cap: { perDay: 1, lifetime: 3 },
  quietHours: [22, 8],
  holdout: 0.5,
  goal: { event: 'purchase', windowHours: 72 },
};

describe('campaigns', () => {
  test('load, list and active: a widget campaign is shown, counted and capped', async (t) => {
    const { h } = await fresh();
    t.after(() => h.close());
    assert.deepEqual(
      h.campaigns.load({ campaigns: [{ id: 'stamps', action: { type: 'widget', widget: 'hearth-stamp-card', params: { card: 'coffee', size: 8, compact: true } }, cap: { perDay: 2 } }] }),
      { campaigns: 1 },
    );
    const [listed] = h.campaigns.list({ hour: 12 });
    assert.equal(listed.id, 'stamps');
    assert.equal(listed.name, 'stamps');
    assert.equal(listed.arm, 'treatment');
    assert.equal(listed.eligible, true);
    assert.equal(listed.capRemaining, 2);
    assert.equal(listed.goal, 'purchase');
    assert.deepEqual(h.campaigns.active({ hour: 12 }), [
      { id: 'stamps', name: 'stamps', arm: 'treatment', action: { type: 'widget', widget: 'hearth-stamp-card', params: { card: 'coffee', size: 8, compact: true } } },
    ]);
    assert.equal(h.campaigns.active({ hour: 12 }).length, 1);
    assert.deepEqual(h.campaigns.active({ hour: 12 }), [], 'two a day');
    const after = h.campaigns.list({ hour: 12 })[0];
    assert.equal(after.exposures, 2);
    assert.equal(after.capRemaining, 0);
    assert.equal(after.eligible, false);
  });

  test('deals slot: treatment gets the campaign deal first, marked; a purchase in the window converts', async (t) => {
    const seed = await seedFor('rainy-tents', 'treatment');
    const { h, clock } = await fresh({ seed });
    t.after(() => h.close());
    h.promotions.load([{ id: 'socks', item: 'sock-1', discount: 0.5, starts: '2026-11-01', ends: '2026-12-01' }]);
    h.campaigns.load([RAINY]);
    const dry = h.recommend({ slot: 'deals', context: { weather: 'sun', hour: 18 } });
    assert.deepEqual(dry.map((d) => d.promotion), ['socks'], 'no rain, no campaign');
    const wet = h.recommend({ slot: 'deals', context: { weather: 'rain', hour: 18 } });
    assert.equal(wet[0].item, 'tent-1');
    assert.deepEqual(wet[0].campaign, { id: 'rainy-tents', arm: 'treatment' });
    assert.equal(wet[0].discount, 0.2);
    assert.equal(wet[1].campaign, undefined);
    clock.t += 5 * HOUR;
    h.track({ type: 'purchase', item: 'tent-1' });
    const [row] = h.campaigns.stats();
    assert.deepEqual(row, { campaign: 'rainy-tents', arm: 'treatment', day: '2026-11-25', exposed: 1, converted: 1 });
    assert.equal(h.campaigns.list({ hour: 12 })[0].conversions, 1);
  });

  test('deals slot: holdout sees the plain list and its exposure is still recorded', async (t) => {
    const seed = await seedFor('rainy-tents', 'holdout');
    const { h } = await fresh({ seed });
    t.after(() => h.close());
    h.promotions.load([{ id: 'socks', item: 'sock-1', discount: 0.5, starts: '2026-11-01', ends: '2026-12-01' }]);
    h.campaigns.load([RAINY]);
    const wet = h.recommend({ slot: 'deals', context: { weather: 'rain', hour: 18 } });
    assert.deepEqual(wet.map((d) => d.promotion), ['socks']);
    assert.ok(wet.every((d) => d.campaign === undefined));
    assert.deepEqual(h.campaigns.stats().map((r) => [r.arm, r.exposed]), [['holdout', 1]]);
    assert.equal(h.campaigns.list({ hour: 18 })[0].arm, 'holdout');
  });

  test('quiet hours across midnight, triggers by event, and the minor flag', async (t) => {
    const { h, clock } = await fresh();
    t.after(() => h.close());
    h.campaigns.load([
      { id: 'night', action: { type: 'content', slot: 'home-hero', items: ['tent-1'] }, cap: { perDay: 9 }, quietHours: [22, 7] },
      { id: 'cart', trigger: { event: 'add_to_cart', withinHours: 24, cancelOn: 'purchase' }, action: { type: 'content', category: 'Camping' }, cap: { perDay: 9 } },
      { id: 'box', action: { type: 'mystery', mystery: 'weekly-box' }, cap: { lifetime: 1 } },
    ]);
    const ids = (ctx) => h.campaigns.active(ctx).map((a) => a.id).sort();
    assert.deepEqual(ids({ hour: 23, minor: true }), []);
    assert.deepEqual(ids({ hour: 6, minor: true }), []);
    assert.deepEqual(ids({ hour: 7, minor: true }), ['night'], 'never a mystery reward for a minor');
    h.track({ type: 'add_to_cart', item: 'tent-1' });
    clock.t += HOUR;
    assert.deepEqual(ids({ hour: 12 }), ['box', 'cart', 'night']);
    h.track({ type: 'purchase', item: 'tent-1' });
    assert.deepEqual(ids({ hour: 12 }), ['night'], 'bought: no cart reminder; the box was capped at one');
    clock.t += DAY;
    assert.deepEqual(ids({ hour: 12 }), ['night']);
  });

  test('arms and outcomes survive exportState() and erase() forgets them', async (t) => {
    const { h } = await fresh({ seed: 5 });
    t.after(() => h.close());
    const many = Array.from({ length: 8 }, (_, i) => ({ id: `c${i}`, action: { type: 'widget', widget: 'w' }, cap: { perDay: 1 }, holdout: 0.5 }));
    h.campaigns.load(many);
    const arms = (x) => x.campaigns.list({ hour: 12 }).map((c) => c.arm).join();
    const before = arms(h);
    h.campaigns.active({ hour: 12 });
    const { h: restored } = await fresh({ seed: 99, snapshot: h.exportState() });
    t.after(() => restored.close());
    restored.campaigns.load(many);
    assert.equal(arms(restored), before);
    assert.deepEqual(restored.campaigns.stats(), h.campaigns.stats());
    assert.equal(h.campaigns.stats().length, 8);
    assert.match(h.exportJSON(), /"campaigns":\[\{"campaign":"c0"/);
    await h.erase();
    assert.deepEqual(h.campaigns.stats(), []);
  });

  test('hostile campaigns and contexts are coded HearthErrors and keep what was loaded', async (t) => {
    const { h } = await fresh();
    t.after(() => h.close());
    h.campaigns.load([{ id: 'kept', action: { type: 'widget', widget: 'w' }, cap: { perDay: 1 } }]);
    const cases = [
      [[{ id: 'a', action: { type: 'widget', widget: 'w' } }], 'INVALID_ARGUMENT', /campaign 0 \('a'\) field cap is required/],
      [[{ id: 'a', action: { type: 'widget', widget: 'w' }, cap: { perDay: 1 }, holdout: 0.7 }], 'INVALID_ARGUMENT', /field holdout/],
      [[{ id: 'm', audience: { minor: true }, action: { type: 'mystery', mystery: 'x' }, cap: { perDay: 1 } }], 'INVALID_ARGUMENT', /may not target minors/],
      [[{ id: 'q', action: { type: 'widget', widget: 'w' }, cap: { perDay: 1 }, quietHours: [25, 3] }], 'INVALID_ARGUMENT', /quietHours/],
      [[{ id: 'e', action: { type: 'widget', widget: 'w' }, cap: { perDay: 1 }, starts: '2026-12-01', ends: '2026-11-01' }], 'INVALID_ARGUMENT', /ends must be after starts/],
      [[{ id: 'u', action: { type: 'widget', widget: 'w' }, cap: { perDay: 1 }, surprise: 1 }], 'INVALID_ARGUMENT', /field surprise is not a known/],
      [[{ id: 'd', action: { type: 'widget', widget: 'w' }, cap: { perDay: 1 } }, { id: 'd', action: { type: 'widget', widget: 'w' }, cap: { perDay: 1 } }], 'INVALID_ARGUMENT', /campaign 1 \('d'\) field id repeats/],
      [Array.from({ length: 100_000 }, (_, i) => ({ id: `c${i}`, action: { type: 'widget', widget: 'w' }, cap: { perDay: 1 } })), 'RESOURCE_EXHAUSTED', /more than 1000/],
      ['['.repeat(10_000) + ']'.repeat(10_000), 'INVALID_ARGUMENT', /campaign 0 must be an object|campaigns JSON/],
      ['{"campaigns": [', 'INVALID_ARGUMENT', /campaigns JSON/],
    ];
    for (const [input, code, message] of cases) {
      assert.throws(() => h.campaigns.load(input), (e) => e instanceof HearthError && e.code === code && message.test(e.message));
      assert.deepEqual(h.campaigns.list({ hour: 12 }).map((c) => c.id), ['kept']);
    }
    assert.throws(() => h.campaigns.load(42), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => h.campaigns.active({ mood: 'happy' }), { code: 'INVALID_ARGUMENT', message: /unknown context field 'mood'/ });
    assert.throws(() => h.campaigns.active({ available: { slot: 'yes' } }), { code: 'INVALID_ARGUMENT', message: /available\['slot'\]/ });
    assert.throws(() => h.campaigns.active({ minor: 'no' }), { code: 'INVALID_ARGUMENT' });
    assert.throws(() => h.campaigns.list({ tzOffsetMinutes: 5000 }), { code: 'INVALID_ARGUMENT' });
  });

  test('thousands of rejected loads and campaign calls leave the wasm heap flat', async (t) => {
    const M = await debugModule();
    const { h } = await fresh();
    t.after(() => h.close());
    const good = [{ id: 'w', action: { type: 'widget', widget: 'w', params: { a: 'x' } }, cap: { perDay: 1000 } }];
    const bad = [{ id: 'w', action: { type: 'widget', widget: 'w', params: { a: 'x' } }, cap: { perDay: 1000 }, holdout: 0.9 }];
    const cycle = () => {
      h.campaigns.load(good);
      assert.throws(() => h.campaigns.load(bad), { code: 'INVALID_ARGUMENT' });
      h.campaigns.active({ hour: 12, available: { 'pickup-today': 1 } });
      h.campaigns.list({ hour: 12 });
      h.recommend({ slot: 'deals', context: { hour: 12 } });
    };
    for (let i = 0; i < 100; i++) cycle(); // warm-up: maps and the stats row reach their size
    const before = M.memoryStats().allocated;
    for (let i = 0; i < 2000; i++) cycle();
    const after = M.memoryStats().allocated;
    assert.ok(after - before < 16 * 1024, `heap grew by ${after - before} bytes`);
  });
});
