#include "hearth/game/game.h"

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hearth/engine/engine.h"
#include "hearth/common/hash.h"
#include "hearth/snapshot/snapshot.h"
#include "tests/cpp/engine/test_catalog.h"

namespace hearth {
namespace {

using ::hearth::testing::kDay;
using ::hearth::testing::kNow;
using ::testing::HasSubstr;

constexpr int64_t kHour = 3'600'000;
// 2026-10-26 00:00 UTC: a Monday. kNow is 2026-10-27 (mid-day-ish UTC).
constexpr int64_t kMidnight = kNow / kDay * kDay;

struct Ev {
  std::string type = "purchase";
  std::string key;
  int64_t ts = kNow;
  int32_t tz = 0;
  std::string item = "sku";
  std::string category = "shoes/trail";
  double price = 60;
  double amount = 60;
};

GameEvent Make(const Ev& e, std::vector<std::string>* tags_storage = nullptr) {
  GameEvent g;
  g.type = e.type;
  g.key = e.key;
  g.ts_ms = e.ts;
  g.tz_offset_min = e.tz;
  g.item = e.item;
  g.category = e.category;
  if (tags_storage) g.tags = *tags_storage;
  g.price = e.price;
  g.amount = e.type == "purchase" ? e.amount : 0;
  g.segment = "new";
  return g;
}

std::vector<std::string> Kinds(const std::vector<RewardEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.emplace_back(RewardKindName(e.kind));
  return out;
}

int64_t Balance(const Game& g, std::string_view currency) {
  return g.ledger().Balance(g.ledger().Find(currency));
}

Game Loaded(std::string_view rules) {
  Game g;
  auto n = g.Load(rules);
  EXPECT_TRUE(n.ok()) << n.status();
  return g;
}

// ---- rules validation ------------------------------------------------------

constexpr char kBasic[] = R"({
  "currencies": [{"id": "points", "expiresAfterDays": 30}, {"id": "stars"}],
  "dailyCaps": {"points": 100},
  "earn": [
    {"id": "shoes", "label": "Shoes bought", "event": "purchase",
     "when": {"all": [{"field": "price", "gte": 50}, {"field": "category", "prefix": "shoes"}]},
     "reward": {"currency": "points", "amount": 30}, "dailyCap": 60},
    {"id": "spend", "event": "purchase", "reward": {"currency": "stars", "perUnit": 1}},
    {"id": "looks", "event": "view", "reward": {"currency": "points", "amount": 1}}
  ]
})";

TEST(GameRulesTest, LoadsAValidRuleSetAndCountsItsRules) {
  Game g;
  auto n = g.Load(kBasic);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 3u);
}

struct BadRules {
  const char* name;
  const char* json;
  absl::StatusCode code;
  const char* mentions;
};

constexpr BadRules kBadRules[] = {
    {"unknown top-level field", R"({"earn": [], "bonus": 1})", absl::StatusCode::kInvalidArgument, "bonus"},
    {"unknown rule field", R"({"earn": [{"id": "a", "event": "view", "reward": {"currency": "points", "amount": 1}, "x": 1}]})",
     absl::StatusCode::kInvalidArgument, "earn[0].x"},
    {"negative amount", R"({"earn": [{"id": "a", "event": "view", "reward": {"currency": "points", "amount": -5}}]})",
     absl::StatusCode::kInvalidArgument, "earn[0].reward.amount"},
    {"fractional amount", R"({"earn": [{"id": "a", "event": "view", "reward": {"currency": "points", "amount": 1.5}}]})",
     absl::StatusCode::kInvalidArgument, "whole number"},
    {"huge amount", R"({"earn": [{"id": "a", "event": "view", "reward": {"currency": "points", "amount": 1e300}}]})",
     absl::StatusCode::kInvalidArgument, "between 1 and 1000000"},
    {"huge cap", R"({"dailyCaps": {"points": 1e19}})", absl::StatusCode::kInvalidArgument, "dailyCaps.points"},
    {"unknown currency", R"({"earn": [{"id": "a", "event": "view", "reward": {"currency": "gold", "amount": 1}}]})",
     absl::StatusCode::kInvalidArgument, "unknown currency 'gold'"},
    {"unknown event type", R"({"earn": [{"id": "a", "event": "teleport", "reward": {"currency": "points", "amount": 1}}]})",
     absl::StatusCode::kInvalidArgument, "teleport"},
    {"duplicate id", R"({"earn": [{"id": "a", "event": "view", "reward": {"currency": "points", "amount": 1}},
                                  {"id": "a", "event": "view", "reward": {"currency": "points", "amount": 1}}]})",
     absl::StatusCode::kInvalidArgument, "used by two"},
    {"unknown expression field", R"({"earn": [{"id": "a", "event": "view", "when": {"field": "colour", "eq": "red"},
                                              "reward": {"currency": "points", "amount": 1}}]})",
     absl::StatusCode::kInvalidArgument, "colour"},
    {"two operators in one leaf", R"({"earn": [{"id": "a", "event": "view", "when": {"field": "price", "gt": 1, "lt": 9},
                                              "reward": {"currency": "points", "amount": 1}}]})",
     absl::StatusCode::kInvalidArgument, "more than one operator"},
    {"string compared with gt", R"({"earn": [{"id": "a", "event": "view", "when": {"field": "price", "gt": "cheap"},
                                             "reward": {"currency": "points", "amount": 1}}]})",
     absl::StatusCode::kInvalidArgument, "not a number"},
    {"mystery with a price", R"({"mystery": [{"id": "m", "price": 100, "prizes": [{"id": "p", "label": "P", "weight": 1,
                                              "reward": {"currency": "points", "amount": 1}}]}]})",
     absl::StatusCode::kInvalidArgument, "free only"},
    {"set cycle", R"({"badges": [{"id": "a", "set": "s1"}, {"id": "b", "set": "s2"}],
                      "sets": [{"id": "s1", "reward": {"badge": "b"}}, {"id": "s2", "reward": {"badge": "a"}}]})",
     absl::StatusCode::kInvalidArgument, "cycle"},
    {"mystery cycle", R"({"mystery": [
        {"id": "m1", "prizes": [{"id": "p", "label": "P", "weight": 1, "reward": {"mystery": "m2"}}]},
        {"id": "m2", "prizes": [{"id": "q", "label": "Q", "weight": 1, "reward": {"mystery": "m1"}}]}]})",
     absl::StatusCode::kInvalidArgument, "cycle"},
    {"tier thresholds out of order", R"({"tiers": {"currency": "points", "windowDays": 30, "levels": [
        {"id": "a", "threshold": 0}, {"id": "b", "threshold": 500}, {"id": "c", "threshold": 100}]}})",
     absl::StatusCode::kInvalidArgument, "levels[2].threshold"},
    {"challenge ending before it starts", R"({"challenges": [{"id": "c", "event": "purchase", "goal": 2,
        "starts": "2026-12-01", "ends": "2026-11-01", "reward": {"currency": "points", "amount": 5}}]})",
     absl::StatusCode::kInvalidArgument, "after starts"},
    {"claim from an earn rule", R"({"earn": [{"id": "a", "event": "view", "reward": {"label": "Cash", "valueCents": 500}}]})",
     absl::StatusCode::kInvalidArgument, "money claim"},
    // Found by fuzz/game_fuzz.cc: a rejected number was still scaled to ms
    // (uninitialized read, signed overflow under UBSan).
    {"expiry that is not a number", R"({"currencies": [{"id": "points", "expiresAfterDays": "currency"}]})",
     absl::StatusCode::kInvalidArgument, "currencies[0].expiresAfterDays"},
    {"huge expiry", R"({"currencies": [{"id": "points", "expiresAfterDays": 1e300}]})",
     absl::StatusCode::kInvalidArgument, "currencies[0].expiresAfterDays"},
    {"grace that is not a number", R"({"streak": {"period": "day", "events": ["view"], "graceHours": "x"}})",
     absl::StatusCode::kInvalidArgument, "streak"},
    {"huge grace", R"({"streak": {"period": "day", "events": ["view"], "graceHours": 1e30}})",
     absl::StatusCode::kInvalidArgument, "between 0 and 48"},
    {"not json", R"({"earn": [)", absl::StatusCode::kInvalidArgument, "rules"},
    {"not an object", R"([1, 2])", absl::StatusCode::kInvalidArgument, "object"},
};

TEST(GameRulesTest, HostileRulesAreCodedErrorsAndThePriorRulesStay) {
  for (const BadRules& c : kBadRules) {
    SCOPED_TRACE(c.name);
    Game g = Loaded(kBasic);
    auto r = g.Load(c.json);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code) << r.status();
    EXPECT_THAT(r.status().message(), HasSubstr(c.mentions));
    EXPECT_THAT(r.status().message(), HasSubstr("no rules were changed"));
    ASSERT_NE(g.rules(), nullptr);
    EXPECT_EQ(g.rules()->earn.size(), 3u);  // the prior rules
  }
}

TEST(GameRulesTest, DeepExpressionsAreRejected) {
  std::string deep = R"({"field": "price", "gt": 1})";
  for (int i = 0; i < 12; ++i) deep = absl::StrCat(R"({"not": )", deep, "}");
  const std::string json = absl::StrCat(R"({"earn": [{"id": "a", "event": "view", "when": )", deep,
                                        R"(, "reward": {"currency": "points", "amount": 1}}]})");
  Game g = Loaded(kBasic);
  auto r = g.Load(json);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("nested deeper than 8"));
  // A million levels must not overflow the stack either (simdjson's own
  // depth limit or ours stops it).
  std::string very(200'000, '[');
  EXPECT_FALSE(g.Load(absl::StrCat(R"({"earn": [{"id": "a", "event": "view", "when": )", very, "}]}")).ok());
  EXPECT_EQ(g.rules()->earn.size(), 3u);
}

TEST(GameRulesTest, TooManyRulesIsResourceExhausted) {
  std::string json = R"({"earn": [)";
  for (int i = 0; i < 100'000; ++i)
    absl::StrAppend(&json, i ? "," : "", R"({"id": "r)", i, R"(", "event": "view", "reward": {"currency": "points", "amount": 1}})");
  json += "]}";
  Game g = Loaded(kBasic);
  auto r = g.Load(json);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted) << r.status();
  EXPECT_EQ(g.rules()->earn.size(), 3u);
}

// ---- expressions -----------------------------------------------------------

struct ExprCase {
  const char* when;
  double price;
  const char* category;
  bool match;
};

constexpr ExprCase kExprCases[] = {
    {R"({"field": "price", "gte": 50})", 50, "shoes", true},
    {R"({"field": "price", "gte": 50})", 49.99, "shoes", false},
    {R"({"field": "category", "prefix": "shoes"})", 10, "shoes/trail", true},
    {R"({"field": "category", "prefix": "shoes"})", 10, "shoesies", false},  // whole levels only
    {R"({"field": "category", "eq": "Shoes / Trail"})", 10, "shoes/trail", false},
    {R"({"field": "category", "eq": "SHOES/TRAIL"})", 10, "shoes/trail", true},
    {R"({"any": [{"field": "price", "lt": 5}, {"field": "category", "in": ["tents", "socks"]}]})", 10, "tents", true},
    {R"({"not": {"field": "category", "prefix": "shoes"}})", 10, "shoes/city", false},
    {R"({"all": [{"field": "tags", "has": "waterproof"}, {"field": "hour", "gte": 0}]})", 10, "x", true},
    {R"({"field": "context.channel", "eq": "App"})", 10, "x", true},
    {R"({"field": "context.missing", "eq": "x"})", 10, "x", false},
    {R"({"field": "context.missing", "ne": "x"})", 10, "x", true},
    {R"({"field": "context.store", "gt": 10})", 10, "x", true},
};

TEST(GameExprTest, PredicatesMatchAsWritten) {
  for (const ExprCase& c : kExprCases) {
    SCOPED_TRACE(c.when);
    Game g = Loaded(absl::StrCat(R"({"earn": [{"id": "a", "event": "purchase", "when": )", c.when,
                                 R"(, "reward": {"currency": "points", "amount": 1}}]})"));
    std::vector<std::pair<std::string, ContextValue>> ctx;
    ASSERT_TRUE(ParseEventContext(R"({"channel": "app", "store": 12})", &ctx).ok());
    std::vector<std::string> tags = {"waterproof"};
    Ev ev;
    ev.key = "e1";
    ev.price = c.price;
    ev.category = c.category;
    GameEvent e = Make(ev, &tags);
    e.context = &ctx;
    g.Observe(e, kNow);
    EXPECT_EQ(Balance(g, "points"), c.match ? 1 : 0);
  }
}

TEST(GameExprTest, HostileContextIsRejected) {
  std::vector<std::pair<std::string, ContextValue>> ctx;
  EXPECT_FALSE(ParseEventContext(R"({"a": {"b": 1}})", &ctx).ok());
  EXPECT_FALSE(ParseEventContext(R"([1])", &ctx).ok());
  EXPECT_FALSE(ParseEventContext(R"({"a": 1, "a": 2})", &ctx).ok());
  EXPECT_FALSE(ParseEventContext(std::string(5000, ' '), &ctx).ok());
  EXPECT_TRUE(ParseEventContext(R"({"a": null, "b": true})", &ctx).ok());
  EXPECT_EQ(ctx.size(), 1u);
}

// ---- ledger, caps, idempotency, expiry, refunds -------------------------------

TEST(GameLedgerTest, AReplayedEventNeverPaysTwice) {
  Game g = Loaded(kBasic);
  Ev ev{"purchase", "order-1"};
  EXPECT_TRUE(g.Observe(Make(ev), kNow));
  EXPECT_EQ(Balance(g, "points"), 30);
  EXPECT_EQ(Balance(g, "stars"), 60);
  g.TakeRewards();
  EXPECT_FALSE(g.Observe(Make(ev), kNow));
  EXPECT_EQ(Balance(g, "points"), 30);
  EXPECT_EQ(Balance(g, "stars"), 60);
  EXPECT_TRUE(g.TakeRewards().empty());
}

TEST(GameLedgerTest, ReplayingTheWholeLogTwiceGivesTheSameLedger) {
  std::vector<Ev> log;
  for (int i = 0; i < 40; ++i)
    log.push_back(Ev{i % 3 ? "view" : "purchase", absl::StrCat("e", i), kNow - (40 - i) * 5 * kHour, 60});
  auto run = [&](int times) {
    Game g = Loaded(kBasic);
    for (int t = 0; t < times; ++t)
      for (const Ev& e : log) g.Observe(Make(e), kNow);
    std::vector<std::tuple<uint64_t, int64_t, int64_t>> rows;
    for (const PointsEntry& e : g.ledger().entries()) rows.emplace_back(e.id, e.amount, e.ts_ms);
    return std::make_tuple(rows, Balance(g, "points"), Balance(g, "stars"));
  };
  const auto once = run(1);
  EXPECT_EQ(once, run(2));
  EXPECT_EQ(once, run(3));
  EXPECT_GT(std::get<1>(once), 0);
}

struct CapCase {
  const char* name;
  int purchases;   // shoes at 60, same local day
  int views;
  int64_t points;  // shoes rule capped at 60/day, points capped at 100/day in total
};

constexpr CapCase kCapCases[] = {
    {"one purchase", 1, 0, 30},
    {"rule cap reached", 3, 0, 60},
    {"global cap clips views", 3, 50, 100},
    {"views alone under the cap", 0, 50, 50},
};

TEST(GameLedgerTest, PerRuleAndGlobalDailyCaps) {
  for (const CapCase& c : kCapCases) {
    SCOPED_TRACE(c.name);
    Game g = Loaded(kBasic);
    for (int i = 0; i < c.purchases; ++i) g.Observe(Make(Ev{"purchase", absl::StrCat("p", i), kMidnight + kHour}), kNow);
    for (int i = 0; i < c.views; ++i) g.Observe(Make(Ev{"view", absl::StrCat("v", i), kMidnight + 2 * kHour}), kNow);
    EXPECT_EQ(Balance(g, "points"), c.points);
  }
}

TEST(GameLedgerTest, CapsResetAtTheUsersMidnightNotUtcs) {
  Game g = Loaded(kBasic);
  // UTC-5: 23:00 local on the 26th and 01:00 local on the 27th are different days.
  const int32_t tz = -300;
  const int64_t late = kMidnight + 4 * kHour;   // 23:00 local
  const int64_t early = kMidnight + 6 * kHour;  // 01:00 local next day
  for (int i = 0; i < 3; ++i) g.Observe(Make(Ev{"purchase", absl::StrCat("a", i), late, tz}), kNow);
  EXPECT_EQ(Balance(g, "points"), 60);
  for (int i = 0; i < 3; ++i) g.Observe(Make(Ev{"purchase", absl::StrCat("b", i), early, tz}), kNow);
  EXPECT_EQ(Balance(g, "points"), 120);
  // The same two times in UTC+0 are one day: still capped at 60 for the rule.
  Game utc = Loaded(kBasic);
  for (int i = 0; i < 3; ++i) utc.Observe(Make(Ev{"purchase", absl::StrCat("a", i), late, 0}), kNow);
  for (int i = 0; i < 3; ++i) utc.Observe(Make(Ev{"purchase", absl::StrCat("b", i), early, 0}), kNow);
  EXPECT_EQ(Balance(utc, "points"), 60);
}

TEST(GameLedgerTest, PointsExpireByLotOldestFirst) {
  Game g = Loaded(kBasic);
  g.Observe(Make(Ev{"purchase", "old", kNow - 20 * kDay}), kNow - 20 * kDay);  // expires ~day 10 from now
  g.Observe(Make(Ev{"purchase", "new", kNow}), kNow);                          // expires ~day 30
  EXPECT_EQ(Balance(g, "points"), 60);
  ASSERT_TRUE(g.Spend("voucher-1", "points", 20, kNow, "Voucher").ok());  // from the oldest lot
  g.TakeRewards();
  EXPECT_TRUE(g.Advance(kNow + 11 * kDay, 0));
  EXPECT_EQ(Balance(g, "points"), 30);  // only the old lot's 10 left expired
  auto ev = g.TakeRewards();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, RewardKind::kExpired);
  EXPECT_EQ(ev[0].amount, 10);
  EXPECT_FALSE(g.Advance(kNow + 12 * kDay, 0));
  EXPECT_TRUE(g.Advance(kNow + 31 * kDay, 0));
  EXPECT_EQ(Balance(g, "points"), 0);
  EXPECT_EQ(Balance(g, "stars"), 120);  // stars never expire
}

TEST(GameLedgerTest, SpendingMoreThanTheBalanceFailsAndChangesNothing) {
  Game g = Loaded(kBasic);
  g.Observe(Make(Ev{"purchase", "o1"}), kNow);
  auto s = g.Spend("v", "points", 31, kNow, "Voucher");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Balance(g, "points"), 30);
  EXPECT_TRUE(g.Spend("v", "points", 30, kNow, "Voucher").ok());
  EXPECT_TRUE(g.Spend("v", "points", 30, kNow, "Voucher").ok());  // same id: once
  EXPECT_EQ(Balance(g, "points"), 0);
}

TEST(GameLedgerTest, ARefundReversesExactlyThatEventsAwardsOnce) {
  Game g = Loaded(kBasic);
  g.Observe(Make(Ev{"purchase", "o1"}), kNow);
  g.Observe(Make(Ev{"purchase", "o2", kNow, 0, "sku", "tents", 20, 20}), kNow);
  EXPECT_EQ(Balance(g, "points"), 30);
  EXPECT_EQ(Balance(g, "stars"), 80);
  g.TakeRewards();
  ASSERT_TRUE(g.Refund("o1", kNow + kHour).ok());
  EXPECT_EQ(Balance(g, "points"), 0);
  EXPECT_EQ(Balance(g, "stars"), 20);
  EXPECT_THAT(Kinds(g.TakeRewards()), ::testing::ElementsAre("refund", "refund"));
  ASSERT_TRUE(g.Refund("o1", kNow + kHour).ok());  // twice: no change
  EXPECT_EQ(Balance(g, "stars"), 20);
  EXPECT_TRUE(g.TakeRewards().empty());
  // Replaying the refunded order does not pay again either.
  g.Observe(Make(Ev{"purchase", "o1"}), kNow);
  EXPECT_EQ(Balance(g, "points"), 0);
  EXPECT_EQ(g.Refund("never", kNow).code(), absl::StatusCode::kNotFound);
}

TEST(GameLedgerTest, ARefundAfterSpendingNeverGoesNegative) {
  Game g = Loaded(kBasic);
  g.Observe(Make(Ev{"purchase", "o1"}), kNow);
  ASSERT_TRUE(g.Spend("s", "points", 25, kNow, "Voucher").ok());
  ASSERT_TRUE(g.Refund("o1", kNow).ok());
  EXPECT_EQ(Balance(g, "points"), 0);
}

// ---- streaks ---------------------------------------------------------------------

constexpr char kStreakRules[] = R"({
  "streak": {"period": "day", "events": ["view", "purchase"], "graceHours": 2,
             "freezes": {"max": 1, "earnEvery": 3},
             "milestones": [{"at": 3, "reward": {"currency": "points", "amount": 50}}]}
})";

struct StreakCase {
  const char* name;
  std::vector<std::pair<int64_t, int32_t>> visits;  // (utc ms, tz minutes)
  int64_t current, longest;
  const char* status;  // seen at the last visit
};

// kMidnight is Monday 2026-10-26 00:00 UTC. Europe/Paris left summer time on
// Sunday 2026-10-25 at 01:00 UTC (+120 before, +60 after).
const StreakCase kStreakCases[] = {
    {"same day twice", {{kMidnight + kHour, 0}, {kMidnight + 20 * kHour, 0}}, 1, 1, "active"},
    {"across UTC midnight", {{kMidnight - kHour, 0}, {kMidnight + kHour, 0}}, 2, 2, "active"},
    {"across UTC midnight but one local day (UTC+2)", {{kMidnight - kHour, 120}, {kMidnight + kHour, 120}}, 1, 1, "active"},
    {"local midnight in UTC-8", {{kMidnight + 7 * kHour, -480}, {kMidnight + 9 * kHour, -480}}, 2, 2, "active"},
    {"a missed day inside the grace period still counts",
     {{kMidnight + 12 * kHour, 0}, {kMidnight + kDay + 12 * kHour, 0}, {kMidnight + 3 * kDay + kHour, 0}}, 3, 3,
     "at_risk"},  // it counted for yesterday: today still needs a visit
    {"a missed day after grace uses a freeze (earned at 3)",
     {{kMidnight, 0}, {kMidnight + kDay, 0}, {kMidnight + 2 * kDay, 0}, {kMidnight + 4 * kDay + 5 * kHour, 0}}, 4, 4,
     "active"},
    {"two missed days without freezes start over",
     {{kMidnight, 0}, {kMidnight + kDay, 0}, {kMidnight + 4 * kDay + 5 * kHour, 0}}, 1, 2, "active"},
    // Sat 24 23:30 (+120) then Sun 25 23:30 (+60): 25 hours apart, consecutive local days.
    {"DST ends between two evenings", {{kMidnight - 2 * kDay + 21 * kHour + kHour / 2, 120},
                                       {kMidnight - kDay + 22 * kHour + kHour / 2, 60}}, 2, 2, "active"},
    // Spring-forward style: 23:30 at +60, then 00:10 next day at +120 is 20 minutes EARLIER in UTC.
    {"offset grows: the next local day comes first in UTC", {{kMidnight + 22 * kHour + kHour / 2, 60},
                                                              {kMidnight + 22 * kHour + kHour / 6, 120}}, 2, 2, "active"},
    {"Sat 23:30 and Sun 00:30 local across the DST switch night",
     {{kMidnight - 2 * kDay + 21 * kHour + kHour / 2, 120}, {kMidnight - 2 * kDay + 22 * kHour + kHour / 2, 120}}, 2, 2,
     "active"},
};

TEST(GameStreakTest, DaysAreTheUsersDays) {
  for (const StreakCase& c : kStreakCases) {
    SCOPED_TRACE(c.name);
    Game g = Loaded(kStreakRules);
    int i = 0;
    for (const auto& [ts, tz] : c.visits) g.Observe(Make(Ev{"view", absl::StrCat("v", i++), ts, tz}), ts);
    const auto& [last_ts, last_tz] = c.visits.back();
    GameView v = g.View(last_ts, last_tz);
    ASSERT_TRUE(v.streak.has_value());
    EXPECT_EQ(v.streak->current, c.current);
    EXPECT_EQ(v.streak->longest, c.longest);
    EXPECT_EQ(v.streak->status, c.status);
  }
}

TEST(GameStreakTest, StatusAndMessagesSayWhatToDoNext) {
  Game g = Loaded(kStreakRules);
  GameView v = g.View(kNow, 0);
  EXPECT_EQ(v.streak->status, "none");
  EXPECT_EQ(v.streak->message, "Visit today to start a streak");
  g.Observe(Make(Ev{"view", "a", kMidnight + kHour}), kMidnight + kHour);
  g.Observe(Make(Ev{"view", "b", kMidnight + kDay + kHour}), kMidnight + kDay + kHour);
  v = g.View(kMidnight + kDay + 2 * kHour, 0);
  EXPECT_EQ(v.streak->status, "active");
  EXPECT_EQ(v.streak->message, "Visit tomorrow to keep your 2-day streak");
  EXPECT_EQ(v.streak->next_deadline_ms, kMidnight + 3 * kDay + 2 * kHour);  // end of tomorrow + grace
  v = g.View(kMidnight + 2 * kDay + 5 * kHour, 0);
  EXPECT_EQ(v.streak->status, "at_risk");
  EXPECT_EQ(v.streak->message, "Visit today to keep your 2-day streak");
  v = g.View(kMidnight + 5 * kDay, 0);
  EXPECT_EQ(v.streak->status, "broken");
  EXPECT_EQ(v.streak->current, 0);
  EXPECT_EQ(v.streak->longest, 2);
  EXPECT_EQ(v.streak->message, "Visit today to start a new streak. Your best is 2 days");
  // Never shaming: no lost / failed / broke in any user-facing text.
  g.TakeRewards();
  g.Observe(Make(Ev{"view", "c", kMidnight + 5 * kDay}), kMidnight + 5 * kDay);
  for (const RewardEvent& e : g.TakeRewards()) {
    EXPECT_THAT(e.message, ::testing::Not(HasSubstr("lost")));
    EXPECT_THAT(e.message, ::testing::Not(HasSubstr("fail")));
    EXPECT_THAT(e.message, ::testing::Not(HasSubstr("broke")));
  }
}

TEST(GameStreakTest, MilestoneRewardsPayOncePerRunAndFreezesAreEarned) {
  Game g = Loaded(kStreakRules);
  for (int d = 0; d < 3; ++d) g.Observe(Make(Ev{"view", absl::StrCat("d", d), kMidnight + d * kDay}), kMidnight + d * kDay);
  EXPECT_EQ(Balance(g, "points"), 50);
  GameView v = g.View(kMidnight + 2 * kDay, 0);
  EXPECT_EQ(v.streak->freezes, 1);
  auto kinds = Kinds(g.TakeRewards());
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "streak"), 3);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "points"), 1);
}

TEST(GameStreakTest, WeeklyStreaksUseMondayWeeksInTheUsersZone) {
  Game g = Loaded(R"({"streak": {"period": "week", "events": "purchase"}})");
  // Sunday 23:00 local (UTC+1) then Monday 00:30 local: two weeks.
  const int64_t sunday_2300_local = kMidnight - 2 * kHour;  // kMidnight is a Monday; 23:00 Sunday at +60
  g.Observe(Make(Ev{"purchase", "a", sunday_2300_local, 60}), sunday_2300_local);
  g.Observe(Make(Ev{"purchase", "b", sunday_2300_local + kHour + kHour / 2, 60}), sunday_2300_local + 2 * kHour);
  GameView v = g.View(sunday_2300_local + 2 * kHour, 60);
  EXPECT_EQ(v.streak->current, 2);
  EXPECT_EQ(v.streak->message, "Visit next week to keep your 2-week streak");
}

// ---- stamp cards, tiers, badges, challenges ------------------------------------

constexpr char kLoyalty[] = R"({
  "currencies": [{"id": "points"}],
  "earn": [{"id": "buy", "event": "purchase", "reward": {"currency": "points", "perUnit": 1}}],
  "stampCards": [{"id": "coffee", "name": "Coffee card", "event": "purchase",
                  "when": {"field": "category", "prefix": "shoes"}, "required": 3,
                  "reward": {"label": "Free coffee", "valueCents": 350}}],
  "tiers": {"currency": "points", "windowDays": 30, "downgradeGraceDays": 7, "levels": [
    {"id": "member", "name": "Member", "threshold": 0},
    {"id": "silver", "name": "Silver", "threshold": 100, "benefits": ["Free returns"]},
    {"id": "gold", "name": "Gold", "threshold": 300, "benefits": ["Free returns", "Early access"]}]},
  "badges": [{"id": "first", "name": "First order", "set": "starter", "event": "purchase"},
             {"id": "trail", "name": "Trail blazer", "set": "starter", "event": "view",
              "when": {"field": "category", "prefix": "shoes/trail"}, "count": 2}],
  "sets": [{"id": "starter", "name": "Starter set", "reward": {"mystery": "box"}}],
  "challenges": [{"id": "nov", "name": "Three in November", "event": "purchase", "goal": 3,
                  "starts": "2026-11-01", "ends": "2026-12-01", "reward": {"currency": "points", "amount": 25}}],
  "mystery": [{"id": "box", "name": "Mystery box", "prizes": [
    {"id": "p10", "label": "10 points", "weight": 3, "reward": {"currency": "points", "amount": 10}},
    {"id": "voucher", "label": "$5 voucher", "weight": 1, "valueCents": 500, "budget": 1}]}]
})";

TEST(GameLoyaltyTest, StampCardsFillAndResetWithAClaimNeedingTheServer) {
  Game g = Loaded(kLoyalty);
  for (int i = 0; i < 4; ++i) g.Observe(Make(Ev{"purchase", absl::StrCat("o", i), kNow, 0, "sku", "shoes/trail", 10, 10}), kNow);
  GameView v = g.View(kNow, 0);
  ASSERT_EQ(v.cards.size(), 1u);
  EXPECT_EQ(v.cards[0].stamps, 1);
  EXPECT_EQ(v.cards[0].completed, 1);
  ASSERT_EQ(v.claims.size(), 1u);
  EXPECT_EQ(v.claims[0].value_cents, 350);
  EXPECT_EQ(v.claims[0].label, "Free coffee");
  auto kinds = Kinds(g.TakeRewards());
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "stamp"), 4);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "stamp_card_complete"), 1);
}

struct TierStep {
  int64_t day;        // days after kNow
  int64_t purchase;   // amount bought (points), 0: none
  const char* tier;   // after the step
};

TEST(GameLoyaltyTest, TiersGoUpAtOnceAndDownAfterTheGracePeriod) {
  const TierStep steps[] = {
      {0, 50, "member"}, {1, 60, "silver"}, {20, 250, "gold"},
      {31, 0, "gold"},    // the first 110 left the window (250 < 300): grace starts
      {37, 0, "gold"},    // still inside 7 days of grace
      {38, 0, "silver"},  // downgraded one step to where the points are
      {40, 100, "gold"},  // 350 in the window again
  };
  Game g = Loaded(kLoyalty);
  int i = 0;
  for (const TierStep& s : steps) {
    SCOPED_TRACE(s.day);
    const int64_t t = kNow + s.day * kDay;
    if (s.purchase > 0)
      g.Observe(Make(Ev{"purchase", absl::StrCat("t", i++), t, 0, "sku", "tents", double(s.purchase), double(s.purchase)}), t);
    else
      g.Advance(t, 0);
    EXPECT_EQ(g.View(t, 0).tier->id, s.tier);
  }
  bool saw_down = false;
  for (const RewardEvent& e : g.TakeRewards())
    if (e.kind == RewardKind::kTier && e.direction == "down") {
      saw_down = true;
      EXPECT_THAT(e.message, HasSubstr("more points to return to Gold"));
    }
  EXPECT_TRUE(saw_down);
}

TEST(GameLoyaltyTest, BadgesCompleteASetWhichGrantsAMysteryBox) {
  Game g = Loaded(kLoyalty);
  g.Observe(Make(Ev{"purchase", "o1", kNow, 0, "sku", "tents", 10, 10}), kNow);
  g.Observe(Make(Ev{"view", "v1", kNow, 0, "sku", "shoes/trail"}), kNow);
  EXPECT_FALSE(g.View(kNow, 0).badges[1].earned);
  EXPECT_EQ(g.View(kNow, 0).badges[1].progress, 1);
  g.Observe(Make(Ev{"view", "v2", kNow, 0, "sku", "shoes/trail"}), kNow);
  GameView v = g.View(kNow, 0);
  EXPECT_TRUE(v.badges[0].earned);
  EXPECT_TRUE(v.badges[1].earned);
  EXPECT_EQ(v.mystery[0].available, 1);
  auto kinds = Kinds(g.TakeRewards());
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "badge"), 3);  // two badges and the set
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "mystery_available"), 1);
}

struct ChallengeCase {
  const char* name;
  int64_t ts;
  int64_t now;
  int64_t progress;
  const char* status;
};

TEST(GameLoyaltyTest, ChallengesCountOnlyInsideTheirWindow) {
  int64_t nov1, dec1;
  ASSERT_TRUE(ParseTimestamp("2026-11-01", &nov1));
  ASSERT_TRUE(ParseTimestamp("2026-12-01", &dec1));
  const ChallengeCase cases[] = {
      {"before the window", nov1 - 1, nov1 - 1, 0, "upcoming"},
      {"first millisecond", nov1, nov1, 1, "active"},
      {"last millisecond", dec1 - 1, dec1 - 1, 1, "active"},
      {"at the end", dec1, dec1, 0, "expired"},
  };
  for (const ChallengeCase& c : cases) {
    SCOPED_TRACE(c.name);
    Game g = Loaded(kLoyalty);
    g.Observe(Make(Ev{"purchase", "o", c.ts, 0, "sku", "tents", 1, 1}), c.now);
    GameView v = g.View(c.now, 0);
    EXPECT_EQ(v.challenges[0].progress, c.progress);
    EXPECT_EQ(v.challenges[0].status, c.status);
  }
  Game g = Loaded(kLoyalty);
  for (int i = 0; i < 3; ++i) g.Observe(Make(Ev{"purchase", absl::StrCat("o", i), nov1 + i, 0, "sku", "tents", 1, 1}), nov1 + 5);
  EXPECT_EQ(g.View(nov1 + 5, 0).challenges[0].status, "completed");
  EXPECT_EQ(Balance(g, "points"), 3 + 25);
  auto kinds = Kinds(g.TakeRewards());
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "challenge_progress"), 2);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "challenge_complete"), 1);
}

// ---- mystery odds ------------------------------------------------------------------

// Chi-square critical values at alpha = 1e-6 for k - 1 degrees of freedom.
double ChiSquareCritical(int dof) {
  static constexpr double kCritical[] = {0, 23.928, 27.631, 30.664, 33.376, 35.888, 38.258};
  return kCritical[dof];
}

double ChiSquare(const std::vector<int64_t>& observed, const std::vector<double>& expected_p, int64_t n) {
  double chi = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    const double e = expected_p[i] * static_cast<double>(n);
    chi += (observed[i] - e) * (observed[i] - e) / e;
  }
  return chi;
}

constexpr char kOddsRules[] = R"({
  "mystery": [{"id": "box", "name": "Box", "prizes": [
    {"id": "a", "label": "A", "weight": 500, "reward": {"currency": "points", "amount": 1}},
    {"id": "b", "label": "B", "weight": 300, "reward": {"currency": "points", "amount": 2}},
    {"id": "c", "label": "C", "weight": 150, "reward": {"currency": "stars", "amount": 1}},
    {"id": "d", "label": "D", "weight": 49, "reward": {"currency": "stars", "amount": 5}},
    {"id": "e", "label": "E", "weight": 1, "reward": {"currency": "stars", "amount": 50}}]}],
  "earn": [{"id": "open", "event": "view", "reward": {"mystery": "box"}}]
})";

// Draws n prizes through OpenMystery and counts them by prize id order.
std::vector<int64_t> Draw(Game* g, int64_t n, Rng* rng, std::vector<double>* shown) {
  GameView v = g->View(kNow, 0);
  for (const auto& o : v.mystery[0].odds) shown->push_back(o.probability);
  std::vector<int64_t> counts(shown->size(), 0);
  // Grant n boxes without n events: one view per box would cost the test its time.
  for (int64_t i = 0; i < n; ++i) {
    g->Observe(Make(Ev{"view", absl::StrCat("v", i)}), kNow);
    auto r = g->OpenMystery("box", kNow, rng);
    EXPECT_TRUE(r.ok());
    counts[r->prize[0] - 'a']++;
    g->TakeRewards();
  }
  return counts;
}

TEST(GameMysteryTest, TheOddsShownAreTheOddsUsed) {
  Game g = Loaded(kOddsRules);
  Rng rng(20261127);
  std::vector<double> shown;
  constexpr int64_t kDraws = 1'000'000;
  const auto counts = Draw(&g, kDraws, &rng, &shown);
  ASSERT_EQ(shown.size(), 5u);
  EXPECT_DOUBLE_EQ(shown[0], 0.5);
  EXPECT_DOUBLE_EQ(shown[4], 0.001);
  const double chi = ChiSquare(counts, shown, kDraws);
  EXPECT_LT(chi, ChiSquareCritical(4)) << "observed counts do not fit the published odds";
}

TEST(GameMysteryTest, TheSameCheckDetectsADeliberatelyWrongTable) {
  Game g = Loaded(kOddsRules);
  Rng rng(7);
  std::vector<double> shown;
  constexpr int64_t kDraws = 1'000'000;
  const auto counts = Draw(&g, kDraws, &rng, &shown);
  // A table that claims 0.2 % for the rarest prize (and 49.9 % for the first).
  std::vector<double> wrong = shown;
  wrong[0] -= 0.001;
  wrong[4] += 0.001;
  EXPECT_GT(ChiSquare(counts, wrong, kDraws), ChiSquareCritical(4)) << "the check cannot tell a 2x error on 0.1 %";
}

TEST(GameMysteryTest, BudgetsRemovePrizesAndTheShownOddsFollow) {
  Game g = Loaded(kLoyalty);
  Rng rng(1);
  int vouchers = 0;
  for (int i = 0; i < 40; ++i) {
    g.Observe(Make(Ev{"view", absl::StrCat("a", i), kNow, 0, "sku", "shoes/trail"}), kNow);
    g.Observe(Make(Ev{"view", absl::StrCat("b", i), kNow, 0, "sku", "shoes/trail"}), kNow);
    g.Observe(Make(Ev{"purchase", absl::StrCat("c", i), kNow, 0, "sku", "tents", 1, 1}), kNow);
  }
  // One set completion only: a box is granted once.
  EXPECT_EQ(g.View(kNow, 0).mystery[0].available, 1);
  auto r = g.OpenMystery("box", kNow, &rng);
  ASSERT_TRUE(r.ok());
  vouchers += r->prize == "voucher";
  EXPECT_EQ(g.OpenMystery("box", kNow, &rng).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(g.OpenMystery("nope", kNow, &rng).status().code(), absl::StatusCode::kNotFound);
  if (vouchers == 1) {
    GameView v = g.View(kNow, 0);
    ASSERT_EQ(v.mystery[0].odds.size(), 1u);  // the voucher's budget of 1 is used
    EXPECT_DOUBLE_EQ(v.mystery[0].odds[0].probability, 1.0);
    ASSERT_EQ(v.claims.size(), 1u);
    EXPECT_EQ(v.claims[0].value_cents, 500);
  }
}

// ---- engine integration ---------------------------------------------------------------

constexpr char kShopRules[] = R"({
  "earn": [{"id": "trail", "label": "Trail gear", "event": "purchase",
            "when": {"all": [{"field": "category", "prefix": "shoes/trail"}, {"field": "context.channel", "eq": "app"}]},
            "reward": {"currency": "points", "amount": 40}}],
  "streak": {"period": "day", "events": ["view", "purchase"]},
  "badges": [{"id": "acme", "name": "Acme fan", "event": "purchase", "when": {"field": "brand", "eq": "acme"}}]
})";

TEST(GameEngineTest, TrackFeedsTheGameWithCatalogFeaturesContextAndTimeZone) {
  auto e = ::hearth::testing::ShopEngine();
  ASSERT_TRUE(e->LoadGame(kShopRules).ok());
  TrackEvent buy{"purchase", "trail-1", "order-1", static_cast<double>(kNow)};
  buy.context_json = R"({"channel": "app"})";
  buy.tz_offset_min = 60;
  ASSERT_TRUE(e->Track(buy, kNow).ok());
  auto rewards = e->TakeRewards();
  EXPECT_THAT(Kinds(rewards), ::testing::UnorderedElementsAre("points", "streak", "badge"));
  EXPECT_EQ(e->game().ledger().Balance(0), 40);
  // Same order again (a retry): recorded as duplicate, no rewards.
  EXPECT_EQ(*e->Track(buy, kNow), TrackOutcome::kDuplicate);
  EXPECT_TRUE(e->TakeRewards().empty());
  // Web channel: no points.
  TrackEvent web{"purchase", "trail-2", "order-2", static_cast<double>(kNow)};
  web.context_json = R"({"channel": "web"})";
  ASSERT_TRUE(e->Track(web, kNow).ok());
  EXPECT_EQ(e->game().ledger().Balance(0), 40);
  // Hostile context and offsets are rejected before anything is recorded.
  TrackEvent bad{"view", "trail-2", "v-bad", static_cast<double>(kNow)};
  bad.context_json = R"({"channel": {"nested": 1}})";
  EXPECT_EQ(e->Track(bad, kNow).status().code(), absl::StatusCode::kInvalidArgument);
  bad.context_json = "";
  bad.tz_offset_min = 10'000;
  EXPECT_EQ(e->Track(bad, kNow).status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(e->RefundEvent("order-1", kNow).ok());
  EXPECT_EQ(e->game().ledger().Balance(0), 0);
}

TEST(GameEngineTest, GamificationDeniedRecordsTheEventButAwardsNothing) {
  auto e = ::hearth::testing::ShopEngine();
  ASSERT_TRUE(e->LoadGame(kShopRules).ok());
  ASSERT_TRUE(e->SetConsent(Purpose::kGamification, ConsentState::kDenied, ConsentSource::kApi, kNow).ok());
  TrackEvent buy{"purchase", "trail-1", "order-1", static_cast<double>(kNow)};
  buy.context_json = R"({"channel": "app"})";
  EXPECT_EQ(*e->Track(buy, kNow), TrackOutcome::kRecorded);
  EXPECT_TRUE(e->TakeRewards().empty());
  EXPECT_EQ(e->game().ledger().Balance(0), 0);
  ASSERT_FALSE(e->privacy().activity().empty());  // the event itself still counts
  EXPECT_EQ(e->privacy().activity().back().rewards, 0u);
  EXPECT_EQ(e->OpenMystery("box", kNow).status().code(), absl::StatusCode::kFailedPrecondition);
  // Granted again: the next order earns.
  ASSERT_TRUE(e->SetConsent(Purpose::kGamification, ConsentState::kGranted, ConsentSource::kApi, kNow).ok());
  TrackEvent again{"purchase", "trail-1", "order-2", static_cast<double>(kNow)};
  again.context_json = R"({"channel": "app"})";
  ASSERT_TRUE(e->Track(again, kNow).ok());
  EXPECT_EQ(e->game().ledger().Balance(0), 40);
  EXPECT_THAT(Kinds(e->TakeRewards()), ::testing::UnorderedElementsAre("points", "streak", "badge"));
  // The engagement report counts the three awards.
  EXPECT_EQ(e->privacy().activity().back().rewards, 3u);
}

TEST(GameEngineTest, SnapshotRoundTripKeepsTheGameAndRulesStayContent) {
  auto e = ::hearth::testing::ShopEngine();
  ASSERT_TRUE(e->LoadGame(kShopRules).ok());
  TrackEvent buy{"purchase", "trail-1", "order-1", static_cast<double>(kNow)};
  buy.context_json = R"({"channel": "app"})";
  ASSERT_TRUE(e->Track(buy, kNow).ok());
  const std::string blob = e->ExportSnapshot();
  auto fresh = ::hearth::testing::ShopEngine();
  ASSERT_TRUE(fresh->LoadGame(kShopRules).ok());
  ASSERT_TRUE(fresh->RestoreSnapshot(blob).ok());
  EXPECT_EQ(fresh->ExportSnapshot(), blob);
  auto view = fresh->GameState(kNow, 0);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->balances[0].amount, 40);
  EXPECT_EQ(view->streak->current, 1);
  EXPECT_TRUE(view->badges[0].earned);
  // Idempotency survives the snapshot.
  ASSERT_TRUE(fresh->Track(buy, kNow).ok() || true);
  EXPECT_EQ(fresh->game().ledger().Balance(0), 40);
  EXPECT_THAT(fresh->ExportJson(kNow), HasSubstr(R"("game":{"balances":{"points":40})"));
  fresh->Erase();
  EXPECT_EQ(fresh->game().ledger().currencies(), 0u);
}

TEST(GameEngineTest, ACorruptGameSectionIsDataLossAndChangesNothing) {
  auto e = ::hearth::testing::ShopEngine();
  ASSERT_TRUE(e->LoadGame(kShopRules).ok());
  TrackEvent buy{"purchase", "trail-1", "order-1", static_cast<double>(kNow)};
  buy.context_json = R"({"channel": "app"})";
  ASSERT_TRUE(e->Track(buy, kNow).ok());
  Game game;
  ASSERT_TRUE(game.Load(kShopRules).ok());
  // Damage the game section's first balance (a negative balance) and re-checksum.
  ByteWriter w;
  std::string blob = e->ExportSnapshot();
  // The game section is the last one: its body starts after tag 4 + length.
  ByteWriter body;
  e->game().Encode(&body);
  const size_t at = blob.size() - body.size();
  ASSERT_EQ(blob.substr(at), body.data());
  // currencies count (4) + "points" (4 + 6) then the balance (8).
  for (int i = 0; i < 8; ++i) blob[at + 14 + i] = static_cast<char>(0xff);
  const uint32_t crc = Crc32(std::string_view(blob).substr(kSnapshotHeaderBytes));
  for (int i = 0; i < 4; ++i) blob[12 + i] = static_cast<char>(crc >> (8 * i));
  auto other = ::hearth::testing::ShopEngine();
  const uint64_t before = other->revision();
  auto s = other->RestoreSnapshot(blob);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_THAT(s.message(), HasSubstr("game"));
  EXPECT_EQ(other->revision(), before);
}

}  // namespace
}  // namespace hearth
