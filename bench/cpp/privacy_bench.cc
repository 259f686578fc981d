// Cost of the device's private reports: each mechanism per sample, and one
// whole report round (prepare: lottery + clipping + noise + serialization).
//   cmake --build --preset native --target hearth_bench && ./build/native/hearth_bench --benchmark_filter=Privacy
#include <benchmark/benchmark.h>

#include "hearth/engine/engine.h"
#include "hearth/report/mechanisms.h"
#include "hearth/report/privacy.h"

namespace hearth {
namespace {

void BM_PrivacyDiscreteLaplace(benchmark::State& state) {
  Rng rng(1);
  const Epsilon eps = Epsilon::FromMicros(Epsilon::kMicros);
  for (auto _ : state) benchmark::DoNotOptimize(DiscreteLaplace(eps, state.range(0), &rng));
}
BENCHMARK(BM_PrivacyDiscreteLaplace)->Arg(1)->Arg(12)->Arg(14);

void BM_PrivacyRandomizedResponse(benchmark::State& state) {
  Rng rng(2);
  const Epsilon eps = Epsilon::FromMicros(Epsilon::kMicros);
  for (auto _ : state) benchmark::DoNotOptimize(RandomizedResponse(1, static_cast<int>(state.range(0)), eps, &rng));
}
BENCHMARK(BM_PrivacyRandomizedResponse)->Arg(3)->Arg(9);

void BM_PrivacyUnaryEncode32(benchmark::State& state) {
  Rng rng(3);
  const Epsilon eps = Epsilon::FromMicros(Epsilon::kMicros);
  for (auto _ : state) benchmark::DoNotOptimize(UnaryEncode(5, 32, eps, &rng));
}
BENCHMARK(BM_PrivacyUnaryEncode32);

// A round over 7 completed active days; range(0) reports per day (1: the
// default policy, 4: every type every day at ε 0.25 each).
void BM_PrivacyPrepareRound(benchmark::State& state) {
  PrivacyState p;
  auto policy = ParsePrivacyPolicy(
      state.range(0) == 1 ? "{}"
                          : R"({"maxReportsPerDay":4,"types":{"interests":{"epsilon":0.25},"campaign":{"epsilon":0.25},)"
                            R"("bandit":{"epsilon":0.25},"engagement":{"epsilon":0.25}}})");
  p.set_policy(*policy);
  p.mutable_consent().Set(Purpose::kMeasurement, ConsentState::kGranted, ConsentSource::kApi, 0);
  RankState rank;
  const int64_t today = 20'000;
  for (int64_t d = today - 7; d < today; ++d)
    for (int i = 0; i < 20; ++i) p.Observe(EventType::kView, d * 86'400'000 + i, rank);
  ReportInputs in;
  for (int i = 0; i < 12; ++i) in.taxonomy.push_back("category-" + std::to_string(10 + i));
  in.top_interest = 3;
  in.campaigns = {{"spring", "treatment"}, {"loyalty", "holdout"}};
  in.sdk = "0.1.0";
  Rng rng(4);
  uint64_t revision = 0;
  size_t reports = 0, bytes = 0;
  for (auto _ : state) {
    const PreparedRound& r = p.Prepare(today * 86'400'000 + 1, in, &rng, &revision);
    reports = r.reports.size();
    bytes = 0;
    for (const std::string& j : r.json) bytes += j.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["reports"] = static_cast<double>(reports);
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_PrivacyPrepareRound)->Arg(1)->Arg(4);

}  // namespace
}  // namespace hearth
