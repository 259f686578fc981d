// Packed event batches (hearth::TrackPacked): the bytes js/internal/packed.js
// writes into EngineHandle's packing buffer and bindings/engine_handle.h and
// engine_bindings.cc (trackPacked, hearth_track_packed, trackPackedBatch)
// hand to the core, against a shop engine that plays the game.
//
// Asserts: a batch rejected as a whole (bad layout) changes nothing (same
// snapshot bytes); otherwise recorded + duplicates + rejected = the events in
// the batch, rejected indices ascend and are in range, the same batch into a
// second identical engine gives the same result and snapshot bytes, and the
// snapshot round-trips. Replaying the batch records nothing new for events
// with an id (duplicates).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/harness.h"

namespace hearth::fuzz {
namespace {

std::string ResultFingerprint(const BatchResult& r) {
  std::string out = std::to_string(r.recorded) + " " + std::to_string(r.duplicates) + "\n";
  for (const BatchReject& j : r.rejected)
    out += std::to_string(j.index) + " " + std::string(j.status.message()) + "\n";
  return out;
}

}  // namespace
}  // namespace hearth::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hearth::fuzz;
  // EngineHandle::Packed: a view of the handle's buffer, `length` bytes.
  const std::string_view packed(reinterpret_cast<const char*>(data), size);
  const double now = static_cast<double>(kNow);
  // Tracking changes only what the snapshot holds (and pending rewards, which
  // a reset drains): a reset restores the baseline snapshot.
  static ReusedEngine shop_a(ShopEngine, [](hearth::Engine&) {}), shop_b(ShopEngine, [](hearth::Engine&) {});

  hearth::Engine& a = shop_a.Get();
  const std::string& before = shop_a.snapshot();
  const uint64_t revision_before = shop_a.revision();
  auto ra = hearth::TrackPacked(a, packed, now);
  if (!ra.ok()) {
    HEARTH_FUZZ_CHECK(a.ExportSnapshot() == before);
    HEARTH_FUZZ_CHECK(a.revision() == revision_before);
    HEARTH_FUZZ_CHECK(a.pending_rewards() == 0);
    return 0;
  }
  shop_a.Touched();
  const size_t events = ra->recorded + ra->duplicates + ra->rejected.size();
  HEARTH_FUZZ_CHECK(events <= hearth::kMaxBatchEvents);
  int64_t last = -1;
  for (const hearth::BatchReject& j : ra->rejected) {
    HEARTH_FUZZ_CHECK(j.index > last && j.index < static_cast<int64_t>(events));
    HEARTH_FUZZ_CHECK(!j.status.ok());
    last = j.index;
  }
  if (ra->recorded == 0) HEARTH_FUZZ_CHECK(a.ExportSnapshot() == before || a.revision() != revision_before);
  (void)a.pending_rewards();
  a.TakeRewards();

  hearth::Engine& b = shop_b.Get();
  shop_b.Touched();
  auto rb = hearth::TrackPacked(b, packed, now);
  HEARTH_FUZZ_CHECK(rb.ok());
  HEARTH_FUZZ_CHECK(ResultFingerprint(*ra) == ResultFingerprint(*rb));
  b.TakeRewards();
  const std::string blob = a.ExportSnapshot();
  HEARTH_FUZZ_CHECK(blob == b.ExportSnapshot());
  CheckSnapshotRoundTrip(blob);

  // The same batch again: the layout is still valid and every event is
  // accounted for once more.
  auto again = hearth::TrackPacked(a, packed, now);
  HEARTH_FUZZ_CHECK(again.ok());
  HEARTH_FUZZ_CHECK(again->recorded + again->duplicates + again->rejected.size() == events);
  a.TakeRewards();
  (void)a.GameState(now, 0);
  PicksFingerprint(a, kNow);
  return 0;
}
