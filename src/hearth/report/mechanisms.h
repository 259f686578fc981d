// Local differential privacy mechanisms that use integer randomness only.
//
// Example:
//   hearth::Rng rng(7);
//   hearth::Epsilon eps = hearth::Epsilon::FromMicros(1'000'000);   // ε = 1
//   int v = hearth::RandomizedResponse(2, 3, eps, &rng);          // k-ary RR
//   std::string bits = hearth::UnaryEncode(4, 12, eps, &rng);     // OUE
//   int64_t noisy = 5 + hearth::DiscreteLaplace(eps, /*sensitivity=*/12, &rng);
//
// Why integers: a floating-point Laplace sample leaks through the gaps in the
// doubles it can produce (Mironov 2012, "On significance of the least
// significant bits for differential privacy"). Every mechanism here draws
// uniform integers (rejection sampling, never a modulo bias) and compares them
// with integer thresholds, so the probabilities it realizes are exact
// rationals whose ratios are at most e^ε:
//   - Randomized response over d values keeps the true value with weight
//     T_p = floor(e^ε · 2^32) − 1 and reports each other value with weight
//     T_q = 2^32, drawing one integer in [0, T_p + (d − 1)·T_q). So
//     p = T_p / M, q = T_q / M and p / q < e^ε.
//   - Optimized unary encoding (Wang et al. 2017) keeps the true bit at 1
//     with probability exactly 1/2 and sets every other bit with
//     q = T_q / (T_p + T_q) (about 1 / (e^ε + 1)).
//   - The discrete Laplace (two-sided geometric) distribution
//     P(x) ∝ exp(−|x|·ε/Δ) is sampled exactly by Canonne, Kamath and Steinke
//     (2020, Algorithm 2) from Bernoulli(exp(−γ)) draws with rational γ, where
//     ε is a rational number of millionths.
// The realized p and q are what the collector must use to debias: see
// RrProbabilities and docs/privacy.md.
#ifndef HEARTH_REPORT_MECHANISMS_H_
#define HEARTH_REPORT_MECHANISMS_H_

#include <cstdint>
#include <string>

#include "hearth/common/random.h"

namespace hearth {

// ε as an exact number of millionths, so budgets add up without rounding.
class Epsilon {
 public:
  static constexpr int64_t kMicros = 1'000'000;
  static constexpr Epsilon FromMicros(int64_t micros) { return Epsilon(micros); }
  // Rounds to the nearest millionth; callers validate the range first.
  static Epsilon FromDouble(double eps);
  constexpr int64_t micros() const { return micros_; }
  double value() const { return static_cast<double>(micros_) / kMicros; }

 private:
  constexpr explicit Epsilon(int64_t micros) : micros_(micros) {}
  int64_t micros_;
};

// A uniform integer in [0, n), n >= 1, by rejection (no modulo bias).
uint64_t UniformBelow(uint64_t n, Rng* rng);
// True with probability num / den exactly (0 <= num <= den, den >= 1).
bool BernoulliRational(uint64_t num, uint64_t den, Rng* rng);
// True with probability exp(−num/den) exactly (num >= 0, den >= 1).
bool BernoulliExpNeg(uint64_t num, uint64_t den, Rng* rng);

// The integer weights behind randomized response at ε: keep weight t_p,
// other-value weight t_q (p/q = t_p/t_q < e^ε).
struct RrWeights {
  uint64_t t_p = 0;
  uint64_t t_q = 0;
};
RrWeights RrWeightsFor(Epsilon eps);

// The probabilities k-ary randomized response over `d` values realizes:
// p = P(report the true value), q = P(report one given other value).
struct RrProbabilities {
  double p = 0;
  double q = 0;
};
RrProbabilities KaryRrProbabilities(int d, Epsilon eps);
// OUE: p = 1/2 for the true bit, q for each other bit.
RrProbabilities OueProbabilities(Epsilon eps);

// k-ary randomized response: `value` in [0, d), d >= 2.
int RandomizedResponse(int value, int d, Epsilon eps, Rng* rng);

// Optimized unary encoding of `value` in [0, d) (or d: "none", all bits
// start at 0) as a string of d '0'/'1' characters.
std::string UnaryEncode(int value, int d, Epsilon eps, Rng* rng);

// A sample of the discrete Laplace distribution P(x) ∝ exp(−|x|·ε/Δ) for
// integer sensitivity Δ >= 1: add it to a count whose contribution is bounded
// by Δ in L1 for ε-LDP. Variance 2a/(1 − a)² with a = exp(−ε/Δ).
int64_t DiscreteLaplace(Epsilon eps, int64_t sensitivity, Rng* rng);
double DiscreteLaplaceVariance(Epsilon eps, int64_t sensitivity);

}  // namespace hearth

#endif  // HEARTH_REPORT_MECHANISMS_H_
