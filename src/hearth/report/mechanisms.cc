#include "hearth/report/mechanisms.h"

#include <cmath>
#include <numeric>

namespace hearth {
namespace {

constexpr uint64_t kWeightScale = uint64_t{1} << 32;

}  // namespace

Epsilon Epsilon::FromDouble(double eps) { return Epsilon(static_cast<int64_t>(std::llround(eps * kMicros))); }

uint64_t UniformBelow(uint64_t n, Rng* rng) {
  // Values below 2^64 mod n would make the low residues more likely.
  const uint64_t reject_below = (0 - n) % n;
  for (;;) {
    const uint64_t r = rng->Next();
    if (r >= reject_below) return r % n;
  }
}

bool BernoulliRational(uint64_t num, uint64_t den, Rng* rng) { return UniformBelow(den, rng) < num; }

bool BernoulliExpNeg(uint64_t num, uint64_t den, Rng* rng) {
  // exp(−γ) for γ > 1 is exp(−1)^floor(γ) · exp(−frac(γ)).
  while (num > den) {
    if (!BernoulliExpNeg(1, 1, rng)) return false;
    num -= den;
  }
  // γ in [0, 1]: CKS Algorithm 1. K is the first k with Bernoulli(γ/k) = 0;
  // P(K odd) = exp(−γ).
  uint64_t k = 1;
  while (BernoulliRational(num, den * k, rng)) ++k;
  return k % 2 == 1;
}

RrWeights RrWeightsFor(Epsilon eps) {
  // floor, then one less: the double exp() may round up by an ulp, and
  // t_p / t_q must stay strictly below e^ε.
  const double scaled = std::floor(std::exp(eps.value()) * static_cast<double>(kWeightScale));
  RrWeights w;
  w.t_q = kWeightScale;
  w.t_p = static_cast<uint64_t>(scaled) - 1;
  if (w.t_p < w.t_q) w.t_p = w.t_q;  // ε ≈ 0: no information, still a distribution
  return w;
}

RrProbabilities KaryRrProbabilities(int d, Epsilon eps) {
  const RrWeights w = RrWeightsFor(eps);
  const double m = static_cast<double>(w.t_p) + static_cast<double>(d - 1) * static_cast<double>(w.t_q);
  return {static_cast<double>(w.t_p) / m, static_cast<double>(w.t_q) / m};
}

RrProbabilities OueProbabilities(Epsilon eps) {
  const RrWeights w = RrWeightsFor(eps);
  return {0.5, static_cast<double>(w.t_q) / (static_cast<double>(w.t_p) + static_cast<double>(w.t_q))};
}

int RandomizedResponse(int value, int d, Epsilon eps, Rng* rng) {
  const RrWeights w = RrWeightsFor(eps);
  const uint64_t u = UniformBelow(w.t_p + static_cast<uint64_t>(d - 1) * w.t_q, rng);
  if (u < w.t_p) return value;
  // The d − 1 other values, each with weight t_q, in order, skipping `value`.
  const int other = static_cast<int>((u - w.t_p) / w.t_q);
  return other < value ? other : other + 1;
}

std::string UnaryEncode(int value, int d, Epsilon eps, Rng* rng) {
  const RrWeights w = RrWeightsFor(eps);
  std::string bits(static_cast<size_t>(d), '0');
  for (int i = 0; i < d; ++i) {
    const bool one = i == value ? (rng->Next() >> 63) != 0 : BernoulliRational(w.t_q, w.t_p + w.t_q, rng);
    if (one) bits[static_cast<size_t>(i)] = '1';
  }
  return bits;
}

int64_t DiscreteLaplace(Epsilon eps, int64_t sensitivity, Rng* rng) {
  // Scale t/s with s/t = ε/Δ = micros / (Δ · 10^6), reduced.
  uint64_t s = static_cast<uint64_t>(eps.micros());
  uint64_t t = static_cast<uint64_t>(sensitivity) * Epsilon::kMicros;
  const uint64_t g = std::gcd(s, t);
  s /= g;
  t /= g;
  for (;;) {  // CKS Algorithm 2
    const uint64_t u = UniformBelow(t, rng);
    if (!BernoulliExpNeg(u, t, rng)) continue;
    uint64_t v = 0;
    while (BernoulliExpNeg(1, 1, rng)) ++v;
    const uint64_t x = u + t * v;
    const int64_t y = static_cast<int64_t>(x / s);
    const bool negative = (rng->Next() >> 63) != 0;
    if (negative && y == 0) continue;
    return negative ? -y : y;
  }
}

double DiscreteLaplaceVariance(Epsilon eps, int64_t sensitivity) {
  const double a = std::exp(-eps.value() / static_cast<double>(sensitivity));
  return 2 * a / ((1 - a) * (1 - a));
}

}  // namespace hearth
