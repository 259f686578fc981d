// A fault-injecting "disk" for the durability tests: a storage adapter and a
// localStorage double over Maps that outlive the Hearth instances using
// them (the disk survives the crash), with one counter of write operations
// (adapter set/delete, localStorage setItem/removeItem) shared by both.
//
// `crashAt: k` crashes at the k-th write of a run:
//   'throw'  write k is not applied and throws; every later call throws
//   'drop'   write k is applied; every later write is silently dropped and
//            every later call sees nothing new (the process died after k)
// Reads after a crash throw in 'throw' mode; in 'drop' mode they read the
// disk as it was left. A crashed run's instance is abandoned, never reused.

/** @returns {{ store: Map<string, Uint8Array>, local: Map<string, string> }} */
export function newDisk() {
  return { store: new Map(), local: new Map() };
}

/** A copy of a disk (each crash case starts from the same one). */
export function cloneDisk(disk) {
  return {
    store: new Map([...disk.store].map(([k, v]) => [k, v.slice()])),
    local: new Map(disk.local),
  };
}

/**
 * @param {{ crashAt?: number, mode?: 'throw' | 'drop' }} [options]
 */
export function faultPlan({ crashAt = Infinity, mode = 'throw' } = {}) {
  return {
    crashAt,
    mode,
    writes: 0,
    crashed: false,
    /** @type {string[]} the writes in order, for messages */
    trace: [],
    /**
     * Called before every write: false when the write must not be applied.
     * @param {string} what
     */
    write(what) {
      if (this.crashed) {
        if (this.mode === 'throw') throw new DOMException('the tab crashed', 'UnknownError');
        return false;
      }
      this.writes++;
      this.trace.push(what);
      if (this.writes === this.crashAt) {
        this.crashed = true;
        if (this.mode === 'throw') throw new DOMException(`crash at write ${this.writes} (${what})`, 'UnknownError');
        return true; // 'drop': this one lands, nothing after it
      }
      return true;
    },
    read() {
      if (this.crashed && this.mode === 'throw') throw new DOMException('the tab crashed', 'UnknownError');
    },
  };
}

/**
 * The storage adapter over `disk.store`.
 * @param {ReturnType<typeof newDisk>} disk
 * @param {ReturnType<typeof faultPlan>} plan
 * @param {{ synchronous?: boolean, beforeSet?: (key: string) => void }} [options]
 *   beforeSet: called as a write starts, before it lands (to act "during" it)
 */
export function faultyStorage(disk, plan, { synchronous = false, beforeSet } = {}) {
  return {
    kind: 'faulty',
    synchronous,
    async get(key) {
      plan.read();
      const v = disk.store.get(key);
      return v ? v.slice() : null;
    },
    async set(key, bytes) {
      beforeSet?.(key);
      await null;
      if (plan.write(`set ${key}`)) disk.store.set(key, Uint8Array.from(bytes));
    },
    async delete(key) {
      if (plan.write(`delete ${key}`)) disk.store.delete(key);
    },
  };
}

/**
 * A Storage (localStorage) over `disk.local`.
 * @param {ReturnType<typeof newDisk>} disk
 * @param {ReturnType<typeof faultPlan>} plan
 */
export function faultyLocalStorage(disk, plan) {
  const map = disk.local;
  return {
    get length() {
      return map.size;
    },
    key(i) {
      return [...map.keys()][i] ?? null;
    },
    getItem(k) {
      plan.read();
      return map.has(k) ? map.get(k) : null;
    },
    setItem(k, v) {
      if (plan.write(`setItem ${k}`)) map.set(k, String(v));
    },
    removeItem(k) {
      if (plan.write(`removeItem ${k}`)) map.delete(k);
    },
  };
}

/**
 * A BroadcastChannel whose messages wait until the test delivers them, so a
 * test picks the order in which tabs hear each other (Node's own channel
 * delivers on its own schedule).
 */
export function heldChannel() {
  /** @type {Set<any>} */
  const open = new Set();
  /** @type {[any, any][]} */
  const queue = [];
  class HeldBroadcastChannel {
    /** @param {string} name */
    constructor(name) {
      this.name = name;
      /** @type {((ev: { data: any }) => void) | null} */
      this.onmessage = null;
      open.add(this);
    }
    /** @param {any} data */
    postMessage(data) {
      for (const c of open) if (c !== this && c.name === this.name) queue.push([c, structuredClone(data)]);
    }
    close() {
      open.delete(this);
    }
  }
  return {
    BroadcastChannel: HeldBroadcastChannel,
    /** @type {[any, any][]} the messages not delivered yet: [channel, data] */
    queue,
    /** Delivers what is queued (and what that queues), in order. */
    deliver() {
      while (queue.length > 0) {
        const [c, data] = /** @type {[any, any]} */ (queue.shift());
        if (open.has(c)) c.onmessage?.({ data });
      }
    },
  };
}

/**
 * A Web Locks double (exclusive mode, in-process) that records who asked:
 * `requests` lists [owner, name] per request, `owner` names the caller.
 */
export function recordingLocks() {
  /** @type {Map<string, Promise<unknown>>} */
  const tails = new Map();
  /** @type {[string, string][]} */
  const requests = [];
  return {
    requests,
    /** @type {Set<string>} the names held right now */
    held: new Set(),
    /** @param {string} owner */
    for(owner) {
      const self = this;
      return {
        /** @param {string} name @param {any} _opts @param {() => Promise<any>} fn */
        request(name, _opts, fn) {
          requests.push([owner, name]);
          const prev = tails.get(name) ?? Promise.resolve();
          const run = prev.then(async () => {
            self.held.add(name);
            try {
              return await fn();
            } finally {
              self.held.delete(name);
            }
          });
          tails.set(
            name,
            run.catch(() => {}),
          );
          return run;
        },
      };
    },
  };
}
