// The collector's estimators for the local-DP mechanisms of docs/privacy.md.
// The probabilities (p, q) and the discrete Laplace variance come from the
// core (validate.mjs: rrProbabilities, laplaceVariance), never recomputed
// here. tests/collector/estimators.test.js checks the estimates against
// reports noised in JS with a planted truth.
//
// Example:
//   const pq = core.rrProbabilities(4, 1, 'krr');    // d = 4 values at ε = 1
//   const { value, variance } = debiasRr(observed, n, pq);
//
// Variances: docs/privacy.md gives the noise-only (plug-in) variance, which
// treats the devices' true values as fixed. The collector estimates
// population quantities (a conversion rate, a share of shoppers), so it uses
// the variance of the observed indicator counts under sampling of devices,
// n·m(1 − m) with m the observed share (covariance −n·m_u·m_v), divided by
// (p − q)². Point estimates are the same; the intervals also cover the
// sampling error of which devices happened to report, and are slightly wider.

/**
 * Unbiased count of reports whose true value is a cell, from `observed` of
 * `n` reports showing it (randomized response or one OUE bit).
 */
export function debiasRr(observed, n, { p, q }) {
  const d = p - q;
  const m = n > 0 ? observed / n : 0;
  return { value: (observed - n * q) / d, variance: (n * m * (1 - m)) / (d * d) };
}

/**
 * Covariance matrix of the debiased counts of all d values of k-ary RR from
 * the observed counts (one value per report): multinomial, scaled.
 */
export function rrCovariance(observed, n, { p, q }) {
  const d2 = (p - q) ** 2;
  const m = observed.map((o) => (n > 0 ? o / n : 0));
  return m.map((mi, i) => m.map((mj, j) => (n * ((i === j ? mi : 0) - mi * mj)) / d2));
}

/** A sum of n noised counts is unbiased for the sum of the clipped truths. */
export function debiasLaplaceSum(noisySum, n, laplaceVariance) {
  return { value: noisySum, variance: n * laplaceVariance };
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
