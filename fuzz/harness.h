// Shared pieces of the libFuzzer targets in fuzz/: a realistic shop engine
// to fuzz against (the state a rejected input must leave untouched), state
// fingerprints, and a check that aborts (libFuzzer reports it as a crash,
// with the input) when an invariant does not hold.
//
// Example (fuzz/catalog_fuzz.cc):
//   auto engine = hearth::fuzz::ShopEngine();
//   const std::string before = hearth::fuzz::CatalogFingerprint(engine->catalog());
//   auto r = engine->LoadCatalog(input, hearth::LoadMode::kUpsert);
//   if (!r.ok()) HEARTH_FUZZ_CHECK(before == hearth::fuzz::CatalogFingerprint(engine->catalog()));
//
// Every target drives the core exactly as bindings/ does (same Engine calls,
// same argument shapes); bindings add only conversion, which is not fuzzed.
#ifndef HEARTH_FUZZ_HARNESS_H_
#define HEARTH_FUZZ_HARNESS_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "hearth/catalog/catalog.h"
#include "hearth/common/text.h"
#include "hearth/engine/batch.h"
#include "hearth/engine/engine.h"

// Aborts with the failed condition: an invariant of the core did not hold.
#define HEARTH_FUZZ_CHECK(cond)                                                      \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                  \
    }                                                                                \
  } while (0)

namespace hearth::fuzz {

inline constexpr int64_t kNow = 1'793'000'000'000;  // 2026-10-27, as in tests/cpp
inline constexpr int64_t kDay = 86'400'000;

// The categories of demo/public/data/{promotions,campaigns}.json exist here,
// so realistic seeds get past the catalog cross-checks.
inline constexpr char kCatalog[] = R"([
  {"id": "trail-1", "title": "Ridge runner", "category": "Shoes > Trail", "tags": ["waterproof"],
   "brand": "Acme", "price": 120, "stock": 4, "popularity": 0.8},
  {"id": "boot-1", "title": "Snow boot", "category": "Shoes > Boots", "brand": "Birch", "price": 150},
  {"id": "tent-1", "title": "Two-person tent", "category": "Outdoor > Camping", "brand": "Fjell", "price": 300},
  {"id": "rain-1", "title": "Rain shell", "category": "Apparel > Outerwear", "tags": ["waterproof"], "price": 89},
  {"id": "mug-1", "title": "Coffee mug", "category": "Kitchen > Coffee", "brand": "Acme", "price": 12},
  {"id": "lamp-1", "title": "Desk lamp", "category": "Home > Lighting", "price": 45},
  {"id": "throw-1", "title": "Wool throw", "category": "Home > Textiles", "tags": ["merino"], "price": 60}
])";

// Small game rules touching every subsystem the packed path feeds.
inline constexpr char kRules[] = R"({
  "currencies": [{"id": "points", "expiresAfterDays": 365}],
  "earn": [{"id": "buy", "label": "Points for your order", "event": "purchase",
            "reward": {"currency": "points", "perUnit": 1}, "dailyCap": 1500},
           {"id": "browse", "label": "Thanks for browsing", "event": "view",
            "reward": {"currency": "points", "amount": 1}, "dailyCap": 20}],
  "streak": {"period": "day", "events": ["view", "purchase"], "graceHours": 3},
  "stampCards": [{"id": "card", "name": "Order card", "event": "purchase", "required": 3,
                  "reward": {"mystery": "box"}}],
  "badges": [{"id": "acme", "name": "Acme fan", "event": "purchase", "when": {"field": "brand", "eq": "acme"}}],
  "mystery": [{"id": "box", "name": "Box", "prizes": [
    {"id": "p5", "label": "5 points", "weight": 3, "reward": {"currency": "points", "amount": 5}},
    {"id": "p50", "label": "50 points", "weight": 1, "reward": {"currency": "points", "amount": 50}}]}]
})";

inline constexpr char kCampaigns[] = R"([
  {"id": "camping", "name": "15% off camping", "trigger": {"context": {"maxDistanceKm": 1}},
   "action": {"type": "deal", "category": "Outdoor > Camping", "discount": 0.15},
   "cap": {"perDay": 3, "lifetime": 20}, "holdout": 0.3, "goal": {"event": "purchase", "windowHours": 72}}
])";

inline constexpr char kPromotions[] = R"([
  {"id": "rain-outerwear", "category": "Apparel > Outerwear", "discountPercent": 20, "starts": "2026-01-01",
   "ends": "2027-12-31", "title": "Rain day: 20% off outerwear", "context": {"weather": ["rain"]}}
])";

// A fresh engine as EngineHandle builds it (default ProfileConfig), seeded,
// holding kCatalog, kRules, kCampaigns, kPromotions and a short history, so
// snapshots and fingerprints have something to lose.
inline std::unique_ptr<Engine> ShopEngine() {
  auto engine = *Engine::Create(ProfileConfig{});
  engine->Seed(42);
  HEARTH_FUZZ_CHECK(engine->LoadCatalog(kCatalog, LoadMode::kUpsert).ok());
  HEARTH_FUZZ_CHECK(engine->LoadGame(kRules).ok());
  HEARTH_FUZZ_CHECK(engine->LoadCampaigns(kCampaigns).ok());
  HEARTH_FUZZ_CHECK(engine->LoadPromotions(kPromotions).ok());
  std::string packed;
  AppendPackedEvent(TrackEvent{"view", "trail-1", "", static_cast<double>(kNow - 2 * kDay)}, &packed);
  TrackEvent buy{"purchase", "trail-1", "order-1", static_cast<double>(kNow - kDay)};
  buy.value = 120;
  AppendPackedEvent(buy, &packed);
  AppendPackedEvent(TrackEvent{"search", "", "", static_cast<double>(kNow - kDay), "rain jacket"}, &packed);
  auto r = TrackPacked(*engine, packed, kNow);
  HEARTH_FUZZ_CHECK(r.ok() && r->recorded == 3);
  engine->TakeRewards();
  return engine;
}

// Everything a catalog holds, in one string: equal strings, equal catalogs.
inline std::string CatalogFingerprint(const Catalog& c) {
  std::string out = std::to_string(c.size()) + "\n";
  for (const Item& it : c.items()) {
    out += it.id + "|" + it.title + "|" + it.brand + "|" + it.image + "|" + it.url + "|";
    for (const auto& level : it.category) out += level + ">";
    out += "|";
    for (const auto& t : it.tags) out += t + ",";
    out += "|" + (it.price ? std::to_string(*it.price) : std::string("-")) + "|" + std::to_string(it.stock) + "|" +
           std::to_string(it.popularity) + "|" + std::to_string(it.created_at_ms) + "|";
    for (const auto& [k, v] : it.attributes) out += k + "=" + v + ";";
    out += "|";
    for (FeatureId f : it.features) out += std::to_string(f) + ",";
    out += "\n";
  }
  return out;
}

// The picks of both slots, as text, for determinism checks.
inline std::string PicksFingerprint(Engine& engine, int64_t now_ms) {
  std::string out;
  for (Slot slot : {Slot::kForYou, Slot::kWow}) {
    RecommendRequest req;
    req.slot = slot;
    req.count = 4;
    req.now_ms = now_ms;
    auto picks = engine.Recommend(req);
    if (!picks.ok()) {
      out += "error:" + std::string(picks.status().message()) + "\n";
      continue;
    }
    for (const Pick& p : *picks) out += p.item + "|" + p.reason + "|" + p.arm + "|" + std::to_string(p.score) + "\n";
  }
  return out;
}

// The context the demo storefront passes for deals and campaigns.
inline DealContext ShopContext() {
  DealContext ctx;
  ctx.hour = 18;
  ctx.weekday = 2;
  ctx.weather = "rain";
  ctx.distance_km = 0.5;
  return ctx;
}

// What the deals slot and the campaigns answer now, as text: campaigns listed
// (arm, eligibility, counts), the actions shown (records exposures, like
// bindings/campaign_bindings.cc's activeCampaigns) and the deals.
inline std::string ShopFingerprint(Engine& engine, int64_t now_ms) {
  std::string out;
  const DealContext ctx = ShopContext();
  auto list = engine.ListCampaigns(ctx, now_ms);
  if (list.ok()) {
    for (const CampaignListing& l : *list)
      out += "campaign " + l.campaign->id + " " + std::string(CampaignArmName(l.arm)) + " " +
             std::to_string(l.eligible) + " " + std::to_string(l.exposures) + " " + std::to_string(l.conversions) +
             " " + std::to_string(l.cap_remaining) + "\n";
  } else {
    out += "list error " + std::string(list.status().message()) + "\n";
  }
  auto active = engine.ActiveCampaigns(ctx, now_ms);
  if (active.ok()) {
    for (const Campaign* c : *active) out += "active " + c->id + "\n";
  } else {
    out += "active error " + std::string(active.status().message()) + "\n";
  }
  auto deals = engine.RecommendDeals(ctx, now_ms, 4, {});
  if (deals.ok()) {
    for (const Deal& d : *deals)
      out += "deal " + d.pick.item + " " + d.promotion + " " + std::to_string(d.discount) + " " + d.campaign + "\n";
  } else {
    out += "deals error " + std::string(deals.status().message()) + "\n";
  }
  return out;
}

// Restores `blob` into a fresh engine and exports it again: the bytes must be
// the same (a snapshot is a fixed point of restore ∘ export).
inline void CheckSnapshotRoundTrip(const std::string& blob) {
  auto fresh = *Engine::Create(ProfileConfig{});
  auto s = fresh->RestoreSnapshot(blob);
  if (!s.ok()) std::fprintf(stderr, "restoring an exported snapshot failed: %s\n", std::string(s.message()).c_str());
  HEARTH_FUZZ_CHECK(s.ok());
  HEARTH_FUZZ_CHECK(fresh->ExportSnapshot() == blob);
}

}  // namespace hearth::fuzz

#endif  // HEARTH_FUZZ_HARNESS_H_
