/**
 * Storage adapters: where `createHearth()` keeps the user's snapshot between
 * visits. Import from `hearth/storage`.
 *
 * @example
 * import { createHearth } from 'hearth';
 * import { createLocalStorage } from 'hearth/storage';
 * const hearth = await createHearth({ storage: createLocalStorage() });
 */

/**
 * Anything with these three methods can hold Hearth's state: the built-in
 * adapters, or a host's own (Capacitor Preferences, a native bridge, a file).
 * Rejections may be any error; Hearth wraps them in a `HearthError`, emits it
 * as an `'error'` event and keeps working in memory.
 */
export interface StorageAdapter {
  /** The bytes stored under `key`, or `null` when there are none. */
  get(key: string): Promise<Uint8Array | null>;
  /** Stores a copy of `bytes` under `key` (the caller may reuse the array). */
  set(key: string, bytes: Uint8Array): Promise<void>;
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * `true` when `set()` has finished writing by the time it returns (as
   * localStorage does). Otherwise Hearth also writes a synchronous
   * localStorage copy ("tail") on `pagehide` and folds it back on the next
   * start, because asynchronous writes started while a page unloads can be lost.
   */
  readonly synchronous?: boolean;
  /** A name for status messages: 'memory', 'local', 'indexeddb', … */
  readonly kind?: string;
  /** Releases connections; called by Hearth only for adapters it created itself. */
  close?(): void;
}

/** Bytes in a `Map`; nothing outlives the adapter. The default in Node. */
export function createMemoryStorage(): StorageAdapter;

export interface LocalStorageOptions {
  /** The `Storage` to use (default `globalThis.localStorage`, looked up on first use). */
  localStorage?: Storage;
}

/**
 * `localStorage`, bytes as base64 text. Synchronous, so nothing is lost on
 * page unload; limited to a few MB per origin (a full store is reported as
 * `RESOURCE_EXHAUSTED`).
 */
export function createLocalStorage(options?: LocalStorageOptions): StorageAdapter;

export interface IndexedDBStorageOptions {
  /** Database name (default `'hearth'`). */
  name?: string;
  /** Object store name (default `'state'`). */
  store?: string;
  /** The `IDBFactory` to use (default `globalThis.indexedDB`). */
  indexedDB?: IDBFactory;
}

/**
 * IndexedDB: the browser default. Reopens its connection when the browser
 * closed it (`close`, `versionchange`, `InvalidStateError`), never uses the
 * closed one again, and runs a request whose transaction died with it once
 * more on the new connection.
 */
export function createIndexedDBStorage(options?: IndexedDBStorageOptions): StorageAdapter;

/**
 * A host's asynchronous string key-value store (a native bridge). `get`
 * resolves to the stored text, or null/undefined when there is none.
 */
export interface KeyValueBridge {
  get(key: string): Promise<string | null | undefined>;
  set(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface KeyValueStorageOptions {
  /** Put before every key (default `'hearth:'`, at most 64 characters). */
  prefix?: string;
  /**
   * `true` only when the bridge's `set()` has persisted by the time it
   * returns. Default false: Hearth also writes a localStorage copy on
   * `pagehide` and folds it back on the next start.
   */
  synchronous?: boolean;
  /** The adapter's `kind` (default `'keyvalue'`). */
  kind?: string;
}

/**
 * Any host key-value bridge as a storage adapter, bytes as base64 text: for
 * hybrid apps whose WebView storage may be evicted. Throws HearthError
 * INVALID_ARGUMENT when the bridge lacks a method; bridge failures become
 * HearthError (Hearth keeps working in memory); text that is not base64 is
 * DATA_LOSS.
 */
export function createKeyValueStorage(bridge: KeyValueBridge, options?: KeyValueStorageOptions): StorageAdapter;

/** Capacitor Preferences' API shape (`@capacitor/preferences`). */
export interface CapacitorPreferencesLike {
  get(options: { key: string }): Promise<{ value: string | null }>;
  set(options: { key: string; value: string }): Promise<void>;
  remove(options: { key: string }): Promise<void>;
}

/** `createKeyValueStorage` over Capacitor Preferences (kind `'capacitor-preferences'`). */
export function createCapacitorPreferencesStorage(
  preferences: CapacitorPreferencesLike,
  options?: Omit<KeyValueStorageOptions, 'kind'>,
): StorageAdapter;

/** True when `x` has `get`, `set` and `delete` methods. */
export function isStorageAdapter(x: unknown): x is StorageAdapter;

/** Base64 text of `bytes` (for adapters over string-only stores). */
export function bytesToBase64(bytes: Uint8Array): string;

/** The bytes of base64 `text`; throws on text that is not base64. */
export function base64ToBytes(text: string): Uint8Array;
