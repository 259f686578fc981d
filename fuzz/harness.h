// Shared pieces of the libFuzzer targets in fuzz/: a realistic shop engine
// to fuzz against (the state a rejected input must leave untouched), kept
// across inputs by a ReusedEngine and put back to its baseline only after an
// input changed it, the loader contract every shop-content target checks,
// state fingerprints, and a check that aborts (libFuzzer reports it as a
// crash, with the input) when an invariant does not hold.
//
// Example (fuzz/game_fuzz.cc):
//   static ReusedEngine shop(ShopEngine, Reloading(&Engine::LoadGame, kRules));
//   auto loaded = LoadShopContent(shop, [&](Engine& e) { return e.LoadGame(json); },
//                                 [](const Engine& e) { return e.game().rules(); });
//   if (!loaded) return 0;  // rejected, and checked: rules and snapshot bytes as before
//
// Every target drives the core exactly as bindings/ does (same Engine calls,
// same argument shapes); bindings add only conversion, which is not fuzzed.
#ifndef HEARTH_FUZZ_HARNESS_H_
#define HEARTH_FUZZ_HARNESS_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

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

// One engine kept across fuzz inputs. Building a shop engine (parsing the
// catalog, rules, campaigns and promotions, tracking a history) costs far
// more than most inputs, and a rejected input must leave it unchanged anyway
// (the targets check exactly that), so it is built once and put back to its
// baseline only after an input was accepted or the target changed it on
// purpose (Touched()).
//
// Putting it back: with a `reload` (the shop content the target's input can
// replace, loaded again), the engine reloads that content and restores the
// baseline snapshot (the user's state: profile, rank memory, rng, revision,
// game, campaigns, consent, privacy) and drains pending rewards; without one
// (an input that can change what the snapshot cannot restore, e.g. the
// catalog and its feature ids) it is built again by `make`. Either way the
// engine must then export the baseline snapshot bytes again, which is
// checked, so a reset that misses state fails loudly instead of leaking one
// input's effects into the next.
class ReusedEngine {
 public:
  explicit ReusedEngine(std::function<std::unique_ptr<Engine>()> make,
                        std::function<void(Engine&)> reload = nullptr)
      : make_(std::move(make)), reload_(std::move(reload)), engine_(make_()),
        snapshot_(engine_->ExportSnapshot()), revision_(engine_->revision()) {}

  // The engine, at its baseline.
  Engine& Get() {
    if (touched_) Reset();
    return *engine_;
  }
  // The engine as the last input left it (after LoadShopContent accepted).
  Engine& Current() { return *engine_; }
  // The caller changed the engine: the next Get() puts it back.
  void Touched() { touched_ = true; }
  // The baseline's snapshot bytes and revision.
  const std::string& snapshot() const { return snapshot_; }
  uint64_t revision() const { return revision_; }

 private:
  void Reset() {
    touched_ = false;
    // Restores intern the feature keys they carry (the dictionary only
    // grows, as in a long-lived page): building the engine again now and
    // then keeps millions of inputs within the fuzzer's memory limit.
    if (!reload_ || ++resets_ % kRebuildEvery == 0) {
      engine_ = make_();
    } else {
      reload_(*engine_);
      const absl::Status s = engine_->RestoreSnapshot(snapshot_);
      if (!s.ok()) std::fprintf(stderr, "restoring the baseline failed: %s\n", std::string(s.message()).c_str());
      HEARTH_FUZZ_CHECK(s.ok());
      engine_->TakeRewards();
    }
    HEARTH_FUZZ_CHECK(engine_->ExportSnapshot() == snapshot_);
    HEARTH_FUZZ_CHECK(engine_->revision() == revision_);
  }

  static constexpr uint64_t kRebuildEvery = 20'000;

  std::function<std::unique_ptr<Engine>()> make_;
  std::function<void(Engine&)> reload_;
  uint64_t resets_ = 0;
  std::unique_ptr<Engine> engine_;
  std::string snapshot_;
  uint64_t revision_;
  bool touched_ = false;
};

// A ReusedEngine reload that loads the shop content `text` again with `load`
// (an Engine loader: &Engine::LoadGame, &Engine::LoadCampaigns, …).
template <typename Load>
std::function<void(Engine&)> Reloading(Load load, std::string_view text) {
  return [load, text](Engine& e) { HEARTH_FUZZ_CHECK((e.*load)(text).ok()); };
}

// The loader contract of shop content (catalog, rules, campaigns, promotions,
// priors): `load` feeds the input to the baseline engine of `shop`. Rejected
// (not ok) → the content (`content(engine)`, compared before and after) and
// the user's snapshot bytes are unchanged, and nullopt is returned. Accepted →
// the engine is marked Touched and the loader's result is returned.
template <typename Load, typename Content>
auto LoadShopContent(ReusedEngine& shop, const Load& load, const Content& content)
    -> std::optional<decltype(load(std::declval<Engine&>()))> {
  Engine& e = shop.Get();
  const auto before = content(std::as_const(e));
  auto result = load(e);
  if (!result.ok()) {
    HEARTH_FUZZ_CHECK(content(std::as_const(e)) == before);
    HEARTH_FUZZ_CHECK(e.ExportSnapshot() == shop.snapshot());
    HEARTH_FUZZ_CHECK(e.revision() == shop.revision());
    return std::nullopt;
  }
  shop.Touched();
  return result;
}

}  // namespace hearth::fuzz

#endif  // HEARTH_FUZZ_HARNESS_H_
