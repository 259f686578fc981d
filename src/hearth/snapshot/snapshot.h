// The device state as one compact, checksummed binary blob.
//
// Example:
//   std::string blob = hearth::EncodeSnapshot(features, profile, rank, rng.state(), revision,
//                                             campaigns.state(), privacy, game);
//   hearth::SnapshotContents restored(profile.config());
//   absl::Status s = hearth::DecodeSnapshot(blob, &restored);
//   if (s.ok()) restored.Commit(&features, &profile, &revision);
//
// Layout (little-endian):
//   "HRTH"  magic                     4 bytes
//   u16     format version            kSnapshotFormat (3)
//   u16     flags                     0
//   u32     payload length
//   u32     CRC-32 of the payload
//   payload: u64 revision, then sections, each u16 tag + u32 length + body:
//     1 features, 2 profile, 3 rank (format >= 2), and from format 3 the
//     optional 4 game, 5 campaigns, 6 consent, 7 privacy ledger/outbox/activity,
//     8 category learning (written 1, 2, 3, 8, 5, 6, 7, 4)
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
#include "hearth/campaign/campaign.h"
#include "hearth/catalog/features.h"
#include "hearth/game/game.h"
#include "hearth/profile/profile.h"
#include "hearth/rank/rank.h"
#include "hearth/report/privacy.h"

namespace hearth {

// 1: features + profile. 2: adds the optional rank section (bandit, impressions,
// purchases remembered for filtering, the random generator's state).
// 3: adds optional sections 4–8 for later state (game, campaigns, consent,
// privacy ledger, category learning); each absent one means fresh state.
inline constexpr uint16_t kSnapshotFormat = 3;
inline constexpr size_t kSnapshotHeaderBytes = 16;
inline constexpr size_t kMaxSnapshotBytes = 64u << 20;

std::string EncodeSnapshot(const FeatureDictionary& features, const Profile& profile, const RankState& rank,
                           const std::array<uint64_t, 4>& rng_state, uint64_t revision,
                           const CampaignState& campaign, const PrivacyState& privacy, const Game& game);

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
  CampaignState campaign;  // fresh when the blob has no campaign section
  // Consent (tag 6) and ledger/outbox/activity (tag 7); absent before format 3.
  PrivacyState privacy;
  bool has_consent = false;
  bool has_reports = false;
  Game game;  // fresh when the blob has no game section (tag 4)
};

absl::Status DecodeSnapshot(std::string_view blob, SnapshotContents* out);

}  // namespace hearth

#endif  // HEARTH_SNAPSHOT_SNAPSHOT_H_
