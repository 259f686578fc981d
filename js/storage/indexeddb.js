// IndexedDB storage: the browser default. One database ('hearth'), one object
// store ('state'), values are Uint8Array snapshots under string keys.
//
// The connection is opened lazily and reopened when the browser closed it
// under us (a `close` event after storage pressure or "clear site data", a
// `versionchange` from another tab, or an InvalidStateError from
// db.transaction on a closing connection). A closed connection is never used
// again, and a request whose transaction died with it runs once more on the
// new one.
//
// IndexedDB writes can be lost when the page goes away (an IDB transaction
// started in `pagehide` is aborted with the page about 1 time in 200 even with
// commit()), so createHearth() also writes a synchronous localStorage "tail"
// on pagehide for this adapter (see `synchronous: false`).

import { HearthError, wrapStorageError } from '../errors.js';

/**
 * @param {{ name?: string, store?: string, indexedDB?: IDBFactory }} [options]
 *   database and object store names, and the IDBFactory to use
 *   (default: globalThis.indexedDB)
 * @returns {import('./index.js').StorageAdapter}
 */
export function createIndexedDBStorage(options = {}) {
  const name = options.name ?? 'hearth';
  const storeName = options.store ?? 'state';
  /** @type {Promise<IDBDatabase> | null} */
  let opening = null;
  /** Connections the browser closed (or we closed for a versionchange): never used again. */
  const dead = new WeakSet();

  /** @returns {Promise<IDBDatabase>} */
  function open() {
    if (opening) return opening;
    const p = (async () => {
      /** @type {IDBFactory | undefined} */
      const factory = options.indexedDB ?? globalThis.indexedDB;
      if (!factory) throw new HearthError('UNAVAILABLE', 'IndexedDB is not available in this environment');
      // Open whatever version exists; only when our store is missing (a new
      // database, or one another library created) upgrade to add it.
      let db = await request(factory, undefined);
      if (!db.objectStoreNames.contains(storeName)) {
        const next = db.version + 1;
        db.close();
        db = await request(factory, next);
      }
      const conn = db;
      const forget = () => {
        if (opening === p) opening = null;
      };
      // Another tab wants to upgrade: step aside, reopen on next use.
      conn.onversionchange = () => {
        dead.add(conn);
        forget();
        conn.close();
      };
      // The browser closed the connection (storage cleared, disk error):
      // transactions in flight on it abort; the next use opens a new one.
      conn.onclose = () => {
        dead.add(conn);
        forget();
      };
      return conn;
    })();
    opening = p;
    p.catch(() => {
      if (opening === p) opening = null; // a failed open is retried next time
    });
    return p;
  }

  /**
   * @param {IDBFactory} factory
   * @param {number | undefined} version
   * @returns {Promise<IDBDatabase>}
   */
  function request(factory, version) {
    return new Promise((resolve, reject) => {
      // open() throws SecurityError in some private modes and sandboxed frames.
      const req = version === undefined ? factory.open(name) : factory.open(name, version);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(storeName)) db.createObjectStore(storeName);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
      req.onblocked = () => {
        // An older connection in another tab has not closed yet; the open
        // continues once it does, so there is nothing to do but wait.
      };
    });
  }

  /**
   * Runs one request in one transaction, reopening the connection once if it
   * turned out to be closed.
   * @template T
   * @param {IDBTransactionMode} mode
   * @param {(store: IDBObjectStore) => IDBRequest} fn
   * @param {string} what
   * @returns {Promise<T>}
   */
  async function run(mode, fn, what) {
    for (let attempt = 0; ; attempt++) {
      /** @type {IDBDatabase | undefined} */
      let db;
      try {
        db = await open();
        const conn = db;
        return await new Promise((resolve, reject) => {
          // Relaxed durability: the browser does not wait for the disk
          // flush (fsync) before 'complete'. Measured in Chromium on a busy
          // disk, a strict write took ~1.1 s, and the next page's read of the
          // same key waited behind the previous page's pagehide write: a
          // same-tab reload spent that second before restoring. The write
          // still survives a tab or browser crash (only an OS crash or power
          // loss can drop it), and the synchronous localStorage tail covers
          // the page going away.
          const tx = mode === 'readwrite' ? conn.transaction(storeName, mode, { durability: 'relaxed' }) : conn.transaction(storeName, mode);
          const req = fn(tx.objectStore(storeName));
          tx.oncomplete = () => resolve(req.result);
          tx.onerror = () => reject(tx.error ?? req.error);
          tx.onabort = () => reject(tx.error ?? new DOMException('transaction aborted', 'AbortError'));
          // Ask for the commit now instead of at the end of the task: it
          // narrows the window in which an unloading page loses the write.
          if (mode === 'readwrite' && typeof tx.commit === 'function') tx.commit();
        });
      } catch (e) {
        const name = /** @type {any} */ (e)?.name;
        // Chromium aborts the transactions of a connection it closes before
        // it fires `close`: give that event a turn before deciding.
        if (attempt === 0 && db && name === 'AbortError' && !dead.has(db)) await new Promise((r) => setTimeout(r, 0));
        if (attempt === 0 && db && (name === 'InvalidStateError' || dead.has(db))) {
          // The connection was closing or closed under us (a transaction on
          // it aborted): drop it and run once more on a new connection.
          dead.add(db);
          if (opening && (await opening.catch(() => null)) === db) opening = null;
          try {
            db.close();
          } catch {
            // already closed
          }
          continue;
        }
        throw wrapStorageError(e, what);
      }
    }
  }

  return {
    kind: 'indexeddb',
    synchronous: false,
    async get(key) {
      const v = await run('readonly', (s) => s.get(key), 'read');
      if (v === undefined || v === null) return null;
      if (v instanceof Uint8Array) return v;
      if (v instanceof ArrayBuffer) return new Uint8Array(v);
      throw new HearthError('DATA_LOSS', `IndexedDB key '${key}' in ${name}/${storeName} does not hold bytes`);
    },
    async set(key, bytes) {
      // A copy: the caller's array may be a view into memory that changes.
      await run('readwrite', (s) => s.put(Uint8Array.from(bytes), key), 'write');
    },
    async delete(key) {
      await run('readwrite', (s) => s.delete(key), 'delete');
    },
    close() {
      const p = opening;
      opening = null;
      p?.then((db) => db.close()).catch(() => {});
    },
  };
}
