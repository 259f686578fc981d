#include "hearth/engine/engine.h"

#include <cmath>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hearth/engine/config.h"
#include "tests/cpp/engine/test_catalog.h"

namespace hearth {
namespace {

using ::hearth::testing::kDay;
using ::hearth::testing::kNow;
using ::hearth::testing::ShopEngine;
using ::testing::HasSubstr;

TrackEvent Ev(std::string_view type, std::string_view item, double ts = kNow) {
  TrackEvent e;
  e.type = type;
  e.item = item;
  e.ts_ms = ts;
  return e;
}

TEST(EngineTest, TrackedViewsBecomeInterests) {
  auto engine = ShopEngine();
  ASSERT_TRUE(engine->Track(Ev("view", "trail-1"), kNow).ok());
  ASSERT_TRUE(engine->Track(Ev("click", "trail-2"), kNow).ok());
  ProfileSummary s = engine->Summarize(kNow);
  ASSERT_GE(s.interests.size(), 3u);
  // Features both items share tie at the top, ordered by key.
  EXPECT_EQ(s.interests[0].feature, "brand:acme");
  EXPECT_EQ(s.interests[1].feature, "cat:shoes");
  EXPECT_EQ(s.interests[2].feature, "cat:shoes/trail");
  EXPECT_DOUBLE_EQ(s.interests[0].weight, 3);
  EXPECT_EQ(s.segment, "new");
  EXPECT_EQ(s.events_total, 2u);
  EXPECT_THAT(s.sentences[0], HasSubstr("Acme, Shoes, Trail"));
}

TEST(EngineTest, PurchasesFeedRecencyFrequencyAndMonetaryValue) {
  auto engine = ShopEngine();
  TrackEvent buy = Ev("purchase", "tent-1", kNow - 2 * kDay);
  ASSERT_TRUE(engine->Track(buy, kNow).ok());
  buy = Ev("purchase", "sock-1", kNow - kDay);
  buy.quantity = 2;
  ASSERT_TRUE(engine->Track(buy, kNow).ok());
  ProfileSummary s = engine->Summarize(kNow);
  EXPECT_EQ(s.purchases_total, 2u);
  EXPECT_EQ(s.purchases_90d, 2);
  EXPECT_DOUBLE_EQ(s.monetary_total, 300 + 2 * 18);
  EXPECT_NEAR(s.days_since_purchase, 1, 1e-9);
  EXPECT_EQ(s.segment, "multi_category");
}

TEST(EngineTest, APurchaseBelowListPriceCountsAsADeal) {
  auto engine = ShopEngine();
  for (int i = 0; i < 2; ++i) {
    TrackEvent buy = Ev("purchase", "trail-1", kNow - i * kDay);
    buy.value = 80;  // list price 120
    ASSERT_TRUE(engine->Track(buy, kNow).ok());
  }
  EXPECT_EQ(engine->Summarize(kNow).segment, "deal_seeker");
}

TEST(EngineTest, RepeatedEventIdsAreIgnored) {
  auto engine = ShopEngine();
  TrackEvent e = Ev("view", "trail-1");
  e.id = "evt-1";
  EXPECT_EQ(*engine->Track(e, kNow), TrackOutcome::kRecorded);
  const uint64_t revision = engine->revision();
  EXPECT_EQ(*engine->Track(e, kNow), TrackOutcome::kDuplicate);
  EXPECT_EQ(engine->revision(), revision);
  EXPECT_EQ(engine->Summarize(kNow).events_total, 1u);
}

TEST(EngineTest, ARejectedEventDoesNotBurnItsId) {
  auto engine = ShopEngine();
  TrackEvent e = Ev("view", "nope");
  e.id = "evt-1";
  EXPECT_FALSE(engine->Track(e, kNow).ok());
  e.item = "trail-1";
  EXPECT_EQ(*engine->Track(e, kNow), TrackOutcome::kRecorded);
}

struct BadEvent {
  const char* name;
  TrackEvent event;
  absl::StatusCode code;
  const char* message;
};

TEST(EngineTest, RejectsBadEventsWithoutChangingState) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::string long_id(200, 'x');
  auto with = [](TrackEvent e, auto f) {
    f(e);
    return e;
  };
  const BadEvent cases[] = {
      {"unknown type", Ev("like", "trail-1"), absl::StatusCode::kInvalidArgument, "unknown event type"},
      {"unknown item", Ev("view", "nope"), absl::StatusCode::kNotFound, "not in the catalog"},
      {"missing item", Ev("view", ""), absl::StatusCode::kInvalidArgument, "needs an item"},
      {"NaN ts", Ev("view", "trail-1", nan), absl::StatusCode::kInvalidArgument, "finite"},
      {"negative ts", Ev("view", "trail-1", -1), absl::StatusCode::kInvalidArgument, "before 2000"},
      {"seconds not ms", Ev("view", "trail-1", kNow / 1000), absl::StatusCode::kInvalidArgument, "milliseconds"},
      {"far future", Ev("view", "trail-1", kNow + 2 * kDay), absl::StatusCode::kInvalidArgument, "future"},
      {"infinite ts", Ev("view", "trail-1", INFINITY), absl::StatusCode::kInvalidArgument, "finite"},
      {"search without query", Ev("search", ""), absl::StatusCode::kInvalidArgument, "query"},
      {"dwell without seconds", Ev("dwell", "trail-1"), absl::StatusCode::kInvalidArgument, "seconds"},
      {"negative purchase", with(Ev("purchase", "trail-1"), [](TrackEvent& e) { e.value = -5; }),
       absl::StatusCode::kInvalidArgument, "purchase value"},
      {"zero quantity", with(Ev("purchase", "trail-1"), [](TrackEvent& e) { e.quantity = 0; }),
       absl::StatusCode::kInvalidArgument, "quantity"},
      {"long id", with(Ev("view", "trail-1"), [&](TrackEvent& e) { e.id = long_id; }),
       absl::StatusCode::kInvalidArgument, "longer than 128"},
  };
  auto engine = ShopEngine();
  ASSERT_TRUE(engine->Track(Ev("view", "trail-1"), kNow).ok());
  const std::string before = engine->ExportSnapshot();
  for (const BadEvent& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = engine->Track(c.event, kNow);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code);
    EXPECT_THAT(r.status().message(), HasSubstr(c.message));
    EXPECT_EQ(engine->ExportSnapshot(), before);
  }
  EXPECT_FALSE(engine->Track(Ev("view", "trail-1"), NAN).ok());
}

TEST(EngineTest, SearchMatchesQueryWordsToFeatures) {
  auto engine = ShopEngine();
  TrackEvent e = Ev("search", "");
  e.query = "Waterproof trail shoes";
  ASSERT_TRUE(engine->Track(e, kNow).ok());
  ProfileSummary s = engine->Summarize(kNow);
  std::vector<std::string> keys;
  for (const Interest& i : s.interests) keys.push_back(i.feature);
  EXPECT_THAT(keys, ::testing::UnorderedElementsAre("tag:waterproof", "cat:shoes/trail", "cat:shoes"));
}

TEST(EngineTest, ForgetByKeyOrByWord) {
  auto engine = ShopEngine();
  ASSERT_TRUE(engine->Track(Ev("purchase", "trail-1"), kNow).ok());
  ASSERT_TRUE(engine->Forget("brand:acme").ok());
  ASSERT_TRUE(engine->Forget("trail").ok());
  for (const Interest& i : engine->Summarize(kNow).interests) {
    EXPECT_NE(i.feature, "brand:acme");
    EXPECT_NE(i.feature, "cat:shoes/trail");
  }
  EXPECT_EQ(engine->Forget("brand:acme").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine->Forget("").code(), absl::StatusCode::kInvalidArgument);
}

TEST(EngineTest, EraseWipesTheUserButKeepsTheCatalog) {
  auto engine = ShopEngine();
  ASSERT_TRUE(engine->Track(Ev("purchase", "trail-1"), kNow).ok());
  ASSERT_TRUE(engine->SetPreferences({"trail"}, {}).ok());
  engine->Erase();
  ProfileSummary s = engine->Summarize(kNow);
  EXPECT_EQ(s.events_total, 0u);
  EXPECT_TRUE(s.interests.empty());
  EXPECT_TRUE(s.likes.empty());
  EXPECT_EQ(engine->catalog().size(), 5u);
}

TEST(EngineTest, ExportJsonHoldsTheUsersData) {
  auto engine = ShopEngine();
  ASSERT_TRUE(engine->Track(Ev("purchase", "trail-1"), kNow).ok());
  const std::string json = engine->ExportJson(kNow);
  EXPECT_THAT(json, HasSubstr("\"format\":\"hearth-profile\""));
  EXPECT_THAT(json, HasSubstr("\"feature\":\"brand:acme\""));
  EXPECT_THAT(json, HasSubstr("\"type\":\"purchase\",\"item\":\"trail-1\""));
}

struct ConfigCase {
  const char* name;
  const char* json;
  bool ok;
};

TEST(ConfigTest, ParsesOptionsAndRejectsTypos) {
  constexpr ConfigCase kCases[] = {
      {"empty", "", true},
      {"half-lives", R"({"halfLifeDays": {"view": 3, "purchase": 120}})", true},
      {"segments", R"({"segments": {"lapsedDays": 60, "dealShare": 0.4}})", true},
      {"unknown key", R"({"halfLife": {}})", false},
      {"unknown event", R"({"weights": {"tap": 1}})", false},
      {"zero half-life", R"({"halfLifeDays": {"view": 0}})", false},
      {"string number", R"({"weights": {"view": "1"}})", false},
      {"fractional days", R"({"segments": {"lapsedDays": 1.5}})", false},
      {"not an object", "[1]", false},
      {"truncated", R"({"weights": {"view": 1)", false},
  };
  for (const ConfigCase& c : kCases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ParseProfileConfig(c.json).ok(), c.ok);
  }
  EXPECT_DOUBLE_EQ(ParseProfileConfig(R"({"halfLifeDays": {"view": 3}})")->half_life_days[0], 3);
}

}  // namespace
}  // namespace hearth
