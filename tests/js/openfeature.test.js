// hearth/openfeature with the real @openfeature/web-sdk: every flag family,
// each type, the spec's reasons and error codes, context changes, events on
// profile changes, tracking forwarded to hearth.track().
//
// Each test uses its own OpenFeature domain (the API object is a singleton).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ErrorCode, OpenFeature, ProviderEvents, ProviderStatus, StandardResolutionReasons } from '@openfeature/web-sdk';
import { createHearth } from 'hearth';
import { HearthProvider } from 'hearth/openfeature';

const T0 = Date.UTC(2026, 10, 25, 18);
const CATALOG = [
  { id: 'trail-1', title: 'Ridge runner', category: 'Shoes > Trail', brand: 'Acme', price: 120, popularity: 40 },
  { id: 'trail-2', title: 'Mud hopper', category: 'Shoes > Trail', brand: 'Acme', price: 95, popularity: 30 },
  { id: 'city-1', title: 'Office loafer', category: 'Shoes > City', brand: 'Birch', price: 150, popularity: 90 },
  { id: 'tent-1', title: 'Two-person tent', category: 'Camping > Tents', brand: 'Fjell', price: 300, popularity: 70 },
  { id: 'mug-1', title: 'Enamel mug', category: 'Kitchen > Mugs', brand: 'Fjell', price: 12, popularity: 60 },
];
const RULES = {
  currencies: [{ id: 'points', expiresAfterDays: 365 }],
  earn: [{ id: 'buy', label: 'Orders', event: 'purchase', reward: { currency: 'points', perUnit: 1 } }],
  streak: { period: 'day', events: ['view', 'purchase'] },
  tiers: {
    currency: 'points',
    windowDays: 365,
    levels: [
      { id: 'bronze', name: 'Bronze', threshold: 0 },
      { id: 'silver', name: 'Silver', threshold: 100 },
    ],
  },
};

let domains = 0;
/** A started Hearth + provider on a fresh domain. */
async function setup(options = {}, hearthOptions = {}) {
  const hearth = await createHearth({ storage: 'memory', seed: 5, now: () => T0, ...hearthOptions });
  hearth.catalog.load(CATALOG);
  hearth.promotions.load([
    { id: 'rainy-tents', item: 'tent-1', discount: 0.15, starts: '2026-11-01', ends: '2026-12-01', context: { weather: ['rain'] } },
  ]);
  const domain = `hearth-test-${++domains}`;
  const provider = new HearthProvider(hearth, options);
  await OpenFeature.setProviderAndWait(domain, provider);
  const client = OpenFeature.getClient(domain);
  return { hearth, provider, client, domain };
}

test('the provider is READY after setProviderAndWait and names itself', async () => {
  const { hearth, client } = await setup();
  assert.equal(client.providerStatus, ProviderStatus.READY);
  assert.equal(client.metadata.providerMetadata.name, 'Hearth');
  hearth.close();
});

test('segment, interests and rfm follow the profile as it changes', async () => {
  const { hearth, client } = await setup({ topInterests: 2 });
  let d = client.getStringDetails('hearth.segment', 'unknown');
  assert.equal(d.value, 'new');
  assert.equal(d.variant, 'new');
  assert.equal(d.reason, StandardResolutionReasons.TARGETING_MATCH);
  assert.equal(d.errorCode, undefined);
  assert.equal(client.getBooleanValue('hearth.segment.new', false), true);
  assert.equal(client.getBooleanValue('hearth.segment.lapsed', true), false);
  // No interests yet: the caller's default, reason DEFAULT.
  d = client.getStringDetails('hearth.interests.top', 'none');
  assert.deepEqual([d.value, d.reason], ['none', StandardResolutionReasons.DEFAULT]);

  hearth.track({ type: 'view', item: 'trail-1' });
  hearth.track({ type: 'click', item: 'trail-2' });
  hearth.track({ type: 'purchase', item: 'trail-1', id: 'o-1' });

  const top = client.getObjectValue('hearth.interests.top', []);
  assert.equal(Array.isArray(top) && top.length, 2);
  const first = /** @type {any} */ (top)[0];
  assert.equal(client.getStringValue('hearth.interests.top', ''), first.feature);
  assert.match(first.feature, /^(cat|brand):/);
  const weight = client.getNumberDetails('hearth.interest.shoes', -1);
  assert.equal(weight.reason, StandardResolutionReasons.TARGETING_MATCH);
  assert.ok(weight.value > 0, `shoes weight ${weight.value}`);
  assert.equal(weight.flagMetadata.feature, 'cat:shoes');
  assert.equal(client.getNumberValue('hearth.interest.brand:acme', -1) > 0, true);
  // Never seen: the default and reason DEFAULT; not in the top N: false.
  const kitchen = client.getNumberDetails('hearth.interest.kitchen', -1);
  assert.deepEqual([kitchen.value, kitchen.reason], [-1, StandardResolutionReasons.DEFAULT]);
  assert.equal(client.getBooleanValue('hearth.interest.kitchen', true), false);
  assert.equal(client.getBooleanValue(`hearth.interest.${first.feature}`, false), true);
  assert.equal(client.getNumberValue('hearth.rfm.purchasesTotal', -1), 1);
  assert.equal(client.getNumberValue('hearth.rfm.monetaryTotal', -1), 120);
  assert.equal(client.getStringValue('hearth.segment', ''), hearth.profile().segment);
  hearth.close();
});

test('picks: string is the first item, object the list with reasons; cached until the state changes', async () => {
  const { hearth, client } = await setup({ count: 3 });
  hearth.track({ type: 'view', item: 'trail-1' });
  const picks = /** @type {any[]} */ (client.getObjectValue('hearth.pick.for_you', []));
  assert.equal(picks.length, 3);
  for (const p of picks) {
    assert.equal(typeof p.item, 'string');
    assert.equal(typeof p.reason, 'string');
    assert.ok(p.propensity > 0 && p.propensity <= 1);
  }
  const d = client.getStringDetails('hearth.pick.for_you', 'none');
  assert.equal(d.value, picks[0].item);
  assert.equal(d.variant, picks[0].item);
  assert.equal(d.flagMetadata.why, picks[0].reason);
  // Re-evaluating reads the cache: the bandit's state (revision) does not move.
  const rev = hearth.revision;
  for (let i = 0; i < 5; i++) client.getObjectValue('hearth.pick.for_you', []);
  assert.equal(hearth.revision, rev);
  assert.ok(client.getObjectValue('hearth.pick.wow', []).length >= 1);
  hearth.close();
});

test('deals take the moment from the evaluation context; a context change re-evaluates', async () => {
  const { hearth, client, domain } = await setup();
  await OpenFeature.setContext(domain, { targetingKey: 'u-1', weather: 'sun', hour: 12 });
  const sunny = /** @type {any[]} */ (client.getObjectValue('hearth.pick.deals', []));
  assert.ok(!sunny.some((p) => p.promotion === 'rainy-tents'), JSON.stringify(sunny));
  await OpenFeature.setContext(domain, { targetingKey: 'u-1', weather: 'rain', hour: 19 });
  const d = client.getStringDetails('hearth.pick.deals', 'none');
  assert.equal(d.value, 'tent-1');
  assert.equal(/** @type {any[]} */ (client.getObjectValue('hearth.pick.deals', []))[0].discount, 0.15);
  // A context the SDK rejects is INVALID_CONTEXT, with the default value.
  await OpenFeature.setContext(domain, { weather: 'rain', hour: 99 });
  const bad = client.getStringDetails('hearth.pick.deals', 'none');
  assert.deepEqual([bad.value, bad.errorCode, bad.reason], ['none', ErrorCode.INVALID_CONTEXT, StandardResolutionReasons.ERROR]);
  assert.match(bad.errorMessage ?? '', /hour/);
  for (const context of [{ weather: 42 }, { distanceKm: -1 }, { available: 'lots' }, { weekday: 9 }]) {
    await OpenFeature.setContext(domain, context);
    const d2 = client.getObjectDetails('hearth.pick.deals', []);
    assert.deepEqual([d2.value, d2.errorCode], [[], ErrorCode.INVALID_CONTEXT], JSON.stringify(context));
  }
  // Other flags ignore the context: a bad moment does not break them.
  assert.equal(client.getStringDetails('hearth.segment', 'x').errorCode, undefined);
  hearth.close();
});

test('unknown keys are FLAG_NOT_FOUND and wrong types TYPE_MISMATCH, with the default value', async () => {
  const { hearth, client } = await setup();
  const cases = [
    ['string', 'feature.x', 'FLAG_NOT_FOUND'],
    ['string', 'hearth.nope', 'FLAG_NOT_FOUND'],
    ['boolean', 'hearth.segment.vip', 'FLAG_NOT_FOUND'],
    ['object', 'hearth.pick.sidebar', 'FLAG_NOT_FOUND'],
    ['number', 'hearth.rfm.age', 'FLAG_NOT_FOUND'],
    ['string', 'hearth.consent.ads', 'FLAG_NOT_FOUND'],
    ['number', 'hearth.interest.', 'FLAG_NOT_FOUND'],
    ['string', `hearth.${'x'.repeat(300)}`, 'FLAG_NOT_FOUND'],
    ['boolean', 'hearth.segment', 'TYPE_MISMATCH'],
    ['number', 'hearth.pick.for_you', 'TYPE_MISMATCH'],
    ['string', 'hearth.interest.shoes', 'TYPE_MISMATCH'],
    ['object', 'hearth.tier', 'TYPE_MISMATCH'],
    ['string', 'hearth.points.points', 'TYPE_MISMATCH'],
  ];
  const defaults = { string: 'dflt', boolean: true, number: 42, object: { d: 1 } };
  const get = { string: 'getStringDetails', boolean: 'getBooleanDetails', number: 'getNumberDetails', object: 'getObjectDetails' };
  for (const [type, key, code] of cases) {
    const d = client[get[type]](key, defaults[type]);
    assert.equal(d.errorCode, code, `${type} ${key.slice(0, 40)}: ${JSON.stringify(d)}`);
    assert.deepEqual(d.value, defaults[type], key.slice(0, 40));
    assert.equal(d.reason, StandardResolutionReasons.ERROR);
    assert.ok((d.errorMessage ?? '').length > 10, 'the message says what to fix');
  }
  hearth.close();
});

test('a provider given a pending createHearth() is PROVIDER_NOT_READY until it starts', async () => {
  let release;
  const gate = new Promise((r) => (release = r));
  const starting = gate.then(() => createHearth({ storage: 'memory', now: () => T0 }));
  const provider = new HearthProvider(starting);
  const domain = `hearth-test-${++domains}`;
  const ready = OpenFeature.setProviderAndWait(domain, provider);
  const client = OpenFeature.getClient(domain);
  const early = client.getStringDetails('hearth.segment', 'x');
  assert.deepEqual([early.value, early.errorCode], ['x', ErrorCode.PROVIDER_NOT_READY]);
  // Called directly (the SDK short-circuits before it), the provider says so too.
  assert.throws(() => provider.resolveStringEvaluation('hearth.segment', 'x', {}), { code: 'PROVIDER_NOT_READY' });
  release();
  await ready;
  assert.equal(client.getStringValue('hearth.segment', 'x'), 'new');
  const hearth = await starting;
  hearth.close();
  const closed = client.getStringDetails('hearth.segment', 'x');
  assert.deepEqual([closed.value, closed.errorCode], ['x', ErrorCode.PROVIDER_NOT_READY]);
});

test('a failed createHearth() makes the provider fail to initialize (ERROR event, not READY)', async () => {
  const provider = new HearthProvider(Promise.reject(new Error('no wasm')));
  const domain = `hearth-test-${++domains}`;
  await assert.rejects(OpenFeature.setProviderAndWait(domain, provider), /no wasm/);
  assert.notEqual(OpenFeature.getClient(domain).providerStatus, ProviderStatus.READY);
});

test('profile changes emit ConfigurationChanged naming the flags that changed', async () => {
  const { hearth, client } = await setup();
  /** @type {any[]} */
  const seen = [];
  client.addHandler(ProviderEvents.ConfigurationChanged, (e) => seen.push(e));
  hearth.track({ type: 'view', item: 'tent-1' });
  hearth.track({ type: 'view', item: 'tent-1' }); // a burst is one event
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(seen.length, 1);
  const changed = seen[0].flagsChanged;
  assert.ok(changed.includes('hearth.interest.cat:camping'), changed.join(' '));
  assert.ok(changed.includes('hearth.rfm.eventsTotal'));
  assert.ok(changed.includes('hearth.pick.for_you'));
  assert.ok(!changed.includes('hearth.segment.lapsed'), 'unchanged flags are not listed');
  // Picks were invalidated: the next evaluation sees camping.
  const picks = /** @type {any[]} */ (client.getObjectValue('hearth.pick.for_you', []));
  assert.ok(picks.length > 0);

  hearth.consent.set({ measurement: 'granted' });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(seen.length, 2);
  assert.ok(seen[1].flagsChanged.includes('hearth.consent.measurement'));
  assert.equal(client.getStringValue('hearth.consent.measurement', ''), 'granted');
  assert.equal(client.getBooleanValue('hearth.consent.measurement', false), true);
  hearth.close();
});

test('consent: profile flags are DISABLED when personalization is denied; game flags when gamification is', async () => {
  const { hearth, client } = await setup();
  hearth.game.load(RULES);
  hearth.track({ type: 'purchase', item: 'tent-1', id: 'o-9' });
  assert.equal(client.getNumberValue('hearth.points.points', -1), 300);
  const tier = client.getStringDetails('hearth.tier', 'none');
  assert.deepEqual([tier.value, tier.variant, tier.flagMetadata.name], ['silver', 'silver', 'Silver']);
  assert.equal(client.getNumberValue('hearth.streak', -1), 1);
  assert.equal(client.getNumberDetails('hearth.points.gems', -1).errorCode, ErrorCode.FLAG_NOT_FOUND);

  hearth.consent.set({ personalization: 'denied', gamification: 'denied' });
  for (const [d, def] of [
    [client.getStringDetails('hearth.segment', 'x'), 'x'],
    [client.getObjectDetails('hearth.interests.top', []), []],
    [client.getNumberDetails('hearth.interest.camping', -1), -1],
    [client.getNumberDetails('hearth.points.points', -1), -1],
    [client.getStringDetails('hearth.tier', 'x'), 'x'],
  ]) {
    assert.deepEqual(d.value, def);
    assert.equal(d.reason, StandardResolutionReasons.DISABLED);
    assert.equal(d.errorCode, undefined);
  }
  // Picks still work (popular, not personalized) and say so.
  const picks = client.getObjectDetails('hearth.pick.for_you', []);
  assert.equal(picks.flagMetadata.personalized, false);
  assert.ok(/** @type {any[]} */ (picks.value).length > 0);
  hearth.close();
});

test('game flags before rules are loaded resolve to the default with reason DEFAULT', async () => {
  const { hearth, client } = await setup();
  for (const d of [client.getStringDetails('hearth.tier', 'none'), client.getNumberDetails('hearth.points.points', 0), client.getNumberDetails('hearth.streak', 0)]) {
    assert.equal(d.reason, StandardResolutionReasons.DEFAULT, JSON.stringify(d));
    assert.equal(d.errorCode, undefined);
  }
  hearth.close();
});

test("OpenFeature's track() records Hearth events; other names are ignored", async () => {
  const { hearth, client } = await setup();
  client.track('view', { item: 'mug-1' });
  client.track('checkout-started', { item: 'mug-1' });
  client.track('purchase', { item: 'mug-1', id: 'o-2', value: 12 });
  assert.equal(hearth.profile().rfm.eventsTotal, 2);
  assert.equal(hearth.profile().rfm.purchasesTotal, 1);
  hearth.close();
});

test('onClose unsubscribes from the instance and leaves it open', async () => {
  const { hearth, client, domain, provider } = await setup();
  let events = 0;
  client.addHandler(ProviderEvents.ConfigurationChanged, () => events++);
  await OpenFeature.clearProviders(domain);
  hearth.track({ type: 'view', item: 'mug-1' });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(events, 0);
  assert.equal(hearth.status, 'ready');
  // Set again, it listens again, once. (Counted at the provider: the web SDK
  // 1.10 forwards a re-set provider's events to old clients twice.)
  let emitted = 0;
  provider.events.addHandler(ProviderEvents.ConfigurationChanged, () => emitted++);
  await OpenFeature.setProviderAndWait(domain, provider);
  hearth.track({ type: 'view', item: 'tent-1' });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(emitted, 1);
  assert.ok(events >= 1);
  hearth.close();
});

test('bad constructor arguments are TypeErrors that say what to pass', () => {
  assert.throws(() => new HearthProvider(null), /createHearth/);
  assert.throws(() => new HearthProvider({ profile() {}, recommend() {}, on() {} }, { count: 0 }), /count must be a whole number/);
  assert.throws(() => new HearthProvider({ profile() {}, recommend() {}, on() {} }, { colour: 1 }), /unknown option 'colour'/);
  assert.throws(() => new HearthProvider({}), /expected a Hearth instance/);
});
