// Seeded randomness for the evaluation: the same seed gives the same report.

/** 32-bit string hash (FNV-1a), to derive independent streams from one seed. */
export function hash32(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A small, fast, seeded generator (mulberry32) with the helpers the eval needs.
 * `rng(seed, 'stream-name')` gives independent streams for independent uses, so
 * adding a use of randomness in one place does not shift the numbers elsewhere.
 * @param {number} seed
 * @param {string} [stream]
 */
export function rng(seed, stream = '') {
  let a = (hash32(`${seed >>> 0}:${stream}`) ^ 0x9e3779b9) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    /** uniform in [0, 1) */
    next,
    /** integer in [0, n) */
    int: (n) => Math.floor(next() * n),
    /** one element of a non-empty array */
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    /** standard normal (Box-Muller) */
    normal() {
      let u = 0;
      while (u === 0) u = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    /** Gamma(shape, 1) by Marsaglia-Tsang (shape < 1 boosted) */
    gamma(shape) {
      if (shape < 1) return r.gamma(shape + 1) * next() ** (1 / shape);
      const d = shape - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      for (;;) {
        let x;
        let v;
        do {
          x = r.normal();
          v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        const u = next();
        if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
      }
    },
    /** Fisher-Yates shuffle of a copy */
    shuffled(xs) {
      const out = [...xs];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
  };
  return r;
}
