// Consent and the privacy report against the real debug wasm build
// (js/wasm-debug/): defaults, validation, storage gating with a spy adapter,
// revocation on disk, GPC / Consent Mode / TCF mappings, privacy.report().

import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';

import { consentFromConsentMode, consentFromGlobalPrivacyControl, consentFromTcf, privacyTools } from '../../js/index.js';
import { createMemoryStorage } from '../../js/storage/memory.js';
import { createDebugHearth, debugModule } from './helpers/debug.js';
import { CATALOG, DAY, T0 } from './helpers/real.js';
import { code, freshHearth } from './helpers/setup.js';

/** A storage adapter that records every call. */
function spyStorage() {
  const inner = createMemoryStorage();
  const calls = { set: 0, delete: 0, get: 0 };
  return {
    calls,
    adapter: {
      async get(/** @type {string} */ k) {
        calls.get++;
        return inner.get(k);
      },
      set(/** @type {string} */ k, /** @type {Uint8Array} */ v) {
        calls.set++;
        return inner.set(k, v);
      },
      delete(/** @type {string} */ k) {
        calls.delete++;
        return inner.delete(k);
      },
    },
    peek: (/** @type {string} */ k) => inner.get(k),
  };
}

/** @param {any} [options] */
const fresh = (options = {}) => freshHearth(createDebugHearth, options, { catalog: JSON.stringify(CATALOG) });


const open = [];
afterEach(() => {
  for (const h of open.splice(0)) h.close();
});

describe('consent', () => {
  test('a host that says nothing keeps the profile on the device and sends nothing', async () => {
    const { hearth } = await fresh();
    open.push(hearth);
    const c = hearth.consent.get();
    assert.deepEqual(Object.keys(c), ['personalization', 'gamification', 'measurement']);
    assert.equal(c.personalization.state, 'granted');
    assert.equal(c.gamification.state, 'granted');
    assert.equal(c.measurement.state, 'pending');
    for (const p of Object.values(c)) assert.equal(p.source, 'default');
    for (const p of Object.values(c)) assert.equal(p.ts, null); // never decided
  });

  test('createHearth({ consent }) sets the starting state, set() changes it, emits and returns get()', async () => {
    const { hearth, clock } = await fresh({ consent: { personalization: 'pending', measurement: 'granted' } });
    open.push(hearth);
    assert.equal(hearth.consent.get().personalization.state, 'pending');
    assert.equal(hearth.consent.get().personalization.source, 'api');
    const heard = [];
    hearth.on('consent', (c) => heard.push(c));
    clock.t += 1000;
    const after = hearth.consent.set({ personalization: 'granted' }, { source: 'consent_mode' });
    assert.deepEqual(after.personalization, { state: 'granted', ts: T0 + 1000, source: 'consent_mode' });
    assert.deepEqual(after, hearth.consent.get());
    assert.equal(heard.length, 1);
    assert.deepEqual(heard[0], after);
  });

  test('bad purposes, states and sources are INVALID_ARGUMENT and change nothing', async () => {
    const { hearth } = await fresh();
    open.push(hearth);
    const before = hearth.consent.get();
    assert.equal(code(() => hearth.consent.set({ marketing: 'granted' })), 'INVALID_ARGUMENT');
    assert.equal(code(() => hearth.consent.set({ measurement: 'yes' })), 'INVALID_ARGUMENT');
    assert.equal(code(() => hearth.consent.set({ measurement: 'granted' }, { source: 'cookie' })), 'INVALID_ARGUMENT');
    assert.equal(code(() => hearth.consent.set(null)), 'INVALID_ARGUMENT');
    assert.deepEqual(hearth.consent.get(), before);
    await assert.rejects(createDebugHearth({ storage: 'memory', consent: { measurement: true } }), (e) => e.code === 'INVALID_ARGUMENT');
  });

  test('pending personalization: the storage adapter is never written, even on save() and close()', async () => {
    const spy = spyStorage();
    const { hearth } = await fresh({ storage: spy.adapter, autosave: 1, consent: { personalization: 'pending' } });
    hearth.track({ type: 'view', item: 'sku-1' });
    hearth.recommend({ slot: 'for_you', count: 2 });
    assert.ok(hearth.profile().interests.length > 0, 'computed in memory');
    await hearth.save();
    await new Promise((r) => setTimeout(r, 20)); // past the autosave delay
    hearth.close();
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(spy.calls.set, 0);
    assert.equal(await spy.peek('hearth'), null);
  });

  test('granting after pending writes the state computed so far', async () => {
    const spy = spyStorage();
    const { hearth } = await fresh({ storage: spy.adapter, consent: { personalization: 'pending' } });
    open.push(hearth);
    hearth.track({ type: 'view', item: 'sku-1' });
    hearth.consent.set({ personalization: 'granted' });
    await hearth.save();
    assert.ok(spy.calls.set >= 1);
    const again = await createDebugHearth({ storage: spy.adapter, now: () => T0, autosave: 0 });
    open.push(again);
    again.catalog.load(JSON.stringify(CATALOG));
    assert.ok(again.profile().interests.length > 0);
    assert.equal(again.consent.get().personalization.state, 'granted');
  });

  test('revoking personalization erases the profile on disk at once and picks become popular ones', async () => {
    const spy = spyStorage();
    const { hearth } = await fresh({ storage: spy.adapter });
    open.push(hearth);
    hearth.track({ type: 'view', item: 'sku-3' });
    await hearth.save();
    const setsBefore = spy.calls.set;
    hearth.consent.set({ personalization: 'denied' });
    // Started synchronously, not at the next autosave.
    assert.equal(spy.calls.set, setsBefore + 1);
    assert.equal(hearth.profile().interests.length, 0);
    const onDisk = await createDebugHearth({ storage: 'memory', snapshot: await spy.peek('hearth'), now: () => T0, autosave: 0 });
    open.push(onDisk);
    onDisk.catalog.load(JSON.stringify(CATALOG));
    assert.equal(onDisk.profile().interests.length, 0);
    assert.equal(onDisk.consent.get().personalization.state, 'denied');
    hearth.track({ type: 'view', item: 'sku-3' });
    assert.equal(hearth.profile().interests.length, 0, 'nothing is learned while denied');
    assert.equal(hearth.recommend({ slot: 'for_you', count: 4 }).length, 4);
  });

  test('revoking while storage is held back deletes the stored copy', async () => {
    const spy = spyStorage();
    const { hearth } = await fresh({ storage: spy.adapter });
    open.push(hearth);
    hearth.track({ type: 'view', item: 'sku-3' });
    await hearth.save();
    assert.ok(await spy.peek('hearth'));
    hearth.consent.set({ gamification: 'pending' });
    hearth.consent.set({ personalization: 'denied' });
    await hearth.save();
    assert.equal(await spy.peek('hearth'), null);
  });

  test('Global Privacy Control denies measurement unless the user decided before', async () => {
    const had = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: { globalPrivacyControl: true }, configurable: true });
    try {
      const { hearth } = await fresh({ consent: { measurement: 'granted' } });
      open.push(hearth);
      assert.deepEqual(
        { state: hearth.consent.get().measurement.state, source: hearth.consent.get().measurement.source },
        { state: 'denied', source: 'gpc' },
      );
      hearth.consent.set({ measurement: 'granted' }); // the user's own choice wins afterwards
      const blob = hearth.exportState();
      const again = await createDebugHearth({ storage: 'memory', snapshot: blob, now: () => T0 });
      open.push(again);
      assert.equal(again.consent.get().measurement.state, 'granted');
      const off = await createDebugHearth({ storage: 'memory', respectGpc: false, consent: { measurement: 'granted' } });
      open.push(off);
      assert.equal(off.consent.get().measurement.state, 'granted');
    } finally {
      if (had) Object.defineProperty(globalThis, 'navigator', had);
      else delete (/** @type {any} */ (globalThis)).navigator;
    }
  });

  test('Consent Mode v2 and TCF v2 map to the three purposes', async () => {
    assert.deepEqual(consentFromGlobalPrivacyControl({ globalPrivacyControl: true }), { measurement: 'denied' });
    assert.deepEqual(consentFromGlobalPrivacyControl({}), {});
    const modes = [
      [{ personalization_storage: 'granted', analytics_storage: 'granted', ad_user_data: 'granted' }, { personalization: 'granted', measurement: 'granted' }],
      [{ analytics_storage: 'granted', ad_user_data: 'denied' }, { measurement: 'denied' }],
      [{ ad_personalization: 'denied' }, { personalization: 'denied' }],
      [{ personalization_storage: 'granted', ad_personalization: 'denied' }, { personalization: 'granted' }],
      [{ functionality_storage: 'denied' }, { gamification: 'denied' }],
      [{ analytics_storage: 'maybe' }, {}],
    ];
    for (const [fields, want] of modes) assert.deepEqual(consentFromConsentMode(fields), want, JSON.stringify(fields));
    const tcf = [
      [{ gdprApplies: true, purpose: { consents: { 1: true, 5: true, 6: true, 8: true, 9: true } } }, { gamification: 'granted', personalization: 'granted', measurement: 'granted' }],
      [{ gdprApplies: true, purpose: { consents: { 1: true, 5: true, 8: true, 9: true } } }, { gamification: 'granted', personalization: 'denied', measurement: 'granted' }],
      [{ gdprApplies: true, purpose: { consents: { 5: true, 6: true, 8: true, 9: true } } }, { gamification: 'denied', personalization: 'denied', measurement: 'denied' }],
      [{ gdprApplies: false, purpose: { consents: {} } }, {}],
    ];
    for (const [data, want] of tcf) assert.deepEqual(consentFromTcf(data), want, JSON.stringify(data));

    const { hearth } = await fresh();
    open.push(hearth);
    const c = hearth.consent.applyTcf(tcf[1][0]);
    assert.equal(c.personalization.state, 'denied');
    assert.equal(c.personalization.source, 'tcf');
    assert.equal(hearth.consent.applyConsentMode({ analytics_storage: 'granted' }).measurement.source, 'consent_mode');
  });
});

describe('privacy.report()', () => {
  test('shows nothing to send without measurement, and the budget', async () => {
    const { hearth, clock } = await fresh();
    open.push(hearth);
    hearth.track({ type: 'view', item: 'sku-1' });
    clock.t += DAY;
    const r = hearth.privacy.report();
    assert.deepEqual(r.next, { bytes: 0, body: '', reports: [] });
    assert.deepEqual(r.budget, { period: new Date(T0).toISOString().slice(0, 10), epsilon: 1, spent: 0, remaining: 1, ledger: [] });
  });

  test('shows the exact reports of the next sync, each valid for the collector', async () => {
    const { hearth, clock } = await fresh({ consent: { measurement: 'granted' } });
    open.push(hearth);
    hearth.track({ type: 'view', item: 'sku-1' });
    clock.t += DAY;
    hearth.track({ type: 'view', item: 'sku-2' });
    clock.t += DAY;
    const r = hearth.privacy.report();
    assert.equal(r.next.reports.length, 2);
    assert.equal(r.next.bytes, Buffer.byteLength(r.next.body));
    assert.deepEqual(JSON.parse(r.next.body).reports, r.next.reports);
    const tools = privacyTools(await debugModule());
    for (const rep of r.next.reports) {
      assert.match(rep.id, /^[0-9a-f]{32}$/);
      assert.equal(rep.v, 1);
      assert.equal(rep.sdk, '0.1.0');
      assert.equal(tools.validateReport(JSON.stringify(rep)), null);
    }
    assert.deepEqual(hearth.privacy.report().next, r.next, 'stable until the state changes');
    assert.equal(hearth.privacy.policy().epsilonPerDay, 1);
  });

  test('options.privacy sets the policy; a bad one rejects createHearth', async () => {
    const { hearth } = await fresh({ privacy: { epsilonPerDay: 0.5, types: { interests: { epsilon: 0.5 }, campaign: { epsilon: 0.5 }, bandit: { epsilon: 0.5 }, engagement: { epsilon: 0.5 } } } });
    open.push(hearth);
    assert.equal(hearth.privacy.policy().epsilonPerDay, 0.5);
    await assert.rejects(createDebugHearth({ storage: 'memory', privacy: { epsilonPerDay: 0.5 } }), (e) => e.code === 'INVALID_ARGUMENT' && /epsilonPerDay/.test(e.message));
  });

  test('the collector tools reject what the device would never send', async () => {
    const tools = privacyTools(await debugModule());
    const err = tools.validateReport('{"v":1,"id":"x"}');
    assert.equal(err.code, 'INVALID_ARGUMENT');
    assert.match(err.message, /report\.id/);
    const pq = tools.rrProbabilities(3, 1);
    assert.ok(Math.abs(pq.p / pq.q - Math.E) < 1e-6 && pq.p / pq.q < Math.E);
    assert.ok(Math.abs(tools.laplaceVariance(1, 12) - 287.83) < 0.01);
  });

  test('exportJSON lists consent and every spend; erase keeps both', async () => {
    const { hearth, clock } = await fresh({ consent: { measurement: 'granted' } });
    open.push(hearth);
    hearth.track({ type: 'view', item: 'sku-1' });
    clock.t += DAY;
    const json = JSON.parse(hearth.exportJSON());
    assert.equal(json.consent.measurement.state, 'granted');
    assert.deepEqual(json.privacy_ledger, []);
    await hearth.erase();
    assert.equal(hearth.consent.get().measurement.state, 'granted');
  });
});

describe('privacy calls and the wasm heap', () => {
  test('thousands of consent changes, report rounds, commits, acks and failed validations leave the heap flat', async () => {
    const M = await debugModule();
    const tools = privacyTools(M);
    const ack = async (/** @type {string} */ _url, /** @type {any} */ init) => {
      const ids = JSON.parse(init.body).reports.map((/** @type {any} */ r) => r.id);
      return new Response(JSON.stringify({ accepted: ids, duplicates: [], rejected: [] }));
    };
    const { hearth, clock } = await fresh({ consent: { measurement: 'granted' }, endpoint: 'http://collector.invalid', sync: { auto: false }, fetch: ack });
    open.push(hearth);
    const cycle = async () => {
      hearth.track({ type: 'view', item: 'sku-1' });
      clock.t += DAY;
      hearth.consent.set({ gamification: 'granted' });
      const r = hearth.privacy.report();
      for (const rep of r.next.reports) assert.equal(tools.validateReport(JSON.stringify(rep)), null);
      assert.notEqual(tools.validateReport('{"v":1,"id":"nope"}'), null);
      hearth.exportJSON();
      const s = await hearth.sync(); // commit, save, POST, ack
      assert.equal(s.status, 'ok');
    };
    for (let i = 0; i < 200; i++) await cycle(); // warm-up: the ledger (40 days) and the activity ring fill up
    const warm = M.memoryStats().allocated;
    for (let i = 0; i < 2000; i++) await cycle();
    const end = M.memoryStats().allocated;
    assert.ok(end - warm < 64 * 1024, `allocated grew by ${end - warm} bytes`);
  });
});
