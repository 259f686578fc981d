// The device state as one compact, checksummed binary blob.
//
// Example:
//   std::string blob = hearth::EncodeSnapshot(features, profile, rank, rng.state(), revision, game);
//   hearth::SnapshotContents restored(profile.config());
//   absl::Status s = hearth::DecodeSnapshot(blob, &restored);
//   if (s.ok()) restored.Commit(&features, &profile, &revision);
//
// Layout (little-endian):
//   "HRTH"  magic                     4 bytes
//   u16     format version            kSnapshotFormat (1)
//   u16     flags                     0
//   u32     payload length
//   u32     CRC-32 of the payload
//   payload: sections, each u16 tag + u32 length + body
//
// Decoding is all-or-nothing: the blob is checked (magic, version, length,
// checksum, every count against its limit, every reference in range) into a
// staging SnapshotContents, and only Commit() touches live state. A foreign
// blob is INVALID_ARGUMENT, a newer format FAILED_PRECONDITION (upgrade the
// SDK), a truncated or corrupt one DATA_LOSS — never a crash.
//
// Sections carry their own tags so that later formats can add state (game,
// consent, ledger) and still read every older blob: a reader for format N
// accepts formats 1..N, running the migrations in MigrateToCurrent.
#ifndef HEARTH_SNAPSHOT_SNAPSHOT_H_
#define HEARTH_SNAPSHOT_SNAPSHOT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "hearth/catalog/features.h"
#include "hearth/game/game.h"
#include "hearth/profile/profile.h"
#include "hearth/rank/rank.h"

namespace hearth {

// 1: features + profile. 2: adds the optional rank section (bandit, impressions,
// purchases remembered for filtering, the random generator's state). 3: adds
// the optional game section (tag 4: ledger, streak, cards, badges, ...).
inline constexpr uint16_t kSnapshotFormat = 3;
inline constexpr size_t kSnapshotHeaderBytes = 16;
inline constexpr size_t kMaxSnapshotBytes = 64u << 20;

std::string EncodeSnapshot(const FeatureDictionary& features, const Profile& profile, const RankState& rank,
                           const std::array<uint64_t, 4>& rng_state, uint64_t revision, const Game& game);

// Decoded state waiting to replace the live state.
class SnapshotContents {
 public:
  explicit SnapshotContents(const ProfileConfig& config) : profile(config) {}

  // Interns the snapshot's features into `features`, remaps the profile to
  // those ids and swaps everything in. Cannot fail.
  void Commit(FeatureDictionary* features, Profile* live, uint64_t* revision);

  uint16_t format = 0;
  uint64_t revision = 0;
  std::vector<std::pair<std::string, std::string>> feature_keys;  // key, label
  Profile profile;  // feature ids are indices into feature_keys until Commit
  RankState rank;   // empty when the blob predates format 2
  bool has_rng = false;
  std::array<uint64_t, 4> rng_state{};
  Game game;  // fresh when the blob predates format 3
};

absl::Status DecodeSnapshot(std::string_view blob, SnapshotContents* out);

}  // namespace hearth

#endif  // HEARTH_SNAPSHOT_SNAPSHOT_H_
