#include "hearth/engine/batch.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cpp/engine/test_catalog.h"

namespace hearth {
namespace {

using ::hearth::testing::kNow;
using ::hearth::testing::ShopEngine;
using ::testing::HasSubstr;

TEST(TrackBatchTest, AppliesGoodEventsAndReportsBadOnesByIndex) {
  auto engine = ShopEngine();
  auto r = TrackBatch(*engine, R"([
    {"type": "view", "item": "trail-1"},
    {"type": "view", "item": "nope"},
    {"type": "purchase", "item": "tent-1", "id": "o-1", "value": 250, "deal": true},
    {"type": "purchase", "item": "tent-1", "id": "o-1"},
    {"type": "view", "item": "trail-1", "colour": "red"},
    {"type": "search", "query": "merino socks", "ts": 1792999999000},
    {"type": 7},
    "not an event"
  ])", kNow);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->recorded, 3u);
  EXPECT_EQ(r->duplicates, 1u);
  ASSERT_EQ(r->rejected.size(), 4u);
  EXPECT_EQ(r->rejected[0].index, 1);
  EXPECT_EQ(r->rejected[0].status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r->rejected[1].index, 4);
  EXPECT_THAT(r->rejected[1].status.message(), HasSubstr("unknown event field 'colour'"));
  EXPECT_EQ(r->rejected[2].index, 6);
  EXPECT_THAT(r->rejected[2].status.message(), HasSubstr("'type' has the wrong type"));
  EXPECT_EQ(r->rejected[3].index, 7);
  EXPECT_EQ(engine->Summarize(kNow).purchases_total, 1u);
}

TEST(TrackBatchTest, AStructuralErrorRecordsNothing) {
  const char* cases[] = {
      R"([{"type": "view", "item": "trail-1"}, {"type": "view", "item": "trail-2")",
      R"({"type": "view", "item": "trail-1"})",
      R"([{"type": "view", "item": "trail-1"}] [])",
      "",
  };
  for (const char* json : cases) {
    SCOPED_TRACE(json);
    auto engine = ShopEngine();
    const std::string before = engine->ExportSnapshot();
    auto r = TrackBatch(*engine, json, kNow);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(engine->ExportSnapshot(), before);
  }
}

TEST(TrackBatchTest, MatchesEventByEventTracking) {
  auto batched = ShopEngine();
  auto single = ShopEngine();
  ASSERT_TRUE(TrackBatch(*batched, R"([{"type": "click", "item": "city-1", "ts": 1792990000000},
                                       {"type": "dwell", "item": "city-1", "value": 45}])", kNow).ok());
  TrackEvent click{"click", "city-1", "", 1792990000000};
  TrackEvent dwell{"dwell", "city-1", "", static_cast<double>(kNow)};
  dwell.value = 45;
  ASSERT_TRUE(single->Track(click, kNow).ok());
  ASSERT_TRUE(single->Track(dwell, kNow).ok());
  EXPECT_EQ(batched->ExportSnapshot(), single->ExportSnapshot());
}

std::string Pack(std::initializer_list<TrackEvent> events) {
  std::string out;
  for (const TrackEvent& e : events) AppendPackedEvent(e, &out);
  return out;
}

TEST(TrackPackedTest, AppliesGoodEventsAndReportsBadOnesByIndex) {
  auto engine = ShopEngine();
  TrackEvent purchase{"purchase", "tent-1", "o-1", static_cast<double>(kNow)};
  purchase.value = 250;
  purchase.deal = true;
  TrackEvent search{"search", "", "", 1792999999000, "merino socks"};
  auto r = TrackPacked(*engine,
                       Pack({TrackEvent{"view", "trail-1", "", static_cast<double>(kNow)},
                             TrackEvent{"view", "nope", "", static_cast<double>(kNow)}, purchase, purchase, search,
                             TrackEvent{"wave", "trail-1", "", static_cast<double>(kNow)}}),
                       kNow);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->recorded, 3u);
  EXPECT_EQ(r->duplicates, 1u);
  ASSERT_EQ(r->rejected.size(), 2u);
  EXPECT_EQ(r->rejected[0].index, 1);
  EXPECT_EQ(r->rejected[0].status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r->rejected[1].index, 5);
  EXPECT_THAT(r->rejected[1].status.message(), HasSubstr("unknown event type 'wave'"));
  EXPECT_EQ(engine->Summarize(kNow).purchases_total, 1u);
}

TEST(TrackPackedTest, ADamagedLayoutRecordsNothing) {
  const std::string good = Pack({TrackEvent{"view", "trail-1", "", static_cast<double>(kNow)},
                                 TrackEvent{"view", "trail-2", "", static_cast<double>(kNow)}});
  std::string bad_deal = good;
  bad_deal[24] = 2;  // the first event's deal byte
  std::string long_string = good;
  std::string bad_tz_length = good;
  bad_tz_length.resize(27);  // cut inside the first event's time-zone offset
  long_string[29] = 100;  // the first event's type length, past the end
  const std::string cases[] = {good.substr(0, good.size() - 1), good + "x", bad_deal, long_string, bad_tz_length};
  for (const std::string& packed : cases) {
    SCOPED_TRACE(packed.size());
    auto engine = ShopEngine();
    const std::string before = engine->ExportSnapshot();
    auto r = TrackPacked(*engine, packed, kNow);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr("nothing was recorded"));
    EXPECT_EQ(engine->ExportSnapshot(), before);
  }
}

TEST(TrackPackedTest, MatchesJsonBatches) {
  auto packed = ShopEngine();
  auto json = ShopEngine();
  TrackEvent dwell{"dwell", "city-1", "", static_cast<double>(kNow)};
  dwell.value = 45;
  ASSERT_TRUE(TrackPacked(*packed, Pack({TrackEvent{"click", "city-1", "", 1792990000000}, dwell}), kNow).ok());
  ASSERT_TRUE(TrackBatch(*json, R"([{"type": "click", "item": "city-1", "ts": 1792990000000},
                                    {"type": "dwell", "item": "city-1", "value": 45}])", kNow).ok());
  EXPECT_EQ(packed->ExportSnapshot(), json->ExportSnapshot());
}

constexpr char kTrailRules[] = R"({"earn": [{"id": "trail", "event": "purchase",
  "when": {"all": [{"field": "category", "prefix": "shoes/trail"}, {"field": "context.channel", "eq": "app"}]},
  "reward": {"currency": "points", "amount": 40}}], "streak": {"period": "day", "events": ["purchase"]}})";

TEST(TrackPackedTest, CarriesTheTimeZoneOffsetAndContextToTheGameLikeJsonBatches) {
  auto packed = ShopEngine();
  auto json = ShopEngine();
  ASSERT_TRUE(packed->LoadGame(kTrailRules).ok());
  ASSERT_TRUE(json->LoadGame(kTrailRules).ok());
  TrackEvent app{"purchase", "trail-1", "o-1", static_cast<double>(kNow)};
  app.tz_offset_min = -300;
  app.context_json = R"({"channel": "app"})";
  TrackEvent web{"purchase", "trail-2", "o-2", static_cast<double>(kNow)};
  web.tz_offset_min = 60;
  web.context_json = R"({"channel": "web"})";
  TrackEvent far{"purchase", "trail-2", "o-3", static_cast<double>(kNow)};
  far.tz_offset_min = 10'000;  // not a UTC offset: rejected by index
  TrackEvent nested{"purchase", "trail-2", "o-4", static_cast<double>(kNow)};
  nested.context_json = R"({"channel": {"app": 1}})";
  auto r = TrackPacked(*packed, Pack({app, web, far, nested}), kNow);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->recorded, 2u);
  ASSERT_EQ(r->rejected.size(), 2u);
  EXPECT_EQ(r->rejected[0].index, 2);
  EXPECT_THAT(r->rejected[0].status.message(), HasSubstr("tzOffsetMinutes"));
  EXPECT_EQ(r->rejected[1].index, 3);
  EXPECT_EQ(packed->game().ledger().Balance(0), 40);  // only the app purchase earns
  EXPECT_FALSE(packed->TakeRewards().empty());
  ASSERT_TRUE(TrackBatch(*json, absl::StrCat(R"([
    {"type": "purchase", "item": "trail-1", "id": "o-1", "ts": )", kNow, R"(, "tzOffsetMinutes": -300, "context": {"channel": "app"}},
    {"type": "purchase", "item": "trail-2", "id": "o-2", "ts": )", kNow, R"(, "tzOffsetMinutes": 60, "context": {"channel": "web"}}
  ])"), kNow).ok());
  EXPECT_EQ(packed->ExportSnapshot(), json->ExportSnapshot());
}

TEST(TrackPackedTest, AnEmptyBatchRecordsNothing) {
  auto engine = ShopEngine();
  auto r = TrackPacked(*engine, "", kNow);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->recorded, 0u);
  EXPECT_TRUE(r->rejected.empty());
}

}  // namespace
}  // namespace hearth
