// localStorage storage: bytes kept as base64 text. Synchronous underneath, so
// a save started in a `pagehide` handler always lands; limited to a few MB per
// origin (a full store is a QuotaExceededError → RESOURCE_EXHAUSTED).

import { HearthError, wrapStorageError } from '../errors.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';

/**
 * @param {{ localStorage?: Storage }} [options] the Storage to use
 *   (default: globalThis.localStorage, looked up on first use because merely
 *   reading it throws in sandboxed iframes)
 * @returns {import('./index.js').StorageAdapter}
 */
export function createLocalStorage(options = {}) {
  const store = () => {
    let s = options.localStorage;
    if (s === undefined) {
      try {
        s = globalThis.localStorage;
      } catch (e) {
        throw new HearthError('UNAVAILABLE', 'localStorage is blocked here (sandboxed frame or storage disabled)', {
          cause: e,
        });
      }
    }
    if (!s) throw new HearthError('UNAVAILABLE', 'localStorage is not available in this environment');
    return s;
  };
  return {
    kind: 'local',
    synchronous: true,
    // Each method does its work before returning the promise, so callers in a
    // pagehide handler need not await.
    get(key) {
      try {
        const text = store().getItem(key);
        if (text === null) return Promise.resolve(null);
        try {
          return Promise.resolve(base64ToBytes(text));
        } catch (e) {
          throw new HearthError('DATA_LOSS', `localStorage key '${key}' does not hold base64 data`, { cause: e });
        }
      } catch (e) {
        return Promise.reject(wrapStorageError(e, 'read'));
      }
    },
    set(key, bytes) {
      try {
        store().setItem(key, bytesToBase64(bytes));
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(wrapStorageError(e, 'write'));
      }
    },
    delete(key) {
      try {
        store().removeItem(key);
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(wrapStorageError(e, 'delete'));
      }
    },
  };
}
