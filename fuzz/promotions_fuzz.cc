// Promotions JSON (Engine::LoadPromotions, as bindings/rank_bindings.cc calls
// it) against a shop engine that already holds kPromotions.
//
// Asserts: after a rejected document the engine answers exactly like an
// identical engine that never saw it (same deals and campaigns, same snapshot
// bytes; the engine exposes promotions only through deals); accepted
// promotions are served identically by a second identical engine, before and
// after a purchase, and the snapshot round-trips.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/harness.h"

namespace hearth::fuzz {
namespace {

std::string Exercise(Engine& e) {
  std::string out = ShopFingerprint(e, kNow);
  TrackEvent buy{"purchase", "rain-1", "order-9", static_cast<double>(kNow + 60'000)};
  buy.deal = true;
  auto t = e.Track(buy, kNow + 60'000);
  out += t.ok() ? "track ok\n" : "track " + std::string(t.status().message()) + "\n";
  out += ShopFingerprint(e, kNow + 40 * kDay);
  return out;
}

}  // namespace
}  // namespace hearth::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hearth::fuzz;
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  // Promotions are shop content (not in the snapshot): a reset loads
  // kPromotions again and restores the user's state from the baseline.
  static ReusedEngine shop_a(ShopEngine, Reloading(&hearth::Engine::LoadPromotions, kPromotions));
  static ReusedEngine shop_b(ShopEngine, Reloading(&hearth::Engine::LoadPromotions, kPromotions));
  // What an engine that never saw a document answers, and its state after.
  static const std::pair<std::string, std::string> untouched = [] {
    auto e = ShopEngine();
    std::string answers = Exercise(*e);
    return std::pair(answers, e->ExportSnapshot());
  }();

  // The engine exposes promotions only through deals: no content fingerprint;
  // the exercise below is the content check.
  auto accepted = LoadShopContent(
      shop_a, [&](hearth::Engine& e) { return e.LoadPromotions(json); }, [](const hearth::Engine&) { return 0; });
  hearth::Engine& a = shop_a.Current();
  shop_a.Touched();  // exercised below either way
  if (!accepted) {
    // Rejected: indistinguishable from an engine that never saw the document.
    HEARTH_FUZZ_CHECK(Exercise(a) == untouched.first);
    HEARTH_FUZZ_CHECK(a.ExportSnapshot() == untouched.second);
    return 0;
  }
  hearth::Engine& b = shop_b.Get();
  shop_b.Touched();
  HEARTH_FUZZ_CHECK(b.LoadPromotions(json).ok());
  HEARTH_FUZZ_CHECK(a.ExportSnapshot() == b.ExportSnapshot());
  HEARTH_FUZZ_CHECK(Exercise(a) == Exercise(b));
  const std::string blob = a.ExportSnapshot();
  HEARTH_FUZZ_CHECK(blob == b.ExportSnapshot());
  CheckSnapshotRoundTrip(blob);
  return 0;
}
