// Snapshot blobs (Engine::RestoreSnapshot, as bindings/snapshot_bindings.cc
// calls it) into a shop engine that already holds a user's state.
//
// Asserts: a rejected blob leaves the engine's snapshot bytes unchanged (the
// restore decodes into staging and swaps on success); an accepted blob is
// restored deterministically (a second engine exports the same bytes), its
// export is a fixed point (restore ∘ export is the identity on it), and the
// restored engine keeps working: it tracks, recommends, plays and exports.
//
// The CRC-32 in the header would stop nearly every mutation at "checksum
// mismatch", so each input is restored twice: as is, and with the header's
// payload length and checksum rewritten to match the bytes (what a blob
// corrupted before checksumming looks like), which reaches the section
// decoders. Both go through the same public RestoreSnapshot.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/harness.h"
#include "hearth/common/hash.h"

namespace hearth::fuzz {
namespace {

constexpr size_t kHeaderBytes = 16;  // magic, u16 format, u16 flags, u32 length, u32 CRC-32

void PutU32(uint32_t v, char* out) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// A restore changes only what the snapshot holds (the shop content stays), so
// a reset is restoring the baseline snapshot (no reload).
ReusedEngine& ShopA() {
  static ReusedEngine shop(ShopEngine, [](Engine&) {});
  return shop;
}
ReusedEngine& ShopB() {
  static ReusedEngine shop(ShopEngine, [](Engine&) {});
  return shop;
}

void Check(std::string_view blob) {
  ReusedEngine& shop_a = ShopA();
  Engine& a_ref = shop_a.Get();
  if (!a_ref.RestoreSnapshot(blob).ok()) {
    HEARTH_FUZZ_CHECK(a_ref.ExportSnapshot() == shop_a.snapshot());
    HEARTH_FUZZ_CHECK(a_ref.revision() == shop_a.revision());
    return;
  }
  shop_a.Touched();
  Engine* a = &a_ref;
  const std::string exported = a->ExportSnapshot();
  Engine* b = &ShopB().Get();
  ShopB().Touched();
  HEARTH_FUZZ_CHECK(b->RestoreSnapshot(blob).ok());
  HEARTH_FUZZ_CHECK(b->ExportSnapshot() == exported);
  CheckSnapshotRoundTrip(exported);

  // The restored state is usable: the same calls on both give the same answers.
  for (hearth::Engine* e : {a, b}) {
    std::string packed;
    hearth::AppendPackedEvent(hearth::TrackEvent{"view", "tent-1", "", static_cast<double>(kNow)}, &packed);
    hearth::TrackEvent buy{"purchase", "mug-1", "order-1", static_cast<double>(kNow)};
    hearth::AppendPackedEvent(buy, &packed);
    HEARTH_FUZZ_CHECK(hearth::TrackPacked(*e, packed, kNow).ok());
    e->TakeRewards();
    (void)e->GameState(kNow, 0);
    (void)e->Summarize(kNow);
  }
  HEARTH_FUZZ_CHECK(PicksFingerprint(*a, kNow) == PicksFingerprint(*b, kNow));
  HEARTH_FUZZ_CHECK(ShopFingerprint(*a, kNow) == ShopFingerprint(*b, kNow));
  HEARTH_FUZZ_CHECK(a->ExportJson(kNow) == b->ExportJson(kNow));
  const std::string after = a->ExportSnapshot();
  HEARTH_FUZZ_CHECK(after == b->ExportSnapshot());
  CheckSnapshotRoundTrip(after);
}

}  // namespace
}  // namespace hearth::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hearth::fuzz;
  const std::string_view blob(reinterpret_cast<const char*>(data), size);
  Check(blob);
  if (size >= kHeaderBytes) {
    std::string fixed(blob);
    PutU32(static_cast<uint32_t>(size - kHeaderBytes), &fixed[8]);
    PutU32(hearth::Crc32(std::string_view(fixed).substr(kHeaderBytes)), &fixed[12]);
    if (fixed != blob) Check(fixed);
  }
  return 0;
}
