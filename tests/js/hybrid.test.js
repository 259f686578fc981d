// The hybrid-app recipe: Hearth on a host key-value bridge. Capacitor's
// Preferences plugin is faked at its JS boundary — the object the app imports
// from '@capacitor/preferences', whose calls cross to native code as
// `Capacitor.Plugins.Preferences` messages — so what is tested is exactly what
// the adapter sends over the bridge: string keys and base64 string values.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createHearth } from '../../js/index.js';
import { HearthError } from '../../js/errors.js';
import { createCapacitorPreferencesStorage, createKeyValueStorage } from '../../js/storage/index.js';

/** Capacitor Preferences as the web layer sees it: async calls with option objects, string values. */
function fakePreferences({ failSet = false } = {}) {
  const native = new Map();
  const calls = [];
  const api = {
    async get(opts) {
      calls.push(['get', opts]);
      assert.equal(typeof opts.key, 'string');
      return { value: native.has(opts.key) ? native.get(opts.key) : null };
    },
    async set(opts) {
      calls.push(['set', opts]);
      assert.equal(typeof opts.value, 'string', 'the bridge only carries strings');
      if (failSet) throw new Error('Preferences: disk full');
      native.set(opts.key, opts.value);
    },
    async remove(opts) {
      calls.push(['remove', opts]);
      native.delete(opts.key);
    },
  };
  return { api, native, calls };
}

const CATALOG = JSON.stringify([
  { id: 'sku-1', title: 'Trail runner', category: 'shoes/trail', price: 80 },
  { id: 'sku-2', title: 'Espresso beans', category: 'coffee/beans', price: 12 },
]);

describe('createCapacitorPreferencesStorage', () => {
  test('a profile survives an app restart through the bridge', async () => {
    const prefs = fakePreferences();
    const first = await createHearth({ storage: createCapacitorPreferencesStorage(prefs.api), autosave: 0 });
    first.catalog.load(CATALOG);
    first.track({ type: 'view', item: 'sku-1' });
    first.track({ type: 'purchase', item: 'sku-1' });
    await first.save();
    first.close();

    const keys = [...prefs.native.keys()];
    assert.ok(keys.length >= 1 && keys.every((k) => k.startsWith('hearth:')), `keys: ${keys}`);
    assert.match(prefs.native.get(keys[0]), /^[A-Za-z0-9+/]+=*$/, 'stored as base64 text');

    const again = await createHearth({ storage: createCapacitorPreferencesStorage(prefs.api), autosave: 0 });
    assert.equal(again.profile().rfm.eventsTotal, 2);
    await again.erase();
    assert.equal(prefs.native.size, 0, 'erase() removes the key over the bridge');
    again.close();
  });

  test('a failing bridge becomes a HearthError; Hearth keeps working in memory', async () => {
    const prefs = fakePreferences({ failSet: true });
    const hearth = await createHearth({ storage: createCapacitorPreferencesStorage(prefs.api), autosave: 0 });
    const errors = [];
    hearth.on('error', (e) => errors.push(e));
    hearth.catalog.load(CATALOG);
    hearth.track({ type: 'view', item: 'sku-2' });
    await hearth.save().catch((e) => errors.push(e));
    assert.ok(errors.length >= 1 && errors.every((e) => e instanceof HearthError), String(errors));
    assert.equal(hearth.profile().rfm.eventsTotal, 1);
    hearth.close();
  });

  test('rejects objects without the Preferences methods', () => {
    assert.throws(() => createCapacitorPreferencesStorage({ get() {} }), (e) => e instanceof HearthError && e.code === 'INVALID_ARGUMENT' && /set\(\)/.test(e.message));
  });
});

describe('createKeyValueStorage', () => {
  const cases = [
    { name: 'null means nothing stored', stored: null, expect: null },
    { name: 'undefined means nothing stored', stored: undefined, expect: null },
    { name: 'an empty string means nothing stored', stored: '', expect: null },
    { name: 'base64 text decodes', stored: 'AQID', expect: Uint8Array.from([1, 2, 3]) },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const s = createKeyValueStorage({ get: async () => c.stored, set: async () => {}, remove: async () => {} });
      assert.deepEqual(await s.get('k'), c.expect);
    });
  }

  test('text that is not base64 is DATA_LOSS naming the key', async () => {
    const s = createKeyValueStorage({ get: async () => 'not base64!', set: async () => {}, remove: async () => {} }, { prefix: 'app.' });
    await assert.rejects(s.get('k'), (e) => e instanceof HearthError && e.code === 'DATA_LOSS' && /app\.k/.test(e.message));
  });

  test('stores a copy under the prefix; delete removes it', async () => {
    const m = new Map();
    const s = createKeyValueStorage({ get: async (k) => m.get(k), set: async (k, v) => void m.set(k, v), remove: async (k) => void m.delete(k) }, { prefix: 'x/' });
    assert.equal(s.kind, 'keyvalue');
    assert.equal(s.synchronous, false);
    const bytes = Uint8Array.from([9, 8, 7]);
    await s.set('state', bytes);
    bytes[0] = 0;
    assert.deepEqual([...m.keys()], ['x/state']);
    assert.deepEqual(await s.get('state'), Uint8Array.from([9, 8, 7]));
    await s.delete('state');
    assert.equal(m.size, 0);
  });

  test('rejects a bridge without remove() and a too-long prefix', () => {
    assert.throws(() => createKeyValueStorage({ get() {}, set() {} }), /remove\(\)/);
    assert.throws(() => createKeyValueStorage({ get() {}, set() {}, remove() {} }, { prefix: 'p'.repeat(65) }), /prefix/);
  });
});
