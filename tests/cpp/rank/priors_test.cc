#include "hearth/rank/priors.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hearth/engine/engine.h"
#include "tests/cpp/engine/test_catalog.h"

namespace hearth {
namespace {

using ::hearth::testing::kNow;
using ::hearth::testing::ShopEngine;
using ::testing::HasSubstr;

TEST(PriorsTest, LoadsSharesUnderTheCatalogsCategoryKeys) {
  CategoryPriors p;
  ASSERT_TRUE(p.Load(R"({"v": 1, "period": "2026-11-24", "categories": [
      {"key": "Shoes", "share": 0.5}, {"key": "cat:camping", "share": 0.25}, {"key": " apparel ", "share": 0}]})")
                  .ok());
  EXPECT_DOUBLE_EQ(p.Share("cat:shoes"), 0.5);
  EXPECT_DOUBLE_EQ(p.Share("cat:camping"), 0.25);
  EXPECT_DOUBLE_EQ(p.Share("cat:apparel"), 0);
  EXPECT_DOUBLE_EQ(p.Share("cat:books"), 0);
  EXPECT_DOUBLE_EQ(p.max_share(), 0.5);
  EXPECT_EQ(p.period(), "2026-11-24");
}

TEST(PriorsTest, RejectsBadDocumentsAndKeepsThePriorsItHad) {
  struct Case {
    const char* name;
    const char* json;
    absl::StatusCode code;
    const char* message;
  };
  const Case kCases[] = {
      {"not JSON", "{", absl::StatusCode::kInvalidArgument, "must be an object"},
      {"an array", "[]", absl::StatusCode::kInvalidArgument, "must be an object"},
      {"no version", R"({"categories": []})", absl::StatusCode::kInvalidArgument, "missing \"v\""},
      {"newer version", R"({"v": 2, "categories": []})", absl::StatusCode::kInvalidArgument, "reads 1"},
      {"no categories", R"({"v": 1})", absl::StatusCode::kInvalidArgument, "missing \"categories\""},
      {"unknown field", R"({"v": 1, "categories": [], "items": []})", absl::StatusCode::kInvalidArgument,
       "unknown field \"items\""},
      {"negative share", R"({"v": 1, "categories": [{"key": "shoes", "share": -0.1}]})",
       absl::StatusCode::kInvalidArgument, "categories[0].share"},
      {"share above one", R"({"v": 1, "categories": [{"key": "shoes", "share": 1.5}]})",
       absl::StatusCode::kInvalidArgument, "from 0 to 1"},
      {"sum above one", R"({"v": 1, "categories": [{"key": "a", "share": 0.6}, {"key": "b", "share": 0.6}]})",
       absl::StatusCode::kInvalidArgument, "summing to 1.2"},
      {"repeated key", R"({"v": 1, "categories": [{"key": "Shoes", "share": 0.1}, {"key": "shoes", "share": 0.1}]})",
       absl::StatusCode::kInvalidArgument, "categories[1].key repeats"},
      {"sub-category", R"({"v": 1, "categories": [{"key": "Shoes > Trail", "share": 0.1}]})",
       absl::StatusCode::kInvalidArgument, "one top-level category"},
      {"missing share", R"({"v": 1, "categories": [{"key": "shoes"}]})", absl::StatusCode::kInvalidArgument,
       "share is missing"},
      {"unknown entry field", R"({"v": 1, "categories": [{"key": "shoes", "share": 0.1, "n": 5}]})",
       absl::StatusCode::kInvalidArgument, "categories[0].n is not a known field"},
      {"entry not an object", R"({"v": 1, "categories": [3]})", absl::StatusCode::kInvalidArgument,
       "categories[0]. must be an object"},
      {"trailing", R"({"v": 1, "categories": []} x)", absl::StatusCode::kInvalidArgument, ""},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    CategoryPriors p;
    ASSERT_TRUE(p.Load(R"({"v": 1, "categories": [{"key": "books", "share": 0.3}]})").ok());
    const absl::Status s = p.Load(c.json);
    EXPECT_EQ(s.code(), c.code) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.message));
    EXPECT_DOUBLE_EQ(p.Share("cat:books"), 0.3);  // unchanged
  }
}

TEST(PriorsTest, TooManyCategoriesIsResourceExhausted) {
  std::string json = R"({"v": 1, "categories": [)";
  for (size_t i = 0; i <= kMaxPriorCategories; ++i)
    json += (i ? "," : "") + std::string(R"({"key": "c)") + std::to_string(i) + R"(", "share": 0})";
  json += "]}";
  CategoryPriors p;
  EXPECT_EQ(p.Load(json).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(p.empty());
}

std::vector<Pick> ForYou(Engine& e, int count) {
  RecommendRequest r;
  r.count = count;
  r.now_ms = kNow;
  auto picks = e.Recommend(r);
  EXPECT_TRUE(picks.ok()) << picks.status();
  return picks.ok() ? *picks : std::vector<Pick>{};
}

TEST(PriorsTest, WarmStartANewUserAndGiveWayToTheirOwnHistory) {
  auto e = ShopEngine();
  e->Seed(5);
  ASSERT_TRUE(e->LoadPriors(R"({"v": 1, "categories": [{"key": "Camping", "share": 0.7},
                                                       {"key": "Shoes", "share": 0.1}]})")
                  .ok());
  auto picks = ForYou(*e, 1);
  ASSERT_EQ(picks.size(), 1u);
  EXPECT_EQ(picks[0].item, "tent-1");
  EXPECT_EQ(picks[0].reason, "Popular in Camping, a favourite with shoppers here");
  // Once the user has a history of their own, it decides.
  auto fresh = ShopEngine();
  ASSERT_TRUE(fresh->LoadPriors(R"({"v": 1, "categories": [{"key": "Camping", "share": 0.7}]})").ok());
  for (int i = 0; i < 3; ++i) {
    TrackEvent ev;
    ev.type = "view";
    ev.item = "sock-1";
    ev.ts_ms = kNow;
    ASSERT_TRUE(fresh->Track(ev, kNow).ok());
  }
  picks = ForYou(*fresh, 1);
  ASSERT_EQ(picks.size(), 1u);
  EXPECT_THAT(picks[0].reason, ::testing::Not(HasSubstr("favourite with shoppers")));
}

}  // namespace
}  // namespace hearth
