// Population priors JSON (Engine::LoadPriors, as bindings/rank_bindings.cc
// calls it), into a new user's engine (priors warm-start users without
// history) that already holds a valid priors document.
//
// Asserts: a rejected document keeps the loaded priors (shares, period, max
// share) and picks; accepted priors are sane (shares in [0, 1], max_share
// the largest) and give the same picks in a second identical engine.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/harness.h"

namespace hearth::fuzz {
namespace {

constexpr char kPriors[] = R"({"v": 1, "period": "2026-11-24", "categories": [
  {"key": "Shoes", "share": 0.5}, {"key": "cat:outdoor", "share": 0.25}, {"key": "Home", "share": 0.1}]})";

std::unique_ptr<Engine> NewUser() {
  auto e = *Engine::Create(ProfileConfig{});
  e->Seed(7);
  HEARTH_FUZZ_CHECK(e->LoadCatalog(kCatalog, LoadMode::kUpsert).ok());
  HEARTH_FUZZ_CHECK(e->LoadPriors(kPriors).ok());
  return e;
}

std::string PriorsFingerprint(const CategoryPriors& p) {
  std::vector<std::string> rows;
  for (const auto& [key, share] : p.shares()) rows.push_back(key + "=" + std::to_string(share));
  std::sort(rows.begin(), rows.end());
  std::string out = p.period() + "|" + std::to_string(p.max_share()) + "\n";
  for (const auto& r : rows) out += r + "\n";
  return out;
}

}  // namespace
}  // namespace hearth::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hearth::fuzz;
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  // Priors are shop content (not in the snapshot); recommending moves the
  // rank memory and rng (in it): a reset loads kPriors again and restores.
  static ReusedEngine user_a(NewUser, Reloading(&hearth::Engine::LoadPriors, kPriors));
  static ReusedEngine user_b(NewUser, Reloading(&hearth::Engine::LoadPriors, kPriors));
  static const std::string untouched_picks = [] {
    auto e = NewUser();
    return PicksFingerprint(*e, kNow);
  }();

  auto accepted = LoadShopContent(
      user_a, [&](hearth::Engine& e) { return e.LoadPriors(json); },
      [](const hearth::Engine& e) { return PriorsFingerprint(e.priors()); });
  hearth::Engine& a = user_a.Current();
  user_a.Touched();  // recommends below either way
  if (!accepted) {
    HEARTH_FUZZ_CHECK(PicksFingerprint(a, kNow) == untouched_picks);
    return 0;
  }
  double largest = 0;
  for (const auto& [key, share] : a.priors().shares()) {
    HEARTH_FUZZ_CHECK(share >= 0 && share <= 1);
    largest = std::max(largest, share);
  }
  HEARTH_FUZZ_CHECK(a.priors().max_share() == largest);
  hearth::Engine& b = user_b.Get();
  user_b.Touched();
  HEARTH_FUZZ_CHECK(b.LoadPriors(json).ok());
  HEARTH_FUZZ_CHECK(PriorsFingerprint(a.priors()) == PriorsFingerprint(b.priors()));
  HEARTH_FUZZ_CHECK(PicksFingerprint(a, kNow) == PicksFingerprint(b, kNow));
  return 0;
}
