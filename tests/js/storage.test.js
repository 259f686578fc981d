// The storage adapters on their own: IndexedDB (on fake-indexeddb, an
// in-memory implementation of the IndexedDB API), localStorage, memory.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { IDBFactory } from 'fake-indexeddb';

import { HearthError } from '../../js/errors.js';
import { createIndexedDBStorage, createLocalStorage, isStorageAdapter } from '../../js/storage/index.js';
import { fakeLocalStorage } from './helpers/fake.js';

const B = (...xs) => Uint8Array.from(xs);

async function rejectsWith(promise, code, pattern) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof HearthError, String(e));
    assert.equal(e.code, code, e.message);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

describe('IndexedDB adapter', () => {
  test('round-trips bytes, returns null for a missing key, deletes', async () => {
    const s = createIndexedDBStorage({ indexedDB: new IDBFactory() });
    assert.equal(s.synchronous, false);
    assert.equal(await s.get('hearth'), null);
    const bytes = B(1, 2, 3);
    await s.set('hearth', bytes);
    bytes[0] = 9;
    assert.deepEqual(await s.get('hearth'), B(1, 2, 3), 'a copy was stored');
    await s.set('other', B(4));
    await s.delete('hearth');
    await s.delete('never-there');
    assert.equal(await s.get('hearth'), null);
    assert.deepEqual(await s.get('other'), B(4));
    s.close();
  });

  test("uses database 'hearth' and store 'state' by default, and adds the store to an existing database", async () => {
    const idb = new IDBFactory();
    // Someone else's database of the same name, without our store.
    await new Promise((resolve, reject) => {
      const req = idb.open('hearth', 3);
      req.onupgradeneeded = () => req.result.createObjectStore('theirs');
      req.onsuccess = () => (req.result.close(), resolve());
      req.onerror = () => reject(req.error);
    });
    const s = createIndexedDBStorage({ indexedDB: idb });
    await s.set('k', B(7));
    s.close();
    const names = await new Promise((resolve) => {
      const req = idb.open('hearth');
      req.onsuccess = () => {
        const db = req.result;
        resolve({ version: db.version, stores: [...db.objectStoreNames] });
        db.close();
      };
    });
    assert.deepEqual(names, { version: 4, stores: ['state', 'theirs'] });
  });

  test('steps aside on versionchange from another tab and reopens on next use', async () => {
    const idb = new IDBFactory();
    const s = createIndexedDBStorage({ indexedDB: idb });
    await s.set('k', B(1));
    // Another tab upgrades the database; our open connection must not block it.
    await new Promise((resolve, reject) => {
      const req = idb.open('hearth', 5);
      req.onupgradeneeded = () => req.result.createObjectStore('extra');
      req.onsuccess = () => (req.result.close(), resolve());
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('blocked: the adapter kept its connection open'));
    });
    assert.deepEqual(await s.get('k'), B(1));
    await s.set('k', B(2));
    assert.deepEqual(await s.get('k'), B(2));
    s.close();
  });

  test('reopens once when the connection is closing (InvalidStateError)', async () => {
    const real = new IDBFactory();
    let opens = 0;
    let thrown = 0;
    const factory = {
      open(...args) {
        const req = real.open(...args);
        opens++;
        req.addEventListener('success', () => {
          const db = req.result;
          if (thrown === 0) {
            db.transaction = () => {
              thrown++;
              throw new DOMException('The database connection is closing.', 'InvalidStateError');
            };
          }
        });
        return req;
      },
    };
    const s = createIndexedDBStorage({ indexedDB: factory });
    await s.set('k', B(3));
    assert.equal(thrown, 1);
    assert.equal(opens, 2, 'reopened once');
    assert.deepEqual(await s.get('k'), B(3));
  });

  test('a connection that keeps failing is reported as UNAVAILABLE, not retried forever', async () => {
    const real = new IDBFactory();
    const factory = {
      open(...args) {
        const req = real.open(...args);
        req.addEventListener('success', () => {
          req.result.transaction = () => {
            throw new DOMException('The database connection is closing.', 'InvalidStateError');
          };
        });
        return req;
      },
    };
    const s = createIndexedDBStorage({ indexedDB: factory });
    await rejectsWith(s.set('k', B(1)), 'UNAVAILABLE', /InvalidStateError/);
  });

  test('no IndexedDB at all: UNAVAILABLE', async () => {
    const s = createIndexedDBStorage({ indexedDB: /** @type {any} */ (null) });
    await rejectsWith(s.get('k'), 'UNAVAILABLE', /IndexedDB is not available/);
  });

  test('an open that throws (private mode) is UNAVAILABLE and retried on the next call', async () => {
    const real = new IDBFactory();
    let fail = true;
    const factory = {
      open(...args) {
        if (fail) throw new DOMException('access denied', 'SecurityError');
        return real.open(...args);
      },
    };
    const s = createIndexedDBStorage({ indexedDB: factory });
    await rejectsWith(s.get('k'), 'UNAVAILABLE', /SecurityError/);
    fail = false;
    assert.equal(await s.get('k'), null);
  });
});

describe('localStorage adapter', () => {
  test('stores base64 text and reads it back', async () => {
    const ls = fakeLocalStorage();
    const s = createLocalStorage({ localStorage: ls });
    assert.equal(s.synchronous, true);
    await s.set('k', B(72, 82, 84, 72));
    assert.equal(ls.getItem('k'), 'SFJUSA==');
    assert.deepEqual(await s.get('k'), B(72, 82, 84, 72));
    await s.delete('k');
    assert.equal(await s.get('k'), null);
  });

  test('writes synchronously, before the returned promise settles', () => {
    const ls = fakeLocalStorage();
    const s = createLocalStorage({ localStorage: ls });
    void s.set('k', B(1));
    assert.equal(ls.getItem('k'), 'AQ==');
  });

  test('a full store is RESOURCE_EXHAUSTED; text that is not base64 is DATA_LOSS', async () => {
    const ls = fakeLocalStorage();
    const s = createLocalStorage({ localStorage: ls });
    ls.failSet = new DOMException('exceeded the quota', 'QuotaExceededError');
    await rejectsWith(s.set('k', B(1)), 'RESOURCE_EXHAUSTED', /storage is full/);
    ls.map.set('k', '%%% not base64');
    await rejectsWith(s.get('k'), 'DATA_LOSS', /base64/);
  });

  test('no localStorage: UNAVAILABLE', { skip: globalThis.localStorage !== undefined && 'this runtime has a localStorage' }, async () => {
    await rejectsWith(createLocalStorage().get('k'), 'UNAVAILABLE', /localStorage is not available/);
  });
});

test('isStorageAdapter() accepts any object with get, set and delete', () => {
  assert.ok(isStorageAdapter({ get() {}, set() {}, delete() {} }));
  assert.ok(!isStorageAdapter({ get() {}, set() {} }));
  assert.ok(!isStorageAdapter(null));
  assert.ok(!isStorageAdapter('memory'));
});
