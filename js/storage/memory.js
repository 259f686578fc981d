// In-memory storage: the default in Node, handy in tests and for SSR.
// Nothing outlives the adapter object; share one adapter between createHearth
// calls to hand state from one instance to the next.

/**
 * @returns {import('./index.js').StorageAdapter}
 */
export function createMemoryStorage() {
  /** @type {Map<string, Uint8Array>} */
  const map = new Map();
  return {
    kind: 'memory',
    synchronous: true,
    async get(key) {
      const v = map.get(key);
      return v ? v.slice() : null;
    },
    async set(key, bytes) {
      map.set(key, Uint8Array.from(bytes));
    },
    async delete(key) {
      map.delete(key);
    },
  };
}
