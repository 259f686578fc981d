#include "hearth/rank/promotions.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hearth/engine/engine.h"
#include "tests/cpp/engine/test_catalog.h"

namespace hearth {
namespace {

using ::hearth::testing::kDay;
using ::hearth::testing::kNow;
using ::testing::HasSubstr;

// kNow is 2026-10-27; every window below is checked against it.
constexpr char kPromos[] = R"([
  {"id": "trail-week", "category": "Shoes > Trail", "discount": 0.2, "starts": "2026-10-20", "ends": "2026-11-03"},
  {"id": "rainy-tents", "item": "tent-1", "discountPercent": 15, "starts": "2026-10-01", "ends": "2026-12-01",
   "context": {"weather": ["rain", "storm"]}},
  {"id": "evening-socks", "item": "sock-1", "discount": 0.3, "starts": "2026-10-01", "ends": "2026-12-01",
   "context": {"hours": [18, 2]}},
  {"id": "near-store", "item": "city-1", "discount": 0.1, "starts": "2026-10-01", "ends": "2026-12-01",
   "context": {"maxDistanceKm": 2}},
  {"id": "expired", "item": "trail-2", "discount": 0.5, "starts": "2026-01-01", "ends": "2026-02-01"},
  {"id": "loyal-only", "item": "trail-2", "discount": 0.4, "starts": "2026-10-01", "ends": "2026-12-01",
   "segments": ["brand_advocate"]}
])";

std::unique_ptr<Engine> DealEngine() {
  auto e = ::hearth::testing::ShopEngine();
  EXPECT_TRUE(e->LoadPromotions(kPromos).ok());
  return e;
}

std::vector<std::string> DealIds(Engine& e, const DealContext& ctx, int64_t now = kNow) {
  std::vector<std::string> ids;
  auto deals = e.RecommendDeals(ctx, now, 10, {});  // kept alive: the loop must not bind into a temporary
  EXPECT_TRUE(deals.ok()) << deals.status();
  for (const Deal& d : *deals) ids.push_back(d.promotion);
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(DealsTest, OnlyEligibleDealsForTheContext) {
  auto e = DealEngine();
  EXPECT_THAT(DealIds(*e, {}), ::testing::ElementsAre("trail-week"));
  DealContext rainy_evening_near{20, 2, "Rain", 1.5};
  EXPECT_THAT(DealIds(*e, rainy_evening_near),
              ::testing::ElementsAre("evening-socks", "near-store", "rainy-tents", "trail-week"));
  DealContext after_midnight{1, 2, "sun", 5};
  EXPECT_THAT(DealIds(*e, after_midnight), ::testing::ElementsAre("evening-socks", "trail-week"));
  // After its window, never shown.
  EXPECT_THAT(DealIds(*e, {}, kNow + 10 * kDay), ::testing::IsEmpty());
}

TEST(DealsTest, RelevanceOrdersDealsAndReasonsSayWhy) {
  auto e = DealEngine();
  for (int i = 0; i < 3; ++i) {
    TrackEvent v{"view", "trail-2", "", static_cast<double>(kNow)};
    ASSERT_TRUE(e->Track(v, kNow).ok());
  }
  DealContext ctx{20, 2, "rain", 1};
  auto deals = *e->RecommendDeals(ctx, kNow, 10, {});
  ASSERT_FALSE(deals.empty());
  EXPECT_EQ(deals[0].promotion, "trail-week");
  EXPECT_EQ(deals[0].pick.item, "trail-2");  // the most relevant item of the category
  EXPECT_THAT(deals[0].pick.reason, HasSubstr("20% off Trail"));
  for (const Deal& d : deals)
    if (d.promotion == "rainy-tents") EXPECT_THAT(d.pick.reason, HasSubstr("day deal: 15% off"));
}

TEST(DealsTest, SegmentTargetingIsRespected) {
  auto e = DealEngine();
  for (int i = 0; i < 3; ++i) {
    TrackEvent buy{"purchase", i == 0 ? "trail-1" : "sock-1", "", static_cast<double>(kNow - i * kDay)};
    ASSERT_TRUE(e->Track(buy, kNow).ok());
  }
  ASSERT_EQ(e->Summarize(kNow).segment, "brand_advocate");  // all Acme
  EXPECT_THAT(DealIds(*e, {}), ::testing::Contains("loyal-only"));
}

struct BadPromo {
  const char* name;
  const char* json;
  const char* message;
};

TEST(DealsTest, RejectsBadPromotionsAndKeepsTheLoadedOnes) {
  const BadPromo cases[] = {
      {"not json", "[{", "promotion"},
      {"negative discount", R"([{"id":"a","item":"tent-1","discount":-0.1,"starts":1,"ends":2}])", "fraction"},
      {"discount of 1", R"([{"id":"a","item":"tent-1","discount":1,"starts":1,"ends":2}])", "fraction"},
      {"ends before starts", R"([{"id":"a","item":"tent-1","discount":0.1,"starts":"2026-02-01","ends":"2026-01-01"}])",
       "after starts"},
      {"unknown item", R"([{"id":"a","item":"nope","discount":0.1,"starts":1,"ends":2}])", "not in the catalog"},
      {"unknown category", R"([{"id":"a","category":"Toys","discount":0.1,"starts":1,"ends":2}])", "no catalog category"},
      {"item and category", R"([{"id":"a","item":"tent-1","category":"Shoes","discount":0.1,"starts":1,"ends":2}])",
       "exactly one"},
      {"no id", R"([{"item":"tent-1","discount":0.1,"starts":1,"ends":2}])", "id is required"},
      {"duplicate id", R"([{"id":"a","item":"tent-1","discount":0.1,"starts":1,"ends":2},
                          {"id":"a","item":"tent-1","discount":0.1,"starts":1,"ends":2}])", "repeats the id"},
      {"bad hours", R"([{"id":"a","item":"tent-1","discount":0.1,"starts":1,"ends":2,"context":{"hours":[25,3]}}])",
       "whole hours"},
      {"unknown context", R"([{"id":"a","item":"tent-1","discount":0.1,"starts":1,"ends":2,"context":{"moon":1}}])",
       "unknown"},
      {"unknown segment", R"([{"id":"a","item":"tent-1","discount":0.1,"starts":1,"ends":2,"segments":["vip"]}])",
       "unknown segment"},
      {"unknown field", R"([{"id":"a","item":"tent-1","discount":0.1,"starts":1,"ends":2,"colour":"red"}])",
       "not a known promotion field"},
  };
  for (const BadPromo& c : cases) {
    SCOPED_TRACE(c.name);
    auto e = DealEngine();
    absl::Status s = e->LoadPromotions(c.json);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), HasSubstr(c.message));
    EXPECT_THAT(DealIds(*e, {}), ::testing::ElementsAre("trail-week"));
  }
}

TEST(DealsTest, ValidatesTheContext) {
  auto e = DealEngine();
  EXPECT_EQ(e->RecommendDeals(DealContext{24, std::nullopt, "", std::nullopt}, kNow, 3, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(e->RecommendDeals(DealContext{std::nullopt, 0, "", std::nullopt}, kNow, 3, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(e->RecommendDeals({}, kNow, 0, {}).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hearth
