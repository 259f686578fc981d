#include "hearth/profile/profile.h"

#include <cmath>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hearth {
namespace {

using ::testing::ElementsAre;

constexpr int64_t kT0 = 1'790'000'000'000;  // 2026-09-21

ProfileEvent At(EventType type, int64_t ts, const std::vector<FeatureId>& features) {
  ProfileEvent e;
  e.type = type;
  e.ts_ms = ts;
  e.features = features;
  e.item = "sku";
  return e;
}

TEST(ProfileTest, InterestHalvesAfterEachHalfLife) {
  const ProfileConfig config;
  for (int t = 0; t < kEventTypes; ++t) {
    SCOPED_TRACE(EventTypeName(static_cast<EventType>(t)));
    if (static_cast<EventType>(t) == EventType::kDwell) continue;  // scaled by seconds
    Profile p(config);
    std::vector<FeatureId> f = {3};
    p.Observe(At(static_cast<EventType>(t), kT0, f));
    const double w0 = p.Affinity(3, kT0);
    EXPECT_DOUBLE_EQ(w0, config.weight[t]);
    const auto half = static_cast<int64_t>(config.half_life_days[t] * kDayMs);
    EXPECT_NEAR(p.Affinity(3, kT0 + half), w0 / 2, 1e-5);
    EXPECT_NEAR(p.Affinity(3, kT0 + 2 * half), w0 / 4, 1e-5);
  }
}

TEST(ProfileTest, DecayIsLazyAndOrderIndependent) {
  Profile a{ProfileConfig{}}, b{ProfileConfig{}};
  std::vector<FeatureId> f = {1};
  a.Observe(At(EventType::kView, kT0, f));
  a.Observe(At(EventType::kClick, kT0 + 3 * kDayMs, f));
  // A late event is decayed to the entry's clock instead of moving it back.
  b.Observe(At(EventType::kClick, kT0 + 3 * kDayMs, f));
  b.Observe(At(EventType::kView, kT0, f));
  EXPECT_NEAR(a.Affinity(1, kT0 + 10 * kDayMs), b.Affinity(1, kT0 + 10 * kDayMs), 1e-5);
}

TEST(ProfileTest, DismissPushesInterestDown) {
  Profile p{ProfileConfig{}};
  std::vector<FeatureId> f = {1};
  p.Observe(At(EventType::kView, kT0, f));
  p.Observe(At(EventType::kDismiss, kT0, f));
  EXPECT_LT(p.Affinity(1, kT0), 0);
  EXPECT_TRUE(p.TopInterests(kT0, 10).empty());
}

TEST(ProfileTest, TopInterestsAreStrongestFirst) {
  Profile p{ProfileConfig{}};
  std::vector<FeatureId> a = {1, 2}, b = {2};
  p.Observe(At(EventType::kView, kT0, a));
  p.Observe(At(EventType::kPurchase, kT0, b));
  auto top = p.TopInterests(kT0, 10);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].first, 2u);
  EXPECT_EQ(top[1].first, 1u);
}

// Builds a profile from purchases: {days ago, top category, brand, deal}.
struct Buy {
  int days_ago;
  FeatureId category;
  FeatureId brand;
  bool deal;
};

struct SegmentCase {
  const char* name;
  int last_active_days_ago;  // -1: no events at all
  std::vector<Buy> buys;
  Segment want;
};

TEST(ProfileTest, SegmentsFollowTheDocumentedThresholds) {
  const std::vector<SegmentCase> cases = {
      {"no events", -1, {}, Segment::kNew},
      {"browsing today", 0, {}, Segment::kNew},
      {"browsed 29 days ago", 29, {}, Segment::kNew},
      {"browsed 30 days ago", 30, {}, Segment::kDisengaged},
      {"bought 89 days ago", 0, {{89, 10, 20, false}}, Segment::kSingleCategoryRegular},
      {"bought 90 days ago", 0, {{90, 10, 20, false}}, Segment::kLapsed},
      {"bought, inactive 30 days", 30, {{30, 10, 20, false}}, Segment::kDisengaged},
      {"one deal of two", 0, {{1, 10, 20, true}, {2, 10, 21, false}}, Segment::kDealSeeker},
      {"one deal of three", 0, {{1, 10, 20, true}, {2, 10, 21, false}, {3, 10, 22, false}},
       Segment::kSingleCategoryRegular},
      {"single deal purchase", 0, {{1, 10, 20, true}}, Segment::kSingleCategoryRegular},
      {"two of three same brand", 0, {{1, 10, 20, false}, {2, 11, 20, false}, {3, 10, 21, false}},
       Segment::kBrandAdvocate},
      {"brand share below 60%", 0,
       {{1, 10, 20, false}, {2, 10, 20, false}, {3, 10, 21, false}, {4, 10, 22, false}},
       Segment::kSingleCategoryRegular},
      {"two categories", 0, {{1, 10, 20, false}, {2, 11, 21, false}}, Segment::kMultiCategory},
  };
  const int64_t now = kT0 + 365 * kDayMs;
  for (const SegmentCase& c : cases) {
    SCOPED_TRACE(c.name);
    Profile p{ProfileConfig{}};
    for (const Buy& b : c.buys) {
      ProfileEvent e = At(EventType::kPurchase, now - b.days_ago * kDayMs, {});
      e.top_category = b.category;
      e.brand = b.brand;
      e.deal = b.deal;
      p.Observe(e);
    }
    if (c.last_active_days_ago >= 0 && c.buys.empty())
      p.Observe(At(EventType::kView, now - c.last_active_days_ago * kDayMs, {}));
    if (!c.buys.empty() && c.last_active_days_ago == 0) p.Observe(At(EventType::kView, now, {}));
    EXPECT_EQ(SegmentName(p.segment(now)), SegmentName(c.want));
  }
}

TEST(ProfileTest, MemoryStaysBoundedWhateverTheVolume) {
  Profile p{ProfileConfig{}};
  std::vector<FeatureId> f(6);
  for (int i = 0; i < 100000; ++i) {
    for (int k = 0; k < 6; ++k) f[k] = static_cast<FeatureId>((i * 7 + k * 1009) % 50000);
    ProfileEvent e = At(i % 10 == 0 ? EventType::kPurchase : EventType::kView, kT0 + i * 1000, f);
    e.top_category = static_cast<FeatureId>(i % 500);
    e.brand = static_cast<FeatureId>(1000 + i % 700);
    p.Observe(e);
    p.RememberEventId(static_cast<uint64_t>(i));
  }
  EXPECT_LE(p.affinities().size(), kMaxFeatures + kMaxFeatures / 8);
  EXPECT_EQ(p.RecentEvents().size(), kEventWindow);
  EXPECT_EQ(p.dedup_ring().size(), kDedupWindow);
  EXPECT_LE(p.purchases().by_category.size(), kMaxPurchaseGroups);
  EXPECT_EQ(p.purchases().count, 10000u);
  EXPECT_EQ(p.total_events(), 100000u);
  // The stated bound: under 512 KiB of heap, whatever the event count.
  EXPECT_LT(p.ApproxBytes(), 512u * 1024);
  // The window holds the newest events, oldest first.
  EXPECT_EQ(p.RecentEvents().back().ts_ms, kT0 + 99999 * 1000LL);
  EXPECT_EQ(p.RecentEvents().front().ts_ms, kT0 + (100000 - kEventWindow) * 1000LL);
}

TEST(ProfileTest, EventIdWindowForgetsTheOldestFirst) {
  Profile p{ProfileConfig{}};
  for (uint64_t i = 0; i < kDedupWindow + 10; ++i) p.RememberEventId(i);
  EXPECT_FALSE(p.SeenEventId(9));
  EXPECT_TRUE(p.SeenEventId(10));
  EXPECT_TRUE(p.SeenEventId(kDedupWindow + 9));
}

TEST(ProfileTest, PreferencesAreNormalisedAndExclusive) {
  Profile p{ProfileConfig{}};
  ASSERT_TRUE(p.SetPreferences({"Trail", " trail ", "Acme"}, {"Formal"}).ok());
  EXPECT_THAT(p.likes(), ElementsAre("trail", "acme"));
  EXPECT_THAT(p.dislikes(), ElementsAre("formal"));
  ASSERT_TRUE(p.AddPreference("formal", /*like=*/true).ok());
  EXPECT_THAT(p.likes(), ElementsAre("trail", "acme", "formal"));
  EXPECT_TRUE(p.dislikes().empty());
  EXPECT_EQ(p.SetPreferences({"x"}, {"X"}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.SetPreferences({""}, {}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.SetPreferences({std::string(100, 'a')}, {}).code(), absl::StatusCode::kInvalidArgument);
  // A rejected call changes nothing.
  EXPECT_THAT(p.likes(), ElementsAre("trail", "acme", "formal"));
}

TEST(ProfileTest, ForgetRemovesInterestPurchasesAndPreferences) {
  Profile p{ProfileConfig{}};
  std::vector<FeatureId> f = {4, 5};
  ProfileEvent e = At(EventType::kPurchase, kT0, f);
  e.brand = 4;
  p.Observe(e);
  ASSERT_TRUE(p.AddPreference("acme", true).ok());
  EXPECT_TRUE(p.Forget(4, "brand:acme"));
  EXPECT_EQ(p.Affinity(4, kT0), 0);
  EXPECT_GT(p.Affinity(5, kT0), 0);
  EXPECT_TRUE(p.purchases().by_brand.empty());
  EXPECT_TRUE(p.likes().empty());
  EXPECT_FALSE(p.Forget(4, "brand:acme"));
}

TEST(ProfileTest, RejectsUnsafeConfig) {
  ProfileConfig c;
  c.half_life_days[0] = 0;
  EXPECT_FALSE(ValidateProfileConfig(c).ok());
  c = ProfileConfig{};
  c.weight[1] = NAN;
  EXPECT_FALSE(ValidateProfileConfig(c).ok());
  c = ProfileConfig{};
  c.segments.deal_share = 1.5;
  EXPECT_FALSE(ValidateProfileConfig(c).ok());
  EXPECT_TRUE(ValidateProfileConfig(ProfileConfig{}).ok());
}

}  // namespace
}  // namespace hearth
