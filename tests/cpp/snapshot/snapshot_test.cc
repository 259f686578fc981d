#include "hearth/snapshot/snapshot.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hearth/engine/engine.h"
#include "tests/cpp/engine/test_catalog.h"

namespace hearth {
namespace {

using ::hearth::testing::kDay;
using ::hearth::testing::kNow;
using ::hearth::testing::kShopCatalog;
using ::testing::HasSubstr;

// An engine with a bit of everything in its profile.
std::unique_ptr<Engine> BusyEngine() {
  auto engine = Engine::Create(ProfileConfig{}).value();
  EXPECT_TRUE(engine->LoadCatalog(kShopCatalog, LoadMode::kUpsert).ok());
  const char* items[] = {"trail-1", "trail-2", "city-1", "tent-1", "sock-1"};
  const char* types[] = {"view", "click", "add_to_cart", "purchase", "dismiss"};
  for (int i = 0; i < 40; ++i) {
    TrackEvent e;
    e.type = types[i % 5];
    e.item = items[(i * 3) % 5];
    e.ts_ms = kNow - (40 - i) * kDay / 4;
    std::string id = "evt-" + std::to_string(i);
    e.id = id;
    EXPECT_TRUE(engine->Track(e, kNow).ok());
  }
  EXPECT_TRUE(engine->SetPreferences({"trail"}, {"formal"}).ok());
  return engine;
}

TEST(SnapshotTest, RestoresBitExactly) {
  auto engine = BusyEngine();
  const std::string blob = engine->ExportSnapshot();
  auto fresh = Engine::Create(ProfileConfig{}).value();
  ASSERT_TRUE(fresh->LoadCatalog(kShopCatalog, LoadMode::kUpsert).ok());
  ASSERT_TRUE(fresh->RestoreSnapshot(blob).ok());
  EXPECT_EQ(fresh->ExportSnapshot(), blob);
  EXPECT_EQ(fresh->revision(), engine->revision());
  EXPECT_EQ(fresh->ExportJson(kNow), engine->ExportJson(kNow));
  // Restored event ids still deduplicate.
  TrackEvent e;
  e.type = "view";
  e.item = "trail-1";
  e.ts_ms = kNow;
  e.id = "evt-7";
  EXPECT_EQ(*fresh->Track(e, kNow), TrackOutcome::kDuplicate);
}

TEST(SnapshotTest, RestoresWithoutTheCatalog) {
  // Snapshots name features by key, so a profile restores before (or
  // without) the catalog that produced it.
  auto engine = BusyEngine();
  auto fresh = Engine::Create(ProfileConfig{}).value();
  ASSERT_TRUE(fresh->RestoreSnapshot(engine->ExportSnapshot()).ok());
  ProfileSummary a = engine->Summarize(kNow), b = fresh->Summarize(kNow);
  ASSERT_EQ(a.interests.size(), b.interests.size());
  for (size_t i = 0; i < a.interests.size(); ++i) EXPECT_EQ(a.interests[i].feature, b.interests[i].feature);
  EXPECT_EQ(a.segment, b.segment);
}

TEST(SnapshotTest, EveryTruncationIsRejectedAndChangesNothing) {
  auto engine = BusyEngine();
  const std::string blob = engine->ExportSnapshot();
  auto target = Engine::Create(ProfileConfig{}).value();
  ASSERT_TRUE(target->LoadCatalog(kShopCatalog, LoadMode::kUpsert).ok());
  const std::string before = target->ExportSnapshot();
  for (size_t len = 0; len < blob.size(); ++len) {
    SCOPED_TRACE(len);
    absl::Status s = target->RestoreSnapshot(std::string_view(blob).substr(0, len));
    ASSERT_FALSE(s.ok());
    EXPECT_THAT(s.code(), ::testing::AnyOf(absl::StatusCode::kDataLoss, absl::StatusCode::kInvalidArgument));
  }
  EXPECT_EQ(target->ExportSnapshot(), before);
}

TEST(SnapshotTest, EveryBitFlipIsRejected) {
  auto engine = BusyEngine();
  const std::string blob = engine->ExportSnapshot();
  auto target = Engine::Create(ProfileConfig{}).value();
  const std::string before = target->ExportSnapshot();
  for (size_t byte = 0; byte < blob.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = blob;
      flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << bit));
      ASSERT_FALSE(target->RestoreSnapshot(flipped).ok()) << "byte " << byte << " bit " << bit;
    }
  }
  EXPECT_EQ(target->ExportSnapshot(), before);
}

struct HeaderCase {
  const char* name;
  size_t offset;
  char value;
  absl::StatusCode code;
  const char* message;
};

TEST(SnapshotTest, NamesWhatIsWrongWithTheHeader) {
  constexpr HeaderCase kCases[] = {
      {"foreign magic", 0, 'X', absl::StatusCode::kInvalidArgument, "not a Hearth snapshot"},
      {"newer format", 4, 9, absl::StatusCode::kFailedPrecondition, "upgrade hearth"},
      {"format zero", 4, 0, absl::StatusCode::kDataLoss, "format version 0"},
      {"unknown flags", 6, 1, absl::StatusCode::kDataLoss, "flags"},
      {"length mismatch", 8, 1, absl::StatusCode::kDataLoss, "header says"},
      {"checksum", 12, 0x55, absl::StatusCode::kDataLoss, "checksum"},
  };
  const std::string blob = BusyEngine()->ExportSnapshot();
  for (const HeaderCase& c : kCases) {
    SCOPED_TRACE(c.name);
    std::string bad = blob;
    bad[c.offset] = c.value;
    auto engine = Engine::Create(ProfileConfig{}).value();
    absl::Status s = engine->RestoreSnapshot(bad);
    EXPECT_EQ(s.code(), c.code);
    EXPECT_THAT(s.message(), HasSubstr(c.message));
  }
}

TEST(SnapshotTest, AnEmptyProfileIsSmall) {
  auto engine = Engine::Create(ProfileConfig{}).value();
  // Header, the empty profile and the fixed parts of the rank, campaign,
  // consent and privacy sections: well under a kilobyte.
  EXPECT_LT(engine->ExportSnapshot().size(), 1024u) << engine->ExportSnapshot().size();
}

// A format-1 blob written by the first release (a purchase of a trail shoe by
// Acme, likes "trail", dislikes "formal"). Every later SDK must restore it:
// when the format changes, add a migration, never edit this constant.
constexpr char kGoldenV1Hex[] =
    "485254480100000007020000c304d0220200000000000000010069000000040000000a0000006272616e643a61636d65"
    "0400000041636d65090000006361743a73686f65730500000053686f65730f0000006361743a73686f65732f74726169"
    "6c05000000547261696c0700000070726963653a370e0000007072696365203634e2809331323802008a010000040000"
    "000000000000ca2077a1010000000000000000000000000000000000410000000000000000000000000100000000ca20"
    "77a1010000000000000000000000000000000000410000000000000000000000000200000000ca2077a1010000000000"
    "000000000000000000000000410000000000000000000000000300000000ca2077a10100000000000000000000000000"
    "000000004100000000000000000000000000000000000000000000000000000000000000000000000001000000000000"
    "0000000000000000000000000000000000000000000000000000ca2077a101000000ca2077a101000001000000000000"
    "0000000000000000000000000000005e4000ca2077a101000000ca2077a10100000100000000ca2077a1010000010000"
    "00010000000100000001000000000000000100000000000000000000000000000000000000010000000300ca2077a101"
    "00000200000074310000000000005e400100000083b839b5077b8e080100000005000000747261696c01000000060000"
    "00666f726d616c";

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

TEST(SnapshotTest, RestoresTheGoldenFormat1Blob) {
  auto engine = Engine::Create(ProfileConfig{}).value();
  ASSERT_TRUE(engine->RestoreSnapshot(FromHex(kGoldenV1Hex)).ok());
  ProfileSummary s = engine->Summarize(kNow);
  EXPECT_EQ(s.purchases_total, 1u);
  EXPECT_DOUBLE_EQ(s.monetary_total, 120);
  EXPECT_EQ(s.segment, "single_category_regular");
  EXPECT_THAT(s.likes, ::testing::ElementsAre("trail"));
  EXPECT_THAT(s.dislikes, ::testing::ElementsAre("formal"));
  ASSERT_FALSE(s.interests.empty());
  EXPECT_EQ(s.interests[0].feature, "brand:acme");
}

}  // namespace
}  // namespace hearth
