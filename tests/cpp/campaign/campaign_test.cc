#include "hearth/campaign/campaign.h"

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hearth/common/bytes.h"
#include "hearth/common/hash.h"
#include "hearth/engine/engine.h"
#include "hearth/snapshot/snapshot.h"
#include "tests/cpp/engine/test_catalog.h"

namespace hearth {
namespace {

using ::hearth::testing::kDay;
using ::hearth::testing::kNow;  // 2026-10-27T08:53:20Z
using ::hearth::testing::ShopEngine;
using ::testing::HasSubstr;

constexpr int64_t kHour = 3'600'000;

// A campaign with every required field plus `extra` fields; the defaults
// (a widget action, 2 a day, a purchase goal within 24 h) are left out when
// `extra` sets them.
std::string One(std::string_view id, std::string_view extra = "") {
  std::string out = absl::StrCat(R"({"id": ")", id, R"(")");
  if (extra.find(R"("action")") == std::string_view::npos)
    out += R"(, "action": {"type": "widget", "widget": "hearth-stamp-card"})";
  if (extra.find(R"("cap")") == std::string_view::npos) out += R"(, "cap": {"perDay": 2})";
  if (extra.find(R"("goal")") == std::string_view::npos) out += R"(, "goal": {"event": "purchase", "windowHours": 24})";
  if (!extra.empty()) absl::StrAppend(&out, ", ", extra);
  return out + "}";
}

std::string Doc(std::initializer_list<std::string> campaigns) {
  std::string out = "[";
  for (const std::string& c : campaigns) absl::StrAppend(&out, out.size() > 1 ? "," : "", c);
  return out + "]";
}

CampaignContext At(int hour, int weekday = 2) {
  CampaignContext c;
  c.hour = hour;
  c.weekday = weekday;
  return c;
}

std::vector<std::string> ActiveIds(Engine& e, const CampaignContext& ctx, int64_t now = kNow) {
  std::vector<std::string> ids;
  auto active = e.ActiveCampaigns(ctx, now);
  EXPECT_TRUE(active.ok()) << active.status();
  if (active.ok())
    for (const Campaign* c : *active) ids.push_back(c->id);
  return ids;
}

// The engine's seed decides the install salt: find one that puts `id` on `arm`.
void SeedForArm(Engine& e, std::string_view id, double holdout, CampaignArm arm) {
  for (uint64_t seed = 1;; ++seed) {
    Rng probe(seed);
    if (ArmFor(probe.Next(), id, holdout) == arm) {
      e.Seed(seed);
      return;
    }
  }
}

// ---- validation --------------------------------------------------------

struct BadCase {
  const char* name;
  std::string json;
  absl::StatusCode code;
  const char* message;  // must appear in the error
};

std::vector<BadCase> BadCases() {
  return {
      {"not json", "[{", absl::StatusCode::kInvalidArgument, "campaigns JSON"},
      {"repeated field", Doc({One("a", R"("holdout": 0.1, "holdout": 0.2)")}), absl::StatusCode::kInvalidArgument,
       "campaign 0 ('a') field holdout is repeated"},
      {"not an array", R"({"nope": 1})", absl::StatusCode::kInvalidArgument, "no \"campaigns\" array"},
      {"trailing content", Doc({One("a")}) + "]", absl::StatusCode::kInvalidArgument, "trailing"},
      {"unknown field", Doc({One("a", R"("colour": "red")")}), absl::StatusCode::kInvalidArgument,
       "campaign 0 ('a') field colour is not a known campaign field"},
      {"no id", Doc({R"({"action": {"type": "widget", "widget": "x"}, "cap": {"perDay": 1}})"}),
       absl::StatusCode::kInvalidArgument, "campaign 0 field id is required"},
      {"duplicate id", Doc({One("a"), One("b"), One("a")}), absl::StatusCode::kInvalidArgument,
       "campaign 2 ('a') field id repeats"},
      {"no cap", Doc({R"({"id": "a", "action": {"type": "widget", "widget": "x"}})"}),
       absl::StatusCode::kInvalidArgument, "campaign 0 ('a') field cap is required"},
      {"empty cap", Doc({R"({"id": "a", "action": {"type": "widget", "widget": "x"}, "cap": {}})"}),
       absl::StatusCode::kInvalidArgument, "field cap is required"},
      {"zero cap", Doc({R"({"id": "a", "action": {"type": "widget", "widget": "x"}, "cap": {"perDay": 0}})"}),
       absl::StatusCode::kInvalidArgument, "cap.perDay must be a whole number from 1"},
      {"holdout above half", Doc({One("a", R"("holdout": 0.6)")}), absl::StatusCode::kInvalidArgument,
       "campaign 0 ('a') field holdout must be a share from 0 to 0.5"},
      {"negative holdout", Doc({One("a", R"("holdout": -0.1)")}), absl::StatusCode::kInvalidArgument, "holdout"},
      {"mystery for minors",
       Doc({R"({"id": "m", "audience": {"minor": true}, "action": {"type": "mystery", "mystery": "box"},
               "cap": {"lifetime": 1}})"}),
       absl::StatusCode::kInvalidArgument, "campaign 0 ('m') field action is a mystery reward, which may not target minors"},
      {"mystery widget for minors",
       Doc({R"({"id": "m", "audience": {"minor": true}, "action": {"type": "widget", "widget": "hearth-mystery"},
               "cap": {"lifetime": 1}})"}),
       absl::StatusCode::kInvalidArgument, "may not target minors"},
      {"quiet hours not a pair", Doc({One("a", R"("quietHours": [22])")}), absl::StatusCode::kInvalidArgument,
       "field quietHours must be two different whole hours"},
      {"quiet hours equal", Doc({One("a", R"("quietHours": [8, 8])")}), absl::StatusCode::kInvalidArgument,
       "quietHours"},
      {"quiet hours all day", Doc({One("a", R"("quietHours": [0, 24])")}), absl::StatusCode::kInvalidArgument,
       "quietHours"},
      {"quiet hours fractional", Doc({One("a", R"("quietHours": [21.5, 6])")}), absl::StatusCode::kInvalidArgument,
       "quietHours"},
      {"quiet hours swallow the trigger",
       Doc({One("a", R"("quietHours": [20, 9], "trigger": {"context": {"hours": [22, 2]}})")}),
       absl::StatusCode::kInvalidArgument, "could never run"},
      {"end before start", Doc({One("a", R"("starts": "2026-12-01", "ends": "2026-11-01")")}),
       absl::StatusCode::kInvalidArgument, "campaign 0 ('a') field ends must be after starts"},
      {"bad date", Doc({One("a", R"("starts": "next tuesday")")}), absl::StatusCode::kInvalidArgument, "ISO-8601"},
      {"unknown segment", Doc({One("a", R"("audience": {"segments": ["whales"]})")}),
       absl::StatusCode::kInvalidArgument, "audience.segments has an unknown segment 'whales'"},
      {"rfm min above max", Doc({One("a", R"("audience": {"rfm": {"monetary": [100, 10]}})")}),
       absl::StatusCode::kInvalidArgument, "audience.rfm.monetary must be [min, max]"},
      {"interest without a kind", Doc({One("a", R"("audience": {"interests": ["camping"]})")}),
       absl::StatusCode::kInvalidArgument, "not a feature key"},
      {"unknown trigger event", Doc({One("a", R"("trigger": {"event": "teleport"})")}),
       absl::StatusCode::kInvalidArgument, "trigger.event must be view"},
      {"window without event", Doc({One("a", R"("trigger": {"withinHours": 4})")}),
       absl::StatusCode::kInvalidArgument, "trigger.event is required"},
      {"cancel on the trigger", Doc({One("a", R"("trigger": {"event": "view", "cancelOn": "view"})")}),
       absl::StatusCode::kInvalidArgument, "could never run"},
      {"unknown context predicate", Doc({One("a", R"("trigger": {"context": {"moon": "full"}})")}),
       absl::StatusCode::kInvalidArgument, "trigger.context.moon is unknown"},
      {"negative availability", Doc({One("a", R"("trigger": {"context": {"available": {"slot": -1}}})")}),
       absl::StatusCode::kInvalidArgument, "trigger.context.available.slot must be a count >= 0"},
      {"deal on an unknown item",
       Doc({R"({"id": "d", "action": {"type": "deal", "item": "nope", "discount": 0.1}, "cap": {"perDay": 1}})"}),
       absl::StatusCode::kInvalidArgument, "action.item 'nope' is not in the catalog"},
      {"deal without discount",
       Doc({R"({"id": "d", "action": {"type": "deal", "item": "tent-1"}, "cap": {"perDay": 1}})"}),
       absl::StatusCode::kInvalidArgument, "action.discount is required"},
      {"deal of 100%",
       Doc({R"({"id": "d", "action": {"type": "deal", "item": "tent-1", "discount": 1}, "cap": {"perDay": 1}})"}),
       absl::StatusCode::kInvalidArgument, "action.discount must be a fraction"},
      {"deal with two targets",
       Doc({R"({"id": "d", "action": {"type": "deal", "item": "tent-1", "promotion": "p"}, "cap": {"perDay": 1}})"}),
       absl::StatusCode::kInvalidArgument, "exactly one of promotion, item or category"},
      {"widget fields on a deal",
       Doc({R"({"id": "d", "action": {"type": "deal", "promotion": "p", "widget": "w"}, "cap": {"perDay": 1}})"}),
       absl::StatusCode::kInvalidArgument, "does not take"},
      {"unknown action type", Doc({R"({"id": "d", "action": {"type": "popup"}, "cap": {"perDay": 1}})"}),
       absl::StatusCode::kInvalidArgument, "action.type 'popup' is not deal"},
      {"nested widget params",
       Doc({R"({"id": "w", "action": {"type": "widget", "widget": "x", "params": {"a": {"b": {"c": [[[1]]]}}}},
               "cap": {"perDay": 1}})"}),
       absl::StatusCode::kInvalidArgument, "action.params.a must be a string, number or boolean"},
      {"goal unknown", Doc({One("a", R"("goal": {"event": "smile"})")}), absl::StatusCode::kInvalidArgument,
       "goal.event must be purchase, add_to_cart, click or visit"},
      {"goal window too long", Doc({One("a", R"("goal": {"event": "visit", "windowHours": 1e9})")}),
       absl::StatusCode::kInvalidArgument, "goal.windowHours"},
      {"huge number", Doc({One("a", R"("holdout": 1e999)")}), absl::StatusCode::kInvalidArgument, "holdout"},
      {"long id", Doc({One(std::string(300, 'x'))}), absl::StatusCode::kInvalidArgument, "longer than 256 bytes"},
  };
}

TEST(CampaignLoadTest, RejectsHostileDocumentsWithCodedErrorsAndKeepsThePriorCampaigns) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->LoadCampaigns(Doc({One("kept")})).ok());
  for (const BadCase& c : BadCases()) {
    SCOPED_TRACE(c.name);
    const absl::Status s = e->LoadCampaigns(c.json);
    EXPECT_EQ(s.code(), c.code) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.message));
    ASSERT_EQ(e->campaigns().all().size(), 1u);
    EXPECT_EQ(e->campaigns().all()[0].id, "kept");
  }
}

TEST(CampaignLoadTest, RejectsTooManyCampaignsAsResourceExhausted) {
  auto e = ShopEngine();
  std::string doc = "[";
  for (int i = 0; i < 100'000; ++i) absl::StrAppend(&doc, i ? "," : "", One(absl::StrCat("c", i)));
  doc += "]";
  const absl::Status s = e->LoadCampaigns(doc);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
  EXPECT_TRUE(e->campaigns().all().empty());
}

TEST(CampaignLoadTest, RejectsDeepNestingWithoutCrashing) {
  auto e = ShopEngine();
  const std::string deep = std::string(5000, '[') + std::string(5000, ']');
  EXPECT_EQ(e->LoadCampaigns(deep).code(), absl::StatusCode::kInvalidArgument);
  const std::string deep_field = One("a", absl::StrCat(R"("audience": )", std::string(3000, '['), std::string(3000, ']')));
  EXPECT_EQ(e->LoadCampaigns(Doc({deep_field})).code(), absl::StatusCode::kInvalidArgument);
}

TEST(CampaignLoadTest, ReadsEveryFieldOfAFullCampaign) {
  auto e = ShopEngine();
  const absl::Status s = e->LoadCampaigns(R"({"campaigns": [{
      "id": "rainy-tents", "name": "Rainy day tents", "starts": "2026-10-01", "ends": "2026-12-01",
      "audience": {"segments": ["new", "lapsed"], "rfm": {"recencyDays": [0, 400], "frequency": [0, 9],
                   "monetary": [0, 5000]}, "interests": ["cat:camping"], "minor": false},
      "trigger": {"event": "view", "category": "Camping", "withinHours": 48, "cancelOn": "purchase",
                  "context": {"hours": [17, 22], "weekdays": [5, 6], "weather": ["Rain"], "maxDistanceKm": 3,
                              "available": {"pickup-today": 1}}},
      "action": {"type": "deal", "category": "Camping > Tents", "discountPercent": 15},
      "cap": {"perDay": 1, "lifetime": 5}, "quietHours": [22, 8], "holdout": 0.1,
      "goal": {"event": "purchase", "windowHours": 72}}]})");
  ASSERT_TRUE(s.ok()) << s;
  const Campaign& c = e->campaigns().all()[0];
  EXPECT_EQ(c.name, "Rainy day tents");
  EXPECT_EQ(c.segments.size(), 2u);
  EXPECT_EQ(c.trigger_category_key, "cat:camping");
  EXPECT_EQ(c.trigger_window_ms, 48 * kHour);
  EXPECT_EQ(c.weather, std::vector<std::string>{"rain"});
  EXPECT_EQ(c.action.category_key, "cat:camping/tents");
  EXPECT_DOUBLE_EQ(c.action.discount, 0.15);
  EXPECT_EQ(c.cap_per_day, 1);
  EXPECT_EQ(c.cap_lifetime, 5);
  EXPECT_EQ(*c.quiet_hours, std::make_pair(22, 8));
  EXPECT_EQ(c.goal_window_ms, 72 * kHour);
}

// ---- targeting and triggers ----------------------------------------------

struct MatchCase {
  const char* name;
  const char* fields;  // added to One("c", ...)
  int hour;
  int weekday;
  const char* weather;
  double distance_km;  // < 0: unknown
  bool minor;
  bool applies;
};

constexpr MatchCase kMatchCases[] = {
    {"no conditions", "", 12, 2, "", -1, false, true},
    {"segment new matches a newcomer", R"("audience": {"segments": ["new"]})", 12, 2, "", -1, false, true},
    {"segment lapsed skips a newcomer", R"("audience": {"segments": ["lapsed"]})", 12, 2, "", -1, false, false},
    {"frequency needs purchases", R"("audience": {"rfm": {"frequency": [1, 10]}})", 12, 2, "", -1, false, false},
    {"frequency zero allows newcomers", R"("audience": {"rfm": {"frequency": [0, 0]}})", 12, 2, "", -1, false, true},
    {"recency needs a purchase", R"("audience": {"rfm": {"recencyDays": [0, 30]}})", 12, 2, "", -1, false, false},
    {"interest held", R"("audience": {"interests": ["cat:shoes"]})", 12, 2, "", -1, false, true},
    {"interest not held", R"("audience": {"interests": ["cat:camping", "brand:birch"]})", 12, 2, "", -1, false,
     false},
    {"interest unknown to the catalog", R"("audience": {"interests": ["tag:unicorn"]})", 12, 2, "", -1, false, false},
    {"adults only, adult", R"("audience": {"minor": false})", 12, 2, "", -1, false, true},
    {"adults only, minor", R"("audience": {"minor": false})", 12, 2, "", -1, true, false},
    {"mystery never for a minor", R"("action": {"type": "mystery", "mystery": "box"})", 12, 2, "", -1, true, false},
    {"mystery for an adult", R"("action": {"type": "mystery", "mystery": "box"})", 12, 2, "", -1, false, true},
    {"inside hours", R"("trigger": {"context": {"hours": [9, 17]}})", 16, 2, "", -1, false, true},
    {"hours are half-open", R"("trigger": {"context": {"hours": [9, 17]}})", 17, 2, "", -1, false, false},
    {"hours wrap past midnight", R"("trigger": {"context": {"hours": [22, 2]}})", 1, 2, "", -1, false, true},
    {"weekday listed", R"("trigger": {"context": {"weekdays": [6, 7]}})", 12, 7, "", -1, false, true},
    {"weekday not listed", R"("trigger": {"context": {"weekdays": [6, 7]}})", 12, 2, "", -1, false, false},
    {"weather matches in any case", R"("trigger": {"context": {"weather": ["rain"]}})", 12, 2, "Rain", -1, false,
     true},
    {"weather unknown fails", R"("trigger": {"context": {"weather": ["rain"]}})", 12, 2, "", -1, false, false},
    {"near the store", R"("trigger": {"context": {"maxDistanceKm": 2}})", 12, 2, "", 1.5, false, true},
    {"far from the store", R"("trigger": {"context": {"maxDistanceKm": 2}})", 12, 2, "", 2.5, false, false},
    {"distance unknown fails", R"("trigger": {"context": {"maxDistanceKm": 2}})", 12, 2, "", -1, false, false},
    {"outside its window", R"("starts": "2026-11-01")", 12, 2, "", -1, false, false},
    {"ended", R"("ends": "2026-10-01", "starts": "2026-09-01")", 12, 2, "", -1, false, false},
};

TEST(CampaignTargetingTest, AppliesOnlyWhenAudienceAndContextMatch) {
  for (const MatchCase& c : kMatchCases) {
    SCOPED_TRACE(c.name);
    auto e = ShopEngine();
    ASSERT_TRUE(e->Track({.type = "view", .item = "trail-1", .ts_ms = double(kNow - kHour)}, kNow).ok());
    ASSERT_TRUE(e->LoadCampaigns(Doc({One("c", c.fields)})).ok());
    CampaignContext ctx = At(c.hour, c.weekday);
    ctx.weather = c.weather;
    if (c.distance_km >= 0) ctx.distance_km = c.distance_km;
    ctx.minor = c.minor;
    EXPECT_EQ(ActiveIds(*e, ctx).size(), c.applies ? 1u : 0u);
  }
}

TEST(CampaignTargetingTest, AvailabilityPredicatesReadTheHostsCounts) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->LoadCampaigns(Doc({One("slots", R"("trigger": {"context": {"available": {"pickup-today": 2}}})")})).ok());
  CampaignContext ctx = At(12);
  EXPECT_TRUE(ActiveIds(*e, ctx).empty()) << "unknown availability fails";
  ctx.available = {{"pickup-today", 1}};
  EXPECT_TRUE(ActiveIds(*e, ctx).empty());
  ctx.available = {{"pickup-today", 3}};
  EXPECT_EQ(ActiveIds(*e, ctx), std::vector<std::string>{"slots"});
}

TEST(CampaignTriggerTest, AnEventTriggersForItsWindowAndACancelEventEndsIt) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->LoadCampaigns(Doc({R"({"id": "cart", "trigger": {"event": "add_to_cart", "category": "Camping",
      "withinHours": 24, "cancelOn": "purchase"}, "action": {"type": "content", "items": ["tent-1"]},
      "cap": {"perDay": 10}})"}))
                  .ok());
  EXPECT_TRUE(ActiveIds(*e, At(12)).empty()) << "not triggered yet";
  ASSERT_TRUE(e->Track({.type = "add_to_cart", .item = "trail-1", .ts_ms = double(kNow)}, kNow).ok());
  EXPECT_TRUE(ActiveIds(*e, At(12)).empty()) << "another category does not trigger";
  ASSERT_TRUE(e->Track({.type = "add_to_cart", .item = "tent-1", .ts_ms = double(kNow)}, kNow).ok());
  EXPECT_EQ(ActiveIds(*e, At(12), kNow + 23 * kHour), std::vector<std::string>{"cart"});
  EXPECT_TRUE(ActiveIds(*e, At(12), kNow + 25 * kHour).empty()) << "the window closed";
  ASSERT_TRUE(e->Track({.type = "add_to_cart", .item = "tent-1", .ts_ms = double(kNow + kDay)}, kNow + kDay).ok());
  EXPECT_EQ(ActiveIds(*e, At(12), kNow + kDay + kHour).size(), 1u);
  ASSERT_TRUE(e->Track({.type = "purchase", .item = "tent-1", .ts_ms = double(kNow + kDay + 2 * kHour)},
                       kNow + kDay + 2 * kHour)
                  .ok());
  EXPECT_TRUE(ActiveIds(*e, At(12), kNow + kDay + 3 * kHour).empty()) << "bought: the cart reminder stops";
}

// ---- caps and quiet hours --------------------------------------------------

TEST(CampaignCapTest, PerDayCapResetsAtLocalMidnightAndLifetimeCapHolds) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->LoadCampaigns(Doc({R"({"id": "c", "action": {"type": "widget", "widget": "w"},
      "cap": {"perDay": 2, "lifetime": 3}})"}))
                  .ok());
  const int64_t midnight = (kNow / kDay + 1) * kDay;  // next UTC midnight
  CampaignContext ctx = At(12);
  EXPECT_EQ(ActiveIds(*e, ctx, midnight - 2 * kHour).size(), 1u);
  EXPECT_EQ(ActiveIds(*e, ctx, midnight - kHour).size(), 1u);
  EXPECT_TRUE(ActiveIds(*e, ctx, midnight - 1).empty()) << "two a day";
  EXPECT_EQ(ActiveIds(*e, ctx, midnight + 1).size(), 1u) << "a new day";
  EXPECT_TRUE(ActiveIds(*e, ctx, midnight + kHour).empty()) << "three in a lifetime";
  EXPECT_TRUE(ActiveIds(*e, ctx, midnight + 5 * kDay).empty());
}

TEST(CampaignCapTest, DaysFollowTheHostsUtcOffset) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->LoadCampaigns(Doc({R"({"id": "c", "action": {"type": "widget", "widget": "w"}, "cap": {"perDay": 1}})"})).ok());
  const int64_t utc_midnight = (kNow / kDay + 1) * kDay;
  CampaignContext ctx = At(12);
  ctx.utc_offset_min = 120;  // local midnight is 22:00 UTC
  EXPECT_EQ(ActiveIds(*e, ctx, utc_midnight - 3 * kHour).size(), 1u);
  EXPECT_EQ(ActiveIds(*e, ctx, utc_midnight - kHour).size(), 1u) << "already the next local day";
  EXPECT_TRUE(ActiveIds(*e, ctx, utc_midnight + kHour).empty());
}

struct QuietCase {
  int from, to, hour;
  bool quiet;
};

constexpr QuietCase kQuietCases[] = {
    {22, 8, 21, false}, {22, 8, 22, true}, {22, 8, 23, true}, {22, 8, 0, true},  {22, 8, 7, true},
    {22, 8, 8, false},  {0, 6, 0, true},   {0, 6, 6, false},  {13, 14, 13, true}, {23, 24, 23, true},
    {23, 1, 0, true},   {23, 1, 1, false},
};

TEST(CampaignQuietHoursTest, QuietHoursWrapPastMidnight) {
  for (const QuietCase& c : kQuietCases) {
    SCOPED_TRACE(absl::StrCat("[", c.from, ", ", c.to, ") at ", c.hour));
    auto e = ShopEngine();
    ASSERT_TRUE(e->LoadCampaigns(Doc({One("c", absl::StrCat(R"("quietHours": [)", c.from, ", ", c.to, "]"))})).ok());
    EXPECT_EQ(ActiveIds(*e, At(c.hour)).empty(), c.quiet);
  }
}

TEST(CampaignQuietHoursTest, AnUnknownHourCountsAsQuiet) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->LoadCampaigns(Doc({One("c", R"("quietHours": [22, 8])")})).ok());
  EXPECT_TRUE(ActiveIds(*e, CampaignContext{}).empty());
}

// ---- holdout ----------------------------------------------------------------

TEST(CampaignHoldoutTest, HoldoutShareOverManyDevicesIsWithinABinomialBound) {
  constexpr int kDevices = 100'000;
  constexpr double kZ = 4.891638;  // two-sided normal quantile at alpha = 1e-6
  for (double share : {0.0, 0.05, 0.1, 0.25, 0.5}) {
    SCOPED_TRACE(share);
    Rng salts(7);
    int holdout = 0, both = 0;
    for (int i = 0; i < kDevices; ++i) {
      const uint64_t salt = salts.Next();
      const bool a = ArmFor(salt, "spring-sale", share) == CampaignArm::kHoldout;
      const bool b = ArmFor(salt, "rainy-tents", share) == CampaignArm::kHoldout;
      holdout += a;
      both += a && b;
    }
    const double bound = kZ * std::sqrt(share * (1 - share) / kDevices);
    EXPECT_NEAR(double(holdout) / kDevices, share, bound + 1e-12);
    // Independent across campaigns: being held out of one says nothing of another.
    const double p2 = share * share;
    EXPECT_NEAR(double(both) / kDevices, p2, kZ * std::sqrt(p2 * (1 - p2) / kDevices) + 1e-12);
  }
}

TEST(CampaignHoldoutTest, ADevicesArmIsStableAndSurvivesASnapshot) {
  auto e = ShopEngine();
  e->Seed(99);
  ASSERT_TRUE(e->LoadCampaigns(Doc({One("a", R"("holdout": 0.5)"), One("b", R"("holdout": 0.5)"),
                                    One("c", R"("holdout": 0.5)"), One("d", R"("holdout": 0.5)")}))
                  .ok());
  auto arms = [](Engine& engine) {
    std::string out;
    auto list = engine.ListCampaigns(At(12), kNow);  // kept alive: the loop must not bind into a temporary
    for (const CampaignListing& l : *list) out += l.arm == CampaignArm::kHoldout ? 'H' : 'T';
    return out;
  };
  const std::string first = arms(*e);
  EXPECT_EQ(arms(*e), first);
  auto restored = ShopEngine();
  restored->Seed(12345);  // a different seed: the arm comes from the saved salt
  ASSERT_TRUE(restored->RestoreSnapshot(e->ExportSnapshot()).ok());
  ASSERT_TRUE(restored->LoadCampaigns(Doc({One("a", R"("holdout": 0.5)"), One("b", R"("holdout": 0.5)"),
                                           One("c", R"("holdout": 0.5)"), One("d", R"("holdout": 0.5)")}))
                  .ok());
  EXPECT_EQ(arms(*restored), first);
}

TEST(CampaignHoldoutTest, HoldoutDevicesGetNoActionButTheirExposureIsRecorded) {
  for (CampaignArm arm : {CampaignArm::kTreatment, CampaignArm::kHoldout}) {
    SCOPED_TRACE(CampaignArmName(arm));
    auto e = ShopEngine();
    SeedForArm(*e, "c", 0.3, arm);
    ASSERT_TRUE(e->LoadCampaigns(Doc({One("c", R"("holdout": 0.3)")})).ok());
    EXPECT_EQ(ActiveIds(*e, At(12)).size(), arm == CampaignArm::kTreatment ? 1u : 0u);
    ASSERT_EQ(e->campaign_stats().size(), 1u);
    EXPECT_EQ(e->campaign_stats()[0].arm, arm);
    EXPECT_EQ(e->campaign_stats()[0].exposed, 1u);
    const auto list = *e->ListCampaigns(At(12), kNow);
    EXPECT_EQ(list[0].arm, arm);
    EXPECT_EQ(list[0].exposures, 1u);
    EXPECT_EQ(list[0].cap_remaining, 1) << "both arms spend the cap";
  }
}

// ---- exposures and conversions --------------------------------------------

struct AttributionCase {
  const char* name;
  const char* goal;
  const char* event;
  int64_t after_ms;  // event time after the exposure
  bool converts;
};

constexpr AttributionCase kAttributionCases[] = {
    {"purchase inside the window", "purchase", "purchase", 23 * kHour, true},
    {"purchase at the window's end", "purchase", "purchase", 24 * kHour, true},
    {"purchase after the window", "purchase", "purchase", 24 * kHour + 1, false},
    {"purchase before the exposure", "purchase", "purchase", -kHour, false},
    {"another event type", "purchase", "add_to_cart", kHour, false},
    {"add to cart goal", "add_to_cart", "add_to_cart", kHour, true},
    {"click goal", "click", "click", kHour, true},
    {"a visit is any event", "visit", "view", kHour, true},
    {"a dismissal is no visit", "visit", "dismiss", kHour, false},
};

TEST(CampaignAttributionTest, AGoalEventWithinTheWindowConvertsTheLatestExposure) {
  for (const AttributionCase& c : kAttributionCases) {
    SCOPED_TRACE(c.name);
    auto e = ShopEngine();
    ASSERT_TRUE(e->LoadCampaigns(Doc({One("c", absl::StrCat(R"("goal": {"event": ")", c.goal,
                                                            R"(", "windowHours": 24})"))}))
                    .ok());
    ASSERT_EQ(ActiveIds(*e, At(12)).size(), 1u);
    const double ts = double(kNow + c.after_ms);
    ASSERT_TRUE(e->Track({.type = c.event, .item = "trail-1", .ts_ms = ts}, std::max<double>(ts, kNow)).ok());
    ASSERT_EQ(e->campaign_stats().size(), 1u);
    EXPECT_EQ(e->campaign_stats()[0].converted, c.converts ? 1u : 0u);
  }
}

TEST(CampaignAttributionTest, AnExposureConvertsOnceAndConversionsLandOnTheExposuresDay) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->LoadCampaigns(Doc({One("c", R"("goal": {"event": "purchase", "windowHours": 48})")})).ok());
  ASSERT_EQ(ActiveIds(*e, At(12)).size(), 1u);
  for (int i = 1; i <= 3; ++i)
    ASSERT_TRUE(e->Track({.type = "purchase", .item = "sock-1", .ts_ms = double(kNow + i * 10 * kHour)},
                         kNow + i * 10 * kHour)
                    .ok());
  ASSERT_EQ(e->campaign_stats().size(), 1u);
  const CampaignDayStat& row = e->campaign_stats()[0];
  EXPECT_EQ(row.campaign_id, "c");
  EXPECT_EQ(row.day, kNow / kDay);
  EXPECT_EQ(row.exposed, 1u);
  EXPECT_EQ(row.converted, 1u);
  EXPECT_EQ((*e->ListCampaigns(At(12), kNow))[0].conversions, 1u);
}

TEST(CampaignAttributionTest, OldDaysFoldIntoLifetimeTotals) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->LoadCampaigns(Doc({One("c", R"("cap": {"perDay": 1})")})).ok());
  for (int d = 0; d < 50; ++d) ASSERT_EQ(ActiveIds(*e, At(12), kNow + d * kDay).size(), 1u) << d;
  EXPECT_EQ(e->campaign_stats().size(), size_t{kCampaignStatsDays});
  EXPECT_EQ(e->campaign_stats().front().day, (kNow + 49 * kDay) / kDay - kCampaignStatsDays + 1);
  EXPECT_EQ((*e->ListCampaigns(At(12), kNow + 49 * kDay))[0].exposures, 50u);
}

// ---- the deals slot --------------------------------------------------------

constexpr char kDealCampaign[] = R"([{"id": "tents", "holdout": 0.5,
    "action": {"type": "deal", "item": "tent-1", "discount": 0.2},
    "cap": {"perDay": 5}, "goal": {"event": "purchase", "windowHours": 72}}])";

TEST(CampaignDealsTest, TreatmentPutsTheCampaignDealFirstAndMarksIt) {
  auto e = ShopEngine();
  SeedForArm(*e, "tents", 0.5, CampaignArm::kTreatment);
  ASSERT_TRUE(e->LoadPromotions(R"([{"id": "socks", "item": "sock-1", "discount": 0.5, "starts": "2026-01-01",
                                     "ends": "2027-01-01"}])")
                  .ok());
  ASSERT_TRUE(e->LoadCampaigns(kDealCampaign).ok());
  auto deals = e->RecommendDeals(At(12), kNow, 5, {});
  ASSERT_TRUE(deals.ok()) << deals.status();
  ASSERT_EQ(deals->size(), 2u);
  EXPECT_EQ((*deals)[0].pick.item, "tent-1");
  EXPECT_EQ((*deals)[0].campaign, "tents");
  EXPECT_EQ((*deals)[0].promotion, "campaign:tents");
  EXPECT_TRUE((*deals)[1].campaign.empty());
  ASSERT_EQ(e->campaign_stats().size(), 1u);
  EXPECT_EQ(e->campaign_stats()[0].arm, CampaignArm::kTreatment);
}

TEST(CampaignDealsTest, HoldoutSeesThePlainListAndIsStillCounted) {
  auto e = ShopEngine();
  SeedForArm(*e, "tents", 0.5, CampaignArm::kHoldout);
  ASSERT_TRUE(e->LoadPromotions(R"([{"id": "socks", "item": "sock-1", "discount": 0.5, "starts": "2026-01-01",
                                     "ends": "2027-01-01"}])")
                  .ok());
  ASSERT_TRUE(e->LoadCampaigns(kDealCampaign).ok());
  auto deals = e->RecommendDeals(At(12), kNow, 5, {});
  ASSERT_TRUE(deals.ok()) << deals.status();
  ASSERT_EQ(deals->size(), 1u);
  EXPECT_EQ((*deals)[0].pick.item, "sock-1");
  EXPECT_TRUE((*deals)[0].campaign.empty());
  ASSERT_EQ(e->campaign_stats().size(), 1u);
  EXPECT_EQ(e->campaign_stats()[0].arm, CampaignArm::kHoldout);
  EXPECT_EQ(e->campaign_stats()[0].exposed, 1u);
}

TEST(CampaignDealsTest, APromotionCampaignMarksTheLoadedPromotion) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->LoadPromotions(R"([{"id": "socks", "item": "sock-1", "discount": 0.1, "starts": "2026-01-01",
      "ends": "2027-01-01"}, {"id": "loafers", "item": "city-1", "discount": 0.6, "starts": "2026-01-01",
      "ends": "2027-01-01"}])")
                  .ok());
  ASSERT_TRUE(e->LoadCampaigns(R"([{"id": "sock-push", "action": {"type": "deal", "promotion": "socks"},
      "cap": {"perDay": 1}}])")
                  .ok());
  auto deals = *e->RecommendDeals(At(12), kNow, 1, {});
  ASSERT_EQ(deals.size(), 1u);
  EXPECT_EQ(deals[0].promotion, "socks");
  EXPECT_EQ(deals[0].campaign, "sock-push");
  deals = *e->RecommendDeals(At(12), kNow + 1, 1, {});
  EXPECT_EQ(deals[0].promotion, "loafers") << "capped: back to the plain order";
  EXPECT_TRUE(deals[0].campaign.empty());
}

// ---- state: snapshot, erase, export -----------------------------------------

TEST(CampaignStateTest, SnapshotRoundTripKeepsSaltCapsAndOutcomes) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->LoadCampaigns(Doc({One("c", R"("cap": {"perDay": 1, "lifetime": 4})")})).ok());
  ASSERT_EQ(ActiveIds(*e, At(12)).size(), 1u);
  ASSERT_TRUE(e->Track({.type = "purchase", .item = "sock-1", .ts_ms = double(kNow + kHour)}, kNow + kHour).ok());
  const std::string blob = e->ExportSnapshot();
  auto r = ShopEngine();
  ASSERT_TRUE(r->RestoreSnapshot(blob).ok());
  ASSERT_TRUE(r->LoadCampaigns(Doc({One("c", R"("cap": {"perDay": 1, "lifetime": 4})")})).ok());
  EXPECT_EQ(r->campaign_stats().size(), 1u);
  EXPECT_EQ(r->campaign_stats()[0].converted, 1u);
  EXPECT_EQ(r->campaigns().state().salt, e->campaigns().state().salt);
  EXPECT_TRUE(ActiveIds(*r, At(12), kNow + 2 * kHour).empty()) << "the daily cap survived";
}

// Rewrites a blob's campaign section (tag 5) with `edit` and fixes the CRC.
std::string EditCampaignSection(const std::string& blob, const std::function<void(std::string*)>& edit,
                                uint16_t version = kSnapshotFormat) {
  std::string payload = blob.substr(kSnapshotHeaderBytes);
  ByteReader r(payload);
  uint64_t rev;
  r.U64(&rev);
  std::string out = payload.substr(0, 8);
  while (!r.done()) {
    uint16_t tag;
    uint32_t len;
    std::string_view body;
    r.U16(&tag);
    r.U32(&len);
    r.Raw(&body, len);
    std::string b(body);
    // Forging an older format: drop the other sections that format lacks
    // (tags 4 and up arrived with format 3).
    if (version < 3 && tag >= 4 && tag != 5) continue;
    if (tag == 5) {
      edit(&b);
      if (b.empty()) continue;  // section dropped
    }
    ByteWriter w;
    w.U16(tag);
    w.Str(b);
    out += w.data();
  }
  ByteWriter h;
  h.Raw("HRTH");
  h.U16(version);
  h.U16(0);
  h.U32(static_cast<uint32_t>(out.size()));
  h.U32(Crc32(out));
  h.Raw(out);
  return h.Take();
}

TEST(CampaignStateTest, ACorruptCampaignSectionIsDataLossAndChangesNothing) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->LoadCampaigns(Doc({One("c")})).ok());
  ASSERT_EQ(ActiveIds(*e, At(12)).size(), 1u);
  const std::string good = e->ExportSnapshot();
  const std::vector<std::pair<const char*, std::function<void(std::string*)>>> damage = {
      {"truncated", [](std::string* b) { b->resize(b->size() - 3); }},
      {"bad salt flag", [](std::string* b) { (*b)[0] = 7; }},
      {"trailing bytes", [](std::string* b) { b->push_back('x'); }},
      {"huge count", [](std::string* b) { (*b)[13] = '\xff', (*b)[14] = '\xff'; }},
      {"converted above exposed", [](std::string* b) { (*b)[b->size() - 1] = 9; }},
  };
  auto target = ShopEngine();
  ASSERT_TRUE(target->LoadCampaigns(Doc({One("c")})).ok());
  const std::string before = target->ExportSnapshot();
  for (const auto& [name, edit] : damage) {
    SCOPED_TRACE(name);
    const absl::Status s = target->RestoreSnapshot(EditCampaignSection(good, edit));
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
    EXPECT_EQ(target->ExportSnapshot(), before);
  }
}

TEST(CampaignStateTest, AFormatTwoBlobWithoutTheSectionRestoresToAFreshCampaignState) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->Track({.type = "view", .item = "trail-1", .ts_ms = double(kNow)}, kNow).ok());
  const std::string v2 = EditCampaignSection(e->ExportSnapshot(), [](std::string* b) { b->clear(); }, 2);
  auto r = ShopEngine();
  ASSERT_TRUE(r->LoadCampaigns(Doc({One("c")})).ok());
  ASSERT_EQ(ActiveIds(*r, At(12)).size(), 1u);
  ASSERT_TRUE(r->RestoreSnapshot(v2).ok());
  EXPECT_TRUE(r->campaign_stats().empty());
  EXPECT_FALSE(r->campaigns().state().has_salt);
  EXPECT_EQ(r->profile().total_events(), 1u);
  // A campaign section in a format-2 blob is foreign.
  const std::string forged = EditCampaignSection(e->ExportSnapshot(), [](std::string*) {}, 2);
  EXPECT_EQ(r->RestoreSnapshot(forged).code(), absl::StatusCode::kDataLoss);
}

TEST(CampaignStateTest, EraseForgetsOutcomesAndDrawsANewSalt) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->LoadCampaigns(Doc({One("c")})).ok());
  ASSERT_EQ(ActiveIds(*e, At(12)).size(), 1u);
  const uint64_t salt = e->campaigns().state().salt;
  e->Erase();
  EXPECT_TRUE(e->campaign_stats().empty());
  EXPECT_EQ(e->campaigns().all().size(), 1u) << "definitions are shop content";
  ASSERT_EQ(ActiveIds(*e, At(12)).size(), 1u);
  EXPECT_NE(e->campaigns().state().salt, salt);
}

TEST(CampaignStateTest, ExportJsonListsTheOutcomeRows) {
  auto e = ShopEngine();
  ASSERT_TRUE(e->LoadCampaigns(Doc({One("spring")})).ok());
  ASSERT_EQ(ActiveIds(*e, At(12)).size(), 1u);
  EXPECT_THAT(e->ExportJson(kNow), HasSubstr(absl::StrCat(R"("campaigns":[{"campaign":"spring","arm":"treatment","day":)",
                                                          kNow / kDay, R"(,"exposed":1,"converted":0}])")));
}

}  // namespace
}  // namespace hearth
