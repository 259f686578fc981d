// Writes the binary seed inputs of the snapshot and packed targets, built
// from the current core at build time (so they always carry the current
// snapshot format and packed layout; nothing binary is committed except
// crash reproducers in corpus/):
//
//   fuzz_seed_writer <out-dir>   # writes <out-dir>/snapshot/*, <out-dir>/packed/*
//
// Snapshots: a fresh engine, the fuzz shop engine, and one with every
// optional section filled (game, campaigns, consent, privacy ledger/outbox,
// rank memory). Packed batches: single events of every type, a mixed batch
// with ids, context and time zones, and batches with rejected events.
#include <cstdio>
#include <string>
#include <vector>

#include "fuzz/harness.h"

namespace hearth::fuzz {
namespace {

bool Write(const std::string& path, const std::string& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

std::string FullSnapshot() {
  auto e = ShopEngine();
  HEARTH_FUZZ_CHECK(e->SetConsent(Purpose::kMeasurement, ConsentState::kGranted, ConsentSource::kApi, kNow).ok());
  HEARTH_FUZZ_CHECK(e->SetConsent(Purpose::kGamification, ConsentState::kGranted, ConsentSource::kTcf, kNow).ok());
  ShopFingerprint(*e, kNow);  // campaign exposures
  RecommendRequest req;
  req.now_ms = kNow;
  req.count = 3;
  auto picks = e->Recommend(req);
  HEARTH_FUZZ_CHECK(picks.ok());
  if (!picks->empty()) (void)e->Feedback(FeedbackEvent{picks->front().item, Slot::kForYou, Outcome::kClick, kNow});
  std::string packed;
  for (int i = 0; i < 4; ++i) {
    TrackEvent buy{"purchase", i % 2 ? "mug-1" : "tent-1", "", static_cast<double>(kNow + i * 1000)};
    const std::string id = "order-" + std::to_string(10 + i);
    buy.id = id;
    buy.context_json = R"({"channel": "app"})";
    AppendPackedEvent(buy, &packed);
  }
  HEARTH_FUZZ_CHECK(TrackPacked(*e, packed, kNow + 5000).ok());
  e->TakeRewards();
  (void)e->OpenMystery("box", kNow + 5000);
  (void)e->AddPreference("merino", true);
  (void)e->AddPreference("formal", false);
  // One report round charged to the ledger and queued in the outbox.
  auto round = e->PrepareReports(kNow + kDay);
  if (round.ok() && *round != nullptr) {
    std::vector<std::string> ids;
    for (const Report& r : (*round)->reports) ids.push_back(r.id);
    (void)e->CommitReports(ids, kNow + kDay);
  }
  return e->ExportSnapshot();
}

std::vector<std::pair<std::string, std::string>> PackedSeeds() {
  std::vector<std::pair<std::string, std::string>> seeds;
  const double t = static_cast<double>(kNow - 60'000);
  auto one = [&](const char* name, TrackEvent e) {
    std::string p;
    AppendPackedEvent(e, &p);
    seeds.emplace_back(name, p);
  };
  one("view", TrackEvent{"view", "trail-1", "", t});
  one("click", TrackEvent{"click", "boot-1", "c-1", t});
  one("cart", TrackEvent{"add_to_cart", "tent-1", "", t});
  TrackEvent buy{"purchase", "trail-1", "order-7", t};
  buy.value = 99.5;
  buy.quantity = 2;
  buy.deal = true;
  buy.tz_offset_min = -300;
  buy.context_json = R"({"channel": "app", "store": 12, "member": true})";
  one("purchase", buy);
  one("search", TrackEvent{"search", "", "", t, "rain jacket"});
  TrackEvent dwell{"dwell", "lamp-1", "", t};
  dwell.value = 42;
  one("dwell", dwell);
  one("dismiss", TrackEvent{"dismiss", "throw-1", "", t});
  std::string mixed;
  for (int i = 0; i < 6; ++i) {
    TrackEvent e{i % 3 == 0 ? "view" : i % 3 == 1 ? "add_to_cart" : "purchase", i % 2 ? "mug-1" : "rain-1", "",
                 t + i * 1000};
    const std::string id = i % 3 == 2 ? "order-" + std::to_string(i) : "";
    e.id = id;
    e.tz_offset_min = 60;
    AppendPackedEvent(e, &mixed);
  }
  seeds.emplace_back("mixed", mixed);
  std::string rejects;
  AppendPackedEvent(TrackEvent{"view", "no-such-item", "", t}, &rejects);
  AppendPackedEvent(TrackEvent{"teleport", "trail-1", "", t}, &rejects);
  AppendPackedEvent(TrackEvent{"view", "trail-1", "", 1.0}, &rejects);
  TrackEvent ctx{"view", "trail-1", "", t};
  ctx.context_json = R"({"nested": {"x": 1}})";
  AppendPackedEvent(ctx, &rejects);
  AppendPackedEvent(TrackEvent{"view", "trail-1", "dup", t}, &rejects);
  AppendPackedEvent(TrackEvent{"view", "trail-1", "dup", t}, &rejects);
  seeds.emplace_back("rejects", rejects);
  return seeds;
}

}  // namespace
}  // namespace hearth::fuzz

int main(int argc, char** argv) {
  using namespace hearth::fuzz;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <out-dir>  (writes <out-dir>/snapshot/ and <out-dir>/packed/)\n", argv[0]);
    return 2;
  }
  const std::string out = argv[1];
  bool ok = true;
  ok &= Write(out + "/snapshot/fresh.bin", (*hearth::Engine::Create(hearth::ProfileConfig{}))->ExportSnapshot());
  ok &= Write(out + "/snapshot/shop.bin", ShopEngine()->ExportSnapshot());
  ok &= Write(out + "/snapshot/full.bin", FullSnapshot());
  for (const auto& [name, bytes] : PackedSeeds()) ok &= Write(out + "/packed/" + name + ".bin", bytes);
  if (!ok) {
    std::fprintf(stderr, "fuzz_seed_writer: cannot write under %s (create snapshot/ and packed/ first)\n", out.c_str());
    return 1;
  }
  return 0;
}
