// Storage adapters: where createHearth() keeps the snapshot between visits.
//
// An adapter is any object with
//   get(key)        → Promise<Uint8Array | null>   (null: nothing stored)
//   set(key, bytes) → Promise<void>
//   delete(key)     → Promise<void>
// and optionally `synchronous: true` when set() finishes its write before it
// returns (then no localStorage tail is written on pagehide). Rejections may
// be any error; Hearth turns them into HearthError and keeps working in memory.
//
// Hybrid apps pass their own, e.g. over Capacitor Preferences:
//   const prefs = {
//     async get(key) { const { value } = await Preferences.get({ key });
//                      return value == null ? null : base64ToBytes(value); },
//     async set(key, bytes) { await Preferences.set({ key, value: bytesToBase64(bytes) }); },
//     async delete(key) { await Preferences.remove({ key }); },
//   };
//   const hearth = await createHearth({ storage: prefs });

export { createMemoryStorage } from './memory.js';
export { createLocalStorage } from './local.js';
export { createIndexedDBStorage } from './indexeddb.js';
export { createKeyValueStorage, createCapacitorPreferencesStorage } from './keyvalue.js';
export { bytesToBase64, base64ToBytes } from './base64.js';

/**
 * True when `x` has the three adapter methods.
 * @param {unknown} x
 * @returns {x is StorageAdapter}
 */
export function isStorageAdapter(x) {
  const a = /** @type {any} */ (x);
  return (
    a !== null &&
    typeof a === 'object' &&
    typeof a.get === 'function' &&
    typeof a.set === 'function' &&
    typeof a.delete === 'function'
  );
}

/**
 * @typedef {{
 *   get(key: string): Promise<Uint8Array | null>,
 *   set(key: string, bytes: Uint8Array): Promise<void>,
 *   delete(key: string): Promise<void>,
 *   synchronous?: boolean,
 *   kind?: string,
 *   close?(): void,
 * }} StorageAdapter
 */
