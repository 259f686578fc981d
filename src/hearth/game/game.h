// The game: one user's loyalty state (ledger, streak, stamp cards, tier,
// badges, challenges, mystery boxes, claims) driven by the shop's rules.
//
// Example:
//   hearth::Game game;
//   game.Load(rules_json);                       // all or nothing
//   hearth::GameEvent e;                          // built by Engine::Track
//   e.type = "purchase"; e.key = "order-7"; e.ts_ms = now; e.tz_offset_min = 60;
//   game.Observe(e, now);
//   for (const hearth::RewardEvent& r : game.TakeRewards()) ...;  // for the UI
//   hearth::GameView view = game.View(now, 60);
//   auto prize = game.OpenMystery("box", now, 60, &rng);
//
// Every state change appends RewardEvents (kind points, stamp, streak, ...)
// that the host drains with TakeRewards(). Awards are idempotent: each is
// keyed by hash(event key, rule), so a replayed or duplicated event never
// pays twice, and Refund(event) reverses exactly what that event earned.
//
// Days and weeks (streaks, daily caps) are the user's: every call that
// needs them takes the UTC offset in minutes (east positive, e.g. +60 for
// Paris in winter), so a DST change is simply the host passing a new offset.
// The rules are shop content (like the catalog) and are not in the snapshot;
// the state is, keyed by rule ids, so reloading rules keeps progress.
#ifndef HEARTH_GAME_GAME_H_
#define HEARTH_GAME_GAME_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hearth/common/bytes.h"
#include "hearth/common/random.h"
#include "hearth/common/text.h"
#include "hearth/game/expr.h"
#include "hearth/game/ledger.h"
#include "hearth/game/rules.h"

namespace hearth {

inline constexpr int32_t kMaxTzOffsetMin = 14 * 60;
inline constexpr size_t kMaxSeenAwards = 200'000;
inline constexpr size_t kMaxRememberedEvents = 5000;
inline constexpr size_t kMaxPendingRewards = 1000;
inline constexpr size_t kMaxClaims = 1000;
inline constexpr size_t kMaxGameHistory = 50;

// An event as the game sees it (Engine::Track fills it in).
struct GameEvent {
  std::string_view type;
  std::string_view key;  // idempotency key: the event id, or type|item|ts
  int64_t ts_ms = 0;
  int32_t tz_offset_min = 0;
  std::string_view item;
  std::string category;               // normalised "shoes/trail"
  std::vector<std::string> tags;      // normalised
  std::string brand;                  // normalised
  double price = -1;
  double amount = 0;
  double quantity = 1;
  bool deal = false;
  std::string_view segment;
  const std::vector<std::pair<std::string, ContextValue>>* context = nullptr;
};

enum class RewardKind : uint8_t {
  kPoints, kStamp, kStampCardComplete, kStreak, kStreakBroken, kTier, kBadge, kChallengeProgress,
  kChallengeComplete, kMysteryAvailable, kMysteryOpened, kRefund, kExpired
};
std::string_view RewardKindName(RewardKind k);

// One thing the UI may celebrate (or, for refunds and expiry, explain).
// Fields that do not apply to a kind are empty / zero.
struct RewardEvent {
  explicit RewardEvent(RewardKind k) : kind(k) {}
  RewardKind kind;
  std::string id;        // rule, card, badge, challenge or box id
  std::string label;     // human words: rule label, card / badge / tier name, prize label
  std::string message;   // a sentence for the UI (streaks, tiers)
  std::string currency;
  int64_t amount = 0;    // points: awarded; refund / expired: taken (positive)
  int64_t balance = 0;   // balance of `currency` after the change
  int64_t count = 0;     // stamps, streak length, progress
  int64_t goal = 0;      // stamps required, challenge goal
  std::string event;     // the source event key, when there is one
  std::string prize;     // mystery_opened
  std::string claim;     // id of a pending claim created by this reward
  int64_t value_cents = 0;
  std::string direction; // tier: up | down
};

struct PendingClaim {
  std::string id, reward, label;
  int64_t value_cents = 0;
  int64_t ts_ms = 0;
};

struct GameView {
  struct Balance { std::string currency; int64_t amount; int64_t expiring; int64_t expires_ms; };
  struct Streak {
    bool weekly = false;
    int64_t current = 0, longest = 0, freezes = 0;
    std::string status = "none";  // active | at_risk | broken | none
    int64_t next_deadline_ms = -1;
    std::string message;
  };
  struct Card { std::string id, name; int64_t stamps, required, completed; };
  struct TierLevel { std::string id, name; int64_t threshold; };
  struct TierView {
    std::string id, name;
    int64_t window_points = 0;
    std::vector<std::string> benefits;
    std::optional<TierLevel> next;
    int64_t remaining = 0;
  };
  struct BadgeView { std::string id, name, description, set; bool earned; int64_t earned_at; int64_t progress, count; };
  struct ChallengeView {
    std::string id, name, description, status;
    int64_t goal, progress, starts_ms, ends_ms;
  };
  struct Odds { std::string prize, label; int64_t weight; double probability; };
  struct Box { std::string id, name; int64_t available; std::vector<Odds> odds; };
  struct HistoryRow { std::string entry, currency, reason, kind; int64_t amount, ts_ms; };

  std::vector<Balance> balances;
  std::vector<PendingClaim> claims;
  std::optional<Streak> streak;
  std::vector<Card> cards;
  std::optional<TierView> tier;
  std::vector<BadgeView> badges;
  std::vector<ChallengeView> challenges;
  std::vector<Box> mystery;
  std::vector<HistoryRow> history;
};

struct MysteryResult {
  std::string box, prize, label, claim;
  int64_t value_cents = 0;
};

class Game {
 public:
  // Replaces the rules; on error the loaded rules stay. Returns the rule count.
  absl::StatusOr<size_t> Load(std::string_view json);
  bool has_rules() const { return rules_ != nullptr; }
  const GameRules* rules() const { return rules_.get(); }

  // Applies one recorded event. Returns true when the state changed.
  bool Observe(const GameEvent& e, int64_t now_ms);
  // Expires lots and applies due tier downgrades. True when anything changed.
  bool Advance(int64_t now_ms, int32_t tz_offset_min);

  // The state for the UI at `now` (does not change anything; call Advance
  // first to settle expiry and downgrades).
  GameView View(int64_t now_ms, int32_t tz_offset_min, size_t history = kMaxGameHistory) const;

  // Opens one available box: FAILED_PRECONDITION when none is available or
  // every prize's budget is used up; NOT_FOUND for an unknown box.
  absl::StatusOr<MysteryResult> OpenMystery(std::string_view box, int64_t now_ms, Rng* rng);
  // Reverses what `event_key` earned. NOT_FOUND when it earned nothing that
  // is still remembered; a second refund of the same event changes nothing.
  absl::Status Refund(std::string_view event_key, int64_t now_ms);
  // Spends from a balance (redeeming points), oldest lots first.
  absl::Status Spend(std::string_view spend_id, std::string_view currency, int64_t amount, int64_t now_ms,
                     std::string_view reason);

  std::vector<RewardEvent> TakeRewards();
  size_t pending_rewards() const { return pending_.size(); }
  // Awards emitted since construction (points, stamps, completed cards,
  // streak days, tier upgrades, badges, completed challenges, mystery boxes;
  // not progress, refunds, expiry or downgrades). Not state, never saved: the
  // difference across a call counts that call's awards even when the reward
  // queue is full and drops its oldest. Feeds the engagement report.
  uint64_t rewards_awarded() const { return awarded_; }
  const Ledger& ledger() const { return ledger_; }

  // Forgets the user's state (keeps the rules).
  void Erase();
  void Encode(ByteWriter* w) const;
  // Decodes into `*this`, which must be fresh; DATA_LOSS on damage.
  absl::Status Decode(ByteReader* r);
  // The user's game data for exportJSON().
  void WriteJson(JsonWriter* j) const;
  // Moves the user state (not the rules) from `other`.
  void TakeStateFrom(Game&& other);

  // Local calendar helpers (exposed for tests).
  static int64_t LocalDay(int64_t ts_ms, int32_t tz_offset_min);
  static int64_t LocalWeek(int64_t ts_ms, int32_t tz_offset_min);  // weeks start on Monday

 private:
  struct StreakState {
    int64_t current = 0, longest = 0, last = INT64_MIN, freezes = 0, run_start = 0;
  };
  struct CardState { int64_t stamps = 0, completed = 0; };
  struct BadgeState { int64_t progress = 0, earned_at = 0; };
  struct ChallengeState { int64_t progress = 0; bool completed = false; };
  struct BoxState { int64_t available = 0, opened = 0; };
  // What one event earned, for refunds.
  struct Award {
    enum class What : uint8_t { kCurrency, kStamp, kBadgeProgress, kChallengeProgress, kBox } what;
    std::string target;  // currency / card / badge / challenge / box id
    int64_t amount = 0;
    int64_t expires_ms = 0;
  };
  struct EventRecord {
    std::vector<Award> awards;
    bool refunded = false;
  };

  bool MarkSeen(uint64_t id);
  void Emit(RewardEvent e);
  // Grants `r`; returns the id of a claim when it creates one.
  std::string Grant(const Reward& r, uint64_t id, int64_t ts, std::string_view reason, std::string_view event_key,
                    EventRecord* rec);
  void EarnBadge(int badge, int64_t ts, uint64_t id, std::string_view event_key, EventRecord* rec);
  void ObserveStreak(const GameEvent& e, uint64_t ev, EventRecord* rec);
  bool UpdateTier(int64_t now_ms);
  int64_t WindowPoints(int64_t now_ms) const;
  int64_t Period(int64_t ts, int32_t tz) const;
  int64_t PeriodEndUtc(int64_t period, int32_t tz) const;
  std::string StreakMessage(const GameView::Streak& s) const;
  void RememberEvent(uint64_t ev, EventRecord rec);

  std::unique_ptr<GameRules> rules_;

  // --- user state (snapshot) ---
  Ledger ledger_;
  absl::flat_hash_set<uint64_t> seen_;
  std::deque<uint64_t> seen_order_;
  StreakState streak_;
  // Progress by rule id. std::map: a handful of entries, and far less wasm
  // code than one hash-map instantiation per value type.
  std::map<std::string, CardState> cards_;
  std::map<std::string, BadgeState> badges_;
  std::map<std::string, ChallengeState> challenges_;
  std::map<std::string, BoxState> boxes_;
  std::map<std::string, int64_t> prize_wins_;  // "box/prize" -> times won
  std::vector<PendingClaim> claims_;
  std::string tier_;              // current tier id ("" none)
  int64_t tier_below_since_ = 0;  // when the window fell below the tier (0: not below)
  std::deque<std::pair<int64_t, int64_t>> tier_window_;  // (ts, amount) of the tier currency, by ts
  // Daily cap usage: key = hash(local day, rule) -> amount; pruned to recent days.
  absl::flat_hash_map<uint64_t, std::pair<int64_t, int64_t>> caps_;  // key -> (day, amount)
  absl::flat_hash_map<uint64_t, EventRecord> events_;
  std::deque<uint64_t> events_order_;
  uint64_t opens_ = 0;  // mystery boxes opened, for draw ids

  std::deque<RewardEvent> pending_;  // oldest dropped past kMaxPendingRewards
  uint64_t awarded_ = 0;
};

}  // namespace hearth

#endif  // HEARTH_GAME_GAME_H_
