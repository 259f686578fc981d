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

  auto a = ShopEngine();
  auto b = ShopEngine();
  const bool accepted = a->LoadPromotions(json).ok();
  if (accepted) HEARTH_FUZZ_CHECK(b->LoadPromotions(json).ok());
  // Rejected: b never saw the document and must be indistinguishable.
  HEARTH_FUZZ_CHECK(a->ExportSnapshot() == b->ExportSnapshot());
  HEARTH_FUZZ_CHECK(Exercise(*a) == Exercise(*b));
  const std::string blob = a->ExportSnapshot();
  HEARTH_FUZZ_CHECK(blob == b->ExportSnapshot());
  if (accepted) CheckSnapshotRoundTrip(blob);
  return 0;
}
