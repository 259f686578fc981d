// Durability across crashes and tabs: the pieces of the save protocol that
// js/internal/hearth.js drives (see docs/durability.md for the whole design).
//
//  - Coordinator: one exclusive lock per storage key (Web Locks across the
//    tabs and workers of an origin; an in-process queue where the platform
//    has none) and a BroadcastChannel on which a tab announces that it wrote
//    or erased the stored state, so the others catch up.
//  - Journal: the events (and pick feedback) this instance applied since the
//    stored state it is based on. A save that finds the stored state moved on
//    (another tab saved) rebases: it restores the stored snapshot and replays
//    the journal on top, so no tab's events are lost and every tab ends up
//    with the state storage holds.
//  - Tails: what a page writes synchronously to localStorage when it is
//    hidden or unloads, one key per tab (`<key>:tail:<tab>`): its snapshot,
//    the revision of the stored state it was based on, and its journal. The
//    next start (or the tab's own next save) folds them in.
//
// Every save commits with ONE write of one key (the adapter's set()), so a
// crash at any point leaves storage holding the old or the new snapshot.

import { base64ToBytes, bytesToBase64 } from '../storage/base64.js';

/** Bytes of packed events a journal keeps at most (~20,000 typical events);
 * beyond, it stops recording and the next rebase reports what it missed. */
export const MAX_JOURNAL_BYTES = 2 * 1024 * 1024;

const TAIL_PREFIX = 'H2:';

/**
 * The revision stored in a snapshot header (u64 LE at byte 16), or -1n when
 * the blob does not even look like a snapshot.
 * @param {Uint8Array} bytes
 * @returns {bigint}
 */
export function snapshotRevision(bytes) {
  if (bytes.length < 24 || bytes[0] !== 0x48 || bytes[1] !== 0x52 || bytes[2] !== 0x54 || bytes[3] !== 0x48) return -1n;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(16, true);
}

/**
 * A tag for "what storage holds": 'none', or 'r<revision>.<length>.<checksum>'
 * of its snapshot header ('x' for bytes that are not a snapshot). Revisions
 * only grow across tabs because every save is based on the stored state (see
 * docs/durability.md); length and checksum make two different states with
 * one revision (a state restored from options.snapshot) tell apart.
 * @param {Uint8Array | null} bytes
 */
export function storedTag(bytes) {
  if (bytes === null) return 'none';
  const r = snapshotRevision(bytes);
  if (r < 0n) return 'x';
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return `r${r}.${dv.getUint32(8, true).toString(36)}.${dv.getUint32(12, true).toString(36)}`;
}

/** A random id for this tab's tail key (not an identifier of the user). */
export function newTabId(random = Math.random) {
  let s = '';
  for (let i = 0; i < 3; i++) s += Math.floor(random() * 2 ** 32).toString(36);
  return s;
}

// ---- the journal -----------------------------------------------------------------

/** A position in a journal: bytes of events and count of feedback entries before it. */
/** @typedef {{ len: number, f: number }} Mark */

/**
 * What a tab applied since its base: the events as the packed batch bytes
 * the core reads (js/internal/packed.js — copied as they are packed, so
 * journaling costs a byte copy, no object kept per event), and pick feedback
 * entries, each at the byte offset where it happened.
 */
export class Journal {
  constructor() {
    /** @type {Uint8Array} */
    this.bytes = new Uint8Array(0);
    /** @type {DataView | null} a view of `bytes` (made on first use) */
    this.view = null;
    this.len = 0;
    /** Pick feedback and preference changes, each at its byte offset. */
    /** @type {any[]} */
    this.feedback = [];
    /** Events not recorded because the journal was full. */
    this.overflow = false;
  }

  /** @returns {Mark} */
  mark() {
    return { len: this.len, f: this.feedback.length };
  }

  isEmpty() {
    return this.len === 0 && this.feedback.length === 0;
  }

  /**
   * Appends `n` bytes of packed events from `src`.
   * @param {Uint8Array} src
   * @param {number} n
   * @param {DataView} [srcView] a view of the same bytes as `src`, for the
   *   word-at-a-time copy of one event
   */
  append(src, n, srcView) {
    if (this.len + n > MAX_JOURNAL_BYTES) {
      this.overflow = true;
      return;
    }
    if (this.len + n > this.bytes.length) {
      const next = new Uint8Array(Math.min(MAX_JOURNAL_BYTES, Math.max(4096, 2 * (this.len + n))));
      next.set(this.bytes.subarray(0, this.len));
      this.bytes = next;
    }
    const dst = this.bytes;
    const at = this.len;
    if (n <= 256) {
      // One event: a loop beats allocating a subarray view per track(), and
      // 4 bytes per step beat 1 (an event is ~50 bytes).
      let i = 0;
      if (srcView !== undefined) {
        let view = this.view;
        if (view === null || view.buffer !== dst.buffer) view = this.view = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
        for (; i + 4 <= n; i += 4) view.setUint32(at + i, srcView.getUint32(i, true), true);
      }
      for (; i < n; i++) dst[at + i] = src[i];
    } else dst.set(n === src.length ? src : src.subarray(0, n), at);
    this.len = at + n;
  }

  /** Forgets what came after `m` (an event the core did not record). @param {Mark} m */
  truncate(m) {
    this.len = m.len;
    this.feedback.length = m.f;
  }

  /** @param {string} item @param {string} slot @param {string} outcome @param {number} now */
  addFeedback(item, slot, outcome, now) {
    this.addOp({ item, slot, outcome, now });
  }

  /**
   * A preference change: { k: 'like' | 'dislike', word }, { k: 'prefs',
   * likes, dislikes } or { k: 'forget', what }.
   * @param {any} op
   */
  addOp(op) {
    if (this.feedback.length >= 10_000) {
      this.overflow = true;
      return;
    }
    this.feedback.push({ ...op, at: this.len });
  }

  /** Drops what is before `m` (saved). @param {Mark} m */
  dropFront(m) {
    const len = Math.min(m.len, this.len);
    this.bytes.copyWithin(0, len, this.len);
    this.len -= len;
    this.feedback = this.feedback.slice(Math.min(m.f, this.feedback.length)).map((x) => ({ ...x, at: Math.max(0, x.at - len) }));
    if (this.len === 0 && this.bytes.length > 65536) this.bytes = new Uint8Array(0);
  }

  clear() {
    this.len = 0;
    this.feedback = [];
    this.overflow = false;
    if (this.bytes.length > 65536) this.bytes = new Uint8Array(0);
  }

  toJSON() {
    return { b: bytesToBase64(this.bytes.subarray(0, this.len)), f: this.feedback };
  }

  /** A journal from a tail's JSON; anything malformed is left out. @param {any} o */
  static fromJSON(o) {
    const j = new Journal();
    if (o && typeof o.b === 'string') {
      try {
        const b = base64ToBytes(o.b);
        if (b.length <= MAX_JOURNAL_BYTES) {
          j.bytes = b;
          j.len = b.length;
        }
      } catch {
        // no events
      }
    }
    if (o && Array.isArray(o.f)) {
      const words = (/** @type {unknown} */ l) => Array.isArray(l) && l.length <= 64 && l.every((w) => typeof w === 'string');
      for (const x of o.f.slice(0, 10_000)) {
        if (!x || !Number.isInteger(x.at)) continue;
        const at = Math.min(Math.max(0, x.at), j.len);
        if (x.k === undefined && typeof x.item === 'string' && typeof x.slot === 'string' && typeof x.outcome === 'string') {
          j.feedback.push({ at, item: x.item, slot: x.slot, outcome: x.outcome, now: Number(x.now) || 0 });
        } else if ((x.k === 'like' || x.k === 'dislike') && typeof x.word === 'string') j.feedback.push({ at, k: x.k, word: x.word });
        else if (x.k === 'forget' && typeof x.what === 'string') j.feedback.push({ at, k: 'forget', what: x.what });
        else if (x.k === 'prefs' && words(x.likes) && words(x.dislikes)) j.feedback.push({ at, k: 'prefs', likes: x.likes, dislikes: x.dislikes });
      }
      j.feedback.sort((a, b) => a.at - b.at);
    }
    return j;
  }
}

// ---- tails ----------------------------------------------------------------------

/**
 * `writing`: the save under way when the tail was written (the storedTag it
 * will leave and the journal mark it covers): if storage turns out to hold
 * it, the tail is based on it and what it covers is not replayed.
 * `covers`: other tails (key → text hash) whose journals this tab replayed
 * into the snapshot (tails it adopted at start and has not saved yet).
 * @param {{ base: string, snapshot: Uint8Array, journal: Journal, writing?: { tag: string, mark: Mark } | null, covers?: [string, string][] }} tail
 * @returns {string}
 */
export function encodeTail(tail) {
  return (
    TAIL_PREFIX +
    JSON.stringify({
      v: 2,
      base: tail.base,
      snapshot: bytesToBase64(tail.snapshot),
      journal: tail.journal.toJSON(),
      writing: tail.writing ?? null,
      covers: tail.covers ?? [],
    })
  );
}

/**
 * A tail as found in localStorage: the current format, or the earlier one
 * (the base64 snapshot alone, under `<key>:tail`).
 * @param {string} text
 * @returns {{ legacy: boolean, base: string | null, snapshot: Uint8Array | null, journal: Journal, writing?: { tag: string, mark: Mark } | null, covers: [string, string][], bad: boolean }}
 */
export function decodeTail(text) {
  if (text.startsWith(TAIL_PREFIX)) {
    try {
      const o = JSON.parse(text.slice(TAIL_PREFIX.length));
      const w = o.writing;
      const m = w?.mark;
      return {
        legacy: false,
        base: typeof o.base === 'string' ? o.base : null,
        snapshot: typeof o.snapshot === 'string' ? base64ToBytes(o.snapshot) : null,
        journal: Journal.fromJSON(o.journal),
        writing:
          w && typeof w.tag === 'string' && m && Number.isInteger(m.len) && Number.isInteger(m.f) && m.len >= 0 && m.f >= 0
            ? { tag: w.tag, mark: { len: m.len, f: m.f } }
            : null,
        covers: Array.isArray(o.covers) ? o.covers.filter((/** @type {any} */ c) => Array.isArray(c) && typeof c[0] === 'string' && typeof c[1] === 'string') : [],
        bad: false,
      };
    } catch {
      return { legacy: false, base: null, snapshot: null, journal: new Journal(), covers: [], bad: true };
    }
  }
  let snapshot;
  try {
    snapshot = base64ToBytes(text);
  } catch {
    snapshot = new TextEncoder().encode(text); // kept as found; it restores as corrupt
  }
  return { legacy: true, base: null, snapshot, journal: new Journal(), covers: [], bad: false };
}

/**
 * The tail keys of `key` in a Storage: the legacy `<key>:tail` and every
 * `<key>:tail:<tab>`.
 * @param {Storage} ls
 * @param {string} key
 * @returns {string[]}
 */
export function tailKeys(ls, key) {
  const out = [];
  const legacy = `${key}:tail`;
  if (ls.getItem(legacy) !== null) out.push(legacy);
  const prefix = `${key}:tail:`;
  const n = typeof ls.length === 'number' ? ls.length : 0;
  if (typeof ls.key === 'function') {
    for (let i = 0; i < n; i++) {
      const k = ls.key(i);
      if (k !== null && k.startsWith(prefix)) out.push(k);
    }
  } else if (/** @type {any} */ (ls).map instanceof Map) {
    // test doubles that keep a Map (tests/js/helpers/fake.js)
    for (const k of /** @type {any} */ (ls).map.keys()) if (k.startsWith(prefix)) out.push(k);
  }
  return out;
}

// ---- replay -----------------------------------------------------------------------

/**
 * Applies a journal to an engine, in order, without announcing rewards (the
 * tab that tracked them already did). Packed bytes the core rejects as a
 * whole (a tail tampered with) record nothing.
 * @param {any} M the module
 * @param {any} engine
 * @param {Journal} journal
 * @param {(bytes: Uint8Array) => number} copyIn copies packed bytes into the engine's buffer, returns the length
 * @param {number} now
 * @returns {{ events: number, feedback: number }}
 */
export function replay(M, engine, journal, copyIn, now) {
  let events = 0;
  let feedback = 0;
  let at = 0;
  const run = (/** @type {number} */ end) => {
    if (end <= at) return;
    const r = M.trackPackedBatch(engine, copyIn(journal.bytes.subarray(at, end)), now);
    if (r && !r.error) events += r.recorded;
    M.gameTakeRewards?.(engine);
    at = end;
  };
  for (const x of journal.feedback) {
    run(x.at);
    // Rejected now (an item gone from the catalog since): simply not replayed.
    const k = /** @type {any} */ (x).k;
    if (k === 'like' || k === 'dislike') engine.addPreference(/** @type {any} */ (x).word, k === 'like');
    else if (k === 'prefs') engine.setPreferences(/** @type {any} */ (x).likes, /** @type {any} */ (x).dislikes);
    else if (k === 'forget') engine.forget(/** @type {any} */ (x).what);
    else if (!M.feedback(engine, x.item, x.slot, x.outcome, x.now)) feedback++;
  }
  run(journal.len);
  return { events, feedback };
}

// ---- coordination ---------------------------------------------------------------

/** In-process exclusive queues, for platforms without Web Locks. */
const localQueues = new Map();

/**
 * @param {string} name
 * @param {() => Promise<any>} fn
 */
function localExclusive(name, fn) {
  const prev = localQueues.get(name);
  /** @type {Promise<unknown>} */
  let waited = Promise.resolve();
  if (prev) {
    // Waits for the previous holder at most LOCK_TIMEOUT_MS (see there).
    /** @type {any} */
    let timer;
    waited = Promise.race([
      prev,
      new Promise((resolve) => {
        timer = setTimeout(resolve, LOCK_TIMEOUT_MS);
        timer?.unref?.();
      }),
    ]).finally(() => clearTimeout(timer));
  }
  const run = waited.then(fn, fn);
  const tail = run.then(
    () => {},
    () => {},
  );
  localQueues.set(name, tail);
  tail.then(() => {
    if (localQueues.get(name) === tail) localQueues.delete(name);
  });
  return run;
}

/** How long a save waits for the lock before it goes ahead without it (a
 * tab stuck holding it must not stop every other tab from saving). */
export const LOCK_TIMEOUT_MS = 10_000;

/** Lock scopes of storage that lives in this process only (memory adapters). */
const privateScopes = new WeakMap();
let scopeSeq = 0;

/**
 * The lock and the channel of one storage key.
 * @param {string} key
 * @param {{ locks?: any, BroadcastChannel?: any }} platform
 * @param {object | null} [localTo] an adapter whose data lives only in this
 *   process (the memory adapter): then the lock is private to that adapter
 *   object and there is no channel (no other tab can see that storage)
 */
export function createCoordinator(key, platform, localTo = null) {
  let name = `hearth:${key}`;
  if (localTo) {
    let scope = privateScopes.get(localTo);
    if (scope === undefined) privateScopes.set(localTo, (scope = ++scopeSeq));
    name += `#${scope}`;
  }
  const locks = !localTo && platform.locks && typeof platform.locks.request === 'function' ? platform.locks : null;
  /** @type {any} */
  let channel = null;
  if (!localTo && typeof platform.BroadcastChannel === 'function') {
    try {
      channel = new platform.BroadcastChannel(name);
      channel.unref?.(); // a Node process must not stay alive for it
    } catch {
      channel = null;
    }
  }
  /** @type {((msg: any) => void) | null} */
  let listener = null;
  if (channel) {
    channel.onmessage = (/** @type {MessageEvent} */ ev) => {
      try {
        listener?.(ev.data);
      } catch {
        // a listener failure is the listener's business
      }
    };
  }
  return {
    /** 'web-locks' | 'in-process' */
    lockKind: locks ? 'web-locks' : 'in-process',
    hasChannel: channel !== null,
    /**
     * Runs `fn` holding the exclusive lock of this key.
     * @template T
     * @param {() => Promise<T>} fn
     * @returns {Promise<T>}
     */
    exclusive(fn) {
      if (locks) {
        const signal = typeof AbortSignal?.timeout === 'function' ? AbortSignal.timeout(LOCK_TIMEOUT_MS) : undefined;
        return locks.request(name, signal ? { mode: 'exclusive', signal } : { mode: 'exclusive' }, fn);
      }
      return localExclusive(name, fn);
    },
    /** @param {any} msg */
    post(msg) {
      try {
        channel?.postMessage(msg);
      } catch {
        // a closed channel: nobody to tell
      }
    },
    /** @param {(msg: any) => void} fn */
    listen(fn) {
      listener = fn;
    },
    close() {
      listener = null;
      try {
        channel?.close();
      } catch {
        // already closed
      }
      channel = null;
    },
  };
}

// ---- the fold marker ---------------------------------------------------------------
//
// Folding tails into storage is two steps (write the key, then remove the
// tails); a crash between them would replay the tails' journals again on the
// next start. So before the write, `<key>:folded` records which tails (by
// their text's hash) the new stored state includes, and the storedTag() that
// state will have: at start, a marker whose tag matches what is stored means
// those tails are already in it; any other marker is stale (the write never
// landed) and ignored.

/** FNV-1a 32 of a string's UTF-16 code units, as hex. @param {string} text */
export function textHash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${text.length.toString(36)}-${h.toString(16)}`;
}

/**
 * @param {Storage} ls
 * @param {string} key
 * @param {string} tag the storedTag() of the state about to be written
 * @param {Map<string, string>} tails key → text of the tails it includes
 */
export function writeFoldMarker(ls, key, tag, tails) {
  ls.setItem(`${key}:folded`, JSON.stringify({ tag, tails: [...tails].map(([k, text]) => [k, textHash(text)]) }));
}

/**
 * The tails the stored state (tagged `tag`) already includes, by key → hash.
 * @param {Storage} ls
 * @param {string} key
 * @param {string} tag
 * @returns {Map<string, string>}
 */
export function foldedTails(ls, key, tag) {
  try {
    const text = ls.getItem(`${key}:folded`);
    if (text === null) return new Map();
    const o = JSON.parse(text);
    if (o?.tag !== tag || !Array.isArray(o.tails)) return new Map();
    return new Map(o.tails.filter((/** @type {any} */ x) => Array.isArray(x) && typeof x[0] === 'string' && typeof x[1] === 'string'));
  } catch {
    return new Map();
  }
}
