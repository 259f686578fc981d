// Key-value bridge storage: Hearth's snapshot kept in a host's string store —
// Capacitor Preferences, a React Native / Cordova bridge, a native
// SharedPreferences / UserDefaults wrapper — as base64 text. Hybrid apps use
// it because a WebView's IndexedDB and localStorage can be evicted under
// storage pressure (iOS WKWebView after weeks without use, Android when the
// system cleans app caches), while the native store lives as long as the app.
//
//   import { Preferences } from '@capacitor/preferences';
//   import { createCapacitorPreferencesStorage } from 'hearth/storage';
//   const hearth = await createHearth({ storage: createCapacitorPreferencesStorage(Preferences) });

import { HearthError, wrapStorageError } from '../errors.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';

/** Longest key prefix accepted (the bridge's keys stay short and readable). */
const MAX_PREFIX = 64;

/**
 * A storage adapter over any asynchronous string key-value bridge:
 *   get(key)         → Promise<string | null | undefined>
 *   set(key, value)  → Promise<void>
 *   remove(key)      → Promise<void>
 * @param {{ get: Function, set: Function, remove: Function }} bridge
 * @param {{ prefix?: string, synchronous?: boolean, kind?: string }} [options]
 *   prefix: put before every key (default 'hearth:'), so Hearth's keys never
 *   collide with the app's own; synchronous: true only when the bridge's
 *   set() has persisted by the time it returns (default false: Hearth then
 *   also keeps a localStorage copy on pagehide and folds it back next start).
 * @returns {import('./index.js').StorageAdapter}
 */
export function createKeyValueStorage(bridge, options = {}) {
  for (const m of ['get', 'set', 'remove']) {
    if (typeof bridge?.[m] !== 'function') {
      throw new HearthError('INVALID_ARGUMENT', `createKeyValueStorage: the bridge has no ${m}() method (it needs get, set and remove)`);
    }
  }
  const prefix = options.prefix ?? 'hearth:';
  if (typeof prefix !== 'string' || prefix.length > MAX_PREFIX) {
    throw new HearthError('INVALID_ARGUMENT', `createKeyValueStorage: prefix must be a string of at most ${MAX_PREFIX} characters`);
  }
  const full = (key) => prefix + key;
  return {
    kind: options.kind ?? 'keyvalue',
    synchronous: options.synchronous === true,
    async get(key) {
      let text;
      try {
        text = await bridge.get(full(key));
      } catch (e) {
        throw wrapStorageError(e, 'read');
      }
      if (text === null || text === undefined || text === '') return null;
      if (typeof text !== 'string') {
        throw new HearthError('DATA_LOSS', `key '${full(key)}' holds a ${typeof text}, not base64 text`);
      }
      try {
        return base64ToBytes(text);
      } catch (e) {
        throw new HearthError('DATA_LOSS', `key '${full(key)}' does not hold base64 data`, { cause: e });
      }
    },
    async set(key, bytes) {
      const text = bytesToBase64(bytes); // a copy: the caller may reuse `bytes`
      try {
        await bridge.set(full(key), text);
      } catch (e) {
        throw wrapStorageError(e, 'write');
      }
    },
    async delete(key) {
      try {
        await bridge.remove(full(key));
      } catch (e) {
        throw wrapStorageError(e, 'delete');
      }
    },
  };
}

/**
 * Capacitor Preferences (`@capacitor/preferences`, or any object with its API:
 * get({ key }) → { value }, set({ key, value }), remove({ key })) as a Hearth
 * storage adapter.
 * @param {{ get: Function, set: Function, remove: Function }} preferences
 * @param {{ prefix?: string, synchronous?: boolean }} [options]
 */
export function createCapacitorPreferencesStorage(preferences, options = {}) {
  for (const m of ['get', 'set', 'remove']) {
    if (typeof preferences?.[m] !== 'function') {
      throw new HearthError('INVALID_ARGUMENT', `createCapacitorPreferencesStorage: Preferences has no ${m}() method`);
    }
  }
  return createKeyValueStorage(
    {
      get: async (key) => (await preferences.get({ key }))?.value ?? null,
      set: (key, value) => preferences.set({ key, value }),
      remove: (key) => preferences.remove({ key }),
    },
    { kind: 'capacitor-preferences', ...options },
  );
}
