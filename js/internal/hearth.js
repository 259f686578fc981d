// The Hearth object: wraps one engine handle of the wasm module, validates
// what the host passes before it crosses into C++, and owns persistence
// (restore on start, debounced autosave, pagehide flush, storage failures).
//
// This file knows nothing about how the module is loaded: createHearthWith()
// takes a function that returns it, so tests drive the wrapper with a fake
// module and fake timers (tests/js/wrapper.test.js).

import { HearthError, fromStatus, invalidArgument, wrapStorageError } from '../errors.js';
import { createCampaigns, normalizeContext } from './campaigns.js';
import { base64ToBytes } from '../storage/base64.js';
import { createIndexedDBStorage } from '../storage/indexeddb.js';
import { isStorageAdapter } from '../storage/index.js';
import { createLocalStorage } from '../storage/local.js';
import { createMemoryStorage } from '../storage/memory.js';
import { INIT as CONSENT_INIT, createConsentApi, normalizeConsentValues } from './consent.js';
import { SyncClient, createPrivacyApi, normalizeSyncOptions } from './sync.js';
import { EventPacker, packedSize } from './packed.js';
import { writeDocument } from './input.js';
import { checkOffset, createGame, drainRewards, eventContext, timeZoneOption } from './game.js';
import {
  Journal, createCoordinator, decodeTail, encodeTail, foldedTails, newTabId, replay, snapshotRevision, storedTag, tailKeys, textHash,
  writeFoldMarker,
} from './persist.js';

export { snapshotRevision };

const TOKEN = Symbol('hearth.constructor');
const RESTORE = Symbol('hearth.restore');

const OPTION_KEYS = ['storage', 'key', 'profile', 'snapshot', 'now', 'seed', 'autosave', 'wasmBinary', 'locateFile',
  'consent', 'endpoint', 'privacy', 'sync', 'fetch', 'respectGpc', 'timeZoneOffset'];
const RECOMMEND_KEYS = ['slot', 'count', 'exclude', 'pin', 'includePurchased', 'context'];
const FEEDBACK_KEYS = ['item', 'slot', 'outcome'];
/** The core's kMaxBatchEvents (src/hearth/engine/batch.h). */
const MAX_BATCH_EVENTS = 100_000;
/**
 * trackMany() batches of at most this many events and bytes packed go one
 * plain wasm call per event (#trackEach); bigger ones one batch call, whose
 * Embind result and rewards call (a few µs) are then spread thin.
 */
const FAST_BATCH_EVENTS = 256;
const FAST_BATCH_BYTES = 1 << 20;
const EVENT_KEYS = ['type', 'item', 'id', 'ts', 'query', 'value', 'quantity', 'deal', 'context'];
// #normalizeEvent's switch lists the same keys (a switch beats a Set per key).
const LISTENER_EVENTS = ['change', 'error', 'consent', 'sync', 'reward', 'status'];
const STORAGE_NAMES = ['indexeddb', 'local', 'memory'];
const MAX_KEY_LENGTH = 200;
// A burst of mutations postpones the autosave at most this many delays.
const MAX_WAIT_FACTOR = 5;

/** Modules that aborted: every instance on them is dead. */
const brokenModules = new WeakSet();

/**
 * Everything the wrapper takes from its surroundings, injectable for tests.
 * @typedef {{
 *   setTimeout(fn: () => void, ms: number): unknown,
 *   clearTimeout(handle: unknown): void,
 *   monotonic(): number,
 *   isNode(): boolean,
 *   hasIndexedDB(): boolean,
 *   target: { addEventListener: Function, removeEventListener: Function } | null,
 *   document: { visibilityState?: string } | null,
 *   localStorage(): Storage | null,
 *   reportError(e: unknown): void,
 *   onInstance?(hearth: Hearth): void,
 * }} Env
 */

/** @returns {Env} */
export function defaultEnv() {
  const g = /** @type {any} */ (globalThis);
  return {
    setTimeout(fn, ms) {
      const t = setTimeout(fn, ms);
      // A pending autosave must not keep a Node process alive.
      /** @type {any} */ (t)?.unref?.();
      return t;
    },
    clearTimeout: (t) => clearTimeout(/** @type {any} */ (t)),
    monotonic: () => (g.performance?.now ? g.performance.now() : Date.now()),
    isNode,
    hasIndexedDB() {
      try {
        return !!g.indexedDB;
      } catch {
        return false;
      }
    },
    target: typeof g.addEventListener === 'function' ? g : null,
    document: g.document ?? null,
    localStorage() {
      try {
        return g.localStorage ?? null; // reading it throws in sandboxed frames
      } catch {
        return null;
      }
    },
    reportError(e) {
      if (typeof g.reportError === 'function') g.reportError(e);
      else console.error(e);
    },
    // Cross-tab coordination (js/internal/persist.js): Web Locks where the
    // platform has them, and a BroadcastChannel per storage key.
    locks: g.navigator?.locks ?? null,
    BroadcastChannel: typeof g.BroadcastChannel === 'function' ? g.BroadcastChannel : null,
  };
}

/** True in Node (and Node-compatible runtimes without a DOM). */
export function isNode() {
  const g = /** @type {any} */ (globalThis);
  return !!g.process?.versions?.node && typeof g.document === 'undefined' && typeof g.importScripts !== 'function';
}

/**
 * Validates the options (before any wasm is loaded), loads the module, builds
 * the instance and restores its state.
 * @param {(opts: any) => Promise<any>} loadModule
 * @param {unknown} options
 * @param {Env} env
 * @returns {Promise<Hearth>}
 */
export async function createHearthWith(loadModule, options, env) {
  const opts = normalizeOptions(options, env);
  const M = await loadModule(opts);
  /** @type {any} */
  let engine;
  try {
    engine = new M.Engine();
  } catch (e) {
    throw fatal(M, e);
  }
  /** @type {Hearth | undefined} */
  let hearth;
  try {
    const err = engine.configure(opts.profileJson);
    if (err) throw new HearthError(err.code, `options.profile: ${err.message}`);
    engine.seed(opts.seed);
    hearth = new Hearth(TOKEN, M, engine, opts, env);
    env.onInstance?.(hearth);
    await hearth[RESTORE]();
    return hearth;
  } catch (e) {
    if (hearth) hearth.close(); // deletes the handle, drops listeners and timers
    else engine.delete();
    throw e instanceof HearthError ? e : fatal(M, e);
  }
}

/**
 * @param {unknown} options
 * @param {Env} env
 */
function normalizeOptions(options, env) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument('createHearth(options): options must be an object');
  }
  const o = /** @type {Record<string, any>} */ (options);
  for (const k of Object.keys(o)) {
    if (!OPTION_KEYS.includes(k)) {
      throw invalidArgument(`createHearth(options): unknown option '${k}'; known options are ${OPTION_KEYS.join(', ')}`);
    }
  }

  const key = o.key ?? 'hearth';
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw invalidArgument(`options.key must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`);
  }

  /** @type {import('../storage/index.js').StorageAdapter} */
  let adapter;
  /** @type {string} */
  let storageKind;
  let ownsAdapter = true;
  const storage = o.storage ?? (!env.isNode() && env.hasIndexedDB() ? 'indexeddb' : 'memory');
  if (typeof storage === 'string') {
    if (!STORAGE_NAMES.includes(storage)) {
      throw invalidArgument(
        `options.storage '${storage}' is not a storage; use 'indexeddb', 'local', 'memory' or an adapter object with get, set and delete`,
      );
    }
    storageKind = storage;
    if (storage === 'memory') adapter = createMemoryStorage();
    else if (storage === 'local') {
      const ls = env.localStorage();
      adapter = createLocalStorage(ls ? { localStorage: ls } : {});
    } else adapter = createIndexedDBStorage();
  } else if (isStorageAdapter(storage)) {
    adapter = storage;
    storageKind = typeof storage.kind === 'string' ? storage.kind : 'custom';
    ownsAdapter = false;
  } else {
    throw invalidArgument(
      "options.storage must be 'indexeddb', 'local', 'memory' or an object with get(key), set(key, bytes) and delete(key) methods",
    );
  }

  let profileJson = '';
  if (o.profile !== undefined && o.profile !== null) {
    if (typeof o.profile !== 'object' || Array.isArray(o.profile)) {
      throw invalidArgument('options.profile must be an object such as { halfLifeDays: { view: 7 } }');
    }
    try {
      profileJson = JSON.stringify(o.profile);
    } catch (e) {
      throw new HearthError('INVALID_ARGUMENT', `options.profile is not JSON-serializable: ${/** @type {any} */ (e).message}`, {
        cause: e,
      });
    }
  }

  /** @type {Uint8Array | null} */
  let snapshot = null;
  if (o.snapshot !== undefined && o.snapshot !== null) {
    snapshot = toBytes(o.snapshot);
    if (!snapshot) throw invalidArgument('options.snapshot must be a Uint8Array (from exportState()) or an ArrayBuffer');
  }

  const now = o.now ?? Date.now;
  if (typeof now !== 'function') throw invalidArgument('options.now must be a function returning milliseconds since 1970');

  // Seeds the bandit and exploration: fixed in tests and SSR replays, random
  // otherwise (two devices must not explore in lockstep).
  const seed = o.seed ?? env.randomSeed?.() ?? Math.floor(Math.random() * 2 ** 32);
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw invalidArgument('options.seed must be a whole number from 0 to 2^53 - 1');
  }

  const autosave = o.autosave ?? 1000;
  if (typeof autosave !== 'number' || !Number.isFinite(autosave) || autosave < 0) {
    throw invalidArgument('options.autosave must be a delay in milliseconds (>= 0; 0 disables autosave)');
  }

  if (o.wasmBinary !== undefined && !(o.wasmBinary instanceof ArrayBuffer || o.wasmBinary instanceof Uint8Array)) {
    throw invalidArgument('options.wasmBinary must be the bytes of hearth_wasm.wasm (Uint8Array or ArrayBuffer)');
  }
  if (o.locateFile !== undefined && typeof o.locateFile !== 'function') {
    throw invalidArgument('options.locateFile must be a function (path, prefix) => URL string');
  }
  const privacy = normalizePrivacyOptions(o);

  // A synchronous localStorage "tail" backs up adapters whose writes may not
  // finish while the page unloads (IndexedDB, host adapters).
  const tailStore = adapter.synchronous === true ? null : env.localStorage();

  return {
    key,
    adapter,
    storageKind,
    ownsAdapter,
    tailStore,
    profileJson,
    snapshot,
    now,
    seed,
    autosave,
    wasmBinary: o.wasmBinary,
    locateFile: o.locateFile,
    tzAt: timeZoneOption(o.timeZoneOffset),
    ...privacy,
  };
}

/**
 * consent, endpoint, privacy (policy), sync, fetch, respectGpc: see
 * js/internal/consent.js, js/internal/sync.js and docs/privacy.md.
 * @param {Record<string, any>} o
 */
function normalizePrivacyOptions(o) {
  const consent = o.consent === undefined ? undefined : normalizeConsentValues(o.consent, 'options.consent');
  let privacyJson = null;
  if (o.privacy !== undefined) {
    if (o.privacy === null || typeof o.privacy !== 'object' || Array.isArray(o.privacy)) {
      throw invalidArgument('options.privacy must be a privacy policy object such as { epsilonPerDay: 1 } (docs/privacy.md)');
    }
    privacyJson = JSON.stringify(o.privacy);
  }
  if (o.fetch !== undefined && typeof o.fetch !== 'function') throw invalidArgument('options.fetch must be a fetch-compatible function');
  if (o.respectGpc !== undefined && typeof o.respectGpc !== 'boolean') throw invalidArgument('options.respectGpc must be a boolean');
  const g = /** @type {any} */ (globalThis);
  return {
    consent,
    privacyJson,
    sync: normalizeSyncOptions(o.endpoint, o.sync),
    fetch: o.fetch ?? (typeof g.fetch === 'function' ? g.fetch.bind(g) : null),
    respectGpc: o.respectGpc ?? true,
  };
}

/** @param {unknown} list @param {string} where @returns {string[]} */
function stringList(list, where) {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
    throw invalidArgument(`${where} must be an array of item ids (strings)`);
  }
  return list;
}

/** @param {unknown} x @returns {Uint8Array | null} */
/**
 * JSON text, UTF-8 bytes, or a plain value (serialized here) → what the
 * module's JSON readers take.
 * @param {unknown} input
 * @param {string} usage the error message when `input` is none of those
 */
function jsonBody(input, usage) {
  if (typeof input === 'string') return input;
  const bytes = toBytes(input);
  if (bytes !== null) return bytes;
  if (input === null || typeof input !== 'object') throw invalidArgument(usage);
  return JSON.stringify(input);
}

function toBytes(x) {
  if (x instanceof Uint8Array) return x;
  if (x instanceof ArrayBuffer) return new Uint8Array(x);
  if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  return null;
}

/**
 * A HearthError for an exception out of the module. WebAssembly traps and
 * stack overflows leave the module unusable: it is marked broken.
 * @param {any} M
 * @param {unknown} e
 */
function fatal(M, e) {
  if (e instanceof HearthError) return e;
  const trap = e instanceof WebAssembly.RuntimeError || e instanceof RangeError;
  if (trap) brokenModules.add(M);
  const message = /** @type {any} */ (e)?.message ?? String(e);
  return new HearthError(
    'INTERNAL',
    trap
      ? `the Hearth wasm module aborted (${message}); this instance cannot be used any more, create a new one`
      : `unexpected error from the Hearth wasm module: ${message}`,
    { cause: e },
  );
}

/** @param {string} s */
const nativeIsWellFormed = typeof (/** @type {any} */ (String.prototype).isWellFormed) === 'function';
function isWellFormed(s) {
  if (nativeIsWellFormed) return /** @type {any} */ (s).isWellFormed();
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/**
 * @param {unknown} v
 * @param {string} name
 * @returns {string}
 */
function optionalString(v, name) {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw invalidArgument(`${name} must be a string, not ${describe(v)}`);
  if (!isWellFormed(v)) throw invalidArgument(`${name} contains a lone UTF-16 surrogate; pass well-formed text`);
  return v;
}

/**
 * An event field that is a string when present: optionalString() with the
 * message text built only when it fails.
 * @param {unknown} v
 * @param {string | number} where
 * @param {string} name
 * @returns {string}
 */
function fieldString(v, where, name) {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string' && isWellFormed(v)) return v;
  return optionalString(v, `${whereOf(where)}: ${name}`);
}

/**
 * An event's name in messages: the string given, or events[i] of trackMany().
 * @param {string | number} where
 */
function whereOf(where) {
  return typeof where === 'number' ? `trackMany(events): events[${where}]` : where;
}

/**
 * @typedef {{ type: string, item: string, id: string, ts: number, now: number, query: string, value: number, quantity: number, deal: boolean, tz: number, contextJson: string }} NormalizedEvent
 */

/** @param {unknown} v */
function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

const encoder = new TextEncoder();

export class Hearth {
  /** @type {any} */ #M;
  /** @type {any} */ #engine;
  /** @type {NormalizedEvent} track()'s one event, reused (see #trackOne) */
  #scratch = { type: '', item: '', id: '', ts: 0, now: 0, query: '', value: NaN, quantity: 1, deal: false, tz: 0, contextJson: '' };
  /** @type {EventPacker | null} writes track() events into wasm memory (see packed.js) */
  #packer = null;
  /** @type {ReturnType<typeof normalizeOptions>} */ #opts;
  /** @type {Env} */ #env;
  /** @type {'restoring' | 'ready' | 'memory-only' | 'closed'} */ #status = 'restoring';
  /** @type {string | null} */ #statusReason = null;
  /** @type {string | null} */ #statusCode = null;
  #closed = false;
  /** True while close() writes the last changes (the handle is still alive). */
  #final = false;
  /** Whether saves may write: false after the startup read failed, so a
   * fresh state never overwrites a stored one we could not see. */
  #writable = true;
  /** Revision of the state storage is known to hold; NaN: unknown. */
  #savedRevision = NaN;
  #lastRevision = 0;
  /** @type {unknown} */ #timer = null;
  /** @type {number | null} */ #firstDirtyAt = null;
  /** monotonic time the pending autosave is due (see #schedule) */ #dueAt = 0;
  /** @type {Promise<unknown>} */ #inflight = Promise.resolve();
  /** @type {Promise<boolean> | null} */ #queued = null;
  /** @type {Map<string, Set<Function>>} */ #listeners = new Map();
  /** @type {HearthError[]} */ #pendingErrors = [];
  /** @type {SyncClient} */ #sync;
  /** The lock and channel shared with other tabs (js/internal/persist.js). */
  /** @type {ReturnType<typeof createCoordinator>} */ #coord;
  /** storedTag() of what storage held when this state was last read from or
   * written to it; null: adopt (options.snapshot), never rebase onto storage. */
  /** @type {string | null} */ #base = 'none';
  /** Events and pick feedback applied since #base: replayed on a rebase. */
  #journal = new Journal();
  /** This tab's tail key (`<key>:tail:<tab>`). */ #tailKey = '';
  /** The journal mark the tail this tab last wrote holds (null: none). */
  /** @type {import('./persist.js').Mark | null} */ #tailMark = null;
  /** Tails of other pages adopted at start (key → their text and journal),
   * replayed after catalog.load(), removed by the save that includes them. */
  /** @type {Map<string, { text: string, journal: Journal }>} */ #adopted = new Map();
  #adoptedReady = false;
  /** The save under way: the tag it leaves and the journal entries it holds. */
  /** @type {{ tag: string, mark: import('./persist.js').Mark } | null} */ #writing = null;
  /** The page is unloading (pagehide, until a pageshow brings it back): it
   * neither takes the lock nor writes the adapter any more. */
  #unloading = false;
  /** Its tail was announced to the live tabs (the handoff, see #flushOnHide). */
  #handedOff = false;
  /** A catalog was loaded: a tail's events can be replayed. */
  #catalogReady = false;
  /** Tails announced by closing tabs while this one was restoring (key → text). */
  /** @type {Map<string, string>} */ #announced = new Map();
  /** Announced tails not yet visible in this page's localStorage (another
   * process's write can lag the message): folded on their 'storage' event. */
  /** @type {Map<string, string>} */ #awaitedTails = new Map();
  // Page events never throw at the host page: failures go to 'error'.
  #onPageHide = () => {
    try {
      this.#unloading = true;
      this.#flushOnHide(false, true);
      this.#sync.onPageHide();
      this.#releaseConnection();
    } catch (e) {
      this.#emit('error', e instanceof HearthError ? e : fatal(this.#M, e));
    }
  };
  /** Back from the back/forward cache: a live tab again. */
  #onPageShow = () => {
    if (!this.#unloading || this.#closed) return;
    this.#unloading = false;
    this.#handedOff = false;
    if (this.#isDirty()) this.#schedule();
  };
  /** A tail announced earlier became visible here. @param {any} ev */
  #onStorage = (ev) => {
    const text = typeof ev?.key === 'string' ? this.#awaitedTails.get(ev.key) : undefined;
    if (text === undefined || ev.newValue !== text) return;
    this.#awaitedTails.delete(ev.key);
    this.#foldAnnounced(ev.key, text);
  };
  #onVisibility = () => {
    try {
      if (this.#env.document?.visibilityState === 'hidden' && !this.#unloading) this.#flushOnHide();
    } catch (e) {
      this.#emit('error', e instanceof HearthError ? e : fatal(this.#M, e));
    }
  };
  /** A message from another tab on the key's channel. @param {any} msg */
  #onPeer = (msg) => {
    if (this.#closed || msg === null || typeof msg !== 'object' || msg.from === this.#tailKey) return;
    if (msg.type === 'tail') {
      // A closing tab's last changes (its pagehide tail): fold them in.
      const { key } = this.#opts;
      if (this.#unloading || typeof msg.key !== 'string' || !msg.key.startsWith(`${key}:tail:`) || msg.key === this.#tailKey || typeof msg.text !== 'string') return;
      if (this.#status === 'restoring') {
        if (this.#announced.size < 64) this.#announced.set(msg.key, msg.text);
      } else this.#foldAnnounced(msg.key, msg.text);
      return;
    }
    if (this.#status === 'restoring') return;
    if (msg.type === 'saved' && msg.tag !== this.#base && !this.#unloading) {
      // Catch up: the next save rebases onto what the other tab wrote (and
      // writes only when this tab has changes of its own).
      this.#enqueueSave().catch(() => {});
    } else if (msg.type === 'erased') {
      this.#eraseHere();
    }
  };
  /**
   * Our own IndexedDB adapter reopens its connection lazily: on pagehide it
   * is closed (once the writes under way finish), so the page that loads
   * next (a reload) does not wait for this one's connection to go away.
   */
  #releaseConnection() {
    const { adapter, ownsAdapter, storageKind } = this.#opts;
    if (!ownsAdapter || storageKind !== 'indexeddb') return;
    this.#inflight.then(
      () => adapter.close?.(),
      () => adapter.close?.(),
    );
  }

  /**
   * Use createHearth(); the constructor is not public.
   * @param {symbol} token
   * @param {any} M
   * @param {any} engine
   * @param {ReturnType<typeof normalizeOptions>} opts
   * @param {Env} env
   */
  constructor(token, M, engine, opts, env) {
    if (token !== TOKEN) throw new TypeError('Hearth has no public constructor; use `await createHearth(options)`');
    this.#M = M;
    this.#engine = engine;
    this.#opts = opts;
    this.#env = env;
    // Memory storage lives in this process only: a lock of its own, no channel.
    this.#coord = createCoordinator(opts.key, env, opts.adapter.kind === 'memory' ? opts.adapter : null);
    this.#tailKey = `${opts.key}:tail:${newTabId(/** @type {any} */ (env).random ?? Math.random)}`;
    this.#coord.listen(this.#onPeer);
    const self = this;

    /** What Hearth believes about the user, in weights and in words. */
    const profile = () => this.#call((M, e) => this.#unwrap(e.profile(this.#nowMs())));
    profile.forget = (/** @type {string} */ what) => {
      if (typeof what !== 'string' || what.length === 0) {
        throw invalidArgument("profile.forget(what) needs a feature key such as 'brand:acme' or a word such as 'trail'");
      }
      optionalString(what, 'profile.forget(what)');
      this.#mutate((M, e) => this.#check(e.forget(what)));
      this.#journal.addOp({ k: 'forget', what });
    };
    this.profile = profile;

    this.catalog = Object.freeze({
      /**
       * @param {string | Uint8Array | ArrayBuffer | ArrayBufferView | object} input
       * @param {{ replace?: boolean }} [options]
       */
      load(input, options) {
        return self.#loadCatalog(input, options);
      },
      /** @param {string} id */
      remove(id) {
        if (typeof id !== 'string' || id.length === 0) throw invalidArgument('catalog.remove(id) needs an item id string');
        optionalString(id, 'catalog.remove(id)');
        self.#call((M, e) => self.#check(M.removeItem(e, id)));
      },
      get size() {
        return self.#call((M, e) => M.catalogSize(e));
      },
    });

    this.promotions = Object.freeze({
      /**
       * Replaces the shop's promotions (the deals slot). All or nothing: one
       * bad promotion rejects the document and the loaded set stays.
       * @param {string | Uint8Array | ArrayBuffer | readonly unknown[] | object} input
       */
      load(input) {
        const body = jsonBody(input, 'promotions.load(input) needs JSON text, bytes, or an array of promotions');
        self.#call((M, e) => self.#check(M.loadPromotions(e, body)));
      },
    });

    this.priors = Object.freeze({
      /**
       * Replaces the population priors (category shares the collector
       * releases at GET {endpoint}/priors) that warm-start a user with no
       * history. All or nothing: a bad document throws and the loaded
       * priors stay.
       * @param {string | Uint8Array | ArrayBuffer | object} input
       */
      load(input) {
        const body = jsonBody(input, 'priors.load(input) needs JSON text, bytes, or an object { v: 1, categories: [...] }');
        self.#call((M, e) => self.#check(M.loadPriors(e, body)));
      },
    });

    this.preferences = Object.freeze({
      /** @param {{ likes?: readonly string[], dislikes?: readonly string[] }} prefs */
      set(prefs) {
        if (prefs === null || typeof prefs !== 'object' || Array.isArray(prefs)) {
          throw invalidArgument("preferences.set({ likes, dislikes }) needs an object such as { likes: ['trail'] }");
        }
        for (const k of Object.keys(prefs)) {
          if (k !== 'likes' && k !== 'dislikes') throw invalidArgument(`preferences.set(): unknown key '${k}'; use likes and dislikes`);
        }
        const current = prefs.likes === undefined || prefs.dislikes === undefined ? self.preferences.get() : null;
        const likes = prefs.likes === undefined ? /** @type {any} */ (current).likes : wordList(prefs.likes, 'likes');
        const dislikes =
          prefs.dislikes === undefined ? /** @type {any} */ (current).dislikes : wordList(prefs.dislikes, 'dislikes');
        self.#mutate((M, e) => self.#check(e.setPreferences(likes, dislikes)));
        self.#journal.addOp({ k: 'prefs', likes: [...likes], dislikes: [...dislikes] });
      },
      /** @returns {{ likes: string[], dislikes: string[] }} */
      get() {
        const p = self.profile();
        return { likes: p.likes, dislikes: p.dislikes };
      },
      /** @param {string} word */
      like(word) {
        self.#addPreference(word, true, 'like');
      },
      /** @param {string} word */
      dislike(word) {
        self.#addPreference(word, false, 'dislike');
      },
    });
    /** Use cases with holdouts (js/internal/campaigns.js). */
    this.campaigns = createCampaigns({
      call: (fn) => this.#call(fn),
      unwrap: (r) => this.#unwrap(r),
      now: () => this.#nowMs(),
      // Exposures and the install salt are saved, but are not a 'change'.
      touched: () => {
        this.#refreshRevision();
        this.#schedule();
      },
      toBytes,
    });

    Object.freeze(profile);

    // Consent, private reports and sync (js/internal/consent.js, sync.js).
    const g = /** @type {any} */ (globalThis);
    const bridge = {
      call: (/** @type {any} */ fn) => this.#call(fn),
      mutate: (/** @type {any} */ fn) => this.#mutate(fn),
      now: () => this.#nowMs(),
      emit: (/** @type {string} */ event, /** @type {unknown} */ payload) => this.#emit(event, payload),
      persistNow: () => this.#persistNow(),
      save: async () => {
        if (this.#closed) return false;
        await this.#enqueueSave();
        if (this.#closed) return false;
        this.#refreshRevision();
        return !this.#isDirty();
      },
      storageAllowed: () => this.#storageAllowed(),
      navigator: () => g.navigator ?? null,
      setTimeout: (/** @type {() => void} */ fn, /** @type {number} */ ms) => env.setTimeout(fn, ms),
      clearTimeout: (/** @type {unknown} */ t) => env.clearTimeout(t),
      random: /** @type {any} */ (env).random ?? Math.random,
      fetch: opts.fetch,
      sendBeacon: typeof g.navigator?.sendBeacon === 'function' ? g.navigator.sendBeacon.bind(g.navigator) : null,
      target: env.target,
    };
    /** Consent per purpose: get(), set({ measurement: 'granted' }), and the GPC / Consent Mode / TCF helpers. */
    this.consent = createConsentApi(bridge);
    /** What the next sync would send and the privacy budget left. */
    this.privacy = createPrivacyApi(bridge);
    this.#sync = new SyncClient(bridge, opts.sync);
    if (opts.privacyJson !== null) {
      const err = M.setPrivacyPolicy(engine, opts.privacyJson);
      if (err) throw new HearthError(err.code, `options.privacy: ${err.message}`);
    }
    /** The loyalty game (points, streaks, stamp cards, tiers, badges, challenges, mystery boxes). */
    this.game = createGame({
      call: (fn) => this.#call(fn),
      mutate: (fn) => this.#mutate(fn),
      now: () => this.#nowMs(),
      tzAt: (ts) => this.#opts.tzAt(ts),
      emit: (reward) => this.#emit('reward', reward),
    });
    this.#lastRevision = this.#call((M, e) => e.revision());
  }

  /**
   * Sends the consented reports now (see js/internal/sync.js). Never sends
   * anything unless measurement is granted.
   */
  sync() {
    this.#assertOpen();
    return this.#sync.sync();
  }

  /** 'restoring' | 'ready' | 'memory-only' | 'closed' */
  get status() {
    return this.#status;
  }

  /** Why the status is what it is (storage failure, state set aside); null when all is well. */
  get statusReason() {
    return this.#statusReason;
  }

  /** The HearthError code behind 'memory-only' (RESOURCE_EXHAUSTED, UNAVAILABLE, …); null otherwise. */
  get statusCode() {
    return this.#statusCode;
  }

  /** Bumps on every change to the user's state. */
  get revision() {
    if (this.#closed || brokenModules.has(this.#M)) return this.#lastRevision;
    return this.#call((M, e) => e.revision());
  }

  /**
   * Records one event.
   * @param {any} event
   * @returns {'recorded' | 'duplicate'}
   */
  track(event) {
    const before = this.#lastRevision;
    const outcome = this.#trackOne(event, 'track(event)');
    if (this.#lastRevision !== before) this.#changed();
    return outcome;
  }

  /**
   * Picks for a slot, computed on the device from local state.
   * @param {{ slot?: string, count?: number, exclude?: readonly string[], pin?: readonly string[], includePurchased?: boolean }} [request]
   */
  recommend(request = {}) {
    if (request === null || typeof request !== 'object' || Array.isArray(request)) {
      throw invalidArgument("recommend(request) needs an object such as { slot: 'for_you', count: 8 }");
    }
    for (const k of Object.keys(request)) {
      if (!RECOMMEND_KEYS.includes(k)) throw invalidArgument(`recommend(request): unknown field '${k}'; known fields are ${RECOMMEND_KEYS.join(', ')}`);
    }
    const slot = request.slot ?? 'for_you';
    if (typeof slot !== 'string') throw invalidArgument("recommend(request): slot must be 'for_you', 'wow' or 'deals'");
    const count = request.count ?? 8;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
      throw invalidArgument(`recommend(request): count must be a whole number of at least 1 (more than 100 is clamped to 100), not ${describe(count)}`);
    }
    const exclude = stringList(request.exclude, 'recommend(request): exclude');
    const pin = stringList(request.pin, 'recommend(request): pin');
    const includePurchased = request.includePurchased ?? false;
    if (typeof includePurchased !== 'boolean') throw invalidArgument('recommend(request): includePurchased must be a boolean');
    if (slot === 'deals') {
      const context = this.#dealContext(request.context);
      const deals = this.#call((M, e) => this.#unwrap(M.recommendDeals(e, count, this.#nowMs(), exclude, context)));
      // Deal campaigns record their exposures: saved, not a 'change'.
      this.#refreshRevision();
      this.#schedule();
      return deals;
    }
    if (request.context !== undefined) throw invalidArgument("recommend(request): context applies to the 'deals' slot only");
    // Showing picks moves the bandit and the fatigue counters: saved, but not
    // a 'change' (a UI that re-renders on change would loop).
    const picks = this.#call((M, e) => this.#unwrap(M.recommend(e, slot, count, this.#nowMs(), exclude, pin, includePurchased)));
    this.#refreshRevision();
    this.#schedule();
    return picks;
  }

  /**
   * The moment as the host sees it; hour, weekday and UTC offset default to the local time of now().
   * @param {unknown} context
   */
  #dealContext(context) {
    return normalizeContext(context, this.#nowMs(), 'recommend(request)');
  }

  /**
   * What the user did with a pick: teaches the on-device bandit; a dismissed
   * item rests for 30 days.
   * @param {{ item: string, slot?: string, outcome: string }} event
   */
  feedback(event) {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
      throw invalidArgument("feedback(event) needs an object such as { item: 'sku-1', slot: 'for_you', outcome: 'click' }");
    }
    for (const k of Object.keys(event)) {
      if (!FEEDBACK_KEYS.includes(k)) throw invalidArgument(`feedback(event): unknown field '${k}'; known fields are ${FEEDBACK_KEYS.join(', ')}`);
    }
    const item = event.item;
    const slot = event.slot ?? 'for_you';
    const outcome = event.outcome;
    if (typeof item !== 'string' || item === '') throw invalidArgument('feedback(event): item must be the id of the item shown');
    if (typeof slot !== 'string') throw invalidArgument("feedback(event): slot must be 'for_you' or 'wow'");
    if (typeof outcome !== 'string') throw invalidArgument("feedback(event): outcome must be 'click', 'dismiss' or 'purchase'");
    const now = this.#nowMs();
    this.#call((M, e) => this.#check(M.feedback(e, item, slot, outcome, now)));
    this.#journal.addFeedback(item, slot, outcome, now);
    this.#refreshRevision();
    this.#schedule();
  }

  /**
   * Records many events; per-event problems are reported, not thrown.
   * @param {readonly any[]} events
   */
  trackMany(events) {
    if (!Array.isArray(events)) throw invalidArgument('trackMany(events) needs an array of events');
    this.#assertOpen();
    const before = this.#lastRevision;
    /** @type {{ index: number, code: string, message: string }[]} */
    const rejected = [];
    // Validate here (messages name events[i]), then cross into wasm once: the
    // valid events go as one packed batch written straight into wasm memory.
    const batch = [];
    const origin = [];
    let capacity = 0;
    for (let i = 0; i < events.length; i++) {
      try {
        const e = this.#normalizeEvent(events[i], i);
        capacity += packedSize(e);
        batch.push(e);
        origin.push(i);
      } catch (e) {
        if (!(e instanceof HearthError)) throw e;
        rejected.push({ index: i, code: e.code, message: e.message });
      }
    }
    let recorded = 0;
    let duplicates = 0;
    const mark = this.#journal.mark();
    // The fast path leaves #lastRevision current (each call answers it); with
    // no reward listener run since, no revision() call is needed at the end.
    let revisionKnown = false;
    if (batch.length > 0) {
      try {
        const r = this.#call((M, e) => {
          if (batch.length > MAX_BATCH_EVENTS) {
            throw new HearthError('RESOURCE_EXHAUSTED', `an event batch holds at most ${MAX_BATCH_EVENTS} events; split it; nothing was recorded`);
          }
          const packer = this.#packerFor(e);
          // Small batches go one event per plain wasm call (#trackEach):
          // with no Embind result object to build and read, and no rewards
          // call unless the core says it holds some, a batch of 10 costs
          // little more per event than one of 1000.
          if (packer.address > 0 && batch.length <= FAST_BATCH_EVENTS && capacity <= FAST_BATCH_BYTES) {
            const fast = this.#trackEach(M, e, packer, batch, this.#nowMs());
            if (fast !== null) return fast;
          }
          const length = packer.pack(batch, capacity);
          // Journaled as packed (a byte copy), before the call may move wasm memory.
          this.#journal.append(/** @type {Uint8Array} */ (packer.bytes), length, /** @type {DataView} */ (packer.view));
          try {
            return this.#unwrap(M.trackPackedBatch(e, length, this.#nowMs()));
          } catch (x) {
            this.#journal.truncate(mark);
            throw x;
          }
        });
        recorded = r.recorded;
        duplicates = r.duplicates;
        if (r.rejected.length > 0 && r.journaled !== true) {
          // Journal only what the core took (re-packed on the side; rare).
          this.#journal.truncate(mark);
          const out = new Set(r.rejected.map((/** @type {any} */ x) => x.index));
          const kept = batch.filter((_, i) => !out.has(i));
          if (kept.length > 0) {
            const side = new EventPacker({ packBuffer: (/** @type {number} */ n) => new Uint8Array(n) });
            let cap = 0;
            for (const ev of kept) cap += packedSize(ev);
            const n = side.pack(kept, cap);
            this.#journal.append(/** @type {Uint8Array} */ (side.bytes), n);
          }
        }
        for (const x of r.rejected) {
          const index = origin[x.index];
          rejected.push({ index, code: x.code, message: `trackMany(events): events[${index}]: ${x.message}` });
        }
        // The fast path knows whether the core holds rewards; the batch call does not.
        if (r.rewards !== false) this.#call((M, e) => drainRewards(M, e, (reward) => this.#emit('reward', reward)));
        else revisionKnown = r.journaled === true;
      } finally {
        if (!this.#closed && !brokenModules.has(this.#M) && (revisionKnown ? this.#lastRevision : this.#refreshRevision()) !== before) this.#changed();
      }
    }
    rejected.sort((a, b) => a.index - b.index);
    return { recorded, duplicates, rejected };
  }

  /** @returns {Uint8Array} the whole user state as a snapshot; createHearth({ snapshot }) restores it */
  exportState() {
    return this.#call((M, e) => M.exportState(e));
  }

  /** @returns {string} the user's data as JSON (data portability) */
  exportJSON() {
    return this.#call((M, e) => {
      const r = M.exportJSON(e, this.#nowMs());
      if (typeof r !== 'string') this.#unwrap(r);
      return r;
    });
  }

  /** Wipes everything Hearth knows about the user, here and in storage. The catalog stays. */
  async erase() {
    this.#mutate((M, e) => M.erase(e));
    this.#cancelTimer();
    const revision = this.#lastRevision;
    const { adapter, key, tailStore } = this.#opts;
    this.#journal.clear();
    this.#tailMark = null;
    // Let any write already under way land first, or it would bring the old state back.
    await this.#inflight;
    await this.#locked(async () => {
      try {
        // Every tail of the key, not only this tab's: a closed tab's tail
        // (announced or not) would bring the profile back at the next start.
        if (tailStore) for (const k of tailKeys(tailStore, key)) tailStore.removeItem(k);
        tailStore?.removeItem(`${key}:folded`);
        this.#adopted.clear();
        this.#announced.clear();
        this.#awaitedTails.clear();
      } catch {
        // a tail we cannot remove is also one we could not have written
      }
      try {
        await adapter.delete(key);
        await adapter.delete(`${key}:corrupt`);
        this.#base = 'none';
        if (this.#writable && this.#lastRevision === revision) this.#savedRevision = revision;
        // Every other open tab forgets too (they would save it back otherwise).
        this.#coord.post({ type: 'erased', from: this.#tailKey });
      } catch (e) {
        this.#storageFailed(wrapStorageError(e, 'erase'));
      }
    });
  }

  /** Writes the current state to storage now. Never rejects for storage failures: see status and 'error'. */
  async save() {
    this.#assertOpen();
    this.#cancelTimer();
    // Asked for by the host after a pagehide: the page lives on (a synthetic
    // event, or back from the cache); saves take the lock again.
    this.#unloading = false;
    this.#handedOff = false;
    return this.#enqueueSave();
  }

  /**
   * Frees the wasm handle and removes listeners. Unsaved changes are written
   * on a best-effort basis (await save() first to be sure). Idempotent.
   */
  close() {
    if (this.#closed) return;
    const { adapter, ownsAdapter } = this.#opts;
    let last = false;
    try {
      last = this.#status !== 'restoring' && this.#canWrite() && this.#refreshRevision() !== this.#savedRevision;
    } catch {
      last = false;
    }
    this.#sync.stop();
    this.#closed = true;
    this.#status = 'closed';
    this.#cancelTimer();
    this.#detachPageListeners();
    this.#listeners.clear();
    this.#pendingErrors = [];
    this.#coord.listen(() => {});
    const free = () => {
      this.#final = false;
      try {
        this.#engine.delete();
      } catch {
        // an aborted module cannot free anything; nothing left to do
      }
      this.#coord.close();
    };
    if (!last) {
      free();
      if (ownsAdapter) this.#inflight.then(() => adapter.close?.()).catch(() => {});
      return;
    }
    // The last changes are saved like any others (under the lock, rebased if
    // another tab saved meanwhile); the handle is freed once that is done.
    this.#final = true;
    const done = this.#inflight
      .then(() => this.#writeNow(false))
      .catch(() => {})
      .finally(free);
    if (ownsAdapter) done.then(() => adapter.close?.());
  }

  /**
   * @param {'change' | 'error' | 'reward'} event
   * @param {Function} fn
   * @returns {() => void} unsubscribes
   */
  on(event, fn) {
    if (!LISTENER_EVENTS.includes(event)) throw invalidArgument(`on(event): unknown event '${event}'; use 'change', 'error', 'consent', 'sync', 'reward' or 'status'`);
    if (typeof fn !== 'function') throw invalidArgument('on(event, fn): fn must be a function');
    this.#assertOpen();
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(fn);
    return () => this.off(event, fn);
  }

  /**
   * @param {'change' | 'error' | 'reward'} event
   * @param {Function} fn
   */
  off(event, fn) {
    this.#listeners.get(event)?.delete(fn);
  }

  // ---- internals ---------------------------------------------------------

  /** Restores the state, then applies the start-up consent and starts sync. */
  async [RESTORE]() {
    await this.#restoreState();
    if (this.#closed) return;
    this.consent[CONSENT_INIT](this.#opts.consent, this.#opts.respectGpc);
    this.#sync.start();
    // Tails other tabs announced while this one restored (the restore may
    // have folded them already: #adoptAnnounced checks).
    for (const [k, text] of this.#announced) this.#foldAnnounced(k, text);
    this.#announced.clear();
  }

  /** Restores the state at start (options.snapshot, or storage + tail). */
  async #restoreState() {
    const { snapshot, adapter, key, tailStore } = this.#opts;
    if (snapshot) {
      const err = this.#M.restoreState(this.#engine, snapshot);
      if (err) throw new HearthError(err.code, `options.snapshot: ${err.message}`);
      this.#refreshRevision();
      // Storage is still where this state will be saved: the first save
      // writes it over whatever is stored (never rebases onto it).
      this.#savedRevision = NaN;
      this.#base = null;
      this.#status = 'ready';
      this.#attachPageListeners();
      this.#schedule();
      return;
    }
    // Under the lock: another tab's save never interleaves with the fold.
    await this.#locked(() => this.#restoreFromStorage());
    if (this.#closed) return;
    this.#attachPageListeners();
    if (this.#pendingErrors.length > 0) {
      // Emitted once createHearth() has resolved, so that a listener attached
      // right after `await createHearth()` hears about it.
      this.#env.setTimeout(() => {
        const errors = this.#pendingErrors;
        this.#pendingErrors = [];
        for (const e of errors) this.#emit('error', e);
      }, 0);
    }
  }

  /**
   * The stored snapshot, then the tails of pages that went away before their
   * save landed: an older version's single tail (newest revision wins, as
   * before), and this version's per-tab tails (a tail based on what is
   * stored supersedes it; any other has its journal replayed on top).
   */
  async #restoreFromStorage() {
    const { adapter, key, tailStore } = this.#opts;
    /** @type {{ bytes: Uint8Array, from: string }[]} */
    const candidates = [];
    /** @type {Uint8Array | null} */
    let mainBytes = null;
    /** @type {HearthError | null} */
    let readError = null;
    try {
      const main = await adapter.get(key);
      if (main != null) {
        const bytes = toBytes(main);
        if (!bytes) throw new HearthError('DATA_LOSS', `storage returned ${describe(main)} for '${key}', not bytes`);
        mainBytes = bytes;
        candidates.push({ bytes, from: 'storage' });
      }
    } catch (e) {
      readError = wrapStorageError(e, 'read');
    }
    let hadTail = false;
    /** Tails read, by key, with their text (removed once folded, if unchanged). */
    /** @type {Map<string, string>} */
    const tailTexts = new Map();
    /** @type {{ k: string, tail: ReturnType<typeof decodeTail> }[]} */
    const tabTails = [];
    if (tailStore) {
      try {
        // Tails a save already folded in (it crashed before removing them).
        const already = foldedTails(tailStore, key, storedTag(mainBytes));
        for (const k of tailKeys(tailStore, key)) {
          const text = tailStore.getItem(k);
          if (text === null) continue;
          hadTail = true;
          tailTexts.set(k, text);
          if (already.get(k) === textHash(text)) continue;
          const tail = decodeTail(text);
          if (tail.legacy) candidates.push({ bytes: /** @type {Uint8Array} */ (tail.snapshot), from: 'tail' });
          else tabTails.push({ k, tail });
        }
      } catch {
        // localStorage blocked: no tail, as if there were none
      }
    }
    if (this.#closed) return;

    // Newest first; on a tie the main copy wins (they hold the same state).
    const order = candidates
      .map((c, i) => ({ ...c, i, revision: snapshotRevision(c.bytes) }))
      .sort((a, b) => (a.revision === b.revision ? a.i - b.i : a.revision > b.revision ? -1 : 1));
    /** @type {{ bytes: Uint8Array, from: string, error: HearthError }[]} */
    const bad = [];
    let restored = false;
    for (const c of order) {
      if (restored) {
        // Older copies are simply superseded; only one that is not even a
        // snapshot is worth reporting.
        if (c.revision < 0n) {
          bad.push({
            ...c,
            error: new HearthError(
              'DATA_LOSS',
              `the saved Hearth state in ${c.from === 'tail' ? `localStorage '${key}:tail'` : `'${key}'`} is not a snapshot and was kept under '${key}:corrupt'`,
            ),
          });
        }
        continue;
      }
      const err = this.#call((M, e) => M.restoreState(e, c.bytes));
      if (!err) {
        restored = true;
        continue;
      }
      bad.push({
        ...c,
        error: new HearthError(
          err.code,
          `the saved Hearth state (${c.from === 'tail' ? `localStorage '${key}:tail'` : `'${key}'`}) could not be restored and was kept under '${key}:corrupt'; starting from ${bad.length + 1 < order.length ? 'an older copy' : 'a fresh state'}: ${err.message}`,
          { cause: fromStatus(err) },
        ),
      });
    }
    // Tabs' tails: those based on what is stored first (the first one's
    // snapshot supersedes it, unless an older version's tail already did),
    // then every other one's journal replayed on top.
    const mainTag = storedTag(mainBytes);
    const legacyWon = restored && order.find((c) => !bad.some((b) => b.i === c.i))?.from === 'tail';
    let superseded = legacyWon;
    for (const { k, tail } of tabTails) {
      // Written while a save was under way, which landed: based on that save.
      if (tail.writing && tail.writing.tag === mainTag && tail.base !== mainTag) {
        tail.base = mainTag;
        tail.journal.dropFront(tail.writing.mark);
      }
    }
    tabTails.sort((a, b) => Number(b.tail.base === mainTag) - Number(a.tail.base === mainTag));
    /** @type {Set<string>} */
    const covered = new Set();
    for (const { k, tail } of tabTails) {
      if (tail.bad) {
        bad.push({
          bytes: encoder.encode(/** @type {string} */ (tailTexts.get(k))),
          from: 'tail',
          error: new HearthError('DATA_LOSS', `the pagehide copy in localStorage '${k}' is unreadable and was kept under '${key}:corrupt'`),
        });
        continue;
      }
      if (covered.has(k)) continue; // replayed into the snapshot restored below/above
      if (!superseded && !readError && tail.base === mainTag && tail.snapshot) {
        const err = this.#call((M, e) => M.restoreState(e, /** @type {Uint8Array} */ (tail.snapshot)));
        if (!err) {
          superseded = true;
          // Tails whose journals that tab had replayed are in this snapshot.
          for (const [ck, hash] of tail.covers) if (textHash(tailTexts.get(ck) ?? '') === hash) covered.add(ck);
          continue;
        }
      }
      // Its events need the catalog, which the host loads after start: they
      // wait for catalog.load() (#replayAdopted), and the tail stays until
      // a save includes them.
      const text = /** @type {string} */ (tailTexts.get(k));
      tailTexts.delete(k);
      if (!tail.journal.isEmpty()) this.#adopted.set(k, { text, journal: tail.journal });
      else tailTexts.set(k, text); // nothing to replay: folded as is
    }
    this.#refreshRevision();
    this.#base = mainTag;

    if (readError) {
      // We could not see what storage holds: never overwrite it this session.
      this.#writable = false;
      this.#status = 'memory-only';
      this.#statusReason = readError.message;
      this.#statusCode = readError.code;
      this.#pendingErrors.push(readError);
    } else {
      this.#status = 'ready';
    }
    for (const b of bad) {
      this.#pendingErrors.push(b.error);
      this.#statusReason ??= b.error.message;
      try {
        await adapter.set(`${key}:corrupt`, b.bytes);
      } catch {
        // keeping the evidence is best-effort
      }
    }
    if (this.#writable) {
      if (hadTail || bad.length > 0) {
        // Fold: storage now gets the state we run with (one write), then the
        // tails go (even a newer one: it was read, and restored or set aside;
        // one rewritten meanwhile by its live tab stays).
        await this.#reconcile(true, tailTexts); // removes the tails once written
      } else {
        this.#savedRevision = this.#lastRevision;
        try {
          if (tailStore?.getItem(`${key}:folded`) != null) tailStore.removeItem(`${key}:folded`); // a stale marker
        } catch {
          // harmless: a marker only counts when its tag matches
        }
      }
    }
  }

  /**
   * Validates one event and returns its normalized fields (into `out` when
   * given: track() reuses one object, trackMany() needs one per event).
   * `where` names the event in messages: a string, or for trackMany() the
   * index (the message text is built only when an error needs it).
   * @param {any} event
   * @param {string | number} where
   * @param {NormalizedEvent} [out]
   * @returns {NormalizedEvent}
   */
  #normalizeEvent(event, where, out) {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
      throw invalidArgument(`${whereOf(where)} must be an object such as { type: 'view', item: 'sku-1' }`);
    }
    // for-in + hasOwn visits the same keys as Object.keys without building
    // an array per event (track() is the hot path).
    // A switch on the (internalized) key beats a Set lookup per key.
    for (const k in event) {
      switch (k) {
        case 'type':
        case 'item':
        case 'id':
        case 'ts':
        case 'query':
        case 'value':
        case 'quantity':
        case 'deal':
        case 'context':
          continue;
      }
      if (Object.hasOwn(event, k)) {
        throw invalidArgument(`${whereOf(where)}: unknown field '${k}'; known fields are ${EVENT_KEYS.join(', ')}`);
      }
    }
    const type = event.type;
    if (typeof type !== 'string' || type.length === 0) {
      throw invalidArgument(`${whereOf(where)}: type must be a string (view, click, add_to_cart, purchase, search, dwell or dismiss)`);
    }
    if (!isWellFormed(type)) optionalString(type, `${whereOf(where)}: type`);
    const item = fieldString(event.item, where, 'item');
    const id = fieldString(event.id, where, 'id');
    const query = fieldString(event.query, where, 'query');
    const now = this.#nowMs();
    let ts = event.ts;
    if (ts === undefined || ts === null) ts = now;
    else if (ts instanceof Date) ts = ts.getTime();
    if (typeof ts !== 'number' || !Number.isFinite(ts)) {
      throw invalidArgument(`${whereOf(where)}: ts must be a finite number of milliseconds since 1970, not ${describe(ts)}`);
    }
    let value = event.value;
    if (value === undefined || value === null) value = NaN;
    else if (typeof value !== 'number') throw invalidArgument(`${whereOf(where)}: value must be a number, not ${describe(value)}`);
    let quantity = event.quantity;
    if (quantity === undefined || quantity === null) quantity = 1;
    else if (typeof quantity !== 'number') throw invalidArgument(`${whereOf(where)}: quantity must be a number, not ${describe(quantity)}`);
    let deal = event.deal;
    if (deal === undefined || deal === null) deal = false;
    else if (typeof deal !== 'boolean') throw invalidArgument(`${whereOf(where)}: deal must be a boolean, not ${describe(deal)}`);
    const context = event.context;
    let tz;
    let contextJson = '';
    // No context (the usual event): eventContext's first case, without
    // allocating its answer.
    if (context === undefined || context === null) tz = checkOffset(this.#opts.tzAt(ts), 'options.timeZoneOffset(ts)');
    else ({ tz, contextJson } = eventContext(context, ts, this.#opts.tzAt, whereOf(where)));
    if (out === undefined) return { type, item, id, ts, now, query, value, quantity, deal, tz, contextJson };
    out.type = type;
    out.item = item;
    out.id = id;
    out.ts = ts;
    out.now = now;
    out.query = query;
    out.value = value;
    out.quantity = quantity;
    out.deal = deal;
    out.tz = tz;
    out.contextJson = contextJson;
    return out;
  }

  /**
   * @param {any} event
   * @param {string} where
   * @returns {'recorded' | 'duplicate'}
   */
  #trackOne(event, where) {
    // Into the instance's one scratch object: every field is written after
    // the last host callback (now(), timeZoneOffset()) and read before the
    // first listener, so a track() from inside either cannot mix two events.
    const ev = this.#normalizeEvent(event, where, this.#scratch);
    // #call() without its closure per event: same checks, same translation.
    this.#assertOpen();
    const M = this.#M;
    const e = this.#engine;
    try {
      // 4 * revision + (2 when the game holds rewards) + (1 for a duplicate
      // id), or -1 (see EngineHandle::TrackPacked).
      const packer = this.#packerFor(e);
      const length = packer.packOne(ev);
      // Journaled as packed (a byte copy), before the call may move wasm memory.
      const journal = this.#journal;
      const before = journal.len;
      journal.append(/** @type {Uint8Array} */ (packer.bytes), length, /** @type {DataView} */ (packer.view));
      // The plain export when the module has it (one direct wasm call), else Embind.
      const r = packer.address > 0 ? M._hearth_track_packed(packer.address, length, ev.now) : e.trackPacked(length, ev.now);
      if (r >= 0) {
        const flags = r % 4;
        this.#lastRevision = (r - flags) / 4;
        if (flags % 2 !== 0) journal.len = before;
        // Rewards waiting: one more call only then.
        if (flags >= 2) drainRewards(M, e, (reward) => this.#emit('reward', reward));
        return flags % 2 !== 0 ? 'duplicate' : 'recorded';
      }
      journal.len = before;
      const err = e.lastError();
      throw new HearthError(err?.code ?? 'INTERNAL', err?.message ?? 'the event was rejected');
    } catch (x) {
      throw fatal(M, x);
    }
  }

  /**
   * trackMany()'s valid events, one plain wasm call each (the export
   * track() uses), journaled as the batch call journals them: every event
   * the core took, duplicates included. Returns the batch call's answer, or
   * null when the first event is refused: nothing is recorded then, and the
   * caller sends the batch the batch way, which tells a clock the core
   * refuses (the whole call fails) from a refused event.
   * @param {any} M
   * @param {any} e the engine handle
   * @param {EventPacker} packer
   * @param {NormalizedEvent[]} batch
   * @param {number} now
   * @returns {{ recorded: number, duplicates: number, rejected: { index: number, code: string, message: string }[], journaled: true, rewards: boolean } | null}
   */
  #trackEach(M, e, packer, batch, now) {
    const journal = this.#journal;
    let recorded = 0;
    let duplicates = 0;
    let rewards = false;
    /** @type {{ index: number, code: string, message: string }[]} */
    const rejected = [];
    for (let i = 0; i < batch.length; i++) {
      const length = packer.packOne(batch[i]);
      const at = journal.len;
      journal.append(/** @type {Uint8Array} */ (packer.bytes), length, /** @type {DataView} */ (packer.view));
      const r = M._hearth_track_packed(packer.address, length, now);
      if (r >= 0) {
        // 4 * revision + (2: rewards waiting) + (1: duplicate id); see #trackOne.
        const flags = r % 4;
        this.#lastRevision = (r - flags) / 4;
        if (flags >= 2) rewards = true;
        if (flags % 2 !== 0) duplicates++;
        else recorded++;
        continue;
      }
      journal.len = at;
      if (i === 0) return null;
      const err = e.lastError();
      rejected.push({ index: i, code: err?.code ?? 'INTERNAL', message: err?.message ?? 'the event was rejected' });
    }
    return { recorded, duplicates, rejected, journaled: true, rewards };
  }

  /** The packer of engine handle `e` (a new one if the handle changed). @param {any} e */
  #packerFor(e) {
    if (this.#packer === null || this.#packer.handle !== e) {
      this.#packer = new EventPacker(e, typeof this.#M._hearth_track_packed === 'function' && typeof e.address === 'function' ? e.address() : 0);
    }
    return this.#packer;
  }

  /**
   * @param {unknown} input
   * @param {unknown} options
   */
  #loadCatalog(input, options) {
    let replace = false;
    if (options !== undefined) {
      if (options === null || typeof options !== 'object') throw invalidArgument('catalog.load(input, options): options must be an object');
      for (const k of Object.keys(options)) {
        if (k !== 'replace') throw invalidArgument(`catalog.load(): unknown option '${k}'; the only option is replace`);
      }
      const r = /** @type {any} */ (options).replace;
      if (r !== undefined && typeof r !== 'boolean') throw invalidArgument('catalog.load(): options.replace must be a boolean');
      replace = r === true;
    }
    /** @type {string | Uint8Array} */
    let doc;
    if (typeof input === 'string') {
      if (!isWellFormed(input)) throw invalidArgument('catalog.load(): the text contains a lone UTF-16 surrogate; it is not valid Unicode');
      doc = input;
    } else {
      const b = toBytes(input);
      if (b) doc = b;
      else if (input !== null && typeof input === 'object') doc = JSON.stringify(input);
      else throw invalidArgument('catalog.load(input): input must be JSON text, bytes (Uint8Array / ArrayBuffer) or a parsed array');
    }
    const result = this.#call((M, e) => {
      // Straight into wasm memory (js/internal/input.js); the copying path
      // when the module lacks it or the document is over the size limit.
      const length = writeDocument(M, e, doc);
      const r = length >= 0 ? M.loadCatalogInput(e, length, replace) : M.loadCatalog(e, typeof doc === 'string' ? encoder.encode(doc) : doc, replace);
      if (r.error) throw new HearthError(r.error.code, `catalog.load(): ${r.error.message}`);
      return { items: r.loaded, rejected: r.rejected, size: r.size };
    });
    this.#catalogReady = true;
    if (this.#adopted.size > 0 && !this.#adoptedReady) this.#replayAdopted();
    return result;
  }

  /**
   * Replays the journals of tails adopted at start (pages that went away
   * before their save landed, based on an older stored state) once there is
   * a catalog to resolve their items; the next save folds them in.
   */
  #replayAdopted() {
    const before = this.#lastRevision;
    try {
      this.#call((M, e) => {
        for (const { journal } of this.#adopted.values()) replay(M, e, journal, (b) => this.#packerFor(e).copyIn(b), this.#nowMs());
      });
    } catch (e) {
      this.#emit('error', e);
    }
    this.#adoptedReady = true;
    if (this.#refreshRevision() !== before) this.#changed();
  }

  /**
   * @param {unknown} word
   * @param {boolean} like
   * @param {string} name
   */
  #addPreference(word, like, name) {
    if (typeof word !== 'string' || word.length === 0) throw invalidArgument(`preferences.${name}(word) needs a non-empty string`);
    optionalString(word, `preferences.${name}(word)`);
    this.#mutate((M, e) => this.#check(e.addPreference(word, like)));
    this.#journal.addOp({ k: like ? 'like' : 'dislike', word });
  }

  /**
   * Runs a mutating call, then announces the change and schedules a save.
   * @template T
   * @param {(M: any, engine: any) => T} fn
   * @returns {T}
   */
  #mutate(fn) {
    const before = this.#lastRevision;
    try {
      return this.#call(fn);
    } finally {
      if (!this.#closed && !brokenModules.has(this.#M) && this.#refreshRevision() !== before) this.#changed();
    }
  }

  /**
   * Calls into the module with the open handle, translating traps.
   * @template T
   * @param {(M: any, engine: any) => T} fn
   * @returns {T}
   */
  #call(fn) {
    this.#assertOpen();
    try {
      return fn(this.#M, this.#engine);
    } catch (e) {
      throw fatal(this.#M, e);
    }
  }

  #assertOpen() {
    if (this.#closed) {
      throw new HearthError('FAILED_PRECONDITION', 'this Hearth instance is closed; create a new one with createHearth()');
    }
    if (brokenModules.has(this.#M)) {
      throw new HearthError('INTERNAL', 'the Hearth wasm module aborted earlier; create a new instance with createHearth()');
    }
  }

  /** @param {{ code: string, message: string } | null | undefined} err */
  #check(err) {
    if (err) throw fromStatus(err);
  }

  /** @param {any} r */
  #unwrap(r) {
    if (r && r.error) throw fromStatus(r.error);
    return r;
  }

  #nowMs() {
    const t = this.#opts.now();
    if (typeof t !== 'number' || !Number.isFinite(t)) {
      throw invalidArgument(`options.now() returned ${describe(t)}; it must return milliseconds since 1970`);
    }
    return t;
  }

  #refreshRevision() {
    this.#lastRevision = this.#engine.revision();
    return this.#lastRevision;
  }

  #isDirty() {
    return this.#lastRevision !== this.#savedRevision;
  }

  #changed() {
    // No payload to build when nobody listens (every track() comes here).
    if (this.#listeners.get('change')?.size) this.#emit('change', { revision: this.#lastRevision });
    this.#schedule();
  }

  /** Debounced autosave: `autosave` ms after the last change, but no later
   * than MAX_WAIT_FACTOR delays after the first unsaved one. */
  #schedule() {
    const delay = this.#opts.autosave;
    if (delay <= 0 || this.#closed || this.#status === 'restoring') return;
    const t = this.#env.monotonic();
    if (this.#firstDirtyAt === null) this.#firstDirtyAt = t;
    this.#dueAt = Math.min(t + delay, this.#firstDirtyAt + MAX_WAIT_FACTOR * delay);
    // One timer per quiet period, not one per change: a change only moves the
    // due time, and a timer that fires before it waits out the rest. (Every
    // track() with autosave on paid a clearTimeout + setTimeout.)
    if (this.#timer === null) this.#armAutosave(t);
  }

  /** @param {number} t the monotonic time now */
  #armAutosave(t) {
    this.#timer = this.#env.setTimeout(() => {
      this.#timer = null;
      if (this.#closed || this.#unloading) return;
      const now = this.#env.monotonic();
      if (now < this.#dueAt) {
        this.#armAutosave(now);
        return;
      }
      this.#firstDirtyAt = null;
      // An autosave never rejects at the host page: failures go to status / 'error'.
      this.#enqueueSave().catch((e) => this.#emit('error', e instanceof HearthError ? e : fatal(this.#M, e)));
    }, Math.max(0, this.#dueAt - t));
  }

  #cancelTimer() {
    if (this.#timer !== null) this.#env.clearTimeout(this.#timer);
    this.#timer = null;
    this.#firstDirtyAt = null;
  }

  /**
   * Saves run one after another; a save asked for while one is waiting joins it.
   * @returns {Promise<boolean>} whether storage holds the state (as of that save)
   */
  #enqueueSave() {
    if (this.#queued) return this.#queued;
    const run = async () => {
      this.#queued = null;
      return this.#writeNow(false);
    };
    const p = this.#inflight.then(run, run);
    this.#queued = p;
    this.#inflight = p;
    return p;
  }

  /** Whether saves may run: open (or in close()'s final save), writable, allowed. */
  #canWrite() {
    return (!this.#closed || this.#final) && this.#writable && !brokenModules.has(this.#M) && this.#storageAllowed();
  }

  /**
   * Runs `fn` holding the storage key's lock (Web Locks across tabs). A
   * platform that refuses the lock (opaque origins) runs it unlocked.
   * @template T
   * @param {() => Promise<T>} fn
   * @returns {Promise<T>}
   */
  async #locked(fn) {
    let entered = false;
    try {
      return await this.#coord.exclusive(() => {
        entered = true;
        return fn();
      });
    } catch (e) {
      if (entered) throw e;
      return fn();
    }
  }

  /**
   * Saves under the lock: see #reconcile.
   * @param {boolean} force
   * @returns {Promise<boolean>} whether storage now holds the current state
   */
  async #writeNow(force) {
    // A page that handed its tail off never takes the lock again (a reload
    // of it would wait behind that); the live tabs or the next start fold it.
    if (!this.#canWrite() || this.#handedOff) return false;
    return this.#locked(() => this.#reconcile(force));
  }

  /**
   * The save protocol (docs/durability.md), run holding the lock: read what
   * storage holds; if another tab wrote since this state was based on it,
   * rebase (restore that, replay this tab's journal); then, when the state
   * differs from storage (or with `force`), write it with ONE set() of the
   * key and tell the other tabs.
   * @param {boolean} force
   * @param {Map<string, string> | null} [fold] tails (key → text) the state includes (start-up fold)
   * @returns {Promise<boolean>}
   */
  async #reconcile(force, fold = null) {
    if (!this.#canWrite()) return false;
    const { adapter, key } = this.#opts;
    if (this.#base !== null) {
      const stored = await this.#readStored();
      if (stored === undefined || !this.#canWrite()) return false;
      const tag = storedTag(stored);
      if (tag !== this.#base) {
        if (stored === null) {
          // Gone without an 'erased' message from a tab (evicted under storage
          // pressure, cleared, a deleted database): write this state back.
          this.#base = 'none';
          this.#savedRevision = NaN;
        } else await this.#rebase(stored, tag);
      }
      if (!this.#canWrite()) return false;
    }
    const revision = this.#refreshRevision();
    if (!force && revision === this.#savedRevision) return true;
    let bytes;
    try {
      bytes = this.#M.exportState(this.#engine);
    } catch (e) {
      this.#emit('error', fatal(this.#M, e));
      return false;
    }
    const covered = this.#journal.mark();
    const folding = this.#markFold(bytes, fold);
    this.#writing = { tag: storedTag(bytes), mark: covered };
    try {
      await adapter.set(key, bytes);
    } catch (e) {
      this.#storageFailed(wrapStorageError(e, 'write'));
      return false;
    } finally {
      this.#writing = null;
    }
    this.#committed(bytes, revision, covered, folding);
    return true;
  }

  /**
   * What storage holds under the key (null: nothing), or undefined when the
   * read failed (reported through status and 'error').
   * @returns {Promise<Uint8Array | null | undefined>}
   */
  async #readStored() {
    const { adapter, key } = this.#opts;
    try {
      const v = await adapter.get(key);
      const stored = v == null ? null : toBytes(v);
      if (v != null && !stored) throw new HearthError('DATA_LOSS', `storage returned ${describe(v)} for '${key}', not bytes`);
      return stored;
    } catch (e) {
      this.#storageFailed(wrapStorageError(e, 'read'));
      return undefined;
    }
  }

  /**
   * Before a write that includes tails (this tab's own, or those a start-up
   * folds): the fold marker (persist.js), so that a crash between the write
   * and the tails' removal never replays them twice.
   * @param {Uint8Array} bytes what is about to be written
   * @param {Map<string, string> | null} fold
   * @returns {Map<string, string>} the tails to remove once the write landed
   */
  #markFold(bytes, fold) {
    const { key, tailStore } = this.#opts;
    const tails = new Map(fold ?? []);
    if (this.#adoptedReady) for (const [k, a] of this.#adopted) tails.set(k, a.text);
    if (!tailStore) return tails;
    try {
      const own = tailStore.getItem(this.#tailKey);
      if (own !== null) tails.set(this.#tailKey, own);
      if (tails.size > 0) writeFoldMarker(tailStore, key, storedTag(bytes), tails);
    } catch {
      // No marker: a crash right after the write would replay these tails
      // once more (events with ids are still deduplicated).
    }
    return tails;
  }

  /**
   * Storage now holds `bytes` (this state at `revision`, which includes the
   * first `covered` journal entries): advance the base, drop those entries,
   * drop tails the write made redundant, tell the other tabs.
   * @param {Uint8Array} bytes
   * @param {number} revision
   * @param {number} covered
   * @param {Map<string, string>} folding tails (key → text) the write includes
   */
  #committed(bytes, revision, covered, folding) {
    this.#base = storedTag(bytes);
    this.#journal.dropFront(covered);
    this.#journal.overflow = false;
    const t = this.#tailMark;
    this.#tailMark = t && (t.len > covered.len || t.f > covered.f) ? { len: Math.max(0, t.len - covered.len), f: Math.max(0, t.f - covered.f) } : null;
    for (const k of folding.keys()) this.#adopted.delete(k);
    if (this.#adopted.size === 0) this.#adoptedReady = false;
    const { key, tailStore } = this.#opts;
    if (tailStore) {
      try {
        // The tails the write includes, unless rewritten since (a newer
        // tail of a live tab), then the marker.
        for (const [k, text] of folding) {
          if (tailStore.getItem(k) !== text) continue;
          tailStore.removeItem(k);
          if (k === this.#tailKey) this.#tailMark = null;
        }
        // A tail this tab wrote while the write was under way (pagehide during
        // a save) is based on the old state: rebase it on the new one, so a
        // later fold never replays what this write holds.
        if (tailStore.getItem(this.#tailKey) !== null && !folding.has(this.#tailKey)) {
          const text = this.#writeTail(this.#M.exportState(this.#engine));
          // Announced again: the live tabs skip the first text (gone now).
          if (this.#handedOff) this.#coord.post({ type: 'tail', key: this.#tailKey, text, from: this.#tailKey });
        }
        if (folding.size > 0) tailStore.removeItem(`${key}:folded`);
        // A tail of an older version of Hearth (one per key).
        const tail = tailStore.getItem(`${key}:tail`);
        if (tail !== null && snapshotRevisionOfTail(tail) <= BigInt(revision)) tailStore.removeItem(`${key}:tail`);
      } catch {
        // the next start folds it
      }
    }
    this.#coord.post({ type: 'saved', tag: this.#base, from: this.#tailKey });
    this.#written(revision);
  }

  /**
   * Another tab wrote since this state was based on storage: take what it
   * wrote and replay this tab's journal on top, so both tabs' events are kept
   * and this tab converges to the shared state.
   * @param {Uint8Array} stored
   * @param {string} tag storedTag(stored)
   */
  async #rebase(stored, tag) {
    const { adapter, key, tailStore } = this.#opts;
    // The tail this tab wrote when hidden was folded in by another tab: its
    // entries are in `stored` already.
    if (this.#tailMark) {
      let gone = false;
      try {
        gone = tailStore?.getItem(this.#tailKey) === null;
      } catch {
        gone = false;
      }
      if (gone) this.#journal.dropFront(this.#tailMark);
    }
    this.#tailMark = null;
    // Adopted tails another tab folded in meanwhile: their entries are in `stored`.
    if (this.#adopted.size > 0 && tailStore) {
      /** @type {Set<string>} */
      const gone = new Set();
      try {
        for (const [k, a] of this.#adopted) if (tailStore.getItem(k) !== a.text) gone.add(k);
      } catch {
        // keep them: ids deduplicate
      }
      for (const k of gone) this.#adopted.delete(k);
      if (this.#adopted.size === 0) this.#adoptedReady = false;
    }
    if (this.#journal.overflow) {
      this.#emit(
        'error',
        new HearthError(
          'DATA_LOSS',
          "this tab's journal of unsaved events was full (storage failed for long), so its latest events could not be replayed onto the state another tab saved",
        ),
      );
      this.#journal.overflow = false;
    }
    const M = this.#M;
    const e = this.#engine;
    let err;
    try {
      err = M.restoreState(e, stored);
    } catch (x) {
      this.#emit('error', fatal(M, x));
      return;
    }
    if (err) {
      // What is stored does not restore here (corrupt, or from a newer
      // version of Hearth): keep this tab's state, keep the blob aside.
      try {
        await adapter.set(`${key}:corrupt`, stored);
      } catch {
        // keeping the evidence is best-effort
      }
      this.#emit(
        'error',
        new HearthError(err.code, `the Hearth state saved under '${key}' by another tab could not be restored and was kept under '${key}:corrupt'; this tab's state replaces it: ${err.message}`),
      );
      this.#base = tag;
      this.#savedRevision = NaN;
      return;
    }
    this.#savedRevision = this.#refreshRevision();
    try {
      const copyIn = (/** @type {Uint8Array} */ b) => this.#packerFor(e).copyIn(b);
      // Adopted tails (already applied here, not yet saved) first: they are older.
      if (this.#adoptedReady) for (const { journal } of this.#adopted.values()) replay(M, e, journal, copyIn, this.#nowMs());
      if (!this.#journal.isEmpty()) replay(M, e, this.#journal, copyIn, this.#nowMs());
    } catch (x) {
      this.#emit('error', fatal(M, x));
    }
    this.#base = tag;
    this.#refreshRevision();
    this.#emit('change', { revision: this.#lastRevision });
  }

  /**
   * This tab's tail: its snapshot `bytes`, the stored state it is based on,
   * its journal, the save under way, and the adopted tails it replayed.
   * Throws what localStorage throws.
   * @param {Uint8Array} bytes
   * @returns {string} the text written ('' without a tail store)
   */
  #writeTail(bytes) {
    const { tailStore } = this.#opts;
    if (!tailStore) return '';
    /** @type {[string, string][]} */
    const covers = [];
    if (this.#adoptedReady) for (const [k, a] of this.#adopted) covers.push([k, textHash(a.text)]);
    const text = encodeTail({ base: this.#base ?? 'adopt', snapshot: bytes, journal: this.#journal, writing: this.#writing, covers });
    tailStore.setItem(this.#tailKey, text);
    this.#tailMark = this.#journal.mark();
    return text;
  }

  /**
   * Folds a tail a closing tab announced (queued like a save, under the lock).
   * @param {string} k its key
   * @param {string} text what it announced
   */
  #foldAnnounced(k, text) {
    const run = () => (this.#canWrite() && !this.#unloading ? this.#locked(() => this.#adoptAnnounced(k, text)) : false);
    const p = this.#inflight.then(run, run).catch((e) => {
      this.#emit('error', e instanceof HearthError ? e : fatal(this.#M, e));
      return false;
    });
    this.#inflight = p;
  }

  /**
   * Holding the lock: takes a closing tab's tail in (its journal replayed on
   * this state, like a tail adopted at start) and saves, which removes it.
   * Idempotent: the tail counts only while localStorage still holds exactly
   * the announced text — a start or another tab that folded it removed it
   * (or, crashed before removing it, left the fold marker that names it),
   * and a tab that rewrote it announced the new text.
   * @param {string} k
   * @param {string} text
   * @returns {Promise<boolean>}
   */
  async #adoptAnnounced(k, text) {
    const { key, tailStore } = this.#opts;
    if (!tailStore || this.#adopted.has(k) || !this.#canWrite()) return false;
    let found;
    try {
      found = tailStore.getItem(k);
    } catch {
      return false; // localStorage blocked now: the next start folds it
    }
    if (found !== text) {
      // Not there yet (written by another process, visible a moment later:
      // its 'storage' event folds it) or folded already.
      if (found === null && this.#awaitedTails.size < 64) this.#awaitedTails.set(k, text);
      return false;
    }
    const stored = await this.#readStored();
    if (stored === undefined) return false;
    const alreadyIn = foldedTails(tailStore, key, storedTag(stored));
    if (alreadyIn.get(k) === textHash(text)) return false; // a fold crashed before removing it: the next save's marker cleanup does
    const tail = decodeTail(text);
    if (tail.legacy || tail.bad) return false; // left for a start, which reports it
    // Written while that tab's save was under way, which landed: only what
    // came after it is new.
    const tag = storedTag(stored);
    if (tail.writing && tail.writing.tag === tag && tail.base !== tag) tail.journal.dropFront(tail.writing.mark);
    this.#adopted.set(k, { text, journal: tail.journal });
    if (this.#catalogReady && (this.#adoptedReady || this.#adopted.size === 1)) {
      const before = this.#lastRevision;
      this.#call((M, e) => replay(M, e, tail.journal, (b) => this.#packerFor(e).copyIn(b), this.#nowMs()));
      this.#adoptedReady = true;
      if (this.#refreshRevision() !== before) this.#emit('change', { revision: this.#lastRevision });
    }
    // Until the catalog is loaded the tail waits in #adopted (#replayAdopted).
    return this.#reconcile(this.#adoptedReady);
  }

  /** Another tab erased the user's data: so does this one. */
  #eraseHere() {
    if (this.#closed || brokenModules.has(this.#M)) return;
    try {
      this.#M.erase(this.#engine);
    } catch (e) {
      this.#emit('error', fatal(this.#M, e));
      return;
    }
    this.#cancelTimer();
    this.#journal.clear();
    this.#adopted.clear();
    this.#adoptedReady = false;
    this.#tailMark = null;
    this.#base = 'none';
    this.#savedRevision = this.#refreshRevision();
    try {
      this.#opts.tailStore?.removeItem(this.#tailKey);
    } catch {
      // nothing to remove
    }
    this.#emit('change', { revision: this.#lastRevision });
  }

  /**
   * Storage now holds `revision`: leave memory-only mode if a write had
   * failed before.
   * @param {number} revision
   */
  #written(revision) {
    this.#savedRevision = revision;
    if (this.#closed) return;
    if (this.#status === 'memory-only') this.#setStatus('ready', null, null);
  }

  /**
   * The page is going away (or hidden, which on mobile may be the last
   * chance): write synchronously what can be written synchronously.
   * @param {boolean} [direct] start the storage write now, not under the
   *   lock (a consent revocation: it must reach the disk at once, and what it
   *   overwrites must not be kept anyway)
   * @param {boolean} [handoff] the page is unloading (pagehide): with an
   *   asynchronous adapter, the tail is announced to the live tabs, which
   *   fold it in, instead of a save under the lock (see docs/durability.md)
   */
  #flushOnHide(direct = false, handoff = false) {
    if (this.#closed || !this.#canWrite()) return;
    this.#refreshRevision();
    if (!this.#isDirty()) return;
    this.#cancelTimer();
    const { adapter, key, tailStore } = this.#opts;
    let bytes;
    try {
      bytes = this.#M.exportState(this.#engine);
    } catch {
      return;
    }
    const revision = this.#lastRevision;
    let tail = '';
    if (tailStore) {
      // This tab's tail: its snapshot, the stored state it is based on, and
      // its journal (folded in by the next start, or by this tab's next save).
      try {
        tail = this.#writeTail(bytes);
      } catch (e) {
        this.#storageFailed(wrapStorageError(e, 'write the pagehide copy of'));
      }
    }
    if (handoff && tail !== '' && adapter.synchronous !== true && !direct && this.#coord.hasChannel) {
      // The handoff: the tail is on disk (synchronously); the live tabs fold
      // it in under the lock, or the next start does. This page takes no
      // lock and starts no write, so a reload of it does not wait for one.
      this.#handedOff = true;
      this.#coord.post({ type: 'tail', key: this.#tailKey, text: tail, from: this.#tailKey });
      return;
    }
    if (adapter.synchronous !== true && !direct) {
      // Under the lock like every save; the tail covers a page that dies first.
      this.#enqueueSave().catch(() => {});
      return;
    }
    // Synchronous adapters (localStorage, memory): started directly, not
    // queued behind the lock, so the write finishes inside this call.
    const covered = this.#journal.mark();
    const folding = this.#markFold(bytes, null);
    let p;
    try {
      p = adapter.set(key, bytes);
    } catch (e) {
      p = Promise.reject(e);
    }
    const write = Promise.resolve(p).then(
      () => this.#committed(bytes, revision, covered, folding),
      (e) => {
        if (!this.#closed) this.#storageFailed(wrapStorageError(e, 'write'));
      },
    );
    this.#inflight = this.#inflight.then(() => write);
  }

  /**
   * Consent: nothing is written while personalization or gamification is
   * pending (compute in memory only).
   */
  #storageAllowed() {
    const c = this.#M.consentGet(this.#engine);
    return c.personalization.state !== 'pending' && c.gamification.state !== 'pending';
  }

  /**
   * A revocation takes effect on disk at once: the new (erased) state is
   * written now, or, when writes are held back, the stored copy is deleted.
   */
  #persistNow() {
    if (this.#closed || !this.#writable || brokenModules.has(this.#M)) return this.#inflight;
    this.#cancelTimer();
    if (this.#storageAllowed()) {
      this.#refreshRevision();
      this.#savedRevision = NaN; // force the write
      this.#flushOnHide(true);
      return this.#inflight;
    }
    const { adapter, key, tailStore } = this.#opts;
    const p = this.#inflight.then(async () => {
      try {
        tailStore?.removeItem(`${key}:tail`);
        tailStore?.removeItem(this.#tailKey);
        await adapter.delete(key);
        this.#base = 'none';
      } catch (e) {
        this.#storageFailed(wrapStorageError(e, 'erase'));
      }
    });
    this.#inflight = p;
    return p;
  }

  /**
   * status / statusReason, announced with a 'status' event when they change.
   * @param {'restoring' | 'ready' | 'memory-only' | 'closed'} status
   * @param {string | null} reason
   * @param {string | null} code the HearthError code behind a 'memory-only'
   */
  #setStatus(status, reason, code) {
    const changed = status !== this.#status || reason !== this.#statusReason;
    this.#status = status;
    this.#statusReason = reason;
    this.#statusCode = code;
    if (changed && status !== 'restoring' && status !== 'closed') this.#emit('status', { status, reason, code });
  }

  /** @param {HearthError} err */
  #storageFailed(err) {
    if (this.#closed) return;
    const first = this.#status !== 'memory-only';
    this.#setStatus('memory-only', err.message, err.code);
    if (first) this.#emit('error', err);
  }

  #attachPageListeners() {
    this.#env.target?.addEventListener('pagehide', this.#onPageHide);
    this.#env.target?.addEventListener('pageshow', this.#onPageShow);
    this.#env.target?.addEventListener('storage', this.#onStorage);
    this.#visibilityTarget()?.addEventListener('visibilitychange', this.#onVisibility);
  }

  #detachPageListeners() {
    this.#env.target?.removeEventListener('pagehide', this.#onPageHide);
    this.#env.target?.removeEventListener('pageshow', this.#onPageShow);
    this.#env.target?.removeEventListener('storage', this.#onStorage);
    this.#visibilityTarget()?.removeEventListener('visibilitychange', this.#onVisibility);
  }

  /** visibilitychange is fired at the document (it bubbles to window). */
  #visibilityTarget() {
    const d = /** @type {any} */ (this.#env.document);
    return d && typeof d.addEventListener === 'function' ? d : this.#env.target;
  }

  /**
   * @param {string} event
   * @param {unknown} payload
   */
  #emit(event, payload) {
    const set = this.#listeners.get(event);
    if (!set || set.size === 0) return;
    for (const fn of [...set]) {
      try {
        fn(payload);
      } catch (e) {
        // A failing listener must not break Hearth nor the other listeners.
        this.#env.reportError(e);
      }
    }
  }
}

/** @param {string} text */
function snapshotRevisionOfTail(text) {
  try {
    // The first 24 bytes are 32 base64 characters.
    return snapshotRevision(base64ToBytes(text.slice(0, 32)));
  } catch {
    return -1n;
  }
}

/**
 * @param {unknown} list
 * @param {string} name
 * @returns {string[]}
 */
function wordList(list, name) {
  if (!Array.isArray(list)) throw invalidArgument(`preferences.set(): ${name} must be an array of strings`);
  return list.map((w, i) => {
    if (typeof w !== 'string') throw invalidArgument(`preferences.set(): ${name}[${i}] must be a string, not ${describe(w)}`);
    return optionalString(w, `preferences.set(): ${name}[${i}]`);
  });
}
