#include "hearth/rank/rank.h"

#include <map>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hearth/engine/engine.h"
#include "tests/cpp/engine/test_catalog.h"

namespace hearth {
namespace {

using ::hearth::testing::kDay;
using ::hearth::testing::kNow;
using ::testing::HasSubstr;

// Five departments × six items, a few out of stock, a few fresh.
std::string GridCatalog() {
  const char* departments[] = {"Shoes", "Camping", "Books", "Kitchen", "Garden"};
  const char* subs[] = {"Alpha", "Beta", "Gamma"};
  std::string json = "[";
  for (int d = 0; d < 5; ++d) {
    for (int i = 0; i < 6; ++i) {
      if (json.size() > 1) json += ",";
      json += "{\"id\":\"" + std::string(departments[d]) + "-" + std::to_string(i) + "\",\"category\":\"" +
              departments[d] + " > " + subs[i % 3] + "\",\"brand\":\"B" + std::to_string((d + i) % 4) +
              "\",\"price\":" + std::to_string(10 + 7 * i) + ",\"popularity\":" + std::to_string(100 - 3 * i - d) +
              ",\"created_at\":" + std::to_string(kNow - (i == 5 ? 2 : 200) * kDay) +
              (d == 0 && i == 4 ? ",\"stock\":0" : "") + "}";
    }
  }
  return json + "]";
}

std::unique_ptr<Engine> GridEngine(uint64_t seed = 7) {
  auto engine = *Engine::Create(ProfileConfig{});
  engine->Seed(seed);
  EXPECT_TRUE(engine->LoadCatalog(GridCatalog(), LoadMode::kUpsert).ok());
  return engine;
}

void View(Engine& e, const std::string& item, int times = 1) {
  for (int i = 0; i < times; ++i) {
    TrackEvent ev;
    ev.type = "view";
    ev.item = item;
    ev.ts_ms = kNow;
    ASSERT_TRUE(e.Track(ev, kNow).ok());
  }
}

std::vector<Pick> Recommend(Engine& e, Slot slot, int count = 8) {
  RecommendRequest r;
  r.slot = slot;
  r.count = count;
  r.now_ms = kNow;
  auto picks = e.Recommend(r);
  EXPECT_TRUE(picks.ok()) << picks.status();
  return picks.ok() ? *picks : std::vector<Pick>{};
}

TEST(RankTest, ColdStartFallsBackToPopularity) {
  auto e = GridEngine();
  auto picks = Recommend(*e, Slot::kForYou, 3);
  ASSERT_EQ(picks.size(), 3u);
  EXPECT_EQ(picks[0].item, "Shoes-0");  // the most popular item
  EXPECT_EQ(picks[0].reason, "Popular with shoppers right now");
  EXPECT_DOUBLE_EQ(picks[0].propensity, 1);
}

TEST(RankTest, ForYouFollowsTheProfile) {
  auto e = GridEngine();
  View(*e, "Kitchen-1", 3);
  View(*e, "Kitchen-4", 3);
  auto picks = Recommend(*e, Slot::kForYou, 4);
  ASSERT_FALSE(picks.empty());
  int kitchen = 0;
  for (const Pick& p : picks) kitchen += p.item.rfind("Kitchen-", 0) == 0 ? 1 : 0;
  EXPECT_GE(kitchen, 2);
  EXPECT_EQ(picks[0].item.rfind("Kitchen-", 0), 0u);
  EXPECT_THAT(picks[0].reason, ::testing::AnyOf(HasSubstr("Kitchen"), HasSubstr("Beta"), HasSubstr("brand"),
                                                HasSubstr("price range")));
  for (const Pick& p : picks) {
    EXPECT_GT(p.propensity, 0);
    EXPECT_LE(p.propensity, 1);
  }
}

TEST(RankTest, NeverShowsOutOfStockDislikedOrExcludedItems) {
  auto e = GridEngine();
  View(*e, "Shoes-1", 5);
  ASSERT_TRUE(e->SetPreferences({}, {"garden"}).ok());
  RecommendRequest r;
  r.count = 100;
  r.now_ms = kNow;
  r.exclude = {"Shoes-2"};
  auto picks = *e->Recommend(r);
  EXPECT_EQ(picks.size(), 30u - 1 - 6 - 1);  // all but: out of stock, Garden, excluded
  for (const Pick& p : picks) {
    EXPECT_NE(p.item, "Shoes-4");
    EXPECT_NE(p.item, "Shoes-2");
    EXPECT_EQ(p.item.rfind("Garden-", 0), std::string::npos);
  }
}

TEST(RankTest, PurchasedItemsAreFilteredUnlessAskedFor) {
  auto e = GridEngine();
  TrackEvent buy;
  buy.type = "purchase";
  buy.item = "Shoes-0";
  buy.ts_ms = kNow;
  ASSERT_TRUE(e->Track(buy, kNow).ok());
  RecommendRequest r;
  r.count = 100;
  r.now_ms = kNow;
  auto contains = [](const std::vector<Pick>& picks, const std::string& id) {
    for (const Pick& p : picks)
      if (p.item == id) return true;
    return false;
  };
  EXPECT_FALSE(contains(*e->Recommend(r), "Shoes-0"));
  r.include_purchased = true;
  EXPECT_TRUE(contains(*e->Recommend(r), "Shoes-0"));
}

TEST(RankTest, PinsComeFirst) {
  auto e = GridEngine();
  RecommendRequest r;
  r.count = 3;
  r.now_ms = kNow;
  r.pin = {"Books-5", "Shoes-4" /* out of stock: skipped */, "nope"};
  auto picks = *e->Recommend(r);
  ASSERT_EQ(picks.size(), 3u);
  EXPECT_EQ(picks[0].item, "Books-5");
  EXPECT_EQ(picks[0].arm, "pinned");
  EXPECT_NE(picks[1].item, "Shoes-4");
}

TEST(RankTest, DiversifiesAcrossCategories) {
  auto e = GridEngine();
  View(*e, "Camping-0", 2);
  auto picks = Recommend(*e, Slot::kForYou, 5);
  std::set<std::string> departments;
  for (const Pick& p : picks) departments.insert(p.item.substr(0, p.item.find('-')));
  EXPECT_GE(departments.size(), 2u);
}

TEST(RankTest, WowIsNovelButRelevantAndAvoidsForYou) {
  auto e = GridEngine();
  View(*e, "Books-0", 4);
  View(*e, "Books-3", 4);
  auto for_you = Recommend(*e, Slot::kForYou, 8);
  auto wow = Recommend(*e, Slot::kWow, 10);
  ASSERT_FALSE(wow.empty());
  EXPECT_LE(wow.size(), static_cast<size_t>(kWowMaxPicks));
  for (const Pick& w : wow) {
    for (const Pick& f : for_you) EXPECT_NE(w.item, f.item);
    EXPECT_THAT(w.reason, ::testing::AnyOf(HasSubstr("New to you"), HasSubstr("may have missed")));
  }
}

TEST(RankTest, ItemsRestAfterBeingShownWithoutAClick) {
  auto e = GridEngine();
  RecommendRequest r;
  r.count = 10;
  r.now_ms = kNow;
  // Ten picks at a time from 29 sellable items: an item shown kFatigueShows
  // times without a click rests and gives way to the others.
  std::map<std::string, int> shows;
  for (int i = 0; i < 6; ++i) {
    auto picks = e->Recommend(r);
    ASSERT_EQ(picks->size(), 10u);
    for (const Pick& p : *picks) {
      EXPECT_LT(shows[p.item], kFatigueShows) << p.item << " shown again while resting";
      ++shows[p.item];
    }
  }
  int rested = 0;
  for (const auto& [item, n] : shows) rested += n >= kFatigueShows ? 1 : 0;
  EXPECT_GT(rested, 0);
  // ...and when everything rests, resting items fill the list rather than
  // leave the slot empty, the ones rested longest ago first.
  r.count = 100;
  for (int i = 0; i < kFatigueShows; ++i) e->Recommend(r);
  EXPECT_EQ(e->Recommend(r)->size(), 29u);
  // Dismissed items never fill.
  const std::string dismissed = shows.begin()->first;
  ASSERT_TRUE(e->Feedback({dismissed, Slot::kForYou, Outcome::kDismiss, kNow}).ok());
  auto after = e->Recommend(r);
  EXPECT_EQ(after->size(), 28u);
  for (const Pick& p : *after) EXPECT_NE(p.item, dismissed);
}

TEST(RankTest, DismissedItemsRest) {
  auto e = GridEngine();
  const std::string top = Recommend(*e, Slot::kForYou, 1)[0].item;
  ASSERT_TRUE(e->Feedback({top, Slot::kForYou, Outcome::kDismiss, kNow}).ok());
  for (const Pick& p : Recommend(*e, Slot::kForYou, 30)) EXPECT_NE(p.item, top);
}

TEST(RankTest, AClickedItemRestsForAWhile) {
  auto e = GridEngine();
  const std::string top = Recommend(*e, Slot::kForYou, 1)[0].item;
  ASSERT_TRUE(e->Feedback({top, Slot::kForYou, Outcome::kClick, kNow}).ok());
  for (const Pick& p : Recommend(*e, Slot::kForYou, 10)) EXPECT_NE(p.item, top);
  RecommendRequest r;
  r.count = 30;
  r.now_ms = kNow + kClickedRestHours * 3'600'000LL;
  bool back = false;
  auto again = e->Recommend(r);
  for (const Pick& p : *again) back |= p.item == top;
  EXPECT_TRUE(back) << top << " " << again->size();
}

TEST(RankTest, LearnsWhichCategoriesTheUserClicks) {
  // A user who clicks only Garden picks, one pick every 8 hours (so the six
  // Garden items are not all resting after their clicks): the slot must find
  // Garden by exploring (no profile events at all) and then favour it.
  auto e = GridEngine(11);
  int garden_late = 0;
  for (int round = 0; round < 60; ++round) {
    RecommendRequest r;
    r.count = 1;
    r.now_ms = kNow + round * 8 * 3'600'000LL;
    auto picks = e->Recommend(r);
    ASSERT_TRUE(picks.ok());
    ASSERT_EQ(picks->size(), 1u);
    const bool garden = (*picks)[0].item.rfind("Garden-", 0) == 0;
    if (garden) ASSERT_TRUE(e->Feedback({(*picks)[0].item, Slot::kForYou, Outcome::kClick, r.now_ms}).ok());

    if (round >= 40) garden_late += garden ? 1 : 0;
  }
  // Garden is 1 department of 5 (20% by chance); learned, it dominates.
  EXPECT_GE(garden_late, 12);
  const auto& cats = e->rank_state().categories[0];
  double garden_ctr = 0, other_clicks = 0;
  for (const auto& [key, c] : cats) {
    if (key.rfind("cat:garden", 0) == 0) garden_ctr = std::max(garden_ctr, c.shows > 0 ? c.clicks / c.shows : 0);
    else other_clicks = std::max(other_clicks, c.clicks);
  }
  EXPECT_GT(garden_ctr, 0.5);
  EXPECT_EQ(other_clicks, 0);
}

TEST(RankTest, CategoryCountsHalveEveryHalfLife) {
  CategoryStats c{4, 1, kNow};
  c.DecayTo(kNow + kCategoryHalfLifeDays * kDay);
  EXPECT_DOUBLE_EQ(c.shows, 2);
  EXPECT_DOUBLE_EQ(c.clicks, 0.5);
  c.DecayTo(kNow);  // never backwards
  EXPECT_DOUBLE_EQ(c.shows, 2);
}

TEST(RankTest, ClicksRewardTheArmThatChoseTheList) {
  auto e = GridEngine();
  View(*e, "Shoes-1", 2);
  auto picks = Recommend(*e, Slot::kForYou, 3);
  const auto before = e->rank_state().arms[0];
  ASSERT_TRUE(e->Feedback({picks[1].item, Slot::kForYou, Outcome::kClick, kNow}).ok());
  int arm = 0;
  while (std::string(ArmName(Slot::kForYou, arm)) != picks[1].arm) ++arm;
  EXPECT_EQ(e->rank_state().arms[0][arm].alpha, before[arm].alpha + 1);
  // One reward per decision.
  ASSERT_TRUE(e->Feedback({picks[0].item, Slot::kForYou, Outcome::kClick, kNow}).ok());
  EXPECT_EQ(e->rank_state().arms[0][arm].alpha, before[arm].alpha + 1);
  // The next request without a click counts the previous list as a miss.
  Recommend(*e, Slot::kForYou, 3);
  const auto last_arm = e->rank_state().last[0].arm;
  Recommend(*e, Slot::kForYou, 3);
  EXPECT_GE(e->rank_state().arms[0][last_arm].beta, before[last_arm].beta + 1);
}

TEST(RankTest, ThePropensitiesOfTheArmsSumToOne) {
  const std::array<ArmStats, kArms> cases[] = {
      {{{1, 1}, {1, 1}, {1, 1}}},
      {{{30, 5}, {5, 30}, {10, 10}}},
      {{{2, 50}, {2, 50}, {50, 2}}},
      {{{1e11, 1}, {1, 1e11}, {1, 1}}},
  };
  for (const auto& arms : cases) {
    SCOPED_TRACE(arms[0].alpha);
    auto p = ArmPropensities(arms);
    double sum = 0;
    for (double x : p) {
      EXPECT_GE(x, 0);
      EXPECT_LE(x, 1);
      sum += x;
    }
    EXPECT_NEAR(sum, 1, 1e-12);
  }
  // Equal posteriors share exactly; a clearly better arm dominates.
  for (double x : ArmPropensities(cases[0])) EXPECT_NEAR(x, 1.0 / 3, 1e-12);
  EXPECT_GT(ArmPropensities(cases[1])[0], 0.8);
}

// The propensity is what Thompson sampling actually does: the integral
// agrees with the frequencies of DrawArm over many draws (4 standard errors).
TEST(RankTest, ThePropensitiesMatchThompsonSamplingFrequencies) {
  struct Case {
    const char* name;
    std::array<ArmStats, kArms> arms;
  };
  const Case kCases[] = {
      {"fresh", {{{1, 1}, {1, 1}, {1, 1}}}},
      {"one leads", {{{30, 5}, {5, 30}, {10, 10}}}},
      {"skewed", {{{2, 50}, {3, 50}, {1, 20}}}},
      {"narrow and close", {{{500, 500}, {510, 490}, {1, 1}}}},
      {"far apart", {{{1000, 10}, {10, 1000}, {500, 500}}}},
      {"long-lived", {{{20000, 30000}, {20100, 29900}, {19900, 30100}}}},
      {"small counts", {{{3, 7}, {4, 6}, {5, 5}}}},
  };
  constexpr int kDraws = 40'000;
  Rng rng(11);
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    std::array<double, kArms> freq{};
    for (int d = 0; d < kDraws; ++d) freq[DrawArm(c.arms, &rng)] += 1.0 / kDraws;
    const auto p = ArmPropensities(c.arms);
    for (int a = 0; a < kArms; ++a) {
      const double se = std::sqrt(std::max(p[a] * (1 - p[a]), 1e-4) / kDraws);
      EXPECT_NEAR(p[a], freq[a], 4 * se) << "arm " << a;
    }
  }
}

// A pick's propensity depends on the bandit's state only (not on the
// generator), so it can be recomputed from a snapshot.
TEST(RankTest, APicksPropensityIsAPureFunctionOfTheBanditState) {
  for (uint64_t seed : {1, 2, 3}) {
    auto e = GridEngine(seed);
    View(*e, "Books-2", 3);
    for (int call = 0; call < 6; ++call) {
      const auto picks = Recommend(*e, Slot::kForYou, 3);
      ASSERT_FALSE(picks.empty());
      int arm = 0;
      while (arm < kArms && ArmName(Slot::kForYou, arm) != picks[0].arm) ++arm;
      ASSERT_LT(arm, kArms);
      const auto p = ArmPropensities(e->rank_state().arms[0]);
      for (const Pick& pick : picks) EXPECT_EQ(pick.propensity, std::max(p[arm], kMinPropensity));
      if (call % 2) ASSERT_TRUE(e->Feedback({picks[0].item, Slot::kForYou, Outcome::kClick, kNow}).ok());
    }
  }
}

TEST(RankTest, TheSameSeedGivesTheSameDecisions) {
  auto a = GridEngine(42), b = GridEngine(42);
  for (auto* e : {a.get(), b.get()}) View(*e, "Kitchen-2", 2);
  for (int i = 0; i < 5; ++i) {
    auto pa = Recommend(*a, Slot::kWow), pb = Recommend(*b, Slot::kWow);
    ASSERT_EQ(pa.size(), pb.size());
    for (size_t k = 0; k < pa.size(); ++k) {
      EXPECT_EQ(pa[k].item, pb[k].item);
      EXPECT_EQ(pa[k].propensity, pb[k].propensity);
    }
  }
  // And the state (bandit, impressions, generator) survives a snapshot.
  auto c = GridEngine(1);
  ASSERT_TRUE(c->RestoreSnapshot(a->ExportSnapshot()).ok());
  EXPECT_EQ(c->ExportSnapshot(), a->ExportSnapshot());
  auto pa = Recommend(*a, Slot::kWow), pc = Recommend(*c, Slot::kWow);
  ASSERT_EQ(pa.size(), pc.size());
  for (size_t k = 0; k < pa.size(); ++k) EXPECT_EQ(pa[k].item, pc[k].item);
}

TEST(RankTest, CountIsValidatedAndClamped) {
  auto e = GridEngine();
  RecommendRequest r;
  r.now_ms = kNow;
  r.count = 0;
  EXPECT_EQ(e->Recommend(r).status().code(), absl::StatusCode::kInvalidArgument);
  r.count = 1000000;
  EXPECT_EQ(e->Recommend(r)->size(), 29u);  // everything sellable, clamped to kMaxCount
  auto empty = *Engine::Create(ProfileConfig{});
  r.count = 5;
  EXPECT_TRUE(empty->Recommend(r)->empty());
  r.now_ms = 0;
  EXPECT_EQ(e->Recommend(r).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hearth
