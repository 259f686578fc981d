// A fake of the Embind module (same function names, same return shapes) and
// a fake environment (timers, page events, localStorage), so the wrapper's
// own logic is tested without wasm and without real time.

const MAGIC = [0x48, 0x52, 0x54, 0x48]; // "HRTH"

/**
 * A snapshot in the real header layout: magic, u16 format, u16 flags,
 * u32 payload length, u32 crc (0 here), then the payload starting with the
 * u64 LE revision, then JSON of the fake state.
 */
export function fakeSnapshot(revision, state = {}, format = 1) {
  const json = new TextEncoder().encode(JSON.stringify(state));
  const out = new Uint8Array(16 + 8 + json.length);
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  dv.setUint16(4, format, true);
  dv.setUint16(6, 0, true);
  dv.setUint32(8, 8 + json.length, true);
  dv.setUint32(12, 0, true);
  dv.setBigUint64(16, BigInt(revision), true);
  out.set(json, 24);
  return out;
}

export function createFakeModule() {
  const M = {
    live: 0,
    created: 0,
    deleted: 0,
    calls: [],
    /** Set to make the next call of that name throw this error (a trap). */
    throwOn: {},
  };
  const maybeThrow = (name) => {
    const e = M.throwOn[name];
    if (e) {
      delete M.throwOn[name];
      throw e;
    }
  };

  class Engine {
    constructor() {
      M.live++;
      M.created++;
      this.alive = true;
      this.rev = 0;
      this.events = [];
      this.ids = new Set();
      this.likes = [];
      this.dislikes = [];
      this.items = new Set();
      this.err = null;
      this.consent = {
        personalization: { state: 'granted', ts: null, source: 'default' },
        gamification: { state: 'granted', ts: null, source: 'default' },
        measurement: { state: 'pending', ts: null, source: 'default' },
      };
      M.lastEngine = this;
    }
    #use(name) {
      if (!this.alive) throw new Error('BindingError: Cannot pass deleted object as a pointer');
      M.calls.push(name);
      maybeThrow(name);
    }
    configure(json) {
      this.#use('configure');
      if (json !== '') {
        const cfg = JSON.parse(json);
        if ('bogus' in cfg) return { code: 'INVALID_ARGUMENT', message: "unknown key 'bogus'" };
      }
      this.rev = 0;
      return null;
    }
    // The packing buffer of js/internal/packed.js (wasm memory in the real module).
    packBuffer(n) {
      if (!this.pack || this.pack.length < n) this.pack = new Uint8Array(n);
      return this.pack;
    }
    /** Decodes the first `length` bytes of the packing buffer (src/hearth/engine/batch.h's layout). */
    unpack(length) {
      const view = new DataView(this.pack.buffer, 0, length);
      const dec = new TextDecoder();
      const events = [];
      let pos = 0;
      const str = () => {
        const n = view.getUint32(pos, true);
        const s = dec.decode(this.pack.subarray(pos + 4, pos + 4 + n));
        pos += 4 + n;
        return s;
      };
      while (pos < length) {
        const ts = view.getFloat64(pos, true);
        const value = view.getFloat64(pos + 8, true);
        const quantity = view.getFloat64(pos + 16, true);
        const deal = view.getUint8(pos + 24) === 1;
        const tz = view.getInt32(pos + 25, true);
        pos += 29;
        const type = str();
        const item = str();
        const id = str();
        const query = str();
        const contextJson = str();
        events.push({ type, item, id, ts, query, value, quantity, deal, tz, contextJson });
      }
      return events;
    }
    // Like EngineHandle::TrackPacked: one packed event.
    trackPacked(length, now) {
      this.#use('track');
      const [ev] = this.unpack(length);
      const r = this.#track(ev.type, ev.item, ev.id, ev.ts, now, ev.query, ev.value, ev.quantity, ev.deal);
      return r < 0 ? r : 4 * this.rev + r;  // the fake game never holds rewards (no flag 2)
    }
    track(type, item, id, ts, now, query, value, quantity, deal) {
      this.#use('track');
      return this.#track(type, item, id, ts, now, query, value, quantity, deal);
    }
    #track(type, item, id, ts, now, query, value, quantity, deal) {
      if (!['view', 'click', 'add_to_cart', 'purchase', 'search', 'dwell', 'dismiss'].includes(type)) {
        this.err = { code: 'INVALID_ARGUMENT', message: `unknown event type '${type}'` };
        return -1;
      }
      if (ts > now + 86400000) {
        this.err = { code: 'INVALID_ARGUMENT', message: 'event ts is more than a day in the future' };
        return -1;
      }
      if (type !== 'search' && !this.items.has(item)) {
        this.err = { code: 'NOT_FOUND', message: `item '${item}' is not in the catalog` };
        return -1;
      }
      if (id) {
        if (this.ids.has(id)) return 1;
        this.ids.add(id);
      }
      this.events.push({ type, item, ts, query, value, quantity, deal });
      this.rev++;
      return 0;
    }
    seed(s) {
      this.#use('seed');
      this.seedValue = s;
    }
    lastError() {
      return this.err;
    }
    profile(now) {
      this.#use('profile');
      return {
        interests: [],
        segment: 'new',
        rfm: {
          daysSinceActive: null,
          daysSincePurchase: null,
          purchases90d: 0,
          purchasesTotal: 0,
          monetaryTotal: 0,
          eventsTotal: this.events.length,
        },
        likes: [...this.likes],
        dislikes: [...this.dislikes],
        summary: [`now=${now}`],
      };
    }
    setPreferences(likes, dislikes) {
      this.#use('setPreferences');
      this.likes = [...likes];
      this.dislikes = [...dislikes];
      this.rev++;
      return null;
    }
    addPreference(word, like) {
      this.#use('addPreference');
      (like ? this.likes : this.dislikes).push(word);
      this.rev++;
      return null;
    }
    forget(what) {
      this.#use('forget');
      const i = this.likes.indexOf(what);
      if (i < 0) return { code: 'NOT_FOUND', message: `nothing about '${what}'` };
      this.likes.splice(i, 1);
      this.rev++;
      return null;
    }
    revision() {
      if (!this.alive) throw new Error('BindingError: Cannot pass deleted object as a pointer');
      return this.rev;
    }
    delete() {
      if (!this.alive) throw new Error('BindingError: Engine instance already deleted');
      this.alive = false;
      M.live--;
      M.deleted++;
    }
  }

  Object.assign(M, {
    Engine,
    // Like the core's TrackBatch: a JSON array of events, one call.
    trackBatch(engine, json, now) {
      const events = JSON.parse(json);
      let recorded = 0;
      let duplicates = 0;
      const rejected = [];
      events.forEach((ev, index) => {
        const r = engine.track(ev.type, ev.item ?? '', ev.id ?? '', ev.ts ?? now, now, ev.query ?? '',
          ev.value ?? NaN, ev.quantity ?? 1, ev.deal ?? false);
        if (r === 0) recorded++;
        else if (r === 1) duplicates++;
        else rejected.push({ index, ...engine.lastError() });
      });
      return { recorded, duplicates, rejected };
    },
    // Like the core's TrackPacked: the events js/internal/packed.js wrote.
    trackPackedBatch(engine, length, now) {
      let recorded = 0;
      let duplicates = 0;
      const rejected = [];
      engine.unpack(length).forEach((ev, index) => {
        const r = engine.track(ev.type, ev.item, ev.id, ev.ts, now, ev.query, ev.value, ev.quantity, ev.deal);
        if (r === 0) recorded++;
        else if (r === 1) duplicates++;
        else rejected.push({ index, ...engine.lastError() });
      });
      return { recorded, duplicates, rejected };
    },
    // The game's reward events since the last call: the fake game awards nothing.
    gameTakeRewards() {
      return [];
    },
    loadCatalog(engine, bytes, replace) {
      M.calls.push('loadCatalog');
      maybeThrow('loadCatalog');
      let doc;
      try {
        doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      } catch (e) {
        return { error: { code: 'INVALID_ARGUMENT', message: `catalog is not valid JSON: ${e.message}` } };
      }
      if (replace) engine.items.clear();
      const rejected = [];
      let loaded = 0;
      doc.forEach((it, index) => {
        if (typeof it.id !== 'string') rejected.push({ index, id: null, field: 'id', message: 'id is required' });
        else {
          engine.items.add(it.id);
          loaded++;
        }
      });
      return { loaded, rejected, size: engine.items.size };
    },
    removeItem(engine, id) {
      return engine.items.delete(id) ? null : { code: 'NOT_FOUND', message: `no item '${id}'` };
    },
    catalogSize(engine) {
      return engine.items.size;
    },
    exportState(engine) {
      M.calls.push('exportState');
      maybeThrow('exportState');
      return fakeSnapshot(engine.rev, { likes: engine.likes, dislikes: engine.dislikes, n: engine.events.length });
    },
    restoreState(engine, bytes) {
      M.calls.push('restoreState');
      maybeThrow('restoreState');
      if (bytes.length < 4 || MAGIC.some((b, i) => bytes[i] !== b)) {
        return { code: 'INVALID_ARGUMENT', message: 'not a Hearth snapshot (bad magic bytes)' };
      }
      if (bytes.length < 24) return { code: 'DATA_LOSS', message: 'snapshot is corrupt (truncated header)' };
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (dv.getUint16(4, true) > 1) return { code: 'FAILED_PRECONDITION', message: 'snapshot format is newer' };
      let state;
      try {
        state = JSON.parse(new TextDecoder().decode(bytes.subarray(24)));
      } catch {
        return { code: 'DATA_LOSS', message: 'snapshot is corrupt (checksum mismatch)' };
      }
      engine.rev = Number(dv.getBigUint64(16, true));
      engine.likes = state.likes ?? [];
      engine.dislikes = state.dislikes ?? [];
      engine.restoredFrom = state;
      return null;
    },
    exportJSON(engine, now) {
      return JSON.stringify({ format: 'hearth-profile', exported_at: now, likes: engine.likes });
    },
    erase(engine) {
      engine.events = [];
      engine.likes = [];
      engine.dislikes = [];
      engine.ids.clear();
      engine.rev++;
    },
    consentGet(engine) {
      return structuredClone(engine.consent);
    },
    consentSet(engine, purpose, state, source, now) {
      engine.consent[purpose] = { state, ts: now, source };
      engine.rev++;
      return null;
    },
    setPrivacyPolicy: () => null,
    version: () => '0.1.0',
    memoryStats: () => ({ allocated: 0, heapSize: 0 }),
  });
  return M;
}

/** A Storage-like object over a Map (what localStorage looks like). */
export function fakeLocalStorage() {
  const map = new Map();
  return {
    map,
    failSet: null,
    getItem(k) {
      return map.has(k) ? map.get(k) : null;
    },
    setItem(k, v) {
      if (this.failSet) throw this.failSet;
      map.set(k, String(v));
    },
    removeItem(k) {
      map.delete(k);
    },
  };
}

/** An async adapter that records its calls; set `fail.get/set/delete` to an error to fail them. */
export function recordingStorage({ synchronous = false, initial = {} } = {}) {
  const map = new Map(Object.entries(initial));
  const log = [];
  const fail = {};
  return {
    map,
    log,
    fail,
    synchronous,
    kind: 'test',
    async get(key) {
      log.push(['get', key]);
      if (fail.get) throw fail.get;
      return map.has(key) ? map.get(key).slice() : null;
    },
    async set(key, bytes) {
      log.push(['set', key]);
      if (fail.set) throw fail.set;
      map.set(key, bytes.slice());
    },
    async delete(key) {
      log.push(['delete', key]);
      if (fail.delete) throw fail.delete;
      map.delete(key);
    },
    writes(key) {
      return log.filter(([op, k]) => op === 'set' && k === key).length;
    },
  };
}

/** Fake time: timers fire only when the test advances the clock. */
export function fakeEnv({ localStorage = fakeLocalStorage(), withDocument = true } = {}) {
  let t = 0;
  let nextId = 1;
  const timers = new Map();
  const reported = [];
  const target = new EventTarget();
  const document = withDocument ? Object.assign(new EventTarget(), { visibilityState: 'visible' }) : null;
  const env = {
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: t + ms, fn });
      return id;
    },
    clearTimeout(id) {
      timers.delete(id);
    },
    monotonic: () => t,
    isNode: () => true,
    hasIndexedDB: () => false,
    target,
    document,
    localStorage: () => localStorage,
    reportError: (e) => reported.push(e),
  };
  return {
    env,
    target,
    document,
    localStorage,
    reported,
    pendingTimers: () => timers.size,
    /** Advances the clock, firing due timers in order, and lets their promises settle. */
    async advance(ms) {
      const end = t + ms;
      for (;;) {
        let due = null;
        for (const [id, timer] of timers) if (timer.at <= end && (!due || timer.at < due[1].at)) due = [id, timer];
        if (!due) break;
        timers.delete(due[0]);
        t = due[1].at;
        due[1].fn();
        await settle();
      }
      t = end;
      await settle();
    },
  };
}

/** Lets pending promise callbacks run. */
export async function settle() {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
