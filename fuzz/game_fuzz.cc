// Game rules JSON (Engine::LoadGame, as bindings/game_bindings.cc calls it)
// against a shop engine that already plays kRules and holds a history.
//
// Asserts: rejected rules leave the loaded rules (the same object) and the
// user's snapshot unchanged; accepted rules are played (views, purchases with
// context, a refund, GameState with history, opening every mystery box) and
// the whole game is deterministic: a second identical engine ends with the
// same snapshot bytes and JSON export, and that snapshot round-trips.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/harness.h"

namespace hearth::fuzz {
namespace {

// Plays the rules; returns a transcript of what the game answered.
std::string Play(Engine& e) {
  std::string log;
  std::string packed;
  for (int i = 0; i < 3; ++i) {
    TrackEvent view{"view", i % 2 ? "mug-1" : "trail-1", "", static_cast<double>(kNow + i * kDay / 2)};
    view.tz_offset_min = 60;
    AppendPackedEvent(view, &packed);
    TrackEvent buy{"purchase", "trail-1", "", static_cast<double>(kNow + i * kDay / 2 + 1000)};
    const std::string id = "order-" + std::to_string(i);
    buy.id = id;
    buy.quantity = 2;
    buy.deal = i == 1;
    buy.context_json = R"({"channel": "app", "store": 3})";
    AppendPackedEvent(buy, &packed);
  }
  const int64_t end = kNow + 2 * kDay;
  auto r = TrackPacked(e, packed, end);
  HEARTH_FUZZ_CHECK(r.ok());
  log += "recorded " + std::to_string(r->recorded) + " rejected " + std::to_string(r->rejected.size()) + "\n";
  for (const RewardEvent& ev : e.TakeRewards())
    log += std::string(RewardKindName(ev.kind)) + " " + ev.id + " " + std::to_string(ev.amount) + "\n";
  log += e.RefundEvent("order-1", end).ok() ? "refund ok\n" : "refund error\n";
  auto view = e.GameState(end, 60);
  log += view.ok() ? "view ok\n" : "view " + std::string(view.status().message()) + "\n";
  if (e.game().has_rules()) {
    for (const auto& box : e.game().rules()->mystery) {
      auto m = e.OpenMystery(box.id, end);
      log += m.ok() ? "open ok\n" : "open " + std::string(m.status().message()) + "\n";
    }
  }
  for (const RewardEvent& ev : e.TakeRewards())
    log += std::string(RewardKindName(ev.kind)) + " " + ev.id + " " + std::to_string(ev.amount) + "\n";
  // Far in the future: expiry and tier downgrades settle.
  auto late = e.GameState(end + 800 * kDay, -300);
  log += late.ok() ? "late ok\n" : "late error\n";
  return log;
}

}  // namespace
}  // namespace hearth::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hearth::fuzz;
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  // Rules are shop content (not in the snapshot): a reset loads kRules again
  // and restores the user's state from the baseline snapshot.
  static ReusedEngine shop_a(ShopEngine, Reloading(&hearth::Engine::LoadGame, kRules));
  static ReusedEngine shop_b(ShopEngine, Reloading(&hearth::Engine::LoadGame, kRules));

  auto na = LoadShopContent(
      shop_a, [&](hearth::Engine& e) { return e.LoadGame(json); },
      [](const hearth::Engine& e) { return e.game().rules(); });  // the same rules object
  if (!na) return 0;
  hearth::Engine& a = shop_a.Current();
  hearth::Engine& b = shop_b.Get();
  shop_b.Touched();
  auto nb = b.LoadGame(json);
  HEARTH_FUZZ_CHECK(nb.ok() && **na == *nb);
  const std::string log_a = Play(a);
  const std::string log_b = Play(b);
  HEARTH_FUZZ_CHECK(log_a == log_b);
  const std::string blob = a.ExportSnapshot();
  HEARTH_FUZZ_CHECK(blob == b.ExportSnapshot());
  HEARTH_FUZZ_CHECK(a.ExportJson(kNow + 3 * kDay) == b.ExportJson(kNow + 3 * kDay));
  CheckSnapshotRoundTrip(blob);
  return 0;
}
