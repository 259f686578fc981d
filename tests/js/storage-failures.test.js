// Storage that fails under Hearth, on the real wasm build: a full store
// (QuotaExceededError), an IndexedDB connection the browser closes (the
// `close` event: reopen on next use, never reuse the dead connection),
// storage that is not there at all (private mode: indexedDB.open throws,
// localStorage throws). In every case the SDK keeps working in memory, says
// so through `status` / `statusReason` / `statusCode` and the 'status'
// event, and never throws at the host page — not from track(), not from
// autosave, not from pagehide. (tests/e2e/durability.test.js does the same
// in Chromium.)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { IDBFactory } from 'fake-indexeddb';

import { createHearthWith } from '../../js/internal/hearth.js';
import { createIndexedDBStorage, createLocalStorage } from '../../js/storage/index.js';
import { fakeEnv, fakeLocalStorage } from './helpers/fake.js';
import { CATALOG, T0, rawModule } from './helpers/real.js';

const CAT = JSON.stringify(CATALOG);

/** Rejections nobody handled: a throw at the host page in a browser. */
const unhandled = [];
const onUnhandled = (e) => unhandled.push(e);
before(() => process.on('unhandledRejection', onUnhandled));
after(() => process.off('unhandledRejection', onUnhandled));

async function open(storage, { localStorage = fakeLocalStorage(), autosave = 1000 } = {}) {
  const M = await rawModule();
  const fake = fakeEnv({ localStorage });
  const hearth = await createHearthWith(async () => M, { storage, now: () => T0, seed: 3, autosave }, fake.env);
  const statuses = [];
  const errors = [];
  hearth.on('status', (s) => statuses.push(s));
  hearth.on('error', (e) => errors.push(e));
  hearth.catalog.load(CAT);
  return { hearth, fake, statuses, errors };
}

/** An IDBFactory whose connections and puts the test controls. */
function controlledIDB() {
  const real = new IDBFactory();
  const ctl = { opens: 0, connections: [], quota: false, openThrows: null };
  ctl.factory = {
    open(...args) {
      if (ctl.openThrows) throw ctl.openThrows;
      const req = real.open(...args);
      req.addEventListener('success', () => {
        ctl.opens++;
        const db = req.result;
        ctl.connections.push(db);
        const transaction = db.transaction.bind(db);
        db.transaction = (...a) => {
          const tx = transaction(...a);
          const objectStore = tx.objectStore.bind(tx);
          tx.objectStore = (name) => {
            const store = objectStore(name);
            const put = store.put.bind(store);
            store.put = (...p) => {
              if (ctl.quota) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
              const r = put(...p);
              ctl.onPut?.(tx, db);
              return r;
            };
            return store;
          };
          return tx;
        };
      });
      return req;
    },
  };
  /** What the browser does when it drops the connection: close it, fire `close`. */
  ctl.dropConnection = () => {
    const db = ctl.connections.at(-1);
    db.close();
    // (fake-indexeddb cannot dispatch on a closed connection; the handler is what the browser calls)
    db.onclose?.(new Event('close'));
  };
  return ctl;
}

const byId = (n, from = 0) => Array.from({ length: n }, (_, i) => ({ type: 'view', item: CATALOG[i % 4].id, id: `q-${from + i}` }));

describe('a full store (QuotaExceededError)', () => {
  test("goes memory-only with RESOURCE_EXHAUSTED, keeps tracking, and is 'ready' again once a write lands", async () => {
    const idb = controlledIDB();
    const { hearth, fake, statuses, errors } = await open(createIndexedDBStorage({ indexedDB: idb.factory }));
    assert.equal(hearth.status, 'ready');
    idb.quota = true;
    assert.equal(hearth.trackMany(byId(10)).recorded, 10);
    await fake.advance(1000); // the autosave fails
    assert.equal(hearth.status, 'memory-only');
    assert.equal(hearth.statusCode, 'RESOURCE_EXHAUSTED');
    assert.match(hearth.statusReason, /storage is full/);
    assert.deepEqual(statuses.map((s) => [s.status, s.code]), [['memory-only', 'RESOURCE_EXHAUSTED']]);
    assert.equal(errors.length, 1, 'one error event, not one per save');
    assert.doesNotThrow(() => hearth.track({ type: 'click', item: 'sku-2', id: 'q-x' }));
    assert.doesNotThrow(() => fake.target.dispatchEvent(new Event('pagehide')));
    assert.equal(await hearth.save(), false, 'save() resolves false, never rejects');
    assert.equal(hearth.recommend({ count: 2 }).length, 2, 'picks still come from memory');
    idb.quota = false;
    assert.equal(await hearth.save(), true);
    assert.equal(hearth.status, 'ready');
    assert.equal(hearth.statusCode, null);
    assert.deepEqual(statuses.at(-1), { status: 'ready', reason: null, code: null });
    hearth.close();
    // Nothing was lost: a new instance on the same database has every event.
    const again = await open(createIndexedDBStorage({ indexedDB: idb.factory }));
    assert.equal(again.hearth.profile().rfm.eventsTotal, 11);
    again.hearth.close();
    assert.deepEqual(unhandled, []);
  });

  test('a full localStorage (the pagehide tail) is reported, never thrown', async () => {
    const ls = fakeLocalStorage();
    const idb = controlledIDB();
    const { hearth, fake, errors } = await open(createIndexedDBStorage({ indexedDB: idb.factory }), { localStorage: ls });
    ls.failSet = new DOMException('full', 'QuotaExceededError');
    hearth.trackMany(byId(3));
    assert.doesNotThrow(() => fake.target.dispatchEvent(new Event('pagehide')));
    await fake.advance(0);
    assert.equal(errors[0].code, 'RESOURCE_EXHAUSTED');
    hearth.close();
  });
});

describe('an IndexedDB connection the browser closes', () => {
  test('is reopened on next use, never reused', async () => {
    const idb = controlledIDB();
    const { hearth, statuses } = await open(createIndexedDBStorage({ indexedDB: idb.factory }), { autosave: 0 });
    hearth.trackMany(byId(5));
    assert.equal(await hearth.save(), true);
    assert.equal(idb.opens, 1);
    idb.dropConnection();
    const dead = idb.connections[0];
    const deadTransaction = dead.transaction;
    let reused = 0;
    dead.transaction = (...a) => {
      reused++;
      return deadTransaction(...a);
    };
    hearth.trackMany(byId(5, 5));
    assert.equal(await hearth.save(), true, 'the save went through a new connection');
    assert.equal(idb.opens, 2);
    assert.equal(reused, 0, 'the closed connection was never used again');
    assert.equal(hearth.status, 'ready');
    assert.deepEqual(statuses, [], 'a reopen that works is not a status change');
    hearth.close();
  });

  test('a write whose transaction dies with the connection runs once more on a new one', async () => {
    const idb = controlledIDB();
    const { hearth, statuses, errors } = await open(createIndexedDBStorage({ indexedDB: idb.factory }), { autosave: 0 });
    hearth.trackMany(byId(5));
    assert.equal(await hearth.save(), true);
    // The next write: as its commit is requested, the browser aborts the
    // transaction, closes the connection, and fires `close` a turn later.
    idb.onPut = (tx, db) => {
      idb.onPut = null;
      tx.commit = () => {
        tx.abort();
        db.close();
        setTimeout(() => db.onclose?.(new Event('close')), 0);
      };
    };
    hearth.trackMany(byId(5, 5));
    assert.equal(await hearth.save(), true, 'written on the new connection');
    assert.equal(idb.opens, 2);
    assert.deepEqual(statuses, []);
    assert.deepEqual(errors, []);
    hearth.close();
    const again = await open(createIndexedDBStorage({ indexedDB: idb.factory }));
    assert.equal(again.hearth.profile().rfm.eventsTotal, 10);
    again.hearth.close();
  });

  test('another tab deleting or upgrading the database (versionchange): the adapter steps aside and reopens', async () => {
    const idb = controlledIDB();
    const { hearth } = await open(createIndexedDBStorage({ indexedDB: idb.factory }), { autosave: 0 });
    hearth.trackMany(byId(4));
    await hearth.save();
    await new Promise((resolve, reject) => {
      const req = idb.factory.open('hearth', 7);
      req.onsuccess = () => (req.result.close(), resolve());
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('blocked: the adapter kept its connection open'));
    });
    hearth.trackMany(byId(4, 4));
    assert.equal(await hearth.save(), true);
    assert.equal(idb.opens, 3, 'ours, the upgrade, ours again');
    hearth.close();
  });
});

describe('storage that is not there (private mode)', () => {
  test('indexedDB.open throws: memory-only from the start, everything works, nothing throws', async () => {
    const idb = controlledIDB();
    idb.openThrows = new DOMException('The user denied permission to access the database.', 'SecurityError');
    const { hearth, fake, statuses, errors } = await open(createIndexedDBStorage({ indexedDB: idb.factory }));
    assert.equal(hearth.status, 'memory-only');
    assert.equal(hearth.statusCode, 'UNAVAILABLE');
    assert.match(hearth.statusReason, /SecurityError/);
    assert.equal(hearth.trackMany(byId(20)).recorded, 20);
    assert.doesNotThrow(() => hearth.track({ type: 'purchase', item: 'sku-3', value: 150 }));
    await fake.advance(10_000);
    assert.doesNotThrow(() => fake.target.dispatchEvent(new Event('pagehide')));
    await fake.advance(0);
    assert.equal(await hearth.save(), false);
    assert.equal(hearth.profile().rfm.eventsTotal, 21);
    assert.equal(errors.length, 1);
    assert.deepEqual(statuses, [], "memory-only from the start: status says so; no 'status' change after");
    hearth.close();
    assert.deepEqual(unhandled, []);
  });

  test('localStorage throws on every call: the local adapter is memory-only, the tail is skipped', async () => {
    const denied = () => {
      throw new DOMException('Access is denied for this document.', 'SecurityError');
    };
    const blocked = { getItem: denied, setItem: denied, removeItem: denied, key: denied, get length() { return denied(); } };
    const { hearth, fake, errors } = await open(createLocalStorage({ localStorage: /** @type {any} */ (blocked) }), { localStorage: blocked });
    assert.equal(hearth.status, 'memory-only');
    assert.equal(hearth.statusCode, 'UNAVAILABLE');
    assert.equal(hearth.trackMany(byId(3)).recorded, 3);
    await fake.advance(5000);
    assert.doesNotThrow(() => fake.target.dispatchEvent(new Event('pagehide')));
    fake.document.visibilityState = 'hidden';
    assert.doesNotThrow(() => fake.document.dispatchEvent(new Event('visibilitychange')));
    await fake.advance(0);
    assert.ok(errors.length >= 1);
    hearth.close();
    assert.deepEqual(unhandled, []);
  });
});
