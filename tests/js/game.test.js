// hearth.game and 'reward' events against the real wasm-debug build
// (js/wasm-debug/, -sASSERTIONS=2 and SAFE_HEAP): the wrapper of
// js/internal/hearth.js with the debug module underneath.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createDebugHearth } from './helpers/debug.js';
import { CATALOG, DAY, T0 } from './helpers/real.js';
import { code, freshHearth } from './helpers/setup.js';

async function fresh(options = {}) {
  const { hearth, clock } = await freshHearth(createDebugHearth, { seed: 3, timeZoneOffset: 60, ...options }, { catalog: CATALOG });
  const rewards = [];
  hearth.on('reward', (r) => rewards.push(r));
  return { hearth, clock, rewards };
}

const RULES = {
  currencies: [{ id: 'points', expiresAfterDays: 365 }, { id: 'stars' }],
  earn: [
    { id: 'shoes', label: 'Shoes', event: 'purchase', when: { field: 'category', prefix: 'shoes' }, reward: { currency: 'points', perUnit: 1 } },
    { id: 'app', label: 'App bonus', event: 'purchase', when: { field: 'context.channel', eq: 'app' }, reward: { currency: 'stars', amount: 1 } },
  ],
  streak: { period: 'day', events: ['view', 'purchase'] },
  stampCards: [{ id: 'visits', name: 'Visit card', event: 'view', required: 2, reward: { mystery: 'box' } }],
  mystery: [{ id: 'box', name: 'Mystery box', prizes: [
    { id: 'p5', label: '5 points', weight: 3, reward: { currency: 'points', amount: 5 } },
    { id: 'voucher', label: '$5 voucher', weight: 1, valueCents: 500 },
  ] }],
};


describe('hearth.game', () => {
  test('with gamification denied, track() records the event but the game awards nothing; granted again, it does', async (t) => {
    const { hearth, rewards } = await fresh({ consent: { gamification: 'denied' } });
    t.after(() => hearth.close());
    hearth.game.load(RULES);
    assert.equal(hearth.track({ type: 'purchase', item: 'sku-1', id: 'order-1', context: { channel: 'app' } }), 'recorded');
    assert.equal(hearth.trackMany([{ type: 'view', item: 'sku-2', id: 'v-1' }]).recorded, 1);
    assert.deepEqual(rewards, []);
    assert.deepEqual(hearth.game.state().balances, { points: 0, stars: 0 });
    assert.equal(code(() => hearth.game.openMystery('box')), 'FAILED_PRECONDITION');
    hearth.consent.set({ gamification: 'granted' });
    assert.equal(hearth.track({ type: 'purchase', item: 'sku-1', id: 'order-2', context: { channel: 'app' } }), 'recorded');
    assert.deepEqual(rewards.map((r) => r.kind).sort(), ['points', 'points', 'streak']);
  });

  test('track() emits the rewards of that event; a retried event pays nothing', async (t) => {
    const { hearth, rewards } = await fresh();
    t.after(() => hearth.close());
    assert.deepEqual(hearth.game.load(RULES), { rules: 5 }); // 2 earn rules, the streak, a card, a box
    assert.equal(hearth.track({ type: 'purchase', item: 'sku-1', id: 'order-1', context: { channel: 'app' } }), 'recorded');
    const kinds = rewards.map((r) => r.kind).sort();
    assert.deepEqual(kinds, ['points', 'points', 'streak']);
    const pts = rewards.find((r) => r.currency === 'points');
    assert.equal(pts.amount, 89);
    assert.equal(pts.balance, 89);
    assert.equal(pts.label, 'Shoes');
    const streak = rewards.find((r) => r.kind === 'streak');
    assert.equal(streak.current, 1);
    assert.match(streak.message, /Come back tomorrow/);
    rewards.length = 0;
    assert.equal(hearth.track({ type: 'purchase', item: 'sku-1', id: 'order-1', context: { channel: 'app' } }), 'duplicate');
    assert.equal(rewards.length, 0);
    const s = hearth.game.state();
    assert.deepEqual(s.balances, { points: 89, stars: 1 });
    assert.equal(s.streak.status, 'active');
    assert.equal(s.history.length, 2);
  });

  test('stamp card → mystery box with published odds → open; refund reverses an order', async (t) => {
    const { hearth, clock, rewards } = await fresh();
    t.after(() => hearth.close());
    hearth.game.load(JSON.stringify(RULES));
    hearth.trackMany([
      { type: 'view', item: 'sku-2', id: 'v1' },
      { type: 'view', item: 'sku-3', id: 'v2', context: { tzOffsetMinutes: -300 } },
    ]);
    assert.ok(rewards.some((r) => r.kind === 'stamp_card_complete'));
    assert.ok(rewards.some((r) => r.kind === 'mystery_available'));
    const box = hearth.game.state().mystery[0];
    assert.equal(box.available, 1);
    assert.deepEqual(box.odds.map((o) => [o.prize, o.probability]), [['p5', 0.75], ['voucher', 0.25]]);
    const prize = hearth.game.openMystery('box');
    assert.ok(['p5', 'voucher'].includes(prize.prize));
    if (prize.prize === 'voucher') {
      assert.equal(prize.needsServerConfirmation, true);
      assert.equal(hearth.game.state().pendingClaims[0].valueCents, 500);
    }
    assert.equal(code(() => hearth.game.openMystery('box')), 'FAILED_PRECONDITION');
    assert.equal(code(() => hearth.game.openMystery('nope')), 'NOT_FOUND');

    clock.t += DAY;
    hearth.track({ type: 'purchase', item: 'sku-2', id: 'order-9' });
    const before = hearth.game.state().balances.points;
    rewards.length = 0;
    hearth.game.refund({ event: 'order-9' });
    assert.equal(hearth.game.state().balances.points, before - 120);
    assert.deepEqual(rewards.map((r) => r.kind), ['refund']);
    assert.equal(code(() => hearth.game.refund({ event: 'never' })), 'NOT_FOUND');
    assert.equal(hearth.game.history({ limit: 1 })[0].kind, 'refund');
  });

  test('hostile rules are coded errors and the prior rules stay', async (t) => {
    const { hearth } = await fresh();
    t.after(() => hearth.close());
    hearth.game.load(RULES);
    assert.equal(code(() => hearth.game.load({ earn: [{ id: 'x', event: 'view', reward: { currency: 'points', amount: -1 } }] })), 'INVALID_ARGUMENT');
    assert.equal(code(() => hearth.game.load('{"earn": [')), 'INVALID_ARGUMENT');
    assert.equal(code(() => hearth.game.load({ mystery: [{ id: 'm', price: 1, prizes: [] }] })), 'INVALID_ARGUMENT');
    assert.equal(hearth.game.state().stampCards.length, 1);
    assert.equal(code(() => hearth.track({ type: 'view', item: 'sku-1', context: { a: { b: 1 } } })), 'INVALID_ARGUMENT');
    assert.equal(code(() => hearth.track({ type: 'view', item: 'sku-1', context: { tzOffsetMinutes: 5000 } })), 'INVALID_ARGUMENT');
  });

  test('the game survives a snapshot; erase wipes it; exportJSON includes it', async (t) => {
    const { hearth } = await fresh();
    t.after(() => hearth.close());
    hearth.game.load(RULES);
    hearth.track({ type: 'purchase', item: 'sku-1', id: 'o1' });
    const bytes = hearth.exportState();
    const { hearth: other } = await fresh({ snapshot: bytes });
    t.after(() => other.close());
    other.game.load(RULES);
    assert.equal(other.game.state().balances.points, 89);
    assert.match(other.exportJSON(), /"game":\{"balances":\{"points":89/);
    await other.erase();
    assert.equal(other.game.state().balances.points, 0);
  });

  test('days are the user\'s: a time-zone option moves midnight', async (t) => {
    // 23:30 and 00:30 UTC are two UTC days but one day at UTC-5.
    const start = Date.UTC(2025, 0, 15, 23, 30);
    const { hearth } = await fresh({ timeZoneOffset: () => -300, now: () => start + 2 * 3600_000 });
    t.after(() => hearth.close());
    hearth.game.load(RULES);
    hearth.track({ type: 'view', item: 'sku-1', id: 'a', ts: start });
    hearth.track({ type: 'view', item: 'sku-1', id: 'b', ts: start + 3600_000 });
    assert.equal(hearth.game.state().streak.current, 1);
    void T0;
  });
});
