// The JS wrapper against a fake module (no wasm): options, status, autosave,
// restore choice, storage failures, listeners, handle lifetime.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { HearthError } from '../../js/errors.js';
import { createHearthWith, snapshotRevision } from '../../js/internal/hearth.js';
import { decodeTail } from '../../js/internal/persist.js';
import { createModuleLoader } from '../../js/internal/loader.js';
import { base64ToBytes, bytesToBase64, createMemoryStorage } from '../../js/storage/index.js';
import { createFakeModule, fakeEnv, fakeLocalStorage, fakeSnapshot, recordingStorage, settle } from './helpers/fake.js';

const NOW = Date.UTC(2025, 0, 15, 12);
const now = () => NOW;

function setup({ options = {}, envOptions } = {}) {
  const M = createFakeModule();
  const fake = fakeEnv(envOptions);
  let loads = 0;
  const load = async () => {
    loads++;
    return M;
  };
  const create = (extra = {}) => createHearthWith(load, { now, storage: 'memory', ...options, ...extra }, fake.env);
  return { M, fake, create, loads: () => loads };
}

/** Asserts that `fn` throws (or rejects with) a HearthError with `code`. */
async function expectCode(fn, code, pattern) {
  let caught;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof HearthError, `expected a HearthError ${code}, got ${caught}`);
  assert.equal(caught.name, 'HearthError');
  assert.equal(caught.code, code, caught.message);
  if (pattern) assert.match(caught.message, pattern);
  return caught;
}

describe('options', () => {
  const bad = [
    ['a string', 'memory', /must be an object/],
    ['an unknown option', { storag: 'memory' }, /unknown option 'storag'/],
    ['an unknown storage name', { storage: 'indexdb' }, /'indexdb' is not a storage/],
    ['a storage object without delete', { storage: { get() {}, set() {} } }, /adapter|get\(key\)/],
    ['an empty key', { key: '' }, /options.key/],
    ['a negative autosave', { autosave: -1 }, /options.autosave/],
    ['a NaN autosave', { autosave: NaN }, /options.autosave/],
    ['a clock that is not a function', { now: 5 }, /options.now/],
    ['a profile that is an array', { profile: [] }, /options.profile/],
    ['a snapshot that is a string', { snapshot: 'HRTH' }, /options.snapshot/],
    ['a locateFile that is a string', { locateFile: 'x' }, /locateFile/],
    ['a wasmBinary that is an array', { wasmBinary: [0, 97, 115, 109] }, /wasmBinary/],
  ];
  for (const [what, options, pattern] of bad) {
    test(`rejects ${what} before loading any wasm`, async () => {
      const M = createFakeModule();
      let loads = 0;
      const env = fakeEnv().env;
      await expectCode(
        () => createHearthWith(async () => (loads++, M), options, env),
        'INVALID_ARGUMENT',
        pattern,
      );
      assert.equal(loads, 0);
      assert.equal(M.created, 0);
    });
  }

  test('passes the profile options to configure() as JSON and deletes the handle when they are invalid', async () => {
    const { M, create } = setup();
    const err = await expectCode(() => create({ profile: { bogus: 1 } }), 'INVALID_ARGUMENT', /options.profile: unknown key 'bogus'/);
    assert.ok(err instanceof Error);
    assert.equal(M.created, 1);
    assert.equal(M.live, 0);
  });

  test('rejects an invalid explicit snapshot with the core code and deletes the handle', async () => {
    const { M, create } = setup();
    await expectCode(() => create({ snapshot: new Uint8Array([1, 2, 3, 4, 5]) }), 'INVALID_ARGUMENT', /options.snapshot: not a Hearth snapshot/);
    await expectCode(() => create({ snapshot: fakeSnapshot(3, {}, 2) }), 'FAILED_PRECONDITION', /newer/);
    assert.equal(M.created, 2);
    assert.equal(M.live, 0);
  });

  test('deletes the handle when the module traps during create', async () => {
    const { M, create } = setup();
    M.throwOn.restoreState = new WebAssembly.RuntimeError('unreachable');
    await expectCode(() => create({ snapshot: fakeSnapshot(1) }), 'INTERNAL', /aborted/);
    assert.equal(M.live, 0);
  });
});

describe('status and lifetime', () => {
  test("is 'restoring' while storage is read, then 'ready', then 'closed'", async () => {
    const M = createFakeModule();
    const fake = fakeEnv();
    let seen = null;
    let instance;
    fake.env.onInstance = (h) => (instance = h);
    const storage = recordingStorage();
    const get = storage.get;
    storage.get = async (key) => {
      seen = instance.status;
      return get(key);
    };
    const hearth = await createHearthWith(async () => M, { now, storage }, fake.env);
    assert.equal(seen, 'restoring');
    assert.equal(hearth.status, 'ready');
    assert.equal(hearth.statusReason, null);
    hearth.close();
    assert.equal(hearth.status, 'closed');
  });

  test('close() is idempotent, deletes the handle once, and later calls throw FAILED_PRECONDITION', async () => {
    const { M, create } = setup();
    const hearth = await create();
    const fn = () => {};
    hearth.on('change', fn);
    hearth.close();
    hearth.close();
    assert.equal(M.deleted, 1);
    assert.equal(M.live, 0);
    hearth.off('change', fn); // cleanup code after close must not throw
    await expectCode(() => hearth.track({ type: 'view', item: 'a' }), 'FAILED_PRECONDITION', /closed/);
    await expectCode(() => hearth.profile(), 'FAILED_PRECONDITION');
    await expectCode(() => hearth.exportState(), 'FAILED_PRECONDITION');
    await expectCode(() => hearth.catalog.size, 'FAILED_PRECONDITION');
    await expectCode(() => hearth.save(), 'FAILED_PRECONDITION');
    await expectCode(() => hearth.erase(), 'FAILED_PRECONDITION');
    await expectCode(() => hearth.on('change', fn), 'FAILED_PRECONDITION');
  });

  test('has no public constructor', async () => {
    const { create } = setup();
    const hearth = await create();
    assert.throws(() => new hearth.constructor(), TypeError);
    hearth.close();
  });

  test('close() removes the page listeners', async () => {
    const storage = recordingStorage();
    const { M, fake, create } = setup({ options: { storage } });
    const hearth = await create();
    M.lastEngine.items.add('a');
    hearth.close();
    fake.target.dispatchEvent(new Event('pagehide'));
    assert.equal(fake.localStorage.getItem('hearth:tail'), null);
  });

  test('a trap marks the module dead: INTERNAL now and for every later call', async () => {
    const { M, create } = setup();
    const hearth = await create();
    hearth.catalog.load([{ id: 'a' }]);
    M.throwOn.track = new WebAssembly.RuntimeError('memory access out of bounds');
    await expectCode(() => hearth.track({ type: 'view', item: 'a' }), 'INTERNAL', /aborted.*memory access out of bounds/);
    await expectCode(() => hearth.profile(), 'INTERNAL', /aborted earlier/);
    hearth.close();
    assert.equal(hearth.status, 'closed');
  });
});

describe('track', () => {
  const invalid = [
    ['a null event', null, /must be an object/],
    ['a missing type', { item: 'a' }, /type must be a string/],
    ['a numeric item', { type: 'view', item: 42 }, /item must be a string, not a number/],
    ['a NaN ts', { type: 'view', item: 'a', ts: NaN }, /ts must be a finite number.*NaN/],
    ['an infinite ts', { type: 'view', item: 'a', ts: Infinity }, /ts must be a finite number/],
    ['a string ts', { type: 'view', item: 'a', ts: '2025-01-01' }, /ts must be a finite number/],
    ['a string value', { type: 'dwell', item: 'a', value: '30' }, /value must be a number/],
    ['a string deal', { type: 'purchase', item: 'a', deal: 'yes' }, /deal must be a boolean/],
    ['an unknown field', { type: 'view', itme: 'a' }, /unknown field 'itme'/],
    ['a lone surrogate in the id', { type: 'view', item: 'a', id: 'x\ud800' }, /lone UTF-16 surrogate/],
  ];
  for (const [what, event, pattern] of invalid) {
    test(`rejects ${what} in JS without calling the module`, async () => {
      const { M, create } = setup();
      const hearth = await create();
      M.calls.length = 0;
      await expectCode(() => hearth.track(event), 'INVALID_ARGUMENT', pattern);
      assert.deepEqual(M.calls, []);
      hearth.close();
    });
  }

  test('passes defaults: ts = now(), absent strings as empty, NaN value, quantity 1, deal false', async () => {
    const { M, create } = setup();
    const hearth = await create();
    hearth.catalog.load([{ id: 'a' }]);
    assert.equal(hearth.track({ type: 'view', item: 'a' }), 'recorded');
    const e = M.lastEngine.events[0];
    assert.equal(e.ts, NOW);
    assert.equal(e.query, '');
    assert.ok(Number.isNaN(e.value));
    assert.equal(e.quantity, 1);
    assert.equal(e.deal, false);
    assert.equal(hearth.track({ type: 'view', item: 'a', ts: new Date(NOW - 1000) }), 'recorded');
    assert.equal(M.lastEngine.events[1].ts, NOW - 1000);
    hearth.close();
  });

  test("returns 'duplicate' for a repeated id and turns core rejections into HearthErrors", async () => {
    const { create } = setup();
    const hearth = await create();
    hearth.catalog.load([{ id: 'a' }]);
    assert.equal(hearth.track({ type: 'view', item: 'a', id: 'e1' }), 'recorded');
    assert.equal(hearth.track({ type: 'view', item: 'a', id: 'e1' }), 'duplicate');
    await expectCode(() => hearth.track({ type: 'view', item: 'zzz' }), 'NOT_FOUND', /zzz/);
    await expectCode(() => hearth.track({ type: 'teleport', item: 'a' }), 'INVALID_ARGUMENT', /teleport/);
    hearth.close();
  });

  test('rejects a clock that returns something other than a number', async () => {
    const { create } = setup();
    const hearth = await create({ now: () => 'soon' });
    await expectCode(() => hearth.track({ type: 'search', query: 'x' }), 'INVALID_ARGUMENT', /options.now\(\) returned a string/);
    hearth.close();
  });

  test('trackMany() reports per-event problems and emits one change', async () => {
    const { create } = setup();
    const hearth = await create();
    hearth.catalog.load([{ id: 'a' }]);
    const changes = [];
    hearth.on('change', (c) => changes.push(c.revision));
    const r = hearth.trackMany([
      { type: 'view', item: 'a', id: '1' },
      { type: 'view', item: 'nope' },
      { type: 'view', item: 'a', id: '1' },
      { type: 'view', item: 'a', ts: NaN },
      'not an event',
      { type: 'click', item: 'a' },
    ]);
    assert.equal(r.recorded, 2);
    assert.equal(r.duplicates, 1);
    assert.deepEqual(
      r.rejected.map(({ index, code }) => [index, code]),
      [
        [1, 'NOT_FOUND'],
        [3, 'INVALID_ARGUMENT'],
        [4, 'INVALID_ARGUMENT'],
      ],
    );
    assert.match(r.rejected[1].message, /events\[3\]: ts/);
    assert.deepEqual(changes, [2]);
    await expectCode(() => hearth.trackMany('nope'), 'INVALID_ARGUMENT');
    hearth.close();
  });
});

describe('events', () => {
  test("emits 'change' with the revision after each mutation, and none after reads or duplicates", async () => {
    const { create } = setup();
    const hearth = await create();
    hearth.catalog.load([{ id: 'a' }]);
    const seen = [];
    const off = hearth.on('change', (c) => seen.push(c.revision));
    hearth.track({ type: 'view', item: 'a', id: 'x' });
    hearth.track({ type: 'view', item: 'a', id: 'x' });
    hearth.profile();
    hearth.preferences.like('trail');
    hearth.preferences.set({ dislikes: ['formal'] });
    assert.deepEqual(hearth.preferences.get(), { likes: ['trail'], dislikes: ['formal'] });
    hearth.profile.forget('trail');
    off();
    hearth.preferences.dislike('neon');
    assert.deepEqual(seen, [1, 2, 3, 4]);
    assert.equal(hearth.revision, 5);
    hearth.close();
  });

  test('a throwing listener is reported, not thrown, and the others still run', async () => {
    const { fake, create } = setup();
    const hearth = await create();
    let ran = false;
    hearth.on('change', () => {
      throw new Error('listener bug');
    });
    hearth.on('change', () => (ran = true));
    hearth.preferences.like('x');
    assert.ok(ran);
    assert.equal(fake.reported[0].message, 'listener bug');
    hearth.close();
  });

  test('rejects unknown event names', async () => {
    const { create } = setup();
    const hearth = await create();
    await expectCode(() => hearth.on('rewards', () => {}), 'INVALID_ARGUMENT', /unknown event 'rewards'/);
    hearth.close();
  });
});

describe('autosave', () => {
  test('saves once, autosave ms after the last change of a burst', async () => {
    const storage = recordingStorage({ synchronous: true });
    const { fake, create } = setup({ options: { storage } });
    const hearth = await create();
    hearth.preferences.like('a');
    await fake.advance(600);
    hearth.preferences.like('b');
    await fake.advance(999);
    assert.equal(storage.writes('hearth'), 0);
    await fake.advance(1);
    assert.equal(storage.writes('hearth'), 1);
    assert.equal(snapshotRevision(storage.map.get('hearth')), 2n);
    await fake.advance(10_000);
    assert.equal(storage.writes('hearth'), 1, 'nothing changed, nothing written');
    hearth.close();
  });

  test('a steady stream of changes is still saved within 5 delays', async () => {
    const storage = recordingStorage({ synchronous: true });
    const { fake, create } = setup({ options: { storage, autosave: 100 } });
    const hearth = await create();
    for (let i = 0; i < 12; i++) {
      hearth.preferences.like(`w${i}`);
      await fake.advance(50);
    }
    // Changes at 0, 50, ... 550: the first save is due at 500 at the latest.
    assert.ok(storage.writes('hearth') >= 1);
    hearth.close();
  });

  test('autosave: 0 writes only on save()', async () => {
    const storage = recordingStorage({ synchronous: true });
    const { fake, create } = setup({ options: { storage, autosave: 0 } });
    const hearth = await create();
    hearth.preferences.like('a');
    await fake.advance(60_000);
    assert.equal(storage.writes('hearth'), 0);
    assert.equal(fake.pendingTimers(), 0);
    await hearth.save();
    assert.equal(storage.writes('hearth'), 1);
    await hearth.save();
    assert.equal(storage.writes('hearth'), 1, 'an unchanged state is not rewritten');
    hearth.close();
  });

  test('close() writes unsaved changes', async () => {
    const storage = recordingStorage({ synchronous: true });
    const { create } = setup({ options: { storage, autosave: 0 } });
    const hearth = await create();
    hearth.preferences.like('a');
    hearth.close();
    await settle();
    assert.equal(snapshotRevision(storage.map.get('hearth')), 1n);
  });

  test('an explicit snapshot is saved to storage', async () => {
    const storage = recordingStorage({ synchronous: true, initial: { hearth: fakeSnapshot(2) } });
    const { fake, create } = setup({ options: { storage } });
    const hearth = await create({ snapshot: fakeSnapshot(9, { likes: ['x'] }) });
    assert.equal(hearth.revision, 9);
    assert.equal(storage.log.filter(([op]) => op === 'get').length, 0, 'storage is not read');
    await fake.advance(1000);
    assert.equal(snapshotRevision(storage.map.get('hearth')), 9n);
    hearth.close();
  });
});

describe('restore from storage and the pagehide tail', () => {
  const tailOf = (bytes) => bytesToBase64(bytes);

  test('restores the tail when its revision is higher, folds it into storage and deletes it', async () => {
    const ls = fakeLocalStorage();
    ls.setItem('shop:tail', tailOf(fakeSnapshot(7, { likes: ['tail'] })));
    const storage = recordingStorage({ initial: { shop: fakeSnapshot(5, { likes: ['main'] }) } });
    const { M, create } = setup({ options: { storage, key: 'shop' }, envOptions: { localStorage: ls } });
    const hearth = await create();
    assert.equal(hearth.revision, 7);
    assert.deepEqual(M.lastEngine.likes, ['tail']);
    assert.equal(snapshotRevision(storage.map.get('shop')), 7n);
    assert.equal(ls.getItem('shop:tail'), null);
    hearth.close();
  });

  test('restores the main copy when it is newer than the tail, and still drops the stale tail', async () => {
    const ls = fakeLocalStorage();
    ls.setItem('hearth:tail', tailOf(fakeSnapshot(7, { likes: ['tail'] })));
    const storage = recordingStorage({ initial: { hearth: fakeSnapshot(9, { likes: ['main'] }) } });
    const { M, create } = setup({ options: { storage }, envOptions: { localStorage: ls } });
    const hearth = await create();
    assert.equal(hearth.revision, 9);
    assert.deepEqual(M.lastEngine.likes, ['main']);
    assert.equal(ls.getItem('hearth:tail'), null);
    hearth.close();
  });

  test('a corrupt stored blob: fresh state, ready, an error event, and the blob kept under :corrupt', async () => {
    const bad = fakeSnapshot(4);
    bad[24] = 0xff; // breaks the payload
    const storage = recordingStorage({ initial: { hearth: bad } });
    const { fake, create } = setup({ options: { storage } });
    const hearth = await create();
    const errors = [];
    hearth.on('error', (e) => errors.push(e));
    assert.equal(hearth.status, 'ready');
    assert.match(hearth.statusReason, /kept under 'hearth:corrupt'/);
    assert.equal(hearth.revision, 0);
    await fake.advance(0);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof HearthError);
    assert.equal(errors[0].code, 'DATA_LOSS');
    assert.deepEqual(storage.map.get('hearth:corrupt'), bad);
    hearth.close();
  });

  test('a corrupt newer tail falls back to the main copy', async () => {
    const ls = fakeLocalStorage();
    const bad = fakeSnapshot(9, { likes: ['tail'] });
    bad[24] = 0xff;
    ls.setItem('hearth:tail', tailOf(bad));
    const storage = recordingStorage({ initial: { hearth: fakeSnapshot(3, { likes: ['main'] }) } });
    const { M, fake, create } = setup({ options: { storage }, envOptions: { localStorage: ls } });
    const hearth = await create();
    const errors = [];
    hearth.on('error', (e) => errors.push(e));
    await fake.advance(0);
    assert.deepEqual(M.lastEngine.likes, ['main']);
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /localStorage 'hearth:tail'/);
    assert.equal(errors[0].code, 'DATA_LOSS');
    assert.deepEqual(storage.map.get('hearth:corrupt'), bad);
    assert.equal(ls.getItem('hearth:tail'), null);
    assert.equal(snapshotRevision(storage.map.get('hearth')), 3n);
    hearth.close();
  });

  test('a tail that is not even a snapshot is reported and dropped', async () => {
    const ls = fakeLocalStorage();
    ls.setItem('hearth:tail', 'not base64 at all!');
    const storage = recordingStorage({ initial: { hearth: fakeSnapshot(3, { likes: ['main'] }) } });
    const { M, fake, create } = setup({ options: { storage }, envOptions: { localStorage: ls } });
    const hearth = await create();
    const errors = [];
    hearth.on('error', (e) => errors.push(e));
    await fake.advance(0);
    assert.deepEqual(M.lastEngine.likes, ['main']);
    assert.match(errors[0].message, /is not a snapshot/);
    assert.equal(ls.getItem('hearth:tail'), null);
    hearth.close();
  });

  test('a newer-format blob is kept aside with FAILED_PRECONDITION instead of being overwritten silently', async () => {
    const newer = fakeSnapshot(3, {}, 2);
    const storage = recordingStorage({ initial: { hearth: newer } });
    const { fake, create } = setup({ options: { storage } });
    const hearth = await create();
    const errors = [];
    hearth.on('error', (e) => errors.push(e));
    await fake.advance(0);
    assert.equal(errors[0].code, 'FAILED_PRECONDITION');
    assert.deepEqual(storage.map.get('hearth:corrupt'), newer);
    hearth.close();
  });

  test("on pagehide with no BroadcastChannel to hand off on: this tab's tail in localStorage (synchronously) plus a save under the lock", async () => {
    const storage = recordingStorage();
    const { fake, create } = setup({ options: { storage } });
    const hearth = await create();
    hearth.preferences.like('a');
    fake.target.dispatchEvent(new Event('pagehide'));
    const keys = [...fake.localStorage.map.keys()].filter((k) => k.startsWith('hearth:tail:'));
    assert.equal(keys.length, 1, 'one tail, under this tab\'s key');
    const tail = decodeTail(fake.localStorage.getItem(keys[0]));
    assert.equal(snapshotRevision(tail.snapshot), 1n);
    assert.equal(tail.base, 'none', 'based on an empty storage');
    await settle();
    assert.equal(storage.writes('hearth'), 1, 'the save ran');
    assert.equal(fake.localStorage.getItem(keys[0]), null, 'dropped once the write landed');
    hearth.close();
  });

  test('visibilitychange to hidden flushes too; visible does not', async () => {
    const storage = recordingStorage();
    const { fake, create } = setup({ options: { storage } });
    const hearth = await create();
    hearth.preferences.like('a');
    fake.document.dispatchEvent(new Event('visibilitychange'));
    assert.equal(storage.writes('hearth'), 0);
    fake.document.visibilityState = 'hidden';
    fake.document.dispatchEvent(new Event('visibilitychange'));
    await settle();
    assert.equal(storage.writes('hearth'), 1);
    hearth.close();
  });

  test('no tail for synchronous adapters, and nothing written when nothing changed', async () => {
    const storage = recordingStorage({ synchronous: true });
    const { fake, create } = setup({ options: { storage } });
    const hearth = await create();
    fake.target.dispatchEvent(new Event('pagehide'));
    assert.equal(storage.writes('hearth'), 0);
    hearth.preferences.like('a');
    fake.target.dispatchEvent(new Event('pagehide'));
    assert.equal(storage.writes('hearth'), 1);
    assert.equal(fake.localStorage.map.size, 0);
    hearth.close();
  });
});

describe('storage failures', () => {
  test('a failed read: memory-only, an error event, and storage is never overwritten', async () => {
    const storage = recordingStorage();
    storage.fail.get = new DOMException('The user denied permission', 'SecurityError');
    const { fake, create } = setup({ options: { storage } });
    const hearth = await create();
    const errors = [];
    hearth.on('error', (e) => errors.push(e));
    assert.equal(hearth.status, 'memory-only');
    assert.match(hearth.statusReason, /SecurityError/);
    await fake.advance(0);
    assert.equal(errors[0].code, 'UNAVAILABLE');
    assert.ok(errors[0].cause instanceof DOMException);
    hearth.preferences.like('a'); // still works in memory
    await fake.advance(5000);
    await hearth.save();
    assert.equal(storage.writes('hearth'), 0);
    hearth.close();
  });

  test('a failed write (quota): memory-only with RESOURCE_EXHAUSTED once, ready again after a good write', async () => {
    const storage = recordingStorage();
    const { fake, create } = setup({ options: { storage } });
    const hearth = await create();
    const errors = [];
    hearth.on('error', (e) => errors.push(e));
    storage.fail.set = new DOMException('quota', 'QuotaExceededError');
    hearth.preferences.like('a');
    await fake.advance(1000);
    assert.equal(hearth.status, 'memory-only');
    hearth.preferences.like('b');
    await hearth.save(); // never rejects for storage failures
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, 'RESOURCE_EXHAUSTED');
    delete storage.fail.set;
    await hearth.save();
    assert.equal(hearth.status, 'ready');
    assert.equal(hearth.statusReason, null);
    assert.equal(snapshotRevision(storage.map.get('hearth')), 2n);
    hearth.close();
  });

  test('a full localStorage on pagehide is reported, not thrown', async () => {
    const storage = recordingStorage();
    const { fake, create } = setup({ options: { storage } });
    fake.localStorage.failSet = new DOMException('full', 'QuotaExceededError');
    const hearth = await create();
    const errors = [];
    hearth.on('error', (e) => errors.push(e));
    hearth.preferences.like('a');
    fake.target.dispatchEvent(new Event('pagehide'));
    assert.equal(errors[0].code, 'RESOURCE_EXHAUSTED');
    await settle();
    hearth.close();
  });

  test("'indexeddb' where there is none: memory-only, no throw", async () => {
    const { create } = setup();
    const hearth = await create({ storage: 'indexeddb' });
    assert.equal(hearth.status, 'memory-only');
    assert.match(hearth.statusReason, /IndexedDB is not available/);
    hearth.close();
  });
});

describe('erase', () => {
  test('wipes the engine, the stored state, the tail and the corrupt copy, and waits for a running save', async () => {
    const storage = recordingStorage();
    const { M, fake, create } = setup({ options: { storage } });
    const hearth = await create();
    hearth.preferences.like('a');
    fake.target.dispatchEvent(new Event('pagehide')); // tail + a write in flight
    storage.map.set('hearth:corrupt', new Uint8Array([1]));
    const changes = [];
    hearth.on('change', (c) => changes.push(c.revision));
    await hearth.erase();
    await settle();
    assert.deepEqual(M.lastEngine.likes, []);
    assert.equal(changes.length, 1);
    assert.equal(storage.map.has('hearth'), false);
    assert.equal(storage.map.has('hearth:corrupt'), false);
    assert.equal(fake.localStorage.getItem('hearth:tail'), null);
    await fake.advance(5000);
    assert.equal(storage.map.has('hearth'), false, 'no autosave brings the erased state back');
    hearth.close();
  });
});

describe('catalog', () => {
  test('load() accepts text, bytes, ArrayBuffer and parsed arrays; document errors throw', async () => {
    const { create } = setup();
    const hearth = await create();
    assert.deepEqual(hearth.catalog.load('[{"id":"a"}]'), { items: 1, rejected: [], size: 1 });
    assert.equal(hearth.catalog.load(new TextEncoder().encode('[{"id":"b"}]')).size, 2);
    assert.equal(hearth.catalog.load(new TextEncoder().encode('[{"id":"c"}]').buffer).size, 3);
    const r = hearth.catalog.load([{ id: 'd' }, { title: 'no id' }], { replace: true });
    assert.deepEqual(r, { items: 1, rejected: [{ index: 1, id: null, field: 'id', message: 'id is required' }], size: 1 });
    await expectCode(() => hearth.catalog.load('[{'), 'INVALID_ARGUMENT', /catalog.load\(\)/);
    await expectCode(() => hearth.catalog.load(42), 'INVALID_ARGUMENT');
    await expectCode(() => hearth.catalog.load('[]', { replace: 'yes' }), 'INVALID_ARGUMENT');
    await expectCode(() => hearth.catalog.load('["\ud800"]'), 'INVALID_ARGUMENT', /lone UTF-16 surrogate/);
    hearth.catalog.remove('d');
    await expectCode(() => hearth.catalog.remove('d'), 'NOT_FOUND');
    assert.equal(hearth.catalog.size, 0);
    hearth.close();
  });
});

describe('module loader', () => {
  const platform = (overrides = {}) => ({
    isNode: () => true,
    readWasm: async () => new Uint8Array([0, 97, 115, 109]),
    locateFile: (p) => `/assets/${p}`,
    ...overrides,
  });

  test('loads once per distinct wasmBinary / locateFile', async () => {
    const args = [];
    const factory = async (moduleArg) => (args.push(moduleArg), { id: args.length });
    const load = createModuleLoader(async () => factory, platform());
    const a = await load({});
    const b = await load({});
    const bin = new Uint8Array([1]);
    const c = await load({ wasmBinary: bin });
    const d = await load({ wasmBinary: bin });
    const locate = () => 'x';
    const e = await load({ locateFile: locate });
    assert.equal(a, b);
    assert.equal(c, d);
    assert.notEqual(a, c);
    assert.notEqual(e, a);
    assert.equal(args.length, 3);
    assert.deepEqual(args[0].wasmBinary, new Uint8Array([0, 97, 115, 109]), 'Node: bytes read and passed');
    assert.equal(args[1].wasmBinary, bin);
    assert.equal(args[2].locateFile, locate);
  });

  test('does not read bytes in browsers, and passes the default locateFile', async () => {
    let arg;
    const load = createModuleLoader(async () => async (a) => ((arg = a), {}), platform({ isNode: () => false }));
    await load({});
    assert.equal(arg.wasmBinary, undefined);
    assert.equal(arg.locateFile('hearth_wasm.wasm'), '/assets/hearth_wasm.wasm');
  });

  test('an aborted load rejects with UNAVAILABLE and is not cached', async () => {
    let attempts = 0;
    const factory = async (moduleArg) => {
      attempts++;
      if (attempts === 1) {
        moduleArg.onAbort('CompileError: WebAssembly.instantiate(): expected magic word');
        throw new WebAssembly.RuntimeError('abort(CompileError)');
      }
      return { ok: true };
    };
    const load = createModuleLoader(async () => factory, platform());
    const err = await expectCode(() => load({}), 'UNAVAILABLE', /expected magic word/);
    assert.ok(err.cause instanceof WebAssembly.RuntimeError);
    assert.deepEqual(await load({}), { ok: true });
    assert.equal(attempts, 2);
  });

  test('a missing build rejects with UNAVAILABLE naming the fix', async () => {
    const load = createModuleLoader(async () => {
      throw new Error("Cannot find module 'hearth_wasm.mjs'");
    }, platform());
    await expectCode(() => load({}), 'UNAVAILABLE', /npm run build/);
    const noBytes = createModuleLoader(async () => async () => ({}), platform({ readWasm: async () => { throw new Error('ENOENT'); } }));
    await expectCode(() => noBytes({}), 'UNAVAILABLE', /ENOENT.*wasmBinary/);
  });
});

describe('storage adapters', () => {
  test('memory storage copies bytes in and out', async () => {
    const s = createMemoryStorage();
    const bytes = new Uint8Array([1, 2, 3]);
    await s.set('k', bytes);
    bytes[0] = 9;
    const got = await s.get('k');
    assert.deepEqual(got, new Uint8Array([1, 2, 3]));
    got[1] = 9;
    assert.deepEqual(await s.get('k'), new Uint8Array([1, 2, 3]));
    await s.delete('k');
    assert.equal(await s.get('k'), null);
  });

  test('base64 round-trips every byte value and large blobs', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(base64ToBytes(bytesToBase64(all)), all);
    const big = new Uint8Array(300_000).map((_, i) => (i * 7) & 255);
    assert.deepEqual(base64ToBytes(bytesToBase64(big)), big);
  });
});
