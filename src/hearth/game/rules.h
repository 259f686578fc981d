// Game rules: the shop's declarative loyalty program, parsed from JSON with
// simdjson on-demand and validated as a whole (all or nothing).
//
// Example:
//   auto rules = hearth::ParseGameRules(R"({
//     "currencies": [{"id": "points", "expiresAfterDays": 365}, {"id": "stars"}],
//     "dailyCaps": {"points": 500},
//     "earn": [{"id": "buy", "event": "purchase", "perUnit": 1, "currency": "points",
//               "when": {"field": "category", "prefix": "shoes"}, "dailyCap": 200}],
//     "streak": {"period": "day", "events": ["view", "purchase"], "graceHours": 3,
//                "freezes": {"max": 2, "earnEvery": 7}},
//     "stampCards": [{"id": "coffee", "name": "Coffee card", "event": "purchase", "required": 8,
//                     "reward": {"mystery": "box"}}],
//     "tiers": {"currency": "points", "windowDays": 365, "downgradeGraceDays": 30,
//               "levels": [{"id": "member", "name": "Member", "threshold": 0},
//                          {"id": "gold", "name": "Gold", "threshold": 1000, "benefits": ["Free shipping"]}]},
//     "badges": [{"id": "first", "name": "First order", "set": "starter", "event": "purchase"}],
//     "sets": [{"id": "starter", "name": "Starter set", "reward": {"currency": "stars", "amount": 1}}],
//     "challenges": [{"id": "nov", "name": "Three in November", "event": "purchase", "goal": 3,
//                     "starts": "2026-11-01", "ends": "2026-12-01", "reward": {"currency": "points", "amount": 300}}],
//     "mystery": [{"id": "box", "name": "Mystery box", "prizes": [
//        {"id": "p50", "label": "50 points", "weight": 90, "reward": {"currency": "points", "amount": 50}},
//        {"id": "coupon", "label": "$5 voucher", "weight": 10, "valueCents": 500, "budget": 3}]}]
//   })");
//
// Everything is bounded (kMaxGameRules rules in all, kMaxExprDepth, amounts
// up to kMaxAmount, ...). Unknown fields, negative or fractional amounts,
// references to undefined ids and reference cycles (a set whose reward
// completes another set that rewards the first; a mystery prize that yields
// a box that can yield the first) are INVALID_ARGUMENT errors naming the
// rule and field. Mystery boxes are free only: a price or cost is rejected.
#ifndef HEARTH_GAME_RULES_H_
#define HEARTH_GAME_RULES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hearth/game/expr.h"

namespace hearth {

inline constexpr size_t kMaxGameRules = 1000;           // earn + cards + badges + challenges + boxes + sets
inline constexpr size_t kMaxGameRulesBytes = 1u << 20;  // 1 MiB of JSON
inline constexpr size_t kMaxExprNodesTotal = 20000;
inline constexpr size_t kMaxCurrencies = 8;
inline constexpr size_t kMaxPrizes = 32;
inline constexpr size_t kMaxTiers = 16;
inline constexpr size_t kMaxBenefits = 16;
inline constexpr size_t kMaxRuleIdBytes = 64;
inline constexpr size_t kMaxLabelBytes = 200;
inline constexpr int64_t kMaxAmount = 1'000'000;
inline constexpr int64_t kMaxCap = 1'000'000'000;
inline constexpr int64_t kMaxWeight = 1'000'000'000;

// What a rule grants: an amount of a currency, a mystery box, a badge, or a
// claim with money value that the host's server must confirm.
struct Reward {
  enum class Kind : uint8_t { kNone, kCurrency, kMystery, kBadge, kClaim } kind = Kind::kNone;
  int currency = -1;  // index into GameRules::currencies
  int64_t amount = 0;
  int target = -1;    // mystery or badge index
  std::string label;  // claims
  int64_t value_cents = 0;
  std::string ref;    // the currency / mystery / badge id as written, resolved after parsing
};

struct Currency {
  std::string id;
  int64_t expires_after_ms = 0;  // 0: never
};

// Event type + condition: the part every counting rule shares.
struct Trigger {
  std::vector<std::string> events;  // event types; empty: any
  int32_t when = -1;                // ExprPool node, -1: always
};

struct EarnRule {
  std::string id, label;
  Trigger trigger;
  Reward reward;         // kCurrency: `amount` per event (or per unit below); or a box / badge
  int64_t per_unit = 0;  // when > 0: this many per whole unit of the purchase amount
  int64_t daily_cap = 0; // 0: none (currency rewards only)
};

struct StampCard {
  std::string id, name;
  Trigger trigger;
  int64_t required = 0;
  Reward reward;
};

struct Tier {
  std::string id, name;
  int64_t threshold = 0;
  std::vector<std::string> benefits;
};

struct TierRules {
  int currency = -1;          // -1: no tiers
  std::string currency_id;
  int64_t window_ms = 0;
  int64_t downgrade_grace_ms = 0;
  bool never_downgrade = false;
  std::vector<Tier> levels;   // ascending thresholds, the first is 0
};

struct Badge {
  std::string id, name, description;
  int set = -1;
  std::string set_ref;  // as written, resolved after parsing
  Trigger trigger;
  bool by_event = false;  // false: only granted as a reward
  int64_t count = 1;      // qualifying events needed
};

struct BadgeSet {
  std::string id, name;
  Reward reward;
};

struct Challenge {
  std::string id, name, description;
  Trigger trigger;
  int64_t goal = 0;
  bool sum_amount = false;  // progress counts purchase amount (whole units), not events
  int64_t starts_ms = 0, ends_ms = 0;
  Reward reward;
};

struct Prize {
  std::string id, label;
  int64_t weight = 0;
  int64_t budget = -1;  // -1: unlimited
  Reward reward;        // kClaim when it has money value
};

struct MysteryBox {
  std::string id, name;
  std::vector<Prize> prizes;
};

struct StreakRules {
  bool enabled = false;
  bool weekly = false;
  Trigger trigger;
  int64_t grace_ms = 0;
  int64_t freezes_max = 0;
  int64_t freeze_every = 0;  // a freeze earned every N periods of a streak
  struct Milestone {
    int64_t at = 0;
    Reward reward;
  };
  std::vector<Milestone> milestones;
};

struct GameRules {
  std::vector<Currency> currencies;
  std::vector<int64_t> daily_caps;  // per currency, 0: none
  std::vector<EarnRule> earn;
  StreakRules streak;
  std::vector<StampCard> cards;
  TierRules tiers;
  std::vector<Badge> badges;
  std::vector<BadgeSet> sets;
  std::vector<Challenge> challenges;
  std::vector<MysteryBox> mystery;
  ExprPool exprs;

  size_t rule_count() const {
    return earn.size() + cards.size() + badges.size() + sets.size() + challenges.size() + mystery.size() +
           (streak.enabled ? 1 : 0) + (tiers.currency >= 0 ? 1 : 0);
  }
  int FindCurrency(std::string_view id) const;
  bool Matches(const Trigger& t, const EventFacts& facts) const;
};

// Parses and validates a whole rule set. INVALID_ARGUMENT (or
// RESOURCE_EXHAUSTED for size limits) names the rule and field to fix.
absl::StatusOr<std::unique_ptr<GameRules>> ParseGameRules(std::string_view json);

}  // namespace hearth

#endif  // HEARTH_GAME_RULES_H_
