// The collector's side of the local-DP mechanisms in docs/privacy.md: the
// exact probabilities the device's integer samplers realize, and the
// unbiased estimators with their variances. Mirrors
// src/hearth/report/mechanisms.cc (RrWeightsFor, KaryRrProbabilities,
// OueProbabilities, DiscreteLaplaceVariance) and report.cc (DebiasRr,
// DebiasLaplaceSum); tests/collector/estimators.test.js checks them against
// reports noised in JS with a planted truth.
//
// Example:
//   const pq = karyRr(4, 1_000_000);                 // d = 4 values at ε = 1
//   const { value, variance } = debiasRr(observed, n, pq);

const WEIGHT_SCALE = 2 ** 32;

/** Randomized-response weights at ε (in millionths): keep t_p, each other value t_q. */
export function rrWeights(micros) {
  const scaled = Math.floor(Math.exp(micros / 1e6) * WEIGHT_SCALE);
  let tp = scaled - 1;
  if (tp < WEIGHT_SCALE) tp = WEIGHT_SCALE;
  return { tp, tq: WEIGHT_SCALE };
}

/** k-ary RR over d values: p = P(report the true value), q = P(one given other value). */
export function karyRr(d, micros) {
  const { tp, tq } = rrWeights(micros);
  const m = tp + (d - 1) * tq;
  return { p: tp / m, q: tq / m };
}

/** Optimized unary encoding: the true bit is 1 with p = 1/2, every other with q. */
export function oue(micros) {
  const { tp, tq } = rrWeights(micros);
  return { p: 0.5, q: tq / (tp + tq) };
}

/**
 * Unbiased count of reports whose true value is a cell, from `observed` of
 * `n` reports showing it; variance with the count clamped to [0, n].
 */
export function debiasRr(observed, n, { p, q }) {
  const d = p - q;
  const value = (observed - n * q) / d;
  const c = Math.min(Math.max(value, 0), n);
  return { value, variance: (c * p * (1 - p) + (n - c) * q * (1 - q)) / (d * d) };
}

/** Variance of one discrete Laplace draw with P(x) ∝ exp(−|x|ε/Δ). */
export function discreteLaplaceVariance(micros, sensitivity) {
  const a = Math.exp(-micros / 1e6 / sensitivity);
  return (2 * a) / ((1 - a) * (1 - a));
}

/** A sum of n noised counts is unbiased for the sum of the clipped truths. */
export function debiasLaplaceSum(noisySum, n, micros, sensitivity) {
  return { value: noisySum, variance: n * discreteLaplaceVariance(micros, sensitivity) };
}

/** Two-sided normal quantile for 95% intervals. */
export const Z95 = 1.959963984540054;

// Contribution bounds the device applies (src/hearth/report/report.h).
export const BANDIT_SENSITIVITY = 12;
export const BANDIT_CELLS = ['for_you:relevance', 'for_you:relevance+popularity', 'for_you:broader', 'wow:novel', 'wow:fresh', 'wow:trending'];
export const ENGAGEMENT_NAMES = ['view', 'click', 'add_to_cart', 'purchase', 'search', 'dismiss', 'reward'];
export const ENGAGEMENT_BOUNDS = [5, 3, 1, 1, 1, 1, 2];
export const ENGAGEMENT_SENSITIVITY = 14;
export const CAMPAIGN_VALUES = 3; // 0 not exposed, 1 exposed, 2 exposed and converted
