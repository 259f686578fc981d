// Campaign JSON (Engine::LoadCampaigns, as bindings/campaign_bindings.cc
// calls it) against a shop engine that already runs kCampaigns.
//
// Asserts: a rejected document leaves the loaded campaigns and the user's
// snapshot unchanged; an accepted one is listed, shown (exposures), converted
// by a purchase and served as deals identically by a second identical engine
// (same answers, same snapshot bytes), and the snapshot round-trips.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/harness.h"

namespace hearth::fuzz {
namespace {

std::string CampaignIds(const Engine& e) {
  std::string out;
  for (const Campaign& c : e.campaigns().all()) out += c.id + "|" + c.name + "\n";
  return out;
}

std::string Exercise(Engine& e) {
  std::string out = ShopFingerprint(e, kNow);
  TrackEvent buy{"purchase", "tent-1", "order-9", static_cast<double>(kNow + 60'000)};
  auto t = e.Track(buy, kNow + 60'000);
  out += t.ok() ? "track ok\n" : "track " + std::string(t.status().message()) + "\n";
  out += ShopFingerprint(e, kNow + kDay);
  return out;
}

}  // namespace
}  // namespace hearth::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hearth::fuzz;
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  // Campaigns are shop content; their per-user arms, caps and outcomes are in
  // the snapshot: a reset loads kCampaigns again and restores the baseline.
  static ReusedEngine shop_a(ShopEngine, Reloading(&hearth::Engine::LoadCampaigns, kCampaigns));
  static ReusedEngine shop_b(ShopEngine, Reloading(&hearth::Engine::LoadCampaigns, kCampaigns));

  auto sa = LoadShopContent(
      shop_a, [&](hearth::Engine& e) { return e.LoadCampaigns(json); },
      [](const hearth::Engine& e) { return CampaignIds(e); });
  if (!sa) return 0;
  hearth::Engine& a = shop_a.Current();
  hearth::Engine& b = shop_b.Get();
  shop_b.Touched();
  HEARTH_FUZZ_CHECK(b.LoadCampaigns(json).ok());
  HEARTH_FUZZ_CHECK(CampaignIds(a) == CampaignIds(b));
  HEARTH_FUZZ_CHECK(Exercise(a) == Exercise(b));
  const std::string blob = a.ExportSnapshot();
  HEARTH_FUZZ_CHECK(blob == b.ExportSnapshot());
  CheckSnapshotRoundTrip(blob);
  return 0;
}
