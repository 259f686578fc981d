// Embind glue for the game (src/hearth/game/): rules, state, mystery boxes,
// history, refunds and the reward events of the last calls. Conversion only.
#include <emscripten/bind.h>

#include <cmath>

#include "bindings/engine_handle.h"

namespace hearth::bindings {
namespace {

double Num(int64_t v) { return static_cast<double>(v); }

bool ValidTz(double tz) { return std::isfinite(tz) && tz >= -kMaxTzOffsetMin && tz <= kMaxTzOffsetMin && tz == std::floor(tz); }

val BadTz() {
  return Failure(absl::InvalidArgumentError("tzOffsetMinutes must be a whole number of minutes from -840 to 840"));
}

void SetIf(val& o, const char* key, const std::string& s) {
  if (!s.empty()) o.set(key, s);
}

// One reward event as the UI reads it: the fields each kind carries.
val RewardOut(const RewardEvent& r) {
  val o = val::object();
  o.set("kind", std::string(RewardKindName(r.kind)));
  SetIf(o, "id", r.id);
  SetIf(o, "label", r.label);
  SetIf(o, "message", r.message);
  SetIf(o, "event", r.event);
  switch (r.kind) {
    case RewardKind::kPoints:
    case RewardKind::kRefund:
    case RewardKind::kExpired:
      if (!r.currency.empty()) {
        o.set("currency", r.currency);
        o.set("balance", Num(r.balance));
      }
      o.set("amount", Num(r.amount));
      if (r.kind == RewardKind::kRefund && r.currency.empty()) o.set("remaining", Num(r.count));
      break;
    case RewardKind::kStamp:
      o.set("stamps", Num(r.count));
      o.set("required", Num(r.goal));
      break;
    case RewardKind::kStampCardComplete:
      o.set("completed", Num(r.count));
      o.set("required", Num(r.goal));
      break;
    case RewardKind::kStreak:
      o.set("current", Num(r.count));
      o.set("longest", Num(r.goal));
      o.set("freezes", Num(r.amount));
      break;
    case RewardKind::kStreakBroken:
      o.set("previous", Num(r.count));
      break;
    case RewardKind::kTier:
      o.set("direction", r.direction);
      o.set("currency", r.currency);
      o.set("windowPoints", Num(r.balance));
      break;
    case RewardKind::kChallengeProgress:
    case RewardKind::kChallengeComplete:
      o.set("progress", Num(r.count));
      o.set("goal", Num(r.goal));
      break;
    case RewardKind::kMysteryAvailable:
    case RewardKind::kMysteryOpened:
      o.set("available", Num(r.count));
      SetIf(o, "prize", r.prize);
      break;
    case RewardKind::kBadge:
      break;
  }
  if (!r.claim.empty()) {
    o.set("claim", r.claim);
    o.set("valueCents", Num(r.value_cents));
    o.set("needsServerConfirmation", true);
  }
  return o;
}

// {rules: n} or {error}; on error the loaded rules stay.
val GameLoad(EngineHandle& h, const val& input) {
  auto n = h.engine().LoadGame(BytesIn(input));
  if (!n.ok()) return Failure(n.status());
  val out = val::object();
  out.set("rules", static_cast<double>(*n));
  return out;
}

// The reward events since the last call (track, open, refund, state).
val GameTakeRewards(EngineHandle& h) {
  const std::vector<RewardEvent> events = h.engine().TakeRewards();
  val out = val::array();
  for (size_t i = 0; i < events.size(); ++i) out.set(i, RewardOut(events[i]));
  return out;
}

val HistoryOut(const std::vector<GameView::HistoryRow>& rows) {
  val out = val::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    val o = val::object();
    o.set("entry", rows[i].entry);
    o.set("amount", Num(rows[i].amount));
    o.set("currency", rows[i].currency);
    o.set("reason", rows[i].reason);
    o.set("kind", rows[i].kind);
    o.set("ts", Num(rows[i].ts_ms));
    out.set(i, o);
  }
  return out;
}

// The state object of the brief's contract, or {error}.
val GameState(EngineHandle& h, double now_ms, double tz) {
  if (!ValidTz(tz)) return BadTz();
  auto v = h.engine().GameState(now_ms, static_cast<int32_t>(tz));
  if (!v.ok()) return Failure(v.status());
  val out = val::object();
  val balances = val::object();
  val expiring = val::object();
  for (const auto& b : v->balances) {
    balances.set(b.currency, Num(b.amount));
    if (b.expiring > 0) {
      val e = val::object();
      e.set("amount", Num(b.expiring));
      e.set("at", Num(b.expires_ms));
      expiring.set(b.currency, e);
    }
  }
  out.set("balances", balances);
  out.set("expiring", expiring);
  val claims = val::array();
  for (size_t i = 0; i < v->claims.size(); ++i) {
    const PendingClaim& c = v->claims[i];
    val o = val::object();
    o.set("id", c.id);
    o.set("reward", c.reward);
    o.set("label", c.label);
    o.set("valueCents", Num(c.value_cents));
    o.set("needsServerConfirmation", true);
    claims.set(i, o);
  }
  out.set("pendingClaims", claims);
  if (v->streak) {
    const auto& s = *v->streak;
    val o = val::object();
    o.set("period", std::string(s.weekly ? "week" : "day"));
    o.set("current", Num(s.current));
    o.set("longest", Num(s.longest));
    o.set("freezes", Num(s.freezes));
    o.set("status", s.status);
    o.set("nextDeadline", s.next_deadline_ms < 0 ? val::null() : val(Num(s.next_deadline_ms)));
    o.set("message", s.message);
    out.set("streak", o);
  } else {
    out.set("streak", val::null());
  }
  val cards = val::array();
  for (size_t i = 0; i < v->cards.size(); ++i) {
    const auto& c = v->cards[i];
    val o = val::object();
    o.set("id", c.id);
    o.set("name", c.name);
    o.set("stamps", Num(c.stamps));
    o.set("required", Num(c.required));
    o.set("completed", Num(c.completed));
    cards.set(i, o);
  }
  out.set("stampCards", cards);
  if (v->tier) {
    const auto& t = *v->tier;
    val o = val::object();
    o.set("id", t.id);
    o.set("name", t.name);
    o.set("windowPoints", Num(t.window_points));
    o.set("benefits", StringArray(t.benefits));
    if (t.next) {
      val n = val::object();
      n.set("id", t.next->id);
      n.set("name", t.next->name);
      n.set("threshold", Num(t.next->threshold));
      n.set("remaining", Num(t.remaining));
      o.set("next", n);
    } else {
      o.set("next", val::null());
    }
    out.set("tier", o);
  } else {
    out.set("tier", val::null());
  }
  val badges = val::array();
  for (size_t i = 0; i < v->badges.size(); ++i) {
    const auto& b = v->badges[i];
    val o = val::object();
    o.set("id", b.id);
    o.set("name", b.name);
    o.set("description", b.description);
    o.set("set", b.set.empty() ? val::null() : val(b.set));
    o.set("earned", b.earned);
    o.set("earnedAt", b.earned ? val(Num(b.earned_at)) : val::null());
    o.set("progress", Num(b.progress));
    o.set("count", Num(b.count));
    badges.set(i, o);
  }
  out.set("badges", badges);
  val challenges = val::array();
  for (size_t i = 0; i < v->challenges.size(); ++i) {
    const auto& c = v->challenges[i];
    val o = val::object();
    o.set("id", c.id);
    o.set("name", c.name);
    o.set("description", c.description);
    o.set("goal", Num(c.goal));
    o.set("progress", Num(c.progress));
    o.set("startsAt", Num(c.starts_ms));
    o.set("endsAt", Num(c.ends_ms));
    o.set("status", c.status);
    challenges.set(i, o);
  }
  out.set("challenges", challenges);
  val mystery = val::array();
  for (size_t i = 0; i < v->mystery.size(); ++i) {
    const auto& b = v->mystery[i];
    val o = val::object();
    o.set("id", b.id);
    o.set("name", b.name);
    o.set("available", Num(b.available));
    val odds = val::array();
    for (size_t j = 0; j < b.odds.size(); ++j) {
      val p = val::object();
      p.set("prize", b.odds[j].prize);
      p.set("label", b.odds[j].label);
      p.set("probability", b.odds[j].probability);
      p.set("weight", Num(b.odds[j].weight));
      odds.set(j, p);
    }
    o.set("odds", odds);
    mystery.set(i, o);
  }
  out.set("mystery", mystery);
  out.set("history", HistoryOut(v->history));
  return out;
}

// {box, prize, label, claim?, valueCents?, needsServerConfirmation?} or {error}.
val GameOpenMystery(EngineHandle& h, const std::string& box, double now_ms) {
  auto r = h.engine().OpenMystery(box, now_ms);
  if (!r.ok()) return Failure(r.status());
  val o = val::object();
  o.set("box", r->box);
  o.set("prize", r->prize);
  o.set("label", r->label);
  if (!r->claim.empty()) {
    o.set("claim", r->claim);
    o.set("valueCents", Num(r->value_cents));
    o.set("needsServerConfirmation", true);
  }
  return o;
}

// [{entry, amount, currency, reason, kind, ts}] newest first, or {error}.
val GameHistory(EngineHandle& h, double limit, double now_ms) {
  if (!(limit >= 1) || limit != std::floor(limit))
    return Failure(absl::InvalidArgumentError("history({ limit }) needs a whole number of at least 1"));
  auto v = h.engine().GameState(now_ms, 0, limit > kMaxLedgerHistory ? kMaxLedgerHistory : static_cast<size_t>(limit));
  if (!v.ok()) return Failure(v.status());
  return HistoryOut(v->history);
}

// null or {code, message}.
val GameRefund(EngineHandle& h, const std::string& event_id, double now_ms) {
  return ErrorOrNull(h.engine().RefundEvent(event_id, now_ms));
}

}  // namespace

EMSCRIPTEN_BINDINGS(hearth_game) {
  emscripten::function("gameLoad", &GameLoad);
  emscripten::function("gameState", &GameState);
  emscripten::function("gameOpenMystery", &GameOpenMystery);
  emscripten::function("gameHistory", &GameHistory);
  emscripten::function("gameRefund", &GameRefund);
  emscripten::function("gameTakeRewards", &GameTakeRewards);
}

}  // namespace hearth::bindings
