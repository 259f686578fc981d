// Statistical tests of the noise: 10^6 samples per mechanism, a chi-square
// goodness-of-fit test at α = 1e-6 against the claimed distribution, and the
// same test run against a mechanism with the wrong scale, which must fail.
#include "hearth/report/mechanisms.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <vector>

#include "hearth/report/report.h"

namespace hearth {
namespace {

constexpr int kSamples = 1'000'000;
constexpr double kAlpha = 1e-6;

// Regularized upper incomplete gamma Q(s, x) (Numerical Recipes: series for
// x < s + 1, continued fraction beyond).
double GammaQ(double s, double x) {
  if (x <= 0) return 1;
  const double lg = std::lgamma(s);
  if (x < s + 1) {
    double sum = 1 / s, term = sum;
    for (int n = 1; n < 10000; ++n) {
      term *= x / (s + n);
      sum += term;
      if (std::fabs(term) < std::fabs(sum) * 1e-15) break;
    }
    return 1 - sum * std::exp(-x + s * std::log(x) - lg);
  }
  double b = x + 1 - s, c = 1e300, d = 1 / b, h = d;
  for (int i = 1; i < 10000; ++i) {
    const double an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (std::fabs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < 1e-15) break;
  }
  return std::exp(-x + s * std::log(x) - lg) * h;
}

// p-value of Pearson's chi-square for observed counts against expected
// probabilities (cells with tiny expectation are pooled by the caller).
double ChiSquarePValue(const std::vector<double>& observed, const std::vector<double>& probs, double n) {
  double chi = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    const double e = probs[i] * n;
    chi += (observed[i] - e) * (observed[i] - e) / e;
  }
  return GammaQ((observed.size() - 1) / 2.0, chi / 2);
}

TEST(ChiSquareTest, MatchesKnownQuantiles) {
  // chi2(df=1) 3.841 → 0.05; chi2(df=10) 18.307 → 0.05; chi2(df=4) 33.38 → 1e-6.
  EXPECT_NEAR(GammaQ(0.5, 3.841 / 2), 0.05, 1e-4);
  EXPECT_NEAR(GammaQ(5, 18.307 / 2), 0.05, 1e-4);
  EXPECT_NEAR(GammaQ(2, 33.377 / 2), 1e-6, 2e-8);
}

double RrPValue(int d, int truth, Epsilon sampled, Epsilon claimed, uint64_t seed) {
  Rng rng(seed);
  std::vector<double> counts(d, 0);
  for (int i = 0; i < kSamples; ++i) counts[RandomizedResponse(truth, d, sampled, &rng)] += 1;
  const RrProbabilities pq = KaryRrProbabilities(d, claimed);
  std::vector<double> probs(d, pq.q);
  probs[truth] = pq.p;
  return ChiSquarePValue(counts, probs, kSamples);
}

struct RrCase {
  int d;
  int truth;
  double eps;
};
constexpr RrCase kRrCases[] = {{2, 0, 1.0}, {3, 2, 1.0}, {9, 4, 1.0}, {9, 8, 0.5}, {33, 0, 2.0}};

TEST(RandomizedResponseTest, HasTheClaimedDistribution) {
  for (const RrCase& c : kRrCases) {
    SCOPED_TRACE(testing::Message() << "d=" << c.d << " eps=" << c.eps);
    EXPECT_GT(RrPValue(c.d, c.truth, Epsilon::FromDouble(c.eps), Epsilon::FromDouble(c.eps), 11 + c.d), kAlpha);
  }
}

TEST(RandomizedResponseTest, WrongScaleIsDetected) {
  for (const RrCase& c : kRrCases) {
    SCOPED_TRACE(testing::Message() << "d=" << c.d << " eps=" << c.eps);
    EXPECT_LT(RrPValue(c.d, c.truth, Epsilon::FromDouble(c.eps * 1.05), Epsilon::FromDouble(c.eps), 11 + c.d), kAlpha);
  }
}

TEST(RandomizedResponseTest, RatioOfRealizedProbabilitiesStaysBelowEToTheEpsilon) {
  for (double eps : {0.01, 0.1, 0.5, 1.0, 2.0, 4.0, 8.0}) {
    const RrProbabilities pq = KaryRrProbabilities(5, Epsilon::FromDouble(eps));
    EXPECT_LT(pq.p / pq.q, std::exp(eps)) << eps;
    EXPECT_GT(pq.p / pq.q, std::exp(eps) * (1 - 1e-8)) << eps;
    EXPECT_NEAR(pq.p + 4 * pq.q, 1, 1e-12);
  }
}

// OUE: each bit is its own binomial; the d bits' chi-square terms add up
// (df = d, one per independent bit).
double OuePValue(int d, int truth, Epsilon sampled, Epsilon claimed, uint64_t seed) {
  Rng rng(seed);
  std::vector<double> ones(d, 0);
  for (int i = 0; i < kSamples; ++i) {
    const std::string bits = UnaryEncode(truth, d, sampled, &rng);
    for (int b = 0; b < d; ++b) ones[b] += bits[b] == '1';
  }
  const RrProbabilities pq = OueProbabilities(claimed);
  double chi = 0;
  for (int b = 0; b < d; ++b) {
    const double p = b == truth ? pq.p : pq.q;
    const double e1 = p * kSamples, e0 = (1 - p) * kSamples;
    chi += (ones[b] - e1) * (ones[b] - e1) / e1 + (ones[b] - e1) * (ones[b] - e1) / e0;
  }
  return GammaQ(d / 2.0, chi / 2);
}

TEST(UnaryEncodingTest, HasTheClaimedDistribution) {
  EXPECT_GT(OuePValue(8, 3, Epsilon::FromDouble(1), Epsilon::FromDouble(1), 5), kAlpha);
  EXPECT_GT(OuePValue(8, 8, Epsilon::FromDouble(0.5), Epsilon::FromDouble(0.5), 6), kAlpha);  // "none"
}

TEST(UnaryEncodingTest, WrongScaleIsDetected) {
  EXPECT_LT(OuePValue(8, 3, Epsilon::FromDouble(1.05), Epsilon::FromDouble(1), 5), kAlpha);
}

// Discrete Laplace: cells -m..m with both tails pooled.
double LaplacePValue(Epsilon sampled, int64_t sampled_delta, Epsilon claimed, int64_t claimed_delta, uint64_t seed) {
  Rng rng(seed);
  const double a = std::exp(-claimed.value() / claimed_delta);
  // Pool beyond |x| > m where each cell expects fewer than ~20 samples.
  int m = 1;
  while ((1 - a) / (1 + a) * std::pow(a, m + 1) * kSamples > 20) ++m;
  std::vector<double> counts(2 * m + 3, 0);  // [<-m], -m..m, [>m]
  for (int i = 0; i < kSamples; ++i) {
    const int64_t x = DiscreteLaplace(sampled, sampled_delta, &rng);
    const size_t cell = x < -m ? 0 : x > m ? 2 * m + 2 : static_cast<size_t>(x + m + 1);
    counts[cell] += 1;
  }
  std::vector<double> probs(counts.size());
  const double tail = std::pow(a, m + 1) / (1 + a);  // P(X > m)
  probs[0] = probs[2 * m + 2] = tail;
  for (int x = -m; x <= m; ++x) probs[x + m + 1] = (1 - a) / (1 + a) * std::pow(a, std::abs(x));
  return ChiSquarePValue(counts, probs, kSamples);
}

struct LaplaceCase {
  double eps;
  int64_t delta;
};
constexpr LaplaceCase kLaplaceCases[] = {{1.0, 1}, {0.5, 1}, {1.0, kBanditSensitivity}, {1.0, kEngagementSensitivity}};

TEST(DiscreteLaplaceTest, HasTheClaimedDistribution) {
  for (const LaplaceCase& c : kLaplaceCases) {
    SCOPED_TRACE(testing::Message() << "eps=" << c.eps << " delta=" << c.delta);
    const Epsilon e = Epsilon::FromDouble(c.eps);
    EXPECT_GT(LaplacePValue(e, c.delta, e, c.delta, 40 + c.delta), kAlpha);
  }
}

TEST(DiscreteLaplaceTest, WrongScaleIsDetected) {
  for (const LaplaceCase& c : kLaplaceCases) {
    SCOPED_TRACE(testing::Message() << "eps=" << c.eps << " delta=" << c.delta);
    const Epsilon e = Epsilon::FromDouble(c.eps);
    // 5% more ε: a noise scale 5% too small.
    EXPECT_LT(LaplacePValue(Epsilon::FromDouble(c.eps * 1.05), c.delta, e, c.delta, 40 + c.delta), kAlpha);
  }
}

TEST(DiscreteLaplaceTest, SampleVarianceMatchesTheFormula) {
  Rng rng(3);
  const Epsilon e = Epsilon::FromDouble(1);
  double sum = 0, sq = 0;
  constexpr int n = 200'000;
  for (int i = 0; i < n; ++i) {
    const double x = static_cast<double>(DiscreteLaplace(e, 12, &rng));
    sum += x;
    sq += x * x;
  }
  const double var = DiscreteLaplaceVariance(e, 12);
  EXPECT_NEAR(sum / n, 0, 6 * std::sqrt(var / n));
  EXPECT_NEAR(sq / n / var, 1, 0.03);
}

TEST(UniformBelowTest, HasNoModuloBias) {
  Rng rng(9);
  std::vector<double> counts(7, 0);
  for (int i = 0; i < kSamples; ++i) counts[UniformBelow(7, &rng)] += 1;
  EXPECT_GT(ChiSquarePValue(counts, std::vector<double>(7, 1.0 / 7), kSamples), kAlpha);
}

TEST(BernoulliExpNegTest, HasProbabilityExpMinusGamma) {
  struct Case {
    uint64_t num, den;
  };
  for (const Case c : {Case{1, 3}, Case{1, 1}, Case{7, 2}}) {
    Rng rng(c.num * 31 + c.den);
    double ones = 0;
    for (int i = 0; i < kSamples; ++i) ones += BernoulliExpNeg(c.num, c.den, &rng);
    const double p = std::exp(-static_cast<double>(c.num) / c.den);
    EXPECT_GT(ChiSquarePValue({ones, kSamples - ones}, {p, 1 - p}, kSamples), kAlpha) << c.num << "/" << c.den;
  }
}

// ---- estimators: unbiased after debiasing, and the undebiased sum is caught ----

// |estimate − truth| <= 5.3 sd fails by chance with probability ~1e-7.
constexpr double kZ = 5.3;

TEST(EstimatorTest, KaryRrCountsAreUnbiased) {
  const int d = 7;
  const Epsilon eps = Epsilon::FromDouble(1);
  const std::vector<int> truth_counts = {40000, 25000, 15000, 10000, 5000, 3000, 2000};
  Rng rng(77);
  std::vector<double> observed(d, 0);
  double n = 0;
  for (int v = 0; v < d; ++v)
    for (int i = 0; i < truth_counts[v]; ++i, ++n) observed[RandomizedResponse(v, d, eps, &rng)] += 1;
  const RrProbabilities pq = KaryRrProbabilities(d, eps);
  bool raw_caught = false;
  for (int v = 0; v < d; ++v) {
    const Estimate e = DebiasRr(observed[v], n, pq);
    EXPECT_LE(std::fabs(e.value - truth_counts[v]), kZ * std::sqrt(e.variance)) << v;
    raw_caught |= std::fabs(observed[v] - truth_counts[v]) > kZ * std::sqrt(e.variance);
  }
  EXPECT_TRUE(raw_caught) << "counts that were not debiased must fail the same check";
}

TEST(EstimatorTest, OueCountsAreUnbiased) {
  const int d = 12;
  const Epsilon eps = Epsilon::FromDouble(1);
  Rng rng(78);
  std::vector<double> truth(d + 1, 0), ones(d, 0);
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const int v = static_cast<int>(UniformBelow(d + 1, &rng)) % (d + 1);
    const int biased = v < 3 ? 0 : v;  // make the histogram uneven
    truth[biased] += 1;
    const std::string bits = UnaryEncode(biased, d, eps, &rng);
    for (int b = 0; b < d; ++b) ones[b] += bits[b] == '1';
  }
  const RrProbabilities pq = OueProbabilities(eps);
  for (int b = 0; b < d; ++b) {
    const Estimate e = DebiasRr(ones[b], n, pq);
    EXPECT_LE(std::fabs(e.value - truth[b]), kZ * std::sqrt(e.variance)) << b;
  }
}

TEST(EstimatorTest, LaplaceSumsAreUnbiased) {
  const Epsilon eps = Epsilon::FromDouble(1);
  Rng rng(79);
  double truth = 0, noisy = 0;
  const int n = 50000;
  for (int i = 0; i < n; ++i) {
    const int64_t x = static_cast<int64_t>(UniformBelow(6, &rng));  // clipped count 0..5
    truth += x;
    noisy += x + DiscreteLaplace(eps, kEngagementSensitivity, &rng);
  }
  const Estimate e = DebiasLaplaceSum(noisy, n, eps, kEngagementSensitivity);
  EXPECT_LE(std::fabs(e.value - truth), kZ * std::sqrt(e.variance));
  // Double-counting every report is caught by the same check.
  EXPECT_GT(std::fabs(2 * e.value - truth), kZ * std::sqrt(e.variance));
}

}  // namespace
}  // namespace hearth
